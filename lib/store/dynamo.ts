/**
 * DynamoDB adapter for the store ports. Runs unchanged against AWS, Amazon DynamoDB Local and the
 * embedded dynalite server. No transactions (dynalite has none): every multi-item write is made
 * safe by writing new, uniquely keyed items first and switching one pointer item last with a
 * conditional write.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, UnavailableError, ValidationError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import { effectiveTags } from '../tags.ts';
import { keys, revisionId, revisionVersion, TABLE } from './keys.ts';
import type {
  AuditEntry,
  InterviewRecord,
  InterviewSummary,
  ManualTags,
  Page,
  PutResult,
  SnapshotManifest,
  Store,
  StoredInterview,
} from './port.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Items stay well under DynamoDB's 400 KB limit. */
export const CHUNK_BYTES = 350_000;
const BATCH_WRITE = 25;
const BATCH_GET = 100;

/** The store could not be reached or kept throttling after retries (maps to 503); keeps the SDK's error. */
export class StoreUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

type Item = Record<string, unknown>;

/** Options of {@link DynamoStore}. */
export interface DynamoStoreOptions {
  tableName: string;
  /** A DynamoDB client (default: one from the environment's region and credentials). */
  client?: DynamoDBClient;
  /** Attempts for BatchWrite's unprocessed items before giving up. */
  maxBatchAttempts?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * This process is the table's only writer (npm start on its embedded server): tag aliases
   * are cached and dropped when this store writes one. Never set it with other writers.
   */
  soleWriter?: boolean;
}

/** A revision's record with the version and dates its head item carries. */
function storedOf(record: InterviewRecord, head: Item): StoredInterview {
  return {
    ...record,
    version: Number(head.version),
    createdAt: String(head.createdAt),
    updatedAt: String(head.updatedAt),
  };
}

/** Items by partition key (one item per partition in the batch reads that use it). */
function byPk(items: readonly Item[]): Map<string, Item> {
  return new Map(items.map((i) => [String(i.pk), i]));
}

function nonce(): string {
  return randomBytes(6).toString('base64url');
}

function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // Only a start key this table could have produced: key attributes with string values.
    const allowed = new Set<string>([
      TABLE.partitionKey,
      TABLE.sortKey,
      TABLE.gsi1.partitionKey,
      TABLE.gsi1.sortKey,
    ]);
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).length > 0 &&
      Object.entries(v).every(([k, x]) => allowed.has(k) && typeof x === 'string' && x.length <= 1024)
    ) {
      return v as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is invalid; start again without it');
}

function isConditionFailure(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}

function isThrottle(e: unknown): boolean {
  return (
    e instanceof Error &&
    [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'InternalServerError',
      'ServiceUnavailable',
    ].includes(e.name)
  );
}

/** The server could not be reached or failed on its side (a restarting embedded store, a full disk). */
function isUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  const fault = (e as { $fault?: unknown }).$fault;
  return (
    (typeof code === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(
        code,
      )) ||
    e.name === 'TimeoutError' ||
    fault === 'server'
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const emptyManual = (): ManualTags => ({ add: [], remove: [], version: 0, updatedAt: null, updatedBy: null });

/** The DynamoDB implementation of every store port. */
export class DynamoStore implements Store {
  readonly tableName: string;
  private readonly doc: DynamoDBDocumentClient;
  private readonly maxBatchAttempts: number;
  private readonly now: () => Date;
  private readonly soleWriter: boolean;
  private aliasCache: Promise<Map<string, string>> | null = null;

  /** Wraps a DynamoDB client (injected, or a default one). */
  constructor(options: DynamoStoreOptions) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.maxBatchAttempts = options.maxBatchAttempts ?? 8;
    this.now = options.now ?? (() => new Date());
    this.soleWriter = options.soleWriter ?? false;
  }

  /** Runs a command, turning persistent throttling into {@link StoreUnavailableError}. */
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

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const r = await this.send(() =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return r.Item;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.send(() =>
        this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start })),
      );
      out.push(...((r.Items ?? []) as Item[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async queryPrefix(pk: string, prefix: string): Promise<Item[]> {
    return this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  /** BatchWrite with retries of UnprocessedItems (exponential backoff with jitter). */
  private async batchWrite(puts: Item[], deletes: Array<{ pk: string; sk: string }>): Promise<void> {
    const requests = [
      ...puts.map((Item) => ({ PutRequest: { Item } })),
      ...deletes.map((Key) => ({ DeleteRequest: { Key: { pk: Key.pk, sk: Key.sk } } })),
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
          this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } })),
        );
        pending = (r.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
    }
  }

  private async batchGet(keyList: Array<{ pk: string; sk: string }>): Promise<Item[]> {
    const out: Item[] = [];
    for (let i = 0; i < keyList.length; i += BATCH_GET) {
      let pending: Array<Record<string, unknown>> = keyList
        .slice(i, i + BATCH_GET)
        .map((k) => ({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.maxBatchAttempts)
          throw new StoreUnavailableError('BatchGetItem kept returning unprocessed keys');
        if (attempt > 0) await sleep(Math.min(2000, 25 * 2 ** attempt));
        const r = await this.send(() =>
          this.doc.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
            }),
          ),
        );
        out.push(...((r.Responses?.[this.tableName] ?? []) as Item[]));
        pending = (r.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- interviews

  private async head(id: string): Promise<Item | undefined> {
    return this.get(keys.interviewHead(id));
  }

  private async desiredMemberships(id: string, rev: string, record: InterviewRecord): Promise<Item[]> {
    return this.membershipsOf(id, rev, record, await this.tagContext(record));
  }

  /** What effective tags depend on besides the record: manual corrections and aliases. */
  private async tagContext(
    record: InterviewRecord,
  ): Promise<{ manual: Map<string, ManualTags>; aliases: Map<string, string> }> {
    const quoteIds = record.interview.turns.map((t) => t.id);
    const [manual, aliases] = await Promise.all([this.manualQuoteTags(quoteIds), this.aliases()]);
    return { manual, aliases };
  }

  private membershipsOf(
    id: string,
    rev: string,
    record: InterviewRecord,
    { manual, aliases }: { manual: Map<string, ManualTags>; aliases: Map<string, string> },
  ): Item[] {
    const items: Item[] = [];
    for (const t of record.interview.turns) {
      const auto = (record.autoTags[t.id] ?? []).map((m) => m.topic);
      for (const tag of effectiveTags(auto, manual.get(t.id), aliases)) {
        items.push({ ...keys.quoteTag(id, rev, t.id, tag), interviewId: id, rev, quoteId: t.id, tag });
      }
    }
    for (const p of record.interview.interviewees) {
      items.push({
        ...keys.personIn(id, rev, p.id),
        interviewId: id,
        rev,
        personId: p.id,
        name: p.name,
        handle: p.handle,
      });
      const auto = (record.people[p.id] ?? []).map((x) => x.topic);
      for (const tag of effectiveTags(auto, undefined, aliases)) {
        items.push({ ...keys.personTag(id, rev, p.id, tag), interviewId: id, rev, personId: p.id, tag });
      }
    }
    return items;
  }

  private summaryOf(
    record: InterviewRecord,
    rev: string,
    createdAt: string,
    updatedAt: string,
    memberships: Item[],
  ): Item {
    const iv = record.interview;
    const tags = [
      ...new Set(memberships.filter((m) => typeof m.quoteId === 'string').map((m) => m.tag as string)),
    ].sort();
    return {
      ...keys.interviewHead(iv.id),
      ...keys.interviewList(iv.publishedAt ?? updatedAt, iv.id),
      id: iv.id,
      rev,
      version: revisionVersion(rev),
      title: iv.title,
      url: iv.url,
      publishedAt: iv.publishedAt,
      quoteCount: iv.turns.length,
      interviewees: iv.interviewees.map((p) => ({ id: p.id, name: p.name, handle: p.handle })),
      tags,
      createdAt,
      updatedAt,
    };
  }

  /**
   * Writes a new revision (content chunks and memberships), then switches the head to it with a
   * conditional write, then deletes older revisions. Readers follow the head, so they see the old
   * or the new interview, never a mix; a crash leaves at worst unreferenced items that the next
   * write of the same id removes.
   */
  async putInterview(record: InterviewRecord): Promise<PutResult> {
    const id = record.interview.id;
    // Independent reads, in parallel: the head, the highest revision, what tags depend on.
    const [first, highest, context] = await Promise.all([
      this.head(id),
      this.highestRevision(id),
      this.tagContext(record),
    ]);
    let head = first;
    // Above the head and above any revision a crashed writer left behind, so clean-up of
    // everything older removes those orphans too.
    const version = Math.max(typeof head?.version === 'number' ? head.version : 0, highest) + 1;
    const rev = revisionId(version, nonce());
    const now = this.now().toISOString();
    const body = await gzipAsync(Buffer.from(JSON.stringify(record), 'utf8'));
    const docs: Item[] = [];
    for (let n = 0, off = 0; off < body.length || n === 0; n++, off += CHUNK_BYTES) {
      docs.push({
        ...keys.interviewDoc(id, rev, n),
        data: body.subarray(off, off + CHUNK_BYTES),
        ...(n === 0 ? { chunks: Math.ceil(body.length / CHUNK_BYTES) } : {}),
      });
    }
    const memberships = this.membershipsOf(id, rev, record, context);
    const quoteTags: Record<string, string[]> = Object.fromEntries(
      record.interview.turns.map((t) => [t.id, []]),
    );
    for (const m of memberships) if (typeof m.quoteId === 'string') quoteTags[m.quoteId]?.push(String(m.tag));
    await this.batchWrite([...docs, ...memberships], []);

    // If another writer switched the head meanwhile: when ours is newer, switch over it; when
    // theirs is newer, drop ours and write again above it, so the last writer's content wins.
    for (let attempt = 0; ; attempt++) {
      const createdAt = typeof head?.createdAt === 'string' ? head.createdAt : now;
      const item = this.summaryOf(record, rev, createdAt, now, memberships);
      try {
        await this.send(() =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: item,
              ConditionExpression: head ? '#rev = :rev' : 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: head ? { '#rev': 'rev' } : { '#pk': TABLE.partitionKey },
              ...(head ? { ExpressionAttributeValues: { ':rev': head.rev } } : {}),
            }),
          ),
        );
        break;
      } catch (e) {
        if (!isConditionFailure(e) || attempt >= 4) throw e;
        head = await this.head(id);
        if (typeof head?.version === 'number' && head.version >= version) {
          await this.removeRevision(id, rev);
          return this.putInterview(record);
        }
      }
    }
    // A first version with no orphans below it has nothing older to remove.
    if (version > 1 || head !== undefined) await this.removeRevisionsBefore(id, version);
    return { created: head === undefined, version, quoteTags };
  }

  private async highestRevision(id: string): Promise<number> {
    const r = await this.send(() =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :v)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
          ExpressionAttributeValues: { ':pk': keys.interviewPk(id), ':v': keys.allVersionsPrefix },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const sk = r.Items?.[0]?.sk;
    return typeof sk === 'string' ? revisionVersion(sk.slice(2)) : 0;
  }

  private async removeRevision(id: string, rev: string): Promise<void> {
    const items = await this.queryPrefix(keys.interviewPk(id), keys.versionPrefix(rev));
    await this.batchWrite(
      [],
      items.map((it) => ({ pk: String(it.pk), sk: String(it.sk) })),
    );
  }

  private async removeRevisionsBefore(id: string, version: number): Promise<void> {
    const items = await this.queryPrefix(keys.interviewPk(id), keys.allVersionsPrefix);
    const stale = items.filter((it) => revisionVersion(String(it.sk).slice(2)) < version);
    await this.batchWrite(
      [],
      stale.map((it) => ({ pk: String(it.pk), sk: String(it.sk) })),
    );
  }

  private async readRevision(id: string, rev: string): Promise<InterviewRecord | null> {
    const chunks = await this.queryPrefix(keys.interviewPk(id), keys.docPrefix(rev));
    const expected = chunks[0]?.chunks;
    if (chunks.length === 0 || (typeof expected === 'number' && chunks.length !== expected)) return null;
    const body = Buffer.concat(chunks.map((c) => Buffer.from(c.data as Uint8Array)));
    return JSON.parse((await gunzipAsync(body)).toString('utf8')) as InterviewRecord;
  }

  /**
   * Current revisions of several interviews (search hits render from these): their heads in
   * one batched read, then their first content chunks in another. Interviews stored in several
   * chunks, or switched to a new revision between the two reads, are read one by one.
   */
  async getInterviews(ids: readonly string[]): Promise<Map<string, StoredInterview>> {
    const out = new Map<string, StoredInterview>();
    const unique = [...new Set(ids)];
    const heads = byPk(await this.batchGet(unique.map((id) => keys.interviewHead(id))));
    const live = unique.flatMap((id) => {
      const head = heads.get(keys.interviewPk(id));
      return head ? [{ id, head }] : [];
    });
    const firsts = byPk(
      await this.batchGet(live.map(({ id, head }) => keys.interviewDoc(id, String(head.rev), 0))),
    );
    const slow: string[] = [];
    await Promise.all(
      live.map(async ({ id, head }) => {
        const first = firsts.get(keys.interviewPk(id));
        if (first?.chunks !== 1) {
          slow.push(id);
          return;
        }
        const body = await gunzipAsync(Buffer.from(first.data as Uint8Array));
        out.set(id, storedOf(JSON.parse(body.toString('utf8')) as InterviewRecord, head));
      }),
    );
    for (const id of slow) {
      const stored = await this.getInterview(id);
      if (stored) out.set(id, stored);
    }
    return out;
  }

  /** The current revision of an interview, or null. */
  async getInterview(id: string): Promise<StoredInterview | null> {
    // A concurrent write may switch the head and delete the revision just read: follow it again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await this.head(id);
      if (!head) return null;
      const record = await this.readRevision(id, String(head.rev));
      if (record) return storedOf(record, head);
    }
    throw new StoreUnavailableError(`interview ${id} changed repeatedly while being read`);
  }

  /** Deletes the head first (readers stop seeing it), then every revision item. */
  async deleteInterview(id: string): Promise<boolean> {
    const head = await this.head(id);
    if (!head) return false;
    try {
      await this.send(() =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: keys.interviewHead(id),
            ConditionExpression: '#rev = :rev',
            ExpressionAttributeNames: { '#rev': 'rev' },
            ExpressionAttributeValues: { ':rev': head.rev },
          }),
        ),
      );
    } catch (e) {
      if (isConditionFailure(e))
        throw new ConflictError(`interview ${id} changed while being deleted; try again`);
      throw e;
    }
    // Only revisions up to the deleted one: a newer one belongs to a writer in flight, whose
    // head switch will then recreate the interview (last writer wins) with its content intact.
    await this.removeRevisionsBefore(id, Number(head.version) + 1);
    return true;
  }

  private toSummary(it: Item): InterviewSummary {
    return {
      id: String(it.id),
      title: String(it.title),
      url: (it.url as string | null) ?? null,
      publishedAt: (it.publishedAt as string | null) ?? null,
      quoteCount: Number(it.quoteCount),
      interviewees: (it.interviewees as InterviewSummary['interviewees']) ?? [],
      tags: (it.tags as string[]) ?? [],
      version: Number(it.version),
      updatedAt: String(it.updatedAt),
    };
  }

  /** Interviews, newest first (by publication date, else last update). */
  async listInterviews(options: {
    limit: number;
    cursor?: string | undefined;
    tag?: string | undefined;
  }): Promise<Page<InterviewSummary>> {
    const names = { '#gpk': TABLE.gsi1.partitionKey };
    const values = { ':list': 'INTERVIEWS' };
    return this.fillPage(
      {
        IndexName: TABLE.gsi1.indexName,
        KeyConditionExpression: '#gpk = :list',
        ...(options.tag
          ? {
              FilterExpression: 'contains(#tags, :tag)',
              ExpressionAttributeNames: { ...names, '#tags': 'tags' },
              ExpressionAttributeValues: { ...values, ':tag': options.tag },
            }
          : { ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
        ScanIndexForward: false,
      },
      options,
      async (items) => items.map((it) => this.toSummary(it)),
    );
  }

  /**
   * Reads query pages until `limit` items are kept or the query ends. Limit is always what is
   * still missing, so no kept item is ever read past and skipped by the returned cursor (a
   * FilterExpression, or `keep` dropping stale items, makes pages short).
   */
  private async fillPage<T>(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    options: { limit: number; cursor?: string | undefined },
    keep: (items: Item[]) => Promise<T[]>,
  ): Promise<Page<T>> {
    const items: T[] = [];
    let start = decodeCursor(options.cursor);
    do {
      const r = await this.send(() =>
        this.doc.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            Limit: options.limit - items.length,
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(await keep((r.Items ?? []) as Item[])));
      start = r.LastEvaluatedKey;
    } while (start && items.length < options.limit);
    return { items, nextCursor: encodeCursor(start) };
  }

  /** Every interview id (for full rebuilds). */
  async *interviewIds(): AsyncIterable<string> {
    let cursor: string | undefined;
    do {
      const page = await this.listInterviews({ limit: 100, cursor });
      for (const s of page.items) yield s.id;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  private async currentRevs(ids: readonly string[]): Promise<Map<string, Item>> {
    const heads = await this.batchGet([...new Set(ids)].map((id) => keys.interviewHead(id)));
    return new Map(heads.map((h) => [String(h.id), h]));
  }

  /** Interviews the person appears in (current revisions only). */
  async interviewsOfPerson(personId: string): Promise<InterviewSummary[]> {
    const items = await this.queryAll({
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: '#gpk = :p',
      ExpressionAttributeNames: { '#gpk': TABLE.gsi1.partitionKey },
      ExpressionAttributeValues: { ':p': `PERSON#${personId}` },
    });
    const heads = await this.currentRevs(items.map((i) => String(i.interviewId)));
    return items
      .filter((i) => heads.get(String(i.interviewId))?.rev === i.rev)
      .map((i) => this.toSummary(heads.get(String(i.interviewId)) as Item))
      .sort((a, b) =>
        String(b.publishedAt ?? b.updatedAt).localeCompare(String(a.publishedAt ?? a.updatedAt)),
      );
  }

  // ---------------------------------------------------------------- tags

  private toManual(it: Item | undefined): ManualTags {
    if (!it) return emptyManual();
    return {
      add: (it.add as string[]) ?? [],
      remove: (it.remove as string[]) ?? [],
      version: Number(it.version ?? 0),
      updatedAt: (it.updatedAt as string) ?? null,
      updatedBy: (it.updatedBy as string) ?? null,
    };
  }

  async getQuoteTags(quoteId: string): Promise<ManualTags> {
    return this.toManual(await this.get(keys.quoteManual(quoteId)));
  }

  async manualQuoteTags(quoteIds: readonly string[]): Promise<Map<string, ManualTags>> {
    const items = await this.batchGet(quoteIds.map((q) => keys.quoteManual(q)));
    return new Map(items.map((it) => [String(it.pk).slice('QUOTE#'.length), this.toManual(it)]));
  }

  private async putManual(
    key: { pk: string; sk: string },
    next: { add: string[]; remove: string[] },
    expectedVersion: number,
    who: string,
    extra: Item = {},
  ): Promise<ManualTags> {
    const at = this.now().toISOString();
    const item = {
      ...key,
      ...extra,
      add: next.add,
      remove: next.remove,
      version: expectedVersion + 1,
      updatedAt: at,
      updatedBy: who,
    };
    try {
      await this.send(() =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#pk)' : '#v = :v',
            ExpressionAttributeNames:
              expectedVersion === 0 ? { '#pk': TABLE.partitionKey } : { '#v': 'version' },
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
          }),
        ),
      );
    } catch (e) {
      if (isConditionFailure(e))
        throw new ConflictError('the tags were changed by someone else meanwhile; reload and try again', {
          expectedVersion,
        });
      throw e;
    }
    return this.toManual(item);
  }

  private async writeAudit(subjectPk: string, who: string, action: string, tags: string[]): Promise<void> {
    const at = this.now().toISOString();
    await this.send(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.audit(subjectPk, at, nonce()), subject: subjectPk, at, who, action, tags },
        }),
      ),
    );
  }

  async putQuoteTags(
    quoteId: string,
    next: { add: string[]; remove: string[] },
    expectedVersion: number,
    who: string,
  ): Promise<ManualTags> {
    const manual = await this.putManual(keys.quoteManual(quoteId), next, expectedVersion, who, { quoteId });
    await this.writeAudit(keys.quoteManualPk(quoteId), who, 'quote-tags', [
      ...next.add.map((t) => `+${t}`),
      ...next.remove.map((t) => `-${t}`),
    ]);
    const interviewId = interviewIdOfQuote(quoteId);
    if (interviewId) await this.refreshTags(interviewId);
    return manual;
  }

  /** Makes the current revision's membership items match the record, manual tags and aliases. */
  async refreshTags(interviewId: string): Promise<void> {
    const head = await this.head(interviewId);
    if (!head) return;
    const rev = String(head.rev);
    const record = await this.readRevision(interviewId, rev);
    if (!record) return;
    const desired = await this.desiredMemberships(interviewId, rev, record);
    const existing = [
      ...(await this.queryPrefix(keys.interviewPk(interviewId), keys.quoteTagPrefix(rev))),
      ...(await this.queryPrefix(keys.interviewPk(interviewId), keys.personTagPrefix(rev))),
    ];
    const want = new Set(desired.map((d) => String(d.sk)));
    const have = new Set(existing.map((e) => String(e.sk)));
    await this.batchWrite(
      desired.filter((d) => !have.has(String(d.sk))),
      existing.filter((e) => !want.has(String(e.sk))).map((e) => ({ pk: String(e.pk), sk: String(e.sk) })),
    );
    const tags = [
      ...new Set(desired.filter((d) => typeof d.quoteId === 'string').map((d) => String(d.tag))),
    ].sort();
    await this.send(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...head, tags },
          ConditionExpression: '#rev = :rev',
          ExpressionAttributeNames: { '#rev': 'rev' },
          ExpressionAttributeValues: { ':rev': rev },
        }),
      ),
    ).catch((e) => {
      // A newer revision was written meanwhile; it computed its own memberships.
      if (!isConditionFailure(e)) throw e;
    });
  }

  async getPersonTags(personId: string): Promise<ManualTags> {
    return this.toManual(await this.get(keys.personManual(personId)));
  }

  async putPersonTags(
    personId: string,
    tags: string[],
    expectedVersion: number,
    who: string,
  ): Promise<ManualTags> {
    const before = await this.getPersonTags(personId);
    const manual = await this.putManual(
      keys.personManual(personId),
      { add: tags, remove: [] },
      expectedVersion,
      who,
      { personId },
    );
    const drop = before.add.filter((t) => !tags.includes(t));
    await this.batchWrite(
      tags.map((tag) => ({ ...keys.personManualTag(personId, tag), personId, tag })),
      drop.map((tag) => keys.personManualTag(personId, tag)),
    );
    await this.writeAudit(keys.personManualPk(personId), who, 'person-tags', tags);
    return manual;
  }

  /** Quotes with a tag in current revisions, by quote id. */
  async quotesWithTag(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; interviewId: string }>> {
    return this.fillPage(
      {
        IndexName: TABLE.gsi1.indexName,
        KeyConditionExpression: '#gpk = :t',
        ExpressionAttributeNames: { '#gpk': TABLE.gsi1.partitionKey },
        ExpressionAttributeValues: { ':t': `QTAG#${tag}` },
      },
      options,
      // Items of stale revisions are skipped.
      async (page) => {
        const heads = await this.currentRevs(page.map((i) => String(i.interviewId)));
        return page
          .filter((i) => heads.get(String(i.interviewId))?.rev === i.rev)
          .map((i) => ({ quoteId: String(i.quoteId), interviewId: String(i.interviewId) }));
      },
    );
  }

  /** People with a tag: automatic (current revisions) or manual. */
  async peopleWithTag(tag: string): Promise<Array<{ personId: string; interviewId: string | null }>> {
    const items = await this.queryAll({
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: '#gpk = :t',
      ExpressionAttributeNames: { '#gpk': TABLE.gsi1.partitionKey },
      ExpressionAttributeValues: { ':t': `PTAG#${tag}` },
    });
    const heads = await this.currentRevs(
      items.filter((i) => i.interviewId).map((i) => String(i.interviewId)),
    );
    return items
      .filter((i) => !i.interviewId || heads.get(String(i.interviewId))?.rev === i.rev)
      .map((i) => ({
        personId: String(i.personId),
        interviewId: i.interviewId ? String(i.interviewId) : null,
      }));
  }

  async aliases(): Promise<Map<string, string>> {
    if (this.aliasCache) return new Map(await this.aliasCache);
    const load = this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.aliasPk },
    }).then((items) => new Map(items.map((i) => [String(i.sk), String(i.into)])));
    if (this.soleWriter) {
      this.aliasCache = load;
      load.catch(() => {
        this.aliasCache = null;
      });
    }
    return new Map(await load);
  }

  async putAlias(from: string, into: string, who: string): Promise<void> {
    this.aliasCache = null;
    await this.send(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.tagAlias(from), into, updatedAt: this.now().toISOString(), updatedBy: who },
        }),
      ),
    );
    this.aliasCache = null;
    await this.writeAudit(`TAG#${from}`, who, 'merge', [from, into]);
  }

  async audit(subject: string): Promise<AuditEntry[]> {
    const items = await this.queryPrefix(subject, 'AUDIT#');
    return items.map((i) => ({
      subject,
      at: String(i.at),
      who: String(i.who),
      action: String(i.action),
      tags: (i.tags as string[]) ?? [],
    }));
  }

  // ---------------------------------------------------------------- snapshots

  /** Writes the chunks under a new id, then switches the manifest; deletes the snapshot before the previous one. */
  async publishSnapshot(
    gzipped: Uint8Array,
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest> {
    const snapshotId = `${this.now().getTime().toString(36)}-${nonce()}`;
    const chunks: Item[] = [];
    for (let n = 0, off = 0; off < gzipped.length || n === 0; n++, off += CHUNK_BYTES) {
      chunks.push({ ...keys.indexChunk(snapshotId, n), data: gzipped.subarray(off, off + CHUNK_BYTES) });
    }
    await this.batchWrite(chunks, []);
    const previous = await this.get(keys.indexManifest());
    const manifest: SnapshotManifest = {
      snapshotId,
      chunks: chunks.length,
      bytes: gzipped.length,
      quotes: meta.quotes,
      interviews: meta.interviews,
      createdAt: this.now().toISOString(),
    };
    const condition: Partial<
      Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>
    > =
      expectedPrevious === undefined
        ? {}
        : expectedPrevious === null
          ? {
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            }
          : {
              ConditionExpression: '#s = :s',
              ExpressionAttributeNames: { '#s': 'snapshotId' },
              ExpressionAttributeValues: { ':s': expectedPrevious },
            };
    try {
      await this.send(() =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.indexManifest(), ...manifest, previous: previous?.snapshotId ?? null },
            ...condition,
          }),
        ),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // Someone else published first: drop our chunks and let the caller reload and retry.
      await this.batchWrite(
        [],
        chunks.map((c) => ({ pk: String(c.pk), sk: String(c.sk) })),
      );
      throw new ConflictError('another indexer published a snapshot meanwhile', { expectedPrevious });
    }
    // Keep the previous snapshot for readers that are loading it right now.
    const older = previous?.previous;
    if (typeof older === 'string') {
      const items = await this.queryPrefix(`INDEX#${older}`, 'CHUNK#');
      await this.batchWrite(
        [],
        items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })),
      );
    }
    return manifest;
  }

  async readManifest(): Promise<SnapshotManifest | null> {
    const it = await this.get(keys.indexManifest());
    if (!it) return null;
    return {
      snapshotId: String(it.snapshotId),
      chunks: Number(it.chunks),
      bytes: Number(it.bytes),
      quotes: Number(it.quotes),
      interviews: Number(it.interviews),
      createdAt: String(it.createdAt),
    };
  }

  /** Reads a snapshot's chunks in parallel. */
  async readSnapshot(manifest: SnapshotManifest): Promise<Uint8Array> {
    const parts = await Promise.all(
      Array.from({ length: manifest.chunks }, (_, n) => this.get(keys.indexChunk(manifest.snapshotId, n))),
    );
    if (parts.some((p) => !p))
      throw new StoreUnavailableError(`snapshot ${manifest.snapshotId} is incomplete`);
    return Buffer.concat(parts.map((p) => Buffer.from((p as Item).data as Uint8Array)));
  }
}

/** Creates the table if it does not exist and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  const { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } = await import(
    '@aws-sdk/client-dynamodb'
  );
  const { createTableInput } = await import('./keys.ts');
  const describe = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    } catch (e) {
      if (e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException')
        return null;
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
