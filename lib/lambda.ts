/**
 * Wiring for AWS Lambda: the API app over DynamoDB with the index loaded from published
 * snapshots, and what the indexer (lib/indexer-lambda.ts) and forwarder share with it: clients,
 * the store, jobs on the queue. functions/ only calls these.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { createApp, jsonLogger, type Logger } from './api/app.ts';
import { clientSettings } from './aws-clients.ts';
import { type ApiLambdaConfig, ConfigError, readLambdaConfig, readTelemetryConfig } from './config.ts';
import { indexQueueSender, jobStepBody } from './index-queue.ts';
import { JobRunner } from './jobs/runner.ts';
import { defaultIndexOptions, SnapshotIndexProvider, type SnapshotObserver } from './search/snapshots.ts';
import { Kikigaki } from './service.ts';
import { DynamoStore } from './store/dynamo.ts';
import type { Store } from './store/port.ts';
import { S3SnapshotStore, withSnapshotStore } from './store/s3-snapshots.ts';
import { StoredTaggers } from './tagging/source.ts';
import { instrument, lambdaTelemetry, snapshotMetrics, type Telemetry } from './telemetry.ts';

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
  sqs: SQSClient;
}

/** The function's clients, with the timeouts and retries of lib/aws-clients.ts, traced when `tracer` is given. */
export function awsClients(tracer?: Telemetry['tracer']): AwsClients {
  const traced = <C>(client: C): C => (tracer ? tracer.captureAWSv3Client(client) : client);
  return {
    dynamo: traced(new DynamoDBClient(clientSettings('dynamo'))),
    s3: traced(new S3Client(clientSettings('s3'))),
    secrets: traced(new SecretsManagerClient(clientSettings('secrets'))),
    sqs: traced(new SQSClient(clientSettings('sqs'))),
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
  /** Told about snapshot loads and failed refreshes (default: log lines). */
  observer?: SnapshotObserver;
  /**
   * Sends a message to the FIFO indexing queue (the write function): background jobs' steps go
   * there, to run on the indexer. Absent: no jobs (admin job routes 404; re-scores run inline).
   */
  sendToQueue?: (body: string) => Promise<void>;
}

/** Jobs whose steps travel on the indexing queue. */
export function queueJobs(store: Store, send: (body: string) => Promise<void>): JobRunner {
  return new JobRunner({ store, dispatch: (step) => send(jobStepBody(step)) });
}

/** The API app for Lambda: reads from published snapshots; Streams keep the index current. */
export function lambdaApiApp(deps: LambdaApiDeps) {
  const log = deps.logger ?? jsonLogger;
  const opts = defaultIndexOptions();
  const provider = new SnapshotIndexProvider(deps.store, {
    refreshMs: deps.config.snapshotRefreshMs,
    indexOptions: opts,
    observer: deps.observer ?? {
      // Cold-start cost users feel, and every later swap.
      loaded: (info) => log({ level: 'info', msg: 'index loaded', ...info, ms: Math.round(info.ms) }),
      refreshFailed: ({ error, snapshotId, stalenessMs, stage, lagMs }) =>
        log({
          level: 'warn',
          msg:
            stage === 'warm'
              ? 'index warm-up failed; requests inflate the blocks they read'
              : 'index refresh failed; serving the loaded snapshot',
          stage,
          snapshotId,
          stalenessMs: Math.round(stalenessMs),
          ...(lagMs === undefined ? {} : { lagMs: Math.round(lagMs) }),
          error: String(error),
        }),
      refreshed: ({ snapshotId, lagMs, outcome }) => {
        if (outcome === 'loaded')
          log({ level: 'info', msg: 'index refreshed', snapshotId, lagMs: Math.round(lagMs) });
      },
    },
  });
  // The taxonomy and model in use: the store's current version (re-read at most every 5 s).
  const taggers = new StoredTaggers(deps.store);
  // Work that grows with the store (rebuilds, checks, re-scores, large merges) runs as jobs on
  // the indexer; this function only starts them (and reads their records).
  const jobs =
    deps.config.role === 'write' && deps.sendToQueue ? queueJobs(deps.store, deps.sendToQueue) : undefined;
  const service = new Kikigaki({ store: deps.store, taggers, ...(jobs ? { jobs } : {}) });
  return createApp({
    ...(jobs ? { jobs } : {}),
    // /health asks the table (one small read), so it answers 503 when DynamoDB does not.
    storeHealth: () =>
      deps.store.readManifest().then(
        () => ({ state: 'up' as const }),
        (e: unknown) => {
          log({ level: 'error', msg: 'store health check failed', error: String(e) });
          return { state: 'down' as const, reason: 'the store does not answer' };
        },
      ),
    service,
    index: provider,
    ...(deps.token ? { token: deps.token } : {}),
    ...(deps.readToken ? { readToken: deps.readToken } : {}),
    protectReads: deps.config.protectReads,
    ...(deps.config.corsOrigins ? { corsOrigins: deps.config.corsOrigins } : {}),
    maxBodyBytes: deps.config.maxBodyBytes,
    logger: log,
  });
}

/**
 * The API handler from the environment (cold start; fails fast naming missing settings): the
 * Hono app behind API Gateway, with Powertools logs (Lambda and API Gateway request ids on every
 * line), metrics and traces.
 */
export function apiHandlerFromEnv(env: Record<string, string | undefined> = process.env) {
  const config = readLambdaConfig(env);
  if (config.role !== 'read' && config.role !== 'write')
    throw new ConfigError([
      `FUNCTION_ROLE is '${config.role}' but this handler serves the read and write roles`,
    ]);
  const t = lambdaTelemetry(readTelemetryConfig(config.role, env));
  const clients = awsClients(t.tracer);
  const app = lambdaApiApp({
    config,
    store: lambdaStore(config, clients, t.log),
    logger: t.log,
    observer: snapshotMetrics(t),
    ...(config.role === 'write'
      ? {
          token: secretToken(clients.secrets, config.tokenSecretId),
          sendToQueue: indexQueueSender(clients.sqs, config.indexQueueUrl),
        }
      : {}),
    ...(config.role === 'read' && config.readTokenSecretId
      ? { readToken: secretToken(clients.secrets, config.readTokenSecretId) }
      : {}),
  });
  const serve = handle(app);
  return instrument(
    t,
    (event: LambdaEvent, context: Context) => serve(event, context),
    (event) => ({
      apiRequestId: (event as { requestContext?: { requestId?: string } }).requestContext?.requestId,
    }),
  );
}

export { type StreamHandlerDeps, type StreamTarget, streamHandler, targetOf } from './indexing.ts';
