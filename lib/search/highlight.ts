/**
 * Highlighting: which characters of a quote matched, as offsets into the original text, and a
 * snippet around them with the matches marked (HTML-escaped, so it is safe to render).
 */
import { analyzeNormalized, FRAGMENT_MARK, innerGrams } from '../text/analyze.ts';
import { candidateForms } from '../text/deinflect.ts';
import { foldedIndexOf, hiraganaToKatakana, normalizeForMatch, normalizeLean } from '../text/normalize.ts';
import { INNER_MARK } from './engine/tree.ts';

/** A compound typed (役作リ) and its parts' needles (役, 作リ): see lib/search/query.ts `Compound`. */
export interface CompoundNeedle {
  readonly whole: string;
  readonly parts: readonly string[];
  /** The compound said with a particle between its parts (感情を表現): a pattern over kana-folded text. */
  readonly near?: string | null;
}
const NO_COMPOUNDS: readonly CompoundNeedle[] = [];
/** Each compound's near pattern compiled once (a page renders it for every hit). */
const nearPatterns = new WeakMap<CompoundNeedle, RegExp>();
function nearOf(c: CompoundNeedle): RegExp | null {
  if (!c.near) return null;
  let re = nearPatterns.get(c);
  if (!re) {
    re = new RegExp(c.near, 'gu');
    nearPatterns.set(c, re);
  }
  return re;
}

/** A half-open range [start, end) of UTF-16 offsets. */
export interface Range {
  start: number;
  end: number;
}

/** A snippet of a quote with its highlighted ranges. */
export interface Highlight {
  /** Plain text of the snippet (may start/end with … when cut). */
  snippet: string;
  /** Offset of the snippet's first character in the quote text (excluding a leading …). */
  offset: number;
  /** Matches relative to `snippet`. */
  ranges: Range[];
  /** Matches as offsets into the whole quote text. */
  textRanges: Range[];
  /** The snippet as HTML with `<mark>` around matches; everything else escaped. */
  html: string;
}

const SNIPPET_CHARS = 120;
/** Katakana (after kana folding) and the long-vowel mark. */
const KANA_CHAR = /[\u30A1-\u30FAー]/;
const KANA_WORD = /^[\u30A1-\u30FAー]+$/;
const CONTEXT_BEFORE = 30;
/** Kana needles this short are marked in hiragana only as a word of the text (see matchRanges). */
const SHORT_KANA = 2;
/** A span as one number (start, end): texts are far shorter than this. */
const SPAN_KEY = 2 ** 26;
/** A number with a unit of magnitude (400万, 3億), as a query's number is a needle. */
const AMOUNT = /^[\d.,]*\d[万億兆千]$/u;
const YEN = '円';
const DIGIT = /\d/u;

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;
const htmlEntity = (c: string) => `&#${c.charCodeAt(0)};`;

/** Escapes text for safe inclusion in HTML (the text itself when nothing in it needs it). */
export function escapeHtml(s: string): string {
  return HTML_SPECIAL.test(s) ? s.replace(HTML_SPECIALS, htmlEntity) : s;
}

/** Ranges of a hit this many or fewer are sorted by insertion (see {@link mergeRanges}). */
const INSERTION_SORT_MAX = 32;

/** Orders ranges by start, the longer first at the same start. */
const byStart = (a: Range, b: Range) => a.start - b.start || b.end - a.end;

/**
 * Non-empty ranges in order, overlapping ones merged: in place, the ranges being matchRanges'
 * own. A hit has a few ranges, and sorting them by insertion allocates nothing, where
 * Array.prototype.sort and copies of each range were a tenth of what rendering a page left
 * for the collector; many ranges are sorted as before.
 */
export function mergeRanges(ranges: Range[]): Range[] {
  let n = 0;
  for (const r of ranges) if (r.end > r.start) ranges[n++] = r;
  ranges.length = n;
  if (n > INSERTION_SORT_MAX) ranges.sort(byStart);
  else
    for (let i = 1; i < n; i++) {
      const r = ranges[i] as Range;
      let j = i - 1;
      // Stable, as sort is: a range moves only before ranges that order after it.
      for (; j >= 0 && byStart(ranges[j] as Range, r) > 0; j--) ranges[j + 1] = ranges[j] as Range;
      ranges[j + 1] = r;
    }
  let m = 0;
  for (let i = 0; i < n; i++) {
    const r = ranges[i] as Range;
    const last = m > 0 ? (ranges[m - 1] as Range) : undefined;
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else ranges[m++] = r;
  }
  ranges.length = m;
  return ranges;
}

const HIRAGANA = /[\u3041-\u3096]/;
const NO_WEAK: ReadonlySet<string> = new Set();

/** Whether `text[start, end)` holds a hiragana unit (HIRAGANA on a slice, without the slice). */
function hasHiragana(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3041 && c <= 0x3096) return true;
  }
  return false;
}
const KANJI_END = /[\p{Script=Han}\u3005]$/u;
const KANJI_START = /^[\p{Script=Han}\u3005]/u;
/** Particles, which no okurigana is: 怒る's stem in 喜怒哀楽's “怒と哀” is marked 怒, not 怒と. */
const PARTICLE = 'とはがをにでのもへや';
/** Kana after a verb's stem that an inflection can take (貯め|てしまいました is the longest we read). */
const INFLECTION_KANA = 8;

/**
 * Where `written`, a verb's or adjective's dictionary form as a text writes it (貯める, 稼ぐ,
 * かせぐ), occurs inflected in `t` (normalised): its stem — the form but its last kana, which
 * every inflection changes (貯め|る, 稼|ぐ) — then the longest run of kana after it that the
 * deinflection rules lead back to the form (貯めて, 貯めている, 稼いで, 貯めるとお得 → 貯める).
 * Kana the rules do not know (貯められる, 稼ぎ) leave the stem marked, with the kana after a
 * kanji stem (稼ぎ); a form written in kana alone is marked only where the rules confirm it.
 */
function inflectedRanges(t: string, written: string, out: Array<{ start: number; end: number }>): void {
  if (written.length < 2 || !HIRAGANA.test(written.charAt(written.length - 1))) return;
  const stem = written.slice(0, -1);
  const kanaOnly = !/[^\u3041-\u3096ー]/u.test(stem);
  for (let at = t.indexOf(stem); at >= 0; at = t.indexOf(stem, at + 1)) {
    const from = at + stem.length;
    let to = from;
    while (to < t.length && to - from < INFLECTION_KANA && HIRAGANA.test(t.charAt(to))) to++;
    let end = -1;
    for (let e = to; e >= from && end < 0; e--) {
      const word = t.slice(at, e);
      if (word === written || candidateForms(word).includes(written)) end = e;
    }
    // Unconfirmed, a stem is marked only where a word can start: 分る's stem 分 after 自 is the end
    // of 自分 (自分が), not a verb the rules failed to read.
    // Nor where a kanji follows it: 安い's stem 安 starts 安定, another word.
    if (
      end < 0 &&
      !kanaOnly &&
      !(at > 0 && KANJI_END.test(t.slice(0, at))) &&
      !KANJI_START.test(t.slice(from))
    )
      end = KANJI_END.test(stem) && to > from && !PARTICLE.includes(t.charAt(from)) ? from + 1 : from;
    if (end > at) out.push({ start: at, end });
  }
}

/** A written form's kanji before its kana (怒 of 怒られる, 頑張 of 頑張る); null if it is no such form. */
const KANJI_STEM = /^([\p{Script=Han}\u3005]+)[\u3041-\u3096]+$/u;

/**
 * The kanji stems of `forms` ({@link KANJI_STEM}). A kanji word a particle follows is no stem: the
 * query's 部屋がいい is the noun 部屋 and an adjective, and 部屋 stays a needle of its own.
 */
function kanjiStems(forms: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of forms) {
    const stem = KANJI_STEM.exec(f)?.[1];
    if (stem && !PARTICLE.includes(f.charAt(stem.length))) out.add(stem);
  }
  return out;
}

/**
 * One text being marked: its normalised form and offset map, and its tokens and word spans, each
 * computed on first use. A plain object with module functions rather than closures made per call:
 * matchRanges runs twice per hit, and its four closures (named ones, where the code is loaded
 * through tsx with keepNames, redefine each function's name) were most of what it allocated.
 */
interface Marking {
  readonly text: string;
  readonly length: number;
  readonly starts: number[] | null;
  readonly ends: number[] | null;
  tokens: ReturnType<typeof analyzeNormalized> | null;
  wordSpans: Set<number> | null;
}

/** The source offset where normalised unit `i` starts. */
function startOf(m: Marking, i: number): number {
  return m.starts ? (m.starts[i] ?? 0) : i >= 0 && i < m.length ? i : 0;
}
/** The source offset after normalised unit `i`. */
function endOf(m: Marking, i: number): number {
  return m.ends ? (m.ends[i] ?? 0) : i >= 0 && i < m.length ? i + 1 : 0;
}
function tokensOf(m: Marking): ReturnType<typeof analyzeNormalized> {
  m.tokens ??= analyzeNormalized(m.text);
  return m.tokens;
}
/** Spans (start × SPAN_KEY + end) of the text's words and kana words. */
function wordSpansOf(m: Marking): ReadonlySet<number> {
  if (m.wordSpans === null) {
    const spans = new Set<number>();
    for (const t of tokensOf(m))
      if (t.kind === 'word' || t.kind === 'kana') spans.add(t.start * SPAN_KEY + t.end);
    m.wordSpans = spans;
  }
  return m.wordSpans;
}
function rangeOf(m: Marking, start: number, endExclusive: number): Range {
  return { start: startOf(m, start), end: endOf(m, endExclusive - 1) };
}

/**
 * Ranges of `text` matching index terms (whole tokens), needles (substrings after folding) or
 * `forms`: dictionary forms as written, marked where the text inflects them ({@link inflectedRanges}).
 */
export function matchRanges(
  text: string,
  terms: ReadonlySet<string>,
  needles: readonly string[],
  forms: readonly string[] = [],
  readingsOf?: (term: string) => readonly string[],
  weak: ReadonlySet<string> = NO_WEAK,
  compounds: readonly CompoundNeedle[] = NO_COMPOUNDS,
): Range[] {
  const ranges: Range[] = [];
  // One normalisation serves the terms and the needles: rendering a page of hits spent a fifth
  // of a sentence query's time normalising each text three times. Its offset map is left out
  // when it is the identity (most texts), and so is the garbage of building one per hit.
  const lean = normalizeLean(text);
  // The text is segmented only when something asks for its tokens, once: most hits of a query
  // with a short kana needle never meet it in hiragana, and segmenting every hit's text (and its
  // question's) was most of a page's highlighting.
  const n: Marking = {
    text: lean.text,
    length: lean.text.length,
    starts: lean.starts,
    ends: lean.ends,
    tokens: null,
    wordSpans: null,
  };
  // A short kana needle (おい) is marked in hiragana only where the text has it as a word of its
  // own: not inside another (おいしい), nor where the segmenter cut it off one (おい|しく).
  let short = false;
  for (const x of needles) if (x.length <= SHORT_KANA && KANA_WORD.test(x)) short = true;
  if (terms.size > 0) {
    for (const t of tokensOf(n)) {
      if (t.kind !== 'gram' && t.kind !== 'frag' && terms.has(t.term))
        ranges.push(rangeOf(n, t.start, t.end));
    }
  }
  // A verb's kanji stem is marked where a form of the verb is (inflectedRanges), not as a needle of
  // its own: 怒 of 怒られる is no verb inside 喜怒哀楽 or 怒鳴られた, nor 悩 of 悩んだ inside 苦悩.
  const stems = forms.length > 0 ? kanjiStems(forms) : null;
  // A text saying a compound typed (役作り) has it marked whole, and its parts nowhere else: 役 of
  // 役者 and 作り of 作り上げ are not what was looked for there.
  // So does a text saying it with a particle between its parts (感情を表現, 監督の作品): that span is
  // marked whole.
  let parts: Set<string> | null = null;
  let folded: string | null = null;
  for (const c of compounds) {
    if (foldedIndexOf(n.text, c.whole) < 0) {
      const near = nearOf(c);
      if (!near) continue;
      folded ??= hiraganaToKatakana(n.text);
      near.lastIndex = 0;
      let said = false;
      for (let m = near.exec(folded); m; m = near.exec(folded)) {
        if (m[0].length === 0) near.lastIndex++;
        else {
          ranges.push(rangeOf(n, m.index, m.index + m[0].length));
          said = true;
        }
      }
      if (!said) continue;
    }
    parts ??= new Set(stems);
    for (const p of c.parts) parts.add(p);
  }
  markNeedles(n, needles, parts ?? stems, short, ranges);
  if (forms.length > 0) {
    const spans: Array<{ start: number; end: number }> = [];
    for (const form of forms) if (!parts?.has(normalizeForMatch(form))) inflectedRanges(n.text, form, spans);
    for (const r of spans) ranges.push(rangeOf(n, r.start, r.end));
  }
  // A hit is never shown without a mark: where the text holds a verb's kanji stem only inside another
  // word (怒 of 怒られた in 怒鳴られたり), the search found it by that kanji, so the kanji is marked —
  // a weaker mark than a form of the verb, and better than none.
  if (ranges.length === 0 && stems && stems.size > 0)
    markNeedles(
      n,
      needles.filter((x) => stems.has(x)),
      null,
      short,
      ranges,
    );
  // Kana typed for a kanji word whose reading others share (じしん: 地震, 自身, 自信) finds it by the
  // reading, whose one written form may be another word: a text still bare has its words marked
  // whose reading a needle is (地震 for ジシン). Only bare texts pay for the segmenting.
  if (ranges.length === 0 && readingsOf) {
    const wanted = new Set(needles.filter((x) => x.length >= 2 && KANA_WORD.test(x)));
    if (wanted.size > 0)
      for (const t of tokensOf(n))
        if (t.kind === 'word' && readingsOf(t.term).some((r) => wanted.has(r)))
          ranges.push(rangeOf(n, t.start, t.end));
  }
  // A hit found only by pieces of words (a kanji stem, 助 of 助かる in 助ける; a bigram; the kana
  // run シタ) shows those pieces: the tokens of the text the index read those terms from, so a
  // mark is always where the term really is, never a chance substring.
  if (ranges.length === 0 && weak.size > 0) {
    const all = tokensOf(n);
    const inner = innerGrams(all);
    all.forEach((t, i) => {
      const term =
        t.kind === 'frag' ? `${FRAGMENT_MARK}${t.term}` : inner[i] === 1 ? `${INNER_MARK}${t.term}` : t.term;
      if (weak.has(term)) ranges.push(rangeOf(n, t.start, t.end));
    });
  }
  return mergeRanges(ranges);
}

/** Marks where `needles` (but `skip`) occur in `written`, the normalised text (see {@link matchRanges}). */
function markNeedles(
  n: Marking,
  needles: readonly string[],
  skip: ReadonlySet<string> | null,
  short: boolean,
  ranges: Range[],
): void {
  const written = n.text;
  if (needles.length > 0) {
    // Needles are sought in the text with its hiragana folded (one unit for one, so at the
    // offsets of `written`), folding as it compares rather than in a copy of every hit's text.
    for (const needle of needles) {
      if (!needle || skip?.has(needle)) continue;
      const kana = KANA_WORD.test(needle);
      for (let at = foldedIndexOf(written, needle); at >= 0; ) {
        let start = at;
        let end = at + needle.length;
        // A kana word is marked whole, as written: the katakana word it is part of
        // (ソーシング in クラウドソーシング) and its long vowel (コーヒー, not コーヒ).
        // A match written in hiragana (わかる) is a word as written: the katakana beside it is
        // another word (ゲームわかる), and a ー before it the end of an interjection (あーわかる).
        let next = at + needle.length;
        if (
          short &&
          needle.length <= SHORT_KANA &&
          kana &&
          hasHiragana(written, at, at + needle.length) &&
          !wordSpansOf(n).has(at * SPAN_KEY + at + needle.length)
        ) {
          at = foldedIndexOf(written, needle, next);
          continue;
        }
        if (kana && !hasHiragana(written, at, at + needle.length)) {
          while (start > 0 && KANA_CHAR.test(written.charAt(start - 1))) start--;
          while (start < at && written.charAt(start) === 'ー') start++;
          while (end < written.length && KANA_CHAR.test(written.charAt(end))) end++;
          // Every later match lying inside this katakana run widens to this same run: resume
          // where a match can end past it. Without the skip, each match of a long run walked
          // the whole run again (quadratic: a 19,000-unit run of ア took 14 s for q=ア).
          next = Math.max(next, end - needle.length + 1);
        } else {
          while (end < written.length && written.charAt(end) === 'ー') end++;
          // An amount is marked as the quote writes it: 400万 in 400万円 (the number term is
          // 400万, its first unit).
          if (AMOUNT.test(needle) && written.charAt(end) === YEN && !DIGIT.test(written.charAt(at - 1)))
            end++;
        }
        ranges.push(rangeOf(n, start, end));
        at = foldedIndexOf(written, needle, next);
      }
    }
  }
}

function safeCut(text: string, i: number): number {
  // Never cut a surrogate pair in half.
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

/** Builds a snippet of at most ~120 characters around the first match. */
export function highlight(text: string, matches: Range[]): Highlight {
  let start = 0;
  let end = text.length;
  if (text.length > SNIPPET_CHARS) {
    const first = matches[0]?.start ?? 0;
    start = safeCut(text, Math.max(0, Math.min(first - CONTEXT_BEFORE, text.length - SNIPPET_CHARS)));
    end = safeCut(text, Math.min(text.length, start + SNIPPET_CHARS));
  }
  const body = text.slice(start, end);
  const lead = start > 0 ? '…' : '';
  const tail = end < text.length ? '…' : '';
  const ranges: Range[] = [];
  for (const m of matches)
    if (m.end > start && m.start < end)
      ranges.push({
        start: Math.max(m.start, start) - start + lead.length,
        end: Math.min(m.end, end) - start + lead.length,
      });
  let html = '';
  let pos = 0;
  const snippet = `${lead}${body}${tail}`;
  for (const r of ranges) {
    html += `${escapeHtml(snippet.slice(pos, r.start))}<mark>${escapeHtml(snippet.slice(r.start, r.end))}</mark>`;
    pos = r.end;
  }
  html += escapeHtml(snippet.slice(pos));
  return { snippet, offset: start, ranges, textRanges: matches, html };
}
