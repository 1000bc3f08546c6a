/** The embedded server's in-process transport: the SDK's requests carried to dynalite's thread as messages. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStore, ensureTable, StoreUnavailableError } from '../../lib/store/dynamo.ts';
import { startEmbeddedDynamo } from '../../local/embedded.ts';

/** A table keyed by `pk` alone, once it is active. */
async function createKeyTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: table }));
    if (d.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('embedded dynalite over its message port', () => {
  it('answers like the HTTP endpoint: DynamoDB errors arrive as the SDK parses them', async () => {
    const e = await startEmbeddedDynamo();
    try {
      const client = e.portClient();
      await ensureTable(client, 'port-errors');
      const store = new DynamoStore({ tableName: 'port-errors', client });
      expect(await store.getInterview('nope')).toBeNull();
      const missing = new DynamoStore({ tableName: 'no-such-table', client });
      await expect(missing.getInterview('x')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      await e.close();
    }
  });

  it('reports a store whose thread has ended as unavailable (503), not a hang', async () => {
    const e = await startEmbeddedDynamo();
    const client = e.portClient();
    await ensureTable(client, 'port-gone');
    const store = new DynamoStore({ tableName: 'port-gone', client });
    await e.close();
    await expect(store.getInterview('x')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('answers the direct client (no SDK) as it answers the SDK: a missing table by its DynamoDB name', async () => {
    const e = await startEmbeddedDynamo();
    try {
      const client = e.portClient();
      await ensureTable(client, 'port-direct');
      const store = new DynamoStore({ tableName: 'port-direct', client, direct: e.portTransport() });
      expect(await store.getInterview('nope')).toBeNull();
      const missing = new DynamoStore({ tableName: 'no-such-table', client, direct: e.portTransport() });
      await expect(missing.getInterview('x')).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        $fault: 'client',
      });
    } finally {
      await e.close();
    }
  });

  it('reports a store whose thread has ended as unavailable to the direct client too', async () => {
    const e = await startEmbeddedDynamo();
    const client = e.portClient();
    await ensureTable(client, 'port-direct-gone');
    const store = new DynamoStore({ tableName: 'port-direct-gone', client, direct: e.portTransport() });
    await e.close();
    await expect(store.getInterview('x')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('serves item requests by the table as it is now: a table deleted and created again with another key', async () => {
    const e = await startEmbeddedDynamo();
    const client = e.portClient();
    const status = async () => {
      try {
        return (await client.send(new DescribeTableCommand({ TableName: 'port-recreated' }))).Table
          ?.TableStatus;
      } catch (err) {
        if ((err as Error).name === 'ResourceNotFoundException') return 'GONE';
        throw err;
      }
    };
    // As a client does: wait until the table has become what was asked (dynalite finishes later).
    const until = async (wanted: string) => {
      for (let i = 0; i < 100 && (await status()) !== wanted; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(await status()).toBe(wanted);
    };
    const create = async (key: string) => {
      await client.send(
        new CreateTableCommand({
          TableName: 'port-recreated',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        }),
      );
      await until('ACTIVE');
    };
    try {
      await create('pk');
      await client.send(new PutItemCommand({ TableName: 'port-recreated', Item: { pk: { S: 'a' } } }));
      const got = await client.send(
        new GetItemCommand({ TableName: 'port-recreated', Key: { pk: { S: 'a' } } }),
      );
      expect(got.Item).toEqual({ pk: { S: 'a' } });
      await client.send(new DeleteTableCommand({ TableName: 'port-recreated' }));
      await until('GONE');
      await expect(
        client.send(new GetItemCommand({ TableName: 'port-recreated', Key: { pk: { S: 'a' } } })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await create('id');
      await client.send(new PutItemCommand({ TableName: 'port-recreated', Item: { id: { S: 'b' } } }));
      await expect(
        client.send(new PutItemCommand({ TableName: 'port-recreated', Item: { pk: { S: 'c' } } })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
      const again = await client.send(
        new GetItemCommand({ TableName: 'port-recreated', Key: { id: { S: 'b' } } }),
      );
      expect(again.Item).toEqual({ id: { S: 'b' } });
    } finally {
      await e.close();
    }
  });

  // The store's thread keeps parsed condition expressions (local/dynalite-thread.mjs): a repeat
  // must still be judged against its own values and still report names or values it leaves unused.
  it('judges a repeated condition expression by its own values and names', async () => {
    const e = await startEmbeddedDynamo();
    const client = e.portClient();
    const table = 'port-conditions';
    const put = (v: string, condition: Record<string, unknown>) =>
      client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, v: { S: v } }, ...condition }),
      );
    const absent = {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    };
    const equals = (v: string, extra: Record<string, { S: string }> = {}) => ({
      ConditionExpression: '#a = :a',
      ExpressionAttributeNames: { '#a': 'v' },
      ExpressionAttributeValues: { ':a': { S: v }, ...extra },
    });
    try {
      await createKeyTable(client, table);
      await put('1', absent);
      await expect(put('2', absent)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await put('2', equals('1'));
      // The same expression and names, another value: the item's v is 2 now.
      await expect(put('3', equals('1'))).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      await put('3', equals('2'));
      await expect(put('4', equals('3', { ':b': { S: 'x' } }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining('unused in expressions'),
      });
      await expect(
        put('4', { ...equals('3'), ExpressionAttributeNames: { '#a': 'v', '#b': 'w' } }),
      ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('unused') });
      await put('4', equals('3'));
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
      expect(got.Item).toEqual({ pk: { S: 'a' }, v: { S: '4' } });
    } finally {
      await e.close();
    }
  });

  // On disk, the store's thread reads LevelDB with getSync (local/dynalite-thread.mjs): single and
  // batched reads of present and absent items, and the read a conditional write makes, answer as
  // they do in memory.
  it('reads items on disk as it writes them: present, absent, batched, under a condition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-embedded-disk-'));
    const e = await startEmbeddedDynamo({ path: join(dir, 'dynalite') });
    const client = e.portClient();
    const table = 'disk-reads';
    try {
      await createKeyTable(client, table);
      for (const pk of ['a', 'b'])
        await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { N: '1' } } }));
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
      expect(got.Item).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
      const none = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'z' } } }));
      expect(none.Item).toBeUndefined();
      const batch = await client.send(
        new BatchGetItemCommand({
          RequestItems: { [table]: { Keys: [{ pk: { S: 'b' } }, { pk: { S: 'z' } }, { pk: { S: 'a' } }] } },
        }),
      );
      const items = (batch.Responses?.[table] ?? []).map((it) => it.pk?.S).sort();
      expect(items).toEqual(['a', 'b']);
      await expect(
        client.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: 'a' }, v: { N: '2' } },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'z' }, v: { N: '3' } },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      const z = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'z' } } }));
      expect(z.Item).toEqual({ pk: { S: 'z' }, v: { N: '3' } });
    } finally {
      await e.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
