import { describe, expect, it } from 'vitest';
import {
  splitKanaRun,
  suffixKanji,
  TERM_PRESENT,
  TERM_WORD,
  type TermLookup,
} from '../../lib/search/kana-split.ts';
import { livedoorDir, livedoorIndex, prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';
import { available } from '../helpers/shared.ts';

/** Words (readings, or kanji words as written) and bigrams the index has. */
function vocabulary(words: string[], present: string[] = []): TermLookup {
  const known = new Map<string, number>();
  for (const w of words) known.set(w, TERM_PRESENT | TERM_WORD);
  for (const p of present) known.set(p, TERM_PRESENT);
  return (term) => known.get(term) ?? 0;
}

const SURFACES: Record<string, string> = {
  タンジョウ: '誕生',
  エイガ: '映画',
  コウツウ: '交通事故',
  チュウシャ: '注射',
  キネン: '記念',
  カジ: '家事',
};
const written = (t: string) => SURFACES[t];
const show = (run: string, v: TermLookup, spellings?: (t: string) => readonly string[]) =>
  splitKanaRun(run, v, written, spellings)?.map(
    (p) => `${p.text}:${p.kind}${p.compound ? `:${p.compound}` : ''}`,
  ) ?? null;

describe('the suffixes derived from the corpora', () => {
  it('read each kanji as it is said in the compounds, rendaku included', () => {
    expect(suffixKanji('び')).toContain('日'); // 誕生日, 記念日
    expect(suffixKanji('ひ')).toContain('費'); // 交通費, 生活費
    expect(suffixKanji('じょう')).toContain('場'); // 駐車場
    expect(suffixKanji('ち')).toContain('地'); // 観光地, 遊園地
    expect(suffixKanji('かん')).toEqual(expect.arrayContaining(['感', '館'])); // 距離感, 映画館
    expect(suffixKanji('しき')).toContain('式');
    expect(suffixKanji('いん')).toContain('院');
  });

  it('hold no tail a split reads as grammar (か of 映画化 is the particle)', () => {
    expect(suffixKanji('か')).toEqual([]);
    expect(suffixKanji('は')).toEqual([]);
    expect(suffixKanji('ない')).toEqual([]);
    expect(suffixKanji('constructor')).toEqual([]);
  });
});

describe('a kana tail after a word the index writes in kanji', () => {
  it('is the compound when the index has its two kanji across the cut (たんじょう|び → 誕生日)', () => {
    const v = vocabulary(['タンジョウ', 'キネン'], ['生日', '念日']);
    expect(show('たんじょうび', v)).toEqual(['たんじょう:word', 'び:suffix:誕生日']);
    expect(show('きねんび', v)).toEqual(['きねん:word', 'び:suffix:記念日']);
  });

  it('is the compound the index has as a word (えいが|かん → 映画館, not the 感 of 距離感)', () => {
    expect(show('えいがかん', vocabulary(['エイガ', '映画館']))).toEqual([
      'えいが:word',
      'かん:suffix:映画館',
    ]);
  });

  it('is no compound the index lacks, and a word of two kana takes no tail of one', () => {
    expect(show('たんじょうび', vocabulary(['タンジョウ']))).toBeNull();
    // 家事場 would need 事場; and かじ|ば is two kana and one: no split at all.
    expect(show('かじば', vocabulary(['カジ'], ['事場']))).toBeNull();
  });

  it('tries every spelling of the word, not its surface only (ちゅうしゃ: 注射 and 駐車)', () => {
    const v = vocabulary(['チュウシャ', 'コウツウ'], ['車場', '通費']);
    const spellings = (t: string) =>
      ({ チュウシャ: ['注射', '駐車'], コウツウ: ['交通事故', '交通'] })[t] ?? [];
    expect(show('ちゅうしゃじょう', v, spellings)).toEqual(['ちゅうしゃ:word', 'じょう:suffix:駐車場']);
    expect(show('こうつうひ', v, spellings)).toEqual(['こうつう:word', 'ひ:suffix:交通費']);
    // With the surface alone (注射: no 射場) there is none.
    expect(show('ちゅうしゃじょう', v)).toBeNull();
  });

  it('leaves a particle after a word as grammar (えいが|か: 映画か, not 映画化)', () => {
    expect(show('えいがか', vocabulary(['エイガ'], ['画化']))).toEqual(['えいが:word', 'か:grammar']);
  });
});

describe('searching an index read by kuromoji', () => {
  const talk = prefixedInterview('kc', [
    '聞き手：いつですか？',
    '話し手：会社が誕生したのは昔です。',
    '聞き手：お祝いは？',
    '話し手：誕生日は五月です。',
    '聞き手：ケーキは？',
    '話し手：誕生日にはケーキです。',
    '聞き手：費用は？',
    '話し手：交通費は出ます。',
  ]);
  const { search } = readingsIndex(talk);
  const said = (q: string) => search(q).map((h) => talk.turns.find((t) => t.id === h.quoteId)?.text ?? '');

  it('finds the quotes saying the compound first, marked whole (たんじょうび → 誕生日)', () => {
    // Both quotes saying 誕生日 rank before the one saying 誕生 (the word typed, still found).
    const texts = said('たんじょうび');
    expect(texts.slice(0, 2).sort()).toEqual(['誕生日にはケーキです。', '誕生日は五月です。']);
    expect(texts[2]).toBe('会社が誕生したのは昔です。');
    expect(search('たんじょうび')[0]?.highlight.html).toContain('<mark>誕生日</mark>');
  });

  it('finds a compound with a suffix of one kana read ひ (こうつうひ → 交通費)', () => {
    expect(said('こうつうひ')[0]).toContain('交通費');
  });
});

const haveCorpus = available(livedoorDir, 'kana compounds on the livedoor interviews');

describe.runIf(haveCorpus)('on the real livedoor interviews', () => {
  const { readings } = readingsIndex([], 10);
  const { hits, said } = livedoorIndex(
    ['livedoor-homme/livedoor-homme-5394587.txt', 'movie-enter/movie-enter-6278407.txt'],
    readings,
  );

  it('たんじょうび lists the four quotes saying 誕生日 first', () => {
    const found = said('たんじょうび');
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.slice(0, 4).every((t) => t.includes('誕生日'))).toBe(true);
  });

  it('えいがかん lists the quotes saying 映画館 first, 映画館 marked whole', () => {
    const found = hits('えいがかん');
    expect(said('えいがかん')[0]).toContain('映画館');
    expect(found[0]?.highlight.html).toContain('<mark>映画館</mark>');
  });
});
