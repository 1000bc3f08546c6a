/**
 * Opaque page cursors: base64url of a JSON array, the first element a digest of the request's
 * scope (route, partition, filters), the rest whatever that request needs to resume. A cursor
 * from any other scope, or one that was cut short or made up, is a ValidationError (400).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.ts';

const scopeDigest = (scope: string) => createHash('sha256').update(scope).digest('base64url').slice(0, 10);

/** Cursors longer than this are never issued (the API caps the parameter lower still). */
const MAX_CURSOR = 1024;

/** Spells a cursor for `scope`. */
export function encodeCursor(scope: string, parts: readonly string[]): string {
  return Buffer.from(JSON.stringify([scopeDigest(scope), ...parts])).toString('base64url');
}

/** The parts of a cursor issued for `scope`, or a ValidationError. */
export function decodeCursor(cursor: string, scope: string): string[] {
  const invalid = () => new ValidationError('cursor is invalid for this request; start again without it');
  if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid();
  const [digest, ...parts] = value as string[];
  if (digest !== scopeDigest(scope)) throw invalid();
  return parts;
}

/** Pages an in-memory list with an offset cursor scoped to the request. */
export function pageOf<T>(
  all: readonly T[],
  limit: number,
  cursor: string | undefined,
  scope: string,
): { items: T[]; nextCursor: string | null } {
  let offset = 0;
  if (cursor) {
    const [n, ...rest] = decodeCursor(cursor, scope);
    offset = /^\d{1,9}$/.test(n ?? '') && rest.length === 0 ? Number(n) : -1;
    if (offset < 0) throw new ValidationError('cursor is invalid for this request; start again without it');
  }
  const items = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? encodeCursor(scope, [String(offset + limit)]) : null;
  return { items, nextCursor: next };
}
