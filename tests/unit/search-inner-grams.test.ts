/**
 * A pair of kanji inside a longer word (反対 of 正反対) is kept apart by the index: a query word of
 * those two kanji still finds it, below the quotes that say the word itself.
 */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { analyze, innerGrams } from '../../lib/text/analyze.ts';

describe('innerGrams', () => {
  const inner = (text: string) => {
    const tokens = analyze(text);
    const flags = innerGrams(tokens);
    return tokens.filter((_, i) => flags[i] === 1).map((t) => t.term);
  };

  it('flags the bigrams of a longer word, not the word said alone', () => {
    expect(inner('性格なんて正反対ですよ。')).toEqual(['正反', '反対']);
    expect(inner('考え方に反対する人もいる')).toEqual([]);
  });
});

describe('a word of two kanji ranks the quotes saying it above those where it is inside another', () => {
  const index = new QuoteIndex();
  index.upsertInterview(
    parseInterview(
      [
        '聞き手：似ていますか？',
        '山田：性格は正反対です。',
        '聞き手：ご家族は？',
        '山田：最初は家族みんなが僕の考えに反対していて、説得するのに何年もかかりました。',
        ...Array.from(
          { length: 20 },
          (_, i) => `聞き手：${i + 1}日目は？\n山田：${i + 1}日目は海で泳ぎました。`,
        ),
      ].join('\n'),
      { id: 'r', format: 'prefixed' },
    ),
  );

  it('lists 反対 said alone first, and still finds 正反対', () => {
    const hits = index.search({ q: '反対', limit: 10 }).hits.map((h) => h.text);
    expect(hits[0]).toContain('反対していて');
    expect(hits.some((t) => t.includes('正反対'))).toBe(true);
  });

  it('finds a longer word by its own bigrams as before', () => {
    const hits = index.search({ q: '正反対', limit: 10 }).hits.map((h) => h.text);
    expect(hits[0]).toBe('性格は正反対です。');
  });
});
