/** Access to ../shared (the seed and real corpora), which tests must not copy into the repo. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = join(repoRoot, '..', 'shared');
export const seedPath = join(sharedDir, 'seed', '000_8769376dd037ef10.txt');
export const corporaDir = join(sharedDir, 'corpora');
export const samplesDir = join(repoRoot, 'samples');

/** True when the path exists; otherwise prints why the dependent tests are skipped. */
export function available(path: string, what: string): boolean {
  if (existsSync(path)) return true;
  console.warn(`skipping ${what}: ${path} not found (../shared is not beside this checkout)`);
  return false;
}

/** Reads a UTF-8 file. */
export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Files below `dir` with the extension, recursively, excluding README/LICENSE. */
export function filesIn(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? filesIn(join(dir, e.name), ext)
      : e.name.endsWith(ext) && !/^(README|LICENSE)/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}
