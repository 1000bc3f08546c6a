/**
 * The embedded DynamoDB-compatible server (dynalite): real DynamoDB protocol, persisting to disk
 * (or memory when no path is given), on a worker thread of this process (`dynalite-thread.mjs`)
 * so that it uses the second core. It listens on loopback for any client, and this process's own
 * store reaches it through {@link Embedded.client}: the same SDK client and requests, carried
 * over a message port instead of a socket.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A running embedded server. */
export interface Embedded {
  endpoint: string;
  /** A client for this server that skips the socket (requests cross to its thread as messages). */
  portClient(): DynamoDBClient;
  close(): Promise<void>;
}

/** What the SDK hands a request handler (the parts used here). */
interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface Reply {
  id: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An SDK request handler that sends each request to the dynalite thread over a message port.
 * Signing, serialisation, retries and error parsing are the SDK's as with any endpoint.
 */
class PortRequestHandler {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private closed: Error | null = null;

  constructor(private readonly port: MessagePort) {
    port.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
    });
    port.unref();
  }

  /** Fails every request in flight and all later ones as a refused connection would (503 upstream). */
  fail(reason: string): void {
    this.closed = Object.assign(new Error(`embedded DynamoDB is gone: ${reason}`), { code: 'ECONNREFUSED' });
    for (const p of this.pending.values()) p.reject(this.closed);
    this.pending.clear();
  }

  async handle(
    request: SdkRequest,
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }> {
    if (this.closed) throw this.closed;
    const id = this.next++;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(request.query ?? {}))
      for (const x of Array.isArray(v) ? v : [v]) query.append(k, x ?? '');
    const q = query.toString();
    // The SDK's JSON body is a Uint8Array subclass with string methods: send its bytes as bytes.
    const b = request.body;
    const body =
      typeof b === 'string'
        ? b
        : b instanceof Uint8Array
          ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
          : '';
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.port.ref();
      this.port.postMessage({
        id,
        method: request.method,
        path: q ? `${request.path}?${q}` : request.path,
        headers,
        body,
      });
    }).finally(() => {
      if (this.pending.size === 0) this.port.unref();
    });
    return {
      response: { statusCode: reply.status, headers: reply.headers, body: Buffer.from(reply.body, 'utf8') },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** Starts dynalite on 127.0.0.1 (port 0 = any free port) on its own thread. */
export async function startEmbeddedDynamo(options: { path?: string; port?: number } = {}): Promise<Embedded> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./dynalite-thread.mjs', import.meta.url), {
    workerData: { path: options.path, port: options.port, requests: port2 },
    transferList: [port2],
    // The thread gets no copy of the parent's loader flags: it is plain JavaScript.
    // KK_WORKER_PROF=<dir> profiles it (bench:store's profiling of the store thread).
    execArgv: process.env.KK_WORKER_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KK_WORKER_PROF}`]
      : [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port?: number; error?: string }) =>
      m.port ? resolve(m.port) : reject(new Error(`embedded DynamoDB did not start: ${m.error}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`embedded DynamoDB thread exited (${code})`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const handler = new PortRequestHandler(port1);
  worker.once('exit', (code) => handler.fail(`its thread exited (${code})`));
  worker.once('error', (e) => handler.fail(String(e)));
  return {
    endpoint,
    portClient: () =>
      new DynamoDBClient({
        endpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 3,
        requestHandler: handler as never,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
      }),
  };
}

/** A DynamoDB client for a local endpoint (dynalite or DynamoDB Local need no real credentials). */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
