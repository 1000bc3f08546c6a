/**
 * Batched reads share one BatchGetItem per tick; each caller must still get only the items it
 * asked for. (The first caller of a tick used to receive every key read in that tick: a re-ingest
 * racing a tag read got a quote's TAGS item as its interview head and answered 500.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, Table } from '../../lib/store/table.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let table: Table;

beforeAll(async () => {
  db = await embedded();
  const name = tableName('batch');
  await ensureTable(db.client, name);
  table = new Table({ tableName: name, client: db.client });
  for (const sk of ['a', 'b', 'c']) expect(await table.put({ pk: 'P', sk, v: sk })).toBe(true);
});
afterAll(async () => db.close());

describe('Table.batchGet', () => {
  it('answers each caller of a shared tick with its own items only', async () => {
    const [first, second, third] = await Promise.all([
      table.batchGet([{ pk: 'P', sk: 'a' }]),
      table.batchGet([{ pk: 'P', sk: 'b' }]),
      table.batchGet([
        { pk: 'P', sk: 'c' },
        { pk: 'P', sk: 'missing' },
      ]),
    ]);
    expect(first.map((it) => it.sk)).toEqual(['a']);
    expect(second.map((it) => it.sk)).toEqual(['b']);
    expect(third.map((it) => it.sk)).toEqual(['c']);
  });
});
