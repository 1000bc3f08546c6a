/**
 * Evidence patterns on folded text (NFKC, lower case, katakana for hiragana), sentence by
 * sentence. A pattern is literal text with two wildcards: `*` bridges a gap of at most a dozen
 * characters, `#` stands for a number (1–6 digits or kanji numerals). Patterns compile to regular
 * expressions in which every literal is escaped and every quantifier is bounded, so matching is
 * linear in the text whatever an editor writes.
 */
import { normalizeForMatch } from '../text/normalize.ts';

/** Largest gap (characters) a `*` in a pattern bridges. */
export const GAP = 12;

/** A compiled pattern. */
export interface Pattern {
  /** As written (the explanation shows this). */
  source: string;
  /** The longest literal piece (folded): a text without it cannot match. */
  required: string;
  regex: RegExp;
}

const WORDLIKE = /^[a-z0-9][a-z0-9 .+#&'-]*$/;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const NUMBER = '[0-9〇一二三四五六七八九十百千万]{1,6}';

/** Folds and compiles a pattern; null when nothing is left after folding. */
export function compilePattern(source: string): Pattern | null {
  const folded = normalizeForMatch(source.trim());
  const parts = folded
    .split('*')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  // An ASCII word (`IT`, `zoom`) matches only as a whole word (`IT` is not in `item`).
  if (parts.length === 1 && WORDLIKE.test(parts[0] as string) && !(parts[0] as string).includes('#')) {
    const w = parts[0] as string;
    return { source, required: w, regex: new RegExp(`(?<![a-z0-9])${escapeRe(w)}(?![a-z0-9])`) };
  }
  const body = parts
    .map((p) =>
      p
        .split('#')
        .map((lit) => escapeRe(lit))
        .join(NUMBER),
    )
    .join(`[^]{0,${GAP}}?`);
  const literals = parts.flatMap((p) => p.split('#')).filter((x) => x.length > 0);
  const required = literals.reduce((a, b) => (b.length > a.length ? b : a), '');
  return { source, required, regex: new RegExp(body) };
}

// The tagger asks for the sentences of one text several times (its evidence, the senses that
// damp it, and again as the question of the answer after it): the last few are kept, so each
// text is folded once. Bounded, keyed by the text itself: a hit is always the same result.
const recentSentences = new Map<string, readonly string[]>();
const RECENT_TEXTS = 64;

/** Folded text cut into sentences (the scope of `near` and `unless`). */
export function sentences(text: string): readonly string[] {
  const hit = recentSentences.get(text);
  if (hit) return hit;
  const out = Object.freeze(
    normalizeForMatch(text)
      .split(/[。！？!?\n]+/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
  if (recentSentences.size >= RECENT_TEXTS)
    recentSentences.delete(recentSentences.keys().next().value as string);
  recentSentences.set(text, out);
  return out;
}

/** True when the pattern occurs in the (folded) sentence. */
export function matches(p: Pattern, s: string): boolean {
  return (p.required === '' || s.includes(p.required)) && p.regex.test(s);
}

/** True when any of the patterns occurs in the sentence. */
export function anyMatches(ps: readonly Pattern[], s: string): boolean {
  return ps.some((p) => matches(p, s));
}
