/** The API Lambda with real API Gateway v2 and v1 event shapes, over the embedded store. */

import { join } from 'node:path';
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLambdaConfigFor } from '../../lib/config.ts';
import { lambdaApiApp, streamHandler } from '../../lib/lambda.ts';
import { snapshotTargets } from '../../lib/search/snapshot-target.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { embedded, TOKEN, tableName } from '../helpers/dynamo.ts';
import { httpApiEvent, restApiEvent, streamRecord } from '../helpers/events.ts';
import { read, samplesDir } from '../helpers/shared.ts';

const context = {} as Context;
let db: Awaited<ReturnType<typeof embedded>>;
let handler: ReturnType<typeof handle>;
let store: DynamoStore;

beforeAll(async () => {
  db = await embedded();
  const table = tableName('fn');
  await ensureTable(db.client, table);
  store = new DynamoStore({ tableName: table, client: db.client });
  const config = readLambdaConfigFor('write', {
    FUNCTION_ROLE: 'write',
    SNAPSHOT_BUCKET: 'unused-here',
    TABLE_NAME: table,
    TOKEN_SECRET_ID: 'unused-in-test',
    INDEX_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/index.fifo',
    SNAPSHOT_REFRESH_MS: '0',
  });
  handler = handle(lambdaApiApp({ config, store, token: () => TOKEN, logger: () => {} }));
});
afterAll(async () => db.close());

type V2 = APIGatewayProxyStructuredResultV2;

describe('functions/api handler', () => {
  it('ingests a base64-encoded transcript from an HTTP API (v2) event', async () => {
    const event = httpApiEvent({
      method: 'POST',
      path: '/interviews',
      query: { id: 'yuki' },
      headers: { 'content-type': 'text/plain; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: read(join(samplesDir, '04-dash-yuki.txt')),
      base64: true,
    });
    const res = (await handler(event, context)) as V2;
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(String(res.body))).toMatchObject({ id: 'yuki', created: true, quotes: 21 });
  });

  it('answers 401 to a v2 write without a token, with a JSON error', async () => {
    const res = (await handler(httpApiEvent({ method: 'DELETE', path: '/interviews/yuki' }), context)) as V2;
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(String(res.body)).error.code).toBe('unauthorized');
  });

  it('answers a method a known path lacks with 405 and Allow from v2 and REST (v1) events, as npm start does', async () => {
    for (const event of [
      httpApiEvent({ method: 'PATCH', path: '/interviews/yuki', query: { title: 'x' } }),
      restApiEvent({ method: 'PATCH', path: '/interviews/yuki' }),
    ]) {
      const res = (await handler(event, context)) as V2 & { multiValueHeaders?: Record<string, string[]> };
      expect(res.statusCode).toBe(405);
      // v2 answers single headers; v1 (REST) multi-value ones.
      expect(res.headers?.allow ?? res.multiValueHeaders?.allow?.join(', ')).toBe('GET, HEAD, PUT, DELETE');
      expect(JSON.parse(String(res.body)).error).toMatchObject({
        code: 'method_not_allowed',
        details: { method: 'PATCH', allowed: ['GET', 'HEAD', 'PUT', 'DELETE'] },
      });
    }
  });

  it('the read-only function (no write token) refuses writes with 403 and reads with its read token', async () => {
    const config = readLambdaConfigFor('read', {
      FUNCTION_ROLE: 'read',
      SNAPSHOT_BUCKET: 'unused-here',
      TABLE_NAME: store.tableName,
      READ_TOKEN_SECRET_ID: 'unused-in-test',
      PROTECT_READS: 'true',
      SNAPSHOT_REFRESH_MS: '0',
    });
    const readOnly = handle(
      lambdaApiApp({ config, store, readToken: () => 'reader-token-0123456789', logger: () => {} }),
    );
    const write = (await readOnly(
      httpApiEvent({
        method: 'DELETE',
        path: '/interviews/yuki',
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
      context,
    )) as V2;
    expect(write.statusCode).toBe(403);
    expect(JSON.parse(String(write.body)).error.code).toBe('forbidden');
    const get = (path: string, token?: string) =>
      readOnly(
        httpApiEvent({ method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} }),
        context,
      );
    expect(((await get('/interviews/yuki', 'reader-token-0123456789')) as V2).statusCode).toBe(200);
    expect(((await get('/interviews/yuki')) as V2).statusCode).toBe(401);
    expect(((await get('/interviews/yuki', TOKEN)) as V2).statusCode).toBe(401);
  });

  it('serves reads from REST (v1) events with query parameters', async () => {
    const res = (await handler(
      restApiEvent({ method: 'GET', path: '/interviews/yuki' }),
      context,
    )) as APIGatewayProxyResult;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).turns).toHaveLength(21);
    const health = (await handler(
      restApiEvent({ method: 'GET', path: '/health' }),
      context,
    )) as APIGatewayProxyResult;
    expect(JSON.parse(health.body).status).toBe('ok');
  });

  it('finds an ingested quote once the indexer has published a snapshot', async () => {
    const before = (await handler(
      httpApiEvent({ method: 'GET', path: '/search', query: { q: '介護' } }),
      context,
    )) as V2;
    expect(JSON.parse(String(before.body)).total).toBe(0);
    const indexer = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    const out = await indexer({ Records: [streamRecord('INSERT', { pk: 'IV#yuki', sk: 'HEAD' })] });
    expect(out.batchItemFailures).toEqual([]);
    const after = (await handler(
      httpApiEvent({ method: 'GET', path: '/search', query: { q: '介護' } }),
      context,
    )) as V2;
    const page = JSON.parse(String(after.body));
    expect(page.total).toBeGreaterThan(0);
    expect(page.hits[0].highlight.html).toContain('<mark>介護</mark>');
  });
});
