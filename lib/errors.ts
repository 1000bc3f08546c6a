/**
 * Typed errors thrown by the domain core. The HTTP layer maps `code` to a status in one place
 * (`STATUS` in lib/api/http.ts, a total table over {@link ErrorCode}); nothing in lib/ knows
 * about HTTP.
 */

/**
 * Every machine-readable error code the service answers with: a closed union, so a new code is
 * a compile error until the status table (and the OpenAPI document) know it.
 */
export type ErrorCode =
  // the request
  | 'validation_error'
  | 'invalid_json'
  | 'parse_error'
  | 'parse_timeout'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_many_requests'
  // the service
  | 'unavailable'
  | 'snapshot_version'
  | 'config_error'
  | 'internal_error';

/** Base class: every error the core throws on purpose carries a stable machine-readable code. */
export class KikigakiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A transcript could not be turned into an interview; names the 1-based line and the reason. */
export class ParseError extends KikigakiError {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string, format?: string) {
    super('parse_error', `line ${line}: ${reason}${format ? ` (format ${format})` : ''}`, {
      line,
      reason,
      ...(format ? { format } : {}),
    });
    this.line = line;
    this.reason = reason;
  }
}

/** Input that is well-formed but not acceptable (wrong types, out of range, unknown option). */
export class ValidationError extends KikigakiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('validation_error', message, details);
  }
}

/** A thing that was asked for by id does not exist. */
export class NotFoundError extends KikigakiError {
  constructor(what: string, id: string) {
    super('not_found', `${what} '${id}' not found`, { what, id });
  }
}

/**
 * Not found: a person merged away names whom they became (`mergedInto`), so old links can follow;
 * anyone else is plainly not found.
 */
export function personNotFound(
  what: string,
  id: string,
  mergedInto: string | null | undefined,
): KikigakiError {
  return mergedInto
    ? new KikigakiError('not_found', `${what} '${id}' was merged into '${mergedInto}'`, {
        what,
        id,
        mergedInto,
      })
    : new NotFoundError(what, id);
}

/** A write lost a race or contradicts the current state (optimistic locking). */
export class ConflictError extends KikigakiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}

/**
 * A conditional write found another version stored than the one it was computed from (another
 * writer came between the read and the write). Still a 409 (`conflict`); the use cases tell it
 * from the deterministic conflicts (a merged-away tag, an id taken) because an edit the client
 * sent without `expectedVersion` is read again and re-applied instead.
 */
export class VersionConflictError extends ConflictError {}

/**
 * The store (or another dependency) cannot serve now: unreachable, restarting, out of space,
 * or throttling past retries. Answered 503 with Retry-After; `cause` keeps the SDK's error.
 */
export class UnavailableError extends KikigakiError {
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super('unavailable', message, undefined, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}

/** A saved search index was written by a schema this code does not understand. */
export class SnapshotVersionError extends KikigakiError {
  constructor(found: unknown, expected: number) {
    super(
      'snapshot_version',
      `search index snapshot has schemaVersion ${JSON.stringify(found)}, this build reads only ${expected}; rebuild the index`,
      { found, expected },
    );
  }
}
