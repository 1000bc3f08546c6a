/** Builds a tagged quote index from interviews in memory (CLI, eval, tests): no store involved. */
import type { Interview } from '../model.ts';
import { TopicTagger } from '../tagger.ts';
import { VariantDictionary } from '../taxonomy/index.ts';
import type { ReadingAnalyzer } from '../text/readings.ts';
import { QuoteIndex } from './index.ts';

/**
 * A hybrid index with topic tags and the variant dictionary, over the given interviews; with
 * `readings`, kana readings of kanji words are indexed too (as the server does).
 */
export function buildTaggedIndex(
  interviews: readonly Interview[],
  tagger: TopicTagger = new TopicTagger(),
  readings?: ReadingAnalyzer,
): QuoteIndex {
  const dict = new VariantDictionary();
  const index = new QuoteIndex({ variants: (f) => dict.variantsOf(f), ...(readings ? { readings } : {}) });
  for (const iv of interviews) {
    const tags = tagger.tagInterview(iv);
    index.upsertInterview(iv, new Map([...tags.quotes].map(([id, ms]) => [id, ms.map((m) => m.topic)])));
  }
  return index;
}
