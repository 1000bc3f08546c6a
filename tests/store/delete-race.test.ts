/** A delete racing a replacing ingest of the same id: no dangling head, no lost content. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { DynamoStore, ensureTable } from '../../lib/store/dynamo.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import { localClient } from '../../local/embedded.ts';
import { embedded, tableName } from '../helpers/dynamo.ts';

let server: Awaited<ReturnType<typeof embedded>>;
beforeAll(async () => {
  server = await embedded();
});
afterAll(async () => server.close());

describe('delete during a replacing ingest', () => {
  it('leaves the writer’s whole version readable (last writer wins), never a head without content', async () => {
    const client = localClient(server.endpoint);
    const table = tableName('delrace');
    await ensureTable(client, table);
    const store = new DynamoStore({ tableName: table, client });
    const tagger = new TopicTagger();
    await store.putInterview(
      recordOf(tagger, parseInterview('聞き手：質問？\n山田：古い答えです。', { id: 'x' })),
    );

    // Hold the writer just before it switches the head.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let reached: () => void = () => {};
    const atSwitch = new Promise<void>((r) => {
      reached = r;
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: unknown } };
        if (context.commandName === 'PutItemCommand' && input.Item?.sk === 'HEAD') {
          reached();
          await held;
        }
        return next(args);
      },
      { step: 'initialize', name: 'hold-head-switch' },
    );
    const writing = store.putInterview(
      recordOf(tagger, parseInterview('聞き手：質問？\n山田：新しい答えです。', { id: 'x' })),
    );
    await atSwitch;
    const deleter = new DynamoStore({ tableName: table, client: localClient(server.endpoint) });
    expect(await deleter.deleteInterview('x')).toBe(true);
    release();
    await writing;
    client.middlewareStack.remove('hold-head-switch');

    const got = await store.getInterview('x');
    expect(got?.interview.turns[1]?.text).toBe('新しい答えです。');
  });
});
