/**
 * Talk sessions (トークセッション, 対談) printed with speaker prefixes: each speaker introduced once
 * as `村上龍（以下、村上）：` and labelled `村上：` afterwards, a moderator (`MC：`, `MC・内田恭子：`),
 * profiles under the speakers' names before the turns, pull quotes between sections and page
 * numbers at the end. Every named speaker is an interviewee, the moderator the interviewer, and
 * every answer is under the moderator's (or the writer's) last question, also a reply to a
 * co-speaker's question (lib/parse/questions.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview, parseWithReport } from '../../lib/parse/index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const FIXTURE = [
  'http://news.livedoor.com/article/detail/1/',
  '2012-01-23T14:30:00+0900',
  '【スペシャルトークセッション】山田太郎×佐藤花子',
  '授賞式の後に行われたトークセッションの内容をお届けする。',
  '',
  '山田太郎：1960年東京都生まれ。作家。',
  '',
  '佐藤花子：1970年大阪府生まれ。経営者。',
  '',
  'MC：お二人はどのようなご関係ですか？',
  '',
  '山田太郎（以下、山田）：古い友人です。',
  '',
  '佐藤花子（以下、佐藤）：そうですね、二十年になります。',
  '',
  '',
  '仕事は楽しくなければ続かない———佐藤',
  '山田：佐藤さんは仕事をどう考えていますか？',
  '',
  '佐藤：楽しいことが一番です。',
  '',
  'MC：最後に一言お願いします。',
  '',
  '山田：ありがとうございました。',
  ' 1 2',
].join('\n');

/** Role, speaker (null for a role label such as MC) and the ordinal of the turn it answers. */
function roles(iv: Interview): Array<[string, string | null, number | null]> {
  const ordinal = new Map(iv.turns.map((t) => [t.id, t.ordinal]));
  return iv.turns.map((t) => [
    t.role,
    t.speakerId === null ? null : t.speaker,
    t.questionId === null ? null : (ordinal.get(t.questionId) ?? -1),
  ]);
}

describe('talk sessions with speaker prefixes', () => {
  it('credits the moderator as interviewer and each speaker, under the full name, as interviewee', () => {
    const { interview: iv, furniture } = parseWithReport(FIXTURE);
    expect(iv.format).toBe('prefixed');
    expect(roles(iv)).toEqual([
      ['interviewer', null, null],
      // The moderator's question is put to both: each answers it.
      ['interviewee', '山田太郎', 1],
      ['interviewee', '佐藤花子', 1],
      // A speaker's question to another is no interviewer's: its answer stays under the MC's.
      ['interviewee', '山田太郎', 1],
      ['interviewee', '佐藤花子', 1],
      ['interviewer', null, null],
      ['interviewee', '山田太郎', 6],
    ]);
    expect(iv.interviewer).toBeNull();
    expect(iv.interviewees.map((p) => [p.name, p.aliases])).toEqual([
      ['山田太郎', ['山田']],
      ['佐藤花子', ['佐藤']],
    ]);
    // Profiles, the pull quote and the page numbers are furniture, never quote text.
    const all = iv.turns.map((t) => t.text).join('\n');
    for (const f of ['1960年', '1970年', '続かない', ' 1 2']) expect(all).not.toContain(f);
    expect(furniture.map((f) => f.kind)).toEqual(['info', 'info', 'heading', 'chrome']);
    expect(iv.sections.map((s) => s.heading)).toEqual(['仕事は楽しくなければ続かない———佐藤']);
    expect(iv.turns.at(-1)?.section).toBe('仕事は楽しくなければ続かない———佐藤');
  });

  it('takes `MC・名前（以下、略称）` for a named moderator, under the short label too', () => {
    const text = FIXTURE.replace('MC：お二人は', 'MC・鈴木一郎（以下、鈴木）：お二人は').replace(
      'MC：最後に',
      '鈴木：最後に',
    );
    const iv = parseInterview(text);
    expect(iv.interviewer?.name).toBe('鈴木一郎');
    expect(roles(iv).map(([role, speaker]) => `${role}/${speaker}`)).toEqual([
      'interviewer/鈴木一郎',
      'interviewee/山田太郎',
      'interviewee/佐藤花子',
      'interviewee/山田太郎',
      'interviewee/佐藤花子',
      'interviewer/鈴木一郎',
      'interviewee/山田太郎',
    ]);
  });

  it("keeps an unnamed `——…？` question as the interviewer's, answered by every speaker after it", () => {
    const text = [
      '【対談】山田太郎×佐藤花子',
      'お二人に話を聞いた。',
      '',
      '——共演の感想は？',
      '山田太郎（以下、山田）：楽しかったです。',
      '',
      '佐藤花子（以下、佐藤）：私もです。山田さんは次に何を？',
      '',
      '山田：舞台ですね。',
      '',
      '佐藤：楽しみです。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(iv.format).toBe('prefixed');
    expect(iv.turns.map((t) => t.text)).toEqual([
      '共演の感想は？',
      '楽しかったです。',
      '私もです。山田さんは次に何を？',
      '舞台ですね。',
      '楽しみです。',
    ]);
    expect(roles(iv)).toEqual([
      ['interviewer', null, null],
      ['interviewee', '山田太郎', 1],
      ['interviewee', '佐藤花子', 1],
      // 佐藤 asked 山田: his answer and her reply stay under the writer's question.
      ['interviewee', '山田太郎', 1],
      ['interviewee', '佐藤花子', 1],
    ]);
  });

  it('keeps one alias declaration an ordinary interview: the one who asks stays the interviewer', () => {
    const text = [
      '小林由紀（以下、小林）：今日はよろしくお願いします。最近はどうですか？',
      '',
      '田中：元気です。',
      '',
      '小林：お仕事は？',
      '',
      '田中：相変わらずです。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(iv.interviewer?.name).toBe('小林由紀');
    expect(roles(iv)).toEqual([
      ['interviewer', '小林由紀', null],
      ['interviewee', '田中', 1],
      ['interviewer', '小林由紀', null],
      ['interviewee', '田中', 3],
    ]);
  });
});

const haveCorpora = available(corporaDir, 'talk sessions from the livedoor news corpus');

describe.runIf(haveCorpora)('talk sessions in the livedoor news corpus', () => {
  const file = (id: string) =>
    join(corporaDir, 'livedoor-news', 'livedoor-homme', `livedoor-homme-${id}.txt`);

  it('村上龍×秋元康×新浪剛史 with an MC (6214759)', () => {
    const { interview: iv, furniture } = parseWithReport(read(file('6214759')));
    expect(roles(iv)).toEqual([
      ['interviewer', null, null],
      ['interviewee', '村上龍', 1],
      ['interviewer', null, null],
      ['interviewee', '村上龍', 3],
      ['interviewer', null, null],
      ['interviewee', '村上龍', 5],
      // The three talk on under the MC's third question, replying to each other.
      ['interviewee', '新浪剛史', 5],
      ['interviewee', '村上龍', 5],
      ['interviewee', '秋元康', 5],
      ['interviewee', '村上龍', 5],
    ]);
    expect(iv.interviewees.map((p) => p.name).sort()).toEqual(['新浪剛史', '村上龍', '秋元康']);
    expect(iv.turns[0]?.speaker).toBe('MC');
    const all = iv.turns.map((t) => t.text).join('\n');
    expect(all).not.toMatch(/\d{4}年\S{2,4}生まれ/);
    expect(all).not.toContain('たかがアイドル”だからこそ');
    expect(furniture.filter((f) => f.kind === 'info')).toHaveLength(3);
  });

  it("keeps the writer's unnamed question before 綾小路 翔 and マーティ・フリードマン answer it (movie-enter 6063215)", () => {
    const path = join(corporaDir, 'livedoor-news', 'movie-enter', 'movie-enter-6063215.txt');
    const iv = parseInterview(read(path));
    expect(iv.format).toBe('prefixed');
    expect(roles(iv)).toEqual([
      ['interviewer', null, null],
      ['interviewee', '綾小路 翔', 1],
      ['interviewee', 'マーティ・フリードマン', 1],
    ]);
    expect(iv.turns[0]?.text).toMatch(/^仮面ライダーの主題歌をやると聞いた時の感想は？$/);
    expect(iv.interviewer).toBeNull();
  });

  it('三木谷浩史×星野佳路×村上龍 with MC・内田恭子 (5296014)', () => {
    const iv = parseInterview(read(file('5296014')));
    expect(iv.interviewer?.name).toBe('内田恭子');
    expect(iv.interviewees.map((p) => p.name).sort()).toEqual(['三木谷浩史', '星野佳路', '村上龍']);
    const r = roles(iv);
    expect(r.slice(0, 5)).toEqual([
      ['interviewer', '内田恭子', null],
      ['interviewee', '村上龍', 1],
      ['interviewee', '星野佳路', 1],
      ['interviewee', '村上龍', 1],
      ['interviewer', '内田恭子', null],
    ]);
    // 三木谷 answers 村上's question, a co-speaker's: the answer stays under the MC's question.
    const moderator = iv.turns.find((t) => t.text.startsWith('では、三木谷さんの印象'));
    const asked = iv.turns.find((t) => t.text.startsWith('そのような“判断”'));
    const answer = iv.turns.find((t) => t.text.startsWith('直感である程度'));
    expect([moderator?.role, asked?.speaker, answer?.speaker, answer?.questionId]).toEqual([
      'interviewer',
      '村上龍',
      '三木谷浩史',
      moderator?.id,
    ]);
    // No answer of the talk points at anything but an interviewer turn.
    const roleOf = new Map(iv.turns.map((t) => [t.id, t.role]));
    expect(iv.turns.filter((t) => t.questionId && roleOf.get(t.questionId) !== 'interviewer')).toEqual([]);
    expect(r.filter(([role]) => role === 'interviewer')).toHaveLength(4);
    // The pull quote `——大事なのは…（三木谷）` is a heading, not an unnamed question.
    expect(iv.sections.some((s) => s.heading.includes('大事なのは仕事に対する夢'))).toBe(true);
  });
});
