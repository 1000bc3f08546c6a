/**
 * The write side of the reference backend (tests/helpers/minisearch-backend.ts): a
 * {@link SearchTarget} and its {@link SearchTargets}, so that the engine-free indexer
 * (lib/indexer.ts), its Lambda worker (lib/indexing.ts) and the job steps run over a second
 * backend exactly as over the packed engine (tests/store/search-target.test.ts).
 *
 * Written as a cluster backend's would be: a publication is a version of the index switched in
 * one conditional step (a cluster's alias swap, or a refresh that readers see), kept on a
 * {@link MiniSearchShelf} — the cluster's durable state, here the backend's JSON per version.
 * Publishing writes the whole index (JSON), which a cluster would not: its cost is the index,
 * not the batch; the contract does not state cost. Maintenance vacuums MiniSearch's removed
 * documents, as a cluster merges away deleted ones.
 */
import { ConflictError } from '../../lib/errors.ts';
import type { Interview } from '../../lib/model.ts';
import type {
  Compaction,
  PreparedIndexing,
  Publication,
  SearchTarget,
  SearchTargets,
} from '../../lib/search/backend.ts';
import { MiniSearchBackend } from './minisearch-backend.ts';

/** One published version. */
export interface MiniSearchPublication extends Publication {
  readonly createdAt: string;
}

/**
 * Where published versions live (a cluster's own storage): the current one switches only over
 * the version the writer expects, like the packed engine's manifest.
 */
export class MiniSearchShelf {
  private current: MiniSearchPublication | null = null;
  private readonly versions = new Map<string, string>();
  private seq = 0;
  /** Publications made (tests count them). */
  published = 0;

  async latest(): Promise<MiniSearchPublication | null> {
    return this.current;
  }

  async read(publication: MiniSearchPublication): Promise<string> {
    const json = this.versions.get(publication.snapshotId);
    if (json === undefined) throw new Error(`version ${publication.snapshotId} is gone`);
    return json;
  }

  /** Switches to a new version holding `json`; over `expectedPrevious` only, when given. */
  async put(json: string, expectedPrevious?: string | null): Promise<MiniSearchPublication> {
    const now = this.current?.snapshotId ?? null;
    if (expectedPrevious !== undefined && expectedPrevious !== now)
      throw new ConflictError(`index version moved: expected ${expectedPrevious}, found ${now}`);
    const publication = { snapshotId: `ms-${++this.seq}`, createdAt: new Date().toISOString() };
    this.versions.set(publication.snapshotId, json);
    // The previous version stays readable for readers mid-load; a cluster expires it later.
    this.current = publication;
    this.published++;
    return publication;
  }
}

/** Vacuum once removed documents are this share of what the term index holds. */
const DIRT_FACTOR = 0.1;

/** The indexer's hold on a MiniSearch backend. */
export class MiniSearchTarget implements SearchTarget<MiniSearchBackend, MiniSearchPublication> {
  readonly index: MiniSearchBackend;
  private readonly shelf: MiniSearchShelf;
  private current: MiniSearchPublication | null;

  constructor(
    shelf: MiniSearchShelf,
    index = new MiniSearchBackend(),
    published: MiniSearchPublication | null = null,
  ) {
    this.shelf = shelf;
    this.index = index;
    this.current = published;
  }

  get published(): MiniSearchPublication | null {
    return this.current;
  }

  /** It prepares nothing off-thread (a cluster analyses server-side): the interview is indexed as sent. */
  async upsertPrepared(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]>,
    _prepared: PreparedIndexing,
  ): Promise<void> {
    await this.index.upsertInterview(interview, tagsByQuote);
  }

  async publish(expectedPrevious?: string | null): Promise<MiniSearchPublication> {
    this.current = await this.shelf.put(this.index.toJSON(), expectedPrevious);
    return this.current;
  }

  empty(): MiniSearchTarget {
    return new MiniSearchTarget(this.shelf, new MiniSearchBackend(), this.current);
  }

  async compact(): Promise<Compaction<MiniSearchPublication> | null> {
    const { quotes } = this.index.stats;
    if (
      this.current === null ||
      this.index.dirt === 0 ||
      this.index.dirt < (quotes + this.index.dirt) * DIRT_FACTOR
    )
      return null;
    const { docs, live } = await this.index.vacuum();
    // Readers see the same quotes; publishing keeps the maintenance a conditional step like any.
    const published = await this.publish(this.current.snapshotId);
    return { from: 0, to: 1, docs, live, published };
  }
}

/** Targets over a shelf: what it holds now, opened by re-indexing its JSON. */
export function miniSearchTargets(
  shelf: MiniSearchShelf,
): SearchTargets<MiniSearchBackend, MiniSearchPublication> {
  return {
    latest: () => shelf.latest(),
    open: async (published) => {
      const t0 = performance.now();
      const at = published === undefined ? await shelf.latest() : published;
      if (!at) return { target: new MiniSearchTarget(shelf), bytes: 0, ms: performance.now() - t0 };
      const json = await shelf.read(at);
      const target = new MiniSearchTarget(shelf, MiniSearchBackend.fromJSON(json), at);
      return { target, bytes: Buffer.byteLength(json), ms: performance.now() - t0 };
    },
  };
}
