/**
 * Faults at every write step of delete, tag edit and snapshot publish: readers see the old or the
 * new state, never a mix; retries converge; the index agrees with the store after recovery.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { SnapshotIndexProvider } from '../../lib/search/snapshots.ts';
import { Kikigaki } from '../../lib/service.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { localClient } from '../../local/embedded.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';
import { failNthWrite } from '../helpers/faults.ts';

const TEXT = Array.from(
  { length: 30 },
  (_, i) => `聞き手：質問${i}？\n山田：クラウドソーシングと介護の答え${i}です。`,
).join('\n');
let server: Awaited<ReturnType<typeof embedded>>;

beforeAll(async () => {
  server = await embedded();
});
afterAll(async () => server.close());

async function setup(): Promise<{
  client: DynamoDBClient;
  store: DynamoStore;
  service: Kikigaki;
  indexer: ReturnType<typeof snapshotIndexer>;
}> {
  const client = localClient(server.endpoint);
  const table = tableName('faults');
  await ensureTable(client, table);
  const store = new DynamoStore({ tableName: table, client });
  const indexer = snapshotIndexer(store);
  const service = new Kikigaki({
    store,
    tagger: new TopicTagger(),
    afterCommit: async (c) => void (c.kind === 'interview' && (await indexer.apply(c.id))),
  });
  await service.ingest({ text: TEXT }, { id: 'f' });
  return { client, store, service, indexer };
}

/** Number of write commands an operation issues, measured on a fresh setup. */
async function stepsOf(op: (s: Awaited<ReturnType<typeof setup>>) => Promise<unknown>): Promise<number> {
  const s = await setup();
  const probe = failNthWrite(s.client, Number.MAX_SAFE_INTEGER);
  await op(s);
  probe.disarm();
  return probe.writes();
}

describe('faults at every write step', () => {
  it('delete: the interview is whole or gone, and a retry removes it everywhere', async () => {
    const steps = await stepsOf((s) => s.service.deleteInterview('f'));
    expect(steps).toBeGreaterThanOrEqual(2);
    for (let step = 1; step <= steps; step++) {
      const s = await setup();
      const fault = failNthWrite(s.client, step);
      await s.service.deleteInterview('f').catch(() => undefined);
      fault.disarm();
      const seen = await s.store.getInterview('f');
      if (seen) expect(seen.interview.turns, `step ${step}`).toHaveLength(60);
      // Recovery: delete again (or it is already gone); the index follows.
      if (seen) await s.service.deleteInterview('f');
      await s.indexer.apply('f');
      expect(await s.store.getInterview('f')).toBeNull();
      expect(s.indexer.index.search({ q: 'クラウドソーシング' }).total, `step ${step}`).toBe(0);
      expect((await s.store.quotesWithTag('crowdsourcing', { limit: 100 })).items, `step ${step}`).toEqual(
        [],
      );
    }
  });

  it('tag edit: the manual tags are the old or the new set; the consistency check repairs the rest', async () => {
    const steps = await stepsOf((s) => s.service.editQuoteTags('f-t002', { add: ['tools'] }, 'ed'));
    expect(steps).toBeGreaterThanOrEqual(2);
    for (let step = 1; step <= steps; step++) {
      const s = await setup();
      const fault = failNthWrite(s.client, step);
      await s.service.editQuoteTags('f-t002', { add: ['tools'] }, 'ed').catch(() => undefined);
      fault.disarm();
      const manual = await s.store.getQuoteTags('f-t002');
      expect([[], ['tools']], `step ${step}`).toContainEqual(manual.add);
      const report = await s.indexer.check(true);
      expect(report.missing).toEqual([]);
      const after = await s.indexer.check(false);
      expect(after).toMatchObject({ missing: [], extra: [], stale: [] });
      const indexed = s.indexer.index.search({ q: '', tags: ['tools'] }).total;
      expect(indexed, `step ${step}`).toBe(manual.add.includes('tools') ? 1 : 0);
      // A retry of the same edit converges.
      await s.service.editQuoteTags('f-t002', { add: ['tools'] }, 'ed');
      expect(s.indexer.index.search({ q: '', tags: ['tools'] }).total).toBe(1);
      expect((await s.store.quotesWithTag('tools', { limit: 10 })).items.map((q) => q.quoteId)).toEqual([
        'f-t002',
      ]);
    }
  });

  it('snapshot publish: readers always load a complete snapshot, old or new', async () => {
    const base = await setup();
    await base.indexer.publish();
    const steps = await stepsOf(async (s) => {
      await s.indexer.publish();
      await s.indexer.publish();
    });
    expect(steps).toBeGreaterThanOrEqual(2);
    for (let step = 1; step <= steps; step++) {
      const s = await setup();
      await s.indexer.publish();
      const before = (await s.store.readManifest())?.snapshotId;
      await s.service.ingest({ text: `${TEXT}\n聞き手：追加？\n山田：ココナラも使います。` }, { id: 'f' });
      const fault = failNthWrite(s.client, step);
      await s.indexer.publish().catch(() => undefined);
      fault.disarm();
      const manifest = await s.store.readManifest();
      const reader = new SnapshotIndexProvider(s.store, { refreshMs: 0 });
      const index = await reader.get();
      const hasNew = index.search({ q: 'ココナラ' }).total > 0;
      expect(hasNew, `step ${step}`).toBe(manifest?.snapshotId !== before);
      await s.indexer.publish();
      expect(
        (await new SnapshotIndexProvider(s.store, { refreshMs: 0 }).get()).search({ q: 'ココナラ' }).total,
      ).toBe(1);
    }
  });
});
