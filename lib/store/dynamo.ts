/**
 * The DynamoDB store: one object implementing every port, composed of one module per port over
 * shared table plumbing. Runs unchanged against AWS, Amazon DynamoDB Local and the embedded
 * dynalite server. No transactions (dynalite has none): every multi-item write is made safe by
 * writing new, uniquely keyed items first and switching one pointer item last with a conditional
 * write.
 *
 * - table.ts       client, throttling → 503, conditional writes, batching with retries, paging, cursors
 * - keys.ts        the single-table layout: every key built and parsed
 * - items.ts       typed items (toItem/fromItem) per kind of key
 * - interviews.ts  InterviewStore: revisions, heads, lists
 * - tags.ts        TagStore: manual corrections, memberships by tag, aliases, audit
 * - memberships.ts the tag-membership items of a revision (shared by interviews and tags)
 * - people.ts      PeopleStore: editors' speaker edits per interview, corrections per person
 * - snapshots.ts   SnapshotStore: chunked snapshots behind a manifest switch
 * - jobs.ts        JobStore: background jobs' records
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoJsonTransport } from './direct.ts';
import { DynamoInterviews } from './interviews.ts';
import type { Job, Merge, MergeChange, TagEntry } from './items.ts';
import { DynamoJobs } from './jobs.ts';
import { DynamoPeople } from './people.ts';
import type {
  AuditEntry,
  AuditFilter,
  InterviewRecord,
  InterviewSummary,
  ManualTags,
  Page,
  PartToPublish,
  PeopleEdits,
  PersonProfile,
  PutResult,
  SnapshotManifest,
  SnapshotPart,
  Store,
  StoredInterview,
  TaxonomyRecord,
  WriteReads,
} from './port.ts';
import { DynamoSnapshots } from './snapshots.ts';
import { Table } from './table.ts';
import { DynamoTags, type ManualEdit, type ManualWriteOptions } from './tags.ts';

export { CHUNK_BYTES } from './interviews.ts';
export { ensureTable, StoreUnavailableError } from './table.ts';

/** Options of {@link DynamoStore}. */
export interface DynamoStoreOptions {
  tableName: string;
  /** A DynamoDB client (default: one from the environment's region and credentials). */
  client?: DynamoDBClient;
  /** Attempts for BatchWrite's unprocessed items before giving up. */
  maxBatchAttempts?: number;
  /**
   * Item requests over this transport instead of the SDK's client (the embedded store's port,
   * local/embedded.ts `portTransport`; see lib/store/direct.ts). `client` is still required for
   * table actions then.
   */
  direct?: DynamoJsonTransport;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * This process is the table's only writer (npm start on its embedded server): tag aliases
   * are cached and dropped when this store writes one. Never set it with other writers.
   */
  soleWriter?: boolean;
}

/** The DynamoDB implementation of every store port. */
export class DynamoStore implements Store {
  readonly tableName: string;
  readonly interviews: DynamoInterviews;
  readonly tags: DynamoTags;
  readonly snapshots: DynamoSnapshots;
  readonly jobs: DynamoJobs;
  readonly people: DynamoPeople;

  /** Wraps a DynamoDB client (injected, or a default one). */
  constructor(options: DynamoStoreOptions) {
    this.tableName = options.tableName;
    const table = new Table({
      tableName: options.tableName,
      client: options.client,
      maxBatchAttempts: options.maxBatchAttempts,
      direct: options.direct,
    });
    const now = options.now ?? (() => new Date());
    this.tags = new DynamoTags(table, { now, soleWriter: options.soleWriter ?? false });
    this.interviews = new DynamoInterviews(table, this.tags, now);
    this.tags.revisions = this.interviews;
    this.snapshots = new DynamoSnapshots(table, now);
    this.jobs = new DynamoJobs(table);
    this.people = new DynamoPeople(table, now);
  }

  // InterviewStore
  readForWrite(id: string, quoteIds: readonly string[]): Promise<WriteReads> {
    return this.interviews.readForWrite(id, quoteIds);
  }
  putInterview(
    record: InterviewRecord,
    options?: { expectedVersion?: number; reads?: WriteReads },
  ): Promise<PutResult> {
    return this.interviews.putInterview(record, options);
  }
  getInterview(id: string): Promise<StoredInterview | null> {
    return this.interviews.getInterview(id);
  }
  getInterviews(ids: readonly string[]): Promise<Map<string, StoredInterview>> {
    return this.interviews.getInterviews(ids);
  }
  deleteInterview(id: string): Promise<boolean> {
    return this.interviews.deleteInterview(id);
  }
  listInterviews(options: {
    limit: number;
    cursor?: string | undefined;
    tag?: string | undefined;
  }): Promise<Page<InterviewSummary>> {
    return this.interviews.listInterviews(options);
  }
  interviewIds(): AsyncIterable<string> {
    return this.interviews.interviewIds();
  }
  interviewsOfPerson(personId: string): Promise<InterviewSummary[]> {
    return this.interviews.interviewsOfPerson(personId);
  }
  interviewSummaries(ids: readonly string[]): Promise<Map<string, InterviewSummary>> {
    return this.interviews.interviewSummaries(ids);
  }

  // TagStore (lib/store/tags.ts)
  getQuoteTags(quoteId: string): Promise<ManualTags> {
    return this.tags.getQuoteTags(quoteId);
  }
  manualQuoteTags(quoteIds: readonly string[]): Promise<Map<string, ManualTags>> {
    return this.tags.manualQuoteTags(quoteIds);
  }
  refreshTags(interviewId: string): Promise<void> {
    return this.tags.refreshTags(interviewId);
  }
  membershipsStale(interviewId: string): Promise<boolean | null> {
    return this.tags.membershipsStale(interviewId);
  }
  putQuoteTags(
    quoteId: string,
    next: ManualEdit,
    expectedVersion: number,
    who: string,
    options?: ManualWriteOptions,
  ): Promise<ManualTags> {
    return this.tags.putQuoteTags(quoteId, next, expectedVersion, who, options);
  }
  quotesCorrectedWithTag(tag: string): Promise<Array<{ quoteId: string; op: 'add' | 'remove' }>> {
    return this.tags.quotesCorrectedWithTag(tag);
  }
  quotesCorrectedWithTagPage(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; op: 'add' | 'remove' }>> {
    return this.tags.quotesCorrectedWithTagPage(tag, options);
  }
  getPersonTags(personId: string): Promise<ManualTags> {
    return this.tags.getPersonTags(personId);
  }
  manualPersonTags(personIds: readonly string[]): Promise<Map<string, ManualTags>> {
    return this.tags.manualPersonTags(personIds);
  }
  putPersonTags(
    personId: string,
    next: ManualEdit,
    expectedVersion: number,
    who: string,
    options?: ManualWriteOptions,
  ): Promise<ManualTags> {
    return this.tags.putPersonTags(personId, next, expectedVersion, who, options);
  }
  quotesWithTag(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; interviewId: string }>> {
    return this.tags.quotesWithTag(tag, options);
  }
  allQuotesWithTag(tag: string): Promise<Array<{ quoteId: string; interviewId: string }>> {
    return this.tags.allQuotesWithTag(tag);
  }
  peopleWithTag(tag: string): Promise<Array<{ personId: string; interviewId: string | null }>> {
    return this.tags.peopleWithTag(tag);
  }
  peopleWithTagPage(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ personId: string; interviewId: string | null }>> {
    return this.tags.peopleWithTagPage(tag, options);
  }
  peopleWithTagUpTo(
    tag: string,
    limit: number,
  ): Promise<{ people: Array<{ personId: string; interviewId: string | null }>; more: boolean }> {
    return this.tags.peopleWithTagUpTo(tag, limit);
  }
  aliases(): Promise<Map<string, string>> {
    return this.tags.aliases();
  }
  putAlias(from: string, into: string, who: string, mergeId?: string): Promise<void> {
    return this.tags.putAlias(from, into, who, mergeId);
  }
  deleteAlias(from: string, into: string): Promise<boolean> {
    return this.tags.deleteAlias(from, into);
  }
  tagEntries(): Promise<TagEntry[]> {
    return this.tags.tagEntries();
  }
  putTagEntry(tag: string, who: string): Promise<boolean> {
    return this.tags.putTagEntry(tag, who);
  }
  deleteTagEntry(tag: string): Promise<void> {
    return this.tags.deleteTagEntry(tag);
  }
  putMerge(merge: Merge, expectedState?: Merge['state']): Promise<boolean> {
    return this.tags.putMerge(merge, expectedState);
  }
  getMerge(mergeId: string): Promise<Merge | null> {
    return this.tags.getMerge(mergeId);
  }
  listMerges(options: { limit: number; cursor?: string | undefined }): Promise<Page<Merge>> {
    return this.tags.listMerges(options);
  }
  putMergeChanges(changes: readonly MergeChange[]): Promise<void> {
    return this.tags.putMergeChanges(changes);
  }
  mergeChanges(mergeId: string): Promise<MergeChange[]> {
    return this.tags.mergeChanges(mergeId);
  }
  mergeChangesPage(
    mergeId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<MergeChange>> {
    return this.tags.mergeChangesPage(mergeId, options);
  }
  writeAudit(entry: Parameters<DynamoTags['writeAudit']>[0]): Promise<void> {
    return this.tags.writeAudit(entry);
  }
  audit(subject: string): Promise<AuditEntry[]> {
    return this.tags.audit(subject);
  }
  listAudit(
    filter: AuditFilter,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditEntry>> {
    return this.tags.listAudit(filter, options);
  }
  readTaxonomy(): Promise<TaxonomyRecord | null> {
    return this.tags.readTaxonomy();
  }
  readTaxonomyVersion(version: number): Promise<TaxonomyRecord | null> {
    return this.tags.readTaxonomyVersion(version);
  }
  taxonomyVersions(): Promise<Array<Omit<TaxonomyRecord, 'json'>>> {
    return this.tags.taxonomyVersions();
  }
  putTaxonomy(json: unknown, expectedVersion: number, who: string, change: string): Promise<number> {
    return this.tags.putTaxonomy(json, expectedVersion, who, change);
  }
  readModel(): Promise<{ json: unknown; trainedAt: string; examples: number } | null> {
    return this.tags.readModel();
  }
  putModel(json: unknown, trainedAt: string, examples: number): Promise<number> {
    return this.tags.putModel(json, trainedAt, examples);
  }

  // SnapshotStore
  publishSnapshot(
    body: Uint8Array,
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest> {
    return this.snapshots.publishSnapshot(body, meta, expectedPrevious);
  }
  readManifest(): Promise<SnapshotManifest | null> {
    return this.snapshots.readManifest();
  }
  readSnapshot(manifest: SnapshotManifest): Promise<Uint8Array> {
    return this.snapshots.readSnapshot(manifest);
  }
  publishParts(
    parts: readonly PartToPublish[],
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest> {
    return this.snapshots.publishParts(parts, meta, expectedPrevious);
  }
  readPart(part: SnapshotPart): Promise<Uint8Array> {
    return this.snapshots.readPart(part);
  }

  // JobStore
  putJob(job: Job, expectedStep?: number | null): Promise<boolean> {
    return this.jobs.putJob(job, expectedStep);
  }
  getJob(id: string): Promise<Job | null> {
    return this.jobs.getJob(id);
  }
  listOpenJobs(): Promise<Job[]> {
    return this.jobs.listOpenJobs();
  }
  firstVisits(jobId: string, step: number, interviewIds: readonly string[]): Promise<string[]> {
    return this.jobs.firstVisits(jobId, step, interviewIds);
  }

  // PeopleStore (lib/store/people.ts)
  getPeopleEdits(interviewId: string): Promise<PeopleEdits> {
    return this.people.getPeopleEdits(interviewId);
  }
  putPeopleEdits(
    edits: Pick<PeopleEdits, 'interviewId' | 'turns' | 'people'>,
    expectedVersion: number,
    who: string,
  ): Promise<PeopleEdits> {
    return this.people.putPeopleEdits(edits, expectedVersion, who);
  }
  deletePeopleEdits(interviewId: string): Promise<void> {
    return this.people.deletePeopleEdits(interviewId);
  }
  personProfiles(personIds: readonly string[]): Promise<Map<string, PersonProfile>> {
    return this.people.personProfiles(personIds);
  }
  putPersonProfile(
    profile: Pick<PersonProfile, 'personId' | 'name' | 'title' | 'reading' | 'mergedInto'>,
    expectedVersion: number,
    who: string,
  ): Promise<PersonProfile> {
    return this.people.putPersonProfile(profile, expectedVersion, who);
  }
}
