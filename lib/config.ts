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

/** Lambda settings. */
export interface LambdaConfig extends CommonConfig {
  /** Secret holding the write token; the read function has none (it serves no writes). */
  tokenSecretId: string | undefined;
  /** Secret holding the read-only token (when reads are protected). */
  readTokenSecretId: string | undefined;
  snapshotRefreshMs: number;
}

function common(env: Env, problems: string[]): CommonConfig {
  return {
    tableName: env.TABLE_NAME?.trim() || DEFAULT_TABLE_NAME,
    protectReads: bool(env, 'PROTECT_READS', false, problems),
    corsOrigins: list(env, 'CORS_ORIGINS'),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 2 * 1024 * 1024, problems, 1024, 6 * 1024 * 1024),
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

/** Reads the Lambda functions' configuration; names every missing variable. */
export function readLambdaConfig(env: Env = process.env): LambdaConfig {
  const problems: string[] = [];
  if (!env.TABLE_NAME?.trim()) problems.push('TABLE_NAME is missing');
  const tokenSecretId = env.TOKEN_SECRET_ID?.trim() || undefined;
  const readTokenSecretId = env.READ_TOKEN_SECRET_ID?.trim() || undefined;
  if (!tokenSecretId && !readTokenSecretId)
    problems.push(
      'TOKEN_SECRET_ID (the Secrets Manager secret holding the write token) is missing, and so is READ_TOKEN_SECRET_ID',
    );
  const cfg: LambdaConfig = {
    ...common(env, problems),
    tokenSecretId,
    readTokenSecretId,
    snapshotRefreshMs: int(env, 'SNAPSHOT_REFRESH_MS', 5000, problems, 0, 600_000),
  };
  if (cfg.protectReads && !tokenSecretId && !readTokenSecretId)
    problems.push('PROTECT_READS needs READ_TOKEN_SECRET_ID or TOKEN_SECRET_ID');
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

/** Reads the Streams indexer's configuration. */
export function readIndexerConfig(env: Env = process.env): { tableName: string } {
  if (!env.TABLE_NAME?.trim()) throw new ConfigError(['TABLE_NAME is missing']);
  return { tableName: env.TABLE_NAME.trim() };
}

/** The write token for the CLI's ingest command, from KIKIGAKI_TOKEN. */
export function cliToken(env: Env = process.env): string | undefined {
  return env.KIKIGAKI_TOKEN?.trim() || undefined;
}
