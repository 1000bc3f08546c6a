/**
 * The inverted index under {@link QuoteIndex}, in two segments (the layout of Lucene, scaled down):
 *
 * - the **base** is packed: a sorted term dictionary, varint-coded postings in one byte array and
 *   a typed-array doc table. A snapshot is that memory written out, so loading one allocates a
 *   handful of arrays instead of rebuilding a tree term by term (MiniSearch's `loadJSON` took
 *   4.5 s at 100k quotes; see docs/performance.md);
 * - the **delta** takes the writes made since: postings in MiniSearch's radix tree
 *   (`SearchableMap`, for prefix and typo lookups), removed interviews as tombstones. Writing a
 *   snapshot folds the delta into a new base.
 *
 * Quote texts are not kept here (the store has them); the engine knows terms, counts, roles,
 * tags and how quotes relate (interview, question). Queries are MiniSearch query trees evaluated
 * over sorted doc lists with BM25+ scores, prefix expansion capped, so their cost is bounded by
 * the postings they touch. Pure: no I/O.
 */
import type { Query, QueryCombination } from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { SnapshotVersionError } from '../errors.ts';
import { GRAM } from './query.ts';

/** Field boosts: the quote's own words matter most, then who said it, then context. */
export const FIELD_BOOSTS = { text: 2, speaker: 1.5, section: 0.8, title: 0.6, question: 0.5 } as const;

/** Fields with postings: per quote (text, speaker, section) or per interview (title). */
const F_TEXT = 0;
const F_SPEAKER = 1;
const F_SECTION = 2;
const F_TITLE = 3;
const STORED_FIELDS = 4;
const BOOST = [FIELD_BOOSTS.text, FIELD_BOOSTS.speaker, FIELD_BOOSTS.section, FIELD_BOOSTS.title];

/** BM25+ parameters (MiniSearch's defaults). */
const K1 = 1.2;
const B = 0.7;
const D = 0.5;
/** Score weights of expanded terms, relative to an exact match (as in MiniSearch). */
const PREFIX_WEIGHT = 0.5;
const FUZZY_WEIGHT = 0.4;
/** A prefix expands to at most this many terms (the most frequent of the first PREFIX_SCAN). */
export const PREFIX_EXPANSIONS = 48;
const PREFIX_SCAN = 4096;

/** Bits of {@link Matches.fields}. */
export const FIELD_BITS = { text: 1, speaker: 2, section: 4, title: 8, question: 16 } as const;

/** Counted terms of one field of one quote. */
export interface FieldTerms {
  terms: ReadonlyMap<string, number>;
  /** Number of tokens (BM25 field length). */
  length: number;
}

/** What the engine indexes for one quote. */
export interface EngineDoc {
  ordinal: number;
  /** 0 interviewee, 1 interviewer, 2 other. */
  role: number;
  /** Index (within the same interview's docs) of the question this quote answers, or -1. */
  question: number;
  tags: readonly string[];
  text: FieldTerms;
  speaker: FieldTerms;
  section: FieldTerms;
}

/** Terms that may be offered as completions, with the text as written when it differs. */
export interface Completion {
  term: string;
  surface?: string;
}

/** Matching quotes in doc order, with scores. */
export interface Matches {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  /** Per doc, the fields a term matched in: bits of {@link FIELD_BITS}. */
  fields: Uint8Array;
}

type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** A growable typed array. */
class Column<A extends Typed> {
  constructor(
    public a: A,
    public n: number,
    private readonly make: (n: number) => A,
  ) {}
  static of<A extends Typed>(make: (n: number) => A, from?: A): Column<A> {
    return new Column(from ?? make(64), from ? from.length : 0, make);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(Math.max(64, this.a.length * 2));
      b.set(this.a as never);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  at(i: number): number {
    return this.a[i] ?? 0;
  }
  view(): A {
    return this.a.subarray(0, this.n) as A;
  }
}

/** Appends varints to a growable byte array. */
class Bytes {
  buf = new Uint8Array(1 << 16);
  n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  varint(v: number): void {
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.n++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** Postings of one term in the delta: per field, flat [doc, tf, doc, tf, …] in doc order. */
interface DeltaPostings {
  fields: [number[], number[], number[], number[]];
  suggest: boolean;
}

/** The packed segment. Postings of term i: bytes[offsets[i] .. offsets[i+1]). */
interface Base {
  terms: string[];
  /** bit 0: the term may be offered as a completion. */
  flags: Uint8Array;
  offsets: Uint32Array;
  bytes: Uint8Array;
  /** Docs and slots numbered below these have their postings in the base. */
  docs: number;
  slots: number;
}

const EMPTY_BASE: Base = {
  terms: [],
  flags: new Uint8Array(0),
  offsets: new Uint32Array(1),
  bytes: new Uint8Array(0),
  docs: 0,
  slots: 0,
};

/** Layout of a term's postings: [field mask][per present field: count, byte length][entries…]. */
function readVarint(bytes: Uint8Array, pos: { p: number }): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const b = bytes[pos.p++] ?? 0;
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v;
    mul *= 128;
  }
}

/** Edit distance of a and b, or max + 1 when it exceeds max. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

function lowerBound(terms: readonly string[], key: string): number {
  let lo = 0;
  let hi = terms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((terms[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a query node passes to its children. */
interface Ctx {
  prefix: boolean;
  fuzzy: number;
  weight: number;
  /** A bigram of a longer word: scored, but its terms are not reported for highlighting. */
  gram: boolean;
}

/** Version of the packed layout (part of the snapshot's schema version). */
export const PACKED_LAYOUT = 'kikigaki-packed-1';

/** Header of a packed engine, stored as JSON before its arrays. */
interface EngineHeader {
  layout: string;
  docs: number;
  slots: number;
  keys: string[];
  tags: string[];
  surfaces: Array<[string, string]>;
  sections: Array<[string, number, number]>;
}

/** The engine: doc table, two posting segments, evaluation. See the module comment. */
export class Engine {
  // Doc table (base and delta docs alike).
  private slotOfDoc = Column.of((n) => new Uint32Array(n));
  private ordinal = Column.of((n) => new Uint32Array(n));
  private role = Column.of((n) => new Uint8Array(n));
  private questionOf = Column.of((n) => new Int32Array(n));
  /** For a question: how many docs after it reach its last answer (answers need not be adjacent). */
  private span = Column.of((n) => new Uint32Array(n));
  private lens: [Column<Uint32Array>, Column<Uint32Array>, Column<Uint32Array>] = [
    Column.of((n) => new Uint32Array(n)),
    Column.of((n) => new Uint32Array(n)),
    Column.of((n) => new Uint32Array(n)),
  ];
  private deadDoc = Column.of((n) => new Uint8Array(n));
  // Tags: packed lists for base docs, overridden per doc by edits and delta docs.
  private tagStart = new Uint32Array(1);
  private tagIds = new Uint32Array(0);
  private tagOverride = new Map<number, number[]>();
  private tagNames: string[] = [];
  private tagIndex = new Map<string, number>();
  // Interview slots: slot s owns docs [slotStart[s], slotStart[s + 1]).
  private slotStart = Column.of((n) => new Uint32Array(n));
  private titleLen = Column.of((n) => new Uint32Array(n));
  private deadSlot = Column.of((n) => new Uint8Array(n));
  private keys: string[] = [];
  private slotByKey = new Map<string, number>();
  // Postings.
  private base: Base = EMPTY_BASE;
  private delta = new SearchableMap<DeltaPostings>();
  private surfaces = new Map<string, string>();
  // Live statistics for BM25.
  private liveDocs = 0;
  private liveSlots = 0;
  private lenSum = [0, 0, 0, 0];
  // Scratch for evaluation.
  private acc = new Float64Array(0);
  private accFields = new Uint8Array(0);
  private stamp = new Uint32Array(0);
  private touched = new Int32Array(0);
  private mask = new Uint32Array(0);
  private maskEpoch = 0;
  private maskOf: Matches | null = null;
  private epoch = 0;
  private bufIds = new Int32Array(1024);
  private bufTfs = new Uint32Array(1024);
  private statsVersion = 0;
  private normCache: { docs: number; stats: number; arrays: Float64Array[] } | null = null;

  constructor() {
    this.slotStart.push(0);
  }

  /** Number of live quotes and interviews. */
  get size(): { docs: number; slots: number } {
    return { docs: this.liveDocs, slots: this.liveSlots };
  }

  /** Number of docs ever numbered (live or dead); doc numbers are below this. */
  get docCount(): number {
    return this.ordinal.n;
  }

  /** Quotes written since the last fold (the delta's size). */
  get pendingDocs(): number {
    return this.ordinal.n - this.base.docs;
  }

  /** Adds an interview's quotes under `key`; the key must not be present. */
  add(
    key: string,
    title: FieldTerms,
    docs: readonly EngineDoc[],
    surfaces: ReadonlyMap<string, string>,
  ): void {
    if (this.slotByKey.has(key)) throw new Error(`engine: ${key} is already indexed`);
    const slot = this.keys.length;
    const first = this.ordinal.n;
    this.keys.push(key);
    this.slotByKey.set(key, slot);
    this.titleLen.push(title.length);
    this.deadSlot.push(0);
    this.liveSlots++;
    this.lenSum[F_TITLE] = (this.lenSum[F_TITLE] ?? 0) + title.length;
    for (const [term, tf] of title.terms) this.post(term, F_TITLE, slot, tf, false);
    docs.forEach((d, i) => {
      const doc = first + i;
      this.slotOfDoc.push(slot);
      this.ordinal.push(d.ordinal);
      this.role.push(d.role);
      this.questionOf.push(d.question >= 0 && d.question < docs.length ? first + d.question : -1);
      this.span.push(0);
      this.deadDoc.push(0);
      const fields = [d.text, d.speaker, d.section] as const;
      fields.forEach((f, fi) => {
        (this.lens[fi] as Column<Uint32Array>).push(f.length);
        this.lenSum[fi] = (this.lenSum[fi] ?? 0) + f.length;
        for (const [term, tf] of f.terms) this.post(term, fi, doc, tf, fi === F_TEXT);
      });
      this.tagOverride.set(
        doc,
        d.tags.map((t) => this.tagId(t)),
      );
      this.liveDocs++;
    });
    docs.forEach((d, i) => {
      if (d.question >= 0 && d.question < i) this.span.a[first + d.question] = i - d.question;
    });
    this.slotStart.push(this.ordinal.n);
    this.statsVersion++;
    for (const [term, surface] of surfaces) if (!this.surfaces.has(term)) this.surfaces.set(term, surface);
  }

  private post(term: string, field: number, id: number, tf: number, suggest: boolean): void {
    let p = this.delta.get(term);
    if (!p) {
      p = { fields: [[], [], [], []], suggest: false };
      this.delta.set(term, p);
    }
    p.fields[field as 0]?.push(id, tf);
    if (suggest) p.suggest = true;
  }

  private tagId(tag: string): number {
    let id = this.tagIndex.get(tag);
    if (id === undefined) {
      id = this.tagNames.length;
      this.tagNames.push(tag);
      this.tagIndex.set(tag, id);
    }
    return id;
  }

  /** Removes an interview's quotes; returns false when the key is unknown. */
  remove(key: string): boolean {
    const slot = this.slotByKey.get(key);
    if (slot === undefined) return false;
    this.slotByKey.delete(key);
    this.deadSlot.a[slot] = 1;
    this.liveSlots--;
    this.lenSum[F_TITLE] = (this.lenSum[F_TITLE] ?? 0) - this.titleLen.at(slot);
    for (let d = this.slotStart.at(slot); d < this.slotStart.at(slot + 1); d++) {
      this.deadDoc.a[d] = 1;
      this.liveDocs--;
      for (let f = 0; f < 3; f++) this.lenSum[f] = (this.lenSum[f] ?? 0) - (this.lens[f]?.at(d) ?? 0);
      this.tagOverride.delete(d);
    }
    this.statsVersion++;
    return true;
  }

  /** The doc of a quote, by interview key and ordinal; -1 when not indexed. */
  docOf(key: string, ordinal: number): number {
    const slot = this.slotByKey.get(key);
    if (slot === undefined) return -1;
    for (let d = this.slotStart.at(slot); d < this.slotStart.at(slot + 1); d++) {
      if (this.ordinal.at(d) === ordinal) return d;
    }
    return -1;
  }

  /** Docs of a live interview, in order. */
  docsOf(key: string): number[] {
    const slot = this.slotByKey.get(key);
    if (slot === undefined) return [];
    const out: number[] = [];
    for (let d = this.slotStart.at(slot); d < this.slotStart.at(slot + 1); d++) out.push(d);
    return out;
  }

  /** Interview key of a doc. */
  keyOf(doc: number): string {
    return this.keys[this.slotOfDoc.at(doc)] ?? '';
  }

  /** Ordinal of a doc within its interview. */
  ordinalOf(doc: number): number {
    return this.ordinal.at(doc);
  }

  /** Role code of a doc. */
  roleOf(doc: number): number {
    return this.role.at(doc);
  }

  /** True when the doc belongs to a live interview. */
  alive(doc: number): boolean {
    return doc >= 0 && doc < this.ordinal.n && this.deadDoc.at(doc) === 0;
  }

  /** Live interview keys. */
  liveKeys(): string[] {
    return [...this.slotByKey.keys()];
  }

  /** Tags of a doc. */
  tagsOf(doc: number): string[] {
    return Array.from(this.tagIdsOf(doc), (t) => this.tagNames[t] ?? '');
  }

  /** Tag ids of a doc (see {@link Engine.tagName}); a view, not a copy, for packed docs. */
  tagIdsOf(doc: number): ArrayLike<number> & Iterable<number> & { includes(id: number): boolean } {
    const o = this.tagOverride.get(doc);
    if (o) return o;
    if (doc >= this.tagStart.length - 1) return [];
    return this.tagIds.subarray(this.tagStart[doc] ?? 0, this.tagStart[doc + 1] ?? 0);
  }

  /** Id of a tag name, or -1 when no quote ever had it. */
  tagIdOf(tag: string): number {
    return this.tagIndex.get(tag) ?? -1;
  }

  /** Name of a tag id. */
  tagName(id: number): string {
    return this.tagNames[id] ?? '';
  }

  /** Replaces a doc's tags. */
  setTags(doc: number, tags: readonly string[]): void {
    this.tagOverride.set(
      doc,
      tags.map((t) => this.tagId(t)),
    );
  }

  // ------------------------------------------------------------------ postings access

  private baseTerm(term: string): number {
    const i = lowerBound(this.base.terms, term);
    return this.base.terms[i] === term ? i : -1;
  }

  /** Where a base term's postings in one field start (after all field headers), and how many. */
  private baseField(ti: number, field: number): { p: number; count: number } {
    const { bytes, offsets } = this.base;
    const pos = { p: offsets[ti] ?? 0 };
    const mask = bytes[pos.p++] ?? 0;
    if (!(mask & (1 << field))) return { p: 0, count: 0 };
    let skip = 0;
    let count = 0;
    for (let f = 0; f < STORED_FIELDS; f++) {
      if (!(mask & (1 << f))) continue;
      const c = readVarint(bytes, pos);
      const len = readVarint(bytes, pos);
      if (f < field) skip += len;
      if (f === field) count = c;
    }
    return { p: pos.p + skip, count };
  }

  /** Document frequency of a term in a field (docs, or interviews for the title), dead included. */
  private df(term: string, field: number): number {
    const ti = this.baseTerm(term);
    const base = ti >= 0 ? this.baseField(ti, field).count : 0;
    return base + (this.delta.get(term)?.fields[field as 0]?.length ?? 0) / 2;
  }

  /** Terms starting with `prefix` (itself excluded), at most {@link PREFIX_EXPANSIONS}, most frequent first. */
  private expandPrefix(prefix: string): string[] {
    const found = new Set<string>();
    const terms = this.base.terms;
    for (let i = lowerBound(terms, prefix); i < terms.length && found.size < PREFIX_SCAN; i++) {
      const t = terms[i] as string;
      if (!t.startsWith(prefix)) break;
      if (t !== prefix) found.add(t);
    }
    for (const t of this.delta.atPrefix(prefix).keys()) {
      if (found.size >= PREFIX_SCAN * 2) break;
      if (t !== prefix) found.add(t);
    }
    if (found.size <= PREFIX_EXPANSIONS) return [...found];
    return [...found]
      .map((t) => ({ t, df: this.df(t, F_TEXT) }))
      .sort((a, b) => b.df - a.df || (a.t < b.t ? -1 : 1))
      .slice(0, PREFIX_EXPANSIONS)
      .map((x) => x.t);
  }

  /** Terms within `max` edits of `term` that share its first character (as Lucene's prefix length 1). */
  private expandFuzzy(term: string, max: number): Array<[string, number]> {
    const out = new Map<string, number>();
    const head = term.charAt(0);
    const terms = this.base.terms;
    for (let i = lowerBound(terms, head); i < terms.length; i++) {
      const t = terms[i] as string;
      if (!t.startsWith(head)) break;
      const d = boundedDistance(term, t, max);
      if (d > 0 && d <= max) out.set(t, d);
    }
    for (const [t, [, d]] of this.delta.fuzzyGet(term, max)) {
      if (d > 0 && t.startsWith(head)) out.set(t, d);
    }
    return [...out];
  }

  // ------------------------------------------------------------------ evaluation

  /** Evaluates a query tree; `terms` collects the index terms it matched (for highlighting). */
  evaluate(query: Query, terms: Set<string> = new Set()): Matches {
    return this.node(query, { prefix: false, fuzzy: 0, weight: 1, gram: false }, terms, null);
  }

  /** Rough number of docs a subtree matches, to evaluate the rarest part of an AND first. */
  private estimate(query: Query, prefix: boolean): number {
    if (typeof query === 'string') return this.df(query, F_TEXT) + (prefix ? 10_000 : 0);
    if (typeof query !== 'object' || query === null || !('queries' in query)) return 0;
    const q = query as QueryCombination;
    const p = q.prefix === undefined ? prefix : q.prefix === true;
    const parts = q.queries.map((c) => this.estimate(c as Query, p));
    return String(q.combineWith ?? 'OR').toUpperCase() === 'AND'
      ? Math.min(...parts)
      : parts.reduce((x, y) => x + y, 0);
  }

  /**
   * Evaluates a node. `restrict`: only docs in it can matter (an AND evaluates its rarest part
   * first and lets the others score only those docs), so common terms cost a scan, not a merge.
   */
  private node(query: Query, ctx: Ctx, terms: Set<string>, restrict: Matches | null): Matches {
    if (typeof query === 'string') return this.leaf(query, ctx, terms, restrict);
    if (typeof query !== 'object' || query === null || !('queries' in query)) return emptyMatches();
    const q = query as QueryCombination;
    const fuzzy = q.fuzzy === undefined ? ctx.fuzzy : typeof q.fuzzy === 'number' ? q.fuzzy : q.fuzzy ? 1 : 0;
    const boost = typeof q.boostTerm === 'function' ? q.boostTerm('', 0, []) : 1;
    const next = {
      prefix: q.prefix === undefined ? ctx.prefix : q.prefix === true,
      fuzzy,
      weight: ctx.weight * boost,
      gram: (q as { [GRAM]?: boolean })[GRAM] === true,
    };
    if (String(q.combineWith ?? 'OR').toUpperCase() !== 'AND') {
      const parts = q.queries.map((c) => this.node(c as Query, next, terms, restrict));
      return parts.length === 1 ? (parts[0] as Matches) : this.unionAll(parts);
    }
    const ordered = q.queries
      .map((c) => ({ c, size: this.estimate(c, next.prefix) }))
      .sort((x, y) => x.size - y.size)
      .map((x) => x.c);
    let out: Matches | null = null;
    for (const c of ordered) {
      const part = this.node(c as Query, next, terms, out ?? restrict);
      out = out ? intersect(out, part) : part;
      if (out.n === 0) break;
    }
    return out ?? emptyMatches();
  }

  private grow(): void {
    const n = this.ordinal.n;
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

  /** Decodes a term's postings in one field (dead included) into the fetch buffers; returns the count. */
  private fetch(term: string, field: number): number {
    return this.fetchPostings(this.baseTerm(term), this.delta.get(term)?.fields[field as 0], field);
  }

  /** {@link Engine.fetch} by base term index (-1: none) and delta list: base postings, then delta's. */
  private fetchPostings(ti: number, list: readonly number[] | undefined, field: number): number {
    let n = 0;
    const bytes = this.base.bytes;
    let { p, count } = ti >= 0 ? this.baseField(ti, field) : { p: 0, count: 0 };
    const need = count + (list ? list.length / 2 : 0);
    if (this.bufIds.length < need) {
      this.bufIds = new Int32Array(need * 2);
      this.bufTfs = new Uint32Array(need * 2);
    }
    const ids = this.bufIds;
    const tfs = this.bufTfs;
    let id = 0;
    for (let i = 0; i < count; i++) {
      // Inline varint decoding: this loop is the hot path of every query.
      let b = bytes[p++] ?? 0;
      let v = b & 0x7f;
      let mul = 128;
      while (b >= 0x80) {
        b = bytes[p++] ?? 0;
        v += (b & 0x7f) * mul;
        mul *= 128;
      }
      id += v >>> 1;
      let tf = 1;
      if (v & 1) {
        b = bytes[p++] ?? 0;
        let t = b & 0x7f;
        mul = 128;
        while (b >= 0x80) {
          b = bytes[p++] ?? 0;
          t += (b & 0x7f) * mul;
          mul *= 128;
        }
        tf = t + 2;
      }
      ids[n] = id;
      tfs[n++] = tf;
    }
    if (list)
      for (let i = 0; i < list.length; i += 2) {
        ids[n] = list[i] ?? 0;
        tfs[n++] = list[i + 1] ?? 1;
      }
    return n;
  }

  /** Per-doc BM25 length norms K1·(1 − B + B·len/avg) for each field, recomputed after writes. */
  private norms(): Float64Array[] {
    if (
      this.normCache &&
      this.normCache.docs === this.ordinal.n &&
      this.normCache.stats === this.statsVersion
    )
      return this.normCache.arrays;
    const arrays = [F_TEXT, F_SPEAKER, F_SECTION, F_TITLE].map((f) => {
      const lens = f === F_TITLE ? this.titleLen.a : (this.lens[f] as Column<Uint32Array>).a;
      const n = f === F_TITLE ? this.keys.length : this.ordinal.n;
      const avg = (this.lenSum[f] ?? 0) / Math.max(1, f === F_TITLE ? this.liveSlots : this.liveDocs) || 1;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = K1 * (1 - B + (B * (lens[i] ?? 0)) / avg);
      return out;
    });
    this.normCache = { docs: this.ordinal.n, stats: this.statsVersion, arrays };
    return arrays;
  }

  private leaf(term: string, ctx: Ctx, terms: Set<string>, restrict: Matches | null): Matches {
    this.grow();
    if (restrict) this.useMask(restrict);
    const masked = restrict !== null;
    const mask = this.mask;
    const maskEpoch = this.maskEpoch;
    const epoch = ++this.epoch;
    const { acc, accFields, stamp, touched } = this;
    let nt = 0;
    const expansions: Array<[string, number]> = [[term, 1]];
    if (ctx.prefix)
      for (const t of this.expandPrefix(term)) {
        expansions.push([t, (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (t.length - term.length))]);
      }
    if (ctx.fuzzy > 0)
      for (const [t, d] of this.expandFuzzy(term, ctx.fuzzy)) {
        expansions.push([t, (FUZZY_WEIGHT * term.length) / (term.length + d)]);
      }
    const nDocs = Math.max(1, this.liveDocs);
    const nSlots = Math.max(1, this.liveSlots);
    const norms = this.norms();
    const textNorm = norms[F_TEXT] as Float64Array;
    const questionOf = this.questionOf.a;
    const span = this.span.a;
    const deadDoc = this.deadDoc.a;
    const deadSlot = this.deadSlot.a;
    const slotStart = this.slotStart.a;
    const docCount = this.ordinal.n;
    // The accumulation below is written out three times (title, own field, question) on purpose:
    // this is the inner loop of every query, and the first, callback-per-posting version of it
    // measured several times slower.
    for (const [t, w] of expansions) {
      let matched = false;
      // Looked up once per term, not once per field.
      const ti = this.baseTerm(t);
      const delta = this.delta.get(t);
      for (let f = 0; f < STORED_FIELDS; f++) {
        const n = this.fetchPostings(ti, delta?.fields[f as 0], f);
        if (n === 0) continue;
        matched = true;
        const ids = this.bufIds;
        const tfs = this.bufTfs;
        const norm = norms[f] as Float64Array;
        // Postings of removed quotes stay until the next fold: never count more than are live.
        const live = f === F_TITLE ? nSlots : nDocs;
        const df = Math.min(n, live);
        const idf = Math.log(1 + (live - df + 0.5) / (df + 0.5));
        const weight = (BOOST[f] ?? 1) * w * ctx.weight * idf;
        const qWeight = FIELD_BOOSTS.question * w * ctx.weight * idf;
        const bit = 1 << f;
        for (let i = 0; i < n; i++) {
          const id = ids[i] ?? 0;
          const tf = tfs[i] ?? 1;
          if (f === F_TITLE) {
            if (deadSlot[id] !== 0) continue;
            const s = weight * (D + (tf * (K1 + 1)) / (tf + (norm[id] ?? 1)));
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
            const s = weight * (D + (tf * (K1 + 1)) / (tf + (norm[id] ?? 1)));
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
            const s = qWeight * (D + (tf * (K1 + 1)) / (tf + (textNorm[id] ?? 1)));
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
      if (matched && !ctx.gram) terms.add(t);
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

  /** How many of `docs` carry each tag, indexed by tag id. */
  countTags(docs: ArrayLike<number>): Uint32Array {
    const counts = new Uint32Array(this.tagNames.length);
    const start = this.tagStart;
    const ids = this.tagIds;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] ?? 0;
      const o = this.tagOverride.get(d);
      if (o) {
        for (const t of o) counts[t] = (counts[t] ?? 0) + 1;
        continue;
      }
      if (d >= start.length - 1) continue;
      for (let k = start[d] ?? 0; k < (start[d + 1] ?? 0); k++) {
        const t = ids[k] ?? 0;
        counts[t] = (counts[t] ?? 0) + 1;
      }
    }
    return counts;
  }

  /** Number of interview slots ever numbered (live or dead). */
  get slotCount(): number {
    return this.keys.length;
  }

  /** Interview slot of a doc (numbers change when the engine folds). */
  slotOf(doc: number): number {
    return this.slotOfDoc.at(doc);
  }

  /** Interview key of a slot. */
  slotKey(slot: number): string {
    return this.keys[slot] ?? '';
  }

  /** Up to `limit` completions of `prefix` among indexed words, most frequent first. */
  complete(prefix: string, limit: number): Array<Completion & { quotes: number }> {
    const found = new Map<string, number>();
    const terms = this.base.terms;
    for (let i = lowerBound(terms, prefix); i < terms.length && found.size < PREFIX_SCAN; i++) {
      const t = terms[i] as string;
      if (!t.startsWith(prefix)) break;
      if ((this.base.flags[i] ?? 0) & 1) found.set(t, 0);
    }
    for (const [t, p] of this.delta.atPrefix(prefix)) if (p.suggest) found.set(t, 0);
    const out: Array<Completion & { quotes: number }> = [];
    for (const t of found.keys()) {
      let quotes = 0;
      const n = this.fetch(t, F_TEXT);
      for (let i = 0; i < n; i++) if (this.deadDoc.a[this.bufIds[i] ?? 0] === 0) quotes++;
      if (quotes === 0) continue;
      const surface = this.surfaces.get(t);
      out.push(surface ? { term: t, surface, quotes } : { term: t, quotes });
    }
    return out.sort((a, b) => b.quotes - a.quotes || (a.term < b.term ? -1 : 1)).slice(0, limit);
  }

  // ------------------------------------------------------------------ folding and packing

  /**
   * Folds the delta and the tombstones into a new packed base: live docs renumbered in order,
   * postings merged term by term. Afterwards the delta is empty.
   */
  fold(): void {
    const clean =
      this.pendingDocs === 0 && this.liveDocs === this.base.docs && this.liveSlots === this.base.slots;
    if (clean && this.tagOverride.size === 0) return;
    const docCount = this.ordinal.n;
    const newDoc = new Int32Array(docCount).fill(-1);
    const newSlot = new Int32Array(this.keys.length).fill(-1);
    let nd = 0;
    let ns = 0;
    for (let s = 0; s < this.keys.length; s++) {
      if (this.deadSlot.at(s)) continue;
      newSlot[s] = ns++;
      for (let d = this.slotStart.at(s); d < this.slotStart.at(s + 1); d++) newDoc[d] = nd++;
    }
    // Terms of both segments, sorted.
    const deltaTerms = [...this.delta.keys()].sort();
    const baseTerms = this.base.terms;
    const terms: string[] = [];
    const flags: number[] = [];
    const offsets: number[] = [];
    const out = new Bytes();
    const field = new Bytes();
    let i = 0;
    let j = 0;
    const ids: number[] = [];
    const tfs: number[] = [];
    while (i < baseTerms.length || j < deltaTerms.length) {
      const bt = baseTerms[i];
      const dt = deltaTerms[j];
      let term: string;
      let bi = -1;
      let dp: DeltaPostings | undefined;
      if (dt === undefined || (bt !== undefined && bt < dt)) {
        term = bt as string;
        bi = i++;
      } else if (bt === undefined || dt < bt) {
        term = dt;
        dp = this.delta.get(dt);
        j++;
      } else {
        term = bt;
        bi = i++;
        dp = this.delta.get(dt);
        j++;
      }
      let mask = 0;
      const heads: Array<[number, number]> = [];
      field.n = 0;
      for (let f = 0; f < STORED_FIELDS; f++) {
        const map = f === F_TITLE ? newSlot : newDoc;
        ids.length = 0;
        tfs.length = 0;
        const n = this.fetchPostings(bi, dp?.fields[f as 0], f);
        for (let k = 0; k < n; k++) {
          const m = map[this.bufIds[k] ?? 0] ?? -1;
          if (m >= 0) {
            ids.push(m);
            tfs.push(this.bufTfs[k] ?? 1);
          }
        }
        if (ids.length === 0) continue;
        mask |= 1 << f;
        const start = field.n;
        let prev = 0;
        for (let k = 0; k < ids.length; k++) {
          const id = ids[k] ?? 0;
          const tf = tfs[k] ?? 1;
          field.varint((id - prev) * 2 + (tf > 1 ? 1 : 0));
          if (tf > 1) field.varint(tf - 2);
          prev = id;
        }
        heads.push([ids.length, field.n - start]);
      }
      if (mask === 0 || term.includes('\n')) continue;
      terms.push(term);
      flags.push((bi >= 0 ? (this.base.flags[bi] ?? 0) & 1 : 0) | (dp?.suggest ? 1 : 0));
      offsets.push(out.n);
      out.varint(mask);
      for (const [c, len] of heads) {
        out.varint(c);
        out.varint(len);
      }
      out.bytes(field.view());
    }
    offsets.push(out.n);
    // Doc table, compacted.
    const keep = <A extends Typed>(col: Column<A>, map: Int32Array, make: (n: number) => A, size: number) => {
      const a = make(size);
      for (let k = 0; k < map.length; k++) {
        const m = map[k] ?? -1;
        if (m >= 0) a[m] = col.at(k);
      }
      return Column.of(make, a);
    };
    const u32 = (n: number) => new Uint32Array(n);
    const tagStart = new Uint32Array(nd + 1);
    const tagList: number[] = [];
    for (let d = 0; d < docCount; d++) {
      const m = newDoc[d] ?? -1;
      if (m < 0) continue;
      tagList.push(...this.tagIdsOf(d));
      tagStart[m + 1] = tagList.length;
    }
    const questionOf = new Int32Array(nd);
    for (let d = 0; d < docCount; d++) {
      const m = newDoc[d] ?? -1;
      if (m >= 0) questionOf[m] = this.questionOf.at(d) >= 0 ? (newDoc[this.questionOf.at(d)] ?? -1) : -1;
    }
    const slotOfDoc = new Uint32Array(nd);
    for (let d = 0; d < docCount; d++) {
      const m = newDoc[d] ?? -1;
      if (m >= 0) slotOfDoc[m] = newSlot[this.slotOfDoc.at(d)] ?? 0;
    }
    const slotStart = new Uint32Array(ns + 1);
    const keys: string[] = [];
    for (let s = 0; s < this.keys.length; s++) {
      const m = newSlot[s] ?? -1;
      if (m >= 0) keys[m] = this.keys[s] as string;
    }
    for (let d = 0; d < nd; d++)
      slotStart[(slotOfDoc[d] ?? 0) + 1] = (slotStart[(slotOfDoc[d] ?? 0) + 1] ?? 0) + 1;
    for (let s = 1; s <= ns; s++) slotStart[s] = (slotStart[s] ?? 0) + (slotStart[s - 1] ?? 0);
    this.ordinal = keep(this.ordinal, newDoc, u32, nd);
    this.role = keep(this.role, newDoc, (n) => new Uint8Array(n), nd);
    this.span = keep(this.span, newDoc, u32, nd);
    this.lens = [
      keep(this.lens[0], newDoc, u32, nd),
      keep(this.lens[1], newDoc, u32, nd),
      keep(this.lens[2], newDoc, u32, nd),
    ];
    this.titleLen = keep(this.titleLen, newSlot, u32, ns);
    this.slotOfDoc = Column.of(u32, slotOfDoc);
    this.questionOf = Column.of((n) => new Int32Array(n), questionOf);
    this.deadDoc = Column.of((n) => new Uint8Array(n), new Uint8Array(nd));
    this.deadSlot = Column.of((n) => new Uint8Array(n), new Uint8Array(ns));
    this.slotStart = Column.of(u32, slotStart);
    this.tagStart = tagStart;
    this.tagIds = Uint32Array.from(tagList);
    this.tagOverride = new Map();
    this.keys = keys;
    this.slotByKey = new Map(keys.map((k, s) => [k, s]));
    this.base = {
      terms,
      flags: Uint8Array.from(flags),
      offsets: Uint32Array.from(offsets),
      bytes: out.view().slice(),
      docs: nd,
      slots: ns,
    };
    this.delta = new SearchableMap();
    const live = new Set(terms);
    for (const t of this.surfaces.keys()) if (!live.has(t)) this.surfaces.delete(t);
    this.acc = new Float64Array(0);
    this.statsVersion++;
  }

  /** Folds, then writes the engine as bytes: a JSON header (with `extra`) and aligned arrays. */
  pack(extra: Record<string, unknown>): Uint8Array {
    this.fold();
    const arrays: Array<[string, Typed]> = [
      ['terms', new TextEncoder().encode(this.base.terms.join('\n'))],
      ['flags', this.base.flags],
      ['offsets', this.base.offsets],
      ['postings', this.base.bytes],
      ['slotOfDoc', this.slotOfDoc.view()],
      ['ordinal', this.ordinal.view()],
      ['role', this.role.view()],
      ['questionOf', this.questionOf.view()],
      ['span', this.span.view()],
      ['lenText', this.lens[0].view()],
      ['lenSpeaker', this.lens[1].view()],
      ['lenSection', this.lens[2].view()],
      ['slotStart', this.slotStart.view()],
      ['titleLen', this.titleLen.view()],
      ['tagStart', this.tagStart],
      ['tagIds', this.tagIds],
    ];
    const sections: Array<[string, number, number]> = [];
    let at = 0;
    for (const [name, a] of arrays) {
      sections.push([name, at, a.byteLength]);
      at += Math.ceil(a.byteLength / 8) * 8;
    }
    const header: EngineHeader & Record<string, unknown> = {
      ...extra,
      layout: PACKED_LAYOUT,
      docs: this.base.docs,
      slots: this.base.slots,
      keys: this.keys,
      tags: this.tagNames,
      surfaces: [...this.surfaces],
      sections,
    };
    const head = new TextEncoder().encode(JSON.stringify(header));
    const headLen = Math.ceil((8 + head.length) / 8) * 8;
    const bytes = new Uint8Array(headLen + at);
    new DataView(bytes.buffer).setUint32(0, 0x4b4b4731); // "KKG1"
    new DataView(bytes.buffer).setUint32(4, head.length);
    bytes.set(head, 8);
    for (const [name, a] of arrays) {
      const s = sections.find((x) => x[0] === name) as [string, number, number];
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), headLen + s[1]);
    }
    return bytes;
  }

  /** Reads the header of packed bytes (throws when they are not a packed engine). */
  static header(bytes: Uint8Array): EngineHeader & Record<string, unknown> {
    if (bytes.length < 8) throw new Error('not a kikigaki index');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0) !== 0x4b4b4731) throw new Error('not a kikigaki index');
    const len = view.getUint32(4);
    return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as EngineHeader &
      Record<string, unknown>;
  }

  /** Loads packed bytes: views over one buffer, no per-term work beyond splitting the dictionary. */
  static unpack(input: Uint8Array): Engine {
    // Typed-array views need aligned offsets; copy once when the buffer is not 8-aligned.
    const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
    const header = Engine.header(bytes);
    if (header.layout !== PACKED_LAYOUT) throw new SnapshotVersionError(`layout ${String(header.layout)}`, 2);
    const headLen = Math.ceil((8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4)) / 8) * 8;
    const get = <A extends Typed>(
      name: string,
      make: (b: ArrayBuffer, o: number, n: number) => A,
      size: number,
    ): A => {
      const s = header.sections.find((x) => x[0] === name);
      if (!s) throw new SnapshotVersionError(`layout without ${name}`, 2);
      return make(bytes.buffer as ArrayBuffer, bytes.byteOffset + headLen + s[1], s[2] / size);
    };
    const u8 = (b: ArrayBuffer, o: number, n: number) => new Uint8Array(b, o, n);
    const u32 = (b: ArrayBuffer, o: number, n: number) => new Uint32Array(b, o, n);
    const i32 = (b: ArrayBuffer, o: number, n: number) => new Int32Array(b, o, n);
    const e = new Engine();
    const termBytes = get('terms', u8, 1);
    const terms = termBytes.length === 0 ? [] : new TextDecoder().decode(termBytes).split('\n');
    e.base = {
      terms,
      flags: get('flags', u8, 1),
      offsets: get('offsets', u32, 4),
      bytes: get('postings', u8, 1),
      docs: header.docs,
      slots: header.slots,
    };
    const U32 = (n: number) => new Uint32Array(n);
    e.slotOfDoc = Column.of(U32, get('slotOfDoc', u32, 4));
    e.ordinal = Column.of(U32, get('ordinal', u32, 4));
    e.role = Column.of((n) => new Uint8Array(n), get('role', u8, 1));
    e.questionOf = Column.of((n) => new Int32Array(n), get('questionOf', i32, 4));
    e.span = Column.of(U32, get('span', u32, 4));
    e.lens = [
      Column.of(U32, get('lenText', u32, 4)),
      Column.of(U32, get('lenSpeaker', u32, 4)),
      Column.of(U32, get('lenSection', u32, 4)),
    ];
    e.slotStart = Column.of(U32, get('slotStart', u32, 4));
    e.titleLen = Column.of(U32, get('titleLen', u32, 4));
    e.tagStart = get('tagStart', u32, 4);
    e.tagIds = get('tagIds', u32, 4);
    e.deadDoc = Column.of((n) => new Uint8Array(n), new Uint8Array(header.docs));
    e.deadSlot = Column.of((n) => new Uint8Array(n), new Uint8Array(header.slots));
    e.keys = header.keys;
    e.slotByKey = new Map(header.keys.map((k, s) => [k, s]));
    e.tagNames = header.tags;
    e.tagIndex = new Map(header.tags.map((t, i) => [t, i]));
    e.surfaces = new Map(header.surfaces);
    e.liveDocs = header.docs;
    e.liveSlots = header.slots;
    e.lenSum = [sum(e.lens[0].a), sum(e.lens[1].a), sum(e.lens[2].a), sum(e.titleLen.a)];
    return e;
  }
}

function sum(a: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] ?? 0;
  return s;
}

function emptyMatches(): Matches {
  return { n: 0, docs: new Int32Array(0), scores: new Float64Array(0), fields: new Uint8Array(0) };
}

function intersect(a: Matches, b: Matches): Matches {
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
