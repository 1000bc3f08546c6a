/**
 * Kana readings of kanji words, so hiragana typed for a kanji word finds it (`けっこん` → 結婚,
 * `しょうらい` → 将来). Readings are added at index time from kuromoji (IPADIC, shipped in the
 * npm package): the dictionary costs seconds and hundreds of MB to load, so it is never on the
 * query path — a query's kana is folded to katakana and looked up like any other term.
 *
 * Only nouns of two or more characters with a kanji are read: a single kanji has too many
 * readings shared with unrelated words (かい → 会, 回, 貝 …) to be worth the noise.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import kuromoji from 'kuromoji';
import { foldKatakanaRun } from './analyze.ts';

/**
 * Readings (katakana, folded like katakana runs) of the kanji nouns in one word of the
 * analyzer (a segmenter word such as 結婚 or 副業時間). Words repeat, so results are cached:
 * indexing pays for the dictionary once per distinct word, not once per occurrence.
 */
export type ReadingAnalyzer = ((word: string) => readonly string[]) & {
  /**
   * The dictionary directory it reads with ({@link loadReadings}): another thread that loads the
   * same one reads every word alike (local/worker-jobs.ts builds large interviews' index parts so).
   */
  readonly dictionary?: string;
};

export { READINGS_VERSION } from './readings-version.ts';

const KANJI = /[\p{Script=Han}\u3005]/u;
/** Distinct words whose readings are kept (a word is ~100 bytes with its readings). */
const CACHE_WORDS = 200_000;
/** Noun kinds whose reading helps (not numbers, pronouns, suffixes or dependent nouns). */
const SKIP_DETAIL = new Set(['数', '代名詞', '接尾', '非自立', '特殊']);

/** Where the IPADIC files of the installed kuromoji package are (or KUROMOJI_DICT). */
export function defaultDictionaryPath(): string {
  if (process.env.KUROMOJI_DICT) return process.env.KUROMOJI_DICT;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('kuromoji/package.json')), 'dict');
}

/**
 * Loads the dictionary (a few seconds; keep the result) and returns the reading analyzer.
 * `dicPath`: a directory with kuromoji's `*.dat.gz` files (bundlers must ship it as a file
 * asset, see docs/performance.md).
 */
export async function loadReadings(dicPath: string = defaultDictionaryPath()): Promise<ReadingAnalyzer> {
  const tokenizer = await new Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>>((resolve, reject) => {
    kuromoji.builder({ dicPath }).build((err, t) => (err ? reject(err) : resolve(t)));
  });
  const cache = new Map<string, readonly string[]>();
  const NONE: readonly string[] = [];
  const read = (word: string): readonly string[] => {
    if (word.length < 2 || !KANJI.test(word)) return NONE;
    const hit = cache.get(word);
    if (hit) return hit;
    const out: string[] = [];
    for (const t of tokenizer.tokenize(word)) {
      if (t.pos !== '名詞' || SKIP_DETAIL.has(t.pos_detail_1)) continue;
      if (t.surface_form.length < 2 || !KANJI.test(t.surface_form)) continue;
      const reading = t.reading;
      if (!reading || !/^[\u30A1-\u30FAー]+$/.test(reading)) continue;
      out.push(foldKatakanaRun(reading));
    }
    const result = out.length === 0 ? NONE : out;
    if (cache.size >= CACHE_WORDS) cache.delete(cache.keys().next().value as string);
    cache.set(word, result);
    return result;
  };
  return Object.assign(read, { dictionary: dicPath });
}
