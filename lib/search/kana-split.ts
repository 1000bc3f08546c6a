/**
 * A run typed all in hiragana with several words in it (にんげんかんけい, ふあんになった,
 * しごとがたのしい) split into the words the index knows, as if typed with spaces. The index holds
 * the kana readings of kanji words (ニンゲン of 人間, フアン of 不安) and the dictionary forms of
 * verbs and adjectives (タノシイ of 楽しい), but a run as typed (ニンゲンカンケイ) is no term: it found
 * nothing, while `にんげん かんけい` found the 人間関係 quotes. The dictionary (kuromoji) is never on
 * the query path, so the run is segmented over the index's own vocabulary instead.
 *
 * A dynamic programme over the run's positions covers it with pieces of three kinds, fewest pieces
 * first (a longer known word beats two shorter ones):
 * - a word: a reading or a word the index has in some quote's text as a word (a term marked
 *   FLAG_SUGGEST: readings and words as written, not the glued grammar runs like ニナッタ of
 *   に|な|っ|た, which are index-only), two kana at least;
 * - a verb or adjective: a piece the deinflection rules read (かなえた → かなえる, lib/text/deinflect.ts)
 *   to a dictionary form the index keeps, or such a form typed (たのしい), ending the run or
 *   followed by grammar;
 * - grammar: particles and auxiliaries (に, を, が, の, から, なった, たい …) and stopwords, which
 *   are no words to look for.
 * Grammar wins over a word for the same piece (から is a particle, not 空). Each piece is at most
 * {@link MAX_PIECE} kana and runs longer than {@link MAX_RUN} are not split, so the lookups are
 * bounded: at most MAX_RUN × MAX_PIECE of them.
 *
 * Only a run that is no term as typed and no inflected form of a known verb is split: はやぶさ and
 * おぐねー (kept whole by the index) and いっしょうけんめい (a reading) stay as they are.
 */
import { foldKatakanaRun, isStopword } from '../text/analyze.ts';
import { dictionaryForms, dictionaryFormTerm, isSearchableForm } from '../text/deinflect.ts';
import { hiraganaToKatakana } from '../text/normalize.ts';
import { KANA_SUFFIXES } from './kana-suffixes.ts';

/**
 * What the index knows of a term: {@link TERM_PRESENT} when some quote's text has it,
 * {@link TERM_WORD} too when it is a word of a quote as written or a reading (not a glued run of
 * grammar kana). 0 when the index lacks it.
 */
export type TermLookup = (term: string) => number;
export const TERM_PRESENT = 1;
export const TERM_WORD = 2;

/**
 * The index's vocabulary as the query compiler reads it: what it knows of a term
 * ({@link TermLookup}), and the written form of a reading term (将来 for ショウライ: the term's
 * surface), which joins a word typed in kana to the kanji of a suffix typed after it.
 */
export interface Vocabulary {
  readonly known: TermLookup;
  readonly written?: (term: string) => string | undefined;
  /**
   * Every written form of a reading term the index has (チュウシャ: 注射 and 駐車; its surface
   * first): the word before a suffix may be any of them (駐車 of 駐車場, not the surface 注射).
   */
  readonly spellings?: (term: string) => readonly string[];
  /**
   * The forms the quotes write a dictionary-form reading in (\u0002イッテミル\u0002行ってみる), each
   * with how many quotes write it so (lib/search/query.ts triedVerbNodes).
   */
  readonly writtenForms?: (reading: string) => ReadonlyArray<{ written: string; quotes: number }>;
  /** How many quotes' texts have a term (the kanji pair across a cut: 能界 of 芸能界). */
  readonly quotes?: (term: string) => number;
  /**
   * The reading terms starting with a prefix that have a written form, with it (ヒトリグラシ: 一人暮らし):
   * the compound a word typed in kana starts (ひとり of ひとり暮らし, whose spellings are ひとり and 独り).
   */
  readonly readingsWithPrefix?: (prefix: string) => ReadonlyArray<{ term: string; written: string }>;
}

/**
 * The kanji a suffix typed in kana may be after a word the index writes in kanji (せい: 性 of
 * 将来性; び: 日 of 誕生日; じょう: 場 of 駐車場), from the corpora by scripts/kana-suffixes.ts
 * (kuromoji's readings of the compounds the segmenter cuts before the suffix). The index has no
 * reading of the suffix inside the compound (誕生|日: 日 is read alone, a kanji alone has none),
 * only the compound's bigram across the cut (生日).
 */
export function suffixKanji(kana: string): readonly string[] {
  return Object.hasOwn(KANA_SUFFIXES, kana) ? (KANA_SUFFIXES[kana] as readonly string[]) : [];
}

/** The longest piece looked up, in kana (ショウガクキン, イッショウケンメイ fit). */
export const MAX_PIECE = 10;
/** The longest run split: a longer run of kana alone is a sentence, searched as before. */
export const MAX_RUN = 24;

/** One piece of a split run. */
export interface KanaPiece {
  /** The hiragana of the piece, as typed. */
  text: string;
  /**
   * `word` and `verb` are looked for; `suffix` (two kana right after a word) ranks without being
   * needed; `grammar` is not looked for.
   */
  kind: 'word' | 'verb' | 'suffix' | 'grammar';
  /**
   * Of a suffix of {@link suffixKanji} after a word the index writes in kanji: the compound as
   * the quotes write it (しょうらい|せい → 将来性, たんじょう|び → 誕生日), when the index has it as
   * a word or its two kanji across the cut (来性, 生日).
   */
  compound?: string;
}

/**
 * Particles and auxiliaries a run may hold between its words. Whole pieces only (に of ふあんに,
 * なった after it): a word of the index that starts with one (ニンゲン) is still that word.
 */
const GRAMMAR = new Set([
  ...'のをがにはでともへやかねよな',
  'から',
  'まで',
  'より',
  'けど',
  'ので',
  'のに',
  'って',
  'など',
  'だけ',
  'しか',
  'でも',
  'とか',
  'には',
  'では',
  'とは',
  'にも',
  'への',
  'での',
  'との',
  'だ',
  'です',
  'でした',
  'だった',
  'じゃない',
  'ではない',
  'なる',
  'なった',
  'なって',
  'なり',
  'なります',
  'なりました',
  'なれ',
  'なれる',
  'ない',
  'なかった',
  'たい',
  'たかった',
  'ます',
  'ました',
  'する',
  'した',
  'して',
  'します',
  'しました',
  'したい',
  'される',
  'された',
  'させる',
  'させた',
  'いる',
  'いた',
  'います',
  'いました',
  'ある',
  'あった',
  'あります',
  'ありました',
]);

/**
 * The fewest kana of a verb piece: the index keeps no dictionary form shorter than three kana
 * (MIN_FORM in lib/text/deinflect.ts), and two kana inflected (みた, いた) read only to such forms.
 */
const MIN_VERB = 3;

/** Kana no word starts with (the small kana, っ, ん, ー). */
const NO_WORD_START = 'んっゃゅょぁぃぅぇぉゎー';

/** The katakana term a hiragana piece is indexed as (ゆめ → ユメ; らんさーず → ランサーズ folded). */
function termOf(hiragana: string): string {
  return foldKatakanaRun(hiraganaToKatakana(hiragana));
}

/** True for a hiragana piece a split takes for grammar (に, から, なった; see {@link isGrammar}). */
export function isGrammarPiece(hiragana: string): boolean {
  return isGrammar(hiragana, hiraganaToKatakana(hiragana));
}

/**
 * True for a piece that is grammar. One kana only when it is a particle: any other kana alone is a
 * piece of a word the index lacks (a name), and taking it for grammar would drop that word.
 */
function isGrammar(piece: string, katakana: string): boolean {
  return GRAMMAR.has(piece) || (piece.length >= 2 && isStopword(katakana));
}

/** The longest grammar piece tried (なりました; the stopwords are shorter). */
const GRAMMAR_MAX = 5;

/** True when a piece is a verb or adjective the index keeps (as typed, or read by the rules). */
function isKnownVerb(piece: string, lookup: TermLookup): boolean {
  if (isSearchableForm(piece) && lookup(dictionaryFormTerm(hiraganaToKatakana(piece))) & TERM_PRESENT)
    return true;
  return dictionaryForms(piece).some((f) => lookup(dictionaryFormTerm(hiraganaToKatakana(f))) & TERM_PRESENT);
}

/**
 * True when a run of kana is a word of the index as typed (かんけい: カンケイ, the reading of 関係)
 * and no verb or adjective the index keeps (つける of 見つける is the verb 付ける, not a word typed
 * apart), nor grammar: a word typed in kana after a kanji word (人間かんけい), which the segmenter
 * cuts into kana that find other words (かん|けい).
 */
export function isKanaWord(run: string, lookup: TermLookup): boolean {
  // っぽい of 大人っぽい is the suffix of an adjective (its own path in lib/search/query.ts), not a word.
  if (NO_WORD_START.includes(run.charAt(0))) return false;
  const kata = hiraganaToKatakana(run);
  return (
    (lookup(foldKatakanaRun(kata)) & TERM_WORD) !== 0 && !isGrammar(run, kata) && !isKnownVerb(run, lookup)
  );
}

const KANJI_ONLY = /^[\p{Script=Han}\u3005]+$/u;

/**
 * The fewest kana of a word before a suffix of one kana (たんじょう|び, こうつう|ひ, きねん|び): a
 * word of two kana and one kana more are mostly a longer word the index lacks, or typed halfway.
 */
const ONE_KANA_SUFFIX_AFTER = 3;

/**
 * The compound a word typed in kana makes with a suffix of {@link suffixKanji} (しょうらい + せい →
 * 将来性, たんじょう + び → 誕生日), when the index writes the word in kanji (its reading's surface)
 * and has the compound: as a word of some quote (映画館, kept whole by the segmenter), else by the
 * two kanji across the cut (来性, 生日: the bigram a quote saying 将来性 is indexed with), each
 * kanji the suffix may be tried in the table's order. Undefined otherwise.
 */
function compoundOf(
  word: string,
  suffix: string,
  lookup: TermLookup,
  written: Written | undefined,
): string | undefined {
  const kanji = suffixKanji(suffix);
  if (kanji.length === 0 || !written) return undefined;
  if (suffix.length === 1 && word.length < ONE_KANA_SUFFIX_AFTER) return undefined;
  const forms = written(termOf(word)).filter((w) => KANJI_ONLY.test(w));
  for (const w of forms) for (const k of kanji) if (lookup(`${w}${k}`) & TERM_WORD) return `${w}${k}`;
  for (const w of forms)
    for (const k of kanji) if (lookup(`${w.slice(-1)}${k}`) & TERM_PRESENT) return `${w}${k}`;
  return undefined;
}

/** The written forms of a reading term (see {@link Vocabulary.spellings}), its surface first. */
type Written = (term: string) => readonly string[];

/** The written forms of the reading terms of a vocabulary, each term's once per split. */
function writtenForms(
  written: ((term: string) => string | undefined) | undefined,
  spellings: ((term: string) => readonly string[]) | undefined,
): Written | undefined {
  if (!written && !spellings) return undefined;
  const seen = new Map<string, readonly string[]>();
  return (term) => {
    let forms = seen.get(term);
    if (!forms) {
      const surface = written?.(term);
      forms = spellings ? spellings(term) : surface ? [surface] : [];
      seen.set(term, forms);
    }
    return forms;
  };
}

/**
 * The words of a hiragana run, or null when the run is to be searched as it is: a term of the
 * index as typed, an inflection of a known verb, longer than {@link MAX_RUN}, or not covered by
 * known pieces, or covered by one piece only.
 */
export function splitKanaRun(
  run: string,
  lookup: TermLookup,
  surface?: (term: string) => string | undefined,
  spellings?: (term: string) => readonly string[],
): KanaPiece[] | null {
  const n = run.length;
  if (n < 3 || n > MAX_RUN) return null;
  if (lookup(termOf(run)) & TERM_PRESENT || isKnownVerb(run, lookup)) return null;
  const written = writtenForms(surface, spellings);
  // cost[i]: fewest pieces covering run[0, i); from[i], kind[i]: the last piece of that cover.
  const cost = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n + 1).fill(-1);
  const kinds: Array<'word' | 'verb' | 'grammar' | undefined> = new Array(n + 1);
  cost[0] = 0;
  // The run in katakana once (one kana for one kana), its pieces sliced from it.
  const kata = hiraganaToKatakana(run);
  // Where a grammar piece starts (a verb piece must end the run or come before grammar): up to
  // GRAMMAR_MAX set lookups per position, once, not once per verb piece tried.
  const grammarAt = new Uint8Array(n + 1);
  for (let j = 0; j < n; j++)
    for (let k = j + 1; k <= Math.min(n, j + GRAMMAR_MAX); k++)
      if (isGrammar(run.slice(j, k), kata.slice(j, k))) {
        grammarAt[j] = 1;
        break;
      }
  // A word of two kana stands between grammar or the run's edges (じぶんの|ゆめ), or ends the run
  // right after a word of four kana or more as its suffix (しょうらい|せい): two kana glued to other
  // kana are mostly pieces of a compound the index lacks (こん|かつ of 婚活, てい|ねん of 定年: コン,
  // ネン), and so is a word of three before them (しょう|らい in an index without 将来's reading
  // found the しょう of でしょう).
  // A suffix of suffixKanji after a word of any length when the index has the compound (きょり|かん:
  // 距離感 said in some quote), however short the word (one kana only after three: たんじょう|び).
  const compoundAt = (i: number, j: number): string | undefined =>
    j === n && kinds[i] === 'word'
      ? compoundOf(run.slice(from[i] as number, i), run.slice(i, j), lookup, written)
      : undefined;
  const shortWordFits = (i: number, j: number): boolean => {
    if (j - i > 2) return true;
    const before = i === 0 || kinds[i] === 'grammar';
    const suffix = j === n && kinds[i] === 'word' && (i - (from[i] as number) >= 4 || !!compoundAt(i, j));
    return (before && (j === n || grammarAt[j] === 1)) || suffix;
  };
  for (let i = 0; i < n; i++) {
    const here = cost[i] as number;
    if (!Number.isFinite(here)) continue;
    for (let j = i + 1; j <= Math.min(n, i + MAX_PIECE); j++) {
      const piece = run.slice(i, j);
      if (here + 1 >= (cost[j] as number)) continue;
      let kind: 'word' | 'verb' | 'grammar' | null = null;
      if (j - i <= GRAMMAR_MAX && isGrammar(piece, kata.slice(i, j))) kind = 'grammar';
      else if (!NO_WORD_START.includes(piece.charAt(0))) {
        if (piece.length >= 2 && shortWordFits(i, j) && lookup(foldKatakanaRun(kata.slice(i, j))) & TERM_WORD)
          kind = 'word';
        // A suffix the index has only inside the compound (性 of 将来性: no quote says せい alone;
        // 日 of 誕生日, one kana: び is no word of its own anywhere).
        else if (compoundAt(i, j)) kind = 'word';
        else if (piece.length >= MIN_VERB && (j === n || grammarAt[j] === 1) && isKnownVerb(piece, lookup))
          kind = 'verb';
      }
      if (kind === null) continue;
      cost[j] = here + 1;
      from[j] = i;
      kinds[j] = kind;
    }
  }
  if (!Number.isFinite(cost[n] as number) || (cost[n] as number) < 2) return null;
  const pieces: KanaPiece[] = [];
  for (let j = n; j > 0; j = from[j] as number)
    pieces.push({ text: run.slice(from[j] as number, j), kind: kinds[j] as KanaPiece['kind'] });
  pieces.reverse();
  // A query starts with a word, not a particle: は|きそう|になった is a verb the rules cannot read
  // (吐きそう), not は + キソウ.
  if (pieces[0]?.kind === 'grammar') return null;
  // Two kana right after a word are mostly the suffix of a compound (しょうらい|せい, 将来性: せい is
  // 性 there, not the せい of 怪我したせい): they rank, the word before them is what is needed.
  // A tail of any length that makes a compound the index has (ちゅうしゃ|じょう → 駐車場) is its
  // suffix too.
  for (let k = 1; k < pieces.length; k++) {
    const p = pieces[k] as KanaPiece;
    const before = pieces[k - 1] as KanaPiece;
    if (p.kind !== 'word' || before.kind !== 'word') continue;
    const compound = k === pieces.length - 1 ? compoundOf(before.text, p.text, lookup, written) : undefined;
    if (compound) p.compound = compound;
    if (compound || p.text.length <= 2) p.kind = 'suffix';
  }
  return pieces.some((p) => p.kind === 'word' || p.kind === 'verb') ? pieces : null;
}

/**
 * The u-row kana of a godan verb's dictionary form after the i-row kana of its continuative
 * (のみ → のむ, かき → かく): the stem a compound is written with (飲み会, 書き方).
 */
const GODAN_DICTIONARY: Readonly<Record<string, string>> = {
  き: 'く',
  ぎ: 'ぐ',
  し: 'す',
  ち: 'つ',
  に: 'ぬ',
  び: 'ぶ',
  み: 'む',
  り: 'る',
};
/** Kana an ichidan verb's stem ends in (たべ|る, かんがえ|る, おち|る): its continuative is the stem. */
const ICHIDAN_STEM_END = 'えけげせぜてでねべめれいきぎしじちにひびみり';
/** A verb written with its kanji, then its okurigana (飲む, 食べる, 考える). */
const KANJI_THEN_OKURIGANA = /^([\p{Script=Han}\u3005]+)([\u3041-\u3096]+)$/u;
/** The fewest kana of the noun after a verb's stem (かい of のみかい): one kana is mostly grammar (か, し). */
const OKURIGANA_TAIL_MIN = 2;

/**
 * A compound of a verb's continuative and a noun typed in kana (のみかい 飲み会, たべほうだい 食べ放題),
 * as the quotes write it, or null. The segmenter cuts such a compound at its okurigana (飲|会: み
 * dropped; 食|放題), so the index has no term of the whole nor its reading and the run found
 * nothing, while 飲み会 typed in kanji finds the quotes saying it (a checked compound,
 * lib/search/query.ts). So the run is written as the quotes write it: the verb's kanji from the
 * forms the quotes write its dictionary form in ({@link Vocabulary.writtenForms}: ノム → 飲む), its
 * okurigana as typed, then the noun's kanji — a suffix of the table (会 of かい) or a spelling of a
 * reading the index has (放題 of ホウダイ) — when the index has the verb's kanji and the noun's as
 * words (or the compound whole). Asked only of a run the split cannot cover, so it turns nothing
 * found into what the kanji typed finds.
 */
export function okuriganaCompound(run: string, vocabulary: Vocabulary): string | null {
  const { known, writtenForms, spellings } = vocabulary;
  if (!writtenForms || run.length < 2 + OKURIGANA_TAIL_MIN || run.length > MAX_PIECE + 2) return null;
  // An inflected verb (やめよう, こわれそう, いってみたい) is the verb: its kana after the stem are
  // grammar (よう, そう), never a noun (用, 層).
  if (isKnownVerb(run, known)) return null;
  for (let i = 2; i <= run.length - OKURIGANA_TAIL_MIN; i++) {
    const head = run.slice(0, i);
    const tail = run.slice(i);
    if (isGrammarPiece(tail)) continue;
    const last = head.charAt(i - 1);
    const godan = GODAN_DICTIONARY[last];
    const forms = [
      ...(godan ? [{ dictionary: `${head.slice(0, -1)}${godan}`, ichidan: false }] : []),
      ...(ICHIDAN_STEM_END.includes(last) ? [{ dictionary: `${head}る`, ichidan: true }] : []),
    ];
    if (forms.length === 0) continue;
    const nouns = [
      ...suffixKanji(tail),
      ...(spellings?.(termOf(tail)) ?? []).filter((w) => KANJI_ONLY.test(w)),
    ];
    if (nouns.length === 0) continue;
    for (const { dictionary, ichidan } of forms)
      for (const { written } of writtenForms(hiraganaToKatakana(dictionary))) {
        const m = KANJI_THEN_OKURIGANA.exec(written);
        if (!m) continue;
        const kanji = m[1] as string;
        const kana = m[2] as string;
        // 飲|む → 飲|み, 食|べる → 食|べ: the okurigana typed must be the continuative's.
        const okurigana = ichidan ? kana.slice(0, -1) : `${kana.slice(0, -1)}${last}`;
        if (!head.endsWith(okurigana) || okurigana === '') continue;
        const stem = `${kanji}${okurigana}`;
        for (const noun of nouns) {
          const whole = `${stem}${noun}`;
          if (known(foldKatakanaRun(hiraganaToKatakana(whole))) & TERM_WORD) return whole;
          if (known(kanji) & TERM_WORD && known(noun) & TERM_WORD) return whole;
        }
      }
  }
  return null;
}

/** A word typed in kana, then the kanji of the rest (けっこん式, ひとり暮らし: a conversion left half done). */
const KANA_THEN_KANJI = /^([\u3041-\u3096ー]{2,})([\p{Script=Han}\u3005]+[\u3041-\u3096]*)$/u;
/** A kanji word, then a suffix of {@link suffixKanji} typed in kana (映画かん, 芸能かい). */
const KANJI_THEN_SUFFIX = /^([\p{Script=Han}\u3005]{2,})([\u3041-\u3096]{2,3})$/u;
/** The fewest kana of a word typed before kanji looked up by its reading's start (ひとり of ひとり暮らし). */
const READING_HEAD_MIN = 3;

/**
 * A chunk typed half converted — a word in kana then kanji (けっこん式, えいが館, せんもん学校,
 * ひとり暮らし), or a kanji word then a suffix in kana (映画かん, 芸能かい) — as the quotes write the
 * compound (結婚式, 映画館, 専門学校, 一人暮らし, 芸能界), or null. The segmenter cuts such a chunk
 * at the script change into words no quote has as typed (ケッコン then 式, 映画 then かん read as
 * any カン), so it found nothing or the parts apart, while the compound typed in kanji finds the
 * quotes saying it. Written only on the index's evidence, as a compound typed in kana is
 * ({@link compoundOf}): the compound as a word of some quote, else the kanji pair across the cut
 * (門学 of 専門学校; of several suffix kanji, the pair most quotes have: 能界, not 能会), else — for
 * a kana word whose spellings lack the compound's (ひとり: ひとり, 独り; 一人暮らし) — a reading the
 * index has that starts with the word and is written ending with the kanji typed (ヒトリグラシ).
 * Never for a chunk the index has as typed, nor kana that are grammar or a verb or adjective
 * (たのしい時間 is two words), nor a tail the split reads as grammar.
 */
export function mixedCompound(chunk: string, vocabulary: Vocabulary): string | null {
  const { known, quotes, readingsWithPrefix } = vocabulary;
  if (known(foldKatakanaRun(hiraganaToKatakana(chunk))) & TERM_WORD) return null;
  const kanaFirst = KANA_THEN_KANJI.exec(chunk);
  if (kanaFirst) {
    const head = kanaFirst[1] as string;
    const rest = kanaFirst[2] as string;
    if (!isKanaWord(head, known)) return null;
    const forms = writtenForms(vocabulary.written, vocabulary.spellings)?.(termOf(head)) ?? [];
    // A word the quotes also write with kana (子ども beside 子供 for こども): the kana typed already
    // finds every spelling by its reading (こども時代 lists 子供時代 and 子ども時代), one kanji
    // spelling would lose the others.
    const kanji = forms.every((w) => KANJI_ONLY.test(w)) ? forms : [];
    for (const w of kanji)
      if (known(foldKatakanaRun(hiraganaToKatakana(`${w}${rest}`))) & TERM_WORD) return `${w}${rest}`;
    for (const w of kanji) if (known(`${w.slice(-1)}${rest.charAt(0)}`) & TERM_PRESENT) return `${w}${rest}`;
    if (head.length < READING_HEAD_MIN || !readingsWithPrefix) return null;
    const reading = termOf(head);
    for (const { term, written } of readingsWithPrefix(reading))
      if (
        term.length > reading.length &&
        written.length > rest.length &&
        written.endsWith(rest) &&
        KANJI_ONLY.test(written.slice(0, written.length - rest.length))
      )
        return written;
    return null;
  }
  const kanjiFirst = KANJI_THEN_SUFFIX.exec(chunk);
  if (!kanjiFirst) return null;
  const head = kanjiFirst[1] as string;
  const tail = kanjiFirst[2] as string;
  if (isGrammarPiece(tail)) return null;
  const kanji = suffixKanji(tail);
  for (const k of kanji) if (known(`${head}${k}`) & TERM_WORD) return `${head}${k}`;
  let best: string | null = null;
  let most = 0;
  for (const k of kanji) {
    const pair = `${head.slice(-1)}${k}`;
    if (!(known(pair) & TERM_PRESENT)) continue;
    // Without counts, the table's order (the suffix most words take first).
    const n = quotes ? quotes(pair) : 1;
    if (n > most) {
      most = n;
      best = `${head}${k}`;
    }
  }
  return best;
}
