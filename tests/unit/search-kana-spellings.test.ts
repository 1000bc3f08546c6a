/**
 * Every written form of a noun reading is reachable from the kana (readings version 13): a reading
 * term keeps one surface in the whole index, the first seen (チュウシャ → 注射 when the interview
 * saying 注射 came first), and the spelling terms (\u0004チュウシャ\u0004駐車) were kept only for
 * words read in their context (好き, 夢). So ちゅうしゃじょう (駐車場) and こうつうひ (交通費) found
 * nothing on an index where 注射 or 交通事故 came first: the kana split tries the reading's
 * spellings, and 駐車 was none of them.
 */
import { describe, expect, it } from 'vitest';
import { QuoteIndex } from '../../lib/search/index.ts';
import type { ReadingAnalyzer } from '../../lib/text/readings.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

// The interview saying 注射 and 交通事故 is indexed first: their readings' surfaces.
const clinic = prefixedInterview('ks-clinic', [
  '聞き手：病院は？',
  '話し手：注射が苦手なんです。',
  '聞き手：ニュースは？',
  '話し手：交通事故が多いですね。',
]);
const hotel = prefixedInterview('ks-hotel', [
  '聞き手：お車ですか？',
  '話し手：駐車場はありますか。',
  '聞き手：はい、ございます。',
  '話し手：駐車は無料ですか。',
  '聞き手：出張ですか？',
  '話し手：交通費は会社が出します。',
]);
const talks = [clinic, hotel];
const textOf = (id: string) => talks.flatMap((t) => t.turns).find((t) => t.id === id)?.text ?? '';

describe('a reading two kanji words share, the other one indexed first', () => {
  const { index, readings, search } = readingsIndex(talks);
  const said = (q: string, from?: QuoteIndex) => search(q, from).map((h) => textOf(h.quoteId));

  it('finds the compound of the word indexed second (ちゅうしゃじょう → 駐車場), marked whole', () => {
    const hits = search('ちゅうしゃじょう');
    expect(textOf(hits[0]?.quoteId ?? '')).toBe('駐車場はありますか。');
    expect(hits[0]?.highlight.html).toContain('<mark>駐車場</mark>');
  });

  it('finds 交通費 for こうつうひ where 交通事故 came first', () => {
    expect(said('こうつうひ')[0]).toBe('交通費は会社が出します。');
  });

  it('finds both spellings of ちゅうしゃ, each marked where a quote says it', () => {
    const hits = search('ちゅうしゃ');
    const texts = hits.map((h) => textOf(h.quoteId));
    expect(texts).toEqual(
      expect.arrayContaining(['注射が苦手なんです。', '駐車場はありますか。', '駐車は無料ですか。']),
    );
    const parking = hits.find((h) => textOf(h.quoteId) === '駐車は無料ですか。');
    expect(parking?.highlight.html).toContain('<mark>駐車</mark>');
  });

  it('keeps the spellings through a snapshot (a reader has no dictionary)', () => {
    const loaded = QuoteIndex.fromSnapshot(index().toSnapshot());
    expect(said('ちゅうしゃじょう', loaded)[0]).toBe('駐車場はありますか。');
    expect(said('こうつうひ', loaded)[0]).toBe('交通費は会社が出します。');
  });

  it('reads each reading with its written form, the dictionary word (交通事故 → 交通, 事故)', () => {
    const r = readings();
    expect(r('交通事故')).toEqual(['コウツウ', 'ジコ']);
    expect(r.spelled?.('交通事故')).toEqual(['交通', '事故']);
    expect(r.spelled?.('駐車')).toEqual(['駐車']);
  });

  it('still answers from an index built with readings before version 13 (no spellings)', () => {
    // The analyzer as version 12 had it: the same readings, no `spelled`.
    const r = readings();
    const older: ReadingAnalyzer = Object.assign((w: string) => r(w), {
      ...(r.dictionary ? { dictionary: r.dictionary } : {}),
      ...(r.inflected ? { inflected: r.inflected } : {}),
      ...(r.written ? { written: r.written } : {}),
    });
    const old = new QuoteIndex({ readings: older });
    for (const t of talks) old.upsertInterview(t);
    const loaded = QuoteIndex.fromSnapshot(old.toSnapshot());
    // The reading still finds every quote saying it; only the compound needs the new link.
    expect(said('ちゅうしゃ', loaded)).toEqual(
      expect.arrayContaining(['注射が苦手なんです。', '駐車は無料ですか。']),
    );
    expect(said('ちゅうしゃじょう', loaded)).toEqual([]);
  });
});
