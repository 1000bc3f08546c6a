/** @jsxImportSource hono/jsx */
/**
 * The console's pages, served from the API's own app. Paths the API also answers (`/`,
 * `/interviews/{id}`, `/tags`) are negotiated: a request whose Accept prefers text/html over JSON
 * (a browser navigating) gets the page; anything else (curl, fetch, SDKs) falls through to the
 * JSON route exactly as before. Every page is read-only and server-rendered; the script only adds
 * suggestions, tag editing and upload.
 */
import { type Context, Hono, type MiddlewareHandler, type Next } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import * as z from 'zod';
import { type AppEnv, toErrorResponse } from '../api/http.ts';
import { KikigakiError, ValidationError } from '../errors.ts';
import { IdSchema } from '../model.ts';
import type { IndexProvider } from '../search/backend.ts';
import type { SearchHit, SearchParams } from '../search/index.ts';
import { SearchParamsSchema } from '../search/index.ts';
import type { NamedPerson } from '../search/people.ts';
import type { Kikigaki } from '../service.ts';
import type { TopicTagger } from '../tagger.ts';
import { assertKnownTags, resolveTags } from '../tagging/directory.ts';
import { TagSchema } from '../tags.ts';
import { assetRoutes, assetUrls } from './assets.ts';
import { langOf, type Messages } from './i18n.ts';
import { numberedPage, personNames, searchQuotes } from './search.ts';
import { makeView, type View } from './view.ts';
import { ErrorPage, PersonPage, ReaderPage, TagPage, TagsPage, UploadPage } from './views/pages.tsx';
import type { CardQuote } from './views/parts.tsx';
import { type PersonProblem, SearchPage, type SearchResult, type SearchState } from './views/search.tsx';

/** Results per page in the console. */
export const PAGE_SIZE = 20;

/** The content security policy of every page: no inline script or style, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What the pages need (a subset of the API's dependencies). */
export interface ConsoleDeps {
  service: Kikigaki;
  index: IndexProvider;
  /**
   * Labels for error pages when the current taxonomy cannot be read (the store is down). Pages
   * label topics from the taxonomy in use (`service.tagging.taggers.current()`), topics created over the
   * API included.
   */
  tagger: TopicTagger;
  /** The API's read guard (a no-op unless reads are protected). */
  readGuard: MiddlewareHandler<AppEnv>;
}

/** The q-value of the best Accept entry matching `test`, 0 when none does. */
function quality(accept: string, test: (type: string) => boolean): number {
  let best = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    if (!test(type.trim())) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number.parseFloat(qp.slice(2)) : 1;
    if (Number.isFinite(q)) best = Math.max(best, q);
  }
  return best;
}

/**
 * True when the request prefers HTML to JSON: text/html (or XHTML) is named with a higher
 * q-value than application/json, application/* or * /* — as browsers navigating send it.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = quality(accept, (t) => t === 'text/html' || t === 'application/xhtml+xml');
  const json = quality(accept, (t) => t === 'application/json' || t === 'application/*' || t === '*/*');
  return html > 0 && html > json;
}

/**
 * A numbered page: at most 500 (the deepest page the console will seek to), and a larger number is
 * clamped rather than refused, so that any number past the end shows the last page (README).
 */
const PAGE_NUMBER = 'a page number is a whole number from 1 (page=2)';
const PageNumberSchema = z.coerce
  .number({ error: PAGE_NUMBER })
  .int({ error: PAGE_NUMBER })
  .min(1, { error: PAGE_NUMBER })
  .transform((n) => Math.min(n, 500))
  .default(1);

const SearchStateSchema = z.object({
  q: SearchParamsSchema.shape.q,
  tag: z.array(TagSchema).max(20).default([]),
  // One person per page (a facet link); the API's interviewee= takes several.
  interviewee: z.string().min(1).max(128).optional(),
  interview: SearchParamsSchema.shape.interview,
  speaker: z.enum(['interviewee', 'interviewer', 'other']).optional(),
  from: SearchParamsSchema.shape.from,
  to: SearchParamsSchema.shape.to,
  page: PageNumberSchema,
});

/** `name`: the parameter a lone value was parsed from (its issues have no path). */
function invalid(error: z.ZodError, name = 'query'): KikigakiError {
  const issue = error.issues[0];
  return new KikigakiError('validation_error', `${issue?.path.join('.') || name}: ${issue?.message}`);
}

/** A hit as a card (the snippet with its marks). */
function cardOfHit(hit: SearchHit): CardQuote {
  return {
    quoteId: hit.quoteId,
    interviewId: hit.interviewId,
    interviewTitle: hit.interviewTitle,
    publishedAt: hit.publishedAt,
    text: hit.highlight.snippet,
    ranges: hit.highlight.ranges,
    speaker: hit.speaker,
    section: hit.section,
    question: hit.question,
    tags: hit.tags,
  };
}

/**
 * The filter chip of a name typed for a person: the name, and whom it stood for when that is
 * someone else's name or someone who is no interviewee (`たけし（山本武司）`, `ななみ（ななみ・聞き手）`),
 * so a reader sees whose quotes they are reading.
 */
function meantLabel(typed: string, people: readonly NamedPerson[], t: Messages): string {
  const names = [
    ...new Set(
      people.map((p) =>
        p.role === 'interviewee' ? p.name : t.nameWithRole(p.name, t.roles[p.role] ?? p.role),
      ),
    ),
  ].join(t.listSeparator);
  return names === typed ? typed : `${typed}${t.paren(names)}`;
}

/**
 * The interviewee facet, one entry per name: people are per interview, so one person interviewed
 * twice is two ids of one name, which a reader takes for one person. Such a group links by the
 * name, which the filter resolves to everyone of that name; a lone id links by its id.
 */
function peopleFacet(
  counts: Record<string, number>,
  names: Record<string, string>,
  limit: number,
): Array<{ id: string; name: string; count: number }> {
  const byName = new Map<string, { ids: string[]; count: number }>();
  for (const [id, count] of Object.entries(counts)) {
    const name = names[id] ?? id;
    const group = byName.get(name);
    if (group) {
      group.ids.push(id);
      group.count += count;
    } else byName.set(name, { ids: [id], count });
  }
  return [...byName]
    .map(([name, g]) => ({ id: g.ids.length === 1 ? (g.ids[0] as string) : name, name, count: g.count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}

function byCount<K extends string>(counts: Record<K, number>, limit: number): Array<[K, number]> {
  return (Object.entries(counts) as Array<[K, number]>)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit);
}

/** The console's routes and assets, to mount on the API's app before its own routes. */
export function consoleRoutes(deps: ConsoleDeps): Hono<AppEnv> & {
  /** The page a browser gets for a path nothing serves (null: not a browser navigating). */
  notFoundPage: (c: Context<AppEnv>) => Promise<Response> | null;
} {
  const { service, tagger } = deps;
  const app = new Hono<AppEnv>();
  const assets = assetUrls();

  // The taxonomy in use (edited over the API) names the topics; the shipped one if it cannot be read.
  const current = () => service.tagging.taggers.current().catch(() => tagger);
  const viewOf = async (c: Context<AppEnv>): Promise<View> =>
    makeView(langOf(c.req.query('lang')), await current(), assets);
  const switchHref = (c: Context<AppEnv>, v: View): string => {
    const url = new URL(c.req.url);
    if (v.lang === 'en') url.searchParams.delete('lang');
    else url.searchParams.set('lang', 'en');
    return `${url.pathname}${url.search}`;
  };
  const send = (c: Context<AppEnv>, page: JSX.Element, status = 200) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Cache-Control', 'no-cache');
    c.header('Vary', 'Accept');
    return c.html(`<!doctype html>${String(page)}`, status as 200);
  };
  const failure = async (c: Context<AppEnv>, err: unknown) => {
    const v = await viewOf(c);
    // The API's own mapping of errors to statuses; 5xx go to the app's error handler (logged).
    const { status, body } = toErrorResponse(err, '');
    if (status >= 500) throw err;
    const message = body.error.message;
    return send(
      c,
      <ErrorPage v={v} status={status} message={message} switchHref={switchHref(c, v)} />,
      status,
    );
  };
  /**
   * A search filtered by merged-away tags is the same search filtered by their targets: the
   * browser is sent there (302, as merges can be undone), so the URL, facets and filters agree.
   */
  const mergedAwayRedirect = async (c: Context<AppEnv>, tags: readonly string[]) => {
    const { resolved } = await resolveTags(service.tagging, tags);
    if (Object.keys(resolved).length === 0) return null;
    const url = new URL(c.req.url);
    const seen = new Set<string>();
    const next = tags.map((t) => resolved[t] ?? t).filter((t) => !seen.has(t) && seen.add(t));
    // The tags where the first stood, so the rest of the query keeps its order.
    const out = new URLSearchParams();
    let placed = false;
    for (const [k, val] of url.searchParams) {
      if (k !== 'tag') out.append(k, val);
      else if (!placed) {
        for (const t of next) out.append('tag', t);
        placed = true;
      }
    }
    return c.redirect(`${url.pathname}?${out.toString()}`, 302);
  };
  /** A page handler: negotiated, guarded like the API's reads, errors shown as pages. */
  const page =
    (render: (c: Context<AppEnv>, v: View) => Promise<JSX.Element | Response>) =>
    async (c: Context<AppEnv>, next: Next) => {
      if (!prefersHtml(c.req.header('accept'))) {
        // Not a browser navigating: the API's route answers exactly as it did before.
        await next();
        c.res.headers.append('Vary', 'Accept');
        return;
      }
      try {
        let allowed = false;
        await deps.readGuard(c, async () => {
          allowed = true;
        });
        if (!allowed) throw new KikigakiError('unauthorized', 'a token is needed');
        const v = await viewOf(c);
        const out = await render(c, v);
        return out instanceof Response ? out : send(c, out);
      } catch (err) {
        return failure(c, err);
      }
    };

  app.route('/', assetRoutes());

  app.get(
    '/',
    page(async (c, v) => {
      const parsed = SearchStateSchema.safeParse({ ...c.req.query(), tag: c.req.queries('tag') ?? [] });
      if (!parsed.success) throw invalid(parsed.error);
      const state: SearchState = parsed.data;
      const moved = await mergedAwayRedirect(c, state.tag);
      if (moved) return moved;
      const speaker = parsed.data.speaker ?? 'any';
      const index = await deps.index.get();
      const filtered =
        state.q.trim() !== '' ||
        state.tag.length > 0 ||
        !!state.interviewee ||
        !!state.interview ||
        !!state.speaker ||
        !!state.from ||
        !!state.to;
      let result: SearchResult | null = null;
      let landing = null;
      /** The people the interviewee filter's name stood for (none for an id). */
      let meant: NamedPerson[] | undefined;
      if (filtered) {
        const params: SearchParams = {
          q: state.q,
          tags: state.tag,
          interviewee: state.interviewee,
          interview: state.interview,
          speaker,
          from: state.from,
          to: state.to,
          limit: PAGE_SIZE,
        };
        let numbered: Awaited<ReturnType<typeof numberedPage>>;
        try {
          numbered = await numberedPage(service, index, params, state.page, PAGE_SIZE);
        } catch (err) {
          const problem = personProblem(err, state.interviewee);
          if (!problem) throw err;
          // The search page with the query kept and the people meant as links, not an error page.
          return send(
            c,
            <SearchPage
              v={v}
              state={state}
              result={null}
              landing={null}
              personName={null}
              personProblem={problem}
              switchHref={switchHref(c, v)}
            />,
            400,
          );
        }
        const found = numbered.page;
        meant = state.interviewee ? found.people?.[state.interviewee] : undefined;
        // A misspelt tag in a typed or old link: a 400 page naming the tags meant, not "no quotes".
        if (found.total === 0) {
          await assertKnownTags(service.tagging, state.tag);
          // A mistyped interview id (an edited link) is a 400 naming the ids meant, as in the API.
          await service.assertKnownInterview(index, state.interview);
        }
        state.page = numbered.pageNo;
        result = {
          total: found.total,
          totalIsEstimate: found.totalIsEstimate,
          matched: found.matched,
          relaxed: found.relaxed,
          everyWord: found.everyWord ?? 0,
          missing: found.missing ?? [],
          hits: found.hits.map(cardOfHit),
          pageSize: PAGE_SIZE,
          facets: {
            tags: byCount(found.facets.tags, 20),
            people: peopleFacet(found.facets.interviewees, found.facets.intervieweeNames, 15),
            roles: byCount(found.facets.roles ?? {}, 3),
            years: (Object.entries(found.facets.years ?? {}) as Array<[string, number]>).sort((a, b) =>
              b[0].localeCompare(a[0]),
            ),
          },
        };
      } else {
        const recent = await service.listInterviews({ limit: 8 });
        landing = {
          tags: byCount(await index.tagCounts(), 16).map(([id, quotes]) => ({ id, quotes })),
          // Newest first by publication date, else by when it was stored: an undated interview
          // says so, or it reads as misplaced above dated ones.
          interviews: recent.items.map((s) => ({
            id: s.id,
            title: s.title,
            publishedAt: s.publishedAt,
            addedAt: s.updatedAt,
          })),
        };
      }
      const personName = !state.interviewee
        ? null
        : meant
          ? meantLabel(state.interviewee, meant, v.t)
          : ((await personNames(index, [state.interviewee])).get(state.interviewee) ?? null);
      return (
        <SearchPage
          v={v}
          state={state}
          result={result}
          landing={landing}
          personName={personName}
          interviewTitle={state.interview ? ((await index.interview(state.interview))?.title ?? null) : null}
          switchHref={switchHref(c, v)}
        />
      );
    }),
  );

  app.get(
    '/interviews/:id',
    page(async (c, v) => {
      const id = IdSchema.safeParse(c.req.param('id'));
      if (!id.success) throw invalid(id.error);
      const q = z
        .string()
        .max(200)
        .default('')
        .parse(c.req.query('q') ?? '');
      const stored = await service.getInterview(id.data);
      const marks = new Map<string, Array<{ start: number; end: number }>>();
      if (q.trim()) {
        const index = await deps.index.get();
        const { page: found } = await searchQuotes(service, index, { q, interview: id.data, limit: 100 });
        for (const h of found.hits) marks.set(h.quoteId, h.highlight.textRanges);
      }
      return (
        <ReaderPage
          v={v}
          data={{
            interview: stored.interview,
            tags: stored.tags,
            marks,
            q,
            turn: c.req.query('turn') ?? null,
          }}
          switchHref={switchHref(c, v)}
        />
      );
    }),
  );

  app.get(
    '/people/:id',
    page(async (c, v) => {
      const id = IdSchema.safeParse(c.req.param('id'));
      if (!id.success) throw invalid(id.error);
      let found: [Awaited<ReturnType<typeof service.interviewee>>, { tags: string[]; version: number }];
      try {
        found = await Promise.all([service.interviewee(id.data), service.personTags(id.data)]);
      } catch (err) {
        // A bookmark of a person merged away opens the person they were merged into.
        const into = err instanceof KikigakiError ? err.details?.mergedInto : undefined;
        if (typeof into === 'string') {
          const url = new URL(c.req.url);
          return c.redirect(`/people/${encodeURIComponent(into)}${url.search}`, 302);
        }
        throw err;
      }
      const [person, manual] = found;
      const index = await deps.index.get();
      // Others printed with the same full name elsewhere: maybe this person (lib/people/duplicates.ts).
      const sameName =
        (await index.duplicatePeople())
          .find((g) => g.people.some((p) => p.id === id.data))
          ?.people.filter((p) => p.id !== id.data) ?? [];
      const dates = new Map(person.interviews.map((iv) => [iv.id, iv.publishedAt]));
      const evidence: CardQuote[] = person.evidence.map((q) => ({
        ...q,
        publishedAt: dates.get(q.interviewId) ?? null,
        ranges: [],
      }));
      return (
        <PersonPage
          v={v}
          person={person}
          manual={manual}
          evidence={evidence}
          sameName={sameName}
          switchHref={switchHref(c, v)}
        />
      );
    }),
  );

  app.get(
    '/tags',
    page(async (c, v) => {
      const index = await deps.index.get();
      const tags = await service.tags(index);
      tags.sort((a, b) => b.quotes - a.quotes || a.id.localeCompare(b.id));
      return <TagsPage v={v} tags={tags} switchHref={switchHref(c, v)} />;
    }),
  );

  app.get(
    '/tags/:tag',
    page(async (c, v) => {
      const tag = TagSchema.safeParse(c.req.param('tag'));
      if (!tag.success) throw invalid(tag.error);
      const {
        tags: [into = tag.data],
      } = await resolveTags(service.tagging, [tag.data]);
      // A merged-away tag's page (a saved link) is its target's; temporary, as merges can be undone.
      if (into !== tag.data) return c.redirect(`/tags/${encodeURIComponent(into)}`, 302);
      const pageNo = PageNumberSchema.safeParse(c.req.query('page'));
      if (!pageNo.success) throw invalid(pageNo.error, 'page');
      const index = await deps.index.get();
      const params: SearchParams = { q: '', tags: [tag.data], limit: PAGE_SIZE };
      const { page: found, pageNo: shown } = await numberedPage(
        service,
        index,
        params,
        pageNo.data,
        PAGE_SIZE,
      );
      const topic = (await current()).topic(tag.data);
      if (!topic && found.total === 0) throw new KikigakiError('not_found', `no tag ${tag.data}`);
      return (
        <TagPage
          v={v}
          id={tag.data}
          topic={topic}
          total={found.total}
          quotes={found.hits.map(cardOfHit)}
          page={shown}
          pageSize={PAGE_SIZE}
          switchHref={switchHref(c, v)}
        />
      );
    }),
  );

  app.get(
    '/upload',
    page(async (c, v) => <UploadPage v={v} switchHref={switchHref(c, v)} />),
  );

  // A browser that navigates to a path nothing serves (a mistyped link) gets a page with the way
  // back, not the API's JSON; the app's notFound asks, after every route has passed.
  const notFoundPage = (c: Context<AppEnv>): Promise<Response> | null =>
    c.req.method === 'GET' && prefersHtml(c.req.header('accept'))
      ? failure(c, new KikigakiError('not_found', `no page at ${c.req.path}`))
      : null;
  return Object.assign(app, { notFoundPage });
}

/** The interviewee filter's 400 (nobody or several people by that name), if that is what `err` is. */
function personProblem(err: unknown, value: string | undefined): PersonProblem | null {
  if (!(err instanceof ValidationError) || value === undefined) return null;
  const details = err.details as { interviewee?: unknown; candidates?: unknown } | undefined;
  if (details?.interviewee !== value || !Array.isArray(details.candidates)) return null;
  return { value, candidates: details.candidates as PersonProblem['candidates'] };
}
