/**
 * Some interviews print the answerer's name in brackets before each answer (`(ちょろ) 去年の10月
 * です。`, `（西岡） 昨年の夏くらいです。`, the smax スマホ美女 series) instead of `名前：`. The
 * bracket is the speaker's label, not the start of the answer's text, and the answers are the
 * named person's, not those of the title's 「スマホ美女」. Stage directions (`（笑）`), notes
 * (`(注1)`) and credits (`（撮影：…）`) before a line are no names.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const turnsOf = (text: string) =>
  parseInterview(text).turns.map((t) => [t.role, t.speakerId === null ? '-' : t.speaker, t.text]);

describe('an answerer named in brackets before the answer', () => {
  it('is the speaker of the answer, and the bracket is no part of its text', () => {
    const text = [
      '【美女インタビュー】コスプレイヤーのちょろさん',
      '',
      '--- iPhoneはいつ買ったんですか？',
      '',
      '(ちょろ) 去年の10月くらいです。',
      '',
      '--- 予約はしてたんですか？',
      '',
      '(ちょろ) 予約はしてないです。(笑)',
    ].join('\n');
    expect(turnsOf(text)).toEqual([
      ['interviewer', '-', 'iPhoneはいつ買ったんですか？'],
      ['interviewee', 'ちょろ', '去年の10月くらいです。'],
      ['interviewer', '-', '予約はしてたんですか？'],
      ['interviewee', 'ちょろ', '予約はしてないです。(笑)'],
    ]);
  });

  it('takes the full name the title prints for a surname in brackets', () => {
    const text = [
      '【スマホ美女インタビュー】ピンク好きな副編集長の西岡舞子さん',
      '',
      '——いつ買ったんですか？',
      '（西岡） 昨年の夏くらいです。',
      '',
      '——きっかけは？',
      '（西岡） 見た目が可愛かったから。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['西岡舞子']);
    expect(iv.turns.filter((t) => t.role === 'interviewee').map((t) => t.text)).toEqual([
      '昨年の夏くらいです。',
      '見た目が可愛かったから。',
    ]);
  });

  it('is not read from a stage direction, a note or a photo credit at the start of a line', () => {
    const text = [
      '——最近どうですか？',
      '山田：忙しいです。',
      '（笑）でも楽しいですよ。',
      '',
      '——休みは？',
      '山田：ないです。',
      '(注1) 取材は5月に行った。',
      '',
      '——本当に？',
      '山田：（撮影：田中）冗談です。',
      '（撮影：田中）ほんとは週に一度。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['山田']);
    expect(iv.turns.map((t) => t.speaker)).not.toContain('笑');
    expect(iv.turns.map((t) => t.speaker)).not.toContain('注1');
    expect(iv.turns.find((t) => t.text.startsWith('忙しい'))?.text).toBe(
      '忙しいです。\n（笑）でも楽しいですよ。',
    );
  });
});

describe.runIf(available(corporaDir, 'smax bracket-named interviews'))(
  'the smax スマホ美女 interviews',
  () => {
    const smax = (id: string) =>
      parseInterview(read(join(corporaDir, 'livedoor-news', 'smax', `smax-${id}.txt`)));

    it('credit every answer to the person in brackets, with no bracket left in the text', () => {
      for (const [id, name] of [
        ['6834990', 'ちょろ'],
        ['6851590', '西岡舞子'],
        ['6892219', 'キャロ'],
      ] as const) {
        const iv = smax(id);
        const answers = iv.turns.filter((t) => t.role === 'interviewee');
        expect([id, iv.interviewees.map((p) => p.name)]).toEqual([id, [name]]);
        expect(answers.length).toBeGreaterThan(40);
        expect(
          answers.every((t) => t.speaker === name && !/^[（(](?:ちょろ|西岡|キャロ)[）)]/.test(t.text)),
        ).toBe(true);
      }
    });
  },
);
