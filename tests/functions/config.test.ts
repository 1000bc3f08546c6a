/**
 * Lambda configuration by role: what the stack writes with lambdaEnvironment() is exactly what
 * the function reads back, and a configuration that could not serve its role is refused on both
 * sides (at synth and at cold start), naming the variables.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  type LambdaConfig,
  lambdaEnvironment,
  readLambdaConfig,
  readLambdaConfigFor,
  readTelemetryConfig,
} from '../../lib/config.ts';

const api = {
  tableName: 't',
  snapshotBucket: 'b',
  snapshotRefreshMs: 5000,
  corsOrigins: ['*'],
  maxBodyBytes: 2 * 1024 * 1024,
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return expect.unreachable('no ConfigError');
}

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/index.fifo';

describe('Lambda configuration', () => {
  const valid: LambdaConfig[] = [
    { ...api, role: 'read', protectReads: false, readTokenSecretId: undefined },
    { ...api, role: 'read', protectReads: true, readTokenSecretId: 'arn:read' },
    { ...api, role: 'write', protectReads: false, tokenSecretId: 'arn:write', indexQueueUrl: QUEUE },
    {
      ...api,
      role: 'write',
      protectReads: true,
      tokenSecretId: 'arn:write',
      indexQueueUrl: QUEUE,
      corsOrigins: ['https://a', 'https://b'],
    },
    {
      role: 'indexer',
      tableName: 't',
      snapshotBucket: 'b',
      indexQueueUrl: QUEUE,
      readingsDictionary: 'dict',
    },
    { role: 'forwarder', indexQueueUrl: QUEUE },
  ];

  it.each(
    valid.map((c) => [`${c.role}${'protectReads' in c && c.protectReads ? ' (protected reads)' : ''}`, c]),
  )('round-trips through the environment: %s', (_, c) => {
    expect(readLambdaConfig(lambdaEnvironment(c as LambdaConfig))).toEqual(c);
  });

  it('the read function with public reads needs no secret at all (the default deployment)', () => {
    const env = lambdaEnvironment(valid[0] as LambdaConfig);
    expect(Object.keys(env).filter((k) => k.includes('SECRET'))).toEqual([]);
    expect(readLambdaConfigFor('read', env)).toMatchObject({ role: 'read', readTokenSecretId: undefined });
  });

  it('refuses, at synth, a configuration that could not serve its role', () => {
    expect(
      message(() =>
        lambdaEnvironment({ ...api, role: 'read', protectReads: true, readTokenSecretId: undefined }),
      ),
    ).toMatch(/PROTECT_READS=true needs READ_TOKEN_SECRET_ID/);
    expect(
      message(() =>
        lambdaEnvironment({
          ...api,
          role: 'write',
          protectReads: false,
          tokenSecretId: '',
          indexQueueUrl: QUEUE,
        }),
      ),
    ).toMatch(/write function needs TOKEN_SECRET_ID/);
    expect(
      message(() =>
        lambdaEnvironment({
          role: 'indexer',
          tableName: '',
          snapshotBucket: '',
          indexQueueUrl: QUEUE,
          readingsDictionary: 'dict',
        }),
      ),
    ).toMatch(/TABLE_NAME is missing/);
    // Both start or run background jobs, whose steps travel on the indexing queue.
    expect(
      message(() =>
        lambdaEnvironment({
          ...api,
          role: 'write',
          protectReads: false,
          tokenSecretId: 'arn:w',
          indexQueueUrl: '',
        }),
      ),
    ).toMatch(/write function needs INDEX_QUEUE_URL/);
    expect(
      message(() =>
        lambdaEnvironment({
          role: 'indexer',
          tableName: 't',
          snapshotBucket: 'b',
          indexQueueUrl: '',
          readingsDictionary: 'dict',
        }),
      ),
    ).toMatch(/indexer function needs INDEX_QUEUE_URL/);
    // The deployed indexer indexes kana readings as `npm start` does: without its dictionary it
    // would silently index worse, so the synth refuses it.
    expect(
      message(() =>
        lambdaEnvironment({
          role: 'indexer',
          tableName: 't',
          snapshotBucket: 'b',
          indexQueueUrl: QUEUE,
          readingsDictionary: '',
        }),
      ),
    ).toMatch(/indexer needs KUROMOJI_DICT/);
  });

  it('names every problem of an environment at once, by role', () => {
    expect(message(() => readLambdaConfig({}))).toMatch(
      /FUNCTION_ROLE must be one of read, write, indexer.*TABLE_NAME is missing/,
    );
    expect(message(() => readLambdaConfig({ FUNCTION_ROLE: 'write', SNAPSHOT_REFRESH_MS: 'soon' }))).toMatch(
      /SNAPSHOT_REFRESH_MS must be an integer.*TABLE_NAME is missing.*TOKEN_SECRET_ID/,
    );
    expect(
      message(() =>
        readLambdaConfig({
          FUNCTION_ROLE: 'read',
          TABLE_NAME: 't',
          SNAPSHOT_BUCKET: 'b',
          PROTECT_READS: 'true',
        }),
      ),
    ).toMatch(/READ_TOKEN_SECRET_ID/);
    // The read function never holds the write token, even by mistake.
    expect(
      message(() =>
        readLambdaConfig({
          FUNCTION_ROLE: 'read',
          TABLE_NAME: 't',
          SNAPSHOT_BUCKET: 'b',
          TOKEN_SECRET_ID: 's',
        }),
      ),
    ).toMatch(/must not hold the write token/);
    expect(
      message(() =>
        readLambdaConfigFor('indexer', { FUNCTION_ROLE: 'read', TABLE_NAME: 't', SNAPSHOT_BUCKET: 'b' }),
      ),
    ).toMatch(/serves the indexer role/);
  });

  it('defaults: refresh every 5 s, 2 MiB bodies, public reads', () => {
    expect(
      readLambdaConfig({
        FUNCTION_ROLE: 'write',
        TABLE_NAME: 't',
        SNAPSHOT_BUCKET: 'b',
        TOKEN_SECRET_ID: 's',
        INDEX_QUEUE_URL: QUEUE,
      }),
    ).toMatchObject({
      snapshotRefreshMs: 5000,
      maxBodyBytes: 2 * 1024 * 1024,
      protectReads: false,
    });
  });

  it.each(valid.map((c) => [c.role, c]))(
    'names the %s function in Powertools from its environment, and from its role without one',
    (role, c) => {
      const env = lambdaEnvironment(c as LambdaConfig);
      expect(readTelemetryConfig((c as LambdaConfig).role, env)).toEqual({
        serviceName: `kikigaki-${role}`,
        namespace: 'Kikigaki',
      });
      // A bundle started by hand (no template environment) still never says service_undefined.
      expect(readTelemetryConfig((c as LambdaConfig).role, {})).toEqual({
        serviceName: `kikigaki-${role}`,
        namespace: 'Kikigaki',
      });
      expect(readTelemetryConfig('read', { POWERTOOLS_SERVICE_NAME: ' other ' }).serviceName).toBe('other');
    },
  );
});
