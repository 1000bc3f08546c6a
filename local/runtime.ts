/**
 * Wires the app for a single process (npm start, API tests): the store, the tagger, an in-process
 * indexer that follows every committed write (there are no Streams locally), and the Hono app.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AppDeps, createApp, type Logger, type StoreHealth } from '../lib/api/app.ts';
import { ConflictError } from '../lib/errors.ts';
import type { Indexer } from '../lib/indexer.ts';
import { LocalJobs } from '../lib/jobs/local.ts';
import { advance, type StepBudget } from '../lib/jobs/steps.ts';
import { PREBUILD_QUOTE_CHARS, type QuoteIndex } from '../lib/search/index.ts';
import { packedPreparation, snapshotIndexer } from '../lib/search/snapshot-target.ts';
import { defaultIndexOptions, openLatestIndex } from '../lib/search/snapshots.ts';
import { Kikigaki } from '../lib/service.ts';
import type { DynamoJsonTransport } from '../lib/store/direct.ts';
import { DynamoStore, ensureTable } from '../lib/store/dynamo.ts';
import type { SnapshotManifest } from '../lib/store/port.ts';
import { StoredTaggers } from '../lib/tagging/source.ts';
import type { ReadingAnalyzer } from '../lib/text/readings.ts';
import { createParsePool, type ParsePoolOptions } from './parse-pool.ts';

/** Options of {@link createLocalRuntime}. */
export interface LocalRuntimeOptions {
  client: DynamoDBClient;
  /**
   * The store's item requests over this transport instead of `client` (the embedded store's
   * port without the SDK: local/embedded.ts `portTransport`, lib/store/direct.ts).
   */
  direct?: DynamoJsonTransport;
  tableName: string;
  token: string;
  /** Read-only token, accepted on reads when they are protected. */
  readToken?: string | undefined;
  protectReads?: boolean;
  corsOrigins?: string[] | undefined;
  maxBodyBytes?: number;
  logger?: Logger;
  /**
   * Quiet time after the last write before a snapshot is published (writes are searchable
   * in-process at once; the snapshot spares a rebuild at the next start). Default 2 s:
   * serialising the index blocks the event loop, so bursts of writes share one publication.
   */
  publishDelayMs?: number;
  /** This process owns the table (its embedded server): lets the store cache tag aliases. */
  soleWriter?: boolean;
  /** Kana readings indexed with every write (lib/text/readings.ts); none by default (tests). */
  readings?: ReadingAnalyzer;
  /**
   * Parse and tag transcripts on worker threads, each parse stopped after `parsePool.timeoutMs`
   * (default true: a heavy body must not stall other requests). False does both in this thread.
   */
  parseInWorkers?: boolean;
  /** The parse workers' bound and size (default: 5 s, one or two workers). */
  parsePool?: ParsePoolOptions;
  /**
   * Start the parse workers now and have each do a small job in the background (see
   * {@link ParsePool.warm}), instead of on the first transcript sent (npm start; default false:
   * tests and tools that never ingest do not pay for it).
   */
  warmWorkers?: boolean;
  /** The embedded store's own state (down while it restarts), reported by /health with a probe. */
  storeState?: () => { state: 'up' } | { state: 'down'; reason: string };
  /** How much one step of a background job does (default {@link LOCAL_JOB_BUDGET}). */
  jobBudget?: StepBudget;
  /** Interviews a merge re-indexes before answering; more go to a job (default 100). */
  inlineInterviews?: number;
}

/**
 * In one process a job step shares the event loop with requests: a few pages at most, then the
 * loop gets its turn (snapshots are published on the usual schedule, not per step).
 */
export const LOCAL_JOB_BUDGET: StepBudget = { pageSize: 100, maxPages: 2, ms: 500 };

/** The wired pieces. */
export interface LocalRuntime {
  app: ReturnType<typeof createApp>;
  service: Kikigaki;
  store: DynamoStore;
  /** The packed engine, published as snapshot parts (this process serves from it too). */
  indexer: Indexer<QuoteIndex, SnapshotManifest>;
  /** Background jobs (rebuilds, checks and repairs, re-scores, large merges), run in this process. */
  jobs: LocalJobs;
  /** Waits for pending snapshot publication. */
  flush(): Promise<void>;
  /** Publishes what is pending and stops the parse workers. */
  close(): Promise<void>;
}

/** Builds the single-process runtime; loads the latest snapshot or rebuilds from the store. */
export async function createLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  await ensureTable(options.client, options.tableName);
  const store = new DynamoStore({
    tableName: options.tableName,
    client: options.client,
    ...(options.direct ? { direct: options.direct } : {}),
    soleWriter: options.soleWriter ?? false,
  });
  const indexOptions = {
    ...defaultIndexOptions(),
    ...(options.readings ? { readings: options.readings } : {}),
  };
  let indexer: Indexer<QuoteIndex, SnapshotManifest>;
  let rebuilt = false;
  try {
    indexer = snapshotIndexer(store, indexOptions, await openLatestIndex(store, indexOptions));
  } catch {
    // A snapshot from another analyzer version or a damaged one: rebuild from the store.
    indexer = snapshotIndexer(store, indexOptions);
    await indexer.rebuild();
    rebuilt = true;
  }
  // The snapshot trails writes by the publish delay: after a crash it can miss the last ones.
  // Reconcile with the store before serving (repairs and republishes only when they differ).
  const drift = rebuilt ? null : await indexer.check(true);
  if (drift?.repaired) {
    options.logger?.({
      level: 'info',
      msg: 'index repaired at start',
      missing: drift.missing.length,
      extra: drift.extra.length,
      stale: drift.stale.length,
    });
  }
  let timer: NodeJS.Timeout | null = null;
  let pending: Promise<unknown> = Promise.resolve();
  let lastPublishMs = 0;
  let lastPublishEnd = 0;
  let firstUnpublished = 0;
  const publish = async () => {
    const t0 = performance.now();
    try {
      try {
        await indexer.publish();
      } catch (e) {
        // Another writer switched the manifest (a second process on the same table, a rebuild
        // by hand): the parts this index extends are gone, and the indexer now publishes whole.
        if (!(e instanceof ConflictError)) throw e;
        options.logger?.({
          level: 'warn',
          msg: 'snapshot moved under this writer; publishing whole',
          error: String(e),
        });
        await indexer.publish();
      }
      // One merge of small parts when the policy asks for it (see Indexer.compact). A failed
      // merge costs only its work: the published parts stand and the next publish retries.
      await indexer.compact().catch((e: unknown) => {
        options.logger?.({ level: 'warn', msg: 'snapshot merge failed', error: String(e) });
      });
    } finally {
      lastPublishMs = performance.now() - t0;
      lastPublishEnd = Date.now();
    }
  };
  const quiet = options.publishDelayMs ?? 2000;
  const schedulePublish = () => {
    const now = Date.now();
    if (!timer) firstUnpublished = now;
    else clearTimeout(timer);
    // Publish once writes pause (or a minute after the first unpublished one), and space
    // publications by ten times the last one's cost: packing blocks the event loop for a time
    // that grows with the index (about 1 s at 100k quotes). A crash meanwhile loses nothing:
    // the start-up check repairs the snapshot from the store.
    const due = Math.max(
      Math.min(now + quiet, firstUnpublished + 60_000),
      lastPublishEnd + lastPublishMs * 10,
    );
    timer = setTimeout(() => {
      timer = null;
      pending = publish().catch((e) =>
        options.logger?.({ level: 'error', msg: 'snapshot publish failed', error: String(e) }),
      );
    }, due - now);
    timer.unref();
  };
  // The taxonomy and model in use come from the store (this process is its only writer here, so
  // its own edits drop the cache and nothing else changes them).
  const taggers = new StoredTaggers(store, { refreshMs: options.soleWriter ? 60_000 : 5_000 });
  const jobs = new LocalJobs(store, options.logger ? { logger: options.logger } : {});
  const pool = (options.parseInWorkers ?? true) ? createParsePool(options.parsePool ?? {}) : null;
  // Large interviews' index parts are built on the worker, which reads kanji with the same
  // dictionary (loaded there on the first one); readings of unknown origin keep them here.
  const prebuild =
    options.readings && !options.readings.dictionary
      ? undefined
      : { minChars: PREBUILD_QUOTE_CHARS, readings: options.readings?.dictionary ?? null };
  const service = new Kikigaki({
    store,
    taggers,
    jobs,
    ...(options.inlineInterviews !== undefined ? { inlineInterviews: options.inlineInterviews } : {}),
    // Parsing, tagging and an ingest's index tokens run on the pool's threads, off the event loop.
    ...(pool
      ? {
          parse: pool.parse,
          tag: pool.tag,
          // The workers' tokens or prebuilt part travel to the indexer opaque (PreparedIndexing).
          prepare: async (source, parseOptions, tagger) => {
            const made = await pool.prepare(source, parseOptions, tagger, indexer.index.mode, prebuild);
            return { record: made.record, indexing: packedPreparation(made) };
          },
        }
      : {}),
    afterCommit: async (change) => {
      if (change.kind === 'all') await indexer.rebuild();
      else {
        const c = change.committed;
        if (c) await indexer.applyCommitted(c.interview, c.quoteTags, c.version, c.prepared);
        else await indexer.apply(change.id);
        schedulePublish();
      }
    },
  });
  // /health asks the store itself (one small read); concurrent checks share one read.
  let probe: Promise<StoreHealth> | null = null;
  const storeHealth = (): Promise<StoreHealth> => {
    const own = options.storeState?.();
    if (own?.state === 'down') return Promise.resolve({ state: 'down', reason: own.reason });
    probe ??= store
      .readManifest()
      .then((): StoreHealth => ({ state: 'up' }))
      .catch((e: unknown): StoreHealth => {
        options.logger?.({ level: 'error', msg: 'store health check failed', error: String(e) });
        return { state: 'down', reason: 'the store does not answer' };
      })
      .finally(() => {
        probe = null;
      });
    return probe;
  };
  const deps: AppDeps = {
    storeHealth,
    service,
    jobs,
    index: indexer.provider(),
    token: () => options.token,
    ...(options.readToken ? { readToken: () => options.readToken as string } : {}),
    protectReads: options.protectReads ?? false,
    corsOrigins: options.corsOrigins,
    maxBodyBytes: options.maxBodyBytes ?? 2 * 1024 * 1024,
    ...(options.logger ? { logger: options.logger } : {}),
  };
  // Job steps work on the live index; the usual schedule publishes what they changed.
  const budget = options.jobBudget ?? LOCAL_JOB_BUDGET;
  jobs.attach((job) =>
    advance(job, {
      store,
      tagging: service.tagging,
      people: service.people,
      budget,
      session: { indexer, commit: async () => schedulePublish() },
    }),
  );
  // Jobs a previous process left open (killed mid-rebuild) carry on where their records stopped.
  await jobs.resume();
  // In the background: the server answers meanwhile, and a transcript sent meanwhile waits behind it.
  const warmed =
    pool && options.warmWorkers
      ? (async () => {
          const t0 = performance.now();
          await pool.warm(await taggers.current(), indexer.index.mode, prebuild);
          // This thread's first reading lays out the dictionary's tables for its lattices (about a
          // second): now, not inside the first write. A word read here is read as it would be then.
          options.readings?.written?.('仕事', '在宅で', 'を続けて');
          options.logger?.({
            level: 'info',
            msg: 'parse workers ready',
            ms: Math.round(performance.now() - t0),
          });
        })().catch((e: unknown) =>
          options.logger?.({ level: 'warn', msg: 'parse workers not warmed', error: String(e) }),
        )
      : Promise.resolve();
  const flush = async () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
      pending = publish();
    }
    await pending;
  };
  return {
    app: createApp(deps),
    service,
    store,
    indexer,
    jobs,
    close: async () => {
      await flush();
      await jobs.idle();
      await pool?.close();
      await warmed;
    },
    flush,
  };
}
