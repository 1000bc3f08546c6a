/**
 * Tokenizing an interview for the index, apart from the index's state: the fields' tokens, their
 * packed form a parse worker sends, counting them by term number, the tagger's terms read from
 * them, and the prebuilt segment a worker builds. What runs off the API thread lives here.
 */
import type { Interview } from '../model.ts';
import {
  ANALYZER_VERSION,
  analyzeNormalized,
  FRAGMENT_MARK,
  INDEX_ONLY_KINDS,
  innerGrams,
  type SegmentationMode,
  type Token,
  type TokenKind,
} from '../text/analyze.ts';
import {
  dictionaryFormTerm,
  kanaFormTerm,
  kanjiSpellingTerm,
  nounSpellingTerm,
  splitInflected,
  splitSpelling,
  WRITTEN_VERB_MARK,
  writtenFormTerm,
} from '../text/deinflect.ts';
import { normalize } from '../text/normalize.ts';
import type { ReadingAnalyzer } from '../text/readings.ts';
import { READING_CONTEXT } from '../text/readings-version.ts';
import {
  type CountedField,
  type CountedTerms,
  FLAG_KANA,
  FLAG_SUGGEST,
  INNER_MARK,
  type Segment,
} from './engine/index.ts';

/** Kinds of tokens as {@link FieldTokens} carries them (one byte each). */
const KIND_CODES: ReadonlyArray<TokenKind | null> = [
  'word',
  'run',
  'gram',
  'latin',
  'num',
  'kana',
  'kanapart',
  'frag',
  // KIND_INNER's code: the index's own, not the analyzer's. Codes are kept as they were when a
  // kind is added (a new one goes at the end), so packed tokens of an interview keep their meaning.
  null,
  'count',
];
/**
 * A kanji bigram inside a longer word (analyzer's `gram`, see innerGrams): the tagger reads its
 * term as it always did, the index keeps it behind INNER_MARK. A code of the index's own, among
 * the analyzer's kinds.
 */
const KIND_INNER = 8;
const KIND_WORD = 0;
const KIND_RUN = 1;
const KIND_GRAM = 2;
/** A run of kana glued back inside a longer one (analyzer's `kanapart`): searched, never completed. */
const KIND_KANA_PART = 6;
/** A piece the segmenter cut off a hiragana adjective (analyzer's `frag`): indexed behind FRAGMENT_MARK. */
const KIND_FRAGMENT = 7;
/** The kinds' codes the tagger does not read (INDEX_ONLY_KINDS), nor a field's length counts. */
const TAGGER_SKIPS = new Uint8Array(KIND_CODES.map((k) => (k !== null && INDEX_ONLY_KINDS.has(k) ? 1 : 0)));

/**
 * The tokens of one field as the index counts them: the terms in text order, their kinds (indices
 * into KIND_CODES), and for the quote text the source each non-bigram term was read from (null
 * when it is the term itself). The expensive half of indexing (normalisation, segmentation) ends
 * here, so a worker thread can do it and the index only counts (see {@link tokenizeInterview}).
 */
export interface FieldTokens {
  terms: string[];
  kinds: Uint8Array;
  surfaces?: Array<string | null>;
}

/** Normalises and segments a field; `surfaces`: also keep where each term was read from. */
function tokenizeField(text: string | null, mode: SegmentationMode, surfaces: boolean): FieldTokens | null {
  if (!text) return null;
  const n = normalize(text);
  const tokens = analyzeNormalized(n.text, mode);
  const terms = new Array<string>(tokens.length);
  const kinds = new Uint8Array(tokens.length);
  const inner = mode === 'hybrid' ? innerGrams(tokens) : null;
  const read: Array<string | null> | undefined = surfaces ? new Array(tokens.length) : undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    terms[i] = t.term;
    kinds[i] = inner?.[i] === 1 ? KIND_INNER : KIND_CODES.indexOf(t.kind);
    if (!read) continue;
    if (t.kind === 'gram' || t.kind === 'kanapart') read[i] = null;
    else {
      const surface = text.slice(n.starts[t.start] ?? 0, n.ends[t.end - 1] ?? 0);
      read[i] = surface === t.term ? null : surface;
    }
  }
  return read ? { terms, kinds, surfaces: read } : { terms, kinds };
}

const HIRAGANA_ANY = /[\u3041-\u3096]/;
const ONE_KANJI = /^[\p{Script=Han}]$/u;

/**
 * An interview's index tokens with each distinct term once and every token a number into them
 * ({@link packTokens}): what a parse worker sends the API thread. Cloned as strings, every
 * occurrence of a term was a string of its own, which the API thread then hashed and looked up
 * in each map it counts with; numbered, it looks each distinct term up once per interview
 * ({@link TermCounter}, Engine.addCounted). Carries what {@link InterviewTokens} does.
 */
export interface PackedTokens {
  mode: SegmentationMode;
  analyzer: number;
  /** The interview's distinct terms, in the order first met. */
  terms: string[];
  /** Every field's tokens as numbers into `terms`, one field after another. */
  ids: Uint32Array;
  /** Their kinds (indices into KIND_CODES). */
  kinds: Uint8Array;
  /** Field f's tokens are at [fields[f], fields[f + 1]) of `ids` (a field shared by turns once). */
  fields: Uint32Array;
  /** The title's field, or -1 when it has none. */
  title: number;
  /** Three per turn: its text's, speaker's and section's field, or -1. */
  turns: Int32Array;
  /** The tokens read from another text than their term (positions in `ids`, ascending)… */
  surfaceAt: Uint32Array;
  /** …and those texts ({@link FieldTokens.surfaces}). */
  surfaceOf: string[];
  inflected?: InterviewTokens['inflected'];
}

/** Tokens as a worker gives them: as tokenized, or packed for the trip ({@link packTokens}). */
export type IndexTokens = InterviewTokens | PackedTokens;

/** Packs an interview's tokens ({@link PackedTokens}); {@link unpackTokens} gives them back. */
export function packTokens(tokens: InterviewTokens): PackedTokens {
  const index = new Map<string, number>();
  const terms: string[] = [];
  const ids: number[] = [];
  const kinds: number[] = [];
  const fields: number[] = [0];
  const surfaceAt: number[] = [];
  const surfaceOf: string[] = [];
  // Speakers and sections are shared by their turns (tokenizeInterview): each is packed once.
  const packed = new Map<FieldTokens, number>();
  const put = (f: FieldTokens | null): number => {
    if (!f) return -1;
    let at = packed.get(f);
    if (at !== undefined) return at;
    for (let i = 0; i < f.terms.length; i++) {
      const term = f.terms[i] as string;
      let id = index.get(term);
      if (id === undefined) {
        id = terms.length;
        terms.push(term);
        index.set(term, id);
      }
      const surface = f.surfaces?.[i];
      if (surface !== null && surface !== undefined) {
        surfaceAt.push(ids.length);
        surfaceOf.push(surface);
      }
      ids.push(id);
      kinds.push(f.kinds[i] as number);
    }
    fields.push(ids.length);
    at = fields.length - 2;
    packed.set(f, at);
    return at;
  };
  const title = put(tokens.title);
  const turns = new Int32Array(tokens.turns.length * 3);
  tokens.turns.forEach((t, i) => {
    turns[3 * i] = put(t.text);
    turns[3 * i + 1] = put(t.speaker);
    turns[3 * i + 2] = put(t.section);
  });
  return {
    mode: tokens.mode,
    analyzer: tokens.analyzer,
    terms,
    ids: Uint32Array.from(ids),
    kinds: Uint8Array.from(kinds),
    fields: Uint32Array.from(fields),
    title,
    turns,
    surfaceAt: Uint32Array.from(surfaceAt),
    surfaceOf,
    ...(tokens.inflected ? { inflected: tokens.inflected } : {}),
  };
}

/**
 * The tokens {@link packTokens} packed (fields shared by turns shared again; the turns' texts with
 * their surfaces, as tokenizeInterview makes them).
 */
export function unpackTokens(p: PackedTokens): InterviewTokens {
  const surf = packedSurfaces(p);
  const fields: Array<FieldTokens | null> = [];
  const texts = new Set<number>();
  for (let i = 0; i < p.turns.length; i += 3) texts.add(p.turns[i] as number);
  const field = (f: number): FieldTokens | null => {
    if (f < 0) return null;
    let out = fields[f];
    if (out) return out;
    const from = p.fields[f] as number;
    const to = p.fields[f + 1] as number;
    const terms: string[] = [];
    const read: Array<string | null> = [];
    for (let i = from; i < to; i++) {
      terms.push(p.terms[p.ids[i] as number] as string);
      read.push(surf[i] ?? null);
    }
    const kinds = p.kinds.slice(from, to);
    out = texts.has(f) || read.some((r) => r !== null) ? { terms, kinds, surfaces: read } : { terms, kinds };
    fields[f] = out;
    return out;
  };
  const turns: InterviewTokens['turns'] = [];
  for (let i = 0; i < p.turns.length; i += 3)
    turns.push({
      text: field(p.turns[i] as number),
      speaker: field(p.turns[i + 1] as number),
      section: field(p.turns[i + 2] as number),
    });
  return {
    mode: p.mode,
    analyzer: p.analyzer,
    title: field(p.title),
    turns,
    ...(p.inflected ? { inflected: p.inflected } : {}),
  };
}

/** Each token's surface ({@link FieldTokens.surfaces}) by its position in `ids`; null: its term. */
export function packedSurfaces(p: PackedTokens): Array<string | null> {
  const surf: Array<string | null> = new Array(p.ids.length).fill(null);
  for (let k = 0; k < p.surfaceAt.length; k++) surf[p.surfaceAt[k] as number] = p.surfaceOf[k] as string;
  return surf;
}

/**
 * Counts an interview's fields by term number, into the columns Engine.addCounted takes
 * ({@link CountedTerms}): the same counts, flags, surfaces and reading terms as counting each
 * field's terms in maps did, with one number per distinct term of the interview. Terms the
 * readings add (not tokens) are numbered after the tokens' ones.
 */
export class TermCounter implements CountedTerms {
  readonly terms: string[];
  readonly ids: number[] = [];
  readonly tfs: number[] = [];
  readonly flags: number[] = [];
  /** Term number by term, made when a reading needs one. */
  private index: Map<string, number> | null = null;
  /** Each term's place in the columns of the field being counted (-1: not in it yet). */
  private at: Int32Array;
  /** The noun readings of each term ({@link ReadingAnalyzer} called once per term). */
  private own: Array<readonly string[] | undefined> = [];
  /** The written form of each of those readings ({@link ReadingAnalyzer.spelled}), likewise. */
  private ownSpelled: Array<readonly string[] | undefined> = [];

  constructor(terms: readonly string[]) {
    this.terms = terms.slice();
    this.at = new Int32Array(Math.max(16, this.terms.length * 2)).fill(-1);
  }

  /** The number of a term (numbered now when the interview's tokens do not have it). */
  idOf(term: string): number {
    if (!this.index) this.index = new Map(this.terms.map((t, i) => [t, i]));
    let id = this.index.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.index.set(term, id);
      if (id >= this.at.length) {
        const at = new Int32Array(this.at.length * 2).fill(-1);
        at.set(this.at);
        this.at = at;
      }
    }
    return id;
  }

  /** The column of term `id` in the field being counted (added with tf 0 and no flags). */
  private place(id: number): number {
    let k = this.at[id] as number;
    if (k < 0) {
      k = this.ids.length;
      this.at[id] = k;
      this.ids.push(id);
      this.tfs.push(0);
      this.flags.push(0);
    }
    return k;
  }

  /**
   * Counts field `f` of `p` (-1: none) as its own run of the columns. `surf`: the tokens'
   * surfaces ({@link packedSurfaces}). With `surfaces` (the quote text): its terms' flags and
   * written forms; with `readings`, the kana readings of its words read in `text`, the verb
   * readings `inflected` (or those of `text`), and the spellings of readings (each once per
   * interview: `spellings`).
   */
  count(
    p: PackedTokens,
    f: number,
    surf: ReadonlyArray<string | null>,
    mode: SegmentationMode,
    surfaces?: Map<string, string>,
    readings?: ReadingAnalyzer,
    text?: string,
    inflected?: readonly string[],
    spellings?: Set<string>,
  ): CountedField {
    const start = this.ids.length;
    if (f < 0) return { start, end: start, length: 0, flagged: false };
    const from = p.fields[f] as number;
    const to = p.fields[f + 1] as number;
    const { terms, tfs, flags } = this;
    // Glued kana runs (index-only) are not counted in the field's length: they repeat kana the
    // text has (ハヤブサ and its parts), and counted, they reordered every ranked list a little.
    let length = to - from;
    for (let i = from; i < to; i++) {
      const kind = p.kinds[i] as number;
      // The tagger reads a fragment's term as it is (おい); the index keeps it apart from the word.
      const id =
        kind === KIND_FRAGMENT
          ? this.idOf(`${FRAGMENT_MARK}${terms[p.ids[i] as number] as string}`)
          : kind === KIND_INNER
            ? this.idOf(`${INNER_MARK}${terms[p.ids[i] as number] as string}`)
            : (p.ids[i] as number);
      const k = this.place(id);
      tfs[k] = (tfs[k] as number) + 1;
      if (TAGGER_SKIPS[kind] === 1) length--;
      if (kind === KIND_FRAGMENT || kind === KIND_INNER) continue;
      if (!surfaces || kind === KIND_GRAM || kind === KIND_KANA_PART) continue;
      flags[k] = (flags[k] as number) | FLAG_SUGGEST | (kind === KIND_RUN ? FLAG_KANA : 0);
      const term = terms[id] as string;
      const surface = surf[i] ?? term;
      if (surface !== term && !surfaces.has(term)) surfaces.set(term, surface);
    }
    if (readings && mode === 'hybrid') {
      // Each word's readings counted as they are read, in token order: its term's own, then
      // those of the word as written in its context, then their spellings (an object and an
      // array per word, and two spread per word read in context, were a fifth of what the API
      // thread allocated per ingested quote).
      let cursor = 0;
      for (let i = from; i < to; i++) {
        if (p.kinds[i] !== KIND_WORD) continue;
        const id = p.ids[i] as number;
        const term = terms[id] as string;
        let own = this.own[id];
        if (own === undefined) {
          own = readings(term);
          this.own[id] = own;
        }
        const surface = surf[i] ?? term;
        for (let j = 0; j < own.length; j++) this.countReading(own[j] as string, surface, surfaces);
        // Each written form of the term's readings, once per interview: a reading term keeps one
        // surface in the whole index (チュウシャ: 注射, the first seen), so 駐車, which shares it,
        // is reachable from the kana (ちゅうしゃじょう → 駐車場) only through this link.
        if (spellings && own.length > 0 && readings.spelled) {
          let spelled = this.ownSpelled[id];
          if (spelled === undefined) {
            spelled = readings.spelled(term);
            this.ownSpelled[id] = spelled;
          }
          for (let j = 0; j < own.length; j++) {
            const written = spelled[j];
            if (!written) continue;
            const key = nounSpellingTerm(own[j] as string, written);
            if (spellings.has(key)) continue;
            spellings.add(key);
            tfs[this.place(this.idOf(key))] = 1;
          }
        }
        if (!text || !readings.written) continue;
        // Words come in text order and do not overlap: each is found after the one before.
        const at = text.indexOf(surface, cursor);
        if (at < 0) continue;
        cursor = at + surface.length;
        if (!HIRAGANA_ANY.test(surface) && !ONE_KANJI.test(term)) continue;
        const word = surface.normalize('NFKC');
        const found = readings.written(
          word,
          text.slice(Math.max(0, at - READING_CONTEXT), at),
          text.slice(cursor, cursor + READING_CONTEXT),
        );
        // Most words read nothing in context; the rest add what their term does not read.
        let added = false;
        for (let j = 0; j < found.length; j++) {
          const r = found[j] as string;
          if (own.includes(r)) continue;
          this.countReading(r, surface, surfaces);
          added = true;
        }
        // Each spelling of a reading read as written, once per interview (for the highlighter).
        if (!added || !spellings) continue;
        for (let j = 0; j < found.length; j++) {
          const r = found[j] as string;
          if (own.includes(r)) continue;
          const key = nounSpellingTerm(r, word);
          if (spellings.has(key)) continue;
          spellings.add(key);
          tfs[this.place(this.idOf(key))] = 1;
        }
      }
    }
    // Dictionary-form readings of inflected verbs and adjectives (貯めて → タメル) come from the
    // text, since the segmenter's pieces (貯|め|て) have none. They are not completions: a
    // reading's written form would be one inflection of many.
    // Each is kept with the form the text writes it in (\u0002タメル\u0002貯める, counted once per
    // quote), which the highlighter looks up to mark 貯めて for a hit found by タメル.
    if (readings?.inflected && text && mode === 'hybrid')
      for (const entry of inflected ?? readings.inflected(text)) {
        // A verb written with its kanji, as written (\u0006悩む): the entry is its term.
        if (entry.startsWith(WRITTEN_VERB_MARK)) {
          const k = this.place(this.idOf(entry));
          tfs[k] = (tfs[k] as number) + 1;
          continue;
        }
        // A kanji spelling of a verb written in kana (\u0003頑張る for がんばって), linked to that
        // kana form (\u0003頑張る\u0003がんばる) for the highlighter.
        const spelling = splitSpelling(entry);
        if (spelling) {
          const k = this.place(this.idOf(kanjiSpellingTerm(spelling[0])));
          tfs[k] = (tfs[k] as number) + 1;
          tfs[this.place(this.idOf(kanaFormTerm(spelling[0], spelling[1])))] = 1;
          continue;
        }
        const [r, written] = splitInflected(entry);
        const k = this.place(this.idOf(dictionaryFormTerm(r)));
        tfs[k] = (tfs[k] as number) + 1;
        if (written) tfs[this.place(this.idOf(writtenFormTerm(r, written)))] = 1;
      }
    const end = this.ids.length;
    for (let k = start; k < end; k++) this.at[this.ids[k] as number] = -1;
    return { start, end, length, flagged: surfaces !== undefined };
  }

  /**
   * Counts reading `r` of a word read from `surface` in the field being counted: the readings of
   * a field's segmenter words are those of each term (結婚 → ケッコン), and, for a word the text
   * writes with hiragana the term folds (好き → 好キ, お金 → オ金: terms kuromoji reads as nothing)
   * or a word of one kanji (夢), those of the word as written, read in its context in the text
   * (`ReadingAnalyzer.written`: スキ, オカネ, キモチ, ユメ; 試し of 試したわ, a verb, and 人 of 3人, a
   * counter, read nothing). With `surfaces` (the quote text): a completion, written as the word.
   */
  private countReading(r: string, surface: string, surfaces: Map<string, string> | undefined): void {
    const k = this.place(this.idOf(r));
    this.tfs[k] = (this.tfs[k] as number) + 1;
    if (!surfaces) return;
    this.flags[k] = (this.flags[k] as number) | FLAG_SUGGEST;
    if (!surfaces.has(r)) surfaces.set(r, surface);
  }
}

/** The tokens to count an interview with: `tokens` packed when they fit it, else its own. */
export function packedFor(
  tokens: IndexTokens | undefined,
  interview: Interview,
  mode: SegmentationMode,
): PackedTokens {
  if (tokens && tokens.mode === mode && tokens.analyzer === ANALYZER_VERSION) {
    if ('ids' in tokens) {
      if (tokens.turns.length === 3 * interview.turns.length) return tokens;
    } else if (tokens.turns.length === interview.turns.length) return packTokens(tokens);
  }
  return packTokens(tokenizeInterview(interview, mode));
}

/**
 * The tokens of every field of an interview the index reads (title; each turn's text, speaker and
 * section), in turn order. Pure and independent of the index's state: the local server computes
 * it on the worker that parses and tags the transcript, and {@link QuoteIndex.upsertInterview}
 * then only counts. Readings are not part of it: they are looked up where the dictionary is.
 */
export interface InterviewTokens {
  mode: SegmentationMode;
  /** The analyzer that produced them (a worker of another version is not trusted). */
  analyzer: number;
  title: FieldTokens | null;
  turns: Array<{ text: FieldTokens | null; speaker: FieldTokens | null; section: FieldTokens | null }>;
  /**
   * The dictionary-form readings of each turn's inflected verbs and adjectives, each with its
   * dictionary form as written (`inflectedEntry` in lib/text/deinflect.ts: タメル\u0002貯める;
   * {@link inflectedReadings}), read where the dictionary named by `readings` is loaded: kuromoji
   * costs ~0.25 ms per quote, which the local server's parse worker pays instead of the API thread.
   * Used only by an index that reads with the same dictionary.
   */
  inflected?: { readings: string; turns: Array<readonly string[]> };
}

/** Tokenizes an interview's indexed fields (see {@link InterviewTokens}). */
export function tokenizeInterview(interview: Interview, mode: SegmentationMode = 'hybrid'): InterviewTokens {
  // An interview names a few speakers and sections over and over: each is tokenized once, its
  // tokens shared by its turns (read only). A segmenter call costs ~15 µs however short the text
  // (ICU's iterator set-up): for 聞き手 on every other turn, as much as a quote's own text.
  const fields = new Map<string, FieldTokens | null>();
  const field = (text: string | null) => {
    if (!text) return null;
    let tokens = fields.get(text);
    if (tokens === undefined) {
      tokens = tokenizeField(text, mode, false);
      fields.set(text, tokens);
    }
    return tokens;
  };
  return {
    mode,
    analyzer: ANALYZER_VERSION,
    title: tokenizeField(interview.title, mode, false),
    turns: interview.turns.map((t) => ({
      text: tokenizeField(t.text, mode, true),
      speaker: field(t.speaker),
      section: field(t.section),
    })),
  };
}

/**
 * The tagger's terms of an interview's turns (its classifier's `TermsOf`) read from their index
 * tokens, so the parse worker analyses each turn once for both: the classifier reads
 * `indexTerms`, which is exactly a text field's `terms` in hybrid mode but for the index-only
 * kinds (`INDEX_ONLY_KINDS`). A text the tokens do not
 * hold (or every text, for tokens of another mode) is analysed by `fallback`.
 */
export function termsOfTokens(
  interview: Interview,
  tokens: InterviewTokens,
  fallback: (text: string) => readonly string[],
): (text: string) => readonly string[] {
  if (tokens.mode !== 'hybrid' || tokens.analyzer !== ANALYZER_VERSION) return fallback;
  const byText = new Map<string, readonly string[]>();
  interview.turns.forEach((t, i) => {
    const field = tokens.turns[i]?.text;
    if (!field) return;
    // Glued kana runs are index-only (INDEX_ONLY_KINDS): the tagger reads the rest, as indexTerms.
    const skip = field.kinds.some((k) => TAGGER_SKIPS[k] === 1);
    byText.set(
      t.text,
      skip ? field.terms.filter((_, j) => TAGGER_SKIPS[field.kinds[j] as number] !== 1) : field.terms,
    );
  });
  return (text) => byText.get(text) ?? fallback(text);
}

/**
 * Each turn's dictionary-form readings of inflected verbs and adjectives, as
 * {@link InterviewTokens.inflected} carries them; null when the analyzer reads no inflections.
 */
export function inflectedReadings(
  interview: Interview,
  readings: ReadingAnalyzer,
): InterviewTokens['inflected'] | null {
  const read = readings.inflected;
  const key = readingsKey(readings);
  if (!read || key === null) return null;
  return { readings: key, turns: interview.turns.map((t) => (t.text ? read(t.text) : [])) };
}

/**
 * Quote characters from which the local server builds an interview's index part on the worker
 * that parsed it ({@link QuoteIndex.prebuild}) and the event loop only attaches it
 * ({@link QuoteIndex.attachInterview}): counting a 5 MB interview's terms into the index took
 * seconds of the event loop. Smaller interviews are counted in place (cheaper than a part each).
 */
export const PREBUILD_QUOTE_CHARS = 20_000;

/** Characters of quote text of an interview. */
export function quoteChars(interview: Interview): number {
  let n = 0;
  for (const t of interview.turns) n += t.text.length;
  return n;
}

/**
 * One interview's index part built away from the index (a worker thread): its segment with no
 * tags (the effective tags are known only once it is stored) and the written form of every term
 * it has; what it was built with, so an index of another mode, analyzer or reading dictionary
 * refuses it.
 */
export interface PrebuiltSegment {
  id: string;
  mode: SegmentationMode;
  analyzer: number;
  /** The reading dictionary's directory (`ReadingAnalyzer.dictionary`), null without readings. */
  readings: string | null;
  segment: Segment;
}

/** The reading dictionary an index reads with, as {@link PrebuiltSegment.readings} names it. */
export function readingsKey(readings: ReadingAnalyzer | undefined): string | null {
  // An analyzer of unknown origin matches nothing another thread could load.
  return readings ? (readings.dictionary ?? '\u0000unknown') : null;
}
