/**
 * Blog speech-bubble layouts. The seed's: each speaker's name on its own line twice (avatar caption
 * and bubble label), then the utterance. And the plainer one: the name once on a line of its own,
 * then the utterance (on the next line or after one blank line). Short plain lines between turns
 * are section headings; site chrome is dropped; a card linking to another part of the series
 * becomes a `related` link.
 */
import { ParseError } from '../errors.ts';
import type { Related } from '../model.ts';
import {
  type Draft,
  type DraftPerson,
  type DraftTurn,
  type Furniture,
  isBlank,
  type Line,
  type Lines,
  pushTurn,
  seriesFromTitle,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter, livedoorHeader } from './frontmatter.ts';
import { isSpace, trimEndIndex } from './scan.ts';

const CHROME = new Set([
  'コメント',
  'コメントを書く',
  'タイトルとURLをコピーしました',
  'シェアする',
  'ツイート',
  'フォローする',
  '関連記事',
  'スポンサーリンク',
]);
const MAX_NAME = 30;
const MAX_HEADING = 40;
const SENTENCE_END = /[。．.!！?？]$/;

function isSpeakerBlock(lines: Lines, i: number): boolean {
  // Two lines alike have the same length, first and last characters: most pairs differ there,
  // and are told apart without a copy of either.
  const n = lines.trimmedLength(i);
  if (
    n === 0 ||
    n > MAX_NAME ||
    n !== lines.trimmedLength(i + 1) ||
    lines.firstCode(i) !== lines.firstCode(i + 1) ||
    lines.lastCode(i) !== lines.lastCode(i + 1)
  )
    return false;
  const a = lines.text(i)?.trim() ?? '';
  const b = lines.text(i + 1)?.trim() ?? '';
  return a !== '' && a === b && a.length <= MAX_NAME && !/[。、]/.test(a) && !CHROME.has(a);
}

/**
 * Counts speaker blocks of the doubled-name layout: the format detector uses this. With
 * `enough`, stops counting there.
 */
export function countSpeakerBlocks(lines: Lines, enough?: number): number {
  let n = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (isSpeakerBlock(lines, i)) {
      n++;
      if (enough !== undefined && n >= enough) break;
      i++;
    }
  }
  return n;
}

/** Longest name printed alone on its line in the single-name layout. */
const MAX_SINGLE_NAME = 20;
/** What a name never contains: sentence punctuation, quotes, brackets of speech, colons. */
const NOT_IN_NAME = /[。、，,．.！!？?「」『』：:…‥（）()【】[\]■□◆●▼★☆※・]/u;
/** Short replies that stand alone on a line as often as names do. */
const REPLY =
  /^(?:はい|いえ|いいえ|うん|ええ|えっ|へえ|へー|ほう|おお|なるほど|そう|そうそう|そうですね|確かに|どうも|笑|(?:ありがとうございます))+$/;

/**
 * A line that may be a speaker's name in the single-name layout: short, no punctuation, after a
 * blank line (or at the start), with the utterance on the next line or after one blank line.
 */
function nameLineAt(lines: Lines, i: number, from: number): string | null {
  // The checks in place first (a line after a blank, short): most lines fail them.
  if (i > from && !lines.blank(i - 1)) return null;
  const length = lines.trimmedLength(i);
  if (length === 0 || length > MAX_SINGLE_NAME) return null;
  const t = lines.text(i)?.trim() ?? '';
  if (t === '' || t.length > MAX_SINGLE_NAME || CHROME.has(t) || NOT_IN_NAME.test(t) || REPLY.test(t))
    return null;
  const next = lines.blank(i + 1) ? i + 2 : i + 1;
  if (lines.blank(next) || lines.text(next)?.trim() === t) return null;
  return t;
}

/**
 * The speakers of a single-name post: name lines printed at least twice (a heading is printed
 * once), at least two of them. Empty when the text is not in that layout.
 */
function singleNameSpeakers(lines: Lines, from: number): Set<string> {
  const counts = new Map<string, number>();
  for (let i = from; i < lines.length; i++) {
    const name = nameLineAt(lines, i, from);
    if (name !== null) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const speakers = new Set([...counts].filter(([, n]) => n >= 2).map(([name]) => name));
  return speakers.size >= 2 ? speakers : new Set();
}

/** Counts name-line blocks of the single-name layout: the format detector uses this. */
export function countNameLineBlocks(lines: Lines): number {
  const speakers = singleNameSpeakers(lines, 0);
  if (speakers.size === 0) return 0;
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const name = nameLineAt(lines, i, 0);
    if (name !== null && speakers.has(name)) n++;
  }
  return n;
}

/**
 * Where speaker labels are: how many lines the label at `i` takes (2 for a doubled name, 1 for a
 * name printed once, 0 when line `i` is no label).
 */
type LabelAt = (i: number) => number;

/** The label finder for this text: the doubled layout when it has two blocks, else single names. */
function labelsOf(lines: Lines, from: number): LabelAt {
  if (countSpeakerBlocks(lines.slice(from)) >= 2) return (i) => (isSpeakerBlock(lines, i) ? 2 : 0);
  const speakers = singleNameSpeakers(lines, from);
  return (i) => {
    const name = nameLineAt(lines, i, from);
    return name !== null && speakers.has(name) ? 1 : 0;
  };
}

function nextNonBlank(lines: Lines, i: number): number {
  let j = i;
  while (j < lines.length && lines.blank(j)) j++;
  return j;
}

/** `(@handle)`; the name before it is found by {@link handles}. */
const HANDLE_PAREN = /[（(]\s*(@[A-Za-z0-9_]{1,30})\s*[)）]/g;
const HANDLE_NAME_EXCLUDED = '!！?？。、「」『』()（）@';
const HANDLE_HONORIFICS = ['さん', 'サン', '氏', 'さま', '様'];

/**
 * `名前さん（@handle）` pairs in a text: the name is the last 20 name characters before the
 * bracket (spaces and an honorific between them dropped). Found from each bracket backwards
 * instead of by a lazy name pattern, which tried every name length against long runs of spaces.
 */
function handles(text: string): Array<{ name: string; handle: string }> {
  const out: Array<{ name: string; handle: string }> = [];
  for (const m of text.matchAll(HANDLE_PAREN)) {
    let end = trimEndIndex(text, m.index);
    let start = end;
    const limit = Math.max(0, end - 22);
    while (
      start > limit &&
      !isSpace(text.charCodeAt(start - 1)) &&
      !HANDLE_NAME_EXCLUDED.includes(text[start - 1] as string)
    )
      start--;
    const honorific = HANDLE_HONORIFICS.find((h) => text.endsWith(h, end) && end - h.length > start);
    if (honorific) end -= honorific.length;
    if (end > start) out.push({ name: text.slice(Math.max(start, end - 20), end), handle: m[1] as string });
  }
  return out;
}
const LOCATION = /([\p{Script=Han}\p{Script=Katakana}ー・A-Za-z]{1,12})在住/u;
const OCCUPATION = /在住の([^「」『』、。\s]{1,20}?)[「『]/;

/** Parses the blog speech-bubble layout. */
export function parseBlog(text: string, lines: Lines = splitLines(text)): Draft {
  const { meta, bodyStart } = frontMatter(lines);
  let i = nextNonBlank(lines, bodyStart);
  // A livedoor article's header (URL, date, title) stands in for the title line.
  const header = livedoorHeader(lines, i);
  if (header) i = header.next - 1;
  const titleLine = lines.at(i);
  const labelAt = labelsOf(lines, i + 1);
  if (!titleLine || (!header && (labelAt(i) > 0 || isSpeakerBlock(lines, i))))
    throw new ParseError(titleLine?.no ?? 1, 'expected a title line before the first speaker', 'blog');
  const title = meta.title ?? header?.title ?? titleLine.text.trim();
  const titleSeries = seriesFromTitle(title);
  i++;

  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const related: Related[] = [];
  const furniture: Furniture[] = [];
  let section: string | null = null;
  let current: { speaker: string; line: number; parts: Line[]; blankBefore: boolean[] } | null = null;

  const close = () => {
    if (current && current.parts.length > 0) {
      const first = current.parts[0] as Line;
      const last = current.parts.at(-1) as Line;
      const textOut = current.parts
        .map((p, k) => (k > 0 && current?.blankBefore[k] ? `\n${p.text.trim()}` : p.text.trim()))
        .join('\n');
      pushTurn(
        turns,
        {
          speaker: current.speaker,
          text: textOut,
          start: first.start,
          end: last.end,
          line: current.line,
          section,
        },
        'blog',
      );
    }
    current = null;
  };

  for (; i < lines.length; i++) {
    if (lines.blank(i)) continue;
    const line = lines.at(i) as Line;
    const t = line.text.trim();
    if (CHROME.has(t)) {
      // Everything after the site's comment box is chrome, not interview.
      close();
      furniture.push({ line, kind: 'chrome' });
      break;
    }
    const label = labelAt(i);
    if (label > 0) {
      close();
      current = { speaker: t, line: line.no, parts: [], blankBefore: [] };
      i += label - 1;
      continue;
    }
    // Only a post whose own title is part of a series links the other parts.
    const lineSeries = titleSeries ? seriesFromTitle(t) : null;
    if (titleSeries && lineSeries && lineSeries.title === titleSeries.title && t !== title) {
      const excerptIdx = i + 1;
      const excerpt = lines.at(excerptIdx);
      const hasExcerpt = excerpt && !isBlank(excerpt) && labelAt(excerptIdx) === 0;
      related.push({
        title: t,
        url: null,
        part: lineSeries.part,
        excerpt: hasExcerpt ? excerpt.text.trim() : null,
      });
      furniture.push({ line, kind: 'caption' });
      if (hasExcerpt) furniture.push({ line: excerpt, kind: 'caption' });
      if (hasExcerpt) i++;
      continue;
    }
    const blankBefore = lines.blank(i - 1);
    const next = nextNonBlank(lines, i + 1);
    const isHeading =
      current !== null &&
      current.parts.length > 0 &&
      blankBefore &&
      lines.blank(i + 1) &&
      t.length <= MAX_HEADING &&
      !SENTENCE_END.test(t) &&
      labelAt(next) > 0;
    if (isHeading) {
      close();
      furniture.push({ line, kind: 'heading' });
      section = t;
      sections.push(t);
      continue;
    }
    if (current) {
      current.parts.push(line);
      current.blankBefore.push(blankBefore && current.parts.length > 1);
    }
    // Lines before the first speaker (site name, lead) are not quotes.
  }
  close();
  if (turns.length === 0)
    throw new ParseError(
      titleLine.no,
      'no speaker blocks (a name on two consecutive lines, or a name printed alone before each utterance) found',
      'blog',
    );

  const speakers = [...new Set(turns.map((t) => t.speaker))];
  const intro = turns[0]?.text ?? '';
  const people = new Map<string, DraftPerson>();
  for (const s of speakers) people.set(stripHonorific(s), { name: stripHonorific(s) });
  for (const t of turns.slice(0, 3)) {
    for (const h of handles(t.text)) {
      const p = people.get(stripHonorific(h.name));
      if (p && !p.handle) p.handle = h.handle;
    }
  }
  // The blogger opens the interview: the first speaker is the interviewer unless front matter says
  // otherwise — but in a round table (three or more speakers) only one who asks something: a
  // member who merely speaks first (`梓：私はフランかな。`) is one of those answering.
  const opener = stripHonorific(turns[0]?.speaker ?? '');
  const opensAsking =
    people.size < 3 || turns.some((t) => stripHonorific(t.speaker) === opener && /[?？]\s*$/.test(t.text));
  const interviewerName = meta.interviewer ?? (opensAsking ? opener : null);
  const interviewer =
    interviewerName === null
      ? null
      : (people.get(stripHonorific(interviewerName)) ?? { name: interviewerName });
  const interviewees = [...people.values()].filter((p) => p.name !== interviewer?.name);
  const main = interviewees[0];
  if (main) {
    main.location = LOCATION.exec(intro)?.[1] ?? null;
    main.occupation = OCCUPATION.exec(intro)?.[1] ?? null;
  }
  return {
    format: 'blog',
    title,
    url: meta.url ?? header?.url ?? null,
    publishedAt: meta.publishedAt ?? header?.date ?? null,
    id: meta.id ?? null,
    interviewer,
    interviewees,
    sections,
    related,
    furniture,
    turns: turns.map((t) => ({
      ...t,
      role: stripHonorific(t.speaker) === interviewer?.name ? 'interviewer' : 'interviewee',
    })),
  };
}
