import { beforeAll, describe, expect, it } from 'vitest';
import { QuoteIndex } from '../../lib/search/index.ts';
import {
  isKanaWord,
  splitKanaRun,
  TERM_PRESENT,
  TERM_WORD,
  type TermLookup,
} from '../../lib/search/kana-split.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import { dictionaryFormTerm } from '../../lib/text/deinflect.ts';
import { livedoorDir, livedoorIndex, prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';
import { available } from '../helpers/shared.ts';

/** Words (readings), bigrams and verbs the index has, and the written form of some readings. */
function vocabulary(words: string[], present: string[] = [], verbs: string[] = []): TermLookup {
  const known = new Map<string, number>();
  for (const w of words) known.set(w, TERM_PRESENT | TERM_WORD);
  for (const p of present) known.set(p, TERM_PRESENT);
  for (const v of verbs) known.set(dictionaryFormTerm(v), TERM_PRESENT);
  return (term) => known.get(term) ?? 0;
}

describe('a suffix typed in kana after a word the index writes in kanji', () => {
  const v = vocabulary(['ショウライ', 'キョリ', 'セイ', 'カン', 'フアン'], ['来性', '離感']);
  const written = (t: string) => ({ ショウライ: '将来', キョリ: '距離', フアン: '不安' })[t];
  const show = (run: string) =>
    splitKanaRun(run, v, written)?.map((p) => `${p.text}:${p.kind}${p.compound ? `:${p.compound}` : ''}`) ??
    null;

  it('is the compound the quotes write when the index has its kanji (しょうらい|せい → 将来性)', () => {
    expect(show('しょうらいせい')).toEqual(['しょうらい:word', 'せい:suffix:将来性']);
  });

  it('splits a word of three kana too when the compound is there (きょり|かん → 距離感)', () => {
    expect(show('きょりかん')).toEqual(['きょり:word', 'かん:suffix:距離感']);
    // Without the written form (an index with no readings' surfaces) it is not split, as before.
    expect(splitKanaRun('きょりかん', v)).toBeNull();
  });

  it('is no compound the index lacks (不安性: no 安性 in any quote)', () => {
    expect(show('ふあんせい')).toBeNull();
  });
});

describe('a kana word after a kanji word (人間かんけい)', () => {
  const v = vocabulary(['カンケイ', 'セイカツ', 'ツケル', 'ッポイ'], ['ダッタ'], ['ツケル']);

  it('is a word of the index as typed, not a verb nor grammar', () => {
    expect(isKanaWord('かんけい', v)).toBe(true);
    expect(isKanaWord('せいかつ', v)).toBe(true);
    // 見つける is the verb 付ける, 大変だった its copula: no word typed apart.
    expect(isKanaWord('つける', v)).toBe(false);
    expect(isKanaWord('だった', v)).toBe(false);
    // っぽい of 大人っぽい is an adjective's suffix, which no word starts like.
    expect(isKanaWord('っぽい', v)).toBe(false);
  });
});

const fixtures = [
  prefixedInterview('h', [
    '聞き手：職場はどうですか？',
    '田中：人間関係がとても良くて、毎日が楽しいです。',
    '聞き手：苦手なものは？',
    '高橋：人間が多い場所は苦手です。',
    '聞き手：この仕事は？',
    '鈴木：将来性のある仕事だと思います。',
    '聞き手：昔は？',
    '佐藤：将来のことは考えていませんでした。',
    '聞き手：相手とは？',
    '伊藤：距離感が難しいんです。',
    '聞き手：遠いですか？',
    '山本：距離はありますが、すぐです。',
    '聞き手：スマホは？',
    '中村：iPhoneを使ってます。',
    '聞き手：家族は？',
    '小林：親にはいつも感謝しています。',
    '聞き手：周りは？',
    '加藤：最初は周りが反対していました。',
  ]),
];

const { index, ids, marked, search } = readingsIndex(fixtures, 20);

describe('queries typed halfway through a conversion find the quotes saying the words', () => {
  it('しょうらいせい ranks 将来性 first, marked whole, before 将来 alone', () => {
    expect(ids('しょうらいせい')).toEqual(['h-t006', 'h-t008']);
    expect(marked('しょうらいせい', 'h-t006')).toContain('<mark>将来性</mark>');
  });

  it('きょりかん finds 距離感 first (it found nothing)', () => {
    expect(ids('きょりかん')[0]).toBe('h-t010');
  });

  it('人間かんけい finds 人間関係 and not 人間 alone, as にんげんかんけい does', () => {
    expect(ids('人間かんけい')).toEqual(['h-t002']);
    expect(ids('人間かんけい')).toEqual(ids('にんげんかんけい'));
  });

  it('親に反対された, said by no quote, relaxes to quotes with either word (matched: any)', () => {
    const r = index().search({ q: '親に反対された', limit: 10 });
    expect(r.matched).toBe('any');
    expect(r.hits.map((h) => h.quoteId).sort()).toEqual(['h-t016', 'h-t018']);
  });

  it('keeps the compound through a snapshot (the vocabulary is the loaded index)', () => {
    const loaded = QuoteIndex.fromSnapshot(index().toSnapshot());
    expect(search('しょうらいせい', loaded).map((h) => h.quoteId)).toEqual(['h-t006', 'h-t008']);
  });
});

describe('a loanword typed in katakana finds the brand the quotes write in latin letters', () => {
  const dict = new VariantDictionary();
  let withVariants: QuoteIndex;
  beforeAll(() => {
    withVariants = new QuoteIndex({ variants: (f) => dict.variantsOf(f) });
    withVariants.upsertInterview(fixtures[0] as (typeof fixtures)[0]);
  });

  it('アイフォン and アイフォーン find iPhone; iphone finds it as typed', () => {
    for (const q of ['アイフォン', 'アイフォーン', 'iphone'])
      expect(
        withVariants.search({ q, limit: 10 }).hits.map((h) => h.quoteId),
        q,
      ).toEqual(['h-t014']);
  });
});

describe('the compiler keeps nothing between calls', () => {
  it('a variant lookup that compiles another query leaves the outer one its vocabulary', () => {
    const v = vocabulary(['ニンゲン', 'カンケイ']);
    const alone = compileQuery('仕事 にんげんかんけい', 'hybrid', () => [], 'ranked', { known: v });
    // The lookup runs while the first chunk compiles; the second chunk is split all the same.
    const nested = compileQuery(
      '仕事 にんげんかんけい',
      'hybrid',
      () => {
        compileQuery('ほか');
        return [];
      },
      'ranked',
      { known: v },
    );
    expect(nested.needles).toEqual(alone.needles);
    expect(alone.needles).toEqual(['仕事', 'ニンゲン', 'カンケイ']);
  });
});

const haveCorpus = available(livedoorDir, 'typed-halfway queries on the livedoor interviews');

describe.runIf(haveCorpus)('on the real livedoor interviews', () => {
  const { readings } = readingsIndex([], 10);
  const { said } = livedoorIndex(
    ['livedoor-homme/livedoor-homme-5274674.txt', 'movie-enter/movie-enter-6245687.txt'],
    readings,
  );

  it('しょうらいせい lists 「将来性のある男性はココが違う」 first', () => {
    expect(said('しょうらいせい')[0]).toContain('将来性のある男性');
  });

  it('きょりかん lists the quotes saying 距離感 first', () => {
    expect(said('きょりかん')[0]).toContain('距離感');
  });
});
