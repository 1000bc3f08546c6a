/**
 * Speaker-prefixed lines: `名前：text`, `Q. text` / `A. text`, `聞き手：text`, `[Name] text`.
 * Lines without a prefix continue the previous turn; `【見出し】`, `■見出し` and `## 見出し` lines
 * are section headings. Optional front matter names the interviewer and interviewee.
 */
import { ParseError } from '../errors.ts';
import {
  type Draft,
  type DraftPerson,
  type DraftTurn,
  eachLine,
  type Furniture,
  isInterviewerLabel,
  type Line,
  type Lines,
  pushTurn,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter, livedoorHeader } from './frontmatter.ts';
import { hasCode, indexOfAny, isSpace, skipSpaces, trimEndIndex } from './scan.ts';

const QA_LETTERS = 'QqAaＱＡ';
const QA_SEPARATORS = '.．:：)）';
/** Characters a `名前：` label cannot contain (besides white space). */
const NAME_EXCLUDED = '：:「」『』。、！？!?[]［］#*■【';
const HEADING_MARKS = '■◆●▼';

/** `Q. text` / `A：text`: the letter and the rest, or null. */
function matchQa(t: string): { letter: string; rest: string } | null {
  const i = skipSpaces(t);
  if (!hasCode(QA_LETTERS, t.charCodeAt(i))) return null;
  const j = skipSpaces(t, i + 1);
  if (!hasCode(QA_SEPARATORS, t.charCodeAt(j))) return null;
  return { letter: t[i] as string, rest: t.slice(j + 1) };
}

/** `[名前] text` (label 1–30 characters) or `名前：text` (label 1–20, no spaces). */
function matchLabel(t: string): { label: string; rest: string } | null {
  const i = skipSpaces(t);
  if (t[i] === '[' || t[i] === '［') {
    const close = indexOfAny(t, ']］', i + 1);
    if (close > i + 1 && close - i - 1 <= 30 && close + 1 < t.length)
      return { label: t.slice(i + 1, close), rest: t.slice(close + 1) };
  }
  let j = i;
  while (j < t.length && j - i <= 20 && !isSpace(t.charCodeAt(j)) && !hasCode(NAME_EXCLUDED, t.charCodeAt(j)))
    j++;
  if (j === i || j - i > 20) return null;
  const colon = skipSpaces(t, j);
  if (t[colon] !== '：' && t[colon] !== ':') return null;
  if (colon + 1 >= t.length) return null;
  return { label: t.slice(i, j), rest: t.slice(colon + 1) };
}

/** `【見出し】`, `■見出し` or `## 見出し` (at most 60 characters) alone on a line. */
function matchHeading(t: string): { text: string; hashes: number } | null {
  const i = skipSpaces(t);
  const end = trimEndIndex(t);
  const c = t[i];
  if (c === '【') {
    const close = t.indexOf('】', i + 1);
    if (close > i + 1 && close - i - 1 <= 60 && close + 1 === end)
      return { text: t.slice(i + 1, close), hashes: 0 };
    return null;
  }
  let j: number;
  let hashes = 0;
  if (hasCode(HEADING_MARKS, t.charCodeAt(i))) {
    j = skipSpaces(t, i + 1);
  } else if (c === '#') {
    while (t[i + hashes] === '#') hashes++;
    if (hashes > 6 || !isSpace(t.charCodeAt(i + hashes))) return null;
    j = skipSpaces(t, i + hashes);
  } else {
    return null;
  }
  if (end - j < 1 || end - j > 60) return null;
  return { text: t.slice(j, end), hashes };
}

export interface Prefix {
  speaker: string;
  role?: 'interviewer' | 'interviewee';
  rest: string;
}

export function matchPrefix(t: string, meta: { interviewer?: string; interviewee?: string }): Prefix | null {
  const qa = matchQa(t);
  if (qa) {
    const isQ = qa.letter === 'Q' || qa.letter === 'q' || qa.letter === 'Ｑ';
    const name = isQ ? (meta.interviewer ?? '聞き手') : (meta.interviewee ?? '話し手');
    return { speaker: name, role: isQ ? 'interviewer' : 'interviewee', rest: qa.rest.trim() };
  }
  const m = matchLabel(t);
  if (!m || /^https?$/i.test(m.label)) return null;
  const label = m.label.trim();
  const rest = m.rest.trim();
  // 聞き手 / インタビュアー mean the declared interviewer when front matter names one.
  if (isInterviewerLabel(label)) return { speaker: meta.interviewer ?? label, role: 'interviewer', rest };
  return { speaker: label, rest };
}

/** Counts prefixed lines: the format detector uses this. With `enough`, stops counting there. */
export function countPrefixed(lines: Lines, enough?: number): number {
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines.blank(i) || !matchPrefix(lines.text(i) as string, {})) continue;
    n++;
    if (enough !== undefined && n >= enough) break;
  }
  return n;
}

const noTurns = () =>
  new ParseError(1, 'no speaker-prefixed lines (`名前：`, `Q.`/`A.`, `[名前]`) found', 'prefixed');

/** Parses speaker-prefixed transcripts. */
export function parsePrefixed(text: string, lines: Lines = splitLines(text)): Draft {
  const { meta, bodyStart: afterMeta } = frontMatter(lines);
  let bodyStart = afterMeta;
  while (bodyStart < lines.length && lines.blank(bodyStart)) bodyStart++;
  const header = livedoorHeader(lines, bodyStart);
  if (header) bodyStart = header.next;
  // A label must recur (or be declared) to count as a speaker: "注意：…" once is just text.
  const counts = new Map<string, number>();
  // Each loop over the lines calls a step (eachLine): the optimising compiler then compiles the
  // small step, not this whole parser, while a long body runs.
  let anyText = false;
  eachLine(bodyStart, lines.length, (i) => {
    if (lines.blank(i)) return;
    const p = matchPrefix(lines.text(i) as string, meta);
    if (!p) return;
    counts.set(p.speaker, (counts.get(p.speaker) ?? 0) + 1);
    if (p.rest) anyText = true;
  });
  // A turn starts only at a prefixed line with text: with none, the pass below would read every
  // line again for nothing (100,000 bare `Q.` or `---` lines cost ~0.1 s).
  if (!anyText) throw noTurns();
  const declared = new Set([meta.interviewer, meta.interviewee].filter((x): x is string => !!x));
  const isSpeaker = (p: Prefix) =>
    p.role !== undefined || (counts.get(p.speaker) ?? 0) >= 2 || declared.has(p.speaker);

  let title = meta.title ?? header?.title ?? null;
  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const furniture: Furniture[] = [];
  let section: string | null = null;
  let current: (DraftTurn & { parts: string[] }) | null = null;
  const close = () => {
    if (current) {
      const { parts, ...turn } = current;
      pushTurn(turns, { ...turn, text: parts.join('\n').trim() }, 'prefixed');
    }
    current = null;
  };
  eachLine(bodyStart, lines.length, (i) => {
    if (lines.blank(i)) return;
    const t = lines.text(i) as string;
    const h = matchHeading(t);
    if (h) {
      const heading = h.text.trim();
      if (h.hashes === 1 && title === null && turns.length === 0 && !current) {
        title = heading;
        return;
      }
      close();
      furniture.push({ line: lines.at(i) as Line, kind: 'heading' });
      section = heading;
      sections.push(heading);
      return;
    }
    const p = matchPrefix(t, meta);
    // A one-off label still counts when it answers the interviewer's question.
    const answersQuestion = (current?.role ?? turns.at(-1)?.role) === 'interviewer';
    if (p?.rest && (isSpeaker(p) || answersQuestion)) {
      close();
      const line = lines.at(i) as Line;
      current = {
        speaker: p.speaker,
        text: '',
        start: line.start,
        end: line.end,
        line: line.no,
        section,
        parts: [p.rest],
      };
      if (p.role) current.role = p.role;
      return;
    }
    if (current) {
      current.parts.push(lines.blank(i - 1) ? `\n${t.trim()}` : t.trim());
      current.end = (lines.at(i) as Line).end;
    } else if (title === null && turns.length === 0) {
      title = t.trim();
    }
  });
  close();
  if (turns.length === 0) throw noTurns();
  const interviewer: DraftPerson | null = meta.interviewer
    ? { name: stripHonorific(meta.interviewer) }
    : null;
  const interviewees: DraftPerson[] = meta.interviewee ? [{ name: stripHonorific(meta.interviewee) }] : [];
  return {
    format: 'prefixed',
    title,
    url: meta.url ?? header?.url ?? null,
    publishedAt: meta.publishedAt ?? header?.date ?? null,
    id: meta.id ?? null,
    interviewer,
    interviewees,
    sections,
    furniture,
    turns,
  };
}
