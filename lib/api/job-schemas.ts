/**
 * Schemas of background jobs (lib/jobs) as the API shows them: what POST /admin/reindex, the
 * consistency routes, taxonomy edits and large merges answer, and GET /admin/jobs/{id}.
 */
import * as z from 'zod';

/** A background job's record (lib/jobs/runner.ts `jobView`). */
export const JobSchema = z.object({
  id: z.string(),
  /** `preview`: a merge's dry run too large to count before answering (its `result` has the counts). */
  kind: z.enum(['rebuild', 'check', 'repair', 'rescore', 'merge', 'undo', 'preview']),
  /** Why it runs (e.g. `taxonomy v3`). */
  reason: z.string().nullable(),
  /** Kind-specific parameters (a merge's id; a preview's `from` and `into`). */
  params: z.record(z.string(), z.string()),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  /** The part running now (`train`, `rescore`, `apply`, `compare`, `sweep`, `quotes`, `rest`), `done` at the end. */
  phase: z.string(),
  /** Steps run (each a bounded amount of work, one message on the indexing queue on AWS). */
  steps: z.number(),
  /** Pages of interviews (or of a tag's quotes) done. */
  pages: z.number(),
  /** Interviews done in the current phase, and about how many there are (null: not known). */
  done: z.number(),
  total: z.number().nullable(),
  /** Counts: `indexed`, `removed`, `checked`, `missing`, `stale`, `extra`, `tags`, `reingest`, `changed`, `repaired`, `failed`, … */
  result: z.record(z.string(), z.number()),
  /** The first ids (up to 100) behind some counts, e.g. the interviews a check found `missing`. */
  ids: z.record(z.string(), z.array(z.string())),
  /** Failed attempts at the current step (a step is tried 3 times). */
  attempts: z.number(),
  /** Problems it stepped over (the last 20), e.g. an interview it could not read. */
  errors: z.array(z.string()),
  /** Why it failed (state `failed`). */
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** Path of a job. */
export const JobParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** 202 Accepted: the job started (follow it at GET /admin/jobs/{id}, the Location header). */
export const JobAcceptedResponse = z.object({ job: JobSchema });
