/**
 * Interviews written again with all their edits applied: derived work after an edit is stored
 * (the stored edit is the commit), over the version just read, and the consistency repair that
 * writes every interview whose stored record is not what its edits and profiles make of it.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Interview } from '../model.ts';
import { type People, REWRITE_ATTEMPTS } from './deps.ts';
import { overlay } from './overlay.ts';

/**
 * Writes an interview again with all its edits applied, over the version read; when someone
 * wrote it meanwhile, reads it again and retries.
 */
export async function rewrite(ctx: People, interviewId: string): Promise<Interview> {
  for (let attempt = 1; ; attempt++) {
    const stored = await ctx.store.getInterview(interviewId);
    if (!stored) throw new NotFoundError('interview', interviewId);
    const interview = await overlay(ctx, stored.interview);
    const record = await ctx.tag(await ctx.taggers.current(), interview);
    try {
      const put = await ctx.store.putInterview(record, { expectedVersion: stored.version });
      await ctx.afterCommit({
        kind: 'interview',
        id: interviewId,
        committed: { interview, quoteTags: put.quoteTags, version: put.version },
      });
      return interview;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= REWRITE_ATTEMPTS) throw e;
    }
  }
}

/**
 * Derived work after an edit is stored: the interviews written again. One that cannot be
 * written now (a fault, writers racing it, deleted meanwhile) keeps its stored record until the
 * next edit or ingest of it or the consistency repair writes it; the edit holds either way.
 * Returns the interviews written.
 */
export async function rewriteAll(
  ctx: People,
  interviewIds: readonly string[],
): Promise<Map<string, Interview>> {
  const done = new Map<string, Interview>();
  for (const id of interviewIds) {
    try {
      done.set(id, await rewrite(ctx, id));
    } catch {
      // Left for the repair (checkInterviews): the stored edit is what counts.
    }
  }
  return done;
}

/**
 * The consistency check of people edits: of these interviews, those whose stored record is not
 * what their edits and their people's profiles make of it now (an edit whose rewrite failed or
 * was cut short). With `repair`, each is written again. Interviews gone are skipped; one that
 * cannot be read or built is reported by the caller's per-interview fallback.
 */
export async function checkInterviews(
  ctx: People,
  interviewIds: readonly string[],
  repair: boolean,
): Promise<string[]> {
  if (interviewIds.length === 0) return [];
  const stored = await ctx.store.getInterviews([...interviewIds]);
  const stale: string[] = [];
  for (const id of interviewIds) {
    const iv = stored.get(id)?.interview;
    if (!iv) continue;
    const want = await overlay(ctx, iv);
    if (want !== iv && JSON.stringify(want) !== JSON.stringify(iv)) stale.push(id);
  }
  if (repair) for (const id of stale) await rewrite(ctx, id);
  return stale;
}
