/**
 * The HTTP API's error paths, auth, headers and CORS, through `app.request()` of the real app
 * over an embedded dynalite. Store failures are injected into the AWS SDK client's middleware
 * (tests/helpers/faults.ts), never by mocking the store.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchPage } from '../../lib/search/index.ts';
import type { IntervieweeProfile } from '../../lib/service.ts';
import { localClient } from '../../local/embedded.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime, TOKEN } from '../helpers/dynamo.ts';
import { failNthWrite, throttleAll } from '../helpers/faults.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type App = LocalRuntime['app'];
type ErrorBody = {
  error: { code: string; message: string; requestId?: string; details?: Record<string, unknown> };
};
type QuoteDetail = { quoteId: string; tags: string[]; version: number };

const TEXT = { ...AUTH, 'content-type': 'text/plain' };
const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
const PROSE = 'これはただの文章です。誰が話しているのかも書かれていません。昨日は雨でした。';

function sample(file: string): string {
  return read(join(samplesDir, file));
}

function url(path: string, params: Array<[string, string | number]> = []): string {
  const qs = new URLSearchParams(params.map(([k, v]): [string, string] => [k, String(v)])).toString();
  return qs ? `${path}?${qs}` : path;
}

/** Asserts the common error shape, JSON content type and status; returns the body. */
async function expectError(res: Response, status: number, code?: string): Promise<ErrorBody['error']> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

async function getJson<T>(app: App, path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await app.request(path, { headers });
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

let db: Awaited<ReturnType<typeof embedded>>;
/** Shared runtime with 03-blog-kenji and 04-dash-yuki. */
let rt: LocalRuntime;
let app: App;

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  app = rt.app;
  for (const [id, file] of [
    ['03-blog-kenji', '03-blog-kenji.txt'],
    ['04-dash-yuki', '04-dash-yuki.txt'],
  ]) {
    const res = await app.request(url('/interviews', [['id', String(id)]]), {
      method: 'POST',
      headers: TEXT,
      body: sample(String(file)),
    });
    if (res.status !== 201) throw new Error(`seeding ${id} answered ${res.status}`);
  }
});
afterAll(async () => {
  await rt.flush();
  await db.close();
});

/** Every route that writes: method, path, body. */
const WRITES: Array<{ method: string; path: string; type?: string; body?: string }> = [
  {
    method: 'POST',
    path: '/interviews?id=unauth',
    type: 'text/plain',
    body: '聞き手：こんにちは\n山田：どうも',
  },
  { method: 'PUT', path: '/interviews/unauth', type: 'text/plain', body: '聞き手：こんにちは\n山田：どうも' },
  { method: 'DELETE', path: '/interviews/04-dash-yuki' },
  {
    method: 'POST',
    path: '/quotes/04-dash-yuki-t015/tags',
    type: 'application/json',
    body: '{"tags":["x"]}',
  },
  { method: 'DELETE', path: '/quotes/04-dash-yuki-t015/tags/money-income' },
  { method: 'PUT', path: '/interviewees/kenji_camp/tags', type: 'application/json', body: '{"tags":["x"]}' },
  { method: 'POST', path: '/tags/money-income/merge', type: 'application/json', body: '{"into":"x"}' },
  { method: 'POST', path: '/admin/reindex' },
];

describe('authentication', () => {
  // What the refused writes below target, read before any of them: they must leave it as it was.
  let quoteBefore: QuoteDetail;
  beforeAll(async () => {
    quoteBefore = await getJson<QuoteDetail>(app, '/quotes/04-dash-yuki-t015');
  });
  const badAuth: Array<[string, Record<string, string>, string]> = [
    ['no Authorization header', {}, 'missing bearer token'],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789' }, 'invalid token'],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 'invalid token'],
    ['the token plus a character', { authorization: `Bearer ${TOKEN}x` }, 'invalid token'],
    ['another scheme', { authorization: `Basic ${TOKEN}` }, 'missing bearer token'],
  ];
  for (const [what, headers, message] of badAuth) {
    it.each(WRITES)(`returns 401 for $method $path with ${what}`, async (w) => {
      const res = await app.request(w.path, {
        method: w.method,
        headers: { ...headers, ...(w.type ? { 'content-type': w.type } : {}) },
        ...(w.body ? { body: w.body } : {}),
      });
      const error = await expectError(res, 401, 'unauthorized');
      expect(error.message).toContain(message);
    });
  }

  it('changes nothing when a write is refused', async () => {
    expect((await app.request('/interviews/unauth')).status).toBe(404);
    expect((await app.request('/interviews/04-dash-yuki')).status).toBe(200);
    const quote = await getJson<QuoteDetail>(app, '/quotes/04-dash-yuki-t015');
    expect(quote.version).toBe(0);
    expect(quote).toEqual(quoteBefore);
    expect(await rt.store.audit('QUOTE#04-dash-yuki-t015')).toEqual([]);
    expect((await rt.store.aliases()).size).toBe(0);
  });

  it('accepts the token with a lower-case bearer scheme', async () => {
    const res = await app.request('/admin/reindex', {
      method: 'POST',
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(res.status).toBe(202);
    await rt.jobs.idle();
  });

  it('serves reads without a token by default', async () => {
    for (const path of [
      '/search?q=x',
      '/interviews',
      '/tags',
      '/interviewees',
      '/topics',
      '/quotes/04-dash-yuki-t001',
    ])
      expect((await app.request(path)).status, path).toBe(200);
  });

  it('requires the token for reads when protectReads is set, but keeps /health and /openapi.json public', async () => {
    const locked = await runtime(db.client, { protectReads: true });
    for (const path of ['/search?q=x', '/interviews', '/tags', '/interviewees', '/topics', '/suggest?q=a']) {
      await expectError(await locked.app.request(path), 401, 'unauthorized');
      expect((await locked.app.request(path, { headers: AUTH })).status, path).toBe(200);
    }
    expect((await locked.app.request('/health')).status).toBe(200);
    expect((await locked.app.request('/openapi.json')).status).toBe(200);
  });

  it('accepts the read-only token on reads and refuses it on writes', async () => {
    const readToken = 'read-only-token-0123456789';
    const locked = await runtime(db.client, { protectReads: true, readToken });
    const READ = { authorization: `Bearer ${readToken}` };
    for (const path of ['/search?q=x', '/interviews', '/tags', '/suggest?q=a']) {
      expect((await locked.app.request(path, { headers: READ })).status, path).toBe(200);
      expect((await locked.app.request(path, { headers: AUTH })).status, path).toBe(200);
    }
    const write = await locked.app.request('/interviews?id=ro', {
      method: 'POST',
      headers: { ...READ, 'content-type': 'text/plain' },
      body: '聞き手：質問？\n山田：答えです。',
    });
    await expectError(write, 401, 'unauthorized');
    expect((await locked.app.request('/interviews/ro', { headers: READ })).status).toBe(404);
  });
});

describe('POST /interviews: content types, parse errors and JSON errors', () => {
  it('returns 415 for a content type that is neither JSON nor text', async () => {
    const res = await app.request('/interviews?id=xml', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/xml' },
      body: '<interview/>',
    });
    const error = await expectError(res, 415, 'unsupported_media_type');
    expect(error.message).toContain('application/xml');
    // Every type it takes is named, the generic binary one too (a .docx from a script often has it).
    for (const type of ['text/plain', 'text/vtt', 'application/x-subrip', 'application/octet-stream'])
      expect(error.message).toContain(type);
    expect((await app.request('/interviews/xml')).status).toBe(404);
  });

  it('returns 415 when the content type is missing', async () => {
    const res = await app.request('/interviews?id=untyped', {
      method: 'POST',
      headers: AUTH,
      body: new Uint8Array([0xe8, 0x81, 0x9e]),
    });
    await expectError(res, 415, 'unsupported_media_type');
  });

  it('returns 422 parse_error for plain prose that has no recognisable layout', async () => {
    const res = await app.request('/interviews?id=prose', { method: 'POST', headers: TEXT, body: PROSE });
    const error = await expectError(res, 422, 'parse_error');
    expect(error.message).toMatch(/line \d+/);
    expect((await app.request('/interviews/prose')).status).toBe(404);
  });

  it("returns 422 parse_error for a page of readers' questions (Q．) that nothing answers", async () => {
    const page =
      'ランキング\n\n第1位：誘い方\n\nQ．今夜誘ってもいいですか？\n\n第2位：職場の恋\n\n著者が聞いた。\n';
    const res = await app.request('/interviews?id=ranking', { method: 'POST', headers: TEXT, body: page });
    const error = await expectError(res, 422, 'parse_error');
    // 第N位： rows are ranks (data rows), so no layout is left to read; with prefixed turns
    // around the questions the message would say `not an interview` instead.
    expect(error.message).toMatch(/line 1: could not recognise the layout/);
    expect((await app.request('/interviews/ranking')).status).toBe(404);
  });

  it('returns 422 parse_error saying `not an interview` for a comparison page, and stores no people', async () => {
    // Labels that alternate like speakers over rows nobody says: a list, not two people talking.
    const page =
      '新作コーデ\n\nこの春に出る服を、写真の左右に分けて紹介する。\n\n左：丸襟のジャケット。12,000円\n\n右：花柄のスカート。8,900円\n\n左：麻のシャツ。6,500円\n\n右：デニムのパンツ。9,800円\n';
    const res = await app.request('/interviews?id=left-right', { method: 'POST', headers: TEXT, body: page });
    const error = await expectError(res, 422, 'parse_error');
    expect(error.message).toMatch(/line \d+: not an interview/);
    expect((await app.request('/interviews/left-right')).status).toBe(404);
  });

  it('returns 422 parse_error when ?format= names a layout the transcript does not have', async () => {
    const res = await app.request(
      url('/interviews', [
        ['id', 'wrong-format'],
        ['format', 'blog'],
      ]),
      {
        method: 'POST',
        headers: TEXT,
        body: sample('04-dash-yuki.txt'),
      },
    );
    const error = await expectError(res, 422, 'parse_error');
    expect(error.message).toContain('blog');
  });

  it('returns 400 for an unknown ?format= and for an invalid ?url=', async () => {
    for (const params of [[['format', 'docx']], [['url', 'not a url']]] as Array<Array<[string, string]>>) {
      const res = await app.request(url('/interviews', [['id', 'q-check'], ...params]), {
        method: 'POST',
        headers: TEXT,
        body: sample('04-dash-yuki.txt'),
      });
      await expectError(res, 400, 'validation_error');
    }
  });

  it('returns 400 for malformed JSON', async () => {
    const res = await app.request('/interviews', {
      method: 'POST',
      headers: JSON_WRITE,
      body: '{"title": "x",',
    });
    const error = await expectError(res, 400);
    expect(error.message).toContain('JSON');
  });

  it('returns 422 parse_error for an empty transcript', async () => {
    const res = await app.request('/interviews?id=empty', { method: 'POST', headers: TEXT, body: '' });
    const error = await expectError(res, 422, 'parse_error');
    expect(error.message).toContain('empty');
    expect((await app.request('/interviews/empty')).status).toBe(404);
  });
});

describe('request body limit', () => {
  let small: LocalRuntime;
  beforeAll(async () => {
    small = await runtime(db.client, { maxBodyBytes: 2048 });
  });

  it('returns 413 for a transcript over maxBodyBytes and stores nothing', async () => {
    const body = sample('04-dash-yuki.txt');
    expect(Buffer.byteLength(body)).toBeGreaterThan(2048);
    const res = await small.app.request('/interviews?id=big', { method: 'POST', headers: TEXT, body });
    const error = await expectError(res, 413, 'payload_too_large');
    expect(error.message).toContain('2048');
    expect((await small.app.request('/interviews/big')).status).toBe(404);
  });

  it('returns 413 for a JSON body over maxBodyBytes', async () => {
    const res = await small.app.request('/tags/a/merge', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ into: 'b', padding: 'x'.repeat(4096) }),
    });
    await expectError(res, 413, 'payload_too_large');
  });

  it('lets a body under maxBodyBytes through to the handler', async () => {
    const res = await small.app.request('/interviews?id=small', {
      method: 'POST',
      headers: TEXT,
      body: PROSE,
    });
    await expectError(res, 422, 'parse_error');
  });

  it('accepts the same transcript under the default limit', async () => {
    const res = await app.request('/interviews?id=limit-ok', {
      method: 'POST',
      headers: TEXT,
      body: sample('04-dash-yuki.txt'),
    });
    expect(res.status).toBe(201);
  });
});

describe('invalid ids and unknown resources', () => {
  const BAD = encodeURIComponent('bad id!');

  it.each([
    ['GET', `/interviews/${BAD}`],
    ['PUT', `/interviews/${BAD}`],
    ['DELETE', `/interviews/${BAD}`],
    ['POST', `/interviews?id=${BAD}`],
    ['GET', `/interviews?interviewee=${BAD}`],
    ['GET', `/interviewees/${BAD}`],
    ['PUT', `/interviewees/${BAD}/tags`],
    ['GET', `/quotes/${BAD}`],
    ['POST', `/quotes/${BAD}/tags`],
    ['DELETE', `/quotes/${BAD}/tags/x`],
  ])('returns 400 for an invalid id in %s %s', async (method, path) => {
    const write = method !== 'GET';
    const isText = path.startsWith('/interviews') && write;
    const res = await app.request(path, {
      method,
      headers: write ? { ...AUTH, 'content-type': isText ? 'text/plain' : 'application/json' } : {},
      ...(write && method !== 'DELETE'
        ? { body: isText ? sample('04-dash-yuki.txt') : JSON.stringify({ tags: ['x'] }) }
        : {}),
    });
    const error = await expectError(res, 400, 'validation_error');
    expect(error.message).toMatch(/id/);
  });

  it('returns 400 for an id longer than 128 characters', async () => {
    await expectError(await app.request(`/interviews/${'a'.repeat(129)}`), 400, 'validation_error');
  });

  it('returns 404 for an unknown interview (GET and DELETE)', async () => {
    const get = await expectError(await app.request('/interviews/no-such-interview'), 404, 'not_found');
    expect(get.message).toContain('no-such-interview');
    await expectError(
      await app.request('/interviews/no-such-interview', { method: 'DELETE', headers: AUTH }),
      404,
      'not_found',
    );
  });

  it('returns 404 for an unknown quote: unknown turn, unknown interview or no turn number', async () => {
    for (const id of ['04-dash-yuki-t999', 'no-such-interview-t001', 'nope'])
      await expectError(await app.request(`/quotes/${id}`), 404, 'not_found');
  });

  it('returns 404 when editing the tags of an unknown quote', async () => {
    await expectError(
      await app.request('/quotes/04-dash-yuki-t999/tags', {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags: ['x'] }),
      }),
      404,
      'not_found',
    );
    await expectError(
      await app.request('/quotes/04-dash-yuki-t999/tags/x', { method: 'DELETE', headers: AUTH }),
      404,
      'not_found',
    );
    expect(await rt.store.audit('QUOTE#04-dash-yuki-t999')).toEqual([]);
  });

  it('returns 404 for an unknown interviewee (profile and tags)', async () => {
    await expectError(await app.request('/interviewees/nobody'), 404, 'not_found');
    await expectError(
      await app.request('/interviewees/nobody/tags', {
        method: 'PUT',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags: ['x'] }),
      }),
      404,
      'not_found',
    );
  });
});

describe('GET /search validation', () => {
  it.each<[string, Array<[string, string]>]>([
    ['limit=0', [['limit', '0']]],
    ['limit=1000', [['limit', '1000']]],
    ['limit=abc', [['limit', 'abc']]],
    ['a 10,000-character q', [['q', '介'.repeat(10_000)]]],
    ['an unknown speaker', [['speaker', 'narrator']]],
    ['an unknown match', [['match', 'some']]],
    ['a date that is not a date', [['from', 'yesterday']]],
    ['a tag with a space', [['tag', 'a b']]],
    ['more than 20 tags', Array.from({ length: 21 }, (_, i): [string, string] => ['tag', `t${i}`])],
    ['a cursor that is not a cursor', [['cursor', 'not-a-cursor']]],
  ])('returns 400 for %s', async (_what, params) => {
    const withQ = params.some(([k]) => k === 'q') ? params : [['q', '介護'] as [string, string], ...params];
    await expectError(await app.request(url('/search', withQ)), 400, 'validation_error');
  });

  it('returns 400 for a cursor of another query, and accepts it for its own query', async () => {
    const first = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 2],
      ]),
    );
    const cursor = first.nextCursor;
    expect(cursor).not.toBeNull();
    const own = await app.request(
      url('/search', [
        ['q', '介護'],
        ['limit', 2],
        ['cursor', String(cursor)],
      ]),
    );
    expect(own.status).toBe(200);
    const foreign = await app.request(
      url('/search', [
        ['q', 'クラウドソーシング'],
        ['limit', 2],
        ['cursor', String(cursor)],
      ]),
    );
    const error = await expectError(foreign, 400, 'validation_error');
    expect(error.message).toContain('cursor');
    const otherFilter = await app.request(
      url('/search', [
        ['q', '介護'],
        ['interview', '03-blog-kenji'],
        ['limit', 2],
        ['cursor', String(cursor)],
      ]),
    );
    await expectError(otherFilter, 400, 'validation_error');
  });

  it('returns 400 for invalid limits and cursors on the other paged lists', async () => {
    for (const path of [
      '/interviews?limit=0',
      '/interviews?limit=101',
      '/interviewees?limit=0',
      '/interviewees?match=some',
      '/tags/money-income/quotes?limit=1000',
      '/suggest?limit=0',
      `/suggest?q=${'a'.repeat(101)}`,
    ])
      await expectError(await app.request(path), 400, 'validation_error');
  });

  it('says what a date filter takes when it is no date (2025-13-01, yesterday)', async () => {
    for (const path of ['/search?q=x&from=2025-13-01', '/search?q=x&to=yesterday']) {
      const error = await expectError(await app.request(path), 400, 'validation_error');
      expect(error.message).toMatch(/(from|to): expected a date such as 2025-01-31/);
      expect(error.message).not.toContain('Invalid input');
    }
    expect((await app.request('/search?q=x&from=2025-01-31&to=2025-12-31T23:59:59%2B09:00')).status).toBe(
      200,
    );
  });

  it('says where to find a person id when /interviews?interviewee= is given a name', async () => {
    // /search takes names for interviewee=; this list takes an id, and its 400 said only which characters ids have.
    const error = await expectError(
      await app.request(`/interviews?interviewee=${encodeURIComponent('沖玲奈')}`),
      400,
      'validation_error',
    );
    expect(error.message).toContain('person id');
    expect(error.message).toContain('GET /interviewees?q=');
    // An id is taken (kenji_camp speaks in 03-blog-kenji here); one nobody has is a 400 too.
    expect((await app.request('/interviews?interviewee=kenji_camp')).status).toBe(200);
    await expectError(await app.request('/interviews?interviewee=kao_bunny'), 400, 'validation_error');
  });
});

describe('tag validation', () => {
  it.each(['a b', '<script>', '', '-leading-dash', 'x'.repeat(61)])(
    'returns 400 for the tag %j in a quote tag edit and changes nothing',
    async (tag) => {
      const res = await app.request('/quotes/04-dash-yuki-t015/tags', {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags: [tag] }),
      });
      const error = await expectError(res, 400, 'validation_error');
      expect(error.message).toContain('tags');
      expect((await getJson<QuoteDetail>(app, '/quotes/04-dash-yuki-t015')).version).toBe(0);
    },
  );

  it.each([
    ['GET', '/tags/a%20b/quotes'],
    ['GET', '/tags/%3Cscript%3E/quotes'],
    ['DELETE', '/quotes/04-dash-yuki-t015/tags/a%20b'],
    ['POST', '/tags/%3Cscript%3E/merge'],
    ['GET', '/interviews?tag=a%20b'],
    ['GET', '/interviewees?tag=%3Cscript%3E'],
  ])('returns 400 for an invalid tag in %s %s', async (method, path) => {
    const res = await app.request(path, {
      method,
      headers: method === 'GET' ? {} : JSON_WRITE,
      ...(method === 'POST' ? { body: JSON.stringify({ into: 'ok' }) } : {}),
    });
    await expectError(res, 400, 'validation_error');
  });

  it('returns 400 for an invalid tag in a merge target or an interviewee tag list', async () => {
    await expectError(
      await app.request('/tags/money-income/merge', {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify({ into: 'a b' }),
      }),
      400,
      'validation_error',
    );
    await expectError(
      await app.request('/interviewees/kenji_camp/tags', {
        method: 'PUT',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags: ['<script>'] }),
      }),
      400,
      'validation_error',
    );
  });
});

describe('JSON bodies of tag routes', () => {
  const ROUTES: Array<[string, string]> = [
    ['POST', '/quotes/04-dash-yuki-t015/tags'],
    ['PUT', '/interviewees/kenji_camp/tags'],
    ['POST', '/tags/money-income/merge'],
  ];

  it.each(ROUTES)('returns 400 invalid_json for malformed JSON to %s %s', async (method, path) => {
    const res = await app.request(path, { method, headers: JSON_WRITE, body: '{"tags": [' });
    await expectError(res, 400, 'invalid_json');
  });

  it.each<[string, string, unknown]>([
    ['POST', '/quotes/04-dash-yuki-t015/tags', { tags: 'mentor' }],
    ['POST', '/quotes/04-dash-yuki-t015/tags', { tags: [] }],
    ['POST', '/quotes/04-dash-yuki-t015/tags', {}],
    ['POST', '/quotes/04-dash-yuki-t015/tags', { tags: ['ok'], expectedVersion: -1 }],
    ['POST', '/quotes/04-dash-yuki-t015/tags', { tags: ['ok'], expectedVersion: '0' }],
    ['PUT', '/interviewees/kenji_camp/tags', { tags: [1, 2] }],
    ['PUT', '/interviewees/kenji_camp/tags', []],
    ['POST', '/tags/money-income/merge', { to: 'other' }],
    ['POST', '/tags/money-income/merge', 'other'],
  ])('returns 400 validation_error for JSON of the wrong shape to %s %s: %j', async (method, path, body) => {
    const res = await app.request(path, { method, headers: JSON_WRITE, body: JSON.stringify(body) });
    const error = await expectError(res, 400, 'validation_error');
    expect(error.message).toContain('invalid body');
  });

  it('returns 400 for an expectedVersion query that is not a number', async () => {
    const res = await app.request('/quotes/04-dash-yuki-t015/tags/money-income?expectedVersion=abc', {
      method: 'DELETE',
      headers: AUTH,
    });
    await expectError(res, 400, 'validation_error');
  });
});

describe('conflicting edits', () => {
  it('answers 409 conflict to a quote tag edit with a stale expectedVersion and keeps the newer edit', async () => {
    const add = (tags: string[], expectedVersion: number) =>
      app.request('/quotes/03-blog-kenji-t009/tags', {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags, expectedVersion }),
      });
    const first = await add(['first-editor'], 0);
    expect(first.status).toBe(200);
    expect(((await first.json()) as QuoteDetail).version).toBe(1);

    const stale = await add(['second-editor'], 0);
    const error = await expectError(stale, 409, 'conflict');
    expect(error.message).toMatch(/changed/);

    const now = await getJson<QuoteDetail>(app, '/quotes/03-blog-kenji-t009');
    expect(now.version).toBe(1);
    expect(now.tags).toContain('first-editor');
    expect(now.tags).not.toContain('second-editor');
    expect((await rt.store.audit('QUOTE#03-blog-kenji-t009')).map((e) => [e.tags, e.added])).toEqual([
      [['first-editor'], ['first-editor']],
    ]);

    const ahead = await add(['third-editor'], 5);
    await expectError(ahead, 409, 'conflict');
  });

  it('answers 409 conflict to a tag removal with a stale ?expectedVersion=', async () => {
    const res = await app.request('/quotes/03-blog-kenji-t009/tags/first-editor?expectedVersion=0', {
      method: 'DELETE',
      headers: AUTH,
    });
    await expectError(res, 409, 'conflict');
    expect((await getJson<QuoteDetail>(app, '/quotes/03-blog-kenji-t009')).tags).toContain('first-editor');

    const ok = await app.request('/quotes/03-blog-kenji-t009/tags/first-editor?expectedVersion=1', {
      method: 'DELETE',
      headers: AUTH,
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as QuoteDetail).tags).not.toContain('first-editor');
  });

  it('answers 409 conflict to interviewee tags with a stale expectedVersion and keeps the newer tags', async () => {
    const put = (tags: string[], expectedVersion: number) =>
      app.request('/interviewees/kenji_camp/tags', {
        method: 'PUT',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags, expectedVersion }),
      });
    expect((await put(['camper'], 0)).status).toBe(200);
    await expectError(await put(['angler'], 0), 409, 'conflict');
    const profile = await getJson<IntervieweeProfile>(app, '/interviewees/kenji_camp');
    const manual = profile.tags.filter((t) => t.source === 'manual').map((t) => t.id);
    expect(manual).toEqual(['camper']);
  });
});

describe('POST /tags/{tag}/merge errors', () => {
  it('returns 400 when merging a tag into itself and records no alias', async () => {
    const res = await app.request('/tags/money-income/merge', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ into: 'money-income' }),
    });
    const error = await expectError(res, 400, 'validation_error');
    expect(error.message).toContain('itself');
    expect((await rt.store.aliases()).size).toBe(0);
  });

  it('returns 400 when the target is the same tag in another spelling', async () => {
    const res = await app.request('/tags/money-income/merge', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ into: 'MONEY-INCOME' }),
    });
    await expectError(res, 400, 'validation_error');
  });

  it('refuses unknown tags (404), unknown targets without create (404), and a reverse merge (409)', async () => {
    const merge = (from: string, into: string, extra: Record<string, unknown> = {}) =>
      app.request(`/tags/${from}/merge`, {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify({ into, ...extra }),
      });
    await expectError(await merge('alpha-tag', 'beta-tag'), 404, 'not_found');
    const add = await app.request('/quotes/04-dash-yuki-t003/tags', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ tags: ['alpha-tag'] }),
    });
    expect(add.status).toBe(200);
    const unknownTarget = await expectError(await merge('alpha-tag', 'beta-tag'), 404, 'not_found');
    expect(unknownTarget.message).toContain('create');
    expect((await merge('alpha-tag', 'beta-tag', { create: true })).status).toBe(200);
    const reverse = await expectError(await merge('beta-tag', 'alpha-tag'), 409, 'conflict');
    expect(reverse.message).toContain('merged into');
    expect((await rt.store.aliases()).get('beta-tag')).toBeUndefined();
  });
});

describe('store failures', () => {
  it('answers 503 unavailable while DynamoDB keeps throttling', async () => {
    const client = localClient(db.endpoint);
    const local = await runtime(client);
    const stop = throttleAll(client);
    try {
      const error = await expectError(await local.app.request('/interviews/any'), 503, 'unavailable');
      expect(error.message).toMatch(/throttling|unavailable/);
    } finally {
      stop();
    }
    expect((await local.app.request('/interviews/any')).status).toBe(404);
  });

  it('answers 500 internal_error without leaking the cause when a write fails', async () => {
    const client = localClient(db.endpoint);
    const logs: Array<Record<string, unknown>> = [];
    const local = await runtime(client, { logger: (e) => logs.push(e) });
    const fault = failNthWrite(client, 1);
    try {
      const res = await local.app.request('/interviews?id=broken', {
        method: 'POST',
        headers: TEXT,
        body: sample('04-dash-yuki.txt'),
      });
      const error = await expectError(res, 500, 'internal_error');
      expect(error.message).toBe('internal error');
      expect(JSON.stringify(error)).not.toContain('injected');
    } finally {
      fault.disarm();
    }
    expect(logs.some((l) => l.level === 'error' && String(l.error).includes('injected'))).toBe(true);
    expect((await local.app.request('/interviews/broken')).status).toBe(404);
  });
});

describe('routing, headers, CORS and logging', () => {
  it('answers 404 not_found JSON for an unknown route', async () => {
    const unknown = await expectError(await app.request('/no/such/route'), 404, 'not_found');
    expect(unknown.message).toContain('/no/such/route');
    // A method on a path no route has is still a 404, and so is a known path with a trailing slash.
    await expectError(
      await app.request('/no/such/route', { method: 'PATCH', headers: AUTH }),
      404,
      'not_found',
    );
    await expectError(await app.request('/health/'), 404, 'not_found');
  });

  it('answers 405 method_not_allowed JSON with Allow for a method a known path lacks (it answered 404, as if the interview did not exist)', async () => {
    const res = await app.request('/interviews/04-dash-yuki', { method: 'PATCH', headers: AUTH });
    expect(res.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
    const error = await expectError(res, 405, 'method_not_allowed');
    expect(error.message).toBe(
      'PATCH is not a method of /interviews/04-dash-yuki: it takes GET, HEAD, PUT, DELETE',
    );
    expect(error.details).toEqual({ method: 'PATCH', allowed: ['GET', 'HEAD', 'PUT', 'DELETE'] });
    // The interview is untouched and still there.
    expect((await app.request('/interviews/04-dash-yuki')).status).toBe(200);
    for (const [method, path, allow] of [
      ['POST', '/health', 'GET, HEAD'],
      ['DELETE', '/search', 'GET, HEAD'],
      ['GET', '/bulk/tags', 'POST'],
      ['PUT', '/admin/reindex', 'POST'],
      ['PATCH', '/topics/work-balance', 'GET, HEAD, PUT, DELETE'],
      // Without a token too: which methods a path takes is public (GET /openapi.json lists them).
      ['DELETE', '/tags', 'GET, HEAD'],
    ] as const) {
      const r = await app.request(path, { method });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
    // HEAD is a GET without its body: where there is no GET, no HEAD either.
    const head = await app.request('/bulk/tags', { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
  });

  it('sets secure headers on successful and on error responses', async () => {
    for (const res of [
      await app.request('/health'),
      await app.request('/interviews/no-such-interview'),
      await app.request('/interviews', { method: 'POST' }),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-request-id')).toMatch(/\S/);
    }
  });

  it('answers a CORS preflight with the allowed origin, methods and headers', async () => {
    const res = await app.request('/quotes/04-dash-yuki-t015/tags', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://editor.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-actor',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const methods = res.headers.get('access-control-allow-methods') ?? '';
    for (const m of ['GET', 'POST', 'PUT', 'DELETE']) expect(methods).toContain(m);
    const headers = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['authorization', 'content-type', 'x-actor']) expect(headers).toContain(h);
  });

  it('adds access-control-allow-origin to simple cross-origin reads and errors', async () => {
    const ok = await app.request('/health', { headers: { origin: 'https://editor.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const err = await app.request('/interviews/no-such-interview', {
      headers: { origin: 'https://x.example' },
    });
    expect(err.status).toBe(404);
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('allows only the configured origins when corsOrigins is set', async () => {
    const strict = await runtime(db.client, { corsOrigins: ['https://editor.example'] });
    const preflight = (origin: string) =>
      strict.app.request('/search', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
    expect((await preflight('https://editor.example')).headers.get('access-control-allow-origin')).toBe(
      'https://editor.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('logs method, path and status of each request but never the token or the transcript', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const logged = await runtime(db.client, { logger: (e) => logs.push(e) });
    const body = sample('04-dash-yuki.txt');
    const res = await logged.app.request('/interviews?id=logged', { method: 'POST', headers: TEXT, body });
    expect(res.status).toBe(201);
    const entry = logs.find((l) => l.msg === 'request' && l.path === '/interviews');
    expect(entry).toMatchObject({ method: 'POST', status: 201, level: 'info' });
    expect(entry?.requestId).toBe(res.headers.get('x-request-id'));
    const text = JSON.stringify(logs);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('小林由紀');
    await logged.flush();
  });
});
