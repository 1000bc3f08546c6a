/**
 * What editors teach the tagger: one L2-regularised logistic regression per topic over the
 * analyzer's terms of a quote (and, prefixed `q:`, of the question it answers), trained from
 * confirmed and rejected tags. Small (only weights that matter are kept), deterministic (full-batch
 * gradient descent from zero), and explainable: a prediction names the terms that pushed it most.
 *
 * The `rich` feature set adds character 2- and 3-grams of the quote (`c:`): a paraphrase shares
 * pieces of words (休み, 帰宅, 子ども) with the quotes it was taught on even where the analyzer's
 * terms differ, which bag-of-terms models on ~2,000 labels miss. It also takes the caller's own
 * features (the tagger passes what its evidence phrases found, `e:`/`E:`/`n:`/`qe:`), so evidence is
 * weighed by the model rather than only gating it, and it can weigh the rare positives up
 * (`balance`) so a topic with 1 quote in 20 is not learned as "never".
 */
import * as z from 'zod';
import { indexTerms } from '../text/analyze.ts';

/** One judgement of an editor: this quote has (or has not) this topic. */
export interface TrainingExample {
  text: string;
  question?: string | null | undefined;
  topic: string;
  label: boolean;
  /** Weak judgements (implied rather than made) count less. Default 1. */
  weight?: number;
  /** Features the caller computed for this quote (the tagger's evidence), used by `rich` models. */
  extra?: readonly string[];
}

/** Which features a model reads: `terms` (analyzer terms, the question's as `q:`) or `rich`. */
export type FeatureSet = 'terms' | 'rich';

/** The model of one topic. */
const TopicModelSchema = z.object({
  bias: z.number(),
  weights: z.record(z.string(), z.number()),
  positives: z.number().int().min(0),
  negatives: z.number().int().min(0),
});

/**
 * How a topic is decided when a model carries its own rules (the shipped model, lib/tagging/shipped.ts):
 * tagged when the evidence (and the question) reach `bar` × the topic's bar and the model's probability
 * is at least `veto`, or, for a quote that is not an interviewer's question, when the probability alone
 * is at least `alone` (null: never). `veto` 0, `alone` null and no `bar` is the evidence alone.
 */
const ModelRuleSchema = z.object({
  veto: z.number().min(0).max(1),
  alone: z.number().min(0).max(1).nullable(),
  /**
   * A higher bar for the evidence (a multiple of the topic's, ≥ 1; absent: 1): a topic whose evidence
   * alone misses its precision goal is tagged only where the evidence is stronger (tags6, 2026-12-07).
   */
  bar: z.number().min(1).max(10).optional(),
});
export type ModelRule = z.infer<typeof ModelRuleSchema>;

/** A serialised classifier (what the store keeps). */
export const ClassifierModelSchema = z.object({
  version: z.literal(1),
  /** Absent in models stored before the rich features: `terms`. */
  features: z.enum(['terms', 'rich']).optional(),
  /**
   * The model also reads the topics whose evidence reaches the bar in the neighbouring texts of a
   * sequence (`N:topic`, within `neighbours` texts either side; absent: none).
   */
  neighbours: z.number().int().min(1).max(5).optional(),
  trainedAt: z.string(),
  examples: z.number().int().min(0),
  topics: z.record(z.string(), TopicModelSchema),
  /** Per-topic decision rules chosen by cross-validation (absent: the tagger's own params). */
  rules: z.record(z.string(), ModelRuleSchema).optional(),
  /** The judged splits the model was trained on (eval scores those only cross-validated). */
  trainedOn: z.array(z.string()).optional(),
});
export type ClassifierModel = z.infer<typeof ClassifierModelSchema>;

/** A topic's prediction for a text. */
export interface ClassifierVote {
  /** Log-odds that the topic applies. */
  logit: number;
  /** How far the quote's terms move the log-odds from the topic's base rate (logit − bias). */
  shift: number;
  /** The terms that raised it most (the explanation). */
  terms: string[];
}

/** Training options. */
export interface TrainOptions {
  /** L2 strength. */
  l2?: number;
  iterations?: number;
  learningRate?: number;
  /** A topic is modelled only with at least this many positive and negative examples. */
  minPerClass?: number;
  /** Terms seen in fewer training texts are ignored. */
  minDocs?: number;
  /** Feature set (default `terms`, the original model). */
  features?: FeatureSet;
  /**
   * Weight of a positive example relative to a negative, as a multiple of the class ratio
   * (negatives / positives, at most `balanceCap`): 0 (default) leaves the weights as given.
   */
  balance?: number;
  balanceCap?: number;
  /** Keep only this many of each topic's strongest weights (default: every weight ≥ 0.01). */
  maxWeights?: number;
  /**
   * Each topic's model reads only its own evidence features (`e:`, `E:`, `n:`, `qe:`, `N:` of that topic)
   * beside the shared ones (terms, grams, `asked`): another topic's evidence list then cannot move it
   * (round 21, docs/tagger-rounds.md: round 20's work-balance rules moved family-partner's model).
   */
  isolate?: boolean;
  now?: () => Date;
}

/** The topic an evidence feature (`e:`, `E:`, `n:`, `qe:`, `N:` + topic id) belongs to, else undefined. */
export function evidenceTopicOf(feature: string, topics: ReadonlySet<string>): string | undefined {
  const m = /^(?:e|E|n|qe|N):(.+)$/.exec(feature);
  return m && topics.has(m[1] as string) ? m[1] : undefined;
}

/**
 * How a `rich` model is trained (the setting measured on the dev labels, eval/README.md): grams
 * seen in at least 3 texts, positives weighed up to the class ratio, and each topic's 2,000
 * strongest weights kept (about 400 KB in all).
 */
export const RICH_TRAINING: TrainOptions = {
  features: 'rich',
  balance: 1,
  minDocs: 3,
  iterations: 200,
  maxWeights: 2000,
};

/**
 * How the product trains (the service at reindex, `npm run eval`): the bag-of-terms model. On the
 * dev labels' 5-fold cross-validation by file the rich model found no more quotes at the goal
 * precision (work-balance 0.89 / 0.59 against 0.85 / 0.60, family-partner 0.81 / 0.52 against
 * 0.80 / 0.56, money-income 0.82 / 0.72 against 0.80 / 0.81; eval/README.md), at twice the
 * training time and more per quote, so it stays an option (`RICH_TRAINING`).
 */
export const DEFAULT_TRAINING: TrainOptions = {};

/**
 * How the shipped model is trained on the pooled judged labels (`npm run train:tags`, and each fold of
 * the eval's cross-validation): the rich features with the evidence's and the neighbours' (the
 * tagger's `sequenceFeatures`), balanced classes, each topic's 2,000 strongest weights (about 320 KB).
 * Not isolated: round 21's `isolate` (each topic weighing only its own evidence features) is measured but not
 * adopted yet (docs/tagger-rounds.md), so the shipped model stays the one trained this way.
 */
export const POOLED_TRAINING: TrainOptions = { ...RICH_TRAINING };

/**
 * A text's analyzer terms (`indexTerms` in hybrid mode, in order). The local server's parse worker
 * has them already, from the index's tokens of the same turns, and passes them in: the analysis
 * (normalising, ICU's word breaking) cost as much as the rest of the tagging.
 */
export type TermsOf = (text: string) => readonly string[];

/** The features of a quote: its distinct terms, and its question's prefixed `q:`. */
export function features(text: string, question?: string | null, terms: TermsOf = termsOf): string[] {
  const own = new Set(terms(text).filter((t) => t.length > 1 || /[\p{Script=Han}]/u.test(t)));
  const out = [...own];
  if (question) for (const t of new Set(terms(question))) if (t.length > 1) out.push(`q:${t}`);
  return out;
}

// A sequence's question is analysed as its own turn and again as the question of each answer after
// it: the last few texts' terms are kept (bounded, keyed by the text itself, as match.ts keeps
// sentences), so each is analysed once.
const recentTerms = new Map<string, readonly string[]>();
const RECENT_TEXTS = 64;

/** {@link TermsOf} analysing the text here (the last few texts' terms kept). */
export function termsOf(text: string): readonly string[] {
  const hit = recentTerms.get(text);
  if (hit) return hit;
  const out = Object.freeze(indexTerms(text));
  if (recentTerms.size >= RECENT_TEXTS) recentTerms.delete(recentTerms.keys().next().value as string);
  recentTerms.set(text, out);
  return out;
}

// A gram must hold a letter of Japanese or Latin script: digits and punctuation alone say nothing.
const LETTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}a-z]/u;

/** Character 2- and 3-grams of a text (NFKC, lower case), prefixed `c:`. */
export function charGrams(text: string): string[] {
  const chars = [...text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++)
    for (const n of [2, 3]) {
      if (i + n > chars.length) continue;
      const g = chars.slice(i, i + n).join('');
      if (!g.includes(' ') && LETTER.test(g)) out.add(`c:${g}`);
    }
  return [...out];
}

/** The features of a quote under a feature set (`extra`: the caller's own, for `rich`). */
export function featuresOf(
  set: FeatureSet,
  text: string,
  question?: string | null,
  extra: readonly string[] = [],
): string[] {
  const base = features(text, question);
  return set === 'rich' ? [...base, ...charGrams(text), ...extra] : base;
}

/** Trains a model from judgements (deterministic for the same examples). */
export function trainClassifier(
  examples: readonly TrainingExample[],
  options: TrainOptions = {},
): ClassifierModel {
  const l2 = options.l2 ?? 3;
  const iterations = options.iterations ?? 300;
  const lr = options.learningRate ?? 0.5;
  const minPerClass = options.minPerClass ?? 3;
  const minDocs = options.minDocs ?? 2;
  const set = options.features ?? 'terms';
  const balance = options.balance ?? 0;
  const balanceCap = options.balanceCap ?? 10;
  // Feature vectors once per distinct text.
  const cache = new Map<string, string[]>();
  const featsOf = (e: TrainingExample) => {
    const key = `${e.question ?? ''}\u0000${e.text}\u0000${(e.extra ?? []).join(' ')}`;
    let f = cache.get(key);
    if (!f) {
      f = featuresOf(set, e.text, e.question, e.extra);
      cache.set(key, f);
    }
    return f;
  };
  const docs = new Map<string, number>();
  for (const f of new Set(examples.map(featsOf))) for (const t of f) docs.set(t, (docs.get(t) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const [t, n] of [...docs].sort((a, b) => a[0].localeCompare(b[0])))
    if (n >= minDocs) vocab.set(t, vocab.size);

  const byTopic = new Map<string, TrainingExample[]>();
  for (const e of examples) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
  // Isolated: the vocabulary ids of evidence features, by the topic they speak for.
  const ownerOf = new Map<number, string>();
  if (options.isolate) {
    const ids = new Set(byTopic.keys());
    for (const [t, i] of vocab) {
      const owner = evidenceTopicOf(t, ids);
      if (owner !== undefined) ownerOf.set(i, owner);
    }
  }
  const topics: ClassifierModel['topics'] = {};
  for (const [topic, list] of [...byTopic].sort((a, b) => a[0].localeCompare(b[0]))) {
    const positives = list.filter((e) => e.label).length;
    const negatives = list.length - positives;
    if (positives < minPerClass || negatives < minPerClass) continue;
    // Balanced: a positive counts as much as (ratio × balance) negatives, so the rare class is heard.
    const negWeight = list.reduce((s, e) => s + (e.label ? 0 : (e.weight ?? 1)), 0);
    const posUp = balance > 0 ? Math.max(1, Math.min(balanceCap, (negWeight / positives) * balance)) : 1;
    const rows = list.map((e) => ({
      x: Int32Array.from(
        featsOf(e)
          .map((t) => vocab.get(t))
          .filter((i): i is number => i !== undefined && (ownerOf.get(i) ?? topic) === topic),
      ),
      y: e.label ? 1 : 0,
      w: (e.weight ?? 1) * (e.label ? posUp : 1),
    }));
    const total = rows.reduce((s, r) => s + r.w, 0);
    const w = new Float64Array(vocab.size);
    // The bias starts at the class prior, so an empty text predicts the base rate.
    const prior = rows.reduce((s, r) => s + r.w * r.y, 0) / total;
    let b = Math.log((prior + 1e-3) / (1 - prior + 1e-3));
    const grad = new Float64Array(vocab.size);
    for (let it = 0; it < iterations; it++) {
      grad.fill(0);
      let gb = 0;
      for (const r of rows) {
        let z = b;
        for (const i of r.x) z += w[i] as number;
        const err = (1 / (1 + Math.exp(-z)) - r.y) * r.w;
        gb += err;
        for (const i of r.x) grad[i] = (grad[i] as number) + err;
      }
      for (let i = 0; i < w.length; i++)
        w[i] = (w[i] as number) - (lr * ((grad[i] as number) + l2 * (w[i] as number))) / total;
      b -= (lr * gb) / total;
    }
    let kept: Array<[string, number]> = [];
    for (const [t, i] of vocab) {
      const v = w[i] as number;
      if (Math.abs(v) >= 0.01) kept.push([t, Math.round(v * 1000) / 1000]);
    }
    if (options.maxWeights !== undefined && kept.length > options.maxWeights)
      kept = kept
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]))
        .slice(0, options.maxWeights);
    const weights: Record<string, number> = Object.fromEntries(kept);
    topics[topic] = { bias: Math.round(b * 1000) / 1000, weights, positives, negatives };
  }
  return {
    version: 1,
    ...(set === 'rich' ? { features: set } : {}),
    trainedAt: (options.now ?? (() => new Date()))().toISOString(),
    examples: examples.length,
    topics,
  };
}

/** Applies a trained model. */
export class TopicClassifier {
  readonly model: ClassifierModel;
  private readonly weights: CompiledWeights;

  /** Wraps a (validated) model. */
  constructor(model: ClassifierModel) {
    this.model = model;
    this.weights = compileWeights(model);
  }

  /** Topics the model has learned. */
  get topics(): string[] {
    return Object.keys(this.model.topics);
  }

  /** Which features the model reads. */
  get featureSet(): FeatureSet {
    return this.model.features ?? 'terms';
  }

  /**
   * Votes of every modelled topic for a quote (`extra`: the caller's features, for `rich` models).
   * The same sums as over {@link featuresOf}'s list, in its order (so the same floating-point
   * logits): its terms, then its character grams looked up by code point without a string per gram,
   * then `extra`; each feature found once in the model's one lookup for all topics. `terms`: the
   * texts' analyzer terms when the caller has them.
   */
  predict(
    text: string,
    question?: string | null,
    extra: readonly string[] = [],
    terms: TermsOf = termsOf,
  ): Map<string, ClassifierVote> {
    const w = this.weights;
    const logits = Float64Array.from(w.bias);
    // Per topic, the (up to) three features that raised it most, kept as they come: the earlier
    // first among equal weights (a list of every raising feature, sorted after, cost a tenth of
    // the prediction in pushes and weight look-ups).
    const bestId = new Int32Array(w.topics.length * 3);
    const bestV = new Float64Array(w.topics.length * 3);
    const kept = new Uint8Array(w.topics.length);
    const start = w.postStart;
    const topicOf = w.postTopic;
    const weightOf = w.postWeight;
    const add = (id: number) => {
      for (let k = start[id] as number, end = start[id + 1] as number; k < end; k++) {
        const t = topicOf[k] as number;
        const v = weightOf[k] as number;
        logits[t] = (logits[t] as number) + v;
        if (v > 0) keepTop3(bestId, bestV, kept, t, id, v);
      }
    };
    // Looked up in the loops, not through a closure made per call (see addGrams).
    for (const f of features(text, question, terms)) {
      const id = w.ids.get(f);
      if (id !== undefined) add(id);
    }
    if (this.featureSet === 'rich') {
      addGrams(w, text, add);
      for (const f of extra) {
        const id = w.ids.get(f);
        if (id !== undefined) add(id);
      }
    }
    const out = new Map<string, ClassifierVote>();
    w.topics.forEach((topic, t) => {
      const logit = logits[t] as number;
      const bias = w.bias[t] as number;
      const terms: string[] = [];
      for (let j = 0; j < (kept[t] as number); j++)
        terms.push(w.names[bestId[t * 3 + j] as number] as string);
      out.set(topic, { logit, shift: logit - bias, terms });
    });
    return out;
  }
}

/**
 * A model's weights as one lookup for all its topics, built once per model: each feature's id, and per
 * id the topics it weighs and by how much, all ids' in one pair of flat arrays (`postStart[id]` to
 * `postStart[id + 1]`). Character grams are also found by their characters' numbers among the grams'
 * characters: a pair `a·chars + b` is one key of `pairs` that gives both the 2-gram's id and the
 * pair's number as the prefix of 3-grams, and a 3-gram is the key `p·chars + c` of `triples` (small
 * integers in typed hash tables, {@link IntTable}: a Map's lookup cost more than the sums it led
 * to), so a text's grams are looked up without building their strings, and a character no gram
 * holds ends the lookups at once.
 */
interface CompiledWeights {
  topics: string[];
  bias: Float64Array;
  names: string[];
  ids: Map<string, number>;
  postStart: Int32Array;
  postTopic: Int32Array;
  postWeight: Float64Array;
  /** A BMP code point's number among the grams' characters (-1: in none); others in `astral`. */
  bmp: Int32Array;
  astral: Map<number, number>;
  chars: number;
  /** Per pair: the 2-gram's id (-1: none) and, as the second value, its number as a prefix (-1: none). */
  pairs: IntTable;
  /** Per `p·chars + c`: the 3-gram's id. */
  triples: IntTable;
}

/**
 * A hash table from non-negative integers to two integers, in typed arrays (open addressing,
 * linear probing, at most half full): built once, then only read.
 */
interface IntTable {
  mask: number;
  /** Float64: a model with more than 46,340 gram characters has pairs beyond 2^31. */
  keys: Float64Array;
  first: Int32Array;
  second: Int32Array;
}

function intTable(size: number): IntTable {
  let cap = 16;
  while (cap < size * 2) cap *= 2;
  return {
    mask: cap - 1,
    keys: new Float64Array(cap).fill(-1),
    first: new Int32Array(cap).fill(-1),
    second: new Int32Array(cap).fill(-1),
  };
}

/** The slot of `key` in `t`: where it is, or the empty slot where it goes. */
function slotOf(t: IntTable, key: number): number {
  // ToInt32 of the key (its low 32 bits) is enough to spread it.
  let i = Math.imul(key | 0, 0x9e3779b1) & t.mask;
  for (;;) {
    const k = t.keys[i] as number;
    if (k === key || k === -1) return i;
    i = (i + 1) & t.mask;
  }
}

function compileWeights(model: ClassifierModel): CompiledWeights {
  const topics = Object.keys(model.topics);
  const names: string[] = [];
  const ids = new Map<string, number>();
  const postings: Array<Array<[number, number]>> = [];
  topics.forEach((topic, t) => {
    const m = model.topics[topic] as ClassifierModel['topics'][string];
    for (const [f, v] of Object.entries(m.weights)) {
      let id = ids.get(f);
      if (id === undefined) {
        id = names.length;
        ids.set(f, id);
        names.push(f);
        postings.push([]);
      }
      (postings[id] as Array<[number, number]>).push([t, v]);
    }
  });
  // Only what charGrams can yield: a gram of 2 or 3 characters without a space, holding a letter.
  const grams = names.flatMap((f, id) => {
    if (!f.startsWith('c:')) return [];
    const g = f.slice(2);
    const cps = [...g].map((c) => c.codePointAt(0) as number);
    return g.includes(' ') || !LETTER.test(g) || cps.length < 2 || cps.length > 3 ? [] : [{ id, cps }];
  });
  const bmp = new Int32Array(0x10000).fill(-1);
  const astral = new Map<number, number>();
  let chars = 0;
  for (const { cps } of grams)
    for (const c of cps)
      if (c < 0x10000) {
        if (bmp[c] === -1) bmp[c] = chars++;
      } else if (!astral.has(c)) astral.set(c, chars++);
  const num = (c: number) => (c < 0x10000 ? (bmp[c] as number) : (astral.get(c) as number));
  const pairs = intTable(grams.length);
  const triples = intTable(grams.length);
  let prefixes = 0;
  for (const { id, cps } of grams) {
    const pair = num(cps[0] as number) * chars + num(cps[1] as number);
    const at = slotOf(pairs, pair);
    pairs.keys[at] = pair;
    if (cps.length === 2) pairs.first[at] = id;
    else {
      if (pairs.second[at] === -1) pairs.second[at] = prefixes++;
      const triple = (pairs.second[at] as number) * chars + num(cps[2] as number);
      const t = slotOf(triples, triple);
      triples.keys[t] = triple;
      triples.first[t] = id;
    }
  }
  const postStart = new Int32Array(postings.length + 1);
  postings.forEach((ps, id) => {
    postStart[id + 1] = (postStart[id] as number) + ps.length;
  });
  const postTopic = new Int32Array(postStart[postings.length] as number);
  const postWeight = new Float64Array(postTopic.length);
  postings.forEach((ps, id) => {
    ps.forEach(([t, v], k) => {
      postTopic[(postStart[id] as number) + k] = t;
      postWeight[(postStart[id] as number) + k] = v;
    });
  });
  return {
    topics,
    bias: Float64Array.from(topics.map((t) => (model.topics[t] as ClassifierModel['topics'][string]).bias)),
    names,
    ids,
    postStart,
    postTopic,
    postWeight,
    bmp,
    astral,
    chars,
    pairs,
    triples,
  };
}

// Which grams one text has already yielded (charGrams counts each once): the call's stamp per id.
let stamp = 0;
let seen = new Uint32Array(0);
// The text's characters' numbers (see CompiledWeights.bmp), reused from call to call.
let nums = new Int32Array(256);

/** The model's grams among {@link charGrams} of the text, in its order, each once, to `add`. */
function addGrams(w: CompiledWeights, text: string, add: (id: number) => void): void {
  const s = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  if (nums.length < s.length) nums = new Int32Array(s.length * 2);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i) as number;
    if (c >= 0x10000) i++;
    nums[n++] = c < 0x10000 ? (w.bmp[c] as number) : (w.astral.get(c) ?? -1);
  }
  if (seen.length < w.names.length) seen = new Uint32Array(w.names.length);
  stamp = stamp === 0xffffffff ? 1 : stamp + 1;
  if (stamp === 1) seen.fill(0);
  // Each gram once per text (`seen` stamped inline: under tsx, whose esbuild transform keeps
  // names, a named closure made per call costs an Object.defineProperty, ~0.35 µs, per quote).
  const { pairs, triples, chars } = w;
  for (let i = 0; i + 1 < n; i++) {
    const a = nums[i] as number;
    const b = nums[i + 1] as number;
    if (a < 0 || b < 0) continue;
    const at = slotOf(pairs, a * chars + b);
    if (pairs.keys[at] === -1) continue;
    const pair = pairs.first[at] as number;
    if (pair >= 0 && seen[pair] !== stamp) {
      seen[pair] = stamp;
      add(pair);
    }
    const c = i + 2 < n ? (nums[i + 2] as number) : -1;
    const p = pairs.second[at] as number;
    if (c < 0 || p < 0) continue;
    const t = slotOf(triples, p * chars + c);
    if (triples.keys[t] === -1) continue;
    const triple = triples.first[t] as number;
    if (triple >= 0 && seen[triple] !== stamp) {
      seen[triple] = stamp;
      add(triple);
    }
  }
}

/**
 * Offers feature `id` of weight `v` to topic `t`'s three strongest so far (`ids`/`vs` at `t·3`,
 * `kept[t]` of them, strongest first): it goes after those at least as strong, so the earlier
 * stays first among equal weights.
 */
function keepTop3(
  ids: Int32Array,
  vs: Float64Array,
  kept: Uint8Array,
  t: number,
  id: number,
  v: number,
): void {
  const base = t * 3;
  const n = kept[t] as number;
  let at = n;
  while (at > 0 && (vs[base + at - 1] as number) < v) at--;
  if (at >= 3) return;
  for (let j = Math.min(n, 2); j > at; j--) {
    ids[base + j] = ids[base + j - 1] as number;
    vs[base + j] = vs[base + j - 1] as number;
  }
  ids[base + at] = id;
  vs[base + at] = v;
  if (n < 3) kept[t] = n + 1;
}

/** Whether a topic is assigned under a model's rule (see {@link ModelRule}). */
export function ruleAssigns(
  rule: ModelRule,
  evidence: boolean,
  probability: number,
  asked: boolean,
): boolean {
  return (
    (evidence && probability >= rule.veto) || (!asked && rule.alone !== null && probability >= rule.alone)
  );
}

/** One quote's out-of-fold standing: gold topics, the evidence's topics, the model's probabilities. */
export interface RuleRow {
  gold: readonly string[];
  evidence: readonly string[];
  /**
   * Per topic, the evidence's score over the topic's bar (≥ 1 exactly for the topics in `evidence`; 0
   * without a signal). Needed only by rules with a `bar`: without it a raised bar assigns nothing.
   */
  ratio?: Readonly<Record<string, number>>;
  probability: Readonly<Record<string, number>>;
  asked: boolean;
}

/** Whether a rule assigns a topic to a row (the row's evidence measured against the rule's bar). */
export function rowAssigns(rule: ModelRule, row: RuleRow, topic: string): boolean {
  const evidence =
    rule.bar === undefined || rule.bar === 1
      ? row.evidence.includes(topic)
      : (row.ratio?.[topic] ?? 0) >= rule.bar;
  return ruleAssigns(rule, evidence, row.probability[topic] ?? 0, row.asked);
}

/** The precision each topic must reach (issue 14): 0.85 for the three the product is named for, else 0.8. */
export const GOAL_PRECISION: Readonly<Record<string, number>> = {
  'work-balance': 0.85,
  crowdsourcing: 0.85,
  'future-demand': 0.85,
};
const goalOf = (topic: string) => GOAL_PRECISION[topic] ?? 0.8;

const ALONE = [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97];
const VETO = [0, 0.1, 0.2, 0.3];

/**
 * Per topic, the rule with the most recall at the topic's goal precision on out-of-fold rows (a model
 * that never saw their files), else the best F0.5; the evidence alone unless another rule beats it
 * by `margin` (a threshold chosen on a few hundred quotes moves on the next few hundred), and a rule
 * that reaches the goal only by giving up half the evidence's recall does not count as reaching it.
 *
 * With `groups` (each row's fold: rows of one source file share it), a rule other than the evidence
 * alone must also beat the evidence on every group by the same measure. Chosen on the pool alone, the
 * rules moved with the fold draw (future-demand's ranged over four rules and 0.82–0.87 precision over
 * five draws); a model rule that wins on every fold is one that does not hang on a few files
 * (eval/README.md, 2026-12-06).
 */
export function chooseRules(
  rows: readonly RuleRow[],
  topics: readonly string[],
  margin = 0.03,
  groups?: readonly number[],
): Record<string, ModelRule> {
  if (groups && groups.length !== rows.length) throw new Error('chooseRules: one group per row');
  const out: Record<string, ModelRule> = {};
  const candidates: ModelRule[] = [{ veto: 0, alone: null }];
  // The model vetoes only what it is fairly sure is wrong (p < 0.3 at most): a bar that takes most
  // of the evidence's tags away was chosen by news-heavy folds and cost interview turns their recall
  // (family-partner at 0.93: test recall 0.65 → 0.19), and over the pool the narrower family found
  // more at about the same precision (cross-validated micro 0.80 / 0.51 → 0.78 / 0.54, eval/README.md).
  for (const alone of ALONE) for (const veto of VETO) if (veto < alone) candidates.push({ veto, alone });
  for (const veto of VETO) if (veto > 0) candidates.push({ veto, alone: null });
  const parts = groups ? [...new Set(groups)].map((g) => rows.filter((_, i) => groups[i] === g)) : [];
  for (const topic of topics) {
    const keys = ruleKeys(rows, topic, candidates);
    const perGroup = parts.map((part) => ruleKeys(part, topic, candidates));
    const winsEverywhere = (i: number) =>
      perGroup.every((k) => {
        const own = k[i];
        const evidence = k[0] ?? 0;
        return own !== undefined && own !== null && own > evidence;
      });
    let best = 0;
    let bestKey = Number.NEGATIVE_INFINITY;
    keys.forEach((key, i) => {
      if (key === null || (i > 0 && !winsEverywhere(i))) return;
      if (key - (i === 0 ? 0 : margin) > bestKey) {
        bestKey = key;
        best = i;
      }
    });
    out[topic] = candidates[best] as ModelRule;
  }
  return out;
}

/**
 * Each candidate rule's standing on some rows: most recall at the goal precision (10 + recall), else
 * F0.5; null when it tags nothing or the rows hold no gold quote (the evidence alone then stands at 0).
 * A rule that reaches the goal only by giving up half the evidence's recall does not count as reaching it.
 */
function ruleKeys(
  rows: readonly RuleRow[],
  topic: string,
  candidates: readonly ModelRule[],
): Array<number | null> {
  const count = (rule: ModelRule) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of rows) {
      const got = ruleAssigns(rule, r.evidence.includes(topic), r.probability[topic] ?? 0, r.asked);
      const gold = r.gold.includes(topic);
      if (got && gold) tp++;
      else if (got) fp++;
      else if (gold) fn++;
    }
    return {
      p: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
      r: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
    };
  };
  const evidenceRecall = count(candidates[0] as ModelRule).r;
  return candidates.map((rule, i) => {
    const { p, r } = count(rule);
    if (Number.isNaN(p) || Number.isNaN(r)) return i === 0 ? 0 : null;
    const reaches = p >= goalOf(topic) && !(r < 0.5 * evidenceRecall);
    return reaches ? 10 + r : p + r === 0 ? 0 : (1.25 * p * r) / (0.25 * p + r);
  });
}

/**
 * The lower end of a precision's Wilson interval (tp of n tags; 0 for none), one standard error wide unless `z`
 * says otherwise. `tp` and `n` may be weighted counts: pass `n` as the effective sample size and `tp` scaled to it.
 */
export function wilsonLow(tp: number, n: number, z = 1): number {
  if (n === 0) return 0;
  const p = tp / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre - spread) / (1 + (z * z) / n);
}

const BARS = [1, 1.25, 1.5, 2, 2.5, 3];
const FIRST_VETO = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
/** The operating points the precision-first choice walks: raised bars, firmer vetoes, the model alone. */
const PRECISION_CANDIDATES: ModelRule[] = BARS.flatMap((bar) =>
  FIRST_VETO.flatMap((veto) =>
    [null, ...ALONE]
      .filter((alone) => alone === null || veto < alone)
      .map((alone) => (bar === 1 ? { veto, alone } : { veto, alone, bar })),
  ),
);

/**
 * The z a choice among `m` candidates needs for the one-sided level one standard error gives a single one
 * (Bonferroni: Φ⁻¹(1 − 0.1587 / m)); 1 for m = 1. The best of many candidates looks better than it is: the
 * margin grows with how many were looked at (tags8, 2026-12-07).
 */
export function zForCandidates(m: number): number {
  const tail = 0.158655 / Math.max(1, m);
  // Φ⁻¹ by bisection on the complementary error function (erfc via Abramowitz–Stegun 7.1.26 is too coarse in
  // the far tail; this series is exact enough for z ≤ 6).
  const upper = (z: number) => 0.5 * erfc(z / Math.SQRT2);
  let lo = 0;
  let hi = 8;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (upper(mid) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** erfc by its continued fraction (x ≥ 2) or its series (x < 2). */
function erfc(x: number): number {
  if (x < 2) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

/** How {@link chooseRulesPrecisionFirst} walks (absent: tags6's, as shipped until 2026-12-07 13:00 UTC). */
export interface PrecisionFirstOptions {
  /** The operating points a topic whose rule misses its goal may take, given that rule (default: all of tags6's). */
  candidates?: (main: ModelRule) => readonly ModelRule[];
  /** `'grow'`: the Wilson bound's z is {@link zForCandidates} of the candidates walked (+1 for the main rule). */
  z?: number | 'grow';
  /** Each row's weight in the counts (precision, recall and the bound's effective n, Kish's (Σw)²/Σw²). */
  weights?: readonly number[];
}

/**
 * Precision first (issue 14; tags6, 2026-12-07): each topic keeps the rule {@link chooseRules} gives it
 * when that rule reaches the topic's goal precision on these rows with one standard error to spare (the
 * lower end of its Wilson interval); a topic whose rule does not gets the operating point — a raised bar
 * for the evidence, a firmer veto, the model alone — with the most recall among those that do, else the one
 * whose precision is surest (the highest lower end). The margin is the standard error and nothing tuned:
 * a point chosen on the rows it is scored on looks better than it is, the more so the fewer tags it makes.
 * The rows must carry `ratio` for the raised bars (train-tags and the eval's cross-validation give it).
 * `options` (tags8): fewer candidates, a margin that grows with their number, weighted rows.
 */
export function chooseRulesPrecisionFirst(
  rows: readonly RuleRow[],
  topics: readonly string[],
  groups?: readonly number[],
  options: PrecisionFirstOptions = {},
): Record<string, ModelRule> {
  const out = chooseRules(rows, topics, undefined, groups);
  const w = options.weights ?? rows.map(() => 1);
  for (const topic of topics) {
    const main = out[topic] as ModelRule;
    const candidates = options.candidates ? options.candidates(main) : PRECISION_CANDIDATES;
    const z = options.z === 'grow' ? zForCandidates(candidates.length + 1) : (options.z ?? 1);
    const gold = rows.map((r) => r.gold.includes(topic));
    let positives = 0;
    gold.forEach((g, i) => {
      if (g) positives += w[i] as number;
    });
    const count = (rule: ModelRule) => {
      let tp = 0;
      let n = 0;
      let n2 = 0;
      rows.forEach((row, i) => {
        if (!rowAssigns(rule, row, topic)) return;
        const wi = w[i] as number;
        n += wi;
        n2 += wi * wi;
        if (gold[i]) tp += wi;
      });
      const p = n === 0 ? 0 : tp / n;
      const effective = n === 0 ? 0 : (n * n) / n2;
      // Unweighted, the counts as they are (tags6's arithmetic exactly).
      const low = options.weights ? wilsonLow(p * effective, effective, z) : wilsonLow(tp, n, z);
      return { low, recall: positives === 0 ? 0 : tp / positives, p };
    };
    const goal = goalOf(topic);
    if (count(main).low >= goal) continue;
    let best: { rule: ModelRule; low: number; recall: number; p: number } | null = null;
    let surest: { rule: ModelRule; low: number } | null = null;
    for (const rule of candidates) {
      const c = count(rule);
      if (!surest || c.low > surest.low) surest = { rule, low: c.low };
      if (c.low < goal) continue;
      if (!best || c.recall > best.recall || (c.recall === best.recall && c.p > best.p))
        best = { rule, ...c };
    }
    const pick = best?.rule ?? surest?.rule;
    if (pick) out[topic] = pick;
  }
  return out;
}

/**
 * tags8's small candidate set (2026-12-07): around the every-fold rule only — its bar raised (1 … 3), its veto
 * kept or firmed to 0.3 or 0.5, the model alone kept or off: at most 36 points instead of ~700.
 */
export function nearMainCandidates(main: ModelRule): ModelRule[] {
  const seen = new Set<string>();
  const out: ModelRule[] = [];
  for (const bar of BARS)
    for (const veto of [main.veto, 0.3, 0.5])
      for (const alone of [main.alone, null]) {
        if (alone !== null && veto >= alone) continue;
        const rule: ModelRule = bar === 1 ? { veto, alone } : { veto, alone, bar };
        const key = `${bar}/${veto}/${alone}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rule);
      }
  return out;
}
