/** The project's own sample interviews, parsed and tagged once per test file. */
import { loadInterviews } from '../../cli/load.ts';
import type { Interview } from '../../lib/model.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import { samplesDir } from './shared.ts';

/** All sample interviews (ids from file names). */
export function sampleInterviews(): Interview[] {
  return loadInterviews([samplesDir]).map((l) => {
    if ('error' in l) throw new Error(`${l.path}: ${l.error}`);
    return l.interview;
  });
}

/** A hybrid index over the samples with topic tags and the variant dictionary. */
export function sampleIndex(interviews = sampleInterviews()): QuoteIndex {
  const dict = new VariantDictionary();
  const tagger = new TopicTagger();
  const index = new QuoteIndex({ variants: (f) => dict.variantsOf(f) });
  for (const iv of interviews) {
    const tags = tagger.tagInterview(iv);
    index.upsertInterview(iv, new Map([...tags.quotes].map(([id, ms]) => [id, ms.map((m) => m.topic)])));
  }
  return index;
}
