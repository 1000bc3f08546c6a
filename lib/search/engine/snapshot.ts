/**
 * The snapshot format of a folded engine: "KKG1", a 4-byte header length, a JSON header (the
 * caller's fields, then layout, counts, slot keys, tag names, speaker ids, surfaces and the
 * section table), padding to 8 bytes, then each array at an 8-aligned offset. Loading is views
 * over one buffer: no per-term or per-doc work beyond splitting the dictionary.
 */
import { SnapshotVersionError } from '../../errors.ts';
import type { Typed } from './columns.ts';
import { sum } from './columns.ts';
import { Postings } from './postings.ts';
import { DocTable, Names, SlotTable, TagTable } from './tables.ts';

/** Version of the packed layout (part of the snapshot's schema version). */
export const PACKED_LAYOUT = 'kikigaki-packed-3';
const MAGIC = 0x4b4b4731; // "KKG1"

/** Header of a packed engine, stored as JSON before its arrays. */
export interface SnapshotHeader {
  layout: string;
  docs: number;
  slots: number;
  keys: string[];
  tags: string[];
  persons: string[];
  surfaces: Array<[string, string]>;
  sections: Array<[string, number, number]>;
}

/** What a snapshot holds: a folded engine's parts (no delta, no tombstones). */
export interface SnapshotParts {
  docs: DocTable;
  slots: SlotTable;
  tags: TagTable;
  persons: Names;
  postings: Postings;
}

/** Writes folded parts as bytes, with `extra` fields in the header. */
export function writeSnapshot(p: SnapshotParts, extra: Record<string, unknown>): Uint8Array {
  const { base } = p.postings;
  const arrays: Array<[string, Typed]> = [
    ['terms', new TextEncoder().encode(base.terms.join('\n'))],
    ['flags', base.flags],
    ['offsets', base.offsets],
    ['postings', base.bytes],
    ['slotOfDoc', p.docs.slotOf.view()],
    ['ordinal', p.docs.ordinal.view()],
    ['role', p.docs.role.view()],
    ['questionOf', p.docs.questionOf.view()],
    ['span', p.docs.span.view()],
    ['lenText', p.docs.lens[0].view()],
    ['lenSpeaker', p.docs.lens[1].view()],
    ['lenSection', p.docs.lens[2].view()],
    ['speaker', p.docs.speaker.view()],
    ['slotStart', p.slots.start.view()],
    ['titleLen', p.slots.titleLen.view()],
    ['tagStart', p.tags.start],
    ['tagIds', p.tags.ids],
    ['kanaGrams', new TextEncoder().encode(p.postings.kana.grams.join('\n'))],
    ['kanaOffsets', p.postings.kana.offsets],
    ['kanaIds', p.postings.kana.ids],
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
    docs: base.docs,
    slots: base.slots,
    keys: p.slots.keys,
    tags: p.tags.names.names,
    persons: p.persons.names,
    surfaces: [...p.postings.surfaces],
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

/** Reads the header of snapshot bytes (throws when they are not a packed engine). */
export function readHeader(bytes: Uint8Array): SnapshotHeader & Record<string, unknown> {
  if (bytes.length < 8) throw new Error('not a kikigaki index');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== MAGIC) throw new Error('not a kikigaki index');
  const len = view.getUint32(4);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as SnapshotHeader &
    Record<string, unknown>;
}

/** Loads snapshot bytes into parts: views over one buffer. */
export function readSnapshot(input: Uint8Array): SnapshotParts {
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
  const termBytes = get('terms', u8, 1);
  const postings = new Postings();
  postings.base = {
    terms: termBytes.length === 0 ? [] : new TextDecoder().decode(termBytes).split('\n'),
    flags: get('flags', u8, 1),
    offsets: get('offsets', u32, 4),
    bytes: get('postings', u8, 1),
    docs: header.docs,
    slots: header.slots,
  };
  postings.surfaces = new Map(header.surfaces);
  const kanaGrams = get('kanaGrams', u8, 1);
  postings.kana = {
    grams: kanaGrams.length === 0 ? [] : new TextDecoder().decode(kanaGrams).split('\n'),
    offsets: get('kanaOffsets', u32, 4),
    ids: get('kanaIds', u32, 4),
  };
  const docs = DocTable.from({
    slotOf: get('slotOfDoc', u32, 4),
    ordinal: get('ordinal', u32, 4),
    role: get('role', u8, 1),
    questionOf: get('questionOf', i32, 4),
    span: get('span', u32, 4),
    lens: [get('lenText', u32, 4), get('lenSpeaker', u32, 4), get('lenSection', u32, 4)],
    speaker: get('speaker', u32, 4),
  });
  return {
    docs,
    slots: SlotTable.from(header.keys, get('slotStart', u32, 4), get('titleLen', u32, 4)),
    tags: TagTable.from(get('tagStart', u32, 4), get('tagIds', u32, 4), header.tags),
    persons: new Names(header.persons),
    postings,
  };
}

/** Token totals per field (text, speaker, section, title) of loaded parts. */
export function lengthTotals(p: SnapshotParts): number[] {
  return [
    sum(p.docs.lens[0].view()),
    sum(p.docs.lens[1].view()),
    sum(p.docs.lens[2].view()),
    sum(p.slots.titleLen.view()),
  ];
}
