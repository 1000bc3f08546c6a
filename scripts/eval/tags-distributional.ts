/**
 * The distributional round (2026-12-06, helper tags12; eval/README.md): does the shipped model find more
 * topics told in other words when it also reads features from term vectors learned on unlabelled text
 * (scripts/eval/term-vectors.ts)? Chosen by 5-fold cross-validation by file over the shipped model's own
 * training pool, with the same training and the same every-fold rule choice as `npm run train:tags`; the
 * fresh splits are not read here. `npx tsx scripts/eval/tags-distributional.ts [clusters|similarity|both …]`
 * (the term space is cached in /tmp; about 10 minutes per variant on a shared core). `--score <kind>` trains the
 * model with that variant on the whole pool, its rules chosen on its cross-validation, and scores the splits
 * the shipped model never learned from (fresh8 … fresh12) beside the shipped model: run it once, at the end.
 */
import { join } from 'node:path';
import { TopicTagger } from '../../lib/tagger.ts';
import { type ClassifierModel, chooseRules, type RuleRow } from '../../lib/tagging/classifier.ts';
import type { EvidenceMemo } from '../../lib/tagging/evidence.ts';
import { shippedModel } from '../../lib/tagging/shipped.ts';
import type { SequenceItem } from '../../lib/tagging/tagger.ts';
import {
  domainOf,
  judgedFeatures,
  loadJudged,
  type Predict,
  pooledCrossValidation,
  printComparison,
  printHardCases,
  SHIPPED_NEIGHBOURS,
  taggerPredictions,
  trainPooled,
} from './tags.ts';
import {
  type Distributional,
  type DistributionalKind,
  distributional,
  distributionalFeatures,
  termSpace,
} from './term-vectors.ts';

/** The product's tagger, whose model also reads the distributional features of each text. */
export class DistributionalTagger extends TopicTagger {
  constructor(
    model: ClassifierModel | null,
    private readonly dist: Distributional,
    private readonly kind: DistributionalKind,
  ) {
    super({ model });
  }

  override sequenceFeatures(
    items: readonly SequenceItem[],
    neighbours?: number,
    memo?: EvidenceMemo,
  ): string[][] {
    const own = super.sequenceFeatures(items, neighbours, memo);
    return own.map((f, i) => [...f, ...distributionalFeatures(this.dist, items[i]?.text ?? '', this.kind)]);
  }
}

const root = join(import.meta.dirname, '..', '..');
const shared = join(root, '..', 'shared');
const named = process.argv.slice(2).filter((a) => ['clusters', 'similarity', 'both'].includes(a));
const kinds = (named.length > 0 ? named : ['both']) as DistributionalKind[];
const loaded = loadJudged(root);
if (!loaded || loaded.problems.length > 0) throw new Error('tag labels missing or unresolved');
const trainedOn = new Set(shippedModel?.trainedOn ?? []);
const pool = loaded.judged.filter((j) => trainedOn.has(j.split));
const rules = new TopicTagger({ model: null });
const topics = rules.taxonomy.topics.map((t) => t.id);
const rulesPredict = taggerPredictions(rules, pool);
const { space, paragraphs } = termSpace(shared, '/tmp/kk-tags12-space');
const dist = distributional(space, rules.taxonomy, paragraphs);
console.log(
  `term space: ${space.terms.length} terms × ${space.dims} dims from ${paragraphs.length} unlabelled paragraphs`,
);

// `--cost`: CPU µs per quote of the distributional features alone (what ingest would add to the shipped
// model's tagging), over every judged quote, best of 3 passes after a warm-up.
if (process.argv.includes('--cost')) {
  const texts = loaded.judged.map((j) => j.quote);
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 4; pass++) {
    const t0 = process.cpuUsage();
    let n = 0;
    for (const text of texts) n += distributionalFeatures(dist, text, 'both').length;
    const us = (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / texts.length;
    if (pass > 0) best = Math.min(best, us);
    if (n < 0) console.log(n);
  }
  console.log(`distributional features: ${best.toFixed(1)} µs CPU per quote over ${texts.length} quotes`);
  process.exit(0);
}

const title = `Cross-validated by file over the ${pool.length} labels the shipped model learns from`;
function printCv(runs: ReadonlyArray<readonly [string, Predict]>): void {
  printComparison(title, pool, runs, topics);
  printComparison(
    `${title} — interview talk only`,
    pool.filter((j) => domainOf(j) === 'interview'),
    runs,
    topics,
  );
  printComparison(
    `${title} — news paragraphs only`,
    pool.filter((j) => domainOf(j) === 'news'),
    runs,
    topics,
  );
  for (const split of ['test', 'blind', 'blind2'])
    printComparison(
      `${title} — ${split} only`,
      pool.filter((j) => j.split === split),
      runs,
      topics,
    );
}

// The round ran before tags6 (2026-12-07): its cross-validation keeps that round's choice (the every-fold
// rule on the other folds' out-of-fold rows), so its numbers stay comparable with eval/README.md's.
const asRun = {
  nested: false,
  choose: (rows: readonly RuleRow[], ids: readonly string[], groups: readonly number[]) =>
    chooseRules(rows, ids, undefined, groups),
};

const scoreAt = process.argv.indexOf('--score');
if (scoreAt >= 0) {
  const kind = process.argv[scoreAt + 1] as DistributionalKind;
  const make = (m: ClassifierModel | null) => new DistributionalTagger(m, dist, kind);
  const cv = pooledCrossValidation(pool, topics, rules, rulesPredict, make, asRun);
  printCv([
    ['evidence + question', rulesPredict],
    [`+ model with ${kind} (5-fold)`, cv.predict],
  ]);
  const chosen = chooseRules(cv.rows, topics, undefined, cv.folds);
  const model = trainPooled(pool, topics, judgedFeatures(pool, make(null), SHIPPED_NEIGHBOURS));
  const ours = make({ ...model, rules: chosen });
  console.log(
    `rules (${kind}): ${JSON.stringify(chosen)}; model ${(JSON.stringify(model).length / 1024).toFixed(0)} KB`,
  );
  const main = new TopicTagger({ model: shippedModel });
  for (const split of ['fresh12', 'fresh11', 'fresh10', 'fresh9', 'fresh8']) {
    const held = loaded.judged.filter((j) => j.split === split);
    const runs: Array<readonly [string, Predict]> = [
      ['main (+ shipped model)', taggerPredictions(main, held)],
      [`+ model with ${kind}`, taggerPredictions(ours, held)],
    ];
    printComparison(`${split} (never learned from)`, held, runs, topics);
    printHardCases(held, runs);
  }
  process.exit(0);
}

const runs: Array<readonly [string, Predict]> = [['evidence + question', rulesPredict]];
let t = process.cpuUsage();
// The shipped model's own cross-validation (`npm run eval` prints the same numbers) unless --no-baseline.
if (!process.argv.includes('--no-baseline')) {
  runs.push([
    '+ shipped model (5-fold)',
    pooledCrossValidation(pool, topics, rules, rulesPredict, undefined, asRun).predict,
  ]);
  console.log(`baseline CV: ${(process.cpuUsage(t).user / 1e6).toFixed(0)} s CPU`);
}
for (const kind of kinds) {
  t = process.cpuUsage();
  const cv = pooledCrossValidation(
    pool,
    topics,
    rules,
    rulesPredict,
    (m) => new DistributionalTagger(m, dist, kind),
    asRun,
  );
  runs.push([`+ model with ${kind} (5-fold)`, cv.predict]);
  console.log(`${kind} CV: ${(process.cpuUsage(t).user / 1e6).toFixed(0)} s CPU`);
}
printCv(runs);
