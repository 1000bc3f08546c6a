/**
 * The stored tag memberships kept in step with the tag model: edits re-compute them for the
 * interviews they touch and tell the index; a check finds interviews where they went stale.
 */
import type { Tagging } from './deps.ts';

/** Re-computes the memberships of some interviews and tells the index. */
export async function refreshInterviews(ctx: Tagging, interviews: Iterable<string>): Promise<void> {
  for (const id of interviews) {
    await ctx.store.refreshTags(id);
    await ctx.afterCommit({ kind: 'interview', id });
  }
}

/** Interviews whose stored tag memberships differ from the tag model (repaired on request). */
export async function checkMemberships(
  ctx: Tagging,
  ids: readonly string[],
  repair: boolean,
): Promise<string[]> {
  const stale: string[] = [];
  for (const id of ids) if ((await ctx.store.membershipsStale(id)) === true) stale.push(id);
  if (repair) await refreshInterviews(ctx, stale);
  return stale;
}
