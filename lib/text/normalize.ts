/**
 * Text normalisation with an offset map.
 *
 * Search needs folded text (NFKC, lower case, one kana script) but highlights must point into the
 * original. We normalise cluster by cluster (a base character with its combining marks), so every
 * output code unit knows the source range it came from.
 */

/** Normalised text plus, for each UTF-16 unit of `text`, the source range [starts[i], ends[i]). */
export interface Normalized {
  readonly text: string;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** Fold hiragana to katakana (1:1 in UTF-16, so offsets are unaffected). Default false. */
  kana?: boolean;
}

// Characters that change meaning of nothing and break matching when present (zero-width, BOM).
const INVISIBLE = /[\u00AD\u200B-\u200F\u2028-\u202E\u2060-\u2064\uFEFF]/;
// Marks that NFKC may compose with the preceding character: keep them in the same cluster.
const COMBINING = /[\p{M}\uFF9E\uFF9F]/u;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Length in UTF-16 units of the code point at `i` (1 for a lone surrogate). */
function codePointLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (isHighSurrogate(c) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) return 2;
  return 1;
}

function foldCluster(cluster: string): string {
  if (cluster.length === 1) {
    const c = cluster.charCodeAt(0);
    if (isHighSurrogate(c) || isLowSurrogate(c)) return '\uFFFD';
    if (INVISIBLE.test(cluster)) return '';
    // Control characters (except newline and tab) become a space so they still separate words.
    if ((c < 0x20 && c !== 0x0a && c !== 0x09) || (c >= 0x7f && c < 0xa0)) return ' ';
  }
  // Lower-casing can produce sequences NFKC composes again; a second NFKC makes the result a
  // fixed point, which is what makes normalize() idempotent.
  let out = cluster.normalize('NFKC').toLowerCase().normalize('NFKC');
  if (INVISIBLE.test(out)) out = out.replace(new RegExp(INVISIBLE.source, 'g'), '');
  return out;
}

/** Code units of {@link hiraganaToKatakana}'s output, reused (it runs per rendered hit). */
let foldBuffer = new Uint16Array(256);
/** Units per String.fromCharCode call (far below any engine's argument limit). */
const FROM_CHAR_CODE_CHUNK = 4096;

/**
 * Whether hiragana unit `c` (followed by unit `next`) folds to katakana. わ ゐ ゑ を before a
 * combining voiced mark stay: hiragana has no composed form for them and katakana has (ヷ ヸ ヹ
 * ヺ), so ワ + ゙ would compose on the next normalisation and the text would change again.
 */
function foldsToKatakana(c: number, next: number): boolean {
  if (!((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e)) return false;
  return !(c >= 0x308f && c <= 0x3092 && next === 0x3099);
}

/** Fold hiragana to katakana, one UTF-16 unit for one. */
export function hiraganaToKatakana(s: string): string {
  // Written into one buffer and made a string once: appending unit by unit left a chain of
  // intermediate strings per text for the collector (highlighting folds every hit's text).
  let first = -1;
  for (let i = 0; i < s.length && first < 0; i++) {
    if (foldsToKatakana(s.charCodeAt(i), s.charCodeAt(i + 1))) first = i;
  }
  if (first < 0) return s;
  if (foldBuffer.length < s.length) foldBuffer = new Uint16Array(s.length * 2);
  const buf = foldBuffer;
  for (let i = first; i < s.length; i++) {
    const c = s.charCodeAt(i);
    buf[i] = foldsToKatakana(c, s.charCodeAt(i + 1)) ? c + 0x60 : c;
  }
  let out = s.slice(0, first);
  for (let i = first; i < s.length; i += FROM_CHAR_CODE_CHUNK)
    out += String.fromCharCode.apply(
      null,
      buf.subarray(i, Math.min(s.length, i + FROM_CHAR_CODE_CHUNK)) as unknown as number[],
    );
  return out;
}

// What is known of each BMP code unit, filled in on first sight: KNOWN once computed, SELF when
// the unit alone folds to itself (NFKC, lower case: kana, kanji, lower-case ASCII, most
// punctuation), MARK when it is a combining mark (it joins the cluster before it).
const KNOWN = 1;
const SELF = 2;
const MARK = 4;
const units = new Uint8Array(0x10000);

function unitInfo(c: number): number {
  let info = units[c] as number;
  if (info === 0) {
    const ch = String.fromCharCode(c);
    info = KNOWN;
    if (!isHighSurrogate(c) && !isLowSurrogate(c)) {
      if (COMBINING.test(ch)) info |= MARK;
      else if (foldCluster(ch) === ch) info |= SELF;
    }
    units[c] = info;
  }
  return info;
}

/**
 * Where `needle` (kana already folded, as {@link normalizeForMatch} leaves it) first occurs in
 * `text` with its hiragana folded, at or after `from`; −1 if nowhere. The same as
 * `hiraganaToKatakana(text).indexOf(needle, from)`, without building the folded text:
 * highlighting looks for every needle in every hit's text, and a folded copy of each text was
 * most of what rendering a page left for the collector.
 */
export function foldedIndexOf(text: string, needle: string, from = 0): number {
  const n = text.length;
  const m = needle.length;
  let at = Math.max(0, Math.min(from, n));
  if (m === 0) return at;
  const first = needle.charCodeAt(0);
  for (; at <= n - m; at++) {
    let c = text.charCodeAt(at);
    if ((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e) c += 0x60;
    if (c !== first) continue;
    let k = 1;
    for (; k < m; k++) {
      c = text.charCodeAt(at + k);
      if ((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e) c += 0x60;
      if (c !== needle.charCodeAt(k)) break;
    }
    if (k === m) return at;
  }
  return -1;
}

/**
 * NFKC (full/half width), lower case, optional kana folding, invisible characters dropped,
 * lone surrogates replaced; returns the offset map back into `source`.
 */
export function normalize(source: string, options: NormalizeOptions = {}): Normalized {
  return normalizeWith(source, options.kana === true, true);
}

/** {@link normalize}, its offset map left empty unless `offsets` (normalizeForMatch needs none). */
function normalizeWith(source: string, kana: boolean, offsets: boolean): Normalized {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  // Where the previous cluster's output begins in `text`, and its source start.
  let prevOut = 0;
  let prevSrc = 0;
  // Source units from `run` to `i` (-1: none) are output as they are and not in `text` yet:
  // appended as one slice, not one concatenation (one string object) per unit.
  let run = -1;
  let i = 0;
  while (i < source.length) {
    const start = i;
    // Fast path, same result: a unit that folds to itself, not followed by a mark (nor by a
    // surrogate pair, which could be one), is a cluster of its own and stays as it is. Most of
    // a Japanese text is such units; the general path below costs two NFKC passes per cluster.
    const c = source.charCodeAt(i);
    if ((unitInfo(c) & SELF) !== 0) {
      const next = i + 1 < source.length ? source.charCodeAt(i + 1) : -1;
      if (next < 0 || (!isHighSurrogate(next) && (unitInfo(next) & MARK) === 0)) {
        i++;
        prevOut = run < 0 ? text.length : text.length + (start - run);
        prevSrc = start;
        if (offsets) {
          starts.push(start);
          ends.push(i);
        }
        if (kana && ((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e)) {
          if (run >= 0) text += source.slice(run, start);
          run = -1;
          text += String.fromCharCode(c + 0x60);
        } else if (run < 0) run = start;
        continue;
      }
    }
    if (run >= 0) text += source.slice(run, start);
    run = -1;
    i += codePointLength(source, i);
    while (i < source.length) {
      const len = codePointLength(source, i);
      if (!COMBINING.test(source.slice(i, i + len))) break;
      i += len;
    }
    let folded = foldCluster(source.slice(start, i));
    if (kana) folded = hiraganaToKatakana(folded);
    if (folded === '') continue;
    let from = start;
    // Bounded: a pathological run of marks and invisibles must not make this quadratic.
    if (text.length > 0 && text.length - prevOut < 64 && COMBINING.test(folded.charAt(0))) {
      // A mark whose base was separated by a dropped invisible character (う\uFEFFﾞ): compose it
      // with the previous output, or a second normalisation would compose it and change the text.
      folded = foldCluster(text.slice(prevOut) + folded);
      if (kana) folded = hiraganaToKatakana(folded);
      text = text.slice(0, prevOut);
      if (offsets) {
        starts.length = prevOut;
        ends.length = prevOut;
      }
      from = prevSrc;
    }
    prevOut = text.length;
    prevSrc = from;
    if (offsets)
      for (let k = 0; k < folded.length; k++) {
        starts.push(from);
        ends.push(i);
      }
    text += folded;
  }
  if (run >= 0) text += source.slice(run, i);
  return { text, starts, ends };
}

/** The identity offset map of `length` units (normalizeLean's, once a fold breaks it). */
function identityMap(length: number): { starts: number[]; ends: number[] } {
  const m = { starts: [] as number[], ends: [] as number[] };
  for (let k = 0; k < length; k++) {
    m.starts.push(k);
    m.ends.push(k + 1);
  }
  return m;
}

/**
 * {@link normalize} (kana not folded) for a text read once, as highlighting reads each hit: the
 * same text and offsets, with the offset map left out (null) when it is the identity (every
 * output unit from the source unit at its own index: most quotes, since full-width and
 * upper-case characters fold one unit for one), and the text built from runs of the source
 * rather than unit by unit. Both spare the collector thousands of objects per page of hits.
 */
export function normalizeLean(source: string): {
  text: string;
  starts: number[] | null;
  ends: number[] | null;
} {
  let text = '';
  // Source units from `run` on fold to themselves and are not in `text` yet.
  let run = 0;
  let outLen = 0;
  // Null while the offset map is the identity.
  let map: { starts: number[]; ends: number[] } | null = null;
  let prevOut = 0;
  let prevSrc = 0;
  let i = 0;
  while (i < source.length) {
    const start = i;
    const c = source.charCodeAt(i);
    if ((unitInfo(c) & SELF) !== 0) {
      const next = i + 1 < source.length ? source.charCodeAt(i + 1) : -1;
      if (next < 0 || (!isHighSurrogate(next) && (unitInfo(next) & MARK) === 0)) {
        i++;
        prevOut = outLen;
        prevSrc = start;
        if (map !== null) {
          map.starts.push(start);
          map.ends.push(i);
        }
        outLen++;
        continue;
      }
    }
    // The general path of normalize(), after the pending run is written out.
    text += source.slice(run, start);
    i += codePointLength(source, i);
    while (i < source.length) {
      const len = codePointLength(source, i);
      if (!COMBINING.test(source.slice(i, i + len))) break;
      i += len;
    }
    run = i;
    let folded = foldCluster(source.slice(start, i));
    if (folded === '') {
      map ??= identityMap(outLen);
      continue;
    }
    let from = start;
    if (text.length > 0 && text.length - prevOut < 64 && COMBINING.test(folded.charAt(0))) {
      map ??= identityMap(outLen);
      folded = foldCluster(text.slice(prevOut) + folded);
      text = text.slice(0, prevOut);
      outLen = prevOut;
      map.starts.length = prevOut;
      map.ends.length = prevOut;
      from = prevSrc;
    }
    prevOut = outLen;
    prevSrc = from;
    if (map === null && (folded.length !== 1 || i !== from + 1 || from !== outLen)) map = identityMap(outLen);
    if (map !== null)
      for (let k = 0; k < folded.length; k++) {
        map.starts.push(from);
        map.ends.push(i);
      }
    text += folded;
    outLen += folded.length;
  }
  text += source.slice(run);
  return { text, starts: map?.starts ?? null, ends: map?.ends ?? null };
}

/** Normalised text only, for matching (kana folded). */
export function normalizeForMatch(source: string): string {
  // Without the offset map: a search normalises every needle and spelling it highlights.
  return normalizeWith(source, true, false).text;
}

/** Maps a range [start, end) of normalised text back to the source range it came from. */
export function toSourceRange(n: Normalized, start: number, end: number): { start: number; end: number } {
  if (n.starts.length === 0) return { start: 0, end: 0 };
  const s = n.starts[Math.min(start, n.starts.length - 1)] ?? 0;
  const e = n.ends[Math.max(0, Math.min(end, n.ends.length) - 1)] ?? s;
  return { start: s, end: Math.max(s, e) };
}
