/**
 * Editors' people edits applied to an interview, as a pure function: the same edits give the
 * same interview whether they are applied to a fresh parse (a re-ingest) or to the stored,
 * already-edited interview (an edit), so an edit is stored once and applied on every write.
 *
 * - turn overrides: who speaks a turn and in which role, matched by the turn's text (its digest;
 *   the quote id breaks ties between equal texts), so they follow the text across re-ingests and
 *   lapse when the text changes;
 * - merges: a person merged into another is that other person wherever it appears;
 * - profiles: an editor's name, title and reading of a person replace the parsed ones.
 *
 * The people lists (interviewer, interviewees, others), the speaker labels of turns and the
 * question links are derived again from the turns, as the parser derives them.
 */
import { ValidationError } from '../errors.ts';
import { digest } from '../ids.ts';
import { type Interview, InterviewSchema, type Person, type Role } from '../model.ts';
import { questionLinks } from '../parse/questions.ts';
import type { PeopleEdits, PersonProfile, TurnOverride } from '../store/port.ts';

/** The digest a turn override keeps of the text it was made for. */
export function textDigest(text: string): string {
  return digest(text.normalize('NFC'), 16);
}

/** Everything applied to an interview: its edits and the profiles of the people involved. */
export interface Overlay {
  edits: Pick<PeopleEdits, 'turns' | 'people'> | null;
  profiles: ReadonlyMap<string, PersonProfile>;
}

/** Longest chain of merges followed (a → b → c …); longer ones are cut, never looped. */
const MAX_MERGE_HOPS = 16;

/** The person an id stands for after merges. */
export function mergedId(id: string, profiles: ReadonlyMap<string, PersonProfile>): string {
  let current = id;
  const seen = new Set([id]);
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const into = profiles.get(current)?.mergedInto;
    if (!into || seen.has(into)) break;
    seen.add(into);
    current = into;
  }
  return current;
}

/** Every person id the overlay of this interview depends on (to read their profiles). */
export function peopleOf(interview: Interview, edits: Overlay['edits']): string[] {
  const ids = new Set<string>();
  for (const p of [interview.interviewer, ...interview.interviewees, ...interview.others])
    if (p) ids.add(p.id);
  for (const p of edits?.people ?? []) ids.add(p.id);
  for (const t of edits?.turns ?? []) if (t.speakerId) ids.add(t.speakerId);
  return [...ids];
}

/** Which override applies to each turn (by index), each override used once. */
function overridesByTurn(
  interview: Interview,
  overrides: readonly TurnOverride[],
): Map<number, TurnOverride> {
  const byDigest = new Map<string, TurnOverride[]>();
  for (const o of overrides) byDigest.set(o.textDigest, [...(byDigest.get(o.textDigest) ?? []), o]);
  const out = new Map<number, TurnOverride>();
  const digests = interview.turns.map((t) => textDigest(t.text));
  // Exact matches first (same text, same quote id), then the rest in order.
  for (const pass of ['exact', 'text'] as const) {
    interview.turns.forEach((t, i) => {
      if (out.has(i)) return;
      const candidates = byDigest.get(digests[i] as string);
      if (!candidates || candidates.length === 0) return;
      const k = pass === 'exact' ? candidates.findIndex((o) => o.quoteId === t.id) : 0;
      if (k < 0) return;
      out.set(i, candidates[k] as TurnOverride);
      candidates.splice(k, 1);
    });
  }
  return out;
}

/** The interview with the edits applied (validated). */
export function applyPeopleEdits(interview: Interview, overlay: Overlay): Interview {
  const { edits, profiles } = overlay;
  const known = new Map<string, Person>();
  for (const p of [interview.interviewer, ...interview.interviewees, ...interview.others])
    if (p && !known.has(p.id)) known.set(p.id, p);
  for (const p of edits?.people ?? []) known.set(p.id, p);

  // 1. Who speaks each turn, as edited.
  const overrides = overridesByTurn(interview, edits?.turns ?? []);
  const turns = interview.turns.map((t, i) => {
    const o = overrides.get(i);
    if (!o) return { ...t };
    const next = { ...t };
    if (o.role) next.role = o.role;
    if (o.speakerId === null) {
      next.speakerId = null;
      next.coSpeakerIds = [];
      if (o.speaker) next.speaker = o.speaker;
    } else if (o.speakerId !== undefined && known.has(o.speakerId)) {
      next.speakerId = o.speakerId;
      next.coSpeakerIds = [];
    }
    return next;
  });

  // 2. Merges, then 3. profiles: the person each id now is.
  const personOf = new Map<string, Person>();
  const resolve = (id: string): Person | null => {
    const target = mergedId(id, profiles);
    let person = personOf.get(target);
    if (!person) {
      const base = known.get(target) ?? known.get(id);
      if (!base) return null;
      const profile = profiles.get(target);
      const merged = base.id === target ? base : { ...base, id: target };
      const name = profile?.name ?? merged.name;
      const aliases = [...new Set([...merged.aliases, ...(name !== merged.name ? [merged.name] : [])])]
        .filter((a) => a !== name)
        .slice(0, 20);
      person = {
        ...merged,
        name,
        title: profile?.title ?? merged.title,
        reading: profile?.reading ?? merged.reading,
        aliases,
      };
      personOf.set(target, person);
    }
    // A merged-away name stays findable as an alias of the person it became.
    const from = known.get(id);
    if (from && from.id !== person.id && from.name !== person.name && !person.aliases.includes(from.name))
      person.aliases = [...person.aliases, from.name].slice(0, 20);
    return person;
  };
  for (const t of turns) {
    const speaker = t.speakerId ? resolve(t.speakerId) : null;
    if (t.speakerId && !speaker) t.speakerId = null;
    if (speaker) t.speakerId = speaker.id;
    const co = t.coSpeakerIds
      .map((id) => resolve(id))
      .filter((p): p is Person => p !== null && p.id !== speaker?.id);
    t.coSpeakerIds = [...new Set(co.map((p) => p.id))];
    if (speaker)
      t.speaker = [speaker, ...co]
        .map((p) => p.name)
        .join('、')
        .slice(0, 100);
  }

  // 4. The people lists and question links, derived from the turns as the parser derives them.
  const roleByPerson = new Map<string, Role>();
  for (const t of turns)
    for (const id of [t.speakerId, ...t.coSpeakerIds])
      if (id && !roleByPerson.has(id)) roleByPerson.set(id, t.role);
  // The parser's rule, the same function: an edited role re-links exactly as a re-ingest would.
  const questions = questionLinks(turns);
  turns.forEach((t, i) => {
    t.questionId = questions[i] ?? null;
  });
  const byRole = (role: Role) =>
    [...roleByPerson].filter(([, r]) => r === role).map(([id]) => personOf.get(id) as Person);
  const interviewers = byRole('interviewer');
  const result = InterviewSchema.safeParse({
    ...interview,
    interviewer: interviewers[0] ?? null,
    interviewees: byRole('interviewee'),
    others: [...byRole('other'), ...interviewers.slice(1)],
    turns,
  });
  if (!result.success)
    throw new ValidationError(
      `the people edits make an invalid interview: ${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`,
    );
  return result.data;
}
