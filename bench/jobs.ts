/**
 * `npm run bench:jobs [-- --quotes N[,M…]] [--jobs rebuild,repair,merge,undo] [--step-ms N]`: the background
 * jobs over a store of N real quotes (`--jobs` runs a subset, in this order: `--jobs merge,undo`
 * times a merge and its undo at 1M without re-timing the rebuild and repair; an undo needs its merge) —
 * a rebuild (POST /admin/reindex), a repair after 10 interviews were deleted behind the index's
 * back (POST /admin/consistency/repair), a merge of the most frequent mergeable topic into the
 * second and its undo — each run the way the deployed indexer runs it: the job's steps travel
 * on a FIFO queue (in memory here, one message group, batches of 10) to `queueIndexer` (the
 * indexer Lambda's handler), which applies each step's pages to its index and publishes a
 * snapshot per step through the S3 snapshot store (s3rver on loopback, the manifest and the
 * interviews in embedded dynalite on its own thread, persisted to a temporary directory).
 *
 * The store holds real quotes from ../shared (livedoor interviews, ASDC dialogs, livedoor news
 * paragraphs: 101,880 distinct), 20 to an interview, tagged by the topic tagger; past that the
 * same interviews are copied under distinct ids (so texts repeat: say so with the numbers). The
 * rebuild starts from an empty published index (the worst case: a fresh build; without it, as
 * with `--jobs merge,undo`, the indexer's index stays empty: a merge's steps refresh tag memberships
 * in the store and do not read it, but the heap then lacks the index's ~500 MB), with the Lambda
 * step budget (pages of 100 interviews, at most 20 pages or 60 s a step).
 *
 * Reports per job: the API call's ms (what the request does before answering), total wall and CPU
 * time, steps, invocations and pages, the longest step (against the indexer's 300 s), the time
 * spent publishing, memory (the main thread's heap + ArrayBuffers, sampled each 250 ms; RSS of
 * the whole process, which includes dynalite's thread) and the load. Each step's time is printed
 * as it ends (stderr), so a run stopped early still says what a step costs. Timings are
 * reported, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg as osLoad, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { queueIndexer } from '../lib/indexing.ts';
import { LAMBDA_BUDGET } from '../lib/jobs/steps.ts';
import { queueJobs } from '../lib/lambda.ts';
import type { Interview } from '../lib/model.ts';
import { parseInterview, withInterviewId } from '../lib/parse/index.ts';
import { PeopleService } from '../lib/people/service.ts';
import { snapshotTargets } from '../lib/search/snapshot-target.ts';
import { DynamoStore, ensureTable } from '../lib/store/dynamo.ts';
import type { InterviewRecord } from '../lib/store/port.ts';
import { S3SnapshotStore, withSnapshotStore } from '../lib/store/s3-snapshots.ts';
import { TopicTagger } from '../lib/tagger.ts';
import { createTagging } from '../lib/tagging/deps.ts';
import { merge, undoMerge } from '../lib/tagging/merges.ts';
import { recordOf } from '../lib/tagging/record.ts';
import { StaticTaggers } from '../lib/tagging/source.ts';
import { KEPT_TOPICS } from '../lib/tagging/topics.ts';
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
const KINDS = ['rebuild', 'repair', 'merge', 'undo'] as const;
const selected = new Set((arg('jobs') ?? KINDS.join(',')).split(',').map((k) => k.trim()));
for (const k of selected)
  if (!(KINDS as readonly string[]).includes(k)) {
    console.error(`--jobs: unknown job '${k}' (one or more of ${KINDS.join(',')})`);
    process.exit(2);
  }
if (selected.has('undo') && !selected.has('merge')) {
  console.error('--jobs: undo undoes the merge the bench makes: name merge too');
  process.exit(2);
}
const runs = (kind: (typeof KINDS)[number]) => selected.has(kind);
// `--step-ms N`: the Lambda step budget with N ms instead of 60 s (and a sixth of it kept free), so
// that a store small enough to write in minutes has phases longer than a step.
const stepMs = arg('step-ms');
if (stepMs !== undefined && !(Number(stepMs) > 0)) {
  console.error('--step-ms: a number of milliseconds');
  process.exit(2);
}
const stepBudget = stepMs
  ? { ...LAMBDA_BUDGET, ms: Number(stepMs), marginMs: Number(stepMs) / 6 }
  : undefined;

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

const loadavg = () =>
  osLoad()
    .map((x) => x.toFixed(1))
    .join(' ');

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
    // inlineInterviews 0: a merge of any size goes to a job (the API does so past 100 interviews).
    const tagging = createTagging({ store, taggers, jobs: runner, inlineInterviews: 0 });
    const people = new PeopleService({ store, taggers, afterCommit: async () => {} });
    let publishes: number[] = [];
    let stepMs: number[] = [];
    const handler = queueIndexer({
      store,
      targets: snapshotTargets(store),
      logger: (e) => {
        if (e.msg === 'job step') {
          stepMs.push(Number(e.ms));
          process.stderr.write(
            `  step ${e.step}: ${e.outcome} in ${e.ms} ms (heap ${memory().heap.toFixed(0)} MB)\n`,
          );
        }
        if (e.level === 'error') process.stderr.write(`  ${JSON.stringify(e)}\n`);
      },
      metric: (name, _unit, value) => {
        if (name === 'SnapshotPublishMs') publishes.push(value);
      },
      jobs: { runner, tagging, people, ...(stepBudget ? { budget: stepBudget } : {}) },
    });
    (globalThis as { gc?: () => void }).gc?.();
    const before = memory();
    let peak = before;
    const sampler = setInterval(() => {
      const m = memory();
      peak = { heap: Math.max(peak.heap, m.heap), rss: Math.max(peak.rss, m.rss) };
    }, 250);

    /**
     * Runs `start` (what the API call does: records the job, and for a merge its own reads and
     * writes, inside the API's 29 s) and then every step the queue delivers, ten messages to an
     * invocation as the event source mapping does; reports what it cost.
     */
    const timed = async (label: string, start: () => Promise<string>) => {
      process.stderr.write(`jobs: ${label}… (load ${loadavg()})\n`);
      publishes = [];
      stepMs = [];
      peak = memory();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const id = await start();
      const requestMs = performance.now() - t0;
      let invocations = 0;
      while (queue.length > 0) {
        const batch = queue.splice(0, 10);
        invocations++;
        const out = await handler({
          Records: batch.map((m) => ({ messageId: m.messageId, body: m.body }) as never),
        });
        if (out.batchItemFailures.length > 0)
          throw new Error(`failed: ${JSON.stringify(out.batchItemFailures)}`);
        // Where the job is after the invocation (a run stopped early still says how far it got).
        const at = await runner.get(id);
        if (at)
          process.stderr.write(
            `    ${at.state} ${at.phase}: ${at.done} done, ${at.pages} pages, ${JSON.stringify(at.result)} (load ${loadavg()})\n`,
          );
      }
      const totalS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      const done = await runner.get(id);
      if (done?.state !== 'done') throw new Error(`${label} ended ${done?.state}: ${done?.error}`);
      return {
        job: label,
        requestMs: Math.round(requestMs),
        totalS: Number(totalS.toFixed(1)),
        cpuS: Number(cpuS.toFixed(1)),
        steps: done.step,
        invocations,
        pages: done.pages,
        maxStepS: Number((Math.max(0, ...stepMs) / 1000).toFixed(1)),
        publishes: publishes.length,
        publishS: Number((publishes.reduce((a, b) => a + b, 0) / 1000).toFixed(1)),
        maxPublishS: Number((Math.max(0, ...publishes) / 1000).toFixed(1)),
        result: done.result,
        heapPeakMB: Math.round(peak.heap),
        rssPeakMB: Math.round(peak.rss),
        load: loadavg(),
      };
    };
    const jobs = [];

    // A fresh build: every interview read into an empty published index.
    if (runs('rebuild'))
      jobs.push(await timed('rebuild', async () => (await runner.submit({ kind: 'rebuild' })).id));

    // Repair over drift: interviews deleted from the store behind the index's back (no stream
    // here), which the sweep must find and remove; the compare pass reads every interview.
    if (runs('repair')) {
      const drift = Math.min(10, interviews);
      for (let n = 0; n < drift; n++) await store.deleteInterview(`iv-${n * 7}`);
      jobs.push(await timed('repair', async () => (await runner.submit({ kind: 'repair' })).id));
    }

    // A merge of the most frequent mergeable topic into the second (the most quotes a merge
    // can move), then its undo (which re-indexes everything under the target).
    const counts = new Map<string, number>();
    for (const r of base)
      for (const tags of Object.values(r.autoTags))
        for (const { topic } of tags) counts.set(topic, (counts.get(topic) ?? 0) + 1);
    const [from, into] = [...counts]
      .filter(([t]) => !KEPT_TOPICS.includes(t))
      .sort((a, b) => b[1] - a[1])
      .map(([t]) => t);
    if (!from || !into) throw new Error('no two mergeable topics in the corpus');
    let mergeId = '';
    // The tags' quote sets before the merge, after it and after the undo: a merge moves every quote of
    // `from` under `into` (their union), an undo gives each tag its own set back (`check` in the output).
    const tagSet = async (t: string) => new Set((await store.allQuotesWithTag(t)).map((q) => q.quoteId));
    const sets0 = runs('merge') ? [await tagSet(from), await tagSet(into)] : [];
    const setEq = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
    const check: Record<string, unknown> = {};
    if (sets0.length)
      process.stderr.write(`jobs: before merge ${from} ${sets0[0]?.size} ${into} ${sets0[1]?.size}\n`);
    // The quotes it moved are the job's `result.quotes` (the API call answers before counting).
    if (runs('merge'))
      jobs.push(
        await timed(`merge ${from} → ${into}`, async () => {
          const r = await merge(tagging, from, into, {}, 'bench');
          mergeId = r.id ?? '';
          if (!r.job) throw new Error(`merge ran inline (${r.interviews} interviews)`);
          return r.job.id;
        }),
      );
    if (runs('merge') && sets0.length) {
      const [a, b] = [await tagSet(from), await tagSet(into)];
      const union = new Set([...(sets0[0] ?? []), ...(sets0[1] ?? [])]);
      check.afterMerge = {
        from: a.size,
        into: b.size,
        union: union.size,
        ok: a.size === 0 && setEq(b, union),
      };
      process.stderr.write(`jobs: after merge ${JSON.stringify(check.afterMerge)}\n`);
    }
    if (runs('undo'))
      jobs.push(
        await timed('undo', async () => {
          const r = await undoMerge(tagging, mergeId, 'bench');
          if (!r.job) throw new Error(`undo ran inline (${r.interviews} interviews)`);
          return r.job.id;
        }),
      );
    if (runs('undo') && sets0.length) {
      const [a, b] = [await tagSet(from), await tagSet(into)];
      check.afterUndo = {
        from: a.size,
        into: b.size,
        ok: setEq(a, sets0[0] as Set<string>) && setEq(b, sets0[1] as Set<string>),
      };
      process.stderr.write(`jobs: after undo ${JSON.stringify(check.afterUndo)}\n`);
    }
    clearInterval(sampler);
    (globalThis as { gc?: () => void }).gc?.();
    const after = memory();
    return {
      quotes: interviews * PER_INTERVIEW,
      interviews,
      repeated: interviews * PER_INTERVIEW > distinct,
      writeS: Math.round(writeS),
      heapBeforeMB: Math.round(before.heap),
      heapAfterMB: Math.round(after.heap),
      jobs,
      check,
    };
  } finally {
    await db.close();
    await s3rver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = baseRecords();
console.log(
  `${real.quotes.length} real quotes → ${base.length} distinct interviews of ${PER_INTERVIEW}; load average ${loadavg()}`,
);
for (const quotes of sizes) {
  const r = await run(quotes, base);
  console.log(JSON.stringify(r));
}
