/**
 * Compounds the index cannot settle alone, decided by the quote texts at render:
 * - said with a particle between two parts (感情を表現, 監督の作品, 役を作る) a compound means the same,
 *   and such a quote is listed after those saying it as typed; parts far apart are not;
 * - written with okurigana or katakana at a cut (飲み会, 作り方, ママ友, 合コン), no kanji pair spans
 *   the cut: a quote is listed where its text (or its question) says the compound.
 * When no quote says a compound either way, its parts anywhere are listed (the loose fallback).
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, nearPattern } from '../../lib/search/query.ts';
import { answersIndex } from '../helpers/answers-index.ts';

const near = (parts: string[], text: string) => {
  const p = nearPattern(parts);
  return p !== null && new RegExp(p, 'u').test(text);
};

describe('compileQuery: compounds the texts decide', () => {
  it('marks words joined by okurigana or across katakana and kanji as a checked compound', () => {
    for (const [q, whole] of [
      ['飲み会', '飲ミ会'],
      ['ママ友', 'ママ友'],
      ['合コン', '合コン'],
    ] as const) {
      const c = compileQuery(q).compounds;
      expect(c.map((x) => [x.whole, x.checked, x.grams.length, x.near])).toEqual([[whole, true, 0, null]]);
    }
  });

  it('joins no adjective, particle or verb form to the noun after it', () => {
    for (const q of ['好きな食べ物', '美味しい料理', '高い山', '親に反対された'])
      expect(compileQuery(q).compounds.filter((c) => c.checked)).toEqual([]);
  });

  it('lets a particle stand between two words of a compound, not before a one-kanji suffix', () => {
    expect(near(['感情', '表現'], '重要ナ感情ヲ表現スル')).toBe(true);
    expect(near(['人間', '関係'], '人間トノ関係')).toBe(true);
    expect(near(['感情', '表現'], '感情ガ出ル。表現')).toBe(false);
    expect(nearPattern(['世界', '観'])).toBeNull();
    expect(nearPattern(['人間', '性'])).toBeNull();
    // A part written with okurigana is its kanji then kana: 役を作る, not 役の作品.
    expect(near(['役', '作リ'], '役ヲ作ル上デ')).toBe(true);
    expect(near(['役', '作リ'], '役ノ作品')).toBe(false);
  });
});

describe('a compound said with a particle between its parts', () => {
  const QUOTES = [
    // detail-5861812 t006, t014 (shortened), and one written for the test: the parts far apart.
    '監督は感情表現の部分でいろいろな事を話してくださいました。',
    '重要な感情を表現が求められるシーンの前には、親しさが出るようにしました。',
    'つい感情が出てしまうことが多かったのですが、表現の仕方は色々あると知りました。',
  ];
  const index = answersIndex(QUOTES);

  it('is listed after the quotes saying it as typed; parts far apart are not', () => {
    const page = index.search({ q: '感情表現', limit: 10 });
    expect(page.hits.map((h) => h.text)).toEqual([QUOTES[0], QUOTES[1]]);
    expect(page.total).toBe(2);
    expect(page.matched).toBe('all');
  });

  it('is marked whole where the particle splits it', () => {
    const page = index.search({ q: '感情表現', limit: 10 });
    expect(page.hits[1]?.highlight.html).toContain('<mark>感情を表現</mark>');
  });

  it('is listed alone when no quote says it as typed', () => {
    const other = answersIndex([QUOTES[1] as string, QUOTES[2] as string]);
    expect(other.search({ q: '感情表現', limit: 10 }).hits.map((h) => h.text)).toEqual([QUOTES[1]]);
  });
});

describe('a compound with kana at a cut', () => {
  const QUOTES = [
    // detail-6828491 t008, detail-5274747 t014 (shortened); the others written for the test.
    'ごくたまに飲み会にいたりしますね。',
    'よくお茶を飲んでいます。その会には毎年出ています。',
    '合コンってチームプレーなので、チームが巧く機能していると盛り上げやすいんです。',
    '場合によってはコンサートに行くこともあります。',
  ];
  const index = answersIndex(QUOTES);
  const texts = (q: string) => index.search({ q, limit: 10 }).hits.map((h) => h.text);

  it('lists the quotes saying it, not its parts apart (飲 … 会, 場合 … コンサート)', () => {
    expect(texts('飲み会')).toEqual([QUOTES[0]]);
    expect(texts('合コン')).toEqual([QUOTES[2]]);
  });

  it('marks it whole', () => {
    expect(index.search({ q: '飲み会', limit: 10 }).hits[0]?.highlight.html).toContain('<mark>飲み会</mark>');
  });

  it('lists its parts anywhere when no quote says it', () => {
    const other = answersIndex([QUOTES[1] as string]);
    const page = other.search({ q: '飲み会', limit: 10 });
    expect(page.hits.map((h) => h.text)).toEqual([QUOTES[1]]);
    expect(page.matched).toBe('all');
  });
});
