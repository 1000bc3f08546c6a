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
import { type Corpus, RANKING } from './evaluate.ts';
import { F_SECTION, F_SPEAKER, F_TEXT, F_TITLE } from './postings.ts';
import { bm25f, FIELD_BITS, FIELDS } from './scoring.ts';
import type { QueryNode } from './tree.ts';

/** A result in doc order (the shape of evaluate.ts's Matches). */
export interface List {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
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
 * One packed entry per doc, holding what the hot loop reads (one cache line for two docs
 * instead of six arrays of a million entries): [text norm, question norm (the doc as the
 * question of its answers), span × 4 + role (−1: dead), the doc it answers (−1: none,
 * −2: dead)]. Rebuilt when the statistics change (as the norms are).
 */
class DocWords {
  words = new Float64Array(0);
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
    for (let d = 0, p = 0; d < n; d++, p += STRIDE) {
      w[p] = text[d] ?? 1;
      w[p + 1] = question[d] ?? 1;
      const gone = dead[d] !== 0;
      w[p + 2] = gone ? -1 : (span[d] ?? 0) * 4 + (role[d] ?? 0);
      w[p + 3] = gone ? -2 : (questionOf[d] ?? -1);
    }
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

/** Union of two lists, scores added (a's first), fields or-ed: fields of one term, summed. */
function addLists(a: List, b: List): List {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = list(a.n + b.n);
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
      docs[k] = x;
      scores[k] = (a.scores[i] ?? 0) + (b.scores[j] ?? 0);
      fields[k++] = (a.fields[i++] ?? 0) | (b.fields[j++] ?? 0);
    }
  }
  out.n = k;
  return out;
}

/** Union of two lists keeping each doc's best score (a's on a tie), fields or-ed. */
function maxLists(a: List, b: List): List {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = list(a.n + b.n);
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
      scores[k] = Math.max(t, s);
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
  return q.slots.every((s) => s.required && plain(s.node));
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

/** Evaluates ranked all-required queries over sorted lists (see the module comment). */
export class SortedEvaluator {
  private readonly words = new DocWords();
  /** Answers found through the question field, before they are merged with the text's. */
  private qDocs = new Int32Array(1024);
  private qScores = new Float64Array(1024);

  constructor(
    private readonly c: Corpus,
    private readonly g: Shared,
  ) {}

  /**
   * A `match` node accepted by {@link sortedApplies}: the general evaluator's `match` with only
   * required slots, rarest first, each restricted to the docs the ones before it left.
   */
  match(
    q: Extract<QueryNode, { kind: 'match' }>,
    weight: number,
    terms: Set<string>,
    roleWeights: readonly number[] | undefined,
  ): List {
    const slots = q.slots.map((s) => ({ ...s, bound: this.g.bound(s.node, weight) }));
    const total = slots.reduce((s, x) => s + x.bound, 0);
    if (total <= 0) return EMPTY;
    // The AND evaluates its rarest part first: the others then only score the docs it left,
    // so a common word costs a merge against a short list, not a pass over its postings.
    const required = slots
      .map((s) => ({ s, size: this.g.estimate(s.node) }))
      .sort((x, y) => x.size - y.size)
      .map((x) => x.s);
    const requiredWeight = required.reduce((s, x) => s + x.bound, 0);
    const minWeight = Math.max(requiredWeight, q.minShould * total);
    let acc: List | null = null;
    for (const s of required) {
      const part = this.slot(s.node, weight, terms, acc);
      acc = acc ? intersectLists(acc, part) : part;
      if (acc.n === 0) return EMPTY;
    }
    const m = acc as List;
    if (requiredWeight < minWeight - 1e-9) return EMPTY;
    // Final scores as evaluate.ts's finish: coordination (the same for every doc: each matched
    // every slot), then the role's weight.
    const coord = (requiredWeight / total) ** RANKING.coord;
    const rw = roleWeights ?? [1, 1, 1];
    const w0 = rw[0] ?? 1;
    const w1 = rw[1] ?? 1;
    const w2 = rw[2] ?? 1;
    const words = this.words.get(this.c, this.g.norms());
    const out = list(m.n);
    const roleCol = this.c.docs.role.a;
    for (let i = 0; i < m.n; i++) {
      const d = m.docs[i] ?? 0;
      const packed = words[d * STRIDE + 2] ?? 0;
      const role = packed >= 0 ? packed & 3 : (roleCol[d] ?? 0);
      out.docs[i] = d;
      out.scores[i] = (m.scores[i] ?? 0) * coord * (role === 0 ? w0 : role === 1 ? w1 : role === 2 ? w2 : 1);
      out.fields[i] = m.fields[i] ?? 0;
    }
    out.n = m.n;
    return out;
  }

  /** One word of the query: its alternatives, each doc scoring its best (evaluate.ts's slotInto). */
  private slot(q: QueryNode, weight: number, terms: Set<string>, restrict: List | null): List {
    if (q.kind === 'term') return this.leaf(q, weight * q.weight, terms, restrict);
    if (q.kind === 'max')
      return maxAll(q.children.map((c) => this.slot(c, weight * q.weight, terms, restrict)));
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
    return parts.length === 1 ? (parts[0] as List) : maxAll(parts);
  }

  /**
   * One term's BM25F pseudo frequency per live doc (evaluate.ts's termFrequencies), in doc
   * order: the text and, for the answers of a question holding the term, the question field;
   * then speaker, section and the interview title, added in that order.
   */
  private frequencies(t: string, restrict: List | null): List {
    const { postings, slots } = this.c;
    const norms = this.g.norms();
    const words = this.words.get(this.c, norms);
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
      const own = list(masked ? Math.min(n, rn) : n);
      let k = 0;
      let qn = 0;
      let ordered = true;
      let r = 0;
      let ra = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        const p = id * STRIDE;
        const packed = words[p + 2] ?? -1;
        if (packed < 0) continue;
        const answers = packed >= 4 ? Math.floor(packed / 4) : 0;
        let mine = true;
        if (masked) {
          r = seek(rDocs, rn, r, id);
          mine = r < rn && rDocs[r] === id;
          if (!mine && answers === 0) continue;
        }
        const tf = tfs[i] ?? 1;
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
            if (qn === this.qDocs.length) this.growAnswers();
            if (qn > 0 && (this.qDocs[qn - 1] ?? 0) > a) ordered = false;
            this.qDocs[qn] = a;
            this.qScores[qn++] = s;
          }
        }
        if (mine) {
          own.docs[k] = id;
          own.scores[k] = (TEXT_BOOST * tf) / (words[p] ?? 1);
          own.fields[k++] = FIELD_BITS.text;
        }
      }
      own.n = k;
      out = own;
      if (qn > 0) out = addLists(this.answers(qn, ordered), own);
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
      let k = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        if ((words[id * STRIDE + 2] ?? -1) < 0) continue;
        if (masked) {
          r = seek(rDocs, rn, r, id);
          if (r >= rn || rDocs[r] !== id) continue;
        }
        part.docs[k] = id;
        part.scores[k] = (boost * (tfs[i] ?? 1)) / (norm[id] ?? 1);
        part.fields[k++] = bit;
      }
      part.n = k;
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
      out = addLists(out, part);
    }
    return out;
  }

  private growAnswers(): void {
    const docs = new Int32Array(this.qDocs.length * 2);
    const scores = new Float64Array(this.qScores.length * 2);
    docs.set(this.qDocs);
    scores.set(this.qScores);
    this.qDocs = docs;
    this.qScores = scores;
  }

  /** The answers found through the question field as a list in doc order. */
  private answers(qn: number, ordered: boolean): List {
    const out = list(qn);
    if (ordered) {
      out.docs.set(this.qDocs.subarray(0, qn));
      out.scores.set(this.qScores.subarray(0, qn));
    } else {
      // Answers of overlapping questions can come out of order (a question's answers need not
      // be adjacent); each answer has one question, so there are no duplicates to merge.
      const order = Array.from({ length: qn }, (_, i) => i).sort(
        (x, y) => (this.qDocs[x] ?? 0) - (this.qDocs[y] ?? 0),
      );
      order.forEach((i, k) => {
        out.docs[k] = this.qDocs[i] ?? 0;
        out.scores[k] = this.qScores[i] ?? 0;
      });
    }
    out.fields.fill(FIELD_BITS.question, 0, qn);
    out.n = qn;
    return out;
  }
}
