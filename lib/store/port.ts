/**
 * The ports the domain sees: narrow interfaces over persistence. The DynamoDB adapter implements
 * them; tests inject faults by wrapping the AWS client, never by mocking these.
 */
import type { Interview, Person, Role } from '../model.ts';
import type { PersonTopic, TopicMatch } from '../tagger.ts';
import type { Head, Job, Merge, MergeChange, TagEntry } from './items.ts';
import type { AuditSubject } from './keys.ts';
import type { ManualWriteOptions } from './tags.ts';

/** What ingest writes: the interview and its automatic tags. */
export interface InterviewRecord {
  interview: Interview;
  /** Automatic topics per quote id. */
  autoTags: Record<string, TopicMatch[]>;
  /** Automatic topics per interviewee id. */
  people: Record<string, PersonTopic[]>;
}

/** The current version of an interview as stored. */
export interface StoredInterview extends InterviewRecord {
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One row of the interview list. */
export interface InterviewSummary {
  id: string;
  title: string;
  url: string | null;
  publishedAt: string | null;
  quoteCount: number;
  interviewees: Array<{ id: string; name: string; handle: string | null }>;
  tags: string[];
  version: number;
  updatedAt: string;
}

/** A page of items with an opaque cursor for the next one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Manual tag corrections of one quote or person, with the optimistic-lock version. */
export interface ManualTags {
  add: string[];
  remove: string[];
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** An entry of the tag-edit audit trail. */
export interface AuditEntry {
  subject: string;
  at: string;
  who: string;
  action: string;
  /** Every tag the edit involves. */
  tags: string[];
  added?: string[];
  removed?: string[];
  detail?: Record<string, string | number | boolean>;
  /** The search a bulk edit applied to (an object, as the request gave it). */
  search?: Record<string, unknown>;
}

/** What GET /audit narrows the trail to (all given conditions hold). */
export interface AuditFilter {
  subject?: AuditSubject | undefined;
  tag?: string | undefined;
  actor?: string | undefined;
}

/** A stored version of the taxonomy. */
export interface TaxonomyRecord {
  version: number;
  /** As stored (validated by whoever reads it). */
  json: unknown;
  at: string;
  who: string;
  change: string;
}

/** Result of writing an interview. */
export interface PutResult {
  created: boolean;
  version: number;
  /** Effective tags of each quote as written (automatic, manual corrections, aliases). */
  quoteTags: Record<string, string[]>;
}

/**
 * What a write of an interview reads before writing: its head and what its quotes' effective tags
 * depend on (read ahead with {@link InterviewStore.readForWrite}).
 */
export interface WriteReads {
  id: string;
  quoteIds: readonly string[];
  head: Head | undefined;
  manual: ReadonlyMap<string, ManualTags>;
  aliases: ReadonlyMap<string, string>;
}

/** Interviews: write all-or-nothing, read the current version. */
export interface InterviewStore {
  /**
   * Starts the reads a write of this interview makes first, so that they share one batched
   * request with other reads made in the same tick (an ingest's people edits and profiles).
   * `putInterview(record, { reads })` uses them when they are of the record's id and quotes.
   */
  readForWrite(id: string, quoteIds: readonly string[]): Promise<WriteReads>;
  /**
   * Writes a new revision. With `expectedVersion` (0: none stored yet) it is written only over
   * that version, else ConflictError: an edit made to the version it read never undoes a write
   * made meanwhile. `reads`: what {@link InterviewStore.readForWrite} read for it (else it reads).
   */
  putInterview(
    record: InterviewRecord,
    options?: { expectedVersion?: number; reads?: WriteReads },
  ): Promise<PutResult>;
  getInterview(id: string): Promise<StoredInterview | null>;
  /** Current revisions of several interviews at once; absent ids are left out. */
  getInterviews(ids: readonly string[]): Promise<Map<string, StoredInterview>>;
  deleteInterview(id: string): Promise<boolean>;
  /** Newest first; with `tag`, only interviews that have it (pages stay exact). */
  listInterviews(options: {
    limit: number;
    cursor?: string | undefined;
    tag?: string | undefined;
  }): Promise<Page<InterviewSummary>>;
  interviewIds(): AsyncIterable<string>;
  interviewsOfPerson(personId: string): Promise<InterviewSummary[]>;
  /** List rows of several interviews at once, by id, from their current heads; absent ids are left out. */
  interviewSummaries(ids: readonly string[]): Promise<Map<string, InterviewSummary>>;
}

/** Tags: manual corrections with optimistic locking, memberships, aliases, audit. */
export interface TagStore {
  getQuoteTags(quoteId: string): Promise<ManualTags>;
  /** Manual corrections of many quotes at once (missing ones are absent from the map). */
  manualQuoteTags(quoteIds: readonly string[]): Promise<Map<string, ManualTags>>;
  /** Rewrites an interview's tag-membership items from its record, manual tags and aliases. */
  refreshTags(interviewId: string): Promise<void>;
  /** Whether an interview's stored memberships differ from what they should be (null: no interview). */
  membershipsStale(interviewId: string): Promise<boolean | null>;
  /** Applies a change if the stored version still equals `expectedVersion`; else ConflictError. */
  putQuoteTags(
    quoteId: string,
    next: { add: string[]; remove: string[] },
    expectedVersion: number,
    who: string,
    options?: ManualWriteOptions,
  ): Promise<ManualTags>;
  /** Quotes whose corrections add or remove a tag. */
  quotesCorrectedWithTag(tag: string): Promise<Array<{ quoteId: string; op: 'add' | 'remove' }>>;
  /** The same a page at a time, by quote id (a merge's steps rewrite them page by page). */
  quotesCorrectedWithTagPage(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; op: 'add' | 'remove' }>>;
  getPersonTags(personId: string): Promise<ManualTags>;
  manualPersonTags(personIds: readonly string[]): Promise<Map<string, ManualTags>>;
  putPersonTags(
    personId: string,
    next: { add: string[]; remove: string[] },
    expectedVersion: number,
    who: string,
    options?: ManualWriteOptions,
  ): Promise<ManualTags>;
  quotesWithTag(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; interviewId: string }>>;
  allQuotesWithTag(tag: string): Promise<Array<{ quoteId: string; interviewId: string }>>;
  peopleWithTag(tag: string): Promise<Array<{ personId: string; interviewId: string | null }>>;
  /** The same a page at a time, by person id (a merge's steps page them). */
  peopleWithTagPage(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ personId: string; interviewId: string | null }>>;
  /** The first people with a tag (at most `limit` items read), and whether there are more. */
  peopleWithTagUpTo(
    tag: string,
    limit: number,
  ): Promise<{ people: Array<{ personId: string; interviewId: string | null }>; more: boolean }>;
  aliases(): Promise<Map<string, string>>;
  putAlias(from: string, into: string, who: string, mergeId?: string): Promise<void>;
  deleteAlias(from: string, into: string): Promise<boolean>;
  tagEntries(): Promise<TagEntry[]>;
  putTagEntry(tag: string, who: string): Promise<boolean>;
  deleteTagEntry(tag: string): Promise<void>;
  putMerge(merge: Merge, expectedState?: Merge['state']): Promise<boolean>;
  getMerge(mergeId: string): Promise<Merge | null>;
  listMerges(options: { limit: number; cursor?: string | undefined }): Promise<Page<Merge>>;
  putMergeChanges(changes: readonly MergeChange[]): Promise<void>;
  mergeChanges(mergeId: string): Promise<MergeChange[]>;
  /** What a merge rewrote, a page at a time (an undo's steps restore it page by page). */
  mergeChangesPage(
    mergeId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<MergeChange>>;
  writeAudit(entry: {
    subject: AuditSubject;
    who: string;
    action: string;
    tags: string[];
    added?: string[] | undefined;
    removed?: string[] | undefined;
    detail?: Record<string, string | number | boolean> | undefined;
    search?: Record<string, unknown> | undefined;
  }): Promise<void>;
  audit(subject: string): Promise<AuditEntry[]>;
  listAudit(
    filter: AuditFilter,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditEntry>>;
  readTaxonomy(): Promise<TaxonomyRecord | null>;
  readTaxonomyVersion(version: number): Promise<TaxonomyRecord | null>;
  taxonomyVersions(): Promise<Array<Omit<TaxonomyRecord, 'json'>>>;
  putTaxonomy(json: unknown, expectedVersion: number, who: string, change: string): Promise<number>;
  readModel(): Promise<{ json: unknown; trainedAt: string; examples: number } | null>;
  putModel(json: unknown, trainedAt: string, examples: number): Promise<number>;
}

/**
 * An editor's choice of who speaks one turn. Kept outside the interview's revisions, so a
 * re-ingest applies it again — to the turn with the same text (its quote id breaks ties).
 */
export interface TurnOverride {
  quoteId: string;
  /** Digest of the turn's text when it was edited. */
  textDigest: string;
  /** The person who speaks it; null: nobody in particular (a role label). Absent: as parsed. */
  speakerId?: string | null;
  /** The label printed when `speakerId` is null (聞き手, 全員). */
  speaker?: string;
  role?: Role;
}

/** Editors' speaker edits of one interview, with the optimistic-lock version. */
export interface PeopleEdits {
  interviewId: string;
  turns: TurnOverride[];
  /** People the edits brought in (split off, or named by a reassignment). */
  people: Person[];
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** Editors' corrections of one person, everywhere the person appears. */
export interface PersonProfile {
  personId: string;
  name: string | null;
  title: string | null;
  reading: string | null;
  /** The person this one was merged into (then the rest is unused). */
  mergedInto: string | null;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** People: editors' speaker edits per interview and corrections per person. */
export interface PeopleStore {
  /** The interview's edits (version 0 and nothing when there are none). */
  getPeopleEdits(interviewId: string): Promise<PeopleEdits>;
  /** Replaces the edits if their stored version still equals `expectedVersion`; else ConflictError. */
  putPeopleEdits(
    edits: Pick<PeopleEdits, 'interviewId' | 'turns' | 'people'>,
    expectedVersion: number,
    who: string,
  ): Promise<PeopleEdits>;
  deletePeopleEdits(interviewId: string): Promise<void>;
  /** Corrections of several people (those without any are absent). */
  personProfiles(personIds: readonly string[]): Promise<Map<string, PersonProfile>>;
  /** Replaces a person's corrections if the stored version equals `expectedVersion`; else ConflictError. */
  putPersonProfile(
    profile: Pick<PersonProfile, 'personId' | 'name' | 'title' | 'reading' | 'mergedInto'>,
    expectedVersion: number,
    who: string,
  ): Promise<PersonProfile>;
}

/** A published search-index snapshot. */
export interface SnapshotManifest {
  snapshotId: string;
  chunks: number;
  bytes: number;
  quotes: number;
  interviews: number;
  createdAt: string;
  /**
   * The stored parts, oldest first: a base and the segments over it (see lib/search/engine).
   * Absent or empty for a snapshot stored as one blob, read with {@link SnapshotStore.readSnapshot}.
   */
  parts?: SnapshotPart[];
}

/** One stored part of a snapshot: a base, or a segment that only means something over the parts before it. */
export interface SnapshotPart {
  /** Where the store keeps it (an object key, a part id). */
  key: string;
  bytes: number;
  kind: 'base' | 'segment';
}

/** A part of a snapshot to publish: one of the current manifest's parts, kept as it is, or a new one. */
export type PartToPublish = SnapshotPart | { body: Uint8Array; kind: 'base' | 'segment' };

/** Search snapshots: publish by switching one manifest item; read the manifest's version. */
export interface SnapshotStore {
  /**
   * Publishes a snapshot made of parts, oldest first: the new ones are written, then the
   * manifest switches as in {@link publishSnapshot} (conditionally, with `expectedPrevious`).
   * A batch of index writes publishes the parts it had plus one small new segment.
   */
  publishParts(
    parts: readonly PartToPublish[],
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest>;
  /** Reads one part of a published manifest. */
  readPart(part: SnapshotPart): Promise<Uint8Array>;
  /**
   * Publishes a snapshot. With `expectedPrevious` (a snapshot id, or null for "none yet") the
   * manifest switches only if it still points there, else ConflictError: two indexers never
   * overwrite each other's updates unknowingly.
   */
  publishSnapshot(
    body: Uint8Array,
    meta: { quotes: number; interviews: number },
    expectedPrevious?: string | null,
  ): Promise<SnapshotManifest>;
  readManifest(): Promise<SnapshotManifest | null>;
  readSnapshot(manifest: SnapshotManifest): Promise<Uint8Array>;
}

/** Background jobs' records (lib/jobs). */
export interface JobStore {
  /**
   * Writes a job's record. With `expectedStep` (null: the job must not exist yet) only while the
   * stored record's next step is still that one; false (nothing written) otherwise.
   */
  putJob(job: Job, expectedStep?: number | null): Promise<boolean>;
  getJob(id: string): Promise<Job | null>;
  /** Jobs queued or running, oldest first (what a starting process carries on). */
  listOpenJobs(): Promise<Job[]>;
  /**
   * Of these interviews, those that no earlier step of job `jobId` visited, each recorded as
   * visited by `step`. What the step before a retry visited counts as not visited (that step's
   * record, with its counts, was never saved). One batched read and write per page; the steps of
   * a job run one after another, so no condition is needed.
   */
  firstVisits(jobId: string, step: number, interviewIds: readonly string[]): Promise<string[]>;
}

/** Everything the app needs from persistence. */
export type Store = InterviewStore & TagStore & SnapshotStore & JobStore & PeopleStore;
