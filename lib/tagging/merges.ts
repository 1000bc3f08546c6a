/**
 * Tag merges: a merge is checked, can be previewed (dry run), is recorded with every correction
 * it rewrote (so an undo restores them), re-indexes the interviews that carry the tag (a job when
 * there are many), and can be listed and undone.
 */
import { ConflictError, KikigakiError, NotFoundError, ValidationError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { Job } from '../jobs/runner.ts';
import type { Merge, MergeChange } from '../store/items.ts';
import type { ManualTags, Page } from '../store/port.ts';
import { sorted, type Tagging } from './deps.ts';
import { isLive, mergedAway, register } from './directory.ts';
import { refreshInterviews } from './refresh.ts';
import { assertNotKept } from './topics.ts';

/** What a merge did, or would do (dry run). */
export interface MergeResult {
  id: string | null;
  from: string;
  into: string;
  dryRun: boolean;
  createdTarget: boolean;
  /** Quotes that carried `from` and now carry `into`. */
  quotes: number;
  /** People that carried `from`. */
  people: number;
  /** Interviews whose tags change. */
  interviews: number;
  /** Corrections (of quotes and people) rewritten, to be restored by an undo. */
  corrections: number;
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
  restored: number;
  /** Corrections edited after the merge: kept as the editors left them. */
  kept: string[];
  interviews: number;
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
  const id = `${ctx.now().getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
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
  const swap = (xs: readonly string[]) => sorted(xs.map((x) => (x === from ? into : x)));
  const changes: MergeChange[] = [];
  for (const [quoteId, m] of quoteManual) {
    const next = { add: swap(m.add), remove: swap(m.remove) };
    // A quote both adding and removing `into` after the swap keeps the removal.
    next.add = next.add.filter((t) => !next.remove.includes(t));
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
    const next = { add: swap(m.add), remove: swap(m.remove) };
    next.add = next.add.filter((t) => !next.remove.includes(t));
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
  // Many interviews: a job re-indexes them in bounded steps (lib/jobs/steps.ts) and completes
  // the merge; the merge stays `applying` meanwhile.
  if (ctx.jobs && interviews.size > ctx.inlineInterviews) {
    const job = await ctx.jobs.submit({ kind: 'merge', mergeId: id, reason: `merge ${from} → ${into}` });
    return { ...result, id, job };
  }
  await refreshInterviews(ctx, interviews);
  await completeMerge(ctx, id);
  return { ...result, id };
}

/** Marks a merge applied once its interviews are re-indexed, and records it in the audit trail. */
export async function completeMerge(ctx: Tagging, mergeId: string): Promise<void> {
  const merge = await ctx.store.getMerge(mergeId);
  if (merge?.state !== 'applying') return;
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
  const changes = await ctx.store.mergeChanges(mergeId);
  const kept: string[] = [];
  let restored = 0;
  const interviews = new Set<string>();
  for (const c of changes) {
    const restore = { add: c.before.add, remove: c.before.remove };
    if (c.target.kind === 'quote') {
      const now = await ctx.store.getQuoteTags(c.target.quoteId);
      const interviewId = interviewIdOfQuote(c.target.quoteId);
      if (interviewId) interviews.add(interviewId);
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
  let job: Job | null = null;
  if (ctx.jobs && interviews.size > ctx.inlineInterviews)
    job = await ctx.jobs.submit({
      kind: 'undo',
      mergeId,
      reason: `undo merge ${merge.from} → ${merge.into}`,
    });
  else {
    await refreshInterviews(ctx, interviews);
    await completeUndo(ctx, mergeId);
  }
  return {
    id: mergeId,
    from: merge.from,
    into: merge.into,
    restored,
    kept,
    interviews: interviews.size,
    job,
  };
}

/** Once an undo's interviews are re-indexed: a target the merge created goes if nothing uses it. */
export async function completeUndo(ctx: Tagging, mergeId: string): Promise<void> {
  const merge = await ctx.store.getMerge(mergeId);
  if (!merge?.createdTarget) return;
  const used =
    (await ctx.store.quotesWithTag(merge.into, { limit: 1 })).items.length > 0 ||
    (await ctx.store.peopleWithTag(merge.into)).length > 0 ||
    (await ctx.store.quotesCorrectedWithTag(merge.into)).length > 0;
  if (!used) await ctx.store.deleteTagEntry(merge.into);
}
