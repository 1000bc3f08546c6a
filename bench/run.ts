/**
 * `npm run bench [-- --quick]`: build, snapshot size, load time, memory, query latency and recall
 * of kikigaki's index against MiniSearch's default configuration and a brute-force normalised
 * substring scan (the floor for "no index at all"), at 1k, 10k and 100k real quotes. Prints a
 * Markdown table and writes bench/results/latest.json. Measures; never fails on timing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type AnyOrama, create, insertMultiple, load, save, search } from '@orama/orama';
import { createTokenizer as createJapaneseTokenizer } from '@orama/tokenizers/japanese';
import { Charset, Index as FlexIndex } from 'flexsearch';
import MiniSearch from 'minisearch';
import { quoteId } from '../lib/ids.ts';
import type { Interview } from '../lib/model.ts';
import { QuoteIndex } from '../lib/search/index.ts';
import { VariantDictionary } from '../lib/taxonomy/index.ts';
import { normalizeForMatch } from '../lib/text/normalize.ts';
import { loadReadings, type ReadingAnalyzer } from '../lib/text/readings.ts';
import {
  type BenchQuery,
  type BenchQuote,
  drawQueries,
  ownInterviews,
  realQuotes,
  root,
  sentenceQueries,
} from './corpus.ts';
import { judgedQueries } from './judged.ts';

interface Engine {
  name: string;
  build(quotes: BenchQuote[], own: Interview[]): void | Promise<void>;
  serialize(): string | Uint8Array | Promise<string | Uint8Array>;
  load(snapshot: string & Uint8Array): void | Promise<void>;
  search(q: string): string[] | Promise<string[]>;
  drop(): void;
}

function allQuotes(quotes: BenchQuote[], own: Interview[]): BenchQuote[] {
  return [...own.flatMap((iv) => iv.turns.map((t) => ({ id: t.id, text: t.text }))), ...quotes];
}

/** Orama with its Japanese tokenizer (@orama/tokenizers/japanese). */
function orama(): Engine {
  let db: AnyOrama | null = null;
  const make = () =>
    create({ schema: { text: 'string' } as const, components: { tokenizer: createJapaneseTokenizer() } });
  return {
    name: 'Orama (japanese tokenizer)',
    async build(quotes, own) {
      db = make();
      await insertMultiple(db, allQuotes(quotes, own), 1000);
    },
    serialize: () => JSON.stringify(save(db as AnyOrama)),
    async load(json) {
      db = make();
      load(db, JSON.parse(json));
    },
    async search(q) {
      const r = await search(db as AnyOrama, { term: q, limit: 10 });
      return r.hits.map((h) => String(h.document.id ?? h.id));
    },
    drop() {
      db = null;
    },
  };
}

/** FlexSearch with its CJK charset. */
function flexsearch(): Engine {
  let index: FlexIndex | null = null;
  const make = () => new FlexIndex({ encoder: Charset.CJK });
  return {
    name: 'FlexSearch (CJK)',
    build(quotes, own) {
      index = make();
      for (const q of allQuotes(quotes, own)) index.add(q.id, q.text);
    },
    serialize() {
      const parts: Record<string, string> = {};
      (index as FlexIndex).export((key, data) => {
        parts[key] = data;
      });
      return JSON.stringify(parts);
    },
    load(json) {
      index = make();
      for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, string>)) index.import(k, v);
    },
    search: (q) => (index as FlexIndex).search(q, 10).map(String),
    drop() {
      index = null;
    },
  };
}

let readings: Promise<ReadingAnalyzer> | null = null;

function kikigaki(): Engine {
  const dict = new VariantDictionary();
  const options = { variants: (f: string) => dict.variantsOf(f), retain: false };
  let index: QuoteIndex | null = null;
  // The texts live outside the index (in the store; the API caches the interviews it renders).
  // Here they stay in memory, allocated before the heap is measured: the cache-hit path.
  const documents = new Map<string, Interview>();
  const originalId = new Map<string, string>();
  return {
    name: 'kikigaki (hybrid)',
    async build(quotes, own) {
      // Kana readings, as the indexers build them (the dictionary loads once per process).
      readings ??= loadReadings();
      index = new QuoteIndex({ ...options, readings: await readings });
      documents.clear();
      originalId.clear();
      for (const iv of own) {
        index.upsertInterview(iv);
        documents.set(iv.id, iv);
      }
      // Real quotes grouped 20 to an interview, as an interview blog's archive would be.
      for (let i = 0; i < quotes.length; i += 20) {
        const group = quotes.slice(i, i + 20);
        const id = `bench-${i / 20}`;
        const interview = {
          id,
          title: `bench ${i / 20}`,
          publishedAt: null,
          interviewer: null,
          interviewees: [],
          others: [],
          turns: group.map((q, k) => {
            originalId.set(quoteId(id, k + 1), q.id);
            return {
              id: quoteId(id, k + 1),
              ordinal: k + 1,
              speaker: '話し手',
              speakerId: null,
              role: 'interviewee',
              text: q.text,
              section: null,
              questionId: null,
              start: null,
              end: null,
            };
          }),
        } as unknown as Interview;
        index.upsertInterview(interview);
        documents.set(id, interview);
      }
    },
    serialize: () => (index as QuoteIndex).toSnapshot(),
    load(bytes) {
      // A copy, as read from the store: the loaded index lives in views over this buffer.
      index = QuoteIndex.fromSnapshot(bytes.slice(), options);
    },
    search: (q) =>
      (index as QuoteIndex)
        .search({ q, limit: 10 }, (id) => documents.get(id))
        .hits.map((h) => originalId.get(h.quoteId) ?? h.quoteId),
    drop() {
      index = null;
    },
  };
}

function minisearchDefault(): Engine {
  const opts = { fields: ['text'] };
  let ms: MiniSearch | null = null;
  return {
    name: 'MiniSearch default',
    build(quotes, own) {
      ms = new MiniSearch(opts);
      ms.addAll([...own.flatMap((iv) => iv.turns.map((t) => ({ id: t.id, text: t.text }))), ...quotes]);
    },
    serialize: () => JSON.stringify(ms),
    load(json) {
      ms = MiniSearch.loadJSON(json, opts);
    },
    search: (q) =>
      (ms as MiniSearch)
        .search(q)
        .slice(0, 10)
        .map((r) => String(r.id)),
    drop() {
      ms = null;
    },
  };
}

function bruteForce(): Engine {
  let ids: string[] = [];
  let texts: string[] = [];
  let folded: string[] = [];
  return {
    name: 'brute-force scan',
    build(quotes, own) {
      const all = [...own.flatMap((iv) => iv.turns.map((t) => ({ id: t.id, text: t.text }))), ...quotes];
      ids = all.map((q) => q.id);
      texts = all.map((q) => q.text);
      folded = texts.map((t) => normalizeForMatch(t));
    },
    serialize: () => JSON.stringify({ ids, texts }),
    load(json) {
      const v = JSON.parse(json) as { ids: string[]; texts: string[] };
      ids = v.ids;
      texts = v.texts;
      folded = texts.map((t) => normalizeForMatch(t));
    },
    search(q) {
      const terms = normalizeForMatch(q)
        .replace(/[「」『』"]/g, ' ')
        .split(/\s+/)
        .filter(Boolean);
      if (terms.length === 0) return [];
      const scored: Array<[number, number]> = [];
      for (let i = 0; i < folded.length; i++) {
        const t = folded[i] as string;
        let score = 0;
        for (const term of terms) {
          const at = t.indexOf(term);
          if (at < 0) {
            score = -1;
            break;
          }
          score += 1 + 1 / (1 + at);
        }
        if (score > 0) scored.push([score, i]);
      }
      scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      return scored.slice(0, 10).map(([, i]) => ids[i] as string);
    },
    drop() {
      ids = [];
      texts = [];
      folded = [];
    },
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Row {
  engine: string;
  quotes: number;
  buildMs: number;
  rawMB: number;
  gzipMB: number;
  loadMs: number;
  heapMB: number;
  p50: number;
  p95: number;
  p99: number;
  recall10: number;
  judgedRecall10: number;
  zero: number;
  /** Sentence-length queries drawn from utterances, timed apart from the others. */
  sentenceP50: number;
  sentenceP99: number;
  /**
   * CPU time per sentence query (process.cpuUsage, every thread of the process): unlike wall time,
   * it does not count the time other processes on a shared machine hold the cores.
   */
  sentenceCpuP50: number;
  sentenceCpuP99: number;
  /** Share of sentence queries whose source utterance is in the top 10. */
  sentenceRecall10: number;
}

async function measure(
  engine: Engine,
  quotes: BenchQuote[],
  own: Interview[],
  queries: BenchQuery[],
  sentences: BenchQuery[] = [],
): Promise<Row> {
  gc();
  const t0 = performance.now();
  await engine.build(quotes, own);
  const buildMs = performance.now() - t0;
  const json = await engine.serialize();
  const raw = Buffer.byteLength(json);
  const gz = gzipSync(json).length;
  engine.drop();
  gc();
  const heap0 = memory();
  const t1 = performance.now();
  await engine.load(json as string & Uint8Array);
  const loadMs = performance.now() - t1;
  gc();
  const heapMB = (memory() - heap0) / 1e6;
  // Two warm-up passes: the first size's first engine otherwise pays for JIT compilation.
  for (let pass = 0; pass < 2; pass++) for (const q of [...queries, ...sentences]) await engine.search(q.q);
  const times: number[] = [];
  const sentenceTimes: number[] = [];
  const sentenceCpu: number[] = [];
  let sentenceHits = 0;
  let recall = 0;
  let judged = 0;
  let judgedN = 0;
  let zero = 0;
  // Three timed passes: p99 over ~700 samples instead of ~230, so one pause does not set it.
  for (let pass = 1; pass < TIMED_PASSES; pass++) {
    for (const q of queries) {
      const s = performance.now();
      await engine.search(q.q);
      times.push(performance.now() - s);
    }
    for (const q of sentences) {
      const c = process.cpuUsage();
      const s = performance.now();
      await engine.search(q.q);
      sentenceTimes.push(performance.now() - s);
      const d = process.cpuUsage(c);
      sentenceCpu.push((d.user + d.system) / 1000);
    }
  }
  for (const q of sentences) {
    const c = process.cpuUsage();
    const s = performance.now();
    const got = await engine.search(q.q);
    sentenceTimes.push(performance.now() - s);
    const d = process.cpuUsage(c);
    sentenceCpu.push((d.user + d.system) / 1000);
    if (got.some((id) => q.relevant.has(id))) sentenceHits++;
  }
  sentenceTimes.sort((a, b) => a - b);
  sentenceCpu.sort((a, b) => a - b);
  for (const q of queries) {
    const s = performance.now();
    const got = await engine.search(q.q);
    times.push(performance.now() - s);
    if (got.length === 0) zero++;
    const r = got.filter((id) => q.relevant.has(id)).length / Math.min(10, q.relevant.size);
    if (q.kind.startsWith('judged')) {
      judged += r;
      judgedN++;
    } else recall += r;
  }
  engine.drop();
  times.sort((a, b) => a - b);
  const drawn = queries.length - judgedN;
  return {
    engine: engine.name,
    quotes: quotes.length + own.reduce((n, iv) => n + iv.turns.length, 0),
    buildMs,
    rawMB: raw / 1e6,
    gzipMB: gz / 1e6,
    loadMs,
    heapMB,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    recall10: drawn > 0 ? recall / drawn : 0,
    judgedRecall10: judgedN > 0 ? judged / judgedN : 0,
    zero,
    sentenceP50: percentile(sentenceTimes, 50),
    sentenceP99: percentile(sentenceTimes, 99),
    sentenceCpuP50: percentile(sentenceCpu, 50),
    sentenceCpuP99: percentile(sentenceCpu, 99),
    sentenceRecall10: sentences.length > 0 ? sentenceHits / sentences.length : 0,
  };
}

const TIMED_PASSES = 3;

/** JS heap plus ArrayBuffers (a packed index lives in typed arrays, outside the JS heap). */
function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Each peer against kikigaki at the same size: how many times larger or slower, and recall differences. */
function ratios(rows: Row[]): string {
  const x = (a: number, b: number) =>
    b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : a / b >= 0.1 ? 1 : 2)}×` : '–';
  const d = (a: number, b: number) => `${a - b >= 0 ? '+' : '−'}${Math.abs(a - b).toFixed(2)}`;
  const lines = [
    '| quotes | engine | snapshot gzip | load | memory | p99 | recall@10 drawn | recall@10 judged |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const k = rows.find((o) => o.quotes === r.quotes && o.engine.startsWith('kikigaki'));
    if (!k || r === k) continue;
    lines.push(
      `| ${r.quotes} | ${r.engine} | ${x(r.gzipMB, k.gzipMB)} | ${x(r.loadMs, k.loadMs)} | ${x(r.heapMB, Math.max(1, k.heapMB))} | ${x(r.p99, k.p99)} | ${d(r.recall10, k.recall10)} | ${d(r.judgedRecall10, k.judgedRecall10)} |`,
    );
  }
  return lines.join('\n');
}

function table(rows: Row[]): string {
  const f = (n: number, d = 1) => n.toFixed(d);
  const lines = [
    '| quotes | engine | build s | snapshot MB (gzip) | load ms | memory MB | p50 ms | p95 ms | p99 ms | recall@10 drawn | recall@10 judged | zero results | sentences p50 ms | sentences p99 ms | sentences CPU p50 / p99 ms | sentences found@10 |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.quotes} | ${r.engine} | ${f(r.buildMs / 1000)} | ${f(r.rawMB)} (${f(r.gzipMB, 2)}) | ${f(r.loadMs, 0)} | ${f(r.heapMB, 0)} | ${f(r.p50, 2)} | ${f(r.p95, 2)} | ${f(r.p99, 2)} | ${f(r.recall10, 2)} | ${f(r.judgedRecall10, 2)} | ${r.zero} | ${f(r.sentenceP50, 2)} | ${f(r.sentenceP99, 2)} | ${f(r.sentenceCpuP50, 2)} / ${f(r.sentenceCpuP99, 2)} | ${f(r.sentenceRecall10, 2)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  if (!(globalThis as { gc?: unknown }).gc)
    console.log('(run with node --expose-gc for heap figures; npm run bench does)');
  const own = ownInterviews();
  const real = realQuotes();
  if ('reason' in real) {
    console.log(`skipping the scale benchmark: ${real.reason}; only the project's samples are measured`);
  }
  const pool = 'quotes' in real ? real.quotes : [];
  // --sizes 100000 and --engines kikigaki,brute narrow a run while working on one engine.
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? (process.argv[i + 1] ?? '') : null;
  };
  const sizeArg = arg('--sizes');
  const engineArg = arg('--engines')?.toLowerCase().split(',');
  const sizes = (
    sizeArg ? sizeArg.split(',').map(Number) : quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]
  ).filter((n) => n <= pool.length + 1000);
  if (sizes.length === 0) sizes.push(0);
  const rows: Row[] = [];
  // One unrecorded run first: otherwise the first engine at the first size pays for the JIT.
  if (pool.length > 0) {
    const warm = pool.slice(0, 500);
    await measure(kikigaki(), warm, own, drawQueries(warm, 20));
  }
  for (const size of sizes) {
    const quotes = pool.slice(0, Math.max(0, size - own.reduce((n, iv) => n + iv.turns.length, 0)));
    const queries = [...judgedQueries(own), ...drawQueries(quotes, quick ? 60 : 150)];
    const sentences = sentenceQueries(quotes, quick ? 100 : 120);
    process.stderr.write(`${size} quotes, ${queries.length} queries…\n`);
    for (const make of [kikigaki, minisearchDefault, orama, flexsearch, bruteForce]) {
      const engine = make();
      if (engineArg && !engineArg.some((e) => engine.name.toLowerCase().includes(e))) continue;
      process.stderr.write(`  ${engine.name}\n`);
      rows.push(await measure(engine, quotes, own, queries, sentences));
    }
  }
  const md = `${table(rows)}\n\nRatios to kikigaki at the same size (peer ÷ kikigaki; recall: peer − kikigaki):\n\n${ratios(rows)}`;
  console.log(`\n${md}\n`);
  console.log(
    'sentences: 100–120 sentences of 15–45 characters drawn from real utterances, timed apart from the other queries; found@10: their source utterance is in the top 10. recall@10 drawn: queries drawn from the corpus (rare kanji words, two words, katakana partial words, hiragana spellings of katakana words), relevant = quotes containing every term after normalisation. recall@10 judged: the hand-judged queries of eval/queries.json, whose relevant quotes (samples, seed) sit among the real quotes.',
  );
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, rows }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'latest.md'), `${md}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
