/**
 * The scored lists of common terms kept for reuse: what an unrestricted text walk of the sorted
 * path (sorted.ts `frequencies`) made of a term — docs, BM25F pseudo frequencies before
 * saturation, fields, and its touch keys less the term's key base — least recently used dropped
 * first, within a budget of bytes.
 *
 * Why: the open words of a query whose words the analyzer splits are common words (会社 ~24,000
 * postings at 1M quotes), and their walk is the largest share of such a query (~1.4 ms of
 * 好印象 会社経営者's ~4: gathering each posting's packed entry is a cache miss). The list
 * depends only on the term, the packed entries and norms (their `generation`) and how the
 * question field counts; kept, it is copied instead (a sequential pass). Lists shorter than
 * `minEntries` are walked each time. Since 2026-12-06 the rarest required word of a match (its
 * first, unrestricted list: 必要 alone, 28,966 postings at 1M) is served from here too, and its
 * walk writes the touch keys as an open word's would (key base 0), so either may keep a list
 * the other reads.
 */
import { BytesLru } from './lru.ts';

/**
 * A term's list as the walk wrote it. `keys`, when the walk wrote them: per entry how far its doc
 * is after the doc it was touched at (its question, or itself: 0), from which the key is
 * rebuilt exactly (key base + (doc − back) × (reach + 1) + back, sorted.ts `emit`). Kept as that
 * distance (4 bytes) rather than the key less its base (8): a list is fresh memory when first
 * kept, which a first search pays for by the page (see sorted.ts walkAndKeep).
 */
export interface KeptList {
  n: number;
  docs: Int32Array;
  scores: Float64Array;
  fields: Uint8Array;
  keys: Int32Array | null;
}

/**
 * Budget of one evaluator's kept lists (13 bytes per entry, 17 with keys), and the shortest
 * list kept (shorter ones are walked each time). Read when an evaluator is made: tests lower
 * `minEntries` to reach kept lists on corpora of a few hundred docs. 1,024 since 2026-12-06
 * (was 4,096): the open words of split queries are often just under 4,096 entries (万人 3,876,
 * 経営 2,449: ~0.15–0.19 ms walked, a copy kept); paired against 4,096 at 1M, 0.92–0.93 of the
 * CPU per query, and the bench's 120 queries keep 42 MB instead of 38 (most of it the whole
 * lists of closed words, see {@link TermLists.wantsWhole}).
 */
export const TERM_LISTS = { budget: 64 * 1024 * 1024, minEntries: 1024 };

/** Terms whose restricted requests {@link TermLists.wantsWhole} counts at most (then it starts over). */
const ASKED_TERMS = 50_000;

export class TermLists {
  /** By term and question field (see {@link get}). */
  private readonly lists: BytesLru<string, KeptList>;
  private generation = -1;
  /** The key prefix of the question field of the last {@link get}, where {@link put} holds. */
  private field = '';
  /** Per term not kept: restricted requests so far (1), or −1 when too short to keep. */
  private readonly asked = new Map<string, number>();

  constructor(
    readonly budget: number = TERM_LISTS.budget,
    readonly minEntries: number = TERM_LISTS.minEntries,
  ) {
    this.lists = new BytesLru(budget, (l) => l.n * (l.keys ? 17 : 13));
  }

  /** Bytes held. */
  get bytes(): number {
    return this.lists.bytes;
  }

  /** Lists held. */
  get size(): number {
    return this.lists.size;
  }

  /**
   * The list of `term` for packed entries of this `generation` and this question field
   * (boost, minimum norm); every list is dropped when the generation changed. Lists are held
   * per question field, not dropped when it changes: one-word queries count the question field
   * otherwise than the rest (lib/search/index.ts ONE_WORD_QUESTION_FIELD), and the API
   * alternates the two; dropping on each change emptied the lists at every one-word query.
   */
  get(term: string, generation: number, boost: number, minNorm: number): KeptList | undefined {
    if (generation !== this.generation) {
      this.clear();
      this.generation = generation;
    }
    this.field = `${boost}\u0000${minNorm}\u0000`;
    return this.lists.get(this.field + term);
  }

  /** Drops every list and every count of requests (the next query walks the text again). */
  clear(): void {
    this.lists.clear();
    this.asked.clear();
  }

  /**
   * Whether a restricted request of `term`, which has no list kept, should walk its whole list
   * and keep it: on its second request since the lists were dropped, if `long()` (asked once
   * per term) says the list is long enough to keep. A restricted walk reads the packed entry of
   * each posting or candidate it meets (a cache miss: 者, 30,621 text postings against 35,013
   * candidates, 0.7 ms); a kept list is filtered by the candidates instead, in two sorted
   * arrays. The first request of a term walks as before, so a first search costs what it did.
   */
  wantsWhole(term: string, long: () => boolean): boolean {
    const seen = this.asked.get(term) ?? 0;
    if (seen < 0) return false;
    if (seen === 0) {
      if (this.asked.size >= ASKED_TERMS) this.asked.clear();
      this.asked.set(term, 1);
      return false;
    }
    const yes = long();
    // Kept, a list needs no count (dropped later, it is counted again); too short, never kept.
    if (yes) this.asked.delete(term);
    else this.asked.set(term, -1);
    return yes;
  }

  /** Holds `list` for `term` under the context of the last {@link get}, if long enough. */
  put(term: string, list: KeptList): void {
    if (list.n >= this.minEntries) this.lists.put(this.field + term, list);
  }
}
