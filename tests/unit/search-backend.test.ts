/** The search port: QuoteIndex serves reads and writes through it, snapshot included. */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { asBackend, type SearchBackend } from '../../lib/search/backend.ts';
import { QuoteIndex } from '../../lib/search/index.ts';

describe('SearchBackend', () => {
  it('applies and removes interviews, edits tags, and survives a snapshot', () => {
    const backend: SearchBackend = asBackend(new QuoteIndex());
    const iv = parseInterview('聞き手：趣味は？\n山田：陶芸です。', { id: 'b1' });
    backend.upsertInterview(iv);
    expect(backend.search({ q: '陶芸' }).hits.map((h) => h.quoteId)).toEqual(['b1-t002']);
    expect(backend.setQuoteTags('b1-t002', ['hobby'])).toBe(true);
    expect(backend.tagCounts()).toEqual({ hobby: 1 });
    const plan = backend.plan({ q: '陶芸' });
    expect(plan.documentIds).toEqual(['b1']);
    const loaded = asBackend(QuoteIndex.fromSnapshot(backend.toSnapshot()));
    expect(loaded.plan({ q: '陶芸' }).render((id) => (id === 'b1' ? iv : undefined)).hits[0]?.tags).toEqual([
      'hobby',
    ]);
    expect(backend.removeInterview('b1')).toBe(true);
    expect(backend.stats).toEqual({ quotes: 0, interviews: 0 });
  });
});
