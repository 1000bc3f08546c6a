import SearchableMap from 'minisearch/SearchableMap';
import { describe, expect, it } from 'vitest';
import { TermRadix } from '../../lib/search/engine/radix.ts';

/** A node's edges and values in insertion order, children nested (the whole tree, as built). */
function dump(node: Map<string, unknown>): unknown {
  return [...node].map(([k, v]) => [k, v instanceof Map ? dump(v as Map<string, unknown>) : v]);
}

/**
 * Terms shaped as the delta's: many first characters (a wide root), shared prefixes (edges split
 * again and again), prefixes of other terms, marked terms (\u0002, \u0003), a surrogate pair.
 */
function terms(count: number, seed: number): string[] {
  const units = [
    ...'結婚仕事子育介護副業時間将来不安家族',
    ...'あいうえおかきくけこさしすせそ',
    ...'アイウエオカキクケコサシスセソー',
    '\u0002',
    '\u0003',
    '𠮷',
  ];
  // Kanji of a wide range as first characters, so that the root has hundreds of edges.
  for (let c = 0x4e00; c < 0x4e00 + 600; c += 3) units.push(String.fromCharCode(c));
  let x = seed;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 16) % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // Half the terms extend or cut an earlier one: splits and prefixes of existing edges.
    const base = out.length > 0 && next(2) === 0 ? (out[next(out.length)] as string) : '';
    let t = base.slice(0, next(base.length + 1));
    const more = 1 + next(4);
    for (let j = 0; j < more; j++) t += units[next(units.length)] as string;
    out.push(t);
  }
  return out;
}

/** Both maps after the same writes (each term's value: its first index). */
function both(list: readonly string[]) {
  const plain = new SearchableMap<number>();
  const radix = new TermRadix<number>();
  list.forEach((t, i) => {
    plain.set(t, i);
    radix.set(t, i);
  });
  return { plain, radix };
}

describe('the delta radix tree (TermRadix)', () => {
  it('builds the very tree minisearch builds, every node in the same order', () => {
    for (const seed of [1, 7, 42]) {
      const { plain, radix } = both(terms(6000, seed));
      expect((radix._tree as Map<string, unknown>).size).toBeGreaterThan(100);
      expect(dump(radix._tree as Map<string, unknown>)).toEqual(dump(plain._tree as Map<string, unknown>));
      expect(radix.size).toBe(plain.size);
    }
  });

  it('answers gets, prefixes and typo look-ups alike, in the same order', () => {
    const list = terms(4000, 3);
    const { plain, radix } = both(list);
    for (const t of list.slice(0, 300)) {
      expect(radix.get(t)).toBe(plain.get(t));
      const head = t.slice(0, 1);
      expect([...radix.atPrefix(head).keys()]).toEqual([...plain.atPrefix(head).keys()]);
      expect([...radix.fuzzyGet(t, 1)]).toEqual([...plain.fuzzyGet(t, 1)]);
    }
    expect([...radix.entries()]).toEqual([...plain.entries()]);
  });

  it('stays the same tree when written again after minisearch changed it (delete, update, fetch, clear)', () => {
    const list = terms(3000, 11);
    const { plain, radix } = both(list);
    for (const t of list.slice(0, 200)) {
      plain.delete(t);
      radix.delete(t);
    }
    for (const t of ['結婚式', '\u0002ケッコン', '結']) {
      plain.update(t, (v) => (v ?? 0) + 1);
      radix.update(t, (v) => (v ?? 0) + 1);
      plain.fetch(`${t}x`, () => 5);
      radix.fetch(`${t}x`, () => 5);
    }
    const more = terms(3000, 12);
    more.forEach((t, i) => {
      plain.set(t, i);
      radix.set(t, i);
    });
    expect(dump(radix._tree as Map<string, unknown>)).toEqual(dump(plain._tree as Map<string, unknown>));
    plain.clear();
    radix.clear();
    more.forEach((t, i) => {
      plain.set(t, i);
      radix.set(t, i);
    });
    expect(dump(radix._tree as Map<string, unknown>)).toEqual(dump(plain._tree as Map<string, unknown>));
    expect(radix.size).toBe(plain.size);
  });
});
