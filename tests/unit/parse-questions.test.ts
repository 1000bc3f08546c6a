/**
 * Which question an answer answers, in round tables and talk sessions: always the interviewer's
 * last turn before it (lib/parse/questions.ts) — never a co-speaker's turn, also when the answer
 * replies to a co-speaker's remark or question, and nothing when nobody interviews. One rule,
 * used by the parser and by lib/people/edits.ts when an editor changes a role: a role edit and a
 * re-ingest of the same roles link the same questions. The fixtures are written here after the
 * shapes of the livedoor round tables (座談会 with `——` questions and `名前：` answers, a talk session
 * with `名前（以下、略称）：` and an MC, two critics talking); the last block counts, over the real
 * corpora, answers linked to anything but an interviewer turn.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Interview, Role } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { questionLinks } from '../../lib/parse/questions.ts';
import { applyPeopleEdits, textDigest } from '../../lib/people/edits.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { available, corporaDir, filesIn } from '../helpers/shared.ts';

/** Each turn as `speaker→ordinal of its question` (`-` for none). */
const links = (iv: Interview): string[] => {
  const ordinal = new Map(iv.turns.map((t) => [t.id, t.ordinal]));
  return iv.turns.map((t) => `${t.speaker}→${t.questionId ? ordinal.get(t.questionId) : '-'}`);
};

/** Answers linked to a turn that is not the interviewer's, and answers not linked to the nearest one. */
function misLinked(iv: Interview): { toNonInterviewer: number; notNearest: number } {
  const roleOf = new Map(iv.turns.map((t) => [t.id, t.role]));
  let toNonInterviewer = 0;
  let notNearest = 0;
  let nearest: string | null = null;
  for (const t of iv.turns) {
    if (t.role === 'interviewer') {
      nearest = t.id;
      continue;
    }
    if (t.questionId !== null && roleOf.get(t.questionId) !== 'interviewer') toNonInterviewer++;
    if (t.questionId !== nearest) notNearest++;
  }
  return { toNonInterviewer, notNearest };
}

/** A 座談会 in the magazine layout: `——` asks, four named speakers answer and talk to each other. */
const ROUND_TABLE = [
  'http://news.livedoor.com/article/detail/1000001/',
  '2011-06-06T10:00:00+0900',
  '【座談会】週末の過ごし方、みんなどうしてる？',
  '同じビルで働く三人に、週末の過ごし方を聞いてみた。',
  '',
  '——まずは、週末は何をしていますか？',
  '',
  'ゆか：私はだいたい料理ですね。平日にできない煮込みを作ります。',
  '',
  'まい：私は山登りです。朝早く出て、夕方には帰ります。お二人は？',
  '',
  'けい：私は寝てます（笑）',
  '',
  'ゆか：えー、もったいない！',
  '',
  '全員：（笑）',
  '',
  '——では、平日の夜はどうですか。',
  '',
  'けい：ジムに行きます。週末寝てるぶん、平日に動くんです。',
  '',
  'ゆか：どこのジムですか？',
  '',
  'けい：会社の近くのところです。',
].join('\n');

/** A talk session: speakers introduced with `（以下、略称）`, an MC, speakers asking each other. */
const TALK = [
  '【対談】山田太郎×佐藤花子',
  '出版記念の対談をお届けする。',
  '',
  'MC：お二人の出会いは？',
  '',
  '山田太郎（以下、山田）：二十年前の雑誌の仕事です。',
  '',
  '佐藤花子（以下、佐藤）：山田さん、あの時のこと覚えてます？',
  '',
  '山田：もちろん。佐藤さんは遅刻してきた。',
  '',
  '佐藤：それは言わない約束です（笑）',
  '',
  'MC：次の作品は？',
  '',
  '佐藤：秋に出ます。',
].join('\n');

/** Two critics talking, nobody asking for the reader: no turn answers a question. */
const CRITICS = [
  '【対談】クルマ談義',
  '',
  '金子浩久（以下、金子）：小沢さん、最近のクルマはどう？',
  '',
  '小沢コージ（以下、小沢）：面白くなってきましたよ。',
  '',
  '金子：どこが？',
  '',
  '小沢：小さいクルマが元気です。',
].join('\n');

describe('a round table (座談会) in the magazine layout', () => {
  const iv = parseInterview(ROUND_TABLE, { id: 'round' });

  it("keeps every answer under the interviewer's last `——` question, also a reply to a co-speaker's question", () => {
    expect(links(iv)).toEqual([
      '聞き手→-',
      'ゆか→1',
      // まい asks the others back (お二人は？): けい's answer is still to the interviewer's question.
      'まい→1',
      'けい→1',
      'ゆか→1',
      '全員→1',
      '聞き手→-',
      'けい→7',
      // ゆか asks けい; けい's reply is under the interviewer's second question, not ゆか's turn.
      'ゆか→7',
      'けい→7',
    ]);
    expect(misLinked(iv)).toEqual({ toNonInterviewer: 0, notNearest: 0 });
  });

  it('gives search hits the same question the interview shows', () => {
    const index = new QuoteIndex();
    index.upsertInterview(iv);
    const hit = index.search({ q: '会社の近く' }).hits[0];
    expect(hit?.speaker.name).toBe('けい');
    expect(hit?.question).toMatchObject({ quoteId: 'round-t007', text: 'では、平日の夜はどうですか。' });
  });
});

describe('a talk session', () => {
  it("keeps the speakers' exchanges under the MC's question", () => {
    const iv = parseInterview(TALK, { id: 'talk' });
    expect(links(iv)).toEqual([
      'MC→-',
      '山田太郎→1',
      '佐藤花子→1',
      '山田太郎→1',
      '佐藤花子→1',
      'MC→-',
      '佐藤花子→6',
    ]);
    expect(misLinked(iv)).toEqual({ toNonInterviewer: 0, notNearest: 0 });
  });

  it('links nothing when nobody interviews (two critics talking)', () => {
    const iv = parseInterview(CRITICS, { id: 'critics' });
    expect(iv.turns.every((t) => t.role === 'interviewee')).toBe(true);
    expect(iv.turns.map((t) => t.questionId)).toEqual([null, null, null, null]);
  });
});

describe('one rule for the parser and for role edits', () => {
  it('questionLinks: the last interviewer turn, null before the first and for interviewer turns', () => {
    const roles: Role[] = [
      'interviewee',
      'interviewer',
      'interviewee',
      'other',
      'interviewer',
      'interviewer',
      'interviewee',
    ];
    expect(questionLinks(roles.map((role, i) => ({ id: `t${i}`, role })))).toEqual([
      null,
      null,
      't1',
      't1',
      null,
      null,
      't5',
    ]);
  });

  it('an editor making a co-speaker’s question the interviewer’s re-links the reply to it, and undoing it re-links back', () => {
    const iv = parseInterview(ROUND_TABLE, { id: 'round' });
    const asked = iv.turns[8] as Interview['turns'][number];
    expect(asked.text).toBe('どこのジムですか？');
    const edit = (role: Role) => ({
      edits: { turns: [{ quoteId: asked.id, textDigest: textDigest(asked.text), role }], people: [] },
      profiles: new Map(),
    });
    const asInterviewer = applyPeopleEdits(iv, edit('interviewer'));
    expect(links(asInterviewer).slice(7)).toEqual(['けい→7', 'ゆか→-', 'けい→9']);
    const back = applyPeopleEdits(asInterviewer, edit('interviewee'));
    expect(back.turns.map((t) => t.questionId)).toEqual(iv.turns.map((t) => t.questionId));
  });

  it('links any roles an edit gives exactly as a parse of a transcript printing those roles', () => {
    // Each turn printed with a label of its role, after an opening where every label speaks twice
    // (a label printed once is no speaker); an edit gives the same turns, printed under the
    // speakers' names, the same roles.
    // Speakers introduced as a talk session introduces them (`山田太郎（以下、山田）：`), the
    // shape in which the parser and the edits once linked answers differently.
    const names = ['山田', '佐藤', '鈴木'];
    const opening = [
      '聞き手：始めの発言です。',
      ...names.map((n) => `${n}太郎（以下、${n}）：始めの発言です。`),
      ...['聞き手', ...names, '全員', '全員'].map((label) => `${label}：次の発言です。`),
    ].join('\n');
    const transcript = (labels: string[]) =>
      `---\ntitle: 鼎談\n---\n${opening}\n${labels.map((l, i) => `${l}：発言その${i + 1}です。`).join('\n')}`;
    const turn = fc.record({
      role: fc.constantFrom<Role>('interviewer', 'interviewee', 'other'),
      who: fc.constantFrom(...names),
    });
    fc.assert(
      fc.property(fc.array(turn, { minLength: 1, maxLength: 12 }), (spec) => {
        const printed = parseInterview(
          transcript(
            spec.map((s) => (s.role === 'interviewer' ? '聞き手' : s.role === 'other' ? '全員' : s.who)),
          ),
          { id: 'p', format: 'prefixed' },
        );
        const plain = parseInterview(transcript(spec.map((s) => s.who)), { id: 'p', format: 'prefixed' });
        const from = plain.turns.length - spec.length;
        const edited = applyPeopleEdits(plain, {
          edits: {
            turns: plain.turns.slice(from).map((t, i) => ({
              quoteId: t.id,
              textDigest: textDigest(t.text),
              role: (spec[i] as (typeof spec)[number]).role,
            })),
            people: [],
          },
          profiles: new Map(),
        });
        expect(edited.turns.map((t) => t.role)).toEqual(printed.turns.map((t) => t.role));
        expect(edited.turns.map((t) => t.questionId)).toEqual(printed.turns.map((t) => t.questionId));
      }),
      { numRuns: 150 },
    );
  });
});

const haveCorpora = available(corporaDir, 'question links over the livedoor corpora');

describe.runIf(haveCorpora)('question links over the livedoor corpora', () => {
  /** Per folder: articles parsed, those with two or more interviewees, answers, and mis-linked ones. */
  const counts = new Map<
    string,
    { articles: number; multi: number; answers: number; toNonInterviewer: number; notNearest: number }
  >();

  beforeAll(() => {
    for (const folder of ['livedoor-interviews', 'livedoor-news']) {
      const c = { articles: 0, multi: 0, answers: 0, toNonInterviewer: 0, notNearest: 0 };
      for (const file of filesIn(join(corporaDir, folder), '.txt')) {
        let iv: Interview;
        try {
          iv = parseInterview(readFileSync(file, 'utf8'));
        } catch {
          continue; // a news article that is no interview: nothing to link
        }
        c.articles++;
        if (iv.interviewees.length >= 2) c.multi++;
        c.answers += iv.turns.filter((t) => t.role !== 'interviewer').length;
        const m = misLinked(iv);
        c.toNonInterviewer += m.toNonInterviewer;
        c.notNearest += m.notNearest;
      }
      counts.set(folder, c);
      console.log(`question links, ${folder}: ${JSON.stringify(c)}`);
    }
  }, 120_000);

  it('links no answer of the 119 interviews to anything but the nearest interviewer turn before it', () => {
    const c = counts.get('livedoor-interviews');
    expect(c?.articles).toBe(119);
    // The round tables and joint interviews are there to be checked: 40 with two interviewees or more.
    expect(c?.multi).toBeGreaterThanOrEqual(30);
    expect(c).toMatchObject({ toNonInterviewer: 0, notNearest: 0 });
  });

  it('nor in the talk sessions and other Q&A pages of the news corpus (108 answers linked to a co-speaker before)', () => {
    const c = counts.get('livedoor-news');
    expect(c?.multi).toBeGreaterThanOrEqual(30);
    expect(c).toMatchObject({ toNonInterviewer: 0, notNearest: 0 });
  });
});
