/**
 * Verbs typed with their kanji and an inflection, found trying the product on the livedoor
 * interviews (2026-12-07, third round): 選ばれた marked 選 alone where えらばれた marked the verb;
 * 選ばれたんです and 怒られるよ (a sentence's end after the verb) ranked quotes that only share the
 * verb's kanji (選ぶ, 喜怒哀楽) above those saying the passive; あきっぽい found 秋っぽく; 泣いちゃった
 * needed ちゃ as a word and marked it in 麻痺しちゃって; 結婚したいですか needed した.
 */
import { describe, expect, it } from 'vitest';
import { matchRanges } from '../../lib/search/highlight.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { candidateForms } from '../../lib/text/deinflect.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

const talk = prefixedInterview('v', [
  '聞き手：オーディションは？',
  '山田：多くの中から選ばれたみたいで、嬉しかったです。', // t002
  '聞き手：衣装は？',
  '山田：自分で選んだ服です。お店を選ぶのも好きです。', // t004
  '聞き手：お母さんは？',
  '山田：喜怒哀楽がはっきりしていて、怒る人です。', // t006
  '聞き手：子供の頃は？',
  '山田：母にはよく怒られてました。', // t008
  '聞き手：監督は？',
  '山田：「自然でいい」って言われました。', // t010
  '聞き手：台詞は？',
  '山田：言いたいことを言ってくる役です。', // t012
  '聞き手：衣装の色は？',
  '山田：色は秋っぽく紺でまとめました。', // t014
  '聞き手：性格は？',
  '山田：私は飽きっぽい性格です。', // t016
  '聞き手：試写は？',
  '山田：観客が横で泣いているんですよ。', // t018
  '聞き手：編集は？',
  '山田：何度もやり直して麻痺しちゃって。', // t020
  '聞き手：悩みは？',
  '山田：役のことでずっと悩んでいました。', // t022
  '聞き手：結婚は？',
  '山田：いつか結婚したいと思います。プレーしたり忙しいですけど。', // t024
]);

const { readings, ids, marked } = readingsIndex(talk);

describe('a verb typed with its kanji and an inflection', () => {
  it('is marked whole where a quote says it in any form, not its kanji alone (選ばれた, 悩んだ)', () => {
    expect(marked('選ばれた', 'v-t002')).toBe('多くの中から<mark>選ばれた</mark>みたいで、嬉しかったです。');
    expect(marked('選ばれた', 'v-t004')).toBe(
      '自分で<mark>選んだ</mark>服です。お店を<mark>選ぶ</mark>のも好きです。',
    );
    expect(marked('悩んだ', 'v-t022')).toBe('役のことでずっと<mark>悩んでいました</mark>。');
  });

  it('marks a stem the rules cannot read without the particle after it (“怒と哀”, not 怒と)', () => {
    const marked = (t: string, form: string) =>
      matchRanges(t, new Set(), [], [form]).map((r) => t.slice(r.start, r.end));
    expect(marked('“喜と楽”と“怒と哀”', '怒る')).toEqual(['怒']);
    // Okurigana the rules do not know are still marked with the stem (稼ぎ).
    expect(marked('稼ぎが少ない', '稼ぐ')).toEqual(['稼ぎ']);
  });

  it('asks for no form of a noun with a する tail (結婚|したいですか): した is no word to mark', () => {
    const c = compileQuery('結婚したいですか');
    expect(c.needles).toEqual(['結婚']);
    expect(c.words).toBe(1);
    expect(c.forms).toEqual([]);
    expect(marked('結婚したいですか', 'v-t024')).toBe(
      'いつか<mark>結婚</mark>したいと思います。プレーしたり忙しいですけど。',
    );
  });
});

describe('a passive typed with its kanji and a sentence end', () => {
  it('is kept as written at index time, whatever the verb (言われる: 言う reads nothing)', () => {
    expect(readings().inflected?.('母にはよく怒られてました')).toContain('\u0003怒られる\u0002怒られる');
    expect(readings().inflected?.('って言われました')).toContain('\u0003言われる\u0002言われる');
    expect(readings().inflected?.('食べさせられた')).toContain('\u0003食べさせられる\u0002食べさせられる');
    // An active verb has no voice: 選んだ is 選ぶ only.
    expect(
      readings()
        .inflected?.('自分で選んだ')
        .some((e) => e.startsWith('\u0003')),
    ).toBe(false);
  });

  it('ranks the quotes saying the passive above those sharing its kanji (怒られるよ, 言われた)', () => {
    expect(ids('怒られるよ')[0]).toBe('v-t008');
    expect(ids('言われた')[0]).toBe('v-t010');
  });

  it('ranks by the inflection left once the sentence end is cut off (選ばれた|んです)', () => {
    expect(ids('選ばれたんです')).toEqual(['v-t002', 'v-t004']);
  });
});

describe('an adjective made with っぽい typed in kana', () => {
  it('is the verb stem kuromoji reads in that kana, not a noun homophone (あきっぽい is not 秋っぽく)', () => {
    expect(ids('あきっぽい')).toEqual(['v-t016']);
    // Typed with its kanji, the noun's adjective is still found.
    expect(ids('秋っぽい')).toEqual(['v-t014']);
  });
});

describe('ちゃう after a verb (泣いちゃった)', () => {
  it('is てしまう said short: the verb, not a word ちゃ', () => {
    expect(candidateForms('泣いちゃった')).toContain('泣く');
    expect(candidateForms('よんじゃった')).toContain('よむ');
    const c = compileQuery('泣いちゃった');
    expect(c.needles).toEqual(['泣']);
    expect(c.forms).toContain('泣く');
  });

  it('finds and marks the verb, not the ちゃ of another (麻痺しちゃって)', () => {
    expect(ids('泣いちゃった')).toEqual(['v-t018']);
    expect(marked('泣いちゃった', 'v-t018')).toBe('観客が横で<mark>泣いている</mark>んですよ。');
  });
});
