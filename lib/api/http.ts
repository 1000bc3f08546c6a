/** Small HTTP helpers shared by the route groups: validation, auth, the actor, error mapping. */
import { timingSafeEqual } from 'node:crypto';
import { distance } from 'fastest-levenshtein';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { TrieRouter } from 'hono/router/trie-router';
import * as z from 'zod';
import { type ErrorCode, KikigakiError, UnavailableError, ValidationError } from '../errors.ts';
import { decodeText, EncodingError } from '../text/encoding.ts';

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

/**
 * Refuses query parameters a route does not take: a misspelt filter (`?actr=hanako`) ignored
 * would answer everything as if it had filtered, so it is a 400 naming the parameter, what the
 * route accepts and the nearest accepted name.
 */
export function rejectUnknownParameters(c: Context, accepted: readonly string[]): void {
  const unknown = Object.keys(c.req.query()).filter((k) => !accepted.includes(k));
  const first = unknown[0];
  if (first === undefined) return;
  const near = accepted.filter((a) => distance(first.toLowerCase(), a.toLowerCase()) <= 2);
  const hint = near.length > 0 ? ` (did you mean '${near[0]}'?)` : '';
  throw new ValidationError(
    `unknown query parameter '${first}'${hint}; ${
      accepted.length > 0
        ? `this route accepts ${accepted.join(', ')}`
        : 'this route takes no query parameters'
    }`,
    { parameter: first, unknown, accepted: [...accepted], ...(near.length > 0 ? { candidates: near } : {}) },
  );
}

/** A whole number as a query string writes it: decimal digits, no sign, no leading zero. */
const PLAIN_INTEGER = /^(0|[1-9][0-9]*)$/;

/** The integer parameters of each query schema (as the OpenAPI document types them), computed once. */
const integerParameters = new WeakMap<z.ZodObject, ReadonlySet<string>>();

function integersOf(schema: z.ZodObject): ReadonlySet<string> {
  let keys = integerParameters.get(schema);
  if (!keys) {
    const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, { type?: unknown }>;
    };
    keys = new Set(
      Object.entries(js.properties ?? {})
        .filter(([, s]) => s.type === 'integer' || s.type === 'number')
        .map(([k]) => k),
    );
    integerParameters.set(schema, keys);
  }
  return keys;
}

/**
 * Refuses an integer parameter not written as plain decimal digits: the schemas' number coercion
 * read `limit=1e2` as 100, `0x10` as 16, `+5`, ` 5` and `5.0` as 5 (and `limit=` as 0), so a
 * client's typo or a float formatter passed unnoticed. The OpenAPI document types these
 * parameters `integer`, which a query string writes as digits only.
 */
function rejectNonDecimal(schema: z.ZodObject, raw: Record<string, unknown>): void {
  for (const k of integersOf(schema)) {
    const v = raw[k];
    if (typeof v === 'string' && !PLAIN_INTEGER.test(v))
      throw new ValidationError(
        `query parameter '${k}' must be a whole number written in decimal digits (such as 20), not '${v.slice(0, 40)}'`,
        { parameter: k },
      );
  }
}

/**
 * Query parameters, with repeated keys (`?tag=a&tag=b`) as arrays where the schema wants them;
 * a parameter the schema does not name is a 400 ({@link rejectUnknownParameters}), and so is an
 * integer parameter not written as decimal digits ({@link rejectNonDecimal}).
 */
export function query<S extends z.ZodObject>(
  c: Context,
  schema: S,
  arrays: readonly string[] = [],
): z.output<S> {
  rejectUnknownParameters(c, Object.keys(schema.shape));
  rejectMalformedQuery(c);
  const raw: Record<string, unknown> = { ...c.req.query() };
  for (const k of Object.keys(raw)) {
    const all = c.req.queries(k) ?? [];
    if (arrays.includes(k)) raw[k] = all;
    else if (all.length > 1)
      // `?q=a&q=b` searched one of them and dropped the other without a word.
      throw new ValidationError(`query parameter '${k}' is given ${all.length} times; it takes one value`, {
        parameter: k,
      });
  }
  rejectNonDecimal(schema, raw);
  return check(schema, raw, 'query');
}

/**
 * Refuses a query string that is not percent-encoded UTF-8 (`?q=%E3%81`, a character cut in
 * half; `?q=%FF`): it was searched as the raw text, `%E3%81`, and answered an empty 200.
 */
export function rejectMalformedQuery(c: Context): void {
  const at = c.req.url.indexOf('?');
  if (at < 0) return;
  for (const part of c.req.url
    .slice(at + 1)
    .split('#')[0]
    ?.split('&') ?? []) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      const key = part.split('=')[0] ?? '';
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {}
      throw new ValidationError(
        `query parameter '${name}' is not percent-encoded UTF-8 ('${part.slice(0, 80)}'): encode its value as UTF-8 (curl -G --data-urlencode 'q=…')`,
        { parameter: name },
      );
    }
  }
}

/**
 * Deepest nesting accepted in a JSON body. The deepest legitimate body (a canonical interview)
 * nests 4 levels; a bound well below what recursive code (JSON.stringify, validators) survives
 * keeps a `[[[[…` body a 400 instead of a stack overflow.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Where a JSON text nests deeper than `max` (the character offset), or -1. One linear pass that
 * skips strings, so brackets inside string values do not count.
 */
export function jsonTooDeepAt(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return i;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return -1;
}

/** The `charset` parameter of the request's Content-Type, or null. */
export function requestCharset(c: Context): string | null {
  const header = c.req.header('content-type') ?? '';
  const m = /;\s*charset\s*=\s*("[^"]*"|[^;\s]*)/i.exec(header);
  return m?.[1] ? m[1] : null;
}

/**
 * The request body as text: UTF-8, UTF-16 by its byte-order mark, or the Content-Type's charset.
 * Bytes not valid in it are a 415 naming the likely encoding (never replaced by U+FFFD and stored).
 */
export function bodyText(c: Context, bytes: Uint8Array, what?: string): string {
  const charset = requestCharset(c);
  try {
    return decodeText(bytes, charset, what);
  } catch (e) {
    if (!(e instanceof EncodingError)) throw e;
    const type = (c.req.header('content-type') ?? 'text/plain').split(';')[0]?.trim() || 'text/plain';
    throw new KikigakiError(
      'unsupported_media_type',
      e.guess
        ? `${e.message}; or send it as it is with Content-Type: ${type}; charset=${e.guess}`
        : e.message,
      e.details,
      { cause: e },
    );
  }
}

/** Parses a JSON request body: 400 `invalid_json` when malformed, 400 when nested too deep. */
export async function readJson(c: Context): Promise<unknown> {
  const text = bodyText(c, new Uint8Array(await c.req.arrayBuffer()), 'the JSON body');
  const at = jsonTooDeepAt(text);
  if (at >= 0)
    throw new ValidationError(
      `request body nests JSON deeper than ${MAX_JSON_DEPTH} levels (at character ${at}); no valid body does`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new KikigakiError('invalid_json', 'request body is not valid JSON', undefined, { cause: e });
  }
}

/** The media type of the request's Content-Type, lower-cased without parameters ('' when none). */
export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Requires a JSON body's Content-Type to be JSON (`application/json`, or a `+json` type): a tag
 * edit sent as `text/plain` or with none (curl -d sends application/x-www-form-urlencoded) was
 * read as JSON all the same, so a client learnt nothing of its wrong header until a server that
 * honours it refused. 415 naming the type expected and the one sent.
 */
export function requireJsonType(c: Context): void {
  const type = mediaType(c);
  if (type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) return;
  throw new KikigakiError(
    'unsupported_media_type',
    `send this body as JSON with Content-Type: application/json, not '${type || 'no content type'}' (curl: -H 'content-type: application/json')`,
    { expected: 'application/json', received: type || null },
  );
}

/** Parses and validates a JSON body (Content-Type: application/json, else 415). */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  requireJsonType(c);
  return check(schema, await readJson(c), 'body');
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
      throw new KikigakiError('unauthorized', 'missing bearer token: send Authorization: Bearer <token>');
    const given = m[1] as string;
    // Every accepted token is compared (no early exit), each in constant time.
    let ok = false;
    for (const expected of accepted) ok = tokenMatches(given, await expected()) || ok;
    if (!ok) throw new KikigakiError('unauthorized', 'invalid token');
    await next();
  };
}

/** The order an `Allow` header lists methods in. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The methods an app's routes answer at a path (none: no route has the path), to tell a path
 * the app lacks (404) from a method the path lacks (405 with `Allow`, RFC 9110 §15.5.6):
 * `PATCH /interviews/{id}` answered 404, as if the interview did not exist. Read from the app's
 * own routes with Hono's router, so a path matches here exactly when a route of some method
 * matches it (the same parameters, no trailing slash); built at the first call, when every
 * route is mounted. HEAD wherever GET is (Hono answers HEAD with the GET route). OPTIONS is not
 * listed: the CORS middleware answers it on every path, and on AWS API Gateway does.
 */
export function routeMethods(
  routes: () => readonly { method: string; path: string }[],
): (path: string) => string[] {
  let router: TrieRouter<string> | undefined;
  return (path) => {
    if (!router) {
      router = new TrieRouter<string>();
      // Middleware is registered for ALL methods: it is no route.
      for (const r of routes()) if (r.method !== 'ALL') router.add('ALL', r.path, r.method);
    }
    const found = new Set(router.match('GET', path)[0].map(([method]) => method));
    if (found.has('GET')) found.add('HEAD');
    return METHOD_ORDER.filter((m) => found.has(m));
  };
}

/** The HTTP status of every error code: total over the closed union, so there is no fallback. */
export const STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  // Refused by the HTTP server before any route (local/client-errors.ts); the app never throws it.
  headers_too_large: 431,
  unsupported_media_type: 415,
  parse_error: 422,
  parse_timeout: 422,
  too_many_requests: 429,
  internal_error: 500,
  snapshot_version: 500,
  config_error: 500,
  unavailable: 503,
};

/** Codes for the statuses of HTTPExceptions that Hono itself may throw (ours throw KikigakiError). */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** The JSON error body of every 4xx/5xx. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
}

/** What an error answers: status, body and headers (Retry-After on 503). */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * The one place an error body is shaped: its status from {@link STATUS}; the message and details
 * only for the client's errors and 503 (other 5xx are bugs or configuration, their messages stay
 * in the log); Retry-After on 503. Every error the API or the local server answers is made here.
 */
export function errorResponse(
  code: ErrorCode,
  message: string,
  requestId: string,
  options: { details?: Record<string, unknown> | undefined; retryAfterSeconds?: number } = {},
): ErrorResponse {
  const status = STATUS[code];
  const shown = status >= 500 && code !== 'unavailable' ? 'internal error' : message;
  // Details (the line of a parse error, the existing id of a conflict) only for the client's errors.
  const details = status < 500 && options.details ? { details: options.details } : {};
  return {
    status,
    body: { error: { code, message: shown, requestId, ...details } },
    headers: status === 503 ? { 'retry-after': String(options.retryAfterSeconds ?? 5) } : {},
  };
}

/** Maps any thrown value to a status, the JSON error body and headers. */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (err instanceof KikigakiError)
    return errorResponse(err.code, err.message, requestId, {
      details: err.details,
      ...(err instanceof UnavailableError ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    });
  if (err instanceof HTTPException)
    return errorResponse(
      HTTP_EXCEPTION_CODES[err.status] ?? 'internal_error',
      err.message || 'request failed',
      requestId,
    );
  return errorResponse('internal_error', 'internal error', requestId);
}

/**
 * Answers a JSON body typed by its response schema: the body must be of the schema's type (so a
 * use case's result and the documented response cannot drift apart at compile time), and the API
 * tests validate every response against the OpenAPI document generated from the same schema.
 */
export function reply<S extends z.ZodType>(
  c: Context,
  schema: S,
  body: z.input<S>,
  status: 200 | 201 | 202 | 503 = 200,
): Response {
  void schema; // a type witness only: no run-time cost on the hot path
  return c.json(body as object, status);
}
