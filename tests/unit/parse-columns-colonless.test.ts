/**
 * An advice column's answer (the `A：` a `…からの…アドバイス` heading names) runs on past its headline;
 * a speaker's label printed without its colon starts that speaker's line; a page that quotes its
 * labels as words (`「直訳」「意訳」と並べてみた`) compares columns and is no interview. The texts here are
 * written for the test; the real pages are checked where ../shared/corpora is present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';

const HEAD = ['https://example.com/a/7', '2024-06-01T10:00:00+0900', '「休みが合わない」 - お悩み相談 vol.1'];
const text = (...body: string[]) => [...HEAD, ...body].join('\n');
const corpora = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora');
const haveCorpora = existsSync(corpora);
if (!haveCorpora) console.log(`parse-columns-colonless: corpus checks skipped, ${corpora} not found`);

const COLUMN = [
  '若手社会人の悩みに姉妹がお答えします。',
  '',
  '今回のお悩み',
  '',
  'Q：恋人と休みが合わない。',
  '',
  '会社員・営業',
  '26歳　男性 <悩める相談者 No.001>',
  '付き合って1年になる彼女と休みが合いません。どうしたらいいのでしょうか。',
  '',
  'チリちゃんからの甘辛アドバイス',
  '',
  'A：休みだけが二人の時間じゃない！',
  '',
  'どうもチリだよ。今日も頑張ってお答えします♪',
  '',
  'えーと。平日だって工夫をすれば会う時間は作れるはず。',
  '',
  '思い切って一緒に住んでみる手もアリ。',
  '',
  '今回の説教',
  '',
  '「愛」は休みに左右されない！',
];

describe('an advice column', () => {
  it('keeps the columnist’s paragraphs in the answer, up to the page’s next box heading', () => {
    const iv = parseInterview(text(...COLUMN), { format: 'prefixed' });
    const answer = iv.turns.find((t) => t.role === 'interviewee');
    expect(answer?.speaker).toBe('チリ');
    expect(answer?.text).toContain('どうもチリだよ。');
    expect(answer?.text).toContain('平日だって工夫をすれば');
    expect(answer?.text).toContain('一緒に住んでみる手もアリ。');
    expect(answer?.text).not.toContain('今回の説教');
    expect(iv.turns.some((t) => t.text.includes('左右されない'))).toBe(false);
  });

  it('leaves the letter writer’s profile box (job, age and sex) out of the question', () => {
    const iv = parseInterview(text(...COLUMN), { format: 'prefixed' });
    const question = iv.turns.find((t) => t.role === 'interviewer');
    expect(question?.text).toContain('恋人と休みが合わない。');
    expect(question?.text).toContain('どうしたらいいのでしょうか。');
    expect(question?.text).not.toContain('26歳');
    expect(question?.text).not.toContain('会社員・営業');
  });

  it('without the heading that names the columnist, a polite paragraph after the last answer is the writer’s close', () => {
    const iv = parseInterview(text(...COLUMN.filter((l) => !l.includes('アドバイス'))), {
      format: 'prefixed',
    });
    const answer = iv.turns.find((t) => t.role === 'interviewee');
    expect(answer?.text).toContain('休みだけが二人の時間じゃない！');
    expect(iv.turns.some((t) => t.text.includes('平日だって工夫をすれば'))).toBe(false);
  });
});

const TALK = [
  '二人のジャーナリストが語り合った。',
  '',
  '山田：最近どうですか？',
  '',
  '佐藤：忙しいですね。毎日遅くまで働いています。',
  '',
  '山田：それは大変だね。休みは取れてる？',
  '',
  '佐藤そうなんですよ、なかなか取れません！',
  '',
  '（中略）',
  '',
  '山田：身体を大事にね。',
  '',
  '佐藤は笑ってうなずいた。',
  '',
  '佐藤：ありがとうございます。気をつけます。',
];

describe('a speaker’s label printed without its colon', () => {
  it('starts that speaker’s line when the words after it talk', () => {
    const iv = parseInterview(text(...TALK), { format: 'prefixed' });
    const line = iv.turns.find((t) => t.text.startsWith('そうなんですよ'));
    expect(line?.speaker).toBe('佐藤');
    expect(iv.turns.find((t) => t.text.startsWith('それは大変だね'))?.text).not.toContain(
      '佐藤そうなんですよ',
    );
  });

  it('a short line alone between two speakers’ lines, with no sentence mark, is the page’s', () => {
    const iv = parseInterview(text(...TALK), { format: 'prefixed' });
    expect(iv.turns.find((t) => t.text.startsWith('そうなんですよ'))?.text).toBe(
      'そうなんですよ、なかなか取れません！',
    );
    expect(iv.turns.some((t) => t.text.includes('中略'))).toBe(false);
  });

  it('does not when a particle follows the name (the writer speaking of them)', () => {
    const iv = parseInterview(text(...TALK), { format: 'prefixed' });
    expect(iv.turns.some((t) => t.text.startsWith('笑ってうなずいた'))).toBe(false);
    expect(iv.turns.filter((t) => t.speaker === '佐藤').map((t) => t.text.slice(0, 6))).toEqual([
      '忙しいですね',
      'そうなんです',
      'ありがとうご',
    ]);
  });
});

describe('a label used once, answering a participant’s question', () => {
  const TABLE = [
    '三人が家計簿アプリを試して語り合った。',
    '',
    '花子：このアプリ、入力が楽だね。',
    '',
    '春香：うん。グラフも見やすいよね。',
    '',
    '花子：私はもう少し使ってみようかな。',
    '',
    '春香：私のまとめ、いかがでしたでしょうか。',
    '',
    '謎の専門家：よくまとまっていると思います。固定費から見直すといいですね。',
  ];
  it('is the answerer’s own turn after a question on a line of its own', () => {
    const iv = parseInterview(text(...TABLE), { format: 'prefixed' });
    expect(iv.turns.at(-2)?.text).toBe('私のまとめ、いかがでしたでしょうか。');
    expect(iv.turns.at(-1)?.speaker).toBe('謎の専門家');
  });
  it('stays in the turn above after a line that asks nothing', () => {
    const iv = parseInterview(
      text(...TABLE.map((l) => l.replace('いかがでしたでしょうか。', 'これで全部です。'))),
      {
        format: 'prefixed',
      },
    );
    expect(iv.turns.at(-1)?.text).toContain('謎の専門家：よくまとまっている');
  });
});

describe('labels the page quotes as words', () => {
  const COMPARISON = [
    'ある歌手のブログの翻訳が話題になった。原文の意味を確かめるため、「直訳」「意訳」と並べてみたので見比べてみてほしい。',
    '',
    '直訳：なんで呼ばれたんだろうね。',
    '意訳：俺を呼ぶなんてどうかしてるよ！',
    '直訳：とにかく騒々しくて、慌ただしかったよ。',
    '意訳：うるさくてごちゃごちゃしてる番組だったな！',
  ];
  it('are the columns of a comparison, not speakers', () => {
    expect(() => parseInterview(text(...COMPARISON), { format: 'prefixed' })).toThrow(
      /columns of a comparison/,
    );
  });

  it('a talk whose labels are not quoted as words stays an interview', () => {
    const iv = parseInterview(text(...COMPARISON.map((l) => l.replace('「直訳」「意訳」と', ''))), {
      format: 'prefixed',
    });
    expect(iv.turns.length).toBe(4);
  });
});

describe.runIf(haveCorpora)('the real pages', () => {
  const read = (f: string) => readFileSync(join(corpora, 'livedoor-news', f), 'utf8');
  it('livedoor-homme-5769314: チリ’s whole answer is hers', () => {
    const iv = parseInterview(read('livedoor-homme/livedoor-homme-5769314.txt'));
    const answer = iv.turns.find((t) => t.speaker === 'チリ');
    expect(answer?.text).toContain('早く覚悟を決めて行動に移しちゃえば？');
  });
  it('livedoor-homme-5497695: 小沢’s colonless lines are his, the last one too', () => {
    const iv = parseInterview(read('livedoor-homme/livedoor-homme-5497695.txt'));
    expect(iv.turns.at(-1)?.text).toBe('そこですよ、そこ……問題は！');
    expect(iv.turns.at(-1)?.speaker).toBe('小沢コージ');
    expect(iv.turns.filter((t) => t.text === '言えてる。').map((t) => t.speaker)).toEqual(['小沢コージ']);
  });
  it('it-life-hack-6605921 (プロの訳/違訳 side by side) is no interview', () => {
    expect(() => parseInterview(read('it-life-hack/it-life-hack-6605921.txt'))).toThrow(/not an interview/);
  });
});
