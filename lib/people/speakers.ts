/**
 * Who speaks a turn, as editors say: an interview's speaker edits changed under its lock, checked
 * (their limits, and the interview they make) before they are stored, and the interview written
 * again after; and the use case that gives one turn to a person, to nobody, or another role.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { interviewIdOfQuote, personId as personIdOf } from '../ids.ts';
import type { Interview, Person, Role } from '../model.ts';
import type { PeopleEdits, TurnOverride } from '../store/port.ts';
import {
  MAX_EDITED_PEOPLE,
  MAX_TURN_OVERRIDES,
  namedPerson,
  type People,
  peopleIn,
  personName,
  REWRITE_ATTEMPTS,
} from './deps.ts';
import { textDigest } from './edits.ts';
import { preview } from './overlay.ts';
import { personAnywhere } from './profiles.ts';
import { rewriteAll } from './rewrite.ts';

/** A turn after a speaker edit. */
export interface SpeakerView {
  quoteId: string;
  interviewId: string;
  speaker: { id: string | null; name: string; role: Role };
  coSpeakerIds: string[];
  /** Version of the interview's speaker edits (send it back as `expectedVersion`). */
  version: number;
}

/**
 * The interview's speaker edits as `change` makes them, checked (limits, and the interview they
 * make) before they are stored.
 */
export async function plannedEdits(
  ctx: People,
  interviewId: string,
  change: (edits: PeopleEdits) => Pick<PeopleEdits, 'turns' | 'people'>,
  expectedVersion?: number,
): Promise<{ current: PeopleEdits; next: Pick<PeopleEdits, 'turns' | 'people'>; interview: Interview }> {
  const current = await ctx.store.getPeopleEdits(interviewId);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new ConflictError('the speakers of this interview were edited meanwhile; reload and try again', {
      expectedVersion,
      version: current.version,
    });
  const next = change(current);
  if (next.turns.length > MAX_TURN_OVERRIDES || next.people.length > MAX_EDITED_PEOPLE)
    throw new ValidationError(
      `an interview keeps at most ${MAX_TURN_OVERRIDES} speaker edits and ${MAX_EDITED_PEOPLE} people brought in by edits`,
      { turns: next.turns.length, people: next.people.length },
    );
  const interview = (await preview(ctx, [interviewId], { edits: next })).get(interviewId) as Interview;
  return { current, next, interview };
}

/**
 * Changes an interview's speaker edits (under its lock) and writes the interview again. The
 * stored edits are the commit: a writer racing them (no `expectedVersion` given) makes the
 * change again over theirs; the rewrite after is derived work (lib/people/rewrite.ts).
 */
export async function editInterview(
  ctx: People,
  interviewId: string,
  who: string,
  change: (edits: PeopleEdits) => Pick<PeopleEdits, 'turns' | 'people'>,
  expectedVersion?: number,
): Promise<{ interview: Interview; edits: PeopleEdits }> {
  for (let attempt = 1; ; attempt++) {
    const { current, next, interview } = await plannedEdits(ctx, interviewId, change, expectedVersion);
    let edits: PeopleEdits;
    try {
      edits = await ctx.store.putPeopleEdits(
        { interviewId, turns: next.turns, people: next.people },
        current.version,
        who,
      );
    } catch (e) {
      if (e instanceof ConflictError && expectedVersion === undefined && attempt < REWRITE_ATTEMPTS) continue;
      throw e;
    }
    const written = (await rewriteAll(ctx, [interviewId])).get(interviewId);
    return { interview: written ?? interview, edits };
  }
}

/** What an editor changes of a turn's speaker ({@link reassignTurn}): each field optional. */
export interface TurnChange {
  personId?: string | null | undefined;
  name?: string | undefined;
  role?: Role | undefined;
  label?: string | undefined;
}

/**
 * Who speaks one turn: an existing person (of this interview or another one), a new person of
 * this interview by name, or nobody in particular (`personId: null`, a role label); and/or its
 * role. Kept across re-ingests while the turn's text is the same.
 */
export async function reassignTurn(
  ctx: People,
  quoteId: string,
  change: TurnChange,
  who: string,
  expectedVersion?: number,
): Promise<SpeakerView> {
  const interviewId = interviewIdOfQuote(quoteId);
  const stored = interviewId ? await ctx.store.getInterview(interviewId) : null;
  const turn = stored?.interview.turns.find((t) => t.id === quoteId);
  if (!stored || !turn || !interviewId) throw new NotFoundError('quote', quoteId);
  if (change.personId !== undefined && change.name !== undefined)
    throw new ValidationError('give either personId or name, not both');
  const iv = stored.interview;
  // The person the turn goes to, and whether they must be brought into this interview.
  let target: Person | null | undefined;
  if (change.name !== undefined) {
    const parts = personName(change.name);
    const id = personIdOf(parts.name, null, interviewId);
    target =
      peopleIn(iv).find((p) => p.id === id) ??
      namedPerson(id, parts, parts.name === change.name.trim() ? [] : [change.name.trim()]);
  } else if (change.personId === null) target = null;
  else if (change.personId !== undefined) {
    const id = change.personId;
    target = peopleIn(iv).find((p) => p.id === id) ?? (await personAnywhere(ctx, id));
    if (!target) throw new NotFoundError('person', id);
  }
  const override: TurnOverride = { quoteId, textDigest: textDigest(turn.text) };
  if (target !== undefined) override.speakerId = target?.id ?? null;
  if (target === null) override.speaker = change.label ?? turn.speaker;
  if (change.role) override.role = change.role;
  if (target === undefined && !change.role)
    throw new ValidationError('nothing to change: give personId, name or role');
  const bring = target && !peopleIn(iv).some((p) => p.id === target.id) ? target : null;
  const { interview, edits } = await editInterview(
    ctx,
    interviewId,
    who,
    (current) => ({
      turns: [...current.turns.filter((t) => t.quoteId !== quoteId), override],
      people: bring ? [...current.people.filter((p) => p.id !== bring.id), bring] : current.people,
    }),
    expectedVersion,
  );
  const after = interview.turns.find((t) => t.id === quoteId);
  await ctx.store.writeAudit({
    subject: { kind: 'quote', quoteId },
    who,
    action: 'quote-speaker',
    tags: [],
    detail: {
      interviewId,
      from: turn.speakerId ?? turn.speaker,
      to: after?.speakerId ?? after?.speaker ?? '',
      ...(change.role ? { role: change.role, previousRole: turn.role } : {}),
    },
  });
  if (!after) throw new NotFoundError('quote', quoteId);
  return {
    quoteId,
    interviewId,
    speaker: { id: after.speakerId, name: after.speaker, role: after.role },
    coSpeakerIds: after.coSpeakerIds,
    version: edits.version,
  };
}
