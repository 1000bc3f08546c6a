import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KikigakiError, ParseError } from '../../lib/errors.ts';
import { FormatSchema, type Interview } from '../../lib/model.ts';
import { QUESTION } from '../../lib/parse/dash.ts';
import { detectFormat, parseInterview } from '../../lib/parse/index.ts';
import { cleanDialogText } from '../../lib/parse/tsv.ts';
import { available, corporaDir, filesIn, read, samplesDir, seedPath } from '../helpers/shared.ts';

const haveSeed = available(seedPath, 'seed parsing tests');
const haveCorpora = available(corporaDir, 'real-corpus parsing tests');

function sample(name: string): Interview {
  return parseInterview(read(join(samplesDir, name)), { id: name.replace(/\.[a-z]+$/, '') });
}

describe.runIf(haveSeed)('the seed blog interview', () => {
  const iv = haveSeed
    ? parseInterview(read(seedPath), { id: '000_8769376dd037ef10' })
    : (null as unknown as Interview);

  it('has the title, people and series stated in the issue', () => {
    expect(iv.format).toBe('blog');
    expect(iv.title).toBe('Parallel Workers FILE#01【かぉ 🐰甘えたフリーランサー】さん(後編)');
    expect(iv.interviewer).toMatchObject({ name: 'たけし', handle: '@takesi_w401kc' });
    expect(iv.interviewees).toHaveLength(1);
    expect(iv.interviewees[0]).toMatchObject({ name: 'かぉ', handle: '@kao_bunny', location: 'アメリカ' });
    expect(iv.series?.part).toBe(2);
  });

  it('has exactly the four section headings', () => {
    expect(iv.sections.map((s) => s.heading)).toEqual([
      'パラレルワーカーとしての意識',
      'パラレルワークと生活',
      '「パラレルワーカー」が生きやすい社会への提言',
      'これから「パラレルワーカー」になりたいアナタへ',
    ]);
  });

  it('has 30 turns: 16 by the interviewer and 14 by the interviewee', () => {
    expect(iv.turns).toHaveLength(30);
    expect(iv.turns.filter((t) => t.role === 'interviewer')).toHaveLength(16);
    expect(iv.turns.filter((t) => t.role === 'interviewee')).toHaveLength(14);
  });

  it('turns the 前編 card into a related link, not quote text', () => {
    expect(iv.related).toHaveLength(1);
    expect(iv.related[0]).toMatchObject({
      part: 1,
      title: 'Parallel Workers FILE#01【かぉ 🐰甘えたフリーランサー】さん(前編)',
    });
    expect(iv.turns.some((t) => t.text.includes('(前編)'))).toBe(false);
  });

  it('drops site chrome and keeps a multi-paragraph turn whole', () => {
    expect(iv.turns.some((t) => t.text.includes('コメント') || t.text.includes('タイトルとURL'))).toBe(false);
    const last = iv.turns.at(-1);
    expect(last?.text).toContain('取材は以上');
    expect(last?.text).toContain('HTML名刺');
  });

  it('links every interviewee quote to the interviewer turn before it', () => {
    iv.turns.forEach((t, i) => {
      if (t.role !== 'interviewee') return;
      const prev = iv.turns[i - 1];
      expect(prev?.role).toBe('interviewer');
      expect(t.questionId).toBe(prev?.id);
    });
  });

  it('gives stable URL-safe quote ids and source offsets', () => {
    const again = parseInterview(read(seedPath), { id: '000_8769376dd037ef10' });
    expect(again.turns.map((t) => t.id)).toEqual(iv.turns.map((t) => t.id));
    const src = read(seedPath);
    for (const t of iv.turns) {
      expect(t.id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(src.slice(t.start ?? 0, t.end ?? 0)).toContain(t.text.split('\n')[0]);
    }
  });
});

describe.runIf(haveCorpora)('the real corpora', () => {
  it('parses every livedoor interview as dash with ≥95% of —— lines as interviewer turns', () => {
    const files = filesIn(join(corporaDir, 'livedoor-interviews'), '.txt');
    expect(files.length).toBeGreaterThanOrEqual(119);
    let questions = 0;
    let turns = 0;
    for (const f of files) {
      const text = read(f);
      const iv = parseInterview(text);
      expect(iv.format).toBe('dash');
      questions += text
        .split(/\r?\n/)
        .filter((l) => QUESTION.test(l) && l.replace(QUESTION, '').trim() !== '').length;
      turns += iv.turns.filter((t) => t.role === 'interviewer').length;
    }
    expect(turns / questions).toBeGreaterThanOrEqual(0.95);
  });

  it('parses every ASDC dialog as TSV with operator as interviewer and cleaned text', () => {
    const files = filesIn(join(corporaDir, 'asdc-dialogs'), '.tsv');
    expect(files.length).toBe(210);
    for (const f of files) {
      const iv = parseInterview(read(f));
      expect(iv.format).toBe('tsv');
      expect(iv.turns[0]?.role).toBe('interviewer');
      for (const t of iv.turns) expect(t.text).not.toMatch(/[│▁]/);
    }
  });
});

describe('the sample interviews', () => {
  it.each([
    ['01-blog-haruka-1.txt', 'blog'],
    ['02-blog-haruka-2.txt', 'blog'],
    ['03-blog-kenji.txt', 'blog'],
    ['04-dash-yuki.txt', 'dash'],
    ['05-dash-sora.txt', 'dash'],
    ['06-prefixed-qa.txt', 'prefixed'],
    ['07-prefixed-names.txt', 'prefixed'],
    ['08-dialog.tsv', 'tsv'],
    ['09-markdown-mei.md', 'markdown'],
    ['10-markdown-english.md', 'markdown'],
  ])('detects %s as %s with an interviewer and an interviewee', (file, format) => {
    const iv = sample(file);
    expect(iv.format).toBe(format);
    expect(iv.turns.filter((t) => t.role === 'interviewer').length).toBeGreaterThan(3);
    expect(iv.interviewees.length).toBeGreaterThanOrEqual(1);
  });

  it('links the two parts of a blog series', () => {
    const part1 = sample('01-blog-haruka-1.txt');
    const part2 = sample('02-blog-haruka-2.txt');
    expect(part1.series?.part).toBe(1);
    expect(part2.series?.part).toBe(2);
    expect(part2.series?.id).toBe(part1.series?.id);
    expect(part2.related[0]?.part).toBe(1);
    expect(part2.interviewees[0]?.id).toBe(part1.interviewees[0]?.id);
  });

  it('resolves dash aliases (小林由紀（以下、小林）) to one person and skips captions and shop notes', () => {
    const iv = sample('04-dash-yuki.txt');
    expect(iv.interviewees.map((p) => p.name)).toEqual(['小林由紀']);
    expect(iv.interviewees[0]?.aliases).toContain('小林');
    expect(iv.turns.some((t) => /^（写真/.test(t.text) || t.text.includes('所在地'))).toBe(false);
    expect(iv.publishedAt).toBe('2025-03-14T10:00:00+09:00');
  });

  it('round-trips the canonical JSON', () => {
    const iv = sample('09-markdown-mei.md');
    expect(parseInterview(JSON.stringify(iv))).toEqual(iv);
    const renamed = parseInterview(JSON.stringify(iv), { id: 'mei' });
    expect(renamed.turns[1]?.id).toBe('mei-t002');
    expect(renamed.turns.find((t) => t.questionId)?.questionId).toMatch(/^mei-t/);
  });
});

describe('other layouts and bad input', () => {
  it('parses Q./A. lines with front matter', () => {
    const iv = parseInterview(
      '---\ntitle: 試験\ninterviewee: 佐藤\n---\nQ. 副業は？\nA. 週末だけです。\n続きの行。\nQ. 理由は？\nA. 楽しいから。',
    );
    expect(iv.format).toBe('prefixed');
    expect(iv.title).toBe('試験');
    expect(iv.turns.map((t) => t.role)).toEqual(['interviewer', 'interviewee', 'interviewer', 'interviewee']);
    expect(iv.turns[1]?.text).toBe('週末だけです。\n続きの行。');
    expect(iv.turns[1]?.speaker).toBe('佐藤');
  });

  it('parses the minimal JSON form and derives ids and questions', () => {
    const iv = parseInterview(
      JSON.stringify({
        title: 'T',
        turns: [
          { speaker: '聞き手', text: '質問？' },
          { speaker: '山田', text: '答え' },
        ],
      }),
    );
    expect(iv.turns[1]?.questionId).toBe(iv.turns[0]?.id);
    expect(iv.interviewees[0]?.name).toBe('山田');
  });

  it('cleans ASDC markup', () => {
    expect(cleanDialogText('はい。│そんなに広くなくていいです、│大体は▁観光で')).toBe(
      'はい。そんなに広くなくていいです、大体は 観光で',
    );
  });

  it('names the line and reason for unparseable input', () => {
    expect(() => parseInterview('ただの文章です。\n何の構造もありません。')).toThrow(ParseError);
    try {
      parseInterview('speaker\ttext\nno tab here', { format: 'tsv' });
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).line).toBe(2);
      expect((e as ParseError).message).toMatch(/line 2/);
    }
    expect(() => parseInterview('{"title": "x", "turns": [', { format: 'json' })).toThrow(/invalid JSON/);
    expect(() => parseInterview('   \n ')).toThrow(/empty/);
    expect(() => parseInterview('a', { format: 'nope' as never })).toThrow(/unknown format/);
  });

  it('detects each layout', () => {
    expect(detectFormat('a\tb\nc\td')).toBe('tsv');
    expect(detectFormat('{"x":1}')).toBe('json');
    expect(detectFormat('**A**：こんにちは\n**B**：どうも')).toBe('markdown');
    expect(detectFormat('——質問です\n山田：答え\n——次の質問\n山田：答え')).toBe('dash');
  });

  it('never crashes on arbitrary input: it returns an interview or throws a typed error', () => {
    const lines = fc.array(
      fc.oneof(
        fc.constantFrom(
          '——質問？',
          '山田：答え',
          '聞き手：はい',
          'Q. 何？',
          'A. 何も',
          '**A**：x',
          '# 題',
          '## 節',
          '名前',
          'a\tb',
          '---',
          '{',
          '【見出し】',
          '',
        ),
        fc.string({ maxLength: 30, unit: 'grapheme' }),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(lines, fc.constantFrom(...FormatSchema.options), (ls, format) => {
        try {
          const iv = parseInterview(ls.join('\n'), { format: format as never });
          expect(iv.turns.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(KikigakiError);
        }
      }),
      { numRuns: 400 },
    );
  });
});
