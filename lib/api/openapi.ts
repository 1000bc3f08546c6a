/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests and type the
 * responses (JSON Schema 2020-12 is OpenAPI 3.1's schema dialect, so zod's converter output is
 * used as it is).
 *
 * ROUTES below is the one place a route's contract is declared: method and path, who may call
 * it, its path/query/body schemas and the schema of each success response. Error responses are
 * derived from that (`errorStatuses`). The API tests validate every response the app gives
 * against this document (tests/helpers/contract.ts), and a test checks that every route the
 * app serves is declared here: add a route to app.ts and here together.
 */
import * as z from 'zod';
import { CONSOLE_PAGES } from '../console/paths.ts';
import { InterviewSchema } from '../model.ts';
import { DOCX_CONTENT_TYPE } from '../parse/docx.ts';
import { JobAcceptedResponse, JobParams, JobSchema } from './job-schemas.ts';
import {
  DuplicatesQuery,
  DuplicatesResponse,
  MergePeopleBody,
  PersonResponse,
  ReassignSpeakerBody,
  RenamePersonBody,
  SpeakerResponse,
  SplitPersonBody,
} from './people-schemas.ts';
import {
  AddTagsBody,
  DeletedResponse,
  ErrorSchema,
  ExpectedVersionQuery,
  HealthResponse,
  IngestPreviewResponse,
  IngestQuery,
  IngestResponse,
  IntervieweeListResponse,
  IntervieweeResponse,
  IntervieweesQuery,
  InterviewListResponse,
  InterviewResponse,
  ListInterviewsQuery,
  MergeBody,
  MergeResponse,
  NoQuery,
  OpenApiResponse,
  PagedQuery,
  Params,
  QuoteResponse,
  ReplaceQuery,
  SearchExportResponse,
  SearchQuery,
  SearchResponse,
  SetTagsBody,
  SuggestQuery,
  SuggestResponse,
  TagQuotesResponse,
  TagsResponse,
  TopicsResponse,
} from './schemas.ts';
import {
  AuditQuery,
  AuditResponse,
  BulkTagsBody,
  BulkTagsResponse,
  CreateTopicBody,
  MergeParams,
  MergesResponse,
  PersonAddTagsBody,
  TaxonomyEditResponse,
  TaxonomyVersionParams,
  TaxonomyVersionResponse,
  TaxonomyVersionsResponse,
  TopicParams,
  TopicResponse,
  UndoResponse,
  UpdateTopicBody,
} from './tag-schemas.ts';

/** Content types a transcript may be sent as (besides application/json, the canonical JSON). */
export const TRANSCRIPT_TYPES = [
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/tab-separated-values',
  'text/csv',
  'text/vtt',
  'application/x-subrip',
] as const;

/**
 * Binary bodies a transcript may be sent as: a Word document (.docx). A body of any transcript
 * type that starts with the zip signature is read as a .docx too; `application/octet-stream`
 * is read as a .docx when it is a zip, else as text (UTF-8 unless the Content-Type's charset says).
 */
export const BINARY_TRANSCRIPT_TYPES = [DOCX_CONTENT_TYPE, 'application/octet-stream'] as const;

/** One success (or documented non-error) response. */
export interface ResponseSpec {
  description: string;
  /** Schema of an application/json body. */
  json?: z.ZodType;
  /** Other media types answered (e.g. `text/csv` with `Accept: text/csv`), each a string body. */
  other?: Record<string, string>;
}

/** A route's contract. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template: `/interviews/{id}`. */
  path: string;
  summary: string;
  /**
   * Who may call it: `public` always (health, this document); `read` anyone unless reads are
   * protected (then a read or write token: 401 without); `write` the write token (401 without,
   * 403 on the read-only function).
   */
  access: 'public' | 'read' | 'write';
  params?: z.ZodObject;
  /**
   * The query parameters it takes (`NoQuery` for none): every route names them, and the app
   * answers any other with a 400 (`query()` in ./http.ts), so this list is the whole truth.
   */
  query: z.ZodObject;
  /** Request body: canonical JSON, transcript text types and/or binary documents. */
  body?: { json?: z.ZodType; text?: readonly string[]; binary?: readonly string[] };
  /** Responses other than the derived errors, by status (2xx; a 503 here replaces the error body). */
  responses: Record<number, ResponseSpec>;
  /** Error statuses beyond the derived ones. */
  errors?: number[];
}

/** Every route the app serves. */
export const ROUTES: RouteSpec[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness, the store’s state, index version and quote count (503 while the store is down)',
    access: 'public',
    query: NoQuery,
    responses: {
      200: { description: 'the store answers', json: HealthResponse },
      503: { description: 'the store is down (restarting, out of space, unreachable)', json: HealthResponse },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    access: 'public',
    query: NoQuery,
    responses: { 200: { description: 'OpenAPI 3.1', json: OpenApiResponse } },
  },
  {
    method: 'get',
    path: '/topics',
    summary: 'The topic taxonomy',
    access: 'read',
    query: NoQuery,
    responses: { 200: { description: 'topics', json: TopicsResponse } },
  },
  {
    method: 'get',
    path: '/suggest',
    summary: 'Autocompletion of words and tags',
    access: 'read',
    query: SuggestQuery,
    responses: { 200: { description: 'suggestions', json: SuggestResponse } },
  },
  {
    method: 'post',
    path: '/interviews',
    summary:
      'Ingest an interview (canonical JSON, a raw transcript — text, WebVTT, SRT, timestamped text — or a Word .docx). With `?id=` (or an id in the body) it creates or replaces that id (200, `created: false`); a derived id (from the URL, else a digest of the exact text) replaces only the same source, and answers 409 with `details.existingId` when another source has it',
    access: 'write',
    query: IngestQuery,
    body: { json: InterviewSchema, text: TRANSCRIPT_TYPES, binary: BINARY_TRANSCRIPT_TYPES },
    responses: {
      201: { description: 'created', json: IngestResponse },
      200: { description: 'the same id existed and was replaced (`created: false`)', json: IngestResponse },
    },
  },
  {
    method: 'put',
    path: '/interviews/{id}',
    summary: 'Create or replace the interview with this id',
    access: 'write',
    params: Params.id,
    query: ReplaceQuery,
    body: { json: InterviewSchema, text: TRANSCRIPT_TYPES, binary: BINARY_TRANSCRIPT_TYPES },
    responses: {
      200: { description: 'replaced', json: IngestResponse },
      201: { description: 'created', json: IngestResponse },
    },
  },
  {
    method: 'post',
    path: '/interviews/preview',
    summary:
      'Dry run of an ingest: the parsed interview, each quote’s topic tags and whether the id is taken; stores nothing',
    access: 'write',
    query: IngestQuery,
    body: { json: InterviewSchema, text: TRANSCRIPT_TYPES, binary: BINARY_TRANSCRIPT_TYPES },
    responses: { 200: { description: 'what POST /interviews would store', json: IngestPreviewResponse } },
  },
  {
    method: 'get',
    path: '/interviews',
    summary:
      'Interviews, newest first; a merged-away `tag` filters by its target (`resolved` names it); a `tag` that is no tag is a 400 with `details.candidates`, an `interviewee` id nobody has a 400 (`details.mergedInto` for a person merged away)',
    access: 'read',
    query: ListInterviewsQuery,
    responses: { 200: { description: 'a page of interviews', json: InterviewListResponse } },
  },
  {
    method: 'get',
    path: '/interviews/{id}',
    summary: 'One interview with its turns and their tags',
    access: 'read',
    params: Params.id,
    query: NoQuery,
    responses: { 200: { description: 'the interview', json: InterviewResponse } },
  },
  {
    method: 'delete',
    path: '/interviews/{id}',
    summary: 'Delete an interview; its quotes leave the index',
    access: 'write',
    params: Params.id,
    query: NoQuery,
    responses: { 200: { description: 'deleted', json: DeletedResponse } },
  },
  {
    method: 'get',
    path: '/search',
    summary:
      'Search quotes: highlighted hits, facets (tags, interviewees, speaker roles, publication years), cursor; or export the whole result set (`format=csv|json`). A merged-away `tag` filters by its target (`resolved` names it); a `tag` that is no tag, or an `interview` id no interview has, is a 400 with `details.candidates` (export too). An `interviewee` name is looked up among interviewees and the people it stood for are listed in `people`; a name that fits people of different names is a 400 with `details.candidates` (id, name, role, interviews)',
    access: 'read',
    query: SearchQuery,
    responses: {
      200: {
        description:
          'a page of hits; with `format=json` every page as citation records instead, streamed and bounded (10,000 quotes, 5 MB)',
        json: SearchResponse.or(SearchExportResponse),
        other: {
          'text/csv':
            'with `format=csv` or `Accept: text/csv`: every page as CSV citation rows (UTF-8 with a BOM, a header row), streamed and bounded; `X-Total-Count` gives the result set’s size',
        },
      },
    },
  },
  {
    method: 'get',
    path: '/tags',
    summary: 'Tags in use with quote and interviewee counts',
    access: 'read',
    query: NoQuery,
    responses: { 200: { description: 'tags', json: TagsResponse } },
  },
  {
    method: 'get',
    path: '/tags/{tag}/quotes',
    summary:
      'Quotes with a tag; a merged-away tag answers its target’s quotes (`tag` is the target, `resolved` names the merge)',
    access: 'read',
    params: Params.tag,
    query: PagedQuery,
    responses: { 200: { description: 'a page of quotes', json: TagQuotesResponse } },
  },
  {
    method: 'post',
    path: '/tags/{tag}/merge',
    summary:
      'Merge a tag into another (404: unknown tag, or unknown target without `create: true`; 409: merged away already, or a topic that keeps its id — work-balance, crowdsourcing, future-demand — as the source, dry run too; merging into one is allowed); `dryRun` reports what would move, reading what the merge itself reads before answering (a page of 200 of the tag’s quotes, people and corrections): exact counts when they fit, else null counts and a `preview` job that counts them (`result`: quotes, interviews, people, corrections)',
    access: 'write',
    params: Params.tag,
    query: NoQuery,
    body: { json: MergeBody },
    responses: { 200: { description: 'what merged (or would)', json: MergeResponse } },
  },
  {
    method: 'get',
    path: '/merges',
    summary: 'Merges, newest first (applied and undone)',
    access: 'read',
    query: PagedQuery,
    responses: { 200: { description: 'a page of merges', json: MergesResponse } },
  },
  {
    method: 'post',
    path: '/merges/{id}/undo',
    summary:
      'Undo a merge: the alias goes and the corrections it rewrote get their earlier state back (those edited since are kept and listed)',
    access: 'write',
    params: MergeParams,
    query: NoQuery,
    responses: { 200: { description: 'what was restored', json: UndoResponse } },
  },
  {
    method: 'post',
    path: '/bulk/tags',
    summary:
      'Add or remove tags on every quote a search matches (`dryRun`: count only); one audit entry. 400 when a tag to remove, or the search’s tag or interview, is none at all (`details.candidates`) or a quote would pass 50 tags added by hand (nothing written); a quote an editor changes meanwhile gets the change on top of theirs',
    access: 'write',
    query: NoQuery,
    body: { json: BulkTagsBody },
    responses: { 200: { description: 'what changed (or would)', json: BulkTagsResponse } },
  },
  {
    method: 'get',
    path: '/audit',
    summary: 'The tag audit trail, newest first, filtered by tag, quote, person and actor',
    access: 'write',
    query: AuditQuery,
    responses: { 200: { description: 'a page of entries', json: AuditResponse } },
  },
  {
    method: 'get',
    path: '/topics/versions',
    summary: 'The taxonomy’s stored versions, newest first',
    access: 'read',
    query: NoQuery,
    responses: { 200: { description: 'versions', json: TaxonomyVersionsResponse } },
  },
  {
    method: 'get',
    path: '/topics/versions/{version}',
    summary:
      'One version of the taxonomy: its topics as GET /topics shows them (a deleted topic’s labels, description and evidence, to create it again with POST /topics) and the edit that made it; 0 is the shipped file; 404 for a version not stored',
    access: 'read',
    params: TaxonomyVersionParams,
    query: NoQuery,
    responses: { 200: { description: 'the taxonomy at that version', json: TaxonomyVersionResponse } },
  },
  {
    method: 'get',
    path: '/topics/{id}',
    summary:
      'One topic of the taxonomy; 404 for a topic it lacks, and for a deleted one `details.lastVersion` (the version that still had it, GET /topics/versions/{version}) and `details.deletedIn`',
    access: 'read',
    params: TopicParams,
    query: NoQuery,
    responses: { 200: { description: 'the topic', json: TopicResponse } },
  },
  {
    method: 'post',
    path: '/topics',
    summary:
      'Create a topic (409 when `expectedVersion` is not the current taxonomy; without it the topic is added to whatever is current); quotes are re-scored in the background',
    access: 'write',
    query: NoQuery,
    body: { json: CreateTopicBody },
    responses: { 201: { description: 'the new taxonomy and the re-score job', json: TaxonomyEditResponse } },
  },
  {
    method: 'put',
    path: '/topics/{id}',
    summary:
      'Change a topic: the fields sent (labels, description, threshold, evidence phrases, senses) replace its own, the others stay (409 when `expectedVersion` is not the current taxonomy; without it the change goes on top of whatever is current); quotes are re-scored in the background',
    access: 'write',
    params: TopicParams,
    query: NoQuery,
    body: { json: UpdateTopicBody },
    responses: { 200: { description: 'the new taxonomy and the re-score job', json: TaxonomyEditResponse } },
  },
  {
    method: 'delete',
    path: '/topics/{id}',
    summary:
      'Delete a topic (its automatic tags go at the re-score; tags editors added stay); work-balance, crowdsourcing and future-demand keep their ids (409)',
    access: 'write',
    params: TopicParams,
    query: ExpectedVersionQuery,
    responses: { 200: { description: 'the new taxonomy and the re-score job', json: TaxonomyEditResponse } },
  },
  {
    method: 'get',
    path: '/admin/jobs/{id}',
    summary:
      'A background job (rebuild, consistency check or repair, taxonomy re-score, large merge or undo): state, phase, steps and pages done, counts, errors, timestamps; on AWS a finished job is kept 30 days (404 after)',
    access: 'write',
    params: JobParams,
    query: NoQuery,
    responses: { 200: { description: 'the job', json: JobSchema } },
  },
  {
    method: 'get',
    path: '/interviewees',
    summary:
      'Interviewees, optionally with all/any of some tags; a merged-away tag filters by its target (`resolved` names it); a tag that is no tag is a 400 with `details.candidates`',
    access: 'read',
    query: IntervieweesQuery,
    responses: { 200: { description: 'interviewee profiles', json: IntervieweeListResponse } },
  },
  {
    method: 'get',
    path: '/interviewees/duplicates',
    summary:
      'Possible duplicates for review: people of different interviews printed with one full name (宮迫博之, マシュー・グレイ・ギュブラー; bare given names, kana nicknames and initials are left out), largest groups first; each is one `POST /interviewees/{id}/merge` away. Nothing is merged automatically.',
    access: 'read',
    query: DuplicatesQuery,
    responses: { 200: { description: 'groups of people sharing a full name', json: DuplicatesResponse } },
  },
  {
    method: 'get',
    path: '/interviewees/{id}',
    summary: 'One interviewee profile (404 naming `mergedInto` when merged away)',
    access: 'read',
    params: Params.id,
    query: NoQuery,
    responses: { 200: { description: 'the profile', json: IntervieweeResponse } },
  },
  {
    method: 'put',
    path: '/interviewees/{id}/tags',
    summary:
      'Replace an interviewee’s corrections: `tags` added, `remove` removed (409 when `expectedVersion` is not the profile’s `version`)',
    access: 'write',
    params: Params.id,
    query: NoQuery,
    body: { json: SetTagsBody },
    responses: { 200: { description: 'the profile', json: IntervieweeResponse } },
  },
  {
    method: 'post',
    path: '/interviewees/{id}/tags',
    summary:
      'Add (or confirm) tags of an interviewee (400 past 50 tags added by hand; 409 when `expectedVersion` is not the profile’s `version`; without it the tags are added on top of a concurrent edit)',
    access: 'write',
    params: Params.id,
    query: NoQuery,
    body: { json: PersonAddTagsBody },
    responses: { 200: { description: 'the profile', json: IntervieweeResponse } },
  },
  {
    method: 'delete',
    path: '/interviewees/{id}/tags/{tag}',
    summary: 'Remove a tag from an interviewee (their quotes keep it); 404 when they do not have it',
    access: 'write',
    params: Params.personTag,
    query: ExpectedVersionQuery,
    responses: { 200: { description: 'the profile', json: IntervieweeResponse } },
  },
  {
    method: 'get',
    path: '/interviewees/{id}/person',
    summary:
      'A person as editors see them: name, title, reading, aliases, the interviews they speak in, their quote count, and the `version` rename, merge and split take as `expectedVersion` (404 naming `mergedInto` when merged away)',
    access: 'read',
    params: Params.id,
    query: NoQuery,
    responses: { 200: { description: 'the person', json: PersonResponse } },
  },
  {
    method: 'post',
    path: '/interviewees/{id}/rename',
    summary:
      'Rename a person (name, title, reading) wherever they speak, audited; kept across re-ingests (409 when `expectedVersion` is not the person’s `version`)',
    access: 'write',
    params: Params.id,
    query: NoQuery,
    body: { json: RenamePersonBody },
    responses: { 200: { description: 'the person', json: PersonResponse } },
  },
  {
    method: 'post',
    path: '/interviewees/{id}/merge',
    summary:
      'Merge a person into another (`into`), possibly of another interview: wherever they speak, now and after re-ingests, they are that person; their manual tags join; audited (409 when `expectedVersion` is not the merged-away person’s `version`)',
    access: 'write',
    params: Params.id,
    query: NoQuery,
    body: { json: MergePeopleBody },
    responses: { 200: { description: 'the person merged into', json: PersonResponse } },
  },
  {
    method: 'post',
    path: '/interviewees/{id}/split',
    summary:
      'Split quotes the person speaks off to a new person of that `name` (kept across re-ingests while the texts are the same); audited; every quote is checked before anything changes (409 when `expectedVersion` is not the person’s `version`)',
    access: 'write',
    params: Params.id,
    query: NoQuery,
    body: { json: SplitPersonBody },
    responses: { 201: { description: 'the new person', json: PersonResponse } },
  },
  {
    method: 'put',
    path: '/quotes/{quoteId}/speaker',
    summary:
      'Who speaks a quote: an existing person (`personId`, of any interview), a new person of this interview (`name`), nobody in particular (`personId: null`, with a `label`), and/or its `role`; audited; kept across re-ingests while the text is the same (409 when `expectedVersion` is stale)',
    access: 'write',
    params: Params.quote,
    query: NoQuery,
    body: { json: ReassignSpeakerBody },
    responses: { 200: { description: 'the quote’s speaker now', json: SpeakerResponse } },
  },
  {
    method: 'get',
    path: '/quotes/{quoteId}',
    summary:
      'One quote with its tags, why it has its automatic ones (score, phrases), its corrections and their version',
    access: 'read',
    params: Params.quote,
    query: NoQuery,
    responses: { 200: { description: 'the quote', json: QuoteResponse } },
  },
  {
    method: 'post',
    path: '/quotes/{quoteId}/tags',
    summary:
      'Add or confirm tags of a quote; a merged-away tag adds its target (`resolved`); 400 past 50 tags added by hand (nothing written); 409 when `expectedVersion` is not the quote’s `version` (without it the tags are added on top of a concurrent edit)',
    access: 'write',
    params: Params.quote,
    query: NoQuery,
    body: { json: AddTagsBody },
    responses: { 200: { description: 'the quote', json: QuoteResponse } },
  },
  {
    method: 'delete',
    path: '/quotes/{quoteId}/tags/{tag}',
    summary:
      'Remove a tag from a quote (404 when it does not have it; 409 when the tag was merged away or someone changed its tags meanwhile)',
    access: 'write',
    params: Params.quoteTag,
    query: ExpectedVersionQuery,
    responses: { 200: { description: 'the quote', json: QuoteResponse } },
  },
  {
    method: 'post',
    path: '/admin/reindex',
    summary:
      'Rebuild the search index from the store (retraining the tag model first) as a background job: every interview re-read into the index page by page, then what the store no longer has removed',
    access: 'write',
    query: NoQuery,
    responses: {
      202: {
        description: 'the job started; follow it at its Location (GET /admin/jobs/{id})',
        json: JobAcceptedResponse,
      },
    },
    errors: [404],
  },
  {
    method: 'post',
    path: '/admin/consistency',
    summary:
      'Compare the index with the store as a background job: counts (and the first ids) of interviews missing, extra or stale in the index, and of drifted tag memberships and person appearances (every person of an interview appears in it), `people`: interviews not yet written as their people edits and profiles say (a rename, merge or split cut short by a store fault), and `reingest`: interviews stored before the writer’s paragraphs were kept (`narration`), which only ingesting their source again gives them (the store keeps no source text)',
    access: 'write',
    query: NoQuery,
    responses: {
      202: { description: 'the job started; its result is the report', json: JobAcceptedResponse },
    },
    errors: [404],
  },
  {
    method: 'post',
    path: '/admin/consistency/repair',
    summary:
      'Compare the index with the store and repair what differs, as a background job (`reingest` is reported, not repaired: ingest those sources again)',
    access: 'write',
    query: NoQuery,
    responses: {
      202: {
        description: 'the job started; its result counts what it found, `repaired: 1` when anything changed',
        json: JobAcceptedResponse,
      },
    },
    errors: [404],
  },
];

/**
 * Routes of the same app that serve HTML pages (the web console) or static assets: not API
 * operations, so not in the document. Hono route patterns (`/console/*`), GET only.
 */
export const PAGES: readonly string[] = CONSOLE_PAGES;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid path, query or body, or a query parameter the operation does not list (`validation_error`, `invalid_json`; `details.parameter` names it)',
  401: 'missing or wrong bearer token (`unauthorized`)',
  403: 'a write sent to the read-only function (`forbidden`)',
  404: 'no such resource (`not_found`)',
  409: 'a concurrent change, or an id another source holds (`conflict`, with `details`)',
  413: 'body larger than the limit (`payload_too_large`)',
  415: 'unsupported Content-Type, or a body not valid in its encoding (`unsupported_media_type`: a Shift_JIS transcript sent without `; charset=shift_jis`)',
  422: 'a transcript that cannot be parsed (`parse_error`, naming the line) or takes too long (`parse_timeout`)',
  500: 'a bug (`internal_error`); details are in the log under the request id',
  503: 'the store is unavailable (`unavailable`); retry after the Retry-After header’s seconds',
};

/** The error statuses a route can answer, derived from its declaration. */
export function errorStatuses(r: RouteSpec): number[] {
  // 400 on every route: each refuses a query parameter it does not list.
  const s = new Set<number>([400, 500, 503, ...(r.errors ?? [])]);
  if (r.access !== 'public') s.add(401);
  if (r.access === 'write') s.add(403);
  if (r.params) s.add(404);
  if (r.access === 'write' && r.method !== 'get') s.add(409);
  if (r.body) {
    s.add(413);
    s.add(415);
  }
  if (r.body?.text || r.body?.binary) s.add(422);
  return [...s].sort((a, b) => a - b);
}

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parameters(route: RouteSpec): unknown[] {
  const params: unknown[] = [];
  const pathSchema = route.params
    ? (schema(route.params, 'input') as { properties?: Record<string, unknown> })
    : { properties: {} };
  for (const m of route.path.matchAll(/\{(\w+)\}/g)) {
    const name = m[1] as string;
    params.push({
      name,
      in: 'path',
      required: true,
      schema: pathSchema.properties?.[name] ?? { type: 'string' },
    });
  }
  if (route.query) {
    const js = schema(route.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      params.push({
        name,
        in: 'query',
        required: (js.required ?? []).includes(name),
        schema: s,
        ...((s as { type?: string }).type === 'array' ? { explode: true } : {}),
      });
    }
  }
  return params;
}

function requestBody(route: RouteSpec): Record<string, unknown> | undefined {
  if (!route.body) return undefined;
  const content: Record<string, unknown> = {};
  if (route.body.json) content['application/json'] = { schema: schema(route.body.json, 'input') };
  for (const type of route.body.text ?? [])
    content[type] = {
      schema: {
        type: 'string',
        description:
          'a transcript in any supported layout: UTF-8, UTF-16 with its byte-order mark, or the encoding the Content-Type names (`; charset=shift_jis`, `euc-jp`, …); bytes not valid in it are a 415',
      },
    };
  for (const type of route.body.binary ?? [])
    content[type] = {
      schema: {
        type: 'string',
        format: 'binary',
        description: 'a Word document (.docx) whose text is a transcript in any supported layout',
      },
    };
  return { required: true, content };
}

let cached: Record<string, unknown> | null = null;

/** The OpenAPI 3.1 document of the API. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const errorSchema = schema(ErrorSchema, 'output');
  const errorResponse = (status: number) => ({
    description: ERROR_DESCRIPTIONS[status] ?? 'error',
    ...(status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
    content: { 'application/json': { schema: errorSchema } },
  });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const responses: Record<string, unknown> = {};
    for (const status of errorStatuses(r)) responses[status] = errorResponse(status);
    for (const [status, spec] of Object.entries(r.responses)) {
      const content: Record<string, unknown> = {};
      if (spec.json) content['application/json'] = { schema: schema(spec.json, 'output') };
      for (const [type, description] of Object.entries(spec.other ?? {}))
        content[type] = { schema: { type: 'string', description } };
      responses[status] = { description: spec.description, content };
    }
    const body = requestBody(r);
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method] = {
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: r.summary,
      parameters: parameters(r),
      ...(body ? { requestBody: body } : {}),
      ...(r.access === 'write' ? { security: [{ bearer: [] }] } : {}),
      ...(r.access === 'read' ? { security: [{}, { bearer: [] }] } : {}),
      responses,
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'kikigaki',
      version: '0.1.0',
      description:
        'Search and topic tagging for Japanese interview transcripts. Reads are public unless the deployment protects them (then a read-only or write bearer token); writes need the write token. Errors are `{ "error": { "code", "message", "requestId", "details"? } }`. A query parameter an operation does not list is a 400 naming it; a method a path does not have is a 405 with an `Allow` header.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
  return cached;
}
