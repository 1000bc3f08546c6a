/**
 * DELETE /topics/work-balance answered 200: one of the three topics issue 14 says keep their ids
 * was gone from the taxonomy (and its automatic tags at the re-score), and the API had no way to
 * bring it back. The three are a 409 that names them and says how to change one instead; any
 * other topic is still deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
type Err = { error: { code: string; message: string; details?: { topic?: string; kept?: string[] } } };
type Topics = { version: number; topics: { id: string }[] };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

async function topics(): Promise<Topics> {
  return (await (await rt.app.request('/topics')).json()) as Topics;
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
});
afterAll(async () => {
  await rt.flush();
  await db.close();
});

describe('topics that keep their ids', () => {
  it.each(['work-balance', 'crowdsourcing', 'future-demand'])(
    'DELETE /topics/%s is a 409; nothing changes',
    async (id) => {
      const before = await topics();
      for (const q of ['', `?expectedVersion=${before.version}`]) {
        const res = await rt.app.request(`/topics/${id}${q}`, { method: 'DELETE', headers: AUTH });
        const body = (await res.json()) as Err;
        expect(res.status, JSON.stringify(body)).toBe(409);
        expect(body.error.code).toBe('conflict');
        expect(body.error.message).toContain(`PUT /topics/${id}`);
        expect(body.error.details).toEqual({
          topic: id,
          kept: ['work-balance', 'crowdsourcing', 'future-demand'],
        });
      }
      expect(await topics()).toEqual(before);
      // Still editable.
      const put = await rt.app.request(`/topics/${id}`, {
        method: 'PUT',
        headers: JSON_WRITE,
        body: JSON.stringify({ description: `${id}: edited, kept` }),
      });
      expect(put.status).toBe(200);
    },
  );

  it('another topic is still deleted', async () => {
    const res = await rt.app.request('/topics/health-rest', { method: 'DELETE', headers: AUTH });
    expect(res.status).toBe(200);
    expect((await topics()).topics.map((t) => t.id)).not.toContain('health-rest');
  });
});
