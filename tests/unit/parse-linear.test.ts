/**
 * Every parser runs in linear time (issue 11 §1): each layout, forced and auto-detected, gets about
 * a megabyte of each shape that broke a regular expression or a per-line loop. A quadratic parser
 * takes minutes on any of them and fails by the test timeout; a linear one parses or rejects each
 * in a fraction of a second. No timing assertions: `npm run bench:parse` measures ms per MB.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { FormatSchema } from '../../lib/model.ts';
import { countNameLineBlocks, countSpeakerBlocks } from '../../lib/parse/blog.ts';
import { countQuestions, matchName, parseDash } from '../../lib/parse/dash.ts';
import {
  isBracketHeading,
  isCaptionLine,
  isHeadingLine,
  isInfoBlockLine,
  isNoteLine,
  mayBeMarked,
  QUESTION,
  splitLeadingCredit,
  startsQuestion,
} from '../../lib/parse/dash-lines.ts';
import { type Line, Lines, seriesFromTitle, splitLines } from '../../lib/parse/draft.ts';
import { frontMatter } from '../../lib/parse/frontmatter.ts';
import { isCaption, isProfileLine, isPromo } from '../../lib/parse/furniture.ts';
import { detectFormat, parseInterview } from '../../lib/parse/index.ts';
import { matchMdHeading, matchMdTurn } from '../../lib/parse/markdown.ts';
import { countPrefixed, matchPrefix, parsePrefixed } from '../../lib/parse/prefixed.ts';
import { skipSpaces } from '../../lib/parse/scan.ts';
import { countTimestamped } from '../../lib/parse/subtitles.ts';
import { cleanDialogText, countTsvLines } from '../../lib/parse/tsv.ts';
import { ADVERSARIAL_BYTES, adversarialInputs } from '../helpers/adversarial.ts';

/** Every input format, auto-detection included. */
const FORMATS = FormatSchema.options;
const inputs = adversarialInputs();

describe.each(FORMATS)('format %s on adversarial megabytes', (format) => {
  it.each(inputs.map((a) => [a.name, a] as const))('%s: parses or rejects with a ParseError', (_, input) => {
    const text = input.build();
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(ADVERSARIAL_BYTES * 0.7);
    try {
      const iv = parseInterview(text, { format });
      expect(iv.turns.length).toBeGreaterThan(0);
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
    }
  });
});

describe('the shapes from issue 11', () => {
  it('a Markdown heading of `# a`, 3,000 spaces and `b` is read as a heading in one pass', () => {
    const turns = '\n\n**山田**：はい\n**聞き手**：どうも';
    // Too long for a title (300 characters): rejected, naming the field, not hanging.
    expect(() => parseInterview(`# a${' '.repeat(3000)}b${turns}`, { format: 'markdown' })).toThrow(
      /invalid title/,
    );
    const iv = parseInterview(`# a${' '.repeat(200)}b ##${turns}`, { format: 'markdown' });
    expect(iv.title).toBe(`a${' '.repeat(200)}b`);
    expect(iv.turns).toHaveLength(2);
  });

  it('blog lines of a name, 1,800 spaces and `：x` are text, not speakers', () => {
    const line = `山田${' '.repeat(1_800)}：x`;
    const text = `題\n\n山田\n山田\n${Array.from({ length: 10 }, () => line).join('\n')}\n\n聞き手\n聞き手\nどうも`;
    const iv = parseInterview(text, { format: 'blog' });
    expect(iv.turns.map((t) => t.speaker)).toEqual(['山田', '聞き手']);
  });
});

/**
 * The scans agree with the patterns they replaced wherever those finish (short strings over the
 * characters that matter), so the rewrite changed the running time and nothing else.
 */
describe('scans that replaced backtracking patterns', () => {
  const alphabet = (chars: string, maxLength = 24) =>
    fc.array(fc.constantFrom(...chars), { maxLength }).map((cs) => cs.join(''));

  it('Lines agrees with the one-object-per-line split it replaced (any newline convention)', () => {
    const old = (text: string): Line[] => {
      const out: Line[] = [];
      let pos = 0;
      let no = 1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        out.push({ no: no++, text: text.slice(pos, i), start: pos, end: i });
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        pos = i + 1;
      }
      out.push({ no, text: text.slice(pos), start: pos, end: text.length });
      return out;
    };
    fc.assert(
      fc.property(alphabet('\n\r \u3000a見', 40), fc.nat(12), (text, cut) => {
        const want = old(text);
        const lines = splitLines(text);
        expect(lines.length).toBe(want.length);
        for (let i = -1; i <= want.length; i++) {
          expect(lines.at(i)).toEqual(want[i]);
          expect(lines.text(i)).toBe(want[i]?.text);
          expect(lines.blank(i)).toBe(!want[i] || want[i]?.text.trim() === '');
        }
        // A slice numbers and places its lines as the whole did.
        const tail = lines.slice(cut);
        expect([...tail]).toEqual(want.slice(cut));
        expect(tail.toArray(1, 3)).toEqual(want.slice(cut).slice(1, 3));
        // The looks in place agree with the line's text (the detector's counters trust them).
        for (const ls of [lines, tail])
          for (let i = -1; i <= ls.length; i++) {
            const text = ls.text(i);
            const trimmed = text?.trim() ?? '';
            expect(ls.trimmedLength(i)).toBe(trimmed.length);
            expect(ls.firstCode(i)).toBe(trimmed === '' ? -1 : trimmed.charCodeAt(0));
            expect(ls.lastCode(i)).toBe(trimmed === '' ? -1 : trimmed.charCodeAt(trimmed.length - 1));
            expect(ls.lengthOf(i)).toBe(text?.length ?? 0);
            for (let k = -1; k <= (text?.length ?? 0); k++)
              expect(ls.code(i, k)).toBe(text === undefined || k < 0 ? Number.NaN : text.charCodeAt(k));
          }
      }),
      { numRuns: 2000 },
    );
  });

  it('cleanDialogText agrees with the regex chain it replaced', () => {
    const old = (s: string) =>
      s
        .replace(/\s*▁\s*/g, ' ')
        .replace(/([A-Za-z0-9])\s*│\s*(?=[A-Za-z0-9])/g, '$1 ')
        .replace(/\s*│\s*/g, '')
        .replace(/[ \t]{2,}/g, ' ')
        .trim();
    fc.assert(
      fc.property(alphabet(' \t\u3000▁│aZ9あ。'), (s) => {
        expect(cleanDialogText(s)).toBe(old(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('matchMdHeading agrees with ^(#{1,6})\\s+(.+?)\\s*#*\\s*$ on the trimmed line', () => {
    const re = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
    fc.assert(
      fc.property(alphabet('# \t\u3000a見'), (s) => {
        const m = re.exec(s.trim());
        const h = matchMdHeading(s);
        expect(h).toEqual(m ? { level: (m[1] ?? '').length, text: (m[2] ?? '').trim() } : null);
      }),
      { numRuns: 2000 },
    );
  });

  it('matchMdTurn agrees with the bold-speaker pattern wherever its label is not blank', () => {
    const re = /^[\s\u3000]*\*\*([^*]{1,40}?)\s*(?:[：:]\s*\*\*|\*\*\s*[：:])[\s\u3000]*(.*)$/;
    fc.assert(
      fc.property(alphabet('* ：:a名 \u3000', 30), (s) => {
        const m = re.exec(s);
        const t = matchMdTurn(s);
        if (m && (m[1] ?? '').trim() === '') return; // a blank label is no speaker any more
        expect(t).toEqual(m ? { speaker: (m[1] ?? '').trim(), rest: (m[2] ?? '').trim() } : null);
      }),
      { numRuns: 3000 },
    );
  });

  it('seriesFromTitle agrees with the bracketed 前編/後編 patterns it replaced', () => {
    const markers: Array<[RegExp, number]> = [
      [/[(（]?\s*前編\s*[)）]?/, 1],
      [/[(（]?\s*中編\s*[)）]?/, 2],
      [/[(（]?\s*後編\s*[)）]?/, 2],
    ];
    const old = (title: string) => {
      for (const [re, part] of markers) {
        const m = re.exec(title);
        if (m) {
          const stem = (title.slice(0, m.index) + title.slice(m.index + m[0].length)).trim();
          if (stem) return { title: stem, part };
        }
      }
      return null;
    };
    const pieces = fc.array(fc.constantFrom('前編', '後編', '中編', '(', ')', '（', '）', ' ', 'a', '題'), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(pieces, (ps) => {
        const title = ps.join('');
        const expected = old(title);
        if (expected) expect(seriesFromTitle(title)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('the dash speaker label scan agrees with the `名前：` pattern it replaced', () => {
    const NAME_PREFIX =
      /^[\s\u3000]*([^：:\s\u3000「」『』。！？!?（(【[［<＜][^：:「」『』。！？!?]{0,40}?)[\s\u3000]*[：:][\s\u3000]*(.*)$/;
    const pieces = fc.array(
      fc.constantFrom('山', '田', ' ', '\u3000', '：', ':', '（以下、山）', '「', '。', '1', '('),
      {
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(pieces, (ps) => {
        const s = ps.join('');
        const m = NAME_PREFIX.exec(s);
        const got = matchName(s);
        if (!m) expect(got).toBeNull();
        else if (got) expect(got.rest).toBe((m[2] ?? '').trim());
        if (got && !got.alias) expect(got.label).toBe((m?.[1] ?? '').trim());
      }),
      { numRuns: 2000 },
    );
  });

  it('the prefixed label scans agree with the Q./[名前]/名前： patterns they replaced', () => {
    const QA = /^[\s\u3000]*([QqAaＱＡ])[\s\u3000]*[.．:：)）][\s\u3000]*(.*)$/;
    const BRACKET = /^[\s\u3000]*[[［]([^\]］]{1,30})[\]］][\s\u3000]*(.+)$/;
    const NAMED =
      /^[\s\u3000]*([^\s\u3000：:「」『』。、！？!?[\]［］#*■【]{1,20}?)[\s\u3000]*[：:][\s\u3000]*(.+)$/;
    const pieces = fc.array(
      fc.constantFrom('Q', 'A', '.', ' ', '\u3000', '：', ':', '[', ']', '山', '田', '#', '「', 'x'),
      {
        maxLength: 28,
      },
    );
    fc.assert(
      fc.property(pieces, (ps) => {
        const s = ps.join('');
        const qa = QA.exec(s);
        const m = qa ? null : (BRACKET.exec(s) ?? NAMED.exec(s));
        const got = matchPrefix(s, { interviewer: 'I', interviewee: 'E' });
        if (qa)
          expect(got).toMatchObject({
            speaker: /[QqＱ]/.test(qa[1] ?? '') ? 'I' : 'E',
            rest: (qa[2] ?? '').trim(),
          });
        else if (!m || /^https?$/i.test(m[1] ?? '')) expect(got).toBeNull();
        else expect(got?.rest).toBe((m[2] ?? '').trim());
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The cheap looks that now come first (a line's first character, a character it must contain)
 * only skip work: wherever they say no, the full test they guard says no too.
 */
describe('first-character checks agree with the tests they guard', () => {
  const line = (pieces: string[], maxLength = 24) =>
    fc.array(fc.constantFrom(...pieces), { maxLength }).map((ps) => ps.join(''));

  it('isPromo agrees with its eleven patterns', () => {
    const PROMO = [
      /続きは.{0,40}(?:こちら|ご覧|で読め|チェック)/,
      /(?:プレゼント|名様).{0,40}(?:応募|名様|プレゼント)/,
      /応募(?:期間|方法|締切|締め切り)/,
      /全国(?:ロードショー|公開)/,
      /(?:公開中|上映中|絶賛発売中|好評発売中)/,
      /プレゼント(?:しています|中|いたします)/,
      /(?:締切|締め切り)[）)]/,
      /(?:作品情報|公式サイト|オフィシャルサイト|公式ホームページ|特設サイト)(?:\s|$|は|を|-|－)/,
      /^[\s\u3000]*(?:\(c\)|（c）|©|Ⓒ)/i,
      /ALL RIGHTS RESERVED/i,
      /^[\s\u3000]*【?(?:関連記事|関連リンク|おすすめ特集|MOVIE ENTER|あわせて読みたい)/,
    ];
    const pieces = [
      ...[
        '続きは',
        'こちら',
        'プレゼント',
        '名様',
        '応募',
        '期間',
        '全国',
        '公開',
        '中',
        '上映中',
        '締切',
        ')',
      ],
      ...['作品情報', '公式サイト', 'は', '(c)', '(C)', '（c）', '©', 'Ⓒ', 'ⓒ', 'all rights reserved'],
      ...['ALL RIGHTS RESERVED', '【', '関連記事', 'MOVIE ENTER', 'movie enter', ' ', '\u3000', 'x', 'あ'],
    ];
    fc.assert(
      fc.property(line(pieces, 8), (s) => {
        expect(isPromo(s)).toBe(PROMO.some((re) => re.test(s)));
      }),
      { numRuns: 5000 },
    );
  });

  it('isInfoBlockLine agrees with the lower-cased head it compared', () => {
    const WORDS = [
      'プロフィール',
      'profile',
      '店舗情報',
      'ショップ情報',
      'インフォメーション',
      'information',
    ];
    const old = (t: string) => {
      let i = skipSpaces(t);
      if ('■●◆【'.includes(t[i] ?? '\n')) i = skipSpaces(t, i + 1);
      const head = t.slice(i, i + 12).toLowerCase();
      return [...WORDS, '作品情報', '公演情報', '関連リンク', '問い合わせ', 'お問い合わせ'].some((w) =>
        head.startsWith(w),
      );
    };
    fc.assert(
      fc.property(
        line([...WORDS, 'PROFILE', 'Information', 'İnformation', '■', '【', ' ', 'x', 'p', 'I'], 6),
        (s) => {
          expect(isInfoBlockLine(s)).toBe(old(s));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('startsQuestion agrees with QUESTION', () => {
    fc.assert(
      fc.property(line(['—', '―', '─', '－', '-', ' ', '\u3000', 'あ', '？']), (s) => {
        expect(startsQuestion(s)).toBe(QUESTION.test(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('a line mayBeMarked rejects is no heading, note, caption, box, info block or leading credit', () => {
    const pieces = [
      ...'■□◆◇▼▽●○★☆◎【】※＊*・<＜[［（）()↑↓▲△／：＝写真撮影歳 \u3000aPpIi店シイ作公関問お次h',
    ];
    fc.assert(
      fc.property(line(pieces, 16), (s) => {
        if (mayBeMarked(s)) return;
        expect(isHeadingLine(s) || isBracketHeading(s) || isNoteLine(s) || isCaptionLine(s)).toBe(false);
        expect(isInfoBlockLine(s) || splitLeadingCredit(s) !== null).toBe(false);
        expect(isCaption(s)).toBe(isProfileLine(s));
      }),
      { numRuns: 5000 },
    );
  });
});

/**
 * How much each parser does per line, counted rather than timed: bodies of hundreds of thousands
 * of short lines (bench:hostile's worst shapes) cost what each line costs. The dash parser
 * classifies a line once and reads its text again only where the state machine needs it (it
 * read each line four times, once per pass); format detection looks at first and last
 * characters in place and stops counting once a count decides (it copied each line once per
 * counter, up to eight times).
 */
describe('work per line on bodies of short lines', () => {
  const shapes: Array<[string, string]> = [
    ['colon-lines', '：\n'],
    ['name-colon-lines', '山田：\n'],
    ['qa-lines', 'Q.\nA.\n'],
    ['heading-lines', '# \n'],
    ['front-matter-fences', '---\n'],
    ['turns', '聞き手：問い\n山田：答え\n'],
  ];
  /** Lines read (text or Line object) per line while `run` parses or detects `text`. */
  const readsPerLine = (text: string, run: (text: string, lines: Lines) => unknown): number => {
    const lines = splitLines(text);
    const proto = Lines.prototype;
    const { text: read, at } = proto;
    let reads = 0;
    proto.text = function (this: Lines, i: number) {
      reads++;
      return read.call(this, i);
    };
    proto.at = function (this: Lines, i: number) {
      reads++;
      return at.call(this, i);
    };
    try {
      run(text, lines);
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
    } finally {
      proto.text = read;
      proto.at = at;
    }
    return reads / lines.length;
  };

  it.each(shapes.filter(([name]) => name !== 'turns'))(
    'dash reads a %s line about twice (classification, then the state machine; it read it four times)',
    (_, unit) => {
      expect(readsPerLine(unit.repeat(20_000), parseDash)).toBeLessThan(2.01);
    },
  );

  it.each([...shapes.filter(([name]) => name !== 'turns'), ['md-turn-lines', '**A**：\n']])(
    'dash reads a %s line once when no line can start a turn, and fails as the state machine did',
    (_, unit) => {
      const text = unit.repeat(20_000);
      expect(readsPerLine(text, parseDash)).toBeLessThan(1.01);
      // The error the state machine ended with: at the last line.
      const error = (() => {
        try {
          parseDash(text);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).line).toBe(splitLines(text).length);
    },
  );

  it.each([
    ['qa-lines', 'Q.\nA.\n'],
    ['front-matter-fences', '---\n'],
    ['colon-lines', '：\n'],
  ])('prefixed reads a %s line once when no prefixed line has text', (_, unit) => {
    const text = unit.repeat(20_000);
    expect(readsPerLine(text, parsePrefixed)).toBeLessThan(1.01);
    expect(() => parsePrefixed(text)).toThrow(ParseError);
  });

  /** The detector as it was: every counter to the end, the same thresholds in the same order. */
  const detectByFullCounts = (text: string): string => {
    const all = splitLines(text);
    const lines = all.slice(frontMatter(all).bodyStart);
    const tsv = countTsvLines(lines);
    if (tsv.content > 0 && tsv.tsv / tsv.content >= 0.8) return 'tsv';
    const timed = countTimestamped(lines);
    if (timed >= 2 && timed * 5 >= tsv.content) return 'timestamped';
    if (countSpeakerBlocks(lines) >= 2) return 'blog';
    let md = 0;
    for (let i = 0; i < lines.length; i++) if (matchMdTurn(lines.text(i) as string)) md++;
    if (md >= 2) return 'markdown';
    if (countQuestions(lines) >= 2) return 'dash';
    const nameLines = countNameLineBlocks(lines);
    const prefixed = countPrefixed(lines);
    if (prefixed >= 2 && prefixed >= nameLines) return 'prefixed';
    if (nameLines >= 3) return 'blog';
    return 'none';
  };
  const detected = (text: string): string => {
    try {
      return detectFormat(text);
    } catch {
      return 'none';
    }
  };

  it.each(shapes)(
    'format detection copies a %s line at most once (it copied it once per counter)',
    (_, unit) => {
      expect(readsPerLine(unit.repeat(20_000), (t, lines) => detectFormat(t, lines))).toBeLessThan(1.01);
    },
  );

  it('counters that stop once their count decides give the verdict of counting to the end', () => {
    const pieces = [
      '聞き手：問い\n',
      '山田：答え\n',
      '\n',
      '山田\n',
      '——質問\n',
      '**A**：x\n',
      'Q. q\n',
      'A. a\n',
      '[00:00:01] 山田：はい\n',
      'a\tb\n',
      '---\n',
      'はい\n',
      '時間：10時\n',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (ps) => {
        const text = ps.join('');
        if (text.trim() === '' || text.trimStart().startsWith('{')) return;
        expect(detected(text)).toBe(detectByFullCounts(text));
      }),
      { numRuns: 3000 },
    );
    for (const [, unit] of shapes)
      expect(detected(unit.repeat(200))).toBe(detectByFullCounts(unit.repeat(200)));
  });

  it('the counters that stop early agree with counting to the end', () => {
    const body = '聞き手：問い\n山田：答え\n\n山田\n山田\nはい\n——質問\n**A**：x\n'.repeat(30);
    const lines = splitLines(body);
    expect(countQuestions(lines, 2)).toBe(2);
    expect(countQuestions(lines)).toBe(30);
    expect(countSpeakerBlocks(lines, 2)).toBe(2);
    expect(countSpeakerBlocks(lines)).toBe(30);
    expect(countPrefixed(lines, 5)).toBe(5);
    expect(countPrefixed(lines)).toBeGreaterThanOrEqual(60);
    expect(countTimestamped(splitLines('[00:00:01] 山田：はい\n'.repeat(10)), 3)).toBe(3);
    expect(countTimestamped(splitLines('[00:00:01] 山田：はい\n'.repeat(10)))).toBe(10);
  });
});
