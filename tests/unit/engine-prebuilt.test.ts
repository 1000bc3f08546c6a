/**
 * A large interview's index part is built on a worker thread (QuoteIndex.prebuild) and only
 * attached on the event loop (QuoteIndex.attachInterview). It must not show: a writer that
 * attaches some interviews answers exactly (hits, scores, highlights, totals, facets, tag
 * counts, completions, metadata) like the same writes counted in place, like a reader of the
 * parts it hands out, and like a fresh build. The part crosses threads as a structured clone
 * here, as it does through postMessage.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { type PrebuiltSegment, QuoteIndex, type SearchPage } from '../../lib/search/index.ts';
import type { ReadingAnalyzer } from '../../lib/text/readings.ts';

const WORDS = [
  '介護',
  '副業',
  'クラウドソーシング',
  'ランサーズ',
  '時間配分',
  '子育て',
  'zoom',
  'iPhone',
  '確定申告',
  'デザイン',
  '家族',
  '仕事',
  'ライター',
  '在宅',
  '将来',
];
const QUERIES = [
  '介護',
  '副業 時間配分',
  'ソーシング',
  'らんさーず',
  'しょうらい',
  'iphone',
  'upwrok',
  'デザ',
  '「確定申告」',
  '子育て 仕事',
  '家族 仕事 在宅 副業',
  '介護の仕事と子育てとデザイン',
  '',
];
const PREFIXES = ['ク', 'ラ', 'i', 'し', '介', 'デ'];

/** A reading dictionary of a few words, named as a loaded one is (the worker loads the same). */
const READINGS: Record<string, string[]> = { 将来: ['ショウライ'], 介護: ['カイゴ'], 家族: ['カゾク'] };
const readings: ReadingAnalyzer = Object.assign((word: string) => READINGS[word] ?? [], {
  dictionary: '/test/dictionary',
});

const sentence = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 })
  .map((ws) => `${ws.join('の')}です。`);
// At least two lines, so someone answers the interviewer: a page of interviewer lines only is no interview (422).
const transcript = fc
  .array(sentence, { minLength: 2, maxLength: 6 })
  .map((lines) => lines.map((l, i) => `${i % 2 === 0 ? '聞き手' : '山田'}：${l}`).join('\n'));

type Op =
  | { kind: 'upsert'; slot: number; text: string; prebuilt: boolean }
  | { kind: 'remove'; slot: number }
  | { kind: 'tag'; slot: number; turn: number; tag: string }
  | { kind: 'seal' };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      slot: fc.nat(6),
      text: transcript,
      prebuilt: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), slot: fc.nat(6) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('tag' as const),
      slot: fc.nat(6),
      turn: fc.nat(5),
      tag: fc.constantFrom('a', 'b', 'c'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('seal' as const) }) },
);

function interview(slot: number, text: string): Interview {
  return parseInterview(`---\ntitle: 記事${slot} 副業の話\n---\n${text}`, {
    id: `iv${slot}`,
    format: 'prefixed',
  });
}

/** Automatic tags of an ingest: a function of the quote, as the tagger's are. */
function autoTags(iv: Interview): Map<string, string[]> {
  return new Map(iv.turns.map((t) => [t.id, t.text.includes('介護') ? ['care'] : []]));
}

function view(index: QuoteIndex, docs: Map<string, Interview>, q: string) {
  const page: SearchPage = index.search({ q, limit: 100 }, (id) => docs.get(id));
  const hits = page.hits.map((h) => `${h.quoteId}:${h.score}:${h.tags.join(',')}:${h.highlight.html}`).sort();
  return { total: page.total, matched: page.matched, facets: page.facets, hits };
}

function same(a: QuoteIndex, b: QuoteIndex, docs: Map<string, Interview>, what: string, metas = true) {
  for (const q of QUERIES) expect(view(a, docs, q), `${q} (${what})`).toEqual(view(b, docs, q));
  for (const p of PREFIXES) expect(a.suggest(p), `suggest ${p} (${what})`).toEqual(b.suggest(p));
  expect(a.stats, what).toEqual(b.stats);
  expect(a.tagCounts(), what).toEqual(b.tagCounts());
  expect(a.interviewIds().sort(), what).toEqual(b.interviewIds().sort());
  if (metas) for (const id of a.interviewIds()) expect(a.interview(id), what).toEqual(b.interview(id));
}

/** The part as a worker builds it and the main thread receives it. */
function prebuilt(iv: Interview, withReadings: boolean): PrebuiltSegment {
  return structuredClone(QuoteIndex.prebuild(iv, { mode: 'hybrid', ...(withReadings ? { readings } : {}) }));
}

describe('index parts built off the event loop', () => {
  for (const withReadings of [false, true])
    it(`answer like the interviews counted in place, their readers and a fresh build (${withReadings ? 'with' : 'without'} readings)`, () => {
      const options = withReadings ? { readings } : {};
      fc.assert(
        fc.property(
          fc.array(transcript, { minLength: 0, maxLength: 4 }),
          fc.array(op, { maxLength: 14 }),
          (initial, ops) => {
            const docs = new Map<string, Interview>();
            const tags = new Map<string, string[]>();
            const writer = new QuoteIndex(options);
            const counted = new QuoteIndex(options);
            initial.forEach((t, slot) => {
              const iv = interview(slot, t);
              docs.set(iv.id, iv);
              for (const idx of [writer, counted]) idx.upsertInterview(iv, autoTags(iv));
            });
            const parts: Uint8Array[] = [writer.toSnapshot()];
            const tagsOf = (iv: Interview) =>
              new Map(iv.turns.map((t) => [t.id, tags.get(t.id) ?? autoTags(iv).get(t.id) ?? []]));
            const fresh = () => {
              const f = new QuoteIndex(options);
              for (const iv of docs.values()) f.upsertInterview(iv, tagsOf(iv));
              return f;
            };
            const check = (what: string) => {
              same(writer, counted, docs, `${what}: counted in place`);
              same(QuoteIndex.fromParts(parts, options), writer, docs, `${what}: reader`);
              same(fresh(), writer, docs, `${what}: fresh`, false);
            };
            for (const o of ops) {
              const id = `iv${o.kind === 'seal' ? 0 : o.slot}`;
              if (o.kind === 'upsert') {
                const iv = interview(o.slot, o.text);
                docs.set(id, iv);
                for (const key of [...tags.keys()]) if (key.startsWith(`${id}-`)) tags.delete(key);
                counted.upsertInterview(iv, autoTags(iv));
                if (o.prebuilt)
                  expect(writer.attachInterview(iv, autoTags(iv), prebuilt(iv, withReadings))).toBe(true);
                else writer.upsertInterview(iv, autoTags(iv));
                expect(writer.pending).toBe(true);
              } else if (o.kind === 'remove') {
                docs.delete(id);
                for (const idx of [writer, counted]) idx.removeInterview(id);
              } else if (o.kind === 'tag') {
                const quote = docs.get(id)?.turns[o.turn % (docs.get(id)?.turns.length ?? 1)]?.id;
                if (!quote) continue;
                tags.set(quote, [o.tag]);
                for (const idx of [writer, counted]) idx.setQuoteTags(quote, [o.tag]);
              } else {
                const n = writer.segmentCount - writer.unsealedParts;
                expect(n).toBe(parts.length);
                parts.push(...writer.sealSegments());
                expect(writer.pending).toBe(false);
                expect(writer.segmentCount).toBe(parts.length);
                check('sealed');
              }
            }
            parts.push(...writer.sealSegments());
            check('end');
            const folded = QuoteIndex.fromParts([writer.toSnapshot()], options);
            same(folded, fresh(), docs, 'folded', false);
          },
        ),
        { numRuns: 40 },
      );
    });

  it('refuses a part built for another interview, mode or reading dictionary, and changes nothing then', () => {
    const iv = interview(1, '聞き手：将来は？\n山田：介護の仕事です。');
    const other = interview(2, '聞き手：将来は？\n山田：副業です。');
    const index = new QuoteIndex({ readings });
    index.upsertInterview(other);
    const before = index.search({ q: '副業' });
    expect(index.attachInterview(iv, new Map(), prebuilt(iv, false))).toBe(false);
    expect(index.attachInterview(iv, new Map(), prebuilt(other, true))).toBe(false);
    const bigrams = structuredClone(QuoteIndex.prebuild(iv, { mode: 'bigrams', readings }));
    expect(index.attachInterview(iv, new Map(), bigrams)).toBe(false);
    const unknown = Object.assign((w: string) => READINGS[w] ?? [], {});
    expect(new QuoteIndex({ readings: unknown }).attachInterview(iv, new Map(), prebuilt(iv, true))).toBe(
      false,
    );
    expect(index.has('iv1')).toBe(false);
    expect(index.search({ q: '副業' })).toEqual(before);
    expect(index.unsealedParts).toBe(0);
    expect(index.attachInterview(iv, new Map(), prebuilt(iv, true))).toBe(true);
    // Read with the dictionary: 将来 is found by its reading, in both interviews.
    const counted = new QuoteIndex({ readings });
    for (const x of [other, iv]) counted.upsertInterview(x);
    expect(index.search({ q: 'しょうらい' })).toEqual(counted.search({ q: 'しょうらい' }));
    expect(index.search({ q: 'しょうらい' }).total).toBeGreaterThanOrEqual(2);
  });

  it('seals the writes before it first, and hands out the parts in the order they were written', () => {
    const index = new QuoteIndex();
    const a = interview(1, '聞き手：仕事は？\n山田：介護です。');
    const b = interview(2, '聞き手：仕事は？\n山田：デザインです。');
    index.upsertInterview(a);
    expect(index.attachInterview(b, new Map(), prebuilt(b, false))).toBe(true);
    // The delta (a) sealed, then b's part; nothing is pending in the engine itself.
    expect(index.segmentCount).toBe(2);
    expect(index.unsealedParts).toBe(2);
    expect(() => index.sealSegment()).toThrow(/sealSegments/);
    expect(() => index.mergeSegments(0, 2)).toThrow(/sealSegments/);
    const parts = index.sealSegments();
    expect(parts).toHaveLength(2);
    expect(index.unsealedParts).toBe(0);
    const reader = QuoteIndex.fromParts(parts);
    expect(reader.interviewIds()).toEqual(['iv1', 'iv2']);
    // Replacing b by an attached part removes the older one through the new part's header.
    const b2 = interview(2, '聞き手：仕事は？\n山田：ライターです。');
    expect(index.attachInterview(b2, new Map(), prebuilt(b2, false))).toBe(true);
    const more = index.sealSegments();
    expect(more).toHaveLength(1);
    const follower = QuoteIndex.fromParts([...parts, ...more]);
    expect(follower.search({ q: 'デザイン' }).total).toBe(0);
    expect(follower.search({ q: 'ライター' }).total).toBe(1);
    expect(follower.stats).toEqual(index.stats);
  });
});
