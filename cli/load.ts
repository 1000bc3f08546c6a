/** Reading transcripts from disk for the CLI and scripts (the only file I/O around the core). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isSafeId } from '../lib/ids.ts';
import type { Format, Interview } from '../lib/model.ts';
import { parseBytes, parseInterview } from '../lib/parse/index.ts';
import { decodeText } from '../lib/text/encoding.ts';

/** Text transcripts found in directories. */
const TEXT_EXTENSIONS = ['.txt', '.md', '.markdown', '.tsv', '.json', '.vtt', '.srt'];
/** What directories are searched for: text transcripts and Word documents. */
const EXTENSIONS = new Set([...TEXT_EXTENSIONS, '.docx']);
const SKIP = /^(readme|license|licence)(\.|$)/i;

/** Expands files and directories (recursively) into transcript paths, sorted. */
export function expandPaths(
  paths: readonly string[],
  extensions: ReadonlySet<string> = EXTENSIONS,
): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) {
      const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      out.push(
        ...expandPaths(
          entries
            .filter(
              (e) => e.isDirectory() || (extensions.has(extname(e.name).toLowerCase()) && !SKIP.test(e.name)),
            )
            .map((e) => join(p, e.name)),
          extensions,
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

/**
 * Parses text transcript files, continuing past bad ones (synchronous, for start-up and scripts:
 * directories are searched for text transcripts only; {@link loadTranscripts} reads .docx too).
 */
export function loadInterviews(paths: readonly string[], format?: Format): Loaded[] {
  return expandPaths(paths, new Set(TEXT_EXTENSIONS)).map((path) => {
    try {
      const text = decodeText(readFileSync(path));
      return { path, interview: parseInterview(text, { format, id: idFromPath(path) }) };
    } catch (e) {
      return { path, error: e instanceof Error ? e.message : String(e) };
    }
  });
}

/** Parses one file: a Word document (by its zip signature, whatever its name) or text. */
export function parseFile(path: string, options: { format?: Format | undefined; id?: string | undefined }) {
  return parseBytes(readFileSync(path), { format: options.format, id: options.id ?? idFromPath(path) });
}

/** Parses transcript files of every kind, .docx included, continuing past bad ones. */
export async function loadTranscripts(paths: readonly string[], format?: Format): Promise<Loaded[]> {
  const out: Loaded[] = [];
  for (const path of expandPaths(paths)) {
    try {
      out.push({ path, interview: await parseFile(path, { format }) });
    } catch (e) {
      out.push({ path, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
