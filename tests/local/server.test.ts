import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLocalConfig } from '../../lib/config.ts';
import { repoRoot } from '../helpers/shared.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Sends `request` as raw bytes (no client encodes its URL) and reads the whole answer. */
function rawRequest(url: string, request: string): Promise<{ head: string; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(Buffer.from(request, 'utf8')));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, at), body: text.slice(at + 4) });
    });
  });
}

let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGTERM');
  child = null;
});

/** Starts `npm start`'s entry point and resolves once it prints its URL. */
async function start(env: Record<string, string>): Promise<{ url: string; log: () => string }> {
  const port = await freePort();
  let log = '';
  child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'local', 'server.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), ...env },
  });
  child.stdout?.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60_000);
    child?.stderr?.on('data', (d) => {
      log += d;
      if (log.includes('kikigaki API on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child?.on('exit', (code) => reject(new Error(`server exited ${code}:\n${log}`)));
  });
  return { url: `http://localhost:${port}`, log: () => log };
}

describe('npm start (local/server.ts)', () => {
  it('serves the API over the embedded store with the samples loaded and a saved token', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kk-start-'));
    const { url, log } = await start({ DATA_DIR: dataDir });
    const health = (await (await fetch(`${url}/health`)).json()) as {
      status: string;
      index: { quotes: number; interviews: number };
    };
    expect(health.status).toBe('ok');
    expect(health.index.interviews).toBe(10);
    const search = (await (
      await fetch(`${url}/search?q=${encodeURIComponent('クラウドソーシング')}`)
    ).json()) as { total: number };
    expect(search.total).toBeGreaterThan(0);
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    expect(log()).toContain(`token:  ${token}`);
    // The hint is a search this server can answer (介護 is in the samples).
    expect(log()).toContain(`try:    curl '${url}/search?q=${encodeURIComponent('介護')}'`);
    // Not a terminal (a pipe here): one progress line per sample, no carriage returns.
    expect(log()).toContain('loading samples 1/10\nloading samples 2/10\n');
    expect(log()).toContain('loading samples 10/10\n');
    expect(log()).not.toContain('\r');
    expect(existsSync(join(dataDir, 'dynalite'))).toBe(true);
    const unauth = await fetch(`${url}/interviews/04-dash-yuki`, { method: 'DELETE' });
    expect(unauth.status).toBe(401);
    const del = await fetch(`${url}/interviews/04-dash-yuki`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(200);
    // A search typed into curl as it reads, kanji unencoded (Node's parser refuses it): a JSON 400
    // saying to percent-encode, not Node's bare 400 with no body.
    const raw = await rawRequest(url, 'GET /search?q=介護 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(raw.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw.head.toLowerCase()).toContain('content-type: application/json');
    const err = JSON.parse(raw.body) as { error: { code: string; message: string; requestId: string } };
    expect(err.error.code).toBe('validation_error');
    expect(err.error.message).toMatch(
      /not percent-encoded \(\/search\?q=介護\): encode them, e\.g\. curl -G/,
    );
    expect(err.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The server goes on answering.
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // Start-up loads kuromoji and ten samples: ~15 s alone, past 30 s at load 12 (2 cores).
  }, 120_000);

  it('starts empty with SAMPLES=none and uses API_TOKEN', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kk-start-'));
    const { url, log } = await start({
      DATA_DIR: dataDir,
      SAMPLES: 'none',
      API_TOKEN: 'a-token-of-twenty-chars',
    });
    const health = (await (await fetch(`${url}/health`)).json()) as { index: { quotes: number } };
    expect(health.index.quotes).toBe(0);
    expect(log()).toContain('from API_TOKEN');
    // Nothing to search yet: the hint says how to fill it, not a search that finds nothing.
    expect(log()).toContain(`empty:  npx kikigaki ingest <folder of transcripts> --api ${url}`);
    expect(log()).not.toContain('try:    curl');
    expect(existsSync(join(dataDir, 'api-token'))).toBe(false);
  });
});

describe('configuration', () => {
  it('has local defaults', () => {
    const c = readLocalConfig({});
    expect(c).toMatchObject({
      port: 3000,
      dataDir: './.kikigaki',
      loadSamples: true,
      tableName: 'kikigaki',
      protectReads: false,
      maxBodyBytes: 2 * 1024 * 1024,
    });
  });

  it('names every malformed setting at once', () => {
    const message = (() => {
      try {
        readLocalConfig({ PORT: 'x', PROTECT_READS: 'maybe', API_TOKEN: 'short' });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const name of ['PORT', 'PROTECT_READS', 'API_TOKEN']) expect(message).toContain(name);
  });

  it('takes a read-only token: long enough and different from the write token', () => {
    expect(() => readLocalConfig({ READ_TOKEN: 'short' })).toThrow(/READ_TOKEN must be at least 16/);
    expect(() =>
      readLocalConfig({ READ_TOKEN: 'same-token-0123456789', API_TOKEN: 'same-token-0123456789' }),
    ).toThrow(/READ_TOKEN must differ/);
  });
});

describe('restart after a crash', () => {
  it('reconciles a snapshot that missed the last writes before serving', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kk-crash-'));
    const first = await start({ DATA_DIR: dataDir, SAMPLES: 'none', API_TOKEN: 'a-token-of-twenty-chars' });
    const post = await fetch(`${first.url}/interviews?id=late`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-token-of-twenty-chars', 'content-type': 'text/plain' },
      body: '聞き手：最後の質問？\n山田：ココナラで出品しています。',
    });
    expect(post.status).toBe(201);
    // Killed before the delayed snapshot publication: no graceful shutdown.
    child?.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const second = await start({ DATA_DIR: dataDir, SAMPLES: 'none', API_TOKEN: 'a-token-of-twenty-chars' });
    const search = (await (
      await fetch(`${second.url}/search?q=${encodeURIComponent('ココナラ')}`)
    ).json()) as { total: number };
    expect(search.total).toBe(1);
    // Two start-ups (kuromoji each): ~10 s quiet, past 30 s at load 10 on 2 cores.
  }, 120_000);
});

describe('restart after a graceful shutdown', () => {
  it('answers searches from the snapshot it stored, with postings spanning many compressed blocks', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kk-restart-'));
    const env = { DATA_DIR: dataDir, SAMPLES: 'none', API_TOKEN: 'a-token-of-twenty-chars' };
    const first = await start(env);
    // Enough distinct text that the stored postings span several 64 KB blocks (a restarted
    // server once failed every search there: the block table was read from the wrong bytes).
    let seed = 7;
    // Three-kanji words drawn from 3,000 kanji: many distinct terms, ~175 KB of postings.
    const word = () =>
      Array.from({ length: 3 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return String.fromCharCode(0x4e00 + (seed % 3000));
      }).join('');
    const lines = Array.from({ length: 3000 }, (_, i) =>
      i % 2 === 0 ? `聞き手：${word()}${word()}？` : `山田：${Array.from({ length: 10 }, word).join('、')}。`,
    );
    lines[1501] = '山田：ココナラで出品しています。';
    const post = await fetch(`${first.url}/interviews?id=big`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-token-of-twenty-chars', 'content-type': 'text/plain' },
      body: lines.join('\n'),
    });
    expect(post.status).toBe(201);
    const stopped = new Promise((r) => child?.once('exit', r));
    child?.kill('SIGTERM');
    await stopped;
    child = null;
    const second = await start(env);
    expect(second.log()).toMatch(/\(1 interviews, \d+ quotes indexed\)/);
    const res = await fetch(`${second.url}/search?q=${encodeURIComponent('ココナラ')}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { total: number; hits: { quoteId: string }[] };
    expect(page.total).toBe(1);
    expect(page.hits[0]?.quoteId).toBe('big-t1502');
    // Words from all over the text, so that their postings lie in every block.
    for (let i = 1; i < 3000; i += 150) {
      const w = (lines[i] as string).slice(3, 6);
      const r = await fetch(`${second.url}/search?q=${encodeURIComponent(w)}`);
      expect(r.status, w).toBe(200);
      expect(((await r.json()) as { total: number }).total, w).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('written forms after a replaced interview is merged away', () => {
  it('keeps suggesting and highlighting 将来 for しょうらい after a re-ingest, and after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kk-surface-'));
    const env = { DATA_DIR: dataDir, SAMPLES: 'none', API_TOKEN: 'a-token-of-twenty-chars' };
    const auth = { authorization: 'Bearer a-token-of-twenty-chars', 'content-type': 'text/plain' };
    const first = await start(env);
    // 1,200 turns: enough dead docs (the merge policy's floor is 1,000) that replacing the
    // interview makes the merge policy fold its first part alone, the part that first had the
    // reading ショウライ and so held its written form 将来 (a user re-uploading a corrected
    // transcript, or POST /admin/reindex, did this; suggestions and highlights then showed
    // the katakana reading, and no <mark> at all, for good).
    const lines = Array.from({ length: 1200 }, (_, i) =>
      i % 2 === 0 ? `聞き手：${i}番目の質問です。` : `山田：${i}年後の将来について話しました。`,
    );
    const body = lines.join('\n');
    const health = async (url: string) =>
      ((await (await fetch(`${url}/health`)).json()) as { index: { snapshotId: string | null } }).index
        .snapshotId;
    const published = async (url: string, other: string | null) => {
      for (let i = 0; i < 100; i++) {
        const id = await health(url);
        if (id && id !== other) return id;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no snapshot was published');
    };
    expect(
      (await fetch(`${first.url}/interviews?id=future`, { method: 'POST', headers: auth, body })).status,
    ).toBe(201);
    const before = await published(first.url, null);
    const put = await fetch(`${first.url}/interviews/future`, { method: 'PUT', headers: auth, body });
    expect(put.status).toBe(200);
    await published(first.url, before);
    // The merge runs right after that publication: give it time to finish.
    await new Promise((r) => setTimeout(r, 3000));
    const check = async (url: string) => {
      const suggest = (await (
        await fetch(`${url}/suggest?q=${encodeURIComponent('しょうらい')}`)
      ).json()) as {
        terms: { text: string }[];
      };
      expect(suggest.terms.map((t) => t.text)).toEqual(['将来']);
      const page = (await (
        await fetch(`${url}/search?q=${encodeURIComponent('しょうらい')}&limit=3`)
      ).json()) as {
        total: number;
        hits: { highlight: { html: string } }[];
      };
      expect(page.total).toBe(600);
      for (const h of page.hits) expect(h.highlight.html).toContain('<mark>将来</mark>');
    };
    await check(first.url);
    const stopped = new Promise((r) => child?.once('exit', r));
    child?.kill('SIGTERM');
    await stopped;
    child = null;
    const second = await start(env);
    await check(second.url);
  }, 120_000);
});
