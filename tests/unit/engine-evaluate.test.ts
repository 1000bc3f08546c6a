/** Evaluation of the engine's query tree, and BM25 written once. */
import { describe, expect, it } from 'vitest';
import { Engine, type EngineDoc, type FieldTerms } from '../../lib/search/engine/index.ts';
import { bm25, D, idf, K1, lengthNorm } from '../../lib/search/engine/scoring.ts';
import { and, or, type QueryNode, term, weighted } from '../../lib/search/engine/tree.ts';

function field(...terms: string[]): FieldTerms {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
  return { terms: m, length: terms.length };
}

function doc(ordinal: number, text: string[], extra: Partial<EngineDoc> = {}): EngineDoc {
  return {
    ordinal,
    role: 0,
    question: -1,
    tags: [],
    text: field(...text),
    speaker: field(),
    section: field(),
    ...extra,
  };
}

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

describe('BM25', () => {
  it('grows with tf, saturates, and shrinks with length', () => {
    const avg = 10;
    expect(bm25(2, lengthNorm(10, avg))).toBeGreaterThan(bm25(1, lengthNorm(10, avg)));
    expect(bm25(1000, lengthNorm(10, avg))).toBeLessThan(D + K1 + 1);
    expect(bm25(1, lengthNorm(40, avg))).toBeLessThan(bm25(1, lengthNorm(5, avg)));
    expect(idf(1, 100)).toBeGreaterThan(idf(50, 100));
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
