/**
 * Transient evaluations (`EvaluateOptions.transient`, what the search plan asks for): the sorted
 * path, and the general evaluator's ranked root, then write into buffers lent again to the next
 * evaluation. What must hold: each
 * result is the one a kept evaluation gives, whatever ran before it (buffers of every size
 * class, grown mid-list, with stale entries past `n`); its arrays are exactly `n` long; and a
 * result the caller keeps (not transient) is never overwritten by later transient ones.
 */
import { describe, expect, it } from 'vitest';
import { loadInterviews } from '../../cli/load.ts';
import type { Matches } from '../../lib/search/engine/evaluate.ts';
import { Engine } from '../../lib/search/engine/index.ts';
import { max, type QueryNode, term } from '../../lib/search/engine/tree.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { field } from '../helpers/engine-docs.ts';
import { samplesDir } from '../helpers/shared.ts';

/** Deterministic PRNG (mulberry32). */
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

/** Common words (lists of thousands: several size classes) and rare ones, with shared prefixes. */
const WORDS = [
  ...['時間', '時代', '時計', '必要', '女子', '仕事', '会社', '会議'],
  ...Array.from({ length: 40 }, (_, i) => `語${i}`),
];

/** Interviews of 20 turns, questions and their answers (the question field), some speakers tagged. */
function engineOf(random: () => number, interviews: number): Engine {
  const e = new Engine();
  const pick = () => {
    // Skewed: the first words are common, the numbered ones rare.
    const i = Math.floor(random() ** 3 * WORDS.length);
    return WORDS[i] as string;
  };
  for (let n = 0; n < interviews; n++) {
    const docs = Array.from({ length: 20 }, (_, k) => ({
      ordinal: k + 1,
      role: k % 2 === 0 ? 1 : 0,
      question: k % 2 === 1 ? k - 1 : -1,
      tags: [],
      text: field(...Array.from({ length: 1 + Math.floor(random() * 8) }, pick)),
      speaker: field(...(random() < 0.05 ? [pick()] : [])),
      section: field(...(random() < 0.05 ? [pick()] : [])),
    }));
    e.add(`iv${n}`, field(...(random() < 0.1 ? [pick()] : ['題'])), docs, new Map());
  }
  return e;
}

/** Ranked queries the sorted path takes: required words, optional ones, prefixes, alternatives. */
function queries(random: () => number, count: number): QueryNode[] {
  const w = () => WORDS[Math.floor(random() ** 2 * WORDS.length)] as string;
  const node = (): QueryNode => {
    const r = random();
    if (r < 0.2) return term(w().slice(0, 1), { prefix: true });
    if (r < 0.35) return max([term(w()), term(w(), {}, 0.8), term(w(), {}, 0.6)]) ?? term(w());
    return term(w());
  };
  return Array.from({ length: count }, () => {
    const slots = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
      node: node(),
      required: i === 0 || random() < 0.5,
    }));
    return { kind: 'match', slots, exclude: [], minShould: 0.5, weight: 1 } as QueryNode;
  });
}

const copy = (m: Matches) => ({
  n: m.n,
  docs: Array.from(m.docs),
  scores: Array.from(m.scores),
  fields: Array.from(m.fields),
});

describe('transient evaluations (buffers lent again to the next evaluation)', () => {
  it('give the kept result of every query, in any order, and never touch a kept one', () => {
    const random = rng(7);
    const e = engineOf(random, 600);
    // And the general evaluator's ranked queries without a required word (its final lists are
    // lent again too), some with an exclusion, which re-sorts them.
    const optional = queries(random, 60).map((q, i) =>
      q.kind === 'match'
        ? {
            ...q,
            slots: q.slots.map((s) => ({ ...s, required: false })),
            exclude: i % 4 === 0 ? [term(WORDS[i % WORDS.length] as string)] : [],
          }
        : q,
    );
    const qs = [...queries(random, 120), ...optional];
    const kept = qs.map((q) => e.evaluate(q));
    const expected = kept.map(copy);
    expect(expected.filter((m) => m.n > 1024).length).toBeGreaterThan(5);
    for (let round = 0; round < 3; round++) {
      // Shuffled, so that each query follows others of every size.
      const order = qs.map((_, i) => i).sort(() => random() - 0.5);
      for (const i of order) {
        const m = e.evaluate(qs[i] as QueryNode, new Set(), { transient: true });
        expect(m.docs.length).toBe(m.n);
        expect(m.scores.length).toBe(m.n);
        expect(m.fields.length).toBe(m.n);
        expect(copy(m), `query ${i}, round ${round}`).toEqual(expected[i]);
      }
    }
    // Results evaluated without `transient` are the caller's: unchanged after all of that.
    expect(kept.map(copy)).toEqual(expected);
  });

  it('leave a search plan’s page intact when other searches are planned before it renders', () => {
    // The API fetches a page's documents between plan and render, so other requests plan in
    // between: render must read nothing of the lists those plans reuse.
    const index = new QuoteIndex();
    for (const iv of loadInterviews([samplesDir]).flatMap((l) => ('interview' in l ? [l.interview] : [])))
      index.upsertInterview(iv);
    const qs = ['仕事', '時間', 'する', 'こと 仕事', '会社', 'です', 'ユーザ', '人'];
    const alone = qs.map((q) => index.search({ q, limit: 5 }));
    expect(alone.filter((p) => p.total > 5).length).toBeGreaterThan(3);
    const plans = qs.map((q) => index.plan({ q, limit: 5 }));
    expect(plans.map((p) => p.render())).toEqual(alone);
  });
});
