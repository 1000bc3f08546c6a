/**
 * A word typed alone asks for quotes that say it: an answer found only through the question it
 * responds to comes after them. A sentence keeps finding such answers (the question is context).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { loadReadings } from '../../lib/text/readings.ts';

const FILLER =
  '毎日の暮らしの中で、朝は早く起きて散歩をし、昼は仕事の打ち合わせに出かけ、夕方には買い物をして、夜は本を読んでから眠ります。';

describe('a one-word query and answers found through their question', () => {
  let index: QuoteIndex;

  beforeAll(async () => {
    index = new QuoteIndex({ readings: await loadReadings() });
    index.upsertInterview(
      parseInterview(
        [
          '---',
          'title: 山田さんに聞く',
          '---',
          '聞き手：介護のことを伺えますか？',
          '山田：大変でした。',
          '聞き手：今は？',
          '山田：落ち着いています。',
        ].join('\n'),
        { id: 'short', format: 'prefixed' },
      ),
    );
    // Quotes of an ordinary length, so that the average is that of real answers.
    for (let i = 0; i < 6; i++)
      index.upsertInterview(
        parseInterview(
          ['---', `title: 休日${i}`, '---', '聞き手：休日は何を？', `話し手${i}：${FILLER}${FILLER}`].join(
            '\n',
          ),
          {
            id: `other${i}`,
            format: 'prefixed',
          },
        ),
      );
    // Quotes that say 介護 once, in longer answers (length normalisation weighs them down).
    for (const [i, name] of ['佐藤', '鈴木', '高橋'].entries())
      index.upsertInterview(
        parseInterview(
          [
            '---',
            `title: ${name}さんの近況`,
            '---',
            '聞き手：最近はいかがですか？',
            `${name}：${FILLER}その合間に母の介護もしています。${FILLER}`,
          ].join('\n'),
          { id: `long${i}`, format: 'prefixed' },
        ),
      );
  }, 60_000);

  it('ranks every quote saying the word above an answer whose question says it', () => {
    const hits = index.search({ q: '介護', limit: 10 }).hits;
    const ids = hits.map((h) => h.quoteId);
    expect(ids).toContain('short-t002');
    const answer = ids.indexOf('short-t002');
    for (const i of [0, 1, 2]) {
      const own = ids.indexOf(`long${i}-t002`);
      expect(own, `long${i}-t002 in ${ids.join(' ')}`).toBeGreaterThanOrEqual(0);
      expect(own, ids.join(' ')).toBeLessThan(answer);
    }
    // The hit still says which question it answered, so a reader sees why it is there.
    expect(hits[answer]?.matchedIn).toEqual(['question']);
  });

  it('keeps the question as context for a query of several words', () => {
    const ids = index.search({ q: '介護は大変でしたか', limit: 10 }).hits.map((h) => h.quoteId);
    expect(ids[0]).toBe('short-t002');
  });
});
