/**
 * A verb with そう — its stem for how it looks (こわれそう, たべそう, みうしないそうになる), its
 * dictionary form or past for what was heard (なくそうだ, やめたそうです) — is read as the verb by
 * rule: こわれそう found only そう and われ of other words, though the index reads 「壊れてしまいそう」
 * as こわれる. Small interviews written for it, then the real livedoor interviews when ../shared is
 * beside the checkout.
 */
import { describe, expect, it } from 'vitest';
import { QuoteIndex } from '../../lib/search/index.ts';
import { candidateForms, dictionaryForms } from '../../lib/text/deinflect.ts';
import { livedoorDir, livedoorIndex, prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';
import { available } from '../helpers/shared.ts';

describe('a verb with そう by rule', () => {
  it.each([
    ['こわれそう', 'こわれる'],
    ['やめそう', 'やめる'],
    ['たべそう', 'たべる'],
    ['やめそうになった', 'やめる'],
    ['おちそうだった', 'おちる'],
    ['みうしないそうになる', 'みうしなう'],
    ['がんばりそうです', 'がんばる'],
    ['あきらめそうになりました', 'あきらめる'],
    // なっちゃった is なってしまった: the te-form rules leave なって, which そうになって ends in.
    ['くじけそうになっちゃった', 'くじける'],
  ])('%s → %s', (typed, form) => {
    expect(dictionaryForms(typed)).toContain(form);
  });

  it('reads it after a kanji stem, as the highlighter and a kanji query do (泣きそう → 泣く)', () => {
    expect(candidateForms('泣きそう')).toContain('泣く');
    expect(candidateForms('辞めそうになった')).toContain('辞める');
    expect(candidateForms('落ちそうだった')).toContain('落ちる');
    expect(candidateForms('見失いそう')).toContain('見失う');
  });

  it('reads hearsay back to the verb heard of (なくそうだ, やめたそうです, あきらめないそうだ)', () => {
    expect(candidateForms('なくそうだ')).toContain('なく');
    expect(candidateForms('ないたそうだ')).toContain('なく');
    expect(dictionaryForms('やめたそうです')).toContain('やめる');
    expect(dictionaryForms('あきらめないそうだ')).toContain('あきらめる');
  });

  it('reads a passive with そう back to its active verb (えらばれそう → えらぶ)', () => {
    expect(dictionaryForms('えらばれそう')).toEqual(expect.arrayContaining(['えらばれる', 'えらぶ']));
  });

  it('guesses no verb from a word that only ends in そう', () => {
    // One kana before そう is mostly another word: 理想, 競う, 予想.
    expect(candidateForms('りそう')).toEqual(['りす']);
    expect(candidateForms('きそう')).not.toContain('きる');
    // A kana stem in い without a tail is mostly a kanji word's reading: 回想 is no 買う, 瞑想 no めいる.
    expect(candidateForms('かいそう')).not.toContain('かう');
    expect(candidateForms('めいそう')).not.toContain('めいる');
    // The volitional stays what it was (なくそう is なくす, not a stem of なく with そう); beside
    // it only an adjective's guess (なく|そう → なくい, which no quote has: one lookup).
    expect(candidateForms('なくそう')).toEqual(['なくす', 'なくい']);
    // Hearsay needs its だ or です: a dictionary form with そう alone is no hearsay.
    expect(candidateForms('なくそう')).not.toContain('なく');
  });
});

const fixtures = [
  prefixedInterview('s', [
    '聞き手：修業は？',
    '田中：何度もくじけそうになりました。',
    '聞き手：最初の店は？',
    '佐藤：三日で辞めそうだったんです。',
    '聞き手：機材は？',
    '鈴木：古くて、いつ壊れてもおかしくない。',
    '聞き手：趣味は？',
    '高橋：映画を見ることです。',
  ]),
];

const { readings, index, search } = readingsIndex(fixtures, 20);
const ids = (q: string) => search(q).map((h) => h.quoteId);

describe('そう queries find and mark the verb', () => {
  it('やめそう finds the quote that says 辞めそう, and no other', () => {
    expect(ids('やめそう')).toEqual(['s-t004']);
  });

  it('こわれそう finds the quote that says 壊れても', () => {
    expect(ids('こわれそう')).toContain('s-t006');
  });

  it('くじけそうになった finds the quote that says くじけそうになりました, marked', () => {
    const hit = search('くじけそうになった').find((h) => h.quoteId === 's-t002');
    expect(hit?.highlight.html).toContain('<mark>くじけそう');
  });

  it('keeps finding them through a snapshot', () => {
    const loaded = QuoteIndex.fromSnapshot(index().toSnapshot());
    expect(search('やめそう', loaded).map((h) => h.quoteId)).toEqual(['s-t004']);
  });
});

const haveCorpus = available(livedoorDir, 'そう queries on the livedoor interviews');

describe.runIf(haveCorpus)('そう queries on the real livedoor interviews', () => {
  const { said } = livedoorIndex(
    // 「もう自分が壊れてしまいそうでした」 and 「自分を見失いそうになってました」.
    ['peachy/peachy-4705803.txt', 'movie-enter/movie-enter-5914880.txt'],
    readings,
  );

  it('こわれそう finds 「壊れてしまいそうでした」 first', () => {
    expect(said('こわれそう')[0]).toContain('自分が壊れてしまいそうでした');
  });

  it('みうしないそうになる finds 「見失いそうになってました」 first', () => {
    expect(said('みうしないそうになる')[0]).toContain('自分を見失いそうになってました');
  });
});
