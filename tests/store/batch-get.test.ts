/**
 * Reads made in the same tick share one BatchGetItem: each caller must still get exactly the
 * items it asked for, whatever others joined the request after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../lib/store/dynamo.ts';
import { Table } from '../../lib/store/table.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let table: Table;

beforeAll(async () => {
  db = await embedded();
  const name = tableName('batch');
  await ensureTable(db.client, name);
  table = new Table({ tableName: name, client: db.client });
  for (const pk of ['A', 'B', 'C']) await table.put({ pk, sk: 'X', value: pk });
});

afterAll(async () => db?.close());

describe('batchGet in one tick', () => {
  it('answers each caller with its own keys only, the first caller included', async () => {
    const [a, bc, none] = await Promise.all([
      table.batchGet([{ pk: 'A', sk: 'X' }]),
      table.batchGet([
        { pk: 'B', sk: 'X' },
        { pk: 'C', sk: 'X' },
      ]),
      table.batchGet([{ pk: 'missing', sk: 'X' }]),
    ]);
    expect(a.map((it) => it.pk)).toEqual(['A']);
    expect(bc.map((it) => it.pk).sort()).toEqual(['B', 'C']);
    expect(none).toEqual([]);
  });

  it('gives two callers of the same key the item each', async () => {
    const [first, second] = await Promise.all([
      table.batchGet([{ pk: 'A', sk: 'X' }]),
      table.batchGet([{ pk: 'A', sk: 'X' }]),
    ]);
    expect(first.map((it) => it.pk)).toEqual(['A']);
    expect(second.map((it) => it.pk)).toEqual(['A']);
  });
});
