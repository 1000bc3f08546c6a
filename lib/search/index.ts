/**
 * The Japanese-first quote index: every turn of every interview, with filters, facets, phrase
 * search, highlighting, autosuggest, pagination and versioned snapshots, over the packed engine
 * of `engine.ts`. Quote texts are not part of the index: hits are rendered from the interviews
 * (kept in memory when built here, fetched from the store by the API). Pure: no I/O.
 */
import type * as z from 'zod';
import { SnapshotVersionError, ValidationError } from '../errors.ts';
import { digest, interviewIdOfQuote, quoteId } from '../ids.ts';
import type { Interview, Role } from '../model.ts';
import { type DuplicateGroup, possibleDuplicates } from '../people/duplicates.ts';
import { ANALYZER_VERSION, analyzeNormalized, type SegmentationMode } from '../text/analyze.ts';
import {
  DICTIONARY_FORM_MARK,
  KANJI_SPELLING_MARK,
  kanjiSpellingPrefix,
  nounSpellingPrefix,
  writtenFormPrefix,
} from '../text/deinflect.ts';
import { hiraganaToKatakana, normalize, normalizeForMatch } from '../text/normalize.ts';
import type { ReadingAnalyzer } from '../text/readings.ts';
import { READINGS_VERSION } from '../text/readings-version.ts';
import type { SearchBackend } from './backend.ts';
import {
  type CountedDoc,
  Engine,
  FIELD_BITS,
  FIELD_BOOSTS,
  type Matches,
  type MergePolicy,
  openSegment,
  type QueryNode,
  type Segment,
  type SegmentSize,
} from './engine/index.ts';
import {
  counts,
  emptyFacets,
  FACET_SPEAKERS,
  FACET_TAGGED,
  FACET_WORDS_FROM,
  FACET_YEARS,
  plannedFacets,
} from './facets.ts';
import { indexFingerprint } from './fingerprint.ts';
import { highlight, matchRanges } from './highlight.ts';
import type { Vocabulary } from './kana-split.ts';
import { InterviewMetas, type MetaColumns, metaColumns } from './metas.ts';
import { decodeCursor, encodeCursor, type SearchParams, SearchParamsSchema, toMs } from './params.ts';
import {
  coSpeakersOf,
  type IndexedPerson,
  matchPeople,
  type PeopleResolution,
  type PersonMatch,
  peopleOfInterview,
  peopleOfMeta,
  resolvePeople,
} from './people.ts';
import {
  type CompiledQuery,
  type Compound,
  compileQuery,
  type TermsMode,
  type VariantLookup,
} from './query.ts';
import {
  type FieldTokens,
  type IndexTokens,
  type InterviewTokens,
  inflectedReadings,
  type PackedTokens,
  PREBUILD_QUOTE_CHARS,
  type PrebuiltSegment,
  packedFor,
  packedSurfaces,
  packTokens,
  quoteChars,
  readingsKey,
  TermCounter,
  termsOfTokens,
  tokenizeInterview,
  unpackTokens,
} from './tokens.ts';
import {
  type Candidates,
  emptyCandidates,
  KEEP_ALL,
  ownMatches,
  pushCandidate,
  topOrder,
  trimCandidates,
} from './top-k.ts';
import type { DocumentLookup, InterviewMeta, Planned, SearchHit, SearchPage, SearchPlan } from './types.ts';

/** Version of the snapshot layout; loading any other version fails loudly. */
export const INDEX_SCHEMA_VERSION = 3;

// Split into modules of one job each; every name stays importable from here.
export type { DocumentLookup, InterviewMeta, SearchHit, SearchPage, SearchPlan };
/** Part of the ports' contract (every backend stores it): defined beside them, kept here for callers. */
export {
  FIELD_BOOSTS,
  type FieldTokens,
  type IndexTokens,
  type InterviewTokens,
  indexFingerprint,
  inflectedReadings,
  type PackedTokens,
  PREBUILD_QUOTE_CHARS,
  type PrebuiltSegment,
  packedSurfaces,
  packTokens,
  quoteChars,
  type SearchParams,
  SearchParamsSchema,
  TermCounter,
  termsOfTokens,
  tokenizeInterview,
  unpackTokens,
};

/** A snapshot part opened by {@link QuoteIndex.openPart}: its header, its segment, its segmentation mode. */
export interface OpenedPart {
  header: Record<string, unknown>;
  segment: Segment;
  mode: SegmentationMode;
}

/** An autocompletion suggestion: a word as it appears in the quotes. */
export interface Suggestion {
  text: string;
  quotes: number;
}

/** Options of {@link QuoteIndex}. */
export interface QuoteIndexOptions {
  /** Segmentation strategy; `hybrid` ships, others exist for measurement. */
  mode?: SegmentationMode;
  /** Spelling-variant lookup used for query expansion. */
  variants?: VariantLookup;
  /**
   * Keep indexed interviews in memory to render hits without a lookup (CLI, tests, benchmarks).
   * Default: true for a new index, false for one loaded from a snapshot.
   */
  retain?: boolean;
  /**
   * Kana readings of kanji words, added at index time (see lib/text/readings.ts): hiragana typed
   * for a kanji word then finds it. Queries never need it.
   */
  readings?: ReadingAnalyzer;
  /**
   * Score multiplier of interviewer turns, so that an answer outranks the question that asks
   * it (questions are not hidden). 1 turns it off. Default {@link QUESTION_WEIGHT}.
   */
  questionWeight?: number;
  /**
   * The least length norm of an interviewer turn's own text, so that a short question weighs no
   * more than an average quote saying its word. 0 turns it off. Default {@link INTERVIEWER_MIN_NORM}.
   */
  interviewerMinNorm?: number;
  /**
   * Search as before the sorted-list work: every query through the engine's general evaluator,
   * never its sorted-list path (lib/search/engine/sorted.ts: ranked queries without exclusions),
   * and facets counted without the packed per-doc words. The results are the same, which tests
   * and `bench/query-scale.ts --ab` check. Default false.
   */
  general?: boolean;
}

/** Candidates beyond the page kept by top-k pruning (title-only matches are dropped after it). */
const TOP_K_MARGIN = 20;
/**
 * A phrase typed with kana (しごとをやめた) that fewer quotes than this have every word of is
 * relaxed all the same, those quotes first: one or two hits told a user who typed a sentence
 * nothing about the quotes saying its main words apart (しごとをやめた found 1, missing 辞めたいっ
 * ていう私に …). Words typed apart (介護 不安) or a compound keep every word required: they were
 * chosen one by one, and quotes with only one of them were noise (eval/README.md, 2026-12-08:
 * relaxing every query below 3 hits raised the short-query noise 1.9% → 6.5%; phrases only, 3.5%).
 */
export const RELAX_BELOW = 3;
/** Added to the sort key of a quote with every word on a relaxed page (scores are far below it). */
const LEADING_BONUS = 1e6;

/**
 * The turn of an interview with this ordinal (the last one, should two share it, as a map by
 * ordinal would give): a scan, cheaper than building that map for the few hits of a page.
 */
/** The compounds of a query whose quotes the texts decide, with their patterns; null when none. */
interface CompoundChecks {
  /** True when the strict query's hits say every compound (its kanji pairs prove it). */
  proven: boolean;
  /** Per compound, what a text must match (kana-folded): as typed, or with a particle between. */
  patterns: Array<{ whole: string; near: RegExp | null }>;
}

/**
 * The compounds to check against the texts: those the index cannot prove adjacent (飲み会: no kanji
 * pair spans み), and those a particle may split with the same meaning (感情を表現), whose strict
 * hits are proven and whose other candidates are checked.
 */
function checkedCompounds(compounds: readonly Compound[]): CompoundChecks | null {
  if (!compounds.some((c) => c.checked || c.near)) return null;
  return {
    proven: !compounds.some((c) => c.checked),
    patterns: compounds.map((c) => ({ whole: c.whole, near: c.near ? new RegExp(c.near, 'u') : null })),
  };
}

/** True when `text` says every compound checked, as typed or with a particle between its parts. */
function saysCompounds(text: string, checks: CompoundChecks): boolean {
  const folded = normalizeForMatch(text);
  return checks.patterns.every((c) => folded.includes(c.whole) || (c.near?.test(folded) ?? false));
}

/** Each compound's match patterns, built once per compiled query (a page asks them of every hit). */
const compoundPatterns = new WeakMap<Compound, CompoundChecks>();
function saysCompound(text: string, c: Compound): boolean {
  let checks = compoundPatterns.get(c);
  if (!checks) {
    checks = {
      proven: !c.checked,
      patterns: [{ whole: c.whole, near: c.near ? new RegExp(c.near, 'u') : null }],
    };
    compoundPatterns.set(c, checks);
  }
  return saysCompounds(text, checks);
}

/**
 * The parts of the compounds a quote's question says and the quote does not (as typed or with a
 * particle between): needles not to mark in the quote, which was found through its question. Null
 * when none (a page of the loose fallback has no quote saying a compound: its parts are marked).
 */
function partsAskedOnly(text: string, question: string, compounds: readonly Compound[]): Set<string> | null {
  let out: Set<string> | null = null;
  for (const c of compounds) {
    if (saysCompound(text, c) || !saysCompound(question, c)) continue;
    out ??= new Set();
    for (const p of c.parts) out.add(normalizeForMatch(p));
  }
  return out;
}

/** The kanji a dictionary form as written starts with (飲 of 飲む), normalised as a needle. */
function kanjiStemOf(form: string): string {
  return normalizeForMatch(/^[\p{Script=Han}\u3005]+/u.exec(form)?.[0] ?? form);
}

function copyCandidates(c: Candidates): Candidates {
  return {
    n: c.n,
    docs: c.docs.slice(0, c.n),
    scores: c.scores.slice(0, c.n),
    fields: c.fields.slice(0, c.n),
  };
}

/** The turn with id `id` (a hit's question), without a closure per hit as `find` needs. */
function turnById(
  turns: Interview['turns'] | null | undefined,
  id: string,
): Interview['turns'][number] | undefined {
  if (!turns) return undefined;
  for (const t of turns) if (t.id === id) return t;
  return undefined;
}

function turnAt(
  turns: Interview['turns'] | null | undefined,
  ordinal: number,
): Interview['turns'][number] | undefined {
  if (!turns) return undefined;
  for (let k = turns.length - 1; k >= 0; k--) if (turns[k]?.ordinal === ordinal) return turns[k];
  return undefined;
}

/** Default score multiplier of interviewer turns (answers first). */
export const QUESTION_WEIGHT = 0.6;

/**
 * The least length norm of an interviewer turn's own text: 0.45 is a turn's of about 30% of the
 * average quote's length (1 − b + b·len/avg, b 0.8). BM25 favours short texts, and a question is
 * short because it only asks: 「やってみたい？」 (7 characters, norm 0.25) outscored, at ×
 * QUESTION_WEIGHT, the answers saying やってみたい. On the livedoor interviews, 116 common queries:
 * a short question (≤ 40 characters) above an answer saying the word in 29 → 19 of them, first in
 * 5 → 1. A floor of 1 (no short question weighs more than an average quote) made that 3 and 0,
 * but pushed questions that say the word below weak matches (a question saying 頭 under 坊主頭 for
 * あたま, the interviewer's 「少し不安になる時があります」 judged relevant for ふあんになった):
 * from 0.47 up a judged row loses, so the largest floor that costs none.
 */
export const INTERVIEWER_MIN_NORM = 0.45;

/**
 * How the question field counts when the query is one word (FIELDS.question otherwise). A word
 * typed alone asks for quotes that say it: an answer found only through its question then comes
 * after them — a lower boost, and no extra weight for a short question (the field's length norm
 * favours short texts, and questions are short). Sentences and questions keep the full field,
 * which finds the answers that only refer to what was asked (judged in eval/: at the full field
 * 31 of 79 one-word queries ranked such an answer above a quote saying the word; lowering it for
 * every query cost the paraphrase and question queries a third of their recall).
 */
export const ONE_WORD_QUESTION_FIELD = {
  boost: 0.25,
  minNorm: 1,
};

/**
 * Phrase queries check at most this many candidates against the quote texts (each check needs
 * the interview's text, a store read for the API): past it, `total` is an upper bound.
 */
export const PHRASE_CHECK_LIMIT = 200;
/** A phrase page checks three candidates per hit it shows (and all of them when there are few). */
const PHRASE_CHECKS_PER_HIT = 3;
const PHRASE_EXACT_BELOW = 30;

const NO_TERMS: ReadonlySet<string> = new Set();
/** The fields a hit can match in, sorted as `matchedIn` lists them (filtered per hit, in order). */
const MATCHED_IN = (Object.keys(FIELD_BITS) as Array<keyof typeof FIELD_BITS>).sort();
const ROLES: readonly Role[] = ['interviewee', 'interviewer', 'other'];
const MAGIC_HEADER = 'kikigaki-index';

const KATAKANA_CHAR = /[\u30A1-\u30FA]/;
const KANA_ONLY = /^[\u3041-\u3096\u30A1-\u30FAー]+$/;
const HIRAGANA_CHAR = /[\u3041-\u3096]/;

/** 1 when a suggestion starts in the kana script the query starts with (or the query has no kana). */
function sameScript(text: string, q: string): number {
  const query = q.normalize('NFKC').trim();
  const first = text.charAt(0);
  if (KATAKANA_CHAR.test(query.charAt(0))) return KATAKANA_CHAR.test(first) ? 1 : 0;
  if (HIRAGANA_CHAR.test(query.charAt(0))) return HIRAGANA_CHAR.test(first) ? 1 : 0;
  return 1;
}

/** A character other than the long-vowel mark (see {@link QuoteIndex.suggest}). */
const NOT_LONG_VOWEL = /[^ー]/;
/** Matched terms whose other spellings a search looks up, at most (see spellingsOf). */
const SPELLING_LOOKUPS = 64;
/** A term of katakana alone: the form a reading is indexed in (スキ, ハナ). */
const READING_TERM = /^[\u30A1-\u30FAー]+$/;

/** What the index knows about its interviews as a whole (see QuoteIndex.directory). */
interface Directory {
  version: number;
  /** Names of every interviewee, by person id. */
  interviewees: Map<string, string>;
  /** Interviews with turns said together (co-speakers). */
  together: Set<string>;
  /** Per slot: its interview's year (an index into `years`), -1 when it has none. */
  slotYear: Int32Array;
  /** Per slot: 1 when its interview has turns said together. */
  slotTogether: Uint8Array;
  years: string[];
  /**
   * Per doc, what facets count, packed in one word (see {@link packFacets}); built on first
   * use by a large result, null until then or when the values do not fit.
   */
  words: Uint32Array | null;
  /**
   * The interviews each person speaks in (any role), by person id, interview ids sorted; built
   * on first use, null when some interview's snapshot predates `people` (its interviewer and
   * guests unknown).
   */
  appearances: Map<string, string[]> | null | undefined;
}

/** What {@link QuoteIndex.toHit} marks in a hit (see QuoteIndex.marksOf). */
interface HitMarks {
  /** Needles of its text: the query's words and the written forms of what the text matched. */
  text: readonly string[];
  /** The same for the question it answers. */
  question: readonly string[];
  /** Dictionary forms as written, marked where the text inflects them. */
  forms: readonly string[];
  /** Index terms of word pieces the text matched (a bigram, a kanji stem): marked when nothing else is. */
  weak: ReadonlySet<string>;
  questionWeak: ReadonlySet<string>;
  /** The compounds typed: marked whole where a text says them, their parts then not apart. */
  compounds: readonly Compound[];
  /**
   * The compounds are what the query asks (every word needed: 飲み会, 役作り), not words of a
   * sentence ranked by a share, where a part said alone is a match of its own (母親 of
   * 女優と母親業の両立は…): see partsAskedOnly.
   */
  whole: boolean;
}

const NO_WEAK: ReadonlySet<string> = new Set();

/**
 * The quote index (one per deployment; rebuilt or loaded from a snapshot): the search backend the
 * use cases reach through the ports of ./backend.ts.
 */
export class QuoteIndex implements SearchBackend {
  readonly mode: SegmentationMode;
  private engine = new Engine();
  private readonly interviews = new InterviewMetas();
  private readonly variants: VariantLookup | undefined;
  private readonly readings: ReadingAnalyzer | undefined;
  private readonly questionWeight: number;
  /** The index's vocabulary for splitting a run of hiragana into its words (lib/search/kana-split.ts). */
  private readonly vocabulary: Vocabulary = {
    known: (term) => this.engine.termKnown(term),
    written: (term) => this.engine.surfaceOf(term),
    spellings: (term) => this.spellingsOf(term),
    writtenForms: (reading) => {
      const prefix = writtenFormPrefix(reading);
      return this.engine
        .termsWithPrefix(prefix)
        .map((t) => ({ written: t.slice(prefix.length), quotes: this.engine.textDf(t) }));
    },
  };
  private readonly retained: Map<string, Interview> | null;
  /** See {@link QuoteIndexOptions.general}; may be switched between searches (A/B benchmarks). */
  general: boolean;
  private version = 0;
  /** Parts written by {@link QuoteIndex.attachInterview} and not yet handed out (see {@link sealSegments}). */
  private staged: Uint8Array[] = [];
  private recencyRank: { version: number; rank: Float64Array } | null = null;
  private directoryCache: Directory | null = null;
  /** The facet words of a result's docs, in its order (see {@link facets}). */
  private gathered = new Uint32Array(0);
  /** Facets' docs with tags (see facets), reused. */
  private withTags = new Int32Array(0);

  /** Creates an empty index. */
  constructor(options: QuoteIndexOptions = {}) {
    this.mode = options.mode ?? 'hybrid';
    this.variants = options.variants;
    this.readings = options.readings;
    this.questionWeight = options.questionWeight ?? QUESTION_WEIGHT;
    this.engine.setRoleMinNorms([0, options.interviewerMinNorm ?? INTERVIEWER_MIN_NORM, 0]);
    this.retained = options.retain === false ? null : new Map();
    this.general = options.general ?? false;
  }

  /** Number of quotes and interviews indexed. */
  get stats(): { quotes: number; interviews: number } {
    return { quotes: this.engine.size.docs, interviews: this.interviews.size };
  }

  /** Bytes the engine keeps to answer repeated terms faster (decoded and scored long lists). */
  keptBytes(): { decoded: number; termLists: number } {
    return this.engine.keptBytes();
  }

  /** Drops those kept lists: the next search pays what a first search of its terms pays. */
  dropKept(): void {
    this.engine.dropKept();
  }

  /** True when the interview is indexed. */
  has(interviewId: string): boolean {
    return this.interviews.has(interviewId);
  }

  /** Metadata of an indexed interview. */
  interview(interviewId: string): InterviewMeta | undefined {
    return this.interviews.get(interviewId);
  }

  /** Ids of every indexed interview. */
  interviewIds(): string[] {
    return [...this.interviews.keys()];
  }

  /**
   * Adds an interview's quotes, replacing any earlier version of the same interview. `tokens`:
   * this very interview already tokenized (by a worker, {@link tokenizeInterview}); tokens of
   * another shape, mode or analyzer version are ignored and the index tokenizes it itself.
   */
  upsertInterview(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]> = new Map(),
    tokens?: IndexTokens,
  ): void {
    for (const t of interview.turns) {
      // Hits name quotes by interview and ordinal; ids are canonical (see parse/withInterviewId).
      if (t.id !== quoteId(interview.id, t.ordinal))
        throw new ValidationError(`quote id ${t.id} does not match its interview and position`);
    }
    this.removeInterview(interview.id);
    this.addCounted(interview, tagsByQuote, tokens);
    this.interviews.set(interview.id, this.metaOf(interview, tagsByQuote));
    this.retained?.set(interview.id, interview);
    this.version++;
  }

  /** Counts an interview's terms into the engine (the key must not be indexed). */
  private addCounted(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]>,
    tokens: IndexTokens | undefined,
  ): void {
    const position = new Map(interview.turns.map((t, i) => [t.id, i]));
    const surfaces = new Map<string, string>();
    const mode = this.mode;
    const p = packedFor(tokens, interview, mode);
    // Readings from another dictionary (or none) would index other terms than this index reads.
    const inflected =
      p.inflected &&
      p.inflected.readings === readingsKey(this.readings) &&
      p.inflected.turns.length === interview.turns.length
        ? p.inflected.turns
        : undefined;
    const counter = new TermCounter(p.terms);
    const surf = packedSurfaces(p);
    const spellings = new Set<string>();
    const docs: CountedDoc[] = interview.turns.map((t, i) => ({
      ordinal: t.ordinal,
      role: Math.max(0, ROLES.indexOf(t.role)),
      question: t.questionId ? (position.get(t.questionId) ?? -1) : -1,
      speakerId: t.speakerId,
      tags: [...(tagsByQuote.get(t.id) ?? [])],
      text: counter.count(
        p,
        p.turns[3 * i] as number,
        surf,
        mode,
        surfaces,
        this.readings,
        t.text,
        inflected?.[i],
        spellings,
      ),
      speaker: counter.count(p, p.turns[3 * i + 1] as number, surf, mode),
      section: counter.count(p, p.turns[3 * i + 2] as number, surf, mode),
    }));
    const title = counter.count(p, p.title, surf, mode);
    this.engine.addCounted(interview.id, counter, title, docs, surfaces);
  }

  /**
   * The written forms of a matched index term to mark: its surface (結婚 for ケッコン), and for a
   * noun reading the other spellings the quotes write it with (鼻 beside 花 for ハナ), which the
   * term's one surface cannot hold.
   */
  private spellingsOf(term: string): string[] {
    const surface = this.engine.surfaceOf(term);
    // Spellings are linked to readings, which are katakana terms; a reading's one surface may be
    // a kanji word (花 for ハナ) or a katakana word that folds to it (スキー for スキ).
    if (!surface || !READING_TERM.test(term)) return surface ? [surface] : [];
    const prefix = nounSpellingPrefix(term);
    const out = [surface];
    for (const t of this.engine.termsWithPrefix(prefix)) {
      const written = t.slice(prefix.length);
      if (written !== surface) out.push(written);
    }
    return out;
  }

  /** What the index keeps about an interview as a whole. */
  private metaOf(interview: Interview, tagsByQuote: ReadonlyMap<string, readonly string[]>): InterviewMeta {
    const publishedAtMs = interview.publishedAt ? Date.parse(interview.publishedAt) : null;
    return {
      id: interview.id,
      title: interview.title,
      publishedAt: interview.publishedAt,
      publishedAtMs: Number.isNaN(publishedAtMs) ? null : publishedAtMs,
      interviewees: interview.interviewees.map((p) => ({ id: p.id, name: p.name })),
      people: peopleOfInterview(interview, this.readings),
      coSpeakers: coSpeakersOf(interview),
      quotes: interview.turns.length,
      fingerprint: indexFingerprint(interview, tagsByQuote),
    };
  }

  /**
   * Builds an interview's index part as {@link QuoteIndex.upsertInterview} would count it, in an
   * index of its own (a worker thread's work; see {@link PrebuiltSegment}). `tokens`: the
   * interview already tokenized ({@link tokenizeInterview}).
   */
  static prebuild(
    interview: Interview,
    options: { mode: SegmentationMode; readings?: ReadingAnalyzer; tokens?: IndexTokens },
  ): PrebuiltSegment {
    const own = new QuoteIndex({
      mode: options.mode,
      retain: false,
      ...(options.readings ? { readings: options.readings } : {}),
    });
    own.addCounted(interview, new Map(), options.tokens);
    return {
      id: interview.id,
      mode: options.mode,
      analyzer: ANALYZER_VERSION,
      readings: readingsKey(options.readings),
      segment: own.engine.deltaSegment(),
    };
  }

  /**
   * Adds (or replaces) an interview from its part built elsewhere ({@link QuoteIndex.prebuild}),
   * with these effective tags: the index then answers exactly as after
   * {@link QuoteIndex.upsertInterview}. What the event loop does is bounded by the number of
   * quotes and of distinct terms, not by the text: no term is counted here. Writes pending
   * before it are sealed, and the parts this wrote wait for {@link QuoteIndex.sealSegments}.
   * False (nothing done) when the part was built for another interview, mode, analyzer or
   * reading dictionary.
   */
  attachInterview(
    interview: Interview,
    tagsByQuote: ReadonlyMap<string, readonly string[]>,
    pre: PrebuiltSegment,
  ): boolean {
    const seg = pre.segment;
    if (
      pre.id !== interview.id ||
      pre.mode !== this.mode ||
      pre.analyzer !== ANALYZER_VERSION ||
      pre.readings !== readingsKey(this.readings) ||
      seg.packed.docs !== interview.turns.length ||
      seg.slots.keys.length !== 1 ||
      seg.slots.keys[0] !== interview.id
    )
      return false;
    for (const t of interview.turns) {
      if (t.id !== quoteId(interview.id, t.ordinal))
        throw new ValidationError(`quote id ${t.id} does not match its interview and position`);
    }
    // The tags, one list per quote in turn order (the part's docs), with the part's own names.
    const names = new Map<string, number>();
    const start = new Uint32Array(interview.turns.length + 1);
    const ids: number[] = [];
    interview.turns.forEach((t, i) => {
      for (const tag of tagsByQuote.get(t.id) ?? []) {
        let id = names.get(tag);
        if (id === undefined) {
          id = names.size;
          names.set(tag, id);
        }
        ids.push(id);
      }
      start[i + 1] = ids.length;
    });
    const tags = { start, ids: Uint32Array.from(ids), names: [...names.keys()] };
    this.interviews.delete(interview.id);
    this.retained?.delete(interview.id);
    this.interviews.set(interview.id, this.metaOf(interview, tagsByQuote));
    this.staged.push(...this.engine.attach(interview.id, { ...seg, tags }, (keys) => this.partHeader(keys)));
    this.retained?.set(interview.id, interview);
    this.version++;
    return true;
  }

  /** Removes an interview's quotes; returns whether it was indexed. */
  removeInterview(interviewId: string): boolean {
    if (!this.interviews.has(interviewId)) return false;
    this.engine.remove(interviewId);
    this.interviews.delete(interviewId);
    this.retained?.delete(interviewId);
    this.version++;
    return true;
  }

  /** Replaces the tags of one quote (editor corrections); returns false when the quote is unknown. */
  setQuoteTags(id: string, tags: readonly string[]): boolean {
    const doc = this.docOfQuote(id);
    if (doc < 0) return false;
    this.engine.setTags(doc, tags);
    this.version++;
    return true;
  }

  private docOfQuote(id: string): number {
    const interviewId = interviewIdOfQuote(id);
    const m = /-t(\d+)$/.exec(id);
    if (!interviewId || !m) return -1;
    const doc = this.engine.docOf(interviewId, Number(m[1]));
    return doc >= 0 && quoteId(interviewId, this.engine.ordinalOf(doc)) === id ? doc : -1;
  }

  /** Quotes per tag over the whole index (no scoring or sorting). */
  tagCounts(): Record<string, number> {
    const byTag = counts<number>();
    for (let d = 0; d < this.engine.docCount; d++) {
      if (!this.engine.alive(d)) continue;
      for (const t of this.engine.tagIdsOf(d)) {
        const name = this.engine.tagName(t);
        byTag[name] = (byTag[name] ?? 0) + 1;
      }
    }
    return byTag;
  }

  /**
   * For each tag, the interviewees whose own quotes carry it, in one pass over the quotes: the
   * rule the store's person memberships follow (lib/tags.ts `personTagsOf`: turns spoken as an
   * interviewee by one of the interview's interviewees), so GET /tags counts people without one
   * store query per tag. People's own corrections are not applied here.
   */
  peopleByTag(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (let d = 0; d < this.engine.docCount; d++) {
      if (!this.engine.alive(d) || ROLES[this.engine.roleOf(d)] !== 'interviewee') continue;
      const speaker = this.engine.speakerOf(d);
      if (!speaker) continue;
      const meta = this.interviews.get(this.engine.keyOf(d));
      if (!meta?.interviewees.some((p) => p.id === speaker)) continue;
      for (const t of this.engine.tagIdsOf(d)) {
        const name = this.engine.tagName(t);
        const set = out.get(name);
        if (set) set.add(speaker);
        else out.set(name, new Set([speaker]));
      }
    }
    return out;
  }

  /** Everyone who appears in the indexed interviews (any role), when the index knows them all; else null. */
  peopleIds(): string[] | null {
    const ids = new Set<string>();
    for (const meta of this.interviews.values()) {
      // A snapshot written before `people`: interviewers and guests unknown.
      if (!meta.people) return null;
      for (const p of meta.people) ids.add(p.id);
    }
    return [...ids].sort();
  }

  /** Compiles a query string with this index's analyzer and synonym expansion. */
  compile(q: string, terms: TermsMode = 'ranked'): CompiledQuery {
    return compileQuery(q, this.mode, this.variants, terms, this.vocabulary);
  }

  private parse(input: SearchParams): z.output<typeof SearchParamsSchema> {
    const parsed = SearchParamsSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`${issue?.path.join('.') || 'query'}: ${issue?.message}`);
    }
    // Swapped dates matched nothing and said nothing: a 400 says what to change.
    const from = toMs(parsed.data.from, false);
    const to = toMs(parsed.data.to, true);
    if (from !== null && to !== null && from > to)
      throw new ValidationError(`from (${parsed.data.from}) is after to (${parsed.data.to}): swap them`);
    return parsed.data;
  }

  /** True when non-text parameters restrict the quotes. */
  private filters(params: z.output<typeof SearchParamsSchema>): boolean {
    return (
      params.speaker !== 'any' ||
      params.tags.length > 0 ||
      !!params.interview ||
      !!params.interviewee?.length ||
      !!params.from ||
      !!params.to
    );
  }

  /**
   * A doc filter for the non-text parameters, with per-interview decisions cached; `people`: what
   * `interviewee=` resolved to ({@link resolveSpeakers}).
   */
  private filterFor(
    params: z.output<typeof SearchParamsSchema>,
    people: PeopleResolution | null,
  ): (doc: number) => boolean {
    const from = toMs(params.from, false);
    const to = toMs(params.to, true);
    const role = params.speaker === 'any' ? -1 : ROLES.indexOf(params.speaker);
    const tagIds = params.tags.map((t) => this.engine.tagIdOf(t));
    const bySpeaker = people ? this.speakerFilter(people.ids) : null;
    const byInterview = params.interview || from !== null || to !== null;
    if (role < 0 && tagIds.length === 0 && !byInterview && !bySpeaker) return KEEP_ALL;
    const decided = new Map<string, boolean>();
    const interviewOk = (key: string): boolean => {
      let ok = decided.get(key);
      if (ok !== undefined) return ok;
      const meta = this.interviews.get(key);
      ok =
        !!meta &&
        (!params.interview || key === params.interview) &&
        (from === null || (meta.publishedAtMs !== null && meta.publishedAtMs >= from)) &&
        (to === null || (meta.publishedAtMs !== null && meta.publishedAtMs <= to));
      decided.set(key, ok);
      return ok;
    };
    return (doc) => {
      if (role >= 0 && this.engine.roleOf(doc) !== role) return false;
      if (tagIds.length > 0) {
        const has = this.engine.tagIdsOf(doc);
        const hit = (t: number) => t >= 0 && has.includes(t);
        if (params.match === 'all' ? !tagIds.every(hit) : !tagIds.some(hit)) return false;
      }
      if (bySpeaker && !bySpeaker(doc)) return false;
      return !byInterview || interviewOk(this.engine.keyOf(doc));
    };
  }

  /**
   * Every interviewee of the indexed interviews, by id (sorted): what `GET /interviewees` pages
   * through without a filter, from memory instead of a listing of every interview in the store.
   */
  intervieweeIds(): string[] {
    return [...this.directory().interviewees.keys()].sort();
  }

  /**
   * The interviews each of `personIds` speaks in, in any role (interview ids sorted), from
   * memory: a page of `GET /interviewees` reads the interviews it shows instead of querying the
   * store person by person. Null when some indexed interview predates the index's `people`
   * (interviewers and guests unknown): the store must be asked.
   */
  interviewsOfPeople(personIds: readonly string[]): Map<string, string[]> | null {
    const directory = this.directory();
    if (directory.appearances === undefined) {
      let all: Map<string, string[]> | null = new Map();
      for (const meta of this.interviews.values()) {
        if (!meta.people) {
          all = null;
          break;
        }
        for (const p of meta.people) {
          const list = all.get(p.id);
          if (list) list.push(meta.id);
          else all.set(p.id, [meta.id]);
        }
      }
      for (const list of all?.values() ?? []) list.sort();
      directory.appearances = all;
    }
    const all = directory.appearances;
    if (!all) return null;
    return new Map(personIds.map((id) => [id, [...(all.get(id) ?? [])]]));
  }

  /** Names of interviewees by id, from the interviews' metadata (labels for ids a reader typed). */
  personNames(personIds: Iterable<string>): Map<string, string> {
    const wanted = new Set(personIds);
    const names = new Map<string, string>();
    if (wanted.size === 0) return names;
    for (const meta of this.interviews.values()) {
      for (const p of meta.interviewees) if (wanted.has(p.id) && !names.has(p.id)) names.set(p.id, p.name);
      if (names.size === wanted.size) break;
    }
    return names;
  }

  /** People of one full name in different interviews, for editors to review (lib/people/duplicates.ts). */
  duplicatePeople(): DuplicateGroup[] {
    return possibleDuplicates(
      [...this.interviews.values()].map((meta) => ({
        id: meta.id,
        title: meta.title,
        publishedAt: meta.publishedAt,
        people: peopleOfMeta(meta),
      })),
    );
  }

  /** People of every indexed interview (for name lookups). */
  private *people(): Iterable<{ id: string; title: string; people: readonly IndexedPerson[] }> {
    for (const meta of this.interviews.values())
      yield { id: meta.id, title: meta.title, people: peopleOfMeta(meta) };
  }

  /** True when someone of that id says an indexed quote (or is listed in an indexed interview). */
  private isPersonId(id: string): boolean {
    if (this.engine.speakerCode(id) > 0) return true;
    for (const meta of this.interviews.values()) if (peopleOfMeta(meta).some((p) => p.id === id)) return true;
    return false;
  }

  /**
   * The people `values` of `interviewee=` name (ids or names, resolved by lib/search/people.ts: a
   * name is looked up among interviewees first, and a name that fits several people is a 400
   * naming them).
   */
  private resolveSpeakers(values: readonly string[]): PeopleResolution {
    return resolvePeople(
      values,
      () => this.people(),
      (id) => this.isPersonId(id),
    );
  }

  /**
   * A doc filter keeping quotes said by these people — the quote's speaker, or one of the people
   * saying it together.
   */
  private speakerFilter(people: readonly string[]): (doc: number) => boolean {
    const ids = new Set(people);
    const codes = new Set([...ids].map((id) => this.engine.speakerCode(id)).filter((c) => c > 0));
    // Interviews where one of them speaks together with others, and in which turns.
    const together = new Map<string, Set<number>>();
    for (const meta of this.interviews.values()) {
      for (const [ordinal, co] of Object.entries(meta.coSpeakers ?? {})) {
        if (!co.some((id) => ids.has(id))) continue;
        const set = together.get(meta.id) ?? new Set<number>();
        set.add(Number(ordinal));
        together.set(meta.id, set);
      }
    }
    return (doc) =>
      codes.has(this.engine.speakerCodeOf(doc)) ||
      (together.size > 0 && !!together.get(this.engine.keyOf(doc))?.has(this.engine.ordinalOf(doc)));
  }

  /**
   * People found by name or reading (kana), best first: the name itself, then an alias or
   * reading, then names starting with or containing `q`. `role` keeps one role (interviewee).
   */
  findPeople(q: string, options: { role?: Role; limit?: number } = {}): PersonMatch[] {
    const found = matchPeople(this.people(), q, options.role ? { role: options.role } : {});
    return found.slice(0, options.limit ?? found.length);
  }

  /** Candidates of a query tree after filters; title-only matches only when nothing else matched. */
  private candidates(m: Matches, filter: (doc: number) => boolean): Candidates {
    if (filter === KEEP_ALL) return ownMatches(m);
    // Pass 1 decides; pass 2 copies exactly what is kept (no over-sized scratch per query).
    const keep = new Uint8Array(m.n);
    let nAll = 0;
    let nOwn = 0;
    for (let i = 0; i < m.n; i++) {
      if (!filter(m.docs[i] ?? 0)) continue;
      const own = ((m.fields[i] ?? 0) & ~FIELD_BITS.title) !== 0;
      keep[i] = own ? 2 : 1;
      nAll++;
      if (own) nOwn++;
    }
    const min = nOwn > 0 ? 2 : 1;
    // Every doc kept (no filter, no title-only match left out): the result itself, not a copy.
    if ((nOwn > 0 ? nOwn : nAll) === m.n)
      return {
        n: m.n,
        docs: m.docs.subarray(0, m.n),
        scores: m.scores.subarray(0, m.n),
        fields: m.fields.subarray(0, m.n),
      };
    const out = emptyCandidates(nOwn > 0 ? nOwn : nAll);
    for (let i = 0; i < m.n; i++) {
      if ((keep[i] ?? 0) >= min) pushCandidate(out, m.docs[i] ?? 0, m.scores[i] ?? 0, m.fields[i] ?? 0);
    }
    return out;
  }

  /** Rank of each doc for filter-only listings: newest interview first, then id, then position. */
  private recency(): Float64Array {
    if (this.recencyRank?.version === this.version) return this.recencyRank.rank;
    const metas = [...this.interviews.values()].sort(
      (a, b) => (b.publishedAtMs ?? 0) - (a.publishedAtMs ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const rank = new Float64Array(this.engine.docCount);
    metas.forEach((meta, i) => {
      for (const d of this.engine.docsOf(meta.id)) rank[d] = -(i * 20_000 + this.engine.ordinalOf(d));
    });
    this.recencyRank = { version: this.version, rank };
    return rank;
  }

  /** The digest a cursor carries: what the search asks (its query and filters, not its page). */
  private fingerprintOf(params: z.output<typeof SearchParamsSchema>): string {
    return digest(
      JSON.stringify([
        params.q,
        params.terms,
        params.tags,
        params.match,
        params.interviewee,
        params.speaker,
        params.interview,
        params.from,
        params.to,
      ]),
      16,
    );
  }

  /** A cursor that starts this search's results at `offset` (numbered pages, as the console shows). */
  cursorAt(input: SearchParams, offset: number): string | undefined {
    return offset > 0 ? encodeCursor(offset, this.fingerprintOf(this.parse(input))) : undefined;
  }

  /**
   * Evaluates a search: the candidates its page needs (all of them, up to a bound, for phrases,
   * which are checked against the texts), facet counts and totals. See {@link SearchPlan}.
   */
  plan(input: SearchParams): SearchPlan {
    const params = this.parse(input);
    const fingerprint = this.fingerprintOf(params);
    const offset = params.cursor ? decodeCursor(params.cursor, fingerprint) : 0;
    const compiled = this.compile(params.q, params.terms);
    const people = params.interviewee?.length ? this.resolveSpeakers(params.interviewee) : null;
    const filter = this.filterFor(params, people);
    const named = people && Object.keys(people.names).length > 0 ? { people: people.names } : {};
    const terms = new Set<string>();
    let matched: SearchPage['matched'] = compiled.everyWord ? 'all' : 'any';
    let relaxed = false;
    let everyWord: number | null = null;
    let leading: Float64Array | null = null;
    let found = emptyCandidates(0);
    let byRecency = false;
    let pruned = false;
    let evaluated: QueryNode | null = null;
    // Compounds whose quotes the texts decide (see checkedCompounds): the loose query's candidates
    // beyond the strict ones, checked at render.
    const checks = compiled.everyWord && compiled.loose ? checkedCompounds(compiled.compounds) : null;
    let checked: Candidates | null = null;
    let nearSkipped = false;
    // The words typed that no quote says (ホヤ of ホヤってどう思う): told, not silently dropped.
    // Looked up before any evaluation (the engine reuses its buffers from one to the next).
    const missing = compiled.empty ? [] : this.missingWords(compiled.typed);
    if (
      missing.length > 0 &&
      compiled.typed.every((w) => w.predicate || missing.includes(w.text)) &&
      !compiled.empty
    ) {
      // What remains of the query is verbs and adjectives alone (食べ of ホヤを食べてみたい, 思う,
      // 好き): their quotes are no answer to a query about a thing no quote says (a relaxed page
      // of 188 quotes saying 思う, 111 saying 好き). The page is empty and `missing` says why.
    } else if (compiled.empty) {
      if (
        params.q.trim() === '' ||
        compiled.excludeOnly.length > 0 ||
        params.tags.length > 0 ||
        params.interviewee?.length ||
        params.interview
      ) {
        matched = 'filter';
        byRecency = true;
        // -word alone: every quote but those saying it, listed as filters list them.
        const excluded = new Set<number>();
        for (const node of compiled.excludeOnly) {
          const m = this.engine.textMatches(node);
          for (let i = 0; i < m.n; i++) excluded.add(m.docs[i] as number);
        }
        found = emptyCandidates(this.engine.docCount);
        for (let d = 0; d < this.engine.docCount; d++) {
          if (this.engine.alive(d) && filter(d) && !excluded.has(d)) pushCandidate(found, d, 0, 0);
        }
        found = trimCandidates(found);
      }
    } else if (compiled.query) {
      // Only the best of the page are needed when nothing filters them afterwards (filters and
      // phrase checks need every candidate); a margin covers title-only matches dropped below.
      const unfiltered = !this.filters(params) && compiled.phrases.length === 0;
      // A compound the index proves (人間関係) is evaluated for the page alone, as any query: when its
      // strict hits fill the page, the near candidates (人間との関係), listed after them, are not
      // needed for it (see below).
      const proven = checks?.proven === true && compiled.phrases.length === 0;
      const every = {
        roleWeights: [1, this.questionWeight, 1],
        ...(isOneWord(compiled.query) ? { questionField: ONE_WORD_QUESTION_FIELD } : {}),
        general: this.general,
        // Read below, before plan returns (render keeps counts and copies, not the lists): the
        // engine may reuse the result's buffers for the next evaluation.
        transient: true,
      };
      const options =
        unfiltered && (!checks || proven) ? { ...every, topK: offset + params.limit + TOP_K_MARGIN } : every;
      // A compound the index cannot prove (飲み会, 合コン) has no strict hits to list: every candidate
      // is the loose query's, checked at render, so the strict query is not evaluated at all.
      const unproven = checks !== null && !checks.proven && compiled.loose !== null;
      let m = this.engine.evaluate(
        unproven && compiled.loose ? compiled.loose : compiled.query,
        terms,
        options,
      );
      evaluated = compiled.query;
      found = unproven ? emptyCandidates(0) : this.candidates(m, filter);
      if (checks && proven && found.n >= offset + params.limit) {
        // The strict hits fill the page and every near candidate ranks after all of them: the page
        // is the strict one (as before near candidates were listed), and the loose query — at 1M
        // quotes a second evaluation of a common compound's parts (人間 AND 関係) — is not run. The
        // total then counts the strict hits only: an estimate (the near ones are not counted).
        nearSkipped = true;
      } else if (checks && compiled.loose) {
        if (m.pruned === true && !unproven) {
          // Evaluated for a page it does not fill: every strict hit, as the checked path needs.
          m = this.engine.evaluate(compiled.query, terms, every);
          found = this.candidates(m, filter);
        }
        // The strict hits say each compound as typed, proven by the index (役作, 情表); the loose
        // query's other candidates are checked against their texts at render (感情を表現, 飲み会).
        // Copied first: the next evaluation may reuse the engine's buffers.
        const strict = checks.proven ? copyCandidates(found) : emptyCandidates(0);
        const said = new Set(strict.docs);
        if (!unproven) m = this.engine.evaluate(compiled.loose, terms, every);
        evaluated = compiled.loose;
        const all = this.candidates(m, filter);
        checked = emptyCandidates(all.n);
        for (let i = 0; i < all.n; i++) {
          const d = all.docs[i] ?? 0;
          if (!said.has(d)) pushCandidate(checked, d, all.scores[i] ?? 0, all.fields[i] ?? 0);
        }
        checked = trimCandidates(checked);
        found = strict;
      } else if (found.n === 0 && compiled.loose) {
        // No quote says a compound typed (役作り) as written: its parts anywhere, as every word.
        m = this.engine.evaluate(compiled.loose, terms, options);
        evaluated = compiled.loose;
        found = this.candidates(m, filter);
      }
      if (
        compiled.relaxed &&
        !checked?.n &&
        (found.n === 0 || (compiled.typedAsPhrase && found.n < RELAX_BELOW))
      ) {
        // No quote has every word of a short query, or a phrase typed with kana has fewer than
        // RELAX_BELOW: quotes with any of them, said so by `matched` and `relaxed`, those with
        // every word first (copied: the next evaluation may reuse the buffers behind `found`).
        // Not when a compound's quotes are still to be checked against their texts (checked):
        // how many say it whole is known only at render, so those stay the page.
        const full = new Set(found.docs.subarray(0, found.n));
        matched = 'any';
        relaxed = true;
        everyWord = full.size;
        m = this.engine.evaluate(compiled.relaxed, terms, checks ? every : options);
        evaluated = compiled.relaxed;
        found = this.candidates(m, filter);
        if (full.size > 0) {
          // Ranked by score as any relaxed page, but a quote with every word before the others
          // (the share of words a relaxed score counts nearly always puts them there already).
          leading = Float64Array.from(found.scores);
          for (let i = 0; i < found.n; i++)
            if (full.has(found.docs[i] ?? -1)) leading[i] = (leading[i] ?? 0) + LEADING_BONUS;
        }
      }
      pruned = m.pruned === true;
    }
    let keys = leading ?? found.scores;
    if (byRecency) {
      const rank = this.recency();
      keys = Float64Array.from(found.docs, (d) => rank[d] ?? 0);
    }
    const phrases = compiled.phrases;
    const end = offset + params.limit;
    // Phrases need the texts: check three candidates per hit shown (all of them below a bound),
    // so an anonymous phrase query cannot make the API read hundreds of interviews.
    const window =
      phrases.length === 0
        ? Math.min(found.n, end)
        : Math.min(found.n, Math.max(PHRASE_EXACT_BELOW, end * PHRASE_CHECKS_PER_HIT), PHRASE_CHECK_LIMIT);
    const plannedOf = (c: Candidates, i: number): Planned => {
      const doc = c.docs[i] ?? 0;
      return {
        interview: this.engine.keyOf(doc),
        ordinal: this.engine.ordinalOf(doc),
        score: matched === 'filter' ? 0 : (c.scores[i] ?? 0),
        fields: c.fields[i] ?? 0,
        tags: this.engine.tagsOf(doc),
        role: ROLES[this.engine.roleOf(doc)] ?? 'other',
        speakers: this.speakersOf(doc),
      };
    };
    const planned: Planned[] = topOrder(keys, found.n, window).map((i) => plannedOf(found, i));
    // After the strict hits, the checked candidates, as many as a phrase query checks: their texts
    // decide which are shown (three per hit shown, all of them below a bound).
    const toCheck = new Set<Planned>();
    const checkWindow = checked
      ? Math.min(checked.n, Math.max(PHRASE_EXACT_BELOW, end * PHRASE_CHECKS_PER_HIT), PHRASE_CHECK_LIMIT)
      : 0;
    if (checked) {
      const c = checked;
      for (const i of topOrder(c.scores, c.n, checkWindow)) {
        const p = plannedOf(c, i);
        toCheck.add(p);
        planned.push(p);
      }
    }
    const interviewees = new Map<string, ReadonlyMap<string, string>>();
    for (const p of planned)
      interviewees.set(
        p.interview,
        new Map((this.interviews.get(p.interview)?.interviewees ?? []).map((x) => [x.id, x.name])),
      );
    // With checked candidates, the strict hits' facets (those of the near ones are not known before
    // render); none strict, those of the page's hits, as for phrases.
    const facets = phrases.length === 0 && (!checked || found.n > 0) ? this.facets(found.docs) : null;
    // Render may run after another search's plan (documents are fetched in between), which can
    // reuse the buffers behind `found`: it keeps the count, never the lists.
    const count = found.n;
    const meta = new Map(planned.map((p) => [p.interview, this.interviews.get(p.interview)]));
    // Highlight what each hit matched, as written: the query's words, and the written form of the
    // index terms the engine says the hit has (the kanji word a reading matched, the whole
    // katakana word a part matched), in its text and in the question it answers.
    const marks = this.marksOf(compiled, evaluated, planned, phrases.length > 0 || checked ? 0 : offset, end);
    const checkedCount = checked?.n ?? 0;
    return {
      documentIds: [...new Set(planned.map((p) => p.interview))],
      render: (lookup) => {
        const documents: DocumentLookup = lookup ?? ((id) => this.retained?.get(id));
        // Each interview looked up once; its turns found by ordinal where they stand (no map per
        // interview per search: rendering's garbage is what the young generation fills with).
        const fetched = new Map<string, Interview['turns'] | null>();
        const turnsOf = (key: string) => {
          let t = fetched.get(key);
          if (t === undefined) {
            t = documents(key)?.turns ?? null;
            fetched.set(key, t);
          }
          return t;
        };
        let shown = planned;
        let total = count;
        // Near candidates not evaluated (their strict hits filled the page): more may say the compound.
        let totalIsEstimate = pruned || nearSkipped;
        if (phrases.length > 0) {
          // The index has no positions: check phrases against the texts of the leading candidates.
          shown = planned.filter((p) => {
            const turn = turnAt(turnsOf(p.interview), p.ordinal);
            const text = turn ? normalizeForMatch(turn.text) : '';
            return phrases.every((ph) => text.includes(ph));
          });
          totalIsEstimate = pruned || planned.length < count;
          total = totalIsEstimate ? count - (planned.length - shown.length) : shown.length;
        }
        if (checks && toCheck.size > 0) {
          // A checked candidate is shown where its text or its question says each compound (as
          // typed, or with a particle between its parts); none saying it, and nothing strict: the
          // parts anywhere, as every word (the loose fallback).
          const kept = shown.filter((p) => {
            if (!toCheck.has(p)) return true;
            const turns = turnsOf(p.interview);
            const turn = turnAt(turns, p.ordinal);
            if (!turn) return false;
            const question = turn.questionId ? turns?.find((t) => t.id === turn.questionId) : undefined;
            return saysCompounds(turn.text, checks) || (!!question && saysCompounds(question.text, checks));
          });
          let passed = 0;
          for (const p of kept) if (toCheck.has(p)) passed++;
          if (count > 0 || passed > 0) {
            shown = kept;
            totalIsEstimate = pruned || checkedCount > checkWindow;
            total = count + passed + (checkedCount - checkWindow);
          } else total = checkedCount;
        }
        const hits: SearchHit[] = [];
        for (const p of shown.slice(offset, end)) {
          const hit = this.toHit(p, marks.get(p) ?? marks.none, meta.get(p.interview), turnsOf(p.interview));
          if (hit) hits.push(hit);
        }
        return {
          total,
          hits,
          facets:
            facets ??
            plannedFacets(
              shown,
              interviewees,
              new Map([...meta].map(([id, m]) => [id, m?.publishedAt?.slice(0, 4)])),
            ),
          nextCursor: end < total ? encodeCursor(end, fingerprint) : null,
          matched,
          relaxed,
          ...(everyWord === null ? {} : { everyWord }),
          ...(missing.length > 0 ? { missing } : {}),
          totalIsEstimate,
          ...named,
        };
      },
    };
  }

  /**
   * The typed words no quote says, as typed (a word in several slots once): in no field a search
   * reads (text, speaker, section, title). A node whose terms are in the dictionary is said (a few
   * lookups, no postings read); one whose terms are not, but which finds longer words (a prefix, a
   * typo, a pair inside a word), is evaluated: cheap, as its terms are rare or absent.
   */
  private missingWords(typed: CompiledQuery['typed']): string[] {
    const out: string[] = [];
    for (const w of typed) {
      if (out.includes(w.text)) continue;
      const known = this.said(w.node);
      if (known === 'no' || (known === 'maybe' && !this.anyAlive(this.engine.evaluate(w.node))))
        out.push(w.text);
    }
    return out;
  }

  /** Whether some quote has a node's terms: yes, no, or maybe (its expansions may). */
  private said(node: QueryNode): 'yes' | 'no' | 'maybe' {
    switch (node.kind) {
      case 'term':
        if (this.engine.termAnywhere(node.term)) return 'yes';
        return node.prefix || node.substr || node.fuzzy || node.inner ? 'maybe' : 'no';
      case 'and': {
        // Each child said does not make them said together.
        const parts = node.children.filter((c) => c.kind !== 'not').map((c) => this.said(c));
        return parts.includes('no') ? 'no' : 'maybe';
      }
      case 'or':
      case 'max': {
        const parts = node.children.map((c) => this.said(c));
        return parts.includes('yes') ? 'yes' : parts.includes('maybe') ? 'maybe' : 'no';
      }
      default:
        return 'maybe';
    }
  }

  private anyAlive(m: { docs: ArrayLike<number>; n: number }): boolean {
    for (let i = 0; i < m.n; i++) if (this.engine.alive(m.docs[i] as number)) return true;
    return false;
  }

  /**
   * What to mark in each hit of the page (`planned[from, end)`): the query's words, and what the
   * engine says the hit matched ({@link Engine.matchedTerms}) — in its text, and in the question
   * it answers — as written: a term's surface and spellings, a verb reading's written forms; and
   * the pieces of words it matched (bigrams, kanji stems), marked only where nothing else is.
   * Strings only: rendering reads nothing of the engine.
   */
  private marksOf(
    compiled: CompiledQuery,
    evaluated: QueryNode | null,
    planned: readonly Planned[],
    from: number,
    end: number,
  ): Map<Planned, HitMarks> & { none: HitMarks } {
    const base = compiled.needles.map((x) => normalizeForMatch(x)).filter((x) => !!x);
    const none: HitMarks = {
      text: [...new Set(base)],
      question: [...new Set(base)],
      forms: compiled.forms,
      weak: NO_WEAK,
      questionWeak: NO_WEAK,
      compounds: compiled.compounds,
      whole: compiled.everyWord,
    };
    const out = Object.assign(new Map<Planned, HitMarks>(), { none });
    const page = planned.slice(from, end);
    if (!evaluated || page.length === 0) return out;
    const matched = this.engine.matchedTerms(
      evaluated,
      page.map((p) => this.engine.docOf(p.interview, p.ordinal)),
    );
    const written = new Map<string, string[]>();
    // Bounded: a one-kana prefix can match thousands of terms, each a lookup.
    const writtenOf = (t: string): string[] => {
      let w = written.get(t);
      if (!w) {
        w = [t, ...(written.size < SPELLING_LOOKUPS ? this.spellingsOf(t) : [this.engine.surfaceOf(t) ?? ''])]
          .filter((x) => !!x)
          .map((x) => normalizeForMatch(x));
        written.set(t, w);
      }
      return w;
    };
    const formsOf = new Map<string, string[]>();
    // A dictionary-form reading (\u0001タメル) has no place in the text: the forms the quotes write
    // it in (貯める, 溜める) are marked where the text inflects them (貯めて), and so is a verb
    // typed with its kanji (稼ぐ → 稼いで), and a kanji spelling matched in a quote that writes
    // the verb in kana (頑張る → がんばって).
    const verbForms = (t: string): string[] => {
      let f = formsOf.get(t);
      if (!f) {
        const prefix = t.startsWith(DICTIONARY_FORM_MARK)
          ? writtenFormPrefix(t.slice(DICTIONARY_FORM_MARK.length))
          : t.startsWith(KANJI_SPELLING_MARK)
            ? kanjiSpellingPrefix(t.slice(KANJI_SPELLING_MARK.length))
            : null;
        f = prefix === null ? [] : this.engine.termsWithPrefix(prefix).map((w) => w.slice(prefix.length));
        formsOf.set(t, f);
      }
      return f;
    };
    // Per hit, lists that start as the query's needles and are copied only when the hit adds to
    // them (most add a form or two, or nothing): three Sets and three spreads per hit were a
    // tenth of a page's garbage. Lists stay short (the query's words and their written forms),
    // so `includes` costs less than hashing.
    const unique = none.text;
    const uniqueForms = [...new Set(compiled.forms)];
    const added = (list: readonly string[], w: string, shared: readonly string[]): readonly string[] => {
      if (list.includes(w)) return list;
      const out = list === shared ? list.slice() : (list as string[]);
      out.push(w);
      return out;
    };
    for (let i = 0; i < page.length; i++) {
      const p = page[i] as Planned;
      let text: readonly string[] = unique;
      let question: readonly string[] = unique;
      let forms: readonly string[] = uniqueForms;
      let weak: string[] | null = null;
      let questionWeak: string[] | null = null;
      for (const m of matched[i] ?? []) {
        const inText = (m.fields & FIELD_BITS.text) !== 0;
        const inQuestion = (m.fields & FIELD_BITS.question) !== 0;
        if (!inText && !inQuestion) continue;
        if (m.gram) {
          if (inText) {
            weak ??= [];
            weak.push(m.term);
          }
          if (inQuestion) {
            questionWeak ??= [];
            questionWeak.push(m.term);
          }
          continue;
        }
        for (const w of writtenOf(m.term)) {
          if (inText) text = added(text, w, unique);
          if (inQuestion) question = added(question, w, unique);
        }
        for (const f of verbForms(m.term)) forms = added(forms, f, uniqueForms);
      }
      out.set(p, {
        text,
        question,
        forms,
        weak: weak ? new Set(weak) : NO_WEAK,
        questionWeak: questionWeak ? new Set(questionWeak) : NO_WEAK,
        compounds: compiled.compounds,
        whole: compiled.everyWord,
      });
    }
    return out;
  }

  /**
   * Names of every interviewee (by id), the interviews with turns said together, and per slot
   * what facets count (its year, whether it has turns said together); kept until the index
   * changes.
   */
  private directory(): Directory {
    const slots = this.engine.slotCount;
    if (this.directoryCache?.version === this.version && this.directoryCache.slotYear.length === slots)
      return this.directoryCache;
    const interviewees = new Map<string, string>();
    const together = new Set<string>();
    for (const meta of this.interviews.values()) {
      for (const p of meta.interviewees) if (!interviewees.has(p.id)) interviewees.set(p.id, p.name);
      if (meta.coSpeakers && Object.keys(meta.coSpeakers).length > 0) together.add(meta.id);
    }
    // Facets count docs by slot: a slot's year and co-speakers are looked up once here, not by
    // its key for every matching doc of every query.
    const slotYear = new Int32Array(slots).fill(-1);
    const slotTogether = new Uint8Array(slots);
    const years: string[] = [];
    const yearIds = new Map<string, number>();
    for (let slot = 0; slot < slots; slot++) {
      const key = this.engine.slotKey(slot);
      if (together.has(key)) slotTogether[slot] = 1;
      const year = this.interviews.get(key)?.publishedAt?.slice(0, 4);
      if (!year) continue;
      let y = yearIds.get(year);
      if (y === undefined) {
        y = years.length;
        years.push(year);
        yearIds.set(year, y);
      }
      slotYear[slot] = y;
    }
    this.directoryCache = {
      version: this.version,
      interviewees,
      together,
      slotYear,
      slotTogether,
      years,
      words: null,
      appearances: undefined,
    };
    return this.directoryCache;
  }

  /**
   * One word per doc holding what {@link facets} reads for it — role, whether its interview has
   * turns said together, its year, whether it has tags, its speaker — so a large result reads one
   * array in doc order instead of four (slot, then the slot's year and flag, role, speaker) per
   * matching quote, and the tag table only for its tagged quotes (most have none: at 1M, 95%).
   * Null when years or speakers outgrow their bits.
   */
  private packFacets(directory: Directory): Uint32Array | null {
    if (directory.words) return directory.words;
    const { slotYear, slotTogether, years } = directory;
    if (years.length >= FACET_YEARS || this.engine.personCount + 1 >= FACET_SPEAKERS) return null;
    const n = this.engine.docCount;
    const words = new Uint32Array(n);
    for (let doc = 0; doc < n; doc++) {
      const slot = this.engine.slotOf(doc);
      words[doc] =
        (this.engine.roleOf(doc) & 3) |
        ((slotTogether[slot] ?? 0) << 2) |
        (((slotYear[slot] ?? -1) + 1) << 3) |
        (this.engine.tagIdsOf(doc).length > 0 ? FACET_TAGGED : 0) |
        (this.engine.speakerCodeOf(doc) << 12);
    }
    directory.words = words;
    return words;
  }

  /** Who said a doc: its speaker's person id and the co-speakers' (none for a role label). */
  private speakersOf(doc: number): string[] {
    const speaker = this.engine.speakerOf(doc);
    const co = this.interviews.get(this.engine.keyOf(doc))?.coSpeakers?.[String(this.engine.ordinalOf(doc))];
    return [...(speaker ? [speaker] : []), ...(co ?? [])];
  }

  /** Facet counts of tags, interviewees (quotes each said), roles and years over docs. */
  private facets(docs: ArrayLike<number>): SearchPage['facets'] {
    const facets = emptyFacets();
    const perRole = new Uint32Array(ROLES.length);
    const directory = this.directory();
    const { slotYear, slotTogether, years } = directory;
    // Per year: quotes, and the first slot counted (years are written in slot order).
    const perYear = new Uint32Array(years.length);
    const yearSlot = new Int32Array(years.length);
    // Quotes per speaker code, and one doc of each (to name the code), in first-seen order;
    // co-speakers per doc.
    const perSpeaker = new Uint32Array(this.engine.personCount + 1);
    const speakerDocs: number[] = [];
    const together: number[] = [];
    const words = docs.length >= FACET_WORDS_FROM && !this.general ? this.packFacets(directory) : null;
    // Tags are counted over the docs that have any: all of them without the words.
    let tagged: ArrayLike<number> = docs;
    if (words) {
      // Docs with tags, in a buffer kept between searches: a list of numbers grown per match was
      // the largest garbage of a search with tens of thousands of matches (必要: 28,966).
      if (this.withTags.length < docs.length) this.withTags = new Int32Array(docs.length * 2);
      const withTags = this.withTags;
      let tags = 0;
      // Docs are numbered in slot order, so a year's first doc counted is in its first slot.
      const yearDoc = new Int32Array(years.length);
      // Each match's word gathered first, in a loop of loads alone: many of their cache misses
      // are then in flight at once, where the counting loop below keeps few.
      if (this.gathered.length < docs.length) this.gathered = new Uint32Array(docs.length * 2);
      const gathered = this.gathered;
      for (let i = 0; i < docs.length; i++) gathered[i] = words[docs[i] ?? 0] ?? 0;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] ?? 0;
        const w = gathered[i] ?? 0;
        const y = ((w >>> 3) & 0xff) - 1;
        if (y >= 0) {
          if (perYear[y] === 0 || doc < (yearDoc[y] ?? 0)) yearDoc[y] = doc;
          perYear[y] = (perYear[y] ?? 0) + 1;
        }
        perRole[w & 3] = (perRole[w & 3] ?? 0) + 1;
        const code = w >>> 12;
        if (code > 0) {
          if (perSpeaker[code] === 0) speakerDocs.push(doc);
          perSpeaker[code] = (perSpeaker[code] ?? 0) + 1;
        }
        if (w & 4) together.push(doc);
        if (w & FACET_TAGGED) withTags[tags++] = doc;
      }
      tagged = withTags.subarray(0, tags);
      yearDoc.forEach((d, y) => {
        if ((perYear[y] ?? 0) > 0) yearSlot[y] = this.engine.slotOf(d);
      });
    }
    for (let i = 0; i < (words ? 0 : docs.length); i++) {
      const doc = docs[i] ?? 0;
      const slot = this.engine.slotOf(doc);
      const y = slotYear[slot] ?? -1;
      if (y >= 0) {
        if (perYear[y] === 0 || slot < (yearSlot[y] ?? 0)) yearSlot[y] = slot;
        perYear[y] = (perYear[y] ?? 0) + 1;
      }
      const role = this.engine.roleOf(doc);
      perRole[role] = (perRole[role] ?? 0) + 1;
      const code = this.engine.speakerCodeOf(doc);
      if (code > 0) {
        if (perSpeaker[code] === 0) speakerDocs.push(doc);
        perSpeaker[code] = (perSpeaker[code] ?? 0) + 1;
      }
      if (slotTogether[slot] === 1) together.push(doc);
    }
    this.engine.countTags(tagged).forEach((c, t) => {
      if (c > 0) facets.tags[this.engine.tagName(t)] = c;
    });
    const count = (id: string, c: number) => {
      const name = directory.interviewees.get(id);
      if (name === undefined) return;
      facets.interviewees[id] = (facets.interviewees[id] ?? 0) + c;
      facets.intervieweeNames[id] = name;
    };
    for (const doc of speakerDocs) {
      const id = this.engine.speakerOf(doc);
      if (id) count(id, perSpeaker[this.engine.speakerCodeOf(doc)] ?? 0);
    }
    for (const doc of together) {
      const co = this.interviews.get(this.engine.keyOf(doc))?.coSpeakers?.[
        String(this.engine.ordinalOf(doc))
      ];
      for (const id of co ?? []) count(id, 1);
    }
    const counted: number[] = [];
    perYear.forEach((c, y) => {
      if (c > 0) counted.push(y);
    });
    for (const y of counted.sort((a, b) => (yearSlot[a] ?? 0) - (yearSlot[b] ?? 0)))
      facets.years[years[y] as string] = perYear[y] ?? 0;
    perRole.forEach((c, role) => {
      if (c > 0) facets.roles[ROLES[role] as Role] = c;
    });
    return facets;
  }

  /** Searches quotes: {@link QuoteIndex.plan}, rendered with `documents` (default: retained). */
  search(input: SearchParams, documents?: DocumentLookup): SearchPage {
    return this.plan(input).render(documents);
  }

  private toHit(
    p: Planned,
    marks: HitMarks,
    meta: InterviewMeta | undefined,
    turns: Interview['turns'] | null,
  ): SearchHit | null {
    const turn = turnAt(turns, p.ordinal);
    // The interview changed or went away since this index was written: skip the stale hit.
    if (!turn) return null;
    const question = turn.questionId ? turnById(turns, turn.questionId) : undefined;
    // Matched terms are found as substrings of the normalised text: no segmentation per hit
    // (but for a text nothing else marks, whose weak terms are looked for among its tokens).
    // A quote found through its question saying a compound typed (飲み会 asked, 「静かに飲んでて」
    // answered) shows the compound in the question; its parts in the answer (飲 of 飲んで) are not
    // what was looked for there.
    const askedOnly =
      question && marks.whole ? partsAskedOnly(turn.text, question.text, marks.compounds) : null;
    const ranges = matchRanges(
      turn.text,
      NO_TERMS,
      askedOnly ? marks.text.filter((x) => !askedOnly.has(x)) : marks.text,
      askedOnly ? marks.forms.filter((f) => !askedOnly.has(kanjiStemOf(f))) : marks.forms,
      this.readings,
      askedOnly ? NO_WEAK : marks.weak,
      marks.compounds,
    );
    // A loop, not filter with a closure: this runs for every hit of every page.
    const matchedIn: Array<keyof typeof FIELD_BITS> = [];
    for (const f of MATCHED_IN) if (p.fields & FIELD_BITS[f]) matchedIn.push(f);
    return {
      quoteId: turn.id,
      interviewId: p.interview,
      interviewTitle: meta?.title ?? '',
      publishedAt: meta?.publishedAt ?? null,
      ordinal: turn.ordinal,
      text: turn.text,
      highlight: highlight(turn.text, ranges),
      speaker: { id: turn.speakerId, name: turn.speaker, role: turn.role },
      section: turn.section,
      question: question
        ? {
            quoteId: question.id,
            text: question.text,
            ranges: matchRanges(
              question.text,
              NO_TERMS,
              marks.question,
              marks.forms,
              this.readings,
              marks.questionWeak,
              marks.compounds,
            ),
          }
        : null,
      tags: p.tags,
      score: Math.round(p.score * 1000) / 1000,
      matchedIn,
    };
  }

  /** Completes the last word of `q` with words as they appear in the quotes. */
  suggest(q: string, limit = 8): Suggestion[] {
    const last = normalize(q.trim().split(/\s+/).pop() ?? '').text;
    // Long-vowel marks alone (ー, a typed ーー) begin no word: they completed to 「ーー」.
    if (!last || !NOT_LONG_VOWEL.test(last)) return [];
    // Kana is completed as one word (けっこ → ケッコ: 結婚 by its reading, ケッコウ …).
    const prefix = KANA_ONLY.test(last)
      ? hiraganaToKatakana(last)
      : analyzeNormalized(last, this.mode)
          .filter((t) => t.kind !== 'gram')
          .at(-1)?.term;
    if (!prefix) return [];
    const n = Math.max(1, Math.min(limit, 50));
    // Katakana or Latin typed: only words written that way (クラ must not offer くらい);
    // hiragana typed: any script, since it is how kanji and katakana words are typed.
    const keep = HIRAGANA_CHAR.test(last.charAt(0))
      ? () => true
      : (text: string) => normalize(text).text.startsWith(last);
    const seen = new Set<string>();
    // As written, but full-width: ｸﾗｳﾄﾞﾜｰｸｽ is クラウドワークス to whoever types クラ.
    return this.engine
      .complete(prefix, n * 4)
      .map((c) => ({ text: (c.surface ?? c.term).normalize('NFKC'), quotes: c.quotes }))
      .filter((s) => keep(s.text) && !seen.has(s.text) && seen.add(s.text) !== undefined)
      .sort(
        (a, b) =>
          sameScript(b.text, q) - sameScript(a.text, q) ||
          b.quotes - a.quotes ||
          a.text.localeCompare(b.text),
      )
      .slice(0, n);
  }

  /** Header fields of a snapshot part holding the interviews `keys`. */
  private partHeader(keys: readonly string[]): Record<string, unknown> {
    return {
      format: MAGIC_HEADER,
      schemaVersion: INDEX_SCHEMA_VERSION,
      analyzer: {
        version: ANALYZER_VERSION,
        mode: this.mode,
        icu: process.versions.icu ?? null,
        // Whether kana readings were indexed (by this writer; a reader needs no dictionary).
        readings: this.readings ? READINGS_VERSION : null,
      },
      createdAt: new Date().toISOString(),
      interviewTable: metaColumns(
        keys.flatMap((k) => this.interviews.get(k) ?? []),
        keys,
      ),
    };
  }

  /** Serialises the whole index as one part, folded (compress it to store it; see {@link QuoteIndex.fromParts}). */
  toSnapshot(): Uint8Array {
    const bytes = this.engine.pack((keys) => this.partHeader(keys));
    // The fold holds what attached parts held.
    this.staged = [];
    // Folding renumbered the docs: cached evaluations refer to old numbers.
    this.version++;
    return bytes;
  }

  /**
   * Seals the writes since the last part into a new part (a segment over the parts before
   * it), costing what was written, not the index; null when nothing was. Readers that place
   * it over the same parts answer exactly as this index does.
   */
  sealSegment(): Uint8Array | null {
    if (this.staged.length > 0) throw new Error('index: attached parts wait; seal with sealSegments');
    return this.engine.seal((keys) => this.partHeader(keys));
  }

  /**
   * The parts not handed out yet, oldest first: those {@link QuoteIndex.attachInterview} wrote,
   * then the writes since sealed into one (as {@link QuoteIndex.sealSegment}); empty when none.
   */
  sealSegments(): Uint8Array[] {
    const out = this.staged;
    this.staged = [];
    const sealed = this.engine.seal((keys) => this.partHeader(keys));
    if (sealed) out.push(sealed);
    return out;
  }

  /** True when writes since the last seal (or snapshot) are not in a part handed out yet. */
  get pending(): boolean {
    return this.engine.pending || this.staged.length > 0;
  }

  /** Parts among {@link QuoteIndex.segmentCount} written but not handed out yet (see {@link sealSegments}). */
  get unsealedParts(): number {
    return this.staged.length;
  }

  /** Number of parts this index is made of (0 before the first seal or snapshot). */
  get segmentCount(): number {
    return this.engine.segmentCount;
  }

  /** Docs (dead included) and live docs per part, oldest first. */
  segmentSizes(): SegmentSize[] {
    return this.engine.segmentSizes();
  }

  /** The merge of parts [from, to) the size-tiered policy asks for next, or null. */
  planMerge(policy?: MergePolicy): [number, number] | null {
    return this.engine.planMerge(policy);
  }

  /** Merges parts [from, to) into one part, returned as bytes; seal pending writes first. */
  mergeSegments(from: number, to: number): Uint8Array {
    if (this.staged.length > 0)
      throw new Error('index: hand out attached parts (sealSegments) before merging');
    const bytes = this.engine.merge(from, to, (keys) => this.partHeader(keys));
    this.version++;
    return bytes;
  }

  /**
   * Opens a part (its header parsed once) and checks its header; returns them and its
   * segmentation mode. An opened part is never changed by placing it, so one can be placed
   * again into another index (a reader's refresh reuses the parts it has).
   */
  static openPart(part: unknown): OpenedPart {
    let opened: { header: Record<string, unknown>; segment: Segment } | null = null;
    try {
      opened = part instanceof Uint8Array ? openSegment(part) : null;
    } catch (e) {
      if (e instanceof SnapshotVersionError) throw e;
      opened = null;
    }
    const header = opened?.header;
    if (
      !opened ||
      !header ||
      header.format !== MAGIC_HEADER ||
      header.schemaVersion !== INDEX_SCHEMA_VERSION
    ) {
      throw new SnapshotVersionError(header?.schemaVersion as number | undefined, INDEX_SCHEMA_VERSION);
    }
    const analyzer = header.analyzer as { version?: number; mode?: SegmentationMode } | undefined;
    if (analyzer?.version !== ANALYZER_VERSION)
      throw new SnapshotVersionError(`analyzer ${analyzer?.version}`, ANALYZER_VERSION);
    return { ...opened, mode: analyzer.mode ?? 'hybrid' };
  }

  /** Records what a placed part says about interviews: the ones it removes, the ones it holds. */
  private adoptPartHeader(header: Record<string, unknown>): void {
    for (const key of (header.removes as string[] | undefined) ?? []) this.interviews.delete(key);
    // Parts of layout 3 list metas as objects; later ones as columns.
    for (const meta of (header.interviews as InterviewMeta[] | undefined) ?? [])
      this.interviews.set(meta.id, meta);
    if (header.interviewTable) {
      const dead = new Set((header.deadSlots as number[] | undefined) ?? []);
      const keys = (header.keys as string[] | undefined) ?? [];
      this.interviews.adopt(
        header.interviewTable as MetaColumns,
        dead.size === 0 ? keys : keys.filter((_, i) => !dead.has(i)),
      );
    }
  }

  /**
   * Places further parts over this index, as they were sealed or merged after the ones it
   * holds (a reader following the writer); nothing may have been written to this index.
   */
  appendParts(parts: readonly Uint8Array[]): void {
    this.placeParts(parts.map((p) => QuoteIndex.openPart(p)));
  }

  private placeParts(opened: readonly OpenedPart[]): void {
    for (const o of opened)
      if (o.mode !== this.mode) throw new SnapshotVersionError(`analyzer mode ${o.mode}`, ANALYZER_VERSION);
    this.engine.reserve(opened.map((o) => o.segment));
    for (const o of opened) {
      this.engine.place(o.segment);
      this.adoptPartHeader(o.header);
    }
    this.version++;
  }

  /** Inflates in the background what loaded parts keep compressed until first used (see engine/snapshot.ts). */
  warm(): Promise<void> {
    return this.engine.warm();
  }

  /** Loads a snapshot; an unknown schema or analyzer version throws {@link SnapshotVersionError}. */
  static fromSnapshot(snapshot: unknown, options: Omit<QuoteIndexOptions, 'mode'> = {}): QuoteIndex {
    return QuoteIndex.fromParts([snapshot as Uint8Array], options);
  }

  /**
   * Opens an index from its parts, oldest first (a base and the segments sealed or merged
   * after it); an unknown schema or analyzer version throws {@link SnapshotVersionError}.
   */
  static fromParts(parts: readonly Uint8Array[], options: Omit<QuoteIndexOptions, 'mode'> = {}): QuoteIndex {
    if (parts.length === 0) throw new SnapshotVersionError('no parts', INDEX_SCHEMA_VERSION);
    return QuoteIndex.fromOpened(
      parts.map((p) => QuoteIndex.openPart(p)),
      options,
    );
  }

  /** {@link fromParts} of parts opened already (see {@link openPart}). */
  static fromOpened(
    opened: readonly OpenedPart[],
    options: Omit<QuoteIndexOptions, 'mode'> = {},
  ): QuoteIndex {
    const first = opened[0];
    if (!first) throw new SnapshotVersionError('no parts', INDEX_SCHEMA_VERSION);
    const idx = new QuoteIndex({ retain: false, ...options, mode: first.mode });
    idx.placeParts(opened);
    return idx;
  }
}

/** A query of one word (one slot, whatever its spellings and readings): see ONE_WORD_QUESTION_FIELD. */
function isOneWord(q: QueryNode): boolean {
  return q.kind === 'match' && q.slots.filter((s) => !s.rank).length === 1;
}
