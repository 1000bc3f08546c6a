/**
 * Hiragana words the segmenter does not know (はやぶさ, a name written in kana: あつこ, おぐねー)
 * come out of `Intl.Segmenter('ja')` as single kana (は|や|ぶ|さ), and a single kana is no term:
 * such a word was nowhere in the index, and its query found nothing. The analyzer glues a run of
 * three one-kana pieces or more back (`kana`), with the runs inside it (`kanapart`: はやぶさ of
 * くれたはやぶさ), as index-only terms: the topic tagger's features are what they were.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex, termsOfTokens, tokenizeInterview } from '../../lib/search/index.ts';
import { analyze, indexTerms } from '../../lib/text/analyze.ts';

function iv(id: string, lines: string[]): Interview {
  return parseInterview(lines.join('\n'), { id, format: 'prefixed' });
}

const film = iv('film', [
  '聞き手：今回の作品は？',
  '監督：小惑星探査機「はやぶさ」の映画です。',
  '聞き手：反響は？',
  '監督：国民に希望を与えてくれたはやぶさですから、はやぶさもきっと喜んでいます。',
  '聞き手：出演者は？',
  '監督：松藤あつこさんと、“おぐねー”こと小椋さんです。',
  '聞き手：撮影は？',
  '監督：本当に大変だったものから順に撮りました。',
  '聞き手：早めに？',
  '監督：早めに終わりました。',
]);

const terms = (s: string) => analyze(s).map((t) => t.term);

describe('hiragana words the segmenter cuts into single kana', () => {
  it('are one term, folded as a katakana word is', () => {
    expect(analyze('探査機「はやぶさ」').filter((t) => t.kind === 'kana')).toEqual([
      { term: 'ハヤブサ', kind: 'kana', start: 4, end: 8 },
    ]);
    expect(terms('松藤あつこさん')).toContain('アツコ');
    // The long vowel is folded as in a katakana run: the query おぐねー is オグネ too.
    expect(terms('“おぐねー”こと')).toContain('オグネ');
  });

  it('are found inside a run glued with the grammar around them', () => {
    const ts = terms('与えてくれたはやぶさですから');
    expect(ts).toContain('ハヤブサ');
    expect(ts).toContain('クレタハヤブサ');
  });

  it('never start with a kana no word starts with (っ of だ|っ|た)', () => {
    const ts = analyze('大変だったものから').filter((t) => t.kind === 'kana' || t.kind === 'kanapart');
    expect(ts.map((t) => t.term)).toEqual(['ダッタ']);
    expect(terms('良かったのかな').some((t) => t.startsWith('ッ'))).toBe(false);
  });

  it('leave the words the segmenter knows alone (two pieces are no run)', () => {
    expect(analyze('おいしいビール').map((t) => t.kind)).toEqual(['word', 'run']);
    expect(analyze('はやく').some((t) => t.kind === 'kana')).toBe(false);
  });

  it("are not the tagger's features, on either path", () => {
    const text = '国民に希望を与えてくれたはやぶさですから、はやぶさもきっと喜んでいます。';
    expect(indexTerms(text)).not.toContain('ハヤブサ');
    expect(indexTerms(text)).toEqual(
      analyze(text)
        .filter((t) => t.kind !== 'kana' && t.kind !== 'kanapart')
        .map((t) => t.term),
    );
    const viaTokens = termsOfTokens(film, tokenizeInterview(film), () => ['fallback']);
    expect(viaTokens(text)).toEqual(indexTerms(text));
  });
});

describe('searching them', () => {
  const index = new QuoteIndex();
  index.upsertInterview(film);
  const hits = (q: string) => index.search({ q, limit: 20 }, () => film).hits;
  const texts = (q: string) => hits(q).map((h) => h.text);

  it('finds a hiragana word the segmenter does not know', () => {
    const found = texts('はやぶさ');
    expect(found).toHaveLength(2);
    expect(found.join()).toContain('「はやぶさ」の映画');
    expect(found.join()).toContain('くれたはやぶさ');
    expect(texts('あつこ')).toEqual(['松藤あつこさんと、“おぐねー”こと小椋さんです。']);
    expect(texts('おぐねー')).toHaveLength(1);
  });

  it('marks the word, not the grammar glued before it', () => {
    const h = hits('はやぶさ').find((x) => x.text.includes('くれた'));
    // はやぶさも is one run the prefix はやぶさ matched, and is marked whole, as a katakana word is.
    expect(h?.highlight.html).toBe(
      '国民に希望を与えてくれた<mark>はやぶさ</mark>ですから、<mark>はやぶさも</mark>きっと喜んでいます。',
    );
  });

  it('does not make two kana typed alone a prefix of them (はや is a word)', () => {
    expect(texts('はや')).toEqual([]);
  });

  it('completes them as written when they stand alone, not their runs with grammar', () => {
    expect(index.suggest('はや').map((s) => s.text)).toEqual(['はやぶさ']);
    expect(index.suggest('おぐ').map((s) => s.text)).toEqual(['おぐねー']);
    // After a kanji (松藤あつこ) a run is mostly grammar (良かった): searched, not offered.
    expect(index.suggest('あつ')).toEqual([]);
    // だった of 大変だった is found when typed, never offered.
    expect(texts('だった')).toHaveLength(1);
    expect(index.suggest('だっ')).toEqual([]);
  });

  it('completes nothing for long-vowel marks alone (a trailing ーー is indexed as a word)', () => {
    const talk = iv('talk', ['聞き手：ピーターは仕事ではバリバリなのにーー。', '俳優：そうですね。']);
    const other = new QuoteIndex();
    other.upsertInterview(talk);
    expect(other.suggest('ー')).toEqual([]);
    expect(other.suggest('ーー')).toEqual([]);
    expect(other.suggest('バリ').map((s) => s.text)).toEqual(['バリバリ']);
  });
});
