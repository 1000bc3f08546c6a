/**
 * Stable, URL-safe identifiers. The same transcript always yields the same ids, so re-ingesting
 * replaces instead of duplicating, and links to quotes keep working.
 */
import { createHash } from 'node:crypto';
import { normalizeForMatch } from './text/normalize.ts';

const SAFE = /^[A-Za-z0-9_-]{1,128}$/;

/** True when `s` can be used as an id as it is. */
export function isSafeId(s: string): boolean {
  return SAFE.test(s);
}

/** Short base-36 digest of a string (collision-safe enough for ids within one corpus). */
export function digest(s: string, length = 12): string {
  const hex = createHash('sha256').update(s).digest('hex').slice(0, 16);
  return BigInt(`0x${hex}`).toString(36).padStart(length, '0').slice(0, length);
}

/** Id of a quote: the interview id plus the turn's position, e.g. `kao-2-t007`. */
export function quoteId(interviewId: string, ordinal: number): string {
  return `${interviewId}-t${String(ordinal).padStart(3, '0')}`;
}

/** The interview a quote id belongs to (quote ids are `<interview id>-tNNN`), or null. */
export function interviewIdOfQuote(quoteId: string): string | null {
  const m = /^(.+)-t\d+$/.exec(quoteId);
  return m ? (m[1] as string) : null;
}

/**
 * Id of a person. A handle is an explicit identity shared across interviews (`@kao_bunny` →
 * `kao_bunny`). A name alone identifies a person only within one interview (`scope`, the
 * interview id): two interviews of a 田中 are two people until an editor merges them.
 */
export function personId(name: string, handle?: string | null, scope?: string | null): string {
  if (handle) return handle.replace(/^@/, '').toLowerCase();
  const key = normalizeForMatch(name).replace(/\s+/g, '');
  return `p-${digest(scope ? `${scope}\n${key}` : key, 10)}`;
}

/** Id of an interview from its URL's last path segment when usable, else a digest of its content. */
export function interviewIdFrom(url: string | null, title: string, content: string): string {
  if (url) {
    try {
      const segs = new URL(url).pathname.split('/').filter(Boolean);
      const last = segs.at(-1)?.replace(/\.[a-z0-9]+$/i, '');
      if (last && isSafeId(last))
        return segs.length > 1 && /^\d+$/.test(last)
          ? `${segs.at(-2)}-${last}`.replace(/[^A-Za-z0-9_-]/g, '')
          : last;
    } catch {
      // not a URL: fall through to the content digest
    }
  }
  return `iv-${digest(`${normalizeForMatch(title)}\n${normalizeForMatch(content)}`)}`;
}
