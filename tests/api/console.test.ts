/**
 * The console's server side through the real app on dynalite: content negotiation (API clients
 * keep their JSON), escaping of untrusted text, the CSP, assets, the export and the preview.
 * The browser scenarios are in tests/browser/.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_CSS, CLIENT_JS } from '../../lib/console/assets.gen.ts';
import { buildConsoleAssets } from '../../lib/console/build.ts';
import { CONTENT_SECURITY_POLICY, prefersHtml } from '../../lib/console/routes.tsx';
import { CSV_COLUMNS, csvField, exportStream } from '../../lib/export.ts';
import type { SearchPage } from '../../lib/search/index.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { BOOKSHOP_BODY, BOOKSHOP_HEAD } from '../helpers/narration.ts';
import { read, samplesDir } from '../helpers/shared.ts';

type App = LocalRuntime['app'];
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const HOSTILE = [
  '---',
  'title: <script>alert("title")</script> & "quotes"',
  '---',
  '聞き手：<img src=x onerror=alert(1)> 介護について教えてください。',
  '<b>悪意</b>：介護の仕事は"><script>alert(2)</script>大変です。=HYPERLINK("http://evil")',
].join('\n');

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let app: App;

/** Ingests sample transcripts under the ids given, each answering 201. */
async function ingestSamples(files: ReadonlyArray<readonly [string, string]>): Promise<void> {
  for (const [id, file] of files) {
    const res = await app.request(`/interviews?id=${id}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, file)),
    });
    expect(res.status).toBe(201);
  }
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  app = rt.app;
  await ingestSamples([
    ['yuki', '04-dash-yuki.txt'],
    ['kenji', '03-blog-kenji.txt'],
    ['sora', '05-dash-sora.txt'],
  ]);
  const bad = await app.request('/interviews?id=hostile&format=prefixed', {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: HOSTILE,
  });
  expect(bad.status).toBe(201);
});
afterAll(async () => {
  await rt.flush();
  await db.close();
});

const page = (path: string, accept = BROWSER) => app.request(path, { headers: { accept } });

describe('content negotiation', () => {
  it('prefers HTML only when the client ranks it above JSON', () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
    expect(prefersHtml('application/json;q=0.5, text/html')).toBe(true);
  });

  it('answers API clients with the same JSON as before, and browsers with pages', async () => {
    for (const path of ['/interviews/yuki', '/tags']) {
      const json = await page(path, '*/*');
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.headers.get('vary')).toMatch(/Accept/);
      const plain = await app.request(path);
      expect(await plain.json()).toEqual(await json.json());
      const html = await page(path);
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html.headers.get('vary')).toMatch(/Accept/);
    }
    // `/` has no API route: curl keeps its JSON 404.
    const root = await page('/', '*/*');
    expect(root.status).toBe(404);
    expect(((await root.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await page('/')).status).toBe(200);
  });

  it('serves every page with a CSP that forbids inline script and style, and no inline script or style', async () => {
    for (const path of [
      '/',
      '/?q=%E4%BB%8B%E8%AD%B7',
      '/interviews/yuki',
      '/people/kenji_camp',
      '/tags',
      '/tags/care-anxiety',
      '/upload',
      '/?lang=en&q=%E4%BB%8B%E8%AD%B7',
    ]) {
      const res = await page(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      const html = await res.text();
      expect(html.startsWith('<!doctype html>')).toBe(true);
      // Every script has a src; no style attributes or elements; no event handler attributes.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\sstyle=|<style/);
      expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('shows errors as pages: 404 for an unknown interview, 400 for a bad filter', async () => {
    const missing = await page('/interviews/nope');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('ページが見つかりません');
    const bad = await page('/?q=x&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await page('/people/nobody')).status).toBe(404);
  });

  it('shows a page for a path nothing serves to a browser, and keeps the JSON 404 for API clients', async () => {
    for (const path of ['/nope', '/people/', '/tags/a/b/c']) {
      const html = await page(path);
      expect(html.status, path).toBe(404);
      expect(html.headers.get('content-type'), path).toMatch(/^text\/html/);
      const text = await html.text();
      expect(text, path).toContain('ページが見つかりません');
      expect(text, path).toContain('href="/"');
      const json = await page(path, 'application/json');
      expect(json.status, path).toBe(404);
      expect(((await json.json()) as { error: { code: string } }).error.code, path).toBe('not_found');
    }
    // Not a navigation: a POST to nowhere is the API's JSON whatever the client accepts.
    const post = await app.request('/nope', { method: 'POST', headers: { accept: BROWSER } });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toMatch(/json/);
  });

  it("shows the writer's narration in the reader where the article has it, set apart from the quotes", async () => {
    const body = [...BOOKSHOP_HEAD, ...BOOKSHOP_BODY].join('\n');
    const res = await app.request('/interviews?id=shop&format=dash', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body,
    });
    expect(res.status).toBe(201);
    const html = await (await page('/interviews/shop')).text();
    const lead = html.indexOf('駅前で四十年続く小さな書店');
    const close = html.indexOf('取材の帰り道');
    const firstTurn = html.indexOf('父が倒れたときに');
    const lastTurn = html.indexOf('読み聞かせを毎週');
    // In the article's order: the lead before the first turn, the close after the last.
    expect(lead).toBeGreaterThan(0);
    expect(lead).toBeLessThan(firstTurn);
    expect(close).toBeGreaterThan(lastTurn);
    // Inside narration blocks, never a turn (no speaker, no quote id, no tags).
    for (const at of [lead, close]) {
      expect(html.lastIndexOf('class="narration"', at)).toBeGreaterThan(html.lastIndexOf('class="turn ', at));
    }
    expect(html.match(/data-quote-id=/g)?.length).toBe(4);
  });

  it('says so on a profile whose person has no tags, instead of an empty list', async () => {
    const res = await app.request('/interviews?id=plain', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: '聞き手：好きな色は？\n山田：青です。\n聞き手：どうしてですか？\n山田：海が好きだからです。',
    });
    expect(res.status).toBe(201);
    const iv = (await (await app.request('/interviews/plain')).json()) as {
      turns: Array<{ speakerId: string; role: string }>;
    };
    const id = iv.turns.find((t) => t.role === 'interviewee')?.speakerId;
    expect(id).toBeDefined();
    const html = await (await page(`/people/${id}`)).text();
    const section = html.slice(html.indexOf('id="person-tags"'), html.indexOf('id="person-interviews"'));
    expect(section).toContain('タグなし');
  });

  it('asks browsers for a token page when reads are protected (tokens never travel as cookies)', async () => {
    const guarded = await runtime(db.client, { protectReads: true, readToken: 'read-token-0123456789' });
    const res = await guarded.app.request('/tags', { headers: { accept: BROWSER } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('escaping of untrusted text', () => {
  it('never lets a title, speaker or quote become markup', async () => {
    for (const path of [
      '/?q=%E4%BB%8B%E8%AD%B7',
      '/interviews/hostile?q=%E4%BB%8B%E8%AD%B7',
      '/?tag=care-anxiety',
    ]) {
      const html = await (await page(path)).text();
      expect(html, path).not.toContain('<script>alert');
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).not.toContain('<b>悪意</b>');
      expect(html, path).not.toContain('"><script>');
    }
    const reader = await (await page('/interviews/hostile?q=%E4%BB%8B%E8%AD%B7')).text();
    expect(reader).toContain(
      '&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;',
    );
    expect(reader).toContain('&lt;b&gt;悪意&lt;/b&gt;');
    // The searched words are marked, and only with <mark>.
    expect(reader).toMatch(/<mark>介護<\/mark>/);
  });
});

describe('search page', () => {
  it('shows the total, cards with marks and facets of tags, people, roles and years', async () => {
    const html = await (await page('/?q=%E4%BB%8B%E8%AD%B7')).text();
    const api = (await (await app.request('/search?q=%E4%BB%8B%E8%AD%B7')).json()) as SearchPage;
    expect(html).toContain(`${api.total}件`);
    expect(html).toContain('<mark>介護</mark>');
    expect(api.facets.roles.interviewee).toBeGreaterThan(0);
    expect(Object.keys(api.facets.years)).toContain('2025');
    expect(html).toContain('id="facet-years"');
    expect(html).toContain('href="/?q=%E4%BB%8B%E8%AD%B7&amp;speaker=interviewee"');
    // The card links the reader at the turn, carrying the query.
    const hit = api.hits[0];
    expect(html).toContain(
      `/interviews/${hit?.interviewId}?q=%E4%BB%8B%E8%AD%B7&amp;turn=${hit?.quoteId}#${hit?.quoteId}`,
    );
  });

  it('marks the words in the question of a hit found through its question', async () => {
    const q = encodeURIComponent('お子さん');
    const api = (await (await app.request(`/search?q=${q}`)).json()) as SearchPage;
    const hit = api.hits.find((h) => h.matchedIn.includes('question') && !h.matchedIn.includes('text'));
    expect(hit?.question?.text).toBe('お子さんたちは？');
    expect(hit?.question?.ranges).toEqual([{ start: 0, end: 4 }]);
    const html = await (await page(`/?q=${q}`)).text();
    expect(html).toContain('<mark>お子さん</mark>たちは？');
  });

  it('pages by number with the same hits as the API cursor', async () => {
    const p2 = await (await page('/?q=%E4%BB%8B%E8%AD%B7&page=2')).text();
    const first = (await (await app.request('/search?q=%E4%BB%8B%E8%AD%B7&limit=20')).json()) as SearchPage;
    const second = (await (
      await app.request(`/search?q=%E4%BB%8B%E8%AD%B7&limit=20&cursor=${first.nextCursor}`)
    ).json()) as SearchPage;
    expect(second.hits.length).toBeGreaterThan(0);
    for (const h of second.hits) expect(p2).toContain(`data-quote-id="${h.quoteId}"`);
    for (const h of first.hits) expect(p2).not.toContain(`data-quote-id="${h.quoteId}"`);
  });

  it('shows the last page for a page number past the end, on the search and the tag pages', async () => {
    const api = (await (await app.request('/search?q=%E4%BB%8B%E8%AD%B7&limit=100')).json()) as SearchPage;
    const lastPage = Math.ceil(api.total / 20);
    const last = api.hits.slice((lastPage - 1) * 20);
    expect(last.length).toBeGreaterThan(0);
    const html = await (await page(`/?q=%E4%BB%8B%E8%AD%B7&page=${lastPage + 5}`)).text();
    for (const h of last) expect(html).toContain(`data-quote-id="${h.quoteId}"`);
    expect(html).not.toContain('該当する発言はありません');
    // The pager marks the last page as the current one.
    expect(html).toContain(`<span class="sr-only">${lastPage}ページ</span>`);
    const tag = api.hits[0]?.tags[0] as string;
    const tagged = (await (await app.request(`/search?tag=${tag}&limit=100`)).json()) as SearchPage;
    const tagLast = Math.ceil(tagged.total / 20);
    const tagHtml = await (await page(`/tags/${tag}?page=${tagLast + 3}`)).text();
    for (const h of tagged.hits.slice((tagLast - 1) * 20))
      expect(tagHtml).toContain(`data-quote-id="${h.quoteId}"`);
  });

  it('shows the last page for any page number past the end, however large (a typed or old link)', async () => {
    const api = (await (await app.request('/search?q=%E4%BB%8B%E8%AD%B7&limit=100')).json()) as SearchPage;
    const lastPage = Math.ceil(api.total / 20);
    for (const path of ['/?q=%E4%BB%8B%E8%AD%B7&page=999', '/?q=%E4%BB%8B%E8%AD%B7&page=123456789']) {
      const res = await page(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`<span class="sr-only">${lastPage}ページ</span>`);
    }
    const tag = api.hits.find((h) => h.tags.length > 0)?.tags[0] as string;
    const tagPage = await page(`/tags/${tag}?page=999`);
    expect(tagPage.status, `/tags/${tag}`).toBe(200);
    // Not a number past the end: still a 400 page.
    expect((await page('/?q=%E4%BB%8B%E8%AD%B7&page=0')).status).toBe(400);
  });

  it("says what a page number is when page= is none, instead of a validator's words", async () => {
    for (const path of [
      '/?q=%E4%BB%8B%E8%AD%B7&page=abc',
      '/?q=%E4%BB%8B%E8%AD%B7&page=0',
      '/tags/care-anxiety?page=1.5',
    ]) {
      const res = await page(path);
      expect(res.status, path).toBe(400);
      const html = await res.text();
      expect(html, path).toContain('page: a page number is a whole number from 1 (page=2)');
      expect(html, path).not.toContain('NaN');
    }
  });

  it('lists recent interviews on the start page, an undated one saying when it was added', async () => {
    const html = await (await page('/')).text();
    const listed = (await (await app.request('/interviews?limit=8')).json()) as {
      interviews: Array<{ id: string; publishedAt: string | null }>;
    };
    const undated = listed.interviews.filter((iv) => iv.publishedAt === null);
    const dated = listed.interviews.filter((iv) => iv.publishedAt !== null);
    expect(undated.length).toBeGreaterThan(0);
    expect(dated.length).toBeGreaterThan(0);
    const item = (id: string) => {
      const at = html.indexOf(`href="/interviews/${encodeURIComponent(id)}"`);
      expect(at, id).toBeGreaterThan(0);
      return html.slice(at, html.indexOf('</li>', at));
    };
    for (const iv of undated) expect(item(iv.id)).toMatch(/\d+年\d+月\d+日追加（公開日なし）/);
    for (const iv of dated) expect(item(iv.id)).not.toContain('追加');
    const en = await (await page('/?lang=en')).text();
    expect(en).toMatch(/added [^<]*\(no publication date\)/);
  });

  it('says "no quote has every word" only when the search relaxed, not for a sentence', async () => {
    // A sentence ranks by the share of its words a quote has: its best hit has them all here.
    const sentence = encodeURIComponent('カフェを始めるときに介護の仕事を辞めるつもりだった');
    const ranked = (await (await app.request(`/search?q=${sentence}`)).json()) as SearchPage;
    expect(ranked.matched).toBe('any');
    expect(ranked.relaxed).toBe(false);
    expect(ranked.hits[0]?.text).toMatch(/カフェ.*介護.*辞める/);
    const html = await (await page(`/?q=${sentence}`)).text();
    expect(html).not.toContain('すべての語を含む発言はありませんでした');
    expect(html).toContain('文として探しました');
    // Two words no quote has together: every word was required, so the relaxed page says so.
    const words = encodeURIComponent('介護 量子コンピュータ');
    const relaxed = (await (await app.request(`/search?q=${words}`)).json()) as SearchPage;
    expect(relaxed).toMatchObject({ matched: 'any', relaxed: true });
    expect(await (await page(`/?q=${words}`)).text()).toContain('すべての語を含む発言はありませんでした');
    const both = (await (await app.request('/search?q=%E4%BB%8B%E8%AD%B7')).json()) as SearchPage;
    expect(both).toMatchObject({ matched: 'all', relaxed: false });
  });

  it('names a word no quote says, and lists no quote of a verb left alone beside it', async () => {
    // ホヤってどう思う: no sample says ホヤ; 思う alone is no answer (every quote saying 思う was).
    const q = encodeURIComponent('ホヤってどう思う');
    const found = (await (await app.request(`/search?q=${q}`)).json()) as SearchPage;
    expect(found).toMatchObject({ total: 0, hits: [], missing: ['ホヤ'] });
    expect(await (await page(`/?q=${q}`)).text()).toContain('「ホヤ」を含む発言はありません。');
    expect(await (await page(`/?q=${q}&lang=en`)).text()).toContain('No quote says “ホヤ”.');
    // Every word said somewhere: no such notice.
    const said = encodeURIComponent('介護');
    expect(((await (await app.request(`/search?q=${said}`)).json()) as SearchPage).missing).toBeUndefined();
    expect(await (await page(`/?q=${said}`)).text()).not.toContain('を含む発言はありません。');
  });

  it('says how many quotes have every word when a phrase typed with kana is relaxed below 3', async () => {
    // 会社を辞めたい: few sample quotes say 会社 with 辞める (会社を辞めずに), so they come first,
    // counted, and the quotes with one of the words follow; the notice says that, not "none".
    const q = encodeURIComponent('会社を辞めたい');
    const found = (await (await app.request(`/search?q=${q}&limit=20`)).json()) as SearchPage;
    expect(found).toMatchObject({ matched: 'any', relaxed: true });
    const n = found.everyWord ?? 0;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(3);
    for (const h of found.hits.slice(0, n)) {
      expect(h.text).toContain('会社');
      expect(h.text).toContain('辞め');
    }
    expect(found.hits.length).toBeGreaterThan(n);
    const html = await (await page(`/?q=${q}`)).text();
    expect(html).toContain(
      `すべての語を含む発言は${n}件でした。その後に、いずれかの語を含む発言を続けて表示しています。`,
    );
    expect(html).not.toContain('すべての語を含む発言はありませんでした');
    expect(await (await page(`/?q=${q}&lang=en`)).text()).toContain(
      `Only ${n} quote${n === 1 ? ' has' : 's have'} every word; quotes with any of them follow.`,
    );
  });

  it('has a clear empty state and an English version', async () => {
    const empty = await (await page('/?q=xyzzyqwvk')).text();
    expect(empty).toContain('該当する発言はありません');
    // The hints fit what was asked: no "remove filters" when none is set, no "fewer words" for none.
    expect(empty).toContain('語を減らすか');
    expect(empty).not.toContain('絞り込みの条件を外して');
    const filtered = await (await page('/?q=xyzzyqwvk&speaker=interviewer')).text();
    expect(filtered).toContain('語を減らすか');
    expect(filtered).toContain('絞り込みの条件を外して');
    const onlyFilter = await (await page('/?tag=crowdsourcing&from=1990-01-01&to=1990-12-31')).text();
    expect(onlyFilter).toContain('該当する発言はありません');
    expect(onlyFilter).not.toContain('語を減らすか');
    expect(onlyFilter).toContain('絞り込みの条件を外して');
    // A misspelt tag is no empty result: the page says which tag was meant.
    const typo = await page('/?tag=crowdsource');
    expect(typo.status).toBe(400);
    expect(await typo.text()).toContain('crowdsourcing');
    const en = await (await page('/?q=%E4%BB%8B%E8%AD%B7&lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Filters');
    expect(en).toMatch(/href="\/interviews\/[^"]*lang=en/);
  });
});

describe("the reader's search box", () => {
  beforeAll(async () => {
    // One interviewee in two interviews (前編 and 後編): "this interview" must not mean "this person".
    await ingestSamples([
      ['haruka-1', '01-blog-haruka-1.txt'],
      ['haruka-2', '02-blog-haruka-2.txt'],
    ]);
  });

  it('searches that interview only, every speaker in it, with a chip naming it', async () => {
    const reader = await (await page('/interviews/haruka-1')).text();
    expect(reader).toContain('<input type="hidden" name="interview" value="haruka-1"/>');
    expect(reader).not.toMatch(/<input type="hidden" name="interviewee"/);
    // The person's quotes with these words are in both parts; the box must find the first part's only.
    const everywhere = (await (
      await page('/search?q=%E4%BB%95%E4%BA%8B&limit=100', '*/*')
    ).json()) as SearchPage;
    const inBoth = new Set(everywhere.hits.map((h) => h.interviewId));
    expect(inBoth.has('haruka-1') && inBoth.has('haruka-2')).toBe(true);
    const own = everywhere.hits.filter((h) => h.interviewId === 'haruka-1');
    const res = await page('/?q=%E4%BB%95%E4%BA%8B&interview=haruka-1');
    expect(res.status).toBe(200);
    const html = await res.text();
    const linked = [...html.matchAll(/href="\/interviews\/([^"?]+)\?q=[^"]*turn=/g)].map((m) => m[1]);
    expect(linked.length).toBe(Math.min(own.length, 20));
    expect(new Set(linked)).toEqual(new Set(['haruka-1']));
    // The interviewer's questions in it are found too.
    expect(html).toContain('role-interviewer');
    expect(html).toMatch(/class="chip"[^>]*>インタビュー: Parallel Workers/);
    // Facets, pages and the export keep the filter.
    expect(html).toContain('interview=haruka-1&amp;format=csv');
  });

  it('answers a mistyped interview id with a 400 naming the one meant, not an empty result', async () => {
    const res = await page('/?q=%E4%BB%95%E4%BA%8B&interview=haruka-3');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('interview &#39;haruka-3&#39; is no interview (did you mean haruka-1, haruka-2?)');
  });

  it('writes remarks in brackets the way the page language does', async () => {
    const en = await (await page('/?q=%E4%BB%8B%E8%AD%B7&tag=care-anxiety&lang=en')).text();
    expect(en).toContain('<span class="help"> (all pages, at most 10,000 quotes)</span>');
    expect(en).toContain('<span class="sr-only"> (Remove this filter)</span>');
    expect(en).not.toMatch(/（all|（Remove/);
    const ja = await (await page('/?q=%E4%BB%8B%E8%AD%B7&tag=care-anxiety')).text();
    expect(ja).toContain('<span class="help">（全ページ・最大10,000件）</span>');
    // A topic's keywords are listed with the language's separator.
    const keywords = (html: string) => /<span class="label">[^<]*:<\/span> ([^<]*)</.exec(html)?.[1] ?? '';
    const enKeywords = keywords(await (await page('/tags/work-balance?lang=en')).text());
    expect(enKeywords).toContain('時間配分, 両立');
    expect(keywords(await (await page('/tags/work-balance')).text())).toContain('時間配分、両立');
  });
});

describe('export', () => {
  const query = 'q=%E4%BB%8B%E8%AD%B7';

  async function allHits(params: string): Promise<SearchPage['hits']> {
    const hits: SearchPage['hits'] = [];
    let cursor: string | null = null;
    do {
      const res = await app.request(`/search?${params}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await res.json()) as SearchPage;
      hits.push(...body.hits);
      cursor = body.nextCursor;
    } while (cursor);
    return hits;
  }

  it('exports every page as CSV with citation columns, by format=csv or Accept: text/csv', async () => {
    const hits = await allHits(query);
    const byParam = await app.request(`/search?${query}&format=csv&limit=3`);
    expect(byParam.status).toBe(200);
    expect(byParam.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byParam.headers.get('x-total-count')).toBe(String(hits.length));
    const csv = await byParam.text();
    const byAccept = await app.request(`/search?${query}`, { headers: { accept: 'text/csv' } });
    expect(await byAccept.text()).toBe(csv);
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const ids = lines
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(',')[0]);
    expect(ids).toEqual(hits.map((h) => h.quoteId));
  });

  it('exports JSON citations with the interview URL and a link to the reader', async () => {
    const res = await app.request(`/search?tag=care-anxiety&format=json`);
    const body = (await res.json()) as {
      total: number;
      rows: number;
      truncated: boolean;
      quotes: Array<{ quoteId: string; url: string | null; link: string; tags: string[]; text: string }>;
    };
    expect(body.rows).toBe(body.total);
    expect(body.truncated).toBe(false);
    expect(body.quotes.every((q) => q.tags.includes('care-anxiety'))).toBe(true);
    expect(body.quotes[0]?.link).toMatch(/^http:\/\/localhost\/interviews\/[^#]+#/);
    const hits = await allHits('tag=care-anxiety');
    expect(body.quotes.map((q) => q.text)).toEqual(hits.map((h) => h.text));
  });

  it('a JSON export says whom an interviewee name stood for, as the search page does', async () => {
    type Named = { id: string; name: string; role: string; interviews: string[] };
    const name = encodeURIComponent('小林');
    const searched = (await (await app.request(`/search?interviewee=${name}`)).json()) as {
      total: number;
      people?: Record<string, Named[]>;
    };
    expect(searched.people?.小林?.map((p) => p.name)).toEqual(['小林由紀']);
    const exported = await app.request(`/search?interviewee=${name}&format=json`);
    expect(exported.status).toBe(200);
    const body = (await exported.json()) as {
      rows: number;
      people?: Record<string, Named[]>;
      quotes: Array<{ speakerId: string | null }>;
    };
    expect(body.people).toEqual(searched.people);
    expect(body.rows).toBe(searched.total);
    const id = searched.people?.小林?.[0]?.id;
    expect(new Set(body.quotes.map((q) => q.speakerId))).toEqual(new Set([id]));
    // An id is exact and stands for nobody else: no `people`, in the export as in the search.
    const byId = (await (await app.request(`/search?interviewee=${id}&format=json`)).json()) as object;
    expect(byId).not.toHaveProperty('people');
    expect(
      (await (await app.request(`/search?tag=care-anxiety&format=json`)).json()) as object,
    ).not.toHaveProperty('people');
  });

  it('neutralises spreadsheet formulas in untrusted cells and quotes what needs quoting', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('一行目\n二行目')).toBe('"一行目\n二行目"');
    expect(csvField(null)).toBe('');
  });

  it('stops at the row and byte bounds', async () => {
    const index = await rt.indexer.provider().get();
    const read = async (s: ReadableStream<Uint8Array>) => new Response(s).text();
    const capped = await exportStream({
      service: rt.service,
      index,
      params: { q: '', tags: ['money-income'] },
      format: 'json',
      origin: 'http://x',
      maxRows: 3,
    });
    expect(capped.truncated).toBe(true);
    const body = JSON.parse(await read(capped.body)) as {
      rows: number;
      truncated: boolean;
      quotes: unknown[];
    };
    expect(body.quotes).toHaveLength(3);
    expect(body).toMatchObject({ rows: 3, truncated: true });
    const small = await exportStream({
      service: rt.service,
      index,
      params: { q: '', tags: ['money-income'] },
      format: 'csv',
      origin: 'http://x',
      maxBytes: 2_000,
    });
    const csv = await read(small.body);
    expect(Buffer.byteLength(csv)).toBeLessThanOrEqual(2_000);
    expect(csv.split('\r\n').length).toBeGreaterThan(2);
  });

  it('rejects a bad export before sending anything', async () => {
    const res = await app.request(`/search?${query}&format=xml`);
    expect(res.status).toBe(400);
  });
});

describe('POST /interviews/preview', () => {
  it('needs the write token', async () => {
    const res = await app.request('/interviews/preview', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '聞き手：質問？\n山田：答えです。',
    });
    expect(res.status).toBe(401);
  });

  it('answers the parsed turns and their tags without storing anything', async () => {
    const res = await app.request('/interviews/preview?id=preview-only', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, '06-prefixed-qa.txt')),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      interview: { id: string; turns: Array<{ id: string; speaker: string }> };
      tags: Record<string, string[]>;
      exists: boolean;
      conflict: boolean;
    };
    expect(body.interview.id).toBe('preview-only');
    expect(body.conflict).toBe(false);
    expect(body.interview.turns.length).toBeGreaterThan(3);
    expect(body.exists).toBe(false);
    expect(Object.values(body.tags).flat().length).toBeGreaterThan(0);
    expect((await app.request('/interviews/preview-only')).status).toBe(404);
    const again = await app.request('/interviews/preview?id=yuki', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: read(join(samplesDir, '04-dash-yuki.txt')),
    });
    expect(((await again.json()) as { exists: boolean }).exists).toBe(true);
  });

  it('warns when a derived id is held by another source (the save would answer 409)', async () => {
    const post = (path: string, body: string) =>
      app.request(path, { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body });
    const mine = '聞き手：質問はありますか？\n山田：はい、あります。';
    type Preview = { interview: { id: string }; exists: boolean; conflict: boolean };
    const first = (await (await post('/interviews/preview', mine)).json()) as Preview;
    expect(first).toMatchObject({ exists: false, conflict: false });
    // Someone stores another transcript under exactly that id, naming it.
    const theirs = '聞き手：別の質問？\n佐藤：別の答えです。';
    expect((await post(`/interviews?id=${first.interview.id}`, theirs)).status).toBe(201);
    const again = (await (await post('/interviews/preview', mine)).json()) as Preview;
    expect(again).toMatchObject({ exists: true, conflict: true });
    expect((await post('/interviews', mine)).status).toBe(409);
    // Naming the id says "replace it": no conflict.
    const named = (await (
      await post(`/interviews/preview?id=${first.interview.id}`, mine)
    ).json()) as Preview;
    expect(named).toMatchObject({ exists: true, conflict: false });
  });

  it('names the line of a transcript it cannot parse', async () => {
    const res = await app.request('/interviews/preview', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: '',
    });
    expect([400, 422]).toContain(res.status);
  });
});

describe('the editor’s name', () => {
  it('reaches the audit trail from a percent-encoded X-Actor (browsers send only Latin-1 headers)', async () => {
    const res = await app.request('/quotes/yuki-t004/tags', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': encodeURIComponent('山田 花子') },
      body: JSON.stringify({ tags: ['actor-check'] }),
    });
    expect(res.status).toBe(200);
    expect((await rt.store.getQuoteTags('yuki-t004')).updatedBy).toBe('山田 花子');
  });
});

describe('OpenAPI', () => {
  it('documents the preview and the export parameter', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    expect(doc.paths['/interviews/preview']).toHaveProperty('post');
    expect(doc.paths['/search']?.get?.parameters?.map((p) => p.name)).toContain('format');
  });
});

describe('assets', () => {
  it('serves the hashed script and stylesheet with immutable caching, and 304 on a match', async () => {
    const html = await (await page('/')).text();
    const js = /src="(\/assets\/console\.[0-9a-f]{12}\.js)"/.exec(html)?.[1];
    const css = /href="(\/assets\/console\.[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    expect(js && css).toBeTruthy();
    const script = await app.request(js as string);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe(CLIENT_JS);
    const etag = script.headers.get('etag') as string;
    expect((await app.request(js as string, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect(await (await app.request(css as string)).text()).toBe(CLIENT_CSS);
    expect((await app.request('/assets/other.js')).status).toBe(404);
  });

  it('are generated from the current client sources (run npm run build:console after editing them)', async () => {
    const built = await buildConsoleAssets();
    expect(built.js).toBe(CLIENT_JS);
    expect(built.css).toBe(CLIENT_CSS);
  });
});

// Last: it edits the taxonomy the other tests' tags come from.
describe('topics edited over the API', () => {
  const JSON_WRITE = { ...AUTH, 'content-type': 'application/json' };

  it('are labelled with their ja/en labels on every page, and follow a rename', async () => {
    const created = await app.request('/topics', {
      method: 'POST',
      headers: JSON_WRITE,
      body: JSON.stringify({
        topic: {
          id: 'opening-days',
          label: '営業日の工夫',
          labelEn: 'Opening days',
          description: 'How many days a shop opens, and why.',
          threshold: 1,
          evidence: [{ phrase: '週4日', weight: 1 }],
        },
      }),
    });
    expect(created.status).toBe(201);
    // The quotes are re-scored in the background; the index follows each rewrite.
    await rt.jobs.idle();
    const tagged = (await (await app.request('/search?q=&tag=opening-days')).json()) as SearchPage;
    expect(tagged.total).toBeGreaterThan(0);

    const chip = (label: string) => new RegExp(`class="tag"[^>]*>${label}<`);
    const tagPage = await (await page('/tags/opening-days')).text();
    expect(tagPage).toContain('<h1>タグ「営業日の工夫」の発言</h1>');
    expect(await (await page('/tags/opening-days?lang=en')).text()).toContain(
      '<h1>Quotes tagged “Opening days”</h1>',
    );
    // The cards and the facets of a search, and the tag list, name it by label, not by id.
    const search = await (await page('/?tag=opening-days')).text();
    expect(search).toMatch(chip('営業日の工夫'));
    expect(search).not.toMatch(chip('opening-days'));
    expect(search).toContain('タグ: 営業日の工夫');
    const en = await (await page('/?tag=opening-days&lang=en')).text();
    expect(en).toMatch(chip('Opening days'));
    expect(await (await page('/tags')).text()).toContain('営業日の工夫');

    const renamed = await app.request('/topics/opening-days', {
      method: 'PUT',
      headers: JSON_WRITE,
      body: JSON.stringify({ label: '営業日', labelEn: 'Days open' }),
    });
    expect(renamed.status).toBe(200);
    await rt.jobs.idle();
    expect(await (await page('/?tag=opening-days')).text()).toMatch(chip('営業日'));
    expect(await (await page('/tags/opening-days?lang=en')).text()).toContain('Quotes tagged “Days open”');
  });
});

describe('an interviewee filter that names nobody or several people', () => {
  const talk = (title: string, name: string) =>
    [
      '---',
      `title: ${title}`,
      '---',
      '聞き手：介護と仕事の両立はどうしていますか？',
      `${name}：介護の日は仕事を入れないようにしています。`,
      '聞き手：大変ではないですか？',
      `${name}：家族に助けてもらっています。`,
    ].join('\n');

  it('keeps the search and lists the people meant as links, instead of an error page', async () => {
    const ids: string[] = [];
    for (const [id, title, name] of [
      ['suzuki-a', '座談会A', '鈴木花子'],
      ['suzuki-b', '座談会B', '鈴木健'],
    ] as const) {
      const res = await app.request(`/interviews?id=${id}&format=prefixed`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        body: talk(title, name),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { interviewee: { id: string } }).interviewee.id);
    }
    // The API's answer is unchanged: a 400 naming the candidates.
    const api = await app.request('/search?q=%E4%BB%8B%E8%AD%B7&interviewee=%E9%88%B4%E6%9C%A8');
    expect(api.status, await api.clone().text()).toBe(400);

    const several = await page('/?q=%E4%BB%8B%E8%AD%B7&interviewee=%E9%88%B4%E6%9C%A8');
    expect(several.status).toBe(400);
    const html = await several.text();
    expect(html).toContain('「鈴木」に当たる人が複数います');
    expect(html).toMatch(/<input[^>]*name="q"[^>]*value="介護"|<input[^>]*value="介護"[^>]*name="q"/);
    for (const id of ids) expect(html).toContain(`interviewee=${id}`);
    expect(html).toContain('鈴木花子');
    expect(html).toContain('鈴木健');
    // Each candidate says where they speak, so namesakes are told apart by more than an id.
    expect(html).toContain('「座談会A」');
    expect(html).toContain('「座談会B」');
    expect(html).not.toContain('give a full name');
    // Each link searches that person's quotes.
    const chosen = await page(`/?q=%E4%BB%8B%E8%AD%B7&interviewee=${ids[0]}`);
    expect(chosen.status).toBe(200);
    expect(await chosen.text()).toContain('鈴木花子');

    const nobody = await page(
      '/?q=%E4%BB%8B%E8%AD%B7&interviewee=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E4%BA%BA',
    );
    expect(nobody.status).toBe(400);
    const none = await nobody.text();
    expect(none).toContain('「存在しない人」という名前の話者は');
    expect(none).toContain('href="/?q=%E4%BB%8B%E8%AD%B7"');
    const en = await (await page('/?q=%E4%BB%8B%E8%AD%B7&interviewee=%E9%88%B4%E6%9C%A8&lang=en')).text();
    expect(en).toContain('“鈴木” fits several people');
  });

  it('lists one person interviewed twice once in the facet, linked by the name that finds both', async () => {
    const ids: string[] = [];
    for (const [id, title] of [
      ['kimura-1', '木村さん一回目'],
      ['kimura-2', '木村さん二回目'],
    ] as const) {
      const res = await app.request(`/interviews?id=${id}&format=prefixed`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        body: talk(title, '木村拓也'),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { interviewee: { id: string } }).interviewee.id);
    }
    // Two interviews, two person ids of one name (people are per interview).
    expect(new Set(ids).size).toBe(2);
    const html = await (await page('/?q=%E4%BB%8B%E8%AD%B7')).text();
    const facet = html.slice(html.indexOf('id="facet-people"'));
    const entries = facet.slice(0, facet.indexOf('</ul>')).match(/木村拓也/g) ?? [];
    expect(entries).toHaveLength(1);
    expect(facet).toContain(`interviewee=${encodeURIComponent('木村拓也')}`);
    for (const id of ids) expect(facet.slice(0, facet.indexOf('</ul>'))).not.toContain(`interviewee=${id}`);
    // The name finds the quotes of both.
    const both = await (
      await app.request(`/search?q=%E4%BB%8B%E8%AD%B7&interviewee=${encodeURIComponent('木村拓也')}`)
    ).json();
    expect(
      new Set((both as { hits: Array<{ interviewId: string }> }).hits.map((h) => h.interviewId)),
    ).toEqual(new Set(['kimura-1', 'kimura-2']));
  });

  it('says whom a name stood for, and never joins the interviewer of that name to an interviewee', async () => {
    // This runtime indexes no readings: the interviewee is printed 山本たけし (with readings,
    // 山本武司 is found by たけし the same way: tests/unit/search-people.test.ts).
    for (const [id, body] of [
      [
        'takeshi-asks',
        [
          '---',
          'title: たけしが聞く介護',
          'interviewer: たけし',
          '---',
          'たけし：介護の話を聞かせてください。',
          '川口：介護は母のためです。',
          'たけし：介護と仕事は？',
          '川口：介護休暇を使います。',
        ],
      ],
      [
        'yamamoto-says',
        [
          '---',
          'title: 山本たけしさんの介護',
          '---',
          '聞き手：介護はどうですか？',
          '山本たけし：介護は大変です。',
          '聞き手：仕事は？',
          '山本たけし：介護と両立しています。',
        ],
      ],
    ] as const) {
      const res = await app.request(`/interviews?id=${id}&format=prefixed`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        body: body.join('\n'),
      });
      expect(res.status).toBe(201);
    }
    const api = (await (
      await app.request(`/search?q=%E4%BB%8B%E8%AD%B7&interviewee=${encodeURIComponent('たけし')}`)
    ).json()) as {
      hits: Array<{ speaker: { name: string; role: string } }>;
      people: Record<string, Array<{ name: string; role: string }>>;
    };
    expect(new Set(api.hits.map((h) => `${h.speaker.name}/${h.speaker.role}`))).toEqual(
      new Set(['山本たけし/interviewee']),
    );
    expect(api.people.たけし?.map((p) => p.name)).toEqual(['山本たけし']);
    const html = await (
      await page(`/?q=%E4%BB%8B%E8%AD%B7&interviewee=${encodeURIComponent('たけし')}`)
    ).text();
    expect(html).toContain('たけし（山本たけし）');
    expect(html).not.toContain('介護の話を聞かせてください');
    // The response field is documented.
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(JSON.stringify(doc.paths['/search'])).toContain('"people"');
  });
});
