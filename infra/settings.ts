/**
 * Deployment settings of the stack: explicit props win over CDK context values (`cdk.json` or
 * `cdk synth -c key=value`), which win over the defaults below. Context given on the command line
 * arrives as strings, so every value is parsed and checked here, failing synth with the name of
 * the offending key rather than deploying something half-configured.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

/** Everything a deployment can tune. */
export interface KikigakiSettings {
  /** Keep the table (and log groups) when the stack is deleted. Context `retainTable`; default true. */
  retainTable: boolean;
  /** Require the bearer token on reads too (PROTECT_READS). Context `protectReads`; default false. */
  protectReads: boolean;
  /** Allowed CORS origins (HTTP API preflight and CORS_ORIGINS). Context `corsOrigins`; default ['*']. */
  corsOrigins: string[];
  /** Memory of each API function in MB. Context `apiMemoryMb`; default 1024. */
  apiMemoryMb: number;
  /** Memory of the Streams indexer in MB. Context `indexerMemoryMb`; default 1536. */
  indexerMemoryMb: number;
  /** Retention of every log group, in days (a CloudWatch Logs value). Context `logRetentionDays`; default 30. */
  logRetentionDays: RetentionDays;
  /** Default-stage steady-state rate limit (requests/s). Context `throttleRateLimit`; default 50. */
  throttleRateLimit: number;
  /** Default-stage burst limit. Context `throttleBurstLimit`; default 100. */
  throttleBurstLimit: number;
  /** Steady-state rate limit of the write routes (POST/PUT/PATCH/DELETE). Context `writeRateLimit`; default 5. */
  writeRateLimit: number;
  /** Burst limit of the write routes. Context `writeBurstLimit`; default 10. */
  writeBurstLimit: number;
  /** How often the API re-reads the published index manifest (SNAPSHOT_REFRESH_MS). Context `snapshotRefreshMs`; default 5000. */
  snapshotRefreshMs: number;
  /** Indexer IteratorAge (max) above which the alarm fires, in ms. Context `iteratorAgeAlarmMs`; default 60000. */
  iteratorAgeAlarmMs: number;
  /** Where alarm notifications are e-mailed (an SNS subscription to confirm once). Context `alarmEmail`; default none. */
  alarmEmail: string | undefined;
  /** API p99 latency (5 minutes) above which the alarm fires, in ms. Context `latencyP99AlarmMs`; default 3000. */
  latencyP99AlarmMs: number;
  /** Indexer duration (max over 5 minutes) above which the alarm fires, in ms. Context `indexerDurationAlarmMs`; default 120000. */
  indexerDurationAlarmMs: number;
  /**
   * How far behind the published snapshot a read container may serve (IndexLagMs, max over 5
   * minutes, three periods running) before the alarm fires, in ms. Context `indexLagAlarmMs`; default 60000.
   */
  indexLagAlarmMs: number;
  /** Request body limit (MAX_BODY_BYTES); unset leaves the app's default (2 MiB). Context `maxBodyBytes`. */
  maxBodyBytes: number | undefined;
}

export const DEFAULT_SETTINGS: Readonly<KikigakiSettings> = {
  retainTable: true,
  protectReads: false,
  corsOrigins: ['*'],
  apiMemoryMb: 1024,
  indexerMemoryMb: 1536,
  logRetentionDays: RetentionDays.ONE_MONTH,
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  writeRateLimit: 5,
  writeBurstLimit: 10,
  snapshotRefreshMs: 5000,
  iteratorAgeAlarmMs: 60_000,
  alarmEmail: undefined,
  latencyP99AlarmMs: 3000,
  indexerDurationAlarmMs: 120_000,
  indexLagAlarmMs: 60_000,
  maxBodyBytes: undefined,
};

const RETENTION_VALUES = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

function bool(key: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw new Error(`${key} must be true or false, not ${JSON.stringify(v)}`);
}

function int(key: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new Error(`${key} must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
  return n;
}

function parseJson(key: string, s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new Error(`${key} is not valid JSON: ${s}`);
  }
}

function origins(key: string, v: unknown): string[] {
  let list: unknown = v;
  if (typeof v === 'string') {
    const s = v.trim();
    list = s.startsWith('[')
      ? parseJson(key, s)
      : s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
  }
  if (!Array.isArray(list) || list.length === 0 || !list.every((o) => typeof o === 'string' && o !== ''))
    throw new Error(
      `${key} must be a non-empty list of origins (JSON array or comma-separated), not ${JSON.stringify(v)}`,
    );
  if (list.some((o) => o.includes(',')))
    throw new Error(`${key}: an origin cannot contain a comma (${JSON.stringify(v)})`);
  return list as string[];
}

function retention(key: string, v: unknown): RetentionDays {
  const n = int(key, v, 1, 9999);
  if (!RETENTION_VALUES.has(n))
    throw new Error(
      `${key} must be a CloudWatch Logs retention (${[...RETENTION_VALUES].join(', ')}), not ${n}`,
    );
  return n as RetentionDays;
}

function email(key: string, v: unknown): string {
  if (typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim())) return v.trim();
  throw new Error(`${key} must be an e-mail address, not ${JSON.stringify(v)}`);
}

/** Resolves the settings: `overrides` (stack props) > context of `node` > defaults. */
export function resolveSettings(node: Node, overrides: Partial<KikigakiSettings> = {}): KikigakiSettings {
  const pick = <K extends keyof KikigakiSettings>(
    key: K,
    parse: (key: string, v: unknown) => KikigakiSettings[K],
  ): KikigakiSettings[K] => {
    if (overrides[key] !== undefined) return parse(key, overrides[key]);
    const fromContext: unknown = node.tryGetContext(key);
    return fromContext === undefined ? DEFAULT_SETTINGS[key] : parse(key, fromContext);
  };
  const s: KikigakiSettings = {
    retainTable: pick('retainTable', bool),
    protectReads: pick('protectReads', bool),
    corsOrigins: pick('corsOrigins', origins),
    apiMemoryMb: pick('apiMemoryMb', (k, v) => int(k, v, 128, 10240)),
    indexerMemoryMb: pick('indexerMemoryMb', (k, v) => int(k, v, 128, 10240)),
    logRetentionDays: pick('logRetentionDays', retention),
    throttleRateLimit: pick('throttleRateLimit', (k, v) => int(k, v, 1, 1_000_000)),
    throttleBurstLimit: pick('throttleBurstLimit', (k, v) => int(k, v, 1, 1_000_000)),
    writeRateLimit: pick('writeRateLimit', (k, v) => int(k, v, 1, 1_000_000)),
    writeBurstLimit: pick('writeBurstLimit', (k, v) => int(k, v, 1, 1_000_000)),
    snapshotRefreshMs: pick('snapshotRefreshMs', (k, v) => int(k, v, 0, 600_000)),
    iteratorAgeAlarmMs: pick('iteratorAgeAlarmMs', (k, v) => int(k, v, 1000, 7 * 24 * 3600_000)),
    alarmEmail: pick('alarmEmail', email),
    latencyP99AlarmMs: pick('latencyP99AlarmMs', (k, v) => int(k, v, 10, 30_000)),
    indexerDurationAlarmMs: pick('indexerDurationAlarmMs', (k, v) => int(k, v, 1000, 900_000)),
    indexLagAlarmMs: pick('indexLagAlarmMs', (k, v) => int(k, v, 1000, 24 * 3600_000)),
    // Same bounds as lib/config.ts (the Lambda payload limit is 6 MB).
    maxBodyBytes: pick('maxBodyBytes', (k, v) => int(k, v, 1024, 6 * 1024 * 1024)),
  };
  return s;
}
