/**
 * Verbs of two kana typed in kana (ないた, ねる, くつをはく, なきそうになった) find the quotes that
 * write them with their kanji (泣いて, 寝ないで, 履いて): the index keeps their readings (ナク, ネル,
 * ハク) for the verbs of a list, never for the kana of grammar (ている, てみる, になった) nor for 言う,
 * 居る, 成る. An adjective's stem with そう (楽しそう, 可愛そう) is read as written; お before a noun typed
 * in kana (おこづかい) finds the noun (お小遣い). Small interviews written for it, then the real
 * livedoor interviews when ../shared is beside the checkout.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import {
  candidateForms,
  isShortForm,
  SHORT_GRAMMAR,
  SHORT_VERBS,
  shortForms,
} from '../../lib/text/deinflect.ts';
import { dictionaryReading, loadTokenizer } from '../../lib/text/readings.ts';
import { prefixedInterview, readingsIndex } from '../helpers/readings-index.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

describe('the two-kana verbs', () => {
  it('are each the reading of a verb IPADIC writes with a kanji, and none is grammar', async () => {
    const tokenizer = (await loadTokenizer()) as unknown as {
      token_info_dictionary: { target_map: Record<string, number[]>; getFeatures(id: string): string };
    };
    const dict = tokenizer.token_info_dictionary;
    const readings = new Set<string>();
    for (const ids of Object.values(dict.target_map))
      for (const id of ids) {
        const [surface = '', pos, detail, , , , form, basic = '', reading = ''] = dict
          .getFeatures(String(id))
          .split(',');
        if (
          pos === '動詞' &&
          detail === '自立' &&
          form === '基本形' &&
          surface === basic &&
          /\p{Script=Han}/u.test(basic)
        )
          readings.add(reading);
      }
    const hira = (k: string) =>
      k.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
    const missing = [...SHORT_VERBS].filter((v) => ![...readings].some((r) => hira(r) === v));
    expect(missing).toEqual([]);
    expect([...SHORT_VERBS].filter((v) => SHORT_GRAMMAR.has(v))).toEqual([]);
    expect(SHORT_VERBS.size).toBe(90);
  }, 60_000);

  it.each([
    ['ないた', ['なく']],
    ['ねる', ['ねる']],
    ['はく', ['はく']],
    ['みていた', ['みる']],
    ['ねないで', ['ねる']],
    ['なきそうになった', ['なく']],
    ['かった', ['かう', 'かつ', 'かる']],
  ])('%s may be %j', (typed, forms) => {
    expect(shortForms(typed)).toEqual(forms);
  });

  it('reads none from a word one of whose readings is grammar, or a form of する or くる', () => {
    // あって is ある as often as 会う; なった is なる; いった is いう, いく or いる; したい and
    // しない are する, not 知る; きて is 来る, not 着る.
    for (const w of [
      'したい',
      'しない',
      'して',
      'あって',
      'なった',
      'いった',
      'いる',
      'なる',
      'する',
      'くる',
      'いく',
      'きて',
      'きた',
      'よって',
    ])
      expect(shortForms(w)).toEqual([]);
    // Rare verbs whose kana is mostly another word: りそう (理想) is no 利す.
    expect(candidateForms('りそう')).toContain('りす');
    expect(shortForms('りそう')).toEqual([]);
    expect(isShortForm('ミル')).toBe(true);
    expect(isShortForm('イウ')).toBe(false);
  });

  it('reads an ichidan stem of one kanji as its dictionary form, not カ変 来', () => {
    expect(dictionaryReading('見', '見る', 'ミ', true)).toBe('ミル');
    expect(dictionaryReading('寝', '寝る', 'ネ', true)).toBe('ネル');
    expect(dictionaryReading('来', '来る', 'キ')).toBeNull();
    expect(dictionaryReading('見', '見る', 'ミ')).toBeNull();
  });
});

describe('an adjective with そう by rule', () => {
  it.each([
    ['たのしそう', 'たのしい'],
    ['むずかしそうに', 'むずかしい'],
    ['つよそうだ', 'つよい'],
    ['つまらなさそう', 'つまらない'],
  ])('%s → %s', (typed, form) => {
    expect(candidateForms(typed)).toContain(form);
  });

  it('does not read かわいそう (可哀想) as かわいい', () => {
    expect(candidateForms('かわいそう')).not.toContain('かわいい');
  });
});

const fixtures = [
  prefixedInterview('v', [
    '聞き手：撮影は？',
    '田中：最後の日はみんなで泣いてしまいました。',
    '聞き手：衣装は？',
    '佐藤：慣れない靴を履いて、足が痛くなりました。',
    '聞き手：休みの日は？',
    '鈴木：一日中、寝ないで映画を見ています。',
    '聞き手：新しいことは？',
    '高橋：とりあえずやってみることにしています。',
    '聞き手：家では？',
    '伊藤：家に居ると落ち着くんです。',
    '聞き手：現場は？',
    '山本：みんな楽しそうな顔をしていました。',
    '聞き手：仕事は？',
    '中村：仕事は楽しいです。',
    '聞き手：犯人は？',
    '小林：犯人も可愛そうだなって思いました。',
    '聞き手：衣装の色は？',
    '加藤：ピンクが可愛いと思いました。',
    '聞き手：お金は？',
    '吉田：夫のお小遣いは減りました。',
  ]),
];

const { readings, index, search, ids, marked } = readingsIndex(fixtures, 20);

describe('two-kana verbs typed in kana find the verb written with its kanji', () => {
  it('ないた finds 泣いてしまいました, marked', () => {
    expect(ids('ないた')).toEqual(['v-t002']);
    expect(marked('ないた', 'v-t002')).toContain('<mark>泣いて');
  });

  it('なきそうになった finds it too', () => {
    expect(ids('なきそうになった')).toContain('v-t002');
  });

  it('ねる finds 寝ないで; みる finds 見ています', () => {
    expect(ids('ねる')).toEqual(['v-t006']);
    expect(ids('みる')).toContain('v-t006');
  });

  it('gives the kana auxiliary of やってみる no reading of 見る: 見る typed does not find it', () => {
    // (みる typed finds it as the kana it writes, as before.)
    expect(ids('見る')).toContain('v-t006');
    expect(ids('見る')).not.toContain('v-t008');
  });

  it('くつをはく finds 靴を履いて', () => {
    expect(ids('くつをはく')).toEqual(['v-t004']);
  });

  it('いる finds no 居る: grammar says it in kana', () => {
    expect(ids('いる')).not.toContain('v-t010');
  });

  it('keeps finding them through a snapshot', () => {
    const loaded = QuoteIndex.fromSnapshot(index().toSnapshot());
    expect(search('ないた', loaded).map((h) => h.quoteId)).toEqual(['v-t002']);
  });
});

describe('an adjective with そう, and お before a noun', () => {
  it('たのしそう ranks 楽しそうな before 楽しいです', () => {
    expect(ids('たのしそう').slice(0, 2)).toEqual(['v-t012', 'v-t014']);
  });

  it('かわいそう finds 可愛そう and not 可愛い', () => {
    expect(ids('かわいそう')).toEqual(['v-t016']);
  });

  it('おこづかい finds お小遣い', () => {
    expect(ids('おこづかい')).toEqual(['v-t020']);
  });
});

const livedoor = join(corporaDir, 'livedoor-interviews');
const haveCorpus = available(livedoor, 'two-kana verb queries on the livedoor interviews');

describe.runIf(haveCorpus)('two-kana verbs on the real livedoor interviews', () => {
  let real: QuoteIndex;
  const texts = new Map<string, string>();
  beforeAll(() => {
    real = new QuoteIndex({ readings: readings() });
    // 「僕の部屋で寝てくれて泣きそうになりました」 and the singer's shoes (「ペタンコの靴を履いてない」).
    for (const f of ['movie-enter/movie-enter-6013876.txt', 'peachy/peachy-4473146.txt']) {
      const interview = parseInterview(read(join(livedoor, f)));
      real.upsertInterview(interview);
      for (const t of interview.turns) texts.set(t.id, t.text);
    }
  });
  const said = (q: string) => real.search({ q, limit: 10 }).hits.map((h) => texts.get(h.quoteId) ?? '');

  it('なきそうになった finds 「泣きそうになりました」 first (it found nothing before)', () => {
    expect(said('なきそうになった')[0]).toContain('泣きそうになりました');
  });

  it('くつをはく finds the quotes saying 靴を履いて', () => {
    expect(said('くつをはく').join('\n')).toContain('ペタンコの靴を履いてない');
  });
});
