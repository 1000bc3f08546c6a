/**
 * A pool worker thread (local/parse-pool.ts): parses transcripts (and canonical JSON) and tags
 * interviews off the API's event loop, so a heavy or hostile body delays only itself.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './parse-pool.ts';
import { answer } from './worker-jobs.ts';

// Jobs are answered one at a time, in the order they came: the pool sends the next job before
// this one is answered (local/parse-pool.ts `depth`), and times the first it holds as the one
// being worked on; a job that awaits (a .docx, the reading dictionary's first load) must not let
// the next one start.
let last: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: WorkerRequest) => {
  last = last
    .then(() =>
      answer(m, (reply: WorkerReply, transfer?: ArrayBuffer[]) => parentPort?.postMessage(reply, transfer)),
    )
    // An answer that could not be sent still answers (and the next job still runs).
    .catch((e: unknown) =>
      parentPort?.postMessage({
        id: m.id,
        error: { kind: 'other', message: String(e) },
      } satisfies WorkerReply),
    );
});
parentPort?.postMessage({ ready: true });
