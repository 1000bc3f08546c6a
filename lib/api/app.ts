/**
 * The HTTP API: one Hono app, the same on Node (npm start) and on Lambda. Routes are written
 * inline per path and grouped with `app.route()`; every error leaves through `app.onError`.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type * as z from 'zod';
import { consoleRoutes } from '../console/routes.tsx';
import { KikigakiError, NotFoundError } from '../errors.ts';
import { exportFormatOf, exportResponse } from '../export.ts';
import { type JobSpec, type Jobs, jobView } from '../jobs/runner.ts';
import { DOCX_CONTENT_TYPE, isZip, requireDocx } from '../parse/docx.ts';
import type { IndexProvider } from '../search/backend.ts';
import type { Kikigaki } from '../service.ts';
import { TopicTagger } from '../tagger.ts';
import { assertKnownTags, resolveTags } from '../tagging/directory.ts';
import {
  type AppEnv,
  bodyText,
  check,
  errorResponse,
  query,
  readJson,
  reply,
  requireToken,
  routeMethods,
  toErrorResponse,
} from './http.ts';
import { JobAcceptedResponse, JobParams, JobSchema } from './job-schemas.ts';
import { BINARY_TRANSCRIPT_TYPES, openApiDocument, TRANSCRIPT_TYPES } from './openapi.ts';
import { peopleRoutes } from './people-routes.ts';
import {
  DeletedResponse,
  HealthResponse,
  IngestPreviewResponse,
  IngestQuery,
  IngestResponse,
  InterviewListResponse,
  InterviewResponse,
  ListInterviewsQuery,
  NoQuery,
  OpenApiResponse,
  Params,
  ReplaceQuery,
  SearchQuery,
  SearchResponse,
  SuggestQuery,
  SuggestResponse,
} from './schemas.ts';
import { resolvedField, tagRoutes } from './tag-routes.ts';

/** A structured logger (JSON lines); never given secrets. */
export type Logger = (entry: Record<string, unknown>) => void;

/** The store's state as /health reports it. */
export type StoreHealth = { state: 'up' } | { state: 'down'; reason: string };

/** Everything the app needs, injected. */
export interface AppDeps {
  service: Kikigaki;
  index: IndexProvider;
  /** Kept for callers that still pass it; the tagger in use comes from the service's tag model. */
  tagger?: TopicTagger;
  /**
   * Background jobs (lib/jobs): rebuilds, consistency checks and repairs, taxonomy re-scores,
   * large merges; readable at GET /admin/jobs/{id}. Absent: the admin job routes answer 404.
   */
  jobs?: Jobs;
  /**
   * The write token (resolved lazily, e.g. from Secrets Manager, and cached by the caller).
   * Absent where writes are not served (the read-only Lambda): they answer 403.
   */
  token?: () => Promise<string> | string;
  /** The read-only token: accepted on reads (with the write token) when reads are protected. */
  readToken?: () => Promise<string> | string;
  /** When true, reads need a token too (the read or the write token). Default false. */
  protectReads?: boolean;
  /** Allowed CORS origins; default any. */
  corsOrigins?: string[];
  /** Largest request body in bytes (413 past it). Default 2 MB. */
  maxBodyBytes?: number;
  /**
   * The store's state for /health (down: restarting, out of space, unreachable). Default: up.
   * Never throws; `reason` is shown to anyone, so no paths or internals.
   */
  storeHealth?: () => Promise<StoreHealth>;
  logger?: Logger;
}

/** Default JSON-lines logger on stdout. */
export const jsonLogger: Logger = (entry) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

/** Builds the API. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { service } = deps;
  const log = deps.logger ?? jsonLogger;
  const noWrites = async () => {
    throw new KikigakiError('forbidden', 'this endpoint serves reads only');
  };
  const auth = deps.token ? requireToken([deps.token]) : noWrites;
  const readTokens = [deps.readToken, deps.token].filter((t) => t !== undefined);
  const readGuard = deps.protectReads
    ? requireToken(readTokens)
    : async (_c: unknown, next: () => Promise<void>) => next();
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    // Path and status only: no headers (tokens) and no bodies (transcripts) in logs.
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - t0),
    });
  });
  app.use('*', secureHeaders());
  app.use(
    '*',
    cors({
      origin: deps.corsOrigins ?? '*',
      allowHeaders: ['Authorization', 'Content-Type', 'X-Actor'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 2 * 1024 * 1024,
      onError: () => {
        throw new KikigakiError(
          'payload_too_large',
          `request body is larger than ${deps.maxBodyBytes ?? 2 * 1024 * 1024} bytes`,
        );
      },
    }),
  );

  // The console labels topics from the taxonomy in use; the shipped one serves error pages if the store is down.
  const pages = consoleRoutes({
    service,
    tagger: deps.tagger ?? new TopicTagger(),
    index: deps.index,
    readGuard,
  });

  app.onError((err, c) => {
    const { status, body, headers } = toErrorResponse(err, c.get('requestId') ?? '');
    if (status >= 500)
      log({
        level: 'error',
        msg: 'unhandled',
        requestId: c.get('requestId'),
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        cause:
          err instanceof Error && err.cause instanceof Error
            ? `${err.cause.name}: ${err.cause.message}`
            : undefined,
        stack: err instanceof Error ? err.stack : undefined,
      });
    return c.json(body, status as 400, headers);
  });
  const methodsAt = routeMethods(() => app.routes);
  app.notFound((c) => {
    // A path the app has, asked with a method it lacks: 405 naming the methods it takes. A route
    // of this very method that passed on the request (the console's `/` to a JSON client) is a 404.
    const allowed = methodsAt(c.req.path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      const { status, body } = errorResponse(
        'method_not_allowed',
        `${c.req.method} is not a method of ${c.req.path}: it takes ${allowed.join(', ')}`,
        c.get('requestId'),
        { details: { method: c.req.method, allowed } },
      );
      return c.json(body, status as 405, { allow: allowed.join(', ') });
    }
    const page = pages.notFoundPage(c);
    if (page) return page;
    const { status, body } = errorResponse(
      'not_found',
      // The root is the console's page for a browser; a client asking it for JSON is told
      // where the API's routes are listed rather than left with a bare miss.
      c.req.path === '/'
        ? `no route for ${c.req.method} /: the API's routes are listed at /openapi.json (a browser gets the console's search page here)`
        : `no route for ${c.req.method} ${c.req.path}`,
      c.get('requestId'),
    );
    return c.json(body, status as 404);
  });

  // ---------------------------------------------------------------- health, topics, openapi
  const meta = new Hono<AppEnv>();
  meta.get('/health', async (c) => {
    query(c, NoQuery);
    const store = (await deps.storeHealth?.()) ?? { state: 'up' };
    if (store.state === 'up') await deps.index.get();
    const d = deps.index.describe();
    const up = store.state === 'up';
    if (!up) c.header('retry-after', '5');
    return reply(
      c,
      HealthResponse,
      {
        status: up ? 'ok' : 'unavailable',
        index: { snapshotId: d.snapshotId, quotes: d.quotes, interviews: d.interviews },
        store,
      },
      up ? 200 : 503,
    );
  });
  meta.get('/openapi.json', (c) => {
    query(c, NoQuery);
    return reply(c, OpenApiResponse, openApiDocument() as z.input<typeof OpenApiResponse>);
  });
  meta.get('/suggest', readGuard, async (c) => {
    const q = query(c, SuggestQuery);
    const index = await deps.index.get();
    const words = await index.suggest(q.q, q.limit);
    const folded = q.q.normalize('NFKC').toLowerCase();
    const tagger = await service.tagging.taggers.current();
    // Long-vowel marks alone (ー) are in many labels and begin none: no tag for them.
    const tags = /[^\sー]/.test(folded)
      ? tagger.taxonomy.topics
          .filter(
            (t) =>
              t.id.startsWith(folded) || t.label.includes(q.q) || t.labelEn.toLowerCase().startsWith(folded),
          )
          .map((t) => ({ id: t.id, label: t.label, labelEn: t.labelEn }))
      : [];
    return reply(c, SuggestResponse, { q: q.q, terms: words, tags });
  });
  // Work that grows with the store runs as a job: 202 with the job, followed at its Location.
  const startJob = async (c: Context<AppEnv>, spec: JobSpec) => {
    query(c, NoQuery);
    if (!deps.jobs) throw new KikigakiError('not_found', 'background jobs are not available here');
    const job = await deps.jobs.submit(spec);
    c.header('location', `/admin/jobs/${job.id}`);
    return reply(c, JobAcceptedResponse, { job: jobView(job) }, 202);
  };
  meta.post('/admin/reindex', auth, (c) => startJob(c, { kind: 'rebuild' }));
  meta.post('/admin/consistency', auth, (c) => startJob(c, { kind: 'check' }));
  meta.post('/admin/consistency/repair', auth, (c) => startJob(c, { kind: 'repair' }));
  meta.get('/admin/jobs/:id', auth, async (c) => {
    const { id } = check(JobParams, c.req.param(), 'path');
    query(c, NoQuery);
    const job = (await deps.jobs?.get(id)) ?? null;
    if (!job) throw new NotFoundError('job', id);
    return reply(c, JobSchema, jobView(job));
  });

  // ---------------------------------------------------------------- interviews
  const interviews = new Hono<AppEnv>();
  /** The transcript of an ingest request (canonical JSON or text) and its options. */
  const ingestInput = async (c: Context<AppEnv>, forcedId?: string) => {
    // PUT names the id in its path: a `?id=` beside it is refused, not silently outranked.
    const q: z.output<typeof IngestQuery> = query(c, forcedId === undefined ? IngestQuery : ReplaceQuery);
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const id = forcedId ?? q.id;
    // An id the caller named may replace; a derived one replaces only the same source (409).
    const options = {
      format: q.format,
      id,
      title: q.title,
      url: q.url,
      onExisting: id ? ('replace' as const) : ('same-source' as const),
    };
    if (type === 'application/json') return { input: { json: await readJson(c) }, options };
    if (
      (TRANSCRIPT_TYPES as readonly string[]).includes(type) ||
      (BINARY_TRANSCRIPT_TYPES as readonly string[]).includes(type)
    ) {
      // A .docx is a zip whatever it is labelled; anything else is UTF-8 text.
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (type === DOCX_CONTENT_TYPE) requireDocx(bytes);
      return isZip(bytes) ? { input: { bytes }, options } : { input: { text: bodyText(c, bytes) }, options };
    }
    throw new KikigakiError(
      'unsupported_media_type',
      `send application/json (canonical interview), a transcript as ${TRANSCRIPT_TYPES.join(', ')}, or a Word document as ${DOCX_CONTENT_TYPE} or application/octet-stream; not '${type || 'no content type'}'`,
    );
  };
  const ingest = async (c: Context<AppEnv>, forcedId?: string) => {
    const { input, options } = await ingestInput(c, forcedId);
    const result = await service.ingest(input, options);
    return reply(c, IngestResponse, result, result.created ? 201 : 200);
  };
  interviews.post('/preview', auth, async (c) => {
    const { input, options } = await ingestInput(c);
    return reply(c, IngestPreviewResponse, await service.preview(input, options));
  });
  interviews.post('/', auth, (c) => ingest(c));
  interviews.put('/:id', auth, (c) => ingest(c, check(Params.id, c.req.param(), 'path').id));
  interviews.get('/', readGuard, async (c) => {
    const q = query(c, ListInterviewsQuery);
    const { tags, resolved } = await resolveTags(service.tagging, q.tag ? [q.tag] : []);
    const page = await service.listInterviews({ ...q, tag: tags[0] });
    if (page.items.length === 0) {
      await assertKnownTags(service.tagging, tags);
      await service.assertKnownPerson(q.interviewee);
    }
    return reply(c, InterviewListResponse, {
      interviews: page.items,
      nextCursor: page.nextCursor,
      ...resolvedField(resolved),
    });
  });
  interviews.get('/:id', readGuard, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    const stored = await service.getInterview(id);
    const iv = stored.interview;
    return reply(c, InterviewResponse, {
      ...iv,
      version: stored.version,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      turns: iv.turns.map((t) => ({ ...t, tags: stored.tags[t.id] ?? [] })),
    });
  });
  interviews.delete('/:id', auth, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    await service.deleteInterview(id);
    return reply(c, DeletedResponse, { id, deleted: true });
  });

  // ---------------------------------------------------------------- search
  const search = new Hono<AppEnv>();
  search.get('/', readGuard, async (c) => {
    const q = query(c, SearchQuery, ['tag', 'interviewee']);
    const { tag, format, ...rest } = q;
    const [index, { tags, resolved }] = await Promise.all([
      deps.index.get(),
      resolveTags(service.tagging, tag ?? []),
    ]);
    const params = { ...rest, tags };
    const as = exportFormatOf(format, c.req.header('accept'));
    if (as) {
      // An export of a filter naming no tag or interview is a 400 as a search is (not an empty file).
      await assertKnownTags(service.tagging, tags);
      await service.assertKnownInterview(index, rest.interview);
      return exportResponse(c, {
        service,
        index,
        params,
        format: as,
        origin: new URL(c.req.url).origin,
        resolved,
      });
    }
    const page = await service.search(index, params);
    if (page.total === 0) {
      await assertKnownTags(service.tagging, tags);
      await service.assertKnownInterview(index, rest.interview);
    }
    return reply(c, SearchResponse, {
      total: page.total,
      totalIsEstimate: page.totalIsEstimate,
      matched: page.matched,
      relaxed: page.relaxed,
      ...(page.everyWord === undefined ? {} : { everyWord: page.everyWord }),
      ...(page.missing === undefined ? {} : { missing: page.missing }),
      hits: page.hits,
      facets: page.facets,
      nextCursor: page.nextCursor,
      ...resolvedField(resolved),
      ...(page.people ? { people: page.people } : {}),
    });
  });

  // ---------------------------------------------------------------- tags (lib/api/tag-routes.ts)
  const t = tagRoutes({ service, index: deps.index, auth, readGuard });

  app.route('/', pages);
  app.route('/', meta);
  app.route('/interviews', interviews);
  app.route('/search', search);
  app.route('/tags', t.tags);
  app.route('/merges', t.merges);
  app.route('/bulk', t.bulk);
  app.route('/audit', t.audit);
  app.route('/topics', t.topics);
  const p = peopleRoutes({ service, index: deps.index, auth, readGuard });
  // The people routes first: /interviewees/duplicates is no person id.
  app.route('/interviewees', p.interviewees);
  app.route('/interviewees', t.people);
  app.route('/quotes', t.quotes);
  app.route('/quotes', p.quotes);
  return app;
}
