/** Kept term lists: valid for one generation of packed entries and one question field; bounded by bytes. */
import { describe, expect, it } from 'vitest';
import { BytesLru } from '../../lib/search/engine/lru.ts';
import { type KeptList, TermLists } from '../../lib/search/engine/term-lists.ts';

const kept = (n: number, keyed: boolean): KeptList => ({
  n,
  docs: new Int32Array(n),
  scores: new Float64Array(n),
  fields: new Uint8Array(n),
  keys: keyed ? new Int32Array(n) : null,
});

describe('a map bounded by bytes', () => {
  it('drops the least recently used first and never holds more than its budget', () => {
    const lru = new BytesLru<string, number>(10, (v) => v);
    lru.put('a', 4);
    lru.put('b', 4);
    expect(lru.get('a')).toBe(4);
    lru.put('c', 4);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.bytes).toBe(8);
    lru.put('d', 11);
    expect(lru.get('d')).toBeUndefined();
    lru.put('a', 6);
    expect(lru.bytes).toBe(10);
    expect(lru.size).toBe(2);
    lru.clear();
    expect([lru.size, lru.bytes]).toEqual([0, 0]);
  });
});

describe('kept term lists', () => {
  it('count 13 bytes per entry, 17 with keys, and keep only lists of at least minEntries', () => {
    const t = new TermLists(1 << 20, 10);
    expect(t.get('会社', 1, 0.5, 0.3)).toBeUndefined();
    t.put('会社', kept(10, true));
    t.put('印象', kept(20, false));
    t.put('経営', kept(9, false));
    expect(t.bytes).toBe(10 * 17 + 20 * 13);
    expect(t.get('会社', 1, 0.5, 0.3)?.n).toBe(10);
    expect(t.get('経営', 1, 0.5, 0.3)).toBeUndefined();
  });

  it('drop every list when the packed entries were rebuilt', () => {
    const t = new TermLists(1 << 20, 1);
    t.get('会社', 1, 0.5, 0.3);
    t.put('会社', kept(5, false));
    expect(t.get('会社', 1, 0.5, 0.3)).toBeDefined();
    expect(t.get('会社', 2, 0.5, 0.3)).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('serve a list only for the question field it was made for, and keep each field’s lists', () => {
    const t = new TermLists(1 << 20, 1);
    t.get('会社', 1, 0.5, 0.3);
    t.put('会社', kept(5, false));
    // Another boost, another minimum norm: not served, and the first field's list stays.
    expect(t.get('会社', 1, 0.7, 0.3)).toBeUndefined();
    t.put('会社', kept(6, false));
    expect(t.get('会社', 1, 0.7, 0.2)).toBeUndefined();
    t.put('会社', kept(7, false));
    expect(t.get('会社', 1, 0.5, 0.3)?.n).toBe(5);
    expect(t.get('会社', 1, 0.7, 0.3)?.n).toBe(6);
    expect(t.get('会社', 1, 0.7, 0.2)?.n).toBe(7);
    expect(t.size).toBe(3);
    // A put holds under the field of the last get.
    t.get('人', 1, 0.7, 0.3);
    t.put('人', kept(8, false));
    expect(t.get('人', 1, 0.5, 0.3)).toBeUndefined();
    expect(t.get('人', 1, 0.7, 0.3)?.n).toBe(8);
  });

  it('stay within the budget, least recently used dropped', () => {
    const t = new TermLists(13 * 25, 1);
    t.get('x', 1, 1, 1);
    t.put('a', kept(10, false));
    t.put('b', kept(10, false));
    t.get('a', 1, 1, 1);
    t.put('c', kept(10, false));
    expect(t.get('b', 1, 1, 1)).toBeUndefined();
    expect(t.get('a', 1, 1, 1)).toBeDefined();
    expect(t.bytes).toBeLessThanOrEqual(13 * 25);
  });

  it('hold nothing after clear, in the same context (what a cold bench pass starts from)', () => {
    const t = new TermLists(1 << 20, 10);
    t.get('会社', 1, 0.5, 0.3);
    t.put('会社', kept(10, false));
    expect(t.get('会社', 1, 0.5, 0.3)?.n).toBe(10);
    t.clear();
    expect([t.size, t.bytes]).toEqual([0, 0]);
    expect(t.get('会社', 1, 0.5, 0.3)).toBeUndefined();
  });
});

describe('whole lists for restricted requests', () => {
  it('are wanted on a term’s second request only, when long enough, and counted again after a drop', () => {
    const t = new TermLists(1 << 20, 10);
    t.get('者', 1, 0.5, 0.3);
    let asks = 0;
    const long = (yes: boolean) => () => {
      asks++;
      return yes;
    };
    expect(t.wantsWhole('者', long(true))).toBe(false);
    expect(asks).toBe(0);
    expect(t.wantsWhole('者', long(true))).toBe(true);
    expect(asks).toBe(1);
    // Kept by the caller then; if it was dropped, the count starts over.
    expect(t.wantsWhole('者', long(true))).toBe(false);
    expect(t.wantsWhole('者', long(true))).toBe(true);
    // Too short: asked once, never wanted again.
    expect(t.wantsWhole('好', long(false))).toBe(false);
    expect(t.wantsWhole('好', long(false))).toBe(false);
    expect(t.wantsWhole('好', long(false))).toBe(false);
    expect(asks).toBe(3);
    // A cold pass (clear) or new packed entries count from the start.
    t.wantsWhole('人', long(true));
    t.clear();
    expect(t.wantsWhole('人', long(true))).toBe(false);
    t.get('人', 2, 0.5, 0.3);
    expect(t.wantsWhole('人', long(true))).toBe(false);
    expect(t.wantsWhole('人', long(true))).toBe(true);
  });
});
