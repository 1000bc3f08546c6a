/**
 * Request and response schemas of the HTTP API. The same zod objects validate requests, type the
 * bodies handlers answer with (`reply()` in http.ts takes a response schema and a body of its
 * type) and generate the OpenAPI document (`ROUTES` in openapi.ts), so the three cannot drift
 * apart; the API tests validate every response against that document.
 */
import * as z from 'zod';
import type { ErrorCode } from '../errors.ts';
import { FormatSchema, IdSchema, InterviewSchema, RoleSchema, TurnSchema } from '../model.ts';
import { SearchParamsSchema } from '../search/index.ts';
import { TagSchema } from '../tags.ts';

const ERROR_CODES = [
  'validation_error',
  'invalid_json',
  'parse_error',
  'parse_timeout',
  'unsupported_media_type',
  'payload_too_large',
  'headers_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'too_many_requests',
  'unavailable',
  'snapshot_version',
  'config_error',
  'internal_error',
] as const satisfies readonly ErrorCode[];
// Every code is listed: a code added to the union without being listed here is a type error.
type Missing = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const everyCodeListed: Missing extends never ? true : Missing = true;
void everyCodeListed;

/** The error body of every 4xx/5xx. */
export const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
    /** Client errors only: e.g. `line` of a parse error, `existingId` of a conflicting ingest. */
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().max(500).optional();

/** GET /interviews query. */
export const ListInterviewsQuery = z.object({
  limit,
  cursor,
  tag: TagSchema.optional(),
  /** A person id only (/search takes names): the 400 for a name says where ids are found. */
  interviewee: z
    .string()
    .min(1)
    .max(128)
    .regex(
      /^[A-Za-z0-9_-]+$/,
      'interviewee is a person id here (kao_bunny, p-…): find one by name with GET /interviewees?q=<name>',
    )
    .optional(),
});
/** POST/PUT /interviews query: overrides for the parsed transcript. */
export const IngestQuery = z.object({
  format: FormatSchema.optional(),
  id: IdSchema.optional(),
  title: z.string().trim().min(1).max(300).optional(),
  url: z.string().url().max(2000).optional(),
});
/** PUT /interviews/{id} query: as POST's, but the path names the id (`?id=` is refused, not ignored). */
export const ReplaceQuery = IngestQuery.omit({ id: true });
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
/**
 * The query of a read that takes no parameters: declared so that a stray or misspelt one
 * (`/tags?kind=manual`) is a 400 like on the routes that take some, not silently ignored.
 */
export const NoQuery = z.object({});
/** Plain paging query. */
export const PagedQuery = z.object({ limit, cursor });
/** GET /interviewees query. */
export const IntervieweesQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'a name or reading (kana): people whose name, alias or reading is, starts with or contains it, best first (さん/先生 and kanji variants such as 澤/沢 do not matter)',
    ),
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
export const AddTagsBody = z
  .object({
    tags: z.array(TagSchema).min(1).max(20),
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
/** PUT /interviewees/{id}/tags body. */
export const SetTagsBody = z
  .object({
    /** The person's additions (tags their quotes do not carry, or confirmations). */
    tags: z.array(TagSchema).max(50),
    /** The person's removals (tags their quotes carry that the person should not). */
    remove: z.array(TagSchema).max(50).optional(),
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
/** POST /tags/{tag}/merge body. */
export { MergeBody, MergeResponse, TopicsResponse } from './tag-schemas.ts';

// ---------------------------------------------------------------- responses
// Output-mode JSON Schema of a z.object forbids unknown properties: a field a handler starts
// answering without declaring it here fails the API tests.

const nextCursor = z.string().nullable();
const personRef = z.object({ id: z.string(), name: z.string(), handle: z.string().nullable() });

/** GET /health (200 ok, 503 when the store is down). */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  index: z.object({ snapshotId: z.string().nullable(), quotes: z.number(), interviews: z.number() }),
  store: z.object({
    state: z.enum(['up', 'down']),
    /** Why it is down (no paths or internals), when it is. */
    reason: z.string().optional(),
  }),
});

/** What an ingest answers. */
export const IngestResponse = z.object({
  id: z.string(),
  created: z.boolean(),
  version: z.number(),
  quotes: z.number(),
  interviewee: personRef.nullable(),
  tags: z.array(z.string()),
});

/**
 * On a read filtered by tags, each merged-away tag it named → the tag it became (the read used
 * that one); absent when none was.
 */
const resolvedTags = z.record(z.string(), z.string()).optional();

/** GET /interviews. */
export const InterviewListResponse = z.object({
  interviews: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      url: z.string().nullable(),
      publishedAt: z.string().nullable(),
      quoteCount: z.number(),
      interviewees: z.array(personRef),
      tags: z.array(z.string()),
      version: z.number(),
      updatedAt: z.string(),
    }),
  ),
  nextCursor,
  resolved: resolvedTags,
});

/** GET /interviews/{id}: the canonical interview, its version and dates, each turn's tags. */
export const InterviewResponse = InterviewSchema.extend({
  /**
   * Absent for an interview stored before the writer's paragraphs were kept: the store keeps no
   * source text to parse again, so only ingesting the source again gives it (POST
   * /admin/consistency lists such interviews as `reingest`). `[]`: the parse found none.
   */
  narration: InterviewSchema.shape.narration.unwrap().optional(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turns: z.array(TurnSchema.extend({ tags: z.array(z.string()) })),
});

/** DELETE /interviews/{id}. */
export const DeletedResponse = z.object({ id: z.string(), deleted: z.literal(true) });

const range = z.object({ start: z.number(), end: z.number() });
const questionRef = z.object({ quoteId: z.string(), text: z.string() }).nullable();
const speaker = z.object({ id: z.string().nullable(), name: z.string(), role: RoleSchema });

/**
 * Each `interviewee` given as a name → the people it stood for: the same field in a search page
 * and in its export, so a script reading either learns whom a name was taken for.
 */
const peopleField = z
  .record(
    z.string(),
    z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: RoleSchema,
        /** Interviews where the person speaks (ids, at most 5). */
        interviews: z.array(z.string()),
      }),
    ),
  )
  .optional()
  .describe(
    'each `interviewee` given as a name → the people it stood for (interviewees first: an interviewer of that name is not joined to them); absent when only ids were given',
  );

/** GET /search. */
export const SearchResponse = z.object({
  total: z.number(),
  totalIsEstimate: z
    .boolean()
    .describe(
      'true when `total` is not exact: a phrase query with more candidates than are checked against the texts (an upper bound), or a compound typed whole whose quotes saying it fill the page (counted without those saying its parts a particle apart)',
    ),
  matched: z
    .enum(['all', 'any', 'filter'])
    .describe(
      '`all`: every hit has every word; `any`: hits have part of the words (a sentence, ranked by the share it matches, or a short query relaxed); `filter`: no words, listed by recency',
    ),
  relaxed: z
    .boolean()
    .describe(
      'true when every word was required, no quote had them all (or, for words typed as one phrase with kana such as しごとをやめた, fewer than 3 did), and the hits are quotes with any one of them, those with every word first; false for a sentence, which never required every word',
    ),
  everyWord: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('on a relaxed page only: how many quotes have every word (listed first); 0 when none has'),
  missing: z
    .array(z.string())
    .optional()
    .describe(
      'the words typed that no quote says, as typed (ホヤ of ホヤってどう思う); absent when every word is said somewhere. When the words left are verbs and adjectives alone (食べてみたい, 思う, 好き), the page is empty: their quotes say nothing of the missing word',
    ),
  hits: z.array(
    z.object({
      quoteId: z.string(),
      interviewId: z.string(),
      interviewTitle: z.string(),
      publishedAt: z.string().nullable(),
      ordinal: z.number(),
      text: z.string(),
      highlight: z.object({
        snippet: z.string(),
        offset: z.number(),
        ranges: z.array(range),
        textRanges: z.array(range),
        html: z.string(),
      }),
      speaker,
      section: z.string().nullable(),
      question: z
        .object({
          quoteId: z.string(),
          text: z.string(),
          /** Where the query's words are in the question's text (offsets into `text`). */
          ranges: z.array(range),
        })
        .nullable(),
      tags: z.array(z.string()),
      score: z.number(),
      matchedIn: z.array(z.string()),
    }),
  ),
  facets: z.object({
    tags: z.record(z.string(), z.number()),
    /** Quotes said by each interviewee (person id → count). */
    interviewees: z.record(z.string(), z.number()),
    /** The name of each person counted in `interviewees`. */
    intervieweeNames: z.record(z.string(), z.string()),
    roles: z.record(z.string(), z.number()),
    years: z.record(z.string(), z.number()),
  }),
  nextCursor,
  resolved: resolvedTags,
  /**
   * Each `interviewee` given as a name → the people it stood for (a name is looked up among
   * interviewees first; an id is exact and not listed); absent when every value was an id.
   */
  people: peopleField,
});

/** One quote of an export, with what a citation needs (lib/export.ts). */
export const CitationSchema = z.object({
  quoteId: z.string(),
  text: z.string(),
  speaker: z.string(),
  speakerRole: RoleSchema,
  speakerId: z.string().nullable(),
  interviewId: z.string(),
  interviewTitle: z.string(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
  section: z.string().nullable(),
  question: z.string().nullable(),
  tags: z.array(z.string()),
  link: z.string(),
});

/** GET /search?format=json: the whole result set as citations (streamed; bounded). */
export const SearchExportResponse = z.object({
  query: z.record(z.string(), z.unknown()),
  total: z.number(),
  totalIsEstimate: z.boolean(),
  /** As in the search page: each merged-away tag named → its target; absent when none was. */
  resolved: resolvedTags,
  /** As in the search page: whom each `interviewee` name stood for; absent when only ids were given. */
  people: peopleField,
  quotes: z.array(CitationSchema),
  rows: z.number(),
  truncated: z.boolean(),
});

/** POST /interviews/preview: what an ingest would store. */
export const IngestPreviewResponse = z.object({
  interview: InterviewSchema,
  tags: z.record(z.string(), z.array(z.string())),
  exists: z.boolean(),
  conflict: z.boolean(),
});

/** A quote outside search results. */
export const QuoteViewSchema = z.object({
  quoteId: z.string(),
  interviewId: z.string(),
  interviewTitle: z.string(),
  text: z.string(),
  speaker: z.object({ id: z.string().nullable(), name: z.string(), role: z.string() }),
  section: z.string().nullable(),
  question: questionRef,
  tags: z.array(z.string()),
});

/** GET /quotes/{id} and the quote tag edits: tags, why the automatic ones, the corrections. */
export const QuoteResponse = QuoteViewSchema.extend({
  version: z.number(),
  autoTags: z.array(z.string()),
  automatic: z.array(
    z.object({
      tag: z.string(),
      score: z.number(),
      terms: z.array(z.string()),
      question: z.array(z.string()).optional(),
      model: z.array(z.string()).optional(),
      /** Neighbouring quotes on the topic that lifted a weak match (discourse context). */
      neighbours: z.array(z.string()).optional(),
    }),
  ),
  manual: z.object({ add: z.array(z.string()), remove: z.array(z.string()) }),
  resolved: z.record(z.string(), z.string()).optional(),
});

/** GET /tags. */
export const TagsResponse = z.object({
  tags: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      labelEn: z.string(),
      kind: z.enum(['topic', 'manual']),
      quotes: z.number(),
      interviewees: z.number(),
    }),
  ),
});

/** GET /tags/{tag}/quotes. */
export const TagQuotesResponse = z.object({
  tag: z.string(),
  quotes: z.array(QuoteViewSchema),
  nextCursor,
  resolved: resolvedTags,
});

/** An interviewee profile. */
export const IntervieweeResponse = z.object({
  id: z.string(),
  name: z.string(),
  handle: z.string().nullable(),
  location: z.string().nullable(),
  occupation: z.string().nullable(),
  tags: z.array(z.object({ id: z.string(), quotes: z.number(), source: z.enum(['topic', 'manual']) })),
  interviews: z.array(z.object({ id: z.string(), title: z.string(), publishedAt: z.string().nullable() })),
  evidence: z.array(QuoteViewSchema),
  /** The version of the person's own corrections (send it back as `expectedVersion`). */
  version: z.number(),
  manual: z.object({ add: z.array(z.string()), remove: z.array(z.string()) }),
});

/** GET /interviewees. */
export const IntervieweeListResponse = z.object({
  interviewees: z.array(IntervieweeResponse),
  nextCursor,
  resolved: resolvedTags,
});

/** GET /suggest. */
export const SuggestResponse = z.object({
  q: z.string(),
  terms: z.array(z.object({ text: z.string(), quotes: z.number() })),
  tags: z.array(z.object({ id: z.string(), label: z.string(), labelEn: z.string() })),
});

/** GET /openapi.json (the document itself; its shape is OpenAPI's). */
export const OpenApiResponse = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({}),
  paths: z.record(z.string(), z.unknown()),
});

/** Path parameter schemas. */
export const Params = {
  id: z.object({ id: IdSchema }),
  quote: z.object({ quoteId: IdSchema }),
  quoteTag: z.object({ quoteId: IdSchema, tag: TagSchema }),
  tag: z.object({ tag: TagSchema }),
  personTag: z.object({ id: IdSchema, tag: TagSchema }),
};
