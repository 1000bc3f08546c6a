/**
 * `npm run bench:s3 [-- --quotes N] [--runs R]`: the Lambda snapshot path at N real quotes.
 * Builds the index from real quotes (../shared; repeated with distinct ids past the corpus), packs
 * it, publishes it through the S3 snapshot store (s3rver on loopback, the manifest in dynalite),
 * then times R cold loads the way an API container does (manifest read, one S3 GET, unpack),
 * beside the table-chunk store of earlier versions. Loopback has no network latency: on AWS
 * add the S3 GET's time to first byte and transfer at the function's bandwidth.
 * Prints a table; timings are reported, never asserted.
 *
 * At 1M quotes the build is the slow part (tens of minutes with readings), so it can be kept:
 * `--scale` indexes the interviews of `bench:store --only scale` (bench/scale-corpus.ts: tagged,
 * texts repeated past the corpus), `--readings` with kana readings as the deployed indexer writes
 * them (readings version 13 links every written form: bigger snapshots), `--save FILE` keeps the
 * packed snapshot and `--from FILE` times it without building. `--memory` also prints what a cold
 * reader holds after the load (heap + ArrayBuffers after a full GC, RSS): run it with
 * `--expose-gc` and with `--from`, so the process holds little besides the loaded index, as a Lambda.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { parseInterview } from '../lib/parse/index.ts';
import { QuoteIndex } from '../lib/search/index.ts';
import { defaultIndexOptions, openLatestIndex, packIndex, unpackIndex } from '../lib/search/snapshots.ts';
import { DynamoStore, ensureTable } from '../lib/store/dynamo.ts';
import type { SnapshotStore } from '../lib/store/port.ts';
import { S3SnapshotStore } from '../lib/store/s3-snapshots.ts';
import { loadReadings } from '../lib/text/readings.ts';
import { localClient, startEmbeddedDynamo } from '../local/embedded.ts';
import { realQuotes } from './corpus.ts';
import { QUOTES_PER_INTERVIEW, scaleCorpus } from './scale-corpus.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('quotes', 100_000);
const RUNS = arg('runs', 5);
const PER_INTERVIEW = 20;

const real = realQuotes();
if ('reason' in real) {
  console.log(`skipping: ${real.reason}`);
  process.exit(0);
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const path = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const options = defaultIndexOptions();
const from = path('from');
let packed: Uint8Array;
let index: QuoteIndex | null;
if (from) {
  packed = new Uint8Array(readFileSync(from));
  // The stats the publish records; the index itself is dropped before the timed loads.
  index = await unpackIndex(packed, options);
  console.log(
    `index: ${index.stats.quotes} quotes from ${from}, packed ${(packed.length / 1e6).toFixed(2)} MB`,
  );
} else {
  const readings = flag('readings') ? await loadReadings() : undefined;
  index = new QuoteIndex({ ...options, ...(readings ? { readings } : {}) });
  let t0 = performance.now();
  if (flag('scale')) {
    const corpus = scaleCorpus(real.quotes);
    for (let n = 0; n < Math.floor(N / QUOTES_PER_INTERVIEW); n++) {
      const { interview, tags } = corpus.interviewAt(n);
      index.upsertInterview(interview, tags);
      if (n % 5000 === 4999) process.stderr.write(`  ${(n + 1) * QUOTES_PER_INTERVIEW} quotes\n`);
    }
  } else {
    for (let i = 0, n = 0; n < N; i++) {
      const lines: string[] = [];
      for (let k = 0; k < PER_INTERVIEW && n < N; k++, n++) {
        const q = real.quotes[n % real.quotes.length]?.text.replace(/\s*\n\s*/g, ' ').trim() ?? '';
        lines.push(`${k % 2 === 0 ? '聞き手' : '話し手'}：${q}`);
      }
      const iv = parseInterview(`---\ntitle: 記事 ${i}\n---\n${lines.join('\n')}\n`, { id: `s3-bench-${i}` });
      index.upsertInterview(iv, new Map());
    }
  }
  const buildMs = performance.now() - t0;
  t0 = performance.now();
  packed = await packIndex(index);
  const packMs = performance.now() - t0;
  console.log(
    `index: ${index.stats.quotes} quotes in ${index.stats.interviews} interviews${readings ? ', with kana readings' : ''} (built ${Math.round(buildMs)} ms), ` +
      `packed ${(packed.length / 1e6).toFixed(2)} MB gzip in ${Math.round(packMs)} ms`,
  );
  const save = path('save');
  if (save) writeFileSync(save, packed);
}
const stats = index.stats;
index = null; // what a cold reader holds is measured without the builder's index

const dir = mkdtempSync(join(tmpdir(), 'kk-bench-s3-'));
const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
const { port } = (await s3rver.run()) as { port: number };
const db = await startEmbeddedDynamo();
const dynamo = localClient(db.endpoint);
const s3 = new S3Client({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));

async function measure(label: string, store: SnapshotStore) {
  let t = performance.now();
  await store.publishSnapshot(packed, stats);
  const publishMs = performance.now() - t;
  const loads: number[] = [];
  const cpus: number[] = [];
  let held: Awaited<ReturnType<typeof openLatestIndex>> | null = null;
  for (let r = 0; r < RUNS; r++) {
    held = null;
    const c = process.cpuUsage();
    t = performance.now();
    const opened = await openLatestIndex(store, options);
    loads.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpus.push((used.user + used.system) / 1000);
    if (opened.index.stats.quotes !== stats.quotes) throw new Error('loaded a different index');
    held = opened;
  }
  if (flag('memory') && held) {
    // A cold reader's memory: the index just loaded (and this process: the SDK, s3rver, dynalite's thread).
    globalThis.gc?.();
    const m = process.memoryUsage();
    console.log(
      `${label}: loads in order ${loads.map((l) => Math.round(l)).join(' / ')} ms wall, ${cpus.map((c) => Math.round(c)).join(' / ')} ms CPU (all threads); ` +
        `after the last, heap ${(m.heapUsed / 1e6).toFixed(0)} MB + ArrayBuffers ${(m.arrayBuffers / 1e6).toFixed(0)} MB (external ${(m.external / 1e6).toFixed(0)}), RSS ${(m.rss / 1e6).toFixed(0)} MB${globalThis.gc ? '' : ' (no --expose-gc: before a full GC)'}`,
    );
  }
  held = null;
  loads.sort((a, b) => a - b);
  // The read alone (manifest + bytes), without unpacking.
  t = performance.now();
  const m = await store.readManifest();
  if (m) await store.readSnapshot(m);
  const readMs = performance.now() - t;
  console.log(
    `| ${label.padEnd(24)} | ${Math.round(publishMs).toString().padStart(10)} | ${Math.round(readMs).toString().padStart(8)} | ${Math.round(
      loads[0] ?? 0,
    )
      .toString()
      .padStart(8)} | ${Math.round(loads[Math.floor(loads.length / 2)] ?? 0)
      .toString()
      .padStart(8)} |`,
  );
}

try {
  await ensureTable(dynamo, 's3bench');
  await ensureTable(dynamo, 'tablebench');
  console.log(`\n${RUNS} cold loads each (ms; load = manifest + bytes + unpack):`);
  console.log('| store                    | publish ms | read ms  | load min | load p50 |');
  console.log('| ------------------------ | ---------- | -------- | -------- | -------- |');
  await measure(
    'S3 object (s3rver)',
    new S3SnapshotStore({ s3, bucket: 'bench', dynamo, tableName: 's3bench' }),
  );
  await measure('table chunks (dynalite)', new DynamoStore({ tableName: 'tablebench', client: dynamo }));
} finally {
  await s3rver.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
