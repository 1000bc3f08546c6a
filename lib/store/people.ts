/**
 * The people port on the table: editors' speaker edits of an interview (one item beside the
 * interview's head, outside its revisions, so a re-ingest keeps them) and editors' corrections
 * of a person (one item in the person's partition: name, title, reading, or the person it was
 * merged into). Both are written with optimistic locking on their `version`.
 */
import { ConflictError } from '../errors.ts';
import { PeopleEditsEntity, PersonProfileEntity } from './items.ts';
import { keys } from './keys.ts';
import type { PeopleEdits, PeopleStore, PersonProfile } from './port.ts';
import type { Table } from './table.ts';

/** The DynamoDB implementation of {@link PeopleStore}. */
export class DynamoPeople implements PeopleStore {
  constructor(
    private readonly table: Table,
    private readonly now: () => Date,
  ) {}

  async getPeopleEdits(interviewId: string): Promise<PeopleEdits> {
    // Batched: an ingest reads these with the people's profiles in one request (see Table.batchGet).
    const [it] = await this.table.batchGet([keys.peopleEdits(interviewId)]);
    return it
      ? PeopleEditsEntity.fromItem(it)
      : { interviewId, turns: [], people: [], version: 0, updatedAt: null, updatedBy: null };
  }

  async putPeopleEdits(
    edits: Pick<PeopleEdits, 'interviewId' | 'turns' | 'people'>,
    expectedVersion: number,
    who: string,
  ): Promise<PeopleEdits> {
    const next: PeopleEdits = {
      ...edits,
      version: expectedVersion + 1,
      updatedAt: this.now().toISOString(),
      updatedBy: who,
    };
    await this.putLocked(PeopleEditsEntity.toItem(next), expectedVersion, 'the speakers of this interview');
    return next;
  }

  async deletePeopleEdits(interviewId: string): Promise<void> {
    await this.table.delete(keys.peopleEdits(interviewId));
  }

  async personProfiles(personIds: readonly string[]): Promise<Map<string, PersonProfile>> {
    // BatchGetItem refuses an empty request: an interview whose speakers are all role labels has no one.
    if (personIds.length === 0) return new Map();
    const items = await this.table.batchGet([...new Set(personIds)].map((id) => keys.personProfile(id)));
    const out = new Map<string, PersonProfile>();
    for (const it of items) {
      const p = PersonProfileEntity.fromItem(it);
      out.set(p.personId, p);
    }
    return out;
  }

  async putPersonProfile(
    profile: Pick<PersonProfile, 'personId' | 'name' | 'title' | 'reading' | 'mergedInto'>,
    expectedVersion: number,
    who: string,
  ): Promise<PersonProfile> {
    const next: PersonProfile = {
      ...profile,
      version: expectedVersion + 1,
      updatedAt: this.now().toISOString(),
      updatedBy: who,
    };
    await this.putLocked(PersonProfileEntity.toItem(next), expectedVersion, 'this person');
    return next;
  }

  private async putLocked(
    item: Record<string, unknown>,
    expectedVersion: number,
    what: string,
  ): Promise<void> {
    const ok = await this.table.put(
      item,
      expectedVersion === 0 ? { absent: true } : { attribute: 'version', equals: expectedVersion },
    );
    if (!ok)
      throw new ConflictError(`${what} was edited by someone else meanwhile; reload and try again`, {
        expectedVersion,
      });
  }
}
