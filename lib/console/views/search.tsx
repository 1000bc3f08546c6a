/** @jsxImportSource hono/jsx */
/** The search page: box, active filters, facets, result cards, pages, export; or a start page. */
import type { Child } from 'hono/jsx';
import { EXPORT_MAX_ROWS } from '../../export.ts';
import { type LinkParams, queryString, type View } from '../view.ts';
import { type CardQuote, InterviewLinks, Layout, Pager, QuoteCard } from './parts.tsx';

/** The search state, all of it in the URL. */
export interface SearchState {
  q: string;
  tag: string[];
  interviewee?: string | undefined;
  /** One interview's quotes only (the reader's "search this interview" box). */
  interview?: string | undefined;
  speaker?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
}

/** The URL parameters of a state (page 1 is left out). */
export function stateParams(s: SearchState): LinkParams {
  return {
    q: s.q,
    tag: s.tag,
    interviewee: s.interviewee,
    interview: s.interview,
    speaker: s.speaker,
    from: s.from,
    to: s.to,
    page: s.page > 1 ? s.page : undefined,
  };
}

/** What the search found, ready to show. */
export interface SearchResult {
  total: number;
  totalIsEstimate: boolean;
  matched: 'all' | 'any' | 'filter';
  relaxed: boolean;
  /** On a relaxed page, how many quotes have every word (listed first). */
  everyWord: number;
  /** The words typed that no quote says (ホヤ of ホヤってどう思う): named above the page. */
  missing: string[];
  hits: CardQuote[];
  pageSize: number;
  facets: {
    tags: Array<[string, number]>;
    people: Array<{ id: string; name: string; count: number }>;
    roles: Array<[string, number]>;
    years: Array<[string, number]>;
  };
}

/**
 * An interviewee filter that names nobody, or several people: the API's 400, shown on the search
 * page with the query kept and each candidate a link, instead of an error page.
 */
export interface PersonProblem {
  value: string;
  candidates: Array<{
    id: string;
    name: string;
    /** interviewer or other: said beside the name (an interviewee is the default). */
    role?: string;
    interviews: string[];
    interviewTitles?: string[];
  }>;
}

/** What the start page shows. */
export interface Landing {
  tags: Array<{ id: string; quotes: number }>;
  interviews: Array<{ id: string; title: string; publishedAt: string | null; addedAt?: string }>;
}

function yearOf(s: SearchState): string | null {
  const m = s.from && /^(\d{4})-01-01$/.exec(s.from);
  return m && s.to === `${m[1]}-12-31` ? (m[1] as string) : null;
}

function FacetGroup(props: { title: string; id: string; children: Child }) {
  return (
    <section class="facet" aria-labelledby={`facet-${props.id}`}>
      <h3 id={`facet-${props.id}`}>{props.title}</h3>
      <ul>{props.children}</ul>
    </section>
  );
}

function FacetItem(props: { href: string; label: string; count: number; active: boolean }) {
  return (
    <li>
      <a
        href={props.href}
        class={props.active ? 'facet-link active' : 'facet-link'}
        aria-current={props.active ? 'true' : undefined}
      >
        <span class="facet-label">{props.label}</span>
        <span class="count">{props.count.toLocaleString('en')}</span>
      </a>
    </li>
  );
}

/** The search page. */
export function SearchPage(props: {
  v: View;
  state: SearchState;
  result: SearchResult | null;
  landing: Landing | null;
  personName: string | null;
  /** The title of the interview the `interview` filter names (its id when unknown). */
  interviewTitle?: string | null;
  personProblem?: PersonProblem | null;
  switchHref: string;
}) {
  const { v, state, result } = props;
  const problem = props.personProblem ?? null;
  const { t } = v;
  const base: SearchState = { ...state, page: 1 };
  const link = (change: Partial<SearchState>) => v.href('/', stateParams({ ...base, ...change }));
  const year = yearOf(state);
  const chips: Array<{ label: string; href: string }> = [
    ...state.tag.map((id) => ({
      label: `${t.facetTags}: ${v.tagLabel(id)}`,
      href: link({ tag: state.tag.filter((x) => x !== id) }),
    })),
    ...(state.interviewee
      ? [
          {
            label: `${t.facetPeople}: ${props.personName ?? state.interviewee}`,
            href: link({ interviewee: undefined }),
          },
        ]
      : []),
    ...(state.interview
      ? [
          {
            label: `${t.facetInterview}: ${props.interviewTitle ?? state.interview}`,
            href: link({ interview: undefined }),
          },
        ]
      : []),
    ...(state.speaker && state.speaker !== 'any'
      ? [
          {
            label: `${t.facetRoles}: ${t.roles[state.speaker] ?? state.speaker}`,
            href: link({ speaker: undefined }),
          },
        ]
      : []),
    ...(state.from || state.to
      ? [
          {
            label: `${t.facetYears}: ${year ?? `${state.from ?? ''}〜${state.to ?? ''}`}`,
            href: link({ from: undefined, to: undefined }),
          },
        ]
      : []),
  ];
  const title = state.q ? t.resultsFor(state.q) : result ? t.resultsAll : t.navSearch;
  const exportParams = { ...stateParams(base), page: undefined };
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  const first = (state.page - 1) * (result?.pageSize ?? 0) + 1;
  return (
    <Layout v={v} title={title} current="search" switchHref={props.switchHref}>
      <search>
        <form class="search" action="/" method="get">
          <label for="q" class="search-label">
            {t.searchLabel}
          </label>
          <div class="search-row">
            <input
              id="q"
              name="q"
              type="search"
              value={state.q}
              placeholder={t.searchPlaceholder}
              autocomplete="off"
              list="q-suggestions"
              maxlength={200}
              aria-describedby="q-help"
            />
            <button type="submit">{t.searchButton}</button>
          </div>
          <datalist id="q-suggestions" />
          <p id="q-help" class="help">
            {t.startHelp}
          </p>
          <div id="tag-suggestions" class="tag-suggestions" aria-live="polite" />
          {state.tag.map((id) => (
            <input type="hidden" name="tag" value={id} />
          ))}
          {state.interviewee ? <input type="hidden" name="interviewee" value={state.interviewee} /> : null}
          {state.interview ? <input type="hidden" name="interview" value={state.interview} /> : null}
          {state.speaker ? <input type="hidden" name="speaker" value={state.speaker} /> : null}
          {state.from ? <input type="hidden" name="from" value={state.from} /> : null}
          {state.to ? <input type="hidden" name="to" value={state.to} /> : null}
          {v.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        </form>
      </search>

      {chips.length > 0 ? (
        <section class="active-filters" aria-label={t.activeFilters}>
          <ul>
            {chips.map((c) => (
              <li>
                <a class="chip" href={c.href}>
                  {c.label}
                  <span class="x" aria-hidden="true">
                    ×
                  </span>
                  <span class="sr-only">{t.paren(t.removeFilter)}</span>
                </a>
              </li>
            ))}
            <li>
              <a class="clear" href={v.href('/', { q: state.q })}>
                {t.clearFilters}
              </a>
            </li>
          </ul>
        </section>
      ) : null}

      {problem ? (
        <section class="person-problem" aria-labelledby="person-problem-title">
          <h1 id="person-problem-title" class="notice">
            {problem.candidates.length > 0 ? t.personSeveral(problem.value) : t.personNone(problem.value)}
          </h1>
          <ul>
            {problem.candidates.map((c) => (
              <li>
                <a href={link({ interviewee: c.id })}>{c.name}</a>{' '}
                <span class="muted">
                  {c.role && c.role !== 'interviewee' ? `${t.roles[c.role] ?? c.role} · ` : ''}
                  {c.interviewTitles?.[0] ? `「${c.interviewTitles[0]}」 · ` : ''}
                  {t.personInterviews(c.interviews.length)} · {c.id}
                </span>
              </li>
            ))}
            <li>
              <a href={link({ interviewee: undefined })}>{t.personDropFilter}</a>
            </li>
          </ul>
        </section>
      ) : result === null ? (
        <Start v={v} landing={props.landing} />
      ) : (
        <div class="results-layout">
          <section class="results" aria-labelledby="results-title">
            <div class="results-head">
              <h1 id="results-title">{title}</h1>
              <p class="total" role="status">
                <strong>
                  {result.totalIsEstimate ? t.resultsAbout(result.total) : t.results(result.total)}
                </strong>
                {result.hits.length > 0 ? (
                  <span class="range">{t.range(first, first + result.hits.length - 1)}</span>
                ) : null}
              </p>
              {result.total > 0 ? (
                <p class="export">
                  <span>{t.exportLabel}:</span>{' '}
                  <a
                    href={`/search${queryString({ ...exportParams, format: 'csv' })}`}
                    download="kikigaki.csv"
                  >
                    {t.exportCsv}
                  </a>{' '}
                  <a
                    href={`/search${queryString({ ...exportParams, format: 'json' })}`}
                    download="kikigaki.json"
                  >
                    {t.exportJson}
                  </a>{' '}
                  <span class="help">{t.paren(t.exportNote(EXPORT_MAX_ROWS))}</span>
                </p>
              ) : null}
            </div>
            {/* A word no quote says is named, whether or not the rest of the query found quotes. */}
            {result.missing.length > 0 ? (
              <p class="notice missing">{t.missingWords(result.missing)}</p>
            ) : null}
            {/* "No quote has every word" only when that is so: a sentence never asked for every word. */}
            {result.relaxed ? (
              <p class="notice">{result.everyWord > 0 ? t.matchedFew(result.everyWord) : t.matchedAny}</p>
            ) : result.matched === 'any' && result.hits.length > 0 ? (
              <p class="help">{t.matchedShare}</p>
            ) : null}
            {result.hits.length === 0 ? (
              <div class="empty">
                <h2>{t.emptyTitle}</h2>
                <ul>
                  {/* Fewer words only when words were typed; fewer filters only when some are set. */}
                  {[state.q.trim() ? t.emptyHints[0] : null, chips.length > 0 ? t.emptyHints[1] : null]
                    .filter((h) => h !== null)
                    .map((h) => (
                      <li>{h}</li>
                    ))}
                </ul>
                <p>
                  <a href={v.href('/tags')}>{t.browseTags}</a>
                </p>
              </div>
            ) : (
              <ol class="cards">
                {result.hits.map((h) => (
                  <li>
                    <QuoteCard v={v} quote={h} q={state.q || undefined} />
                  </li>
                ))}
              </ol>
            )}
            <Pager
              v={v}
              page={state.page}
              pages={pages}
              link={(p) => v.href('/', stateParams({ ...state, page: p }))}
            />
          </section>
          <aside class="facets" aria-label={t.filters}>
            <details open>
              <summary>
                <h2>{t.filters}</h2>
              </summary>
              {result.facets.tags.length > 0 ? (
                <FacetGroup title={t.facetTags} id="tags">
                  {result.facets.tags.map(([id, n]) => {
                    const active = state.tag.includes(id);
                    return (
                      <FacetItem
                        href={link({ tag: active ? state.tag.filter((x) => x !== id) : [...state.tag, id] })}
                        label={v.tagLabel(id)}
                        count={n}
                        active={active}
                      />
                    );
                  })}
                </FacetGroup>
              ) : null}
              {result.facets.people.length > 0 ? (
                <FacetGroup title={t.facetPeople} id="people">
                  {result.facets.people.map((p) => {
                    const active = state.interviewee === p.id;
                    return (
                      <FacetItem
                        href={link({ interviewee: active ? undefined : p.id })}
                        label={p.name}
                        count={p.count}
                        active={active}
                      />
                    );
                  })}
                </FacetGroup>
              ) : null}
              {result.facets.roles.length > 0 ? (
                <FacetGroup title={t.facetRoles} id="roles">
                  {result.facets.roles.map(([role, n]) => {
                    const active = state.speaker === role;
                    return (
                      <FacetItem
                        href={link({ speaker: active ? undefined : role })}
                        label={t.roles[role] ?? role}
                        count={n}
                        active={active}
                      />
                    );
                  })}
                </FacetGroup>
              ) : null}
              {result.facets.years.length > 0 ? (
                <FacetGroup title={t.facetYears} id="years">
                  {result.facets.years.map(([y, n]) => {
                    const active = year === y;
                    return (
                      <FacetItem
                        href={
                          active
                            ? link({ from: undefined, to: undefined })
                            : link({ from: `${y}-01-01`, to: `${y}-12-31` })
                        }
                        label={v.lang === 'ja' ? `${y}年` : y}
                        count={n}
                        active={active}
                      />
                    );
                  })}
                </FacetGroup>
              ) : null}
            </details>
          </aside>
        </div>
      )}
    </Layout>
  );
}

function Start(props: { v: View; landing: Landing | null }) {
  const { v } = props;
  const { t } = v;
  return (
    <div class="start">
      <h1>{t.startTitle}</h1>
      {props.landing && props.landing.tags.length > 0 ? (
        <section aria-labelledby="popular">
          <h2 id="popular">{t.popularTags}</h2>
          <ul class="tag-cloud">
            {props.landing.tags.map((tag) => (
              <li>
                <a class="tag" href={v.href('/', { tag: tag.id })}>
                  {v.tagLabel(tag.id)} <span class="count">{tag.quotes}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {props.landing && props.landing.interviews.length > 0 ? (
        <section aria-labelledby="recent">
          <h2 id="recent">{t.recentInterviews}</h2>
          <InterviewLinks v={v} interviews={props.landing.interviews} />
        </section>
      ) : null}
    </div>
  );
}
