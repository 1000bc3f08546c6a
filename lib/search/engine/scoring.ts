/** BM25 (the BM25+ variant), written once: parameters, the term weight, per-doc length norms. */

/** BM25+ parameters (MiniSearch's defaults): saturation, length normalisation, lower bound. */
export const K1 = 1.2;
export const B = 0.7;
export const D = 0.5;

/** Field boosts: the quote's own words matter most, then who said it, then context. */
export const FIELD_BOOSTS = { text: 2, speaker: 1.5, section: 0.8, title: 0.6, question: 0.5 } as const;

/** Bits of a match's matched-fields mask. */
export const FIELD_BITS = { text: 1, speaker: 2, section: 4, title: 8, question: 16 } as const;

/** Inverse document frequency of a term found in `df` of `n` docs. */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Length norm of a doc: K1·(1 − B + B·len/avg), precomputed per doc (see {@link lengthNorms}). */
export function lengthNorm(len: number, avg: number): number {
  return K1 * (1 - B + (B * len) / avg);
}

/** BM25+ of a term occurring `tf` times in a field with length norm `norm`, before idf and boosts. */
export function bm25(tf: number, norm: number): number {
  return D + (tf * (K1 + 1)) / (tf + norm);
}

/** Length norms of `n` entries whose field lengths are `lens` and average `avg`. */
export function lengthNorms(lens: ArrayLike<number>, n: number, avg: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lengthNorm(lens[i] ?? 0, avg);
  return out;
}
