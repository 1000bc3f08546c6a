/**
 * Photo captions and credits in speaker-prefixed transcripts: `（写真：…）` between the paragraphs
 * of an answer is page furniture and the answer goes on after it; a credit (`（取材・文：…）`,
 * `（情報提供元：…）`) ends the turn before it, so the site's footer after it is no quote either.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPhotoCaption } from '../../lib/parse/furniture.ts';
import { parseWithReport } from '../../lib/parse/index.ts';
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

const haveCorpora = available(corporaDir, 'photo captions and credits in the livedoor news corpus');

describe.runIf(haveCorpora)('captions and credits in the livedoor news corpus', () => {
  const news = (category: string, id: string) =>
    read(join(corporaDir, 'livedoor-news', category, `${category}-${id}.txt`));

  it('keeps the photo and writer credit out of the last paragraph (peachy 5780120)', () => {
    const { interview: iv, furniture } = parseWithReport(news('peachy', '5780120'));
    const all = iv.turns.map((t) => t.text).join('\n');
    expect(all).not.toContain('写真：西尾豊司');
    expect(all).toContain('キュートなウェア選びから！');
    expect(furniture.filter((f) => f.kind === 'caption').map((f) => f.line.text.trim())).toEqual([
      expect.stringMatching(/^（写真：西尾豊司/),
    ]);
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
});
