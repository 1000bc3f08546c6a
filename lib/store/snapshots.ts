/**
 * The snapshot port on the table: a packed index in ≤ 350 KB chunks under a new id, published by
 * switching the one manifest item with a conditional write.
 */
import { ConflictError } from '../errors.ts';
import { ChunkEntity, ManifestEntity, type RawItem } from './items.ts';
import { keys } from './keys.ts';
import type { SnapshotManifest, SnapshotStore } from './port.ts';
import { type Condition, nonce, StoreUnavailableError, type Table } from './table.ts';

/** Chunks stay well under DynamoDB's 400 KB item limit. */
export const SNAPSHOT_CHUNK_BYTES = 350_000;

function keysOf(items: readonly RawItem[]) {
  return items.map((it) => ({ pk: it.pk as string, sk: it.sk as string }));
}

/** The DynamoDB implementation of {@link SnapshotStore}. */
export class DynamoSnapshots implements SnapshotStore {
  constructor(
    private readonly table: Table,
    private readonly now: () => Date,
  ) {}

  /** Writes the chunks under a new id, then switches the manifest; deletes the snapshot before the previous one. */
  async publishSnapshot(
    gzipped: Uint8Array,
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest> {
    const snapshotId = `${this.now().getTime().toString(36)}-${nonce()}`;
    const count = Math.max(1, Math.ceil(gzipped.length / SNAPSHOT_CHUNK_BYTES));
    const chunks = Array.from({ length: count }, (_, n) =>
      ChunkEntity.toItem({
        snapshotId,
        n,
        data: gzipped.subarray(n * SNAPSHOT_CHUNK_BYTES, (n + 1) * SNAPSHOT_CHUNK_BYTES),
      }),
    );
    await this.table.batchWrite(chunks, []);
    const previousItem = await this.table.get(keys.indexManifest());
    const previous = previousItem ? ManifestEntity.fromItem(previousItem) : undefined;
    const manifest: SnapshotManifest = {
      snapshotId,
      chunks: count,
      bytes: gzipped.length,
      quotes: meta.quotes,
      interviews: meta.interviews,
      createdAt: this.now().toISOString(),
    };
    const condition: Condition | undefined =
      expectedPrevious === undefined
        ? undefined
        : expectedPrevious === null
          ? { absent: true }
          : { attribute: 'snapshotId', equals: expectedPrevious };
    const switched = await this.table.put(
      ManifestEntity.toItem({ ...manifest, previous: previous?.snapshotId ?? null }),
      condition,
    );
    if (!switched) {
      // Someone else published first: drop our chunks and let the caller reload and retry.
      await this.table.batchWrite([], keysOf(chunks));
      throw new ConflictError('another indexer published a snapshot meanwhile', { expectedPrevious });
    }
    // Keep the previous snapshot for readers that are loading it right now.
    const older = previous?.previous;
    if (older) {
      const items = await this.table.queryPrefix(keys.snapshotPk(older), keys.chunkPrefix);
      await this.table.batchWrite([], keysOf(items));
    }
    return manifest;
  }

  async readManifest(): Promise<SnapshotManifest | null> {
    const it = await this.table.get(keys.indexManifest());
    if (!it) return null;
    const { previous: _previous, ...manifest } = ManifestEntity.fromItem(it);
    return manifest;
  }

  /** Reads a snapshot's chunks in parallel. */
  async readSnapshot(manifest: SnapshotManifest): Promise<Uint8Array> {
    const parts = await Promise.all(
      Array.from({ length: manifest.chunks }, (_, n) =>
        this.table.get(keys.indexChunk(manifest.snapshotId, n)),
      ),
    );
    const data: Uint8Array[] = [];
    for (const p of parts) {
      if (!p) throw new StoreUnavailableError(`snapshot ${manifest.snapshotId} is incomplete`);
      data.push(ChunkEntity.fromItem(p).data);
    }
    return Buffer.concat(data);
  }
}
