/**
 * `npm run bench:store [-- --quotes N] [--scale N,M] [--only ingest|ingest-embedded|scale] [--readings off] [--warmup N] [--quick]`: the store path
 * at scale, with real quotes.
 *
 * 1. Ingest throughput: transcripts (20 real quotes each, as `聞き手：`/`話し手：` text) go
 *    through the same code as POST /interviews — parse, tag, write, then the in-process indexer
 *    applies them — into the embedded server (dynalite, with kana readings as npm start;
 *    `--readings off` without) and into Amazon DynamoDB Local. Counted as stored and searchable:
 *    the clock stops when a search finds the last transcript.
 * 2. Snapshot publish and load through the store with the index at N quotes.
 * 3. `/search` under concurrent load (autocannon, loopback) on the local server at N quotes;
 *    hits are rendered from the store, as in production.
 *
 * 4. The index at 1M quotes (`--scale`): real quotes repeated with distinct ids, built in memory,
 *    published through the store, loaded back as the API does; memory, query latency, and the
 *    cost of one Streams batch at that size: before (the whole index folded and republished) and
 *    after tiered segments (the batch sealed into one part over the base, through the indexer's
 *    own publish and merge steps, on the S3 path and the table store), and the load of base +
 *    parts by a cold reader and by a warm reader's refresh.
 *
 * Prints a table and writes bench/results/store.{json,md}. Timings are reported, never asserted.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import S3rver from 's3rver';
import { QuoteIndex } from '../lib/search/index.ts';
import { snapshotIndexer } from '../lib/search/snapshot-target.ts';
import { packIndex, SnapshotIndexProvider } from '../lib/search/snapshots.ts';
import { DynamoStore, ensureTable } from '../lib/store/dynamo.ts';
import { S3SnapshotStore, withSnapshotStore } from '../lib/store/s3-snapshots.ts';
import { VariantDictionary } from '../lib/taxonomy/index.ts';
import { loadReadings } from '../lib/text/readings.ts';
import { startDynamoLocal } from '../local/dynamo-local.ts';
import { localClient, startEmbeddedDynamo } from '../local/embedded.ts';
import { createLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { type BenchQuote, drawQueries, realQuotes, root, shared } from './corpus.ts';
import { QUOTES_PER_INTERVIEW, scaleCorpus, transcripts } from './scale-corpus.ts';
import { fixedWorkMs, perUnit, threadCpu } from './threads.ts';

/**
 * Ingests with a few requests in flight, as the CLI does; returns quotes/s and what failed. The
 * clock stops when the last transcript is stored AND a search finds it (the in-process index
 * applies each write before the ingest answers; the search checks it, and fails the run if not).
 * CPU is the whole process's (every thread: API, parse worker, store, GC), per quote.
 */
async function ingestAll(
  rt: LocalRuntime,
  items: Array<{ id: string; text: string; quotes: number }>,
  label: string,
  concurrency: number,
): Promise<{
  seconds: number;
  quotes: number;
  quotesPerSecond: number;
  failed: number;
  cpuMsPerQuote: number;
  /** CPU ms per quote by thread group (bench/threads.ts). */
  threads: string;
  loadAverage: [number, number];
}> {
  let next = 0;
  let quotes = 0;
  let failed = 0;
  let lastReport = 0;
  const load0 = loadavg()[0] as number;
  const cpu0 = process.cpuUsage();
  const byThread = threadCpu();
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const item = items[next++];
      if (!item) return;
      try {
        const r = await rt.service.ingest({ text: item.text }, { id: item.id });
        quotes += r.quotes;
      } catch {
        failed++;
      }
      const now = performance.now();
      if (now - lastReport > 5000) {
        lastReport = now;
        process.stderr.write(
          `  ${label}: ${next}/${items.length} transcripts, ${Math.round(quotes / ((now - t0) / 1000))} quotes/s\n`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await searchable(rt, items[items.length - 1]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const threads = perUnit(byThread(), Math.max(1, quotes));
  return {
    seconds,
    quotes,
    quotesPerSecond: quotes / seconds,
    failed,
    cpuMsPerQuote: (cpu.user + cpu.system) / 1000 / Math.max(1, quotes),
    threads,
    loadAverage: [load0, loadavg()[0] as number],
  };
}

/** Throws unless a search finds the transcript (by its longest quote's opening words). */
async function searchable(rt: LocalRuntime, item: { id: string; text: string } | undefined): Promise<void> {
  if (!item) return;
  const turns = item.text
    .split('\n')
    .filter((l) => /^(聞き手|話し手)：/.test(l))
    .map((l) => l.slice(4));
  const longest = turns.reduce((a, b) => (b.length > a.length ? b : a), '');
  const q = longest.slice(0, 30);
  const page = await rt.service.search(rt.indexer.index, { q, limit: 100 });
  if (!page.hits.some((h) => h.interviewId === item.id))
    throw new Error(`the last transcript (${item.id}) is stored but a search for "${q}" does not find it`);
}

/** Publishes the runtime's index as a snapshot, then loads it back as the API Lambda does. */
async function publishAndLoad(
  rt: LocalRuntime,
): Promise<{ publishMs: number; loadMs: number; gzipMB: number }> {
  await rt.flush();
  const t0 = performance.now();
  const manifest = await rt.indexer.publish();
  const publishMs = performance.now() - t0;
  const reader = new SnapshotIndexProvider(rt.store, { refreshMs: 0 });
  const t1 = performance.now();
  const index = await reader.get();
  const loadMs = performance.now() - t1;
  if (index.stats.quotes !== rt.indexer.index.stats.quotes) throw new Error('loaded snapshot differs');
  return { publishMs, loadMs, gzipMB: manifest.bytes / 1e6 };
}

async function searchLoad(
  rt: LocalRuntime,
  queries: string[],
  seconds: number,
): Promise<{ requests: number; rps: number; p50: number; p99: number; errors: number }> {
  const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as { port: number };
  let n = 0;
  try {
    const r = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 8,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            method: 'GET',
            path: `/search?q=${encodeURIComponent(queries[n++ % queries.length] as string)}&limit=10`,
          }),
        },
      ],
    });
    return {
      requests: r.requests.total,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
    };
  } finally {
    server.close();
  }
}

/**
 * Pages of `GET /interviewees?limit=100` in turn (following the cursor, starting over at the
 * end), over the bench's transcripts (whose answerers are unnamed) plus the livedoor interviews
 * of ../shared, whose interviewees are named: the profiles of a page read the interviews of its
 * people, so the cost follows the page, not the number of interviews indexed.
 */
async function intervieweePages(
  rt: LocalRuntime,
  pages: number,
): Promise<{ pages: number; people: number; p50: number; cpuMs: number; loadAverage: number }> {
  const dir = join(shared, 'corpora', 'livedoor-interviews');
  const files = existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
        // The interviews (peachy/peachy-5755467.txt), not the licence and readme files.
        (f) => /\/[^/]*\d\.txt$/.test(f),
      )
    : [];
  for (const f of files) {
    const res = await rt.app.request(`/interviews?id=${basename(f, '.txt')}`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-token-0123456789', 'content-type': 'text/plain' },
      body: readFileSync(join(dir, f)),
    });
    if (res.status >= 300) throw new Error(`ingesting ${f} answered ${res.status}`);
  }
  await rt.flush();
  const wall: number[] = [];
  let cursor: string | null = null;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < pages; i++) {
    const t0 = performance.now();
    const res = await rt.app.request(
      `/interviewees?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const body = (await res.json()) as { nextCursor: string | null };
    wall.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET /interviewees answered ${res.status}`);
    cursor = body.nextCursor;
  }
  const cpu = process.cpuUsage(cpu0);
  wall.sort((a, b) => a - b);
  return {
    pages,
    people: rt.indexer.index.intervieweeIds().length,
    p50: percentile(wall, 50),
    cpuMs: (cpu.user + cpu.system) / 1000 / pages,
    loadAverage: loadavg()[0] ?? 0,
  };
}

/** Heap + ArrayBuffers after a full collection (needs --expose-gc, which `npm run bench:store` passes). */
function memoryMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * The index at scale, through the store: real quotes, 20 to an interview, tagged once; copies of
 * them with distinct interview and quote ids up to `target` quotes (so texts repeat, which makes
 * postings longer than distinct texts would). Builds the index in memory (the indexer's work,
 * without the per-interview store writes that `ingest` measures), then publishes it through the
 * embedded store, loads it back as the API does, and measures memory, query latency and what one
 * Streams batch of 100 interviews costs to apply and publish at that size.
 */
async function scaleRun(
  target: number,
  base: readonly BenchQuote[],
  queries: readonly string[],
  rows: Array<[string, string, string]>,
): Promise<Record<string, unknown>> {
  const dict = new VariantDictionary();
  const indexOptions = { variants: (f: string) => dict.variantsOf(f), retain: false };
  const { distinct, interviewAt } = scaleCorpus(base);
  const count = Math.floor(target / QUOTES_PER_INTERVIEW);
  process.stderr.write(
    `scale: building the index at ${count * QUOTES_PER_INTERVIEW} quotes (${distinct} distinct interviews repeated)…\n`,
  );
  const mem0 = memoryMB();
  let index: QuoteIndex | null = new QuoteIndex(indexOptions);
  const t0 = performance.now();
  for (let n = 0; n < count; n++) {
    const { interview, tags } = interviewAt(n);
    index.upsertInterview(interview, tags);
    if (n % 5000 === 4999) process.stderr.write(`  ${(n + 1) * QUOTES_PER_INTERVIEW} quotes\n`);
  }
  const buildS = (performance.now() - t0) / 1000;
  const quotes = index.stats.quotes;
  const at = `${quotes} quotes`;

  const dir = mkdtempSync(join(tmpdir(), 'kk-scale-'));
  const embedded = await startEmbeddedDynamo({ path: join(dir, 'dynalite') });
  try {
    const client = embedded.portClient();
    await ensureTable(client, 'kikigaki-scale');
    const store = new DynamoStore({ tableName: 'kikigaki-scale', client });
    process.stderr.write('scale: publishing through the store…\n');
    const p0 = performance.now();
    const bytes = await packIndex(index);
    const packMs = performance.now() - p0;
    const manifest = await store.publishSnapshot(bytes, index.stats);
    const publishMs = performance.now() - p0;
    rows.push([
      `scale: snapshot publish through the store`,
      `${(publishMs / 1000).toFixed(1)} s`,
      `${at}: fold + pack + gzip ${(packMs / 1000).toFixed(1)} s, then ${manifest.chunks} chunk items (${(manifest.bytes / 1e6).toFixed(1)} MB gzip); index built in ${buildS.toFixed(0)} s`,
    ]);
    index = null;
    process.stderr.write('scale: loading through the store…\n');
    const memBefore = memoryMB();
    const provider = new SnapshotIndexProvider(store, { refreshMs: 60_000, indexOptions });
    const l0 = performance.now();
    const loaded = await provider.get();
    const loadMs = performance.now() - l0;
    const memLoaded = memoryMB() - memBefore;
    rows.push([
      'scale: snapshot load through the store',
      `${(loadMs / 1000).toFixed(2)} s`,
      `${at}: manifest, ${manifest.chunks} chunk reads, gunzip, unpack (what a cold API Lambda does)`,
    ]);
    rows.push([
      'scale: memory of the loaded index',
      `${Math.round(memLoaded)} MB`,
      `${at}: heap + ArrayBuffers after GC, index only (process RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB; heap before the build ${Math.round(mem0)} MB)`,
    ]);
    process.stderr.write('scale: the S3 path…\n');
    // The same snapshot through the S3 path (the Lambda deployment): one object on a local
    // S3-protocol server (s3rver), the manifest in the table.
    const s3dir = mkdtempSync(join(tmpdir(), 'kk-scale-s3-'));
    const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port: s3port } = (await s3rver.run()) as { port: number };
    try {
      const s3client = new S3Client({
        endpoint: `http://127.0.0.1:${s3port}`,
        region: 'eu-west-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      await s3client.send(new CreateBucketCommand({ Bucket: 'scale' }));
      await ensureTable(client, 'kikigaki-scale-s3');
      const s3store = new S3SnapshotStore({
        s3: s3client,
        bucket: 'scale',
        dynamo: client,
        tableName: 'kikigaki-scale-s3',
      });
      const q0 = performance.now();
      const s3manifest = await s3store.publishSnapshot(bytes, loaded.stats);
      const s3PublishMs = performance.now() - q0;
      const q1 = performance.now();
      const fromS3 = await new SnapshotIndexProvider(s3store, { refreshMs: 60_000, indexOptions }).get();
      const s3LoadMs = performance.now() - q1;
      if (fromS3.stats.quotes !== loaded.stats.quotes) throw new Error('the S3 snapshot differs');
      rows.push([
        'scale: snapshot through S3 (publish / load)',
        `${(s3PublishMs / 1000).toFixed(2)} s / ${(s3LoadMs / 1000).toFixed(2)} s`,
        `${at}: one ${(bytes.length / 1e6).toFixed(1)} MB object on s3rver (loopback) + the manifest item; load = manifest, one GET, gunzip, unpack`,
      ]);
      process.stderr.write('scale: querying…\n');
      // Queries: the index's own time (hits rendered from in-memory copies of the interviews).
      const docs = (id: string) => interviewAt(Number(id.slice('scale-'.length))).interview;
      const times: number[] = [];
      for (let pass = 0; pass < 3; pass++) {
        for (const q of queries) {
          const s0 = performance.now();
          loaded.search({ q, limit: 10 }, docs);
          times.push(performance.now() - s0);
        }
      }
      times.sort((a, b) => a - b);
      rows.push([
        'scale: query latency in the index',
        `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`,
        `${at}: ${times.length} searches (${queries.length} drawn queries × 3), limit 10, hits rendered`,
      ]);

      process.stderr.write('scale: a batch published in full (before tiered segments)…\n');
      // Before: one Streams batch of 100 new interviews applied, then the whole index folded,
      // packed, gzipped and written (what every batch cost before parts).
      const batch = (from: number) =>
        Array.from({ length: 100 }, (_, k) => {
          const { interview, tags } = interviewAt(from + k);
          return { interview, quoteTags: Object.fromEntries(tags) };
        });
      const b0 = performance.now();
      for (const { interview, quoteTags } of batch(count))
        loaded.upsertInterview(interview, new Map(Object.entries(quoteTags)));
      const applyMs = performance.now() - b0;
      const fullBytes = await packIndex(loaded);
      const fullPackMs = performance.now() - b0 - applyMs;
      const w0 = performance.now();
      const full = await store.publishSnapshot(fullBytes, loaded.stats, manifest.snapshotId);
      const fullTableWriteMs = performance.now() - w0;
      const w1 = performance.now();
      // (under its own manifest: the parts below continue from the snapshot fromS3 was loaded from)
      await ensureTable(client, 'kikigaki-scale-s3-full');
      await new S3SnapshotStore({
        s3: s3client,
        bucket: 'scale',
        dynamo: client,
        tableName: 'kikigaki-scale-s3-full',
      }).publishSnapshot(fullBytes, loaded.stats);
      const fullS3WriteMs = performance.now() - w1;
      const batchMs = applyMs + fullPackMs + fullTableWriteMs;
      rows.push([
        'scale: before: a batch of 100 interviews applied and published in full',
        `${(batchMs / 1000).toFixed(1)} s`,
        `${at} + 2,000: apply ${Math.round(applyMs)} ms, fold + pack + gzip ${Math.round(fullPackMs)} ms, write ${Math.round(fullTableWriteMs)} ms (table chunks) / ${Math.round(fullS3WriteMs)} ms (S3), ${(fullBytes.length / 1e6).toFixed(1)} MB`,
      ]);

      process.stderr.write('scale: batches published as parts (after)…\n');
      // After: the same batch through the indexer (Indexer.applyCommitted + publish, the code the
      // Lambda runs) over the S3 snapshot it loaded: one new segment, the manifest switched. Then
      // more batches, each followed by the one background merge step the Lambda takes.
      const s3Indexer = snapshotIndexer(withSnapshotStore(store, s3store), indexOptions, {
        index: fromS3,
        manifest: s3manifest,
      });
      const reader = new SnapshotIndexProvider(s3store, { refreshMs: 0, indexOptions });
      await reader.get();
      const partRuns: Array<{
        applyMs: number;
        publishMs: number;
        partBytes: number;
        parts: number;
        mergeMs?: number;
        merged?: string;
      }> = [];
      const BATCHES = 10;
      for (let b = 0; b < BATCHES; b++) {
        const a0 = performance.now();
        for (const { interview, quoteTags } of batch(count + b * 100))
          await s3Indexer.applyCommitted(interview, quoteTags, 1);
        const a1 = performance.now();
        const m = await s3Indexer.publish();
        const a2 = performance.now();
        const step = await s3Indexer.compact();
        const a3 = performance.now();
        const parts = m.parts ?? [];
        partRuns.push({
          applyMs: a1 - a0,
          publishMs: a2 - a1,
          partBytes: parts[parts.length - 1]?.bytes ?? 0,
          parts: parts.length,
          ...(step
            ? {
                mergeMs: a3 - a2,
                merged: `[${step.from}, ${step.to}) ${step.live} docs → ${step.published.parts?.length} parts`,
              }
            : {}),
        });
        process.stderr.write(
          `  batch ${b + 1}: publish ${Math.round(a2 - a1)} ms${step ? `, merge ${Math.round(a3 - a2)} ms` : ''}\n`,
        );
      }
      const first = partRuns[0] as (typeof partRuns)[number];
      const publishes = partRuns.map((r) => r.publishMs).sort((x, y) => x - y);
      const merges = partRuns.filter((r) => r.mergeMs !== undefined);
      rows.push([
        'scale: after: the same batch applied and published as a part',
        `${(first.applyMs / 1000 + first.publishMs / 1000).toFixed(2)} s`,
        `${at} + 2,000: apply ${Math.round(first.applyMs)} ms, seal + gzip + S3 PUT + manifest switch ${Math.round(first.publishMs)} ms, part ${(first.partBytes / 1e3).toFixed(0)} KB`,
      ]);
      rows.push([
        `scale: after: publish of ${BATCHES} batches as parts`,
        `median ${Math.round(percentile(publishes, 50))} ms, max ${Math.round(publishes[publishes.length - 1] ?? 0)} ms`,
        `${at} + ${BATCHES * 2000} quotes, S3 path; ${merges.length} background merge(s): ${merges.map((r) => `${Math.round(r.mergeMs ?? 0)} ms ${r.merged}`).join('; ') || 'none'}`,
      ]);
      // Readers: a cold start opening base + parts, and a warm reader's refresh (new parts only).
      const r0 = performance.now();
      const warm = await reader.get();
      const refreshMs = performance.now() - r0;
      const cold = new SnapshotIndexProvider(s3store, { refreshMs: 60_000, indexOptions });
      const c0 = performance.now();
      const coldIndex = await cold.get();
      const coldMs = performance.now() - c0;
      const nParts = (await s3store.readManifest())?.parts?.length ?? 0;
      for (const idx of [warm, coldIndex])
        if (idx.stats.quotes !== s3Indexer.index.stats.quotes)
          throw new Error('a reader of the parts differs from the writer');
      for (const q of queries.slice(0, 20))
        if (coldIndex.search({ q, limit: 10 }).total !== s3Indexer.index.search({ q, limit: 10 }).total)
          throw new Error(`a reader of the parts answers ${q} differently`);
      rows.push([
        'scale: after: load of base + parts (cold / warm refresh)',
        `${(coldMs / 1000).toFixed(2)} s / ${(refreshMs / 1000).toFixed(2)} s`,
        `${coldIndex.stats.quotes} quotes in ${nParts} parts through S3: cold = manifest, parallel GETs, gunzip, place in order; refresh = the new parts only, the base from the reader's cache`,
      ]);
      // The table store's path (local npm start, the fallback): the same kind of batch as a part.
      const tableIndexer = snapshotIndexer(store, indexOptions, { index: loaded, manifest: full });
      const t0b = performance.now();
      for (const { interview, quoteTags } of batch(count + 100))
        await tableIndexer.applyCommitted(interview, quoteTags, 1);
      const t1b = performance.now();
      const tm = await tableIndexer.publish(full.snapshotId);
      const tablePartMs = performance.now() - t1b;
      rows.push([
        'scale: after: a batch published as a part through the table store',
        `${Math.round(tablePartMs)} ms`,
        `apply ${Math.round(t1b - t0b)} ms; ${tm.parts?.length} parts, the new one ${(((tm.parts ?? []).at(-1)?.bytes ?? 0) / 1e3).toFixed(0)} KB in ${Math.ceil(((tm.parts ?? []).at(-1)?.bytes ?? 0) / 350_000)} chunk item(s)`,
      ]);
      return {
        quotes,
        distinctInterviews: distinct,
        buildS,
        packMs,
        publishMs,
        chunks: manifest.chunks,
        gzipMB: manifest.bytes / 1e6,
        loadMs,
        memoryMB: memLoaded,
        rssMB: process.memoryUsage().rss / 1e6,
        queryP50: percentile(times, 50),
        queryP95: percentile(times, 95),
        queryP99: percentile(times, 99),
        s3PublishMs,
        s3LoadMs,
        batchApplyMs: applyMs,
        batchPublishMs: batchMs,
        before: { applyMs, fullPackMs, fullTableWriteMs, fullS3WriteMs, fullMB: fullBytes.length / 1e6 },
        after: {
          batches: partRuns,
          publishMedianMs: percentile(publishes, 50),
          publishMaxMs: publishes[publishes.length - 1],
          coldLoadMs: coldMs,
          refreshMs,
          parts: nParts,
          tablePartPublishMs: tablePartMs,
        },
      };
    } finally {
      await s3rver.close();
      rmSync(s3dir, { recursive: true, force: true });
    }
  } finally {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const quick = process.argv.includes('--quick');
  const target = Number(arg('--quotes') ?? (quick ? 2_000 : 100_000));
  const localTarget = Number(arg('--local-quotes') ?? (quick ? 1_000 : 10_000));
  const outDir = arg('--out') ?? join(root, 'bench', 'results');
  const seconds = Number(arg('--seconds') ?? (quick ? 3 : 20));
  // The index at scale through the store (`--scale 100000,1000000`; `--only scale` skips the rest).
  const scaleSizes = (arg('--scale') ?? (quick ? '20000' : '1000000')).split(',').filter(Boolean).map(Number);
  // Transcripts in flight while ingesting (`kikigaki ingest --concurrency 8` sends as many).
  const concurrency = Number(arg('--concurrency') ?? 8);
  const withReadings = arg('--readings') !== 'off';
  // Transcripts ingested before the embedded server's clock starts (`--warmup 0`: none).
  const warmup = Number(arg('--warmup') ?? 16);
  const real = realQuotes();
  if ('reason' in real) {
    console.log(`skipping the store benchmark: ${real.reason}`);
    return;
  }
  const quotes = real.quotes.slice(0, target);
  const items = transcripts(quotes);
  const queries = drawQueries(quotes, 60).map((q) => q.q);
  const rows: Array<[string, string, string]> = [];
  const json: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, quick };

  const ingestRuns = async () => {
    const serverMs: number[] = [];
    // Embedded server (what npm start runs).
    const dir = mkdtempSync(join(tmpdir(), 'kk-store-bench-'));
    const embedded = await startEmbeddedDynamo({ path: join(dir, 'dynalite') });
    try {
      const rt = await createLocalRuntime({
        client: embedded.portClient(),
        // As npm start: item requests over the port without the SDK's client (lib/store/direct.ts).
        direct: embedded.portTransport(),
        tableName: 'kikigaki-bench',
        token: 'bench-token-0123456789',
        publishDelayMs: 2000,
        // As npm start: kana readings indexed with every write (`--readings off` to compare with
        // runs before 2026-12-02, which indexed without them).
        ...(withReadings ? { readings: await loadReadings() } : {}),
        // The app's request log gives the time spent serving each search, apart from autocannon's.
        logger: (e) => {
          if (e.msg === 'request' && e.path === '/search' && typeof e.ms === 'number') serverMs.push(e.ms);
        },
        soleWriter: true,
      });
      // Warm-up outside the clock (the parse worker loads its code and builds its tagger on
      // the first job, ~5 s of a 6k-quote run): copies of the first transcripts under other ids.
      const warm = items.slice(0, warmup).map((it) => ({ ...it, id: `${it.id}-warmup` }));
      if (warm.length > 0) await ingestAll(rt, warm, 'warm-up', concurrency);
      process.stderr.write(`ingesting ${quotes.length} quotes into the embedded server…\n`);
      // The window in CLOCK_MONOTONIC µs, the clock of --cpu-prof's timestamps (to cut a profile to it).
      const mark = (what: string) =>
        process.stderr.write(`${what} at ${process.hrtime.bigint() / 1000n} µs\n`);
      // The machine's speed just before and after the window (outside it): fixed work's CPU.
      const calibration = real.quotes.slice(0, 6000).map((q) => q.text);
      const machineBefore = fixedWorkMs(calibration);
      mark('ingest start');
      const ingest = await ingestAll(rt, items, 'dynalite', concurrency);
      mark('ingest end');
      const machineAfter = fixedWorkMs(calibration);
      rows.push([
        'ingest into the embedded server (dynalite), stored and searchable',
        `${Math.round(ingest.quotesPerSecond)} quotes/s`,
        `${ingest.quotes} quotes in ${ingest.seconds.toFixed(1)} s, ${concurrency} in flight, ${ingest.failed} failed${warm.length > 0 ? ` (after ${warm.length} transcripts of warm-up)` : ''}; parse + tag + write + index${withReadings ? ' (with kana readings, as npm start)' : ' (without kana readings)'}, the clock stopped when search found the last one; ${ingest.cpuMsPerQuote.toFixed(2)} ms CPU per quote across all threads (${ingest.threads}); load average ${ingest.loadAverage.map((l) => l.toFixed(1)).join(' → ')}; fixed work ${machineBefore.toFixed(0)} / ${machineAfter.toFixed(0)} ms CPU before / after (the machine's speed: bench/threads.ts)`,
      ]);
      json.ingestDynalite = { ...ingest, fixedWorkMs: [machineBefore, machineAfter] };
      // `--only ingest-embedded`: this row alone (A/B runs of the ingest path).
      if (arg('--only') === 'ingest-embedded') {
        await rt.close();
        return;
      }
      process.stderr.write('publishing and loading the snapshot…\n');
      const snap = await publishAndLoad(rt);
      const at = `${rt.indexer.index.stats.quotes} quotes`;
      rows.push([
        'snapshot publish through the store',
        `${Math.round(snap.publishMs)} ms`,
        `${at}, ${snap.gzipMB.toFixed(2)} MB gzip`,
      ]);
      rows.push([
        'snapshot load through the store',
        `${Math.round(snap.loadMs)} ms`,
        `${at}: manifest, chunks, gunzip, unpack`,
      ]);
      json.snapshot = { ...snap, quotes: rt.indexer.index.stats.quotes };
      process.stderr.write(`searching under load for ${seconds} s…\n`);
      serverMs.length = 0;
      const load = await searchLoad(rt, queries, seconds);
      const served = [...serverMs].sort((a, b) => a - b);
      const pct = (p: number) =>
        served[Math.min(served.length - 1, Math.floor((served.length * p) / 100))] ?? 0;
      rows.push([
        'GET /search under load (8 connections)',
        `${Math.round(load.rps)} req/s, p99 ${load.p99} ms`,
        `${at}, p50 ${load.p50} ms, ${load.requests} requests, ${load.errors} errors; hits rendered from the store; autocannon shares the process`,
      ]);
      rows.push([
        'GET /search time inside the server',
        `p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
        'from the request log: index query, store reads for uncached interviews, rendering',
      ]);
      json.searchLoad = { ...load, serverP50: pct(50), serverP99: pct(99) };
      const pages = await intervieweePages(rt, 20);
      rows.push([
        'GET /interviewees?limit=100, one page after another',
        `p50 ${pages.p50.toFixed(0)} ms, ${pages.cpuMs.toFixed(0)} ms CPU per page`,
        `${at}, ${pages.people} interviewees; ${pages.pages} pages in turn; CPU of both threads (the store's too); load average ${pages.loadAverage.toFixed(1)}`,
      ]);
      json.intervieweePages = pages;
      await rt.close();
      // What `npm start` does on this data: load the snapshot, reconcile it with the store.
      const t0 = performance.now();
      const again = await createLocalRuntime({
        client: embedded.portClient(),
        tableName: 'kikigaki-bench',
        token: 'bench-token-0123456789',
        logger: () => {},
        soleWriter: true,
      });
      const startMs = performance.now() - t0;
      rows.push([
        'local server start',
        `${(startMs / 1000).toFixed(1)} s`,
        `${again.indexer.index.stats.quotes} quotes: snapshot load + consistency check against every interview`,
      ]);
      json.startMs = startMs;
      await again.close();
    } finally {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    }

    // Amazon DynamoDB Local (the real DynamoDB engine, over HTTP to a JVM).
    const dl = await startDynamoLocal();
    if ('reason' in dl) {
      console.log(`skipping DynamoDB Local: ${dl.reason}`);
    } else {
      try {
        const rt = await createLocalRuntime({
          client: localClient(dl.endpoint),
          tableName: 'kikigaki-bench',
          token: 'bench-token-0123456789',
          logger: () => {},
        });
        const subset = transcripts(quotes.slice(0, localTarget));
        process.stderr.write(`ingesting ${localTarget} quotes into DynamoDB Local…\n`);
        const ingest = await ingestAll(rt, subset, 'DynamoDB Local', concurrency);
        rows.push([
          'ingest into DynamoDB Local',
          `${Math.round(ingest.quotesPerSecond)} quotes/s`,
          `${ingest.quotes} quotes in ${ingest.seconds.toFixed(1)} s, ${concurrency} in flight, ${ingest.failed} failed (without kana readings); ${ingest.cpuMsPerQuote.toFixed(2)} ms CPU per quote in this process (the JVM's apart)`,
        ]);
        json.ingestDynamoLocal = ingest;
        await rt.close();
      } finally {
        dl.stop();
      }
    }
  };
  const only = arg('--only');
  if (only !== 'scale') await ingestRuns();
  if (only !== 'ingest' && only !== 'ingest-embedded') {
    for (const size of scaleSizes) {
      const base = real.quotes.slice(0, Math.min(real.quotes.length, size));
      json[`scale${size}`] = await scaleRun(
        size,
        base,
        drawQueries(base.slice(0, 100_000), 100).map((q) => q.q),
        rows,
      );
    }
  }

  const md = [
    '| measure | result | detail |',
    '| --- | ---: | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  console.log(`\n${md}\n`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'store.json'), `${JSON.stringify({ ...json, rows }, null, 2)}\n`);
  writeFileSync(join(outDir, 'store.md'), `${md}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
