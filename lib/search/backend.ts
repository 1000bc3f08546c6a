/**
 * The search ports: everything the use cases (lib/service.ts, lib/api/, lib/console/,
 * lib/export.ts, lib/tagging/) ask of a search engine, so that the packed engine of this package
 * ({@link QuoteIndex}) can be replaced by another one — a managed cluster such as Amazon
 * OpenSearch with a Japanese analyzer (docs/scaling.md) — without touching them. Those modules
 * import only this file (biome.json's noRestrictedImports keeps them off QuoteIndex, the engine and
 * lib/indexer.ts); the concrete class is named only where an engine is built or loaded: the
 * composition roots (lib/lambda.ts, local/runtime.ts, local/server.ts) and the indexer's snapshot
 * code (lib/indexer.ts, lib/indexing.ts, lib/jobs).
 *
 * Two ports, because they are two concerns a deployment may serve from different places:
 * - {@link QuoteSearch}: quotes found by words and filters, facets, completions, per-tag counts;
 * - {@link PeopleDirectory}: who speaks where, found by name or reading (GET /interviewees?q=,
 *   the people facet's names, the duplicate-name review, people counted per tag for GET /tags).
 *
 * Every read may answer now or later ({@link Awaitable}): the packed engine answers in memory, a
 * cluster over the network; callers always `await`. A search is planned by the backend and
 * rendered from interviews the caller fetched from the store ({@link SearchPlan}): backends need
 * not keep quote texts, and what a hit shows is always the store's current text.
 *
 * What every backend must do is stated as tests in tests/helpers/search-backend-contract.ts; ranking
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
 * once it resolves (a backend that indexes asynchronously refreshes before resolving, or its
 * contract factory's `settle` waits). Durability is the backend's own: the packed engine's
 * snapshots are published by lib/indexer.ts, a cluster keeps its own.
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
