/**
 * Reads made in the same tick share one BatchGetItem: each caller must still get exactly the
 * items it asked for, whatever others joined the request after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kikigaki } from '../../lib/service.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { Table } from '../../lib/store/table.ts';
import { TopicTagger } from '../../lib/tagger.ts';
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

describe('an ingest’s reads', () => {
  it('go out as one BatchGetItem: people edits and profiles, the head, the quotes’ manual tags', async () => {
    const name = tableName('ingest-reads');
    await ensureTable(db.client, name);
    // Sole writer (as npm start): tag aliases are cached, not queried per ingest.
    const store = new DynamoStore({ tableName: name, client: db.client, soleWriter: true });
    const service = new Kikigaki({ store, tagger: new TopicTagger() });
    const text = (answer: string) =>
      Array.from(
        { length: 6 },
        (_, i) => `聞き手：質問${i}は？\n山田花子：${answer}${i}。介護と仕事の話です。`,
      ).join('\n');
    await service.ingest({ text: text('最初の答え') }, { id: 'reads' });
    const reads: string[] = [];
    const probe = 'count-reads';
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        if (!/^(Put|BatchWrite|Delete)/.test(command)) reads.push(command);
        return next(args);
      },
      { step: 'initialize', name: probe },
    );
    try {
      // A replacing ingest of a transcript with a named interviewee (a profile to look up).
      await service.ingest({ text: text('新しい答え') }, { id: 'reads' });
    } finally {
      db.client.middlewareStack.remove(probe);
    }
    // Then the clean-up's Query of the old revision: the only other read.
    expect(reads).toEqual(['BatchGetItemCommand', 'QueryCommand']);
  });
});
