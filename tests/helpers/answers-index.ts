/**
 * An index of one interview whose answers are `quotes`, each after a question of its own, and 20
 * filler answers (so a word's idf is real, not that of a five-quote corpus): the compound search
 * tests (tests/unit/search-compounds, search-compound-checks) rank and check their quotes in it.
 */
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';

export function answersIndex(quotes: readonly string[]): QuoteIndex {
  const index = new QuoteIndex();
  index.upsertInterview(
    parseInterview(
      [
        ...quotes.flatMap((q, i) => [`聞き手：${i + 1}つ目の質問です。`, `山田：${q}`]),
        ...Array.from(
          { length: 20 },
          (_, i) => `聞き手：${i + 1}日目は？\n山田：${i + 1}日目は海で泳ぎました。`,
        ),
      ].join('\n'),
      { id: 'c', format: 'prefixed' },
    ),
  );
  return index;
}
