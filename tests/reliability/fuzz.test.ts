/**
 * Schema-driven fuzzing of every operation in the OpenAPI document (issue 11 §8): requests are
 * generated from each operation's declared path, query and body schemas — mostly valid, then
 * mutated (a required field dropped, a wrong type, an unknown key, hostile strings, another
 * content type, no token). Every response must be declared by the document (the contract check
 * of tests/helpers/contract.ts runs on each), none may be a 5xx, and a rejected write must leave
 * the store and the index exactly as they were. Bounded: RUNS (25) requests per operation.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/api/openapi.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

const RUNS = 25;
/** Generous: 25 writes with state checks take seconds alone, and CI shares the machine. */
const TIMEOUT_MS = 300_000;

type Schema = Record<string, unknown>;
type Param = { name: string; in: 'path' | 'query'; required: boolean; schema: Schema };
type Operation = {
  parameters: Param[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
};

const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
);

const NASTY = [
  '',
  ' ',
  '\u0000',
  '\u200B',
  '\uD800',
  'İstanbul',
  'か\u3099',
  '../../etc/passwd',
  '#pk = :v',
  'IV#base',
  '<script>alert(1)</script>',
  'a'.repeat(300),
  '-1',
  '1e309',
  'null',
  '[[[[[[[[',
  'base',
  'base-t002',
  'crowdsourcing',
];
const nasty = fc.constantFrom(...NASTY);

/** Values of a JSON Schema (the subset zod emits), mostly valid. */
function instanceOf(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  for (const k of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(s[k])) return fc.oneof(...(s[k] as Schema[]).map((x) => instanceOf(x, depth + 1)));
  if (Array.isArray(s.type))
    return fc.oneof(...(s.type as string[]).map((t) => instanceOf({ ...s, type: t }, depth + 1)));
  switch (s.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -5;
      const max = typeof s.maximum === 'number' ? Math.min(s.maximum, min + 1000) : min + 1000;
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'string': {
      if (s.format === 'date-time')
        return fc.constantFrom('2025-01-02T03:04:05Z', '2024-12-31T00:00:00+09:00');
      if (s.format === 'uri')
        return fc.constantFrom('https://a.example/x/page.html', 'http://b.example/detail/1');
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      const max = Math.max(min, Math.min(typeof s.maxLength === 'number' ? s.maxLength : 40, 40));
      if (typeof s.pattern === 'string')
        return fc
          .stringMatching(new RegExp(s.pattern, 'u'))
          .filter((x) => x.length >= min && x.length <= max);
      return fc.oneof(
        fc.string({ minLength: Math.max(min, 1), maxLength: max }),
        fc.constantFrom('クラウドソーシング', '山田', '副業', 'tools'),
      );
    }
    case 'array': {
      const items = (s.items as Schema | undefined) ?? {};
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const max = Math.max(min, Math.min(typeof s.maxItems === 'number' ? s.maxItems : 3, 3));
      return fc.array(instanceOf(items, depth + 1), { minLength: min, maxLength: max });
    }
    case 'object': {
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      const required = (s.required as string[] | undefined) ?? [];
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = instanceOf(v, depth + 1);
      return fc.record(record, { requiredKeys: required });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mostly-valid values, and mutations of them. */
function fuzzed(s: Schema): fc.Arbitrary<unknown> {
  const valid = instanceOf(s);
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    {
      weight: 1,
      arbitrary: valid.map((v) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? { ...(v as object), unexpected: { nested: [[['x']]] } }
          : v,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => {
        if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
        const keys = Object.keys(v);
        const drop = keys[n % Math.max(1, keys.length)];
        const { [drop as string]: _, ...rest } = v as Record<string, unknown>;
        return rest;
      }),
    },
    { weight: 1, arbitrary: nasty },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

const asString = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const TRANSCRIPTS = [
  '聞き手：副業は何をしていますか？\n山田：クラウドソーシングで翻訳を受注しています。',
  '# タイトル\n\n**聞き手**：時間配分は？\n\n**山田**：家事と両立しています。',
  '——介護の仕事はどうですか？\n山田：大変ですがやりがいがあります。',
  '聞き手\tはい\n山田\tどうも',
  '',
  '   \n\t',
];

/** A request for one operation: method, URL, headers, body. */
function request(path: string, method: string, op: Operation) {
  const params = op.parameters ?? [];
  const pathArb = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === 'path')
        .map((p) => [
          p.name,
          fc.oneof({ weight: 3, arbitrary: instanceOf(p.schema) }, { weight: 2, arbitrary: nasty }),
        ]),
    ),
  );
  const queryArb = fc.array(
    fc.oneof(
      ...params.filter((p) => p.in === 'query').map((p) => fuzzed(p.schema).map((v) => [p.name, v] as const)),
      fc.tuple(fc.constantFrom('unknown', 'cursor', 'limit'), nasty),
    ),
    { maxLength: 4 },
  );
  const types = Object.keys(op.requestBody?.content ?? {});
  const jsonSchema = op.requestBody?.content['application/json']?.schema;
  const bodyArb: fc.Arbitrary<{ type: string | null; body: string | null }> = op.requestBody
    ? fc.oneof(
        ...(jsonSchema
          ? [
              {
                weight: 4,
                arbitrary: fuzzed(jsonSchema).map((v) => ({
                  type: 'application/json',
                  body: JSON.stringify(v) ?? 'null',
                })),
              },
            ]
          : []),
        ...(types.some((t) => t.startsWith('text/'))
          ? [
              {
                weight: 3,
                arbitrary: fc
                  .tuple(
                    fc.constantFrom(...types.filter((t) => t.startsWith('text/'))),
                    fc.oneof(fc.constantFrom(...TRANSCRIPTS), fc.string({ maxLength: 200 }), nasty),
                  )
                  .map(([type, body]) => ({ type, body })),
              },
            ]
          : []),
        {
          weight: 1,
          arbitrary: fc.record({
            type: fc.constantFrom('application/xml', 'multipart/form-data', 'application/json', null),
            body: fc.oneof(nasty, fc.constant('{"a":'), fc.constant(null)),
          }),
        },
      )
    : fc.constant({ type: null, body: null });
  // Most requests carry the token, so they reach validation; one in five does not (401 paths).
  const authArb = fc.nat(4).map((n) => n > 0);
  return fc.record({ pathValues: pathArb, query: queryArb, body: bodyArb, auth: authArb }).map((r) => {
    let url = path.replace(/\{(\w+)\}/g, (_, name: string) => encode(asString(r.pathValues[name])));
    const qs = r.query.map(([k, v]) =>
      Array.isArray(v)
        ? v.map((x) => `${k}=${encode(asString(x))}`).join('&')
        : `${k}=${encode(asString(v))}`,
    );
    if (qs.length > 0) url += `?${qs.join('&')}`;
    const headers: Record<string, string> = {};
    if (r.auth) Object.assign(headers, AUTH);
    if (r.body.type) headers['content-type'] = r.body.type;
    return { method, url, headers, body: method === 'GET' || method === 'DELETE' ? null : r.body.body };
  });
}

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let sent = 0;

async function seed(): Promise<void> {
  for (const [id, body] of [
    ['base', TRANSCRIPTS[0] as string],
    ['other', '聞き手：介護の仕事はどうですか？\n佐藤：大変ですがやりがいがあります。'],
  ]) {
    if ((await rt.app.request(`/interviews/${id}`)).status === 200) continue;
    const res = await rt.app.request(`/interviews?id=${id}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body,
    });
    expect(res.status).toBe(201);
  }
}

/** Everything a rejected write must leave alone. */
async function state(): Promise<string> {
  const list = await rt.store.listInterviews({ limit: 100 });
  const quotes = await Promise.all(['base-t002', 'other-t002'].map((q) => rt.store.getQuoteTags(q)));
  return JSON.stringify([
    list.items.map((i) => [i.id, i.version, i.updatedAt, i.tags]),
    quotes.map((q) => [q.add, q.remove, q.version]),
    [...(await rt.store.aliases())],
    rt.indexer.index.stats,
  ]);
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client, { maxBodyBytes: 64 * 1024 });
  await seed();
});
afterAll(async () => {
  await rt.close();
  await db.close();
  expect(sent).toBeGreaterThanOrEqual(operations.length * RUNS);
});

describe('schema-driven fuzzing of every operation', () => {
  it('covers every operation of the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
  });

  for (const { path, method, op } of operations) {
    it(
      `${method} ${path}: never 5xx, always as documented, a rejected write changes nothing`,
      async () => {
        await fc.assert(
          fc.asyncProperty(request(path, method, op), async (req) => {
            const write = method !== 'GET';
            const before = write ? await state() : '';
            sent++;
            const res = await rt.app.request(req.url, {
              method: req.method,
              headers: req.headers,
              ...(req.body !== null ? { body: req.body } : {}),
            });
            const text = await res.text();
            expect(res.status, `${req.method} ${req.url.slice(0, 120)} → ${text.slice(0, 200)}`).toBeLessThan(
              500,
            );
            if (write && res.status >= 400)
              expect(await state(), `${req.method} ${req.url} changed state`).toBe(before);
            // An accepted write may start a background job (a topic edit re-scores every interview):
            // let it finish, or it changes the state the next rejected request is compared against.
            if (write && res.status < 300) await rt.jobs.idle();
            // Successful deletes and merges may remove what later requests aim at: put it back.
            if (write && res.status < 300) await seed();
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT_MS,
    );
  }
});
