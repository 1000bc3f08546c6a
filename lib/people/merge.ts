/**
 * Merging a person into another: wherever `personId` speaks (now or after a re-ingest) it is
 * `into`, and its manual tags join the other's. The two may be of different interviews — this is
 * how an editor says two interviews' 田中 are one person.
 */
import { ValidationError } from '../errors.ts';
import { checkPersonVersion, keptProfile, type People, peopleIn } from './deps.ts';
import { mergedId } from './edits.ts';
import { preview, profilesFor } from './overlay.ts';
import { appearances, type PersonView, person } from './profiles.ts';
import { rewriteAll } from './rewrite.ts';

/**
 * Merges a person into another. The merged-away person's profile is the commit; asked again after
 * it (a retry of a merge answered with a fault), the merge does what is left — the tags, the
 * interviews — and answers as the first time would have.
 */
export async function mergePeople(
  ctx: People,
  personId: string,
  into: string,
  who: string,
  expectedVersion?: number,
): Promise<PersonView> {
  if (personId === into) throw new ValidationError('a person cannot be merged into themselves');
  const profiles = await profilesFor(ctx, [personId, into]);
  const current = profiles.get(personId);
  const again = current?.mergedInto === into;
  const [from, target] = await Promise.all([
    again ? mergedAway(ctx, personId) : person(ctx, personId),
    person(ctx, into),
  ]);
  if (!again) {
    if (mergedId(into, profiles) === personId)
      throw new ValidationError(`${into} was merged into ${personId}: merging back would make a loop`);
    checkPersonVersion(personId, current?.version ?? 0, expectedVersion);
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
    await preview(
      ctx,
      from.interviews.map((iv) => iv.id),
      { profiles: pinned ? [merged, pinned] : [merged] },
    );
    if (pinned) await ctx.store.putPersonProfile(pinned, targetProfile?.version ?? 0, who);
    await ctx.store.putPersonProfile(merged, current?.version ?? 0, who);
  }
  // Derived from the commit above: the interviews are written again (one left behind is the
  // repair's), and the tags join (repeatable: a retry adds nothing twice).
  await rewriteAll(
    ctx,
    from.interviews.map((iv) => iv.id),
  );
  const [tagsFrom, tagsInto] = await Promise.all([
    ctx.store.getPersonTags(personId),
    ctx.store.getPersonTags(into),
  ]);
  const add = [...new Set([...tagsInto.add, ...tagsFrom.add])].filter((t) => !tagsInto.remove.includes(t));
  const remove = [...new Set([...tagsInto.remove, ...tagsFrom.remove])].filter((t) => !add.includes(t));
  if (add.length !== tagsInto.add.length || remove.length !== tagsInto.remove.length)
    await ctx.store.putPersonTags(into, { add: add.sort(), remove: remove.sort() }, tagsInto.version, who, {
      action: 'person-merge-tags',
      detail: { from: personId },
    });
  if (!again) {
    await ctx.store.writeAudit({
      subject: { kind: 'person', personId },
      who,
      action: 'person-merge',
      tags: [],
      detail: { into, name: from.name, intoName: target.name, interviews: from.interviews.length },
    });
    await ctx.store.writeAudit({
      subject: { kind: 'person', personId: into },
      who,
      action: 'person-merge',
      tags: [],
      detail: { from: personId, name: from.name },
    });
  }
  return person(ctx, into);
}

/** A merged-away person as the interviews not yet written again still show them. */
async function mergedAway(ctx: People, personId: string): Promise<Pick<PersonView, 'name' | 'interviews'>> {
  const interviews = await appearances(ctx, personId);
  const found = interviews.flatMap((iv) => peopleIn(iv)).find((p) => p.id === personId);
  return {
    name: found?.name ?? personId,
    interviews: interviews.map((iv) => ({ id: iv.id, title: iv.title })),
  };
}
