/**
 * What editors teach the tagger: one L2-regularised logistic regression per topic over the
 * analyzer's terms of a quote (and, prefixed `q:`, of the question it answers), trained from
 * confirmed and rejected tags. Small (only weights that matter are kept), deterministic (full-batch
 * gradient descent from zero), and explainable: a prediction names the terms that pushed it most.
 */
import * as z from 'zod';
import { indexTerms } from '../text/analyze.ts';

/** One judgement of an editor: this quote has (or has not) this topic. */
export interface TrainingExample {
  text: string;
  question?: string | null | undefined;
  topic: string;
  label: boolean;
  /** Weak judgements (implied rather than made) count less. Default 1. */
  weight?: number;
}

/** The model of one topic. */
const TopicModelSchema = z.object({
  bias: z.number(),
  weights: z.record(z.string(), z.number()),
  positives: z.number().int().min(0),
  negatives: z.number().int().min(0),
});

/** A serialised classifier (what the store keeps). */
export const ClassifierModelSchema = z.object({
  version: z.literal(1),
  trainedAt: z.string(),
  examples: z.number().int().min(0),
  topics: z.record(z.string(), TopicModelSchema),
});
export type ClassifierModel = z.infer<typeof ClassifierModelSchema>;

/** A topic's prediction for a text. */
export interface ClassifierVote {
  /** Log-odds that the topic applies. */
  logit: number;
  /** How far the quote's terms move the log-odds from the topic's base rate (logit − bias). */
  shift: number;
  /** The terms that raised it most (the explanation). */
  terms: string[];
}

/** Training options. */
export interface TrainOptions {
  /** L2 strength. */
  l2?: number;
  iterations?: number;
  learningRate?: number;
  /** A topic is modelled only with at least this many positive and negative examples. */
  minPerClass?: number;
  /** Terms seen in fewer training texts are ignored. */
  minDocs?: number;
  now?: () => Date;
}

/** The features of a quote: its distinct terms, and its question's prefixed `q:`. */
export function features(text: string, question?: string | null): string[] {
  const own = new Set(indexTerms(text).filter((t) => t.length > 1 || /[\p{Script=Han}]/u.test(t)));
  const out = [...own];
  if (question) for (const t of new Set(indexTerms(question))) if (t.length > 1) out.push(`q:${t}`);
  return out;
}

/** Trains a model from judgements (deterministic for the same examples). */
export function trainClassifier(
  examples: readonly TrainingExample[],
  options: TrainOptions = {},
): ClassifierModel {
  const l2 = options.l2 ?? 3;
  const iterations = options.iterations ?? 300;
  const lr = options.learningRate ?? 0.5;
  const minPerClass = options.minPerClass ?? 3;
  const minDocs = options.minDocs ?? 2;
  // Feature vectors once per distinct text.
  const cache = new Map<string, string[]>();
  const featsOf = (e: TrainingExample) => {
    const key = `${e.question ?? ''}\u0000${e.text}`;
    let f = cache.get(key);
    if (!f) {
      f = features(e.text, e.question);
      cache.set(key, f);
    }
    return f;
  };
  const docs = new Map<string, number>();
  for (const f of new Set(examples.map(featsOf))) for (const t of f) docs.set(t, (docs.get(t) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const [t, n] of [...docs].sort((a, b) => a[0].localeCompare(b[0])))
    if (n >= minDocs) vocab.set(t, vocab.size);

  const byTopic = new Map<string, TrainingExample[]>();
  for (const e of examples) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
  const topics: ClassifierModel['topics'] = {};
  for (const [topic, list] of [...byTopic].sort((a, b) => a[0].localeCompare(b[0]))) {
    const positives = list.filter((e) => e.label).length;
    const negatives = list.length - positives;
    if (positives < minPerClass || negatives < minPerClass) continue;
    const rows = list.map((e) => ({
      x: featsOf(e)
        .map((t) => vocab.get(t))
        .filter((i): i is number => i !== undefined),
      y: e.label ? 1 : 0,
      w: e.weight ?? 1,
    }));
    const total = rows.reduce((s, r) => s + r.w, 0);
    const w = new Float64Array(vocab.size);
    // The bias starts at the class prior, so an empty text predicts the base rate.
    const prior = rows.reduce((s, r) => s + r.w * r.y, 0) / total;
    let b = Math.log((prior + 1e-3) / (1 - prior + 1e-3));
    const grad = new Float64Array(vocab.size);
    for (let it = 0; it < iterations; it++) {
      grad.fill(0);
      let gb = 0;
      for (const r of rows) {
        let z = b;
        for (const i of r.x) z += w[i] as number;
        const err = (1 / (1 + Math.exp(-z)) - r.y) * r.w;
        gb += err;
        for (const i of r.x) grad[i] = (grad[i] as number) + err;
      }
      for (let i = 0; i < w.length; i++)
        w[i] = (w[i] as number) - (lr * ((grad[i] as number) + l2 * (w[i] as number))) / total;
      b -= (lr * gb) / total;
    }
    const weights: Record<string, number> = {};
    for (const [t, i] of vocab) {
      const v = w[i] as number;
      if (Math.abs(v) >= 0.01) weights[t] = Math.round(v * 1000) / 1000;
    }
    topics[topic] = { bias: Math.round(b * 1000) / 1000, weights, positives, negatives };
  }
  return {
    version: 1,
    trainedAt: (options.now ?? (() => new Date()))().toISOString(),
    examples: examples.length,
    topics,
  };
}

/** Applies a trained model. */
export class TopicClassifier {
  readonly model: ClassifierModel;

  /** Wraps a (validated) model. */
  constructor(model: ClassifierModel) {
    this.model = model;
  }

  /** Topics the model has learned. */
  get topics(): string[] {
    return Object.keys(this.model.topics);
  }

  /** Votes of every modelled topic for a quote. */
  predict(text: string, question?: string | null): Map<string, ClassifierVote> {
    const f = features(text, question);
    const out = new Map<string, ClassifierVote>();
    for (const [topic, m] of Object.entries(this.model.topics)) {
      let logit = m.bias;
      const contrib: Array<[string, number]> = [];
      for (const t of f) {
        const v = m.weights[t];
        if (v === undefined) continue;
        logit += v;
        if (v > 0) contrib.push([t, v]);
      }
      contrib.sort((a, b) => b[1] - a[1]);
      out.set(topic, { logit, shift: logit - m.bias, terms: contrib.slice(0, 3).map(([t]) => t) });
    }
    return out;
  }
}
