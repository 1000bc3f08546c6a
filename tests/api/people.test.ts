/**
 * Editing people over the API (issue 13 §4): reassign a quote's speaker or role, rename, merge
 * and split people — each audited, each followed by the search index, each kept when the same
 * transcript is ingested again (and a turn's edit dropped when its text changed). Against the
 * embedded store; every response checked against the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textDigest } from '../../lib/people/edits.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;

/** A round table whose transcriber gave one of 真由's answers to 亜紀. */
const ROUND = `座談会：商店街の未来
司会：商店街に人を呼ぶには？
健太：祭りを増やしたいです。
真由：空き店舗を貸したい。
亜紀：駐車場がほしいですね。
司会：具体的には？
健太：月に一度の夜市ですね。
亜紀：若い人に安く貸します。
司会：ありがとうございました。
`;
/** Another interview in which 健太 speaks (a different person id: ids are per interview). */
const SOLO = `八百屋の健太さんに聞く
聞き手：夜市の準備は？
健太：仕入れを増やします。
聞き手：楽しみですね。
健太：はい、ぜひ来てください。
`;

const post = (path: string, body: unknown) =>
  rt.app.request(path, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'editor-a' },
    body: JSON.stringify(body),
  });
const put = (path: string, body: unknown) =>
  rt.app.request(path, {
    method: 'PUT',
    headers: { ...AUTH, 'content-type': 'application/json', 'x-actor': 'editor-a' },
    body: JSON.stringify(body),
  });
const ingest = (id: string, text: string) =>
  rt.app.request(`/interviews?id=${id}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: text,
  });
type Turn = { id: string; speaker: string; speakerId: string | null; role: string; text: string };
type Person = { id: string; name: string; title: string | null; reading: string | null; aliases: string[] };
type Iv = { turns: Turn[]; interviewer: Person | null; interviewees: Person[]; others: Person[] };
const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const r = await rt.app.request(path, { headers: AUTH });
  return { status: r.status, body: (await r.json()) as T };
};
const interview = async (id: string) => (await get<Iv>(`/interviews/${id}`)).body;
const turnOf = (iv: Iv, text: string) => iv.turns.find((t) => t.text.includes(text)) as Turn;
const searchSpeakers = async (q: string) =>
  (
    await get<{
      hits: Array<{ quoteId: string; speaker: { id: string | null; name: string; role: string } }>;
    }>(`/search?q=${encodeURIComponent(q)}`)
  ).body.hits.map((h) => h.speaker);

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client);
  expect((await ingest('round', ROUND)).status).toBe(201);
  expect((await ingest('solo', SOLO)).status).toBe(201);
  expect(
    (
      await ingest(
        'solo-host',
        '---\ninterviewer: 中村陽子\n---\n中村陽子：花屋を始めたのは？\n小川：十年前です。\n中村陽子：今は？\n小川：二店目を開きました。\n',
      )
    ).status,
  ).toBe(201);
});
afterAll(async () => {
  await rt.close();
  await db.close();
});

describe('every person of an interview, not only its interviewees', () => {
  it('has a person view and a profile, and is listed by a tag an editor gave them', async () => {
    const host = await interview('solo-host');
    const interviewer = host.interviewer as Person;
    expect(interviewer.name).toBe('中村陽子');
    expect((await get<{ name: string }>(`/interviewees/${interviewer.id}/person`)).body.name).toBe(
      '中村陽子',
    );
    const profile = await get<{ name: string; interviews: Array<{ id: string }> }>(
      `/interviewees/${interviewer.id}`,
    );
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ name: '中村陽子', interviews: [{ id: 'solo-host' }] });
    expect((await put(`/interviewees/${interviewer.id}/tags`, { tags: ['podcast-host'] })).status).toBe(200);
    const listed = await get<{ interviewees: Array<{ id: string; name: string }> }>(
      '/interviewees?tag=podcast-host',
    );
    expect(listed.body.interviewees.map((p) => [p.id, p.name])).toEqual([[interviewer.id, '中村陽子']]);
  });
});

describe('reassigning a quote', () => {
  it('gives a quote to another person of the interview, audited, and search follows', async () => {
    const iv = await interview('round');
    const mayu = iv.interviewees.find((p) => p.name === '真由') as Person;
    const quote = turnOf(iv, '若い人に安く');
    expect(quote.speaker).toBe('亜紀');
    const r = await put(`/quotes/${quote.id}/speaker`, { personId: mayu.id, expectedVersion: 0 });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      speaker: { id: mayu.id, name: '真由', role: 'interviewee' },
      version: 1,
    });
    const after = await interview('round');
    expect(turnOf(after, '若い人に安く')).toMatchObject({ speakerId: mayu.id, speaker: '真由' });
    expect(after.interviewees.map((p) => p.name)).toEqual(['健太', '真由', '亜紀']);
    // Quoted: the one quote saying it (typed bare, a phrase with kana that one quote says whole is
    // relaxed, and quotes with any of its words follow).
    expect(await searchSpeakers('「安く貸します」')).toEqual([
      { id: mayu.id, name: '真由', role: 'interviewee' },
    ]);
    const audit = await get<{
      entries: Array<{ action: string; who: string; detail: Record<string, string> }>;
    }>(`/audit?quote=${quote.id}`);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'quote-speaker',
        who: 'editor-a',
        detail: expect.objectContaining({ to: mayu.id }),
      }),
    ]);
  });

  it('changes a role, gives a quote to nobody in particular, and to a new person by name', async () => {
    const iv = await interview('round');
    const night = turnOf(iv, '夜市ですね');
    const r1 = await put(`/quotes/${night.id}/speaker`, { role: 'other', expectedVersion: 1 });
    expect(((await r1.json()) as { speaker: { role: string } }).speaker.role).toBe('other');
    const thanks = turnOf(iv, 'ありがとうございました');
    const r2 = await put(`/quotes/${thanks.id}/speaker`, { personId: null, label: '司会者' });
    expect(await r2.json()).toMatchObject({ speaker: { id: null, name: '司会者', role: 'interviewer' } });
    const festival = turnOf(iv, '祭りを増やしたい');
    const r3 = await put(`/quotes/${festival.id}/speaker`, { name: '佐伯健太さん' });
    const body = (await r3.json()) as { speaker: { id: string; name: string } };
    expect(body.speaker.name).toBe('佐伯健太');
    const after = await interview('round');
    expect(after.interviewees.find((p) => p.id === body.speaker.id)).toMatchObject({
      name: '佐伯健太',
      title: 'さん',
    });
    expect(after.others.map((p) => p.name)).toContain('健太');
  });

  it('refuses a stale version (409), a body that changes nothing (400) and an unknown quote (404)', async () => {
    const iv = await interview('round');
    const q = turnOf(iv, '空き店舗');
    expect((await put(`/quotes/${q.id}/speaker`, { role: 'other', expectedVersion: 0 })).status).toBe(409);
    expect((await put(`/quotes/${q.id}/speaker`, {})).status).toBe(400);
    expect((await put(`/quotes/${q.id}/speaker`, { personId: 'x', name: 'y' })).status).toBe(400);
    // A role label names nobody: a quote goes to it with personId null, never as a person.
    const label = await put(`/quotes/${q.id}/speaker`, { name: '聞き手' });
    expect(label.status).toBe(400);
    expect(((await label.json()) as { error: { message: string } }).error.message).toContain('role label');
    expect((await put('/quotes/round-t999/speaker', { role: 'other' })).status).toBe(404);
    expect((await put(`/quotes/${q.id}/speaker`, { personId: 'p-nobody' })).status).toBe(404);
  });
});

describe('a re-ingest of the same transcript', () => {
  it('keeps the edits of turns whose text did not change, and drops the edit of one that did', async () => {
    const before = await interview('round');
    expect((await ingest('round', ROUND)).status).toBe(200);
    const same = await interview('round');
    expect(same.turns.map((t) => [t.speaker, t.role])).toEqual(before.turns.map((t) => [t.speaker, t.role]));
    // The quote given to 真由 is reworded: the parse says 亜紀 again; the other edits stay.
    expect(
      (await ingest('round', ROUND.replace('若い人に安く貸します。', '若い人に安く貸すつもりです。'))).status,
    ).toBe(200);
    const reworded = await interview('round');
    expect(turnOf(reworded, '貸すつもり').speaker).toBe('亜紀');
    expect(turnOf(reworded, '祭りを増やしたい').speaker).toBe('佐伯健太');
    expect(turnOf(reworded, '夜市ですね').role).toBe('other');
    expect((await ingest('round', ROUND)).status).toBe(200);
  });
});

describe('renaming, merging and splitting people', () => {
  it('renames a person everywhere they speak, kept across a re-ingest', async () => {
    const solo = await interview('solo');
    const kenta = solo.interviewees[0] as Person;
    const r = await post(`/interviewees/${kenta.id}/rename`, {
      name: '佐伯健太',
      reading: 'さえきけんた',
      expectedVersion: 0,
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      id: kenta.id,
      name: '佐伯健太',
      reading: 'さえきけんた',
      aliases: ['健太'],
      version: 1,
    });
    expect(
      (await interview('solo')).turns.filter((t) => t.speakerId === kenta.id).map((t) => t.speaker),
    ).toEqual(['佐伯健太', '佐伯健太']);
    expect((await searchSpeakers('仕入れを増やします'))[0]?.name).toBe('佐伯健太');
    expect((await ingest('solo', SOLO)).status).toBe(200);
    expect((await interview('solo')).interviewees[0]).toMatchObject({ id: kenta.id, name: '佐伯健太' });
    expect((await post(`/interviewees/${kenta.id}/rename`, { name: 'x', expectedVersion: 0 })).status).toBe(
      409,
    );
  });

  it('merges the round table’s 佐伯健太 into the solo interview’s, across interviews and re-ingests', async () => {
    const round = await interview('round');
    const solo = await interview('solo');
    const from = round.interviewees.find((p) => p.name === '佐伯健太') as Person;
    const into = solo.interviewees[0] as Person;
    expect(from.id).not.toBe(into.id);
    // Two ids printed with one full name: offered for review as possible duplicates.
    type Groups = { total: number; groups: Array<{ name: string; people: Array<{ id: string }> }> };
    const suggested = (await get<Groups>('/interviewees/duplicates')).body;
    expect(
      suggested.groups
        .find((g) => g.name === '佐伯健太')
        ?.people.map((p) => p.id)
        .sort(),
    ).toEqual([from.id, into.id].sort());
    const r = await post(`/interviewees/${from.id}/merge`, { into: into.id });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      id: into.id,
      interviews: expect.arrayContaining([{ id: 'round', title: expect.any(String) }]),
    });
    expect(turnOf(await interview('round'), '祭りを増やしたい')).toMatchObject({
      speakerId: into.id,
      speaker: '佐伯健太',
    });
    // The merged-away profile says whom it became (README), and a browser is sent there.
    const gone = await get<{ error: { details: { mergedInto?: string } } }>(`/interviewees/${from.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.details.mergedInto).toBe(into.id);
    const page = await rt.app.request(`/people/${from.id}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/people/${into.id}`);
    expect((await get<Groups>('/interviewees/duplicates')).body.groups.map((g) => g.name)).not.toContain(
      '佐伯健太',
    );
    const merged = await post(`/interviewees/${from.id}/rename`, { name: 'y' });
    expect(merged.status).toBe(404);
    expect(
      ((await merged.json()) as { error: { details: { mergedInto: string } } }).error.details.mergedInto,
    ).toBe(into.id);
    expect((await ingest('round', ROUND)).status).toBe(200);
    expect(turnOf(await interview('round'), '祭りを増やしたい').speakerId).toBe(into.id);
    expect((await post(`/interviewees/${into.id}/merge`, { into: into.id })).status).toBe(400);
  });

  it('refuses a split with one bad quote without changing anything, and a stale version (409)', async () => {
    const solo = await interview('solo');
    const kenta = solo.interviewees[0] as Person;
    const mine = turnOf(solo, 'ぜひ来てください');
    const interviewer = solo.turns.find((t) => t.role === 'interviewer') as Turn;
    const before = (await get<{ version: number; name: string }>(`/interviewees/${kenta.id}/person`)).body;
    expect(before).toMatchObject({ name: '佐伯健太', version: 1 });
    const bad = await post(`/interviewees/${kenta.id}/split`, {
      quoteIds: [mine.id, interviewer.id],
      name: '佐伯美咲',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(interviewer.id);
    expect(await interview('solo')).toEqual(solo);
    expect((await get<{ version: number }>(`/interviewees/${kenta.id}/person`)).body.version).toBe(1);
    const stale = await post(`/interviewees/${kenta.id}/split`, {
      quoteIds: [mine.id],
      name: '佐伯美咲',
      expectedVersion: 0,
    });
    expect(stale.status).toBe(409);
    expect(await interview('solo')).toEqual(solo);
    const round = await interview('round');
    const mayu = round.interviewees.find((p) => p.name === '真由') as Person;
    expect(
      (await post(`/interviewees/${mayu.id}/merge`, { into: kenta.id, expectedVersion: 7 })).status,
    ).toBe(409);
    expect((await interview('round')).interviewees.map((p) => p.id)).toContain(mayu.id);
    expect((await post(`/interviewees/${mayu.id}/merge`, { into: 'p-nobody' })).status).toBe(404);
    expect((await post(`/interviewees/${mayu.id}/merge`, { into: kenta.id, extra: 1 })).status).toBe(400);
  });

  it('splits quotes off a person to a new one, kept across a re-ingest', async () => {
    const solo = await interview('solo');
    const kenta = solo.interviewees[0] as Person;
    const q = turnOf(solo, 'ぜひ来てください');
    const r = await post(`/interviewees/${kenta.id}/split`, { quoteIds: [q.id], name: '佐伯美咲' });
    expect(r.status).toBe(201);
    const split = (await r.json()) as { id: string; name: string; quotes: number };
    expect(split).toMatchObject({ name: '佐伯美咲', quotes: 1 });
    expect(turnOf(await interview('solo'), 'ぜひ来てください').speakerId).toBe(split.id);
    expect((await ingest('solo', SOLO)).status).toBe(200);
    expect(turnOf(await interview('solo'), 'ぜひ来てください').speakerId).toBe(split.id);
    const other = turnOf(await interview('round'), '空き店舗');
    expect((await post(`/interviewees/${kenta.id}/split`, { quoteIds: [other.id], name: 'z' })).status).toBe(
      400,
    );
    const audit = await get<{ entries: Array<{ action: string }> }>(`/audit?person=${kenta.id}`);
    expect(audit.body.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['person-rename', 'person-merge', 'person-split']),
    );
  });
});

describe('an edit that would make an interview invalid', () => {
  /** A round table of 50 named speakers (the most an interview holds); 話者3 speaks twice. */
  const speakers = Array.from({ length: 50 }, (_, i) => `話者${String.fromCharCode(0x4e00 + i * 7)}`);
  const FULL = `満員の座談会\n${speakers.map((n, i) => `司会：${i}番目の方どうぞ？\n${n}：答え${i}です。`).join('\n')}\n司会：もう一度？\n${speakers[3]}：追加です。\n`;

  it('is refused (400, naming the interview) with nothing stored, and the interview stays editable', async () => {
    expect((await ingest('full', FULL)).status).toBe(201);
    const before = await interview('full');
    expect(before.interviewees).toHaveLength(50);
    const extra = turnOf(before, '追加です');
    // A 51st person by reassigning a quote of someone who speaks twice, or by a split.
    const reassign = await put(`/quotes/${extra.id}/speaker`, { name: '新顔' });
    expect(reassign.status).toBe(400);
    expect(((await reassign.json()) as { error: { message: string } }).error.message).toContain('full');
    const three = before.interviewees.find((p) => p.id === extra.speakerId) as Person;
    const split = await post(`/interviewees/${three.id}/split`, { quoteIds: [extra.id], name: '別人' });
    expect(split.status).toBe(400);
    expect((await rt.store.getPeopleEdits('full')).version).toBe(0);
    expect((await get<{ version: number }>(`/interviewees/${three.id}/person`)).body.version).toBe(0);
    expect(await interview('full')).toEqual(before);
    // Nothing stored, so nothing blocks the next edit or a re-ingest.
    expect((await post(`/interviewees/${three.id}/rename`, { name: '三番' })).status).toBe(200);
    expect((await ingest('full', FULL)).status).toBe(200);
    expect(turnOf(await interview('full'), '追加です').speaker).toBe('三番');
  });

  it('refuses a rename over edits stored before these checks, without storing the rename', async () => {
    // Speaker edits an older version stored although they make the interview invalid (a 51st
    // person): a rename of anyone there used to store the profile, then answer 400.
    const before = await interview('full');
    const extra = turnOf(before, '追加です');
    const newcomer = {
      id: 'p-newcomer01',
      name: '新顔',
      title: null,
      reading: null,
      handle: null,
      location: null,
      occupation: null,
      aliases: [],
    };
    await rt.store.putPeopleEdits(
      {
        interviewId: 'full',
        turns: [{ quoteId: extra.id, textDigest: textDigest(extra.text), speakerId: newcomer.id }],
        people: [newcomer],
      },
      0,
      'older-version',
    );
    const one = before.interviewees[0] as Person;
    const rename = await post(`/interviewees/${one.id}/rename`, { name: '一番' });
    expect(rename.status).toBe(400);
    expect((await rt.store.personProfiles([one.id])).get(one.id)).toBeUndefined();
    expect(await interview('full')).toEqual(before);
  });
});
