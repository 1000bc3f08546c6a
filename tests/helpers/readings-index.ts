/**
 * One small interview in a QuoteIndex built with kuromoji's readings, as the search tests of
 * typed verbs and their ranking need it (tests/unit/search-verb-ranks, search-typed-inflections,
 * search-volitional, search-sou):
 * the dictionary is loaded and the interview indexed once per file, in its beforeAll. And some
 * real livedoor interviews indexed the same way ({@link livedoorIndex}), for the same tests' checks
 * against ../shared.
 */
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { loadReadings, type ReadingAnalyzer } from '../../lib/text/readings.ts';
import { corporaDir, read } from './shared.ts';

/** The livedoor interviews of ../shared (guard a suite with `available(livedoorDir, …)`). */
export const livedoorDir = join(corporaDir, 'livedoor-interviews');

const loaded = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error('the readings index is built in beforeAll: use it inside a test');
  return v;
};

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
  // A loaded index keeps no texts: hits are rendered from the interviews.
  const lookup = (id: string) => talks.find((t) => t.id === id);
  const page = (q: string, from?: QuoteIndex) => (from ?? loaded(index)).search({ q, limit }, lookup);
  const search = (q: string, from?: QuoteIndex) => page(q, from).hits;
  return {
    readings: () => loaded(readings),
    index: () => loaded(index),
    /** The whole first page (hits, total, matched, relaxed, missing …). */
    page,
    search,
    /** The quote ids of the first page, in rank order. */
    ids: (q: string) => search(q).map((h) => h.quoteId),
    /** The highlight HTML of one quote on the first page (undefined when it is not there). */
    marked: (q: string, id: string) => search(q).find((h) => h.quoteId === id)?.highlight.html,
  };
}

/**
 * Registers a beforeAll (in the suite it is called in: one guarded by `livedoorDir` being there)
 * that parses these files of the livedoor interviews (paths below {@link livedoorDir}) and indexes
 * them with `readings` (loaded by another beforeAll, so asked for when this one runs); answers the
 * first page's hits (`limit`, 10 unless told) and what each hit's quote says.
 */
export function livedoorIndex(files: string[], readings: () => ReadingAnalyzer, limit = 10) {
  let index: QuoteIndex | undefined;
  const texts = new Map<string, string>();
  beforeAll(() => {
    index = new QuoteIndex({ readings: readings() });
    for (const f of files) {
      const interview = parseInterview(read(join(livedoorDir, f)));
      index.upsertInterview(interview);
      for (const t of interview.turns) texts.set(t.id, t.text);
    }
  });
  const hits = (q: string) => loaded(index).search({ q, limit }).hits;
  return {
    hits,
    /** What the quotes of the first page say, in rank order. */
    said: (q: string) => hits(q).map((h) => texts.get(h.quoteId) ?? ''),
    /** Every quote of the files, by id. */
    texts: (): ReadonlyMap<string, string> => texts,
  };
}
