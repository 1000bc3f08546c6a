/**
 * Queries typed as the question a reader wants answered (どうして役者になろうと思ったんですか): the
 * question's furniture and the segmenter's pieces of its inflections are not words to look for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { loadReadings } from '../../lib/text/readings.ts';

const needles = (q: string) => compileQuery(q).needles;

describe('a question typed as a query', () => {
  it('drops the pieces the segmenter cuts from an inflection (な|ろうと, 思|っ|たん, 続|けたい)', () => {
    expect(needles('どうして役者になろうと思ったんですか')).toEqual(['役者', '思']);
    expect(needles('結婚しても仕事を続けたいですか')).toEqual(['結婚', '仕事', '続']);
    // 朴葉|味噌 typed side by side is one compound, marked whole where a quote says it.
    expect(needles('朴葉味噌を食べたい')).toEqual(['朴葉', '味噌', '食', '朴葉味噌']);
  });

  it('reads a copula or an explained する after a noun as grammar (大変でしたか, 起業したんですか)', () => {
    expect(needles('子育てをしながら働くのは大変でしたか')).toEqual(['子育テ', '働ク', '大変']);
    expect(needles('なぜ起業したんですか')).toEqual(['起業']);
  });

  it('drops question words beside a subject, keeps them alone', () => {
    expect(needles('モデルになったきっかけは何ですか')).toEqual(['モデル', 'キッカケ']);
    expect(needles('ストレスはどうやって解消していますか')).toEqual(['ストレス', '解消']);
    expect(needles('なぜ')).toEqual(['ナゼ']);
    expect(needles('何')).toEqual(['何']);
  });

  it('reads particles of several kana as the space between words (結婚について, 家族にとって)', () => {
    expect(needles('結婚について')).toEqual(['結婚']);
    expect(needles('けっこんについて')).toEqual(['ケッコン']);
    expect(needles('家族にとって大切なこと')).toEqual(['家族', '大切']);
    expect(needles('仕事としての料理')).toEqual(['仕事', '料理']);
    expect(needles('仕事について教えてください')).toEqual(['仕事']);
    // The verb 落として and ほっとして are not として; typed alone, について is what was looked for.
    expect(needles('落としてしまった')).toEqual(['落トシ']);
    expect(needles('について')).toEqual(['ニツイテ']);
  });

  it('keeps kana words that start a word: after a particle, an adjective, a noun, a describing verb, お', () => {
    expect(needles('大きなゆめ')).toContain('ユメ');
    expect(needles('仕事とやりがい')).toEqual(['仕事', 'ヤリガイ']);
    expect(needles('家族みんなで泊まれる宿')).toContain('ミンナ');
    expect(needles('清潔感のあるきれいな宿がいい')).toContain('キレイ');
    expect(needles('越前ガニとおそばを食べたい')).toContain('ソバ');
    expect(needles('キャンセル料がいつからかかるか知りたい')).toContain('カカル');
  });
});

describe('a question finds its answer, not the quotes sharing its grammar', () => {
  const interviews: Interview[] = [
    parseInterview(
      [
        '聞き手：子どもの頃の夢は何でしたか？',
        '藤原：サッカー選手になりたかったんですが、ある時に演劇の世界に入って役者になりました。',
        '聞き手：撮影はどうでしたか？',
        '藤原：どうしてなんだろうと思ったんですよね。ずっとそう思っていたんです。',
        '聞き手：今は？',
        '藤原：演劇についてはまだ勉強中です。',
      ].join('\n'),
      { id: 'q', format: 'prefixed' },
    ),
  ];
  let index: QuoteIndex;

  beforeAll(async () => {
    index = new QuoteIndex({ readings: await loadReadings() });
    for (const i of interviews) index.upsertInterview(i);
  }, 60_000);

  it('finds a subject typed with について as it finds the subject alone', () => {
    const ids = (q: string) => index.search({ q, limit: 10 }).hits.map((h) => h.quoteId);
    // Both quotes say 演劇; only one says について, and it was needed.
    expect(ids('演劇について').sort()).toEqual(['q-t002', 'q-t006']);
  });

  it('ranks the answer first and marks only its subject', () => {
    const page = index.search({ q: 'どうして役者になろうと思ったんですか', limit: 5 });
    expect(page.hits[0]?.quoteId).toBe('q-t002');
    // どうして, ろうと and たん were words: the quote saying them matched and was marked.
    const other = page.hits.find((h) => h.quoteId === 'q-t004');
    expect(other?.highlight.html ?? '').not.toMatch(/<mark>(どうして|たん|ろうと)/);
    expect(page.hits[0]?.highlight.html).toContain('<mark>役者</mark>');
  });
});
