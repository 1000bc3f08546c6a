/**
 * Wiring of the indexer on Lambda, apart from lib/lambda.ts so that only the indexer's bundle
 * holds kuromoji: the indexer indexes kana readings of kanji words (けっこん finds 結婚) exactly as
 * `npm start` does, from the dictionary the stack ships beside the handler (infra/stack.ts copies
 * node_modules/kuromoji/dict into the asset). The API functions only read snapshots: a query's
 * kana is folded and looked up like any other term, so they never load a dictionary.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import { ConfigError, readLambdaConfigFor, readTelemetryConfig } from './config.ts';
import { indexQueueSender } from './index-queue.ts';
import { queueIndexer } from './indexing.ts';
import { awsClients, lambdaStore, queueJobs } from './lambda.ts';
import { PeopleService } from './people/service.ts';
import { snapshotTargets } from './search/snapshot-target.ts';
import { createTagging } from './tagging/deps.ts';
import { StoredTaggers } from './tagging/source.ts';
import { instrument, lambdaTelemetry } from './telemetry.ts';
import { loadReadings, type ReadingAnalyzer } from './text/readings.ts';

/**
 * The dictionary directory: KUROMOJI_DICT resolved against the directory of the running module
 * (the bundle's index.mjs in /var/task on Lambda); an absolute path stays as it is.
 */
export function dictionaryDirectory(setting: string, moduleUrl: string = import.meta.url): string {
  const dir = resolve(dirname(fileURLToPath(moduleUrl)), setting);
  if (!existsSync(join(dir, 'base.dat.gz')))
    throw new ConfigError([`KUROMOJI_DICT: no kuromoji dictionary (base.dat.gz) in ${dir}`]);
  return dir;
}

/**
 * Loads once; a failed load is forgotten, so the next batch tries again (its messages are
 * reported failed meanwhile and come back).
 */
function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((e: unknown) => {
      loading = null;
      throw e;
    });
    return loading;
  };
}

/** The indexer on the FIFO queue, from the environment (cold start). */
export function queueIndexerFromEnv(env: Record<string, string | undefined> = process.env) {
  const config = readLambdaConfigFor('indexer', env);
  const dictionary = dictionaryDirectory(config.readingsDictionary);
  const t = lambdaTelemetry(readTelemetryConfig('indexer', env));
  let loadedMs: number | null = null;
  const load = loadOnce<ReadingAnalyzer>(async () => {
    const t0 = performance.now();
    const analyzer = await loadReadings(dictionary);
    loadedMs = performance.now() - t0;
    return analyzer;
  });
  // Started during the init phase: the first batch needs it (a failure is retried by that batch).
  load().catch(() => {});
  // Reported from inside the invocation that first uses it, so the line carries its request id.
  const readings = async () => {
    const analyzer = await load();
    if (loadedMs !== null) {
      t.log({ level: 'info', msg: 'readings dictionary loaded', ms: Math.round(loadedMs) });
      t.metrics.addMetric('ReadingsLoadMs', 'Milliseconds', loadedMs);
      loadedMs = null;
    }
    return analyzer;
  };
  const clients = awsClients(t.tracer);
  const store = lambdaStore(config, clients, t.log);
  const runner = queueJobs(store, indexQueueSender(clients.sqs, config.indexQueueUrl));
  // Job steps write through the store; the stream brings those writes back to this indexer.
  const taggers = new StoredTaggers(store);
  const tagging = createTagging({ store, taggers, jobs: runner });
  const people = new PeopleService({ store, taggers, afterCommit: async () => {} });
  const handler = queueIndexer({
    store,
    // The packed engine's snapshots, indexing kana readings as `npm start` does.
    targets: snapshotTargets(store, { readings }),
    logger: t.log,
    metric: (name, unit, value) => t.metrics.addMetric(name, unit as never, value),
    jobs: { runner, tagging, people },
  });
  return instrument(t, (event: SQSEvent) => handler(event));
}
