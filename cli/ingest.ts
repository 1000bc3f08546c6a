/** `kikigaki ingest`: uploads transcripts to a running API with a progress bar and a summary. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DOCX_CONTENT_TYPE, isZip } from '../lib/parse/docx.ts';
import { expandPaths, idFromPath } from './load.ts';

/** Outcome of one file. */
export interface IngestOutcome {
  path: string;
  /** `skipped`: not sent, the run stopped first (see {@link stopReason}). */
  status: 'ingested' | 'replaced' | 'failed' | 'skipped';
  id?: string;
  quotes?: number;
  reason?: string;
  /** On a failure that stopped the run (a refused token, an unreachable API): what to check. */
  stop?: string;
}

/** Options of {@link ingestFiles}. */
export interface IngestOptions {
  api: string;
  token: string;
  format?: string | undefined;
  /** Where progress goes (stderr by default); a TTY gets a redrawn bar. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  fetchImpl?: typeof fetch;
  /** Uploads in flight (default 4, at most 16). */
  concurrency?: number;
  /** Waits between retries (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

/** The content type a transcript file is sent as, by its extension (a zip is a .docx). */
export function contentTypeOf(path: string, bytes: Uint8Array): string {
  if (isZip(bytes)) return DOCX_CONTENT_TYPE;
  switch (extname(path).toLowerCase()) {
    case '.md':
    case '.markdown':
      return 'text/markdown';
    case '.vtt':
      return 'text/vtt';
    case '.srt':
      return 'application/x-subrip';
    case '.tsv':
      return 'text/tab-separated-values';
    default:
      return 'text/plain';
  }
}

/** Attempts per file when the API answers 429 (throttled) or 503 (store unavailable). */
const ATTEMPTS = 6;

/**
 * Sends a request again after 429 or 503, waiting as `Retry-After` says or backing off
 * exponentially with jitter: the deployed API throttles writes (5/s, burst 10 by default).
 */
async function withRetries(send: () => Promise<Response>, sleep = defaultSleep): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if ((res.status !== 429 && res.status !== 503) || attempt >= ATTEMPTS) return res;
    const after = Number(res.headers.get('retry-after'));
    await res.body?.cancel();
    await sleep(after > 0 ? Math.min(after, 30) * 1000 : 250 * 2 ** (attempt - 1) * (0.5 + Math.random()));
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

/**
 * Why every other upload would fail the same way, or null: the API refused the token (401/403),
 * or could not be reached at all. The run stops there instead of sending every file to fail.
 */
function stopReason(base: string, status: number | null, error: unknown): string | null {
  if (status === 401 || status === 403)
    return `the API refused the token (${status}): check --token or KIKIGAKI_TOKEN (npm start prints it)`;
  if (status !== null) return null;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code))
    return `cannot reach ${base} (${code}): is the server running (npm start), and is --api its URL?`;
  return null;
}

/**
 * Why an --api value is no URL the uploads can use, or null: `localhost:3000` without its
 * scheme was sent to fetch, and every file failed with "fetch failed".
 */
export function apiUrlProblem(api: string): string | null {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    return `--api must be a URL such as http://localhost:3000 (got '${api}')`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `--api must be an http:// or https:// URL such as http://localhost:3000 (got '${api}')`;
  return null;
}

/**
 * Uploads every transcript, continuing past files that fail; returns one outcome per file, in
 * order. A refused token or an unreachable API stops the run: the files not sent are `skipped`.
 */
export async function ingestFiles(
  paths: readonly string[],
  options: IngestOptions,
): Promise<IngestOutcome[]> {
  const files = expandPaths(paths);
  const out: IngestOutcome[] = new Array(files.length);
  const progress = options.progress ?? process.stderr;
  const doFetch = options.fetchImpl ?? fetch;
  const base = options.api.replace(/\/+$/, '');
  let next = 0;
  let done = 0;
  let stopped: string | null = null;
  const upload = async (path: string): Promise<IngestOutcome> => {
    try {
      // Bytes as they are on disk: the server reads a .docx (a zip) or decodes UTF-8 text.
      const body = readFileSync(path);
      const isJson = extname(path).toLowerCase() === '.json';
      const params = new URLSearchParams();
      const id = idFromPath(path);
      if (id) params.set('id', id);
      if (options.format && !isJson) params.set('format', options.format);
      const res = await withRetries(
        () =>
          doFetch(`${base}/interviews?${params}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.token}`,
              'content-type': isJson ? 'application/json' : contentTypeOf(path, body),
            },
            body,
          }),
        options.sleep,
      );
      const json = (await res.json().catch(() => ({}))) as {
        id?: string;
        quotes?: number;
        error?: { code?: string; message?: string };
      };
      if (res.ok) {
        return {
          path,
          status: res.status === 201 ? 'ingested' : 'replaced',
          id: json.id ?? '',
          quotes: json.quotes ?? 0,
        };
      }
      const stop = stopReason(base, res.status, null);
      stopped ??= stop;
      return {
        path,
        status: 'failed',
        reason: `${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? res.statusText}`.trim(),
        ...(stop ? { stop } : {}),
      };
    } catch (e) {
      const stop = stopReason(base, null, e);
      stopped ??= stop;
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      const message = e instanceof Error ? e.message : String(e);
      return {
        path,
        status: 'failed',
        reason: cause ? `${message} (${cause})` : message,
        ...(stop ? { stop } : {}),
      };
    }
  };
  // A few uploads in flight keep the server busy while each waits on its store writes.
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const path = files[i] as string;
      if (stopped) {
        out[i] = { path, status: 'skipped', reason: stopped };
        continue;
      }
      out[i] = await upload(path);
      done++;
      const line = `${bar(done, files.length)} ${path}`;
      progress.write(progress.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, 16)) }, worker));
  progress.write(progress.isTTY ? '\n' : '');
  return out;
}

/** A human summary of the outcomes. */
export function summarize(outcomes: readonly IngestOutcome[]): string {
  const count = (s: IngestOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const quotes = outcomes.reduce((n, o) => n + (o.quotes ?? 0), 0);
  const skipped = outcomes.filter((o) => o.status === 'skipped');
  const lines = [
    `ingested ${count('ingested')}, replaced ${count('replaced')}, failed ${count('failed')}${
      skipped.length ? `, not sent ${skipped.length}` : ''
    } (${quotes} quotes)`,
  ];
  for (const o of outcomes.filter((x) => x.status === 'failed'))
    lines.push(`  failed ${o.path}: ${o.reason}`);
  // Said whenever a failure stopped the run, also when every file was already sent (none skipped).
  const stop = skipped[0]?.reason ?? outcomes.find((o) => o.stop)?.stop;
  if (stop) lines.push(`stopped: ${stop}`);
  return `${lines.join('\n')}\n`;
}
