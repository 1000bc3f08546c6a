/**
 * Numbers counted with the counter か, whichever way it is written (3ヶ月, 3カ月, 3か月, 3ヵ月, 3ケ月,
 * 3箇月; 一ヶ月 for 1ヶ月): one term, so each spelling typed finds the others, and 6か月 is not June.
 */
import { describe, expect, it } from 'vitest';
import { QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { analyze, indexTerms } from '../../lib/text/analyze.ts';
import { prefixedInterview } from '../helpers/readings-index.ts';

const index = new QuoteIndex();
index.upsertInterview(
  prefixedInterview('a', [
    '聞き手：準備にはどれくらい？',
    '鈴木：3ヶ月かけて準備しました。',
    '聞き手：発売は？',
    '鈴木：6月に発売です。3月には間に合いませんでした。',
    '聞き手：減量は？',
    '鈴木：6か月で10キロ痩せました。',
    '聞き手：ツアーは？',
    '鈴木：3カ所を回りました。',
    '聞き手：休みは？',
    '鈴木：一ヶ月休みました。',
    '聞き手：チケットは？',
    '鈴木：1000円でした。',
    '聞き手：グッズは？',
    '鈴木：1,000円のタオルです。',
  ]),
);

const texts = (q: string) => index.search({ q }).hits.map((h) => h.text);
const marks = (q: string) =>
  index
    .search({ q })
    .hits.flatMap((h) => [...h.highlight.html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]));

describe('a number counted with か', () => {
  it('finds six months for 6か月 typed, not June', () => {
    expect(texts('6か月')).toEqual(['6か月で10キロ痩せました。']);
    expect(texts('６ヶ月')).toEqual(['6か月で10キロ痩せました。']);
    expect(marks('6ヶ月')).toEqual(['6か月']);
  });

  it('finds the count in every spelling of the counter, and marks it as the text writes it', () => {
    for (const q of ['3か月', '3ヶ月', '3カ月', '3ヵ月', '3ケ月', '3箇月']) {
      expect(texts(q), q).toEqual(['3ヶ月かけて準備しました。']);
      expect(marks(q), q).toEqual(['3ヶ月']);
    }
  });

  it('keeps what is counted apart: three months are not three places', () => {
    expect(texts('3か所')).toEqual(['3カ所を回りました。']);
    expect(texts('3ヶ月')).not.toContain('3カ所を回りました。');
  });

  it('reads a one-digit kanji numeral as its digit', () => {
    expect(texts('1か月')).toEqual(['一ヶ月休みました。']);
    expect(marks('1ヶ月')).toEqual(['一ヶ月']);
  });

  it('does not read 何か (something) before a word as a count', () => {
    const kinds = (s: string) =>
      analyze(s)
        .filter((t) => t.kind === 'count')
        .map((t) => t.term);
    expect(kinds('何か所属している団体は')).toEqual([]);
    expect(kinds('何か国際的な仕事')).toEqual([]);
    expect(kinds('何ヶ所か回った')).toEqual(['何ヶ所']);
    expect(kinds('数か月後に')).toEqual(['数ヶ月']);
    expect(kinds('13カ国語を話す')).toEqual(['13ヶ国']);
  });

  it('leaves the tagger its terms: the count term is the index’s only', () => {
    expect(indexTerms('3か月かけた')).not.toContain('3ヶ月');
    expect(analyze('3か月かけた').map((t) => t.term)).toContain('3ヶ月');
  });

  it('answers as before on an index built without count terms', () => {
    const old = { known: (t: string) => (t === '3ヶ月' ? 0 : 1) };
    const compiled = compileQuery('3ヶ月', 'hybrid', undefined, undefined, old);
    expect(JSON.stringify(compiled.query)).toContain('"3ヶ"');
    expect(JSON.stringify(compiled.query)).not.toContain('"3ヶ月"');
  });
});

describe('a number written with a thousands separator', () => {
  it('finds the amount however its digits are grouped', () => {
    expect(texts('1,000円').sort()).toEqual(['1,000円のタオルです。', '1000円でした。']);
    expect(texts('1000円').sort()).toEqual(['1,000円のタオルです。', '1000円でした。']);
  });
});
