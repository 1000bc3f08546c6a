/**
 * Transitive and intransitive verbs of one pair (自動詞・他動詞: 夢を叶える / 夢が叶う, 出演を決める /
 * 出演が決まる): a reader typing one wants the quotes that say the other, since the event is the
 * same (a dream came true either way). No npm package lists the pairs (checked 2026-12-07:
 * jmdict-simplified marks a verb vt or vi but links no pair; sudachi-synonyms-dictionary groups
 * nouns; the rest of the registry's Japanese packages conjugate or lint), so the commonest pairs
 * are listed here by hand: common members of the morphological pair classes of Jacobsen, "The
 * Transitive Structure of Events in Japanese" (1992) (-eru/-aru 決める/決まる, -eru/-u 続ける/続く,
 * -asu/-iru 起こす/起きる, -su/-ru 残す/残る …), each with the kanji a quote writes and its kana. A query reaches the other verb of a pair only at a lower
 * weight (QUERY_WEIGHTS.pair): ranked below the verb as typed, never required on its own.
 *
 * Left out: verbs whose kana is mostly grammar or another verb (あげる/あがる, つける/つく, でる/だす,
 * たつ/たてる, あく/あける), where a kana query would find the homophones' quotes.
 */

/** One verb of a pair: its kanji dictionary form and its kana; `homophone`: the kana is another verb's too. */
export interface PairVerb {
  readonly written: string;
  readonly kana: string;
  /** True when the kana is also a common verb of another meaning (かえる: 帰る, 返る): found by its kanji only. */
  readonly homophone: boolean;
}

/**
 * The pairs, transitive first, as `written:kana` (a `*` after the kana: another verb reads the same).
 */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['叶える:かなえる', '叶う:かなう'],
  ['始める:はじめる', '始まる:はじまる'],
  ['決める:きめる', '決まる:きまる'],
  ['変える:かえる*', '変わる:かわる'],
  ['続ける:つづける', '続く:つづく'],
  ['見つける:みつける', '見つかる:みつかる'],
  ['集める:あつめる', '集まる:あつまる'],
  ['伝える:つたえる', '伝わる:つたわる'],
  ['広げる:ひろげる', '広がる:ひろがる'],
  ['終える:おえる', '終わる:おわる'],
  ['助ける:たすける', '助かる:たすかる'],
  ['育てる:そだてる', '育つ:そだつ'],
  ['高める:たかめる', '高まる:たかまる'],
  ['深める:ふかめる', '深まる:ふかまる'],
  ['固める:かためる', '固まる:かたまる'],
  ['増やす:ふやす', '増える:ふえる'],
  ['残す:のこす', '残る:のこる'],
  ['起こす:おこす', '起きる:おきる'],
  ['落とす:おとす', '落ちる:おちる'],
  ['動かす:うごかす', '動く:うごく'],
  ['届ける:とどける', '届く:とどく'],
  ['壊す:こわす', '壊れる:こわれる'],
  ['入れる:いれる', '入る:はいる'],
  ['進める:すすめる*', '進む:すすむ'],
];

function verbOf(entry: string): PairVerb {
  const [written = '', kana = ''] = entry.split(':');
  return { written, kana: kana.replace('*', ''), homophone: kana.endsWith('*') };
}

/** Each verb by its kana and by its kanji, to the other verb of its pair. */
const BY_FORM: ReadonlyMap<string, PairVerb> = (() => {
  const out = new Map<string, PairVerb>();
  for (const [a, b] of PAIRS) {
    const t = verbOf(a);
    const i = verbOf(b);
    // A homophone's kana is no key: かえる typed may be 帰る, whose pair is no 変わる.
    if (!t.homophone) out.set(t.kana, i);
    if (!i.homophone) out.set(i.kana, t);
    out.set(t.written, i);
    out.set(i.written, t);
  }
  return out;
})();

/** The other verb of the pair a dictionary form (kana or kanji) belongs to; undefined for any other verb. */
export function pairedVerb(form: string): PairVerb | undefined {
  return BY_FORM.get(form);
}

/** Every pair, for tests: transitive and intransitive. */
export function verbPairs(): Array<[PairVerb, PairVerb]> {
  return PAIRS.map(([a, b]) => [verbOf(a), verbOf(b)]);
}
