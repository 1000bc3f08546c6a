/**
 * One small interview in a QuoteIndex built with kuromoji's readings, as the search tests of
 * typed verbs and their ranking need it (tests/unit/search-verb-ranks, search-typed-inflections,
 * search-volitional, search-sou):
 * the dictionary is loaded and the interview indexed once per file, in its beforeAll.
 */
import { beforeAll } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { loadReadings, type ReadingAnalyzer } from '../../lib/text/readings.ts';

/** An interview of `名前：text` lines (the `prefixed` layout) under `id`. */
export function prefixedInterview(id: string, lines: string[]): Interview {
  return parseInterview(lines.join('\n'), { id, format: 'prefixed' });
}

/**
 * Registers a beforeAll that loads the readings and indexes `talk` (one interview or several);
 * answers the readings and the index (once built) and searches of the first page (`limit` hits,
 * 10 unless told) over it — or over another index of the same interviews, such as one loaded
 * from its snapshot (`from`).
 */
export function readingsIndex(talk: Interview | Interview[], limit = 10) {
  const talks = Array.isArray(talk) ? talk : [talk];
  let readings: ReadingAnalyzer | undefined;
  let index: QuoteIndex | undefined;
  beforeAll(async () => {
    readings = await loadReadings();
    index = new QuoteIndex({ readings });
    for (const t of talks) index.upsertInterview(t);
  }, 60_000);
  const loaded = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the readings index is built in beforeAll: use it inside a test');
    return v;
  };
  // A loaded index keeps no texts: hits are rendered from the interviews.
  const lookup = (id: string) => talks.find((t) => t.id === id);
  const search = (q: string, from?: QuoteIndex) => (from ?? loaded(index)).search({ q, limit }, lookup).hits;
  return {
    readings: () => loaded(readings),
    index: () => loaded(index),
    search,
    /** The quote ids of the first page, in rank order. */
    ids: (q: string) => search(q).map((h) => h.quoteId),
    /** The highlight HTML of one quote on the first page (undefined when it is not there). */
    marked: (q: string, id: string) => search(q).find((h) => h.quoteId === id)?.highlight.html,
  };
}
