/**
 * The tag use cases, on top of the store ports: one consistent model of tags. A quote's
 * effective tags are its automatic topics (through merges' aliases) plus what editors added minus
 * what they removed; a person's are what their quotes carry plus and minus their own
 * corrections. Every read (quote views, profiles, people by tag, /tags, search through the index)
 * goes through that model, and every edit updates the memberships of just the interviews it
 * touches. Merges are checked, can be previewed, listed and undone; the taxonomy is edited here
 * and re-scored in the background; bulk edits and the audit trail live here too.
 */
import type { Jobs } from '../jobs/runner.ts';
import type { Change } from '../service.ts';
import type { Store } from '../store/port.ts';
import type { Tagging, TaggingDeps } from './deps.ts';
import { recordOf, type TagStep } from './record.ts';
import type { TaggerSource } from './source.ts';
import type { TopicTagger } from './tagger.ts';

/** kikigaki's tag use cases. */
export class TagService implements Tagging {
  readonly store: Store;
  readonly taggers: TaggerSource;
  readonly afterCommit: (change: Change) => Promise<void>;
  readonly jobs: Jobs | null;
  readonly inlineInterviews: number;
  readonly now: () => Date;
  readonly tag: TagStep;

  constructor(deps: TaggingDeps) {
    this.store = deps.store;
    this.taggers = deps.taggers;
    this.afterCommit = deps.afterCommit ?? (async () => {});
    this.jobs = deps.jobs ?? null;
    this.inlineInterviews = deps.inlineInterviews ?? 100;
    this.now = deps.now ?? (() => new Date());
    this.tag = deps.tag ?? recordOf;
  }

  /** The current tagger (taxonomy version and learned model). */
  tagger(): Promise<TopicTagger> {
    return this.taggers.current();
  }
}
