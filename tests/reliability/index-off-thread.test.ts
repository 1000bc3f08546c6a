/**
 * Indexing a large interview off the event loop: the local runtime has the parse pool's worker
 * build a large interview's whole index part (QuoteIndex.prebuild) and the event loop only
 * attaches it. The server must then answer searches exactly as an index that counted the
 * interview itself, before and after the snapshot is published, and a reader of the published
 * parts must too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import {
  inflectedReadings,
  PREBUILD_QUOTE_CHARS,
  QuoteIndex,
  quoteChars,
  type SearchPage,
} from '../../lib/search/index.ts';
import { defaultIndexOptions, openLatestIndex } from '../../lib/search/snapshots.ts';
import { TopicTagger } from '../../lib/tagging/tagger.ts';
import { defaultDictionaryPath, loadReadings } from '../../lib/text/readings.ts';
import { createParsePool } from '../../local/parse-pool.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

const TEXT = { ...AUTH, 'content-type': 'text/plain' };

const ANSWERS = [
  '平日は会社員として働いて、夜と週末に副業のデザインをしています。子どもが寝てから作業する毎日です。',
  'クラウドソーシングで最初の案件を取りました。ランサーズの提案文は何度も書き直しました。',
  '自宅からリモートで打ち合わせをして、時差のあるお客さんとはSlackでやり取りしています。',
  '正直、収入は不安定です。将来のことを考えると貯金はしておきたいですね。',
];
function transcript(turns: number, title: string): string {
  const lines = ['---', `title: ${title}`, 'interviewer: 編集部', 'interviewee: 山田花子', '---', ''];
  for (let i = 0; i < turns / 2; i++) {
    lines.push(`Q. ${i + 1}つ目の質問です。本業と副業の時間配分はどうしていますか？`, '');
    lines.push(`A. ${ANSWERS[i % ANSWERS.length]}（${i + 1}）`, '');
  }
  return lines.join('\n');
}
const QUERIES = ['副業', '時間配分', 'ランサーズ', 'ソーシング', 'slack', '将来 貯金', '「提案文」'];

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
});
afterAll(async () => {
  await rt.close();
  await db.close();
});

/** What a client sees of a search (hits with scores, highlights and tags; totals; facets). */
async function seen(q: string): Promise<unknown> {
  const page = (await (
    await rt.app.request(`/search?q=${encodeURIComponent(q)}&limit=50`)
  ).json()) as SearchPage;
  return { total: page.total, facets: page.facets, hits: page.hits };
}

describe('large interviews indexed off the event loop', () => {
  it('attach a part built on the worker; the server answers as if it counted them, before and after publishing', async () => {
    const index = rt.indexer.index;
    let attached = 0;
    const attach = index.attachInterview.bind(index);
    index.attachInterview = (...args) => {
      const done = attach(...args);
      if (done) attached++;
      return done;
    };
    const big = transcript(1_000, '大きな聞き書き');
    expect(quoteChars(parseInterview(big, { id: 'big' }))).toBeGreaterThanOrEqual(PREBUILD_QUOTE_CHARS);
    // A small interview first (counted in place), then the large one (attached), then it again.
    for (const [id, body, status] of [
      ['small', transcript(8, '小さな聞き書き'), 201],
      ['big', big, 201],
      ['big', transcript(1_200, '大きな聞き書き・改'), 200],
    ] as const) {
      const res = await rt.app.request(`/interviews?id=${id}`, { method: 'POST', headers: TEXT, body });
      expect(res.status).toBe(status);
    }
    expect(attached).toBe(2);
    // The same interviews and tags, counted in place.
    const counted = new QuoteIndex({ ...defaultIndexOptions(), retain: true });
    const docs = new Map<string, Interview>();
    for (const id of ['small', 'big']) {
      const stored = (await (await rt.app.request(`/interviews/${id}`)).json()) as {
        turns: Array<{ id: string; tags: string[] }>;
      };
      const got = await rt.store.getInterview(id);
      if (!got) throw new Error(`${id} not stored`);
      counted.upsertInterview(got.interview, new Map(stored.turns.map((t) => [t.id, t.tags])));
      docs.set(id, got.interview);
    }
    const expected = async (q: string) => {
      const page = counted.search({ q, limit: 50 });
      return JSON.parse(JSON.stringify({ total: page.total, facets: page.facets, hits: page.hits }));
    };
    for (const q of QUERIES) expect(await seen(q), q).toEqual(await expected(q));
    await rt.flush();
    expect(index.pending).toBe(false);
    for (const q of QUERIES) expect(await seen(q), `${q} (published)`).toEqual(await expected(q));
    // A reader of the published parts answers alike.
    const opened = await openLatestIndex(rt.store);
    for (const q of QUERIES)
      expect(
        opened.index.search({ q, limit: 50 }, (id) => docs.get(id)),
        `${q} (reader)`,
      ).toEqual(counted.search({ q, limit: 50 }));
    expect(opened.index.stats).toEqual(index.stats);
    expect((await rt.indexer.check()).stale).toEqual([]);
  }, 120_000);

  it('the pool builds the part with the reading dictionary: the same part as built in this thread', async () => {
    const pool = createParsePool({ size: 1 });
    try {
      const body = transcript(600, '読みのある聞き書き');
      const prebuild = { minChars: PREBUILD_QUOTE_CHARS, readings: defaultDictionaryPath() };
      const prepared = await pool.prepare(body, { id: 'read' }, new TopicTagger(), 'hybrid', prebuild);
      expect(prepared.tokens).toBeNull();
      const here = parseInterview(body, { id: 'read' });
      const readings = await loadReadings();
      expect(prepared.prebuilt).toEqual(QuoteIndex.prebuild(here, { mode: 'hybrid', readings }));
      // A small interview is only tokenized, with its verbs' dictionary-form readings read on
      // the worker (the API thread would pay for kuromoji), as this thread reads them.
      const small = await pool.prepare(
        transcript(6, '小'),
        { id: 's' },
        new TopicTagger(),
        'hybrid',
        prebuild,
      );
      expect(small.prebuilt).toBeNull();
      expect(small.tokens).not.toBeNull();
      const smallHere = parseInterview(transcript(6, '小'), { id: 's' });
      expect(small.tokens?.inflected).toEqual(inflectedReadings(smallHere, readings));
      // Each reading with the form the text writes it in (働いて → ハタラク, 働く), for highlighting.
      expect(small.tokens?.inflected?.turns.flat()).toContain('ハタラク\u0002働く');
    } finally {
      await pool.close();
    }
  }, 120_000);
});
