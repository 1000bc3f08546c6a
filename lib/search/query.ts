/**
 * Turns what a user typed into the engine's query tree, using the same analyzer as indexing.
 *
 * Syntax: words separated by white space; `「…」`, `『…』` and `"…"` are exact phrases (every
 * one required, then checked against the quote text); `-word` (or `-「phrase」`) excludes
 * quotes containing it; `OR` between two words makes them alternatives of one word.
 *
 * Every word is a *slot* of a ranked `match` node: a quote scores each slot it matches, more
 * of the query's weight ranks higher, and a quote must match a minimum share of the weight —
 * every word of a one- or two-word query, a part of a sentence. A slot's alternatives score
 * inside it (the best one counts): the word itself, the bigrams of a kanji word (weighted
 * down), the katakana words containing a katakana word, the katakana form of a hiragana word
 * (which is also how kanji words are found by their reading), spelling variants (0.8), and a
 * prefix for the last word of short, autocomplete-style input.
 */
import {
  analyzeNormalized,
  bigrams,
  classify,
  countedSpellings,
  FRAGMENT_MARK,
  foldKatakanaRun,
  isStopword,
  type SegmentationMode,
  scriptRuns,
  type Token,
} from '../text/analyze.ts';
import {
  activeDictionaryForms,
  candidateForms,
  dictionaryForms,
  dictionaryFormTerm,
  isLightVerb,
  isSearchableForm,
  kanjiSpellingTerm,
  shortForms,
  writtenFormTerm,
  writtenVerbTerm,
} from '../text/deinflect.ts';
import { hiraganaToKatakana, normalize, normalizeForMatch } from '../text/normalize.ts';
import { pairedVerb } from '../text/verb-pairs.ts';
import { and, max, or, type QueryNode, type Slot, term, weighted } from './engine/tree.ts';
import {
  isKanaWord,
  type KanaPiece,
  mixedCompound,
  okuriganaCompound,
  splitKanaRun,
  TERM_PRESENT,
  TERM_WORD,
  type Vocabulary,
} from './kana-split.ts';

/** Expands a folded chunk into its spelling variants (synonym dictionary), excluding itself. */
export type VariantLookup = (folded: string) => readonly string[];

/** A query ready to run. */
export interface CompiledQuery {
  /** The ranked query (null when nothing searchable was typed). */
  readonly query: QueryNode | null;
  /** Normalised, kana-folded phrases that must occur verbatim in the quote text. */
  readonly phrases: readonly string[];
  /** Normalised, kana-folded strings to highlight as substrings (words, phrases). */
  readonly needles: readonly string[];
  /**
   * Verbs and adjectives typed with a kanji stem, in their typed form (稼ぐ, 安い), or, typed
   * inflected, in the dictionary forms the rules read (選ばれた → 選ばれる, 選ぶ): highlighted where a
   * quote inflects them (稼いで, 安く, 選んだ), which the stem path finds.
   */
  readonly forms: readonly string[];
  /** True when the user typed nothing searchable. */
  readonly empty: boolean;
  /**
   * The `-word`s of a query that has nothing else (`-介護`): the quotes not saying them are listed
   * as a filter lists them (empty otherwise: in a query they are part of {@link query}).
   */
  readonly excludeOnly: readonly QueryNode[];
  /** How many words (slots) the query has. */
  readonly words: number;
  /** True when every word must match (short queries, `terms=all`). */
  readonly everyWord: boolean;
  /**
   * The query to run when no quote has every word of a short query (好きな食べ物: one quote says
   * 食べ物, none with 好き): each typed word whole, any one of them enough, as search engines
   * answer "no results for all of these words"; quoted phrases stay required. Null when there is
   * nothing to relax: one word, `terms=all`, or a longer query that already ranks by a share of
   * its words.
   */
  readonly relaxed: QueryNode | null;
  /**
   * True when the words were typed as one run with kana between them (しごとをやめた, 家族に心配
   * された, お金をためる): a phrase of the user's own, whose words they did not choose one by one
   * as they do typing words apart (介護 不安) or a compound (介護福祉). When few quotes have all
   * its words, the quotes with some of them follow (see `relaxed` in the search page).
   */
  readonly typedAsPhrase: boolean;
  /**
   * The query without the adjacency its compounds require (see {@link Compound}): run when no quote
   * has a compound's parts side by side, before {@link relaxed}. Null when the query has none.
   */
  readonly loose: QueryNode | null;
  /**
   * The compounds typed (役作り: 役 + 作リ), normalised as needles: where a text says the compound,
   * it is marked whole and its parts elsewhere are not (役 of 役者, 作リ of 作り上げ).
   */
  readonly compounds: readonly Compound[];
  /**
   * The words typed, one per slot of the query (numbers' units and quoted phrases apart), as the
   * search page tells which of them no quote says (see `missing` in the search page).
   */
  readonly typed: readonly TypedWord[];
}

/**
 * A word of the query as typed: its node, its text to show, and whether it is a predicate (a
 * verb, a light verb or an adjective: 食べ of 食べてみたい, 思う, 好き). Beside a noun no quote
 * says (ホヤってどう思う), a predicate alone is no topic: its quotes (188 saying 思う) are noise.
 */
export interface TypedWord {
  readonly node: QueryNode;
  readonly text: string;
  readonly predicate: boolean;
}

/**
 * In a chain of nouns joined by の (子供の頃の夢, 映画の撮影の現場), the last is what is asked of, the
 * others narrow it: a quote about childhood that says nothing of a dream is no answer, one about
 * a dream that does not say 子供の頃 may well be. In a sentence, whose words rank by the share of
 * their weight a quote matches, the head weighs this many words: an answer matched through a short
 * question's 子供の頃 (films watched as a child) no longer outranks one saying 夢 and 小さい頃.
 */
const HEAD_WEIGHT = 2;
/**
 * The kana a kanji word typed as a predicate ends with: an adjective's い or the き of 好き (美味しい,
 * 好き), the e-row stem of a verb the segmenter kept whole (始め of 始めた, 食べ).
 */
const PREDICATE_END = /[いきえけげせてねべめれ]$/u;
/** A noun of a の chain: kanji or katakana, no kana that could inflect it. */
const CHAIN_NOUN = /^[\p{Script=Han}\p{Script=Katakana}\u3005\u30FC]+$/u;
/** How many nouns a の chain has, at least, for its head to weigh more (see {@link HEAD_WEIGHT}). */
const CHAIN_NOUNS = 3;

/**
 * The slots of the head of a chain of nouns joined by の typed as one chunk (see {@link
 * HEAD_WEIGHT}): the last noun's units, or none when the chunk is not such a chain.
 */
function nounChainHead(chunks: readonly string[], slotUnits: ReadonlyArray<Unit | undefined>): Set<number> {
  const none = new Set<number>();
  if (chunks.length !== 1) return none;
  const parts = normalize(chunks[0] ?? '')
    .text.trim()
    .split('の');
  if (parts.length < CHAIN_NOUNS || !parts.every((p) => CHAIN_NOUN.test(p))) return none;
  // The last units, whose typed text makes up the last noun (夢; 撮影|現場 would be two).
  const last = parts.at(-1) as string;
  let text = '';
  const head = new Set<number>();
  for (let i = slotUnits.length - 1; i >= 0 && text.length < last.length; i--) {
    const u = slotUnits[i];
    if (!u?.typed) return none;
    text = u.typed + text;
    head.add(i);
  }
  return text === last ? head : none;
}

/**
 * Words typed side by side that the segmenter split at a kanji it keeps on either side (役|作り,
 * 人間|関係, 世界|観, 自己|管理): one written word, which the user means as written, contiguous.
 * The postings have no positions, but the index keeps every pair of kanji next to each other in a
 * text (the bigram path, 役作 of 役作り): the pairs across each cut (`grams`) prove the parts
 * adjacent. Before, 役作り was 役 and 作り anywhere in the quote (役者 … 雰囲気作り).
 */
export interface Compound {
  /** The compound as typed, normalised for matching (役作リ). */
  readonly whole: string;
  /** Its parts' needles (役, 作リ). */
  readonly parts: readonly string[];
  /** The kanji pairs across its cuts (役作). */
  readonly grams: readonly string[];
  /**
   * A cut no kanji pair spans (飲|み|会, ママ|友, 合|コン): the index cannot prove the parts side by
   * side, so a quote is one saying the compound only where its text (or its question) does.
   */
  readonly checked: boolean;
  /**
   * Where the compound may be said with a particle between its parts (感情を表現, 監督の作品, 役を作る),
   * which means it as well: a pattern over kana-folded text (see {@link nearPattern}); null when no
   * cut may take one (世界|観, 人間|性: a one-kanji suffix; a checked compound).
   */
  readonly near: string | null;
}

/** A part of a compound that is one kanji or a kanji with its kana (観 of 世界観, 作リ of 役作り). */
function isAffix(part: string): boolean {
  return part.length === 1 || !KANJI_ONLY.test(part);
}
const KANJI_ONLY = /^[\p{Script=Han}\u3005]+$/u;

/** How the words of a query must match. */
export type TermsMode = 'ranked' | 'all';

const PHRASE = /-?(?:「([^」]*)」|『([^』]*)』|"([^"]*)"|“([^”]*)”)/g;
const HIRAGANA_ONLY = /^[\u3041-\u309Fー]+$/;
/** One katakana letter, ァ to ヶ (each 0x60 above its hiragana), without ー or ・. */
const SINGLE_KATAKANA = /^[\u30A1-\u30F6]$/;
const KANJI = /[\p{Script=Han}\u3005]/u;
const LONG_VOWEL = 'ー';
/** Upper bounds that keep a hostile query cheap. */
export const MAX_QUERY_CHARS = 500;
export const MAX_QUERY_CHUNKS = 16;
/** Queries of up to this many words need every word (precision over recall). */
export const SHORT_QUERY_WORDS = 2;
/**
 * A typed word the segmenter splits into at most this many words is still one word (司会者 →
 * 司会|者, 全然知 → 全然|知): a query of up to {@link SHORT_QUERY_WORDS} typed words needs every
 * one of them. A chunk that splits further is a phrase or a sentence typed without spaces
 * (`子育てしながら副業の時間を…`): a query holding one is ranked by the share it matches.
 */
export const WORD_SPLITS = 2;
/** A hiragana character: words typed with kana between them (see {@link CompiledQuery.typedAsPhrase}). */
const HIRAGANA = /[\u3041-\u3096]/u;

/**
 * Query weights (tunable as a whole): `minShould`, the share of a longer query's weight a quote
 * must match; `gram`, `variant`, `stem`: weights of a kanji word's bigram path, of spelling
 * variants and of the kanji stem of an inflected word, `base`: of the dictionary form guessed for
 * a kana verb or adjective (ためて → ためる), relative to the word itself.
 */
/** A relaxed query's share of weight: any one of its words is enough (see {@link CompiledQuery.relaxed}). */
const RELAXED_MIN_SHOULD = 1e-6;

export const QUERY_WEIGHTS = {
  minShould: 0.25,
  gram: 0.6,
  variant: 0.8,
  stem: 0.6,
  base: 0.9,
  /** Of the active verb guessed for a passive or causative one (えらばれた → えらぶ). */
  active: 0.5,
  /**
   * Of the other verb of a transitive/intransitive pair (かなった → 叶える: lib/text/verb-pairs.ts):
   * a quote saying the verb typed ranks first.
   */
  pair: 0.5,
  /** Of the other verbs a verb with てみる typed in kana may be (いってみたい: 言ってみれば; triedVerbNodes). */
  homophone: 0.5,
  spelling: 0.6,
  /**
   * Of a word of two kanji where the quote has it inside a longer word (反対 in 正反対, see
   * INNER_MARK), relative to the word said alone; a bigram of the bigram path counts the same
   * either way (it is a piece of a word already).
   */
  inner: 0.6,
  /**
   * Of a compound's kanji pair across its cut in a sentence (役作 of 役作りで苦労したこと), where it
   * ranks beside the words: at the weight of a word it put the quotes saying 一人旅 or 安心 ahead of
   * answers to the rest of a conversational request (dev recall@10 0.778 → 0.773; 0.777 at 0.5).
   */
  adjacent: 0.5,
};

const KANJI_PAIR = /^[\p{Script=Han}\u3005]{2}$/u;

/**
 * The tree with every term of two kanji also finding that pair inside a longer word of a quote
 * (TermOptions.inner): a word weighted down there, a bigram as it is. `done`: the nodes already
 * rewritten in this compile, as the query, its relaxed and loose forms share their slots. A node
 * with no such term is its own rewrite (nothing changes a compiled tree).
 */
function withInner(node: QueryNode, done: Map<QueryNode, QueryNode>): QueryNode {
  const known = done.get(node);
  if (known) return known;
  let out: QueryNode = node;
  switch (node.kind) {
    case 'term':
      if (KANJI_PAIR.test(node.term)) out = { ...node, inner: node.gram ? 1 : QUERY_WEIGHTS.inner };
      break;
    case 'and':
    case 'or':
    case 'max': {
      const children = node.children.map((c) => withInner(c, done));
      if (children.some((c, i) => c !== node.children[i])) out = { ...node, children };
      break;
    }
    case 'match': {
      const slots = node.slots.map((s) => {
        const n = withInner(s.node, done);
        return n === s.node ? s : { ...s, node: n };
      });
      const exclude = node.exclude.map((e) => withInner(e, done));
      if (slots.some((s, i) => s !== node.slots[i]) || exclude.some((e, i) => e !== node.exclude[i]))
        out = { ...node, slots, exclude };
      break;
    }
    case 'not':
    case 'phrase': {
      const child = withInner(node.child, done);
      if (child !== node.child) out = { ...node, child };
      break;
    }
  }
  done.set(node, out);
  return out;
}
/** A one-kanji stem in more than this share of quotes (思, 行, 見) is not worth its scan. */
const STEM_MAX_SHARE = 0.05;

function latinFuzz(t: string): number {
  if (t.length >= 6) return 2;
  if (t.length >= 4) return 1;
  return 0;
}

/** A word of the query: its alternatives and the text to highlight. */
interface Unit {
  node: QueryNode;
  needle: string | null;
  /** A word inflected after its kanji (稼ぐ), as typed: see {@link CompiledQuery.forms}. */
  form?: string;
  /** A single kanji the segmenter split off, with its place in the chunk (see unitsOf). */
  kanji?: { start: number; end: number };
  /**
   * A single kanji typed as a word of its own, no kanji before it and a particle after it (親|に of
   * 親に反対された), not one the segmenter split off a compound (者 of 司会者): a word the relaxed
   * query keeps (see {@link CompiledQuery.relaxed}).
   */
  alone?: boolean;
  /** Where a word with a kanji, or a katakana run, stands in the chunk (see {@link compoundsOf}). */
  span?: { start: number; end: number };
  /** The compound this word is a part of, shared by its parts (see {@link Compound}). */
  joined?: Compound;
  /** How many words of a する tail (緊張|しま|した) this word carries: see {@link SURU_TAIL}. */
  tail?: number;
  /** The stem of a light verb typed with its okurigana (思|ったんですか): ranks, does not filter. */
  light?: boolean;
  /**
   * A number's unit (万 of 400万, 円 of 400万円, 分 of 10分), which the number term holds: no typed
   * word (年収400万 is two words, needing both, not three ranked by a share, 万 alone matching any
   * amount), and in a short query it ranks without filtering; in a sentence it is a word as
   * before (10分以内 finds 5分 too).
   */
  rider?: boolean;
  /**
   * The inflection typed after the word (バレタ of 選ばれた): ranks the quotes that say it first in
   * a query that needs every word (see rankTypedInflections). Not in a longer query: a rare glued
   * run raised the share of weight a quote must match (大変だった: ダッタ), and lost answers.
   */
  inflection?: QueryNode;
  /**
   * Alternatives of the word only in a query that needs every word: the active verb of a passive
   * typed (おこられた → おこる). In a sentence they let more quotes reach the share of words it
   * needs, ahead of those that say the verb as typed (仕事をつづけられた理由: 仕事を続けて).
   */
  extra?: QueryNode[];
  /** More strings to mark than the needle: the other spellings of a counted number (3ヶ月, 3カ月). */
  marks?: readonly string[];
  /** The verb a kanji stem is typed with (選 of 選ばれた): its forms to mark, its voice to rank. */
  verb?: KanjiVerb;
  /** The verb a noun makes with its する tail typed in a voice (反対された): its voice ranks. */
  suru?: KanjiVerb;
  /** The word as typed (ホヤ, 食べ, 将棋), when it is one token of the chunk: see {@link TypedWord}. */
  typed?: string;
  /**
   * A verb or adjective: typed with its kanji and kana (食べ, 好き, 美味しい) or in kana read as a
   * verb's forms (たべたい). See {@link TypedWord.predicate}.
   */
  predicate?: boolean;
}

/**
 * The kana after a noun that make it a verb (する, できる) in any inflection, with a
 * sentence-final particle: 緊張しました, 勉強しています, 子育てしながら. They carry tense and
 * politeness, not what is looked for: as words of their own, しました limited 緊張 to the quotes
 * that say it in that form, or, one word of three, let した alone match any quote. So the tail
 * belongs to its noun: it ranks the quotes that say it, and never matches without the noun.
 * So does a nominaliser after it, with the experience said of it (感動したこと, 苦労したときは,
 * 緊張したことはありますか): こと and した were words of their own, した required beside 感動 and
 * marked in every でした of the hits.
 */
const SURU_TAIL =
  /^(?:する|すれば|しよう|できる|でき(?:ます|ました|ません|た|ない|なかった|て|れば)|し(?:ます|ました|ません|ませんでした|ましょう|た|たい|たく|たかった|たら|ながら|ない|なかった|なく|て(?:いる|います|いた|いました|る|た|ます|ました|いない|いません|しまった|しまう|みたい|みる|みた|おく|おいた)?)|さ(?:れる|れた|れて|れます|れました|せる|せた|せて|せます|せました))(?:(?:ん|の)(?:です|でしょう|だ)?|です|でしょう|(?:こと|もの|とき|ところ)(?:は|が|を|も|って)?(?:ある|あった|あります|ありました|ない|なかった|ありません)?)?(?:か|ね|よ|よね|けど|から|ので)?$/u;
const NOUN_END = /[\p{Script=Han}\p{Script=Katakana}\u3005ー]/u;

/**
 * The copula after a noun (大変でしたか, 大変だった): tense and politeness, nothing to look for. Its
 * words (した of でした) matched every quote that said them.
 */
const COPULA_TAIL =
  /^(?:で(?:す|した|しょう)|だ(?:った|ろう)?|じゃ(?:ない|なかった))(?:か|ね|よ|よね|けど|から|ので)?$/u;

/**
 * What a question is made of beside its subject (どうして, 何, 教えて): in a chunk with other
 * words they are furniture, and as words they matched every quote asking or saying them (何度,
 * どうしてなんだろう) ahead of the answers. Alone they are what was looked for, and stay.
 */
const QUESTION_WORDS = new Set(
  [
    'どうして',
    'なぜ',
    'なんで',
    'どうやって',
    'どんな',
    'どのよう',
    'どのように',
    'どういう',
    'どこ',
    'いつ',
    'だれ',
    'なに',
    '何',
    '誰',
    '教え',
    'おしえ',
    '聞かせ',
    'きかせ',
  ].map(hiraganaToKatakana),
);

/** Kana that end a noun phrase before a word (仕事と|ゆめ, お金を|ためる). */
const PARTICLE_KANA = 'をがにはでともへやの';
/** Particles of two kana (いつから|かかる, 東京まで|いく). */
const PARTICLES_OF_TWO = ['から', 'まで', 'より', 'ので', 'けど'];
/** Kana a word ends in before the noun it describes (ある|きれいな, 整った|きれいな, 楽しい|こと). */
const ADNOMINAL_END = 'うくぐすつぬぶむるたい';
/** Kana no word starts with. */
const NO_WORD_START = 'んっゃゅょぁぃぅぇぉゎー';
/** The longest kana a segmenter fragment of an inflection has (ろうと, たん, けたい). */
const FRAGMENT_MAX = 3;

/**
 * True when the kana word at `start` continues an inflection instead of starting a word: the
 * segmenter cuts okurigana and auxiliaries into pieces that read as words (思|っ|たん|です,
 * 続|けたい, 食|べた, に|な|ろうと), and each piece matched every quote that said it. A kana word
 * starts a chunk, follows a noun of two kanji or more (家族|みんな), a katakana or Latin word, a
 * particle (仕事と|ゆめ; not the で of です, で|すか), the な of an adjective (大きな|ゆめ; not the
 * な of a verb after a particle, に|な|ろうと), a word describing it (ある|きれいな), or the
 * honorific お after any of these (と|お|そば).
 */
function continuesInflection(norm: string, start: number): boolean {
  const first = norm.charAt(start);
  if (NO_WORD_START.includes(first)) return true;
  let p = start - 1;
  while (p >= 0 && classify(norm.charAt(p)) === 'hiragana') p--;
  if (p < 0) return false;
  const gap = norm.slice(p + 1, start);
  // Right after kanji: the okurigana of a one-kanji stem (思|った), or a word after a noun.
  if (gap === '') return KANJI.test(norm.charAt(p)) && (p === 0 || !KANJI.test(norm.charAt(p - 1)));
  if (PARTICLES_OF_TWO.some((x) => gap.endsWith(x))) return false;
  const last = gap.charAt(gap.length - 1);
  const prior = gap.length >= 2 ? gap.charAt(gap.length - 2) : '';
  if (last === 'で' && first === 'す') return true;
  if (PARTICLE_KANA.includes(last)) return false;
  // ちゃう, じゃう after a verb's te stem (泣い|ちゃった, 読ん|じゃう): てしまう said short. As a
  // word, ちゃ was needed beside 泣 and marked in 麻痺しちゃって.
  if ((first === 'ち' || first === 'じ') && norm.charAt(start + 1) === 'ゃ') return true;
  if (last === 'な') return PARTICLE_KANA.includes(prior);
  if (last === 'お' || last === 'ご') return start - 1 > p + 1 && continuesInflection(norm, start - 1);
  return !ADNOMINAL_END.includes(last);
}

/** The spans of copulas after a noun in a chunk (see {@link COPULA_TAIL}). */
function copulaTails(norm: string): Array<{ start: number; end: number }> {
  return scriptRuns(norm)
    .filter(
      (r) =>
        r.cls === 'hiragana' &&
        r.start > 0 &&
        NOUN_END.test(norm.charAt(r.start - 1)) &&
        COPULA_TAIL.test(norm.slice(r.start, r.end)),
    )
    .map((r) => ({ start: r.start, end: r.end }));
}

/** The node with its terms scored but never reported for highlighting (a tail's した). */
function unreported(node: QueryNode): QueryNode {
  if (node.kind === 'term') return { ...node, gram: true };
  if (node.kind === 'not') return node;
  if (node.kind === 'phrase') return { ...node, child: unreported(node.child) };
  if (node.kind === 'match') return node;
  return { ...node, children: node.children.map(unreported) };
}

/** Okurigana of at most this many kana may stand between a noun and を before its tail (作り|を|した). */
const OKURIGANA_BEFORE_WO = 2;

/**
 * The spans of {@link SURU_TAIL}s in a chunk: a hiragana run right after a kanji or katakana word,
 * or the part of it after を when only the noun's okurigana comes first (役作りをしました,
 * 仕事をしています: を|しま|した were words of their own, and した and しま were marked in every
 * quote that said them).
 */
function suruTails(norm: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const r of scriptRuns(norm)) {
    if (r.cls !== 'hiragana' || r.start === 0 || !NOUN_END.test(norm.charAt(r.start - 1))) continue;
    const run = norm.slice(r.start, r.end);
    // 映画にされた, 映画にした: the noun made into something (する after に), not a verb of its own.
    if (SURU_TAIL.test(run) || (run.startsWith('に') && SURU_TAIL.test(run.slice(1))))
      out.push({ start: r.start, end: r.end });
    else {
      const wo = run.indexOf('を');
      if (wo >= 0 && wo <= OKURIGANA_BEFORE_WO && SURU_TAIL.test(run.slice(wo + 1)))
        out.push({ start: r.start + wo + 1, end: r.end });
    }
  }
  return out;
}

/** The bigram path of a kanji word (null when it is a single bigram or shorter). */
function gramPath(word: string): QueryNode | null {
  const grams = bigrams(word);
  if (grams.length <= 1) return null;
  return and(
    grams.map((g) => term(g, { gram: true })),
    QUERY_WEIGHTS.gram,
  );
}

/**
 * A kana verb or adjective as the dictionary-form readings the index holds for inflected kanji
 * spellings (貯めて, 貯めた → タメル, lib/text/readings.ts): the word itself, as it may be a
 * dictionary form (ためる), and the forms guessed for it (ためて → ためる), weighted down as a
 * guess. Exact terms only, never a prefix: ため is no verb.
 */
function dictionaryFormNodes(
  hiragana: string,
  short: readonly string[] = [],
  vocabulary: Vocabulary | null = null,
): QueryNode[] {
  const active = new Set(activeDictionaryForms(hiragana));
  const own = isSearchableForm(hiragana) ? triedVerbNodes(hiragana, 1, vocabulary) : [];
  // `short`: the verbs of two kana it may be (ないた → なく, ねる), given only for a word typed whole
  // (see shortForms), weighted as a guess even when typed in its dictionary form: はる is 春 before
  // 張る, where a noun reads so.
  return [
    ...own,
    ...kanaSuffixAdjective(hiragana),
    ...dictionaryForms(hiragana)
      .filter((f) => !active.has(f))
      .flatMap((f) => triedVerbNodes(f, QUERY_WEIGHTS.base, vocabulary)),
    ...short.map((f) => term(dictionaryFormTerm(hiraganaToKatakana(f)), {}, QUERY_WEIGHTS.base)),
    ...pairNodes([
      ...(own.length > 0 ? [hiragana] : []),
      ...dictionaryForms(hiragana).filter((f) => !active.has(f)),
    ]),
  ];
}

/** A verb with てみる keyed by its て form's reading (イッテミル: lib/text/readings.ts triedForm). */
const TRIED_READING = /[テデ]ミル$/u;

/**
 * A kana dictionary form's reading term at `weight` — and, for a verb with てみる, the verb the
 * quotes write most under that reading. Its key is the て form's reading, which verbs share
 * (行って, 言って: イッテミル), unlike a dictionary form's (イク, イウ), whose kanji spellings are
 * one verb's (見る, 観る): the quotes that write the commonest verb (行ってみる, 4 of 5 in the
 * livedoor interviews) or the kana typed (いってみる) keep the weight; the other verbs' (言ってみれば,
 * so to speak) rank below at {@link QUERY_WEIGHTS.homophone}, as an input method lists a reading's
 * commonest word first. A reading written with one verb, or two equally often, is left as it is.
 */
function triedVerbNodes(hiragana: string, weight: number, vocabulary: Vocabulary | null): QueryNode[] {
  const reading = hiraganaToKatakana(hiragana);
  const bare = term(dictionaryFormTerm(reading), {}, weight);
  const forms = TRIED_READING.test(reading) ? (vocabulary?.writtenForms?.(reading) ?? []) : [];
  const verbs = forms.filter((f) => !HIRAGANA_ONLY.test(f.written)).sort((a, b) => b.quotes - a.quotes);
  const [first, second] = verbs;
  if (!first || !second || first.quotes === second.quotes) return [bare];
  const kept = [first, ...forms.filter((f) => HIRAGANA_ONLY.test(f.written))];
  return [
    ...kept.map((f) => term(writtenFormTerm(reading, f.written), {}, weight)),
    term(dictionaryFormTerm(reading), {}, weight * QUERY_WEIGHTS.homophone),
  ];
}

/**
 * The other verb of each transitive/intransitive pair among a kana verb's dictionary forms
 * (かなった → かなう → 叶える, かなえる), weighted down: as its kanji written (\u0006叶える, which
 * no homophone shares) and as its reading (カナエル, a quote writing it in kana) unless another
 * verb reads the same (かえる: 帰る).
 */
function pairNodes(forms: readonly string[]): QueryNode[] {
  const out: QueryNode[] = [];
  for (const f of new Set(forms)) {
    const other = pairedVerb(f);
    if (!other) continue;
    out.push(term(writtenVerbTerm(other.written), {}, QUERY_WEIGHTS.pair));
    if (!other.homophone)
      out.push(term(dictionaryFormTerm(hiraganaToKatakana(other.kana)), {}, QUERY_WEIGHTS.pair));
  }
  return out;
}

/**
 * Kana after に that make a compound particle with it, no verb (に|とって, に|つき, に|かけて,
 * に|あたって; {@link COMPOUND_PARTICLE} takes the commonest out before): their two-kana
 * readings (とる, つく) would find 取る and 付く.
 */
const PARTICLE_VERB = /^(?:とっ|つい|つき|よっ|より|おい|おけ|わた|たい|かけ|あた)/u;

/** The two-kana verbs a kana verb after a particle may be ({@link shortForms}); none in a compound particle. */
function shortVerbForms(kana: string, afterParticle: string): string[] {
  return afterParticle === 'に' && PARTICLE_VERB.test(kana) ? [] : shortForms(kana);
}

/** An adjective with っぽい typed in kana, in any of its forms (おこりっぽく): group 1 is its stem. */
const KANA_SUFFIX_ADJECTIVE = /^([\u3041-\u3096]+?)っぽ(?:い|く|くて|かった|さ)$/u;

/**
 * An adjective with っぽい typed in kana in another form than its dictionary form (おこりっぽく,
 * あきっぽさ): its reading, which the index keeps for the adjective in either script
 * (lib/text/readings.ts), as for its dictionary form typed (see {@link suffixAdjectives}).
 */
function kanaSuffixAdjective(hiragana: string): QueryNode[] {
  const stem = KANA_SUFFIX_ADJECTIVE.exec(hiragana)?.[1];
  if (!stem) return [];
  const adjective = hiraganaToKatakana(`${stem}${SUFFIX}`);
  // The adjective alone: the verb it is made of (惚れる of ほれっぽい) found 一目惚れ and 見惚れて.
  return adjective === hiraganaToKatakana(hiragana) ? [] : [term(dictionaryFormTerm(adjective))];
}

/**
 * The active verbs of a passive or causative typed in kana (えらばれた → えらぶ; おこられた →
 * おこる), as the index reads 選ばれた (選ぶ): alternatives of the word in a query that needs every
 * word ({@link Unit.extra}).
 */
function activeFormNodes(hiragana: string): QueryNode[] {
  // The voice as a quote writing the verb's kanji says it (選|ばれた: バレ…), which ranks first.
  const voice = /[わかがさたなばまら](?:され|させ|られ|せられ|れ|せ)[\u3041-\u3096]*$/u.exec(hiragana)?.[0];
  const shared = voice ? PASSIVE_OR_CAUSATIVE.exec(voice)?.[0] : undefined;
  return activeDictionaryForms(hiragana).map((f) => {
    const verb = term(dictionaryFormTerm(hiraganaToKatakana(f)), {}, QUERY_WEIGHTS.active);
    return shared
      ? (max([
          verb,
          and([verb, voiceNode(shared, INFLECTION_WITHOUT_PARTICLE)], QUERY_WEIGHTS.active) as QueryNode,
        ]) as QueryNode)
      : verb;
  });
}

/** A kanji stem with its kana (頑張って, 分かった): where a verb typed with its kanji may stand. */
const KANJI_WITH_KANA = /[\p{Script=Han}\u3005]+[\u3041-\u3096]+/gu;
/** What a sentence adds after its verb: an explanation, politeness, a question (んですか, ですか). */
const QUESTION_END = /(?:(?:ん|の)(?:です|でしょう|だ)?|です|でしょう)?(?:か|ね|よ|よね)?$/u;
/** The last kana of a dictionary form (u row, or the い of an adjective). */
const DICTIONARY_END = /[うくぐすつぬぶむるい]$/u;

/**
 * Verbs typed with their kanji, by where they start in `norm`: the quotes that write them in kana
 * (頑張る, 頑張って → がんばっている), through the kanji spellings the index keeps for a kana verb
 * (lib/text/readings.ts), looked up by the dictionary forms of what was typed, weighted as the
 * kanji word's bigram path is (the quote says the word, not the kanji).
 */
function kanjiVerbSpellings(norm: string): Map<number, KanjiVerb> {
  const out = new Map<number, KanjiVerb>();
  for (const m of norm.matchAll(KANJI_WITH_KANA)) {
    // The verb without what a question adds after it (思った|んですか, 続けたい|ですか), or as
    // typed when that leaves none (悩んだ is no 悩 with んだ).
    const readAs = (w: string) => [w, ...candidateForms(w)].filter((f) => DICTIONARY_END.test(f));
    const bare = m[0].replace(QUESTION_END, '');
    const typed = readAs(bare).length > 0 ? bare : m[0];
    const forms = [...new Set(readAs(typed))];
    if (forms.length === 0) continue;
    out.set(m.index ?? 0, {
      start: m.index ?? 0,
      cut: typed !== m[0],
      nodes: forms.map((f) => term(kanjiSpellingTerm(f), {}, QUERY_WEIGHTS.spelling)),
      light: forms.some((f) => isLightVerb(f)),
      form: SUFFIX_ADJECTIVE.test(typed) ? typed : null,
      forms,
      typed,
      voice: forms.filter((f) => VOICED.test(f.slice(kanjiEnd(f)))),
    });
  }
  return out;
}

/** A verb typed with its kanji and kana (選ばれた): what {@link kanjiVerbSpellings} reads of it. */
interface KanjiVerb {
  /** Where it starts in the chunk. */
  start: number;
  /** True when a sentence's end was typed after it (んです of 選ばれたんです). */
  cut: boolean;
  /** Its kanji spellings (the index's terms for the verb written in kana), weighted down. */
  nodes: QueryNode[];
  /** True when one of its dictionary forms is a light verb (思う). */
  light: boolean;
  /** A っぽい adjective as typed (see {@link SUFFIX_ADJECTIVE}). */
  form: string | null;
  /** Its dictionary forms as written (選ばれる, 選ぶ): marked where a quote inflects them. */
  forms: string[];
  /** What was typed, without the sentence's end (選ばれた of 選ばれたんです). */
  typed: string;
  /** Its dictionary forms in the passive or causative voice (選ばれる, 食べさせる): see VOICED. */
  voice: string[];
}

/**
 * The kana after a kanji stem of a passive or causative in its dictionary form: a godan verb's
 * a-row kana then れる or せる (選|ばれる, 書|かせる, 書|かされる), an ichidan verb's られる or させる
 * (食べ|られる, 見|られる, 食べ|させられる). The index keeps these forms as written for every quote
 * that says them in any form (lib/text/readings.ts `voiceForm`).
 */
const VOICED =
  /^[\u3041-\u3096]?(?:[わかがさたなばまら](?:れる|せる|される|せられる)|(?:られる|させる|させられる))$/u;

/** Where the last kanji of a written form ends (選ばれる: 1). */
function kanjiEnd(written: string): number {
  let i = written.length;
  while (i > 0 && !KANJI.test(written.charAt(i - 1))) i--;
  return i;
}

/**
 * An adjective made of a verb's stem and っぽい (惚れっぽい), typed with its kanji: the segmenter
 * cuts it after the kanji (惚|れ|っぽい) and the kana are no word of the query, so only 惚 was
 * marked; as a form (see {@link CompiledQuery.forms}) it is marked whole where a quote says it.
 */
const SUFFIX_ADJECTIVE = /^[\p{Script=Han}\u3005][\u3041-\u3096]+っぽい$/u;

/**
 * An adjective made with っぽい after a kanji word, typed with its kanji, in any of its forms
 * (飽きっぽい, 怒りっぽく, 大人っぽさ, 惚れっぽかった): group 1 is the word before っぽ.
 */
const TYPED_SUFFIX_ADJECTIVE = /([\p{Script=Han}\u3005]+[\u3041-\u3096]{0,2}?)っぽ(?:い|く|か|け|さ)/gu;

/**
 * The っぽい adjectives typed with their kanji (飽きっぽい): one word, the adjective's written
 * dictionary form, which the index keeps for every quote that says it in any form
 * (\u0003飽きっぽい: `suffixAdjective` in lib/text/readings.ts). The segmenter cuts it into the
 * word before っぽい and grammar (飽き|っぽい, 惚|れ|っぽい), and as that word the query found every
 * quote saying 飽き (飽きずに, 飽きてくる), 怒り (anger) or 惚 (一目惚れ, 見惚れて), none of them
 * the adjective; now a quote must say the adjective, and the adjective is what is marked.
 */
function suffixAdjectives(norm: string): KanaVerb[] {
  const out: KanaVerb[] = [];
  for (const m of norm.matchAll(TYPED_SUFFIX_ADJECTIVE)) {
    const written = `${m[1]}${SUFFIX}`;
    const start = m.index ?? 0;
    const node = term(kanjiSpellingTerm(written));
    out.push({
      start,
      end: start + m[0].length,
      unit: { node, needle: normalizeForMatch(written), form: written },
    });
  }
  return out;
}
const SUFFIX = 'っぽい';

/**
 * Hiragana as one katakana word (the way it is indexed), and the segmenter's split of it as a
 * fallback when that split gives several words (null otherwise).
 */
function kanaRun(
  kana: string,
  mode: SegmentationMode,
  ctx: CompileContext,
): { run: string; split: QueryNode | null } {
  const run = foldKatakanaRun(hiraganaToKatakana(kana));
  const words = analysisOf(kana, mode, ctx).tokens.filter((t) => t.kind === 'word' && t.term !== run);
  // A noun with the honorific お or ご (おこづかい: お|こづかい, お a stopword), which the index keeps
  // as the noun alone, in kana (コヅカイ) and as a kanji word's reading (お|小遣い): only the noun
  // finds it. Three kana at least after the prefix (ご|はん is no ハン).
  const honorific =
    words.length === 1 &&
    kana.length >= 4 &&
    HONORIFIC.test(kana) &&
    words[0]?.term === foldKatakanaRun(hiraganaToKatakana(kana.slice(1)));
  return {
    run,
    split:
      words.length > 1 || honorific
        ? and(
            words.map((t) => term(t.term)),
            0.5,
          )
        : null,
  };
}

/** The honorific prefixes of a noun typed in kana (お|こづかい, ご|しゅっしん). */
const HONORIFIC = /^[おご]/u;

/** Particles a kana verb of a longer chunk may follow (お金を|かせいで, 自宅で|かせいで). */
const PARTICLES = 'をがにはでともへや';

interface KanaVerb {
  start: number;
  end: number;
  unit: Unit;
}

/**
 * The inflected kana verbs and adjectives of a chunk that is not kana alone (お金をかせいで): a
 * kana run that starts the chunk, or follows a kanji or katakana word after a particle, and that
 * the deinflection rules read as a verb (かせいで → かせぐ). The segmenter cuts such a run into
 * pieces (か|せい|で) that are stopwords or noise (セイ, a prefix of 生活 and 性格): the run is one
 * word instead, found as the kana verb alone would be. A run right after a kanji is its
 * okurigana (子育て|しながら) and stays with the segmenter.
 */
function kanaVerbs(norm: string, ctx: CompileContext): KanaVerb[] {
  const out: KanaVerb[] = [];
  for (const r of scriptRuns(norm)) {
    if (r.cls !== 'hiragana') continue;
    const start = r.start === 0 ? 0 : PARTICLES.includes(norm.charAt(r.start)) ? r.start + 1 : -1;
    if (start < 0) continue;
    const kana = norm.slice(start, r.end);
    const short = start > r.start ? shortVerbForms(kana, norm.charAt(r.start)) : shortForms(kana);
    if (!HIRAGANA_ONLY.test(kana) || (dictionaryForms(kana).length === 0 && short.length === 0)) continue;
    // As for a chunk of kana alone: the segmenter's split of the kana is the fallback, which finds
    // the verb written in kana (仕事をつづけられた: ツヅ|ケラ, as the text つづけられた is cut).
    const { run, split } = kanaRun(kana, 'hybrid', ctx);
    const node = max([
      term(run),
      ...(split ? [split] : []),
      ...dictionaryFormNodes(kana, short, ctx.vocabulary),
    ]) as QueryNode;
    const extra = activeFormNodes(kana);
    out.push({ start, end: r.end, unit: { node, needle: run, ...(extra.length > 0 ? { extra } : {}) } });
  }
  return out;
}

/**
 * A phrase typed in kana alone that ends in an inflected verb after a particle (しごとを|やめた):
 * the words before the particle and the verb, all needed, as if typed with a space (仕事 by its
 * reading, 辞めた by the verb's). Null when no particle leaves a verb the rules read after it.
 */
function kanaPhrase(norm: string, ctx: CompileContext): QueryNode | null {
  // A verb of two kana at least (くつを|はく: see shortForms), of three for the others.
  for (let p = norm.length - 3; p >= 2; p--) {
    if (!PARTICLES.includes(norm.charAt(p))) continue;
    const verb = norm.slice(p + 1);
    if (dictionaryForms(verb).length === 0 && shortVerbForms(verb, norm.charAt(p)).length === 0) continue;
    const head = unitsOf(norm.slice(0, p), ctx, false);
    const [tail] = kanaVerbs(verb, ctx);
    if (head.length === 0 || !tail) return null;
    return and([...head.map((u) => u.node), tail.unit.node]);
  }
  return null;
}

/** Particles a glued kana run carries at its edges (映画の|はやぶさ, はやぶさ|の映画, はやぶさ|には). */
const EDGE_PARTICLES = 'のをがにはでともへや';
/** What may end a glued run after its word: particles, and the し of やった|し, よかった|し. */
const TRAILING_PARTICLES = `${EDGE_PARTICLES}し`;
/** How many particles may end a glued run (はやぶさ|に|は). */
const EDGE_PARTICLES_AFTER = 2;
/**
 * Particles that may start a glued run before its word (映画|の|はやぶさ): not や, which is as
 * often okurigana (癒|や|し); two of them only as one compound particle (映画|に|は|...), since
 * は and の also start words (の|は|や|ぶ|さ is の + はやぶさ).
 */
const LEADING_PARTICLES = 'のをがにはでともへ';
const LEADING_PAIRS = ['には', 'では', 'とは', 'への', 'での', 'との', 'にも', 'でも', 'とも', 'から'];
/**
 * Kana that continue a verb's stem the run ends in (いりま|せん, こなさ|ない, こたえなけれ|ば,
 * つなが|って, まかせ|っきり): a run right before them is a piece of an inflected verb.
 */
const INFLECTION_NEXT = 'っせなばたまれずん';
/** The fewest kana pieces the index glues into a term (`KANA_RUN_PIECES` in lib/text/analyze.ts). */
const KANA_WORD_PIECES = 3;
/**
 * How grammar after a particle starts (に|な|っ|た, を|さ|せ|た, で|し|た, に|し|て|い|る,
 * か|も|し|れ|ま|せん, な|の|か): auxiliaries and light verbs the segmenter also cuts into single
 * kana. A run after a particle that starts so is no word to look for.
 */
const GRAMMAR_START =
  /^(?:て|で|た|だ|じゃ|な[いかくけっらりるれのん]|さ[せれ]|し[たてなまよれ]|す[るれ]|せ[ずたて]|ら[れず]|れ[るた]|い[るたてま]|いら[れず]|あ[るっりれ]|お[りる]|ま[すしせ]|ござ|べき|よう|そう|らし|みた|くれ|もら|ちゃ)/u;

/** The pieces of a glued run as one string: from piece `from` up to (not including) `to`. */
function piecesText(pieces: ReadonlyArray<[string, number]>, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += (pieces[k] as [string, number])[0];
  return s;
}

/** True when a piece of a glued run is one kana of `set` (a particle). */
function isParticle(pieces: ReadonlyArray<[string, number]>, k: number, set: string): boolean {
  const piece = pieces[k]?.[0] ?? '';
  return piece.length === 1 && set.includes(piece);
}

/** The word of a glued run after its leading particles: see {@link kanaWordOf}. */
interface KanaWord {
  /** The word, with as few particles after it as leave three pieces (もも|へ|の → ももへ). */
  word: string;
  /** The word and every particle after it (はやぶさの). */
  withParticles: string;
  /** Where the word starts in the chunk. */
  start: number;
}

/**
 * The word of a glued run from piece `first` on (`whole`: where the run ends), or null when it is
 * no word: fewer than three pieces, a start no word has, grammar (な|った, か|もしれま: a
 * {@link GRAMMAR_START}, a stopword) or an inflection without its particles (き|て|も,
 * や|っ|た|し: candidateForms), or a verb's stem cut before its inflection (いりま|せん).
 */
function kanaWordOf(
  norm: string,
  pieces: ReadonlyArray<[string, number]>,
  first: number,
  whole: number,
): KanaWord | null {
  // The word without any particle after it, for the grammar test (きて of が|きて|も).
  let core = pieces.length;
  while (
    core - first > 1 &&
    pieces.length - core < EDGE_PARTICLES_AFTER &&
    isParticle(pieces, core - 1, TRAILING_PARTICLES)
  )
    core--;
  const last = Math.max(core, first + KANA_WORD_PIECES);
  if (last > pieces.length) return null;
  const word = piecesText(pieces, first, last);
  const bare = piecesText(pieces, first, core);
  if (
    NO_WORD_START.includes(word.charAt(0)) ||
    word.startsWith('を') ||
    (core === pieces.length && whole < norm.length && INFLECTION_NEXT.includes(norm.charAt(whole))) ||
    bare.endsWith('っ') ||
    GRAMMAR_START.test(bare) ||
    candidateForms(bare).length > 0 ||
    isStopword(hiraganaToKatakana(bare))
  )
    return null;
  return {
    word,
    withParticles: piecesText(pieces, first, pieces.length),
    start: (pieces[first] as [string, number])[1],
  };
}

/**
 * The hiragana words of a chunk that the segmenter cut into single kana with the particles around
 * them (映画の|はやぶさ → の|は|や|ぶ|さ; はやぶさ|の映画): the analyzer glues such a run into
 * index-only terms (`kana`, `kanapart`: lib/text/analyze.ts) that a query's words never were, so
 * the word was lost and 「はやぶさの映画」 searched 映画 alone. The word is the run between its
 * particles: after a particle (one piece; needed unless the run starts the chunk or follows a
 * particle), before up to two (はやぶさ|に|は), at least three pieces (the index glues no fewer);
 * the run with the particles after it is an alternative (みなと ends in と). A run after a kanji or
 * kana with no particle first (大変|だった, 見|られて) is the okurigana or grammar of what comes
 * before it, and a run whose word is grammar (に|なった, か|もしれま) or inflected without its
 * particles (が|きても, も|やったし: candidateForms) is no word either: both are left out, as
 * before, so they never become required words.
 */
function kanaWords(
  norm: string,
  runs: ReadonlyArray<ReadonlyArray<[string, number]>>,
  taken: ReadonlyArray<{ start: number; end: number }>,
  prefixLast: boolean,
  partial: boolean,
  ctx: CompileContext,
): KanaVerb[] {
  const out: KanaVerb[] = [];
  for (const pieces of runs) {
    const at = (pieces[0] as [string, number])[1];
    const [lastPiece, lastAt] = pieces[pieces.length - 1] as [string, number];
    const whole = lastAt + lastPiece.length;
    // A run that starts the chunk (or follows punctuation) starts a word (にごり湯, はやぶさの映画);
    // any other needs a particle first (映画の|はやぶさ), which is not the word: after a kanji or
    // kana without one it is okurigana or grammar (大変|だった).
    let first = 0;
    if (at > 0 && classify(norm.charAt(at - 1)) !== 'other') {
      if (!isParticle(pieces, 0, LEADING_PARTICLES)) continue;
      first = 1;
    }
    // Two particles first read as one (映画に|は|ございます): the word after them must be one too;
    // the word after the first alone (映画と|はやぶさ, not 映画とは|やぶさ) is then an alternative.
    const pair = first === 1 && LEADING_PAIRS.includes(piecesText(pieces, 0, 2));
    const word = kanaWordOf(norm, pieces, pair ? 2 : first, whole);
    if (word === null || taken.some((v) => word.start < v.end && whole > v.start)) continue;
    const alternatives = [word];
    const after = pair ? kanaWordOf(norm, pieces, 1, whole) : null;
    if (after) alternatives.unshift(after);
    const nodes: QueryNode[] = [];
    for (const w of alternatives) {
      const [unit] = unitsOf(w.word, ctx, prefixLast && whole === norm.length, partial);
      if (unit) nodes.push(unit.node);
      // Scored, never marked: the particle is not what was looked for (はやぶさ|の映画).
      if (w.withParticles !== w.word)
        nodes.push(term(foldKatakanaRun(hiraganaToKatakana(w.withParticles)), { gram: true }));
    }
    const main = alternatives[0] as KanaWord;
    const node = max(nodes);
    if (node)
      out.push({
        start: main.start,
        end: whole,
        unit: { node, needle: foldKatakanaRun(hiraganaToKatakana(main.word)) },
      });
  }
  return out;
}

/**
 * A chunk of hiragana alone that the segmenter cuts into single kana, ending in particles
 * (は|や|ぶ|さ|の): the word before them, as if typed alone (はやぶさ), an alternative of the
 * chunk as typed and what is marked. As typed, ハヤブサノ found only the quotes that say the word
 * with that particle (none: they say 「はやぶさ」の, はやぶさも). Null when the chunk is no such
 * run, or its word is grammar or keeps its particles (see {@link kanaWordOf}).
 */
function kanaWordBeforeParticles(
  norm: string,
  partial: boolean,
  ctx: CompileContext,
): { node: QueryNode; needle: string } | null {
  const { runs } = analysisOf(norm, 'hybrid', ctx);
  const [pieces] = runs;
  if (runs.length !== 1 || !pieces || (pieces[0] as [string, number])[1] !== 0) return null;
  const [lastPiece, lastAt] = pieces[pieces.length - 1] as [string, number];
  if (lastAt + lastPiece.length !== norm.length) return null;
  const word = kanaWordOf(norm, pieces, 0, norm.length);
  if (!word || word.word === word.withParticles) return null;
  const [unit] = unitsOf(word.word, ctx, false, partial);
  return unit ? { node: unit.node, needle: foldKatakanaRun(hiraganaToKatakana(word.word)) } : null;
}

/**
 * Hiragana typed alone in this many kana is taken as a whole word, not completed as a prefix: two
 * kana are a word of their own (すき 好き, ゆめ 夢, ため), and what they complete to is mostly
 * another word (ため → ためし, read from 試し of お試し; すき → スキル, スキー). One kana is no
 * word to search for (あ finds the words starting with it), and three or more complete as typed
 * (けっこ → 結婚). Suggestions (/suggest) complete any prefix: they are what is typed as it is typed.
 */
const WHOLE_KANA_WORD = 2;

/**
 * What compiling one query reads besides its text, passed down explicitly from {@link compileQuery}
 * to every function that compiles a word (no state kept between calls, as MiniSearch's search()
 * takes its options): the analyzer's mode, the spelling variants, and the index's vocabulary, which
 * splits a run of hiragana into the words the index has (null without one: a query compiled alone,
 * or another mode than hybrid).
 */
interface CompileContext {
  readonly mode: SegmentationMode;
  readonly variants: VariantLookup | undefined;
  readonly vocabulary: Vocabulary | null;
  readonly memo: CompileMemo;
}

/**
 * What one compile worked out, by its input, made anew for each compile (it holds nothing between
 * calls): one query analyses the same text and compiles the same word several times — a chunk of
 * hiragana for its katakana run and for its word before particles, a short query's last chunk again
 * as a prefix, a spelling variant to weigh it (keepsMost) and for its words, a chunk's variants
 * again for its word. The segmenter was a sixth of a compile's CPU.
 */
interface CompileMemo {
  /** The analyzer's output by mode and text (see {@link analysisOf}). */
  readonly analyses: Map<string, Analysis>;
  /** {@link variantNode} by variant. */
  readonly variants: Map<string, QueryNode | null>;
  /** {@link kanaAlternatives} by text and `partial`. */
  readonly kana: Map<string, KanaAlternatives>;
  /**
   * Chunks typed half converted (けっこん式) by the compound searched for them (結婚式, see
   * {@link mixedCompound}): a phrase or not as that compound typed is (see `typedAsPhrase`).
   */
  readonly converted: Map<string, string>;
}

/** A text's tokens and its runs of one-kana pieces (see AnalyzeOptions.onKanaRun); read, never changed. */
interface Analysis {
  readonly tokens: readonly Token[];
  readonly runs: ReadonlyArray<ReadonlyArray<[string, number]>>;
}

/** The analyzer's tokens and kana runs of normalised text, once a compile (see {@link CompileMemo}). */
function analysisOf(text: string, mode: SegmentationMode, ctx: CompileContext): Analysis {
  const key = `${mode}\u0000${text}`;
  const known = ctx.memo.analyses.get(key);
  if (known) return known;
  const runs: Array<ReadonlyArray<[string, number]>> = [];
  const tokens = analyzeNormalized(text, mode, { onKanaRun: (pieces) => runs.push(pieces) });
  const out = { tokens, runs };
  ctx.memo.analyses.set(key, out);
  return out;
}

/** What a chunk of hiragana alone finds beside its katakana run as typed: see {@link kanaAlternatives}. */
interface KanaAlternatives {
  /** The katakana run (the word as the index keeps it). */
  readonly run: string;
  /** Its other alternatives: the segmenter's split, dictionary forms, a phrase, its word before particles. */
  readonly others: readonly QueryNode[];
  readonly needle: string;
  /** The active verbs of a passive or causative ({@link Unit.extra}). */
  readonly extra: QueryNode[];
}

/**
 * A chunk of hiragana alone as {@link unitsOf} compiles it, but for the run's own term, the one part
 * that depends on whether the chunk is a prefix: once a compile, as a short query's last chunk is
 * compiled again as a prefix.
 */
function kanaAlternatives(norm: string, partial: boolean, ctx: CompileContext): KanaAlternatives {
  const key = `${partial ? 1 : 0}${norm}`;
  const known = ctx.memo.kana.get(key);
  if (known) return known;
  // けっこん, らんさーず: the katakana form is one word, found as written in katakana, as
  // the reading of a kanji word, or inside a longer katakana word; the segmenter's split
  // of the hiragana is the fallback.
  const { run, split } = kanaRun(norm, 'hybrid', ctx);
  const forms = dictionaryFormNodes(norm, shortForms(norm), ctx.vocabulary);
  const phrase = kanaPhrase(norm, ctx);
  const word = kanaWordBeforeParticles(norm, partial, ctx);
  const out = {
    run,
    others: [...(split ? [split] : []), ...forms, ...(phrase ? [phrase] : []), ...(word ? [word.node] : [])],
    needle: word?.needle ?? run,
    extra: activeFormNodes(norm),
  };
  ctx.memo.kana.set(key, out);
  return out;
}

/**
 * The units of a hiragana run split into its words ({@link splitKanaRun}): each word or verb as if
 * typed alone (its reading, its dictionary forms), in the order typed; grammar (に, なった) is no
 * word. The last piece is a prefix only when it ends the run (しごとが: が ends it, シゴト is whole).
 */
function splitUnits(
  pieces: readonly KanaPiece[],
  prefixLast: boolean,
  partial: boolean,
  ctx: CompileContext,
): Unit[] {
  const units: Unit[] = [];
  // Words typed side by side (no grammar between) whose kanji the index has side by side.
  const words: Array<{ text: string; unit: Unit } | null> = [];
  pieces.forEach((p, i) => {
    if (p.kind === 'grammar') {
      words.push(null);
      return;
    }
    const [unit] = unitsOf(p.text, ctx, prefixLast && i === pieces.length - 1, partial);
    if (!unit) return;
    words.push(p.kind === 'word' ? { text: p.text, unit } : null);
    if (p.kind !== 'suffix') units.push(unit);
    else if (!p.compound) units.push({ ...unit, light: true });
    else {
      // The compound as the quotes write it (将来性 of しょうらい|せい: its kanji's bigrams, 将来 来性,
      // as a kanji word typed is found, not 存在 and 感 apart) ranks first, and is what is marked:
      // セイ alone is any せい.
      const written = gramPath(p.compound);
      // A tail of one kana (び of たんじょうび) alone is any word starting with it: only the compound.
      const tail = p.text.length > 1 ? [unit.node] : [];
      units.push({
        node: written ? (max([...tail, term(p.compound), written]) as QueryNode) : unit.node,
        needle: normalizeForMatch(p.compound),
        light: true,
      });
    }
  });
  if (ctx.vocabulary) joinKanaWords(words, ctx.vocabulary);
  return units;
}

/**
 * Words of a split run typed side by side (にんげん|かんけい) whose written forms the index has side
 * by side — the kanji pair across the cut (間関 of 人間関係), which the bigram path indexes — are one
 * {@link Compound}, as 人間関係 typed in kanji is: the quotes saying it whole first (required where
 * every word is), those with the parts apart only when none does. Before, the words were asked apart
 * and a quote saying 人間 and 関係 anywhere (人間性 … 関係) ranked among the 人間関係 ones.
 */
function joinKanaWords(
  words: ReadonlyArray<{ text: string; unit: Unit } | null>,
  vocabulary: Vocabulary,
): void {
  // A word typed in kanji is written so; one typed in kana, as the index writes its reading.
  const kanjiOf = (typed: string): string[] => {
    if (KANJI_ONLY.test(typed)) return [typed];
    const term = foldKatakanaRun(hiraganaToKatakana(typed));
    const forms = vocabulary.spellings?.(term) ?? [];
    const surface = vocabulary.written?.(term);
    return [...new Set([...forms, ...(surface ? [surface] : [])])].filter((w) => KANJI_ONLY.test(w));
  };
  let chain: Array<{ unit: Unit; written: string; forms: readonly string[] }> = [];
  const close = () => {
    if (chain.length >= 2) {
      const written = chain.map((c) => c.written);
      const compound: Compound = {
        whole: normalizeForMatch(written.join('')),
        // The kana typed and the kanji the quotes write: the marks of either are the parts'.
        parts: chain.flatMap((c) => [
          ...(c.unit.needle ? [c.unit.needle] : []),
          normalizeForMatch(c.written),
        ]),
        grams: written.slice(1).map((w, k) => `${(written[k] as string).slice(-1)}${w.charAt(0)}`),
        checked: false,
        near: nearPattern(written),
      };
      for (const c of chain) c.unit.joined = compound;
    }
    chain = [];
  };
  for (const w of words) {
    if (!w || w.unit.joined) {
      close();
      continue;
    }
    const forms = kanjiOf(w.text);
    const prev = chain.at(-1);
    // The word before may be any of its written forms while it is the chain's first (チュウシャ:
    // 注射 or 駐車); later ones are fixed by the pair before them.
    const before = prev ? (chain.length === 1 ? prev.forms : [prev.written]) : [];
    let pair: [string, string] | undefined;
    for (const a of before) {
      const b = forms.find((f) => vocabulary.known(`${a.slice(-1)}${f.charAt(0)}`) & TERM_PRESENT);
      if (b) {
        pair = [a, b];
        break;
      }
    }
    if (prev && pair) {
      prev.written = pair[0];
      chain.push({ unit: w.unit, written: pair[1], forms });
    } else {
      close();
      if (forms.length > 0) chain.push({ unit: w.unit, written: forms[0] as string, forms });
    }
  }
  close();
}

/** A kanji word of two kanji or more, then three kana or more (see {@link unitsOf}). */
const KANJI_THEN_KANA = /^([\p{Script=Han}\u3005]{2,})([\u3041-\u3096ー]{3,})$/u;

/** The units of one chunk of normalised text. */
function unitsOf(norm: string, ctx: CompileContext, prefixLast: boolean, partial = false): Unit[] {
  const { mode, vocabulary } = ctx;
  // 人間かんけい, 結婚せいかつ: a kanji word and a word typed in kana (a conversion left half done)
  // are those two words, as if typed with a space; the segmenter cut the kana into others (かん|けい).
  const mixed = vocabulary ? KANJI_THEN_KANA.exec(norm) : null;
  if (mixed && vocabulary && isKanaWord(mixed[2] as string, vocabulary.known)) {
    const head = unitsOf(mixed[1] as string, ctx, false, partial);
    const tail = unitsOf(mixed[2] as string, ctx, prefixLast, partial);
    // 人間|かんけい: one compound when the index has 人間 and 関係 side by side, as 人間関係 typed.
    if (head.length === 1 && tail.length === 1)
      joinKanaWords(
        [
          { text: mixed[1] as string, unit: head[0] as Unit },
          { text: mixed[2] as string, unit: tail[0] as Unit },
        ],
        vocabulary,
      );
    return [...head, ...tail];
  }
  // けっこん式, 映画かん: a chunk typed half converted, searched as the compound the quotes write
  // (結婚式, 映画館) when the index has it, as the kanji typed; before, the kana found nothing or
  // other words (かん as any カン).
  const converted = vocabulary && mode === 'hybrid' ? mixedCompound(norm, vocabulary) : null;
  if (converted) {
    ctx.memo.converted.set(norm, converted);
    return unitsOf(converted, ctx, false, partial);
  }
  // A single katakana letter (ア; a half-width ｱ is ア after NFKC) is the same sound as its
  // hiragana: the analyzer keeps no one-letter katakana word, so ア alone found nothing, and with
  // a filter everything, while あ finds the words starting with it.
  if (mode === 'hybrid' && SINGLE_KATAKANA.test(norm)) norm = String.fromCharCode(norm.charCodeAt(0) - 0x60);
  if (mode === 'hybrid' && HIRAGANA_ONLY.test(norm)) {
    // にんげんかんけい, ふあんになった: a run the index knows only as several words is those words.
    const pieces = vocabulary
      ? splitKanaRun(norm, vocabulary.known, vocabulary.written, vocabulary.spellings)
      : null;
    if (pieces) return splitUnits(pieces, prefixLast, partial, ctx);
    // のみかい, たべほうだい: a compound the segmenter cuts at its okurigana, searched as written
    // (飲み会): as the kanji typed, a compound whose quotes are those saying it.
    const written = vocabulary ? okuriganaCompound(norm, vocabulary) : null;
    if (written) return unitsOf(written, ctx, false, partial);
    const { run, others, needle, extra } = kanaAlternatives(norm, partial, ctx);
    return [
      {
        node: max([
          term(run, {
            prefix: prefixLast && run.length !== WHOLE_KANA_WORD,
            substr: partial && run.length >= 3,
          }),
          ...others,
        ]) as QueryNode,
        needle,
        ...(extra.length > 0 ? { extra } : {}),
      },
    ];
  }
  const analysed = analysisOf(norm, mode, ctx);
  const runs = analysed.runs;
  // A counted number (3か月, 3ヶ月: one term, see COUNTED in lib/text/analyze.ts) replaces the number
  // read with its counter as written (3ヶ), unless the index has no such term: one built before
  // counts were indexed answers as it did, until its interviews are indexed again.
  const counted = analysed.tokens.filter(
    (t) => t.kind === 'count' && (!ctx.vocabulary || ctx.vocabulary.known(t.term) > 0),
  );
  const tokens = analysed.tokens.filter((t) =>
    t.kind === 'count'
      ? counted.includes(t)
      : !(t.kind === 'num' && counted.some((c) => c.start === t.start)),
  );
  const covered = tokens.filter((t) => t.kind === 'num' || t.kind === 'count');
  const units: Unit[] = [];
  const tails = mode === 'hybrid' ? suruTails(norm) : [];
  const copulas = mode === 'hybrid' ? copulaTails(norm) : [];
  // A する tail is no verb of its own (映画に|された: された was a required word, found in any passive).
  const verbSpans =
    mode === 'hybrid'
      ? [
          ...kanaVerbs(norm, ctx).filter((v) => !tails.some((x) => v.start < x.end && v.end > x.start)),
          ...suffixAdjectives(norm),
        ]
      : [];
  // The kana words glued runs hold (はやぶさ of 映画の|はやぶさ), where no verb, tail or copula is.
  const spans =
    mode === 'hybrid' && runs.length > 0
      ? [
          ...verbSpans,
          ...kanaWords(norm, runs, [...verbSpans, ...tails, ...copulas], prefixLast, partial, ctx),
        ].sort((a, b) => a.start - b.start)
      : verbSpans;
  const spellings = mode === 'hybrid' ? kanjiVerbSpellings(norm) : null;
  const inVerb = (t: Token) => spans.some((v) => t.start < v.end && t.end > v.start);
  const tailOf = new Map<Unit, QueryNode[]>();
  // Each word's unit by where the word ends (see rankTypedInflections).
  const endsAt = new Map<number, Unit>();
  const inTail = (t: Token) => tails.some((v) => t.start >= v.start && t.end <= v.end);
  // Placed among the words in the order typed.
  const verbs = [...spans];
  // A number's unit (万 of 400万) and a unit written after it (円 of 400万円) ride on the number.
  const riders = new Set(
    tokens.filter(
      (t) =>
        t.kind === 'word' &&
        KANJI.test(t.term) &&
        covered.some(
          (n) => (t.start >= n.start && t.end <= n.end) || (t.start === n.end && t.end - t.start === 1),
        ),
    ),
  );
  const words = tokens.filter(
    (t) =>
      t.kind !== 'gram' &&
      // Digits belong to the number token with their unit (3億), not a word of their own; so do the
      // digits after a thousands separator (000 of 1,000円).
      !(
        t.kind === 'latin' &&
        /^[\d.,]+$/.test(t.term) &&
        covered.some((n) => t.start >= n.start && t.end <= n.end)
      ),
  );
  const pushWord = (t: Token, last: boolean): void => {
    const surface = normalizeForMatch(norm.slice(t.start, t.end));
    if (mode !== 'hybrid') {
      units.push({ node: term(t.term, { prefix: last }), needle: null });
      return;
    }
    if (t.kind === 'num') units.push({ node: term(t.term), needle: surface });
    // Marked in any spelling the term stands for (3か月 typed marks 3ヶ月 and 3カ月).
    else if (t.kind === 'count')
      units.push({ node: term(t.term), needle: surface, marks: countedSpellings(t.term) });
    // Cut off an adjective as the text's is (おい|しく): only that cut finds it (see FRAGMENT_MARK).
    else if (t.kind === 'frag') units.push({ node: term(`${FRAGMENT_MARK}${t.term}`), needle: surface });
    else if (t.kind === 'latin')
      units.push({ node: term(t.term, { prefix: last, fuzzy: latinFuzz(t.term) }), needle: null });
    else if (t.kind === 'run' && partial && t.start > 0 && norm[t.start - 1] === LONG_VOWEL) {
      // A run after a ー that continues no kana (ーファ, the middle of サーファー) is a fragment
      // of a longer katakana word: the run alone (ファ, a prefix of ファン, ファイル…) is not
      // what was typed, the words containing the fragment with its ー are.
      const fragment = `${LONG_VOWEL}${t.term}`;
      units.push({ node: term(fragment, { substr: true }), needle: fragment });
    } else if (t.kind === 'run')
      units.push({
        node: term(t.term, { prefix: last, substr: partial && t.term.length >= 3 }),
        needle: t.term,
        span: { start: t.start, end: t.end },
        typed: norm.slice(t.start, t.end),
      });
    else if (t.kind === 'word') {
      const kanji = [...t.term].filter((c) => KANJI.test(c)).join('');
      // The kanji of the word as bigrams (副業時間 → 副業 業時 時間; 子育て → 子育), or the stem
      // of a word inflected after one kanji (安い → 安, matching 安く and 安ければ), weighted down:
      // the same compound is segmented differently in different contexts.
      const grams =
        kanji.length >= 3
          ? gramPath(kanji)
          : kanji.length >= 1 && kanji !== t.term && t.term.startsWith(kanji)
            ? term(
                kanji,
                { gram: true, ...(kanji.length === 1 ? { maxShare: STEM_MAX_SHARE } : {}) },
                kanji.length === 1 ? QUERY_WEIGHTS.stem : QUERY_WEIGHTS.gram,
              )
            : null;
      // お金をためる: a kana word of a longer chunk may be a verb written in kanji in the text.
      const surfaceKana = norm.slice(t.start, t.end);
      const forms = HIRAGANA_ONLY.test(surfaceKana)
        ? dictionaryFormNodes(surfaceKana, [], ctx.vocabulary)
        : [];
      const inflected = kanji.length >= 1 && kanji !== t.term && t.term.startsWith(kanji);
      // A kana word the quotes write as a word of its own (きっかけ) is a noun, whatever verb forms
      // its kana could also be read as (きっかける).
      const kanaNoun =
        forms.length > 0 && !!ctx.vocabulary && (ctx.vocabulary.known(t.term) & TERM_WORD) !== 0;
      // A kanji stem the segmenter cut off its inflection (選|ばれた, 悩|んだ): the verb is marked
      // whole where a quote says it in any form, as when it is typed in kana (えらばれた), not 選 alone.
      // A noun with a する tail (結婚|したい) is no verb of its own.
      const tailed = tails.some((x) => x.start === t.end);
      const verb =
        t.term === kanji && HIRAGANA_ONLY.test(norm.charAt(t.end)) && !tailed
          ? spellings?.get(t.start)
          : undefined;
      // A noun typed with a する tail in a voice (反対|された): that voice ranks (see verbRanks).
      const suru = t.term === kanji && tailed ? spellings?.get(t.start) : undefined;
      units.push({
        node: max([
          term(t.term, { prefix: last && !KANJI.test(t.term) }),
          ...(grams ? [grams] : []),
          ...forms,
          ...(spellings?.get(t.start)?.nodes ?? []),
        ]) as QueryNode,
        needle: surface,
        ...(kanji.length === 1 && t.term === kanji && spellings?.get(t.start)?.light ? { light: true } : {}),
        ...(inflected
          ? { form: surfaceKana }
          : t.term === kanji && kanji.length === 1 && spellings?.get(t.start)?.form
            ? { form: spellings.get(t.start)?.form as string }
            : {}),
        ...(t.term.length === 1 && KANJI.test(t.term) ? { kanji: { start: t.start, end: t.end } } : {}),
        ...(t.term.length === 1 &&
        KANJI.test(t.term) &&
        !KANJI.test(norm.charAt(t.start - 1)) &&
        PARTICLE_KANA.includes(norm.charAt(t.end) || '\u0000')
          ? { alone: true }
          : {}),
        ...(kanji.length >= 1 ? { span: { start: t.start, end: t.end } } : {}),
        ...(verb ? { verb } : {}),
        ...(suru && suru.voice.length > 0 ? { suru } : {}),
        // A verb as typed (辞めた), not its kanji stem alone (辞).
        typed: verb?.typed ?? surfaceKana,
        // A verb: a kanji stem with its kana (食|べてみたい, 始|めた), or kana read as a verb; an
        // adjective: a kanji word ending in い or the き of 好き (美味しい, 好き). Not a noun with kana
        // (子ども, 気持ち), nor two kanji with their kana, nearly always a noun with する (用意|して
        // ほしい, 相談|する).
        ...((!!verb && kanji.length === 1) ||
        (inflected && PREDICATE_END.test(surfaceKana)) ||
        (forms.length > 0 && !kanaNoun)
          ? { predicate: true }
          : {}),
      });
    }
  };
  // A kana piece of an inflection or of a copula (see continuesInflection): grammar, not a word.
  const isGrammar = (t: Token): boolean => {
    if (mode !== 'hybrid' || t.kind !== 'word' || inTail(t)) return false;
    const kana = norm.slice(t.start, t.end);
    if (!HIRAGANA_ONLY.test(kana)) return false;
    if (copulas.some((v) => t.start >= v.start && t.end <= v.end)) return true;
    return kana.length <= FRAGMENT_MAX && continuesInflection(norm, t.start);
  };
  for (let i = 0; i < words.length; i++) {
    const t = words[i] as Token;
    const last = prefixLast && i === words.length - 1;
    while (verbs[0] && verbs[0].start <= t.start) units.push((verbs.shift() as KanaVerb).unit);
    if (inVerb(t) || isGrammar(t)) continue;
    const before = units.length;
    pushWord(t, last);
    if (units.length === before + 1) endsAt.set(t.end, units[before] as Unit);
    if (riders.has(t) && units.length === before + 1) {
      // Scored, never marked (万 is in every amount), and no word of its own: see Unit.rider.
      const u = units[before] as Unit;
      units[before] = { node: unreported(u.node), needle: null, rider: true };
    }
    const noun = units[before - 1];
    if (noun && inTail(t) && units.length > before) {
      // The tail's words ride on the noun before it (see SURU_TAIL): the noun's own score, and
      // more where the tail is said too; never a match without the noun.
      const added = units.splice(before);
      const said = (tailOf.get(noun) ?? []).concat(added.map((w) => unreported(w.node)));
      tailOf.set(noun, said);
      noun.tail = said.length;
    }
  }
  for (const [noun, said] of tailOf)
    noun.node = max([noun.node, and([noun.node, or(said) as QueryNode]) as QueryNode]) as QueryNode;
  if (mode === 'hybrid') {
    rankTypedInflections(norm, runs, endsAt);
    for (const [end, unit] of endsAt) if (unit.verb) rankTypedVoice(norm, end, unit, unit.verb);
  }
  for (const v of verbs) units.push(v.unit);
  // The segmenter may split an unknown kanji compound into single characters (婚|活): one
  // word for the run, found whole or by its bigrams.
  const merged: Unit[] = [];
  for (const u of units) {
    const prev = merged.at(-1);
    if (prev?.kanji && u.kanji && prev.kanji.end === u.kanji.start) {
      const span = { start: prev.kanji.start, end: u.kanji.end };
      const text = norm.slice(span.start, span.end);
      merged[merged.length - 1] = {
        node: max([
          term(text),
          gramPath(text) ?? term(text, { gram: true }),
          ...(spellings?.get(span.start)?.nodes ?? []),
        ]) as QueryNode,
        needle: normalizeForMatch(text),
        kanji: span,
        span,
      };
      continue;
    }
    merged.push(u);
  }
  if (mode !== 'hybrid') return merged;
  const out = merged.some((u) => !asked(u)) ? merged.filter((u) => !asked(u)) : merged;
  compoundsOf(norm, out);
  return out;
}

/**
 * Marks the runs of words typed side by side with a kanji on both sides of each cut (役|作り,
 * 人間|関係) as one {@link Compound}. A number's unit (分 of 10分以内) is no such part: it rides on the
 * number. So are words joined by okurigana (飲|み|会, 作り|方) or across katakana and kanji (ママ|友,
 * 合|コン): one written word the segmenter cut where no kanji pair spans the cut, so `checked`.
 */
function compoundsOf(norm: string, units: Unit[]): void {
  let chain: Unit[] = [];
  let checked = false;
  const close = () => {
    if (chain.length >= 2) {
      const first = chain[0]?.span as { start: number };
      const last = chain[chain.length - 1]?.span as { end: number };
      const grams = chain
        .slice(1)
        .map((u) => norm.slice((u.span?.start ?? 0) - 1, (u.span?.start ?? 0) + 1))
        .filter((g) => KANJI_PAIR.test(g));
      const compound: Compound = {
        whole: normalizeForMatch(norm.slice(first.start, last.end)),
        parts: chain.map((u) => u.needle).filter((n): n is string => !!n),
        grams,
        checked,
        near: checked
          ? null
          : nearPattern(chain.map((u) => norm.slice(u.span?.start ?? 0, u.span?.end ?? 0))),
      };
      for (const u of chain) u.joined = compound;
    }
    chain = [];
    checked = false;
  };
  for (const u of units) {
    const prev = chain.at(-1);
    const joint = prev?.span && u.span && !u.rider ? jointOf(norm, prev.span.end, u.span.start) : null;
    if (joint) {
      chain.push(u);
      if (joint === 'text') checked = true;
    } else {
      close();
      if (u.span && !u.rider) chain.push(u);
    }
  }
  close();
}

/**
 * Okurigana a verb's stem ends in before a noun in a written compound (飲み会, 作り方, 子育て支援,
 * 食べ物): the i- and e-row kana of its continuative form. Not い (an adjective: 高い山 is two
 * words), u-row kana (作る人), nor a particle (好き|な|食べ物, 親|に).
 */
const OKURIGANA = /^[きしちひみりぎじびぴえけせてねめれげぜべぺ]$/u;
const KATAKANA_CHAR = /[\u30A1-\u30FA\u30FC]/u;

/**
 * How two words typed in one chunk are one written word: `kanji` where a kanji pair spans the
 * cut (役|作り), `text` where a kanji's okurigana joins a kanji (飲|み|会, 作り|方) or katakana meets
 * kanji (ママ|友, 合|コン); null for two words.
 */
function jointOf(norm: string, end: number, start: number): 'kanji' | 'text' | null {
  const before = norm.charAt(end - 1);
  const after = norm.charAt(start);
  if (start === end && KANJI.test(before) && KANJI.test(after)) return 'kanji';
  if (
    start === end &&
    KATAKANA_CHAR.test(before) !== KATAKANA_CHAR.test(after) &&
    (KANJI.test(before) || KANJI.test(after))
  )
    return 'text';
  // One okurigana kana, between the words (飲|み|会) or ending the first (作り|方).
  const kana = start === end + 1 ? norm.charAt(end) : start === end ? before : '';
  const stem = norm.charAt(start - 2);
  return KANJI.test(after) && OKURIGANA.test(kana) && KANJI.test(stem) ? 'text' : null;
}

/** Particles that may stand between a compound's parts and keep its meaning (感情を表現, 人間との関係). */
const NEAR_GAP = '(?:[ヲノガニトヘデナ][ノモ]?)?';
const KANA_AHEAD = '(?=[\\u30A1-\\u30FA])';

/**
 * The pattern of a compound said as written or with a particle between two of its parts (感情を表現,
 * 監督の作品, 役を作る), over kana-folded text; null when no cut may take one. No particle before a
 * one-kanji part (世界|観, 人間|性: a suffix; 世界を観る is another thing), and a part written with
 * okurigana is its kanji then kana (作り: 役を作る, not 役の作品). Literals and optional groups only:
 * linear in the text.
 */
export function nearPattern(parts: readonly string[]): string | null {
  let out = '';
  let gaps = 0;
  parts.forEach((raw, i) => {
    const part = normalizeForMatch(raw);
    const stem = /^[\p{Script=Han}\u3005]+/u.exec(part)?.[0] ?? '';
    const piece =
      stem !== '' && stem !== part && i === parts.length - 1
        ? `${escapeRegExp(stem)}${KANA_AHEAD}`
        : escapeRegExp(part);
    if (i > 0 && !(KANJI_ONLY.test(part) && part.length === 1)) {
      out += NEAR_GAP;
      gaps++;
    }
    out += piece;
  });
  return gaps > 0 ? out : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * How a passive or causative inflection starts after its stem (ば|れ of 選ばれた, られ, され, させ,
 * か|せ): the part every form of that voice shares.
 */
const PASSIVE_OR_CAUSATIVE = /^(?:[わかがさたなばまら]?(?:され|させ|られ|せられ|れ|せ))/u;

/** Kana a passive's or causative's forms go on with (られ|た, られ|て, られ|ない, られ|ます, られ|ず). */
const VOICE_NEXT = 'たてなまず';

/**
 * The glued runs (`kanapart`, three kana each at least) a quote has where it says a passive or
 * causative in any form (ラレタ, ラレテ, ラレナ … for られ): the index has no prefix of them (they
 * are no completions), so each is a term.
 */
function voiceNode(voice: string, weight: number): QueryNode {
  const kana = hiraganaToKatakana(voice);
  const runs =
    kana.length >= KANA_WORD_PIECES
      ? [kana.slice(0, KANA_WORD_PIECES)]
      : [...hiraganaToKatakana(VOICE_NEXT)].map((k) => `${kana}${k}`);
  return max(runs.map((r) => term(r, { gram: true }, weight))) as QueryNode;
}

/** Weight of a typed inflection without the particle before it (サレタ of 映画に|された). */
const INFLECTION_WITHOUT_PARTICLE = 0.8;

/**
 * The inflection typed after a kanji word (選ばれた, 怒られた, 抜擢された, 映画にされた) ranks the
 * quotes that say it so first, without being needed: the word finds every form of it (選 finds
 * 選んだ and 選ぶ; 映画 finds 映画にした and 映画化), and the index keeps the kana of an inflection
 * after a kanji as a glued run (バレタ, ラレタ, ニサレタ: `kanapart` in lib/text/analyze.ts), which
 * no query asked for: 選ばれた ranked 選ぶ quotes above 選ばれた ones. Scored, never marked.
 */
function rankTypedInflections(
  norm: string,
  runs: ReadonlyArray<ReadonlyArray<[string, number]>>,
  endsAt: ReadonlyMap<number, Unit>,
): void {
  for (const pieces of runs) {
    const at = (pieces[0] as [string, number])[1];
    const unit = endsAt.get(at);
    if (!unit || at === 0 || !KANJI.test(norm.charAt(at - 1))) continue;
    if (NO_WORD_START.includes(norm.charAt(at)) || pieces.length < KANA_WORD_PIECES) continue;
    const typed = piecesText(pieces, 0, pieces.length);
    const said = [term(foldKatakanaRun(hiraganaToKatakana(typed)), { gram: true })];
    const particle = isParticle(pieces, 0, LEADING_PARTICLES);
    if (particle && pieces.length > KANA_WORD_PIECES)
      said.push(
        term(
          foldKatakanaRun(hiraganaToKatakana(typed.slice(1))),
          { gram: true },
          INFLECTION_WITHOUT_PARTICLE,
        ),
      );
    // A passive or causative in another form (怒られた → 怒られて, 怒られる): ラレ… after it.
    const voice = PASSIVE_OR_CAUSATIVE.exec(particle ? typed.slice(1) : typed)?.[0];
    if (voice && voice.length >= 2) said.push(voiceNode(voice, INFLECTION_WITHOUT_PARTICLE));
    // A noun made into something (映画に|された) is what its kanji with 化 says (映画化された): 画化.
    const noun = norm.charAt(at - 1);
    if (particle && pieces[0]?.[0] === 'に' && SURU_TAIL.test(typed.slice(1)))
      said.push(term(`${noun}化`, { gram: true }, INFLECTION_WITHOUT_PARTICLE));
    unit.inflection = max(said) as QueryNode;
  }
}

/**
 * The inflection of a verb typed with its kanji and a sentence's end (選ばれた|んです, 怒られる|よ)
 * ranks as it does typed alone: the glued run of what is left (バレタ; the segmenter cut
 * ば|れ|たん|です into no run) and the voice, a passive or causative as the index keeps it for
 * every quote that says it (\u0003怒られる: lib/text/readings.ts `voiceForm`; 怒|られる is one piece,
 * no run at all). Before, 怒られるよ ranked 喜怒哀楽 and 怒る above the quotes saying 怒られて.
 * Scored, never marked, never needed (see {@link Unit.inflection}).
 */
function rankTypedVoice(norm: string, end: number, unit: Unit, verb: KanjiVerb): void {
  if (!unit.inflection && verb.cut) {
    const runs: Array<ReadonlyArray<[string, number]>> = [];
    analyzeNormalized(verb.typed, 'hybrid', {
      onKanaRun: (pieces) => runs.push(pieces.map(([p, at]) => [p, at + verb.start] as [string, number])),
    });
    if (runs.length > 0) rankTypedInflections(norm, runs, new Map([[end, unit]]));
  }
  if (verb.voice.length === 0) return;
  const voice = verb.voice.map((v) =>
    term(kanjiSpellingTerm(v), { gram: true }, INFLECTION_WITHOUT_PARTICLE),
  );
  unit.inflection = max(unit.inflection ? [unit.inflection, ...voice] : voice) as QueryNode;
}

/**
 * The ranks of a verb typed with its kanji and kana (悩|んだ, 怒|られるよ): its dictionary forms as
 * the index keeps a verb written with its kanji (\u0006悩む for 悩んで, 悩みました, 悩まれて:
 * lib/text/deinflect.ts `writtenVerbTerm`), read by kuromoji at index time, so a noun sharing the
 * kanji (悩み, 怒り) or a compound holding it (喜怒哀楽) is no such quote. A slot of its own (a
 * `rank`, never required): a quote saying the verb matches more of the query's weight than one
 * that only has its kanji, which the word's own slot finds (悩み is still found, lower). Before,
 * 悩んだ ranked eight quotes saying 悩み above the first saying 悩んだ. A second rank for the voice
 * typed (怒られる of 怒られるよ, \u0003怒られる: `voiceForm` there), so a quote saying the passive comes
 * before one saying 怒る however long it is (お母さんに怒られるよ, in a long quote, ranked below
 * 喜怒哀楽 and 怒る人). `voiceOnly`: a noun with a する tail in a voice (反対|された), whose noun
 * finds the rest. None for a light verb (思う), whose written form the index does not keep.
 */
function verbRanks(verb: KanjiVerb, voiceOnly = false): QueryNode[] {
  if (verb.light) return [];
  const node = voiceOnly ? null : max(verb.forms.map((f) => term(writtenVerbTerm(f), { gram: true })));
  const voice = max(verb.voice.map((f) => term(kanjiSpellingTerm(f), { gram: true })));
  return [node, voice].filter((n): n is QueryNode => n !== null);
}

/** A question word (see {@link QUESTION_WORDS}). */
function asked(u: Unit): boolean {
  return !!u.needle && QUESTION_WORDS.has(u.needle);
}

/**
 * True when a spelling variant adds nothing to its word: the same index term, exact, where the
 * word already scores it at full weight (ユーザー's variant ユーザ folds to the word itself). In a
 * `max` it never wins (scores grow with the weight), yet it would read the term's postings again.
 */
function redundant(own: QueryNode, variant: QueryNode): boolean {
  const self = own.kind === 'max' ? own.children[0] : own;
  return (
    self?.kind === 'term' &&
    variant.kind === 'term' &&
    variant.term === self.term &&
    !variant.prefix &&
    !variant.substr &&
    !variant.fuzzy &&
    !variant.gram &&
    variant.maxShare === undefined &&
    (own.kind !== 'max' || own.weight === 1) &&
    self.weight >= variant.weight * QUERY_WEIGHTS.variant
  );
}

const LETTER = /[\p{L}\p{N}]/u;

/**
 * True when the analyzer searches at least as much of a spelling variant as it drops. Stopwords
 * and okurigana are not indexed, so a variant is searched by what is left of it: ご主人 by 主人 is
 * that word, but やり甲斐 by 甲斐 alone is another (甲斐駒ヶ岳, a mountain, matched やりがい), and so
 * are 下さい by 下 and いただいて by タダ. Such a variant says less than the word typed: left out.
 */
function keepsMost(variant: string, ctx: CompileContext): boolean {
  const kept = new Uint8Array(variant.length);
  for (const t of analysisOf(variant, ctx.mode, ctx).tokens)
    if (t.kind !== 'gram') kept.fill(1, t.start, t.end);
  let searched = 0;
  let dropped = 0;
  for (let i = 0; i < variant.length; i++) {
    if (!LETTER.test(variant.charAt(i))) continue;
    if (kept[i]) searched++;
    else dropped++;
  }
  return searched > dropped;
}

/**
 * The words of a spelling variant as one node (null when it says less than it drops), once a
 * compile: a chunk of one word asks its variants as a chunk and as a word, a short query's last
 * chunk again as a prefix.
 */
function variantNode(variant: string, ctx: CompileContext): QueryNode | null {
  const known = ctx.memo.variants.get(variant);
  if (known !== undefined) return known;
  const norm = normalize(variant).text.trim();
  const node = keepsMost(norm, ctx) ? and(unitsOf(norm, ctx, false).map((u) => u.node)) : null;
  ctx.memo.variants.set(variant, node);
  return node;
}

/** One chunk as slots: its words, or one slot with the chunk's spelling variants. */
function slotsOf(raw: string, ctx: CompileContext, prefixLast: boolean, partial = false): Chunk {
  const { mode, variants } = ctx;
  const norm = normalize(raw).text.trim();
  if (!norm) return { units: [], slots: [] };
  const units = unitsOf(norm, ctx, prefixLast, partial);
  if (units.length === 0) return { units, slots: [] };
  let others =
    mode === 'hybrid' && variants
      ? variants(normalizeForMatch(norm))
          .map((v) => variantNode(v, ctx))
          .filter((q): q is QueryNode => q !== null)
      : [];
  const self = and(units.map((u) => u.node)) as QueryNode;
  others = others.filter((o) => !redundant(self, o));
  if (others.length > 0) {
    // 打合せ → ミーティング: the variants are alternatives of the whole chunk.
    const variantsOf = others.map((o) => weighted(o, QUERY_WEIGHTS.variant));
    return { units, slots: [max([self, ...variantsOf]) as QueryNode], whole: { self, others: variantsOf } };
  }
  if (mode === 'hybrid' && variants)
    return {
      units,
      slots: units.map((u) => {
        const vs = u.needle
          ? variants(u.needle)
              .map((v) => variantNode(v, ctx))
              .filter((q): q is QueryNode => q !== null && !redundant(u.node, q))
          : [];
        return vs.length > 0
          ? (max([u.node, ...vs.map((v) => weighted(v, QUERY_WEIGHTS.variant))]) as QueryNode)
          : u.node;
      }),
    };
  return { units, slots: units.map((u) => u.node) };
}

/** One chunk as slots (see {@link slotsOf}). */
interface Chunk {
  units: Unit[];
  slots: QueryNode[];
  /**
   * The chunk as typed and its spelling variants, when they are alternatives of the whole chunk
   * (在宅勤務 → テレワーク): a compound's adjacency is asked of the chunk as typed only.
   */
  whole?: { self: QueryNode; others: QueryNode[] };
}

/**
 * A needle (folded: ホヤヲタベタイ) as the chunk typed it (ほやをたべたい), to name it back to the user;
 * null when the chunk does not fold unit for unit, or the needle is not in it.
 */
function asTyped(chunk: string, needle: string | null): string | null {
  if (!needle) return null;
  const folded = normalizeForMatch(chunk);
  const at = folded.indexOf(needle);
  return at >= 0 && folded.length === chunk.length ? chunk.slice(at, at + needle.length) : null;
}

/** A chunk's words as typed: its slots and the する tails they carry (see {@link SURU_TAIL}). */
function typedCount(c: { units: Unit[]; slots: QueryNode[] } | undefined): number {
  return c ? c.slots.length - ridersOf(c) + c.units.reduce((n, u) => n + (u.tail ?? 0), 0) : 0;
}

/** The {@link Unit.rider}s among a chunk's slots (none when its variants made it one slot). */
function ridersOf(c: { units: Unit[]; slots: QueryNode[] }): number {
  return c.slots.length === c.units.length ? c.units.filter((u) => u.rider).length : 0;
}

/**
 * Particles of several kana after a noun (結婚について, 家族にとって, 仕事としての): they join the
 * words typed around them and are looked for in none. As a word of their own, について was needed
 * beside 結婚 (2 quotes instead of 37), and けっこんについて read as one kana word. として only after
 * a word of two kanji or katakana (仕事として, プロとして), not the verb of 落として or ほっとして.
 */
const COMPOUND_PARTICLE =
  /(?<=\S)(?:に(?:ついて|とって|よって|よる|おいて|おける|関して|関する|対して|対する)(?:の)?|(?<=[\p{Script=Han}\u3005]{2}|[\p{Script=Katakana}ー])として(?:の)?)(?=\S|$)/gu;

/** The input with its compound particles as spaces, unless nothing else was typed. */
function withoutCompoundParticles(input: string): string {
  const out = input.replace(COMPOUND_PARTICLE, ' ');
  return out.trim() === '' ? input : out;
}

/**
 * Whether one group's chunks are a phrase typed with kana (see {@link CompiledQuery.typedAsPhrase}),
 * a chunk typed half converted read as the compound searched for it (せんもん学校 as 専門学校: a
 * compound, not a phrase relaxed into 学校 quotes when one quote says it).
 */
function typedWithKana(chunks: readonly string[], ctx: CompileContext, units: readonly Unit[]): boolean {
  const written = chunks.map((c) => ctx.memo.converted.get(normalize(c).text.trim()) ?? c);
  return HIRAGANA.test(written.join('')) && wordsApart(written[0] ?? '', units);
}

/**
 * Whether two words of a chunk stand apart, something typed between them (the を of しごとをやめた,
 * the に of 家族に心配された): a phrase. Words side by side (にんげん|かんけい, 人間|かんけい) or
 * parts of one compound (飲|み|会) are a compound typed without spaces, which keeps every word
 * required: 人間 alone was noise for にんげんかんけい. Each word's needle is looked for in the
 * chunk in the order typed; one not found (a needle the chunk does not spell) leaves the chunk a
 * phrase, as any run with kana was before.
 */
function wordsApart(chunk: string, units: readonly Unit[]): boolean {
  const folded = normalizeForMatch(chunk);
  let at = -1;
  let prev: Unit | null = null;
  for (const u of units) {
    if (!u.needle || u.rider) continue;
    const i = folded.indexOf(u.needle, Math.max(at, 0));
    if (i < 0) return true;
    if (prev && i > at && !(prev.joined && prev.joined === u.joined)) return true;
    at = i + u.needle.length;
    prev = u;
  }
  return false;
}

/**
 * Compiles user input into a ranked query plus phrase constraints. `vocabulary`: the index's,
 * which splits a run of hiragana into the words the index has ({@link splitKanaRun}); without it
 * such a run is searched as typed.
 */
export function compileQuery(
  input: string,
  mode: SegmentationMode = 'hybrid',
  variants?: VariantLookup,
  terms: TermsMode = 'ranked',
  vocabulary?: Vocabulary,
): CompiledQuery {
  return compile(
    input,
    {
      mode,
      variants,
      vocabulary: mode === 'hybrid' ? (vocabulary ?? null) : null,
      memo: { analyses: new Map(), variants: new Map(), kana: new Map(), converted: new Map() },
    },
    terms,
  );
}

function compile(input: string, ctx: CompileContext, terms: TermsMode): CompiledQuery {
  const { mode } = ctx;
  const text = input.slice(0, MAX_QUERY_CHARS).normalize('NFKC');
  const phrases: string[] = [];
  const excludedPhrases: string[] = [];
  const rest = text.replace(PHRASE, (m, a, b, c, d) => {
    const p = String(a ?? b ?? c ?? d ?? '').trim();
    if (p) (m.startsWith('-') ? excludedPhrases : phrases).push(p);
    return ' ';
  });
  const chunks = withoutCompoundParticles(rest)
    .split(/\s+/)
    .filter((c) => c.length > 0)
    .slice(0, MAX_QUERY_CHUNKS);
  const endsOpen = !/\s$/.test(rest) && chunks.length > 0;
  // Words, with OR joining neighbours into one slot and -word excluding.
  const groups: Array<{ chunks: string[] }> = [];
  const excluded: string[] = [...excludedPhrases];
  let join = false;
  chunks.forEach((c) => {
    if (c === 'OR') {
      join = groups.length > 0;
      return;
    }
    if (c.length > 1 && c.startsWith('-')) {
      excluded.push(c.slice(1));
      join = false;
      return;
    }
    if (join) (groups.at(-1) as { chunks: string[] }).chunks.push(c);
    else groups.push({ chunks: [c] });
    join = false;
  });
  const allUnits: Unit[] = [];
  const slotNodes: QueryNode[] = [];
  // Per slot: its unit when the slot is one unit's (for its typed inflection, see Unit.inflection).
  const slotUnits: Array<Unit | undefined> = [];
  // Per slot: a light verb typed in its dictionary form (思う), not required beside other words.
  const slotLight: boolean[] = [];
  // Per slot: the chunk it is, when its spelling variants made it one slot (see Chunk.whole).
  const slotWhole: Array<Chunk | undefined> = [];
  // Per slot: the word as typed (see TypedWord).
  const slotTyped: Array<{ text: string; predicate: boolean }> = [];
  // Each typed word (or OR group) as one node, for the relaxed query.
  const wordNodes: QueryNode[] = [];
  // Short input is compiled again once its words are counted (see below).
  let perGroup = groups.map((g) => g.chunks.map((c) => slotsOf(c, ctx, false, true)));
  // A chunk of question words beside others is furniture, as it is inside a chunk (see unitsOf).
  const asking = perGroup.map((g) => !g.every((c) => c.units.length > 0 && c.units.every(asked)));
  if (asking.includes(true) && asking.includes(false)) {
    groups.splice(0, groups.length, ...groups.filter((_, i) => asking[i]));
    perGroup = perGroup.filter((_, i) => asking[i]);
  }
  const counted = perGroup.reduce((n, g) => n + g.reduce((k, c) => k + typedCount(c), 0), 0);
  const lastGroup = groups.at(-1);
  if (counted <= SHORT_QUERY_WORDS && endsOpen && lastGroup) {
    // A short query: the last word of open-ended input is a prefix. Only that chunk compiles
    // differently; the others are what the first pass made of them (compiling a chunk again
    // was a fifth of what a search allocates).
    const last = perGroup[groups.length - 1] as ReturnType<typeof slotsOf>[];
    last[last.length - 1] = slotsOf(lastGroup.chunks.at(-1) as string, ctx, true, true);
  }
  // Two typed words are two words even when the segmenter splits them (関係 司会者 is three
  // segments): each needs all its segments, as it does typed alone (司会者 needs 司会 and 者),
  // where a quarter of three segments' weight let 関係 alone or 者 alone match.
  const typedWords =
    groups.length + phrases.length <= SHORT_QUERY_WORDS &&
    perGroup.every((g) => g.length > 1 || typedCount(g[0]) <= WORD_SPLITS);
  groups.forEach((g, gi) => {
    const compiled = perGroup[gi] as ReturnType<typeof slotsOf>[];
    for (const c of compiled) allUnits.push(...c.units);
    if (g.chunks.length === 1) {
      const only = compiled[0];
      const slots = only?.slots ?? [];
      // One slot per unit, unless the chunk's spelling variants made it one slot for them all.
      const perUnit = !!only && slots.length === only.units.length;
      slotNodes.push(...slots);
      for (const [i] of slots.entries()) {
        const u = perUnit ? only.units[i] : undefined;
        slotUnits.push(u);
        slotWhole.push(perUnit ? undefined : only);
        const lightVerb = !!u?.needle && (u.light === true || isLightVerb(u.form ?? u.needle));
        slotLight.push(u?.rider === true || lightVerb);
        slotTyped.push(
          u
            ? {
                text: u.typed ?? asTyped(g.chunks[0] ?? '', u.needle) ?? g.chunks[0] ?? '',
                predicate: u.predicate === true || lightVerb,
              }
            : {
                text: g.chunks[0] ?? '',
                predicate: !!only && only.units.length > 0 && only.units.every((x) => x.predicate === true),
              },
        );
      }
      // One word typed without spaces (好きな食べ物) relaxes into its words, but not into a
      // letter the segmenter split off (司会者 → 者 alone would match anything); a kanji typed
      // alone before a particle is a word (親に反対された: no quote says both, 反対 ones do), and
      // so is a verb typed with its kanji (辞 of 仕事を辞めたい: 辞める, which 辞めたいっていう私に says).
      if (groups.length === 1 && perUnit)
        only.units.forEach((u, i) => {
          const node = only.slots[i];
          const word = (!u.kanji && (u.needle?.length ?? 0) >= 2) || u.alone || (!!u.kanji && !!u.verb);
          if (node && word) wordNodes.push(node);
        });
      else {
        const node = and(slots);
        if (node) wordNodes.push(node);
      }
    } else {
      // a OR b: one slot whose alternatives are each side's words together.
      const alternatives = compiled.map((c) => and(c.slots)).filter((q): q is QueryNode => q !== null);
      const node = max(alternatives);
      if (node) {
        slotNodes.push(node);
        slotUnits.push(undefined);
        slotWhole.push(undefined);
        slotLight.push(false);
        slotTyped.push({ text: g.chunks.join(' OR '), predicate: false });
        wordNodes.push(node);
      }
    }
  });
  const phraseSlots: QueryNode[] = [];
  const phraseUnits: Unit[] = [];
  for (const p of phrases) {
    const norm = normalize(p).text.trim();
    const units = unitsOf(norm, ctx, false);
    // Every bigram of the phrase's kanji runs, across word boundaries too (陶芸教室 needs 芸教):
    // the postings have no positions, and this keeps most quotes lacking the phrase out.
    const runs =
      mode === 'hybrid'
        ? scriptRuns(norm)
            .filter((r) => r.cls === 'kanji' && r.end - r.start >= 3)
            .map((r) => gramPath(norm.slice(r.start, r.end)))
            .filter((q): q is QueryNode => q !== null)
        : [];
    const child = and([...units.map((u) => u.node), ...runs]);
    phraseUnits.push(...units);
    if (child) phraseSlots.push({ kind: 'phrase', text: normalizeForMatch(p), child, weight: 1 });
  }
  const exclude = excluded
    .map((e) => and(unitsOf(normalize(e).text.trim(), ctx, false).map((u) => u.node)))
    .filter((q): q is QueryNode => q !== null);
  const words = slotNodes.length + phraseSlots.length;
  // A する tail counts as typed words (わんこそばを体験したい reads as a sentence, ranked by a share
  // of its words); one word with its tail (緊張しました) is one word all the same.
  const tails = allUnits.reduce((n, u) => n + (u.tail ?? 0), 0);
  const riding = perGroup.reduce((n, g) => n + (g.length === 1 && g[0] ? ridersOf(g[0]) : 0), 0);
  const everyWord =
    terms === 'all' || words - riding + tails <= SHORT_QUERY_WORDS || typedWords || words - riding === 1;
  if (everyWord)
    slotNodes.forEach((node, i) => {
      const u = slotUnits[i];
      const wider = u?.extra ? (max([node, ...u.extra]) as QueryNode) : node;
      slotNodes[i] = u?.inflection
        ? (max([wider, and([wider, u.inflection]) as QueryNode]) as QueryNode)
        : wider;
    });
  // Beside a content word, a light verb is optional (ranks, does not filter); `terms=all` keeps it.
  const light = (i: number) =>
    terms !== 'all' && slotLight[i] === true && slotLight.some((l) => !l) && everyWord;
  const optional = slotNodes.some((_, i) => light(i));
  // A verb typed with its kanji ranks the quotes saying the verb first (see verbRanks).
  const ranks =
    everyWord && terms !== 'all'
      ? slotUnits.flatMap((u) => (u?.verb ? verbRanks(u.verb) : u?.suru ? verbRanks(u.suru, true) : []))
      : [];
  // The head of a chain of nouns joined by の (子供の頃の夢: 夢), weighted up in a sentence.
  const head =
    everyWord || groups.length !== 1 ? new Set<number>() : nounChainHead(groups[0]?.chunks ?? [], slotUnits);
  const slots: Slot[] = [
    ...slotNodes.map((node, i) => ({
      node: head.has(i) ? weighted(node, HEAD_WEIGHT) : node,
      required: everyWord && !light(i),
    })),
    ...phraseSlots.map((node) => ({ node, required: true })),
    ...ranks.map((node) => ({ node, required: false, rank: true as const })),
  ];
  const minShould = optional || ranks.length > 0 ? 0 : everyWord ? 1 : QUERY_WEIGHTS.minShould;
  const compounds = [...new Set(allUnits.flatMap((u) => (u.joined ? [u.joined] : [])))];
  // A compound's parts side by side (see Compound): required where every word is, the quotes
  // holding them apart being found only when no quote says the compound (`loose`). In a sentence,
  // whose words rank by a share, they rank the quotes saying it first, and only for a compound with
  // an affix (役|作り, 世界|観): two words of two kanji each side by side in a sentence are as often
  // two words (一番|大変 of 撮影で一番大変だったことは何ですか, whose answers say 大変 alone).
  const adjacent = (c: Compound) => and(c.grams.map((g) => term(g, { gram: true }))) as QueryNode;
  // A chunk whose spelling variants are alternatives of it asks the adjacency of itself, not of
  // them: 在宅勤務 needs 宅勤, テレワーク nothing more.
  const within = new Set<Compound>();
  const tight = slots.map((slot, i) => {
    const chunk = slotWhole[i];
    if (!everyWord || !chunk?.whole) return slot;
    // A checked compound's adjacency is asked of the texts (see Compound.checked), not the index.
    const own = [
      ...new Set(chunk.units.flatMap((u) => (u.joined && u.joined.grams.length > 0 ? [u.joined] : []))),
    ];
    if (own.length === 0) return slot;
    for (const c of own) within.add(c);
    const self = and([chunk.whole.self, ...own.map(adjacent)]) as QueryNode;
    return { ...slot, node: max([self, ...chunk.whole.others]) as QueryNode };
  });
  const strict: Slot[] = compounds
    .filter((c) => c.grams.length > 0 && (everyWord ? !within.has(c) : c.parts.some(isAffix)))
    .map((c) =>
      everyWord
        ? { node: adjacent(c), required: true }
        : { node: weighted(adjacent(c), QUERY_WEIGHTS.adjacent), required: false, rank: true as const },
    );
  const loose: QueryNode | null =
    slots.length === 0 || !everyWord || compounds.length === 0
      ? null
      : { kind: 'match', slots, exclude, minShould, weight: 1 };
  const query: QueryNode | null =
    slots.length === 0
      ? null
      : { kind: 'match', slots: [...tight, ...strict], exclude, minShould, weight: 1 };
  // Relaxed: any one word (phrases stay required: quotation marks are the user's own demand).
  const relaxed: QueryNode | null =
    query !== null &&
    everyWord &&
    terms !== 'all' &&
    wordNodes.length >= 1 &&
    wordNodes.length + phraseSlots.length >= 2
      ? {
          kind: 'match',
          slots: [
            ...wordNodes.map((node) => ({ node, required: false })),
            ...phraseSlots.map((node) => ({ node, required: true })),
            ...ranks.map((node) => ({ node, required: false, rank: true as const })),
          ],
          exclude,
          minShould: RELAXED_MIN_SHOULD,
          weight: 1,
        }
      : null;
  const foldedPhrases = phrases.map((p) => normalizeForMatch(p)).filter((p) => p.trim() !== '');
  const needles = [
    ...[...allUnits, ...phraseUnits].map((u) => u.needle).filter((n): n is string => !!n),
    ...allUnits.flatMap((u) => u.marks ?? []),
    ...compounds.map((c) => c.whole),
    ...foldedPhrases,
  ];
  const forms = [
    ...new Set(allUnits.flatMap((u) => [...(u.form ? [u.form] : []), ...(u.verb?.forms ?? [])])),
  ];
  // The words as typed, before the rewrites above (a node's alternatives are what it matches):
  // not a number's unit, which is no word of its own (see Unit.rider).
  const typed: TypedWord[] = slotNodes.flatMap((node, i) =>
    slotUnits[i]?.rider === true ? [] : [{ node, ...(slotTyped[i] as { text: string; predicate: boolean }) }],
  );
  // The query, its relaxed and loose forms share their slots and exclusions: each rewritten once.
  const inner = new Map<QueryNode, QueryNode>();
  return {
    query: query && mode === 'hybrid' ? withInner(query, inner) : query,
    phrases: foldedPhrases,
    needles,
    forms,
    empty: query === null,
    excludeOnly:
      query === null ? (mode === 'hybrid' ? exclude.map((e) => withInner(e, inner)) : exclude) : [],
    words,
    everyWord,
    relaxed: relaxed && mode === 'hybrid' ? withInner(relaxed, inner) : relaxed,
    typedAsPhrase:
      groups.length === 1 &&
      phrases.length === 0 &&
      typedWithKana(groups[0]?.chunks ?? [], ctx, perGroup[0]?.[0]?.units ?? []),
    loose: loose && withInner(loose, inner),
    compounds,
    typed: mode === 'hybrid' ? typed.map((w) => ({ ...w, node: withInner(w.node, inner) })) : typed,
  };
}
