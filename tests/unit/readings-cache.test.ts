import { describe, expect, it } from 'vitest';
import { cached } from '../../lib/text/readings.ts';

/** A compute that counts its calls per key and answers something of the key. */
function counting() {
  const calls = new Map<string, number>();
  const compute = (key: string): readonly string[] => {
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return [key.toUpperCase()];
  };
  return { calls, compute };
}

describe('the reading caches (two generations)', () => {
  it('answers what compute answers, computing a key once while it is among the recent inputs', () => {
    const { calls, compute } = counting();
    const read = cached(compute, 8);
    for (let round = 0; round < 3; round++)
      for (const k of ['a', 'b', 'c', 'd']) expect(read(k)).toEqual([k.toUpperCase()]);
    expect([...calls.values()]).toEqual([1, 1, 1, 1]);
    // The same array each time (readers share it, never write it).
    expect(read('a')).toBe(read('a'));
  });

  it('keeps a key found in the older generation, and drops one nobody asked for since', () => {
    const { calls, compute } = counting();
    const read = cached(compute, 8);
    for (const k of ['a', 'b', 'c', 'd']) read(k); // the newer generation is full (4)
    for (const k of ['e', 'f', 'g', 'h']) read(k); // a–d are now the older generation
    read('a'); // found there: not computed; the newer turned older (e–h), a starts the newer
    for (const k of ['i', 'j', 'k']) read(k); // the newer is full again (a, i, j, k)…
    read('l'); // …and turns older: e–h are dropped
    expect(calls.get('a')).toBe(1);
    read('a');
    expect(calls.get('a')).toBe(1);
    read('e');
    expect(calls.get('e')).toBe(2);
    read('b');
    expect(calls.get('b')).toBe(2);
  });

  it('stays bounded: many distinct inputs keep at most `size`, each computed once while kept', () => {
    const { calls, compute } = counting();
    const read = cached(compute, 1000);
    for (let i = 0; i < 10_000; i++) read(`k${i}`);
    // The last 500 are kept whichever way the generations turned; the first long gone.
    for (let i = 9_500; i < 10_000; i++) read(`k${i}`);
    read('k0');
    expect(calls.get('k9500')).toBe(1);
    expect(calls.get('k9999')).toBe(1);
    expect(calls.get('k0')).toBe(2);
  });
});
