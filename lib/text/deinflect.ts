/**
 * Dictionary forms of a verb or adjective typed in hiragana (ためて → ためる; かせいで → かせぐ;
 * たのしかった → たのしい), by rule, without a dictionary: the index holds the dictionary-form
 * readings of inflected verbs and adjectives (lib/text/readings.ts), and the query path must not
 * load kuromoji (seconds and hundreds of MB). A rule cannot know which verb class the word is, so
 * it returns every candidate (かって → かう, かつ, かる); a candidate no quote has costs one term
 * lookup, and only readings of {@link MIN_FORM} kana or more are indexed.
 */

/**
 * The index term of a dictionary-form reading: the reading after a mark no typed text produces.
 * Kept apart from words and noun readings so that only a whole dictionary form finds it: a
 * prefix (ため as typed so far) must not complete to the readings of 試す or 貯める, whose
 * quotes show no ため.
 */
export function dictionaryFormTerm(katakanaReading: string): string {
  return `${DICTIONARY_FORM_MARK}${katakanaReading}`;
}

/** What a {@link dictionaryFormTerm} starts with. */
export const DICTIONARY_FORM_MARK = '\u0001';

/**
 * One entry of {@link ReadingAnalyzer.inflected}: a dictionary-form reading and the dictionary
 * form as the text writes it (タメル + 貯める), which the index keeps beside the reading so that
 * a hit found by the reading can be highlighted where the text says it (貯めて).
 */
export function inflectedEntry(katakanaReading: string, written: string): string {
  return `${katakanaReading}\u0002${written}`;
}

/** The reading and the written form of an {@link inflectedEntry} (null: a reading alone). */
export function splitInflected(entry: string): [string, string | null] {
  const at = entry.indexOf('\u0002');
  return at < 0 ? [entry, null] : [entry.slice(0, at), entry.slice(at + 1)];
}

/**
 * The index term that links a dictionary-form reading to one way the quotes write it
 * (\u0002タメル\u0002貯める): {@link writtenFormPrefix} lists them for a reading a query matched,
 * and the highlighter marks that form's inflections (貯めて, 貯めました). No typed text produces
 * the mark, so no query or completion reaches it.
 */
export function writtenFormTerm(katakanaReading: string, written: string): string {
  return `${writtenFormPrefix(katakanaReading)}${written}`;
}

/** The prefix of every {@link writtenFormTerm} of a reading. */
export function writtenFormPrefix(katakanaReading: string): string {
  return `\u0002${katakanaReading}\u0002`;
}

/**
 * What a verb or adjective written in kana adds for its kanji spellings: the term of a kanji
 * dictionary form (\u0003頑張る) in a quote that writes がんばって, so that 頑張る typed (or
 * 頑張って, 分かった: their dictionary forms by rule) finds it without a dictionary on the query
 * path. The spellings come from kuromoji's dictionary at index time (every kanji form read as
 * the kana verb's reading: がんばる → 頑張る; わかる → 分かる, 解る, 判る).
 */
export const KANJI_SPELLING_MARK = '\u0003';

/** The index term of a kanji spelling of a verb a quote writes in kana (see {@link KANJI_SPELLING_MARK}). */
export function kanjiSpellingTerm(written: string): string {
  return `${KANJI_SPELLING_MARK}${written}`;
}

/**
 * The index term that links a kanji spelling to the kana form a quote writes (\u0003頑張る\u0003がんばる):
 * the highlighter lists them by {@link kanjiSpellingPrefix} and marks the kana form's inflections.
 */
export function kanaFormTerm(written: string, kana: string): string {
  return `${kanjiSpellingPrefix(written)}${kana}`;
}

/** The prefix of every {@link kanaFormTerm} of a kanji spelling. */
export function kanjiSpellingPrefix(written: string): string {
  return `${KANJI_SPELLING_MARK}${written}${KANJI_SPELLING_MARK}`;
}

/**
 * The index term that links a noun's reading, read as the text writes the noun (ハナ of 鼻), to
 * that spelling (\u0004ハナ\u0004鼻), kept once per interview: a reading shared by several nouns
 * (ハナ: 花 and 鼻; カミ: 髪, 紙, 神) has one written form as its term's surface, so the highlighter
 * lists the others by {@link nounSpellingPrefix} and marks the one a quote says. No typed text
 * produces the mark, so no query or completion reaches it.
 */
export function nounSpellingTerm(katakanaReading: string, written: string): string {
  return `${nounSpellingPrefix(katakanaReading)}${written}`;
}

/** The prefix of every {@link nounSpellingTerm} of a reading. */
export function nounSpellingPrefix(katakanaReading: string): string {
  return `\u0004${katakanaReading}\u0004`;
}

/**
 * One entry of {@link ReadingAnalyzer.inflected} for a kanji spelling of a kana verb: the
 * spelling and the kana dictionary form the quote writes (頑張る + がんばる).
 */
export function spellingEntry(written: string, kana: string): string {
  return `${KANJI_SPELLING_MARK}${written}\u0002${kana}`;
}

/** The kanji spelling and kana form of a {@link spellingEntry}; null for any other entry. */
export function splitSpelling(entry: string): [string, string] | null {
  if (!entry.startsWith(KANJI_SPELLING_MARK)) return null;
  const at = entry.indexOf('\u0002');
  return at < 0 ? null : [entry.slice(1, at), entry.slice(at + 1)];
}

/**
 * What a verb or adjective a quote writes with its kanji adds as written (\u0006悩む for 悩んで,
 * 悩みました, 悩まれて, read by kuromoji at index time): the term a verb typed with its kanji ranks
 * by (悩|んだ: the segmenter cuts the kanji off, and 悩 alone is also the noun 悩み's), so the
 * quotes that say the verb come before those that only share its kanji. A mark of its own, apart
 * from {@link KANJI_SPELLING_MARK}: that term finds a verb written in kana, and found here too it
 * made quotes match a query they did not before (定年 働く: 働き過ぎる, which 働く never found).
 * No typed text produces the mark; the term is its own entry of {@link ReadingAnalyzer.inflected}.
 */
export const WRITTEN_VERB_MARK = '\u0006';

/** The index term of a verb or adjective as a quote writes it with its kanji (see {@link WRITTEN_VERB_MARK}). */
export function writtenVerbTerm(written: string): string {
  return `${WRITTEN_VERB_MARK}${written}`;
}

/** Candidates shorter than this are not returned: the index keeps no shorter verb reading. */
export const MIN_FORM = 3;

/**
 * Light verbs that mostly carry grammar (できる, 思う in と思います, いただく, もらう): their
 * dictionary-form readings would match a large share of quotes and only add noise to sentence
 * queries (できるだけ高い階の部屋 ranked a 出来る quote first).
 */
const LIGHT = new Set([
  'できる',
  'おもう',
  'いただく',
  'くださる',
  'もらう',
  'しまう',
  'くれる',
  'あげる',
  'いらっしゃる',
  'おっしゃる',
  'ござる',
]);

/** The light verbs as typed with their kanji (思う, 出来る): see {@link isLightVerb}. */
const LIGHT_WRITTEN = new Set([
  '思う',
  '出来る',
  '頂く',
  '下さる',
  '貰う',
  '仕舞う',
  '呉れる',
  '上げる',
  '御座る',
]);

/**
 * True when a typed word is a light verb in its dictionary form (思う, おもう, できる): beside a
 * content word it asks for nothing (ノマドってどう思う wants quotes about ノマド), so a query does
 * not require it — it ranks the quotes that have it higher.
 */
export function isLightVerb(typed: string): boolean {
  if (LIGHT_WRITTEN.has(typed)) return true;
  const hira = typed.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  return LIGHT.has(hira);
}

/** True when a dictionary form (hiragana or katakana) is worth indexing and querying. */
export function isSearchableForm(form: string): boolean {
  const hira = form.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  return hira.length >= MIN_FORM && !LIGHT.has(hira);
}

/**
 * Readings of two kana that IPADIC gives verbs written with a kanji (泣く ナク, 履く/吐く ハク, 見る/観る
 * ミル, 寝る ネル; `tests/unit/search-short-verbs.test.ts` checks each against the dictionary): 90 of its
 * 145, without the ones grammar says in kana (ある, いる/おる, なる, する, くる, いく/ゆく, いう/ゆう, おく,
 * やる, える/うる, そう, ます, よう, こう, よる, せる, てる: ている, になった, という, ておく, によって,
 * させる), which a query would find in every quote writing 居る, 成る, 言う or 行く with its kanji, and
 * without rare or classical verbs whose kana is mostly another word (りす of りそう 理想, とう, のく).
 * A reading of this list is indexed only for a verb a quote writes with its kanji (lib/text/readings.ts),
 * never for kana (the auxiliaries てみる, ている, てくる are kana), and a query asks for it only for a
 * whole kana word typed (ないた, ねる, なきそうになった) or a kana verb after a particle (くつを|はく,
 * テレビを|みていた), never for a piece the segmenter cut out of a longer word: {@link shortForms}.
 */
export const SHORT_VERBS: ReadonlySet<string> = new Set(
  (
    'あう あく あむ うく うつ うむ おう おす かう かく かぐ かす かつ かむ かる きく ' +
    'きる くう くむ けす ける こぐ こす こむ こる さく さす さる しく しぬ しむ しる ' +
    'すう すく すむ そる たく たす たつ たる だく だす ちる つく つぐ つむ つる でる ' +
    'とく とぐ とぶ とむ とる なく なぐ なす にる ぬう ぬく ぬぐ ぬる ねる のむ のる ' +
    'はく はぐ はる ひく ふく ふす ふむ ふる へる ほす ほる まう まく まつ みる むく ' +
    'むす もつ もむ もる やく やむ よぶ よむ わく わる'
  ).split(' '),
);

/** The two-kana verbs grammar says in kana (see {@link SHORT_VERBS}): a word that may be one is grammar. */
export const SHORT_GRAMMAR: ReadonlySet<string> = new Set(
  'ある いる おる なる する くる いく ゆく いう ゆう おく やる える うる そう ます よう こう よる せる てる'.split(
    ' ',
  ),
);

/**
 * Forms of する and くる in kana (したい, しない, します, して; きて, きた, きます), which the rules would
 * read as the ichidan しる and きる (知る, 着る, 切る): grammar, no verb to look for.
 */
const SURU_OR_KURU = /^(?:し(?:て|た|ま|な|よ|ろ|ちゃ|ず)|き(?:て|た|ま|ちゃ))/u;

/** True when a dictionary form (hiragana or katakana) is a two-kana verb reading the index keeps. */
export function isShortForm(form: string): boolean {
  const hira = form.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  return hira.length === 2 && SHORT_VERBS.has(hira);
}

/**
 * The two-kana verbs a whole kana word may be, the word itself included (ないた → なく; ねる;
 * なきそうになった → なく; みていた → みる): [] when one of its readings is grammar (あって may be
 * ある, なった なる, いった いう/いく/いる: the others, あう and なう, would be guesses on a word that
 * is mostly grammar), or when it is a form of する or くる (したい, しない: no 知る; きて: 来 in kana, not
 * 着る or 切る).
 * Only for a word typed whole: a piece of a longer word (み of やってみる) is no verb of its own.
 */
export function shortForms(word: string): string[] {
  if (SURU_OR_KURU.test(word)) return [];
  const all = [word, ...candidateForms(word)];
  if (all.some((f) => SHORT_GRAMMAR.has(f))) return [];
  return [...new Set(all.filter(isShortForm))];
}

const ROWS = {
  a: 'わかがさたなばまら',
  i: 'いきぎしちにびみり',
  u: 'うくぐすつぬぶむる',
  e: 'えけげせてねべめれ',
  o: 'おこごそとのぼもろ',
} as const;

/** The same consonant in another vowel row (か → く); null when `ch` is not in `from`. */
function shift(ch: string, from: keyof typeof ROWS, to: keyof typeof ROWS): string | null {
  const i = ROWS[from].indexOf(ch);
  return i < 0 ? null : (ROWS[to][i] as string);
}

/** Auxiliaries after the te-form that keep the verb (ためている, ためてた → ためて). */
const TE_AUX =
  /(?<=[てで])(?:いる|いた|います|いました|いない|る|た|ます|ました|ない|しまう|しまった|ちゃう|ちゃった)$/u;

/** てしまう and でしまう contracted, in the forms a sentence ends a verb with (ちゃう, ちゃった, じゃって). */
const CONTRACTED_SHIMAU =
  /(?<=[いっんしきちにびみりえけげせてねべめれ])[ちじ]ゃ(?:う|った|って|います|いました)$/u;

/** Godan and ichidan candidates for a stem that ends in the row `row` (the masu stem, the nai stem). */
function fromStem(stem: string, row: 'i' | 'a', out: Set<string>): void {
  const last = stem.at(-1);
  if (!last) return;
  const u = shift(last, row, 'u');
  if (u) out.add(stem.slice(0, -1) + u);
  // Ichidan verbs keep their stem (ため-ます, ため-ない): the dictionary form adds る.
  if (shift(last, 'i', 'u') || shift(last, 'e', 'u')) out.add(`${stem}る`);
}

/** The part of `w` before a suffix `re` matches at its end (`re` ends with `$`), or null. */
function before(w: string, re: RegExp): string | null {
  const m = re.exec(w);
  return m && m.index > 0 ? w.slice(0, m.index) : null;
}

/** Dictionary-form candidates of a hiragana word, without the word itself; [] when no rule fits. */
export function dictionaryForms(word: string): string[] {
  return candidateForms(word).filter(isSearchableForm);
}

/**
 * The {@link dictionaryForms} a passive or causative adds (えらばれた → えらぶ, not えらばれる):
 * one step further from what was typed, so a query weights them below the others.
 */
export function activeDictionaryForms(word: string): string[] {
  const direct = new Set(candidateForms(word, false));
  return dictionaryForms(word).filter((f) => !direct.has(f));
}

/**
 * Every dictionary-form candidate of an inflected word, short and light ones too. The rules look
 * at the word's end only, so a word with a kanji stem works alike (稼いで → 稼ぐ; 貯めて → 貯める):
 * the highlighter uses them to find where a verb's written form is inflected in a text.
 */
export function candidateForms(word: string, active = true, nested = false): string[] {
  // One compile asks for the same word's forms up to eight times (its short forms, its dictionary
  // forms, its active forms, each in two places), and a results page's highlighter for every word
  // of every hit: the rules' regular expressions are read once a word. Frozen: callers share it.
  const memo = nested ? null : active ? ACTIVE_FORMS : DIRECT_FORMS;
  const known = memo?.get(word);
  if (known) return known;
  const forms = Object.freeze(formsOf(word, active, nested)) as string[];
  if (memo) {
    // Bounded: a query's words and a page's are few; a long-running server starts over past this.
    if (memo.size >= FORMS_MEMO) memo.clear();
    memo.set(word, forms);
  }
  return forms;
}

/** How many words' forms {@link candidateForms} keeps, per kind (with and without the active forms). */
const FORMS_MEMO = 4096;
const ACTIVE_FORMS = new Map<string, string[]>();
const DIRECT_FORMS = new Map<string, string[]>();

function formsOf(word: string, active: boolean, nested: boolean): string[] {
  const out = new Set<string>();
  // ちゃう, じゃう are てしまう, でしまう said short (泣いちゃった → 泣いて; 読んじゃう → 読んで).
  const w = word.replace(CONTRACTED_SHIMAU, (m) => (m.startsWith('ち') ? 'て' : 'で')).replace(TE_AUX, '');
  // Adjectives: たのしかった, たのしくて, たのしくない → たのしい.
  const adjective = before(w, /(?:かった|くて|くない|くなかった)$/u);
  if (adjective) out.add(`${adjective}い`);
  // The te/ta form: かって → かう, かつ, かる; はたらいて → はたらく; はなして → はなす;
  // ためて → ためる (an ichidan stem ends in the e or i row). After a stem too short for an
  // adjective (わかった: わい is none), かった is a verb's: わかる.
  const te = adjective && isSearchableForm(`${adjective}い`) ? null : before(w, /[てた]$/u);
  if (te) {
    if (te.endsWith('っ')) for (const e of 'うつる') out.add(te.slice(0, -1) + e);
    else if (te.endsWith('い')) out.add(`${te.slice(0, -1)}く`);
    else if (te.endsWith('し')) out.add(`${te.slice(0, -1)}す`);
    else if (shift(te.at(-1) ?? '', 'e', 'u') || shift(te.at(-1) ?? '', 'i', 'u')) out.add(`${te}る`);
  }
  // The voiced te/ta form: よんで → よむ, よぶ, よぬ; かせいで → かせぐ.
  const nde = before(w, /んで$|んだ$/u);
  if (nde) for (const e of 'むぶぬ') out.add(nde + e);
  const ide = before(w, /いで$|いだ$/u);
  if (ide) out.add(`${ide}ぐ`);
  // Polite, desire and "while" forms on the masu stem: かせぎます → かせぐ; ためます → ためる.
  const masu = before(w, /(?:ます|ました|ません|ましょう|たい|たかった|たくない|ながら)$/u);
  if (masu) fromStem(masu, 'i', out);
  // Negatives on the nai stem: かせがない → かせぐ; ためない → ためる; あきらめないで → あきらめる.
  const nai = before(w, /(?:ない|なかった|なくて|ないで|ず)$/u);
  if (nai) fromStem(nai, 'a', out);
  // Conditionals: かせげば → かせぐ; ためれば → ためる.
  const ba = before(w, /ば$/u);
  if (ba) {
    const last = ba.at(-1) ?? '';
    const u = shift(last, 'e', 'u');
    if (u) out.add(ba.slice(0, -1) + u);
    if (last === 'れ') out.add(`${ba.slice(0, -1)}る`);
  }
  // The volitional (やめよう, がんばろう): an ichidan stem with よう (やめ|よう → やめる; ため|よう),
  // a godan verb's o-row kana with う (がんばろ|う → がんばる; かせご|う → かせぐ). Its polite form,
  // ましょう, is read with the masu stem above. Only the whole word: よう alone is a stopword, and a
  // candidate no quote has (ありがとう → ありがつ) costs one term lookup.
  // (Tested by its last kana first: candidateForms runs for every kana word a query has.)
  if (w.length > 2 && w.endsWith('う')) {
    const o = shift(w.charAt(w.length - 2), 'o', 'u');
    if (o) out.add(w.slice(0, -2) + o);
    const yo = w.endsWith('よう') ? w.slice(0, -2) : '';
    if (yo && (shift(yo.at(-1) ?? '', 'e', 'u') || shift(yo.at(-1) ?? '', 'i', 'u') || KANJI_END_RE.test(yo)))
      out.add(`${yo}る`);
  }
  // そう after a verb: its stem says how it looks (なき|そう → なく; こわれ|そう → こわれる;
  // 泣き|そうになった), its dictionary form what was heard (なく|そうだ → なく; ないた|そうだ →
  // なく, read one level down). Both lead to the verb, which is what the quotes say. A kana stem of
  // one kana is mostly another word (りそう 理想, きそう 競う), and a kana stem ending in い without
  // a tail mostly a kanji word's reading (かいそう 回想, めいそう 瞑想), so neither guesses.
  // (Tested by そう first: candidateForms runs for every kana word of a query.)
  const sou = nested || !w.includes('そう') ? null : SOU.exec(w);
  const stem = sou ? w.slice(0, sou.index) : '';
  if (sou && stem.length > 1) {
    const kanji = KANJI_END_RE.test(stem.slice(0, -1));
    if (kanji || sou[0] !== 'そう' || !stem.endsWith('い')) fromStem(stem, 'i', out);
    // An adjective's stem says how it looks too (たのし|そう → たのしい; つよ|そうだ; 難し|そうに;
    // つまらな|さ|そう → つまらない). Not after い (かわい|そう is 可哀想, not かわいい).
    if (/[なよ]さ$/u.test(stem)) out.add(`${stem.slice(0, -1)}い`);
    else if (!stem.endsWith('い')) out.add(`${stem}い`);
    if (sou[1]) {
      // Hearsay: the dictionary form of a verb (なく) or an adjective (たのしい), or a form the
      // rules read (ないた → なく; やめない → やめる).
      if (ROWS.u.includes(stem.charAt(stem.length - 1)) || stem.endsWith('い')) out.add(stem);
      for (const f of candidateForms(stem, false, true)) out.add(f);
    }
  }
  // The bare stem of an ichidan verb after its kanji (辞め, 溜め of 寝溜め, 貯め): the verb's
  // continuative, which is also its noun (a quote's 寝溜め is 溜める). Kanji stems only: a kana
  // word of this shape is mostly another word (ため is 為, not 貯め), and a godan i-row stem
  // (休み, 悩み, 思い) is mostly the noun.
  if (ROWS.e.includes(w.charAt(w.length - 1)) && KANJI_BARE_STEM.test(w)) out.add(`${w}る`);
  // Passive and causative verbs (えらばれた → えらばれる above) are one more step from the verb:
  // えらばれる → えらぶ, おこられる → おこる, たべさせる → たべる, される → する. The index reads
  // 選ばれた as 選ぶ (kuromoji: 選ば + れる), so only the active form finds it.
  if (active) for (const c of [w, ...out]) for (const a of activeForms(c)) out.add(a);
  out.delete(word);
  return [...out];
}

/**
 * The active dictionary forms of a passive or causative verb in its dictionary form (えらばれる →
 * えらぶ; かかせる → かく; たべられる, たべさせる → たべる; かかされる, かかせられる → かく; される,
 * させる → する); [] for any other word. A godan verb's passive and causative add れる and せる to
 * its a-row stem (えらば|れる), an ichidan verb's add られる and させる to its stem (たべ|られる).
 */
function activeForms(word: string): string[] {
  const out = new Set<string>();
  const stem = before(word, /(?:させられる|させる|られる|せられる|される|れる|せる)$/u);
  if (stem === null) {
    if (/^(?:さ(?:せ(?:られ)?|れ)る)$/u.test(word)) out.add('する');
    return [...out];
  }
  const suffix = word.slice(stem.length);
  // An ichidan stem ends in the e or i row (たべ, み): after it, られる and させる.
  if (
    (suffix === 'られる' || suffix === 'させる' || suffix === 'させられる') &&
    (shift(stem.at(-1) ?? '', 'e', 'u') || shift(stem.at(-1) ?? '', 'i', 'u'))
  )
    out.add(`${stem}る`);
  // A noun's する: 映画化される, 勉強させる (a kanji stem; the kana of する is all there is).
  if ((suffix === 'される' || suffix === 'させる' || suffix === 'させられる') && KANJI_END_RE.test(stem))
    out.add(`${stem}する`);
  // A godan a-row stem: えらば|れる, かか|せる, かか|される, かか|せられる.
  const godan = suffix === 'られる' || suffix === 'させる' ? null : stem;
  if (godan !== null) {
    const u = shift(godan.at(-1) ?? '', 'a', 'u');
    if (u) out.add(godan.slice(0, -1) + u);
  }
  // られる after an a-row kana is the godan passive too (おこら|れる reads as おこ|られる).
  if (suffix === 'られる' || suffix === 'させる') {
    const last = suffix.charAt(0);
    const u = shift(last, 'a', 'u');
    if (u) out.add(stem + u);
  }
  return [...out];
}
const KANJI_END_RE = /[\p{Script=Han}\u3005]$/u;
/**
 * そう and what may follow it at a word's end (そうだ, そうです, そうに, そうになった): group 1 is a tail
 * that hearsay takes (そうだ, そうです), which a verb's dictionary form or past comes before.
 */
const SOU = /そう(?:(だ|だった|です|でした)|で|な|に(?:なる|なった|なって|なり(?:ます|ました))?)?$/u;
/** A kanji stem and one e-row kana: an ichidan verb's bare stem (辞め, 溜め, 貯め, 決め). */
const KANJI_BARE_STEM = /^[\p{Script=Han}\u3005]+[えけげせてねべめれ]$/u;
