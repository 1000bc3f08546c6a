/**
 * The console on Lambda: the read-only API function (GET routes, no write token) serves the pages,
 * the hashed assets with their cache headers and the export, through real API Gateway v2 events,
 * from the snapshot a writer published to the table.
 */
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLambdaConfigFor } from '../../lib/config.ts';
import { lambdaApiApp } from '../../lib/lambda.ts';
import { DynamoStore } from '../../lib/store/dynamo.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { httpApiEvent } from '../helpers/events.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type V2 = APIGatewayProxyStructuredResultV2;
const context = {} as Context;
const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';
let db: Awaited<ReturnType<typeof embedded>>;
let handler: ReturnType<typeof handle>;

function body(res: V2): string {
  return res.isBase64Encoded ? Buffer.from(String(res.body), 'base64').toString('utf8') : String(res.body);
}

beforeAll(async () => {
  db = await embedded();
  // A writer (the local runtime) ingests and publishes the snapshot the read function loads.
  const writer = await runtime(db.client);
  const res = await writer.app.request('/interviews?id=yuki', {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: read(join(samplesDir, '04-dash-yuki.txt')),
  });
  expect(res.status).toBe(201);
  await writer.flush();
  const table = writer.store.tableName;
  // The read function as deployed: public reads, no token at all.
  const config = readLambdaConfigFor('read', {
    FUNCTION_ROLE: 'read',
    SNAPSHOT_BUCKET: 'unused-here',
    TABLE_NAME: table,
    SNAPSHOT_REFRESH_MS: '0',
  });
  const store = new DynamoStore({ tableName: table, client: db.client });
  handler = handle(lambdaApiApp({ config, store, logger: () => {} }));
});
afterAll(async () => db.close());

describe('the console on the read Lambda', () => {
  it('serves the search page and the reader to browsers, JSON to API clients', async () => {
    const page = (await handler(
      httpApiEvent({ method: 'GET', path: '/', query: { q: '介護' }, headers: { accept: BROWSER } }),
      context,
    )) as V2;
    expect(page.statusCode).toBe(200);
    expect(String(page.headers?.['content-type'])).toMatch(/^text\/html/);
    expect(page.headers?.['content-security-policy']).toContain("script-src 'self'");
    const html = body(page);
    expect(html).toContain('<mark>介護</mark>');
    const reader = (await handler(
      httpApiEvent({ method: 'GET', path: '/interviews/yuki', headers: { accept: BROWSER } }),
      context,
    )) as V2;
    expect(body(reader)).toContain('<h1 id="reader-title">');
    const json = (await handler(httpApiEvent({ method: 'GET', path: '/interviews/yuki' }), context)) as V2;
    expect(JSON.parse(body(json)).id).toBe('yuki');

    // The script and stylesheet come from the function itself, cached for a year.
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const asset = (await handler(httpApiEvent({ method: 'GET', path: script }), context)) as V2;
    expect(asset.statusCode).toBe(200);
    expect(asset.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(body(asset).length).toBeGreaterThan(1000);
  });

  it('exports CSV within the response size Lambda allows', async () => {
    const res = (await handler(
      httpApiEvent({ method: 'GET', path: '/search', query: { q: '介護', format: 'csv' } }),
      context,
    )) as V2;
    expect(res.statusCode).toBe(200);
    expect(String(res.headers?.['content-type'])).toMatch(/^text\/csv/);
    const csv = body(res);
    expect(csv.split('\r\n').filter(Boolean).length).toBe(Number(res.headers?.['x-total-count']) + 1);
  });
});
