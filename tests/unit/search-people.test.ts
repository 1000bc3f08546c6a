/**
 * Speaker-level people in the quote index (issue 13 §3): `interviewee=` keeps the quotes a person
 * SAID (not every quote of the interviews they are in), takes several people, takes a name or a
 * reading instead of an id (or answers 400 naming the candidates), and the facets count each
 * interviewee's own quotes with their names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.ts';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { loadReadings } from '../../lib/text/readings.ts';

/** A round table: three panelists, one printed once as 奥沢 (a variant of 奥澤), and a joint turn. */
const ROUND = parseInterview(
  [
    '座談会：商店街とネット',
    '——自己紹介をお願いします。',
    '奥澤穂菜美（以下、奥澤）：奥澤です。商店街でパン屋をしています。',
    '沖玲奈（以下、沖）：沖です。古本屋をしています。',
    '中久喜朋子（以下、中久喜）：中久喜です。八百屋です。',
    '——ネットで宣伝していますか？',
    '奥澤：パン屋の写真を毎日載せています。',
    '沖：古本屋の宣伝はしていません。',
    '奥沢：パン屋は朝が早いので夜に載せます。',
    '——最後にひとこと。',
    '奥澤＆中久喜：商店街に来てください！',
    '中久喜：八百屋も待っています。',
  ].join('\n'),
  { id: 'round' },
);
/** Another interview with its own 沖 (a different person id: people are per interview). */
const SOLO = parseInterview(
  [
    '沖さんに聞く',
    '聞き手：古本屋は長いのですか？',
    '沖：祖父の代からの古本屋です。',
    '聞き手：なるほど。',
  ].join('\n'),
  { id: 'solo' },
);
/** A person whose name shares a start with 沖: 沖田. */
const THIRD = parseInterview(
  ['沖田さんの話', '聞き手：お店は？', '沖田玲司：古本屋の隣で団子屋です。'].join('\n'),
  { id: 'third' },
);

let index: QuoteIndex;
const idOf = (iv: Interview, name: string) => iv.interviewees.find((p) => p.name === name)?.id as string;
const speakersOf = (params: Parameters<QuoteIndex['search']>[0]) =>
  index.search({ limit: 100, ...params }).hits.map((h) => h.speaker.name);

beforeAll(async () => {
  index = new QuoteIndex({ readings: await loadReadings() });
  for (const iv of [ROUND, SOLO, THIRD]) index.upsertInterview(iv);
}, 60_000);

describe('interviewee= keeps the quotes the person said', () => {
  it('only that person’s turns of a round table, not the others’ or the questions', () => {
    const okuzawa = idOf(ROUND, '奥澤穂菜美');
    const page = index.search({ interviewee: okuzawa, limit: 100 });
    expect(page.hits.map((h) => h.text)).toEqual([
      '奥澤です。商店街でパン屋をしています。',
      'パン屋の写真を毎日載せています。',
      'パン屋は朝が早いので夜に載せます。',
      '商店街に来てください！',
    ]);
    // The joint turn is 中久喜's too: the facet says so.
    const nakakuki = idOf(ROUND, '中久喜朋子');
    expect(page.facets.interviewees).toEqual({ [okuzawa]: 4, [nakakuki]: 1 });
    expect(page.facets.intervieweeNames).toEqual({ [okuzawa]: '奥澤穂菜美', [nakakuki]: '中久喜朋子' });
    // With a query: パン屋 is said by 奥澤 only, 古本屋 never by her.
    expect(index.search({ q: '古本屋', interviewee: okuzawa }).total).toBe(0);
  });

  it('counts a turn said together for each of its speakers', () => {
    const oki = idOf(ROUND, '沖玲奈');
    const nakakuki = idOf(ROUND, '中久喜朋子');
    expect(speakersOf({ interviewee: nakakuki })).toHaveLength(3);
    expect(index.search({ interviewee: nakakuki, limit: 100 }).hits.map((h) => h.text)).toContain(
      '商店街に来てください！',
    );
    expect(index.search({ interviewee: oki, limit: 100 }).total).toBe(2);
  });

  it('takes several people, repeated or comma-separated, and facets name each', () => {
    const oki = idOf(ROUND, '沖玲奈');
    const okuzawa = idOf(ROUND, '奥澤穂菜美');
    const both = index.search({ interviewee: [oki, okuzawa], limit: 100 });
    expect(both.total).toBe(6);
    expect(index.search({ interviewee: `${oki},${okuzawa}`, limit: 100 }).total).toBe(6);
    expect(index.search({ interviewee: `${oki}、 ${okuzawa}`, limit: 100 }).total).toBe(6);
    expect(both.facets.interviewees).toEqual({ [oki]: 2, [okuzawa]: 4, [idOf(ROUND, '中久喜朋子')]: 1 });
    expect(both.facets.intervieweeNames[oki]).toBe('沖玲奈');
  });

  it('facets over a whole search count each interviewee’s own quotes', () => {
    const page = index.search({ q: '' });
    expect(page.facets.interviewees[idOf(ROUND, '奥澤穂菜美')]).toBe(4);
    expect(page.facets.interviewees[idOf(ROUND, '中久喜朋子')]).toBe(3);
    expect(page.facets.interviewees[idOf(SOLO, '沖')]).toBe(1);
    expect(page.facets.intervieweeNames[idOf(THIRD, '沖田玲司')]).toBe('沖田玲司');
  });
});

describe('a name instead of an id', () => {
  it('resolves a full name, a printed short form, a spelling variant and an honorific', () => {
    const want = speakersOf({ interviewee: idOf(ROUND, '奥澤穂菜美') });
    for (const name of ['奥澤穂菜美', '奥沢穂菜美', '奥澤', '奥沢さん', '奥澤 穂菜美'])
      expect(speakersOf({ interviewee: name }), name).toEqual(want);
  });

  it('a name stands for every person of that name (people are per interview)', () => {
    // 沖 is an alias of the round table's 沖玲奈 and the name of the solo interview's 沖.
    const page = index.search({ interviewee: '沖', limit: 100 });
    expect(new Set(page.hits.map((h) => h.speaker.id))).toEqual(
      new Set([idOf(ROUND, '沖玲奈'), idOf(SOLO, '沖')]),
    );
  });

  it('a part of one name resolves; a part of several names is a 400 naming the candidates', () => {
    expect(speakersOf({ interviewee: '沖田' })).toEqual(['沖田玲司']);
    expect(speakersOf({ interviewee: '喜朋' })).toEqual([
      '中久喜朋子',
      '奥澤穂菜美、中久喜朋子',
      '中久喜朋子',
    ]);
    // 玲 is in 沖玲奈 and in 沖田玲司: two people, two names.
    const ambiguous = () => index.search({ interviewee: '玲' });
    expect(ambiguous).toThrow(ValidationError);
    const details = (() => {
      try {
        ambiguous();
      } catch (e) {
        return (e as ValidationError).details as { candidates: Array<{ id: string; name: string }> };
      }
      return null;
    })();
    expect(details?.candidates.map((c) => c.name).sort()).toEqual(['沖玲奈', '沖田玲司']);
    expect(details?.candidates.map((c) => c.id)).toContain(idOf(THIRD, '沖田玲司'));
  });

  it('an unknown name or id is a 400, never an empty page', () => {
    expect(() => index.search({ interviewee: '山田太郎' })).toThrow(/neither a person id nor the name/);
    expect(() => index.search({ interviewee: 'p-nobody' })).toThrow(ValidationError);
  });
});

describe('finding people by name or reading', () => {
  it('finds by kanji, by hiragana and katakana readings, best first', () => {
    expect(index.findPeople('沖', { role: 'interviewee' }).map((p) => p.name)).toEqual([
      '沖',
      '沖玲奈',
      '沖田玲司',
    ]);
    expect(index.findPeople('おきた').map((p) => p.name)).toEqual(['沖田玲司']);
    expect(index.findPeople('なかくき').map((p) => p.name)).toContain('中久喜朋子');
    expect(index.findPeople('八百屋')).toEqual([]);
  });

  it('an editor’s reading finds the person after re-indexing', () => {
    const renamed = {
      ...SOLO,
      interviewees: SOLO.interviewees.map((p) => ({ ...p, reading: 'おきのぶお' })),
    };
    index.upsertInterview(renamed);
    expect(index.findPeople('おきのぶ').map((p) => p.id)).toEqual([idOf(SOLO, '沖')]);
    index.upsertInterview(SOLO);
    expect(index.findPeople('おきのぶ')).toEqual([]);
  });
});

/**
 * A name is never joined across people the reader did not mean: たけし, the interviewer of one
 * interview, is not 山本武司 (read やまもと たけし), an interviewee of another; やまもと is two
 * interviewees of two names. Each interview is written here after the samples' shapes.
 */
describe('a name that fits people of different roles or names', () => {
  const ASKED_BY_TAKESHI = parseInterview(
    [
      '---',
      'title: たけしが聞く商店街',
      'interviewer: たけし',
      '---',
      'たけし：お店は長いのですか？',
      '川口：祖父の代からの団子屋です。',
      'たけし：団子は毎朝作るのですか？',
      '川口：毎朝四時からです。',
    ].join('\n'),
    { id: 'asked' },
  );
  const YAMAMOTO = parseInterview(
    [
      '山本武司さんの話',
      '聞き手：お店は？',
      '山本武司：団子屋の隣で酒屋をしています。',
      '聞き手：長いのですか？',
      '山本武司：三十年です。',
    ].join('\n'),
    { id: 'yamamoto' },
  );
  const HANAKO = parseInterview(
    ['山本花子さんの話', '聞き手：お店は？', '山本花子：酒屋の向かいで花屋です。'].join('\n'),
    { id: 'hanako' },
  );
  let people: QuoteIndex;
  const takeshi = () => ASKED_BY_TAKESHI.interviewer?.id as string;
  const candidatesOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (
        (e as ValidationError).details as { candidates: Array<{ id: string; name: string; role: string }> }
      ).candidates;
    }
    throw new Error('no 400');
  };

  beforeAll(async () => {
    people = new QuoteIndex({ readings: await loadReadings() });
    for (const iv of [ASKED_BY_TAKESHI, YAMAMOTO, HANAKO]) people.upsertInterview(iv);
  }, 60_000);

  it('looks a name up among interviewees: たけし is 山本武司 only, and the response says so', () => {
    expect(ASKED_BY_TAKESHI.interviewer?.name).toBe('たけし');
    const page = people.search({ interviewee: 'たけし', limit: 100 });
    expect(page.hits.map((h) => [h.speaker.name, h.speaker.role])).toEqual([
      ['山本武司', 'interviewee'],
      ['山本武司', 'interviewee'],
    ]);
    expect(page.people).toEqual({
      たけし: [
        { id: idOf(YAMAMOTO, '山本武司'), name: '山本武司', role: 'interviewee', interviews: ['yamamoto'] },
      ],
    });
  });

  it('keeps an id exact, the interviewer’s too, and lists no people for it', () => {
    const page = people.search({ interviewee: takeshi(), limit: 100 });
    expect(page.hits.map((h) => h.text)).toEqual(['お店は長いのですか？', '団子は毎朝作るのですか？']);
    expect(page.people).toBeUndefined();
  });

  it('finds someone who only asks by their name when no interviewee has it, listed with their role', () => {
    const alone = new QuoteIndex();
    alone.upsertInterview(ASKED_BY_TAKESHI);
    const page = alone.search({ interviewee: 'たけし', limit: 100 });
    expect(page.hits.map((h) => h.speaker.role)).toEqual(['interviewer', 'interviewer']);
    expect(page.people?.たけし?.map((p) => [p.id, p.role])).toEqual([[takeshi(), 'interviewer']]);
  });

  it('answers 400 with the candidates when a name fits interviewees of different names (やまもと)', () => {
    const candidates = candidatesOf(() => people.search({ interviewee: 'やまもと' }));
    expect(candidates.map((c) => [c.id, c.name, c.role]).sort()).toEqual(
      [
        [idOf(YAMAMOTO, '山本武司'), '山本武司', 'interviewee'],
        [idOf(HANAKO, '山本花子'), '山本花子', 'interviewee'],
      ].sort(),
    );
    // Each of them is one click away: their id filters exactly.
    expect(people.search({ interviewee: idOf(HANAKO, '山本花子') }).total).toBe(1);
  });

  it('still takes a short form and its full name together, and lists both', () => {
    // In the round table above 沖 is 沖玲奈's printed short form; the solo interview's 沖 is that name.
    const page = index.search({ interviewee: '沖', limit: 100 });
    expect(page.people?.沖?.map((p) => p.name).sort()).toEqual(['沖', '沖玲奈']);
  });
});
