/**
 * The HTTP API end to end: every route through `app.request()` of the real Hono app, wired by
 * the local runtime to an embedded dynalite (real DynamoDB protocol, no mocks). Error paths,
 * headers and CORS are in errors.test.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Interview, Turn } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import type { SearchPage } from '../../lib/search/index.ts';
import type { IngestResult, IntervieweeProfile, QuoteView, TagSummary } from '../../lib/service.ts';
import type { InterviewSummary } from '../../lib/store/port.ts';
import type { Topic } from '../../lib/taxonomy/index.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { runJob } from '../helpers/jobs.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type App = LocalRuntime['app'];
type Health = { status: string; index: { snapshotId: string | null; quotes: number; interviews: number } };
type InterviewView = Omit<Interview, 'turns'> & {
  version: number;
  createdAt: string;
  updatedAt: string;
  turns: Array<Turn & { tags: string[] }>;
};
type QuoteDetail = QuoteView & { version: number; autoTags: string[] };
type TagRow = TagSummary;
type TagQuotes = { tag: string; quotes: QuoteView[]; nextCursor: string | null };
/** What a read filtered by a merged-away tag adds. */
type Resolved = { resolved?: Record<string, string> };
type InterviewList = { interviews: InterviewSummary[]; nextCursor: string | null };
type IntervieweeList = { interviewees: IntervieweeProfile[]; nextCursor: string | null };
type Suggest = {
  q: string;
  terms: Array<{ text: string; quotes: number }>;
  tags: Array<{ id: string; label: string; labelEn: string }>;
};

const TEXT = { ...AUTH, 'content-type': 'text/plain; charset=utf-8' };
const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };

function sample(file: string): string {
  return read(join(samplesDir, file));
}

/** A path with a query string (repeated keys allowed; Japanese values are URL-encoded). */
function url(path: string, params: Array<[string, string | number]> = []): string {
  const qs = new URLSearchParams(params.map(([k, v]): [string, string] => [k, String(v)])).toString();
  return qs ? `${path}?${qs}` : path;
}

/** GET that must answer 200; returns the parsed body. */
async function getJson<T>(app: App, path: string): Promise<T> {
  const res = await app.request(path);
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

async function ingestText(app: App, id: string, file: string, contentType = 'text/plain') {
  const res = await app.request(url('/interviews', [['id', id]]), {
    method: 'POST',
    headers: { ...AUTH, 'content-type': contentType },
    body: sample(file),
  });
  return { status: res.status, body: (await res.json()) as IngestResult };
}

/** Follows nextCursor until the end; returns every page's items in order. */
async function collectPages<T>(
  app: App,
  path: string,
  params: Array<[string, string | number]>,
  items: (body: unknown) => T[],
): Promise<{ all: T[]; pages: number }> {
  const all: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const body: { nextCursor: string | null } = await getJson(
      app,
      url(path, cursor ? [...params, ['cursor', cursor]] : params),
    );
    all.push(...items(body));
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  expect(cursor, 'paging ended').toBeNull();
  return { all, pages };
}

let db: Awaited<ReturnType<typeof embedded>>;
/** Shared runtime with samples 01–05 (text/plain) and 09 (text/markdown). */
let rt: LocalRuntime;
let app: App;

const SEEDED: Array<[string, string, string]> = [
  ['01-blog-haruka-1', '01-blog-haruka-1.txt', 'text/plain'],
  ['02-blog-haruka-2', '02-blog-haruka-2.txt', 'text/plain'],
  ['03-blog-kenji', '03-blog-kenji.txt', 'text/plain'],
  ['04-dash-yuki', '04-dash-yuki.txt', 'text/plain'],
  ['05-dash-sora', '05-dash-sora.txt', 'text/plain'],
  ['09-markdown-mei', '09-markdown-mei.md', 'text/markdown'],
];

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  app = rt.app;
  for (const [id, file, type] of SEEDED) {
    const r = await ingestText(app, id, file, type);
    if (r.status !== 201) throw new Error(`seeding ${id} answered ${r.status}`);
  }
});
afterAll(async () => {
  await rt.flush();
  await db.close();
});

describe('GET /health', () => {
  it('answers status ok with index counts that follow ingests and deletes', async () => {
    const fresh = await runtime(db.client);
    const empty = await getJson<Health>(fresh.app, '/health');
    expect(empty.status).toBe('ok');
    expect(empty.index).toMatchObject({ quotes: 0, interviews: 0 });

    expect((await ingestText(fresh.app, 'yuki', '04-dash-yuki.txt')).status).toBe(201);
    const one = await getJson<Health>(fresh.app, '/health');
    expect(one).toMatchObject({ status: 'ok', index: { quotes: 21, interviews: 1 } });

    expect((await ingestText(fresh.app, 'kenji', '03-blog-kenji.txt')).status).toBe(201);
    expect((await getJson<Health>(fresh.app, '/health')).index).toMatchObject({ quotes: 45, interviews: 2 });

    const del = await fresh.app.request('/interviews/yuki', { method: 'DELETE', headers: AUTH });
    expect(del.status).toBe(200);
    expect((await getJson<Health>(fresh.app, '/health')).index).toMatchObject({ quotes: 24, interviews: 1 });
    await fresh.flush();
  });
});

describe('GET / as JSON', () => {
  it('answers 404 JSON pointing a client at /openapi.json (the root is the console page for browsers)', async () => {
    const res = await app.request('/', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('/openapi.json');
    const other = (await (await app.request('/nowhere')).json()) as { error: { message: string } };
    expect(other.error.message).toBe('no route for GET /nowhere');
  });
});

describe('POST /interviews and PUT /interviews/{id}', () => {
  let w: LocalRuntime;
  beforeAll(async () => {
    w = await runtime(db.client);
  });
  afterAll(async () => w.flush());

  it('creates an interview from a text/plain transcript under the ?id= and answers 201', async () => {
    const { status, body } = await ingestText(w.app, 'yuki', '04-dash-yuki.txt', 'text/plain; charset=utf-8');
    expect(status).toBe(201);
    expect(Object.keys(body).sort()).toEqual(['created', 'id', 'interviewee', 'quotes', 'tags', 'version']);
    expect(body).toMatchObject({ id: 'yuki', created: true, version: 1, quotes: 21 });
    expect(body.interviewee).toEqual({ id: expect.stringMatching(/^p-/), name: '小林由紀', handle: null });
    expect(body.tags).toContain('money-income');
    expect(body.tags).toEqual([...body.tags].sort());

    const stored = await getJson<InterviewView>(w.app, '/interviews/yuki');
    expect(stored.id).toBe('yuki');
    expect(stored.format).toBe('dash');
    expect(stored.turns).toHaveLength(21);
    expect(stored.turns[0]?.id).toBe('yuki-t001');
  });

  it('replaces the interview posted again under the same id and answers 200 with the next version', async () => {
    const { status, body } = await ingestText(w.app, 'yuki', '04-dash-yuki.txt');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'yuki', created: false, version: 2, quotes: 21 });
    expect((await getJson<InterviewView>(w.app, '/interviews/yuki')).version).toBe(2);
  });

  it('ingests a text/markdown transcript', async () => {
    const { status, body } = await ingestText(w.app, 'mei', '09-markdown-mei.md', 'text/markdown');
    expect(status).toBe(201);
    expect(body).toMatchObject({ id: 'mei', created: true, quotes: 22 });
    expect(body.interviewee?.name).toBe('芽衣');
    const stored = await getJson<InterviewView>(w.app, '/interviews/mei');
    expect(stored.format).toBe('markdown');
    expect(stored.publishedAt).toBe('2025-05-21T08:00:00+09:00');
  });

  it('ingests a text/tab-separated-values transcript', async () => {
    const { status, body } = await ingestText(w.app, 'tanaka', '08-dialog.tsv', 'text/tab-separated-values');
    expect(status).toBe(201);
    expect(body.quotes).toBe(26);
    expect((await getJson<InterviewView>(w.app, '/interviews/tanaka')).format).toBe('tsv');
  });

  it('ingests the canonical JSON of an interview (201), and replaces it when posted again (200)', async () => {
    const iv = parseInterview(sample('05-dash-sora.txt'), { id: 'sora-json' });
    const post = () =>
      w.app.request('/interviews', { method: 'POST', headers: JSON_WRITE, body: JSON.stringify(iv) });
    const first = await post();
    expect(first.status).toBe(201);
    const body = (await first.json()) as IngestResult;
    expect(body).toMatchObject({ id: 'sora-json', created: true, version: 1, quotes: iv.turns.length });
    expect(body.interviewee?.name).toBe(iv.interviewees[0]?.name);

    const stored = await getJson<InterviewView>(w.app, '/interviews/sora-json');
    expect(stored.title).toBe(iv.title);
    expect(stored.turns.map((t) => t.text)).toEqual(iv.turns.map((t) => t.text));

    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: 'sora-json', created: false, version: 2 });
  });

  it('upserts with PUT /interviews/{id}: 201 first, 200 after; a ?id= beside the path id is a 400, nothing stored', async () => {
    const put = (params: Array<[string, string]> = []) =>
      w.app.request(url('/interviews/put-me', params), {
        method: 'PUT',
        headers: TEXT,
        body: sample('03-blog-kenji.txt'),
      });
    // It was silently outranked by the path; the document never listed `id` for PUT.
    const both = await put([['id', 'ignored-id']]);
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { details: unknown } }).error.details).toMatchObject({
      parameter: 'id',
    });
    expect((await w.app.request('/interviews/put-me')).status).toBe(404);
    const created = await put();
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'put-me', created: true, version: 1, quotes: 24 });
    expect((await w.app.request('/interviews/ignored-id')).status).toBe(404);
    const stored = await getJson<InterviewView>(w.app, '/interviews/put-me');
    expect(stored.turns.every((t) => t.id.startsWith('put-me-t'))).toBe(true);

    const replaced = await put();
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ id: 'put-me', created: false, version: 2 });
  });

  it('upserts canonical JSON with PUT, renaming its quotes after the path id', async () => {
    const iv = parseInterview(sample('06-prefixed-qa.txt'), { id: 'original' });
    const res = await w.app.request('/interviews/renamed', {
      method: 'PUT',
      headers: JSON_WRITE,
      body: JSON.stringify(iv),
    });
    expect(res.status).toBe(201);
    const stored = await getJson<InterviewView>(w.app, '/interviews/renamed');
    expect(stored.turns[0]?.id).toBe('renamed-t001');
    const answer = stored.turns.find((t) => t.questionId !== null);
    expect(answer?.questionId).toMatch(/^renamed-t\d{3}$/);
  });

  it('stores the ?title= given with the transcript', async () => {
    const res = await w.app.request(
      url('/interviews', [
        ['id', 'titled'],
        ['title', '松本のカフェと訪問介護'],
      ]),
      {
        method: 'POST',
        headers: TEXT,
        body: sample('04-dash-yuki.txt'),
      },
    );
    expect(res.status).toBe(201);
    expect((await getJson<InterviewView>(w.app, '/interviews/titled')).title).toBe('松本のカフェと訪問介護');
  });

  it('parses with the layout named in ?format=', async () => {
    const res = await w.app.request(
      url('/interviews', [
        ['id', 'fmt'],
        ['format', 'markdown'],
      ]),
      {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/markdown' },
        body: sample('10-markdown-english.md'),
      },
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: 'fmt', quotes: 28 });
  });
});

describe('GET /interviews', () => {
  it('lists every interview exactly once when paging with limit and cursor', async () => {
    const full = await getJson<InterviewList>(app, url('/interviews', [['limit', 100]]));
    expect(full.nextCursor).toBeNull();
    expect(full.interviews.map((i) => i.id).sort()).toEqual(SEEDED.map(([id]) => id).sort());

    const { all, pages } = await collectPages(app, '/interviews', [['limit', 2]], (b) =>
      (b as InterviewList).interviews.map((i) => i.id),
    );
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(full.interviews.map((i) => i.id));
  });

  it('returns summaries with title, quote count, interviewees, tags and version', async () => {
    const { interviews } = await getJson<InterviewList>(app, url('/interviews', [['limit', 100]]));
    const kenji = interviews.find((i) => i.id === '03-blog-kenji');
    expect(kenji).toMatchObject({ quoteCount: 24, version: 1 });
    expect(kenji?.title).toContain('けんじ');
    expect(kenji?.interviewees).toEqual([{ id: 'kenji_camp', name: 'けんじ', handle: '@kenji_camp' }]);
    expect(kenji?.tags).toContain('care-anxiety');
  });

  it('filters by ?interviewee=', async () => {
    const { interviews } = await getJson<InterviewList>(
      app,
      url('/interviews', [
        ['interviewee', 'haruka_nw'],
        ['limit', 100],
      ]),
    );
    expect(interviews.map((i) => i.id).sort()).toEqual(['01-blog-haruka-1', '02-blog-haruka-2']);
    expect(interviews.every((i) => i.interviewees.some((p) => p.id === 'haruka_nw'))).toBe(true);
  });

  it('pages the interviews of an interviewee', async () => {
    const { all } = await collectPages(
      app,
      '/interviews',
      [
        ['interviewee', 'haruka_nw'],
        ['limit', 1],
      ],
      (b) => (b as InterviewList).interviews.map((i) => i.id),
    );
    expect(all.sort()).toEqual(['01-blog-haruka-1', '02-blog-haruka-2']);
  });

  it('filters by ?tag=', async () => {
    const { interviews } = await getJson<InterviewList>(
      app,
      url('/interviews', [
        ['tag', 'care-anxiety'],
        ['limit', 100],
      ]),
    );
    const ids = interviews.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['02-blog-haruka-2', '03-blog-kenji']));
    // Exactly the interviews whose summary carries the tag: none left out, none extra.
    const all = await getJson<InterviewList>(app, url('/interviews', [['limit', 100]]));
    const tagged = all.interviews.filter((i) => i.tags.includes('care-anxiety')).map((i) => i.id);
    expect(tagged.length).toBeLessThan(all.interviews.length);
    expect(ids).toEqual(tagged);
  });

  it('combines ?interviewee= and ?tag=', async () => {
    const { interviews } = await getJson<InterviewList>(
      app,
      url('/interviews', [
        ['interviewee', 'haruka_nw'],
        ['tag', 'care-anxiety'],
      ]),
    );
    expect(interviews.map((i) => i.id)).toEqual(['02-blog-haruka-2']);
  });
});

describe('GET /interviews/{id}', () => {
  it('returns the interview with version, timestamps and each turn carrying its tags', async () => {
    const iv = await getJson<InterviewView>(app, '/interviews/03-blog-kenji');
    expect(iv.id).toBe('03-blog-kenji');
    expect(iv.version).toBe(1);
    expect(Date.parse(iv.createdAt)).not.toBeNaN();
    expect(Date.parse(iv.updatedAt)).not.toBeNaN();
    expect(iv.interviewees[0]).toMatchObject({ id: 'kenji_camp', handle: '@kenji_camp' });
    expect(iv.turns).toHaveLength(24);
    expect(iv.turns.every((t) => Array.isArray(t.tags))).toBe(true);
    const careTurns = iv.turns.filter((t) => t.tags.includes('care-anxiety'));
    expect(careTurns.length).toBeGreaterThan(0);
    // The turn tags agree with the tag index.
    const tagged = await getJson<TagQuotes>(app, url('/tags/care-anxiety/quotes', [['limit', 100]]));
    expect(careTurns.map((t) => t.id).sort()).toEqual(
      tagged.quotes
        .filter((q) => q.interviewId === '03-blog-kenji')
        .map((q) => q.quoteId)
        .sort(),
    );
  });
});

describe('DELETE /interviews/{id}', () => {
  it('deletes an interview: GET answers 404, search no longer returns its quotes, deleting again is 404', async () => {
    expect((await ingestText(app, 'doomed', '06-prefixed-qa.txt')).status).toBe(201);
    const q = '兼業';
    const before = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', q],
        ['limit', 100],
      ]),
    );
    expect(before.hits.some((h) => h.interviewId === 'doomed')).toBe(true);
    const own = await getJson<SearchPage>(app, url('/search', [['interview', 'doomed']]));
    expect(own.total).toBe(24);

    const del = await app.request('/interviews/doomed', { method: 'DELETE', headers: AUTH });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: 'doomed', deleted: true });

    expect((await app.request('/interviews/doomed')).status).toBe(404);
    const after = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', q],
        ['limit', 100],
      ]),
    );
    expect(after.hits.some((h) => h.interviewId === 'doomed')).toBe(false);
    expect(after.total).toBe(before.total - before.hits.filter((h) => h.interviewId === 'doomed').length);
    // A filter by the deleted interview names it as no interview (a 400), not an empty page.
    const gone = await app.request(url('/search', [['interview', 'doomed']]));
    expect(gone.status).toBe(400);
    expect(((await gone.json()) as { error: { details: unknown } }).error.details).toMatchObject({
      interview: 'doomed',
    });
    expect((await app.request('/quotes/doomed-t002')).status).toBe(404);

    const again = await app.request('/interviews/doomed', { method: 'DELETE', headers: AUTH });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('GET /search', () => {
  it('finds quotes for 介護 and fills every field of a hit', async () => {
    const page = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    expect(page.matched).toBe('all');
    expect(page.total).toBeGreaterThan(5);
    expect(page.hits).toHaveLength(page.total);
    const titles = new Map(SEEDED.map(([id]) => [id, '']));
    for (const h of page.hits) {
      expect(h.quoteId).toMatch(new RegExp(`^${h.interviewId}-t\\d{3}$`));
      expect(titles.has(h.interviewId)).toBe(true);
      expect(h.interviewTitle.length).toBeGreaterThan(0);
      expect(typeof h.text).toBe('string');
      expect(typeof h.speaker.name).toBe('string');
      expect(['interviewer', 'interviewee', 'other']).toContain(h.speaker.role);
      expect(h.section === null || typeof h.section === 'string').toBe(true);
      expect(h.question === null || (typeof h.question.quoteId === 'string' && h.question.text !== '')).toBe(
        true,
      );
      expect(Array.isArray(h.tags)).toBe(true);
      expect(h.score).toBeGreaterThan(0);
      expect(typeof h.highlight.html).toBe('string');
    }
    // Best first.
    const scores = page.hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The keyword is marked in the quotes that contain it.
    const withWord = page.hits.filter((h) => h.text.includes('介護'));
    expect(withWord.length).toBeGreaterThan(5);
    for (const h of withWord) expect(h.highlight.html).toContain('<mark>介護</mark>');
    // Answers link to the question they answer.
    const answer = page.hits.find((h) => h.speaker.role === 'interviewee' && h.question);
    expect(answer?.question?.quoteId).toMatch(new RegExp(`^${answer?.interviewId}-t\\d{3}$`));
  });

  it('finds クラウドソーシング, marks it, and names speaker and interview of each hit', async () => {
    const page = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', 'クラウドソーシング'],
        ['limit', 100],
      ]),
    );
    expect(page.total).toBeGreaterThan(0);
    const literal = page.hits.filter((h) => h.text.includes('クラウドソーシング'));
    expect(literal.length).toBeGreaterThan(0);
    for (const h of literal) expect(h.highlight.html).toContain('<mark>クラウドソーシング</mark>');
    const haruka = page.hits.find((h) => h.interviewId === '02-blog-haruka-2');
    expect(haruka?.interviewTitle).toContain('はるか');
    expect(page.hits.some((h) => h.speaker.name === 'はるか' && h.speaker.role === 'interviewee')).toBe(true);
  });

  it('counts facets over the whole result set, not just the page', async () => {
    const full = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    const tagCounts: Record<string, number> = {};
    for (const h of full.hits) for (const t of h.tags) tagCounts[t] = (tagCounts[t] ?? 0) + 1;
    expect(full.facets.tags).toEqual(tagCounts);
    // Speaker-level (issue 13 §3): the quotes kenji_camp said, not every quote of his interview.
    const his = full.hits.filter((h) => h.speaker.id === 'kenji_camp').length;
    expect(his).toBeGreaterThan(0);
    expect(his).toBeLessThan(full.hits.filter((h) => h.interviewId === '03-blog-kenji').length);
    expect(full.facets.interviewees.kenji_camp).toBe(his);
    const small = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 2],
      ]),
    );
    expect(small.hits).toHaveLength(2);
    expect(small.total).toBe(full.total);
    expect(small.facets).toEqual(full.facets);
  });

  it('pages with limit and nextCursor without duplicates or gaps', async () => {
    const full = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    const { all, pages } = await collectPages(
      app,
      '/search',
      [
        ['q', '介護'],
        ['limit', 4],
      ],
      (b) => (b as SearchPage).hits.map((h) => h.quoteId),
    );
    expect(pages).toBe(Math.ceil(full.total / 4));
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(full.hits.map((h) => h.quoteId));
  });

  it('filters by repeated tag with match=all (every tag) and match=any (some tag)', async () => {
    const tags: Array<[string, string]> = [
      ['tag', 'money-income'],
      ['tag', 'family-partner'],
    ];
    const all = await getJson<SearchPage>(app, url('/search', [...tags, ['match', 'all'], ['limit', 100]]));
    const any = await getJson<SearchPage>(app, url('/search', [...tags, ['match', 'any'], ['limit', 100]]));
    expect(all.total).toBeGreaterThan(0);
    expect(any.total).toBeGreaterThan(all.total);
    for (const h of all.hits)
      expect(h.tags).toEqual(expect.arrayContaining(['money-income', 'family-partner']));
    for (const h of any.hits)
      expect(h.tags.includes('money-income') || h.tags.includes('family-partner')).toBe(true);
    const anyIds = new Set(any.hits.map((h) => h.quoteId));
    expect(all.hits.every((h) => anyIds.has(h.quoteId))).toBe(true);
    // match defaults to all.
    const dflt = await getJson<SearchPage>(app, url('/search', [...tags, ['limit', 100]]));
    expect(dflt.total).toBe(all.total);
  });

  it('combines a keyword with a tag filter', async () => {
    const page = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['tag', 'care-anxiety'],
        ['limit', 100],
      ]),
    );
    const unfiltered = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    expect(page.total).toBeGreaterThan(0);
    expect(page.total).toBeLessThan(unfiltered.total);
    expect(page.hits.every((h) => h.tags.includes('care-anxiety'))).toBe(true);
  });

  it('lists exactly the quotes of a tag when q is empty and a tag is given', async () => {
    const page = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', ''],
        ['tag', 'care-anxiety'],
        ['limit', 100],
      ]),
    );
    expect(page.matched).toBe('filter');
    expect(page.total).toBeGreaterThan(0);
    expect(page.hits.every((h) => h.tags.includes('care-anxiety'))).toBe(true);
    const byTag = await getJson<TagQuotes>(app, url('/tags/care-anxiety/quotes', [['limit', 100]]));
    expect(page.hits.map((h) => h.quoteId).sort()).toEqual(byTag.quotes.map((q) => q.quoteId).sort());
  });

  it('returns only interviewee turns with speaker=interviewee', async () => {
    const all = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    const page = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['speaker', 'interviewee'],
        ['limit', 100],
      ]),
    );
    expect(page.total).toBeGreaterThan(0);
    expect(page.total).toBeLessThan(all.total);
    expect(page.hits.every((h) => h.speaker.role === 'interviewee')).toBe(true);
    const interviewer = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['speaker', 'interviewer'],
        ['limit', 100],
      ]),
    );
    expect(interviewer.hits.every((h) => h.speaker.role === 'interviewer')).toBe(true);
    expect(interviewer.total + page.total).toBeLessThanOrEqual(all.total);
  });

  it('restricts to one interview with interview= and to one person with interviewee=', async () => {
    const one = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['interview', '03-blog-kenji'],
        ['limit', 100],
      ]),
    );
    expect(one.total).toBeGreaterThan(0);
    expect(one.hits.every((h) => h.interviewId === '03-blog-kenji')).toBe(true);
    const person = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['interviewee', 'kenji_camp'],
        ['limit', 100],
      ]),
    );
    // What he said, not the questions put to him (issue 13 §3).
    expect(person.hits.map((h) => h.quoteId)).toEqual(
      one.hits.filter((h) => h.speaker.id === 'kenji_camp').map((h) => h.quoteId),
    );
    expect(person.hits.length).toBeGreaterThan(0);
  });

  it('filters by publication date with from and to', async () => {
    const ids = async (params: Array<[string, string]>) => {
      const page = await getJson<SearchPage>(app, url('/search', [...params, ['limit', 100]]));
      return [...new Set(page.hits.map((h) => h.interviewId))].sort();
    };
    expect(await ids([['from', '2025-05-01']])).toEqual(['05-dash-sora', '09-markdown-mei']);
    expect(await ids([['to', '2025-04-01']])).toEqual(['04-dash-yuki']);
    expect(
      await ids([
        ['q', '仕事'],
        ['from', '2025-03-01'],
        ['to', '2025-05-31'],
      ]),
    ).toEqual(['04-dash-yuki', '09-markdown-mei']);
  });

  it('answers no hits for a word that occurs nowhere', async () => {
    const page = await getJson<SearchPage>(app, url('/search', [['q', 'ズワイガニ']]));
    expect(page).toMatchObject({ total: 0, hits: [], nextCursor: null });
  });
});

describe('GET /tags and GET /tags/{tag}/quotes', () => {
  it('lists every topic with label, English label, kind, quote and interviewee counts', async () => {
    const { tags } = await getJson<{ tags: TagRow[] }>(app, '/tags');
    const { topics } = await getJson<{ topics: Topic[] }>(app, '/topics');
    expect(tags.map((t) => t.id)).toEqual(expect.arrayContaining(topics.map((t) => t.id)));
    expect(tags.map((t) => t.id)).toEqual([...tags.map((t) => t.id)].sort());
    for (const t of tags) {
      expect(Object.keys(t).sort()).toEqual(['id', 'interviewees', 'kind', 'label', 'labelEn', 'quotes']);
      expect(typeof t.label).toBe('string');
      expect(typeof t.labelEn).toBe('string');
      expect(['topic', 'manual']).toContain(t.kind);
      expect(t.quotes).toBeGreaterThanOrEqual(0);
      expect(t.interviewees).toBeGreaterThanOrEqual(0);
    }
    const care = tags.find((t) => t.id === 'care-anxiety');
    expect(care).toMatchObject({ kind: 'topic', labelEn: 'Care and anxiety' });
    expect(care?.label).toContain('介護');
    const search = await getJson<SearchPage>(app, url('/search', [['tag', 'care-anxiety']]));
    expect(care?.quotes).toBe(search.total);
    const people = await getJson<IntervieweeList>(app, url('/interviewees', [['tag', 'care-anxiety']]));
    expect(care?.interviewees).toBe(people.interviewees.length);
  });

  it('pages the quotes of a tag without duplicates, each quote carrying the tag', async () => {
    const full = await getJson<TagQuotes>(app, url('/tags/money-income/quotes', [['limit', 100]]));
    expect(full.tag).toBe('money-income');
    expect(full.quotes.length).toBeGreaterThan(6);
    for (const q of full.quotes) {
      expect(q.tags).toContain('money-income');
      expect(q.quoteId.startsWith(`${q.interviewId}-t`)).toBe(true);
      expect(q.interviewTitle.length).toBeGreaterThan(0);
      expect(q.text.length).toBeGreaterThan(0);
    }
    const { all, pages } = await collectPages(app, '/tags/money-income/quotes', [['limit', 3]], (b) =>
      (b as TagQuotes).quotes.map((q) => q.quoteId),
    );
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(full.quotes.length / 3));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(full.quotes.map((q) => q.quoteId).sort());
  });

  it('answers an empty list for a tag nobody uses', async () => {
    expect(await getJson<TagQuotes>(app, '/tags/unused-tag/quotes')).toEqual({
      tag: 'unused-tag',
      quotes: [],
      nextCursor: null,
    });
  });
});

describe('quotes: GET /quotes/{quoteId} and manual tag edits', () => {
  const QUOTE = '04-dash-yuki-t015';

  it('returns a quote with its question, effective and automatic tags and version 0', async () => {
    const q = await getJson<QuoteDetail>(app, `/quotes/${QUOTE}`);
    expect(q).toMatchObject({
      quoteId: QUOTE,
      interviewId: '04-dash-yuki',
      speaker: { name: '小林由紀', role: 'interviewee' },
      question: { quoteId: '04-dash-yuki-t014' },
      version: 0,
    });
    expect(q.text).toContain('介護');
    expect(q.section).toBe('介護の仕事は「なくならない」');
    expect(q.autoTags.length).toBeGreaterThan(0);
    expect(q.tags).toEqual([...q.autoTags].sort());
  });

  it('adds a manual tag that GET /quotes, GET /search?tag=, /tags and /tags/{tag}/quotes then show', async () => {
    const res = await app.request(`/quotes/${QUOTE}/tags`, {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ tags: ['mentor'], expectedVersion: 0 }),
    });
    expect(res.status).toBe(200);
    const edited = (await res.json()) as QuoteDetail;
    expect(edited.tags).toContain('mentor');
    expect(edited.version).toBe(1);
    expect(edited.autoTags).not.toContain('mentor');

    expect((await getJson<QuoteDetail>(app, `/quotes/${QUOTE}`)).tags).toContain('mentor');
    const found = await getJson<SearchPage>(app, url('/search', [['tag', 'mentor']]));
    expect(found.hits.map((h) => h.quoteId)).toEqual([QUOTE]);
    const byTag = await getJson<TagQuotes>(app, '/tags/mentor/quotes');
    expect(byTag.quotes.map((q) => q.quoteId)).toEqual([QUOTE]);
    const { tags } = await getJson<{ tags: TagRow[] }>(app, '/tags');
    expect(tags.find((t) => t.id === 'mentor')).toMatchObject({ kind: 'manual', quotes: 1, label: 'mentor' });
  });

  it('removes a manual tag with DELETE /quotes/{quoteId}/tags/{tag}', async () => {
    const res = await app.request(url(`/quotes/${QUOTE}/tags/mentor`, [['expectedVersion', 1]]), {
      method: 'DELETE',
      headers: AUTH,
    });
    expect(res.status).toBe(200);
    const edited = (await res.json()) as QuoteDetail;
    expect(edited.tags).not.toContain('mentor');
    expect(edited.version).toBe(2);
    expect((await getJson<SearchPage>(app, url('/search', [['tag', 'mentor']]))).total).toBe(0);
    expect((await getJson<TagQuotes>(app, '/tags/mentor/quotes')).quotes).toEqual([]);
  });

  it('removes an automatic topic from a quote, from search and from the interview view', async () => {
    const before = await getJson<QuoteDetail>(app, '/quotes/04-dash-yuki-t014');
    const topic = before.autoTags[0];
    expect(topic).toBeDefined();
    const res = await app.request(`/quotes/04-dash-yuki-t014/tags/${topic}`, {
      method: 'DELETE',
      headers: AUTH,
    });
    expect(res.status).toBe(200);
    const after = (await res.json()) as QuoteDetail;
    expect(after.tags).not.toContain(topic);
    expect(after.autoTags).toContain(topic);
    const search = await getJson<SearchPage>(
      app,
      url('/search', [
        ['tag', String(topic)],
        ['interview', '04-dash-yuki'],
        ['limit', 100],
      ]),
    );
    expect(search.hits.map((h) => h.quoteId)).not.toContain('04-dash-yuki-t014');
    const iv = await getJson<InterviewView>(app, '/interviews/04-dash-yuki');
    expect(iv.turns.find((t) => t.id === '04-dash-yuki-t014')?.tags).not.toContain(topic);
  });

  it('accepts Japanese tags and folds full-width and upper-case tags', async () => {
    const res = await app.request('/quotes/04-dash-yuki-t017/tags', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ tags: ['介護職', 'ＣＡＲＥＷＯＲＫ'] }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()) as QuoteDetail).toMatchObject({
      tags: expect.arrayContaining(['介護職', 'carework']),
    });
    const jp = await getJson<SearchPage>(app, url('/search', [['tag', '介護職']]));
    expect(jp.hits.map((h) => h.quoteId)).toEqual(['04-dash-yuki-t017']);
    const byTag = await getJson<TagQuotes>(app, `/tags/${encodeURIComponent('介護職')}/quotes`);
    expect(byTag.quotes.map((q) => q.quoteId)).toEqual(['04-dash-yuki-t017']);
  });

  it('writes the X-Actor header (sanitised) to the audit trail, and "api" without it', async () => {
    const edit = async (quote: string, headers: Record<string, string>) => {
      const res = await app.request(`/quotes/${quote}/tags`, {
        method: 'POST',
        headers: { ...JSON_WRITE, ...headers },
        body: JSON.stringify({ tags: ['audited'] }),
      });
      expect(res.status).toBe(200);
      return rt.store.audit(`QUOTE#${quote}`);
    };
    const trail = await edit('04-dash-yuki-t003', { 'x-actor': 'hanako' });
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      who: 'hanako',
      action: 'quote-tags',
      tags: ['audited'],
      added: ['audited'],
    });

    const odd = await edit('04-dash-yuki-t004', { 'x-actor': 'taro <script>' });
    expect(odd[0]?.who).toBe('taro script');

    const none = await edit('04-dash-yuki-t006', {});
    expect(none[0]?.who).toBe('api');

    const removal = await app.request('/quotes/04-dash-yuki-t003/tags/audited', {
      method: 'DELETE',
      headers: { ...AUTH, 'x-actor': 'José Müller' },
    });
    expect(removal.status).toBe(200);
    const trail2 = await rt.store.audit('QUOTE#04-dash-yuki-t003');
    expect(trail2).toHaveLength(2);
    expect(trail2.map((e) => e.who)).toEqual(expect.arrayContaining(['hanako', 'José Müller']));
  });
});

describe('interviewees', () => {
  it('lists every interviewee once, paged by id', async () => {
    const { all } = await collectPages(app, '/interviewees', [['limit', 2]], (b) =>
      (b as IntervieweeList).interviewees.map((p) => p.id),
    );
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(5);
    expect(all).toEqual(expect.arrayContaining(['haruka_nw', 'kenji_camp']));
  });

  it('lists from the index without reading every interview, the same people and profiles as the store names', async () => {
    const named = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await rt.store.listInterviews({ limit: 100, cursor });
      for (const s of page.items) for (const p of s.interviewees) named.add(p.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const listing = vi.spyOn(rt.store, 'listInterviews');
    try {
      const page = await getJson<IntervieweeList>(app, url('/interviewees', [['limit', '100']]));
      expect(listing).not.toHaveBeenCalled();
      expect(page.interviewees.map((p) => p.id)).toEqual([...named].sort());
      for (const p of page.interviewees)
        expect(p).toEqual(await getJson<IntervieweeProfile>(app, `/interviewees/${p.id}`));
    } finally {
      listing.mockRestore();
    }
  });

  it('filters by ?tag=…&tag=… with match=all (intersection) and match=any (union)', async () => {
    const ids = async (params: Array<[string, string]>) =>
      (await getJson<IntervieweeList>(app, url('/interviewees', [...params, ['limit', '100']]))).interviewees
        .map((p) => p.id)
        .sort();
    const care = await ids([['tag', 'care-anxiety']]);
    const crowd = await ids([['tag', 'crowdsourcing']]);
    expect(care).toEqual(expect.arrayContaining(['haruka_nw', 'kenji_camp']));
    expect(crowd).toContain('haruka_nw');
    expect(crowd.filter((id) => care.includes(id)).length).toBeLessThan(crowd.length);
    const both: Array<[string, string]> = [
      ['tag', 'care-anxiety'],
      ['tag', 'crowdsourcing'],
    ];
    expect(await ids([...both, ['match', 'all']])).toEqual(care.filter((id) => crowd.includes(id)));
    expect(await ids([...both, ['match', 'any']])).toEqual([...new Set([...care, ...crowd])].sort());
    // Without match=, several tags mean all of them.
    expect(await ids(both)).toEqual(care.filter((id) => crowd.includes(id)));
    expect(await ids(both)).toContain('haruka_nw');
  });

  it('returns a profile with tags and counts, interviews and evidence quotes', async () => {
    const p = await getJson<IntervieweeProfile>(app, '/interviewees/haruka_nw');
    expect(p).toMatchObject({ id: 'haruka_nw', name: 'はるか', handle: '@haruka_nw', location: '福岡' });
    expect(p.interviews.map((i) => i.id).sort()).toEqual(['01-blog-haruka-1', '02-blog-haruka-2']);
    expect(p.tags.length).toBeGreaterThan(3);
    expect(p.tags.every((t) => t.source === 'topic' && t.quotes > 0)).toBe(true);
    const counts = p.tags.map((t) => t.quotes);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(p.evidence.length).toBeGreaterThan(0);
    expect(p.evidence.length).toBeLessThanOrEqual(3);
    for (const q of p.evidence) {
      expect(q.speaker.id).toBe('haruka_nw');
      expect(['01-blog-haruka-1', '02-blog-haruka-2']).toContain(q.interviewId);
    }
  });

  it('sets manual tags with PUT /interviewees/{id}/tags, which ?tag= then finds, and replaces them', async () => {
    const put = (tags: string[], expectedVersion?: number) =>
      app.request('/interviewees/kenji_camp/tags', {
        method: 'PUT',
        headers: { ...JSON_WRITE, 'x-actor': 'curator' },
        body: JSON.stringify(expectedVersion === undefined ? { tags } : { tags, expectedVersion }),
      });
    const res = await put(['camping', 'Camping'], 0);
    expect(res.status).toBe(200);
    const profile = (await res.json()) as IntervieweeProfile;
    expect(profile.tags).toContainEqual({ id: 'camping', quotes: 0, source: 'manual' });
    expect(profile.tags.filter((t) => t.id === 'camping')).toHaveLength(1);

    const found = await getJson<IntervieweeList>(app, url('/interviewees', [['tag', 'camping']]));
    expect(found.interviewees.map((p) => p.id)).toEqual(['kenji_camp']);
    const mixed = await getJson<IntervieweeList>(
      app,
      url('/interviewees', [
        ['tag', 'camping'],
        ['tag', 'care-anxiety'],
        ['match', 'all'],
      ]),
    );
    expect(mixed.interviewees.map((p) => p.id)).toEqual(['kenji_camp']);

    const replaced = await put(['outdoor'], 1);
    expect(replaced.status).toBe(200);
    const after = (await replaced.json()) as IntervieweeProfile;
    expect(after.tags.some((t) => t.id === 'camping')).toBe(false);
    expect(after.tags).toContainEqual({ id: 'outdoor', quotes: 0, source: 'manual' });
    expect(
      (await getJson<IntervieweeList>(app, url('/interviewees', [['tag', 'camping']]))).interviewees,
    ).toEqual([]);
    const trail = await rt.store.audit('PERSON#kenji_camp');
    expect(trail.map((e) => e.who)).toEqual(['curator', 'curator']);
  });
});

describe('POST /tags/{tag}/merge', () => {
  let m: LocalRuntime;
  beforeAll(async () => {
    m = await runtime(db.client);
    for (const [id, file] of [
      ['haruka-2', '02-blog-haruka-2.txt'],
      ['kenji', '03-blog-kenji.txt'],
    ] as const)
      expect((await ingestText(m.app, id, file)).status).toBe(201);
  });
  afterAll(async () => m.flush());

  it('moves the quotes of a topic to the new tag everywhere', async () => {
    const before = await getJson<SearchPage>(
      m.app,
      url('/search', [
        ['tag', 'care-anxiety'],
        ['limit', 100],
      ]),
    );
    const ids = before.hits.map((h) => h.quoteId).sort();
    expect(ids.length).toBeGreaterThan(0);

    const res = await m.app.request('/tags/care-anxiety/merge', {
      method: 'POST',
      headers: { ...JSON_WRITE, 'x-actor': 'editor-1' },
      body: JSON.stringify({ into: 'kaigo', create: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      from: 'care-anxiety',
      into: 'kaigo',
      interviews: 2,
      dryRun: false,
      createdTarget: true,
    });

    const moved = await getJson<SearchPage>(
      m.app,
      url('/search', [
        ['tag', 'kaigo'],
        ['limit', 100],
      ]),
    );
    expect(moved.hits.map((h) => h.quoteId).sort()).toEqual(ids);
    // No quote carries the old id any more; a read that names it answers the target's, and says so.
    expect(moved.facets.tags['care-anxiety']).toBeUndefined();
    const old = await getJson<SearchPage & Resolved>(m.app, url('/search', [['tag', 'care-anxiety']]));
    expect(old).toMatchObject({ total: ids.length, resolved: { 'care-anxiety': 'kaigo' } });
    const oldQuotes = await getJson<TagQuotes & Resolved>(
      m.app,
      url('/tags/care-anxiety/quotes', [['limit', 100]]),
    );
    expect(oldQuotes).toMatchObject({ tag: 'kaigo', resolved: { 'care-anxiety': 'kaigo' } });
    expect(oldQuotes.quotes.map((q) => q.quoteId).sort()).toEqual(ids);
    const newQuotes = await getJson<TagQuotes>(m.app, url('/tags/kaigo/quotes', [['limit', 100]]));
    expect(newQuotes.quotes.map((q) => q.quoteId).sort()).toEqual(ids);

    const people = await getJson<IntervieweeList>(m.app, url('/interviewees', [['tag', 'kaigo']]));
    expect(people.interviewees.map((p) => p.id).sort()).toEqual(['haruka_nw', 'kenji_camp']);
    const kenji = await getJson<IntervieweeProfile>(m.app, '/interviewees/kenji_camp');
    expect(kenji.tags.map((t) => t.id)).toContain('kaigo');
    expect(kenji.tags.map((t) => t.id)).not.toContain('care-anxiety');

    const { tags } = await getJson<{ tags: TagRow[] }>(m.app, '/tags');
    expect(tags.map((t) => t.id)).not.toContain('care-anxiety');
    expect(tags.find((t) => t.id === 'kaigo')).toMatchObject({ kind: 'manual', quotes: ids.length });

    const trail = await m.store.audit('TAG#care-anxiety');
    expect(trail).toEqual([expect.objectContaining({ who: 'editor-1', action: 'merge' })]);
  });

  it('moves manual tags of quotes to the new tag', async () => {
    const add = await m.app.request('/quotes/kenji-t005/tags', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ tags: ['oldtag'] }),
    });
    expect(add.status).toBe(200);
    expect((await getJson<TagQuotes>(m.app, '/tags/oldtag/quotes')).quotes.map((q) => q.quoteId)).toEqual([
      'kenji-t005',
    ]);

    const res = await m.app.request('/tags/oldtag/merge', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({ into: 'newtag', create: true }),
    });
    expect(res.status).toBe(200);
    const quote = await getJson<QuoteDetail>(m.app, '/quotes/kenji-t005');
    expect(quote.tags).toContain('newtag');
    expect(quote.tags).not.toContain('oldtag');
    expect(
      (await getJson<SearchPage>(m.app, url('/search', [['tag', 'newtag']]))).hits.map((h) => h.quoteId),
    ).toEqual(['kenji-t005']);
    expect(await getJson<TagQuotes & Resolved>(m.app, '/tags/oldtag/quotes')).toMatchObject({
      tag: 'newtag',
      resolved: { oldtag: 'newtag' },
    });
    // The export of a search by the old name says which tag it used, as the search page does.
    expect(await getJson<SearchPage & Resolved>(m.app, url('/search', [['tag', 'oldtag']]))).toMatchObject({
      resolved: { oldtag: 'newtag' },
    });
    const exported = await getJson<Resolved & { quotes: Array<{ quoteId: string }> }>(
      m.app,
      url('/search', [
        ['tag', 'oldtag'],
        ['format', 'json'],
      ]),
    );
    expect(exported.resolved).toEqual({ oldtag: 'newtag' });
    expect(exported.quotes.map((q) => q.quoteId)).toEqual(['kenji-t005']);
  });

  it('keeps the merge when a tagged interview is ingested again', async () => {
    expect((await ingestText(m.app, 'kenji', '03-blog-kenji.txt')).status).toBe(200);
    const moved = await getJson<TagQuotes>(m.app, url('/tags/kaigo/quotes', [['limit', 100]]));
    expect(moved.quotes.some((q) => q.interviewId === 'kenji')).toBe(true);
    const all = await getJson<SearchPage>(m.app, url('/search', [['tag', 'kaigo']]));
    expect(all.facets.tags['care-anxiety']).toBeUndefined();
    expect(all.facets.tags.kaigo).toBe(all.total);
  });
});

describe('GET /suggest, GET /topics, GET /openapi.json, POST /admin/reindex', () => {
  it('suggests words as written in the quotes and matching tags', async () => {
    const s = await getJson<Suggest>(app, url('/suggest', [['q', 'クラ']]));
    expect(s.q).toBe('クラ');
    expect(s.terms.map((t) => t.text)).toContain('クラウドソーシング');
    expect(s.terms.every((t) => t.quotes > 0)).toBe(true);
    expect(s.tags.map((t) => t.id)).toContain('crowdsourcing');

    const en = await getJson<Suggest>(app, url('/suggest', [['q', 'care']]));
    expect(en.tags).toContainEqual({
      id: 'care-anxiety',
      label: expect.any(String),
      labelEn: 'Care and anxiety',
    });

    const one = await getJson<Suggest>(
      app,
      url('/suggest', [
        ['q', 'クラ'],
        ['limit', 1],
      ]),
    );
    expect(one.terms).toHaveLength(1);

    expect(await getJson<Suggest>(app, '/suggest')).toEqual({ q: '', terms: [], tags: [] });
  });

  it('lists at least ten topics with ids and labels', async () => {
    const { topics } = await getJson<{ topics: Topic[] }>(app, '/topics');
    expect(topics.length).toBeGreaterThanOrEqual(10);
    expect(new Set(topics.map((t) => t.id)).size).toBe(topics.length);
    for (const t of topics) {
      expect(t.id).toMatch(/^[a-z][a-z-]*$/);
      expect(t.label.length).toBeGreaterThan(0);
      expect(t.labelEn.length).toBeGreaterThan(0);
    }
    expect(topics.map((t) => t.id)).toEqual(expect.arrayContaining(['crowdsourcing', 'care-anxiety']));
  });

  it('serves an OpenAPI 3.1 document describing the routes', async () => {
    const doc = await getJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      app,
      '/openapi.json',
    );
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/search',
        '/interviews',
        '/interviews/{id}',
        '/tags',
        '/tags/{tag}/quotes',
        '/tags/{tag}/merge',
        '/interviewees',
        '/interviewees/{id}',
        '/interviewees/{id}/tags',
        '/quotes/{quoteId}',
        '/quotes/{quoteId}/tags',
        '/quotes/{quoteId}/tags/{tag}',
        '/suggest',
        '/topics',
        '/admin/reindex',
      ]),
    );
    expect(doc.paths['/search']).toHaveProperty('get');
    expect(doc.paths['/interviews']).toHaveProperty('post');
  });

  it('rebuilds the index with POST /admin/reindex and keeps search results', async () => {
    const before = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    const health = await getJson<Health>(app, '/health');
    const job = await runJob(rt, '/admin/reindex');
    expect(job).toMatchObject({ kind: 'rebuild', state: 'done', error: null, errors: [] });
    expect(job.result.indexed).toBe(health.index.interviews);
    expect(await getJson<Health>(app, '/health')).toMatchObject({
      index: { quotes: health.index.quotes, interviews: health.index.interviews },
    });
    const after = await getJson<SearchPage>(
      app,
      url('/search', [
        ['q', '介護'],
        ['limit', 100],
      ]),
    );
    expect(after.hits.map((h) => h.quoteId)).toEqual(before.hits.map((h) => h.quoteId));
  });
});
