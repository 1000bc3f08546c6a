/**
 * A hit found by the reading of a word written with kana (すき → 好き) is marked where the quote
 * writes the word, whatever written form the reading's index term keeps (スキ's may be スキー).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { loadReadings } from '../../lib/text/readings.ts';

let index: QuoteIndex;

beforeAll(async () => {
  index = new QuoteIndex({ readings: await loadReadings() });
  index.upsertInterview(
    parseInterview(
      [
        '聞き手：冬は何をしますか？',
        '山田：スキーに行きます。',
        '聞き手：猫は？',
        '山田：私は猫が好きです。',
        '聞き手：お財布は？',
        '山田：お金はあまり使いません。',
        '聞き手：春は？',
        '山田：庭の花がきれいです。',
        '聞き手：花粉症は？',
        '山田：鼻がつまって大変です。',
      ].join('\n'),
      { id: 'r', format: 'prefixed' },
    ),
  );
}, 60_000);

const marked = (q: string, id: string) =>
  index.search({ q, limit: 10 }).hits.find((h) => h.quoteId === id)?.highlight.html ?? '(not found)';

describe('a word found by its reading is marked as the quote writes it', () => {
  it('marks 好き for すき, though スキ is also the folded スキー', () => {
    expect(marked('すき', 'r-t004')).toContain('<mark>好き</mark>');
    expect(marked('すき', 'r-t002')).toContain('<mark>スキー</mark>');
  });

  it('marks each one-kanji word a reading names: 花 and 鼻 for はな', () => {
    expect(marked('はな', 'r-t008')).toContain('<mark>花</mark>');
    expect(marked('はな', 'r-t010')).toContain('<mark>鼻</mark>');
  });

  it('marks お金 for おかね', () => {
    expect(marked('おかね', 'r-t006')).toContain('<mark>お金</mark>');
  });
});
