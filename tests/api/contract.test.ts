/**
 * The OpenAPI document is complete and enforced: every route the app serves is declared (and
 * nothing else), and the response check that every API test runs (tests/helpers/contract.ts)
 * rejects what the document does not allow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStatuses, openApiDocument, PAGES, ROUTES } from '../../lib/api/openapi.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { ContractViolation, checkResponse, operationFor } from '../helpers/contract.ts';
import { embedded, runtime } from '../helpers/dynamo.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
});
afterAll(async () => {
  await db.close();
});

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const errorBody = (code: string) => ({ error: { code, message: 'm', requestId: 'r' } });

async function violation(method: string, url: string, res: Response): Promise<string> {
  try {
    await checkResponse(method, url, res);
  } catch (e) {
    expect(e).toBeInstanceOf(ContractViolation);
    return (e as Error).message;
  }
  throw new Error(`${method} ${url} ${res.status} passed the contract check`);
}

describe('the OpenAPI document', () => {
  it('declares exactly the routes the app serves (HTML pages excepted)', () => {
    const served = new Set(
      rt.app.routes
        .filter((r) => r.method !== 'ALL' && !PAGES.includes(r.path))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`),
    );
    const declared = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    expect(
      [...served].filter((r) => !declared.has(r)),
      'served but not declared',
    ).toEqual([]);
    expect(
      [...declared].filter((r) => !served.has(r)),
      'declared but not served',
    ).toEqual([]);
  });

  it('declares a JSON schema for every success response, and the error body for every error', () => {
    const doc = openApiDocument() as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    };
    for (const r of ROUTES) {
      const responses = doc.paths[r.path]?.[r.method]?.responses ?? {};
      for (const [status, spec] of Object.entries(r.responses)) {
        expect(spec.json, `${r.method} ${r.path} ${status}`).toBeDefined();
        expect(Object.keys(responses[status]?.content ?? {})).toContain('application/json');
      }
      for (const status of errorStatuses(r))
        expect(responses[String(status)], `${r.method} ${r.path} ${status}`).toBeDefined();
    }
  });

  it('names the accepted content types, 200 and 201 of both ingest routes, and 401 on reads', () => {
    const doc = openApiDocument() as {
      paths: Record<string, Record<string, { requestBody?: { content: object }; responses: object }>>;
    };
    const post = doc.paths['/interviews']?.post;
    expect(Object.keys(post?.requestBody?.content ?? {})).toEqual(
      expect.arrayContaining(['application/json', 'text/plain', 'text/markdown']),
    );
    expect(Object.keys(post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '201', '409', '415', '422']),
    );
    expect(Object.keys(doc.paths['/interviews/{id}']?.put?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '201']),
    );
    expect(Object.keys(doc.paths['/search']?.get?.responses ?? {})).toContain('401');
    expect(Object.keys(doc.paths['/health']?.get?.responses ?? {})).not.toContain('401');
    expect(doc.paths['/admin/consistency']?.post).toBeDefined();
    expect(Object.keys(doc.paths['/admin/reindex']?.post?.responses ?? {})).toContain('202');
    expect(doc.paths['/admin/consistency/repair']?.post).toBeDefined();
  });

  it('is served at /openapi.json', async () => {
    const res = await rt.app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(openApiDocument());
  });
});

describe('the response check', () => {
  it('matches paths to templates, static before parameterised', () => {
    expect(operationFor('GET', '/interviews/abc')?.template).toBe('/interviews/{id}');
    expect(operationFor('GET', '/tags/x/quotes')?.template).toBe('/tags/{tag}/quotes');
    expect(operationFor('POST', '/admin/consistency/repair')?.template).toBe('/admin/consistency/repair');
    expect(operationFor('PATCH', '/interviews/abc')?.operation).toBeNull();
    expect(operationFor('GET', '/nowhere')).toBeNull();
  });

  it('accepts what the document declares', async () => {
    await checkResponse('GET', '/interviews/x', json(errorBody('not_found'), 404));
    await checkResponse('POST', '/interviews', json(errorBody('unavailable'), 503, { 'retry-after': '5' }));
    await checkResponse('GET', '/nowhere', json(errorBody('not_found'), 404));
  });

  it('rejects a status the operation does not declare', async () => {
    expect(await violation('GET', '/tags', json(errorBody('conflict'), 409))).toContain(
      'status 409 is not declared',
    );
  });

  it('rejects a field the schema does not declare, and a missing one', async () => {
    const ok = { id: 'x', deleted: true };
    expect(await violation('DELETE', '/interviews/x', json({ ...ok, extra: 1 }))).toContain(
      '"additionalProperty":"extra"',
    );
    expect(await violation('DELETE', '/interviews/x', json({ id: 'x' }))).toContain('deleted');
  });

  it('rejects an error body of another shape or an unknown code', async () => {
    expect(await violation('GET', '/interviews/x', json({ message: 'nope' }, 404))).toContain('error');
    expect(await violation('GET', '/interviews/x', json(errorBody('teapot'), 404))).toContain('code');
  });

  it('rejects an undeclared content type, a path no operation has, and a method a path lacks', async () => {
    const csv = new Response('a,b', { status: 200, headers: { 'content-type': 'text/csv' } });
    expect(await violation('GET', '/tags', csv)).toContain("content type 'text/csv'");
    expect(await violation('GET', '/nowhere', json({}, 200))).toContain('no such path');
    expect(await violation('PATCH', '/interviews/x', json({}, 200))).toContain('no PATCH');
  });

  it('wants a method a path lacks answered 405 method_not_allowed with the Allow the document implies', async () => {
    const allow = { allow: 'GET, HEAD, PUT, DELETE' };
    await checkResponse('PATCH', '/interviews/x', json(errorBody('method_not_allowed'), 405, allow));
    // What the app answered before: a 404, as if the interview did not exist.
    expect(await violation('PATCH', '/interviews/x', json(errorBody('not_found'), 404))).toContain(
      'no PATCH',
    );
    expect(
      await violation(
        'PATCH',
        '/interviews/x',
        json(errorBody('method_not_allowed'), 405, { allow: 'GET, PUT' }),
      ),
    ).toContain("Allow is 'GET, PUT'");
    expect(await violation('PATCH', '/interviews/x', json(errorBody('not_found'), 405, allow))).toContain(
      "error code 'not_found' on a 405",
    );
    // A path no operation has stays a 404.
    expect(await violation('PATCH', '/nowhere', json(errorBody('method_not_allowed'), 405, allow))).toContain(
      'no such path',
    );
  });

  it('leaves HTML pages and CORS preflights alone, by rule', async () => {
    const page = new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } });
    await checkResponse('GET', '/console/search', page);
    await checkResponse('OPTIONS', '/search', new Response(null, { status: 204 }));
  });
});
