/**
 * A full disk under the embedded store (issue 11 §6). For real when this process may mount a
 * small tmpfs (root, as on CI): the store's directory fills up, writes and reads answer 503
 * `unavailable` with Retry-After (never 500), /health answers 503 naming the cause, and once
 * space is freed the supervised store restarts and everything answers again with nothing lost.
 * Always, also with the fault injected at LevelDB's write calls (classic-level `_put/_batch/_del`
 * in the store's thread), which needs no mount.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Embedded, localClient, startEmbeddedDynamo } from '../../local/embedded.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, runtime } from '../helpers/dynamo.ts';

const TEXT = { ...AUTH, 'content-type': 'text/plain' };
const transcript = (n: number) =>
  `聞き手：副業は何をしていますか？（${n}）\n山田：${'クラウドソーシングで翻訳を受注しています。'.repeat(40)}${n}`;

/** Mounts a tmpfs of `size` at a fresh directory, or says why it cannot. */
function mountTmpfs(size: string): { dir: string } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs here (${String((e as Error).message).split('\n')[0]})` };
  }
}

/** Fills the file system holding `dir` with one file; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < 100_000; i++) {
    try {
      writeFileSync(path, chunk, { flag: 'a' });
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOSPC') return path;
      throw e;
    }
  }
  throw new Error('the file system never filled');
}

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function health(
  rt: LocalRuntime,
): Promise<{ status: number; body: { store: { state: string; reason?: string } } }> {
  const res = await rt.app.request('/health');
  return { status: res.status, body: (await res.json()) as { store: { state: string; reason?: string } } };
}

/** Writes until one is refused; checks every refusal is a 503 with Retry-After, none a 5xx other. */
async function writeUntilRefused(rt: LocalRuntime, from: number): Promise<number> {
  for (let n = from; n < from + 200; n++) {
    const res = await rt.app.request(`/interviews?id=full-${n}`, {
      method: 'POST',
      headers: TEXT,
      body: transcript(n),
    });
    if (res.status === 201) continue;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    return n;
  }
  throw new Error('no write was refused');
}

/** The whole scenario on a running store: refuse, report, heal. */
async function scenario(
  e: Embedded,
  rt: LocalRuntime,
  makeFull: () => void,
  free: () => void,
): Promise<void> {
  for (const n of [1, 2]) {
    const res = await rt.app.request(`/interviews?id=before-${n}`, {
      method: 'POST',
      headers: TEXT,
      body: transcript(n),
    });
    expect(res.status).toBe(201);
  }
  makeFull();
  const refused = await writeUntilRefused(rt, 100);
  await until('/health to report the store down', async () => (await health(rt)).status === 503);
  const down = await health(rt);
  expect(down.body.store.state).toBe('down');
  expect(down.body.store.reason).toMatch(/disk space|does not answer/);
  // Reads of the store answer 503 too while it is down, never 500.
  const read = await rt.app.request('/interviews/before-1');
  expect(read.status).toBe(503);
  expect(read.headers.get('retry-after')).toMatch(/^\d+$/);

  free();
  await until('the store to restart', async () => (await health(rt)).status === 200);
  expect(e.state().state).toBe('up');
  const after = await rt.app.request('/interviews?id=after', {
    method: 'POST',
    headers: TEXT,
    body: transcript(999),
  });
  expect(after.status).toBe(201);
  for (const id of ['before-1', 'before-2', 'after'])
    expect((await rt.app.request(`/interviews/${id}`)).status, id).toBe(200);
  // The refused write is absent or whole, never half there.
  const refusedRead = await rt.app.request(`/interviews/full-${refused}`);
  expect([200, 404]).toContain(refusedRead.status);
  if (refusedRead.status === 200)
    expect(((await refusedRead.json()) as { turns: unknown[] }).turns).toHaveLength(2);
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a full disk under the embedded store', () => {
  const mounted = mountTmpfs('4m');
  it('answers 503, reports it on /health and heals once space is freed (a real full tmpfs)', async (ctx) => {
    if ('reason' in mounted) {
      // The injected variant below still runs; say why this one cannot.
      console.warn(`real full-disk test not run: ${mounted.reason}`);
      ctx.skip();
      return;
    }
    cleanups.push(() => {
      execFileSync('umount', ['-l', mounted.dir]);
      rmSync(mounted.dir, { recursive: true, force: true });
    });
    const logs: string[] = [];
    const e = await startEmbeddedDynamo({
      path: join(mounted.dir, 'dynalite'),
      restartDelayMs: 100,
      log: (l) => logs.push(l),
    });
    cleanups.push(() => e.close());
    const rt = await runtime(localClient(e.endpoint), { storeState: e.state });
    let filler = '';
    await scenario(
      e,
      rt,
      () => {
        filler = fill(mounted.dir);
      },
      () => rmSync(filler),
    );
    expect(logs.join('\n')).toMatch(/stopped .*out of disk space \(ENOSPC\)/);
    expect(logs.join('\n')).toMatch(/restarted/);
  });

  it('answers 503, reports it on /health and heals (ENOSPC injected at LevelDB’s write calls)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-inject-'));
    mkdirSync(dir, { recursive: true });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const logs: string[] = [];
    const e = await startEmbeddedDynamo({
      path: join(dir, 'dynalite'),
      restartDelayMs: 100,
      faults: true,
      log: (l) => logs.push(l),
    });
    cleanups.push(() => e.close());
    const rt = await runtime(localClient(e.endpoint), { storeState: e.state });
    await scenario(
      e,
      rt,
      () => e.injectFault('enospc', true),
      () => e.injectFault('enospc', false),
    );
    expect(logs.join('\n')).toMatch(/stopped .*ENOSPC/);
  });
});
