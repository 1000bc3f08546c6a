/**
 * Magazines type the question dash in whatever the keyboard gives: `——`, `――`, and also two
 * katakana long-vowel marks (`ーー新曲について…`) or two hyphens (`--エッセイストになられた…`,
 * `--- 予約はしてたんですか？`). Unrecognised, those questions were glued to the answer before
 * them, and the answerer, now "asking" the most, was taken for the interviewer.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { isQuestionLine } from '../../lib/parse/dash-lines.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const rolesOf = (iv: Interview) => iv.turns.map((t) => `${t.role}/${t.speakerId === null ? '-' : t.speaker}`);

describe('question marks typed as ーー or --', () => {
  it("start an interviewer question, and the named answers are the interviewee's", () => {
    for (const mark of ['ーー', '--', '--- ']) {
      const text = [
        'インタビュー：山田花子さん',
        '',
        `${mark}書き始めたきっかけは？`,
        '山田花子（以下、山田）：高校生の頃から書くのが好きでした。',
        '',
        `${mark}今後の目標は？`,
        '山田：次の本を出すことです。',
      ].join('\n');
      const iv = parseInterview(text);
      expect([mark, rolesOf(iv)]).toEqual([
        mark,
        ['interviewer/-', 'interviewee/山田花子', 'interviewer/-', 'interviewee/山田花子'],
      ]);
      expect(iv.turns[0]?.text).toBe('書き始めたきっかけは？');
    }
  });

  it('are no question alone on a line (a rule) or inside a word', () => {
    for (const rule of ['ーーー', '----', '-- ', 'ーー '])
      expect([rule, isQuestionLine(rule)]).toEqual([rule, false]);
    expect(isQuestionLine('カーー')).toBe(false);
    expect(isQuestionLine('- 箇条書き')).toBe(false);
  });
});

const haveCorpora = available(corporaDir, 'ーー and -- questions in the livedoor news corpus');

describe.runIf(haveCorpora)('ーー and -- questions in the livedoor news corpus', () => {
  const news = (category: string, id: string) =>
    parseInterview(read(join(corporaDir, 'livedoor-news', category, `${category}-${id}.txt`)));

  it('credits 松村沙友理 and 桜井玲香 with their answers, not 松村 as the interviewer (it-life-hack 6907969)', () => {
    const iv = news('it-life-hack', '6907969');
    expect(iv.interviewer).toBeNull();
    expect(iv.interviewees.map((p) => p.name)).toEqual(expect.arrayContaining(['松村沙友理', '桜井玲香']));
    const answer = iv.turns.find((t) => t.text.startsWith('デジカメですかね'));
    expect([answer?.role, answer?.speaker]).toEqual(['interviewee', '松村沙友理']);
    expect(iv.turns.find((t) => t.id === answer?.questionId)?.text).toMatch(
      /ブームのデジタル製品は何でしょう？$/,
    );
  });

  it('credits 上原愛加 with her answers, each answering its -- question (peachy 4663550)', () => {
    const iv = news('peachy', '4663550');
    expect(iv.interviewees.map((p) => p.name)).toEqual(['上原愛加']);
    const answers = iv.turns.filter((t) => t.role === 'interviewee');
    expect(answers.length).toBe(iv.turns.filter((t) => t.role === 'interviewer').length);
    expect(iv.turns.every((t) => t.role !== 'interviewer' || t.speakerId === null)).toBe(true);
    expect(answers.map((t) => t.text).join('\n')).not.toContain('--');
  });
});
