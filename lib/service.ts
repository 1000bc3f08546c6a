/**
 * The application's use cases, on top of the ports: ingest, read, delete, tag edits and merges,
 * interviewee profiles. HTTP-free; the Hono app in lib/api/ is a thin layer over this.
 */
import { distance } from 'fastest-levenshtein';
import { ConflictError, NotFoundError, ParseError, ValidationError } from './errors.ts';
import { canonicalUrl } from './ids.ts';
import type { Jobs } from './jobs/runner.ts';
import type { Interview, InterviewInput } from './model.ts';
import { type ParseOptions, parseSource, type TranscriptSource, withInterviewId } from './parse/index.ts';
import { PeopleService } from './people/service.ts';
import type { PeopleDirectory, PreparedIndexing, QuoteSearch } from './search/backend.ts';
import type { DocumentLookup, SearchPage, SearchParams } from './search/index.ts';
import { pageOf } from './store/cursor.ts';
import type {
  InterviewRecord,
  InterviewSummary,
  Page,
  Store,
  StoredInterview,
  WriteReads,
} from './store/port.ts';
import { TopicTagger } from './tagger.ts';
import { createTagging, type Tagging } from './tagging/deps.ts';
import { type HeldTagCounts, listTags, type TagSummary } from './tagging/directory.ts';
import { type IntervieweeProfile, interviewee, interviewees } from './tagging/profiles.ts';
import {
  editQuoteTags,
  getQuote,
  type QuoteDetail,
  type QuoteView,
  quotesWithTag,
} from './tagging/quotes.ts';
import { recordOf, type TagStep } from './tagging/record.ts';
import { StaticTaggers, type TaggerSource } from './tagging/source.ts';
import { quoteTagsOf, type TagChange } from './tags.ts';

export type { IntervieweeProfile, QuoteDetail, QuoteView, TagSummary };

/** Interviews kept in memory to render search hits (their texts: about 10–20 KB each). */
const DOCUMENT_CACHE_SIZE = 2048;

/** Something committed that the search index must follow. */
export type Change =
  | {
      kind: 'interview';
      id: string;
      /** What an ingest just wrote, so an in-process indexer need not read it back. */
      committed?: {
        interview: Interview;
        quoteTags: Record<string, string[]>;
        version: number;
        /**
         * Index work a worker did with the rest of its text work, for the backend the indexer
         * writes to (opaque here: the packed engine's tokens or whole part).
         */
        prepared?: PreparedIndexing;
      };
    }
  | { kind: 'all' };

/** Dependencies of {@link Kikigaki}. */
export interface KikigakiDeps {
  store: Store;
  /** A fixed tagger (tests, a store whose taxonomy is never edited). */
  tagger?: TopicTagger;
  /** Where the current tagger comes from (the store's taxonomy and model); wins over `tagger`. */
  taggers?: TaggerSource;
  /** Background jobs for the tag use cases (taxonomy re-scores, large merges); absent: they run before answering. */
  jobs?: Jobs;
  /** Interviews a merge re-indexes before answering; more go to a job (default 100). */
  inlineInterviews?: number;
  /** What the tag use cases share (default: built from the same store, taggers, afterCommit and jobs). */
  tagging?: Tagging;
  /** Called after each committed write (local: update the index in-process; AWS: Streams do it). */
  afterCommit?: (change: Change) => Promise<void>;
  /**
   * Parses a transcript (text, or the bytes of a .docx) or canonical JSON (default:
   * {@link parseSource} in this thread). The local server parses on worker threads with a time
   * bound, off the event loop.
   */
  parse?: (source: TranscriptSource, options: ParseOptions) => Interview | Promise<Interview>;
  /**
   * Tags an interview (default: {@link recordOf} in this thread). The local server tags on its
   * worker threads, so a 6,000-turn body does not stall other requests; Lambda keeps the default.
   */
  tag?: TagStep;
  /**
   * Parses, tags and tokenizes for the index in one step (the local server's worker pool: one
   * round trip, and the segmentation off the event loop). When given, ingests use it instead of
   * `parse` then `tag`; the tags and tokens are used only for the interview exactly as parsed
   * (an id given afterwards or editors' people edits make it another one, tagged again).
   */
  prepare?: PrepareStep;
}

/** What {@link KikigakiDeps.prepare} gives: the record to store and the backend's index work (if any). */
export interface PreparedIngest {
  record: InterviewRecord;
  /** Passed on to the indexer with the committed interview (see {@link Change}). */
  indexing?: PreparedIndexing | undefined;
}

/** Parse, tag and tokenize one source (see {@link KikigakiDeps.prepare}). */
export type PrepareStep = (
  source: TranscriptSource,
  options: ParseOptions,
  tagger: TopicTagger,
) => Promise<PreparedIngest>;

/** A transcript as text (any layout) or the canonical JSON. */
export type IngestInput = { text: string } | { bytes: Uint8Array } | { json: InterviewInput | unknown };

/** What a dry run of an ingest answers. */
export interface IngestPreview {
  interview: Interview;
  /** Topic tags of each quote, by quote id. */
  tags: Record<string, string[]>;
  /** True when an interview with this id is stored (saving would replace it). */
  exists: boolean;
  /**
   * True when the id was derived (not named) and another source holds it: the same ingest would
   * answer 409; name an id to store it.
   */
  conflict: boolean;
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

/** Ids offered for a misspelt one, at most. */
const MAX_ID_CANDIDATES = 5;

/**
 * Ids spelt nearly as `id`: containing it, or of its first three characters and a few edits
 * away. One linear pass of cheap tests over every id, and an edit distance only for those of
 * the same start, so a miss costs little even with many interviews.
 */
function nearIds(ids: Iterable<string>, id: string): string[] {
  const start = id.slice(0, 3);
  const near: Array<{ id: string; d: number }> = [];
  for (const other of ids) {
    if (id.length >= 3 && other.includes(id)) near.push({ id: other, d: other.length - id.length });
    else if (other.startsWith(start)) {
      const d = distance(id, other);
      if (d <= Math.max(2, Math.floor(id.length / 3))) near.push({ id: other, d });
    }
  }
  return near
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, MAX_ID_CANDIDATES)
    .map((n) => n.id);
}

/** kikigaki's use cases. */
export class Kikigaki {
  private readonly store: Store;
  private readonly taggers: TaggerSource;
  /** What the tag use cases share: the first argument of each (lib/tagging/deps.ts). */
  readonly tagging: Tagging;
  /** The people use cases (speaker reassignment, rename, merge, split; lib/people/service.ts). */
  readonly people: PeopleService;
  private readonly afterCommit: (change: Change) => Promise<void>;
  private readonly parse: (source: TranscriptSource, options: ParseOptions) => Interview | Promise<Interview>;
  private readonly tag: TagStep;
  private readonly prepare: PrepareStep | null;
  private readonly documentCache = new Map<string, Interview>();

  /** Wires the use cases to a store and a tagger. */
  constructor(deps: KikigakiDeps) {
    this.store = deps.store;
    this.taggers = deps.taggers ?? new StaticTaggers(deps.tagger ?? new TopicTagger());
    this.afterCommit = deps.afterCommit ?? (async () => {});
    this.tagging =
      deps.tagging ??
      createTagging({
        store: deps.store,
        taggers: this.taggers,
        afterCommit: this.afterCommit,
        ...(deps.jobs ? { jobs: deps.jobs } : {}),
        ...(deps.inlineInterviews !== undefined ? { inlineInterviews: deps.inlineInterviews } : {}),
        ...(deps.tag ? { tag: deps.tag } : {}),
      });
    this.parse = deps.parse ?? parseSource;
    this.tag = deps.tag ?? recordOf;
    this.prepare = deps.prepare ?? null;
    this.people = new PeopleService({
      store: deps.store,
      taggers: this.taggers,
      afterCommit: this.afterCommit,
      tag: this.tag,
    });
  }

  /**
   * The interviews a search page needs to render its hits, from the store through a small cache.
   * Entries are keyed by the index's fingerprint of each interview, so a re-ingest or tag edit
   * the index has seen is never rendered from an older copy.
   */
  async documents(index: Pick<QuoteSearch, 'interview'>, ids: readonly string[]): Promise<DocumentLookup> {
    const out = new Map<string, Interview>();
    const metas = await Promise.all(ids.map((id) => index.interview(id)));
    const fingerprints = new Map(ids.map((id, i) => [id, metas[i]?.fingerprint ?? '']));
    const keyOf = (id: string) => `${id}\u0000${fingerprints.get(id) ?? ''}`;
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
   * Searches quotes: the index plans the page, the store (through the cache) supplies the
   * interviews it shows, the plan renders them. The plan is immune to writes meanwhile.
   */
  async search(index: Pick<QuoteSearch, 'plan' | 'interview'>, params: SearchParams): Promise<SearchPage> {
    const plan = await index.plan(params);
    return plan.render(await this.documents(index, plan.documentIds));
  }

  /**
   * Throws a 400 naming `id` when no interview of that id is indexed or stored, with indexed ids
   * spelt nearly alike as `details.candidates`: `/search?interview=<unknown id>` answered an empty
   * 200 that read as "nothing in it matches", where an unknown tag or interviewee is a 400. One
   * stored but not indexed yet (an ingest a moment ago) is known. Readers call it when a filtered
   * result is empty, so a search that finds something reads nothing more.
   */
  async assertKnownInterview(
    index: Pick<QuoteSearch, 'interview' | 'interviewIds'>,
    id: string | undefined,
  ): Promise<void> {
    if (id === undefined || (await index.interview(id)) !== undefined) return;
    if ((await this.store.getInterview(id)) !== null) return;
    const candidates = nearIds(await index.interviewIds(), id);
    throw new ValidationError(
      `interview '${id}' is no interview${candidates.length > 0 ? ` (did you mean ${candidates.join(', ')}?)` : ''}; GET /interviews lists them`,
      { interview: id, candidates },
    );
  }

  /**
   * Throws a 400 naming `personId` when nobody of that id speaks in a stored interview (a person
   * merged away names whom they became, `details.mergedInto`): `/interviews?interviewee=<unknown
   * id>` answered an empty 200. Readers call it when the filtered list is empty.
   */
  async assertKnownPerson(personId: string | undefined): Promise<void> {
    if (personId === undefined) return;
    if ((await this.store.interviewsOfPerson(personId)).length > 0) return;
    const into = (await this.store.personProfiles([personId])).get(personId)?.mergedInto;
    throw new ValidationError(
      into
        ? `interviewee '${personId}' was merged into '${into}': filter by that id`
        : `interviewee '${personId}' is no person who speaks in a stored interview; GET /interviewees?q=<name> finds ids`,
      { interviewee: personId, ...(into ? { mergedInto: into } : {}) },
    );
  }

  /** Parses (text, or a .docx's bytes) or validates (canonical JSON) an interview, with the caller's id if given. */
  private async parseInput(
    input: IngestInput,
    options: ParseOptions,
    named?: (interview: Interview) => void,
  ): Promise<Interview> {
    const interview = await this.fromSource(input, options, (source, o) => this.parse(source, o));
    return this.finishParse(interview, options, named);
  }

  /** Runs a parsing step on the input as a source (canonical JSON as its text, format `json`). */
  private async fromSource<T>(
    input: IngestInput,
    options: ParseOptions,
    step: (source: TranscriptSource, options: ParseOptions) => T | Promise<T>,
  ): Promise<T> {
    if ('text' in input) return step(input.text, options);
    if ('bytes' in input) return step(input.bytes, options);
    try {
      return await step(JSON.stringify(input.json), { ...options, format: 'json' });
    } catch (e) {
      // A JSON body of the wrong shape is a bad request, not an unparseable transcript.
      if (e instanceof ParseError) throw new ValidationError(`invalid interview JSON: ${e.reason}`);
      throw e;
    }
  }

  /**
   * The caller's id, then editors' people edits (of this interview and its people) on a new parse.
   * `named` sees the interview with its final id just before the people edits are read (in the
   * same tick: reads it starts share their batched request).
   */
  private async finishParse(
    parsed: Interview,
    options: ParseOptions,
    named?: (interview: Interview) => void,
  ): Promise<Interview> {
    const interview = options.id && parsed.id !== options.id ? withInterviewId(parsed, options.id) : parsed;
    named?.(interview);
    return this.people.overlay(interview);
  }

  /**
   * What an ingest of this input would store, without storing anything: the parsed interview, each
   * quote's topic tags, and whether an interview with that id exists (and would be replaced).
   */
  async preview(
    input: IngestInput,
    options: ParseOptions & { onExisting?: 'replace' | 'same-source' } = {},
  ): Promise<IngestPreview> {
    const interview = await this.parseInput(input, options);
    const record = await this.tag(await this.taggers.current(), interview);
    const tags: Record<string, string[]> = {};
    for (const [id, matches] of Object.entries(record.autoTags)) tags[id] = matches.map((m) => m.topic);
    const existing = await this.store.getInterview(interview.id);
    const conflict =
      options.onExisting === 'same-source' && existing !== null && !sameSource(existing.interview, interview);
    return { interview, tags, exists: existing !== null, conflict };
  }

  /**
   * Parses (text) or validates (canonical JSON), tags and stores an interview; replaces by id.
   * With `onExisting: 'same-source'` (a POST whose id was derived, not named by the caller) an
   * existing interview is replaced only by the same source — the same URL, or without URLs the
   * same title and turns — and anything else is a 409 naming the existing id.
   */
  async ingest(
    input: IngestInput,
    options: ParseOptions & { onExisting?: 'replace' | 'same-source' } = {},
  ): Promise<IngestResult> {
    let prepared: PreparedIngest | null = null;
    let interview: Interview;
    // The write's own reads (head, manual tags) start with the people edits' (one request); the
    // store reads again if the interview's quotes changed meanwhile.
    let reads: Promise<WriteReads> | undefined;
    const readAhead = (named: Interview) => {
      reads = this.store.readForWrite(
        named.id,
        named.turns.map((t) => t.id),
      );
      // Awaited below unless an error comes first: not an unhandled rejection then.
      reads.catch(() => undefined);
    };
    if (this.prepare) {
      const prepare = this.prepare;
      const tagger = await this.taggers.current();
      prepared = await this.fromSource(input, options, (source, o) => prepare(source, o, tagger));
      interview = await this.finishParse(prepared.record.interview, options, readAhead);
      // Tags and tokens of the interview as parsed: another one (renamed, people edited) is tagged again.
      if (interview !== prepared.record.interview) prepared = null;
    } else interview = await this.parseInput(input, options, readAhead);
    if (options.onExisting === 'same-source') {
      const existing = await this.store.getInterview(interview.id);
      if (existing && !sameSource(existing.interview, interview))
        throw new ConflictError(
          `interview '${interview.id}' already exists from another source; PUT /interviews/${interview.id} to replace it, or POST with ?id= to store this one under another id`,
          { existingId: interview.id },
        );
    }
    const record = prepared?.record ?? (await this.tag(await this.taggers.current(), interview));
    const put = await this.store.putInterview(record, reads ? { reads: await reads } : {});
    const indexing = prepared?.indexing;
    await this.afterCommit({
      kind: 'interview',
      id: interview.id,
      committed: {
        interview,
        quoteTags: put.quoteTags,
        version: put.version,
        ...(indexing ? { prepared: indexing } : {}),
      },
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
    await this.store.deletePeopleEdits(id);
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
      const scope = `interviews?interviewee=${options.interviewee}&tag=${options.tag ?? ''}`;
      return pageOf(all, options.limit, options.cursor, scope);
    }
    return this.store.listInterviews(options);
  }

  // The tag use cases live in lib/tagging/ (a module per job); these keep the callers of before working.

  /** One quote with its tags explained. */
  getQuote(quoteId: string): Promise<QuoteDetail> {
    return getQuote(this.tagging, quoteId);
  }

  /** Adds and removes tags of a quote (see lib/tagging/quotes.ts). */
  editQuoteTags(
    quoteId: string,
    change: TagChange,
    who: string,
    expectedVersion?: number,
  ): Promise<QuoteDetail> {
    return editQuoteTags(this.tagging, quoteId, change, who, expectedVersion);
  }

  /** An interviewee's corrections and their version (for optimistic locking). */
  async personTags(personId: string): Promise<{ tags: string[]; version: number }> {
    const profile = await interviewee(this.tagging, personId);
    return { tags: profile.manual.add, version: profile.version };
  }

  /** An interviewee's profile. */
  interviewee(personId: string): Promise<IntervieweeProfile> {
    return interviewee(this.tagging, personId);
  }

  /** Interviewees with all/any of the tags, paged by id. */
  async interviewees(options: {
    tags: string[];
    match: 'all' | 'any';
    limit: number;
    cursor?: string | undefined;
    /** A name or reading: the interviewees the index finds by it, best first. */
    q?: string;
    /**
     * Finds people by name; without a name or tag, lists every interviewee from memory, so a page
     * costs the profiles it shows, not a listing of every interview in the store.
     */
    index?: Pick<PeopleDirectory, 'findPeople' | 'intervieweeIds' | 'interviewsOfPeople'>;
  }): Promise<Page<IntervieweeProfile>> {
    const scope = `interviewees?match=${options.match}&tag=${options.tags.join(',')}&q=${options.q ?? ''}`;
    const among =
      options.q !== undefined && options.index
        ? (await options.index.findPeople(options.q, { role: 'interviewee' })).map((p) => p.id)
        : options.index && options.tags.length === 0
          ? await options.index.intervieweeIds()
          : undefined;
    const index = options.index;
    return interviewees(
      this.tagging,
      {
        ...options,
        ...(among ? { among } : {}),
        // Where each person of the page speaks, from the index: the page's interviews are read in
        // one batch instead of a query per person (100 people: ~200 store requests, ~0.5 s).
        ...(index ? { candidates: (ids: readonly string[]) => index.interviewsOfPeople(ids) } : {}),
      },
      (all, limit, cursor) => pageOf(all, limit, cursor, scope),
    );
  }

  /** Quotes with a tag, paged. */
  quotesWithTag(tag: string, limit: number, cursor?: string): Promise<Page<QuoteView>> {
    return quotesWithTag(this.tagging, tag, limit, cursor);
  }

  /** Every tag in use with quote and interviewee counts. */
  tags(index: HeldTagCounts): Promise<TagSummary[]> {
    return listTags(this.tagging, index);
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
