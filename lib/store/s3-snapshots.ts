/**
 * Search snapshots in S3 behind the SnapshotStore port (the Lambda deployment): each packed
 * index is one immutable binary object, and the switch to it stays one DynamoDB item (the
 * manifest) written conditionally, so two publishers never overwrite each other unknowingly.
 * A cold start reads one small item and one object, instead of hundreds of table items.
 *
 * Layout (a manifest lists a base and the small segments sealed over it, oldest first):
 *
 *   s3://<bucket>/index/parts/<partId>.gz   one packed index part (its sections compressed; older parts: gzipped whole), never rewritten
 *   table INDEX / MANIFEST                  { snapshotId, format: 's3', parts: [{ key, bytes, kind }],
 *                                             bytes, quotes, interviews, createdAt, previous }
 *
 * A publish writes its new part(s) first (a batch of index writes: one small segment), then
 * switches the manifest; the parts the previous
 * manifest listed and the new one does not are tagged `state=superseded`, and the bucket's
 * lifecycle rule deletes them a day later (readers still loading them have long finished).
 * A manifest written by the table-chunk store of earlier versions (no `parts`) is still read,
 * from its chunks, so an upgraded stack serves its last snapshot until the first S3 publish.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, KikigakiError } from '../errors.ts';
import { ChunkEntity, type Manifest, ManifestEntity } from './items.ts';
import { keys, objectKeys, TABLE } from './keys.ts';
import type { PartToPublish, SnapshotManifest, SnapshotPart, SnapshotStore } from './port.ts';

/** Where the parts of snapshots live in the bucket. */
export const SNAPSHOT_PREFIX = objectKeys.snapshotPrefix;
/** The tag a superseded part gets; the bucket's lifecycle rule expires objects carrying it. */
export const SUPERSEDED_TAG = { key: 'state', value: 'superseded' } as const;

export type { SnapshotPart } from './port.ts';

/** A manifest naming the S3 parts of a snapshot. */
export interface S3SnapshotManifest extends SnapshotManifest {
  parts: SnapshotPart[];
}

/** Options of {@link S3SnapshotStore}. */
export interface S3SnapshotStoreOptions {
  s3: S3Client;
  bucket: string;
  /** The table holding the manifest item. */
  dynamo: DynamoDBClient;
  tableName: string;
  /** Clock, for tests. */
  now?: () => Date;
  /** Told when tagging superseded parts failed (they then stay until deleted by hand). */
  onCleanupError?: (error: unknown, keys: string[]) => void;
}

type Item = Record<string, unknown>;

function isConditionFailure(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}

/** The store could not be reached (maps to 503), keeping what went wrong as `cause`. */
function unavailable(message: string, cause: unknown): KikigakiError {
  const e = new KikigakiError('unavailable', message);
  (e as Error & { cause?: unknown }).cause = cause;
  return e;
}

/** How this store marks the manifests it writes (their parts are S3 objects, not table items). */
const S3_FORMAT = 's3';

/**
 * The manifest item read as its entity (items.ts: a malformed one is a CorruptItemError, never a
 * manifest of `"undefined"` and NaN), with its S3 parts; `s3Parts` is null for a manifest the
 * table-chunk store wrote (its parts are table items).
 */
function manifestOf(item: Item): { manifest: Manifest; s3Parts: SnapshotPart[] | null } {
  const manifest = ManifestEntity.fromItem(item);
  return { manifest, s3Parts: item.format === S3_FORMAT ? (manifest.parts ?? []) : null };
}

/** Snapshots as S3 objects, switched by a conditional write of the manifest item. */
export class S3SnapshotStore implements SnapshotStore {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly onCleanupError: (error: unknown, keys: string[]) => void;

  constructor(options: S3SnapshotStoreOptions) {
    this.s3 = options.s3;
    this.bucket = options.bucket;
    this.doc = DynamoDBDocumentClient.from(options.dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.onCleanupError = options.onCleanupError ?? (() => {});
  }

  private async manifestItem(): Promise<Item | undefined> {
    try {
      const r = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.indexManifest(), ConsistentRead: true }),
      );
      return r.Item;
    } catch (e) {
      throw unavailable('the snapshot manifest could not be read', e);
    }
  }

  /** Publishes one blob as the whole snapshot (a base part). */
  publishSnapshot(
    body: Uint8Array,
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<S3SnapshotManifest> {
    return this.publishParts([{ body, kind: 'base' }], meta, expectedPrevious);
  }

  /**
   * Uploads the new parts (in parallel), then switches the manifest to the list; parts the
   * previous manifest listed and this one does not are tagged superseded.
   */
  async publishParts(
    parts: readonly PartToPublish[],
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<S3SnapshotManifest> {
    const snapshotId = `${this.now().getTime().toString(36)}-${randomBytes(6).toString('base64url')}`;
    let fresh = 0;
    const uploads: Array<{ part: SnapshotPart; body: Uint8Array }> = [];
    const listed = parts.map((p): SnapshotPart => {
      if ('key' in p) return p;
      const part: SnapshotPart = {
        key: objectKeys.snapshotPart(keys.snapshotPartId(snapshotId, fresh++)),
        bytes: p.body.length,
        kind: p.kind,
      };
      uploads.push({ part, body: p.body });
      return part;
    });
    await Promise.all(
      uploads.map(({ part, body }) =>
        this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: part.key,
            Body: body,
            ContentType: 'application/octet-stream',
          }),
        ),
      ),
    );
    const previousItem = await this.manifestItem();
    const previous = previousItem ? manifestOf(previousItem) : null;
    const manifest: S3SnapshotManifest = {
      snapshotId,
      chunks: listed.length,
      bytes: listed.reduce((n, p) => n + p.bytes, 0),
      quotes: meta.quotes,
      interviews: meta.interviews,
      createdAt: this.now().toISOString(),
      parts: listed,
    };
    // A part kept from a manifest that is no longer current may be expiring already.
    const current = new Set((previous?.s3Parts ?? []).map((p) => p.key));
    const stale = parts.filter((p): p is SnapshotPart => 'key' in p && !current.has(p.key));
    if (stale.length > 0) {
      await this.deleteUploads(uploads.map((u) => u.part.key));
      throw new ConflictError("the parts to keep are not the current snapshot's", { expectedPrevious });
    }
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
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...ManifestEntity.toItem({ ...manifest, previous: previous?.manifest.snapshotId ?? null }),
            format: S3_FORMAT,
          },
          ...condition,
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // Someone else published first: our parts are garbage; the caller reloads and retries.
      await this.deleteUploads(uploads.map((u) => u.part.key));
      throw new ConflictError('another indexer published a snapshot meanwhile', { expectedPrevious });
    }
    const kept = new Set(manifest.parts.map((p) => p.key));
    const superseded = (previous?.s3Parts ?? []).map((p) => p.key).filter((k) => !kept.has(k));
    await this.tagSuperseded(superseded);
    return manifest;
  }

  /** Deletes parts a failed publish uploaded (best effort: the lifecycle rule does not see them). */
  private async deleteUploads(partKeys: readonly string[]): Promise<void> {
    await Promise.all(
      partKeys.map((Key) =>
        this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })).catch(() => {}),
      ),
    );
  }

  private async tagSuperseded(keysToTag: string[]): Promise<void> {
    const failed: string[] = [];
    let error: unknown;
    await Promise.all(
      keysToTag.map((Key) =>
        this.s3
          .send(
            new PutObjectTaggingCommand({
              Bucket: this.bucket,
              Key,
              Tagging: { TagSet: [{ Key: SUPERSEDED_TAG.key, Value: SUPERSEDED_TAG.value }] },
            }),
          )
          .catch((e: unknown) => {
            failed.push(Key);
            error = e;
          }),
      ),
    );
    // The new snapshot is published either way: a part left untagged only costs storage.
    if (failed.length > 0) this.onCleanupError(error, failed);
  }

  async readManifest(): Promise<S3SnapshotManifest | null> {
    const it = await this.manifestItem();
    if (!it) return null;
    const { manifest: m, s3Parts } = manifestOf(it);
    return {
      snapshotId: m.snapshotId,
      chunks: s3Parts ? s3Parts.length : m.chunks,
      bytes: m.bytes,
      quotes: m.quotes,
      interviews: m.interviews,
      createdAt: m.createdAt,
      // A manifest of the table-chunk store has no parts (read from its chunks below).
      parts: s3Parts ?? [],
    };
  }

  /** Reads a snapshot of one part, or one published by the table-chunk store (see {@link readPart}). */
  async readSnapshot(manifest: SnapshotManifest): Promise<Uint8Array> {
    const parts = (manifest as Partial<S3SnapshotManifest>).parts ?? [];
    if (parts.length === 0) return this.readTableChunks(manifest);
    if (parts.length !== 1)
      throw new KikigakiError(
        'unavailable',
        `snapshot ${manifest.snapshotId} has ${parts.length} parts: read them one by one`,
      );
    return this.readPart(parts[0] as SnapshotPart, manifest.snapshotId);
  }

  /** Reads one part (checked against the size the manifest gives). */
  async readPart(part: SnapshotPart, snapshotId = part.key): Promise<Uint8Array> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: part.key }));
      const bytes = await (r.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
      if (bytes.length !== part.bytes)
        throw new Error(`${part.key} has ${bytes.length} bytes, the manifest says ${part.bytes}`);
      return bytes;
    } catch (e) {
      throw unavailable(`snapshot ${snapshotId} could not be read from S3`, e);
    }
  }

  /** A snapshot published into the table by the chunk store of earlier versions. */
  private async readTableChunks(manifest: SnapshotManifest): Promise<Uint8Array> {
    const parts = await Promise.all(
      Array.from({ length: manifest.chunks }, (_, n) =>
        this.doc
          .send(new GetCommand({ TableName: this.tableName, Key: keys.indexChunk(manifest.snapshotId, n) }))
          .then((r) => r.Item),
      ),
    );
    if (manifest.chunks === 0 || parts.some((p) => !p))
      throw new KikigakiError('unavailable', `snapshot ${manifest.snapshotId} is incomplete`);
    return Buffer.concat(parts.map((p) => ChunkEntity.fromItem(p as Item).data));
  }
}

/**
 * The data store with its snapshot methods served by `snapshots` instead (on Lambda: the
 * DynamoDB store for interviews and tags, S3 for snapshots). Every other member is the store's
 * own, bound to it, so ports added later pass through unchanged.
 */
export function withSnapshotStore<T extends SnapshotStore>(store: T, snapshots: SnapshotStore): T {
  const own = new Set<PropertyKey>([
    'publishSnapshot',
    'publishParts',
    'readManifest',
    'readSnapshot',
    'readPart',
  ]);
  return new Proxy(store, {
    get(target, prop) {
      if (own.has(prop)) {
        const f = snapshots[prop as keyof SnapshotStore] as (...a: unknown[]) => unknown;
        return f.bind(snapshots);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
