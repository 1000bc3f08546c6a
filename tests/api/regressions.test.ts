/** Regressions for bugs found by the API tests (each failed before its fix). */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { read, samplesDir } from '../helpers/shared.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
const SAMPLES = [
  '01-blog-haruka-1.txt',
  '02-blog-haruka-2.txt',
  '03-blog-kenji.txt',
  '04-dash-yuki.txt',
  '07-prefixed-names.txt',
];

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  for (const f of SAMPLES) {
    const r = await rt.app.request(`/interviews?id=${f.replace(/\.[a-z]+$/, '')}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, f)),
    });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => db.close());

async function json<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const r = await rt.app.request(path, init);
  return { status: r.status, body: (await r.json()) as T };
}

describe('regressions', () => {
  it('pages the tag-filtered interview list without skipping matches', async () => {
    type Page = { interviews: Array<{ id: string }>; nextCursor: string | null };
    const all = (await json<Page>('/interviews?tag=family-partner&limit=100')).body.interviews.map(
      (i) => i.id,
    );
    expect(all.length).toBeGreaterThan(2);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page } = await json<Page>(
        `/interviews?tag=family-partner&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.body.interviews.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it('rejects a search cursor from a query that differs only late (speaker, match)', async () => {
    type Page = { nextCursor: string | null };
    const q = encodeURIComponent('仕事');
    const first = await json<Page>(`/search?q=${q}&limit=2&speaker=interviewee`);
    expect(first.body.nextCursor).not.toBeNull();
    const other = await json<{ error: { code: string } }>(
      `/search?q=${q}&limit=2&speaker=interviewer&cursor=${first.body.nextCursor}`,
    );
    expect(other.status).toBe(400);
    const tagged = await json<Page>('/search?q=&tag=family-partner&tag=money-income&match=any&limit=1');
    const all = await json<{ error: { code: string } }>(
      `/search?q=&tag=family-partner&tag=money-income&match=all&limit=1&cursor=${tagged.body.nextCursor}`,
    );
    expect(all.status).toBe(400);
  });

  it('answers 400 to interview JSON of the wrong shape and invalid_json to malformed JSON', async () => {
    const wrong = await json<{ error: { code: string } }>('/interviews', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('validation_error');
    const malformed = await json<{ error: { code: string } }>('/interviews', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
  });

  it('reports merged tags in the ingest response', async () => {
    const merge = await rt.app.request('/tags/care-anxiety/merge', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ into: 'kaigo' }),
    });
    expect(merge.status).toBe(200);
    const again = await json<{ tags: string[] }>('/interviews?id=03-blog-kenji', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, '03-blog-kenji.txt')),
    });
    expect(again.status).toBe(200);
    expect(again.body.tags).toContain('kaigo');
    expect(again.body.tags).not.toContain('care-anxiety');
  });

  it('gives interviewee evidence for the tags with the most quotes, labelled with the tag', async () => {
    const p = await json<{
      tags: Array<{ id: string; quotes: number; source: string }>;
      evidence: Array<{ tags: string[] }>;
    }>('/interviewees/haruka_nw');
    const top = p.body.tags
      .filter((t) => t.source === 'topic')
      .slice(0, 3)
      .map((t) => t.id);
    expect(p.body.evidence.map((e) => e.tags[0])).toEqual(top);
  });
});
