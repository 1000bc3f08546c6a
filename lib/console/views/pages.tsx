/** @jsxImportSource hono/jsx */
/** The reader, the profile, the tag pages, upload and errors. */
import type { Interview } from '../../model.ts';
import type { DuplicateCandidate } from '../../people/duplicates.ts';
import type { Range } from '../../search/highlight.ts';
import type { IntervieweeProfile, TagSummary } from '../../service.ts';
import type { Topic } from '../../taxonomy/index.ts';
import type { View } from '../view.ts';
import {
  type CardQuote,
  formatDate,
  InterviewLinks,
  Layout,
  Marked,
  Pager,
  QuoteCard,
  RoleBadge,
  TagList,
} from './parts.tsx';

/** An interview with its turns' tags, as the reader shows it. */
export interface ReaderData {
  interview: Interview;
  tags: Record<string, string[]>;
  /** Matched ranges per quote id, when the reader was opened from a search. */
  marks: Map<string, Range[]>;
  q: string;
  /** The quote the reader was opened at. */
  turn: string | null;
}

/** The interview reader: metadata, contents, then every turn by section. */
export function ReaderPage(props: { v: View; data: ReaderData; switchHref: string }) {
  const { v, data } = props;
  const { t } = v;
  const iv = data.interview;
  const personLink = (p: { id: string; name: string }) => (
    <a href={v.href(`/people/${encodeURIComponent(p.id)}`)}>{p.name}</a>
  );
  const groups: Array<{ heading: string | null; turns: Interview['turns'] }> = [];
  for (const turn of iv.turns) {
    const last = groups.at(-1);
    if (last && last.heading === turn.section) last.turns.push(turn);
    else groups.push({ heading: turn.section, turns: [turn] });
  }
  const intervieweeIds = new Set(iv.interviewees.map((p) => p.id));
  // The writer's paragraphs, printed where the article has them (after the turn of ordinal
  // `after`; 0: before the first turn), set apart from the quotes and credited to nobody.
  const narrationAfter = new Map<number, string[]>();
  // An interview stored before narration was kept has none in its record (not even []).
  for (const n of (iv as { narration?: Interview['narration'] }).narration ?? []) {
    const list = narrationAfter.get(n.after);
    if (list) list.push(n.text);
    else narrationAfter.set(n.after, [n.text]);
  }
  const Narration = (p: { after: number }) => {
    const texts = narrationAfter.get(p.after);
    return texts ? (
      <div class="narration" role="note" aria-label={t.narration}>
        {texts.map((text) => (
          <p>{text}</p>
        ))}
      </div>
    ) : null;
  };
  return (
    <Layout v={v} title={iv.title} switchHref={props.switchHref}>
      <article class="reader" aria-labelledby="reader-title">
        <header class="reader-head">
          <h1 id="reader-title">{iv.title}</h1>
          <dl class="meta" aria-label={t.readerMeta}>
            {iv.publishedAt ? (
              <div>
                <dt>{t.published}</dt>
                <dd>
                  <time datetime={iv.publishedAt}>{formatDate(v, iv.publishedAt)}</time>
                </dd>
              </div>
            ) : null}
            {iv.url ? (
              <div>
                <dt>{t.source}</dt>
                <dd>
                  <a href={iv.url} rel="noopener noreferrer external" class="url">
                    {iv.url}
                  </a>
                </dd>
              </div>
            ) : null}
            {iv.series ? (
              <div>
                <dt>{t.seriesLabel}</dt>
                <dd>{t.series(iv.series.title, iv.series.part)}</dd>
              </div>
            ) : null}
            {iv.interviewees.length > 0 ? (
              <div>
                <dt>{t.interviewees}</dt>
                <dd>
                  {iv.interviewees.map((p, i) => (
                    <>
                      {i > 0 ? t.listSeparator : ''}
                      {personLink(p)}
                      {p.occupation ? <span class="muted">{t.paren(p.occupation)}</span> : null}
                    </>
                  ))}
                </dd>
              </div>
            ) : null}
            {iv.interviewer ? (
              <div>
                <dt>{t.interviewer}</dt>
                <dd>{iv.interviewer.name}</dd>
              </div>
            ) : null}
            <div>
              <dt>ID</dt>
              <dd>
                <code>{iv.id}</code> · {t.turns(iv.turns.length)}
              </dd>
            </div>
          </dl>
          {iv.related.length > 0 ? (
            <section class="related" aria-label={t.related}>
              <h2>{t.related}</h2>
              <ul>
                {iv.related.map((r) => (
                  <li>
                    {r.url ? (
                      <a href={r.url} rel="noopener noreferrer external">
                        {r.title}
                      </a>
                    ) : (
                      r.title
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <search>
            <form class="search search-inline" action="/" method="get">
              <label for="q-reader" class="sr-only">
                {t.searchThis}
              </label>
              <input id="q-reader" name="q" type="search" value={data.q} placeholder={t.searchThis} />
              {/* This interview's quotes, every speaker's: an interviewee filter would also search
                  their other interviews and leave out everyone else in this one. */}
              <input type="hidden" name="interview" value={iv.id} />
              {v.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
              <button type="submit">{t.searchButton}</button>
            </form>
          </search>
          {groups.some((g) => g.heading) ? (
            <nav class="toc" aria-label={t.contents}>
              <h2>{t.contents}</h2>
              <ol>
                {groups
                  .filter((g) => g.heading)
                  .map((g) => (
                    <li>
                      <a href={`#${g.turns[0]?.id ?? ''}`}>{g.heading}</a>
                    </li>
                  ))}
              </ol>
            </nav>
          ) : null}
        </header>
        <Narration after={0} />
        {groups.map((g) => (
          <section class="reader-section">
            {g.heading ? <h2>{g.heading}</h2> : null}
            {g.turns.map((turn) => {
              const current = turn.id === data.turn;
              return [
                <div
                  class={`turn turn-${turn.role}${current ? ' current' : ''}`}
                  id={turn.id}
                  data-quote-id={turn.id}
                  aria-current={current ? 'true' : undefined}
                  tabindex={current ? -1 : undefined}
                >
                  <div class="turn-head">
                    <span class="speaker">
                      {turn.speakerId && intervieweeIds.has(turn.speakerId)
                        ? personLink({ id: turn.speakerId, name: turn.speaker })
                        : turn.speaker}
                    </span>
                    <RoleBadge v={v} role={turn.role} />
                    {current ? <span class="searched">{t.searchedTurn}</span> : null}
                    <a
                      class="permalink"
                      href={`#${turn.id}`}
                      aria-label={`${t.permalink}${t.paren(turn.id)}`}
                    >
                      #
                    </a>
                  </div>
                  <p class="turn-text">
                    <Marked text={turn.text} ranges={data.marks.get(turn.id) ?? []} />
                  </p>
                  <div class="card-tags" data-edit="quote" data-id={turn.id}>
                    <TagList v={v} tags={data.tags[turn.id] ?? []} />
                  </div>
                </div>,
                <Narration after={turn.ordinal} />,
              ];
            })}
          </section>
        ))}
      </article>
    </Layout>
  );
}

/** An interviewee's profile. */
export function PersonPage(props: {
  v: View;
  person: IntervieweeProfile;
  /** The interviewee's editor-added tags and their version, for editing. */
  manual: { tags: string[]; version: number } | null;
  evidence: CardQuote[];
  /** People of other interviews printed with this person's full name (possibly the same person). */
  sameName: DuplicateCandidate[];
  switchHref: string;
}) {
  const { v, person } = props;
  const { t } = v;
  return (
    <Layout v={v} title={person.name} switchHref={props.switchHref}>
      <article class="person" aria-labelledby="person-title">
        <header>
          <p class="kicker">{t.profile}</p>
          <h1 id="person-title">{person.name}</h1>
          <dl class="meta">
            {person.handle ? (
              <div>
                <dt>{t.handle}</dt>
                <dd>{person.handle}</dd>
              </div>
            ) : null}
            {person.location ? (
              <div>
                <dt>{t.location}</dt>
                <dd>{person.location}</dd>
              </div>
            ) : null}
            {person.occupation ? (
              <div>
                <dt>{t.occupation}</dt>
                <dd>{person.occupation}</dd>
              </div>
            ) : null}
          </dl>
          <p>
            <a class="button-link" href={v.href('/', { interviewee: person.id })}>
              {t.searchPerson}
            </a>
          </p>
        </header>
        <section aria-labelledby="person-tags">
          <h2 id="person-tags">{t.personTags}</h2>
          <ul class="person-tags">
            {person.tags.map((tag) => (
              <li>
                <a class="tag" href={v.href('/', { interviewee: person.id, tag: tag.id })} data-tag={tag.id}>
                  {v.tagLabel(tag.id)}
                </a>{' '}
                <span class="count">{t.quotesCount(tag.quotes)}</span>{' '}
                <span class="muted">{tag.source === 'manual' ? t.addedToPerson : t.fromQuotes}</span>
              </li>
            ))}
          </ul>
          {person.tags.length === 0 ? <p class="muted">{t.noTags}</p> : null}
          {props.manual ? (
            <div
              class="card-tags person-manual"
              data-edit="person"
              data-id={person.id}
              data-version={String(props.manual.version)}
              data-manual={props.manual.tags.join(' ')}
            />
          ) : null}
        </section>
        {props.evidence.length > 0 ? (
          <section aria-labelledby="evidence">
            <h2 id="evidence">{t.evidence}</h2>
            <ol class="cards">
              {props.evidence.map((q) => (
                <li>
                  <QuoteCard v={v} quote={q} headingLevel="h3" />
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        <section aria-labelledby="person-interviews">
          <h2 id="person-interviews">{t.interviews}</h2>
          <InterviewLinks v={v} interviews={person.interviews} />
        </section>
        {props.sameName.length > 0 ? (
          <section aria-labelledby="same-name">
            <h2 id="same-name">{t.sameName}</h2>
            <p class="help">{t.sameNameHelp}</p>
            <ul class="list same-name">
              {props.sameName.map((other) => (
                <li data-merge={other.id} data-into={person.id} data-name={other.name}>
                  <a href={v.href(`/people/${encodeURIComponent(other.id)}`)}>{other.name}</a>{' '}
                  <span class="muted">{other.interviews.map((iv) => iv.title).join(' / ')}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </article>
    </Layout>
  );
}

/** Every tag in use. */
export function TagsPage(props: { v: View; tags: TagSummary[]; switchHref: string }) {
  const { v } = props;
  const { t } = v;
  return (
    <Layout v={v} title={t.tagsTitle} current="tags" switchHref={props.switchHref}>
      <h1>{t.tagsTitle}</h1>
      <p class="help">{t.tagsHelp}</p>
      <div class="table-wrap">
        <table class="tag-table">
          <thead>
            <tr>
              <th scope="col">{t.tagLabel}</th>
              <th scope="col">{t.tagKind}</th>
              <th scope="col" class="num">
                {t.tagQuotes}
              </th>
              <th scope="col" class="num">
                {t.tagPeople}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.tags.map((tag) => (
              <tr>
                <th scope="row">
                  <a href={v.href(`/tags/${encodeURIComponent(tag.id)}`)}>
                    {v.lang === 'en' ? tag.labelEn : tag.label}
                  </a>{' '}
                  {tag.kind === 'topic' ? <code class="muted">{tag.id}</code> : null}
                </th>
                <td>{tag.kind === 'topic' ? t.topicTag : t.manualTag}</td>
                <td class="num">{tag.quotes}</td>
                <td class="num">{tag.interviewees}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** One tag: what it means and its quotes, paged. */
export function TagPage(props: {
  v: View;
  id: string;
  topic: Topic | undefined;
  total: number;
  quotes: CardQuote[];
  page: number;
  pageSize: number;
  switchHref: string;
}) {
  const { v, topic } = props;
  const { t } = v;
  const label = v.tagLabel(props.id);
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout v={v} title={t.tagQuotesTitle(label)} current="tags" switchHref={props.switchHref}>
      <header class="tag-head">
        <p class="kicker">
          <a href={v.href('/tags')}>{t.tagsTitle}</a>
        </p>
        <h1>{t.tagQuotesTitle(label)}</h1>
        {topic ? <p class="help">{topic.description}</p> : null}
        {topic ? (
          <p class="keywords">
            <span class="label">{t.keywords}:</span>{' '}
            {topic.evidence.map((e) => e.phrase).join(t.listSeparator)}
          </p>
        ) : null}
        <p>
          <strong>{t.results(props.total)}</strong>{' '}
          <a class="button-link" href={v.href('/', { tag: props.id })}>
            {t.searchWithTag}
          </a>
        </p>
      </header>
      <ol class="cards">
        {props.quotes.map((q) => (
          <li>
            <QuoteCard v={v} quote={q} />
          </li>
        ))}
      </ol>
      <Pager
        v={v}
        page={props.page}
        pages={pages}
        link={(p) => v.href(`/tags/${encodeURIComponent(props.id)}`, { page: p > 1 ? p : undefined })}
      />
    </Layout>
  );
}

/** The upload page; the script does the work (writes need the token in a header). */
export function UploadPage(props: { v: View; switchHref: string }) {
  const { v } = props;
  const { t } = v;
  const formats = ['blog', 'dash', 'prefixed', 'tsv', 'markdown', 'json', 'vtt', 'srt', 'timestamped'];
  return (
    <Layout v={v} title={t.uploadTitle} current="upload" switchHref={props.switchHref}>
      <h1>{t.uploadTitle}</h1>
      <p class="help">{t.uploadHelp}</p>
      <noscript>
        <p class="notice">{t.uploadNeedsScript}</p>
      </noscript>
      <p class="notice needs-token" id="upload-needs-token">
        {t.uploadNeedsToken}
      </p>
      <form id="upload-form" class="upload" hidden>
        <div id="drop-zone" class="drop-zone">
          <p>
            {t.dropHere}{' '}
            <label for="upload-file" class="file-label">
              {t.chooseFile}
            </label>
          </p>
          <input
            id="upload-file"
            type="file"
            accept=".txt,.md,.markdown,.tsv,.json,.vtt,.srt,.docx,text/*,application/json"
          />
          <p id="upload-file-name" class="muted" aria-live="polite" />
        </div>
        <div class="upload-options">
          <label for="upload-format">{t.formatLabel}</label>
          <select id="upload-format">
            <option value="auto">{t.formatAuto}</option>
            {formats.map((f) => (
              <option value={f}>{f}</option>
            ))}
          </select>
          <label for="upload-id">{t.idLabel}</label>
          <input id="upload-id" type="text" pattern="[A-Za-z0-9_\-]{1,128}" maxlength={128} />
        </div>
        <p>
          <button type="submit" id="upload-preview">
            {t.previewButton}
          </button>
        </p>
      </form>
      <p id="upload-status" class="status" role="status" aria-live="polite" />
      <section id="upload-preview-area" hidden aria-labelledby="preview-title">
        <h2 id="preview-title" tabindex={-1}>
          {t.previewButton}
        </h2>
        <div id="upload-preview-body" />
        <p>
          <button type="button" id="upload-save">
            {t.saveButton}
          </button>
        </p>
      </section>
    </Layout>
  );
}

/** An error page (404, 400, 401, 5xx). */
export function ErrorPage(props: { v: View; status: number; message: string; switchHref: string }) {
  const { v } = props;
  const { t } = v;
  const title =
    props.status === 404
      ? t.notFound
      : props.status === 401
        ? t.unauthorized
        : props.status < 500
          ? t.badRequest
          : t.errorTitle;
  const body =
    props.status === 404 ? t.notFoundBody : props.status === 401 ? t.unauthorizedBody : props.message;
  return (
    <Layout v={v} title={title} switchHref={props.switchHref}>
      <div class="error-page">
        <p class="kicker">{props.status}</p>
        <h1>{title}</h1>
        <p>{body}</p>
        <p>
          <a href={v.href('/')}>{t.backToSearch}</a>
        </p>
      </div>
    </Layout>
  );
}
