/**
 * Index tokens made elsewhere (the local server's parse worker tokenizes a transcript with its
 * parse and tags; lib/search/index.ts tokenizeInterview) must index exactly what the index makes
 * of the same interview itself, readings included; tokens that do not fit are not used.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { type InterviewTokens, QuoteIndex, tokenizeInterview } from '../../lib/search/index.ts';
import type { ReadingAnalyzer } from '../../lib/text/readings.ts';
import { sampleInterviews } from '../helpers/samples.ts';

// A stand-in for kuromoji's readings (the dictionary takes seconds to load): a few kanji words.
const READINGS: Record<string, string[]> = {
  結婚: ['ケッコン'],
  将来: ['ショウライ'],
  介護: ['カイゴ'],
  仕事: ['シゴト'],
  時間: ['ジカン'],
};
const readings: ReadingAnalyzer = (word) => READINGS[word] ?? [];

const tagsOf = (iv: Interview) =>
  new Map(iv.turns.map((t, i) => [t.id, i % 3 === 0 ? ['work-balance'] : []] as const));

/** Tokens as a worker sends them: through the structured clone of postMessage. */
const fromWorker = (iv: Interview, mode: QuoteIndex['mode'] = 'hybrid'): InterviewTokens =>
  structuredClone(tokenizeInterview(iv, mode));

/** The packed snapshot without its creation time (the one thing two equal indexes differ in). */
const packed = (index: QuoteIndex) =>
  Buffer.from(index.toSnapshot())
    .toString('latin1')
    .replace(/"createdAt":"[^"]*"/, '"createdAt":""');

function build(interviews: readonly Interview[], tokens: (iv: Interview) => InterviewTokens | undefined) {
  const index = new QuoteIndex({ readings });
  for (const iv of interviews) index.upsertInterview(iv, tagsOf(iv), tokens(iv));
  return index;
}

describe('index tokens made by a worker', () => {
  const interviews = sampleInterviews();

  it('index exactly what the index makes itself (the packed snapshots are byte for byte equal)', () => {
    const here = build(interviews, () => undefined);
    const there = build(interviews, (iv) => fromWorker(iv));
    expect(there.stats).toEqual(here.stats);
    expect(packed(there) === packed(here)).toBe(true);
  });

  it('answer searches, kana readings and completions alike', () => {
    const here = build(interviews, () => undefined);
    const there = build(interviews, (iv) => fromWorker(iv));
    for (const q of ['介護', 'かいご', 'けっこん', '時間配分', 'クラウドソーシング', '将来', 'しごと']) {
      const a = here.search({ q, limit: 20 });
      const b = there.search({ q, limit: 20 });
      expect(b.total, q).toBe(a.total);
      expect(b.hits.map((h) => [h.quoteId, h.score])).toEqual(a.hits.map((h) => [h.quoteId, h.score]));
    }
    expect(here.search({ q: 'かいご', limit: 5 }).total).toBeGreaterThan(0);
    for (const q of ['クラ', 'けっ', '介']) expect(there.suggest(q, 10), q).toEqual(here.suggest(q, 10));
  });

  it('are not used when they do not fit: another interview, another mode or analyzer version', () => {
    const iv = parseInterview(
      '---\ntitle: 介護と仕事\n---\n聞き手：介護と仕事の時間配分は？\n話し手：難しいです。将来のことも考えます。\n',
      { id: 'fit' },
    );
    const other = parseInterview(
      '---\ntitle: 結婚\n---\n聞き手：結婚相手は？\n話し手：クラウドソーシングで探しました。\n聞き手：本当に？\n',
      { id: 'other' },
    );
    const expected = packed(build([iv], () => undefined));
    const misfits: InterviewTokens[] = [
      fromWorker(other),
      fromWorker(iv, 'bigrams'),
      { ...fromWorker(iv), analyzer: -1 },
    ];
    for (const tokens of misfits) {
      const index = build([iv], () => tokens);
      expect(packed(index) === expected).toBe(true);
    }
  });
});
