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
  isOtherLabel,
  type Line,
  type Lines,
  pushTurn,
  seriesFromTitle,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter, livedoorHeader } from './frontmatter.ts';
import { assertInterview } from './interview-check.ts';
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
/** `Q:…`, `Ｑ．…`: the writer's question on a line of its own (anchored; one class, then the rest). */
const BLOG_QUESTION = /^[QＱ][:：.．]\s*(\S.*)$/;

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
const NOT_IN_NAME = /[。、，,．.！!？?「」『』：:…‥（）()【】[\]■□◆●▼★☆※・／]/u;
/** Short replies that stand alone on a line as often as names do. */
const REPLY =
  /^(?:はい|いえ|いいえ|うん|ええ|えっ|へえ|へー|ほう|おお|なるほど|そう|そうそう|そうですね|確かに|どうも|笑|(?:ありがとうございます))+$/;

/**
 * `美紀（21歳）`, `Ｗ(32)`: a round table's label with the speaker's age after the name. The age is
 * dropped: the same speaker is often printed with it once and bare afterwards (peachy 5043756).
 */
const AGE_SUFFIX = /[\s\u3000]*[（(][0-9０-９]{1,3}(?:歳|才)?[）)]$/;

/** A name line of the single-name layout: the name, and whether an age followed it. */
interface NameLine {
  name: string;
  aged: boolean;
}

/**
 * A line that may be a speaker's name in the single-name layout: short, no punctuation, after a
 * blank line (or at the start), with the utterance on the next line or after one blank line.
 */
function nameLineAt(lines: Lines, i: number, from: number): NameLine | null {
  // The checks in place first (a line after a blank, short): most lines fail them.
  if (i > from && !lines.blank(i - 1)) return null;
  const length = lines.trimmedLength(i);
  if (length === 0 || length > MAX_SINGLE_NAME + 7) return null;
  const line = lines.text(i)?.trim() ?? '';
  const age = AGE_SUFFIX.exec(line);
  const t = age ? line.slice(0, age.index) : line;
  if (t === '' || t.length > MAX_SINGLE_NAME || CHROME.has(t) || NOT_IN_NAME.test(t) || REPLY.test(t))
    return null;
  const next = lines.blank(i + 1) ? i + 2 : i + 1;
  if (lines.blank(next) || lines.text(next)?.trim() === line) return null;
  return { name: t, aged: age !== null };
}

/** Most names printed once that a round table may have; bounds the lead search. */
const MAX_ONCE_NAMES = 100;
/** Most characters of the lead searched for members' names. */
const MAX_LEAD = 4000;

/**
 * The text above the first turn of a known speaker, without its name lines, at most {@link MAX_LEAD}
 * characters.
 */
function leadText(lines: Lines, from: number, speakers: ReadonlySet<string>): string {
  let lead = '';
  for (let i = from; i < lines.length && lead.length < MAX_LEAD; i++) {
    const line = nameLineAt(lines, i, from);
    if (line !== null && speakers.has(line.name)) break;
    // A name line vouches for nobody, itself least of all.
    if (line === null) lead += `${lines.text(i) ?? ''}\n`;
  }
  return lead.slice(0, MAX_LEAD);
}

/**
 * The speakers of a single-name post: name lines printed at least twice (a heading is printed
 * once), at least two of them. Empty when the text is not in that layout. With `once`, a round
 * table's member printed a single time counts too when the page vouches for the name: an age after
 * it (`彩子（35歳）`), everyone at once (`全員`), or the lead above the first turn naming the member
 * (`…小嶋陽菜、指原莉乃が登壇した`, movie-enter 6286599). Without that, the member's one answer was
 * glued to the turn before (credited to someone else) or, before the first turn, dropped with the lead.
 */
function singleNameSpeakers(lines: Lines, from: number, once = false): Set<string> {
  const counts = new Map<string, number>();
  const aged = new Set<string>();
  for (let i = from; i < lines.length; i++) {
    const line = nameLineAt(lines, i, from);
    if (line === null) continue;
    counts.set(line.name, (counts.get(line.name) ?? 0) + 1);
    if (line.aged) aged.add(line.name);
  }
  const speakers = new Set([...counts].filter(([, n]) => n >= 2).map(([name]) => name));
  if (speakers.size < 2) return new Set();
  if (once) {
    const single = [...counts].filter(([, n]) => n === 1).map(([name]) => name);
    // A lead is a paragraph or two, a round table a dozen members: beyond those bounds the text is
    // no round table, and the lead is not searched (names × lead would grow with the square).
    const lead = single.length <= MAX_ONCE_NAMES ? leadText(lines, from, speakers) : '';
    for (const name of single)
      if (aged.has(name) || isOtherLabel(name) || (name.length >= 2 && lead.includes(name)))
        speakers.add(name);
  }
  return speakers;
}

/** Counts name-line blocks of the single-name layout: the format detector uses this. */
export function countNameLineBlocks(lines: Lines): number {
  const speakers = singleNameSpeakers(lines, 0);
  if (speakers.size === 0) return 0;
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = nameLineAt(lines, i, 0);
    if (line !== null && speakers.has(line.name)) n++;
  }
  return n;
}

/**
 * Where speaker labels are: at line `i`, how many lines the label takes (2 for a doubled name, 1
 * for a name printed once) and the speaker's name; null when line `i` is no label.
 */
type LabelAt = (i: number) => { span: number; name: string } | null;

/** The label finder for this text: the doubled layout when it has two blocks, else single names. */
function labelsOf(lines: Lines, from: number): LabelAt {
  if (countSpeakerBlocks(lines.slice(from)) >= 2)
    return (i) => (isSpeakerBlock(lines, i) ? { span: 2, name: lines.text(i)?.trim() ?? '' } : null);
  const speakers = singleNameSpeakers(lines, from, true);
  return (i) => {
    const line = nameLineAt(lines, i, from);
    return line !== null && speakers.has(line.name) ? { span: 1, name: line.name } : null;
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
  if (!titleLine || (!header && (labelAt(i) !== null || isSpeakerBlock(lines, i))))
    throw new ParseError(titleLine?.no ?? 1, 'expected a title line before the first speaker', 'blog');
  const title = meta.title ?? header?.title ?? titleLine.text.trim();
  const titleSeries = seriesFromTitle(title);
  i++;

  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const related: Related[] = [];
  const furniture: Furniture[] = [];
  let section: string | null = null;
  let current: {
    speaker: string;
    asks?: boolean;
    line: number;
    parts: Line[];
    blankBefore: boolean[];
  } | null = null;

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
          ...(current.asks ? { role: 'interviewer' as const } : {}),
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
    const question = BLOG_QUESTION.exec(t);
    if (question && lines.blank(i - 1) && labelAt(nextNonBlank(lines, i + 1)) !== null) {
      // `Q:秋冬で期待するコンビニスイーツはありますか？` over a round table's answers: the writer's
      // question, which the turns after it answer (it was dropped with the lead above the first turn).
      close();
      current = {
        speaker: meta.interviewer ?? '聞き手',
        asks: true,
        line: line.no,
        parts: [{ ...line, text: question[1] as string }],
        blankBefore: [false],
      };
      continue;
    }
    const label = labelAt(i);
    if (label !== null) {
      close();
      current = { speaker: label.name, line: line.no, parts: [], blankBefore: [] };
      i += label.span - 1;
      continue;
    }
    // Only a post whose own title is part of a series links the other parts.
    const lineSeries = titleSeries ? seriesFromTitle(t) : null;
    if (titleSeries && lineSeries && lineSeries.title === titleSeries.title && t !== title) {
      const excerptIdx = i + 1;
      const excerpt = lines.at(excerptIdx);
      const hasExcerpt = excerpt && !isBlank(excerpt) && labelAt(excerptIdx) === null;
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
      labelAt(next) !== null;
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

  // Before the opener is made the interviewer by position: only who the page marks as asking counts.
  assertInterview(turns, text, !!(meta.interviewer || meta.interviewee), 'blog');

  // The writer's `Q:` turns speak for the interviewer: a role, no person of the page.
  const speakers = [...new Set(turns.filter((t) => t.role === undefined).map((t) => t.speaker))];
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
  // A page whose writer asks in `Q:` lines has its interviewer there: the members only answer.
  const writerAsks = turns.some((t) => t.role === 'interviewer');
  const opener = stripHonorific(turns[0]?.speaker ?? '');
  const opensAsking =
    !writerAsks &&
    (people.size < 3 || turns.some((t) => stripHonorific(t.speaker) === opener && /[?？]\s*$/.test(t.text)));
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
      role:
        t.role ??
        (stripHonorific(t.speaker) === interviewer?.name
          ? 'interviewer'
          : // `全員`, `一同`: everyone at once, nobody's answer (as in the other layouts).
            isOtherLabel(t.speaker)
            ? 'other'
            : 'interviewee'),
    })),
  };
}
