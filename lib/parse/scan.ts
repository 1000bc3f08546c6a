/**
 * Small character scanners the parsers use instead of regular expressions wherever a pattern
 * would put two quantifiers over overlapping characters next to each other (`\s*(.*)`,
 * `(.+?)\s*#*\s*$`, `\s*X` tried from every position of a long run of spaces): those backtrack
 * quadratically or worse on hostile lines. Every function here looks at each character a bounded
 * number of times.
 */

/** True for the characters of JavaScript's `\s` (the set `String.prototype.trim` removes). */
export function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Index of the first non-space character at or after `i` (or `s.length`). */
export function skipSpaces(s: string, i = 0): number {
  let j = i;
  while (j < s.length && isSpace(s.charCodeAt(j))) j++;
  return j;
}

/** Index just after the last non-space character before `end` (or `from`). */
export function trimEndIndex(s: string, end = s.length, from = 0): number {
  let j = end;
  while (j > from && isSpace(s.charCodeAt(j - 1))) j--;
  return j;
}

/**
 * True when `c` (a UTF-16 code unit, as charCodeAt gives) is one of the code units of `chars`:
 * `chars.includes(s[i])` without making a one-character string of each non-Latin character.
 */
export function hasCode(chars: string, c: number): boolean {
  for (let k = 0; k < chars.length; k++) if (chars.charCodeAt(k) === c) return true;
  return false;
}

/** Index of the first character of `chars` in `s[from, to)`, or -1. */
export function indexOfAny(s: string, chars: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) if (hasCode(chars, s.charCodeAt(i))) return i;
  return -1;
}

/** True when one of `chars` occurs in `s[from, to)`. */
export function hasAny(s: string, chars: string, from = 0, to = s.length): boolean {
  return indexOfAny(s, chars, from, to) >= 0;
}

/** The first of `words` that `s` has at `at`, or null. */
export function wordAt(s: string, at: number, words: readonly string[]): string | null {
  for (const w of words) if (s.startsWith(w, at)) return w;
  return null;
}
