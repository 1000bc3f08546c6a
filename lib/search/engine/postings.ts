/**
 * Postings: packed segments (sorted dictionary, varint bytes; layout in ./index.ts), oldest
 * first, each numbering its docs and slots from 0 (a segment's first doc is its `docBase` in
 * the engine), and the delta of writes since (MiniSearch's radix tree, for prefix and typo
 * lookups), read through one decoder into shared buffers: a term's postings come out in
 * engine numbers, ascending, segment after segment, then the delta's.
 */
import { boundedDistance, lowerBound } from './columns.ts';
import { type DecodedList, DecodedLists } from './decoded.ts';
import { TermRadix } from './radix.ts';

/** Fields with postings: per doc (text, speaker, section) or per slot (title). */
export const F_TEXT = 0;
export const F_SPEAKER = 1;
export const F_SECTION = 2;
export const F_TITLE = 3;
export const STORED_FIELDS = 4;

/** A prefix expands to at most this many terms (the most frequent of the first PREFIX_SCAN). */
export const PREFIX_EXPANSIONS = 48;
export const PREFIX_SCAN = 4096;

/** Bit 0 of a term's flags: the term may be offered as a completion. */
export const FLAG_SUGGEST = 1;
/** Bit 1: a katakana word, found by the words it contains (ソーシング → クラウドソーシング). */
export const FLAG_KANA = 2;
/** A partial katakana word expands to at most this many words containing it, most frequent first. */
export const SUBSTRING_EXPANSIONS = 32;

/**
 * Which base terms contain each character bigram, for the katakana words (FLAG_KANA): a
 * partial word finds the whole words containing it through the term dictionary, not through
 * per-quote bigram postings (which matched quotes holding the bigrams in unrelated words).
 * `ids[offsets[i] .. offsets[i+1])` are the base term indices containing `grams[i]`.
 */
export interface KanaTerms {
  grams: string[];
  offsets: Uint32Array;
  ids: Uint32Array;
}

export const EMPTY_KANA: KanaTerms = { grams: [], offsets: new Uint32Array(1), ids: new Uint32Array(0) };

/** Builds the bigram → term index of the FLAG_KANA terms of a sorted dictionary. */
export function buildKanaTerms(terms: readonly string[], flags: Uint8Array): KanaTerms {
  const lists = new Map<string, number[]>();
  for (let i = 0; i < terms.length; i++) {
    if (!((flags[i] ?? 0) & FLAG_KANA)) continue;
    const t = terms[i] as string;
    const seen = new Set<string>();
    for (let k = 0; k + 1 < t.length; k++) {
      const g = t.slice(k, k + 2);
      if (seen.has(g)) continue;
      seen.add(g);
      let l = lists.get(g);
      if (!l) {
        l = [];
        lists.set(g, l);
      }
      l.push(i);
    }
  }
  const grams = [...lists.keys()].filter((g) => !g.includes('\n')).sort();
  const offsets = new Uint32Array(grams.length + 1);
  const ids: number[] = [];
  grams.forEach((g, k) => {
    // A loop, not push(...list): a common bigram's list can exceed the argument limit.
    for (const id of lists.get(g) as number[]) ids.push(id);
    offsets[k + 1] = ids.length;
  });
  return { grams, offsets, ids: Uint32Array.from(ids) };
}

/**
 * A term of the delta: its number in the delta's columns (see {@link Postings.add}), which hold
 * its flags and, per field, its postings as [id, tf, id, tf, …] in id order.
 */
export type DeltaList = number;

/** Terms whose places in the packed segments are kept (then all are dropped): ~100 bytes each. */
const PLACED_TERMS = 50_000;

/** Ints of a delta chain's first room (one posting); each move doubles it. */
const FIRST_ROOM = 2;

/** Postings bytes of a loaded part that are still compressed in places (see snapshot.ts). */
export interface LazyBytes {
  /** Inflates what is still compressed of bytes [from, to) into place. */
  ensure(from: number, to: number): void;
  /** Inflates the rest in the background (on the threadpool). */
  warm(): Promise<void>;
}

/** A packed segment's postings. Postings of term i: bytes[offsets[i] .. offsets[i+1]). */
export interface PackedSegment {
  terms: string[];
  flags: Uint8Array;
  offsets: Uint32Array;
  bytes: Uint8Array;
  /** Number of docs and slots the segment numbers (from 0; dead ones included). */
  docs: number;
  slots: number;
  /**
   * Set while parts of `bytes` are still compressed (a part loaded from storage): every read
   * of a term's bytes goes through {@link fieldAt}, which asks for them first.
   */
  lazy?: LazyBytes | undefined;
}

export const EMPTY_SEGMENT: PackedSegment = {
  terms: [],
  flags: new Uint8Array(0),
  offsets: new Uint32Array(1),
  bytes: new Uint8Array(0),
  docs: 0,
  slots: 0,
};

/** A packed segment placed in the engine: its doc i is engine doc docBase + i (slots alike). */
export interface PlacedSegment {
  packed: PackedSegment;
  /** Bigram index of the segment's katakana words (see {@link KanaTerms}). */
  kana: KanaTerms;
  docBase: number;
  slotBase: number;
  /** Dead docs among the segment's (kept up to date by the engine; 0: counts need no decoding). */
  dead: number;
}

/** Where a term is: its index in each segment's dictionary (-1: absent) and its delta list. */
export interface TermRef {
  at: Int32Array;
  delta: DeltaList | undefined;
}

/** Where a term's postings in one field start in a segment (after all field headers), and how many. */
export function fieldAt(seg: PackedSegment, ti: number, field: number): { p: number; count: number } {
  const { bytes, offsets } = seg;
  let p = offsets[ti] ?? 0;
  if (seg.lazy) seg.lazy.ensure(p, offsets[ti + 1] ?? p);
  const mask = bytes[p++] ?? 0;
  if (!(mask & (1 << field))) return { p: 0, count: 0 };
  let skip = 0;
  let count = 0;
  for (let f = 0; f < STORED_FIELDS; f++) {
    if (!(mask & (1 << f))) continue;
    // Two varints per present field: count, byte length.
    let c = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[p++] ?? 0;
      c += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    let len = 0;
    mul = 1;
    for (;;) {
      const b = bytes[p++] ?? 0;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    if (f < field) skip += len;
    if (f === field) count = c;
  }
  return { p: p + skip, count };
}

/** Index of a term in a segment's dictionary, or -1. */
export function termAt(seg: PackedSegment, term: string): number {
  const i = lowerBound(seg.terms, term);
  return seg.terms[i] === term ? i : -1;
}

/**
 * Decodes `count` postings at `bytes[p]` (delta-coded ids from `base`, a tf bit) into
 * `ids`/`tfs` from index `n`; returns the index after the last. Inline varints: this loop is
 * the hot path of every query.
 */
function decode(
  bytes: Uint8Array,
  p: number,
  count: number,
  base: number,
  ids: Int32Array,
  tfs: Uint32Array,
  n: number,
): number {
  let id = base;
  for (let i = 0; i < count; i++) {
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
  return n;
}

/**
 * The key of segment s's decoded list of term ti in one field (see {@link DecodedLists}).
 * Segment indices never change within a Postings (a merge builds new Postings).
 */
function decodedKey(s: number, ti: number, field: number): number {
  return s * 2 ** 32 + ti * STORED_FIELDS + field;
}

/** Packed segments + delta postings, and the written forms of completable terms. */
export class Postings {
  /** Packed segments, oldest first, in engine doc order. */
  segs: PlacedSegment[] = [];
  /**
   * The delta's terms in a radix tree, for prefix and typo lookups (written through {@link add}):
   * minisearch's, inserted without scanning wide nodes (./radix.ts).
   */
  readonly delta = new TermRadix<DeltaList>();
  /**
   * The same lists by term in a hash map, which every posting added and every term resolved
   * looks up: the radix tree's walk cost a fifth of indexing an interview. Both are cleared
   * together ({@link clearDelta}).
   */
  private readonly deltaLists = new Map<string, DeltaList>();
  /**
   * The delta's postings in typed columns rather than an object and arrays per term: indexing
   * an interview added each posting to a JS array of its own, whose growth and survival through
   * every scavenge cost ~1 µs a posting (the API thread's largest share of an ingest). A term's
   * chain in one field (`term * STORED_FIELDS + field`) is a run of `arena` at `chainAt`,
   * `chainLen` ints long, with room for `chainRoom`; a full chain moves to the arena's end with
   * twice the room (what it leaves is reclaimed when the delta is cleared).
   */
  private deltaTerms = 0;
  private deltaFlags = new Uint8Array(256);
  private chainAt = new Int32Array(256 * STORED_FIELDS);
  private chainLen = new Int32Array(256 * STORED_FIELDS);
  private chainRoom = new Int32Array(256 * STORED_FIELDS);
  private arena = new Int32Array(4096);
  private arenaUsed = 0;
  /** Katakana words of the delta (scanned: the delta is small). */
  deltaKana = new Set<string>();
  /** Term → its text as written, when it differs (for completions and highlights). */
  surfaces = new Map<string, string>();
  /**
   * Decoded postings of the last fetch (ids, tfs), valid until the next fetch: either the
   * decode buffers below or a kept list's arrays, so they are read, never written.
   */
  ids: Int32Array = new Int32Array(1024);
  tfs: Uint32Array = new Uint32Array(1024);
  private idBuffer = this.ids;
  private tfBuffer = this.tfs;
  /** Places of terms in the packed segments (see {@link resolve}). */
  private readonly placedAt = new Map<string, Int32Array>();
  private starts = new Int32Array(8);
  private counts = new Int32Array(8);

  /** `decoded`: the long packed lists kept decoded (see decoded.ts). */
  constructor(readonly decoded: DecodedLists = new DecodedLists()) {}

  /** Docs and slots numbered by the packed segments (the delta's come after). */
  get packedDocs(): number {
    const last = this.segs.at(-1);
    return last ? last.docBase + last.packed.docs : 0;
  }
  get packedSlots(): number {
    const last = this.segs.at(-1);
    return last ? last.slotBase + last.packed.slots : 0;
  }

  /** Adds a posting to the delta (ids ascending per term and field). */
  add(term: string, field: number, id: number, tf: number, flags: number): void {
    this.addTo(this.deltaTerm(term), term, field, id, tf, flags);
  }

  /**
   * The delta's number of a term, numbered (and put in the radix tree) now when it has none:
   * what {@link addTo} takes. Valid until the delta is cleared.
   */
  deltaTerm(term: string): DeltaList {
    let t = this.deltaLists.get(term);
    if (t === undefined) {
      t = this.deltaTerms++;
      if (t >= this.deltaFlags.length) this.growTerms(t + 1);
      this.deltaLists.set(term, t);
      this.delta.set(term, t);
    }
    return t;
  }

  /** {@link add} with the term's delta number already looked up ({@link deltaTerm}). */
  addTo(t: DeltaList, term: string, field: number, id: number, tf: number, flags: number): void {
    const k = t * STORED_FIELDS + field;
    const len = this.chainLen[k] as number;
    let at = this.chainAt[k] as number;
    const room = this.chainRoom[k] as number;
    if (len + 2 > room) {
      const more = room === 0 ? FIRST_ROOM : room * 2;
      const start = this.reserve(more);
      if (len > 0) this.arena.copyWithin(start, at, at + len);
      at = start;
      this.chainAt[k] = start;
      this.chainRoom[k] = more;
    }
    this.arena[at + len] = id;
    this.arena[at + len + 1] = tf;
    this.chainLen[k] = len + 2;
    this.deltaFlags[t] = (this.deltaFlags[t] as number) | flags;
    if (flags & FLAG_KANA) this.deltaKana.add(term);
  }

  /** Columns for at least `n` delta terms (doubling; new terms start with no postings). */
  private growTerms(n: number): void {
    let size = this.deltaFlags.length;
    while (size < n) size *= 2;
    const flags = new Uint8Array(size);
    flags.set(this.deltaFlags);
    this.deltaFlags = flags;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size * STORED_FIELDS);
      b.set(a);
      return b;
    };
    this.chainAt = grow(this.chainAt);
    this.chainLen = grow(this.chainLen);
    this.chainRoom = grow(this.chainRoom);
  }

  /** `n` ints at the arena's end (doubling it when full); returns where they start. */
  private reserve(n: number): number {
    const start = this.arenaUsed;
    if (start + n > this.arena.length) {
      let size = this.arena.length * 2;
      while (size < start + n) size *= 2;
      const next = new Int32Array(size);
      next.set(this.arena.subarray(0, start));
      this.arena = next;
    }
    this.arenaUsed = start + n;
    return start;
  }

  /** Flags of a delta term. */
  deltaFlagsOf(t: DeltaList): number {
    return this.deltaFlags[t] ?? 0;
  }

  /** Postings of a delta term in one field. */
  deltaCount(t: DeltaList, field: number): number {
    return (this.chainLen[t * STORED_FIELDS + field] ?? 0) / 2;
  }

  /** The delta's list of a term. */
  deltaList(term: string): DeltaList | undefined {
    return this.deltaLists.get(term);
  }

  /** Empties the delta (its postings are now a placed segment's). */
  clearDelta(): void {
    this.delta.clear();
    this.deltaLists.clear();
    // Fresh columns: a large delta's memory goes with it.
    this.deltaTerms = 0;
    this.deltaFlags = new Uint8Array(256);
    this.chainAt = new Int32Array(256 * STORED_FIELDS);
    this.chainLen = new Int32Array(256 * STORED_FIELDS);
    this.chainRoom = new Int32Array(256 * STORED_FIELDS);
    this.arena = new Int32Array(4096);
    this.arenaUsed = 0;
    this.deltaKana.clear();
  }

  /** Places a packed segment after the others (the delta must be empty). */
  place(packed: PackedSegment, kana: KanaTerms): PlacedSegment {
    const placed = { packed, kana, docBase: this.packedDocs, slotBase: this.packedSlots, dead: 0 };
    this.segs.push(placed);
    this.placedAt.clear();
    // A term has at most one posting per doc (per slot for titles) in a field, so buffers for
    // every packed doc never grow on a read of the packed segments. Grown at a query instead,
    // after the decoder was compiled without that branch taken, V8 deoptimised fetchAt and
    // that search took 20+ ms (1M quotes, the first timed search of the bench).
    const most = Math.max(this.packedDocs, this.packedSlots);
    if (this.idBuffer.length < most) {
      this.idBuffer = new Int32Array(most);
      this.tfBuffer = new Uint32Array(most);
      this.ids = this.idBuffer;
      this.tfs = this.tfBuffer;
    }
    return placed;
  }

  /**
   * Katakana words that contain `sub` (itself excluded), at most {@link SUBSTRING_EXPANSIONS},
   * most frequent first.
   */
  containing(sub: string): string[] {
    const found = new Set<string>();
    if (sub.length >= 2) {
      for (const seg of this.segs) {
        const { grams, offsets, ids } = seg.kana;
        let best: [number, number] | null = null;
        for (let k = 0; k + 1 < sub.length; k++) {
          const g = sub.slice(k, k + 2);
          const i = lowerBound(grams, g);
          if (grams[i] !== g) {
            // A bigram no katakana word of this segment has: none of them contains `sub`.
            best = null;
            break;
          }
          const range: [number, number] = [offsets[i] ?? 0, offsets[i + 1] ?? 0];
          if (!best || range[1] - range[0] < best[1] - best[0]) best = range;
        }
        // Candidates from the rarest bigram, confirmed as substrings.
        if (best)
          for (let k = best[0]; k < best[1]; k++) {
            const t = seg.packed.terms[ids[k] ?? 0] as string;
            if (t !== sub && t.includes(sub)) found.add(t);
          }
      }
      for (const t of this.deltaKana) if (t !== sub && t.includes(sub)) found.add(t);
    }
    return this.mostFrequent(found, SUBSTRING_EXPANSIONS);
  }

  /** At most `cap` of `found`, the most frequent first (ties by term), or all of them. */
  private mostFrequent(found: Set<string>, cap: number): string[] {
    if (found.size <= cap) return [...found];
    return [...found]
      .map((t) => ({ t, df: this.df(t, F_TEXT) }))
      .sort((a, b) => b.df - a.df || (a.t < b.t ? -1 : 1))
      .slice(0, cap)
      .map((x) => x.t);
  }

  /**
   * Where a term is in every segment and the delta. Its places in the packed segments are kept
   * until a segment is placed (they never change before): each is a binary search over a
   * dictionary of a million strings (~20 cache misses), and a query resolves each of its terms
   * and expansions several times (document frequency, bound, walk). The delta's list is looked
   * up each time (writes add terms to it). Callers read `at`, never write it.
   */
  resolve(term: string): TermRef {
    let at = this.placedAt.get(term);
    if (at === undefined) {
      at = new Int32Array(this.segs.length);
      for (let s = 0; s < this.segs.length; s++) at[s] = termAt((this.segs[s] as PlacedSegment).packed, term);
      if (this.placedAt.size >= PLACED_TERMS) this.placedAt.clear();
      this.placedAt.set(term, at);
    }
    return { at, delta: this.deltaLists.get(term) };
  }

  /** Flags of a term (any segment or the delta). */
  flags(term: string): number {
    const t = this.deltaLists.get(term);
    let f = t === undefined ? 0 : this.deltaFlagsOf(t);
    for (const seg of this.segs) {
      const ti = termAt(seg.packed, term);
      if (ti >= 0) f |= seg.packed.flags[ti] ?? 0;
    }
    return f;
  }

  /** Postings in one field (dead included): counts of every segment and the delta, without decoding. */
  df(term: string, field: number): number {
    const t = this.deltaLists.get(term);
    let n = t === undefined ? 0 : this.deltaCount(t, field);
    for (const seg of this.segs) {
      const ti = termAt(seg.packed, term);
      if (ti >= 0) n += fieldAt(seg.packed, ti, field).count;
    }
    return n;
  }

  /** The segment holding a slot, or -1 (the delta's). */
  segmentOfSlot(slot: number): number {
    let lo = 0;
    let hi = this.segs.length - 1;
    if (hi < 0 || slot >= this.packedSlots) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.segs[mid]?.slotBase ?? 0) <= slot) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** True when counting a term's live postings needs decoding (it is in a part with dead docs). */
  decodes(ref: TermRef, deltaDead: boolean): boolean {
    if (deltaDead && ref.delta !== undefined) return true;
    for (let s = 0; s < this.segs.length; s++)
      if ((ref.at[s] ?? -1) >= 0 && (this.segs[s]?.dead ?? 0) > 0) return true;
    return false;
  }

  /**
   * Live postings of a term in one field: the header counts of segments without dead docs,
   * a decoding pass (no writes) over the others and the delta. `deadDocs`/`deadSlots` are the
   * engine's dead flags; `deltaDead` whether the delta has any.
   */
  liveCount(
    ref: TermRef,
    field: number,
    deadDocs: Uint8Array,
    deadSlots: Uint8Array,
    deltaDead: boolean,
  ): number {
    const title = field === F_TITLE;
    const dead = title ? deadSlots : deadDocs;
    let n = 0;
    for (let s = 0; s < this.segs.length; s++) {
      const ti = ref.at[s] ?? -1;
      if (ti < 0) continue;
      const seg = this.segs[s] as PlacedSegment;
      const { p: start, count } = fieldAt(seg.packed, ti, field);
      if (seg.dead === 0) {
        n += count;
        continue;
      }
      const bytes = seg.packed.bytes;
      let p = start;
      let id = title ? seg.slotBase : seg.docBase;
      for (let i = 0; i < count; i++) {
        let b = bytes[p++] ?? 0;
        let v = b & 0x7f;
        let mul = 128;
        while (b >= 0x80) {
          b = bytes[p++] ?? 0;
          v += (b & 0x7f) * mul;
          mul *= 128;
        }
        id += v >>> 1;
        if (v & 1) while ((bytes[p++] ?? 0) >= 0x80);
        if (dead[id] === 0) n++;
      }
    }
    if (ref.delta !== undefined) {
      const k = ref.delta * STORED_FIELDS + field;
      const len = this.chainLen[k] ?? 0;
      if (!deltaDead) n += len / 2;
      else {
        const arena = this.arena;
        const at = this.chainAt[k] ?? 0;
        for (let i = 0; i < len; i += 2) if (dead[arena[at + i] ?? 0] === 0) n++;
      }
    }
    return n;
  }

  /** Decodes a term's postings in one field (dead included) into {@link ids}/{@link tfs}. */
  fetch(term: string, field: number): number {
    return this.fetchAt(this.resolve(term), field);
  }

  /**
   * {@link fetch} of a resolved term: each segment's postings in engine numbers, then the delta's.
   * Long packed lists come from (and, with `keep`, go to) the {@link decoded} lists; when such a
   * list is the only one, {@link ids}/{@link tfs} are its arrays, not a copy. `keep` is false for
   * a pass over every term (writing a segment), which would only churn the kept lists.
   */
  fetchAt(ref: TermRef, field: number, keep = true): number {
    const segs = this.segs;
    const k = segs.length;
    if (this.starts.length < k) {
      this.starts = new Int32Array(k * 2);
      this.counts = new Int32Array(k * 2);
    }
    const starts = this.starts;
    const counts = this.counts;
    const dk = ref.delta === undefined ? -1 : ref.delta * STORED_FIELDS + field;
    const dlen = dk < 0 ? 0 : (this.chainLen[dk] ?? 0);
    let need = dlen / 2;
    // The one part with postings, or -1 (none, or several).
    let only = dlen > 0 ? -2 : -1;
    for (let s = 0; s < k; s++) {
      const ti = ref.at[s] ?? -1;
      if (ti < 0) {
        counts[s] = 0;
        continue;
      }
      const { p, count } = fieldAt((segs[s] as PlacedSegment).packed, ti, field);
      starts[s] = p;
      counts[s] = count;
      need += count;
      if (count > 0) only = only === -1 ? s : -2;
    }
    const decoded = this.decoded;
    if (only >= 0 && decoded.keeps(need)) {
      const list = this.decodedList(only, ref.at[only] ?? 0, field, need, keep);
      if (list !== undefined) {
        this.ids = list.ids;
        this.tfs = list.tfs;
        return need;
      }
    }
    // Sized at placing for the packed docs (see place): grown only by the delta's.
    if (this.idBuffer.length < need) {
      this.idBuffer = new Int32Array(need * 2);
      this.tfBuffer = new Uint32Array(need * 2);
    }
    const ids = this.idBuffer;
    const tfs = this.tfBuffer;
    this.ids = ids;
    this.tfs = tfs;
    let n = 0;
    for (let s = 0; s < k; s++) {
      const count = counts[s] ?? 0;
      if (count === 0) continue;
      const list = decoded.keeps(count) ? this.decodedList(s, ref.at[s] ?? 0, field, count, keep) : undefined;
      if (list !== undefined) {
        ids.set(list.ids, n);
        tfs.set(list.tfs, n);
        n += count;
        continue;
      }
      const seg = segs[s] as PlacedSegment;
      n = decode(
        seg.packed.bytes,
        starts[s] ?? 0,
        count,
        field === F_TITLE ? seg.slotBase : seg.docBase,
        ids,
        tfs,
        n,
      );
    }
    if (dlen > 0) {
      const arena = this.arena;
      const at = this.chainAt[dk] ?? 0;
      for (let i = 0; i < dlen; i += 2) {
        ids[n] = arena[at + i] ?? 0;
        tfs[n++] = arena[at + i + 1] ?? 1;
      }
    }
    return n;
  }

  /**
   * Which of `wanted` (`n` ids ascending, repeats allowed: docs, or slots for the title) have a
   * posting of a resolved term in one field (dead included, as {@link fetchAt}): `found[j]` is
   * set to 1 for each that has, left as it is for the others. For the few docs of a page
   * (Evaluator.matchedTerms), after ranking: a list kept decoded is searched; any other is
   * walked without writing, and only up to the last id wanted. Nothing is decoded into a list of
   * its own or kept: a page's lookups read the lists of every term of the query in every field,
   * and keeping them (as fetchAt does) was fresh memory per search, each first touch a page
   * fault, and churned the lists ranking keeps.
   */
  probe(ref: TermRef, field: number, wanted: Int32Array, n: number, found: Uint8Array): void {
    const title = field === F_TITLE;
    const segs = this.segs;
    // The first wanted id not passed yet: segments and the delta number ids in ascending ranges.
    let j = 0;
    for (let s = 0; s < segs.length && j < n; s++) {
      const ti = ref.at[s] ?? -1;
      if (ti < 0) continue;
      const seg = segs[s] as PlacedSegment;
      const base = title ? seg.slotBase : seg.docBase;
      const end = base + (title ? seg.packed.slots : seg.packed.docs);
      while (j < n && (wanted[j] ?? 0) < base) j++;
      if (j === n || (wanted[j] ?? 0) >= end) continue;
      const { p: start, count } = fieldAt(seg.packed, ti, field);
      const held =
        count > 0 && this.decoded.keeps(count) ? this.decoded.get(decodedKey(s, ti, field)) : undefined;
      if (held !== undefined) {
        // Each wanted id's lower bound, from the last one's (both ascend).
        const ids = held.ids;
        let lo = 0;
        for (; j < n; j++) {
          const w = wanted[j] ?? 0;
          if (w >= end) break;
          let hi = count;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if ((ids[mid] ?? 0) < w) lo = mid + 1;
            else hi = mid;
          }
          if (lo < count && ids[lo] === w) found[j] = 1;
        }
        continue;
      }
      const bytes = seg.packed.bytes;
      let p = start;
      let id = base;
      for (let i = 0; i < count && j < n; i++) {
        let b = bytes[p++] ?? 0;
        let v = b & 0x7f;
        let mul = 128;
        while (b >= 0x80) {
          b = bytes[p++] ?? 0;
          v += (b & 0x7f) * mul;
          mul *= 128;
        }
        id += v >>> 1;
        if (v & 1) while ((bytes[p++] ?? 0) >= 0x80);
        while (j < n && (wanted[j] ?? 0) < id) j++;
        while (j < n && wanted[j] === id) found[j++] = 1;
      }
      while (j < n && (wanted[j] ?? 0) < end) j++;
    }
    if (ref.delta === undefined || j === n) return;
    const k = ref.delta * STORED_FIELDS + field;
    const len = this.chainLen[k] ?? 0;
    const at = this.chainAt[k] ?? 0;
    const arena = this.arena;
    for (let i = 0; i < len && j < n; i += 2) {
      const id = arena[at + i] ?? 0;
      while (j < n && (wanted[j] ?? 0) < id) j++;
      while (j < n && wanted[j] === id) found[j++] = 1;
    }
  }

  /**
   * Segment s's decoded list of term ti in one field (`count` postings): the one kept, else
   * decoded now into arrays of its own and kept when `keep`; undefined when neither (the caller
   * decodes into the shared buffers). Why not arrays of its own anyway: a fresh list is fresh
   * memory, and on a first search (right after a load, or after the lists were dropped) fresh
   * memory costs a page fault per 4 KiB: ~12 µs of CPU each on this project's VM (50 fresh
   * 512 KiB arrays touched: 6,400 faults, 80 ms), ~3 ms per MB, where the decode itself costs
   * ~4 ns a posting (~0.08 ms for 20,000).
   */
  private decodedList(
    s: number,
    ti: number,
    field: number,
    count: number,
    keep: boolean,
  ): DecodedList | undefined {
    const key = decodedKey(s, ti, field);
    const held = this.decoded.get(key);
    if (held !== undefined || !keep) return held;
    const seg = this.segs[s] as PlacedSegment;
    const list = { ids: new Int32Array(count), tfs: new Uint32Array(count) };
    const { p } = fieldAt(seg.packed, ti, field);
    decode(seg.packed.bytes, p, count, field === F_TITLE ? seg.slotBase : seg.docBase, list.ids, list.tfs, 0);
    this.decoded.put(key, list);
    return list;
  }

  /** Terms starting with `prefix` (itself excluded), at most {@link PREFIX_EXPANSIONS}, most frequent first. */
  expandPrefix(prefix: string): string[] {
    const found = new Set<string>();
    for (const seg of this.segs) {
      const terms = seg.packed.terms;
      let scanned = 0;
      for (let i = lowerBound(terms, prefix); i < terms.length && scanned < PREFIX_SCAN; i++, scanned++) {
        const t = terms[i] as string;
        if (!t.startsWith(prefix)) break;
        if (t !== prefix) found.add(t);
      }
    }
    let scanned = 0;
    for (const t of this.delta.atPrefix(prefix).keys()) {
      if (scanned++ >= PREFIX_SCAN) break;
      if (t !== prefix) found.add(t);
    }
    return this.mostFrequent(found, PREFIX_EXPANSIONS);
  }

  /** Terms within `max` edits of `term` that share its first character (as Lucene's prefix length 1). */
  expandFuzzy(term: string, max: number): Array<[string, number]> {
    const out = new Map<string, number>();
    const head = term.charAt(0);
    for (const seg of this.segs) {
      const terms = seg.packed.terms;
      for (let i = lowerBound(terms, head); i < terms.length; i++) {
        const t = terms[i] as string;
        if (!t.startsWith(head)) break;
        if (out.has(t)) continue;
        const d = boundedDistance(term, t, max);
        if (d > 0 && d <= max) out.set(t, d);
      }
    }
    for (const [t, [, d]] of this.delta.fuzzyGet(term, max)) {
      if (d > 0 && t.startsWith(head)) out.set(t, d);
    }
    return [...out];
  }

  /** Terms starting with `prefix` carrying every bit of `flags` (at most PREFIX_SCAN from each segment). */
  withPrefix(prefix: string, flags: number): string[] {
    const found = new Set<string>();
    for (const seg of this.segs) {
      const terms = seg.packed.terms;
      let added = 0;
      for (let i = lowerBound(terms, prefix); i < terms.length && added < PREFIX_SCAN; i++) {
        const t = terms[i] as string;
        if (!t.startsWith(prefix)) break;
        if (((seg.packed.flags[i] ?? 0) & flags) === flags) {
          found.add(t);
          added++;
        }
      }
    }
    for (const [t, d] of this.delta.atPrefix(prefix))
      if ((this.deltaFlagsOf(d) & flags) === flags) found.add(t);
    return [...found];
  }
}
