/**
 * Tables told by their shape (lib/parse/data-rows.ts): three or more `label：value` rows in a row,
 * no label twice, values that are mostly no utterance, labels that speak nowhere else. Their labels
 * are nobody, whatever the words (`面積`, `車種・機種名`, `内蔵HDD` are in no word list), while a
 * round table's speakers, who speak again elsewhere, stay speakers. A label after a list mark
 * (`・インタビュー：`) or before a link (`HP＊http://…`) is nobody either.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { parseInterview, parseWithReport } from '../../lib/parse/index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const names = (text: string) => {
  const iv = parseInterview(text);
  return [...iv.interviewees, ...iv.others].map((p) => p.name);
};

describe('tables of label rows', () => {
  it('make a spec page with labels no word list holds no interview (422)', () => {
    const spec = [
      'microSDXCの規格とは',
      '',
      '面積：165mm²',
      'カード体積：165mm³',
      'ピン数：8ピン',
      '作動電圧：3.3V',
      '',
      '面積：128mm²',
      'カード体積：128mm³',
      'ピン数：9ピン',
      '作動電圧：2.7-3.6V',
    ].join('\n');
    expect(() => parseInterview(spec)).toThrow(ParseError);
  });

  it('are furniture inside an interview: the answers stay, the rows are nobody', () => {
    const text = [
      '聞き手：どの車に乗っていますか？',
      '',
      '山田：マスタングです。昔からの夢でした。',
      '',
      '車種・機種名：マスタング V8 GT',
      'エンジン：V8 4.6L SOHC',
      'ミッションタイプ：5速MT',
      '',
      '聞き手：乗り心地は？',
      '',
      '山田：最高です。',
      '',
      '車種・機種名：マスタング V6',
      'エンジン：V6 4.0L',
      'ミッションタイプ：5速AT',
    ].join('\n');
    const { interview: iv, furniture } = parseWithReport(text);
    expect(iv.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', 'どの車に乗っていますか？'],
      ['山田', 'マスタングです。昔からの夢でした。'],
      ['聞き手', '乗り心地は？'],
      ['山田', '最高です。'],
    ]);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['山田']);
    expect(furniture.filter((f) => f.kind === 'info')).toHaveLength(6);
  });

  it('after the answers of a dash interview (an app box) credit nobody', () => {
    const text = [
      '——iPhoneはいつ買いましたか？',
      '山田：去年の秋です。',
      '',
      '——よく使うアプリは？',
      '山田：カメラのアプリですね。',
      '',
      'アプリ名：ごちカメ！',
      '価格：85円',
      '開発者：pzoku app',
      'バージョン：1.10',
      '',
      'アプリ名：LINE camera',
      '価格：無料',
      '開発者：NAVER Japan',
      'バージョン：2.3.0',
    ].join('\n');
    const iv = parseInterview(text);
    expect(iv.format).toBe('dash');
    expect(iv.interviewees.map((p) => p.name)).toEqual(['山田']);
    expect(iv.turns.map((t) => t.text)).toEqual([
      'iPhoneはいつ買いましたか？',
      '去年の秋です。',
      'よく使うアプリは？',
      'カメラのアプリですね。',
    ]);
  });

  it('leave three speakers who talk in short unpunctuated lines and speak again as speakers', () => {
    const chat = [
      '田中：うん',
      '佐藤：そうだね',
      '鈴木：まじか',
      '田中：でしょ',
      '佐藤：たしかに',
      '鈴木：それな',
    ];
    const iv = parseInterview(chat.join('\n'));
    expect(iv.turns.map((t) => t.speaker)).toEqual(['田中', '佐藤', '鈴木', '田中', '佐藤', '鈴木']);
  });

  it('make nobody of a label whose every line is a bare code (`TYPE:NERV`, `型番：SH-06D`), however often', () => {
    const covers = '新モデルの発表\n\n付属のリアカバーは2種類。\n\nTYPE:NERV\n\nTYPE:MAGI\n\n発売は6月。\n';
    expect(() => parseInterview(covers)).toThrow(ParseError);
    const inside =
      '聞き手：型番は？\n型番：SH-06D\n山田：これです。\n型番：SH-07D\n聞き手：なるほど。\n山田：はい。\n';
    expect(names(inside)).toEqual(['山田']);
    // A speaker who says one capitalised word once still speaks: one line with words is enough.
    const talk = parseInterview(
      'JOHN: OK\nMARY: Where were you?\nJOHN: At the studio, all day.\nMARY: Why?\n',
    );
    expect(talk.turns.map((t) => t.speaker)).toEqual(['JOHN', 'MARY', 'JOHN', 'MARY']);
  });

  it('make nobody of a list item (`・インタビュー：`) or a link row (`HP＊http://…`)', () => {
    const text = [
      '映画の記事',
      '',
      '・インタビュー：主演の二人に聞く',
      '・インタビュー：監督に聞く',
      'HP＊http://example.com/a',
      'HP＊http://example.com/b',
    ].join('\n');
    expect(() => parseInterview(text)).toThrow(ParseError);
    expect(names('聞き手：どうでしたか？\n\n山田：楽しかったです。\n\n・詳細：http://example.com\n')).toEqual(
      ['山田'],
    );
  });

  it('keep a speaker whose words start with `//` (only a label ending in a scheme makes a link)', () => {
    const talk = parseInterview('聞き手：メモは？\n\n山田：//ここから先は秘密です。\n\n聞き手：なるほど。\n');
    expect(talk.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', 'メモは？'],
      ['山田', '//ここから先は秘密です。'],
      ['聞き手', 'なるほど。'],
    ]);
  });
});

describe.runIf(available(corporaDir, 'tables on real news pages'))('tables on real news pages', () => {
  const news = (f: string) => read(join(corporaDir, 'livedoor-news', f));

  it('a page with two `TYPE:` cover rows (smax 6537176) is no interview of “TYPE”', () => {
    expect(() => parseInterview(news('smax/smax-6537176.txt'))).toThrow(ParseError);
  });

  it('a spec-sheet page (microSD standards) is no interview', () => {
    expect(() => parseInterview(news('it-life-hack/it-life-hack-6766700.txt'))).toThrow(ParseError);
  });

  it('a smax interview keeps its answers and credits no app-box label', () => {
    const iv = parseInterview(news('smax/smax-6834990.txt'));
    const people = iv.interviewees.map((p) => p.name);
    for (const label of ['アプリ名', '価格', 'カテゴリ', '開発者', 'バージョン', 'iTunes Store'])
      expect(people).not.toContain(label);
    expect(iv.turns.length).toBeGreaterThan(130);
  });
});

describe('boxes and rosters in dash round tables (found reading unseen articles)', () => {
  const text = [
    '＜座談会参加者＞',
    '麻里（28）：お料理大好きな乙女キャラ。ちょっぴりミーハー。',
    '良子（26）：海外ドラマフリーク。',
    '',
    '——サプライズの経験は？',
    '麻里：ホテルの部屋を予約してくれていました。',
    '良子：すごいなー。',
    '',
    '■アイテム1：渋谷の某ホテル',
    '',
    '高層階：1泊の料金 5万円〜',
    '',
    '——お金の使い方は？',
    '良子：割り勘でもいいです。',
    '麻里：私も。',
  ].join('\n');

  it('a roster whose labels carry an age is no answer, even in sentences', () => {
    const iv = parseInterview(text);
    expect(iv.turns.some((t) => t.text.includes('乙女キャラ'))).toBe(false);
    expect(iv.interviewees.map((p) => p.name).sort()).toEqual(['良子', '麻里'].sort());
  });

  it('keeps what the roster says of each speaker as their profile (occupation), and nothing for others', () => {
    const iv = parseInterview(text);
    const of = (name: string) => iv.interviewees.find((p) => p.name === name)?.occupation;
    expect(of('麻里')).toBe('お料理大好きな乙女キャラ。ちょっぴりミーハー。');
    expect(of('良子')).toBe('海外ドラマフリーク。');
    // A roster of pseudonyms printed with an honorific (`Wさん：`) whose talk uses them bare (`W：`).
    const round = parseInterview(
      [
        '参加してくれたのは',
        '',
        'Wさん：Webディレクター30代前半/彼女あり',
        'Sさん：Webプログラマー20代前半/彼女なし',
        'Oさん：コンサルト営業20代後半/彼女あり',
        '',
        '——好きなタイプは？',
        'S：ナチュラルな感じの人が好きですね。',
        'O：自分は一本筋の通った人かな。',
        'W：キリっとした人が好きです。',
        '',
        '——趣味が合わなくても？',
        'O：別にかまいませんよ。',
        'W：僕もです。',
        'S：合ったほうがいいです。',
      ].join('\n'),
    );
    expect(Object.fromEntries(round.interviewees.map((p) => [p.name, p.occupation]))).toEqual({
      W: 'Webディレクター30代前半/彼女あり',
      S: 'Webプログラマー20代前半/彼女なし',
      O: 'コンサルト営業20代後半/彼女あり',
    });
    expect(round.turns.some((t) => t.text.includes('彼女あり'))).toBe(false);
  });

  it('a one-off row under a heading (`高層階：1泊の料金 5万円〜`) is the box’s, not a speaker interrupting', () => {
    const iv = parseInterview(text);
    expect(iv.turns.some((t) => t.text.includes('5万円'))).toBe(false);
    expect(iv.interviewees.map((p) => p.name)).not.toContain('高層階');
  });
});

describe.runIf(available(corporaDir, 'numbered questions'))(
  'numbered questions (`Q1：…`) on real news pages',
  () => {
    const news = (f: string) => read(join(corporaDir, 'livedoor-news', f));

    it('a named actor’s questionnaire: each answer is his, and the synopsis after the last is nobody’s', () => {
      const iv = parseInterview(news('peachy/peachy-4554951.txt'));
      expect(iv.interviewees.map((p) => p.name)).toEqual(['森陽太']);
      expect(iv.turns.map((t) => t.role)).toEqual(
        Array.from({ length: 5 }, () => ['interviewer', 'interviewee']).flat(),
      );
      expect(iv.turns[1]?.text).toMatch(/^男子校だったので/);
      expect(iv.turns.at(-1)?.text).not.toContain('ストーリー');
    });

    it('a festival guide whose writer asks and answers is no interview (422 naming the first question)', () => {
      expect(() => parseInterview(news('movie-enter/movie-enter-5950519.txt'))).toThrow(
        /line 8: numbered questions/,
      );
    });
  },
);
