/**
 * The canonical interview model. Every parser produces it, the store saves it, the API returns it.
 * zod schemas are the single source of truth for validation and (later) the OpenAPI document.
 */
import * as z from 'zod';

/** Current version of the canonical JSON; stored with every interview. */
export const INTERVIEW_SCHEMA_VERSION = 1;

/** URL-safe identifier: letters, digits, `_` and `-`, 1–128 characters. */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'ids may contain only A-Z, a-z, 0-9, _ and -');

/** Speaker roles in a turn. */
export const RoleSchema = z.enum(['interviewer', 'interviewee', 'other']);
/** Role as validated. */
export type Role = z.infer<typeof RoleSchema>;

const shortText = (max: number) => z.string().trim().min(1).max(max);

/**
 * A person who speaks in an interview. Role labels (聞き手, 話し手, customer_1 …) are never
 * people: their turns have no `speakerId`. Ids are per interview unless a handle or an explicit
 * id links them, or an editor merged them.
 */
export const PersonSchema = z.object({
  id: IdSchema,
  /** The name without honorifics or titles: `花輪陽子`, not `花輪陽子先生`. */
  name: shortText(100),
  /** Honorific or title printed with the name: `先生`, `DIME編集長`, `ドクター`, `さん`. */
  title: shortText(100).nullable().default(null),
  /** How the name is read (kana or Latin), when known. */
  reading: shortText(100).nullable().default(null),
  handle: z
    .string()
    .regex(/^@[A-Za-z0-9_]{1,30}$/)
    .nullable()
    .default(null),
  location: shortText(100).nullable().default(null),
  occupation: shortText(200).nullable().default(null),
  aliases: z.array(shortText(100)).max(20).default([]),
});
/** Person as validated. */
export type Person = z.infer<typeof PersonSchema>;

/** Longest turn text (characters); a longer utterance is a parse error, never truncated. */
export const MAX_TURN_CHARS = 20_000;
/** Most turns in one interview. */
export const MAX_TURNS = 10_000;

/** A section heading inside an interview. */
export const SectionSchema = z.object({
  ordinal: z.number().int().min(0),
  heading: shortText(200),
});
/** Section as validated. */
export type Section = z.infer<typeof SectionSchema>;

/** One utterance; every turn is a quotable quote with a stable id. */
export const TurnSchema = z.object({
  id: IdSchema,
  ordinal: z.number().int().min(0),
  /** The speaker's name, or the role label printed (聞き手, customer_1) when no person is named. */
  speaker: shortText(100),
  /** The person who speaks; null for a role label. */
  speakerId: IdSchema.nullable(),
  /** Other people speaking the same words together (`橋本と佐藤：…`). */
  coSpeakerIds: z.array(IdSchema).max(10).default([]),
  role: RoleSchema,
  text: z.string().min(1).max(MAX_TURN_CHARS),
  section: z.string().max(200).nullable(),
  /** The interviewer turn this one answers (interviewee turns only). */
  questionId: IdSchema.nullable(),
  /** Character offsets (UTF-16) of the turn in the source transcript; null when unknown. */
  start: z.number().int().min(0).nullable(),
  end: z.number().int().min(0).nullable(),
});
/** Turn as validated. */
export type Turn = z.infer<typeof TurnSchema>;

/** Another part of the same series or a linked article. */
export const RelatedSchema = z.object({
  title: shortText(300),
  url: z.string().url().max(2000).nullable().default(null),
  part: z.number().int().min(1).max(100).nullable().default(null),
  excerpt: z.string().max(2000).nullable().default(null),
});
/** Related as validated. */
export type Related = z.infer<typeof RelatedSchema>;

/** Series membership, e.g. 前編/後編 → part 1/2. */
export const SeriesSchema = z.object({
  id: IdSchema,
  title: shortText(300),
  part: z.number().int().min(1).max(100),
});
/** Series as validated. */
export type Series = z.infer<typeof SeriesSchema>;

/**
 * A paragraph of the writer's between the turns (the lead, a scene, 「…」と語る framing, a closing
 * line): printed in the article, never a quote, never credited to a speaker. Kept so that what
 * the parser took for narration can be read and checked instead of vanishing.
 */
export const NarrationSchema = z.object({
  /** Ordinal of the turn it follows; 0 when it comes before the first turn. */
  after: z.number().int().min(0),
  text: z.string().min(1).max(MAX_TURN_CHARS),
  /** Character offsets (UTF-16) in the source transcript; null when unknown. */
  start: z.number().int().min(0).nullable().default(null),
  end: z.number().int().min(0).nullable().default(null),
});
/** Narration as validated. */
export type Narration = z.infer<typeof NarrationSchema>;
/** Most narration paragraphs kept for one interview (a hostile body stops adding there). */
export const MAX_NARRATION = 2_000;

/** Input formats a transcript can be parsed from. */
export const FormatSchema = z.enum([
  'auto',
  'blog',
  'dash',
  'prefixed',
  'tsv',
  'markdown',
  'json',
  'vtt',
  'srt',
  'timestamped',
]);
/** Format as validated. */
export type Format = z.infer<typeof FormatSchema>;

/** The canonical interview. */
export const InterviewSchema = z.object({
  schemaVersion: z.literal(INTERVIEW_SCHEMA_VERSION).default(INTERVIEW_SCHEMA_VERSION),
  id: IdSchema,
  title: shortText(300),
  url: z.string().url().max(2000).nullable().default(null),
  publishedAt: z.iso.datetime({ offset: true }).nullable().default(null),
  format: FormatSchema.exclude(['auto']),
  series: SeriesSchema.nullable().default(null),
  related: z.array(RelatedSchema).max(50).default([]),
  interviewer: PersonSchema.nullable(),
  interviewees: z.array(PersonSchema).max(50),
  others: z.array(PersonSchema).max(50).default([]),
  sections: z.array(SectionSchema).max(500).default([]),
  /** Photo captions and profile-box lines printed in the article (never quotes). */
  captions: z.array(shortText(300)).max(500).default([]),
  /** The writer's paragraphs between the turns, in order (never quotes; see NarrationSchema). */
  narration: z.array(NarrationSchema).max(MAX_NARRATION).default([]),
  turns: z.array(TurnSchema).min(1).max(MAX_TURNS),
});
/** Interview as validated. */
export type Interview = z.infer<typeof InterviewSchema>;
/** What callers may send as canonical JSON (defaults filled in by validation). */
export type InterviewInput = z.input<typeof InterviewSchema>;
