/**
 * Adversarial transcripts of about one megabyte, built from the shapes that make regular
 * expressions and per-line loops blow up: very long lines of white space between a layout's
 * markers, runs of one separator, many short lines that each look like a marker, deep JSON. A
 * quadratic parser needs minutes on any of them; a linear one parses or rejects them in well
 * under a second. Used by the parser tests (every layout, forced and auto) and by
 * `bench/parse.ts`, which reports milliseconds per megabyte.
 */

/** About how large each input is, in UTF-8 bytes. */
export const ADVERSARIAL_BYTES = 1_000_000;

/** One adversarial input, built on demand (a hundred megabytes of them are not kept at once). */
export interface Adversarial {
  readonly name: string;
  build(): string;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** `unit` repeated to about `bytes` UTF-8 bytes. */
function fill(unit: string, bytes = ADVERSARIAL_BYTES): string {
  return unit.repeat(Math.max(1, Math.floor(bytes / Math.max(1, utf8(unit)))));
}

/** One line: `head`, a long run of `pad`, `tail`; the whole input is that one line. */
function oneLongLine(head: string, pad: string, tail: string): string {
  return head + fill(pad, ADVERSARIAL_BYTES - utf8(head) - utf8(tail)) + tail;
}

/** `lines` lines of `head`, a run of `pad`, `tail`, together about one megabyte. */
function longLines(head: string, pad: string, tail: string, lines: number): string {
  const per = Math.floor(ADVERSARIAL_BYTES / lines);
  const line = head + fill(pad, per - utf8(head) - utf8(tail) - 1) + tail;
  return Array.from({ length: lines }, () => line).join('\n');
}

/**
 * Markers each layout (and the detector) looks for, put at the head of a line, before a long run
 * of white space and a tail that almost but not quite completes the pattern.
 */
const HEADS: ReadonlyArray<readonly [string, string, string]> = [
  ['md-heading', '# a', 'b'],
  ['md-heading-hashes', '## a', '#b'],
  ['md-turn', '**山田', '**：x'],
  ['md-turn-open', '**', 'a'],
  ['name-colon', '山田', '：x'],
  ['name-colon-ascii', 'yamada', ':x'],
  ['name-alias', '山田（以下', '、山）：x'],
  ['dash-question', '——', 'q'],
  ['dash-bare', '——', ''],
  ['qa', 'Q', '.x'],
  ['bracket', '[山田', '] x'],
  ['heading-bracket', '【見出し', '】x'],
  ['heading-mark', '■', 'x'],
  ['caption', '（写真', '）x'],
  ['tsv', 'a', '\tb'],
  ['front-matter-key', 'title', ': x'],
  ['handle', 'かぉさん', '（@kao）'],
  ['question-mark', '？', 'x'],
  ['series', '前編', '(1)'],
  ['vtt-voice', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 山田', '>x'],
  ['vtt-timing', '00:00:01.000', '--> 00:00:02.000'],
  ['srt-timing', '1\n00:00:01,000 -->', '00:00:02,000'],
  ['timestamp', '[00:12:03]', '山田：x'],
  ['speaker-time', '山田', '0:03'],
  ['cue-brace', '{\\an8', 'x'],
];

/** The adversarial inputs: every shape, each about {@link ADVERSARIAL_BYTES}. */
export function adversarialInputs(): Adversarial[] {
  const out: Adversarial[] = [];
  const add = (name: string, build: () => string) => out.push({ name, build });
  for (const [name, head, tail] of HEADS) {
    add(`${name}: one line of spaces`, () => oneLongLine(head, ' ', tail));
    add(`${name}: 100 lines of ideographic spaces`, () => longLines(head, '\u3000', tail, 100));
    add(`${name}: 1000 lines of tabs`, () => longLines(head, '\t', tail, 1000));
  }
  // Runs of one separator or marker character on a single line.
  for (const ch of [
    '：',
    ':',
    '*',
    '#',
    '—',
    '―',
    '─',
    '-',
    '（',
    '(',
    '【',
    '「',
    '@',
    '\t',
    '│',
    '▁',
    '？',
    '。',
    'あ',
    'a',
  ]) {
    add(`run of ${JSON.stringify(ch)}`, () => fill(ch));
  }
  add('run of 「（以下」', () => fill('（以下'));
  add('run of 「**a」', () => fill('**a'));
  add('run of 「a：」', () => fill('a：'));
  add('run of 「——a」', () => fill('——a'));
  // Many short lines that each look like a marker: per-line rescans show up here.
  for (const [name, unit] of [
    ['speaker names', '山田\n'],
    ['speaker blocks', '山田\n山田\nはい。\n'],
    ['speaker blocks with headings', '山田\n山田\nはい。\n\n見出し\n\n'],
    ['blank lines', '\n'],
    ['a line then blanks', `x${'\n'.repeat(999)}`],
    ['dash questions', '——質問？\n'],
    ['dash questions and unprefixed answers', '——質問？\n答え。\n\n'],
    ['named answers', '山田：はい\n'],
    ['spaced names', '——質問？\n山田　はい。\n'],
    ['alias declarations', '山田太郎（以下、山田）：はい\n'],
    ['Q/A', 'Q. 何？\nA. はい\n'],
    ['markdown turns', '**山田**：はい\n'],
    ['markdown headings', '## 節\n'],
    ['tsv', 'a\tb\n'],
    ['tsv headers', '# title: x\n'],
    ['rules', '---\n'],
    ['bracket headings', '【見出し】\n'],
    ['captions', '（写真）\n'],
    ['info blocks', '●店舗情報\nx：y\n'],
    ['continuations', '…つづき\n\n'],
    ['open quotes', '——q\n「a\n'],
    ['series cards', 'T(前編)\nx\n'],
  ] as const) {
    add(`lines: ${name}`, () => fill(unit));
  }
  add('front matter: one opener then key lines', () => `---\n${fill('title: x\n')}`);
  add('blog: title, one speaker, one huge turn of short lines', () => `題\n\n山田\n山田\n${fill('あ\n')}`);
  add('dash: one question, one huge answer of lines', () => `——質問？\n${fill('答え。\n')}`);
  add('prefixed: one speaker, one huge turn of lines', () => `山田：a\n山田：b\n${fill('続き\n')}`);
  add(
    'dash: one named answer continued by blank-separated paragraphs',
    () => `——質問？\n山田：はい。\n\n${fill('続きです。\n\n')}`,
  );
  add('dash: a new speaker and a continuation paragraph after every question', () => {
    const parts: string[] = [];
    let bytes = 0;
    for (let n = 0; bytes < ADVERSARIAL_BYTES; n++) {
      const unit = `——質問？\n話者${n.toString(36)}：はい。\n\n続きです。\n\n`;
      parts.push(unit);
      bytes += utf8(unit);
    }
    return parts.join('');
  });
  add('dash: signed stories', () => fill('——話です。（Kさん）\n\n'));
  add(
    'vtt: many one-line cues of two voices',
    () =>
      `WEBVTT\n\n${fill('00:00:01.000 --> 00:00:02.000\n<v 山田>はい。\n\n00:00:02.000 --> 00:00:03.000\n<v 聞き手>そう？\n\n')}`,
  );
  add('vtt: one cue of unclosed tags', () => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${fill('<v ')}`);
  add(
    'vtt: entity starts without an end',
    () => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 山田>${fill('&')}`,
  );
  add(
    'vtt: ASS braces without an end',
    () => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 山田>${fill('{\\')}`,
  );
  add('srt: many cues', () => fill('1\n00:00:01,000 --> 00:00:02,000\n山田：はい。\n\n'));
  add('timestamped: many lines', () => fill('[00:00:01] 山田：はい。\n[00:00:02] 聞き手：そう？\n'));
  add('timestamped: speaker lines of digits', () => fill(`山田  ${'1'.repeat(200)}0:03\n`));
  add('mixed markers', () => mixed());
  // JSON: deep nesting, many turns, one long string.
  add('json: deep arrays', () => `${'['.repeat(400_000)}${']'.repeat(400_000)}`);
  add(
    'json: deep objects under an unknown key',
    () => `{"x":${fill('{"a":', 600_000)}1${'}'.repeat(120_000)}}`,
  );
  add('json: many turns', () =>
    JSON.stringify({
      title: 't',
      turns: Array.from({ length: 20_000 }, () => ({ speaker: 'a', text: 'b'.repeat(30) })),
    }),
  );
  add('json: long text', () =>
    JSON.stringify({ title: 't', turns: [{ speaker: 'a', text: 'x'.repeat(ADVERSARIAL_BYTES) }] }),
  );
  add('json: unterminated string', () => `{"title":"${'x'.repeat(ADVERSARIAL_BYTES)}`);
  return out;
}

/** A deterministic mix of every marker line, each padded with white space. */
function mixed(): string {
  const units = [
    '——質問？',
    '山田：はい',
    '山田',
    '**山田**：x',
    '# 題',
    '## 節',
    'Q. q',
    'A. a',
    '[山田] x',
    '【見出し】',
    'a\tb',
    '---',
    '（写真）',
    '●店舗情報',
    '…つづき',
    '「開いた',
    '',
    'title: x',
    '前編',
    '@kao',
  ];
  const parts: string[] = [];
  let bytes = 0;
  let seed = 42;
  while (bytes < ADVERSARIAL_BYTES) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const unit = units[seed % units.length] as string;
    const pad = ' '.repeat(seed % 97);
    const line = seed % 3 === 0 ? `${unit}${pad}` : `${pad}${unit}`;
    parts.push(line);
    bytes += utf8(line) + 1;
  }
  return parts.join('\n');
}
