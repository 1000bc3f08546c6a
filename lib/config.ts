/**
 * Configuration, read from the environment once, failing fast with the names of what is missing
 * or malformed. Nothing else in the code reads process.env.
 */
import { KikigakiError } from './errors.ts';
import { DEFAULT_TABLE_NAME } from './store/keys.ts';

/** Missing or malformed configuration. */
export class ConfigError extends KikigakiError {
  constructor(problems: string[]) {
    super('config_error', `configuration: ${problems.join('; ')}`, { problems });
  }
}

type Env = Record<string, string | undefined>;

function bool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (/^(1|true|yes)$/i.test(v)) return true;
  if (/^(0|false|no)$/i.test(v)) return false;
  problems.push(`${name} must be true or false, not '${v}'`);
  return fallback;
}

function int(
  env: Env,
  name: string,
  fallback: number,
  problems: string[],
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, not '${v}'`);
    return fallback;
  }
  return n;
}

function list(env: Env, name: string): string[] | undefined {
  const v = env[name]?.trim();
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

/** Settings shared by every runtime. */
export interface CommonConfig {
  tableName: string;
  protectReads: boolean;
  corsOrigins: string[] | undefined;
  maxBodyBytes: number;
}

/** `npm start` settings. */
export interface LocalConfig extends CommonConfig {
  port: number;
  dataDir: string;
  loadSamples: boolean;
  dynamoEndpoint: string | undefined;
  apiToken: string | undefined;
  /** The read-only token (reads only, when PROTECT_READS is on). */
  readToken: string | undefined;
}

/** Request bodies larger than this get 413 unless MAX_BODY_BYTES says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

function common(env: Env, problems: string[]): CommonConfig {
  return {
    tableName: env.TABLE_NAME?.trim() || DEFAULT_TABLE_NAME,
    protectReads: bool(env, 'PROTECT_READS', false, problems),
    corsOrigins: list(env, 'CORS_ORIGINS'),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, problems, 1024, 6 * 1024 * 1024),
  };
}

/** Reads the local server's configuration. */
export function readLocalConfig(env: Env = process.env): LocalConfig {
  const problems: string[] = [];
  const samples = env.SAMPLES?.trim().toLowerCase() ?? 'load';
  if (!['load', 'none', ''].includes(samples))
    problems.push(`SAMPLES must be 'none' or unset, not '${env.SAMPLES}'`);
  const token = env.API_TOKEN?.trim();
  if (token !== undefined && token !== '' && token.length < 16)
    problems.push('API_TOKEN must be at least 16 characters');
  const readToken = env.READ_TOKEN?.trim();
  if (readToken !== undefined && readToken !== '' && readToken.length < 16)
    problems.push('READ_TOKEN must be at least 16 characters');
  if (readToken && token && readToken === token) problems.push('READ_TOKEN must differ from API_TOKEN');
  const cfg: LocalConfig = {
    ...common(env, problems),
    port: int(env, 'PORT', 3000, problems, 0, 65535),
    dataDir: env.DATA_DIR?.trim() || './.kikigaki',
    loadSamples: samples !== 'none',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT?.trim() || undefined,
    apiToken: token || undefined,
    readToken: readToken || undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

// ---------------------------------------------------------------- Lambda

/**
 * What a Lambda function of the stack does. The stack builds each function's environment with
 * {@link lambdaEnvironment} from one of these configurations, and the function reads it back
 * with {@link readLambdaConfig}: the variables a role needs are named in one place, so the
 * template and the code agree by construction (and a configuration that could not serve its
 * role fails the synth, not the first request).
 */
export type FunctionRole = 'read' | 'write' | 'indexer' | 'forwarder';

/** The CloudWatch namespace of every function's metrics (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = 'Kikigaki';

/**
 * A function's service name in Powertools: the `service` key of its log lines, the `service`
 * dimension of its metrics, the Service annotation of its traces. One per function, so that logs
 * and metrics say which function wrote them.
 */
export function serviceNameOf(role: FunctionRole): string {
  return `kikigaki-${role}`;
}

/** What Powertools names a function's telemetry with. */
export interface TelemetryConfig {
  serviceName: string;
  namespace: string;
}

/**
 * Powertools settings of a function: POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE as
 * the stack sets them ({@link lambdaEnvironment}), else the role's own — never Powertools'
 * `service_undefined` (a bundle started without the template's environment still says what it is).
 */
export function readTelemetryConfig(role: FunctionRole, env: Env = process.env): TelemetryConfig {
  return {
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || serviceNameOf(role),
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || METRICS_NAMESPACE,
  };
}

/** Settings of the two API functions. */
interface ApiFunctionConfig extends CommonConfig {
  /** The S3 bucket holding the search snapshots. */
  snapshotBucket: string;
  /** How often the function re-reads the published index manifest, in ms. */
  snapshotRefreshMs: number;
}

/** The read function: GET/HEAD routes; never holds the write token. */
export interface ReadFunctionConfig extends ApiFunctionConfig {
  role: 'read';
  /** Secret holding the read-only token; required exactly when reads are protected. */
  readTokenSecretId: string | undefined;
}

/** The write function: POST/PUT/DELETE and the admin routes; holds the write token. */
export interface WriteFunctionConfig extends ApiFunctionConfig {
  role: 'write';
  /** Secret holding the write token. */
  tokenSecretId: string;
  /** The FIFO indexing queue, where background jobs' steps are sent (lib/jobs). */
  indexQueueUrl: string;
}

/** The indexer: consumes the FIFO indexing queue (index batches and job steps). */
export interface IndexerFunctionConfig {
  role: 'indexer';
  tableName: string;
  snapshotBucket: string;
  /** The queue it consumes, where it sends each job's next step. */
  indexQueueUrl: string;
  /**
   * kuromoji's dictionary directory (KUROMOJI_DICT), relative to the handler's bundle: the
   * indexer indexes kana readings of kanji words as `npm start` does (lib/text/readings.ts).
   */
  readingsDictionary: string;
}

/** The Streams forwarder: puts each batch of changes on the indexing queue. */
export interface ForwarderFunctionConfig {
  role: 'forwarder';
  /** The FIFO queue the indexer consumes. */
  indexQueueUrl: string;
}

/** A Lambda function's configuration, by role. */
export type LambdaConfig =
  | ReadFunctionConfig
  | WriteFunctionConfig
  | IndexerFunctionConfig
  | ForwarderFunctionConfig;

/** The API functions' configuration. */
export type ApiLambdaConfig = ReadFunctionConfig | WriteFunctionConfig;

const ROLES: readonly FunctionRole[] = ['read', 'write', 'indexer', 'forwarder'];

/** What makes a configuration unable to serve its role (empty: fine). */
function problemsOf(c: LambdaConfig): string[] {
  const problems: string[] = [];
  if (c.role === 'forwarder') {
    if (!c.indexQueueUrl) problems.push('INDEX_QUEUE_URL (the FIFO queue of the indexer) is missing');
    return problems;
  }
  if (!c.tableName) problems.push('TABLE_NAME is missing');
  if (!c.snapshotBucket) problems.push('SNAPSHOT_BUCKET (the S3 bucket of the search snapshots) is missing');
  if (c.role === 'read') {
    if (c.protectReads && !c.readTokenSecretId)
      problems.push(
        'the read function with PROTECT_READS=true needs READ_TOKEN_SECRET_ID (the read-only token)',
      );
    if (!c.protectReads && c.readTokenSecretId)
      problems.push('READ_TOKEN_SECRET_ID is set but PROTECT_READS is not true: reads would stay public');
  }
  if (c.role === 'write' && !c.tokenSecretId)
    problems.push(
      'the write function needs TOKEN_SECRET_ID (the Secrets Manager secret holding the write token)',
    );
  if ((c.role === 'write' || c.role === 'indexer') && !c.indexQueueUrl)
    problems.push(`the ${c.role} function needs INDEX_QUEUE_URL (the FIFO queue that carries job steps)`);
  if (c.role === 'indexer' && !c.readingsDictionary)
    problems.push(
      'the indexer needs KUROMOJI_DICT (the kuromoji dictionary shipped with its bundle) to index kana readings',
    );
  return problems;
}

/**
 * The environment variables of a function with this configuration (what the stack puts in
 * the template). Throws when the configuration could not serve its role.
 */
export function lambdaEnvironment(c: LambdaConfig): Record<string, string> {
  const problems = problemsOf(c);
  if (problems.length > 0) throw new ConfigError(problems);
  const telemetry = {
    POWERTOOLS_SERVICE_NAME: serviceNameOf(c.role),
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
  if (c.role === 'forwarder')
    return { FUNCTION_ROLE: c.role, INDEX_QUEUE_URL: c.indexQueueUrl, ...telemetry };
  const env: Record<string, string> = {
    FUNCTION_ROLE: c.role,
    ...telemetry,
    TABLE_NAME: c.tableName,
    SNAPSHOT_BUCKET: c.snapshotBucket,
  };
  if (c.role === 'indexer')
    return { ...env, INDEX_QUEUE_URL: c.indexQueueUrl, KUROMOJI_DICT: c.readingsDictionary };
  Object.assign(env, {
    SNAPSHOT_REFRESH_MS: String(c.snapshotRefreshMs),
    PROTECT_READS: String(c.protectReads),
    MAX_BODY_BYTES: String(c.maxBodyBytes),
  });
  if (c.corsOrigins) env.CORS_ORIGINS = c.corsOrigins.join(',');
  if (c.role === 'read' && c.readTokenSecretId) env.READ_TOKEN_SECRET_ID = c.readTokenSecretId;
  if (c.role === 'write') {
    env.TOKEN_SECRET_ID = c.tokenSecretId;
    env.INDEX_QUEUE_URL = c.indexQueueUrl;
  }
  return env;
}

/**
 * Reads a Lambda function's configuration from its environment (cold start), checking it
 * against what its role (FUNCTION_ROLE) needs; names every problem at once.
 */
export function readLambdaConfig(env: Env = process.env): LambdaConfig {
  const problems: string[] = [];
  const role = env.FUNCTION_ROLE?.trim() as FunctionRole | undefined;
  if (!role || !ROLES.includes(role)) {
    problems.push(`FUNCTION_ROLE must be one of ${ROLES.join(', ')}, not '${env.FUNCTION_ROLE ?? ''}'`);
    if (!env.TABLE_NAME?.trim()) problems.push('TABLE_NAME is missing');
    throw new ConfigError(problems);
  }
  const tableName = env.TABLE_NAME?.trim() ?? '';
  const snapshotBucket = env.SNAPSHOT_BUCKET?.trim() ?? '';
  let cfg: LambdaConfig;
  if (role === 'forwarder') cfg = { role, indexQueueUrl: env.INDEX_QUEUE_URL?.trim() ?? '' };
  else if (role === 'indexer')
    cfg = {
      role,
      tableName,
      snapshotBucket,
      indexQueueUrl: env.INDEX_QUEUE_URL?.trim() ?? '',
      readingsDictionary: env.KUROMOJI_DICT?.trim() ?? '',
    };
  else {
    const api = {
      ...common(env, problems),
      tableName,
      snapshotBucket,
      snapshotRefreshMs: int(env, 'SNAPSHOT_REFRESH_MS', 5000, problems, 0, 600_000),
    };
    if (role === 'read') {
      if (env.TOKEN_SECRET_ID?.trim())
        problems.push('the read function must not hold the write token (TOKEN_SECRET_ID)');
      cfg = { ...api, role, readTokenSecretId: env.READ_TOKEN_SECRET_ID?.trim() || undefined };
    } else
      cfg = {
        ...api,
        role,
        tokenSecretId: env.TOKEN_SECRET_ID?.trim() ?? '',
        indexQueueUrl: env.INDEX_QUEUE_URL?.trim() ?? '',
      };
  }
  problems.push(...problemsOf(cfg));
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

/** Reads the configuration of a function that must have `role` (its handler module knows it). */
export function readLambdaConfigFor<R extends FunctionRole>(
  role: R,
  env: Env = process.env,
): Extract<LambdaConfig, { role: R }> {
  const cfg = readLambdaConfig(env);
  if (cfg.role !== role)
    throw new ConfigError([`FUNCTION_ROLE is '${cfg.role}' but this handler serves the ${role} role`]);
  return cfg as Extract<LambdaConfig, { role: R }>;
}

/** The write token for the CLI's ingest command, from KIKIGAKI_TOKEN. */
export function cliToken(env: Env = process.env): string | undefined {
  return env.KIKIGAKI_TOKEN?.trim() || undefined;
}
