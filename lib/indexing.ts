/**
 * Indexing on Lambda, single-writer by construction: the Streams forwarder turns each batch of
 * table changes into one message on a FIFO queue with one message group, and the indexer
 * consumes that queue (one batch in flight at a time), applies the interviews' current state
 * and publishes one snapshot per batch. Every step is idempotent (the indexer reads the current
 * state), so redelivered or replayed records converge.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  AttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { jsonLogger, type Logger } from './api/app.ts';
import { ConflictError } from './errors.ts';
import { interviewIdOfQuote } from './ids.ts';
import { defaultIndexOptions, Indexer, openLatestIndex } from './indexer.ts';
import { parseKey } from './store/keys.ts';
import type { Store } from './store/port.ts';

/** A numeric metric (EMF through Powertools on Lambda; nothing in tests unless given). */
export type MetricSink = (name: string, unit: 'Milliseconds' | 'Count' | 'Bytes', value: number) => void;

/** What a stream record means for the index. */
export type StreamTarget = { kind: 'interview'; id: string } | { kind: 'all' } | null;

/** Maps a stream record's keys to the interview it affects (null: nothing to do). */
export function targetOf(record: DynamoDBRecord): StreamTarget {
  const raw = record.dynamodb?.Keys;
  if (!raw) throw new Error('stream record without keys');
  const k = unmarshall(raw as Record<string, AttributeValue> as never) as { pk?: unknown; sk?: unknown };
  if (typeof k.pk !== 'string' || typeof k.sk !== 'string')
    throw new Error('stream record keys are not strings');
  const key = parseKey({ pk: k.pk, sk: k.sk });
  if (key?.kind === 'interviewHead') return { kind: 'interview', id: key.interviewId };
  if (key?.kind === 'quoteManual') {
    const id = interviewIdOfQuote(key.quoteId);
    if (!id) throw new Error(`quote key ${k.pk} names no interview`);
    return { kind: 'interview', id };
  }
  if (key?.kind === 'tagAlias') return { kind: 'all' };
  return null;
}

/** Dependencies of the stream handler. */
export interface StreamHandlerDeps {
  store: Store;
  logger?: Logger;
  /** Publish time and conflicts (SnapshotPublishMs, SnapshotPublishConflicts). */
  metric?: MetricSink;
}

/** One thing to index, with the id of the record or message it came from. */
export interface Work {
  seq: string;
  target: Exclude<StreamTarget, null>;
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
          items,
          failed: failures.size,
        });
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

/** Stream records → work; the records that name nothing readable are reported as failed. */
function workOf(records: readonly DynamoDBRecord[], log: Logger): { work: Work[]; poison: Set<string> } {
  const work: Work[] = [];
  const poison = new Set<string>();
  for (const record of records) {
    const seq = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
    try {
      const target = targetOf(record);
      if (target) work.push({ seq, target });
    } catch (e) {
      log({ level: 'error', msg: 'poison stream record', seq, error: String(e) });
      poison.add(seq);
    }
  }
  return { work, poison };
}

const failed = (ids: Iterable<string>) => ({
  batchItemFailures: [...ids].map((itemIdentifier) => ({ itemIdentifier })),
});

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

/** The message the forwarder puts on the indexing queue: what to index, nothing else. */
export interface IndexMessage {
  v: 1;
  targets: Array<Exclude<StreamTarget, null>>;
  /** First and last stream sequence numbers of the batch (for logs). */
  from: string;
  to: string;
}

/** The one message group of the indexing queue: FIFO delivers its batches one at a time. */
export const INDEX_MESSAGE_GROUP = 'index';

/** Largest message body the forwarder sends (SQS allows 256 KiB). */
const MAX_MESSAGE_BYTES = 200_000;

/**
 * The Streams forwarder: each batch of table changes becomes one (or, past 200 KB, a few)
 * messages naming the interviews to index, deduplicated; poison records are reported, a
 * failed send fails the batch (retried, then bisected).
 */
export function streamForwarder(deps: {
  send: (body: string) => Promise<void>;
  logger?: Logger;
}): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log = deps.logger ?? jsonLogger;
  return async (event) => {
    const { work, poison } = workOf(event.Records, log);
    if (work.length === 0) return failed(poison);
    const all = work.some((w) => w.target.kind === 'all');
    const ids = [...new Set(work.flatMap((w) => (w.target.kind === 'interview' ? [w.target.id] : [])))];
    const from = work[0]?.seq ?? '';
    const to = work[work.length - 1]?.seq ?? '';
    const messages: IndexMessage[] = [];
    let current: IndexMessage = { v: 1, targets: all ? [{ kind: 'all' }] : [], from, to };
    let size = 100;
    for (const id of all ? [] : ids) {
      if (size + id.length + 40 > MAX_MESSAGE_BYTES) {
        messages.push(current);
        current = { v: 1, targets: [], from, to };
        size = 100;
      }
      current.targets.push({ kind: 'interview', id });
      size += id.length + 40;
    }
    messages.push(current);
    for (const m of messages) await deps.send(JSON.stringify(m));
    log({
      level: 'info',
      msg: 'forwarded',
      records: event.Records.length,
      interviews: ids.length,
      all,
      messages: messages.length,
    });
    return failed(poison);
  };
}

/** Reads an indexing message; null when it is not one (reported as failed, then dead-lettered). */
export function parseIndexMessage(body: string): IndexMessage | null {
  try {
    const m = JSON.parse(body) as Partial<IndexMessage>;
    if (m.v !== 1 || !Array.isArray(m.targets)) return null;
    const targets = m.targets.filter(
      (t): t is Exclude<StreamTarget, null> =>
        (t?.kind === 'interview' && typeof t.id === 'string' && t.id !== '') || t?.kind === 'all',
    );
    if (targets.length !== m.targets.length) return null;
    return { v: 1, targets, from: String(m.from ?? ''), to: String(m.to ?? '') };
  } catch {
    return null;
  }
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
