/**
 * The job port on the table: one item per background job, written by the step that advanced it
 * only while the item still says that step was next (so a redelivered step never moves a job
 * twice).
 */
import { JOB_RETENTION_DAYS, type Job, JobEntity } from './items.ts';
import { keys, parseKey, TABLE } from './keys.ts';
import type { JobStore } from './port.ts';
import { Table } from './table.ts';

/** The DynamoDB implementation of {@link JobStore}. */
export class DynamoJobs implements JobStore {
  constructor(private readonly table: Table) {}

  putJob(job: Job, expectedStep?: number | null): Promise<boolean> {
    return this.table.put(
      JobEntity.toItem(job),
      expectedStep === undefined
        ? undefined
        : expectedStep === null
          ? { absent: true }
          : { attribute: 'step', equals: expectedStep },
    );
  }

  async getJob(id: string): Promise<Job | null> {
    const it = await this.table.get(keys.job(id));
    return it ? JobEntity.fromItem(it) : null;
  }

  async listOpenJobs(): Promise<Job[]> {
    // The index is eventually consistent: each is read again from its record.
    const listed = await this.table.queryAll(Table.indexQuery(keys.openJobsPk));
    const jobs = await Promise.all(listed.map((it) => this.getJob(JobEntity.fromItem(it).id)));
    return jobs.filter((j): j is Job => j !== null && (j.state === 'queued' || j.state === 'running'));
  }

  async firstVisits(jobId: string, step: number, interviewIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(interviewIds)];
    if (ids.length === 0) return [];
    const seen = await this.table.batchGet(ids.map((id) => keys.jobVisit(jobId, id)));
    const before = new Set<string>();
    for (const it of seen) {
      const key = parseKey({ pk: it.pk as string, sk: it.sk as string });
      if (key?.kind === 'jobVisit' && typeof it.step === 'number' && it.step < step)
        before.add(key.interviewId);
    }
    const first = ids.filter((id) => !before.has(id));
    // Kept as long as a finished job's record at least (the job may run for a while yet).
    const expiresAt = Math.floor(Date.now() / 1000) + 2 * JOB_RETENTION_DAYS * 86_400;
    await this.table.batchWrite(
      first.map((id) => ({ ...keys.jobVisit(jobId, id), step, [TABLE.expiresAt]: expiresAt })),
      [],
    );
    return first;
  }
}
