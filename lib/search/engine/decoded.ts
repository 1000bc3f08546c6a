/**
 * Decoded postings kept for reuse: the long lists of packed segments, least recently used
 * dropped first, within a budget of bytes.
 *
 * Why: a packed segment never changes once placed, and the lists every query of a large
 * index decodes again are the very common words' (at 1M quotes 者 ~49,000 postings, 人 ~84,000,
 * ~4.7 ns each to decode: 0.2–0.5 ms of a query whose words the analyzer splits). Kept decoded,
 * a list costs a map lookup instead. Only lists of at least `minPostings` are kept: a short
 * list decodes in less time than its entry costs in memory and map churn.
 *
 * Since 2026-12-06 the sorted path (sorted.ts) asks for its text postings without keeping them
 * (Postings.fetchAt, keep false): it keeps each common term's scored list instead
 * (term-lists.ts), so a decoded copy was read again only by a term's first restricted request,
 * and was fresh memory on a first search. The general evaluator and the other fields still
 * keep theirs here.
 *
 * Keys are the caller's (see Postings: segment, term, field); a list is 8 bytes per posting
 * (an id and a tf).
 */
import { BytesLru } from './lru.ts';

/** A decoded list: engine ids ascending, and their term frequencies. */
export interface DecodedList {
  ids: Int32Array;
  tfs: Uint32Array;
}

/** Budget of the engine's decoded lists: at 1M quotes every list of ≥ 4,096 text postings is ~91 MB. */
export const DECODED_BUDGET = 64 * 1024 * 1024;
/** Lists shorter than this are decoded each time (~20 µs at this length). */
export const DECODED_MIN_POSTINGS = 4096;

export class DecodedLists {
  private readonly lists: BytesLru<number, DecodedList>;

  constructor(
    readonly budget: number = DECODED_BUDGET,
    readonly minPostings: number = DECODED_MIN_POSTINGS,
  ) {
    this.lists = new BytesLru(budget, (l) => l.ids.length * 8);
  }

  /** Bytes held (8 per posting). */
  get bytes(): number {
    return this.lists.bytes;
  }

  /** Lists held. */
  get size(): number {
    return this.lists.size;
  }

  /** Whether a list of `count` postings is worth keeping (long enough, and fits the budget alone). */
  keeps(count: number): boolean {
    return count >= this.minPostings && count * 8 <= this.budget;
  }

  /** The list under `key`, now the most recently used; undefined when not held. */
  get(key: number): DecodedList | undefined {
    return this.lists.get(key);
  }

  /** Holds `list` under `key` (least recently used lists dropped for it); a list {@link keeps} refuses is not held. */
  put(key: number, list: DecodedList): void {
    if (this.keeps(list.ids.length)) this.lists.put(key, list);
  }

  /** Drops every list. */
  clear(): void {
    this.lists.clear();
  }
}
