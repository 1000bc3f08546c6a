/**
 * A person as editors see them (where they speak, the corrections made), and the corrections of
 * one person: a rename (name, title, reading) everywhere they speak, kept across re-ingests.
 */
import { ConflictError, personNotFound, ValidationError } from '../errors.ts';
import type { Interview, Person } from '../model.ts';
import {
  checkPersonVersion,
  keptProfile,
  type People,
  peopleIn,
  personName,
  REWRITE_ATTEMPTS,
} from './deps.ts';
import { preview } from './overlay.ts';
import { rewriteAll } from './rewrite.ts';

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

/** Where a person speaks now: the interviews (current revisions) with their stored records. */
export async function appearances(ctx: People, personId: string): Promise<Interview[]> {
  const summaries = await ctx.store.interviewsOfPerson(personId);
  const stored = await ctx.store.getInterviews(summaries.map((s) => s.id));
  return summaries.flatMap((s) => {
    const iv = stored.get(s.id)?.interview;
    return iv ? [iv] : [];
  });
}

/** A person's view; 404 when nobody of that id speaks anywhere (also after being merged away). */
export async function person(ctx: People, personId: string): Promise<PersonView> {
  const [interviews, profiles] = await Promise.all([
    appearances(ctx, personId),
    ctx.store.personProfiles([personId]),
  ]);
  const found = interviews
    .flatMap((iv) => [iv.interviewer, ...iv.interviewees, ...iv.others])
    .find((p): p is Person => p?.id === personId);
  if (!found) {
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
    id: found.id,
    name: profile?.name ?? found.name,
    title: profile?.title ?? found.title,
    reading: profile?.reading ?? found.reading,
    handle: found.handle,
    aliases: found.aliases,
    interviews: interviews.map((iv) => ({ id: iv.id, title: iv.title })),
    quotes,
    version: profiles.get(personId)?.version ?? 0,
  };
}

/** A person as stored in any interview they speak in, or null. */
export async function personAnywhere(ctx: People, personId: string): Promise<Person | null> {
  for (const iv of await appearances(ctx, personId)) {
    const p = peopleIn(iv).find((x) => x.id === personId);
    if (p) return p;
  }
  return null;
}

/** What an editor changes of a person ({@link renamePerson}): each field optional. */
export interface PersonChange {
  name?: string | undefined;
  title?: string | null | undefined;
  reading?: string | null | undefined;
}

/** Renames a person (name, title, reading) everywhere they speak; kept across re-ingests. */
export async function renamePerson(
  ctx: People,
  personId: string,
  change: PersonChange,
  who: string,
  expectedVersion?: number,
): Promise<PersonView> {
  const before = await person(ctx, personId);
  const profiles = await ctx.store.personProfiles([personId]);
  const current = profiles.get(personId);
  const version = current?.version ?? 0;
  checkPersonVersion(personId, version, expectedVersion);
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
  await preview(ctx, ids, { profiles: [next] });
  await ctx.store.putPersonProfile(next, version, who);
  await rewriteAll(ctx, ids);
  await ctx.store.writeAudit({
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
  return person(ctx, personId);
}

/** Moves a person's corrections version on, over anyone's write meanwhile. */
export async function bumpPerson(ctx: People, personId: string, who: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const profile = (await ctx.store.personProfiles([personId])).get(personId);
    try {
      await ctx.store.putPersonProfile({ ...keptProfile(personId, profile) }, profile?.version ?? 0, who);
      return;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= REWRITE_ATTEMPTS) throw e;
    }
  }
}
