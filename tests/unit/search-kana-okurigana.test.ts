/**
 * Compounds typed in kana that the quotes write with kanji the segmenter cuts apart:
 * - a verb's stem and a noun cut at the okurigana (のみかい 飲み会: 飲|会, み dropped; たべほうだい
 *   食べ放題: 食|放題): no term of the index is the whole nor its reading, so the run is written as the
 *   quotes write it and searched as the kanji typed;
 * - words typed side by side (にんげんかんけい, 人間かんけい) whose kanji the index has side by side:
 *   one compound, the quotes saying it whole first, as 人間関係 typed;
 * - a quote found through its question saying the compound shows it there, not its parts in its
 *   own text (静かに飲んでて answering 「静かな飲み会のスタイルもありますかね？」).
 * Interviews read by kuromoji (the readings the index keeps), as a deployment indexes them.
 */
import { describe, expect, it } from 'vitest';
import { okuriganaCompound, TERM_WORD, type Vocabulary } from '../../lib/search/kana-split.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

/** A hand vocabulary: words of the index, and the written forms of dictionary-form readings. */
function vocabulary(words: string[], verbs: Record<string, string[]>): Vocabulary {
  const known = new Set(words);
  return {
    known: (t) => (known.has(t) ? TERM_WORD | 1 : 0),
    spellings: (t) => (t === 'ホウダイ' ? ['放題'] : []),
    writtenForms: (reading) => (verbs[reading] ?? []).map((written) => ({ written, quotes: 1 })),
  };
}

describe('okuriganaCompound', () => {
  const v = vocabulary(['飲', '会', '食', '放題', '書'], {
    ノム: ['飲む'],
    タベル: ['食べる'],
    カク: ['書く'],
  });

  it('writes a godan or ichidan stem and a noun as the quotes do', () => {
    expect(okuriganaCompound('のみかい', v)).toBe('飲み会');
    expect(okuriganaCompound('たべほうだい', v)).toBe('食べ放題');
  });

  it('needs the verb, the noun and the kanji as words of the index', () => {
    // No verb with the stem かき written with a kanji in these quotes' vocabulary but 書く; 方 is no word here.
    expect(okuriganaCompound('かきかた', v)).toBeNull();
    expect(okuriganaCompound('のみかい', vocabulary(['飲'], { ノム: ['飲む'] }))).toBeNull();
    expect(okuriganaCompound('のみかい', vocabulary(['飲', '会'], {}))).toBeNull();
  });

  it('takes no one-kana noun (か, し are mostly grammar) and no okurigana the verb does not have', () => {
    expect(okuriganaCompound('のみか', v)).toBeNull();
    // 飲む's continuative is のみ: のめ|かい is not 飲め会.
    expect(okuriganaCompound('のめかい', v)).toBeNull();
  });
});

describe('kana compounds over a kuromoji-read interview', () => {
  const talk = prefixedInterview('ko', [
    '聞き手：静かな飲み会のスタイルもありますかね？',
    '山田：静かに飲んでて、あまり盛り上がっていないように見えても、みんな楽しんでいるんです。',
    '聞き手：最近はどうですか？',
    '山田：会社の飲み会にはなるべく顔を出すようにしています。',
    '聞き手：お茶はどうですか？',
    '山田：お茶を飲んでいる人って素敵ですよね。会に出る前に一杯。',
    '聞き手：ドラマの見どころは？',
    '山田：絡み合う人間関係が見どころです。',
    '聞き手：ほかには？',
    '山田：ゴルフは人間性が出ますし、仕事との関係も深いんです。',
    '聞き手：現場はどうでしたか？',
    '山田：撮影現場の人間関係はとても良かったです。',
  ]);
  const { search } = readingsIndex(talk);

  it('のみかい finds what 飲み会 finds, the quote saying it marked whole', () => {
    const kana = search('のみかい');
    expect(kana.map((h) => h.quoteId)).toEqual(search('飲み会').map((h) => h.quoteId));
    const said = kana.find((h) => h.text.startsWith('会社の飲み会'));
    expect(said?.highlight.html).toContain('<mark>飲み会</mark>');
    // お茶を飲んでいる … 会 says the parts, not the compound.
    expect(kana.some((h) => h.text.startsWith('お茶を'))).toBe(false);
  });

  it('marks nothing of the compound in an answer found through its question', () => {
    const answer = search('飲み会').find((h) => h.text.startsWith('静かに'));
    expect(answer?.matchedIn).toContain('question');
    expect(answer?.highlight.html).not.toContain('<mark>');
    expect(answer?.question?.ranges.length).toBeGreaterThan(0);
  });

  it('にんげんかんけい and 人間かんけい list the quotes saying 人間関係 whole, not the parts apart', () => {
    for (const q of ['にんげんかんけい', '人間かんけい', '人間関係']) {
      const hits = search(q);
      expect(hits.map((h) => h.text.slice(0, 6))).toEqual(['絡み合う人間', '撮影現場の人']);
      expect(hits[0]?.highlight.html).toContain('<mark>人間関係</mark>');
    }
  });
});
