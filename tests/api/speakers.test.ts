/**
 * Speaker-level filtering over the API (issue 13 §3) on a real round table from ../shared
 * (dokujo-tsushin-5920825: four panelists, 奥澤穂菜美 printed as 奥澤 and 奥沢, a 全員 chorus):
 * `interviewee=` keeps only what that person said, takes names and several people, facets carry
 * names, `/interviewees?q=` finds people by name, and a speaker edit moves the counts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const FILE = join(corporaDir, 'livedoor-interviews', 'dokujo-tsushin', 'dokujo-tsushin-5920825.txt');
const have = available(FILE, 'speaker-level filter on a real round table');

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
let source = '';

type Hit = { quoteId: string; text: string; speaker: { id: string | null; name: string; role: string } };
type Page = {
  total: number;
  hits: Hit[];
  facets: { interviewees: Record<string, number>; intervieweeNames: Record<string, string> };
};
const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const r = await rt.app.request(path, { headers: AUTH });
  return { status: r.status, body: (await r.json()) as T };
};
const search = (query: string) => get<Page>(`/search?limit=100&${query}`);
/** Lines of the source printed with a label of that person (奥澤：, 奥沢：, 奥澤穂菜美（以下、奥澤）：). */
const linesOf = (...labels: string[]) =>
  source.split('\n').filter((l) => labels.some((label) => new RegExp(`^${label}[^：]{0,12}：`).test(l)))
    .length;

describe.skipIf(!have)('a real round table', () => {
  let people: Array<{ id: string; name: string }> = [];
  const idOf = (name: string) => people.find((p) => p.name === name)?.id as string;

  beforeAll(async () => {
    db = await embedded();
    rt = await runtime(db.client);
    source = read(FILE);
    const r = await rt.app.request('/interviews?id=kumo', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      body: source,
    });
    expect(r.status).toBe(201);
    people = (await get<{ interviewees: Array<{ id: string; name: string }> }>('/interviews/kumo')).body
      .interviewees;
  });
  afterAll(async () => {
    await rt?.close();
    await db?.close();
  });

  it('interviewee=<id> returns only that person’s turns, as many as the source prints', async () => {
    const okuzawa = idOf('奥澤穂菜美');
    const expected = linesOf('奥澤', '奥沢');
    expect(expected).toBe(20);
    const page = (await search(`interviewee=${okuzawa}&speaker=interviewee`)).body;
    expect(page.total).toBe(expected);
    expect(new Set(page.hits.map((h) => h.speaker.id))).toEqual(new Set([okuzawa]));
    expect(page.facets.interviewees).toEqual({ [okuzawa]: expected });
    expect(page.facets.intervieweeNames).toEqual({ [okuzawa]: '奥澤穂菜美' });
    for (const [name, label] of [
      ['沖玲奈', '沖'],
      ['中久喜朋子', '中久喜'],
    ] as const) {
      const p = (await search(`interviewee=${idOf(name)}`)).body;
      expect(p.total, name).toBe(linesOf(label));
      expect(p.hits.every((h) => h.speaker.name === name)).toBe(true);
    }
  });

  it('a name, a printed short form or a variant does the same; several people add up', async () => {
    const okuzawa = idOf('奥澤穂菜美');
    const byId = (await search(`interviewee=${okuzawa}`)).body.total;
    for (const name of ['奥澤穂菜美', '奥沢', '奥澤さん'])
      expect((await search(`interviewee=${encodeURIComponent(name)}`)).body.total, name).toBe(byId);
    const oki = (await search(`interviewee=${idOf('沖玲奈')}`)).body.total;
    const repeated = (await search(`interviewee=${okuzawa}&interviewee=${encodeURIComponent('沖')}`)).body;
    expect(repeated.total).toBe(byId + oki);
    expect(Object.values(repeated.facets.intervieweeNames).sort()).toEqual(['奥澤穂菜美', '沖玲奈'].sort());
    expect((await search(`interviewee=${okuzawa},${idOf('沖玲奈')}`)).body.total).toBe(byId + oki);
  });

  it('lists the people a name stood for in `people`; an id is exact and lists none', async () => {
    const okuzawa = idOf('奥澤穂菜美');
    const byName = await get<Page & { people?: unknown }>(
      `/search?limit=1&interviewee=${encodeURIComponent('奥沢')}`,
    );
    expect(byName.body.people).toEqual({
      奥沢: [{ id: okuzawa, name: '奥澤穂菜美', role: 'interviewee', interviews: ['kumo'] }],
    });
    expect((await search(`interviewee=${okuzawa}`)).body).not.toHaveProperty('people');
  });

  it('an unknown name answers 400 JSON saying so (ambiguous names: tests/unit/search-people.test.ts)', async () => {
    const unknown = await search(`interviewee=${encodeURIComponent('山田太郎')}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'validation_error' } });
    expect(unknown.body).toMatchObject({ error: { details: { interviewee: '山田太郎', candidates: [] } } });
  });

  it('/interviewees?q= finds people by name, short form and variant, best first', async () => {
    const names = async (q: string) =>
      (
        await get<{ interviewees: Array<{ name: string }> }>(`/interviewees?q=${encodeURIComponent(q)}`)
      ).body.interviewees.map((p) => p.name);
    expect(await names('奥沢')).toEqual(['奥澤穂菜美']);
    expect(await names('中久喜朋子さん')).toEqual(['中久喜朋子']);
    expect(await names('沖')).toEqual(['沖玲奈']);
    // A nickname keeps its ちゃん (the stem 安全 is a common word), and is found by the stem too.
    expect(await names('安全ちゃん')).toEqual(['安全ちゃん']);
    expect(await names('安全')).toEqual(['安全ちゃん']);
    expect(await names('クラウド')).toEqual([]);
  });

  it('a speaker edit moves the counts after indexing', async () => {
    const okuzawa = idOf('奥澤穂菜美');
    const before = (await search(`interviewee=${okuzawa}`)).body.total;
    const okiTurn = (await search(`interviewee=${idOf('沖玲奈')}`)).body.hits[0] as Hit;
    const r = await rt.app.request(`/quotes/${okiTurn.quoteId}/speaker`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'editor-b' },
      body: JSON.stringify({ personId: okuzawa, expectedVersion: 0 }),
    });
    expect(r.status).toBe(200);
    const after = (await search(`interviewee=${okuzawa}`)).body;
    expect(after.total).toBe(before + 1);
    expect(after.hits.map((h) => h.quoteId)).toContain(okiTurn.quoteId);
    expect((await search('q=')).body.facets.interviewees[okuzawa]).toBe(before + 1);
  });
});
