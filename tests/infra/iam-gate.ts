/**
 * The execution role, enforced on loopback: a function's DynamoDB and S3 requests go through a
 * gate that knows the actions its role's policies in the template allow. A request for any other
 * action is refused as AWS refuses it (AccessDeniedException / AccessDenied) and recorded; every
 * action is recorded, so the test can compare what a function does with what it was granted.
 * Resources are not checked here (tests/infra/stack.test.ts checks their scope), only actions.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GatedService = 'dynamodb' | 's3';

/** The IAM action of a request to the service (S3: the object and bucket calls the SDK makes). */
export function actionOf(
  service: GatedService,
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
): string {
  if (service === 'dynamodb') {
    const target = String(headers['x-amz-target'] ?? '');
    return `dynamodb:${target.slice(target.indexOf('.') + 1)}`;
  }
  const u = new URL(url, 'http://gate');
  // Path style: /<bucket>/<key…>. A request with no key is on the bucket.
  const onObject = u.pathname.split('/').filter((s) => s !== '').length > 1;
  const tagging = u.searchParams.has('tagging');
  if (!onObject) return method === 'GET' || method === 'HEAD' ? 's3:ListBucket' : `s3:${method}Bucket`;
  if (method === 'GET' || method === 'HEAD') return tagging ? 's3:GetObjectTagging' : 's3:GetObject';
  if (method === 'PUT') return tagging ? 's3:PutObjectTagging' : 's3:PutObject';
  if (method === 'DELETE') return tagging ? 's3:DeleteObjectTagging' : 's3:DeleteObject';
  return `s3:${method}Object`;
}

/** Whether an IAM action pattern (`service:Name`, `*` wildcards) allows an action. */
export function allows(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) =>
    new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action),
  );
}

/** A running gate in front of one service, for one function. */
export interface IamGate {
  endpoint: string;
  /** Every action the function sent, allowed or not. */
  readonly used: Set<string>;
  /** The actions refused (in order). */
  readonly denied: string[];
  close(): Promise<void>;
}

/** Starts a gate on a free loopback port forwarding allowed requests to `target`. */
export async function startGate(
  service: GatedService,
  target: string,
  allowed: readonly string[],
): Promise<IamGate> {
  const to = new URL(target);
  const used = new Set<string>();
  const denied: string[] = [];
  // Connections to the server behind are kept, as the functions' own clients keep theirs.
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const action = actionOf(service, req.method ?? 'GET', req.url ?? '/', req.headers);
    used.add(action);
    if (!allows(allowed, action)) {
      denied.push(action);
      // Drain the body, then answer as the service does to a request its caller's role does not allow.
      req.resume();
      req.on('end', () => {
        const message = `User is not authorized to perform: ${action} (test IAM gate)`;
        if (service === 'dynamodb') {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message }),
          );
        } else {
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`,
          );
        }
      });
      return;
    }
    // Forwarded as signed: the Host header stays the one the signature covers.
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        agent,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    used,
    denied,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
