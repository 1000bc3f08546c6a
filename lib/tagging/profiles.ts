/**
 * Interviewees' profiles and their tags: a person's tags with quote counts and evidence, their
 * own corrections (added or removed on the person, optimistic locking as for quotes), and the
 * people listed by tag (GET /interviewees).
 */
import { ConflictError, NotFoundError, personNotFound } from '../errors.ts';
import type { Interview } from '../model.ts';
import type { InterviewSummary, ManualTags, Page, StoredInterview } from '../store/port.ts';
import {
  assertManualTagCount,
  type PersonTagChange,
  personTagsOf,
  quoteTagsOf,
  resolveAlias,
} from '../tags.ts';
import { onLatest, sorted, type Tagging } from './deps.ts';
import { mergedAway, peopleWith, register } from './directory.ts';
import { type QuoteView, quoteViewOf } from './quotes.ts';

/** An interviewee profile. */
export interface IntervieweeProfile {
  id: string;
  name: string;
  handle: string | null;
  location: string | null;
  occupation: string | null;
  /** `topic`: carried by their quotes; `manual`: added to the person by an editor. */
  tags: Array<{ id: string; quotes: number; source: 'topic' | 'manual' }>;
  interviews: Array<{ id: string; title: string; publishedAt: string | null }>;
  evidence: QuoteView[];
  /** The person's own corrections and their version (send it back as `expectedVersion`). */
  version: number;
  manual: { add: string[]; remove: string[] };
}

/** An interviewee's profile: tags with quote counts, interviews, evidence, corrections. */
export async function interviewee(ctx: Tagging, personId: string): Promise<IntervieweeProfile> {
  const profile = (await profiles(ctx, [personId])).get(personId);
  if (!profile) {
    // A person merged away names whom they became, as their person view does.
    const into = (await ctx.store.personProfiles([personId])).get(personId)?.mergedInto;
    throw personNotFound('interviewee', personId, into);
  }
  return profile;
}

/**
 * Profiles of several people (a page of /interviewees) from one read of each kind: their
 * appearances (a query per person, side by side), their corrections, the interviews they appear
 * in and those quotes' corrections, each in one batch, not one round of reads per person in turn
 * (20 profiles took 2.6 s at 457 interviews). People who appear in no interview are left out.
 */
export async function profiles(
  ctx: Tagging,
  personIds: readonly string[],
  candidates?: ReadonlyMap<string, readonly string[]> | null,
): Promise<Map<string, IntervieweeProfile>> {
  const ids = [...new Set(personIds)];
  const [[appearances, stored], manuals, aliases] = await Promise.all([
    candidates ? appearancesAmong(ctx, ids, candidates) : appearancesOf(ctx, ids),
    ids.length === 1
      ? ctx.store.getPersonTags(ids[0] as string).then((m) => new Map([[ids[0] as string, m]]))
      : ctx.store.manualPersonTags(ids),
    ctx.store.aliases(),
  ]);
  // Only the answers of these people count (personTagsOf): other turns' corrections are not read.
  const wanted = new Set(ids);
  const quoteIds = [...stored.values()].flatMap((s) =>
    s.interview.turns.flatMap((t) =>
      t.role === 'interviewee' && t.speakerId !== null && wanted.has(t.speakerId) ? [t.id] : [],
    ),
  );
  const corrections = await ctx.store.manualQuoteTags(quoteIds);
  const out = new Map<string, IntervieweeProfile>();
  ids.forEach((personId, i) => {
    const summaries = appearances[i] ?? [];
    if (summaries.length === 0) return;
    const manual = manuals.get(personId) ?? {
      add: [],
      remove: [],
      version: 0,
      updatedAt: null,
      updatedBy: null,
    };
    out.set(personId, profileOf(personId, summaries, manual, stored, corrections, aliases));
  });
  return out;
}

/** Each person's appearances (a query each), then the interviews they appear in. */
async function appearancesOf(
  ctx: Tagging,
  ids: readonly string[],
): Promise<[InterviewSummary[][], Map<string, StoredInterview>]> {
  const appearances = await Promise.all(ids.map((id) => ctx.store.interviewsOfPerson(id)));
  const stored = await ctx.store.getInterviews([...new Set(appearances.flat().map((s) => s.id))]);
  return [appearances, stored];
}

/**
 * Each person's appearances among interviews they are known to speak in (the index's), read
 * together in one batch: what {@link appearancesOf} finds, without a query per person. An
 * interview counts when its current revision names the person, as the store's appearance
 * items do; same order (by id, then newest first).
 */
async function appearancesAmong(
  ctx: Tagging,
  ids: readonly string[],
  candidates: ReadonlyMap<string, readonly string[]>,
): Promise<[InterviewSummary[][], Map<string, StoredInterview>]> {
  const interviewIds = [...new Set(ids.flatMap((id) => candidates.get(id) ?? []))];
  const [summaries, stored] = await Promise.all([
    ctx.store.interviewSummaries(interviewIds),
    ctx.store.getInterviews(interviewIds),
  ]);
  const appearances = ids.map((personId) =>
    [...(candidates.get(personId) ?? [])]
      .sort()
      .flatMap((id) => {
        const summary = summaries.get(id);
        const iv = stored.get(id)?.interview;
        if (!summary || !iv) return [];
        const { interviewer, interviewees, others } = iv;
        const appears =
          interviewer?.id === personId ||
          interviewees.some((p) => p.id === personId) ||
          others.some((p) => p.id === personId);
        return appears ? [summary] : [];
      })
      .sort((a, b) => (b.publishedAt ?? b.updatedAt).localeCompare(a.publishedAt ?? a.updatedAt)),
  );
  return [appearances, stored];
}

/** One profile from the reads {@link profiles} made. */
function profileOf(
  personId: string,
  summaries: readonly InterviewSummary[],
  manual: ManualTags,
  stored: ReadonlyMap<string, StoredInterview>,
  corrections: Map<string, ManualTags>,
  aliases: Map<string, string>,
): IntervieweeProfile {
  type Best = { score: number; iv: Interview; quoteId: string };
  const counts = new Map<string, { quotes: number; best: Best | null }>();
  let person: Interview['interviewees'][number] | undefined;
  for (const s of summaries) {
    const iv = stored.get(s.id);
    if (!iv) continue;
    // An interviewer or a guest has a profile too (every person has an appearance item).
    const { interviewer, interviewees, others } = iv.interview;
    person ??= [...(interviewer ? [interviewer] : []), ...interviewees, ...others].find(
      (p) => p.id === personId,
    );
    const quoteTags = quoteTagsOf(iv, corrections, aliases);
    for (const [tag, { quotes }] of personTagsOf(iv, quoteTags).get(personId) ?? []) {
      const c = counts.get(tag) ?? { quotes: 0, best: null };
      for (const quoteId of quotes) {
        // A quote the tagger scored is better evidence than one tagged only by hand.
        const score =
          (iv.autoTags[quoteId] ?? []).find((m) => resolveAlias(m.topic, aliases) === tag)?.score ?? 0;
        c.quotes++;
        if (!c.best || score > c.best.score) c.best = { score, iv: iv.interview, quoteId };
      }
      counts.set(tag, c);
    }
  }
  const removed = new Set(manual.remove);
  const tags: IntervieweeProfile['tags'] = [...counts]
    .filter(([id]) => !removed.has(id))
    .sort((a, b) => b[1].quotes - a[1].quotes || a[0].localeCompare(b[0]))
    .map(([id, c]) => ({ id, quotes: c.quotes, source: 'topic' as const }));
  for (const raw of manual.add) {
    const t = resolveAlias(raw, aliases);
    if (!counts.has(t) && !removed.has(t) && !tags.some((x) => x.id === t))
      tags.push({ id: t, quotes: 0, source: 'manual' });
  }
  // The best quote for each of the three tags with the most quotes, labelled with that tag; a
  // quote that is the best of several is shown once, labelled with each of them (a person with
  // one strong answer got the same card three times).
  const best = new Map<string, { iv: Interview; tags: string[] }>();
  for (const t of tags.filter((x) => x.source === 'topic').slice(0, 3)) {
    const b = counts.get(t.id)?.best;
    if (!b) continue;
    const seen = best.get(b.quoteId);
    if (seen) seen.tags.push(t.id);
    else best.set(b.quoteId, { iv: b.iv, tags: [t.id] });
  }
  const evidence = [...best]
    .map(([quoteId, b]) => quoteViewOf(b.iv, quoteId, b.tags))
    .filter((q): q is QuoteView => q !== null);
  return {
    id: personId,
    name: person?.name ?? summaries[0]?.interviewees.find((p) => p.id === personId)?.name ?? personId,
    handle: person?.handle ?? null,
    location: person?.location ?? null,
    occupation: person?.occupation ?? null,
    tags,
    interviews: summaries.map((s) => ({ id: s.id, title: s.title, publishedAt: s.publishedAt })),
    evidence,
    version: manual.version,
    manual: { add: manual.add, remove: manual.remove },
  };
}

/**
 * Edits an interviewee's tags: `add` confirms or adds, `remove` removes (a tag their quotes
 * carry stays on the quotes, not on the person), `set` replaces the person's corrections
 * (additions). Optimistic locking as for quotes.
 */
export function editIntervieweeTags(
  ctx: Tagging,
  personId: string,
  change: PersonTagChange,
  who: string,
  expectedVersion?: number,
): Promise<IntervieweeProfile> {
  return onLatest(expectedVersion, () =>
    editIntervieweeTagsOnce(ctx, personId, change, who, expectedVersion),
  );
}

/** One attempt of {@link editIntervieweeTags}: read, compute, write under the version read. */
async function editIntervieweeTagsOnce(
  ctx: Tagging,
  personId: string,
  change: PersonTagChange,
  who: string,
  expectedVersion?: number,
): Promise<IntervieweeProfile> {
  const profile = await interviewee(ctx, personId);
  const manual = await ctx.store.getPersonTags(personId);
  if (expectedVersion !== undefined && expectedVersion !== manual.version)
    throw new ConflictError('the tags were changed by someone else meanwhile; reload and try again', {
      expectedVersion,
      version: manual.version,
    });
  const aliases = await ctx.store.aliases();
  const add = new Set((change.set ? change.set.add : manual.add).map((t) => resolveAlias(t, aliases)));
  const remove = new Set(
    (change.set ? change.set.remove : manual.remove).map((t) => resolveAlias(t, aliases)),
  );
  const has = new Set(profile.tags.map((t) => t.id));
  for (const t of change.remove ?? []) {
    if (aliases.has(t)) throw mergedAway(t, aliases);
    if (!has.has(t)) throw new NotFoundError('tag of the interviewee', `${personId}/${t}`);
    add.delete(t);
    remove.add(t);
  }
  for (const raw of change.add ?? []) {
    const t = resolveAlias(raw, aliases);
    add.add(t);
    remove.delete(t);
  }
  for (const t of remove) add.delete(t);
  const next = { add: sorted(add), remove: sorted(remove) };
  if (next.add.length > manual.add.length) assertManualTagCount(next.add, { personId });
  const same =
    next.add.join('\u0000') === sorted(manual.add).join('\u0000') &&
    next.remove.join('\u0000') === sorted(manual.remove).join('\u0000');
  if (!same) {
    await register(ctx, next.add, who);
    await ctx.store.putPersonTags(personId, next, manual.version, who);
  }
  return interviewee(ctx, personId);
}

/** Interviewees with all/any of the tags (all interviewees when no tag is given), paged by id. */
export async function interviewees(
  ctx: Tagging,
  options: {
    tags: string[];
    match: 'all' | 'any';
    limit: number;
    cursor?: string | undefined;
    /** Only these people, in this order (people found by name, best first). */
    among?: readonly string[];
    /** The interviews each person of a page speaks in, if known (else the store is queried per person). */
    candidates?: (
      personIds: readonly string[],
    ) =>
      | ReadonlyMap<string, readonly string[]>
      | null
      | Promise<ReadonlyMap<string, readonly string[]> | null>;
  },
  page: <T>(all: readonly T[], limit: number, cursor?: string) => Page<T>,
): Promise<Page<IntervieweeProfile>> {
  let ids: string[];
  if (options.among && options.tags.length === 0) ids = [...options.among];
  else if (options.tags.length === 0) {
    // The list entries already name each interview's interviewees: no content reads.
    const all = new Set<string>();
    let cursor: string | undefined;
    do {
      const p = await ctx.store.listInterviews({ limit: 100, cursor });
      for (const summary of p.items) for (const person of summary.interviewees) all.add(person.id);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    ids = [...all];
  } else {
    const sets = await Promise.all(options.tags.map((t) => peopleWith(ctx, t)));
    const union = new Set(sets.flatMap((s) => [...s]));
    ids = [...union].filter((id) => (options.match === 'all' ? sets.every((s) => s.has(id)) : true));
  }
  if (options.among) {
    const tagged = new Set(ids);
    ids = options.among.filter((id) => options.tags.length === 0 || tagged.has(id));
  } else ids.sort();
  const p = page(ids, options.limit, options.cursor);
  const found = await profiles(ctx, p.items, await options.candidates?.(p.items));
  const items = p.items.flatMap((id) => found.get(id) ?? []);
  return { items, nextCursor: p.nextCursor };
}
