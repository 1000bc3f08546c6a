import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRanges, mergeRanges, type Range } from '../../lib/search/highlight.ts';
import { analyzeNormalized } from '../../lib/text/analyze.ts';

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

  // A turn holds up to 20,000 units (a text here five times that). Each match of a long katakana run used to walk the whole run
  // again (19,000 ア and q=ア: 14 s, the event loop blocked); a quadratic walk fails these by the
  // test timeout, a linear one answers in milliseconds (no timing assertion).
  it('marks a 100,000-unit katakana or ー run once, in linear time', () => {
    for (const [text, needle] of [
      ['ア'.repeat(100_000), 'ア'],
      ['ア'.repeat(100_000), 'アア'],
      [`カ${'ー'.repeat(100_000)}`, 'ー'],
      [`${'ア'.repeat(50_000)}人${'ア'.repeat(50_000)}`, 'ア'],
    ] as const) {
      const ranges = matchRanges(text, NO_TERMS, [needle]);
      const runs = text.split('人');
      expect(ranges).toHaveLength(runs.length);
      expect(marked(text, ranges)).toEqual(runs);
    }
  });

  it('marks what matching at every place marks, on random kana text', () => {
    /** The walk without the skip past a widened run: the reference the skip must agree with. */
    const everyMatch = (text: string, needle: string): Range[] => {
      const out: Range[] = [];
      const folded = text.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
      // Two kana or fewer matched in hiragana are marked only where the text has them as a word.
      const words = new Set(
        analyzeNormalized(text)
          .filter((t) => t.kind === 'word' || t.kind === 'kana')
          .map((t) => `${t.start}:${t.end}`),
      );
      for (let at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + needle.length)) {
        let start = at;
        let end = at + needle.length;
        const hiragana = /[\u3041-\u3096]/.test(text.slice(at, end));
        if (hiragana && needle.length <= 2 && !words.has(`${at}:${end}`)) continue;
        if (!/[\u3041-\u3096]/.test(text.slice(at, end))) {
          while (start > 0 && /[\u30A1-\u30FAー]/.test(text.charAt(start - 1))) start--;
          while (start < at && text.charAt(start) === 'ー') start++;
          while (end < text.length && /[\u30A1-\u30FAー]/.test(text.charAt(end))) end++;
        } else while (end < text.length && text.charAt(end) === 'ー') end++;
        out.push({ start, end });
      }
      return mergeRanges(out);
    };
    const unit = fc.constantFrom('ア', 'イ', 'ー', 'あ', 'い', '。', '人');
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 40 }).map((a) => a.join('')),
        fc.array(fc.constantFrom('ア', 'イ', 'ー'), { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
        (text, needle) => {
          expect(matchRanges(text, NO_TERMS, [needle])).toEqual(everyMatch(text, needle));
        },
      ),
      { numRuns: 3000 },
    );
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
