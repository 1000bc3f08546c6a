/** Reading transcripts from disk for the CLI and scripts (the only file I/O around the core). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isSafeId } from '../lib/ids.ts';
import type { Format, Interview } from '../lib/model.ts';
import { parseInterview } from '../lib/parse/index.ts';

const EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.tsv', '.json']);
const SKIP = /^(readme|license|licence)(\.|$)/i;

/** Expands files and directories (recursively) into transcript paths, sorted. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) {
      const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      out.push(
        ...expandPaths(
          entries
            .filter(
              (e) => e.isDirectory() || (EXTENSIONS.has(extname(e.name).toLowerCase()) && !SKIP.test(e.name)),
            )
            .map((e) => join(p, e.name)),
        ),
      );
    } else out.push(p);
  }
  return out;
}

/** Interview id derived from a file name when it is URL-safe (`04-dash-yuki.txt` → `04-dash-yuki`). */
export function idFromPath(path: string): string | undefined {
  const stem = basename(path, extname(path));
  return isSafeId(stem) ? stem : undefined;
}

/** A file that parsed, or the reason it did not. */
export type Loaded = { path: string; interview: Interview } | { path: string; error: string };

/** Parses transcript files, continuing past bad ones. */
export function loadInterviews(paths: readonly string[], format?: Format): Loaded[] {
  return expandPaths(paths).map((path) => {
    try {
      const text = readFileSync(path, 'utf8');
      return { path, interview: parseInterview(text, { format, id: idFromPath(path) }) };
    } catch (e) {
      return { path, error: e instanceof Error ? e.message : String(e) };
    }
  });
}
