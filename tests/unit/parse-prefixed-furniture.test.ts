/**
 * Page furniture in speaker-prefixed transcripts: `（写真：…）` between the paragraphs of an answer
 * is a caption and the answer goes on after it; a credit (`（取材・文：…）`, `（情報提供元：…）`)
 * ends the turn before it, so the site's footer after it is no quote either; data rows
 * (`住所：…`, `価格：…`, `アプリ名：…`) are a shop or product box, never a speaker, and a page made
 * of them (a product review, a shop guide) is no interview.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { isCitationLabel, isPhotoCaption } from '../../lib/parse/furniture.ts';
import { parseInterview, parseWithReport } from '../../lib/parse/index.ts';
import { isFieldLabel } from '../../lib/parse/prefixed.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

describe('photo captions in prefixed transcripts', () => {
  it('are furniture between the paragraphs of an answer, which goes on after them', () => {
    const text = [
      '聞き手：お店を始めたきっかけは？',
      '',
      '山田：祖母の家を継いだんです。',
      '',
      '（写真：店の前に立つ山田さん）',
      '',
      'それで改装して、カフェにしました。',
      '',
      '聞き手：お客さんは？',
      '',
      '山田：近所の方が多いです。',
      '',
      '(写真=左から山田さん、母の花子さん)',
      '（取材・文：南 樹里）',
      '店舗情報はこちら',
    ].join('\n');
    const { interview: iv, furniture } = parseWithReport(text);
    expect(iv.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', 'お店を始めたきっかけは？'],
      ['山田', '祖母の家を継いだんです。\n\nそれで改装して、カフェにしました。'],
      ['聞き手', 'お客さんは？'],
      ['山田', '近所の方が多いです。'],
    ]);
    expect(furniture.map((f) => f.kind)).toEqual(['caption', 'caption', 'credit']);
  });

  it('tells a caption line from bracketed remarks and inline photo references', () => {
    expect(isPhotoCaption('（写真：店内の本棚。地域の人が持ち寄った本が並ぶ）')).toBe(true);
    expect(isPhotoCaption('　（写真＝右） ')).toBe(true);
    expect(isPhotoCaption('（撮影／山田太郎）')).toBe(true);
    expect(isPhotoCaption('（写真）')).toBe(true);
    expect(isPhotoCaption('（笑）')).toBe(false);
    expect(isPhotoCaption('（写真を見せながら）')).toBe(false);
    expect(isPhotoCaption('タップします（写真=左）。')).toBe(false);
    expect(isPhotoCaption('（写真：左）と（写真：右）を比べると')).toBe(false);
  });
});

describe('data rows in prefixed transcripts', () => {
  it('keep an answer whose label is a name in pasted markup (<b>…</b>：), unlike a boxed <Question：', () => {
    const text = ['聞き手：介護について教えてください。', '<b>佐藤</b>：介護の仕事は大変です。'].join('\n');
    const { interview: iv, furniture } = parseWithReport(text);
    expect(iv.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', '介護について教えてください。'],
      ['<b>佐藤</b>', '介護の仕事は大変です。'],
    ]);
    expect(furniture).toEqual([]);
  });

  it('end the answer before a shop box and are nobody', () => {
    const text = [
      '聞き手：おすすめは？',
      '',
      '浅井：この迷彩柄のバッグです。',
      '',
      'TEL：03-1234-5678',
      '営業時間：11:00-21:00',
      '定休日：不定休',
      '',
      '聞き手：最後に一言。',
      '',
      '浅井：ぜひお店へ。',
    ].join('\n');
    const { interview: iv, furniture } = parseWithReport(text);
    expect(iv.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', 'おすすめは？'],
      ['浅井', 'この迷彩柄のバッグです。'],
      ['聞き手', '最後に一言。'],
      ['浅井', 'ぜひお店へ。'],
    ]);
    expect(iv.interviewees.map((p) => p.name)).toEqual(['浅井']);
    expect(furniture.filter((f) => f.kind === 'info')).toHaveLength(3);
  });

  it('make a page of specs no interview (422), not one whose interviewees are 価格 and 開発者', () => {
    const text = [
      '新作アプリ紹介',
      '',
      'アプリ名：ほげ',
      '価格：無料',
      'カテゴリ：ゲーム',
      '開発者：Foo Inc.',
      '',
      'アプリ名：ふが',
      '価格：350円',
      'カテゴリ：写真',
      '開発者：Bar',
    ].join('\n');
    expect(() => parseInterview(text)).toThrow(ParseError);
  });

  it('make no turn of a book credit row: `編集部：名前＋名前（社名）` is who edited the page', () => {
    // it-life-hack's tip pages end so (30 of them were an interview of one 編集部 turn).
    const page = '記事\n\n編集部：池田利夫＋岡本奈知子（ジャムハウス）\n制作編集：エヌプラス\n';
    expect(() => parseInterview(page, { format: 'prefixed' })).toThrow(ParseError);
    // 編集部 asking a question is still the interviewer speaking.
    const iv = parseInterview(
      '編集部：始めたきっかけは？\n\n山田：祖母です。\n\n編集部：今は？\n\n山田：楽しいです。\n',
    );
    expect(iv.turns.map((t) => [t.role, t.speaker])).toEqual([
      ['interviewer', '編集部'],
      ['interviewee', '山田'],
      ['interviewer', '編集部'],
      ['interviewee', '山田'],
    ]);
  });

  it('make no speaker of a citation (`togetter：『…』`), so a news page citing two lists is no interview', () => {
    const news =
      'スマホ節約術\n\n回線を切って節約した人が多い。\n\ntogetter：『WiFiオンリーで節約に成功した人まとめ』\n\n反響は大きい。\n\ntogetter：『3G回線を解約した人の声』\n';
    expect(() => parseInterview(news)).toThrow(ParseError);
    expect(() => parseInterview(news, { format: 'prefixed' })).toThrow(ParseError);
    // Inside an interview the citation ends the answer before it and is furniture.
    const { interview: iv, furniture } = parseWithReport(
      '聞き手：反響は？\n\n山田：大きかったです。\n引用元：『開発日誌』\n\n聞き手：次は？\n\n山田：続編です。\n',
    );
    expect(iv.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['聞き手', '反響は？'],
      ['山田', '大きかったです。'],
      ['聞き手', '次は？'],
      ['山田', '続編です。'],
    ]);
    expect(furniture.map((f) => f.line.text)).toContain('引用元：『開発日誌』');
    for (const l of ['togetter', 'Togetter', 'togetterの反応', '引用元', '出典', '参考文献', 'ソース'])
      expect([l, isCitationLabel(l)]).toEqual([l, true]);
    for (const l of ['山田', '聞き手', '編集部', 'ソースケ', '引用さん'])
      expect([l, isCitationLabel(l)]).toEqual([l, false]);
  });

  it('make no speaker of a clock time (`・（日）24:30〜`), so a TV schedule is no interview', () => {
    const schedule =
      'MTV　12月4日スタート\n・（日）24:30〜25:00（初回放送）\n・（金）17:00〜17:30（再放送）\n・（日）24:00〜24:30（再放送）\n';
    expect(() => parseInterview(schedule)).toThrow(ParseError);
    const iv = parseInterview(
      '聞き手：何時から？\n\n山田：19:30からです。\n\n聞き手：場所は？\n\n山田：渋谷です。\n',
    );
    expect(iv.turns.map((t) => t.speaker)).toEqual(['聞き手', '山田', '聞き手', '山田']);
  });

  it('tell data labels from names and role words', () => {
    for (const l of [
      '住所',
      'TEL',
      '営業時間',
      '主な価格帯',
      '予想市場価格',
      '展示場所',
      '・開催日時',
      'アプリ名',
      '1位',
      '15',
      '本体価格（税込）',
    ])
      expect([l, isFieldLabel(l)]).toEqual([l, true]);
    for (const l of [
      '浅井',
      '村上龍',
      '春日',
      '監督',
      '講師',
      'MC',
      '聞き手',
      'マーティ・フリードマン',
      '時任三郎',
    ])
      expect([l, isFieldLabel(l)]).toEqual([l, false]);
  });
});

const haveCorpora = available(corporaDir, 'photo captions and credits in the livedoor news corpus');

describe.runIf(haveCorpora)('captions and credits in the livedoor news corpus', () => {
  const news = (category: string, id: string) =>
    read(join(corporaDir, 'livedoor-news', category, `${category}-${id}.txt`));

  it('rejects a shop feature whose only "speaker" was お問い合わせ, with the photo credit glued to it (peachy 5780120)', () => {
    // Before: one turn of お問い合わせ, ending in （写真：西尾豊司　文：…）.
    expect(() => parseInterview(news('peachy', '5780120'))).toThrow(ParseError);
  });

  it("ends the advice column's answer at its source credit, before the site's job-board footer (livedoor-homme 5736680)", () => {
    const { interview: iv, furniture } = parseWithReport(news('livedoor-homme', '5736680'));
    const answer = iv.turns.find((t) => t.role === 'interviewee');
    expect(answer?.text).toMatch(/^「郷に入れば郷に従え」でしょ！/);
    const all = iv.turns.map((t) => t.text).join('\n');
    expect(all).not.toContain('情報提供元');
    expect(all).not.toContain('livedoor求人・転職');
    expect(furniture.map((f) => f.kind)).toContain('credit');
  });

  it('rejects news pages whose only "speakers" were togetter citations or a 編集部 credit (it-life-hack 6460511, 6338775)', () => {
    // Before: interviews of two togetter turns, and of one 編集部 interviewer turn.
    expect(() => parseInterview(news('it-life-hack', '6460511'))).toThrow(ParseError);
    expect(() => parseInterview(news('it-life-hack', '6338775'))).toThrow(ParseError);
  });

  it('rejects an app review made of spec rows (smax 6551764) and keeps a shop box out of the answer (livedoor-homme 4762337)', () => {
    expect(() => parseInterview(news('smax', '6551764'))).toThrow(ParseError);
    const { interview: iv, furniture } = parseWithReport(news('livedoor-homme', '4762337'));
    // `浅井：` stands for the 浅井友衣さん the lead introduces.
    expect(iv.interviewees.map((p) => p.name)).toEqual(['浅井友衣']);
    expect(iv.turns.map((t) => t.text).join('\n')).not.toMatch(/03-5159-7800|営業時間/);
    expect(furniture.filter((f) => f.kind === 'info').map((f) => f.line.text.split(/[：:]/)[0])).toEqual([
      'TEL',
      '営業時間',
      '定休日',
    ]);
  });
});
