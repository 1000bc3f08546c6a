/**
 * Dev-only tuning of the tagger's discourse context (`context` in lib/tagging/tagger.ts): per
 * topic, how far to look for neighbours whose own evidence carries the topic (`window`), the
 * multiple of the bar for a quote among them (`low`) and for an isolated one (`high`).
 *
 * Only the dev labels of eval/tag-labels.json are loaded into the computation (test, blind* and
 * fresh* are dropped first). Whole interviews and whole articles are scored once (the candidates
 * do not depend on the context settings), then every setting of a small grid decides them.
 * The choice is cross-validated by file: for each of 5 folds, each topic's setting is chosen on
 * the other four — the setting with the highest recall whose precision reaches the issue's goal
 * and neither precision nor recall falls below the tagger without context on those folds, else
 * the highest precision under the same guard, else none — and scored on the held fold. The
 * union of the held folds' predictions is the cross-validated result; the setting chosen on all
 * of dev is the proposal. With `MODEL=1` the learned model takes part, itself trained per fold on
 * the other folds' corrections (as the eval's cross-validation).
 *
 *   npx tsx scripts/eval/tags-context.ts
 *   MODEL=1 npx tsx scripts/eval/tags-context.ts
 */
import { createHash } from 'node:crypto';
import { TopicTagger } from '../../lib/tagger.ts';
import { DEFAULT_TRAINING, trainClassifier } from '../../lib/tagging/classifier.ts';
import type { Candidate, SequenceItem, TopicContext } from '../../lib/tagging/tagger.ts';
import { table } from './table.ts';
import {
  articleItems,
  type Counts,
  corrections,
  type Judged,
  loadJudged,
  precision,
  recall,
  show,
  taggerPredictions,
} from './tags.ts';

const FOLDS = 5;
const CORE = new Set(['work-balance', 'crowdsourcing', 'future-demand']);
const WINDOWS = (process.env.WINDOWS ?? '1,2,3,4,6').split(',').map(Number);
const LOWS = (process.env.LOWS ?? '1,0.8,0.6,0.4,0.2').split(',').map(Number);
const HIGHS = (process.env.HIGHS ?? '1,1.2,1.4,1.7,2,2.5,3').split(',').map(Number);
const ANCHORS = (process.env.ANCHORS ?? '1').split(',').map(Number);
const foldOf = (file: string) => (createHash('sha1').update(file).digest()[0] as number) % FOLDS;

/** One interview or article, scored once: its items, their candidates, the labels' item ids. */
interface Seq {
  file: string;
  fold: number;
  items: SequenceItem[];
  cands: Candidate[][];
  tagger: TopicTagger;
  labels: Array<{ j: Judged; id: string }>;
}

function sequences(dev: readonly Judged[], taggerOf: (fold: number) => TopicTagger): Seq[] {
  const byFile = new Map<string, Judged[]>();
  for (const j of dev) byFile.set(j.file, [...(byFile.get(j.file) ?? []), j]);
  const out: Seq[] = [];
  for (const [file, js] of byFile) {
    const first = js[0] as Judged;
    const fold = foldOf(file);
    const tagger = taggerOf(fold);
    let items: SequenceItem[];
    if (first.interview) {
      const byId = new Map(first.interview.turns.map((t) => [t.id, t]));
      items = first.interview.turns.map((t) => ({
        id: t.id,
        text: t.text,
        question: t.questionId ? byId.get(t.questionId)?.text : null,
        asked: t.role === 'interviewer',
      }));
    } else items = articleItems(first.article ?? []);
    const cands = items.map((it) => tagger.candidates(it.text, it.question, it.asked ?? false));
    const labels = js.map((j) => ({ j, id: j.turnId ?? String(j.line) }));
    out.push({ file, fold, items, cands, tagger, labels });
  }
  return out;
}

type Setting = TopicContext | null;
const key = (s: Setting) =>
  s ? `w${s.window} l${s.low} h${s.high}${s.anchor && s.anchor !== 1 ? ` a${s.anchor}` : ''}` : 'none';

/** Per sequence, per setting of one topic: that topic's counts on the sequence's labels. */
function countsOf(seqs: readonly Seq[], topic: string, settings: readonly Setting[]): Map<string, Counts>[] {
  return seqs.map((s) => {
    const m = new Map<string, Counts>();
    for (const setting of settings) {
      const got = s.tagger.decideSequence(s.items, s.cands, setting ? { [topic]: setting } : {});
      const e: Counts = { tp: 0, fp: 0, fn: 0 };
      for (const { j, id } of s.labels) {
        const has = (got.get(id) ?? []).some((x) => x.topic === topic);
        const gold = j.tags.includes(topic);
        if (has && gold) e.tp++;
        else if (has) e.fp++;
        else if (gold) e.fn++;
      }
      m.set(key(setting), e);
    }
    return m;
  });
}

const sum = (es: readonly Counts[]): Counts =>
  es.reduce((a, e) => ({ tp: a.tp + e.tp, fp: a.fp + e.fp, fn: a.fn + e.fn }), { tp: 0, fp: 0, fn: 0 });

/** The guarded choice (see the header) among settings, on the counts of some sequences. */
function choose(topic: string, settings: readonly Setting[], counts: (s: Setting) => Counts): Setting {
  const goal = CORE.has(topic) ? 0.85 : 0.8;
  const base = counts(null);
  const p0 = precision(base) || 0;
  const r0 = recall(base) || 0;
  const ok = settings.filter((s) => {
    const e = counts(s);
    return (precision(e) || 0) >= p0 && (recall(e) || 0) >= r0;
  });
  let best: Setting = null;
  let bestKey: [number, number, number] = [precision(base) >= goal ? 1 : 0, 0, 0];
  const rank = (e: Counts): [number, number, number] => {
    const p = precision(e) || 0;
    const r = recall(e) || 0;
    return p >= goal ? [1, r, p] : [0, p, r];
  };
  bestKey = rank(base);
  for (const s of ok) {
    const k = rank(counts(s));
    if (
      k[0] > bestKey[0] ||
      (k[0] === bestKey[0] && (k[1] > bestKey[1] || (k[1] === bestKey[1] && k[2] > bestKey[2])))
    ) {
      best = s;
      bestKey = k;
    }
  }
  return best;
}

function main(): void {
  const loaded = loadJudged(process.cwd());
  if (!loaded) throw new Error('no eval/tag-labels.json');
  const dev = loaded.judged.filter((j) => j.split === 'dev');
  const rules = new TopicTagger();
  const topics = rules.taxonomy.topics.map((t) => t.id);
  const withModel = process.env.MODEL === '1';
  let taggerOf: (fold: number) => TopicTagger = () => rules;
  if (withModel) {
    const rulesPredict = taggerPredictions(rules, dev);
    const taggers = Array.from(
      { length: FOLDS },
      (_, f) =>
        new TopicTagger({
          model: trainClassifier(
            corrections(
              dev.filter((j) => foldOf(j.file) !== f),
              rulesPredict,
              topics,
              0.2,
              rules,
            ),
            DEFAULT_TRAINING,
          ),
        }),
    );
    taggerOf = (f) => taggers[f] as TopicTagger;
  }
  const seqs = sequences(dev, taggerOf);
  const settings: Setting[] = [null];
  for (const window of WINDOWS)
    for (const low of LOWS)
      for (const high of HIGHS)
        for (const anchor of ANCHORS)
          if (low !== 1 || high !== 1) settings.push({ window, low, high, anchor });
  console.log(
    `Dev: ${dev.length} labels in ${seqs.length} files, ${settings.length} settings per topic, ${withModel ? 'evidence + model (per fold)' : 'evidence + question'}.\n`,
  );
  // `FIXED=w4,l0.8,h1;w2,l0.8,h1` scores whole settings applied to every topic alike (no choice).
  if (process.env.FIXED) {
    const fixed = process.env.FIXED.split(';').map((x) => {
      const [w, l, h, a] = x.split(',').map((y) => Number(y.slice(1)));
      return { window: w as number, low: l as number, high: h as number, anchor: a ?? 1 };
    });
    const rowsF = topics.map((topic) => {
      const per = countsOf(seqs, topic, [null, ...fixed]);
      const tot = (s: Setting) => sum(per.map((m) => m.get(key(s)) as Counts));
      return [topic, ...[null, ...fixed].map((s) => `${show(precision(tot(s)))} / ${show(recall(tot(s)))}`)];
    });
    console.log(table(['topic', 'none', ...fixed.map(key)], rowsF));
    return;
  }
  const rows: Array<Array<string | number>> = [];
  const proposal: Record<string, TopicContext> = {};
  for (const topic of topics) {
    const per = countsOf(seqs, topic, settings);
    const over = (pick: (i: number) => boolean) => (s: Setting) =>
      sum(per.flatMap((m, i) => (pick(i) ? [m.get(key(s)) as Counts] : [])));
    // Cross-validated: each fold decided by the setting chosen on the other four.
    const held: Counts[] = [];
    const chosen: string[] = [];
    for (let f = 0; f < FOLDS; f++) {
      const s = choose(
        topic,
        settings,
        over((i) => (seqs[i] as Seq).fold !== f),
      );
      chosen.push(key(s));
      held.push(over((i) => (seqs[i] as Seq).fold === f)(s));
    }
    const cv = sum(held);
    const base = over(() => true)(null);
    const all = choose(
      topic,
      settings,
      over(() => true),
    );
    if (all) proposal[topic] = all;
    const allE = over(() => true)(all);
    // The best few settings on all of dev, for reading.
    const support = base.tp + base.fn;
    rows.push([
      topic,
      support,
      `${show(precision(base))} / ${show(recall(base))}`,
      `${show(precision(cv))} / ${show(recall(cv))}`,
      chosen.join(' · '),
      `${key(all)}: ${show(precision(allE))} / ${show(recall(allE))}`,
    ]);
  }
  console.log(
    table(
      ['topic', 'support', 'no context', 'context, CV by file', 'chosen per fold', 'chosen on all dev'],
      rows,
    ),
  );
  console.log(`\nProposal: ${JSON.stringify(proposal)}`);
}

main();
