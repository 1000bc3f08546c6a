/**
 * What people type with its particles and units (found trying the product on the livedoor
 * interviews): a hiragana word the segmenter cuts into single kana inside a longer chunk
 * (はやぶさの映画) was lost, the query being 映画 alone; a number's unit was a word of its own
 * (年収400万: 年収, 400万 and 万, ranked by a share); ほれっぽい found none of the quotes saying
 * 惚れっぽい, and 惚れっぽい marked only 惚.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { loadReadings } from '../../lib/text/readings.ts';

function iv(id: string, lines: string[]): Interview {
  return parseInterview(lines.join('\n'), { id, format: 'prefixed' });
}

const talk = iv('k', [
  '聞き手：今回の作品は？',
  '監督：小惑星探査機はやぶさの映画です。',
  '聞き手：ほかには？',
  '監督：ピラミッドの映画も撮りました。',
  '聞き手：反響は？',
  '監督：希望を与えてくれたはやぶさですから。',
  '聞き手：撮影は？',
  '監督：撮影は本当に大変だった。',
  '聞き手：お金は？',
  '監督：年収は400万円くらいでした。',
  '聞き手：理想は？',
  '監督：年収1000万円の人がいいそうです。',
  '聞き手：結婚しやすい人は？',
  '白河：「惚れっぽい人」と必ずプロの人は言います。',
  '聞き手：第一印象は？',
  '三根：一目惚れの甘い気持ちでした。',
]);

/** The terms of a compiled query's slots, and whether each is required. */
function slots(q: string): Array<{ terms: string[]; required: boolean }> {
  const node = compileQuery(q).query;
  if (node?.kind !== 'match') return [];
  const termsOf = (n: unknown): string[] => {
    const x = n as { kind: string; term?: string; children?: unknown[]; child?: unknown };
    if (x.kind === 'term') return [x.term as string];
    return [...(x.children ?? []), ...(x.child ? [x.child] : [])].flatMap(termsOf);
  };
  return node.slots.map((s) => ({ terms: termsOf(s.node), required: s.required }));
}

describe('a hiragana word typed with its particle in a longer chunk', () => {
  it('is a required word of the query, the particle is not (はやぶさ|の映画, 映画の|はやぶさ)', () => {
    for (const q of ['はやぶさの映画', '映画のはやぶさ']) {
      const s = slots(q);
      expect(s).toHaveLength(2);
      expect(s.every((x) => x.required)).toBe(true);
      expect(s.some((x) => x.terms.includes('ハヤブサ'))).toBe(true);
      expect(compileQuery(q).needles).toContain('ハヤブサ');
    }
  });

  it('keeps grammar glued after a particle or a kanji out of the query (に|な|っ|た, だ|っ|た)', () => {
    for (const [q, words] of [
      ['病気になった', ['病気']],
      ['撮影は大変だった', ['撮影', '大変']],
      ['モデルになったきっかけ', ['モデル', 'キッカケ']],
    ] as const) {
      expect(compileQuery(q).needles).toEqual(words);
    }
  });

  it('keeps an inflection cut into kana after a particle out (傷つけることに|なるかもしれません)', () => {
    const needles = compileQuery('傷つけることになるかもしれませんからね').needles;
    expect(needles.some((n) => /シレ|ナル/.test(n))).toBe(false);
  });

  it('finds the quotes that say both, marking the word', () => {
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    // One quote says both words: a phrase typed with kana that fewer than RELAX_BELOW quotes say
    // whole lists it first, counted by everyWord (2 had はやぶさ been lost: 映画 alone is in two),
    // then the quotes with one of the words.
    for (const q of ['はやぶさの映画', '映画のはやぶさ']) {
      const page = index.search({ q, limit: 10 }, () => talk);
      expect(page, q).toMatchObject({ relaxed: true, everyWord: 1 });
      const ids = page.hits.map((h) => h.quoteId);
      expect(ids[0], q).toBe('k-t002');
      // The film about pyramids, which 映画 alone found first, only after it.
      expect(ids.slice(1).sort(), q).toEqual(['k-t004', 'k-t006']);
    }
    const hits = index.search({ q: 'はやぶさの映画', limit: 10 }, () => talk).hits;
    expect(hits[0]?.highlight.html).toBe('小惑星探査機<mark>はやぶさ</mark>の<mark>映画</mark>です。');
  });
});

describe('a number typed with its unit', () => {
  it('is one word with the word before it: 年収400万 needs 年収 and 400万, not 万', () => {
    const c = compileQuery('年収400万');
    expect(c.everyWord).toBe(true);
    expect(c.needles).toEqual(['年収', '400万']);
    expect(slots('年収400万').filter((s) => s.required)).toEqual([
      { terms: ['年収'], required: true },
      { terms: ['400万'], required: true },
    ]);
  });

  it('finds 400万円 for 年収400万, and marks the amount as the quote writes it', () => {
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    const hits = index.search({ q: '年収400万', limit: 10 }, () => talk).hits;
    expect(hits.map((h) => h.quoteId)).toEqual(['k-t010']);
    expect(hits[0]?.highlight.html).toBe('<mark>年収</mark>は<mark>400万円</mark>くらいでした。');
    expect(index.search({ q: '400万円', limit: 10 }, () => talk).hits.map((h) => h.quoteId)).toEqual([
      'k-t010',
    ]);
  });

  it('stays a word of a sentence (10分以内: 分 still finds 5分)', () => {
    const s = slots('駅から歩いて10分以内の宿');
    expect(s.some((x) => x.terms.includes('分'))).toBe(true);
    expect(s.some((x) => x.terms.includes('以内'))).toBe(true);
  });
});

describe('an adjective of a verb stem and っぽい', () => {
  let index: QuoteIndex;
  beforeAll(async () => {
    index = new QuoteIndex({ readings: await loadReadings() });
    index.upsertInterview(talk);
  }, 60_000);

  it('is found by its kana (ほれっぽい → 惚れっぽい), not by the verb alone (一目惚れ)', () => {
    const hits = index.search({ q: 'ほれっぽい', limit: 10 }, () => talk).hits;
    expect(hits.map((h) => h.quoteId)).toEqual(['k-t014']);
    expect(hits[0]?.highlight.html).toBe('「<mark>惚れっぽい</mark>人」と必ずプロの人は言います。');
  });

  it('is marked whole when typed with its kanji', () => {
    const hit = index
      .search({ q: '惚れっぽい', limit: 10 }, () => talk)
      .hits.find((h) => h.quoteId === 'k-t014');
    expect(hit?.highlight.html).toBe('「<mark>惚れっぽい</mark>人」と必ずプロの人は言います。');
  });
});
