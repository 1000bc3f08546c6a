/**
 * The interview port on the table: all-or-nothing revisions without transactions. A write puts
 * a new revision's uniquely keyed items (content chunks, memberships), then switches the head
 * item to it with a conditional write, then deletes older revisions. Readers follow the head.
 */
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { ConflictError } from '../errors.ts';
import { DocEntity, type Head, HeadEntity, PersonInEntity, type RawItem, summaryOf } from './items.ts';
import { type Key, keys, parseKey, revisionId, revisionVersion, TABLE } from './keys.ts';
import { membershipsOf, type TagContextSource } from './memberships.ts';
import type {
  InterviewRecord,
  InterviewStore,
  InterviewSummary,
  Page,
  PutResult,
  StoredInterview,
  WriteReads,
} from './port.ts';
import { type CursorCodec, nonce, StoreUnavailableError, type Table } from './table.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Content up to this size is (de)compressed in this thread: for a typical interview (~10 KB of
 * JSON) that takes ~0.2 ms, a quarter of the CPU the asynchronous call spends on its stream,
 * the hand-off to libuv's pool and back. Larger content goes to the pool, so a 2 MB transcript
 * does not hold the event loop.
 */
const INLINE_ZLIB_BYTES = 64 * 1024;

function gzipped(json: string): Promise<Buffer> | Buffer {
  const raw = Buffer.from(json, 'utf8');
  return raw.length <= INLINE_ZLIB_BYTES ? gzipSync(raw) : gzipAsync(raw);
}

/** Content chunks stay well under DynamoDB's 400 KB item limit. */
export const CHUNK_BYTES = 350_000;

/** Head switches lost to other writers before a write gives up with a 409. */
const MAX_SWITCH_ATTEMPTS = 8;

/** What the tag module reads of interviews: heads and the record of a revision. */
export interface RevisionReader {
  head(id: string): Promise<Head | undefined>;
  /** Heads of several interviews, by id (absent ones left out). */
  heads(ids: readonly string[]): Promise<Map<string, Head>>;
  readRevision(id: string, rev: string): Promise<InterviewRecord | null>;
}

/** A revision's record with the version and dates its head carries. */
function storedOf(record: InterviewRecord, head: Head): StoredInterview {
  return { ...record, version: head.version, createdAt: head.createdAt, updatedAt: head.updatedAt };
}

/** Keys of items, for deletes. */
function keysOf(items: readonly RawItem[]): Key[] {
  return items.map((it) => ({ pk: it.pk as string, sk: it.sk as string }));
}

/** Sort dates as heads carry them (ISO 8601 timestamps). */
const SORT_DATE = /^[0-9A-Za-z:.+-]{1,64}$/;

/**
 * Cursors of the newest-first list: the sort date and id of the head the page ended at. The
 * start key is rebuilt from them, so it is always a head's list entry in the list's partition.
 */
function listCursor(tag: string | undefined): CursorCodec {
  return {
    scope: tag === undefined ? keys.interviewListPk : `${keys.interviewListPk}?tag=${tag}`,
    encode: (last) => {
      const parsed = parseKey({ pk: last.pk as string, sk: last.sk as string });
      const listed = last[TABLE.gsi1.sortKey];
      if (parsed?.kind !== 'interviewHead' || typeof listed !== 'string')
        throw new Error('interview list ended at an item that is not a head');
      return [listed.slice(0, listed.length - parsed.interviewId.length - 1), parsed.interviewId];
    },
    decode: (parts) => {
      const [sortDate, id] = parts;
      if (parts.length !== 2 || !sortDate || !id || !SORT_DATE.test(sortDate)) return null;
      const head = keys.interviewHead(id);
      const parsed = parseKey(head);
      if (parsed?.kind !== 'interviewHead' || parsed.interviewId !== id) return null;
      return { ...head, ...keys.interviewList(sortDate, id) };
    },
  };
}

/** The DynamoDB implementation of {@link InterviewStore}. */
export class DynamoInterviews implements InterviewStore, RevisionReader {
  constructor(
    private readonly table: Table,
    private readonly tags: TagContextSource,
    private readonly now: () => Date,
  ) {}

  async head(id: string): Promise<Head | undefined> {
    const it = await this.table.get(keys.interviewHead(id));
    return it ? HeadEntity.fromItem(it) : undefined;
  }

  /** The head through a batched read: shares a request with reads made in the same tick. */
  private async headBatched(id: string): Promise<Head | undefined> {
    const [it] = await this.table.batchGet([keys.interviewHead(id)]);
    return it ? HeadEntity.fromItem(it) : undefined;
  }

  async heads(ids: readonly string[]): Promise<Map<string, Head>> {
    const items = await this.table.batchGet([...new Set(ids)].map((id) => keys.interviewHead(id)));
    const out = new Map<string, Head>();
    for (const it of items) {
      const h = HeadEntity.fromItem(it);
      out.set(h.id, h);
    }
    return out;
  }

  /**
   * Writes a new revision (content chunks and memberships), then switches the head to it with a
   * conditional write, then deletes older revisions. Readers follow the head, so they see the old
   * or the new interview, never a mix; a crash leaves at worst unreferenced items that the next
   * write of the same id over an existing head removes. If another writer switched the head
   * meanwhile: when ours is newer, switch over theirs; when theirs is newer, drop ours and write
   * again above it, so the last writer's content wins.
   *
   * A new revision is numbered one above the head, whatever else the partition holds: revisions
   * at that number from writers that never switched (they crashed, or lost the race to the same
   * head) are removed by the clean-up after the switch, which removes every revision up to ours
   * but ours. A higher one can only be a writer's that read our head, still in flight: kept.
   * (Finding the highest revision first cost a query per ingest: ~10% of an ingest's store CPU.)
   */
  /** The head and what the quotes' tags depend on, in parallel (one batched request). */
  async readForWrite(id: string, quoteIds: readonly string[]): Promise<WriteReads> {
    const [head, context] = await Promise.all([this.headBatched(id), this.tags.tagContext(quoteIds)]);
    return { id, quoteIds: [...quoteIds], head, manual: context.manual, aliases: context.aliases };
  }

  async putInterview(
    record: InterviewRecord,
    options: { expectedVersion?: number; reads?: WriteReads } = {},
  ): Promise<PutResult> {
    const id = record.interview.id;
    const iv = record.interview;
    const quoteIds = iv.turns.map((t) => t.id);
    const given = options.reads;
    const reads =
      given && given.id === id && sameList(given.quoteIds, quoteIds)
        ? given
        : await this.readForWrite(id, quoteIds);
    const first = reads.head;
    const context = { manual: reads.manual, aliases: reads.aliases };
    const expected = options.expectedVersion;
    const changedMeanwhile = () =>
      new ConflictError(
        `interview ${id} was written meanwhile (expected version ${expected}); read it again`,
        {
          expectedVersion: expected,
        },
      );
    if (expected !== undefined && (first?.version ?? 0) !== expected) throw changedMeanwhile();
    const body = await gzipped(JSON.stringify(record));
    const chunks = Math.max(1, Math.ceil(body.length / CHUNK_BYTES));
    let head = first;
    let written: { rev: string; version: number; memberships: ReturnType<typeof membershipsOf> } | null =
      null;
    for (let attempt = 0; attempt < MAX_SWITCH_ATTEMPTS; attempt++) {
      if (!written) {
        const version = (head?.version ?? 0) + 1;
        const rev = revisionId(version, nonce());
        const docs = Array.from({ length: chunks }, (_, n) =>
          DocEntity.toItem({
            interviewId: id,
            rev,
            n,
            data: body.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES),
            chunks: n === 0 ? chunks : undefined,
          }),
        );
        const memberships = membershipsOf(id, rev, record, context);
        await this.table.batchWrite([...docs, ...memberships.items], []);
        written = { rev, version, memberships };
      }
      const now = this.now().toISOString();
      const item = HeadEntity.toItem({
        id,
        rev: written.rev,
        version: written.version,
        title: iv.title,
        url: iv.url,
        publishedAt: iv.publishedAt,
        quoteCount: iv.turns.length,
        interviewees: iv.interviewees.map((p) => ({ id: p.id, name: p.name, handle: p.handle })),
        tags: written.memberships.tags,
        createdAt: head?.createdAt ?? now,
        updatedAt: now,
      });
      const switched = await this.table.put(
        item,
        head ? { attribute: 'rev', equals: head.rev } : { absent: true },
      );
      if (switched) {
        // Over no head there is nothing older to remove: a first write's crashed predecessor, if
        // any, goes with the next write over this head (readers never see it: they follow heads).
        if (head !== undefined) await this.removeRevisionsUpTo(id, written.version, written.rev);
        return {
          created: head === undefined,
          version: written.version,
          quoteTags: written.memberships.quoteTags,
        };
      }
      if (expected !== undefined) {
        // Only over the version the caller read: another writer's switch is never undone.
        await this.removeRevision(id, written.rev);
        throw changedMeanwhile();
      }
      head = await this.head(id);
      if (head && head.version >= written.version) {
        await this.removeRevision(id, written.rev);
        written = null;
      }
    }
    throw new ConflictError(
      `interview ${id} was written by others ${MAX_SWITCH_ATTEMPTS} times meanwhile; try again`,
    );
  }

  private async removeRevision(id: string, rev: string): Promise<void> {
    const items = await this.table.queryPrefix(keys.interviewPk(id), keys.versionPrefix(rev));
    await this.table.batchWrite([], keysOf(items));
  }

  /** Removes the revisions numbered up to `version`, except `keep`. */
  private async removeRevisionsUpTo(id: string, version: number, keep?: string): Promise<void> {
    const items = await this.table.queryPrefix(keys.interviewPk(id), keys.allVersionsPrefix);
    const stale = items.filter((it) => {
      const parsed = parseKey({ pk: it.pk as string, sk: it.sk as string });
      return (
        parsed !== null && 'rev' in parsed && parsed.rev !== keep && revisionVersion(parsed.rev) <= version
      );
    });
    await this.table.batchWrite([], keysOf(stale));
  }

  /** The record of one revision; null when it is incomplete or gone (a writer switched meanwhile). */
  async readRevision(id: string, rev: string): Promise<InterviewRecord | null> {
    const chunks = (await this.table.queryPrefix(keys.interviewPk(id), keys.docPrefix(rev))).map((it) =>
      DocEntity.fromItem(it),
    );
    const expected = chunks[0]?.chunks;
    if (chunks.length === 0 || (expected !== undefined && chunks.length !== expected)) return null;
    return decodeRecord(Buffer.concat(chunks.map((c) => c.data)));
  }

  /**
   * Current revisions of several interviews (search hits render from these): their heads in
   * one batched read, then their first content chunks in another. Interviews stored in several
   * chunks, or switched to a new revision between the two reads, are read one by one.
   */
  async getInterviews(ids: readonly string[]): Promise<Map<string, StoredInterview>> {
    const out = new Map<string, StoredInterview>();
    const heads = await this.heads(ids);
    const firsts = new Map<string, ReturnType<typeof DocEntity.fromItem>>();
    for (const it of await this.table.batchGet(
      [...heads.values()].map((h) => keys.interviewDoc(h.id, h.rev, 0)),
    )) {
      const doc = DocEntity.fromItem(it);
      firsts.set(doc.interviewId, doc);
    }
    const slow: string[] = [];
    await Promise.all(
      [...heads.values()].map(async (head) => {
        const first = firsts.get(head.id);
        if (first?.rev !== head.rev || first.chunks !== 1) {
          slow.push(head.id);
          return;
        }
        out.set(head.id, storedOf(await decodeRecord(first.data), head));
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
      const record = await this.readRevision(id, head.rev);
      if (record) return storedOf(record, head);
    }
    throw new StoreUnavailableError(`interview ${id} changed repeatedly while being read`);
  }

  /** Deletes the head first (readers stop seeing it), then every revision item. */
  async deleteInterview(id: string): Promise<boolean> {
    const head = await this.head(id);
    if (!head) return false;
    if (!(await this.table.delete(keys.interviewHead(id), { attribute: 'rev', equals: head.rev })))
      throw new ConflictError(`interview ${id} changed while being deleted; try again`);
    // Only revisions up to the deleted one: a newer one belongs to a writer in flight, whose
    // head switch will then recreate the interview (last writer wins) with its content intact.
    await this.removeRevisionsUpTo(id, head.version);
    return true;
  }

  /** Interviews, newest first (by publication date, else last update). */
  async listInterviews(options: {
    limit: number;
    cursor?: string | undefined;
    tag?: string | undefined;
  }): Promise<Page<InterviewSummary>> {
    const names = { '#gpk': TABLE.gsi1.partitionKey };
    const values = { ':gpk': keys.interviewListPk };
    return this.table.fillPage(
      {
        IndexName: TABLE.gsi1.indexName,
        KeyConditionExpression: '#gpk = :gpk',
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
      async (items) => items.map((it) => summaryOf(HeadEntity.fromItem(it))),
      listCursor(options.tag),
    );
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

  /** Interviews the person appears in (current revisions only), newest first. */
  async interviewSummaries(ids: readonly string[]): Promise<Map<string, InterviewSummary>> {
    const heads = await this.heads(ids);
    return new Map([...heads].map(([id, head]) => [id, summaryOf(head)]));
  }

  async interviewsOfPerson(personId: string): Promise<InterviewSummary[]> {
    const appearances = (await this.table.queryIndex(keys.interviewsOfPersonPk(personId))).map((it) =>
      PersonInEntity.fromItem(it),
    );
    const heads = await this.heads(appearances.map((a) => a.interviewId));
    return appearances
      .flatMap((a) => {
        const head = heads.get(a.interviewId);
        return head?.rev === a.rev ? [summaryOf(head)] : [];
      })
      .sort((a, b) => (b.publishedAt ?? b.updatedAt).localeCompare(a.publishedAt ?? a.updatedAt));
  }
}

async function decodeRecord(data: Uint8Array): Promise<InterviewRecord> {
  // Compressed content is several times smaller than what it inflates to: the same bound, scaled.
  const raw = data.length <= INLINE_ZLIB_BYTES / 4 ? gunzipSync(data) : await gunzipAsync(data);
  return JSON.parse(raw.toString('utf8')) as InterviewRecord;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
