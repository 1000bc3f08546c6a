/** Decoded lists: only long lists, within a budget of bytes, least recently used dropped first. */
import { describe, expect, it } from 'vitest';
import { type DecodedList, DecodedLists } from '../../lib/search/engine/decoded.ts';

/** A list of n postings (8 bytes each). */
const list = (n: number): DecodedList => ({ ids: new Int32Array(n), tfs: new Uint32Array(n) });

describe('decoded lists', () => {
  it('keep only lists of at least minPostings that fit the budget alone', () => {
    const d = new DecodedLists(8 * 100, 10);
    expect(d.keeps(9)).toBe(false);
    expect(d.keeps(10)).toBe(true);
    expect(d.keeps(100)).toBe(true);
    expect(d.keeps(101)).toBe(false);
    d.put(1, list(9));
    d.put(2, list(101));
    expect(d.size).toBe(0);
    expect(d.bytes).toBe(0);
    expect(d.get(1)).toBeUndefined();
  });

  it('drop the least recently used until a new list fits, counting 8 bytes per posting', () => {
    const d = new DecodedLists(8 * 100, 10);
    const a = list(40);
    const b = list(40);
    d.put(1, a);
    d.put(2, b);
    expect(d.bytes).toBe(8 * 80);
    // Reading 1 makes 2 the least recently used: 2 goes, 1 stays.
    expect(d.get(1)).toBe(a);
    d.put(3, list(30));
    expect(d.get(2)).toBeUndefined();
    expect(d.get(1)).toBe(a);
    expect(d.bytes).toBe(8 * 70);
    // A list as large as the budget drops every other.
    d.put(4, list(100));
    expect(d.size).toBe(1);
    expect(d.bytes).toBe(8 * 100);
    expect(d.get(1)).toBeUndefined();
  });

  it('replace a key without counting it twice, and empty on clear', () => {
    const d = new DecodedLists(8 * 100, 10);
    d.put(1, list(60));
    const again = list(60);
    d.put(1, again);
    expect(d.size).toBe(1);
    expect(d.bytes).toBe(8 * 60);
    expect(d.get(1)).toBe(again);
    d.clear();
    expect(d.size).toBe(0);
    expect(d.bytes).toBe(0);
    expect(d.get(1)).toBeUndefined();
  });
});
