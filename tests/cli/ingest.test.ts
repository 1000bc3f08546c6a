import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../cli/ingest.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { makeDocx } from '../helpers/docx.ts';
import { embedded, runtime, TOKEN } from '../helpers/dynamo.ts';
import { repoRoot, samplesDir } from '../helpers/shared.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let server: ReturnType<typeof serve>;
let api: string;

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  await new Promise<void>((resolve) => {
    server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await db.close();
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'kikigaki.mjs'), ...args], {
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kikigaki ingest', () => {
  it('uploads a directory with progress and a summary, continuing past a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-ingest-'));
    writeFileSync(join(dir, 'prose.txt'), 'ただの文章です。構造はありません。');
    const r = await cli('ingest', samplesDir, dir, '--api', api, '--token', TOKEN);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ingested 10, replaced 0, failed 1 \(\d+ quotes\)/);
    expect(r.stdout).toMatch(/failed .*prose\.txt: 422 parse_error/);
    expect(r.stderr).toMatch(/\[#+\] 11\/11/);
    const search = await rt.app.request('/search?q=%E4%BB%8B%E8%AD%B7');
    expect(((await search.json()) as { total: number }).total).toBeGreaterThan(0);
  });

  it('retries an upload the API throttled (429) or could not store (503), then gives up with the reason', async () => {
    const statuses = [429, 503, 201];
    const waits: number[] = [];
    const calls: string[] = [];
    const fetchImpl = (async (url: string) => {
      calls.push(url);
      const status = statuses.shift() ?? 429;
      const headers = status === 429 && calls.length === 1 ? { 'retry-after': '2' } : undefined;
      return new Response(
        JSON.stringify(
          status === 201
            ? { id: 'yuki', quotes: 21 }
            : { error: { code: 'throttled', message: 'slow down' } },
        ),
        { status, headers },
      );
    }) as typeof fetch;
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const file = join(samplesDir, '04-dash-yuki.txt');
    const progress = { write: () => true } as unknown as NodeJS.WritableStream;
    const ok = await ingestFiles([file], { api: 'http://x', token: TOKEN, fetchImpl, sleep, progress });
    expect(ok).toEqual([{ path: file, status: 'ingested', id: 'yuki', quotes: 21 }]);
    expect(calls).toHaveLength(3);
    expect(waits[0]).toBe(2000);
    const failed = await ingestFiles([file], { api: 'http://x', token: TOKEN, fetchImpl, sleep, progress });
    expect(failed[0]).toMatchObject({ status: 'failed', reason: '429 throttled: slow down' });
    expect(calls).toHaveLength(3 + 6);
  });

  it('uploads Word documents, WebVTT and SRT with their content types', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-ingest-formats-'));
    writeFileSync(
      join(dir, 'shokunin.docx'),
      await makeDocx([
        '鍛冶屋の一日',
        '聞き手：火を入れるのは？',
        '斎藤：朝六時です。',
        '聞き手：一日に何本？',
        '斎藤：包丁なら三本です。',
      ]),
    );
    writeFileSync(
      join(dir, 'shokunin-talk.vtt'),
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 聞き手>鋼は？\n\n00:00:02.500 --> 00:00:04.000\n<v 斎藤>安来の鋼を使います。\n',
    );
    writeFileSync(
      join(dir, 'shokunin-clip.srt'),
      '1\n00:00:01,000 --> 00:00:02,000\n聞き手：弟子は？\n\n2\n00:00:02,500 --> 00:00:04,000\n斎藤：二人います。\n',
    );
    const r = await cli('ingest', dir, '--api', api, '--token', TOKEN);
    expect(r.stdout).toMatch(/^ingested 3, replaced 0, failed 0/);
    const formats = await Promise.all(
      ['shokunin', 'shokunin-talk', 'shokunin-clip'].map(
        async (id) =>
          ((await (await rt.app.request(`/interviews/${id}`)).json()) as { format: string }).format,
      ),
    );
    expect(formats).toEqual(['prefixed', 'vtt', 'srt']);
  });

  it('reports replaced interviews on a second upload', async () => {
    const r = await cli('ingest', join(samplesDir, '04-dash-yuki.txt'), '--api', api, '--token', TOKEN);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ingested 0, replaced 1, failed 0/);
  });

  it('fails with the reason when the token is wrong', async () => {
    const r = await cli(
      'ingest',
      join(samplesDir, '04-dash-yuki.txt'),
      '--api',
      api,
      '--token',
      'wrong-token-xxxxxxxx',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/401 unauthorized/);
    // What to check is said however few files there were: a run whose every file was already in
    // flight when the token was refused used to print the 401s and no hint.
    expect(r.stdout).toMatch(/stopped: the API refused the token \(401\): check --token/);
    expect(r.stdout).not.toMatch(/not sent/);
  });

  it('stops at a refused token instead of sending every file to fail the same way', async () => {
    const r = await cli(
      'ingest',
      samplesDir,
      '--api',
      api,
      '--token',
      'wrong-token-xxxxxxxx',
      '--concurrency',
      '1',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ingested 0, replaced 0, failed 1, not sent 9 \(0 quotes\)/);
    expect(r.stdout.match(/401 unauthorized/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/stopped: the API refused the token \(401\): check --token/);
  });

  it('says once that the API cannot be reached, and what --api should look like', async () => {
    // A port nothing listens on: one the system gave and took back.
    const closed = await new Promise<number>((resolve) => {
      const s = serve({ fetch: () => new Response(''), port: 0, hostname: '127.0.0.1' }, () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const r = await cli('ingest', samplesDir, '--api', `http://127.0.0.1:${closed}`, '--token', TOKEN);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not sent [1-9]/);
    expect(r.stdout).toMatch(/ECONNREFUSED/);
    expect(r.stdout).toMatch(
      /stopped: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is the server running/,
    );
    const noScheme = await cli('ingest', samplesDir, '--api', api.replace('http://', ''), '--token', TOKEN);
    // Two files against four uploads in flight: both fail, and the hint is still printed.
    const two = await cli(
      'ingest',
      join(samplesDir, '04-dash-yuki.txt'),
      join(samplesDir, '03-blog-kenji.txt'),
      '--api',
      `http://127.0.0.1:${closed}`,
      '--token',
      TOKEN,
    );
    expect(two.code).toBe(1);
    expect(two.stdout).toMatch(/^ingested 0, replaced 0, failed 2 \(0 quotes\)/);
    expect(two.stdout).toMatch(/stopped: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(noScheme.code).toBe(2);
    expect(noScheme.stderr).toMatch(
      /--api must be a(n http:\/\/ or https:\/\/)? URL such as http:\/\/localhost:3000/,
    );
  });

  it('asks for --api and a token', async () => {
    expect((await cli('ingest', samplesDir)).stderr).toMatch(/--api URL/);
    expect((await cli('ingest', samplesDir, '--api', api)).stderr).toMatch(/--token/);
  });
});
