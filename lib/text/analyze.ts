/**
 * The one text pipeline used for indexing, querying, highlighting and tagging.
 *
 * Design (measured in scripts/eval.ts, documented in README "Search"):
 * - words from Intl.Segmenter for kanji/hiragana text: small index, good on conversational queries;
 * - katakana runs kept whole (the segmenter splits unknown loanwords like クラウドソーシング
 *   inconsistently); a partial word such as ソーシング finds them through the engine's term-level
 *   index of katakana runs, not through character bigrams, which matched unrelated words
 *   (らんさーず → バランス);
 * - kanji runs also as character bigrams, a second path for compounds the segmenter splits
 *   differently in different contexts;
 * - Latin words whole, lower-cased (typo tolerance is applied at query time); a number with the
 *   unit right after it as one more term (3億, 30代), so 3億 does not match 1億円 and 3万円.
 * Everything is compared after NFKC, lower case and hiragana→katakana folding.
 */
import { hiraganaToKatakana, type Normalized, normalize } from './normalize.ts';

/**
 * How a token was produced: a segmenter word, a whole katakana run, a character bigram (of a
 * kanji run, or of anything in `bigrams` mode), a Latin word, or a number with its unit (`3億`).
 */
export type TokenKind = 'word' | 'run' | 'gram' | 'latin' | 'num' | 'kana' | 'kanapart' | 'frag' | 'count';

/**
 * Kinds of the terms a text is searched by but not tagged by: a hiragana word the segmenter cut
 * into single kana, glued back: `kana`, a whole run standing alone (「は|や|ぶ|さ」 → ハヤブサ,
 * completed by /suggest as written), and `kanapart`, any other run and the runs of three kana or
 * more inside one (ハヤブサ of くれたはやぶさ, ダッタ of 大変だった; see `emitKanaRun`).
 * The topic tagger's features leave them out ({@link indexTerms}), so its model is unchanged.
 */
export const INDEX_ONLY_KINDS: ReadonlySet<TokenKind> = new Set<TokenKind>(['kana', 'kanapart', 'count']);

/**
 * What the index keeps a `frag` term under: the kana the segmenter cut off a hiragana adjective
 * (おい of おい|しく, さび of さび|しく) is no word, and as one it matched the word typed alone
 * (おい found おいしく). The tagger reads the term as it always did; the index and the query read
 * it behind this mark, so only the same cut (a query おいしくケーキ) finds it.
 */
export const FRAGMENT_MARK = '\u0005';

/**
 * Which tokens of a text (analyzeNormalized's, in order) are kanji bigrams inside a longer word of
 * it: 反対 of 正反対, 子育 of 子育て, not 反対 of 反対 said alone nor a bigram across two words
 * (業時 of 副業|時間). The index keeps those apart (lib/search/engine/tree.ts INNER_MARK), so a
 * query word of two kanji ranks the quotes saying it above those where it is part of another.
 */
export function innerGrams(tokens: readonly Token[]): Uint8Array {
  const out = new Uint8Array(tokens.length);
  // Words do not overlap and come in text order: the last word starting at or before a bigram
  // is the one that can hold it.
  let word: Token | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'word') {
      if (!word || t.start >= word.start) word = t;
      continue;
    }
    if (
      t.kind === 'gram' &&
      t.end - t.start === 2 &&
      word !== undefined &&
      word.start <= t.start &&
      t.end <= word.end &&
      word.end - word.start > 2 &&
      KANJI_PAIR.test(t.term)
    )
      out[i] = 1;
  }
  return out;
}

const KANJI_PAIR = /^[\p{Script=Han}\u3005]{2}$/u;

/** A term with the range of source text it came from. */
export interface Token {
  readonly term: string;
  readonly kind: TokenKind;
  /** Offsets into the source string given to {@link analyze} (UTF-16 units). */
  readonly start: number;
  readonly end: number;
}

/** Segmentation strategies; only `hybrid` ships, the others exist to measure against it. */
export type SegmentationMode = 'hybrid' | 'words' | 'bigrams';

/** Script class of a normalised character. */
export type ScriptClass = 'katakana' | 'hiragana' | 'kanji' | 'latin' | 'other';

/** A maximal run of one script class in normalised text. */
export interface ScriptRun {
  readonly cls: ScriptClass;
  readonly start: number;
  readonly end: number;
}

/** Bump when tokenisation changes: saved indexes built with another version must be rebuilt. */
// Not bumped for the glued kana runs (INDEX_ONLY_KINDS): every other token and a field's length are
// as before, so an index built before is a valid index without those terms; its interviews find
// the glued words once indexed again (POST /admin/reindex), as with new readings. Nor for the
// bigrams inside a longer word kept apart by the index (innerGrams): the tokens are the same, and
// an index built before answers as before (a query's pair finds them as the pair itself, of the
// same rarity) until its interviews are indexed again.
export const ANALYZER_VERSION = 3;

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });

const KATAKANA = /[\u30A1-\u30FA\u30FD-\u30FF\u31F0-\u31FF]/;
const HIRAGANA = /[\u3041-\u3096\u309D-\u309F]/;
const KANJI = /[\p{Script=Han}\u3005\u3006\u30F5\u30F6]/u;
const LATIN = /[\p{L}\p{N}_]/u;
const LONG_VOWEL = 'ー';

// Function words that carry no meaning for search (folded to katakana, as terms are).
const STOPWORDS = new Set(
  [
    'です',
    'でし',
    'ます',
    'まし',
    'ませ',
    'った',
    'って',
    'ない',
    'から',
    'けど',
    'けれど',
    'ので',
    'のに',
    'でも',
    'ても',
    'には',
    'とは',
    'では',
    'など',
    'まで',
    'より',
    'ある',
    'いる',
    'する',
    'なる',
    'れる',
    'られる',
    'せる',
    'たい',
    'だっ',
    'でしょ',
    'という',
    'その',
    'この',
    'あの',
    'それ',
    'これ',
    'あれ',
    'ところ',
    'ござい',
    // Function words of spoken requests: in sentence queries they only add noise.
    'ながら',
    'どう',
    'よう',
    'こと',
    'もの',
    'ため',
    'ちょっと',
    'とか',
    'かな',
    'ので',
    'いい',
    'おり',
    'あり',
    'なり',
    'でき',
    'いただけ',
    'ください',
    'くだ',
    'さい',
  ].map(hiraganaToKatakana),
);

/** Script class of a character by the patterns (what {@link classify} answers, table or not). */
export function classifyByPattern(ch: string): ScriptClass {
  if (KATAKANA.test(ch)) return 'katakana';
  if (HIRAGANA.test(ch)) return 'hiragana';
  if (KANJI.test(ch)) return 'kanji';
  if (LATIN.test(ch)) return 'latin';
  return 'other';
}

const CLASSES: readonly ScriptClass[] = ['katakana', 'hiragana', 'kanji', 'latin', 'other'];
/**
 * {@link classifyByPattern} of every UTF-16 unit, as an index into CLASSES, built on first use
 * (~65,000 pattern tests once per thread): the analyzer classifies every character of every text,
 * and four regular expressions and a one-character string each (for kanji, a new string) were a
 * few percent of the parse worker's time and garbage.
 */
let unitClasses: Uint8Array | null = null;
function unitClassTable(): Uint8Array {
  const t = new Uint8Array(0x10000);
  for (let u = 0; u < 0x10000; u++) t[u] = CLASSES.indexOf(classifyByPattern(String.fromCharCode(u)));
  return t;
}

/** Script class of one normalised character (the long-vowel mark is resolved by context). */
export function classify(ch: string): ScriptClass {
  if (ch.length !== 1) return classifyByPattern(ch);
  unitClasses ??= unitClassTable();
  return CLASSES[unitClasses[ch.charCodeAt(0)] as number] as ScriptClass;
}

const LONG_VOWEL_UNIT = 0x30fc;

/** Splits normalised text into runs of one script; ー continues the kana run before it. */
export function scriptRuns(norm: string): ScriptRun[] {
  unitClasses ??= unitClassTable();
  const table = unitClasses;
  const out: ScriptRun[] = [];
  let cur: { cls: ScriptClass; start: number } | null = null;
  for (let i = 0; i < norm.length; ) {
    const cp = norm.codePointAt(i) ?? 0;
    // A code point in the BMP (a lone surrogate too) is one unit: its class from the table.
    const wide = cp > 0xffff;
    let cls = wide
      ? classifyByPattern(String.fromCodePoint(cp))
      : (CLASSES[table[cp] as number] as ScriptClass);
    if (cp === LONG_VOWEL_UNIT)
      cls = cur && (cur.cls === 'katakana' || cur.cls === 'hiragana') ? cur.cls : 'other';
    if (!cur || cur.cls !== cls) {
      if (cur) out.push({ cls: cur.cls, start: cur.start, end: i });
      cur = { cls, start: i };
    }
    i += wide ? 2 : 1;
  }
  if (cur) out.push({ cls: cur.cls, start: cur.start, end: norm.length });
  return out;
}

/** Folds a katakana run for matching: trailing long-vowel marks are a spelling variant (サーバー/サーバ). */
export function foldKatakanaRun(run: string): string {
  let s = run;
  while (s.length > 2 && s.endsWith(LONG_VOWEL)) s = s.slice(0, -1);
  return s;
}

/** Character bigrams of a string (the string itself when shorter than three characters). */
export function bigrams(s: string): string[] {
  const chars = Array.from(s);
  if (chars.length < 3) return [s];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** True for folded terms that carry no meaning on their own (single kana, particles). */
export function isStopword(term: string): boolean {
  if (term.length <= 1 && /^[\u30A1-\u30FF]$/.test(term)) return true;
  return STOPWORDS.has(term);
}

interface Sink {
  push(term: string, kind: TokenKind, normStart: number, normEnd: number): void;
  /** Told each run of one-kana pieces glued back ({@link AnalyzeOptions.onKanaRun}). */
  kanaRun?(pieces: ReadonlyArray<[string, number]>): void;
}

/**
 * The tokens {@link analyzeNormalized} collects. A class rather than an object literal with an
 * arrow: under tsx (npm start, whose esbuild transform keeps names) every named closure made per
 * call costs an `Object.defineProperty` (~0.35 µs), and this one was made for every text analysed.
 */
class TokenSink implements Sink {
  readonly tokens: Token[] = [];
  readonly kanaRun: ((pieces: ReadonlyArray<[string, number]>) => void) | undefined;
  constructor(kanaRun: ((pieces: ReadonlyArray<[string, number]>) => void) | undefined) {
    this.kanaRun = kanaRun;
  }
  push(term: string, kind: TokenKind, start: number, end: number): void {
    this.tokens.push({ term, kind, start, end });
  }
}

// A word inflected after a one-kanji stem: 安く, 泳げる, 迎え, 作っ.
const ONE_KANJI_STEM = /^([\p{Script=Han}\u3005])[\u3041-\u3096]+$/u;

/** Emits a segmenter word found at `at` of the normalised text (and its one-kanji stem). */
function emitWord(word: string, at: number, sink: Sink, fragment = false): void {
  const term = hiraganaToKatakana(word);
  if (isStopword(term)) return;
  sink.push(term, fragment ? 'frag' : 'word', at, at + word.length);
  // Its stem too, so 安い finds 安く and 安ければ (longer stems are kanji-run bigrams already).
  const stem = ONE_KANJI_STEM.exec(word)?.[1];
  if (stem) sink.push(stem, 'gram', at, at + stem.length);
}

/** One hiragana, with the long-vowel marks after it (ね, ねー): a piece of a word the segmenter cut up. */
const ONE_KANA_PIECE = /^[\u3041-\u3096]ー*$/;
/** How many one-kana pieces in a row are a word the segmenter did not know (は|や|ぶ|さ). */
const KANA_RUN_PIECES = 3;
/** The longest inner run glued (in pieces): runs of grammar can be long (に|な|っ|た|の|は). */
const KANA_PART_MAX = 8;
/** Kana no word starts with (っ of だ|っ|た, ん, small kana, ー). */
const NO_WORD_START = 'んっゃゅょぁぃぅぇぉゎゕゖー';

/** A title after a name (おぐねーさん, あつこちゃん): the name before it stands alone. */
const HONORIFIC = /^(?:さん|ちゃん|くん|さま|様|氏|先生)/;

/** True when the character at `i` of `norm` is no letter of a word (punctuation, space, an edge). */
function apart(norm: string, i: number): boolean {
  return i < 0 || i >= norm.length || classify(norm.charAt(i)) === 'other';
}

/**
 * Glues a run of one-kana pieces back into words: the segmenter cuts a hiragana word it does not
 * know into single kana (はやぶさ → は|や|ぶ|さ, あつこ, おぐねー → お|ぐ|ねー), and a single kana
 * is no term, so the word was nowhere in the index. The whole run is one term (`kana` when it
 * stands alone, see `alone`), and every run of {@link KANA_RUN_PIECES} pieces or more inside it a
 * `kanapart` term, since particles and
 * grammar around the word are cut up with it (くれた|はやぶさ → ク|レ|タ|ハ|ヤ|ブ|サ; はやぶさ|も):
 * the word typed alone (ハヤブサ) is one of them. A run starting with a kana no word starts with
 * (っ of だった, ん) is left out. Grammar runs (だった, された) are terms too; a query reaches them
 * only by typing them (see README "Search").
 */
function emitKanaRun(norm: string, pieces: ReadonlyArray<[string, number]>, sink: Sink): void {
  sink.kanaRun?.(pieces);
  const k = pieces.length;
  const from = (pieces[0] as [string, number])[1];
  const last = pieces[k - 1] as [string, number];
  const to = last[1] + last[0].length;
  // The run is a word of its own when nothing but punctuation or space is around it
  // (「はやぶさ」, “おぐねー”): then it is completed (/suggest) as written. A run after a kanji
  // or before a katakana word is mostly grammar (良|か|っ|た, スマート|だ|っ|た) or a word
  // with its particles (は|や|ぶ|さ|も): searched, never completed.
  const alone = apart(norm, from - 1) && (apart(norm, to) || HONORIFIC.test(norm.slice(to, to + 3)));
  for (let i = 0; i + KANA_RUN_PIECES <= k; i++) {
    const [first, at] = pieces[i] as [string, number];
    if (NO_WORD_START.includes(first.charAt(0))) continue;
    let text = '';
    for (let j = i; j < k && j - i < KANA_PART_MAX; j++) {
      const [piece, pieceAt] = pieces[j] as [string, number];
      text += piece;
      if (j - i + 1 < KANA_RUN_PIECES) continue;
      const whole = alone && i === 0 && j === k - 1;
      // Folded as a katakana run is (おぐねー → オグネ), since a kana query is (see foldKatakanaRun).
      sink.push(
        foldKatakanaRun(hiraganaToKatakana(text)),
        whole ? 'kana' : 'kanapart',
        at,
        pieceAt + piece.length,
      );
    }
  }
}

/**
 * Particles the segmenter reads together with a だ before them, as the copula (だが, だって, だと):
 * after a run of one-kana pieces, that だ is the run's last piece (まえだまえだ|が, not まえだまえ|だが).
 */
const PARTICLE_ENDS = new Set(['が', 'の', 'は', 'を', 'に', 'と', 'も', 'へ', 'や', 'って', 'から', 'けど']);

/**
 * A word of two or three kana that is だ and a particle (だ|が of まえだまえだが, だ|って): だ and the
 * particle, or null. Only だ: another kana with a particle after it is mostly a word (もの of
 * だった|もの, かも), whose first kana is no piece of the run.
 */
function gluedEnd(word: string): [string, string] | null {
  if (word.length < 2 || word.length > 3 || !word.startsWith('だ')) return null;
  const rest = word.slice(1);
  return PARTICLE_ENDS.has(rest) ? ['だ', rest] : null;
}
const HIRAGANA_ONLY_WORD = /^[\u3041-\u3096]+$/;

/** Particles no hiragana adjective starts with (は|しか is the particle しか, not おい|しか|った). */
const NOT_ADJECTIVE_START = new Set(['は', 'が', 'を', 'に', 'で', 'と', 'も', 'へ', 'の', 'や']);

/**
 * True when word `i` is the start the segmenter cut off a hiragana adjective in an inflected form
 * (おい|しく, おい|しか|っ|た, おい|しけ|れ|ば, おい|し|さ, さび|しく, はず|かしく): hiragana, right
 * before the adjective's inflected ending. Not before しか alone (これ|しか, the particle).
 */
function cutAdjective(words: ReadonlyArray<[string, number]>, i: number): boolean {
  const [w, at] = words[i] as [string, number];
  const next = words[i + 1];
  if (!next || next[1] !== at + w.length || w.length > 4 || !HIRAGANA_ONLY_WORD.test(w)) return false;
  if (NOT_ADJECTIVE_START.has(w)) return false;
  const after = words[i + 2];
  const then = after && after[1] === next[1] + next[0].length ? after[0] : '';
  const tail = next[0].startsWith('かし') ? next[0].slice(1) : next[0];
  if (/^し(?:く|け|そう|すぎ)/u.test(tail)) return true;
  if (tail === 'しか') return then.startsWith('っ');
  return tail === 'し' && then.startsWith('さ');
}

/**
 * Emits the segmenter's words of a stretch, in order, each with its offset in the normalised text
 * (see {@link emitWord}), and the words of runs of one-kana pieces glued back ({@link emitKanaRun}).
 */
function emitWordList(norm: string, words: Iterable<[string, number]>, sink: Sink): void {
  let run: Array<[string, number]> = [];
  let runEnd = -1;
  const list = Array.isArray(words) ? (words as Array<[string, number]>) : [...words];
  for (const [i, w] of list.entries()) {
    emitWord(w[0], w[1], sink, cutAdjective(list, i));
    const glued = run.length >= KANA_RUN_PIECES - 1 && w[1] === runEnd ? gluedEnd(w[0]) : null;
    if (glued) {
      // The run's last kana, which the segmenter read with the particle after it (ま|え|だ|ま|え|だが):
      // a piece of the run, and the particle one too when it is a single kana (まえだまえだ|が).
      run.push([glued[0], w[1]]);
      if (glued[1].length === 1) run.push([glued[1], w[1] + 1]);
      if (run.length >= KANA_RUN_PIECES) emitKanaRun(norm, run, sink);
      run = [];
    } else if (ONE_KANA_PIECE.test(w[0])) {
      if (w[1] !== runEnd && run.length > 0) {
        if (run.length >= KANA_RUN_PIECES) emitKanaRun(norm, run, sink);
        run = [];
      }
      run.push(w);
      runEnd = w[1] + w[0].length;
    } else if (run.length > 0) {
      if (run.length >= KANA_RUN_PIECES) emitKanaRun(norm, run, sink);
      run = [];
    }
  }
  if (run.length >= KANA_RUN_PIECES) emitKanaRun(norm, run, sink);
}

function* segmentWords(norm: string, start: number, end: number): Generator<[string, number]> {
  for (const seg of segmenter.segment(norm.slice(start, end)))
    if (seg.isWordLike) yield [seg.segment, start + seg.index];
}

/** The words of a stretch; `glue`: with the kana runs glued back (hybrid mode). */
function emitWords(norm: string, start: number, end: number, sink: Sink, glue = true): void {
  if (glue) emitWordList(norm, segmentWords(norm, start, end), sink);
  else for (const [word, at] of segmentWords(norm, start, end)) emitWord(word, at, sink);
}

/**
 * The segmenter's words of several stretches of `norm` (`ranges`: start, end, start, end …),
 * found in one call over the stretches joined by line breaks, by stretch: a line break is a hard
 * boundary of ICU's word breaking, so each stretch is cut as it is alone (a test compares both on
 * real text), and one call instead of one per stretch spares ICU's per-call set-up (a quote has
 * ~8 stretches; segmentation was a fifth of the ingest worker's time).
 */
function wordsOfStretches(norm: string, ranges: readonly number[]): Array<Array<[string, number]>> {
  const out: Array<Array<[string, number]>> = [];
  const parts: string[] = [];
  // Where each stretch starts in the joined text.
  const at: number[] = [];
  let length = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    const part = norm.slice(ranges[k], ranges[k + 1]);
    at.push(length);
    parts.push(part);
    out.push([]);
    length += part.length + 1;
  }
  let k = 0;
  for (const seg of segmenter.segment(parts.join('\n'))) {
    if (!seg.isWordLike) continue;
    while (k + 1 < at.length && seg.index >= (at[k + 1] as number)) k++;
    (out[k] as Array<[string, number]>).push([
      seg.segment,
      (ranges[2 * k] as number) + seg.index - (at[k] as number),
    ]);
  }
  return out;
}

function emitGrams(norm: string, start: number, end: number, sink: Sink): void {
  const folded = hiraganaToKatakana(norm.slice(start, end));
  if (folded.length < 3) {
    if (folded.length === 2) sink.push(folded, 'gram', start, end);
    else if (!isStopword(folded)) sink.push(folded, 'gram', start, end);
    return;
  }
  for (let i = 0; i + 1 < folded.length; i++)
    sink.push(folded.slice(i, i + 2), 'gram', start + i, start + i + 2);
}

function emitKatakanaRun(norm: string, start: number, end: number, sink: Sink): void {
  const run = foldKatakanaRun(norm.slice(start, end));
  // The token spans the run as written (trailing ー included), so highlights and completions
  // show コーヒー, not コーヒ.
  if (run.length >= 2) sink.push(run, 'run', start, end);
}

// A number (digits, thousands separators, decimals) directly followed by a kanji or katakana unit.
const NUMBER_WITH_UNIT = /(?<![a-z0-9.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?=[\p{Script=Han}\u30A1-\u30FA])/gu;

function emitNumbers(norm: string, sink: Sink): void {
  for (const m of norm.matchAll(NUMBER_WITH_UNIT)) {
    const at = m.index ?? 0;
    const digits = (m[1] as string).replace(/,/g, '');
    const unit = String.fromCodePoint(norm.codePointAt(at + (m[1] as string).length) ?? 0);
    sink.push(`${digits}${unit}`, 'num', at, at + (m[1] as string).length + unit.length);
  }
}

/**
 * A number counted with the counter か (months, places, countries, articles, years), which writers
 * spell six ways: ヶ, カ, ヵ, ケ, か, 箇 (3ヶ月, 3カ月, 3か月, 3ヵ月; the livedoor interviews and dialogs
 * have each of the first five). Without one term for them 3か月 was 3 and 月 (か a particle), so
 * `6か月` found June (6月), and 3ヶ月 never found 3カ月. A one-digit kanji numeral stands for its
 * digit (一ヶ月 is 1ヶ月); other kanji numerals (数, 何, 十) are kept as written (数ヶ月).
 */
const COUNTED =
  /(?<![a-z0-9.,])(\d+(?:,\d{3})*|[一二三四五六七八九十百千数何]{1,4})([かカヵヶケ箇])([月所国条年])(\p{Script=Han})?/gu;
/** Kanji after a counted 月/所/国 that continue the count (3か月後, 5カ国語), not another word. */
const AFTER_COUNT = '間後前目分内語以半余来';
const KANJI_DIGITS = '〇一二三四五六七八九';

/**
 * The term of a counted number (see {@link COUNTED}): its digits, ヶ, the counted kanji (3ヶ月).
 * Null where か after a kanji numeral starts a word instead: 何か所属, 何か国際, 何か月曜 are
 * 何か (something) and a word; the count in digits (3か所) or with ヶ (何ヶ所) is never that.
 */
export function countedTerm(
  numeral: string,
  counter: string,
  counted: string,
  next: string | undefined,
): string | null {
  const digits = /^\d/.test(numeral);
  if (!digits && counter === 'か' && next !== undefined && !AFTER_COUNT.includes(next)) return null;
  const n = digits
    ? numeral.replace(/,/g, '')
    : numeral.length === 1 && KANJI_DIGITS.includes(numeral)
      ? String(KANJI_DIGITS.indexOf(numeral))
      : numeral;
  return `${n}ヶ${counted}`;
}

/**
 * Every way a text may write the count a {@link countedTerm} stands for, folded as matching folds
 * (か is カ): 3ヶ月 → 3ヶ月, 3カ月, 3ヵ月, 3ケ月, 3箇月; 1ヶ月 also as 一ヶ月 and the rest.
 */
export function countedSpellings(term: string): string[] {
  const numeral = term.slice(0, -2);
  const counted = term.slice(-1);
  const numerals = /^\d$/.test(numeral) ? [numeral, KANJI_DIGITS.charAt(Number(numeral))] : [numeral];
  return numerals.flatMap((n) => [...COUNTERS].map((c) => `${n}${c}${counted}`));
}
/** The counter か as each is written, か folded (see {@link COUNTED}). */
const COUNTERS = 'ヶカヵケ箇';

function emitCounts(norm: string, sink: Sink): void {
  for (const m of norm.matchAll(COUNTED)) {
    const term = countedTerm(m[1] as string, m[2] as string, m[3] as string, m[4]);
    const at = m.index ?? 0;
    // The match ends at the counted kanji; the kanji after it was only looked at.
    if (term) sink.push(term, 'count', at, at + m[0].length - (m[4]?.length ?? 0));
  }
}

function emitKanjiGrams(norm: string, start: number, end: number, sink: Sink): void {
  const chars = Array.from(norm.slice(start, end));
  let pos = start;
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i] as string;
    const b = chars[i + 1] as string;
    sink.push(a + b, 'gram', pos, pos + a.length + b.length);
    pos += a.length;
  }
}

function emitLatin(norm: string, start: number, end: number, sink: Sink): void {
  const word = norm.slice(start, end).replace(/^_+|_+$/g, '');
  if (word) sink.push(word, 'latin', start, end);
}

/** Options of {@link analyzeNormalized}. */
export interface AnalyzeOptions {
  /**
   * Segment each kanji/hiragana stretch with a call of its own (false by default: all of a text's
   * stretches in one call, see `wordsOfStretches`); the reference a test compares with.
   */
  segmentEach?: boolean;
  /**
   * Told each run of one-kana pieces glued back into `kana`/`kanapart` terms (は|や|ぶ|さ|の),
   * as its pieces with their offsets in the normalised text: the query reads the word a run holds
   * between its particles (lib/search/query.ts), which the pieces' boundaries show.
   */
  onKanaRun?: (pieces: ReadonlyArray<[string, number]>) => void;
}

/** The last run of the kanji/hiragana stretch that run `r` starts (the segmenter's unit). */
function stretchLast(runs: readonly ScriptRun[], r: number): number {
  while (r + 1 < runs.length) {
    const cls = (runs[r + 1] as ScriptRun).cls;
    if (cls !== 'kanji' && cls !== 'hiragana') break;
    r++;
  }
  return r;
}

/** Tokenises normalised text into terms with offsets into the normalised text. */
export function analyzeNormalized(
  norm: string,
  mode: SegmentationMode = 'hybrid',
  options: AnalyzeOptions = {},
): Token[] {
  const sink = new TokenSink(options.onKanaRun);
  const tokens = sink.tokens;
  const runs = scriptRuns(norm);
  if (mode === 'hybrid') {
    emitNumbers(norm, sink);
    emitCounts(norm, sink);
  }
  if (mode === 'words') {
    // Baseline: the segmenter over every CJK stretch, katakana included.
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r] as ScriptRun;
      if (run.cls === 'latin') emitLatin(norm, run.start, run.end, sink);
      else if (run.cls !== 'other') {
        let end = run.end;
        while (
          r + 1 < runs.length &&
          (runs[r + 1] as ScriptRun).cls !== 'latin' &&
          (runs[r + 1] as ScriptRun).cls !== 'other'
        ) {
          r++;
          end = (runs[r] as ScriptRun).end;
        }
        emitWords(norm, run.start, end, sink, false);
      }
    }
    return tokens;
  }
  // The words of every kanji/hiragana stretch, segmented at once (hybrid mode).
  let words: Array<Array<[string, number]>> | null = null;
  if (mode === 'hybrid' && !options.segmentEach) {
    const ranges: number[] = [];
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r] as ScriptRun;
      if (run.cls !== 'kanji' && run.cls !== 'hiragana') continue;
      r = stretchLast(runs, r);
      ranges.push(run.start, (runs[r] as ScriptRun).end);
    }
    words = wordsOfStretches(norm, ranges);
  }
  let stretch = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r] as ScriptRun;
    if (run.cls === 'latin') emitLatin(norm, run.start, run.end, sink);
    else if (run.cls === 'katakana') {
      if (mode === 'bigrams') emitGrams(norm, run.start, run.end, sink);
      else emitKatakanaRun(norm, run.start, run.end, sink);
    } else if (run.cls === 'kanji' || run.cls === 'hiragana') {
      // Kanji and hiragana go to the segmenter together: okurigana decide word boundaries.
      const first = r;
      r = stretchLast(runs, r);
      const end = (runs[r] as ScriptRun).end;
      if (mode === 'bigrams') emitGrams(norm, run.start, end, sink);
      else {
        if (words) emitWordList(norm, words[stretch++] ?? [], sink);
        else emitWords(norm, run.start, end, sink);
        // The segmenter splits the same kanji compound differently in different contexts
        // (子育て中 vs 子育て): kanji-run bigrams give queries a context-free second path.
        for (let k = first; k <= r; k++) {
          const kr = runs[k] as ScriptRun;
          if (kr.cls === 'kanji' && kr.end - kr.start >= 2) emitKanjiGrams(norm, kr.start, kr.end, sink);
        }
      }
    }
  }
  // Numbers were found in a pass of their own: keep the stream in text order.
  return tokens.sort((a, b) => a.start - b.start);
}

/** Tokenises source text; token offsets point into `source`. */
export function analyze(source: string, mode: SegmentationMode = 'hybrid'): Token[] {
  const n: Normalized = normalize(source);
  return analyzeNormalized(n.text, mode).map((t) => ({
    term: t.term,
    kind: t.kind,
    start: n.starts[t.start] ?? 0,
    end: n.ends[t.end - 1] ?? 0,
  }));
}

/**
 * The terms of a text the topic tagger reads: the index's terms but for the
 * {@link INDEX_ONLY_KINDS} (glued kana runs), which the tagger's model was not trained on.
 */
export function indexTerms(source: string, mode: SegmentationMode = 'hybrid'): string[] {
  const out: string[] = [];
  for (const t of analyzeNormalized(normalize(source).text, mode))
    if (!INDEX_ONLY_KINDS.has(t.kind)) out.push(t.term);
  return out;
}
