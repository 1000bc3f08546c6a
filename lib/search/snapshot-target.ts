/**
 * The packed engine's snapshots, write side: the {@link SearchTarget} the indexer writes through
 * when search is served from snapshots (lib/indexer.ts knows only the port). Everything the
 * packed form needs is kept here, beside the engine: which published parts the index's segments
 * are, sealing a batch's writes into one new segment, merging runs of parts, packing them.
 *
 * A published snapshot is a list of parts, oldest first: a base and small segments over it
 * (lib/search/engine/segment.ts). A publish seals what the batch wrote into one new segment and
 * switches the manifest to the parts it had plus that one, so it costs the batch, not the
 * index; {@link SnapshotTarget.compact} then merges a run of parts the size-tiered policy names
 * (one merge per call: bounded work per invocation), published the same way. A rebuild
 * ({@link SnapshotTarget.empty}), or an index whose parts the store does not list (a snapshot of
 * an earlier version), publishes one folded base.
 */
import { Indexer } from '../indexer.ts';
import type { Interview } from '../model.ts';
import type {
  InterviewStore,
  PartToPublish,
  SnapshotManifest,
  SnapshotPart,
  SnapshotStore,
  TagStore,
} from '../store/port.ts';
import type { ReadingAnalyzer } from '../text/readings.ts';
import type { Compaction, PreparedIndexing, SearchTarget, SearchTargets } from './backend.ts';
import { compressSegment } from './engine/index.ts';
import { type IndexTokens, type PrebuiltSegment, QuoteIndex, type QuoteIndexOptions } from './index.ts';
import { defaultIndexOptions, type OpenedIndex, openLatestIndex, packIndex } from './snapshots.ts';

type IndexOptions = Omit<QuoteIndexOptions, 'mode'>;

/**
 * What the local server's workers prepare for this engine beside an interview's text work: its
 * tokens, or its whole index part (a large interview: the event loop only attaches it).
 */
export class PackedPreparation implements PreparedIndexing {
  readonly backend = 'packed';
  constructor(
    readonly tokens: IndexTokens | null,
    readonly prebuilt: PrebuiltSegment | null,
  ) {}
}

/** The preparation to carry through the use cases, or undefined when the worker made none. */
export function packedPreparation(made: {
  tokens?: IndexTokens | null;
  prebuilt?: PrebuiltSegment | null;
}): PreparedIndexing | undefined {
  if (!made.tokens && !made.prebuilt) return undefined;
  return new PackedPreparation(made.tokens ?? null, made.prebuilt ?? null);
}

/** A {@link QuoteIndex} published as snapshot parts through the store's manifest switch. */
export class SnapshotTarget implements SearchTarget<QuoteIndex, SnapshotManifest> {
  readonly index: QuoteIndex;
  private readonly store: SnapshotStore;
  private readonly options: IndexOptions;
  private lastManifest: SnapshotManifest | null = null;
  /**
   * The published parts the index's segments are, in order (so a publish lists them and adds
   * its own); null when unknown (the next publish is a full one).
   */
  private parts: SnapshotPart[] | null;

  /** Over an existing index (e.g. loaded from the latest snapshot: see loadedFrom) or an empty one. */
  constructor(store: SnapshotStore, index?: QuoteIndex, options: IndexOptions = {}) {
    this.store = store;
    this.options = options;
    this.index = index ?? new QuoteIndex(options);
    this.parts = index ? null : [];
  }

  get published(): SnapshotManifest | null {
    return this.lastManifest;
  }

  /**
   * Records which published snapshot the index was loaded from (for /health, and so that
   * publishes add segments to its parts).
   */
  loadedFrom(manifest: SnapshotManifest | null): this {
    this.lastManifest = manifest;
    const parts = manifest ? (manifest.parts ?? []) : [];
    this.parts = parts.length === this.index.segmentCount && !this.index.pending ? [...parts] : null;
    return this;
  }

  upsertPrepared(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]>,
    prepared: PreparedIndexing,
  ): void {
    // Another backend's preparation means nothing here: the interview is tokenized again.
    const own = prepared instanceof PackedPreparation ? prepared : null;
    if (!own?.prebuilt || !this.index.attachInterview(interview, tagsByQuote, own.prebuilt))
      this.index.upsertInterview(interview, tagsByQuote, own?.tokens ?? undefined);
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
  async publish(expectedPrevious?: string | null): Promise<SnapshotManifest> {
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

  /** An empty index over the same snapshot: its parts unknown, so its first publish is whole. */
  empty(): SnapshotTarget {
    const fresh = new SnapshotTarget(this.store, new QuoteIndex(this.options), this.options);
    fresh.lastManifest = this.lastManifest;
    return fresh;
  }

  /**
   * One step of background merging: when the merge policy names a run of parts, merges it and
   * publishes the parts with the run replaced by the merged one, over the last manifest this
   * target published (a conflict throws and leaves the manifest as it was). Null when nothing
   * needs merging, or when writes are not published yet (publish first).
   */
  async compact(): Promise<Compaction<SnapshotManifest> | null> {
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
    const published = await this.switchTo(list, this.lastManifest?.snapshotId ?? null);
    return {
      from,
      to,
      docs: sizes.reduce((n, s) => n + s.docs, 0),
      live: sizes.reduce((n, s) => n + s.live, 0),
      published,
    };
  }
}

/**
 * The indexer's targets over the store's snapshots: the manifest says what is published, a
 * target opens its parts. `readings`: kana readings to index with every interview
 * (lib/text/readings.ts), as `npm start` does, awaited before an index is opened (the dictionary
 * loads in a second or two).
 */
export function snapshotTargets(
  store: SnapshotStore,
  options: { indexOptions?: IndexOptions; readings?: () => Promise<ReadingAnalyzer> } = {},
): SearchTargets<QuoteIndex, SnapshotManifest> {
  const base = options.indexOptions ?? defaultIndexOptions();
  const readings = options.readings;
  const indexOptions = async () => (readings ? { ...base, readings: await readings() } : base);
  return {
    latest: () => store.readManifest(),
    open: async (published) => {
      const opts = await indexOptions();
      const opened = await openLatestIndex(store, opts, published);
      const target = new SnapshotTarget(store, opened.index, opts).loadedFrom(opened.manifest);
      return { target, bytes: opened.bytes, ms: opened.ms };
    },
  };
}

/**
 * An indexer over the packed engine's snapshots (local runtime, tools, tests): over an index
 * opened from the latest snapshot (see openLatestIndex), or an empty one.
 */
export function snapshotIndexer(
  store: InterviewStore & TagStore & SnapshotStore,
  indexOptions: IndexOptions = {},
  opened?: Pick<OpenedIndex, 'index' | 'manifest'>,
): Indexer<QuoteIndex, SnapshotManifest> {
  const target = opened
    ? new SnapshotTarget(store, opened.index, indexOptions).loadedFrom(opened.manifest)
    : new SnapshotTarget(store, undefined, indexOptions);
  return new Indexer(store, target);
}
