/** Background jobs through the API of a local runtime: start one, wait for it, read its record. */
import { expect } from 'vitest';
import type { jobView } from '../../lib/jobs/runner.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH } from './dynamo.ts';

/** A job as GET /admin/jobs/{id} shows it. */
export type JobView = ReturnType<typeof jobView>;

/** Reads a job's record through the API. */
export async function jobOf(rt: LocalRuntime, id: string): Promise<JobView> {
  const res = await rt.app.request(`/admin/jobs/${id}`, { headers: AUTH });
  expect(res.status).toBe(200);
  return (await res.json()) as JobView;
}

/** POSTs a route that starts a job (202 with its Location), waits until it is over, returns it. */
export async function runJob(rt: LocalRuntime, path: string): Promise<JobView> {
  const res = await rt.app.request(path, { method: 'POST', headers: AUTH });
  expect(res.status).toBe(202);
  const { job } = (await res.json()) as { job: JobView };
  expect(res.headers.get('location')).toBe(`/admin/jobs/${job.id}`);
  await rt.jobs.idle();
  return jobOf(rt, job.id);
}

/** The report of a consistency job (POST /admin/consistency, or …/repair), as lists of ids. */
export async function consistency(rt: LocalRuntime, repair = false) {
  const job = await runJob(rt, repair ? '/admin/consistency/repair' : '/admin/consistency');
  expect(job).toMatchObject({ state: 'done', error: null });
  return {
    checked: job.result.checked ?? 0,
    missing: job.ids.missing ?? [],
    extra: job.ids.extra ?? [],
    stale: job.ids.stale ?? [],
    tags: job.ids.tags ?? [],
    /** Interviews whose stored record is not what their people edits and profiles make of it. */
    people: job.ids.people ?? [],
    /** Interviews stored before `narration` existed: only ingesting their source again gives it. */
    reingest: job.ids.reingest ?? [],
    repaired: job.result.repaired === 1,
  };
}
