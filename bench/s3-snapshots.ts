/**
 * `npm run bench:s3 [-- --quotes N] [--runs R]`: the Lambda snapshot path at N real quotes.
 * Builds the index from real quotes (../shared; repeated with distinct ids past the corpus), packs
 * it, publishes it through the S3 snapshot store (s3rver on loopback, the manifest in dynalite),
 * then times R cold loads the way an API container does (manifest read, one S3 GET, unpack),
 * beside the table-chunk store of earlier versions. Loopback has no network latency: on AWS
 * add the S3 GET's time to first byte and transfer at the function's bandwidth.
 * Prints a table; timings are reported, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { parseInterview } from '../lib/parse/index.ts';
import { QuoteIndex } from '../lib/search/index.ts';
import { defaultIndexOptions, openLatestIndex, packIndex } from '../lib/search/snapshots.ts';
import { DynamoStore, ensureTable } from '../lib/store/dynamo.ts';
import type { SnapshotStore } from '../lib/store/port.ts';
import { S3SnapshotStore } from '../lib/store/s3-snapshots.ts';
import { localClient, startEmbeddedDynamo } from '../local/embedded.ts';
import { realQuotes } from './corpus.ts';

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
const options = defaultIndexOptions();
const index = new QuoteIndex(options);
let t0 = performance.now();
for (let i = 0, n = 0; n < N; i++) {
  const lines: string[] = [];
  for (let k = 0; k < PER_INTERVIEW && n < N; k++, n++) {
    const q = real.quotes[n % real.quotes.length]?.text.replace(/\s*\n\s*/g, ' ').trim() ?? '';
    lines.push(`${k % 2 === 0 ? '聞き手' : '話し手'}：${q}`);
  }
  const iv = parseInterview(`---\ntitle: 記事 ${i}\n---\n${lines.join('\n')}\n`, { id: `s3-bench-${i}` });
  index.upsertInterview(iv, new Map());
}
const buildMs = performance.now() - t0;
t0 = performance.now();
const packed = await packIndex(index);
const packMs = performance.now() - t0;
console.log(
  `index: ${index.stats.quotes} quotes in ${index.stats.interviews} interviews (built ${Math.round(buildMs)} ms), ` +
    `packed ${(packed.length / 1e6).toFixed(2)} MB gzip in ${Math.round(packMs)} ms`,
);

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
  await store.publishSnapshot(packed, index.stats);
  const publishMs = performance.now() - t;
  const loads: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    t = performance.now();
    const opened = await openLatestIndex(store, options);
    loads.push(performance.now() - t);
    if (opened.index.stats.quotes !== index.stats.quotes) throw new Error('loaded a different index');
  }
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
