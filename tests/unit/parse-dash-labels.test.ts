/**
 * Hand-made dash transcripts (a new user's, 2026-12-06): a one-off `編集部：` question between one
 * speaker's answers, a plain title line before the first question, `名前　text` labels, a
 * manager interjecting once.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const haveCorpora = available(corporaDir, 'livedoor interviews');

const BODY = [
  '若手社長に聞く働き方',
  '',
  '――今日はよろしくお願いします。まず起業のきっかけは？',
  '佐藤：大学時代に友人と始めたサービスが広がったのがきっかけです。',
  '――社員は何人ですか？',
  '佐藤：いまは二十人ほどです。リモートで働く人も多いですね。',
  '編集部：副業OKにした理由は？',
  '佐藤：社員の学びが会社に返ってくると考えたからです。',
  '――最後に読者へ一言。',
  '佐藤：まずは小さく始めてみてください。',
].join('\n');

describe('dash layout, hand-made', () => {
  it('reads a one-off `編集部：` question between answers as the interviewer, not the answer', () => {
    const iv = parseInterview(BODY, { id: 'x' });
    expect(iv.format).toBe('dash');
    const asked = iv.turns.find((t) => t.text.includes('副業OKにした理由'));
    expect(asked?.role).toBe('interviewer');
    expect(asked?.text).toBe('副業OKにした理由は？');
    const before = iv.turns.find((t) => t.text.startsWith('いまは二十人ほど'));
    expect(before?.text).toBe('いまは二十人ほどです。リモートで働く人も多いですね。');
    const answer = iv.turns.find((t) => t.text.startsWith('社員の学びが'));
    expect(answer?.speaker).toBe('佐藤');
    expect(answer?.questionId).toBe(asked?.id);
  });

  it('keeps an editing credit `編集部：名前＋名前` out of the turns', () => {
    const iv = parseInterview(`${BODY}\n\n編集部：池田利夫＋岡本奈知子（ジャムハウス）`, { id: 'x' });
    expect(iv.turns.some((t) => t.text.includes('池田利夫'))).toBe(false);
  });

  it('takes a plain first line above the first question for the title', () => {
    const iv = parseInterview(BODY, { id: 'x' });
    expect(iv.title).toBe('若手社長に聞く働き方');
    expect(iv.turns[0]?.text).toBe('今日はよろしくお願いします。まず起業のきっかけは？');
    expect(iv.turns[0]?.section ?? null).toBe(null);
    // The same text with a question right under the title line.
    const tight = parseInterview(BODY.replace('働き方\n\n', '働き方\n'), { id: 'x' });
    expect(tight.title).toBe('若手社長に聞く働き方');
  });

  it('takes no sentence, indented lead or speaker line for the title', () => {
    const lead = parseInterview(
      `起業して十年になる佐藤さんに話を聞いた。\n\n${BODY.split('\n').slice(2).join('\n')}`,
      {
        id: 'x',
      },
    );
    expect(lead.title).not.toBe('起業して十年になる佐藤さんに話を聞いた。');
    const named = parseInterview(BODY.split('\n').slice(2).join('\n'), { id: 'x' });
    expect(named.title).toBe('今日はよろしくお願いします。まず起業のきっかけは？');
    const declared = parseInterview(`---\ntitle: 前から決まった題\n---\n${BODY}`, { id: 'x' });
    expect(declared.title).toBe('前から決まった題');
  });

  it('reads a manager interjecting once (`マネージャー：`) as staff: role other, no interviewee', () => {
    const iv = parseInterview(
      [
        'インタビュー：竹内結子「宇宙の話」',
        '',
        '――宇宙は好きですか？',
        '竹内結子（以下、竹内）：とても疎いです（笑）。',
        '',
        'マネージャー：南十字星わからなかったよね？「見えるよ」と言って、みんなで見上げたんですよ。',
        '',
        '竹内：「どれ？」って（笑）。',
        '――撮影はいかがでしたか？',
        '竹内：楽しかったです。',
      ].join('\n'),
      { id: 'x' },
    );
    const staff = iv.turns.find((t) => t.text.startsWith('南十字星'));
    expect(staff?.role).toBe('other');
    expect(iv.interviewees.map((p) => p.name)).toEqual(['竹内結子']);
    expect(iv.turns.find((t) => t.text.startsWith('「どれ？」'))?.role).toBe('interviewee');
  });

  it.runIf(haveCorpora)('movie-enter-5914409: the manager is no interviewee', () => {
    const iv = parseInterview(
      read(join(corporaDir, 'livedoor-interviews/movie-enter/movie-enter-5914409.txt')),
      {
        id: 'x',
      },
    );
    expect(iv.interviewees.map((p) => p.name)).toEqual(['竹内結子']);
    expect(iv.turns.filter((t) => t.speaker === 'マネージャー').map((t) => t.role)).toEqual(['other']);
  });

  it('reads `名前　text` (a name and a full-width space) as a label when the name labels answers', () => {
    const iv = parseInterview(
      [
        '若手社長に聞く働き方',
        '',
        '――まず起業のきっかけは？',
        '佐藤　大学時代に友人と始めたサービスが広がったのがきっかけです。',
        '――社員は何人ですか？',
        '佐藤　いまは二十人ほどです。',
        '――最後に一言。',
        '佐藤　まずは小さく始めてみてください。',
      ].join('\n'),
      { id: 'x' },
    );
    expect(iv.turns.filter((t) => t.role === 'interviewee').map((t) => [t.speaker, t.text])).toEqual([
      ['佐藤', '大学時代に友人と始めたサービスが広がったのがきっかけです。'],
      ['佐藤', 'いまは二十人ほどです。'],
      ['佐藤', 'まずは小さく始めてみてください。'],
    ]);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['佐藤']);
  });

  it('takes no one-off, hiragana or indented `…　…` start for a label', () => {
    const iv = parseInterview(
      [
        'タイトル',
        '',
        '――まず起業のきっかけは？',
        'はい　そうですね、友人と始めました。',
        '――社員は何人ですか？',
        'はい　いまは二十人ほどです。',
        '――趣味は？',
        '週末　山に登っています。',
        '――最後に一言。',
        '　佐藤　まずは小さく始めてみてください。',
        '――今後の目標は？',
        '　佐藤　こちらこそ。',
      ].join('\n'),
      { id: 'x' },
    );
    const answers = iv.turns.filter((t) => t.role !== 'interviewer');
    expect(answers.map((t) => t.text)).toEqual([
      'はい　そうですね、友人と始めました。',
      'はい　いまは二十人ほどです。',
      '週末　山に登っています。',
      '佐藤　まずは小さく始めてみてください。',
      '佐藤　こちらこそ。',
    ]);
    expect(new Set(answers.map((t) => t.speaker)).size).toBe(1);
  });
});
