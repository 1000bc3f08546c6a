/**
 * Name-colon and Q/A layouts (`名前：…`, `Q：`/`A：`): the writer's lead and close are kept as
 * `narration`, never glued to the last answer; the last answer's own later paragraphs stay with
 * it. Every text here is written for the test (no corpus text); the judged real articles are in
 * tests/unit/parse-narration-corpus.test.ts (eval/narration-layouts.json).
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';

const HEAD = ['https://example.com/a/2', '2024-05-02T10:00:00+0900', '花屋を継いだ二人の話'];
const parse = (...body: string[]) => parseInterview([...HEAD, ...body].join('\n'), { format: 'prefixed' });
const answers = (iv: Interview) => iv.turns.filter((t) => t.role !== 'interviewer').map((t) => t.text);
const narration = (iv: Interview) => iv.narration.map((n) => [n.after, n.text]);

const TALK = [
  '商店街で三代続く花屋を、姉妹で継いだ二人に話を聞いた。',
  '',
  '聞き手：継ごうと思ったのはいつですか？',
  '春香：母が入院した年です。私が店番をしていました。',
  '',
  '聞き手：これからは？',
  '夏美：配達を増やしたいですね。',
];

describe('narration in the name-colon layout', () => {
  it('keeps the lead and the writer’s close as narration, out of the last answer', () => {
    const iv = parse(
      ...TALK,
      '',
      '取材の間にも、常連客が次々と花を買いに訪れていた。',
      '',
      '店は毎週水曜が定休日。皆さんもぜひ立ち寄ってみてください。',
    );
    expect(answers(iv)).toEqual(['母が入院した年です。私が店番をしていました。', '配達を増やしたいですね。']);
    expect(narration(iv)).toEqual([
      [0, '商店街で三代続く花屋を、姉妹で継いだ二人に話を聞いた。'],
      [4, '取材の間にも、常連客が次々と花を買いに訪れていた。'],
      [4, '店は毎週水曜が定休日。皆さんもぜひ立ち寄ってみてください。'],
    ]);
  });

  it('keeps the last answer’s own later paragraph, in the speaker’s voice, with it', () => {
    const iv = parse(
      ...TALK,
      '',
      '私も姉も、花が好きなんです。',
      '',
      '取材の帰り道、店先の灯りが見えていた。',
    );
    expect(answers(iv).at(-1)).toBe('配達を増やしたいですね。\n\n私も姉も、花が好きなんです。');
    expect(narration(iv).at(-1)).toEqual([4, '取材の帰り道、店先の灯りが見えていた。']);
  });

  it('keeps answer paragraphs between the questions, whatever their voice', () => {
    const iv = parse(
      '聞き手：継ごうと思ったのはいつですか？',
      '春香：母が入院した年です。',
      '',
      '店は昭和三十年の創業。',
      '',
      '聞き手：これからは？',
      '夏美：配達を増やしたいですね。',
    );
    // Inside the interview a later paragraph is still the answer's (the rule is for the close).
    expect(answers(iv)[0]).toBe('母が入院した年です。\n\n店は昭和三十年の創業。');
    expect(iv.narration).toEqual([]);
  });
});

describe('narration in the Q/A layout', () => {
  it('keeps the writer’s summary after the last A： as narration', () => {
    const iv = parse(
      'Q：一番人気の花は？',
      'A：やっぱりバラですね。',
      '',
      'Q：おすすめの飾り方は？',
      'A：一輪だけ飾るのもいいですよ。',
      '',
      '今回は花屋の二人にお話を聞いてきましたが、花のある暮らしは思ったより手軽な様子。',
    );
    expect(answers(iv)).toEqual(['やっぱりバラですね。', '一輪だけ飾るのもいいですよ。']);
    expect(narration(iv)).toEqual([
      [4, '今回は花屋の二人にお話を聞いてきましたが、花のある暮らしは思ったより手軽な様子。'],
    ]);
  });
});

describe('questions under a single dash in the name-colon layout', () => {
  it('takes `—…？` right before a speaker’s line for the writer’s question, not more of an answer', () => {
    const iv = parse(
      '—継ごうと思ったのはいつですか？',
      '',
      '春香：母が入院した年です。',
      '',
      '夏美：私はその翌年です。',
      '',
      '—これからは？',
      '',
      '夏美：配達を増やしたいですね。',
      '',
      '春香：私は教室を開きたいです。',
    );
    expect(iv.turns.map((t) => [t.role, t.speaker])).toEqual([
      ['interviewer', '聞き手'],
      ['interviewee', '春香'],
      ['interviewee', '夏美'],
      ['interviewer', '聞き手'],
      ['interviewee', '夏美'],
      ['interviewee', '春香'],
    ]);
    expect(iv.turns[4]?.questionId).toBe(iv.turns[3]?.id);
  });

  it('leaves a quote’s attribution under one dash (`—名前—`, no speaker after it) alone', () => {
    const iv = parse(
      '聞き手：好きな言葉は？',
      '春香：この言葉です。',
      '',
      '「商いは飽きない」',
      '—祖母—',
      '',
      '最後に、店先で二人の写真を撮らせてもらった。',
    );
    expect(iv.turns.filter((t) => t.role === 'interviewer')).toHaveLength(1);
  });
});

describe('photo captions under a label in the name-colon layout', () => {
  it('takes `画像：…` for a caption, never a speaker, and the answer goes on after it', () => {
    const iv = parse(
      '店の歴史を紹介する。',
      '',
      '画像：創業当時の店先',
      '',
      '昭和三十年に祖母が開いた店は、駅前の再開発を二度乗り越えた。',
      '',
      '聞き手：継ごうと思ったのはいつですか？',
      '春香：母が入院した年です。',
      '',
      '画像：店頭に並ぶ季節の花',
      '',
      '毎朝、市場に通うのは私の役目です。',
      '',
      '聞き手：これからは？',
      '春香：配達を増やしたいですね。',
    );
    expect(iv.interviewees.map((p) => p.name)).toEqual(['春香']);
    expect(answers(iv)).toEqual([
      '母が入院した年です。\n\n毎朝、市場に通うのは私の役目です。',
      '配達を増やしたいですね。',
    ]);
    expect(narration(iv).map(([, text]) => text)).toEqual([
      '店の歴史を紹介する。',
      '昭和三十年に祖母が開いた店は、駅前の再開発を二度乗り越えた。',
    ]);
    expect(iv.turns.some((t) => t.text.includes('店先'))).toBe(false);
  });
});
