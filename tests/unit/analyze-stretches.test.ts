/**
 * The analyzer segments all kanji/hiragana stretches of a text in one call, joined by line
 * breaks (lib/text/analyze.ts, `wordsOfStretches`), instead of one call per stretch. It must cut
 * every stretch as segmenting it alone does: the tokens (terms, kinds, offsets, order) are
 * compared with the one-call-per-stretch reference on written cases, generated mixed-script text
 * and every line of the livedoor interviews (and once, by hand, of livedoor-news: 62 s, identical).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeNormalized, classify, classifyByPattern, scriptRuns } from '../../lib/text/analyze.ts';
import { normalize } from '../../lib/text/normalize.ts';
import { available, corporaDir, filesIn, read } from '../helpers/shared.ts';

const same = (text: string) => {
  const norm = normalize(text).text;
  expect(analyzeNormalized(norm), text).toEqual(analyzeNormalized(norm, 'hybrid', { segmentEach: true }));
};

describe('segmenting all stretches of a text at once', () => {
  it('tokenises written cases as segmenting each stretch alone', () => {
    for (const t of [
      '毎月三万円ずつ貯めています。週末に少し稼いでいます。',
      'iPhoneで写真を撮って、Instagramにアップしました。3億円、30代。',
      'クラウドソーシングの仕事を始めてから、子育て中でも働けるようになりました',
      '安く買って高く売る。安ければいい。𠮷野家で食べた。々',
      '',
      'ー',
      'です',
    ])
      same(t);
  });

  it('tokenises generated mixed-script text as segmenting each stretch alone', () => {
    const pieces = [
      '結婚',
      'して',
      'から',
      '仕事',
      'を',
      'クラウド',
      'ー',
      'abc',
      '12',
      '、',
      '。',
      ' ',
      '子育て',
      '中',
      'は',
      'い',
      '\n',
      '々',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (p) => same(p.join(''))),
      { numRuns: 2000, seed: 7 },
    );
  });
});

const corpora = ['livedoor-interviews'].map((d) => `${corporaDir}/${d}`);
const haveCorpora = corpora.every((d) => available(d, 'the one-call segmentation on the real corpora'));

describe.runIf(haveCorpora)('segmenting all stretches at once on the real corpora', () => {
  it('tokenises every line as segmenting each stretch alone', () => {
    let lines = 0;
    for (const dir of corpora)
      for (const f of filesIn(dir, '.txt'))
        for (const line of read(f).split('\n')) {
          if (!line.trim()) continue;
          lines++;
          same(line);
        }
    expect(lines).toBeGreaterThan(1_000);
  }, 60_000);
});

/** scriptRuns as it was before the unit table: a pattern test and a string per character. */
function scriptRunsByPattern(norm: string): Array<{ cls: string; start: number; end: number }> {
  const out: Array<{ cls: string; start: number; end: number }> = [];
  let cur: { cls: string; start: number } | null = null;
  for (let i = 0; i < norm.length; ) {
    const ch = String.fromCodePoint(norm.codePointAt(i) ?? 0);
    let cls: string = classifyByPattern(ch);
    if (ch === 'ー') cls = cur && (cur.cls === 'katakana' || cur.cls === 'hiragana') ? cur.cls : 'other';
    if (!cur || cur.cls !== cls) {
      if (cur) out.push({ cls: cur.cls, start: cur.start, end: i });
      cur = { cls, start: i };
    }
    i += ch.length;
  }
  if (cur) out.push({ cls: cur.cls, start: cur.start, end: norm.length });
  return out;
}

describe('script classes from the unit table', () => {
  it('classifies every UTF-16 unit and characters outside the BMP as the patterns do', () => {
    for (let u = 0; u < 0x10000; u++) {
      const ch = String.fromCharCode(u);
      if (classify(ch) !== classifyByPattern(ch))
        expect(classify(ch), `U+${u.toString(16)}`).toBe(classifyByPattern(ch));
    }
    for (const ch of ['𠮷', '😀', '𝐀', '', 'ab']) expect(classify(ch)).toBe(classifyByPattern(ch));
    expect(classify('々')).toBe('kanji');
    // ー is a letter to the patterns (Lm); scriptRuns gives it the class of the kana before it.
    expect(classify('ー')).toBe('latin');
  });

  it('splits text into the same runs: surrogate pairs, lone surrogates, long-vowel marks', () => {
    const pieces = [
      '結婚',
      'して',
      'クラウド',
      'ー',
      'abc',
      '12',
      '、',
      ' ',
      '𠮷',
      '\ud842',
      '\udfb7',
      '😀',
      'ゝ',
      '々',
      'ｱ',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (p) => {
        const text = p.join('');
        expect(scriptRuns(text)).toEqual(scriptRunsByPattern(text));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe.runIf(haveCorpora)('script runs on the real corpora', () => {
  it('splits every normalised line as the patterns do', () => {
    let lines = 0;
    for (const dir of corpora)
      for (const f of filesIn(dir, '.txt'))
        for (const line of read(f).split('\n')) {
          const norm = normalize(line).text;
          lines++;
          expect(scriptRuns(norm)).toEqual(scriptRunsByPattern(norm));
        }
    expect(lines).toBeGreaterThan(1_000);
  }, 60_000);
});
