/** Two writers racing, and the index/store consistency check that reports and repairs drift. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { defaultIndexOptions, openLatestIndex } from '../../lib/search/snapshots.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { consistency } from '../helpers/jobs.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

const transcript = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `聞き手：質問${i}？\n山田：${tag}の答え${i}です。`).join('\n');

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
});
afterAll(async () => db.close());

function post(path: string, body: string, type = 'text/plain') {
  return rt.app.request(path, { method: 'POST', headers: { ...AUTH, 'content-type': type }, body });
}

describe('racing writers', () => {
  it('two ingests of the same interview: one whole version wins, the index agrees', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([
        post('/interviews?id=race', transcript('甲', 30)),
        post('/interviews?id=race', transcript('乙', 35)),
      ]);
      expect([a.status, b.status].every((s) => s === 200 || s === 201)).toBe(true);
      const got = (await (await rt.app.request('/interviews/race')).json()) as {
        turns: Array<{ text: string }>;
      };
      const texts = got.turns.map((t) => t.text).join('');
      const winner = texts.includes('甲') ? '甲' : '乙';
      expect(texts.includes(winner === '甲' ? '乙' : '甲')).toBe(false);
      expect(got.turns).toHaveLength(winner === '甲' ? 60 : 70);
      const search = (q: string) => rt.indexer.index.search({ q, interview: 'race', limit: 100 }).total;
      await rt.indexer.apply('race');
      expect(search(winner)).toBe(winner === '甲' ? 30 : 35);
      expect(search(winner === '甲' ? '乙' : '甲')).toBe(0);
    }
  });

  it('two tag edits from the same version: one applies, the other gets 409, nothing is lost', async () => {
    await post('/interviews?id=tags', transcript('丙', 3));
    const edit = (tag: string) =>
      post('/quotes/tags-t002/tags', JSON.stringify({ tags: [tag], expectedVersion: 0 }), 'application/json');
    const [a, b] = await Promise.all([edit('alpha'), edit('beta')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'alpha' : 'beta';
    const quote = (await (await rt.app.request('/quotes/tags-t002')).json()) as {
      tags: string[];
      version: number;
    };
    expect(quote.tags).toContain(winner);
    expect(quote.tags).not.toContain(winner === 'alpha' ? 'beta' : 'alpha');
    expect(quote.version).toBe(1);
  });

  it('concurrent edits without a version never lose a change that answered 200', async () => {
    await post('/interviews?id=tags2', transcript('丁', 3));
    const tags = ['t1', 't2', 't3', 't4'];
    const results = await Promise.all(
      tags.map((t) => post('/quotes/tags2-t002/tags', JSON.stringify({ tags: [t] }), 'application/json')),
    );
    const ok = tags.filter((_, i) => results[i]?.status === 200);
    for (const r of results) expect([200, 409]).toContain(r.status);
    expect(ok.length).toBeGreaterThan(0);
    const quote = (await (await rt.app.request('/quotes/tags2-t002')).json()) as { tags: string[] };
    for (const t of ok) expect(quote.tags).toContain(t);
  });
});

describe('a second snapshot writer', () => {
  it('is survived: the local writer publishes whole once its parts are gone, and loses nothing', async () => {
    await post('/interviews?id=w1', transcript('丁', 4));
    await rt.flush();
    // Another writer on the same table (a rebuild by hand, a second process) switches the manifest.
    const other = snapshotIndexer(rt.store, defaultIndexOptions());
    await other.rebuild();
    const theirs = (await rt.store.readManifest())?.snapshotId;
    await post('/interviews?id=w2', transcript('戊', 4));
    await expect(rt.flush()).resolves.toBeUndefined();
    const manifest = await rt.store.readManifest();
    expect(manifest?.snapshotId).not.toBe(theirs);
    // What it published has both interviews: a reader opening it from nothing finds them.
    const reader = await openLatestIndex(rt.store, defaultIndexOptions());
    expect(reader.index.search({ q: '丁', interview: 'w1' }).total).toBe(4);
    expect(reader.index.search({ q: '戊', interview: 'w2' }).total).toBe(4);
  });
});

describe('consistency check', () => {
  it('reports an index that drifted from the store and repairs it', async () => {
    await post('/interviews?id=drift', transcript('戊', 4));
    const clean = await consistency(rt);
    expect(clean).toMatchObject({ missing: [], extra: [], stale: [] });
    // Drift: the index loses one interview, keeps one the store no longer has, and misses an edit.
    rt.indexer.index.removeInterview('drift');
    await rt.store.deleteInterview('tags');
    await rt.store.putQuoteTags(
      'tags2-t002',
      { add: ['edited-behind'], remove: [] },
      (await rt.store.getQuoteTags('tags2-t002')).version,
      'test',
    );
    const drift = await consistency(rt);
    expect(drift.missing).toEqual(['drift']);
    expect(drift.extra).toEqual(['tags']);
    expect(drift.stale).toEqual(['tags2']);
    expect((await rt.app.request('/admin/consistency', { method: 'POST' })).status).toBe(401);
    const repaired = await consistency(rt, true);
    expect(repaired).toMatchObject({ missing: ['drift'], extra: ['tags'], stale: ['tags2'], repaired: true });
    const after = await consistency(rt);
    expect(after).toMatchObject({ missing: [], extra: [], stale: [] });
    expect(rt.indexer.index.search({ q: '', tags: ['edited-behind'] }).total).toBe(1);
  });
});

describe('logging', () => {
  it('never writes the token or request bodies to the logs', async () => {
    const lines: string[] = [];
    const logged = await runtime(db.client, { logger: (e) => lines.push(JSON.stringify(e)) });
    await logged.app.request('/interviews?id=logcheck', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: '聞き手：秘密の質問？\n山田：とても個人的な答えです。',
    });
    await logged.app.request('/interviews', {
      method: 'POST',
      headers: { authorization: 'Bearer guessed-token-123456', 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const all = lines.join('\n');
    expect(all).not.toContain(AUTH.authorization.slice('Bearer '.length));
    expect(all).not.toContain('guessed-token-123456');
    expect(all).not.toContain('個人的な答え');
    expect(lines.some((l) => l.includes('"status":201'))).toBe(true);
  });
});
