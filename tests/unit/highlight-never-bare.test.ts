/**
 * A hit is never shown without a mark. A verb's kanji stem is left to the verb's forms (怒 of 怒られた
 * is no verb in 喜怒哀楽), but where a quote holds the kanji only inside another word (怒鳴られたり),
 * that kanji is what found it, and it is marked rather than nothing. A kanji noun a particle follows
 * in the query (部屋 of 部屋がいい) is no verb stem at all and is marked wherever it stands. Kana typed
 * for a kanji word found by a reading whose written form is another word (じしん: 自身) marks the word
 * the quote reads so (地震).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { matchRanges } from '../../lib/search/highlight.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { loadReadings } from '../../lib/text/readings.ts';

const marked = (text: string, needles: string[], forms: string[]) =>
  matchRanges(text, new Set(), needles, forms).map((r) => text.slice(r.start, r.end));

describe('matchRanges marks something in a text its needles found', () => {
  it('marks 怒 in 怒鳴られたり when the kanji is all the quote has of 怒られた', () => {
    expect(marked('怒鳴られたり、喧嘩したり。', ['怒'], ['怒る', '怒られる'])).toEqual(['怒']);
  });

  it('still leaves 喜怒哀楽 unmarked where a form of the verb is marked', () => {
    expect(marked('喜怒哀楽が激しくて、よく怒られた。', ['怒'], ['怒る', '怒られる'])).toEqual(['怒られた']);
  });

  it('marks the noun 部屋 of 部屋がいい beside the verb it stands with', () => {
    expect(
      marked('部屋で過ごすのが楽しめる人です。', ['紅葉', '楽シメル', '部屋'], ['楽しめる', '部屋がいい']),
    ).toEqual(['部屋', '楽しめる']);
  });
});

describe('a search shows no hit bare', () => {
  let index: QuoteIndex;
  beforeAll(async () => {
    index = new QuoteIndex({ readings: await loadReadings() });
    index.upsertInterview(
      parseInterview(
        [
          '聞き手：現場はどうでしたか？',
          '山田：職人気質の人ばかりで、怒鳴られたり、喧嘩したり、大変でした。',
          '聞き手：休みの日は？',
          '山田：部屋で映画を観ています。',
          // ジシン is read for 自身 more often than for 地震: its term's written form is 自身.
          '聞き手：自分自身のことは？',
          '山田：私自身、自分自身を信じています。',
          '聞き手：あの日は？',
          '山田：うん、地震のとき普通に繋がったよ。',
        ].join('\n'),
        { id: 'b', format: 'prefixed' },
      ),
    );
  }, 60_000);

  it('marks 地震 for じしん where the reading ジシン keeps another word as its written form', () => {
    const html = index.search({ q: 'じしん', limit: 10 }).hits.map((h) => h.highlight.html);
    expect(html).toContain('うん、<mark>地震</mark>のとき普通に繋がったよ。');
  });

  it.each(['怒られた', '部屋がいい', 'じしん'])('every hit for %s has a mark', (q) => {
    const hits = index.search({ q, limit: 10 }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.highlight.html, h.quoteId).toContain('<mark>');
  });
});
