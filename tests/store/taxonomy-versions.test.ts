/**
 * One stored taxonomy version read back with its content (GET /topics/versions/{version}): a
 * version's history item, or — for the current version only — the head, which commits first and
 * is all there is when a fault stopped the edit before its history write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { localClient } from '../../local/embedded.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';
import { failNthWrite } from '../helpers/faults.ts';

let server: Awaited<ReturnType<typeof embedded>>;

beforeAll(async () => {
  server = await embedded();
});
afterAll(async () => server.close());

async function store() {
  const client = localClient(server.endpoint);
  const table = tableName('taxv');
  await ensureTable(client, table);
  return { client, store: new DynamoStore({ tableName: table, client }) };
}

describe('readTaxonomyVersion', () => {
  it('reads each stored version with its content; null for one never stored', async () => {
    const { store: s } = await store();
    expect(await s.readTaxonomyVersion(1)).toBeNull();
    await s.putTaxonomy({ topics: ['a'] }, 0, 'hanako', 'create a');
    await s.putTaxonomy({ topics: ['a', 'b'] }, 1, 'taro', 'create b');
    expect(await s.readTaxonomyVersion(1)).toMatchObject({
      version: 1,
      json: { topics: ['a'] },
      who: 'hanako',
      change: 'create a',
    });
    expect(await s.readTaxonomyVersion(2)).toMatchObject({
      version: 2,
      json: { topics: ['a', 'b'] },
      who: 'taro',
    });
    expect(await s.readTaxonomyVersion(3)).toBeNull();
  });

  it('the current version without its history item (a fault after the head switch) is read from the head', async () => {
    const { client, store: s } = await store();
    await s.putTaxonomy({ topics: ['a'] }, 0, 'hanako', 'create a');
    // putTaxonomy writes the head, then the history item: the second write fails.
    const fault = failNthWrite(client, 2);
    await expect(s.putTaxonomy({ topics: ['a', 'b'] }, 1, 'taro', 'create b')).rejects.toThrow();
    fault.disarm();
    expect((await s.taxonomyVersions()).map((v) => v.version)).toEqual([1]);
    expect(await s.readTaxonomyVersion(2)).toMatchObject({
      version: 2,
      json: { topics: ['a', 'b'] },
      who: 'taro',
      change: 'create b',
    });
    expect(await s.readTaxonomyVersion(1)).toMatchObject({ version: 1, json: { topics: ['a'] } });
  });
});

describe('taxonomyVersions', () => {
  it('lists versions from their metadata: no version content crosses the wire, whatever its size', async () => {
    const { client, store: s } = await store();
    // A taxonomy of ~200 KB (gzip keeps random text large), edited three times.
    const big = Array.from({ length: 3000 }, (_, i) => `${i}-${Math.random().toString(36)}`);
    await s.putTaxonomy({ topics: big }, 0, 'hanako', 'create a');
    await s.putTaxonomy({ topics: [...big, 'b'] }, 1, 'taro', 'create b');
    await s.putTaxonomy({ topics: [...big, 'c'] }, 2, 'hanako', 'delete b');
    // What each Query answers, as the SDK parsed it.
    const seen: Array<Record<string, unknown>> = [];
    const name = 'observe-query-items';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand')
          for (const it of (out.output as { Items?: Array<Record<string, unknown>> }).Items ?? [])
            seen.push(it);
        return out;
      },
      { step: 'initialize', name },
    );
    try {
      expect(await s.taxonomyVersions()).toEqual([
        { version: 3, at: expect.any(String), who: 'hanako', change: 'delete b' },
        { version: 2, at: expect.any(String), who: 'taro', change: 'create b' },
        { version: 1, at: expect.any(String), who: 'hanako', change: 'create a' },
      ]);
    } finally {
      client.middlewareStack.remove(name);
    }
    expect(seen).toHaveLength(3);
    for (const it of seen) expect(Object.keys(it).sort()).toEqual(['at', 'change', 'pk', 'sk', 'who']);
    // The content is still there for the version route.
    expect((await s.readTaxonomyVersion(1))?.json).toEqual({ topics: big });
  });
});
