/**
 * The blog layout with each speaker's name printed once on a line of its own (issue 13): the
 * name, then the utterance, plain-line headings between the turns. Posts written for these tests;
 * the seed layout (the name printed twice) is covered by parse.test.ts and must not change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { detectFormat, parseInterview } from '../../lib/parse/index.ts';
import { available, seedPath } from '../helpers/shared.ts';

/** A bakery owner who also teaches online, interviewed by the blogger みさき. */
const BAKERY = `パン屋とオンライン講師、二足のわらじ｜みさきの週末インタビュー

こんにちは、みさきです。今回は京都でパン屋を営みながら、夜はオンラインで製パン教室を開いている陽介さんにお話を聞きました。

みさき
陽介さん、今日はよろしくお願いします！朝は何時から仕込みをしているんですか？

陽介
よろしくお願いします。仕込みは朝4時からです。7時の開店までに食パンとバゲットを焼き上げます。

みさき
早い！オンライン教室はいつ頃から始めたんですか？

陽介
3年前の冬です。店を閉めていた時期に、常連さんから「家でも焼けるように教えてほしい」と言われて。
最初はスマホ1台で配信していました。

教室の時間割

みさき
教室は週に何回ですか？

陽介
火曜と金曜の夜、2回です。
時間：20時〜21時半
生徒さんは今40人くらいいます。

みさき
パン屋さんの仕事と両立するのは大変じゃないですか？

陽介
正直、睡眠は削られますね。でも教室で質問をもらうと、自分の焼き方を見直すきっかけになるんです。

これからのこと

みさき
最後に、これからやってみたいことを教えてください。

陽介
いつか生徒さんと一緒に、一日だけのパン屋を開きたいですね。

みさき
素敵です！ありがとうございました。

コメント
`;

describe('the blog layout with each name printed once', () => {
  const iv = parseInterview(BAKERY, { id: 'bakery' });

  it('is detected as a blog, not rejected and not taken for `名前：` lines', () => {
    expect(detectFormat(BAKERY)).toBe('blog');
    expect(iv.format).toBe('blog');
    expect(iv.title).toBe('パン屋とオンライン講師、二足のわらじ｜みさきの週末インタビュー');
  });

  it('gives each utterance to the name above it; the blogger who opens asks', () => {
    expect(iv.turns.map((t) => [t.role, t.speaker])).toEqual([
      ['interviewer', 'みさき'],
      ['interviewee', '陽介'],
      ['interviewer', 'みさき'],
      ['interviewee', '陽介'],
      ['interviewer', 'みさき'],
      ['interviewee', '陽介'],
      ['interviewer', 'みさき'],
      ['interviewee', '陽介'],
      ['interviewer', 'みさき'],
      ['interviewee', '陽介'],
      ['interviewer', 'みさき'],
    ]);
    expect(iv.interviewer?.name).toBe('みさき');
    expect(iv.interviewees.map((p) => p.name)).toEqual(['陽介']);
  });

  it('keeps a turn of several lines whole, `時間：` inside it included', () => {
    expect(iv.turns[3]?.text).toBe(
      '3年前の冬です。店を閉めていた時期に、常連さんから「家でも焼けるように教えてほしい」と言われて。\n最初はスマホ1台で配信していました。',
    );
    expect(iv.turns[5]?.text).toContain('時間：20時〜21時半');
  });

  it('reads the plain lines between turns as section headings, and drops the lead and the chrome', () => {
    expect(iv.sections.map((s) => s.heading)).toEqual(['教室の時間割', 'これからのこと']);
    expect(iv.turns.map((t) => t.section)).toEqual([
      null,
      null,
      null,
      null,
      '教室の時間割',
      '教室の時間割',
      '教室の時間割',
      '教室の時間割',
      'これからのこと',
      'これからのこと',
      'これからのこと',
    ]);
    const all = iv.turns.map((t) => t.text).join('\n');
    expect(all).not.toMatch(/こんにちは、みさきです|コメント/);
  });

  it('links each answer to the question before it', () => {
    expect(iv.turns[1]?.questionId).toBe(iv.turns[0]?.id);
    expect(iv.turns[9]?.questionId).toBe(iv.turns[8]?.id);
  });

  it('also reads a blank line between the name and the utterance', () => {
    const spaced = parseInterview(
      `古書店主に聞く\n\nゆう\n\n本はどこから仕入れますか？\n\n古川\n\n市場と、亡くなった方の蔵書整理です。\n\nゆう\n\n一番の掘り出し物は？\n\n古川\n\n初版の詩集ですね。値段は秘密です（笑）。\n`,
    );
    expect(spaced.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['ゆう', '本はどこから仕入れますか？'],
      ['古川', '市場と、亡くなった方の蔵書整理です。'],
      ['ゆう', '一番の掘り出し物は？'],
      ['古川', '初版の詩集ですね。値段は秘密です（笑）。'],
    ]);
  });

  it('does not take a short reply printed twice for a speaker', () => {
    const replies = parseInterview(
      `自転車で日本一周\n\n聡\n北海道から出発したんですよね？\n\n真司\nはい\n\n聡\n雨の日は？\n\n真司\nはい\n濡れながら走りました。\n`,
    );
    expect(replies.turns.map((t) => t.speaker)).toEqual(['聡', '真司', '聡', '真司']);
  });

  it('still names the line when a post has no speaker printed twice', () => {
    try {
      parseInterview('題\n\n山田\nこんにちは。\n', { format: 'blog' });
      expect.unreachable('a single turn with a once-printed name is no layout');
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).message).toMatch(/name printed alone before each utterance/);
    }
  });
});

const haveSeed = available(seedPath, 'seed layout check');

describe.runIf(haveSeed)('the doubled-name layout of the seed', () => {
  it('is still read with its names printed twice (30 turns, as before)', () => {
    const seed = parseInterview(readFileSync(seedPath, 'utf8'));
    expect(seed.format).toBe('blog');
    expect(seed.turns).toHaveLength(30);
    expect(seed.turns.filter((t) => t.role === 'interviewer')).toHaveLength(16);
  });
});

describe('a livedoor article header (URL, date, title) over other layouts', () => {
  const HEADER = 'http://news.example.jp/article/detail/1234567/\n2011-06-07T11:00:00+0900\n';
  it('gives the blog layout its title, URL and date instead of taking the URL for the title', () => {
    const iv = parseInterview(`${HEADER}${BAKERY}`, { format: 'blog' });
    expect(iv.title).toBe('パン屋とオンライン講師、二足のわらじ｜みさきの週末インタビュー');
    expect(iv.url).toBe('http://news.example.jp/article/detail/1234567/');
    expect(iv.publishedAt?.slice(0, 10)).toBe('2011-06-07');
    expect(iv.turns.length).toBe(parseInterview(BAKERY, { format: 'blog' }).turns.length);
  });

  it('gives the speaker-prefixed layout its title, URL and date', () => {
    const body = [
      '夜はオンラインで教えるパン職人',
      '陽介：仕込みは朝4時からです。',
      'みさき：教室は週に何回ですか？',
      '陽介：火曜と金曜の夜、2回です。',
      'みさき：ありがとうございました。',
    ].join('\n');
    const iv = parseInterview(`${HEADER}${body}`, { format: 'prefixed' });
    expect(iv.title).toBe('夜はオンラインで教えるパン職人');
    expect(iv.url).toBe('http://news.example.jp/article/detail/1234567/');
    expect(iv.publishedAt?.slice(0, 10)).toBe('2011-06-07');
    expect(iv.turns.map((t) => t.speaker)).toEqual(['陽介', 'みさき', '陽介', 'みさき']);
  });
});

describe('a round table whose members are printed with their age, some of them once', () => {
  // Written for this test in the layout of livedoor's round tables (peachy 5043756, movie-enter
  // 6286599): the writer's `Q:` over the answers, each member labelled `名前（歳）` at first and bare
  // later, and one member printed a single time whom the lead names.
  const ROUND_TABLE = `http://news.example.jp/article/detail/7654321/
2011-10-01T10:00:00+0900
冬のお弁当、どうしてる？　働く女子座談会
20代から30代の働く女子、真理子、由香、千尋、奈々の4人にお弁当事情を語ってもらいました。

Q:冬のお弁当で気をつけていることはありますか？

真理子（24歳）
冷めてもおいしいおかずを選ぶようにしています。煮物が多いかな。

由香（29歳）
私はスープジャーを使ってます。温かいものが食べられるのがうれしい。

奈々（33歳）
朝は時間がないから、前の晩に詰めちゃう派です。

真理子
スープジャーいいね。今年こそ買おうかな。

由香
保温が6時間くらい続くから、お昼にちょうどいいよ。

千尋
私は会社の近くのお弁当屋さんばかりで、作るのは週末だけです。

奈々
それも大事だよね。無理しないのが続けるコツ。

全員
本当にそう。
`;

  it('gives each answer to its member, the age dropped from the name', () => {
    const iv = parseInterview(ROUND_TABLE);
    const answers = iv.turns.filter((t) => t.role === 'interviewee');
    expect(answers.map((t) => t.speaker)).toEqual([
      '真理子',
      '由香',
      '奈々',
      '真理子',
      '由香',
      '千尋',
      '奈々',
    ]);
    expect(iv.interviewees.map((p) => p.name).sort()).toEqual(['千尋', '奈々', '由香', '真理子'].sort());
  });

  it('reads `全員` (everyone at once) as nobody’s answer, as the other layouts do', () => {
    const iv = parseInterview(ROUND_TABLE);
    expect(iv.turns.at(-1)).toMatchObject({ speaker: '全員', role: 'other', speakerId: null });
  });

  it('keeps the answers before the first bare name (they were dropped with the lead)', () => {
    const iv = parseInterview(ROUND_TABLE);
    expect(iv.turns.some((t) => t.text.includes('煮物が多いかな'))).toBe(true);
    expect(iv.turns.some((t) => t.text.includes('前の晩に詰めちゃう派'))).toBe(true);
  });

  it('gives a member printed once, whom the lead names, her own turn instead of gluing it to the one before', () => {
    const iv = parseInterview(ROUND_TABLE);
    const yuka = iv.turns.filter((t) => t.speaker === '由香').at(-1);
    expect(yuka?.text).not.toContain('お弁当屋さん');
    expect(iv.turns.find((t) => t.speaker === '千尋')?.text).toBe(
      '私は会社の近くのお弁当屋さんばかりで、作るのは週末だけです。',
    );
  });

  it('reads the writer’s `Q:` line as the question the answers after it answer, with no person behind it', () => {
    const iv = parseInterview(ROUND_TABLE);
    const q = iv.turns[0];
    expect(q?.role).toBe('interviewer');
    expect(q?.text).toBe('冬のお弁当で気をつけていることはありますか？');
    expect(iv.turns[1]?.questionId).toBe(q?.id);
    expect(iv.interviewer).toBeNull();
  });

  it('does not take a name printed once that nothing vouches for', () => {
    const unvouched = ROUND_TABLE.replace('真理子、由香、千尋、奈々の4人', '4人');
    const iv = parseInterview(unvouched);
    expect(iv.turns.some((t) => t.speaker === '千尋')).toBe(false);
  });
});
