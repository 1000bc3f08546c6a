/**
 * Dev-only tuning of the learned model's per-topic settings (`modelBar`, `modelAlone` in
 * lib/tagging/tagger.ts) by 5-fold cross-validation by file over the dev labels of
 * eval/tag-labels.json: the model is trained on the corrections of four folds and scored on the
 * fifth, for every setting of a small grid; per topic the setting with the highest recall whose
 * precision reaches the goal (0.85 for the three core topics, 0.8 for the others) is
 * proposed, else the one with the highest precision. Test, blind and blind2 labels are never
 * loaded into the computation (see eval/README.md).
 *
 *   npx tsx scripts/eval/tags-tune.ts            # the grid, per topic, and the proposal
 */
import { createHash } from 'node:crypto';
import { TopicTagger } from '../../lib/tagger.ts';
import { type ClassifierModel, trainClassifier } from '../../lib/tagging/classifier.ts';
import { DEFAULT_PARAMS } from '../../lib/tagging/tagger.ts';
import { table } from './table.ts';
import {
  type Counts,
  corrections,
  type Judged,
  loadJudged,
  type Predict,
  precision,
  recall,
  score,
  show,
  taggerPredictions,
} from './tags.ts';

const CORE = new Set(['work-balance', 'crowdsourcing', 'future-demand']);
const FOLDS = 5;
const BARS = [1, 1.2, 1.4];
const ALONE: Array<number | null> = [null, 0.5, 0.6, 0.7, 0.8, 0.9];
// The model's weight is a global setting; `MODEL_WEIGHT=0.5 npx tsx …` runs the grid at another one.
const WEIGHT = Number(process.env.MODEL_WEIGHT ?? DEFAULT_PARAMS.modelWeight);

const foldOf = (file: string) => (createHash('sha1').update(file).digest()[0] as number) % FOLDS;

/** Cross-validated predictions of the dev labels for one setting. */
function predictCV(
  dev: readonly Judged[],
  models: readonly ClassifierModel[],
  params: Partial<typeof DEFAULT_PARAMS>,
): Predict {
  const out = new Map<Judged, ReadonlySet<string>>();
  for (let f = 0; f < FOLDS; f++) {
    const held = dev.filter((j) => foldOf(j.file) === f);
    const tagger = new TopicTagger({ model: models[f] as ClassifierModel, params });
    const predict = taggerPredictions(tagger, held);
    for (const j of held) out.set(j, predict(j));
  }
  return (j) => out.get(j) ?? new Set();
}

function main(): void {
  const loaded = loadJudged(process.cwd());
  if (!loaded) throw new Error('no eval/tag-labels.json');
  // Only the dev labels take part: the others are dropped before anything is computed.
  const dev = loaded.judged.filter((j) => j.split === 'dev');
  const rules = new TopicTagger();
  const topics = rules.taxonomy.topics.map((t) => t.id);
  const rulesPredict = taggerPredictions(rules, dev);
  const models = Array.from({ length: FOLDS }, (_, f) =>
    trainClassifier(
      corrections(
        dev.filter((j) => foldOf(j.file) !== f),
        rulesPredict,
        topics,
      ),
    ),
  );
  const evidence = score(dev, rulesPredict, topics);
  const runs: Array<{ name: string; bar: number; alone: number | null; per: Map<string, Counts> }> = [];
  for (const bar of BARS)
    for (const alone of ALONE) {
      const params = {
        modelWeight: WEIGHT,
        modelBar: Object.fromEntries(topics.map((t) => [t, bar])),
        modelAlone: alone === null ? {} : Object.fromEntries(topics.map((t) => [t, alone])),
      };
      runs.push({
        name: `bar ${bar}, alone ${alone ?? 'off'}`,
        bar,
        alone,
        per: score(dev, predictCV(dev, models, params), topics).per,
      });
    }
  console.log(`Dev labels: ${dev.length} quotes, ${FOLDS} folds by file, modelWeight ${WEIGHT}.\n`);
  const rows = topics.map((t) => [
    t,
    dev.filter((j) => j.tags.includes(t)).length,
    `${show(precision(evidence.per.get(t) as Counts))} / ${show(recall(evidence.per.get(t) as Counts))}`,
    ...runs.map((r) => {
      const e = r.per.get(t) as Counts;
      return `${show(precision(e))} / ${show(recall(e))}`;
    }),
  ]);
  console.log(table(['topic', 'support', 'evidence', ...runs.map((r) => r.name)], rows));
  const proposal: Record<string, { bar: number; alone: number | null; p: number; r: number }> = {};
  for (const t of topics) {
    const goal = CORE.has(t) ? 0.85 : 0.8;
    const scored = runs.map((r) => {
      const e = r.per.get(t) as Counts;
      return { bar: r.bar, alone: r.alone, p: precision(e), r: recall(e) };
    });
    const ok = scored.filter((s) => s.p >= goal);
    // Highest recall at the goal's precision; among equals the simplest setting (the grid's order).
    const best = ok.length
      ? ok.reduce((a, b) => (b.r > a.r || (b.r === a.r && b.p > a.p) ? b : a))
      : scored.reduce((a, b) => ((b.p || 0) > (a.p || 0) || (b.p === a.p && b.r > a.r) ? b : a));
    proposal[t] = best;
  }
  console.log('\nProposal (per topic: highest recall at the goal precision, else highest precision):\n');
  console.log(
    table(
      ['topic', 'modelBar', 'modelAlone', 'dev CV P / R'],
      topics.map((t) => {
        const b = proposal[t] as { bar: number; alone: number | null; p: number; r: number };
        return [t, b.bar, b.alone ?? 'off', `${show(b.p)} / ${show(b.r)}`];
      }),
    ),
  );
}

main();
