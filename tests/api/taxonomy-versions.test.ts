/**
 * A deleted topic could not be read back: GET /topics/versions listed versions without their
 * content (though the store keeps each version's taxonomy), and there was no route to one version,
 * so an editor who deleted a topic had its labels, description and evidence only in the shipped
 * file. GET /topics/versions/{version} answers a version's topics as GET /topics shapes them (0:
 * the shipped file), and GET /topics/{id} of a deleted topic names the version that still had it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtime, runtimeWithKenji } from '../helpers/dynamo.ts';

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json', 'x-actor': 'hanako' };
type Topic = { id: string; label: string; labelEn: string; description: string; evidence: unknown[] };
type Topics = { version: number; topics: Topic[] };
type VersionView = Topics & { at: string | null; who: string | null; change: string };
type Err = { error: { code: string; message: string; details?: Record<string, unknown> } };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await rt.app.request(path);
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
});
afterAll(() => closeRuntime(db, rt));

describe('a deleted topic read back from the taxonomy versions', () => {
  it('GET /topics/versions/{n} shows a deleted topic as it was; POST /topics re-creates it from that', async () => {
    const shipped = (await get<Topics>('/topics')).body;
    expect(shipped.version).toBe(0);
    const original = shipped.topics.find((t) => t.id === 'health-rest') as Topic;
    expect(original).toBeDefined();

    // An edit (v1), then the delete (v2).
    const put = await rt.app.request('/topics/health-rest', {
      method: 'PUT',
      headers: JSON_WRITE,
      body: JSON.stringify({
        description: 'rest, sleep and health; edited before the delete',
        expectedVersion: 0,
      }),
    });
    expect(put.status).toBe(200);
    const del = await rt.app.request('/topics/health-rest?expectedVersion=1', {
      method: 'DELETE',
      headers: JSON_WRITE,
    });
    expect(del.status).toBe(200);
    expect((await get<Topics>('/topics')).body.topics.map((t) => t.id)).not.toContain('health-rest');

    // Version 1 still has it, with its edit; version 2 does not; version 0 is the shipped file.
    const v1 = await get<VersionView>('/topics/versions/1');
    expect(v1.status, JSON.stringify(v1.body)).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, who: 'hanako', change: 'update health-rest' });
    expect(typeof v1.body.at).toBe('string');
    const kept = v1.body.topics.find((t) => t.id === 'health-rest');
    expect(kept).toEqual({ ...original, description: 'rest, sleep and health; edited before the delete' });
    const v2 = await get<VersionView>('/topics/versions/2');
    expect(v2.body).toMatchObject({ version: 2, who: 'hanako', change: 'delete health-rest' });
    expect(v2.body.topics).toEqual((await get<Topics>('/topics')).body.topics);
    const v0 = await get<VersionView>('/topics/versions/0');
    expect(v0.status).toBe(200);
    expect(v0.body).toEqual({ version: 0, at: null, who: null, change: 'shipped', topics: shipped.topics });

    // What version 1 shows is a topic POST /topics takes as it is.
    const again = await rt.app.request('/topics', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ topic: kept, expectedVersion: 2 }),
    });
    expect(again.status, await again.clone().text()).toBe(201);
    expect((await get<{ topic: Topic }>('/topics/health-rest')).body.topic).toEqual(kept);
  });

  it('GET /topics/{id} of a deleted topic is a 404 naming the last version that had it', async () => {
    const before = (await get<Topics>('/topics')).body;
    const del = await rt.app.request('/topics/money-income', { method: 'DELETE', headers: JSON_WRITE });
    expect(del.status).toBe(200);
    const r = await get<Err>('/topics/money-income');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect(r.body.error.details).toEqual({
      what: 'topic',
      id: 'money-income',
      deletedIn: before.version + 1,
      lastVersion: before.version,
    });
    expect(r.body.error.message).toContain(`/topics/versions/${before.version}`);
    const last = await get<VersionView>(`/topics/versions/${before.version}`);
    expect(last.body.topics.map((t) => t.id)).toContain('money-income');
    // A topic that never was is a plain 404.
    const never = await get<Err>('/topics/no-such-topic');
    expect(never.status).toBe(404);
    expect(never.body.error.details).toEqual({ what: 'topic', id: 'no-such-topic' });
  });

  it.each([
    ['/topics/versions/999', 404],
    ['/topics/versions/-1', 400],
    ['/topics/versions/1.5', 400],
    ['/topics/versions/01', 400],
    ['/topics/versions/1e3', 400],
    ['/topics/versions/abc', 400],
    ['/topics/versions/99999999999', 400],
    ['/topics/versions/1?limit=1', 400],
  ])('%s → %i (JSON)', async (path, status) => {
    const r = await get<Err>(path);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error.code).toBe(status === 404 ? 'not_found' : 'validation_error');
  });
});

describe('protected reads', () => {
  it('GET /topics/versions/{n} needs a token when reads are protected, like GET /topics', async () => {
    const own = await runtime(db.client, { protectReads: true, readToken: 'read-token-0123456789abcdef' });
    try {
      expect((await own.app.request('/topics/versions/0')).status).toBe(401);
      expect((await own.app.request('/topics')).status).toBe(401);
      const ok = await own.app.request('/topics/versions/0', {
        headers: { authorization: 'Bearer read-token-0123456789abcdef' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await own.flush();
    }
  });
});
