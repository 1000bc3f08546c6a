/**
 * Choosing the best results without sorting them all: candidates (matching docs with scores and
 * field bits) and the top-k selection over their keys (a heap for a page, selection beyond).
 */
import { FIELD_BITS, type Matches } from './engine/index.ts';

/**
 * Indices 0..n-1 ordered by `key` descending (ties: lower index first), only as many as the first
 * `k` need: for a page (small k), the k best kept in a heap in one pass over the keys; otherwise
 * a threshold found by selection, then a sort of what passes it.
 */
export function topOrder(key: Float64Array, n: number, k: number): number[] {
  const byKey = (a: number, b: number) => (key[b] ?? 0) - (key[a] ?? 0) || a - b;
  if (n <= Math.max(256, k * 2))
    return Array.from({ length: n }, (_, i) => i)
      .sort(byKey)
      .slice(0, k);
  if (k <= TOP_HEAP_MAX) return topByHeap(key, n, k).sort(byKey);
  const values = key.slice(0, n);
  // Quickselect the k-th largest value.
  let lo = 0;
  let hi = n - 1;
  const want = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] ?? 0) > pivot) i++;
      while ((values[j] ?? 0) < pivot) j--;
      if (i <= j) {
        const t = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  const threshold = values[want] ?? 0;
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if ((key[i] ?? 0) >= threshold) picked.push(i);
  return picked.sort(byKey).slice(0, k);
}

/** The filter of a search without filters (candidates() then decides by the fields alone). */
export const KEEP_ALL = (_doc: number) => true;

/**
 * Candidates of an unfiltered result: title-only matches only when nothing else matched. Most
 * results keep every doc, and they are found without a per-doc decision array (one pass over
 * the field bits, in order); the result's own arrays are then the candidates.
 */
export function ownMatches(m: Matches): Candidates {
  let own = 0;
  for (let i = 0; i < m.n; i++) if (((m.fields[i] ?? 0) & ~FIELD_BITS.title) !== 0) own++;
  if (own === m.n || own === 0)
    return {
      n: m.n,
      docs: m.docs.subarray(0, m.n),
      scores: m.scores.subarray(0, m.n),
      fields: m.fields.subarray(0, m.n),
    };
  const out = emptyCandidates(own);
  for (let i = 0; i < m.n; i++) {
    const f = m.fields[i] ?? 0;
    if ((f & ~FIELD_BITS.title) !== 0) pushCandidate(out, m.docs[i] ?? 0, m.scores[i] ?? 0, f);
  }
  return out;
}

/** Up to this many results, {@link topOrder} keeps them in a heap (no copy of the keys). */
const TOP_HEAP_MAX = 64;

/**
 * The `k` best of indices 0..n-1 (k < n) by `key` descending, ties to the lower index, unordered:
 * a min-heap whose root is the worst kept. Indices come in ascending order, so one whose key
 * only ties the root's ranks after it and is not kept. At 30,000 matches this reads the keys once
 * where selection copied them and partitioned them twice or more.
 */
function topByHeap(key: Float64Array, n: number, k: number): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  // a ranks below b: a lower key, or the same key and a higher index.
  const worse = (a: number, b: number) => {
    const x = key[a] ?? 0;
    const y = key[b] ?? 0;
    return x < y || (x === y && a > b);
  };
  const down = () => {
    let i = 0;
    const p = heap[0] as number;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= k) break;
      if (c + 1 < k && worse(heap[c + 1] as number, heap[c] as number)) c++;
      if (!worse(heap[c] as number, p)) break;
      heap[i] = heap[c] as number;
      i = c;
    }
    heap[i] = p;
  };
  for (let i = 0; i < k; i++) {
    // Sift up.
    let j = i;
    while (j > 0) {
      const parent = (j - 1) >>> 1;
      if (!worse(i, heap[parent] as number)) break;
      heap[j] = heap[parent] as number;
      j = parent;
    }
    heap[j] = i;
  }
  let floor = key[heap[0] as number] ?? 0;
  for (let i = k; i < n; i++) {
    if ((key[i] ?? 0) <= floor) continue;
    heap[0] = i;
    down();
    floor = key[heap[0] as number] ?? 0;
  }
  return heap;
}

/** Matching docs with scores and matched-field bits, in doc order. */
export interface Candidates {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
}

export function emptyCandidates(size: number): Candidates {
  return { n: 0, docs: new Int32Array(size), scores: new Float64Array(size), fields: new Uint8Array(size) };
}

export function pushCandidate(c: Candidates, doc: number, score: number, fields: number): void {
  c.docs[c.n] = doc;
  c.scores[c.n] = score;
  c.fields[c.n++] = fields;
}

export function trimCandidates(c: Candidates): Candidates {
  return {
    n: c.n,
    docs: c.docs.subarray(0, c.n),
    scores: c.scores.subarray(0, c.n),
    fields: c.fields.subarray(0, c.n),
  };
}
