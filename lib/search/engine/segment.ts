/**
 * Segments: what a snapshot part holds, and the two ways the engine writes one.
 *
 * - **Sealing** turns the delta into a segment as it is: docs keep their numbers (the segment
 *   numbers them from its first doc), docs of interviews replaced or removed since they were
 *   written stay in it as dead slots, and the segment records what it did to older segments
 *   (interviews it removed, tags it edited). Cost: the batch, not the index.
 * - **Merging** writes the live docs of a run of segments (and the delta, when the run ends at
 *   the last segment) as one segment, renumbered, with the edits and removals that still act on
 *   segments older than the run. Merging every segment is a fold: a base with nothing dead.
 *
 * A reader places segments in order (see Engine): each one first removes and re-tags what it
 * says in the older ones, then appends its docs. The writer's state after sealing is exactly
 * that, so a reader of the published parts answers like the writer.
 */
import { Bytes, type Unsigned } from './columns.ts';
import {
  buildKanaTerms,
  type DeltaList,
  F_TITLE,
  type KanaTerms,
  type PackedSegment,
  type Postings,
  STORED_FIELDS,
  type TermRef,
} from './postings.ts';
import type { DocColumns, DocTable, Names, SlotTable, TagColumns, TagTable } from './tables.ts';

/** A packed segment with its tables, in local numbers (docs and slots from 0). */
export interface Segment {
  packed: PackedSegment;
  kana: KanaTerms;
  docs: DocColumns;
  slots: { keys: string[]; start: Unsigned; titleLen: Unsigned };
  tags: TagColumns;
  /** Speaker person ids; a doc's speaker column holds the index here + 1 (0: unknown). */
  persons: string[];
  /** Written forms of terms first indexed in this segment. */
  surfaces: Array<[string, string]>;
  /** Local slots dead within the segment (their interviews were replaced or removed before sealing). */
  deadSlots: number[];
  /** Keys whose interview in an older segment this one removes (before adding its own slots). */
  removes: string[];
  /** Tag edits of quotes in older segments: [key, ordinal, tags]. */
  tagEdits: Array<[string, number, string[]]>;
}

/** The engine's parts a segment is written from. */
export interface SegmentSource {
  docs: DocTable;
  slots: SlotTable;
  tags: TagTable;
  persons: Names;
  postings: Postings;
}

/** What to write: segments [from, to) and, with `delta`, the delta after them. */
export interface SegmentRange {
  from: number;
  to: number;
  delta: boolean;
  /** Keep dead docs under their numbers (sealing) instead of dropping them (merging). */
  keepDead: boolean;
  surfaces: Array<[string, string]>;
  removes: string[];
  tagEdits: Array<[string, number, string[]]>;
}

/** Packs the postings of one term (all fields) renumbered by `newDoc`/`newSlot`; false when none survive. */
function packTerm(
  postings: Postings,
  ref: TermRef,
  newDoc: Int32Array,
  docStart: number,
  newSlot: Int32Array,
  slotStart: number,
  out: Bytes,
  field: Bytes,
): boolean {
  let mask = 0;
  const heads: Array<[number, number]> = [];
  field.n = 0;
  for (let f = 0; f < STORED_FIELDS; f++) {
    const title = f === F_TITLE;
    const map = title ? newSlot : newDoc;
    const start = title ? slotStart : docStart;
    // Not kept decoded: a segment is written from every term once.
    const n = postings.fetchAt(ref, f, false);
    const at = field.n;
    let prev = 0;
    let count = 0;
    for (let k = 0; k < n; k++) {
      const id = map[(postings.ids[k] ?? 0) - start] ?? -1;
      if (id < 0) continue;
      const tf = postings.tfs[k] ?? 1;
      field.varint((id - prev) * 2 + (tf > 1 ? 1 : 0));
      if (tf > 1) field.varint(tf - 2);
      prev = id;
      count++;
    }
    if (count === 0) continue;
    mask |= 1 << f;
    heads.push([count, field.n - at]);
  }
  if (mask === 0) return false;
  out.varint(mask);
  for (const [c, len] of heads) {
    out.varint(c);
    out.varint(len);
  }
  out.bytes(field.view());
  return true;
}

/** Writes a range of the engine as one segment (see the module comment). */
export function writeSegment(e: SegmentSource, r: SegmentRange): Segment {
  const { docs, slots, tags, persons, postings } = e;
  const segs = postings.segs;
  const docStart = segs[r.from]?.docBase ?? postings.packedDocs;
  const slotStart = segs[r.from]?.slotBase ?? postings.packedSlots;
  const docEnd = r.delta ? docs.count : (segs[r.to]?.docBase ?? postings.packedDocs);
  const slotEnd = r.delta ? slots.count : (segs[r.to]?.slotBase ?? postings.packedSlots);
  // Local numbers: every doc and slot when sealing, the live ones when merging.
  const newDoc = new Int32Array(docEnd - docStart).fill(-1);
  const newSlot = new Int32Array(slotEnd - slotStart).fill(-1);
  const kept: number[] = [];
  const keptSlots: number[] = [];
  for (let s = slotStart; s < slotEnd; s++) {
    if (!r.keepDead && slots.dead.a[s]) continue;
    newSlot[s - slotStart] = keptSlots.length;
    keptSlots.push(s);
    for (let d = slots.start.a[s] ?? 0; d < (slots.start.a[s + 1] ?? 0); d++) {
      newDoc[d - docStart] = kept.length;
      kept.push(d);
    }
  }
  // The dictionary: every source's terms in order (each is sorted), postings merged per term.
  const sources: string[][] = [];
  for (let s = r.from; s < r.to; s++) sources.push(segs[s]?.packed.terms ?? []);
  const deltaTerms = r.delta ? [...postings.delta.keys()].sort() : [];
  const heads = new Int32Array(sources.length);
  let deltaHead = 0;
  const ref: TermRef = { at: new Int32Array(segs.length).fill(-1), delta: undefined };
  const terms: string[] = [];
  const flags: number[] = [];
  const offsets: number[] = [];
  const out = new Bytes();
  const field = new Bytes();
  for (;;) {
    let term: string | undefined;
    for (let k = 0; k < sources.length; k++) {
      const t = sources[k]?.[heads[k] ?? 0];
      if (t !== undefined && (term === undefined || t < term)) term = t;
    }
    const dt = deltaTerms[deltaHead];
    if (dt !== undefined && (term === undefined || dt < term)) term = dt;
    if (term === undefined) break;
    let flag = 0;
    for (let k = 0; k < sources.length; k++) {
      const i = heads[k] ?? 0;
      if (sources[k]?.[i] === term) {
        ref.at[r.from + k] = i;
        flag |= segs[r.from + k]?.packed.flags[i] ?? 0;
        heads[k] = i + 1;
      } else ref.at[r.from + k] = -1;
    }
    let dp: DeltaList | undefined;
    if (dt === term) {
      dp = postings.deltaList(dt);
      if (dp !== undefined) flag |= postings.deltaFlagsOf(dp);
      deltaHead++;
    }
    ref.delta = dp;
    // The dictionary is stored '\n'-joined: a term containing one cannot be kept.
    if (term.includes('\n')) continue;
    const at = out.n;
    if (!packTerm(postings, ref, newDoc, docStart, newSlot, slotStart, out, field)) continue;
    terms.push(term);
    flags.push(flag);
    offsets.push(at);
  }
  offsets.push(out.n);
  const packed: PackedSegment = {
    terms,
    flags: Uint8Array.from(flags),
    offsets: Uint32Array.from(offsets),
    bytes: out.view().slice(),
    docs: kept.length,
    slots: keptSlots.length,
  };
  // Tables in local numbers, speakers and tags with the segment's own names.
  const localPersons: string[] = [];
  const personIds = new Map<number, number>();
  const personOf = (p: number): number => {
    if (p === 0) return 0;
    let id = personIds.get(p);
    if (id === undefined) {
      id = localPersons.length;
      localPersons.push(persons.name(p - 1));
      personIds.set(p, id);
    }
    return id + 1;
  };
  const docCols = docs.gather(
    kept,
    (d) => (d >= docStart && d < docEnd ? (newDoc[d - docStart] ?? -1) : -1),
    (s) => newSlot[s - slotStart] ?? 0,
    personOf,
  );
  const start = new Uint32Array(keptSlots.length + 1);
  for (const s of docCols.slotOf) start[s + 1] = (start[s + 1] ?? 0) + 1;
  for (let s = 1; s <= keptSlots.length; s++) start[s] = (start[s] ?? 0) + (start[s - 1] ?? 0);
  const deadSlots: number[] = [];
  if (r.keepDead)
    keptSlots.forEach((s, i) => {
      if (slots.dead.a[s]) deadSlots.push(i);
    });
  return {
    packed,
    kana: buildKanaTerms(packed.terms, packed.flags),
    docs: docCols,
    slots: {
      keys: keptSlots.map((s) => slots.keys[s] as string),
      start,
      titleLen: Uint32Array.from(keptSlots, (s) => slots.titleLen.a[s] ?? 0),
    },
    tags: tags.slice(docStart, docEnd, (d) => (newDoc[d - docStart] ?? -1) >= 0),
    persons: localPersons,
    surfaces: r.surfaces,
    deadSlots,
    removes: r.removes,
    tagEdits: r.tagEdits,
  };
}

/** How the engine tiers its segments (see {@link planMerge}). */
export interface MergePolicy {
  /** A tier holds segments of up to `factor` times the docs of the tier below; this many of one tier merge. */
  factor: number;
  /** Docs of the smallest tier's segments (smaller ones count as that size). */
  floor: number;
  /** A segment whose share of dead docs reaches this is rewritten alone. */
  maxDeadShare: number;
}

export const MERGE_POLICY: MergePolicy = { factor: 8, floor: 1000, maxDeadShare: 0.4 };

/** A segment's size as the policy sees it. */
export interface SegmentSize {
  docs: number;
  live: number;
}

/**
 * The next merge a size-tiered policy asks for, as a run [from, to) of segments, or null.
 * Tier t holds segments of fewer than floor × factor^(t+1) docs. When the newest segments of
 * tier ≤ t hold `factor` of tier t, they merge (the lowest such t first); a merge writes each
 * doc again about once per tier, so the cost per doc written grows with log(index), and the
 * number of segments stays below factor × tiers. A segment with too many dead docs is
 * rewritten alone, so replaced interviews do not stay in memory (and in document frequencies).
 */
export function planMerge(
  sizes: readonly SegmentSize[],
  policy: MergePolicy = MERGE_POLICY,
): [number, number] | null {
  const n = sizes.length;
  if (n === 0) return null;
  const tier = (docs: number) =>
    Math.max(0, Math.floor(Math.log(Math.max(docs, 1) / policy.floor) / Math.log(policy.factor) + 1e-9));
  const tiers = sizes.map((s) => tier(s.docs));
  const top = Math.max(...tiers);
  for (let t = 0; t <= top; t++) {
    // The newest segments of tier ≤ t; they merge when `factor` of them are of tier t.
    let k = n;
    let full = 0;
    while (k > 0 && (tiers[k - 1] ?? 0) <= t) {
      if (tiers[k - 1] === t) full++;
      k--;
    }
    if (full >= policy.factor) return [k, n];
  }
  let worst = -1;
  let share = 0;
  sizes.forEach((s, i) => {
    const dead = s.docs > 0 ? 1 - s.live / s.docs : 0;
    if (s.docs - s.live >= policy.floor && dead >= policy.maxDeadShare && dead > share) {
      worst = i;
      share = dead;
    }
  });
  return worst >= 0 ? [worst, worst + 1] : null;
}
