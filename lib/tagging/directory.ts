/**
 * The tags there are: topics, tags editors made (the tag directory), tags still carried; what a
 * merged-away tag became; who carries a tag; and the list GET /tags shows.
 */
import { distance } from 'fastest-levenshtein';
import { ConflictError, ValidationError } from '../errors.ts';
import type { PeopleDirectory, QuoteSearch } from '../search/backend.ts';
import { resolveAlias } from '../tags.ts';
import type { Tagging } from './deps.ts';

/** A tag in use, as GET /tags lists it. */
export interface TagSummary {
  id: string;
  label: string;
  labelEn: string;
  kind: 'topic' | 'manual';
  quotes: number;
  interviewees: number;
}

/** Tags a read named, through merges (see {@link resolveTags}). */
export interface ResolvedTags {
  tags: string[];
  /** Each merged-away tag named → the tag it became; empty when none was. */
  resolved: Record<string, string>;
}

async function topicIds(ctx: Tagging): Promise<Set<string>> {
  return new Set((await ctx.taggers.current()).taxonomy.topics.map((t) => t.id));
}

/**
 * Whether a tag is live: a topic or a tag editors made, not merged away; tags used before the
 * directory existed count when something still carries them.
 */
export async function isLive(
  ctx: Tagging,
  tag: string,
  aliases: ReadonlyMap<string, string>,
): Promise<boolean> {
  if (aliases.has(tag)) return false;
  if ((await topicIds(ctx)).has(tag)) return true;
  if ((await ctx.store.tagEntries()).some((e) => e.tag === tag)) return true;
  if ((await ctx.store.quotesWithTag(tag, { limit: 1 })).items.length > 0) return true;
  // One person is enough to say so: a merge's checks stay bounded whoever carries the tag.
  return (await ctx.store.peopleWithTagUpTo(tag, 1)).people.length > 0;
}

/** Known tags offered for a misspelt one, at most. */
const MAX_TAG_CANDIDATES = 5;

/**
 * Throws a 400 naming the first of `tags` that is no tag at all (not live, not merged away), with
 * the known tags nearest its spelling as `details.candidates`, as an unknown interviewee is: a
 * filter by a misspelt tag (`crowdsource`) answered an empty 200 that read as "nobody talks about
 * it". Readers call it only when a tag-filtered result is empty, so a search that finds something
 * reads nothing more; a known tag nothing carries now stays an empty 200.
 */
export async function assertKnownTags(ctx: Tagging, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  const aliases = await ctx.store.aliases();
  for (const tag of tags) {
    if (aliases.has(tag) || (await isLive(ctx, tag, aliases))) continue;
    const known = [
      ...new Set([...(await topicIds(ctx)), ...(await ctx.store.tagEntries()).map((e) => e.tag)]),
    ];
    const candidates = known
      .map((id) => ({ id, d: distance(tag, id) }))
      .filter(
        ({ id, d }) => d <= Math.max(2, Math.floor(tag.length / 3)) || id.includes(tag) || tag.includes(id),
      )
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
      .slice(0, MAX_TAG_CANDIDATES)
      .map(({ id }) => id);
    throw new ValidationError(
      `tag '${tag}' is no tag${candidates.length > 0 ? ` (did you mean ${candidates.join(', ')}?)` : ''}; GET /tags lists them`,
      { tag, candidates },
    );
  }
}

/** Records manual tags that are not topics in the tag directory (so /tags lists them). */
export async function register(ctx: Tagging, tags: Iterable<string>, who: string): Promise<void> {
  const topics = await topicIds(ctx);
  for (const t of tags) if (!topics.has(t)) await ctx.store.putTagEntry(t, who);
}

/**
 * The tags a read names, each merged-away one replaced by what it became (in order, once each),
 * and which were replaced: a saved link or an old filter finds the target's quotes, and the
 * answer says so instead of an empty 200. No store read when no tag is named.
 */
export async function resolveTags(ctx: Tagging, tags: readonly string[]): Promise<ResolvedTags> {
  if (tags.length === 0) return { tags: [], resolved: {} };
  const aliases = await ctx.store.aliases();
  const resolved: Record<string, string> = {};
  const out = new Set<string>();
  for (const raw of tags) {
    const t = resolveAlias(raw, aliases);
    if (t !== raw) resolved[raw] = t;
    out.add(t);
  }
  return { tags: [...out], resolved };
}

/** A tag named in a removal that was merged away: a 409 naming where it went. */
export function mergedAway(tag: string, aliases: ReadonlyMap<string, string>): ConflictError {
  const into = resolveAlias(tag, aliases);
  return new ConflictError(`tag '${tag}' was merged into '${into}'; edit '${into}', or undo the merge`, {
    tag,
    into,
  });
}

/** People who have a tag: through their quotes or added by hand, minus their own removals. */
export async function peopleWith(ctx: Tagging, tag: string): Promise<Set<string>> {
  const found = await ctx.store.peopleWithTag(tag);
  const ids = [...new Set(found.map((p) => p.personId))];
  const manual = await ctx.store.manualPersonTags(ids);
  return new Set(ids.filter((id) => !manual.get(id)?.remove.includes(tag)));
}

/** What the search index already holds for GET /tags (the ports of lib/search/backend.ts). */
export type HeldTagCounts = Pick<QuoteSearch, 'tagCounts'> &
  Pick<PeopleDirectory, 'peopleByTag' | 'peopleIds'>;

/**
 * People per tag from what the index holds and every person's own corrections (one batched read
 * of the people, not one query per tag: 6,400 tags took 348 s that way). Null when the index does
 * not know everyone (a snapshot from before `people`): then the store is asked tag by tag.
 */
async function peopleCounts(ctx: Tagging, index: HeldTagCounts): Promise<Map<string, number> | null> {
  const everyone = await index.peopleIds();
  if (everyone === null) return null;
  // A fresh map (the port says so): people's own corrections are folded into it below.
  const byTag = await index.peopleByTag();
  const manual = await ctx.store.manualPersonTags(everyone);
  for (const [personId, m] of manual) {
    for (const tag of m.add) {
      const set = byTag.get(tag);
      if (set) set.add(personId);
      else byTag.set(tag, new Set([personId]));
    }
    for (const tag of m.remove) byTag.get(tag)?.delete(personId);
  }
  return new Map([...byTag].map(([tag, people]) => [tag, people.size]));
}

/** Every live tag (topics, tags editors made, tags in the index) with quote and people counts. */
export async function listTags(ctx: Tagging, index: HeldTagCounts): Promise<TagSummary[]> {
  const quoteCounts = await index.tagCounts();
  const [tagger, aliases, entries] = await Promise.all([
    ctx.taggers.current(),
    ctx.store.aliases(),
    ctx.store.tagEntries(),
  ]);
  const ids = new Set(
    [
      ...tagger.taxonomy.topics.map((t) => t.id),
      ...entries.map((e) => e.tag),
      ...Object.keys(quoteCounts).filter((t) => (quoteCounts[t] ?? 0) > 0),
    ].filter((t) => !aliases.has(t)),
  );
  const list = [...ids].sort();
  const counted = await peopleCounts(ctx, index);
  const people = counted
    ? list.map((id) => counted.get(id) ?? 0)
    : await Promise.all(list.map(async (id) => (await peopleWith(ctx, id)).size));
  return list.map((id, i) => {
    const topic = tagger.topic(id);
    return {
      id,
      label: topic?.label ?? id,
      labelEn: topic?.labelEn ?? id,
      kind: topic ? ('topic' as const) : ('manual' as const),
      quotes: quoteCounts[id] ?? 0,
      interviewees: people[i] ?? 0,
    };
  });
}
