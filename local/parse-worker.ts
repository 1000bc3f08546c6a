/**
 * A pool worker thread (local/parse-pool.ts): parses transcripts (and canonical JSON) and tags
 * interviews off the API's event loop, so a heavy or hostile body delays only itself.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './parse-pool.ts';
import { answer } from './worker-jobs.ts';

parentPort?.on('message', (m: WorkerRequest) =>
  answer(m, (reply: WorkerReply, transfer?: ArrayBuffer[]) => parentPort?.postMessage(reply, transfer)),
);
parentPort?.postMessage({ ready: true });
