/**
 * Background jobs through the HTTP API of the local runtime, with steps of two interviews so that
 * every job takes many steps: a rebuild ends with the index a fresh build gives (drift repaired,
 * deleted interviews gone) while search keeps answering; check and repair page through the store;
 * a large merge and its undo run as jobs; and the runner's bookkeeping on the real store (a step
 * delivered twice, a successor that never left, a step that keeps failing).
 */
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Job, JobRunner, type JobStep } from '../../lib/jobs/runner.ts';
import type { Interview } from '../../lib/model.ts';
import type { SearchPage } from '../../lib/search/index.ts';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { defaultIndexOptions } from '../../lib/search/snapshots.ts';
import { DynamoStore } from '../../lib/store/dynamo.ts';
import { JOB_RETENTION_DAYS } from '../../lib/store/items.ts';
import { keys } from '../../lib/store/keys.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime, tableName } from '../helpers/dynamo.ts';
import { consistency, jobOf, runJob } from '../helpers/jobs.ts';
import { BOOKSHOP_BODY, BOOKSHOP_HEAD } from '../helpers/narration.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type App = LocalRuntime['app'];

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

async function ingestAll(app: App): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, file] of SAMPLES.entries()) {
    const id = `s${i}`;
    const res = await app.request(`/interviews?id=${id}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, file)),
    });
    expect(res.status).toBe(201);
    ids.push(id);
  }
  return ids;
}

async function getJson<T>(app: App, path: string): Promise<T> {
  const res = await app.request(path, { headers: AUTH });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Fingerprint of every interview the index holds. */
async function fingerprints(indexer: LocalRuntime['indexer']): Promise<Record<string, string>> {
  return Object.fromEntries(
    (await indexer.interviewIds()).map((id) => [id, indexer.index.interview(id)?.fingerprint ?? '']),
  );
}

let db: Awaited<ReturnType<typeof embedded>>;
beforeAll(async () => {
  db = await embedded();
});
afterAll(async () => {
  await db.close();
});

describe('rebuild, check and repair in steps of two interviews', () => {
  let rt: LocalRuntime;
  let ids: string[];
  beforeAll(async () => {
    rt = await runtime(db.client, { jobBudget: { pageSize: 2, maxPages: 1, ms: 60_000 } });
    ids = await ingestAll(rt.app);
  });
  afterAll(async () => {
    await rt.flush();
  });

  it('a rebuild leaves the index a fresh build would give, while search keeps answering', async () => {
    // Drift: one interview missing from the index, one deleted behind its back, one edit unseen.
    rt.indexer.index.removeInterview('s1');
    await rt.store.deleteInterview('s7');
    const quote = `${ids[2]}-t003`;
    await rt.store.putQuoteTags(quote, { add: ['behind-the-back'], remove: [] }, 0, 'test');
    const res = await rt.app.request('/admin/reindex', { method: 'POST', headers: AUTH });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: Job };
    expect(job).toMatchObject({ kind: 'rebuild', state: 'queued', phase: 'train', steps: 0 });
    // Searches are served from the index being rebuilt, never from an empty one.
    const during = await getJson<SearchPage>(rt.app, '/search?q=%E4%BB%95%E4%BA%8B&limit=5');
    expect(during.total).toBeGreaterThan(0);
    await rt.jobs.idle();
    const done = await jobOf(rt, job.id);
    const stored = ids.length - 1;
    expect(done).toMatchObject({ state: 'done', phase: 'done', error: null, errors: [], attempts: 0 });
    expect(done.result).toMatchObject({ indexed: stored, removed: 1, extra: 1 });
    // Finished, it says how far its last phase went (it read done 0, total null after the sweep
    // once): the sweep's, over every interview the index held (the stored ones, and the one
    // deleted behind its back, swept).
    expect(done).toMatchObject({ done: stored + 1, total: stored + 1 });
    // train, then one step per page of up to two (the phase's first page is of one: it measures
    // the pace; a last page that is full leaves an empty one to find the end), then the sweep's
    // pages of the index's ids (up to 20 here): one of one id (it measures the pace), then the
    // rest in one.
    const sweepSteps = 2;
    expect(done.pages).toBeGreaterThanOrEqual(Math.ceil(stored / 2) + sweepSteps);
    expect(done.steps).toBeGreaterThanOrEqual(1 + Math.ceil(stored / 2) + sweepSteps);
    expect(done.steps).toBeLessThanOrEqual(1 + 1 + Math.ceil((stored - 1) / 2) + 1 + sweepSteps);
    expect(Date.parse(done.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    expect(done.startedAt).not.toBeNull();
    // The same as building from nothing.
    const fresh = snapshotIndexer(rt.store, defaultIndexOptions());
    await fresh.rebuild();
    expect(await fingerprints(rt.indexer)).toEqual(await fingerprints(fresh));
    expect(rt.indexer.index.stats).toEqual(fresh.index.stats);
    expect(rt.indexer.index.search({ q: '', tags: ['behind-the-back'] }).total).toBe(1);
  });

  it('a check pages through the store and reports; a repair fixes what it reported', async () => {
    expect(await consistency(rt)).toMatchObject({ missing: [], extra: [], stale: [], tags: [] });
    rt.indexer.index.removeInterview('s0');
    await rt.store.deleteInterview('s6');
    const check = await runJob(rt, '/admin/consistency');
    expect(check).toMatchObject({ kind: 'check', state: 'done' });
    expect(check.result).toMatchObject({ checked: ids.length - 2, missing: 1, stale: 0, extra: 1 });
    expect(check.ids).toMatchObject({ missing: ['s0'], extra: ['s6'] });
    // A check changes nothing.
    expect(rt.indexer.index.interview('s0')).toBeUndefined();
    const repaired = await consistency(rt, true);
    expect(repaired).toMatchObject({ missing: ['s0'], extra: ['s6'], repaired: true });
    expect(await consistency(rt)).toMatchObject({ missing: [], extra: [], stale: [], repaired: false });
  });

  it('reports interviews stored before narration existed for re-ingest; ingesting the source again clears them', async () => {
    const text = [...BOOKSHOP_HEAD, ...BOOKSHOP_BODY].join('\n');
    const post = () =>
      rt.app.request('/interviews?id=old-shape', {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        body: text,
      });
    expect((await post()).status).toBe(201);
    // The record as an earlier version wrote it: the same interview without the field.
    const stored = await rt.store.getInterview('old-shape');
    if (!stored) throw new Error('old-shape was not stored');
    const { narration, ...older } = stored.interview;
    expect(narration.length).toBeGreaterThan(0);
    await rt.store.putInterview({
      interview: older as Interview,
      autoTags: stored.autoTags,
      people: stored.people,
    });
    expect(
      (await getJson<Record<string, unknown>>(rt.app, '/interviews/old-shape')).narration,
    ).toBeUndefined();
    // The console's reader shows its turns (it read `narration` as always there, and failed).
    const page = await rt.app.request('/interviews/old-shape', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('父が倒れたときに');
    expect(await consistency(rt)).toMatchObject({ reingest: ['old-shape'], missing: [], stale: [] });
    // A repair cannot parse what the store does not keep: it reports it again and changes nothing.
    expect(await consistency(rt, true)).toMatchObject({ reingest: ['old-shape'] });
    expect(
      (await getJson<Record<string, unknown>>(rt.app, '/interviews/old-shape')).narration,
    ).toBeUndefined();
    // Ingesting the source again (what `kikigaki ingest <folder>` does) gives it its narration.
    expect((await post()).status).toBe(200);
    const again = await getJson<Interview>(rt.app, '/interviews/old-shape');
    expect(again.narration.map((n) => n.text)).toEqual(narration.map((n) => n.text));
    expect(await consistency(rt)).toMatchObject({ reingest: [] });
    await rt.store.deleteInterview('old-shape');
    await rt.indexer.apply('old-shape');
  });

  it('answers 401 without the token and 404 for an unknown job', async () => {
    expect((await rt.app.request('/admin/reindex', { method: 'POST' })).status).toBe(401);
    expect((await rt.app.request('/admin/jobs/job-nope')).status).toBe(401);
    expect((await rt.app.request('/admin/jobs/job-nope', { headers: AUTH })).status).toBe(404);
    expect((await rt.app.request('/admin/jobs/no%20such', { headers: AUTH })).status).toBe(400);
  });
});

describe('a merge of more interviews than a request re-indexes runs as a job', () => {
  let rt: LocalRuntime;
  beforeAll(async () => {
    rt = await runtime(db.client, {
      jobBudget: { pageSize: 2, maxPages: 1, ms: 60_000 },
      inlineInterviews: 1,
    });
    await ingestAll(rt.app);
  });
  afterAll(async () => {
    await rt.flush();
  });

  it('stays applying until its job has re-indexed every interview; its undo too', async () => {
    // The topic carried by the most interviews.
    const tags = await getJson<{ tags: Array<{ id: string; quotes: number; kind: string }> }>(
      rt.app,
      '/tags',
    );
    const interviewsOf = async (tag: string) =>
      new Set(
        (await getJson<SearchPage>(rt.app, `/search?tag=${tag}&limit=100`)).hits.map((h) => h.interviewId),
      );
    let from = '';
    let spread = 0;
    for (const t of tags.tags.filter((x) => x.kind === 'topic')) {
      const n = (await interviewsOf(t.id)).size;
      if (n > spread) [from, spread] = [t.id, n];
    }
    expect(spread).toBeGreaterThanOrEqual(3);
    const quotes = (await getJson<SearchPage>(rt.app, `/search?tag=${from}&limit=100`)).hits.map(
      (h) => h.quoteId,
    );

    const res = await rt.app.request(`/tags/${from}/merge`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ into: 'merged-topic', create: true }),
    });
    expect(res.status).toBe(200);
    const merge = (await res.json()) as { id: string; interviews: number | null; job: Job | null };
    // The call answered before counting (the job counts): what it read was bounded.
    expect(merge).toMatchObject({ quotes: null, people: null, interviews: null, corrections: null });
    expect(merge.job).toMatchObject({ kind: 'merge', params: { mergeId: merge.id }, state: 'queued' });
    const listed = async () =>
      (
        await getJson<{ merges: Array<{ id: string; state: string; quotes: number; interviews: number }> }>(
          rt.app,
          '/merges',
        )
      ).merges[0];
    expect(await listed()).toMatchObject({ id: merge.id, state: 'applying' });
    await rt.jobs.idle();
    const job = await jobOf(rt, merge.job?.id ?? '');
    expect(job).toMatchObject({ state: 'done', error: null });
    expect(job.result.interviews).toBeGreaterThanOrEqual(spread);
    expect(job.result.quotes).toBe(quotes.length);
    expect(job.steps).toBeGreaterThanOrEqual(2);
    // The record has what the job counted once applied.
    expect(await listed()).toMatchObject({ id: merge.id, state: 'applied', quotes: quotes.length });
    expect((await listed())?.interviews).toBeGreaterThanOrEqual(spread);
    // Memberships and the index followed.
    const moved = await getJson<{ quotes: Array<{ quoteId: string }> }>(
      rt.app,
      '/tags/merged-topic/quotes?limit=100',
    );
    expect(moved.quotes.map((q) => q.quoteId).sort()).toEqual([...quotes].sort());
    expect((await getJson<SearchPage>(rt.app, '/search?tag=merged-topic&limit=100')).total).toBe(
      quotes.length,
    );
    // The merged-away tag reads as its target, and says so.
    const old = await getJson<SearchPage & { resolved?: Record<string, string> }>(
      rt.app,
      `/search?tag=${from}&limit=100`,
    );
    expect(old.resolved).toEqual({ [from]: 'merged-topic' });
    expect(old.total).toBe(quotes.length);
    const audit = await getJson<{ entries: Array<{ action: string }> }>(rt.app, `/audit?tag=${from}`);
    expect(audit.entries.map((e) => e.action)).toContain('merge');
    expect(await consistency(rt)).toMatchObject({ missing: [], stale: [], tags: [] });

    const undo = await rt.app.request(`/merges/${merge.id}/undo`, { method: 'POST', headers: AUTH });
    expect(undo.status).toBe(200);
    const undone = (await undo.json()) as { job: Job | null };
    expect(undone.job).toMatchObject({ kind: 'undo' });
    await rt.jobs.idle();
    expect(await jobOf(rt, undone.job?.id ?? '')).toMatchObject({ state: 'done' });
    const back = await getJson<SearchPage & { resolved?: Record<string, string> }>(
      rt.app,
      `/search?tag=${from}&limit=100`,
    );
    expect(back.total).toBe(quotes.length);
    expect(back.resolved).toBeUndefined();
    // The target the merge created went with it: a filter by it is a filter by no tag (a 400).
    const gone = await rt.app.request('/search?tag=merged-topic&limit=100');
    expect(gone.status).toBe(400);
    expect(((await gone.json()) as { error: { details: { tag: string } } }).error.details.tag).toBe(
      'merged-topic',
    );
    const after = await getJson<{ tags: Array<{ id: string }> }>(rt.app, '/tags');
    expect(after.tags.map((t) => t.id)).not.toContain('merged-topic');
    expect(await consistency(rt)).toMatchObject({ missing: [], stale: [], tags: [] });
  });

  it('an undo into a tag that existed refreshes its interviewees in steps of the budget, not all at once', async () => {
    const tags = await getJson<{ tags: Array<{ id: string; kind: string }> }>(rt.app, '/tags');
    const spread: Array<[string, number]> = [];
    for (const t of tags.tags.filter((x) => x.kind === 'topic'))
      spread.push([t.id, (await rt.store.peopleWithTag(t.id)).length]);
    // Two topics that editors may merge (not kept), the target carried by the most interviewees.
    const [into, from] = spread
      .filter(([t]) => !['work-balance', 'crowdsourcing', 'future-demand'].includes(t))
      .sort((a, b) => b[1] - a[1])
      .map(([t]) => t);
    const res = await rt.app.request(`/tags/${from}/merge`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ into }),
    });
    expect(res.status).toBe(200);
    const merge = (await res.json()) as { id: string; job: Job | null };
    await rt.jobs.idle();
    expect(await jobOf(rt, merge.job?.id ?? '')).toMatchObject({ state: 'done' });
    // The people who carry the target keep carrying it after the undo (their own quotes say it):
    // the undo's second phase refreshes each of their interviews.
    const people = new Set((await rt.store.peopleWithTag(into as string)).map((p) => p.interviewId));
    expect(people.size).toBeGreaterThanOrEqual(4);
    const undo = await rt.app.request(`/merges/${merge.id}/undo`, { method: 'POST', headers: AUTH });
    expect(undo.status).toBe(200);
    const undone = (await undo.json()) as { job: Job | null };
    await rt.jobs.idle();
    const job = await jobOf(rt, undone.job?.id ?? '');
    expect(job).toMatchObject({ state: 'done', error: null });
    // Steps of one page of 2 interviews: at least one step per two of them (it was one step).
    expect(job.steps).toBeGreaterThanOrEqual(1 + Math.ceil(people.size / 2));
    expect(job.result.interviews).toBeGreaterThanOrEqual(people.size);
    expect(await consistency(rt)).toMatchObject({ missing: [], stale: [], tags: [] });
  });

  it("a merge's and an undo's API calls make as many store requests with 44 corrections as with 4; the undo restores each exactly", async () => {
    // Requests the runtime sends to the table (through the SDK client's middleware, so each
    // command once, whatever it is), counted only while an API call is in progress: the job's
    // steps start after it has answered (the in-process queue runs them on a later turn).
    // Not counted: the taxonomy's and the model's version checks, made at most every 5 s by
    // whichever call comes (either of two calls may make them).
    const cached = new Set([keys.taxonomyHead().pk, keys.tagModel().pk]);
    const counter = { on: false, n: 0 };
    db.client.middlewareStack.add(
      (next) => async (args) => {
        const pk = (args.input as { Key?: { pk?: unknown } }).Key?.pk;
        const key = typeof pk === 'string' ? pk : (pk as { S?: string } | undefined)?.S;
        if (counter.on && !(key !== undefined && cached.has(key))) counter.n++;
        return next(args);
      },
      { step: 'initialize', name: 'countTableRequests' },
    );
    const call = async (path: string, body?: unknown) => {
      await rt.jobs.idle();
      await rt.flush();
      counter.n = 0;
      counter.on = true;
      const res = await rt.app.request(path, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      counter.on = false;
      expect(res.status, path).toBe(200);
      const json = (await res.json()) as { id: string; job: Job | null };
      expect(json.job, `${path} hands its work to a job`).not.toBeNull();
      await rt.jobs.idle();
      const job = await jobOf(rt, json.job?.id ?? '');
      expect(job).toMatchObject({ state: 'done', error: null });
      return { requests: counter.n, id: json.id, job };
    };
    try {
      const tags = await getJson<{ tags: Array<{ id: string; kind: string }> }>(rt.app, '/tags');
      const from = tags.tags.find(
        (t) => t.kind === 'topic' && !['work-balance', 'crowdsourcing', 'future-demand'].includes(t.id),
      )?.id as string;
      const quoteIds = (await getJson<SearchPage>(rt.app, '/search?limit=100')).hits.map((h) => h.quoteId);
      expect(quoteIds.length).toBeGreaterThanOrEqual(44);
      // Corrections naming `from`, adding it or removing it, some with another tag besides.
      const correct = async (ids: readonly string[]) => {
        for (const [i, q] of ids.entries()) {
          const now = await rt.store.getQuoteTags(q);
          const next = i % 2 === 0 ? { add: [from], remove: [] } : { add: ['hand-made'], remove: [from] };
          await rt.store.putQuoteTags(q, next, now.version, 'editor');
        }
      };
      await correct(quoteIds.slice(0, 4));
      const few = await call(`/tags/${from}/merge`, { into: 'bounded-a', create: true });
      const fewUndo = await call(`/merges/${few.id}/undo`);

      // Ten times the corrections, and a person's.
      await correct(quoteIds.slice(4, 44));
      const [person] = await rt.store.peopleWithTag(from);
      const personBefore = await rt.store.getPersonTags(person?.personId as string);
      await rt.store.putPersonTags(
        person?.personId as string,
        { add: [from, 'hand-made'], remove: [] },
        personBefore.version,
        'editor',
      );
      const before = new Map<string, { add: string[]; remove: string[] }>();
      for (const q of quoteIds.slice(0, 44)) {
        const m = await rt.store.getQuoteTags(q);
        before.set(q, { add: m.add, remove: m.remove });
      }
      const personTags = await rt.store.getPersonTags(person?.personId as string);

      const many = await call(`/tags/${from}/merge`, { into: 'bounded-b', create: true });
      // Old code: ~3 more requests per correction (read, write, its index by tag) before answering.
      expect(many.requests).toBeLessThanOrEqual(few.requests);
      expect(few.job.result.corrections).toBe(4);
      expect(fewUndo.job.result.restored).toBe(4);
      expect(many.job.result.corrections).toBe(45);
      for (const q of quoteIds.slice(0, 44)) {
        const m = await rt.store.getQuoteTags(q);
        expect([...m.add, ...m.remove], q).toContain('bounded-b');
        expect([...m.add, ...m.remove], q).not.toContain(from);
      }
      // An editor changes one rewritten correction after the merge: the undo keeps theirs.
      const edited = quoteIds[7] as string;
      const now = await rt.store.getQuoteTags(edited);
      await rt.store.putQuoteTags(
        edited,
        { add: [...now.add, 'after-merge'], remove: now.remove },
        now.version,
        'editor',
      );

      const manyUndo = await call(`/merges/${many.id}/undo`);
      expect(manyUndo.requests).toBeLessThanOrEqual(fewUndo.requests);
      expect(manyUndo.job.result).toMatchObject({ restored: 44, kept: 1 });
      expect(manyUndo.job.ids.kept).toEqual([edited]);
      for (const q of quoteIds.slice(0, 44)) {
        const m = await rt.store.getQuoteTags(q);
        if (q === edited) expect(m.add, q).toContain('after-merge');
        else expect({ add: m.add, remove: m.remove }, q).toEqual(before.get(q));
      }
      const personAfter = await rt.store.getPersonTags(person?.personId as string);
      expect({ add: personAfter.add, remove: personAfter.remove }).toEqual({
        add: personTags.add,
        remove: personTags.remove,
      });
      const audit = await getJson<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>(
        rt.app,
        `/audit?tag=${from}`,
      );
      expect(audit.entries.find((e) => e.action === 'merge-undo')?.detail).toMatchObject({
        mergeId: many.id,
        restored: 44,
        kept: 1,
      });
      expect(await consistency(rt)).toMatchObject({ missing: [], stale: [], tags: [] });
    } finally {
      db.client.middlewareStack.remove('countTableRequests');
    }
  }, 600_000);
});

describe("a large merge's dry run", () => {
  it('answers with a preview job that counts what would move in pages, and changes nothing', async () => {
    const rt = await runtime(db.client, {
      jobBudget: { pageSize: 2, maxPages: 1, ms: 60_000 },
      inlineInterviews: 1,
    });
    await ingestAll(rt.app);
    const tags = await getJson<{ tags: Array<{ id: string; quotes: number; kind: string }> }>(
      rt.app,
      '/tags',
    );
    const from = tags.tags
      .filter((t) => t.kind === 'topic' && !['work-balance', 'crowdsourcing', 'future-demand'].includes(t.id))
      .sort((a, b) => b.quotes - a.quotes)[0]?.id as string;
    const listed = async () =>
      (await getJson<{ quotes: Array<{ quoteId: string }> }>(rt.app, `/tags/${from}/quotes?limit=100`)).quotes
        .map((q) => q.quoteId)
        .sort();
    // Two corrections naming the tag: one quote loses it, one that did not carry it gains it.
    const before = await listed();
    const del = await rt.app.request(`/quotes/${before[0]}/tags/${from}`, {
      method: 'DELETE',
      headers: AUTH,
    });
    expect(del.status).toBe(200);
    let added = '';
    for (let n = 0; n < 8 * 20 && !added; n++) {
      const quoteId = `s${n % 8}-t${String(1 + Math.floor(n / 8)).padStart(3, '0')}`;
      if (before.includes(quoteId)) continue;
      const res = await rt.app.request(`/quotes/${quoteId}/tags`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ tags: [from] }),
      });
      if (res.status === 200) added = quoteId;
    }
    expect(added).not.toBe('');
    const quotes = await listed();
    expect(quotes).toContain(added);
    const people = new Set((await rt.store.peopleWithTag(from)).map((p) => p.personId));

    const res = await rt.app.request(`/tags/${from}/merge`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ into: 'preview-target', create: true, dryRun: true }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      id: string | null;
      dryRun: boolean;
      quotes: number | null;
      job: Job | null;
    };
    // Answered after a page of each list: too many to count before answering.
    expect(answer).toMatchObject({
      id: null,
      dryRun: true,
      quotes: null,
      people: null,
      interviews: null,
      corrections: null,
    });
    expect(answer.job).toMatchObject({
      kind: 'preview',
      params: { from, into: 'preview-target' },
      state: 'queued',
    });
    await rt.jobs.idle();
    const job = await jobOf(rt, answer.job?.id ?? '');
    expect(job).toMatchObject({ state: 'done', error: null });
    // Pages of two interviews or twenty quotes: quotes, people and corrections in several steps.
    expect(job.steps).toBeGreaterThanOrEqual(3);
    expect(job.result).toEqual({
      quotes: quotes.length,
      interviews: new Set(quotes.map((q) => q.replace(/-t\d+$/, ''))).size,
      people: people.size,
      corrections: 2,
    });
    // Nothing merged: no record, no alias, the tag's quotes where they were.
    expect((await getJson<{ merges: unknown[] }>(rt.app, '/merges')).merges).toEqual([]);
    expect(await listed()).toEqual(quotes);
    expect((await rt.app.request('/search?tag=preview-target')).status).toBe(400);
    await rt.flush();
  });
});

describe('a job left open by a process that stopped (npm start killed mid-job)', () => {
  it('is carried on to the end by the next process on the same table', async () => {
    const name = tableName('resume');
    const budget = { jobBudget: { pageSize: 2, maxPages: 1, ms: 60_000 } };
    const first = await runtime(db.client, { tableName: name, ...budget });
    await ingestAll(first.app);
    await first.close();
    // The first process recorded a check and a rebuild, then died: their steps were in its memory.
    const store = new DynamoStore({ tableName: name, client: db.client });
    const killed = new JobRunner({ store, dispatch: async () => {} });
    const check = await killed.submit({ kind: 'check' });
    const rebuild = await killed.submit({ kind: 'rebuild' });
    // The rebuild got one step further before the end.
    expect(await killed.run({ id: rebuild.id, step: 0, attempt: 0 }, async (j) => ({ ...j, pages: 1 }))).toBe(
      'ran',
    );
    expect((await store.listOpenJobs()).map((j) => j.id)).toEqual([check.id, rebuild.id]);

    const next = await runtime(db.client, { tableName: name, ...budget });
    try {
      await next.jobs.idle();
      expect(await jobOf(next, check.id)).toMatchObject({
        state: 'done',
        error: null,
        result: { checked: 8 },
      });
      expect(await jobOf(next, rebuild.id)).toMatchObject({ state: 'done', error: null });
      expect(await store.listOpenJobs()).toEqual([]);
    } finally {
      await next.close();
    }
  });
});

describe('the runner on the real store', () => {
  let store: DynamoStore;
  const sent: JobStep[] = [];
  let runner: JobRunner;
  const name = tableName('jobs');
  /** A job's item as stored, attributes the Job type does not carry included. */
  const rawJob = async (id: string) =>
    unmarshall(
      (await db.client.send(new GetItemCommand({ TableName: name, Key: marshall(keys.job(id)) }))).Item ?? {},
    );
  beforeAll(async () => {
    const { ensureTable } = await import('../../lib/store/dynamo.ts');
    await ensureTable(db.client, name);
    store = new DynamoStore({ tableName: name, client: db.client });
    runner = new JobRunner({ store, dispatch: async (s) => void sent.push(s) });
  });

  /** A step that counts its runs and ends the job at its third. */
  const counting = (runs: { n: number }) => async (job: Job) => {
    runs.n++;
    return job.step >= 2 ? { ...job, state: 'done' as const } : { ...job, pages: job.pages + 1 };
  };

  it('runs each step once however often it is delivered, and resends a successor that never left', async () => {
    sent.length = 0;
    const job = await runner.submit({ kind: 'rescore', reason: 'test' });
    expect(sent).toEqual([{ id: job.id, step: 0, attempt: 0 }]);
    const runs = { n: 0 };
    // While its first step runs, the record already says running.
    let during = '';
    const watched = async (j: Job) => {
      during = (await store.getJob(j.id))?.state ?? '';
      return counting(runs)(j);
    };
    expect(await runner.run({ id: job.id, step: 0, attempt: 0 }, watched)).toBe('ran');
    expect(during).toBe('running');
    // A running job's record never expires.
    expect((await rawJob(job.id)).expiresAt).toBeUndefined();
    expect(sent.at(-1)).toEqual({ id: job.id, step: 1, attempt: 0 });
    // Step 0 delivered again: it does not run; its successor is sent again (the queue drops a
    // duplicate within its deduplication window, and a lost one is replaced).
    expect(await runner.run({ id: job.id, step: 0, attempt: 0 }, counting(runs))).toBe('resent');
    expect(sent.at(-1)).toEqual({ id: job.id, step: 1, attempt: 0 });
    expect(await runner.run({ id: job.id, step: 1, attempt: 0 }, counting(runs))).toBe('ran');
    // An older delivery changes nothing.
    expect(await runner.run({ id: job.id, step: 0, attempt: 0 }, counting(runs))).toBe('stale');
    expect(await runner.run({ id: job.id, step: 2, attempt: 0 }, counting(runs))).toBe('finished');
    expect(await runner.run({ id: job.id, step: 2, attempt: 0 }, counting(runs))).toBe('stale');
    expect(runs.n).toBe(3);
    const done = await runner.get(job.id);
    expect(done).toMatchObject({ state: 'done', step: 3, pages: 2, cursor: null });
    // Finished, its record expires (the table's TTL attribute) JOB_RETENTION_DAYS after it finished.
    expect((await rawJob(job.id)).expiresAt).toBe(
      Math.floor(Date.parse(done?.finishedAt ?? '') / 1000) + JOB_RETENTION_DAYS * 86_400,
    );
    expect(await runner.run({ id: 'job-unknown', step: 0, attempt: 0 }, counting(runs))).toBe('missing');
  });

  it('tries a failing step three times, then fails the job with its error', async () => {
    sent.length = 0;
    const job = await runner.submit({ kind: 'rebuild' });
    const boom = async () => {
      throw new Error('the table is on fire');
    };
    expect(await runner.run({ id: job.id, step: 0, attempt: 0 }, boom)).toBe('retrying');
    expect(sent.at(-1)).toEqual({ id: job.id, step: 0, attempt: 1 });
    // The delivery of the failed attempt, again: stale.
    expect(await runner.run({ id: job.id, step: 0, attempt: 0 }, boom)).toBe('stale');
    expect(await runner.get(job.id)).toMatchObject({ state: 'running', attempts: 1 });
    expect(await runner.run({ id: job.id, step: 0, attempt: 1 }, boom)).toBe('retrying');
    expect(await runner.run({ id: job.id, step: 0, attempt: 2 }, boom)).toBe('failed');
    const failed = await runner.get(job.id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 3, error: 'Error: the table is on fire' });
    expect(failed?.errors).toHaveLength(3);
    expect(failed?.finishedAt).not.toBeNull();
    expect(sent).toHaveLength(3);
  });
});
