/**
 * The search port: what the application needs from a search backend, so that the packed engine
 * of this package (via {@link QuoteIndex}) can be replaced or tiered without touching the use
 * cases. Queries plan a page and render it from interviews the caller fetched; writes apply or
 * remove one interview (or one quote's tags); a snapshot makes the state durable.
 */
import type { Interview } from '../model.ts';
import type {
  DocumentLookup,
  InterviewMeta,
  QuoteIndex,
  SearchPage,
  SearchParams,
  SearchPlan,
  Suggestion,
} from './index.ts';

/** Reads: search pages, completions, counts. */
export interface SearchReader {
  /** Evaluates a search; render the page with the interviews it names (see {@link SearchPlan}). */
  plan(params: SearchParams): SearchPlan;
  /** `plan(params).render(documents)`. */
  search(params: SearchParams, documents?: DocumentLookup): SearchPage;
  /** Words as written that complete the last word of `q`. */
  suggest(q: string, limit?: number): Suggestion[];
  /** Quotes per tag over everything indexed (facets without a query). */
  tagCounts(): Record<string, number>;
  /** What is indexed of an interview (its fingerprint is compared with the store's). */
  interview(interviewId: string): InterviewMeta | undefined;
  interviewIds(): string[];
  readonly stats: { quotes: number; interviews: number };
}

/** Writes: one interview (or one quote's tags) at a time, then a durable snapshot. */
export interface SearchWriter {
  /** Adds or replaces an interview's quotes with their effective tags. */
  upsertInterview(interview: Interview, tagsByQuote?: ReadonlyMap<string, readonly string[]>): void;
  /** Removes an interview's quotes; false when it was not indexed. */
  removeInterview(interviewId: string): boolean;
  /** Replaces one quote's tags; false when the quote is not indexed. */
  setQuoteTags(quoteId: string, tags: readonly string[]): boolean;
  /** Folds pending writes and serialises the index (compress it to store it). */
  toSnapshot(): Uint8Array;
}

/** A search backend: today's implementation is {@link QuoteIndex}. */
export type SearchBackend = SearchReader & SearchWriter;

/** QuoteIndex is the backend (checked by the compiler). */
export function asBackend(index: QuoteIndex): SearchBackend {
  return index;
}
