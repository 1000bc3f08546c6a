/**
 * The job port on the table: one item per background job, written by the step that advanced it
 * only while the item still says that step was next (so a redelivered step never moves a job
 * twice).
 */
import { type Job, JobEntity } from './items.ts';
import { keys } from './keys.ts';
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
}
