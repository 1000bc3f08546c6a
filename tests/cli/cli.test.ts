import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, samplesDir } from '../helpers/shared.ts';

const bin = join(repoRoot, 'bin', 'kikigaki.mjs');
function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot });
}

describe('kikigaki CLI', () => {
  it('parse prints the canonical JSON', () => {
    const out = execFileSync(process.execPath, [bin, 'parse', join(samplesDir, '04-dash-yuki.txt')], {
      encoding: 'utf8',
    });
    const iv = JSON.parse(out);
    expect(iv.id).toBe('04-dash-yuki');
    expect(iv.format).toBe('dash');
    expect(iv.turns[0].id).toBe('04-dash-yuki-t001');
  });

  it('search prints highlighted quotes with speaker, question and tags', () => {
    const r = run('search', 'クラウドソーシング', '--tag', 'crowdsourcing', samplesDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/quote\(s\) for "クラウドソーシング"/);
    expect(r.stdout).toContain('【クラウドソーシング');
    expect(r.stdout).toMatch(/tags: .*crowdsourcing/);
    expect(r.stdout).toMatch(/Q: /);
  });

  it('search --json returns the search page', () => {
    const r = run('search', '介護', '--json', '--limit', '3', samplesDir);
    const page = JSON.parse(r.stdout);
    expect(page.hits).toHaveLength(3);
    expect(page.total).toBeGreaterThan(3);
  });

  it('tags lists topics and interviewees per topic', () => {
    const r = run('tags', samplesDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^crowdsourcing\s+クラウドソーシング/m);
    expect(r.stdout).toMatch(/^work-balance/m);
  });

  it('exits non-zero with a clear message for bad input', () => {
    const missing = run('parse', '/nonexistent/file.txt');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT/);
    const badFormat = run('parse', join(samplesDir, '04-dash-yuki.txt'), '--format', 'pdf');
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toMatch(/unknown --format 'pdf'/);
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
  });
});
