/**
 * `npm run bench:hostile [-- --quick] [--seconds N] [--formats auto,dash] [--parse-only]`: hostile
 * bodies against the parsers and the server (issue 11 goal). `--formats` and `--parse-only` (no
 * server phase) are for working on one parser; the record is a full run.
 *
 * 1. Parse cost: a generated corpus of adversarial transcripts (long lines, runs of one
 *    character, many separators, deep nesting; bench/adversarial.ts) through every layout,
 *    forced and auto: CPU ms per MB per parser (worst and median; the goal, ≤ 200 ms/MB, in the
 *    measure a shared machine cannot inflate), and the wall time through the server's worker
 *    pool with its bound (a parse stopped there is reported as a timeout).
 * 2. The server under that corpus: `npm start`'s server in its own process (embedded store,
 *    samples loaded) on 127.0.0.1:3210 receives the corpus as POST /interviews from two clients
 *    while /health and /search are asked every 20 ms; reports their p50/p99/max and the statuses,
 *    beside the same probes' p99 with no hostile posts (measured first).
 *    Goal: p99 ≤ 100 ms. The machine's load average is printed with the numbers: on a shared
 *    machine, wall-clock latency measures the queue for a core as much as the server.
 *
 * Timings are reported, never asserted; prints a table and writes bench/results/hostile.{json,md}.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInterview } from '../lib/parse/index.ts';
import { createParsePool } from '../local/parse-pool.ts';
import { type Adversarial, adversarialCorpus } from './adversarial.ts';
import { root } from './corpus.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || (quick ? 8 : 30);
const BYTES = quick ? 256_000 : 1_000_000;
const PARSE_BOUND_MS = 10_000;
const PORT = 3210;
const ALL_FORMATS = ['auto', 'blog', 'dash', 'prefixed', 'tsv', 'markdown', 'json'] as const;
const only = args.includes('--formats') ? (args[args.indexOf('--formats') + 1] ?? '').split(',') : null;
const FORMATS = only ? ALL_FORMATS.filter((f) => only.includes(f)) : ALL_FORMATS;
const parseOnly = args.includes('--parse-only');

const mb = (s: string) => Buffer.byteLength(s, 'utf8') / 1_000_000;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;

interface ParseRow {
  format: string;
  cases: number;
  timeouts: number;
  /** CPU time of the parsing thread per MB (the goal's measure: independent of other load). */
  worstCpuMsPerMb: number;
  worstCase: string;
  medianCpuMsPerMb: number;
  /** Wall time per MB through the server's worker pool (includes waiting for a core). */
  worstWallMsPerMb: number;
  over200: string[];
}

/**
 * Phase 1: every shape through every layout, one at a time. Each parse runs twice: in this
 * thread, timed by this process's CPU clock (the honest cost on a machine others share), and
 * through the server's worker pool with its bound (the wall time a client sees, timeouts).
 */
async function parseCosts(corpus: Adversarial[]): Promise<ParseRow[]> {
  const pool = createParsePool({ size: 1, timeoutMs: PARSE_BOUND_MS });
  const rows: ParseRow[] = [];
  const attempt = (run: () => unknown) => {
    try {
      run();
    } catch {
      // a rejected transcript costs what it cost
    }
  };
  try {
    // Warm up (the worker's start and the parsers' first compile are not the corpus's cost).
    await pool.parse('聞き手：a\n山田：b', {}).catch(() => undefined);
    for (const format of FORMATS) attempt(() => parseInterview('聞き手：a\n山田：b', { format }));
    for (const format of FORMATS) {
      const costs: Array<{ name: string; cpu: number; wall: number }> = [];
      let timeouts = 0;
      for (const shape of corpus) {
        const text = shape.build();
        const size = mb(text);
        const wall0 = performance.now();
        let timedOut = false;
        try {
          await pool.parse(text, { format, id: 'bench' });
        } catch (e) {
          timedOut = (e as { code?: string }).code === 'parse_timeout';
        }
        const wall = (performance.now() - wall0) / size;
        if (timedOut) {
          // Not parsed again in this thread: it would run for as long as it likes.
          timeouts++;
          costs.push({ name: shape.name, cpu: Number.POSITIVE_INFINITY, wall });
          continue;
        }
        const cpu0 = process.cpuUsage();
        attempt(() => parseInterview(text, { format, id: 'bench' }));
        const used = process.cpuUsage(cpu0);
        costs.push({ name: shape.name, cpu: (used.user + used.system) / 1000 / size, wall });
      }
      const worst = costs.reduce((a, b) => (b.cpu > a.cpu ? b : a));
      const median = pct(
        costs.map((c) => c.cpu),
        50,
      );
      rows.push({
        format,
        cases: costs.length,
        timeouts,
        worstCpuMsPerMb: round(worst.cpu),
        worstCase: worst.name,
        medianCpuMsPerMb: round(median),
        worstWallMsPerMb: round(Math.max(...costs.map((c) => c.wall))),
        over200: costs.filter((c) => c.cpu > 200).map((c) => `${c.name} ${Math.round(c.cpu)}`),
      });
      process.stderr.write(
        `  ${format.padEnd(9)} worst ${Math.round(worst.cpu)} CPU ms/MB (${worst.name}), median ${Math.round(median)}, timeouts ${timeouts}\n`,
      );
    }
  } finally {
    await pool.close();
  }
  return rows;
}

type Latency = { n: number; p50: number; p99: number; max: number; statuses: Record<string, number> };

interface LoadResult {
  seconds: number;
  posts: number;
  postStatuses: Record<string, number>;
  /** The same probes without hostile posts first: what the machine alone costs. */
  baseline: { health: Latency; search: Latency };
  health: Latency;
  search: Latency;
}

/** Starts `npm start`'s server (its own process, samples loaded) and resolves once it listens. */
async function startServer(dataDir: string, token: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'local', 'server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(PORT),
      DATA_DIR: dataDir,
      API_TOKEN: token,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 120_000);
    child.stderr?.on('data', (d) => {
      log += d;
      if (log.includes('kikigaki API on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited ${code}:\n${log}`)));
  });
  return child;
}

/** Phase 2: the corpus as POSTs to the real server while /health and /search are timed. */
async function underLoad(corpus: Adversarial[]): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kk-hostile-bench-'));
  const token = 'hostile-bench-token-0123456789';
  const server = await startServer(dir, token);
  const base = `http://127.0.0.1:${PORT}`;
  let end = Date.now() + Math.max(5, seconds / 3) * 1000;
  const postStatuses: Record<string, number> = {};
  let posts = 0;
  const bodies = corpus.map((c) => c.build());
  const poster = async (offset: number) => {
    for (let i = offset; Date.now() < end; i += 2) {
      const body = bodies[i % bodies.length] as string;
      const format = FORMATS[Math.floor(i / bodies.length) % FORMATS.length];
      const res = await fetch(`${base}/interviews?format=${format}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body,
      }).catch(() => null);
      await res?.arrayBuffer();
      const key = String(res?.status ?? 'network');
      postStatuses[key] = (postStatuses[key] ?? 0) + 1;
      posts++;
    }
  };
  const timed = { health: [] as number[], search: [] as number[] };
  const statuses = { health: {} as Record<string, number>, search: {} as Record<string, number> };
  const queries = ['クラウドソーシング', '時間配分', '介護', '副業', 'ランサーズ'];
  const prober = async (kind: 'health' | 'search') => {
    let i = 0;
    while (Date.now() < end) {
      const url =
        kind === 'health'
          ? `${base}/health`
          : `${base}/search?q=${encodeURIComponent(queries[i++ % queries.length] as string)}`;
      const t0 = performance.now();
      const res = await fetch(url).catch(() => null);
      await res?.arrayBuffer();
      timed[kind].push(performance.now() - t0);
      const key = String(res?.status ?? 'network');
      statuses[kind][key] = (statuses[kind][key] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stats = (xs: number[]) => ({
    n: xs.length,
    p50: round(pct(xs, 50)),
    p99: round(pct(xs, 99)),
    max: round(Math.max(...xs)),
  });
  await Promise.all([prober('health'), prober('search')]);
  const baseline = {
    health: { ...stats(timed.health), statuses: { ...statuses.health } },
    search: { ...stats(timed.search), statuses: { ...statuses.search } },
  };
  timed.health = [];
  timed.search = [];
  statuses.health = {};
  statuses.search = {};
  end = Date.now() + seconds * 1000;
  await Promise.all([poster(0), poster(1), prober('health'), prober('search')]);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return {
    seconds,
    posts,
    postStatuses,
    baseline,
    health: { ...stats(timed.health), statuses: statuses.health },
    search: { ...stats(timed.search), statuses: statuses.search },
  };
}

async function main(): Promise<void> {
  const corpus = adversarialCorpus(BYTES);
  process.stderr.write(
    `bench:hostile: ${corpus.length} adversarial shapes of ~${BYTES / 1000} KB × ${FORMATS.length} layouts\n`,
  );
  const parse = await parseCosts(corpus);
  if (!parseOnly) process.stderr.write(`server under the corpus for ${seconds} s on 127.0.0.1:${PORT}…\n`);
  const load = parseOnly ? null : await underLoad(corpus);

  const lines = [
    `## Hostile bodies (${corpus.length} shapes of ~${BYTES / 1000} KB; parse bound ${PARSE_BOUND_MS} ms)`,
    '',
    '| parser | cases | timeouts | worst CPU ms/MB | worst shape | median CPU ms/MB | worst wall ms/MB (pool) | goal ≤ 200 CPU ms/MB |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
    ...parse.map(
      (r) =>
        `| ${r.format} | ${r.cases} | ${r.timeouts} | ${r.worstCpuMsPerMb} | ${r.worstCase} | ${r.medianCpuMsPerMb} | ${r.worstWallMsPerMb} | ${r.over200.length === 0 ? 'met' : `missed: ${r.over200.length}`} |`,
    ),
  ];
  if (load)
    lines.push(
      '',
      `Server under the corpus (${load.seconds} s, ${load.posts} hostile POSTs: ${JSON.stringify(load.postStatuses)})`,
      '',
      '| request | n | p50 ms | p99 ms | max ms | statuses | p99 with no hostile posts | goal p99 ≤ 100 |',
      '| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |',
      ...(['health', 'search'] as const).map((k) => {
        const r = load[k];
        return `| /${k} | ${r.n} | ${r.p50} | ${r.p99} | ${r.max} | ${JSON.stringify(r.statuses)} | ${load.baseline[k].p99} | ${r.p99 <= 100 ? 'met' : 'missed'} |`;
      }),
    );
  const missed = parse.filter((r) => r.over200.length > 0);
  if (missed.length > 0) {
    lines.push('', 'Shapes over 200 CPU ms/MB:');
    for (const r of missed) lines.push(`- ${r.format}: ${r.over200.join(', ')}`);
  }
  lines.push(
    '',
    `Load average (1/5/15 min) at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
  );
  const md = lines.join('\n');
  process.stdout.write(`\n${md}\n`);
  // A partial run (some layouts, no server) is for working on a parser: it keeps the record.
  if (only || parseOnly) return;
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'hostile.json'), `${JSON.stringify({ bytes: BYTES, parse, load }, null, 2)}\n`);
  writeFileSync(join(out, 'hostile.md'), `${md}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:hostile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
