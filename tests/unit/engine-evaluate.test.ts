/** Evaluation of the engine's query tree, and BM25 written once. */
import { describe, expect, it } from 'vitest';
import type { Matches } from '../../lib/search/engine/evaluate.ts';
import { Engine } from '../../lib/search/engine/index.ts';
import { bm25f, bm25fBound, D, idf, K1, lengthNorm } from '../../lib/search/engine/scoring.ts';
import { and, or, type QueryNode, term, weighted } from '../../lib/search/engine/tree.ts';
import { doc, field } from '../helpers/engine-docs.ts';

/** Docs (as ordinals) a tree matches in an engine of one interview. */
function engineOf(...texts: string[][]): Engine {
  const e = new Engine();
  e.add(
    'iv',
    field('題'),
    texts.map((t, i) => doc(i + 1, t)),
    new Map(),
  );
  return e;
}

function ordinals(e: Engine, q: QueryNode): number[] {
  const m = e.evaluate(q);
  return Array.from(m.docs, (d) => e.ordinalOf(d));
}

describe('BM25F', () => {
  it('grows with tf, saturates below its bound, and shrinks with length', () => {
    const avg = 10;
    const at = (tf: number, len: number) => bm25f(tf / lengthNorm(len, avg, 0.8), 1);
    expect(at(2, 10)).toBeGreaterThan(at(1, 10));
    expect(at(1000, 10)).toBeLessThan(bm25fBound(1));
    expect(bm25fBound(1)).toBe(D + K1 + 1);
    expect(at(1, 40)).toBeLessThan(at(1, 5));
    expect(idf(1, 100)).toBeGreaterThan(idf(50, 100));
  });

  it('counts a word in the text and in the question more than either, less than two words', () => {
    const e = new Engine();
    e.add(
      'iv',
      field(),
      [
        doc(1, ['副業', '時間'], { role: 1 }),
        doc(2, ['副業', '家族'], { question: 0 }),
        doc(3, ['家族', '副業']),
      ],
      new Map(),
    );
    const m = e.evaluate(term('副業'));
    const score = (ordinal: number) =>
      m.scores[Array.from(m.docs).findIndex((d) => e.ordinalOf(d) === ordinal)] ?? 0;
    // Answer 2 has 副業 in its text and its question's text: more than quote 3, text only.
    expect(score(2)).toBeGreaterThan(score(3));
    const two = e.evaluate({ kind: 'and', weight: 1, children: [term('副業'), term('家族')] });
    expect(two.scores[Array.from(two.docs).findIndex((d) => e.ordinalOf(d) === 3)]).toBeGreaterThan(score(2));
  });
});

describe('ranked matching (match node)', () => {
  const e = engineOf(['子育て', '副業', '時間', '作る'], ['副業', '時間'], ['子育て'], ['時間'], ['旅行']);
  const slot = (t: string, required = false) => ({ node: term(t), required });
  const query = (minShould: number, ...slots: Array<{ node: QueryNode; required: boolean }>): QueryNode => ({
    kind: 'match',
    slots,
    exclude: [],
    minShould,
    weight: 1,
  });

  it('ranks quotes by how much of the query they match, not only those matching every word', () => {
    const q = query(0.3, slot('子育て'), slot('副業'), slot('時間'), slot('作る'));
    const m = e.evaluate(q);
    const ranked = Array.from(m.docs, (d, i) => [e.ordinalOf(d), m.scores[i] ?? 0] as const).sort(
      (a, b) => b[1] - a[1],
    );
    expect(ranked[0]?.[0]).toBe(1);
    expect(ranked.map(([o]) => o)).toContain(2);
    expect(ranked.map(([o]) => o)).not.toContain(5);
  });

  it('drops quotes below the minimum share and keeps required words required', () => {
    const q = query(0.6, slot('子育て'), slot('副業'), slot('時間'), slot('作る'));
    expect(ordinals(e, q)).toEqual([1]);
    expect(ordinals(e, query(0, slot('時間', true), slot('副業')))).toEqual([1, 2, 4]);
  });

  it('excludes what an excluded node matches', () => {
    const q: QueryNode = {
      kind: 'match',
      slots: [slot('時間')],
      exclude: [term('副業')],
      minShould: 1,
      weight: 1,
    };
    expect(ordinals(e, q)).toEqual([4]);
  });

  it('gives the same top k with and without pruning, and says when it pruned', () => {
    const big = new Engine();
    const texts = Array.from({ length: 200 }, (_, i) =>
      i % 7 === 0 ? ['稀少', '普通'] : i % 2 ? ['普通'] : ['普通', '語'],
    );
    big.add(
      'iv',
      field(),
      texts.map((t, i) => doc(i + 1, t)),
      new Map(),
    );
    const q = query(0, slot('稀少'), slot('語'), slot('普通'));
    const top = (m: Matches) =>
      Array.from(m.docs, (d, i) => [d, m.scores[i] ?? 0] as const)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 5);
    const all = big.evaluate(q);
    const pruned = big.evaluate(q, new Set(), { topK: 5 });
    expect(top(pruned)).toEqual(top(all));
    expect(pruned.pruned).toBe(true);
    expect(all.pruned).toBe(false);
  });

  it('weighs interviewer turns down when asked (answers first)', () => {
    const x = new Engine();
    x.add('iv', field(), [doc(1, ['養蜂'], { role: 1 }), doc(2, ['養蜂'], { question: 0 })], new Map());
    const m = x.evaluate(query(1, slot('養蜂', true)), new Set(), { roleWeights: [1, 0.5, 1] });
    expect(m.scores[1]).toBeGreaterThan(m.scores[0] ?? 0);
  });
});

describe('query tree evaluation', () => {
  const e = engineOf(['介護', '仕事'], ['介護'], ['仕事', '副業'], ['副業']);

  it('intersects an and, unites an or', () => {
    expect(ordinals(e, and([term('介護'), term('仕事')]) as QueryNode)).toEqual([1]);
    expect(ordinals(e, or([term('介護'), term('副業')]) as QueryNode)).toEqual([1, 2, 3, 4]);
  });

  it('excludes what a not matches, and a lone not matches nothing', () => {
    const q: QueryNode = {
      kind: 'and',
      weight: 1,
      children: [term('仕事'), { kind: 'not', child: term('副業') }],
    };
    expect(ordinals(e, q)).toEqual([1]);
    expect(ordinals(e, { kind: 'not', child: term('副業') })).toEqual([]);
  });

  it('evaluates a phrase as its terms (the text is checked by the caller)', () => {
    const q: QueryNode = {
      kind: 'phrase',
      text: '仕事副業',
      weight: 1,
      child: and([term('仕事'), term('副業')]) as QueryNode,
    };
    expect(ordinals(e, q)).toEqual([3]);
  });

  it('multiplies scores by node weights', () => {
    const one = e.evaluate(term('副業'));
    const half = e.evaluate(weighted(term('副業'), 0.5));
    expect(Array.from(half.scores)).toEqual(Array.from(one.scores, (s) => s * 0.5));
  });

  it('reports matched terms except bigrams, and expands prefixes', () => {
    const terms = new Set<string>();
    e.evaluate(or([term('副', { prefix: true }), term('仕事', { gram: true })]) as QueryNode, terms);
    expect([...terms]).toEqual(['副業']);
  });

  it('scores an answer by its question’s text, through the question field', () => {
    const q = new Engine();
    q.add('iv', field(), [doc(1, ['養蜂'], { role: 1 }), doc(2, ['道具'], { question: 0 })], new Map());
    const m = q.evaluate(term('養蜂'));
    expect(Array.from(m.docs, (d) => q.ordinalOf(d))).toEqual([1, 2]);
    expect(m.fields[1]).toBe(16);
  });

  it('ignores removed interviews', () => {
    const x = engineOf(['介護']);
    x.add('other', field(), [doc(1, ['介護'])], new Map());
    x.remove('iv');
    expect(Array.from(x.evaluate(term('介護')).docs, (d) => x.keyOf(d))).toEqual(['other']);
  });
});
