/**
 * Interviews with their editors' people edits applied (lib/people/edits.ts): the stored edits and
 * the profiles of the people involved, read together; or, before an edit writes anything, the
 * changes it proposes in their place, so an edit that would make any interview invalid is refused
 * with nothing stored.
 */
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Interview } from '../model.ts';
import type { PeopleEdits, PersonProfile } from '../store/port.ts';
import type { People } from './deps.ts';
import { applyPeopleEdits, peopleOf } from './edits.ts';

/** Changes an edit proposes, applied in memory to check an interview before anything is written. */
export interface Proposed {
  /** The interview's speaker edits as they would be stored. */
  edits?: Pick<PeopleEdits, 'turns' | 'people'>;
  /** Profiles as they would be stored (they replace the stored ones of those people). */
  profiles?: ReadonlyArray<Pick<PersonProfile, 'personId' | 'name' | 'title' | 'reading' | 'mergedInto'>>;
}

/** Profiles of the people and of everyone they were merged into (merge chains followed). */
export async function profilesFor(ctx: People, ids: readonly string[]): Promise<Map<string, PersonProfile>> {
  const profiles = new Map<string, PersonProfile>();
  let pending = [...new Set(ids)];
  for (let hop = 0; hop < 16 && pending.length > 0; hop++) {
    const found = await ctx.store.personProfiles(pending);
    for (const [id, p] of found) profiles.set(id, p);
    pending = [...found.values()]
      .map((p) => p.mergedInto)
      .filter((id): id is string => id !== null && !profiles.has(id));
  }
  return profiles;
}

/**
 * The interview with its editors' people edits applied (ingest calls this on every parse), or
 * with the changes an edit proposes in place of the stored ones (an edit's check before it
 * writes). A ValidationError when they make an invalid interview.
 */
export async function overlay(
  ctx: People,
  interview: Interview,
  proposed: Proposed = {},
): Promise<Interview> {
  // The edits and the profiles of the people the parse found are read together (one batched
  // request in the same tick); only people the edits add are read after.
  const parsed = peopleOf(interview, null);
  const [stored, profiles] = await Promise.all([
    proposed.edits ? null : ctx.store.getPeopleEdits(interview.id),
    profilesFor(ctx, parsed),
  ]);
  const edits = proposed.edits ?? (stored as PeopleEdits);
  const asked = new Set(parsed);
  const more = peopleOf(interview, edits).filter((id) => !asked.has(id));
  if (more.length > 0) for (const [id, p] of await profilesFor(ctx, more)) profiles.set(id, p);
  if (proposed.edits === undefined && proposed.profiles === undefined) {
    if (stored?.version === 0 && profiles.size === 0) return interview;
    return applyPeopleEdits(interview, { edits, profiles });
  }
  // Proposed profiles replace the stored ones; a proposed merge brings its target's chain.
  for (const p of proposed.profiles ?? [])
    profiles.set(p.personId, { ...p, version: 0, updatedAt: null, updatedBy: null });
  const targets = (proposed.profiles ?? [])
    .map((p) => p.mergedInto)
    .filter((id): id is string => id !== null && !profiles.has(id));
  if (targets.length > 0)
    for (const [id, p] of await profilesFor(ctx, targets)) if (!profiles.has(id)) profiles.set(id, p);
  return applyPeopleEdits(interview, { edits, profiles });
}

/**
 * The interviews as an edit would leave them, built before anything is written: a
 * ValidationError (naming the interview) refuses the edit with nothing stored.
 */
export async function preview(
  ctx: People,
  interviewIds: readonly string[],
  proposed: Proposed,
): Promise<Map<string, Interview>> {
  const stored = await ctx.store.getInterviews([...interviewIds]);
  const out = new Map<string, Interview>();
  for (const id of interviewIds) {
    const iv = stored.get(id)?.interview;
    if (!iv) throw new NotFoundError('interview', id);
    try {
      out.set(id, await overlay(ctx, iv, proposed));
    } catch (e) {
      if (e instanceof ValidationError)
        throw new ValidationError(`interview ${id}: ${e.message}; nothing was changed`, {
          interviewId: id,
        });
      throw e;
    }
  }
  return out;
}
