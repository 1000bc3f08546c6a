/**
 * Possible duplicates: people of different interviews printed with the same full name.
 *
 * A name alone identifies a person only within one interview (lib/ids.ts): two interviews of a
 * 田中 are two people until an editor merges them. So a three-part golf column by 松藤あつこ
 * lists her three times, and an editor with thousands of people cannot find such pairs by
 * scrolling. This lists them for review (each group is one `POST /interviewees/{id}/merge` away),
 * and never merges: a full name is strong evidence, not proof.
 *
 * Only names that say who someone is are grouped: a surname and given name (宮迫博之, 佐藤すみれ),
 * a name in parts (マシュー・グレイ・ギュブラー, Ryan Gosling). Bare given names and nicknames in kana
 * (由美, ミキ, サオリ), initials (Aさん, W) and names under three letters name many people: left out.
 * Pure: no I/O.
 */
import type { Role } from '../model.ts';
import { nameKey } from '../parse/people.ts';

/** An interview with its people, as the search index keeps them. */
export interface InterviewPeople {
  id: string;
  title: string;
  publishedAt: string | null;
  people: ReadonlyArray<{ id: string; name: string; role: Role }>;
}

/** One person of a group, with the interviews they speak in. */
export interface DuplicateCandidate {
  id: string;
  name: string;
  role: Role;
  interviews: Array<{ id: string; title: string; publishedAt: string | null }>;
}

/** People printed with one full name: probably one person. */
export interface DuplicateGroup {
  /** The name as the first of them prints it. */
  name: string;
  people: DuplicateCandidate[];
}

const KANJI = /[\p{Script=Han}\u3005]/u;
const SEPARATED = /\S[\s\u3000・=＝･]+\S/;
const LATIN_ONLY = /^[A-Za-z .'-]+$/;

/** True when a name is specific enough to suggest that two people printed with it are one. */
export function isFullName(name: string): boolean {
  const key = nameKey(name);
  if (key.length < 3) return false;
  // A name in parts: a Western name, or one printed with a space or ・ between family and given name.
  if (SEPARATED.test(name.trim())) return true;
  // One Latin word (JOY, MEGUMI) is a stage name or a first name: not enough alone.
  if (LATIN_ONLY.test(name.trim())) return false;
  // A kanji family name with a given name (宮迫博之, 佐藤すみれ); kana alone is a given name or a nickname.
  return KANJI.test(key);
}

/**
 * Groups of at least two people (ids) of one full name, largest first, then by name. A person
 * speaking in several interviews under one id is one candidate with those interviews.
 */
export function possibleDuplicates(interviews: Iterable<InterviewPeople>): DuplicateGroup[] {
  const byKey = new Map<string, Map<string, DuplicateCandidate>>();
  for (const iv of interviews) {
    for (const p of iv.people) {
      if (!isFullName(p.name)) continue;
      const key = nameKey(p.name);
      let group = byKey.get(key);
      if (!group) {
        group = new Map();
        byKey.set(key, group);
      }
      let candidate = group.get(p.id);
      if (!candidate) {
        candidate = { id: p.id, name: p.name, role: p.role, interviews: [] };
        group.set(p.id, candidate);
      }
      if (!candidate.interviews.some((x) => x.id === iv.id))
        candidate.interviews.push({ id: iv.id, title: iv.title, publishedAt: iv.publishedAt });
    }
  }
  const groups: DuplicateGroup[] = [];
  for (const group of byKey.values()) {
    if (group.size < 2) continue;
    const people = [...group.values()].sort(
      (a, b) =>
        b.interviews.length - a.interviews.length ||
        (a.interviews[0]?.publishedAt ?? '').localeCompare(b.interviews[0]?.publishedAt ?? '') ||
        a.id.localeCompare(b.id),
    );
    groups.push({ name: people[0]?.name ?? '', people });
  }
  return groups.sort((a, b) => b.people.length - a.people.length || a.name.localeCompare(b.name));
}
