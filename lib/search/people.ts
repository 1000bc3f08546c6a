/**
 * People in the quote index (issue 13 §3): who speaks in each indexed interview, with the keys a
 * name is looked up by (name, aliases, reading — kana folded, honorifics and kanji variants such
 * as 澤/沢 folded), so that `interviewee=` takes a name as well as an id and `/interviewees?q=`
 * finds people by name or reading. Pure: no I/O.
 *
 * How a value of `interviewee=` resolves (see {@link resolvePeople}):
 * 1. a person id that speaks somewhere: that person, whatever their role (exact);
 * 2. else a name, looked up among interviewees: an interviewer or another speaker of that name is
 *    never joined to them (たけし the interviewer and 山本武司, read やまもと たけし, are two people);
 *    only when no interviewee has it, among the others who speak;
 * 3. of those, the people whose name, alias or reading is that name, else those whose name, alias
 *    or reading starts with or contains it (山田 → 山田太郎);
 * 4. they are meant together when they are one name in its printed forms — the same name in
 *    several interviews (people are per interview), or a short form and the one full name it
 *    starts or ends (沖 / 沖玲奈, as lib/parse/people.ts unifies names within an interview);
 * 5. else a 400 naming the candidates (ids, names, roles, where they speak), or saying nobody of
 *    that name speaks. A name that resolves is answered with the people it stood for
 *    ({@link PeopleResolution}), so a reader sees whose quotes they got.
 */
import { ValidationError } from '../errors.ts';
import type { Interview, Person, Role } from '../model.ts';
import { nameKey, splitName } from '../parse/people.ts';
import type { ReadingAnalyzer } from '../text/readings.ts';

/** A person who speaks in an indexed interview. */
export interface IndexedPerson {
  id: string;
  name: string;
  /** interviewee, interviewer or other: the list of the interview the person is in. */
  role: Role;
  /** Folded forms the person is found by (name, aliases, readings), the name's first. */
  keys: string[];
}

/** Most keys kept per person (aliases are capped at 20 in the model). */
const MAX_KEYS = 32;
/** Candidates named by an ambiguous name. */
const MAX_CANDIDATES = 20;

/** The folded form of a name or reading typed by a user (honorific stripped: 奥澤さん → 奥澤). */
export function queryKey(value: string): string {
  return nameKey(splitName(value).name);
}

/** Keys of one person: name, aliases, reading, and readings of a kanji name when an analyzer is given. */
function keysOf(p: Person, readings: ReadingAnalyzer | undefined): string[] {
  const keys = [p.name, ...p.aliases, ...(p.reading ? [p.reading] : [])].map((s) => nameKey(s));
  if (readings) {
    // Per word of the name (surname, given name), and the whole name read in one.
    const parts = p.name
      .split(/[\s\u3000・]+/)
      .flatMap((w) => readings(w))
      .filter((r) => r.length > 0);
    if (parts.length > 0) keys.push(...parts.map((r) => nameKey(r)), nameKey(parts.join('')));
  }
  return [...new Set(keys.filter((k) => k.length > 0))].slice(0, MAX_KEYS);
}

/** Everyone who speaks in an interview by name, with their lookup keys. */
export function peopleOfInterview(interview: Interview, readings?: ReadingAnalyzer): IndexedPerson[] {
  const out = new Map<string, IndexedPerson>();
  const add = (p: Person | null, role: Role) => {
    if (p && !out.has(p.id)) out.set(p.id, { id: p.id, name: p.name, role, keys: keysOf(p, readings) });
  };
  for (const p of interview.interviewees) add(p, 'interviewee');
  add(interview.interviewer, 'interviewer');
  for (const p of interview.others) add(p, 'other');
  return [...out.values()];
}

/** Turns several people speak together: ordinal → the co-speakers' ids (only such turns). */
export function coSpeakersOf(interview: Interview): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of interview.turns) {
    // Interviews written before Turn.coSpeakerIds existed (or by an older parse worker) lack it.
    const co: readonly string[] | undefined = t.coSpeakerIds;
    if (co && co.length > 0) out[String(t.ordinal)] = [...co];
  }
  return out;
}

/** The people of an indexed interview: its `people`, or (older snapshots) its interviewees. */
export function peopleOfMeta(meta: {
  people?: IndexedPerson[] | undefined;
  interviewees: Array<{ id: string; name: string }>;
}): IndexedPerson[] {
  return (
    meta.people ??
    meta.interviewees.map((p) => ({
      id: p.id,
      name: p.name,
      role: 'interviewee' as Role,
      keys: [nameKey(p.name)],
    }))
  );
}

/** A person found by name, with where they speak. */
export interface PersonMatch {
  id: string;
  name: string;
  role: Role;
  interviewIds: string[];
  /** Titles of those interviews, in the same order (when the caller knows them). */
  interviewTitles: string[];
  /** 3: the name itself; 2: an alias or reading; 1: starts with it; 0: contains it. */
  rank: number;
}

/** How well a person's keys match a folded query (-1: not at all). */
function rankOf(keys: readonly string[], q: string): number {
  if (keys[0] === q) return 3;
  if (keys.includes(q)) return 2;
  if (keys.some((k) => k.startsWith(q))) return 1;
  if (keys.some((k) => k.includes(q))) return 0;
  return -1;
}

/**
 * People whose name, alias or reading matches `q` (exact first, then prefix, then substring),
 * one entry per person id, best first; `role` keeps only people of that role.
 */
export function matchPeople(
  interviews: Iterable<{ id: string; title?: string; people: readonly IndexedPerson[] }>,
  q: string,
  options: { role?: Role } = {},
): PersonMatch[] {
  const key = queryKey(q);
  if (!key) return [];
  const found = new Map<string, PersonMatch>();
  for (const iv of interviews) {
    for (const p of iv.people) {
      if (options.role && p.role !== options.role) continue;
      const rank = rankOf(p.keys, key);
      if (rank < 0) continue;
      const seen = found.get(p.id);
      if (seen) {
        if (!seen.interviewIds.includes(iv.id)) {
          seen.interviewIds.push(iv.id);
          seen.interviewTitles.push(iv.title ?? '');
        }
        seen.rank = Math.max(seen.rank, rank);
      } else
        found.set(p.id, {
          id: p.id,
          name: p.name,
          role: p.role,
          interviewIds: [iv.id],
          interviewTitles: [iv.title ?? ''],
          rank,
        });
    }
  }
  return [...found.values()].sort(
    (a, b) =>
      b.rank - a.rank ||
      (a.role === 'interviewee' ? 0 : 1) - (b.role === 'interviewee' ? 0 : 1) ||
      a.name.localeCompare(b.name) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** One person a name in `interviewee=` stood for, as the search response lists them. */
export interface NamedPerson {
  id: string;
  name: string;
  role: Role;
  /** Interviews (ids) where they speak, at most 5. */
  interviews: string[];
}

/** What `interviewee=` values resolved to: the person ids, and each name's people. */
export interface PeopleResolution {
  ids: string[];
  /** Each value given as a name (not an id) → the people it stands for. */
  names: Record<string, NamedPerson[]>;
}

/**
 * True when the people are one name in its printed forms: each name (folded) is the longest one
 * or its start or end (沖 of 沖玲奈, 悠子 of 中村悠子; one character only at the start, a surname).
 */
function oneName(people: readonly PersonMatch[]): boolean {
  const keys = [...new Set(people.map((m) => nameKey(m.name)))];
  const longest = keys.reduce((a, b) => (b.length > a.length ? b : a), '');
  return keys.every((k) => k === longest || longest.startsWith(k) || (k.length >= 2 && longest.endsWith(k)));
}

/**
 * The person ids `values` (ids or names) stand for, and whom each name stood for; see the module
 * comment for the rules. `isPersonId`: whether an id speaks somewhere in the index.
 */
export function resolvePeople(
  values: readonly string[],
  interviews: () => Iterable<{ id: string; title?: string; people: readonly IndexedPerson[] }>,
  isPersonId: (id: string) => boolean,
): PeopleResolution {
  const out = new Set<string>();
  const names: Record<string, NamedPerson[]> = Object.create(null);
  for (const value of values) {
    if (isPersonId(value)) {
      out.add(value);
      continue;
    }
    const matches = matchPeople(interviews(), value);
    // Interviewees first: a name is never joined across roles (the interviewer たけし is not 山本武司).
    const interviewees = matches.filter((m) => m.role === 'interviewee');
    const pool = interviewees.length > 0 ? interviewees : matches;
    const exact = pool.filter((m) => m.rank >= 2);
    const chosen = exact.length > 0 ? exact : pool;
    if (chosen.length > 0 && oneName(chosen)) {
      for (const m of chosen) out.add(m.id);
      names[value] = chosen.map((m) => ({
        id: m.id,
        name: m.name,
        role: m.role,
        interviews: m.interviewIds.slice(0, 5),
      }));
      continue;
    }
    const candidates = matches.slice(0, MAX_CANDIDATES).map((m) => ({
      id: m.id,
      name: m.name,
      role: m.role,
      interviews: m.interviewIds.slice(0, 5),
      // Namesakes (two interviews' 中村) are told apart by where they speak, not by their ids.
      interviewTitles: m.interviewTitles.slice(0, 5),
    }));
    throw new ValidationError(
      candidates.length > 0
        ? `interviewee '${value}' names several people (${[...new Set(candidates.map((c) => c.name))].slice(0, 5).join('、')}${matches.length > 5 ? '…' : ''}): give a full name or an id from candidates`
        : `interviewee '${value}' is neither a person id nor the name of anyone who speaks in the indexed interviews`,
      { interviewee: value, candidates },
    );
  }
  return { ids: [...out], names };
}
