/**
 * People use cases (issue 13 §4): editors reassign a turn's speaker or role, rename a person,
 * merge two people, split quotes off a person — each audited. An edit is stored first (the
 * interview's speaker edits, or the person's profile), then every interview it touches is
 * written again with all its edits applied (lib/people/edits.ts), over the version just read:
 * a re-ingest meanwhile is never undone, and it applies the stored edits itself, so the edit
 * survives it. The search index follows the rewritten interviews (in-process locally; Streams
 * of the interview heads on AWS).
 *
 * All or nothing, as the client sees it: every interview an edit touches is built with the edit
 * applied (in memory) before anything is written, so an edit that would make any of them invalid
 * (a 51st interviewee) is refused with nothing stored. The stored edit is the commit; the
 * interview rewrites after it are derived work: one that fails (a fault, writers racing it) is
 * left for the next edit or ingest of that interview, or the consistency repair
 * ({@link PeopleService.checkInterviews}), which writes every interview whose stored record is
 * not what its edits and profiles make of it — never answered as a refusal.
 *
 * One module per job, each use case a function taking the {@link People} context first; this class
 * is what callers hold:
 * - deps.ts: the context, the limits of one interview's edits, an editor's typed name
 * - overlay.ts: an interview with its edits (or an edit's proposed changes) applied, checked
 * - rewrite.ts: interviews written again after an edit, and the consistency repair
 * - speakers.ts: an interview's speaker edits, and a turn given to a person, nobody or a role
 * - profiles.ts: a person's view, a rename
 * - merge.ts: one person merged into another; split.ts: quotes split off a person
 */
import type { Interview } from '../model.ts';
import { createPeople, type People, type PeopleDeps } from './deps.ts';
import { mergePeople } from './merge.ts';
import { overlay, type Proposed } from './overlay.ts';
import { type PersonChange, type PersonView, person, renamePerson } from './profiles.ts';
import { checkInterviews } from './rewrite.ts';
import { reassignTurn, type SpeakerView, type TurnChange } from './speakers.ts';
import { splitPerson } from './split.ts';

export { MAX_EDITED_PEOPLE, MAX_TURN_OVERRIDES, type PeopleDeps } from './deps.ts';
export type { PersonView } from './profiles.ts';
export type { SpeakerView } from './speakers.ts';

export class PeopleService {
  private readonly ctx: People;

  constructor(deps: PeopleDeps) {
    this.ctx = createPeople(deps);
  }

  /** See {@link overlay}: the interview with its editors' people edits applied (ingest calls it on every parse). */
  overlay(interview: Interview, proposed: Proposed = {}): Promise<Interview> {
    return overlay(this.ctx, interview, proposed);
  }

  /** See {@link checkInterviews}: interviews whose stored record is not what their edits make of it; repaired with `repair`. */
  checkInterviews(interviewIds: readonly string[], repair: boolean): Promise<string[]> {
    return checkInterviews(this.ctx, interviewIds, repair);
  }

  /** See {@link person}. */
  person(personId: string): Promise<PersonView> {
    return person(this.ctx, personId);
  }

  /** See {@link reassignTurn}. */
  reassignTurn(
    quoteId: string,
    change: TurnChange,
    who: string,
    expectedVersion?: number,
  ): Promise<SpeakerView> {
    return reassignTurn(this.ctx, quoteId, change, who, expectedVersion);
  }

  /** See {@link renamePerson}. */
  renamePerson(
    personId: string,
    change: PersonChange,
    who: string,
    expectedVersion?: number,
  ): Promise<PersonView> {
    return renamePerson(this.ctx, personId, change, who, expectedVersion);
  }

  /** See {@link mergePeople}. */
  mergePeople(personId: string, into: string, who: string, expectedVersion?: number): Promise<PersonView> {
    return mergePeople(this.ctx, personId, into, who, expectedVersion);
  }

  /** See {@link splitPerson}. */
  splitPerson(
    personId: string,
    split: { quoteIds: string[]; name: string },
    who: string,
    expectedVersion?: number,
  ): Promise<PersonView> {
    return splitPerson(this.ctx, personId, split, who, expectedVersion);
  }
}
