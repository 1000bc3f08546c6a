/**
 * Parsing off the event loop, with a bound on time: transcripts are parsed on worker threads so a
 * heavy body (a 2 MB transcript, or input crafted to make a parser slow) never stalls the
 * server's other requests, and a parse that runs past `timeoutMs` is stopped (the worker is
 * terminated and replaced) and answered 422 `parse_timeout`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KikigakiError, ParseError, UnavailableError, ValidationError } from '../lib/errors.ts';
import type { Interview } from '../lib/model.ts';
import type { ParseOptions, TranscriptSource } from '../lib/parse/index.ts';

/** A job sent to a worker: a transcript's text, or a file's bytes (a .docx). */
export interface WorkerRequest {
  id: number;
  text: TranscriptSource;
  options: Pick<ParseOptions, 'format' | 'id' | 'title' | 'url'>;
}

/** What a worker answers: the interview, or the error as data. */
export type WorkerReply =
  | { id: number; interview: Interview }
  | {
      id: number;
      error:
        | { kind: 'parse'; line: number; reason: string; format: string | undefined }
        | { kind: 'validation'; message: string }
        | {
            kind: 'kikigaki';
            code: KikigakiError['code'];
            message: string;
            details: Record<string, unknown> | undefined;
          }
        | { kind: 'other'; message: string };
    };

/** Options of {@link createParsePool}. */
export interface ParsePoolOptions {
  /** Worker threads (default: one, or two on machines with more than two cores). */
  size?: number;
  /** Longest a parse may run before it is stopped (default 5 s; the goal is ≤ 200 ms per MB). */
  timeoutMs?: number;
  /** Parses waiting for a worker before new ones answer 503 (default 64). */
  maxQueue?: number;
  /** The worker's module (tests: a deliberately slow parser). Default ./parse-worker.mjs. */
  workerUrl?: URL;
}

/** A pool of parse workers. */
export interface ParsePool {
  parse(text: TranscriptSource, options?: ParseOptions): Promise<Interview>;
  /** Stops the workers (pending parses are rejected). */
  close(): Promise<void>;
}

interface Job {
  request: WorkerRequest;
  resolve: (interview: Interview) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

function rebuild(error: Extract<WorkerReply, { error: unknown }>['error']): Error {
  switch (error.kind) {
    case 'parse':
      return new ParseError(error.line, error.reason, error.format);
    case 'validation':
      return new ValidationError(error.message);
    case 'kikigaki':
      return new KikigakiError(error.code, error.message, error.details);
    case 'other':
      return new Error(`parse worker: ${error.message}`);
  }
}

/** Starts a pool (workers start on first use). */
export function createParsePool(options: ParsePoolOptions = {}): ParsePool {
  const size = options.size ?? (availableParallelism() > 2 ? 2 : 1);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxQueue = options.maxQueue ?? 64;
  const slots: Array<Slot | null> = new Array(size).fill(null);
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (index: number): Slot => {
    const worker = new Worker(options.workerUrl ?? new URL('./parse-worker.mjs', import.meta.url), {
      execArgv: [],
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    const slot: Slot = {
      worker,
      job: null,
      timer: null,
      ready: new Promise<void>((resolve, reject) => {
        const onReady = (m: unknown) => {
          if (m && typeof m === 'object' && 'ready' in m) {
            worker.off('message', onReady);
            resolve();
          }
        };
        worker.on('message', onReady);
        worker.once('error', reject);
      }),
    };
    worker.on('message', (m: WorkerReply | { ready: true }) => {
      if ('ready' in m) return;
      const job = slot.job;
      if (!job || job.request.id !== m.id) return;
      finish(index, slot);
      if ('interview' in m) job.resolve(m.interview);
      else job.reject(rebuild(m.error));
    });
    worker.on('error', (e) =>
      fail(index, slot, new Error(`parse worker failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', () => {
      if (slots[index] === slot) slots[index] = null;
      if (slot.job) fail(index, slot, new Error('parse worker exited during a parse'));
    });
    slots[index] = slot;
    return slot;
  };

  const finish = (index: number, slot: Slot) => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
    pump(index);
  };

  const fail = (index: number, slot: Slot, error: unknown) => {
    const job = slot.job;
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    if (slots[index] === slot) slots[index] = null;
    void slot.worker.terminate();
    job?.reject(error);
    pump(index);
  };

  const pump = (index: number) => {
    if (closed || queue.length === 0) return;
    const current = slots[index];
    if (current?.job) return;
    const slot = current ?? spawn(index);
    const job = queue.shift() as Job;
    slot.job = job;
    slot.worker.ref();
    slot.ready.then(
      () => {
        if (slot.job !== job) return;
        // The bound counts parsing time, not time spent waiting for a worker.
        slot.timer = setTimeout(() => {
          const source = job.request.text;
          const size = source.length;
          const unit = typeof source === 'string' ? 'characters' : 'bytes';
          fail(
            index,
            slot,
            new KikigakiError(
              'parse_timeout',
              `the transcript (${size} ${unit}) took longer than ${timeoutMs} ms to parse and was stopped; check its layout, or split it`,
              { timeoutMs, [unit]: size },
            ),
          );
        }, timeoutMs);
        slot.worker.postMessage(job.request);
      },
      (e: unknown) => fail(index, slot, new Error('parse worker did not start', { cause: e })),
    );
  };

  return {
    parse(text, parseOptions = {}) {
      if (closed) return Promise.reject(new UnavailableError('the server is shutting down'));
      if (queue.length >= maxQueue)
        return Promise.reject(
          new UnavailableError(`${queue.length} transcripts are waiting to be parsed; try again shortly`, {
            retryAfterSeconds: 2,
          }),
        );
      const { format, id, title, url } = parseOptions;
      return new Promise<Interview>((resolve, reject) => {
        queue.push({ request: { id: nextId++, text, options: { format, id, title, url } }, resolve, reject });
        const free = slots.findIndex((s) => !s?.job);
        if (free >= 0) pump(free);
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new UnavailableError('the server is shutting down'));
      await Promise.all(
        slots.map(async (slot) => {
          if (!slot) return;
          slot.job?.reject(new UnavailableError('the server is shutting down'));
          slot.job = null;
          await slot.worker.terminate();
        }),
      );
    },
  };
}
