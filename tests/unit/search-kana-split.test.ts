/**
 * A run typed all in hiragana with several words in it (にんげんかんけい, ふあんになった,
 * しごとがたのしい) is split into the words the index knows and searched as if typed with spaces:
 * as one run (ニンゲンカンケイ, no term of the index) it found nothing. First the split over a
 * vocabulary given by hand, then queries over a small interview indexed with readings, then the
 * real livedoor interviews when ../shared is beside the checkout.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import {
  MAX_RUN,
  splitKanaRun,
  TERM_PRESENT,
  TERM_WORD,
  type TermLookup,
} from '../../lib/search/kana-split.ts';
import { dictionaryFormTerm } from '../../lib/text/deinflect.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

/** A vocabulary of words (readings), glued grammar runs (present, no word) and verb forms. */
function vocabulary(words: string[], glued: string[] = [], verbs: string[] = []): TermLookup {
  const known = new Map<string, number>();
  for (const w of words) known.set(w, TERM_PRESENT | TERM_WORD);
  for (const g of glued) known.set(g, TERM_PRESENT);
  for (const v of verbs) known.set(dictionaryFormTerm(v), TERM_PRESENT);
  return (term) => known.get(term) ?? 0;
}

const show = (run: string, lookup: TermLookup) =>
  splitKanaRun(run, lookup)?.map((p) => `${p.text}:${p.kind}`) ?? null;

describe('splitting a hiragana run over the index vocabulary', () => {
  const v = vocabulary(
    [
      'ニンゲン',
      'カンケイ',
      'フアン',
      'シゴト',
      'ジブン',
      'ユメ',
      'ショウライ',
      'セイ',
      'ハヤブサ',
      'キソウ',
    ],
    ['ニナッタ', 'ナッタ'],
    ['タノシイ', 'ヤメル', 'カナエル'],
  );

  it('splits a compound into its words (にんげん|かんけい)', () => {
    expect(show('にんげんかんけい', v)).toEqual(['にんげん:word', 'かんけい:word']);
  });

  it('leaves particles and auxiliaries out as grammar, never the glued run ニナッタ as a word', () => {
    expect(show('ふあんになった', v)).toEqual(['ふあん:word', 'に:grammar', 'なった:grammar']);
    expect(show('じぶんのゆめ', v)).toEqual(['じぶん:word', 'の:grammar', 'ゆめ:word']);
  });

  it('reads a verb or adjective by its dictionary form (やめた → やめる, たのしい)', () => {
    expect(show('しごとをやめた', v)).toEqual(['しごと:word', 'を:grammar', 'やめた:verb']);
    expect(show('しごとがたのしい', v)).toEqual(['しごと:word', 'が:grammar', 'たのしい:verb']);
    expect(show('ゆめをかなえた', v)).toEqual(['ゆめ:word', 'を:grammar', 'かなえた:verb']);
  });

  it('takes two kana right after a word as a suffix that ranks (しょうらい|せい: 将来性)', () => {
    expect(show('しょうらいせい', v)).toEqual(['しょうらい:word', 'せい:suffix']);
  });

  it('takes no suffix after a word of three kana: しょう|らい is no split of しょうらい', () => {
    // An index without 将来's reading (the CLI's --no-readings) has しょう (of でしょう) and らい as
    // words: the split searched しょう and listed every quote with でしょう.
    const bare = vocabulary(['ショウ', 'ライ', 'フアン', 'セイ']);
    expect(show('しょうらい', bare)).toBeNull();
    expect(show('ふあんせい', bare)).toBeNull();
  });

  it('keeps a run the index has as typed whole (はやぶさ), and a known verb form (たのしかった)', () => {
    expect(splitKanaRun('はやぶさ', v)).toBeNull();
    expect(splitKanaRun('たのしかった', v)).toBeNull();
    // Present as a glued run only, it is still what was typed: はやぶさの's own path finds it.
    expect(splitKanaRun('になった', v)).toBeNull();
  });

  it('splits nothing it cannot cover with known pieces, and no run that starts with a particle', () => {
    // ぴよ is no word: dropping it would search ゆめ alone.
    expect(splitKanaRun('ぴよのゆめ', v)).toBeNull();
    // は|きそう|になった is 吐きそう, a verb the rules cannot read, not は + キソウ.
    expect(splitKanaRun('はきそうになった', v)).toBeNull();
    // Grammar alone is no query.
    expect(splitKanaRun('にのを', v)).toBeNull();
  });

  it('looks up a bounded number of pieces: a run longer than MAX_RUN is not split', () => {
    let lookups = 0;
    const counting: TermLookup = (t) => {
      lookups++;
      return v(t);
    };
    expect(splitKanaRun('にんげん'.repeat(10), counting)).toBeNull();
    expect(lookups).toBe(0);
    const run = 'にんげんかんけい'.repeat(3);
    expect(run.length).toBeLessThanOrEqual(MAX_RUN);
    expect(show(run, counting)?.length).toBe(6);
    // Each position looks up at most MAX_PIECE pieces as words (and a few as verbs).
    expect(lookups).toBeLessThan(run.length * 10 * 3);
  });
});

const fixtures = [
  prefixedInterview('k', [
    '聞き手：職場はどうですか？',
    '田中：人間関係がとても良くて、毎日が楽しいです。',
    '聞き手：最初は？',
    '佐藤：正直、不安になったこともありました。',
    '聞き手：今は？',
    '鈴木：今は仕事が楽しいですね。',
    '聞き手：休みの日は？',
    '高橋：人間が多い場所は苦手です。',
    '聞き手：子供の頃は？',
    '伊藤：自分の夢を追いかけていました。',
  ]),
];

const { index, ids, marked, search } = readingsIndex(fixtures, 20);

describe('all-hiragana queries of several words find the quotes of their words', () => {
  it('にんげんかんけい finds 人間関係, marked whole, and not 人間 alone', () => {
    expect(ids('にんげんかんけい')).toEqual(['k-t002']);
    expect(marked('にんげんかんけい', 'k-t002')).toContain('<mark>人間関係</mark>');
  });

  it('ふあんになった finds 不安になった', () => {
    expect(ids('ふあんになった')).toEqual(['k-t004']);
  });

  it('しごとがたのしい needs both words: 仕事 with 楽しい, not 楽しい alone', () => {
    // The one quote with both words is the one counted and listed first; 楽しい alone (k-t002)
    // follows only as the relaxed page's quote with one of them (fewer than RELAX_BELOW say both).
    const page = index().search({ q: 'しごとがたのしい', limit: 20 }, (id) =>
      fixtures.find((f) => f.id === id),
    );
    expect(page).toMatchObject({ relaxed: true, everyWord: 1 });
    expect(page.hits.map((h) => h.quoteId)).toEqual(['k-t006', 'k-t002']);
  });

  it('じぶんのゆめ finds 自分の夢', () => {
    expect(ids('じぶんのゆめ')).toEqual(['k-t010']);
  });

  it('answers the same as the words typed with a space', () => {
    expect(ids('にんげんかんけい')).toEqual(ids('にんげん かんけい'));
    expect(ids('じぶんのゆめ')).toEqual(ids('じぶん ゆめ'));
  });

  it('keeps splitting through a snapshot (the vocabulary is the loaded index)', () => {
    const loaded = QuoteIndex.fromSnapshot(index().toSnapshot());
    expect(search('にんげんかんけい', loaded).map((h) => h.quoteId)).toEqual(['k-t002']);
  });
});

const livedoor = join(corporaDir, 'livedoor-interviews');
const haveCorpus = available(livedoor, 'hiragana runs on the livedoor interviews');

describe.runIf(haveCorpus)('hiragana runs on the real livedoor interviews', () => {
  let real: QuoteIndex;
  const texts = new Map<string, string>();
  const { readings } = readingsIndex([], 10);
  beforeAll(() => {
    real = new QuoteIndex({ readings: readings() });
    // 「人間関係が広そうに見える」, 「不安になっちゃう」, 「はやぶさ」 said in kana.
    for (const f of [
      'livedoor-homme/livedoor-homme-6828491.txt',
      'livedoor-homme/livedoor-homme-4781271.txt',
      'movie-enter/movie-enter-6245687.txt',
    ]) {
      const interview = parseInterview(read(join(livedoor, f)));
      real.upsertInterview(interview);
      for (const t of interview.turns) texts.set(t.id, t.text);
    }
  });
  const said = (q: string) => real.search({ q, limit: 10 }).hits.map((h) => texts.get(h.quoteId) ?? '');

  it('にんげんかんけい finds 「人間関係が広そうに見える」', () => {
    expect(said('にんげんかんけい')).toEqual([expect.stringContaining('人間関係が広そうに見える')]);
  });

  it('ふあんになった finds the quotes saying 不安になる', () => {
    const got = said('ふあんになった');
    expect(got.some((t) => t.includes('不安になっちゃう'))).toBe(true);
    expect(got.some((t) => t.includes('一気に不安になった'))).toBe(true);
  });
});
