/**
 * Table plumbing shared by the store modules: the document client, throttling mapped to
 * {@link StoreUnavailableError}, conditional writes, batching with retries, paging, and cursors
 * that are checked before they reach DynamoDB. Knows the table's attribute names, not its keys.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { UnavailableError, ValidationError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { DirectDocumentClient, type DynamoJsonTransport } from './direct.ts';
import type { RawItem } from './items.ts';
import { createTableInput, type Key, TABLE } from './keys.ts';
import type { Page } from './port.ts';

const BATCH_WRITE = 25;
const BATCH_GET = 100;
/** BatchGetItem requests one read keeps in flight at once. */
const BATCH_GET_PARALLEL = 4;

/** The store could not be reached or kept throttling after retries (maps to 503); keeps the SDK's error. */
export class StoreUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/** What a conditional write requires of the item it replaces or deletes. */
export type Condition = { absent: true } | { attribute: string; equals: string | number };

interface ConditionInput {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

function conditionInput(condition: Condition | undefined): ConditionInput {
  if (!condition) return {};
  if ('absent' in condition)
    return {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    };
  return {
    ConditionExpression: '#a = :a',
    ExpressionAttributeNames: { '#a': condition.attribute },
    ExpressionAttributeValues: { ':a': condition.equals },
  };
}

function isConditionFailure(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}

const THROTTLES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

function isThrottle(e: unknown): boolean {
  return e instanceof Error && THROTTLES.has(e.name);
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The server could not be reached or failed on its side (a restarting embedded store, a full disk). */
function isUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  const fault = (e as { $fault?: unknown }).$fault;
  return (
    (typeof code === 'string' && UNREACHABLE.has(code)) || e.name === 'TimeoutError' || fault === 'server'
  );
}

/** Random, URL-safe and key-safe: revision, audit and snapshot suffixes. */
export function nonce(): string {
  return randomBytes(6).toString('base64url');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A start key for a query (ExclusiveStartKey), rebuilt from a cursor. */
export type StartKey = Record<string, string>;

/** Query input without what the plumbing sets. */
export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;

/**
 * How one paged query spells its cursors. A cursor carries only the parts of the start key the
 * query cannot know (e.g. interview id and revision), plus a digest of the query's scope; the
 * start key is rebuilt from them with the key builders. So a cursor can only ever name a key of
 * the kind that query returns, in the query's own partition.
 */
export interface CursorCodec {
  /** What the query is (its partition and filters): a cursor of any other scope is rejected. */
  scope: string;
  /** The parts of a LastEvaluatedKey this query returned. */
  encode(lastEvaluated: Record<string, unknown>): string[];
  /** The start key of those parts, or null when they are not parts this query could have written. */
  decode(parts: readonly string[]): StartKey | null;
}

/** Options of {@link Table}. */
export interface TableOptions {
  tableName: string;
  client?: DynamoDBClient | undefined;
  /** Attempts for batch operations' unprocessed items before giving up. */
  maxBatchAttempts?: number | undefined;
  /**
   * Item requests sent over this transport without the SDK's client (lib/store/direct.ts: the
   * embedded store's port); `client` still serves table actions (ensureTable).
   */
  direct?: DynamoJsonTransport | undefined;
}

/** One DynamoDB table through the document client. */
export class Table {
  readonly name: string;
  /** The SDK's document client, or the direct one, which answers its six item commands alike. */
  private readonly doc: Pick<DynamoDBDocumentClient, 'send'>;
  private readonly maxBatchAttempts: number;
  /** Keys asked for in this tick, read together on the next (see batchGet). */
  private queuedReads: { keys: Key[]; done: Promise<RawItem[]> } | null = null;

  constructor(options: TableOptions) {
    this.name = options.tableName;
    this.doc = options.direct
      ? // Answers GetCommand … BatchWriteCommand as the document client's send does (same output shapes).
        (new DirectDocumentClient(options.direct) as unknown as Pick<DynamoDBDocumentClient, 'send'>)
      : DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
          // lib/store/direct.ts marshalls with the same options: keep them in step.
          marshallOptions: { removeUndefinedValues: true },
        });
    this.maxBatchAttempts = options.maxBatchAttempts ?? 8;
  }

  /** Runs a command, turning persistent throttling into {@link StoreUnavailableError} (cause kept). */
  private async send<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (isThrottle(e))
        throw new StoreUnavailableError(`DynamoDB is throttling or unavailable: ${(e as Error).name}`, e);
      if (isUnreachable(e))
        throw new StoreUnavailableError(
          `the store is unreachable (${(e as { code?: string }).code ?? (e as Error).name}); try again shortly`,
          e,
        );
      throw e;
    }
  }

  /** Reads one item (strongly consistent). */
  async get(key: Key): Promise<RawItem | undefined> {
    const r = await this.send(() =>
      this.doc.send(
        new GetCommand({ TableName: this.name, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
      ),
    );
    return r.Item;
  }

  /** Writes one item; false when its condition did not hold (nothing written). */
  async put(item: RawItem, condition?: Condition): Promise<boolean> {
    try {
      await this.send(() =>
        this.doc.send(new PutCommand({ TableName: this.name, Item: item, ...conditionInput(condition) })),
      );
      return true;
    } catch (e) {
      if (condition && isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Deletes one item; false when its condition did not hold (nothing deleted). */
  async delete(key: Key, condition?: Condition): Promise<boolean> {
    try {
      await this.send(() =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.name,
            Key: { pk: key.pk, sk: key.sk },
            ...conditionInput(condition),
          }),
        ),
      );
      return true;
    } catch (e) {
      if (condition && isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Every item a query matches, page after page. */
  async queryAll(input: QueryInput): Promise<RawItem[]> {
    const out: RawItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.send(() =>
        this.doc.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: start })),
      );
      for (const it of r.Items ?? []) out.push(it);
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Items of a partition whose sort key starts with `prefix` (strongly consistent); with
   * `attributes`, only those attributes (and the keys) are read, not the whole items.
   */
  async queryPrefix(pk: string, prefix: string, attributes?: readonly string[]): Promise<RawItem[]> {
    const projected = attributes ?? [];
    const names: Record<string, string> = { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey };
    projected.forEach((a, i) => {
      names[`#p${i}`] = a;
    });
    return this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
      ...(attributes
        ? { ProjectionExpression: ['#pk', '#sk', ...projected.map((_, i) => `#p${i}`)].join(', ') }
        : {}),
    });
  }

  /**
   * The first `limit` items a query matches (a few requests at most), and whether there are more:
   * for a request that must stay bounded whatever the partition's size.
   */
  async queryUpTo(input: QueryInput, limit: number): Promise<{ items: RawItem[]; more: boolean }> {
    const { items, start } = await this.readUpTo(input, limit, undefined, async (page) => page);
    // A LastEvaluatedKey after exactly `limit` items may end the partition: ask for one more.
    if (!start) return { items, more: false };
    const one = await this.send(() =>
      this.doc.send(new QueryCommand({ ...input, TableName: this.name, Limit: 1, ExclusiveStartKey: start })),
    );
    return { items, more: (one.Items ?? []).length > 0 };
  }

  /** Every item of a GSI1 partition. */
  async queryIndex(gsi1pk: string): Promise<RawItem[]> {
    return this.queryAll(Table.indexQuery(gsi1pk));
  }

  /** Query input for a whole GSI1 partition. */
  static indexQuery(gsi1pk: string): QueryInput {
    return {
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      ExpressionAttributeNames: { '#gpk': TABLE.gsi1.partitionKey },
      ExpressionAttributeValues: { ':gpk': gsi1pk },
    };
  }

  /** BatchWrite with retries of UnprocessedItems (exponential backoff with jitter). */
  async batchWrite(puts: readonly RawItem[], deletes: readonly Key[]): Promise<void> {
    const requests = [
      ...puts.map((Item) => ({ PutRequest: { Item } })),
      ...deletes.map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } })),
    ];
    for (let i = 0; i < requests.length; i += BATCH_WRITE) {
      let pending = requests.slice(i, i + BATCH_WRITE);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.maxBatchAttempts) {
          throw new StoreUnavailableError(
            `${pending.length} item(s) still unprocessed after ${attempt} attempts`,
          );
        }
        if (attempt > 0) await sleep(Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
        const r = await this.send(() =>
          this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } })),
        );
        pending = (r.UnprocessedItems?.[this.name] ?? []) as typeof pending;
      }
    }
  }

  /**
   * BatchGet (strongly consistent); absent items are left out. Calls made in the same tick share
   * requests: putInterview's head and manual-tag reads, or several readers' heads, go out as one
   * BatchGetItem of up to 100 keys instead of one request each.
   */
  batchGet(keyList: readonly Key[]): Promise<RawItem[]> {
    if (keyList.length === 0) return Promise.resolve([]);
    let queued = this.queuedReads;
    if (!queued) {
      const next: { keys: Key[]; done: Promise<RawItem[]> } = { keys: [], done: Promise.resolve([]) };
      next.done = new Promise<RawItem[]>((resolve, reject) => {
        process.nextTick(() => {
          this.queuedReads = null;
          this.batchGetNow(next.keys).then(resolve, reject);
        });
      });
      this.queuedReads = next;
      queued = next;
    }
    for (const k of keyList) queued.keys.push(k);
    // Every caller filters: a caller that came first cannot know who joins its request later.
    const wanted = new Set(keyList.map((k) => `${k.pk}\u0000${k.sk}`));
    return queued.done.then((items) => items.filter((it) => wanted.has(`${it.pk}\u0000${it.sk}`)));
  }

  private async batchGetNow(keyList: readonly Key[]): Promise<RawItem[]> {
    // DynamoDB rejects a BatchGetItem that names a key twice.
    const unique = new Map<string, Key>();
    for (const k of keyList) unique.set(`${k.pk}\u0000${k.sk}`, k);
    const all = [...unique.values()];
    const chunks: Key[][] = [];
    for (let i = 0; i < all.length; i += BATCH_GET) chunks.push(all.slice(i, i + BATCH_GET));
    // A few requests in flight: a profile page's ~1,000 quote keys took ten round trips in turn.
    const parts: RawItem[][] = new Array(chunks.length);
    let next = 0;
    const worker = async () => {
      for (let c = next++; c < chunks.length; c = next++)
        parts[c] = await this.batchGetChunk(chunks[c] as Key[]);
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_GET_PARALLEL, chunks.length) }, worker));
    return parts.flat();
  }

  /** One BatchGetItem of at most {@link BATCH_GET} keys, with retries of the unprocessed ones. */
  private async batchGetChunk(chunk: readonly Key[]): Promise<RawItem[]> {
    const out: RawItem[] = [];
    let pending: Array<Record<string, unknown>> = chunk.map((k) => ({ pk: k.pk, sk: k.sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= this.maxBatchAttempts)
        throw new StoreUnavailableError('BatchGetItem kept returning unprocessed keys');
      if (attempt > 0) await sleep(Math.min(2000, 25 * 2 ** attempt));
      const r = await this.send(() =>
        this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }),
        ),
      );
      for (const it of r.Responses?.[this.name] ?? []) out.push(it);
      pending = (r.UnprocessedKeys?.[this.name]?.Keys ?? []) as Array<Record<string, unknown>>;
    }
    return out;
  }

  /**
   * One page of a query for a client: up to `limit` kept items from the cursor on, and the cursor
   * after them (see {@link readUpTo} for why none is skipped). Cursors are spelled and checked by
   * the query's {@link CursorCodec}.
   */
  async fillPage<T>(
    input: QueryInput,
    options: { limit: number; cursor?: string | undefined },
    keep: (items: RawItem[]) => Promise<T[]>,
    codec: CursorCodec,
  ): Promise<Page<T>> {
    let from: Record<string, unknown> | undefined;
    if (options.cursor) {
      from = codec.decode(decodeCursor(options.cursor, codec.scope)) ?? undefined;
      if (!from) throw new ValidationError('cursor is invalid for this request; start again without it');
    }
    const { items, start } = await this.readUpTo(input, options.limit, from, keep);
    return { items, nextCursor: start ? encodeCursor(codec.scope, codec.encode(start)) : null };
  }

  /**
   * Reads query pages from `start` until `limit` items are kept or the query ends, and answers the
   * key to go on from. Invariant: Limit is always what is still missing, so no kept item is ever
   * read past and skipped by the returned key (a FilterExpression, or `keep` dropping stale items,
   * makes pages short).
   */
  private async readUpTo<T>(
    input: QueryInput,
    limit: number,
    from: Record<string, unknown> | undefined,
    keep: (items: RawItem[]) => Promise<T[]>,
  ): Promise<{ items: T[]; start: Record<string, unknown> | undefined }> {
    const items: T[] = [];
    let start = from;
    do {
      const r = await this.send(() =>
        this.doc.send(
          new QueryCommand({
            ...input,
            TableName: this.name,
            Limit: limit - items.length,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const kept of await keep(r.Items ?? [])) items.push(kept);
      start = r.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, start };
  }
}

/** Creates the table if it does not exist and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  const describe = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return null;
      throw e;
    }
  };
  let status = await describe();
  if (status === 'ACTIVE') return 'exists';
  if (status === null) await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let i = 0; i < 100 && status !== 'ACTIVE'; i++) {
    await sleep(100);
    status = await describe();
  }
  if (status !== 'ACTIVE') throw new StoreUnavailableError(`table ${tableName} did not become active`);
  return 'created';
}
