/**
 * `npm run bench:jobs [-- --quotes N[,M…]] [--runs check]`: a rebuild job (POST /admin/reindex)
 * over a store of N real quotes, run the way the deployed indexer runs it: the job's steps travel
 * on a FIFO queue (in memory here, one message group, batches of 10) to `queueIndexer` (the
 * indexer Lambda's handler), which applies each step's pages to its index and publishes a
 * snapshot per step through the S3 snapshot store (s3rver on loopback, the manifest and the
 * interviews in embedded dynalite on its own thread, persisted to a temporary directory).
 *
 * The store holds real quotes from ../shared (livedoor interviews, ASDC dialogs, livedoor news
 * paragraphs: 101,880 distinct), 20 to an interview, tagged by the topic tagger; past that the
 * same interviews are copied under distinct ids (so texts repeat: say so with the numbers). The
 * rebuild starts from an empty published index (the worst case: a fresh build), with the Lambda
 * step budget (pages of 100 interviews, at most 20 pages or 60 s a step).
 *
 * Reports total time, steps, pages and pages per second (wall and per CPU second), the time spent
 * publishing, and memory (the main thread's heap + ArrayBuffers, sampled each 250 ms; RSS of the
 * whole process, which includes dynalite's thread). Timings are reported, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { queueIndexer } from '../lib/indexing.ts';
import { queueJobs } from '../lib/lambda.ts';
import type { Interview } from '../lib/model.ts';
import { parseInterview, withInterviewId } from '../lib/parse/index.ts';
import { PeopleService } from '../lib/people/service.ts';
import { DynamoStore, ensureTable } from '../lib/store/dynamo.ts';
import type { InterviewRecord } from '../lib/store/port.ts';
import { S3SnapshotStore, withSnapshotStore } from '../lib/store/s3-snapshots.ts';
import { TopicTagger } from '../lib/tagger.ts';
import { createTagging } from '../lib/tagging/deps.ts';
import { recordOf } from '../lib/tagging/record.ts';
import { StaticTaggers } from '../lib/tagging/source.ts';
import { startEmbeddedDynamo } from '../local/embedded.ts';
import { realQuotes } from './corpus.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const PER_INTERVIEW = 20;

const real = realQuotes();
if ('reason' in real) {
  console.log(`skipping: ${real.reason}`);
  process.exit(0);
}
const corpus = real.quotes;
const distinct = Math.floor(corpus.length / PER_INTERVIEW) * PER_INTERVIEW;
const sizes = (arg('quotes') ?? String(distinct)).split(',').map(Number);

/** The distinct interviews of real quotes, parsed and tagged once. */
function baseRecords(): InterviewRecord[] {
  const tagger = new TopicTagger();
  const out: InterviewRecord[] = [];
  for (let i = 0; i + PER_INTERVIEW <= corpus.length; i += PER_INTERVIEW) {
    const lines = corpus
      .slice(i, i + PER_INTERVIEW)
      .map((q, k) => `${k % 2 === 0 ? '聞き手' : '話し手'}：${q.text.replace(/\s*\n\s*/g, ' ').trim()}`);
    const iv = parseInterview(`---\ntitle: 記事 ${i / PER_INTERVIEW}\n---\n${lines.join('\n')}\n`, {
      id: `base-${i / PER_INTERVIEW}`,
    });
    out.push(recordOf(tagger, iv));
  }
  return out;
}

/** Copy `n` of the base records under its own id (texts and tags of base n mod |base|). */
function recordAt(base: readonly InterviewRecord[], n: number): InterviewRecord {
  const b = base[n % base.length] as InterviewRecord;
  const id = `iv-${n}`;
  const interview: Interview = withInterviewId(b.interview, id);
  const autoTags: InterviewRecord['autoTags'] = {};
  b.interview.turns.forEach((t, k) => {
    const to = interview.turns[k]?.id;
    if (to && b.autoTags[t.id]) autoTags[to] = b.autoTags[t.id] ?? [];
  });
  return { interview, autoTags, people: b.people };
}

function memory() {
  const m = process.memoryUsage();
  return { heap: (m.heapUsed + m.arrayBuffers) / 1e6, rss: m.rss / 1e6 };
}

async function run(quotes: number, base: readonly InterviewRecord[]) {
  const interviews = Math.floor(quotes / PER_INTERVIEW);
  const dir = mkdtempSync(join(tmpdir(), 'kk-bench-jobs-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3') });
  const { port } = (await s3rver.run()) as { port: number };
  const db = await startEmbeddedDynamo({ path: join(dir, 'dynalite'), log: () => {} });
  try {
    const dynamo = db.portClient();
    await ensureTable(dynamo, 'kikigaki-jobs');
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'snapshots' }));
    const store = withSnapshotStore(
      new DynamoStore({ tableName: 'kikigaki-jobs', client: dynamo }),
      new S3SnapshotStore({ s3, bucket: 'snapshots', dynamo, tableName: 'kikigaki-jobs' }),
    );

    // The store: N quotes, written as ingests write them (eight at a time).
    process.stderr.write(`jobs: writing ${interviews} interviews (${interviews * PER_INTERVIEW} quotes)…\n`);
    const w0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let n = next++; n < interviews; n = next++) {
          await store.putInterview(recordAt(base, n));
          if (n % 5000 === 4999) process.stderr.write(`  ${n + 1} interviews\n`);
        }
      }),
    );
    const writeS = (performance.now() - w0) / 1000;

    // The deployed path: the job's steps on a FIFO queue, delivered to the indexer's handler.
    const queue: Array<{ messageId: string; body: string }> = [];
    let ids = 0;
    const send = async (body: string) => void queue.push({ messageId: `m${++ids}`, body });
    const runner = queueJobs(store, send);
    const taggers = new StaticTaggers(new TopicTagger());
    const tagging = createTagging({ store, taggers, jobs: runner });
    const people = new PeopleService({ store, taggers, afterCommit: async () => {} });
    const publishes: number[] = [];
    const handler = queueIndexer({
      store,
      logger: (e) => {
        if (e.msg === 'job step')
          process.stderr.write(
            `  step ${e.step}: ${e.outcome} in ${e.ms} ms (heap ${memory().heap.toFixed(0)} MB)\n`,
          );
        if (e.level === 'error') process.stderr.write(`  ${JSON.stringify(e)}\n`);
      },
      metric: (name, _unit, value) => {
        if (name === 'SnapshotPublishMs') publishes.push(value);
      },
      jobs: { runner, tagging, people },
    });
    (globalThis as { gc?: () => void }).gc?.();
    const before = memory();
    let peak = before;
    const sampler = setInterval(() => {
      const m = memory();
      peak = { heap: Math.max(peak.heap, m.heap), rss: Math.max(peak.rss, m.rss) };
    }, 250);
    process.stderr.write('jobs: rebuild…\n');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const job = await runner.submit({ kind: 'rebuild' });
    while (queue.length > 0) {
      const batch = queue.splice(0, 10);
      const out = await handler({
        Records: batch.map((m) => ({ messageId: m.messageId, body: m.body }) as never),
      });
      if (out.batchItemFailures.length > 0)
        throw new Error(`failed: ${JSON.stringify(out.batchItemFailures)}`);
    }
    const totalS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    clearInterval(sampler);
    const done = await runner.get(job.id);
    if (done?.state !== 'done') throw new Error(`job ended ${done?.state}: ${done?.error}`);
    const publishS = publishes.reduce((a, b) => a + b, 0) / 1000;
    (globalThis as { gc?: () => void }).gc?.();
    const after = memory();
    return {
      quotes: interviews * PER_INTERVIEW,
      interviews,
      repeated: interviews * PER_INTERVIEW > distinct,
      writeS: Math.round(writeS),
      totalS: Number(totalS.toFixed(1)),
      cpuS: Number(cpuS.toFixed(1)),
      steps: done.step,
      pages: done.pages,
      pagesPerS: Number((done.pages / totalS).toFixed(2)),
      pagesPerCpuS: Number((done.pages / cpuS).toFixed(2)),
      publishes: publishes.length,
      publishS: Number(publishS.toFixed(1)),
      lastPublishS: Number(((publishes.at(-1) ?? 0) / 1000).toFixed(1)),
      indexed: done.result.indexed,
      heapBeforeMB: Math.round(before.heap),
      heapPeakMB: Math.round(peak.heap),
      heapAfterMB: Math.round(after.heap),
      rssPeakMB: Math.round(peak.rss),
    };
  } finally {
    await db.close();
    await s3rver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = baseRecords();
console.log(
  `${real.quotes.length} real quotes → ${base.length} distinct interviews of ${PER_INTERVIEW}; load average ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
for (const quotes of sizes) {
  const r = await run(quotes, base);
  console.log(JSON.stringify(r));
}
