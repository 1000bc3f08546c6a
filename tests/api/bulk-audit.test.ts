/**
 * The audit entry of a bulk edit kept its search as JSON text inside `detail.search`
 * ("{\"q\":\"ランサーズ\"}"), which a client had to parse again. It is an object, `search`, as the
 * request gave it; an entry written the old way reads the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../lib/store/dynamo.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime, tableName } from '../helpers/dynamo.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type Entry = {
  subject: { kind: string };
  who: string;
  search?: unknown;
  detail?: Record<string, unknown>;
};

const TABLE = tableName('bulkaudit');
let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

async function entriesBy(who: string): Promise<Entry[]> {
  const res = await rt.app.request(`/audit?actor=${who}`, { headers: AUTH });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Entry[] }).entries;
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client, { tableName: TABLE });
  const res = await rt.app.request('/interviews?id=kenji', {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: read(`${samplesDir}/03-blog-kenji.txt`),
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await rt.flush();
  await db.close();
});

describe('the audit entry of a bulk edit', () => {
  it('keeps the search as an object', async () => {
    const search = { q: 'キャンプ場', interview: 'kenji', speaker: 'interviewee' };
    const res = await rt.app.request('/bulk/tags', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'hanako' },
      body: JSON.stringify({ search, add: ['camping'] }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const [entry, ...others] = await entriesBy('hanako');
    expect(others).toEqual([]);
    expect(entry?.subject.kind).toBe('bulk');
    expect(entry?.search).toMatchObject(search);
    expect(entry?.detail).not.toHaveProperty('search');
    expect(entry?.detail).toMatchObject({ changed: expect.any(Number), quotes: expect.any(Number) });
  });

  it('reads an entry written before (search as JSON text in detail) as the same object', async () => {
    const store = new DynamoStore({ tableName: TABLE, client: db.client });
    await store.writeAudit({
      subject: { kind: 'bulk' },
      who: 'oldtimer',
      action: 'bulk-tags',
      tags: ['camping'],
      added: ['camping'],
      detail: { search: JSON.stringify({ q: '介護', match: 'all' }), quotes: 3, changed: 2, interviews: 1 },
    });
    const [entry] = await entriesBy('oldtimer');
    expect(entry?.search).toEqual({ q: '介護', match: 'all' });
    expect(entry?.detail).toEqual({ quotes: 3, changed: 2, interviews: 1 });
  });
});
