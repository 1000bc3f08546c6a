/** @jsxImportSource hono/jsx */
/**
 * The page frame and the pieces pages share. Every text goes through JSX, which escapes it:
 * quotes, names and titles are untrusted. No inline script or style (the CSP forbids both).
 */
import type { Child } from 'hono/jsx';
import type { Range } from '../../search/highlight.ts';
import type { View } from '../view.ts';

/** The frame of every page. */
export function Layout(props: {
  v: View;
  title: string;
  children: Child;
  current?: string;
  /** This page in the other language. */
  switchHref: string;
}) {
  const { v, t } = { v: props.v, t: props.v.t };
  const other = v.lang === 'en' ? 'ja' : 'en';
  const nav = [
    { href: v.href('/'), label: t.navSearch, id: 'search' },
    { href: v.href('/tags'), label: t.navTags, id: 'tags' },
    { href: v.href('/upload'), label: t.navUpload, id: 'upload' },
  ];
  return (
    <html lang={v.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${t.brand}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={v.assets.css} />
        <script type="module" src={v.assets.js} />
      </head>
      <body data-lang={v.lang}>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="top">
          <a class="brand" href={v.href('/')}>
            <span class="brand-mark" aria-hidden="true">
              聞
            </span>
            {t.brand}
          </a>
          <nav aria-label={t.navMain}>
            <ul class="nav">
              {nav.map((n) => (
                <li>
                  <a href={n.href} aria-current={props.current === n.id ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="tools">
            <button type="button" id="token-button" class="button-quiet" hidden aria-expanded="false">
              {t.tokenButton}
            </button>
            <a class="lang" href={props.switchHref} lang={other} hreflang={other}>
              {t.langSwitch}
            </a>
          </div>
        </header>
        <section id="token-panel" class="token-panel" hidden aria-labelledby="token-title">
          <h2 id="token-title">{t.tokenTitle}</h2>
          <p class="help">{t.tokenHelp}</p>
          <form id="token-form" class="token-form">
            <label for="token-input">{t.tokenLabel}</label>
            <input id="token-input" type="password" autocomplete="off" spellcheck={false} required />
            <label for="actor-input">{t.actorLabel}</label>
            <input id="actor-input" type="text" autocomplete="nickname" maxlength={100} />
            <button type="submit">{t.tokenSave}</button>
            <button type="button" id="token-clear" class="button-quiet">
              {t.tokenClear}
            </button>
          </form>
          <p id="token-status" class="status" role="status" aria-live="polite" />
        </section>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer class="foot">
          <span>{t.footer}</span> <a href="/openapi.json">{t.apiDocs}</a>
        </footer>
      </body>
    </html>
  );
}

/** A text with marked ranges (offsets into `text`), escaped like any text. */
export function Marked(props: { text: string; ranges: readonly Range[] }) {
  const parts: Child[] = [];
  let pos = 0;
  for (const r of props.ranges) {
    if (r.start < pos || r.end <= r.start) continue;
    if (r.start > pos) parts.push(props.text.slice(pos, r.start));
    parts.push(<mark>{props.text.slice(r.start, r.end)}</mark>);
    pos = r.end;
  }
  parts.push(props.text.slice(pos));
  return <>{parts}</>;
}

/** A role badge. */
export function RoleBadge(props: { v: View; role: string }) {
  return <span class={`role role-${props.role}`}>{props.v.t.roles[props.role] ?? props.role}</span>;
}

/** Tags of a quote or a person: links to their quotes; the script adds editing controls. */
export function TagList(props: { v: View; tags: readonly string[]; label?: string }) {
  const { v } = props;
  return (
    <ul class="tags" aria-label={props.label ?? v.t.tags} data-tags={props.tags.join(' ')}>
      {props.tags.length === 0 ? <li class="tag-none">{v.t.noTags}</li> : null}
      {props.tags.map((id) => (
        <li>
          <a class="tag" href={v.href('/', { tag: id })} data-tag={id}>
            {v.tagLabel(id)}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** A quote as a card: speaker, role, text, where it was said, the question, tags. */
export interface CardQuote {
  quoteId: string;
  interviewId: string;
  interviewTitle: string;
  publishedAt: string | null;
  text: string;
  ranges: readonly Range[];
  speaker: { id: string | null; name: string; role: string };
  section: string | null;
  /** `ranges`: the query's words in the question (a hit found through its question shows why). */
  question: { quoteId: string; text: string; ranges?: readonly Range[] } | null;
  tags: readonly string[];
}

/** A date (ISO) as the page's language writes it. */
export function formatDate(v: View, iso: string | null): string {
  if (!iso) return '';
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!d) return iso;
  return v.lang === 'ja' ? `${d[1]}年${Number(d[2])}月${Number(d[3])}日` : `${d[1]}-${d[2]}-${d[3]}`;
}

/** One result card. `q` is carried into the reader so it marks the same words. */
export function QuoteCard(props: { v: View; quote: CardQuote; q?: string; headingLevel?: 'h2' | 'h3' }) {
  const { v, quote } = props;
  const readerHref = v.href(
    `/interviews/${encodeURIComponent(quote.interviewId)}`,
    { q: props.q, turn: quote.quoteId },
    quote.quoteId,
  );
  const Heading = props.headingLevel ?? 'h2';
  const speakerLink =
    quote.speaker.id && quote.speaker.role === 'interviewee' ? (
      <a href={v.href(`/people/${encodeURIComponent(quote.speaker.id)}`)}>{quote.speaker.name}</a>
    ) : (
      <span>{quote.speaker.name}</span>
    );
  return (
    <article class="card" data-quote-id={quote.quoteId} aria-labelledby={`h-${quote.quoteId}`}>
      <header class="card-head">
        <Heading class="speaker" id={`h-${quote.quoteId}`}>
          {speakerLink}
        </Heading>
        <RoleBadge v={v} role={quote.speaker.role} />
      </header>
      <blockquote class="quote-text">
        <p>
          <Marked text={quote.text} ranges={quote.ranges} />
        </p>
      </blockquote>
      {quote.question ? (
        <p class="question">
          <span class="label">{v.t.question}</span>{' '}
          <Marked text={quote.question.text} ranges={quote.question.ranges ?? []} />
        </p>
      ) : null}
      <p class="source">
        <a href={readerHref}>{quote.interviewTitle}</a>
        {quote.section ? (
          <span class="section">
            <span class="sep" aria-hidden="true">
              ›
            </span>
            {quote.section}
          </span>
        ) : null}
        {quote.publishedAt ? (
          <time datetime={quote.publishedAt}>{formatDate(v, quote.publishedAt)}</time>
        ) : null}
      </p>
      <div class="card-tags" data-edit="quote" data-id={quote.quoteId}>
        <TagList v={v} tags={quote.tags} />
      </div>
    </article>
  );
}

/** Interviews as links to the reader, with their publication dates (profiles, the start page). */
export function InterviewLinks(props: {
  v: View;
  /** addedAt: when an undated interview was stored (the list sorts it by that date). */
  interviews: ReadonlyArray<{ id: string; title: string; publishedAt: string | null; addedAt?: string }>;
}) {
  const { v } = props;
  return (
    <ul class="list">
      {props.interviews.map((iv) => (
        <li>
          <a href={v.href(`/interviews/${encodeURIComponent(iv.id)}`)}>{iv.title}</a>{' '}
          {iv.publishedAt ? (
            <time datetime={iv.publishedAt}>{formatDate(v, iv.publishedAt)}</time>
          ) : iv.addedAt ? (
            <time class="muted" datetime={iv.addedAt}>
              {v.t.addedOn(formatDate(v, iv.addedAt))}
            </time>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Numbered pages around the current one. */
export function Pager(props: { v: View; page: number; pages: number; link: (page: number) => string }) {
  const { v, page, pages } = props;
  if (pages <= 1) return null;
  const numbers = new Set<number>([1, pages]);
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) numbers.add(p);
  const sorted = [...numbers].sort((a, b) => a - b);
  const items: Child[] = [];
  let last = 0;
  for (const p of sorted) {
    if (p - last > 1)
      items.push(
        <li class="gap" aria-hidden="true">
          …
        </li>,
      );
    items.push(
      <li>
        {p === page ? (
          <span aria-current="page" class="current">
            <span class="sr-only">{v.t.pageN(p)}</span>
            <span aria-hidden="true">{p}</span>
          </span>
        ) : (
          <a href={props.link(p)} aria-label={v.t.pageN(p)}>
            {p}
          </a>
        )}
      </li>,
    );
    last = p;
  }
  return (
    <nav class="pager" aria-label={v.t.pager}>
      <ul>
        <li>
          {page > 1 ? (
            <a href={props.link(page - 1)} rel="prev">
              {v.t.prev}
            </a>
          ) : (
            <span class="disabled">{v.t.prev}</span>
          )}
        </li>
        {items}
        <li>
          {page < pages ? (
            <a href={props.link(page + 1)} rel="next">
              {v.t.next}
            </a>
          ) : (
            <span class="disabled">{v.t.next}</span>
          )}
        </li>
      </ul>
    </nav>
  );
}
