/**
 * The engine's tables: per doc (quote), per slot (interview) and the tag lists. Base and delta
 * docs live in the same columns; folding compacts them (see fold.ts).
 */
import { Column, i32, u8, u32 } from './columns.ts';

/** Interned names (tags, speaker person ids) ↔ small integers. */
export class Names {
  readonly names: string[];
  private readonly index: Map<string, number>;
  constructor(names: string[] = []) {
    this.names = names;
    this.index = new Map(names.map((t, i) => [t, i]));
  }
  /** The id of a name, interning it. */
  intern(name: string): number {
    let id = this.index.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.index.set(name, id);
    }
    return id;
  }
  /** The id of a name, or -1 when it was never interned. */
  idOf(name: string): number {
    return this.index.get(name) ?? -1;
  }
  name(id: number): string {
    return this.names[id] ?? '';
  }
  get size(): number {
    return this.names.length;
  }
}

/** Per-doc columns. A doc's fields with postings: text, speaker, section (0, 1, 2). */
export class DocTable {
  slotOf = Column.of(u32);
  ordinal = Column.of(u32);
  /** 0 interviewee, 1 interviewer, 2 other. */
  role = Column.of(u8);
  /** The doc this one answers, or -1. */
  questionOf = Column.of(i32);
  /** For a question: how many docs after it reach its last answer (answers need not be adjacent). */
  span = Column.of(u32);
  /** Token counts of text, speaker and section (BM25 field lengths). */
  lens: [Column<Uint32Array>, Column<Uint32Array>, Column<Uint32Array>] = [
    Column.of(u32),
    Column.of(u32),
    Column.of(u32),
  ];
  /** Speaker person id (see {@link Names}) + 1; 0 when the speaker has no person id. */
  speaker = Column.of(u32);
  dead = Column.of(u8);

  /** Number of docs ever numbered (live or dead). */
  get count(): number {
    return this.ordinal.n;
  }

  alive(doc: number): boolean {
    return doc >= 0 && doc < this.ordinal.n && this.dead.at(doc) === 0;
  }

  /** A table over loaded columns (all docs live). */
  static from(cols: {
    slotOf: Uint32Array;
    ordinal: Uint32Array;
    role: Uint8Array;
    questionOf: Int32Array;
    span: Uint32Array;
    lens: [Uint32Array, Uint32Array, Uint32Array];
    speaker: Uint32Array;
  }): DocTable {
    const t = new DocTable();
    t.slotOf = Column.of(u32, cols.slotOf);
    t.ordinal = Column.of(u32, cols.ordinal);
    t.role = Column.of(u8, cols.role);
    t.questionOf = Column.of(i32, cols.questionOf);
    t.span = Column.of(u32, cols.span);
    t.lens = [Column.of(u32, cols.lens[0]), Column.of(u32, cols.lens[1]), Column.of(u32, cols.lens[2])];
    t.speaker = Column.of(u32, cols.speaker);
    t.dead = Column.of(u8, new Uint8Array(cols.ordinal.length));
    return t;
  }

  /** Keeps the live docs, renumbered by `newDoc` (-1: dropped), slots by `newSlot`. */
  compact(newDoc: Int32Array, newSlot: Int32Array, size: number): DocTable {
    const t = new DocTable();
    t.ordinal = this.ordinal.compact(newDoc, size);
    t.role = this.role.compact(newDoc, size);
    t.span = this.span.compact(newDoc, size);
    t.speaker = this.speaker.compact(newDoc, size);
    t.lens = [
      this.lens[0].compact(newDoc, size),
      this.lens[1].compact(newDoc, size),
      this.lens[2].compact(newDoc, size),
    ];
    const slotOf = new Uint32Array(size);
    const questionOf = new Int32Array(size);
    for (let d = 0; d < this.count; d++) {
      const m = newDoc[d] ?? -1;
      if (m < 0) continue;
      slotOf[m] = newSlot[this.slotOf.at(d)] ?? 0;
      const q = this.questionOf.at(d);
      questionOf[m] = q >= 0 ? (newDoc[q] ?? -1) : -1;
    }
    t.slotOf = Column.of(u32, slotOf);
    t.questionOf = Column.of(i32, questionOf);
    t.dead = Column.of(u8, new Uint8Array(size));
    return t;
  }
}

/** Per-slot (interview) columns: slot s owns docs [start[s], start[s + 1]). */
export class SlotTable {
  start = Column.of(u32, Uint32Array.of(0));
  titleLen = Column.of(u32);
  dead = Column.of(u8);
  keys: string[] = [];
  private byKey = new Map<string, number>();

  /** Number of slots ever numbered (live or dead). */
  get count(): number {
    return this.keys.length;
  }

  static from(keys: string[], start: Uint32Array, titleLen: Uint32Array): SlotTable {
    const t = new SlotTable();
    t.keys = keys;
    t.byKey = new Map(keys.map((k, s) => [k, s]));
    t.start = Column.of(u32, start);
    t.titleLen = Column.of(u32, titleLen);
    t.dead = Column.of(u8, new Uint8Array(keys.length));
    return t;
  }

  /** The live slot of a key, if any. */
  slotOf(key: string): number | undefined {
    return this.byKey.get(key);
  }

  liveKeys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Numbers a new slot for `key`, whose docs start at `firstDoc`. */
  add(key: string, titleLen: number): number {
    const slot = this.keys.length;
    this.keys.push(key);
    this.byKey.set(key, slot);
    this.titleLen.push(titleLen);
    this.dead.push(0);
    return slot;
  }

  /** Closes the slot added last: its docs end before `end`. */
  close(end: number): void {
    this.start.push(end);
  }

  kill(key: string): number | undefined {
    const slot = this.byKey.get(key);
    if (slot === undefined) return undefined;
    this.byKey.delete(key);
    this.dead.a[slot] = 1;
    return slot;
  }

  /** Keeps the live slots, renumbered by `newSlot`; `slotOfDoc` is the compacted docs' slots. */
  compact(newSlot: Int32Array, size: number, slotOfDoc: Uint32Array): SlotTable {
    const keys: string[] = [];
    for (let s = 0; s < this.keys.length; s++) {
      const m = newSlot[s] ?? -1;
      if (m >= 0) keys[m] = this.keys[s] as string;
    }
    const start = new Uint32Array(size + 1);
    for (const s of slotOfDoc) start[s + 1] = (start[s + 1] ?? 0) + 1;
    for (let s = 1; s <= size; s++) start[s] = (start[s] ?? 0) + (start[s - 1] ?? 0);
    return SlotTable.from(keys, start, this.titleLen.compact(newSlot, size).view());
  }
}

/** Tags per doc: packed lists for base docs, overridden per doc by edits and delta docs. */
export class TagTable {
  start: Uint32Array = new Uint32Array(1);
  ids: Uint32Array = new Uint32Array(0);
  override = new Map<number, number[]>();
  names = new Names();

  static from(start: Uint32Array, ids: Uint32Array, names: string[]): TagTable {
    const t = new TagTable();
    t.start = start;
    t.ids = ids;
    t.names = new Names(names);
    return t;
  }

  set(doc: number, tags: readonly string[]): void {
    this.override.set(
      doc,
      tags.map((t) => this.names.intern(t)),
    );
  }

  drop(doc: number): void {
    this.override.delete(doc);
  }

  /** Tag ids of a doc; a view, not a copy, for packed docs. */
  of(doc: number): ArrayLike<number> & Iterable<number> & { includes(id: number): boolean } {
    const o = this.override.get(doc);
    if (o) return o;
    if (doc >= this.start.length - 1) return [];
    return this.ids.subarray(this.start[doc] ?? 0, this.start[doc + 1] ?? 0);
  }

  /** How many of `docs` carry each tag, indexed by tag id. */
  count(docs: ArrayLike<number>): Uint32Array {
    const counts = new Uint32Array(this.names.size);
    const { start, ids } = this;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] ?? 0;
      const o = this.override.get(d);
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

  /** Packed lists of the kept docs, renumbered by `newDoc`; no overrides left. */
  compact(newDoc: Int32Array, size: number): TagTable {
    const start = new Uint32Array(size + 1);
    const list: number[] = [];
    for (let d = 0; d < newDoc.length; d++) {
      const m = newDoc[d] ?? -1;
      if (m < 0) continue;
      for (const t of this.of(d)) list.push(t);
      start[m + 1] = list.length;
    }
    const t = new TagTable();
    t.start = start;
    t.ids = Uint32Array.from(list);
    t.names = this.names;
    return t;
  }
}
