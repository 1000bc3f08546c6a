/**
 * A verb typed in kana also finds the other verb of its transitive/intransitive pair (夢をかなえた:
 * 夢が叶った; しゅつえんがきまった: 出演を決めました), ranked below the verb as typed; a verb of no
 * pair, and a homophone's kana (かえる: 帰る too), find nothing more.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../lib/search/query.ts';
import { dictionaryFormTerm, writtenVerbTerm } from '../../lib/text/deinflect.ts';
import { pairedVerb, verbPairs } from '../../lib/text/verb-pairs.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

describe('the table of pairs', () => {
  it('maps each verb, by its kana and by its kanji, to the other', () => {
    expect(pairedVerb('かなえる')?.written).toBe('叶う');
    expect(pairedVerb('叶う')?.written).toBe('叶える');
    expect(pairedVerb('きまる')?.kana).toBe('きめる');
    // かえる typed may be 帰る: no key; 変える written is.
    expect(pairedVerb('かえる')).toBeUndefined();
    expect(pairedVerb('変える')?.written).toBe('変わる');
    expect(pairedVerb('たべる')).toBeUndefined();
  });

  it('lists every verb once, with kana of the verb as a dictionary form', () => {
    const all = verbPairs().flat();
    expect(new Set(all.map((v) => v.written)).size).toBe(all.length);
    for (const v of all) expect(v.kana, v.written).toMatch(/^[\u3041-\u3096]+[うくぐすつぬぶむる]$/u);
  });
});

/** Every term of a compiled query's tree, with its weight. */
function terms(q: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const o = n as { kind?: string; term?: string; weight?: number; children?: unknown[]; slots?: unknown[] };
    if (o.kind === 'term' && o.term !== undefined) out.set(o.term, o.weight ?? 1);
    for (const c of [...(o.children ?? []), ...(o.slots ?? [])]) walk(c);
    walk((o as { node?: unknown }).node);
    walk((o as { child?: unknown }).child);
  };
  walk(compileQuery(q).query);
  return out;
}

describe('a kana verb of a pair', () => {
  it('asks for the other verb, written and read, below the verb typed', () => {
    const t = terms('かなった');
    expect(t.get(writtenVerbTerm('叶える'))).toBe(0.5);
    expect(t.get(dictionaryFormTerm('カナエル'))).toBe(0.5);
    expect(t.get(dictionaryFormTerm('カナウ'))).toBeGreaterThan(0.5);
  });

  it('asks for a homophone only by its kanji (かわった: 変える, never カエル)', () => {
    const t = terms('かわった');
    expect(t.get(writtenVerbTerm('変える'))).toBe(0.5);
    expect(t.has(dictionaryFormTerm('カエル'))).toBe(false);
  });

  it('asks for nothing more for a verb of no pair', () => {
    expect([...terms('たべた').keys()].some((k) => k.startsWith('\u0006'))).toBe(false);
  });
});

const talk = prefixedInterview('p', [
  '聞き手：子どもの頃の夢は？',
  '田中：夢が叶いました。',
  '聞き手：お父さんには？',
  '高橋：お父さんには夢をかなえてほしいです。',
  '聞き手：今は？',
  '鈴木：夢を見る毎日です。',
  '聞き手：出演は？',
  '佐藤：脚本に惹かれて出演を決めました。',
  '聞き手：いつ？',
  '伊藤：出演が決まったのは去年です。',
  '聞き手：帰りは？',
  '山本：自分の家に帰りました。',
  '聞き手：その後は？',
  '中村：自分を変えたのは旅です。',
]);

const { ids, index } = readingsIndex(talk, 10);

/**
 * The quotes with every word, in rank order, and how many the page says have them: a phrase typed
 * with kana that fewer than RELAX_BELOW quotes say whole lists them first, then quotes with one of
 * its words (夢 alone, 出演 alone), which are not what these tests are about.
 */
function everyWord(q: string): { count: number | undefined; first: string[] } {
  const page = index().search({ q, limit: 10 }, () => talk);
  return { count: page.everyWord, first: page.hits.slice(0, page.everyWord ?? 0).map((h) => h.quoteId) };
}

describe('searching a pair on real readings', () => {
  it('ゆめがかなった finds 夢をかなえて too, after 夢が叶いました', () => {
    expect(everyWord('ゆめがかなった')).toEqual({ count: 2, first: ['p-t002', 'p-t004'] });
  });

  it('ゆめをかなえた finds 夢が叶いました too, after 夢をかなえて', () => {
    expect(everyWord('ゆめをかなえた')).toEqual({ count: 2, first: ['p-t004', 'p-t002'] });
  });

  it('しゅつえんがきまった ranks 出演が決まった first, then 出演を決めました', () => {
    expect(everyWord('しゅつえんがきまった')).toEqual({ count: 2, first: ['p-t010', 'p-t008'] });
    // 出演 alone (the question 出演は？) only after both.
    expect(ids('しゅつえんがきまった').slice(2)).toEqual(['p-t007']);
  });

  it('じぶんがかわった finds 自分を変えた, not 家に帰りました (かえる is 帰る too)', () => {
    expect(ids('じぶんがかわった')).toEqual(['p-t014']);
  });
});
