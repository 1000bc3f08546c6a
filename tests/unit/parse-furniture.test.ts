/**
 * Issue 13's property: no turn's text contains a line its parser classified as page furniture
 * (headings, captions, credits, notes, promotions, information boxes, participant lists, site
 * chrome, cue timings). Parsers report what they classified (`parseWithReport`); this checks
 * every reported line against the turns whose source span covers it — on generated transcripts
 * of every layout and on every real interview in ../shared.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, ValidationError } from '../../lib/errors.ts';
import type { Format } from '../../lib/model.ts';
import { parseWithReport } from '../../lib/parse/index.ts';
import { available, corporaDir, filesIn, samplesDir, seedPath } from '../helpers/shared.ts';

/** Furniture lines found inside a turn: `kind: line` for each. */
function leaks(text: string, format: Format = 'auto'): string[] {
  let report: ReturnType<typeof parseWithReport>;
  try {
    report = parseWithReport(text, { format });
  } catch (e) {
    if (e instanceof ParseError || e instanceof ValidationError) return [];
    throw e;
  }
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const furnitureAt = new Set(report.furniture.map((f) => f.line.no));
  for (const f of report.furniture) {
    const line = f.line.text.trim();
    if (line.length < 2) continue;
    for (const t of report.interview.turns) {
      if (t.start === null || t.end === null || f.line.start < t.start || f.line.start >= t.end) continue;
      if (!t.text.includes(line)) continue;
      // The same words on a line of the turn that is no furniture (a card repeating an answer).
      const spoken = lines.some(
        (l, i) => !furnitureAt.has(i + 1) && l.includes(line) && lineInside(text, i, t),
      );
      if (!spoken) out.push(`${f.kind} line ${f.line.no} "${line}" in turn ${t.ordinal}`);
    }
  }
  return out;
}

/** Whether line `i` (0-based) of `text` starts inside the turn's source span. */
function lineInside(text: string, i: number, t: { start: number | null; end: number | null }): boolean {
  let offset = 0;
  const body = text.replace(/^\uFEFF/, '');
  for (let k = 0; k < i; k++) {
    const nl = body.slice(offset).search(/\r\n|\r|\n/);
    if (nl < 0) return false;
    offset += nl + (body.startsWith('\r\n', offset + nl) ? 2 : 1);
  }
  return t.start !== null && t.end !== null && offset >= t.start && offset < t.end;
}

const linesOf = (pieces: fc.Arbitrary<string>, max = 40) =>
  fc.array(pieces, { minLength: 1, maxLength: max }).map((ls) => ls.join('\n'));

const DASH_LINES = fc.constantFrom(
  '——仕事のきっかけは？',
  '——ありがとうございました。',
  '——子どもの頃の失敗です。（Kさん）',
  '山田：答えです。',
  '佐藤さん：そうですね。',
  '全員：（笑）',
  '答えの段落です。',
  '　字下げした段落です。',
  '二十年前に店を継いだのだった。',
  '「引用の答えです」',
  '「開いたままの引用',
  '閉じる引用です」',
  '',
  '',
  '■見出し',
  '【見出し】',
  '——【まとめ】',
  '（写真：左から山田、佐藤）',
  '（取材・文：南 樹里）',
  '【text=八木悠太 / photo=五十嵐】',
  'インタビューの続きは、こちらでご覧いただけます',
  '12月23日より全国ロードショー',
  '※価格は税込みです',
  '・関連リンク',
  '●店舗情報',
  '所在地：東京都港区',
  '佐藤 すみれ（広告会社 広報・25歳）',
  '■ゴルフ歴／2年',
  '↑【動作解析の一例】',
  '答えです。 1 2 3',
  'Wさん：営業30代/既婚',
  '映画『試写』',
  '（撮影＝小川）山田：撮影の合間に答えます。',
);

const BLOG_LINES = fc.constantFrom(
  'ななみ\nななみ',
  'はるか\nはるか',
  'ななみ',
  'はるか',
  'こんにちは、よろしくお願いします。',
  '看護師は週三日です。',
  '',
  '',
  '見出しの行',
  'タイトル(前編)',
  'コメント',
);

const CUE_LINES = fc.constantFrom(
  '00:00:01.000 --> 00:00:02.000',
  '00:00:01,000 --> 00:00:02,000',
  '<v 山田>はい、そうです。',
  '<v 聞き手>本当ですか？',
  '山田：続けます。',
  '聞き手：では。',
  'NOTE 話者分離あり',
  'STYLE',
  '1',
  '',
);

describe('no turn contains a line its parser called furniture', () => {
  it('holds for generated dash articles (with and without the livedoor header)', () => {
    fc.assert(
      fc.property(fc.boolean(), linesOf(DASH_LINES), (header, body) => {
        const text = `${header ? 'http://news.livedoor.com/article/detail/1/\n2012-01-01T10:00:00+0900\n題\n' : ''}——最初の質問？\n${body}`;
        expect(leaks(text, 'dash')).toEqual([]);
        expect(leaks(text)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('holds for generated blog posts, prefixed and Markdown transcripts', () => {
    fc.assert(
      fc.property(linesOf(BLOG_LINES), (body) => {
        expect(leaks(`タイトル(後編)\n\n${body}`, 'blog')).toEqual([]);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        linesOf(
          fc.constantFrom(
            '聞き手：質問？',
            '山田：答え。',
            '続きの行。',
            '',
            '【見出し】',
            '■小見出し',
            '## 節',
          ),
        ),
        (body) => {
          expect(leaks(`題\n${body}`, 'prefixed')).toEqual([]);
          expect(
            leaks(`# 題\n${body.replace(/：/g, '**：').replace(/^(\S+?)\*\*：/gm, '**$1**：')}`, 'markdown'),
          ).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds for generated WebVTT and SRT', () => {
    fc.assert(
      fc.property(linesOf(CUE_LINES, 60), (body) => {
        expect(leaks(`WEBVTT\n\n${body}`, 'vtt')).toEqual([]);
        expect(leaks(body, 'srt')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('reports furniture at all (the property is not vacuous)', () => {
    const { furniture } = parseWithReport(
      '題\n\n——質問？\n山田：答え。\n（写真：左から山田）\n■見出し\n——次は？\n山田：はい。\n\nインタビューの続きは、こちらでご覧いただけます\n',
      { format: 'dash' },
    );
    expect(furniture.map((f) => f.kind)).toEqual(['credit', 'heading', 'promo']);
  });
});

const haveCorpora = available(corporaDir, 'furniture property on the real interviews');

describe.runIf(haveCorpora)('no real interview has furniture inside a quote', () => {
  it('holds for every livedoor interview, the seed and the samples', () => {
    const files = [
      ...filesIn(`${corporaDir}/livedoor-interviews`, '.txt'),
      ...filesIn(samplesDir, '.txt'),
      ...filesIn(samplesDir, '.md'),
      ...(available(seedPath, 'seed') ? [seedPath] : []),
    ];
    expect(files.length).toBeGreaterThan(100);
    const all = files.flatMap((f) =>
      leaks(readFileSync(f, 'utf8')).map((l) => `${f.split('/').pop()}: ${l}`),
    );
    expect(all).toEqual([]);
  });
});
