/**
 * The inverted index under {@link QuoteIndex}, in two segments (the layout of Lucene, scaled down):
 * a packed **base** that a snapshot loads as views over one buffer, and a **delta** of writes
 * since (MiniSearch's radix tree, for prefix and typo lookups; removed interviews as tombstones)
 * that the next snapshot folds in. Quote texts are not kept here (the store has them); the
 * engine knows terms, counts, roles, speakers, tags and how quotes relate. Pure: no I/O.
 *
 * Glossary
 * - **doc**: the engine's number for a quote, dense from 0 in interview order. Base docs come
 *   first, then the delta's; folding renumbers the live ones (so a doc number is only valid
 *   until the next fold, never outside the engine).
 * - **slot**: the engine's number for an interview; slot s owns docs [start[s], start[s + 1]).
 *   Titles have postings per slot, not per doc. Renumbered by folding like docs.
 * - **key**: an interview's id (a string), stable: what callers name interviews by.
 * - **ordinal**: a quote's position number in its interview (the NNN of `<interview>-tNNN`),
 *   stable: (key, ordinal) names a quote outside the engine.
 *
 * Postings byte layout (base segment; all integers are LEB128 varints)
 *   dictionary  terms sorted, '\n'-joined; offsets[i]..offsets[i+1] are term i's bytes
 *   term        [field mask] then, per field present in the mask, in field order
 *               (0 text, 1 speaker, 2 section, 3 title): [count][byte length],
 *               then the fields' entries, in the same order
 *   entry       [(id − previous id) × 2 + (tf > 1)] and, when that bit is set, [tf − 2];
 *               ids are docs (slots for the title), ascending, starting from 0
 * The header gives a term's document frequency in any field without decoding its entries.
 *
 * Katakana words also get a term-level bigram index (base terms with FLAG_KANA; the delta's are
 * scanned), so a partial word finds the words containing it without per-quote bigram postings.
 *
 * Parts: tables.ts (doc, slot and tag tables), postings.ts (base + delta, one decoder, the
 * katakana word index), tree.ts (query tree), scoring.ts (BM25F), evaluate.ts (evaluation,
 * ranked matching and top-k pruning), fold.ts, snapshot.ts.
 */

import { type EvaluateOptions, Evaluator, type Matches } from './evaluate.ts';
import { fold } from './fold.ts';
import { F_TEXT, F_TITLE, FLAG_SUGGEST, Postings } from './postings.ts';
import { lengthTotals, readHeader, readSnapshot, type SnapshotHeader, writeSnapshot } from './snapshot.ts';
import { DocTable, Names, SlotTable, TagTable } from './tables.ts';
import type { QueryNode } from './tree.ts';

export type { EvaluateOptions, Matches } from './evaluate.ts';
export { FLAG_KANA, FLAG_SUGGEST, PREFIX_EXPANSIONS } from './postings.ts';
export { FIELD_BITS, FIELD_BOOSTS } from './scoring.ts';
export { PACKED_LAYOUT } from './snapshot.ts';
export type { QueryNode } from './tree.ts';

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
  private liveDocs = 0;
  private liveSlots = 0;
  private lenSum = [0, 0, 0, 0];
  private statsVersion = 0;
  private evaluator = new Evaluator(this.corpus());

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

  /** Quotes written since the last fold (the delta's size). */
  get pendingDocs(): number {
    return this.docs.count - this.postings.base.docs;
  }

  /** Number of slots ever numbered (live or dead). */
  get slotCount(): number {
    return this.slots.count;
  }

  /** Adds an interview's quotes under `key`; the key must not be present. */
  add(
    key: string,
    title: FieldTerms,
    docs: readonly EngineDoc[],
    surfaces: ReadonlyMap<string, string>,
  ): void {
    if (this.slots.slotOf(key) !== undefined) throw new Error(`engine: ${key} is already indexed`);
    const slot = this.slots.add(key, title.length);
    const first = this.docs.count;
    this.liveSlots++;
    this.lenSum[F_TITLE] = (this.lenSum[F_TITLE] ?? 0) + title.length;
    for (const [term, tf] of title.terms) this.postings.add(term, F_TITLE, slot, tf, 0);
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
        for (const [term, tf] of f.terms) {
          const flags = fi !== F_TEXT ? 0 : f.flags ? (f.flags.get(term) ?? 0) : FLAG_SUGGEST;
          this.postings.add(term, fi, doc, tf, flags);
        }
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
      if (!this.postings.surfaces.has(term)) this.postings.surfaces.set(term, surface);
  }

  /** Removes an interview's quotes; returns false when the key is unknown. */
  remove(key: string): boolean {
    const slot = this.slots.kill(key);
    if (slot === undefined) return false;
    this.liveSlots--;
    this.lenSum[F_TITLE] = (this.lenSum[F_TITLE] ?? 0) - this.slots.titleLen.at(slot);
    for (let d = this.slots.start.at(slot); d < this.slots.start.at(slot + 1); d++) {
      this.docs.dead.a[d] = 1;
      this.liveDocs--;
      for (let f = 0; f < 3; f++) this.lenSum[f] = (this.lenSum[f] ?? 0) - (this.docs.lens[f]?.at(d) ?? 0);
      this.tags.drop(d);
    }
    this.statsVersion++;
    return true;
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
  evaluate(query: QueryNode, terms: Set<string> = new Set(), options: EvaluateOptions = {}): Matches {
    return this.evaluator.evaluate(query, terms, options);
  }

  /** The most a query tree can add to one quote's score (for tests and diagnostics). */
  bound(query: QueryNode): number {
    return this.evaluator.bound(query);
  }

  /** The text as written of an index term, when it differs from the term. */
  surfaceOf(term: string): string | undefined {
    return this.postings.surfaces.get(term);
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

  /** Folds the delta and the tombstones into a new packed base (see fold.ts). */
  fold(): void {
    const next = fold(
      { docs: this.docs, slots: this.slots, tags: this.tags, postings: this.postings },
      this.liveDocs,
      this.liveSlots,
    );
    if (!next) return;
    this.docs = next.docs;
    this.slots = next.slots;
    this.tags = next.tags;
    this.postings = next.postings;
    this.evaluator.reset();
    this.statsVersion++;
  }

  /** Folds, then writes the engine as snapshot bytes with `extra` header fields. */
  pack(extra: Record<string, unknown>): Uint8Array {
    this.fold();
    return writeSnapshot(
      { docs: this.docs, slots: this.slots, tags: this.tags, persons: this.persons, postings: this.postings },
      extra,
    );
  }

  /** Reads the header of packed bytes (throws when they are not a packed engine). */
  static header(bytes: Uint8Array): SnapshotHeader & Record<string, unknown> {
    return readHeader(bytes);
  }

  /** Loads packed bytes: views over one buffer, no per-term work beyond splitting the dictionary. */
  static unpack(input: Uint8Array): Engine {
    const parts = readSnapshot(input);
    const e = new Engine();
    e.docs = parts.docs;
    e.slots = parts.slots;
    e.tags = parts.tags;
    e.persons = parts.persons;
    e.postings = parts.postings;
    e.liveDocs = parts.docs.count;
    e.liveSlots = parts.slots.count;
    e.lenSum = lengthTotals(parts);
    return e;
  }
}
