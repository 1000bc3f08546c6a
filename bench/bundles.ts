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
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';

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

console.log(`cdk.out: ${out}; ${runs} imports per function; load average ${load()}`);
const seen = new Map<string, unknown>();
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
}
