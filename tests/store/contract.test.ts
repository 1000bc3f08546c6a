/**
 * Store contract: the same behaviour against the embedded dynalite and Amazon DynamoDB Local,
 * through the same @aws-sdk/client-dynamodb code that runs on AWS, and through the direct client
 * npm start uses for items on its embedded store (lib/store/direct.ts).
 */
import { randomBytes } from 'node:crypto';
import { DeleteItemCommand, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../lib/errors.ts';
import { queuedJob } from '../../lib/jobs/runner.ts';
import type { Interview, Person } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { encodeCursor } from '../../lib/store/cursor.ts';
import type { DynamoJsonTransport } from '../../lib/store/direct.ts';
import { DynamoStore, ensureTable, StoreUnavailableError } from '../../lib/store/dynamo.ts';
import { keys } from '../../lib/store/keys.ts';
import { TopicTagger } from '../../lib/tagger.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import { localClient } from '../../local/embedded.ts';
import { dynamoLocalEndpoint, embedded, tableName } from '../helpers/dynamo.ts';
import { partialBatchWrites, throttleAll, transportFaults } from '../helpers/faults.ts';

const tagger = new TopicTagger();

function record(id: string, answer: string, published = '2025-01-01') {
  const iv = parseInterview(
    `---\npublishedAt: ${published}\n---\n聞き手：お仕事はどう探していますか？\n山田太郎：${answer}\n聞き手：家族は？\n山田太郎：家事と仕事の両立が大変です。`,
    { id },
  );
  return recordOf(tagger, iv);
}

async function rawItems(client: DynamoDBClient, table: string, pk: string) {
  const r = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
    }),
  );
  return (r.Items ?? []).map((i) => i.sk?.S ?? '');
}

/**
 * A server, a client for it, and how to make more clients (fault injection wraps its own); with
 * `transport`, the stores send item requests over it instead of the client (see lib/store/direct.ts).
 */
type Backend = {
  client: DynamoDBClient;
  newClient: () => DynamoDBClient;
  close: () => Promise<void>;
  transport?: () => DynamoJsonTransport;
};
const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'embedded dynalite over HTTP',
    async () => {
      const e = await embedded();
      return { client: e.client, newClient: () => localClient(e.endpoint), close: e.close };
    },
  ],
  [
    // What npm start uses: the same SDK client, requests carried to dynalite's thread as messages.
    'embedded dynalite over its message port',
    async () => {
      const e = await embedded();
      return { client: e.portClient(), newClient: () => e.portClient(), close: e.close };
    },
  ],
  [
    // What npm start uses for items: DynamoDB's JSON over the same port, without the SDK's client.
    'embedded dynalite over its message port, direct',
    async () => {
      const e = await embedded();
      return {
        client: e.portClient(),
        newClient: () => e.portClient(),
        close: e.close,
        transport: () => e.portTransport(),
      };
    },
  ],
];
const localEndpoint = dynamoLocalEndpoint();
if (localEndpoint) {
  backends.push([
    'Amazon DynamoDB Local',
    async () => ({
      client: localClient(localEndpoint),
      newClient: () => localClient(localEndpoint),
      close: async () => {},
    }),
  ]);
} else
  console.warn('store contract runs on dynalite only: DynamoDB Local was not started (see global setup)');

describe.each(backends)('DynamoStore on %s', (_name, start) => {
  let client: DynamoDBClient;
  let newClient: () => DynamoDBClient;
  let close: () => Promise<void>;
  let transport: (() => DynamoJsonTransport) | undefined;
  let store: DynamoStore;
  let table: string;
  /** A store on a table of this backend, over `direct` when the backend sends items directly. */
  const storeOf = (name: string, c = client, direct = transport?.()) =>
    new DynamoStore({ tableName: name, client: c, ...(direct ? { direct } : {}) });

  beforeAll(async () => {
    ({ client, newClient, close, transport } = await start());
    table = tableName('contract');
    await ensureTable(client, table);
    store = storeOf(table);
  });
  afterAll(async () => close());

  it('creates, reads and replaces an interview, removing the old revision', async () => {
    const v1 = record('iv-a', 'クラウドソーシングで受注しています。');
    expect(await store.putInterview(v1)).toMatchObject({ created: true, version: 1 });
    const got = await store.getInterview('iv-a');
    expect(got?.interview).toEqual(v1.interview);
    expect(got?.version).toBe(1);
    const v2 = record('iv-a', 'ココナラで出品しています。');
    expect(await store.putInterview(v2)).toMatchObject({ created: false, version: 2 });
    expect((await store.getInterview('iv-a'))?.interview.turns[1]?.text).toBe('ココナラで出品しています。');
    const sks = await rawItems(client, table, 'IV#iv-a');
    expect(sks.filter((sk) => sk.startsWith('V#00000001'))).toEqual([]);
    expect(sks.some((sk) => sk.startsWith('V#00000002'))).toBe(true);
  });

  it('reads several interviews in batches, including one stored in several chunks', async () => {
    await store.putInterview(record('iv-many-1', '介護の仕事です。'));
    await store.putInterview(record('iv-many-2', '副業の話です。'));
    // Random text does not compress: this one needs more than one 350 KB chunk. Each turn starts
    // with a letter: a base64 line starting with // read as a link after its label (山田：//…) and
    // joined the turn before, over the turn length limit (1 run in 75 failed).
    const big = Array.from(
      { length: 30 },
      (_, i) => `${i % 2 === 0 ? '聞き手' : '山田'}：a${randomBytes(14_000).toString('base64')}`,
    ).join('\n');
    const bigRecord = recordOf(tagger, parseInterview(big, { id: 'iv-many-big' }));
    await store.putInterview(bigRecord);
    const chunks = (await rawItems(client, table, 'IV#iv-many-big')).filter((sk) => sk.includes('#DOC#'));
    expect(chunks.length).toBeGreaterThan(1);
    const got = await store.getInterviews(['iv-many-1', 'iv-many-big', 'nope', 'iv-many-2', 'iv-many-1']);
    expect([...got.keys()].sort()).toEqual(['iv-many-1', 'iv-many-2', 'iv-many-big']);
    expect(got.get('iv-many-big')?.interview).toEqual(bigRecord.interview);
    expect(got.get('iv-many-2')?.interview.turns[1]?.text).toBe('副業の話です。');
    expect(got.get('iv-many-1')?.version).toBe(1);
  });

  it('concurrent writers of one id: one of them wins whole, every version distinct, one revision left', async () => {
    const answers = [
      '介護の仕事です。',
      '副業の話です。',
      'ココナラで出品しています。',
      '八百屋で働いています。',
    ];
    const results = await Promise.all(answers.map((a) => store.putInterview(record('iv-race', a))));
    const versions = results.map((r) => r.version);
    expect(new Set(versions).size).toBe(answers.length);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const got = await store.getInterview('iv-race');
    expect(answers).toContain(got?.interview.turns[1]?.text);
    expect(got?.version).toBe(Math.max(...versions));
    const revs = new Set(
      (await rawItems(client, table, 'IV#iv-race'))
        .filter((sk) => sk.startsWith('V#'))
        .map((sk) => sk.split('#')[1]),
    );
    expect(revs.size).toBe(1);
  });

  it('returns null for an unknown interview and false when deleting it', async () => {
    expect(await store.getInterview('nope')).toBeNull();
    expect(await store.deleteInterview('nope')).toBe(false);
  });

  it('deletes an interview and every item of it', async () => {
    await store.putInterview(record('iv-del', 'クラウドソーシングです。'));
    expect(await store.deleteInterview('iv-del')).toBe(true);
    expect(await store.getInterview('iv-del')).toBeNull();
    expect(await rawItems(client, table, 'IV#iv-del')).toEqual([]);
  });

  it('lists interviews newest first with a cursor', async () => {
    const t = tableName('list');
    await ensureTable(client, t);
    const s = storeOf(t);
    for (const [id, d] of [
      ['old', '2020-01-01'],
      ['mid', '2022-01-01'],
      ['new', '2024-01-01'],
    ] as const)
      await s.putInterview(record(id, '答えです。', d));
    const p1 = await s.listInterviews({ limit: 2 });
    expect(p1.items.map((i) => i.id)).toEqual(['new', 'mid']);
    const p2 = await s.listInterviews({ limit: 2, cursor: p1.nextCursor ?? undefined });
    expect(p2.items.map((i) => i.id)).toEqual(['old']);
    const ids: string[] = [];
    for await (const id of s.interviewIds()) ids.push(id);
    expect(ids.sort()).toEqual(['mid', 'new', 'old']);
  });

  it('starts pages at well-formed cursors naming keys that do not exist; rejects forged ones as 400', async () => {
    const nowhere = encodeCursor('INTERVIEWS', ['1999-01-01T00:00:00.000Z', 'zz']);
    expect((await store.listInterviews({ limit: 5, cursor: nowhere })).items).toEqual([]);
    const between = encodeCursor('QTAG#crowdsourcing', ['zz', '00000009-abc', 'zz-t001']);
    await expect(store.quotesWithTag('crowdsourcing', { limit: 5, cursor: between })).resolves.toBeDefined();
    for (const cursor of ['eyJwayI6IklWI3gifQ', encodeCursor('INTERVIEWS', ['x'])]) {
      await expect(store.listInterviews({ limit: 5, cursor })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.quotesWithTag('crowdsourcing', { limit: 5, cursor })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });

  it('finds quotes and people by tag in the current revision only', async () => {
    await store.putInterview(record('iv-tag', 'クラウドソーシングのランサーズで受注しています。'));
    let quotes = await store.quotesWithTag('crowdsourcing', { limit: 50 });
    expect(quotes.items.map((q) => q.quoteId)).toContain('iv-tag-t002');
    await store.putInterview(record('iv-tag', '近所の八百屋で働いています。'));
    quotes = await store.quotesWithTag('crowdsourcing', { limit: 50 });
    expect(quotes.items.map((q) => q.quoteId)).not.toContain('iv-tag-t002');
    const people = await store.peopleWithTag('work-balance');
    expect(people.some((p) => p.interviewId === 'iv-tag')).toBe(true);
    const person = (await store.getInterview('iv-tag'))?.interview.interviewees[0]?.id ?? '';
    expect((await store.interviewsOfPerson(person)).map((s) => s.id)).toContain('iv-tag');
  });

  it('lists several interviews by id as the interview list and a person’s appearances show them', async () => {
    await store.putInterview(record('iv-sum-a', '一つ目の答えです。'));
    await store.putInterview(record('iv-sum-b', '二つ目の答えです。'));
    await store.putInterview(record('iv-sum-b', '二つ目の答えを直しました。'));
    const summaries = await store.interviewSummaries(['iv-sum-a', 'iv-sum-b', 'iv-sum-none']);
    expect([...summaries.keys()].sort()).toEqual(['iv-sum-a', 'iv-sum-b']);
    expect(summaries.get('iv-sum-b')?.version).toBe(2);
    const person = (await store.getInterview('iv-sum-b'))?.interview.interviewees[0]?.id ?? '';
    expect(await store.interviewsOfPerson(person)).toContainEqual(summaries.get('iv-sum-b'));
  });

  it('records every person of an interview as appearing in it, and the check and repair cover them', async () => {
    const parsed = parseInterview(
      '---\ninterviewer: 佐藤花子\n---\n佐藤花子：お仕事は？\n山田太郎：農家です。\n鈴木一郎：補足します。\n山田太郎：米を作ります。\n鈴木一郎：以上です。',
      { id: 'iv-everyone' },
    );
    // 鈴木一郎 is a guest (role other): an interviewer, an interviewee and another person.
    const guest = parsed.interviewees.find((p) => p.name === '鈴木一郎') as Person;
    const iv: Interview = {
      ...parsed,
      interviewees: parsed.interviewees.filter((p) => p.id !== guest.id),
      others: [guest],
      turns: parsed.turns.map((t) => (t.speakerId === guest.id ? { ...t, role: 'other' as const } : t)),
    };
    const people = [iv.interviewer, ...iv.interviewees, ...iv.others].flatMap((p) => (p ? [p.id] : []));
    expect(people).toHaveLength(3);
    await store.putInterview(recordOf(tagger, iv));
    for (const person of people)
      expect(
        (await store.interviewsOfPerson(person)).map((s) => s.id),
        person,
      ).toEqual(['iv-everyone']);
    expect(await store.membershipsStale('iv-everyone')).toBe(false);
    // A revision written when only interviewees had an appearance item: the check sees it, the
    // repair writes the missing ones.
    const interviewer = iv.interviewer?.id as string;
    const sk = (await rawItems(client, table, 'IV#iv-everyone')).find((k) => k.endsWith(`#P#${interviewer}`));
    await client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: { S: 'IV#iv-everyone' }, sk: { S: sk as string } },
      }),
    );
    expect(await store.interviewsOfPerson(interviewer)).toEqual([]);
    expect(await store.membershipsStale('iv-everyone')).toBe(true);
    await store.refreshTags('iv-everyone');
    expect(await store.membershipsStale('iv-everyone')).toBe(false);
    expect((await store.interviewsOfPerson(interviewer)).map((s) => s.id)).toEqual(['iv-everyone']);
  });

  it('locks manual tag edits optimistically and keeps an audit trail', async () => {
    await store.putInterview(record('iv-lock', '答えです。'));
    const m1 = await store.putQuoteTags('iv-lock-t002', { add: ['tools'], remove: [] }, 0, 'editor-a');
    expect(m1.version).toBe(1);
    await expect(
      store.putQuoteTags('iv-lock-t002', { add: ['other'], remove: [] }, 0, 'editor-b'),
    ).rejects.toBeInstanceOf(ConflictError);
    const m2 = await store.putQuoteTags(
      'iv-lock-t002',
      { add: ['tools', 'other'], remove: [] },
      1,
      'editor-b',
    );
    expect(m2.version).toBe(2);
    expect((await store.quotesWithTag('other', { limit: 10 })).items.map((q) => q.quoteId)).toEqual([
      'iv-lock-t002',
    ]);
    const audit = await store.audit('QUOTE#iv-lock-t002');
    expect(audit.map((a) => a.who)).toEqual(['editor-a', 'editor-b']);
    expect((await store.manualQuoteTags(['iv-lock-t002', 'iv-lock-t001'])).get('iv-lock-t002')?.add).toEqual([
      'tools',
      'other',
    ]);
  });

  it('keeps manual person tags with locking', async () => {
    const p = await store.putPersonTags('person-x', { add: ['mentor'], remove: [] }, 0, 'ed');
    expect(p.add).toEqual(['mentor']);
    await expect(store.putPersonTags('person-x', { add: ['x'], remove: [] }, 0, 'ed')).rejects.toBeInstanceOf(
      ConflictError,
    );
    await store.putPersonTags('person-x', { add: ['coach'], remove: [] }, 1, 'ed');
    const tagged = await store.peopleWithTag('coach');
    expect(tagged).toEqual([{ personId: 'person-x', interviewId: null }]);
    expect(await store.peopleWithTag('mentor')).toEqual([]);
  });

  it('writes an interview over an expected version only, leaving no revision behind on a conflict', async () => {
    await expect(
      store.putInterview(record('iv-ev', 'はい。'), { expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.getInterview('iv-ev')).toBeNull();
    expect(await store.putInterview(record('iv-ev', 'はい。'), { expectedVersion: 0 })).toMatchObject({
      version: 1,
    });
    await store.putInterview(record('iv-ev', '別の人が書きました。'));
    await expect(
      store.putInterview(record('iv-ev', '古い版への編集です。'), { expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(ConflictError);
    const got = await store.getInterview('iv-ev');
    expect(got?.version).toBe(2);
    expect(got?.interview.turns[1]?.text).toBe('別の人が書きました。');
    const revisions = (await rawItems(client, table, 'IV#iv-ev'))
      .filter((sk) => sk.startsWith('V#'))
      .map((sk) => sk.slice(0, 10));
    expect(new Set(revisions)).toEqual(new Set(['V#00000002']));
  });

  it('keeps editors’ people edits and person profiles with locking, outside the revisions', async () => {
    expect(await store.getPeopleEdits('iv-pe')).toMatchObject({ turns: [], people: [], version: 0 });
    const turns = [
      { quoteId: 'iv-pe-t002', textDigest: 'abc', speakerId: null, speaker: '司会', role: 'other' as const },
    ];
    expect(await store.putPeopleEdits({ interviewId: 'iv-pe', turns, people: [] }, 0, 'ed')).toMatchObject({
      version: 1,
      updatedBy: 'ed',
    });
    await expect(
      store.putPeopleEdits({ interviewId: 'iv-pe', turns: [], people: [] }, 0, 'ed'),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.getPeopleEdits('iv-pe')).toMatchObject({ turns, version: 1 });
    await store.putInterview(record('iv-pe', 'はい。'));
    await store.deleteInterview('iv-pe');
    expect((await store.getPeopleEdits('iv-pe')).version).toBe(1);
    await store.deletePeopleEdits('iv-pe');
    expect((await store.getPeopleEdits('iv-pe')).version).toBe(0);

    const profile = {
      personId: 'p-prof',
      name: '山田太郎',
      title: null,
      reading: 'やまだたろう',
      mergedInto: null,
    };
    await store.putPersonProfile(profile, 0, 'ed');
    await expect(store.putPersonProfile(profile, 0, 'ed')).rejects.toBeInstanceOf(ConflictError);
    await store.putPersonProfile({ ...profile, mergedInto: 'p-other' }, 1, 'ed');
    const got = await store.personProfiles(['p-prof', 'p-none']);
    expect([...got.keys()]).toEqual(['p-prof']);
    expect(got.get('p-prof')).toMatchObject({ name: '山田太郎', mergedInto: 'p-other', version: 2 });
  });

  it('lists a job while it is queued or running, never once it is done', async () => {
    const at = '2026-12-06T10:00:00.000Z';
    const base = queuedJob({ kind: 'check' }, 'job-contract', at);
    const name = tableName('jobs');
    await ensureTable(client, name);
    const jobs = storeOf(name);
    expect(await jobs.putJob(base, null)).toBe(true);
    expect((await jobs.listOpenJobs()).map((j) => j.id)).toEqual(['job-contract']);
    // A step's pace and the interview its last page left pending are kept for the next step.
    const running = { ...base, state: 'running' as const, step: 1, pace: 12.5, lastId: 'iv-1' };
    expect(await jobs.putJob(running, 0)).toBe(true);
    expect(await jobs.listOpenJobs()).toEqual([running]);
    expect(await jobs.putJob({ ...running, state: 'done', step: 2, finishedAt: at }, 1)).toBe(true);
    expect(await jobs.listOpenJobs()).toEqual([]);
    expect((await jobs.getJob('job-contract'))?.state).toBe('done');
  });

  it("answers which interviews no earlier step of a job visited, a retried step's own visits again, other jobs' apart", async () => {
    const name = tableName('visits');
    await ensureTable(client, name);
    const jobs = storeOf(name);
    expect(await jobs.firstVisits('job-v1', 3, [])).toEqual([]);
    expect(await jobs.firstVisits('job-v1', 3, ['iv-a', 'iv-b', 'iv-a'])).toEqual(['iv-a', 'iv-b']);
    // The same step again (a retry: its record, with its counts, was never saved) counts them again.
    expect(await jobs.firstVisits('job-v1', 3, ['iv-b', 'iv-c'])).toEqual(['iv-b', 'iv-c']);
    // A later step: only what no step before it visited.
    expect(await jobs.firstVisits('job-v1', 4, ['iv-c', 'iv-d', 'iv-a'])).toEqual(['iv-d']);
    expect(await jobs.firstVisits('job-v1', 9, ['iv-d'])).toEqual([]);
    // Another job's visits are its own.
    expect(await jobs.firstVisits('job-v2', 1, ['iv-a', 'iv-d'])).toEqual(['iv-a', 'iv-d']);
    // Beside the job's record (its partition).
    expect(await rawItems(client, name, keys.job('job-v1').pk)).toEqual(
      ['iv-a', 'iv-b', 'iv-c', 'iv-d'].map((id) => keys.jobVisit('job-v1', id).sk),
    );
  });

  it('pages the corrections naming a tag from a key cursor while each page leaves the list (as a merge rewrites them), a merge’s changes, and the people who carry a tag (and whether more do)', async () => {
    for (let i = 0; i < 5; i++)
      await store.putQuoteTags(`iv-pg-t00${i}`, { add: ['pg-from'], remove: [] }, 0, 'ed');
    const ids = (p: { items: Array<{ quoteId: string }> }) => p.items.map((c) => c.quoteId);
    const first = await store.quotesCorrectedWithTagPage('pg-from', { limit: 2 });
    expect(ids(first)).toEqual(['iv-pg-t000', 'iv-pg-t001']);
    for (const c of first.items)
      await store.putQuoteTags(c.quoteId, { add: ['pg-into'], remove: [] }, 1, 'merge');
    const second = await store.quotesCorrectedWithTagPage('pg-from', {
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(ids(second)).toEqual(['iv-pg-t002', 'iv-pg-t003']);
    const third = await store.quotesCorrectedWithTagPage('pg-from', {
      limit: 2,
      cursor: second.nextCursor ?? undefined,
    });
    expect(ids(third)).toEqual(['iv-pg-t004']);
    expect(third.nextCursor).toBeNull();

    const before = {
      add: ['pg-from'],
      remove: [],
      version: 1,
      updatedAt: '2026-12-07T00:00:00.000Z',
      updatedBy: 'ed',
    };
    await store.putMerge({
      id: 'pg-merge',
      from: 'pg-from',
      into: 'pg-into',
      createdTarget: false,
      at: '2026-12-07T00:00:00.000Z',
      who: 'ed',
      state: 'applying',
      quotes: 0,
      people: 0,
      interviews: 0,
    });
    await store.putMergeChanges([
      { mergeId: 'pg-merge', target: { kind: 'quote', quoteId: 'iv-pg-t000' }, before, afterVersion: 2 },
      { mergeId: 'pg-merge', target: { kind: 'quote', quoteId: 'iv-pg-t001' }, before, afterVersion: 2 },
      { mergeId: 'pg-merge', target: { kind: 'person', personId: 'person-pg' }, before, afterVersion: 2 },
    ]);
    const targets: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.mergeChangesPage('pg-merge', { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      targets.push(...page.items.map((c) => c.target));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // The merge's own record (in the same partition) is no change.
    expect(targets).toHaveLength(3);
    expect(targets).toEqual(expect.arrayContaining([{ kind: 'person', personId: 'person-pg' }]));

    for (let i = 0; i < 3; i++)
      await store.putPersonTags(`person-pg-${i}`, { add: ['pg-coach'], remove: [] }, 0, 'ed');
    const two = await store.peopleWithTagUpTo('pg-coach', 2);
    expect(two.people).toHaveLength(2);
    expect(two.more).toBe(true);
    expect(await store.peopleWithTagUpTo('pg-coach', 3)).toMatchObject({ more: false });
    expect(await store.peopleWithTagUpTo('pg-nobody', 1)).toEqual({ people: [], more: false });

    // Paged by a key cursor: someone who leaves the tag between pages moves nothing.
    const onePage = await store.peopleWithTagPage('pg-coach', { limit: 1 });
    expect(onePage.items).toEqual([{ personId: 'person-pg-0', interviewId: null }]);
    await store.putPersonTags('person-pg-1', { add: [], remove: [] }, 1, 'ed');
    const rest: unknown[] = [];
    let after = onePage.nextCursor ?? undefined;
    while (after) {
      const page = await store.peopleWithTagPage('pg-coach', { limit: 1, cursor: after });
      expect(page.items.length).toBeLessThanOrEqual(1);
      rest.push(...page.items);
      after = page.nextCursor ?? undefined;
    }
    expect(rest).toEqual([{ personId: 'person-pg-2', interviewId: null }]);
  });

  it('stores tag aliases', async () => {
    await store.putAlias('old-tag', 'new-tag', 'ed');
    expect((await store.aliases()).get('old-tag')).toBe('new-tag');
  });

  it('publishes snapshots in chunks under 350 KB and switches the manifest', async () => {
    const big = randomBytes(800_000);
    const m1 = await store.publishSnapshot(big, { quotes: 1, interviews: 1 });
    expect(m1.chunks).toBe(3);
    expect(Buffer.from(await store.readSnapshot(m1)).equals(big)).toBe(true);
    const m2 = await store.publishSnapshot(Buffer.from('small'), { quotes: 2, interviews: 1 });
    expect((await store.readManifest())?.snapshotId).toBe(m2.snapshotId);
    const m3 = await store.publishSnapshot(Buffer.from('smaller'), { quotes: 3, interviews: 1 });
    expect((await store.readManifest())?.snapshotId).toBe(m3.snapshotId);
    // The snapshot two back is deleted; the previous one stays for readers mid-load.
    expect(await rawItems(client, table, `INDEX#${m1.snapshotId}`)).toEqual([]);
    expect((await rawItems(client, table, `INDEX#${m2.snapshotId}`)).length).toBe(1);
  });

  it('retries BatchWrite UnprocessedItems until everything is written', async () => {
    const c2 = newClient();
    // On the direct path the transport holds the fault; on the SDK's, the client's middleware.
    const direct = transport ? transportFaults.partialBatchWrites(transport(), 2, 100) : null;
    const partial = direct ?? partialBatchWrites(c2, 2, 100);
    const s2 = storeOf(table, c2, direct?.transport);
    await s2.putInterview(record('iv-partial', 'クラウドソーシングで受注しています。'));
    if ('remove' in partial) partial.remove();
    // Each call kept only two requests, so the rest needed several retried calls.
    expect(partial.calls()).toBeGreaterThanOrEqual(3);
    expect((await store.getInterview('iv-partial'))?.interview.turns).toHaveLength(4);
  });

  it('reports persistent throttling as unavailable', async () => {
    const c2 = newClient();
    const s2 = storeOf(table, c2, transport ? transportFaults.throttleAll() : undefined);
    const stop = transport ? () => {} : throttleAll(c2);
    await expect(s2.getInterview('iv-a')).rejects.toBeInstanceOf(StoreUnavailableError);
    stop();
  });
});
