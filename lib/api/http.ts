/** Small HTTP helpers shared by the route groups: validation, auth, the actor, error mapping. */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { KikigakiError, ValidationError } from '../errors.ts';

/** Hono environment of the app. */
export type AppEnv = { Variables: { requestId: string } };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'value'}: ${i.message}`)
    .join('; ');
}

/** Validates a value against a schema or throws a 400 with the first problems named. */
export function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`invalid ${where}: ${describe(r.error)}`);
  return r.data;
}

/** Query parameters, with repeated keys (`?tag=a&tag=b`) as arrays where the schema wants them. */
export function query<S extends z.ZodType>(
  c: Context,
  schema: S,
  arrays: readonly string[] = [],
): z.output<S> {
  const raw: Record<string, unknown> = { ...c.req.query() };
  for (const k of arrays) {
    const all = c.req.queries(k);
    if (all) raw[k] = all;
  }
  return check(schema, raw, 'query');
}

/** Parses a JSON body, answering 400 for malformed JSON. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw new KikigakiError('invalid_json', 'request body is not valid JSON');
  }
  return check(schema, value, 'body');
}

/** Who made a change, for the audit trail: the X-Actor header (sanitised) or "api". */
export function actor(c: Context): string {
  let raw = c.req.header('x-actor') ?? '';
  // Browsers send only Latin-1 in headers: the console percent-encodes names such as 山田.
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // not percent-encoded: kept as sent
  }
  const clean = raw
    .replace(/[^\p{L}\p{N} ._@-]/gu, '')
    .trim()
    .slice(0, 100);
  return clean || 'api';
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Compare equal-length buffers so the timing does not reveal the length either.
  const padded = Buffer.alloc(b.length);
  a.copy(padded, 0, 0, Math.min(a.length, b.length));
  return timingSafeEqual(padded, b) && a.length === b.length;
}

/** Requires `Authorization: Bearer <token>` matching one of `accepted` (resolved lazily, e.g. from a secret). */
export function requireToken(
  accepted: ReadonlyArray<() => Promise<string> | string>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m)
      throw new HTTPException(401, { message: 'missing bearer token: send Authorization: Bearer <token>' });
    const given = m[1] as string;
    // Every accepted token is compared (no early exit), each in constant time.
    let ok = false;
    for (const expected of accepted) ok = tokenMatches(given, await expected()) || ok;
    if (!ok) throw new HTTPException(401, { message: 'invalid token' });
    await next();
  };
}

/** Status code for each domain error code. */
export const STATUS: Record<string, number> = {
  validation_error: 400,
  invalid_json: 400,
  parse_error: 422,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  snapshot_version: 500,
};

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** Maps any thrown value to a status and the JSON error body. */
export function toErrorResponse(
  err: unknown,
  requestId: string,
): { status: number; body: { error: { code: string; message: string; requestId: string } } } {
  if (err instanceof KikigakiError) {
    const status = STATUS[err.code] ?? 400;
    return {
      status,
      body: {
        error: {
          code: err.code,
          message: status >= 500 && err.code !== 'unavailable' ? 'internal error' : err.message,
          requestId,
        },
      },
    };
  }
  if (err instanceof HTTPException) {
    return {
      status: err.status,
      body: {
        error: {
          code: HTTP_CODES[err.status] ?? 'http_error',
          message: err.message || 'request failed',
          requestId,
        },
      },
    };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'internal error', requestId } } };
}
