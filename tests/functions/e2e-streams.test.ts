/**
 * End to end offline: Amazon DynamoDB Local (real Streams) → ingest through the API handler →
 * read the table's stream with @aws-sdk/client-dynamodb-streams → feed the records to the
 * indexer handler → search through the API handler finds the quotes; delete removes them.
 */

import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { APIGatewayProxyStructuredResultV2, Context, DynamoDBRecord } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLambdaConfigFor } from '../../lib/config.ts';
import { lambdaApiApp, streamHandler } from '../../lib/lambda.ts';
import { snapshotTargets } from '../../lib/search/snapshot-target.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { localClient } from '../../local/embedded.ts';
import { dynamoLocalEndpoint, TOKEN, tableName } from '../helpers/dynamo.ts';
import { httpApiEvent } from '../helpers/events.ts';
import { read, samplesDir } from '../helpers/shared.ts';

const endpoint = dynamoLocalEndpoint();
if (!endpoint) console.warn('skipping the Streams end-to-end test: DynamoDB Local was not started (no java)');

describe.runIf(endpoint)('API → DynamoDB Local Streams → indexer → API', () => {
  const context = {} as Context;
  let api: ReturnType<typeof handle>;
  let indexer: ReturnType<typeof streamHandler>;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;
  const iterators = new Map<string, string>();

  beforeAll(async () => {
    const client = localClient(endpoint as string);
    const table = tableName('e2e');
    await ensureTable(client, table);
    const store = new DynamoStore({ tableName: table, client });
    api = handle(
      lambdaApiApp({
        config: readLambdaConfigFor('write', {
          FUNCTION_ROLE: 'write',
          SNAPSHOT_BUCKET: 'unused-here',
          TABLE_NAME: table,
          TOKEN_SECRET_ID: 'x',
          INDEX_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/index.fifo',
          SNAPSHOT_REFRESH_MS: '0',
        }),
        store,
        token: () => TOKEN,
        logger: () => {},
      }),
    );
    indexer = streamHandler({ store, targets: snapshotTargets(store), logger: () => {} });
    streams = new DynamoDBStreamsClient({
      endpoint: endpoint as string,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    streamArn =
      (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn ?? '';
    expect(streamArn).not.toBe('');
  });

  /** Reads every new record of every shard, in the shape Lambda delivers them. */
  async function drain(): Promise<DynamoDBRecord[]> {
    const out: DynamoDBRecord[] = [];
    const shards =
      (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ??
      [];
    for (const shard of shards) {
      const id = shard.ShardId as string;
      let iterator = iterators.get(id);
      if (!iterator) {
        iterator = (
          await streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: id,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
      }
      for (let i = 0; iterator && i < 50; i++) {
        const r = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        for (const rec of r.Records ?? [])
          out.push({ ...(rec as unknown as DynamoDBRecord), eventSourceARN: streamArn });
        iterator = r.NextShardIterator;
        if ((r.Records ?? []).length === 0) break;
      }
      if (iterator) iterators.set(id, iterator);
    }
    return out;
  }

  async function search(q: string): Promise<{ total: number; hits: Array<{ quoteId: string }> }> {
    const res = (await api(
      httpApiEvent({ method: 'GET', path: '/search', query: { q } }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    return JSON.parse(String(res.body));
  }

  it('makes an ingested interview searchable and a deleted one disappear', async () => {
    const post = (await api(
      httpApiEvent({
        method: 'POST',
        path: '/interviews',
        query: { id: 'e2e-sora' },
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` },
        body: read(join(samplesDir, '05-dash-sora.txt')),
        base64: true,
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(post.statusCode).toBe(201);
    expect((await search('ココナラ')).total).toBe(0);

    const records = await drain();
    expect(records.some((r) => r.eventName === 'INSERT' && r.dynamodb?.Keys?.sk?.S === 'HEAD')).toBe(true);
    expect((await indexer({ Records: records })).batchItemFailures).toEqual([]);
    const found = await search('ココナラ');
    expect(found.total).toBeGreaterThan(0);
    expect(found.hits.every((h) => h.quoteId.startsWith('e2e-sora-'))).toBe(true);

    const del = (await api(
      httpApiEvent({
        method: 'DELETE',
        path: '/interviews/e2e-sora',
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(del.statusCode).toBe(200);
    const removal = await drain();
    expect(removal.some((r) => r.eventName === 'REMOVE' && r.dynamodb?.Keys?.sk?.S === 'HEAD')).toBe(true);
    expect((await indexer({ Records: removal })).batchItemFailures).toEqual([]);
    expect((await search('ココナラ')).total).toBe(0);
  });
});
