/**
 * The generated corpus of adversarial transcripts for `npm run bench:hostile`: the shapes that
 * make regular expressions and per-line loops slow — long lines of white space between a layout's
 * markers, runs of one character, many lines that each look like a marker or a separator, deep
 * nesting (JSON, brackets, emphasis) — each about `bytes` long, built on demand.
 */

/** One adversarial input. */
export interface Adversarial {
  readonly name: string;
  build(): string;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The generated corpus, each input about `bytes` UTF-8 bytes. */
export function adversarialCorpus(bytes: number): Adversarial[] {
  const fill = (unit: string, n = bytes) => unit.repeat(Math.max(1, Math.floor(n / Math.max(1, utf8(unit)))));
  const longLine = (head: string, pad: string, tail: string) =>
    head + fill(pad, bytes - utf8(head + tail)) + tail;
  const longLines = (head: string, pad: string, tail: string, lines: number) => {
    const line = head + fill(pad, Math.floor(bytes / lines) - utf8(head + tail) - 1) + tail;
    return Array.from({ length: lines }, () => line).join('\n');
  };
  const shapes: Array<[string, () => string]> = [];
  // Long lines: a layout's marker, a long run of white space, a tail that almost completes it.
  const markers: Array<[string, string, string]> = [
    ['md-heading', '# a', 'b'],
    ['md-heading-closing', '## a', '#b'],
    ['md-turn', '**山田', '**：x'],
    ['name-colon', '山田', '：x'],
    ['name-colon-ascii', 'yamada', ':x'],
    ['name-alias', '山田（以下', '、山）：x'],
    ['dash-question', '——', 'q'],
    ['qa', 'Q', '.x'],
    ['bracket-speaker', '[山田', '] x'],
    ['heading-bracket', '【見出し', '】x'],
    ['caption', '（写真', '）x'],
    ['tsv', 'a', '\tb'],
    ['front-matter', 'title', ': x'],
    ['series', '前編', '後編'],
  ];
  for (const [name, head, tail] of markers) {
    shapes.push([`long-line/${name}/spaces`, () => longLine(head, ' ', tail)]);
    shapes.push([`long-line/${name}/ideographic-spaces`, () => longLine(head, '\u3000', tail)]);
    shapes.push([`long-lines/${name}/spaces×40`, () => longLines(head, ' ', tail, 40)]);
  }
  // Runs of one character.
  for (const ch of [
    'a',
    'あ',
    '#',
    '*',
    '-',
    '—',
    '―',
    '：',
    ':',
    '\t',
    '？',
    '「',
    '【',
    '▁',
    '│',
    '@',
    '\u200B',
  ]) {
    shapes.push([`repeat/${JSON.stringify(ch)}`, () => fill(ch)]);
  }
  // Many separators: every line a marker, a separator or nothing.
  for (const [name, line] of [
    ['empty-lines', '\n'],
    ['colon-lines', '：\n'],
    ['name-colon-lines', '山田：\n'],
    ['dash-lines', '——\n'],
    ['md-turn-lines', '**A**：\n'],
    ['tab-lines', '\t\t\t\n'],
    ['front-matter-fences', '---\n'],
    ['heading-lines', '# \n'],
    ['speaker-blocks', '山田\n山田\n'],
    ['qa-lines', 'Q.\nA.\n'],
    ['crlf', '\r\n'],
  ] as const) {
    shapes.push([`separators/${name}`, () => fill(line)]);
  }
  shapes.push([
    'separators/turns-at-the-limit',
    () => fill('聞き手：問い\n山田：答え\n').slice(0, Math.min(bytes, 400_000)),
  ]);
  // Deep nesting.
  const deep = (open: string, close: string) => {
    const n = Math.floor(bytes / (utf8(open) + utf8(close)));
    return open.repeat(n) + close.repeat(n);
  };
  shapes.push(['nesting/json-arrays', () => deep('[', ']')]);
  shapes.push([
    'nesting/json-objects',
    () => {
      const n = Math.floor(bytes / 6);
      return `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    },
  ]);
  shapes.push([
    'nesting/json-under-a-turn',
    () => {
      const n = Math.floor(bytes / 2) - 100;
      return `{"title":"t","turns":[{"speaker":"山田","text":"はい","x":${'['.repeat(n)}${']'.repeat(n)}}]}`;
    },
  ]);
  shapes.push(['nesting/brackets', () => deep('（', '）')]);
  shapes.push(['nesting/quotes', () => deep('「', '」')]);
  shapes.push(['nesting/emphasis', () => deep('**', '**')]);
  shapes.push(['nesting/md-headings', () => longLine('#'.repeat(6), '#', ' a')]);
  return shapes.map(([name, build]) => ({ name, build }));
}
