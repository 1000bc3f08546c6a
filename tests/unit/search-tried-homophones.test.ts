/**
 * A verb with てみる is indexed under its て form's reading (イッテミル), which several verbs share:
 * 行ってみる and 言ってみる (言ってみれば, "so to speak"). Typed in kana (いってみたい), the verb the quotes
 * write most under that reading ranks first, the others after it, never dropped; a reading written
 * with one verb compiles as before.
 */
import { describe, expect, it } from 'vitest';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';

const talk = prefixedInterview('h', [
  '聞き手：どんな方ですか？',
  '田中：言ってみれば天才です。',
  '聞き手：休みの日は？',
  '佐藤：ずっと気になっていた海辺の町まで、電車を乗り継いで行ってみました。駅前の商店街を歩いて、古い喫茶店でコーヒーを飲んで、夕方の海を眺めて帰ってきました。',
  '聞き手：留学は？',
  '鈴木：向こうへ行ってみなくちゃ分からないことが、たくさんあると思うんです。言葉も食べ物も、実際に暮らしてみて初めて分かることばかりでした。',
  '聞き手：将来は？',
  '高橋：宇宙の果てまで行ってみたいですね。空や星を見るのが子供の頃から好きで、今でも時間があればプラネタリウムに通っています。',
  '聞き手：料理は？',
  '伊藤：新しいレシピをやってみたい気持ちはあります。',
]);

const { ids, marked, index } = readingsIndex(talk);

describe('a kana verb with てみる whose reading several verbs share', () => {
  it('ranks the quotes of the verb written most (行ってみる) above the other verb (言ってみれば)', () => {
    const got = ids('いってみたい');
    expect(got.slice(0, 3).sort()).toEqual(['h-t004', 'h-t006', 'h-t008']);
    // Still found, and marked where it says it.
    expect(got[3]).toBe('h-t002');
    expect(marked('いってみたい', 'h-t002')).toContain('<mark>言ってみれ');
    expect(marked('いってみた', 'h-t006')).toContain('<mark>行ってみ');
  });

  it('leaves a reading written with one verb as it was (やってみたい: its reading term alone)', () => {
    const tree = JSON.stringify(index().compile('やってみたい').query);
    expect(tree).toContain('\\u0001ヤッテミル');
    expect(tree).not.toContain('\\u0002ヤッテミル');
    expect(ids('やってみたい')).toEqual(['h-t010']);
  });
});
