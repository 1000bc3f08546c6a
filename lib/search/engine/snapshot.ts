/**
 * The format of a packed segment (a snapshot part): "KKG1", a 4-byte header length, a JSON
 * header (the caller's fields, then layout, counts, slot keys, tag names, speaker ids, surfaces,
 * what the segment does to older ones, and the section table), padding to 8 bytes, then each
 * array at an 8-aligned offset. Loading is views over one buffer: no per-term or per-doc work
 * beyond splitting the dictionary. A base is a segment with nothing older to act on.
 */
import { SnapshotVersionError } from '../../errors.ts';
import type { Typed } from './columns.ts';
import type { Segment } from './segment.ts';

/** Version of the packed layout (part of the snapshot's schema version). */
export const PACKED_LAYOUT = 'kikigaki-packed-3';
const MAGIC = 0x4b4b4731; // "KKG1"

/** Header of a packed segment, stored as JSON before its arrays. */
export interface SnapshotHeader {
  layout: string;
  docs: number;
  slots: number;
  keys: string[];
  tags: string[];
  persons: string[];
  surfaces: Array<[string, string]>;
  sections: Array<[string, number, number]>;
  /** Local slots dead within the segment (absent: none). */
  deadSlots?: number[];
  /** Keys whose interviews in older segments this one removes (absent: none). */
  removes?: string[];
  /** Tag edits of quotes of older segments, [key, ordinal, tags] (absent: none). */
  tagEdits?: Array<[string, number, string[]]>;
}

/** Writes a segment as bytes, with `extra` fields in the header. */
export function writeSnapshot(seg: Segment, extra: Record<string, unknown>): Uint8Array {
  const { packed } = seg;
  const arrays: Array<[string, Typed]> = [
    ['terms', new TextEncoder().encode(packed.terms.join('\n'))],
    ['flags', packed.flags],
    ['offsets', packed.offsets],
    ['postings', packed.bytes],
    ['slotOfDoc', seg.docs.slotOf],
    ['ordinal', seg.docs.ordinal],
    ['role', seg.docs.role],
    ['questionOf', seg.docs.questionOf],
    ['span', seg.docs.span],
    ['lenText', seg.docs.lens[0]],
    ['lenSpeaker', seg.docs.lens[1]],
    ['lenSection', seg.docs.lens[2]],
    ['speaker', seg.docs.speaker],
    ['slotStart', seg.slots.start],
    ['titleLen', seg.slots.titleLen],
    ['tagStart', seg.tags.start],
    ['tagIds', seg.tags.ids],
    ['kanaGrams', new TextEncoder().encode(seg.kana.grams.join('\n'))],
    ['kanaOffsets', seg.kana.offsets],
    ['kanaIds', seg.kana.ids],
  ];
  const sections: Array<[string, number, number]> = [];
  let at = 0;
  for (const [name, a] of arrays) {
    sections.push([name, at, a.byteLength]);
    at += Math.ceil(a.byteLength / 8) * 8;
  }
  const header: SnapshotHeader & Record<string, unknown> = {
    ...extra,
    layout: PACKED_LAYOUT,
    docs: packed.docs,
    slots: packed.slots,
    keys: seg.slots.keys,
    tags: seg.tags.names,
    persons: seg.persons,
    surfaces: seg.surfaces,
    ...(seg.deadSlots.length > 0 ? { deadSlots: seg.deadSlots } : {}),
    ...(seg.removes.length > 0 ? { removes: seg.removes } : {}),
    ...(seg.tagEdits.length > 0 ? { tagEdits: seg.tagEdits } : {}),
    sections,
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const headLen = Math.ceil((8 + head.length) / 8) * 8;
  const bytes = new Uint8Array(headLen + at);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, head.length);
  bytes.set(head, 8);
  arrays.forEach(([, a], k) => {
    const s = sections[k] as [string, number, number];
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), headLen + s[1]);
  });
  return bytes;
}

/** Reads the header of segment bytes (throws when they are not a packed segment). */
export function readHeader(bytes: Uint8Array): SnapshotHeader & Record<string, unknown> {
  if (bytes.length < 8) throw new Error('not a kikigaki index');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== MAGIC) throw new Error('not a kikigaki index');
  const len = view.getUint32(4);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as SnapshotHeader &
    Record<string, unknown>;
}

/** Loads segment bytes: views over one buffer. */
export function readSnapshot(input: Uint8Array): Segment {
  // Typed-array views need aligned offsets; copy once when the buffer is not 8-aligned.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const header = readHeader(bytes);
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
  const split = (a: Uint8Array) => (a.length === 0 ? [] : new TextDecoder().decode(a).split('\n'));
  return {
    packed: {
      terms: split(get('terms', u8, 1)),
      flags: get('flags', u8, 1),
      offsets: get('offsets', u32, 4),
      bytes: get('postings', u8, 1),
      docs: header.docs,
      slots: header.slots,
    },
    kana: {
      grams: split(get('kanaGrams', u8, 1)),
      offsets: get('kanaOffsets', u32, 4),
      ids: get('kanaIds', u32, 4),
    },
    docs: {
      slotOf: get('slotOfDoc', u32, 4),
      ordinal: get('ordinal', u32, 4),
      role: get('role', u8, 1),
      questionOf: get('questionOf', i32, 4),
      span: get('span', u32, 4),
      lens: [get('lenText', u32, 4), get('lenSpeaker', u32, 4), get('lenSection', u32, 4)],
      speaker: get('speaker', u32, 4),
    },
    slots: { keys: header.keys, start: get('slotStart', u32, 4), titleLen: get('titleLen', u32, 4) },
    tags: { start: get('tagStart', u32, 4), ids: get('tagIds', u32, 4), names: header.tags },
    persons: header.persons,
    surfaces: header.surfaces,
    deadSlots: header.deadSlots ?? [],
    removes: header.removes ?? [],
    tagEdits: header.tagEdits ?? [],
  };
}
