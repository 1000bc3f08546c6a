/**
 * Verbs and adjectives typed in kana find their kanji spellings, inflected or not (ためる, ためて →
 * 貯めて), through the dictionary-form readings indexed from kuromoji and the dictionary forms the
 * query side guesses by rule; ため alone (為) still finds nothing. Small interviews written for it,
 * then the real livedoor interviews when ../shared is beside the checkout.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inflectedReadings, QuoteIndex, tokenizeInterview } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { dictionaryForms, isSearchableForm, writtenVerbTerm } from '../../lib/text/deinflect.ts';
import { dictionaryReading, loadReadings, type ReadingAnalyzer } from '../../lib/text/readings.ts';
import { prefixedInterview as iv, livedoorDir, livedoorIndex } from '../helpers/readings-index.ts';
import { available } from '../helpers/shared.ts';

describe('dictionary forms of kana typed for a verb or adjective (no dictionary)', () => {
  it.each([
    ['ためて', 'ためる'],
    ['ためた', 'ためる'],
    ['ためている', 'ためる'],
    ['ためれば', 'ためる'],
    ['ためます', 'ためる'],
    ['かせいで', 'かせぐ'],
    ['かせがない', 'かせぐ'],
    ['はたらいて', 'はたらく'],
    ['はなして', 'はなす'],
    ['やめた', 'やめる'],
    ['たのしかった', 'たのしい'],
    ['あきらめないで', 'あきらめる'],
  ])('%s → %s', (typed, form) => {
    expect(dictionaryForms(typed)).toContain(form);
  });

  it('guesses nothing for a word that is no inflection, nor forms of two kana', () => {
    expect(dictionaryForms('ため')).toEqual([]);
    expect(dictionaryForms('ためる')).toEqual([]);
    // かって: かう, かつ, かる are two kana each (買う, 勝つ, 刈る …): too ambiguous to look up.
    expect(dictionaryForms('かって')).toEqual([]);
    expect(dictionaryForms('たのしかった')).not.toContain('たのしかる');
    // わい is no adjective: わかった is a verb's past (わかる).
    expect(dictionaryForms('わかった')).toContain('わかる');
  });

  it('keeps light verbs and two-kana forms out', () => {
    expect(isSearchableForm('ためる')).toBe(true);
    expect(isSearchableForm('タメル')).toBe(true);
    expect(isSearchableForm('みる')).toBe(false);
    expect(isSearchableForm('できる')).toBe(false);
    expect(isSearchableForm('デキル')).toBe(false);
  });

  it('reads the dictionary form from an inflected token', () => {
    expect(dictionaryReading('貯め', '貯める', 'タメ')).toBe('タメル');
    expect(dictionaryReading('稼い', '稼ぐ', 'カセイ')).toBe('カセグ');
    expect(dictionaryReading('楽しかっ', '楽しい', 'タノシカッ')).toBe('タノシイ');
    // 来 (キ) / 来る (クル): the stem's reading changes, so it cannot be rebuilt from the token.
    expect(dictionaryReading('来', '来る', 'キ')).toBeNull();
  });
});

const fixtures = [
  iv('m', [
    '聞き手：貯金はしていますか？',
    '田中：毎月三万円ずつ貯めています。',
    '聞き手：副業は？',
    '田中：週末に少し稼いでいます。',
    '聞き手：会社は？',
    '田中：去年辞めました。そのために準備もしました。',
    '聞き手：旅行は？',
    '田中：本当に楽しかったです。',
  ]),
];

const savings = iv('n', [
  '聞き手：目標は？',
  '佐藤：お金を貯めて店を開きたい。',
  '聞き手：趣味は？',
  '佐藤：お金を使うことです。',
]);

let readings: ReadingAnalyzer;
let index: QuoteIndex;

beforeAll(async () => {
  readings = await loadReadings();
  index = new QuoteIndex({ readings });
  for (const i of fixtures) index.upsertInterview(i);
}, 60_000);

const ids = (q: string, from: QuoteIndex = index) =>
  // A loaded index keeps no texts: hits are rendered from the interviews.
  from
    .search({ q, limit: 20 }, (id) => [...fixtures, savings].find((f) => f.id === id))
    .hits.map((h) => h.quoteId);

describe('kana verbs and adjectives find their kanji spellings', () => {
  it.each([
    ['ためる', 'm-t002'],
    ['ためて', 'm-t002'],
    ['ためた', 'm-t002'],
    ['かせぐ', 'm-t004'],
    ['かせいで', 'm-t004'],
    ['やめる', 'm-t006'],
    ['やめた', 'm-t006'],
    ['たのしい', 'm-t008'],
    ['たのしかった', 'm-t008'],
  ])('%s finds %s', (q, id) => {
    expect(ids(q)).toContain(id);
  });

  it('finds a kana verb inside a longer chunk (お金をためる needs お金 and ためる)', () => {
    const local = new QuoteIndex({ readings });
    local.upsertInterview(savings);
    // Only n-t002 says both: counted by everyWord and first; お金 alone (n-t004) follows it, as the
    // relaxed page of a phrase typed with kana that fewer than RELAX_BELOW quotes say whole.
    const page = local.search({ q: 'お金をためる', limit: 20 }, () => savings);
    expect(page).toMatchObject({ relaxed: true, everyWord: 1 });
    expect(page.hits.map((h) => h.quoteId)).toEqual(['n-t002', 'n-t004']);
  });

  it.each([
    ['お金をかせいで', 'カセグ'],
    ['お金をためて', 'タメル'],
  ])('reads an inflected kana verb inside a longer chunk as one verb (%s → %s)', (q, reading) => {
    // The segmenter cut かせいで into か|せい|で: セイ (a prefix of 生活, 性格) searched as a word.
    const words = JSON.stringify(compileQuery(q).query);
    expect(words).not.toContain('"セイ"');
    expect(words).toContain(JSON.stringify(`\u0001${reading}`));
  });

  it('finds and marks the verb of お金をためて (ため|て were stopwords: it found お金 alone)', () => {
    const local = new QuoteIndex({ readings });
    local.upsertInterview(savings);
    const page = local.search({ q: 'お金をためて' }, () => savings);
    // With the verb lost, お金 alone would be every word and both quotes would count (everyWord 2).
    expect(page).toMatchObject({ relaxed: true, everyWord: 1 });
    const hits = page.hits;
    expect(hits.map((h) => h.quoteId)).toEqual(['n-t002', 'n-t004']);
    expect(hits[0]?.highlight.html).toBe('<mark>お金</mark>を<mark>貯めて</mark>店を開きたい。');
  });

  it('reads a phrase typed in kana alone as its words and its verb (しごとをやめて → 仕事 and 辞めて)', () => {
    const job = iv('j', [
      '聞き手：転機は？',
      '佐藤：三年前に仕事を辞めて店を開きました。',
      '聞き手：今は？',
      '佐藤：仕事は楽しいです。',
    ]);
    const local = new QuoteIndex({ readings });
    local.upsertInterview(job);
    const page = local.search({ q: 'しごとをやめて' }, () => job);
    // One quote says 仕事 and 辞めて: counted and first; 仕事 alone (j-t004) only after it.
    expect(page).toMatchObject({ relaxed: true, everyWord: 1 });
    const hits = page.hits;
    expect(hits.map((h) => h.quoteId)).toEqual(['j-t002', 'j-t004']);
    expect(hits[0]?.highlight.html).toBe('三年前に<mark>仕事</mark>を<mark>辞めて</mark>店を開きました。');
  });

  it('leaves okurigana with its kanji (子育てしながら) and particles alone', () => {
    const words = JSON.stringify(compileQuery('子育てしながら副業'));
    expect(words).not.toContain('\\u0001');
  });

  it('ため alone is no verb: it finds neither そのために nor 貯めて', () => {
    expect(ids('ため')).toEqual([]);
  });

  it('an index without the analyzer finds no kana verb (the readings are what finds them)', () => {
    const plain = new QuoteIndex({});
    for (const i of fixtures) plain.upsertInterview(i);
    expect(ids('ためる', plain)).toEqual([]);
    expect(ids('毎月', plain)).toContain('m-t002');
  });

  it("counts the readings a worker read with the same dictionary as if read in place, and ignores another dictionary's", () => {
    const tokens = tokenizeInterview(savings);
    const read = inflectedReadings(savings, readings);
    expect(read?.turns[1]).toContain('タメル\u0002貯める');
    const fromWorker = new QuoteIndex({ readings });
    fromWorker.upsertInterview(savings, new Map(), { ...tokens, ...(read ? { inflected: read } : {}) });
    const inPlace = new QuoteIndex({ readings });
    inPlace.upsertInterview(savings);
    const page = (from: QuoteIndex, q: string) =>
      from.search({ q, limit: 20 }, () => savings).hits.map((h) => `${h.quoteId}:${h.score}`);
    for (const q of ['ためる', 'お金をためる', 'お金', '店'])
      expect(page(fromWorker, q), q).toEqual(page(inPlace, q));
    expect(page(fromWorker, 'ためる')).toHaveLength(1);
    // The worker's readings are what is counted: the index does not read the text again.
    const given = new QuoteIndex({ readings });
    given.upsertInterview(savings, new Map(), {
      ...tokens,
      inflected: { readings: readings.dictionary ?? '', turns: savings.turns.map(() => ['カセグ']) },
    });
    expect(ids('かせぐ', given).sort()).toEqual(['n-t001', 'n-t002', 'n-t003', 'n-t004']);
    // Readings of another dictionary would index terms this index does not read with.
    const other = new QuoteIndex({ readings });
    other.upsertInterview(savings, new Map(), {
      ...tokens,
      inflected: { readings: '/elsewhere', turns: savings.turns.map(() => ['カセグ']) },
    });
    expect(ids('かせぐ', other)).toEqual([]);
    expect(ids('ためる', other)).toEqual(['n-t002']);
  });

  it('keeps the dictionary-form readings through a snapshot', () => {
    const loaded = QuoteIndex.fromSnapshot(index.toSnapshot());
    expect(ids('ためて', loaded)).toContain('m-t002');
    expect(ids('かせぐ', loaded)).toContain('m-t004');
    expect(ids('ため', loaded)).toEqual([]);
  });
});

describe('a hit found by a reading marks the verb as the quote writes it', () => {
  const marked = (q: string, id: string, from: QuoteIndex = index) =>
    from
      .search({ q, limit: 20 }, (key) => fixtures.find((f) => f.id === key))
      .hits.find((h) => h.quoteId === id)?.highlight.html;

  it.each([
    ['ためる', 'm-t002', '<mark>貯めています</mark>'],
    ['ためて', 'm-t002', '<mark>貯めています</mark>'],
    ['かせぐ', 'm-t004', '<mark>稼いでいます</mark>'],
    ['かせいで', 'm-t004', '<mark>稼いでいます</mark>'],
    ['たのしかった', 'm-t008', '<mark>楽しかった</mark>'],
    ['やめる', 'm-t006', '<mark>辞めました</mark>'],
  ])('%s marks %s as written', (q, id, mark) => {
    expect(marked(q, id)).toContain(mark);
  });

  it('marks only the verb: そのために next to 辞めました stays unmarked', () => {
    expect(marked('やめる', 'm-t006')).toBe('去年<mark>辞めました</mark>。そのために準備もしました。');
  });

  it('keeps the written forms through a snapshot (a reader has no dictionary)', () => {
    const loaded = QuoteIndex.fromSnapshot(index.toSnapshot());
    expect(marked('ためる', 'm-t002', loaded)).toContain('<mark>貯めています</mark>');
  });

  it('an index from before the written forms finds the verb and marks nothing wrong', () => {
    const tokens = tokenizeInterview(savings);
    const old = new QuoteIndex({ readings });
    old.upsertInterview(savings, new Map(), {
      ...tokens,
      inflected: {
        readings: readings.dictionary ?? '',
        turns: savings.turns.map((_, i) => (i === 1 ? ['タメル'] : [])),
      },
    });
    const hit = old.search({ q: 'ためる' }, () => savings).hits[0];
    expect(hit?.quoteId).toBe('n-t002');
    expect(hit?.highlight.html).not.toContain('<mark>');
  });
});

describe('verbs written in kana are read as verbs (issue: がんばっている was found by neither 頑張る nor がんばる)', () => {
  const kana = iv('k', [
    '聞き手：毎日は？',
    '田中：毎日がんばっています。',
    '聞き手：説明は？',
    '田中：やっとわかりました。',
    '聞き手：週末は？',
    '田中：みんなでたのしんでいます。',
    '聞き手：貯金は？',
    '田中：お金をためています。',
    '聞き手：英語は？',
    '田中：英語ができるようになった。',
    '聞き手：探し物は？',
    '田中：やっと見つけられた。',
  ]);
  const kanji = iv('c', [
    '聞き手：毎日は？',
    '佐藤：毎日頑張っています。',
    '聞き手：説明は？',
    '佐藤：やっと分かりました。',
  ]);
  let both: QuoteIndex;
  beforeAll(() => {
    both = new QuoteIndex({ readings });
    both.upsertInterview(kana);
    both.upsertInterview(kanji);
  });
  const found = (q: string) =>
    both.search({ q, limit: 20 }, (id) => [kana, kanji].find((f) => f.id === id)).hits.map((h) => h.quoteId);

  it.each([
    ['がんばる', 'k-t002'],
    ['がんばって', 'k-t002'],
    ['頑張る', 'k-t002'],
    ['頑張って', 'k-t002'],
    ['わかる', 'k-t004'],
    ['わかった', 'k-t004'],
    ['分かる', 'k-t004'],
    ['分かった', 'k-t004'],
    ['たのしむ', 'k-t006'],
    ['楽しむ', 'k-t006'],
    ['ためる', 'k-t008'],
    ['貯める', 'k-t008'],
  ])('%s finds the quote that writes it in kana (%s)', (q, id) => {
    expect(found(q)).toContain(id);
  });

  it.each([
    ['がんばる', 'c-t002'],
    ['頑張る', 'c-t002'],
    ['わかった', 'c-t004'],
    ['分かった', 'c-t004'],
  ])('%s still finds the quote that writes it with its kanji (%s)', (q, id) => {
    expect(found(q)).toContain(id);
  });

  it('marks the kana verb a kanji query found, as the quote writes it', () => {
    const hit = both
      .search({ q: '頑張る', limit: 20 }, (id) => [kana, kanji].find((f) => f.id === id))
      .hits.find((h) => h.quoteId === 'k-t002');
    expect(hit?.highlight.html).toBe('毎日<mark>がんばっています</mark>。');
  });

  it('reads no light verb (できる) and no okurigana of a kanji verb (見|つけられた is no つける)', () => {
    const read = readings.inflected?.('英語ができるようになった。やっと見つけられた。') ?? [];
    // The kanji verb's reading and its form as written (no つける, no できる).
    expect(read.filter((e) => !e.startsWith('\u0003'))).toEqual([
      'ミツケル\u0002見つける',
      writtenVerbTerm('見つける'),
    ]);
    expect(found('できる')).toEqual(['k-t010']);
    expect(found('つける')).toEqual([]);
  });

  it('reads the kana verb with its kanji spellings, and keeps them through a snapshot', () => {
    const read = readings.inflected?.('毎日がんばっています。') ?? [];
    expect(read).toContain('ガンバル\u0002がんばる');
    expect(read).toContain('\u0003頑張る\u0002がんばる');
    const loaded = QuoteIndex.fromSnapshot(both.toSnapshot());
    expect(loaded.search({ q: '頑張る', limit: 20 }, () => kana).hits.map((h) => h.quoteId)).toContain(
      'k-t002',
    );
  });
});

const haveCorpus = available(livedoorDir, 'kana verbs on the livedoor interviews');

describe.runIf(haveCorpus)('kana verbs on the real livedoor interviews', () => {
  const real = livedoorIndex(
    [
      // The FP money column: 「緊急資金は家計で200万円を目安に貯めましょう」, and ため (為) three times.
      'livedoor-homme/livedoor-homme-5713973.txt',
      // The office girls' round table: 「あとお金を稼いでいるひと！」.
      'livedoor-homme/livedoor-homme-6828491.txt',
    ],
    () => readings,
    20,
  );
  const hitTexts = real.said;

  it.each(['ためる', 'ためて', 'ためましょう'])('%s finds 目安に貯めましょう', (q) => {
    expect(hitTexts(q).some((t) => t.includes('目安に貯めましょう'))).toBe(true);
  });

  it.each(['かせぐ', 'かせいで', '稼ぐ'])('%s marks 稼いでいる as the quote writes it', (q) => {
    const html = real.hits(q).map((h) => h.highlight.html);
    expect(html).toContain('実績のある人！あとお金を<mark>稼いでいる</mark>ひと！');
  });

  it('お金をかせいで finds お金を稼いでいるひと first, both words marked', () => {
    const hit = real.hits('お金をかせいで')[0];
    expect(hit?.highlight.html).toBe('実績のある人！あと<mark>お金</mark>を<mark>稼いでいる</mark>ひと！');
  });

  it('かせぐ finds お金を稼いでいるひと', () => {
    expect(hitTexts('かせぐ').some((t) => t.includes('お金を稼いでいるひと'))).toBe(true);
  });

  it('ため finds none of the quotes that only say ため (為)', () => {
    const withTame = [...real.texts().values()].filter((t) => t.includes('ため') && !/[貯溜]め/.test(t));
    expect(withTame.length).toBeGreaterThan(0);
    expect(hitTexts('ため').filter((t) => withTame.includes(t))).toEqual([]);
  });
});
