/**
 * The embedded DynamoDB-compatible server (dynalite): real DynamoDB protocol over HTTP on
 * loopback, persisting to disk (or memory when no path is given), on a worker thread of this
 * process (`dynalite-thread.mjs`) so that it uses the second core.
 *
 * Supervised: when the thread dies (LevelDB throws on a full disk, and dynalite does not catch
 * it), the store is reported down with the cause, and the thread is restarted on the same port
 * with backoff until it opens again — so requests answer 503 meanwhile and the service heals
 * once space is freed, instead of answering 500 for ever.
 *
 * This process's own store reaches it through {@link Embedded.portClient}: the same SDK client and
 * requests, carried over a message port instead of a socket (no TCP or HTTP parsing on either
 * thread: about a quarter less CPU per ingested quote). It still listens on loopback for others.
 * The store's item requests can skip the SDK's client too ({@link Embedded.portTransport}, what
 * npm start uses: its per-request middleware was a quarter of the API thread during an ingest).
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientSettings } from '../lib/aws-clients.ts';
import type { DynamoJsonTransport } from '../lib/store/direct.ts';

/** The embedded store's state. */
export type EmbeddedState = { state: 'up' } | { state: 'down'; reason: string; since: Date };

/** A running embedded server. */
export interface Embedded {
  endpoint: string;
  /**
   * A client for this server that skips the socket: the same SDK client, signing and protocol,
   * with each request carried to the server's thread as a message (what npm start uses).
   */
  portClient(): DynamoDBClient;
  /**
   * The same requests over the same port without the SDK's client: DynamoDB's JSON protocol by
   * operation name, for the store's direct document client (lib/store/direct.ts; what npm start
   * uses for items).
   */
  portTransport(): DynamoJsonTransport;
  /** Up, or down (restarting) with the reason. */
  state(): EmbeddedState;
  /** Tests only (started with `faults`): makes LevelDB's writes fail with ENOSPC, or stop failing. */
  injectFault(fault: 'enospc', on: boolean): void;
  close(): Promise<void>;
}

/** The thread could not start: the cause, the path and what to do. */
export class EmbeddedStartError extends Error {
  readonly path: string | undefined;
  readonly hint: string | undefined;
  constructor(message: string, path?: string, hint?: string) {
    super(message);
    this.name = 'EmbeddedStartError';
    this.path = path;
    this.hint = hint;
  }
}

/** Options of {@link startEmbeddedDynamo}. */
export interface EmbeddedOptions {
  /** LevelDB directory; in memory without one. */
  path?: string;
  /** Port on 127.0.0.1 (0 = any free one). */
  port?: number;
  /** Where state changes are reported (stderr by default). */
  log?: (line: string) => void;
  /** First restart delay; doubles to 30 s. Default 500 ms. */
  restartDelayMs?: number;
  /** Tests only: allow {@link Embedded.injectFault} (LevelDB writes failing as on a full disk). */
  faults?: boolean;
}

type ThreadMessage = { port?: number; error?: string; hint?: string; path?: string };

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
  /** Absent in answers to {@link PortRequestHandler.json}. */
  headers?: Record<string, string>;
  body: string;
}

/**
 * An SDK request handler that sends each request to the dynalite thread over a message port.
 * Signing, serialisation, retries and error parsing are the SDK's, as with any endpoint. While
 * the thread is down (restarting), requests fail as a refused connection does: 503 upstream.
 */
class PortRequestHandler {
  private next = 1;
  private port: MessagePort | null = null;
  private down = 'it has not started';
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  /** Serves requests through a (re)started thread's port. */
  attach(port: MessagePort): void {
    this.port = port;
    port.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
      if (this.pending.size === 0) port.unref();
    });
    port.unref();
  }

  /** The thread is gone: fails what is in flight and what comes until the next attach. */
  detach(reason: string): void {
    this.port?.close();
    this.port = null;
    this.down = reason;
    const error = this.refused();
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private refused(): Error {
    return Object.assign(new Error(`embedded DynamoDB is unavailable: ${this.down}`), {
      code: 'ECONNREFUSED',
    });
  }

  async handle(
    request: SdkRequest,
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }> {
    const port = this.port;
    if (!port) throw this.refused();
    const id = this.next++;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(request.query ?? {}))
      for (const x of Array.isArray(v) ? v : [v]) query.append(k, x ?? '');
    const q = query.toString();
    // The SDK's JSON body is a Uint8Array subclass with string methods: send its bytes as bytes,
    // a copy of exactly them moved to the thread. (Posting the view cloned its whole backing
    // store, Node's 8 KB buffer pool for a 20-byte GetItem.) The SDK keeps its own for retries.
    const b = request.body;
    let body: string | Uint8Array = '';
    const transfer: ArrayBuffer[] = [];
    if (typeof b === 'string') body = b;
    else if (b instanceof Uint8Array) {
      body = new Uint8Array(b.byteLength);
      body.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      transfer.push(body.buffer as ArrayBuffer);
    }
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      port.ref();
      port.postMessage(
        {
          id,
          method: request.method,
          path: q ? `${request.path}?${q}` : request.path,
          headers,
          body,
        },
        transfer,
      );
    });
    return {
      response: {
        statusCode: reply.status,
        headers: reply.headers ?? {},
        body: Buffer.from(reply.body, 'utf8'),
      },
    };
  }

  /**
   * One request of DynamoDB's JSON protocol, by operation name, without the SDK (see
   * lib/store/direct.ts): the thread adds the headers dynalite requires. Fails as `handle` does
   * while the thread is down.
   */
  async json(operation: string, body: string): Promise<{ status: number; body: string }> {
    const port = this.port;
    if (!port) throw this.refused();
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      port.ref();
      port.postMessage({ id, operation, body });
    });
    return { status: reply.status, body: reply.body };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** Starts one thread; resolves with it and its port, or rejects with {@link EmbeddedStartError}. */
function startThread(
  options: EmbeddedOptions,
  enospc = false,
): Promise<{ worker: Worker; port: number; requests: MessagePort }> {
  const { port1: requests, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./dynalite-thread.mjs', import.meta.url), {
    workerData: {
      path: options.path,
      port: options.port,
      faults: options.faults === true,
      enospc,
      requests: port2,
    },
    transferList: [port2],
    // The thread gets no copy of the parent's loader flags: it is plain JavaScript.
    // KK_WORKER_PROF=<dir> profiles it (how the store thread's share of an ingest was measured).
    execArgv: process.env.KK_WORKER_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KK_WORKER_PROF}`]
      : [],
  });
  return new Promise((resolve, reject) => {
    const fail = (e: EmbeddedStartError) => {
      worker.removeAllListeners();
      requests.close();
      void worker.terminate();
      reject(e);
    };
    worker.once('message', (m: ThreadMessage) => {
      worker.removeAllListeners();
      if (m.port) resolve({ worker, port: m.port, requests });
      else fail(new EmbeddedStartError(`embedded DynamoDB did not start: ${m.error}`, m.path, m.hint));
    });
    worker.once('error', (e) =>
      fail(new EmbeddedStartError(`embedded DynamoDB did not start: ${e.message}`)),
    );
    worker.once('exit', (code) =>
      fail(new EmbeddedStartError(`embedded DynamoDB thread exited (${code}) before it started`)),
    );
  });
}

/** Why the thread died, in words for /health and the log (no stack, no internals). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/No space left|ENOSPC/i.test(message)) return 'out of disk space (ENOSPC)';
  if (/read-only|EROFS/i.test(message)) return 'the file system is read-only (EROFS)';
  if (/corrupt/i.test(message)) return 'the store is damaged (corruption)';
  return 'the embedded store stopped';
}

/** Starts dynalite on 127.0.0.1 (port 0 = any free port) on its own supervised thread. */
export async function startEmbeddedDynamo(options: EmbeddedOptions = {}): Promise<Embedded> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const first = await startThread(options);
  const port = first.port;
  let worker: Worker | null = first.worker;
  const handler = new PortRequestHandler();
  handler.attach(first.requests);
  let state: EmbeddedState = { state: 'up' };
  let closing = false;
  let delay = options.restartDelayMs ?? 500;
  let timer: NodeJS.Timeout | null = null;
  let injected = false;

  const restart = async () => {
    timer = null;
    if (closing) return;
    try {
      const next = await startThread({ ...options, port }, injected);
      if (closing) {
        next.worker.postMessage('close');
        return;
      }
      worker = next.worker;
      handler.attach(next.requests);
      watch(worker);
      log(`kikigaki: embedded store restarted (${options.path ?? 'in memory'}), serving again`);
      state = { state: 'up' };
      delay = options.restartDelayMs ?? 500;
    } catch (e) {
      const hint = e instanceof EmbeddedStartError && e.hint ? ` — ${e.hint}` : '';
      log(
        `kikigaki: embedded store still down, retrying in ${Math.round(delay / 1000)} s: ${(e as Error).message}${hint}`,
      );
      if (state.state === 'down') state = { ...state, reason: reasonOf(e) };
      schedule();
    }
  };
  const schedule = () => {
    if (closing || timer) return;
    timer = setTimeout(() => void restart(), delay);
    timer.unref();
    delay = Math.min(delay * 2, 30_000);
  };
  const watch = (w: Worker) => {
    let error: unknown = null;
    w.on('error', (e) => {
      error = e;
    });
    w.once('exit', (code) => {
      if (closing || w !== worker) return;
      worker = null;
      const reason = reasonOf(error);
      handler.detach(reason);
      state = { state: 'down', reason, since: new Date() };
      log(
        `kikigaki: embedded store stopped (${options.path ?? 'in memory'}): ${reason}; requests answer 503 until it restarts` +
          (error ? ` [${(error as Error).message}]` : ` [thread exit ${code}]`),
      );
      schedule();
    });
  };
  watch(first.worker);

  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    portClient: () =>
      new DynamoDBClient({
        endpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 3,
        requestHandler: handler as never,
        // The request goes to a thread of this process, and dynalite checks that a signature is
        // there, not what it says: a fixed one spares SigV4's SHA-256 of every body and its HMAC
        // chain (~6% of the API thread's time during an ingest). Clients of the loopback
        // endpoint (localClient) sign as usual.
        signer: { sign: async (request) => unsigned(request) },
      }),
    portTransport: () => (operation, body) => handler.json(operation, body),
    state: () => state,
    injectFault: (fault, on) => {
      if (!options.faults) throw new Error('started without faults: true');
      injected = on;
      worker?.postMessage({ fault, on });
    },
    close: async () => {
      closing = true;
      handler.detach('it was closed');
      if (timer) clearTimeout(timer);
      const w = worker;
      if (!w) return;
      await new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.postMessage('close');
      });
    },
  };
}

const FIXED_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20000101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';

/** A request as the port client sends it: the headers dynalite requires, no signature computed. */
function unsigned<R extends { headers: Record<string, string> }>(request: R): R {
  request.headers.authorization = FIXED_AUTHORIZATION;
  request.headers['x-amz-date'] = `${new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')}`;
  return request;
}

/**
 * The DynamoDB client `npm start` uses for DYNAMODB_ENDPOINT: a loopback endpoint (DynamoDB Local,
 * dynalite) gets {@link localClient}; any other (AWS, a DynamoDB-compatible service) the
 * credentials and region of the environment and the Lambda clients' timeouts and retries
 * (lib/aws-clients.ts), so an endpoint that accepts connections and never answers fails the call
 * after its attempts instead of hanging the server.
 */
export function endpointClient(endpoint: string): DynamoDBClient {
  return isLoopback(endpoint)
    ? localClient(endpoint)
    : new DynamoDBClient({ endpoint, ...clientSettings('dynamo') });
}

/** True when `endpoint` names this machine (localhost, 127.x, ::1). */
export function isLoopback(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
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
