/**
 * The volitional (やめよう, がんばろう, ためよう) and an ichidan verb's bare stem after its kanji (辞め,
 * 溜め of 寝溜め) are read as their verbs by rule: やめよう found nothing, though the index reads
 * 「やめようと思って」 as やめる, and the quotes a query found by such a form showed no mark. Small
 * interviews written for it, then the real livedoor interviews when ../shared is beside the checkout.
 */
import { describe, expect, it } from 'vitest';
import { QuoteIndex } from '../../lib/search/index.ts';
import { candidateForms, dictionaryForms } from '../../lib/text/deinflect.ts';
import { livedoorDir, livedoorIndex, prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';
import { available } from '../helpers/shared.ts';

describe('the volitional and the bare stem by rule', () => {
  it.each([
    ['やめよう', 'やめる'],
    ['ためよう', 'ためる'],
    ['あきらめよう', 'あきらめる'],
    ['がんばろう', 'がんばる'],
    ['かせごう', 'かせぐ'],
    ['はなそう', 'はなす'],
    ['やめましょう', 'やめる'],
    ['がんばりましょう', 'がんばる'],
  ])('%s → %s', (typed, form) => {
    expect(dictionaryForms(typed)).toContain(form);
  });

  it('reads a passive volitional back to its active verb (えらばれよう → えらぶ)', () => {
    expect(dictionaryForms('えらばれよう')).toEqual(expect.arrayContaining(['えらばれる', 'えらぶ']));
  });

  it('reads no volitional into a word that has none (よう alone, かよう, ため, やめ)', () => {
    expect(dictionaryForms('よう')).toEqual([]);
    // か is no stem of an ichidan verb: かよう is 通う (or 火曜), no よう of a verb.
    expect(dictionaryForms('かよう')).toEqual([]);
    // A kana bare stem is mostly another word: ため is 為, not 貯め.
    expect(dictionaryForms('ため')).toEqual([]);
    expect(dictionaryForms('やめ')).toEqual([]);
  });

  it('reads the bare stem of an ichidan verb after its kanji, not a godan noun', () => {
    expect(candidateForms('辞め')).toContain('辞める');
    expect(candidateForms('溜め')).toContain('溜める');
    expect(candidateForms('辞めよう')).toContain('辞める');
    // 休み, 悩み, 思い are mostly nouns: no 休む is guessed from them.
    expect(candidateForms('休み')).toEqual([]);
    expect(candidateForms('悩み')).toEqual([]);
  });
});

const fixtures = [
  prefixedInterview('v', [
    '聞き手：売れなかったら？',
    '田中：五年で駄目ならやめようと思っていました。',
    '聞き手：休日は？',
    '佐藤：休みの日は寝溜めです。',
    '聞き手：修業は？',
    '鈴木：何度も辞めようと思いました。',
    '聞き手：趣味は？',
    '高橋：映画を見ることです。',
  ]),
];

const { readings, index, search } = readingsIndex(fixtures, 20);
const html = (q: string, id: string) => search(q).find((h) => h.quoteId === id)?.highlight.html;

describe('volitional and bare-stem queries find and mark the verb', () => {
  it('やめよう finds both quotes that mean to quit, and no other', () => {
    expect(
      search('やめよう')
        .map((h) => h.quoteId)
        .sort(),
    ).toEqual(['v-t002', 'v-t006']);
  });

  it('marks やめよう as the quote writes it (a hit of やめる showed no mark)', () => {
    expect(html('やめる', 'v-t002')).toContain('<mark>やめよう</mark>');
    expect(html('やめよう', 'v-t002')).toContain('<mark>やめよう</mark>');
  });

  it('辞め finds the quote that writes the verb in kana (やめよう) beside 辞めよう', () => {
    const ids = search('辞め').map((h) => h.quoteId);
    expect(ids).toContain('v-t002');
    expect(ids).toContain('v-t006');
    expect(ids).not.toContain('v-t008');
  });

  it('ためる marks 溜め of 寝溜め (the compound found by 溜める showed no mark)', () => {
    expect(html('ためる', 'v-t004')).toContain('寝<mark>溜め</mark>');
  });

  it('keeps finding them through a snapshot', () => {
    const loaded = QuoteIndex.fromSnapshot(index().toSnapshot());
    expect(search('やめよう', loaded).map((h) => h.quoteId)).toContain('v-t002');
  });
});

const haveCorpus = available(livedoorDir, 'volitional queries on the livedoor interviews');

describe.runIf(haveCorpus)('volitional queries on the real livedoor interviews', () => {
  const real = livedoorIndex(
    // キングコング's 「5年で無理やったらやめよう」 and the chef's 「泣いて辞めようと思った」.
    ['livedoor-homme/livedoor-homme-4907971.txt', 'livedoor-homme/livedoor-homme-6011299.txt'],
    readings,
  );

  it('やめよう finds both, the kana one marked', () => {
    const hits = real.hits('やめよう');
    const said = real.said('やめよう');
    expect(said.some((t) => t.includes('5年で無理やったらやめよう'))).toBe(true);
    expect(said.some((t) => t.includes('泣いて辞めようと思った'))).toBe(true);
    expect(hits.map((h) => h.highlight.html).join('\n')).toContain('<mark>やめよう</mark>とは思ってました');
  });
});
