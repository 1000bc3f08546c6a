/**
 * `npm run load [-- --duration SECONDS] [--connections N]`: a bounded, loopback-only load test of
 * `npm start`'s server: mixed searches, reads, ingests and tag edits; reports requests/s, p99,
 * errors and the server's memory over time. Default 600 s (the reliability goal); CI runs a few
 * seconds of it through tests/reliability/load.test.ts without timing assertions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Result of a load run. */
export interface LoadReport {
  seconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
  rssMbOverTime: Array<{ at: number; rssMb: number }>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function startServer(token: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'local', 'server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'kk-load-')),
      API_TOKEN: token,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    child.stderr?.on('data', (d) => {
      err += d;
      if (err.includes('kikigaki API on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

const QUERIES = [
  '介護',
  'クラウドソーシング',
  '時間配分',
  'らんさーず',
  'zoom',
  '時差 打合せ',
  '「副業」',
  '確定申告',
  'ポートフォ',
  '子育て 両立',
];

/** Runs the load test and returns the report (the server is started and stopped here). */
export async function runLoad(options: {
  seconds: number;
  connections: number;
  /**
   * Stop after this many requests instead of after `seconds` (`seconds` then only paces the
   * memory samples): a test asserts on what was answered, never on how much fitted in a time.
   */
  amount?: number;
  onTick?: (line: string) => void;
}): Promise<LoadReport> {
  const token = 'load-test-token-0123456789';
  const { url, child } = await startServer(token);
  const rss: LoadReport['rssMbOverTime'] = [];
  const t0 = Date.now();
  const sampler = setInterval(
    () => {
      const at = Math.round((Date.now() - t0) / 1000);
      const mb = rssMb(child.pid ?? 0);
      rss.push({ at, rssMb: Math.round(mb) });
      options.onTick?.(`${at}s rss ${Math.round(mb)} MB`);
    },
    Math.max(1000, Math.min(30_000, (options.seconds * 1000) / 20)),
  );
  let n = 0;
  const auth = { authorization: `Bearer ${token}` };
  try {
    const result = await autocannon({
      url,
      connections: options.connections,
      ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds }),
      requests: [
        {
          // Four reads for every write: searches, lists and single reads, then an ingest or a tag edit.
          setupRequest: (req) => {
            n++;
            const kind = n % 10;
            if (kind < 6)
              return {
                ...req,
                method: 'GET',
                path: `/search?q=${encodeURIComponent(QUERIES[n % QUERIES.length] as string)}&limit=10`,
              };
            if (kind === 6) return { ...req, method: 'GET', path: '/interviews?limit=20' };
            if (kind === 7) return { ...req, method: 'GET', path: '/interviews/04-dash-yuki' };
            if (kind === 8) {
              // A bounded set of ids: later writes replace earlier ones, so the store does not grow without end.
              return {
                ...req,
                method: 'POST',
                path: `/interviews?id=load-${n % 50}`,
                headers: { ...auth, 'content-type': 'text/plain' },
                body: `聞き手：${n}回目の質問です。クラウドソーシングは？\n山田：ランサーズで${n}件受注しました。\n聞き手：時間配分は？\n山田：家事と両立しています。`,
              };
            }
            return {
              ...req,
              method: 'POST',
              path: '/quotes/04-dash-yuki-t002/tags',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify({ tags: [`load-${n % 5}`] }),
            };
          },
        },
      ],
    });
    const statuses: Record<string, number> = {};
    for (const [k, v] of Object.entries(result.statusCodeStats ?? {}))
      statuses[k] = (v as { count: number }).count;
    // 409 is the designed answer to racing tag edits, not an error.
    const unexpected = Object.entries(statuses)
      .filter(([k]) => !['200', '201', '409'].includes(k))
      .reduce((s, [, v]) => s + v, 0);
    return {
      seconds: options.seconds,
      connections: options.connections,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts + unexpected,
      non2xx: result.non2xx,
      statuses,
      rssMbOverTime: rss,
    };
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const seconds = arg('duration', 600);
  const connections = arg('connections', 8);
  process.stderr.write(`load test: ${seconds} s, ${connections} connections, loopback only\n`);
  const r = await runLoad({ seconds, connections, onTick: (l) => process.stderr.write(`  ${l}\n`) });
  const first = r.rssMbOverTime[0]?.rssMb ?? 0;
  const last = r.rssMbOverTime.at(-1)?.rssMb ?? 0;
  console.log(
    `\n| seconds | connections | requests | req/s | p50 ms | p99 ms | errors | statuses | RSS first → last MB |`,
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  console.log(
    `| ${r.seconds} | ${r.connections} | ${r.requests} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${Object.entries(
      r.statuses,
    )
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')} | ${first} → ${last} |`,
  );
  console.log(`\nRSS over time (MB): ${r.rssMbOverTime.map((s) => `${s.at}s:${s.rssMb}`).join(' ')}`);
  if (r.errors > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
