/**
 * Kana readings of kanji words, so hiragana typed for a kanji word finds it (`けっこん` → 結婚,
 * `しょうらい` → 将来). Readings are added at index time from kuromoji (IPADIC, shipped in the
 * npm package): the dictionary costs seconds and hundreds of MB to load, so it is never on the
 * query path — a query's kana is folded to katakana and looked up like any other term.
 *
 * Terms (結婚, 副業時間) are read for nouns of two or more characters with a kanji: a single kanji
 * alone has too many readings shared with unrelated words (かい → 会, 回, 貝 …) to be worth the
 * noise.
 *
 * Nouns written with kana beside their kanji (好き, お金, 気持ち) are read from the word as the
 * text writes it (the term folds its kana: 好キ reads as nothing), with a few characters of the
 * text on each side ({@link ReadingAnalyzer.written}), and only a noun kuromoji finds within the
 * word there counts: 試し of お試し is タメシ, 試し of 試したわ (a verb) reads nothing. So is a
 * word of one kanji that kuromoji reads as a noun of its own in its sentence, when its reading
 * has two kana or more (夢 ユメ, 体 カラダ, 花 and 鼻 ハナ; not 目 メ, not the counter 人 of 3人):
 * the exception to the rule above, since the context shows which word the kanji is.
 *
 * Verbs and adjectives written with a kanji are read by their dictionary form (貯めて, 貯めた →
 * タメル; 稼いで → カセグ; 楽しかった → タノシイ), so `ためる` finds 貯めて. The segmenter cuts
 * them into pieces (貯|め|て) that carry no reading, so they are read from the text around each
 * kanji with the kana after it ({@link ReadingAnalyzer.inflected}), not word by word. Readings of
 * light verbs (出来る, 思う) are not kept, nor readings of two kana but those of a list of verbs
 * (泣く ナク, 履く ハク, 見る ミル, 寝る ネル; not 言う イウ, 居る イル, 成る ナル, which grammar says in
 * kana): `isSearchableForm` and `isShortForm` in ./deinflect.ts, which the query side shares. An
 * ichidan verb's stem of one kanji (見|て, 寝|ないで) reads as its dictionary form (ミル, ネル).
 *
 * Verbs and adjectives written in kana (がんばって, わかりました) are read the same way, from each
 * run of hiragana (with the kanji before it, so okurigana is not taken for a word): their
 * dictionary-form reading (ガンバル, found by がんばる) and the kanji spellings the dictionary has
 * for it (頑張る; 分かる, 解る, 判る), found by the verb typed with its kanji.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import kuromoji from 'kuromoji';
import { foldKatakanaRun } from './analyze.ts';
import {
  inflectedEntry,
  isSearchableForm,
  isShortForm,
  spellingEntry,
  writtenVerbTerm,
} from './deinflect.ts';
import { fastTokenizer, type LeafScan, leafScanner } from './lattice.ts';
import { hiraganaToKatakana } from './normalize.ts';
import { READING_CONTEXT } from './readings-version.ts';

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
  /**
   * Dictionary-form readings of the inflected verbs and adjectives written with a kanji in a
   * text, each with its dictionary form as written ({@link inflectedEntry}: 貯めている → タメル
   * and 貯める), so that a hit found by the reading can be highlighted. Optional: an analyzer
   * without it reads nouns only.
   */
  readonly inflected?: (text: string) => readonly string[];
  /**
   * Readings of the kanji nouns in a word as the text writes it, read with up to READING_CONTEXT
   * characters of the text on each side (NFKC, within its clause), so that a noun is read only
   * where kuromoji sees one in the sentence: a word written with kana the term folds (好き, お金,
   * 気持ち: スキ, オカネ, キモチ, where the term 好キ reads as nothing; 試し of お試し is タメシ, of
   * 試したわ a verb's stem that reads nothing), or one kanji that is a noun of its own there (夢
   * ユメ, 体 カラダ; not 人 of 3人, 楽 of 楽しかった, 中 of その中で, 恵 of the name 恵介).
   * Optional: an analyzer without it reads terms only.
   */
  readonly written?: (word: string, before: string, after: string) => readonly string[];
  /**
   * The written form of each reading the analyzer gives a word, in the same order (交通事故 →
   * 交通, 事故 beside コウツウ, ジコ), or '' where the dictionary's word is not all kanji (a folded
   * term's オ金): the index links every written form to its reading (nounSpellingTerm, ./deinflect.ts),
   * since a reading term keeps one surface and two words may share a reading (注射, 駐車).
   * Optional: an analyzer without it links only the words read in context.
   */
  readonly spelled?: (word: string) => readonly string[];
};

export { READING_CONTEXT, READINGS_VERSION } from './readings-version.ts';

const KANJI = /[\p{Script=Han}\u3005]/u;
/** Distinct words whose readings are kept (a word is ~100 bytes with its readings). */
const CACHE_WORDS = 200_000;
/** Noun kinds whose reading does not help: numbers, pronouns (but {@link PERSONAL_PRONOUNS}), suffixes, dependent nouns. */
const SKIP_DETAIL = new Set(['数', '代名詞', '接尾', '非自立', '特殊']);
/**
 * Pronouns that are read all the same: the personal ones written with a kanji. A user types ぼく,
 * かのじょ, おれ for 僕, 彼女, 俺 (the quotes write the kanji: in the livedoor interviews 僕 ~125
 * quotes, 彼女 ~48, 私 ~300, while ぼく, かのじょ found none); the other pronouns are grammar
 * (何 なに, 此処) or written in kana already (これ, それ).
 */
const PERSONAL_PRONOUNS = new Set(['私', '僕', '俺', '君', '彼', '彼女', '貴方', '貴女', '我々']);

/** A noun kind whose reading is not kept ({@link SKIP_DETAIL}), but for a personal pronoun. */
function skipsReading(t: kuromoji.IpadicFeatures): boolean {
  return (
    SKIP_DETAIL.has(t.pos_detail_1) && !(t.pos_detail_1 === '代名詞' && PERSONAL_PRONOUNS.has(t.surface_form))
  );
}
/**
 * A kanji run with the kana after it: the smallest text kuromoji reads a verb or adjective in.
 * Six kana hold any okurigana with an auxiliary or two (貯めていた); a shorter window repeats
 * more, so the cache answers more of it.
 */
const KANJI_WITH_OKURIGANA = /[\p{Script=Han}\u3005]+[\u3041-\u3096]{1,6}/gu;
const HIRAGANA_TAIL = /[\u3041-\u3096]*$/u;
const KANJI_START = /^[\p{Script=Han}\u3005]/u;
/**
 * A run of hiragana, with the kanji before it when there is one: where a verb or adjective
 * written in kana is read (がんばって, わかりました). The kanji lets kuromoji tell okurigana from
 * a word of its own (見|つけられた has no つける; 事を|がんばって has がんばる).
 */
const KANA_RUN = /[\p{Script=Han}\u3005]?[\u3041-\u3096]{3,}/gu;
const HIRAGANA_ONLY = /^[\u3041-\u3096]+$/u;
const KATAKANA_ONLY = /^[\u30A1-\u30FAー]+$/;

/**
 * The reading of a verb's or adjective's dictionary form from one inflected token: the reading of
 * the part the surface shares with the dictionary form (貯め/貯める share 貯め: タメ), then the
 * dictionary form's kana after it (る: タメル). Null when the surface ends in no kana or its kana
 * do not end its reading (irregular 来 キ/来る), or the rest is not kana.
 */
export function dictionaryReading(
  surface: string,
  basic: string,
  reading: string,
  ichidan = false,
): string | null {
  // An ichidan verb's stem of kanji alone (見 of 見て, 寝 of 寝ないで): its reading with る is the
  // dictionary form's (ミ → ミル). Not カ変 来 (キ, コ: `ichidan` is false for it).
  if (ichidan && basic === `${surface}る` && !/[\u3041-\u3096]/u.test(surface))
    return KATAKANA_ONLY.test(reading) ? `${reading}ル` : null;
  let p = 0;
  while (p < surface.length && p < basic.length && surface[p] === basic[p]) p++;
  const rest = surface.slice(p);
  const tail = basic.slice(p);
  if (p === 0 || HIRAGANA_TAIL.exec(rest)?.[0] !== rest || HIRAGANA_TAIL.exec(tail)?.[0] !== tail)
    return null;
  // A surface with no kana after its kanji (来 キ of 来る) may read its kanji otherwise than the
  // dictionary form does: only okurigana show where the stem's reading ends.
  if (!/[\u3041-\u3096]$/u.test(surface)) return null;
  const restKana = hiraganaToKatakana(rest);
  if (!reading.endsWith(restKana)) return null;
  const out = reading.slice(0, reading.length - restKana.length) + hiraganaToKatakana(tail);
  return KATAKANA_ONLY.test(out) ? out : null;
}

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
  return readingAnalyzer(await loadTokenizer(dicPath), dicPath);
}

/** kuromoji's tokenizer over the IPADIC files in `dicPath` (what {@link loadReadings} reads with). */
export function loadTokenizer(dicPath: string = defaultDictionaryPath()): Promise<Tokenizer> {
  return new Promise<Tokenizer>((resolve, reject) => {
    kuromoji.builder({ dicPath }).build((err, t) => (err ? reject(err) : resolve(t)));
  });
}

type Tokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;

/** What {@link readingAnalyzer} reads a verb window with. */
export interface AnalyzerOptions {
  /**
   * Tokenise only the windows in which the dictionary has an entry that can give a verb reading
   * (default true; false: every window, the reference a test compares with).
   */
  screenWindows?: boolean;
  /**
   * Tokenise with {@link fastTokenizer} (the same tokens as kuromoji's, ~5× cheaper per window;
   * default true; false: kuromoji's own `tokenize`, the reference a test compares with).
   */
  fastLattice?: boolean;
}

/**
 * `compute` with its results kept for the last `size` / 2 distinct inputs or more, `size` at most
 * (CACHE_WORDS: words and windows repeat across quotes, so indexing pays for the dictionary once
 * per distinct one). Two generations of `size` / 2: when the newer is full it becomes the older
 * and the older is dropped; an input found in the older moves to the newer. Evicting one entry at
 * a time, the oldest first (`cache.delete(cache.keys().next().value)`), cost ~60 µs per eviction
 * in a full 200,000-entry Map (the iterator walks the deleted entries before the first live one
 * until the table is rehashed): once a cache filled, ~60k quotes into a process's ingest for the
 * verb windows, every miss paid that.
 */
export function cached(
  compute: (key: string) => readonly string[],
  size: number = CACHE_WORDS,
): (key: string) => readonly string[] {
  const generation = Math.max(1, Math.floor(size / 2));
  let cache = new Map<string, readonly string[]>();
  let older = new Map<string, readonly string[]>();
  return (key) => {
    const hit = cache.get(key);
    if (hit) return hit;
    const result = older.get(key) ?? compute(key);
    if (cache.size >= generation) {
      older = cache;
      cache = new Map();
    }
    cache.set(key, result);
    return result;
  };
}

/** The reading analyzer over a loaded tokenizer (`dicPath`: where it was loaded from). */
export function readingAnalyzer(
  tokenizer: Tokenizer,
  dicPath: string,
  options: AnalyzerOptions = {},
): ReadingAnalyzer {
  const NONE: readonly string[] = [];
  const fast = options.fastLattice !== false ? fastTokenizer(tokenizer) : null;
  const tokenize = (text: string) => fast?.(text) ?? tokenizer.tokenize(text);
  // Each noun's reading and its written form, one pair after the other (コウツウ, 交通, ジコ, 事故):
  // one tokenization per distinct word serves both readNouns and spelled.
  const readPairs = cached((word) => {
    const out: string[] = [];
    for (const t of tokenize(word)) {
      const r = nounReading(t);
      if (r) out.push(r, ALL_KANJI.test(t.surface_form) ? t.surface_form : '');
    }
    return out.length === 0 ? NONE : out;
  });
  const everyOther = (pairs: readonly string[], from: number): readonly string[] => {
    if (pairs.length === 0) return NONE;
    const out: string[] = [];
    for (let i = from; i < pairs.length; i += 2) out.push(pairs[i] as string);
    return out;
  };
  const readNouns = cached((word) => everyOther(readPairs(word), 0));
  const spelledNouns = cached((word) => everyOther(readPairs(word), 1));
  const read = (word: string): readonly string[] =>
    word.length < 2 || !KANJI.test(word) ? NONE : readNouns(word);
  const spelled = (word: string): readonly string[] =>
    word.length < 2 || !KANJI.test(word) ? NONE : spelledNouns(word);
  // Nouns written with kana (好き, お金) in their context: only tokens within the word count.
  const readInContext = cached((key) => {
    const [before = '', word = ''] = key.split('\u0000');
    const out: string[] = [];
    let at = 0;
    for (const t of tokenize(key.replaceAll('\u0000', ''))) {
      const start = at;
      at += t.surface_form.length;
      if (start < before.length || at > before.length + word.length) continue;
      const r = nounReading(t) ?? (t.surface_form === word ? oneKanjiReading(t) : null);
      if (r && !out.includes(r)) out.push(r);
    }
    return out.length === 0 ? NONE : out;
  });
  // A kanji that is a noun of its own when alone (夢 ユメ, 花 ハナ; not 見, a verb's stem).
  const readsAlone = cached((kanji) => {
    const [t, more] = tokenize(kanji);
    const r = t && !more ? oneKanjiReading(t) : null;
    return r ? [r] : NONE;
  });
  const written = (word: string, before: string, after: string): readonly string[] => {
    if (!KANJI.test(word) || word.includes('\u0000')) return NONE;
    // A word that reads no noun alone (本当に, 思って: most of them; cached per word) is not read
    // again in each of its contexts.
    const alone = ONE_KANJI.test(word) ? readsAlone(word) : word.length < 2 ? NONE : readNouns(word);
    if (alone.length === 0) return NONE;
    return readInContext(`${contextOf(before, true)}\u0000${word}\u0000${contextOf(after, false)}`);
  };
  // Windows (a kanji run and its kana) repeat across quotes: cached like words.
  const screen = options.screenWindows !== false ? verbEntries(tokenizer) : null;
  // The verb reading of a stem kuromoji reads as a noun (怒り イカリ; 怒ります: オコリ).
  const verbStemReading = (stem: string): string | null => {
    const [t] = tokenize(`${stem}ます`);
    return t?.pos === '動詞' && t.conjugated_form === '連用形' && t.surface_form === stem && t.reading
      ? t.reading
      : null;
  };
  // Whether kuromoji reads a っぽい adjective typed in kana as a verb's (あき|っぽい: 飽く).
  const kanaReadsAsVerbStem = (kana: string): boolean => {
    const [t, next] = tokenize(`${kana}${SUFFIX}`);
    return t?.pos === '動詞' && t.surface_form === kana && next?.basic_form === SUFFIX;
  };
  const readWindow = cached((w) => {
    const out: string[] = [];
    // A window with っぽ may hold a noun's or a verb's adjective (大人っぽい, 飽きっぽい) and no verb;
    // one with a voice's kana a passive of a verb whose reading is not kept (言われた, 見られる).
    // One with そう an adjective's stem before it (楽し|そう, 強|そう, 可愛|そう: the stem alone may be
    // kanji, which no kept entry is).
    if (
      !screen ||
      w.includes(SUFFIX_STEM) ||
      w.includes(SOU) ||
      VOICE_KANA.test(w) ||
      TRIED.test(w) ||
      screen.mayRead(w)
    ) {
      const tokens = tokenize(w);
      for (const [i, t] of tokens.entries()) {
        if (KANJI.test(t.surface_form)) {
          const tried = triedForm(tokens, i);
          if (tried) out.push(tried);
          out.push(...suffixAdjective(t, tokens[i + 1], verbStemReading, kanaReadsAsVerbStem));
          const looks = souAdjective(t, tokens[i + 1]);
          if (looks) out.push(looks);
        }
        if ((t.pos !== '動詞' && t.pos !== '形容詞') || t.pos_detail_1 !== '自立') continue;
        // A する noun's passive or causative (反対|さ|れ|た: 反対される), kept as a verb's is.
        const noun = tokens[i - 1];
        if (
          t.basic_form === 'する' &&
          noun?.pos === '名詞' &&
          noun.pos_detail_1 === 'サ変接続' &&
          KANJI.test(noun.surface_form)
        ) {
          const voiced = voiceForm(t, tokens, i, noun.surface_form);
          if (voiced) out.push(spellingEntry(voiced, voiced));
          continue;
        }
        if (!KANJI.test(t.surface_form)) continue;
        const voiced = voiceForm(t, tokens, i);
        if (voiced) out.push(spellingEntry(voiced, voiced));
        const r = keptReading(t.surface_form, t.conjugated_form, t.basic_form, t.reading, t.conjugated_type);
        if (!r) continue;
        // An ichidan stem of kanji alone before another kanji is a compound's (寝|溜め 寝溜め, a
        // noun), not the verb said: no 寝る there, nor a mark the highlighter could place.
        if (
          t.conjugated_form !== '基本形' &&
          !HIRAGANA_TAIL.exec(t.surface_form)?.[0] &&
          KANJI_START.test(tokens[i + 1]?.surface_form ?? '')
        )
          continue;
        out.push(inflectedEntry(r, t.basic_form));
        // The verb as written too, which a query typed with its kanji ranks by (writtenVerbTerm).
        if (KANJI.test(t.basic_form)) out.push(writtenVerbTerm(t.basic_form));
      }
    }
    return out.length === 0 ? NONE : out;
  });
  // Verbs and adjectives written in kana (がんばって → ガンバル and がんばる): a quote that writes
  // がんばっている is found by がんばる as one that writes 頑張っている is.
  let spellings: Map<string, string[]> | null = null;
  const readKana = cached((w) => {
    const out: string[] = [];
    const tokens =
      !screen || w.includes(SUFFIX_STEM) || TRIED.test(w) || screen.mayReadKana(w) ? tokenize(w) : [];
    for (const [i, t] of tokens.entries()) {
      const tried = HIRAGANA_ONLY.test(t.surface_form) ? triedForm(tokens, i) : null;
      if (tried) out.push(tried);
      if ((t.pos !== '動詞' && t.pos !== '形容詞') || t.pos_detail_1 !== '自立') continue;
      // Whether or not the verb's own reading is kept (あき of あきっぽい is あく, two kana).
      const adjective = HIRAGANA_ONLY.test(t.surface_form)
        ? stemAdjective(t, hiraganaToKatakana(t.surface_form), tokens[i + 1])
        : null;
      if (adjective) out.push(adjective);
      const r = keptKanaReading(t.surface_form, t.conjugated_form, t.basic_form);
      if (!r) continue;
      out.push(inflectedEntry(r, t.basic_form));
      spellings ??= kanjiSpellings(tokenizer);
      for (const w of spellings.get(r) ?? []) out.push(spellingEntry(w, t.basic_form));
    }
    return out.length === 0 ? NONE : out;
  });
  const inflected = (text: string): readonly string[] => {
    const out: string[] = [];
    const norm = text.normalize('NFKC');
    for (const m of norm.matchAll(KANJI_WITH_OKURIGANA)) out.push(...readWindow(m[0]));
    for (const m of norm.matchAll(KANA_RUN)) out.push(...readKana(m[0]));
    return out;
  };
  return Object.assign(read, { dictionary: dicPath, inflected, written, spelled });
}

/**
 * The entries of an adjective made with っぽい after a kanji word (惚れっぽい, 飽きっぽい,
 * 怒りっぽく, 大人っぽい: kuromoji reads the word, a verb's stem or a noun, then っぽい as
 * 形容詞・接尾; 色っぽい, 忘れっぽい it knows as one adjective): the adjective's written dictionary
 * form as a kanji spelling of itself ({@link spellingEntry}: \u0003飽きっぽい, which the query
 * typed with its kanji asks for, and the highlighter marks), and its readings (アキッポイ; for a
 * noun that is a verb's stem, 怒り イカリ, the verb's too: オコリッポイ), which the query typed in
 * kana asks for. Before, 飽きっぽい and 怒りっぽい were their noun (飽き, 怒り) and found every
 * quote saying it. Empty for any other token.
 */
function suffixAdjective(
  t: kuromoji.IpadicFeatures,
  next: kuromoji.IpadicFeatures | undefined,
  verbStemReading: (stem: string) => string | null,
  kanaReadsAsVerbStem: (kana: string) => boolean,
): string[] {
  if (
    t.pos === '形容詞' &&
    t.pos_detail_1 === '自立' &&
    t.basic_form.endsWith(SUFFIX) &&
    KANJI.test(t.basic_form)
  )
    return [spellingEntry(t.basic_form, t.basic_form)];
  if (next?.pos !== '形容詞' || next.pos_detail_1 !== '接尾' || next.basic_form !== SUFFIX) return [];
  const noun = t.pos === '名詞' && !SKIP_DETAIL.has(t.pos_detail_1);
  if (!noun && !(t.pos === '動詞' && t.conjugated_form === '連用形')) return [];
  const written = `${t.surface_form}${SUFFIX}`;
  const readings = new Set<string>();
  // A noun's reading that the same kana typed read as a verb's stem (秋 アキ: あきっぽい is 飽きっぽい,
  // あき|っぽい of 飽く) is left to the kanji: あきっぽい found 「秋っぽく紺で」. A noun that is a verb's
  // stem (飽き, 怒り) keeps it: it is that adjective.
  const verbStem = noun ? verbStemReading(t.surface_form) : null;
  if (
    t.reading &&
    KATAKANA_ONLY.test(t.reading) &&
    !(noun && verbStem === null && kanaReadsAsVerbStem(katakanaToHiragana(t.reading)))
  )
    readings.add(t.reading);
  if (noun && /[\u3041-\u3096]$/u.test(t.surface_form)) {
    if (verbStem && KATAKANA_ONLY.test(verbStem)) readings.add(verbStem);
  }
  return [
    spellingEntry(written, written),
    ...[...readings].map((r) => inflectedEntry(`${r}${hiraganaToKatakana(SUFFIX)}`, written)),
  ];
}

/** Katakana as hiragana (a reading as the kana a user types). */
function katakanaToHiragana(s: string): string {
  return s.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/** A window where a verb may have てみる after it ({@link triedForm}): read even when its verb's reading is not kept. */
const TRIED = /[てで]み/u;

/**
 * A verb with てみる after it ("try doing": やってみたい, 行ってみた, 読んでみないと) as one dictionary form,
 * read and written (ヤッテミル + やってみる; イッテミル + 行ってみる), for the independent verb at `i`
 * followed by kuromoji's て or で and the dependent みる. The verbs tried are mostly ones whose own
 * reading is not kept (やる, 行く, する: grammar in kana) and the segmenter cuts them as や|って|みたい,
 * so the index had no term for them at all: やってみたい found nothing, though the query asks for
 * this form (lib/text/deinflect.ts reads やってみたい as やってみる). Null for any other token.
 */
function triedForm(tokens: readonly kuromoji.IpadicFeatures[], i: number): string | null {
  const [t, te, mi] = [tokens[i], tokens[i + 1], tokens[i + 2]];
  if (t?.pos !== '動詞' || t.pos_detail_1 !== '自立') return null;
  if (te?.pos !== '助詞' || (te.surface_form !== 'て' && te.surface_form !== 'で')) return null;
  if (!mi?.surface_form.startsWith('み')) return null;
  // In a window cut short kuromoji may read the みる of てみたいで as the noun みたい ("like"), of
  // てみなくち as みな ("all"): after a verb's て neither is that word.
  const dependent = mi.pos === '動詞' && mi.pos_detail_1 === '非自立' && mi.basic_form === 'みる';
  if (!dependent && !/^み(?:たい|な)$/u.test(mi.surface_form)) return null;
  const reading = HIRAGANA_ONLY.test(t.surface_form) ? hiraganaToKatakana(t.surface_form) : t.reading;
  if (!reading || !KATAKANA_ONLY.test(reading)) return null;
  const ending = `${te.surface_form}みる`;
  return inflectedEntry(`${reading}${hiraganaToKatakana(ending)}`, `${t.surface_form}${ending}`);
}

/**
 * Kana a passive's or causative's window holds after its verb's stem (言|われ, 見|られ, 書|かせ,
 * 食べ|させ): such windows are read even when no verb in them has a reading kept ({@link voiceForm}).
 */
const VOICE_KANA = /[わかがさたなばまら][れせ]|られ|させ/u;
/** The a-row kana a godan verb's stem ends in before れる and せる. */
const A_ROW = 'わかがさたなばまら';

/** What kuromoji calls the passive and causative suffixes (動詞・接尾), by dictionary form. */
const VOICE_SUFFIXES = new Set(['れる', 'られる', 'せる', 'させる']);

/**
 * The passive or causative in its dictionary form as written (怒られる of 怒られてます, 選ばれる of
 * 選ばれた, 食べさせられる of 食べさせられた), for an independent verb with a kanji followed by
 * kuromoji's voice suffixes (怒ら + れ: 動詞・接尾 れる); null for any other token. Kept as a kanji
 * spelling of itself (\u0003怒られる), which the query typed with its kanji asks for to rank the
 * quotes that say the verb in that voice first (怒られるよ: 怒られて before 怒る and 喜怒哀楽; the
 * segmenter cuts 怒|られる into no glued run), and the highlighter marks. The verb's own reading
 * need not be kept: 言われた is 言われる though 言う (two kana) reads nothing. `noun`: the する noun
 * before a する token (反対 of 反対|さ|れ|た: 反対される), which starts the form written.
 */
function voiceForm(
  t: kuromoji.IpadicFeatures,
  tokens: readonly kuromoji.IpadicFeatures[],
  i: number,
  noun?: string,
): string | null {
  if (t.pos !== '動詞' || (noun === undefined && !KANJI.test(t.surface_form))) return null;
  // れる and せる after a godan verb's a-row stem only (怒ら|れる, 書か|せる): after an ichidan stem
  // kuromoji's れる is the potential without ら (出れる, 上げれる), no voice. So the voice's kana are
  // always VOICE_KANA, which the window screen lets through.
  const first = tokens[i + 1];
  if (
    (first?.basic_form === 'れる' || first?.basic_form === 'せる') &&
    !A_ROW.includes(t.surface_form.charAt(t.surface_form.length - 1))
  )
    return null;
  let written = `${noun ?? ''}${t.surface_form}`;
  let k = i + 1;
  for (; ; k++) {
    const s = tokens[k];
    if (s?.pos !== '動詞' || s.pos_detail_1 !== '接尾' || !VOICE_SUFFIXES.has(s.basic_form)) break;
    const more = tokens[k + 1];
    const chained =
      more?.pos === '動詞' && more.pos_detail_1 === '接尾' && VOICE_SUFFIXES.has(more.basic_form);
    written += chained ? s.surface_form : s.basic_form;
    if (!chained) return written;
  }
  return null;
}

/** What every form of the suffix っぽい starts with (っぽい, っぽく, っぽさ). */
const SUFFIX_STEM = 'っぽ';

/**
 * The adjective a verb's stem makes with the suffix っぽい (惚れ|っぽい, kuromoji's 連用形 and
 * 形容詞・接尾), as an {@link inflectedEntry}: its reading (`stemReading`, the stem as read: ホレ
 * → ホレッポイ) and its dictionary form as written (惚れっぽい), so that ほれっぽい typed finds it
 * and the word is marked whole; null for any other pair of tokens. Only after a verb whose own
 * reading is kept, so the windows screened out ({@link verbEntries}) read nothing more. Kana
 * runs only (あきっぽい): a kanji word's adjective is read by {@link suffixAdjective}.
 */
function stemAdjective(
  verb: kuromoji.IpadicFeatures,
  stemReading: string | undefined,
  next: kuromoji.IpadicFeatures | undefined,
): string | null {
  if (next?.pos !== '形容詞' || next.pos_detail_1 !== '接尾' || next.basic_form !== SUFFIX) return null;
  if (verb.pos !== '動詞' || verb.conjugated_form !== '連用形' || !stemReading) return null;
  if (!KATAKANA_ONLY.test(stemReading)) return null;
  return inflectedEntry(`${stemReading}${hiraganaToKatakana(SUFFIX)}`, `${verb.surface_form}${SUFFIX}`);
}

/** The adjective suffix {@link stemAdjective} reads. */
const SUFFIX = 'っぽい';

/** What an adjective's stem takes to say how something looks (楽し|そう). */
const SOU = 'そう';

/**
 * An adjective's stem with そう (楽し|そう, kuromoji's ガル接続 and the suffix そう), as an
 * {@link inflectedEntry}: the stem's reading with ソウ (タノシソウ) and the form as written (楽しそう),
 * so that たのしそう typed (a dictionary form's term: its own word) finds the quotes saying it, where
 * the adjective by rule (たのしい) found every 楽しい first; and 可愛|そう is カワイソウ (可哀想), not
 * 可愛い. Null for any other pair of tokens.
 */
function souAdjective(t: kuromoji.IpadicFeatures, next: kuromoji.IpadicFeatures | undefined): string | null {
  if (t.pos !== '形容詞' || t.pos_detail_1 !== '自立' || t.conjugated_form !== 'ガル接続') return null;
  if (next?.surface_form !== SOU || next.pos !== '名詞' || next.pos_detail_1 !== '接尾') return null;
  if (!t.reading || !KATAKANA_ONLY.test(t.reading)) return null;
  return inflectedEntry(`${t.reading}${hiraganaToKatakana(SOU)}`, `${t.surface_form}${SOU}`);
}

/**
 * The reading of a noun token worth reading (two or more characters with a kanji; not a number,
 * pronoun, suffix or dependent noun), folded like katakana runs; null otherwise. An adverb written
 * with a kanji (初めて, 必ず, 全く) is read as a noun is: はじめて typed found only the verb はじめる
 * (加圧をはじめて), never the 初めて a user means by it (はじめての主演).
 */
function nounReading(t: kuromoji.IpadicFeatures): string | null {
  if (t.pos !== '名詞' && t.pos !== '副詞') return null;
  if (skipsReading(t)) return null;
  if (t.surface_form.length < 2 || !KANJI.test(t.surface_form)) return null;
  const reading = t.reading;
  if (!reading || !KATAKANA_ONLY.test(reading)) return null;
  return foldKatakanaRun(reading);
}

/**
 * The reading of a noun token of one kanji standing alone (夢 ユメ, 体 カラダ, 花 ハナ), if it has
 * two kana or more (目 メ, 手 テ, 気 キ share theirs with too many words) and is not a counter,
 * pronoun, dependent noun or name (人 ニン of 3人, 私, 中 of その中で, 恵 メグミ of 恵介: the
 * segmenter cuts names the dictionary does not know into kanji); null otherwise.
 */
function oneKanjiReading(t: kuromoji.IpadicFeatures): string | null {
  if (t.pos !== '名詞' || skipsReading(t) || t.pos_detail_1 === '固有名詞') return null;
  if (!ONE_KANJI.test(t.surface_form)) return null;
  const reading = t.reading;
  if (!reading || reading.length < 2 || !KATAKANA_ONLY.test(reading)) return null;
  return foldKatakanaRun(reading);
}

const ONE_KANJI = /^[\p{Script=Han}]$/u;
/** A word of kanji alone (駐車, 交通; 々 repeats one): a written form of a reading as the text writes it. */
const ALL_KANJI = /^[\p{Script=Han}\u3005]+$/u;
/** Where a word's context ends: a clause's or sentence's end, a bracket, a space. */
const CONTEXT_END = /^[\s、。，．,.!?！？「」『』（）()]$/u;

/** A character a context stops before: its end, or one outside the BMP (or the keys' separator). */
function endsContext(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0;
  return cp === 0 || cp > 0xffff || (cp >= 0xd800 && cp <= 0xdfff) || CONTEXT_END.test(c);
}

/** {@link endsContext} of each UTF-16 unit (a surrogate stops: so does the code point it is part of). */
let stopsAt: Uint8Array | null = null;
function stopTable(): Uint8Array {
  const t = new Uint8Array(65536);
  for (let c = 0; c < 65536; c++) t[c] = endsContext(String.fromCharCode(c)) ? 1 : 0;
  return t;
}

/**
 * Up to READING_CONTEXT characters next to a word (`before`: the ones nearest its start), NFKC,
 * up to the end of its clause (a number before it counts: 人 of 3人 is a counter, not ひと). A
 * clause's end is where kuromoji's own sentence split is, and a shorter key is cached more often.
 * Every character kept is one UTF-16 unit (a code point outside the BMP stops the context).
 */
function contextOf(text: string, before: boolean): string {
  const t = text.normalize('NFKC');
  stopsAt ??= stopTable();
  const stops = stopsAt;
  if (before) {
    let i = t.length;
    while (i > 0 && t.length - i < READING_CONTEXT && stops[t.charCodeAt(i - 1)] === 0) i--;
    return t.slice(i);
  }
  let i = 0;
  while (i < t.length && i < READING_CONTEXT && stops[t.charCodeAt(i)] === 0) i++;
  return t.slice(0, i);
}

/**
 * The dictionary-form reading an independent verb or adjective token gives, if it is kept (not
 * too short, not a light verb: `isSearchableForm`); null otherwise. The same decision for a token
 * of a window ({@link readingAnalyzer}) and for a dictionary entry ({@link verbEntries}), so the
 * screen skips exactly the windows that would read nothing.
 */
function keptReading(
  surface: string,
  form: string | undefined,
  basic: string,
  reading: string | undefined,
  type: string | undefined,
): string | null {
  if (!reading) return null;
  const r =
    form === '基本形' && surface === basic
      ? reading
      : dictionaryReading(surface, basic, reading, type?.startsWith('一段') === true);
  // Two kana only for the verbs of a list (泣く ナク, 見る ミル; not 言う, 居る: isShortForm).
  return r && (isSearchableForm(r) || isShortForm(r)) ? r : null;
}

/**
 * The dictionary-form reading of an independent verb or adjective written in kana alone
 * (がんばっ/がんばる → ガンバル), if it is kept (`isSearchableForm`: not two kana, not a light
 * verb); null for a token with a kanji, which the kanji windows read.
 */
function keptKanaReading(surface: string, form: string | undefined, basic: string): string | null {
  if (!HIRAGANA_ONLY.test(surface) || !HIRAGANA_ONLY.test(basic)) return null;
  // Classical forms (ます as まする) are not what a quote in kana says.
  if (form?.startsWith('文語')) return null;
  return isSearchableForm(basic) ? hiraganaToKatakana(basic) : null;
}

/**
 * The kanji dictionary forms of independent verbs and adjectives by their reading (ガンバル →
 * 頑張る; ワカル → 分かる, 解る, 判る …), from the dictionary's entries, once (~1 s).
 */
function kanjiSpellings(tokenizer: Tokenizer): Map<string, string[]> {
  const dict = (tokenizer as unknown as TokenizerInternals).token_info_dictionary;
  const out = new Map<string, string[]>();
  for (const ids of Object.values(dict.target_map))
    for (const id of ids) {
      const [surface = '', pos, detail, , , , form, basic = '', reading = ''] = dict
        .getFeatures(String(id))
        .split(',');
      if ((pos !== '動詞' && pos !== '形容詞') || detail !== '自立' || form !== '基本形') continue;
      if (
        surface !== basic ||
        !KANJI.test(basic) ||
        !KATAKANA_ONLY.test(reading) ||
        !isSearchableForm(reading)
      )
        continue;
      const list = out.get(reading);
      if (!list) out.set(reading, [basic]);
      else if (!list.includes(basic)) list.push(basic);
    }
  for (const list of out.values()) list.sort();
  return out;
}

/** Flags of a trie leaf in {@link verbEntries}: an entry a kanji window can read, a kana one. */
const KANJI_ENTRY = 1;
const KANA_ENTRY = 2;

/** The parts of kuromoji's tokenizer {@link verbEntries} reads (not in its typings). */
interface TokenizerInternals {
  token_info_dictionary: { target_map: Record<string, number[]>; getFeatures(id: string): string };
}

/**
 * Which windows can give a verb reading at all, so that only those are tokenised (about a third
 * of the distinct windows of real quotes; tokenising was a third of the parse worker's time).
 *
 * Exact, not a heuristic: kuromoji's best path is made of lattice nodes, and every node is either
 * a dictionary entry whose surface occurs in the window (what `commonPrefixSearch` finds at each
 * position) or an unknown word, whose part of speech is never a verb or adjective in IPADIC
 * (checked below: the screen is off otherwise). `readWindow` keeps a token only when it is an
 * independent verb or adjective with a kanji whose surface ends in kana, is an ichidan stem
 * (見 of 見て) or is its own dictionary form (`dictionaryReading` is null otherwise), and whose
 * reading is kept (`keptReading`: not a light verb such as 思う, not two kana off the list such as
 * 言う — the commonest verbs of interviews, which alone had a quarter of the windows tokenised); so a window in which no such entry's surface
 * occurs reads nothing, and is not tokenised. The surfaces are collected from the dictionary
 * once, on the first window (~75,000 surfaces of ~390,000 entries before the kept-reading test, fewer now; ~1–2 s).
 */
export function verbEntries(
  tokenizer: Tokenizer,
  options: { trie?: boolean } = {},
): {
  mayRead(window: string): boolean;
  mayReadKana(window: string): boolean;
} {
  let surfaces: Set<string> | null = null;
  let longest = 0;
  const kana = new Set<string>();
  let longestKana = 0;
  let off = false;
  // The same sets as flags of the trie's leaves (a leaf is a surface), for one walk of the
  // dictionary's trie per window instead of a set lookup per substring (~10% of the parse
  // worker's time); the substring lookups remain for what the walk declines.
  let scan: LeafScan | null = null;
  try {
    if (options.trie !== false) scan = leafScanner(tokenizer);
  } catch {
    scan = null;
  }
  let flags = new Uint8Array(0);
  const flag = (key: string, bit: number) => {
    const leaf = Number(key);
    if (!Number.isInteger(leaf) || leaf < 0) {
      scan = null;
      return;
    }
    if (leaf >= flags.length) {
      const grown = new Uint8Array(Math.max(leaf + 1, flags.length * 2));
      grown.set(flags);
      flags = grown;
    }
    flags[leaf] = (flags[leaf] as number) | bit;
  };
  const collect = (): Set<string> => {
    const dict = (tokenizer as unknown as TokenizerInternals).token_info_dictionary;
    const unknown = (
      tokenizer as unknown as { unknown_dictionary: TokenizerInternals['token_info_dictionary'] }
    ).unknown_dictionary;
    const out = new Set<string>();
    // An unknown word that could be a verb or adjective would make any window a candidate.
    for (const ids of Object.values(unknown.target_map))
      for (const id of ids) {
        const pos = unknown.getFeatures(String(id)).split(',')[1];
        if (pos === '動詞' || pos === '形容詞') off = true;
      }
    for (const [key, ids] of Object.entries(dict.target_map))
      for (const id of ids) {
        const f = dict.getFeatures(String(id)).split(',');
        const [surface = '', pos, detail, , , type, form, basic = '', reading] = f;
        if ((pos !== '動詞' && pos !== '形容詞') || detail !== '自立') continue;
        if (keptKanaReading(surface, form, basic) !== null) {
          kana.add(surface);
          flag(key, KANA_ENTRY);
          if (surface.length > longestKana) longestKana = surface.length;
        }
        if (!KANJI.test(surface)) continue;
        // An entry whose reading is never kept (light verbs, two-kana readings off the list, a
        // kanji-only surface but an ichidan stem's or a dictionary form's) reads nothing.
        if (keptReading(surface, form, basic, reading, type) === null) continue;
        out.add(surface);
        flag(key, KANJI_ENTRY);
        if (surface.length > longest) longest = surface.length;
      }
    return out;
  };
  return {
    mayRead(w: string): boolean {
      surfaces ??= collect();
      if (off) return true;
      const found = scan?.(w, flags, KANJI_ENTRY) ?? null;
      if (found !== null) return found;
      // Every surface has a kanji: none starts after the window's last one (its last unit).
      let last = -1;
      for (let i = 0; i < w.length; i++) {
        const cp = w.codePointAt(i) ?? 0;
        const wide = cp > 0xffff;
        if (KANJI.test(String.fromCodePoint(cp))) last = wide ? i + 1 : i;
        if (wide) i++;
      }
      for (let p = 0; p <= last; p++)
        for (let e = p + 1; e <= w.length && e - p <= longest; e++)
          if (surfaces.has(w.slice(p, e))) return true;
      return false;
    },
    // A kana window: a token read there is a kana entry, whose surface occurs in the window.
    mayReadKana(w: string): boolean {
      surfaces ??= collect();
      if (off) return true;
      const found = scan?.(w, flags, KANA_ENTRY) ?? null;
      if (found !== null) return found;
      for (let p = 0; p < w.length; p++)
        for (let e = p + 1; e <= w.length && e - p <= longestKana; e++)
          if (kana.has(w.slice(p, e))) return true;
      return false;
    },
  };
}
