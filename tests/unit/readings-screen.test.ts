/**
 * The verb readings' window screen (lib/text/readings.ts, `verbEntries`): a window is tokenised
 * only when a dictionary entry that can give a kept verb or adjective reading occurs in it. It must
 * change no reading: the screened analyzer is compared with one that tokenises every window, on
 * written cases, generated kanji + kana windows and the real livedoor interviews, and it must
 * actually skip windows (else it would prove nothing and save nothing).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defaultDictionaryPath,
  loadTokenizer,
  type ReadingAnalyzer,
  readingAnalyzer,
  verbEntries,
} from '../../lib/text/readings.ts';
import { available, corporaDir, filesIn, read } from '../helpers/shared.ts';

let tokenizer: Awaited<ReturnType<typeof loadTokenizer>>;
let screened: ReadingAnalyzer;
let reference: ReadingAnalyzer;
/** Windows the screened analyzer tokenised. */
let tokenised = 0;

beforeAll(async () => {
  const dicPath = defaultDictionaryPath();
  tokenizer = await loadTokenizer(dicPath);
  // The same tokenizer, counting the screened analyzer's calls.
  const counting = Object.create(tokenizer) as typeof tokenizer;
  counting.tokenize = (text: string) => {
    tokenised++;
    return tokenizer.tokenize(text);
  };
  // kuromoji's own tokenize on both sides, so the calls are counted (the fast lattice, which
  // gives the same tokens, has its own test: lattice.test.ts).
  screened = readingAnalyzer(counting, dicPath, { fastLattice: false });
  reference = readingAnalyzer(tokenizer, dicPath, { screenWindows: false, fastLattice: false });
}, 60_000);

const inflected = (a: ReadingAnalyzer, text: string) => a.inflected?.(text) ?? [];

describe('the verb window screen', () => {
  it('reads the written cases as tokenising every window does', () => {
    const texts = [
      '毎月三万円ずつ貯めています。週末に少し稼いでいます。去年辞めました。',
      '本当に楽しかったです。来る人、来た人、見た映画、出来ること。',
      '結婚してから仕事を続けて、子供を育てながら働いていた。',
      '愛する人に会いたい。美しい景色を眺めた。寝溜めした。',
      '取り扱う商品を選び抜いて、申し込んだ。',
      '𠮷野家で食べた。々しい。',
    ];
    for (const t of texts) expect(inflected(screened, t), t).toEqual(inflected(reference, t));
    expect(inflected(screened, texts[0] ?? '')).toContain('タメル\u0002貯める');
  });

  it('does not tokenise a window whose only verbs read nothing kept (light verbs, two-kana readings)', () => {
    // 思う and 言う are not kept (isSearchableForm), so their windows read nothing either way.
    const texts = ['思って', '言った', '思います'];
    const before = tokenised;
    for (const t of texts) {
      expect(inflected(screened, t), t).toEqual([]);
      expect(inflected(reference, t), t).toEqual([]);
    }
    expect(tokenised).toBe(before);
    // A kept verb's window is still read.
    expect(inflected(screened, '稼いだ')).toEqual(inflected(reference, '稼いだ'));
    expect(tokenised).toBe(before + 1);
  });

  it('reads generated kanji + kana windows as tokenising every window does', () => {
    const kanji = [...'貯稼辞楽来見出結婚仕事育働愛会美眺寝溜取扱選抜申込食行言思考書読話聞高安新古長短'];
    const kana = [...'めていたったしかるうくすつぬむぶぐずじにみりれろわをがでとのはもやよ'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...kanji), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom(...kana), { minLength: 1, maxLength: 7 }),
        (k, h) => {
          const t = `${k.join('')}${h.join('')}`;
          expect(inflected(screened, t), t).toEqual(inflected(reference, t));
        },
      ),
      { numRuns: 3000, seed: 10 },
    );
  });
});

const livedoor = `${corporaDir}/livedoor-interviews`;
const haveCorpus = available(livedoor, 'the verb window screen on the livedoor interviews');

describe.runIf(haveCorpus)('the verb window screen on the real livedoor interviews', () => {
  it('gives every text the readings tokenising every window gives, and skips windows', () => {
    const before = tokenised;
    let windows = 0;
    let readingsFound = 0;
    for (const f of filesIn(livedoor, '.txt')) {
      for (const line of read(f).split('\n')) {
        if (!line.trim()) continue;
        windows += line.normalize('NFKC').match(/[\p{Script=Han}\u3005]+[\u3041-\u3096]{1,6}/gu)?.length ?? 0;
        const got = inflected(screened, line);
        readingsFound += got.length;
        expect(got, line).toEqual(inflected(reference, line));
      }
    }
    expect(readingsFound).toBeGreaterThan(1000);
    // The screen skipped most windows (the distinct ones the cache did not answer included).
    expect(tokenised - before).toBeLessThan(windows / 2);
  });
});

describe.runIf(haveCorpus)('the screen’s trie walk on the real livedoor interviews', () => {
  it('decides every window as the set of surfaces asked for every substring does', () => {
    const walk = verbEntries(tokenizer);
    const sets = verbEntries(tokenizer, { trie: false });
    const windows = new Set<string>();
    for (const f of filesIn(livedoor, '.txt'))
      for (const line of read(f).split('\n')) {
        const t = line.normalize('NFKC');
        for (const m of t.matchAll(/[\p{Script=Han}\u3005]+[\u3041-\u3096]{1,6}/gu)) windows.add(`k${m[0]}`);
        for (const m of t.matchAll(/[\p{Script=Han}\u3005]?[\u3041-\u3096]{3,}/gu)) windows.add(`h${m[0]}`);
      }
    let passed = 0;
    for (const key of windows) {
      const w = key.slice(1);
      const kanji = key[0] === 'k';
      const got = kanji ? walk.mayRead(w) : walk.mayReadKana(w);
      expect(got, key).toBe(kanji ? sets.mayRead(w) : sets.mayReadKana(w));
      if (got) passed++;
    }
    expect(windows.size).toBeGreaterThan(20_000);
    // Both answers occur (a screen that always or never reads would prove nothing).
    expect(passed).toBeGreaterThan(windows.size / 10);
    expect(passed).toBeLessThan(windows.size * 0.9);
  });

  it('decides generated windows as the set does', () => {
    const walk = verbEntries(tokenizer);
    const sets = verbEntries(tokenizer, { trie: false });
    const chars = [
      ...'貯稼辞楽来見出結婚仕事育働愛会美眺寝溜取扱選抜申込食行言思考書読話聞高安新古長短々めていたったしかるうくすつぬむぶぐずじにみりれろわをがでとのはもやよんばアイa1',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 10 }), (cs) => {
        const w = cs.join('');
        expect(walk.mayRead(w), w).toBe(sets.mayRead(w));
        expect(walk.mayReadKana(w), w).toBe(sets.mayReadKana(w));
      }),
      { numRuns: 5000, seed: 11 },
    );
  });
});
