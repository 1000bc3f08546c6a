/**
 * The ports carry the application: the same handlers (lib/api, lib/console) over a second search
 * backend — the MiniSearch reference of tests/helpers/minisearch-backend.ts, which answers through
 * promises as a remote engine does — fed from the same store the way a cluster's indexer would
 * be (each interview's stored state with its effective tags). Where the contract makes answers
 * backend-independent (listings by person and tag, tag and people counts, people found by name)
 * both apps must answer alike; searches by words must find what the reference finds, rendered
 * from the store; every response is checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/api/app.ts';
import type { IndexProvider } from '../../lib/search/backend.ts';
import { quoteTagsOf } from '../../lib/tags.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { enforceContract } from '../helpers/contract.ts';
import { AUTH, closeRuntime, embedded, runtime, TOKEN } from '../helpers/dynamo.ts';
import { MiniSearchBackend } from '../helpers/minisearch-backend.ts';
import { read, samplesDir } from '../helpers/shared.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
type App = ReturnType<typeof createApp>;
let other: App;
const mini = new MiniSearchBackend();

/** What a cluster's indexer does per change: the stored interview with its effective tags, upserted. */
async function mirror(): Promise<void> {
  const aliases = await rt.store.aliases();
  for await (const id of rt.store.interviewIds()) {
    const stored = await rt.store.getInterview(id);
    if (!stored) continue;
    const manual = await rt.store.manualQuoteTags(stored.interview.turns.map((t) => t.id));
    await mini.upsertInterview(stored.interview, quoteTagsOf(stored, manual, aliases));
  }
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  for (const [id, file] of [
    ['haruka-1', '01-blog-haruka-1.txt'],
    ['haruka-2', '02-blog-haruka-2.txt'],
    ['kenji', '03-blog-kenji.txt'],
    ['yuki', '04-dash-yuki.txt'],
  ] as const) {
    const res = await rt.app.request(`/interviews?id=${id}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(`${samplesDir}/${file}`),
    });
    expect(res.status).toBe(201);
  }
  await mirror();
  const provider: IndexProvider = {
    get: async () => mini,
    describe: () => ({ snapshotId: null, ...mini.stats }),
  };
  other = enforceContract(
    createApp({ service: rt.service, index: provider, token: () => TOKEN, logger: () => {} }),
  );
}, 60_000);
afterAll(async () => closeRuntime(db, rt));

const json = async (app: App, path: string) => {
  const res = await app.request(path, { headers: AUTH });
  expect(res.status, path).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};
const both = async (path: string) => Promise.all([json(rt.app, path), json(other, path)]);

describe('the HTTP API over a second search backend', () => {
  it('health counts what the reference holds', async () => {
    const [ours, theirs] = await both('/health');
    expect(theirs.index).toMatchObject({ quotes: (ours.index as { quotes: number }).quotes });
  });

  it('listings by person and by tag answer alike over either backend', async () => {
    const kenji = (await rt.service.getInterview('kenji')).interview.interviewees[0];
    expect(kenji).toBeDefined();
    const [ours, theirs] = await both(
      `/search?interviewee=${encodeURIComponent(kenji?.name ?? '')}&limit=100`,
    );
    expect((ours.hits as unknown[]).length).toBeGreaterThan(0);
    expect(theirs).toEqual(ours);
    const tag = Object.keys((await mini.tagCounts()) ?? {})[0];
    expect(tag).toBeDefined();
    const [a, b] = await both(`/search?tag=${encodeURIComponent(tag ?? '')}&limit=50`);
    expect((b.hits as Array<{ quoteId: string }>).map((h) => h.quoteId)).toEqual(
      (a.hits as Array<{ quoteId: string }>).map((h) => h.quoteId),
    );
    expect(b.total).toBe(a.total);
    expect(b.facets).toEqual(a.facets);
  });

  it('tag and people counts, and people found by name, answer alike', async () => {
    const [tagsA, tagsB] = await both('/tags');
    expect((tagsA.tags as Array<{ interviewees: number }>).some((t) => t.interviewees > 0)).toBe(true);
    expect(tagsB).toEqual(tagsA);
    const [peopleA, peopleB] = await both('/interviewees?q=%E3%81%AF%E3%82%8B%E3%81%8B');
    expect((peopleA.interviewees as unknown[]).length).toBeGreaterThan(0);
    expect(peopleB).toEqual(peopleA);
    const [allA, allB] = await both('/interviewees?limit=100');
    expect(allB).toEqual(allA);
  });

  it('a search by words finds the quotes whose text has them, rendered from the store', async () => {
    const stored = (await rt.service.getInterview('kenji')).interview;
    const turn = stored.turns.find((t) => t.role === 'interviewee' && t.text.length > 12);
    const phrase = turn?.text.slice(2, 10) ?? '';
    const page = await json(other, `/search?q=${encodeURIComponent(`「${phrase}」`)}`);
    const hits = page.hits as Array<{ quoteId: string; text: string; highlight: { html: string } }>;
    expect(hits.map((h) => h.quoteId)).toContain(turn?.id);
    expect(hits.every((h) => h.text.includes(phrase))).toBe(true);
    // The packed engine finds it too (it may rank or add others: ranking is each backend's own).
    const ours = await json(rt.app, `/search?q=${encodeURIComponent(`「${phrase}」`)}`);
    expect((ours.hits as Array<{ quoteId: string }>).map((h) => h.quoteId)).toContain(turn?.id);
    const suggest = await json(other, `/suggest?q=${encodeURIComponent(phrase.slice(0, 2))}`);
    expect(Array.isArray(suggest.terms)).toBe(true);
  });

  it('the console pages render over it', async () => {
    const res = await other.request(`/?q=${encodeURIComponent('仕事')}`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<mark>');
    const tags = await other.request('/tags', { headers: { accept: 'text/html' } });
    expect(tags.status).toBe(200);
  });

  it('a tag edit, mirrored, is visible to the next search', async () => {
    const quote = (await rt.service.getInterview('yuki')).interview.turns.find(
      (t) => t.role === 'interviewee',
    );
    const res = await rt.app.request(`/quotes/${quote?.id}/tags`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'editor' },
      body: JSON.stringify({ tags: ['port-check'] }),
    });
    expect(res.status).toBe(200);
    await mirror();
    const page = await json(other, '/search?tag=port-check');
    expect((page.hits as Array<{ quoteId: string }>).map((h) => h.quoteId)).toEqual([quote?.id]);
  });
});
