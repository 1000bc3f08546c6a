/**
 * Crash injection: an ingest that fails at each of its write steps leaves every reader seeing
 * the old or the new interview, never a mix, and the index agrees with the store after recovery.
 */
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { Kikigaki } from '../../lib/service.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { localClient } from '../../local/embedded.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';
import { failNthWrite } from '../helpers/faults.ts';

const lines = (answer: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `聞き手：質問${i}は何ですか？\n山田：${answer}その${i}。クラウドソーシングと介護の話です。`,
  ).join('\n');
const OLD = lines('旧版の答え', 40);
const NEW = lines('新版の答え', 45);

let server: Awaited<ReturnType<typeof embedded>>;

beforeAll(async () => {
  server = await embedded();
});
afterAll(async () => server.close());

async function fresh(): Promise<{ client: DynamoDBClient; store: DynamoStore; table: string }> {
  const client = localClient(server.endpoint);
  const table = tableName('crash');
  await ensureTable(client, table);
  return { client, store: new DynamoStore({ tableName: table, client }), table };
}

function versionOf(texts: string[]): 'old' | 'new' | 'mixed' {
  if (texts.every((t) => !t.includes('新版'))) return 'old';
  if (texts.every((t) => !t.includes('旧版'))) return 'new';
  return 'mixed';
}

describe('ingest under injected write failures', () => {
  it('counts the write steps of a replacing ingest', async () => {
    const { client, store } = await fresh();
    const service = new Kikigaki({ store, tagger: new TopicTagger() });
    await service.ingest({ text: OLD }, { id: 'crash' });
    const probe = failNthWrite(client, Number.MAX_SAFE_INTEGER);
    await service.ingest({ text: NEW }, { id: 'crash' });
    probe.disarm();
    // Content and memberships in batches, the head switch, then clean-up of the old revision.
    expect(probe.writes()).toBeGreaterThanOrEqual(4);
  });

  it('leaves old or new visible at every failing step, and recovery converges', async () => {
    const { client: probeClient, store: probeStore } = await fresh();
    const probeService = new Kikigaki({ store: probeStore, tagger: new TopicTagger() });
    await probeService.ingest({ text: OLD }, { id: 'crash' });
    const counter = failNthWrite(probeClient, Number.MAX_SAFE_INTEGER);
    await probeService.ingest({ text: NEW }, { id: 'crash' });
    counter.disarm();
    const steps = counter.writes();

    const seen = new Set<string>();
    for (let step = 1; step <= steps; step++) {
      const { client, store, table } = await fresh();
      const tagger = new TopicTagger();
      const indexer = snapshotIndexer(store);
      const service = new Kikigaki({
        store,
        tagger,
        afterCommit: async (c) => void (c.kind === 'interview' && (await indexer.apply(c.id))),
      });
      await service.ingest({ text: OLD }, { id: 'crash' });

      const fault = failNthWrite(client, step);
      const failed = await service.ingest({ text: NEW }, { id: 'crash' }).then(
        () => false,
        () => true,
      );
      fault.disarm();

      // A reader right after the crash: one version, whole.
      const stored = await store.getInterview('crash');
      const state = versionOf(stored?.interview.turns.map((t) => t.text) ?? []);
      expect(state, `step ${step}`).not.toBe('mixed');
      expect(stored?.interview.turns.length, `step ${step}`).toBe(state === 'old' ? 80 : 90);
      seen.add(`${failed}:${state}`);

      // The index follows the store, whatever happened.
      await indexer.apply('crash');
      const hits = indexer.index.search({ q: '新版', limit: 100 }).total;
      expect(hits > 0, `step ${step}`).toBe(state === 'new');

      // Recovery: the same ingest again succeeds; store, index and tag items agree; no stale revision.
      await service.ingest({ text: NEW }, { id: 'crash' });
      const after = await store.getInterview('crash');
      expect(versionOf(after?.interview.turns.map((t) => t.text) ?? [])).toBe('new');
      expect(indexer.index.search({ q: '旧版', limit: 100 }).total).toBe(0);
      expect(indexer.index.search({ q: '新版', limit: 100 }).total).toBe(45);
      const raw = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'IV#crash' } },
        }),
      );
      const revs = new Set(
        (raw.Items ?? []).filter((i) => i.sk?.S?.startsWith('V#')).map((i) => i.sk?.S?.slice(2, 17)),
      );
      expect(revs.size, `step ${step}`).toBe(1);
      const tagged = await store.quotesWithTag('crowdsourcing', { limit: 100 });
      expect(tagged.items.every((q) => q.interviewId === 'crash')).toBe(true);
    }
    // Early failures leave the old interview, late ones (clean-up) the new one.
    expect(seen.has('true:old')).toBe(true);
    expect([...seen].some((s) => s.endsWith(':new'))).toBe(true);
  });

  it('removes what a crashed first write left, with the next write over the head, unseen meanwhile', async () => {
    const { client, store, table } = await fresh();
    const service = new Kikigaki({ store, tagger: new TopicTagger() });
    const revisions = async () => {
      const raw = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'IV#first' } },
        }),
      );
      return new Set(
        (raw.Items ?? []).filter((i) => i.sk?.S?.startsWith('V#')).map((i) => i.sk?.S?.slice(2, 17)),
      );
    };
    // The content is written, the head switch fails: an orphan revision and no head.
    const fault = failNthWrite(client, 2);
    await expect(service.ingest({ text: OLD }, { id: 'first' })).rejects.toThrow(/injected/);
    fault.disarm();
    expect(await store.getInterview('first')).toBeNull();
    expect((await revisions()).size).toBe(1);
    // The retry is a first write too (no head to switch over): readers see it alone.
    await service.ingest({ text: OLD }, { id: 'first' });
    expect((await store.getInterview('first'))?.version).toBe(1);
    const tagged = await store.quotesWithTag('crowdsourcing', { limit: 100 });
    // The orphan's memberships are not followed: each tagged quote once.
    expect(tagged.items.length).toBeGreaterThan(0);
    expect(tagged.items.length).toBe(new Set(tagged.items.map((q) => q.quoteId)).size);
    // The next write over the head removes every other revision up to its own.
    await service.ingest({ text: NEW }, { id: 'first' });
    expect((await store.getInterview('first'))?.version).toBe(2);
    expect(await revisions()).toEqual(new Set([expect.stringMatching(/^00000002-/)]));
  });
});
