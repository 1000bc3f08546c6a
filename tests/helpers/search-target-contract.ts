/**
 * The contract of the write-side ports (SearchTarget, SearchTargets in lib/search/backend.ts),
 * stated through the engine-free code that uses them: the indexer (lib/indexer.ts), its Lambda
 * worker (lib/indexing.ts) and a job step (lib/jobs/steps.ts), over a real store. Required of
 * every backend:
 * - what the indexer applies from the store is searchable in this process, and readers that
 *   open the latest publication answer as the writer once it is published;
 * - publishing over a publication that moved is a ConflictError, and the publication stays;
 * - a committed interview with a preparation (its own, or another backend's) is indexed as its
 *   text says; an older version than the one indexed is ignored;
 * - the consistency check finds what is missing, extra and stale, and repair publishes the fix;
 * - a rebuild replaces the index whole (in-process readers keep the old one until it is done);
 * - background maintenance keeps the answers, published over the last publication;
 * - the worker publishes once per batch, over what it loaded; a repair job converges.
 * Run over the packed engine's snapshots and the MiniSearch reference backend
 * (tests/store/search-target.test.ts); an OpenSearch backend calls {@link searchTargetContract}
 * with its own factory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lib/errors.ts';
import { Indexer } from '../../lib/indexer.ts';
import { batchIndexer } from '../../lib/indexing.ts';
import { queuedJob } from '../../lib/jobs/runner.ts';
import { advance, type StepContext } from '../../lib/jobs/steps.ts';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import type {
  PreparedIndexing,
  Publication,
  SearchBackend,
  SearchTargets,
} from '../../lib/search/backend.ts';
import type { SearchParams } from '../../lib/search/params.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import type { Job } from '../../lib/store/items.ts';
import type { Store } from '../../lib/store/port.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { createTagging } from '../../lib/tagging/deps.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import { StaticTaggers } from '../../lib/tagging/source.ts';
import { embedded, tableName } from './dynamo.ts';

export interface TargetFactory<B extends SearchBackend, P extends Publication> {
  /** Targets publishing to a fresh durable place (snapshots in `store`, a cluster of its own). */
  targets(store: Store): SearchTargets<B, P>;
  /** A preparation of its own, when the backend prepares interviews off-thread (else none). */
  prepare?(interview: Interview): PreparedIndexing | undefined;
}

const tagger = new TopicTagger();

const TEXTS = [
  ['聞き手：陶芸を始めたきっかけは？', '山田花子：祖父の窯を継いだことです。コーヒーカップを焼いています。'],
  [
    '聞き手：独立したのはいつですか？',
    '佐藤健：三年前にフリーランスになりました。ランサーズで最初の仕事を受けました。',
  ],
  ['聞き手：休日の過ごし方は？', '鈴木一郎：映画館で映画を観ます。邦画が好きです。'],
  ['聞き手：最近の関心は？', '田中次郎：親の介護と仕事の両立について考えています。'],
];

function interview(n: number, text = TEXTS[n % TEXTS.length]?.join('\n') ?? ''): Interview {
  return parseInterview(text, { id: `tc-${n}` });
}

/** The interviews hits are rendered from (what the store held when they were indexed). */
const lookup = (id: string) => interview(Number(id.slice(3)));

/** Quote ids a search finds (rendered: a backend need not keep texts). */
async function found(index: SearchBackend, params: SearchParams): Promise<string[]> {
  return (await index.search(params, lookup)).hits.map((h) => h.quoteId);
}

/** What readers see, in a comparable form (no scores: ranking is each backend's own). */
async function answers(index: SearchBackend) {
  const queries: SearchParams[] = [
    { q: '窯' },
    { q: 'ランサーズ' },
    { q: '映画' },
    { q: '両立' },
    { limit: 100 },
  ];
  const pages = [];
  for (const params of queries) {
    const page = await index.search(params, lookup);
    pages.push([page.total, page.hits.map((h) => [h.quoteId, [...h.tags].sort()]).sort()]);
  }
  return { stats: index.stats, ids: (await index.interviewIds()).sort(), pages };
}

/** The contract, as a vitest suite. */
export function searchTargetContract<B extends SearchBackend, P extends Publication>(
  name: string,
  factory: TargetFactory<B, P>,
): void {
  let db: Awaited<ReturnType<typeof embedded>>;
  beforeAll(async () => {
    db = await embedded();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function setup(count = 3) {
    const table = tableName('target');
    await ensureTable(db.client, table);
    const store = new DynamoStore({ tableName: table, client: db.client });
    for (let n = 0; n < count; n++) await store.putInterview(recordOf(tagger, interview(n)));
    const targets = factory.targets(store);
    const open = async () => new Indexer(store, (await targets.open()).target);
    return { store, targets, open };
  }

  describe(`SearchTarget contract: ${name}`, () => {
    it('applies from the store, publishes, and a reader of the publication answers as the writer', async () => {
      const { targets, open } = await setup();
      expect(await targets.latest()).toBeNull();
      const writer = await open();
      expect(writer.snapshotId).toBeNull();
      for (const id of ['tc-0', 'tc-1', 'tc-2']) expect(await writer.apply(id)).toBe('upserted');
      expect(await writer.apply('tc-nope')).toBe('absent');
      expect(await found(writer.index, { q: 'ランサーズ' })).toEqual(['tc-1-t002']);
      const published = await writer.publish(null);
      expect(writer.snapshotId).toBe(published.snapshotId);
      expect((await targets.latest())?.snapshotId).toBe(published.snapshotId);
      const reader = await targets.open();
      expect(reader.target.published?.snapshotId).toBe(published.snapshotId);
      expect(await answers(reader.target.index)).toEqual(await answers(writer.index));
      expect(writer.provider().describe()).toMatchObject({ snapshotId: published.snapshotId, interviews: 3 });
    });

    it('a publish over a publication that moved is a conflict, and leaves it as it was', async () => {
      const { store, targets, open } = await setup();
      const first = await open();
      await first.apply('tc-0');
      const base = await first.publish(null);
      const a = await open();
      const b = await open();
      await store.putInterview(recordOf(tagger, interview(3)));
      await a.apply('tc-3');
      const won = await a.publish(base.snapshotId);
      await b.apply('tc-1');
      await expect(b.publish(base.snapshotId)).rejects.toBeInstanceOf(ConflictError);
      expect((await targets.latest())?.snapshotId).toBe(won.snapshotId);
      const reader = (await targets.open()).target.index;
      expect((await reader.interviewIds()).sort()).toEqual(['tc-0', 'tc-3']);
    });

    it('a committed interview is indexed as its text says, prepared or not; older news is ignored', async () => {
      const { open } = await setup(0);
      const writer = await open();
      const iv = interview(0);
      const prepared = factory.prepare?.(iv);
      const foreign: PreparedIndexing = { backend: 'another-engine' };
      expect(await writer.applyCommitted(iv, {}, 2, prepared ?? foreign)).toBe('upserted');
      expect(await writer.applyCommitted(interview(1), { 'tc-1-t002': ['work'] }, 1, foreign)).toBe(
        'upserted',
      );
      expect(await found(writer.index, { q: '窯' })).toEqual(['tc-0-t002']);
      expect(await found(writer.index, { tags: ['work'] })).toEqual(['tc-1-t002']);
      // Version 1 arrives after version 2 was indexed: the newer text stays.
      const older = parseInterview('聞き手：質問\n山田花子：古い文章です。', { id: 'tc-0' });
      expect(await writer.applyCommitted(older, {}, 1)).toBe('skipped');
      expect(await found(writer.index, { q: '窯' })).toEqual(['tc-0-t002']);
    });

    it('the consistency check finds missing, extra and stale interviews; repair publishes the fix', async () => {
      const { store, targets, open } = await setup();
      const writer = await open();
      for (const id of ['tc-0', 'tc-1', 'tc-2']) await writer.apply(id);
      await writer.publish(null);
      await store.putInterview(recordOf(tagger, interview(3)));
      await store.deleteInterview('tc-0');
      const tags = await store.getQuoteTags('tc-1-t002');
      await store.putQuoteTags('tc-1-t002', { add: ['freelance'], remove: [] }, tags.version, 'test');
      const c = await writer.compare(['tc-0', 'tc-1', 'tc-2', 'tc-3']);
      expect(c).toMatchObject({ missing: ['tc-3'], stale: ['tc-1'], absent: ['tc-0'] });
      const report = await writer.check(true, writer.snapshotId);
      expect(report).toMatchObject({ missing: ['tc-3'], extra: ['tc-0'], stale: ['tc-1'], repaired: true });
      expect(await writer.check(false)).toMatchObject({ missing: [], extra: [], stale: [] });
      const reader = (await targets.open()).target.index;
      expect(await answers(reader)).toEqual(await answers(writer.index));
      expect(await found(reader, { tags: ['freelance'] })).toEqual(['tc-1-t002']);
    });

    it('a rebuild replaces the index whole and publishes it; the old index is left untouched', async () => {
      const { store, targets, open } = await setup();
      const writer = await open();
      for (const id of ['tc-0', 'tc-1', 'tc-2']) await writer.apply(id);
      const before = await writer.publish(null);
      const old = writer.index;
      await store.deleteInterview('tc-2');
      await store.putInterview(recordOf(tagger, interview(3)));
      const progress: number[] = [];
      const rebuilt = await writer.rebuild((n) => progress.push(n), before.snapshotId);
      expect(progress).toEqual([1, 2, 3]);
      expect(rebuilt.snapshotId).not.toBe(before.snapshotId);
      expect(writer.index).not.toBe(old);
      expect((await writer.interviewIds()).sort()).toEqual(['tc-0', 'tc-1', 'tc-3']);
      expect((await old.interviewIds()).sort()).toEqual(['tc-0', 'tc-1', 'tc-2']);
      const reader = (await targets.open()).target.index;
      expect(await answers(reader)).toEqual(await answers(writer.index));
      // The rebuilt index goes on publishing over its own publication.
      await writer.apply('tc-2');
      expect((await writer.publish(rebuilt.snapshotId)).snapshotId).not.toBe(rebuilt.snapshotId);
    });

    it('background maintenance after removals keeps the answers, published over the last publication', async () => {
      const { store, targets, open } = await setup(0);
      const writer = await open();
      let steps = 0;
      for (let n = 0; n < 12; n++) {
        await store.putInterview(recordOf(tagger, interview(n)));
        await writer.apply(`tc-${n}`);
        if (n % 3 === 2) {
          await store.deleteInterview(`tc-${n - 1}`);
          await writer.apply(`tc-${n - 1}`);
        }
        const published = await writer.publish();
        const step = await writer.compact();
        if (!step) continue;
        steps++;
        expect(step.to).toBeGreaterThan(step.from);
        expect(step.live).toBeLessThanOrEqual(step.docs);
        expect(step.published.snapshotId).not.toBe(published.snapshotId);
        expect((await targets.latest())?.snapshotId).toBe(step.published.snapshotId);
        expect(writer.snapshotId).toBe(step.published.snapshotId);
      }
      expect(steps).toBeGreaterThan(0);
      const reader = (await targets.open()).target.index;
      expect(await answers(reader)).toEqual(await answers(writer.index));
      expect(reader.stats).toEqual({ quotes: 16, interviews: 8 });
    });

    it('the indexing worker publishes one publication per batch over the one it loaded', async () => {
      const { store, targets } = await setup();
      const logs: Array<Record<string, unknown>> = [];
      const index = batchIndexer({ store, targets, logger: (l) => logs.push(l as Record<string, unknown>) });
      const work = (ids: string[], batch: number) =>
        ids.map((id, k) => ({ seq: `${batch}-${k}`, target: { kind: 'interview' as const, id } }));
      expect((await index(work(['tc-0', 'tc-1', 'tc-0'], 0), 3)).size).toBe(0);
      await store.deleteInterview('tc-0');
      expect((await index(work(['tc-0', 'tc-2'], 1), 2)).size).toBe(0);
      const published = logs.filter((l) => l.msg === 'snapshot published');
      expect(published).toHaveLength(2);
      // What readers see now is the batch's publication, or the merge published right after it.
      const last = logs
        .filter((l) => l.msg === 'snapshot published' || l.msg === 'snapshot parts merged')
        .at(-1);
      expect(last?.snapshotId).toBe((await targets.latest())?.snapshotId);
      expect(logs.filter((l) => l.level === 'error')).toEqual([]);
      const reader = (await targets.open()).target.index;
      expect((await reader.interviewIds()).sort()).toEqual(['tc-1', 'tc-2']);
    });

    it('a repair job step over the target converges the index to the store and commits it', async () => {
      const { store, targets, open } = await setup();
      const writer = await open();
      for (const id of ['tc-0', 'tc-1', 'tc-2']) await writer.apply(id);
      await writer.publish(null);
      await store.deleteInterview('tc-2');
      await store.putInterview(recordOf(tagger, interview(3)));
      const tagging = createTagging({ store, taggers: new StaticTaggers(tagger) });
      let commits = 0;
      const ctx: StepContext = {
        store,
        tagging,
        people: { checkInterviews: async () => [] },
        session: {
          indexer: writer,
          commit: async () => {
            commits++;
            await writer.publish(writer.snapshotId);
          },
        },
        budget: { pageSize: 2, maxPages: 10, ms: 60_000 },
      };
      const now = new Date().toISOString();
      // The record the runner writes when the job is submitted, then taken up as a step would.
      let job: Job = {
        ...queuedJob({ kind: 'repair' }, 'job-1', now),
        state: 'running',
        step: 1,
        startedAt: now,
      };
      for (let i = 0; i < 10 && job.state !== 'done'; i++) job = await advance(job, ctx);
      expect(job.state).toBe('done');
      expect(job.result).toMatchObject({ missing: 1, extra: 1, repaired: 1 });
      expect(commits).toBeGreaterThan(0);
      expect(await writer.check(false)).toMatchObject({ missing: [], extra: [], stale: [] });
      const reader = (await targets.open()).target.index;
      expect((await reader.interviewIds()).sort()).toEqual(['tc-0', 'tc-1', 'tc-3']);
    });
  });
}
