/**
 * Regenerates lib/search/kana-suffixes.ts: the one-kanji suffixes a kanji word takes where the
 * analyzer's segmenter cuts the compound before it (誕生|日, 交通|費, 駐車|場), or keeps it whole
 * while kuromoji reads it in two (映画|館), with the suffix's reading in those compounds (日 ビ of
 * 誕生日 and 記念日, 費 ヒ of 交通費, 場 ジョウ of 駐車場). The index reads the word before the
 * suffix (タンジョウ) and not the suffix (a kanji alone has no reading), so たんじょうび found
 * nothing; the query side joins the word and the suffix's kanji (lib/search/kana-split.ts), and
 * this table tells it which kanji a kana tail may be. kuromoji is read here, never on the query path.
 *
 *   npx tsx scripts/kana-suffixes.ts [--min-words N] [--check]
 *
 * Reads ../shared/corpora (the livedoor interviews and news, the ASDC dialogs); a suffix is kept
 * when it follows {@link MIN_WORDS} different words in those texts with the same reading, and is
 * not one of {@link DROPPED} (judged by hand: a reason each). `--check` exits 1 when the file
 * differs from what the corpora give (the file is committed; the corpora are not in the repo).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isGrammarPiece } from '../lib/search/kana-split.ts';
import { analyze } from '../lib/text/analyze.ts';
import { normalize } from '../lib/text/normalize.ts';
import { loadTokenizer } from '../lib/text/readings.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpora = join(root, '..', 'shared', 'corpora');
const out = join(root, 'lib', 'search', 'kana-suffixes.ts');

const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
/** Different words a suffix follows, with one reading, before it is kept. */
const MIN_WORDS = flag('--min-words', 4);

/**
 * Suffixes the corpora give that a kana tail must not be taken for, by kanji and reading, each with
 * why (judged by reading the compounds the script lists with `--all`).
 */
const DROPPED: Readonly<Record<string, string>> = {
  著ちょ: 'an author credit after a name (春樹著, 友美著), no word typed in kana',
  毎ごと: 'written ごと in kana far more often than 毎 (時間毎): ごと after a word is the kana suffix',
  等とう: 'a list ending (番号等, 電話等) read など as often: no compound of its own',
};

const KANJI = /^[\p{Script=Han}\u3005]+$/u;
const ONE_KANJI = /^[\p{Script=Han}]$/u;

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

const tokenizer = await loadTokenizer();
const read = (s: string) => tokenizer.tokenize(s);

/** The reading kuromoji gives a kanji word alone (one noun token), or null. */
const aloneCache = new Map<string, string | null>();
function readAlone(word: string): string | null {
  let r = aloneCache.get(word);
  if (r !== undefined) return r;
  const ts = read(word);
  const t = ts[0];
  r = ts.length === 1 && t && t.pos === '名詞' && t.reading && t.reading !== '*' ? t.reading : null;
  aloneCache.set(word, r);
  return r;
}

/** suffix kanji → reading → word before it → times. */
const seen = new Map<string, Map<string, Map<string, number>>>();
const note = (kanji: string, reading: string, word: string) => {
  const byReading = seen.get(kanji) ?? new Map<string, Map<string, number>>();
  seen.set(kanji, byReading);
  const words = byReading.get(reading) ?? new Map<string, number>();
  byReading.set(reading, words);
  words.set(word, (words.get(word) ?? 0) + 1);
};

/**
 * The suffix's reading in the compound `word + kanji` at [from, to) of `norm`, from kuromoji over
 * a window around it: the compound's one token minus the word's reading alone (誕生日 タンジョウビ
 * minus タンジョウ), or the token the suffix is alone (館 カン of 映画|館). Null when the tokens
 * do not fall on the word's edges.
 */
function suffixReading(norm: string, from: number, to: number, word: string): string | null {
  const lo = Math.max(0, from - 12);
  const window = norm.slice(lo, Math.min(norm.length, to + 12));
  let at = lo;
  const covering: Array<{ start: number; end: number; reading: string; noun: boolean; suffix: boolean }> = [];
  let after: string | null = null;
  for (const t of read(window)) {
    const start = at;
    at += t.surface_form.length;
    if (start === to) after = t.pos;
    if (at <= from || start >= to) continue;
    // Nouns only: a kanji with its okurigana cut off (好 of 映画好き, 使 of 普段使い) is a verb's
    // stem, no suffix; 約 of 時間約 is a prefix of the number after it.
    covering.push({
      start,
      end: at,
      reading: t.reading ?? '*',
      noun: t.pos === '名詞',
      suffix: t.pos === '名詞' && t.pos_detail_1 === '接尾',
    });
  }
  if (!covering.every((t) => t.noun)) return null;
  // Kana right after it are a particle or an auxiliary (誕生日に, 映画館です): a kanji with its
  // okurigana after it (使 of 普段使い, 買 of 衝動買い) is a verb's stem, no suffix.
  if (/[\u3041-\u3096]/u.test(norm.charAt(to)) && after !== '助詞' && after !== '助動詞') return null;
  const first = covering[0];
  const last = covering[covering.length - 1];
  if (!first || !last || first.start !== from || last.end !== to) return null;
  if (covering.length === 1) {
    const alone = readAlone(word);
    return alone && first.reading.startsWith(alone) && first.reading.length > alone.length
      ? first.reading.slice(alone.length)
      : null;
  }
  // A kanji read apart is a suffix only when kuromoji says so (館 of 映画館: 名詞,接尾); the kanji
  // it reads as a noun of its own after a word (使 of 普段使, 一 of 全国一) are mostly misreadings.
  return last.start === to - 1 && last.suffix && last.reading !== '*' ? last.reading : null;
}

const KATAKANA = /^[\u30a1-\u30f6ー]+$/u;
let lines = 0;
const texts = [
  ...files(join(corpora, 'livedoor-interviews'), '.txt'),
  ...files(join(corpora, 'livedoor-news'), '.txt'),
  ...files(join(corpora, 'asdc-dialogs'), '.tsv'),
];
for (const f of texts) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!/[\p{Script=Han}]{3}/u.test(line)) continue;
    lines++;
    const norm = normalize(line).text;
    const words = analyze(norm).filter((t) => t.kind === 'word');
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as (typeof words)[number];
      const surface = norm.slice(w.start, w.end);
      if (!KANJI.test(surface)) continue;
      // The segmenter cut the compound: a kanji word, then one kanji, then no kanji.
      const next = words[i + 1];
      if (surface.length >= 2 && next && next.start === w.end && next.end === w.end + 1) {
        const kanji = norm.charAt(w.end);
        if (ONE_KANJI.test(kanji) && !/[\p{Script=Han}]/u.test(norm.charAt(w.end + 1))) {
          const r = suffixReading(norm, w.start, w.end + 1, surface);
          if (r && KATAKANA.test(r)) note(kanji, r, surface);
        }
      }
      // Kept whole (映画館) but read in two by kuromoji: the index has 映画's reading only.
      if (surface.length === 3 && !readAlone(surface)) {
        const head = surface.slice(0, 2);
        const r = suffixReading(norm, w.start, w.end, head);
        if (r && KATAKANA.test(r) && readAlone(head)) note(surface.charAt(2), r, head);
      }
    }
  }
}

const kata2hira = (s: string) =>
  s.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
interface Row {
  kana: string;
  kanji: string;
  words: number;
  times: number;
  examples: string[];
}
const rows: Row[] = [];
for (const [kanji, byReading] of seen)
  for (const [reading, words] of byReading) {
    const times = [...words.values()].reduce((a, b) => a + b, 0);
    const examples = [...words.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([w]) => `${w}${kanji}`);
    rows.push({ kana: kata2hira(reading), kanji, words: words.size, times, examples });
  }
rows.sort((a, b) => b.words - a.words || b.times - a.times || (a.kana < b.kana ? -1 : 1));
if (args.includes('--all')) {
  for (const r of rows.filter((r) => r.words >= 2))
    console.log(`${r.kanji}\t${r.kana}\t${r.words}\t${r.times}\t${r.examples.join(' ')}`);
  process.exit(0);
}
// A tail the query side reads as grammar (か of 映画化, は of 実力派, ない of 番組内) is never a
// suffix there: grammar wins over a word for the same piece (lib/search/kana-split.ts).
const kept = rows.filter(
  (r) => r.words >= MIN_WORDS && !DROPPED[`${r.kanji}${r.kana}`] && !isGrammarPiece(r.kana),
);
// By kana, the kanji in order of the words they follow (館 before 感 would be wrong for かん only
// if 感 followed more words: the query side tries them in this order).
const byKana = new Map<string, Row[]>();
for (const r of kept) byKana.set(r.kana, [...(byKana.get(r.kana) ?? []), r]);
const entries = [...byKana.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
const body = entries
  .map(
    ([kana, rs]) =>
      `  ${kana}: [${rs.map((r) => `'${r.kanji}'`).join(', ')}], // ${rs.map((r) => `${r.kanji} ${r.words}: ${r.examples.join(' ')}`).join('; ')}`,
  )
  .join('\n');
const file = `/**
 * Generated by scripts/kana-suffixes.ts from ../shared/corpora (${lines} lines with a run of three
 * kanji): do not edit by hand, change the script (its MIN_WORDS, its DROPPED) and run it again.
 *
 * The one-kanji suffixes that follow ${MIN_WORDS} different kanji words or more where the segmenter
 * cuts the compound (誕生|日) or kuromoji reads it in two (映画|館), by the suffix's reading in those
 * compounds (rendaku included: 日 び of 誕生日, 場 じょう of 駐車場), the kanji in order of how many
 * words they follow; the comment after each: how many words, and the most said compounds.
 */
export const KANA_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
${body}
};
`;
if (args.includes('--check')) {
  const now = readFileSync(out, 'utf8');
  if (now !== file) {
    console.error(`${out} differs from what the corpora give: run npx tsx scripts/kana-suffixes.ts`);
    process.exit(1);
  }
} else {
  writeFileSync(out, file);
  console.log(`${out}: ${kept.length} suffixes under ${entries.length} readings (${lines} lines read)`);
}
