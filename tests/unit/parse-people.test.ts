/**
 * Issue 13: turn boundaries, roles and people on real magazine layouts — answers printed without
 * a name, role labels that are no people, titles and short forms of names, joint answers, page
 * furniture — and the judged attribution set over the real corpora.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { isRoleLabel, splitName } from '../../lib/parse/people.ts';
import { loadAttribution, scoreInterview } from '../../scripts/eval/attribution.ts';
import { available, corporaDir } from '../helpers/shared.ts';

const header = 'http://news.livedoor.com/article/detail/1/\n2010-06-16T10:00:00+0900\n';

describe('dash interviews as magazines print them', () => {
  const iv = parseInterview(
    `${header}女性歯科医に聞く！ゴルフ場でモテるオトコのパターン
今回、お話を聞いたのは田中デンタルクリニック院長の田中尚子さん。

——田中さんのゴルフ歴を教えてください。
ゴルフを始めたのは4年前からです。
父の趣味がゴルフでして。

——なぜハマったのでしょうか？
思い通りにならない悔しさですね。 1 2 3
（取材・文：南 樹里）

インタビューの続きは、「MOVIE ENTER!」で、全てご覧いただけます！
`,
  );

  it('ends the question at its line: the unprefixed lines after it are the answer', () => {
    expect(iv.turns.map((t) => [t.role, t.text])).toEqual([
      ['interviewer', '田中さんのゴルフ歴を教えてください。'],
      ['interviewee', 'ゴルフを始めたのは4年前からです。\n父の趣味がゴルフでして。'],
      ['interviewer', 'なぜハマったのでしょうか？'],
      ['interviewee', '思い通りにならない悔しさですね。'],
    ]);
  });

  it('names the unlabelled answerer from the lead and keeps the question asker anonymous', () => {
    expect(iv.interviewees.map((p) => p.name)).toEqual(['田中尚子']);
    expect(iv.interviewer).toBeNull();
    expect(iv.turns[0]).toMatchObject({ speaker: '聞き手', speakerId: null });
    expect(iv.turns[1]?.speakerId).toBe(iv.interviewees[0]?.id);
  });

  it('keeps page numbers, credits and promotional footers out of quotes', () => {
    const all = iv.turns.map((t) => t.text).join('\n');
    expect(all).not.toMatch(/1 2 3|取材・文|続きは/);
  });

  it('drops the stray dash of ——— and reads 名前「…」 answers', () => {
    const beer = parseInterview(
      `${header}うまいビール\nキリンビール広報部の山本武司氏にお話を伺った。\n\n———条件はなんですか？\n山本武司（以下、山本）「3つの条件です。」\n\n———泡は？\n山本「欠かせませんね。」\n`,
    );
    expect(beer.turns.map((t) => [t.role, t.speaker, t.text])).toEqual([
      ['interviewer', '聞き手', '条件はなんですか？'],
      ['interviewee', '山本武司', '「3つの条件です。」'],
      ['interviewer', '聞き手', '泡は？'],
      ['interviewee', '山本武司', '「欠かせませんね。」'],
    ]);
  });

  it('keeps profile boxes and ■label／value rows as captions, not sections or quotes', () => {
    const golf = parseInterview(
      `${header}ゴルフ男子\n\n——ゴルコンって行ったことある？\n佐藤すみれ（以下、佐藤）：ありますね。\n\n佐藤 すみれ（広告会社 広報・25歳）\n「スコアが良くなりました」\n■ゴルフ歴／2年\n■ベストスコア／102\n\n——マイナス面は？\n佐藤：素が出やすい。\n`,
    );
    expect(golf.sections).toEqual([]);
    expect(golf.captions).toEqual([
      '佐藤 すみれ（広告会社 広報・25歳）',
      '「スコアが良くなりました」',
      '■ゴルフ歴／2年',
      '■ベストスコア／102',
    ]);
    expect(golf.turns.map((t) => t.text)).toEqual([
      'ゴルコンって行ったことある？',
      'ありますね。',
      'マイナス面は？',
      '素が出やすい。',
    ]);
  });

  it('gives answers under a ■名前（役） heading to that person', () => {
    const premiere = parseInterview(
      `${header}ワールドプレミア\n監督やザック・エフロンが勢揃いした。\n\n■ザック・エフロン（ポール役）\n\n——日本のファンへ\n　大好きだよ。\n\n■ゲイリー・マシャル監督\n\n——日本へは？\n　何度も行ったよ。\n`,
    );
    expect(premiere.turns.filter((t) => t.role === 'interviewee').map((t) => t.speaker)).toEqual([
      'ザック・エフロン',
      'ゲイリー・マシャル',
    ]);
    expect(premiere.interviewees.find((p) => p.name === 'ゲイリー・マシャル')?.title).toBe('監督');
  });
});

describe('people', () => {
  it('never makes a person of a role label', () => {
    for (const label of [
      '話し手',
      '聞き手',
      'インタビュアー',
      '編集部',
      '司会',
      '回答者',
      'Q',
      'A',
      'customer',
      'operator',
      'customer_1',
      'operator_2',
    ])
      expect(isRoleLabel(label)).toBe(true);
    const tsv = parseInterview(
      'operator_1\tご希望は？\ncustomer_1\t海の近くで。\noperator_1\t承知しました。',
    );
    expect([tsv.interviewer, ...tsv.interviewees, ...tsv.others]).toEqual([null]);
    expect(tsv.turns.map((t) => [t.role, t.speakerId])).toEqual([
      ['interviewer', null],
      ['interviewee', null],
      ['interviewer', null],
    ]);
  });

  it('splits honorifics and titles into `title`', () => {
    expect(splitName('花輪陽子先生')).toEqual({ name: '花輪陽子', title: '先生', note: null });
    expect(splitName('水野麻紀子DIME編集長')).toEqual({
      name: '水野麻紀子',
      title: 'DIME編集長',
      note: null,
    });
    expect(splitName('相川ドクター')).toMatchObject({ name: '相川', title: 'ドクター' });
    expect(splitName('ジェイソン・ステイサム（ブラント）')).toEqual({
      name: 'ジェイソン・ステイサム',
      title: null,
      note: 'ブラント',
    });
  });

  it('unifies short and full forms of one name within an interview; AとB is two people', () => {
    const iv = parseInterview(
      `${header}座談会\n\n——どう？\n森田敏裕さん：いいですね。\n奥澤穂菜美：私も。\nジェイソン・ステイサム（ブラント）：最高だ。\n\n——本当？\n森田さん：はい。\n奥沢：ええ。\nジェイソン・ステイサム：もちろん。\n\n——では？\n森田さん：ええ。\n奥澤穂菜美：そう。\n奥沢：うん。\n\n——みなさんは？\n森田と奥沢：そうですね。\n`,
    );
    expect(iv.interviewees.map((p) => p.name)).toEqual(['森田敏裕', '奥澤穂菜美', 'ジェイソン・ステイサム']);
    expect(iv.interviewees[0]?.title).toBe('さん');
    const joint = iv.turns.at(-1);
    expect(joint?.speakerId).toBe(iv.interviewees[0]?.id);
    expect(joint?.coSpeakerIds).toEqual([iv.interviewees[1]?.id]);
  });

  it('links a person across interviews by handle only, never by name alone', () => {
    const a = parseInterview('——質問？\n田中：答え。\n——次？\n田中：はい。', { id: 'a' });
    const b = parseInterview('——質問？\n田中：答え。\n——次？\n田中：はい。', { id: 'b' });
    expect(a.interviewees[0]?.id).not.toBe(b.interviewees[0]?.id);
  });
});

describe('re-parsing canonical JSON', () => {
  it('is the identity on parsed transcripts', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '——質問ですか？',
        '山田：答えです。',
        '佐藤さん：はい。',
        '話し手：どうも。',
        '',
        '■見出し',
        '続きの行。',
        '（写真：左から山田）',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (ls) => {
        let iv: ReturnType<typeof parseInterview>;
        try {
          iv = parseInterview(`——最初の質問？\n${ls.join('\n')}`, { format: 'dash', id: 'x' });
        } catch {
          return;
        }
        expect(parseInterview(JSON.stringify(iv))).toEqual(iv);
      }),
      { numRuns: 300 },
    );
  });
});

const haveCorpora = available(corporaDir, 'judged attribution tests');

describe.runIf(haveCorpora)('the judged attribution set (eval/attribution.json)', () => {
  it('covers livedoor interviews and ASDC dialogs, and the parser meets the goals on it', () => {
    const judged = loadAttribution();
    let n = 0;
    let role = 0;
    let name = 0;
    for (const j of judged.interviews) {
      const iv = parseInterview(readFileSync(join(corporaDir, j.file), 'utf8'));
      const r = scoreInterview(iv, j);
      n += r.turns.length;
      role += r.turns.filter((t) => t.roleOk).length;
      name += r.turns.filter((t) => t.nameOk).length;
      expect(r.furnitureInQuotes, j.file).toEqual([]);
    }
    expect(judged.interviews.filter((j) => j.file.startsWith('asdc-dialogs/')).length).toBeGreaterThanOrEqual(
      20,
    );
    expect(role / n).toBeGreaterThanOrEqual(0.99);
    expect(name / n).toBeGreaterThanOrEqual(0.97);
  });
});
