/**
 * Evaluation of a {@link QueryNode} over the postings: sorted doc lists with BM25+ scores and the
 * fields each doc matched in. Term scores accumulate in dense per-doc arrays reused across
 * queries (stamped, not cleared), so a union is one pass and an AND lets its rarest part restrict
 * what the others score: common terms cost a scan, not a merge.
 */
import type { Postings } from './postings.ts';
import { F_TEXT, F_TITLE, STORED_FIELDS } from './postings.ts';
import { bm25, FIELD_BITS, FIELD_BOOSTS, idf, lengthNorms } from './scoring.ts';
import type { DocTable, SlotTable } from './tables.ts';
import type { QueryNode } from './tree.ts';

/** Score weights of expanded terms, relative to an exact match (as in MiniSearch). */
const PREFIX_WEIGHT = 0.5;
const FUZZY_WEIGHT = 0.4;
const BOOST = [FIELD_BOOSTS.text, FIELD_BOOSTS.speaker, FIELD_BOOSTS.section, FIELD_BOOSTS.title];

/** Matching docs in doc order, with scores and matched-field bits ({@link FIELD_BITS}). */
export interface Matches {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
}

/** What evaluation reads: the tables, the postings and the live statistics. */
export interface Corpus {
  docs: DocTable;
  slots: SlotTable;
  postings: Postings;
  liveDocs: number;
  liveSlots: number;
  /** Token totals of live docs per field (text, speaker, section, title). */
  lenSum: number[];
  /** Bumped whenever the statistics change (cached norms are then recomputed). */
  statsVersion: number;
}

export function emptyMatches(): Matches {
  return { n: 0, docs: new Int32Array(0), scores: new Float64Array(0), fields: new Uint8Array(0) };
}

/** Docs in both, scores added, field bits or-ed. */
export function intersect(a: Matches, b: Matches): Matches {
  const n = Math.min(a.n, b.n);
  const docs = new Int32Array(n);
  const scores = new Float64Array(n);
  const fields = new Uint8Array(n);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.n && j < b.n) {
    const x = a.docs[i] ?? 0;
    const y = b.docs[j] ?? 0;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      docs[k] = x;
      scores[k] = (a.scores[i] ?? 0) + (b.scores[j] ?? 0);
      fields[k] = (a.fields[i] ?? 0) | (b.fields[j] ?? 0);
      k++;
      i++;
      j++;
    }
  }
  return { n: k, docs: docs.subarray(0, k), scores: scores.subarray(0, k), fields: fields.subarray(0, k) };
}

/** Docs of `a` not in `b`. */
export function subtract(a: Matches, b: Matches): Matches {
  if (b.n === 0) return a;
  const docs = new Int32Array(a.n);
  const scores = new Float64Array(a.n);
  const fields = new Uint8Array(a.n);
  let j = 0;
  let k = 0;
  for (let i = 0; i < a.n; i++) {
    const x = a.docs[i] ?? 0;
    while (j < b.n && (b.docs[j] ?? 0) < x) j++;
    if (j < b.n && b.docs[j] === x) continue;
    docs[k] = x;
    scores[k] = a.scores[i] ?? 0;
    fields[k++] = a.fields[i] ?? 0;
  }
  return { n: k, docs: docs.subarray(0, k), scores: scores.subarray(0, k), fields: fields.subarray(0, k) };
}

/** Evaluates query trees over one {@link Corpus}; holds the scratch arrays between queries. */
export class Evaluator {
  private acc = new Float64Array(0);
  private accFields = new Uint8Array(0);
  private stamp = new Uint32Array(0);
  private touched = new Int32Array(0);
  private mask = new Uint32Array(0);
  private maskEpoch = 0;
  private maskOf: Matches | null = null;
  private epoch = 0;
  private normCache: { docs: number; stats: number; arrays: Float64Array[] } | null = null;

  constructor(private readonly c: Corpus) {}

  /** Evaluates a tree; `terms` collects the index terms it matched (for highlighting). */
  evaluate(query: QueryNode, terms: Set<string> = new Set()): Matches {
    return this.node(query, 1, terms, null);
  }

  /** Forgets scratch arrays (after folding renumbered the docs). */
  reset(): void {
    this.acc = new Float64Array(0);
    this.maskOf = null;
    this.normCache = null;
  }

  /** Rough number of docs a subtree matches, to evaluate the rarest part of an AND first. */
  private estimate(q: QueryNode): number {
    switch (q.kind) {
      case 'term':
        return this.c.postings.df(q.term, F_TEXT) + (q.prefix ? 10_000 : 0);
      case 'and':
        return Math.min(...q.children.filter((x) => x.kind !== 'not').map((x) => this.estimate(x)));
      case 'or':
        return q.children.reduce((s, x) => s + this.estimate(x), 0);
      case 'phrase':
        return this.estimate(q.child);
      case 'not':
        return Number.POSITIVE_INFINITY;
    }
  }

  /**
   * Evaluates a node. `restrict`: only docs in it can matter (an AND evaluates its rarest part
   * first and lets the others score only those docs).
   */
  private node(q: QueryNode, weight: number, terms: Set<string>, restrict: Matches | null): Matches {
    switch (q.kind) {
      case 'term':
        return this.leaf(q, weight * q.weight, terms, restrict);
      case 'phrase':
        return this.node(q.child, weight * q.weight, terms, restrict);
      case 'not':
        // A lone exclusion matches nothing; inside an AND it is applied by the AND.
        return emptyMatches();
      case 'or': {
        const w = weight * q.weight;
        const parts = q.children.map((c) => this.node(c, w, terms, restrict));
        return parts.length === 1 ? (parts[0] as Matches) : this.unionAll(parts);
      }
      case 'and': {
        const w = weight * q.weight;
        const ordered = q.children
          .filter((c) => c.kind !== 'not')
          .map((c) => ({ c, size: this.estimate(c) }))
          .sort((x, y) => x.size - y.size)
          .map((x) => x.c);
        let out: Matches | null = null;
        for (const c of ordered) {
          const part = this.node(c, w, terms, out ?? restrict);
          out = out ? intersect(out, part) : part;
          if (out.n === 0) return out;
        }
        if (!out) return emptyMatches();
        for (const c of q.children) {
          if (c.kind !== 'not' || out.n === 0) continue;
          out = subtract(out, this.node(c.child, 1, new Set(), out));
        }
        return out;
      }
    }
  }

  private grow(): void {
    const n = this.c.docs.count;
    if (this.acc.length >= n) return;
    const size = Math.max(n, Math.ceil(this.acc.length * 1.5));
    this.acc = new Float64Array(size);
    this.accFields = new Uint8Array(size);
    this.stamp = new Uint32Array(size);
    this.touched = new Int32Array(size);
    this.mask = new Uint32Array(size);
    this.epoch = 0;
    this.maskEpoch = 0;
    this.maskOf = null;
  }

  /** Stamps the docs of `restrict` so leaves can test membership in O(1). */
  private useMask(restrict: Matches): void {
    if (this.maskOf === restrict) return;
    this.maskEpoch++;
    for (let i = 0; i < restrict.n; i++) this.mask[restrict.docs[i] ?? 0] = this.maskEpoch;
    this.maskOf = restrict;
  }

  /** Per-entry length norms of each field (title per slot), recomputed after writes. */
  private norms(): Float64Array[] {
    const { docs, slots } = this.c;
    if (this.normCache && this.normCache.docs === docs.count && this.normCache.stats === this.c.statsVersion)
      return this.normCache.arrays;
    const arrays = [0, 1, 2, F_TITLE].map((f) => {
      const title = f === F_TITLE;
      const avg = (this.c.lenSum[f] ?? 0) / Math.max(1, title ? this.c.liveSlots : this.c.liveDocs) || 1;
      return title
        ? lengthNorms(slots.titleLen.a, slots.count, avg)
        : lengthNorms((docs.lens[f] as { a: Uint32Array }).a, docs.count, avg);
    });
    this.normCache = { docs: docs.count, stats: this.c.statsVersion, arrays };
    return arrays;
  }

  private leaf(
    q: Extract<QueryNode, { kind: 'term' }>,
    weight: number,
    terms: Set<string>,
    restrict: Matches | null,
  ): Matches {
    this.grow();
    if (restrict) this.useMask(restrict);
    const { postings, docs, slots } = this.c;
    const masked = restrict !== null;
    const mask = this.mask;
    const maskEpoch = this.maskEpoch;
    const epoch = ++this.epoch;
    const { acc, accFields, stamp, touched } = this;
    let nt = 0;
    const term = q.term;
    const expansions: Array<[string, number]> = [[term, 1]];
    if (q.prefix)
      for (const t of postings.expandPrefix(term)) {
        expansions.push([t, (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (t.length - term.length))]);
      }
    if ((q.fuzzy ?? 0) > 0)
      for (const [t, d] of postings.expandFuzzy(term, q.fuzzy ?? 0)) {
        expansions.push([t, (FUZZY_WEIGHT * term.length) / (term.length + d)]);
      }
    const nDocs = Math.max(1, this.c.liveDocs);
    const nSlots = Math.max(1, this.c.liveSlots);
    const norms = this.norms();
    const textNorm = norms[F_TEXT] as Float64Array;
    const questionOf = docs.questionOf.a;
    const span = docs.span.a;
    const deadDoc = docs.dead.a;
    const deadSlot = slots.dead.a;
    const slotStart = slots.start.a;
    const docCount = docs.count;
    // The accumulation below is written out three times (title, own field, question) on purpose:
    // this is the inner loop of every query, and a callback-per-posting version of it measured
    // several times slower.
    for (const [t, w] of expansions) {
      let matched = false;
      // Looked up once per term, not once per field.
      const ti = postings.baseTerm(t);
      const delta = postings.delta.get(t);
      for (let f = 0; f < STORED_FIELDS; f++) {
        const n = postings.fetchAt(ti, delta?.fields[f as 0], f);
        if (n === 0) continue;
        matched = true;
        const ids = postings.ids;
        const tfs = postings.tfs;
        const norm = norms[f] as Float64Array;
        // Postings of removed quotes stay until the next fold: never count more than are live.
        const live = f === F_TITLE ? nSlots : nDocs;
        const termIdf = idf(Math.min(n, live), live);
        const fieldWeight = (BOOST[f] ?? 1) * w * weight * termIdf;
        const qWeight = FIELD_BOOSTS.question * w * weight * termIdf;
        const bit = 1 << f;
        for (let i = 0; i < n; i++) {
          const id = ids[i] ?? 0;
          const tf = tfs[i] ?? 1;
          if (f === F_TITLE) {
            if (deadSlot[id] !== 0) continue;
            const s = fieldWeight * bm25(tf, norm[id] ?? 1);
            for (let d = slotStart[id] ?? 0; d < (slotStart[id + 1] ?? 0); d++) {
              if (masked && mask[d] !== maskEpoch) continue;
              if (stamp[d] !== epoch) {
                stamp[d] = epoch;
                acc[d] = s;
                accFields[d] = FIELD_BITS.title;
                touched[nt++] = d;
              } else {
                acc[d] = (acc[d] ?? 0) + s;
                accFields[d] = (accFields[d] ?? 0) | FIELD_BITS.title;
              }
            }
            continue;
          }
          if (deadDoc[id] !== 0) continue;
          if (!masked || mask[id] === maskEpoch) {
            const s = fieldWeight * bm25(tf, norm[id] ?? 1);
            if (stamp[id] !== epoch) {
              stamp[id] = epoch;
              acc[id] = s;
              accFields[id] = bit;
              touched[nt++] = id;
            } else {
              acc[id] = (acc[id] ?? 0) + s;
              accFields[id] = (accFields[id] ?? 0) | bit;
            }
          }
          // The question field of an answer is its question's text: derived, not stored twice.
          if (f === F_TEXT && (span[id] ?? 0) > 0) {
            const s = qWeight * bm25(tf, textNorm[id] ?? 1);
            const last = Math.min(docCount - 1, id + (span[id] ?? 0));
            for (let a = id + 1; a <= last; a++) {
              if (questionOf[a] !== id || deadDoc[a] !== 0 || (masked && mask[a] !== maskEpoch)) continue;
              if (stamp[a] !== epoch) {
                stamp[a] = epoch;
                acc[a] = s;
                accFields[a] = FIELD_BITS.question;
                touched[nt++] = a;
              } else {
                acc[a] = (acc[a] ?? 0) + s;
                accFields[a] = (accFields[a] ?? 0) | FIELD_BITS.question;
              }
            }
          }
        }
      }
      if (matched && !q.gram) terms.add(t);
    }
    return this.collect(nt);
  }

  /** Union of several results (scores summed, field bits or-ed) in one pass over the accumulators. */
  private unionAll(parts: readonly Matches[]): Matches {
    this.grow();
    const epoch = ++this.epoch;
    const { acc, accFields, stamp, touched } = this;
    let nt = 0;
    for (const m of parts) {
      for (let i = 0; i < m.n; i++) {
        const d = m.docs[i] ?? 0;
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          acc[d] = m.scores[i] ?? 0;
          accFields[d] = m.fields[i] ?? 0;
          touched[nt++] = d;
        } else {
          acc[d] = (acc[d] ?? 0) + (m.scores[i] ?? 0);
          accFields[d] = (accFields[d] ?? 0) | (m.fields[i] ?? 0);
        }
      }
    }
    return this.collect(nt);
  }

  /** Turns the first `nt` touched docs of the accumulators into a result in doc order. */
  private collect(nt: number): Matches {
    const docs = this.touched.slice(0, nt).sort();
    const scores = new Float64Array(nt);
    const fields = new Uint8Array(nt);
    for (let i = 0; i < nt; i++) {
      const d = docs[i] ?? 0;
      scores[i] = this.acc[d] ?? 0;
      fields[i] = this.accFields[d] ?? 0;
    }
    return { n: nt, docs, scores, fields };
  }
}
