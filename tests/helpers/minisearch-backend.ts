/**
 * A second {@link SearchBackend}, to prove the ports of lib/search/backend.ts are real: a small
 * reference implementation on the `minisearch` package, written the way a cluster backend
 * (Amazon OpenSearch, docs/scaling.md) would be, and run by the same contract as QuoteIndex
 * (tests/unit/search-backend.test.ts) and behind the HTTP API (tests/api/search-backend-api.test.ts).
 *
 * How it differs from the packed engine, on purpose:
 * - Quotes are found through character bigrams (and single characters) of the match-normalised text (NFKC, lower case,
 *   hiragana folded to katakana: lib/text/normalize.ts), as OpenSearch's `cjk_bigram` filter
 *   indexes them, then each word and phrase is checked against the normalised text it keeps (a
 *   cluster keeps `_source`): a word is found as a substring, whatever the word segmentation.
 *   Ranking is MiniSearch's BM25 over those bigrams; no readings (けっこん does not find 結婚), no
 *   spelling variants, no match through the question a quote answers, no title field, `OR` not
 *   understood. None of that is in the contract: it is the packed engine's, tested on it alone.
 * - Completions come from the analyzer's words (lib/text/analyze.ts), as written.
 * - People are found with the pure functions of lib/search/people.ts over what it keeps per
 *   interview (a cluster would keep them in a small `people` index).
 * - Every method answers through a Promise, as a remote engine does: a use case that forgot to
 *   `await` the port fails with this backend behind it.
 * - Its durable form is JSON of what it keeps; reopening re-indexes it (a cluster's is its own).
 * - Removed quotes stay in MiniSearch's term index as "dirt" until {@link MiniSearchBackend.vacuum}
 *   (automatic vacuuming off): the indexer's background maintenance does it, as a cluster merges
 *   away deleted documents (tests/helpers/minisearch-target.ts).
 */
import MiniSearch from 'minisearch';
import { ValidationError } from '../../lib/errors.ts';
import { digest } from '../../lib/ids.ts';
import type { Interview, Role } from '../../lib/model.ts';
import { type DuplicateGroup, possibleDuplicates } from '../../lib/people/duplicates.ts';
import type { SearchBackend } from '../../lib/search/backend.ts';
import { counts, emptyFacets } from '../../lib/search/facets.ts';
import { highlight, mergeRanges, type Range } from '../../lib/search/highlight.ts';
import {
  type DocumentLookup,
  type InterviewMeta,
  indexFingerprint,
  type SearchHit,
  type SearchPage,
  type SearchParams,
  SearchParamsSchema,
  type SearchPlan,
  type Suggestion,
} from '../../lib/search/index.ts';
import { decodeCursor, encodeCursor, toMs } from '../../lib/search/params.ts';
import {
  coSpeakersOf,
  matchPeople,
  type PeopleResolution,
  type PersonMatch,
  peopleOfInterview,
  resolvePeople,
} from '../../lib/search/people.ts';
import { analyze } from '../../lib/text/analyze.ts';
import { foldedIndexOf, normalizeForMatch } from '../../lib/text/normalize.ts';

/** One quote as this backend keeps it (a cluster's document). */
interface QuoteDoc {
  id: string;
  interview: string;
  ordinal: number;
  role: Role;
  /** Who said it (null: an unnamed speaker), then everyone who said it: the speaker and co-speakers. */
  speaker: string | null;
  speakers: string[];
  /** The text, match-normalised (what words and phrases are checked against). */
  norm: string;
  tags: string[];
  /** Completion keys of the words it says (normalised → as written). */
  words: Array<[string, string]>;
}

/** What it keeps of an interview (a cluster's interview-level document). */
interface InterviewDoc {
  meta: InterviewMeta;
  quotes: string[];
}

/** The durable form (see {@link MiniSearchBackend.toJSON}). */
interface Stored {
  docs: QuoteDoc[];
  interviews: InterviewDoc[];
}

/** Character bigrams of a query's word (the character itself for a word of one). */
function grams(s: string): string[] {
  const chars = [...s.replace(/\s+/g, '')];
  if (chars.length <= 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** A text's bigrams and its characters, as `cjk_bigram` with `output_unigrams` indexes them. */
function indexGrams(s: string): string[] {
  return [...grams(s), ...new Set(s.replace(/\s+/g, ''))];
}

/** A user's query: words, phrases (「…」 or "…") and excluded words (-word), normalised. */
function parseQuery(q: string): { words: string[]; phrases: string[]; excluded: string[]; or: boolean } {
  const phrases: string[] = [];
  const rest = q.replace(/「([^」]*)」|"([^"]*)"/g, (_m, a: string | undefined, b: string | undefined) => {
    const p = normalizeForMatch(a ?? b ?? '').trim();
    if (p) phrases.push(p);
    return ' ';
  });
  const words: string[] = [];
  const excluded: string[] = [];
  let or = false;
  for (const raw of rest.split(/[\s\u3000]+/)) {
    if (raw === 'OR') {
      or = true;
      continue;
    }
    const neg = raw.startsWith('-') || raw.startsWith('－');
    const w = normalizeForMatch(neg ? raw.slice(1) : raw).trim();
    if (!w) continue;
    (neg ? excluded : words).push(w);
  }
  return { words, phrases, excluded, or };
}

/** Where the needles are in a quote's text (for its highlight). */
function rangesOf(text: string, needles: readonly string[]): Range[] {
  const folded = text.normalize('NFKC').toLowerCase();
  // Offsets are the text's own only when normalising kept its length (half-width kana does not).
  if (folded.length !== text.length) return [];
  const out: Range[] = [];
  for (const n of needles) {
    for (let at = foldedIndexOf(folded, n); at >= 0; at = foldedIndexOf(folded, n, at + n.length))
      out.push({ start: at, end: at + n.length });
  }
  return mergeRanges(out);
}

/** The reference backend (see the module comment). */
export class MiniSearchBackend implements SearchBackend {
  private docs = new Map<string, QuoteDoc>();
  private interviews = new Map<string, InterviewDoc>();
  private mini = MiniSearchBackend.emptyIndex();

  private static emptyIndex(): MiniSearch<QuoteDoc> {
    return new MiniSearch<QuoteDoc>({
      fields: ['norm'],
      idField: 'id',
      tokenize: indexGrams,
      processTerm: (t) => t,
      searchOptions: { tokenize: grams, processTerm: (t) => t },
      // Vacuumed by the indexer's compaction (see vacuum), not behind its back.
      autoVacuum: false,
    });
  }

  /** Opens a backend from its durable form. */
  static fromJSON(json: string): MiniSearchBackend {
    const stored = JSON.parse(json) as Stored;
    const b = new MiniSearchBackend();
    for (const iv of stored.interviews) b.interviews.set(iv.meta.id, iv);
    for (const d of stored.docs) b.docs.set(d.id, d);
    b.mini.addAll(stored.docs);
    return b;
  }

  /** Its durable form: what it keeps, as JSON. */
  toJSON(): string {
    const stored: Stored = { docs: [...this.docs.values()], interviews: [...this.interviews.values()] };
    return JSON.stringify(stored);
  }

  /** Removed quotes still held by the term index (searches skip them; vacuum drops them). */
  get dirt(): number {
    return this.mini.dirtCount;
  }

  /** Drops removed quotes from the term index: documents held before, and live ones after. */
  async vacuum(): Promise<{ docs: number; live: number }> {
    const docs = this.mini.documentCount + this.mini.dirtCount;
    await this.mini.vacuum();
    return { docs, live: this.mini.documentCount };
  }

  get stats(): { quotes: number; interviews: number } {
    return { quotes: this.docs.size, interviews: this.interviews.size };
  }

  // ------------------------------------------------------------------ writes

  async upsertInterview(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]> = new Map(),
  ): Promise<void> {
    this.drop(interview.id);
    const quotes: string[] = [];
    for (const t of interview.turns) {
      const words: Array<[string, string]> = [];
      for (const tok of analyze(t.text)) {
        if (tok.kind !== 'word' && tok.kind !== 'run' && tok.kind !== 'latin') continue;
        const written = t.text.slice(tok.start, tok.end).normalize('NFKC');
        words.push([normalizeForMatch(written), written]);
      }
      const doc: QuoteDoc = {
        id: t.id,
        interview: interview.id,
        ordinal: t.ordinal,
        role: t.role,
        speaker: t.speakerId,
        speakers: [...(t.speakerId ? [t.speakerId] : []), ...(t.coSpeakerIds ?? [])],
        norm: normalizeForMatch(t.text),
        tags: [...(tagsByQuote.get(t.id) ?? [])],
        words,
      };
      this.docs.set(doc.id, doc);
      this.mini.add(doc);
      quotes.push(doc.id);
    }
    const publishedAtMs = interview.publishedAt ? Date.parse(interview.publishedAt) : null;
    this.interviews.set(interview.id, {
      quotes,
      meta: {
        id: interview.id,
        title: interview.title,
        publishedAt: interview.publishedAt,
        publishedAtMs: publishedAtMs === null || Number.isNaN(publishedAtMs) ? null : publishedAtMs,
        interviewees: interview.interviewees.map((p) => ({ id: p.id, name: p.name })),
        people: peopleOfInterview(interview),
        coSpeakers: coSpeakersOf(interview),
        quotes: interview.turns.length,
        fingerprint: indexFingerprint(interview, tagsByQuote),
      },
    });
  }

  private drop(interviewId: string): boolean {
    const iv = this.interviews.get(interviewId);
    if (!iv) return false;
    for (const id of iv.quotes) {
      if (this.docs.delete(id)) this.mini.discard(id);
    }
    this.interviews.delete(interviewId);
    return true;
  }

  async removeInterview(interviewId: string): Promise<boolean> {
    return this.drop(interviewId);
  }

  async setQuoteTags(quoteId: string, tags: readonly string[]): Promise<boolean> {
    const doc = this.docs.get(quoteId);
    if (!doc) return false;
    // Tags are not searched as text: no re-indexing, as a cluster's partial update of a keyword field.
    doc.tags = [...tags];
    return true;
  }

  // ------------------------------------------------------------------ quote search

  private parse(input: SearchParams) {
    const parsed = SearchParamsSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`${issue?.path.join('.') || 'query'}: ${issue?.message}`);
    }
    const from = toMs(parsed.data.from, false);
    const to = toMs(parsed.data.to, true);
    if (from !== null && to !== null && from > to)
      throw new ValidationError(`from (${parsed.data.from}) is after to (${parsed.data.to}): swap them`);
    return { params: parsed.data, from, to };
  }

  private fingerprintOf(params: ReturnType<MiniSearchBackend['parse']>['params']): string {
    const { limit: _limit, cursor: _cursor, ...asked } = params;
    return digest(JSON.stringify(asked), 16);
  }

  async cursorAt(input: SearchParams, offset: number): Promise<string | undefined> {
    return offset > 0 ? encodeCursor(offset, this.fingerprintOf(this.parse(input).params)) : undefined;
  }

  private resolve(values: readonly string[]): PeopleResolution {
    return resolvePeople(
      values,
      () => this.peopleOf(),
      (id) => [...this.interviews.values()].some((iv) => iv.meta.people?.some((p) => p.id === id)),
    );
  }

  private *peopleOf() {
    for (const iv of this.interviews.values())
      yield { id: iv.meta.id, title: iv.meta.title, people: iv.meta.people ?? [] };
  }

  async plan(input: SearchParams): Promise<SearchPlan> {
    const { params, from, to } = this.parse(input);
    const fingerprint = this.fingerprintOf(params);
    const offset = params.cursor ? decodeCursor(params.cursor, fingerprint) : 0;
    const people = params.interviewee?.length ? this.resolve(params.interviewee) : null;
    const speakers = people ? new Set(people.ids) : null;
    const keep = (d: QuoteDoc): boolean => {
      const meta = this.interviews.get(d.interview)?.meta;
      if (!meta) return false;
      if (params.speaker !== 'any' && d.role !== params.speaker) return false;
      if (params.interview && d.interview !== params.interview) return false;
      if (from !== null && (meta.publishedAtMs === null || meta.publishedAtMs < from)) return false;
      if (to !== null && (meta.publishedAtMs === null || meta.publishedAtMs > to)) return false;
      if (params.tags.length > 0) {
        const has = (t: string) => d.tags.includes(t);
        if (params.match === 'all' ? !params.tags.every(has) : !params.tags.some(has)) return false;
      }
      return !speakers || d.speakers.some((s) => speakers.has(s));
    };
    const q = parseQuery(params.q);
    const excludedBy = (d: QuoteDoc) => q.excluded.some((w) => d.norm.includes(w));
    const needles = [...q.words, ...q.phrases];
    let matched: SearchPage['matched'] = 'all';
    let relaxed = false;
    let found: Array<{ doc: QuoteDoc; score: number }>;
    if (needles.length === 0) {
      matched = 'filter';
      found = [...this.docs.values()]
        .filter((d) => keep(d) && !excludedBy(d))
        .map((doc) => ({ doc, score: 0 }));
    } else {
      const scored = new Map<string, number>();
      // Candidates: quotes with every bigram of some needle (BM25 over bigrams), checked below.
      for (const r of this.mini.search({
        combineWith: 'OR',
        queries: needles.map((n) => ({ combineWith: 'AND', queries: [n] })),
      }))
        scored.set(String(r.id), r.score);
      const candidates = [...scored.keys()].flatMap((id) => {
        const doc = this.docs.get(id);
        return doc && keep(doc) && !excludedBy(doc) && q.phrases.every((p) => doc.norm.includes(p))
          ? [doc]
          : [];
      });
      const every = (d: QuoteDoc) => q.words.every((w) => d.norm.includes(w));
      const some = (d: QuoteDoc) => q.words.length === 0 || q.words.some((w) => d.norm.includes(w));
      let docs = q.or ? candidates.filter(some) : candidates.filter(every);
      if (q.or) matched = 'any';
      else if (docs.length === 0 && params.terms === 'ranked' && q.words.length > 1) {
        docs = candidates.filter(some);
        matched = 'any';
        relaxed = true;
      }
      found = docs.map((doc) => ({ doc, score: scored.get(doc.id) ?? 0 }));
    }
    const metaOf = (d: QuoteDoc) => this.interviews.get(d.interview)?.meta;
    if (matched === 'filter')
      found.sort((a, b) => {
        const ma = metaOf(a.doc)?.publishedAtMs ?? 0;
        const mb = metaOf(b.doc)?.publishedAtMs ?? 0;
        return mb - ma || a.doc.interview.localeCompare(b.doc.interview) || a.doc.ordinal - b.doc.ordinal;
      });
    else
      found.sort(
        (a, b) =>
          b.score - a.score ||
          a.doc.interview.localeCompare(b.doc.interview) ||
          a.doc.ordinal - b.doc.ordinal,
      );
    const facets = emptyFacets();
    for (const { doc } of found) {
      const meta = metaOf(doc);
      for (const t of doc.tags) facets.tags[t] = (facets.tags[t] ?? 0) + 1;
      for (const id of doc.speakers) {
        const person = meta?.interviewees.find((p) => p.id === id);
        if (!person) continue;
        facets.interviewees[id] = (facets.interviewees[id] ?? 0) + 1;
        facets.intervieweeNames[id] = person.name;
      }
      facets.roles[doc.role] = (facets.roles[doc.role] ?? 0) + 1;
      const year = meta?.publishedAt?.slice(0, 4);
      if (year) facets.years[year] = (facets.years[year] ?? 0) + 1;
    }
    const page = found.slice(offset, offset + params.limit).map(({ doc, score }) => ({
      interview: doc.interview,
      ordinal: doc.ordinal,
      tags: [...doc.tags],
      score,
    }));
    const total = found.length;
    const nextCursor =
      offset + params.limit < total ? encodeCursor(offset + params.limit, fingerprint) : null;
    const named = people && Object.keys(people.names).length > 0 ? { people: people.names } : {};
    const titles = new Map(page.map((p) => [p.interview, this.interviews.get(p.interview)?.meta]));
    return {
      documentIds: [...new Set(page.map((p) => p.interview))],
      render(lookup?: DocumentLookup): SearchPage {
        const hits: SearchHit[] = [];
        for (const p of page) {
          const iv = lookup?.(p.interview);
          const turn = iv?.turns.find((t) => t.ordinal === p.ordinal);
          const meta = titles.get(p.interview);
          if (!iv || !turn || !meta) continue;
          const question = turn.questionId ? iv.turns.find((t) => t.id === turn.questionId) : undefined;
          const ranges = rangesOf(turn.text, needles);
          hits.push({
            quoteId: turn.id,
            interviewId: iv.id,
            interviewTitle: iv.title,
            publishedAt: iv.publishedAt,
            ordinal: turn.ordinal,
            text: turn.text,
            highlight: highlight(turn.text, ranges),
            speaker: { id: turn.speakerId, name: turn.speaker, role: turn.role },
            section: turn.section,
            question: question
              ? { quoteId: question.id, text: question.text, ranges: rangesOf(question.text, needles) }
              : null,
            tags: p.tags,
            score: p.score,
            matchedIn: ranges.length > 0 ? ['text'] : [],
          });
        }
        // Relaxed only when no quote has every word (the engine's fill below RELAX_BELOW for a phrase
        // typed with kana is its own): so every relaxed page here says none has them all.
        const every = relaxed ? { everyWord: 0 } : {};
        return {
          total,
          hits,
          facets,
          nextCursor,
          matched,
          relaxed,
          ...every,
          totalIsEstimate: false,
          ...named,
        };
      },
    };
  }

  async search(params: SearchParams, documents?: DocumentLookup): Promise<SearchPage> {
    return (await this.plan(params)).render(documents);
  }

  async suggest(q: string, limit = 8): Promise<Suggestion[]> {
    const last = normalizeForMatch(q.trim().split(/\s+/).pop() ?? '');
    if (!last || !/[^ー]/.test(last)) return [];
    const byWord = new Map<string, Set<string>>();
    for (const d of this.docs.values())
      for (const [key, written] of d.words)
        if (key.startsWith(last)) {
          const set = byWord.get(written) ?? new Set<string>();
          set.add(d.id);
          byWord.set(written, set);
        }
    return [...byWord]
      .map(([text, quotes]) => ({ text, quotes: quotes.size }))
      .sort((a, b) => b.quotes - a.quotes || a.text.localeCompare(b.text))
      .slice(0, Math.max(1, Math.min(limit, 50)));
  }

  async tagCounts(): Promise<Record<string, number>> {
    const out = counts<number>();
    for (const d of this.docs.values()) for (const t of d.tags) out[t] = (out[t] ?? 0) + 1;
    return out;
  }

  async interview(interviewId: string): Promise<InterviewMeta | undefined> {
    return this.interviews.get(interviewId)?.meta;
  }

  async interviewIds(): Promise<string[]> {
    return [...this.interviews.keys()];
  }

  // ------------------------------------------------------------------ people

  async findPeople(q: string, options: { role?: Role; limit?: number } = {}): Promise<PersonMatch[]> {
    const found = matchPeople(this.peopleOf(), q, options.role ? { role: options.role } : {});
    return found.slice(0, options.limit ?? found.length);
  }

  async intervieweeIds(): Promise<string[]> {
    const ids = new Set<string>();
    for (const iv of this.interviews.values()) for (const p of iv.meta.interviewees) ids.add(p.id);
    return [...ids].sort();
  }

  async interviewsOfPeople(personIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map(personIds.map((id) => [id, [] as string[]]));
    for (const iv of this.interviews.values())
      for (const p of iv.meta.people ?? []) out.get(p.id)?.push(iv.meta.id);
    for (const list of out.values()) list.sort();
    return out;
  }

  async personNames(personIds: Iterable<string>): Promise<Map<string, string>> {
    const wanted = new Set(personIds);
    const names = new Map<string, string>();
    for (const iv of this.interviews.values())
      for (const p of iv.meta.interviewees) if (wanted.has(p.id) && !names.has(p.id)) names.set(p.id, p.name);
    return names;
  }

  async duplicatePeople(): Promise<DuplicateGroup[]> {
    return possibleDuplicates(
      [...this.interviews.values()].map(({ meta }) => ({
        id: meta.id,
        title: meta.title,
        publishedAt: meta.publishedAt,
        people: meta.people ?? [],
      })),
    );
  }

  async peopleByTag(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const d of this.docs.values()) {
      const speaker = d.speaker;
      if (d.role !== 'interviewee' || !speaker) continue;
      if (!this.interviews.get(d.interview)?.meta.interviewees.some((p) => p.id === speaker)) continue;
      for (const t of d.tags) {
        const set = out.get(t) ?? new Set<string>();
        set.add(speaker);
        out.set(t, set);
      }
    }
    return out;
  }

  async peopleIds(): Promise<string[]> {
    const ids = new Set<string>();
    for (const iv of this.interviews.values()) for (const p of iv.meta.people ?? []) ids.add(p.id);
    return [...ids].sort();
  }
}
