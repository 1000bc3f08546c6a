/**
 * Dash interviews as printed in Japanese magazines and news sites: `——` starts the interviewer's
 * question, `名前：` / `名前さん：` / `名前（以下、略称）：` starts an answer. Headings (■…, 【…】),
 * photo captions, notes (※…) and shop/profile blocks in between are not quotes.
 * Header (livedoor layout): line 1 URL, line 2 date, line 3 title; or front matter.
 */
import { ParseError } from '../errors.ts';
import {
  type Draft,
  type DraftPerson,
  type DraftTurn,
  isBlank,
  type Line,
  normalizeDate,
  pushTurn,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter } from './frontmatter.ts';
import { hasAny, isSpace, skipSpaces, trimEndIndex, wordAt } from './scan.ts';

/** A question line: two dashes (em dash, horizontal bar or box-drawing) at the start. */
export const QUESTION = /^[\s\u3000]*(?:——|――|──|—―|―—|─|－－)(?![-—―─－]*\s*$)[\s\u3000]*/;
const ALIAS = /[（(]\s*(?:以下|以降)\s*[、,]?\s*([^）)]{1,20}?)\s*[）)]/;
const HEADING_MARKS = '■□◆◇▼▽●○★☆◎';
const NOTE_STARTS = ['※', '＊', '*', '・', '次のページ', '関連', '<', '＜', '[', '［', 'http://', 'https://'];
const CAPTION_WORDS = ['写真', '撮影', '提供', 'photo', 'Photo', 'PHOTO', '画像', '左', '右'];
const INFO_MARKS = '■●◆【';
const INFO_WORDS = [
  'プロフィール',
  'profile',
  '店舗情報',
  'ショップ情報',
  'インフォメーション',
  'information',
  '作品情報',
  '公演情報',
  '関連リンク',
  '問い合わせ',
  'お問い合わせ',
];
/** Characters a speaker label cannot start with, and that cannot occur in one. */
const NAME_FIRST_EXCLUDED = '：:「」『』。！？!?（(【[［<＜';
const NAME_EXCLUDED = '「」『』。！？!?';
/** Longest label before `：` (the first character and 40 more, as printed names go). */
const MAX_LABEL = 41;

/** `■見出し` or a line that is only `【見出し】`. */
function isHeadingLine(t: string): boolean {
  const i = skipSpaces(t);
  const c = t[i];
  if (c === undefined) return false;
  if (HEADING_MARKS.includes(c)) return true;
  if (c !== '【') return false;
  const close = t.indexOf('】', i + 1);
  return close > i + 1 && close - i - 1 <= 60 && skipSpaces(t, close + 1) === t.length;
}

/** `※` notes, `・` bullets, links and `次のページ` navigation. */
function isNoteLine(t: string): boolean {
  return wordAt(t, skipSpaces(t), NOTE_STARTS) !== null;
}

/** A photo caption: a whole line in brackets that says 写真, 撮影, 提供, 左, 右… */
function isCaptionLine(t: string): boolean {
  const start = skipSpaces(t);
  const end = trimEndIndex(t, t.length, start);
  if (end - start < 2) return false;
  if (t[start] !== '（' && t[start] !== '(') return false;
  if (t[end - 1] !== '）' && t[end - 1] !== ')') return false;
  const inner = t.slice(start + 1, end - 1);
  return !hasAny(inner, '）)') && CAPTION_WORDS.some((w) => inner.includes(w));
}

/** The start of a profile, shop or information block, which runs to the next marker. */
function isInfoBlockLine(t: string): boolean {
  let i = skipSpaces(t);
  if (INFO_MARKS.includes(t[i] ?? '\n')) i = skipSpaces(t, i + 1);
  const head = t.slice(i, i + 12).toLowerCase();
  return INFO_WORDS.some((w) => head.startsWith(w));
}
const MAX_NAME = 20;
const TITLE_NAME =
  /([\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ー・A-Za-z]{2,15}?)(?:さん|氏|先生)(?:に聞く|インタビュー|が語る|に直撃)/u;

export interface NameMatch {
  label: string;
  alias: string | null;
  rest: string;
}

/**
 * `名前：text`: a label of at most {@link MAX_LABEL} characters (spaces before the colon aside)
 * before the first `：`/`:`. A scan, not a regex: a lazy label followed by `\s*` tried each
 * label length against every long run of spaces.
 */
export function matchName(text: string): NameMatch | null {
  const first = skipSpaces(text);
  const c0 = text[first];
  if (c0 === undefined || NAME_FIRST_EXCLUDED.includes(c0)) return null;
  let colon = -1;
  let lastSolid = first;
  for (let j = first + 1; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '：' || c === ':') {
      colon = j;
      break;
    }
    if (NAME_EXCLUDED.includes(c)) return null;
    if (!isSpace(text.charCodeAt(j))) {
      lastSolid = j;
      if (lastSolid - first + 1 > MAX_LABEL) return null;
    }
  }
  if (colon < 0) return null;
  let label = text.slice(first, lastSolid + 1).trim();
  let alias: string | null = null;
  const a = ALIAS.exec(label);
  if (a) {
    alias = (a[1] ?? '').trim();
    label = (label.slice(0, a.index) + label.slice(a.index + a[0].length)).trim();
  }
  if (!label || label.length > MAX_NAME || /[、,。[\]［］]/.test(label)) return null;
  // Times (12：00), numbers and URLs are not speakers.
  if (/^[\d０-９\s]+$/.test(label) || /[\d０-９]$/.test(label) || /^(https?|http)$/i.test(label)) return null;
  return { label, alias, rest: text.slice(colon + 1).trim() };
}

/** Header of the livedoor layout: URL, date, title on the first three lines. */
function livedoorHeader(
  lines: readonly Line[],
  from: number,
): { url: string; date: string; title: string; next: number } | null {
  const url = lines[from]?.text.trim() ?? '';
  const date = lines[from + 1]?.text.trim() ?? '';
  const title = lines[from + 2]?.text.trim() ?? '';
  if (/^https?:\/\/\S+$/.test(url) && normalizeDate(date) && title)
    return { url, date, title, next: from + 3 };
  return null;
}

/** Counts question lines: the format detector uses this. */
export function countQuestions(lines: readonly Line[]): number {
  let n = 0;
  for (const l of lines) if (QUESTION.test(l.text) && l.text.replace(QUESTION, '').trim() !== '') n++;
  return n;
}

/** Parses the dash layout. */
export function parseDash(text: string, lines: readonly Line[] = splitLines(text)): Draft {
  const { meta, bodyStart } = frontMatter(lines);
  let i = bodyStart;
  while (i < lines.length && isBlank(lines[i])) i++;
  const header = livedoorHeader(lines, i);
  let title = meta.title ?? null;
  if (header) {
    i = header.next;
    title ??= header.title;
  }

  // First pass: speaker labels that occur as answer prefixes, so a stray "見出し：" is not a speaker.
  const labelCounts = new Map<string, number>();
  const aliases = new Map<string, string>();
  let afterQuestion = false;
  const declared = new Set<string>();
  for (let j = i; j < lines.length; j++) {
    const t = lines[j]?.text ?? '';
    if (QUESTION.test(t)) {
      afterQuestion = true;
      continue;
    }
    const nm = matchName(t);
    if (nm?.rest) {
      labelCounts.set(nm.label, (labelCounts.get(nm.label) ?? 0) + (afterQuestion ? 2 : 1));
      if (nm.alias) {
        aliases.set(nm.alias, nm.label);
        declared.add(nm.label);
      }
    }
    if (t.trim() !== '') afterQuestion = false;
  }
  const isSpeaker = (label: string): boolean =>
    declared.has(label) ||
    aliases.has(label) ||
    (labelCounts.get(label) ?? 0) >= 2 ||
    (meta.interviewee !== undefined && stripHonorific(label) === stripHonorific(meta.interviewee));

  // Who answers when an answer paragraph has no name prefix: the declared interviewee, the most
  // frequent named speaker, or the person the title says is interviewed.
  const topLabel = [...labelCounts]
    .filter(([l]) => isSpeaker(l) && !aliases.has(l))
    .sort((a, b) => b[1] - a[1])[0]?.[0];
  const titleName = title ? TITLE_NAME.exec(title)?.[1] : undefined;
  const answerer = meta.interviewee ?? topLabel ?? titleName ?? '話し手';

  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  let section: string | null = null;
  let current: {
    speaker: string;
    role?: 'interviewer';
    line: number;
    parts: string[];
    start: number;
    end: number;
  } | null = null;
  let inInfoBlock = false;
  // State across blank lines: was the last turn a question, and is a 「…」 answer still open?
  let lastWasQuestion = false;
  let openQuote = false;
  const close = () => {
    if (current && current.parts.join('').trim() !== '') {
      const turn: DraftTurn = {
        speaker: current.speaker,
        text: current.parts.join('\n').trim(),
        start: current.start,
        end: current.end,
        line: current.line,
        section,
      };
      if (current.role) turn.role = current.role;
      pushTurn(turns, turn, 'dash');
    }
    current = null;
  };
  const interviewerName = meta.interviewer ?? '聞き手';

  for (; i < lines.length; i++) {
    const line = lines[i] as Line;
    const t = line.text;
    if (t.trim() === '') {
      // A blank line ends a turn (unless a 「…」 answer is still open): what follows without a
      // marker is narration, captions or notes.
      if (!openQuote) {
        if (current) lastWasQuestion = current.role === 'interviewer';
        close();
      }
      continue;
    }
    if (QUESTION.test(t)) {
      const q = t.replace(QUESTION, '').trim();
      close();
      inInfoBlock = false;
      if (q === '' || /^[。、]/.test(q)) continue;
      current = {
        speaker: interviewerName,
        role: 'interviewer',
        line: line.no,
        parts: [q],
        start: line.start,
        end: line.end,
      };
      openQuote = false;
      continue;
    }
    if (isInfoBlockLine(t)) {
      close();
      inInfoBlock = true;
      continue;
    }
    if (isHeadingLine(t)) {
      close();
      inInfoBlock = false;
      const h = t
        .trim()
        .replace(/^[■□◆◇▼▽●○★☆◎]\s*/, '')
        .replace(/^【(.*)】$/, '$1')
        .trim();
      if (h) {
        section = h;
        sections.push(h);
      }
      continue;
    }
    const nm = matchName(t);
    if (nm?.rest && isSpeaker(nm.label)) {
      close();
      inInfoBlock = false;
      current = {
        speaker: aliases.get(nm.label) ?? nm.label,
        line: line.no,
        parts: [nm.rest],
        start: line.start,
        end: line.end,
      };
      continue;
    }
    if (inInfoBlock || isCaptionLine(t) || isNoteLine(t)) {
      close();
      lastWasQuestion = false;
      continue;
    }
    const body = t.trim();
    if (current) {
      current.parts.push(body);
      current.end = line.end;
      if (openQuote && /」$/.test(body)) openQuote = false;
    } else if (lastWasQuestion) {
      // An unprefixed paragraph right after a question is the answer.
      current = { speaker: answerer, line: line.no, parts: [body], start: line.start, end: line.end };
      openQuote = body.startsWith('「') && !body.endsWith('」');
    } else if (/^[…‥]/.test(body) && turns.at(-1)?.role === undefined && turns.length > 0) {
      // "…なんですけど" after a paragraph break continues the previous answer.
      const prev = turns.at(-1) as DraftTurn;
      prev.text = `${prev.text}\n\n${body}`;
      prev.end = line.end;
    }
    lastWasQuestion = false;
  }
  close();
  if (turns.length === 0)
    throw new ParseError(lines[i - 1]?.no ?? 1, 'no `——` questions or `名前：` answers found', 'dash');

  const interviewees: DraftPerson[] = [];
  for (const label of new Set(turns.filter((t) => t.role !== 'interviewer').map((t) => t.speaker))) {
    const p: DraftPerson = {
      name: stripHonorific(label),
      aliases: [...aliases].filter(([, full]) => full === label).map(([a]) => a),
    };
    interviewees.push(p);
  }
  return {
    format: 'dash',
    title,
    url: meta.url ?? header?.url ?? null,
    publishedAt: meta.publishedAt ?? header?.date ?? null,
    id: meta.id ?? null,
    interviewer: { name: interviewerName },
    interviewees,
    aliases,
    sections,
    turns,
  };
}
