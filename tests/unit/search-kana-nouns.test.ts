/**
 * Nouns the text writes with kana beside their kanji (好き, お金, 気持ち) are found by the kana
 * typed for them (すき, おかね, きもち): their reading is read from the word as written, in its
 * context, since the index's term folds the kana (好キ, オ金) into something kuromoji cannot read.
 * A noun is read only where kuromoji sees one in the sentence: 試し of 試したわ is a verb's stem.
 * So is a word of one kanji that is a noun of its own there (夢 ゆめ, 鼻 はな), not 人 of 3人.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex, tokenizeInterview } from '../../lib/search/index.ts';
import { loadReadings, type ReadingAnalyzer } from '../../lib/text/readings.ts';

function iv(id: string, lines: string[]): Interview {
  return parseInterview(lines.join('\n'), { id, format: 'prefixed' });
}

const nouns = iv('w', [
  '聞き手：映画は？',
  '田中：本当に好きです。',
  '聞き手：生活は？',
  '田中：お金がなくて大変でした。',
  '聞き手：その時は？',
  '田中：悔しい気持ちでいっぱいでした。',
  '聞き手：新しい役は？',
  '田中：禁欲主義を試したわ。',
  '聞き手：サンプルは？',
  '田中：お試しで使ってみました。',
  '聞き手：貯金は？',
  '田中：毎月少しずつ貯めています。',
]);

let readings: ReadingAnalyzer;
let index: QuoteIndex;

beforeAll(async () => {
  readings = await loadReadings();
  index = new QuoteIndex({ readings });
  index.upsertInterview(nouns);
}, 60_000);

const ids = (q: string, from: QuoteIndex = index) =>
  from.search({ q, limit: 20 }, () => nouns).hits.map((h) => h.quoteId);

describe('the reading of a noun written with kana, in its context', () => {
  it('reads the noun as written (好き スキ, お金 オカネ, 気持ち キモチ)', () => {
    expect(readings.written?.('好き', 'んに', 'です')).toEqual(['スキ']);
    expect(readings.written?.('お金', '', 'がな')).toEqual(['オカネ']);
    expect(readings.written?.('気持ち', 'しい', 'でい')).toEqual(['キモチ']);
  });

  it('reads nothing where kuromoji sees no noun in the sentence (試し of 試したわ is a verb)', () => {
    expect(readings.written?.('試し', '義を', 'たわ')).toEqual([]);
    // The same word before a particle, or after お, is the noun.
    expect(readings.written?.('試し', 'お', 'で使')).toEqual(['タメシ']);
  });

  it('keeps only the nouns within the word, whatever the context reads', () => {
    // 金持ち spans the word お金 and its context: no reading of it is the word's.
    expect(readings.written?.('お金', '', '持ち')).not.toContain('カネモチ');
  });

  it('stops the context at punctuation (the same key, read once)', () => {
    expect(readings.written?.('好き', '。', '。」')).toEqual(readings.written?.('好き', '', '') ?? ['?']);
  });
});

describe('kana typed for a noun written with kana finds it', () => {
  it.each([
    ['すき', 'w-t002'],
    ['おかね', 'w-t004'],
    ['きもち', 'w-t006'],
    ['ためし', 'w-t010'],
  ])('%s finds %s', (q, id) => {
    expect(ids(q)).toContain(id);
  });

  it('ため, two hiragana typed alone, is not completed to ためし (お試し), nor すき to スキル', () => {
    expect(ids('ため')).toEqual([]);
    expect(ids('ためし')).toContain('w-t010');
    const skill = iv('s', [
      '聞き手：必要なのは？',
      '田中：スキルです。',
      '聞き手：趣味は？',
      '田中：結婚して変わりました。',
    ]);
    const local = new QuoteIndex({ readings });
    local.upsertInterview(skill);
    const found = (q: string) => local.search({ q, limit: 20 }, () => skill).hits.map((h) => h.quoteId);
    expect(found('すき')).toEqual([]);
    expect(found('すきる')).toEqual(['s-t002']);
    // Three kana complete as typed; one kana finds the words starting with it.
    expect(found('けっこ')).toEqual(['s-t004']);
    expect(found('け')).toEqual(['s-t004']);
  });

  it('ため finds neither 試したわ (a verb) nor 貯めています', () => {
    expect(ids('ため')).not.toContain('w-t008');
    expect(ids('ため')).not.toContain('w-t012');
    expect(ids('ためし')).not.toContain('w-t008');
  });

  it('marks the noun as the quote writes it', () => {
    const hit = index.search({ q: 'すき' }, () => nouns).hits.find((h) => h.quoteId === 'w-t002');
    expect(hit?.highlight.html).toBe('本当に<mark>好き</mark>です。');
    const money = index.search({ q: 'おかね' }, () => nouns).hits.find((h) => h.quoteId === 'w-t004');
    expect(money?.highlight.html).toBe('<mark>お金</mark>がなくて大変でした。');
  });

  it('keeps the readings through a snapshot (a reader has no dictionary)', () => {
    const loaded = QuoteIndex.fromSnapshot(index.toSnapshot());
    expect(ids('すき', loaded)).toContain('w-t002');
    expect(ids('きもち', loaded)).toContain('w-t006');
  });

  it('counts the same readings from tokens a worker made', () => {
    const fromWorker = new QuoteIndex({ readings });
    fromWorker.upsertInterview(nouns, new Map(), structuredClone(tokenizeInterview(nouns)));
    for (const q of ['すき', 'おかね', 'きもち', 'ためし', 'ため'])
      expect(ids(q, fromWorker), q).toEqual(ids(q));
  });

  it('an analyzer without `written` still reads the kanji terms (結婚 → けっこん)', () => {
    const plain = Object.assign((w: string) => readings(w), { dictionary: readings.dictionary });
    const local = new QuoteIndex({ readings: plain });
    const married = iv('x', ['聞き手：最近は？', '田中：去年結婚しました。好きな人と。']);
    local.upsertInterview(married);
    const found = (q: string) => local.search({ q, limit: 20 }, () => married).hits.map((h) => h.quoteId);
    expect(found('けっこん')).toEqual(['x-t002']);
    expect(found('すき')).toEqual([]);
  });
});

const single = iv('k', [
  '聞き手：子供の頃は？',
  '田中：夢を見ていました。花が好きでした。',
  '聞き手：顔は？',
  '田中：鼻が高いと言われます。',
  '聞き手：旅行は？',
  '田中：3人で行きました。その中で一番楽しかったです。',
  '聞き手：誰と？',
  '田中：その時に恵介が来ました。',
  '聞き手：体調は？',
  '田中：体が資本ですから。',
]);

describe('a word of one kanji that is a noun of its own in its sentence', () => {
  let local: QuoteIndex;
  beforeAll(() => {
    local = new QuoteIndex({ readings });
    local.upsertInterview(single);
  });
  const found = (q: string) => local.search({ q, limit: 20 }, () => single).hits.map((h) => h.quoteId);

  it('reads the kanji in its context (夢 ユメ, 体 カラダ, 鼻 ハナ)', () => {
    expect(readings.written?.('夢', '', 'を見て')).toEqual(['ユメ']);
    expect(readings.written?.('体', '', 'が資本')).toEqual(['カラダ']);
    expect(readings.written?.('鼻', '', 'が高い')).toEqual(['ハナ']);
  });

  it('reads no counter, dependent noun, name, stem or one-kana reading', () => {
    expect(readings.written?.('人', '3', 'で行き')).toEqual([]);
    expect(readings.written?.('中', 'その', 'で一')).toEqual([]);
    expect(readings.written?.('恵', '時に', '介が来')).toEqual([]);
    expect(readings.written?.('楽', '一番', 'しかっ')).toEqual([]);
    expect(readings.written?.('見', '夢を', 'ていま')).toEqual([]);
    // 目 メ: one kana, shared with too many words.
    expect(readings.written?.('目', '', 'が大き')).toEqual([]);
  });

  it.each([
    ['ゆめ', ['k-t002']],
    ['からだ', ['k-t010']],
  ])('%s finds %j', (q, want) => {
    expect(found(q)).toEqual(want);
  });

  it('はな finds both spellings (花, 鼻)', () => {
    expect(found('はな').sort()).toEqual(['k-t002', 'k-t004']);
  });

  it('ひと, なか, らく, めぐみ find nothing (3人, その中で, 楽しかった, 恵介)', () => {
    for (const q of ['ひと', 'なか', 'らく', 'めぐみ']) expect(found(q), q).toEqual([]);
  });

  it('marks the kanji the reading found', () => {
    const hit = local.search({ q: 'ゆめ' }, () => single).hits[0];
    expect(hit?.highlight.html).toBe('<mark>夢</mark>を見ていました。花が好きでした。');
  });

  it('marks each spelling of a shared reading where a quote says it (はな: 花 and 鼻), after a snapshot too', () => {
    for (const from of [local, QuoteIndex.fromSnapshot(local.toSnapshot())]) {
      const marked = new Map(
        from.search({ q: 'はな' }, () => single).hits.map((h) => [h.quoteId, h.highlight.html]),
      );
      expect(marked.get('k-t002')).toBe('夢を見ていました。<mark>花</mark>が好きでした。');
      expect(marked.get('k-t004')).toBe('<mark>鼻</mark>が高いと言われます。');
    }
  });
});

const pronouns = iv('p', [
  '聞き手：休日は？',
  '田中：僕はずっと寝ています。',
  '聞き手：恋人は？',
  '田中：彼女とは三年目です。',
  '聞き手：相手は？',
  '田中：俺にはもったいない人です。',
  '聞き手：好きな食べ物は？',
  '田中：何が好きかと言われると困ります。',
]);

describe('a personal pronoun written with a kanji', () => {
  let local: QuoteIndex;
  beforeAll(() => {
    local = new QuoteIndex({ readings });
    local.upsertInterview(pronouns);
  });
  const found = (q: string) => local.search({ q, limit: 20 }, () => pronouns).hits.map((h) => h.quoteId);

  it('is read (僕 ボク, 俺 オレ, 彼女 カノジョ) where other pronouns are not (何)', () => {
    expect(readings.written?.('僕', '', 'はずっ')).toEqual(['ボク']);
    expect(readings.written?.('俺', '', 'には')).toEqual(['オレ']);
    expect(readings('彼女')).toEqual(['カノジョ']);
    expect(readings.written?.('何', '', 'が好き')).toEqual([]);
  });

  it.each([
    ['ぼく', ['p-t002']],
    ['おれ', ['p-t006']],
    ['かのじょ', ['p-t004']],
    ['なに', []],
  ])('%s finds %j', (q, want) => {
    expect(found(q)).toEqual(want);
  });

  it('marks the kanji the reading found (ぼく: 僕), after a snapshot too', () => {
    for (const from of [local, QuoteIndex.fromSnapshot(local.toSnapshot())]) {
      const hit = from.search({ q: 'ぼく' }, () => pronouns).hits[0];
      expect(hit?.highlight.html).toBe('<mark>僕</mark>はずっと寝ています。');
    }
  });
});
