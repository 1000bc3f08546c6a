/**
 * Sorted-list evaluation of ranked queries whose words are all required (one- and two-word
 * queries, phrases, `terms=all`) and that exclude nothing: every intermediate result is a short
 * list in doc order (docs, scores, fields), built by merging decoded postings, instead of
 * scores scattered over dense per-doc scratch arrays and sorted at the end (evaluate.ts).
 *
 * Why: at a million quotes a common word matches tens of thousands of them, and each pass of
 * the general evaluator over its matches reads and writes arrays of a million entries at
 * addresses the prefetcher cannot follow (30–90 ns per match and pass; performance.md). Here
 * the postings are read in order, each doc's norms, role, span, question and dead flag come
 * from one packed entry (see {@link DocWords}), and merges write short arrays front to back.
 *
 * The results are those of the general evaluator to the bit: the same docs in the same order,
 * the same fields, the same scores (every sum is formed in the general evaluator's order:
 * fields text/question, speaker, section, title; alternatives by their best; slots in the
 * order the AND evaluates them), and the same matched terms for highlighting (a term counts
 * when it scores a doc among those the words before it left). Everything else — optional
 * words (top-k pruning, term at a time), exclusions, nested matches — stays with evaluate.ts,
 * as does any query when `EvaluateOptions.general` is set (tests compare the two paths).
 *
 * Top-k early termination is not valid here: a page reports its exact total and facet counts
 * over every match, so each match is visited anyway, and scoring one costs less than reading
 * its entry (see performance.md, "Sorted-list evaluation").
 */
import { type Corpus, RANKING, shareOf } from './evaluate.ts';
import { F_SECTION, F_SPEAKER, F_TEXT, F_TITLE } from './postings.ts';
import { bm25f, FIELD_BITS, FIELDS } from './scoring.ts';
import type { QueryNode } from './tree.ts';

/** A result in doc order (the shape of evaluate.ts's Matches). */
export interface List {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
  /**
   * When the general evaluator's output order must be reproduced (ranked queries without a
   * required word return their docs in the order they were first scored, which breaks ties
   * between equal scores): per doc, when it was first touched (see {@link SortedEvaluator.seq}).
   */
  keys?: Float64Array;
}

/** What the general evaluator shares with this one, so that both weigh and order alike. */
export interface Shared {
  /** A term and its expansions with their weights (cached per evaluation). */
  expansions(q: Extract<QueryNode, { kind: 'term' }>): Array<[string, number]>;
  termIdf(term: string): number;
  /** Rough size of a subtree's result (an AND evaluates its rarest part first). */
  estimate(q: QueryNode): number;
  bound(q: QueryNode, weight?: number): number;
  /** Length norms per stored field (text, speaker, section, title per slot), then the question's. */
  norms(): Float64Array[];
}

/** Per stored field: boost (title per slot). */
const SPEAKER_BOOST = FIELDS.speaker.boost;
const SECTION_BOOST = FIELDS.section.boost;
const TITLE_BOOST = FIELDS.title.boost;
const TEXT_BOOST = FIELDS.text.boost;
const QUESTION_BOOST = FIELDS.question.boost;

/** Entries per doc in {@link DocWords}. */
const STRIDE = 4;

/**
 * Touch keys (see {@link List.keys}): a field's walk within one step, and one step (a term or
 * part a slot scores), in a double's exact integer range (2^17 steps of 4 fields of 2^33).
 */
const FIELD_KEY = 2 ** 33;
const STEP = 4 * FIELD_KEY;

/**
 * One packed entry per doc, holding what the hot loop reads (one cache line for two docs
 * instead of six arrays of a million entries): [text norm, question norm (the doc as the
 * question of its answers), span × 4 + role (−1: dead), the doc it answers (−1: none,
 * −2: dead)]. Rebuilt when the statistics change (as the norms are).
 */
class DocWords {
  words = new Float64Array(0);
  /** The longest span: no answer is further than this from its question. */
  reach = 0;
  private docs = -1;
  private stats = -1;
  private normsOf: Float64Array[] | null = null;

  get(c: Corpus, norms: Float64Array[]): Float64Array {
    if (this.docs === c.docs.count && this.stats === c.statsVersion && this.normsOf === norms)
      return this.words;
    const n = c.docs.count;
    if (this.words.length < n * STRIDE) this.words = new Float64Array(Math.ceil(n * 1.25) * STRIDE);
    const w = this.words;
    const text = norms[F_TEXT] as Float64Array;
    const question = norms[4] as Float64Array;
    const span = c.docs.span.a;
    const role = c.docs.role.a;
    const questionOf = c.docs.questionOf.a;
    const dead = c.docs.dead.a;
    let reach = 0;
    for (let d = 0, p = 0; d < n; d++, p += STRIDE) {
      if ((span[d] ?? 0) > reach) reach = span[d] ?? 0;
      w[p] = text[d] ?? 1;
      w[p + 1] = question[d] ?? 1;
      const gone = dead[d] !== 0;
      w[p + 2] = gone ? -1 : (span[d] ?? 0) * 4 + (role[d] ?? 0);
      w[p + 3] = gone ? -2 : (questionOf[d] ?? -1);
    }
    this.reach = reach;
    this.docs = n;
    this.stats = c.statsVersion;
    this.normsOf = norms;
    return w;
  }
}

function list(n: number): List {
  return { n: 0, docs: new Int32Array(n), scores: new Float64Array(n), fields: new Uint8Array(n) };
}

const EMPTY: List = list(0);

/** First index ≥ `from` of sorted `docs[0..n)` holding a value ≥ x (galloping, then binary). */
function seek(docs: Int32Array, n: number, from: number, x: number): number {
  if (from >= n || (docs[from] ?? 0) >= x) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && (docs[hi] ?? 0) < x) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > n) hi = n;
  // docs[lo] < x; docs[hi] ≥ x or hi = n.
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((docs[mid] ?? 0) < x) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Union of two lists, scores added (a's first) or the best kept, fields or-ed, first touch kept. */
function union(a: List, b: List, best: boolean): List {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = list(a.n + b.n);
  const ak = a.keys;
  const bk = b.keys;
  const keys = ak && bk ? new Float64Array(a.n + b.n) : null;
  let i = 0;
  let j = 0;
  let k = 0;
  const { docs, scores, fields } = out;
  while (i < a.n || j < b.n) {
    const x = i < a.n ? (a.docs[i] ?? 0) : 0x7fffffff;
    const y = j < b.n ? (b.docs[j] ?? 0) : 0x7fffffff;
    if (x < y) {
      if (keys) keys[k] = ak?.[i] ?? 0;
      docs[k] = x;
      scores[k] = a.scores[i] ?? 0;
      fields[k++] = a.fields[i++] ?? 0;
    } else if (y < x) {
      if (keys) keys[k] = bk?.[j] ?? 0;
      docs[k] = y;
      scores[k] = b.scores[j] ?? 0;
      fields[k++] = b.fields[j++] ?? 0;
    } else {
      if (keys) keys[k] = Math.min(ak?.[i] ?? 0, bk?.[j] ?? 0);
      const s = a.scores[i] ?? 0;
      const t = b.scores[j] ?? 0;
      docs[k] = x;
      scores[k] = best ? Math.max(s, t) : s + t;
      fields[k++] = (a.fields[i++] ?? 0) | (b.fields[j++] ?? 0);
    }
  }
  out.n = k;
  if (keys) out.keys = keys;
  return out;
}

const addLists = (a: List, b: List) => union(a, b, false);
const maxLists = (a: List, b: List) => union(a, b, true);

/**
 * Alternatives merged by their best, the two smallest lists first (as Huffman merges): a word
 * with dozens of variants or katakana expansions then copies each doc a few times, not once
 * per alternative. The best of several scores is the same in any order.
 */
function maxAll(parts: List[]): List {
  const live = parts.filter((p) => p.n > 0);
  if (live.length === 0) return EMPTY;
  while (live.length > 1) {
    live.sort((x, y) => y.n - x.n);
    const a = live.pop() as List;
    const b = live.pop() as List;
    live.push(maxLists(a, b));
  }
  return live[0] as List;
}

/** Docs in both, scores added (a's first), fields or-ed (evaluate.ts's intersect). */
function intersectLists(a: List, b: List): List {
  const out = list(Math.min(a.n, b.n));
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.n && j < b.n) {
    const x = a.docs[i] ?? 0;
    const y = b.docs[j] ?? 0;
    if (x < y) i = seek(a.docs, a.n, i, y);
    else if (y < x) j = seek(b.docs, b.n, j, x);
    else {
      out.docs[k] = x;
      out.scores[k] = (a.scores[i] ?? 0) + (b.scores[j] ?? 0);
      out.fields[k++] = (a.fields[i++] ?? 0) | (b.fields[j++] ?? 0);
    }
  }
  out.n = k;
  return out;
}

/** True when the sorted path evaluates this query (see the module comment). */
export function sortedApplies(q: QueryNode): q is Extract<QueryNode, { kind: 'match' }> {
  if (q.kind !== 'match' || q.exclude.length > 0 || q.slots.length === 0) return false;
  // A query without a required word (three words or more, ranked) unites every word's postings
  // term at a time until top-k pruning closes it: as lists that costs more than scattering
  // into dense arrays (measured up to 2× slower at 1M), so those stay with evaluate.ts.
  return q.slots.some((s) => s.required) && q.slots.every((s) => plain(s.node));
}

/** A slot tree without exclusions or nested ranked matches. */
function plain(q: QueryNode): boolean {
  switch (q.kind) {
    case 'term':
      return true;
    case 'and':
    case 'or':
    case 'max':
      return q.children.every(plain);
    case 'phrase':
      return plain(q.child);
    default:
      return false;
  }
}

/** A slot whose touch order {@link SortedEvaluator} reproduces: terms, alternatives, ANDs. */
function touchable(q: QueryNode): boolean {
  if (q.kind === 'max') return q.children.every(touchable);
  return q.kind === 'term' || q.kind === 'and';
}

/** A ranked query's accumulators in doc order: score, fields, matched weight, first touch. */
interface Acc extends List {
  matched: Float64Array;
  /** The optional slot (its index) that first touched each doc; null: doc order is the order. */
  slot: Int32Array | null;
}

/**
 * Adds one optional slot's scores `w` (its bound `bound`) to `m`: docs already there gain
 * its score, fields and share of the weight (evaluate.ts's match loop, same sums in the same
 * order); new docs join only while `open`, remembering slot `j` and when they were touched.
 */
function accumulate(m: Acc, w: List, bound: number, open: boolean, j: number): Acc {
  if (w.n === 0) return m;
  if (!open) {
    // No new docs: `w` scored only docs of `m` (it was restricted to them), added in place.
    let i = 0;
    for (let k = 0; k < w.n; k++) {
      const y = w.docs[k] ?? 0;
      i = seek(m.docs, m.n, i, y);
      if (i >= m.n || m.docs[i] !== y) continue;
      const f = w.fields[k] ?? 0;
      m.scores[i] = (m.scores[i] ?? 0) + (w.scores[k] ?? 0);
      m.fields[i] = (m.fields[i] ?? 0) | f;
      m.matched[i] = (m.matched[i] ?? 0) + bound * shareOf(f);
    }
    return m;
  }
  const size = open ? m.n + w.n : m.n;
  const out: Acc = {
    ...list(size),
    matched: new Float64Array(size),
    slot: m.slot ? new Int32Array(size) : null,
  };
  // New docs bring their touch keys (a slot scored while open carries them).
  const keys = m.keys ? new Float64Array(size) : null;
  let i = 0;
  let k = 0;
  let o = 0;
  while (i < m.n || k < w.n) {
    const x = i < m.n ? (m.docs[i] ?? 0) : 0x7fffffff;
    const y = k < w.n ? (w.docs[k] ?? 0) : 0x7fffffff;
    if (x < y) {
      out.docs[o] = x;
      out.scores[o] = m.scores[i] ?? 0;
      out.fields[o] = m.fields[i] ?? 0;
      out.matched[o] = m.matched[i] ?? 0;
      if (out.slot) out.slot[o] = m.slot?.[i] ?? 0;
      if (keys) keys[o] = m.keys?.[i] ?? 0;
      o++;
      i++;
      continue;
    }
    const f = w.fields[k] ?? 0;
    const share = bound * shareOf(f);
    if (x === y) {
      out.docs[o] = x;
      out.scores[o] = (m.scores[i] ?? 0) + (w.scores[k] ?? 0);
      out.fields[o] = (m.fields[i] ?? 0) | f;
      out.matched[o] = (m.matched[i] ?? 0) + share;
      if (out.slot) out.slot[o] = m.slot?.[i] ?? 0;
      if (keys) keys[o] = m.keys?.[i] ?? 0;
      o++;
      i++;
    } else if (open) {
      out.docs[o] = y;
      out.scores[o] = w.scores[k] ?? 0;
      out.fields[o] = f;
      out.matched[o] = share;
      if (out.slot) out.slot[o] = j;
      if (keys) keys[o] = w.keys?.[k] ?? 0;
      o++;
    }
    k++;
  }
  out.n = o;
  if (keys) out.keys = keys;
  return out;
}

/**
 * The k-th best lower bound (score so far × coordination) among docs past the minimum share;
 * 0 when fewer than k are (evaluate.ts's kthLowerBound: a multiset's k-th value, in any order).
 */
function kthLowerBound(m: Acc, total: number, minWeight: number, k: number): number {
  const heap = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < m.n; i++) {
    const w = m.matched[i] ?? 0;
    if (w < minWeight - 1e-9) continue;
    const low = (m.scores[i] ?? 0) * (w / total) ** RANKING.coord;
    if (size < k) {
      heap[size] = low;
      for (let c = size++; c > 0; ) {
        const p = (c - 1) >> 1;
        if ((heap[p] ?? 0) <= (heap[c] ?? 0)) break;
        const t = heap[p] ?? 0;
        heap[p] = heap[c] ?? 0;
        heap[c] = t;
        c = p;
      }
    } else if (low > (heap[0] ?? 0)) {
      heap[0] = low;
      for (let c = 0; ; ) {
        const l = 2 * c + 1;
        const r = l + 1;
        let s = c;
        if (l < size && (heap[l] ?? 0) < (heap[s] ?? 0)) s = l;
        if (r < size && (heap[r] ?? 0) < (heap[s] ?? 0)) s = r;
        if (s === c) break;
        const t = heap[s] ?? 0;
        heap[s] = heap[c] ?? 0;
        heap[c] = t;
        c = s;
      }
    }
  }
  return size < k ? 0 : (heap[0] ?? 0);
}

/**
 * Positions of `m` in the order the general evaluator touched its docs: by the slot that
 * first touched them, then the moment within it, then doc (an answer's question touches its
 * answers in doc order). Null when that is doc order already.
 */
function touchOrder(m: List & { slot?: Int32Array | null }): Int32Array | null {
  const slot = m.slot;
  const keys = m.keys;
  if (!slot || !keys) return null;
  let sorted = true;
  let slots = 0;
  for (let i = 0; i < m.n; i++) {
    const a = slot[i] ?? 0;
    if (a >= slots) slots = a + 1;
    if (i > 0 && sorted) {
      const p = slot[i - 1] ?? 0;
      if (p > a || (p === a && (keys[i - 1] ?? 0) > (keys[i] ?? 0))) sorted = false;
    }
  }
  if (sorted) return null;
  // Grouped by slot (a counting sort, stable: doc order within each group), then each group
  // sorted by key only when its keys are not already in doc order (alternatives, or answers
  // far from their question).
  const starts = new Int32Array(slots + 1);
  for (let i = 0; i < m.n; i++) starts[(slot[i] ?? 0) + 1] = (starts[(slot[i] ?? 0) + 1] ?? 0) + 1;
  for (let j = 0; j < slots; j++) starts[j + 1] = (starts[j + 1] ?? 0) + (starts[j] ?? 0);
  const fill = starts.slice(0, slots);
  const order = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) {
    const j = slot[i] ?? 0;
    order[fill[j] ?? 0] = i;
    fill[j] = (fill[j] ?? 0) + 1;
  }
  for (let j = 0; j < slots; j++) {
    const from = starts[j] ?? 0;
    const to = starts[j + 1] ?? 0;
    let ordered = true;
    for (let o = from + 1; o < to && ordered; o++)
      if ((keys[order[o - 1] ?? 0] ?? 0) > (keys[order[o] ?? 0] ?? 0)) ordered = false;
    if (!ordered) order.subarray(from, to).sort((x, y) => (keys[x] ?? 0) - (keys[y] ?? 0) || x - y);
  }
  return order;
}

/** Evaluates ranked queries without exclusions over sorted lists (see the module comment). */
export class SortedEvaluator {
  private readonly words = new DocWords();
  /** Answers found through the question field, before they are merged with the text's. */
  private qDocs = new Int32Array(1024);
  /** The question each of those answers (where the general evaluator's walk touches them). */
  private qSrc = new Int32Array(1024);
  private qScores = new Float64Array(1024);

  constructor(
    private readonly c: Corpus,
    private readonly g: Shared,
  ) {}

  /**
   * A `match` node accepted by {@link sortedApplies}: evaluate.ts's `match`, with the same
   * steps in the same order — required slots rarest first, each restricted to the docs the ones
   * before it left; then optional slots by bound, which stop admitting new docs once the page's
   * candidates beat whatever an unseen doc could still reach (MaxScore, with the same test at
   * the same points, so the same docs, totals and `pruned`).
   */
  match(
    q: Extract<QueryNode, { kind: 'match' }>,
    weight: number,
    terms: Set<string>,
    options: { topK?: number | undefined; roleWeights?: readonly number[] | undefined },
  ): List & { pruned: boolean } {
    const none = { ...EMPTY, pruned: false };
    const slots = q.slots.map((s) => ({ ...s, bound: this.g.bound(s.node, weight) }));
    const total = slots.reduce((s, x) => s + x.bound, 0);
    if (total <= 0) return none;
    // The AND evaluates its rarest part first: the others then only score the docs it left,
    // so a common word costs a merge against a short list, not a pass over its postings.
    const required = slots
      .filter((s) => s.required)
      .map((s) => ({ s, size: this.g.estimate(s.node) }))
      .sort((x, y) => x.size - y.size)
      .map((x) => x.s);
    const optional = slots.filter((s) => !s.required).sort((x, y) => y.bound - x.bound);
    const requiredWeight = required.reduce((s, x) => s + x.bound, 0);
    const minWeight = Math.max(requiredWeight, q.minShould * total);
    let acc: List | null = null;
    for (const s of required) {
      const part = this.slot(s.node, weight, terms, acc, false);
      acc = acc ? intersectLists(acc, part) : part;
      if (acc.n === 0) return none;
    }
    const rw = options.roleWeights ?? [1, 1, 1];
    if (optional.length === 0) {
      const m = acc as List;
      if (requiredWeight < minWeight - 1e-9) return none;
      // Every doc matched every slot: one coordination for all (evaluate.ts's finish).
      const coord = (requiredWeight / total) ** RANKING.coord;
      return { ...this.finish(m, null, coord, total, minWeight, rw), pruned: false };
    }
    // Optional slots: accumulated scores, fields, matched weight and (without required slots,
    // whose docs come out in doc order) the slot and moment each doc was first touched.
    const keyed = required.length === 0;
    let m: Acc = acc
      ? { ...acc, matched: new Float64Array(acc.n).fill(requiredWeight), slot: null }
      : {
          ...list(0),
          matched: new Float64Array(0),
          slot: keyed ? new Int32Array(0) : null,
          keys: new Float64Array(0),
        };
    const topK = options.topK ?? Number.POSITIVE_INFINITY;
    const roleFloor = Math.min(1, ...rw);
    let remaining = optional.reduce((s, x) => s + x.bound, 0);
    let pruned = false;
    // Null while unseen docs can still join; then the docs every later slot may score.
    let closed: List | null = acc;
    for (const [j, s] of optional.entries()) {
      if (closed === null) {
        const short = requiredWeight + remaining < minWeight;
        const ceiling = remaining * (remaining / total) ** RANKING.coord;
        const beaten =
          !short && m.n >= topK && ceiling < kthLowerBound(m, total, minWeight, topK) * roleFloor;
        if (short || beaten) {
          closed = m;
          pruned = beaten;
        }
      }
      remaining -= s.bound;
      const w = this.slot(s.node, weight, terms, closed, keyed && closed === null);
      m = accumulate(m, w, s.bound, closed === null, j);
    }
    return { ...this.finish(m, m.matched, 0, total, minWeight, rw), pruned };
  }

  /**
   * Final scores (evaluate.ts's finish): coordination — `coord` for all, or per doc from
   * `matched` — and the role's weight; docs below the minimum share dropped. Docs come out in
   * the general evaluator's order: doc order, or first touched first when `m` carries slots.
   */
  private finish(
    m: List & { slot?: Int32Array | null },
    matched: Float64Array | null,
    coord: number,
    total: number,
    minWeight: number,
    rw: readonly number[],
  ): List {
    const w0 = rw[0] ?? 1;
    const w1 = rw[1] ?? 1;
    const w2 = rw[2] ?? 1;
    const words = this.words.get(this.c, this.g.norms());
    const roleCol = this.c.docs.role.a;
    const order = m.slot ? touchOrder(m) : null;
    const linear = RANKING.coord === 1;
    const out = list(m.n);
    let k = 0;
    for (let o = 0; o < m.n; o++) {
      const i = order ? (order[o] ?? 0) : o;
      let c = coord;
      if (matched) {
        const w = matched[i] ?? 0;
        if (w < minWeight - 1e-9) continue;
        // x ** 1 is x exactly (IEEE pow), so the power is skipped at the default exponent.
        c = linear ? w / total : (w / total) ** RANKING.coord;
      }
      const d = m.docs[i] ?? 0;
      const packed = words[d * STRIDE + 2] ?? 0;
      const role = packed >= 0 ? packed & 3 : (roleCol[d] ?? 0);
      out.docs[k] = d;
      out.scores[k] = (m.scores[i] ?? 0) * c * (role === 0 ? w0 : role === 1 ? w1 : role === 2 ? w2 : 1);
      out.fields[k++] = m.fields[i] ?? 0;
    }
    // Exactly as long as the result (callers read the arrays' lengths).
    return k === m.n
      ? { ...out, n: k }
      : {
          n: k,
          docs: out.docs.subarray(0, k),
          scores: out.scores.subarray(0, k),
          fields: out.fields.subarray(0, k),
        };
  }

  /**
   * Touch moments of the current slot: each term (or other part) a slot scores is one more
   * step; a doc's key is the step that first touched it, then the field, then its place in that
   * field's walk (see {@link frequencies}).
   */
  private seq = 0;

  /** One word of the query: its alternatives, each doc scoring its best (evaluate.ts's slotInto). */
  private slot(
    q: QueryNode,
    weight: number,
    terms: Set<string>,
    restrict: List | null,
    keyed: boolean,
  ): List {
    if (keyed) this.seq = 0;
    return this.slotPart(q, weight, terms, restrict, keyed);
  }

  private slotPart(
    q: QueryNode,
    weight: number,
    terms: Set<string>,
    restrict: List | null,
    keyed: boolean,
  ): List {
    if (q.kind === 'term') return this.leaf(q, weight * q.weight, terms, restrict, keyed);
    if (q.kind === 'max')
      return maxAll(q.children.map((c) => this.slotPart(c, weight * q.weight, terms, restrict, keyed)));
    const part = this.node(q, weight, terms, restrict);
    if (keyed && part.n > 0) {
      // Merged in its own order, doc order (an AND's intersection), as one step.
      const base = this.seq++ * STEP;
      const keys = new Float64Array(part.n);
      for (let i = 0; i < part.n; i++) keys[i] = base + (part.docs[i] ?? 0);
      return { ...part, keys };
    }
    return part;
  }

  /** A subtree (evaluate.ts's node, without exclusions). */
  private node(q: QueryNode, weight: number, terms: Set<string>, restrict: List | null): List {
    switch (q.kind) {
      case 'term':
        return this.leaf(q, weight * q.weight, terms, restrict, false);
      case 'phrase':
        return this.node(q.child, weight * q.weight, terms, restrict);
      case 'or':
      case 'max': {
        const w = weight * q.weight;
        const parts = q.children.map((c) => this.node(c, w, terms, restrict));
        if (parts.length === 1) return parts[0] as List;
        if (q.kind === 'max') return maxAll(parts);
        // Sums keep the children's order: floating-point addition is not associative.
        let out = EMPTY;
        for (const p of parts) out = addLists(out, p);
        return out;
      }
      case 'and': {
        const w = weight * q.weight;
        const ordered = q.children
          .map((c) => ({ c, size: this.g.estimate(c) }))
          .sort((x, y) => x.size - y.size)
          .map((x) => x.c);
        let out: List | null = null;
        for (const c of ordered) {
          const part = this.node(c, w, terms, out ?? restrict);
          out = out ? intersectLists(out, part) : part;
          if (out.n === 0) return out;
        }
        return out ?? EMPTY;
      }
      default:
        return EMPTY;
    }
  }

  /** A term and its expansions, each doc scoring its best (evaluate.ts's leafInto). */
  private leaf(
    q: Extract<QueryNode, { kind: 'term' }>,
    weight: number,
    terms: Set<string>,
    restrict: List | null,
    keyed: boolean,
  ): List {
    const parts: List[] = [];
    for (const [t, w] of this.g.expansions(q)) {
      const part = this.frequencies(t, restrict, keyed ? this.seq * STEP : -1);
      if (part.n === 0) continue;
      if (keyed) this.seq++;
      if (!q.gram) terms.add(t);
      const termWeight = weight * w * this.g.termIdf(t);
      const s = part.scores;
      for (let i = 0; i < part.n; i++) s[i] = bm25f(s[i] ?? 0, termWeight);
      parts.push(part);
    }
    return parts.length === 1 ? (parts[0] as List) : maxAll(parts);
  }

  /**
   * One term's BM25F pseudo frequency per live doc (evaluate.ts's termFrequencies), in doc
   * order: the text and, for the answers of a question holding the term, the question field;
   * then speaker, section and the interview title, added in that order. With `keyBase` ≥ 0
   * each doc also gets the moment the general evaluator's walk would first touch it: the text
   * posting's place (an answer right after its question's), then the other fields in order.
   */
  private frequencies(t: string, restrict: List | null, keyBase: number): List {
    const { postings, slots } = this.c;
    const norms = this.g.norms();
    const words = this.words.get(this.c, norms);
    const reach = this.words.reach;
    const ref = postings.resolve(t);
    const docCount = this.c.docs.count;
    const rDocs = restrict?.docs ?? EMPTY.docs;
    const rn = restrict ? restrict.n : 0;
    const masked = restrict !== null;

    // Text, and the question field of the answers (derived from the question's text postings).
    let out = EMPTY;
    let n = postings.fetchAt(ref, F_TEXT);
    if (n > 0) {
      const ids = postings.ids;
      const tfs = postings.tfs;
      const keyed = keyBase >= 0;
      // Answers found through their question wait in a queue (ascending; usually the next doc)
      // and are written out in doc order between the text postings, in one pass.
      this.reserve(n);
      let qh = 0;
      let qn = 0;
      let k = 0;
      let r = 0;
      let ra = 0;
      for (let i = 0; i <= n; i++) {
        const id = i < n ? (ids[i] ?? 0) : 0x7fffffff;
        while (qh < qn && (this.qDocs[qh] ?? 0) < id) {
          k = this.emit(k, this.qDocs[qh] ?? 0, this.qScores[qh] ?? 0, FIELD_BITS.question);
          if (keyed) (this.oKeys as Float64Array)[k - 1] = keyBase + (this.qSrc[qh] ?? 0) * 2 + 1;
          qh++;
        }
        if (i === n) break;
        const p = id * STRIDE;
        let mine = true;
        if (masked) {
          // Restricted: most postings are not candidates, and neither are their answers when
          // the next candidate lies beyond any question's reach, so the doc's entry (a cache
          // miss) is read only for the others.
          r = seek(rDocs, rn, r, id);
          mine = r < rn && rDocs[r] === id;
          if (!mine && (r >= rn || (rDocs[r] ?? 0) - id > reach)) continue;
        }
        const packed = words[p + 2] ?? -1;
        if (packed < 0) continue;
        const answers = packed >= 4 ? Math.floor(packed / 4) : 0;
        if (!mine && answers === 0) continue;
        const tf = tfs[i] ?? 1;
        if (mine) {
          const s = (TEXT_BOOST * tf) / (words[p] ?? 1);
          if (qh < qn && this.qDocs[qh] === id) {
            // Touched first through its question: the question's share comes first in the sum.
            k = this.emit(k, id, (this.qScores[qh] ?? 0) + s, FIELD_BITS.question | FIELD_BITS.text);
            if (keyed) (this.oKeys as Float64Array)[k - 1] = keyBase + (this.qSrc[qh] ?? 0) * 2 + 1;
            qh++;
          } else {
            k = this.emit(k, id, s, FIELD_BITS.text);
            if (keyed) (this.oKeys as Float64Array)[k - 1] = keyBase + id * 2;
          }
        }
        if (answers > 0) {
          const s = (QUESTION_BOOST * tf) / (words[p + 1] ?? 1);
          const last = Math.min(docCount - 1, id + answers);
          for (let a = id + 1; a <= last; a++) {
            if (words[a * STRIDE + 3] !== id) continue;
            if (masked) {
              if (ra > 0 && (rDocs[ra - 1] ?? 0) >= a) ra = seek(rDocs, rn, 0, a);
              else ra = seek(rDocs, rn, ra, a);
              if (ra >= rn || rDocs[ra] !== a) continue;
            }
            if (qh === qn) {
              qh = 0;
              qn = 0;
            }
            if (qn === this.qDocs.length) this.growAnswers();
            // Kept ascending: answers of overlapping questions can come out of order.
            let at = qn++;
            while (at > qh && (this.qDocs[at - 1] ?? 0) > a) {
              this.qDocs[at] = this.qDocs[at - 1] ?? 0;
              this.qSrc[at] = this.qSrc[at - 1] ?? 0;
              this.qScores[at] = this.qScores[at - 1] ?? 0;
              at--;
            }
            this.qDocs[at] = a;
            this.qSrc[at] = id;
            this.qScores[at] = s;
          }
        }
      }
      out = this.take(k, keyed);
    }

    // Speaker and section: the doc's own postings.
    for (const f of [F_SPEAKER, F_SECTION]) {
      n = postings.fetchAt(ref, f);
      if (n === 0) continue;
      const ids = postings.ids;
      const tfs = postings.tfs;
      const norm = norms[f] as Float64Array;
      const boost = f === F_SPEAKER ? SPEAKER_BOOST : SECTION_BOOST;
      const bit = f === F_SPEAKER ? FIELD_BITS.speaker : FIELD_BITS.section;
      const part = list(masked ? Math.min(n, rn) : n);
      const keys = keyBase >= 0 ? new Float64Array(part.docs.length) : null;
      const fieldKey = keyBase + f * FIELD_KEY;
      let k = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        if ((words[id * STRIDE + 2] ?? -1) < 0) continue;
        if (masked) {
          r = seek(rDocs, rn, r, id);
          if (r >= rn || rDocs[r] !== id) continue;
        }
        if (keys) keys[k] = fieldKey + id;
        part.docs[k] = id;
        part.scores[k] = (boost * (tfs[i] ?? 1)) / (norm[id] ?? 1);
        part.fields[k++] = bit;
      }
      part.n = k;
      if (keys) part.keys = keys;
      out = addLists(out, part);
    }

    // Title: per interview, for each of its docs.
    n = postings.fetchAt(ref, F_TITLE);
    if (n > 0) {
      const ids = postings.ids;
      const tfs = postings.tfs;
      const norm = norms[F_TITLE] as Float64Array;
      const deadSlot = slots.dead.a;
      const start = slots.start.a;
      let size = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        if (deadSlot[id] === 0) size += (start[id + 1] ?? 0) - (start[id] ?? 0);
      }
      const part = list(masked ? Math.min(size, rn) : size);
      const keys = keyBase >= 0 ? new Float64Array(part.docs.length) : null;
      const fieldKey = keyBase + F_TITLE * FIELD_KEY;
      let k = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        if (deadSlot[id] !== 0) continue;
        const s = (TITLE_BOOST * (tfs[i] ?? 1)) / (norm[id] ?? 1);
        const end = start[id + 1] ?? 0;
        if (masked) {
          for (r = seek(rDocs, rn, r, start[id] ?? 0); r < rn && (rDocs[r] ?? 0) < end; r++) {
            if (keys) keys[k] = fieldKey + (rDocs[r] ?? 0);
            part.docs[k] = rDocs[r] ?? 0;
            part.scores[k] = s;
            part.fields[k++] = FIELD_BITS.title;
          }
        } else
          for (let d = start[id] ?? 0; d < end; d++) {
            if (keys) keys[k] = fieldKey + d;
            part.docs[k] = d;
            part.scores[k] = s;
            part.fields[k++] = FIELD_BITS.title;
          }
      }
      part.n = k;
      if (keys) part.keys = keys;
      out = addLists(out, part);
    }
    return out;
  }

  private growAnswers(): void {
    const docs = new Int32Array(this.qDocs.length * 2);
    const src = new Int32Array(this.qDocs.length * 2);
    const scores = new Float64Array(this.qScores.length * 2);
    docs.set(this.qDocs);
    src.set(this.qSrc);
    scores.set(this.qScores);
    this.qDocs = docs;
    this.qSrc = src;
    this.qScores = scores;
  }

  /** The list being written by {@link frequencies} (grown as needed, copied out by take). */
  private oDocs = new Int32Array(1024);
  private oScores = new Float64Array(1024);
  private oFields = new Uint8Array(1024);
  private oKeys: Float64Array | null = new Float64Array(1024);

  /** Room for at least `n` more entries than the text postings can hold with their answers. */
  private reserve(n: number): void {
    if (this.oDocs.length >= n * 2) return;
    const size = n * 3;
    this.oDocs = new Int32Array(size);
    this.oScores = new Float64Array(size);
    this.oFields = new Uint8Array(size);
    this.oKeys = new Float64Array(size);
  }

  private emit(k: number, doc: number, score: number, fields: number): number {
    if (k === this.oDocs.length) {
      const grow = <A extends Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const b = make(a.length * 2);
        b.set(a as never);
        return b;
      };
      this.oDocs = grow(this.oDocs, (n) => new Int32Array(n));
      this.oScores = grow(this.oScores, (n) => new Float64Array(n));
      this.oFields = grow(this.oFields, (n) => new Uint8Array(n));
      this.oKeys = grow(this.oKeys as Float64Array, (n) => new Float64Array(n));
    }
    this.oDocs[k] = doc;
    this.oScores[k] = score;
    this.oFields[k] = fields;
    return k + 1;
  }

  /** The first `k` entries written as a list of their own. */
  private take(k: number, keyed: boolean): List {
    const out: List = {
      n: k,
      docs: this.oDocs.slice(0, k),
      scores: this.oScores.slice(0, k),
      fields: this.oFields.slice(0, k),
    };
    if (keyed) out.keys = (this.oKeys as Float64Array).slice(0, k);
    return out;
  }
}
