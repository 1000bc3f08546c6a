/**
 * The embedded DynamoDB-compatible server (dynalite): real DynamoDB protocol over HTTP on
 * loopback, persisting to disk (or memory when no path is given), on a worker thread of this
 * process (`dynalite-thread.mjs`) so that it uses the second core.
 */
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A running embedded server. */
export interface Embedded {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (port 0 = any free port) on its own thread. */
export async function startEmbeddedDynamo(options: { path?: string; port?: number } = {}): Promise<Embedded> {
  const worker = new Worker(new URL('./dynalite-thread.mjs', import.meta.url), {
    workerData: { path: options.path, port: options.port },
    // The thread gets no copy of the parent's loader flags: it is plain JavaScript.
    execArgv: [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port?: number; error?: string }) =>
      m.port ? resolve(m.port) : reject(new Error(`embedded DynamoDB did not start: ${m.error}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`embedded DynamoDB thread exited (${code})`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
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
