/**
 * Folding: the delta and the tombstones merged into a new packed base. Live docs and slots are
 * renumbered in order, postings merged term by term (both dictionaries are sorted), the doc
 * table compacted. What was written since the last fold then costs nothing at query time.
 */
import { Bytes } from './columns.ts';
import {
  buildKanaTerms,
  type DeltaList,
  F_TITLE,
  type PackedSegment,
  Postings,
  STORED_FIELDS,
} from './postings.ts';
import type { DocTable, SlotTable, TagTable } from './tables.ts';

/** The parts of an engine a fold rewrites. */
export interface Folded {
  docs: DocTable;
  slots: SlotTable;
  tags: TagTable;
  postings: Postings;
}

/** Packs the postings of one term (all fields) after renumbering; null when none survive. */
function packTerm(
  postings: Postings,
  bi: number,
  dp: DeltaList | undefined,
  newDoc: Int32Array,
  newSlot: Int32Array,
  out: Bytes,
  field: Bytes,
): boolean {
  let mask = 0;
  const heads: Array<[number, number]> = [];
  field.n = 0;
  for (let f = 0; f < STORED_FIELDS; f++) {
    const map = f === F_TITLE ? newSlot : newDoc;
    const n = postings.fetchAt(bi, dp?.fields[f as 0], f);
    const start = field.n;
    let prev = 0;
    let count = 0;
    for (let k = 0; k < n; k++) {
      const id = map[postings.ids[k] ?? 0] ?? -1;
      if (id < 0) continue;
      const tf = postings.tfs[k] ?? 1;
      field.varint((id - prev) * 2 + (tf > 1 ? 1 : 0));
      if (tf > 1) field.varint(tf - 2);
      prev = id;
      count++;
    }
    if (count === 0) continue;
    mask |= 1 << f;
    heads.push([count, field.n - start]);
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

/** Folds `e` into a new base; `e` itself is left as it was. Returns null when nothing changed. */
export function fold(e: Folded, liveDocs: number, liveSlots: number): Folded | null {
  const { docs, slots, tags, postings } = e;
  const clean =
    docs.count === postings.base.docs && liveDocs === postings.base.docs && liveSlots === postings.base.slots;
  if (clean && tags.override.size === 0) return null;
  const newDoc = new Int32Array(docs.count).fill(-1);
  const newSlot = new Int32Array(slots.count).fill(-1);
  let nd = 0;
  let ns = 0;
  for (let s = 0; s < slots.count; s++) {
    if (slots.dead.at(s)) continue;
    newSlot[s] = ns++;
    for (let d = slots.start.at(s); d < slots.start.at(s + 1); d++) newDoc[d] = nd++;
  }
  const deltaTerms = [...postings.delta.keys()].sort();
  const baseTerms = postings.base.terms;
  const terms: string[] = [];
  const flags: number[] = [];
  const offsets: number[] = [];
  const out = new Bytes();
  const field = new Bytes();
  let i = 0;
  let j = 0;
  while (i < baseTerms.length || j < deltaTerms.length) {
    const bt = baseTerms[i];
    const dt = deltaTerms[j];
    let term: string;
    let bi = -1;
    let dp: DeltaList | undefined;
    if (dt === undefined || (bt !== undefined && bt < dt)) {
      term = bt as string;
      bi = i++;
    } else if (bt === undefined || dt < bt) {
      term = dt;
      dp = postings.delta.get(dt);
      j++;
    } else {
      term = bt;
      bi = i++;
      dp = postings.delta.get(dt);
      j++;
    }
    // The dictionary is stored '\n'-joined: a term containing one cannot be kept.
    if (term.includes('\n')) continue;
    const at = out.n;
    if (!packTerm(postings, bi, dp, newDoc, newSlot, out, field)) continue;
    terms.push(term);
    flags.push((bi >= 0 ? (postings.base.flags[bi] ?? 0) : 0) | (dp?.flags ?? 0));
    offsets.push(at);
  }
  offsets.push(out.n);
  const newDocs = docs.compact(newDoc, newSlot, nd);
  const base: PackedSegment = {
    terms,
    flags: Uint8Array.from(flags),
    offsets: Uint32Array.from(offsets),
    bytes: out.view().slice(),
    docs: nd,
    slots: ns,
  };
  const next = new Postings();
  next.base = base;
  next.kana = buildKanaTerms(base.terms, base.flags);
  const live = new Set(terms);
  for (const [t, s] of postings.surfaces) if (live.has(t)) next.surfaces.set(t, s);
  return {
    docs: newDocs,
    slots: slots.compact(newSlot, ns, newDocs.slotOf.view()),
    tags: tags.compact(newDoc, nd),
    postings: next,
  };
}
