/**
 * The people use cases' dependencies and what they share: the store, the tagger cache, where
 * committed writes go, how an interview is tagged; the limits of one interview's edits; how an
 * editor's typed name is read. A use case is a function of the module of its job and takes the
 * {@link People} made here first (lib/people/service.ts keeps the class callers hold).
 */
import { ConflictError, ValidationError } from '../errors.ts';
import type { Interview, Person } from '../model.ts';
import { isRoleLabel, splitName } from '../parse/people.ts';
import type { PersonProfile, Store } from '../store/port.ts';
import { recordOf, type TagStep } from '../tagging/record.ts';
import type { TaggerSource } from '../tagging/source.ts';

/** Something committed that the search index must follow (as lib/service.ts's Change). */
export type Committed = {
  kind: 'interview';
  id: string;
  committed?: { interview: Interview; quoteTags: Record<string, string[]>; version: number };
};

/** Dependencies of the people use cases. */
export interface PeopleDeps {
  store: Store;
  taggers: TaggerSource;
  afterCommit: (change: Committed) => Promise<void>;
  /** Tags an interview (default: in this thread; the local server passes its worker pool). */
  tag?: TagStep;
}

/** What every people use case takes first. */
export interface People {
  readonly store: Store;
  readonly taggers: TaggerSource;
  readonly afterCommit: PeopleDeps['afterCommit'];
  readonly tag: TagStep;
}

/** The people use cases' context from their dependencies. */
export function createPeople(deps: PeopleDeps): People {
  return {
    store: deps.store,
    taggers: deps.taggers,
    afterCommit: deps.afterCommit,
    tag: deps.tag ?? recordOf,
  };
}

/** Attempts to write an interview over the version read before giving up with 409. */
export const REWRITE_ATTEMPTS = 5;
/**
 * Most turn overrides and brought-in people one interview keeps: the edits are one item, which
 * must stay well inside DynamoDB's 400 KB (an override is ~120 bytes, a person ~200).
 */
export const MAX_TURN_OVERRIDES = 2000;
export const MAX_EDITED_PEOPLE = 100;

/**
 * A person's name as an editor typed it, split into name and title; a role label (聞き手, 話し手,
 * 司会…) is refused: it names nobody, and a quote is given to it with `personId: null`.
 */
export function personName(typed: string): { name: string; title: string | null } {
  const parts = splitName(typed);
  if (isRoleLabel(parts.name) || isRoleLabel(typed.trim()))
    throw new ValidationError(
      `'${typed.trim()}' is a role label, not a person: give a quote to nobody in particular with personId null and label`,
      { name: typed.trim() },
    );
  return parts;
}

/** A person an editor named (from {@link personName}): nothing known of them but the name. */
export function namedPerson(
  id: string,
  parts: { name: string; title: string | null },
  aliases: string[] = [],
): Person {
  return {
    id,
    name: parts.name,
    title: parts.title,
    reading: null,
    handle: null,
    location: null,
    occupation: null,
    aliases,
  };
}

/** Everyone listed in an interview (interviewer, interviewees, others). */
export function peopleIn(iv: Interview): Person[] {
  return [iv.interviewer, ...iv.interviewees, ...iv.others].filter((p): p is Person => p !== null);
}

/** 409 unless `expectedVersion` (when given) is the person's corrections version. */
export function checkPersonVersion(
  personId: string,
  version: number,
  expectedVersion: number | undefined,
): void {
  if (expectedVersion !== undefined && expectedVersion !== version)
    throw new ConflictError(`person ${personId} was edited meanwhile; reload and try again`, {
      expectedVersion,
      version,
    });
}

/** A person's stored corrections (or none), as the fields an edit keeps unless it changes them. */
export function keptProfile(
  personId: string,
  current: PersonProfile | undefined,
): Pick<PersonProfile, 'personId' | 'name' | 'title' | 'reading' | 'mergedInto'> {
  return {
    personId,
    name: current?.name ?? null,
    title: current?.title ?? null,
    reading: current?.reading ?? null,
    mergedInto: current?.mergedInto ?? null,
  };
}
