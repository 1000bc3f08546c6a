/**
 * The console in a real browser (Debian's Chromium through playwright-core) against `npm start`'s
 * server with the samples and a few real livedoor interviews: search → highlighted card → facet
 * → reader at the turn; the profile; tag editing in two tabs (the 409 path); upload with preview;
 * CSV export compared with the API's JSON. Screenshots land in tests/browser/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../lib/export.ts';
import type { SearchHit, SearchPage } from '../../lib/search/index.ts';
import { makeDocx } from '../helpers/docx.ts';
import { encodeJapanese } from '../helpers/encodings.ts';
import { available, corporaDir, filesIn, read, samplesDir } from '../helpers/shared.ts';
import {
  axeViolations,
  chromiumAvailable,
  enterToken,
  launchBrowser,
  newTab,
  parseCsv,
  type Server,
  shot,
  startServer,
  TOKEN,
} from './harness.ts';

const LIVEDOOR = join(corporaDir, 'livedoor-interviews');
/** Three real interviews (of 119): a singer, a columnist, a film interview. */
const REAL = ['peachy', 'dokujo-tsushin', 'movie-enter'];
const AUTH = { authorization: `Bearer ${TOKEN}` };

const run = chromiumAvailable();
let server: Server;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
const errors: string[] = [];
let realLoaded: string[] = [];

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, init);
  expect(res.status, path).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Every hit of a search, following the API's cursors (as a script would). */
async function allHits(params: string): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  let cursor: string | null = null;
  do {
    const page: SearchPage = await api(`/search?${params}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    hits.push(...page.hits);
    cursor = page.nextCursor;
  } while (cursor);
  return hits;
}

async function totalShown(page: Page): Promise<number> {
  return Number(((await page.textContent('.total strong')) ?? '').replace(/\D/g, ''));
}

describe.runIf(run)('console in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    if (available(LIVEDOOR, 'real livedoor interviews in the browser tests')) {
      for (const category of REAL) {
        const file = filesIn(join(LIVEDOOR, category), '.txt')[0];
        if (!file) continue;
        const id = basename(file, '.txt');
        await api(`/interviews?id=${id}`, {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'text/plain' },
          body: read(file),
        });
        realLoaded.push(id);
      }
    }
    browser = await launchBrowser();
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    realLoaded = [];
  });

  it('searches, narrows by a facet and opens the reader at the quote', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/`);
    await shot(page, 'start');
    // Suggestions come while typing.
    await page.locator('#q').pressSequentially('クラ', { delay: 50 });
    await page.waitForSelector('#q-suggestions option', { state: 'attached' });
    expect(await page.locator('#tag-suggestions a', { hasText: 'クラウドソーシング' }).count()).toBe(1);
    await page.fill('#q', '介護');
    await page.press('#q', 'Enter');
    await page.waitForURL(/\?q=%E4%BB%8B%E8%AD%B7/);
    const api1: SearchPage = await api('/search?q=%E4%BB%8B%E8%AD%B7');
    const total = await totalShown(page);
    expect(total).toBe(api1.total);
    const first = page.locator('.card').first();
    expect(await first.locator('mark').first().textContent()).toBe('介護');
    await shot(page, 'search');

    // A facet with fewer quotes than the whole result narrows it to exactly its count.
    const facets = page.locator('#facet-people + ul a');
    let chosen = -1;
    let expected = 0;
    for (let i = 0; i < (await facets.count()); i++) {
      const n = Number(await facets.nth(i).locator('.count').textContent());
      if (n < total) {
        chosen = i;
        expected = n;
        break;
      }
    }
    expect(chosen).toBeGreaterThanOrEqual(0);
    const name = (await facets.nth(chosen).locator('.facet-label').textContent()) ?? '';
    await facets.nth(chosen).click();
    await page.waitForURL(/interviewee=/);
    expect(await totalShown(page)).toBe(expected);
    expect(await page.locator('#facet-people + ul a[aria-current="true"]').textContent()).toContain(name);
    expect(await page.locator('.active-filters .chip').textContent()).toContain(name);
    // Every card is the interviewee's own words or a question put to them.
    const cards = page.locator('.card');
    for (let i = 0; i < (await cards.count()); i++) {
      const speaker = (await cards.nth(i).locator('.speaker').textContent())?.trim();
      const role = (await cards.nth(i).locator('.role').getAttribute('class')) ?? '';
      expect(speaker === name || role.includes('role-interviewer'), `${speaker} ${role}`).toBe(true);
    }
    await shot(page, 'search-facet');

    // The interview title opens the reader at that turn, marked, scrolled into view.
    const card = page.locator('.card').first();
    const quoteId = await card.getAttribute('data-quote-id');
    await card.locator('.source a').click();
    await page.waitForURL(/\/interviews\//);
    const current = page.locator('.turn.current');
    expect(await current.getAttribute('id')).toBe(quoteId);
    expect(await current.locator('mark').count()).toBeGreaterThan(0);
    const top = await current.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(900);
    await shot(page, 'reader');
    await page.close();
  }, 90_000);

  it('suggests for what an IME commits, not for the unconverted text while a word is composed', async () => {
    const page = await newTab(context, errors);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/suggest?')) asked.push(new URL(r.url()).searchParams.get('q') ?? '');
    });
    await page.goto(`${server.url}/`);
    await page.locator('#q').click();
    // What a Japanese IME does for "kurauxdo": composition updates, then the commit.
    const cdp = await context.newCDPSession(page);
    for (const s of ['k', 'く', 'くr', 'くら', 'くらu', 'くらう', 'クラウ', 'クラウd', 'クラウド']) {
      await cdp.send('Input.imeSetComposition', {
        text: s,
        selectionStart: s.length,
        selectionEnd: s.length,
      });
      // Longer than the suggestions' debounce, as a person composes.
      await page.waitForTimeout(200);
    }
    await cdp.send('Input.insertText', { text: 'クラウド' });
    await page.waitForSelector('#tag-suggestions a', { state: 'attached' });
    expect(await page.locator('#q').inputValue()).toBe('クラウド');
    expect(asked).toEqual(['クラウド']);
    expect(await page.locator('#tag-suggestions a', { hasText: 'クラウドソーシング' }).count()).toBe(1);
    await cdp.detach();
    await page.close();
  });

  it('works without JavaScript for search and reading', async () => {
    const page = await newTab(context, errors);
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.goto(`${server.url}/?tag=crowdsourcing`);
    expect(await page.locator('.card').count()).toBeGreaterThan(0);
    await page.fill('#q', 'ランサーズ');
    await page.press('#q', 'Enter');
    await page.waitForURL(/q=/);
    // The tag filter was kept by the form.
    expect(page.url()).toContain('tag=crowdsourcing');
    expect(await page.locator('.card mark').count()).toBeGreaterThan(0);
    await page.locator('.card .source a').first().click();
    await page.waitForURL(/\/interviews\//);
    expect(await page.locator('.turn.current').count()).toBe(1);
    await page.close();
  }, 60_000);

  it('shows an interviewee profile with tags, evidence and interviews', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E3%82%AD%E3%83%A3%E3%83%B3%E3%83%97`); // キャンプ
    const link = page.locator('.card .speaker a').first();
    const name = (await link.textContent())?.trim();
    await link.click();
    await page.waitForURL(/\/people\//);
    expect((await page.textContent('h1'))?.trim()).toBe(name);
    expect(await page.locator('.person-tags li').count()).toBeGreaterThan(0);
    expect(await page.locator('#person-interviews + ul a').count()).toBeGreaterThan(0);
    expect(await page.locator('#evidence + ol .card').count()).toBeGreaterThan(0);
    await shot(page, 'profile');
    await page.close();
  }, 60_000);

  it('checks a token with one audit read: a wrong one is refused, the right one accepted', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
    const checks: string[] = [];
    page.on('request', (r) => {
      if (r.headers().authorization)
        checks.push(`${r.method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`);
    });
    await page.click('#token-button');
    await page.fill('#token-input', 'not-the-token');
    await page.click('#token-form button[type=submit]');
    await page.locator('#token-status.error').waitFor();
    expect(await page.locator('#token-button.on').count()).toBe(0);
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-button.on');
    expect(checks).toEqual(['GET /audit?limit=1', 'GET /audit?limit=1']);
    await page.close();
  }, 60_000);

  it('adds and removes a quote tag with the token entered once per tab', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
    // Read-only until the token is given: no editing controls.
    expect(await page.locator('.edit-start').count()).toBe(0);
    await enterToken(page, TOKEN, '山田');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(page.url()).not.toContain(TOKEN);
    const card = page.locator('.card').first();
    const quoteId = (await card.getAttribute('data-quote-id')) as string;
    await card.locator('.edit-start').click();
    await card.locator('.tag-add input').fill('console-check');
    const [post] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/quotes/${quoteId}/tags`)),
      card.locator('.tag-add button').click(),
    ]);
    // The token travels in the Authorization header only; the editor's name percent-encoded.
    expect(post.headers().authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers()['x-actor']).toBe(encodeURIComponent('山田'));
    expect(post.url()).not.toContain(TOKEN);
    await card.locator('.edit-status.ok').waitFor();
    expect(await card.locator('[data-tag="console-check"]').count()).toBe(1);
    const added: { tags: string[]; version: number } = await api(`/quotes/${quoteId}`);
    expect(added.tags).toContain('console-check');
    await shot(page, 'tag-edit');
    await card
      .locator('li.tag-edit', { has: page.locator('[data-tag="console-check"]') })
      .locator('.tag-remove')
      .click();
    await expect
      .poll(async () => ((await api(`/quotes/${quoteId}`)) as { version: number }).version, {
        timeout: 10_000,
      })
      .toBe(added.version + 1);
    const removed: { tags: string[] } = await api(`/quotes/${quoteId}`);
    expect(removed.tags).not.toContain('console-check');
    await card.locator('.edit-status.ok').waitFor();
    expect(await card.locator('[data-tag="console-check"]').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('adds a tag by the Japanese label the editor sees, and says so when no tag has that name', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
    await enterToken(page);
    const card = page.locator('.card').nth(1);
    const quoteId = (await card.getAttribute('data-quote-id')) as string;
    const before: { tags: string[]; version: number } = await api(`/quotes/${quoteId}`);
    await card.locator('.edit-start').click();
    // A name no tag has: a message in the page's language, nothing sent.
    await card.locator('.tag-add input').fill('存在しないタグ名');
    await card.locator('.tag-add button').click();
    await expect.poll(() => card.locator('.edit-status.error').textContent()).toContain('存在しないタグ名');
    expect(((await api(`/quotes/${quoteId}`)) as { version: number }).version).toBe(before.version);
    // 健康 is part of one label only, 健康・休息 (health-rest).
    const label = before.tags.includes('health-rest') ? '動機' : '健康';
    const id = label === '健康' ? 'health-rest' : 'motivation-values';
    await card.locator('.tag-add input').fill(label);
    await card.locator('.tag-add button').click();
    await card.locator('.edit-status.ok').waitFor();
    expect(await card.locator(`[data-tag="${id}"]`).count()).toBe(1);
    const after: { tags: string[] } = await api(`/quotes/${quoteId}`);
    expect(after.tags).toContain(id);
    await page.close();
  }, 60_000);

  it('says a change is being saved instead of leaving an earlier refusal up while it is sent', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
    await enterToken(page);
    const card = page.locator('.card').nth(2);
    const quoteId = (await card.getAttribute('data-quote-id')) as string;
    await card.locator('.edit-start').click();
    await card.locator('.tag-add input').fill('存在しないタグ名');
    await card.locator('.tag-add button').click();
    await expect.poll(() => card.locator('.edit-status.error').textContent()).toContain('存在しないタグ名');
    // Hold the save on the wire, as a slow network or a busy server would, and read the status then.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route(`**/quotes/${quoteId}/tags`, async (route) => {
      await held;
      await route.continue();
    });
    await card.locator('.tag-add input').fill('status-check');
    await card.locator('.tag-add button').click();
    await expect.poll(() => card.locator('.edit-status').textContent()).toBe('保存しています…');
    expect(await card.locator('.edit-status.error').count()).toBe(0);
    release();
    await card.locator('.edit-status.ok').waitFor();
    expect(await card.locator('.edit-status').textContent()).toBe('保存しました');
    await page.unroute(`**/quotes/${quoteId}/tags`);
    // Put the quote back as it was for the tests after this one.
    await card
      .locator('li.tag-edit', { has: page.locator('[data-tag="status-check"]') })
      .locator('.tag-remove')
      .click();
    await expect
      .poll(async () => ((await api(`/quotes/${quoteId}`)) as { tags: string[] }).tags)
      .not.toContain('status-check');
    await page.close();
  }, 60_000);

  it('lists the tags a name fits by their English labels and with commas on an English page', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7&lang=en`);
    await enterToken(page);
    const card = page.locator('.card').first();
    await card.locator('.edit-start').click();
    // Part of three English labels (Money and income, Family and partner, Side-job policy and
    // society); the space keeps it from reading as a new tag's id.
    await card.locator('.tag-add input').fill('y and');
    await card.locator('.tag-add button').click();
    await expect.poll(() => card.locator('.edit-status.error').textContent()).toContain('fits several tags');
    const text = (await card.locator('.edit-status.error').textContent()) ?? '';
    expect(text).toMatch(/Money and income, |, Money and income/);
    expect(text).not.toContain('、');
    await page.close();
  }, 60_000);

  it('adds and removes an interviewee’s tag on the profile', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/people/kenji_camp`);
    await enterToken(page);
    const box = page.locator('.person-manual');
    await box.locator('.edit-start').click();
    await box.locator('.tag-add input').fill('mentor');
    await box.locator('.tag-add button').click();
    await box.locator('.edit-status.ok').waitFor();
    type Profile = { tags: Array<{ id: string; source: string }> };
    const added: Profile = await api('/interviewees/kenji_camp');
    expect(added.tags).toContainEqual(expect.objectContaining({ id: 'mentor', source: 'manual' }));
    await shot(page, 'profile-edit');
    await box
      .locator('li.tag-edit', { has: page.locator('[data-tag="mentor"]') })
      .locator('.tag-remove')
      .click();
    await expect
      .poll(async () => ((await api('/interviewees/kenji_camp')) as Profile).tags.map((t) => t.id), {
        timeout: 10_000,
      })
      .not.toContain('mentor');
    await page.close();
  }, 60_000);

  it('offers a person of the same full name in another interview, and merges them in edit mode', async () => {
    const ids: string[] = [];
    for (const [id, answer] of [
      ['same-name-a', '木工を始めて十年です。'],
      ['same-name-b', '今は家具の修理もしています。'],
    ] as const) {
      await api(`/interviews?id=${id}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        body: `木工家に聞く\n聞き手：木工はいつから？\n真壁良太郎：${answer}\n`,
      });
      const iv: { interviewees: Array<{ id: string; name: string }> } = await api(`/interviews/${id}`);
      ids.push(iv.interviewees.find((p) => p.name === '真壁良太郎')?.id ?? '');
    }
    const [here, other] = ids as [string, string];
    expect(here).not.toBe(other);
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/people/${here}`);
    const item = page.locator(`#same-name ~ ul [data-merge="${other}"]`);
    expect(await item.locator('a').textContent()).toBe('真壁良太郎');
    // The merge button appears in edit mode only.
    expect(await page.locator('.merge-here').count()).toBe(0);
    await enterToken(page);
    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForEvent('load'), item.locator('.merge-here').click()]);
    await expect.poll(async () => (await fetch(`${server.url}/interviewees/${other}`)).status).toBe(404);
    const person: { interviews: Array<{ id: string }> } = await api(`/interviewees/${here}/person`);
    expect(person.interviews.map((i) => i.id).sort()).toEqual(['same-name-a', 'same-name-b']);
    expect(await page.locator('#same-name').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('shows what changed when another tab edited the same quote (409) and retries on top of it', async () => {
    const a = await newTab(context, errors);
    const b = await newTab(context, errors);
    for (const p of [a, b]) {
      await p.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
      await enterToken(p);
    }
    const cardA = a.locator('.card').nth(1);
    const quoteId = (await cardA.getAttribute('data-quote-id')) as string;
    const cardB = b.locator(`.card[data-quote-id="${quoteId}"]`);
    await cardA.locator('.edit-start').click();
    await cardA.locator('.tag-add input').waitFor();
    await cardB.locator('.edit-start').click();
    await cardB.locator('.tag-add input').fill('from-tab-b');
    await cardB.locator('.tag-add button').click();
    await cardB.locator('.edit-status.ok').waitFor();

    await cardA.locator('.tag-add input').fill('from-tab-a');
    await cardA.locator('.tag-add button').click();
    const conflict = cardA.locator('.conflict');
    await conflict.waitFor({ state: 'visible' });
    expect(await conflict.textContent()).toContain('from-tab-b');
    // The editor now shows the latest tags, without A's change.
    expect(await cardA.locator('[data-tag="from-tab-b"]').count()).toBe(1);
    expect(await cardA.locator('[data-tag="from-tab-a"]').count()).toBe(0);
    await shot(a, 'tag-conflict');
    expect(await axeViolations(a), 'the editor and the conflict box').toEqual([]);
    await conflict.locator('.conflict-retry').click();
    await cardA.locator('.edit-status.ok').waitFor();
    const after: { tags: string[] } = await api(`/quotes/${quoteId}`);
    expect(after.tags).toEqual(expect.arrayContaining(['from-tab-a', 'from-tab-b']));
    await a.close();
    await b.close();
  }, 60_000);

  it('uploads a dropped transcript after showing its parsed turns', async () => {
    const file = realLoaded.length > 0 ? filesIn(join(LIVEDOOR, 'livedoor-homme'), '.txt')[0] : undefined;
    const path = file ?? join(samplesDir, '06-prefixed-qa.txt');
    const text = read(path);
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/upload`);
    expect(await page.locator('#upload-form').isHidden()).toBe(true);
    await enterToken(page);
    await page.locator('#upload-form').waitFor({ state: 'visible' });
    await page.evaluate(
      ({ name, body }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([body], name, { type: 'text/plain' }));
        document
          .getElementById('drop-zone')
          ?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { name: basename(path), body: text },
    );
    await page.fill('#upload-id', 'uploaded-in-browser');
    await page.click('#upload-preview');
    await page.locator('#upload-preview-area').waitFor({ state: 'visible' });
    const preview: { interview: { title: string; turns: unknown[] } } = await api(
      '/interviews/preview?id=uploaded-in-browser',
      { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: text },
    );
    expect(await page.locator('.preview-table tbody tr').count()).toBe(
      Math.min(200, preview.interview.turns.length),
    );
    // Nothing is stored by the preview.
    expect((await fetch(`${server.url}/interviews/uploaded-in-browser`)).status).toBe(404);
    await shot(page, 'upload-preview');
    expect(await axeViolations(page), 'the upload preview').toEqual([]);
    await page.click('#upload-save');
    await page.locator('#upload-saved-link').click();
    await page.waitForURL(/\/interviews\/uploaded-in-browser/);
    expect((await page.textContent('h1'))?.trim()).toBe(preview.interview.title);
    await page.close();
  }, 60_000);

  it('uploads a dropped Word document as its bytes, not as decoded text', async () => {
    // The page once read every file with file.text(): a .docx (a zip) arrived mangled and
    // the preview failed, though the API reads .docx (README: upload takes any layout).
    const docx = await makeDocx([
      'Word座談会',
      '聞き手：ランサーズを使い始めたのはいつですか？',
      '佐藤：三年前です。最初は単価が安くて苦労しました。',
      '聞き手：今はどうですか？',
      '佐藤：継続のクライアントが増えて、収入も安定しています。',
    ]);
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/upload`);
    await enterToken(page);
    await page.locator('#upload-form').waitFor({ state: 'visible' });
    await page.evaluate(
      ({ name, bytes }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name));
        document
          .getElementById('drop-zone')
          ?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { name: 'mojiokoshi.docx', bytes: [...docx] },
    );
    await page.fill('#upload-id', 'docx-in-browser');
    await page.click('#upload-preview');
    await page.locator('#upload-preview-area').waitFor({ state: 'visible' });
    expect(await page.locator('.preview-table tbody tr').count()).toBe(4);
    await page.click('#upload-save');
    await page.locator('#upload-saved-link').waitFor({ state: 'visible' });
    const stored: { title: string; turns: { speaker: string }[] } = await api('/interviews/docx-in-browser');
    expect(stored.turns.map((t) => t.speaker)).toEqual(['聞き手', '佐藤', '聞き手', '佐藤']);
    await page.close();
  }, 60_000);

  it('reads a dropped Shift_JIS transcript in its encoding and says so before saving', async () => {
    // A Windows 文字起こし in Shift_JIS was stored as U+FFFD for every Japanese character; the API
    // now answers 415 naming the encoding, and the page asks again in it.
    const text = [
      '聞き手：副業を始めたきっかけは？',
      '田村：会社の収入だけでは不安だったからです。',
      '聞き手：時間はどう作っていますか？',
      '田村：朝の一時間を副業にあてています。',
      '',
    ].join('\n');
    const sjis = encodeJapanese(text, 'shift_jis');
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/upload`);
    await enterToken(page);
    await page.locator('#upload-form').waitFor({ state: 'visible' });
    await page.evaluate(
      ({ name, bytes }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/plain' }));
        document
          .getElementById('drop-zone')
          ?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { name: 'sjis.txt', bytes: [...sjis] },
    );
    await page.fill('#upload-id', 'sjis-in-browser');
    await page.click('#upload-preview');
    await page.locator('#upload-preview-area').waitFor({ state: 'visible' });
    expect(await page.textContent('#upload-charset')).toContain('shift_jis');
    expect(await page.locator('.preview-table tbody tr').count()).toBe(4);
    expect(await page.textContent('.preview-table tbody')).toContain('朝の一時間を副業にあてています。');
    expect(await axeViolations(page), 'the upload preview with its encoding notice').toEqual([]);
    await page.click('#upload-save');
    await page.locator('#upload-saved-link').waitFor({ state: 'visible' });
    const stored: { turns: { speaker: string; text: string }[] } = await api('/interviews/sjis-in-browser');
    expect(stored.turns.map((t) => t.speaker)).toEqual(['聞き手', '田村', '聞き手', '田村']);
    expect(stored.turns[1]?.text).toBe('会社の収入だけでは不安だったからです。');
    await page.close();
  }, 60_000);

  it('says a preview could not read a page that is no interview (not that saving failed)', async () => {
    // A news article dropped on the page: the preview's 422 read “could not save”, though
    // nothing was being saved.
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/upload`);
    await enterToken(page);
    await page.locator('#upload-form').waitFor({ state: 'visible' });
    await page.evaluate(() => {
      const dt = new DataTransfer();
      const body = '新製品が発表されました。\n\n価格は未定です。発売は来月の予定です。\n';
      dt.items.add(new File([body], 'news.txt', { type: 'text/plain' }));
      document
        .getElementById('drop-zone')
        ?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.click('#upload-preview');
    const status = page.locator('#upload-status.error');
    await status.waitFor({ state: 'visible' });
    const text = (await status.textContent()) ?? '';
    expect(text).toContain('読み取れませんでした');
    expect(text).toContain('422');
    expect(text).not.toContain('保存');
    expect(await page.locator('#upload-preview-area').isHidden()).toBe(true);
    await page.close();
  }, 60_000);

  it('exports the filtered result set as CSV that matches the API’s JSON', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?tag=money-income&speaker=interviewee`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.export a', { hasText: 'CSV' }).click(),
    ]);
    const rows = parseCsv(readFileSync((await download.path()) as string, 'utf8'));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const hits = await allHits('tag=money-income&speaker=interviewee');
    expect(hits.length).toBeGreaterThan(20); // more than one console page
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual(hits.map((h) => h.quoteId));
    body.forEach((r, i) => {
      const h = hits[i] as SearchHit;
      expect(r[1]).toBe(/^[=+\-@]/.test(h.text) ? `'${h.text}` : h.text);
      expect(r[2]).toBe(h.speaker.name);
      expect(r[3]).toBe('interviewee');
      expect(r[6]).toBe(h.interviewTitle);
      expect(r[8]).toBe(h.publishedAt ?? '');
      expect(r[9]).toBe(h.section ?? '');
      expect(r[11]).toBe(h.tags.join(';'));
    });
    await page.close();
  }, 60_000);

  it('finds quotes in real livedoor interviews', async () => {
    if (realLoaded.length === 0) return;
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=${encodeURIComponent('ハイヒール')}`);
    const card = page.locator('.card').first();
    expect(await card.locator('mark').first().textContent()).toBe('ハイヒール');
    await card.locator('.source a').click();
    await page.waitForURL(/\/interviews\/peachy-/);
    expect(await page.locator('.turn.current mark').count()).toBeGreaterThan(0);
    await shot(page, 'reader-livedoor');
    await page.close();
  }, 60_000);

  it('fits a phone screen and reads in English', async () => {
    const page = await newTab(context, errors);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [
      ['phone-search', '/?q=%E4%BB%8B%E8%AD%B7'],
      ['phone-reader', '/interviews/04-dash-yuki'],
      ['phone-tags', '/tags'],
      ['phone-upload', '/upload'],
    ]) {
      await page.goto(`${server.url}${path}`);
      // Nothing wider than the screen (no sideways scrolling).
      expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(390);
      await shot(page, name as string);
    }
    // Filters start folded on a phone.
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
    expect(await page.locator('.facets details').getAttribute('open')).toBeNull();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7&lang=en`);
    expect(await page.textContent('.facets h2')).toBe('Filters');
    await page.click('.lang');
    await page.waitForURL((u) => !u.search.includes('lang=en'));
    expect(await page.textContent('.facets h2')).toBe('絞り込み');
    await page.goto(`${server.url}/tags?lang=en`);
    await shot(page, 'tags-en');
    await page.close();
  }, 60_000);

  it('has no WCAG 2.1 A/AA violations axe-core can find, in Japanese, in English and at phone width', async () => {
    const page = await newTab(context, errors);
    const pages = [
      '/',
      '/?q=%E4%BB%8B%E8%AD%B7',
      '/?q=xyzzyqwvk',
      '/interviews/04-dash-yuki?q=%E4%BB%8B%E8%AD%B7&turn=04-dash-yuki-t004#04-dash-yuki-t004',
      '/people/kenji_camp',
      '/tags',
      '/tags/crowdsourcing',
      '/upload',
      '/?q=%E4%BB%8B%E8%AD%B7&lang=en',
      '/interviews/nope',
    ];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of pages) {
        await page.goto(`${server.url}${path}`);
        expect(await axeViolations(page), `${path} at ${width}px`).toEqual([]);
      }
    }
    await page.close();
  }, 120_000);

  it('lets a keyboard reach the search box, the results and the filters with visible focus', async () => {
    const page = await newTab(context, errors);
    await page.goto(`${server.url}/?q=%E4%BB%8B%E8%AD%B7`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Enter');
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return { tag: el?.tagName ?? '', id: el?.id ?? '', outline: style?.outlineStyle ?? 'none' };
      });
      seen.add(info.id || info.tag);
      expect(info.outline, `focus ring on ${info.tag}#${info.id}`).not.toBe('none');
    }
    expect(seen.has('q')).toBe(true);
    expect(seen.has('A')).toBe(true);
    await page.close();
  }, 60_000);

  it('ran without script errors', () => {
    expect(errors).toEqual([]);
  });
});
