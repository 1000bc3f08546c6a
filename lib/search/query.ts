/**
 * Turns what a user typed into the engine's query tree, using the same analyzer as indexing.
 *
 * - `「…」`, `『…』` and `"…"` are exact phrases (all their terms required, then a substring check);
 * - white space separates chunks; every chunk is required, falling back to any chunk;
 * - katakana runs match whole or, for partial words, by all of their bigrams;
 * - hiragana typed for a katakana word (らんさーず) also searches the katakana form;
 * - Latin words are typo-tolerant; the last term is a prefix; synonyms expand a chunk.
 */
import {
  analyzeNormalized,
  bigrams,
  foldKatakanaRun,
  type SegmentationMode,
  scriptRuns,
  type Token,
} from '../text/analyze.ts';
import { hiraganaToKatakana, normalize, normalizeForMatch } from '../text/normalize.ts';
import { and, or, type QueryNode, term, weighted } from './engine/tree.ts';

type Query = QueryNode;

/** Expands a folded chunk into its spelling variants (synonym dictionary), excluding itself. */
export type VariantLookup = (folded: string) => readonly string[];

/** A query ready to run. */
export interface CompiledQuery {
  /** All chunks required. */
  readonly strict: Query | null;
  /** Any chunk (fallback when strict finds nothing); null when it would equal strict. */
  readonly loose: Query | null;
  /** Normalised, kana-folded phrases that must occur verbatim in the quote text. */
  readonly phrases: readonly string[];
  /** Normalised, kana-folded strings to highlight as substrings (kana runs, phrases). */
  readonly needles: readonly string[];
  /** True when the user typed nothing searchable. */
  readonly empty: boolean;
}

const PHRASE = /「([^」]*)」|『([^』]*)』|"([^"]*)"|“([^”]*)”/g;
const HIRAGANA_ONLY = /^[\u3041-\u309Fー]{2,}$/;
/** Upper bounds that keep a hostile query cheap. */
export const MAX_QUERY_CHARS = 500;
export const MAX_QUERY_CHUNKS = 16;

function latinFuzz(term: string): number {
  if (term.length >= 6) return 2;
  if (term.length >= 4) return 1;
  return 0;
}

function leaf(t: string, prefix: boolean, fuzzy = 0): Query {
  return term(t, { prefix, ...(fuzzy > 0 ? { fuzzy } : {}) });
}

/** A leaf that matches by character bigrams: its terms are not highlighted on their own. */
function gramLeaf(t: string): Query {
  return term(t, { gram: true });
}

function kanaRunQuery(run: string, prefix: boolean): Query {
  const grams = bigrams(run);
  if (grams.length <= 1) return leaf(run, prefix);
  return or([leaf(run, prefix), and(grams.map(gramLeaf)) as Query]) as Query;
}

interface Unit {
  query: Query;
  needle?: string;
}

function unitsOf(tokens: readonly Token[], mode: SegmentationMode, prefixLast: boolean): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const isLast = prefixLast && !tokens.slice(i + 1).some((n) => n.kind !== 'gram');
    if (mode !== 'hybrid') {
      units.push({
        query:
          t.kind === 'gram'
            ? gramLeaf(t.term)
            : leaf(t.term, isLast, t.kind === 'latin' ? latinFuzz(t.term) : 0),
      });
      continue;
    }
    if (t.kind === 'run') {
      // The run's bigrams follow it in the token stream; the run query covers them.
      while (i + 1 < tokens.length && tokens[i + 1]?.kind === 'gram') i++;
      units.push({ query: kanaRunQuery(t.term, isLast), needle: t.term });
    } else if (t.kind === 'latin') {
      units.push({ query: leaf(t.term, isLast, latinFuzz(t.term)) });
    } else if (t.kind === 'word') {
      units.push({ query: leaf(t.term, isLast) });
    }
  }
  return units;
}

/**
 * Second path for chunks with kanji compounds: every bigram of each kanji run, whole katakana
 * runs and Latin words required; okurigana and particles ignored. Null when there is no kanji run.
 */
function gramPath(norm: string, prefixLast: boolean): { query: Query; needles: string[] } | null {
  const parts: Query[] = [];
  const needles: string[] = [];
  let hasKanjiRun = false;
  const runs = scriptRuns(norm);
  runs.forEach((run, i) => {
    const text = norm.slice(run.start, run.end);
    const last = prefixLast && i === runs.length - 1;
    if (run.cls === 'kanji') {
      if (Array.from(text).length >= 2) {
        hasKanjiRun = true;
        needles.push(text);
        parts.push(and(bigrams(text).map(gramLeaf)) as Query);
      } else parts.push(leaf(text, last));
    } else if (run.cls === 'katakana') {
      const folded = foldKatakanaRun(text);
      if (folded.length >= 2) parts.push(kanaRunQuery(folded, last));
    } else if (run.cls === 'latin') {
      parts.push(leaf(text, last, latinFuzz(text)));
    }
  });
  const query = hasKanjiRun ? and(parts) : null;
  return query ? { query, needles } : null;
}

interface ChunkResult {
  query: Query | null;
  units: Unit[];
}

function compileChunk(
  raw: string,
  mode: SegmentationMode,
  prefixLast: boolean,
  variants?: VariantLookup,
): ChunkResult {
  const norm = normalize(raw).text.trim();
  if (!norm) return { query: null, units: [] };
  const units = unitsOf(analyzeNormalized(norm, mode), mode, prefixLast);
  let query = and(units.map((u) => u.query));
  if (mode === 'hybrid') {
    const grams = gramPath(norm, prefixLast);
    if (grams) {
      units.push(...grams.needles.map((needle): Unit => ({ query: grams.query as Query, needle })));
      query = query ? or([query, grams.query]) : grams.query;
    }
  }
  if (mode === 'hybrid' && HIRAGANA_ONLY.test(norm)) {
    // らんさーず: also try it as the katakana word it probably spells.
    const run = foldKatakanaRun(hiraganaToKatakana(norm));
    const alt = kanaRunQuery(run, prefixLast);
    units.push({ query: alt, needle: run });
    query = query ? or([query, alt]) : alt;
  }
  if (mode === 'hybrid' && variants && query) {
    const others = variants(normalizeForMatch(norm))
      .map((v) => compileChunk(v, mode, false).query)
      .filter((q): q is Query => q !== null)
      .map((q) => weighted(q, 0.8));
    if (others.length > 0) query = or([query, ...others]);
  }
  return { query, units };
}

/** Compiles user input into strict (AND) and loose (OR) query trees plus phrase constraints. */
export function compileQuery(
  input: string,
  mode: SegmentationMode = 'hybrid',
  variants?: VariantLookup,
): CompiledQuery {
  const text = input.slice(0, MAX_QUERY_CHARS).normalize('NFKC');
  const phrases: string[] = [];
  const rest = text.replace(PHRASE, (_m, a, b, c, d) => {
    const p = String(a ?? b ?? c ?? d ?? '').trim();
    if (p) phrases.push(p);
    return ' ';
  });
  const chunks = rest
    .split(/\s+/)
    .filter((c) => c.length > 0)
    .slice(0, MAX_QUERY_CHUNKS);
  const endsOpen = !/\s$/.test(rest) && chunks.length > 0;
  const compiled = chunks.map((c, i) => compileChunk(c, mode, endsOpen && i === chunks.length - 1, variants));
  const phraseCompiled = phrases.map((p) => compileChunk(p, mode, false));
  const phraseNodes = phraseCompiled.flatMap((c, i): Query[] =>
    c.query ? [{ kind: 'phrase', text: normalizeForMatch(phrases[i] ?? ''), child: c.query, weight: 1 }] : [],
  );
  const required = [...compiled.map((c) => c.query).filter((q): q is Query => q !== null), ...phraseNodes];
  const allUnits = compiled.flatMap((c) => c.units);
  const strict = and(required);
  const loose = phrases.length === 0 && allUnits.length > 1 ? or(allUnits.map((u) => u.query)) : null;
  const foldedPhrases = phrases.map((p) => normalizeForMatch(p)).filter((p) => p.trim() !== '');
  const needles = [
    ...allUnits.map((u) => u.needle).filter((n): n is string => !!n),
    ...phraseCompiled.flatMap((c) => c.units.map((u) => u.needle).filter((n): n is string => !!n)),
    ...foldedPhrases,
  ];
  return {
    strict,
    loose,
    phrases: foldedPhrases,
    needles,
    empty: strict === null && foldedPhrases.length === 0,
  };
}
