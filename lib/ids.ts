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

/**
 * The identity of a source URL: host (lower case, default port dropped) and path with its query,
 * without scheme, fragment, trailing slash or `utm_*` tracking parameters, so the http and https
 * copies of one article agree and two articles never do. Null when `url` is not an absolute URL.
 */
export function canonicalUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!u.host) return null;
  const params = [...u.searchParams]
    .filter(([k]) => !/^utm_/i.test(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length > 0 ? `?${new URLSearchParams(params)}` : '';
  return `${u.host}${u.pathname.replace(/\/+$/, '')}${query}`;
}

/** Readable part of a URL id: the last path segment without extension (or `dir-123` for numbers). */
function slugOf(url: URL): string {
  const segs = url.pathname
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      try {
        return decodeURIComponent(seg);
      } catch {
        return seg;
      }
    });
  const last = segs.at(-1)?.replace(/\.[a-z0-9]{1,5}$/i, '') ?? '';
  const readable = segs.length > 1 && /^\d+$/.test(last) ? `${segs.at(-2)}-${last}` : last;
  return readable
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** Canonical form of a transcript's text for its digest: only transport differences are removed. */
function canonicalText(s: string): string {
  // Line endings and a byte-order mark are how the file travelled; NFC keeps canonically equal
  // text equal. Nothing else is folded: width, kana, case and invisible characters all count.
  return s
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC');
}

/**
 * Id of an interview derived from its source: a URL gives its readable last segment plus a digest
 * of the URL's identity (host and path, `canonicalUrl`): `page-<digest>`, `detail-5920825-<digest>`;
 * otherwise a digest of the exact title and text: `iv-<digest>`. Two different sources never share
 * an id (to a 64-bit digest), and the same source always gets the same one.
 */
export function interviewIdFrom(url: string | null, title: string, content: string): string {
  const identity = url ? canonicalUrl(url) : null;
  if (url && identity) {
    const slug = slugOf(new URL(url));
    return `${slug || 'u'}-${digest(identity, 12)}`;
  }
  return `iv-${digest(`${canonicalText(title)}\n${canonicalText(content)}`)}`;
}
