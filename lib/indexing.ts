import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { jsonLogger, type Logger } from './api/app.ts';
import { ConflictError } from './errors.ts';
import { failed, type JobStepMessage, parseQueueMessage, type Work, workOf } from './index-queue.ts';
import { Indexer } from './indexer.ts';
import type { JobRunner } from './jobs/runner.ts';
import {
  advance,
  type IndexSession,
  LAMBDA_BUDGET,
  type StepBudget,
  type StepContext,
} from './jobs/steps.ts';
import type { SearchTargets } from './search/backend.ts';
import type { Store } from './store/port.ts';
import type { Tagging } from './tagging/deps.ts';

export {
  INDEX_MESSAGE_GROUP,
  type IndexMessage,
  parseIndexMessage,
  type StreamTarget,
  streamForwarder,
  targetOf,
  type Work,
} from './index-queue.ts';

/** A numeric metric (EMF through Powertools on Lambda; nothing in tests unless given). */
export type MetricSink = (name: string, unit: 'Milliseconds' | 'Count' | 'Bytes', value: number) => void;

/** Dependencies of the stream handler. */
export interface StreamHandlerDeps {
  store: Store;
  logger?: Logger;
  /** Publish and merge time, conflicts (SnapshotPublishMs, SnapshotMergeMs, SnapshotPublishConflicts). */
  metric?: MetricSink;
  /**
   * Where the index written comes from and how it is published: the packed engine's snapshots
   * (snapshotTargets in lib/search/snapshot-target.ts, with the readings it indexes) or another
   * backend's. This module knows only the port.
   */
  targets: SearchTargets;
}

/** The index of a worker, kept between invocations and synced to the latest snapshot. */
interface IndexWorker {
  /** Applies index work and publishes once; returns the ids (seq) of the items that failed. */
  index(work: readonly Work[], items: number): Promise<Set<string>>;
  /**
   * Runs `task` on the latest index; its commit publishes over the snapshot it started from. A
   * conflict (someone published meanwhile) reloads and runs the task again.
   */
  withIndex<T>(task: (session: IndexSession) => Promise<T>): Promise<T>;
}

function indexWorker(deps: StreamHandlerDeps): IndexWorker {
  const log = deps.logger ?? jsonLogger;
  let indexer: Indexer | null = null;

  const syncToLatest = async (): Promise<Indexer> => {
    const latest = await deps.targets.latest();
    if (indexer && (latest?.snapshotId ?? null) === indexer.snapshotId) return indexer;
    const opened = await deps.targets.open(latest);
    indexer = new Indexer(deps.store, opened.target);
    log({
      level: 'info',
      msg: 'indexer loaded snapshot',
      snapshotId: latest?.snapshotId ?? null,
      bytes: opened.bytes,
      ms: Math.round(opened.ms),
    });
    return indexer;
  };

  const publish = async (current: Indexer, base: string | null, rebuild: boolean) => {
    const t0 = performance.now();
    try {
      return rebuild ? await current.rebuild(undefined, base) : await current.publish(base);
    } finally {
      deps.metric?.('SnapshotPublishMs', 'Milliseconds', performance.now() - t0);
    }
  };

  /**
   * Background merging, after a publish: at most one merge per invocation (the size-tiered
   * policy keeps the number of parts logarithmic in the index). A failed merge costs nothing
   * but the work: the published snapshot stands, and the index is reloaded next time.
   */
  const compactOnce = async (current: Indexer) => {
    const t0 = performance.now();
    try {
      const step = await current.compact();
      if (!step) return;
      const ms = performance.now() - t0;
      deps.metric?.('SnapshotMergeMs', 'Milliseconds', ms);
      log({
        level: 'info',
        msg: 'snapshot parts merged',
        snapshotId: step.published.snapshotId,
        from: step.from,
        to: step.to,
        docs: step.docs,
        live: step.live,
        parts: step.published.parts?.length ?? 1,
        ms: Math.round(ms),
      });
    } catch (e) {
      if (e instanceof ConflictError) deps.metric?.('SnapshotPublishConflicts', 'Count', 1);
      log({ level: 'warn', msg: 'snapshot merge failed', error: String(e) });
      indexer = null;
    }
  };

  /**
   * The indexing step: applies each interview named by the work to the index (idempotent: it
   * reads the current state, so redelivered or out-of-order records converge), publishes one
   * snapshot over the one it loaded (conditionally: a conflict reloads and applies again), and
   * reports what failed so one poison item neither blocks nor loses the others.
   */
  const index = async (work: readonly Work[], items: number): Promise<Set<string>> => {
    const failures = new Set<string>();
    if (work.length === 0) return failures;

    for (let attempt = 0; ; attempt++) {
      const current = await syncToLatest();
      const base = current.snapshotId;
      const failedNow = new Set<string>();
      const rebuild = work.some((w) => w.target.kind === 'all');
      // One apply per interview, whatever the number of records (a tag edit yields two); a
      // rebuild covers them all.
      const seen = new Set<string>();
      for (const w of rebuild ? [] : work) {
        if (w.target.kind !== 'interview' || seen.has(w.target.id)) continue;
        seen.add(w.target.id);
        try {
          await current.apply(w.target.id);
        } catch (e) {
          log({
            level: 'error',
            msg: 'could not apply interview',
            seq: w.seq,
            id: w.target.id,
            error: String(e),
          });
          failedNow.add(w.seq);
        }
      }
      try {
        const published = await publish(current, base, rebuild);
        for (const s of failedNow) failures.add(s);
        log({
          level: 'info',
          msg: 'snapshot published',
          snapshotId: published.snapshotId,
          parts: published.parts?.length ?? 1,
          items,
          failed: failures.size,
        });
        await compactOnce(current);
        break;
      } catch (e) {
        // Another indexer published meanwhile: reload its snapshot and apply this batch again.
        if (e instanceof ConflictError) deps.metric?.('SnapshotPublishConflicts', 'Count', 1);
        if (e instanceof ConflictError && attempt < 3) {
          indexer = null;
          continue;
        }
        log({ level: 'error', msg: 'snapshot publish failed', error: String(e) });
        for (const w of work) failures.add(w.seq);
        indexer = null;
        break;
      }
    }
    return failures;
  };

  const withIndex = async <T>(task: (session: IndexSession) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const current = await syncToLatest();
      const base = current.snapshotId;
      try {
        return await task({
          indexer: current,
          commit: async () => {
            const published = await publish(current, base, false);
            log({
              level: 'info',
              msg: 'snapshot published',
              snapshotId: published.snapshotId,
              parts: published.parts?.length ?? 1,
              job: true,
            });
            await compactOnce(current);
          },
        });
      } catch (e) {
        // What the task changed in memory is not published: start again from the snapshot.
        indexer = null;
        if (e instanceof ConflictError) deps.metric?.('SnapshotPublishConflicts', 'Count', 1);
        if (!(e instanceof ConflictError) || attempt >= 3) throw e;
      }
    }
  };

  return { index, withIndex };
}

/** The indexing step alone (tests; the handlers below use it through their worker). */
export function batchIndexer(
  deps: StreamHandlerDeps,
): (work: readonly Work[], items: number) => Promise<Set<string>> {
  return indexWorker(deps).index;
}

/** A Streams handler that indexes directly (one writer per shard: tests and single-shard use). */
export function streamHandler(
  deps: StreamHandlerDeps,
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log = deps.logger ?? jsonLogger;
  const index = batchIndexer(deps);
  return async (event) => {
    const { work, poison } = workOf(event.Records, log);
    const failures = await index(work, event.Records.length);
    return failed([...poison, ...failures]);
  };
}

/** What the queue indexer needs to run job steps. */
export interface QueueJobDeps {
  runner: JobRunner;
  /** The tag use cases steps call (re-scores, retraining, merges' completion). */
  tagging: Tagging;
  /** The people edits' consistency check and repair. */
  people: StepContext['people'];
  budget?: StepBudget;
}

/**
 * The indexer on the FIFO queue: consecutive index messages of a batch (in order, the only batch
 * in flight) are applied together and published as one snapshot; a job step (lib/jobs) runs on
 * the same index between them and sends the next step. Failed messages are reported so that
 * they are delivered again.
 */
export function queueIndexer(
  deps: StreamHandlerDeps & { jobs?: QueueJobDeps },
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = deps.logger ?? jsonLogger;
  const worker = indexWorker(deps);
  const jobs = deps.jobs;
  const runStep = async (messageId: string, step: JobStepMessage['job']): Promise<boolean> => {
    if (!jobs) {
      log({ level: 'error', msg: 'job step but no job runner', messageId, job: step.id });
      return false;
    }
    const t0 = performance.now();
    try {
      const outcome = await jobs.runner.run(step, (job) =>
        worker.withIndex((session) =>
          advance(job, {
            store: deps.store,
            tagging: jobs.tagging,
            people: jobs.people,
            session,
            budget: jobs.budget ?? LAMBDA_BUDGET,
          }),
        ),
      );
      log({
        level: outcome === 'failed' || outcome === 'retrying' ? 'warn' : 'info',
        msg: 'job step',
        job: step.id,
        step: step.step,
        attempt: step.attempt,
        outcome,
        ms: Math.round(performance.now() - t0),
      });
      return true;
    } catch (e) {
      log({ level: 'error', msg: 'job step not recorded', job: step.id, error: String(e) });
      return false;
    }
  };
  return async (event) => {
    const failures: string[] = [];
    let work: Work[] = [];
    let messages = 0;
    const flush = async () => {
      if (work.length > 0) failures.push(...(await worker.index(work, messages)));
      work = [];
      messages = 0;
    };
    for (const r of event.Records) {
      const m = parseQueueMessage(r.body);
      if (!m) {
        log({ level: 'error', msg: 'unreadable indexing message', messageId: r.messageId });
        failures.push(r.messageId);
        continue;
      }
      if ('job' in m) {
        // Index work sent before the step is published first: FIFO order holds within a batch.
        await flush();
        if (!(await runStep(r.messageId, m.job))) failures.push(r.messageId);
        continue;
      }
      messages++;
      for (const target of m.targets) work.push({ seq: r.messageId, target });
    }
    await flush();
    return failed(failures);
  };
}
