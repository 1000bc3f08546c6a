import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { jsonLogger, type Logger } from './api/app.ts';
import { ConflictError } from './errors.ts';
import { failed, parseIndexMessage, type Work, workOf } from './index-queue.ts';
import { defaultIndexOptions, Indexer, openLatestIndex } from './indexer.ts';
import type { Store } from './store/port.ts';

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
  /** Publish time and conflicts (SnapshotPublishMs, SnapshotPublishConflicts). */
  metric?: MetricSink;
}

/**
 * The indexing step: applies each interview named by the work to the index (idempotent: it
 * reads the current state, so redelivered or out-of-order records converge), publishes one
 * snapshot over the one it loaded (conditionally: a conflict reloads and applies again), and
 * reports what failed so one poison item neither blocks nor loses the others.
 */
export function batchIndexer(
  deps: StreamHandlerDeps,
): (work: readonly Work[], items: number) => Promise<Set<string>> {
  const log = deps.logger ?? jsonLogger;
  const opts = defaultIndexOptions();
  let indexer: Indexer | null = null;

  const syncToLatest = async () => {
    const manifest = await deps.store.readManifest();
    if (indexer && (manifest?.snapshotId ?? null) === indexer.snapshotId) return;
    const opened = await openLatestIndex(deps.store, opts, manifest);
    indexer = new Indexer(deps.store, opened.index, opts).loadedFrom(manifest);
    log({
      level: 'info',
      msg: 'indexer loaded snapshot',
      snapshotId: manifest?.snapshotId ?? null,
      bytes: opened.bytes,
      ms: Math.round(opened.ms),
    });
  };

  /**
   * Background merging, after the batch is published: at most one merge per invocation (the
   * size-tiered policy keeps the number of parts logarithmic in the index). A failed merge
   * costs nothing but the work: the published snapshot stands, the next batch reloads it.
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
        snapshotId: step.manifest.snapshotId,
        from: step.from,
        to: step.to,
        docs: step.docs,
        live: step.live,
        parts: step.manifest.parts?.length ?? 1,
        ms: Math.round(ms),
      });
    } catch (e) {
      if (e instanceof ConflictError) deps.metric?.('SnapshotPublishConflicts', 'Count', 1);
      log({ level: 'warn', msg: 'snapshot merge failed', error: String(e) });
      indexer = null;
    }
  };

  /** Applies the work and publishes once; returns the ids (seq) of the items that failed. */
  return async (work: readonly Work[], items: number): Promise<Set<string>> => {
    const failures = new Set<string>();
    if (work.length === 0) return failures;

    for (let attempt = 0; ; attempt++) {
      await syncToLatest();
      const current = indexer as unknown as Indexer;
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
        const t0 = performance.now();
        const manifest = rebuild ? await current.rebuild(undefined, base) : await current.publish(base);
        deps.metric?.('SnapshotPublishMs', 'Milliseconds', performance.now() - t0);
        for (const s of failedNow) failures.add(s);
        log({
          level: 'info',
          msg: 'snapshot published',
          snapshotId: manifest.snapshotId,
          parts: manifest.parts?.length ?? 1,
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

/**
 * The indexer on the FIFO queue: the messages of one batch (in order, the only batch in
 * flight) are applied together and published as one snapshot; failed messages are reported so
 * that they, and the ones after them in the group, are delivered again.
 */
export function queueIndexer(deps: StreamHandlerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = deps.logger ?? jsonLogger;
  const index = batchIndexer(deps);
  return async (event) => {
    const work: Work[] = [];
    const poison: string[] = [];
    for (const r of event.Records) {
      const m = parseIndexMessage(r.body);
      if (!m) {
        log({ level: 'error', msg: 'unreadable indexing message', messageId: r.messageId });
        poison.push(r.messageId);
        continue;
      }
      for (const target of m.targets) work.push({ seq: r.messageId, target });
    }
    const failures = await index(work, event.Records.length);
    return failed([...poison, ...failures]);
  };
}
