import { describe, expect, it } from 'vitest';
import { SnapshotVersionError, ValidationError } from '../../lib/errors.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { escapeHtml } from '../../lib/search/highlight.ts';
import { INDEX_SCHEMA_VERSION, QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import { ANALYZER_VERSION } from '../../lib/text/analyze.ts';
import { sampleIndex, sampleInterviews } from '../helpers/samples.ts';

const interviews = sampleInterviews();
const index = sampleIndex(interviews);
const dict = new VariantDictionary();
const variants = (f: string) => dict.variantsOf(f);

function texts(q: string, extra: Record<string, unknown> = {}): string[] {
  return index.search({ q, limit: 100, ...extra }).hits.map((h) => h.text);
}

describe('QuoteIndex search', () => {
  it('finds exact utterances for a Japanese keyword and marks the match', () => {
    const page = index.search({ q: '介護', limit: 5 });
    expect(page.total).toBeGreaterThan(5);
    for (const hit of page.hits) {
      expect(hit.text).toContain('介護');
      expect(hit.highlight.html).toContain('<mark>介護</mark>');
      const r = hit.highlight.textRanges[0];
      expect(hit.text.slice(r?.start, r?.end)).toBe('介護');
    }
  });

  it('finds a katakana word from a partial word, hiragana, or half-width input', () => {
    for (const q of ['クラウドワークス', 'ワークス', 'くらうどわーくす', 'ｸﾗｳﾄﾞﾜｰｸｽ']) {
      const hits = texts(q);
      expect(hits.length, q).toBeGreaterThan(0);
      expect(
        hits.some((t) => t.includes('ｸﾗｳﾄﾞﾜｰｸｽ') || t.includes('クラウドワークス')),
        q,
      ).toBe(true);
    }
  });

  it('matches full-width Latin, is case-insensitive and tolerates a typo', () => {
    expect(texts('zoom').some((t) => t.includes('Ｚｏｏｍ'))).toBe(true);
    expect(texts('ＺＯＯＭ').length).toBe(texts('zoom').length);
    const typo = texts('Upwrok');
    expect(typo.some((t) => /upwork/i.test(t))).toBe(true);
  });

  it('requires every word of two typed words, and a share of three or more', () => {
    const both = index.search({ q: '介護 資格' });
    expect(both.matched).toBe('all');
    for (const h of both.hits)
      expect(h.text.includes('介護') || h.question?.text.includes('介護')).toBe(true);
    // 量子コンピュータ is two segments, still one typed word: no quote says it, so no quote has
    // both words and the search relaxes to either word, each whole: 介護 quotes, never a quote
    // that has 量子 or コンピュータ alone.
    const split = index.search({ q: '介護 量子コンピュータ' });
    expect(split.matched).toBe('any');
    expect(split.total).toBeGreaterThan(0);
    for (const h of split.hits)
      expect(h.text.includes('介護') || h.question?.text.includes('介護')).toBe(true);
    const either = index.search({ q: '介護 量子 コンピュータ' });
    expect(either.matched).toBe('any');
    expect(either.total).toBeGreaterThan(0);
  });

  it('expands spelling variants: 複業 finds 副業', () => {
    expect(texts('複業').some((t) => t.includes('副業') && !t.includes('複業'))).toBe(true);
  });

  it('honours exact phrases', () => {
    const phrase = texts('「時間配分」');
    expect(phrase.length).toBeGreaterThan(0);
    for (const t of phrase) expect(t).toContain('時間配分');
    expect(texts('「配分時間」')).toEqual([]);
  });

  it('completes the last term as a prefix', () => {
    expect(texts('ポートフォ').some((t) => t.includes('ポートフォリオ'))).toBe(true);
  });

  it('returns the question each answer responds to and its speaker and section', () => {
    const hit = index.search({ q: '介護 資格', speaker: 'interviewee' }).hits[0];
    expect(hit?.speaker.role).toBe('interviewee');
    expect(hit?.question?.text.length).toBeGreaterThan(0);
    expect(hit?.interviewTitle.length).toBeGreaterThan(0);
  });

  it('filters by tag (all/any), speaker, interview and interviewee, and counts facets on the filtered set', () => {
    const tagged = index.search({ q: '', tags: ['crowdsourcing'], limit: 100 });
    expect(tagged.matched).toBe('filter');
    expect(tagged.total).toBeGreaterThan(0);
    for (const h of tagged.hits) expect(h.tags).toContain('crowdsourcing');
    expect(tagged.facets.tags.crowdsourcing).toBe(tagged.total);
    const both = index.search({ q: '', tags: ['crowdsourcing', 'money-income'], match: 'all', limit: 100 });
    const any = index.search({ q: '', tags: ['crowdsourcing', 'money-income'], match: 'any', limit: 100 });
    expect(both.total).toBeLessThan(any.total);
    const yuki = interviews.find((iv) => iv.id === '04-dash-yuki');
    const person = yuki?.interviewees[0]?.id ?? '';
    const byPerson = index.search({ q: '介護', interviewee: person, speaker: 'interviewee', limit: 100 });
    expect(byPerson.total).toBeGreaterThan(0);
    for (const h of byPerson.hits) {
      expect(h.interviewId).toBe('04-dash-yuki');
      expect(h.speaker.role).toBe('interviewee');
    }
    expect(byPerson.facets.interviewees[person]).toBe(byPerson.total);
    expect(
      index
        .search({ q: '介護', interview: '03-blog-kenji', limit: 100 })
        .hits.every((h) => h.interviewId === '03-blog-kenji'),
    ).toBe(true);
  });

  it('filters by date range', () => {
    const all = index.search({ q: '', tags: [], interview: '04-dash-yuki' }).total;
    expect(
      index.search({ q: '', interview: '04-dash-yuki', from: '2025-03-01', to: '2025-03-31' }).total,
    ).toBe(all);
    expect(index.search({ q: '', interview: '04-dash-yuki', from: '2025-04-01' }).total).toBe(0);
    // One day is a range (from and to the same date); from after to is an error, not an empty page.
    expect(
      index.search({ q: '', interview: '04-dash-yuki', from: '2025-03-14', to: '2025-03-14' }).total,
    ).toBe(all);
    expect(() => index.search({ q: '仕事', from: '2025-12-31', to: '2025-01-01' })).toThrow(
      /from .* is after to/,
    );
    expect(() =>
      index.search({ q: '仕事', from: '2025-03-14T10:00:00+09:00', to: '2025-03-14T09:00:00+09:00' }),
    ).toThrow(ValidationError);
  });

  it('pages with a cursor without repeating or skipping hits', () => {
    const all = index.search({ q: '仕事', limit: 100 }).hits.map((h) => h.quoteId);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = index.search({ q: '仕事', limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.hits.map((h) => h.quoteId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.slice(0, seen.length));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects a cursor from another query and invalid parameters', () => {
    const page = index.search({ q: '仕事', limit: 2 });
    expect(() => index.search({ q: '介護', cursor: page.nextCursor ?? '' })).toThrow(ValidationError);
    expect(() => index.search({ q: 'x', limit: 0 })).toThrow(ValidationError);
    expect(() => index.search({ q: 'x'.repeat(501) })).toThrow(ValidationError);
    expect(() => index.search({ q: 'x', speaker: 'boss' as never })).toThrow(ValidationError);
  });

  it('suggests words as they are written in the quotes', () => {
    const s = index.suggest('ポート');
    expect(s[0]?.text).toBe('ポートフォリオ');
    expect(index.suggest('')).toEqual([]);
  });

  it('escapes HTML in snippets', () => {
    const iv = parseInterview('聞き手：<script>alert(1)</script>の話は？\n山田：<b>介護</b>の話です。', {
      id: 'xss',
    });
    const idx = new QuoteIndex();
    idx.upsertInterview(iv);
    const hit = idx.search({ q: '介護' }).hits[0];
    expect(hit?.highlight.html).toBe('&#60;b&#62;<mark>介護</mark>&#60;/b&#62;の話です。');
    expect(escapeHtml('"\'&')).toBe('&#34;&#39;&#38;');
  });
});

describe('one-character kana queries', () => {
  const ids = (q: string, extra: { interview?: string } = {}) =>
    index.search({ q, limit: 100, ...extra }).hits.map((h) => h.quoteId);

  it('finds with a katakana letter, full or half width, what its hiragana finds', () => {
    const hiragana = ids('あ');
    expect(hiragana.length).toBeGreaterThan(0);
    expect(ids('ア')).toEqual(hiragana);
    expect(ids('ｱ')).toEqual(hiragana);
    expect(ids('イ')).toEqual(ids('い'));
    expect(ids('ア', { interview: '04-dash-yuki' })).toEqual(ids('あ', { interview: '04-dash-yuki' }));
  });

  it('finds nothing for a long-vowel mark alone, with or without a filter', () => {
    for (const q of ['ー', 'ｰ', 'ーー']) {
      expect(index.search({ q }).total, q).toBe(0);
      expect(index.search({ q, interview: '04-dash-yuki' }).total, q).toBe(0);
    }
    // The filter alone lists the interview's quotes: the mark is what empties the result.
    expect(index.search({ q: '', interview: '04-dash-yuki' }).total).toBeGreaterThan(0);
  });
});

describe('QuoteIndex updates and snapshots', () => {
  it('replaces and removes one interview incrementally', () => {
    const idx = new QuoteIndex();
    const v1 = parseInterview('聞き手：質問？\n山田：最初の答えはランサーズです。', { id: 'iv1' });
    const v2 = parseInterview('聞き手：質問？\n山田：新しい答えはココナラです。', { id: 'iv1' });
    idx.upsertInterview(v1);
    expect(idx.search({ q: 'ランサーズ' }).total).toBe(1);
    idx.upsertInterview(v2);
    expect(idx.search({ q: 'ランサーズ' }).total).toBe(0);
    expect(idx.search({ q: 'ココナラ' }).total).toBe(1);
    expect(idx.stats).toEqual({ quotes: 2, interviews: 1 });
    expect(idx.removeInterview('iv1')).toBe(true);
    expect(idx.stats.quotes).toBe(0);
    expect(idx.search({ q: 'ココナラ' }).total).toBe(0);
  });

  it('edits one quote’s tags', () => {
    const idx = new QuoteIndex();
    idx.upsertInterview(parseInterview('聞き手：質問？\n山田：答えです。', { id: 'iv1' }));
    expect(idx.setQuoteTags('iv1-t002', ['manual-tag'])).toBe(true);
    expect(idx.search({ q: '', tags: ['manual-tag'] }).hits.map((h) => h.quoteId)).toEqual(['iv1-t002']);
    expect(idx.setQuoteTags('nope', ['x'])).toBe(false);
  });

  it('counts a tag named like an Object property (constructor, toString) as any other', () => {
    const idx = new QuoteIndex();
    idx.upsertInterview(parseInterview('聞き手：質問？\n山田：答えです。', { id: 'iv1' }));
    expect(idx.setQuoteTags('iv1-t002', ['constructor', 'tostring'])).toBe(true);
    expect(idx.tagCounts()).toEqual({ constructor: 1, tostring: 1 });
    const page = idx.search({ q: '答え' });
    expect(page.facets.tags).toEqual({ constructor: 1, tostring: 1 });
    expect(JSON.parse(JSON.stringify(page.facets.tags))).toEqual({ constructor: 1, tostring: 1 });
  });

  it('round-trips through a snapshot with identical results', () => {
    const loaded = QuoteIndex.fromSnapshot(index.toSnapshot(), { variants });
    const docs = (id: string) => interviews.find((iv) => iv.id === id);
    for (const q of ['介護', 'ワークス', '「時間配分」', 'zoom', '介護 資格', '', 'ポート']) {
      const a = loaded.search({ q, limit: 20 }, docs);
      const b = index.search({ q, limit: 20 });
      expect(a.hits.map((h) => [h.quoteId, h.score, h.highlight.html])).toEqual(
        b.hits.map((h) => [h.quoteId, h.score, h.highlight.html]),
      );
      expect(a.total).toBe(b.total);
    }
    expect(loaded.stats).toEqual(index.stats);
    expect(loaded.tagCounts()).toEqual(index.tagCounts());
    expect(loaded.suggest('ポート')).toEqual(index.suggest('ポート'));
  });

  it('renders hits only from the documents it is given once loaded from a snapshot', () => {
    const loaded = QuoteIndex.fromSnapshot(index.toSnapshot(), { variants });
    const page = loaded.search({ q: '介護', limit: 5 });
    expect(page.total).toBeGreaterThan(0);
    expect(page.hits).toEqual([]);
    const needed = loaded.plan({ q: '介護', limit: 5 }).documentIds;
    expect(needed.length).toBeGreaterThan(0);
    const docs = new Map(interviews.filter((iv) => needed.includes(iv.id)).map((iv) => [iv.id, iv]));
    expect(loaded.search({ q: '介護', limit: 5 }, (id) => docs.get(id)).hits).toHaveLength(5);
  });

  it('keeps results after writes on top of a loaded snapshot, and again after folding them in', () => {
    const loaded = QuoteIndex.fromSnapshot(index.toSnapshot(), { retain: true, variants });
    const extra = parseInterview(
      '聞き手：副業の始め方は？\n山田：クラウドソーシングで介護記録の仕事を受けました。',
      {
        id: 'extra-1',
      },
    );
    loaded.upsertInterview(extra);
    const first = sampleInterviews()[0];
    if (!first) throw new Error('no samples');
    loaded.removeInterview(first.id);
    const docs = (id: string) => (id === 'extra-1' ? extra : interviews.find((iv) => iv.id === id));
    const before = loaded.search({ q: '介護記録', limit: 50 }, docs);
    expect(before.hits.map((h) => h.quoteId)).toContain('extra-1-t002');
    expect(before.hits.some((h) => h.interviewId === first.id)).toBe(false);
    const again = QuoteIndex.fromSnapshot(loaded.toSnapshot(), { variants });
    const after = again.search({ q: '介護記録', limit: 50 }, docs);
    expect(after.hits.map((h) => h.quoteId)).toEqual(before.hits.map((h) => h.quoteId));
    expect(again.stats).toEqual(loaded.stats);
  });

  it('renders a plan as it was made, even when writes and a fold happen before rendering', () => {
    const idx = new QuoteIndex();
    idx.upsertInterview(parseInterview('聞き手：趣味は？\n山田：陶芸を続けています。', { id: 'p1' }));
    idx.upsertInterview(parseInterview('聞き手：休日は？\n佐藤：陶芸と登山です。', { id: 'p2' }));
    const plan = idx.plan({ q: '陶芸' });
    const before = plan.render().hits.map((h) => h.quoteId);
    expect(before.sort()).toEqual(['p1-t002', 'p2-t002']);
    idx.removeInterview('p1');
    idx.upsertInterview(parseInterview('聞き手：最近は？\n田中：陶芸教室です。', { id: 'p0' }));
    idx.toSnapshot(); // folds: doc numbers change
    const docs = new Map([
      ['p1', parseInterview('聞き手：趣味は？\n山田：陶芸を続けています。', { id: 'p1' })],
      ['p2', parseInterview('聞き手：休日は？\n佐藤：陶芸と登山です。', { id: 'p2' })],
    ]);
    expect(plan.documentIds.slice().sort()).toEqual(['p1', 'p2']);
    expect(
      plan
        .render((id) => docs.get(id))
        .hits.map((h) => h.quoteId)
        .sort(),
    ).toEqual(before);
    expect(
      idx
        .search({ q: '陶芸' })
        .hits.map((h) => h.quoteId)
        .sort(),
    ).toEqual(['p0-t002', 'p2-t002']);
  });

  it('checks a phrase against a bounded number of candidates and says when the total is an estimate', () => {
    const idx = new QuoteIndex();
    // 60 interviews: all contain 陶芸 and 教室, only every tenth the phrase 陶芸の教室.
    for (let i = 0; i < 60; i++) {
      const answer = i % 10 === 0 ? '週末は陶芸の教室に通っています。' : '教室の帰りに陶芸の本を読みます。';
      idx.upsertInterview(parseInterview(`聞き手：趣味は？\n山田：${answer}`, { id: `ph${i}` }));
    }
    const params = { q: '「陶芸の教室」', limit: 2 };
    expect(idx.plan(params).documentIds.length).toBe(30);
    const page = idx.search(params);
    expect(page.totalIsEstimate).toBe(true);
    expect(page.total).toBeLessThanOrEqual(60);
    expect(page.hits.every((h) => h.text.includes('陶芸の教室'))).toBe(true);
    const few = idx.search({ q: '「陶芸の教室」 週末', limit: 10 });
    expect(few).toMatchObject({ total: 6, totalIsEstimate: false });
  });

  it('keeps quotes lacking a kanji phrase out by the bigrams across its words', () => {
    const idx = new QuoteIndex();
    for (let i = 0; i < 60; i++) {
      const answer = i % 10 === 0 ? '週末は陶芸教室に通っています。' : '教室の帰りに陶芸の本を読みます。';
      idx.upsertInterview(parseInterview(`聞き手：趣味は？\n山田：${answer}`, { id: `ph${i}` }));
    }
    const page = idx.search({ q: '「陶芸教室」', limit: 10 });
    expect(page).toMatchObject({ total: 6, totalIsEstimate: false });
    expect(page.hits.every((h) => h.text.includes('陶芸教室'))).toBe(true);
  });

  it('fails loudly on an unknown snapshot version', () => {
    const snap = index.toSnapshot();
    const patched = (from: string, to: string) => {
      const text = Buffer.from(snap).toString('latin1');
      expect(text).toContain(from);
      return new Uint8Array(Buffer.from(text.replace(from, to), 'latin1'));
    };
    expect(() =>
      QuoteIndex.fromSnapshot(patched(`"schemaVersion":${INDEX_SCHEMA_VERSION}`, '"schemaVersion":9')),
    ).toThrow(SnapshotVersionError);
    expect(() =>
      QuoteIndex.fromSnapshot(
        patched(`"analyzer":{"version":${ANALYZER_VERSION}`, '"analyzer":{"version":0'),
      ),
    ).toThrow(SnapshotVersionError);
    expect(() => QuoteIndex.fromSnapshot(null)).toThrow(SnapshotVersionError);
    expect(() => QuoteIndex.fromSnapshot(new Uint8Array([1, 2, 3]))).toThrow(SnapshotVersionError);
  });
});

describe('compileQuery', () => {
  it('extracts phrases and marks empty queries', () => {
    expect(compileQuery('「時間配分」 介護').phrases).toEqual(['時間配分']);
    expect(compileQuery('   ').empty).toBe(true);
    expect(compileQuery('、。！').empty).toBe(true);
  });

  it('reads する after を as the tail of the noun before it, not as words of its own', () => {
    // した, しま and てい were needles of their own: every quote saying them scored and was marked.
    // 役作り itself is a needle too: a compound, marked whole (tests/unit/search-compounds.test.ts).
    expect(compileQuery('役作りをしましたか').needles).toEqual(['役', '作リ', '役作リ']);
    expect(compileQuery('仕事をしています').needles).toEqual(['仕事']);
    expect(compileQuery('仕事をしています').words).toBe(1);
  });

  it('drops a spelling variant that folds to the word itself, keeps the others', () => {
    // ユーザー is a listed variant of ユーザ and folds to it: as an alternative it never wins and
    // reads the same postings again.
    const terms = (q: string) => {
      const out: string[] = [];
      const walk = (n: unknown): void => {
        const node = n as {
          kind: string;
          term?: string;
          weight?: number;
          children?: unknown[];
          child?: unknown;
          slots?: Array<{ node: unknown }>;
        };
        if (node.kind === 'term') out.push(`${node.term}@${node.weight}`);
        for (const c of node.children ?? []) walk(c);
        if (node.child) walk(node.child);
        for (const s of node.slots ?? []) walk(s.node);
      };
      walk(compileQuery(q, 'hybrid', variants).query);
      return out;
    };
    expect(variants('ユーザ')).toContain('ユーザー');
    expect(terms('ユーザ')).toEqual(['ユーザ@1']);
    expect(terms('複業')).toContain('副業@0.8');
  });
});
