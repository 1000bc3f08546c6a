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

  /**
   * Compares the index with the store: interviews missing from the index, indexed but deleted,
   * or indexed with other content or tags. With `repair`, re-applies those and publishes.
   */
  check(repair = false, expectedPrevious?: string | null): Promise<ConsistencyReport> {
    return this.serial(async () => {
      const report: ConsistencyReport = { checked: 0, missing: [], extra: [], stale: [], repaired: false };
      const inStore = new Set<string>();
      const aliases = await this.store.aliases();
      // In batches: a store of thousands of interviews is compared in a few hundred requests.
      const compare = async (ids: string[]) => {
        const stored = await this.store.getInterviews(ids);
        const manual = await this.store.manualQuoteTags(
          [...stored.values()].flatMap((s) => s.interview.turns.map((t) => t.id)),
        );
        for (const id of ids) {
          const s = stored.get(id);
          if (!s) continue;
          const meta = this.index.interview(id);
          if (!meta) {
            report.missing.push(id);
            continue;
          }
          if (indexFingerprint(s.interview, quoteTagsOf(s, manual, aliases)) !== meta.fingerprint)
            report.stale.push(id);
        }
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

/**
 * Serves the published snapshot to readers in other processes (the API Lambda): loads the
 * manifest's snapshot and re-checks the manifest at most every `refreshMs`.
 */
export class SnapshotIndexProvider implements IndexProvider {
  private index: QuoteIndex;
  private snapshotId: string | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<QuoteIndex> | null = null;
  private readonly store: SnapshotStore;
  private readonly refreshMs: number;
  private readonly options: Omit<QuoteIndexOptions, 'mode'>;
  private readonly now: () => number;
  /** Milliseconds the last snapshot load took (for cold-start logs). */
  lastLoadMs = 0;

  /** Reads snapshots from `store`. */
  constructor(
    store: SnapshotStore,
    options: { refreshMs?: number; indexOptions?: Omit<QuoteIndexOptions, 'mode'>; now?: () => number } = {},
  ) {
    this.store = store;
    this.refreshMs = options.refreshMs ?? 5000;
    this.options = options.indexOptions ?? {};
    this.now = options.now ?? (() => Date.now());
    this.index = new QuoteIndex(this.options);
  }

  async get(): Promise<QuoteIndex> {
    if (this.now() - this.checkedAt < this.refreshMs) return this.index;
    this.loading ??= this.refresh().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async refresh(): Promise<QuoteIndex> {
    const manifest = await this.store.readManifest();
    this.checkedAt = this.now();
    if (!manifest || manifest.snapshotId === this.snapshotId) return this.index;
    const t0 = performance.now();
    this.index = await unpackIndex(await this.store.readSnapshot(manifest), this.options);
    this.lastLoadMs = performance.now() - t0;
    this.snapshotId = manifest.snapshotId;
    return this.index;
  }

  describe() {
    return { snapshotId: this.snapshotId, ...this.index.stats };
  }
}
