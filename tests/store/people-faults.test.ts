/**
 * Faults at every write step of a person's rename, merge and split, injected into the real SDK
 * client (as tests/store/faults.test.ts does; no mock of the store). Once any part of an edit is
 * stored the client is never told "refused" (a 4xx): the edit answers as done, or with a 5xx that
 * a retry of the same request completes. The consistency check finds every interview a cut-short
 * edit left behind, and the repair writes it as the stored edits say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { failNthWrite } from '../helpers/faults.ts';
import { consistency } from '../helpers/jobs.ts';

type Turn = { id: string; text: string; speaker: string; speakerId: string | null };
type Person = { id: string; name: string };
type Iv = { turns: Turn[]; interviewees: Person[] };

const SOLO =
  '聞き手：夜市の準備は？\n健太：仕入れを増やします。\n聞き手：楽しみですね。\n健太：はい、ぜひ来てください。\n';
const ROUND =
  '司会：商店街に人を呼ぶには？\n健太：祭りを増やしたいです。\n真由：空き店舗を貸したい。\n司会：具体的には？\n健太：月に一度の夜市ですね。\n';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let worlds = 0;

beforeAll(async () => {
  db = await embedded();
  // No snapshot publication while an edit runs: its writes are the only ones the fault counts.
  rt = await runtime(db.client, { publishDelayMs: 3_600_000 });
});
afterAll(async () => {
  await rt.close();
  await db.close();
});

const call = async (method: string, path: string, body: unknown): Promise<Response> =>
  rt.app.request(path, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'ed' },
    body: JSON.stringify(body),
  });
const interview = async (id: string) =>
  (await (await rt.app.request(`/interviews/${id}`, { headers: AUTH })).json()) as Iv;
const turnOf = (iv: Iv, text: string) => iv.turns.find((t) => t.text.includes(text)) as Turn;

/**
 * Two fresh interviews in which one person (健太, merged across them) speaks, and 真由 with a
 * manual tag: `kenta` speaks in both, `mayu` in the round table only.
 */
async function world() {
  const n = ++worlds;
  const [solo, round] = [`solo${n}`, `round${n}`];
  for (const [id, text] of [
    [solo, SOLO],
    [round, ROUND],
  ] as const) {
    const r = await rt.app.request(`/interviews?id=${id}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: text,
    });
    expect(r.status).toBe(201);
  }
  const kenta = ((await interview(solo)).interviewees[0] as Person).id;
  const roundIv = await interview(round);
  const roundKenta = (roundIv.interviewees.find((p) => p.name === '健太') as Person).id;
  const mayu = (roundIv.interviewees.find((p) => p.name === '真由') as Person).id;
  expect((await call('POST', `/interviewees/${roundKenta}/merge`, { into: kenta })).status).toBe(200);
  expect((await call('PUT', `/interviewees/${mayu}/tags`, { tags: ['shopkeeper'] })).status).toBe(200);
  return { solo, round, kenta, mayu };
}
type World = Awaited<ReturnType<typeof world>>;

/** Write commands an edit issues on a fresh world. */
async function writesOf(edit: (w: World) => Promise<Response>): Promise<number> {
  const w = await world();
  const probe = failNthWrite(db.client, Number.MAX_SAFE_INTEGER);
  const res = await edit(w);
  probe.disarm();
  expect(res.status).toBeLessThan(300);
  return probe.writes();
}

/**
 * For every write step: the edit with that write failing, never a 4xx; a 5xx retried as a client
 * would; then the check lists exactly the world's interviews that `behind` finds short of what
 * is stored (the profile or the edits say more than the interview shows), the
 * repair writes them, and `done` holds.
 */
async function atEveryStep(
  edit: (w: World) => Promise<Response>,
  behind: (w: World, id: string, iv: Iv) => Promise<boolean>,
  done: (w: World) => Promise<void>,
) {
  const steps = await writesOf(edit);
  expect(steps).toBeGreaterThanOrEqual(4);
  for (let step = 1; step <= steps; step++) {
    const w = await world();
    const fault = failNthWrite(db.client, step);
    const res = await edit(w);
    fault.disarm();
    const at = `write ${step} of ${steps}: ${res.status}`;
    expect(res.status < 400 || res.status >= 500, at).toBe(true);
    const mine = [w.solo, w.round];
    const behindNow = async () => {
      const ids: string[] = [];
      for (const id of mine) if (await behind(w, id, await interview(id))) ids.push(id);
      return ids;
    };
    // A 5xx comes before the commit or after the derived work, never between: a client that
    // gives up on it leaves nothing half-written.
    if (res.status >= 500) {
      expect(await behindNow(), at).toEqual([]);
      expect((await edit(w)).status, at).toBeLessThan(300);
    }
    const expected = await behindNow();
    const check = await consistency(rt);
    expect(check.people.filter((id) => mine.includes(id)).sort(), at).toEqual(expected.sort());
    await consistency(rt, true);
    expect(
      (await consistency(rt)).people.filter((id) => mine.includes(id)),
      at,
    ).toEqual([]);
    await done(w);
  }
}

/** Generous: ~30 edits with a check and a repair job each, on a machine CI shares. */
const TIMEOUT_MS = 300_000;

describe('faults at every write step of a people edit', () => {
  it(
    'rename: the profile is the commit; the interviews it did not reach are found and repaired',
    async () => {
      await atEveryStep(
        (w) => call('POST', `/interviewees/${w.kenta}/rename`, { name: '佐伯健太' }),
        async (w, _id, iv) =>
          (await rt.store.personProfiles([w.kenta])).get(w.kenta)?.name === '佐伯健太' &&
          iv.turns.some((t) => t.speakerId === w.kenta && t.speaker !== '佐伯健太'),
        async (w) => {
          for (const id of [w.solo, w.round])
            for (const t of (await interview(id)).turns.filter((x) => x.speakerId === w.kenta))
              expect(t.speaker).toBe('佐伯健太');
          expect((await rt.store.personProfiles([w.kenta])).get(w.kenta)?.name).toBe('佐伯健太');
        },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'merge: the merged-away profile is the commit; tags join, interviews follow',
    async () => {
      await atEveryStep(
        (w) => call('POST', `/interviewees/${w.mayu}/merge`, { into: w.kenta }),
        async (w, _id, iv) =>
          (await rt.store.personProfiles([w.mayu])).get(w.mayu)?.mergedInto === w.kenta &&
          iv.turns.some((t) => t.speakerId === w.mayu),
        async (w) => {
          const round = await interview(w.round);
          expect(turnOf(round, '空き店舗')).toMatchObject({ speakerId: w.kenta, speaker: '健太' });
          expect((await rt.store.getPersonTags(w.kenta)).add).toEqual(['shopkeeper']);
        },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'split across two interviews: the quotes go to one new person, each interview repaired',
    async () => {
      let newId = '';
      await atEveryStep(
        async (w) => {
          const quotes = [
            turnOf(await interview(w.solo), 'ぜひ来てください').id,
            turnOf(await interview(w.round), '夜市ですね').id,
          ];
          const res = await call('POST', `/interviewees/${w.kenta}/split`, {
            quoteIds: quotes,
            name: '佐伯美咲',
          });
          if (res.status === 201) newId = ((await res.clone().json()) as { id: string }).id;
          return res;
        },
        async (w, id, iv) => {
          const edits = await rt.store.getPeopleEdits(id);
          const quote = turnOf(iv, id === w.solo ? 'ぜひ来てください' : '夜市ですね');
          return edits.turns.some((t) => t.quoteId === quote.id) && quote.speakerId === w.kenta;
        },
        async (w) => {
          expect(turnOf(await interview(w.solo), 'ぜひ来てください')).toMatchObject({
            speakerId: newId,
            speaker: '佐伯美咲',
          });
          expect(turnOf(await interview(w.round), '夜市ですね')).toMatchObject({
            speakerId: newId,
            speaker: '佐伯美咲',
          });
          expect(turnOf(await interview(w.round), '祭りを増やしたい').speakerId).toBe(w.kenta);
        },
      );
    },
    TIMEOUT_MS,
  );
});
