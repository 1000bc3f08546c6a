/**
 * An SQS stand-in for the artifact test (no SQS-protocol server installs from npm or Debian
 * here): a loopback server speaking the AWS JSON protocol for the calls the functions make
 * (SendMessage, SendMessageBatch), reached through AWS_ENDPOINT_URL_SQS, with FIFO semantics
 * that matter for the indexer: content-based deduplication and per-group order. The Lambda
 * side (delivering batches to a function) is LocalDeployment.pollQueue.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message waiting in a queue. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  groupId: string | undefined;
  dedupId: string | undefined;
  sequenceNumber: string;
  sentAt: number;
  receiveCount: number;
}

/** A running stand-in. */
export interface SqsStandIn {
  endpoint: string;
  /** Creates a queue; returns its URL (what CloudFormation's Ref of a queue is). */
  create(name: string, options: { fifo: boolean; contentBasedDeduplication: boolean }): string;
  /** Messages waiting in a queue, oldest first. */
  messages(url: string): QueuedMessage[];
  /** Removes delivered messages (what Lambda does after a successful batch). */
  remove(url: string, ids: readonly string[]): void;
  close(): Promise<void>;
}

interface QueueState {
  fifo: boolean;
  contentBasedDeduplication: boolean;
  messages: QueuedMessage[];
  /** Deduplication ids seen in the last 5 minutes. */
  seen: Map<string, number>;
  sequence: number;
}

/** Starts the stand-in on a free loopback port. */
export async function startSqs(): Promise<SqsStandIn> {
  const queues = new Map<string, QueueState>();
  let endpoint = '';
  const enqueue = (url: string, m: Record<string, unknown>) => {
    const q = queues.get(url);
    if (!q)
      throw Object.assign(new Error(`no queue ${url}`), { type: 'AWS.SimpleQueueService.NonExistentQueue' });
    const body = String(m.MessageBody ?? '');
    if (q.fifo && !m.MessageGroupId)
      throw Object.assign(new Error('MessageGroupId is required for FIFO queues'), {
        type: 'MissingParameter',
      });
    const dedupId =
      (m.MessageDeduplicationId as string | undefined) ??
      (q.contentBasedDeduplication ? createHash('sha256').update(body).digest('hex') : undefined);
    if (q.fifo && !dedupId)
      throw Object.assign(new Error('MessageDeduplicationId is required'), { type: 'InvalidParameterValue' });
    const messageId = randomUUID();
    const now = Date.now();
    if (q.fifo && dedupId && (q.seen.get(dedupId) ?? 0) > now - 300_000) return { MessageId: messageId };
    if (dedupId) q.seen.set(dedupId, now);
    const sequenceNumber = String(++q.sequence).padStart(20, '0');
    q.messages.push({
      messageId,
      body,
      groupId: m.MessageGroupId as string | undefined,
      dedupId,
      sequenceNumber,
      sentAt: now,
      receiveCount: 0,
    });
    return {
      MessageId: messageId,
      MD5OfMessageBody: createHash('md5').update(body).digest('hex'),
      ...(q.fifo ? { SequenceNumber: sequenceNumber } : {}),
    };
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(json));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      try {
        const input = JSON.parse(raw) as Record<string, unknown> & { QueueUrl?: string };
        const url = String(input.QueueUrl ?? '');
        if (target === 'AmazonSQS.SendMessage') return reply(200, enqueue(url, input));
        if (target === 'AmazonSQS.SendMessageBatch') {
          const entries = (input.Entries ?? []) as Array<Record<string, string> & { Id: string }>;
          return reply(200, {
            Successful: entries.map((e) => ({ Id: e.Id, ...enqueue(url, e) })),
            Failed: [],
          });
        }
        return reply(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `unsupported ${target}` });
      } catch (e) {
        const type = (e as { type?: string }).type ?? 'InvalidParameterValue';
        return reply(400, { __type: `com.amazonaws.sqs#${type}`, message: (e as Error).message });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    create(name, options) {
      const url = `${endpoint}/123456789012/${name}`;
      queues.set(url, { ...options, messages: [], seen: new Map(), sequence: 0 });
      return url;
    },
    messages: (url) => [...(queues.get(url)?.messages ?? [])],
    remove(url, ids) {
      const q = queues.get(url);
      if (q) q.messages = q.messages.filter((m) => !ids.includes(m.messageId));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
