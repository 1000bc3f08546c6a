/**
 * The Japanese-first quote index: a MiniSearch index over every turn of every interview, with
 * filters, facets, phrase search, highlighting, autosuggest, pagination and versioned snapshots.
 * Pure: no I/O; the store persists its snapshots.
 */
import MiniSearch, { type AsPlainObject, type Query, type SearchResult } from 'minisearch';
import { z } from 'zod';
import { SnapshotVersionError, ValidationError } from '../errors.ts';
import { digest } from '../ids.ts';
import type { Interview, Role } from '../model.ts';
import { ANALYZER_VERSION, analyze, indexTerms, type SegmentationMode } from '../text/analyze.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { type Highlight, highlight, matchRanges } from './highlight.ts';
import { type CompiledQuery, compileQuery, MAX_QUERY_CHARS, type VariantLookup } from './query.ts';

/** Version of the snapshot layout; loading any other version fails loudly. */
export const INDEX_SCHEMA_VERSION = 1;

/** Field boosts: the quote's own words matter most, then who said it, then context. */
export const FIELD_BOOSTS = { text: 2, speaker: 1.5, section: 0.8, title: 0.6, question: 0.5 } as const;

/** What is stored per quote (enough to render a hit and to re-index it). */
interface StoredQuote {
  id: string;
  interviewId: string;
  text: string;
  speaker: string;
  speakerId: string | null;
  role: Role;
  section: string | null;
  questionId: string | null;
  question: string | null;
  ordinal: number;
  tags: string[];
}

/** Per-interview facts shared by its quotes (kept once, not per quote). */
export interface InterviewMeta {
  id: string;
  title: string;
  publishedAt: string | null;
  publishedAtMs: number | null;
  interviewees: Array<{ id: string; name: string }>;
  quoteIds: string[];
  /** Digest of what search depends on (title, quote ids, texts, tags), to compare with the store. */
  fingerprint: string;
}

/** Digest of an interview's indexed content: the consistency check compares it with the store's. */
export function indexFingerprint(
  interview: Pick<Interview, 'title' | 'turns'>,
  tagsByQuote: ReadonlyMap<string, readonly string[]>,
): string {
  const parts = interview.turns.map((t) => [
    t.id,
    t.text,
    [...(tagsByQuote.get(t.id) ?? [])].sort().join(','),
  ]);
  return digest(JSON.stringify([interview.title, parts]), 16);
}

/** Search request, validated (the HTTP layer reuses this schema). */
export const SearchParamsSchema = z.object({
  q: z.string().max(MAX_QUERY_CHARS, `q is limited to ${MAX_QUERY_CHARS} characters`).default(''),
  tags: z.array(z.string().min(1).max(100)).max(20).default([]),
  match: z.enum(['all', 'any']).default('all'),
  interviewee: z.string().min(1).max(128).optional(),
  speaker: z.enum(['interviewee', 'interviewer', 'other', 'any']).default('any'),
  interview: z.string().min(1).max(128).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  cursor: z.string().max(200).optional(),
});
export type SearchParams = z.input<typeof SearchParamsSchema>;

/** One search hit. */
export interface SearchHit {
  quoteId: string;
  interviewId: string;
  interviewTitle: string;
  publishedAt: string | null;
  ordinal: number;
  text: string;
  highlight: Highlight;
  speaker: { id: string | null; name: string; role: Role };
  section: string | null;
  question: { quoteId: string; text: string } | null;
  tags: string[];
  score: number;
  /** Fields the query matched in (text, question, section, title, speaker). */
  matchedIn: string[];
}

/** A page of results with facet counts over the whole filtered result set. */
export interface SearchPage {
  total: number;
  hits: SearchHit[];
  facets: { tags: Record<string, number>; interviewees: Record<string, number> };
  nextCursor: string | null;
  /** How the query was matched: all terms, any term (fallback), or filters only. */
  matched: 'all' | 'any' | 'filter';
}

/** An autocompletion suggestion: a word as it appears in the quotes. */
export interface Suggestion {
  text: string;
  quotes: number;
}

/** The serialised index. */
export interface IndexSnapshot {
  schemaVersion: number;
  analyzer: { version: number; mode: SegmentationMode; icu: string | null };
  createdAt: string;
  interviews: InterviewMeta[];
  index: AsPlainObject;
}

/** Options of {@link QuoteIndex}. */
export interface QuoteIndexOptions {
  /** Segmentation strategy; `hybrid` ships, others exist for measurement. */
  mode?: SegmentationMode;
  /** Spelling-variant lookup used for query expansion. */
  variants?: VariantLookup;
}

interface Doc extends StoredQuote {
  title: string;
}

const STORE_FIELDS = [
  'interviewId',
  'text',
  'speaker',
  'speakerId',
  'role',
  'section',
  'questionId',
  'question',
  'ordinal',
  'tags',
];

function miniSearchOptions(mode: SegmentationMode) {
  return {
    idField: 'id',
    autoVacuum: false,
    fields: Object.keys(FIELD_BOOSTS),
    storeFields: STORE_FIELDS,
    tokenize: (text: string) => indexTerms(text, mode),
    processTerm: (term: string) => term,
    searchOptions: {
      boost: { ...FIELD_BOOSTS },
      tokenize: (text: string) => [text],
      processTerm: (term: string) => term,
      weights: { fuzzy: 0.4, prefix: 0.5 },
      maxFuzzy: 2,
    },
  };
}

function encodeCursor(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 && v.f === fingerprint) return v.o;
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is invalid or belongs to a different query; start again without it');
}

function toMs(s: string | undefined, endOfDay: boolean): number | null {
  if (!s) return null;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T${endOfDay ? '23:59:59.999' : '00:00:00'}+09:00` : s;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

const KATAKANA_CHAR = /[\u30A1-\u30FA]/;
const HIRAGANA_CHAR = /[\u3041-\u3096]/;

/** 1 when a suggestion starts in the kana script the query starts with (or the query has no kana). */
function sameScript(text: string, q: string): number {
  const query = q.normalize('NFKC').trim();
  const first = text.charAt(0);
  if (KATAKANA_CHAR.test(query.charAt(0))) return KATAKANA_CHAR.test(first) ? 1 : 0;
  if (HIRAGANA_CHAR.test(query.charAt(0))) return HIRAGANA_CHAR.test(first) ? 1 : 0;
  return 1;
}

/** The quote index (one per deployment; rebuilt or loaded from a snapshot). */
export class QuoteIndex {
  readonly mode: SegmentationMode;
  private ms: MiniSearch<Doc>;
  private readonly interviews = new Map<string, InterviewMeta>();
  private readonly variants: VariantLookup | undefined;

  /** Creates an empty index. */
  constructor(options: QuoteIndexOptions = {}) {
    this.mode = options.mode ?? 'hybrid';
    this.variants = options.variants;
    this.ms = new MiniSearch<Doc>(miniSearchOptions(this.mode));
  }

  /** Number of quotes and interviews indexed. */
  get stats(): { quotes: number; interviews: number } {
    return { quotes: this.ms.documentCount, interviews: this.interviews.size };
  }

  /** True when the interview is indexed. */
  has(interviewId: string): boolean {
    return this.interviews.has(interviewId);
  }

  /** Metadata of an indexed interview. */
  interview(interviewId: string): InterviewMeta | undefined {
    return this.interviews.get(interviewId);
  }

  /** Adds an interview's quotes, replacing any earlier version of the same interview. */
  upsertInterview(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]> = new Map(),
  ): void {
    this.removeInterview(interview.id);
    const byId = new Map(interview.turns.map((t) => [t.id, t]));
    const docs: Doc[] = interview.turns.map((t) => ({
      id: t.id,
      interviewId: interview.id,
      title: interview.title,
      text: t.text,
      speaker: t.speaker,
      speakerId: t.speakerId,
      role: t.role,
      section: t.section,
      questionId: t.questionId,
      question: t.questionId ? (byId.get(t.questionId)?.text ?? null) : null,
      ordinal: t.ordinal,
      tags: [...(tagsByQuote.get(t.id) ?? [])],
    }));
    this.ms.addAll(docs);
    const publishedAtMs = interview.publishedAt ? Date.parse(interview.publishedAt) : null;
    this.interviews.set(interview.id, {
      id: interview.id,
      title: interview.title,
      publishedAt: interview.publishedAt,
      publishedAtMs: Number.isNaN(publishedAtMs) ? null : publishedAtMs,
      interviewees: interview.interviewees.map((p) => ({ id: p.id, name: p.name })),
      quoteIds: docs.map((d) => d.id),
      fingerprint: indexFingerprint(interview, tagsByQuote),
    });
  }

  /** Quotes per tag over the whole index (no scoring or sorting). */
  tagCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.ms.search(MiniSearch.wildcard)) {
      for (const t of (r as unknown as StoredQuote).tags) counts[t] = (counts[t] ?? 0) + 1;
    }
    return counts;
  }

  /** Ids of every indexed interview. */
  interviewIds(): string[] {
    return [...this.interviews.keys()];
  }

  /** Removes an interview's quotes; returns whether it was indexed. */
  removeInterview(interviewId: string): boolean {
    const meta = this.interviews.get(interviewId);
    if (!meta) return false;
    for (const id of meta.quoteIds) {
      const doc = this.storedDoc(id);
      if (doc) this.ms.remove(doc);
    }
    this.interviews.delete(interviewId);
    return true;
  }

  /**
   * Rebuilds the indexed document from stored fields. Removing with the exact document is
   * synchronous and leaves no tombstones, unlike `discard`, whose background vacuum races with
   * concurrent adds.
   */
  private storedDoc(quoteId: string): Doc | undefined {
    const stored = this.ms.getStoredFields(quoteId) as StoredQuote | undefined;
    if (!stored) return undefined;
    return { ...stored, id: quoteId, title: this.interviews.get(stored.interviewId)?.title ?? '' };
  }

  /** Replaces the tags of one quote (editor corrections); returns false when the quote is unknown. */
  setQuoteTags(quoteId: string, tags: readonly string[]): boolean {
    const doc = this.storedDoc(quoteId);
    if (!doc) return false;
    this.ms.remove(doc);
    this.ms.add({ ...doc, tags: [...tags] });
    return true;
  }

  private filterFor(
    params: z.output<typeof SearchParamsSchema>,
    phrases: readonly string[],
  ): (r: SearchResult) => boolean {
    const from = toMs(params.from, false);
    const to = toMs(params.to, true);
    const tagSet = params.tags;
    return (r) => {
      const s = r as unknown as StoredQuote & SearchResult;
      if (params.interview && s.interviewId !== params.interview) return false;
      if (params.speaker !== 'any' && s.role !== params.speaker) return false;
      if (tagSet.length > 0) {
        const has = (t: string) => s.tags.includes(t);
        if (params.match === 'all' ? !tagSet.every(has) : !tagSet.some(has)) return false;
      }
      if (params.interviewee || from !== null || to !== null) {
        const meta = this.interviews.get(s.interviewId);
        if (!meta) return false;
        if (params.interviewee && !meta.interviewees.some((p) => p.id === params.interviewee)) return false;
        if (from !== null && (meta.publishedAtMs === null || meta.publishedAtMs < from)) return false;
        if (to !== null && (meta.publishedAtMs === null || meta.publishedAtMs > to)) return false;
      }
      if (phrases.length > 0) {
        const text = normalizeForMatch(s.text);
        if (!phrases.every((p) => text.includes(p))) return false;
      }
      return true;
    };
  }

  private run(query: Query, filter: (r: SearchResult) => boolean): SearchResult[] {
    const results = this.ms.search(query, { filter });
    // The title is indexed with every quote; a title-only match would return every quote of the
    // interview, so such hits count only when nothing matches the quotes themselves.
    const own = results.filter((r) =>
      Object.values(r.match).some((fields) => fields.some((f) => f !== 'title')),
    );
    return own.length > 0 ? own : results;
  }

  /** Compiles a query string with this index's analyzer and synonym expansion. */
  compile(q: string): CompiledQuery {
    return compileQuery(q, this.mode, this.variants);
  }

  /** Searches quotes; see {@link SearchParamsSchema} for the parameters. */
  search(input: SearchParams): SearchPage {
    const parsed = SearchParamsSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`${issue?.path.join('.') || 'query'}: ${issue?.message}`);
    }
    const params = parsed.data;
    const compiled = this.compile(params.q);
    const filter = this.filterFor(params, compiled.phrases);
    let results: SearchResult[];
    let matched: SearchPage['matched'] = 'all';
    if (compiled.empty) {
      if (params.q.trim() !== '' && params.tags.length === 0 && !params.interviewee && !params.interview) {
        results = [];
      } else {
        matched = 'filter';
        results = this.run(MiniSearch.wildcard, filter);
        results.sort((a, b) => this.newestFirst(a, b));
      }
    } else {
      results = compiled.strict ? this.run(compiled.strict, filter) : this.run(MiniSearch.wildcard, filter);
      if (results.length === 0 && compiled.loose) {
        matched = 'any';
        results = this.run(compiled.loose, filter);
      }
      results.sort((a, b) => b.score - a.score || String(a.id).localeCompare(String(b.id)));
    }

    const facets: SearchPage['facets'] = { tags: {}, interviewees: {} };
    for (const r of results) {
      for (const t of (r as unknown as StoredQuote).tags) facets.tags[t] = (facets.tags[t] ?? 0) + 1;
      for (const p of this.interviews.get((r as unknown as StoredQuote).interviewId)?.interviewees ?? []) {
        facets.interviewees[p.id] = (facets.interviewees[p.id] ?? 0) + 1;
      }
    }
    const fingerprint = JSON.stringify([
      params.q,
      params.tags,
      params.match,
      params.interviewee,
      params.speaker,
      params.interview,
      params.from,
      params.to,
    ]);
    const fp = digest(fingerprint, 16);
    const offset = params.cursor ? decodeCursor(params.cursor, fp) : 0;
    const page = results.slice(offset, offset + params.limit);
    const next = offset + params.limit < results.length ? encodeCursor(offset + params.limit, fp) : null;
    return {
      total: results.length,
      hits: page.map((r) => this.toHit(r, compiled)),
      facets,
      nextCursor: next,
      matched,
    };
  }

  private newestFirst(a: SearchResult, b: SearchResult): number {
    const sa = a as unknown as StoredQuote;
    const sb = b as unknown as StoredQuote;
    const ta = this.interviews.get(sa.interviewId)?.publishedAtMs ?? 0;
    const tb = this.interviews.get(sb.interviewId)?.publishedAtMs ?? 0;
    return tb - ta || sa.interviewId.localeCompare(sb.interviewId) || sa.ordinal - sb.ordinal;
  }

  private toHit(r: SearchResult, compiled: CompiledQuery): SearchHit {
    const s = r as unknown as StoredQuote;
    const meta = this.interviews.get(s.interviewId);
    const matchedIn = new Set<string>();
    const textTerms = new Set<string>();
    for (const [term, fields] of Object.entries(r.match ?? {})) {
      for (const f of fields) matchedIn.add(f);
      if (fields.includes('text')) textTerms.add(term);
    }
    const ranges = matchRanges(s.text, textTerms, compiled.needles);
    return {
      quoteId: String(r.id),
      interviewId: s.interviewId,
      interviewTitle: meta?.title ?? '',
      publishedAt: meta?.publishedAt ?? null,
      ordinal: s.ordinal,
      text: s.text,
      highlight: highlight(s.text, ranges),
      speaker: { id: s.speakerId, name: s.speaker, role: s.role },
      section: s.section,
      question: s.questionId && s.question ? { quoteId: s.questionId, text: s.question } : null,
      tags: [...s.tags],
      score: Math.round(r.score * 1000) / 1000,
      matchedIn: [...matchedIn].sort(),
    };
  }

  /** Completes the last word of `q` with words as they appear in the quotes. */
  suggest(q: string, limit = 8): Suggestion[] {
    const compiled = this.compile(q);
    if (compiled.empty || !compiled.strict) return [];
    const results = this.ms.search(compiled.strict, { fields: ['text'] }).slice(0, 200);
    const counts = new Map<string, { surface: Map<string, number>; quotes: number }>();
    for (const r of results) {
      const terms = new Set(Object.keys(r.match ?? {}));
      const seen = new Set<string>();
      for (const t of analyze((r as unknown as StoredQuote).text)) {
        if (t.kind === 'gram' || !terms.has(t.term)) continue;
        const entry = counts.get(t.term) ?? { surface: new Map<string, number>(), quotes: 0 };
        const surface = (r as unknown as StoredQuote).text.slice(t.start, t.end);
        entry.surface.set(surface, (entry.surface.get(surface) ?? 0) + 1);
        if (!seen.has(t.term)) entry.quotes++;
        seen.add(t.term);
        counts.set(t.term, entry);
      }
    }
    return (
      [...counts.values()]
        .map((e) => ({ text: [...e.surface].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '', quotes: e.quotes }))
        .filter((s) => s.text !== '')
        // Kana folding lets クラ complete くらい too; words in the script the user typed come first.
        .sort(
          (a, b) =>
            sameScript(b.text, q) - sameScript(a.text, q) ||
            b.quotes - a.quotes ||
            a.text.localeCompare(b.text),
        )
        .slice(0, Math.max(1, Math.min(limit, 50)))
    );
  }

  /** Serialises the index (store it compressed; see {@link QuoteIndex.fromSnapshot}). */
  toSnapshot(): IndexSnapshot {
    return {
      schemaVersion: INDEX_SCHEMA_VERSION,
      analyzer: { version: ANALYZER_VERSION, mode: this.mode, icu: process.versions.icu ?? null },
      createdAt: new Date().toISOString(),
      interviews: [...this.interviews.values()],
      index: this.ms.toJSON(),
    };
  }

  /** Loads a snapshot; an unknown schema or analyzer version throws {@link SnapshotVersionError}. */
  static fromSnapshot(snapshot: unknown, options: Omit<QuoteIndexOptions, 'mode'> = {}): QuoteIndex {
    const s = snapshot as Partial<IndexSnapshot> | null;
    if (!s || typeof s !== 'object' || s.schemaVersion !== INDEX_SCHEMA_VERSION) {
      throw new SnapshotVersionError(
        s && typeof s === 'object' ? s.schemaVersion : undefined,
        INDEX_SCHEMA_VERSION,
      );
    }
    if (s.analyzer?.version !== ANALYZER_VERSION)
      throw new SnapshotVersionError(`analyzer ${s.analyzer?.version}`, ANALYZER_VERSION);
    const mode = s.analyzer.mode;
    const idx = new QuoteIndex({ ...options, mode });
    idx.ms = MiniSearch.loadJS<Doc>(s.index as AsPlainObject, miniSearchOptions(mode));
    for (const meta of s.interviews ?? []) idx.interviews.set(meta.id, meta);
    return idx;
  }
}
