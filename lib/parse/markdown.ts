/**
 * Markdown interviews: `# title`, `## section`, turns as paragraphs starting `**名前**：text`
 * (also `**名前：**text` and an ASCII colon). Paragraphs before the first turn are the lead;
 * later unprefixed paragraphs continue the previous turn.
 */
import { ParseError } from '../errors.ts';
import {
  type Draft,
  type DraftTurn,
  type Furniture,
  type Line,
  type Lines,
  pushTurn,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter } from './frontmatter.ts';
import { isSpace, skipSpaces, trimEndIndex } from './scan.ts';

/** Longest bold speaker label. */
const MAX_LABEL = 40;

/**
 * A turn line: bold speaker then a colon, inside or outside the bold (`**名前**：text`,
 * `**名前：**text`); the speaker and the rest, or null. A scan: the regex it replaces
 * (`\*\*([^*]{1,40}?)\s*(?:[：:]\s*\*\*|\*\*\s*[：:])\s*(.*)$`) tried every label length
 * against long runs of spaces.
 */
export function matchMdTurn(t: string): { speaker: string; rest: string } | null {
  const i = skipSpaces(t);
  if (t[i] !== '*' || t[i + 1] !== '*') return null;
  const from = i + 2;
  const star = t.indexOf('*', from);
  if (star <= from || t[star + 1] !== '*') return null;
  // `**名前：**`: the last colon before the closing stars, with only spaces between them.
  const beforeStars = trimEndIndex(t, star, from);
  const c = t[beforeStars - 1];
  if ((c === '：' || c === ':') && beforeStars - 1 > from) {
    const label = t.slice(from, trimEndIndex(t, beforeStars - 1, from));
    if (label.trim() && label.length <= MAX_LABEL)
      return { speaker: label.trim(), rest: t.slice(star + 2).trim() };
  }
  // `**名前**：`
  const colon = skipSpaces(t, star + 2);
  if (t[colon] !== '：' && t[colon] !== ':') return null;
  const label = t.slice(from, beforeStars);
  if (!label.trim() || label.length > MAX_LABEL) return null;
  return { speaker: label.trim(), rest: t.slice(colon + 1).trim() };
}

/**
 * `# 見出し ##`: level and text, or null. A scan: `^(#{1,6})\s+(.+?)\s*#*\s*$` backtracked
 * cubically on a long run of spaces (issue 11).
 */
export function matchMdHeading(line: string): { level: number; text: string } | null {
  const start = skipSpaces(line);
  const end = trimEndIndex(line, line.length, start);
  let level = 0;
  while (line[start + level] === '#') level++;
  if (level < 1 || level > 6 || start + level >= end || !isSpace(line.charCodeAt(start + level))) return null;
  const from = skipSpaces(line, start + level);
  // Closing hashes and the spaces before them are not part of the heading.
  let to = end;
  while (to > from && line[to - 1] === '#') to--;
  to = Math.max(from + 1, trimEndIndex(line, to, from));
  return { level, text: line.slice(from, to).trim() };
}

/** Parses Markdown interviews. */
export function parseMarkdown(text: string, lines: Lines = splitLines(text)): Draft {
  const { meta, bodyStart } = frontMatter(lines);
  let title = meta.title ?? null;
  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const furniture: Furniture[] = [];
  let section: string | null = null;
  let current: (DraftTurn & { parts: string[] }) | null = null;
  const close = () => {
    if (current) {
      const { parts, ...turn } = current;
      const body = parts.join('\n').trim();
      if (body) pushTurn(turns, { ...turn, text: body }, 'markdown');
    }
    current = null;
  };
  for (let i = bodyStart; i < lines.length; i++) {
    if (lines.blank(i)) continue;
    const line = lines.at(i) as Line;
    const t = line.text;
    const h = matchMdHeading(t);
    if (h) {
      const heading = h.text;
      close();
      if (h.level === 1 && (title === null || (title === meta.title && turns.length === 0))) {
        title = heading;
      } else {
        furniture.push({ line, kind: 'heading' });
        section = heading;
        sections.push(heading);
      }
      continue;
    }
    const m = matchMdTurn(t);
    if (m?.rest) {
      close();
      current = {
        speaker: m.speaker,
        text: '',
        start: line.start,
        end: line.end,
        line: line.no,
        section,
        parts: [m.rest],
      };
      continue;
    }
    if (/^\s*(?:---+|\*\*\*+)\s*$/.test(t)) {
      close();
      continue;
    }
    if (current) {
      current.parts.push(lines.blank(i - 1) ? `\n${t.trim()}` : t.trim());
      current.end = line.end;
    }
  }
  close();
  if (turns.length === 0) throw new ParseError(1, 'no `**名前**：text` turns found', 'markdown');
  return {
    format: 'markdown',
    title,
    url: meta.url ?? null,
    publishedAt: meta.publishedAt ?? null,
    id: meta.id ?? null,
    interviewer: meta.interviewer ? { name: stripHonorific(meta.interviewer) } : null,
    interviewees: meta.interviewee ? [{ name: stripHonorific(meta.interviewee) }] : [],
    sections,
    furniture,
    turns,
  };
}
