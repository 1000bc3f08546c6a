/**
 * Background work of the tag model (re-scoring quotes after a taxonomy change): a small
 * in-process queue, one job at a time, with job records readable while it runs. Behind the
 * {@link Jobs} interface so a durable job framework can replace it.
 */
import { randomBytes } from 'node:crypto';

/** A job's record. */
export interface JobRecord {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** Units done and in total (interviews, for a re-score). */
  done: number;
  total: number | null;
  /** What the job found (e.g. interviews whose tags changed). */
  result: Record<string, number>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What a job reports while it runs. */
export interface JobProgress {
  setTotal(total: number): void;
  step(n?: number): void;
  count(name: string, n?: number): void;
}

/** Runs background jobs and keeps their records. */
export interface Jobs {
  submit(kind: string, run: (progress: JobProgress) => Promise<void>): JobRecord;
  get(id: string): JobRecord | null;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
}

/** The in-process queue: jobs run one after another on this process's event loop. */
export class InProcessJobs implements Jobs {
  private readonly records = new Map<string, JobRecord>();
  private chain: Promise<void> = Promise.resolve();
  private readonly keep: number;
  private readonly now: () => Date;

  constructor(options: { keep?: number; now?: () => Date } = {}) {
    this.keep = options.keep ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  submit(kind: string, run: (progress: JobProgress) => Promise<void>): JobRecord {
    const record: JobRecord = {
      id: `job-${this.now().getTime().toString(36)}-${randomBytes(4).toString('hex')}`,
      kind,
      state: 'queued',
      done: 0,
      total: null,
      result: {},
      error: null,
      createdAt: this.now().toISOString(),
      finishedAt: null,
    };
    this.records.set(record.id, record);
    while (this.records.size > this.keep) {
      const oldest = this.records.keys().next().value;
      if (oldest === undefined) break;
      this.records.delete(oldest);
    }
    const progress: JobProgress = {
      setTotal: (total) => {
        record.total = total;
      },
      step: (n = 1) => {
        record.done += n;
      },
      count: (name, n = 1) => {
        record.result[name] = (record.result[name] ?? 0) + n;
      },
    };
    this.chain = this.chain.then(async () => {
      record.state = 'running';
      try {
        await run(progress);
        record.state = 'done';
      } catch (e) {
        record.state = 'failed';
        record.error = e instanceof Error ? e.message : String(e);
      } finally {
        record.finishedAt = this.now().toISOString();
      }
    });
    return { ...record };
  }

  get(id: string): JobRecord | null {
    const r = this.records.get(id);
    return r ? { ...r, result: { ...r.result } } : null;
  }

  idle(): Promise<void> {
    return this.chain;
  }
}
