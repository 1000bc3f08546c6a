/**
 * Search quality in `npm run eval`: kikigaki against its peers (Orama with its Japanese tokenizer,
 * MiniSearch with an Intl.Segmenter tokenizer) on three judged sets, in one table:
 *
 * - eval/conversational.json: statements of a need or a fact, as people type them, over the 210
 *   ASDC dialogs, each judged against the customer turns that answer it (recall@10, MRR; `dev`
 *   queries are for tuning, `test` queries are reported and not looked at while tuning);
 * - eval/short-queries.json: one- and two-word queries over the livedoor interviews and the
 *   seed, with the written forms that count as relevant (noise: share of top-10 hits containing
 *   none of a word's forms; kana-for-kanji recall@10);
 * - eval/queries.json: the original 80 hand-judged queries over the samples and the seed
 *   (recall@5 capped, MRR), which must not regress.
 *
 * Reads ../shared when present and says what it skips when it is not.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type AnyOrama, create, insertMultiple, search as oramaSearch } from '@orama/orama';
import { createTokenizer as createJapaneseTokenizer } from '@orama/tokenizers/japanese';
import MiniSearch from 'minisearch';
import * as z from 'zod';
import { loadInterviews } from '../../cli/load.ts';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import type { SegmentationMode } from '../../lib/text/analyze.ts';
import { normalizeForMatch } from '../../lib/text/normalize.ts';
import { loadReadings, type ReadingAnalyzer } from '../../lib/text/readings.ts';
import { table } from './table.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared');

// ------------------------------------------------------------------ judged sets

const Ref = z.object({ interview: z.string(), contains: z.string().min(1) });
const QueriesFile = z.object({
  version: z.literal(1),
  queries: z.array(z.object({ q: z.string().min(1), kind: z.string(), relevant: z.array(Ref).min(1) })),
});
const ConversationalFile = z.object({
  version: z.literal(1),
  queries: z.array(
    z.object({
      q: z.string().min(1),
      split: z.enum(['dev', 'test']),
      relevant: z.array(z.object({ dialog: z.string(), line: z.number().int().positive() })).min(1),
    }),
  ),
});
const ShortFile = z.object({
  version: z.literal(1),
  queries: z.array(
    z.object({
      q: z.string().min(1),
      kind: z.string(),
      forms: z.array(z.array(z.string().min(1)).min(1)).min(1),
    }),
  ),
});

/** Kinds of the outside set's queries, in the order their rows are reported. */
const OUTSIDE_KINDS = [
  'kana-verb',
  'sentence',
  'question',
  'paraphrase',
  'keyword-wrong',
  'kana-word',
  'number',
  'grammar-run',
  'suffix-adjective',
  'passive',
  'short-kana',
  'inflected',
  'suru-verb',
  'adjective-sou',
  'kana-run',
  'loanword',
  'kana-suffix',
  'mixed-chunk',
  'compound',
  'verb-pair',
  'kana-compound',
  'kana-okurigana',
] as const;

const OutsideFile = z.object({
  version: z.literal(1),
  queries: z.array(
    z.object({
      q: z.string().min(1),
      kind: z.enum(OUTSIDE_KINDS),
      split: z.enum(['dev', 'held']),
      // Empty when no quote answers it (ホヤってどう思う: no quote says ホヤ): the right page is
      // empty, and every hit shown counts against precision (see outsideScore).
      relevant: z.array(Ref),
      wrong: z.array(Ref).optional(),
    }),
  ),
});

const KanaKanjiFile = z.object({
  version: z.literal(1),
  queries: z.array(
    z.object({
      q: z.string().min(1),
      kind: z.enum(['single-kanji', 'okurigana', 'ambiguous', 'one-kana', 'negative', 'pronoun']),
      split: z.enum(['dev', 'held']),
      words: z.array(z.string().min(1)).min(1),
      also: z.array(z.string().min(1)).optional(),
      not: z.array(z.string().min(1)).optional(),
    }),
  ),
});

/** A query with the quote ids that answer it. */
interface Judged {
  q: string;
  kind: string;
  relevant: Set<string>;
}

/** A quote as the judges read it: its text and the question it answers. */
interface QuoteText {
  text: string;
  question: string;
}

function quoteTexts(interviews: readonly Interview[]): Map<string, QuoteText> {
  const out = new Map<string, QuoteText>();
  for (const iv of interviews) {
    const byId = new Map(iv.turns.map((t) => [t.id, t.text]));
    for (const t of iv.turns)
      out.set(t.id, { text: t.text, question: t.questionId ? (byId.get(t.questionId) ?? '') : '' });
  }
  return out;
}

function listFiles(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory()
        ? listFiles(join(dir, e.name), ext)
        : e.name.endsWith(ext) && !/^(LICENSE|README)/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );
}

/** The ASDC dialogs as interviews `asdc-NNN`, and a resolver of `{dialog, line}` to quote ids. */
function dialogs(): { interviews: Interview[]; quoteAt: (dialog: string, line: number) => string | null } {
  const interviews: Interview[] = [];
  const lineStarts = new Map<string, number[]>();
  for (const f of listFiles(join(shared, 'corpora', 'asdc-dialogs'), '.tsv')) {
    const stem = basename(f, '.tsv');
    const text = readFileSync(f, 'utf8');
    interviews.push(parseInterview(text, { id: `asdc-${stem}` }));
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    lineStarts.set(stem, starts);
  }
  const byId = new Map(interviews.map((iv) => [iv.id, iv]));
  // Judgements name source lines; the parser's offsets find the turn that holds each one.
  const quoteAt = (dialog: string, line: number) => {
    const at = lineStarts.get(dialog)?.[line - 1];
    const iv = byId.get(`asdc-${dialog}`);
    if (at === undefined || !iv) return null;
    const turn = iv.turns.find((t) => t.start !== null && t.end !== null && t.start <= at && at < t.end);
    return turn?.id ?? null;
  };
  return { interviews, quoteAt };
}

/** The 119 livedoor interviews and the seed. */
function interviewCorpus(): Interview[] {
  const out: Interview[] = [];
  for (const f of listFiles(join(shared, 'corpora', 'livedoor-interviews'), '.txt')) {
    try {
      out.push(parseInterview(readFileSync(f, 'utf8')));
    } catch {
      // parser coverage is reported by the parse section of npm run eval
    }
  }
  const seed = join(shared, 'seed');
  if (existsSync(seed)) for (const l of loadInterviews([seed])) if ('interview' in l) out.push(l.interview);
  return out;
}

/** The project's samples and the seed (what eval/queries.json refers to). */
function ownCorpus(): Interview[] {
  const paths = [join(root, 'samples')];
  if (existsSync(join(shared, 'seed'))) paths.push(join(shared, 'seed'));
  return loadInterviews(paths).flatMap((l) => ('interview' in l ? [l.interview] : []));
}

// ------------------------------------------------------------------ engines

/** Top quote ids for a query. */
type Searcher = (q: string) => string[] | Promise<string[]>;
type Engine = { name: string; build(interviews: readonly Interview[]): Promise<Searcher> };

let readings: Promise<ReadingAnalyzer> | null = null;

/** kikigaki as it ships: hybrid analyzer, spelling variants, kana readings indexed. */
function kikigaki(mode: SegmentationMode = 'hybrid', synonyms = true, name = 'kikigaki'): Engine {
  return {
    name,
    async build(interviews) {
      const dict = new VariantDictionary();
      readings ??= loadReadings();
      const index = new QuoteIndex({
        mode,
        readings: await readings,
        ...(synonyms ? { variants: (f: string) => dict.variantsOf(f) } : {}),
      });
      for (const iv of interviews) index.upsertInterview(iv);
      return (q) => {
        const ids = index.search({ q, limit: 10 }).hits.map((h) => h.quoteId);
        // EVAL_DUMP=<file>: every query's top 10 (corpus size, query, ids), to compare two trees per query.
        if (process.env.EVAL_DUMP && name === 'kikigaki')
          appendFileSync(process.env.EVAL_DUMP, `${interviews.length}\t${q}\t${ids.join(' ')}\n`);
        return ids;
      };
    },
  };
}

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });

/** MiniSearch (default OR scoring) with Intl.Segmenter words, NFKC, lower case and one kana script. */
function minisearchSegmenter(): Engine {
  return {
    name: 'MiniSearch + Intl.Segmenter',
    async build(interviews) {
      const ms = new MiniSearch<{ id: string; text: string }>({
        fields: ['text'],
        tokenize: (text) =>
          Array.from(segmenter.segment(text))
            .filter((s) => s.isWordLike)
            .map((s) => s.segment),
        processTerm: (term) => normalizeForMatch(term) || null,
      });
      ms.addAll(interviews.flatMap((iv) => iv.turns.map((t) => ({ id: t.id, text: t.text }))));
      return (q) =>
        ms
          .search(q)
          .slice(0, 10)
          .map((r) => String(r.id));
    },
  };
}

/** Orama with its Japanese tokenizer, default search settings. */
function orama(): Engine {
  return {
    name: 'Orama (Japanese tokenizer)',
    async build(interviews) {
      const db: AnyOrama = create({
        schema: { quote: 'string', text: 'string' } as const,
        components: { tokenizer: createJapaneseTokenizer() },
      });
      await insertMultiple(
        db,
        interviews.flatMap((iv) => iv.turns.map((t) => ({ quote: t.id, text: t.text }))),
        1000,
      );
      return async (q) => {
        const r = await oramaSearch(db, { term: q, properties: ['text'], limit: 10 });
        return r.hits.map((h) => String((h.document as unknown as { quote: string }).quote));
      };
    },
  };
}

// ------------------------------------------------------------------ measures

interface RankScore {
  recall: number;
  mrr: number;
  zero: number;
  n: number;
}

/** recall@k capped at the number of relevant quotes, and MRR, over judged queries. */
async function rankScore(
  search: Searcher,
  queries: readonly Judged[],
  k: number,
  label: string,
): Promise<RankScore> {
  let recall = 0;
  let rr = 0;
  let zero = 0;
  for (const j of queries) {
    const got = await search(j.q);
    if (got.length === 0) zero++;
    const top = got.slice(0, k);
    const r = [...j.relevant].filter((id) => top.includes(id)).length / Math.min(k, j.relevant.size);
    const first = got.slice(0, 10).findIndex((id) => j.relevant.has(id));
    recall += r;
    rr += first >= 0 ? 1 / (first + 1) : 0;
    if (process.env.EVAL_DEBUG === label && r < 1)
      console.log(
        `  ${label} miss ${j.kind} ${j.q}: r=${r.toFixed(2)} got ${top.join(' ')} want ${[...j.relevant].join(' ')}`,
      );
  }
  const n = Math.max(1, queries.length);
  return { recall: recall / n, mrr: rr / n, zero, n: queries.length };
}

interface ShortQuery {
  q: string;
  kind: string;
  forms: string[][];
}

/** A quote matches a query's forms when it contains one form of every word. */
function hasForms(text: string, forms: readonly string[][]): boolean {
  const folded = normalizeForMatch(text);
  return forms.every((word) => word.some((f) => folded.includes(normalizeForMatch(f))));
}

interface ShortScore {
  noise: number;
  hits: number;
  kanaRecall: number;
  kanaQueries: number;
  /** The same recall for verbs and adjectives typed in kana, inflected or not (ためる, ためて). */
  verbRecall: number;
  verbQueries: number;
  empty: number;
}

async function shortScore(
  search: Searcher,
  queries: readonly ShortQuery[],
  texts: ReadonlyMap<string, QuoteText>,
  label: string,
): Promise<ShortScore> {
  let hits = 0;
  let noisy = 0;
  let kanaRecall = 0;
  let kanaQueries = 0;
  let verbRecall = 0;
  let verbQueries = 0;
  let empty = 0;
  for (const sq of queries) {
    const got = (await search(sq.q)).slice(0, 10);
    if (got.length === 0) empty++;
    const noise = got.filter((id) => {
      const t = texts.get(id);
      // A hit shown with the question it answers is relevant when the question has the word.
      return !t || !(hasForms(t.text, sq.forms) || hasForms(`${t.text}\n${t.question}`, sq.forms));
    });
    hits += got.length;
    noisy += noise.length;
    if (process.env.EVAL_DEBUG === label && noise.length > 0)
      console.log(
        `  ${label} noise ${sq.q}: ${noise.map((id) => texts.get(id)?.text.slice(0, 30)).join(' | ')}`,
      );
    if (sq.kind === 'kana-kanji' || sq.kind === 'kana-verb') {
      const relevant = [...texts].filter(([, t]) => hasForms(t.text, sq.forms)).map(([id]) => id);
      if (relevant.length === 0) continue;
      const recall = got.filter((id) => relevant.includes(id)).length / Math.min(10, relevant.length);
      if (sq.kind === 'kana-kanji') {
        kanaQueries++;
        kanaRecall += recall;
      } else {
        verbQueries++;
        verbRecall += recall;
      }
    }
  }
  return {
    noise: hits === 0 ? 0 : noisy / hits,
    hits,
    kanaRecall: kanaRecall / Math.max(1, kanaQueries),
    kanaQueries,
    verbRecall: verbRecall / Math.max(1, verbQueries),
    verbQueries,
    empty,
  };
}

interface OutsideScore extends RankScore {
  /** Share of the top 10 hits judged relevant (the judged quotes are every answer the judge found). */
  precision: number;
  /** Quotes judged keyword-but-wrong shown in the top 10, of those judged so. */
  wrongShown: number;
  wrong: number;
  /** Hits shown in the top 10 of the queries no quote answers, and how many such queries. */
  unanswered: number;
  unansweredShown: number;
}

/** recall@10, MRR, precision@10 and the keyword-but-wrong quotes shown, over judged queries. */
async function outsideScore(
  search: Searcher,
  queries: ReadonlyArray<Judged & { wrong: Set<string> }>,
  label: string,
): Promise<OutsideScore> {
  // Recall and MRR are over the queries some quote answers.
  const rank = await rankScore(
    search,
    queries.filter((j) => j.relevant.size > 0),
    10,
    label,
  );
  let unanswered = 0;
  let unansweredShown = 0;
  let shown = 0;
  let relevantShown = 0;
  let wrongShown = 0;
  let wrong = 0;
  for (const j of queries) {
    const top = (await search(j.q)).slice(0, 10);
    shown += top.length;
    relevantShown += top.filter((id) => j.relevant.has(id)).length;
    wrong += j.wrong.size;
    const bad = top.filter((id) => j.wrong.has(id));
    wrongShown += bad.length;
    if (j.relevant.size === 0) {
      unanswered++;
      unansweredShown += top.length;
    }
    if (process.env.EVAL_DEBUG === label && bad.length > 0)
      console.log(`  ${label} wrong ${j.q}: ${bad.join(' ')}`);
  }
  return {
    ...rank,
    precision: shown === 0 ? 0 : relevantShown / shown,
    wrongShown,
    wrong,
    unanswered,
    unansweredShown,
  };
}

type KanaKanjiQuery = z.infer<typeof KanaKanjiFile>['queries'][number];

const KANJI_OR_DIGIT = /[\p{Script=Han}\u3005\p{Nd}]/u;
const KANJI_AFTER = /[\p{Script=Han}\u3005]/u;

/**
 * True when `text` says one of the query's words on its own: not inside a longer kanji run (夢 in
 * 夢中, 心 in 安心), not a counter after a number (3人), and not in a `not` string (楽 of 楽しい).
 */
function saysWord(text: string, q: KanaKanjiQuery): boolean {
  const t = text.normalize('NFKC');
  const masked = (q.not ?? []).reduce((s, n) => s.replaceAll(n, '\u0000'.repeat(n.length)), t);
  return q.words.some((w) => {
    for (let i = masked.indexOf(w); i >= 0; i = masked.indexOf(w, i + 1))
      if (!KANJI_OR_DIGIT.test(masked.charAt(i - 1)) && !KANJI_AFTER.test(masked.charAt(i + w.length)))
        return true;
    return false;
  });
}

interface KanaKanjiScore {
  recall: number;
  recallQueries: number;
  precision: number;
  hits: number;
  negativePrecision: number;
  negativeHits: number;
  empty: number;
}

/**
 * eval/kana-kanji-queries.json: recall@10 of the quotes that say the word (capped at 10), and the
 * share of the top 10 on topic (the word, or an `also` form, in the quote or its question),
 * negatives apart.
 */
async function kanaKanjiScore(
  search: Searcher,
  queries: readonly KanaKanjiQuery[],
  texts: ReadonlyMap<string, QuoteText>,
  label: string,
): Promise<KanaKanjiScore> {
  let recall = 0;
  let recallQueries = 0;
  const on = { pos: 0, posHits: 0, neg: 0, negHits: 0 };
  let empty = 0;
  for (const q of queries) {
    const got = (await search(q.q)).slice(0, 10);
    if (got.length === 0) empty++;
    // Written as listed (NFKC, no kana folding): オトコ is 男 typed in katakana, while the
    // folded form would also match おとこ inside other words.
    const also = (q.also ?? []).map((a) => a.normalize('NFKC'));
    const onTopic = (id: string) => {
      const t = texts.get(id);
      if (!t) return false;
      if (saysWord(t.text, q) || saysWord(t.question, q)) return true;
      const written = `${t.text}\n${t.question}`.normalize('NFKC');
      return also.some((a) => written.includes(a));
    };
    const good = got.filter(onTopic).length;
    if (q.kind === 'negative') {
      on.neg += good;
      on.negHits += got.length;
    } else {
      on.pos += good;
      on.posHits += got.length;
      const relevant = [...texts].filter(([, t]) => saysWord(t.text, q)).map(([id]) => id);
      if (relevant.length > 0) {
        recallQueries++;
        recall += got.filter((id) => relevant.includes(id)).length / Math.min(10, relevant.length);
      }
    }
    if (process.env.EVAL_DEBUG === label)
      console.log(
        `  ${label} ${q.q}: ${good}/${got.length} on topic; off: ${got
          .filter((id) => !onTopic(id))
          .map((id) => texts.get(id)?.text.slice(0, 20))
          .join(' | ')}`,
      );
  }
  return {
    recall: recall / Math.max(1, recallQueries),
    recallQueries,
    precision: on.posHits === 0 ? 0 : on.pos / on.posHits,
    hits: on.posHits,
    negativePrecision: on.negHits === 0 ? 0 : on.neg / on.negHits,
    negativeHits: on.negHits,
    empty,
  };
}

function resolveOwn(byId: Map<string, Interview>, ref: z.infer<typeof Ref>): string | null {
  const hits = byId.get(ref.interview)?.turns.filter((t) => t.text.includes(ref.contains)) ?? [];
  return hits.length === 1 ? (hits[0] as { id: string }).id : null;
}

// ------------------------------------------------------------------ the section

/** Runs the search section of `npm run eval` and prints its table. */
export async function searchEval(options: { held?: boolean } = {}): Promise<void> {
  const engines = [kikigaki(), orama(), minisearchSegmenter()];
  const rows: Array<Array<string | number>> = [];

  // Conversational set.
  const conv = ConversationalFile.parse(
    JSON.parse(readFileSync(join(root, 'eval', 'conversational.json'), 'utf8')),
  );
  const haveDialogs = existsSync(join(shared, 'corpora', 'asdc-dialogs'));
  if (haveDialogs) {
    const { interviews, quoteAt } = dialogs();
    const split = { dev: [] as Judged[], test: [] as Judged[] };
    const unresolved: string[] = [];
    for (const c of conv.queries) {
      const relevant = new Set<string>();
      for (const r of c.relevant) {
        const id = quoteAt(r.dialog, r.line);
        if (id) relevant.add(id);
        else unresolved.push(`${c.q}: ${r.dialog}:${r.line}`);
      }
      if (relevant.size > 0) split[c.split].push({ q: c.q, kind: c.split, relevant });
    }
    if (unresolved.length > 0)
      console.log(`(${unresolved.length} judgement(s) name no turn: ${unresolved.slice(0, 5).join('; ')})`);
    const all = [...split.dev, ...split.test];
    const quotes = interviews.reduce((n, iv) => n + iv.turns.length, 0);
    console.log(
      `\nconversational: ${all.length} queries (${split.dev.length} dev, ${split.test.length} test) over ${interviews.length} dialogs, ${quotes} turns`,
    );
    const scores: Array<{ all: RankScore; dev: RankScore; test: RankScore }> = [];
    for (const e of engines) {
      const s = await e.build(interviews);
      scores.push({
        all: await rankScore(s, all, 10, `conv:${e.name}`),
        dev: await rankScore(s, split.dev, 10, `dev:${e.name}`),
        test: await rankScore(s, split.test, 10, `test:${e.name}`),
      });
    }
    const best = (f: (x: (typeof scores)[number]) => number) => Math.max(...scores.slice(1).map(f));
    rows.push([
      'conversational recall@10 (all)',
      ...scores.map((s) => s.all.recall),
      `≥ best peer + 0.15 (${(best((s) => s.all.recall) + 0.15).toFixed(2)})`,
    ]);
    rows.push(['conversational recall@10 (test)', ...scores.map((s) => s.test.recall), '']);
    rows.push(['conversational recall@10 (dev)', ...scores.map((s) => s.dev.recall), '']);
    rows.push(['conversational MRR (all)', ...scores.map((s) => s.all.mrr), '']);
    rows.push([`conversational zero results /${all.length}`, ...scores.map((s) => s.all.zero), '']);
  } else console.log(`(asdc-dialogs not found under ${shared}: skipping the conversational set)`);

  // Short-query precision set.
  if (existsSync(join(shared, 'corpora', 'livedoor-interviews'))) {
    const short = ShortFile.parse(JSON.parse(readFileSync(join(root, 'eval', 'short-queries.json'), 'utf8')));
    const interviews = interviewCorpus();
    const texts = quoteTexts(interviews);
    console.log(
      `short queries: ${short.queries.length} over ${interviews.length} interviews, ${texts.size} quotes`,
    );
    const scores = [];
    for (const e of engines)
      scores.push(await shortScore(await e.build(interviews), short.queries, texts, `short:${e.name}`));
    rows.push([
      'short queries: noise in top 10',
      ...scores.map((s) => `${(100 * s.noise).toFixed(1)}% of ${s.hits}`),
      '≤ 5%',
    ]);
    rows.push([
      `short queries: kana-for-kanji recall@10 (${scores[0]?.kanaQueries ?? 0} queries)`,
      ...scores.map((s) => s.kanaRecall),
      '',
    ]);
    rows.push([
      `short queries: kana verb/adjective recall@10 (${scores[0]?.verbQueries ?? 0} queries)`,
      ...scores.map((s) => s.verbRecall),
      '',
    ]);
    rows.push([`short queries: empty /${short.queries.length}`, ...scores.map((s) => s.empty), '']);

    // The outside set: kana verbs in phrases, whole sentences, paraphrases, keyword-but-wrong.
    const outside = OutsideFile.parse(
      JSON.parse(readFileSync(join(root, 'eval', 'outside-queries.json'), 'utf8')),
    );
    const byId = new Map(interviews.map((iv) => [iv.id, iv]));
    const unresolved: string[] = [];
    const resolve = (refs: ReadonlyArray<z.infer<typeof Ref>>) =>
      new Set(
        refs.flatMap((r) => {
          const id = resolveOwn(byId, r);
          if (!id) unresolved.push(`${r.interview}: ${r.contains}`);
          return id ? [id] : [];
        }),
      );
    const parts = (['dev', ...(options.held ? ['held'] : [])] as const).map((split) => ({
      split,
      queries: outside.queries
        .filter((q) => q.split === split)
        .map((q) => ({ q: q.q, kind: q.kind, relevant: resolve(q.relevant), wrong: resolve(q.wrong ?? []) })),
    }));
    if (unresolved.length > 0)
      console.log(
        `(outside set: ${unresolved.length} judgement(s) name no one quote: ${unresolved.join('; ')})`,
      );
    const searchers: Searcher[] = [];
    for (const e of engines) searchers.push(await e.build(interviews));

    // Kana typed for one-kanji words (ゆめ → 夢), with negatives that must not flood.
    const kanaKanji = KanaKanjiFile.parse(
      JSON.parse(readFileSync(join(root, 'eval', 'kana-kanji-queries.json'), 'utf8')),
    );
    for (const split of ['dev', ...(options.held ? ['held'] : [])] as const) {
      const some = kanaKanji.queries.filter((q) => q.split === split);
      const s: KanaKanjiScore[] = [];
      for (const [i, e] of engines.entries())
        s.push(await kanaKanjiScore(searchers[i] as Searcher, some, texts, `kana-kanji-${split}:${e.name}`));
      const name = `one-kanji words in kana${split === 'held' ? ', held out' : ''}`;
      const n = some.filter((q) => q.kind !== 'negative').length;
      rows.push([`${name}: recall@10 (${n} queries)`, ...s.map((x) => x.recall), '']);
      rows.push([`${name}: precision@10`, ...s.map((x) => `${x.precision.toFixed(2)} of ${x.hits}`), '']);
      rows.push([
        `${name}: negatives' precision@10 (${some.length - n})`,
        ...s.map((x) => `${x.negativePrecision.toFixed(2)} of ${x.negativeHits}`),
        '',
      ]);
      rows.push([`${name}: empty /${some.length}`, ...s.map((x) => x.empty), '']);
    }
    for (const part of parts) {
      const s = [];
      for (const [i, e] of engines.entries())
        s.push(await outsideScore(searchers[i] as Searcher, part.queries, `outside-${part.split}:${e.name}`));
      const n = part.queries.filter((q) => q.relevant.size > 0).length;
      const name = part.split === 'dev' ? 'outside set' : 'outside set, held out';
      rows.push([`${name}: recall@10 (${n} queries)`, ...s.map((x) => x.recall), '']);
      rows.push([`${name}: precision@10`, ...s.map((x) => x.precision), '']);
      rows.push([`${name}: MRR`, ...s.map((x) => x.mrr), '']);
      rows.push([
        `${name}: keyword-but-wrong shown in top 10`,
        ...s.map((x) => `${x.wrongShown} / ${x.wrong}`),
        '',
      ]);
      rows.push([
        `${name}: hits shown for the queries no quote answers (${s[0]?.unanswered ?? 0})`,
        ...s.map((x) => x.unansweredShown),
        '',
      ]);
      // keyword-wrong queries are reported above, as the wrong quotes shown.
      for (const kind of OUTSIDE_KINDS.filter((k) => k !== 'keyword-wrong')) {
        const some = part.queries.filter((q) => q.kind === kind && q.relevant.size > 0);
        if (some.length === 0) continue;
        const k = [];
        for (const [i, e] of engines.entries())
          k.push(
            await rankScore(searchers[i] as Searcher, some, 10, `outside-${part.split}-${kind}:${e.name}`),
          );
        rows.push([`${name}: ${kind} recall@10 (${some.length})`, ...k.map((x) => x.recall), '']);
        if (kind === 'question') rows.push([`${name}: ${kind} MRR`, ...k.map((x) => x.mrr), '']);
      }
    }
  } else console.log('(livedoor-interviews not found: skipping the short-query and outside sets)');

  // The original judged set.
  const own = ownCorpus();
  const byId = new Map(own.map((iv) => [iv.id, iv]));
  const data = QueriesFile.parse(JSON.parse(readFileSync(join(root, 'eval', 'queries.json'), 'utf8')));
  const judged: Judged[] = data.queries.flatMap((q) => {
    const relevant = new Set(
      q.relevant.map((r) => resolveOwn(byId, r)).filter((x): x is string => x !== null),
    );
    return relevant.size > 0 ? [{ q: q.q, kind: q.kind, relevant }] : [];
  });
  const ownScores: RankScore[] = [];
  for (const e of engines) ownScores.push(await rankScore(await e.build(own), judged, 5, `own:${e.name}`));
  rows.push([
    `original judged set recall@5 (${judged.length} queries)`,
    ...ownScores.map((s) => s.recall),
    'no regression (0.68)',
  ]);
  rows.push(['original judged set MRR', ...ownScores.map((s) => s.mrr), 'no regression (0.73)']);

  console.log('\n## Search quality against peers\n');
  console.log(table(['measure', ...engines.map((e) => e.name), 'goal'], rows));
}

/** Snapshot size, build and load time per segmentation on the real corpora. */
export function indexSize(interviews: readonly Interview[]): void {
  if (interviews.length === 0) return;
  const quotes = interviews.reduce((n, iv) => n + iv.turns.length, 0);
  console.log(`\n## Index size per segmentation on the real corpora (${quotes} quotes)\n`);
  const rows: Array<Array<string | number>> = [];
  for (const mode of ['words', 'bigrams', 'hybrid'] as const) {
    const t0 = performance.now();
    const index = new QuoteIndex({ mode });
    for (const iv of interviews) index.upsertInterview(iv);
    const build = performance.now() - t0;
    const bytes = index.toSnapshot();
    const t1 = performance.now();
    QuoteIndex.fromSnapshot(bytes);
    const load = performance.now() - t1;
    rows.push([
      mode,
      (bytes.length / 1e6).toFixed(2),
      (gzipSync(bytes).length / 1e6).toFixed(2),
      Math.round(build),
      Math.round(load),
    ]);
  }
  console.log(table(['segmentation', 'snapshot MB', 'gzip MB', 'build ms', 'load ms'], rows));
}
