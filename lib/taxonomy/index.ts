/**
 * The built-in, editable topic taxonomy and spelling-variant dictionary (JSON beside this file),
 * validated on load so a bad edit fails at start-up, not at tagging time.
 */
import { z } from 'zod';
import { normalizeForMatch } from '../text/normalize.ts';
import synonymsJson from './synonyms.json' with { type: 'json' };
import topicsJson from './topics.json' with { type: 'json' };

const term = z.string().trim().min(1).max(30);

/** A topic of the taxonomy. */
export const TopicSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'topic ids are kebab-case'),
  label: z.string().min(1).max(60),
  labelEn: z.string().min(1).max(60),
  description: z.string().max(1000),
  keywords: z
    .array(z.object({ term, weight: z.number().gt(0).max(5) }))
    .min(1)
    .max(200),
});
export type Topic = z.infer<typeof TopicSchema>;

/** The taxonomy file. */
export const TaxonomySchema = z
  .object({ version: z.literal(1), topics: z.array(TopicSchema).min(1).max(200) })
  .refine((t) => new Set(t.topics.map((x) => x.id)).size === t.topics.length, 'topic ids must be unique');
export type Taxonomy = z.infer<typeof TaxonomySchema>;

/** The spelling-variant dictionary file. */
export const SynonymsSchema = z.object({
  version: z.literal(1),
  groups: z.array(z.object({ id: z.string().min(1).max(60), terms: z.array(term).min(2).max(50) })).max(2000),
});
export type Synonyms = z.infer<typeof SynonymsSchema>;

/** The taxonomy shipped with kikigaki. */
export const defaultTaxonomy: Taxonomy = TaxonomySchema.parse(topicsJson);
/** The variant dictionary shipped with kikigaki. */
export const defaultSynonyms: Synonyms = SynonymsSchema.parse(synonymsJson);

/** Looks up spelling variants by folded form (NFKC, lower case, katakana). */
export class VariantDictionary {
  private readonly byTerm = new Map<string, string[]>();

  /** Indexes every group's terms by their folded form. */
  constructor(synonyms: Synonyms = defaultSynonyms) {
    for (const g of synonyms.groups) {
      const folded = g.terms.map((t) => normalizeForMatch(t));
      folded.forEach((f, i) => {
        const others = g.terms.filter((_, j) => j !== i && folded[j] !== f);
        this.byTerm.set(f, [...(this.byTerm.get(f) ?? []), ...others]);
      });
    }
  }

  /** Other spellings of a folded term (empty when it has none). */
  variantsOf(folded: string): readonly string[] {
    return this.byTerm.get(folded) ?? [];
  }
}
