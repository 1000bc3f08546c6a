/**
 * Request and response schemas of the tag routes (merges, bulk edits, audit, taxonomy,
 * interviewee tag edits). The OpenAPI document (openapi.ts ROUTES) declares them; the handlers in
 * tag-routes.ts validate with them and answer through `reply` typed by them.
 */
import * as z from 'zod';
import { IdSchema } from '../model.ts';
import { SearchParamsSchema } from '../search/index.ts';
import { TagSchema } from '../tags.ts';
import { EvidenceSchema, PatternSchema, TopicIdSchema, TopicSchema } from '../taxonomy/index.ts';
import { JobSchema } from './job-schemas.ts';

const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().max(500).optional();
const nextCursor = z.string().nullable();
const expectedVersion = z.number().int().min(0).optional();

/**
 * The write bodies below are strict: a key they do not know is a 400 naming it. A misspelt
 * `"dryrun": true` (or a search filter spelt as the URL spells it, `"tag"`) was ignored, so the
 * edit ran for real, or over more quotes than meant.
 */

/** POST /tags/{tag}/merge. */
export const MergeBody = z
  .object({
    into: TagSchema,
    /** Merge into a tag that does not exist yet (else 404). */
    create: z.boolean().optional(),
    /**
     * Report what would move; change nothing. Reads at most a page (200) of the tag's quotes,
     * people and corrections, like the merge itself: when they fit, the counts are exact in the
     * answer; when not, a `preview` job counts them (the answer's counts are null, its `job` has
     * them in `result` once done).
     */
    dryRun: z.boolean().optional(),
  })
  .strict();

/** What a merge did or would do. */
export const MergeResponse = z.object({
  id: z.string().nullable(),
  from: z.string(),
  into: z.string(),
  dryRun: z.boolean(),
  createdTarget: z.boolean(),
  /**
   * These four are null when a job does the work or the counting (its result; for a merge, also
   * the merge's record once applied).
   */
  quotes: z.number().nullable(),
  people: z.number().nullable(),
  interviews: z.number().nullable(),
  corrections: z.number().nullable(),
  /**
   * The job re-indexing the interviews when there are many (the merge is `applying` until it ends);
   * for a large dry run, the `preview` job counting what would move.
   */
  job: JobSchema.nullable(),
});

/** A merge as GET /merges lists it. */
const MergeRecord = z.object({
  id: z.string(),
  from: z.string(),
  into: z.string(),
  createdTarget: z.boolean(),
  at: z.string(),
  who: z.string(),
  state: z.enum(['applying', 'applied', 'undone']),
  quotes: z.number(),
  people: z.number(),
  interviews: z.number(),
  undoneAt: z.string().optional(),
  undoneBy: z.string().optional(),
});

/** GET /merges. */
export const MergesResponse = z.object({ merges: z.array(MergeRecord), nextCursor });

/** POST /merges/{id}/undo. */
export const UndoResponse = z.object({
  id: z.string(),
  from: z.string(),
  into: z.string(),
  /** These three are null when a job restores and re-indexes (its result; `ids.kept`). */
  restored: z.number().nullable(),
  kept: z.array(z.string()).nullable(),
  interviews: z.number().nullable(),
  /** The job re-indexing the interviews when there are many. */
  job: JobSchema.nullable(),
});

/** Path of a merge. */
export const MergeParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** POST /bulk/tags: a search (as GET /search takes it) and the tags to add or remove. */
export const BulkTagsBody = z
  .object({
    search: SearchParamsSchema.omit({ limit: true, cursor: true }).strict(),
    add: z.array(TagSchema).max(20).default([]),
    remove: z.array(TagSchema).max(20).default([]),
    /** Count what would change; change nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();

/** What a bulk edit did or would do. */
export const BulkTagsResponse = z.object({
  dryRun: z.boolean(),
  quotes: z.number(),
  interviews: z.number(),
  changed: z.number(),
  add: z.array(z.string()),
  remove: z.array(z.string()),
});

/** GET /audit. */
export const AuditQuery = z.object({
  tag: TagSchema.optional(),
  quote: IdSchema.optional(),
  person: IdSchema.optional(),
  actor: z.string().trim().min(1).max(100).optional(),
  limit,
  cursor,
});

/** One entry of the audit trail. */
const AuditEntrySchema = z.object({
  subject: z
    .object({ kind: z.enum(['quote', 'person', 'tag', 'topic', 'bulk']), id: z.string().optional() })
    .describe(
      'what was edited: a quote, a person, a tag (merges), a topic, or a bulk edit of a search (no id)',
    ),
  at: z.string(),
  who: z.string(),
  action: z.string(),
  tags: z.array(z.string()),
  added: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  search: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('a bulk edit: the search it applied to, as the request gave it'),
});

/** GET /audit. */
export const AuditResponse = z.object({ entries: z.array(AuditEntrySchema), nextCursor });

/** POST /interviewees/{id}/tags: tags to add (or confirm). */
export const PersonAddTagsBody = z
  .object({ tags: z.array(TagSchema).min(1).max(20), expectedVersion })
  .strict();

/** GET /topics. */
export const TopicsResponse = z.object({ version: z.number(), topics: z.array(TopicSchema) });

/** A taxonomy edit's answer: the new taxonomy and the background re-score of the quotes. */
export const TaxonomyEditResponse = TopicsResponse.extend({ job: JobSchema.nullable() });

/** GET /topics/{id}. */
export const TopicResponse = z.object({ version: z.number(), topic: TopicSchema });

/** Path of a topic. */
export const TopicParams = z.object({ id: TopicIdSchema });

/** POST /topics. */
export const CreateTopicBody = z.object({ topic: TopicSchema, expectedVersion }).strict();

/** PUT /topics/{id}: the fields that change (the others stay; the id stays: to rename it, create and merge). */
export const UpdateTopicBody = z
  .object({
    /** Optional, and only the path's id (a topic from GET /topics/{id} sent back as it came). */
    id: TopicIdSchema.optional(),
    label: z.string().trim().min(1).max(60).optional(),
    labelEn: z.string().trim().min(1).max(60).optional(),
    description: z.string().max(1000).optional(),
    threshold: z.number().gt(0).max(10).optional(),
    evidence: z.array(EvidenceSchema).max(300).optional(),
    unless: z.array(PatternSchema).max(100).optional(),
    expectedVersion,
  })
  .strict();

/** GET /topics/versions. */
export const TaxonomyVersionsResponse = z.object({
  version: z.number(),
  versions: z.array(z.object({ version: z.number(), at: z.string(), who: z.string(), change: z.string() })),
});

/** Path of one taxonomy version: a whole number, 0 (the shipped file) and up. */
export const TaxonomyVersionParams = z.object({
  version: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,8})$/, 'a taxonomy version is a whole number: 0, 1, 2, …')
    .transform(Number),
});

/** GET /topics/versions/{version}: that version's topics (as GET /topics) and the edit that made it. */
export const TaxonomyVersionResponse = TopicsResponse.extend({
  /** When and by whom; null for version 0 (the shipped file). */
  at: z.string().nullable(),
  who: z.string().nullable(),
  /** The edit that made it (`delete camping`), `shipped` for version 0. */
  change: z.string(),
});
