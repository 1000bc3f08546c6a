/**
 * Editors' tags are bounded: a quote or a person holds at most MAX_MANUAL_TAGS tags added by hand.
 * Without a bound, twenty tags a request added up without end: a quote of a real livedoor
 * interview reached 6,380 manual tags (one item of ~400 KB, DynamoDB's limit), and GET /tags,
 * which counts the people of every tag, took 5 min 48 s. Past the bound an edit is a 400 naming
 * it, and nothing changes (a bulk edit is refused before it writes any quote).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntervieweeProfile, QuoteDetail } from '../../lib/service.ts';
import { MAX_MANUAL_TAGS } from '../../lib/tags.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, closeRuntime, type embedded, runtimeWithKenji } from '../helpers/dynamo.ts';

type App = LocalRuntime['app'];
type Err = { error: { code: string; message: string; details?: Record<string, unknown> } };
const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };

async function send<T>(app: App, method: string, path: string, body: unknown, status = 200): Promise<T> {
  const res = await app.request(path, { method, headers: JSON_WRITE, body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  expect(res.status, `${method} ${path}: ${JSON.stringify(json).slice(0, 300)}`).toBe(status);
  return json;
}

async function get<T>(app: App, path: string): Promise<T> {
  const res = await app.request(path);
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

/** `n` distinct tag ids starting at `from`, in requests of at most 20 (the schema's bound). */
function batches(prefix: string, from: number, n: number): string[][] {
  const tags = Array.from({ length: n }, (_, i) => `${prefix}-${from + i}`);
  const out: string[][] = [];
  for (let i = 0; i < tags.length; i += 20) out.push(tags.slice(i, i + 20));
  return out;
}

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

beforeAll(async () => {
  ({ db, rt } = await runtimeWithKenji());
});
afterAll(() => closeRuntime(db, rt));

describe('manual tags are bounded', () => {
  it('a quote takes tags up to the bound; one more is a 400 naming it, and nothing changes', async () => {
    const q = 'kenji-t015';
    for (const tags of batches('hand', 0, MAX_MANUAL_TAGS))
      await send(rt.app, 'POST', `/quotes/${q}/tags`, { tags });
    const full = await get<QuoteDetail>(rt.app, `/quotes/${q}`);
    expect(full.manual.add.length).toBe(MAX_MANUAL_TAGS);
    // Confirming a tag it already has adds nothing: still fine at the bound.
    await send(rt.app, 'POST', `/quotes/${q}/tags`, { tags: ['hand-0'] });
    const e = await send<Err>(rt.app, 'POST', `/quotes/${q}/tags`, { tags: ['one-too-many'] }, 400);
    expect(e.error.code).toBe('validation_error');
    expect(e.error.message).toContain(String(MAX_MANUAL_TAGS));
    expect(e.error.details).toMatchObject({ limit: MAX_MANUAL_TAGS, quoteId: q });
    const after = await get<QuoteDetail>(rt.app, `/quotes/${q}`);
    expect(after.version).toBe(full.version);
    expect(after.tags).toEqual(full.tags);
    const tags = await get<{ tags: Array<{ id: string }> }>(rt.app, '/tags');
    expect(tags.tags.map((t) => t.id)).not.toContain('one-too-many');
  });

  it('a person takes tags up to the bound; one more is a 400, and nothing changes', async () => {
    const p = '/interviewees/kenji_camp';
    for (const tags of batches('own', 0, MAX_MANUAL_TAGS)) await send(rt.app, 'POST', `${p}/tags`, { tags });
    const full = await get<IntervieweeProfile>(rt.app, p);
    expect(full.manual.add.length).toBe(MAX_MANUAL_TAGS);
    const e = await send<Err>(rt.app, 'POST', `${p}/tags`, { tags: ['one-too-many'] }, 400);
    expect(e.error.code).toBe('validation_error');
    expect(e.error.details).toMatchObject({ limit: MAX_MANUAL_TAGS, personId: 'kenji_camp' });
    const after = await get<IntervieweeProfile>(rt.app, p);
    expect(after.version).toBe(full.version);
    expect(after.manual).toEqual(full.manual);
  });

  it('a bulk edit that would take any quote past the bound is refused before it writes a quote', async () => {
    const full = 'kenji-t015';
    const other = 'kenji-t017';
    const before = await get<QuoteDetail>(rt.app, `/quotes/${other}`);
    // The search matches both quotes; only the full one would pass the bound.
    const search = { q: '', interview: 'kenji' };
    const e = await send<Err>(rt.app, 'POST', '/bulk/tags', { search, add: ['bulk-extra'] }, 400);
    expect(e.error.code).toBe('validation_error');
    expect(e.error.details).toMatchObject({ limit: MAX_MANUAL_TAGS, quoteId: full });
    const after = await get<QuoteDetail>(rt.app, `/quotes/${other}`);
    expect(after.version).toBe(before.version);
    expect(after.tags).not.toContain('bulk-extra');
    // The preview says so too, instead of counting an edit that cannot be made.
    await send<Err>(rt.app, 'POST', '/bulk/tags', { search, add: ['bulk-extra'], dryRun: true }, 400);
  });
});
