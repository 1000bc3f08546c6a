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
import { isPhotoCaption } from '../../lib/parse/furniture.ts';
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

  it('make no person of a book credit row (`制作編集：エヌプラス`)', () => {
    const iv = parseInterview('記事\n\n編集部：池田利夫＋岡本奈知子\n制作編集：エヌプラス\n', {
      format: 'prefixed',
    });
    expect(iv.turns.map((t) => t.speaker)).toEqual(['編集部']);
    expect([...iv.interviewees, ...iv.others].map((p) => p.name)).toEqual([]);
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
