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

/** Fold hiragana to katakana, one UTF-16 unit for one. */
export function hiraganaToKatakana(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out +=
      (c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e
        ? String.fromCharCode(c + 0x60)
        : s.charAt(i);
  }
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
 * NFKC (full/half width), lower case, optional kana folding, invisible characters dropped,
 * lone surrogates replaced; returns the offset map back into `source`.
 */
export function normalize(source: string, options: NormalizeOptions = {}): Normalized {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  // Where the previous cluster's output begins in `text`, and its source start.
  let prevOut = 0;
  let prevSrc = 0;
  let i = 0;
  const kana = options.kana === true;
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
        prevOut = text.length;
        prevSrc = start;
        starts.push(start);
        ends.push(i);
        text +=
          kana && ((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e)
            ? String.fromCharCode(c + 0x60)
            : source.charAt(start);
        continue;
      }
    }
    i += codePointLength(source, i);
    while (i < source.length) {
      const len = codePointLength(source, i);
      if (!COMBINING.test(source.slice(i, i + len))) break;
      i += len;
    }
    let folded = foldCluster(source.slice(start, i));
    if (options.kana) folded = hiraganaToKatakana(folded);
    if (folded === '') continue;
    let from = start;
    // Bounded: a pathological run of marks and invisibles must not make this quadratic.
    if (text.length > 0 && text.length - prevOut < 64 && COMBINING.test(folded.charAt(0))) {
      // A mark whose base was separated by a dropped invisible character (う\uFEFFﾞ): compose it
      // with the previous output, or a second normalisation would compose it and change the text.
      folded = foldCluster(text.slice(prevOut) + folded);
      if (options.kana) folded = hiraganaToKatakana(folded);
      text = text.slice(0, prevOut);
      starts.length = prevOut;
      ends.length = prevOut;
      from = prevSrc;
    }
    prevOut = text.length;
    prevSrc = from;
    for (let k = 0; k < folded.length; k++) {
      starts.push(from);
      ends.push(i);
    }
    text += folded;
  }
  return { text, starts, ends };
}

/** Normalised text only, for matching (kana folded). */
export function normalizeForMatch(source: string): string {
  return normalize(source, { kana: true }).text;
}

/** Maps a range [start, end) of normalised text back to the source range it came from. */
export function toSourceRange(n: Normalized, start: number, end: number): { start: number; end: number } {
  if (n.starts.length === 0) return { start: 0, end: 0 };
  const s = n.starts[Math.min(start, n.starts.length - 1)] ?? 0;
  const e = n.ends[Math.max(0, Math.min(end, n.ends.length) - 1)] ?? s;
  return { start: s, end: Math.max(s, e) };
}
