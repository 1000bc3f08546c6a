/**
 * Tagging a large body does not stall the server (issue 11's remaining event-loop blocker): the
 * local runtime tags on the parse pool's worker threads with the same `recordOf` Lambda runs in
 * its own thread, and workers always tag with the current taxonomy and model. Progress events of
 * the tag job (the worker reports every 250 turns) show that /health is answered while tagging is
 * under way — an ordering, not a timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import type { PoolEvent } from '../../local/parse-pool.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

const TEXT = { ...AUTH, 'content-type': 'text/plain' };
const JSON_BODY = { ...AUTH, 'content-type': 'application/json' };

// Nine thousand turns of Q. / A. (about 330 KB; parsers take at most 10,000): questions and answers
// about work, family and remote work, so the tagger has real evidence to weigh on every turn.
const ANSWERS = [
  '平日は会社員として働いて、夜と週末に副業のデザインをしています。子どもが寝てから作業する毎日です。',
  'クラウドソーシングで最初の案件を取りました。ランサーズの提案文は何度も書き直しました。',
  '自宅からリモートで打ち合わせをして、時差のあるお客さんとはSlackでやり取りしています。',
  '正直、収入は不安定です。老後のことを考えると貯金はしておきたいですね。',
];
function hugeTranscript(turns: number): string {
  const lines = ['---', 'title: 大きな聞き書き', 'interviewer: 編集部', 'interviewee: 山田花子', '---', ''];
  for (let i = 0; i < turns / 2; i++) {
    const q = i % 3 === 0 ? '本業と副業の時間配分はどうしていますか？' : 'そのときはどうでしたか？';
    lines.push(`Q. ${i + 1}つ目の質問です。${q}`, '');
    lines.push(`A. ${ANSWERS[i % ANSWERS.length]}（${i + 1}）`, '');
  }
  return lines.join('\n');
}

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
const events: PoolEvent[] = [];
const listeners = new Set<(e: PoolEvent) => void>();

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client, {
    parsePool: {
      observer: (e) => {
        events.push(e);
        for (const l of listeners) l(e);
      },
    },
  });
});
afterAll(async () => {
  await rt.close();
  await db.close();
});

/** Resolves at the first event that passes the test. */
const next = (test: (e: PoolEvent) => boolean) =>
  new Promise<PoolEvent>((resolve) => {
    const l = (e: PoolEvent) => {
      if (!test(e)) return;
      listeners.delete(l);
      resolve(e);
    };
    listeners.add(l);
  });

describe('tagging off the event loop', () => {
  it('answers /health while a 9,000-turn body is being tagged on a worker', async () => {
    const body = hugeTranscript(9_000);
    const firstProgress = next((e) => e.type === 'progress');
    const ingest = Promise.resolve(
      rt.app.request('/interviews?id=huge', { method: 'POST', headers: TEXT, body }),
    );
    // If tagging ran in this thread there would be no progress from a worker: the ingest would end first.
    const first = await Promise.race([firstProgress, ingest.then(() => 'ingest ended first' as const)]);
    expect(first).toMatchObject({ type: 'progress', kind: 'tag' });
    const tagJob = (first as Extract<PoolEvent, { type: 'progress' }>).id;
    let tagged = false;
    const tagDone = next((e) => e.type === 'done' && e.id === tagJob).then(() => {
      tagged = true;
    });
    // Ask for /health again and again until the tag job ends; note which answers came while it ran.
    const answers: Array<{ status: number; whileTagging: boolean; progress: number }> = [];
    while (!tagged) {
      const res = await rt.app.request('/health');
      const progress = events.filter((e) => e.type === 'progress' && e.id === tagJob).length;
      answers.push({ status: res.status, whileTagging: !tagged, progress });
    }
    await tagDone;
    const during = answers.filter((a) => a.whileTagging);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((a) => a.status === 200)).toBe(true);
    // The worker kept going between the answers: later answers saw more progress.
    const steps = events.filter((e) => e.type === 'progress' && e.id === tagJob) as Array<
      Extract<PoolEvent, { type: 'progress' }>
    >;
    expect(steps.map((s) => s.done)).toEqual(steps.map((_, i) => (i + 1) * 250));
    expect(steps.at(-1)?.total).toBe(9_000);
    expect((await ingest).status).toBe(201);
  }, 120_000);

  it('stores the same tags the in-thread step computes', async () => {
    const body = hugeTranscript(400);
    const res = await rt.app.request('/interviews?id=same', { method: 'POST', headers: TEXT, body });
    expect(res.status).toBe(201);
    const stored = (await (await rt.app.request('/interviews/same')).json()) as {
      turns: Array<{ id: string; tags: string[] }>;
    };
    const here = recordOf(await rt.service.tagging.taggers.current(), parseInterview(body, { id: 'same' }));
    const expected = Object.fromEntries(
      Object.entries(here.autoTags).map(([id, ms]) => [id, ms.map((m) => m.topic).sort()]),
    );
    const got = Object.fromEntries(stored.turns.map((t) => [t.id, [...t.tags].sort()]));
    expect(Object.values(expected).flat().length).toBeGreaterThan(100);
    expect(got).toEqual(expected);
  });

  it('tags with the taxonomy just edited, not a copy the worker built before', async () => {
    const phrase = 'ぶどう畑の剪定';
    const text = `Q. 週末は何を？\n\nA. ${phrase}を手伝っています。${phrase}は楽しいです。\n`;
    const before = await rt.app.request('/interviews?id=grapes-1', {
      method: 'POST',
      headers: TEXT,
      body: text,
    });
    expect(((await before.json()) as { tags: string[] }).tags).not.toContain('grape-work');
    const created = await rt.app.request('/topics', {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify({
        topic: {
          id: 'grape-work',
          label: 'ぶどう仕事',
          labelEn: 'Vineyard work',
          description: 'Work in a vineyard.',
          threshold: 1,
          evidence: [{ phrase, weight: 1 }],
        },
      }),
    });
    expect(created.status).toBe(201);
    const after = await rt.app.request('/interviews?id=grapes-2', {
      method: 'POST',
      headers: TEXT,
      body: text,
    });
    expect(after.status).toBe(201);
    expect(((await after.json()) as { tags: string[] }).tags).toContain('grape-work');
  });
});
