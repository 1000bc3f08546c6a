/**
 * Editors at the same time: an edit sent without `expectedVersion` asks for its change on top of
 * whatever is there, so two editors adding different tags to one quote (or person) at once both
 * land. Before, every one but the first answered 409 "changed by someone else" — naming an
 * expectedVersion the client never sent — and a bulk edit meeting an editor's edit stopped half
 * way (the quotes before written, no audit entry). With `expectedVersion` a lost race is still
 * the client's 409. The taxonomy likewise: of three topic edits at once, one answered 200 and
 * was lost (another's content stored under its version) while one answered 409 and was kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntervieweeProfile, QuoteDetail } from '../../lib/service.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
const RACERS = 5;

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await rt.app.request(path, { method: 'POST', headers: JSON_WRITE, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function put(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await rt.app.request(path, { method: 'PUT', headers: JSON_WRITE, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function get<T>(path: string): Promise<T> {
  const res = await rt.app.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const racers = (prefix: string) => Array.from({ length: RACERS }, (_, i) => `${prefix}-${i}`);

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
});
afterAll(() => closeRuntime(db, rt));

describe('concurrent tag edits', () => {
  it('editors adding different tags to one quote at once, without expectedVersion, all land', async () => {
    const tags = racers('together');
    const answers = await Promise.all(tags.map((t) => post('/quotes/kenji-t015/tags', { tags: [t] })));
    expect(answers.map((a) => a.status)).toEqual(tags.map(() => 200));
    const q = await get<QuoteDetail>('/quotes/kenji-t015');
    expect(q.tags).toEqual(expect.arrayContaining(tags));
    expect(q.version).toBe(RACERS);
  });

  it('the same for a person’s own tags', async () => {
    const tags = racers('own');
    const answers = await Promise.all(tags.map((t) => post('/interviewees/kenji_camp/tags', { tags: [t] })));
    expect(answers.map((a) => a.status)).toEqual(tags.map(() => 200));
    const p = await get<IntervieweeProfile>('/interviewees/kenji_camp');
    expect(p.manual.add).toEqual(expect.arrayContaining(tags));
  });

  it('with one expectedVersion, exactly one of the racers wins and the others get 409', async () => {
    const { version } = await get<QuoteDetail>('/quotes/kenji-t016');
    const answers = await Promise.all(
      racers('versioned').map((t) =>
        post('/quotes/kenji-t016/tags', { tags: [t], expectedVersion: version }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(RACERS - 1);
    expect((await get<QuoteDetail>('/quotes/kenji-t016')).version).toBe(version + 1);
  });

  it('a bulk edit meeting editors’ edits of its quotes keeps theirs and finishes', async () => {
    const search = { q: '', interview: 'kenji' };
    const quotes = ['kenji-t015', 'kenji-t016', 'kenji-t017'];
    const [bulk, ...singles] = await Promise.all([
      post('/bulk/tags', { search, add: ['bulk-mark'] }),
      ...quotes.map((q) => post(`/quotes/${q}/tags`, { tags: ['single-mark'] })),
    ]);
    expect(bulk?.status, JSON.stringify(bulk?.json)).toBe(200);
    expect(singles.map((s) => s.status)).toEqual(quotes.map(() => 200));
    for (const q of quotes)
      expect((await get<QuoteDetail>(`/quotes/${q}`)).tags).toEqual(
        expect.arrayContaining(['bulk-mark', 'single-mark']),
      );
    const hits = await get<{ total: number }>('/search?tag=bulk-mark&interview=kenji');
    const all = await get<{ total: number }>('/search?interview=kenji');
    expect(hits.total).toBe(all.total);
  });
});

describe('concurrent taxonomy edits', () => {
  type Topics = { version: number; topics: Array<{ id: string; description: string }> };
  const TOPICS = ['health-rest', 'money-income', 'skills-learning'];
  const descriptionOf = (t: Topics, id: string) => t.topics.find((x) => x.id === id)?.description;

  it('edits of different topics at once, without expectedVersion, all land', async () => {
    const answers = await Promise.all(
      TOPICS.map((id) => put(`/topics/${id}`, { description: `unversioned edit of ${id}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(TOPICS.map(() => 200));
    const now = await get<Topics>('/topics');
    for (const id of TOPICS) expect(descriptionOf(now, id)).toBe(`unversioned edit of ${id}`);
    const versions = await get<{ versions: Array<{ version: number; change: string }> }>('/topics/versions');
    expect(versions.versions.map((v) => v.change).sort()).toEqual(TOPICS.map((id) => `update ${id}`).sort());
  });

  it('with one expectedVersion, the edit answered 200 is the one stored, and the 409s are not', async () => {
    const { version } = await get<Topics>('/topics');
    const answers = await Promise.all(
      TOPICS.map((id) =>
        put(`/topics/${id}`, { description: `versioned edit of ${id}`, expectedVersion: version }),
      ),
    );
    const won = TOPICS.filter((_, i) => answers[i]?.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(TOPICS.length - 1);
    const now = await get<Topics>('/topics');
    expect(now.version).toBe(version + 1);
    for (const id of TOPICS)
      expect(descriptionOf(now, id)).toBe(
        won.includes(id) ? `versioned edit of ${id}` : `unversioned edit of ${id}`,
      );
  });
});
