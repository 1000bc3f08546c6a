/**
 * The built-in, editable topic taxonomy and spelling-variant dictionary (JSON beside this file),
 * validated on load so a bad edit fails at start-up, not at tagging time. The taxonomy in use can
 * also be edited over the API; the store keeps its versions and this file is the first one.
 */
import * as z from 'zod';
import { normalizeForMatch } from '../text/normalize.ts';
import synonymsJson from './synonyms.json' with { type: 'json' };
import topicsJson from './topics.json' with { type: 'json' };

const term = z.string().trim().min(1).max(30);

/**
 * An evidence pattern: literal text, or parts joined by `*` (each gap at most a dozen characters
 * inside one sentence), matched on folded text (NFKC, lower case, katakana for hiragana).
 */
export const PatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((p) => p.split('*').every((part) => part.trim().length > 0), 'pattern parts must not be empty')
  .refine((p) => p.split('*').length <= 4, 'a pattern has at most four parts');

/** One piece of evidence for a topic, with the senses it needs or excludes. */
export const EvidenceSchema = z.object({
  phrase: PatternSchema,
  /** Counts once per quote; negative weights are counter-evidence (another sense of the topic's words). */
  weight: z
    .number()
    .min(-5)
    .max(5)
    .refine((w) => w !== 0, 'weight must not be 0'),
  /** The phrase counts only when one of these occurs in the same sentence. */
  near: z.array(PatternSchema).max(50).optional(),
  /**
   * And, when given, one of these too: a concept rule (a work word, a home word and a balance word
   * in one sentence, in any order and wording) rather than one fixed phrase. Its explanation names
   * the three words found.
   */
  also: z.array(PatternSchema).max(50).optional(),
  /** The phrase does not count when one of these occurs in the same sentence. */
  unless: z.array(PatternSchema).max(50).optional(),
  /**
   * A construction rather than a co-occurrence: `near` and `also` count only within this many
   * characters either side of the phrase (仕事をしながら子育て: the two sides of a 〜ながら), not
   * anywhere in its sentence.
   */
  within: z.number().int().min(1).max(40).optional(),
  /**
   * With `within`: `near` and `also` must stand on opposite sides of the phrase (夜間の大学に通いながら、
   * 昼間は仕事), not both after it (くつろぎながら、同僚の仕事ぶりや子供の話: leisure, with the work and
   * the child only talked about). Ignored without `within`.
   */
  sides: z.boolean().optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** Topic ids: kebab-case ASCII (they appear in URLs and keys). */
export const TopicIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'topic ids are kebab-case')
  .max(60);

/** A topic of the taxonomy. */
export const TopicSchema = z.object({
  id: TopicIdSchema,
  label: z.string().trim().min(1).max(60),
  labelEn: z.string().trim().min(1).max(60),
  description: z.string().max(1000),
  /** Score a quote needs for the topic (evidence, question context and the learned model together). */
  threshold: z.number().gt(0).max(10).default(1),
  evidence: z.array(EvidenceSchema).max(300),
  /** Senses that are never this topic: no evidence counts in a sentence containing one of these. */
  unless: z.array(PatternSchema).max(100).optional(),
});
export type Topic = z.infer<typeof TopicSchema>;
/** A topic as written (threshold may be left out). */
export type TopicInput = z.input<typeof TopicSchema>;

const unique = (t: { topics: Array<{ id: string }> }) =>
  new Set(t.topics.map((x) => x.id)).size === t.topics.length;

/** The version-1 file: weighted keywords only. */
const TaxonomyV1Schema = z.object({
  version: z.literal(1),
  topics: z.array(
    z.object({
      id: TopicIdSchema,
      label: z.string(),
      labelEn: z.string(),
      description: z.string(),
      keywords: z.array(z.object({ term, weight: z.number().gt(0).max(5) })),
    }),
  ),
});

/** The taxonomy (version 2; a version-1 keyword file is read as evidence phrases). */
export const TaxonomySchema = z.preprocess(
  (raw) => {
    const v1 = TaxonomyV1Schema.safeParse(raw);
    if (!v1.success) return raw;
    return {
      version: 2,
      topics: v1.data.topics.map(({ keywords, ...t }) => ({
        ...t,
        evidence: keywords.map((k) => ({ phrase: k.term, weight: k.weight })),
      })),
    };
  },
  z
    .object({ version: z.literal(2), topics: z.array(TopicSchema).min(1).max(200) })
    .refine(unique, 'topic ids must be unique'),
);
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
