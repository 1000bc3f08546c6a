/**
 * The search request: its schema (the HTTP layer validates with it), the page cursor and the
 * date filters' bounds. Split from index.ts so the request's shape reads apart from the index.
 */
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { MAX_QUERY_CHARS } from './query.ts';

/** A date filter: a day or a date-time with its offset; the 400 says which (not "Invalid input"). */
const DateParam = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error:
    'expected a date such as 2025-01-31, or a date-time with its offset such as 2025-01-31T09:00:00+09:00',
});

/** Search request, validated (the HTTP layer reuses this schema). */
export const SearchParamsSchema = z.object({
  q: z
    .string()
    .max(MAX_QUERY_CHARS, `q is limited to ${MAX_QUERY_CHARS} characters`)
    .default('')
    .describe(
      'Words, a sentence or a question. Quotes rank by how much of it they match (text, the question they answer, the interview title); a one- or two-word query needs every word, and when no quote has them all, quotes with any one of them are returned with `matched: any`. 「…」 or "…" is an exact phrase, -word excludes quotes containing it (alone, -介護 lists every quote but those, as filters list), a OR b accepts either. Hiragana finds katakana and kanji words (らんさーず, けっこん → 結婚); the last word of a short query is completed as a prefix (not two hiragana alone: すき is a word, not スキル).',
    ),
  tags: z.array(z.string().min(1).max(100)).max(20).default([]),
  match: z.enum(['all', 'any']).default('all'),
  /**
   * How the query's words must match: `ranked` (default) ranks quotes by how much of the query
   * they match (every word of a one- or two-word query, a share of a longer one); `all` keeps
   * only quotes matching every word.
   */
  terms: z
    .enum(['ranked', 'all'])
    .default('ranked')
    .describe('ranked: quotes matching more of the query rank higher; all: only quotes matching every word'),
  interviewee: z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((x) => x.split(/[,，、]/))
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .pipe(z.array(z.string().max(128)).max(20, 'at most 20 interviewees'))
    .optional()
    .describe(
      'Quotes said by these people (one or several: repeated, or comma-separated). Each is a person id (exact, any role), or a name or reading (さん/先生 and kanji variants such as 澤/沢 do not matter), looked up among interviewees (an interviewer or other speaker of that name only when no interviewee has it): a name stands for every person of that name or its short form (沖 / 沖玲奈); a part of a name (山田) for the people it starts or is found in when they are one name; otherwise 400 with `details.candidates` (ids, names, roles). The people each name stood for are listed in the response’s `people`.',
    ),
  speaker: z.enum(['interviewee', 'interviewer', 'other', 'any']).default('any'),
  interview: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe(
      'Quotes of this interview only (its id); an id no interview has is a 400 with `details.candidates` (ids spelt nearly alike)',
    ),
  from: DateParam.optional(),
  to: DateParam.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  cursor: z.string().max(200).optional(),
});
export type SearchParams = z.input<typeof SearchParamsSchema>;

export function encodeCursor(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 && v.f === fingerprint) return v.o;
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is invalid or belongs to a different query; start again without it');
}

export function toMs(s: string | undefined, endOfDay: boolean): number | null {
  if (!s) return null;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T${endOfDay ? '23:59:59.999' : '00:00:00'}+09:00` : s;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
