/** Learning from editors: the topic model retrained from their corrections of quotes' tags. */
import { interviewIdOfQuote } from '../ids.ts';
import { resolveAlias } from '../tags.ts';
import { DEFAULT_TRAINING, type TrainingExample, trainClassifier } from './classifier.ts';
import type { Tagging } from './deps.ts';

/** Corrections of quotes kept at most per topic in the model (a few hundred KB in all). */
const MODEL_MAX_WEIGHTS = 2500;

/**
 * Retrains the model from editors' corrections (added tags are positives, removed ones
 * negatives, the other topics of a corrected quote weak negatives) and stores it; the tagger
 * uses it from then on. Run when the index is rebuilt.
 */
export async function retrain(
  ctx: Tagging,
): Promise<{ examples: number; topics: number; bytes: number } | null> {
  const tagger = await ctx.taggers.current();
  const topics = new Set(tagger.taxonomy.topics.map((t) => t.id));
  const aliases = await ctx.store.aliases();
  const examples: TrainingExample[] = [];
  // Only corrected quotes teach: find them through the index of corrections by tag, then read
  // just their interviews (not every interview of the store).
  const named = new Set<string>();
  for (const tag of new Set([
    ...topics,
    ...(await ctx.store.tagEntries()).map((e) => e.tag),
    ...aliases.keys(),
  ]))
    for (const c of await ctx.store.quotesCorrectedWithTag(tag)) named.add(c.quoteId);
  const byInterview = new Map<string, string[]>();
  for (const q of named) {
    const iv = interviewIdOfQuote(q);
    if (iv) byInterview.set(iv, [...(byInterview.get(iv) ?? []), q]);
  }
  const ids = [...byInterview.keys()];
  for (let i = 0; i < ids.length; i += 25) {
    const stored = await ctx.store.getInterviews(ids.slice(i, i + 25));
    for (const [id, iv] of stored) {
      const quoteIds = byInterview.get(id) ?? [];
      const manual = await ctx.store.manualQuoteTags(quoteIds);
      for (const quoteId of quoteIds) {
        const t = iv.interview.turns.find((x) => x.id === quoteId);
        const m = manual.get(quoteId);
        if (!t || !m || (m.add.length === 0 && m.remove.length === 0)) continue;
        const q = t.questionId ? iv.interview.turns.find((x) => x.id === t.questionId)?.text : null;
        const question = t.role === 'interviewer' ? null : (q ?? null);
        const added = new Set(m.add.map((x) => resolveAlias(x, aliases)));
        const removed = new Set(m.remove.map((x) => resolveAlias(x, aliases)));
        // What the taxonomy's evidence says about the quote: the rich model weighs it with the words.
        const extra = tagger.modelFeatures(t.text, question, t.role === 'interviewer');
        const base = { text: t.text, question, extra };
        for (const topic of topics) {
          if (added.has(topic)) examples.push({ ...base, topic, label: true });
          else if (removed.has(topic)) examples.push({ ...base, topic, label: false });
          else examples.push({ ...base, topic, label: false, weight: 0.2 });
        }
      }
    }
  }
  if (examples.length === 0) return null;
  // The product's training setting, as chosen on the dev labels (the evidence features are
  // attached above; a bag-of-terms setting ignores them).
  const model = trainClassifier(examples, { ...DEFAULT_TRAINING, now: ctx.now });
  // Too few corrections of both kinds for any topic: keep the model there is.
  if (Object.keys(model.topics).length === 0) return null;
  // A bounded model: the strongest weights of each topic.
  for (const m of Object.values(model.topics)) {
    const strongest = Object.entries(m.weights)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, MODEL_MAX_WEIGHTS);
    m.weights = Object.fromEntries(strongest);
  }
  const bytes = await ctx.store.putModel(model, model.trainedAt, examples.length);
  ctx.taggers.invalidate();
  return { examples: examples.length, topics: Object.keys(model.topics).length, bytes };
}
