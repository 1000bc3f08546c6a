/**
 * One small interview in a QuoteIndex built with kuromoji's readings, as the search tests of
 * typed verbs and their ranking need it (tests/unit/search-verb-ranks, search-typed-inflections):
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
 * Registers a beforeAll that loads the readings and indexes `talk`; answers the readings (once
 * loaded) and searches of the first page (10 hits) over it.
 */
export function readingsIndex(talk: Interview) {
  let readings: ReadingAnalyzer | undefined;
  let index: QuoteIndex | undefined;
  beforeAll(async () => {
    readings = await loadReadings();
    index = new QuoteIndex({ readings });
    index.upsertInterview(talk);
  }, 60_000);
  const loaded = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the readings index is built in beforeAll: use it inside a test');
    return v;
  };
  const search = (q: string) => loaded(index).search({ q, limit: 10 }, () => talk).hits;
  return {
    readings: () => loaded(readings),
    search,
    /** The quote ids of the first page, in rank order. */
    ids: (q: string) => search(q).map((h) => h.quoteId),
    /** The highlight HTML of one quote on the first page (undefined when it is not there). */
    marked: (q: string, id: string) => search(q).find((h) => h.quoteId === id)?.highlight.html,
  };
}
