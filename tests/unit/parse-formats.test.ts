/**
 * The formats transcripts arrive in besides pasted text (issue 13 §5): WebVTT and SRT from
 * captioning and transcription tools, plain text with a timestamp per utterance, and Word
 * documents (.docx, made here with JSZip, never downloaded). All auto-detected; files written
 * for these tests.
 */
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { docxText, isZip, MAX_DOCX_INFLATED_BYTES } from '../../lib/parse/docx.ts';
import { detectFormat, parseBytes, parseInterview } from '../../lib/parse/index.ts';
import { stripCueMarkup } from '../../lib/parse/subtitles.ts';
import { makeDocx } from '../helpers/docx.ts';

const turns = (iv: ReturnType<typeof parseInterview>) => iv.turns.map((t) => [t.role, t.speaker, t.text]);

const VTT = `WEBVTT - 商店街の八百屋さんに聞く

NOTE 自動文字起こし、話者分離あり

STYLE
::cue { color: white }

1
00:00:00.500 --> 00:00:03.200
<v 聞き手>今日はよろしくお願いします。

2
00:00:03.400 --> 00:00:06.000
<v 大川>はい、よろしくお願いします。

00:00:06.100 --> 00:00:09.800 align:start
<v.loud 聞き手>お店を継いだのは
いつ頃ですか？

00:00:10.000 --> 00:00:13.500
<v 大川>二十年前です。父が倒れて</v>

00:00:13.600 --> 00:00:16.000
急に店に立つことになりました。

00:00:16.200 --> 00:00:19.000
大川：野菜の目利きは&amp;今でも勉強中です。
`;

describe('WebVTT', () => {
  const iv = parseInterview(VTT, { id: 'yaoya' });

  it('is detected by its header and titled by the text after WEBVTT', () => {
    expect(detectFormat(VTT)).toBe('vtt');
    expect(iv.format).toBe('vtt');
    expect(iv.title).toBe('商店街の八百屋さんに聞く');
  });

  it('gives each cue to its <v> voice or 名前： label, and merges a speaker’s consecutive cues', () => {
    expect(turns(iv)).toEqual([
      ['interviewer', '聞き手', '今日はよろしくお願いします。'],
      ['interviewee', '大川', 'はい、よろしくお願いします。'],
      ['interviewer', '聞き手', 'お店を継いだのはいつ頃ですか？'],
      [
        'interviewee',
        '大川',
        '二十年前です。父が倒れて急に店に立つことになりました。野菜の目利きは&今でも勉強中です。',
      ],
    ]);
    expect(iv.interviewer).toBeNull();
    expect(iv.interviewees.map((p) => p.name)).toEqual(['大川']);
    expect(iv.turns[3]?.questionId).toBe(iv.turns[2]?.id);
  });

  it('drops markup and keeps a voice per line', () => {
    expect(stripCueMarkup('<v.loud 山田 太郎><i>本当に</i> &lt;無理&gt;</v>')).toEqual({
      text: '本当に <無理>',
      voice: '山田 太郎',
    });
    expect(stripCueMarkup('{\\an8}<00:00:01.000>はい')).toEqual({ text: 'はい', voice: null });
  });

  it('refuses cues that name nobody, naming the reason', () => {
    expect(() => parseInterview('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nこんにちは\n')).toThrow(
      /no cues with a speaker label/,
    );
  });
});

const SRT = `1
00:00:01,000 --> 00:00:03,500
司会：まず自己紹介をお願いします。

2
00:00:03,600 --> 00:00:07,000
<i>宮本：</i>宮本です。港で漁師をしています。

3
00:00:07,100 --> 00:00:09,000
{\\an8}宮本：朝は三時に出ます。

4
00:00:09,200 --> 00:00:11,000
- 司会: Three o'clock?

5
00:00:11,100 --> 00:00:13,000
- 宮本: Yes,
every day.
`;

describe('SRT', () => {
  const iv = parseInterview(SRT, { id: 'ryoushi' });

  it('is detected by its numbered cues and comma timings', () => {
    expect(detectFormat(SRT)).toBe('srt');
    expect(iv.format).toBe('srt');
  });

  it('reads 名前： (after markup and a dialogue dash) as the speaker; Latin lines keep their spaces', () => {
    expect(turns(iv)).toEqual([
      ['interviewer', '司会', 'まず自己紹介をお願いします。'],
      ['interviewee', '宮本', '宮本です。港で漁師をしています。朝は三時に出ます。'],
      ['interviewer', '司会', "Three o'clock?"],
      ['interviewee', '宮本', 'Yes, every day.'],
    ]);
  });
});

describe('a long monologue of cues', () => {
  it('becomes several turns of the one speaker, none past 2,000 characters', () => {
    const sentence = '港の朝は早く、船を出す前に網を確かめ、天気を見て、仲間と声を掛け合います。'.repeat(3);
    const cues = Array.from(
      { length: 40 },
      (_, n) =>
        `${n + 1}\n00:${String(n).padStart(2, '0')}:00,000 --> 00:${String(n).padStart(2, '0')}:59,000\n宮本：${sentence}`,
    );
    const iv = parseInterview(`${cues.join('\n\n')}\n`);
    expect(iv.turns.length).toBeGreaterThan(1);
    expect(new Set(iv.turns.map((t) => t.speaker))).toEqual(new Set(['宮本']));
    expect(Math.max(...iv.turns.map((t) => t.text.length))).toBeLessThanOrEqual(2000);
    expect(iv.turns.map((t) => t.text).join('')).toBe(sentence.repeat(40));
  });
});

describe('plain text with timestamps', () => {
  it('reads [hh:mm:ss] 名前：…, continuation lines and a title before the first stamp', () => {
    const text = `農家レストラン取材 2024-05-10

[00:00:02] 聞き手：本日はありがとうございます。
[00:00:05] 森田：こちらこそ。
[00:00:09] 聞き手：店を開いた理由は？
[00:00:12] 森田：畑の野菜を、
その場で食べてほしかったんです。
[00:00:20] 採れたてが一番おいしいので。
[00:00:25] 聞き手：なるほど。
`;
    const iv = parseInterview(text);
    expect(detectFormat(text)).toBe('timestamped');
    expect(iv.title).toBe('農家レストラン取材 2024-05-10');
    expect(turns(iv)).toEqual([
      ['interviewer', '聞き手', '本日はありがとうございます。'],
      ['interviewee', '森田', 'こちらこそ。'],
      ['interviewer', '聞き手', '店を開いた理由は？'],
      ['interviewee', '森田', '畑の野菜を、\nその場で食べてほしかったんです。採れたてが一番おいしいので。'],
      ['interviewer', '聞き手', 'なるほど。'],
    ]);
  });

  it('reads 00:12:03 名前: …, (mm:ss) and speaker lines above the text; the asker is the interviewer', () => {
    const bare = parseInterview(
      '00:01:02 佐野: 今日は何を作るんですか？\n00:01:05 小池: 味噌です。\n00:01:09 佐野: 仕込みは何日？\n00:01:12 小池: 一日です。',
    );
    expect(turns(bare).map(([role, speaker]) => [role, speaker])).toEqual([
      ['interviewer', '佐野'],
      ['interviewee', '小池'],
      ['interviewer', '佐野'],
      ['interviewee', '小池'],
    ]);
    const otter = parseInterview(
      '工房見学\n\n佐野  0:03\nこの道具は何ですか？\n\n小池  0:07\n木槌です。祖父の代から使っています。\n\n佐野  0:15\n重そうですね？\n',
    );
    expect(otter.format).toBe('timestamped');
    expect(turns(otter)).toEqual([
      ['interviewer', '佐野', 'この道具は何ですか？'],
      ['interviewee', '小池', '木槌です。祖父の代から使っています。'],
      ['interviewer', '佐野', '重そうですね？'],
    ]);
    const paren = parseInterview('(12:03) 聞き手：いつから？\n(12:05) 岡：去年から。\n');
    expect(paren.format).toBe('timestamped');
    expect(paren.turns.map((t) => t.speaker)).toEqual(['聞き手', '岡']);
  });

  it('does not take times inside a dash interview or prose for a timestamped transcript', () => {
    expect(detectFormat('——開店は？\n山田：朝は10:00です。\n——閉店は？\n山田：18:00です。')).toBe('dash');
  });
});

describe('Word documents (.docx)', () => {
  it('reads the paragraphs of a document and parses them in their own layout', async () => {
    const docx = await makeDocx([
      '陶芸家インタビュー（文字起こし）',
      '聞き手：土はどこから？',
      '高橋：信楽の土を使っています。',
      '釉薬も自分で調合します。',
      '聞き手：窯は？',
      '高橋：登り窯です。',
    ]);
    expect(isZip(docx)).toBe(true);
    const iv = await parseBytes(docx, { id: 'toukou' });
    expect(iv.format).toBe('prefixed');
    expect(iv.title).toBe('陶芸家インタビュー（文字起こし）');
    expect(turns(iv)).toEqual([
      ['interviewer', '聞き手', '土はどこから？'],
      ['interviewee', '高橋', '信楽の土を使っています。\n\n釉薬も自分で調合します。'],
      ['interviewer', '聞き手', '窯は？'],
      ['interviewee', '高橋', '登り窯です。'],
    ]);
  });

  it('reads a timestamped transcript delivered as a document', async () => {
    const docx = await makeDocx([
      '[00:00:01] 聞き手：始めます。',
      '[00:00:03] 林：はい。',
      '[00:00:05] 聞き手：では。',
    ]);
    const iv = await parseBytes(docx);
    expect(iv.format).toBe('timestamped');
    expect(iv.turns.map((t) => t.speaker)).toEqual(['聞き手', '林', '聞き手']);
  });

  it('parses bytes that are no zip as UTF-8 text', async () => {
    const iv = await parseBytes(new TextEncoder().encode('——質問？\n山田：答え。\n——次？\n山田：はい。'));
    expect(iv.format).toBe('dash');
  });

  it('refuses a zip that is no Word document, a damaged one, and one that inflates too far', async () => {
    const notWord = await makeDocx([]);
    const JSZip = (await import('jszip')).default;
    const plainZip = await new JSZip().file('a.txt', 'x').generateAsync({ type: 'uint8array' });
    await expect(docxText(plainZip)).rejects.toThrow(/without word\/document.xml/);
    await expect(docxText(notWord.slice(0, notWord.length / 2))).rejects.toBeInstanceOf(ParseError);
    await expect(docxText(new TextEncoder().encode('PK\u0003\u0004garbage'))).rejects.toBeInstanceOf(
      ParseError,
    );
    const bomb = await makeDocx(['x'], { 'word/media/filler.bin': 'a'.repeat(MAX_DOCX_INFLATED_BYTES + 1) });
    expect(bomb.length).toBeLessThan(200_000);
    await expect(docxText(bomb)).rejects.toThrow(/inflates to more than 32 MB/);
  });
});
