/**
 * Dash layout (`——` questions, answers as plain paragraphs or after `名前：`): the writer's
 * paragraphs are never credited to a speaker, are kept as `narration` (the turn they follow and
 * their offsets), and answers are not lost for standing next to a caption or a box. Every text
 * here is written for the test (no corpus text); the judged real articles are in
 * tests/unit/parse-narration-corpus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview, parseWithReport, withInterviewId } from '../../lib/parse/index.ts';
import { BOOKSHOP_BODY, BOOKSHOP_HEAD } from '../helpers/narration.ts';

const HEAD = BOOKSHOP_HEAD;
const parse = (...body: string[]) => parseInterview([...HEAD, ...body].join('\n'), { format: 'dash' });
const answers = (iv: Interview) => iv.turns.filter((t) => t.role === 'interviewee').map((t) => t.text);
const questions = (iv: Interview) => iv.turns.filter((t) => t.role === 'interviewer').map((t) => t.text);
const narration = (iv: Interview) => iv.narration.map((n) => n.text);
/** Every non-blank body line is somewhere: a turn, the narration, a caption or a section heading. */
const everywhere = (iv: Interview) =>
  [
    ...iv.turns.map((t) => t.text),
    ...narration(iv),
    ...iv.captions,
    ...iv.sections.map((s) => s.heading),
  ].join('\n');

describe('narration in the dash layout', () => {
  it('keeps the lead and the writer’s closing paragraph as narration, after the turn they follow', () => {
    const iv = parse(...BOOKSHOP_BODY);
    expect(answers(iv)).toEqual([
      '父が倒れたときに、誰かがやらなきゃと思ったんです。',
      '子ども向けの読み聞かせを毎週続けたいですね。',
    ]);
    expect(iv.narration.map((n) => [n.after, n.text])).toEqual([
      [0, '駅前で四十年続く小さな書店。店主の森川さんに話を聞いた。'],
      [4, '取材の帰り道、店先の灯りがいつまでも見えていた。'],
    ]);
    const source = [...HEAD, ''].join('\n');
    const first = iv.narration[0];
    expect(first?.start).toBe(source.length);
    // Offsets point at the line in the source.
    const text = [...HEAD, '　駅前で四十年続く小さな書店。店主の森川さんに話を聞いた。'].join('\n');
    expect(text.slice(first?.start ?? 0, first?.end ?? 0).trim()).toBe(first?.text);
  });

  it('does not credit 「…」と語る framing or the writer in the first person to the speaker', () => {
    const iv = parse(
      '——本屋の役割は何でしょう？',
      '森川：待ち合わせ場所になれたら十分なんです。',
      '',
      '「本は買わなくてもいい」と森川さんは笑う。',
      '',
      '筆者も学生の頃、この店で雨宿りをしたことがある。',
      '',
      '——最後に一言お願いします。',
      '森川：ふらっと寄ってください。',
    );
    expect(answers(iv)).toEqual(['待ち合わせ場所になれたら十分なんです。', 'ふらっと寄ってください。']);
    expect(narration(iv)).toEqual([
      '「本は買わなくてもいい」と森川さんは笑う。',
      '筆者も学生の頃、この店で雨宿りをしたことがある。',
    ]);
  });

  it('keeps an answer that quotes someone with 「…」と語った inside its own words', () => {
    const iv = parse(
      '——ご家族は反対しませんでしたか？',
      '森川：母は「やめておけ」と語ったきり、口をきいてくれませんでした（笑）。',
      '',
      'でも開店の日には、一番に来てくれたんですよ。',
      '',
      '——いいお話ですね。',
      '森川：今でも毎週来ます。',
    );
    expect(answers(iv)[0]).toBe(
      '母は「やめておけ」と語ったきり、口をきいてくれませんでした（笑）。\n\nでも開店の日には、一番に来てくれたんですよ。',
    );
    expect(iv.narration).toEqual([]);
  });

  it('keeps an answer’s paragraph between two price captions, and the captions out of it', () => {
    const iv = parse(
      '——おすすめの文具は？',
      '森川：この革のペンケースです。',
      '',
      'ペンケース¥4,800（森川書店）',
      '',
      '雨の日でも手になじむのがいいでしょう。',
      '',
      'ノート¥1,200（森川書店）',
      '',
      '——ありがとうございました。',
      '森川：こちらこそ。',
    );
    expect(answers(iv)[0]).toBe('この革のペンケースです。\n\n雨の日でも手になじむのがいいでしょう。');
    expect(iv.captions).toEqual(['ペンケース¥4,800（森川書店）', 'ノート¥1,200（森川書店）']);
  });

  it('keeps an answer before a section heading that leads to the next question', () => {
    const iv = parse(
      '——棚づくりのこだわりは？',
      '森川：平台は毎朝入れ替えます。',
      '',
      '季節の本を手前に置くようにしているんですよ。',
      '',
      '',
      '常連さんとの距離',
      '',
      '——お客さんとはどんな話を？',
      '森川：天気の話が一番多いです。',
    );
    expect(answers(iv)[0]).toBe('平台は毎朝入れ替えます。\n\n季節の本を手前に置くようにしているんですよ。');
    expect(iv.sections.map((s) => s.heading)).toContain('常連さんとの距離');
  });

  it('after the last answer, keeps only chatty talk with it; the writer’s polite close is narration', () => {
    const iv = parse(
      '——最近うれしかったことは？',
      '森川：常連さんのお子さんが、自分で本を選ぶようになったことです。',
      '',
      'あれは本当にうれしかったですよね。',
      '',
      '森川書店は毎週水曜が定休日です。',
      '',
      '森川　一郎（もりかわ・いちろう）',
      '1950年生まれ。',
    );
    expect(answers(iv)).toEqual([
      '常連さんのお子さんが、自分で本を選ぶようになったことです。\n\nあれは本当にうれしかったですよね。',
    ]);
    expect(narration(iv)).toEqual([
      '森川書店は毎週水曜が定休日です。',
      '森川　一郎（もりかわ・いちろう）\n1950年生まれ。',
    ]);
  });

  it('after the last answer, keeps the speaker’s advice to readers right after it; the writer’s is narration', () => {
    const advice = (close: string) =>
      parse(
        '——音読を始めたきっかけは？',
        '森川：店で読み聞かせをしたのが最初です。',
        '',
        '——忙しい人におすすめの練習は？',
        '森川：寝る前に十分だけ、好きな本を音読することをおすすめします。',
        '',
        close,
        '',
        '店頭に並ぶ朗読用の文庫',
        '',
        '■関連リンク',
        '・森川書店',
      );
    // Nothing stands between the answer and the paragraph, which speaks to the reader politely.
    const spoken = '声に出すと、内容もすっと頭に入ります。まずは一冊、試してみてはいかがでしょうか。';
    expect(answers(advice(spoken)).slice(1)).toEqual([
      `寝る前に十分だけ、好きな本を音読することをおすすめします。\n\n${spoken}`,
    ]);
    // Hearsay is the writer reporting, however politely it turns to the reader.
    const reported = '音読用の文庫は店頭でも買えるそうです。試してみてはいかがでしょうか。';
    expect(answers(advice(reported)).slice(1)).toEqual([
      '寝る前に十分だけ、好きな本を音読することをおすすめします。',
    ]);
    expect(narration(advice(reported))).toContain(reported);
    // Polite facts without advice after the last answer stay the writer's close.
    const facts = '音読会は毎月第一土曜に開かれています。';
    expect(answers(advice(facts)).slice(1)).toEqual([
      '寝る前に十分だけ、好きな本を音読することをおすすめします。',
    ]);
    expect(narration(advice(facts))).toContain(facts);
  });

  it('never glues （つづく）, a reference note or the titles under ■関連記事 to an answer', () => {
    const text = [
      ...HEAD,
      '——本の未来はどうなりますか？',
      '紙の本はなくならないと思います。',
      '',
      '手で触れる体験は、ほかに代えがたいですから。',
      '（参考：https://example.com/survey）',
      '',
      '（つづく）',
      '',
      '■関連記事',
      '街の本屋を続ける理由（１）',
      '街の本屋を続ける理由（２）',
    ].join('\n');
    const { interview: iv, furniture } = parseWithReport(text, { format: 'dash' });
    expect(answers(iv)).toEqual([
      '紙の本はなくならないと思います。\n\n手で触れる体験は、ほかに代えがたいですから。',
    ]);
    const kinds = new Map(furniture.map((f) => [f.line.text.trim(), f.kind]));
    expect(kinds.get('（つづく）')).toBe('note');
    expect(kinds.get('（参考：https://example.com/survey）')).toBe('note');
    expect(kinds.get('街の本屋を続ける理由（２）')).toBe('info');
  });

  it('keeps a bullet list printed inside an answer, but not a link list after it', () => {
    const iv = parse(
      '——初デートのコツは？',
      '森川：お願いの形で話すといいですよ。',
      '・あの店に行ってみたいな',
      '・一緒に選んでほしいな',
      'みたいに言われると、男性はうれしいものです。',
      '',
      '——ありがとうございました。',
      '森川：どういたしまして。',
      '・森川書店の公式サイト',
      '・森川書店のブログ',
    );
    expect(answers(iv)[0]).toBe(
      'お願いの形で話すといいですよ。\n・あの店に行ってみたいな\n・一緒に選んでほしいな\nみたいに言われると、男性はうれしいものです。',
    );
    expect(answers(iv)[1]).toBe('どういたしまして。');
  });

  it('takes a film’s title line right before its promotion out of the answer', () => {
    const iv = parse(
      '——見どころは？',
      '森川：最後の五分です。',
      '',
      '——ありがとうございました。',
      '森川：劇場でお待ちしています。',
      '映画『森の本屋』',
      '『森の本屋』は5月1日より全国ロードショー。',
    );
    expect(answers(iv)).toEqual(['最後の五分です。', '劇場でお待ちしています。']);
    expect(iv.captions).toContain('映画『森の本屋』');
  });

  it('takes a caption phrase after an answer for a caption, not more of the answer', () => {
    const iv = parse(
      '——お店の自慢は？',
      '森川：二階の読書室です。',
      '',
      '窓際の席がいちばん人気です。',
      '',
      '二階の窓から見える商店街のアーケード',
      '',
      '——次の質問です。',
      '森川：はい。',
    );
    expect(answers(iv)[0]).toBe('二階の読書室です。\n\n窓際の席がいちばん人気です。');
    expect(everywhere(iv)).toContain('二階の窓から見える商店街のアーケード');
    expect(answers(iv).join('\n')).not.toContain('アーケード');
  });

  it('loses no line of an article: each is a turn, narration, a caption or a heading', () => {
    const body = [
      '　静かな住宅街にある書店を訪ねた。',
      '',
      '■店主の一日',
      '——朝は何時から？',
      '六時には店に来ます。',
      '',
      '開店前に新聞を読むのが日課なんです。',
      '',
      '店の前を掃く森川さん',
      '',
      '——夜は？',
      '九時に閉めます。',
      '',
      'そう言って、森川さんはシャッターに手をかけた。',
    ];
    const iv = parse(...body);
    const all = everywhere(iv);
    for (const line of body.map((l) => l.trim().replace(/^——|^■/, '')).filter(Boolean))
      expect(all, line).toContain(line);
    expect(questions(iv)).toEqual(['朝は何時から？', '夜は？']);
    expect(answers(iv).join('\n')).not.toMatch(/シャッター|掃く/);
  });

  it('keeps narration through an id change, following the same turns (canonical JSON too)', () => {
    const iv = parse('——一言お願いします。', 'よろしくお願いします。', '', '最後まで笑顔の取材だった。');
    expect(iv.narration.map((n) => n.after)).toEqual([2]);
    const renamed = withInterviewId(
      { ...iv, narration: [{ ...iv.narration[0], after: 9 }] } as Interview,
      'x-1',
    );
    // A narration past the last turn (hand-written JSON) follows the last turn.
    expect(renamed.narration.map((n) => n.after)).toEqual([2]);
    const json = parseInterview(JSON.stringify(iv));
    expect(json.narration).toEqual(iv.narration);
  });
});
