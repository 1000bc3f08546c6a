/**
 * `npm run eval`: search quality against peers (./eval/search.ts), index size per segmentation
 * strategy on the real corpora, topic-tag precision/recall on labelled quotes, and parser coverage
 * of the real corpora. Each section lives in its own module under ./eval/ where it has one.
 * Reads ../shared when present and says so when it is not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Interview } from '../lib/model.ts';
import { QUESTION } from '../lib/parse/dash.ts';
import { parseInterview } from '../lib/parse/index.ts';
import { attributionReport } from './eval/attribution.ts';
import { loadNarration, scoreNarration } from './eval/narration.ts';
import { loadPages, scorePages } from './eval/pages.ts';
import { indexSize, searchEval } from './eval/search.ts';
import { table } from './eval/table.ts';
import { MISSES_SPLITS, type MissesSplit, tagQuality } from './eval/tags.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared');

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

// `npm run eval -- --only tags` runs one section; `--fresh` … `--fresh14` also score the fresh … fresh14 tag splits; `--held` the held-out part of eval/outside-queries.json; `--misses dev` lists the tagger's misses on a split
// (`dev-new`: only the dev labels added after the phrases were written).
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = arg('only');
const misses = arg('misses');
if (misses !== undefined && !(MISSES_SPLITS as readonly string[]).includes(misses))
  throw new Error(`--misses takes ${MISSES_SPLITS.join(', ')} (got ${misses})`);
if (!only || only === 'search') await searchEval({ held: process.argv.includes('--held') });
if (!only || only === 'tags')
  tagQuality(root, shared, {
    misses: misses as MissesSplit | undefined,
    fresh: process.argv.includes('--fresh'),
    fresh2: process.argv.includes('--fresh2'),
    fresh3: process.argv.includes('--fresh3'),
    fresh4: process.argv.includes('--fresh4'),
    fresh5: process.argv.includes('--fresh5'),
    fresh6: process.argv.includes('--fresh6'),
    fresh7: process.argv.includes('--fresh7'),
    fresh8: process.argv.includes('--fresh8'),
    fresh9: process.argv.includes('--fresh9'),
    fresh10: process.argv.includes('--fresh10'),
    fresh11: process.argv.includes('--fresh11'),
    fresh12: process.argv.includes('--fresh12'),
    fresh13: process.argv.includes('--fresh13'),
    fresh14: process.argv.includes('--fresh14'),
  });
if (!only || only === 'index') indexSize(corpora());
if (!only || only === 'attribution') attributionReport();
if (!only || only === 'narration') narrationReport();
if (!only || only === 'pages') pagesReport();

/** Interviews kept and list pages refused, against eval/interview-pages.json. */
function pagesReport(): void {
  console.log('\n## Pages that are interviews (list and comparison pages make no people)\n');
  const s = scorePages((text) => parseInterview(text));
  if (s === null) {
    console.log(`(skipped: ${join(shared, 'corpora')} not found)`);
    return;
  }
  const files = loadPages().files;
  const n = (kind: string) => files.filter((f) => f[2] === kind).length;
  console.log(
    table(
      [
        'judged pages',
        'stale',
        'interviews lost',
        'non-interviews read as interviews',
        'remarks read / refused',
      ],
      [
        [
          s.judged,
          s.stale.length,
          `${s.interviewsLost.length} of ${n('interview')}`,
          `${s.nonInterviewsRead.length} of ${n('not-interview')}`,
          `${s.remarksRead} / ${s.remarksRefused}`,
        ],
      ],
    ),
  );
  for (const f of s.interviewsLost) console.log(`- interview lost: ${f}`);
  for (const f of s.nonInterviewsRead) console.log(`- non-interview read: ${f}`);
}

/** The writer's paragraphs against eval/narration.json (dash) and eval/narration-layouts.json (prefixed). */
function narrationReport(): void {
  console.log('\n## Narration (the writer’s paragraphs, never quotes)\n');
  const rows: (string | number)[][] = [];
  for (const set of ['narration.json', 'narration-layouts.json']) {
    const s = scoreNarration((text) => parseInterview(text), loadNarration(join(root, 'eval', set)));
    if (s === null) {
      console.log(`(skipped: ${join(shared, 'corpora')} not found)`);
      return;
    }
    rows.push([
      set,
      s.judged,
      s.stale.length,
      s.narrationInAnswers.length,
      s.answersLost.length,
      s.questionsLost.length,
      s.narrationDropped.length,
    ]);
  }
  console.log(
    table(
      [
        'set',
        'judged lines',
        'stale',
        'narration in answers',
        'answers lost',
        'questions lost',
        'narration not kept',
      ],
      rows,
    ),
  );
}
