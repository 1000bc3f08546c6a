/**
 * The snapshot port on the table: each part of a snapshot (a base, segments over it) in ≤ 350 KB
 * chunks under its own id, published by switching the one manifest item with a conditional
 * write. A publish writes only its new parts; the parts no manifest lists any more are deleted
 * one publish later (readers mid-load of the previous manifest still find its parts).
 */
import { ConflictError } from '../errors.ts';
import { ChunkEntity, type Manifest, ManifestEntity, type RawItem } from './items.ts';
import { keys } from './keys.ts';
import type { PartToPublish, SnapshotManifest, SnapshotPart, SnapshotStore } from './port.ts';
import { type Condition, nonce, StoreUnavailableError, type Table } from './table.ts';

/** Chunks stay well under DynamoDB's 400 KB item limit. */
export const SNAPSHOT_CHUNK_BYTES = 350_000;

function keysOf(items: readonly RawItem[]) {
  return items.map((it) => ({ pk: it.pk as string, sk: it.sk as string }));
}

function chunkCount(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / SNAPSHOT_CHUNK_BYTES));
}

/** The parts of a manifest; a snapshot published as one blob is one base part under its id. */
function partsOf(m: Manifest | SnapshotManifest): SnapshotPart[] {
  return m.parts && m.parts.length > 0 ? m.parts : [{ key: m.snapshotId, bytes: m.bytes, kind: 'base' }];
}

/** The DynamoDB implementation of {@link SnapshotStore}. */
export class DynamoSnapshots implements SnapshotStore {
  constructor(
    private readonly table: Table,
    private readonly now: () => Date,
  ) {}

  /** Publishes one blob as the whole snapshot (a base part under the snapshot's id). */
  publishSnapshot(
    body: Uint8Array,
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest> {
    return this.publishParts([{ body, kind: 'base' }], meta, expectedPrevious);
  }

  /** Writes the new parts' chunks, then switches the manifest; deletes parts only older manifests listed. */
  async publishParts(
    parts: readonly PartToPublish[],
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest> {
    const snapshotId = `${this.now().getTime().toString(36)}-${nonce()}`;
    const listed: SnapshotPart[] = [];
    const chunks: RawItem[] = [];
    let fresh = 0;
    for (const p of parts) {
      if ('key' in p) {
        listed.push(p);
        continue;
      }
      // The first new part under the snapshot's own id (a one-blob snapshot reads as before).
      const key = keys.snapshotPartId(snapshotId, fresh++);
      const { body } = p;
      for (let n = 0; n < chunkCount(body.length); n++)
        chunks.push(
          ChunkEntity.toItem({
            snapshotId: key,
            n,
            data: body.subarray(n * SNAPSHOT_CHUNK_BYTES, (n + 1) * SNAPSHOT_CHUNK_BYTES),
          }),
        );
      listed.push({ key, bytes: body.length, kind: p.kind });
    }
    await this.table.batchWrite(chunks, []);
    const previousItem = await this.table.get(keys.indexManifest());
    const previous = previousItem ? ManifestEntity.fromItem(previousItem) : undefined;
    const manifest: SnapshotManifest = {
      snapshotId,
      chunks: listed.reduce((n, p) => n + chunkCount(p.bytes), 0),
      bytes: listed.reduce((n, p) => n + p.bytes, 0),
      quotes: meta.quotes,
      interviews: meta.interviews,
      createdAt: this.now().toISOString(),
      parts: listed,
    };
    // A part kept from a manifest that is no longer current may be deleted already.
    const current = new Set(previous ? partsOf(previous).map((p) => p.key) : []);
    if (parts.some((p) => 'key' in p && !current.has(p.key))) {
      await this.table.batchWrite([], keysOf(chunks));
      throw new ConflictError("the parts to keep are not the current snapshot's", { expectedPrevious });
    }
    const condition: Condition | undefined =
      expectedPrevious === undefined
        ? undefined
        : expectedPrevious === null
          ? { absent: true }
          : { attribute: 'snapshotId', equals: expectedPrevious };
    const switched = await this.table.put(
      ManifestEntity.toItem({
        ...manifest,
        previous: previous?.snapshotId ?? null,
        previousParts: previous ? partsOf(previous).map((p) => p.key) : [],
      }),
      condition,
    );
    if (!switched) {
      // Someone else published first: drop our chunks and let the caller reload and retry.
      await this.table.batchWrite([], keysOf(chunks));
      throw new ConflictError('another indexer published a snapshot meanwhile', { expectedPrevious });
    }
    // Keep the previous manifest's parts for readers loading it right now; delete the parts
    // the one before it listed that neither lists.
    const older = previous?.previousParts ?? (previous?.previous ? [previous.previous] : []);
    const inUse = new Set([...(previous ? partsOf(previous) : []), ...listed].map((p) => p.key));
    for (const key of older) {
      if (inUse.has(key)) continue;
      const items = await this.table.queryPrefix(keys.snapshotPk(key), keys.chunkPrefix);
      await this.table.batchWrite([], keysOf(items));
    }
    return manifest;
  }

  async readManifest(): Promise<SnapshotManifest | null> {
    const it = await this.table.get(keys.indexManifest());
    if (!it) return null;
    const { previous: _previous, previousParts: _parts, ...manifest } = ManifestEntity.fromItem(it);
    return { ...manifest, parts: partsOf(manifest) };
  }

  /** Reads a snapshot of one part (see {@link readPart} for snapshots of several). */
  async readSnapshot(manifest: SnapshotManifest): Promise<Uint8Array> {
    const parts = partsOf(manifest);
    if (parts.length !== 1)
      throw new StoreUnavailableError(
        `snapshot ${manifest.snapshotId} has ${parts.length} parts: read them one by one`,
      );
    return this.readPart(parts[0] as SnapshotPart);
  }

  /** Reads a part's chunks in parallel. */
  async readPart(part: SnapshotPart): Promise<Uint8Array> {
    const items = await Promise.all(
      Array.from({ length: chunkCount(part.bytes) }, (_, n) => this.table.get(keys.indexChunk(part.key, n))),
    );
    const data: Uint8Array[] = [];
    for (const p of items) {
      if (!p) throw new StoreUnavailableError(`snapshot part ${part.key} is incomplete`);
      data.push(ChunkEntity.fromItem(p).data);
    }
    const bytes = Buffer.concat(data);
    if (bytes.length !== part.bytes)
      throw new StoreUnavailableError(
        `snapshot part ${part.key} has ${bytes.length} bytes, the manifest says ${part.bytes}`,
      );
    return bytes;
  }
}
