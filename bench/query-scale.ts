/**
 * `node --expose-gc --import tsx bench/query-scale.ts [--scale 1000000] [--dir DIR] [--build]
 *   [--passes 5] [--warmup 1] [--kind two-term] [--q 'query'] [--top 15] [--cpu-prof FILE] [--heap-prof FILE]
 *   [--save FILE] [--check FILE] [--sentences 0] [--split 20] [--from SNAPSHOT] [--ab] [--general]
 *   [--fresh-docs] [--cold] [--settle 1]`
 *
 * A fast loop for query latency at scale. The index of `npm run bench:store -- --only scale`
 * (the same interviews, bench/scale-corpus.ts) is built once and its raw snapshot kept in DIR
 * (`--build`, or when missing: ~5 min at 1M on a quiet machine; run it under the bench lock);
 * later runs load it in seconds and time each drawn query of that bench (the same 100, plus
 * `--sentences N` sentence queries, and `--split N` two-word queries whose second word the
 * analyzer splits into three segments or more, so that no word is required: kind `split-word`,
 * the general evaluator's worst case) per kind: CPU time (process.cpuUsage, the whole process)
 * and wall time, then the slowest queries with what they did. Hits are rendered from
 * interviews kept once looked up, as the API keeps them (`--fresh-docs`: rebuilt per lookup,
 * as this bench did before 2026-12-05). The engine keeps long lists decoded and scored between
 * searches (lib/search/engine/decoded.ts, term-lists.ts), and this bench repeats its queries, so
 * after the first pass every kept list is found: `--cold` drops them before each timed search,
 * so each pays what the first search of its terms pays (real traffic sits between the two). `--save` writes every query's
 * page (ids, order, scores, total, facets, rendered hits) and `--check` compares a run with a
 * saved one, so an optimisation can be shown to change no result. `--cpu-prof` profiles the
 * timed passes only (node:inspector), for chrome://inspect or speedscope; `--heap-prof` samples
 * their allocations (collected ones included) and prints the bytes per search and the heaviest
 * sites; every run prints the collections (scavenges) during each mode's timed passes, the cost
 * of the garbage searches leave. `--general` runs the
 * engine's general evaluator only (main's path); `--ab` alternates it with the default (the
 * sorted-list path for all-required queries) pass by pass in the same process, reports both,
 * and compares their pages (must be identical). The bench forces a full collection (`gc()`)
 * after the warm-up, so that each run starts from the same heap and its memory numbers compare;
 * `--settle N` (default 1, since 2026-12-06) then runs N untimed passes before the timed ones:
 * the first search after a forced full collection paid 12–36 ms (必要, the first of the 120) for
 * what a server, which forces none between requests, never pays. `--settle 0` is the measure
 * before 2026-12-06.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { QuoteIndex } from '../lib/search/index.ts';
import { VariantDictionary } from '../lib/taxonomy/index.ts';
import { drawQueries, realQuotes, sentenceQueries, splitWordQueries } from './corpus.ts';
import { QUOTES_PER_INTERVIEW, scaleCorpus } from './scale-corpus.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const scale = Number(arg('--scale') ?? 1_000_000);
const dir = arg('--dir') ?? '/work/notes/scratch-1m';
const passes = Number(arg('--passes') ?? 5);
const warmup = Number(arg('--warmup') ?? 1);
const top = Number(arg('--top') ?? 15);

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function main(): Promise<void> {
  const real = realQuotes();
  if ('reason' in real) {
    console.log(`skipping: ${real.reason}`);
    return;
  }
  const base = real.quotes.slice(0, Math.min(real.quotes.length, scale));
  const corpus = scaleCorpus(base);
  const dict = new VariantDictionary();
  const indexOptions = { variants: (f: string) => dict.variantsOf(f), retain: false };
  const file = arg('--from') ?? join(dir, `snapshot-${scale}.bin`);
  if (process.argv.includes('--build') || !existsSync(file)) {
    const count = Math.floor(scale / QUOTES_PER_INTERVIEW);
    process.stderr.write(`building ${count * QUOTES_PER_INTERVIEW} quotes…\n`);
    const t0 = performance.now();
    const index = new QuoteIndex(indexOptions);
    for (let n = 0; n < count; n++) {
      const { interview, tags } = corpus.interviewAt(n);
      index.upsertInterview(interview, tags);
      if (n % 5000 === 4999) process.stderr.write(`  ${(n + 1) * QUOTES_PER_INTERVIEW} quotes\n`);
    }
    const bytes = index.toSnapshot();
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, bytes);
    process.stderr.write(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${file}\n`);
  }
  const l0 = performance.now();
  const index = QuoteIndex.fromSnapshot(new Uint8Array(readFileSync(file)), indexOptions);
  process.stderr.write(`loaded ${index.stats.quotes} quotes in ${Math.round(performance.now() - l0)} ms\n`);
  const fresh = (id: string) => corpus.interviewAt(Number(id.slice('scale-'.length))).interview;
  // Interviews to render hits come through a cache, as the API's do (lib/service.ts documents():
  // an LRU of 2,048 interviews; the index does not change here, so no entry goes stale). Built
  // afresh per lookup (--fresh-docs, the bench before 2026-12-05) they were ~95 kB of a search's
  // ~250 kB of garbage, which the API does not make once an interview is cached.
  const cached = new Map<string, ReturnType<typeof fresh>>();
  const docs = process.argv.includes('--fresh-docs')
    ? fresh
    : (id: string) => {
        let d = cached.get(id);
        if (d === undefined) {
          d = fresh(id);
          cached.set(id, d);
        }
        return d;
      };

  const drawn = drawQueries(base.slice(0, 100_000), 100);
  const sentences = sentenceQueries(base.slice(0, 100_000), Number(arg('--sentences') ?? 0));
  const split = splitWordQueries(base.slice(0, 100_000), Number(arg('--split') ?? 20), (q) => {
    const c = index.compile(q);
    return c.query !== null && !c.everyWord;
  });
  let queries = [...drawn, ...sentences, ...split].map((q) => ({ q: q.q, kind: q.kind }));
  const kind = arg('--kind');
  if (kind) queries = queries.filter((q) => q.kind === kind);
  const only = arg('--q');
  if (only) queries = [{ q: only, kind: 'given' }];

  const ab = process.argv.includes('--ab');
  const modes = ab ? ['general', 'sorted'] : [process.argv.includes('--general') ? 'general' : 'sorted'];
  // Pages are kept as JSON, not as objects: keeping the warm-up's page objects alive made V8
  // pretenure the allocation sites that build them (most of them survived a scavenge), so every
  // timed search then allocated its hits in the old generation, where, dead, they kept the young
  // objects they point to alive until a full collection: each scavenge copied ~650 kB instead of
  // ~50 and took 3–4 ms instead of ~1.5 (--trace-gc-nvp; gone with --no-allocation-site-pretenuring).
  // The API keeps no page after answering, so the bench keeps none either.
  const pages = new Map<string, string>();
  const generalPages = new Map<string, string>();
  const cold = process.argv.includes('--cold');
  const run = (record: boolean, mode = modes[0] as string) =>
    queries.map(({ q }) => {
      index.general = mode === 'general';
      if (cold && !record) index.dropKept();
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const page = index.search({ q, limit: 10 }, docs);
      const wall = performance.now() - w0;
      const c = process.cpuUsage(c0);
      if (record) (mode === 'general' && ab ? generalPages : pages).set(q, JSON.stringify(page));
      return { wall, cpu: (c.user + c.system) / 1000, total: page.total, at: w0 };
    });
  for (const mode of modes) {
    for (let i = 0; i < warmup; i++) run(true, mode);
    if (warmup === 0) run(true, mode);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // Untimed passes after the forced collection (see the header): what a search meets right
  // after a full collection is the bench's, not a server's.
  const settle = Number(arg('--settle') ?? 1);
  for (const mode of modes) for (let i = 0; i < settle; i++) run(false, mode);
  const prof = arg('--cpu-prof');
  const heapProf = arg('--heap-prof');
  const session = prof || heapProf ? new Session() : null;
  if (session) {
    session.connect();
    if (prof) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    if (heapProf) {
      // Every allocation sampled, collected ones included: what the young generation fills with.
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
  }
  // Collections during each mode's timed passes (the garbage a search leaves is paid here).
  const gcs: Array<{ start: number; ms: number; kind: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push({
        start: e.startTime,
        ms: e.duration,
        kind: (e as unknown as { detail: { kind: number } }).detail.kind,
      });
  });
  observer.observe({ entryTypes: ['gc'] });
  const windows = new Map<string, Array<[number, number]>>(modes.map((m) => [m, []]));
  type Sample = { q: string; kind: string; wall: number; cpu: number; total: number; at: number };
  const byMode = new Map<string, Sample[]>(modes.map((m) => [m, []]));
  for (let p = 0; p < passes; p++) {
    // Alternating which goes first, so that neither always runs right after a collection.
    for (const mode of p % 2 === 0 ? modes : [...modes].reverse()) {
      const t0 = performance.now();
      run(false, mode).forEach((r, i) => {
        const { q, kind } = queries[i] as { q: string; kind: string };
        byMode.get(mode)?.push({ q, kind, ...r });
      });
      windows.get(mode)?.push([t0, performance.now()]);
    }
  }
  if (session && prof) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(prof, JSON.stringify(profile));
    process.stderr.write(`profile: ${prof}\n`);
  }
  if (session && heapProf) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(heapProf, JSON.stringify(profile));
    // Sampled bytes by function (self), over every timed search of every mode.
    const bySite = new Map<string, number>();
    let all = 0;
    type HeapNode = (typeof profile)['head'];
    const walk = (n: HeapNode) => {
      const bytes = n.selfSize;
      if (bytes > 0) {
        const f = n.callFrame;
        const site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
        bySite.set(site, (bySite.get(site) ?? 0) + bytes);
        all += bytes;
      }
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    const searches = passes * queries.length * modes.length;
    console.log(
      `\nallocated (sampled, collected included): ${(all / 1e6).toFixed(1)} MB in ${searches} searches, ${(all / searches / 1e3).toFixed(0)} kB per search; heaviest sites:`,
    );
    for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(`${(bytes / searches / 1e3).toFixed(1).padStart(8)} kB/search  ${site}`);
    process.stderr.write(`heap profile: ${heapProf}\n`);
  }
  // Let the observer deliver its entries (they are queued, not delivered during the passes).
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();

  for (const [mode, samples] of byMode) {
    console.log(
      `\n== ${mode} evaluation, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const kinds = ['all', ...new Set(queries.map((q) => q.kind))];
    console.log(
      `${index.stats.quotes} quotes, ${queries.length} queries × ${passes} passes (warm-up ${warmup}, gc, ${settle} untimed)${cold ? ', kept lists dropped before each timed search (--cold)' : ''}`,
    );
    const inside = gcs.filter((g) => windows.get(mode)?.some(([a, b]) => g.start >= a && g.start < b));
    const minor = inside.filter((g) => g.kind === constants.NODE_PERFORMANCE_GC_MINOR);
    const other = inside.filter((g) => g.kind !== constants.NODE_PERFORMANCE_GC_MINOR);
    const ms = (xs: typeof gcs) => xs.reduce((t, g) => t + g.ms, 0).toFixed(1);
    console.log(
      `collections in the timed passes: ${minor.length} scavenges (${ms(minor)} ms), ${other.length} others (${ms(other)} ms); ${(minor.length / passes).toFixed(1)} scavenges per pass of ${queries.length}`,
    );
    console.log('kind              n    wall p50   p99    max  |  cpu p50   p99    max');
    for (const k of kinds) {
      const s = samples.filter((x) => k === 'all' || x.kind === k);
      const w = s.map((x) => x.wall).sort((a, b) => a - b);
      const c = s.map((x) => x.cpu).sort((a, b) => a - b);
      const f = (x: number) => x.toFixed(2).padStart(6);
      console.log(
        `${k.padEnd(16)} ${String(s.length).padStart(4)} ${f(pct(w, 50))} ${f(pct(w, 99))} ${f(w.at(-1) ?? 0)}  | ${f(pct(c, 50))} ${f(pct(c, 99))} ${f(c.at(-1) ?? 0)}`,
      );
    }
    // The same over the searches no collection started in: whether a p99 is the collector's
    // or the search's own (and the machine's).
    const clean = samples.filter((x) => !inside.some((g) => g.start >= x.at && g.start < x.at + x.wall));
    const cw = clean.map((x) => x.wall).sort((a, b) => a - b);
    console.log(
      `all searches no collection started in: ${cw.length}, wall p50 ${pct(cw, 50).toFixed(2)} p99 ${pct(cw, 99).toFixed(2)} max ${(cw.at(-1) ?? 0).toFixed(2)}`,
    );
    // Slowest queries by their median wall time over the passes.
    const byQuery = new Map<string, { kind: string; walls: number[]; cpus: number[]; total: number }>();
    for (const s of samples) {
      const e = byQuery.get(s.q) ?? { kind: s.kind, walls: [], cpus: [], total: s.total };
      e.walls.push(s.wall);
      e.cpus.push(s.cpu);
      byQuery.set(s.q, e);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // On a busy machine every pass is disturbed somewhere: each query's fastest pass is the
    // closest to its own cost, so compare these between builds when the load is high.
    const fastest = (pick: (e: { walls: number[]; cpus: number[] }) => number[]) =>
      [...byQuery.values()].map((e) => Math.min(...pick(e))).sort((a, b) => a - b);
    const fw = fastest((e) => e.walls);
    const fc = fastest((e) => e.cpus);
    console.log(
      `\nper query, fastest of ${passes} passes: wall p50 ${pct(fw, 50).toFixed(2)} p90 ${pct(fw, 90).toFixed(2)} p99 ${pct(fw, 99).toFixed(2)} max ${(fw.at(-1) ?? 0).toFixed(2)} | cpu p50 ${pct(fc, 50).toFixed(2)} p90 ${pct(fc, 90).toFixed(2)} p99 ${pct(fc, 99).toFixed(2)} max ${(fc.at(-1) ?? 0).toFixed(2)} ms; sum of fastest wall ${fw.reduce((s, x) => s + x, 0).toFixed(0)} ms`,
    );
    console.log('\nslowest (median of passes): wall ms, cpu ms, max wall, total, kind, query');
    const slowest = [...byQuery].sort((a, b) => med(b[1].walls) - med(a[1].walls)).slice(0, top);
    for (const [q, e] of slowest) {
      const cols = [med(e.walls), med(e.cpus), Math.max(...e.walls)].map((x) => x.toFixed(2).padStart(7));
      console.log(`${cols.join(' ')} ${String(e.total).padStart(7)} ${e.kind.padEnd(16)} ${q}`);
    }
  }

  if (ab) {
    let differ = 0;
    for (const [q, page] of pages) {
      const a = generalPages.get(q);
      if (a !== page) {
        differ++;
        if (differ <= 5)
          console.log(`DIFFERS: ${q}\n  general ${a?.slice(0, 600)}\n  sorted  ${page.slice(0, 600)}`);
      }
    }
    console.log(`general vs sorted: ${differ} of ${pages.size} pages differ`);
    if (differ > 0) process.exitCode = 1;
  }
  const save = arg('--save');
  // The same file as JSON.stringify of an object of the pages (the format --check reads).
  if (save)
    writeFileSync(save, `{${[...pages].map(([q, page]) => `${JSON.stringify(q)}:${page}`).join(',')}}`);
  const check = arg('--check');
  if (check) {
    const before = JSON.parse(readFileSync(check, 'utf8')) as Record<string, unknown>;
    let differ = 0;
    for (const [q, page] of pages) {
      const a = JSON.stringify(before[q]);
      if (a !== page) {
        differ++;
        if (differ <= 5)
          console.log(`DIFFERS: ${q}\n  before ${a?.slice(0, 600)}\n  after  ${page.slice(0, 600)}`);
      }
    }
    console.log(`check against ${check}: ${differ} of ${pages.size} pages differ`);
    if (differ > 0) process.exitCode = 1;
  }
}

await main();
