/**
 * Parsing and tagging off the event loop, parsing with a bound on time: transcripts are parsed
 * and tagged on worker threads so a heavy body (a 2 MB transcript, a 6,000-turn interview, or
 * input crafted to make a parser slow) never stalls the server's other requests, and a parse that
 * runs past `timeoutMs` is stopped (the worker is terminated and replaced) and answered 422
 * `parse_timeout`. Tagging has no bound: it is linear in the text (the taxonomy's patterns compile
 * to bounded expressions) and the body's size is bounded.
 *
 * The tagger holds state that changes (taxonomy edits, the model editors train): each tag job
 * names its tagger, and a worker is sent the tagger's spec (taxonomy, model, parameters) only
 * when it has not built that tagger yet, so workers never tag with a stale copy.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KikigakiError, ParseError, UnavailableError, ValidationError } from '../lib/errors.ts';
import type { Interview } from '../lib/model.ts';
import type { ParseOptions, TranscriptSource } from '../lib/parse/index.ts';
import type { PackedTokens, PrebuiltSegment } from '../lib/search/index.ts';
import type { InterviewRecord } from '../lib/store/port.ts';
import type { TaggerSpec, TopicTagger } from '../lib/tagging/tagger.ts';
import type { SegmentationMode } from '../lib/text/analyze.ts';

/** A parse job sent to a worker: a transcript's text, or a file's bytes (a .docx). */
export interface ParseRequest {
  id: number;
  kind?: 'parse';
  text: TranscriptSource;
  options: Pick<ParseOptions, 'format' | 'id' | 'title' | 'url'>;
}

/** A tag job: the interview, and the tagger by key (with its spec when the worker lacks it). */
export interface TagRequest {
  id: number;
  kind: 'tag';
  interview: Interview;
  tagger: { key: number; spec?: TaggerSpec };
}

/**
 * An ingest's text work in one job: parse, tag with the named tagger, and tokenize for the index
 * (`analyze`: the index's segmentation mode; null: not). One round trip instead of a parse and a
 * tag job, and the segmentation leaves the event loop. The time bound covers the parse only, as
 * for a parse job (the worker reports when it is parsed).
 */
export interface PrepareRequest {
  id: number;
  kind: 'prepare';
  text: TranscriptSource;
  options: Pick<ParseOptions, 'format' | 'id' | 'title' | 'url'>;
  tagger: { key: number; spec?: TaggerSpec };
  analyze: SegmentationMode | null;
  /** With `analyze`: build the whole index part of an interview this large (see {@link Prebuild}). */
  prebuild?: Prebuild;
}

/**
 * Which interviews a prepare job builds the index part of (QuoteIndex.prebuild), instead of
 * only tokenizing them: those with at least `minChars` characters of quotes. `readings`: the
 * reading dictionary's directory the index reads kanji with (the worker loads it once), or null.
 */
export interface Prebuild {
  minChars: number;
  readings: string | null;
}

/** What a prepare job gives: the interview, what the store keeps of its tags, its index tokens. */
export interface Prepared {
  record: InterviewRecord;
  tokens: PackedTokens | null;
  /** The index part, when the job built it (then `tokens` is null: the part holds them counted). */
  prebuilt: PrebuiltSegment | null;
}

/** A job sent to a worker. */
export type WorkerRequest = ParseRequest | TagRequest | PrepareRequest;

/** What a worker answers: the interview, its tags, progress of a tag job, or the error as data. */
export type WorkerReply =
  | { id: number; interview: Interview }
  | { id: number; tags: Pick<InterviewRecord, 'autoTags' | 'people'> }
  | { id: number; progress: { done: number; total: number } }
  /** The parse begins now (a prepare job's tagger is built): the pool's bound counts from here. */
  | { id: number; started: true }
  | { id: number; parsed: true }
  | {
      id: number;
      prepared: {
        interview: Interview;
        tags: Pick<InterviewRecord, 'autoTags' | 'people'>;
        tokens: PackedTokens | null;
        prebuilt: PrebuiltSegment | null;
      };
    }
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
  /**
   * Jobs a worker holds at once (default 2): the one it works on and the next, waiting in its
   * port, so it never idles while the event loop is busy. 1: one job at a time.
   */
  depth?: number;
  /** Parses waiting for a worker before new ones answer 503 (default 64; held ones count). */
  maxQueue?: number;
  /** The worker's module (tests: a deliberately slow parser). Default ./parse-worker.mjs. */
  workerUrl?: URL;
  /** Hears jobs start on a worker, report progress and finish (logs, tests). */
  observer?: (event: PoolEvent) => void;
}

/** What the pool reports about a job. */
export type PoolEvent =
  | { type: 'start'; id: number; kind: JobKind }
  /** Tagging progress (of a tag job, or of the tagging part of a prepare job). */
  | { type: 'progress'; id: number; kind: 'tag'; done: number; total: number }
  | { type: 'done'; id: number; kind: JobKind; ok: boolean };

/** The kinds of job a worker does. */
export type JobKind = 'parse' | 'tag' | 'prepare';

/** A pool of parse (and tag) workers. */
export interface ParsePool {
  parse(text: TranscriptSource, options?: ParseOptions): Promise<Interview>;
  /** Tags an interview with this tagger on a worker (the same `recordOf` Lambda runs in-thread). */
  tag(tagger: TopicTagger, interview: Interview): Promise<InterviewRecord>;
  /**
   * Parses, tags and (with a mode) tokenizes for the index in one job (see {@link PrepareRequest});
   * fails as {@link ParsePool.parse} does.
   */
  prepare(
    text: TranscriptSource,
    options: ParseOptions,
    tagger: TopicTagger,
    analyze: SegmentationMode | null,
    prebuild?: Prebuild,
  ): Promise<Prepared>;
  /**
   * Starts every worker and has each do one small prepare job as {@link prepare} would (its code
   * loaded and compiled, this tagger built, the reading dictionary `prebuild` names loaded), so the
   * first transcript a client sends does not wait for that (~5 s on a quiet 2-core machine). The
   * result is dropped; resolves when every worker is done, whether or not its job succeeded.
   */
  warm(tagger: TopicTagger, analyze: SegmentationMode | null, prebuild?: Prebuild): Promise<void>;
  /** Stops the workers (pending jobs are rejected). */
  close(): Promise<void>;
}

/**
 * {@link ParsePool.warm}'s transcript: questions and answers of everyday talk about work (the
 * kanji, kana, verbs and topics a real transcript has), so the code a real one runs is compiled.
 */
const WARM_TRANSCRIPT = [
  '聞き手：今はどんなお仕事をされていますか？',
  '話し手：在宅で翻訳の仕事を続けています。クラウドソーシングで案件を探すことが多いですね。',
  '聞き手：家庭との両立は大変ではありませんか？',
  '話し手：子どもが小さいので、朝と夜に作業する時間を決めて、家族と過ごす時間も大切にしています。',
  '聞き手：収入の面ではいかがでしょう。',
  '話し手：単価はまだ低いですが、継続の依頼が増えてきて、少しずつ安定してきました。',
  '聞き手：これから先、この仕事の需要はどうなると思いますか？',
  '話し手：AIの翻訳が広がっても、専門的な文章を読める人は必要とされ続けると考えています。',
  '',
].join('\n');

type Job =
  | {
      kind: 'parse';
      request: ParseRequest;
      resolve: (interview: Interview) => void;
      reject: (error: unknown) => void;
    }
  | {
      kind: 'tag';
      id: number;
      tagger: TopicTagger;
      interview: Interview;
      resolve: (record: InterviewRecord) => void;
      reject: (error: unknown) => void;
    }
  | {
      kind: 'prepare';
      request: Omit<PrepareRequest, 'tagger'>;
      /**
       * false for the warm-up's own transcript (trusted, fixed): not stopped at the parse bound.
       * A cold worker's first parse loads its dictionary; on a loaded machine that passed 5 s, the
       * warm-up was stopped, its worker replaced by a cold one, and the next transcript (a sample
       * at start-up: `npm start` exited) paid the loading inside its own bound.
       */
      bounded?: false;
      tagger: TopicTagger;
      resolve: (prepared: Prepared) => void;
      reject: (error: unknown) => void;
    };

/** A parse worker's young generation (MB): three semi-spaces' worth, see `spawn`. */
const YOUNG_GENERATION_MB = 96;

const jobId = (job: Job) => (job.kind === 'tag' ? job.id : job.request.id);

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /**
   * Jobs sent (or about to be sent) to this worker, oldest first: the first is the one it works
   * on (the worker answers its jobs one at a time, in order), the others wait in its port.
   */
  jobs: Job[];
  timer: NodeJS.Timeout | null;
  /** The job the parse timer counts (the first, from when the worker starts parsing it until it is parsed). */
  timed: Job | null;
  /** The first job has reported that it is parsed (its timer is off). */
  parsed: boolean;
  /** Key of the tagger this worker has built (null: none yet). */
  taggerKey: number | null;
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
  const depth = Math.max(1, options.depth ?? 2);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxQueue = options.maxQueue ?? 64;
  const slots: Array<Slot | null> = new Array(size).fill(null);
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  // Taggers by identity: a new taxonomy version or model is a new TopicTagger, hence a new key.
  const taggerKeys = new WeakMap<TopicTagger, number>();
  let nextTaggerKey = 1;
  const keyOf = (tagger: TopicTagger) => {
    let key = taggerKeys.get(tagger);
    if (key === undefined) {
      key = nextTaggerKey++;
      taggerKeys.set(tagger, key);
    }
    return key;
  };
  const observe = options.observer ?? (() => {});

  const spawn = (index: number): Slot => {
    const worker = new Worker(options.workerUrl ?? new URL('./parse-worker.mjs', import.meta.url), {
      // KK_WORKER_PROF=<dir> profiles the workers too (as the store thread: local/embedded.ts).
      execArgv: process.env.KK_WORKER_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KK_WORKER_PROF}`]
        : [],
      // A young generation of 96 MB (semi-spaces of 32 MB; V8's default is 16): a transcript's
      // job allocates ~150 KB per quote (tokens, lattice results, tagger features), nearly all
      // dead by the next job, so each scavenge copies about the same few live objects however
      // large the space is; with the default one it ran every ~100 quotes, half as often here
      // (--trace-gc over 20k quotes: 191 → 95 scavenges, their time −30..−50%).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    const slot: Slot = {
      worker,
      jobs: [],
      timer: null,
      timed: null,
      parsed: false,
      taggerKey: null,
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
      // The worker answers in order: a reply is the first job's (anything else is stale).
      const job = slot.jobs[0];
      if (!job || jobId(job) !== m.id) return;
      if ('progress' in m) {
        observe({ type: 'progress', id: m.id, kind: 'tag', ...m.progress });
        return;
      }
      if ('started' in m) {
        arm(index, slot);
        return;
      }
      if ('parsed' in m) {
        // Parsed in time: tagging and tokenizing are linear in the (bounded) body, not bounded.
        slot.parsed = true;
        disarm(slot);
        return;
      }
      finish(slot);
      observe({ type: 'done', id: m.id, kind: job.kind, ok: !('error' in m) });
      if ('error' in m) job.reject(rebuild(m.error));
      else if (job.kind === 'parse' && 'interview' in m) job.resolve(m.interview);
      else if (job.kind === 'tag' && 'tags' in m) job.resolve({ interview: job.interview, ...m.tags });
      else if (job.kind === 'prepare' && 'prepared' in m)
        job.resolve({
          record: { interview: m.prepared.interview, ...m.prepared.tags },
          tokens: m.prepared.tokens,
          prebuilt: m.prepared.prebuilt,
        });
      else job.reject(new Error(`${job.kind} worker answered a ${job.kind} job with something else`));
    });
    worker.on('error', (e) =>
      fail(index, slot, new Error(`parse worker failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', () => {
      if (slots[index] === slot) slots[index] = null;
      if (slot.jobs.length > 0) fail(index, slot, new Error('parse worker exited during a parse'));
    });
    slots[index] = slot;
    return slot;
  };

  const disarm = (slot: Slot) => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.timed = null;
  };

  /**
   * Starts the parse bound of the job the worker works on now (the first), when the worker says
   * its parse begins: the bound counts parsing, not time spent waiting for a worker, behind
   * another job, reading the job's message or building the tagger it carries (a fresh worker's
   * first job; at load ~18 that passed 1.5 s, and a quick transcript after a stopped one was
   * stopped too).
   */
  const arm = (index: number, slot: Slot) => {
    const job = slot.jobs[0];
    if (!job || job.kind === 'tag' || slot.parsed || slot.timed === job) return;
    if (job.kind === 'prepare' && job.bounded === false) return;
    disarm(slot);
    slot.timed = job;
    slot.timer = setTimeout(() => {
      // Stopped only after the replies already waiting are read: the timers run before the
      // event loop reads the workers' messages, so an event loop blocked past the bound (a busy
      // request, a loaded machine) stopped parses that had answered in time, as 422s.
      setImmediate(() => {
        if (slot.timed === job) stop();
      });
    }, timeoutMs);
    const stop = () => {
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
    };
  };

  /** The first job is answered: the worker goes on with the next one it holds. */
  const finish = (slot: Slot) => {
    disarm(slot);
    slot.jobs.shift();
    slot.parsed = false;
    if (slot.jobs.length === 0) slot.worker.unref();
    fill();
  };

  /**
   * The worker failed (stopped past the bound, crashed, or did not start): the job it was working
   * on fails; the jobs it held but had not started go back to the front of the queue.
   */
  const fail = (index: number, slot: Slot, error: unknown) => {
    const [job, ...waiting] = slot.jobs.splice(0);
    disarm(slot);
    if (slots[index] === slot) slots[index] = null;
    void slot.worker.terminate();
    queue.unshift(...waiting);
    job?.reject(error);
    fill();
  };

  /** Sends a job to the worker of slot `index` (started if need be). */
  const send = (index: number, job: Job) => {
    const slot = slots[index] ?? spawn(index);
    slot.jobs.push(job);
    slot.worker.ref();
    slot.ready.then(
      () => {
        if (!slot.jobs.includes(job)) return;
        observe({ type: 'start', id: jobId(job), kind: job.kind });
        if (job.kind === 'tag') {
          const key = keyOf(job.tagger);
          const known = slot.taggerKey === key;
          slot.taggerKey = key;
          const request: TagRequest = {
            id: job.id,
            kind: 'tag',
            interview: job.interview,
            tagger: known ? { key } : { key, spec: job.tagger.spec() },
          };
          slot.worker.postMessage(request);
        } else if (job.kind === 'prepare') {
          const key = keyOf(job.tagger);
          const known = slot.taggerKey === key;
          slot.taggerKey = key;
          const request: PrepareRequest = {
            ...job.request,
            tagger: known ? { key } : { key, spec: job.tagger.spec() },
          };
          slot.worker.postMessage(request);
        } else slot.worker.postMessage(job.request);
      },
      (e: unknown) => fail(index, slot, new Error('parse worker did not start', { cause: e })),
    );
  };

  /**
   * Hands queued jobs to workers: an idle worker first, then up to `depth` jobs per worker, so
   * that a worker finds its next job in its port when it answers one instead of waiting for the
   * event loop (busy indexing and storing the jobs before) to read its answer and send another.
   */
  const fill = () => {
    while (!closed && queue.length > 0) {
      let best = -1;
      let held = depth;
      for (let i = 0; i < size; i++) {
        const n = slots[i]?.jobs.length ?? 0;
        if (n < held) {
          best = i;
          held = n;
        }
      }
      if (best < 0) return;
      send(best, queue.shift() as Job);
    }
  };

  /** Jobs not yet started: queued, or held by a worker behind the one it works on. */
  const waiting = () => {
    let n = queue.length;
    for (const s of slots) if (s && s.jobs.length > 1) n += s.jobs.length - 1;
    return n;
  };

  const refused = (): Error | null => {
    if (closed) return new UnavailableError('the server is shutting down');
    const n = waiting();
    if (n >= maxQueue)
      return new UnavailableError(`${n} transcripts are waiting to be parsed; try again shortly`, {
        retryAfterSeconds: 2,
      });
    return null;
  };
  const enqueue = (job: Job) => {
    queue.push(job);
    fill();
  };

  return {
    parse(text, parseOptions = {}) {
      const no = refused();
      if (no) return Promise.reject(no);
      const { format, id, title, url } = parseOptions;
      return new Promise<Interview>((resolve, reject) =>
        enqueue({
          kind: 'parse',
          request: { id: nextId++, text, options: { format, id, title, url } },
          resolve,
          reject,
        }),
      );
    },
    tag(tagger, interview) {
      const no = refused();
      if (no) return Promise.reject(no);
      return new Promise<InterviewRecord>((resolve, reject) =>
        enqueue({ kind: 'tag', id: nextId++, tagger, interview, resolve, reject }),
      );
    },
    prepare(text, parseOptions, tagger, analyze, prebuild) {
      const no = refused();
      if (no) return Promise.reject(no);
      const { format, id, title, url } = parseOptions;
      return new Promise<Prepared>((resolve, reject) =>
        enqueue({
          kind: 'prepare',
          request: {
            id: nextId++,
            kind: 'prepare',
            text,
            options: { format, id, title, url },
            analyze,
            ...(prebuild ? { prebuild } : {}),
          },
          tagger,
          resolve,
          reject,
        }),
      );
    },
    async warm(tagger, analyze, prebuild) {
      const jobs: Array<Promise<unknown>> = [];
      for (let i = 0; i < size; i++) {
        if (closed) break;
        jobs.push(
          new Promise<Prepared>((resolve, reject) =>
            // To worker i itself (idle at start-up): one job per worker, whatever the queue.
            send(i, {
              kind: 'prepare',
              request: {
                id: nextId++,
                kind: 'prepare',
                text: WARM_TRANSCRIPT,
                options: { id: 'warm-up' },
                analyze,
                ...(prebuild ? { prebuild } : {}),
              },
              bounded: false,
              tagger,
              resolve,
              reject,
            }),
          ).catch(() => undefined),
        );
      }
      await Promise.all(jobs);
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new UnavailableError('the server is shutting down'));
      await Promise.all(
        slots.map(async (slot) => {
          if (!slot) return;
          disarm(slot);
          for (const job of slot.jobs.splice(0))
            job.reject(new UnavailableError('the server is shutting down'));
          await slot.worker.terminate();
        }),
      );
    },
  };
}
