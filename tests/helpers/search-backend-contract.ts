/**
 * The contract of the search ports (lib/search/backend.ts): what the use cases rely on from any
 * search backend — stated without an engine's internals: no scores, no order between two quotes
 * that both match (ranking is each backend's own; QuoteIndex's is tested on it alone), no
 * tokenisation beyond what users type. Required of every backend:
 * - a word or an exact phrase finds the quotes whose text has it, rendered from the interviews the
 *   plan names; -word excludes; terms=all requires every word; kana and width as users type them;
 * - filters by tag (all/any), person (id or name), interview, role and date, with tag facets;
 * - upsert/remove of an interview and a quote's tags visible to the next search, counted in
 *   stats and tag counts; cursors that page without overlap; completions of the last word;
 * - the people directory: people by name, interviewees, where each speaks, people per tag;
 * - a reopened backend (its durable form) answers as the one that wrote it.
 * Today's engine runs it (tests/unit/search-backend.test.ts), and so does a reference backend on
 * MiniSearch (tests/helpers/minisearch-backend.ts): a cluster backend (Amazon OpenSearch with a
 * Japanese analyzer, docs/scaling.md) passes the same suite by calling
 * {@link searchBackendContract} with its own factory.
 *
 * Every call is awaited: the ports allow a backend to answer later (a remote engine).
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
  reopen(backend: SearchBackend): SearchBackend | Promise<SearchBackend>;
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

/** A call's failure as a rejection, whether the backend throws (in memory) or rejects (remote). */
const attempt = <T>(call: () => T | Promise<T>): Promise<T> => Promise.resolve().then(call);

/** The person id of a transcript's first interviewee (ids are derived by the parser). */
function personOf(key: keyof typeof TEXTS): string {
  const id = interview(key).interviewees[0]?.id;
  if (!id) throw new Error(`transcript ${key} has no interviewee`);
  return id;
}

/** The contract, as a vitest suite. */
export function searchBackendContract(name: string, factory: BackendFactory): void {
  const settle = async (b: SearchBackend) => factory.settle?.(b);
  // The interviews as the store holds them: hits are rendered from them (backends need not keep texts).
  const docs = new Map<string, Interview>();
  const lookup = (id: string) => docs.get(id);
  const upsert = async (b: SearchBackend, iv: Interview) => {
    docs.set(iv.id, iv);
    await b.upsertInterview(iv);
  };
  const page = async (b: SearchBackend, params: SearchParams) => (await b.plan(params)).render(lookup);
  const quoteIds = async (b: SearchBackend, params: SearchParams) =>
    (await page(b, params)).hits.map((h) => h.quoteId);
  const interviewsOf = async (b: SearchBackend, params: SearchParams) =>
    new Set((await page(b, params)).hits.map((h) => h.interviewId));
  async function loaded(): Promise<{ backend: SearchBackend }> {
    const backend = factory.create();
    docs.clear();
    for (const key of ['a', 'b', 'c'] as const) await upsert(backend, interview(key));
    await settle(backend);
    return { backend };
  }

  describe(`SearchBackend contract: ${name}`, () => {
    it('an empty backend answers nothing and counts nothing', async () => {
      const b = factory.create();
      expect(b.stats).toEqual({ quotes: 0, interviews: 0 });
      expect((await page(b, { q: '陶芸' })).total).toBe(0);
      expect(await b.interviewIds()).toEqual([]);
      expect({ ...(await b.tagCounts()) }).toEqual({});
      expect(await b.intervieweeIds()).toEqual([]);
    });

    it('finds a quote by a word of its text and renders it from the interview the plan names', async () => {
      const { backend } = await loaded();
      const plan = await backend.plan({ q: '窯' });
      expect(plan.documentIds).toEqual(['a']);
      const rendered = plan.render(lookup);
      expect(rendered.total).toBe(1);
      expect(rendered.matched).toBe('all');
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
      expect(hit?.highlight.html).toContain('<mark>窯</mark>');
      // Rendered from the lookup: an interview the caller could not fetch shows no hit.
      expect(plan.render(() => undefined).hits).toEqual([]);
    });

    it('counts what it holds per interview and quote', async () => {
      const { backend } = await loaded();
      expect(backend.stats).toEqual({ quotes: 12, interviews: 3 });
      expect((await backend.interviewIds()).sort()).toEqual(['a', 'b', 'c']);
      expect(await backend.interview('b')).toMatchObject({
        id: 'b',
        title: 'フリーランスの働き方',
        quotes: 4,
      });
      expect(await backend.interview('nope')).toBeUndefined();
    });

    it('a word in several interviews finds each of them; filters on interview and role keep theirs', async () => {
      const { backend } = await loaded();
      expect(await interviewsOf(backend, { q: '両立' })).toEqual(new Set(['a', 'b', 'c']));
      expect(await quoteIds(backend, { q: '両立', interview: 'c' })).toEqual(['c-t004']);
      expect(await quoteIds(backend, { q: '両立', speaker: 'interviewer' })).toEqual([]);
      const asked = await page(backend, { speaker: 'interviewer', interview: 'b', limit: 100 });
      expect(asked.hits.map((h) => h.quoteId).sort()).toEqual(['b-t001', 'b-t003']);
      expect({ ...asked.facets.roles }).toEqual({ interviewer: 2 });
    });

    it('filters by person, by id or by name, and says whom a name stood for', async () => {
      const { backend } = await loaded();
      const sato = personOf('b');
      expect((await quoteIds(backend, { q: '両立', interviewee: sato })).sort()).toEqual(['b-t004']);
      const byName = await page(backend, { interviewee: '佐藤健', limit: 100 });
      expect(byName.hits.map((h) => h.quoteId).sort()).toEqual(['b-t002', 'b-t004']);
      expect(byName.people?.佐藤健?.map((p) => p.id)).toEqual([sato]);
      expect({ ...byName.facets.interviewees }).toEqual({ [sato]: 2 });
      expect(byName.facets.intervieweeNames[sato]).toBe('佐藤健');
      await expect(attempt(() => backend.plan({ interviewee: '誰でもない人' }))).rejects.toThrow(
        /neither a person id/,
      );
    });

    it('matches as users type: hiragana for katakana, half-width and full-width forms', async () => {
      const { backend } = await loaded();
      expect(await quoteIds(backend, { q: 'らんさーず' })).toEqual(['b-t002']);
      expect(await quoteIds(backend, { q: 'ﾗﾝｻｰｽﾞ' })).toEqual(['b-t002']);
      expect(await quoteIds(backend, { q: 'こーひー' })).toEqual(['a-t002']);
    });

    it('excludes with -word, keeps an exact phrase strict, requires every word with terms=all', async () => {
      const { backend } = await loaded();
      const films = await quoteIds(backend, { q: '映画' });
      expect(films).toEqual(expect.arrayContaining(['b-t004', 'c-t002']));
      expect(await quoteIds(backend, { q: '映画 -ハリウッド' })).not.toContain('b-t004');
      expect(await quoteIds(backend, { q: '映画 -ハリウッド' })).toContain('c-t002');
      expect(await quoteIds(backend, { q: '「介護と仕事」' })).toEqual(['c-t004']);
      // A phrase is the characters in that order: its words apart do not match it.
      expect(await quoteIds(backend, { q: '「仕事と介護」' })).toEqual([]);
      expect(await quoteIds(backend, { q: '子育て 確定申告', terms: 'all' })).toEqual(['b-t004']);
    });

    it('replacing an interview replaces its quotes; removing it removes them', async () => {
      const { backend } = await loaded();
      await upsert(backend, interview('c', 'a'));
      await settle(backend);
      expect(await quoteIds(backend, { q: '窯' })).toEqual([]);
      expect(await quoteIds(backend, { q: '邦画' })).toEqual(expect.arrayContaining(['a-t002', 'c-t002']));
      expect((await backend.interview('a'))?.title).toBe('映画と介護');
      expect(backend.stats).toEqual({ quotes: 12, interviews: 3 });
      expect(await backend.removeInterview('a')).toBe(true);
      expect(await backend.removeInterview('a')).toBe(false);
      await settle(backend);
      expect(await quoteIds(backend, { q: '邦画' })).toEqual(['c-t002']);
      expect(backend.stats).toEqual({ quotes: 8, interviews: 2 });
      expect((await backend.interviewIds()).sort()).toEqual(['b', 'c']);
    });

    it('tags: set per quote, filtered on (all or any), counted in facets and overall', async () => {
      const { backend } = await loaded();
      expect(await backend.setQuoteTags('a-t004', ['family', 'work'])).toBe(true);
      expect(await backend.setQuoteTags('b-t004', ['family'])).toBe(true);
      expect(await backend.setQuoteTags('zz-t001', ['family'])).toBe(false);
      await settle(backend);
      expect({ ...(await backend.tagCounts()) }).toEqual({ family: 2, work: 1 });
      expect(await quoteIds(backend, { tags: ['family', 'work'] })).toEqual(['a-t004']);
      expect(new Set(await quoteIds(backend, { tags: ['family', 'work'], match: 'any' }))).toEqual(
        new Set(['a-t004', 'b-t004']),
      );
      expect({ ...(await page(backend, { q: '両立' })).facets.tags }).toEqual({ family: 2, work: 1 });
      const family = (await page(backend, { q: '両立', tags: ['family'] })).hits;
      expect(family.length).toBe(2);
      expect(family.every((h) => h.tags.includes('family'))).toBe(true);
      // A tag nobody has: no quote, not an error.
      expect(await quoteIds(backend, { tags: ['nobody'] })).toEqual([]);
      // Re-tagging replaces.
      await backend.setQuoteTags('a-t004', []);
      await settle(backend);
      expect({ ...(await backend.tagCounts()) }).toEqual({ family: 1 });
      // An upsert brings the interview's own tags.
      docs.set('c', interview('c'));
      await backend.upsertInterview(interview('c'), new Map([['c-t004', ['care']]]));
      await settle(backend);
      expect({ ...(await backend.tagCounts()) }).toEqual({ family: 1, care: 1 });
    });

    it('filters by publication date', async () => {
      const { backend } = await loaded();
      expect(await interviewsOf(backend, { q: '両立', from: '2024-01-01' })).toEqual(new Set(['a', 'b']));
      expect(await interviewsOf(backend, { q: '両立', to: '2023-12-31' })).toEqual(new Set(['c']));
      const years = (await page(backend, { q: '両立' })).facets.years;
      expect({ ...years }).toEqual({ '2023': 1, '2024': 1, '2025': 1 });
      await expect(attempt(() => backend.plan({ from: '2025-01-01', to: '2024-01-01' }))).rejects.toThrow(
        /swap/,
      );
    });

    it('pages with a cursor: disjoint pages that together make the total; cursorAt starts at an offset', async () => {
      const { backend } = await loaded();
      const all = await page(backend, { limit: 100 });
      expect(all.total).toBe(12);
      expect(all.matched).toBe('filter');
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const next = await page(backend, { limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...next.hits.map((h) => h.quoteId));
        if (!next.nextCursor) break;
        cursor = next.nextCursor;
      }
      expect(seen).toHaveLength(12);
      expect(new Set(seen)).toEqual(new Set(all.hits.map((h) => h.quoteId)));
      const at = await backend.cursorAt({ limit: 5 }, 5);
      expect(at).toBeDefined();
      expect(await quoteIds(backend, { limit: 5, ...(at ? { cursor: at } : {}) })).toEqual(seen.slice(5, 10));
      expect(await backend.cursorAt({ limit: 5 }, 0)).toBeUndefined();
      // A cursor of another search is a 400, not another search's page.
      await expect(attempt(() => backend.plan({ q: '両立', ...(at ? { cursor: at } : {}) }))).rejects.toThrow(
        /cursor/,
      );
    });

    it('suggests words as written that complete the last word', async () => {
      const { backend } = await loaded();
      const found = await backend.suggest('フリー');
      expect(found.map((s) => s.text)).toContain('フリーランス');
      expect(found.find((s) => s.text === 'フリーランス')?.quotes).toBe(1);
      expect(await backend.suggest('')).toEqual([]);
    });

    it('people: found by name, listed as interviewees, where each speaks, and per tag', async () => {
      const { backend } = await loaded();
      const [yamada, sato, suzuki] = [personOf('a'), personOf('b'), personOf('c')];
      expect((await backend.findPeople('佐藤')).map((p) => p.id)).toEqual([sato]);
      expect((await backend.findPeople('鈴木一郎', { role: 'interviewee' }))[0]).toMatchObject({
        id: suzuki,
        name: '鈴木一郎',
        interviewIds: ['c'],
      });
      expect(await backend.findPeople('鈴木一郎', { role: 'interviewer' })).toEqual([]);
      expect(await backend.intervieweeIds()).toEqual([yamada, sato, suzuki].sort());
      const where = await backend.interviewsOfPeople([sato, 'nobody']);
      expect(where?.get(sato)).toEqual(['b']);
      expect(where?.get('nobody') ?? []).toEqual([]);
      expect(await backend.personNames([yamada, 'nobody'])).toEqual(new Map([[yamada, '山田花子']]));
      expect(await backend.peopleIds()).toEqual(expect.arrayContaining([yamada, sato, suzuki]));
      await backend.setQuoteTags('a-t004', ['family']);
      await backend.setQuoteTags('b-t004', ['family']);
      // A question carries no one's tag: only interviewees' own quotes count.
      await backend.setQuoteTags('b-t003', ['tax']);
      await settle(backend);
      const byTag = await backend.peopleByTag();
      expect(byTag.get('family')).toEqual(new Set([yamada, sato]));
      expect(byTag.has('tax')).toBe(false);
      expect(await backend.duplicatePeople()).toEqual([]);
    });

    it('a reopened backend (its durable form) answers exactly as the one that wrote it', async () => {
      const { backend } = await loaded();
      await backend.setQuoteTags('c-t004', ['care']);
      await backend.removeInterview('b');
      await settle(backend);
      const queries: SearchParams[] = [
        { q: '両立' },
        { q: '映画' },
        { tags: ['care'] },
        { q: 'こーひー' },
        {},
      ];
      const answers = (b: SearchBackend) =>
        Promise.all(
          queries.map(async (q) => {
            const p = await page(b, q);
            return [p.total, p.hits.map((h) => [h.quoteId, h.tags]), { ...p.facets.tags }];
          }),
        );
      const before = await answers(backend);
      const reopened = await factory.reopen(backend);
      await settle(reopened);
      expect(await answers(reopened)).toEqual(before);
      expect(reopened.stats).toEqual(backend.stats);
      expect((await reopened.interview('c'))?.fingerprint).toBe((await backend.interview('c'))?.fingerprint);
      expect(await reopened.suggest('フリー')).toEqual(await backend.suggest('フリー'));
    });
  });
}
