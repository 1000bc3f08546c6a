/**
 * A short interviewer question that only repeats the words typed (「苦労は？」, 「やってみたい？」) ranks
 * below the answers that say them: BM25's length norm favoured it for being short (a question is
 * short because it only asks), which × QUESTION_WEIGHT did not undo. Questions stay findable.
 */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';

// Ordinary turns, as long as an interview's usually are: the average a turn is normalised by.
const filler = (i: number) => [
  `聞き手：${i}年目はどうでしたか？`,
  `田中：${i}年目の春に、地元の劇場で初めて舞台に立ちました。お客さんの反応が直接返ってくるので、毎回の公演が勉強になりましたし、先輩方の芝居を袖から見て覚えることも多かったです。`,
];

const talk = parseInterview(
  [
    '聞き手：まずは自己紹介をお願いします。',
    '田中：田中です。よろしくお願いします。',
    '聞き手：苦労は？',
    '田中：たくさんありました。',
    '聞き手：下積みの頃は？',
    '田中：苦労したといえば、ステージを与えられてからの方でした。力不足で、ステージをちゃんと消化できないっていう時期が長くて、相方ともよく喧嘩しました。お客さんの前でコーナーを任されても、どう前に出ればいいのか分からないまま、毎晩ふたりで反省会をして、次の日の舞台に立っていました。',
    '聞き手：撮影はどうでしたか？',
    '田中：実際にやってみないと分からない苦労はたくさんありました。長い時間をかけて作り上げていくし、角度が少し違うだけで何度も撮り直すんです。モデルになる前に想像していた雑誌の撮影とは全然違って、一枚の写真のために、たくさんの人が朝から晩まで準備をしていることを知りました。',
    ...Array.from({ length: 20 }, (_, i) => filler(i + 1)).flat(),
  ].join('\n'),
  { id: 'echo', format: 'prefixed' },
);

const ids = (index: QuoteIndex, q: string) => index.search({ q, limit: 10 }).hits.map((h) => h.quoteId);

describe('a short question echoing the query', () => {
  it('ranks below the answers that say the word, and is still found', () => {
    const index = new QuoteIndex();
    index.upsertInterview(talk);
    expect(ids(index, '苦労').slice(0, 3)).toEqual(['echo-t006', 'echo-t008', 'echo-t003']);
  });

  it('led them by its shortness alone (interviewerMinNorm 0 is the old scoring)', () => {
    const index = new QuoteIndex({ interviewerMinNorm: 0 });
    index.upsertInterview(talk);
    expect(ids(index, '苦労')[0]).toBe('echo-t003');
  });

  it('keeps a long question its own norm, and the role weight', () => {
    const floored = new QuoteIndex();
    const plain = new QuoteIndex({ interviewerMinNorm: 0 });
    const long = parseInterview(
      [
        '聞き手：撮影の苦労について、現場で一番大変だったことや、スタッフとの関係で印象に残っていることを、できるだけ詳しく教えていただけますか？　共演者の方々とのやりとりや、監督から言われて心に残った言葉、撮影が終わった後に感じたこと、次の作品で挑戦してみたいことなども、思い出せる範囲で構いませんので、ぜひ聞かせてください。',
        '田中：はい。',
      ].join('\n'),
      { id: 'long', format: 'prefixed' },
    );
    for (const i of [floored, plain]) for (const t of [talk, long]) i.upsertInterview(t);
    const score = (i: QuoteIndex) =>
      i.search({ q: '苦労', limit: 10 }).hits.find((h) => h.quoteId === 'long-t001')?.score;
    expect(score(floored)).toBeDefined();
    expect(score(floored)).toBe(score(plain));
  });
});
