/**
 * The direct document client (lib/store/direct.ts) against the SDK's document client on the same
 * embedded server: the same item stored either way is the same item, attribute for attribute, and
 * reads back the same either way. The store contract (contract.test.ts) runs over both too.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDocumentClient } from '../../lib/store/direct.ts';
import { ensureTable } from '../../lib/store/dynamo.ts';
import { type Embedded, startEmbeddedDynamo } from '../../local/embedded.ts';

const TABLE = 'direct-vs-sdk';

/** Every kind of value an item can hold, with undefined ones the store's options drop. */
function sample(n: number): Record<string, unknown> {
  return {
    text: `本文 ${n} — émoji 🍣`,
    empty: '',
    int: 42 + n,
    negative: -7,
    float: 3.25,
    big: 2 ** 50,
    yes: true,
    no: false,
    nothing: null,
    skipped: undefined,
    bytes: new Uint8Array([0, 1, 2, 250, 255, n]),
    buffer: Buffer.from('gzip や バイト'),
    noBytes: new Uint8Array(0),
    list: ['a', 1, null, { deep: [true, new Uint8Array([9])] }, [], {}],
    map: { a: 'x', n: 1.5, nested: { b: ['y'], gone: undefined }, bin: Buffer.from([7, 8]) },
    strings: new Set(['b', 'a']),
    numbers: new Set([3, 1, 2]),
    binaries: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
  };
}

describe('direct document client', () => {
  let e: Embedded;
  let sdk: DynamoDBDocumentClient;
  let direct: DirectDocumentClient;
  let raw: (pk: string, sk: string) => Promise<unknown>;

  beforeAll(async () => {
    e = await startEmbeddedDynamo();
    const client = e.portClient();
    await ensureTable(client, TABLE);
    sdk = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    direct = new DirectDocumentClient(e.portTransport());
    raw = async (pk, sk) =>
      (await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: sk } } })))
        .Item;
  });
  afterAll(async () => e.close());

  it('stores an item as the SDK does, attribute for attribute', async () => {
    await sdk.send(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'sdk', ...sample(1) } }));
    await direct.send(new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'direct', ...sample(1) } }));
    const a = (await raw('P', 'sdk')) as Record<string, unknown>;
    const b = (await raw('P', 'direct')) as Record<string, unknown>;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect({ ...b, sk: null }).toEqual({ ...a, sk: null });
    expect(a.skipped).toBeUndefined();
  });

  it('reads items back as the SDK does: one item, a query page, a batch', async () => {
    for (const n of [1, 2, 3])
      await sdk.send(new PutCommand({ TableName: TABLE, Item: { pk: 'Q', sk: `s${n}`, ...sample(n) } }));
    const key = { pk: 'Q', sk: 's2' };
    const get = new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true });
    const [g1, g2] = [await sdk.send(get), await direct.send(get)];
    expect(g2.Item).toEqual(g1.Item);
    expect(g2.Item?.bytes).toBeInstanceOf(Uint8Array);
    expect(g2.Item?.binaries).toBeInstanceOf(Set);

    const query = {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': 'Q', ':s': 's' },
      Limit: 2,
    };
    const q1 = await sdk.send(new QueryCommand(query));
    const q2 = await direct.send(new QueryCommand(query));
    expect(q2.Items).toEqual(q1.Items);
    expect(q2.LastEvaluatedKey).toEqual(q1.LastEvaluatedKey);
    expect(q2.LastEvaluatedKey).toEqual({ pk: 'Q', sk: 's2' });
    const next = { ...query, ExclusiveStartKey: q2.LastEvaluatedKey };
    expect((await direct.send(new QueryCommand(next))).Items).toEqual(
      (await sdk.send(new QueryCommand(next))).Items,
    );

    const batch = new BatchGetCommand({
      RequestItems: {
        [TABLE]: { Keys: [key, { pk: 'Q', sk: 's3' }, { pk: 'Q', sk: 'none' }], ConsistentRead: true },
      },
    });
    const byKey = (items: Array<Record<string, unknown>> | undefined) =>
      [...(items ?? [])].sort((x, y) => String(x.sk).localeCompare(String(y.sk)));
    const b1 = await sdk.send(batch);
    const b2 = await direct.send(batch);
    expect(byKey(b2.Responses?.[TABLE])).toEqual(byKey(b1.Responses?.[TABLE]));
    expect(b2.Responses?.[TABLE]).toHaveLength(2);
  });

  it('writes and deletes in batches, conditionally deletes, and names a failed condition as the SDK does', async () => {
    await direct.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { pk: 'W', sk: 'a', ...sample(4) } } },
            { PutRequest: { Item: { pk: 'W', sk: 'b', v: 1 } } },
          ],
        },
      }),
    );
    expect((await sdk.send(new GetCommand({ TableName: TABLE, Key: { pk: 'W', sk: 'a' } }))).Item?.int).toBe(
      46,
    );
    const condition = {
      TableName: TABLE,
      Key: { pk: 'W', sk: 'b' },
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'v' },
      ExpressionAttributeValues: { ':v': 2 },
    };
    const failed = await direct.send(new DeleteCommand(condition)).catch((err: unknown) => err);
    const sdkFailed = await sdk.send(new DeleteCommand(condition)).catch((err: unknown) => err);
    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException', $fault: 'client' });
    expect((failed as Error).name).toBe((sdkFailed as Error).name);
    await direct.send(new DeleteCommand({ ...condition, ExpressionAttributeValues: { ':v': 1 } }));
    await direct.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: [{ DeleteRequest: { Key: { pk: 'W', sk: 'a' } } }] },
      }),
    );
    const left = await sdk.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'W' },
      }),
    );
    expect(left.Items).toEqual([]);
  });

  it('refuses a command it has no key paths for instead of sending it unmarshalled', async () => {
    // Outside its types on purpose: a caller that casts past them still gets no half-marshalled request.
    await expect(direct.send(new ScanCommand({ TableName: TABLE }) as never)).rejects.toThrow(
      /does not send ScanCommand/,
    );
  });

  it('retries a throttled request (3 attempts, as the SDK), then gives up with DynamoDB’s error', async () => {
    let calls = 0;
    const throttled = new DirectDocumentClient(async () => {
      calls++;
      return {
        status: 400,
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
          message: 'Rate exceeded',
        }),
      };
    });
    await expect(
      throttled.send(new GetCommand({ TableName: TABLE, Key: { pk: 'P', sk: 'sdk' } })),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    expect(calls).toBe(3);
  });
});
