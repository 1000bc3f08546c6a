/**
 * The search ports: everything the use cases (lib/service.ts, lib/api/, lib/console/,
 * lib/export.ts, lib/tagging/) and the single indexer (lib/indexer.ts, lib/indexing.ts, lib/jobs)
 * ask of a search engine, so that the packed engine of this package ({@link QuoteIndex}) can be
 * replaced by another one — a managed cluster such as Amazon OpenSearch with a Japanese analyzer
 * (docs/scaling.md) — for reading and for writing without touching them. Those modules import
 * only this file (biome.json's noRestrictedImports keeps them off QuoteIndex, the engine and its
 * snapshot code); the concrete engine is named only where it is built or loaded: the composition
 * roots (lib/lambda.ts, lib/indexer-lambda.ts, local/runtime.ts) and the packed engine's own
 * snapshot modules (lib/search/snapshots.ts for readers, lib/search/snapshot-target.ts for the
 * indexer).
 *
 * Two read ports, because they are two concerns a deployment may serve from different places:
 * - {@link QuoteSearch}: quotes found by words and filters, facets, completions, per-tag counts;
 * - {@link PeopleDirectory}: who speaks where, found by name or reading (GET /interviewees?q=,
 *   the people facet's names, the duplicate-name review, people counted per tag for GET /tags).
 *
 * Every read may answer now or later ({@link Awaitable}): the packed engine answers in memory, a
 * cluster over the network; callers always `await`. A search is planned by the backend and
 * rendered from interviews the caller fetched from the store ({@link SearchPlan}): backends need
 * not keep quote texts, and what a hit shows is always the store's current text.
 *
 * Writes go through {@link SearchWriter}; how they become visible to readers elsewhere and stay
 * durable is the write side's {@link SearchTarget} (the packed engine publishes snapshot parts, a
 * cluster refreshes), which the single indexer opens through {@link SearchTargets}.
 *
 * What every backend must do is stated as tests in tests/helpers/search-backend-contract.ts (reads
 * and writes) and tests/helpers/search-target-contract.ts (the indexer over a target); ranking
 * (scores, which of two matching quotes comes first) is the backend's own and is tested on
 * QuoteIndex alone (tests/unit/search-backend.test.ts and the search-*.test.ts files).
 */
import type { Interview, Role } from '../model.ts';
import type { DuplicateGroup } from '../people/duplicates.ts';
import type { Suggestion } from './index.ts';
import type { SearchParams } from './params.ts';
import type { PersonMatch } from './people.ts';
import type { DocumentLookup, InterviewMeta, SearchPage, SearchPlan } from './types.ts';

/** A value now (the in-memory engine) or later (a remote engine). */
export type Awaitable<T> = T | Promise<T>;

/** Quote search: what GET /search, /suggest, the console, the export and bulk edits ask. */
export interface QuoteSearch {
  /**
   * Evaluates a search (query syntax, filters, facets, paging: lib/search/params.ts) and names the
   * interviews its page shows; `render` joins the page with them (see {@link SearchPlan}). Bad
   * parameters (an unknown cursor, swapped dates, a name that fits several people) throw
   * ValidationError (400).
   */
  plan(params: SearchParams): Awaitable<SearchPlan>;
  /** `plan(params).render(documents)`: for callers that hold the interviews (CLI, tests). */
  search(params: SearchParams, documents?: DocumentLookup): Awaitable<SearchPage>;
  /** A cursor that starts this search's results at `offset` (the console's numbered pages). */
  cursorAt(params: SearchParams, offset: number): Awaitable<string | undefined>;
  /** Words as written in the quotes that complete the last word of `q`, with their quote counts. */
  suggest(q: string, limit?: number): Awaitable<Suggestion[]>;
  /** Quotes per tag over everything indexed (facets without a query; GET /tags). */
  tagCounts(): Awaitable<Record<string, number>>;
  /** What is indexed of an interview; its fingerprint is compared with the store's (consistency). */
  interview(interviewId: string): Awaitable<InterviewMeta | undefined>;
  /** Every indexed interview (the consistency job's "extra" side). */
  interviewIds(): Awaitable<string[]>;
  /** What is indexed (GET /health); a remote backend may answer its last known counts. */
  readonly stats: { quotes: number; interviews: number };
}

/** People: who speaks in the indexed interviews, found by id, name or reading. */
export interface PeopleDirectory {
  /**
   * People whose name, alias or reading matches `q` (the name itself, then an alias or reading,
   * then names starting with or containing it), best first; `role` keeps one role.
   */
  findPeople(q: string, options?: { role?: Role; limit?: number }): Awaitable<PersonMatch[]>;
  /** Every interviewee of the indexed interviews, by id, sorted. */
  intervieweeIds(): Awaitable<string[]>;
  /**
   * The interviews each person speaks in (any role; ids sorted); null when the backend does not
   * know everyone (the store is asked instead).
   */
  interviewsOfPeople(personIds: readonly string[]): Awaitable<Map<string, string[]> | null>;
  /** Names of interviewees by id (labels for ids a reader typed); ids not found are left out. */
  personNames(personIds: Iterable<string>): Awaitable<Map<string, string>>;
  /** People of one full name in different interviews, for editors to review. */
  duplicatePeople(): Awaitable<DuplicateGroup[]>;
  /**
   * For each tag, the interviewees whose own quotes carry it (no people's own corrections): a
   * fresh map, which the caller may change.
   */
  peopleByTag(): Awaitable<Map<string, Set<string>>>;
  /** Everyone in the indexed interviews (any role), or null when the backend does not know them all. */
  peopleIds(): Awaitable<string[] | null>;
}

/** What readers are given (IndexProvider.get): both read ports. */
export type SearchIndex = QuoteSearch & PeopleDirectory;

/**
 * Writes: one interview, or one quote's tags, at a time. A write is visible to the next search
 * in this process once it resolves (a backend that indexes asynchronously refreshes before
 * resolving, or its contract factory's `settle` waits). Visibility to readers elsewhere is the
 * {@link SearchTarget}'s publish: the packed engine's snapshots, a cluster's refresh.
 */
export interface SearchWriter {
  /** Adds or replaces an interview's quotes with their effective tags. */
  upsertInterview(
    interview: Interview,
    tagsByQuote?: ReadonlyMap<string, readonly string[]>,
  ): Awaitable<void>;
  /** Removes an interview's quotes; false when it was not indexed. */
  removeInterview(interviewId: string): Awaitable<boolean>;
  /** Replaces one quote's tags; false when the quote is not indexed. */
  setQuoteTags(quoteId: string, tags: readonly string[]): Awaitable<boolean>;
}

/** A search backend: read and write ports. Today's implementation is {@link QuoteIndex}. */
export type SearchBackend = SearchIndex & SearchWriter;

/** Gives the use cases the index to read (the in-process indexer's, or the published snapshot's). */
export interface IndexProvider {
  get(): Promise<SearchIndex>;
  /** Version of what is loaded, for /health. */
  describe(): { snapshotId: string | null; quotes: number; interviews: number };
}

// ---------------------------------------------------------------------------- the write side

/**
 * What a publish made visible to readers in other processes. The id is what readers report
 * (GET /health's snapshotId) and what the indexer passes back as `expectedPrevious`; `parts`
 * are the pieces readers open (the packed engine's base and segments), absent for a backend
 * that has none. The packed engine's SnapshotManifest is one.
 */
export interface Publication {
  readonly snapshotId: string;
  readonly parts?: readonly unknown[] | undefined;
}

/**
 * Index work a backend did for one interview beside its text work (on the local server's worker
 * threads: the packed engine's tokens, or its whole part for a large interview). Opaque to the
 * use cases, which carry it from the parse step to the indexer ({@link SearchTarget.upsertPrepared}):
 * each backend makes its own and uses only its own, so a use case never names an engine's types.
 */
export interface PreparedIndexing {
  /** Which backend made it (a backend ignores another's and indexes the interview itself). */
  readonly backend: string;
}

/** What one background merge did (see {@link SearchTarget.compact}). */
export interface Compaction<P extends Publication = Publication> {
  /** The parts [from, to) of the previous publication merged into one. */
  from: number;
  to: number;
  /** Documents (deleted ones included) the merged parts held, and live documents written. */
  docs: number;
  live: number;
  /** What the merge published. */
  published: P;
}

/**
 * The single indexer's hold on a backend (lib/indexer.ts): the index it writes and reads back
 * (the consistency compare), and how its writes become visible to readers elsewhere and stay
 * durable. The packed engine publishes snapshots through the store's manifest switch
 * (lib/search/snapshot-target.ts); a cluster would refresh its index and, for a rebuild, switch
 * an alias. Calls are serialised by the indexer: an implementation need not be re-entrant.
 */
export interface SearchTarget<B extends SearchBackend = SearchBackend, P extends Publication = Publication> {
  /** The index written to (in-process readers read it too: `npm start`). */
  readonly index: B;
  /** What the index was opened from or last published; null before anything was. */
  readonly published: P | null;
  /**
   * {@link SearchWriter.upsertInterview} with work prepared for this backend beside the text work
   * (a foreign or absent preparation: the interview is indexed from its text).
   */
  upsertPrepared(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]>,
    prepared: PreparedIndexing,
  ): Awaitable<void>;
  /**
   * Makes the writes so far visible to readers elsewhere. With `expectedPrevious` (an id, or null
   * for "nothing published yet") only over that publication, else ConflictError: two indexers
   * never overwrite each other's updates unknowingly. Its cost should follow what changed.
   */
  publish(expectedPrevious?: string | null): Promise<P>;
  /**
   * A new, empty index of this backend for a rebuild, based on what this one is based on: filled
   * from the store, its first publish replaces what readers see whole.
   */
  empty(): SearchTarget<B, P>;
  /**
   * One step of background maintenance (merging small parts), published over the last
   * publication; null when nothing needs it, or when writes are not published yet.
   */
  compact(): Promise<Compaction<P> | null>;
}

/** A target opened at what is published now, and what opening it cost (logged by the indexer). */
export interface OpenedTarget<B extends SearchBackend = SearchBackend, P extends Publication = Publication> {
  target: SearchTarget<B, P>;
  /** Bytes read (0 for a backend that loads nothing). */
  bytes: number;
  ms: number;
}

/**
 * Where the indexer's target comes from (lib/indexing.ts): what is published now (cheap: the
 * indexer compares it with what it holds before every batch) and a target opened at it (after a
 * conflict, or when another writer published).
 */
export interface SearchTargets<B extends SearchBackend = SearchBackend, P extends Publication = Publication> {
  latest(): Promise<P | null>;
  /** Opens at `published` (read with {@link latest}), or at what is published now when omitted. */
  open(published?: P | null): Promise<OpenedTarget<B, P>>;
}
