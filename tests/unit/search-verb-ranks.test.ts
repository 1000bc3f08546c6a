/**
 * Verbs typed with their kanji ranked against the words sharing that kanji, found trying the
 * product on the livedoor interviews (2026-12-07, fourth round): 悩んだ ranked quotes saying the
 * noun 悩み above those saying 悩んで; 怒られるよ ranked 喜怒哀楽 and 怒る above a long quote saying
 * 怒られる, and marked 怒 inside 喜怒哀楽; はじめての主演 found 加圧をはじめて (the verb) and never
 * 初めて (the adverb a user means); 家族に反対された had no way to rank 反対された first.
 */
import { describe, expect, it } from 'vitest';
import { matchRanges } from '../../lib/search/highlight.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { splitSpelling, WRITTEN_VERB_MARK, writtenVerbTerm } from '../../lib/text/deinflect.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

const long =
  '撮影のあとはみんなで食事に行って、台本の読み合わせをして、衣装の相談もして、移動の車でも話して、';

const talk = prefixedInterview('r', [
  '聞き手：肌は？',
  '山田：お肌の悩みは毛穴です。', // t002
  '聞き手：体は？',
  '山田：心の悩み、体の悩みがあります。', // t004
  '聞き手：役は？',
  `山田：${long}それでも役のことでずっと悩んでいました。`, // t006
  '聞き手：決めた時は？',
  `山田：${long}本当に悩みました。`, // t008
  '聞き手：感情は？',
  '山田：日々の喜怒哀楽を楽しむ事。怒ったり悲しむ事も必要です。', // t010
  '聞き手：ゴルフは？',
  '山田：いつも怒る人がいます。', // t012
  '聞き手：家では？',
  `山田：${long}${long}家に帰ったら「お母さんに怒られるよ」と言われました。`, // t014
  '聞き手：ダイエットは？',
  '山田：加圧をはじめてから痩せました。', // t016
  '聞き手：映画は？',
  '山田：初めて映画の主演に抜擢されて驚きました。', // t018
  '聞き手：性格は？',
  '山田：性格なんて正反対ですよ。', // t020
  '聞き手：進路は？',
  `山田：${long}${long}俳優になると言ったら家族に反対されました。`, // t022
  '聞き手：その案は？',
  '山田：その案には反対です。', // t024
]);

const { readings, ids, marked, index } = readingsIndex(talk);

describe('the index keeps a verb written with its kanji as written', () => {
  it('reads 悩む in 悩んでいました and 悩みました, no verb in the noun 悩み', () => {
    const written = (text: string) =>
      (readings().inflected?.(text) ?? []).filter((e) => e.startsWith(WRITTEN_VERB_MARK));
    expect(written('ずっと悩んでいました')).toEqual([writtenVerbTerm('悩む')]);
    expect(written('本当に悩みました')).toEqual([writtenVerbTerm('悩む')]);
    expect(written('お肌の悩みは毛穴')).toEqual([]);
  });

  it('keeps a する noun in a voice as written (反対されました: 反対される)', () => {
    const spelled = (readings().inflected?.('家族に反対されました') ?? []).map((e) => splitSpelling(e)?.[0]);
    expect(spelled).toContain('反対される');
    expect(readings().inflected?.('性格なんて正反対ですよ') ?? []).toEqual([]);
  });
});

describe('a verb typed with its kanji ranks the quotes saying the verb first', () => {
  it('悩んだ: the quotes saying 悩んで, 悩みました before the noun 悩み, which is still found', () => {
    const got = ids('悩んだ');
    expect(got.slice(0, 2).sort()).toEqual(['r-t006', 'r-t008']);
    expect(got).toContain('r-t002');
    expect(got).toContain('r-t004');
  });

  it('怒られるよ: the long quote saying the passive before the short ones saying 怒る', () => {
    const got = ids('怒られるよ');
    expect(got[0]).toBe('r-t014');
    expect(got.slice(1).sort()).toEqual(['r-t010', 'r-t012']);
  });

  it('the verb ranks are no words of their own: one word typed is one word (question field)', () => {
    const c = compileQuery('悩んだ');
    expect(c.words).toBe(1);
    const q = c.query;
    expect(q?.kind).toBe('match');
    if (q?.kind !== 'match') return;
    const ranks = q.slots.filter((s) => s.rank);
    expect(ranks.length).toBeGreaterThan(0);
    expect(ranks.every((s) => !s.required)).toBe(true);
    // As JSON writes the term (its mark escaped).
    expect(JSON.stringify(ranks)).toContain(JSON.stringify(writtenVerbTerm('悩む')));
  });

  it('反対された: a long quote saying 反対されました before short ones saying 反対, 正反対', () => {
    expect(ids('反対された')[0]).toBe('r-t022');
    expect(ids('反対された')).toContain('r-t024');
    expect(ids('家族に反対された')[0]).toBe('r-t022');
  });
});

describe('a verb stem is no needle inside a compound', () => {
  it('marks 怒 of 怒られる where the verb is, not inside 喜怒哀楽', () => {
    expect(marked('怒られるよ', 'r-t010')).toBe(
      '日々の喜怒哀楽を楽しむ事。<mark>怒った</mark>り悲しむ事も必要です。',
    );
    const at = (text: string, forms: string[]) =>
      matchRanges(text, new Set(), ['怒'], forms).map((r) => text.slice(r.start, r.end));
    expect(at('喜怒哀楽と怒鳴られた、怒った', ['怒る'])).toEqual(['怒った']);
    // Where no form of the verb is, the kanji inside the words is what found the quote, and a hit
    // is never shown bare: it is marked (tests/unit/highlight-never-bare.test.ts).
    expect(at('喜怒哀楽と怒鳴られた', ['怒る'])).toEqual(['怒', '怒']);
    // A kanji typed alone is still a needle: it is no verb's stem.
    expect(at('喜怒哀楽と怒鳴られた', [])).toEqual(['怒', '怒']);
  });
});

describe('an adverb written with its kanji is found by its kana', () => {
  it('はじめての主演 finds 初めて映画の主演, not 加圧をはじめて', () => {
    // The one quote with both words leads and is the one counted; 加圧をはじめて (はじめて alone) only
    // follows it, on the page relaxed below RELAX_BELOW for a phrase typed with kana.
    const page = index().search({ q: 'はじめての主演', limit: 10 }, () => talk);
    expect(page).toMatchObject({ relaxed: true, everyWord: 1 });
    expect(page.hits.map((h) => h.quoteId)).toEqual(['r-t018', 'r-t016']);
    expect(ids('はじめて')).toContain('r-t018');
  });
});
