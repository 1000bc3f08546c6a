/**
 * The tag use cases, on top of the store ports: one consistent model of tags. A quote's
 * effective tags are its automatic topics (through merges' aliases) plus what editors added minus
 * what they removed; a person's are what their quotes carry plus and minus their own
 * corrections. Every read (quote views, profiles, people by tag, /tags, search through the index)
 * goes through that model, and every edit updates the memberships of just the interviews it
 * touches. Merges are checked, can be previewed, listed and undone; the taxonomy is edited here
 * and re-scored in the background; bulk edits and the audit trail live here too.
 */
import { interviewIdOfQuote } from '../ids.ts';
import type { Jobs } from '../jobs/runner.ts';
import type { Change } from '../service.ts';
import type { Store } from '../store/port.ts';
import { resolveAlias } from '../tags.ts';
import { DEFAULT_TRAINING, type TrainingExample, trainClassifier } from './classifier.ts';
import type { Tagging, TaggingDeps } from './deps.ts';
import { recordOf, type TagStep } from './record.ts';
import type { TaggerSource } from './source.ts';
import type { TopicTagger } from './tagger.ts';

/** Corrections of quotes kept at most per topic in the model (a few hundred KB in all). */
const MODEL_MAX_WEIGHTS = 2500;

/** kikigaki's tag use cases. */
export class TagService implements Tagging {
  readonly store: Store;
  readonly taggers: TaggerSource;
  readonly afterCommit: (change: Change) => Promise<void>;
  readonly jobs: Jobs | null;
  readonly inlineInterviews: number;
  readonly now: () => Date;
  readonly tag: TagStep;

  constructor(deps: TaggingDeps) {
    this.store = deps.store;
    this.taggers = deps.taggers;
    this.afterCommit = deps.afterCommit ?? (async () => {});
    this.jobs = deps.jobs ?? null;
    this.inlineInterviews = deps.inlineInterviews ?? 100;
    this.now = deps.now ?? (() => new Date());
    this.tag = deps.tag ?? recordOf;
  }

  /** The current tagger (taxonomy version and learned model). */
  tagger(): Promise<TopicTagger> {
    return this.taggers.current();
  }

  // ------------------------------------------------------------------ learning from editors

  /**
   * Retrains the model from editors' corrections (added tags are positives, removed ones
   * negatives, the other topics of a corrected quote weak negatives) and stores it; the tagger
   * uses it from then on. Run when the index is rebuilt.
   */
  async retrain(): Promise<{ examples: number; topics: number; bytes: number } | null> {
    const tagger = await this.taggers.current();
    const topics = new Set(tagger.taxonomy.topics.map((t) => t.id));
    const aliases = await this.store.aliases();
    const examples: TrainingExample[] = [];
    // Only corrected quotes teach: find them through the index of corrections by tag, then read
    // just their interviews (not every interview of the store).
    const named = new Set<string>();
    for (const tag of new Set([
      ...topics,
      ...(await this.store.tagEntries()).map((e) => e.tag),
      ...aliases.keys(),
    ]))
      for (const c of await this.store.quotesCorrectedWithTag(tag)) named.add(c.quoteId);
    const byInterview = new Map<string, string[]>();
    for (const q of named) {
      const iv = interviewIdOfQuote(q);
      if (iv) byInterview.set(iv, [...(byInterview.get(iv) ?? []), q]);
    }
    const ids = [...byInterview.keys()];
    for (let i = 0; i < ids.length; i += 25) {
      const stored = await this.store.getInterviews(ids.slice(i, i + 25));
      for (const [id, iv] of stored) {
        const quoteIds = byInterview.get(id) ?? [];
        const manual = await this.store.manualQuoteTags(quoteIds);
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
    const model = trainClassifier(examples, { ...DEFAULT_TRAINING, now: this.now });
    // Too few corrections of both kinds for any topic: keep the model there is.
    if (Object.keys(model.topics).length === 0) return null;
    // A bounded model: the strongest weights of each topic.
    for (const m of Object.values(model.topics)) {
      const strongest = Object.entries(m.weights)
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, MODEL_MAX_WEIGHTS);
      m.weights = Object.fromEntries(strongest);
    }
    const bytes = await this.store.putModel(model, model.trainedAt, examples.length);
    this.taggers.invalidate();
    return { examples: examples.length, topics: Object.keys(model.topics).length, bytes };
  }
}
