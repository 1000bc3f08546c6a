/**
 * A compound typed as one written word that the segmenter splits at a kanji (役|作り, 人間|性) is
 * looked for as written: its parts side by side, which the index's kanji pairs across the cut prove
 * (役作, 間性), and marked whole. Before, it was its parts anywhere in the quote: 役作り listed 役者 …
 * 雰囲気作り, and 人間性 the quotes saying 人間関係 … 関係性.
 */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import { answersIndex } from '../helpers/answers-index.ts';

// Quotes of the livedoor interviews (detail-6419379 t004, detail-4761664 t013, detail-5878782 t016,
// detail-4757036 t006), shortened; one written for the test (役 and 体作り: the parts apart, 役 a
// word of its own as the segmenter cuts it); and filler turns so that idf is real.
const QUOTES = [
  '私はそのイメージを手がかりにして、役作りを始めました。',
  '今回はおバカさんの役なので、まずは体作りから始めました。',
  'ゴルフの場合は性格が出るので、人間性での総合点が浮かび上がってくると思います。',
  '普通ではあり得ない人間関係について描かれていて、彼らの関係性がどう変わるかも見どころです。',
  'メイク一つとっても長い時間をかけて作り上げていくし、やってみないと分からない苦労がありました。',
];

describe('compileQuery', () => {
  it('reads kanji words typed side by side as one compound, with the pairs across each cut', () => {
    expect(compileQuery('役作り').compounds).toEqual([
      {
        whole: '役作リ',
        parts: ['役', '作リ'],
        grams: ['役作'],
        checked: false,
        near: '役(?:[ヲノガニトヘデナ][ノモ]?)?作(?=[\\u30A1-\\u30FA])',
      },
    ]);
    expect(compileQuery('人間関係の悩み').compounds.map((c) => c.grams)).toEqual([['間関']]);
  });

  it('finds none where a kana stands between the words or nothing was split', () => {
    expect(compileQuery('好きな食べ物').compounds).toEqual([]);
    expect(compileQuery('にんげんかんけい').compounds).toEqual([]);
    expect(compileQuery('結婚').compounds).toEqual([]);
  });
});

describe('a compound the segmenter splits is searched as written', () => {
  const index = answersIndex(QUOTES);
  const texts = (q: string) => index.search({ q, limit: 10 }).hits.map((h) => h.text);

  it('lists the quote saying 役作り, not the one saying 役 … 体作り', () => {
    expect(texts('役作り')).toEqual([QUOTES[0]]);
  });

  it('lists the quote saying 人間性, not 人間関係 … 関係性', () => {
    expect(texts('人間性')).toEqual([QUOTES[2]]);
  });

  it('marks the compound whole, and its parts nowhere else in that quote', () => {
    const page = index.search({ q: '役作り', limit: 10 });
    expect(page.hits[0]?.highlight.html).toContain('<mark>役作り</mark>');
    const other = answersIndex(['役作りの前に、役者として雰囲気作りを大事にしました。']);
    const html = other.search({ q: '役作り', limit: 10 }).hits[0]?.highlight.html ?? '';
    expect(html).toContain('<mark>役作り</mark>');
    expect(html).not.toContain('<mark>役</mark>');
    expect(html).not.toContain('<mark>作り</mark>');
  });

  it('still finds the parts apart, as every word, when no quote says the compound', () => {
    const page = index.search({ q: '性格人間', limit: 10 });
    expect(page.matched).toBe('all');
    expect(page.hits.length).toBeGreaterThan(0);
  });

  it('asks the adjacency of the compound as typed, not of its spelling variants', () => {
    const dict = new VariantDictionary();
    const withVariants = new QuoteIndex({ variants: (f) => dict.variantsOf(f) });
    withVariants.upsertInterview(
      parseInterview(
        [
          '聞き手：働き方は？',
          '山田：週に三日はテレワークで、家から仕事をしています。',
          '聞き手：会社では？',
          '山田：在宅の日も勤務時間は同じです。',
        ].join('\n'),
        { id: 'v', format: 'prefixed' },
      ),
    );
    const found = withVariants.search({ q: '在宅勤務', limit: 10 }).hits.map((h) => h.text);
    expect(found).toEqual(['週に三日はテレワークで、家から仕事をしています。']);
  });

  it('ranks the quote saying the compound first in a sentence, and keeps those matching its other words', () => {
    const found = texts('役作りで苦労したこと');
    expect(found[0]).toBe(QUOTES[0]);
    // The kanji pair ranks without raising the share of the sentence a quote must match.
    expect(found).toContain(QUOTES[4]);
  });
});
