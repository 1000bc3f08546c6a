/**
 * The use cases and the single indexer reach search only through the ports of
 * lib/search/backend.ts: biome.json's noRestrictedImports refuses QuoteIndex, the engine and its
 * snapshot code in the use cases (lib/service.ts, lib/export.ts, lib/api, lib/console,
 * lib/tagging, lib/people; the indexer too) and the engine, its tokens and its snapshot code on
 * the write side (lib/indexer.ts, lib/indexing.ts, lib/jobs), and `npm run lint` runs it on the
 * real files. This proves the rules are live — that they fire on such an import where they must
 * and nowhere else — by linting probe files with the repository's own biome.json in a scratch
 * directory (biome reads no diagnostics from stdin).
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
/** What the write side must not name: the engine, its tokens, its snapshot packing (reader and writer). */
const WRITE_FORBIDDEN = (up: string) =>
  [
    `import type { QuoteIndex } from '${up}search/index.ts';`,
    `import type { IndexTokens } from '${up}search/tokens.ts';`,
    `import type { Engine } from '${up}search/engine/index.ts';`,
    `import type { SnapshotIndexProvider } from '${up}search/snapshots.ts';`,
    `import type { SnapshotTarget } from '${up}search/snapshot-target.ts';`,
    '',
    'export type Reached = QuoteIndex | IndexTokens | Engine | SnapshotIndexProvider | SnapshotTarget;',
    '',
  ].join('\n');
/** What it may: the ports, the fingerprint of the contract, the store. */
const WRITE_ALLOWED = (up: string) =>
  [
    `import type { SearchTarget, SearchTargets } from '${up}search/backend.ts';`,
    `import type { indexFingerprint } from '${up}search/fingerprint.ts';`,
    `import type { Store } from '${up}store/port.ts';`,
    '',
    'export type Reached = SearchTarget | SearchTargets | Store | typeof indexFingerprint;',
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

  it("the use cases may not import the packed engine's snapshot code either", () => {
    const { status, out } = lint({
      'lib/api/snapshots-probe.ts': [
        "import type { SnapshotIndexProvider } from '../search/snapshots.ts';",
        "import type { SnapshotTarget } from '../search/snapshot-target.ts';",
        '',
        'export type Reached = SnapshotIndexProvider | SnapshotTarget;',
        '',
      ].join('\n'),
    });
    expect(status).not.toBe(0);
    expect(out.match(/lint\/style\/noRestrictedImports/g)?.length).toBe(2);
  }, 30_000);

  it.each([
    ['lib/indexer.ts', './'],
    ['lib/indexing.ts', './'],
    ['lib/jobs/probe.ts', '../'],
  ])(
    'the write side (%s) may not import the engine, its tokens or its snapshot code',
    (path, up) => {
      const { status, out } = lint({ [path]: WRITE_FORBIDDEN(up) });
      expect(status).not.toBe(0);
      expect(out.match(/lint\/style\/noRestrictedImports/g)?.length).toBe(5);
      expect(out).toContain('SearchTarget');
    },
    30_000,
  );

  it('the write side may import the ports, the fingerprint and the store', () => {
    const { status, out } = lint({
      'lib/indexer.ts': WRITE_ALLOWED('./'),
      'lib/jobs/allowed.ts': WRITE_ALLOWED('../'),
    });
    expect(out).not.toContain('noRestrictedImports');
    expect(status).toBe(0);
  }, 30_000);

  it('the ports themselves are allowed there, and the composition roots may name the engine', () => {
    const { status, out } = lint({
      'lib/api/allowed.ts': ALLOWED,
      'lib/lambda-probe.ts': FORBIDDEN,
      'local/probe.ts': FORBIDDEN,
      'lib/search/writer-probe.ts': WRITE_FORBIDDEN('./').replaceAll("'./search/", "'./"),
    });
    expect(out).not.toContain('noRestrictedImports');
    expect(status).toBe(0);
  }, 30_000);
});
