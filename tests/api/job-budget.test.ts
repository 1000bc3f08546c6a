/**
 * A job step ends inside its time budget on a slow store: every command to the table (dynalite,
 * through the real SDK client) is delayed by middleware, so that a page of the usual size takes
 * longer than a whole step may. The step sizes its pages by the pace it measures and yields; the
 * steps that follow carry on from its cursor, and what the job did is exactly the work once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interviewIdOfQuote } from '../../lib/ids.ts';
import type { Job } from '../../lib/jobs/runner.ts';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { defaultIndexOptions } from '../../lib/search/snapshots.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { slowCommands } from '../helpers/faults.ts';
import { consistency, jobOf } from '../helpers/jobs.ts';
import { read, samplesDir } from '../helpers/shared.ts';

const SAMPLES = [
  '01-blog-haruka-1.txt',
  '02-blog-haruka-2.txt',
  '03-blog-kenji.txt',
  '04-dash-yuki.txt',
  '05-dash-sora.txt',
  '06-prefixed-qa.txt',
  '07-prefixed-names.txt',
  '09-markdown-mei.md',
];
/** The step budget, and the delay of every command while a job runs. */
const BUDGET_MS = 3000;
/** Interviews (or people, corrections, changes) per page at most; quotes ten times as many. */
const PAGE = 10;
const DELAY_MS = 40;

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
/** Set while a job runs: commands wait, and the job record's saves are timed. */
let slow = false;
let saves: Array<{ step: number; at: number; phase: string; pages: number }> = [];
/** When the runner last read a job's record: where a delivered step starts. */
let reads: number[] = [];
/** Items each Query of a watched partition returned while a job ran (partition → counts). */
let watched = new Map<string, number[]>();

beforeAll(async () => {
  db = await embedded();
  // Pages of up to 10 interviews or 100 quotes, as many as the time allows: a page that large
  // takes longer than a step's budget with every command delayed.
  rt = await runtime(db.client, {
    // The margin is a few interviews' refresh here (each ~0.3 s with the delay), as on Lambda
    // (10 s of 60: a few hundred interviews).
    jobBudget: { pageSize: PAGE, maxPages: 100, ms: BUDGET_MS, marginMs: BUDGET_MS / 3 },
    inlineInterviews: 1,
  });
  for (const [i, file] of SAMPLES.entries()) {
    const res = await rt.app.request(`/interviews?id=s${i}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, file)),
    });
    expect(res.status).toBe(201);
  }
  slowCommands(
    db.client,
    () => (slow ? DELAY_MS : 0),
    (command, input) => {
      // A step ends when the runner saves the job's record (a conditional put of JOB#…; the
      // store's document client sends its items unmarshalled).
      const item = (input as { Item?: { pk?: unknown; step?: unknown } }).Item;
      const key = (input as { Key?: { pk?: unknown } }).Key;
      if (slow && command.startsWith('Get') && String(key?.pk).startsWith('JOB#'))
        reads.push(performance.now());
      if (slow && command.startsWith('Put') && String(item?.pk).startsWith('JOB#'))
        saves.push({
          step: Number(item?.step),
          at: performance.now(),
          phase: String((item as { phase?: unknown })?.phase),
          pages: Number((item as { pages?: unknown })?.pages),
        });
    },
  );
  // What each Query returned, by partition (a tag's people, its corrections, a merge's changes):
  // a list read whole comes back in one answer, a page no larger than its limit.
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (slow && String(context.commandName) === 'QueryCommand') {
        const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> })
          .ExpressionAttributeValues;
        const v = (values?.[':gpk'] ?? values?.[':pk']) as string | { S?: string } | undefined;
        const partition = typeof v === 'string' ? v : (v?.S ?? '');
        const n = ((out.output as { Items?: unknown[] }).Items ?? []).length;
        watched.set(partition, [...(watched.get(partition) ?? []), n]);
      }
      return out;
    },
    { step: 'initialize', name: 'watch-queries' },
  );
});
afterAll(async () => {
  slow = false;
  await rt.flush();
  await db.close();
});

/** Runs what `start` submits with the store slow; returns the finished job and each step's ms. */
async function slowJob(
  start: () => Promise<string>,
): Promise<{ job: Awaited<ReturnType<typeof jobOf>>; steps: number[] }> {
  saves = [];
  reads = [];
  watched = new Map();
  slow = true;
  const id = await start();
  await rt.jobs.idle();
  slow = false;
  // A step: from the runner's read of the record to its save of the step's end (the last read
  // before that save; the first step also saves that it started).
  const ends = saves.filter((s, i) => s.step > 0 && saves[i - 1]?.step !== s.step).map((s) => s.at);
  const steps = ends.map(
    (at) => at - Math.max(...reads.filter((r) => r < at && !ends.some((e) => e > r && e < at))),
  );
  if (process.env.JOB_BUDGET_DEBUG)
    console.log(
      saves
        .filter((s, i) => s.step > 0 && saves[i - 1]?.step !== s.step)
        .map((s, i) => [s.phase, s.pages, steps[i]]),
    );
  return { job: await jobOf(rt, id), steps };
}

/** Merges tag `from` into a new tag `into` with the store slow (see slowJob); the merge's id too. */
async function mergeSlowly(from: string, into: string) {
  let mergeId = '';
  const merged = await slowJob(async () => {
    const res = await rt.app.request(`/tags/${from}/merge`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ into, create: true }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; job: Job | null };
    mergeId = body.id;
    return body.job?.id ?? '';
  });
  return { merged, mergeId };
}

/** Undoes merge `mergeId` with the store slow (see slowJob). */
function undoSlowly(mergeId: string) {
  return slowJob(async () => {
    const res = await rt.app.request(`/merges/${mergeId}/undo`, { method: 'POST', headers: AUTH });
    expect(res.status).toBe(200);
    return ((await res.json()) as { job: Job | null }).job?.id ?? '';
  });
}

async function getJson<T>(path: string): Promise<T> {
  const res = await rt.app.request(path, { headers: AUTH });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function postJson(path: string, body: unknown): Promise<void> {
  const res = await rt.app.request(path, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path} ${await res.clone().text()}`).toBe(200);
}

/** Interviewees carrying a tag, or all of them (every page of GET /interviewees). */
async function carriers(tag?: string): Promise<Array<{ id: string; manual: { add: string[] } }>> {
  const out: Array<{ id: string; manual: { add: string[] } }> = [];
  let cursor: string | null = null;
  do {
    const page: { interviewees: typeof out; nextCursor: string | null } = await getJson(
      `/interviewees?limit=100${tag ? `&tag=${tag}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.interviewees);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('a job step on a slow store', () => {
  it('a merge and its undo yield inside the budget and move every quote exactly once', async () => {
    // The topic with the most quotes (not one that keeps its id), merged into a new tag.
    const tags = await getJson<{ tags: Array<{ id: string; quotes: number; kind: string }> }>('/tags');
    const from = tags.tags
      .filter((t) => t.kind === 'topic' && !['work-balance', 'crowdsourcing', 'future-demand'].includes(t.id))
      .sort((a, b) => b.quotes - a.quotes)[0];
    if (!from) throw new Error('no topic to merge');
    const quotes = (
      await getJson<{ quotes: Array<{ quoteId: string }> }>(`/tags/${from.id}/quotes?limit=100`)
    ).quotes
      .map((q) => q.quoteId)
      .sort();
    expect(quotes.length).toBeGreaterThanOrEqual(10);

    const { merged, mergeId } = await mergeSlowly(from.id, 'slow-target');
    expect(merged.job).toMatchObject({ state: 'done', error: null, errors: [] });
    // It took more than one step's budget in all, so it had to yield; no step ran over.
    expect(merged.steps.reduce((a, b) => a + b, 0)).toBeGreaterThan(BUDGET_MS);
    expect(merged.steps.length).toBeGreaterThanOrEqual(3);
    for (const ms of merged.steps) expect(ms, `steps ${merged.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    // Every quote read once (a page read twice counts more, one skipped fewer) and moved.
    expect(merged.job.result.quotes).toBe(quotes.length);
    const moved = await getJson<{ quotes: Array<{ quoteId: string }> }>('/tags/slow-target/quotes?limit=100');
    expect(moved.quotes.map((q) => q.quoteId).sort()).toEqual(quotes);

    const undone = await undoSlowly(mergeId);
    expect(undone.job).toMatchObject({ state: 'done', error: null, errors: [] });
    for (const ms of undone.steps) expect(ms, `steps ${undone.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    expect(undone.job.result.quotes).toBe(quotes.length);
    const back = await getJson<{ quotes: Array<{ quoteId: string }> }>(`/tags/${from.id}/quotes?limit=100`);
    expect(back.quotes.map((q) => q.quoteId).sort()).toEqual(quotes);
    expect(await consistency(rt)).toMatchObject({ missing: [], stale: [], tags: [] });
  }, 120_000);

  it("a merge's and an undo's people and corrections are read a page at a time, each counted once", async () => {
    // A topic carried by every interviewee by hand and named by corrections on many quotes: its
    // lists (people, corrections, then the merge's changes) are longer than a page, so a phase
    // that read one whole (as the people and rest phases did, at every step) shows as a Query
    // answering more than a page.
    const tags = await getJson<{ tags: Array<{ id: string; quotes: number; kind: string }> }>('/tags');
    const from = tags.tags
      .filter((t) => t.kind === 'topic' && !['work-balance', 'crowdsourcing', 'future-demand'].includes(t.id))
      .sort((a, b) => b.quotes - a.quotes)[1];
    if (!from) throw new Error('no topic to merge');
    const people = await carriers();
    for (const p of people) await postJson(`/interviewees/${p.id}/tags`, { tags: [from.id] });
    // Three quotes of each interview: spread, so that no one interview's refresh (whose cost a
    // page of quotes cannot foresee: a page's limit is in quotes) is most of a step.
    const corrected: Array<{ id: string }> = [];
    for (const i of SAMPLES.keys()) {
      const iv = await getJson<{ turns: Array<{ id: string; tags: string[] }> }>(`/interviews/s${i}`);
      corrected.push(...iv.turns.filter((t) => !t.tags.includes(from.id)).slice(0, 3));
    }
    for (const t of corrected) await postJson(`/quotes/${t.id}/tags`, { tags: [from.id] });
    const carrying = (await carriers(from.id)).map((p) => p.id).sort();
    const quotes = (
      await getJson<{ quotes: Array<{ quoteId: string }> }>(`/tags/${from.id}/quotes?limit=100`)
    ).quotes
      .map((q) => q.quoteId)
      .sort();
    // Longer than a page (10) each, or the test shows nothing: the people's list has an entry per
    // interview a person carries the tag in, and one for the tag added by hand.
    expect(carrying.length).toBeGreaterThan(3);
    expect((await rt.store.peopleWithTag(from.id)).length).toBeGreaterThan(PAGE);
    expect(corrected.length).toBeGreaterThan(PAGE);
    expect(quotes.length).toBeLessThan(100);
    // The interviews the merge re-indexes, each once: those of the tag's quotes, of the corrected
    // quotes, and where someone carries it (a merge done before answering counts this set). Every
    // corrected interview is also on the quotes' list, and the undo's lists (under the new tag,
    // which does not shrink as it is refreshed) name each interview on all three.
    const touched = new Set([
      ...[...quotes, ...corrected.map((t) => t.id)].map((q) => interviewIdOfQuote(q) ?? `? ${q}`),
      ...(await rt.store.peopleWithTag(from.id)).flatMap((p) => (p.interviewId ? [p.interviewId] : [])),
    ]);
    expect([...touched].filter((id) => id.startsWith('?'))).toEqual([]);

    const { merged, mergeId } = await mergeSlowly(from.id, 'slow-lists');
    expect(merged.job).toMatchObject({ state: 'done', error: null, errors: [] });
    // Each person and correction once (a page read twice counts more, one skipped fewer).
    expect(merged.job.result).toMatchObject({
      people: carrying.length,
      corrections: carrying.length + corrected.length,
      quotes: quotes.length,
      interviews: touched.size,
    });
    const lists = [`PTAG#${from.id}`, `MQTAG#${from.id}`, `MERGE#${mergeId}`];
    for (const list of lists) {
      expect(watched.get(list)?.length ?? 0, list).toBeGreaterThan(0);
      expect(Math.max(...(watched.get(list) ?? [])), `${list}: ${watched.get(list)}`).toBeLessThanOrEqual(
        PAGE,
      );
    }
    for (const ms of merged.steps) expect(ms, `steps ${merged.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    // (GET /interviewees?tag= resolves a merged-away tag to its target: the store says who has it.)
    expect(await rt.store.peopleWithTag(from.id)).toEqual([]);
    expect((await carriers('slow-lists')).map((p) => p.id).sort()).toEqual(carrying);

    const undone = await undoSlowly(mergeId);
    expect(undone.job).toMatchObject({ state: 'done', error: null, errors: [] });
    for (const ms of undone.steps) expect(ms, `steps ${undone.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    expect(undone.job.result).toMatchObject({
      restored: carrying.length + corrected.length,
      kept: 0,
      quotes: quotes.length,
      interviews: touched.size,
    });
    for (const list of [`PTAG#slow-lists`, `MERGE#${mergeId}`]) {
      expect(watched.get(list)?.length ?? 0, list).toBeGreaterThan(0);
      expect(Math.max(...(watched.get(list) ?? [])), `${list}: ${watched.get(list)}`).toBeLessThanOrEqual(
        PAGE,
      );
    }
    const back = await carriers(from.id);
    expect(back.map((p) => p.id).sort()).toEqual(carrying);
    for (const p of back) expect(p.manual.add).toContain(from.id);
    const quotesBack = await getJson<{ quotes: Array<{ quoteId: string }> }>(
      `/tags/${from.id}/quotes?limit=100`,
    );
    expect(quotesBack.quotes.map((q) => q.quoteId).sort()).toEqual(quotes);
    expect(await consistency(rt)).toMatchObject({ missing: [], stale: [], tags: [] });
  }, 120_000);

  it('a rebuild stays inside the budget and indexes each interview once, as a fresh build', async () => {
    const rebuilt = await slowJob(async () => {
      const res = await rt.app.request('/admin/reindex', { method: 'POST', headers: AUTH });
      expect(res.status).toBe(202);
      return ((await res.json()) as { job: Job }).job.id;
    });
    expect(rebuilt.job).toMatchObject({ state: 'done', error: null, errors: [] });
    for (const ms of rebuilt.steps) expect(ms, `steps ${rebuilt.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    expect(rebuilt.job.result.indexed).toBe(SAMPLES.length);
    const fresh = snapshotIndexer(rt.store, defaultIndexOptions());
    await fresh.rebuild();
    expect(rt.indexer.index.stats).toEqual(fresh.index.stats);
  });

  it("a sweep reads the index's interviews a page at a time, never the store's whole list, and counts them", async () => {
    // More interviews than a page (the samples again under other ids), two of them then deleted
    // from the store behind the index's back: the sweep finds them, a page at a time.
    for (const [i, file] of SAMPLES.entries()) {
      const res = await rt.app.request(`/interviews?id=x${i}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        body: read(join(samplesDir, file)),
      });
      expect(res.status).toBe(201);
    }
    await rt.flush();
    const indexed = rt.indexer.index.stats.interviews;
    expect(indexed).toBe(2 * SAMPLES.length);
    expect(indexed).toBeGreaterThan(PAGE);
    const gone = ['x2', 's5'];
    for (const id of gone) expect(await rt.store.deleteInterview(id)).toBe(true);
    expect(rt.indexer.index.interview('x2')).toBeDefined();

    const checked = await slowJob(async () => {
      const res = await rt.app.request('/admin/consistency', { method: 'POST', headers: AUTH });
      expect(res.status).toBe(202);
      return ((await res.json()) as { job: Job }).job.id;
    });
    expect(checked.job).toMatchObject({ state: 'done', error: null, errors: [] });
    expect(checked.job.result).toMatchObject({ checked: indexed - gone.length, extra: gone.length });
    expect([...(checked.job.ids.extra ?? [])].sort()).toEqual([...gone].sort());
    // The store's list of interviews (GSI INTERVIEWS) was read a page at a time: the sweep read it
    // whole, in one answer of every interview.
    const listed = watched.get('INTERVIEWS') ?? [];
    expect(listed.length).toBeGreaterThan(0);
    expect(Math.max(...listed), `INTERVIEWS: ${listed}`).toBeLessThanOrEqual(PAGE);
    // Its last phase's progress: every interview the index held, swept once.
    expect(checked.job).toMatchObject({ done: indexed, total: indexed });
    for (const ms of checked.steps) expect(ms, `steps ${checked.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    // A check changes nothing.
    expect(rt.indexer.index.interview('x2')).toBeDefined();

    const repaired = await slowJob(async () => {
      const res = await rt.app.request('/admin/consistency/repair', { method: 'POST', headers: AUTH });
      expect(res.status).toBe(202);
      return ((await res.json()) as { job: Job }).job.id;
    });
    expect(repaired.job).toMatchObject({ state: 'done', error: null, errors: [] });
    expect(repaired.job.result).toMatchObject({ extra: gone.length, repaired: 1 });
    expect(repaired.job).toMatchObject({ done: indexed, total: indexed });
    for (const ms of repaired.steps) expect(ms, `steps ${repaired.steps}`).toBeLessThanOrEqual(BUDGET_MS);
    const relisted = watched.get('INTERVIEWS') ?? [];
    expect(Math.max(...relisted), `INTERVIEWS: ${relisted}`).toBeLessThanOrEqual(PAGE);
    for (const id of gone) expect(rt.indexer.index.interview(id)).toBeUndefined();
    expect(rt.indexer.index.stats.interviews).toBe(indexed - gone.length);
    expect(await consistency(rt)).toMatchObject({ missing: [], extra: [], stale: [], tags: [] });
  }, 120_000);
});
