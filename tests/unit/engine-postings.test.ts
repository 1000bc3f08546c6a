/** Postings: one decoder over the packed base and the delta, the byte layout, expansions. */
import { describe, expect, it } from 'vitest';
import { Bytes, readVarint } from '../../lib/search/engine/columns.ts';
import { DecodedLists } from '../../lib/search/engine/decoded.ts';
import {
  F_SECTION,
  F_TEXT,
  F_TITLE,
  FLAG_SUGGEST,
  Postings,
  PREFIX_EXPANSIONS,
} from '../../lib/search/engine/postings.ts';
import { writeSegment } from '../../lib/search/engine/segment.ts';
import { DocTable, Names, SlotTable, TagTable } from '../../lib/search/engine/tables.ts';

/** Docs [from, from + n) of one new slot `key`, with the postings `add` writes to the delta. */
function grow(
  docs: DocTable,
  slots: SlotTable,
  postings: Postings,
  key: string,
  n: number,
  add: (p: Postings, first: number) => void,
): void {
  const first = docs.count;
  for (let d = 0; d < n; d++) {
    docs.slotOf.push(slots.count);
    docs.ordinal.push(d + 1);
    docs.role.push(0);
    docs.questionOf.push(-1);
    docs.span.push(0);
    docs.speaker.push(0);
    docs.dead.push(0);
    for (const l of docs.lens) l.push(1);
  }
  slots.add(key, 1);
  slots.close(docs.count);
  add(postings, first);
}

/** A segment's batch: n docs of one slot, and the postings to add for them. */
type Batch = [number, (p: Postings, first: number) => void];

/** Postings sealed into one segment per entry of `batches` (n docs of one slot each). */
function sealed(...batches: Batch[]): Postings {
  return sealedInto(new Postings(), ...batches);
}

/** {@link sealed} into the given (empty) postings. */
function sealedInto(postings: Postings, ...batches: Batch[]): Postings {
  const docs = new DocTable();
  const slots = new SlotTable();
  const tags = new TagTable();
  batches.forEach(([n, add], i) => {
    grow(docs, slots, postings, `iv${i}`, n, add);
    const k = postings.segs.length;
    const seg = writeSegment(
      { docs, slots, tags, persons: new Names(), postings },
      { from: k, to: k, delta: true, keepDead: true, surfaces: [], removes: [], tagEdits: [] },
    );
    postings.clearDelta();
    postings.place(seg.packed, seg.kana);
    tags.append(seg.tags);
  });
  return postings;
}

/** A packed base over `n` docs of one slot, with the given postings. */
function packed(n: number, add: (p: Postings) => void): Postings {
  return sealed([n, add]);
}

describe('varints', () => {
  it('round-trips values across byte boundaries', () => {
    const b = new Bytes();
    const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 32 + 5];
    for (const v of values) b.varint(v);
    const pos = { p: 0 };
    expect(values.map(() => readVarint(b.view(), pos))).toEqual(values);
    expect(pos.p).toBe(b.n);
  });
});

describe('postings', () => {
  it('writes the documented layout: field mask, count and length per field, delta-coded ids with a tf bit', () => {
    const p = packed(300, (d) => {
      d.add('介護', F_TEXT, 3, 1, FLAG_SUGGEST);
      d.add('介護', F_TEXT, 200, 3, FLAG_SUGGEST);
      d.add('介護', F_SECTION, 7, 1, 0);
    });
    const base = p.segs[0]?.packed;
    if (!base) throw new Error('no segment');
    const bytes = base.bytes.subarray(base.offsets[0], base.offsets[1]);
    // mask text|section; text: 2 entries in 4 bytes; section: 1 entry in 1 byte;
    // text entries: 3·2+0 = 6; (200−3)·2+1 = 395 = [0x8b 0x03], tf−2 = 1; section: 7·2 = 14.
    expect([...bytes]).toEqual([0b101, 2, 4, 1, 1, 6, 0x8b, 0x03, 1, 14]);
    expect(p.df('介護', F_TEXT)).toBe(2);
    expect(p.df('介護', F_TITLE)).toBe(0);
  });

  it('decodes base postings followed by the delta’s, in id order', () => {
    const p = packed(10, (d) => {
      d.add('副業', F_TEXT, 1, 2, 0);
      d.add('副業', F_TEXT, 4, 1, 0);
    });
    p.add('副業', F_TEXT, 12, 5, 0);
    const n = p.fetch('副業', F_TEXT);
    expect([...p.ids.subarray(0, n)]).toEqual([1, 4, 12]);
    expect([...p.tfs.subarray(0, n)]).toEqual([2, 1, 5]);
    expect(p.df('副業', F_TEXT)).toBe(3);
    expect(p.fetch('ない', F_TEXT)).toBe(0);
  });

  it('decodes every segment in engine numbers, each from its own doc and slot base', () => {
    const p = sealed(
      [3, (d, first) => d.add('副業', F_TEXT, first + 2, 1, 0)],
      [
        4,
        (d, first) => {
          d.add('副業', F_TEXT, first, 3, 0);
          d.add('副業', F_TITLE, 1, 1, 0);
        },
      ],
      [2, (d, first) => d.add('介護', F_TEXT, first + 1, 1, 0)],
    );
    expect(p.segs.map((s) => [s.docBase, s.slotBase])).toEqual([
      [0, 0],
      [3, 1],
      [7, 2],
    ]);
    // Segment-local ids on disk: the second segment's first doc is stored as 0.
    expect(p.segs[1]?.packed.docs).toBe(4);
    p.add('副業', F_TEXT, 9, 2, 0);
    const n = p.fetch('副業', F_TEXT);
    expect([...p.ids.subarray(0, n)]).toEqual([2, 3, 9]);
    expect([...p.tfs.subarray(0, n)]).toEqual([1, 3, 2]);
    expect(p.df('副業', F_TEXT)).toBe(3);
    const t = p.fetch('副業', F_TITLE);
    expect([...p.ids.subarray(0, t)]).toEqual([1]);
    expect(p.fetch('介護', F_TEXT)).toBe(1);
    expect(p.ids[0]).toBe(8);
  });

  it('expands a prefix over both segments, capped at the most frequent terms', () => {
    const p = packed(200, (d) => {
      for (let i = 0; i < PREFIX_EXPANSIONS + 10; i++) {
        // term i occurs in i + 1 docs: the cap keeps the frequent ones.
        for (let k = 0; k <= i; k++) d.add(`kw${String(i).padStart(3, '0')}`, F_TEXT, k, 1, 0);
      }
    });
    p.add('kwdelta', F_TEXT, 0, 1, 0);
    const got = p.expandPrefix('kw');
    expect(got).toHaveLength(PREFIX_EXPANSIONS);
    expect(got).toContain(`kw${String(PREFIX_EXPANSIONS + 9).padStart(3, '0')}`);
    expect(got).not.toContain('kw000');
    expect(p.expandPrefix('kwd')).toEqual(['kwdelta']);
  });

  it('finds typo neighbours that keep the first letter', () => {
    const p = packed(3, (d) => {
      d.add('upwork', F_TEXT, 0, 1, 0);
      d.add('network', F_TEXT, 1, 1, 0);
    });
    expect(p.expandFuzzy('upwrok', 2).map(([t]) => t)).toEqual(['upwork']);
  });

  it('lists completable terms by flag', () => {
    const p = packed(3, (d) => {
      d.add('ポートフォリオ', F_TEXT, 0, 1, FLAG_SUGGEST);
      d.add('ポート', F_TITLE, 0, 1, 0);
    });
    expect(p.withPrefix('ポート', FLAG_SUGGEST)).toEqual(['ポートフォリオ']);
  });
});

describe("the delta's two term maps", () => {
  it('hold the same lists: what is added is found by term, prefix and typo, and a clear empties both', () => {
    const postings = new Postings();
    const terms = ['仕事', '仕事場', '仕組み', 'シゴト', '家族'];
    terms.forEach((t, i) => {
      postings.add(t, F_TEXT, i, 1, 0);
      postings.add(t, F_TEXT, i + 10, 2, 0);
    });
    const i0 = (t: string) => terms.indexOf(t);
    for (const t of terms) {
      expect(postings.deltaList(t)).toBe(postings.delta.get(t));
      const n = postings.fetch(t, F_TEXT);
      expect([...postings.ids.subarray(0, n)]).toEqual([i0(t), i0(t) + 10]);
      expect([...postings.tfs.subarray(0, n)]).toEqual([1, 2]);
      expect(postings.df(t, F_TEXT)).toBe(2);
    }
    expect(postings.delta.size).toBe(terms.length);
    // A posting in one term's field reaches no other field or term.
    postings.add('仕事', F_TITLE, 3, 1, 0);
    expect(postings.df('仕事', F_TITLE)).toBe(1);
    expect(postings.df('家族', F_TITLE)).toBe(0);
    expect(postings.df('仕事', F_SECTION)).toBe(0);
    expect(postings.df('仕事', F_TEXT)).toBe(2);
    expect(postings.expandPrefix('仕').sort()).toEqual(['仕事', '仕事場', '仕組み']);
    expect(postings.expandFuzzy('仕事場', 1).map(([t]) => t)).toContain('仕事');
    postings.clearDelta();
    expect(postings.delta.size).toBe(0);
    for (const t of terms) {
      expect(postings.deltaList(t)).toBeUndefined();
      expect(postings.df(t, F_TEXT)).toBe(0);
    }
    expect(postings.expandPrefix('仕')).toEqual([]);
  });
});

describe("the delta's columns", () => {
  it('keep every term and field apart while chains move and the arena grows', () => {
    const postings = new Postings();
    const expected = new Map<string, Array<[number, number]>>();
    // 600 terms, postings interleaved across terms and fields: chains move many times.
    for (let id = 0; id < 3000; id++)
      for (let k = 0; k < 7; k++) {
        const term = `t${(id * 7 + k * 13) % 600}`;
        const field = (id + k) % 4;
        const key = `${term}/${field}`;
        const list = expected.get(key) ?? [];
        if (list.at(-1)?.[0] === id) continue;
        list.push([id, 1 + ((id + k) % 3)]);
        expected.set(key, list);
        postings.add(term, field, id, 1 + ((id + k) % 3), field === F_TEXT ? FLAG_SUGGEST : 0);
      }
    for (const [key, list] of expected) {
      const [term, field] = key.split('/') as [string, string];
      const n = postings.fetch(term, Number(field));
      expect([...postings.ids.subarray(0, n)], key).toEqual(list.map(([id]) => id));
      expect([...postings.tfs.subarray(0, n)], key).toEqual(list.map(([, tf]) => tf));
      expect(postings.df(term, Number(field))).toBe(list.length);
    }
    expect(postings.flags('t0') & FLAG_SUGGEST).toBe(FLAG_SUGGEST);
  });
});

describe('decoded lists kept for reuse', () => {
  /** Three segments and a delta; 副業 in every part with tfs > 1 here and there, 介護 in the second alone. */
  const batches: Batch[] = [
    [
      40,
      (d, first) => {
        for (let i = 0; i < 30; i++) d.add('副業', F_TEXT, first + i, 1 + (i % 3), 0);
      },
    ],
    [
      50,
      (d, first) => {
        for (let i = 0; i < 45; i += 2) d.add('副業', F_TEXT, first + i, 1, 0);
        for (let i = 0; i < 20; i++) d.add('介護', F_TEXT, first + i * 2, 1 + i, 0);
        d.add('介護', F_TITLE, 1, 2, 0);
      },
    ],
    [10, (d, first) => d.add('副業', F_TEXT, first + 3, 7, 0)],
  ];
  const read = (p: Postings, term: string, field: number, keep = true) => {
    const n = p.fetchAt(p.resolve(term), field, keep);
    return { ids: [...p.ids.subarray(0, n)], tfs: [...p.tfs.subarray(0, n)] };
  };
  const withDelta = (p: Postings) => {
    p.add('副業', F_TEXT, 101, 4, 0);
    return p;
  };

  it('fetch the same postings as decoding each time, kept, evicted or copied among other parts', () => {
    const plain = withDelta(sealedInto(new Postings(new DecodedLists(0, 1)), ...batches));
    // Lists of ≥ 5 postings kept, within 8 bytes × 40 postings: the three longest lists do not all fit.
    const kept = withDelta(sealedInto(new Postings(new DecodedLists(8 * 40, 5)), ...batches));
    for (let round = 0; round < 3; round++)
      for (const [term, field] of [
        ['副業', F_TEXT],
        ['介護', F_TEXT],
        ['介護', F_TITLE],
        ['副業', F_TITLE],
      ] as const)
        expect(read(kept, term, field), `${term}/${field} round ${round}`).toEqual(read(plain, term, field));
    expect(plain.decoded.size).toBe(0);
    expect(kept.decoded.bytes).toBeLessThanOrEqual(8 * 40);
    expect(kept.decoded.size).toBeGreaterThan(0);
    // The engine numbers of 副業: the first segment's 30, the second's from doc 40, one in the third, the delta's.
    const all = read(kept, '副業', F_TEXT);
    expect(all.ids.length).toBe(30 + 23 + 1 + 1);
    expect(all.ids.slice(28, 32)).toEqual([28, 29, 40, 42]);
    expect(all.ids.slice(-2)).toEqual([93, 101]);
    expect(all.tfs.slice(-2)).toEqual([7, 4]);
  });

  it('serve a term held by one part from the kept arrays themselves, and keep nothing when asked not to', () => {
    const p = sealedInto(new Postings(new DecodedLists(1 << 20, 5)), ...batches);
    const ref = p.resolve('介護');
    expect(p.fetchAt(ref, F_TEXT, false)).toBe(20);
    expect(p.decoded.size).toBe(0);
    expect(p.fetchAt(ref, F_TEXT)).toBe(20);
    const first = p.ids;
    expect(first.length).toBe(20);
    expect(p.decoded.bytes).toBe(20 * 8);
    // A fetch of another term goes back to the decode buffers; the kept list is served again, not re-decoded.
    expect(p.fetchAt(p.resolve('介護'), F_TITLE)).toBe(1);
    expect(p.ids).not.toBe(first);
    expect(p.fetchAt(ref, F_TEXT)).toBe(20);
    expect(p.ids).toBe(first);
    expect([...p.ids.subarray(0, 3)]).toEqual([40, 42, 44]);
    expect([...p.tfs.subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  it('probe ids as fetch lists them, from kept lists or walked, and keep nothing', () => {
    // Ids wanted across every part: repeated, absent, before, between and after the postings.
    const wanted = [0, 1, 1, 2, 28, 29, 31, 40, 40, 41, 42, 60, 89, 93, 94, 100, 101, 102, 500];
    const probed = (p: Postings, term: string, field: number) => {
      const found = new Uint8Array(wanted.length);
      p.probe(p.resolve(term), field, Int32Array.from(wanted), wanted.length, found);
      return wanted.filter((_, j) => found[j] === 1);
    };
    const walked = withDelta(sealedInto(new Postings(new DecodedLists(0, 1)), ...batches));
    const kept = withDelta(sealedInto(new Postings(new DecodedLists(1 << 20, 5)), ...batches));
    for (const [term, field] of [
      ['副業', F_TEXT],
      ['介護', F_TEXT],
      ['介護', F_TITLE],
      ['ない', F_TEXT],
    ] as const) {
      const listed = new Set(read(walked, term, field).ids);
      const expected = wanted.filter((id) => listed.has(id));
      expect(probed(walked, term, field), `${term}/${field} walked`).toEqual(expected);
      expect(walked.decoded.size).toBe(0);
      // Kept by a fetch first, then searched: the same answer.
      read(kept, term, field);
      expect(probed(kept, term, field), `${term}/${field} kept`).toEqual(expected);
    }
    expect(probed(walked, '副業', F_TEXT)).toEqual([0, 1, 1, 2, 28, 29, 40, 40, 42, 60, 93, 101]);
    // A probe never keeps a list: the kept lists are those the fetches kept.
    const held = kept.decoded.size;
    probed(kept, '副業', F_TEXT);
    expect(kept.decoded.size).toBe(held);
  });

  it('size the decode buffers at placing for every packed doc', () => {
    const p = sealedInto(new Postings(), [3000, (d, first) => d.add('副業', F_TEXT, first, 1, 0)]);
    expect(p.ids.length).toBeGreaterThanOrEqual(3000);
  });
});

describe('kept term places', () => {
  it('follow a term written to the delta and a segment placed after the term was resolved', () => {
    const seen: number[][] = [];
    const p = sealed(
      [5, (d, first) => d.add('副業', F_TEXT, first + 1, 1, 0)],
      [
        4,
        (d, first) => {
          // One segment placed: 副業 in it, 介護 nowhere yet.
          seen.push([...d.resolve('副業').at], [...d.resolve('介護').at]);
          expect(d.resolve('介護').delta).toBeUndefined();
          // Written after 介護 was resolved: the delta's list is looked up each time.
          d.add('介護', F_TEXT, first + 3, 2, 0);
          expect(d.resolve('介護').delta).toBeDefined();
          expect(d.fetch('介護', F_TEXT)).toBe(1);
          d.add('副業', F_TEXT, first, 1, 0);
        },
      ],
    );
    expect(seen).toEqual([[0], [-1]]);
    // Sealed into a second segment (介護 then 副業 in its dictionary): looked up again, one place per segment.
    expect([...p.resolve('副業').at]).toEqual([0, 1]);
    expect([...p.resolve('介護').at]).toEqual([-1, 0]);
    expect(p.resolve('介護').delta).toBeUndefined();
    const n = p.fetch('副業', F_TEXT);
    expect([...p.ids.subarray(0, n)]).toEqual([1, 5]);
  });
});
