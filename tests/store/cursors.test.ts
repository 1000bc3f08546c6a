/**
 * Page cursors through the HTTP API (issue 11 §3): on every paged route a cursor is honoured only
 * if that very request issued it. Forged, truncated, cross-route and cross-tag cursors answer 400
 * validation_error — never a 500 from DynamoDB rejecting the start key — and random cursors never
 * answer 5xx.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../lib/store/cursor.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { read, samplesDir } from '../helpers/shared.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

/** Paged routes, each with the field holding its items. */
const ROUTES: Array<{ name: string; path: string; field: string }> = [
  { name: 'interviews', path: '/interviews?', field: 'interviews' },
  { name: 'interviews by tag', path: '/interviews?tag=family-partner&', field: 'interviews' },
  { name: 'interviews by interviewee', path: '/interviews?interviewee=haruka_nw&', field: 'interviews' },
  { name: 'quotes with a tag', path: '/tags/family-partner/quotes?', field: 'quotes' },
  { name: 'quotes with another tag', path: '/tags/crowdsourcing/quotes?', field: 'quotes' },
  { name: 'interviewees', path: '/interviewees?', field: 'interviewees' },
  { name: 'interviewees by tag', path: '/interviewees?tag=money-income&', field: 'interviewees' },
  { name: 'search', path: `/search?q=${encodeURIComponent('仕事')}&`, field: 'hits' },
];

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await rt.app.request(path);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const cursorOf = async (path: string) => {
  const r = await get(`${path}limit=1`);
  expect(r.status, path).toBe(200);
  const c = r.body.nextCursor;
  expect(typeof c, `${path} has a second page`).toBe('string');
  return c as string;
};

function expectValidationError(r: { status: number; body: Record<string, unknown> }, what: string) {
  expect(r.status, what).toBe(400);
  expect((r.body.error as { code?: string } | undefined)?.code, what).toBe('validation_error');
}

const cursors = new Map<string, string>();

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  for (const f of [
    '01-blog-haruka-1.txt',
    '02-blog-haruka-2.txt',
    '03-blog-kenji.txt',
    '04-dash-yuki.txt',
    '05-dash-sora.txt',
  ]) {
    const r = await rt.app.request(`/interviews?id=${f.replace(/\.[a-z]+$/, '')}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, f)),
    });
    expect(r.status).toBe(201);
  }
  for (const route of ROUTES) cursors.set(route.name, await cursorOf(route.path));
});
afterAll(async () => db.close());

describe('page cursors on every paged route', () => {
  it.each(ROUTES)('$name: pages with limit=1 visit exactly what one page of 100 shows', async (route) => {
    const all = (await get(`${route.path}limit=100`)).body[route.field] as unknown[];
    const paged: unknown[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 200; i++) {
      const page = await get(`${route.path}limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...(page.body[route.field] as unknown[]));
      cursor = page.body.nextCursor as string | null;
      if (!cursor) break;
    }
    expect(paged.length).toBeGreaterThan(1);
    expect(JSON.stringify(paged)).toBe(JSON.stringify(all));
  });

  it.each(ROUTES)('$name: the forged cursor of the report answers 400', async (route) => {
    // {"pk":"IV#x"}: reached DynamoDB as an invalid start key and answered 500.
    expectValidationError(await get(`${route.path}cursor=eyJwayI6IklWI3gifQ`), route.name);
    // A start key of the old format naming an interview head.
    const oldFormat = Buffer.from(
      JSON.stringify({ pk: 'IV#x', sk: 'HEAD', gsi1pk: 'INTERVIEWS', gsi1sk: '2020-01-01#x' }),
    ).toString('base64url');
    expectValidationError(await get(`${route.path}cursor=${oldFormat}`), route.name);
  });

  it.each(ROUTES)('$name: a truncated cursor answers 400', async (route) => {
    const c = cursors.get(route.name) as string;
    for (const cut of [1, 2, 3, 5, Math.floor(c.length / 2)])
      expectValidationError(
        await get(`${route.path}cursor=${c.slice(0, c.length - cut)}`),
        `${route.name} -${cut}`,
      );
  });

  it.each(ROUTES)('$name: a cursor of another route answers 400', async (route) => {
    for (const [other, c] of cursors) {
      if (other === route.name) continue;
      expectValidationError(await get(`${route.path}cursor=${c}`), `${other} → ${route.name}`);
    }
  });

  it('store cursors name start keys only through the key builders: forged parts answer 400', async () => {
    // The right scope, parts that would smuggle another key kind or partition.
    const quotes = ROUTES[3] as (typeof ROUTES)[number];
    for (const parts of [
      ['x', '00000001-abc', 'x-t001', 'extra'],
      ['x#HEAD', '00000001-abc', 'x-t001'],
      ['x', 'HEAD', 'x-t001'],
      ['x', '00000001-abc', 'x-t001#other-tag'],
      ['', '00000001-abc', 'x-t001'],
    ]) {
      const forged = encodeCursor('QTAG#family-partner', parts);
      expectValidationError(await get(`${quotes.path}cursor=${forged}`), parts.join('|'));
    }
    for (const parts of [['2024-01-01', 'x#y'], ['', 'x'], ['2024#01', 'x'], ['2024-01-01']]) {
      const forged = encodeCursor('INTERVIEWS', parts);
      expectValidationError(await get(`/interviews?cursor=${forged}`), parts.join('|'));
    }
    // Well-formed parts of a key that does not exist: a valid place to start (200).
    const nowhere = encodeCursor('QTAG#family-partner', ['zz', '00000009-abc', 'zz-t001']);
    expect((await get(`${quotes.path}cursor=${nowhere}`)).status).toBe(200);
    expect(
      (await get(`/interviews?cursor=${encodeCursor('INTERVIEWS', ['1999-01-01T00:00:00.000Z', 'zz'])}`))
        .status,
    ).toBe(200);
  });

  it('random cursors never answer 5xx on any paged route', async () => {
    const valid = [...cursors.values()];
    const decoded = valid
      .map((c) => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown)
      .filter((v): v is string[] => Array.isArray(v));
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const cursor = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,400}$/),
      fc.json({ maxDepth: 3 }).map(b64),
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }).map((a) => b64(JSON.stringify(a))),
      // A real scope digest with made-up parts: reaches each route's own cursor checks.
      fc
        .tuple(fc.constantFrom(...decoded), fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 }))
        .map(([[digest], parts]) => b64(JSON.stringify([digest, ...parts]))),
      fc
        .tuple(
          fc.constantFrom(...decoded),
          fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), { maxLength: 4 }),
        )
        .map(([[digest], parts]) => b64(JSON.stringify([digest, ...parts]))),
      // Real cursors, cut or with one character changed.
      fc
        .tuple(fc.constantFrom(...valid), fc.nat(), fc.constantFrom(...'AZaz09_-'))
        .map(([c, i, ch]) => `${c.slice(0, i % c.length)}${ch}${c.slice((i % c.length) + 1)}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), cursor, async (route, c) => {
        const r = await get(`${route.path}limit=2&cursor=${encodeURIComponent(c)}`);
        expect(r.status, `${route.name} ${c}`).toBeLessThan(500);
        if (r.status !== 200) expectValidationError(r, `${route.name} ${c}`);
      }),
      { numRuns: 400 },
    );
  });
});
