/**
 * What a hit matched, per hit: the engine reads from its postings which terms of the query tree
 * each hit of a page has and where (its text, the question it answers, the title), and the
 * highlighter marks those — not what other hits matched — and, when nothing else is marked, the
 * pieces of words (kanji stems, bigrams) that found the hit, where its tokens hold them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { Engine, FIELD_BITS } from '../../lib/search/engine/index.ts';
import { and, max, type QueryNode, term } from '../../lib/search/engine/tree.ts';
import { matchRanges } from '../../lib/search/highlight.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import { loadReadings } from '../../lib/text/readings.ts';
import { doc, field } from '../helpers/engine-docs.ts';

describe('Engine.matchedTerms', () => {
  const quotes = [
    doc(1, ['親', 'ケア', '介護'], { role: 1 }),
    doc(2, ['親', '元気'], { question: 0 }),
    doc(3, ['助', 'ける']),
  ];
  const e = new Engine();
  e.add('iv', field('題', 'ケア'), quotes, new Map());
  const tree = {
    kind: 'match',
    slots: [
      {
        node: max([term('介護'), and([term('親'), term('ケア')], 0.8) as QueryNode]) as QueryNode,
        required: false,
      },
      { node: max([term('助カル'), term('助', { gram: true }, 0.6)]) as QueryNode, required: false },
    ],
    exclude: [],
    minShould: 0,
    weight: 1,
  } satisfies QueryNode;
  const docs = [1, 2, 3].map((o) => e.docOf('iv', o));
  const found = e.matchedTerms(tree, docs);
  const terms = (i: number) => (found[i] ?? []).map((m) => m.term).sort();

  it('reports every term a doc has of a word, with its slot and fields', () => {
    expect(terms(0)).toEqual(['ケア', '介護', '親']);
    const care = found[0]?.find((m) => m.term === '介護');
    expect(care?.slot).toBe(0);
    expect(care?.fields).toBe(FIELD_BITS.text);
    // ケア is in its text and in the interview's title.
    expect(found[0]?.find((m) => m.term === 'ケア')?.fields).toBe(FIELD_BITS.text | FIELD_BITS.title);
  });

  it('reports a variant of several words only where every word of it matched', () => {
    // Doc 2 says 親, and has ケア only in its title: the variant 親 + ケア matched it (fields add
    // up, as in scoring), and its question (doc 1) matched 介護 and the variant.
    const own = (found[1] ?? []).filter((m) => m.fields & FIELD_BITS.text).map((m) => m.term);
    expect(own).toEqual(['親']);
    const asked = (found[1] ?? []).filter((m) => m.fields & FIELD_BITS.question).map((m) => m.term);
    expect(asked.sort()).toEqual(['ケア', '介護', '親']);
    // Doc 3 has neither 親 nor 介護: only the title's ケア, which alone is no match of the variant.
    expect((found[2] ?? []).filter((m) => m.slot === 0)).toEqual([]);
  });

  it('reports a piece of a word as such', () => {
    expect(found[2]?.map((m) => [m.term, m.slot, m.gram])).toEqual([['助', 1, true]]);
  });

  it('reports the same from packed segments and the delta as from the delta alone', () => {
    // The first interview sealed into a segment, a second one written after it (still in the
    // delta): each doc's matches are read from whichever part holds it, by the same terms.
    const sealed = new Engine();
    sealed.add('iv', field('題', 'ケア'), quotes, new Map());
    sealed.seal(() => ({}));
    sealed.add('iv2', field('題'), [doc(1, ['介護', '助']), doc(2, ['ケア'], { question: 0 })], new Map());
    expect(sealed.segmentCount).toBe(1);
    const all = [...docs, sealed.docOf('iv2', 1), sealed.docOf('iv2', 2)];
    const again = sealed.matchedTerms(tree, all);
    expect(again.slice(0, 3)).toEqual(found);
    expect(again[3]?.map((m) => m.term)).toEqual(['介護', '助']);
    // The second quote has ケア, not 親: no variant; its question has 介護 (slot 0) and 助.
    expect(again[4]?.map((m) => [m.term, m.fields])).toEqual([
      ['介護', FIELD_BITS.question],
      ['助', FIELD_BITS.question],
    ]);
  });
});

describe('matchRanges marks weak terms only in a text nothing else marks', () => {
  it('marks the token a kanji stem came from', () => {
    const text = '体が自然に反応して助けると思う。';
    const r = matchRanges(text, new Set(), ['助カル'], ['助かる'], undefined, new Set(['助']));
    expect(r.map((x) => text.slice(x.start, x.end))).toEqual(['助']);
  });

  it('leaves weak terms out where a needle is marked', () => {
    const text = '助かるし、助けてもらった。';
    const r = matchRanges(text, new Set(), ['助カル'], ['助かる'], undefined, new Set(['助']));
    expect(r.map((x) => text.slice(x.start, x.end))).toEqual(['助かる']);
  });
});

describe('a search marks what each hit matched', () => {
  let index: QuoteIndex;
  beforeAll(async () => {
    const dict = new VariantDictionary();
    index = new QuoteIndex({ readings: await loadReadings(), variants: (f) => dict.variantsOf(f) });
    // Quotes enough that a kanji stem is a rare term (an alternative that common is left out).
    const filler = Array.from(
      { length: 40 },
      (_, i) => `聞き手：${i + 1}日目は？\n山田：${i + 1}日目は海で泳ぎました。`,
    );
    index.upsertInterview(
      parseInterview(
        [
          '聞き手：旅行はどうでしたか？',
          '山田：宿の人に親切にしてもらって、本当に助かりました。',
          '聞き手：ご家族は？',
          '山田：息子が危ない時は、自然に体が反応して助けると思います。',
          '聞き手：どんなお話ですか？',
          '山田：主人公の夫婦が子どもを亡くす話で、心配になりました。',
          '聞き手：ほかには？',
          '山田：私の夫はよく心配します。',
          ...filler,
        ].join('\n'),
        { id: 'm', format: 'prefixed' },
      ),
    );
  }, 60_000);

  it('marks the kanji a hit found only by its stem', () => {
    const hits = index.search({ q: '宿の近くにコンビニがあると助かる', limit: 10 }).hits;
    const html = hits.map((h) => h.highlight.html);
    expect(html).toContain('息子が危ない時は、自然に体が反応して<mark>助</mark>けると思います。');
    expect(html).toContain('<mark>宿</mark>の人に親切にしてもらって、本当に<mark>助かりました</mark>。');
    for (const h of hits) expect(h.highlight.html, h.quoteId).toContain('<mark>');
  });

  it('marks a variant of two words only in the hit that has both', () => {
    // パートナー's variant 私 + 夫: the quote with 私 and 夫 shows both; the one whose 夫 is that of
    // 夫婦, with no 私, shows neither (another hit's match is not its own).
    const html = index.search({ q: 'パートナー 心配', limit: 10 }).hits.map((h) => h.highlight.html);
    expect(html).toContain('<mark>私</mark>の<mark>夫</mark>はよく<mark>心配</mark>します。');
    for (const h of html) expect(h).not.toContain('<mark>夫</mark>婦');
  });
});
