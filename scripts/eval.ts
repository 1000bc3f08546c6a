/**
 * `npm run eval`: search quality against peers (./eval/search.ts), index size per segmentation
 * strategy on the real corpora, topic-tag precision/recall on labelled quotes, and parser coverage
 * of the real corpora. Each section lives in its own module under ./eval/ where it has one.
 * Reads ../shared when present and says so when it is not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadInterviews } from '../cli/load.ts';
import type { Interview } from '../lib/model.ts';
import { QUESTION } from '../lib/parse/dash.ts';
import { parseInterview } from '../lib/parse/index.ts';
import { TopicTagger } from '../lib/tagger.ts';
import { indexSize, searchEval } from './eval/search.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared');

const Ref = z.object({ interview: z.string(), contains: z.string().min(1) });
const LabelsFile = z.object({
  version: z.literal(1),
  labels: z.array(Ref.extend({ tags: z.array(z.string()) })),
});

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const fmt = (v: string | number) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v;
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`),
  ].join('\n');
}

/** Resolves a `{ interview, contains }` reference to the one quote id it names. */
function resolve(byId: Map<string, Interview>, ref: z.infer<typeof Ref>): string | string[] {
  const iv = byId.get(ref.interview);
  if (!iv) return [`unknown interview ${ref.interview}`];
  const hits = iv.turns.filter((t) => t.text.includes(ref.contains));
  if (hits.length !== 1) return [`${ref.interview}: "${ref.contains}" is in ${hits.length} turns`];
  return (hits[0] as { id: string }).id;
}

function loadCorpus(): Interview[] {
  const paths = [join(root, 'samples')];
  const seed = join(shared, 'seed');
  if (existsSync(seed)) paths.push(seed);
  else console.log(`(seed not found at ${seed}: evaluating on the samples only)`);
  const out: Interview[] = [];
  for (const l of loadInterviews(paths)) {
    if ('error' in l) throw new Error(`${l.path}: ${l.error}`);
    out.push(l.interview);
  }
  return out;
}

function tagQuality(interviews: Interview[]): void {
  const file = join(root, 'eval', 'tag-labels.json');
  if (!existsSync(file)) {
    console.log('\n(no eval/tag-labels.json: skipping tag quality)');
    return;
  }
  const data = LabelsFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(interviews.map((iv) => [iv.id, iv]));
  const tagger = new TopicTagger();
  const predicted = new Map<string, Set<string>>();
  for (const iv of interviews) {
    for (const [qid, ms] of tagger.tagInterview(iv).quotes)
      predicted.set(qid, new Set(ms.map((m) => m.topic)));
  }
  const per = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (t: string, k: 'tp' | 'fp' | 'fn') => {
    const e = per.get(t) ?? { tp: 0, fp: 0, fn: 0 };
    e[k]++;
    per.set(t, e);
  };
  let n = 0;
  for (const label of data.labels) {
    const id = resolve(byId, label);
    if (typeof id !== 'string') continue;
    n++;
    const gold = new Set(label.tags);
    const got = predicted.get(id) ?? new Set<string>();
    for (const t of got) bump(t, gold.has(t) ? 'tp' : 'fp');
    for (const t of gold) if (!got.has(t)) bump(t, 'fn');
  }
  const sum = [...per.values()].reduce((a, e) => ({ tp: a.tp + e.tp, fp: a.fp + e.fp, fn: a.fn + e.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  const p = (e: { tp: number; fp: number }) => (e.tp + e.fp === 0 ? 0 : e.tp / (e.tp + e.fp));
  const r = (e: { tp: number; fn: number }) => (e.tp + e.fn === 0 ? 0 : e.tp / (e.tp + e.fn));
  console.log(`\n## Topic tags: ${n} labelled quotes\n`);
  console.log(
    table(
      ['topic', 'precision', 'recall', 'tp', 'fp', 'fn'],
      [
        ...[...per]
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([t, e]) => [t, p(e), r(e), e.tp, e.fp, e.fn]),
        ['**all (micro)**', p(sum), r(sum), sum.tp, sum.fp, sum.fn],
      ],
    ),
  );
}

function listFiles(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listFiles(join(dir, e.name), ext)
      : e.name.endsWith(ext) && !/^(LICENSE|README)/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

function corpora(): Interview[] {
  const corpusDir = join(shared, 'corpora');
  if (!existsSync(corpusDir)) {
    console.log(`\n(real corpora not found at ${corpusDir}: skipping parser coverage and index size)`);
    return [];
  }
  const out: Interview[] = [];
  let questions = 0;
  let questionTurns = 0;
  let answers = 0;
  let named = 0;
  let failed = 0;
  const livedoor = listFiles(join(corpusDir, 'livedoor-interviews'), '.txt');
  for (const f of livedoor) {
    const text = readFileSync(f, 'utf8');
    try {
      const iv = parseInterview(text);
      out.push(iv);
      questions += text
        .split(/\r?\n/)
        .filter((l) => QUESTION.test(l) && !/^[。、]?$/.test(l.replace(QUESTION, '').trim())).length;
      questionTurns += iv.turns.filter((t) => t.role === 'interviewer').length;
      const a = iv.turns.filter((t) => t.role !== 'interviewer');
      answers += a.length;
      named += a.filter((t) => t.role === 'interviewee' && t.speaker !== '話し手').length;
    } catch {
      failed++;
    }
  }
  const dialogs = listFiles(join(corpusDir, 'asdc-dialogs'), '.tsv');
  let dialogFailed = 0;
  let dialogTurns = 0;
  for (const f of dialogs) {
    try {
      const iv = parseInterview(readFileSync(f, 'utf8'));
      dialogTurns += iv.turns.length;
      out.push(iv);
    } catch {
      dialogFailed++;
    }
  }
  console.log('\n## Parser coverage on the real corpora\n');
  console.log(
    table(
      ['corpus', 'files', 'failed', 'measure', 'value'],
      [
        [
          'livedoor-interviews',
          livedoor.length,
          failed,
          '`——` lines that became interviewer turns',
          `${questionTurns}/${questions} = ${((100 * questionTurns) / Math.max(1, questions)).toFixed(1)}%`,
        ],
        [
          'livedoor-interviews',
          livedoor.length,
          failed,
          'answers attributed to a named interviewee',
          `${named}/${answers} = ${((100 * named) / Math.max(1, answers)).toFixed(1)}%`,
        ],
        ['asdc-dialogs', dialogs.length, dialogFailed, 'turns', dialogTurns],
      ],
    ),
  );
  return out;
}

const corpus = loadCorpus();
await searchEval();
tagQuality(corpus);
indexSize(corpora());
