/**
 * Hostile input through the real HTTP API (embedded store): at least 1,000 generated and
 * hand-written requests. Every one answers 2xx or 4xx with a JSON error, never 5xx; a rejected
 * write changes neither the store nor the index; nothing is echoed as HTML.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { ContractViolation } from '../helpers/contract.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let count = 0;

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client, { maxBodyBytes: 256 * 1024 });
  const ok = await rt.app.request('/interviews?id=base', {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: '聞き手：クラウドソーシングは使いますか？\n山田：ランサーズで受注しています。\n聞き手：時間配分は？\n山田：家事と両立しています。',
  });
  expect(ok.status).toBe(201);
});
afterAll(async () => {
  await db.close();
  expect(count).toBeGreaterThanOrEqual(1000);
});

async function state(): Promise<string> {
  const list = await rt.store.listInterviews({ limit: 100 });
  return JSON.stringify([
    list.items.map((i) => [i.id, i.version, i.tags]),
    rt.indexer.index.stats,
    rt.indexer.index.search({ q: 'ランサーズ' }).total,
  ]);
}

/** Sends a request and checks the invariants; returns the status. */
async function probe(
  method: string,
  path: string,
  init: { body?: string | Uint8Array; type?: string; auth?: boolean } = {},
): Promise<number> {
  count++;
  const isWrite = method !== 'GET';
  const before = isWrite ? await state() : '';
  let res: Response;
  try {
    const headers: Record<string, string> = {};
    if (init.auth !== false) Object.assign(headers, AUTH);
    if (init.type) headers['content-type'] = init.type;
    res = await rt.app.request(path, {
      method,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  } catch (e) {
    if (e instanceof ContractViolation) throw e;
    // Only a URL the fetch API itself refuses may throw before reaching the app.
    expect(String(e)).toMatch(/URL|Invalid/);
    return 0;
  }
  expect(res.status, `${method} ${path.slice(0, 80)}`).toBeLessThan(500);
  const type = res.headers.get('content-type') ?? '';
  expect(type, `${method} ${path.slice(0, 80)}`).toContain('application/json');
  const text = await res.text();
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
    if (isWrite) expect(await state(), `${method} ${path.slice(0, 80)} changed state`).toBe(before);
  }
  return res.status;
}

/** Percent-encodes anything, lone surrogates included (as a client with raw bytes would). */
function encodePath(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u200B\u200D\uFEFF',
  '\u202Eevil',
  '\uD800',
  '\uDFFF',
  '🐰'.repeat(50),
  'e\u0301\u0301\u0301',
  '<script>alert(1)</script>',
  '"; DROP TABLE x; --',
  '#pk = :v OR attribute_exists(sk)',
  'IV#base',
  'QUOTE#base-t002',
  '../../etc/passwd',
  '..%2F..%2Fetc',
  '%00',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a regex/template metacharacter probe, on purpose
  '.*+?^${}()|[]\\',
  'ｃｒｏｗｄｓｏｕｒｃｉｎｇ',
  'сrowdsourcing',
  'a'.repeat(10_000),
  'クラウド '.repeat(1000),
);
const anyText = fc.oneof(
  nasty,
  fc.string({ maxLength: 200, unit: 'grapheme' }),
  fc.string({ maxLength: 50, unit: 'binary' }),
);

describe('hostile input', () => {
  it('search and reads: any query string answers 2xx/4xx JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyText,
        anyText,
        fc.constantFrom(
          'q',
          'tag',
          'limit',
          'cursor',
          'speaker',
          'match',
          'from',
          'interviewee',
          'interview',
        ),
        async (a, b, key) => {
          const qs = new URLSearchParams({ q: a, [key]: b }).toString();
          await probe('GET', `/search?${qs}`);
          await probe('GET', `/suggest?${new URLSearchParams({ q: a })}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ids and tags in paths: traversal, expression look-alikes, confusables', async () => {
    const paths = (s: string) => {
      const e = encodePath(s);
      return [
        ['GET', `/interviews/${e}`],
        ['GET', `/interviewees/${e}`],
        ['GET', `/quotes/${e}`],
        ['GET', `/tags/${e}/quotes`],
        ['DELETE', `/interviews/${e}`],
        ['DELETE', `/quotes/base-t002/tags/${e}`],
        ['POST', `/tags/${e}/merge`],
      ] as const;
    };
    await fc.assert(
      fc.asyncProperty(anyText, async (s) => {
        for (const [m, p] of paths(s))
          await probe(
            m,
            p,
            m === 'POST' ? { body: JSON.stringify({ into: s }), type: 'application/json' } : {},
          );
      }),
      { numRuns: 80 },
    );
  });

  it('JSON bodies: malformed, truncated, wrong types, missing fields, duplicates', async () => {
    const bodies = fc.oneof(
      anyText,
      fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
      fc.anything().map((v) => {
        try {
          return JSON.stringify(v) ?? 'null';
        } catch {
          return '{';
        }
      }),
      fc
        .record({
          tags: fc.array(anyText, { maxLength: 30 }),
          expectedVersion: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        })
        .map((r) => JSON.stringify(r)),
      fc
        .record({
          title: anyText,
          turns: fc.array(fc.record({ speaker: anyText, text: anyText, role: fc.string() }), {
            maxLength: 5,
          }),
        })
        .map((r) => JSON.stringify(r)),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        await probe('POST', '/quotes/base-t002/tags', { body, type: 'application/json' });
        await probe('PUT', '/interviewees/yamada/tags', { body, type: 'application/json' });
        await probe('POST', '/interviews?id=hostile-json', { body, type: 'application/json' });
      }),
      { numRuns: 120 },
    );
  });

  it('transcripts: empty, whitespace, control characters, invalid UTF-8, huge lines', async () => {
    const transcripts = fc.oneof(
      anyText,
      fc
        .array(fc.oneof(anyText, fc.constantFrom('聞き手：', '——', '名前：', '\t', '**A**：')), {
          maxLength: 40,
        })
        .map((a) => a.join('\n')),
      fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([0xff, 0xfe, ...b])),
    );
    await fc.assert(
      fc.asyncProperty(
        transcripts,
        fc.constantFrom('auto', 'blog', 'dash', 'prefixed', 'tsv', 'markdown', 'json', 'nope'),
        async (body, format) => {
          await probe('POST', `/interviews?id=hostile&format=${format}`, {
            body: body as string | Uint8Array,
            type: 'text/plain',
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('hand-written cases: sizes, auth, content types, 10k-turn transcripts', async () => {
    const big = 'x'.repeat(300 * 1024);
    expect(await probe('POST', '/interviews', { body: big, type: 'text/plain' })).toBe(413);
    expect(
      await probe('POST', '/interviews', {
        body: `聞き手：${'長'.repeat(200_000)}？\n山田：はい`,
        type: 'text/plain',
      }),
    ).toBe(413);
    const manyTurns = Array.from({ length: 10_001 }, (_, i) =>
      i % 2 ? `山田：答え${i}` : `聞き手：問${i}`,
    ).join('\n');
    expect([413, 422]).toContain(
      await probe('POST', '/interviews?id=many', { body: manyTurns, type: 'text/plain' }),
    );
    expect(await probe('POST', '/interviews', { body: '   \n\t ', type: 'text/plain' })).toBe(422);
    expect(await probe('POST', '/interviews', { body: 'x', type: 'application/xml' })).toBe(415);
    expect(await probe('POST', '/interviews', { body: 'x', type: 'text/plain', auth: false })).toBe(401);
    expect(await probe('DELETE', '/interviews/base', { auth: false })).toBe(401);
    expect(await probe('GET', `/search?q=${'a%20'.repeat(1000)}`)).toBe(400);
    expect(await probe('GET', `/search?${'tag=a&'.repeat(100)}`)).toBe(400);
    expect(await probe('GET', '/search?q=%E3%81')).toBeLessThan(500);
    for (let i = 0; i < 20; i++)
      await probe('GET', `/search?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}&limit=${i}`);
  });

  it('never renders stored text as HTML in highlights', async () => {
    await rt.app.request('/interviews?id=xss', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: '聞き手：<b>介護</b>は？\n山田：<script>alert("介護")</script>です。',
    });
    const page = (await (
      await rt.app.request(`/search?q=${encodeURIComponent('介護')}&interview=xss`)
    ).json()) as { hits: Array<{ highlight: { html: string } }> };
    for (const h of page.hits) expect(h.highlight.html).not.toMatch(/<(?!\/?mark>)/);
  });
});
