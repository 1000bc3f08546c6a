/**
 * Editors' people edits as a pure function (lib/people/edits.ts): overrides follow a turn's text
 * (its quote id only breaks ties), merges follow chains without looping, profiles rename, and
 * applying the edits to an already edited interview changes nothing more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { applyPeopleEdits, mergedId, textDigest } from '../../lib/people/edits.ts';
import type { PersonProfile } from '../../lib/store/port.ts';

const iv = parseInterview(
  '聞き手：はい。\n山田：はい。\n聞き手：ほかには？\n佐藤：はい。\n山田：そうですね。\n聞き手：はい。\n佐藤：最後です。\n',
  { id: 'x' },
);
const idOf = (name: string) => iv.interviewees.find((p) => p.name === name)?.id as string;
const profile = (personId: string, p: Partial<PersonProfile>): PersonProfile => ({
  personId,
  name: null,
  title: null,
  reading: null,
  mergedInto: null,
  version: 1,
  updatedAt: null,
  updatedBy: null,
  ...p,
});

describe('turn overrides', () => {
  it('apply to the turn with the same text; equal texts are told apart by the quote id', () => {
    const yamada = idOf('山田');
    const sato = idOf('佐藤');
    // Three turns say はい。: the override made on x-t004 (佐藤's) goes to that one.
    const out = applyPeopleEdits(iv, {
      edits: {
        turns: [{ quoteId: 'x-t004', textDigest: textDigest('はい。'), speakerId: yamada }],
        people: [],
      },
      profiles: new Map(),
    });
    expect(out.turns.map((t) => t.speakerId)).toEqual([null, yamada, null, yamada, yamada, null, sato]);
  });

  it('follow the text when quote ids moved (a turn was added before), and lapse when the text changed', () => {
    const moved = parseInterview(
      `聞き手：前置き。\n${'聞き手：はい。\n山田：はい。\n聞き手：ほかには？\n佐藤：はい。\n山田：そうですね。\n聞き手：はい。\n佐藤：最後です。\n'}`,
      {
        id: 'x',
      },
    );
    const edits = {
      turns: [
        { quoteId: 'x-t007', textDigest: textDigest('最後です。'), role: 'other' as const },
        { quoteId: 'x-t005', textDigest: textDigest('そうですね！'), role: 'other' as const },
      ],
      people: [],
    };
    const out = applyPeopleEdits(moved, { edits, profiles: new Map() });
    expect(out.turns.find((t) => t.text === '最後です。')?.role).toBe('other');
    expect(out.turns.find((t) => t.text === 'そうですね。')?.role).toBe('interviewee');
  });

  it('derive the people lists and the question links again', () => {
    const out = applyPeopleEdits(iv, {
      edits: {
        turns: [
          {
            quoteId: 'x-t007',
            textDigest: textDigest('最後です。'),
            speakerId: null,
            speaker: '全員',
            role: 'other',
          },
          {
            quoteId: 'x-t004',
            textDigest: textDigest('はい。'),
            speakerId: null,
            speaker: '全員',
            role: 'other',
          },
        ],
        people: [],
      },
      profiles: new Map(),
    });
    expect(out.interviewees.map((p) => p.name)).toEqual(['山田']);
    expect(out.turns[3]).toMatchObject({
      speaker: '全員',
      speakerId: null,
      role: 'other',
      questionId: 'x-t003',
    });
  });
});

describe('merges and profiles', () => {
  it('follow a chain of merges and never loop', () => {
    const profiles = new Map([
      ['a', profile('a', { mergedInto: 'b' })],
      ['b', profile('b', { mergedInto: 'c' })],
      ['c', profile('c', { mergedInto: 'a' })],
    ]);
    expect(mergedId('a', profiles)).toBe('c');
    expect(mergedId('z', profiles)).toBe('z');
  });

  it('rename a person and keep the old name as an alias; a merged person takes the target’s name', () => {
    const yamada = idOf('山田');
    const sato = idOf('佐藤');
    const out = applyPeopleEdits(iv, {
      edits: null,
      profiles: new Map([
        [yamada, profile(yamada, { name: '山田太郎', reading: 'やまだたろう' })],
        [sato, profile(sato, { mergedInto: yamada })],
      ]),
    });
    expect(out.interviewees).toHaveLength(1);
    expect(out.interviewees[0]).toMatchObject({ id: yamada, name: '山田太郎', reading: 'やまだたろう' });
    expect(out.interviewees[0]?.aliases).toEqual(expect.arrayContaining(['山田', '佐藤']));
    expect(new Set(out.turns.filter((t) => t.role === 'interviewee').map((t) => t.speaker))).toEqual(
      new Set(['山田太郎']),
    );
  });
});

describe('applying edits again', () => {
  it('changes nothing more (an edit and a re-ingest give the same interview)', () => {
    const ids = [idOf('山田'), idOf('佐藤'), null] as const;
    const override = fc.record({
      turn: fc.integer({ min: 0, max: iv.turns.length - 1 }),
      speaker: fc.constantFrom(...ids),
      role: fc.constantFrom(undefined, 'interviewer' as const, 'interviewee' as const, 'other' as const),
    });
    fc.assert(
      fc.property(fc.array(override, { maxLength: 6 }), fc.boolean(), (os, merge) => {
        const turns = os.map((o) => {
          const t = iv.turns[o.turn] as (typeof iv.turns)[number];
          return {
            quoteId: t.id,
            textDigest: textDigest(t.text),
            speakerId: o.speaker,
            ...(o.speaker === null ? { speaker: '話し手' } : {}),
            ...(o.role ? { role: o.role } : {}),
          };
        });
        const profiles = new Map(
          merge ? [[idOf('佐藤'), profile(idOf('佐藤'), { mergedInto: idOf('山田') })]] : [],
        );
        const overlay = { edits: { turns, people: [] }, profiles };
        const once = applyPeopleEdits(iv, overlay);
        expect(applyPeopleEdits(once, overlay)).toEqual(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('talk sessions', () => {
  const talk = parseInterview(
    'MC：ご関係は？\n山田太郎（以下、山田）：友人です。\n佐藤花子（以下、佐藤）：そうです。\n山田：佐藤さんはどう？\n佐藤：楽しいです。\n',
    { id: 'k' },
  );

  it("keep every answer under the moderator's question, re-link to a turn an editor makes the interviewer's, and do it again the same way", () => {
    // Both speakers answer the moderator's question; 山田's question to 佐藤 is a co-speaker's, so
    // her reply stays under the moderator's too.
    expect(talk.turns.map((t) => t.questionId)).toEqual([null, 'k-t001', 'k-t001', 'k-t001', 'k-t001']);
    const overlay = {
      edits: {
        turns: [
          { quoteId: 'k-t004', textDigest: textDigest('佐藤さんはどう？'), role: 'interviewer' as const },
        ],
        people: [],
      },
      profiles: new Map(),
    };
    const once = applyPeopleEdits(talk, overlay);
    // 山田's question made an interviewer turn: it asks nothing back, and 佐藤 answers it.
    expect(once.turns.map((t) => t.questionId)).toEqual([null, 'k-t001', 'k-t001', null, 'k-t004']);
    expect(applyPeopleEdits(once, overlay)).toEqual(once);
  });
});
