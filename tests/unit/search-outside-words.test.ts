/**
 * Words as people type them, found trying the product on the livedoor interviews (2026-12-06,
 * second round): っぽい adjectives were their noun (飽きっぽい found 飽きずに, 怒りっぽい found
 * 怒りのレベル); a passive typed (えらばれた, 映画にされた) found nothing or needed された; おい
 * matched and marked おいしく; a hiragana chunk with its particle (はやぶさの) and a name whose last
 * kana the segmenter reads with the particle after it (まえだまえだ|が) found nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { matchRanges } from '../../lib/search/highlight.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { analyzeNormalized, indexTerms } from '../../lib/text/analyze.ts';
import { candidateForms } from '../../lib/text/deinflect.ts';
import { loadReadings } from '../../lib/text/readings.ts';

function iv(id: string, lines: string[]): Interview {
  return parseInterview(lines.join('\n'), { id, format: 'prefixed' });
}

const talk = iv('w', [
  '聞き手：どんな性格ですか？',
  '山田：私は飽きっぽい性格で、趣味が続きません。', // t002
  '聞き手：恋人とは？',
  '山田：毎回同じデートだと飽きてくるんです。', // t004
  '聞き手：上司は？',
  '山田：上司は怒りっぽくて困ります。', // t006
  '聞き手：最近は？',
  '山田：怒りのレベルが違いますよ。', // t008
  '聞き手：役作りは？',
  '山田：私よりも大人っぽい人を演じました。', // t010
  '聞き手：現場では？',
  '山田：大人と同じように接してもらいました。', // t012
  '聞き手：オーディションは？',
  '山田：多くの中から選ばれたみたいで、嬉しかったです。', // t014
  '聞き手：衣装は？',
  '山田：自分で選んだ服です。', // t016
  '聞き手：原作は？',
  '山田：漫画を映画にされたのは初めてです。', // t018
  '聞き手：ほかの作品は？',
  '山田：映画で見た景色が好きです。', // t020
  '聞き手：ケーキは？',
  '山田：おいしくケーキを食べつつ、野菜もとります。', // t022
  '聞き手：準備は？',
  '山田：部屋を取っておいて、驚かせました。', // t024
  '聞き手：共演者は？',
  '山田：まえだまえだが出演しています。', // t026
  '聞き手：宇宙は？',
  '山田：「はやぶさ」の映画です。はやぶさも好きです。', // t028
]);

describe('an adjective made with っぽい', () => {
  let index: QuoteIndex;
  beforeAll(async () => {
    index = new QuoteIndex({ readings: await loadReadings() });
    index.upsertInterview(talk);
  }, 60_000);
  const ids = (q: string) => index.search({ q, limit: 10 }, () => talk).hits.map((h) => h.quoteId);

  it('is one word typed with its kanji: the quotes saying it, not its noun (飽き, 怒り, 大人)', () => {
    expect(ids('飽きっぽい')).toEqual(['w-t002']);
    expect(ids('怒りっぽい')).toEqual(['w-t006']);
    expect(ids('大人っぽい')).toEqual(['w-t010']);
  });

  it('is found by its kana, the verb stem read as a verb (おこりっぽい → 怒りっぽく)', () => {
    expect(ids('あきっぽい')).toEqual(['w-t002']);
    expect(ids('おこりっぽい')).toEqual(['w-t006']);
    expect(ids('おとなっぽい')).toEqual(['w-t010']);
  });

  it('is marked whole, in the form the quote says it', () => {
    const hit = index.search({ q: '怒りっぽい', limit: 10 }, () => talk).hits[0];
    expect(hit?.highlight.html).toBe('上司は<mark>怒りっぽくて</mark>困ります。');
  });
});

describe('a passive or causative verb', () => {
  it('leads back to its active verb (えらばれた → えらぶ, おこられた → おこる, させた → する)', () => {
    expect(candidateForms('えらばれた')).toContain('えらぶ');
    expect(candidateForms('おこられた')).toContain('おこる');
    expect(candidateForms('たべさせた')).toContain('たべる');
    expect(candidateForms('かかされた')).toContain('かく');
    expect(candidateForms('させた')).toContain('する');
    expect(candidateForms('映画化された')).toContain('映画化する');
    // Not every れる is a passive: わすれる has no a-row stem.
    expect(candidateForms('わすれた')).toEqual(['わすれる']);
  });

  it('is found in kana by the active verb the quotes are read as, the passive first', async () => {
    const index = new QuoteIndex({ readings: await loadReadings() });
    index.upsertInterview(talk);
    const ids = index.search({ q: 'えらばれた', limit: 10 }, () => talk).hits.map((h) => h.quoteId);
    expect(ids).toEqual(['w-t014', 'w-t016']);
  }, 60_000);

  it('typed with its kanji ranks the quote that says it so above other forms (選ばれた, 選んだ)', () => {
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    const ids = index.search({ q: '選ばれた', limit: 10 }, () => talk).hits.map((h) => h.quoteId);
    expect(ids).toEqual(['w-t014', 'w-t016']);
  });

  it('after a noun and に is the noun made into something: する is no required word (映画にされた)', () => {
    const c = compileQuery('映画にされた');
    expect(c.needles).toEqual(['映画']);
    expect(c.words).toBe(1);
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    const ids = index.search({ q: '映画にされた', limit: 10 }, () => talk).hits.map((h) => h.quoteId);
    // Every quote with 映画, the one saying 映画にされた first; not 選ばれた, a passive without 映画.
    expect(ids[0]).toBe('w-t018');
    expect([...ids].sort()).toEqual(['w-t018', 'w-t020', 'w-t028']);
  });
});

describe('two kana typed alone (おい)', () => {
  it('do not match the kana the segmenter cut off a hiragana adjective (おい|しく)', () => {
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    const hits = index.search({ q: 'おい', limit: 10 }, () => talk).hits;
    expect(hits.map((h) => h.quoteId)).toEqual(['w-t024']);
    expect(hits[0]?.highlight.html).toBe('部屋を取って<mark>おい</mark>て、驚かせました。');
  });

  it('are marked as a word only: not inside おいしい, nor in おい|しく', () => {
    const marked = (t: string) =>
      matchRanges(t, new Set(['オイ']), ['オイ']).map((r) => t.slice(r.start, r.end));
    expect(marked('おいしくケーキを')).toEqual([]);
    expect(marked('おいしいビール')).toEqual([]);
    expect(marked('おい、待て')).toEqual(['おい']);
  });

  it('leave the terms the topic tagger reads as they were', () => {
    expect(indexTerms('おいしくケーキを食べつつ')).toEqual(['オイ', 'シク', 'ケーキ', '食', 'ツツ']);
    expect(analyzeNormalized('おいしく').map((t) => t.kind)).toContain('frag');
    // The particle しか after a word is no adjective's ending.
    expect(analyzeNormalized('ひとつしか').some((t) => t.kind === 'frag')).toBe(false);
  });
});

describe('a hiragana word typed with its particle, or cut with one', () => {
  it('finds the quotes saying the word with another particle (はやぶさの → 「はやぶさ」の, はやぶさも)', () => {
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    const hits = index.search({ q: 'はやぶさの', limit: 10 }, () => talk).hits;
    expect(hits.map((h) => h.quoteId)).toEqual(['w-t028']);
    expect(hits[0]?.highlight.html).toBe(
      '「<mark>はやぶさ</mark>」の映画です。<mark>はやぶさ</mark>も好きです。',
    );
  });

  it('glues the kana the segmenter reads with the particle after it (まえだまえ|だが)', () => {
    const terms = analyzeNormalized('まえだまえだが出演').map((t) => t.term);
    expect(terms).toContain('マエダマエダ');
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    expect(index.search({ q: 'まえだまえだ', limit: 10 }, () => talk).hits.map((h) => h.quoteId)).toEqual([
      'w-t026',
    ]);
  });
});
