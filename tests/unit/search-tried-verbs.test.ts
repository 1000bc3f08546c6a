/**
 * A verb with てみる after it ("try doing") typed in kana (やってみたい, いってみたい) finds the quotes
 * that say it in any form (やってみた, やってみないと, 行ってみました): the index keeps the verb and
 * てみる as one dictionary form (lib/text/readings.ts triedForm), which the query reads from what was
 * typed. Before, やってみたい found nothing: the segmenter cuts や|って|みたい, and no piece is a term.
 */
import { describe, expect, it } from 'vitest';
import { inflectedEntry } from '../../lib/text/deinflect.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

const talk = prefixedInterview('t', [
  '聞き手：新しい役は？',
  '田中：単純にやってみたいという興味がありました。',
  '聞き手：結果は？',
  '高橋：結果はやってみないとわかりません。',
  '聞き手：合コンは？',
  '鈴木：後輩とコンパらしきものをやってみたことがあります。',
  '聞き手：旅行は？',
  '佐藤：宇宙の果てまで行ってみたいですね。',
  '聞き手：留学は？',
  '伊藤：無鉄砲にも行ってみました。',
  '聞き手：どんな人？',
  '山本：子供みたいで、言ってみれば天才です。',
  '聞き手：仕事は？',
  '中村：毎日やっています。',
]);

const { ids, marked, readings } = readingsIndex(talk, 10);

describe('a verb with てみる is read as one dictionary form', () => {
  it('in kana and with its kanji, in any form kuromoji reads after て', () => {
    const r = readings();
    expect(r.inflected?.('やってみたいな')).toContain(inflectedEntry('ヤッテミル', 'やってみる'));
    expect(r.inflected?.('行ってみなくちゃダメです')).toContain(inflectedEntry('イッテミル', '行ってみる'));
    expect(r.inflected?.('読んでみた')).toContain(inflectedEntry('ヨンデミル', '読んでみる'));
  });

  it('not みたい of a noun (子供みたいで), nor a て of no verb', () => {
    const r = readings();
    expect(r.inflected?.('子供みたいで').some((e) => e.includes('ミル'))).toBe(false);
    expect(r.inflected?.('毎日やっています').some((e) => e.includes('ミル'))).toBe(false);
  });
});

describe('searching it', () => {
  it('やってみたい finds every form of やってみる, marked, and not やっています', () => {
    expect([...ids('やってみたい')].sort()).toEqual(['t-t002', 't-t004', 't-t006']);
    expect(marked('やってみたい', 't-t004')).toContain('<mark>やってみない</mark>');
  });

  it('いってみたい finds 行ってみたい and 行ってみました', () => {
    expect(ids('いってみたい').slice(0, 2).sort()).toEqual(['t-t008', 't-t010']);
  });
});
