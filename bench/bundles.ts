/**
 * `npm run synth && npm run bench:bundles`: the Lambda assets `cdk.out` holds, measured as they
 * deploy — for every function of the template, its asset's `index.mjs` and source map, the asset
 * on disk and deflated (about what its zip weighs; the limits are 250 MB unzipped, 50 MB zipped
 * for a direct upload), and the import of its handler (cold init before the first event: what
 * the Node.js runtime does in a new container) in a fresh Node process with the template's
 * environment (references replaced by placeholders: init makes no calls), CPU and wall time,
 * median of `--runs` (7). CPU is the figure to trust on a shared machine; the load is printed
 * beside it. The indexer starts loading its reading dictionary at init without awaiting it: the
 * import time does not include that load (the artifact test logs it).
 *
 * Then the read function's first requests, each in a fresh process (median of `--runs`): the
 * bundle imports the topic model only when a tagger is first built (the first /topics, directory
 * or tagging request, lib/tagging/source.ts), so that request pays what init no longer does. The
 * process serves GET /health (the first request: clients, manifest), then GET /topics twice, and
 * reports the CPU ms of each invocation: the first /topics minus the second is the lazy model's
 * cost. The table is dynalite on loopback (created empty: no stored model, so the shipped one is
 * imported, as on a fresh deployment), named in TABLE_NAME with AWS_ENDPOINT_URL_DYNAMODB; S3 points
 * at a closed port (an empty table has no snapshot to read).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { ensureTable } from '../lib/store/dynamo.ts';
import { startEmbeddedDynamo } from '../local/embedded.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const out = resolve(arg('out') ?? 'cdk.out');
const runs = Number(arg('runs') ?? 7);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

interface Fn {
  Description?: string;
  Handler: string;
  Code: { S3Key: string };
  Environment?: { Variables?: Record<string, unknown> };
  MemorySize?: number;
}

const template = JSON.parse(
  readFileSync(
    join(out, readdirSync(out).find((f) => f.endsWith('.template.json')) ?? 'missing.template.json'),
    'utf8',
  ),
) as { Resources: Record<string, { Type: string; Properties: Fn }> };

/** Every file under `dir`, with its size. */
function files(dir: string): Array<{ path: string; bytes: number }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : [{ path: p, bytes: statSync(p).size }];
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** Imports the handler once in a fresh process; its CPU and wall ms. */
function importOnce(assetDir: string, handler: string, env: Record<string, string>) {
  const file = pathToFileURL(join(assetDir, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`)).href;
  const code = `const c0 = process.cpuUsage(); const t0 = performance.now();
const m = await import(${JSON.stringify(file)});
const c = process.cpuUsage(c0);
if (typeof m[${JSON.stringify(handler.slice(handler.lastIndexOf('.') + 1))}] !== 'function') throw new Error('no handler');
console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 }));
process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: assetDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`import of ${assetDir} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { cpu: number; wall: number };
}

/**
 * The read function in a fresh process: its handler imported, then GET /health and GET /topics
 * twice as API Gateway (payload 2.0) events; the CPU ms of each invocation and its status.
 */
async function firstRequestsOnce(assetDir: string, handler: string, env: Record<string, string>) {
  const file = pathToFileURL(join(assetDir, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`)).href;
  const code = `const m = await import(${JSON.stringify(file)});
const h = m[${JSON.stringify(handler.slice(handler.lastIndexOf('.') + 1))}];
const event = (path) => ({ version: '2.0', routeKey: 'GET /{proxy+}', rawPath: path, rawQueryString: '',
  headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
  requestContext: { accountId: '123456789012', apiId: 'abc123', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'bench' },
    requestId: 'r' + Math.random(), routeKey: 'GET /{proxy+}', stage: '$default', time: '07/Dec/2026:00:00:00 +0000', timeEpoch: 0 },
  pathParameters: { proxy: path.slice(1) }, isBase64Encoded: false });
const context = { awsRequestId: 'bench', functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => 29000 };
const out = [];
for (const path of ['/health', '/topics', '/topics']) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const r = await h(event(path), context);
  const c = process.cpuUsage(c0);
  out.push({ path, status: r.statusCode, cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 });
}
console.log(JSON.stringify(out));
process.exit(0);`;
  const r = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
    cwd: assetDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '[]';
  return JSON.parse(line) as Array<{ path: string; status: number; cpu: number; wall: number }>;
}

console.log(`cdk.out: ${out}; ${runs} imports per function; load average ${load()}`);
const seen = new Map<string, unknown>();
/** The read function's asset and environment, for the first requests below. */
let readFn: { assetDir: string; handler: string; env: Record<string, string> } | null = null;
for (const [id, r] of Object.entries(template.Resources)) {
  if (r.Type !== 'AWS::Lambda::Function' || !r.Properties.Code?.S3Key) continue;
  const hash = r.Properties.Code.S3Key.replace(/\.zip$/, '');
  const assetDir = join(out, `asset.${hash}`);
  const all = files(assetDir);
  const index = all.find((f) => f.path.endsWith('index.mjs'));
  const map = all.find((f) => f.path.endsWith('index.mjs.map'));
  const unzipped = all.reduce((a, f) => a + f.bytes, 0);
  const deflated = all.reduce((a, f) => a + deflateRawSync(readFileSync(f.path), { level: 9 }).length, 0);
  // What the Lambda runtime sets, then the template's variables (references: placeholders).
  const env: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: id,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(r.Properties.MemorySize ?? 128),
    LAMBDA_TASK_ROOT: assetDir,
    AWS_ACCESS_KEY_ID: 'placeholder',
    AWS_SECRET_ACCESS_KEY: 'placeholder',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [k, v] of Object.entries(r.Properties.Environment?.Variables ?? {}))
    env[k] =
      typeof v === 'string'
        ? v
        : k.endsWith('_URL')
          ? 'https://sqs.eu-west-1.amazonaws.com/000000000000/placeholder.fifo'
          : `placeholder-${k.toLowerCase()}`;
  const times = Array.from({ length: runs }, () => importOnce(assetDir, r.Properties.Handler, env));
  const row = {
    function: id,
    description: r.Properties.Description,
    asset: hash.slice(0, 8),
    sameAssetAs: seen.get(hash) ?? null,
    indexMjsBytes: index?.bytes ?? null,
    mapBytes: map?.bytes ?? null,
    unzippedMB: Number((unzipped / 1e6).toFixed(2)),
    deflatedMB: Number((deflated / 1e6).toFixed(2)),
    importCpuMs: Math.round(median(times.map((t) => t.cpu))),
    importCpuMsRange: [
      Math.round(Math.min(...times.map((t) => t.cpu))),
      Math.round(Math.max(...times.map((t) => t.cpu))),
    ],
    importWallMs: Math.round(median(times.map((t) => t.wall))),
    load: load(),
  };
  if (!seen.has(hash)) seen.set(hash, id);
  console.log(JSON.stringify(row));
  if (r.Properties.Environment?.Variables?.FUNCTION_ROLE === 'read')
    readFn = { assetDir, handler: r.Properties.Handler, env };
}

if (readFn) {
  const fn = readFn as { assetDir: string; handler: string; env: Record<string, string> };
  const db = await startEmbeddedDynamo({ log: () => {} });
  try {
    const table = 'kikigaki-bench-bundles';
    await ensureTable(db.portClient(), table);
    const env = {
      ...fn.env,
      TABLE_NAME: table,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      // Nothing listens there: an empty table names no snapshot, so nothing should be read.
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
    };
    const all: Array<Awaited<ReturnType<typeof firstRequestsOnce>>> = [];
    for (let i = 0; i < runs; i++) all.push(await firstRequestsOnce(fn.assetDir, fn.handler, env));
    const at = (k: number) =>
      all.map((x) => x[k] as { path: string; status: number; cpu: number; wall: number });
    const stat = (k: number) => ({
      path: at(k)[0]?.path,
      statuses: [...new Set(at(k).map((x) => x.status))],
      cpuMs: Math.round(median(at(k).map((x) => x.cpu))),
      cpuMsRange: [
        Math.round(Math.min(...at(k).map((x) => x.cpu))),
        Math.round(Math.max(...at(k).map((x) => x.cpu))),
      ],
      wallMs: Math.round(median(at(k).map((x) => x.wall))),
    });
    const diffs = all.map((x) => (x[1]?.cpu ?? 0) - (x[2]?.cpu ?? 0));
    console.log(
      JSON.stringify({
        readFunctionFirstRequests: [stat(0), stat(1), stat(2)],
        firstTopicsMinusSecondCpuMs: Math.round(median(diffs)),
        firstTopicsMinusSecondCpuMsRange: [Math.round(Math.min(...diffs)), Math.round(Math.max(...diffs))],
        processes: runs,
        load: load(),
      }),
    );
  } finally {
    await db.close();
  }
}
