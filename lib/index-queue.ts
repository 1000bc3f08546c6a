/**
 * What the table's stream means for the index, and the messages of the FIFO indexing queue:
 * the forwarder's whole job, kept apart from the index itself so that the forwarder's bundle
 * carries none of the search code.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { interviewIdOfQuote } from './ids.ts';
import { parseKey } from './store/keys.ts';

/** A structured log line (the app's Logger shape). */
type Log = (entry: Record<string, unknown>) => void;

const stdoutLog: Log = (entry) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

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
  // A merge re-computes the memberships (and head) of each interview it moves, so those heads'
  // records re-index exactly what changed: the alias itself needs no rebuild of everything.
  return null;
}

/** One thing to index, with the id of the record or message it came from. */
export interface Work {
  seq: string;
  target: Exclude<StreamTarget, null>;
}

/** Stream records → work; the records that name nothing readable are reported as failed. */
export function workOf(records: readonly DynamoDBRecord[], log: Log): { work: Work[]; poison: Set<string> } {
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

export const failed = (ids: Iterable<string>) => ({
  batchItemFailures: [...ids].map((itemIdentifier) => ({ itemIdentifier })),
});

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

/** Sends a message body to the indexing queue, in its one message group. */
export function indexQueueSender(sqs: SQSClient, queueUrl: string): (body: string) => Promise<void> {
  return async (body) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageGroupId: INDEX_MESSAGE_GROUP,
        // The queue deduplicates by content: the same body within 5 minutes is delivered once.
      }),
    );
  };
}

/** Largest message body the forwarder sends (SQS allows 256 KiB). */
const MAX_MESSAGE_BYTES = 200_000;

/**
 * The Streams forwarder: each batch of table changes becomes one (or, past 200 KB, a few)
 * messages naming the interviews to index, deduplicated; poison records are reported, a
 * failed send fails the batch (retried, then bisected).
 */
export function streamForwarder(deps: {
  send: (body: string) => Promise<void>;
  logger?: Log;
}): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log = deps.logger ?? stdoutLog;
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

/**
 * A step of a background job (lib/jobs): it travels on the indexing queue so that the one
 * indexer runs it between index batches. Its body is unique per job, step and attempt, so the
 * queue's content-based deduplication drops a step sent twice within 5 minutes.
 */
export interface JobStepMessage {
  v: 1;
  job: { id: string; step: number; attempt: number };
}

/** What the indexing queue carries. */
export type QueueMessage = IndexMessage | JobStepMessage;

/** The body of a job step's message. */
export function jobStepBody(step: JobStepMessage['job']): string {
  return JSON.stringify({ v: 1, job: { id: step.id, step: step.step, attempt: step.attempt } });
}

/** Reads a message of the indexing queue (index work or a job step); null when it is neither. */
export function parseQueueMessage(body: string): QueueMessage | null {
  try {
    const m = JSON.parse(body) as Partial<JobStepMessage>;
    if (m && typeof m === 'object' && 'job' in m) {
      const j = m.job;
      const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
      if (m.v !== 1 || !j || typeof j.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(j.id)) return null;
      if (!count(j.step) || !count(j.attempt)) return null;
      return { v: 1, job: { id: j.id, step: j.step, attempt: j.attempt } };
    }
  } catch {
    return null;
  }
  return parseIndexMessage(body);
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
