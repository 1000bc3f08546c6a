/**
 * Ranked queries without a required word on the sorted-list path (sorted.ts's `rank`) against
 * the general evaluator, result by result: the same docs in the same order — the order the
 * general evaluator first touched them, which pages use to break ties — with the same scores,
 * fields and pruning. The corpora are random and built to reach what the real ones rarely do:
 * questions whose span holds docs that answer another question or none (an answer is touched at
 * its question, before the docs between them), terms in speaker, section and title fields
 * (touched after the text), prefix expansions and ANDs (units of their own), dead docs.
 */
import { describe, expect, it } from 'vitest';
import type { Matches } from '../../lib/search/engine/evaluate.ts';
import { Engine, type EngineDoc, type FieldTerms } from '../../lib/search/engine/index.ts';
import { TERM_LISTS } from '../../lib/search/engine/term-lists.ts';
import type { QueryNode } from '../../lib/search/engine/tree.ts';
import { field } from '../helpers/engine-docs.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  'かい',
  'かいしゃ',
  'かいぎ',
  'けい',
  'けいえい',
  'いん',
  'いんしょう',
  'もの',
  'ひと',
  'しゃ',
];

/** `textOnly`: no terms in speaker, section or title, so that a term's list is its text walk's alone (keyed by the walk). */
function corpus(seed: number, textOnly = false): { engine: Engine; random: () => number } {
  const random = rng(seed);
  const pick = () => VOCAB[Math.floor(random() * VOCAB.length)] as string;
  const words = (max: number) => Array.from({ length: Math.floor(random() * max) }, pick);
  const engine = new Engine();
  const interviews = 8 + Math.floor(random() * 8);
  const make = (n: number): EngineDoc[] => {
    const docs: EngineDoc[] = [];
    const count = 4 + Math.floor(random() * 10);
    for (let i = 0; i < count; i++) {
      // An answer of one of the last few docs (not always the nearest): spans hold docs that
      // answer another question, or none.
      const back = 1 + Math.floor(random() * 3);
      const question = i >= back && random() < 0.6 ? i - back : -1;
      docs.push({
        ordinal: i + 1,
        role: question >= 0 ? 0 : random() < 0.7 ? 1 : 2,
        question,
        tags: [],
        text: field(...words(4)),
        speaker: field(...(random() < 0.15 && !textOnly ? [pick()] : [])),
        section: field(...(random() < 0.15 && !textOnly ? [pick()] : [])),
      });
    }
    return docs.map((d) => ({ ...d, ordinal: d.ordinal + n * 100 }));
  };
  const all: Array<[string, FieldTerms, EngineDoc[]]> = [];
  for (let n = 0; n < interviews; n++)
    all.push([`iv${n}`, field(...(random() < 0.3 && !textOnly ? [pick()] : [])), make(n)]);
  // Each interview twice (equal scores everywhere, as at 1M), in turn.
  for (const [key, title, docs] of all) {
    engine.add(key, title, docs, new Map());
    engine.add(`${key}-copy`, title, docs, new Map());
  }
  // Some dead docs: an interview replaced.
  if (random() < 0.5) {
    const [key, title, docs] = all[0] as (typeof all)[0];
    engine.remove(key);
    engine.add(key, title, docs.slice(0, Math.ceil(docs.length / 2)), new Map());
  }
  return { engine, random };
}

function query(random: () => number): QueryNode {
  const pick = () => VOCAB[Math.floor(random() * VOCAB.length)] as string;
  const leaf = (): QueryNode => {
    const r = random();
    if (r < 0.15) return { kind: 'term', term: pick().slice(0, 2), weight: 1, prefix: true };
    if (r < 0.25)
      return {
        kind: 'max',
        weight: 1,
        children: [
          { kind: 'term', term: pick(), weight: 1 },
          {
            kind: 'and',
            weight: 0.6,
            children: [
              { kind: 'term', term: pick(), weight: 1, gram: true },
              { kind: 'term', term: pick(), weight: 1, gram: true },
            ],
          },
        ],
      };
    return { kind: 'term', term: pick(), weight: 1 };
  };
  const slots = Array.from({ length: 3 + Math.floor(random() * 5) }, () => ({
    node: leaf(),
    required: false,
  }));
  return { kind: 'match', slots, exclude: [], minShould: random() < 0.5 ? 0.25 : random() * 0.6, weight: 1 };
}

describe('ranked queries without a required word: sorted lists give the general evaluator’s result', () => {
  it('docs in first-touch order, scores, fields and pruning, on 40 random corpora × 25 queries', () => {
    let compared = 0;
    let pruned = 0;
    let reordered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { engine, random } = corpus(seed);
      for (let k = 0; k < 25; k++) {
        const q = query(random);
        const topK = random() < 0.7 ? 1 + Math.floor(random() * 6) : undefined;
        const options = { roleWeights: [1, 0.5, 1], ...(topK ? { topK } : {}) };
        const termsA = new Set<string>();
        const termsB = new Set<string>();
        const general = engine.evaluate(q, termsA, { ...options, general: true });
        const sorted = engine.evaluate(q, termsB, { ...options, transient: random() < 0.5 });
        const at = `seed ${seed} query ${k}`;
        expect(Array.from(sorted.docs), at).toEqual(Array.from(general.docs));
        expect(Array.from(sorted.scores), at).toEqual(Array.from(general.scores));
        expect(Array.from(sorted.fields), at).toEqual(Array.from(general.fields));
        expect(sorted.pruned === true, at).toBe(general.pruned === true);
        expect([...termsB].sort(), at).toEqual([...termsA].sort());
        compared++;
        if (general.pruned) pruned++;
        // Results whose first-touch order is not doc order: what the keys are for.
        if (Array.from(general.docs).some((d, i, a) => i > 0 && d < (a[i - 1] ?? 0))) reordered++;
      }
    }
    expect(compared).toBe(1000);
    expect(pruned).toBeGreaterThan(50);
    expect(reordered).toBeGreaterThan(300);
  });
});

/** Runs `f` with the kept term lists' settings changed, and restores them. */
function withTermLists(settings: Partial<typeof TERM_LISTS>, f: () => void): void {
  const saved = { ...TERM_LISTS };
  Object.assign(TERM_LISTS, settings);
  try {
    f();
  } finally {
    Object.assign(TERM_LISTS, saved);
  }
}

/** The sorted path's result is the general evaluator's: docs, scores, fields and pruning. */
function expectSameResult(sorted: Matches, general: Matches, at: string): void {
  expect(Array.from(sorted.docs), at).toEqual(Array.from(general.docs));
  expect(Array.from(sorted.scores), at).toEqual(Array.from(general.scores));
  expect(Array.from(sorted.fields), at).toEqual(Array.from(general.fields));
  expect(sorted.pruned === true, at).toBe(general.pruned === true);
}

describe('kept term lists (the open words of ranked queries, served again) change no result', () => {
  it('the same docs, scores, fields and pruning as the general evaluator, each query asked three times', () => {
    // Lists of any length kept, in a budget that holds a few: kept, served, dropped and walked again.
    withTermLists({ minEntries: 1, budget: 4096 }, () => {
      let kept = 0;
      for (let seed = 41; seed <= 60; seed++) {
        const { engine, random } = corpus(seed);
        for (let k = 0; k < 25; k++) {
          const q = query(random);
          const topK = random() < 0.7 ? 1 + Math.floor(random() * 6) : undefined;
          const options = { roleWeights: [1, 0.5, 1], ...(topK ? { topK } : {}) };
          const general = engine.evaluate(q, new Set(), { ...options, general: true });
          for (let ask = 0; ask < 3; ask++) {
            const sorted = engine.evaluate(q, new Set(), { ...options, transient: true });
            expectSameResult(sorted, general, `seed ${seed} query ${k} ask ${ask}`);
          }
        }
        const bytes = engine.keptBytes().termLists;
        expect(bytes).toBeLessThanOrEqual(4096);
        if (bytes > 0) kept++;
      }
      expect(kept).toBe(20);
    });
  });
});

describe('kept term lists shared by required and open words change no result', () => {
  it('queries with and without a required word, interleaved, each asked twice, give the general evaluator’s result', () => {
    // A required word's list is kept without touch keys (its walk writes none); an open word
    // served it must key it as the walk would, and a required word served an open word's list
    // must ignore its keys: both orders, with lists of any length kept and some dropped, under
    // two ways of counting the question field.
    withTermLists({ minEntries: 1, budget: 8192 }, () => {
      let required = 0;
      let open = 0;
      for (let seed = 61; seed <= 100; seed++) {
        // Half the corpora with terms in the text alone: lists keyed by their walk, not by keyTerm.
        const { engine, random } = corpus(seed, seed % 2 === 0);
        for (let k = 0; k < 30; k++) {
          const q = query(random);
          // Half the queries with a required word (the sorted path's match), the rest without.
          if (q.kind === 'match' && random() < 0.5) {
            const slots = q.slots.map((s, i) => ({ ...s, required: i === 0 || random() < 0.3 }));
            Object.assign(q, { slots });
          }
          const isRequired = q.kind === 'match' && q.slots.some((s) => s.required);
          if (isRequired) required++;
          else open++;
          const topK = random() < 0.7 ? 1 + Math.floor(random() * 6) : undefined;
          // Some queries count the question field as one-word queries do (lists kept per field).
          const questionField = random() < 0.3 ? { boost: 0.25, minNorm: 1 } : undefined;
          const options = {
            roleWeights: [1, 0.5, 1],
            ...(topK ? { topK } : {}),
            ...(questionField ? { questionField } : {}),
          };
          const general = engine.evaluate(q, new Set(), { ...options, general: true });
          for (let ask = 0; ask < 2; ask++) {
            const sorted = engine.evaluate(q, new Set(), { ...options, transient: true });
            expectSameResult(sorted, general, `seed ${seed} query ${k} ask ${ask}`);
          }
        }
        expect(engine.keptBytes().termLists).toBeLessThanOrEqual(8192);
      }
      expect(required).toBeGreaterThan(400);
      expect(open).toBeGreaterThan(400);
    });
  });
});
