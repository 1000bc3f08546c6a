/**
 * Scoring, written once: BM25F over a quote's fields (its text, the question it answers, the
 * interview title, its speaker and section). Field matches add up as length-normalised,
 * boosted term frequencies *before* saturation, so a word found in the text and in the
 * question counts more than either, but never like two words (Robertson & Zaragoza, BM25F).
 */

/** Saturation: how quickly more occurrences stop mattering. */
export const K1 = 1.2;
/** BM25+ lower bound: a matched term always adds this share of its idf (δ). */
export const D = 0.25;

/**
 * Per-field boost (weight of one occurrence, relative to the quote's own text) and length
 * normalisation (b). The text's b is high so that long summary turns that contain every word do
 * not win by length; the question is real context for its answers.
 */
export const FIELDS = {
  text: { boost: 1, b: 0.8 },
  speaker: { boost: 0.6, b: 0.5 },
  section: { boost: 0.3, b: 0.5 },
  title: { boost: 0.2, b: 0.5 },
  question: { boost: 0.45, b: 0.8 },
} as const;

/** Field boosts as they used to be exposed (kept for callers that show them). */
export const FIELD_BOOSTS = {
  text: FIELDS.text.boost,
  speaker: FIELDS.speaker.boost,
  section: FIELDS.section.boost,
  title: FIELDS.title.boost,
  question: FIELDS.question.boost,
} as const;

/** Bits of a match's matched-fields mask. */
export const FIELD_BITS = { text: 1, speaker: 2, section: 4, title: 8, question: 16 } as const;

/** Inverse document frequency of a term found in `df` of `n` docs (never negative). */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Length normalisation of one field: 1 − b + b·len/avg (precomputed per doc, see {@link lengthNorms}). */
export function lengthNorm(len: number, avg: number, b: number): number {
  return 1 - b + (b * len) / avg;
}

/** Length norms of `n` entries whose field lengths are `lens` and average `avg`. */
export function lengthNorms(lens: ArrayLike<number>, n: number, avg: number, b: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lengthNorm(lens[i] ?? 0, avg, b);
  return out;
}

/**
 * BM25F of one term in one doc: `ptf` is the sum over fields of boost × tf / length norm;
 * `weight` is the term's idf times the query's weight for it.
 */
export function bm25f(ptf: number, weight: number): number {
  return weight * (D + (ptf * (K1 + 1)) / (K1 + ptf));
}

/** The most one term can score (ptf → ∞), for top-k pruning. */
export function bm25fBound(weight: number): number {
  return weight * (D + K1 + 1);
}
