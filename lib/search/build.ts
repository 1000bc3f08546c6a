/** Builds a tagged quote index from interviews in memory (CLI, eval, tests): no store involved. */
import type { Interview } from '../model.ts';
import { TopicTagger } from '../tagger.ts';
import { VariantDictionary } from '../taxonomy/index.ts';
import { QuoteIndex } from './index.ts';

/** A hybrid index with topic tags and the variant dictionary, over the given interviews. */
export function buildTaggedIndex(
  interviews: readonly Interview[],
  tagger: TopicTagger = new TopicTagger(),
): QuoteIndex {
  const dict = new VariantDictionary();
  const index = new QuoteIndex({ variants: (f) => dict.variantsOf(f) });
  for (const iv of interviews) {
    const tags = tagger.tagInterview(iv);
    index.upsertInterview(iv, new Map([...tags.quotes].map(([id, ms]) => [id, ms.map((m) => m.topic)])));
  }
  return index;
}
