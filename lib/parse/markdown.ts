/**
 * Markdown interviews: `# title`, `## section`, turns as paragraphs starting `**名前**：text`
 * (also `**名前：**text` and an ASCII colon). Paragraphs before the first turn are the lead;
 * later unprefixed paragraphs continue the previous turn.
 */
import { ParseError } from '../errors.ts';
import { type Draft, type DraftTurn, isBlank, type Line, splitLines, stripHonorific } from './draft.ts';
import { frontMatter } from './frontmatter.ts';

/** A turn line: bold speaker then a colon, inside or outside the bold. */
export const MD_TURN = /^[\s\u3000]*\*\*([^*]{1,40}?)\s*(?:[：:]\s*\*\*|\*\*\s*[：:])[\s\u3000]*(.*)$/;
const MD_HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/** Parses Markdown interviews. */
export function parseMarkdown(text: string): Draft {
  const lines = splitLines(text);
  const { meta, bodyStart } = frontMatter(lines);
  let title = meta.title ?? null;
  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  let section: string | null = null;
  let current: (DraftTurn & { parts: string[] }) | null = null;
  const close = () => {
    if (current) {
      const { parts, ...turn } = current;
      const body = parts.join('\n').trim();
      if (body) turns.push({ ...turn, text: body });
    }
    current = null;
  };
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i] as Line;
    const t = line.text;
    if (t.trim() === '') continue;
    const h = MD_HEADING.exec(t.trim());
    if (h) {
      const heading = (h[2] ?? '').trim();
      close();
      if ((h[1] ?? '').length === 1 && (title === null || (title === meta.title && turns.length === 0))) {
        title = heading;
      } else {
        section = heading;
        sections.push(heading);
      }
      continue;
    }
    const m = MD_TURN.exec(t);
    if (m && (m[2] ?? '').trim()) {
      close();
      current = {
        speaker: (m[1] ?? '').trim(),
        text: '',
        start: line.start,
        end: line.end,
        line: line.no,
        section,
        parts: [(m[2] ?? '').trim()],
      };
      continue;
    }
    if (/^\s*(?:---+|\*\*\*+)\s*$/.test(t)) {
      close();
      continue;
    }
    if (current) {
      current.parts.push(isBlank(lines[i - 1]) ? `\n${t.trim()}` : t.trim());
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
    turns,
  };
}
