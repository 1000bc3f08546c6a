/**
 * The read function's background work on its index: a snapshot's parts are inflated after the
 * load (warm()) with nobody awaiting it, so a failure there must be reported — logged and counted
 * as IndexRefreshFailures with IndexStalenessMs — not swallowed.
 */

import type { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { QuoteIndex } from '../../lib/search/index.ts';
import { snapshotIndexer } from '../../lib/search/snapshot-target.ts';
import { SnapshotIndexProvider } from '../../lib/search/snapshots.ts';
import { Kikigaki } from '../../lib/service.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { snapshotMetrics } from '../../lib/telemetry.ts';
import { localClient } from '../../local/embedded.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';

let server: Awaited<ReturnType<typeof embedded>>;
beforeAll(async () => {
  server = await embedded();
});
afterAll(async () => server.close());
afterEach(() => {
  vi.restoreAllMocks();
});

type Failure = { error: unknown; stage: string; snapshotId: string | null; stalenessMs: number };

describe('a failed warm-up of a loaded snapshot', () => {
  it('is reported to the observer with its stage, snapshot and staleness', async () => {
    const client = localClient(server.endpoint);
    const table = tableName('warm');
    await ensureTable(client, table);
    const store = new DynamoStore({ tableName: table, client });
    const indexer = snapshotIndexer(store);
    const service = new Kikigaki({
      store,
      tagger: new TopicTagger(),
      afterCommit: async (c) => void (c.kind === 'interview' && (await indexer.apply(c.id))),
    });
    await service.ingest({ text: '聞き手：仕事は？\n山田：ランサーズで探しました。' }, { id: 'w' });
    const published = await indexer.publish();
    vi.spyOn(QuoteIndex.prototype, 'warm').mockRejectedValue(new Error('block 3 does not inflate'));
    const failures: Failure[] = [];
    const clock = 1000;
    const provider = new SnapshotIndexProvider(store, {
      refreshMs: 60_000,
      now: () => clock,
      observer: { refreshFailed: (f) => failures.push(f) },
    });
    const index = await provider.get();
    await vi.waitFor(() => expect(failures).toHaveLength(1));
    // Just loaded and confirmed current: the warm-up fails at once, nothing stale yet.
    expect(failures[0]).toMatchObject({ stage: 'warm', snapshotId: published.snapshotId, stalenessMs: 0 });
    expect(String(failures[0]?.error)).toContain('block 3 does not inflate');
    // The index still serves (requests inflate what they read).
    expect(index.search({ q: 'ランサーズ' }).total).toBe(1);
  });
});

/** The telemetry snapshotMetrics writes to, recording each log line and metric it is given. */
function recorded() {
  const logged: Array<Record<string, unknown>> = [];
  const metrics: Array<[string, string, number]> = [];
  const t = {
    log: (line: Record<string, unknown>) => void logged.push(line),
    metrics: {
      addMetric: (name: string, unit: string, value: number) => void metrics.push([name, unit, value]),
    } as unknown as Metrics,
  };
  return { logged, metrics, t };
}

describe('snapshotMetrics (the read function observer)', () => {
  it('logs a failed warm-up and counts it as IndexRefreshFailures with IndexStalenessMs', () => {
    const { logged, metrics, t } = recorded();
    snapshotMetrics(t).refreshFailed?.({
      error: new Error('block 3 does not inflate'),
      snapshotId: 'snap-1',
      stalenessMs: 1234,
      stage: 'warm',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      stage: 'warm',
      snapshotId: 'snap-1',
      stalenessMs: 1234,
    });
    expect(String(logged[0]?.error)).toContain('block 3 does not inflate');
    expect(metrics).toEqual([
      ['IndexRefreshFailures', 'Count', 1],
      ['IndexStalenessMs', 'Milliseconds', 1234],
    ]);
  });

  it('records IndexLagMs at every refresh, and logs the lag when a newer snapshot is served', () => {
    const { logged, metrics, t } = recorded();
    const observer = snapshotMetrics(t);
    observer.refreshed?.({ snapshotId: 'snap-1', lagMs: 0, outcome: 'current' });
    observer.refreshed?.({ snapshotId: 'snap-2', lagMs: 6500.4, outcome: 'loaded' });
    observer.refreshed?.({ snapshotId: 'snap-2', lagMs: 90_000, outcome: 'failed' });
    expect(metrics).toEqual([
      ['IndexLagMs', 'Milliseconds', 0],
      ['IndexLagMs', 'Milliseconds', 6500.4],
      ['IndexLagMs', 'Milliseconds', 90_000],
    ]);
    // One line per newer snapshot served; a current index is not logged every few seconds, and a
    // failure has its own warning (refreshFailed, with the same lag).
    expect(logged).toEqual([{ level: 'info', msg: 'index refreshed', snapshotId: 'snap-2', lagMs: 6500 }]);
  });
});
