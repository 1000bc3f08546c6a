/**
 * Search snapshots in S3 (the Lambda deployment's SnapshotStore) against a real S3-protocol
 * server (s3rver) and the manifest in a real DynamoDB-protocol server (dynalite), and the
 * snapshot provider the API functions serve from: background refresh, stale-but-serving on
 * failure, and a cold start that cannot load failing with 503's code.
 */
import { randomBytes } from 'node:crypto';
import {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lib/errors.ts';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { defaultIndexOptions, openLatestIndex, SnapshotIndexProvider } from '../../lib/search/snapshots.ts';
import { Kikigaki } from '../../lib/service.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { CorruptItemError } from '../../lib/store/items.ts';
import { keys } from '../../lib/store/keys.ts';
import { S3SnapshotStore, SUPERSEDED_TAG, withSnapshotStore } from '../../lib/store/s3-snapshots.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';
import { type LocalS3, startS3 } from '../helpers/s3.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let s3: LocalS3;

beforeAll(async () => {
  [db, s3] = await Promise.all([embedded(), startS3()]);
});
afterAll(async () => {
  await Promise.all([db.close(), s3.close()]);
});

async function fresh(client: S3Client = s3.client()) {
  const table = tableName('s3snap');
  await ensureTable(db.client, table);
  const bucket = await s3.bucket();
  const snapshots = new S3SnapshotStore({ s3: client, bucket, dynamo: db.client, tableName: table });
  const dynamo = new DynamoStore({ tableName: table, client: db.client });
  return { table, bucket, client, snapshots, dynamo, store: withSnapshotStore(dynamo, snapshots) };
}

/** Fails S3 GetObject while armed (a real client, failing in its middleware). */
function failGets(client: S3Client) {
  let armed = true;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && context.commandName === 'GetObjectCommand')
        throw Object.assign(new Error('injected: S3 unreachable'), { name: 'TimeoutError' });
      return next(args);
    },
    { step: 'initialize', name: `fail-gets-${Math.random()}` },
  );
  return () => {
    armed = false;
  };
}

const transcript = (answer: string) => `聞き手：お仕事は？\n山田：${answer}`;

describe('S3SnapshotStore', () => {
  it('publishes one object per snapshot and reads back the same bytes', async () => {
    const { snapshots, bucket, client } = await fresh();
    expect(await snapshots.readManifest()).toBeNull();
    const big = randomBytes(2_500_000);
    const m = await snapshots.publishSnapshot(big, { quotes: 10, interviews: 2 }, null);
    expect(m).toMatchObject({ chunks: 1, bytes: big.length, quotes: 10, interviews: 2 });
    expect(m.parts).toEqual([{ key: `index/parts/${m.snapshotId}.gz`, bytes: big.length, kind: 'base' }]);
    const read = await snapshots.readManifest();
    expect(read).toEqual(m);
    expect(Buffer.from(await snapshots.readSnapshot(read as never)).equals(big)).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: m.parts[0]?.key }));
    expect(head.ContentLength).toBe(big.length);
  });

  it('switches only over the expected snapshot; the loser leaves no object behind', async () => {
    const { snapshots, bucket, client } = await fresh();
    const first = await snapshots.publishSnapshot(Buffer.from('one'), { quotes: 1, interviews: 1 }, null);
    await expect(
      snapshots.publishSnapshot(Buffer.from('two'), { quotes: 2, interviews: 1 }, null),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      snapshots.publishSnapshot(Buffer.from('two'), { quotes: 2, interviews: 1 }, 'not-the-current-one'),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await snapshots.readManifest())?.snapshotId).toBe(first.snapshotId);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([first.parts[0]?.key]);
  });

  it('tags the parts a new manifest no longer lists, for the lifecycle rule to expire', async () => {
    const { snapshots, bucket, client } = await fresh();
    const a = await snapshots.publishSnapshot(Buffer.from('a'), { quotes: 1, interviews: 1 }, null);
    const b = await snapshots.publishSnapshot(Buffer.from('b'), { quotes: 1, interviews: 1 }, a.snapshotId);
    const tags = async (key: string | undefined) =>
      (await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet ?? [];
    expect(await tags(a.parts[0]?.key)).toEqual([{ Key: SUPERSEDED_TAG.key, Value: SUPERSEDED_TAG.value }]);
    expect(await tags(b.parts[0]?.key)).toEqual([]);
  });

  it('reads the manifest as its typed item: a malformed one is refused as corrupt, not served as NaN bytes', async () => {
    const { snapshots, table } = await fresh();
    const a = await snapshots.publishSnapshot(Buffer.from('a'), { quotes: 1, interviews: 1 }, null);
    const doc = DynamoDBDocumentClient.from(db.client);
    const item = (await doc.send(new GetCommand({ TableName: table, Key: keys.indexManifest() }))).Item ?? {};
    // What the store wrote: the manifest entity's item, marked as S3's.
    expect(item).toMatchObject({
      ...keys.indexManifest(),
      snapshotId: a.snapshotId,
      format: 's3',
      previous: null,
    });
    const { bytes: _dropped, ...withoutBytes } = item;
    await doc.send(new PutCommand({ TableName: table, Item: withoutBytes }));
    await expect(snapshots.readManifest()).rejects.toBeInstanceOf(CorruptItemError);
  });

  it('still reads a snapshot an earlier version published into the table, then publishes to S3 over it', async () => {
    const { dynamo, snapshots, store } = await fresh();
    const legacy = await dynamo.publishSnapshot(randomBytes(800_000), { quotes: 3, interviews: 1 }, null);
    expect(legacy.chunks).toBeGreaterThan(1);
    const m = await snapshots.readManifest();
    expect(m).toMatchObject({ snapshotId: legacy.snapshotId, chunks: legacy.chunks, parts: [] });
    expect((await snapshots.readSnapshot(m as never)).length).toBe(800_000);
    const next = await store.publishSnapshot(
      Buffer.from('s3 now'),
      { quotes: 4, interviews: 1 },
      legacy.snapshotId,
    );
    expect((await store.readManifest())?.snapshotId).toBe(next.snapshotId);
  });

  it('a part that cannot be read fails with the unavailable code (503), keeping the cause', async () => {
    const client = s3.client();
    const { snapshots } = await fresh(client);
    const m = await snapshots.publishSnapshot(Buffer.from('x'), { quotes: 1, interviews: 1 });
    const disarm = failGets(client);
    const err = await snapshots.readSnapshot(m).catch((e: unknown) => e);
    disarm();
    expect(err).toMatchObject({ code: 'unavailable' });
    expect(String((err as { cause?: unknown }).cause)).toMatch(/S3 unreachable/);
  });

  it('the composed store keeps the table adapter for everything but snapshots', async () => {
    const { store, dynamo } = await fresh();
    const service = new Kikigaki({ store, tagger: new TopicTagger() });
    await service.ingest({ text: transcript('クラウドソーシングで受注しています。') }, { id: 'iv1' });
    expect((await store.getInterview('iv1'))?.version).toBe(1);
    expect(store.tableName).toBe(dynamo.tableName);
    const indexer = snapshotIndexer(store, defaultIndexOptions());
    await indexer.apply('iv1');
    const m = await indexer.publish(null);
    // Published to S3, not to the table's chunks.
    expect((await dynamo.readManifest())?.chunks).toBe(1);
    const opened = await openLatestIndex(store);
    expect(opened.manifest?.snapshotId).toBe(m.snapshotId);
    expect(opened.index.search({ q: 'クラウドソーシング' }).total).toBe(1);
  });
});

describe('SnapshotIndexProvider (the API functions)', () => {
  async function published() {
    const f = await fresh();
    const service = new Kikigaki({ store: f.store, tagger: new TopicTagger() });
    const indexer = snapshotIndexer(f.store, defaultIndexOptions());
    const publish = async (id: string, answer: string) => {
      await service.ingest({ text: transcript(answer) }, { id });
      await indexer.apply(id);
      return indexer.publish();
    };
    return { ...f, publish };
  }

  it('serves the loaded index while a newer snapshot loads in the background', async () => {
    const { store, publish } = await published();
    await publish('a', 'ランサーズで仕事を探しました。');
    let clock = 0;
    const loaded: string[] = [];
    const provider = new SnapshotIndexProvider(store, {
      refreshMs: 1000,
      now: () => clock,
      observer: { loaded: (i) => loaded.push(`${i.coldStart ? 'cold' : 'refresh'}:${i.quotes}`) },
    });
    const first = await provider.get();
    expect(first.search({ q: 'ランサーズ' }).total).toBe(1);
    await publish('b', 'ココナラで受注しています。');
    clock = 500;
    expect(await provider.get()).toBe(first); // within refreshMs: no manifest read
    clock = 1500;
    expect(await provider.get()).toBe(first); // stale: answered at once, refresh started
    await provider.settled();
    const second = await provider.get();
    expect(second).not.toBe(first);
    expect(second.search({ q: 'ココナラ' }).total).toBe(1);
    // Two quotes per interview: the question and the answer.
    expect(loaded).toEqual(['cold:2', 'refresh:4']);
  });

  it('a failed refresh keeps serving the old index and reports how stale it is', async () => {
    const client = s3.client();
    const f = await fresh(client);
    const service = new Kikigaki({ store: f.store, tagger: new TopicTagger() });
    const indexer = snapshotIndexer(f.store, defaultIndexOptions());
    await service.ingest({ text: transcript('ランサーズで仕事を探しました。') }, { id: 'a' });
    await indexer.apply('a');
    await indexer.publish();
    let clock = 0;
    const failures: Array<{ stalenessMs: number; error: unknown }> = [];
    const provider = new SnapshotIndexProvider(f.store, {
      refreshMs: 1000,
      now: () => clock,
      observer: { refreshFailed: (i) => failures.push(i) },
    });
    const first = await provider.get();
    await service.ingest({ text: transcript('ココナラで受注しています。') }, { id: 'b' });
    await indexer.apply('b');
    await indexer.publish();
    const disarm = failGets(client);
    clock = 2000;
    expect(await provider.get()).toBe(first);
    await provider.settled();
    clock = 4000;
    expect(await provider.get()).toBe(first);
    await provider.settled();
    expect(failures.map((x) => x.stalenessMs)).toEqual([2000, 4000]);
    expect(String(((failures[0]?.error ?? {}) as { cause?: unknown }).cause)).toMatch(/S3 unreachable/);
    expect(provider.describe()).toMatchObject({ quotes: first.stats.quotes });
    disarm();
    clock = 6000;
    await provider.get();
    await provider.settled();
    expect((await provider.get()).search({ q: 'ココナラ' }).total).toBe(1);
  });

  it('every refresh reports how far behind the published snapshot it serves', async () => {
    const client = s3.client();
    const f = await fresh(client);
    const service = new Kikigaki({ store: f.store, tagger: new TopicTagger() });
    const indexer = snapshotIndexer(f.store, defaultIndexOptions());
    const publish = async (id: string, answer: string) => {
      await service.ingest({ text: transcript(answer) }, { id });
      await indexer.apply(id);
      const m = await indexer.publish();
      return { snapshotId: m.snapshotId, at: Date.parse(m.createdAt) };
    };
    const first = await publish('a', 'ランサーズで仕事を探しました。');
    let clock = 0;
    let wall = first.at;
    const refreshes: Array<{ snapshotId: string | null; lagMs: number; outcome: string }> = [];
    const failures: Array<{ lagMs?: number | undefined }> = [];
    const provider = new SnapshotIndexProvider(f.store, {
      refreshMs: 1000,
      now: () => clock,
      wallClock: () => wall,
      observer: { refreshed: (r) => refreshes.push(r), refreshFailed: (x) => failures.push(x) },
    });
    await provider.get();
    // Nothing newer published: current, whatever the served snapshot's age.
    clock = 1500;
    wall = first.at + 3_600_000;
    await provider.get();
    await provider.settled();
    expect(refreshes).toEqual([{ snapshotId: first.snapshotId, lagMs: 0, outcome: 'current' }]);
    // A newer snapshot served 7 s after it was published (the refresh came late or loaded slowly).
    const second = await publish('b', 'ココナラで受注しています。');
    clock = 3000;
    wall = second.at + 7000;
    await provider.get();
    await provider.settled();
    expect(refreshes[1]).toEqual({ snapshotId: second.snapshotId, lagMs: 7000, outcome: 'loaded' });
    // A newer one that cannot be loaded: the lag keeps growing with each attempt, the old index serves.
    const third = await publish('c', 'クラウドワークスで探しました。');
    const disarm = failGets(client);
    clock = 5000;
    wall = third.at + 12_000;
    await provider.get();
    await provider.settled();
    clock = 7000;
    wall = third.at + 14_000;
    await provider.get();
    await provider.settled();
    disarm();
    expect(refreshes.slice(2)).toEqual([
      { snapshotId: second.snapshotId, lagMs: 12_000, outcome: 'failed' },
      { snapshotId: second.snapshotId, lagMs: 14_000, outcome: 'failed' },
    ]);
    expect(failures.map((x) => x.lagMs)).toEqual([12_000, 14_000]);
    expect(provider.describe().snapshotId).toBe(second.snapshotId);
  });

  it('a cold start that cannot load fails the request with the unavailable code, and the next one retries', async () => {
    const client = s3.client();
    const p = await published();
    await p.publish('a', 'ランサーズで仕事を探しました。');
    // The same bucket and manifest, read through a client whose reads fail on demand.
    const snapshots = new S3SnapshotStore({
      s3: client,
      bucket: p.bucket,
      dynamo: db.client,
      tableName: p.table,
    });
    const store = withSnapshotStore(p.dynamo, snapshots);
    const disarm = failGets(client);
    const provider = new SnapshotIndexProvider(store, { refreshMs: 1000 });
    await expect(provider.get()).rejects.toMatchObject({ code: 'unavailable' });
    disarm();
    expect((await provider.get()).search({ q: 'ランサーズ' }).total).toBe(1);
  });

  it('starts empty when nothing is published yet', async () => {
    const { store } = await fresh();
    const provider = new SnapshotIndexProvider(store, { refreshMs: 0 });
    expect((await provider.get()).stats.quotes).toBe(0);
    expect(provider.describe()).toEqual({ snapshotId: null, quotes: 0, interviews: 0 });
  });
});
