/**
 * The engine's tables: per doc (quote), per slot (interview) and the tag lists, in engine
 * numbers. The docs of every packed segment and of the delta live in the same columns: a
 * segment's local columns are appended when it is placed (the first one adopted as views), and
 * merging segments writes a new one (see segment.ts).
 */
import { Column, i32, type Unsigned, u8, u32 } from './columns.ts';

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

/**
 * A segment's per-doc columns, in its local numbers (slots and questions from 0); a loaded part
 * keeps them as narrow as they were stored, the engine's tables widen them when placing it.
 */
export interface DocColumns {
  slotOf: Unsigned;
  ordinal: Unsigned;
  role: Uint8Array;
  questionOf: Int32Array;
  span: Unsigned;
  lens: [Unsigned, Unsigned, Unsigned];
  speaker: Unsigned;
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

  /**
   * Appends a segment's local columns: its slots start at `slotBase`, its docs at the table's
   * end; `persons` maps its speaker numbers to the engine's (null: the same). An empty table
   * adopts the columns as views (no copy: a loaded base).
   */
  append(cols: DocColumns, slotBase: number, persons: Int32Array | null): void {
    const docBase = this.count;
    // (Unless room was reserved for more segments: then the columns are copied into it.)
    if (docBase === 0 && slotBase === 0 && persons === null && this.ordinal.a.length < cols.ordinal.length) {
      this.slotOf = Column.of(u32, cols.slotOf);
      this.ordinal = Column.of(u32, cols.ordinal);
      this.role = Column.of(u8, cols.role);
      this.questionOf = Column.of(i32, cols.questionOf);
      this.span = Column.of(u32, cols.span);
      this.lens = [Column.of(u32, cols.lens[0]), Column.of(u32, cols.lens[1]), Column.of(u32, cols.lens[2])];
      this.speaker = Column.of(u32, cols.speaker);
      this.dead = Column.of(u8, new Uint8Array(cols.ordinal.length));
      return;
    }
    const n = cols.ordinal.length;
    this.slotOf.append(cols.slotOf, slotBase > 0 ? (v) => v + slotBase : undefined);
    this.ordinal.append(cols.ordinal);
    this.role.append(cols.role);
    this.questionOf.append(cols.questionOf, docBase > 0 ? (v) => (v >= 0 ? v + docBase : -1) : undefined);
    this.span.append(cols.span);
    for (let f = 0; f < 3; f++) (this.lens[f] as Column<Uint32Array>).append(cols.lens[f] as Uint32Array);
    this.speaker.append(cols.speaker, persons ? (v) => (v > 0 ? (persons[v - 1] ?? -1) + 1 : 0) : undefined);
    this.dead.append(new Uint8Array(n));
  }

  /** Makes room for `n` docs in every column (see {@link Column.reserve}). */
  reserve(n: number): void {
    for (const c of [
      this.slotOf,
      this.ordinal,
      this.role,
      this.questionOf,
      this.span,
      ...this.lens,
      this.speaker,
      this.dead,
    ])
      c.reserve(n);
  }

  /**
   * Local columns of the docs in `list` (engine numbers, ascending), renumbered: doc d becomes
   * `newDoc(d)` (questions too; -1 when the question is not kept), its slot `newSlot(slot)`,
   * its speaker `persons(speaker)`.
   */
  gather(
    list: ArrayLike<number>,
    newDoc: (d: number) => number,
    newSlot: (s: number) => number,
    persons: (p: number) => number,
  ): DocColumns {
    const n = list.length;
    const out: DocColumns = {
      slotOf: new Uint32Array(n),
      ordinal: new Uint32Array(n),
      role: new Uint8Array(n),
      questionOf: new Int32Array(n),
      span: new Uint32Array(n),
      lens: [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)],
      speaker: new Uint32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const d = list[i] ?? 0;
      out.slotOf[i] = newSlot(this.slotOf.a[d] ?? 0);
      out.ordinal[i] = this.ordinal.a[d] ?? 0;
      out.role[i] = this.role.a[d] ?? 0;
      const q = this.questionOf.a[d] ?? -1;
      out.questionOf[i] = q >= 0 ? newDoc(q) : -1;
      out.span[i] = this.span.a[d] ?? 0;
      for (let f = 0; f < 3; f++) (out.lens[f] as Uint32Array)[i] = this.lens[f]?.a[d] ?? 0;
      out.speaker[i] = persons(this.speaker.a[d] ?? 0);
    }
    return out;
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

  /**
   * Appends a segment's slots (keys, local doc starts with the end, title lengths); its docs
   * start at `docBase`. A later slot of a key replaces an earlier one in {@link slotOf}. An
   * empty table adopts the columns as views.
   */
  append(keys: readonly string[], start: Unsigned, titleLen: Unsigned, docBase: number): void {
    const slotBase = this.keys.length;
    keys.forEach((k, s) => {
      this.keys.push(k);
      this.byKey.set(k, slotBase + s);
    });
    if (slotBase === 0 && docBase === 0 && this.start.n === 1 && this.titleLen.a.length < titleLen.length) {
      this.start = Column.of(u32, start);
      this.titleLen = Column.of(u32, titleLen);
      this.dead = Column.of(u8, new Uint8Array(keys.length));
      return;
    }
    this.start.append(start.subarray(1), docBase > 0 ? (v) => v + docBase : undefined);
    this.titleLen.append(titleLen);
    this.dead.append(new Uint8Array(keys.length));
  }

  /** Makes room for `n` slots. */
  reserve(n: number): void {
    this.start.reserve(n + 1);
    this.titleLen.reserve(n);
    this.dead.reserve(n);
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

  /** Kills the live slot of a key; returns it (undefined when the key has none). */
  kill(key: string): number | undefined {
    const slot = this.byKey.get(key);
    if (slot === undefined) return undefined;
    this.killSlot(slot);
    return slot;
  }

  /** Kills a slot by number (its key keeps any later slot). */
  killSlot(slot: number): void {
    const key = this.keys[slot] as string;
    if (this.byKey.get(key) === slot) this.byKey.delete(key);
    this.dead.a[slot] = 1;
  }
}

/** A segment's tag lists: doc i has ids[start[i] .. start[i + 1]), numbers of `names`. */
export interface TagColumns {
  start: Unsigned;
  ids: Unsigned;
  names: string[];
}

/** Tags per doc: packed lists of the packed segments' docs, overridden per doc by edits and delta docs. */
export class TagTable {
  /** Packed docs: doc d has ids[start[d] .. start[d + 1]); start.n − 1 docs are packed. */
  start = Column.of(u32, Uint32Array.of(0));
  ids = Column.of(u32);
  override = new Map<number, number[]>();
  names = new Names();

  /** Number of docs with packed lists. */
  get packed(): number {
    return this.start.n - 1;
  }

  /**
   * Appends packed lists for the next docs (names mapped to this table's); an empty table
   * adopts them as views. Overrides of those docs are dropped (the lists hold their tags).
   */
  append(cols: TagColumns): void {
    const docBase = this.packed;
    const n = cols.start.length - 1;
    for (let d = docBase; d < docBase + n; d++) this.override.delete(d);
    if (docBase === 0 && this.names.size === 0 && this.ids.a.length < cols.ids.length) {
      this.start = Column.of(u32, cols.start);
      this.ids = Column.of(u32, cols.ids);
      this.names = new Names([...cols.names]);
      return;
    }
    const map = cols.names.map((name) => this.names.intern(name));
    const base = this.ids.n;
    this.start.append(cols.start.subarray(1), base > 0 ? (v) => v + base : undefined);
    // Names already in the same order (the first part placed into reserved room) need no mapping.
    this.ids.append(cols.ids, map.every((m, i) => m === i) ? undefined : (v) => map[v] ?? 0);
  }

  /** Makes room for `docs` docs with `ids` tag ids in all. */
  reserve(docs: number, ids: number): void {
    this.start.reserve(docs + 1);
    this.ids.reserve(ids);
  }

  /** Local lists of docs [from, to) with their own names (edits included). */
  slice(from: number, to: number, keep: (doc: number) => boolean = () => true): TagColumns {
    const local = new Names();
    const start: number[] = [0];
    const ids: number[] = [];
    for (let d = from; d < to; d++) {
      if (!keep(d)) continue;
      for (const t of this.of(d)) ids.push(local.intern(this.names.name(t)));
      start.push(ids.length);
    }
    return { start: Uint32Array.from(start), ids: Uint32Array.from(ids), names: local.names };
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
    if (doc >= this.start.n - 1) return [];
    return this.ids.a.subarray(this.start.a[doc] ?? 0, this.start.a[doc + 1] ?? 0);
  }

  /** How many of `docs` carry each tag, indexed by tag id. */
  count(docs: ArrayLike<number>): Uint32Array {
    const counts = new Uint32Array(this.names.size);
    const start = this.start.a;
    const ids = this.ids.a;
    const packed = this.start.n - 1;
    const override = this.override;
    const edited = override.size > 0;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] ?? 0;
      const o = edited ? override.get(d) : undefined;
      if (o) {
        for (const t of o) counts[t] = (counts[t] ?? 0) + 1;
        continue;
      }
      if (d >= packed) continue;
      for (let k = start[d] ?? 0; k < (start[d + 1] ?? 0); k++) {
        const t = ids[k] ?? 0;
        counts[t] = (counts[t] ?? 0) + 1;
      }
    }
    return counts;
  }
}
