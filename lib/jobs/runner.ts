/**
 * Background jobs that finish at any size: a job is a record in the table and a chain of steps,
 * each bounded work (a few pages of interviews) that ends by saving where it stopped and sending
 * the next step. Steps travel like index batches: on AWS as messages on the FIFO indexing queue
 * (one message group, so the single indexer runs them between index batches), locally through an
 * in-process queue (lib/jobs/local.ts). What a step does is lib/jobs/steps.ts.
 *
 * A step message names the job, the step and the attempt; the record says which step is next,
 * and is written only while it still says so. A duplicate delivery therefore changes nothing, and
 * a step whose successor was never sent (a crash between saving and sending) sends it again.
 */
import { randomBytes } from 'node:crypto';
import type { Job, JobKind } from '../store/items.ts';
import type { JobStore } from '../store/port.ts';

export type { Job, JobKind };

/** What to run. */
export type JobSpec =
  | { kind: 'rebuild' | 'check' | 'repair'; reason?: string }
  | { kind: 'rescore'; reason: string }
  | { kind: 'merge' | 'undo'; reason?: string; mergeId: string }
  | { kind: 'preview'; reason?: string; from: string; into: string };

/** Starts jobs and reads their records (the API and the use cases see only this). */
export interface Jobs {
  submit(spec: JobSpec): Promise<Job>;
  get(id: string): Promise<Job | null>;
}

/** One step of a job, as it travels to whoever runs steps. */
export interface JobStep {
  id: string;
  step: number;
  /** Failed attempts before this delivery (a retry is a new message). */
  attempt: number;
}

/** Sends a step to the runner of steps (the FIFO queue, or the in-process loop). */
export type Dispatch = (step: JobStep) => Promise<void>;

/** Advances a job by one step: returns the record as the step leaves it. */
export type Execute = (job: Job) => Promise<Job>;

/** What {@link JobRunner.run} did with a delivered step. */
export type StepOutcome =
  | 'ran'
  | 'finished'
  | 'retrying'
  | 'failed'
  /** The step had run; its successor was sent again. */
  | 'resent'
  /** A duplicate or outdated delivery, or a job that is over: nothing to do. */
  | 'stale'
  | 'missing';

/** Problems kept on a record (the most recent). */
const MAX_ERRORS = 20;
/** Ids kept per count on a record. */
export const MAX_IDS = 100;

/** An error as a record keeps it: a short message, never a stack. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** The record's errors with one more (the most recent kept). */
export function withError(errors: readonly string[], e: unknown): string[] {
  return [...errors, errorText(e)].slice(-MAX_ERRORS);
}

/** A job id: time-ordered, unguessable enough for an admin resource. */
function newJobId(now: Date): string {
  return `job-${now.getTime().toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** The first phase of each kind. */
const FIRST_PHASE: Record<JobKind, string> = {
  rebuild: 'train',
  check: 'compare',
  repair: 'compare',
  rescore: 'rescore',
  // A merge's corrections are rewritten, an undo's restored, before their interviews are re-indexed.
  merge: 'corrections',
  undo: 'restore',
  // A merge's dry run counts the quotes (and their interviews), then the people, then the corrections.
  preview: 'quotes',
};

/** Dependencies of {@link JobRunner}. */
export interface JobRunnerDeps {
  store: JobStore;
  dispatch: Dispatch;
  now?: () => Date;
  /** Attempts at one step before the job fails (default 3). */
  maxAttempts?: number;
}

/** A job as it is recorded when submitted: queued at `at`, at its kind's first phase, nothing done. */
export function queuedJob(spec: JobSpec, id: string, at: string): Job {
  return {
    id,
    kind: spec.kind,
    reason: spec.reason ?? null,
    params:
      'mergeId' in spec
        ? { mergeId: spec.mergeId }
        : spec.kind === 'preview'
          ? { from: spec.from, into: spec.into }
          : {},
    state: 'queued',
    phase: FIRST_PHASE[spec.kind],
    step: 0,
    pages: 0,
    cursor: null,
    pace: null,
    lastId: null,
    attempts: 0,
    done: 0,
    total: null,
    result: {},
    ids: {},
    errors: [],
    error: null,
    createdAt: at,
    startedAt: null,
    updatedAt: at,
    finishedAt: null,
  };
}

/** Creates jobs, and runs their steps as they are delivered. */
export class JobRunner implements Jobs {
  private readonly store: JobStore;
  private readonly dispatch: Dispatch;
  private readonly now: () => Date;
  private readonly maxAttempts: number;

  constructor(deps: JobRunnerDeps) {
    this.store = deps.store;
    this.dispatch = deps.dispatch;
    this.now = deps.now ?? (() => new Date());
    this.maxAttempts = deps.maxAttempts ?? 3;
  }

  /** Records a new job (queued) and sends its first step. */
  async submit(spec: JobSpec): Promise<Job> {
    const now = this.now();
    const job = queuedJob(spec, newJobId(now), now.toISOString());
    if (!(await this.store.putJob(job, null))) throw new Error(`job ${job.id} exists already`);
    await this.dispatch({ id: job.id, step: 0, attempt: 0 });
    return job;
  }

  get(id: string): Promise<Job | null> {
    return this.store.getJob(id);
  }

  /**
   * Sends the next step of every open job again, oldest first: for a process that starts where
   * one stopped mid-job (npm start killed), whose in-process queue died with it. Safe to call
   * whenever: a step already delivered runs once, its copy is stale ({@link run}).
   */
  async resume(): Promise<Job[]> {
    const open = await this.store.listOpenJobs();
    for (const job of open) await this.dispatch({ id: job.id, step: job.step, attempt: job.attempts });
    return open;
  }

  /**
   * Runs a delivered step with `execute` and sends the next one. A step that throws is tried
   * again (a new message) up to `maxAttempts`, then the job fails with its error. Throws only
   * when the record cannot be read or written (the delivery should then be retried).
   */
  async run(delivered: JobStep, execute: Execute): Promise<StepOutcome> {
    const job = await this.store.getJob(delivered.id);
    if (!job) return 'missing';
    if (job.state === 'done' || job.state === 'failed') return 'stale';
    if (job.step === delivered.step + 1) {
      // This step ran and was saved, but its successor may never have left: send it again
      // (the FIFO queue drops it if it did, within its 5-minute deduplication window).
      await this.dispatch({ id: job.id, step: job.step, attempt: job.attempts });
      return 'resent';
    }
    if (job.step !== delivered.step || job.attempts !== delivered.attempt) return 'stale';
    const at = this.now().toISOString();
    const running: Job = { ...job, state: 'running', startedAt: job.startedAt ?? at, updatedAt: at };
    // The first step says so before it starts (one write per job), so a long one shows as running.
    if (job.state === 'queued' && !(await this.store.putJob(running, job.step))) return 'stale';
    let next: Job;
    try {
      next = await execute(running);
    } catch (e) {
      const attempts = job.attempts + 1;
      const gaveUp = attempts >= this.maxAttempts;
      const failedAt = this.now().toISOString();
      const saved: Job = {
        ...running,
        attempts,
        errors: withError(running.errors, e),
        updatedAt: failedAt,
        ...(gaveUp ? { state: 'failed' as const, error: errorText(e), finishedAt: failedAt } : {}),
      };
      if (!(await this.store.putJob(saved, job.step))) return 'stale';
      if (gaveUp) return 'failed';
      await this.dispatch({ id: job.id, step: job.step, attempt: attempts });
      return 'retrying';
    }
    const savedAt = this.now().toISOString();
    const saved: Job = {
      ...next,
      step: job.step + 1,
      attempts: 0,
      updatedAt: savedAt,
      ...(next.state === 'done' ? { finishedAt: savedAt, cursor: null } : {}),
    };
    if (!(await this.store.putJob(saved, job.step))) return 'stale';
    if (saved.state === 'done') return 'finished';
    await this.dispatch({ id: job.id, step: saved.step, attempt: 0 });
    return 'ran';
  }
}

/** A job as the API shows it (GET /admin/jobs/{id}): its progress, without the internal cursor. */
export function jobView(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    reason: job.reason,
    params: job.params,
    state: job.state,
    phase: job.phase,
    steps: job.step,
    pages: job.pages,
    done: job.done,
    total: job.total,
    result: job.result,
    ids: job.ids,
    attempts: job.attempts,
    errors: job.errors,
    error: job.error,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
  };
}
