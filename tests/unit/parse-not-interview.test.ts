/**
 * Pages the label layouts read that are no interview (lists, comparisons, ruled boxes) are refused
 * as a ParseError (`not an interview`), so their labels never become people; real interviews and
 * talks in the same layouts stay interviews. The texts are written for the test (no corpus text).
 */
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { notAnInterview } from '../../lib/parse/interview-check.ts';

const refusal = (text: string): string => {
  try {
    parseInterview(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return (e as ParseError).message;
  }
  throw new Error('parsed as an interview');
};

describe('pages that are not interviews', () => {
  it('refuses a comparison whose two labels alternate over rows nobody says (left/right captions)', () => {
    const page = [
      '春の新作コーデ',
      '',
      'この春に出る服を、写真の左右に分けて紹介する。',
      '',
      '左：丸襟のジャケット。12,000円',
      '',
      '右：花柄のスカート。8,900円',
      '',
      '左：麻のシャツ。6,500円',
      '',
      '右：デニムのパンツ。9,800円',
    ].join('\n');
    expect(refusal(page)).toMatch(/not an interview: 4 of 4 lines .* read as nobody talking/);
  });

  it('refuses a results table of win/loss rows', () => {
    const rows = ['○：山田太郎（31歳）', '×：佐藤次郎（28歳）', '○：鈴木一郎（40歳）', '×：高橋三郎（35歳）'];
    expect(refusal(`大会結果\n\n第3回の勝敗を、出場した順にまとめた。\n\n${rows.join('\n\n')}\n`)).toMatch(
      /^line \d+: not an interview/,
    );
  });

  it('refuses a list under one heading word that the page names nobody with', () => {
    const page =
      '新型ルーターの紹介\n\n秋に出る新しいルーターを、型ごとにまとめて紹介する。\n\n品番：AB-100／AB-200\n\n品番：CD-300\n\n品番：EF-400／EF-500\n';
    expect(refusal(page)).toMatch(/one label \(`品番：`\)/);
  });

  it("refuses rows in the writer's polite prose under labels the page names nobody with (sides of a device)", () => {
    const page = [
      '新しいルーターを写真で見る',
      '',
      '今回はこの秋に発売される小型ルーターの外観を、写真とともに紹介していきます。',
      '',
      '天面：天面には電源ボタンと表示ランプが配置されています。',
      '',
      '側面：側面にはカードスロットがあり、ファイルの共有が可能となっています。',
      '',
      '側面：反対の側面は充電用の端子となっています。',
      '',
      '天面：ランプの色で電池の残りが分かるようになっています。',
    ].join('\n');
    expect(refusal(page)).toMatch(/4 of 4 lines under labels nobody on the page is named .* polite prose/);
  });

  it('weighs no price as a speaker: synopsis rows plus a `…円/発売元` row are one unnamed label', () => {
    const page = [
      '秋に観たい旅の映画',
      '',
      '旅に出たくなる映画を、あらすじとともに選んで紹介します。',
      '',
      'STORY：4人の少女が、初めて別々の夏を過ごすことに。それぞれの成長を描く青春物語です。',
      '',
      '3,990円/発売元：映画社',
      '',
      'STORY：指揮者の男が故郷の村へ戻り、合唱隊を教えることに。彼は少しずつ変わっていきます。',
      '',
      '3,990円/発売元：映画社',
    ].join('\n');
    expect(refusal(page)).toMatch(/one label \(`STORY：`\) and nobody asking/);
  });

  it("refuses one label over bare values even when the writer's prose is glued into its rows", () => {
    const page = [
      '女子におすすめのアプリ',
      'ダウンロード：iPhone版',
      '',
      'いかがでしたか？自分に合ったアプリを探して、スマホ生活を楽しんでください。',
      '',
      'ダウンロード：Android版',
      'ダウンロード：タブレット版',
    ].join('\n');
    expect(refusal(page)).toMatch(/one label \(`ダウンロード：`\) over bare values/);
  });

  it('refuses boxes headed by ruled lines, whatever the text under them says', () => {
    const page = [
      'ヘッドセットを試す',
      '',
      '┏━━━━━━',
      '┃1.開封',
      '私は箱を開けてみた。とても軽いですね。',
      '',
      '┏━━━━━━',
      '┃2.接続',
      '僕のパソコンにつないでみました。簡単ですよ。',
    ].join('\n');
    expect(notAnInterview([turn('┏━━━━━━', '私は箱を開けてみた。')], page, false)).toMatch(/ruled line/);
  });
});

describe('interviews in the same layouts stay interviews', () => {
  it('keeps a talk between two people who ask each other nothing marked, when their lines read as talk', () => {
    const talk = [
      '対談',
      '',
      '小沢：このクルマ、乗ってみてどうでした？',
      '',
      '吉田：意外と広いんですよね。荷物も載るし。',
      '',
      '小沢：値段の割には頑張ってると思うよ。',
      '',
      '吉田：私なら色で選んじゃいますね（笑）',
    ].join('\n');
    const iv = parseInterview(talk);
    expect(iv.turns).toHaveLength(4);
    expect([iv.interviewer?.name, ...iv.interviewees.map((p) => p.name)].sort()).toEqual(['吉田', '小沢']);
  });

  it('keeps a page where someone asks, even when the answers are short rows', () => {
    const iv = parseInterview('Q．好きな色は？\nA．青。\n\nQ．好きな数字は？\nA．7。\n');
    expect(iv.turns.filter((t) => t.role === 'interviewee')).toHaveLength(2);
  });

  it('keeps answers printed under one label when the page names that label as a person', () => {
    const page = [
      '植物のある暮らし',
      '',
      '研究者の山本花子さんにお話を伺いました。',
      '',
      '山本：ハーブティーは毎朝飲んでいます。体が温まるんですよ。',
      '',
      '山本：季節に合わせて選ぶのがおすすめですね。',
    ].join('\n');
    const iv = parseInterview(page);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['山本花子']);
  });

  it('keeps named people speaking politely without chat (shop staff presenting items)', () => {
    const page = [
      '店員さんおすすめの秋アイテム',
      '',
      '人気店のスタッフ、田村さんと森さんに今年のおすすめを聞いてきました。',
      '',
      '田村：こちらのニットは今年の新作です。軽くて暖かい素材を使っています。',
      '',
      '森：このバッグは通勤にも使えるサイズになっています。',
      '',
      '田村：ストールは三色からお選びいただけます。',
      '',
      '森：こちらのブーツは雨の日にも履ける素材です。',
    ].join('\n');
    const iv = parseInterview(page);
    expect(iv.turns.map((t) => t.speaker)).toEqual(['田村', '森', '田村', '森']);
  });

  it('keeps a short chat under names the page never introduces', () => {
    const iv = parseInterview(
      '週末の話\n\n二人が週末の予定を話していた時のことを書き留めておく。記録のための文章である。\n\nケン：明日どうする\n\nユミ：海に行こうよ\n\nケン：いいね\n\nユミ：じゃあ朝早く出よう\n',
    );
    expect(iv.turns).toHaveLength(4);
  });

  it('keeps a one-speaker transcript of bare words when the page has no sentence at all', () => {
    const iv = parseInterview('山田：kw001\n山田：kw002\n山田：kw003\n');
    expect(iv.turns.map((t) => t.speaker)).toEqual(['山田', '山田', '山田']);
  });

  it('never second-guesses front matter that declares the interviewee', () => {
    const page = '---\ninterviewee: 品番\n---\n品番：AB-100\n\n品番：CD-300\n';
    expect(notAnInterview([turn('品番', 'AB-100'), turn('品番', 'CD-300')], page, true)).toBeNull();
  });
});

function turn(speaker: string, text: string) {
  return { speaker, text, start: 0, end: text.length, line: 1, section: null };
}
