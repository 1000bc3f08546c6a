/**
 * `桜井、松村：はい、知ってます。`: a label listing several speakers with commas is a joint answer,
 * credited to each of them (the first as the speaker, the others as co-speakers), not text of an
 * answer credited to someone else, nor a person the title made up (「メンバーに聞く」 → メンバー).
 * Prose before a colon with a comma (`ちなみに、価格は：`) is no label.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { listedNames } from '../../lib/parse/people.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

/** Each turn's speaker names (the speaker, then the co-speakers) and text. */
const credits = (iv: Interview) => {
  const byId = new Map(
    [...iv.interviewees, ...iv.others, ...(iv.interviewer ? [iv.interviewer] : [])].map((p) => [
      p.id,
      p.name,
    ]),
  );
  return iv.turns.map((t) => [
    [t.speakerId, ...t.coSpeakerIds].map((id) => (id === null ? '-' : byId.get(id))),
    t.text,
  ]);
};

describe('a label that lists speakers with commas', () => {
  it('credits each of them in a dash interview, and no person is made of the title', () => {
    const text = [
      'http://example.com/1',
      '2012-08-30T10:00:00+0900',
      'アイドルグループのメンバーに聞く',
      '',
      '——ブログはご存じですか？',
      '桜井、松村：はい、知ってます。',
      '',
      '——最近のブームは？',
      '松村：デジカメですかね。',
      '桜井：私は音楽ゲームです。',
      '',
      '——新曲について教えてください。',
      '桜井：自転車で全力疾走する歌詞です。',
      '松村：PVも好きなんですよ。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(credits(iv).slice(0, 3)).toEqual([
      [['-'], 'ブログはご存じですか？'],
      [['桜井', '松村'], 'はい、知ってます。'],
      [['-'], '最近のブームは？'],
    ]);
    expect(iv.interviewees.map((p) => p.name).sort()).toEqual(['松村', '桜井']);
  });

  it('credits each of them in a prefixed transcript', () => {
    const text = [
      '聞き手：準備はいい？',
      '田中、佐藤：はい！',
      '田中：緊張します。',
      '佐藤：楽しみです。',
      '田中：がんばります。',
      '佐藤：よろしく。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(credits(iv)[1]).toEqual([['田中', '佐藤'], 'はい！']);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['田中', '佐藤']);
  });

  it('credits a joint answer the interviewer joins to those who answer, and makes no person of a role word', () => {
    const turns =
      '始めたきっかけは？\n\n山田：祖母です。\n\n{Q}：今は？\n\n山田：楽しいです。\n\n{J}：ありがとうございました！\n';
    const withAsker = (q: string, joint: string) =>
      parseInterview(`${q}：${turns.replaceAll('{Q}', q).replaceAll('{J}', joint)}`);
    // 田中 asks (most questions): the joint thanks are 山田's, 田中 joining in, and 田中 stays the interviewer.
    for (const joint of ['田中、山田', '山田、田中']) {
      const iv = withAsker('田中', joint);
      expect(iv.interviewer?.name).toBe('田中');
      expect(iv.interviewees.map((p) => p.name)).toEqual(['山田']);
      expect(iv.turns.at(-1)?.role).toBe('interviewee');
      expect(credits(iv).at(-1)).toEqual([['山田', '田中'], 'ありがとうございました！']);
    }
    // 聞き手 is a role word: nobody, neither the joint turn's speaker nor an interviewee.
    const iv = withAsker('聞き手', '聞き手、山田');
    expect(iv.interviewees.map((p) => p.name)).toEqual(['山田']);
    expect(credits(iv).at(-1)).toEqual([['山田'], 'ありがとうございました！']);
    // Everyone in it asks (two interviewers who ask on their own too): the joint turn asks.
    const asking = parseInterview(
      '聞き手：きっかけは？\n\n山田：祖母です。\n\n編集部：今は？\n\n山田：楽しいです。\n\n聞き手：次は？\n\n山田：未定です。\n\n編集部：夢は？\n\n山田：店です。\n\n聞き手、編集部：最後に一言！\n\n山田：ありがとうございました。\n',
    );
    expect(asking.turns.at(-2)?.role).toBe('interviewer');
    expect(asking.turns.at(-2)?.speakerId).toBeNull();
    expect(asking.turns.at(-1)?.questionId).toBe(asking.turns.at(-2)?.id);
  });

  it('is no label when the listed words do not speak on their own, or are prose', () => {
    expect(listedNames('桜井、松村')).toEqual(['桜井', '松村']);
    expect(listedNames('ちなみに、価格は')).toEqual(['ちなみに', '価格は']);
    expect(listedNames('そうですね。でも、私')).toBeNull();
    expect(listedNames('山田')).toBeNull();
    const text = [
      '聞き手：値段は？',
      '山田：安いです。',
      'ちなみに、価格は：千円です。',
      '聞き手：なるほど。',
      '山田：はい。',
    ].join('\n');
    const iv = parseInterview(text);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['山田']);
    expect(iv.turns.find((t) => t.text.includes('千円'))?.speaker).toBe('山田');
  });
});

describe.runIf(available(corporaDir, 'joint answers in real interviews'))(
  'joint answers in real interviews',
  () => {
    it('it-life-hack 6907969: 「桜井、松村：」 is 桜井玲香 and 松村沙友理, and nobody is called メンバー', () => {
      const iv = parseInterview(
        read(join(corporaDir, 'livedoor-news', 'it-life-hack', 'it-life-hack-6907969.txt')),
      );
      const joint = credits(iv).filter(([, text]) => text === 'はい、知ってます。' || text === 'はい。');
      expect(joint).toEqual([
        [['桜井玲香', '松村沙友理'], 'はい、知ってます。'],
        [['桜井玲香', '松村沙友理'], 'はい。'],
      ]);
      expect(iv.interviewees.map((p) => p.name)).not.toContain('メンバー');
    });
  },
);
