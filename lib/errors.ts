/**
 * Typed errors thrown by the domain core. The HTTP layer maps `code` to a status in one place;
 * nothing in lib/ knows about HTTP.
 */

/** Base class: every error the core throws on purpose carries a stable machine-readable code. */
export class KikigakiError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
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

/** A write lost a race or contradicts the current state (optimistic locking). */
export class ConflictError extends KikigakiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
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
