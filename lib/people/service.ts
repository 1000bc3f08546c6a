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
 */
import { ConflictError, NotFoundError, personNotFound, ValidationError } from '../errors.ts';
import { digest, interviewIdOfQuote, personId as personIdOf } from '../ids.ts';
import type { Interview, Person, Role } from '../model.ts';
import { isRoleLabel, splitName } from '../parse/people.ts';
import type { PeopleEdits, PersonProfile, Store, TurnOverride } from '../store/port.ts';
import { recordOf, type TagStep } from '../tagging/record.ts';
import type { TaggerSource } from '../tagging/source.ts';
import { applyPeopleEdits, mergedId, peopleOf, textDigest } from './edits.ts';

/** Something committed that the search index must follow (as lib/service.ts's Change). */
type Committed = {
  kind: 'interview';
  id: string;
  committed?: { interview: Interview; quoteTags: Record<string, string[]>; version: number };
};

/** Dependencies of {@link PeopleService}. */
export interface PeopleDeps {
  store: Store;
  taggers: TaggerSource;
  afterCommit: (change: Committed) => Promise<void>;
  /** Tags an interview (default: in this thread; the local server passes its worker pool). */
  tag?: TagStep;
}

/** A person as editors see them: where they speak and the corrections made. */
export interface PersonView {
  id: string;
  name: string;
  title: string | null;
  reading: string | null;
  handle: string | null;
  aliases: string[];
  interviews: Array<{ id: string; title: string }>;
  quotes: number;
  /** Version of the person's corrections (send it back as `expectedVersion`). */
  version: number;
}

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
 * A person's name as an editor typed it, split into name and title; a role label (聞き手, 話し手,
 * 司会…) is refused: it names nobody, and a quote is given to it with `personId: null`.
 */
function personName(typed: string): { name: string; title: string | null } {
  const parts = splitName(typed);
  if (isRoleLabel(parts.name) || isRoleLabel(typed.trim()))
    throw new ValidationError(
      `'${typed.trim()}' is a role label, not a person: give a quote to nobody in particular with personId null and label`,
      { name: typed.trim() },
    );
  return parts;
}

/** Changes an edit proposes, applied in memory to check an interview before anything is written. */
interface Proposed {
  /** The interview's speaker edits as they would be stored. */
  edits?: Pick<PeopleEdits, 'turns' | 'people'>;
  /** Profiles as they would be stored (they replace the stored ones of those people). */
  profiles?: ReadonlyArray<Pick<PersonProfile, 'personId' | 'name' | 'title' | 'reading' | 'mergedInto'>>;
}

/** Attempts to write an interview over the version read before giving up with 409. */
const REWRITE_ATTEMPTS = 5;
/**
 * Most turn overrides and brought-in people one interview keeps: the edits are one item, which
 * must stay well inside DynamoDB's 400 KB (an override is ~120 bytes, a person ~200).
 */
export const MAX_TURN_OVERRIDES = 2000;
export const MAX_EDITED_PEOPLE = 100;

export class PeopleService {
  private readonly store: Store;
  private readonly taggers: TaggerSource;
  private readonly afterCommit: PeopleDeps['afterCommit'];
  private readonly tag: TagStep;

  constructor(deps: PeopleDeps) {
    this.store = deps.store;
    this.taggers = deps.taggers;
    this.afterCommit = deps.afterCommit;
    this.tag = deps.tag ?? recordOf;
  }

  /** Profiles of the people and of everyone they were merged into (merge chains followed). */
  private async profilesFor(ids: readonly string[]): Promise<Map<string, PersonProfile>> {
    const profiles = new Map<string, PersonProfile>();
    let pending = [...new Set(ids)];
    for (let hop = 0; hop < 16 && pending.length > 0; hop++) {
      const found = await this.store.personProfiles(pending);
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
  async overlay(interview: Interview, proposed: Proposed = {}): Promise<Interview> {
    // The edits and the profiles of the people the parse found are read together (one batched
    // request in the same tick); only people the edits add are read after.
    const parsed = peopleOf(interview, null);
    const [stored, profiles] = await Promise.all([
      proposed.edits ? null : this.store.getPeopleEdits(interview.id),
      this.profilesFor(parsed),
    ]);
    const edits = proposed.edits ?? (stored as PeopleEdits);
    const asked = new Set(parsed);
    const more = peopleOf(interview, edits).filter((id) => !asked.has(id));
    if (more.length > 0) for (const [id, p] of await this.profilesFor(more)) profiles.set(id, p);
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
      for (const [id, p] of await this.profilesFor(targets)) if (!profiles.has(id)) profiles.set(id, p);
    return applyPeopleEdits(interview, { edits, profiles });
  }

  /**
   * The interviews as an edit would leave them, built before anything is written: a
   * ValidationError (naming the interview) refuses the edit with nothing stored.
   */
  private async preview(
    interviewIds: readonly string[],
    proposed: Proposed,
  ): Promise<Map<string, Interview>> {
    const stored = await this.store.getInterviews([...interviewIds]);
    const out = new Map<string, Interview>();
    for (const id of interviewIds) {
      const iv = stored.get(id)?.interview;
      if (!iv) throw new NotFoundError('interview', id);
      try {
        out.set(id, await this.overlay(iv, proposed));
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

  /**
   * Derived work after an edit is stored: the interviews written again. One that cannot be
   * written now (a fault, writers racing it, deleted meanwhile) keeps its stored record until the
   * next edit or ingest of it or the consistency repair writes it; the edit holds either way.
   * Returns the interviews written.
   */
  private async rewriteAll(interviewIds: readonly string[]): Promise<Map<string, Interview>> {
    const done = new Map<string, Interview>();
    for (const id of interviewIds) {
      try {
        done.set(id, await this.rewrite(id));
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
  async checkInterviews(interviewIds: readonly string[], repair: boolean): Promise<string[]> {
    if (interviewIds.length === 0) return [];
    const stored = await this.store.getInterviews([...interviewIds]);
    const stale: string[] = [];
    for (const id of interviewIds) {
      const iv = stored.get(id)?.interview;
      if (!iv) continue;
      const want = await this.overlay(iv);
      if (want !== iv && JSON.stringify(want) !== JSON.stringify(iv)) stale.push(id);
    }
    if (repair) for (const id of stale) await this.rewrite(id);
    return stale;
  }

  /**
   * Writes an interview again with all its edits applied, over the version read; when someone
   * wrote it meanwhile, reads it again and retries.
   */
  private async rewrite(interviewId: string): Promise<Interview> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.store.getInterview(interviewId);
      if (!stored) throw new NotFoundError('interview', interviewId);
      const interview = await this.overlay(stored.interview);
      const record = await this.tag(await this.taggers.current(), interview);
      try {
        const put = await this.store.putInterview(record, { expectedVersion: stored.version });
        await this.afterCommit({
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
   * The interview's speaker edits as `change` makes them, checked (limits, and the interview they
   * make) before they are stored.
   */
  private async plannedEdits(
    interviewId: string,
    change: (edits: PeopleEdits) => Pick<PeopleEdits, 'turns' | 'people'>,
    expectedVersion?: number,
  ): Promise<{ current: PeopleEdits; next: Pick<PeopleEdits, 'turns' | 'people'>; interview: Interview }> {
    const current = await this.store.getPeopleEdits(interviewId);
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
    const interview = (await this.preview([interviewId], { edits: next })).get(interviewId) as Interview;
    return { current, next, interview };
  }

  /**
   * Changes an interview's speaker edits (under its lock) and writes the interview again. The
   * stored edits are the commit: a writer racing them (no `expectedVersion` given) makes the
   * change again over theirs; the rewrite after is derived work ({@link rewriteAll}).
   */
  private async editInterview(
    interviewId: string,
    who: string,
    change: (edits: PeopleEdits) => Pick<PeopleEdits, 'turns' | 'people'>,
    expectedVersion?: number,
  ): Promise<{ interview: Interview; edits: PeopleEdits }> {
    for (let attempt = 1; ; attempt++) {
      const { current, next, interview } = await this.plannedEdits(interviewId, change, expectedVersion);
      let edits: PeopleEdits;
      try {
        edits = await this.store.putPeopleEdits(
          { interviewId, turns: next.turns, people: next.people },
          current.version,
          who,
        );
      } catch (e) {
        if (e instanceof ConflictError && expectedVersion === undefined && attempt < REWRITE_ATTEMPTS)
          continue;
        throw e;
      }
      const written = (await this.rewriteAll([interviewId])).get(interviewId);
      return { interview: written ?? interview, edits };
    }
  }

  /** Where a person speaks now: the interviews (current revisions) with their stored records. */
  private async appearances(personId: string): Promise<Interview[]> {
    const summaries = await this.store.interviewsOfPerson(personId);
    const stored = await this.store.getInterviews(summaries.map((s) => s.id));
    return summaries.flatMap((s) => {
      const iv = stored.get(s.id)?.interview;
      return iv ? [iv] : [];
    });
  }

  /** A person's view; 404 when nobody of that id speaks anywhere (also after being merged away). */
  async person(personId: string): Promise<PersonView> {
    const [interviews, profiles] = await Promise.all([
      this.appearances(personId),
      this.store.personProfiles([personId]),
    ]);
    const person = interviews
      .flatMap((iv) => [iv.interviewer, ...iv.interviewees, ...iv.others])
      .find((p): p is Person => p?.id === personId);
    if (!person) {
      throw personNotFound('person', personId, profiles.get(personId)?.mergedInto);
    }
    const quotes = interviews.reduce(
      (n, iv) =>
        n + iv.turns.filter((t) => t.speakerId === personId || t.coSpeakerIds.includes(personId)).length,
      0,
    );
    // The stored corrections are what counts: an interview whose rewrite is still to come (see
    // rewriteAll) shows the person as they were.
    const profile = profiles.get(personId);
    return {
      id: person.id,
      name: profile?.name ?? person.name,
      title: profile?.title ?? person.title,
      reading: profile?.reading ?? person.reading,
      handle: person.handle,
      aliases: person.aliases,
      interviews: interviews.map((iv) => ({ id: iv.id, title: iv.title })),
      quotes,
      version: profiles.get(personId)?.version ?? 0,
    };
  }

  /**
   * Who speaks one turn: an existing person (of this interview or another one), a new person of
   * this interview by name, or nobody in particular (`personId: null`, a role label); and/or its
   * role. Kept across re-ingests while the turn's text is the same.
   */
  async reassignTurn(
    quoteId: string,
    change: {
      personId?: string | null | undefined;
      name?: string | undefined;
      role?: Role | undefined;
      label?: string | undefined;
    },
    who: string,
    expectedVersion?: number,
  ): Promise<SpeakerView> {
    const interviewId = interviewIdOfQuote(quoteId);
    const stored = interviewId ? await this.store.getInterview(interviewId) : null;
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
      target = this.peopleIn(iv).find((p) => p.id === id) ?? {
        id,
        name: parts.name,
        title: parts.title,
        reading: null,
        handle: null,
        location: null,
        occupation: null,
        aliases: parts.name === change.name.trim() ? [] : [change.name.trim()],
      };
    } else if (change.personId === null) target = null;
    else if (change.personId !== undefined) {
      const id = change.personId;
      target = this.peopleIn(iv).find((p) => p.id === id) ?? (await this.personAnywhere(id));
      if (!target) throw new NotFoundError('person', id);
    }
    const override: TurnOverride = { quoteId, textDigest: textDigest(turn.text) };
    if (target !== undefined) override.speakerId = target?.id ?? null;
    if (target === null) override.speaker = change.label ?? turn.speaker;
    if (change.role) override.role = change.role;
    if (target === undefined && !change.role)
      throw new ValidationError('nothing to change: give personId, name or role');
    const bring = target && !this.peopleIn(iv).some((p) => p.id === target.id) ? target : null;
    const { interview, edits } = await this.editInterview(
      interviewId,
      who,
      (current) => ({
        turns: [...current.turns.filter((t) => t.quoteId !== quoteId), override],
        people: bring ? [...current.people.filter((p) => p.id !== bring.id), bring] : current.people,
      }),
      expectedVersion,
    );
    const after = interview.turns.find((t) => t.id === quoteId);
    await this.store.writeAudit({
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

  /** 409 unless `expectedVersion` (when given) is the person's corrections version. */
  private checkPersonVersion(personId: string, version: number, expectedVersion: number | undefined): void {
    if (expectedVersion !== undefined && expectedVersion !== version)
      throw new ConflictError(`person ${personId} was edited meanwhile; reload and try again`, {
        expectedVersion,
        version,
      });
  }

  private peopleIn(iv: Interview): Person[] {
    return [iv.interviewer, ...iv.interviewees, ...iv.others].filter((p): p is Person => p !== null);
  }

  /** A person as stored in any interview they speak in, or null. */
  private async personAnywhere(personId: string): Promise<Person | null> {
    for (const iv of await this.appearances(personId)) {
      const p = this.peopleIn(iv).find((x) => x.id === personId);
      if (p) return p;
    }
    return null;
  }

  /** Renames a person (name, title, reading) everywhere they speak; kept across re-ingests. */
  async renamePerson(
    personId: string,
    change: {
      name?: string | undefined;
      title?: string | null | undefined;
      reading?: string | null | undefined;
    },
    who: string,
    expectedVersion?: number,
  ): Promise<PersonView> {
    const before = await this.person(personId);
    const profiles = await this.store.personProfiles([personId]);
    const current = profiles.get(personId);
    const version = current?.version ?? 0;
    this.checkPersonVersion(personId, version, expectedVersion);
    if (change.name === undefined && change.title === undefined && change.reading === undefined)
      throw new ValidationError('nothing to change: give name, title or reading');
    const parts = change.name !== undefined ? personName(change.name) : null;
    const next = {
      ...keptProfile(personId, current),
      name: parts?.name ?? current?.name ?? null,
      title: change.title !== undefined ? change.title : (parts?.title ?? current?.title ?? null),
      reading: change.reading !== undefined ? change.reading : (current?.reading ?? null),
    };
    const ids = before.interviews.map((iv) => iv.id);
    await this.preview(ids, { profiles: [next] });
    await this.store.putPersonProfile(next, version, who);
    await this.rewriteAll(ids);
    await this.store.writeAudit({
      subject: { kind: 'person', personId },
      who,
      action: 'person-rename',
      tags: [],
      detail: {
        from: before.name,
        ...(parts ? { to: parts.name } : {}),
        ...(change.title !== undefined ? { title: change.title ?? '' } : {}),
        ...(change.reading !== undefined ? { reading: change.reading ?? '' } : {}),
      },
    });
    return this.person(personId);
  }

  /**
   * Merges a person into another: wherever `personId` speaks (now or after a re-ingest) it is
   * `into`; its manual tags join the other's. The two may be of different interviews — this is
   * how an editor says two interviews' 田中 are one person. The merged-away person's profile is
   * the commit; asked again after it (a retry of a merge answered with a fault), the merge does
   * what is left — the tags, the interviews — and answers as the first time would have.
   */
  async mergePeople(
    personId: string,
    into: string,
    who: string,
    expectedVersion?: number,
  ): Promise<PersonView> {
    if (personId === into) throw new ValidationError('a person cannot be merged into themselves');
    const profiles = await this.profilesFor([personId, into]);
    const current = profiles.get(personId);
    const again = current?.mergedInto === into;
    const [from, target] = await Promise.all([
      again ? this.mergedAway(personId) : this.person(personId),
      this.person(into),
    ]);
    if (!again) {
      if (mergedId(into, profiles) === personId)
        throw new ValidationError(`${into} was merged into ${personId}: merging back would make a loop`);
      this.checkPersonVersion(personId, current?.version ?? 0, expectedVersion);
      const merged = { ...keptProfile(personId, current), mergedInto: into };
      // The target keeps its own name: recorded, so interviews that only knew the merged-away
      // person show the target's name. Written before the merge (it records what the target
      // shows already, so it changes no interview), then every interview is built as the merge
      // leaves it: a refusal stores nothing of the merge.
      const targetProfile = profiles.get(into);
      const pinned = targetProfile?.name
        ? null
        : {
            personId: into,
            name: target.name,
            title: targetProfile?.title ?? target.title,
            reading: targetProfile?.reading ?? target.reading,
            mergedInto: null,
          };
      await this.preview(
        from.interviews.map((iv) => iv.id),
        { profiles: pinned ? [merged, pinned] : [merged] },
      );
      if (pinned) await this.store.putPersonProfile(pinned, targetProfile?.version ?? 0, who);
      await this.store.putPersonProfile(merged, current?.version ?? 0, who);
    }
    // Derived from the commit above: the interviews are written again (one left behind is the
    // repair's), and the tags join (repeatable: a retry adds nothing twice).
    await this.rewriteAll(from.interviews.map((iv) => iv.id));
    const [tagsFrom, tagsInto] = await Promise.all([
      this.store.getPersonTags(personId),
      this.store.getPersonTags(into),
    ]);
    const add = [...new Set([...tagsInto.add, ...tagsFrom.add])].filter((t) => !tagsInto.remove.includes(t));
    const remove = [...new Set([...tagsInto.remove, ...tagsFrom.remove])].filter((t) => !add.includes(t));
    if (add.length !== tagsInto.add.length || remove.length !== tagsInto.remove.length)
      await this.store.putPersonTags(
        into,
        { add: add.sort(), remove: remove.sort() },
        tagsInto.version,
        who,
        {
          action: 'person-merge-tags',
          detail: { from: personId },
        },
      );
    if (!again) {
      await this.store.writeAudit({
        subject: { kind: 'person', personId },
        who,
        action: 'person-merge',
        tags: [],
        detail: { into, name: from.name, intoName: target.name, interviews: from.interviews.length },
      });
      await this.store.writeAudit({
        subject: { kind: 'person', personId: into },
        who,
        action: 'person-merge',
        tags: [],
        detail: { from: personId, name: from.name },
      });
    }
    return this.person(into);
  }

  /** A merged-away person as the interviews not yet written again still show them. */
  private async mergedAway(personId: string): Promise<Pick<PersonView, 'name' | 'interviews'>> {
    const interviews = await this.appearances(personId);
    const person = interviews.flatMap((iv) => this.peopleIn(iv)).find((p) => p.id === personId);
    return {
      name: person?.name ?? personId,
      interviews: interviews.map((iv) => ({ id: iv.id, title: iv.title })),
    };
  }

  /**
   * Splits quotes off a person: the quotes (which the person speaks) are given to a new person
   * of that name; kept across re-ingests while their texts are the same. Every interview is
   * checked (its quotes, its limits, the interview the split makes) before anything is written.
   * The writes are one per interview; asked again after a fault cut them short, the split finds
   * the quotes already given to the new person and does the rest.
   */
  async splitPerson(
    personId: string,
    split: { quoteIds: string[]; name: string },
    who: string,
    expectedVersion?: number,
  ): Promise<PersonView> {
    const from = await this.person(personId);
    this.checkPersonVersion(personId, from.version, expectedVersion);
    const quoteIds = [...new Set(split.quoteIds)];
    const byInterview = new Map<string, string[]>();
    for (const q of quoteIds) {
      const ivId = interviewIdOfQuote(q);
      if (!ivId || !from.interviews.some((iv) => iv.id === ivId))
        throw new ValidationError(`quote ${q} is not in an interview where ${personId} speaks`);
      byInterview.set(ivId, [...(byInterview.get(ivId) ?? []), q]);
    }
    if (byInterview.size === 0) throw new ValidationError('give the quotes to split off');
    const parts = personName(split.name);
    // One new person for all the quotes, named by the split: the same split gives the same id.
    const newId = `p-${digest(`split\n${personId}\n${parts.name}\n${[...quoteIds].sort().join(',')}`, 10)}`;
    const person: Person = {
      id: newId,
      name: parts.name,
      title: parts.title,
      reading: null,
      handle: null,
      location: null,
      occupation: null,
      aliases: [],
    };
    const stored = await this.store.getInterviews([...byInterview.keys()]);
    const plan = [...byInterview].map(([ivId, ids]) => {
      const iv = stored.get(ivId)?.interview;
      if (!iv) throw new NotFoundError('interview', ivId);
      const overrides: TurnOverride[] = ids.map((q) => {
        const t = iv.turns.find((x) => x.id === q);
        if (!t) throw new NotFoundError('quote', q);
        // A quote given to the new person already: this split, asked again.
        if (t.speakerId !== personId && !t.coSpeakerIds.includes(personId) && t.speakerId !== newId)
          throw new ValidationError(`quote ${q} is not spoken by ${personId}`);
        return { quoteId: q, textDigest: textDigest(t.text), speakerId: newId };
      });
      const change = (current: PeopleEdits) => ({
        turns: [...current.turns.filter((t) => !ids.includes(t.quoteId)), ...overrides],
        people: [...current.people.filter((p) => p.id !== newId), person],
      });
      return { ivId, change };
    });
    // Every interview is built as the split leaves it before the first write: a bad one changes nothing.
    for (const { ivId, change } of plan) await this.plannedEdits(ivId, change);
    for (const { ivId, change } of plan) await this.editInterview(ivId, who, change);
    // The person's version moves on, so a client holding the old one learns of the split.
    await this.bumpPerson(personId, who);
    await this.store.writeAudit({
      subject: { kind: 'person', personId },
      who,
      action: 'person-split',
      tags: [],
      detail: { into: newId, name: parts.name, quotes: quoteIds.length },
    });
    try {
      return await this.person(newId);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      // No interview written again yet (see rewriteAll): the split holds, as its edits say.
      return {
        id: newId,
        name: person.name,
        title: person.title,
        reading: null,
        handle: null,
        aliases: [],
        interviews: [...byInterview.keys()].map((id) => ({
          id,
          title: stored.get(id)?.interview.title ?? id,
        })),
        quotes: quoteIds.length,
        version: 0,
      };
    }
  }

  /** Moves a person's corrections version on, over anyone's write meanwhile. */
  private async bumpPerson(personId: string, who: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const profile = (await this.store.personProfiles([personId])).get(personId);
      try {
        await this.store.putPersonProfile({ ...keptProfile(personId, profile) }, profile?.version ?? 0, who);
        return;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= REWRITE_ATTEMPTS) throw e;
      }
    }
  }
}

/** A person's stored corrections (or none), as the fields an edit keeps unless it changes them. */
function keptProfile(
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
