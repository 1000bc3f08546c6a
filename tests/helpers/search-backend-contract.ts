/**
 * The contract of the {@link SearchBackend} port: what the application relies on from any search
 * backend, stated without the packed engine's internals (no scores compared, no tokenisation
 * details beyond what users type). Today's engine runs it (tests/unit/search-backend.test.ts); a
 * second implementation (e.g. Amazon OpenSearch with a Japanese analyzer) passes the same suite
 * by calling {@link searchBackendContract} with its own factory.
 *
 * Writes are synchronous on the port; a backend that indexes asynchronously makes its factory's
 * `settle` wait until its writes are visible.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import type { SearchBackend } from '../../lib/search/backend.ts';
import type { SearchParams } from '../../lib/search/index.ts';

export interface BackendFactory {
  /** A new, empty backend. */
  create(): SearchBackend;
  /** The backend as a reader elsewhere opens it from its durable form (a snapshot, a cluster). */
  reopen(backend: SearchBackend): SearchBackend;
  /** Waits until writes made so far are searchable (nothing to wait for in-process). */
  settle?(backend: SearchBackend): Promise<void>;
}

/** Transcripts written for the contract (small, but in the layouts real ones use). */
const TEXTS: Record<string, string> = {
  a: [
    '---',
    'title: 陶芸家に聞く',
    'publishedAt: 2024-03-01',
    '---',
    '聞き手：陶芸を始めたきっかけは？',
    '山田花子：祖父の窯を継いだことです。コーヒーカップを焼いています。',
    '聞き手：ご家族は？',
    '山田花子：子育てと仕事の両立に悩んだ時期もありました。',
  ].join('\n'),
  b: [
    '---',
    'title: フリーランスの働き方',
    'publishedAt: 2025-06-15',
    '---',
    '聞き手：独立したのはいつですか？',
    '佐藤健：三年前にフリーランスになりました。ランサーズで最初の仕事を受けました。',
    '聞き手：大変だったことは？',
    '佐藤健：確定申告と子育ての両立です。ハリウッド映画を観る時間もありません。',
  ].join('\n'),
  c: [
    '---',
    'title: 映画と介護',
    'publishedAt: 2023-01-10',
    '---',
    '聞き手：休日の過ごし方は？',
    '鈴木一郎：映画館で映画を観ます。邦画が好きです。',
    '聞き手：最近の関心は？',
    '鈴木一郎：親の介護と仕事の両立について考えています。',
  ].join('\n'),
};

function interview(key: keyof typeof TEXTS, id: string = key): Interview {
  return parseInterview(TEXTS[key] as string, { id });
}

/** The contract, as a vitest suite. */
export function searchBackendContract(name: string, factory: BackendFactory): void {
  const settle = async (b: SearchBackend) => factory.settle?.(b);
  // The interviews as the store holds them: hits are rendered from them (backends need not keep texts).
  const docs = new Map<string, Interview>();
  const lookup = (id: string) => docs.get(id);
  const upsert = (b: SearchBackend, iv: Interview) => {
    docs.set(iv.id, iv);
    b.upsertInterview(iv);
  };
  const page = (b: SearchBackend, params: SearchParams) => b.search(params, lookup);
  const quoteIds = (b: SearchBackend, params: SearchParams) => page(b, params).hits.map((h) => h.quoteId);
  async function loaded(): Promise<{ backend: SearchBackend }> {
    const backend = factory.create();
    docs.clear();
    for (const key of ['a', 'b', 'c'] as const) upsert(backend, interview(key));
    await settle(backend);
    return { backend };
  }

  describe(`SearchBackend contract: ${name}`, () => {
    it('an empty backend answers nothing and counts nothing', () => {
      const b = factory.create();
      expect(b.stats).toEqual({ quotes: 0, interviews: 0 });
      expect(page(b, { q: '陶芸' }).total).toBe(0);
      expect(b.interviewIds()).toEqual([]);
      expect(b.tagCounts()).toEqual({});
    });

    it('finds a quote by a word of its text and renders it from the interview the plan names', async () => {
      const { backend } = await loaded();
      const plan = backend.plan({ q: '窯' });
      expect(plan.documentIds).toEqual(['a']);
      const rendered = plan.render(lookup);
      expect(rendered.total).toBe(1);
      const hit = rendered.hits[0];
      expect(hit).toMatchObject({
        quoteId: 'a-t002',
        interviewId: 'a',
        interviewTitle: '陶芸家に聞く',
        publishedAt: docs.get('a')?.publishedAt,
        speaker: { name: '山田花子', role: 'interviewee' },
        question: { quoteId: 'a-t001', text: '陶芸を始めたきっかけは？' },
      });
      expect(hit?.text).toContain('祖父の窯');
      expect(hit?.highlight).toBeDefined();
    });

    it('counts what it holds per interview and quote', async () => {
      const { backend } = await loaded();
      expect(backend.stats).toEqual({ quotes: 12, interviews: 3 });
      expect(backend.interviewIds().sort()).toEqual(['a', 'b', 'c']);
      expect(backend.interview('b')).toMatchObject({ id: 'b', title: 'フリーランスの働き方', quotes: 4 });
      expect(backend.interview('nope')).toBeUndefined();
    });

    it('a word in several interviews finds each of them; a filter on the interview keeps one', async () => {
      const { backend } = await loaded();
      expect(new Set(page(backend, { q: '両立' }).hits.map((h) => h.interviewId))).toEqual(
        new Set(['a', 'b', 'c']),
      );
      expect(quoteIds(backend, { q: '両立', interview: 'c' })).toEqual(['c-t004']);
      expect(quoteIds(backend, { q: '両立', speaker: 'interviewer' })).toEqual([]);
    });

    it('matches as users type: hiragana for katakana, half-width and full-width forms', async () => {
      const { backend } = await loaded();
      expect(quoteIds(backend, { q: 'らんさーず' })).toEqual(['b-t002']);
      expect(quoteIds(backend, { q: 'ﾗﾝｻｰｽﾞ' })).toEqual(['b-t002']);
      expect(quoteIds(backend, { q: 'こーひー' })).toEqual(['a-t002']);
    });

    it('excludes with -word, keeps an exact phrase strict, requires every word with terms=all', async () => {
      const { backend } = await loaded();
      const films = quoteIds(backend, { q: '映画' });
      expect(films).toEqual(expect.arrayContaining(['b-t004', 'c-t002']));
      expect(quoteIds(backend, { q: '映画 -ハリウッド' })).not.toContain('b-t004');
      expect(quoteIds(backend, { q: '映画 -ハリウッド' })).toContain('c-t002');
      expect(quoteIds(backend, { q: '「介護と仕事」' })).toEqual(['c-t004']);
      expect(quoteIds(backend, { q: '子育て 確定申告', terms: 'all' })).toEqual(['b-t004']);
    });

    it('replacing an interview replaces its quotes; removing it removes them', async () => {
      const { backend } = await loaded();
      upsert(backend, interview('c', 'a'));
      await settle(backend);
      expect(quoteIds(backend, { q: '窯' })).toEqual([]);
      expect(quoteIds(backend, { q: '邦画' })).toEqual(expect.arrayContaining(['a-t002', 'c-t002']));
      expect(backend.interview('a')?.title).toBe('映画と介護');
      expect(backend.stats).toEqual({ quotes: 12, interviews: 3 });
      expect(backend.removeInterview('a')).toBe(true);
      expect(backend.removeInterview('a')).toBe(false);
      await settle(backend);
      expect(quoteIds(backend, { q: '邦画' })).toEqual(['c-t002']);
      expect(backend.stats).toEqual({ quotes: 8, interviews: 2 });
    });

    it('tags: set per quote, filtered on (all or any), counted in facets and overall', async () => {
      const { backend } = await loaded();
      expect(backend.setQuoteTags('a-t004', ['family', 'work'])).toBe(true);
      expect(backend.setQuoteTags('b-t004', ['family'])).toBe(true);
      expect(backend.setQuoteTags('zz-t001', ['family'])).toBe(false);
      await settle(backend);
      expect(backend.tagCounts()).toEqual({ family: 2, work: 1 });
      expect(quoteIds(backend, { tags: ['family', 'work'] })).toEqual(['a-t004']);
      expect(new Set(quoteIds(backend, { tags: ['family', 'work'], match: 'any' }))).toEqual(
        new Set(['a-t004', 'b-t004']),
      );
      expect(page(backend, { q: '両立' }).facets.tags).toEqual({ family: 2, work: 1 });
      const family = page(backend, { q: '両立', tags: ['family'] }).hits;
      expect(family.length).toBe(2);
      expect(family.every((h) => h.tags.includes('family'))).toBe(true);
      // Re-tagging replaces; the interview's upsert brings its own tags.
      backend.setQuoteTags('a-t004', []);
      await settle(backend);
      expect(backend.tagCounts()).toEqual({ family: 1 });
    });

    it('filters by publication date', async () => {
      const { backend } = await loaded();
      const ids = (params: SearchParams) => new Set(page(backend, params).hits.map((h) => h.interviewId));
      expect(ids({ q: '両立', from: '2024-01-01' })).toEqual(new Set(['a', 'b']));
      expect(ids({ q: '両立', to: '2023-12-31' })).toEqual(new Set(['c']));
    });

    it('pages with a cursor: disjoint pages that together make the total', async () => {
      const { backend } = await loaded();
      const all = page(backend, { limit: 100 });
      expect(all.total).toBe(12);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const next = page(backend, { limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...next.hits.map((h) => h.quoteId));
        if (!next.nextCursor) break;
        cursor = next.nextCursor;
      }
      expect(seen).toHaveLength(12);
      expect(new Set(seen)).toEqual(new Set(all.hits.map((h) => h.quoteId)));
    });

    it('suggests words as written that complete the last word', async () => {
      const { backend } = await loaded();
      const texts = backend.suggest('フリー').map((s) => s.text);
      expect(texts).toContain('フリーランス');
      expect(backend.suggest('フリー').find((s) => s.text === 'フリーランス')?.quotes).toBe(1);
    });

    it('a reopened backend (its durable form) answers exactly as the one that wrote it', async () => {
      const { backend } = await loaded();
      backend.setQuoteTags('c-t004', ['care']);
      backend.removeInterview('b');
      await settle(backend);
      const queries: SearchParams[] = [
        { q: '両立' },
        { q: '映画' },
        { tags: ['care'] },
        { q: 'こーひー' },
        {},
      ];
      const answers = (b: SearchBackend) =>
        queries.map((q) => {
          const p = page(b, q);
          return [p.total, p.hits.map((h) => [h.quoteId, h.tags]), p.facets.tags];
        });
      const before = answers(backend);
      const snapshot = backend.toSnapshot();
      expect(snapshot.length).toBeGreaterThan(0);
      const reopened = factory.reopen(backend);
      await settle(reopened);
      expect(answers(reopened)).toEqual(before);
      expect(reopened.stats).toEqual(backend.stats);
      expect(reopened.interview('c')?.fingerprint).toBe(backend.interview('c')?.fingerprint);
    });
  });
}
