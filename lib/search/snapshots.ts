/**
 * The packed engine's snapshots, read side: how a stored snapshot (a list of parts, oldest first:
 * a base and small segments over it, lib/search/engine/segment.ts) becomes a {@link QuoteIndex},
 * and the provider that serves the latest one to readers in other processes (the API Lambda),
 * refreshed off the request path. Engine-specific by nature, so it lives beside the engine: the
 * indexer and the jobs never see it (they write through lib/search/snapshot-target.ts, behind the
 * SearchTarget port), and the use cases read through IndexProvider.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { SnapshotManifest, SnapshotStore } from '../store/port.ts';
import { VariantDictionary } from '../taxonomy/index.ts';
import type { IndexProvider } from './backend.ts';
import { compressSegment } from './engine/index.ts';
import { type OpenedPart, QuoteIndex, type QuoteIndexOptions } from './index.ts';

const gunzipAsync = promisify(gunzip);

/**
 * Serialises an index to a snapshot as stored: one part, its sections compressed (see
 * lib/search/engine/snapshot.ts).
 */
export async function packIndex(index: QuoteIndex): Promise<Uint8Array> {
  return compressSegment(index.toSnapshot());
}

/**
 * Stored part bytes → packed bytes. Parts of the current layout compress their own sections
 * (and keep the postings compressed until used); parts written before it were gzipped whole.
 */
export async function decodePart(stored: Uint8Array): Promise<Uint8Array> {
  if (stored[0] !== 0x1f || stored[1] !== 0x8b) return stored;
  // gzip's trailer gives the size (mod 2^32): one output buffer instead of 16 KB chunks joined.
  const size =
    stored.length >= 18
      ? Buffer.from(stored.buffer, stored.byteOffset, stored.length).readUInt32LE(stored.length - 4)
      : 0;
  return new Uint8Array(
    await gunzipAsync(stored, { chunkSize: Math.min(Math.max(size, 64 * 1024), 1 << 30) }),
  );
}

/** Loads an index from a stored snapshot of one part (unknown versions throw). */
export async function unpackIndex(
  bytes: Uint8Array,
  options: Omit<QuoteIndexOptions, 'mode'> = {},
): Promise<QuoteIndex> {
  return QuoteIndex.fromSnapshot(await decodePart(bytes), options);
}

/** Options of every index this app builds or loads (the spelling-variant dictionary; no stored texts). */
export function defaultIndexOptions(): Omit<QuoteIndexOptions, 'mode'> {
  const dict = new VariantDictionary();
  return { variants: (f: string) => dict.variantsOf(f), retain: false };
}

/** An index opened from the latest published snapshot, or an empty one when none is published. */
export interface OpenedIndex {
  index: QuoteIndex;
  manifest: SnapshotManifest | null;
  /** Compressed bytes read from the store (0 when empty; parts found in the cache not counted). */
  bytes: number;
  /** Parts the snapshot is made of, and how many of them were read (the others were cached). */
  parts: number;
  partsRead: number;
  /** Time to read and unpack, in ms. */
  ms: number;
}

/**
 * Opened snapshot parts by key, kept between opens by one reader: parts never change once
 * published, so a refresh reads and opens only the parts that are new (typically one small
 * segment) and places the ones it has again, decoded (and their postings inflated) already.
 */
export type PartCache = Map<string, OpenedPart>;

/**
 * Opens the latest published snapshot or starts empty (Lambda and local start the same way):
 * its parts are read in parallel and placed in order. With `cache`, parts found there are not
 * read, and the cache ends up holding exactly this snapshot's parts.
 */
export async function openLatestIndex(
  store: SnapshotStore,
  options: Omit<QuoteIndexOptions, 'mode'> = defaultIndexOptions(),
  manifest?: SnapshotManifest | null,
  cache?: PartCache,
): Promise<OpenedIndex> {
  const t0 = performance.now();
  const m = manifest === undefined ? await store.readManifest() : manifest;
  if (!m)
    return {
      index: new QuoteIndex(options),
      manifest: null,
      bytes: 0,
      parts: 0,
      partsRead: 0,
      ms: performance.now() - t0,
    };
  const parts = m.parts ?? [];
  if (parts.length === 0) {
    // A snapshot an earlier version stored as one blob.
    const bytes = await store.readSnapshot(m);
    const index = await unpackIndex(bytes, options);
    return { index, manifest: m, bytes: bytes.length, parts: 1, partsRead: 1, ms: performance.now() - t0 };
  }
  let bytes = 0;
  let partsRead = 0;
  const opened = await Promise.all(
    parts.map(async (part) => {
      const hit = cache?.get(part.key);
      if (hit) return hit;
      const stored = await store.readPart(part);
      bytes += stored.length;
      partsRead++;
      return QuoteIndex.openPart(await decodePart(stored));
    }),
  );
  const index = QuoteIndex.fromOpened(opened, options);
  if (cache) {
    cache.clear();
    for (const [i, part] of parts.entries()) cache.set(part.key, opened[i] as OpenedPart);
  }
  return { index, manifest: m, bytes, parts: parts.length, partsRead, ms: performance.now() - t0 };
}

/** The part keys of a manifest, joined (equal for two manifests listing the same parts). */
function partList(m: SnapshotManifest): string | null {
  return m.parts && m.parts.length > 0 ? m.parts.map((p) => p.key).join('\n') : null;
}

/** What a {@link SnapshotIndexProvider} reports (logs and metrics are the caller's). */
export interface SnapshotObserver {
  /** A snapshot was loaded (at cold start or by a background refresh). */
  loaded?(info: {
    snapshotId: string;
    bytes: number;
    ms: number;
    quotes: number;
    coldStart: boolean;
    /** Parts the snapshot has, and how many were read (a refresh reuses the ones it has). */
    parts: number;
    partsRead: number;
  }): void;
  /**
   * A background refresh failed: reading the manifest or a new snapshot (`stage: 'refresh'`; the
   * old index keeps serving), or inflating a loaded snapshot's parts off the request path
   * (`stage: 'warm'`; requests inflate the blocks they read and meet the same error).
   * `stalenessMs` is how long ago the index was last confirmed current.
   */
  refreshFailed?(info: {
    error: unknown;
    snapshotId: string | null;
    stalenessMs: number;
    stage: 'refresh' | 'warm';
    /** How far behind the published manifest the served index is (see {@link SnapshotObserver.refreshed}). */
    lagMs?: number;
  }): void;
  /**
   * Every background refresh, when it ends, with how far the index served is behind the
   * published one (`lagMs`): 0 when the manifest names what is served; when it named a newer
   * snapshot, the time from that snapshot's publication (its `createdAt`) to when it was served
   * (`outcome: 'loaded'`), or to now when it could not be loaded (`'failed'`); when the manifest
   * itself could not be read, the time since the index was last confirmed current. A refresh that
   * succeeds but slowly, or a container that serves an old index, shows here; failures alone do not.
   */
  refreshed?(info: {
    snapshotId: string | null;
    lagMs: number;
    outcome: 'current' | 'loaded' | 'failed';
  }): void;
}

/**
 * Serves the published snapshot to readers in other processes (the API Lambda). The first
 * request of a container waits for the latest snapshot (or an empty index when none exists);
 * after that, requests are answered from the index already loaded, and a manifest older than
 * `refreshMs` starts a refresh in the background (with `refreshMs` 0, every request waits for
 * it). A failed refresh keeps the old index and is reported with its staleness instead of
 * failing requests.
 */
export class SnapshotIndexProvider implements IndexProvider {
  private index: QuoteIndex | null = null;
  private snapshotId: string | null = null;
  /** The parts of the loaded snapshot, joined (see partList). */
  private loadedParts: string | null = null;
  private readonly cache: PartCache = new Map();
  /** When the loaded index was last confirmed current (the manifest read said so). */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private opening: Promise<QuoteIndex> | null = null;
  private refreshing: Promise<void> | null = null;
  private readonly store: SnapshotStore;
  private readonly refreshMs: number;
  private readonly options: Omit<QuoteIndexOptions, 'mode'>;
  private readonly now: () => number;
  /** Wall-clock ms, compared with a manifest's `createdAt` (the lag); `now` may be any clock. */
  private readonly wallClock: () => number;
  private readonly observer: SnapshotObserver;
  /** Milliseconds the last snapshot load took. */
  lastLoadMs = 0;

  /** Reads snapshots from `store`. */
  constructor(
    store: SnapshotStore,
    options: {
      refreshMs?: number;
      indexOptions?: Omit<QuoteIndexOptions, 'mode'>;
      now?: () => number;
      /** Wall-clock ms for the lag behind a published snapshot (default Date.now). */
      wallClock?: () => number;
      observer?: SnapshotObserver;
    } = {},
  ) {
    this.store = store;
    this.refreshMs = options.refreshMs ?? 5000;
    this.options = options.indexOptions ?? defaultIndexOptions();
    this.now = options.now ?? (() => Date.now());
    this.wallClock = options.wallClock ?? (() => Date.now());
    this.observer = options.observer ?? {};
  }

  async get(): Promise<QuoteIndex> {
    if (!this.index) {
      // Cold start: nothing to serve yet, so this request waits (and a failure fails it).
      this.opening ??= this.open().finally(() => {
        this.opening = null;
      });
      return this.opening;
    }
    if (this.now() - this.attemptedAt >= this.refreshMs && !this.refreshing) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }
    // refreshMs 0 is the strict mode (tests, single-writer tools): every request waits for
    // the manifest read, and for a newer snapshot when there is one.
    if (this.refreshMs === 0) await this.refreshing;
    return this.index;
  }

  /** Resolves when no background refresh is running (tests, and a graceful shutdown). */
  async settled(): Promise<void> {
    await this.opening?.catch(() => undefined);
    await this.refreshing;
  }

  private async open(): Promise<QuoteIndex> {
    const started = this.now();
    this.attemptedAt = started;
    const opened = await openLatestIndex(this.store, this.options, undefined, this.cache);
    this.swap(opened, started, true);
    return opened.index;
  }

  private swap(opened: OpenedIndex, checkedAt: number, coldStart: boolean) {
    this.index = opened.index;
    this.confirmedAt = checkedAt;
    // The parts keep their postings compressed until read: inflate the rest off the request
    // path (a request before that inflates the blocks it reads). Nobody awaits this, so a
    // failure is reported here (logged and counted on Lambda), not swallowed.
    const snapshotId = opened.manifest?.snapshotId ?? this.snapshotId;
    opened.index.warm().catch((error: unknown) => {
      this.observer.refreshFailed?.({
        error,
        snapshotId,
        stalenessMs: this.now() - this.confirmedAt,
        stage: 'warm',
      });
    });
    if (opened.manifest && opened.manifest.snapshotId !== this.snapshotId) {
      this.snapshotId = opened.manifest.snapshotId;
      this.loadedParts = partList(opened.manifest);
      this.lastLoadMs = opened.ms;
      this.observer.loaded?.({
        snapshotId: opened.manifest.snapshotId,
        bytes: opened.bytes,
        ms: opened.ms,
        quotes: opened.index.stats.quotes,
        coldStart,
        parts: opened.parts,
        partsRead: opened.partsRead,
      });
    }
  }

  private async refresh(): Promise<void> {
    const started = this.now();
    this.attemptedAt = started;
    let manifest: SnapshotManifest | null = null;
    try {
      manifest = await this.store.readManifest();
      if (!manifest || manifest.snapshotId === this.snapshotId) {
        this.confirmedAt = started;
        this.observer.refreshed?.({ snapshotId: this.snapshotId, lagMs: 0, outcome: 'current' });
        return;
      }
      // Published again with the same parts (a publish that changed nothing): same index.
      const parts = partList(manifest);
      if (parts !== null && parts === this.loadedParts) {
        this.snapshotId = manifest.snapshotId;
        this.confirmedAt = started;
        this.observer.refreshed?.({ snapshotId: this.snapshotId, lagMs: 0, outcome: 'current' });
        return;
      }
      // A new index over the parts (the ones already read come from the cache): requests keep
      // the index they started with.
      this.swap(await openLatestIndex(this.store, this.options, manifest, this.cache), started, false);
      this.observer.refreshed?.({
        snapshotId: this.snapshotId,
        lagMs: this.lagBehind(manifest),
        outcome: 'loaded',
      });
    } catch (error) {
      const stalenessMs = this.now() - this.confirmedAt;
      // The manifest was read: the newer snapshot it names has waited since it was published.
      // Not read: at least as long as since the index was last confirmed current.
      const lagMs = manifest ? this.lagBehind(manifest) : stalenessMs;
      this.observer.refreshFailed?.({
        error,
        snapshotId: this.snapshotId,
        stalenessMs,
        stage: 'refresh',
        lagMs,
      });
      this.observer.refreshed?.({ snapshotId: this.snapshotId, lagMs, outcome: 'failed' });
    }
  }

  /**
   * Milliseconds from the publication of `manifest` (its `createdAt`, the indexer's clock) to now:
   * how long it has gone, or went, unserved here. Never negative (clocks differ a little), and 0
   * for a manifest without a readable time.
   */
  private lagBehind(manifest: SnapshotManifest): number {
    const published = Date.parse(manifest.createdAt);
    return Number.isFinite(published) ? Math.max(0, this.wallClock() - published) : 0;
  }

  describe() {
    return {
      snapshotId: this.snapshotId,
      ...(this.index?.stats ?? { quotes: 0, interviews: 0 }),
    };
  }
}
