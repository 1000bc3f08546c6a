import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import {
  defaultSynonyms,
  defaultTaxonomy,
  TaxonomySchema,
  VariantDictionary,
} from '../../lib/taxonomy/index.ts';

const tagger = new TopicTagger();

describe('taxonomy', () => {
  it('ships at least 10 topics including the three the product names', () => {
    const ids = defaultTaxonomy.topics.map((t) => t.id);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect(ids).toEqual(expect.arrayContaining(['work-balance', 'crowdsourcing', 'future-demand']));
    for (const t of defaultTaxonomy.topics) {
      expect(t.label).toBeTruthy();
      expect(t.labelEn).toBeTruthy();
      expect(t.evidence.length).toBeGreaterThan(5);
    }
  });

  it('rejects a taxonomy with duplicate ids', () => {
    const t = defaultTaxonomy.topics[0];
    expect(TaxonomySchema.safeParse({ version: 1, topics: [t, t] }).success).toBe(false);
  });

  it('looks up spelling variants by folded form', () => {
    const dict = new VariantDictionary(defaultSynonyms);
    expect(dict.variantsOf('複業')).toContain('副業');
    expect(dict.variantsOf('zoom')).toContain('ズーム');
    expect(dict.variantsOf('存在しない語')).toEqual([]);
  });
});

describe('TopicTagger', () => {
  it('tags a quote and explains with the matched terms', () => {
    const [top] = tagger.scoreText(
      '私は「ランサーズ」というクラウドソーシングサービスをメインで使っています。',
    );
    expect(top?.topic).toBe('crowdsourcing');
    expect(top?.terms).toEqual(expect.arrayContaining(['クラウドソーシング', 'ランサーズ']));
  });

  it('assigns work-balance and future-demand from their keywords', () => {
    expect(
      tagger.scoreText('私がしっかり時間配分を決めて、家事との両立を意識しています。').map((m) => m.topic),
    ).toContain('work-balance');
    expect(tagger.scoreText('IT・医療関係の需要はまだまだ増えると思います。').map((m) => m.topic)).toContain(
      'future-demand',
    );
  });

  it('matches spelling variants through the dictionary', () => {
    const viaVariant = tagger.scoreText('会社が複業を解禁して、就業規則も変わりました。');
    expect(viaVariant.map((m) => m.topic)).toContain('side-job-policy');
  });

  it('does not tag small talk', () => {
    expect(tagger.scoreText('なるほど(汗)')).toEqual([]);
    expect(tagger.scoreText('ありがとうございました！')).toEqual([]);
  });

  it('matches Latin keywords only at word boundaries', () => {
    expect(tagger.scoreText('This is an ITEM list about kitchens.').some((m) => m.terms.includes('IT'))).toBe(
      false,
    );
  });

  it('aggregates an interviewee’s topics with counts and the best evidence quote', () => {
    const iv = parseInterview(
      [
        '聞き手：お仕事はどうやって探していますか？',
        '山田：クラウドソーシングのランサーズで受注しています。',
        '聞き手：ほかには？',
        '山田：クラウドワークスでも案件を探して発注者に提案します。',
        '聞き手：家庭とは？',
        '山田：家事と仕事の両立が課題です。',
      ].join('\n'),
      { id: 'yamada' },
    );
    const tags = tagger.tagInterview(iv);
    const person = iv.interviewees[0]?.id ?? '';
    const topics = tags.interviewees.get(person) ?? [];
    expect(topics[0]).toMatchObject({ topic: 'crowdsourcing', quotes: 2 });
    expect(['yamada-t002', 'yamada-t004']).toContain(topics[0]?.evidence);
    expect(topics.map((t) => t.topic)).toContain('work-balance');
    expect(tags.quotes.get('yamada-t001')).toBeDefined();
  });
});
