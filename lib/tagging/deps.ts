/**
 * What the tag use cases share: the store, the tagger cache, where committed writes go, and the
 * job queue. Each use case is a function of the module of its job and takes this first, so a
 * caller imports the use case it needs and nothing keeps state between calls but the store and
 * the tagger cache (`taggers`, dropped by the use cases that change the taxonomy, the model or
 * the aliases).
 */
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
