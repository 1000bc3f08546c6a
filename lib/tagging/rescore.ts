/**
 * Re-scoring: every interview tagged again with the current tagger (after a taxonomy edit or a
 * retrained model), and written back only where its automatic topics changed.
 */
import type { Job } from '../jobs/runner.ts';
import type { Tagging } from './deps.ts';
import { autoTagsChanged } from './record.ts';

/**
 * Re-tags every interview with the current tagger and writes back those whose automatic topics
 * changed (a new revision each; the index follows): a job (lib/jobs) when there are jobs, so
 * it finishes at any size; null when there are none (then call {@link rescoreNow}).
 */
export async function rescore(ctx: Tagging, reason: string): Promise<Job | null> {
  if (!ctx.jobs) return null;
  return ctx.jobs.submit({ kind: 'rescore', reason });
}

/** Re-tags one interview; true when its automatic topics changed and were written. */
export async function rescoreOne(ctx: Tagging, id: string): Promise<boolean> {
  const tagger = await ctx.taggers.current();
  const stored = await ctx.store.getInterview(id);
  if (!stored) return false;
  const next = await ctx.tag(tagger, stored.interview);
  if (!autoTagsChanged(stored, next)) return false;
  const put = await ctx.store.putInterview(next);
  await ctx.afterCommit({
    kind: 'interview',
    id,
    committed: { interview: stored.interview, quoteTags: put.quoteTags, version: put.version },
  });
  return true;
}

/** Runs a re-score in the foreground (when there is no job queue: tests). */
export async function rescoreNow(ctx: Tagging): Promise<number> {
  let changed = 0;
  for await (const id of ctx.store.interviewIds()) if (await rescoreOne(ctx, id)) changed++;
  return changed;
}
