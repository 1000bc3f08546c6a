/**
 * Regressions for hostile input found from outside (issue 11): deeply nested JSON, ids that
 * collided, tag ids validated before they were normalised. Through the real app over an
 * embedded dynalite; every rejected write is checked to change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonTooDeepAt, MAX_JSON_DEPTH } from '../../lib/api/http.ts';
import { canonicalUrl, interviewIdFrom } from '../../lib/ids.ts';
import { TagSchema } from '../../lib/tags.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };
const TEXT = { ...AUTH, 'content-type': 'text/plain' };
const TRANSCRIPT = '聞き手：クラウドソーシングは使いますか？\n山田：ランサーズで受注しています。';

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  const res = await rt.app.request('/interviews?id=base', {
    method: 'POST',
    headers: TEXT,
    body: TRANSCRIPT,
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await rt.flush();
  await db.close();
});

/** Everything a rejected write must leave alone: the interviews, their versions, the index. */
async function state(): Promise<string> {
  const list = await rt.store.listInterviews({ limit: 100 });
  return JSON.stringify([list.items.map((i) => [i.id, i.version, i.updatedAt]), rt.indexer.index.stats]);
}

async function errorOf(res: Response): Promise<{ code: string; message: string; details?: unknown }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('deeply nested JSON bodies', () => {
  it('finds the depth in one pass, ignoring brackets inside strings', () => {
    expect(jsonTooDeepAt(nested(MAX_JSON_DEPTH))).toBe(-1);
    expect(jsonTooDeepAt(nested(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH);
    expect(jsonTooDeepAt(JSON.stringify({ a: '[[[[[[[[[['.repeat(100), b: '\\"[[[' }))).toBe(-1);
    expect(jsonTooDeepAt(`{"a":"\\\\",${'{"x":'.repeat(40)}1${'}'.repeat(40)}}`)).toBeGreaterThan(0);
  });

  const bodies: Array<[string, string]> = [
    ['a bare array nest', nested(5000)],
    ['an object nest', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
    [
      'a nest under an unknown key of a valid body',
      JSON.stringify({
        title: 't',
        turns: [{ speaker: '山田', text: 'はい' }],
        extra: 'NEST',
      }).replace('"NEST"', nested(5000)),
    ],
    ['a nest inside a turn', `{"title":"t","turns":[{"speaker":"山田","text":${nested(100_000)}}]}`],
  ];
  for (const [what, body] of bodies) {
    for (const [method, path] of [
      ['POST', '/interviews?id=deep'],
      ['POST', '/interviews'],
      ['PUT', '/interviews/base'],
    ] as const) {
      it(`answers 400 to ${what} on ${method} ${path}, changing nothing`, async () => {
        const before = await state();
        const res = await rt.app.request(path, { method, headers: JSON_WRITE, body });
        expect(res.status).toBe(400);
        const error = await errorOf(res);
        expect(error.code).toBe('validation_error');
        expect(error.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
        expect(await state()).toBe(before);
      });
    }
  }

  it('answers 400 to nested JSON on the tag routes', async () => {
    for (const [method, path] of [
      ['POST', '/quotes/base-t002/tags'],
      ['PUT', '/interviewees/x/tags'],
      ['POST', '/tags/a/merge'],
    ] as const) {
      const res = await rt.app.request(path, {
        method,
        headers: JSON_WRITE,
        body: `{"tags":${nested(10_000)}}`,
      });
      expect(res.status, `${method} ${path}`).toBe(400);
    }
  });

  it('answers 4xx to a nest sent as a text transcript (format json or auto), never a 5xx', async () => {
    for (const format of ['json', 'auto']) {
      const before = await state();
      const res = await rt.app.request(`/interviews?id=deep&format=${format}`, {
        method: 'POST',
        headers: TEXT,
        body: `{"title":"t","turns":[{"speaker":"山田","text":${nested(100_000)}}]}`,
      });
      expect(res.status).toBe(422);
      expect((await errorOf(res)).code).toBe('parse_error');
      expect(await state()).toBe(before);
    }
    // Under a key the transcript parser ignores, a nest is only text it never walks.
    const ignored = await rt.app.request('/interviews?id=deep-ignored&format=json', {
      method: 'POST',
      headers: TEXT,
      body: `{"title":"t","turns":[{"speaker":"山田","text":"はい","x":${nested(100_000)}}]}`,
    });
    expect(ignored.status).toBe(201);
  });

  it('still accepts a valid canonical body nested as deep as the model goes', async () => {
    const res = await rt.app.request('/interviews?id=shallow', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({
        title: '浅い',
        turns: [
          { speaker: '聞き手', text: '副業は？', role: 'interviewer', section: '始まり' },
          { speaker: '山田', text: 'ココナラです。', role: 'interviewee', section: '始まり' },
        ],
      }),
    });
    expect(res.status).toBe(201);
  });
});

describe('derived interview ids', () => {
  const spellings = [
    ['ランサーズ', 'らんさーず', 'ﾗﾝｻｰｽﾞ'],
    ['UPWORK', 'ＵＰＷＯＲＫ', 'upwork'],
    ['ランサーズ', 'ラン\u200Bサーズ'],
  ];
  it.each(spellings)('differ for texts that differ only after normalisation: %s / %s', (...texts) => {
    const ids = texts.map((t) => interviewIdFrom(null, 'タイトル', `山田\t${t}で受注しています`));
    expect(new Set(ids).size).toBe(texts.length);
  });

  it('agree for the same text sent with other line endings or a BOM', () => {
    const a = interviewIdFrom(null, 't', '聞き手\tはい\n山田\tどうも');
    expect(interviewIdFrom(null, 't', '\uFEFF聞き手\tはい\r\n山田\tどうも')).toBe(a);
  });

  it('keep the host and the path of a URL', () => {
    const ids = [
      'https://a.example/x/page.html',
      'https://b.example/y/page.php',
      'https://a.example/y/page.html',
      'http://news.livedoor.com/article/detail/5920825/',
      'https://other.example/article/detail/5920825',
    ].map((u) => interviewIdFrom(u, 't', 'c'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^page-[0-9a-z]{12}$/);
    expect(ids[3]).toMatch(/^detail-5920825-[0-9a-z]{12}$/);
  });

  it('agree for one article reached by http or https, with a trailing slash or tracking parameters', () => {
    const id = interviewIdFrom('http://news.livedoor.com/article/detail/5920825/', 't', 'c');
    expect(interviewIdFrom('https://news.livedoor.com/article/detail/5920825', 'x', 'y')).toBe(id);
    expect(
      interviewIdFrom('https://news.livedoor.com/article/detail/5920825/?utm_source=x#top', 'x', 'y'),
    ).toBe(id);
    expect(canonicalUrl('https://a.example/p?id=2')).not.toBe(canonicalUrl('https://a.example/p?id=3'));
    expect(canonicalUrl('not a url')).toBeNull();
  });

  it('stores normalisation-equal transcripts as different interviews', async () => {
    const ids: string[] = [];
    for (const name of ['ランサーズ', 'らんさーず', 'ﾗﾝｻｰｽﾞ']) {
      const res = await rt.app.request('/interviews', {
        method: 'POST',
        headers: TEXT,
        body: `聞き手：どこで受注しますか？\n山田：${name}で受注しています。`,
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    expect(new Set(ids).size).toBe(3);
  });

  it('replaces the same source and answers 409 naming the existing id for another one', async () => {
    const article = (url: string, answer: string) =>
      `---\nurl: ${url}\n---\n聞き手：副業は？\n山田：${answer}`;
    const first = await rt.app.request('/interviews', {
      method: 'POST',
      headers: TEXT,
      body: article('https://a.example/x/page.html', 'ココナラです。'),
    });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };

    // The same article fetched again (edited, over https): replaced, and said so.
    const again = await rt.app.request('/interviews', {
      method: 'POST',
      headers: TEXT,
      body: article('http://a.example/x/page.html/', 'ココナラとランサーズです。'),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id, created: false, version: 2 });

    // Another source that claims the same id (front matter): 409 with the existing id.
    const before = await state();
    const other = await rt.app.request('/interviews', {
      method: 'POST',
      headers: TEXT,
      body: `---\nid: ${id}\nurl: https://b.example/y/page.php\n---\n聞き手：副業は？\n山田：クラウドワークスです。`,
    });
    expect(other.status).toBe(409);
    const error = await errorOf(other);
    expect(error.code).toBe('conflict');
    expect(error.details).toEqual({ existingId: id });
    expect(error.message).toContain(`PUT /interviews/${id}`);
    expect(await state()).toBe(before);

    // Naming the id is saying so: PUT (and POST ?id=) replace.
    const put = await rt.app.request(`/interviews/${id}`, {
      method: 'PUT',
      headers: TEXT,
      body: `---\nurl: https://b.example/y/page.php\n---\n聞き手：副業は？\n山田：クラウドワークスです。`,
    });
    expect(put.status).toBe(200);
  });
});

describe('tag ids are normalised before they are validated', () => {
  it.each([
    ['İstanbul', 'i̇stanbul'],
    ['か\u3099いこ\u3099', 'がいご'],
    ['ＣＲＯＷＤ', 'crowd'],
    ['  Tools  ', 'tools'],
  ])('accepts %j as %j', (input, id) => {
    expect(TagSchema.parse(input)).toBe(id);
    // The id it becomes validates again as it is (it comes back in paths and queries).
    expect(TagSchema.parse(id)).toBe(id);
  });

  it.each(['', ' ', 'a b', 'a#b', '#', '\u200B', 'x'.repeat(61), '㍿'.repeat(16)])('rejects %j', (input) => {
    expect(TagSchema.safeParse(input).success).toBe(false);
  });

  it('resolves every tag /tags lists on its quotes, search and delete routes', async () => {
    for (const tag of ['İstanbul', 'か\u3099いこ\u3099']) {
      const add = await rt.app.request('/quotes/base-t002/tags', {
        method: 'POST',
        headers: JSON_WRITE,
        body: JSON.stringify({ tags: [tag] }),
      });
      expect(add.status, tag).toBe(200);
    }
    const listed = (
      (await (await rt.app.request('/tags')).json()) as { tags: Array<{ id: string }> }
    ).tags.map((t) => t.id);
    expect(listed).toEqual(expect.arrayContaining(['i̇stanbul', 'がいご']));
    for (const id of listed) {
      const e = encodeURIComponent(id);
      const quotes = await rt.app.request(`/tags/${e}/quotes`);
      expect(quotes.status, `/tags/${id}/quotes`).toBe(200);
      const search = await rt.app.request(`/search?q=&tag=${e}`);
      expect(search.status, `/search?tag=${id}`).toBe(200);
    }
    for (const id of ['i̇stanbul', 'がいご']) {
      const e = encodeURIComponent(id);
      const tagged = (await (await rt.app.request(`/tags/${e}/quotes`)).json()) as {
        quotes: Array<{ quoteId: string }>;
      };
      expect(tagged.quotes.map((q) => q.quoteId)).toEqual(['base-t002']);
      const hits = (await (await rt.app.request(`/search?q=&tag=${e}`)).json()) as { total: number };
      expect(hits.total).toBe(1);
      const del = await rt.app.request(`/quotes/base-t002/tags/${e}`, { method: 'DELETE', headers: AUTH });
      expect(del.status, `DELETE …/tags/${id}`).toBe(200);
      expect(((await del.json()) as { tags: string[] }).tags).not.toContain(id);
    }
  });
});
