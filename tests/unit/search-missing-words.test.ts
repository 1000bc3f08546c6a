/**
 * A word typed that no quote says is named (`missing`), not silently dropped; when what remains of
 * the query is verbs and adjectives alone (食べてみたい, 思う, 好き), the page is empty rather than
 * every quote saying 思う. And in a chain of nouns joined by の typed as a sentence (子供の頃の夢), the
 * last noun is what is asked of: an answer saying it outranks one matched through a short
 * question's other nouns.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { readingsIndex } from '../helpers/readings-index.ts';

const talk: Interview = parseInterview(
  [
    '聞き手：ご飯はどうしていますか？',
    '田中：毎日よく食べています。思うように食べられない日もありますけど。',
    '聞き手：好きな料理は？',
    '田中：料理はなんでも好きです。',
    '聞き手：子供の頃の作品は？',
    '田中：トリュフォーやゴダールですね。外国映画に影響を受けました。',
    '聞き手：競技スキーからゴルフに転向したのは？',
    '田中：夢があるのかないのか分からないですけど、それを職としてやりたいという考えがあったんですね。スキーを職業にしていくのは厳しいと思ったんですが、実は、小さい頃は少年野球もやっていたんです。',
    '聞き手：ゴルフを始めたきっかけは？',
    '田中：父の趣味がゴルフで、始めたきっかけはそれです。',
    '聞き手：最近は何を？',
    '田中：そう思うことが増えました。',
  ].join('\n'),
  { id: 'm', format: 'prefixed' },
);

const { index, page, ids } = readingsIndex(talk);

describe('a typed word no quote says', () => {
  it('empties the page when only verbs and adjectives remain, and names the word', () => {
    for (const [q, word] of [
      ['ホヤってどう思う', 'ホヤ'],
      ['ホヤを食べてみたい', 'ホヤ'],
      ['納豆は好きですか', '納豆'],
      ['ピアノが好き', 'ピアノ'],
    ] as const) {
      const p = page(q);
      expect(p, q).toMatchObject({ total: 0, hits: [], relaxed: false, missing: [word] });
    }
  });

  it('keeps the quotes of a noun that remains, and still names the missing word', () => {
    // ホヤの料理: 料理 is a topic of its own; the page says no quote has ホヤ.
    const relaxed = page('ホヤの料理');
    expect(relaxed).toMatchObject({ relaxed: true, missing: ['ホヤ'] });
    expect(relaxed.hits.map((h) => h.quoteId)).toContain('m-t004');
    // A sentence ranks by a share of its words: きっかけ and 始め still find the golf answer.
    const sentence = page('将棋を始めたきっかけ');
    expect(sentence.missing).toEqual(['将棋']);
    expect(sentence.hits[0]?.quoteId).toBe('m-t010');
  });

  it('names the word as the user typed it, not as the index folds it', () => {
    expect(page('ほやをたべたい').missing).toEqual(['ほやをたべたい']);
    expect(page('ほや').missing).toEqual(['ほや']);
  });

  it('is absent when every word is said somewhere', () => {
    for (const q of ['料理が好き', 'ご飯を食べる', 'ゴルフを始めたきっかけ', '思う'])
      expect(page(q).missing, q).toBeUndefined();
  });
});

describe('a chain of nouns joined by の typed as a sentence', () => {
  it('weighs its last noun as two words', () => {
    const query = index().compile('子供の頃の夢').query;
    expect(query?.kind).toBe('match');
    const weights =
      query?.kind === 'match'
        ? query.slots.filter((s) => !s.rank).map((s) => ('weight' in s.node ? s.node.weight : 0))
        : [];
    expect(weights).toEqual([1, 1, 2]);
    // Not a chain: a verb between the nouns, or two nouns only (every word required).
    for (const q of ['子供の頃に見た夢', 'はやぶさの映画']) {
      const c = index().compile(q).query;
      const w =
        c?.kind === 'match'
          ? c.slots.filter((s) => !s.rank).map((s) => ('weight' in s.node ? s.node.weight : 0))
          : [];
      expect(
        w.every((x) => x === 1),
        q,
      ).toBe(true);
    }
  });

  it('ranks the answer saying the head over one matched through a question of the other nouns', () => {
    const got = ids('子供の頃の夢');
    expect(got[0]).toBe('m-t008');
    expect(got.indexOf('m-t006')).toBeGreaterThan(0);
  });
});
