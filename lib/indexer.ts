/**
 * Keeps the search index in step with the store. The same code runs in-process after each write
 * (local) and in the indexing Lambda (AWS): apply interviews' current state, then publish.
 *
 * Engine-free: it writes through the {@link SearchTarget} port (lib/search/backend.ts), so a
 * second backend (a cluster such as Amazon OpenSearch, docs/scaling.md) indexes with this code as
 * it is. How writes become visible elsewhere is the target's: the packed engine publishes
 * snapshot parts (lib/search/snapshot-target.ts, readers load them through
 * lib/search/snapshots.ts), a cluster refreshes. biome.json keeps the engine's modules out of here.
 */
import type { Interview } from './model.ts';
import type {
  Compaction,
  IndexProvider,
  PreparedIndexing,
  Publication,
  SearchBackend,
  SearchTarget,
} from './search/backend.ts';
import { indexFingerprint } from './search/fingerprint.ts';
import type { InterviewStore, StoredInterview, TagStore } from './store/port.ts';
import { quoteTagsOf } from './tags.ts';

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

/**
 * Applies store changes to a search backend and publishes them. `B` and `P` are the backend's
 * own types (the packed engine's QuoteIndex and SnapshotManifest) for callers that hold it; the
 * code here uses only their ports.
 */
export class Indexer<B extends SearchBackend = SearchBackend, P extends Publication = Publication> {
  private target: SearchTarget<B, P>;
  private readonly store: InterviewStore & TagStore;
  /** Store version of each interview as indexed here (when known), so older news is ignored. */
  private versions = new Map<string, number>();
  // Serialises index mutations: an index is not re-entrant across awaits (nor is a target's publish).
  private chain: Promise<unknown> = Promise.resolve();

  /** Writes through `target` (opened at the latest publication, or empty). */
  constructor(store: InterviewStore & TagStore, target: SearchTarget<B, P>) {
    this.store = store;
    this.target = target;
  }

  /** The live index (a rebuild replaces it). */
  get index(): B {
    return this.target.index;
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

  /** Brings one interview of `index` to its stored state, recording its version in `versions`. */
  private async applyTo(
    index: SearchBackend,
    versions: Map<string, number>,
    interviewId: string,
  ): Promise<'upserted' | 'removed' | 'absent'> {
    const stored = await this.store.getInterview(interviewId);
    if (!stored) {
      versions.delete(interviewId);
      return (await index.removeInterview(interviewId)) ? 'removed' : 'absent';
    }
    const tags = await this.tagsOf(stored, await this.store.aliases());
    await index.upsertInterview(stored.interview, tags);
    versions.set(interviewId, stored.version);
    return 'upserted';
  }

  private applyUnlocked(interviewId: string): Promise<'upserted' | 'removed' | 'absent'> {
    return this.applyTo(this.index, this.versions, interviewId);
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
      const meta = await this.index.interview(id);
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
          await this.index.upsertInterview(s.stored.interview, s.tags);
          this.versions.set(id, s.stored.version);
          upserted++;
        } else {
          this.versions.delete(id);
          if (await this.index.removeInterview(id)) removed++;
        }
      }
      return { upserted, removed };
    });
  }

  /** Interviews in the index (a copy). */
  async interviewIds(): Promise<string[]> {
    return [...(await this.index.interviewIds())];
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
      for (const id of await this.index.interviewIds()) if (!inStore.has(id)) report.extra.push(id);
      if (repair && report.missing.length + report.extra.length + report.stale.length > 0) {
        for (const id of [...report.missing, ...report.extra, ...report.stale]) await this.applyUnlocked(id);
        await this.target.publish(expectedPrevious);
        report.repaired = true;
      }
      return report;
    });
  }

  /**
   * Indexes what a writer in this process just committed, without reading it back: the same
   * content and effective tags {@link Indexer.apply} would read. A version older than the one
   * already indexed is ignored (calls arrive in commit order; this guards the exception).
   * `prepared`: index work the parse step did for the target's backend (see PreparedIndexing).
   */
  applyCommitted(
    interview: Interview,
    quoteTags: Readonly<Record<string, readonly string[]>>,
    version: number,
    prepared?: PreparedIndexing,
  ): Promise<'upserted' | 'skipped'> {
    return this.serial(async () => {
      if ((this.versions.get(interview.id) ?? 0) > version) return 'skipped';
      const tags = new Map(Object.entries(quoteTags));
      if (prepared) await this.target.upsertPrepared(interview, tags, prepared);
      else await this.index.upsertInterview(interview, tags);
      this.versions.set(interview.id, version);
      return 'upserted';
    });
  }

  /** Brings one interview in the index to its current stored state (idempotent). */
  apply(interviewId: string): Promise<'upserted' | 'removed' | 'absent'> {
    return this.serial(() => this.applyUnlocked(interviewId));
  }

  /**
   * Publishes the current index (only over `expectedPrevious` when given): for the packed engine,
   * a new segment with what changed since the last publish.
   */
  publish(expectedPrevious?: string | null): Promise<P> {
    return this.serial(() => this.target.publish(expectedPrevious));
  }

  /**
   * One step of background maintenance (the packed engine merges a run of small parts),
   * published over the last publication (a conflict throws and leaves it as it was). Null when
   * nothing needs it, or when writes are not published yet (publish first).
   */
  compact(): Promise<Compaction<P> | null> {
    return this.serial(() => this.target.compact());
  }

  /** Id of the publication this index was opened from or last published. */
  get snapshotId(): string | null {
    return this.target.published?.snapshotId ?? null;
  }

  /**
   * Rebuilds the whole index from the store into an empty one, which replaces the live index
   * (in-process readers keep the old one meanwhile) and is published whole.
   */
  rebuild(onProgress?: (done: number) => void, expectedPrevious?: string | null): Promise<P> {
    return this.serial(async () => {
      const fresh = this.target.empty();
      const versions = new Map<string, number>();
      let n = 0;
      for await (const id of this.store.interviewIds()) {
        await this.applyTo(fresh.index, versions, id);
        onProgress?.(++n);
      }
      this.target = fresh;
      this.versions = versions;
      return fresh.publish(expectedPrevious);
    });
  }

  /** The live index (for in-process readers). */
  provider(): IndexProvider {
    return {
      get: async () => this.index,
      describe: () => ({ snapshotId: this.snapshotId, ...this.index.stats }),
    };
  }
}
