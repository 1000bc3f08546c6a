import { describe, expect, it } from 'vitest';
import { matchRanges } from '../../lib/search/highlight.ts';

const NO_TERMS: ReadonlySet<string> = new Set();
const marked = (text: string, ranges: ReturnType<typeof matchRanges>) =>
  ranges.map((r) => text.slice(r.start, r.end));

describe('matchRanges: inflected forms', () => {
  it('marks a verb inflected after its kanji stem, with the kana the rules read back to it', () => {
    const text = 'お金を貯めていました。';
    expect(marked(text, matchRanges(text, NO_TERMS, [], ['貯める']))).toEqual(['貯めていました']);
  });

  it('marks a one-kanji stem with the kana the rules do not know (稼ぎ) where it starts a word', () => {
    const text = 'その稼ぎで暮らす。';
    expect(marked(text, matchRanges(text, NO_TERMS, [], ['稼ぐ']))).toEqual(['稼ぎ']);
  });

  it('leaves the last kanji of another word alone: 分る does not mark 自分が', () => {
    // 分る is a spelling of 分かる the index may hold; its stem 分 ends 自分, a word of its own.
    const text = '自分が決めたことです。';
    expect(matchRanges(text, NO_TERMS, [], ['分る'])).toEqual([]);
    expect(matchRanges(text, NO_TERMS, [], ['分かる'])).toEqual([]);
  });

  it('leaves the first kanji of a compound alone: 安い does not mark 安定', () => {
    // 給料が安い marked 安 of 安定している: a stem followed by a kanji is another word.
    const text = '安定している正社員で、給料は安くない。';
    expect(marked(text, matchRanges(text, NO_TERMS, [], ['安い']))).toEqual(['安くない']);
  });

  it('still marks the form the rules confirm after another kanji word (自分で分かった)', () => {
    const text = '自分で分かったんです。';
    expect(marked(text, matchRanges(text, NO_TERMS, [], ['分かる']))).toEqual(['分かった']);
  });
});

describe('matchRanges: kana needles', () => {
  it('marks the whole katakana word a needle is part of, with its long vowel', () => {
    const text = 'クラウドソーシングとコーヒー';
    expect(marked(text, matchRanges(text, NO_TERMS, ['ソーシング', 'コーヒ']))).toEqual([
      'クラウドソーシング',
      'コーヒー',
    ]);
  });

  it('marks a word written in hiragana as written, without the ー of the interjection before it', () => {
    const text = 'あーわかる。';
    expect(marked(text, matchRanges(text, NO_TERMS, ['ワカル']))).toEqual(['わかる']);
  });

  it('does not stretch a hiragana match over the katakana word beside it', () => {
    const text = 'ゲームわかる人';
    expect(marked(text, matchRanges(text, NO_TERMS, ['ワカル']))).toEqual(['わかる']);
  });
});
