/**
 * OpenAPI 3.1 document generated from the zod schemas that validate requests (JSON Schema
 * 2020-12 is OpenAPI 3.1's schema dialect, so zod's converter output is used as it is).
 */
import { z } from 'zod';
import { InterviewSchema } from '../model.ts';
import {
  AddTagsBody,
  ErrorSchema,
  ExpectedVersionQuery,
  IngestQuery,
  IngestResponse,
  IntervieweesQuery,
  ListInterviewsQuery,
  MergeBody,
  PagedQuery,
  SearchQuery,
  SetTagsBody,
  SuggestQuery,
} from './schemas.ts';

interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  auth?: boolean;
  query?: z.ZodObject;
  body?: { json?: z.ZodType; text?: boolean };
  ok: { status: number; description: string; schema?: z.ZodType };
}

const ROUTES: Route[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness, index version and quote count',
    ok: { status: 200, description: 'ok' },
  },
  {
    method: 'post',
    path: '/interviews',
    summary:
      'Ingest an interview (canonical JSON or a raw transcript); 200 when the id existed and was replaced',
    auth: true,
    query: IngestQuery,
    body: { json: InterviewSchema, text: true },
    ok: { status: 201, description: 'created', schema: IngestResponse },
  },
  {
    method: 'put',
    path: '/interviews/{id}',
    summary: 'Create or replace the interview with this id',
    auth: true,
    query: IngestQuery.omit({ id: true }),
    body: { json: InterviewSchema, text: true },
    ok: { status: 200, description: 'replaced (201 when created)', schema: IngestResponse },
  },
  {
    method: 'post',
    path: '/interviews/preview',
    summary:
      'Dry run of an ingest: the parsed interview, each quote’s topic tags, and whether the id exists; stores nothing',
    auth: true,
    query: IngestQuery,
    body: { json: InterviewSchema, text: true },
    ok: { status: 200, description: 'the preview: { interview, tags, exists }' },
  },
  {
    method: 'get',
    path: '/interviews',
    summary: 'Interviews, newest first',
    query: ListInterviewsQuery,
    ok: { status: 200, description: 'a page of interviews' },
  },
  {
    method: 'get',
    path: '/interviews/{id}',
    summary: 'One interview with its turns and their tags',
    ok: { status: 200, description: 'the interview' },
  },
  {
    method: 'delete',
    path: '/interviews/{id}',
    summary: 'Delete an interview; its quotes leave the index',
    auth: true,
    ok: { status: 200, description: 'deleted' },
  },
  {
    method: 'get',
    path: '/search',
    summary:
      'Search quotes: highlighted hits, facets (tags, interviewees, roles, years), cursor; with format=csv|json (or Accept: text/csv) every page as citation records, streamed',
    query: SearchQuery,
    ok: { status: 200, description: 'a page of hits' },
  },
  {
    method: 'get',
    path: '/tags',
    summary: 'Tags in use with quote and interviewee counts',
    ok: { status: 200, description: 'tags' },
  },
  {
    method: 'get',
    path: '/tags/{tag}/quotes',
    summary: 'Quotes with a tag',
    query: PagedQuery,
    ok: { status: 200, description: 'a page of quotes' },
  },
  {
    method: 'post',
    path: '/tags/{tag}/merge',
    summary: 'Rename/merge a tag into another',
    auth: true,
    body: { json: MergeBody },
    ok: { status: 200, description: 'merged' },
  },
  {
    method: 'get',
    path: '/interviewees',
    summary: 'Interviewees, optionally with all/any of some tags',
    query: IntervieweesQuery,
    ok: { status: 200, description: 'interviewee profiles' },
  },
  {
    method: 'get',
    path: '/interviewees/{id}',
    summary: 'One interviewee profile',
    ok: { status: 200, description: 'the profile' },
  },
  {
    method: 'put',
    path: '/interviewees/{id}/tags',
    summary: 'Replace an interviewee’s manual tags (optimistic locking)',
    auth: true,
    body: { json: SetTagsBody },
    ok: { status: 200, description: 'the profile' },
  },
  {
    method: 'get',
    path: '/quotes/{quoteId}',
    summary: 'One quote with its tags and tag version',
    ok: { status: 200, description: 'the quote' },
  },
  {
    method: 'post',
    path: '/quotes/{quoteId}/tags',
    summary: 'Add manual tags to a quote (409 when someone changed them meanwhile)',
    auth: true,
    body: { json: AddTagsBody },
    ok: { status: 200, description: 'the quote' },
  },
  {
    method: 'delete',
    path: '/quotes/{quoteId}/tags/{tag}',
    summary: 'Remove a tag from a quote',
    auth: true,
    query: ExpectedVersionQuery,
    ok: { status: 200, description: 'the quote' },
  },
  {
    method: 'get',
    path: '/suggest',
    summary: 'Autocompletion of words and tags',
    query: SuggestQuery,
    ok: { status: 200, description: 'suggestions' },
  },
  {
    method: 'get',
    path: '/topics',
    summary: 'The topic taxonomy',
    ok: { status: 200, description: 'topics' },
  },
  {
    method: 'post',
    path: '/admin/reindex',
    summary: 'Rebuild the search index from the store',
    auth: true,
    ok: { status: 200, description: 'the new snapshot' },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    ok: { status: 200, description: 'OpenAPI 3.1' },
  },
];

function schema(s: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parameters(route: Route): unknown[] {
  const params: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (route.query) {
    const js = schema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
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

let cached: Record<string, unknown> | null = null;

/** The OpenAPI 3.1 document of the API. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = {
    description: 'error',
    content: { 'application/json': { schema: schema(ErrorSchema) } },
  };
  for (const r of ROUTES) {
    const content: Record<string, unknown> = {};
    if (r.body?.json) content['application/json'] = { schema: schema(r.body.json) };
    if (r.body?.text) {
      content['text/plain'] = {
        schema: { type: 'string', description: 'a transcript in any supported layout' },
      };
      content['text/markdown'] = { schema: { type: 'string' } };
    }
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method] = {
      summary: r.summary,
      parameters: parameters(r),
      ...(r.body ? { requestBody: { required: true, content } } : {}),
      ...(r.auth ? { security: [{ bearer: [] }] } : {}),
      responses: {
        [r.ok.status]: {
          description: r.ok.description,
          ...(r.ok.schema ? { content: { 'application/json': { schema: schema(r.ok.schema) } } } : {}),
        },
        '400': errorResponse,
        ...(r.auth ? { '401': errorResponse } : {}),
        '404': errorResponse,
        ...(r.body ? { '413': errorResponse, '422': errorResponse } : {}),
        ...(r.method !== 'get' ? { '409': errorResponse } : {}),
        '503': errorResponse,
      },
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'kikigaki',
      version: '0.1.0',
      description: 'Search and topic tagging for Japanese interview transcripts.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
  return cached;
}
