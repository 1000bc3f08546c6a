/**
 * The engine's evaluation against an exhaustive one: random corpora and random ranked queries,
 * scored doc by doc from the corpus as generated (BM25F over text, speaker, the question an
 * answer responds to and the interview title; slots, coordination, minimum share, role weights
 * and exclusions as documented in evaluate.ts), with no postings, pruning or shortcuts. The
 * engine's result must match it: the same docs, the same fields, scores within float rounding,
 * and with top-k pruning the same first k.
 */
import { describe, expect, it } from 'vitest';
import { RANKING } from '../../lib/search/engine/evaluate.ts';
import { Engine, type EngineDoc, type FieldTerms, type Matches } from '../../lib/search/engine/index.ts';
import { bm25f, bm25fBound, FIELD_BITS, FIELDS, idf, lengthNorm } from '../../lib/search/engine/scoring.ts';
import type { QueryNode, Slot } from '../../lib/search/engine/tree.ts';

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

/** Words share prefixes (アイ, アイス, アイスクリーム) so that prefix expansion has work. */
const VOCAB = [
  'アイ',
  'アイス',
  'アイスクリーム',
  'アイデア',
  '仕事',
  '仕事場',
  '介護',
  '副業',
  '時間',
  '家族',
  '旅行',
  '料理',
];

interface GenDoc {
  key: string;
  role: number;
  /** Index of the question within the interview, or -1. */
  question: number;
  text: Map<string, number>;
  speaker: Map<string, number>;
  alive: boolean;
}
interface GenInterview {
  key: string;
  title: Map<string, number>;
  docs: GenDoc[];
  alive: boolean;
}

function counted(words: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}
function fieldOf(m: Map<string, number>): FieldTerms {
  return { terms: m, length: [...m.values()].reduce((s, x) => s + x, 0) };
}
const length = (m: Map<string, number>) => [...m.values()].reduce((s, x) => s + x, 0);

function corpus(random: () => number): GenInterview[] {
  const pick = () => VOCAB[Math.floor(random() * VOCAB.length)] as string;
  // Skewed: the first words are common, the last rare (long and short posting lists).
  const skewed = () => VOCAB[Math.floor(random() ** 2 * VOCAB.length)] as string;
  const words = (max: number) => Array.from({ length: Math.floor(random() * max) }, skewed);
  return Array.from({ length: 3 + Math.floor(random() * 6) }, (_, i) => {
    const key = `iv${i}`;
    const n = 1 + Math.floor(random() * 12);
    const docs = Array.from({ length: n }, (_, k): GenDoc => {
      const answer = k > 0 && random() < 0.5;
      return {
        key,
        role: answer ? 0 : Math.floor(random() * 3),
        question: answer ? Math.floor(random() * k) : -1,
        text: counted([...words(6), ...(random() < 0.3 ? [pick()] : [])]),
        speaker: counted(random() < 0.2 ? [pick()] : []),
        alive: true,
      };
    });
    return { key, title: counted(random() < 0.5 ? [pick()] : []), docs, alive: true };
  });
}

function engineOf(ivs: GenInterview[]): Engine {
  const e = new Engine();
  for (const iv of ivs) {
    const docs: EngineDoc[] = iv.docs.map((d, k) => ({
      ordinal: k + 1,
      role: d.role,
      question: d.question,
      tags: [],
      text: fieldOf(d.text),
      speaker: fieldOf(d.speaker),
      section: fieldOf(new Map()),
    }));
    e.add(iv.key, fieldOf(iv.title), docs, new Map());
  }
  for (const iv of ivs) if (!iv.alive) e.remove(iv.key);
  return e;
}

/** Per doc (in engine order): score and fields, computed from the generated corpus alone. */
class Exhaustive {
  readonly docs: Array<{ d: GenDoc; iv: GenInterview; q: GenDoc | null }> = [];
  private readonly live: GenInterview[];
  /** Docs whose text norm a role's floor raised (see roleMinNorms): the floor was exercised. */
  floored = 0;
  constructor(
    ivs: GenInterview[],
    private readonly roleWeights: readonly number[],
    /** The least text norm per role code, as Engine.setRoleMinNorms sets it. */
    private readonly roleMinNorms: readonly number[] = [],
  ) {
    for (const iv of ivs)
      for (const d of iv.docs) {
        const q = d.question >= 0 ? (iv.docs[d.question] as GenDoc) : null;
        this.docs.push({ d, iv, q });
      }
    this.live = ivs.filter((iv) => iv.alive);
  }
  private get liveDocs() {
    return this.live.reduce((s, iv) => s + iv.docs.length, 0);
  }
  /** Statistics, kept once computed (the corpus does not change): long corpora read them per doc. */
  private readonly memo = new Map<string, number>();
  private memoized(key: string, f: () => number): number {
    let v = this.memo.get(key);
    if (v === undefined) {
      v = f();
      this.memo.set(key, v);
    }
    return v;
  }
  private avg(f: 'text' | 'speaker'): number {
    return this.memoized(`avg ${f}`, () => {
      const sum = this.live.reduce((s, iv) => s + iv.docs.reduce((k, d) => k + length(d[f]), 0), 0);
      return sum / Math.max(1, this.liveDocs) || 1;
    });
  }
  private avgTitle(): number {
    return this.live.reduce((s, iv) => s + length(iv.title), 0) / Math.max(1, this.live.length) || 1;
  }
  private df(t: string): number {
    return this.memoized(`df ${t}`, () => this.countDf(t));
  }
  private countDf(t: string): number {
    const text = this.live.flatMap((iv) => iv.docs).filter((d) => d.text.has(t)).length;
    const speaker = this.live.flatMap((iv) => iv.docs).filter((d) => d.speaker.has(t)).length;
    const title = this.live.filter((iv) => iv.title.has(t)).length;
    return text || speaker || title;
  }
  private idf(t: string): number {
    const n = Math.max(1, this.liveDocs);
    return idf(Math.min(Math.max(this.df(t), 1), n), n);
  }
  /** A term and its prefix expansions (the vocabulary is below the expansion cap). */
  private expansions(q: Extract<QueryNode, { kind: 'term' }>): Array<[string, number]> {
    const out: Array<[string, number]> = [[q.term, 1]];
    if (q.prefix)
      for (const t of VOCAB)
        if (t !== q.term && t.startsWith(q.term) && this.df(t) > 0)
          out.push([
            t,
            (RANKING.prefix * q.term.length) / (q.term.length + 0.3 * (t.length - q.term.length)),
          ]);
    return out;
  }
  bound(q: QueryNode, weight = 1): number {
    switch (q.kind) {
      case 'term':
        return Math.max(
          0,
          ...this.expansions(q)
            .filter(([t]) => this.df(t) > 0)
            .map(([t, w]) => bm25fBound(weight * q.weight * w * this.idf(t))),
        );
      case 'and':
        return q.children.some((c) => this.bound(c) === 0)
          ? 0
          : q.children.reduce((s, c) => s + this.bound(c, weight * q.weight), 0);
      case 'max':
        return Math.max(0, ...q.children.map((c) => this.bound(c, weight * q.weight)));
      default:
        throw new Error(`not generated: ${q.kind}`);
    }
  }
  /** Pseudo frequency of one index term in one doc, and the fields it is found in. */
  private ptf(t: string, i: number): { ptf: number; fields: number } {
    const { d, iv, q } = this.docs[i] as (typeof this.docs)[number];
    let ptf = 0;
    let fields = 0;
    const add = (tf: number | undefined, boost: number, norm: number, bit: number) => {
      if (!tf) return;
      ptf += (boost * tf) / norm;
      fields |= bit;
    };
    const textNorm = lengthNorm(length(d.text), this.avg('text'), FIELDS.text.b);
    const floor = this.roleMinNorms[d.role] ?? 0;
    if (d.text.get(t) && floor > textNorm) this.floored++;
    add(d.text.get(t), FIELDS.text.boost, Math.max(textNorm, floor), 1);
    if (q?.alive !== false && q)
      add(
        q.text.get(t),
        FIELDS.question.boost,
        lengthNorm(length(q.text), this.avg('text'), FIELDS.question.b),
        FIELD_BITS.question,
      );
    add(
      d.speaker.get(t),
      FIELDS.speaker.boost,
      lengthNorm(length(d.speaker), this.avg('speaker'), FIELDS.speaker.b),
      FIELD_BITS.speaker,
    );
    add(
      iv.title.get(t),
      FIELDS.title.boost,
      lengthNorm(length(iv.title), this.avgTitle(), FIELDS.title.b),
      FIELD_BITS.title,
    );
    return { ptf, fields };
  }
  /** Score and fields of a node in doc i, or null when it does not match. */
  node(q: QueryNode, i: number, weight = 1): { score: number; fields: number } | null {
    if (!(this.docs[i] as (typeof this.docs)[number]).iv.alive) return null;
    switch (q.kind) {
      case 'term': {
        let score = 0;
        let found = 0;
        for (const [t, w] of this.expansions(q)) {
          const { ptf, fields } = this.ptf(t, i);
          if (fields === 0) continue;
          score = Math.max(score, bm25f(ptf, weight * q.weight * w * this.idf(t)));
          found |= fields;
        }
        return found === 0 ? null : { score, fields: found };
      }
      case 'and': {
        let score = 0;
        let fields = 0;
        for (const c of q.children) {
          const p = this.node(c, i, weight * q.weight);
          if (!p) return null;
          score += p.score;
          fields |= p.fields;
        }
        return { score, fields };
      }
      case 'max': {
        const parts = q.children.flatMap((c) => this.node(c, i, weight * q.weight) ?? []);
        if (parts.length === 0) return null;
        return {
          score: Math.max(...parts.map((p) => p.score)),
          fields: parts.reduce((f, p) => f | p.fields, 0),
        };
      }
      case 'match': {
        const bounds = q.slots.map((s) => this.bound(s.node, weight * q.weight));
        const total = bounds.reduce((s, b) => s + b, 0);
        if (total <= 0) return null;
        const requiredWeight = q.slots.reduce((s, x, k) => s + (x.required ? (bounds[k] ?? 0) : 0), 0);
        // A rank (Slot.rank) is no word a doc must match a share of: the share is of the others.
        const words = q.slots.reduce((s, x, k) => s + (x.rank ? 0 : (bounds[k] ?? 0)), 0);
        const minWeight = Math.max(requiredWeight, q.minShould * words);
        let score = 0;
        let fields = 0;
        let matched = 0;
        for (const [k, s] of q.slots.entries()) {
          const p = this.node(s.node, i, weight * q.weight);
          if (!p) {
            if (s.required) return null;
            continue;
          }
          score += p.score;
          fields |= p.fields;
          const share =
            p.fields & (FIELD_BITS.text | FIELD_BITS.speaker)
              ? 1
              : p.fields & FIELD_BITS.question
                ? RANKING.question
                : RANKING.context;
          matched += s.required ? (bounds[k] ?? 0) : (bounds[k] ?? 0) * share;
        }
        if (fields === 0 || matched < minWeight - 1e-9) return null;
        // Exclusions look at the quote's own text only.
        const { d } = this.docs[i] as (typeof this.docs)[number];
        if (q.exclude.some((x) => x.kind === 'term' && d.text.has(x.term))) return null;
        const role = this.roleWeights[d.role] ?? 1;
        return { score: score * (matched / total) ** RANKING.coord * role, fields };
      }
      default:
        throw new Error(`not generated: ${q.kind}`);
    }
  }
}

function randomQuery(random: () => number): QueryNode {
  const word = () => VOCAB[Math.floor(random() * VOCAB.length)] as string;
  const node = (): QueryNode => {
    const r = random();
    if (r < 0.45) return { kind: 'term', term: word(), weight: 1 };
    // The last word of short input: a prefix.
    if (r < 0.6) return { kind: 'term', term: word().slice(0, 2), weight: 1, prefix: true };
    // A word and its bigram path (an and of parts, weighted down), as query.ts compiles kanji words.
    return {
      kind: 'max',
      weight: 1,
      children: [
        { kind: 'term', term: word(), weight: 1 },
        {
          kind: 'and',
          weight: 0.6,
          children: [
            { kind: 'term', term: word(), weight: 1, gram: true },
            { kind: 'term', term: word(), weight: 1, gram: true },
          ],
        },
      ],
    };
  };
  const n = 1 + Math.floor(random() * 4);
  // Short queries need every word (required); longer ones a share, sometimes one word required.
  const everyWord = n <= 2 || random() < 0.2;
  const slots: Slot[] = Array.from({ length: n }, (_, k) => ({
    node: node(),
    required: everyWord || (k === 0 && random() < 0.3),
  }));
  // A rank now and then (a compound's kanji pair in a sentence, a verb's written form): scored,
  // never required, left out of the share of weight a doc must match.
  if (random() < 0.3) slots.push({ node: node(), required: false, rank: true });
  return {
    kind: 'match',
    slots,
    exclude: random() < 0.2 ? [{ kind: 'term', term: word(), weight: 1 }] : [],
    minShould: everyWord ? 1 : 0.25,
    weight: 1,
  };
}

/** Doc → [score, fields] of an engine result. */
function byDoc(m: Matches): Map<number, [number, number]> {
  return new Map(Array.from(m.docs.subarray(0, m.n), (d, i) => [d, [m.scores[i] ?? 0, m.fields[i] ?? 0]]));
}

/** The first k docs by score (ties: lower doc first), as the API pages them. */
function topOf(scores: Map<number, number>, k: number): number[] {
  return [...scores]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, k)
    .map(([d]) => d);
}

describe('evaluation against an exhaustive scorer', () => {
  const roleWeights = [1, 0.6, 1];

  /** Compares the engine with the exhaustive scorer on the corpora of seeds [from, to]. */
  function compareSeeds(
    from: number,
    to: number,
    roleMinNorms: readonly number[] = [],
  ): { compared: number; nonEmpty: number; pruned: number; floored: number } {
    let floored = 0;
    let compared = 0;
    let nonEmpty = 0;
    let pruned = 0;
    for (let seed = from; seed <= to; seed++) {
      const random = rng(seed);
      const ivs = corpus(random);
      // Some interviews removed (dead docs in the engine's tables).
      for (const iv of ivs) if (random() < 0.15) iv.alive = false;
      const engine = engineOf(ivs);
      if (roleMinNorms.length > 0) engine.setRoleMinNorms(roleMinNorms);
      const exhaustive = new Exhaustive(ivs, roleWeights, roleMinNorms);
      for (let k = 0; k < 25; k++) {
        const q = randomQuery(random);
        const expected = new Map<number, [number, number]>();
        exhaustive.docs.forEach((_, i) => {
          const r = exhaustive.node(q, i);
          if (r) expected.set(i, [r.score, r.fields]);
        });
        const got = byDoc(engine.evaluate(q, new Set(), { roleWeights }));
        expect([...got.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
        for (const [d, [score, fields]] of expected) {
          const [s, f] = got.get(d) ?? [Number.NaN, -1];
          expect(f).toBe(fields);
          expect(Math.abs(s - score)).toBeLessThanOrEqual(1e-9 * Math.max(1, score));
        }
        // Top-k pruning may leave docs out, never change the first k.
        const topK = 1 + Math.floor(random() * 5);
        const withTopK = engine.evaluate(q, new Set(), { roleWeights, topK });
        if (withTopK.pruned) pruned++;
        const exact = new Map([...got].map(([d, [s]]) => [d, s]));
        const kept = new Map([...byDoc(withTopK)].map(([d, [s]]) => [d, s]));
        expect(topOf(kept, topK)).toEqual(topOf(exact, topK));
        compared++;
        if (expected.size > 0) nonEmpty++;
      }
      floored += exhaustive.floored;
    }
    return { compared, nonEmpty, pruned, floored };
  }

  it('finds the same docs, fields and scores for random corpora and ranked queries, and the same top k when pruning', () => {
    const { compared, nonEmpty, pruned } = compareSeeds(1, 60);
    // The generator produced real work: most queries match something, some were pruned.
    expect(compared).toBe(1500);
    expect(nonEmpty).toBeGreaterThan(600);
    expect(pruned).toBeGreaterThan(20);
    // 1,500 random queries: ~10 s alone, several times that on a loaded 2-core CI machine.
  }, 180_000);

  it('reads the question field with its own norms when it normalises unlike the text', () => {
    // By default the question's b and average are the text's, so the packed per-doc entries
    // keep one norm for both (sorted.ts, DocWords); with another b they must read the question's.
    const question = FIELDS.question as { b: number };
    const b = question.b;
    question.b = 0.3;
    try {
      const { compared, nonEmpty } = compareSeeds(61, 72);
      expect(compared).toBe(300);
      expect(nonEmpty).toBeGreaterThan(120);
    } finally {
      question.b = b;
    }
  }, 120_000);

  it('floors the text norm of one role (interviewer turns) and scores its short turns as average ones', () => {
    // The packed entries number a text norm by its length; a floor gives the short turns of one
    // role another norm for the same length (a second bank, sorted.ts DocWords), which the
    // general and sorted evaluators and pruning must read alike.
    const { compared, nonEmpty, floored } = compareSeeds(73, 90, [0, 1, 0]);
    expect(compared).toBe(450);
    expect(nonEmpty).toBeGreaterThan(180);
    expect(floored).toBeGreaterThan(100);
  }, 120_000);

  it('reaches answers as far from their question as an interview allows, and further', () => {
    // The packed per-doc entries hold how far back a doc's question is in 14 bits (sorted.ts,
    // DocWords); an answer further than that makes the entries wide (the doc answered read from
    // a column of its own). Both sides of the limit, through both evaluators; the second corpus
    // also has a text too long for the norm tables to index by its length.
    for (const far of [16_383, 16_390]) {
      const random = rng(far);
      const ivs = corpus(random);
      const docs = Array.from(
        { length: far + 3 },
        (_, k): GenDoc => ({
          key: 'long',
          role: k % 2,
          question: -1,
          text: counted(k % 50 === 0 ? [VOCAB[(k / 50) % VOCAB.length] as string] : []),
          speaker: new Map(),
          alive: true,
        }),
      );
      // The question and its far answer, then a question answered by the next doc.
      docs[0] = { ...(docs[0] as GenDoc), role: 1, text: counted(['介護', '旅行']) };
      docs[far] = { ...(docs[far] as GenDoc), role: 0, question: 0, text: counted(['旅行']) };
      docs[far + 1] = { ...(docs[far + 1] as GenDoc), role: 1, text: counted(['介護']) };
      docs[far + 2] = { ...(docs[far + 2] as GenDoc), role: 0, question: far + 1 };
      // A text longer than the norm tables index directly (its length is numbered instead).
      if (far > 16_383) docs[1] = { ...(docs[1] as GenDoc), text: counted(new Array(70_000).fill('料理')) };
      ivs.push({ key: 'long', title: new Map(), docs, alive: true });
      const engine = engineOf(ivs);
      const exhaustive = new Exhaustive(ivs, roleWeights);
      const word = (term: string): Slot => ({ node: { kind: 'term', term, weight: 1 }, required: false });
      const care: QueryNode = {
        kind: 'match',
        slots: [word('介護')],
        exclude: [],
        minShould: 0.25,
        weight: 1,
      };
      const queries: QueryNode[] = [
        care,
        {
          kind: 'match',
          slots: [word('介護'), word('旅行'), word('仕事')],
          exclude: [],
          minShould: 0.25,
          weight: 1,
        },
        { kind: 'match', slots: [word('料理'), word('旅行')], exclude: [], minShould: 0.25, weight: 1 },
        ...Array.from({ length: 12 }, () => randomQuery(random)),
      ];
      for (const q of queries) {
        const expected = new Map<number, [number, number]>();
        exhaustive.docs.forEach((_, i) => {
          const r = exhaustive.node(q, i);
          if (r) expected.set(i, [r.score, r.fields]);
        });
        for (const general of [false, true]) {
          const got = byDoc(engine.evaluate(q, new Set(), { roleWeights, general }));
          expect([...got.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
          for (const [d, [score, fields]] of expected) {
            const [s, f] = got.get(d) ?? [Number.NaN, -1];
            expect(f).toBe(fields);
            expect(Math.abs(s - score)).toBeLessThanOrEqual(1e-9 * Math.max(1, score));
          }
        }
      }
      // The far answer is found through its question (and so are the near one's).
      const at = exhaustive.docs.findIndex((x) => x.d === docs[far]);
      for (const general of [false, true])
        expect(byDoc(engine.evaluate(care, new Set(), { roleWeights, general })).get(at)?.[1]).toBe(
          FIELD_BITS.question,
        );
    }
  }, 120_000);
});
