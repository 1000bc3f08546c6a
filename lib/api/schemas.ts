/**
 * Request and response schemas of the HTTP API. The same zod objects validate requests and
 * generate the OpenAPI document, so the two cannot drift apart.
 */
import { z } from 'zod';
import { FormatSchema, IdSchema } from '../model.ts';
import { SearchParamsSchema } from '../search/index.ts';
import { TagSchema } from '../tags.ts';

/** The error body of every 4xx/5xx. */
export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string().optional() }),
});

const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().max(500).optional();

/** GET /interviews query. */
export const ListInterviewsQuery = z.object({
  limit,
  cursor,
  tag: TagSchema.optional(),
  interviewee: IdSchema.optional(),
});
/** POST/PUT /interviews query: overrides for the parsed transcript. */
export const IngestQuery = z.object({
  format: FormatSchema.optional(),
  id: IdSchema.optional(),
  title: z.string().trim().min(1).max(300).optional(),
  url: z.string().url().max(2000).optional(),
});
/** GET /search query (`tag` may repeat; `format` exports the whole result set). */
export const SearchQuery = SearchParamsSchema.extend({
  tag: z.array(TagSchema).max(20).optional(),
  format: z
    .enum(['csv', 'json'])
    .optional()
    .describe(
      'export every page of the result set as citation records (also Accept: text/csv); limit and cursor are ignored',
    ),
}).omit({ tags: true });
/** Plain paging query. */
export const PagedQuery = z.object({ limit, cursor });
/** GET /interviewees query. */
export const IntervieweesQuery = z.object({
  tag: z.array(TagSchema).max(20).default([]),
  match: z.enum(['all', 'any']).default('all'),
  limit,
  cursor,
});
/** GET /suggest query. */
export const SuggestQuery = z.object({
  q: z.string().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});
/** Optimistic-locking version for DELETE tag routes. */
export const ExpectedVersionQuery = z.object({ expectedVersion: z.coerce.number().int().min(0).optional() });

/** POST /quotes/{id}/tags body. */
export const AddTagsBody = z.object({
  tags: z.array(TagSchema).min(1).max(20),
  expectedVersion: z.number().int().min(0).optional(),
});
/** PUT /interviewees/{id}/tags body. */
export const SetTagsBody = z.object({
  tags: z.array(TagSchema).max(50),
  expectedVersion: z.number().int().min(0).optional(),
});
/** POST /tags/{tag}/merge body. */
export const MergeBody = z.object({ into: TagSchema });

/** What an ingest answers. */
export const IngestResponse = z.object({
  id: z.string(),
  created: z.boolean(),
  version: z.number(),
  quotes: z.number(),
  interviewee: z.object({ id: z.string(), name: z.string(), handle: z.string().nullable() }).nullable(),
  tags: z.array(z.string()),
});

/** Path parameter schemas. */
export const Params = {
  id: z.object({ id: IdSchema }),
  quote: z.object({ quoteId: IdSchema }),
  quoteTag: z.object({ quoteId: IdSchema, tag: TagSchema }),
  tag: z.object({ tag: TagSchema }),
};
