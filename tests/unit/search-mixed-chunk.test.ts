/**
 * A chunk typed half converted — a word in kana then kanji (けっこん式, えいが館, せんもん学校,
 * ひとり暮らし), or a kanji word then a suffix in kana (映画かん, 芸能かい) — is searched as the
 * compound the quotes write (結婚式, 映画館, 専門学校, 一人暮らし, 芸能界): on main they found nothing
 * (けっこん式, えいが館), the kana's other words (せんもん学校: せん, もん, 学校), or かん as any カン
 * (映画かん: 映画 and 観). Written only on the index's evidence; a word the quotes also write with
 * kana (子ども) keeps the kana path, which finds every spelling.
 */
import { describe, expect, it } from 'vitest';
import { mixedCompound, TERM_PRESENT, TERM_WORD, type Vocabulary } from '../../lib/search/kana-split.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

/**
 * A hand vocabulary: `words` are words of the index (a reading's surface when given one), `pairs`
 * kanji pairs some quote has (with how many quotes), `readings` reading terms and their surfaces.
 */
function vocabulary(
  words: string[],
  pairs: Record<string, number>,
  readings: Record<string, string[]>,
  compounds: Record<string, string> = {},
): Vocabulary {
  const word = new Set([...words, ...Object.keys(readings), ...Object.keys(compounds)]);
  return {
    known: (t) => (word.has(t) ? TERM_WORD | TERM_PRESENT : (pairs[t] ?? 0) > 0 ? TERM_PRESENT : 0),
    written: (t) => readings[t]?.[0] ?? compounds[t],
    spellings: (t) => readings[t] ?? [],
    quotes: (t) => pairs[t] ?? 0,
    readingsWithPrefix: (prefix) =>
      Object.entries(compounds)
        .filter(([term]) => term.startsWith(prefix))
        .map(([term, written]) => ({ term, written })),
  };
}

describe('mixedCompound', () => {
  const v = vocabulary(
    ['映画館', '結婚式'],
    { 門学: 2, 能界: 3, 能会: 1, 画観: 4 },
    {
      ケッコン: ['結婚'],
      エイガ: ['映画'],
      センモン: ['専門'],
      ヒトリ: ['ひとり', '独り'],
      コドモ: ['子ども', '子供'],
    },
    { ヒトリグラシ: '一人暮らし' },
  );

  it('writes a kana word then kanji as the compound the index has: a word, a kanji pair, a reading', () => {
    expect(mixedCompound('けっこん式', v)).toBe('結婚式');
    expect(mixedCompound('えいが館', v)).toBe('映画館');
    expect(mixedCompound('せんもん学校', v)).toBe('専門学校');
    // ひとり's spellings (ひとり, 独り) lack 一人: the reading ヒトリグラシ written 一人暮らし.
    expect(mixedCompound('ひとり暮らし', v)).toBe('一人暮らし');
  });

  it('writes a kanji word then a kana suffix: the compound as a word first, else the pair most quotes have', () => {
    // 画観 (映画を観た) is in more quotes, but 映画館 is a word.
    expect(mixedCompound('映画かん', v)).toBe('映画館');
    // 能界 in 3 quotes, 能会 in 1: 会 comes first in the table.
    expect(mixedCompound('芸能かい', v)).toBe('芸能界');
  });

  it('leaves a chunk alone without the evidence, or where the kana are no word to convert', () => {
    // 子ども beside 子供: the kana typed finds both spellings; one kanji spelling would lose one.
    expect(
      mixedCompound('こども時代', vocabulary([], { 供時: 1 }, { コドモ: ['子ども', '子供'] })),
    ).toBeNull();
    // No word 結婚式 nor pair 婚式.
    expect(mixedCompound('けっこん式', vocabulary([], {}, { ケッコン: ['結婚'] }))).toBeNull();
    // から is grammar, not a suffix; かな is no suffix of the table.
    expect(mixedCompound('映画から', v)).toBeNull();
    expect(mixedCompound('映画かな', v)).toBeNull();
    // A head that is no word of the index (a name typed in kana).
    expect(mixedCompound('ぺこぱ式', v)).toBeNull();
    // The chunk as typed is a word of the index: the quotes say it so.
    expect(
      mixedCompound('ひとり暮らし', vocabulary(['ひとり暮ラシ'], {}, {}, { ヒトリグラシ: '一人暮らし' })),
    ).toBeNull();
  });
});

describe('chunks typed half converted over a kuromoji-read interview', () => {
  const talk = prefixedInterview('mx', [
    '聞き手：週末は何をしていましたか？',
    '山田：友人の結婚式でスピーチをしました。',
    '聞き手：結婚の予定は？',
    '山田：結婚して二年になります。',
    '聞き手：映画はどこで？',
    '山田：映画館で観るのが好きなんです。',
    '聞き手：最近は？',
    '山田：家で映画を観ることが増えました。',
    '聞き手：学生のころは？',
    '山田：専門学校でデザインを学びました。',
    '聞き手：学校は楽しかった？',
    '山田：学校の帰りによく寄り道をしました。',
    '聞き手：今はどこに？',
    '山田：東京で一人暮らしをしています。',
    '聞き手：家族は？',
    '山田：ひとりの時間も大切にしています。',
    '聞き手：芸能界はどうですか？',
    '山田：芸能界は厳しい世界です。',
    '聞き手：子どもの頃は？',
    '山田：子ども時代は外で遊んでばかりでした。',
    '聞き手：ほかには？',
    '山田：子供時代の写真を見返しました。',
  ]);
  const { search, ids } = readingsIndex(talk);
  const starts = (q: string) => search(q).map((h) => h.text.slice(0, 6));

  it('けっこん式 and えいが館 find what 結婚式 and 映画館 find, marked whole', () => {
    expect(ids('けっこん式')).toEqual(ids('結婚式'));
    expect(starts('けっこん式')).toContain('友人の結婚式');
    expect(search('けっこん式')[0]?.highlight.html).toContain('<mark>結婚式</mark>');
    expect(ids('えいが館')).toEqual(ids('映画館'));
    expect(starts('えいが館')).toContain('映画館で観る');
  });

  it('映画かん finds the 映画館 quote, not 映画 … 観 ones', () => {
    expect(ids('映画かん')).toEqual(ids('映画館'));
    expect(starts('映画かん')).not.toContain('家で映画を観');
  });

  it('せんもん学校 is the compound, not relaxed into the 学校 quotes', () => {
    expect(starts('せんもん学校')).toEqual(['専門学校でデ']);
  });

  it('ひとり暮らし finds 一人暮らし, not ひとり alone', () => {
    expect(ids('ひとり暮らし')).toEqual(ids('一人暮らし'));
    expect(starts('ひとり暮らし')).toEqual(['東京で一人暮']);
  });

  it('芸能かい finds 芸能界; こども時代 still finds both spellings', () => {
    expect(ids('芸能かい')).toEqual(ids('芸能界'));
    expect(starts('芸能かい')).toContain('芸能界は厳し');
    expect(starts('こども時代')).toEqual(expect.arrayContaining(['子ども時代は', '子供時代の写']));
  });
});
