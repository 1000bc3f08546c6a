/**
 * The tag policy, in one place: effective tags of a quote or person are the automatic topics
 * (renamed through aliases) plus manual additions minus manual removals.
 */
import * as z from 'zod';
import { ValidationError } from './errors.ts';

/**
 * Tag ids: lower-case kebab (ASCII) or short Japanese labels; no separators used in keys.
 * Normalised first (NFKC, lower case, NFKC again since lower-casing can undo it: `İ` → `i̇`),
 * then validated, so every spelling of a tag that is accepted anywhere names the same id, and
 * every id that is stored validates again when it comes back in a path or a query.
 */
export const TagSchema = z
  .string()
  .max(240)
  .transform((t) => t.normalize('NFKC').toLowerCase().normalize('NFKC').trim())
  .pipe(
    z
      .string()
      .min(1)
      .max(60)
      .regex(
        /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_-]*$/u,
        'tags are letters, digits, _ and - (no spaces or punctuation)',
      ),
  );

/**
 * Tags an editor may add by hand to one quote or one person. Twenty a request used to add up
 * without end (6,380 on one quote: an item near DynamoDB's 400 KB, and GET /tags, which counts
 * the people of every tag, took minutes); a quote has a handful of tags, so 50 is room enough.
 */
export const MAX_MANUAL_TAGS = 50;

/**
 * A 400 when a quote's or a person's additions would pass {@link MAX_MANUAL_TAGS}; called before
 * anything is written, so the edit changes nothing.
 */
export function assertManualTagCount(
  add: readonly string[],
  subject: { quoteId: string } | { personId: string },
): void {
  if (add.length <= MAX_MANUAL_TAGS) return;
  const whose = 'quoteId' in subject ? `quote ${subject.quoteId}` : `person ${subject.personId}`;
  throw new ValidationError(
    `${whose} would have ${add.length} tags added by hand; at most ${MAX_MANUAL_TAGS} (remove some first)`,
    { ...subject, limit: MAX_MANUAL_TAGS, count: add.length },
  );
}

/** Follows aliases (merges) to the final tag; guards against cycles. */
export function resolveAlias(tag: string, aliases: ReadonlyMap<string, string>): string {
  let t = tag;
  for (let i = 0; i < 10 && aliases.has(t); i++) t = aliases.get(t) as string;
  return t;
}

/** Effective tags: automatic (aliased) ∪ manual additions − manual removals, sorted. */
export function effectiveTags(
  auto: readonly string[],
  manual: { add: readonly string[]; remove: readonly string[] } | undefined,
  aliases: ReadonlyMap<string, string> = new Map(),
): string[] {
  const out = new Set(auto.map((t) => resolveAlias(t, aliases)));
  for (const t of manual?.add ?? []) out.add(resolveAlias(t, aliases));
  for (const t of manual?.remove ?? []) out.delete(resolveAlias(t, aliases));
  return [...out].sort();
}

/** Manual corrections, as the tag functions need them. */
export interface Corrections {
  add: readonly string[];
  remove: readonly string[];
}

/** An editor's change to a quote's tags: tags to add (or confirm) and tags to remove. */
export interface TagChange {
  add?: string[];
  remove?: string[];
}

/** An editor's change to a person's tags; `set` replaces the person's corrections. */
export interface PersonTagChange extends TagChange {
  set?: { add: string[]; remove: string[] };
}

/** What effective quote tags are computed from: an interview's turns and its automatic topics. */
export interface TaggedRecord {
  interview: {
    turns: ReadonlyArray<{ id: string; role: string; speakerId: string | null }>;
    interviewees: ReadonlyArray<{ id: string }>;
  };
  autoTags: Readonly<Record<string, ReadonlyArray<{ topic: string }>>>;
}

/** The automatic topics of one quote (before aliases and corrections). */
export function autoTagsOf(record: TaggedRecord, quoteId: string): string[] {
  return (record.autoTags[quoteId] ?? []).map((m) => m.topic);
}

/**
 * Effective tags of every quote of an interview: the one conversion from automatic topics,
 * corrections and aliases that every reader uses (search index, memberships, API views).
 */
export function quoteTagsOf(
  record: TaggedRecord,
  manual: ReadonlyMap<string, Corrections>,
  aliases: ReadonlyMap<string, string>,
): Map<string, string[]> {
  return new Map(
    record.interview.turns.map((t) => [
      t.id,
      effectiveTags(autoTagsOf(record, t.id), manual.get(t.id), aliases),
    ]),
  );
}

/** One interviewee's tags in one interview: how many of their quotes carry each effective tag. */
export type PersonQuoteTags = Map<string, { quotes: string[] }>;

/**
 * What an interview says about its interviewees: for each, the effective tags of the quotes
 * they speak (interviewer turns never count), with the quotes that carry each.
 */
export function personTagsOf(
  record: TaggedRecord,
  quoteTags: ReadonlyMap<string, readonly string[]>,
): Map<string, PersonQuoteTags> {
  const out = new Map<string, PersonQuoteTags>(record.interview.interviewees.map((p) => [p.id, new Map()]));
  for (const t of record.interview.turns) {
    if (t.role !== 'interviewee' || !t.speakerId) continue;
    const tags = out.get(t.speakerId);
    if (!tags) continue;
    for (const tag of quoteTags.get(t.id) ?? []) {
      const cur = tags.get(tag) ?? { quotes: [] };
      cur.quotes.push(t.id);
      tags.set(tag, cur);
    }
  }
  return out;
}

/** A person's tags: what their quotes carry, plus manual additions, minus manual removals. */
export function personEffectiveTags(
  fromQuotes: Iterable<string>,
  manual: Corrections | undefined,
  aliases: ReadonlyMap<string, string> = new Map(),
): string[] {
  return effectiveTags([...fromQuotes], manual, aliases);
}
