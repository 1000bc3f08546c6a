/**
 * Snapshots published as parts (a base and small segments over it): each batch of index writes
 * publishes one new part through the manifest's conditional switch, readers open base + parts
 * in order, background merges replace runs of parts. Against real servers: the table store on
 * dynalite and on Amazon DynamoDB Local, and the S3 store on s3rver (manifest in dynalite).
 * What must hold: a fresh reader of the parts answers exactly as an index built from scratch
 * over the same store (scores included), before and after merges; a failed or conflicting
 * publish leaves the previous manifest, and the next publish recovers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectTaggingCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lib/errors.ts';
import { batchIndexer } from '../../lib/indexing.ts';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import type { QuoteIndex } from '../../lib/search/index.ts';
import { snapshotIndexer, snapshotTargets } from '../../lib/search/snapshot-target.ts';
import { defaultIndexOptions, openLatestIndex, SnapshotIndexProvider } from '../../lib/search/snapshots.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import type { SnapshotPart, Store } from '../../lib/store/port.ts';
import { S3SnapshotStore, SUPERSEDED_TAG, withSnapshotStore } from '../../lib/store/s3-snapshots.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import { localClient } from '../../local/embedded.ts';
import { dynamoLocalEndpoint, embedded, tableName } from '../helpers/dynamo.ts';
import { failNthWrite } from '../helpers/faults.ts';
import { type LocalS3, startS3 } from '../helpers/s3.ts';
import { samplesDir } from '../helpers/shared.ts';

const tagger = new TopicTagger();
const opts = defaultIndexOptions();

/** The project's sample transcripts (the formats the parser recognises by content), parsed under any id. */
const sources = readdirSync(samplesDir)
  .sort()
  .map((f) => readFileSync(join(samplesDir, f), 'utf8'))
  .filter((text) => {
    try {
      parseInterview(text, { id: 'probe' });
      return true;
    } catch {
      return false;
    }
  });
function interview(n: number, variant = 0): Interview {
  return parseInterview(sources[(n + variant) % sources.length] as string, { id: `iv-${n}` });
}

/** Words and sentences over the samples: single words, katakana, a sentence, a tag filter. */
const QUERIES: Array<Record<string, unknown>> = [
  { q: '仕事' },
  { q: '介護' },
  { q: 'キャンプ場' },
  { q: 'フリーランス' },
  { q: '家族' },
  { q: '副業を始めたきっかけは何ですか' },
  { q: '時間 -会社' },
  { q: '子育て 両立' },
  { q: '', limit: 50 },
];

/** Everything a reader answers, in a comparable form (ids, scores to 1e-9, facets, totals). */
function answers(index: QuoteIndex) {
  return {
    stats: index.stats,
    pages: QUERIES.map((params) => {
      const page = index.search({ limit: 20, ...params } as never);
      return {
        total: page.total,
        matched: page.matched,
        hits: page.hits.map((h) => [h.quoteId, h.score.toFixed(9), h.tags.join(',')]),
        facets: page.facets,
      };
    }),
  };
}

/** An index built from scratch over what the store holds now. */
async function fullBuild(store: Store): Promise<QuoteIndex> {
  const ref = snapshotIndexer(store, opts);
  for await (const id of store.interviewIds()) await ref.apply(id);
  return ref.index;
}

type Setup = {
  store: Store;
  /** The table client (fault injection), and which of a publish's writes to it switches the manifest. */
  dynamo: DynamoDBClient;
  switchWrite: number;
  /** True once a part is on its way out (chunks deleted; object tagged for expiry). */
  gone(part: SnapshotPart): Promise<boolean>;
  /** Part objects in the bucket (S3 only). */
  objects?(): Promise<string[]>;
};

let db: Awaited<ReturnType<typeof embedded>>;
let s3: LocalS3;
beforeAll(async () => {
  [db, s3] = await Promise.all([embedded(), startS3()]);
});
afterAll(async () => {
  await Promise.all([db?.close(), s3?.close()]);
});

async function tableSetup(client: () => DynamoDBClient): Promise<Setup> {
  const c = client();
  const table = tableName('parts');
  await ensureTable(c, table);
  const store = new DynamoStore({ tableName: table, client: c });
  return {
    store,
    dynamo: c,
    // The chunks of the new part (one batch write), then the manifest.
    switchWrite: 2,
    gone: (part) =>
      store.readPart(part).then(
        () => false,
        () => true,
      ),
  };
}

const setups: Array<[string, () => Promise<Setup>]> = [
  ['the table store on dynalite', () => tableSetup(() => db.client)],
  [
    'the S3 store on s3rver',
    async () => {
      const table = tableName('parts3');
      await ensureTable(db.client, table);
      const bucket = await s3.bucket();
      const client: S3Client = s3.client();
      const snapshots = new S3SnapshotStore({ s3: client, bucket, dynamo: db.client, tableName: table });
      const store = withSnapshotStore(new DynamoStore({ tableName: table, client: db.client }), snapshots);
      return {
        store,
        dynamo: db.client,
        // The parts go to S3; the manifest is the only table write.
        switchWrite: 1,
        gone: async (part) => {
          const r = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: part.key }));
          return (r.TagSet ?? []).some(
            (t) => t.Key === SUPERSEDED_TAG.key && t.Value === SUPERSEDED_TAG.value,
          );
        },
        objects: async () =>
          ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map(
            (o) => o.Key ?? '',
          ),
      };
    },
  ],
];
const local = dynamoLocalEndpoint();
if (local)
  setups.push(['the table store on Amazon DynamoDB Local', () => tableSetup(() => localClient(local))]);
else console.warn('snapshot parts run on dynalite and s3rver only: DynamoDB Local was not started');

describe.each(setups)('snapshot parts: %s', (_name, setup) => {
  async function put(store: Store, n: number, variant = 0) {
    await store.putInterview(recordOf(tagger, interview(n, variant)));
  }

  it('has real sources to index', () => {
    expect(sources.length).toBeGreaterThanOrEqual(8);
  });

  it('each batch publishes one new part over the parts before it; a fresh reader answers as a full build', async () => {
    const { store } = await setup();
    const writer = snapshotIndexer(store, opts);
    for (let n = 0; n < 6; n++) {
      await put(store, n);
      await writer.apply(`iv-${n}`);
    }
    const first = await writer.publish(null);
    expect(first.parts?.map((p) => p.kind)).toEqual(['base']);

    // A batch: two new interviews, one replaced by other content, one deleted, one re-tagged.
    await put(store, 6);
    await put(store, 7);
    await put(store, 1, 3);
    await store.deleteInterview('iv-2');
    for (const id of ['iv-6', 'iv-7', 'iv-1', 'iv-2']) await writer.apply(id);
    const second = await writer.publish(first.snapshotId);
    expect(second.parts?.map((p) => p.kind)).toEqual(['base', 'segment']);
    // The base is kept as it was (not rewritten); the new part costs the batch.
    expect(second.parts?.[0]).toEqual(first.parts?.[0]);
    expect(second.parts?.[1]?.bytes).toBeLessThan(first.parts?.[0]?.bytes ?? 0);

    const reader = await openLatestIndex(store, opts);
    expect(reader.manifest?.snapshotId).toBe(second.snapshotId);
    expect(reader.parts).toBe(2);
    const expected = answers(await fullBuild(store));
    expect(expected.stats).toEqual({ quotes: expect.any(Number), interviews: 7 });
    expect(expected.pages.some((p) => p.total > 0)).toBe(true);
    expect(answers(reader.index)).toEqual(expected);
    // The writer itself answers the same.
    expect(answers(writer.index)).toEqual(expected);
  });

  it('a background merge replaces a run of parts and keeps the answers; merged-away parts are retired', async () => {
    const { store, gone } = await setup();
    const writer = snapshotIndexer(store, opts);
    let steps = 0;
    let lastParts: SnapshotPart[] = [];
    const retired: SnapshotPart[] = [];
    // One interview per batch: small parts, so the size-tiered policy merges runs of them.
    for (let n = 0; n < 14; n++) {
      await put(store, n % 10, n >= 10 ? 5 : 0);
      await writer.apply(`iv-${n % 10}`);
      const published = await writer.publish();
      expect(published.parts?.length).toBe(lastParts.length + 1);
      const step = await writer.compact();
      if (step) {
        steps++;
        expect(step.to - step.from).toBeGreaterThan(1);
        const kept = new Set(step.published.parts?.map((p) => p.key));
        retired.push(...(published.parts ?? []).filter((p) => !kept.has(p.key)));
        // Merging publishes fewer parts, over the snapshot just published.
        expect(step.published.parts?.length).toBe((published.parts?.length ?? 0) - (step.to - step.from) + 1);
        expect((await store.readManifest())?.snapshotId).toBe(step.published.snapshotId);
        lastParts = step.published.parts ?? [];
      } else lastParts = published.parts ?? [];
      // At every point, a fresh reader answers as a full build does.
      if (n === 7 || n === 13) {
        const reader = await openLatestIndex(store, opts);
        expect(answers(reader.index)).toEqual(answers(await fullBuild(store)));
      }
    }
    expect(steps).toBeGreaterThan(0);
    expect(lastParts.length).toBeLessThan(14);
    // Retired parts go one publish later (readers mid-load of the previous manifest keep theirs).
    await put(store, 11);
    await writer.apply('iv-11');
    await writer.publish();
    expect(retired.length).toBeGreaterThan(0);
    for (const p of retired) expect(await gone(p)).toBe(true);
    const reader = await openLatestIndex(store, opts);
    for (const p of reader.manifest?.parts ?? []) expect(await gone(p)).toBe(false);
    expect(answers(reader.index)).toEqual(answers(await fullBuild(store)));
  });

  it('a conflicting publish leaves the previous manifest and none of its parts', async () => {
    const { store, objects } = await setup();
    const a = snapshotIndexer(store, opts);
    await put(store, 0);
    await a.apply('iv-0');
    const base = await a.publish(null);
    // Two indexers loaded from the same snapshot; the second to publish loses.
    const opened = await openLatestIndex(store, opts);
    const b = snapshotIndexer(store, opts, opened);
    await put(store, 1);
    await a.apply('iv-1');
    const won = await a.publish(base.snapshotId);
    await put(store, 2);
    await b.apply('iv-2');
    const before = objects ? await objects() : [];
    await expect(b.publish(base.snapshotId)).rejects.toBeInstanceOf(ConflictError);
    expect((await store.readManifest())?.snapshotId).toBe(won.snapshotId);
    if (objects) expect(await objects()).toEqual(before);
    // Keeping parts the current manifest does not list is refused too (they may be retiring).
    const stale: SnapshotPart = { key: 'no-such-part', bytes: 3, kind: 'base' };
    await expect(
      store.publishParts([stale, { body: Buffer.from('x'), kind: 'segment' }], {
        quotes: 1,
        interviews: 1,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await store.readManifest())?.snapshotId).toBe(won.snapshotId);
    if (objects) expect(await objects()).toEqual(before);
    // The loser reloads: a fresh indexer over the winner publishes its batch as a segment.
    const reopened = await openLatestIndex(store, opts);
    const c = snapshotIndexer(store, opts, reopened);
    await c.apply('iv-2');
    const m = await c.publish(won.snapshotId);
    expect(m.parts?.length).toBe(3);
    expect(answers((await openLatestIndex(store, opts)).index)).toEqual(answers(await fullBuild(store)));
  });

  it('a publish that fails midway leaves the previous manifest; the next publish recovers in full', async () => {
    const { store, dynamo, switchWrite } = await setup();
    const writer = snapshotIndexer(store, opts);
    for (let n = 0; n < 3; n++) {
      await put(store, n);
      await writer.apply(`iv-${n}`);
    }
    const first = await writer.publish(null);
    const answered = answers((await openLatestIndex(store, opts)).index);
    await put(store, 3);
    await writer.apply('iv-3');
    const fault = failNthWrite(dynamo, switchWrite);
    await expect(writer.publish(first.snapshotId)).rejects.toThrow();
    fault.disarm();
    const still = await openLatestIndex(store, opts);
    expect(still.manifest?.snapshotId).toBe(first.snapshotId);
    expect(answers(still.index)).toEqual(answered);
    // The writer no longer knows which parts its index is: it publishes one folded base.
    const next = await writer.publish(first.snapshotId);
    expect(next.parts?.map((p) => p.kind)).toEqual(['base']);
    expect(answers((await openLatestIndex(store, opts)).index)).toEqual(answers(await fullBuild(store)));
  });

  it('a reader refreshing in the background reads only the new parts and keeps serving the old index meanwhile', async () => {
    const { store } = await setup();
    const writer = snapshotIndexer(store, opts);
    for (let n = 0; n < 4; n++) {
      await put(store, n);
      await writer.apply(`iv-${n}`);
    }
    await writer.publish(null);
    const loads: Array<{ parts: number; partsRead: number }> = [];
    const provider = new SnapshotIndexProvider(store, {
      refreshMs: 0,
      indexOptions: opts,
      observer: { loaded: (i) => loads.push({ parts: i.parts, partsRead: i.partsRead }) },
    });
    const old = await provider.get();
    const oldAnswers = answers(old);
    await put(store, 4);
    await writer.apply('iv-4');
    await writer.publish();
    const fresh = await provider.get();
    expect(fresh).not.toBe(old);
    expect(loads).toEqual([
      { parts: 1, partsRead: 1 },
      { parts: 2, partsRead: 1 },
    ]);
    expect(answers(fresh)).toEqual(answers(await fullBuild(store)));
    // The old index shares the base's bytes with the new one and still answers as before.
    expect(answers(old)).toEqual(oldAnswers);
    // A publish that changed nothing lists the same parts: no load at all.
    const same = await writer.publish();
    expect(await provider.get()).toBe(fresh);
    expect(provider.describe().snapshotId).toBe(same.snapshotId);
    expect(loads).toHaveLength(2);
  });

  it('the indexing Lambda step publishes each invocation as a part and merges at most once per invocation', async () => {
    const { store } = await setup();
    const logs: Array<Record<string, unknown>> = [];
    const index = batchIndexer({
      store,
      targets: snapshotTargets(store),
      logger: (l) => logs.push(l as Record<string, unknown>),
    });
    const invocations = 20;
    for (let i = 0; i < invocations; i++) {
      const ids = [`iv-${i % 10}`, `iv-${(i + 3) % 10}`];
      for (const [k, id] of ids.entries()) await put(store, Number(id.slice(3)), i >= 10 ? k + 1 : 0);
      const failed = await index(
        ids.map((id, k) => ({ seq: `${i}-${k}`, target: { kind: 'interview' as const, id } })),
        ids.length,
      );
      expect(failed.size).toBe(0);
    }
    const published = logs.filter((l) => l.msg === 'snapshot published');
    const merged = logs.filter((l) => l.msg === 'snapshot parts merged');
    expect(published).toHaveLength(invocations);
    expect(merged.length).toBeGreaterThan(0);
    expect(merged.length).toBeLessThanOrEqual(invocations);
    expect(logs.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    const manifest = await store.readManifest();
    expect(manifest?.parts?.length).toBeLessThan(invocations);
    expect(answers((await openLatestIndex(store, opts)).index)).toEqual(answers(await fullBuild(store)));
  });
});
