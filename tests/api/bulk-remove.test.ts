/**
 * A bulk untag names real tags: removing a tag that is no tag at all (a typo) answered 200 with
 * "changed": 0 — read as "no quote carries it" — where a filter by the same typo is a 400 naming
 * the tags meant. A known tag nothing in the result carries stays a 200 that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
type Err = { error: { code: string; details?: { tag?: string; candidates?: string[] } } };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

async function bulk(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await rt.app.request('/bulk/tags', {
    method: 'POST',
    headers: JSON_WRITE,
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
});
afterAll(() => closeRuntime(db, rt));

describe('bulk untag', () => {
  it('refuses a tag that is no tag, naming the tags meant; nothing changes', async () => {
    const search = { q: '', interview: 'kenji' };
    const before = await (await rt.app.request('/search?interview=kenji&limit=100')).json();
    for (const dryRun of [true, false]) {
      const r = await bulk({ search, remove: ['care-anxeity'], dryRun });
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      const e = r.json as Err;
      expect(e.error.code).toBe('validation_error');
      expect(e.error.details).toMatchObject({ tag: 'care-anxeity', candidates: ['care-anxiety'] });
    }
    // With a real tag beside it, the typo still refuses the whole edit.
    const mixed = await bulk({ search, remove: ['care-anxiety', 'care-anxeity'] });
    expect(mixed.status).toBe(400);
    const after = await (await rt.app.request('/search?interview=kenji&limit=100')).json();
    expect(after).toEqual(before);
  });

  it('a known tag the result does not carry is a 200 that changes nothing', async () => {
    const r = await bulk({ search: { q: '', interview: 'kenji' }, remove: ['crowdsourcing'], dryRun: true });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ changed: 0 });
  });
});
