/** The embedded server's in-process transport: the SDK's requests carried to dynalite's thread as messages. */
import { describe, expect, it } from 'vitest';
import { DynamoStore, ensureTable, StoreUnavailableError } from '../../lib/store/dynamo.ts';
import { startEmbeddedDynamo } from '../../local/embedded.ts';

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
});
