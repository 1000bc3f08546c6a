/**
 * Q/A and name-colon pages that interview several people in turn, print a photo's caption on a
 * question's line, or put the writer's line right under a speaker's: who answers, what is asked and
 * what is the writer's. Every text here is written for the test (no corpus text); the judged real
 * articles are in eval/attribution.json and eval/narration-layouts.json.
 */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';

const HEAD = ['https://example.com/a/3', '2024-06-01T10:00:00+0900', '朝の過ごし方を三人に聞いた'];
const parse = (...body: string[]) => parseInterview([...HEAD, ...body].join('\n'), { format: 'prefixed' });

const CASES = [
  '忙しい毎日を送る女性たちに、朝の過ごし方を聞いてきました。',
  '',
  'CASE1：佐藤真理',
  '年齢：28歳',
  '職業：看護師',
  '夜勤明けの朝も多い。',
  '',
  'Q：佐藤さんの朝の楽しみは何ですか?',
  'A：コーヒーを淹れる時間ですね。',
  '',
  'Q：豆にもこだわりますか?',
  'A：はい、毎週違う豆を買っています。',
  '',
  'CASE2：森田彩',
  '年齢：21歳',
  '職業：大学生',
  'テニス部で朝練の日々。',
  '',
  'Q：森田さんの朝の楽しみは何ですか?',
  'A：朝練のあとの朝ごはんです!',
];

describe('several people interviewed in turn, each under a profile box', () => {
  it('credits each `A：` to the person the box above it names', () => {
    const iv = parse(...CASES);
    expect(iv.turns.map((t) => [t.role, t.speaker])).toEqual([
      ['interviewer', '聞き手'],
      ['interviewee', '佐藤真理'],
      ['interviewer', '聞き手'],
      ['interviewee', '佐藤真理'],
      ['interviewer', '聞き手'],
      ['interviewee', '森田彩'],
    ]);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['佐藤真理', '森田彩']);
  });

  it('names nobody from a box without a profile row (a product box is no person)', () => {
    const iv = parse(
      'Q：朝の楽しみは何ですか?',
      'A：コーヒーを淹れる時間ですね。',
      '',
      '商品名：朝珈琲',
      '価格：1,200円',
      '容量：200g',
      '',
      'Q：豆にもこだわりますか?',
      'A：はい、毎週違う豆を買っています。',
    );
    expect(iv.turns.filter((t) => t.role === 'interviewee').map((t) => t.speaker)).toEqual([
      '話し手',
      '話し手',
    ]);
  });
});

describe('a caption printed on the question’s line', () => {
  it('reads the question from its `Q：` and keeps the caption before it out of every turn', () => {
    const iv = parse(
      'Q：朝の楽しみは何ですか?',
      'A：コーヒーを淹れる時間ですね。',
      '',
      '毎週違う豆を選ぶのが楽しみ!Q：豆はどこで買いますか?',
      'A：駅前の小さなお店です。',
    );
    expect(iv.turns.map((t) => [t.role, t.text])).toEqual([
      ['interviewer', '朝の楽しみは何ですか?'],
      ['interviewee', 'コーヒーを淹れる時間ですね。'],
      ['interviewer', '豆はどこで買いますか?'],
      ['interviewee', '駅前の小さなお店です。'],
    ]);
    expect(iv.captions).toEqual(['毎週違う豆を選ぶのが楽しみ!']);
    expect(iv.turns[3]?.questionId).toBe(iv.turns[2]?.id);
  });

  it('leaves `FAQ：` and a `Q：` that no answer follows inside the answer', () => {
    const iv = parse(
      'Q：困ったときは?',
      'A：サイトを見ます。',
      'よくある質問FAQ：サイトの下にあります。',
      '',
      'Q：ほかには?',
      'A：店に電話します。',
    );
    expect(iv.turns.filter((t) => t.role === 'interviewer')).toHaveLength(2);
    expect(iv.turns[1]?.text).toContain('FAQ：');
  });
});

describe('the writer’s line right under a speaker’s', () => {
  it('ends the turn at a line that speaks of a speaker as `名前さん` and does not talk', () => {
    const iv = parse(
      '母と娘のやりとりを見せてもらった。',
      '',
      '奈美の母：夕飯は何がいいの？',
      '奈美：なんでもいいよ',
      '奈美の母：じゃあ、カレーね！',
      '奈美さんは、結局なにも言えなかったらしい。',
      '',
      '奈美の母：明日は早いの？',
      '奈美：いつも通りだよ',
    );
    const texts = iv.turns.map((t) => t.text).join('\n');
    expect(texts).not.toContain('言えなかった');
    expect(iv.narration.map((n) => n.text)).toContain('奈美さんは、結局なにも言えなかったらしい。');
  });

  it('keeps a speaker’s line that names the other with さん in their own voice', () => {
    const iv = parse(
      '小川：この車、どうでした？',
      '高野：よかったですよ。',
      '小川さんはどう思うんですか？私は好きですね。',
      '',
      '小川：僕もいいと思います。',
      '高野：じゃあ決まりですね。',
    );
    expect(iv.turns[1]?.text).toContain('小川さんはどう思う');
  });

  it('takes `（次回に続く……）` under the last answer for the writer’s note', () => {
    const iv = parse(
      '小川：この車、どうでした？',
      '高野：よかったですよ。',
      '',
      '小川：また乗りたいですね。',
      '（次回に続く……）',
    );
    expect(iv.turns.at(-1)?.text).toBe('また乗りたいですね。');
    expect(iv.narration.map((n) => n.text)).toContain('（次回に続く……）');
  });
});

describe('a question under a single dash', () => {
  it('keeps the dash out of the question’s text', () => {
    const iv = parse(
      '—これからは？',
      '',
      '春香：配達を増やしたいです。',
      '',
      '夏美：私もです。',
      '',
      '—お店の自慢は？',
      '',
      '春香：季節の花ですね。',
      '',
      '夏美：常連さんです。',
    );
    expect(iv.turns[0]?.text).toBe('これからは？');
  });
});
