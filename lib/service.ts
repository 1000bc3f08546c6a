/**
 * The application's use cases, on top of the ports: ingest, read, delete, tag edits and merges,
 * interviewee profiles. HTTP-free; the Hono app in lib/api/ is a thin layer over this.
 */
import { ConflictError, NotFoundError, ParseError, ValidationError } from './errors.ts';
import { canonicalUrl } from './ids.ts';
import type { Interview, InterviewInput } from './model.ts';
import { type ParseOptions, parseInterview, withInterviewId } from './parse/index.ts';
import type { DocumentLookup, QuoteIndex } from './search/index.ts';
import type { InterviewSummary, Page, Store, StoredInterview } from './store/port.ts';
import { TopicTagger } from './tagger.ts';
import type { Jobs } from './tagging/jobs.ts';
import { recordOf } from './tagging/record.ts';
import {
  type IntervieweeProfile,
  type QuoteDetail,
  type QuoteView,
  type TagService,
  type TagSummary,
  TagService as Tags,
} from './tagging/service.ts';
import { StaticTaggers, type TaggerSource } from './tagging/source.ts';
import { quoteTagsOf } from './tags.ts';

export type { IntervieweeProfile, QuoteDetail, QuoteView, TagSummary };

/** Interviews kept in memory to render search hits (their texts: about 10–20 KB each). */
const DOCUMENT_CACHE_SIZE = 2048;

/** Something committed that the search index must follow. */
export type Change =
  | {
      kind: 'interview';
      id: string;
      /** What an ingest just wrote, so an in-process indexer need not read it back. */
      committed?: { interview: Interview; quoteTags: Record<string, string[]>; version: number };
    }
  | { kind: 'all' };

/** Dependencies of {@link Kikigaki}. */
export interface KikigakiDeps {
  store: Store;
  /** A fixed tagger (tests, a store whose taxonomy is never edited). */
  tagger?: TopicTagger;
  /** Where the current tagger comes from (the store's taxonomy and model); wins over `tagger`. */
  taggers?: TaggerSource;
  /** Called after each committed write (local: update the index in-process; AWS: Streams do it). */
  afterCommit?: (change: Change) => Promise<void>;
  /** Background jobs for the tag use cases (taxonomy re-scores); absent: they run before answering. */
  jobs?: Jobs;
  /** The tag use cases (default: built from the same store, taggers, afterCommit and jobs). */
  tagging?: TagService;
}

/** What an ingest returns. */
export interface IngestResult {
  id: string;
  created: boolean;
  version: number;
  quotes: number;
  interviewee: { id: string; name: string; handle: string | null } | null;
  tags: string[];
}

/** kikigaki's use cases. */
export class Kikigaki {
  private readonly store: Store;
  private readonly taggers: TaggerSource;
  private readonly afterCommit: (change: Change) => Promise<void>;
  private readonly documentCache = new Map<string, Interview>();
  /** The tag use cases (quotes, people, merges, taxonomy, audit). */
  readonly tagging: TagService;

  /** Wires the use cases to a store and a tagger. */
  constructor(deps: KikigakiDeps) {
    this.store = deps.store;
    this.taggers = deps.taggers ?? new StaticTaggers(deps.tagger ?? new TopicTagger());
    this.afterCommit = deps.afterCommit ?? (async () => {});
    this.tagging =
      deps.tagging ??
      new Tags({
        store: deps.store,
        taggers: this.taggers,
        afterCommit: this.afterCommit,
        ...(deps.jobs ? { jobs: deps.jobs } : {}),
      });
  }

  /**
   * The interviews a search page needs to render its hits, from the store through a small cache.
   * Entries are keyed by the index's fingerprint of each interview, so a re-ingest or tag edit
   * the index has seen is never rendered from an older copy.
   */
  async documents(index: QuoteIndex, ids: readonly string[]): Promise<DocumentLookup> {
    const out = new Map<string, Interview>();
    const keyOf = (id: string) => `${id}\u0000${index.interview(id)?.fingerprint ?? ''}`;
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.documentCache.get(keyOf(id));
      if (hit) {
        // Refresh the entry's place in the LRU order.
        this.documentCache.delete(keyOf(id));
        this.documentCache.set(keyOf(id), hit);
        out.set(id, hit);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, stored] of await this.store.getInterviews(missing)) {
        out.set(id, stored.interview);
        this.documentCache.set(keyOf(id), stored.interview);
      }
    }
    while (this.documentCache.size > DOCUMENT_CACHE_SIZE) {
      const oldest = this.documentCache.keys().next().value;
      if (oldest === undefined) break;
      this.documentCache.delete(oldest);
    }
    return (id) => out.get(id);
  }

  /**
   * Parses (text) or validates (canonical JSON), tags and stores an interview; replaces by id.
   * With `onExisting: 'same-source'` (a POST whose id was derived, not named by the caller) an
   * existing interview is replaced only by the same source — the same URL, or without URLs the
   * same title and turns — and anything else is a 409 naming the existing id.
   */
  async ingest(
    input: { text: string } | { json: InterviewInput | unknown },
    options: ParseOptions & { onExisting?: 'replace' | 'same-source' } = {},
  ): Promise<IngestResult> {
    let interview: Interview;
    if ('text' in input) interview = parseInterview(input.text, options);
    else {
      try {
        interview = parseInterview(JSON.stringify(input.json), { ...options, format: 'json' });
      } catch (e) {
        // A JSON body of the wrong shape is a bad request, not an unparseable transcript.
        if (e instanceof ParseError) throw new ValidationError(`invalid interview JSON: ${e.reason}`);
        throw e;
      }
    }
    if (options.id && interview.id !== options.id) interview = withInterviewId(interview, options.id);
    if (options.onExisting === 'same-source') {
      const existing = await this.store.getInterview(interview.id);
      if (existing && !sameSource(existing.interview, interview))
        throw new ConflictError(
          `interview '${interview.id}' already exists from another source; PUT /interviews/${interview.id} to replace it, or POST with ?id= to store this one under another id`,
          { existingId: interview.id },
        );
    }
    const record = recordOf(await this.taggers.current(), interview);
    const put = await this.store.putInterview(record);
    await this.afterCommit({
      kind: 'interview',
      id: interview.id,
      committed: { interview, quoteTags: put.quoteTags, version: put.version },
    });
    const main = interview.interviewees[0];
    const tags = [...new Set(Object.values(put.quoteTags).flat())].sort();
    return {
      id: interview.id,
      created: put.created,
      version: put.version,
      quotes: interview.turns.length,
      interviewee: main ? { id: main.id, name: main.name, handle: main.handle } : null,
      tags,
    };
  }

  /** The current interview with each quote's effective tags. */
  async getInterview(id: string): Promise<StoredInterview & { tags: Record<string, string[]> }> {
    const stored = await this.store.getInterview(id);
    if (!stored) throw new NotFoundError('interview', id);
    const [manual, aliases] = await Promise.all([
      this.store.manualQuoteTags(stored.interview.turns.map((t) => t.id)),
      this.store.aliases(),
    ]);
    const tags = Object.fromEntries(quoteTagsOf(stored, manual, aliases));
    return { ...stored, tags };
  }

  /** Deletes an interview; its quotes leave the index. */
  async deleteInterview(id: string): Promise<void> {
    if (!(await this.store.deleteInterview(id))) throw new NotFoundError('interview', id);
    await this.afterCommit({ kind: 'interview', id });
  }

  /** Interviews newest first, optionally only those with a tag or an interviewee. */
  async listInterviews(options: {
    limit: number;
    cursor?: string | undefined;
    tag?: string | undefined;
    interviewee?: string | undefined;
  }): Promise<Page<InterviewSummary>> {
    if (options.interviewee) {
      const all = (await this.store.interviewsOfPerson(options.interviewee)).filter(
        (s) => !options.tag || s.tags.includes(options.tag),
      );
      return pageOf(all, options.limit, options.cursor);
    }
    return this.store.listInterviews(options);
  }

  // The tag use cases live in lib/tagging/service.ts; these keep the callers of before working.

  /** One quote with its tags explained. */
  getQuote(quoteId: string): Promise<QuoteDetail> {
    return this.tagging.getQuote(quoteId);
  }

  /** Adds and removes tags of a quote (see TagService.editQuoteTags). */
  editQuoteTags(
    quoteId: string,
    change: { add?: string[]; remove?: string[] },
    who: string,
    expectedVersion?: number,
  ): Promise<QuoteDetail> {
    return this.tagging.editQuoteTags(quoteId, change, who, expectedVersion);
  }

  /** An interviewee's profile. */
  interviewee(personId: string): Promise<IntervieweeProfile> {
    return this.tagging.interviewee(personId);
  }

  /** Interviewees with all/any of the tags, paged by id. */
  interviewees(options: {
    tags: string[];
    match: 'all' | 'any';
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<IntervieweeProfile>> {
    return this.tagging.interviewees(options, (all, limit, cursor) => pageOf(all, limit, cursor));
  }

  /** Quotes with a tag, paged. */
  quotesWithTag(tag: string, limit: number, cursor?: string): Promise<Page<QuoteView>> {
    return this.tagging.quotesWithTag(tag, limit, cursor);
  }

  /** Every tag in use with quote and interviewee counts. */
  tags(quoteCounts: Record<string, number>): Promise<TagSummary[]> {
    return this.tagging.tags(quoteCounts);
  }
}

/** Two versions of an interview come from the same source: the same URL, or the same text. */
function sameSource(a: Interview, b: Interview): boolean {
  const ua = a.url ? canonicalUrl(a.url) : null;
  const ub = b.url ? canonicalUrl(b.url) : null;
  if (ua !== null || ub !== null) return ua === ub;
  return (
    a.title === b.title &&
    a.turns.length === b.turns.length &&
    a.turns.every((t, i) => t.speaker === b.turns[i]?.speaker && t.text === b.turns[i]?.text)
  );
}

/** Pages an in-memory list with an offset cursor. */
export function pageOf<T>(all: readonly T[], limit: number, cursor?: string): Page<T> {
  let offset = 0;
  if (cursor) {
    offset = Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(offset) || offset < 0)
      throw new ValidationError('cursor is invalid; start again without it');
  }
  const items = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
  return { items, nextCursor: next };
}
