/**
 * The use cases reach search only through the ports of lib/search/backend.ts: biome.json's
 * noRestrictedImports (an override on lib/service.ts, lib/export.ts, lib/api, lib/console,
 * lib/tagging, lib/people) refuses QuoteIndex, the engine and the indexer's snapshot code there,
 * and `npm run lint` runs it on the real files. This proves the rule is live — that it fires on
 * such an import where it must and nowhere else — by linting probe files with the repository's
 * own biome.json in a scratch directory (biome reads no diagnostics from stdin).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'kk-ports-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FORBIDDEN = [
  "import type { QuoteIndex } from '../search/index.ts';",
  "import type { Indexer } from '../indexer.ts';",
  "import type { Engine } from '../search/engine/index.ts';",
  '',
  'export type Reached = QuoteIndex | Indexer | Engine;',
  '',
].join('\n');
const ALLOWED = [
  "import type { IndexProvider, QuoteSearch } from '../search/backend.ts';",
  "import type { SearchParams } from '../search/index.ts';",
  '',
  'export type Reached = IndexProvider | QuoteSearch | SearchParams;',
  '',
].join('\n');

/** Lints files (path → text) under the scratch copy of the repository's biome.json. */
function lint(files: Record<string, string>): { status: number | null; out: string } {
  copyFileSync(join(root, 'biome.json'), join(scratch, 'biome.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(scratch, path, '..'), { recursive: true });
    writeFileSync(join(scratch, path), text);
  }
  const run = spawnSync(
    join(root, 'node_modules/.bin/biome'),
    ['lint', '--vcs-enabled=false', '--max-diagnostics=50', ...Object.keys(files)],
    { cwd: scratch, encoding: 'utf8' },
  );
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('the search ports are enforced by biome', () => {
  it.each([
    'lib/service.ts',
    'lib/export.ts',
    'lib/api/probe.ts',
    'lib/console/probe.tsx',
    'lib/tagging/probe.ts',
    'lib/people/probe.ts',
  ])(
    '%s may not import QuoteIndex, the engine or the indexer',
    (path) => {
      const { status, out } = lint({ [path]: FORBIDDEN });
      expect(status).not.toBe(0);
      expect(out.match(/lint\/style\/noRestrictedImports/g)?.length).toBe(3);
      expect(out).toContain('lib/search/backend.ts');
    },
    30_000,
  );

  it('the ports themselves are allowed there, and the composition roots may name the engine', () => {
    const { status, out } = lint({
      'lib/api/allowed.ts': ALLOWED,
      'lib/lambda-probe.ts': FORBIDDEN,
      'local/probe.ts': FORBIDDEN,
    });
    expect(out).not.toContain('noRestrictedImports');
    expect(status).toBe(0);
  }, 30_000);
});
