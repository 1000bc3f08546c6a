/**
 * The OpenAPI document, enforced: every response the app gives in the API tests is checked
 * against `openApiDocument()` — its operation (method and path template), its status, its
 * content type and (JSON) its body, with ajv over JSON Schema 2020-12. A route, a status, a
 * content type or a field that the document does not declare fails the test that caused it.
 *
 * `runtime()` in ./dynamo.ts wraps every app it builds, so tests need do nothing. Explicit rules
 * for what is not an API operation:
 * - responses with `Content-Type: text/html` (web console pages served by the same app) are
 *   not checked against the JSON document;
 * - requests to the console's own routes (`PAGES`: pages, scripts, stylesheets) are not checked;
 * - `OPTIONS` (CORS preflight, answered by middleware for any path) is not checked;
 * - a path no operation matches must answer the app's 404 `not_found` error, and a method a
 *   path does not declare its 405 `method_not_allowed` error with an `Allow` header listing
 *   exactly the methods the document declares on that path (HEAD with GET): there is no
 *   operation to declare either on.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Hono } from 'hono';
import { openApiDocument, PAGES } from '../../lib/api/openapi.ts';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Content = Record<string, { schema?: Record<string, unknown> }>;
type Operation = { responses: Record<string, { content?: Content }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** A response the document does not allow. */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

const pages = PAGES.map((p) => new RegExp(`^${p.replace(/:\w+/g, '[^/]+')}$`));

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const doc = openApiDocument() as unknown as Doc;

/** Path templates as regexes; static templates are tried before ones with parameters. */
const templates = Object.keys(doc.paths)
  .map((template) => ({
    template,
    re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
    params: (template.match(/\{/g) ?? []).length,
  }))
  .sort((a, b) => a.params - b.params);

const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: Record<string, unknown>): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(key, v);
  }
  return v;
}

const errorSchema = (() => {
  for (const ops of Object.values(doc.paths))
    for (const op of Object.values(ops)) {
      const s = op.responses['404']?.content?.['application/json']?.schema;
      if (s) return s;
    }
  throw new Error('the document declares no 404 error body');
})();

/** The operation a request addresses, or null. */
export function operationFor(
  method: string,
  path: string,
): { template: string; operation: Operation | null } | null {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  for (const t of templates) {
    if (!t.re.test(path)) continue;
    const operation = doc.paths[t.template]?.[m];
    if (operation) return { template: t.template, operation };
  }
  const any = templates.find((t) => t.re.test(path));
  return any ? { template: any.template, operation: null } : null;
}

/** The methods the document declares on every template a path matches, as an Allow header lists them. */
function methodsAt(path: string): string[] {
  const found = new Set<string>();
  for (const t of templates)
    if (t.re.test(path)) for (const m of Object.keys(doc.paths[t.template] ?? {})) found.add(m.toUpperCase());
  if (found.has('GET')) found.add('HEAD');
  return ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => found.has(m));
}

function describeErrors(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

/** Checks one response against the document; throws {@link ContractViolation}. */
export async function checkResponse(method: string, url: string, res: Response): Promise<void> {
  const upper = method.toUpperCase();
  if (upper === 'OPTIONS') return;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/html') return;
  const path = new URL(url, 'http://localhost').pathname;
  if (pages.some((re) => re.test(path))) return;
  const what = `${upper} ${path.length > 80 ? `${path.slice(0, 80)}…` : path} answered ${res.status}`;
  const fail = (why: string): never => {
    throw new ContractViolation(`OpenAPI contract: ${what}: ${why}`);
  };
  const body = upper === 'HEAD' ? '' : await res.clone().text();
  const found = operationFor(upper, path);
  if (!found?.operation) {
    // No operation to declare it on: only the app's not-found or method-not-allowed error.
    const status = found ? 405 : 404;
    if (res.status !== status)
      fail(found ? `the document has no ${upper} on ${found.template}` : 'no such path');
    if (found) {
      const allow = res.headers.get('allow');
      const declared = methodsAt(path).join(', ');
      if (allow !== declared) fail(`Allow is '${allow}', the document declares ${declared}`);
    }
    const v = validatorFor('#error', errorSchema);
    const parsed = upper === 'HEAD' ? null : (JSON.parse(body) as { error?: { code?: string } });
    if (type !== 'application/json' || (parsed && !v(parsed)))
      fail(`not the ${status} error body: ${body.slice(0, 200)}`);
    if (parsed && parsed.error?.code !== (found ? 'method_not_allowed' : 'not_found'))
      fail(`error code '${parsed.error?.code}' on a ${status}`);
    return;
  }
  const key = `${upper} ${found.template} ${res.status}`;
  const response = found.operation.responses[String(res.status)];
  if (!response) fail(`status ${res.status} is not declared for ${upper} ${found.template}`);
  const content = response?.content ?? {};
  if (Object.keys(content).length === 0) {
    if (body !== '') fail('the document declares no body, but one was sent');
    return;
  }
  const media = content[type];
  if (!media) fail(`content type '${type}' is not declared (declared: ${Object.keys(content).join(', ')})`);
  if (upper === 'HEAD' || type !== 'application/json' || !media?.schema) return;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    fail(`the body is not JSON: ${body.slice(0, 200)}`);
  }
  const v = validatorFor(`${key} ${type}`, media.schema);
  if (!v(value)) fail(describeErrors(v));
}

/**
 * Makes every `app.request()` check its response against the document. Idempotent. The check
 * fails the calling test with a {@link ContractViolation}.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app, whatever its environment type
export function enforceContract<A extends Hono<any, any, any>>(app: A): A {
  const marked = app as A & { __contract?: true };
  if (marked.__contract) return app;
  const original = app.request;
  const checked: typeof app.request = (input, init, env, ctx) => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const url = input instanceof Request ? input.url : String(input);
    return Promise.resolve(original(input, init, env, ctx)).then(async (res) => {
      await checkResponse(method, url, res);
      return res;
    });
  };
  app.request = checked;
  marked.__contract = true;
  return app;
}
