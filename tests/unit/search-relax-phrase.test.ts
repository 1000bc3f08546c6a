/**
 * A phrase typed with kana between its words (しごとをやめた, 仕事を辞めたい) that fewer than
 * RELAX_BELOW quotes say every word of is relaxed: those quotes first, then the quotes with any of
 * its words, said so by `relaxed` and `everyWord`. Words typed apart (仕事 辞める) stay required.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { RELAX_BELOW } from '../../lib/search/index.ts';
import { readingsIndex } from '../helpers/readings-index.ts';

const talk: Interview = parseInterview(
  [
    '聞き手：会社員時代は？',
    '田中：満員電車が合わなくて、半年で辞めてしまいました。',
    '聞き手：修業時代は？',
    '田中：辞めたいっていう私に、料理長が声をかけてくれたんです。',
    '聞き手：転機は？',
    '田中：仕事をやめて、旅に出ました。',
    '聞き手：今は？',
    '田中：仕事はとても楽しいです。',
  ].join('\n'),
  { id: 'r', format: 'prefixed' },
);

const { index, page } = readingsIndex(talk);

describe('a phrase typed with kana that few quotes say whole', () => {
  it('is relaxed below RELAX_BELOW: the quote with every word first, then those with some', () => {
    expect(RELAX_BELOW).toBe(3);
    for (const q of ['しごとをやめた', '仕事を辞めたい']) {
      const p = page(q);
      expect(p, q).toMatchObject({ matched: 'any', relaxed: true, everyWord: 1 });
      const ids = p.hits.map((h) => h.quoteId);
      expect(ids[0], q).toBe('r-t006');
      // The quotes about quitting that do not say 仕事 follow it.
      expect(ids, q).toEqual(expect.arrayContaining(['r-t002', 'r-t004']));
    }
  });

  it('keeps every word required when the words were typed apart', () => {
    const p = page('仕事 辞める');
    expect(p).toMatchObject({ matched: 'all', relaxed: false });
    expect(p.everyWord).toBeUndefined();
    expect(p.hits.map((h) => h.quoteId)).toEqual(['r-t006']);
  });

  it('takes a compound typed with kana for no phrase: its words stand side by side or joined', () => {
    // にんげん|かんけい, 人間|かんけい, 飲|み|会: nothing typed between the words, so 人間 alone is no
    // fill; a particle or the rest of a sentence between them (を, に, って) makes the phrase.
    for (const q of ['にんげんかんけい', '人間かんけい', '飲み会', '介護福祉'])
      expect(index().compile(q).typedAsPhrase, q).toBe(false);
    for (const q of ['しごとをやめた', '仕事を辞めたい', '家族に心配された', '飲み会に行った'])
      expect(index().compile(q).typedAsPhrase, q).toBe(true);
  });

  it('says none has every word (everyWord 0) when none does', () => {
    // Both words are said, never together (ピアノを辞めた, whose ピアノ no quote says, now finds
    // nothing: tests/unit/search-missing-words.test.ts).
    const p = page('修業を楽しむ');
    expect(p).toMatchObject({ matched: 'any', relaxed: true });
    expect(p.everyWord).toBe(0);
  });
});
