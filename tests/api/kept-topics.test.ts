/**
 * DELETE /topics/work-balance answered 200: one of the three topics issue 14 says keep their ids
 * was gone from the taxonomy (and its automatic tags at the re-score), and the API had no way to
 * bring it back. The three are a 409 that names them and says how to change one instead; any
 * other topic is still deleted.
 *
 * A merge took them away all the same: POST /tags/work-balance/merge {"into":"x","create":true}
 * answered 200 and moved every work-balance quote into a new manual tag. A merge whose source is
 * one of the three is the same 409 (dry run too), nothing written; merging into one stays allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
type Err = { error: { code: string; message: string; details?: { topic?: string; kept?: string[] } } };
type Topics = { version: number; topics: { id: string }[] };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

async function topics(): Promise<Topics> {
  return (await (await rt.app.request('/topics')).json()) as Topics;
}

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
});
afterAll(() => closeRuntime(db, rt));

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

describe('kept topics and merges', () => {
  const KEPT = ['work-balance', 'crowdsourcing', 'future-demand'];

  async function snapshot() {
    // The re-scores of the edits above run in the background; what they change is not the merge's.
    await rt.jobs.idle();
    const get = async (path: string) => (await rt.app.request(path, { headers: AUTH })).json();
    return {
      topics: await topics(),
      tags: await get('/tags'),
      merges: await get('/merges'),
      audit: await get('/audit'),
      workBalance: await get('/tags/work-balance/quotes?limit=100'),
    };
  }

  it.each(KEPT)('POST /tags/%s/merge is a 409 (dry run too); nothing is written', async (id) => {
    const before = await snapshot();
    for (const body of [
      { into: 'x-merged', create: true, dryRun: true },
      { into: 'x-merged', create: true },
      { into: 'family-partner' },
    ]) {
      const res = await rt.app.request(`/tags/${id}/merge`, {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify(body),
      });
      const err = (await res.json()) as Err;
      expect(res.status, JSON.stringify(err)).toBe(409);
      expect(err.error.code).toBe('conflict');
      expect(err.error.message).toContain(`topic '${id}' keeps its id`);
      expect(err.error.message).toContain(`PUT /topics/${id}`);
      expect(err.error.details).toEqual({ topic: id, kept: KEPT });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('the work-balance quotes are there to be moved (the 409 is not an empty tag)', async () => {
    const page = (await (await rt.app.request('/tags/work-balance/quotes?limit=100')).json()) as {
      quotes: unknown[];
    };
    expect(page.quotes.length).toBeGreaterThan(0);
  });

  it('a tag is still merged into a kept topic', async () => {
    const hit = (await (await rt.app.request('/search?q=&tag=work-balance&limit=1')).json()) as {
      hits: { quoteId: string }[];
    };
    const quoteId = hit.hits[0]?.quoteId as string;
    const tagged = await rt.app.request(`/quotes/${quoteId}/tags`, {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ tags: ['balance-note'] }),
    });
    expect(tagged.status).toBe(200);
    const res = await rt.app.request('/tags/balance-note/merge', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ into: 'work-balance' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { quotes: number }).quotes).toBe(1);
  });
});
