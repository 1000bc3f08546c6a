/**
 * The k best of a stream of values, kept in a min-heap in a typed array the caller owns (reused
 * between searches): the k-th best lower bound is the heap's root once it holds k values. Both
 * evaluators' top-k pruning reads it (evaluate.ts over dense arrays, sorted.ts over lists).
 */

/** Offers `value` to the heap of `size` values (at most `k`); returns the heap's new size. */
export function offerKBest(heap: Float64Array, size: number, k: number, value: number): number {
  if (size < k) {
    heap[size] = value;
    for (let c = size; c > 0; ) {
      const p = (c - 1) >> 1;
      if ((heap[p] ?? 0) <= (heap[c] ?? 0)) break;
      const t = heap[p] ?? 0;
      heap[p] = heap[c] ?? 0;
      heap[c] = t;
      c = p;
    }
    return size + 1;
  }
  if (value > (heap[0] ?? 0)) {
    heap[0] = value;
    for (let c = 0; ; ) {
      const l = 2 * c + 1;
      const r = l + 1;
      let s = c;
      if (l < size && (heap[l] ?? 0) < (heap[s] ?? 0)) s = l;
      if (r < size && (heap[r] ?? 0) < (heap[s] ?? 0)) s = r;
      if (s === c) break;
      const t = heap[s] ?? 0;
      heap[s] = heap[c] ?? 0;
      heap[c] = t;
      c = s;
    }
  }
  return size;
}
