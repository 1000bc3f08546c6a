/**
 * `npm start`: the API on http://localhost:PORT over an embedded DynamoDB-compatible server
 * (dynalite, persisted under DATA_DIR), with the sample interviews loaded into an empty store.
 * DYNAMODB_ENDPOINT points it at another server instead (DynamoDB Local, or AWS).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serve } from '@hono/node-server';
import { loadInterviews } from '../cli/load.ts';
import { jsonLogger } from '../lib/api/app.ts';
import { ConfigError, readLocalConfig } from '../lib/config.ts';
import { KikigakiError, UnavailableError } from '../lib/errors.ts';
import { loadReadings } from '../lib/text/readings.ts';
import { answerClientErrors } from './client-errors.ts';
import { type Embedded, EmbeddedStartError, endpointClient, startEmbeddedDynamo } from './embedded.ts';
import { createLocalRuntime } from './runtime.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tokenFor(
  dataDir: string,
  fromEnv: string | undefined,
  name = 'api-token',
  envName = 'API_TOKEN',
): { token: string; source: string } {
  if (fromEnv) return { token: fromEnv, source: envName };
  const file = join(dataDir, name);
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), source: file };
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, source: `${file} (generated)` };
}

async function main(): Promise<void> {
  const config = readLocalConfig();
  const dataDir = resolve(config.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new StartError(`cannot create DATA_DIR`, dataDir, 'point DATA_DIR at a writable directory', e);
  }
  let embedded: Embedded | null = null;
  let client: DynamoDBClient;
  if (config.dynamoEndpoint) {
    client = endpointClient(config.dynamoEndpoint);
  } else {
    embedded = await startEmbeddedDynamo({ path: join(dataDir, 'dynalite') });
    storePath = join(dataDir, 'dynalite');
    client = embedded.portClient();
  }
  const { token, source } = tokenFor(dataDir, config.apiToken);
  // Protected reads get their own read-only token, to hand to readers who must not write.
  const read = config.protectReads ? tokenFor(dataDir, config.readToken, 'read-token', 'READ_TOKEN') : null;
  const runtime = await createLocalRuntime({
    client,
    tableName: config.tableName,
    token,
    protectReads: config.protectReads,
    readToken: read?.token,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    logger: jsonLogger,
    soleWriter: embedded !== null,
    // The parse workers start (code, tagger, reading dictionary) while the server waits for its
    // first transcript, not when it comes.
    warmWorkers: true,
    // Items go to the embedded store by message without the SDK's client (lib/store/direct.ts).
    ...(embedded ? { storeState: embedded.state, direct: embedded.portTransport() } : {}),
    // Hiragana typed for kanji words (けっこん → 結婚): readings are indexed with each write.
    readings: await loadReadings(),
  }).catch((e: unknown) => {
    // A remote endpoint that never answers fails every attempt (lib/aws-clients.ts): say which
    // endpoint, after how many attempts, instead of an SDK stack.
    const unanswer = config.dynamoEndpoint ? unanswered(e) : null;
    if (config.dynamoEndpoint && unanswer)
      throw new StartError(
        `the DynamoDB endpoint did not answer after ${unanswer.$metadata?.attempts ?? 1} attempts`,
        config.dynamoEndpoint,
        'check DYNAMODB_ENDPOINT (scheme, host and port), that the service behind it is up and reachable from here, and AWS_REGION',
        unanswer,
      );
    throw e;
  });

  const first = await runtime.store.listInterviews({ limit: 1 });
  if (first.items.length === 0 && config.loadSamples) {
    const loaded = loadInterviews([join(root, 'samples')]);
    // A terminal gets one line updated in place; a pipe or a log file (docker logs, systemd,
    // `npm start > log`) gets a line per step, not carriage returns that pile up on one line.
    const progress = process.stderr;
    let n = 0;
    for (const l of loaded) {
      if ('error' in l) {
        progress.write(`${progress.isTTY ? '\r\x1b[K' : ''}sample ${l.path} skipped: ${l.error}\n`);
        continue;
      }
      await runtime.service.ingest({ json: l.interview });
      n++;
      const line = `loading samples ${n}/${loaded.length}`;
      progress.write(progress.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    }
    if (progress.isTTY) progress.write('\n');
    await runtime.flush();
  }

  const server = serve({ fetch: runtime.app.fetch, port: config.port, hostname: '127.0.0.1' }, (info) => {
    const url = `http://localhost:${info.port}`;
    const stats = runtime.indexer.index.stats;
    // The hint must find something in what this server holds: 介護 is in the samples, not in
    // every corpus (SAMPLES=none with the livedoor interviews finds nothing for it).
    const hint = ['介護', '仕事', '自分'].find(
      (q) => runtime.indexer.index.search({ q, limit: 1 }).total > 0,
    );
    process.stderr.write(
      [
        '',
        `kikigaki API on ${url}  (${stats.interviews} interviews, ${stats.quotes} quotes indexed)`,
        `  store:  ${config.dynamoEndpoint ?? `embedded DynamoDB (dynalite) in ${join(dataDir, 'dynalite')}`}, table ${config.tableName}`,
        `  token:  ${token}   (from ${source}; send as Authorization: Bearer <token> for writes)`,
        ...(read
          ? [`  read:   ${read.token}   (from ${read.source}; a read-only token, reads are protected)`]
          : []),
        hint
          ? `  try:    curl '${url}/search?q=${encodeURIComponent(hint)}'   (${hint})`
          : `  empty:  npx kikigaki ingest <folder of transcripts> --api ${url} --token <token above>`,
        `          curl ${url}/openapi.json`,
        '',
      ].join('\n'),
    );
  });

  answerClientErrors(server);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    server.close();
    await runtime.close().catch(() => undefined);
    await embedded?.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** A start-up failure with where it happened and what to do. */
class StartError extends Error {
  constructor(
    what: string,
    readonly path: string,
    readonly hint: string,
    cause?: unknown,
  ) {
    super(`${what} (${path})${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
  }
}

type SdkError = { name?: string; code?: string; $metadata?: { attempts?: number }; cause?: unknown };

/**
 * The error in `e`'s chain (the store wraps some in StoreUnavailableError, keeping the cause)
 * that says the endpoint did not answer in time or could not be reached; null if none does.
 */
function unanswered(e: unknown): SdkError | null {
  for (let err = e as SdkError | null, depth = 0; err && depth < 5; err = err.cause as SdkError, depth++)
    if (
      err.name === 'TimeoutError' ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(
        err.code ?? '',
      )
    )
      return err;
  return null;
}

/** What to do about a file-system error, by its code. */
function fsHint(code: string | undefined): string {
  if (code === 'ENOSPC') return 'free space on that file system, or point DATA_DIR elsewhere';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return 'make DATA_DIR writable (mount it read-write, fix its owner), or point DATA_DIR elsewhere';
  return 'check DATA_DIR';
}

/** The start-up failure in words an operator (or a supervisor's log) can act on. */
function explain(e: unknown): string {
  if (e instanceof StartError || e instanceof EmbeddedStartError)
    return `cannot start: ${e.message}${e.hint ? `\n  what to do: ${e.hint}` : ''}`;
  if (e instanceof ConfigError) return `cannot start: ${e.message}`;
  const fsError = e as { code?: string; path?: string; message?: string };
  if (fsError?.path && fsError.code)
    return `cannot start: ${fsError.code} on ${fsError.path}: ${fsError.message}\n  what to do: ${fsHint(fsError.code)}`;
  if (e instanceof UnavailableError)
    return `cannot start: the store did not answer while starting${storePath ? ` (${storePath})` : ''}: ${e.message}${
      e.cause instanceof Error ? ` [${e.cause.message}]` : ''
    }\n  what to do: see the lines above for why the embedded store stopped; kikigaki never starts over a store it cannot read`;
  if (e instanceof KikigakiError) return `cannot start: ${e.message}`;
  return `cannot start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

let storePath: string | null = null;

main().catch((e: unknown) => {
  process.stderr.write(`kikigaki: ${explain(e)}\n`);
  process.exit(1);
});
