/**
 * `npm run eval`: search quality (recall@5, MRR) on judged queries for kikigaki's pipeline and for
 * MiniSearch's default configuration side by side, index size per segmentation strategy on real
 * dialogs, topic-tag precision/recall on labelled quotes, and parser coverage of the real corpora.
 * Reads ../shared when present and says so when it is not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { loadInterviews } from '../cli/load.ts';
import type { Interview } from '../lib/model.ts';
import { QUESTION } from '../lib/parse/dash.ts';
import { parseInterview } from '../lib/parse/index.ts';
import { QuoteIndex } from '../lib/search/index.ts';
import { TopicTagger } from '../lib/tagger.ts';
import { VariantDictionary } from '../lib/taxonomy/index.ts';
import type { SegmentationMode } from '../lib/text/analyze.ts';
import { attributionReport } from './eval/attribution.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared');

const Ref = z.object({ interview: z.string(), contains: z.string().min(1) });
const QueriesFile = z.object({
  version: z.literal(1),
  queries: z.array(z.object({ q: z.string().min(1), kind: z.string(), relevant: z.array(Ref).min(1) })),
});
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

type Searcher = (q: string) => string[];

function kikigakiSearcher(interviews: Interview[], mode: SegmentationMode, synonyms: boolean): Searcher {
  const dict = new VariantDictionary();
  const index = new QuoteIndex({
    mode,
    ...(synonyms ? { variants: (f: string) => dict.variantsOf(f) } : {}),
  });
  for (const iv of interviews) index.upsertInterview(iv);
  return (q) => index.search({ q, limit: 10 }).hits.map((h) => h.quoteId);
}

function defaultSearcher(interviews: Interview[]): Searcher {
  const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
  ms.addAll(interviews.flatMap((iv) => iv.turns.map((t) => ({ id: t.id, text: t.text }))));
  return (q) => ms.search(q).map((r) => String(r.id));
}

interface Judged {
  q: string;
  kind: string;
  relevant: Set<string>;
}

function score(search: Searcher, queries: Judged[]) {
  let recall = 0;
  let rr = 0;
  let zero = 0;
  const perKind = new Map<string, { n: number; recall: number; rr: number }>();
  for (const j of queries) {
    const got = search(j.q);
    if (got.length === 0) zero++;
    const top5 = got.slice(0, 5);
    // Capped recall: a query with 15 relevant quotes can at best fill the 5 slots.
    const r = [...j.relevant].filter((id) => top5.includes(id)).length / Math.min(5, j.relevant.size);
    if (process.env.EVAL_DEBUG && r < 1)
      console.log(
        `  miss ${j.kind} ${j.q}: r=${r.toFixed(2)} got ${got.slice(0, 5).join(' ')} want ${[...j.relevant].join(' ')}`,
      );
    const first = got.findIndex((id) => j.relevant.has(id));
    const rrq = first >= 0 ? 1 / (first + 1) : 0;
    recall += r;
    rr += rrq;
    const k = perKind.get(j.kind) ?? { n: 0, recall: 0, rr: 0 };
    k.n++;
    k.recall += r;
    k.rr += rrq;
    perKind.set(j.kind, k);
  }
  return { recall: recall / queries.length, mrr: rr / queries.length, zero, perKind };
}

function searchQuality(interviews: Interview[]): void {
  const file = join(root, 'eval', 'queries.json');
  const data = QueriesFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(interviews.map((iv) => [iv.id, iv]));
  const judged: Judged[] = [];
  const problems: string[] = [];
  for (const q of data.queries) {
    const ids = new Set<string>();
    for (const ref of q.relevant) {
      const r = resolve(byId, ref);
      if (typeof r === 'string') ids.add(r);
      else problems.push(`${q.q}: ${r[0]}`);
    }
    if (ids.size > 0) judged.push({ q: q.q, kind: q.kind, relevant: ids });
  }
  if (problems.length > 0)
    console.log(`skipped ${problems.length} unresolvable judgement(s):\n  ${problems.join('\n  ')}`);
  const quotes = interviews.reduce((n, iv) => n + iv.turns.length, 0);
  console.log(
    `\n## Search quality: ${judged.length} judged queries over ${interviews.length} interviews (${quotes} quotes)\n`,
  );
  const pipelines: Array<[string, Searcher]> = [
    ['MiniSearch default (one token per sentence)', defaultSearcher(interviews)],
    ['Intl.Segmenter words only', kikigakiSearcher(interviews, 'words', false)],
    ['character bigrams only', kikigakiSearcher(interviews, 'bigrams', false)],
    ['kikigaki hybrid, no synonyms', kikigakiSearcher(interviews, 'hybrid', false)],
    ['**kikigaki hybrid (ships)**', kikigakiSearcher(interviews, 'hybrid', true)],
  ];
  const results = pipelines.map(([name, s]) => [name, score(s, judged)] as const);
  console.log(
    table(
      ['pipeline', 'recall@5 (capped)', 'MRR', `zero results /${judged.length}`],
      results.map(([name, r]) => [name, r.recall, r.mrr, r.zero]),
    ),
  );
  const ships = results.at(-1)?.[1];
  const base = results[0]?.[1];
  if (ships && base) {
    console.log('\nBy query kind (recall@5 / MRR):\n');
    console.log(
      table(
        ['kind', 'queries', 'MiniSearch default', 'kikigaki'],
        [...ships.perKind].map(([kind, k]) => {
          const b = base.perKind.get(kind) ?? { n: 1, recall: 0, rr: 0 };
          return [
            kind,
            k.n,
            `${(b.recall / b.n).toFixed(2)} / ${(b.rr / b.n).toFixed(2)}`,
            `${(k.recall / k.n).toFixed(2)} / ${(k.rr / k.n).toFixed(2)}`,
          ];
        }),
      ),
    );
  }
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

function indexSize(interviews: Interview[]): void {
  if (interviews.length === 0) return;
  const quotes = interviews.reduce((n, iv) => n + iv.turns.length, 0);
  console.log(`\n## Index size per segmentation on the real corpora (${quotes} quotes)\n`);
  const rows: Array<Array<string | number>> = [];
  let hybridRaw = 0;
  for (const mode of ['words', 'bigrams', 'hybrid'] as const) {
    const t0 = performance.now();
    const index = new QuoteIndex({ mode });
    for (const iv of interviews) index.upsertInterview(iv);
    const build = performance.now() - t0;
    const bytes = index.toSnapshot();
    const t1 = performance.now();
    QuoteIndex.fromSnapshot(bytes);
    const load = performance.now() - t1;
    if (mode === 'hybrid') hybridRaw = bytes.length;
    rows.push([
      mode,
      (bytes.length / 1e6).toFixed(2),
      (gzipSync(bytes).length / 1e6).toFixed(2),
      Math.round(build),
      Math.round(load),
    ]);
  }
  console.log(table(['segmentation', 'snapshot MB', 'gzip MB', 'build ms', 'load ms'], rows));
  const bigramRaw = Number(rows[1]?.[1]) * 1e6;
  console.log(`\nbigram snapshot / hybrid snapshot = ${(bigramRaw / hybridRaw).toFixed(2)}×`);
}

const corpus = loadCorpus();
searchQuality(corpus);
tagQuality(corpus);
indexSize(corpora());
attributionReport();
