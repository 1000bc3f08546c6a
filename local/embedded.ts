/**
 * The embedded DynamoDB-compatible server (dynalite): real DynamoDB protocol over HTTP on
 * loopback, in this Node process, persisting to disk (or memory when no path is given).
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';
import dynalite from 'dynalite';

// dynalite 4 wraps abstract-level 3 iterators in streams whose destroy() ends the iterator with
// `return()`, a method abstract-level iterators do not have, so every Query left an open
// iterator behind (~0.7 KB each: memory grew without bound under load). Giving them a `return`
// that closes them lets the streams release what they opened.
for (const Iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
  if (!Object.hasOwn(Iterator.prototype, 'return')) {
    Object.defineProperty(Iterator.prototype, 'return', {
      value(this: { close(): Promise<void> }) {
        return this.close();
      },
    });
  }
}

/** A running embedded server. */
export interface Embedded {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (port 0 = any free port). */
export async function startEmbeddedDynamo(options: { path?: string; port?: number } = {}): Promise<Embedded> {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** A DynamoDB client for a local endpoint (dynalite or DynamoDB Local need no real credentials). */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
