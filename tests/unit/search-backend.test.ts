/**
 * The search port: today's engine (QuoteIndex) runs the SearchBackend contract twice — reopened
 * from one folded snapshot, and from the parts a writer seals batch by batch (a base and
 * segments over it, as readers of published snapshots open them).
 */
import { describe, expect, it } from 'vitest';
import { defaultIndexOptions } from '../../lib/indexer.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { asBackend, type SearchBackend } from '../../lib/search/backend.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { searchBackendContract } from '../helpers/search-backend-contract.ts';

const options = defaultIndexOptions();

searchBackendContract('the packed engine, reopened from a snapshot', {
  create: () => asBackend(new QuoteIndex(options)),
  reopen: (b) => asBackend(QuoteIndex.fromSnapshot(b.toSnapshot(), options)),
});

// Each settle seals the writes so far into a part; reopening places the parts in order.
const sealed = new WeakMap<SearchBackend, Uint8Array[]>();
searchBackendContract('the packed engine, reopened from sealed parts', {
  create: () => {
    const index = new QuoteIndex(options);
    sealed.set(index, []);
    return asBackend(index);
  },
  settle: async (b) => {
    const part = (b as QuoteIndex).sealSegment();
    if (part) sealed.get(b)?.push(part);
  },
  reopen: (b) => {
    const parts = sealed.get(b) ?? [];
    const last = (b as QuoteIndex).sealSegment();
    return asBackend(QuoteIndex.fromParts(last ? [...parts, last] : parts, options));
  },
});

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
