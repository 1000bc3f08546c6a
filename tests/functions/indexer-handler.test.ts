/** The Streams indexer Lambda with real DynamoDB Streams record shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueIndexer } from '../../lib/indexing.ts';
import { queueJobs, streamHandler, targetOf } from '../../lib/lambda.ts';
import { PeopleService } from '../../lib/people/service.ts';
import { snapshotTargets } from '../../lib/search/snapshot-target.ts';
import { SnapshotIndexProvider } from '../../lib/search/snapshots.ts';
import { Kikigaki } from '../../lib/service.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { createTagging } from '../../lib/tagging/deps.ts';
import { merge } from '../../lib/tagging/merges.ts';
import { StaticTaggers } from '../../lib/tagging/source.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';
import { streamRecord } from '../helpers/events.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let store: DynamoStore;
let service: Kikigaki;

const transcript = (answer: string) =>
  `聞き手：お仕事は？\n山田：${answer}\n聞き手：将来は？\n山田：介護の需要が増えると思います。`;

async function publishedQuotes(q: string): Promise<number> {
  const reader = new SnapshotIndexProvider(store, { refreshMs: 0 });
  return (await reader.get()).search({ q, limit: 100 }).total;
}

beforeAll(async () => {
  db = await embedded();
  const table = tableName('idx');
  await ensureTable(db.client, table);
  store = new DynamoStore({ tableName: table, client: db.client });
  service = new Kikigaki({ store, tagger: new TopicTagger() });
});
afterAll(async () => db.close());

describe('functions/indexer handler', () => {
  it('maps stream keys to what the index must follow', () => {
    expect(targetOf(streamRecord('MODIFY', { pk: 'IV#abc', sk: 'HEAD' }))).toEqual({
      kind: 'interview',
      id: 'abc',
    });
    expect(targetOf(streamRecord('MODIFY', { pk: 'QUOTE#abc-t003', sk: 'TAGS' }))).toEqual({
      kind: 'interview',
      id: 'abc',
    });
    expect(targetOf(streamRecord('INSERT', { pk: 'TAGALIAS', sk: 'old' }))).toBeNull();
    expect(targetOf(streamRecord('INSERT', { pk: 'IV#abc', sk: 'V#00000001-x#DOC#0000' }))).toBeNull();
  });

  it('indexes committed interviews and reports a poison record without losing the others', async () => {
    await service.ingest({ text: transcript('ランサーズで受注しています。') }, { id: 'one' });
    await service.ingest({ text: transcript('ココナラで出品しています。') }, { id: 'two' });
    const handler = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    const poison = streamRecord('INSERT', null);
    const out = await handler({
      Records: [
        streamRecord('INSERT', { pk: 'IV#one', sk: 'HEAD' }),
        poison,
        streamRecord('INSERT', { pk: 'IV#two', sk: 'HEAD' }),
      ],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: poison.dynamodb?.SequenceNumber }]);
    expect(await publishedQuotes('ランサーズ')).toBe(1);
    expect(await publishedQuotes('ココナラ')).toBe(1);
  });

  it('is idempotent under redelivery and out-of-order records', async () => {
    const handler = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    await service.ingest({ text: transcript('ランサーズとクラウドワークスを使います。') }, { id: 'one' });
    const newer = streamRecord('MODIFY', { pk: 'IV#one', sk: 'HEAD' });
    const older = streamRecord('INSERT', { pk: 'IV#one', sk: 'HEAD' });
    // The older record arrives after the newer, then the whole batch again.
    await handler({ Records: [newer, older] });
    const out = await handler({ Records: [newer, older] });
    expect(out.batchItemFailures).toEqual([]);
    expect(await publishedQuotes('クラウドワークス')).toBe(1);
    expect(await publishedQuotes('介護')).toBe(2);
  });

  it('removes a deleted interview’s quotes', async () => {
    const handler = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    await service.deleteInterview('two');
    const out = await handler({ Records: [streamRecord('REMOVE', { pk: 'IV#two', sk: 'HEAD' })] });
    expect(out.batchItemFailures).toEqual([]);
    expect(await publishedQuotes('ココナラ')).toBe(0);
  });

  it('follows manual quote tag edits', async () => {
    const handler = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    await service.editQuoteTags('one-t002', { add: ['tools'] }, 'editor');
    await handler({ Records: [streamRecord('MODIFY', { pk: 'QUOTE#one-t002', sk: 'TAGS' })] });
    const reader = new SnapshotIndexProvider(store, { refreshMs: 0 });
    const index = await reader.get();
    const params = { q: '', tags: ['tools'] };
    expect((await service.search(index, params)).hits.map((h) => h.quoteId)).toEqual(['one-t002']);
  });

  it('two indexers publishing concurrently lose no update', async () => {
    const a = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    const b = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    await service.ingest({ text: transcript('ストアカで講座を開いています。') }, { id: 'three' });
    await service.ingest({ text: transcript('メルカリで販売しています。') }, { id: 'four' });
    const [ra, rb] = await Promise.all([
      a({ Records: [streamRecord('INSERT', { pk: 'IV#three', sk: 'HEAD' })] }),
      b({ Records: [streamRecord('INSERT', { pk: 'IV#four', sk: 'HEAD' })] }),
    ]);
    expect(ra.batchItemFailures).toEqual([]);
    expect(rb.batchItemFailures).toEqual([]);
    expect(await publishedQuotes('ストアカ')).toBe(1);
    expect(await publishedQuotes('メルカリ')).toBe(1);
  });

  it('applies a tag merge through the heads it rewrote (the TAGALIAS record alone rebuilds nothing)', async () => {
    const handler = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    // care-anxiety (介護 in every interview here): crowdsourcing keeps its id and cannot be merged away.
    await merge(service.tagging, 'care-anxiety', 'caregiving', { create: true }, 'editor');
    // A merge re-computes the memberships and heads of the interviews it moves: Streams deliver
    // those heads' records beside the alias's.
    const out = await handler({
      Records: [
        streamRecord('INSERT', { pk: 'TAGALIAS', sk: 'care-anxiety' }),
        ...['one', 'two', 'three', 'four'].map((id) =>
          streamRecord('MODIFY', { pk: `IV#${id}`, sk: 'HEAD' }),
        ),
      ],
    });
    expect(out.batchItemFailures).toEqual([]);
    const reader = new SnapshotIndexProvider(store, { refreshMs: 0 });
    const index = await reader.get();
    expect(index.search({ q: '', tags: ['caregiving'] }).total).toBeGreaterThan(0);
    expect(index.search({ q: '', tags: ['care-anxiety'] }).total).toBe(0);
  });

  it('runs a job from the FIFO queue step by step, between index batches, to the end', async () => {
    // The queue as the one message group delivers it: in order, in batches of up to 10.
    const queue: Array<{ messageId: string; body: string }> = [];
    let n = 0;
    const send = async (body: string) => void queue.push({ messageId: `m${++n}`, body });
    const runner = queueJobs(store, send);
    const tagging = createTagging({ store, taggers: new StaticTaggers(new TopicTagger()), jobs: runner });
    const handler = queueIndexer({
      store,
      targets: snapshotTargets(store),
      logger: () => {},
      jobs: {
        runner,
        tagging,
        people: new PeopleService({
          store,
          taggers: new StaticTaggers(new TopicTagger()),
          afterCommit: async () => {},
        }),
        budget: { pageSize: 1, maxPages: 1, ms: 60_000 },
      },
    });
    const deliver = async () => {
      let batches = 0;
      while (queue.length > 0) {
        const batch = queue.splice(0, 10);
        const out = await handler({
          Records: batch.map((m) => ({ messageId: m.messageId, body: m.body }) as never),
        });
        expect(out.batchItemFailures).toEqual([]);
        batches++;
      }
      return batches;
    };
    await service.ingest({ text: transcript('ポートフォリオを作りました。') }, { id: 'five' });
    const job = await runner.submit({ kind: 'repair' });
    // An index batch lands behind the job's first step: FIFO keeps both, in order.
    await send(JSON.stringify({ v: 1, targets: [{ kind: 'interview', id: 'five' }], from: '1', to: '1' }));
    expect(await deliver()).toBeGreaterThan(1);
    const done = await runner.get(job.id);
    const interviews = (await new SnapshotIndexProvider(store, { refreshMs: 0 }).get()).stats.interviews;
    expect(done).toMatchObject({ state: 'done', phase: 'done', error: null, errors: [] });
    // One step per interview (pages of one; a full last page may be followed by an empty one, as
    // DynamoDB cannot tell a query that filled its limit that nothing follows), then the sweep's
    // of the index's ids (pages of up to ten: one of one, which measures the pace, then the rest).
    const sweep = 1 + Math.ceil((interviews - 1) / 10);
    expect(done?.step).toBeGreaterThanOrEqual(interviews + sweep);
    expect(done?.step).toBeLessThanOrEqual(interviews + 1 + sweep);
    // Its first page came before the index batch of 'five': the repair found it missing and
    // indexed it; the batch then applied it again, which changes nothing.
    expect(done?.result).toMatchObject({ checked: interviews, missing: 1, extra: 0, repaired: 1 });
    expect(done?.ids).toEqual({ missing: ['five'] });
    expect(await publishedQuotes('ポートフォリオ')).toBe(1);
    // A message that is neither index work nor a job step is reported, and only it.
    const out = await handler({
      Records: [{ messageId: 'bad', body: '{"v":1,"job":{"id":"x y","step":0,"attempt":0}}' } as never],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  });
});
