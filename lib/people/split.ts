/**
 * Splitting quotes off a person: the quotes (which the person speaks) are given to a new person of
 * that name, kept across re-ingests while their texts are the same.
 */
import { NotFoundError, ValidationError } from '../errors.ts';
import { digest, interviewIdOfQuote } from '../ids.ts';
import type { PeopleEdits, TurnOverride } from '../store/port.ts';
import { checkPersonVersion, namedPerson, type People, personName } from './deps.ts';
import { textDigest } from './edits.ts';
import { bumpPerson, type PersonView, person } from './profiles.ts';
import { editInterview, plannedEdits } from './speakers.ts';

/**
 * Splits quotes off a person. Every interview is checked (its quotes, its limits, the interview
 * the split makes) before anything is written. The writes are one per interview; asked again
 * after a fault cut them short, the split finds the quotes already given to the new person and
 * does the rest.
 */
export async function splitPerson(
  ctx: People,
  personId: string,
  split: { quoteIds: string[]; name: string },
  who: string,
  expectedVersion?: number,
): Promise<PersonView> {
  const from = await person(ctx, personId);
  checkPersonVersion(personId, from.version, expectedVersion);
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
  const created = namedPerson(newId, parts);
  const stored = await ctx.store.getInterviews([...byInterview.keys()]);
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
      people: [...current.people.filter((p) => p.id !== newId), created],
    });
    return { ivId, change };
  });
  // Every interview is built as the split leaves it before the first write: a bad one changes nothing.
  for (const { ivId, change } of plan) await plannedEdits(ctx, ivId, change);
  for (const { ivId, change } of plan) await editInterview(ctx, ivId, who, change);
  // The person's version moves on, so a client holding the old one learns of the split.
  await bumpPerson(ctx, personId, who);
  await ctx.store.writeAudit({
    subject: { kind: 'person', personId },
    who,
    action: 'person-split',
    tags: [],
    detail: { into: newId, name: parts.name, quotes: quoteIds.length },
  });
  try {
    return await person(ctx, newId);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    // No interview written again yet (see rewriteAll): the split holds, as its edits say.
    return {
      id: newId,
      name: created.name,
      title: created.title,
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
