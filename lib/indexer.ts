/**
 * Keeps the search index in step with the store. The same code runs in-process after each write
 * (local) and in the DynamoDB Streams Lambda (AWS): apply one interview's current state, then
 * publish a snapshot. Readers elsewhere load snapshots through {@link SnapshotIndexProvider}.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Interview } from './model.ts';
import { indexFingerprint, QuoteIndex, type QuoteIndexOptions } from './search/index.ts';
import type {
  InterviewStore,
  SnapshotManifest,
  SnapshotStore,
  StoredInterview,
  TagStore,
} from './store/port.ts';
import { quoteTagsOf } from './tags.ts';
import { VariantDictionary } from './taxonomy/index.ts';

const gzipAsync = promisify(gzip);
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
}

/** Gives the API the index to search. */
export interface IndexProvider {
  get(): Promise<QuoteIndex>;
  /** Version of what is loaded, for /health. */
  describe(): { snapshotId: string | null; quotes: number; interviews: number };
}

/** Serialises an index to a gzipped snapshot. */
export async function packIndex(index: QuoteIndex): Promise<Uint8Array> {
  return gzipAsync(index.toSnapshot());
}

/** Loads an index from a gzipped snapshot (unknown versions throw). */
export async function unpackIndex(
  bytes: Uint8Array,
  options: Omit<QuoteIndexOptions, 'mode'> = {},
): Promise<QuoteIndex> {
  return QuoteIndex.fromSnapshot(new Uint8Array(await gunzipAsync(bytes)), options);
}

/** Applies store changes to an index and publishes snapshots. */
export class Indexer {
  index: QuoteIndex;
  private readonly store: InterviewStore & TagStore & SnapshotStore;
  private readonly indexOptions: Omit<QuoteIndexOptions, 'mode'>;
  private lastManifest: SnapshotManifest | null = null;
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

  /** Records which published snapshot the starting index was loaded from (for /health). */
  loadedFrom(manifest: SnapshotManifest | null): this {
    this.lastManifest = manifest;
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
    const out: Comparison = { missing: [], stale: [], absent: [] };
    for (const id of ids) {
      const s = found.get(id);
      const meta = this.index.interview(id);
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
   */
  applyCommitted(
    interview: Interview,
    quoteTags: Readonly<Record<string, readonly string[]>>,
    version: number,
  ): Promise<'upserted' | 'skipped'> {
    return this.serial(async () => {
      if ((this.versions.get(interview.id) ?? 0) > version) return 'skipped';
      this.index.upsertInterview(interview, new Map(Object.entries(quoteTags)));
      this.versions.set(interview.id, version);
      return 'upserted';
    });
  }

  /** Brings one interview in the index to its current stored state (idempotent). */
  apply(interviewId: string): Promise<'upserted' | 'removed' | 'absent'> {
    return this.serial(() => this.applyUnlocked(interviewId));
  }

  private async publishUnlocked(expectedPrevious?: string | null): Promise<SnapshotManifest> {
    const bytes = await packIndex(this.index);
    this.lastManifest = await this.store.publishSnapshot(bytes, this.index.stats, expectedPrevious);
    return this.lastManifest;
  }

  /** Publishes the current index as the new snapshot (only over `expectedPrevious` when given). */
  publish(expectedPrevious?: string | null): Promise<SnapshotManifest> {
    return this.serial(() => this.publishUnlocked(expectedPrevious));
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
      return this.publishUnlocked(expectedPrevious);
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
  /** Compressed bytes loaded (0 when empty). */
  bytes: number;
  /** Time to read and unpack, in ms. */
  ms: number;
}

/** Opens the latest published snapshot or starts empty (Lambda and local start the same way). */
export async function openLatestIndex(
  store: SnapshotStore,
  options: Omit<QuoteIndexOptions, 'mode'> = defaultIndexOptions(),
  manifest?: SnapshotManifest | null,
): Promise<OpenedIndex> {
  const t0 = performance.now();
  const m = manifest === undefined ? await store.readManifest() : manifest;
  if (!m) return { index: new QuoteIndex(options), manifest: null, bytes: 0, ms: performance.now() - t0 };
  const bytes = await store.readSnapshot(m);
  const index = await unpackIndex(bytes, options);
  return { index, manifest: m, bytes: bytes.length, ms: performance.now() - t0 };
}

/** What a {@link SnapshotIndexProvider} reports (logs and metrics are the caller's). */
export interface SnapshotObserver {
  /** A snapshot was loaded (at cold start or by a background refresh). */
  loaded?(info: { snapshotId: string; bytes: number; ms: number; quotes: number; coldStart: boolean }): void;
  /**
   * A background refresh failed: the old index keeps serving. `stalenessMs` is how long ago
   * the index was last confirmed current.
   */
  refreshFailed?(info: { error: unknown; snapshotId: string | null; stalenessMs: number }): void;
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
  /** When the loaded index was last confirmed current (the manifest read said so). */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private opening: Promise<QuoteIndex> | null = null;
  private refreshing: Promise<void> | null = null;
  private readonly store: SnapshotStore;
  private readonly refreshMs: number;
  private readonly options: Omit<QuoteIndexOptions, 'mode'>;
  private readonly now: () => number;
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
      observer?: SnapshotObserver;
    } = {},
  ) {
    this.store = store;
    this.refreshMs = options.refreshMs ?? 5000;
    this.options = options.indexOptions ?? defaultIndexOptions();
    this.now = options.now ?? (() => Date.now());
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
    const opened = await openLatestIndex(this.store, this.options);
    this.swap(opened, started, true);
    return opened.index;
  }

  private swap(opened: OpenedIndex, checkedAt: number, coldStart: boolean) {
    this.index = opened.index;
    this.confirmedAt = checkedAt;
    if (opened.manifest && opened.manifest.snapshotId !== this.snapshotId) {
      this.snapshotId = opened.manifest.snapshotId;
      this.lastLoadMs = opened.ms;
      this.observer.loaded?.({
        snapshotId: opened.manifest.snapshotId,
        bytes: opened.bytes,
        ms: opened.ms,
        quotes: opened.index.stats.quotes,
        coldStart,
      });
    }
  }

  private async refresh(): Promise<void> {
    const started = this.now();
    this.attemptedAt = started;
    try {
      const manifest = await this.store.readManifest();
      if (!manifest || manifest.snapshotId === this.snapshotId) {
        this.confirmedAt = started;
        return;
      }
      this.swap(await openLatestIndex(this.store, this.options, manifest), started, false);
    } catch (error) {
      this.observer.refreshFailed?.({
        error,
        snapshotId: this.snapshotId,
        stalenessMs: this.now() - this.confirmedAt,
      });
    }
  }

  describe() {
    return {
      snapshotId: this.snapshotId,
      ...(this.index?.stats ?? { quotes: 0, interviews: 0 }),
    };
  }
}
