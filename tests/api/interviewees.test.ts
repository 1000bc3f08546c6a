/**
 * `GET /interviewees` pages read the interviews each person speaks in from the index's people
 * (one batch for the page), not a store query per person: every profile on a page must be the
 * one `GET /interviewees/{id}` (a query of the store's appearance items) and `?tag=` (the
 * store's tag memberships) answer — interviews in the same order, tags with corrections, the
 * same evidence — after re-ingests and edits too.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntervieweeProfile } from '../../lib/service.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type List = { interviewees: IntervieweeProfile[]; nextCursor: string | null };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

const get = async <T>(path: string): Promise<T> => {
  const res = await rt.app.request(path, { headers: AUTH });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};
const send = async (method: string, path: string, body: unknown) => {
  const res = await rt.app.request(path, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'editor-a' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
};
const ingest = async (id: string, text: string) => {
  const res = await rt.app.request(`/interviews?id=${id}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: text,
  });
  expect(res.status).toBeLessThan(300);
};

/** Every page of the unfiltered listing, `limit` people at a time. */
async function listing(limit: number): Promise<IntervieweeProfile[]> {
  const out: IntervieweeProfile[] = [];
  let cursor: string | null = null;
  do {
    const page: List = await get<List>(
      `/interviewees?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.interviewees);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Each listed profile against the person's own profile, read through the store's appearances. */
async function expectListingMatchesProfiles(): Promise<IntervieweeProfile[]> {
  const listed = await listing(3);
  expect(listed.length).toBeGreaterThan(3);
  for (const p of listed) expect(p, p.id).toEqual(await get<IntervieweeProfile>(`/interviewees/${p.id}`));
  return listed;
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  for (const file of readdirSync(samplesDir).filter((f) => /^\d\d-/.test(f)))
    await ingest(file.replace(/\.\w+$/, ''), read(join(samplesDir, file)));
  await rt.flush();
});
afterAll(async () => {
  await rt?.close();
  await db?.close();
});

describe('GET /interviewees pages', () => {
  it('answer what each person’s own profile answers, a person of two interviews newest first', async () => {
    const listed = await expectListingMatchesProfiles();
    const haruka = listed.find((p) => p.id === 'haruka_nw');
    expect(haruka?.interviews.map((i) => i.id)).toEqual(['02-blog-haruka-2', '01-blog-haruka-1']);
    expect(haruka?.tags.length).toBeGreaterThan(0);
  });

  it('count a quote’s correction and a person’s own tags as the store’s tag listing does', async () => {
    const haruka = await get<IntervieweeProfile>('/interviewees/haruka_nw');
    const quote = haruka.evidence[0];
    expect(quote).toBeDefined();
    await send('POST', `/quotes/${quote?.quoteId}/tags`, { tags: ['夜勤'] });
    await send('POST', '/interviewees/haruka_nw/tags', { tags: ['二刀流'] });
    const listed = await expectListingMatchesProfiles();
    const after = listed.find((p) => p.id === 'haruka_nw');
    expect(after?.tags.find((t) => t.id === '夜勤')?.quotes).toBe(1);
    expect(after?.tags.some((t) => t.id === '二刀流')).toBe(true);
    const tagged = await get<List>('/interviewees?tag=%E5%A4%9C%E5%8B%A4');
    expect(tagged.interviewees).toEqual([after]);
  });

  it('drop an interview a person no longer speaks in after a re-ingest', async () => {
    const text = read(join(samplesDir, '02-blog-haruka-2.txt'))
      .replace(/はるか/g, 'さくら')
      .replace(/haruka_nw/g, 'sakura_nw');
    await ingest('02-blog-haruka-2', text);
    await rt.flush();
    const listed = await expectListingMatchesProfiles();
    expect(listed.find((p) => p.id === 'haruka_nw')?.interviews.map((i) => i.id)).toEqual([
      '01-blog-haruka-1',
    ]);
    expect(listed.find((p) => p.id === 'sakura_nw')?.interviews.map((i) => i.id)).toEqual([
      '02-blog-haruka-2',
    ]);
  });
});
