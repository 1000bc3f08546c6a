/**
 * What an outside client met trying the API (qa5, 2026-12-07): requests that were answered as
 * if they meant something else. A filter naming an interview or person nobody has answered an
 * empty 200 (read as "nothing matches"), while an unknown tag or interviewee name was a 400;
 * `limit=1e2`, `0x10`, `+5` were read as numbers; a JSON body was read as JSON whatever its
 * Content-Type said; and the local server's parser errors were shaped by a second copy of the
 * error body. Each is now a 4xx naming what to change, from the one error helper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse, STATUS } from '../../lib/api/http.ts';
import { ROUTES } from '../../lib/api/openapi.ts';
import { ErrorSchema } from '../../lib/api/schemas.ts';
import { clientErrorResponse } from '../../local/client-errors.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

type Err = { error: { code: string; message: string; details?: Record<string, unknown> } };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };

async function call(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; json: unknown; type: string | null }> {
  const res = await rt.app.request(path, { ...init, headers: { ...AUTH, ...(init.headers ?? {}) } });
  return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
}

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
});
afterAll(() => closeRuntime(db, rt));

describe('a filter naming nothing that exists', () => {
  it('/search?interview=<unknown id> is a 400 naming it and the ids spelt nearly alike, not an empty 200', async () => {
    const r = await call('/search?q=%E4%BB%95%E4%BA%8B&interview=kenjj');
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    const e = (r.json as Err).error;
    expect(e.code).toBe('validation_error');
    expect(e.message).toContain("interview 'kenjj' is no interview");
    expect(e.details).toEqual({ interview: 'kenjj', candidates: ['kenji'] });
    // Without a query too (a filter alone lists), and in an export (not an empty file).
    expect((await call('/search?interview=nope')).status).toBe(400);
    expect((await call('/search?interview=nope&format=csv')).status).toBe(400);
    expect((await call('/search?tag=no-such-tag&format=json')).status).toBe(400);
    // A known interview still filters, and one whose quotes do not match is an empty 200.
    const known = await call('/search?interview=kenji');
    expect(known.status).toBe(200);
    expect((known.json as { total: number }).total).toBeGreaterThan(0);
    const none = await call(`/search?interview=kenji&q=${encodeURIComponent('量子コンピュータ')}`);
    expect(none.status).toBe(200);
    expect((none.json as { total: number }).total).toBe(0);
  });

  it('a bulk edit whose search names an unknown interview is a 400, nothing written', async () => {
    const r = await call('/bulk/tags', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ search: { interview: 'nope' }, add: ['mentor'] }),
    });
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    expect((r.json as Err).error.details).toMatchObject({ interview: 'nope' });
    const audit = await call('/audit');
    expect((audit.json as { entries: unknown[] }).entries).toEqual([]);
  });

  it('/interviews?interviewee=<unknown person id> is a 400, a known one lists their interviews', async () => {
    const r = await call('/interviews?interviewee=nobody_here');
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    expect((r.json as Err).error.details).toEqual({ interviewee: 'nobody_here' });
    const person = ((await call('/interviews/kenji')).json as { interviewees: Array<{ id: string }> })
      .interviewees[0]?.id as string;
    const ok = await call(`/interviews?interviewee=${person}`);
    expect(ok.status).toBe(200);
    expect((ok.json as { interviews: Array<{ id: string }> }).interviews.map((i) => i.id)).toEqual(['kenji']);
  });
});

describe('integer query parameters', () => {
  it.each([
    ['/search?limit=1e2', 'limit'],
    ['/search?limit=%2B5', 'limit'],
    ['/search?limit=%205', 'limit'],
    ['/search?limit=0x10', 'limit'],
    ['/search?limit=5.0', 'limit'],
    ['/search?limit=05', 'limit'],
    ['/search?limit=', 'limit'],
    ['/interviews?limit=1e1', 'limit'],
    ['/suggest?q=a&limit=0b11', 'limit'],
    ['/merges?limit=2.', 'limit'],
    ['/quotes/kenji-t001/tags/mentor?expectedVersion=1e0', 'expectedVersion'],
  ])('%s is a 400 naming %s', async (path, parameter) => {
    const r = await call(path, path.includes('expectedVersion') ? { method: 'DELETE' } : {});
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    const e = (r.json as Err).error;
    expect(e.code).toBe('validation_error');
    expect(e.details).toEqual({ parameter });
    expect(e.message).toContain(`'${parameter}' must be a whole number written in decimal digits`);
  });

  it('plain decimal digits in range are accepted, out of range still a 400', async () => {
    expect((await call('/search?limit=100')).status).toBe(200);
    expect((await call('/search?limit=7')).status).toBe(200);
    expect((await call('/search?limit=101')).status).toBe(400);
    expect((await call('/search?limit=0')).status).toBe(400);
    expect((await call('/search?limit=99999999999999999999')).status).toBe(400);
  });
});

describe('JSON bodies need a JSON Content-Type', () => {
  // Every route whose body is JSON only (not the ingest routes, which take transcripts too).
  const jsonRoutes = ROUTES.filter((r) => r.body?.json && !r.body.text && !r.body.binary);
  const concrete = (path: string) =>
    path
      .replace('{quoteId}', 'kenji-t001')
      .replace('{tag}', 'mentor')
      .replace('/topics/{id}', '/topics/mentor')
      .replace('{id}', 'kenji_camp');

  it('covers every JSON-body route of the document', () => {
    expect(jsonRoutes.length).toBeGreaterThanOrEqual(10);
  });

  it.each(jsonRoutes.map((r) => [r.method.toUpperCase(), r.path]))(
    '%s %s: text/plain, form-encoded or none is a 415 naming application/json',
    async (method, path) => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', null]) {
        const r = await call(concrete(path), {
          method,
          headers: type ? { 'content-type': type } : {},
          // Bytes: a string body would be labelled text/plain by the Request itself.
          body: new TextEncoder().encode('{"tags":["mentor"]}'),
        });
        expect(r.status, `${type}: ${JSON.stringify(r.json)}`).toBe(415);
        const e = (r.json as Err).error;
        expect(e.code).toBe('unsupported_media_type');
        expect(e.details).toEqual({ expected: 'application/json', received: type });
        expect(e.message).toContain('Content-Type: application/json');
      }
    },
  );

  it('a JSON body not valid UTF-8 is a 415 about the JSON body, not about a transcript', async () => {
    const r = await call('/quotes/kenji-t001/tags', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array([
        ...new TextEncoder().encode('{"tags":["'),
        0xff,
        0xfe,
        ...new TextEncoder().encode('"]}'),
      ]),
    });
    expect(r.status).toBe(415);
    expect((r.json as Err).error.message).toMatch(/^the JSON body is not UTF-8 text/);
  });

  it('application/json with a charset, and +json types, are read as before', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/merge-patch+json',
    ]) {
      const r = await call('/quotes/kenji-t001/tags', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"tags":["mentor"]}',
      });
      expect(r.status, `${type}: ${JSON.stringify(r.json)}`).toBe(200);
    }
  });
});

describe('errors refused before the app (local/client-errors.ts)', () => {
  it('are shaped and given their status by the one error helper', () => {
    const overflow = clientErrorResponse({ code: 'HPE_HEADER_OVERFLOW' });
    expect(overflow.status).toBe(STATUS.headers_too_large);
    expect(overflow.status).toBe(431);
    expect(overflow.reason).toBe('Request Header Fields Too Large');
    expect(ErrorSchema.strict().parse(overflow.body)).toEqual(overflow.body);
    expect(overflow.body.error.code).toBe('headers_too_large');
    const requestId = overflow.body.error.requestId;
    expect(overflow.body).toEqual(
      errorResponse('headers_too_large', 'request headers are too large', requestId).body,
    );

    const raw = Buffer.from('GET /search?q=介護 HTTP/1.1\r\nHost: x\r\n\r\n');
    const url = clientErrorResponse({ code: 'HPE_INVALID_URL', rawPacket: raw });
    expect(url.status).toBe(STATUS.validation_error);
    expect(url.reason).toBe('Bad Request');
    expect(url.body.error.code).toBe('validation_error');
    expect(url.body.error.message).toContain('not percent-encoded (/search?q=介護)');
    expect(ErrorSchema.strict().parse(url.body)).toEqual(url.body);
  });
});
