/**
 * Possible duplicates (lib/people/duplicates.ts): people of different interviews printed with
 * one full name are grouped for review; given names, nicknames and initials are not.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../lib/model.ts';
import { isFullName, possibleDuplicates } from '../../lib/people/duplicates.ts';

const iv = (id: string, people: Array<[string, string, Role?]>) => ({
  id,
  title: `title ${id}`,
  publishedAt: `2011-01-0${id.length}`,
  people: people.map(([pid, name, role]) => ({ id: pid, name, role: role ?? ('interviewee' as Role) })),
});

describe('which names are full enough to suggest one person', () => {
  it('takes a family and given name, or a name in parts', () => {
    for (const n of ['宮迫博之', '佐藤すみれ', 'マシュー・グレイ・ギュブラー', 'Ryan Gosling', '松藤 あつこ'])
      expect(isFullName(n), n).toBe(true);
  });

  it('leaves out given names, kana nicknames, initials and one Latin word', () => {
    for (const n of ['由美', 'ミキ', 'サオリ', 'スギちゃん', 'Aさん', 'W', 'MEGUMI', '健太'])
      expect(isFullName(n), n).toBe(false);
  });
});

describe('possibleDuplicates', () => {
  it('groups ids of one full name across interviews, largest group first', () => {
    const groups = possibleDuplicates([
      iv('a', [
        ['p1', '松藤あつこ'],
        ['p2', '由美'],
        ['p9', '宮迫博之'],
      ]),
      iv('bb', [
        ['p3', '松藤あつこ'],
        ['p4', '由美'],
      ]),
      iv('ccc', [
        ['p5', '松藤 あつこ', 'interviewer'],
        ['p8', '宮迫博之'],
      ]),
    ]);
    expect(groups.map((g) => [g.name, g.people.map((p) => p.id)])).toEqual([
      ['松藤あつこ', ['p1', 'p3', 'p5']],
      ['宮迫博之', ['p9', 'p8']],
    ]);
    expect(groups[0]?.people[2]).toMatchObject({ role: 'interviewer', interviews: [{ id: 'ccc' }] });
  });

  it('does not offer one id that speaks in several interviews (already one person)', () => {
    expect(possibleDuplicates([iv('a', [['p1', '宮迫博之']]), iv('b', [['p1', '宮迫博之']])])).toEqual([]);
  });
});
