/**
 * The format of a packed segment (a snapshot part). Layout 4 (written): "KKG1", a 4-byte frame
 * length, a small JSON frame (layout and the section table), padding to 8 bytes, then each
 * section at an 8-aligned offset. The first section is the JSON header (the caller's fields,
 * counts, slot keys, tag names, speaker ids, surfaces, what the segment does to older ones);
 * the others are the arrays. Each section is stored raw or deflated, and integer columns in the
 * fewest bytes their largest value needs (most doc columns fit one or two bytes).
 *
 * {@link writeSnapshot} writes raw sections (what the engine and tests round-trip);
 * {@link compressSnapshot} deflates them for storage, on the libuv threadpool, the postings in
 * independent blocks. Reading a compressed part inflates the header and tables at once and the
 * postings lazily: a block is inflated the first time a term in it is read (see
 * {@link PackedSegment.lazy}), and {@link warmSnapshot} inflates the rest in the background. So
 * a cold start pays for the tables and the dictionary, not for every posting list: with the 1M
 * index that is less than half the bytes, and fresh memory is what loading pays for most.
 *
 * Layout 3 (read, never written): one JSON header holding the section table, every section
 * raw at full width; it was stored gzipped as a whole (the reader's caller gunzips it).
 */
import { deflateRaw, inflateRaw, inflateRawSync } from 'node:zlib';
import { SnapshotVersionError } from '../../errors.ts';
import type { Typed, Unsigned } from './columns.ts';
import type { LazyBytes, PackedSegment } from './postings.ts';
import type { Segment } from './segment.ts';

/** Version of the packed layout written (part of the snapshot's schema version). */
export const PACKED_LAYOUT = 'kikigaki-packed-4';
/** The layout before this one, still read. */
export const PACKED_LAYOUT_3 = 'kikigaki-packed-3';
const MAGIC = 0x4b4b4731; // "KKG1"

/**
 * Postings are deflated in independent blocks of 2^this raw bytes: deflate's window is 32 KB,
 * so 64 KB blocks cost little ratio (10.0 vs 9.5 MB at 1M), and a block inflates in well under
 * a millisecond.
 */
export const POSTINGS_BLOCK_SHIFT = 16;

/** Sections smaller than this stay raw in a compressed part. */
const SMALL_SECTION = 1024;

/** How a layout-4 section is stored. */
const RAW = 0;
const DEFLATE = 1;
/** Deflated in blocks of 2^(the frame's blockShift) raw bytes; the section starts with the blocks' end offsets. */
const BLOCKS = 2;

/** A layout-4 section: name, offset after the frame, stored bytes, raw bytes, bytes per value as stored, codec. */
type Section4 = [string, number, number, number, number, number];

/** Header of a packed segment (the caller's fields beside these). */
export interface SnapshotHeader {
  layout: string;
  docs: number;
  slots: number;
  keys: string[];
  tags: string[];
  persons: string[];
  surfaces: Array<[string, string]>;
  /** Local slots dead within the segment (absent: none). */
  deadSlots?: number[];
  /** Keys whose interviews in older segments this one removes (absent: none). */
  removes?: string[];
  /** Tag edits of quotes of older segments, [key, ordinal, tags] (absent: none). */
  tagEdits?: Array<[string, number, string[]]>;
}

type Header = SnapshotHeader & Record<string, unknown>;

/** What a column holds, for narrowing it on disk and widening it back. */
type Kind = 'u8' | 'u32' | 'i32';

/** The arrays of a segment in section order (after the header). */
function arraysOf(seg: Segment): Array<[string, Typed, Kind]> {
  const { packed } = seg;
  return [
    ['terms', Buffer.from(packed.terms.join('\n'), 'utf8'), 'u8'],
    ['flags', packed.flags, 'u8'],
    ['offsets', packed.offsets, 'u32'],
    ['postings', packed.bytes, 'u8'],
    ['slotOfDoc', seg.docs.slotOf, 'u32'],
    ['ordinal', seg.docs.ordinal, 'u32'],
    ['role', seg.docs.role, 'u8'],
    ['questionOf', seg.docs.questionOf, 'i32'],
    ['span', seg.docs.span, 'u32'],
    ['lenText', seg.docs.lens[0], 'u32'],
    ['lenSpeaker', seg.docs.lens[1], 'u32'],
    ['lenSection', seg.docs.lens[2], 'u32'],
    ['speaker', seg.docs.speaker, 'u32'],
    ['slotStart', seg.slots.start, 'u32'],
    ['titleLen', seg.slots.titleLen, 'u32'],
    ['tagStart', seg.tags.start, 'u32'],
    ['tagIds', seg.tags.ids, 'u32'],
    ['kanaGrams', Buffer.from(seg.kana.grams.join('\n'), 'utf8'), 'u8'],
    ['kanaOffsets', seg.kana.offsets, 'u32'],
    ['kanaIds', seg.kana.ids, 'u32'],
  ];
}

/**
 * A 32-bit column in the fewest bytes per value (1, 2 or 4) its values need; i32 columns are
 * stored +1 (they hold −1 for none), so they narrow too.
 */
function narrow(a: Typed, kind: Kind): [Uint8Array, number] {
  if (kind === 'u8') return [new Uint8Array(a.buffer, a.byteOffset, a.byteLength), 1];
  const shift = kind === 'i32' ? 1 : 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const v = (a[i] ?? 0) + shift;
    if (v > max) max = v;
  }
  const width = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const out =
    width === 1
      ? new Uint8Array(a.length)
      : width === 2
        ? new Uint16Array(a.length)
        : new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) + shift;
  return [new Uint8Array(out.buffer, 0, out.byteLength), width];
}

/** Lays out a layout-4 part: the frame, then each section 8-aligned. */
function frame(
  sections: Array<[string, Uint8Array, number, number, number]>,
  blockShift?: number,
): Uint8Array {
  const table: Section4[] = [];
  let at = 0;
  for (const [name, stored, raw, width, codec] of sections) {
    table.push([name, at, stored.length, raw, width, codec]);
    at += Math.ceil(stored.length / 8) * 8;
  }
  const head = Buffer.from(
    JSON.stringify({ layout: PACKED_LAYOUT, sections: table, ...(blockShift ? { blockShift } : {}) }),
    'utf8',
  );
  const headLen = Math.ceil((8 + head.length) / 8) * 8;
  const bytes = new Uint8Array(headLen + at);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, head.length);
  bytes.set(head, 8);
  sections.forEach(([, stored], k) => {
    bytes.set(stored, headLen + (table[k] as Section4)[1]);
  });
  return bytes;
}

/** Writes a segment as bytes (raw sections), with `extra` fields in the header. */
export function writeSnapshot(seg: Segment, extra: Record<string, unknown>): Uint8Array {
  seg.packed.lazy?.ensure(0, seg.packed.bytes.length);
  const header: Header = {
    ...extra,
    layout: PACKED_LAYOUT,
    docs: seg.packed.docs,
    slots: seg.packed.slots,
    keys: seg.slots.keys,
    tags: seg.tags.names,
    persons: seg.persons,
    surfaces: seg.surfaces,
    ...(seg.deadSlots.length > 0 ? { deadSlots: seg.deadSlots } : {}),
    ...(seg.removes.length > 0 ? { removes: seg.removes } : {}),
    ...(seg.tagEdits.length > 0 ? { tagEdits: seg.tagEdits } : {}),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  return frame([
    ['header', head, head.length, 1, RAW],
    ...arraysOf(seg).map(([name, a, kind]): [string, Uint8Array, number, number, number] => {
      const [bytes, width] = narrow(a, kind);
      return [name, bytes, bytes.length, width, RAW];
    }),
  ]);
}

const deflateAsync = (b: Uint8Array): Promise<Buffer> =>
  new Promise((resolve, reject) => deflateRaw(b, (e, r) => (e ? reject(e) : resolve(r))));
const inflateAsync = (b: Uint8Array, size: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    inflateRaw(b, { chunkSize: Math.max(64, size) }, (e, r) => (e ? reject(e) : resolve(r))),
  );

/**
 * Deflates the sections of layout-4 bytes for storage (the postings in blocks inflated on
 * demand), in parallel on the threadpool. Bytes already compressed are returned as they are.
 */
export async function compressSnapshot(
  bytes: Uint8Array,
  blockShift = POSTINGS_BLOCK_SHIFT,
): Promise<Uint8Array> {
  const { frameJson, body } = readFrame(bytes);
  if (frameJson.layout !== PACKED_LAYOUT)
    throw new SnapshotVersionError(`layout ${String(frameJson.layout)}`, 4);
  const table = frameJson.sections as Section4[];
  if (table.some((s) => s[5] !== RAW)) return bytes;
  const block = 2 ** blockShift;
  const sections = await Promise.all(
    table.map(
      async ([name, offset, stored, raw, width]): Promise<[string, Uint8Array, number, number, number]> => {
        const data = body.subarray(offset, offset + stored);
        // A small section is not worth a deflate stream (each one sets up ~300 KB of state).
        if (data.length < SMALL_SECTION) return [name, data, raw, width, RAW];
        if (name !== 'postings') return [name, await deflateAsync(data), raw, width, DEFLATE];
        const blocks = await Promise.all(
          Array.from({ length: Math.ceil(data.length / block) }, (_, b) =>
            deflateAsync(data.subarray(b * block, (b + 1) * block)),
          ),
        );
        // The blocks' end offsets (after this table), then the blocks.
        const ends = new Uint32Array(blocks.length);
        let at = 0;
        blocks.forEach((b, k) => {
          at += b.length;
          ends[k] = at;
        });
        const out = new Uint8Array(ends.byteLength + at);
        out.set(new Uint8Array(ends.buffer), 0);
        let p = ends.byteLength;
        for (const b of blocks) {
          out.set(b, p);
          p += b.length;
        }
        return [name, out, raw, width, BLOCKS];
      },
    ),
  );
  return frame(sections, blockShift);
}

function readFrame(bytes: Uint8Array): { frameJson: Record<string, unknown>; body: Uint8Array } {
  // A plain Uint8Array view, so that no subarray of it is a Node Buffer with Buffer's semantics.
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (input.length < 8) throw new Error('not a kikigaki index');
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (view.getUint32(0) !== MAGIC) throw new Error('not a kikigaki index');
  const len = view.getUint32(4);
  const frameJson = JSON.parse(utf8(input.subarray(8, 8 + len))) as Record<string, unknown>;
  return { frameJson, body: input.subarray(Math.ceil((8 + len) / 8) * 8) };
}

function utf8(a: Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('utf8');
}

/** A section's raw bytes (inflated when stored deflated). */
function rawOf(body: Uint8Array, s: Section4): Uint8Array {
  const [name, offset, stored, raw, , codec] = s;
  const data = body.subarray(offset, offset + stored);
  if (codec === RAW) return data;
  if (codec !== DEFLATE) throw new SnapshotVersionError(`section ${name} codec ${codec}`, 4);
  const out = raw === 0 ? new Uint8Array(0) : inflateRawSync(data, { chunkSize: Math.max(64, raw) });
  if (out.length !== raw) throw new Error(`snapshot section ${name}: ${out.length} bytes, expected ${raw}`);
  return out;
}

/** A typed array over a section's raw bytes, widened (and shifted back for i32) when stored narrow. */
function typed(raw: Uint8Array, width: number, kind: Kind, widen = true): Typed {
  if (kind === 'u8') return raw;
  // Views need aligned offsets: copy a section that is not (small inflated outputs may be pooled).
  // `new Uint8Array(x)` copies; `slice()` would not when x is a Node Buffer.
  const r = raw.byteOffset % 4 === 0 ? raw : new Uint8Array(raw);
  const n = r.length / width;
  const src =
    width === 1
      ? r
      : width === 2
        ? new Uint16Array(r.buffer, r.byteOffset, n)
        : new Uint32Array(r.buffer, r.byteOffset, n);
  if (kind === 'u32') return src instanceof Uint32Array || !widen ? src : Uint32Array.from(src);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (src[i] ?? 0) - 1;
  return out;
}

/**
 * The postings of a compressed part: `bytes` is allocated at full size (the operating system
 * maps its pages when they are first written) and each block is inflated into place the first
 * time a term in it is read; once all are, the segment drops this.
 */
class LazyBlocks implements LazyBytes {
  private readonly done: Uint8Array;
  private left: number;
  private readonly block: number;

  constructor(
    private readonly packed: PackedSegment,
    private stored: Uint8Array,
    private readonly ends: Uint32Array,
    private readonly shift: number,
  ) {
    this.done = new Uint8Array(ends.length);
    this.left = ends.length;
    this.block = 2 ** shift;
  }

  private data(b: number): Uint8Array {
    return this.stored.subarray(b === 0 ? 0 : (this.ends[b - 1] ?? 0), this.ends[b] ?? 0);
  }

  private size(b: number): number {
    return Math.min(this.block, this.packed.bytes.length - b * this.block);
  }

  private put(b: number, out: Uint8Array): void {
    if (this.done[b]) return;
    if (out.length !== this.size(b)) throw new Error(`postings block ${b}: ${out.length} bytes`);
    this.packed.bytes.set(out, b * this.block);
    this.done[b] = 1;
    if (--this.left === 0) {
      this.packed.lazy = undefined;
      this.stored = new Uint8Array(0);
    }
  }

  ensure(from: number, to: number): void {
    if (to <= from) return;
    const last = (to - 1) >>> this.shift;
    for (let b = from >>> this.shift; b <= last; b++)
      if (!this.done[b]) this.put(b, inflateRawSync(this.data(b), { chunkSize: Math.max(64, this.size(b)) }));
  }

  async warm(): Promise<void> {
    // A few blocks in flight at a time: the threadpool stays available to other work.
    let next = 0;
    const worker = async () => {
      for (;;) {
        while (next < this.ends.length && this.done[next]) next++;
        const b = next++;
        if (b >= this.ends.length) return;
        this.put(b, await inflateAsync(this.data(b), this.size(b)));
      }
    };
    await Promise.all([worker(), worker()]);
  }
}

/** A loaded part: its header and its segment. */
export interface OpenedSnapshot {
  header: Header;
  segment: Segment;
}

/** Reads the header of segment bytes (throws when they are not a packed segment). */
export function readHeader(bytes: Uint8Array): Header {
  const { frameJson, body } = readFrame(bytes);
  if (frameJson.layout === PACKED_LAYOUT_3 || !Array.isArray(frameJson.sections)) return frameJson as Header;
  const table = frameJson.sections as Section4[];
  const s = table.find((x) => x[0] === 'header');
  if (!s) throw new SnapshotVersionError('layout without header', 4);
  return JSON.parse(utf8(rawOf(body, s))) as Header;
}

/** Loads segment bytes (any layout read) with their header; see the module comment. */
export function openSnapshot(input: Uint8Array): OpenedSnapshot {
  // Typed-array views need aligned offsets; copy once when the buffer is not 8-aligned.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const { frameJson, body } = readFrame(bytes);
  if (frameJson.layout === PACKED_LAYOUT_3) return openLayout3(frameJson as Header, body);
  if (frameJson.layout !== PACKED_LAYOUT)
    throw new SnapshotVersionError(`layout ${String(frameJson.layout)}`, 4);
  const table = new Map((frameJson.sections as Section4[]).map((s) => [s[0], s]));
  const section = (name: string): Section4 => {
    const s = table.get(name);
    if (!s) throw new SnapshotVersionError(`layout without ${name}`, 4);
    return s;
  };
  const header = JSON.parse(utf8(rawOf(body, section('header')))) as Header;
  const get = <A extends Typed>(name: string, kind: Kind): A => {
    const s = section(name);
    return typed(rawOf(body, s), s[4], kind) as A;
  };
  // Table columns stay as narrow as stored: placing them widens them into the engine's tables.
  const narrowed = (name: string): Unsigned => {
    const s = section(name);
    return typed(rawOf(body, s), s[4], 'u32', false) as Unsigned;
  };
  const split = (a: Uint8Array) => (a.length === 0 ? [] : utf8(a).split('\n'));
  const p = section('postings');
  let postings: Uint8Array;
  let blocks: { stored: Uint8Array; ends: Uint32Array } | null = null;
  const shift = Number(frameJson.blockShift ?? POSTINGS_BLOCK_SHIFT);
  if (p[5] === BLOCKS) {
    const n = Math.ceil(p[3] / 2 ** shift);
    const data = body.subarray(p[1], p[1] + p[2]);
    // A copy of the block ends (a Buffer's slice() would be a view of its whole ArrayBuffer).
    const ends = new Uint32Array(new Uint8Array(data.subarray(0, n * 4)).buffer);
    blocks = { stored: data.subarray(n * 4), ends };
    postings = new Uint8Array(p[3]);
  } else postings = rawOf(body, p);
  const packed: PackedSegment = {
    terms: split(get('terms', 'u8')),
    flags: get('flags', 'u8'),
    offsets: get('offsets', 'u32'),
    bytes: postings,
    docs: header.docs,
    slots: header.slots,
  };
  if (blocks && blocks.ends.length > 0)
    packed.lazy = new LazyBlocks(packed, blocks.stored, blocks.ends, shift);
  return {
    header,
    segment: {
      packed,
      kana: {
        grams: split(get('kanaGrams', 'u8')),
        offsets: get('kanaOffsets', 'u32'),
        ids: get('kanaIds', 'u32'),
      },
      docs: {
        slotOf: narrowed('slotOfDoc'),
        ordinal: narrowed('ordinal'),
        role: get('role', 'u8'),
        questionOf: get('questionOf', 'i32'),
        span: narrowed('span'),
        lens: [narrowed('lenText'), narrowed('lenSpeaker'), narrowed('lenSection')],
        speaker: narrowed('speaker'),
      },
      slots: { keys: header.keys, start: narrowed('slotStart'), titleLen: narrowed('titleLen') },
      tags: { start: narrowed('tagStart'), ids: narrowed('tagIds'), names: header.tags },
      persons: header.persons,
      surfaces: header.surfaces,
      deadSlots: header.deadSlots ?? [],
      removes: header.removes ?? [],
      tagEdits: header.tagEdits ?? [],
    },
  };
}

/** Layout 3: views over one buffer, every array at full width. */
function openLayout3(
  header: Header & { sections?: Array<[string, number, number]> },
  body: Uint8Array,
): OpenedSnapshot {
  const sections = header.sections ?? [];
  const get = <A extends Typed>(
    name: string,
    make: (b: ArrayBuffer, o: number, n: number) => A,
    size: number,
  ): A => {
    const s = sections.find((x) => x[0] === name);
    if (!s) throw new SnapshotVersionError(`layout without ${name}`, 3);
    return make(body.buffer as ArrayBuffer, body.byteOffset + s[1], s[2] / size);
  };
  const u8 = (b: ArrayBuffer, o: number, n: number) => new Uint8Array(b, o, n);
  const u32 = (b: ArrayBuffer, o: number, n: number) => new Uint32Array(b, o, n);
  const i32 = (b: ArrayBuffer, o: number, n: number) => new Int32Array(b, o, n);
  const split = (a: Uint8Array) => (a.length === 0 ? [] : utf8(a).split('\n'));
  return {
    header,
    segment: {
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
    },
  };
}

/** Loads segment bytes (see {@link openSnapshot}). */
export function readSnapshot(input: Uint8Array): Segment {
  return openSnapshot(input).segment;
}

/** Inflates in the background whatever of a loaded segment's postings is still compressed. */
export function warmSnapshot(seg: Segment): Promise<void> {
  return seg.packed.lazy?.warm() ?? Promise.resolve();
}
