/**
 * The handler modules themselves: configuration read once at cold start, failing fast with the
 * missing names; the token read from Secrets Manager (a local endpoint speaking its protocol).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTable } from '../../lib/store/dynamo.ts';
import { defaultDictionaryPath } from '../../lib/text/readings.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';
import { httpApiEvent } from '../helpers/events.ts';

/** The installed kuromoji dictionary (absolute: the indexer resolves KUROMOJI_DICT against its module). */
const DICTIONARY = defaultDictionaryPath();

const SECRET = 'token-from-secrets-manager-0123456789';
let db: Awaited<ReturnType<typeof embedded>>;
let secrets: Server;
let secretCalls = 0;

beforeAll(async () => {
  db = await embedded();
  // Secrets Manager's JSON protocol: one GetSecretValue target is all the API needs.
  secrets = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      secretCalls++;
      const ok =
        req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' &&
        JSON.parse(body).SecretId === 'kikigaki/token';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify(
          ok
            ? { ARN: 'arn:x', Name: 'kikigaki/token', SecretString: SECRET }
            : { __type: 'ResourceNotFoundException', message: 'no' },
        ),
      );
    });
  });
  await new Promise<void>((r) => secrets.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  secrets.close();
  await db.close();
  vi.unstubAllEnvs();
});

describe('functions/*.ts modules', () => {
  it('fail at cold start naming the missing settings', async () => {
    vi.resetModules();
    vi.stubEnv('TABLE_NAME', '');
    vi.stubEnv('TOKEN_SECRET_ID', '');
    vi.stubEnv('FUNCTION_ROLE', 'write');
    await expect(import('../../functions/api.ts')).rejects.toThrow(/TABLE_NAME is missing.*TOKEN_SECRET_ID/);
    vi.resetModules();
    vi.stubEnv('FUNCTION_ROLE', '');
    await expect(import('../../functions/api.ts')).rejects.toThrow(
      /FUNCTION_ROLE must be one of.*TABLE_NAME/,
    );
    vi.stubEnv('FUNCTION_ROLE', 'indexer');
    await expect(import('../../functions/indexer.ts')).rejects.toThrow(
      /TABLE_NAME is missing.*KUROMOJI_DICT/,
    );
    vi.resetModules();
    vi.stubEnv('TABLE_NAME', 't');
    vi.stubEnv('SNAPSHOT_BUCKET', 'b');
    vi.stubEnv('INDEX_QUEUE_URL', 'https://sqs.eu-west-1.amazonaws.com/1/index.fifo');
    vi.stubEnv('KUROMOJI_DICT', 'no-such-dictionary');
    await expect(import('../../functions/indexer.ts')).rejects.toThrow(
      /KUROMOJI_DICT: no kuromoji dictionary/,
    );
  });

  it('serve requests with the token from Secrets Manager, cached', async () => {
    const table = tableName('mod');
    await ensureTable(db.client, table);
    vi.resetModules();
    vi.stubEnv('FUNCTION_ROLE', 'write');
    vi.stubEnv('SNAPSHOT_BUCKET', 'unused-by-these-requests');
    vi.stubEnv('TABLE_NAME', table);
    vi.stubEnv('TOKEN_SECRET_ID', 'kikigaki/token');
    vi.stubEnv('INDEX_QUEUE_URL', 'https://sqs.eu-west-1.amazonaws.com/1/index.fifo');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv(
      'AWS_ENDPOINT_URL_SECRETS_MANAGER',
      `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
    );
    const { handler } = await import('../../functions/api.ts');
    const ctx = {} as Context;
    const call = async (auth: string) =>
      (await handler(
        httpApiEvent({
          method: 'POST',
          path: '/interviews',
          query: { id: 'mod' },
          headers: { 'content-type': 'text/plain', authorization: auth },
          body: '聞き手：質問？\n山田：答えです。',
        }),
        ctx,
      )) as APIGatewayProxyStructuredResultV2;
    expect((await call('Bearer wrong-token-0000000000')).statusCode).toBe(401);
    expect((await call(`Bearer ${SECRET}`)).statusCode).toBe(201);
    expect((await call(`Bearer ${SECRET}`)).statusCode).toBe(200);
    expect(secretCalls).toBe(1);
    vi.stubEnv('FUNCTION_ROLE', 'indexer');
    vi.stubEnv('KUROMOJI_DICT', DICTIONARY);
    const { handler: indexer } = await import('../../functions/indexer.ts');
    const out = await indexer({ Records: [] }, ctx);
    expect(out.batchItemFailures).toEqual([]);
  });
});
