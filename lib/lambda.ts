/**
 * Wiring for AWS Lambda: the API app over DynamoDB with the index loaded from published
 * snapshots, and the DynamoDB Streams indexer. functions/ only calls these.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createApp, jsonLogger, type Logger } from './api/app.ts';
import { type ApiLambdaConfig, ConfigError, readLambdaConfig, readLambdaConfigFor } from './config.ts';
import { ConflictError } from './errors.ts';
import { interviewIdOfQuote } from './ids.ts';
import { defaultIndexOptions, Indexer, openLatestIndex, SnapshotIndexProvider } from './indexer.ts';
import { Kikigaki } from './service.ts';
import { DynamoStore } from './store/dynamo.ts';
import { parseKey } from './store/keys.ts';
import type { Store } from './store/port.ts';
import { S3SnapshotStore, withSnapshotStore } from './store/s3-snapshots.ts';
import { TopicTagger } from './tagger.ts';

const TOKEN_TTL_MS = 5 * 60_000;

/** Reads a token from Secrets Manager, cached for five minutes (rotation takes effect within that). */
export function secretToken(
  client: SecretsManagerClient,
  secretId: string,
  now: () => number = Date.now,
): () => Promise<string> {
  let cached: { value: string; at: number } | null = null;
  return async () => {
    if (cached && now() - cached.at < TOKEN_TTL_MS) return cached.value;
    const r = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = r.SecretString?.trim();
    if (!value) throw new Error(`secret ${secretId} has no string value`);
    cached = { value, at: now() };
    return value;
  };
}

/** The AWS clients of a function, each with connection and request timeouts and bounded retries. */
export interface AwsClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  secrets: SecretsManagerClient;
}

/**
 * Timeouts: a hung connection must fail well inside the API's 29 s, leaving time for the
 * SDK's retries; S3 reads of a large snapshot get longer per request.
 */
export function awsClients(): AwsClients {
  const handler = (requestTimeout: number) => ({ connectionTimeout: 1000, requestTimeout });
  return {
    dynamo: new DynamoDBClient({ maxAttempts: 3, requestHandler: handler(5000) }),
    s3: new S3Client({ maxAttempts: 3, requestHandler: handler(15_000) }),
    secrets: new SecretsManagerClient({ maxAttempts: 3, requestHandler: handler(3000) }),
  };
}

/** The Lambda store: interviews and tags in the table, search snapshots in S3. */
export function lambdaStore(
  config: { tableName: string; snapshotBucket: string },
  clients: Pick<AwsClients, 'dynamo' | 's3'>,
  logger: Logger = jsonLogger,
): Store {
  const snapshots = new S3SnapshotStore({
    s3: clients.s3,
    bucket: config.snapshotBucket,
    dynamo: clients.dynamo,
    tableName: config.tableName,
    onCleanupError: (error, keys) =>
      logger({ level: 'warn', msg: 'superseded snapshot parts not tagged', keys, error: String(error) }),
  });
  return withSnapshotStore(
    new DynamoStore({ tableName: config.tableName, client: clients.dynamo }),
    snapshots,
  );
}

/** Dependencies of the Lambda API (injected in tests, built from the environment in functions/). */
export interface LambdaApiDeps {
  config: ApiLambdaConfig;
  store: Store;
  /** The write token; absent on the read-only function. */
  token?: () => Promise<string> | string;
  /** The read-only token (protected reads). */
  readToken?: () => Promise<string> | string;
  logger?: Logger;
}

/** The API app for Lambda: reads from published snapshots; Streams keep the index current. */
export function lambdaApiApp(deps: LambdaApiDeps) {
  const log = deps.logger ?? jsonLogger;
  const opts = defaultIndexOptions();
  const provider = new SnapshotIndexProvider(deps.store, {
    refreshMs: deps.config.snapshotRefreshMs,
    indexOptions: opts,
    observer: {
      // Cold-start cost users feel, and every later swap.
      loaded: (info) => log({ level: 'info', msg: 'index loaded', ...info, ms: Math.round(info.ms) }),
      refreshFailed: ({ error, snapshotId, stalenessMs }) =>
        log({
          level: 'warn',
          msg: 'index refresh failed; serving the loaded snapshot',
          snapshotId,
          stalenessMs: Math.round(stalenessMs),
          error: String(error),
        }),
    },
  });
  const tagger = new TopicTagger();
  // Admin operations work on a private indexer started from the latest snapshot and publish
  // over it (conditionally), exactly as the Streams indexer does.
  const freshIndexer = async () => {
    const { index, manifest } = await openLatestIndex(deps.store, opts);
    return new Indexer(deps.store, index, opts).loadedFrom(manifest);
  };
  // The admin routes need the write token: only the write function serves them.
  const admin =
    deps.config.role === 'write'
      ? {
          reindex: async () => {
            const indexer = await freshIndexer();
            return indexer.rebuild(undefined, indexer.snapshotId);
          },
          check: async (repair: boolean) => {
            const indexer = await freshIndexer();
            return indexer.check(repair, indexer.snapshotId);
          },
        }
      : {};
  return createApp({
    ...admin,
    // /health asks the table (one small read), so it answers 503 when DynamoDB does not.
    storeHealth: () =>
      deps.store.readManifest().then(
        () => ({ state: 'up' as const }),
        (e: unknown) => {
          log({ level: 'error', msg: 'store health check failed', error: String(e) });
          return { state: 'down' as const, reason: 'the store does not answer' };
        },
      ),
    service: new Kikigaki({ store: deps.store, tagger }),
    tagger,
    index: provider,
    ...(deps.token ? { token: deps.token } : {}),
    ...(deps.readToken ? { readToken: deps.readToken } : {}),
    protectReads: deps.config.protectReads,
    ...(deps.config.corsOrigins ? { corsOrigins: deps.config.corsOrigins } : {}),
    maxBodyBytes: deps.config.maxBodyBytes,
    logger: log,
  });
}

/** Builds the API app from the environment (cold start); fails fast naming missing settings. */
export function lambdaApiFromEnv(env: Record<string, string | undefined> = process.env) {
  const config = readLambdaConfig(env);
  if (config.role === 'indexer')
    throw new ConfigError(["FUNCTION_ROLE is 'indexer' but this handler serves the read and write roles"]);
  const clients = awsClients();
  return lambdaApiApp({
    config,
    store: lambdaStore(config, clients),
    ...(config.role === 'write' ? { token: secretToken(clients.secrets, config.tokenSecretId) } : {}),
    ...(config.role === 'read' && config.readTokenSecretId
      ? { readToken: secretToken(clients.secrets, config.readTokenSecretId) }
      : {}),
  });
}

/** What a stream record means for the index. */
export type StreamTarget = { kind: 'interview'; id: string } | { kind: 'all' } | null;

/** Maps a stream record's keys to the interview it affects (null: nothing to do). */
export function targetOf(record: DynamoDBRecord): StreamTarget {
  const raw = record.dynamodb?.Keys;
  if (!raw) throw new Error('stream record without keys');
  const k = unmarshall(raw as Record<string, AttributeValue> as never) as { pk?: unknown; sk?: unknown };
  if (typeof k.pk !== 'string' || typeof k.sk !== 'string')
    throw new Error('stream record keys are not strings');
  const key = parseKey({ pk: k.pk, sk: k.sk });
  if (key?.kind === 'interviewHead') return { kind: 'interview', id: key.interviewId };
  if (key?.kind === 'quoteManual') {
    const id = interviewIdOfQuote(key.quoteId);
    if (!id) throw new Error(`quote key ${k.pk} names no interview`);
    return { kind: 'interview', id };
  }
  if (key?.kind === 'tagAlias') return { kind: 'all' };
  return null;
}

/** Dependencies of the stream handler. */
export interface StreamHandlerDeps {
  store: Store;
  logger?: Logger;
}

/**
 * The Streams indexer: applies each committed interview to the index (idempotent: it reads the
 * current state, so redelivered or out-of-order records converge), publishes one snapshot per
 * batch over the one it loaded (optimistic), and reports failed records so one poison record
 * neither blocks nor loses the others.
 */
export function streamHandler(
  deps: StreamHandlerDeps,
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log = deps.logger ?? jsonLogger;
  const opts = defaultIndexOptions();
  let indexer: Indexer | null = null;

  const syncToLatest = async () => {
    const manifest = await deps.store.readManifest();
    if (indexer && (manifest?.snapshotId ?? null) === indexer.snapshotId) return;
    const opened = await openLatestIndex(deps.store, opts, manifest);
    indexer = new Indexer(deps.store, opened.index, opts).loadedFrom(manifest);
    log({
      level: 'info',
      msg: 'indexer loaded snapshot',
      snapshotId: manifest?.snapshotId ?? null,
      bytes: opened.bytes,
      ms: Math.round(opened.ms),
    });
  };

  return async (event) => {
    const failures = new Set<string>();
    const work: Array<{ seq: string; target: Exclude<StreamTarget, null> }> = [];
    for (const record of event.Records) {
      const seq = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
      try {
        const target = targetOf(record);
        if (target) work.push({ seq, target });
      } catch (e) {
        log({ level: 'error', msg: 'poison stream record', seq, error: String(e) });
        failures.add(seq);
      }
    }
    if (work.length === 0)
      return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };

    for (let attempt = 0; ; attempt++) {
      await syncToLatest();
      const current = indexer as unknown as Indexer;
      const base = current.snapshotId;
      const failedNow = new Set<string>();
      const rebuild = work.some((w) => w.target.kind === 'all');
      // One apply per interview, whatever the number of records (a tag edit yields two); a
      // rebuild covers them all.
      const seen = new Set<string>();
      for (const w of rebuild ? [] : work) {
        if (w.target.kind !== 'interview' || seen.has(w.target.id)) continue;
        seen.add(w.target.id);
        try {
          await current.apply(w.target.id);
        } catch (e) {
          log({
            level: 'error',
            msg: 'could not apply interview',
            seq: w.seq,
            id: w.target.id,
            error: String(e),
          });
          failedNow.add(w.seq);
        }
      }
      try {
        const manifest = rebuild ? await current.rebuild(undefined, base) : await current.publish(base);
        for (const s of failedNow) failures.add(s);
        log({
          level: 'info',
          msg: 'snapshot published',
          snapshotId: manifest.snapshotId,
          records: event.Records.length,
          failed: failures.size,
        });
        break;
      } catch (e) {
        // Another indexer published meanwhile: reload its snapshot and apply this batch again.
        if (e instanceof ConflictError && attempt < 3) {
          indexer = null;
          continue;
        }
        log({ level: 'error', msg: 'snapshot publish failed', error: String(e) });
        for (const w of work) failures.add(w.seq);
        indexer = null;
        break;
      }
    }
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** Builds the stream handler from the environment (cold start). */
export function streamHandlerFromEnv(env: Record<string, string | undefined> = process.env) {
  const config = readLambdaConfigFor('indexer', env);
  return streamHandler({ store: lambdaStore(config, awsClients()) });
}
