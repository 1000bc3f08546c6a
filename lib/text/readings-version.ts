/**
 * The version of the kana readings an index holds (lib/text/readings.ts), apart from the reader
 * itself: the search index records it in every snapshot, and importing it must not pull kuromoji
 * into bundles that never read (the API functions).
 */

/**
 * Bump when what is read changes (2: dictionary-form readings of inflected verbs and adjectives;
 * 3: each with the form the text writes it in, which highlighting marks; 4: verbs and adjectives
 * written in kana too, with the kanji spellings of their reading; 5: nouns written with kana
 * beside their kanji, 好き, お金, 気持ち, and one-kanji nouns, 夢, 体, read as written in their
 * context; 6: the adjective a verb's stem makes with っぽい, 惚れっぽい ホレッポイ, beside the verb; 7: every adjective made with っぽい after a kanji word, 飽きっぽい, 大人っぽい, as
 * its written form, \u0003飽きっぽい, and its readings, the verb's too for a noun that is a verb's stem: 怒り
 * オコリッポイ; 8: passives and causatives of verbs written with a kanji as written, \u0003怒られる for
 * 怒られて, and a noun's っぽい adjective no more read by the kana that read as a verb's, 秋っぽい
 * not アキッポイ, which is 飽きっぽい typed in kana; 9: every verb and adjective written with a kanji
 * also as written, \u0006悩む for 悩んで, which ranks a verb typed with its kanji above the nouns
 * sharing it, and adverbs written with a kanji read as nouns are, 初めて ハジメテ; 10: verbs written with a
 * kanji whose reading has two kana, of a list, 泣く ナク, 履く ハク, 見る ミル, 寝る ネル, an ichidan stem of
 * one kanji too, 見|て, with the verb as written, \u0006泣く: `isShortForm` in ./deinflect.ts; and an
 * adjective's stem with そう as written and read, 楽しそう タノシソウ, 可愛そう カワイソウ; 11: a verb with
 * てみる after it as one dictionary form, read and written, やってみたい ヤッテミル + やってみる, 行ってみた
 * イッテミル + 行ってみる, which やってみたい typed asks for; 12: the personal pronouns written with a kanji,
 * 僕 ボク, 俺 オレ, 私 ワタシ, 彼女 カノジョ, which ぼく, かのじょ typed ask for: lib/text/readings.ts PERSONAL_PRONOUNS;
 * 13: every written form of a noun reading linked to it, \u0004チュウシャ\u0004駐車 beside 注射, once per
 * interview, not only the words read in context: a reading term keeps one surface in the whole index,
 * the first seen, so ちゅうしゃじょう (駐車場) and こうつうひ (交通費) found nothing where 注射 or 交通事故
 * came first: `ReadingAnalyzer.spelled`).
 * Snapshots record it; an index built with older readings still loads and answers, and gains the
 * new readings for an interview when it is indexed again (`POST /admin/reindex`).
 */
export const READINGS_VERSION = 13;

/**
 * Characters of the text on each side of a word written with kana (好き, お金) that its noun
 * reading is read with (`ReadingAnalyzer.written` in ./readings.ts): enough for kuromoji to tell
 * the noun 試し (お試し) from the verb's stem in 試したわ, and 楽 (楽に) from the adjective's stem
 * in 楽しかった (two characters read 楽|しか as a noun and a particle).
 */
export const READING_CONTEXT = 3;
