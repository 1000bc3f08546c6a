/**
 * Export of a whole result set (every page, with its filters) as citation records: CSV for
 * spreadsheets, JSON for scripts. Streamed page by page, bounded in rows and bytes so that one
 * request can neither hold the server nor exceed a Lambda response (6 MB).
 */
import type { Context } from 'hono';
import { searchQuotes } from './console/search.ts';
import type { QuoteSearch } from './search/backend.ts';
import type { SearchHit, SearchParams } from './search/index.ts';
import type { Kikigaki } from './service.ts';

/** Export formats. */
export type ExportFormat = 'csv' | 'json';

/** At most this many quotes per export. */
export const EXPORT_MAX_ROWS = 10_000;
/** An export stops before its body passes this many bytes (Lambda answers at most 6 MB). */
export const EXPORT_MAX_BYTES = 5 * 1024 * 1024;
/** Hits read per step. */
const PAGE = 100;

/** One quote with what a citation needs. */
export interface Citation {
  quoteId: string;
  text: string;
  speaker: string;
  speakerRole: string;
  speakerId: string | null;
  interviewId: string;
  interviewTitle: string;
  /** The interview's source (the article), when known. */
  url: string | null;
  publishedAt: string | null;
  section: string | null;
  question: string | null;
  tags: string[];
  /** The quote in the console's reader. */
  link: string;
}

/** CSV columns, in order (the header row). */
export const CSV_COLUMNS = [
  'quote_id',
  'text',
  'speaker',
  'speaker_role',
  'speaker_id',
  'interview_id',
  'interview_title',
  'url',
  'published_at',
  'section',
  'question',
  'tags',
  'link',
] as const;

/** The citation record of a hit. */
export function citationOf(hit: SearchHit, url: string | null, origin: string): Citation {
  return {
    quoteId: hit.quoteId,
    text: hit.text,
    speaker: hit.speaker.name,
    speakerRole: hit.speaker.role,
    speakerId: hit.speaker.id,
    interviewId: hit.interviewId,
    interviewTitle: hit.interviewTitle,
    url,
    publishedAt: hit.publishedAt,
    section: hit.section,
    question: hit.question?.text ?? null,
    tags: hit.tags,
    link: `${origin}/interviews/${encodeURIComponent(hit.interviewId)}#${encodeURIComponent(hit.quoteId)}`,
  };
}

/**
 * One CSV field (RFC 4180). Quote texts are untrusted: a field a spreadsheet would run as a
 * formula (starting with = + - @ or a control character) gets a leading apostrophe.
 */
export function csvField(value: string | null): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV record, CRLF-terminated. */
export function csvRow(c: Citation): string {
  const cells = [
    c.quoteId,
    c.text,
    c.speaker,
    c.speakerRole,
    c.speakerId,
    c.interviewId,
    c.interviewTitle,
    c.url,
    c.publishedAt,
    c.section,
    c.question,
    c.tags.join(';'),
    c.link,
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** What {@link exportStream} needs. */
export interface ExportRequest {
  service: Kikigaki;
  index: QuoteSearch;
  /** The search (its `limit` and `cursor` are ignored: the export reads every page). */
  params: SearchParams;
  format: ExportFormat;
  /** Scheme and host of the console, for each citation's link. */
  origin: string;
  /** Each merged-away tag the request named → the tag it became (the search used that one). */
  resolved?: Record<string, string>;
  maxRows?: number;
  maxBytes?: number;
}

/** What a started export knows before its body: the result set's size. */
export interface ExportStart {
  total: number;
  totalIsEstimate: boolean;
  /** True when the result set is larger than the row bound. */
  truncated: boolean;
  body: ReadableStream<Uint8Array>;
}

/**
 * Runs the first page (so bad parameters fail before any byte is sent and the total is known),
 * then streams every page as CSV (UTF-8 with a BOM, so spreadsheets read Japanese) or JSON.
 */
export async function exportStream(req: ExportRequest): Promise<ExportStart> {
  const maxRows = req.maxRows ?? EXPORT_MAX_ROWS;
  const maxBytes = req.maxBytes ?? EXPORT_MAX_BYTES;
  const base = { ...req.params, limit: PAGE, cursor: undefined };
  const first = await searchQuotes(req.service, req.index, base);
  const encoder = new TextEncoder();
  let pending: typeof first | null = first;
  let cursor = first.page.nextCursor;
  let rows = 0;
  let bytes = 0;
  let stage: 'head' | 'rows' | 'done' = 'head';
  let cutShort = false;
  const json = req.format === 'json';
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const emit = (s: string) => {
        const b = encoder.encode(s);
        bytes += b.byteLength;
        controller.enqueue(b);
      };
      if (stage === 'head') {
        stage = 'rows';
        if (json) {
          // `resolved` and `people` as the search page gives them (the merge a named tag went
          // through; whom each `interviewee` name stood for): an export says what it was taken for.
          const head = {
            query: { ...req.params, limit: undefined, cursor: undefined },
            total: first.page.total,
            totalIsEstimate: first.page.totalIsEstimate,
            ...(req.resolved && Object.keys(req.resolved).length > 0 ? { resolved: req.resolved } : {}),
            ...(first.page.people ? { people: first.page.people } : {}),
          };
          emit(`${JSON.stringify(head).slice(0, -1)},"quotes":[`);
        } else emit(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
        return;
      }
      if (stage === 'done') return;
      let step = pending;
      pending = null;
      if (!step && cursor) step = await searchQuotes(req.service, req.index, { ...base, cursor });
      const hits = step?.page.hits ?? [];
      let chunk = '';
      let chunkBytes = 0;
      for (const hit of hits) {
        if (rows >= maxRows) {
          cutShort = true;
          break;
        }
        const c = citationOf(hit, step?.documents(hit.interviewId)?.url ?? null, req.origin);
        const line = json ? `${rows > 0 ? ',' : ''}\n${JSON.stringify(c)}` : csvRow(c);
        const size = encoder.encode(line).byteLength;
        if (bytes + chunkBytes + size > maxBytes - 200) {
          cutShort = true;
          break;
        }
        chunk += line;
        chunkBytes += size;
        rows++;
      }
      if (chunk) emit(chunk);
      cursor = step?.page.nextCursor ?? null;
      if (cutShort || hits.length === 0 || !cursor) {
        stage = 'done';
        if (json) emit(`\n],"rows":${rows},"truncated":${cutShort}}\n`);
        controller.close();
      }
    },
  });
  return {
    total: first.page.total,
    totalIsEstimate: first.page.totalIsEstimate,
    truncated: first.page.total > maxRows,
    body,
  };
}

/**
 * The export a GET /search asks for: `format=csv|json`, or an Accept header that prefers
 * text/csv (browsers and curl do not); undefined for an ordinary page of hits.
 */
export function exportFormatOf(
  format: ExportFormat | undefined,
  accept: string | undefined,
): ExportFormat | undefined {
  if (format) return format;
  const first = (accept ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  return first === 'text/csv' ? 'csv' : undefined;
}

/** The HTTP response of an export: streamed, with the result set's size in headers. */
export async function exportResponse(c: Context, req: ExportRequest): Promise<Response> {
  const started = await exportStream(req);
  const stamp = new Date().toISOString().slice(0, 10);
  c.header(
    'Content-Type',
    req.format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8',
  );
  c.header('Content-Disposition', `attachment; filename="kikigaki-${stamp}.${req.format}"`);
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept');
  c.header('X-Total-Count', String(started.total));
  c.header('X-Export-Limit', String(req.maxRows ?? EXPORT_MAX_ROWS));
  if (started.truncated) c.header('X-Export-Truncated', 'true');
  return c.body(started.body);
}
