/**
 * Start-up failures name the cause, the path and what to do (issue 11 §7), through `npm start`'s
 * entry point: a DATA_DIR that is a file, a read-only DATA_DIR (a read-only tmpfs where this
 * process may mount one), a damaged CURRENT, data files without CURRENT, and a truncated table
 * file. A damaged store is never started over: its files are left as they were.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localClient, startEmbeddedDynamo } from '../../local/embedded.ts';
import { createLocalRuntime } from '../../local/runtime.ts';
import { repoRoot } from '../helpers/shared.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Runs the server until it exits (it must, within the timeout); returns its exit code and stderr. */
function runServer(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'local', 'server.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', SAMPLES: 'none', API_TOKEN: 'startup-token-0123456789', ...env },
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit:\n${stderr}`));
    }, 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/** A DATA_DIR with a real store in it (one interview), closed. */
async function storeWithData(): Promise<{ dataDir: string; dbDir: string }> {
  const dataDir = tempDir('kk-start-');
  const dbDir = join(dataDir, 'dynalite');
  for (let round = 0; round < 2; round++) {
    // Two opens: the second turns the first one's log into a table file (.ldb).
    const e = await startEmbeddedDynamo({ path: dbDir, log: () => {} });
    const rt = await createLocalRuntime({
      client: localClient(e.endpoint),
      tableName: 'kikigaki',
      token: 'startup-token-0123456789',
      publishDelayMs: 10,
    });
    if (round === 0)
      await rt.service.ingest(
        { text: '聞き手：副業は？\n山田：ランサーズで翻訳を受注しています。' },
        { id: 'kept' },
      );
    await rt.flush();
    await e.close();
  }
  return { dataDir, dbDir };
}

/**
 * Names and sizes of a store's table files, to show none was dropped or rewritten. (Opening a
 * LevelDB store whose reads then fail may add a new log and MANIFEST; the data stays.)
 */
function snapshot(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ldb'))
    .map((f) => `${f}:${statSync(join(dir, f)).size}`)
    .sort()
    .join(',');
}

function expectExplained(
  r: { code: number | null; signal: NodeJS.Signals | null; stderr: string },
  path: string,
  cause: RegExp,
): void {
  // The signal too: one CI run (load ~5) saw this server end by a signal with no stderr, once.
  expect(r.code, `signal ${r.signal}; stderr: ${r.stderr}`).toBe(1);
  expect(r.stderr).toMatch(/kikigaki: cannot start: /);
  expect(r.stderr).toContain(path);
  expect(r.stderr).toMatch(cause);
  expect(r.stderr).toMatch(/what to do: /);
  expect(r.stderr).not.toMatch(/ECONNREFUSED/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('start-up errors', () => {
  it('names a DATA_DIR that is a file', async () => {
    const file = join(tempDir('kk-file-'), 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runServer({ DATA_DIR: file });
    expectExplained(r, file, /EEXIST|ENOTDIR|not a directory/);
  });

  it('names a read-only DATA_DIR (a read-only tmpfs)', async (ctx) => {
    const dir = tempDir('kk-ro-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (e) {
      console.warn(
        `read-only DATA_DIR test not run: cannot mount here (${(e as Error).message.split('\n')[0]})`,
      );
      ctx.skip();
      return;
    }
    try {
      const r = await runServer({ DATA_DIR: dir });
      expectExplained(r, dir, /read-only|EROFS/i);
    } finally {
      execFileSync('umount', ['-l', dir]);
    }
  });

  it('refuses a damaged CURRENT file and leaves the store as it was', async () => {
    const { dataDir, dbDir } = await storeWithData();
    writeFileSync(join(dbDir, 'CURRENT'), 'garbage');
    const before = snapshot(dbDir);
    const r = await runServer({ DATA_DIR: dataDir });
    expectExplained(r, dbDir, /cannot be opened|corrupt/i);
    expect(r.stderr).toMatch(/never starts over/);
    expect(snapshot(dbDir)).toBe(before);
    expect(before).toMatch(/\.ldb:\d+/);
    expect(readFileSync(join(dbDir, 'CURRENT'), 'utf8')).toBe('garbage');
  });

  it('refuses data files without a CURRENT file instead of starting an empty store over them', async () => {
    const { dataDir, dbDir } = await storeWithData();
    rmSync(join(dbDir, 'CURRENT'));
    const before = snapshot(dbDir);
    const r = await runServer({ DATA_DIR: dataDir });
    expectExplained(r, dbDir, /no CURRENT file/);
    expect(snapshot(dbDir)).toBe(before);
  });

  it('refuses a truncated table file', async () => {
    const { dataDir, dbDir } = await storeWithData();
    const table = readdirSync(dbDir).find((f) => f.endsWith('.ldb'));
    expect(table, readdirSync(dbDir).join(',')).toBeDefined();
    const path = join(dbDir, table as string);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const before = snapshot(dbDir);
    const r = await runServer({ DATA_DIR: dataDir });
    expectExplained(r, dbDir, /cannot be opened or read|corrupt/i);
    expect(snapshot(dbDir)).toBe(before);
  });
});
