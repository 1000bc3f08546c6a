/**
 * The packed engine's segments must not show: an index loaded from a snapshot and then written
 * to (base + delta + tombstones) answers exactly like the same index kept in memory, and folding
 * it into a new snapshot answers like an index built fresh from the final state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { PREFIX_EXPANSIONS } from '../../lib/search/engine/index.ts';
import { QuoteIndex, type SearchPage } from '../../lib/search/index.ts';

const WORDS = [
  '介護',
  '副業',
  'クラウドソーシング',
  'ランサーズ',
  '時間配分',
  '子育て',
  'zoom',
  'upwork',
  '確定申告',
  'デザイン',
  '家族',
  '仕事',
  'ライター',
  '在宅',
];
const QUERIES = [
  '介護',
  '副業 時間配分',
  'ソーシング',
  'らんさーず',
  'upwrok',
  'デザ',
  '「確定申告」',
  '子育て 仕事',
  '',
];

const sentence = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 })
  .map((ws) => `${ws.join('の')}です。`);
// At least two lines, so someone answers the interviewer: a page of interviewer lines only is no interview (422).
const transcript = fc
  .array(sentence, { minLength: 2, maxLength: 6 })
  .map((lines) => lines.map((l, i) => `${i % 2 === 0 ? '聞き手' : '山田'}：${l}`).join('\n'));
type Op =
  | { kind: 'upsert'; slot: number; text: string }
  | { kind: 'remove'; slot: number }
  | { kind: 'tag'; slot: number; turn: number; tag: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('upsert' as const), slot: fc.nat(5), text: transcript }),
  fc.record({ kind: fc.constant('remove' as const), slot: fc.nat(5) }),
  fc.record({
    kind: fc.constant('tag' as const),
    slot: fc.nat(5),
    turn: fc.nat(5),
    tag: fc.constantFrom('a', 'b'),
  }),
);

function interview(slot: number, text: string): Interview {
  return parseInterview(`---\ntitle: 記事${slot} 副業の話\n---\n${text}`, {
    id: `iv${slot}`,
    format: 'prefixed',
  });
}

/** Everything a reader sees of a search, with hits in a canonical order. */
function view(index: QuoteIndex, docs: Map<string, Interview>, q: string, withScores: boolean) {
  const page: SearchPage = index.search({ q, limit: 100 }, (id) => docs.get(id));
  const hits = page.hits
    .map((h) => `${h.quoteId}${withScores ? `:${h.score}` : ''}:${h.tags.join(',')}:${h.highlight.html}`)
    .sort();
  return { total: page.total, matched: page.matched, facets: page.facets, hits };
}

describe('packed engine segments', () => {
  it('answers alike from memory, from a snapshot with writes on top, and after folding them in', () => {
    fc.assert(
      fc.property(
        fc.array(transcript, { minLength: 1, maxLength: 5 }),
        fc.array(op, { maxLength: 8 }),
        (initial, ops) => {
          const docs = new Map<string, Interview>();
          const memory = new QuoteIndex();
          initial.forEach((t, slot) => {
            const iv = interview(slot, t);
            docs.set(iv.id, iv);
            memory.upsertInterview(iv);
          });
          const loaded = QuoteIndex.fromSnapshot(memory.toSnapshot());
          const memoryAfter = QuoteIndex.fromSnapshot(memory.toSnapshot(), { retain: true });
          const tags = new Map<string, string[]>();
          for (const o of ops) {
            const id = `iv${o.slot}`;
            if (o.kind === 'upsert') {
              const iv = interview(o.slot, o.text);
              docs.set(id, iv);
              for (const key of [...tags.keys()]) if (key.startsWith(`${id}-`)) tags.delete(key);
              for (const idx of [loaded, memoryAfter]) idx.upsertInterview(iv);
            } else if (o.kind === 'remove') {
              docs.delete(id);
              for (const idx of [loaded, memoryAfter]) idx.removeInterview(id);
            } else {
              const quote = docs.get(id)?.turns[o.turn % (docs.get(id)?.turns.length ?? 1)]?.id;
              if (!quote) continue;
              tags.set(quote, [o.tag]);
              for (const idx of [loaded, memoryAfter]) idx.setQuoteTags(quote, [o.tag]);
            }
          }
          for (const q of QUERIES) {
            expect(view(loaded, docs, q, true), `${q} (loaded + writes)`).toEqual(
              view(memoryAfter, docs, q, true),
            );
          }
          // Folding drops removed quotes from the statistics too: compare with a fresh build.
          const folded = QuoteIndex.fromSnapshot(loaded.toSnapshot());
          const fresh = new QuoteIndex();
          for (const iv of docs.values()) {
            fresh.upsertInterview(iv, new Map(iv.turns.map((t) => [t.id, tags.get(t.id) ?? []])));
          }
          for (const q of QUERIES) {
            expect(view(folded, docs, q, true), `${q} (folded)`).toEqual(view(fresh, docs, q, true));
            expect(view(loaded, docs, q, false), `${q} (live after folding)`).toEqual(
              view(fresh, docs, q, false),
            );
          }
          expect(folded.stats).toEqual(fresh.stats);
          expect(folded.tagCounts()).toEqual(fresh.tagCounts());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('scores an answer by its question even when another turn sits between them', () => {
    const index = new QuoteIndex();
    const parsed = parseInterview(
      '聞き手：養蜂の始め方を教えてください。\n山田：（写真）\n山田：まず道具をそろえました。',
      {
        id: 'gap',
      },
    );
    // A caption between question and answer: it answers nothing, the answer after it does.
    const iv: Interview = {
      ...parsed,
      turns: parsed.turns.map((t) => (t.ordinal === 2 ? { ...t, role: 'other', questionId: null } : t)),
    };
    const answer = iv.turns.find((t) => t.text.startsWith('まず'));
    expect(answer?.questionId).toBe('gap-t001');
    index.upsertInterview(iv);
    const hit = index.search({ q: '養蜂', limit: 10 }).hits.find((h) => h.quoteId === answer?.id);
    expect(hit?.matchedIn).toContain('question');
    expect(hit?.matchedIn).not.toContain('text');
    // The hit shows why it was found: the word is marked in its question.
    const q = hit?.question;
    expect(q?.ranges.map((r) => q.text.slice(r.start, r.end))).toEqual(['養蜂']);
    expect(hit?.highlight.ranges).toEqual([]);
  });

  it('keeps a tag edit made on a loaded index in the next snapshot', () => {
    const memory = new QuoteIndex();
    memory.upsertInterview(interview(1, '聞き手：副業は？\n山田：介護です。'));
    const loaded = QuoteIndex.fromSnapshot(memory.toSnapshot(), { retain: true });
    expect(loaded.setQuoteTags('iv1-t002', ['care'])).toBe(true);
    const again = QuoteIndex.fromSnapshot(loaded.toSnapshot());
    expect(again.tagCounts()).toEqual({ care: 1 });
  });

  it('expands a short prefix to a bounded number of terms, most frequent first', () => {
    const index = new QuoteIndex();
    const words = Array.from(
      { length: PREFIX_EXPANSIONS + 20 },
      (_, i) => `kw${String(i).padStart(3, '0')}x`,
    );
    const turns = words.map((w, i) => `山田：${w} ${i === words.length - 1 ? words.at(-1)?.repeat(1) : ''}`);
    // The last word is made the most frequent: it must survive the cap.
    for (let k = 0; k < 5; k++) turns.push(`山田：${words.at(-1)}`);
    index.upsertInterview(parseInterview(turns.join('\n'), { id: 'prefix' }));
    const page = index.search({ q: 'kw', limit: 100 });
    expect(page.total).toBeGreaterThan(0);
    expect(page.total).toBeLessThanOrEqual(PREFIX_EXPANSIONS + 6);
    expect(page.hits.some((h) => h.text.includes(words.at(-1) as string))).toBe(true);
  });
});
