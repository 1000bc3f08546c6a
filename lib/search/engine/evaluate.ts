/**
 * Evaluation of a {@link QueryNode} over the postings: sorted doc lists with BM25F scores and
 * the fields each doc matched in. Scores accumulate in dense per-doc arrays reused across
 * queries (stamped, not cleared), so a union is one pass and an AND lets its rarest part
 * restrict what the others score: common terms cost a scan, not a merge.
 *
 * A `match` node (ranked partial matching) evaluates its words most important first and, once
 * it holds `topK` candidates whose lower bounds beat everything the remaining words could add
 * to an unseen doc, lets those words score only the candidates it has (MaxScore, term at a time).
 */

import { offerKBest } from './kbest.ts';
import type { Postings } from './postings.ts';
import { F_SECTION, F_SPEAKER, F_TEXT, F_TITLE, STORED_FIELDS } from './postings.ts';
import { bm25f, bm25fBound, FIELD_BITS, FIELDS, idf, lengthNorms } from './scoring.ts';
import { questionAt, rankedApplies, type Shared, SortedEvaluator, sortedApplies } from './sorted.ts';
import type { DocTable, SlotTable } from './tables.ts';
import { INNER_MARK, type QueryNode, shareBase } from './tree.ts';

/**
 * Ranking weights (tunable as a whole, e.g. by an evaluation; not per query):
 * - `prefix`, `fuzzy`, `substring`: score weights of expanded terms, relative to an exact match;
 * - `coord`: coordination, score × (matched share of the query's weight) ^ coord;
 * - `question`, `context`: how much a word matched only in the question an answer responds to,
 *   or only in the title or a section heading, counts towards the matched share (an answer
 *   such as 「はい、それでお願いします」 says what its question asked).
 * Values chosen on the dev half of eval/conversational.json (scripts/eval/search.ts).
 */
export const RANKING = { prefix: 0.5, fuzzy: 0.4, substring: 0.6, coord: 1, question: 1, context: 0.3 };
/**
 * How much a word matched only in context counts towards the matched share: the question an
 * answer responds to is real context; the interview title or a section heading much less.
 */
export function shareOf(fields: number): number {
  if (fields & (FIELD_BITS.text | FIELD_BITS.speaker)) return 1;
  if (fields & FIELD_BITS.question) return RANKING.question;
  return RANKING.context;
}

/** A term of two kanji (see termIdf). */
const KANJI_PAIR = /^[\p{Script=Han}\u3005]{2}$/u;

/** Terms whose decoded live counts are kept between evaluations (see Evaluator.liveDf). */
const DECODED_DF_TERMS = 20_000;

/** Per stored field: its boost and b (title per slot; the question field is derived from text). */
const FIELD_PARAMS = [FIELDS.text, FIELDS.speaker, FIELDS.section, FIELDS.title];

/** A term a doc matched (see {@link Evaluator.matchedTerms}). */
export interface MatchedTerm {
  /** The index term. */
  term: string;
  /** The word of the query it stands for: a ranked query's slot, else the root's child. */
  slot: number;
  /** A piece of a longer word (a character bigram, a kanji stem): scored, a weak match. */
  gram: boolean;
  /** A prefix, substring or fuzzy expansion of the query's term, not the term itself. */
  expanded: boolean;
  /** Where the doc has it ({@link FIELD_BITS}). */
  fields: number;
}

/** Matching docs in doc order, with scores and matched-field bits ({@link FIELD_BITS}). */
export interface Matches {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
  /** True when top-k pruning left out docs that match (totals are then lower bounds). */
  pruned?: boolean;
  /** True when `docs` are not in doc order (a ranked match's result: order is by score anyway). */
  unordered?: boolean;
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
  /** True when docs of the delta died (replaced or removed since they were written). */
  deltaDead: boolean;
}

/** Options of one evaluation. */
/** See EvaluateOptions.questionField. */
export interface QuestionField {
  boost: number;
  minNorm: number;
}

const DEFAULT_QUESTION_FIELD: QuestionField = { boost: FIELDS.question.boost, minNorm: 0 };

export interface EvaluateOptions {
  /**
   * Ranked (`match`) queries need only the best `topK` docs: past that, words that cannot lift
   * an unseen doc into them score only the candidates found so far. Default: all docs.
   */
  topK?: number;
  /** Score multiplier per role code (interviewee, interviewer, other): answers first. */
  roleWeights?: readonly number[];
  /**
   * Evaluate with the general evaluator only, never the sorted-list path (sorted.ts), which
   * otherwise takes ranked queries with a required word and those without one (no exclusions
   * either way): tests compare the two.
   */
  general?: boolean;
  /**
   * The caller reads the result before it evaluates again (the search plan does): the sorted
   * path, and the general evaluator for a ranked root, then write the result into buffers they
   * keep and reuse for the next evaluation, which overwrites it. Without it every result is the
   * caller's to keep.
   */
  transient?: boolean;
  /**
   * How the question field (an answer matched through the question it responds to) counts in
   * this evaluation: its boost, and the least length norm its question's text is given (0: the
   * field's own norm; 1: a short question weighs no more than an average one). Default: the
   * boost of {@link FIELDS} and no floor. Both only lower scores, so every bound stays an upper
   * bound.
   */
  questionField?: QuestionField;
}

/** Restrictions are read for their docs only (see useMask): these stand for their scores and fields. */
const NO_SCORES = new Float64Array(0);
const NO_FIELDS = new Uint8Array(0);

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

/** Dense scratch arrays indexed by doc, stamped per use instead of cleared. */
class Scratch {
  acc = new Float64Array(0);
  fields = new Uint8Array(0);
  stamp = new Uint32Array(0);
  touched = new Int32Array(0);
  epoch = 0;
  grow(n: number): void {
    if (this.acc.length >= n) return;
    const size = Math.max(n, Math.ceil(this.acc.length * 1.5));
    this.acc = new Float64Array(size);
    this.fields = new Uint8Array(size);
    this.stamp = new Uint32Array(size);
    this.touched = new Int32Array(size);
    this.epoch = 0;
  }
  /** The first `nt` touched docs as a result, in doc order unless `sorted` is false. */
  collect(nt: number, sorted = true): Matches {
    const docs = this.touched.slice(0, nt);
    if (sorted) docs.sort();
    const scores = new Float64Array(nt);
    const fields = new Uint8Array(nt);
    for (let i = 0; i < nt; i++) {
      const d = docs[i] ?? 0;
      scores[i] = this.acc[d] ?? 0;
      fields[i] = this.fields[d] ?? 0;
    }
    return { n: nt, docs, scores, fields };
  }
}

/** The field bit of each stored field (text, speaker, section, title). */
const MATCH_FIELD_BITS = [FIELD_BITS.text, FIELD_BITS.speaker, FIELD_BITS.section, FIELD_BITS.title];
const NO_LISTS: MatchedTerm[][] = [];

/**
 * Inserts `id` (with its hit's ordinal `i`) into the first `count` entries of `ids`/`at`, kept
 * ascending by id (after equal ids); returns the new count. A page is at most 100 hits.
 */
function sortedInsert(ids: Int32Array, at: Int32Array, count: number, id: number, i: number): number {
  let k = count;
  while (k > 0 && (ids[k - 1] ?? 0) > id) {
    ids[k] = ids[k - 1] ?? 0;
    at[k] = at[k - 1] ?? 0;
    k--;
  }
  ids[k] = id;
  at[k] = i;
  return count + 1;
}

/**
 * Buffers of Evaluator.matchedTerms, reused across pages: the ids a term's lists are probed for
 * (ascending) and the hit each stands for, what a probe found, each hit's field bits for the
 * current term, and per tree depth each node's matches and each list's length before an `and`.
 */
class Matching {
  ownIds = new Int32Array(0);
  ownAt = new Int32Array(0);
  textIds = new Int32Array(0);
  textAt = new Int32Array(0);
  slotIds = new Int32Array(0);
  slotAt = new Int32Array(0);
  /** Questions among the text's ids (after the page's own docs). */
  questions = 0;
  found = new Uint8Array(0);
  bits = new Uint8Array(0);
  hit = new Uint8Array(0);
  start = new Int32Array(0);
  /** The page's lists being filled (the result of the call). */
  lists: MatchedTerm[][] = NO_LISTS;

  /** Room for a page of `n` hits. */
  grow(n: number): this {
    if (this.ownIds.length >= n) return this;
    this.ownIds = new Int32Array(n);
    this.ownAt = new Int32Array(n);
    this.textIds = new Int32Array(2 * n);
    this.textAt = new Int32Array(2 * n);
    this.slotIds = new Int32Array(n);
    this.slotAt = new Int32Array(n);
    this.found = new Uint8Array(2 * n);
    this.bits = new Uint8Array(n);
    return this;
  }

  /** Room for `levels` tree depths of a page of `n` hits (what is written is kept). */
  depth(levels: number, n: number): void {
    if (this.hit.length >= levels * n) return;
    const size = Math.max(levels * n, this.hit.length * 2);
    const hit = new Uint8Array(size);
    hit.set(this.hit);
    this.hit = hit;
    const start = new Int32Array(size);
    start.set(this.start);
    this.start = start;
  }
}

/** Evaluates query trees over one {@link Corpus}; holds the scratch arrays between queries. */
export class Evaluator implements Shared {
  /** Per-node results (unions, leaves). */
  private out = new Scratch();
  /** Pseudo term frequencies of one term (BM25F). */
  private ptf = new Scratch();
  /** The matched weight per doc of a `match` node. */
  private weight = new Float64Array(0);
  /**
   * The docs of the current restriction, one bit per doc: 128 KB at a million docs, so the
   * restricted walks, which test every posting, read it from cache.
   */
  private mask = new Int32Array(0);
  private maskOf: Matches | null = null;
  private normCache: { docs: number; stats: number; arrays: Float64Array[] } | null = null;
  private options: EvaluateOptions = {};
  /** The least text length norm per role code (see {@link setRoleMinNorms}); none by default. */
  private roleMinNorms: readonly number[] = [];

  constructor(private readonly c: Corpus) {
    this.sorted = new SortedEvaluator(c, this);
  }

  /** Bytes of the term lists the sorted path keeps for later queries (see term-lists.ts). */
  keptListBytes(): number {
    return this.sorted.kept.bytes;
  }

  /** Drops the term lists the sorted path keeps (see term-lists.ts). */
  dropKeptLists(): void {
    this.sorted.kept.clear();
  }

  /** Evaluates a tree; `terms` collects the index terms it matched (for highlighting). */
  evaluate(query: QueryNode, terms: Set<string> = new Set(), options: EvaluateOptions = {}): Matches {
    this.options = options;
    this.expanded = new WeakMap();
    this.dfs = new Map();
    this.expandedVersion = this.c.statsVersion;
    this.grow();
    if (!options.general && sortedApplies(query)) {
      const m = this.sorted.match(query, 1 * query.weight, terms, options);
      return { n: m.n, docs: m.docs, scores: m.scores, fields: m.fields, pruned: false, unordered: true };
    }
    if (!options.general && rankedApplies(query)) {
      const r = this.sorted.rank(query, 1 * query.weight, terms, options);
      if (r) {
        const m = r.list;
        return {
          n: m.n,
          docs: m.docs,
          scores: m.scores,
          fields: m.fields,
          pruned: r.pruned,
          unordered: true,
        };
      }
    }
    this.root = query;
    return this.node(query, 1, terms, null);
  }

  /**
   * What each of `docs` matched of a query tree: every term of its leaves (expansions included,
   * as evaluation expands them; exclusions left out) that the doc has, with the fields it has it
   * in ({@link FIELD_BITS}; `question` when the question the doc answers has it in its text) and
   * the word of the query it stands for (`slot`: a ranked query's slot, else the root's child).
   * Read from the postings after ranking, for the hits of a page: ranking is untouched.
   */
  matchedTerms(query: QueryNode, docs: readonly number[]): MatchedTerm[][] {
    const n = docs.length;
    if (n === 0) return [];
    // The expansions of the evaluation just done serve when nothing changed since (the search
    // asks for its page right after ranking): recomputing them read the dictionary again.
    if (this.expandedVersion !== this.c.statsVersion) {
      this.expanded = new WeakMap();
      this.dfs = new Map();
      this.expandedVersion = this.c.statsVersion;
    }
    const m = this.matching.grow(n);
    const { docs: table } = this.c;
    // What a term's lists are probed for, ids ascending: the page's docs (and, for the text,
    // the questions they answer) and their slots (for the title), each with its hit's ordinal.
    let nText = 0;
    let nOwn = 0;
    for (let i = 0; i < n; i++) {
      const d = docs[i] ?? 0;
      nOwn = sortedInsert(m.ownIds, m.ownAt, nOwn, d, i);
      nText = sortedInsert(m.textIds, m.textAt, nText, d, i);
      const question = table.questionOf.at(d);
      // A question is marked apart from the doc's own text: its hit's ordinal is stored as −1 − i.
      if (question >= 0) nText = sortedInsert(m.textIds, m.textAt, nText, question, -1 - i);
      sortedInsert(m.slotIds, m.slotAt, i, table.slotOf.at(d), i);
    }
    m.questions = nText - nOwn;
    const lists: MatchedTerm[][] = [];
    for (let i = 0; i < n; i++) lists.push([]);
    m.lists = lists;
    const top = query.kind === 'and' || query.kind === 'or' ? query.children : null;
    if (top === null) this.matchNode(query, 0, 0, n);
    else
      top.forEach((c, k) => {
        if (c.kind !== 'not') this.matchNode(c, k, 0, n);
      });
    m.lists = NO_LISTS;
    return lists;
  }

  /** Buffers of {@link matchedTerms}, kept across calls (a page is at most 100 hits). */
  private matching = new Matching();
  /** The statistics {@link expanded} and {@link dfs} were computed under. */
  private expandedVersion = -1;

  /**
   * A node's matches of the page's docs: appends to each doc's list the terms it matched and
   * sets `hit` at depth × n + i where the node matches doc i. An `and` matches where every part
   * does (a variant of several words, 親 and ケア for 介護, shows none of them alone: their terms
   * are taken back off the list), alternatives where any does, each bringing its terms.
   */
  private matchNode(q: QueryNode, slot: number, depth: number, n: number): void {
    const m = this.matching;
    const at = depth * n;
    m.depth(depth + 2, n);
    const hit = m.hit;
    switch (q.kind) {
      case 'term':
        this.matchLeaf(q, slot, at, n);
        return;
      case 'phrase':
        this.matchNode(q.child, slot, depth, n);
        return;
      case 'not':
        hit.fill(0, at, at + n);
        return;
      case 'and': {
        const lists = m.lists;
        for (let i = 0; i < n; i++) m.start[at + i] = lists[i]?.length ?? 0;
        let parts = 0;
        hit.fill(1, at, at + n);
        for (const c of q.children) {
          if (c.kind === 'not') continue;
          parts++;
          this.matchNode(c, slot, depth + 1, n);
          for (let i = 0; i < n; i++) if (m.hit[at + n + i] === 0) m.hit[at + i] = 0;
        }
        for (let i = 0; i < n; i++)
          if (parts === 0 || m.hit[at + i] === 0) {
            m.hit[at + i] = 0;
            (lists[i] as MatchedTerm[]).length = m.start[at + i] ?? 0;
          }
        return;
      }
      case 'or':
      case 'max':
        hit.fill(0, at, at + n);
        for (const c of q.children) {
          this.matchNode(c, slot, depth + 1, n);
          for (let i = 0; i < n; i++) if (m.hit[at + n + i] === 1) m.hit[at + i] = 1;
        }
        return;
      case 'match':
        q.slots.forEach((s, k) => {
          this.matchNode(s.node, k, depth + 1, n);
        });
        // Every doc matches a ranked node (what its words matched, possibly nothing).
        m.hit.fill(1, at, at + n);
        return;
    }
  }

  /** A term node's matches: each of its expansions a page doc has, in which fields. */
  private matchLeaf(q: Extract<QueryNode, { kind: 'term' }>, slot: number, at: number, n: number): void {
    const m = this.matching;
    const { postings } = this.c;
    const { hit, bits, found, lists } = m;
    hit.fill(0, at, at + n);
    for (const [t, w] of this.expansions(q)) {
      const ref = postings.resolve(t);
      bits.fill(0, 0, n);
      for (let f = F_TEXT; f <= F_TITLE; f++) {
        const title = f === F_TITLE;
        // The text is probed for the page's docs and their questions, the title for their
        // slots, the others for the docs alone (the first entries of nothing but own docs).
        const ids = f === F_TEXT ? m.textIds : title ? m.slotIds : m.ownIds;
        const of = f === F_TEXT ? m.textAt : title ? m.slotAt : m.ownAt;
        const len = f === F_TEXT ? n + m.questions : n;
        found.fill(0, 0, len);
        postings.probe(ref, f, ids, len, found);
        const bit = MATCH_FIELD_BITS[f] ?? 0;
        for (let j = 0; j < len; j++) {
          if (found[j] === 0) continue;
          const i = of[j] ?? 0;
          if (i >= 0) bits[i] = (bits[i] ?? 0) | bit;
          else bits[-1 - i] = (bits[-1 - i] ?? 0) | FIELD_BITS.question;
        }
      }
      // A pair of kanji inside a longer word (INNER_MARK) is a piece of that word.
      const gram = q.gram === true || t.startsWith(INNER_MARK);
      const expanded = w !== 1 || t !== q.term;
      for (let i = 0; i < n; i++) {
        const fields = bits[i] ?? 0;
        if (fields === 0) continue;
        (lists[i] as MatchedTerm[]).push({ term: t, slot, gram, expanded, fields });
        hit[at + i] = 1;
      }
    }
  }

  /** How the question field counts in the current evaluation (EvaluateOptions.questionField). */
  questionField(): QuestionField {
    return this.options.questionField ?? DEFAULT_QUESTION_FIELD;
  }

  /** Docs whose own text matches `x`, as an exclusion reads it: a `-word` typed alone. */
  textMatches(x: QueryNode): Matches {
    this.options = {};
    this.expanded = new WeakMap();
    this.dfs = new Map();
    this.expandedVersion = this.c.statsVersion;
    this.grow();
    this.root = x;
    this.textOnly = true;
    try {
      return this.node(x, 1, new Set(), null);
    } finally {
      this.textOnly = false;
    }
  }

  /** The tree being evaluated (its result may be written into {@link finished} when transient). */
  private root: QueryNode | null = null;
  /**
   * The final lists of a transient evaluation's ranked root (EvaluateOptions.transient: the
   * caller reads them before it evaluates again), reused instead of allocated per query: at a
   * million quotes a query without a required word keeps tens of thousands of docs.
   */
  private finished = { docs: new Int32Array(0), scores: new Float64Array(0), fields: new Uint8Array(0) };

  /** The sorted-list path (sorted.ts); it shares this evaluator's statistics and expansions. */
  private sorted: SortedEvaluator;

  /** Forgets scratch arrays (after folding renumbered the docs). */
  reset(): void {
    this.out = new Scratch();
    this.ptf = new Scratch();
    this.matchScratch = new Scratch();
    this.slotScratch = new Scratch();
    this.mask = new Int32Array(0);
    this.weight = new Float64Array(0);
    this.maskOf = null;
    this.normCache = null;
    this.sorted = new SortedEvaluator(this.c, this);
  }

  private grow(): void {
    const n = this.c.docs.count;
    if (this.weight.length >= n) return;
    this.out.grow(n);
    this.ptf.grow(n);
    this.matchScratch.grow(n);
    this.slotScratch.grow(n);
    const size = Math.max(n, this.out.acc.length);
    this.mask = new Int32Array((size >>> 5) + 2);
    this.weight = new Float64Array(size);
    this.maskOf = null;
  }

  /** Rough number of docs a subtree matches, to evaluate the rarest part of an AND first. */
  estimate(q: QueryNode): number {
    switch (q.kind) {
      case 'term':
        return this.liveDf(q.term)[F_TEXT] + (q.prefix || q.substr ? 10_000 : 0);
      case 'and':
        return Math.min(...q.children.filter((x) => x.kind !== 'not').map((x) => this.estimate(x)));
      case 'or':
      case 'max':
        return q.children.reduce((s, x) => s + this.estimate(x), 0);
      case 'match':
        return q.slots.reduce((s, x) => s + this.estimate(x.node), 0);
      case 'phrase':
        return this.estimate(q.child);
      case 'not':
        return Number.POSITIVE_INFINITY;
    }
  }

  /** The most a subtree can add to one doc's score (for pruning and coordination weights). */
  bound(q: QueryNode, weight = 1): number {
    switch (q.kind) {
      case 'term': {
        // Words the index lacks add nothing, so they do not count in a query's weight.
        let best = 0;
        for (const [t, w] of this.expansions(q)) {
          const df = this.docFrequency(t);
          if (df > 0) best = Math.max(best, bm25fBound(weight * q.weight * w * this.termIdf(t)));
        }
        return best;
      }
      case 'and':
        // An AND with a part the index lacks matches nothing.
        return q.children.some((x) => x.kind !== 'not' && this.bound(x, 1) === 0)
          ? 0
          : q.children.reduce((s, x) => s + this.bound(x, weight * q.weight), 0);
      case 'or':
        return q.children.reduce((s, x) => s + this.bound(x, weight * q.weight), 0);
      case 'max':
        return Math.max(0, ...q.children.map((x) => this.bound(x, weight * q.weight)));
      case 'match':
        return q.slots.reduce((s, x) => s + this.bound(x.node, weight * q.weight), 0);
      case 'phrase':
        return this.bound(q.child, weight * q.weight);
      case 'not':
        return 0;
    }
  }

  /** Postings of a term in quotes (text), else in the field it occurs in (dead included). */
  private docFrequency(term: string): number {
    const df = this.liveDf(term);
    return df[F_TEXT] || df[F_SPEAKER] || df[F_SECTION] || df[F_TITLE];
  }

  /**
   * Live postings of a term per field: dead docs' postings (replaced or removed interviews
   * still in a segment) do not count, so statistics are those of a folded index. A segment
   * without dead docs answers from its headers; counts that needed decoding are kept until the
   * statistics change (a bounded number of terms).
   */
  private liveDf(term: string): [number, number, number, number] {
    const known = this.dfs.get(term);
    if (known) return known;
    if (this.decodedVersion !== this.c.statsVersion || this.decoded.size > DECODED_DF_TERMS) {
      this.decoded.clear();
      this.decodedVersion = this.c.statsVersion;
    }
    let df = this.decoded.get(term);
    if (!df) {
      const p = this.c.postings;
      const ref = p.resolve(term);
      const deadDocs = this.c.docs.dead.a;
      const deadSlots = this.c.slots.dead.a;
      const counts: [number, number, number, number] = [0, 0, 0, 0];
      for (let f = 0; f < STORED_FIELDS; f++)
        counts[f] = p.liveCount(ref, f, deadDocs, deadSlots, this.c.deltaDead);
      if (p.decodes(ref, this.c.deltaDead)) this.decoded.set(term, counts);
      df = counts;
    }
    this.dfs.set(term, df);
    return df;
  }

  /** Live document frequencies looked up during the current evaluation. */
  private dfs = new Map<string, [number, number, number, number]>();
  /** Live document frequencies that needed decoding, for {@link decodedVersion} of the statistics. */
  private decoded = new Map<string, [number, number, number, number]>();
  private decodedVersion = -1;

  termIdf(term: string): number {
    const nDocs = Math.max(1, this.c.liveDocs);
    // A pair of kanji is one term whether a quote says it alone or inside a longer word, which
    // the index keeps apart (INNER_MARK) only to weigh the two apart: its rarity is that of both.
    let df = this.docFrequency(term);
    if (term.startsWith(INNER_MARK)) df += this.docFrequency(term.slice(INNER_MARK.length));
    else if (KANJI_PAIR.test(term)) df += this.docFrequency(`${INNER_MARK}${term}`);
    return idf(Math.min(Math.max(df, 1), nDocs), nDocs);
  }

  /** A term and what it expands to (prefix, katakana words containing it, typos), with weights. */
  expansions(q: Extract<QueryNode, { kind: 'term' }>): Array<[string, number]> {
    const cached = this.expanded.get(q);
    if (cached) return cached;
    const { postings } = this.c;
    const term = q.term;
    if (q.maxShare !== undefined && this.docFrequency(term) > q.maxShare * Math.max(1, this.c.liveDocs)) {
      this.expanded.set(q, []);
      return [];
    }
    const out: Array<[string, number]> = [[term, 1]];
    if (q.inner) out.push([`${INNER_MARK}${term}`, q.inner]);
    if (q.prefix)
      for (const t of postings.expandPrefix(term)) {
        out.push([t, (RANKING.prefix * term.length) / (term.length + 0.3 * (t.length - term.length))]);
      }
    if (q.substr)
      for (const t of postings.containing(term)) {
        if (!out.some(([x]) => x === t))
          out.push([t, (RANKING.substring * term.length) / (term.length + 0.2 * (t.length - term.length))]);
      }
    if ((q.fuzzy ?? 0) > 0)
      for (const [t, d] of postings.expandFuzzy(term, q.fuzzy ?? 0)) {
        out.push([t, (RANKING.fuzzy * term.length) / (term.length + d)]);
      }
    this.expanded.set(q, out);
    return out;
  }

  /** Expansions of the term nodes of the current evaluation. */
  private expanded = new WeakMap<QueryNode, Array<[string, number]>>();

  /**
   * Evaluates a node. `restrict`: only docs in it can matter (an AND evaluates its rarest part
   * first and lets the others score only those docs).
   */
  private node(
    q: QueryNode,
    weight: number,
    terms: Set<string>,
    restrict: Matches | null,
    sorted = true,
  ): Matches {
    switch (q.kind) {
      case 'term':
        return this.leaf(q, weight * q.weight, terms, restrict, sorted);
      case 'phrase':
        return this.node(q.child, weight * q.weight, terms, restrict, sorted);
      case 'not':
        // A lone exclusion matches nothing; inside an AND or a match it is applied by them.
        return emptyMatches();
      case 'or':
      case 'max': {
        const w = weight * q.weight;
        const parts = q.children.map((c) => this.node(c, w, terms, restrict, sorted));
        return parts.length === 1 ? (parts[0] as Matches) : this.combine(parts, q.kind === 'max', sorted);
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
          out = subtract(out, this.excluded(c.child, out));
        }
        return out;
      }
      case 'match':
        return this.match(q, weight * q.weight, terms, restrict);
    }
  }

  /**
   * Docs of `among` whose own text matches an excluded node: `-ハリウッド` drops the quotes that
   * say it, not every quote of an interview whose title or question does.
   */
  private excluded(x: QueryNode, among: Matches): Matches {
    this.textOnly = true;
    try {
      return this.node(x, 1, new Set(), among);
    } finally {
      this.textOnly = false;
    }
  }

  /** While true, terms match in the quote text only (exclusions). */
  private textOnly = false;

  /** Stamps the docs of `restrict` so leaves can test membership in O(1). */
  private useMask(restrict: Matches): void {
    if (this.maskOf === restrict) return;
    const mask = this.mask;
    mask.fill(0);
    for (let i = 0; i < restrict.n; i++) {
      const d = restrict.docs[i] ?? 0;
      mask[d >>> 5] = (mask[d >>> 5] ?? 0) | (1 << (d & 31));
    }
    this.maskOf = restrict;
  }

  /**
   * The least length norm a doc's own text gets, per role code (interviewee, interviewer, other):
   * 1 for a role makes its turns shorter than average weigh as an average one. Only lowers
   * scores, so every bound stays an upper bound; kept across folds (see {@link reset}).
   */
  setRoleMinNorms(floors: readonly number[]): void {
    this.roleMinNorms = floors;
    this.normCache = null;
  }

  /** Per-entry length norms of each stored field (title per slot), recomputed after writes. */
  norms(): Float64Array[] {
    const { docs, slots } = this.c;
    if (this.normCache && this.normCache.docs === docs.count && this.normCache.stats === this.c.statsVersion)
      return this.normCache.arrays;
    const arrays = [0, 1, 2, F_TITLE].map((f) => {
      const title = f === F_TITLE;
      const avg = (this.c.lenSum[f] ?? 0) / Math.max(1, title ? this.c.liveSlots : this.c.liveDocs) || 1;
      const b = (FIELD_PARAMS[f] as { b: number }).b;
      return title
        ? lengthNorms(slots.titleLen.a, slots.count, avg, b)
        : lengthNorms((docs.lens[f] as { a: Uint32Array }).a, docs.count, avg, b);
    });
    // A role's floor on its own text's norm (setRoleMinNorms). Not on the question field below:
    // a question's text there is its answers' context, which EvaluateOptions.questionField weighs.
    if (this.roleMinNorms.some((f) => f > 0)) {
      const text = arrays[0] as Float64Array;
      const role = docs.role.a;
      for (let d = 0; d < docs.count; d++) {
        const floor = this.roleMinNorms[role[d] ?? 0] ?? 0;
        if ((text[d] ?? 0) < floor) text[d] = floor;
      }
    }
    // The question field: the question's text, normalised with the question field's b.
    const avgText = (this.c.lenSum[F_TEXT] ?? 0) / Math.max(1, this.c.liveDocs) || 1;
    arrays.push(lengthNorms(docs.lens[0].a, docs.count, avgText, FIELDS.question.b));
    this.normCache = { docs: docs.count, stats: this.c.statsVersion, arrays };
    return arrays;
  }

  private leaf(
    q: Extract<QueryNode, { kind: 'term' }>,
    weight: number,
    terms: Set<string>,
    restrict: Matches | null,
    sorted: boolean,
  ): Matches {
    const out = this.out;
    const nt = this.leafInto(q, weight, terms, restrict, out, ++out.epoch, 0);
    return out.collect(nt, sorted);
  }

  /**
   * Scores a term into `target` (stamped `epoch`, `nt` docs touched so far), keeping each doc's
   * best alternative: expansions of a term, and alternatives of a word, are alternatives.
   * Returns the new touched count. No allocation: this is what ranked queries run per word.
   */
  private leafInto(
    q: Extract<QueryNode, { kind: 'term' }>,
    weight: number,
    terms: Set<string>,
    restrict: Matches | null,
    target: Scratch,
    epoch: number,
    nt: number,
  ): number {
    const expansions = this.expansions(q);
    if (restrict) this.useMask(restrict);
    const ptf = this.ptf;
    const { acc, fields, stamp, touched } = target;
    for (const [t, w] of expansions) {
      if (nt === 0) {
        // Nothing in the target yet: the pseudo frequencies accumulate in it directly and
        // saturate in place (one pass over the docs instead of a copy from another scratch).
        const n = this.termFrequencies(t, restrict, target, epoch);
        if (n === 0) continue;
        if (!q.gram) terms.add(t);
        const termWeight = weight * w * this.termIdf(t);
        for (let i = 0; i < n; i++) {
          const d = touched[i] ?? 0;
          acc[d] = bm25f(acc[d] ?? 0, termWeight);
        }
        nt = n;
        continue;
      }
      const n = this.termFrequencies(t, restrict);
      if (n === 0) continue;
      if (!q.gram) terms.add(t);
      const termWeight = weight * w * this.termIdf(t);
      for (let i = 0; i < n; i++) {
        const d = ptf.touched[i] ?? 0;
        const s = bm25f(ptf.acc[d] ?? 0, termWeight);
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          acc[d] = s;
          fields[d] = ptf.fields[d] ?? 0;
          touched[nt++] = d;
        } else {
          if (s > (acc[d] ?? 0)) acc[d] = s;
          fields[d] = (fields[d] ?? 0) | (ptf.fields[d] ?? 0);
        }
      }
    }
    return nt;
  }

  /**
   * Scores one word of a ranked query (a term, or alternatives of it) into `target`, best
   * alternative per doc. Terms go straight in; other alternatives (bigram paths, variants of
   * several words) are evaluated as nodes and merged.
   */
  private slotInto(
    q: QueryNode,
    weight: number,
    terms: Set<string>,
    restrict: Matches | null,
    target: Scratch,
    epoch: number,
    nt: number,
  ): number {
    if (q.kind === 'term') return this.leafInto(q, weight * q.weight, terms, restrict, target, epoch, nt);
    if (q.kind === 'max') {
      let n = nt;
      for (const c of q.children) n = this.slotInto(c, weight * q.weight, terms, restrict, target, epoch, n);
      return n;
    }
    const part = this.node(q, weight, terms, restrict, false);
    const { acc, fields, stamp, touched } = target;
    let n = nt;
    for (let i = 0; i < part.n; i++) {
      const d = part.docs[i] ?? 0;
      const s = part.scores[i] ?? 0;
      if (stamp[d] !== epoch) {
        stamp[d] = epoch;
        acc[d] = s;
        fields[d] = part.fields[i] ?? 0;
        touched[n++] = d;
      } else {
        if (s > (acc[d] ?? 0)) acc[d] = s;
        fields[d] = (fields[d] ?? 0) | (part.fields[i] ?? 0);
      }
    }
    return n;
  }

  /**
   * Accumulates one term's BM25F pseudo frequency per live doc into the `ptf` scratch: the
   * boosted, length-normalised tf of each field, the question's text for its answers and the
   * interview title for its quotes. Returns how many docs it touched (`ptf.touched`).
   */
  private termFrequencies(
    t: string,
    restrict: Matches | null,
    into: Scratch = this.ptf,
    epoch = ++into.epoch,
  ): number {
    const { postings, docs, slots } = this.c;
    const norms = this.norms();
    const deadDoc = docs.dead.a;
    const deadSlot = slots.dead.a;
    const slotStart = slots.start.a;
    const docCount = docs.count;
    const masked = restrict !== null;
    const mask = this.mask;
    const { acc, fields: bits, stamp, touched } = into;
    let nt = 0;
    const ref = postings.resolve(t);
    // Written out per field on purpose: this is the inner loop of every query, and a
    // callback-per-posting version of it measured several times slower.
    const fieldCount = this.textOnly ? 1 : STORED_FIELDS;
    const withQuestion = !this.textOnly;
    // With no dead doc (a folded or freshly loaded index) the dead flags need no reading.
    const anyDead = this.c.liveDocs < docCount;
    for (let f = 0; f < fieldCount; f++) {
      const n = postings.fetchAt(ref, f);
      if (n === 0) continue;
      const ids = postings.ids;
      const tfs = postings.tfs;
      const norm = norms[f] as Float64Array;
      const boost = (FIELD_PARAMS[f] as { boost: number }).boost;
      if (f === F_TITLE) {
        for (let i = 0; i < n; i++) {
          const id = ids[i] ?? 0;
          if (deadSlot[id] !== 0) continue;
          const s = (boost * (tfs[i] ?? 1)) / (norm[id] ?? 1);
          for (let d = slotStart[id] ?? 0; d < (slotStart[id + 1] ?? 0); d++) {
            if (masked && ((mask[d >>> 5] ?? 0) & (1 << (d & 31))) === 0) continue;
            if (stamp[d] !== epoch) {
              stamp[d] = epoch;
              acc[d] = s;
              bits[d] = FIELD_BITS.title;
              touched[nt++] = d;
            } else {
              acc[d] = (acc[d] ?? 0) + s;
              bits[d] = (bits[d] ?? 0) | FIELD_BITS.title;
            }
          }
        }
        continue;
      }
      if (withQuestion && f === F_TEXT) {
        // The text field carries its answers' question field: the packed-entry walk does both.
        nt = this.textFrequencies(n, ids, tfs, boost, masked, into, epoch, nt);
        continue;
      }
      const bit = 1 << f;
      for (let i = 0; i < n; i++) {
        const id = ids[i] ?? 0;
        // Restricted: most postings are not candidates, so the mask is read first.
        if ((masked && ((mask[id >>> 5] ?? 0) & (1 << (id & 31))) === 0) || (anyDead && deadDoc[id] !== 0))
          continue;
        const s = (boost * (tfs[i] ?? 1)) / (norm[id] ?? 1);
        if (stamp[id] !== epoch) {
          stamp[id] = epoch;
          acc[id] = s;
          bits[id] = bit;
          touched[nt++] = id;
        } else {
          acc[id] = (acc[id] ?? 0) + s;
          bits[id] = (bits[id] ?? 0) | bit;
        }
      }
    }
    return nt;
  }

  /**
   * The text field of {@link termFrequencies}, with the question field of the answers, reading
   * each posting's norms, span, dead flag and its answers' questions from the packed per-doc
   * entries the sorted path uses (one cache line instead of five arrays). Restricted, a posting
   * that is no candidate is skipped unread when no candidate lies within any question's reach.
   */
  private textFrequencies(
    n: number,
    ids: Int32Array,
    tfs: Uint32Array,
    boost: number,
    masked: boolean,
    into: Scratch,
    epoch: number,
    nt: number,
  ): number {
    const { norm, ints, questionNorm, questionOf, spanMask, reach } = this.sorted.packed();
    const { boost: questionBoost, minNorm: questionMinNorm } = this.questionField();
    const docCount = this.c.docs.count;
    const mask = this.mask;
    const { acc, fields: bits, stamp, touched } = into;
    const bit = FIELD_BITS.text;
    // Unrestricted, every posting's entry is read: gathered first in a loop of loads alone, so
    // that many of those cache misses are in flight at once (the main loop, with its branches,
    // keeps few); the main loop then finds the entries in cache (as sorted.ts does).
    if (!masked) {
      if (this.gathered.length < n) {
        this.gathered = new Int32Array(Math.max(n, this.gathered.length * 2));
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
    for (let i = 0; i < n; i++) {
      const id = ids[i] ?? 0;
      const own = !masked || ((mask[id >>> 5] ?? 0) & (1 << (id & 31))) !== 0;
      if (!own) {
        let near = false;
        for (let a = id + 1; a <= id + reach && !near; a++)
          near = ((mask[a >>> 5] ?? 0) & (1 << (a & 31))) !== 0;
        if (!near) continue;
      }
      const packed = (masked ? ints[2 * id] : g[i]) ?? -1;
      if (packed < 0) continue;
      const answers = (packed >> 2) & spanMask;
      if (!own && answers === 0) continue;
      const tf = tfs[i] ?? 1;
      const length = (masked ? ints[2 * id + 1] : gl[i]) ?? 0;
      if (own) {
        const s = (boost * tf) / (norm[length] ?? 1);
        if (stamp[id] !== epoch) {
          stamp[id] = epoch;
          acc[id] = s;
          bits[id] = bit;
          touched[nt++] = id;
        } else {
          acc[id] = (acc[id] ?? 0) + s;
          bits[id] = (bits[id] ?? 0) | bit;
        }
      }
      // The question field of an answer is its question's text: derived, not stored twice.
      if (answers > 0) {
        const s = (questionBoost * tf) / Math.max(questionMinNorm, questionNorm[length] ?? 1);
        const last = Math.min(docCount - 1, id + answers);
        for (let a = id + 1; a <= last; a++) {
          const answering = questionAt(ints, questionOf, a) === id;
          if (!answering || (masked && ((mask[a >>> 5] ?? 0) & (1 << (a & 31))) === 0)) continue;
          if (stamp[a] !== epoch) {
            stamp[a] = epoch;
            acc[a] = s;
            bits[a] = FIELD_BITS.question;
            touched[nt++] = a;
          } else {
            acc[a] = (acc[a] ?? 0) + s;
            bits[a] = (bits[a] ?? 0) | FIELD_BITS.question;
          }
        }
      }
    }
    return nt;
  }

  /** The packed entries of a term's text postings, gathered before the walk (textFrequencies). */
  private gathered = new Int32Array(0);
  private gatheredLengths = new Int32Array(0);

  /** Union of several results in one pass: scores summed (or the best kept), field bits or-ed. */
  private combine(parts: readonly Matches[], best: boolean, sorted: boolean): Matches {
    const out = this.out;
    const epoch = ++out.epoch;
    const { acc, fields, stamp, touched } = out;
    let nt = 0;
    for (const m of parts) {
      for (let i = 0; i < m.n; i++) {
        const d = m.docs[i] ?? 0;
        const s = m.scores[i] ?? 0;
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          acc[d] = s;
          fields[d] = m.fields[i] ?? 0;
          touched[nt++] = d;
        } else {
          acc[d] = best ? Math.max(acc[d] ?? 0, s) : (acc[d] ?? 0) + s;
          fields[d] = (fields[d] ?? 0) | (m.fields[i] ?? 0);
        }
      }
    }
    return out.collect(nt, sorted);
  }

  /** Ranked partial matching; see the `match` node and the module comment. */
  private match(
    q: Extract<QueryNode, { kind: 'match' }>,
    weight: number,
    terms: Set<string>,
    restrict: Matches | null,
  ): Matches {
    const slots = q.slots.map((s) => ({ ...s, bound: this.bound(s.node, weight) }));
    const total = slots.reduce((s, x) => s + x.bound, 0);
    if (total <= 0) return emptyMatches();
    const required = slots
      .filter((s) => s.required)
      .map((s) => ({ s, size: this.estimate(s.node) }))
      .sort((x, y) => x.size - y.size)
      .map((x) => x.s);
    const optional = slots.filter((s) => !s.required).sort((a, b) => b.bound - a.bound);
    const requiredWeight = required.reduce((s, x) => s + x.bound, 0);
    const minWeight = Math.max(requiredWeight, q.minShould * shareBase(slots));
    // Accumulators: score and fields in `m`, matched weight in `this.weight`.
    let m = this.matchScratch;
    m.grow(this.c.docs.count);
    let epoch = ++m.epoch;
    const matched = this.weight;
    let nt = 0;
    // Required slots first, as an AND (rarest first): each scores straight into `m`, restricted
    // to the docs the ones before left, which it then narrows. No intermediate result is
    // allocated, sorted or merged per slot: at a million quotes a common word leaves tens of
    // thousands of docs.
    let candidates: Matches | null = restrict;
    if (required.length > 0) {
      for (const [k, s] of required.entries()) {
        const w = this.slotScratch;
        const slotEpoch = ++w.epoch;
        const n = this.slotInto(s.node, weight, terms, candidates, w, slotEpoch, 0);
        if (k === 0) {
          // The first slot's scratch holds exactly the candidates: it becomes the accumulator
          // (the two swap roles) instead of being copied.
          this.slotScratch = m;
          this.matchScratch = w;
          m = w;
          epoch = slotEpoch;
          nt = n;
        } else {
          // Docs this slot did not score leave the candidates.
          nt = narrow(m, w, slotEpoch, nt);
        }
        if (nt === 0) return emptyMatches();
        candidates = { n: nt, docs: m.touched.subarray(0, nt), scores: NO_SCORES, fields: NO_FIELDS };
      }
      // In doc order, as a merge gives them (ties in score are broken by doc downstream).
      m.touched.subarray(0, nt).sort();
      // Without optional slots every candidate matched `requiredWeight` (see finish).
      if (optional.length > 0) fillMatched(m.touched, nt, matched, requiredWeight);
      candidates = { n: nt, docs: m.touched.subarray(0, nt), scores: NO_SCORES, fields: NO_FIELDS };
    }
    // Exclusions drop docs after the slots are scored: the k best before them need not hold
    // the k best after, so a query with exclusions is not pruned.
    const topK =
      q.exclude.length > 0 ? Number.POSITIVE_INFINITY : (this.options.topK ?? Number.POSITIVE_INFINITY);
    const roleFloor = Math.min(1, ...(this.options.roleWeights ?? [1]));
    let remaining = optional.reduce((s, x) => s + x.bound, 0);
    let pruned = false;
    // Null while unseen docs can still join; then the docs every later slot may score.
    let closed: Matches | null = required.length > 0 ? candidates : restrict;
    for (const s of optional) {
      if (closed === null) {
        // No unseen doc can reach the minimum share, or beat the k-th lower bound so far.
        const short = requiredWeight + remaining < minWeight;
        // An unseen doc can match only the remaining words: at most `remaining`, scaled by
        // the coordination of the remaining share.
        const ceiling = remaining * (remaining / total) ** RANKING.coord;
        // No doc seen can have more than the words scored so far give it (`seen` times their
        // coordination): while the ceiling reaches that, the k-th lower bound cannot beat it,
        // and the pass over every doc seen that computes it is skipped (a margin covers rounding).
        const seen = total - remaining;
        const beatable = ceiling < seen * (seen / total) ** RANKING.coord * (1 + 1e-9);
        const beaten =
          !short &&
          nt >= topK &&
          beatable &&
          ceiling < this.kthLowerBound(nt, total, minWeight, topK) * roleFloor;
        if (short || beaten) {
          // Later slots read a restriction's docs only (see useMask), and no doc joins the
          // accumulator from here on, so its touched docs serve as they are: no copy.
          closed = { n: nt, docs: m.touched.subarray(0, nt), scores: NO_SCORES, fields: NO_FIELDS };
          pruned = beaten;
        }
      }
      remaining -= s.bound;
      // The word's best alternative per doc, straight into a scratch (no allocation).
      const w = this.slotScratch;
      const slotEpoch = ++w.epoch;
      const n = this.slotInto(s.node, weight, terms, closed, w, slotEpoch, 0);
      nt = mergeSlot(m, epoch, w, n, matched, s.bound, closed === null, nt);
    }
    const uniform = required.length > 0 && optional.length === 0 ? requiredWeight : null;
    const pooled = this.options.transient === true && q === this.root;
    let out = this.finish(nt, total, minWeight, q.exclude.length > 0, uniform, pooled);
    for (const x of q.exclude) {
      if (out.n === 0) break;
      out = subtract(out, this.excluded(x, out));
    }
    out.pruned = pruned;
    out.unordered = q.exclude.length === 0;
    return out;
  }

  private matchScratch = new Scratch();
  /** The min-heap of kthLowerBound. */
  private heap = new Float64Array(0);
  /** One word's scores in a ranked query. */
  private slotScratch = new Scratch();

  /**
   * Final scores: coordination and role weights; docs below the minimum share dropped.
   * `uniform`: the matched weight of every doc when all of them matched the same (only
   * required slots), so none is read per doc.
   */
  private finish(
    nt: number,
    total: number,
    minWeight: number,
    sorted: boolean,
    uniform: number | null,
    pooled: boolean,
  ): Matches {
    const m = this.matchScratch;
    const matched = this.weight;
    const role = this.c.docs.role.a;
    const roleWeights = this.options.roleWeights ?? [1, 1, 1];
    const pool = this.finished;
    if (pooled && pool.docs.length < nt) {
      const size = Math.max(nt, pool.docs.length * 2);
      this.finished = {
        docs: new Int32Array(size),
        scores: new Float64Array(size),
        fields: new Uint8Array(size),
      };
    }
    const into = this.finished;
    let docs: Int32Array;
    if (uniform !== null) {
      const n = uniform >= minWeight - 1e-9 ? nt : 0;
      if (pooled) {
        docs = into.docs.subarray(0, n);
        docs.set(m.touched.subarray(0, n));
      } else docs = m.touched.slice(0, n);
    } else {
      // Kept docs are gathered in the pooled list, or else in the shared scratch's touched
      // array (free here) and then copied once.
      const keep = pooled ? into.docs : this.out.touched;
      const kept = keepMatched(m.touched, nt, matched, minWeight - 1e-9, keep);
      docs = pooled ? keep.subarray(0, kept) : keep.slice(0, kept);
    }
    if (sorted) docs.sort();
    const scores = pooled ? into.scores.subarray(0, docs.length) : new Float64Array(docs.length);
    const fields = pooled ? into.fields.subarray(0, docs.length) : new Uint8Array(docs.length);
    finalScores(docs, m, matched, role, roleWeights, total, uniform, scores, fields);
    return { n: docs.length, docs, scores, fields };
  }

  /**
   * The k-th best lower bound (current score × coordination) among the accumulated docs past
   * the minimum share; 0 when fewer than k are.
   */
  private kthLowerBound(nt: number, total: number, minWeight: number, k: number): number {
    const m = this.matchScratch;
    const matched = this.weight;
    // A min-heap of the k best, in a typed array kept between calls.
    if (this.heap.length < k) this.heap = new Float64Array(k);
    const heap = this.heap;
    let size = 0;
    for (let i = 0; i < nt; i++) {
      const d = m.touched[i] ?? 0;
      const w = matched[d] ?? 0;
      if (w < minWeight - 1e-9) continue;
      const low = (m.acc[d] ?? 0) * (w / total) ** RANKING.coord;
      size = offerKBest(heap, size, k, low);
    }
    return size < k ? 0 : (heap[0] ?? 0);
  }
}

// The loops of a ranked query over its candidates, as small functions of typed arrays and
// numbers: `match` and `finish` see objects of many shapes across queries and lose their
// optimised code now and then, and a loop over tens of thousands of docs run by the interpreter
// costs several times more and allocates a heap number per arithmetic step (measured: 0.7 MB
// of garbage for one query of 35,000 candidates). Alone, these stay optimised.

/** Keeps the candidates of `m` that slot `w` scored (epoch `slotEpoch`), adding its scores. */
function narrow(m: Scratch, w: Scratch, slotEpoch: number, nt: number): number {
  const { acc, fields, stamp, touched } = m;
  const wAcc = w.acc;
  const wFields = w.fields;
  const wStamp = w.stamp;
  let kept = 0;
  for (let i = 0; i < nt; i++) {
    const d = touched[i] ?? 0;
    if (wStamp[d] !== slotEpoch) {
      stamp[d] = 0;
      continue;
    }
    acc[d] = (acc[d] ?? 0) + (wAcc[d] ?? 0);
    fields[d] = (fields[d] ?? 0) | (wFields[d] ?? 0);
    touched[kept++] = d;
  }
  return kept;
}

function fillMatched(touched: Int32Array, nt: number, matched: Float64Array, weight: number): void {
  for (let i = 0; i < nt; i++) matched[touched[i] ?? 0] = weight;
}

/**
 * Adds an optional slot's scores (`w`, `n` docs) to the accumulator `m` (stamped `epoch`, `nt`
 * docs) and its share of the query's weight to `matched`; docs new to `m` join it only while
 * `open`. Returns the new count.
 */
function mergeSlot(
  m: Scratch,
  epoch: number,
  w: Scratch,
  n: number,
  matched: Float64Array,
  bound: number,
  open: boolean,
  nt: number,
): number {
  const { acc, fields, stamp, touched } = m;
  const wAcc = w.acc;
  const wFields = w.fields;
  const wTouched = w.touched;
  for (let i = 0; i < n; i++) {
    const d = wTouched[i] ?? 0;
    const f = wFields[d] ?? 0;
    const share = bound * shareOf(f);
    if (stamp[d] === epoch) {
      acc[d] = (acc[d] ?? 0) + (wAcc[d] ?? 0);
      fields[d] = (fields[d] ?? 0) | f;
      matched[d] = (matched[d] ?? 0) + share;
    } else if (open) {
      stamp[d] = epoch;
      acc[d] = wAcc[d] ?? 0;
      fields[d] = f;
      matched[d] = share;
      touched[nt++] = d;
    }
  }
  return nt;
}

/** Writes the docs of `touched` whose matched weight reaches `min` into `keep`; returns how many. */
function keepMatched(
  touched: Int32Array,
  nt: number,
  matched: Float64Array,
  min: number,
  keep: Int32Array,
): number {
  let kept = 0;
  for (let i = 0; i < nt; i++) {
    const d = touched[i] ?? 0;
    if ((matched[d] ?? 0) >= min) keep[kept++] = d;
  }
  return kept;
}

/** Final scores (coordination and role weights) and fields of `docs`; see Evaluator.finish. */
function finalScores(
  docs: Int32Array,
  m: Scratch,
  matched: Float64Array,
  role: Uint8Array,
  roleWeights: readonly number[],
  total: number,
  uniform: number | null,
  scores: Float64Array,
  fields: Uint8Array,
): void {
  const acc = m.acc;
  const mFields = m.fields;
  const same = uniform === null ? 0 : (uniform / total) ** RANKING.coord;
  const each = uniform === null;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i] ?? 0;
    const coord = each ? ((matched[d] ?? 0) / total) ** RANKING.coord : same;
    scores[i] = (acc[d] ?? 0) * coord * (roleWeights[role[d] ?? 0] ?? 1);
    fields[i] = mFields[d] ?? 0;
  }
}
