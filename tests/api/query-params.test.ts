/**
 * A read ignored query parameters it does not take: `/audit?actr=hanako` (a misspelt `actor`)
 * listed every entry, as if it had filtered. Every route of the API (reads, writes, admin) answers
 * a parameter it does not know with a 400 naming it, what the route accepts and the nearest
 * accepted name; the documented parameters keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/api/openapi.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

type Err = {
  error: {
    code: string;
    message: string;
    details?: { parameter?: string; accepted?: string[]; candidates?: string[] };
  };
};

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let firstQuote = '';
const quoteId = () => firstQuote;

async function get(path: string): Promise<{ status: number; json: unknown }> {
  const res = await rt.app.request(path, { headers: AUTH });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
  const q = (await (await rt.app.request('/search?interview=kenji&limit=1')).json()) as {
    hits: { quoteId: string }[];
  };
  firstQuote = q.hits[0]?.quoteId as string;
  const tagged = await rt.app.request(`/quotes/${firstQuote}/tags`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'hanako' },
    body: JSON.stringify({ tags: ['mentor'] }),
  });
  expect(tagged.status).toBe(200);
});
afterAll(() => closeRuntime(db, rt));

describe('unknown query parameters', () => {
  it('/audit?actr= is a 400 naming actr and suggesting actor, not every entry', async () => {
    const r = await get('/audit?actr=hanako');
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    const e = r.json as Err;
    expect(e.error.code).toBe('validation_error');
    expect(e.error.message).toContain("'actr'");
    expect(e.error.details?.parameter).toBe('actr');
    expect(e.error.details?.candidates).toEqual(['actor']);
    expect(e.error.details?.accepted).toEqual(expect.arrayContaining(['actor', 'tag', 'quote', 'person']));
    // The documented filter still filters.
    const ok = await get('/audit?actor=hanako');
    expect(ok.status).toBe(200);
    expect((ok.json as { entries: unknown[] }).entries.length).toBe(1);
  });

  it.each([
    ['/search?q=仕事&tags=mentor', 'tags'],
    ['/interviewees?tags=mentor', 'tags'],
    ['/interviews?limt=5', 'limt'],
    ['/tags?kind=manual', 'kind'],
    ['/tags/mentor/quotes?limit=5&page=2', 'page'],
    ['/merges?offset=3', 'offset'],
    ['/topics?lang=en', 'lang'],
    ['/topics/versions?limit=1', 'limit'],
    ['/topics/versions/0?limit=1', 'limit'],
    ['/suggest?q=仕&n=3', 'n'],
    ['/interviewees/duplicates?limt=3', 'limt'],
    ['/interviews/kenji?turns=1', 'turns'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    const r = await get(path);
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    expect((r.json as Err).error.details?.parameter).toBe(parameter);
  });

  it('every route of the document refuses one, listing exactly the parameters the document gives it', async () => {
    // DELETE /interviews/{id}, the person view, the JSON-body writes and the admin routes read
    // no query at all, so `?force=true` or a misspelt `expectedVersion` was dropped without a word.
    // Valid-looking path values: the parameter is refused before anything is looked up or written.
    const values: Record<string, string> = {
      id: 'kenji',
      tag: 'mentor',
      quoteId: quoteId(),
      version: '0',
    };
    const checked: string[] = [];
    for (const route of ROUTES) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'x');
      const res = await rt.app.request(`${path}?zzkeep=1`, {
        method: route.method.toUpperCase(),
        headers: { ...AUTH, 'content-type': 'application/json' },
        ...(route.method === 'get' ? {} : { body: '{}' }),
      });
      const what = `${route.method.toUpperCase()} ${route.path}`;
      const json = (await res.json()) as Err;
      expect(res.status, `${what}: ${JSON.stringify(json)}`).toBe(400);
      expect(json.error.details?.parameter, what).toBe('zzkeep');
      // The route's own list is the document's: neither names a parameter the other lacks.
      expect(json.error.details?.accepted, what).toEqual(Object.keys(route.query.shape));
      checked.push(what);
    }
    expect(checked).toContain('DELETE /interviews/{id}');
    expect(checked).toContain('GET /interviewees/{id}/person');
    expect(checked).toContain('POST /admin/reindex');
    // Refused before anything was written: the interview the DELETE named is still there.
    expect((await get('/interviews/kenji')).status).toBe(200);
  });

  it('PUT /interviews/{id} refuses `?id=` (its path names the id) where POST takes it', async () => {
    const put = await rt.app.request('/interviews/kenji?id=other', {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: '聞き手：何か？\n田中：はい。',
    });
    expect(put.status).toBe(400);
    expect(((await put.json()) as Err).error.details).toMatchObject({
      parameter: 'id',
      accepted: ['format', 'title', 'url'],
    });
    expect((await get('/interviews/other')).status).toBe(404);
  });

  it('the documented parameters of every API read are accepted (as the OpenAPI lists them)', async () => {
    const samples: Record<string, string> = {
      '/search': '/search?q=仕事&tag=mentor&tag=work-balance&interview=kenji&limit=5&format=json',
      '/interviewees': '/interviewees?q=けんじ&tag=mentor&match=any&limit=5',
      '/interviews': '/interviews?limit=5&tag=mentor',
      '/tags/{tag}/quotes': '/tags/mentor/quotes?limit=5',
      '/merges': '/merges?limit=5',
      '/suggest': '/suggest?q=仕&limit=3',
      '/interviewees/duplicates': '/interviewees/duplicates?limit=3',
      '/audit': '/audit?tag=mentor&actor=hanako&limit=5',
      '/topics/versions/{version}': '/topics/versions/0',
    };
    for (const [route, path] of Object.entries(samples)) {
      const spec = ROUTES.find((r) => r.method === 'get' && r.path === route);
      // Each sample uses only parameters the document lists for its route.
      const listed = Object.keys(spec?.query?.shape ?? {});
      for (const k of new URL(path, 'http://x').searchParams.keys()) expect(listed, route).toContain(k);
      const r = await rt.app.request(path, { headers: AUTH });
      expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
    }
  });

  it('a query string not percent-encoded as UTF-8 is a 400 naming the parameter, not an empty search of its raw text', async () => {
    // Found trying the API as a client (2026-12-07): `q=%E3%81` (a character cut in half) and
    // `q=%FF` searched the raw text `%E3%81` and answered 200 with nothing, as if no quote matched.
    for (const path of [
      '/search?q=%E3%81',
      '/search?q=%FF%FE',
      '/search?q=%',
      '/suggest?q=%E3',
      '/interviewees?q=%C3',
    ]) {
      const r = await get(path);
      expect(r.status, `${path}: ${JSON.stringify(r.json)}`).toBe(400);
      const e = (r.json as Err).error;
      expect(e.code).toBe('validation_error');
      expect(e.message).toMatch(/^query parameter 'q' is not percent-encoded UTF-8/);
      expect(e.details?.parameter).toBe('q');
    }
    // Encoded right, the same words search (and `+` is a space).
    expect((await get('/search?q=%E4%BB%95%E4%BA%8B')).status).toBe(200);
    expect((await get('/search?q=%E4%BB%95%E4%BA%8B+%E5%AE%B6')).status).toBe(200);
  });

  it('a one-value parameter given twice is a 400, not one of the two dropped', async () => {
    // `?q=a&q=b` searched one of them; `?limit=5&limit=50` used one limit.
    for (const path of ['/search?q=仕事&q=家族', '/search?limit=5&limit=50', '/audit?actor=a&actor=b']) {
      const r = await get(path);
      expect(r.status, `${path}: ${JSON.stringify(r.json)}`).toBe(400);
      expect((r.json as Err).error.message).toMatch(/is given 2 times; it takes one value/);
    }
    // Repeatable ones stay repeatable.
    expect((await get('/search?tag=mentor&tag=work-balance')).status).toBe(200);
    expect((await get('/interviewees?tag=mentor&tag=work-balance&match=any')).status).toBe(200);
  });
});
