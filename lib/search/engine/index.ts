/**
 * The inverted index under {@link QuoteIndex}, in segments (the layout of Lucene, scaled down):
 * packed **segments**, oldest first, that snapshot parts load as views over their buffers, and
 * a **delta** of writes since (MiniSearch's radix tree, for prefix and typo lookups; removed
 * interviews as tombstones). Sealing turns the delta into a new small segment (a publish costs
 * the batch); merging rewrites a run of segments as one, dropping what died (see segment.ts);
 * a full merge is a fold into one base. Quote texts are not kept here (the store has them); the
 * engine knows terms, counts, roles, speakers, tags and how quotes relate. Pure: no I/O.
 *
 * Glossary
 * - **doc**: the engine's number for a quote, dense from 0 in interview order: each segment's
 *   docs, then the delta's. Merging renumbers the docs of the merged run and after it (so a
 *   doc number is only valid until the next merge, never outside the engine).
 * - **slot**: the engine's number for an interview; slot s owns docs [start[s], start[s + 1]).
 *   Titles have postings per slot, not per doc. Renumbered by merging like docs.
 * - **segment**: a packed part numbering its docs and slots from 0; placed at a doc and slot
 *   base. A newer segment hides an interview of an older one by its key (a tombstone).
 * - **key**: an interview's id (a string), stable: what callers name interviews by.
 * - **ordinal**: a quote's position number in its interview (the NNN of `<interview>-tNNN`),
 *   stable: (key, ordinal) names a quote outside the engine.
 * - **kept list**: what was derived from parts that change only on a write, held between
 *   queries within a byte budget — decoded postings (decoded.ts) and a term's whole scored list
 *   (term-lists.ts: served whole to open and first required words, filtered by the candidates to
 *   restricted requests). Exact: valid until the next write; `dropKept` empties them.
 *
 * Postings byte layout (per segment; all integers are LEB128 varints)
 *   dictionary  terms sorted, '\n'-joined; offsets[i]..offsets[i+1] are term i's bytes
 *   term        [field mask] then, per field present in the mask, in field order
 *               (0 text, 1 speaker, 2 section, 3 title): [count][byte length],
 *               then the fields' entries, in the same order
 *   entry       [(id − previous id) × 2 + (tf > 1)] and, when that bit is set, [tf − 2];
 *               ids are the segment's docs (slots for the title), ascending, starting from 0
 * The header gives a term's document frequency in any field without decoding its entries.
 * Document frequencies count the postings of dead docs until a merge drops them (as Lucene's).
 *
 * Katakana words also get a term-level bigram index per segment (terms with FLAG_KANA; the
 * delta's are scanned), so a partial word finds the words containing it without per-quote
 * bigram postings.
 *
 * Parts: tables.ts (doc, slot and tag tables), postings.ts (segments + delta, one decoder, the
 * katakana word index), tree.ts (query tree), scoring.ts (BM25F), evaluate.ts (evaluation,
 * ranked matching and top-k pruning), segment.ts (sealing, merging, the merge policy),
 * snapshot.ts (the part format).
 */

import { TERM_PRESENT, TERM_WORD } from '../kana-split.ts';
import { type EvaluateOptions, Evaluator, type MatchedTerm, type Matches } from './evaluate.ts';
import { F_SECTION, F_SPEAKER, F_TEXT, F_TITLE, FLAG_SUGGEST, Postings, termAt } from './postings.ts';
import {
  MERGE_POLICY,
  type MergePolicy,
  planMerge,
  type Segment,
  type SegmentSize,
  writeSegment,
} from './segment.ts';
import { readHeader, readSnapshot, type SnapshotHeader, warmSnapshot, writeSnapshot } from './snapshot.ts';
import { DocTable, Names, SlotTable, TagTable } from './tables.ts';
import type { QueryNode } from './tree.ts';

export type { EvaluateOptions, MatchedTerm, Matches } from './evaluate.ts';
export { FLAG_KANA, FLAG_SUGGEST, PREFIX_EXPANSIONS } from './postings.ts';
export { FIELD_BITS, FIELD_BOOSTS } from './scoring.ts';
export { MERGE_POLICY, type MergePolicy, planMerge, type Segment, type SegmentSize } from './segment.ts';
export {
  compressSnapshot as compressSegment,
  type OpenedSnapshot,
  openSnapshot as openSegment,
  PACKED_LAYOUT,
  readSnapshot as readSegment,
} from './snapshot.ts';
export { INNER_MARK, type QueryNode } from './tree.ts';

/** Counted terms of one field of one quote. */
export interface FieldTerms {
  terms: ReadonlyMap<string, number>;
  /** Number of tokens (BM25 field length). */
  length: number;
  /**
   * Flags of terms of the quote text (FLAG_SUGGEST: a word as written, offered as a completion;
   * FLAG_KANA: a katakana word, found by the words it contains). Without it every text term is
   * completable.
   */
  flags?: ReadonlyMap<string, number>;
}

/** What the engine indexes for one quote. */
export interface EngineDoc {
  ordinal: number;
  /** 0 interviewee, 1 interviewer, 2 other. */
  role: number;
  /** Index (within the same interview's docs) of the question this quote answers, or -1. */
  question: number;
  /** Person id of the speaker, when known. */
  speakerId?: string | null;
  tags: readonly string[];
  text: FieldTerms;
  speaker: FieldTerms;
  section: FieldTerms;
}

/**
 * An interview's terms counted by number ({@link Engine.addCounted}; QuoteIndex counts them so):
 * its distinct terms, and for every field the (term number, tf, flags) of each of its terms in
 * three parallel columns, a field being a run of them ({@link CountedField}) in the order its
 * terms were first counted. The same postings as {@link FieldTerms} maps of the same fields, with
 * one look-up per distinct term of the interview instead of one per term of each field.
 */
export interface CountedTerms {
  terms: readonly string[];
  ids: readonly number[];
  tfs: readonly number[];
  flags: readonly number[];
}

/** One field of a {@link CountedTerms}: its run [start, end) of the columns, and its length. */
export interface CountedField {
  start: number;
  end: number;
  /** Number of tokens (BM25 field length). */
  length: number;
  /** False: no flags were counted (every text term completable, as {@link FieldTerms} without flags). */
  flagged: boolean;
}

/** {@link EngineDoc} with its fields as runs of a {@link CountedTerms}. */
export interface CountedDoc extends Omit<EngineDoc, 'text' | 'speaker' | 'section'> {
  text: CountedField;
  speaker: CountedField;
  section: CountedField;
}

/** A completable term, with the text as written when it differs, and its live quotes. */
export interface Completion {
  term: string;
  surface?: string;
  quotes: number;
}

/** The engine: tables, postings, evaluation. See the module comment. */
export class Engine {
  private docs = new DocTable();
  private slots = new SlotTable();
  private tags = new TagTable();
  private persons = new Names();
  private postings = new Postings();
  /** The placed segments' tables (kept to place them again after a merge), oldest first. */
  private segments: Segment[] = [];
  private liveDocs = 0;
  private liveSlots = 0;
  private lenSum = [0, 0, 0, 0];
  private statsVersion = 0;
  private evaluator = new Evaluator(this.corpus());
  /** Since the last seal: keys removed from segments, segment docs re-tagged, surfaces added. */
  private pendingRemoves = new Set<string>();
  private pendingEdits = new Set<number>();
  private pendingSurfaces: string[] = [];
  /** Dead docs in the delta (the segments count theirs). */
  private deltaDead = 0;

  private corpus() {
    // Read through getters: folding and loading replace the parts.
    const self = this;
    return {
      get docs() {
        return self.docs;
      },
      get slots() {
        return self.slots;
      },
      get postings() {
        return self.postings;
      },
      get liveDocs() {
        return self.liveDocs;
      },
      get liveSlots() {
        return self.liveSlots;
      },
      get lenSum() {
        return self.lenSum;
      },
      get statsVersion() {
        return self.statsVersion;
      },
      get deltaDead() {
        return self.deltaDead > 0;
      },
    };
  }

  private source() {
    return {
      docs: this.docs,
      slots: this.slots,
      tags: this.tags,
      persons: this.persons,
      postings: this.postings,
    };
  }

  /** Number of live quotes and interviews. */
  get size(): { docs: number; slots: number } {
    return { docs: this.liveDocs, slots: this.liveSlots };
  }

  /** Number of docs ever numbered (live or dead); doc numbers are below this. */
  get docCount(): number {
    return this.docs.count;
  }

  /** Quotes written since the last seal (the delta's size). */
  get pendingDocs(): number {
    return this.docs.count - this.postings.packedDocs;
  }

  /** True when writes since the last seal are not in a segment yet. */
  get pending(): boolean {
    return (
      this.pendingDocs > 0 ||
      this.slots.count > this.postings.packedSlots ||
      this.pendingRemoves.size > 0 ||
      this.pendingEdits.size > 0
    );
  }

  /** Docs (dead included) and live docs of each segment, oldest first. */
  segmentSizes(): SegmentSize[] {
    return this.postings.segs.map((seg) => ({ docs: seg.packed.docs, live: seg.packed.docs - seg.dead }));
  }

  /** Number of slots ever numbered (live or dead). */
  get slotCount(): number {
    return this.slots.count;
  }

  /**
   * Adds an interview's quotes under `key`; the key must not be present. The fields' maps are put
   * into the columns {@link addCounted} takes, in the same order: one way postings are added.
   */
  add(
    key: string,
    title: FieldTerms,
    docs: readonly EngineDoc[],
    surfaces: ReadonlyMap<string, string>,
  ): void {
    const terms: string[] = [];
    const numbers = new Map<string, number>();
    const ids: number[] = [];
    const tfs: number[] = [];
    const flags: number[] = [];
    const run = (f: FieldTerms): CountedField => {
      const start = ids.length;
      for (const [term, tf] of f.terms) {
        let id = numbers.get(term);
        if (id === undefined) {
          id = terms.length;
          terms.push(term);
          numbers.set(term, id);
        }
        ids.push(id);
        tfs.push(tf);
        flags.push(f.flags?.get(term) ?? 0);
      }
      return { start, end: ids.length, length: f.length, flagged: f.flags !== undefined };
    };
    const counted = run(title);
    const countedDocs = docs.map(
      ({ text, speaker, section, ...d }): CountedDoc => ({
        ...d,
        text: run(text),
        speaker: run(speaker),
        section: run(section),
      }),
    );
    this.addCounted(key, { terms, ids, tfs, flags }, counted, countedDocs, surfaces);
  }

  /**
   * {@link add} with the terms counted by number ({@link CountedTerms}): the same postings, added
   * in the same order (so the delta numbers and keeps its terms as {@link add} would), each
   * distinct term of the interview looked up in the delta once.
   */
  addCounted(
    key: string,
    counted: CountedTerms,
    title: CountedField,
    docs: readonly CountedDoc[],
    surfaces: ReadonlyMap<string, string>,
  ): void {
    if (this.slots.slotOf(key) !== undefined) throw new Error(`engine: ${key} is already indexed`);
    const slot = this.slots.add(key, title.length);
    const first = this.docs.count;
    this.liveSlots++;
    this.lenSum[F_TITLE] = (this.lenSum[F_TITLE] ?? 0) + title.length;
    const { terms, ids, tfs, flags } = counted;
    const postings = this.postings;
    // The delta's number of each of the interview's terms, looked up when first posted (-1: not yet).
    const delta = new Int32Array(terms.length).fill(-1);
    const post = (k: number, field: number, id: number, fl: number) => {
      const local = ids[k] as number;
      const term = terms[local] as string;
      let t = delta[local] as number;
      if (t < 0) {
        t = postings.deltaTerm(term);
        delta[local] = t;
      }
      postings.addTo(t, term, field, id, tfs[k] as number, fl);
    };
    for (let k = title.start; k < title.end; k++) post(k, F_TITLE, slot, 0);
    const t = this.docs;
    docs.forEach((d, i) => {
      const doc = first + i;
      t.slotOf.push(slot);
      t.ordinal.push(d.ordinal);
      t.role.push(d.role);
      t.questionOf.push(d.question >= 0 && d.question < docs.length ? first + d.question : -1);
      t.span.push(0);
      t.dead.push(0);
      t.speaker.push(d.speakerId ? this.persons.intern(d.speakerId) + 1 : 0);
      const fields = [d.text, d.speaker, d.section] as const;
      fields.forEach((f, fi) => {
        (t.lens[fi] as (typeof t.lens)[0]).push(f.length);
        this.lenSum[fi] = (this.lenSum[fi] ?? 0) + f.length;
        for (let k = f.start; k < f.end; k++)
          post(k, fi, doc, fi !== F_TEXT ? 0 : f.flagged ? (flags[k] as number) : FLAG_SUGGEST);
      });
      this.tags.set(doc, d.tags);
      this.liveDocs++;
    });
    docs.forEach((d, i) => {
      if (d.question >= 0 && d.question < i) t.span.a[first + d.question] = i - d.question;
    });
    this.slots.close(this.docs.count);
    this.statsVersion++;
    for (const [term, surface] of surfaces)
      if (!this.postings.surfaces.has(term)) {
        this.postings.surfaces.set(term, surface);
        this.pendingSurfaces.push(term);
      }
  }

  /** Removes an interview's quotes; returns false when the key is unknown. */
  remove(key: string): boolean {
    const slot = this.slots.kill(key);
    if (slot === undefined) return false;
    // A tombstone the next sealed segment carries to the older one holding the interview.
    if (slot < this.postings.packedSlots) this.pendingRemoves.add(key);
    this.dropSlot(slot);
    return true;
  }

  /** Takes a killed slot's docs out of the live statistics. */
  private dropSlot(slot: number): void {
    const docs = this.slots.start.at(slot + 1) - this.slots.start.at(slot);
    const seg = this.postings.segs[this.postings.segmentOfSlot(slot)];
    if (seg) seg.dead += docs;
    else this.deltaDead += docs;
    this.liveSlots--;
    this.lenSum[F_TITLE] = (this.lenSum[F_TITLE] ?? 0) - this.slots.titleLen.at(slot);
    for (let d = this.slots.start.at(slot); d < this.slots.start.at(slot + 1); d++) {
      this.docs.dead.a[d] = 1;
      this.liveDocs--;
      for (let f = 0; f < 3; f++) this.lenSum[f] = (this.lenSum[f] ?? 0) - (this.docs.lens[f]?.at(d) ?? 0);
      this.tags.drop(d);
    }
    this.statsVersion++;
  }

  /** The doc of a quote, by interview key and ordinal; -1 when not indexed. */
  docOf(key: string, ordinal: number): number {
    const slot = this.slots.slotOf(key);
    if (slot === undefined) return -1;
    for (let d = this.slots.start.at(slot); d < this.slots.start.at(slot + 1); d++) {
      if (this.docs.ordinal.at(d) === ordinal) return d;
    }
    return -1;
  }

  /** Docs of a live interview, in order. */
  docsOf(key: string): number[] {
    const slot = this.slots.slotOf(key);
    if (slot === undefined) return [];
    const out: number[] = [];
    for (let d = this.slots.start.at(slot); d < this.slots.start.at(slot + 1); d++) out.push(d);
    return out;
  }

  /** Interview key of a doc. */
  keyOf(doc: number): string {
    return this.slots.keys[this.docs.slotOf.at(doc)] ?? '';
  }

  /** Ordinal of a doc within its interview. */
  ordinalOf(doc: number): number {
    return this.docs.ordinal.at(doc);
  }

  /** Role code of a doc. */
  roleOf(doc: number): number {
    return this.docs.role.at(doc);
  }

  /** Person id of a doc's speaker, or null. */
  speakerOf(doc: number): string | null {
    const p = this.docs.speaker.at(doc);
    return p > 0 ? this.persons.name(p - 1) : null;
  }

  /** Number of speaker person ids ever interned (speaker codes are at most this). */
  get personCount(): number {
    return this.persons.size;
  }

  /** Speaker code of a doc: the person's number + 1, 0 when unknown (compare with {@link speakerCode}). */
  speakerCodeOf(doc: number): number {
    return this.docs.speaker.at(doc);
  }

  /** The speaker code of a person id (-1 when no indexed quote was said by them). */
  speakerCode(personId: string): number {
    const id = this.persons.idOf(personId);
    return id < 0 ? -1 : id + 1;
  }

  /** True when the doc belongs to a live interview. */
  alive(doc: number): boolean {
    return this.docs.alive(doc);
  }

  /** Live interview keys. */
  liveKeys(): string[] {
    return this.slots.liveKeys();
  }

  /** Tags of a doc. */
  tagsOf(doc: number): string[] {
    return Array.from(this.tags.of(doc), (t) => this.tags.names.name(t));
  }

  /** Tag ids of a doc (see {@link Engine.tagName}); a view, not a copy, for packed docs. */
  tagIdsOf(doc: number): ArrayLike<number> & Iterable<number> & { includes(id: number): boolean } {
    return this.tags.of(doc);
  }

  /** Id of a tag name, or -1 when no quote ever had it. */
  tagIdOf(tag: string): number {
    return this.tags.names.idOf(tag);
  }

  /** Name of a tag id. */
  tagName(id: number): string {
    return this.tags.names.name(id);
  }

  /** Replaces a doc's tags. */
  setTags(doc: number, tags: readonly string[]): void {
    this.tags.set(doc, tags);
    if (doc < this.postings.packedDocs) this.pendingEdits.add(doc);
  }

  /** How many of `docs` carry each tag, indexed by tag id. */
  countTags(docs: ArrayLike<number>): Uint32Array {
    return this.tags.count(docs);
  }

  /** Interview slot of a doc (numbers change when the engine folds). */
  slotOf(doc: number): number {
    return this.docs.slotOf.at(doc);
  }

  /** Interview key of a slot. */
  slotKey(slot: number): string {
    return this.slots.keys[slot] ?? '';
  }

  /** Evaluates a query tree; `terms` collects the index terms it matched (for highlighting). */
  /**
   * The least text length norm per role code (interviewee, interviewer, other) for every
   * evaluation from now on (none by default): see Evaluator.setRoleMinNorms.
   */
  setRoleMinNorms(floors: readonly number[]): void {
    this.evaluator.setRoleMinNorms(floors);
  }

  evaluate(query: QueryNode, terms: Set<string> = new Set(), options: EvaluateOptions = {}): Matches {
    return this.evaluator.evaluate(query, terms, options);
  }

  /** What each doc matched of a query tree, for the hits of a page (see {@link Evaluator.matchedTerms}). */
  matchedTerms(query: QueryNode, docs: readonly number[]): MatchedTerm[][] {
    return this.evaluator.matchedTerms(query, docs);
  }

  /** Docs whose own text matches a query tree (see {@link Evaluator.textMatches}). */
  textMatches(query: QueryNode): Matches {
    return this.evaluator.textMatches(query);
  }

  /**
   * Bytes of what the engine keeps to answer later queries faster, within fixed budgets:
   * decoded postings (decoded.ts) and scored term lists (term-lists.ts).
   */
  keptBytes(): { decoded: number; termLists: number } {
    return { decoded: this.postings.decoded.bytes, termLists: this.evaluator.keptListBytes() };
  }

  /**
   * Drops what {@link keptBytes} counts, so that the next query pays a first query's cost
   * (`bench/query-scale.ts --cold`: the bench repeats its queries, which a kept list favours).
   */
  dropKept(): void {
    this.postings.decoded.clear();
    this.evaluator.dropKeptLists();
  }

  /** The most a query tree can add to one quote's score (for tests and diagnostics). */
  bound(query: QueryNode): number {
    return this.evaluator.bound(query);
  }

  /** The text as written of an index term, when it differs from the term. */
  surfaceOf(term: string): string | undefined {
    return this.postings.surfaces.get(term);
  }

  /**
   * Every index term that starts with `prefix`, whatever its flags (marked terms such as the
   * written forms of a dictionary-form reading, which the highlighter looks up).
   */
  termsWithPrefix(prefix: string): string[] {
    return this.postings.withPrefix(prefix, 0);
  }

  /**
   * What the quote texts hold of a term, for splitting a run of kana into the index's words
   * (lib/search/kana-split.ts): TERM_PRESENT when some quote's text has it (dead ones too),
   * TERM_WORD too when it is a word as written or a reading (FLAG_SUGGEST), not a glued run of
   * grammar kana. Two dictionary lookups, no postings decoded.
   */
  termKnown(term: string): number {
    if (this.postings.df(term, F_TEXT) === 0) return 0;
    return this.postings.flags(term) & FLAG_SUGGEST ? TERM_PRESENT | TERM_WORD : TERM_PRESENT;
  }

  /** How many quotes' texts have `term` (dead ones too, as {@link termKnown} counts). */
  textDf(term: string): number {
    return this.postings.df(term, F_TEXT);
  }

  /**
   * Whether any field of a live quote (its text, speaker, section or its interview's title) has
   * `term`. Not dead quotes: a word only removed interviews said is a word no quote says, as an
   * index built again without them tells (the search page's `missing`). A list longer than the
   * dead docs (slots, for titles) has a live one, so postings are read only for rarer terms.
   */
  termAnywhere(term: string): boolean {
    const p = this.postings;
    const deadDocs = this.docs.count - this.liveDocs;
    const deadSlots = this.slots.count - this.liveSlots;
    for (const f of [F_TEXT, F_SPEAKER, F_SECTION, F_TITLE]) {
      const df = p.df(term, f);
      if (df === 0) continue;
      const title = f === F_TITLE;
      if (df > (title ? deadSlots : deadDocs)) return true;
      const n = p.fetch(term, f);
      for (let i = 0; i < n; i++) {
        const id = p.ids[i] ?? -1;
        if (title ? id >= 0 && id < this.slots.count && this.slots.dead.at(id) === 0 : this.docs.alive(id))
          return true;
      }
    }
    return false;
  }

  /** Up to `limit` completions of `prefix` among indexed words, most frequent first. */
  complete(prefix: string, limit: number): Completion[] {
    const out: Completion[] = [];
    for (const t of this.postings.withPrefix(prefix, FLAG_SUGGEST)) {
      let quotes = 0;
      const n = this.postings.fetch(t, F_TEXT);
      for (let i = 0; i < n; i++) if (this.docs.alive(this.postings.ids[i] ?? -1)) quotes++;
      if (quotes === 0) continue;
      const surface = this.postings.surfaces.get(t);
      out.push(surface ? { term: t, surface, quotes } : { term: t, quotes });
    }
    return out.sort((a, b) => b.quotes - a.quotes || (a.term < b.term ? -1 : 1)).slice(0, limit);
  }

  /**
   * Seals the writes since the last seal into a new segment (see segment.ts) and returns it
   * as bytes with the header fields `extra` gives for its live keys; null when nothing was
   * written. The engine then holds exactly what a reader placing the segment holds.
   */
  seal(extra: (keys: string[]) => Record<string, unknown>): Uint8Array | null {
    if (!this.pending) return null;
    const seg = this.deltaSegment();
    const bytes = writeSnapshot(seg, extra(this.liveKeysOf(seg)));
    // The delta's postings and tags are now the segment's; docs and slots keep their numbers.
    const postings = this.postings;
    postings.clearDelta();
    postings.place(seg.packed, seg.kana).dead = this.deltaDead;
    this.deltaDead = 0;
    this.tags.append(seg.tags);
    this.segments.push(seg);
    this.pendingRemoves.clear();
    this.pendingEdits.clear();
    this.pendingSurfaces = [];
    return bytes;
  }

  /** The writes since the last seal as a segment, the engine unchanged (see {@link seal}). */
  deltaSegment(): Segment {
    const postings = this.postings;
    const surfaces: Array<[string, string]> = [];
    for (const t of this.pendingSurfaces) {
      const v = postings.surfaces.get(t);
      if (v !== undefined) surfaces.push([t, v]);
    }
    const tagEdits: Array<[string, number, string[]]> = [];
    for (const d of [...this.pendingEdits].sort((a, b) => a - b))
      if (this.docs.alive(d)) tagEdits.push([this.keyOf(d), this.ordinalOf(d), this.tagsOf(d)]);
    const n = postings.segs.length;
    return writeSegment(this.source(), {
      from: n,
      to: n,
      delta: true,
      keepDead: true,
      surfaces,
      removes: [...this.pendingRemoves],
      tagEdits,
    });
  }

  /**
   * Attaches a segment of one interview built elsewhere (a worker thread: {@link Engine.deltaSegment}
   * of an engine that holds only it) under `key`, replacing any earlier version, and returns the
   * parts this wrote, oldest first: the writes pending before it sealed (they number their docs
   * first, so the order of docs is the order of writes, as if it had been added), then the
   * segment itself. The segment must number one live slot and no removals or tag edits; its
   * surfaces may hold every written form of its terms (those this engine has already are dropped:
   * the first part to have a term keeps its form, as {@link Engine.add} does).
   */
  attach(key: string, seg: Segment, extra: (keys: string[]) => Record<string, unknown>): Uint8Array[] {
    if (seg.slots.keys.length !== 1 || seg.slots.keys[0] !== key || seg.deadSlots.length > 0)
      throw new Error(`engine: a segment attached as ${key} must hold that one interview`);
    if (seg.removes.length > 0 || seg.tagEdits.length > 0)
      throw new Error('engine: an attached segment cannot act on older segments');
    const out: Uint8Array[] = [];
    const slot = this.slots.slotOf(key);
    // An earlier version in a segment is removed by the new one (a tombstone in its header, as a
    // seal carries), unless writes are pending anyway: then the seal below carries it.
    let removes: string[] = [];
    if (slot !== undefined && slot < this.postings.packedSlots && !this.pending) removes = [key];
    else if (slot !== undefined) this.remove(key);
    const sealed = this.seal(extra);
    if (sealed) out.push(sealed);
    const own: Segment = {
      ...seg,
      removes,
      surfaces: seg.surfaces.filter(([t]) => !this.postings.surfaces.has(t)),
    };
    this.place(own);
    out.push(writeSnapshot(own, extra([key])));
    return out;
  }

  private liveKeysOf(seg: Segment): string[] {
    const dead = new Set(seg.deadSlots);
    return seg.slots.keys.filter((_, i) => !dead.has(i));
  }

  /**
   * Merges segments [from, to) into one (the delta too when `to` is the number of segments),
   * returning its bytes; the engine is rebuilt over the new list of segments, as a reader
   * would place them. Writes pending before a merge that does not reach the end must be sealed.
   */
  merge(from: number, to: number, extra: (keys: string[]) => Record<string, unknown>): Uint8Array {
    const segs = this.postings.segs;
    const n = segs.length;
    if (from < 0 || to > n || from > to || (from === to && to < n))
      throw new Error(`engine: no segments [${from}, ${to}) to merge`);
    const delta = to === n;
    if (!delta && this.pending) throw new Error('engine: seal pending writes before merging inside');
    // What the run did to older segments still holds: removals, and edits of quotes older than it.
    const removes = new Set<string>();
    const edits = new Map<string, [string, number, string[]]>();
    const runSlots = segs[from]?.slotBase ?? this.postings.packedSlots;
    if (from > 0) {
      const keep = (key: string, ordinal: number) => {
        const slot = this.slots.slotOf(key);
        if (slot === undefined || slot >= runSlots) return;
        const d = this.docOf(key, ordinal);
        if (d >= 0) edits.set(`${key}\n${ordinal}`, [key, ordinal, this.tagsOf(d)]);
      };
      for (const seg of this.segments.slice(from, to)) {
        for (const k of seg.removes) removes.add(k);
        for (const [key, ordinal] of seg.tagEdits) keep(key, ordinal);
      }
      if (delta) {
        for (const k of this.pendingRemoves) removes.add(k);
        for (const d of this.pendingEdits) if (this.docs.alive(d)) keep(this.keyOf(d), this.ordinalOf(d));
      }
    }
    const surfaces: Array<[string, string]> = [];
    const seg = writeSegment(this.source(), {
      from,
      to,
      delta,
      keepDead: false,
      surfaces,
      removes: [...removes],
      tagEdits: [...edits.values()],
    });
    // Written forms of the merged terms, unless an older segment has them already.
    const older = new Set<string>();
    for (const s of this.segments.slice(0, from)) for (const [t] of s.surfaces) older.add(t);
    const carried = new Set<string>();
    for (const t of seg.packed.terms) {
      const v = this.postings.surfaces.get(t);
      if (v !== undefined && !older.has(t)) {
        surfaces.push([t, v]);
        carried.add(t);
      }
    }
    // A written form is kept by the first part that had its term (readers place parts in
    // order, first wins), not by every part. When the run's docs with that term are all dead
    // (a re-ingest or a rebuild replaced them, and the dead share merges the old part alone),
    // the merged part lacks the term while later parts still index it: carry the form over,
    // or 将来 would be suggested and highlighted as ショウライ from then on.
    const later = segs.slice(to);
    if (later.length > 0)
      for (const s of this.segments.slice(from, to))
        for (const [t] of s.surfaces) {
          const v = this.postings.surfaces.get(t);
          if (v === undefined || older.has(t) || carried.has(t)) continue;
          if (!later.some((p) => termAt(p.packed, t) >= 0)) continue;
          surfaces.push([t, v]);
          carried.add(t);
        }
    const bytes = writeSnapshot(seg, extra(seg.slots.keys));
    this.rebuild([...this.segments.slice(0, from), seg, ...this.segments.slice(to)]);
    return bytes;
  }

  /** Merges to one segment (a fold) and returns it as bytes with `extra` header fields. */
  pack(extra: Record<string, unknown> | ((keys: string[]) => Record<string, unknown>)): Uint8Array {
    // Header fields made per interview (metas) must follow the keys in the order the fold
    // writes them, not the order of the slots before it: they differ once parts were merged.
    return this.merge(0, this.postings.segs.length, typeof extra === 'function' ? extra : () => extra);
  }

  /** Replaces every part with the given segments, placed in order (as a reader opens them). */
  private rebuild(segments: readonly Segment[]): void {
    const fresh = Engine.open(segments);
    this.docs = fresh.docs;
    this.slots = fresh.slots;
    this.tags = fresh.tags;
    this.persons = fresh.persons;
    this.postings = fresh.postings;
    this.segments = fresh.segments;
    this.liveDocs = fresh.liveDocs;
    this.liveSlots = fresh.liveSlots;
    this.lenSum = fresh.lenSum;
    this.pendingRemoves = new Set();
    this.pendingEdits = new Set();
    this.pendingSurfaces = [];
    this.deltaDead = fresh.deltaDead;
    this.evaluator.reset();
    this.statsVersion++;
  }

  /**
   * Places a segment after the others, as a reader does: its removals and tag edits act on
   * the older segments, then its docs join (dead slots dead). Nothing may be pending.
   */
  place(seg: Segment): void {
    if (this.pending) throw new Error('engine: a segment cannot be placed over unsealed writes');
    for (const key of seg.removes) {
      const slot = this.slots.kill(key);
      if (slot !== undefined) this.dropSlot(slot);
    }
    for (const [key, ordinal, tags] of seg.tagEdits) {
      const d = this.docOf(key, ordinal);
      if (d >= 0) this.tags.set(d, tags);
    }
    const docBase = this.docs.count;
    const slotBase = this.slots.count;
    let personMap: Int32Array | null = null;
    if (docBase > 0 || this.persons.size > 0)
      personMap = Int32Array.from(seg.persons, (p) => this.persons.intern(p));
    else for (const p of seg.persons) this.persons.intern(p);
    this.docs.append(seg.docs, slotBase, personMap);
    this.slots.append(seg.slots.keys, seg.slots.start, seg.slots.titleLen, docBase);
    this.tags.append(seg.tags);
    const placed = this.postings.place(seg.packed, seg.kana);
    for (const [t, v] of seg.surfaces) if (!this.postings.surfaces.has(t)) this.postings.surfaces.set(t, v);
    const dead = new Set(seg.deadSlots);
    const lens = seg.docs.lens;
    const sums = [0, 0, 0, 0];
    for (let s = 0; s < seg.slots.keys.length; s++) {
      if (dead.has(s)) {
        this.slots.killSlot(slotBase + s);
        for (let d = seg.slots.start[s] ?? 0; d < (seg.slots.start[s + 1] ?? 0); d++) {
          this.docs.dead.a[docBase + d] = 1;
          placed.dead++;
        }
        continue;
      }
      this.liveSlots++;
      sums[F_TITLE] = (sums[F_TITLE] ?? 0) + (seg.slots.titleLen[s] ?? 0);
      for (let d = seg.slots.start[s] ?? 0; d < (seg.slots.start[s + 1] ?? 0); d++) {
        this.liveDocs++;
        sums[0] = (sums[0] ?? 0) + (lens[0][d] ?? 0);
        sums[1] = (sums[1] ?? 0) + (lens[1][d] ?? 0);
        sums[2] = (sums[2] ?? 0) + (lens[2][d] ?? 0);
      }
    }
    for (let f = 0; f < 4; f++) this.lenSum[f] = (this.lenSum[f] ?? 0) + (sums[f] ?? 0);
    this.segments.push(seg);
    this.statsVersion++;
  }

  /** Inflates in the background what loaded segments keep compressed until first used. */
  async warm(): Promise<void> {
    await Promise.all(this.segments.map((s) => warmSnapshot(s)));
  }

  /** Number of packed segments. */
  get segmentCount(): number {
    return this.postings.segs.length;
  }

  /** The next merge the policy asks for, or null (see {@link planMerge}). */
  planMerge(policy: MergePolicy = MERGE_POLICY): [number, number] | null {
    return planMerge(this.segmentSizes(), policy);
  }

  /** Reads the header of packed bytes (throws when they are not a packed engine). */
  static header(bytes: Uint8Array): SnapshotHeader & Record<string, unknown> {
    return readHeader(bytes);
  }

  /** An engine over segments, placed in order. */
  static open(segments: readonly Segment[]): Engine {
    const e = new Engine();
    e.reserve(segments);
    for (const seg of segments) e.place(seg);
    return e;
  }

  /**
   * Makes room in the tables for segments about to be placed, so that each column is allocated
   * once, not grown (and copied) segment after segment. One segment on an empty engine needs
   * none: its columns are adopted.
   */
  reserve(segments: readonly Segment[]): void {
    if (segments.length === 0 || (segments.length === 1 && this.docs.count === 0)) return;
    let docs = this.docs.count;
    let slots = this.slots.count;
    let tagIds = this.tags.ids.n;
    for (const s of segments) {
      docs += s.packed.docs;
      slots += s.packed.slots;
      tagIds += s.tags.ids.length;
    }
    this.docs.reserve(docs);
    this.slots.reserve(slots);
    this.tags.reserve(docs, tagIds);
  }

  /** Loads packed bytes (one or more segments, oldest first): views over their buffers. */
  static unpack(...parts: Uint8Array[]): Engine {
    return Engine.open(parts.map((p) => readSnapshot(p)));
  }
}
