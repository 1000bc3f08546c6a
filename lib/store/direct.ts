/**
 * The document client's six item operations (Get, Put, Delete, Query, BatchGet, BatchWrite) in
 * DynamoDB's JSON protocol, without the SDK's middleware stack, for a server this process reaches
 * without a network: the embedded store's thread (local/embedded.ts `portTransport`).
 *
 * Why: during an ingest into the embedded store the SDK's per-request machinery (building the
 * middleware stack, endpoint rules, user agent, schema-driven serialisation and parsing) was about
 * a quarter of the API thread's CPU, for three requests per interview that cross no network and
 * need no signature. What a request means does not change: the same commands and inputs, values
 * marshalled and unmarshalled by the same functions (`@aws-sdk/util-dynamodb`) over the same key
 * paths as `@aws-sdk/lib-dynamodb`, the same JSON bodies to the same server, errors named as the SDK
 * names them, and retries after the SDK's standard strategy (3 attempts, full-jitter backoff) of throttling,
 * server errors and a refused connection. The store contract runs over both paths
 * (tests/store/contract.test.ts).
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DeleteCommandOutput,
  GetCommand,
  type GetCommandOutput,
  PutCommand,
  type PutCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * Sends one request of DynamoDB's JSON protocol (`operation`: `GetItem`, …; `body`: its JSON) and
 * answers with the status and JSON body the server gave. Fails (throws) only when the server could
 * not be reached; an error `code` such as `ECONNREFUSED` says why.
 */
export type DynamoJsonTransport = (
  operation: string,
  body: string,
) => Promise<{ status: number; body: string }>;

/** Where attribute values sit in an input or output (lib-dynamodb's key nodes, for these commands). */
type KeyNodes = { [key: string]: KeyNodes } | null;

/** Every value of a map is an attribute value. */
const ALL_VALUES: KeyNodes = {};
/** Every member of an object or list, one level down. */
const NEXT = '*';

interface Operation {
  name: string;
  input: KeyNodes;
  output: KeyNodes;
}

const ITEM_REQUESTS: KeyNodes = {
  [NEXT]: { [NEXT]: { PutRequest: { Item: ALL_VALUES }, DeleteRequest: { Key: ALL_VALUES } } },
};
const KEYS_REQUESTS: KeyNodes = { [NEXT]: { Keys: { [NEXT]: ALL_VALUES } } };

const OPERATIONS = new Map<unknown, Operation>([
  [GetCommand, { name: 'GetItem', input: { Key: ALL_VALUES }, output: { Item: ALL_VALUES } }],
  [
    PutCommand,
    {
      name: 'PutItem',
      input: { Item: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
      output: { Attributes: ALL_VALUES },
    },
  ],
  [
    DeleteCommand,
    {
      name: 'DeleteItem',
      input: { Key: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
      output: { Attributes: ALL_VALUES },
    },
  ],
  [
    QueryCommand,
    {
      name: 'Query',
      input: { ExclusiveStartKey: ALL_VALUES, ExpressionAttributeValues: ALL_VALUES },
      output: { Items: { [NEXT]: ALL_VALUES }, LastEvaluatedKey: ALL_VALUES },
    },
  ],
  [
    BatchGetCommand,
    {
      name: 'BatchGetItem',
      input: { RequestItems: KEYS_REQUESTS },
      output: { Responses: { [NEXT]: { [NEXT]: ALL_VALUES } }, UnprocessedKeys: KEYS_REQUESTS },
    },
  ],
  [
    BatchWriteCommand,
    {
      name: 'BatchWriteItem',
      input: { RequestItems: ITEM_REQUESTS },
      output: { UnprocessedItems: ITEM_REQUESTS },
    },
  ],
]);

/** Options of lib-dynamodb as the store's document client sets them (lib/store/table.ts). */
const MARSHALL = { removeUndefinedValues: true, convertTopLevelContainer: true };
const UNMARSHALL = { convertWithoutMapWrapper: true };

/**
 * Applies `f` where `nodes` says attribute values are (lib-dynamodb's processObj): null = this
 * value; {} = each value of this map (or list); {'*': n} = each member, by `n`; named keys = those
 * keys, the rest copied. Functions and undefined values are left out, as there.
 */
function walk(value: unknown, f: (v: unknown) => unknown, nodes: KeyNodes): unknown {
  if (value === undefined) return undefined;
  if (nodes === null) return f(value);
  const names = Object.keys(nodes);
  if (names.length === 1 && names[0] === NEXT) {
    const next = nodes[NEXT] as KeyNodes;
    const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
    for (const [k, v] of Object.entries(value as object))
      if (typeof v !== 'function') (out as Record<string, unknown>)[k] = walk(v, f, next);
    return out;
  }
  if (names.length === 0) {
    if (Array.isArray(value))
      return value.filter((v) => typeof v !== 'function').map((v) => walk(v, f, null));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) {
      if (typeof v === 'function') continue;
      const done = walk(v, f, null);
      if (done !== undefined && typeof done !== 'function') out[k] = done;
    }
    return out;
  }
  const out: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? value.filter((v) => typeof v !== 'function')
    : Object.fromEntries(Object.entries(value as object).filter(([, v]) => typeof v !== 'function'));
  for (const [k, child] of Object.entries(nodes)) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === 'function') continue;
    const done = walk(v, f, child);
    if (done !== undefined && typeof done !== 'function') (out as Record<string, unknown>)[k] = done;
  }
  return out;
}

/** Bytes as the JSON protocol carries them (base64), as the SDK's serialiser writes a blob. */
function base64(v: unknown): string {
  if (v instanceof ArrayBuffer) return Buffer.from(v).toString('base64');
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  throw new TypeError('a binary attribute must be an ArrayBuffer or a typed array here');
}

/** Bytes from the JSON protocol's base64, as the SDK's parser gives a blob: a Uint8Array. */
function bytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** An attribute value (marshalled) with its binaries in base64, in place. */
function encodeBinary(av: Record<string, unknown>): Record<string, unknown> {
  if (av.B !== undefined) av.B = base64(av.B);
  else if (Array.isArray(av.BS)) av.BS = av.BS.map(base64);
  else if (Array.isArray(av.L)) for (const x of av.L) encodeBinary(x as Record<string, unknown>);
  else if (av.M && typeof av.M === 'object')
    for (const x of Object.values(av.M)) encodeBinary(x as Record<string, unknown>);
  return av;
}

/** An attribute value (parsed JSON) with its base64 binaries as bytes, in place. */
function decodeBinary(av: Record<string, unknown>): Record<string, unknown> {
  if (typeof av.B === 'string') av.B = bytes(av.B);
  else if (Array.isArray(av.BS)) av.BS = (av.BS as string[]).map(bytes);
  else if (Array.isArray(av.L)) for (const x of av.L) decodeBinary(x as Record<string, unknown>);
  else if (av.M && typeof av.M === 'object')
    for (const x of Object.values(av.M)) decodeBinary(x as Record<string, unknown>);
  return av;
}

const toAttribute = (v: unknown) => encodeBinary(marshall(v, MARSHALL) as Record<string, unknown>);
const fromAttribute = (v: unknown) =>
  // A parsed attribute value, its binaries made bytes: what the SDK's parser hands unmarshall.
  unmarshall(decodeBinary(v as Record<string, unknown>) as unknown as AttributeValue, UNMARSHALL);

/** An error as the SDK raises it for a DynamoDB error answer: named by its type, with its fault. */
function serviceError(status: number, body: string): Error {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not JSON: named by the status alone.
  }
  const type = typeof parsed.__type === 'string' ? parsed.__type : '';
  const name =
    type.slice(type.lastIndexOf('#') + 1) || (status >= 500 ? 'InternalServerError' : 'UnknownError');
  const message = String(parsed.message ?? parsed.Message ?? name);
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1 },
  });
}

/**
 * What this client retries: throttling, server errors, connection failures. Modelled on the SDK's
 * standard strategy, not a copy of it: the SDK also retries a few more throttling and transient
 * names (429, RequestTimeout, …), retries no 501, waits 25 ms / 1 s base and keeps a retry quota.
 * The embedded dynalite thread answers none of those; a dead thread is ECONNREFUSED on both paths.
 */
const THROTTLES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

function retryable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const { code, $fault } = e as { code?: unknown; $fault?: unknown };
  return (
    THROTTLES.has(e.name) || $fault === 'server' || (typeof code === 'string' && TRANSIENT_CODES.has(code))
  );
}

/** The commands the direct client sends. */
export type DirectCommand =
  | GetCommand
  | PutCommand
  | DeleteCommand
  | QueryCommand
  | BatchGetCommand
  | BatchWriteCommand;

/** What `DynamoDBDocumentClient.send` answers for each of them. */
export type DirectOutput<C extends DirectCommand> = C extends GetCommand
  ? GetCommandOutput
  : C extends PutCommand
    ? PutCommandOutput
    : C extends DeleteCommand
      ? DeleteCommandOutput
      : C extends QueryCommand
        ? QueryCommandOutput
        : C extends BatchGetCommand
          ? BatchGetCommandOutput
          : BatchWriteCommandOutput;

/** Options of {@link DirectDocumentClient}. */
export interface DirectOptions {
  /** Attempts per request, the SDK's default (3). */
  maxAttempts?: number;
}

/**
 * Sends the document client's commands over a {@link DynamoJsonTransport}. Answers as
 * `DynamoDBDocumentClient.send` does for the six item operations the store uses; any other
 * command is refused (it would need its key paths written here first).
 */
export class DirectDocumentClient {
  private readonly maxAttempts: number;

  constructor(
    private readonly transport: DynamoJsonTransport,
    options: DirectOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async send<C extends DirectCommand>(command: C): Promise<DirectOutput<C>> {
    const op = OPERATIONS.get(command.constructor);
    if (!op) throw new TypeError(`the direct client does not send ${command.constructor.name}`);
    const body = JSON.stringify(walk(command.input, toAttribute, op.input));
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.transport(op.name, body);
        if (reply.status !== 200) throw serviceError(reply.status, reply.body);
        const output = walk(JSON.parse(reply.body), fromAttribute, op.output) as Record<string, unknown>;
        output.$metadata = { httpStatusCode: 200, attempts: attempt };
        return output as DirectOutput<C>;
      } catch (e) {
        if (attempt >= this.maxAttempts || !retryable(e)) {
          // As the SDK reports it: how many attempts the request took.
          const meta = (e as { $metadata?: Record<string, unknown> }).$metadata;
          if (meta && typeof meta === 'object') meta.attempts = attempt;
          throw e;
        }
        // Full jitter as the SDK does: a random wait below base × 2^(retry − 1) (bases our own).
        const base = THROTTLES.has((e as Error).name) ? 500 : 100;
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * base * 2 ** (attempt - 1))));
      }
    }
  }
}
