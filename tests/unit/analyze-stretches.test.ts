/**
 * The analyzer segments all kanji/hiragana stretches of a text in one call, joined by line
 * breaks (lib/text/analyze.ts, `wordsOfStretches`), instead of one call per stretch. It must cut
 * every stretch as segmenting it alone does: the tokens (terms, kinds, offsets, order) are
 * compared with the one-call-per-stretch reference on written cases, generated mixed-script text
 * and every line of the livedoor interviews (and once, by hand, of livedoor-news: 62 s, identical).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeNormalized } from '../../lib/text/analyze.ts';
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
