/**
 * The search ports: the contract every backend passes (tests/helpers/search-backend-contract.ts)
 * run over today's engine (QuoteIndex) twice — reopened from one folded snapshot, and from the
 * parts a writer seals batch by batch (a base and segments over it, as readers of published
 * snapshots open them) — and over a second, independent backend (MiniSearch over character
 * bigrams, tests/helpers/minisearch-backend.ts). Then what is QuoteIndex's own and so tested on
 * it alone: its ranking, its readings and question matches, its snapshot bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import type { SearchBackend } from '../../lib/search/backend.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { defaultIndexOptions } from '../../lib/search/snapshots.ts';
import { MiniSearchBackend } from '../helpers/minisearch-backend.ts';
import { searchBackendContract } from '../helpers/search-backend-contract.ts';

const options = defaultIndexOptions();

searchBackendContract('the packed engine, reopened from a snapshot', {
  create: () => new QuoteIndex(options),
  reopen: (b) => QuoteIndex.fromSnapshot((b as QuoteIndex).toSnapshot(), options),
});

// Each settle seals the writes so far into a part; reopening places the parts in order.
const sealed = new WeakMap<SearchBackend, Uint8Array[]>();
searchBackendContract('the packed engine, reopened from sealed parts', {
  create: () => {
    const index = new QuoteIndex(options);
    sealed.set(index, []);
    return index;
  },
  settle: async (b) => {
    const part = (b as QuoteIndex).sealSegment();
    if (part) sealed.get(b)?.push(part);
  },
  reopen: (b) => {
    const parts = sealed.get(b) ?? [];
    const last = (b as QuoteIndex).sealSegment();
    return QuoteIndex.fromParts(last ? [...parts, last] : parts, options);
  },
});

searchBackendContract('a reference backend on MiniSearch (bigrams, answers through promises)', {
  create: () => new MiniSearchBackend(),
  reopen: (b) => MiniSearchBackend.fromJSON((b as MiniSearchBackend).toJSON()),
});

describe('QuoteIndex beyond the contract (its own ranking and analysis)', () => {
  const a = parseInterview(
    [
      '聞き手：結婚について聞かせてください。',
      '山田：結婚して十年になります。',
      '聞き手：お子さんは？',
      '山田：二人います。子育ては大変ですが楽しいです。',
    ].join('\n'),
    { id: 'r1' },
  );

  it('an answer ranks above the question that asks it (questions weigh less)', () => {
    const index = new QuoteIndex(options);
    index.upsertInterview(a);
    const hits = index.search({ q: '結婚' }, () => a).hits.map((h) => h.quoteId);
    expect(hits.slice(0, 2)).toEqual(['r1-t002', 'r1-t001']);
  });

  it('an answer is found through the question it answers, and says so', () => {
    const index = new QuoteIndex(options);
    index.upsertInterview(a);
    const hit = index.search({ q: 'お子さん' }, () => a).hits.find((h) => h.quoteId === 'r1-t004');
    expect(hit?.matchedIn).toContain('question');
  });

  it('serialises to a snapshot that opens to the same answers', () => {
    const backend = new QuoteIndex();
    const iv = parseInterview('聞き手：趣味は？\n山田：陶芸です。', { id: 'b1' });
    backend.upsertInterview(iv);
    expect(backend.setQuoteTags('b1-t002', ['hobby'])).toBe(true);
    const bytes = backend.toSnapshot();
    expect(bytes.length).toBeGreaterThan(0);
    const loaded = QuoteIndex.fromSnapshot(bytes);
    expect(loaded.plan({ q: '陶芸' }).render((id) => (id === 'b1' ? iv : undefined)).hits[0]?.tags).toEqual([
      'hobby',
    ]);
  });
});
