/**
 * The fast lattice (lib/text/lattice.ts) must give kuromoji's tokens exactly — every field of
 * every token, ties and unknown words included — on the texts it takes, and leave the others
 * (sentence punctuation, surrogates) to kuromoji. Compared on written cases, generated text over
 * every script the readings meet, and every window and line of the livedoor interviews; and the
 * reading analyzer built on it reads every livedoor line as one on kuromoji alone.
 */
import fc from 'fast-check';
import type kuromoji from 'kuromoji';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FastTokenize, fastTokenizer } from '../../lib/text/lattice.ts';
import {
  defaultDictionaryPath,
  loadTokenizer,
  type ReadingAnalyzer,
  readingAnalyzer,
} from '../../lib/text/readings.ts';
import { available, corporaDir, filesIn, read } from '../helpers/shared.ts';

let tokenizer: kuromoji.Tokenizer<kuromoji.IpadicFeatures>;
let fast: FastTokenize;

beforeAll(async () => {
  tokenizer = await loadTokenizer(defaultDictionaryPath());
  fast = fastTokenizer(tokenizer);
}, 60_000);

/** The fast tokens equal kuromoji's, or it declined (then kuromoji answers, as in readings.ts). */
function same(text: string): boolean {
  const got = fast(text);
  if (got === null) return false;
  expect(got, text).toEqual(tokenizer.tokenize(text));
  return true;
}

// Three cases compare kuromoji on every line of the livedoor interviews (~12 s alone, 40–50 s when
// the machine is shared): the default 30 s timeout failed them under load, not the comparison.
describe('the fast lattice', { timeout: 120_000 }, () => {
  it('gives kuromoji’s tokens on written cases', () => {
    const texts = [
      '貯めています',
      'がんばっています',
      'わかりました',
      '見つけられた',
      '結婚',
      '副業時間',
      'iPhoneを買った',
      'コーヒーを飲みながら話した',
      'ﾊﾝｶｸ',
      '２０２６年１２月４日',
      'ああああああああ',
      'x',
      '々々',
      'ー',
    ];
    for (const t of texts) expect(same(t), t).toBe(true);
    expect(fast('')).toEqual([]);
  });

  it('leaves sentence punctuation and surrogates to kuromoji', () => {
    expect(fast('行きました。帰りました')).toBeNull();
    expect(fast('行って、帰った')).toBeNull();
    expect(fast('𠮷野家で食べた')).toBeNull();
  });

  it('gives kuromoji’s tokens on generated text of every script', () => {
    const chars = [
      ...'貯稼辞楽来見出結婚仕事育働愛会美眺寝溜取扱選抜申込食行言思考書読話聞高安新古長短々',
      ...'めていたったしかるうくすつぬむぶぐずじにみりれろわをがでとのはもやよんっゃゅょー',
      ...'アイウエオカキクケコサシスセソタチツテトナニヌネノンーャュョッヴ',
      ...'abcXYZ019 .-!?「」（）・〜',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 24 }), (cs) => {
        expect(same(cs.join(''))).toBe(true);
      }),
      { numRuns: 5000, seed: 4 },
    );
  });
});

const livedoor = `${corporaDir}/livedoor-interviews`;
const haveCorpus = available(livedoor, 'the fast lattice on the livedoor interviews');

describe.runIf(haveCorpus)('the fast lattice on the real livedoor interviews', () => {
  it('gives kuromoji’s tokens on every window the readings tokenise and every clause', () => {
    const texts = new Set<string>();
    for (const f of filesIn(livedoor, '.txt'))
      for (const line of read(f).split('\n')) {
        const t = line.normalize('NFKC');
        for (const m of t.matchAll(/[\p{Script=Han}\u3005]+[\u3041-\u3096]{1,6}/gu)) texts.add(m[0]);
        for (const m of t.matchAll(/[\p{Script=Han}\u3005]?[\u3041-\u3096]{3,}/gu)) texts.add(m[0]);
        for (const clause of t.split(/[、。]/)) if (clause.trim()) texts.add(clause);
      }
    let compared = 0;
    for (const t of texts) if (same(t)) compared++;
    // Only texts with a surrogate were declined.
    expect(compared).toBeGreaterThan(texts.size * 0.99);
    expect(compared).toBeGreaterThan(20_000);
  });

  it('gives kuromoji’s tokens on short pieces of every line (the contexts nouns are read in)', () => {
    // A noun written with kana, or of one kanji, is read with up to 3 characters each side
    // (ReadingAnalyzer.written): pieces of 3 to 9 characters from everywhere in the lines.
    const texts = new Set<string>();
    for (const f of filesIn(livedoor, '.txt'))
      for (const line of read(f).split('\n')) {
        const t = line.normalize('NFKC');
        for (let at = 0; at + 3 <= t.length; at += 4) texts.add(t.slice(at, at + 3 + (at % 7)));
      }
    let compared = 0;
    for (const t of texts) if (same(t)) compared++;
    expect(compared).toBeGreaterThan(30_000);
  });

  it('reads every line as the analyzer on kuromoji alone reads it', () => {
    const dicPath = defaultDictionaryPath();
    const withFast: ReadingAnalyzer = readingAnalyzer(tokenizer, dicPath);
    const reference: ReadingAnalyzer = readingAnalyzer(tokenizer, dicPath, {
      screenWindows: false,
      fastLattice: false,
    });
    let found = 0;
    for (const f of filesIn(livedoor, '.txt'))
      for (const line of read(f).split('\n')) {
        if (!line.trim()) continue;
        const got = withFast.inflected?.(line) ?? [];
        found += got.length;
        expect(got, line).toEqual(reference.inflected?.(line) ?? []);
        for (const word of line.split(/[\s、。「」]+/).filter((w) => w.length >= 2))
          expect(withFast(word), word).toEqual(reference(word));
      }
    expect(found).toBeGreaterThan(1000);
  });
});
