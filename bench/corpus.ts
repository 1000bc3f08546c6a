/**
 * Benchmark corpus: paragraph-sized quotes from real text nobody here wrote (livedoor news,
 * interview turns, ASDC dialog turns, read from ../shared) plus the project's samples and seed,
 * and queries drawn from it with a fixed seed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInterviews } from '../cli/load.ts';
import type { Interview } from '../lib/model.ts';
import { parseInterview } from '../lib/parse/index.ts';
import { normalizeForMatch } from '../lib/text/normalize.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const shared = join(root, '..', 'shared');

/** A quote as the benchmark sees it. */
export interface BenchQuote {
  id: string;
  text: string;
}

/** A query with the quote ids that count as relevant. */
export interface BenchQuery {
  q: string;
  kind: string;
  relevant: Set<string>;
}

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name), ext)
        : e.name.endsWith(ext) && !/^(LICENSE|README)/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The project's own interviews (samples + seed when present): the judged queries refer to them. */
export function ownInterviews(): Interview[] {
  const paths = [join(root, 'samples')];
  if (existsSync(join(shared, 'seed'))) paths.push(join(shared, 'seed'));
  return loadInterviews(paths).flatMap((l) => ('interview' in l ? [l.interview] : []));
}

/**
 * Real quotes in a fixed order: interview turns and dialog turns first (the genre), then news
 * paragraphs (the bulk). Returns null with a reason when ../shared/corpora is absent.
 */
export function realQuotes(): { quotes: BenchQuote[] } | { reason: string } {
  const corpora = join(shared, 'corpora');
  if (!existsSync(corpora)) return { reason: `${corpora} not found` };
  const out: BenchQuote[] = [];
  for (const f of [
    ...files(join(corpora, 'livedoor-interviews'), '.txt'),
    ...files(join(corpora, 'asdc-dialogs'), '.tsv'),
  ]) {
    try {
      const iv = parseInterview(readFileSync(f, 'utf8'));
      for (const t of iv.turns) out.push({ id: t.id, text: t.text });
    } catch {
      // the parser tests cover these files; a bench skips what it cannot read
    }
  }
  for (const f of files(join(corpora, 'livedoor-news'), '.txt')) {
    const name = f.slice(f.lastIndexOf('/') + 1, -4);
    const lines = readFileSync(f, 'utf8').split(/\r?\n/).slice(3);
    let n = 0;
    for (const line of lines) {
      const t = line.trim();
      if (t.length >= 20) out.push({ id: `${name}-p${n++}`, text: t });
    }
  }
  return { quotes: out };
}

const KATAKANA_RUN = /[\u30A1-\u30FAー]{6,}/g;

function toHiragana(s: string): string {
  return s.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/** Ground truth for drawn queries: quotes containing every whitespace-separated term (folded). */
export function substringTruth(
  quotes: readonly BenchQuote[],
  folded: readonly string[],
  q: string,
): Set<string> {
  const terms = normalizeForMatch(q).split(/\s+/).filter(Boolean);
  const out = new Set<string>();
  folded.forEach((text, i) => {
    if (terms.every((t) => text.includes(t))) out.add((quotes[i] as BenchQuote).id);
  });
  return out;
}

/** Queries drawn from the corpus: rare words, two words, katakana partial words, hiragana spellings. */
export function drawQueries(quotes: readonly BenchQuote[], count: number, seed = 7): BenchQuery[] {
  const random = rng(seed);
  const folded = quotes.map((q) => normalizeForMatch(q.text));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const out: BenchQuery[] = [];
  const seen = new Set<string>();
  const add = (q: string, kind: string) => {
    if (seen.has(q)) return;
    const relevant = substringTruth(quotes, folded, q);
    // Keep queries a user could mean: found somewhere, and not in a large share of the corpus.
    if (relevant.size === 0 || relevant.size > Math.max(50, quotes.length / 50)) return;
    seen.add(q);
    out.push({ q, kind, relevant });
  };
  for (let guard = 0; out.length < count && guard < count * 200; guard++) {
    const text = pick(quotes).text;
    const kind = pick(['kanji-word', 'two-term', 'katakana-partial', 'hiragana']);
    if (kind === 'katakana-partial' || kind === 'hiragana') {
      const runs = text.match(KATAKANA_RUN);
      if (!runs) continue;
      const run = pick(runs);
      if (kind === 'hiragana') add(toHiragana(run), kind);
      else {
        const start = 1 + Math.floor(random() * (run.length - 4));
        add(run.slice(start, start + 3 + Math.floor(random() * 2)), kind);
      }
    } else {
      const words = text.match(/[\p{Script=Han}]{2,4}/gu);
      if (!words || words.length < 2) continue;
      if (kind === 'kanji-word') add(pick(words), kind);
      else add(`${pick(words)} ${pick(words)}`, kind);
    }
  }
  return out;
}

/**
 * Two typed words whose second the query analyzer splits into more segments than a typed word
 * may have (`文字 丸文字派`: 丸文字派 → 丸|文字|派), so that no word is required and the query is
 * ranked by the share of its weight a quote matches: the general evaluator's worst case at scale
 * (tens of thousands of quotes match one segment). `splits(q)` tells whether the index's own
 * compiler treats `q` so; the words are kanji runs of the corpus, drawn with a fixed seed.
 */
export function splitWordQueries(
  quotes: readonly BenchQuote[],
  count: number,
  splits: (q: string) => boolean,
  seed = 13,
): BenchQuery[] {
  const random = rng(seed);
  const folded = quotes.map((q) => normalizeForMatch(q.text));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const out: BenchQuery[] = [];
  const seen = new Set<string>();
  for (let guard = 0; out.length < count && guard < count * 500; guard++) {
    const text = pick(quotes).text;
    const words = text.match(/[\p{Script=Han}]{2,5}/gu);
    if (!words || words.length < 2) continue;
    const long = words.filter((w) => w.length >= 3);
    if (long.length === 0) continue;
    const first = pick(words);
    const second = pick(long);
    const q = `${first} ${second}`;
    if (first === second || seen.has(q) || !splits(q)) continue;
    const relevant = substringTruth(quotes, folded, q);
    if (relevant.size === 0 || relevant.size > Math.max(50, quotes.length / 50)) continue;
    seen.add(q);
    out.push({ q, kind: 'split-word', relevant });
  }
  return out;
}

/**
 * Sentence-length queries drawn from real utterances (the interview and dialog turns at the
 * front of the corpus): one sentence of 15–45 characters from a random turn, as a person pastes
 * or retypes what someone said. The turn it came from is its one relevant quote.
 */
export function sentenceQueries(quotes: readonly BenchQuote[], count: number, seed = 11): BenchQuery[] {
  const random = rng(seed);
  // Utterances come first in realQuotes(); news paragraphs after them are not speech.
  const speech = quotes.filter((q) => /-t\d+$/.test(q.id));
  const out: BenchQuery[] = [];
  const seen = new Set<string>();
  for (let guard = 0; out.length < count && guard < count * 50 && speech.length > 0; guard++) {
    const quote = speech[Math.floor(random() * speech.length)] as BenchQuote;
    const sentences = quote.text
      .split(/(?<=[。！？!?])|\n/)
      .map((s) => s.trim())
      .filter((s) => s.length >= 15 && s.length <= 45);
    const s = sentences[Math.floor(random() * sentences.length)];
    if (!s || seen.has(s)) continue;
    seen.add(s);
    out.push({ q: s, kind: 'sentence', relevant: new Set([quote.id]) });
  }
  return out;
}
