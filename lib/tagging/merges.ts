/**
 * Tag merges: a merge is checked, can be previewed (dry run), is recorded with every correction
 * it rewrote (so an undo restores them), re-indexes the interviews that carry the tag (a job when
 * there are many), and can be listed and undone.
 *
 * A merge or undo of a tag that reaches more than a request should do answers after bounded work
 * (the checks, a probe of at most {@link PROBE} items per list, the merge record and the alias)
 * and leaves the rest to its job (lib/jobs/steps.ts): rewriting or restoring the corrections a
 * page at a time, then re-indexing. At 100k quotes the merge's API call read every quote of the
 * tag and rewrote every correction naming it before answering (251 ms; more with every correction).
 */
import {
  ConflictError,
  KikigakiError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { Job, Jobs } from '../jobs/runner.ts';
import type { Merge, MergeChange } from '../store/items.ts';
import type { ManualTags, Page } from '../store/port.ts';
import { sorted, type Tagging } from './deps.ts';
import { isLive, mergedAway, register } from './directory.ts';
import { refreshInterviews } from './refresh.ts';
import { assertNotKept } from './topics.ts';

/**
 * Items of each list (quotes, people, corrections of a tag) a merge's or undo's API call reads at
 * most before it decides: all of them fit, and touch no more than `inlineInterviews` interviews,
 * or a job does the work. What the call costs is therefore bounded whatever the tag's size.
 */
export const PROBE = 200;

/** What a merge did, or would do (dry run). */
export interface MergeResult {
  id: string | null;
  from: string;
  into: string;
  dryRun: boolean;
  createdTarget: boolean;
  /**
   * Quotes that carried `from` and now carry `into`. This and the three counts below are null
   * when a job does the work (they are counted by it: its `result`, and the merge's record once
   * applied).
   */
  quotes: number | null;
  /** People that carried `from`. */
  people: number | null;
  /** Interviews whose tags change. */
  interviews: number | null;
  /** Corrections (of quotes and people) rewritten, to be restored by an undo. */
  corrections: number | null;
  /**
   * The job re-indexing the interviews when they are more than a request should wait for (the
   * merge stays `applying` until it is done); null when that was done before answering.
   */
  job: Job | null;
}

/** What an undo did. */
export interface UndoResult {
  id: string;
  from: string;
  into: string;
  /** Corrections restored; null when a job restores them (its `result.restored`). */
  restored: number | null;
  /** Corrections edited after the merge: kept as the editors left them (null: the job's `ids.kept`). */
  kept: string[] | null;
  interviews: number | null;
  /** The job re-indexing the interviews when there are many; null when done before answering. */
  job: Job | null;
}

/**
 * Merges `from` into `into` everywhere: quotes and people that carry `from` carry `into`, the
 * tagger's `from` becomes `into`, corrections naming `from` are rewritten (their earlier state
 * kept for an undo). `from` must exist (404) and not be a kept topic (409, see
 * {@link assertNotKept}); `into` must exist unless `create` (404), and must not itself be merged
 * away (409). A dry run reports what would move and changes nothing.
 * Only the interviews that carry `from` are re-indexed.
 */
export async function merge(
  ctx: Tagging,
  from: string,
  into: string,
  options: { create?: boolean; dryRun?: boolean },
  who: string,
): Promise<MergeResult> {
  if (from === into) throw new ValidationError('a tag cannot be merged into itself');
  // A kept topic may take other tags in, never go into one (as DELETE /topics refuses it).
  assertNotKept(from, 'merged into another tag');
  const aliases = await ctx.store.aliases();
  if (aliases.has(from)) throw mergedAway(from, aliases);
  if (!(await isLive(ctx, from, aliases))) throw new NotFoundError('tag', from);
  if (aliases.has(into)) throw mergedAway(into, aliases);
  const targetExists = await isLive(ctx, into, aliases);
  if (!targetExists && !options.create)
    throw new KikigakiError(
      'not_found',
      `tag '${into}' not found; send "create": true to merge into a new tag`,
      {
        what: 'tag',
        id: into,
      },
    );
  const inline = await fitsInline(ctx, from, (limit) => quoteIdsCorrected(ctx, from, limit));
  // The answer when a job does the counting: the counts are the job's `result` once it is done.
  const byJob = (id: string | null, dryRun: boolean, job: Job) => ({
    id,
    from,
    into,
    dryRun,
    createdTarget: !targetExists,
    quotes: null,
    people: null,
    interviews: null,
    corrections: null,
    job,
  });
  if (options.dryRun && !inline) {
    // Too many to count before answering (the preview read every quote, person and correction of
    // the tag: it grew with it): a job counts them in pages, the answer says which.
    const job = await (ctx.jobs as Jobs).submit({
      kind: 'preview',
      from,
      into,
      reason: `merge ${from} → ${into} (dry run)`,
    });
    return byJob(null, true, job);
  }
  if (!options.dryRun && !inline) {
    // Many: the record, the target and the alias now (edits naming `from` from here on name
    // `into`); the corrections are rewritten and the interviews re-indexed by the job's steps.
    const id = newMergeId(ctx);
    await ctx.store.putMerge({
      id,
      from,
      into,
      createdTarget: !targetExists,
      at: ctx.now().toISOString(),
      who,
      state: 'applying',
      // Counted by the job and recorded when it is applied.
      quotes: 0,
      people: 0,
      interviews: 0,
    });
    if (!targetExists) await register(ctx, [into], who);
    await ctx.store.putAlias(from, into, who, id);
    ctx.taggers.invalidate();
    const job = await (ctx.jobs as Jobs).submit({
      kind: 'merge',
      mergeId: id,
      reason: `merge ${from} → ${into}`,
    });
    return byJob(id, false, job);
  }
  // Few: the probe read them all (a dry run too, which then counts them exactly).
  const quotes = await ctx.store.allQuotesWithTag(from);
  const people = await ctx.store.peopleWithTag(from);
  const corrected = await ctx.store.quotesCorrectedWithTag(from);
  const quoteManual = await ctx.store.manualQuoteTags(corrected.map((c) => c.quoteId));
  const personIds = [...new Set(people.map((p) => p.personId))];
  const personManual = await ctx.store.manualPersonTags(personIds);
  const personChanges = personIds.filter((id) => {
    const m = personManual.get(id);
    return m && (m.add.includes(from) || m.remove.includes(from));
  });
  const interviews = new Set<string>([
    ...quotes.map((q) => q.interviewId),
    ...people.flatMap((p) => (p.interviewId ? [p.interviewId] : [])),
    ...corrected.flatMap((c) => interviewIdOfQuote(c.quoteId) ?? []),
  ]);
  const result: MergeResult = {
    id: null,
    from,
    into,
    dryRun: options.dryRun === true,
    createdTarget: !targetExists,
    quotes: quotes.length,
    people: personIds.length,
    interviews: interviews.size,
    corrections: quoteManual.size + personChanges.length,
    job: null,
  };
  if (options.dryRun) return result;

  const at = ctx.now().toISOString();
  const id = newMergeId(ctx);
  const merge: Merge = {
    id,
    from,
    into,
    createdTarget: !targetExists,
    at,
    who,
    state: 'applying',
    quotes: quotes.length,
    people: personIds.length,
    interviews: interviews.size,
  };
  // The record first: a merge that stops half-way can still be seen and undone.
  await ctx.store.putMerge(merge);
  const changes: MergeChange[] = [];
  for (const [quoteId, m] of quoteManual) {
    const next = swapped(m, from, into);
    const written = await ctx.store.putQuoteTags(quoteId, next, m.version, who, {
      audit: false,
      refresh: false,
    });
    changes.push({
      mergeId: id,
      target: { kind: 'quote', quoteId },
      before: m,
      afterVersion: written.version,
    });
  }
  for (const personId of personChanges) {
    const m = personManual.get(personId) as ManualTags;
    const next = swapped(m, from, into);
    const written = await ctx.store.putPersonTags(personId, next, m.version, who, { audit: false });
    changes.push({
      mergeId: id,
      target: { kind: 'person', personId },
      before: m,
      afterVersion: written.version,
    });
  }
  await ctx.store.putMergeChanges(changes);
  if (!targetExists) await register(ctx, [into], who);
  await ctx.store.putAlias(from, into, who, id);
  ctx.taggers.invalidate();
  // Few interviews (the probe saw them all): re-indexed before answering.
  await refreshInterviews(ctx, interviews);
  await completeMerge(ctx, id);
  return { ...result, id };
}

/**
 * Marks a merge applied once its interviews are re-indexed, and records it in the audit trail;
 * `counts`: what its job counted (a merge left to a job was recorded before anything was).
 */
export async function completeMerge(
  ctx: Tagging,
  mergeId: string,
  counts?: { quotes: number; people: number; interviews: number },
): Promise<void> {
  const found = await ctx.store.getMerge(mergeId);
  if (found?.state !== 'applying') return;
  const merge = counts ? { ...found, ...counts } : found;
  // Not over an undo that came meanwhile (it left the merge `undone`).
  if (!(await ctx.store.putMerge({ ...merge, state: 'applied' }, 'applying'))) return;
  await ctx.store.writeAudit({
    subject: { kind: 'tag', tag: merge.from },
    who: merge.who,
    action: 'merge',
    tags: [merge.from, merge.into],
    detail: { mergeId, quotes: merge.quotes, people: merge.people, interviews: merge.interviews },
  });
  ctx.taggers.invalidate();
}

/** Merges, newest first. */
export function listMerges(
  ctx: Tagging,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<Merge>> {
  return ctx.store.listMerges(options);
}

/**
 * Undoes a merge: the alias goes, corrections the merge rewrote get their earlier state back
 * (those edited since are kept as editors left them, and listed), a target the merge created
 * goes when nothing uses it any more, and the interviews that carry either tag are re-indexed.
 */
export async function undoMerge(ctx: Tagging, mergeId: string, who: string): Promise<UndoResult> {
  const merge = await ctx.store.getMerge(mergeId);
  if (!merge) throw new NotFoundError('merge', mergeId);
  if (merge.state === 'undone') throw new ConflictError(`merge ${mergeId} was undone already`);
  const aliases = await ctx.store.aliases();
  // A later merge of the target elsewhere must be undone first, or `from` would follow it.
  for (const [f, t] of aliases)
    if (f === merge.into)
      throw new ConflictError(`'${merge.into}' was merged into '${t}' since; undo that first`);
  await ctx.store.deleteAlias(merge.from, merge.into);
  // A merge whose job is still running is undone by a job too: steps run one at a time, so the
  // undo's restore starts after the merge's last rewrite (which stops once it sees `undone`).
  const inline =
    merge.state !== 'applying' &&
    (await fitsInline(ctx, merge.into, async (limit) => {
      const page = await ctx.store.mergeChangesPage(mergeId, { limit });
      return {
        quoteIds: page.items.flatMap((c) => (c.target.kind === 'quote' ? [c.target.quoteId] : [])),
        more: page.nextCursor !== null,
      };
    }));
  if (!inline && ctx.jobs) {
    const undone = { ...merge, state: 'undone' as const, undoneAt: ctx.now().toISOString(), undoneBy: who };
    // A second undo meanwhile finds it undone (409): what the merge rewrote is restored once.
    if (!(await ctx.store.putMerge(undone, merge.state)))
      throw new ConflictError(`merge ${mergeId} was undone already`);
    ctx.taggers.invalidate();
    const job = await ctx.jobs.submit({
      kind: 'undo',
      mergeId,
      reason: `undo merge ${merge.from} → ${merge.into}`,
    });
    return {
      id: mergeId,
      from: merge.from,
      into: merge.into,
      restored: null,
      kept: null,
      interviews: null,
      job,
    };
  }
  const changes = await ctx.store.mergeChanges(mergeId);
  const { restored, kept } = await restoreChanges(ctx, changes, who);
  const interviews = new Set<string>();
  for (const c of changes) {
    const interviewId = c.target.kind === 'quote' ? interviewIdOfQuote(c.target.quoteId) : null;
    if (interviewId) interviews.add(interviewId);
  }
  // What carries `into` now includes what came from `from`: re-index those interviews.
  for (const q of await ctx.store.allQuotesWithTag(merge.into)) interviews.add(q.interviewId);
  for (const p of await ctx.store.peopleWithTag(merge.into)) if (p.interviewId) interviews.add(p.interviewId);
  await ctx.store.putMerge(
    { ...merge, state: 'undone', undoneAt: ctx.now().toISOString(), undoneBy: who },
    merge.state,
  );
  await ctx.store.writeAudit({
    subject: { kind: 'tag', tag: merge.from },
    who,
    action: 'merge-undo',
    tags: [merge.from, merge.into],
    detail: { mergeId, restored, kept: kept.length, interviews: interviews.size },
  });
  ctx.taggers.invalidate();
  // Few interviews (the probe saw them all): re-indexed before answering.
  await refreshInterviews(ctx, interviews);
  await completeUndo(ctx, mergeId);
  return {
    id: mergeId,
    from: merge.from,
    into: merge.into,
    restored,
    kept,
    interviews: interviews.size,
    job: null,
  };
}

/**
 * Once an undo's interviews are re-indexed: a target the merge created goes if nothing uses it.
 * `report`: what an undo's job did, for the audit trail (an undo done before answering wrote it).
 */
export async function completeUndo(
  ctx: Tagging,
  mergeId: string,
  report?: { restored: number; kept: number; interviews: number },
): Promise<void> {
  const merge = await ctx.store.getMerge(mergeId);
  if (merge && report)
    await ctx.store.writeAudit({
      subject: { kind: 'tag', tag: merge.from },
      who: merge.undoneBy ?? merge.who,
      action: 'merge-undo',
      tags: [merge.from, merge.into],
      detail: { mergeId, ...report },
    });
  if (!merge?.createdTarget) return;
  const used =
    (await ctx.store.quotesWithTag(merge.into, { limit: 1 })).items.length > 0 ||
    (await ctx.store.peopleWithTag(merge.into)).length > 0 ||
    (await ctx.store.quotesCorrectedWithTag(merge.into)).length > 0;
  if (!used) await ctx.store.deleteTagEntry(merge.into);
}

function newMergeId(ctx: Tagging): string {
  return `${ctx.now().getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Corrections after a merge: `from` becomes `into`; adding and removing `into` keeps the removal. */
function swapped(m: ManualTags, from: string, into: string): { add: string[]; remove: string[] } {
  const swap = (xs: readonly string[]) => sorted(xs.map((x) => (x === from ? into : x)));
  const remove = swap(m.remove);
  return { add: swap(m.add).filter((t) => !remove.includes(t)), remove };
}

/** The first `limit` quotes whose corrections name `tag`, and whether there are more. */
async function quoteIdsCorrected(
  ctx: Tagging,
  tag: string,
  limit: number,
): Promise<{ quoteIds: string[]; more: boolean }> {
  const page = await ctx.store.quotesCorrectedWithTagPage(tag, { limit });
  return { quoteIds: page.items.map((c) => c.quoteId), more: page.nextCursor !== null };
}

/**
 * Whether a merge or undo of `tag` may be done before answering: no jobs to hand it to, or the
 * tag's quotes, people and the corrections in question (`corrected`) each fit in {@link PROBE}
 * items and reach at most `inlineInterviews` interviews. A few requests, whatever the tag's size.
 */
async function fitsInline(
  ctx: Tagging,
  tag: string,
  corrected: (limit: number) => Promise<{ quoteIds: string[]; more: boolean }>,
): Promise<boolean> {
  if (!ctx.jobs) return true;
  const interviews = new Set<string>();
  const quotes = await ctx.store.quotesWithTag(tag, { limit: PROBE });
  for (const q of quotes.items) interviews.add(q.interviewId);
  if (quotes.nextCursor !== null || interviews.size > ctx.inlineInterviews) return false;
  const people = await ctx.store.peopleWithTagUpTo(tag, PROBE);
  for (const p of people.people) if (p.interviewId) interviews.add(p.interviewId);
  if (people.more || interviews.size > ctx.inlineInterviews) return false;
  const corrections = await corrected(PROBE);
  for (const q of corrections.quoteIds) {
    const id = interviewIdOfQuote(q);
    if (id) interviews.add(id);
  }
  return !corrections.more && interviews.size <= ctx.inlineInterviews;
}

/**
 * Rewrites the corrections of some quotes that still name the merge's `from` (a page of a merge's
 * job). Each change is recorded before its correction is rewritten, so a step cut short between
 * the two is recorded all the same (its retry finds the correction still naming `from`, or
 * rewritten already and left alone); a correction an editor changes meanwhile is read again.
 * Returns how many were rewritten.
 */
export async function rewriteQuoteCorrections(
  ctx: Tagging,
  merge: Merge,
  quoteIds: readonly string[],
): Promise<number> {
  return rewriteCorrections(merge, quoteIds, {
    read: (ids) => ctx.store.manualQuoteTags(ids),
    target: (quoteId) => ({ kind: 'quote', quoteId }),
    put: (quoteId, tags, version) =>
      ctx.store.putQuoteTags(quoteId, tags, version, merge.who, { audit: false, refresh: false }),
    record: (changes) => ctx.store.putMergeChanges(changes),
  });
}

/** The same for people's corrections (a page of people who carry `from`). */
export async function rewritePersonCorrections(
  ctx: Tagging,
  merge: Merge,
  personIds: readonly string[],
): Promise<number> {
  return rewriteCorrections(merge, personIds, {
    read: (ids) => ctx.store.manualPersonTags(ids),
    target: (personId) => ({ kind: 'person', personId }),
    put: (personId, tags, version) =>
      ctx.store.putPersonTags(personId, tags, version, merge.who, { audit: false }),
    record: (changes) => ctx.store.putMergeChanges(changes),
  });
}

/** How one kind of correction (a quote's, a person's) is read, named in a merge change and written. */
interface Corrections {
  read(ids: readonly string[]): Promise<Map<string, ManualTags>>;
  target(id: string): MergeChange['target'];
  put(id: string, next: { add: string[]; remove: string[] }, version: number): Promise<ManualTags>;
  record(changes: MergeChange[]): Promise<void>;
}

/**
 * Records each correction naming `from` as a merge change, then rewrites it to `into` at the
 * version read; one an editor changed meanwhile (a version conflict) is read and tried again, at
 * most twice more.
 */
async function rewriteCorrections(merge: Merge, ids: readonly string[], kind: Corrections): Promise<number> {
  let n = 0;
  let manual = await kind.read(ids);
  for (let attempt = 0; manual.size > 0; attempt++) {
    const todo = [...manual].filter(([, m]) => m.add.includes(merge.from) || m.remove.includes(merge.from));
    await kind.record(
      todo.map(([id, m]) => ({
        mergeId: merge.id,
        target: kind.target(id),
        before: m,
        afterVersion: m.version + 1,
      })),
    );
    const conflicted: string[] = [];
    for (const [id, m] of todo)
      try {
        await kind.put(id, swapped(m, merge.from, merge.into), m.version);
        n++;
      } catch (e) {
        if (!(e instanceof VersionConflictError) || attempt >= 2) throw e;
        conflicted.push(id);
      }
    manual = conflicted.length > 0 ? await kind.read(conflicted) : new Map();
  }
  return n;
}

/**
 * Gives corrections a merge rewrote their earlier state back, unless edited since (kept as the
 * editors left them, and listed). An undo's API call does it for a few, its job a page at a time.
 */
export async function restoreChanges(
  ctx: Tagging,
  changes: readonly MergeChange[],
  who: string,
): Promise<{ restored: number; kept: string[] }> {
  const kept: string[] = [];
  let restored = 0;
  for (const c of changes) {
    const restore = { add: c.before.add, remove: c.before.remove };
    if (c.target.kind === 'quote') {
      const now = await ctx.store.getQuoteTags(c.target.quoteId);
      if (now.version !== c.afterVersion) {
        kept.push(c.target.quoteId);
        continue;
      }
      await ctx.store.putQuoteTags(c.target.quoteId, restore, now.version, who, {
        audit: false,
        refresh: false,
      });
    } else {
      const now = await ctx.store.getPersonTags(c.target.personId);
      if (now.version !== c.afterVersion) {
        kept.push(c.target.personId);
        continue;
      }
      await ctx.store.putPersonTags(c.target.personId, restore, now.version, who, { audit: false });
    }
    restored++;
  }
  return { restored, kept };
}
