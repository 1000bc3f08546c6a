/**
 * `npm run bench:hostile [-- --quick] [--seconds N]`: hostile bodies against the parsers and the
 * server (issue 11 goal).
 *
 * 1. Parse cost: a generated corpus of adversarial transcripts (long lines, runs of one
 *    character, many separators, deep nesting; bench/adversarial.ts) through every layout,
 *    forced and auto, on the same worker pool the server parses with (a parse is stopped at the
 *    pool's bound, reported as `timeout`). Reports ms per MB per parser: worst and median.
 *    Goal: ≤ 200 ms/MB.
 * 2. The server under that corpus: `npm start`'s server in its own process (embedded store,
 *    samples loaded) on 127.0.0.1:3210 receives the corpus as POST /interviews from two clients
 *    while /health and /search are asked every 20 ms; reports their p50/p99/max and the statuses.
 *    Goal: p99 ≤ 100 ms. The machine's load average is printed with the numbers: on a shared
 *    machine, wall-clock latency measures the queue for a core as much as the server.
 *
 * Timings are reported, never asserted; prints a table and writes bench/results/hostile.{json,md}.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParsePool } from '../local/parse-pool.ts';
import { type Adversarial, adversarialCorpus } from './adversarial.ts';
import { root } from './corpus.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || (quick ? 8 : 30);
const BYTES = quick ? 256_000 : 1_000_000;
const PARSE_BOUND_MS = 10_000;
const PORT = 3210;
const FORMATS = ['auto', 'blog', 'dash', 'prefixed', 'tsv', 'markdown', 'json'] as const;

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
  worstMsPerMb: number;
  worstCase: string;
  medianMsPerMb: number;
  over200: string[];
}

/** Phase 1: every shape through every layout, one at a time, on one worker. */
async function parseCosts(corpus: Adversarial[]): Promise<ParseRow[]> {
  const pool = createParsePool({ size: 1, timeoutMs: PARSE_BOUND_MS });
  const rows: ParseRow[] = [];
  try {
    // Warm the worker (its start and the parsers' first compile are not the corpus's cost).
    await pool.parse('聞き手：a\n山田：b', {}).catch(() => undefined);
    for (const format of FORMATS) {
      const costs: Array<{ name: string; msPerMb: number }> = [];
      let timeouts = 0;
      for (const shape of corpus) {
        const text = shape.build();
        const t0 = performance.now();
        try {
          await pool.parse(text, { format, id: 'bench' });
        } catch (e) {
          if ((e as { code?: string }).code === 'parse_timeout') timeouts++;
        }
        const ms = performance.now() - t0;
        costs.push({ name: shape.name, msPerMb: ms / mb(text) });
      }
      const worst = costs.reduce((a, b) => (b.msPerMb > a.msPerMb ? b : a));
      rows.push({
        format,
        cases: costs.length,
        timeouts,
        worstMsPerMb: round(worst.msPerMb),
        worstCase: worst.name,
        medianMsPerMb: round(
          pct(
            costs.map((c) => c.msPerMb),
            50,
          ),
        ),
        over200: costs.filter((c) => c.msPerMb > 200).map((c) => `${c.name} ${Math.round(c.msPerMb)}`),
      });
      process.stderr.write(
        `  ${format.padEnd(9)} worst ${Math.round(worst.msPerMb)} ms/MB (${worst.name}), median ${Math.round(
          pct(
            costs.map((c) => c.msPerMb),
            50,
          ),
        )}, timeouts ${timeouts}\n`,
      );
    }
  } finally {
    await pool.close();
  }
  return rows;
}

interface LoadResult {
  seconds: number;
  posts: number;
  postStatuses: Record<string, number>;
  health: { n: number; p50: number; p99: number; max: number; statuses: Record<string, number> };
  search: { n: number; p50: number; p99: number; max: number; statuses: Record<string, number> };
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
  const end = Date.now() + seconds * 1000;
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
  await Promise.all([poster(0), poster(1), prober('health'), prober('search')]);
  const stats = (xs: number[]) => ({
    n: xs.length,
    p50: round(pct(xs, 50)),
    p99: round(pct(xs, 99)),
    max: round(Math.max(...xs)),
  });
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return {
    seconds,
    posts,
    postStatuses,
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
  process.stderr.write(`server under the corpus for ${seconds} s on 127.0.0.1:${PORT}…\n`);
  const load = await underLoad(corpus);

  const lines = [
    `## Hostile bodies (${corpus.length} shapes of ~${BYTES / 1000} KB; parse bound ${PARSE_BOUND_MS} ms)`,
    '',
    '| parser | cases | timeouts | worst ms/MB | worst shape | median ms/MB | goal ≤ 200 |',
    '| --- | ---: | ---: | ---: | --- | ---: | --- |',
    ...parse.map(
      (r) =>
        `| ${r.format} | ${r.cases} | ${r.timeouts} | ${r.worstMsPerMb} | ${r.worstCase} | ${r.medianMsPerMb} | ${r.over200.length === 0 ? 'met' : `missed: ${r.over200.length}`} |`,
    ),
    '',
    `Server under the corpus (${load.seconds} s, ${load.posts} hostile POSTs: ${JSON.stringify(load.postStatuses)})`,
    '',
    '| request | n | p50 ms | p99 ms | max ms | statuses | goal p99 ≤ 100 |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...(['health', 'search'] as const).map((k) => {
      const r = load[k];
      return `| /${k} | ${r.n} | ${r.p50} | ${r.p99} | ${r.max} | ${JSON.stringify(r.statuses)} | ${r.p99 <= 100 ? 'met' : 'missed'} |`;
    }),
  ];
  const missed = parse.filter((r) => r.over200.length > 0);
  if (missed.length > 0) {
    lines.push('', 'Shapes over 200 ms/MB:');
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
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'hostile.json'), `${JSON.stringify({ bytes: BYTES, parse, load }, null, 2)}\n`);
  writeFileSync(join(out, 'hostile.md'), `${md}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:hostile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
