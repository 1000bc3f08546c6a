import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDocx } from '../helpers/docx.ts';
import { encodeJapanese } from '../helpers/encodings.ts';
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

  it('parse and search say a Shift_JIS file is not UTF-8 and how to convert it, never parse it as U+FFFD', () => {
    // Read as UTF-8 with every invalid byte replaced, a Shift_JIS TSV parsed into turns of U+FFFD.
    const dir = mkdtempSync(join(tmpdir(), 'kk-cli-sjis-'));
    const file = join(dir, 'sjis.tsv');
    writeFileSync(file, encodeJapanese('聞き手\t副業はいつから？\n山田\t去年からです。\n', 'shift_jis'));
    const r = run('parse', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'not UTF-8 text (it reads as shift_jis): save it as UTF-8 (iconv -f shift_jis -t utf-8)',
    );
    const s = run('search', '副業', '--no-readings', dir);
    expect(s.stdout).not.toContain('\uFFFD');
    expect(s.stderr).toContain('it reads as shift_jis');
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

  it('search finds a kanji word typed in hiragana, as the server does, unless --no-readings', () => {
    const r = run('search', 'しょうらい', '--json', samplesDir);
    const page = JSON.parse(r.stdout);
    expect(page.total).toBeGreaterThan(0);
    expect(JSON.stringify(page.hits)).toContain('将来');
    const plain = JSON.parse(run('search', 'しょうらい', '--json', '--no-readings', samplesDir).stdout);
    expect(plain.total).toBe(0);
  });

  it('tags lists topics and interviewees per topic', () => {
    const r = run('tags', samplesDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^crowdsourcing\s+クラウドソーシング/m);
    expect(r.stdout).toMatch(/^work-balance/m);
  });

  it('tags lists a person once per topic, with their quotes of every interview they speak in', () => {
    type Topics = { topics: Array<{ id: string; interviewees: Array<{ id: string; quotes: number }> }> };
    const both: Topics = JSON.parse(run('tags', '--json', samplesDir).stdout);
    for (const t of both.topics) {
      const ids = t.interviewees.map((p) => p.id);
      expect(ids, t.id).toEqual([...new Set(ids)]);
    }
    // はるか (@haruka_nw) speaks in two sample interviews: her count is the sum of theirs.
    const one = (file: string): Topics => JSON.parse(run('tags', '--json', join(samplesDir, file)).stdout);
    const count = (ts: Topics) =>
      ts.topics.find((t) => t.id === 'work-balance')?.interviewees.find((p) => p.id === 'haruka_nw')
        ?.quotes ?? 0;
    const first = count(one('01-blog-haruka-1.txt'));
    const second = count(one('02-blog-haruka-2.txt'));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(count(both)).toBe(first + second);
  });

  it('parses a Word document, WebVTT and SRT files, and searches a folder of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-cli-formats-'));
    const docx = await makeDocx([
      '茶畑にて',
      '聞き手：摘むのはいつ？',
      '村井：五月の初めです。',
      '聞き手：手摘み？',
      '村井：一番茶だけは手摘みです。',
    ]);
    // Named .bin on purpose: the zip signature, not the extension, makes it a Word document.
    writeFileSync(join(dir, 'chabatake.bin'), docx);
    writeFileSync(join(dir, 'chabatake.docx'), docx);
    writeFileSync(
      join(dir, 'kamaboko.vtt'),
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 聞き手>魚は？\n\n00:00:02.500 --> 00:00:04.000\n<v 三浦>地元の港から揚がったものです。\n',
    );
    writeFileSync(
      join(dir, 'ryoushi.srt'),
      '1\n00:00:01,000 --> 00:00:02,000\n司会：何時に出ますか？\n\n2\n00:00:02,500 --> 00:00:04,000\n宮本：三時です。\n',
    );
    const parsed = JSON.parse(
      execFileSync(process.execPath, [bin, 'parse', join(dir, 'chabatake.bin')], { encoding: 'utf8' }),
    );
    expect(parsed).toMatchObject({ id: 'chabatake', format: 'prefixed', title: '茶畑にて' });
    const vtt = JSON.parse(
      execFileSync(process.execPath, [bin, 'parse', join(dir, 'kamaboko.vtt')], { encoding: 'utf8' }),
    );
    expect(vtt.format).toBe('vtt');
    const found = run('search', '一番茶', '--json', dir);
    expect(found.status).toBe(0);
    expect(JSON.parse(found.stdout).hits.map((h: { interviewId: string }) => h.interviewId)).toEqual([
      'chabatake',
    ]);
    const harbour = run('search', '三時', '--json', dir);
    expect(JSON.parse(harbour.stdout).hits.map((h: { interviewId: string }) => h.interviewId)).toEqual([
      'ryoushi',
    ]);
    // Five CLI processes, each loading the analyzer: seconds alone, past 30 s on a loaded machine.
  }, 120_000);

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
