/**
 * The application's use cases, on top of the ports: ingest, read, delete, tag edits and merges,
 * interviewee profiles. HTTP-free; the Hono app in lib/api/ is a thin layer over this.
 */
import { ConflictError, NotFoundError, ParseError, ValidationError } from './errors.ts';
import { canonicalUrl, interviewIdOfQuote } from './ids.ts';
import type { Interview, InterviewInput } from './model.ts';
import { type ParseOptions, parseSource, type TranscriptSource, withInterviewId } from './parse/index.ts';
import type { DocumentLookup, QuoteIndex, SearchPage, SearchParams } from './search/index.ts';
import { pageOf } from './store/cursor.ts';
import type {
  InterviewRecord,
  InterviewSummary,
  ManualTags,
  Page,
  Store,
  StoredInterview,
} from './store/port.ts';
import type { TopicTagger } from './tagger.ts';
import { effectiveTags } from './tags.ts';

/** A tag in use, as GET /tags lists it. */
export interface TagSummary {
  id: string;
  label: string;
  labelEn: string;
  kind: 'topic' | 'manual';
  quotes: number;
  interviewees: number;
}

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
  tagger: TopicTagger;
  /** Called after each committed write (local: update the index in-process; AWS: Streams do it). */
  afterCommit?: (change: Change) => Promise<void>;
  /**
   * Parses a transcript (text, or the bytes of a .docx) or canonical JSON (default:
   * {@link parseSource} in this thread). The local server parses on worker threads with a time
   * bound, off the event loop.
   */
  parse?: (source: TranscriptSource, options: ParseOptions) => Interview | Promise<Interview>;
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

/** A quote as the API shows it outside search results. */
export interface QuoteView {
  quoteId: string;
  interviewId: string;
  interviewTitle: string;
  text: string;
  speaker: { id: string | null; name: string; role: string };
  section: string | null;
  question: { quoteId: string; text: string } | null;
  tags: string[];
}

/** An interviewee profile. */
export interface IntervieweeProfile {
  id: string;
  name: string;
  handle: string | null;
  location: string | null;
  occupation: string | null;
  tags: Array<{ id: string; quotes: number; source: 'topic' | 'manual' }>;
  interviews: Array<{ id: string; title: string; publishedAt: string | null }>;
  evidence: QuoteView[];
}

function quoteView(stored: StoredInterview, turnId: string, tags: string[]): QuoteView | null {
  const iv = stored.interview;
  const t = iv.turns.find((x) => x.id === turnId);
  if (!t) return null;
  const q = t.questionId ? iv.turns.find((x) => x.id === t.questionId) : undefined;
  return {
    quoteId: t.id,
    interviewId: iv.id,
    interviewTitle: iv.title,
    text: t.text,
    speaker: { id: t.speakerId, name: t.speaker, role: t.role },
    section: t.section,
    question: q ? { quoteId: q.id, text: q.text } : null,
    tags,
  };
}

/** kikigaki's use cases. */
export class Kikigaki {
  private readonly store: Store;
  private readonly tagger: TopicTagger;
  private readonly afterCommit: (change: Change) => Promise<void>;
  private readonly parse: (source: TranscriptSource, options: ParseOptions) => Interview | Promise<Interview>;
  private readonly documentCache = new Map<string, Interview>();

  /** Wires the use cases to a store and a tagger. */
  constructor(deps: KikigakiDeps) {
    this.store = deps.store;
    this.tagger = deps.tagger;
    this.afterCommit = deps.afterCommit ?? (async () => {});
    this.parse = deps.parse ?? parseSource;
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
   * Searches quotes: the index plans the page, the store (through the cache) supplies the
   * interviews it shows, the plan renders them. The plan is immune to writes meanwhile.
   */
  async search(index: QuoteIndex, params: SearchParams): Promise<SearchPage> {
    const plan = index.plan(params);
    return plan.render(await this.documents(index, plan.documentIds));
  }

  /** Tags an interview and builds what the store keeps. */
  record(interview: Interview): InterviewRecord {
    const tags = this.tagger.tagInterview(interview);
    return {
      interview,
      autoTags: Object.fromEntries(tags.quotes),
      people: Object.fromEntries(tags.interviewees),
    };
  }

  /**
   * Parses (text) or validates (canonical JSON), tags and stores an interview; replaces by id.
   * With `onExisting: 'same-source'` (a POST whose id was derived, not named by the caller) an
   * existing interview is replaced only by the same source — the same URL, or without URLs the
   * same title and turns — and anything else is a 409 naming the existing id.
   */
  async ingest(
    input: { text: string } | { bytes: Uint8Array } | { json: InterviewInput | unknown },
    options: ParseOptions & { onExisting?: 'replace' | 'same-source' } = {},
  ): Promise<IngestResult> {
    let interview: Interview;
    if ('text' in input) interview = await this.parse(input.text, options);
    else if ('bytes' in input) interview = await this.parse(input.bytes, options);
    else {
      try {
        interview = await this.parse(JSON.stringify(input.json), { ...options, format: 'json' });
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
    const record = this.record(interview);
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
    const tags: Record<string, string[]> = {};
    for (const t of stored.interview.turns) {
      tags[t.id] = effectiveTags(
        (stored.autoTags[t.id] ?? []).map((m) => m.topic),
        manual.get(t.id),
        aliases,
      );
    }
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
      const scope = `interviews?interviewee=${options.interviewee}&tag=${options.tag ?? ''}`;
      return pageOf(all, options.limit, options.cursor, scope);
    }
    return this.store.listInterviews(options);
  }

  private async quoteContext(quoteId: string): Promise<{ stored: StoredInterview; manual: ManualTags }> {
    const interviewId = interviewIdOfQuote(quoteId);
    const stored = interviewId ? await this.store.getInterview(interviewId) : null;
    const known = stored?.interview.turns.some((t) => t.id === quoteId) ?? false;
    if (!stored || !known) throw new NotFoundError('quote', quoteId);
    return { stored, manual: await this.store.getQuoteTags(quoteId) };
  }

  /** One quote with its effective tags and the manual corrections' version. */
  async getQuote(quoteId: string): Promise<QuoteView & { version: number; autoTags: string[] }> {
    const { stored, manual } = await this.quoteContext(quoteId);
    const auto = (stored.autoTags[quoteId] ?? []).map((m) => m.topic);
    const tags = effectiveTags(auto, manual, await this.store.aliases());
    return { ...(quoteView(stored, quoteId, tags) as QuoteView), version: manual.version, autoTags: auto };
  }

  /**
   * Adds and removes manual tags of a quote. With `expectedVersion` the edit applies only if
   * nobody changed the quote's tags since that version (else 409); without it, against the
   * version just read (a concurrent edit in between still answers 409, never a lost update).
   */
  async editQuoteTags(
    quoteId: string,
    change: { add?: string[]; remove?: string[] },
    who: string,
    expectedVersion?: number,
  ) {
    const { manual } = await this.quoteContext(quoteId);
    const base = expectedVersion ?? manual.version;
    const add = new Set(manual.add);
    const remove = new Set(manual.remove);
    for (const t of change.add ?? []) {
      add.add(t);
      remove.delete(t);
    }
    for (const t of change.remove ?? []) {
      add.delete(t);
      remove.add(t);
    }
    await this.store.putQuoteTags(quoteId, { add: [...add].sort(), remove: [...remove].sort() }, base, who);
    const interviewId = interviewIdOfQuote(quoteId) as string;
    await this.afterCommit({ kind: 'interview', id: interviewId });
    return this.getQuote(quoteId);
  }

  /** Replaces an interviewee's manual tags (optimistic locking as for quotes). */
  async setIntervieweeTags(
    personId: string,
    tags: string[],
    who: string,
    expectedVersion?: number,
  ): Promise<IntervieweeProfile> {
    // The same existence rule as interviewee(): a person is someone who appears in an interview.
    const interviews = await this.store.interviewsOfPerson(personId);
    if (interviews.length === 0) throw new NotFoundError('interviewee', personId);
    const current = await this.store.getPersonTags(personId);
    await this.store.putPersonTags(
      personId,
      [...new Set(tags)].sort(),
      expectedVersion ?? current.version,
      who,
    );
    return this.interviewee(personId);
  }

  /** Renames/merges a tag everywhere: future and existing automatic tags follow the alias. */
  async mergeTag(
    from: string,
    into: string,
    who: string,
  ): Promise<{ from: string; into: string; interviews: number }> {
    if (from === into) throw new ValidationError('a tag cannot be merged into itself');
    const aliases = await this.store.aliases();
    let t: string | undefined = into;
    for (let i = 0; t && i < 10; i++) {
      if (t === from) throw new ValidationError(`merging '${from}' into '${into}' would create a cycle`);
      t = aliases.get(t);
    }
    const affected = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.store.quotesWithTag(from, { limit: 100, cursor });
      for (const q of page.items) affected.add(q.interviewId);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    for (const p of await this.store.peopleWithTag(from)) if (p.interviewId) affected.add(p.interviewId);
    // Manual tags that name the old tag are rewritten too.
    for (const id of affected) {
      const stored = await this.store.getInterview(id);
      for (const [qid, m] of stored
        ? await this.store.manualQuoteTags(stored.interview.turns.map((x) => x.id))
        : []) {
        if (m.add.includes(from) || m.remove.includes(from)) {
          const swap = (xs: string[]) => [...new Set(xs.map((x) => (x === from ? into : x)))].sort();
          await this.store.putQuoteTags(qid, { add: swap(m.add), remove: swap(m.remove) }, m.version, who);
        }
      }
    }
    for (const p of await this.store.peopleWithTag(from)) {
      if (p.interviewId) continue;
      const m = await this.store.getPersonTags(p.personId);
      await this.store.putPersonTags(
        p.personId,
        [...new Set(m.add.map((x) => (x === from ? into : x)))].sort(),
        m.version,
        who,
      );
    }
    await this.store.putAlias(from, into, who);
    for (const id of affected) await this.store.refreshTags(id);
    await this.afterCommit({ kind: 'all' });
    return { from, into, interviews: affected.size };
  }

  /** Quotes with a tag (current versions), paged, with their text. */
  async quotesWithTag(tag: string, limit: number, cursor?: string): Promise<Page<QuoteView>> {
    const page = await this.store.quotesWithTag(tag, { limit, cursor });
    const interviewIds = [...new Set(page.items.map((q) => q.interviewId))];
    const [aliases, manual, stored] = await Promise.all([
      this.store.aliases(),
      this.store.manualQuoteTags(page.items.map((q) => q.quoteId)),
      Promise.all(interviewIds.map((id) => this.store.getInterview(id))),
    ]);
    const byInterview = new Map(interviewIds.map((id, i) => [id, stored[i] ?? null]));
    const items: QuoteView[] = [];
    for (const q of page.items) {
      const iv = byInterview.get(q.interviewId);
      if (!iv) continue;
      const auto = (iv.autoTags[q.quoteId] ?? []).map((m) => m.topic);
      const view = quoteView(iv, q.quoteId, effectiveTags(auto, manual.get(q.quoteId), aliases));
      if (view) items.push(view);
    }
    return { items, nextCursor: page.nextCursor };
  }

  /** An interviewee's profile: tags with quote counts, interviews and best evidence quotes. */
  async interviewee(personId: string): Promise<IntervieweeProfile> {
    const summaries = await this.store.interviewsOfPerson(personId);
    const manual = await this.store.getPersonTags(personId);
    if (summaries.length === 0) throw new NotFoundError('interviewee', personId);
    const aliases = await this.store.aliases();
    const counts = new Map<
      string,
      { quotes: number; best: { score: number; stored: StoredInterview; quoteId: string } | null }
    >();
    let person: Interview['interviewees'][number] | undefined;
    for (const s of summaries) {
      const stored = await this.store.getInterview(s.id);
      if (!stored) continue;
      person ??= stored.interview.interviewees.find((p) => p.id === personId);
      for (const pt of stored.people[personId] ?? []) {
        const tag = effectiveTags([pt.topic], undefined, aliases)[0] ?? pt.topic;
        const cur = counts.get(tag) ?? { quotes: 0, best: null };
        cur.quotes += pt.quotes;
        if (!cur.best || pt.score > cur.best.score)
          cur.best = { score: pt.score, stored, quoteId: pt.evidence };
        counts.set(tag, cur);
      }
    }
    const tags: IntervieweeProfile['tags'] = [...counts]
      .sort((a, b) => b[1].quotes - a[1].quotes || a[0].localeCompare(b[0]))
      .map(([id, c]) => ({ id, quotes: c.quotes, source: 'topic' as const }));
    for (const t of manual.add) if (!counts.has(t)) tags.push({ id: t, quotes: 0, source: 'manual' });
    // The best quote for each of the three tags with the most quotes, labelled with that tag.
    const evidence = tags
      .filter((t) => t.source === 'topic')
      .slice(0, 3)
      .map((t) => {
        const best = counts.get(t.id)?.best;
        return best ? quoteView(best.stored, best.quoteId, [t.id]) : null;
      })
      .filter((q): q is QuoteView => q !== null);
    return {
      id: personId,
      name: person?.name ?? summaries[0]?.interviewees.find((p) => p.id === personId)?.name ?? personId,
      handle: person?.handle ?? null,
      location: person?.location ?? null,
      occupation: person?.occupation ?? null,
      tags,
      interviews: summaries.map((s) => ({ id: s.id, title: s.title, publishedAt: s.publishedAt })),
      evidence,
    };
  }

  /** Interviewees with all/any of the tags (all interviewees when no tag is given), paged by id. */
  async interviewees(options: {
    tags: string[];
    match: 'all' | 'any';
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<IntervieweeProfile>> {
    let ids: string[];
    if (options.tags.length === 0) {
      // The list entries already name each interview's interviewees: no content reads.
      const all = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await this.store.listInterviews({ limit: 100, cursor });
        for (const summary of page.items) for (const p of summary.interviewees) all.add(p.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      ids = [...all];
    } else {
      const sets = await Promise.all(
        options.tags.map(async (t) => new Set((await this.store.peopleWithTag(t)).map((p) => p.personId))),
      );
      const union = new Set(sets.flatMap((s) => [...s]));
      ids = [...union].filter((id) => (options.match === 'all' ? sets.every((s) => s.has(id)) : true));
    }
    ids.sort();
    const scope = `interviewees?match=${options.match}&tag=${options.tags.join(',')}`;
    const page = pageOf(ids, options.limit, options.cursor, scope);
    const items: IntervieweeProfile[] = [];
    for (const id of page.items) {
      try {
        items.push(await this.interviewee(id));
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
    return { items, nextCursor: page.nextCursor };
  }

  /** Every tag in use (topic or manual) with quote and interviewee counts from the store. */
  async tags(quoteCounts: Record<string, number>): Promise<TagSummary[]> {
    const aliases = await this.store.aliases();
    const ids = new Set([
      ...this.tagger.taxonomy.topics.map((t) => t.id).filter((t) => !aliases.has(t)),
      ...Object.keys(quoteCounts),
    ]);
    const sorted = [...ids].sort();
    const people = await Promise.all(
      sorted.map(async (id) => new Set((await this.store.peopleWithTag(id)).map((p) => p.personId)).size),
    );
    return sorted.map((id, i) => {
      const topic = this.tagger.topic(id);
      return {
        id,
        label: topic?.label ?? id,
        labelEn: topic?.labelEn ?? id,
        kind: topic ? ('topic' as const) : ('manual' as const),
        quotes: quoteCounts[id] ?? 0,
        interviewees: people[i] ?? 0,
      };
    });
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
