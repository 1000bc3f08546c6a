/**
 * Sorted-list evaluation of ranked queries with a required word (one- and two-word queries,
 * phrases, `terms=all`) that exclude nothing: every intermediate result is a short list in doc
 * order (docs, scores, fields), built by merging decoded postings, instead of scores scattered
 * over dense per-doc scratch arrays and sorted at the end (evaluate.ts).
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
 * when it scores a doc among those the words before it left). Exclusions and nested matches
 * stay with evaluate.ts, as does any query when `EvaluateOptions.general` is set (tests compare
 * the two).
 *
 * Ranked queries without a required word ({@link SortedEvaluator.rank}: a typed word the
 * analyzer splits into three segments or more, so that a quarter of the words' weight is
 * enough) are evaluated term at a time with top-k pruning, as evaluate.ts does, over lists.
 * Their result is not in doc order but in the order evaluate.ts first touched each doc, as the
 * page breaks ties in score by that order. **Touch keys** reproduce it: while unseen docs can
 * still join, every list entry carries an integer key, the smallest kept when lists merge.
 * evaluate.ts touches docs unit after unit — a term's postings (one unit per expansion, in
 * order), or an AND's result (doc order) — and within a term field after field (text with
 * the question field, speaker, section, title), each field's new docs in doc order, except
 * that an answer is touched at its question's text posting, before the docs between the two.
 * So key = (unit × 4 + field) × span + at × (reach + 1) + (doc − at), where `at` is the doc's
 * question when it was touched through it and the doc itself otherwise, and span = docs ×
 * (reach + 1); the final list is placed by key group (unit and field) and then sorted within.
 *
 * Top-k early termination is not valid here: a page reports its exact total and facet counts
 * over every match, so each match is visited anyway (and the general evaluator does not prune
 * a query with a required word either); scoring a visited match costs less than reading it.
 */
import { type Corpus, RANKING, shareOf } from './evaluate.ts';
import { offerKBest } from './kbest.ts';
import { F_SECTION, F_SPEAKER, F_TEXT, F_TITLE } from './postings.ts';
import { bm25f, FIELD_BITS, FIELDS } from './scoring.ts';
import { TermLists } from './term-lists.ts';
import { type QueryNode, shareBase } from './tree.ts';

/** A result in doc order (the shape of evaluate.ts's Matches). */
export interface List {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
  /**
   * Per entry, where the general evaluator would first touch the doc (module comment):
   * written only while a ranked query without a required word is open, else {@link NO_KEYS}.
   */
  keys: Float64Array;
}

/** The keys of a list that carries none. */
const NO_KEYS = new Float64Array(0);

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
  /** How the question field counts in the current evaluation (EvaluateOptions.questionField). */
  questionField(): { boost: number; minNorm: number };
}

/** Per stored field: boost (title per slot). */
const SPEAKER_BOOST = FIELDS.speaker.boost;
const SECTION_BOOST = FIELDS.section.boost;
const TITLE_BOOST = FIELDS.title.boost;
const TEXT_BOOST = FIELDS.text.boost;

/**
 * A restricted text walk goes candidate by candidate when it has at least this many postings per
 * candidate (each lookup gallops over the postings between two candidates). Measured at 1M on
 * real terms, both ways: candidate by candidate is faster from about 0.5–0.9 postings per
 * candidate (者 against 24,075 candidates 0.37 → 0.23 ms, 人 against 12,038 1.13 → 0.48 ms), the
 * walk below that (経営, 1,681 postings against 24,075: 0.05 against 0.20 ms).
 */
const AMONG_RATIO = 0.8;

/** Bits of a packed entry's first word that hold the span (below them, the role). */
const SPAN_BITS = 14;
/** Where the question's distance starts in a packed entry's first word (narrow entries). */
export const QUESTION_SHIFT = 2 + SPAN_BITS;
/**
 * The doc `d` answers, as the packed entries say (see {@link DocWords}): narrow entries hold how
 * far back its question is, wide ones name it in `wide` (`DocWords.questionOf`). A doc that
 * answers no question before it gives itself, or a negative number, never a doc before it: so
 * `questionAt(…, a) === q` (q < a) is "a answers q", the test every walk of the question field
 * makes per answer. Small enough that V8 inlines it into those loops.
 */
export function questionAt(ints: Int32Array, wide: Int32Array | null, d: number): number {
  return wide ? (wide[d] ?? -1) : d - ((ints[2 * d] ?? 0) >> QUESTION_SHIFT);
}

/** Text lengths up to this index the norm tables directly; longer ones are numbered as met. */
const DIRECT_LENGTHS = 1 << 16;

/**
 * One packed entry of 8 bytes per doc, holding what the hot loop reads (one cache line for
 * eight docs instead of six arrays of a million entries), two int32: `ints[2d]` is −1 for a dead
 * doc, else role + span × 4 + q × 2^16, where q is how far back the question it answers is (0:
 * none, or a question after it, which no walk reaches: they look forward from a question);
 * `ints[2d + 1]` numbers its text length, `norm[that number]` is its text norm and
 * `questionNorm[…]` its norm as the question of its answers. A length norm depends on the length
 * alone (1 − b + b·len/avg; a role's floor, Evaluator.setRoleMinNorms, gives the short turns of
 * that role a second number per length), so a few hundred doubles in cache stand for a million,
 * and they are the same doubles (the tables are filled from the per-doc norms). Entries of 32 bytes, both
 * norms inline, made the array 32 MB at 1M, this machine's whole L3; at 16 bytes (the text norm
 * inline) the 1M per-query p99 went 6.0–7.6 → 4.5–5.7 ms; at 8 bytes (8 MB) see performance.md.
 * A span past 14 bits (an interview of more than 16,383 turns, which the API refuses) makes
 * the entries **wide**: span × 4 + role alone, and the doc answered in `questionOf` (−1: none,
 * −2: dead). Rebuilt when the statistics change (as the norms are).
 */
class DocWords {
  ints = new Int32Array(0);
  /** Text norm per length number (see above). */
  norm = new Float64Array(0);
  /** The question field's norm per length number: `norm` itself when the two normalise alike. */
  questionNorm = new Float64Array(0);
  /** Wide entries only (see above): the doc each doc answers; null for narrow entries. */
  questionOf: Int32Array | null = null;
  /** Mask of the span after shifting the role off (`(ints[2d] >> 2) & spanMask`). */
  spanMask = (1 << SPAN_BITS) - 1;
  /** The longest span: no answer is further than this from its question. */
  reach = 0;
  /** Counts rebuilds: what was derived from the entries (kept term lists) is valid for one. */
  generation = 0;
  private docs = -1;
  private stats = -1;
  private normsOf: Float64Array[] | null = null;

  get(c: Corpus, norms: Float64Array[]): this {
    if (this.docs === c.docs.count && this.stats === c.statsVersion && this.normsOf === norms) return this;
    const n = c.docs.count;
    if (this.ints.length < n * 2) this.ints = new Int32Array(Math.ceil(n * 1.25) * 2);
    const ints = this.ints;
    const text = norms[F_TEXT] as Float64Array;
    const question = norms[4] as Float64Array;
    const lens = c.docs.lens[F_TEXT].a;
    const span = c.docs.span.a;
    const role = c.docs.role.a;
    const questionOf = c.docs.questionOf.a;
    const dead = c.docs.dead.a;
    let reach = 0;
    let longest = 0;
    for (let d = 0; d < n; d++) {
      if ((span[d] ?? 0) > reach) reach = span[d] ?? 0;
      if (dead[d] === 0 && (lens[d] ?? 0) > longest) longest = lens[d] ?? 0;
    }
    const wide = reach >= 1 << SPAN_BITS;
    // Lengths number themselves unless some are long; then they are numbered as met.
    const direct = longest < DIRECT_LENGTHS;
    const numbered = direct ? null : new Map<number, number>();
    const size = direct ? longest + 1 : 0;
    const normTable: number[] = new Array(size).fill(1);
    const questionTable: number[] = new Array(size).fill(1);
    // A length's number is set once its norm is written: a doc of that length whose text norm a
    // role's floor raised (Evaluator.setRoleMinNorms) takes the next bank (length + size × bank).
    const set: boolean[] = new Array(size).fill(false);
    let same = true;
    for (let d = 0; d < n; d++) {
      if (dead[d] !== 0) {
        ints[2 * d] = -1;
        ints[2 * d + 1] = 0;
        continue;
      }
      const len = lens[d] ?? 0;
      const t = text[d] ?? 1;
      let k = len;
      for (let bank = 0; ; bank++) {
        if (numbered) {
          // Lengths are below 2^32: one key per length and bank.
          const key = len + bank * 2 ** 32;
          k = numbered.get(key) ?? numbered.size;
          if (k === numbered.size) numbered.set(key, k);
        } else k = len + bank * size;
        if (!set[k] || normTable[k] === t) break;
      }
      set[k] = true;
      const q = question[d] ?? 1;
      normTable[k] = t;
      questionTable[k] = q;
      if (q !== t) same = false;
      const s = span[d] ?? 0;
      const r = role[d] ?? 0;
      const answered = questionOf[d] ?? -1;
      // Only a question before the doc reaches it (the walks look forward from a question).
      const back = answered >= 0 && answered < d ? d - answered : 0;
      ints[2 * d] = wide ? s * 4 + r : r + s * 4 + (back < 1 << SPAN_BITS ? back : 0) * (1 << QUESTION_SHIFT);
      ints[2 * d + 1] = k;
    }
    // Banks past the first are written sparsely: their unwritten numbers are no doc's.
    for (let k = 0; k < normTable.length; k++) {
      normTable[k] ??= 1;
      questionTable[k] ??= 1;
    }
    if (this.norm.length < normTable.length) this.norm = new Float64Array(normTable.length);
    this.norm.set(normTable);
    if (same) this.questionNorm = this.norm;
    else {
      if (this.questionNorm === this.norm || this.questionNorm.length < questionTable.length)
        this.questionNorm = new Float64Array(questionTable.length);
      this.questionNorm.set(questionTable);
    }
    if (wide) {
      const of = this.questionOf && this.questionOf.length >= n ? this.questionOf : new Int32Array(n);
      for (let d = 0; d < n; d++) of[d] = dead[d] !== 0 ? -2 : (questionOf[d] ?? -1);
      this.questionOf = of;
    } else this.questionOf = null;
    this.spanMask = wide ? 0x1fffffff : (1 << SPAN_BITS) - 1;
    this.reach = reach;
    this.docs = n;
    this.stats = c.statsVersion;
    this.normsOf = norms;
    this.generation++;
    return this;
  }
}

/** The packed per-doc entries (see {@link DocWords}), as evaluate.ts's text walk reads them. */
export type PackedDocs = Pick<
  DocWords,
  'norm' | 'ints' | 'questionNorm' | 'questionOf' | 'spanMask' | 'reach'
>;

function list(n: number): List {
  return {
    n: 0,
    docs: new Int32Array(n),
    scores: new Float64Array(n),
    fields: new Uint8Array(n),
    keys: NO_KEYS,
  };
}

/** Room for keys in `l` (as many as it has room for docs). */
function keyRoom(l: List): Float64Array {
  if (l.keys.length < l.docs.length) l.keys = new Float64Array(l.docs.length);
  return l.keys;
}

const EMPTY: List = list(0);

/** Pooled lists hold at least this many entries (smaller ones are cheap to allocate anyway). */
const MIN_CLASS = 10;

/** Size class of a list of up to `n` entries: its capacity is 2 ** class. */
function classOf(n: number): number {
  return n <= 1 << MIN_CLASS ? MIN_CLASS : 32 - Math.clz32(n - 1);
}

/**
 * The lists of one evaluation, lent again to the next when the caller reads each result before
 * evaluating again (`EvaluateOptions.transient`, the search plan). Why: a common word's lists
 * are hundreds of kilobytes each (13 bytes per doc, several lists per query), and fresh ones
 * cost a zero-filled allocation, its page faults, and external-memory pressure that brings
 * collections into later queries. Capacities are powers of two, so a buffer serves any later
 * list of its class; entries past a list's `n` are stale and never read (every reader stops at
 * `n`, and results are handed out as views of exactly `n`).
 */
class ListPool {
  private readonly free: List[][] = [];
  private readonly lent: List[] = [];
  /** Whether the current evaluation borrows (otherwise every list is new, the caller's to keep). */
  private on = false;

  /** Starts an evaluation: what the previous one borrowed (its result included) comes back. */
  reset(transient: boolean): void {
    for (const l of this.lent) {
      const c = classOf(l.docs.length);
      let free = this.free[c];
      if (!free) {
        free = [];
        this.free[c] = free;
      }
      free.push(l);
    }
    this.lent.length = 0;
    this.on = transient;
  }

  get pooled(): boolean {
    return this.on;
  }

  /** An empty list with room for `n` entries: borrowed when pooled, else new and exactly `n`. */
  take(n: number): List {
    if (!this.on) return list(n);
    const c = classOf(n);
    const l = this.free[c]?.pop() ?? list(2 ** c);
    l.n = 0;
    this.lent.push(l);
    return l;
  }

  /** Room for at least `n` entries in `l` (a borrowed list keeps a power-of-two capacity). */
  grow(l: List, n: number): void {
    if (l.docs.length >= n) return;
    const size = this.on ? 2 ** classOf(n) : Math.max(n, l.docs.length * 2);
    const docs = new Int32Array(size);
    const scores = new Float64Array(size);
    const fields = new Uint8Array(size);
    docs.set(l.docs.subarray(0, l.n));
    scores.set(l.scores.subarray(0, l.n));
    fields.set(l.fields.subarray(0, l.n));
    if (l.keys.length > 0) {
      const keys = new Float64Array(size);
      keys.set(l.keys.subarray(0, l.n));
      l.keys = keys;
    }
    l.docs = docs;
    l.scores = scores;
    l.fields = fields;
  }
}

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

/** Union of two lists, scores added (a's first) or the best kept, fields or-ed. */
function union(pool: ListPool, a: List, b: List, best: boolean): List {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = pool.take(a.n + b.n);
  let i = 0;
  let j = 0;
  let k = 0;
  const { docs, scores, fields } = out;
  while (i < a.n || j < b.n) {
    const x = i < a.n ? (a.docs[i] ?? 0) : 0x7fffffff;
    const y = j < b.n ? (b.docs[j] ?? 0) : 0x7fffffff;
    if (x < y) {
      docs[k] = x;
      scores[k] = a.scores[i] ?? 0;
      fields[k++] = a.fields[i++] ?? 0;
    } else if (y < x) {
      docs[k] = y;
      scores[k] = b.scores[j] ?? 0;
      fields[k++] = b.fields[j++] ?? 0;
    } else {
      const s = a.scores[i] ?? 0;
      const t = b.scores[j] ?? 0;
      docs[k] = x;
      scores[k] = best ? Math.max(s, t) : s + t;
      fields[k++] = (a.fields[i++] ?? 0) | (b.fields[j++] ?? 0);
    }
  }
  out.n = k;
  return out;
}

/** {@link union} of lists that carry keys: each doc keeps the smaller (its first touch). */
function unionKeyed(pool: ListPool, a: List, b: List, best: boolean): List {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = pool.take(a.n + b.n);
  const keys = keyRoom(out);
  const ak = a.keys;
  const bk = b.keys;
  let i = 0;
  let j = 0;
  let k = 0;
  const { docs, scores, fields } = out;
  while (i < a.n || j < b.n) {
    const x = i < a.n ? (a.docs[i] ?? 0) : 0x7fffffff;
    const y = j < b.n ? (b.docs[j] ?? 0) : 0x7fffffff;
    if (x < y) {
      docs[k] = x;
      keys[k] = ak[i] ?? 0;
      scores[k] = a.scores[i] ?? 0;
      fields[k++] = a.fields[i++] ?? 0;
    } else if (y < x) {
      docs[k] = y;
      keys[k] = bk[j] ?? 0;
      scores[k] = b.scores[j] ?? 0;
      fields[k++] = b.fields[j++] ?? 0;
    } else {
      const s = a.scores[i] ?? 0;
      const t = b.scores[j] ?? 0;
      docs[k] = x;
      keys[k] = Math.min(ak[i] ?? 0, bk[j] ?? 0);
      scores[k] = best ? Math.max(s, t) : s + t;
      fields[k++] = (a.fields[i++] ?? 0) | (b.fields[j++] ?? 0);
    }
  }
  out.n = k;
  return out;
}

/**
 * Alternatives merged by their best, the two smallest lists first (as Huffman merges): a word
 * with dozens of variants or katakana expansions then copies each doc a few times, not once
 * per alternative. The best of several scores is the same in any order.
 */
function maxAll(pool: ListPool, parts: List[], merge: typeof union = union): List {
  const live = parts.filter((p) => p.n > 0);
  if (live.length === 0) return EMPTY;
  // The two shortest found by a scan, not a sort per merge: Array.prototype.sort copies the
  // array each time, garbage of every query with many expansions.
  while (live.length > 1) {
    let lo = 0;
    let next = 1;
    if ((live[1] as List).n < (live[0] as List).n) {
      lo = 1;
      next = 0;
    }
    for (let i = 2; i < live.length; i++) {
      const n = (live[i] as List).n;
      if (n < (live[lo] as List).n) {
        next = lo;
        lo = i;
      } else if (n < (live[next] as List).n) next = i;
    }
    const merged = merge(pool, live[lo] as List, live[next] as List, true);
    const first = Math.min(lo, next);
    const second = Math.max(lo, next);
    live[first] = merged;
    live[second] = live[live.length - 1] as List;
    live.pop();
  }
  return live[0] as List;
}

/** {@link maxAll} of lists that carry keys (the smallest key is the same in any order too). */
function maxAllKeyed(pool: ListPool, parts: List[]): List {
  return maxAll(pool, parts, unionKeyed);
}

/** Docs in both, scores added (a's first), fields or-ed (evaluate.ts's intersect). */
function intersectLists(pool: ListPool, a: List, b: List): List {
  const out = pool.take(Math.min(a.n, b.n));
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
  // A query without a required word goes to `rank` (rankedApplies), or to evaluate.ts.
  return q.slots.some((s) => s.required) && q.slots.every((s) => plain(s.node));
}

/**
 * True when {@link SortedEvaluator.rank} evaluates this query: ranked, no word required (a typed
 * word the analyzer split into three segments or more, a sentence), no exclusion, plain slots.
 */
export function rankedApplies(q: QueryNode): q is Extract<QueryNode, { kind: 'match' }> {
  if (q.kind !== 'match' || q.exclude.length > 0 || q.slots.length === 0) return false;
  return q.slots.every((s) => !s.required && plain(s.node));
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

/**
 * Adds one optional word's scores `w` (its bound `bound`) to the candidates `m`, in place: `w`
 * was restricted to them, so no doc joins (evaluate.ts's match loop once the required words
 * closed the candidates: the same sums, in the same order).
 */
function accumulate(m: List, matched: Float64Array, w: List, bound: number): void {
  let i = 0;
  for (let k = 0; k < w.n; k++) {
    const y = w.docs[k] ?? 0;
    i = seek(m.docs, m.n, i, y);
    if (i >= m.n || m.docs[i] !== y) continue;
    const f = w.fields[k] ?? 0;
    m.scores[i] = (m.scores[i] ?? 0) + (w.scores[k] ?? 0);
    m.fields[i] = (m.fields[i] ?? 0) | f;
    matched[i] = (matched[i] ?? 0) + bound * shareOf(f);
  }
}

/** The candidates of a ranked query without a required word: a list with each doc's matched weight. */
interface Acc extends List {
  matched: Float64Array;
}

function acc(n: number): Acc {
  return { ...list(n), keys: new Float64Array(n), matched: new Float64Array(n) };
}

/**
 * `a` united with one more open slot's scores `w` (bound `bound`) into `out`: docs of both add
 * the slot's score and share (a's first, as evaluate.ts's mergeSlot), docs of `w` alone join with
 * them; each doc keeps its first key (a's: earlier slots touched it first).
 *
 * With a heap (`k` > 0), each entry written past the minimum share is offered to it, the values
 * {@link kthLowerBound} would offer over `out` in the same order: the k-th lower bound the next
 * slot's pruning test reads then costs no pass over every candidate of its own (one per slot,
 * ~30,000 entries at 1M for 好印象 会社経営者). Returns it (0 when fewer than k are past the
 * minimum share), or −1 without a heap.
 */
function mergeOpen(
  a: Acc,
  w: List,
  bound: number,
  out: Acc,
  heap: Float64Array,
  k: number,
  total: number,
  minWeight: number,
): number {
  const { docs, scores, fields, keys, matched } = out;
  const wk = w.keys;
  const min = minWeight - 1e-9;
  let size = 0;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.n || j < w.n) {
    const x = i < a.n ? (a.docs[i] ?? 0) : 0x7fffffff;
    const y = j < w.n ? (w.docs[j] ?? 0) : 0x7fffffff;
    let sc: number;
    let m: number;
    if (x < y) {
      docs[n] = x;
      sc = a.scores[i] ?? 0;
      m = a.matched[i] ?? 0;
      fields[n] = a.fields[i] ?? 0;
      keys[n] = a.keys[i++] ?? 0;
    } else {
      const f = w.fields[j] ?? 0;
      const share = bound * shareOf(f);
      if (y < x) {
        docs[n] = y;
        sc = w.scores[j] ?? 0;
        m = share;
        fields[n] = f;
        keys[n] = wk[j] ?? 0;
      } else {
        docs[n] = x;
        sc = (a.scores[i] ?? 0) + (w.scores[j] ?? 0);
        m = (a.matched[i] ?? 0) + share;
        fields[n] = (a.fields[i] ?? 0) | f;
        keys[n] = a.keys[i++] ?? 0;
      }
      j++;
    }
    scores[n] = sc;
    matched[n++] = m;
    if (k > 0 && m >= min) size = offerKBest(heap, size, k, sc * coordination(m / total));
  }
  out.n = n;
  if (k === 0) return -1;
  return size < k ? 0 : (heap[0] ?? 0);
}

/**
 * A candidate's coordination, `share ** RANKING.coord`: the share itself at the default exponent
 * 1 (x ** 1 is x exactly, IEEE pow), without a call of pow per candidate — which, with the
 * exponent read from a mutable object, V8 does not fold: ~35,000 calls per slot in the k-th lower
 * bound of 好印象 会社経営者 and one per kept candidate when the result is finished.
 */
function coordination(share: number): number {
  const c = RANKING.coord;
  return c === 1 ? share : share ** c;
}

/**
 * The k-th best lower bound (score × coordination) among the candidates past the minimum share;
 * 0 when fewer than k are (evaluate.ts's kthLowerBound, over a list).
 */
function kthLowerBound(m: Acc, total: number, minWeight: number, k: number, heap: Float64Array): number {
  let size = 0;
  for (let i = 0; i < m.n; i++) {
    const w = m.matched[i] ?? 0;
    if (w < minWeight - 1e-9) continue;
    const low = (m.scores[i] ?? 0) * coordination(w / total);
    size = offerKBest(heap, size, k, low);
  }
  return size < k ? 0 : (heap[0] ?? 0);
}

/** Evaluates ranked queries without exclusions over sorted lists (see the module comment). */
export class SortedEvaluator {
  private readonly words = new DocWords();
  /** The open words' lists kept for the next queries (see term-lists.ts). */
  readonly kept = new TermLists();
  private readonly pool = new ListPool();
  /** Each text posting's packed entry, first word and length number (see {@link frequencies}). */
  private gathered = new Int32Array(0);
  private gatheredLengths = new Int32Array(0);
  /** Per candidate, the share of the query's weight it matched (read within one evaluation). */
  private matched = new Float64Array(0);
  /** Answers found through the question field, before they are merged with the text's. */
  private qDocs = new Int32Array(1024);
  private qScores = new Float64Array(1024);

  constructor(
    private readonly c: Corpus,
    private readonly g: Shared,
  ) {}

  /** The packed per-doc entries (see {@link DocWords}), for evaluate.ts's text walk too. */
  packed(): PackedDocs {
    return this.words.get(this.c, this.g.norms());
  }

  /** The longest question-to-answer distance (valid after {@link packed}). */
  get reach(): number {
    return this.words.reach;
  }

  /**
   * A `match` node accepted by {@link sortedApplies}: evaluate.ts's `match`, with the same
   * steps in the same order — required slots rarest first, each restricted to the docs the ones
   * before it left; then optional slots by bound, scoring those docs only (never pruned).
   */
  match(
    q: Extract<QueryNode, { kind: 'match' }>,
    weight: number,
    terms: Set<string>,
    options: { roleWeights?: readonly number[] | undefined; transient?: boolean | undefined },
  ): List {
    this.pool.reset(options.transient === true);
    const none = EMPTY;
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
    const minWeight = Math.max(requiredWeight, q.minShould * shareBase(slots));
    let acc: List | null = null;
    for (const s of required) {
      const part = this.slot(s.node, weight, terms, acc);
      acc = acc ? intersectLists(this.pool, acc, part) : part;
      if (acc.n === 0) return none;
    }
    const rw = options.roleWeights ?? [1, 1, 1];
    if (optional.length === 0) {
      const m = acc as List;
      if (requiredWeight < minWeight - 1e-9) return none;
      // Every doc matched every slot: one coordination for all (evaluate.ts's finish).
      const coord = (requiredWeight / total) ** RANKING.coord;
      return this.finish(m, null, coord, total, minWeight, rw);
    }
    // Optional words score the candidates the required ones left (evaluate.ts closes them
    // there: no doc joins, so nothing is pruned), adding their share of the query's weight.
    const m = acc as List;
    if (this.matched.length < m.n) this.matched = new Float64Array(2 ** classOf(m.n));
    const matched = this.matched.subarray(0, m.n).fill(requiredWeight);
    for (const s of optional) accumulate(m, matched, this.slot(s.node, weight, terms, m), s.bound);
    return this.finish(m, matched, 0, total, minWeight, rw);
  }

  /** The next unit of the touch keys: one term's postings, or an AND's result. */
  private unit = 0;
  /** Keys per unit and stage: docs × (reach + 1) (module comment). */
  private span = 1;
  /** The candidates of {@link rank} and the list they are merged into (swapped per slot). */
  private accs: [Acc, Acc] = [acc(0), acc(0)];
  /** The min-heap of kthLowerBound. */
  private heap = new Float64Array(0);
  /** Entries per key group in {@link finishRanked}. */
  private counts = new Int32Array(0);

  /** How many units of touch keys a slot tree can write (an upper bound). */
  private units(q: QueryNode): number {
    switch (q.kind) {
      case 'term':
        return this.g.expansions(q).length;
      case 'and':
        return 1;
      case 'or':
      case 'max':
        return q.children.reduce((n, c) => n + this.units(c), 0);
      case 'phrase':
        return this.units(q.child);
      default:
        return 0;
    }
  }

  /**
   * A `match` node accepted by {@link rankedApplies} (no word required): evaluate.ts's `match`
   * with the same steps in the same order — words by bound, each united with the candidates
   * while unseen docs can still reach the minimum share and the page (MaxScore), then, once
   * closed, scoring those candidates only — over lists instead of dense per-doc arrays.
   *
   * Its result comes in the order the general evaluator first touched each doc, not in doc
   * order: a page's ties (equal scores, which the repeated interviews of a large index have
   * everywhere) go to the doc touched first, so that order is part of the result. Each list
   * entry carries its touch key while the candidates are open (module comment), and the
   * final list is ordered by it. Null when the keys would not fit in a double's integers.
   */
  rank(
    q: Extract<QueryNode, { kind: 'match' }>,
    weight: number,
    terms: Set<string>,
    options: {
      topK?: number | undefined;
      roleWeights?: readonly number[] | undefined;
      transient?: boolean | undefined;
    },
  ): { list: List; pruned: boolean } | null {
    const slots = q.slots.map((s) => ({ ...s, bound: this.g.bound(s.node, weight) }));
    this.words.get(this.c, this.g.norms());
    const span = this.c.docs.count * (this.words.reach + 1);
    const units = slots.reduce((n, s) => n + this.units(s.node), 0);
    // Keys are integers below 2 ** 51 (exact, and their group exact by division).
    if ((4 * units + 4) * span >= 2 ** 51) return null;
    this.pool.reset(options.transient === true);
    const total = slots.reduce((s, x) => s + x.bound, 0);
    if (total <= 0) return { list: EMPTY, pruned: false };
    const optional = slots.filter((s) => !s.required).sort((a, b) => b.bound - a.bound);
    const minWeight = Math.max(0, q.minShould * shareBase(slots));
    const topK = options.topK ?? Number.POSITIVE_INFINITY;
    const roleFloor = Math.min(1, ...(options.roleWeights ?? [1]));
    let remaining = optional.reduce((s, x) => s + x.bound, 0);
    let pruned = false;
    let closed = false;
    let [m, spare] = this.accs;
    m.n = 0;
    this.span = span;
    this.unit = 0;
    // evaluate.ts's tests before each slot, in its order (see there): no unseen doc can reach
    // the minimum share, or beat the k-th lower bound so far (read only when the others pass).
    const ceilingOf = (rest: number) => rest * (rest / total) ** RANKING.coord;
    const beatableAt = (rest: number) => {
      const seen = total - rest;
      return ceilingOf(rest) < seen * (seen / total) ** RANKING.coord * (1 + 1e-9);
    };
    const pruning = Number.isFinite(topK);
    if (pruning && this.heap.length < topK) this.heap = new Float64Array(topK);
    // The k-th lower bound of `m` when the merge that wrote it offered its entries, else −1.
    let kth = -1;
    for (let x = 0; x < optional.length; x++) {
      const s = optional[x] as (typeof optional)[number];
      if (!closed) {
        const short = remaining < minWeight;
        let beaten = false;
        if (!short && m.n >= topK && beatableAt(remaining)) {
          if (kth < 0) kth = kthLowerBound(m, total, minWeight, topK, this.heap);
          beaten = ceilingOf(remaining) < kth * roleFloor;
        }
        if (short || beaten) {
          closed = true;
          pruned = beaten;
        }
      }
      remaining -= s.bound;
      if (!closed) {
        const w = this.slotKeyed(s.node, weight, terms);
        if (spare.docs.length < m.n + w.n) spare = acc(2 ** classOf(m.n + w.n));
        // The next slot's test reads the k-th lower bound of what this merge writes (the same
        // conditions as above); when it may not, none is offered.
        const next = pruning && x + 1 < optional.length && !(remaining < minWeight) && beatableAt(remaining);
        kth = mergeOpen(m, w, s.bound, spare, this.heap, next ? topK : 0, total, minWeight);
        [m, spare] = [spare, m];
      } else if (m.n > 0) accumulate(m, m.matched, this.slot(s.node, weight, terms, m), s.bound);
    }
    this.accs = [m, spare];
    return { list: this.finishRanked(m, total, minWeight, options.roleWeights ?? [1, 1, 1]), pruned };
  }

  /**
   * Final scores of {@link rank} (evaluate.ts's finish and finalScores): candidates below the
   * minimum share dropped, coordination per doc and the role's weight; in touch-key order.
   */
  private finishRanked(m: Acc, total: number, minWeight: number, roleWeights: readonly number[]): List {
    const span = this.span;
    const groups = 4 * this.unit + 4;
    if (this.counts.length < groups + 1) this.counts = new Int32Array(groups + 1);
    const counts = this.counts;
    counts.fill(0, 0, groups + 1);
    const min = minWeight - 1e-9;
    const { matched, keys } = m;
    let kept = 0;
    for (let i = 0; i < m.n; i++) {
      if ((matched[i] ?? 0) < min) continue;
      const g = Math.floor((keys[i] ?? 0) / span) + 1;
      counts[g] = (counts[g] ?? 0) + 1;
      kept++;
    }
    for (let g = 1; g <= groups; g++) counts[g] = (counts[g] ?? 0) + (counts[g - 1] ?? 0);
    const out = this.pool.take(kept);
    const outKeys = keyRoom(out);
    const role = this.c.docs.role.a;
    // Placed group by group (a unit's stage), in doc order within each.
    for (let i = 0; i < m.n; i++) {
      const w = matched[i] ?? 0;
      if (w < min) continue;
      const key = keys[i] ?? 0;
      const g = Math.floor(key / span);
      const at = counts[g] ?? 0;
      counts[g] = at + 1;
      const d = m.docs[i] ?? 0;
      const coord = coordination(w / total);
      out.docs[at] = d;
      out.scores[at] = (m.scores[i] ?? 0) * coord * (roleWeights[role[d] ?? 0] ?? 1);
      out.fields[at] = m.fields[i] ?? 0;
      outKeys[at] = key;
    }
    // Within a group the keys follow doc order but for answers touched through their question,
    // which come before the docs between the two: few entries move, and never across groups.
    for (let i = 1; i < kept; i++) {
      const key = outKeys[i] ?? 0;
      if ((outKeys[i - 1] ?? 0) <= key) continue;
      const d = out.docs[i] ?? 0;
      const sc = out.scores[i] ?? 0;
      const f = out.fields[i] ?? 0;
      let j = i;
      for (; j > 0 && (outKeys[j - 1] ?? 0) > key; j--) {
        outKeys[j] = outKeys[j - 1] ?? 0;
        out.docs[j] = out.docs[j - 1] ?? 0;
        out.scores[j] = out.scores[j - 1] ?? 0;
        out.fields[j] = out.fields[j - 1] ?? 0;
      }
      outKeys[j] = key;
      out.docs[j] = d;
      out.scores[j] = sc;
      out.fields[j] = f;
    }
    return {
      n: kept,
      docs: out.docs.subarray(0, kept),
      scores: out.scores.subarray(0, kept),
      fields: out.fields.subarray(0, kept),
      keys: NO_KEYS,
    };
  }

  /**
   * Final scores (evaluate.ts's finish): coordination — `coord` for all, or per doc from
   * `matched` — and the role's weight; docs below the minimum share dropped. In doc order, as
   * the general evaluator gives them when a word is required.
   */
  private finish(
    m: List,
    matched: Float64Array | null,
    coord: number,
    total: number,
    minWeight: number,
    rw: readonly number[],
  ): List {
    const w0 = rw[0] ?? 1;
    const w1 = rw[1] ?? 1;
    const w2 = rw[2] ?? 1;
    // The role from its own byte column (1 MB at 1M quotes), not the packed entries (8 MB): a
    // large result's docs are far apart, and there two of them share a cache line of roles
    // where each packed entry is a miss of its own (the role never changes for a doc).
    const roleCol = this.c.docs.role.a;
    const linear = RANKING.coord === 1;
    const out = this.pool.take(m.n);
    let k = 0;
    for (let i = 0; i < m.n; i++) {
      let c = coord;
      if (matched) {
        const w = matched[i] ?? 0;
        if (w < minWeight - 1e-9) continue;
        // x ** 1 is x exactly (IEEE pow), so the power is skipped at the default exponent.
        c = linear ? w / total : (w / total) ** RANKING.coord;
      }
      const d = m.docs[i] ?? 0;
      const role = roleCol[d] ?? 0;
      out.docs[k] = d;
      out.scores[k] = (m.scores[i] ?? 0) * c * (role === 0 ? w0 : role === 1 ? w1 : role === 2 ? w2 : 1);
      out.fields[k++] = m.fields[i] ?? 0;
    }
    // Exactly as long as the result (callers read the arrays' lengths; a borrowed list is longer).
    return {
      n: k,
      docs: out.docs.subarray(0, k),
      scores: out.scores.subarray(0, k),
      fields: out.fields.subarray(0, k),
      keys: NO_KEYS,
    };
  }

  /** {@link slot} with touch keys (an open slot of {@link rank}). */
  private slotKeyed(q: QueryNode, weight: number, terms: Set<string>): List {
    if (q.kind === 'term') return this.leafKeyed(q, weight * q.weight, terms);
    if (q.kind === 'max')
      return maxAllKeyed(
        this.pool,
        q.children.map((c) => this.slotKeyed(c, weight * q.weight, terms)),
      );
    return this.nodeKeyed(q, weight, terms);
  }

  /** {@link node} with touch keys. */
  private nodeKeyed(q: QueryNode, weight: number, terms: Set<string>): List {
    switch (q.kind) {
      case 'term':
        return this.leafKeyed(q, weight * q.weight, terms);
      case 'phrase':
        return this.nodeKeyed(q.child, weight * q.weight, terms);
      case 'or':
      case 'max': {
        const w = weight * q.weight;
        const parts = q.children.map((c) => this.nodeKeyed(c, w, terms));
        if (parts.length === 1) return parts[0] as List;
        if (q.kind === 'max') return maxAllKeyed(this.pool, parts);
        let out = EMPTY;
        for (const p of parts) out = unionKeyed(this.pool, out, p, false);
        return out;
      }
      case 'and': {
        // evaluate.ts gives an AND's result in doc order, as one unit: its parts need no keys.
        const out = this.node(q, weight, terms, null);
        const base = this.unit++ * 4 * this.span;
        const step = this.words.reach + 1;
        if (out.n > 0) {
          const keys = keyRoom(out);
          for (let i = 0; i < out.n; i++) keys[i] = base + (out.docs[i] ?? 0) * step;
        }
        return out;
      }
      default:
        return EMPTY;
    }
  }

  /** {@link leaf} with touch keys: one unit per expansion. */
  private leafKeyed(q: Extract<QueryNode, { kind: 'term' }>, weight: number, terms: Set<string>): List {
    const parts: List[] = [];
    for (const [t, w] of this.g.expansions(q)) {
      const unit = this.unit++;
      // The text walk keys its entries as it writes them (it has just read each answer's entry):
      // a term found in the text alone then needs no pass of keyTerm over its list.
      const part = this.frequencies(t, null, unit * 4 * this.span);
      if (part.n === 0) continue;
      if (!q.gram) terms.add(t);
      const termWeight = weight * w * this.g.termIdf(t);
      const s = part.scores;
      for (let i = 0; i < part.n; i++) s[i] = bm25f(s[i] ?? 0, termWeight);
      if (!this.keyedByWalk) this.keyTerm(part, unit);
      parts.push(part);
    }
    return parts.length === 1 ? (parts[0] as List) : maxAllKeyed(this.pool, parts);
  }

  /**
   * Touch keys of one term's list (see the module comment), from its fields: the first field
   * in evaluate.ts's walk that holds the doc (text or question, speaker, section, title), and in
   * the text walk the doc's question when it was touched through it.
   */
  private keyTerm(part: List, unit: number): void {
    const keys = keyRoom(part);
    const { ints, questionOf } = this.words;
    const step = this.words.reach + 1;
    const span = this.span;
    const base = unit * 4 * span;
    const TEXT = FIELD_BITS.text | FIELD_BITS.question;
    for (let i = 0; i < part.n; i++) {
      const d = part.docs[i] ?? 0;
      const f = part.fields[i] ?? 0;
      if ((f & TEXT) === 0) {
        const stage = f & FIELD_BITS.speaker ? 1 : f & FIELD_BITS.section ? 2 : 3;
        keys[i] = base + stage * span + d * step;
        continue;
      }
      const at = f & FIELD_BITS.question ? questionAt(ints, questionOf, d) : d;
      keys[i] = base + at * step + (d - at);
    }
  }

  /** One word of the query: its alternatives, each doc scoring its best (evaluate.ts's slotInto). */
  private slot(q: QueryNode, weight: number, terms: Set<string>, restrict: List | null): List {
    if (q.kind === 'term') return this.leaf(q, weight * q.weight, terms, restrict);
    if (q.kind === 'max')
      return maxAll(
        this.pool,
        q.children.map((c) => this.slot(c, weight * q.weight, terms, restrict)),
      );
    return this.node(q, weight, terms, restrict);
  }

  /** A subtree (evaluate.ts's node, without exclusions). */
  private node(q: QueryNode, weight: number, terms: Set<string>, restrict: List | null): List {
    switch (q.kind) {
      case 'term':
        return this.leaf(q, weight * q.weight, terms, restrict);
      case 'phrase':
        return this.node(q.child, weight * q.weight, terms, restrict);
      case 'or':
      case 'max': {
        const w = weight * q.weight;
        const parts = q.children.map((c) => this.node(c, w, terms, restrict));
        if (parts.length === 1) return parts[0] as List;
        if (q.kind === 'max') return maxAll(this.pool, parts);
        // Sums keep the children's order: floating-point addition is not associative.
        let out = EMPTY;
        for (const p of parts) out = union(this.pool, out, p, false);
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
          out = out ? intersectLists(this.pool, out, part) : part;
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
  ): List {
    const parts: List[] = [];
    for (const [t, w] of this.g.expansions(q)) {
      const part = this.frequencies(t, restrict);
      if (part.n === 0) continue;
      if (!q.gram) terms.add(t);
      const termWeight = weight * w * this.g.termIdf(t);
      const s = part.scores;
      for (let i = 0; i < part.n; i++) s[i] = bm25f(s[i] ?? 0, termWeight);
      parts.push(part);
    }
    return parts.length === 1 ? (parts[0] as List) : maxAll(this.pool, parts);
  }

  /**
   * One term's BM25F pseudo frequency per live doc (evaluate.ts's termFrequencies), in doc
   * order: the text and, for the answers of a question holding the term, the question field;
   * then speaker, section and the interview title, added in that order. With `keyBase` ≥ 0 (the
   * key base of the term's unit, leafKeyed) an unrestricted text walk also writes keyTerm's keys.
   */
  private frequencies(t: string, restrict: List | null, keyBase = -1): List {
    // Kept lists serve every unrestricted list: the open words' (keyed) of split queries, and
    // the rarest required word's of a match (必要 alone: 28,966 postings, ~1.2 ms of its ~3 ms
    // walked); and, filtered by the candidates, the restricted lists of a term asked for again
    // (TermLists.wantsWhole): a restricted list is the whole list's entries for the candidates,
    // the same scores and fields (each doc's entry depends on the doc, its question and the
    // term alone). Unpooled results are the caller's, and walked.
    if (!this.pool.pooled) return this.walkFrequencies(t, restrict, keyBase);
    const generation = this.words.get(this.c, this.g.norms()).generation;
    const { boost, minNorm } = this.g.questionField();
    const kept = this.kept.get(t, generation, boost, minNorm);
    if (restrict !== null) {
      if (kept !== undefined) return this.among(kept, restrict);
      const minEntries = this.kept.minEntries;
      if (!this.kept.wantsWhole(t, () => this.c.postings.df(t, F_TEXT) >= minEntries))
        return this.walkFrequencies(t, restrict, keyBase);
      return this.among(this.walkAndKeep(t, -1), restrict);
    }
    if (kept !== undefined) {
      const out = this.pool.take(kept.n);
      out.docs.set(kept.docs);
      out.scores.set(kept.scores);
      out.fields.set(kept.fields);
      out.n = kept.n;
      const from = keyBase >= 0 ? kept.keys : null;
      if (from !== null) {
        // emit's key, rebuilt from the doc and its distance back to where it was touched.
        const keys = keyRoom(out);
        const step = this.words.reach + 1;
        const docs = kept.docs;
        for (let i = 0; i < kept.n; i++) {
          const back = from[i] ?? 0;
          keys[i] = keyBase + (((docs[i] ?? 0) - back) * step + back);
        }
      }
      this.keyedByWalk = from !== null;
      return out;
    }
    return this.walkAndKeep(t, keyBase);
  }

  /**
   * The unrestricted list of `t` walked, and kept if long enough. A required word's walk writes
   * the touch keys too (key base 0; the caller ignores them), so that an open word served its
   * list later needs no pass of keyTerm, as if it had walked it.
   */
  private walkAndKeep(t: string, keyBase: number): List {
    const base = Math.max(keyBase, 0);
    const out = this.walkFrequencies(t, null, base);
    if (out.n >= this.kept.minEntries) {
      let keys: Int32Array | null = null;
      if (this.keyedByWalk) {
        keys = new Int32Array(out.n);
        // The walk's keys are base + an integer below 2^53, (at × step + back) with back ≤ reach
        // < step (emit): less the base, modulo step, exactly back.
        const step = this.words.reach + 1;
        for (let i = 0; i < out.n; i++) keys[i] = ((out.keys[i] ?? 0) - base) % step;
      }
      this.kept.put(t, {
        n: out.n,
        docs: out.docs.slice(0, out.n),
        scores: out.scores.slice(0, out.n),
        fields: out.fields.slice(0, out.n),
        keys,
      });
    }
    return out;
  }

  /**
   * The entries of a whole list `l` whose docs are among the candidates `r` (both in doc
   * order): the restricted walk's result. The shorter one is walked, each doc sought in the
   * other (galloping): no packed entry is read.
   */
  private among(l: Pick<List, 'n' | 'docs' | 'scores' | 'fields'>, r: List): List {
    const out = this.pool.take(Math.min(l.n, r.n));
    const { docs, scores, fields } = out;
    const ld = l.docs;
    const rd = r.docs;
    let k = 0;
    if (l.n <= r.n) {
      let j = 0;
      for (let i = 0; i < l.n && j < r.n; i++) {
        const d = ld[i] ?? 0;
        j = seek(rd, r.n, j, d);
        if (rd[j] !== d || j >= r.n) continue;
        docs[k] = d;
        scores[k] = l.scores[i] ?? 0;
        fields[k++] = l.fields[i] ?? 0;
      }
    } else {
      let i = 0;
      for (let j = 0; j < r.n && i < l.n; j++) {
        const d = rd[j] ?? 0;
        i = seek(ld, l.n, i, d);
        if (ld[i] !== d || i >= l.n) continue;
        docs[k] = d;
        scores[k] = l.scores[i] ?? 0;
        fields[k++] = l.fields[i] ?? 0;
      }
    }
    out.n = k;
    this.keyedByWalk = false;
    return out;
  }

  /** {@link frequencies} walked (not kept). */
  private walkFrequencies(t: string, restrict: List | null, keyBase: number): List {
    const { postings, slots } = this.c;
    const norms = this.g.norms();
    const { norm, ints, questionNorm, questionOf, spanMask, reach } = this.words.get(this.c, norms);
    const ref = postings.resolve(t);
    const docCount = this.c.docs.count;
    // Whether the result is the text walk's list as written, keys included (see leafKeyed).
    this.keyedByWalk = false;
    const keyed = keyBase >= 0 && restrict === null && this.pool.pooled;
    const rDocs = restrict?.docs ?? EMPTY.docs;
    const rn = restrict ? restrict.n : 0;
    const masked = restrict !== null;
    const { boost: questionBoost, minNorm: questionMinNorm } = this.g.questionField();

    // Text, and the question field of the answers (derived from the question's text postings).
    let out = EMPTY;
    // The text postings are decoded into the shared buffers, not kept decoded (decoded.ts): what
    // this path keeps of a term is its scored list (term-lists.ts), whole from its second
    // restricted request on, so a decoded copy was read again only by the first restricted
    // requests, and cost fresh memory on a first search (a page fault per 4 KiB).
    let n = postings.fetchAt(ref, F_TEXT, false);
    if (n > 0 && masked && n >= rn * AMONG_RATIO) {
      // Not many more candidates than postings: each candidate is looked up among the postings.
      this.open(rn);
      out = this.close(this.textAmong(postings.ids, postings.tfs, n, rDocs, rn));
    } else if (n > 0) {
      const ids = postings.ids;
      const tfs = postings.tfs;
      // Answers found through their question wait in a queue (ascending; usually the next doc)
      // and are written out in doc order between the text postings, in one pass.
      this.open(n);
      this.walkKeyBase = keyed ? keyBase : -1;
      if (keyed) keyRoom(this.o);
      // Unrestricted, every posting's entry is read: gathered first in a loop of loads alone, so
      // the processor has many of those cache misses in flight at once (the main loop, with its
      // queue and branches, keeps few), and the main loop then finds the entries in cache.
      if (!masked) {
        if (this.gathered.length < n) {
          this.gathered = new Int32Array(2 ** classOf(n));
          this.gatheredLengths = new Int32Array(this.gathered.length);
        }
        const g = this.gathered;
        const gl = this.gatheredLengths;
        for (let i = 0; i < n; i++) {
          const e = (ids[i] ?? 0) * 2;
          g[i] = ints[e] ?? -1;
          gl[i] = ints[e + 1] ?? 0;
        }
      }
      const g = this.gathered;
      const gl = this.gatheredLengths;
      let qh = 0;
      let qn = 0;
      let k = 0;
      let r = 0;
      let ra = 0;
      for (let i = 0; i <= n; i++) {
        const id = i < n ? (ids[i] ?? 0) : 0x7fffffff;
        while (qh < qn && (this.qDocs[qh] ?? 0) < id) {
          k = this.emit(k, this.qDocs[qh] ?? 0, this.qScores[qh] ?? 0, FIELD_BITS.question);
          qh++;
        }
        if (i === n) break;
        let mine = true;
        if (masked) {
          // Restricted: most postings are not candidates, and neither are their answers when
          // the next candidate lies beyond any question's reach, so the doc's entry (a cache
          // miss) is read only for the others.
          r = seek(rDocs, rn, r, id);
          mine = r < rn && rDocs[r] === id;
          if (!mine && (r >= rn || (rDocs[r] ?? 0) - id > reach)) continue;
        }
        const packed = (masked ? ints[2 * id] : g[i]) ?? -1;
        if (packed < 0) continue;
        const answers = (packed >> 2) & spanMask;
        if (!mine && answers === 0) continue;
        const tf = tfs[i] ?? 1;
        const length = (masked ? ints[2 * id + 1] : gl[i]) ?? 0;
        if (mine) {
          const s = (TEXT_BOOST * tf) / (norm[length] ?? 1);
          if (qh < qn && this.qDocs[qh] === id) {
            // Touched first through its question: the question's share comes first in the sum.
            k = this.emit(k, id, (this.qScores[qh] ?? 0) + s, FIELD_BITS.question | FIELD_BITS.text);
            qh++;
          } else k = this.emit(k, id, s, FIELD_BITS.text);
        }
        if (answers > 0) {
          const s = (questionBoost * tf) / Math.max(questionMinNorm, questionNorm[length] ?? 1);
          const last = Math.min(docCount - 1, id + answers);
          for (let a = id + 1; a <= last; a++) {
            if (questionAt(ints, questionOf, a) !== id) continue;
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
              this.qScores[at] = this.qScores[at - 1] ?? 0;
              at--;
            }
            this.qDocs[at] = a;
            this.qScores[at] = s;
          }
        }
      }
      out = this.close(k);
      this.keyedByWalk = keyed;
      this.walkKeyBase = -1;
    }

    // Speaker and section: the doc's own postings.
    for (const f of [F_SPEAKER, F_SECTION]) {
      n = postings.fetchAt(ref, f);
      if (n === 0) continue;
      this.keyedByWalk = false;
      const ids = postings.ids;
      const tfs = postings.tfs;
      const norm = norms[f] as Float64Array;
      const boost = f === F_SPEAKER ? SPEAKER_BOOST : SECTION_BOOST;
      const bit = f === F_SPEAKER ? FIELD_BITS.speaker : FIELD_BITS.section;
      const part = this.pool.take(masked ? Math.min(n, rn) : n);
      let k = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        if ((ints[2 * id] ?? -1) < 0) continue;
        if (masked) {
          r = seek(rDocs, rn, r, id);
          if (r >= rn || rDocs[r] !== id) continue;
        }
        part.docs[k] = id;
        part.scores[k] = (boost * (tfs[i] ?? 1)) / (norm[id] ?? 1);
        part.fields[k++] = bit;
      }
      part.n = k;
      out = union(this.pool, out, part, false);
    }

    // Title: per interview, for each of its docs.
    n = postings.fetchAt(ref, F_TITLE);
    if (n > 0) {
      this.keyedByWalk = false;
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
      const part = this.pool.take(masked ? Math.min(size, rn) : size);
      let k = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        if (deadSlot[id] !== 0) continue;
        const s = (TITLE_BOOST * (tfs[i] ?? 1)) / (norm[id] ?? 1);
        const end = start[id + 1] ?? 0;
        if (masked) {
          for (r = seek(rDocs, rn, r, start[id] ?? 0); r < rn && (rDocs[r] ?? 0) < end; r++) {
            part.docs[k] = rDocs[r] ?? 0;
            part.scores[k] = s;
            part.fields[k++] = FIELD_BITS.title;
          }
        } else
          for (let d = start[id] ?? 0; d < end; d++) {
            part.docs[k] = d;
            part.scores[k] = s;
            part.fields[k++] = FIELD_BITS.title;
          }
      }
      part.n = k;
      out = union(this.pool, out, part, false);
    }
    return out;
  }

  /**
   * The text walk of {@link frequencies} restricted to candidates far fewer than the postings,
   * driven by the candidates: each is sought among the postings (galloping forward), with the
   * question it answers — a posting at most `reach` before it that the packed entries say is its
   * question and reaches it. The same entries, scores (the question's share first in a sum) and
   * fields as the posting-driven walk, in doc order, without a step per posting. Returns how many
   * entries were emitted.
   */
  private textAmong(ids: Int32Array, tfs: Uint32Array, n: number, rDocs: Int32Array, rn: number): number {
    const { norm, ints, questionNorm, questionOf, spanMask, reach } = this.words;
    const { boost: questionBoost, minNorm: questionMinNorm } = this.g.questionField();
    let k = 0;
    let j = 0;
    for (let x = 0; x < rn && j < n; x++) {
      const a = rDocs[x] ?? 0;
      // The first posting that could be the candidate's question, then the candidate's own.
      j = seek(ids, n, j, a - reach);
      let question = -1;
      let at = j;
      for (; at < n && (ids[at] ?? 0) < a; at++) {
        const p = ids[at] ?? 0;
        const packed = ints[2 * p] ?? -1;
        if (packed < 0 || ((packed >> 2) & spanMask) < a - p) continue;
        if (questionAt(ints, questionOf, a) !== p) continue;
        question = at;
      }
      let q = 0;
      if (question >= 0) {
        const p = ids[question] ?? 0;
        q =
          (questionBoost * (tfs[question] ?? 1)) /
          Math.max(questionMinNorm, questionNorm[ints[2 * p + 1] ?? 0] ?? 1);
      }
      if (at < n && ids[at] === a && (ints[2 * a] ?? -1) >= 0) {
        const s = (TEXT_BOOST * (tfs[at] ?? 1)) / (norm[ints[2 * a + 1] ?? 0] ?? 1);
        k =
          question >= 0
            ? this.emit(k, a, q + s, FIELD_BITS.question | FIELD_BITS.text)
            : this.emit(k, a, s, FIELD_BITS.text);
      } else if (question >= 0) k = this.emit(k, a, q, FIELD_BITS.question);
    }
    return k;
  }

  private growAnswers(): void {
    const docs = new Int32Array(this.qDocs.length * 2);
    const scores = new Float64Array(this.qScores.length * 2);
    docs.set(this.qDocs);
    scores.set(this.qScores);
    this.qDocs = docs;
    this.qScores = scores;
  }

  /**
   * The list {@link frequencies} writes the text postings and their answers into: borrowed from
   * the pool and handed over as the term's list when the evaluation is transient; otherwise a
   * scratch kept between evaluations, copied out (the result is the caller's).
   */
  private o: List = list(1024);
  /** While a text walk writes keys into {@link o}: its term unit's key base; else −1. */
  private walkKeyBase = -1;
  /** Whether the last {@link frequencies} result carries the walk's keys (text postings alone). */
  private keyedByWalk = false;
  private scratch: List = this.o;

  /** Starts the text list of a term with `n` text postings (room for as many answers again). */
  private open(n: number): void {
    if (this.pool.pooled) this.o = this.pool.take(n * 2);
    else {
      this.o = this.scratch;
      if (this.o.docs.length < n * 2) {
        this.scratch = list(n * 3);
        this.o = this.scratch;
      }
    }
  }

  private emit(k: number, doc: number, score: number, fields: number): number {
    const o = this.o;
    if (k === o.docs.length) {
      o.n = k;
      this.pool.grow(o, k + 1);
    }
    o.docs[k] = doc;
    o.scores[k] = score;
    o.fields[k] = fields;
    if (this.walkKeyBase >= 0) {
      // keyTerm's key (module comment): an answer touched through its question at the question.
      const w = this.words;
      const at = fields & FIELD_BITS.question ? questionAt(w.ints, w.questionOf, doc) : doc;
      o.keys[k] = this.walkKeyBase + at * (w.reach + 1) + (doc - at);
    }
    return k + 1;
  }

  /** The first `k` entries written: the borrowed list itself, or a copy of the scratch's. */
  private close(k: number): List {
    const o = this.o;
    o.n = k;
    if (this.pool.pooled) return o;
    return {
      n: k,
      docs: o.docs.slice(0, k),
      scores: o.scores.slice(0, k),
      fields: o.fields.slice(0, k),
      keys: NO_KEYS,
    };
  }
}
