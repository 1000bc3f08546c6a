/**
 * The embedded DynamoDB-compatible server (dynalite): real DynamoDB protocol over HTTP on
 * loopback, persisting to disk (or memory when no path is given), on a worker thread of this
 * process (`dynalite-thread.mjs`) so that it uses the second core.
 *
 * Supervised: when the thread dies (LevelDB throws on a full disk, and dynalite does not catch
 * it), the store is reported down with the cause, and the thread is restarted on the same port
 * with backoff until it opens again — so requests answer 503 meanwhile and the service heals
 * once space is freed, instead of answering 500 for ever.
 */
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The embedded store's state. */
export type EmbeddedState = { state: 'up' } | { state: 'down'; reason: string; since: Date };

/** A running embedded server. */
export interface Embedded {
  endpoint: string;
  /** Up, or down (restarting) with the reason. */
  state(): EmbeddedState;
  /** Tests only (started with `faults`): makes LevelDB's writes fail with ENOSPC, or stop failing. */
  injectFault(fault: 'enospc', on: boolean): void;
  close(): Promise<void>;
}

/** The thread could not start: the cause, the path and what to do. */
export class EmbeddedStartError extends Error {
  readonly path: string | undefined;
  readonly hint: string | undefined;
  constructor(message: string, path?: string, hint?: string) {
    super(message);
    this.name = 'EmbeddedStartError';
    this.path = path;
    this.hint = hint;
  }
}

/** Options of {@link startEmbeddedDynamo}. */
export interface EmbeddedOptions {
  /** LevelDB directory; in memory without one. */
  path?: string;
  /** Port on 127.0.0.1 (0 = any free one). */
  port?: number;
  /** Where state changes are reported (stderr by default). */
  log?: (line: string) => void;
  /** First restart delay; doubles to 30 s. Default 500 ms. */
  restartDelayMs?: number;
  /** Tests only: allow {@link Embedded.injectFault} (LevelDB writes failing as on a full disk). */
  faults?: boolean;
}

type ThreadMessage = { port?: number; error?: string; hint?: string; path?: string };

/** Starts one thread; resolves with it and its port, or rejects with {@link EmbeddedStartError}. */
function startThread(options: EmbeddedOptions, enospc = false): Promise<{ worker: Worker; port: number }> {
  const worker = new Worker(new URL('./dynalite-thread.mjs', import.meta.url), {
    workerData: { path: options.path, port: options.port, faults: options.faults === true, enospc },
    // The thread gets no copy of the parent's loader flags: it is plain JavaScript.
    execArgv: [],
  });
  return new Promise((resolve, reject) => {
    const fail = (e: EmbeddedStartError) => {
      worker.removeAllListeners();
      void worker.terminate();
      reject(e);
    };
    worker.once('message', (m: ThreadMessage) => {
      worker.removeAllListeners();
      if (m.port) resolve({ worker, port: m.port });
      else fail(new EmbeddedStartError(`embedded DynamoDB did not start: ${m.error}`, m.path, m.hint));
    });
    worker.once('error', (e) =>
      fail(new EmbeddedStartError(`embedded DynamoDB did not start: ${e.message}`)),
    );
    worker.once('exit', (code) =>
      fail(new EmbeddedStartError(`embedded DynamoDB thread exited (${code}) before it started`)),
    );
  });
}

/** Why the thread died, in words for /health and the log (no stack, no internals). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/No space left|ENOSPC/i.test(message)) return 'out of disk space (ENOSPC)';
  if (/read-only|EROFS/i.test(message)) return 'the file system is read-only (EROFS)';
  if (/corrupt/i.test(message)) return 'the store is damaged (corruption)';
  return 'the embedded store stopped';
}

/** Starts dynalite on 127.0.0.1 (port 0 = any free port) on its own supervised thread. */
export async function startEmbeddedDynamo(options: EmbeddedOptions = {}): Promise<Embedded> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const first = await startThread(options);
  const port = first.port;
  let worker: Worker | null = first.worker;
  let state: EmbeddedState = { state: 'up' };
  let closing = false;
  let delay = options.restartDelayMs ?? 500;
  let timer: NodeJS.Timeout | null = null;
  let injected = false;

  const restart = async () => {
    timer = null;
    if (closing) return;
    try {
      const next = await startThread({ ...options, port }, injected);
      if (closing) {
        next.worker.postMessage('close');
        return;
      }
      worker = next.worker;
      watch(worker);
      log(`kikigaki: embedded store restarted (${options.path ?? 'in memory'}), serving again`);
      state = { state: 'up' };
      delay = options.restartDelayMs ?? 500;
    } catch (e) {
      const hint = e instanceof EmbeddedStartError && e.hint ? ` — ${e.hint}` : '';
      log(
        `kikigaki: embedded store still down, retrying in ${Math.round(delay / 1000)} s: ${(e as Error).message}${hint}`,
      );
      if (state.state === 'down') state = { ...state, reason: reasonOf(e) };
      schedule();
    }
  };
  const schedule = () => {
    if (closing || timer) return;
    timer = setTimeout(() => void restart(), delay);
    timer.unref();
    delay = Math.min(delay * 2, 30_000);
  };
  const watch = (w: Worker) => {
    let error: unknown = null;
    w.on('error', (e) => {
      error = e;
    });
    w.once('exit', (code) => {
      if (closing || w !== worker) return;
      worker = null;
      const reason = reasonOf(error);
      state = { state: 'down', reason, since: new Date() };
      log(
        `kikigaki: embedded store stopped (${options.path ?? 'in memory'}): ${reason}; requests answer 503 until it restarts` +
          (error ? ` [${(error as Error).message}]` : ` [thread exit ${code}]`),
      );
      schedule();
    });
  };
  watch(first.worker);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    state: () => state,
    injectFault: (fault, on) => {
      if (!options.faults) throw new Error('started without faults: true');
      injected = on;
      worker?.postMessage({ fault, on });
    },
    close: async () => {
      closing = true;
      if (timer) clearTimeout(timer);
      const w = worker;
      if (!w) return;
      await new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.postMessage('close');
      });
    },
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
