/**
 * `npm run bench:store [-- --quotes N] [--quick]`: the store path at scale, with real quotes.
 *
 * 1. Ingest throughput: transcripts (20 real quotes each, as `聞き手：`/`話し手：` text) go
 *    through the same code as POST /interviews — parse, tag, write, then the in-process indexer
 *    applies them — into the embedded server (dynalite) and into Amazon DynamoDB Local.
 * 2. Snapshot publish and load through the store with the index at N quotes.
 * 3. `/search` under concurrent load (autocannon, loopback) on the local server at N quotes;
 *    hits are rendered from the store, as in production.
 *
 * Prints a table and writes bench/results/store.{json,md}. Timings are reported, never asserted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { SnapshotIndexProvider } from '../lib/indexer.ts';
import { startDynamoLocal } from '../local/dynamo-local.ts';
import { localClient, startEmbeddedDynamo } from '../local/embedded.ts';
import { createLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { type BenchQuote, drawQueries, realQuotes, root } from './corpus.ts';

const QUOTES_PER_INTERVIEW = 20;

/** One transcript per 20 quotes: odd turns ask, even turns answer (the parser links them). */
function transcripts(quotes: BenchQuote[]): Array<{ id: string; text: string; quotes: number }> {
  const out: Array<{ id: string; text: string; quotes: number }> = [];
  for (let i = 0; i < quotes.length; i += QUOTES_PER_INTERVIEW) {
    const group = quotes.slice(i, i + QUOTES_PER_INTERVIEW);
    const lines = group.map(
      (q, k) => `${k % 2 === 0 ? '聞き手' : '話し手'}：${q.text.replace(/\s*\n\s*/g, ' ').trim()}`,
    );
    out.push({
      id: `store-bench-${i / QUOTES_PER_INTERVIEW}`,
      text: `---\ntitle: 記事 ${i / QUOTES_PER_INTERVIEW}\n---\n${lines.join('\n')}\n`,
      quotes: group.length,
    });
  }
  return out;
}

/** Ingests with a few requests in flight, as the CLI does; returns quotes/s and what failed. */
async function ingestAll(
  rt: LocalRuntime,
  items: Array<{ id: string; text: string; quotes: number }>,
  label: string,
  concurrency: number,
): Promise<{ seconds: number; quotes: number; quotesPerSecond: number; failed: number }> {
  let next = 0;
  let quotes = 0;
  let failed = 0;
  let lastReport = 0;
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
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, quotes, quotesPerSecond: quotes / seconds, failed };
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
  // Transcripts in flight while ingesting (`kikigaki ingest --concurrency 8` sends as many).
  const concurrency = Number(arg('--concurrency') ?? 8);
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

  const serverMs: number[] = [];
  // Embedded server (what npm start runs).
  const dir = mkdtempSync(join(tmpdir(), 'kk-store-bench-'));
  const embedded = await startEmbeddedDynamo({ path: join(dir, 'dynalite') });
  try {
    const rt = await createLocalRuntime({
      client: localClient(embedded.endpoint),
      tableName: 'kikigaki-bench',
      token: 'bench-token-0123456789',
      publishDelayMs: 2000,
      // The app's request log gives the time spent serving each search, apart from autocannon's.
      logger: (e) => {
        if (e.msg === 'request' && e.path === '/search' && typeof e.ms === 'number') serverMs.push(e.ms);
      },
      soleWriter: true,
    });
    process.stderr.write(`ingesting ${quotes.length} quotes into the embedded server…\n`);
    const ingest = await ingestAll(rt, items, 'dynalite', concurrency);
    rows.push([
      'ingest into the embedded server (dynalite)',
      `${Math.round(ingest.quotesPerSecond)} quotes/s`,
      `${ingest.quotes} quotes in ${ingest.seconds.toFixed(1)} s, ${concurrency} in flight, ${ingest.failed} failed; parse + tag + write + index`,
    ]);
    json.ingestDynalite = ingest;
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
    await rt.flush();
    // What `npm start` does on this data: load the snapshot, reconcile it with the store.
    const t0 = performance.now();
    const again = await createLocalRuntime({
      client: localClient(embedded.endpoint),
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
        `${ingest.quotes} quotes in ${ingest.seconds.toFixed(1)} s, ${concurrency} in flight, ${ingest.failed} failed`,
      ]);
      json.ingestDynamoLocal = ingest;
      await rt.flush();
    } finally {
      dl.stop();
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
