/**
 * The tag use cases, on top of the store ports: one consistent model of tags. A quote's
 * effective tags are its automatic topics (through merges' aliases) plus what editors added minus
 * what they removed; a person's are what their quotes carry plus and minus their own
 * corrections. Every read (quote views, profiles, people by tag, /tags, search through the index)
 * goes through that model, and every edit updates the memberships of just the interviews it
 * touches.
 *
 * A use case is a function of the module of its job and takes the {@link Tagging} made here (the
 * store, the tagger cache, where committed writes go, the job queue) first: a caller imports the
 * one it needs, and nothing keeps state between calls but the store and the tagger cache
 * (`taggers`, dropped by the use cases that change the taxonomy, the model or the aliases).
 *
 * - quotes.ts: a quote's tags and why it has them, editors' additions and removals, quotes by tag
 * - profiles.ts: interviewee profiles, the person's own tag corrections, interviewees by tag
 * - directory.ts: which tags exist, what a merged-away one became, who carries a tag, GET /tags
 * - merges.ts: merges, checked, previewed, recorded with what they rewrote, listed and undone
 * - bulk.ts: tagging or untagging every quote of a search
 * - audit.ts: the audit trail
 * - topics.ts: the taxonomy and its edits; rescore.ts: every interview tagged again after them
 * - retrain.ts: the model retrained from editors' corrections
 * - refresh.ts: memberships re-computed for the interviews an edit touched, and checked
 */
import { VersionConflictError } from '../errors.ts';
import type { Jobs } from '../jobs/runner.ts';
import type { Change } from '../service.ts';
import type { Store } from '../store/port.ts';
import { recordOf, type TagStep } from './record.ts';
import type { TaggerSource } from './source.ts';

/** Dependencies of the tag use cases (see {@link createTagging}). */
export interface TaggingDeps {
  store: Store;
  taggers: TaggerSource;
  /** Called after each committed write (local: update the index in-process; AWS: Streams do it). */
  afterCommit?: (change: Change) => Promise<void>;
  /**
   * Background jobs (lib/jobs: re-scoring after taxonomy edits, re-indexing after large merges).
   * Absent: that work runs before the edit answers.
   */
  jobs?: Jobs;
  /** Interviews a merge or an undo re-indexes before answering; more go to a job (default 100). */
  inlineInterviews?: number;
  now?: () => Date;
  /** Tags an interview (default: in this thread; the local server passes its worker pool). */
  tag?: TagStep;
}

/** The dependencies with their defaults: what every tag use case is given. */
export interface Tagging {
  readonly store: Store;
  readonly taggers: TaggerSource;
  readonly afterCommit: (change: Change) => Promise<void>;
  readonly jobs: Jobs | null;
  readonly inlineInterviews: number;
  readonly now: () => Date;
  readonly tag: TagStep;
}

/** The tag use cases' dependencies, defaults filled in. */
export function createTagging(deps: TaggingDeps): Tagging {
  return {
    store: deps.store,
    taggers: deps.taggers,
    afterCommit: deps.afterCommit ?? (async () => {}),
    jobs: deps.jobs ?? null,
    inlineInterviews: deps.inlineInterviews ?? 100,
    now: deps.now ?? (() => new Date()),
    tag: deps.tag ?? recordOf,
  };
}

/** Distinct and sorted (tag lists are kept so, and compared joined). */
export const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** Times an edit without `expectedVersion` is read again and re-applied after losing a race. */
export const LATEST_ATTEMPTS = 8;

/**
 * Runs a read-compute-write edit of a quote's or a person's tags. With the client's
 * `expectedVersion`, a lost race is the client's 409 (it said which state it edits). Without one,
 * the client asked for its change on top of whatever is there: two editors adding different tags
 * at once both answered 409 but one, so the edit is read again and re-applied.
 */
export async function onLatest<T>(expectedVersion: number | undefined, edit: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await edit();
    } catch (e) {
      if (expectedVersion !== undefined || !(e instanceof VersionConflictError) || attempt >= LATEST_ATTEMPTS)
        throw e;
    }
  }
}
