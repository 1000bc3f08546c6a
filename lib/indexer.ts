/**
 * Keeps the search index in step with the store. The same code runs in-process after each write
 * (local) and in the indexing Lambda (AWS): apply interviews' current state, then publish.
 * Readers elsewhere load snapshots through {@link SnapshotIndexProvider}.
 *
 * A published snapshot is a list of parts, oldest first: a base and small segments over it
 * (lib/search/engine/segment.ts). A publish seals what the batch wrote into one new segment and
 * switches the manifest to the parts it had plus that one, so it costs the batch, not the
 * index; {@link Indexer.compact} then merges a run of parts the size-tiered policy names (one
 * merge per call: bounded work per invocation), published the same way. A rebuild, or an index
 * whose parts the store does not list (a snapshot of an earlier version), publishes one folded base.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Interview } from './model.ts';
import type { IndexProvider } from './search/backend.ts';
import { compressSegment } from './search/engine/index.ts';
import {
  type IndexTokens,
  indexFingerprint,
  type OpenedPart,
  type PrebuiltSegment,
  QuoteIndex,
  type QuoteIndexOptions,
} from './search/index.ts';
import type {
  InterviewStore,
  PartToPublish,
  SnapshotManifest,
  SnapshotPart,
  SnapshotStore,
  StoredInterview,
  TagStore,
} from './store/port.ts';
import { quoteTagsOf } from './tags.ts';
import { VariantDictionary } from './taxonomy/index.ts';

const gunzipAsync = promisify(gunzip);

/** Interviews compared with the index per batch of store reads. */
const CHECK_BATCH = 100;

/** Differences between the index and the store. */
export interface ConsistencyReport {
  checked: number;
  /** In the store, not in the index. */
  missing: string[];
  /** In the index, deleted from the store. */
  extra: string[];
  /** In both, but indexed with other content or tags. */
  stale: string[];
  repaired: boolean;
}

/** Interviews of a page compared with the index. */
export interface Comparison {
  /** In the store, not in the index. */
  missing: string[];
  /** In both, indexed with other content or tags. */
  stale: string[];
  /** Not in the store. */
  absent: string[];
  /**
   * Stored before interviews kept the writer's paragraphs (`narration`): the store keeps no source
   * text to parse again, so only ingesting the source again gives them narration.
   */
  reingest: string[];
}

/** Gives the API the index to search (the port lives with the others, in lib/search/backend.ts). */
export type { IndexProvider };

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

/** What one merge step did (see {@link Indexer.compact}). */
export interface CompactionStep {
  /** The parts [from, to) merged into one. */
  from: number;
  to: number;
  /** Docs (dead included) the merged parts held, and live docs written. */
  docs: number;
  live: number;
  manifest: SnapshotManifest;
}

/** Loads an index from a stored snapshot of one part (unknown versions throw). */
export async function unpackIndex(
  bytes: Uint8Array,
  options: Omit<QuoteIndexOptions, 'mode'> = {},
): Promise<QuoteIndex> {
  return QuoteIndex.fromSnapshot(await decodePart(bytes), options);
}

/** Applies store changes to an index and publishes snapshots. */
export class Indexer {
  index: QuoteIndex;
  private readonly store: InterviewStore & TagStore & SnapshotStore;
  private readonly indexOptions: Omit<QuoteIndexOptions, 'mode'>;
  private lastManifest: SnapshotManifest | null = null;
  /**
   * The published parts the index's segments are, in order (so a publish lists them and adds
   * its own); null when unknown (the next publish is a full one).
   */
  private parts: SnapshotPart[] | null;
  /** Store version of each interview as indexed here (when known), so older news is ignored. */
  private versions = new Map<string, number>();
  // Serialises index mutations: MiniSearch is not re-entrant across awaits.
  private chain: Promise<unknown> = Promise.resolve();

  /** Starts from an existing index (e.g. loaded from the latest snapshot) or an empty one. */
  constructor(
    store: InterviewStore & TagStore & SnapshotStore,
    index?: QuoteIndex,
    indexOptions: Omit<QuoteIndexOptions, 'mode'> = {},
  ) {
    this.store = store;
    this.indexOptions = indexOptions;
    this.index = index ?? new QuoteIndex(indexOptions);
    this.parts = index ? null : [];
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Effective tags of every quote of a stored interview. */
  private async tagsOf(
    stored: StoredInterview,
    aliases: ReadonlyMap<string, string>,
  ): Promise<Map<string, string[]>> {
    const manual = await this.store.manualQuoteTags(stored.interview.turns.map((t) => t.id));
    return quoteTagsOf(stored, manual, aliases);
  }

  private async applyUnlocked(interviewId: string): Promise<'upserted' | 'removed' | 'absent'> {
    const stored = await this.store.getInterview(interviewId);
    if (!stored) {
      this.versions.delete(interviewId);
      return this.index.removeInterview(interviewId) ? 'removed' : 'absent';
    }
    const tags = await this.tagsOf(stored, await this.store.aliases());
    this.index.upsertInterview(stored.interview, tags);
    this.versions.set(interviewId, stored.version);
    return 'upserted';
  }

  /**
   * Records which published snapshot the starting index was loaded from (for /health, and so
   * that publishes add segments to its parts).
   */
  loadedFrom(manifest: SnapshotManifest | null): this {
    this.lastManifest = manifest;
    const parts = manifest ? (manifest.parts ?? []) : [];
    this.parts = parts.length === this.index.segmentCount && !this.index.pending ? [...parts] : null;
    return this;
  }

  /** Reads several interviews with their effective tags (batched: a job's page costs a few requests). */
  private async readMany(
    ids: readonly string[],
  ): Promise<Map<string, { stored: StoredInterview; tags: Map<string, string[]> }>> {
    const stored = await this.store.getInterviews(ids);
    const [manual, aliases] = await Promise.all([
      this.store.manualQuoteTags([...stored.values()].flatMap((s) => s.interview.turns.map((t) => t.id))),
      this.store.aliases(),
    ]);
    const out = new Map<string, { stored: StoredInterview; tags: Map<string, string[]> }>();
    for (const [id, s] of stored) out.set(id, { stored: s, tags: quoteTagsOf(s, manual, aliases) });
    return out;
  }

  private async compareUnlocked(ids: readonly string[]): Promise<Comparison> {
    const found = await this.readMany(ids);
    const out: Comparison = { missing: [], stale: [], absent: [], reingest: [] };
    for (const id of ids) {
      const s = found.get(id);
      const meta = this.index.interview(id);
      // A record written before the field existed lacks it (every parse since writes one, [] too).
      if (s && !('narration' in s.stored.interview)) out.reingest.push(id);
      if (!s) out.absent.push(id);
      else if (!meta) out.missing.push(id);
      else if (indexFingerprint(s.stored.interview, s.tags) !== meta.fingerprint) out.stale.push(id);
    }
    return out;
  }

  /**
   * Which of these interviews the index misses, holds with other content or tags, or are not in
   * the store (whether or not the index has them).
   */
  compare(ids: readonly string[]): Promise<Comparison> {
    return this.serial(() => this.compareUnlocked(ids));
  }

  /**
   * Brings several interviews to their stored state with batched reads (idempotent, like
   * {@link Indexer.apply}): those the store has are upserted, the others removed.
   */
  applyMany(ids: readonly string[]): Promise<{ upserted: number; removed: number }> {
    return this.serial(async () => {
      const found = await this.readMany(ids);
      let upserted = 0;
      let removed = 0;
      for (const id of new Set(ids)) {
        const s = found.get(id);
        if (s) {
          this.index.upsertInterview(s.stored.interview, s.tags);
          this.versions.set(id, s.stored.version);
          upserted++;
        } else {
          this.versions.delete(id);
          if (this.index.removeInterview(id)) removed++;
        }
      }
      return { upserted, removed };
    });
  }

  /** Interviews in the index (a copy). */
  interviewIds(): string[] {
    return [...this.index.interviewIds()];
  }

  /**
   * Compares the index with the store: interviews missing from the index, indexed but deleted,
   * or indexed with other content or tags. With `repair`, re-applies those and publishes. Reads
   * every interview in one call: the API runs it as a paged job (lib/jobs) instead.
   */
  check(repair = false, expectedPrevious?: string | null): Promise<ConsistencyReport> {
    return this.serial(async () => {
      const report: ConsistencyReport = { checked: 0, missing: [], extra: [], stale: [], repaired: false };
      const inStore = new Set<string>();
      const compare = async (ids: string[]) => {
        const c = await this.compareUnlocked(ids);
        report.missing.push(...c.missing);
        report.stale.push(...c.stale);
      };
      let batch: string[] = [];
      for await (const id of this.store.interviewIds()) {
        inStore.add(id);
        report.checked++;
        batch.push(id);
        if (batch.length === CHECK_BATCH) {
          await compare(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await compare(batch);
      for (const id of this.index.interviewIds()) if (!inStore.has(id)) report.extra.push(id);
      if (repair && report.missing.length + report.extra.length + report.stale.length > 0) {
        for (const id of [...report.missing, ...report.extra, ...report.stale]) await this.applyUnlocked(id);
        await this.publishUnlocked(expectedPrevious);
        report.repaired = true;
      }
      return report;
    });
  }

  /**
   * Indexes what a writer in this process just committed, without reading it back: the same
   * content and effective tags {@link Indexer.apply} would read. A version older than the one
   * already indexed is ignored (calls arrive in commit order; this guards the exception).
   * `tokens`: the interview already tokenized by the worker that parsed it; `prebuilt`: its whole
   * index part built there (a large interview: the event loop only attaches it).
   */
  applyCommitted(
    interview: Interview,
    quoteTags: Readonly<Record<string, readonly string[]>>,
    version: number,
    tokens?: IndexTokens,
    prebuilt?: PrebuiltSegment,
  ): Promise<'upserted' | 'skipped'> {
    return this.serial(async () => {
      if ((this.versions.get(interview.id) ?? 0) > version) return 'skipped';
      const tags = new Map(Object.entries(quoteTags));
      if (!prebuilt || !this.index.attachInterview(interview, tags, prebuilt))
        this.index.upsertInterview(interview, tags, tokens);
      this.versions.set(interview.id, version);
      return 'upserted';
    });
  }

  /** Brings one interview in the index to its current stored state (idempotent). */
  apply(interviewId: string): Promise<'upserted' | 'removed' | 'absent'> {
    return this.serial(() => this.applyUnlocked(interviewId));
  }

  /** Switches the manifest to `parts`; the index's segments must be those parts, in order. */
  private async switchTo(parts: readonly PartToPublish[], expectedPrevious?: string | null) {
    // Until the switch succeeds the index's segments are not what any manifest lists.
    this.parts = null;
    const manifest = await this.store.publishParts(parts, this.index.stats, expectedPrevious);
    this.lastManifest = manifest;
    // Parts attached meanwhile (the store call awaits) are handed out by the next publish.
    this.parts =
      manifest.parts && manifest.parts.length === this.index.segmentCount - this.index.unsealedParts
        ? [...manifest.parts]
        : null;
    return manifest;
  }

  /**
   * Publishes: the writes since the last publish sealed into one new segment over the parts
   * published before (cost: the batch), or, when those parts are unknown, the whole index.
   */
  private async publishUnlocked(expectedPrevious?: string | null): Promise<SnapshotManifest> {
    const parts = this.parts;
    if (parts === null || parts.length !== this.index.segmentCount - this.index.unsealedParts)
      return this.publishFull(expectedPrevious);
    // Parts large interviews attached since, then the batch's writes sealed.
    const sealed = this.index.sealSegments();
    if (sealed.length === 0 && parts.length === 0) return this.publishFull(expectedPrevious);
    const list: PartToPublish[] = [...parts];
    for (const part of sealed)
      list.push({ body: await compressSegment(part), kind: list.length === 0 ? 'base' : 'segment' });
    return this.switchTo(list, expectedPrevious);
  }

  /** Publishes the whole index folded into one base part. */
  private async publishFull(expectedPrevious?: string | null): Promise<SnapshotManifest> {
    const body = await packIndex(this.index);
    return this.switchTo([{ body, kind: 'base' }], expectedPrevious);
  }

  /**
   * Publishes the current index (only over `expectedPrevious` when given): a new segment with
   * what changed since the last publish.
   */
  publish(expectedPrevious?: string | null): Promise<SnapshotManifest> {
    return this.serial(() => this.publishUnlocked(expectedPrevious));
  }

  /**
   * One step of background merging: when the merge policy names a run of parts, merges it and
   * publishes the parts with the run replaced by the merged one, over the last manifest this
   * indexer published (a conflict throws and leaves the manifest as it was). Null when nothing
   * needs merging, or when writes are not published yet (publish first).
   */
  compact(): Promise<CompactionStep | null> {
    return this.serial(async () => {
      const parts = this.parts;
      if (parts === null || this.index.pending) return null;
      const plan = this.index.planMerge();
      if (!plan) return null;
      const [from, to] = plan;
      const sizes = this.index.segmentSizes().slice(from, to);
      const merged = this.index.mergeSegments(from, to);
      const list: PartToPublish[] = [
        ...parts.slice(0, from),
        { body: await compressSegment(merged), kind: from === 0 ? 'base' : 'segment' },
        ...parts.slice(to),
      ];
      const manifest = await this.switchTo(list, this.snapshotId);
      return {
        from,
        to,
        docs: sizes.reduce((n, s) => n + s.docs, 0),
        live: sizes.reduce((n, s) => n + s.live, 0),
        manifest,
      };
    });
  }

  /** Id of the snapshot this index was loaded from or last published. */
  get snapshotId(): string | null {
    return this.lastManifest?.snapshotId ?? null;
  }

  /** Rebuilds the whole index from the store and publishes it. */
  rebuild(onProgress?: (done: number) => void, expectedPrevious?: string | null): Promise<SnapshotManifest> {
    return this.serial(async () => {
      const fresh = new Indexer(this.store, new QuoteIndex(this.indexOptions), this.indexOptions);
      let n = 0;
      for await (const id of this.store.interviewIds()) {
        await fresh.applyUnlocked(id);
        onProgress?.(++n);
      }
      this.index = fresh.index;
      this.versions = fresh.versions;
      return this.publishFull(expectedPrevious);
    });
  }

  /** The live index (for in-process readers). */
  provider(): IndexProvider {
    return {
      get: async () => this.index,
      describe: () => ({ snapshotId: this.lastManifest?.snapshotId ?? null, ...this.index.stats }),
    };
  }
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
