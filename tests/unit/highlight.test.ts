import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRanges, mergeRanges, type Range } from '../../lib/search/highlight.ts';

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

describe('mergeRanges', () => {
  /** The merge as it was before it worked in place: filter, sort, copies. */
  const reference = (ranges: Range[]): Range[] => {
    const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Range[] = [];
    for (const r of sorted) {
      const last = out.at(-1);
      if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
      else out.push({ ...r });
    }
    return out;
  };

  it('orders and merges as sort and copies did, by insertion for few ranges and by sort for many', () => {
    expect(
      mergeRanges([
        { start: 5, end: 7 },
        { start: 0, end: 2 },
        { start: 3, end: 3 },
        { start: 1, end: 4 },
        { start: 9, end: 10 },
      ]),
    ).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 7 },
      { start: 9, end: 10 },
    ]);
    const range = fc
      .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: -2, max: 8 }))
      .map(([start, length]) => ({ start, end: start + length }));
    const check = (ranges: Range[]) => {
      const expected = reference(ranges.map((r) => ({ ...r })));
      expect(mergeRanges(ranges.map((r) => ({ ...r })))).toEqual(expected);
    };
    fc.assert(fc.property(fc.array(range, { maxLength: 20 }), check), { numRuns: 3000 });
    // Past the insertion sort's limit (32 non-empty ranges).
    fc.assert(fc.property(fc.array(range, { minLength: 60, maxLength: 120 }), check), { numRuns: 500 });
  });
});
