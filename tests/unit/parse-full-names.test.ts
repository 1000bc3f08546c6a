/**
 * A label that is one part of a name the article prints in full (the title, the lead, the credits)
 * stands for that name, in any layout: `リン：` → リン・コリンズ, `テイラー：` → テイラー・キッチュ,
 * `村上：` → 村上志緒. Not when the text prints two such names, nor when the part before the label
 * is an epithet (`キャプテンアメリカ・ユージ`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { splitJoint, wholeNameOf } from '../../lib/parse/people.ts';
import { available, corporaDir, read } from '../helpers/shared.ts';

const speakers = (text: string) =>
  parseInterview(text)
    .turns.filter((t) => t.role === 'interviewee')
    .map((t) => t.speaker);

describe('labels that are part of a name printed in full', () => {
  it('take the full name the lead introduces (a premiere with its cast)', () => {
    const text = [
      '『ジョン・カーター』ジャパンプレミア開催',
      '　ヒロインを演じたリン・コリンズ、主人公役のテイラー・キッチュが登場し、挨拶を述べた。',
      '',
      'リン：とにかく、違う世界に旅して下さい。',
      'テイラー：皆さん、こんにちわ。',
      '',
      '——好きなキャラクターは？',
      'リン：これは、ジョンと言わないと。',
      'テイラー：今度は僕が、デジャーと言わないと。',
      '',
      '——最後にメッセージを。',
      'リン：ぜひ劇場で。',
    ].join('\n');
    expect(parseInterview(text).format).toBe('dash');
    expect(speakers(text)).toEqual([
      'リン・コリンズ',
      'テイラー・キッチュ',
      'リン・コリンズ',
      'テイラー・キッチュ',
      'リン・コリンズ',
    ]);
  });

  it('take the full name in a prefixed transcript whose lead names the person', () => {
    const text = [
      '今回はアロマの研究をされている村上志緒さんにお話を伺いました。',
      '',
      '聞き手：アロマを始めたきっかけは？',
      '村上：母の影響です。',
      '聞き手：おすすめは？',
      '村上：ラベンダーですね。',
    ].join('\n');
    expect(speakers(text)).toEqual(['村上志緒', '村上志緒']);
  });

  it('stay as printed when two names fit, or when an epithet comes before the label', () => {
    expect(wholeNameOf('リン', ['リン・コリンズとリン・ジョーンズが登場'])).toBeNull();
    expect(wholeNameOf('ユージ', ['驚く和製キャプテンアメリカ・ユージを前にして'])).toBeNull();
    expect(wholeNameOf('スタントン', ['アンドリュー・スタントン監督が到着'])).toBe(
      'アンドリュー・スタントン',
    );
    expect(wholeNameOf('コリン', ['リン・コリンズが登場'])).toBeNull();
  });
});

describe('nicknames made with ちゃん or くん', () => {
  const people = (text: string) => {
    const iv = parseInterview(text);
    return iv.interviewees.map((p) => [p.name, p.aliases]);
  };

  it('keep the suffix (安全ちゃん, スギちゃん), with the stem as an alias to be found by', () => {
    const text = [
      '——自己紹介を。',
      '安全ちゃん：ブロガーです。',
      '',
      '——由来は？',
      '安全ちゃん：平和なネットライフです。',
    ];
    expect(people(text.join('\n'))).toEqual([['安全ちゃん', ['安全']]]);
  });

  it('are the known person when the stem is that person’s name (花子ちゃん of 田中花子)', () => {
    const text = [
      '今回は人気ブロガーの田中花子さんにお話を伺いました。',
      '',
      '——始めたきっかけは？',
      '花子ちゃん：友だちに誘われて。',
      '',
      '——今後は？',
      '花子ちゃん：続けたいです。',
    ];
    expect(people(text.join('\n')).map(([name]) => name)).toEqual(['田中花子']);
  });
});

describe('comma-listed labels with one-character names', () => {
  it('are each name (畑、小西、金泉), not one person whose name ends in a speaker’s', () => {
    expect(splitJoint('畑、小西、金泉')).toEqual(['畑', '小西', '金泉']);
    const iv = parseInterview(
      [
        '畑：調べてきました。',
        '小西：ありがとう。',
        '金泉：どうだった？',
        '畑：よかったよ。',
        '小西：へえ。',
        '金泉：なるほどね？',
        '畑、小西、金泉：ありがとうございました！',
      ].join('\n'),
    );
    const names = new Map(
      [...iv.interviewees, ...iv.others, ...(iv.interviewer ? [iv.interviewer] : [])].map((p) => [
        p.id,
        p.name,
      ]),
    );
    expect(
      iv.turns.filter((t) => t.text === 'どうだった？').map((t) => names.get(t.speakerId ?? '')),
    ).toEqual(['金泉']);
    const last = iv.turns.at(-1);
    expect([last?.speakerId, ...(last?.coSpeakerIds ?? [])].map((id) => names.get(id ?? ''))).toEqual([
      '畑',
      '小西',
      '金泉',
    ]);
  });
});

describe.runIf(available(corporaDir, 'full names in real articles'))('full names in real articles', () => {
  it('movie-enter 6425811: リン and テイラー are リン・コリンズ and テイラー・キッチュ', () => {
    const iv = parseInterview(
      read(join(corporaDir, 'livedoor-news', 'movie-enter', 'movie-enter-6425811.txt')),
    );
    expect(iv.interviewees.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'リン・コリンズ',
        'テイラー・キッチュ',
        'アンドリュー・スタントン',
        '中山優馬',
      ]),
    );
    expect(iv.interviewees.map((p) => p.name)).not.toContain('リン');
  });
});
