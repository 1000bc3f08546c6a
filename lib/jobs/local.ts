/**
 * Jobs in one process (npm start, the API tests): the same records and steps as on AWS, with
 * the FIFO queue replaced by an in-process one. Steps run one at a time in the order they were
 * sent, each after the event loop has had its turn, so requests keep being served meanwhile. A
 * job left open by a process that stopped is carried on by the next one ({@link LocalJobs.resume}).
 */
import type { Logger } from '../api/app.ts';
import type { JobStore } from '../store/port.ts';
import { type Execute, type Job, JobRunner, type JobSpec, type JobStep, type Jobs } from './runner.ts';

/** Jobs run by this process. */
export class LocalJobs implements Jobs {
  private readonly runner: JobRunner;
  private readonly steps: JobStep[] = [];
  private draining: Promise<void> | null = null;
  private execute: Execute | null = null;
  private readonly log: Logger;

  constructor(store: JobStore, options: { logger?: Logger; now?: () => Date } = {}) {
    this.log = options.logger ?? (() => {});
    this.runner = new JobRunner({
      store,
      ...(options.now ? { now: options.now } : {}),
      dispatch: async (step) => {
        this.steps.push(step);
        this.kick();
      },
    });
  }

  /**
   * Sets what runs a step (built after the use cases it calls, which themselves submit jobs).
   * Steps sent before wait for it.
   */
  attach(execute: Execute): void {
    this.execute = execute;
    this.kick();
  }

  submit(spec: JobSpec): Promise<Job> {
    return this.runner.submit(spec);
  }

  get(id: string): Promise<Job | null> {
    return this.runner.get(id);
  }

  /** Carries on the jobs a previous process left open (its queue was in memory): see JobRunner.resume. */
  async resume(): Promise<Job[]> {
    const open = await this.runner.resume();
    for (const job of open)
      this.log({ level: 'info', msg: 'job resumed', job: job.id, kind: job.kind, step: job.step });
    return open;
  }

  /** Resolves when no step is waiting or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private kick(): void {
    if (this.draining || !this.execute || this.steps.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    const execute = this.execute as Execute;
    for (let step = this.steps.shift(); step; step = this.steps.shift()) {
      await new Promise((r) => setImmediate(r));
      try {
        const outcome = await this.runner.run(step, execute);
        if (outcome === 'failed' || outcome === 'retrying')
          this.log({ level: 'warn', msg: 'job step failed', job: step.id, step: step.step, outcome });
      } catch (e) {
        // The record could not be read or written (the store is down): the job stops here, as
        // it stays on its step; a new submission starts over.
        this.log({ level: 'error', msg: 'job step not recorded', job: step.id, error: String(e) });
      }
    }
  }
}
