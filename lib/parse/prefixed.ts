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
  isBlank,
  isInterviewerLabel,
  type Line,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter } from './frontmatter.ts';

const QA = /^[\s\u3000]*([QqAaＱＡ])[\s\u3000]*[.．:：)）][\s\u3000]*(.*)$/;
const BRACKET = /^[\s\u3000]*[[［]([^\]］]{1,30})[\]］][\s\u3000]*(.+)$/;
const NAMED =
  /^[\s\u3000]*([^\s\u3000：:「」『』。、！？!?[\]［］#*■【]{1,20}?)[\s\u3000]*[：:][\s\u3000]*(.+)$/;
const HEADING = /^[\s\u3000]*(?:【([^】]{1,60})】|[■◆●▼]\s*(.{1,60})|#{1,6}\s+(.{1,60}))[\s\u3000]*$/;

interface Prefix {
  speaker: string;
  role?: 'interviewer' | 'interviewee';
  rest: string;
}

function matchPrefix(t: string, meta: { interviewer?: string; interviewee?: string }): Prefix | null {
  let m = QA.exec(t);
  if (m) {
    const isQ = /[QqＱ]/.test(m[1] ?? '');
    const name = isQ ? (meta.interviewer ?? '聞き手') : (meta.interviewee ?? '話し手');
    return { speaker: name, role: isQ ? 'interviewer' : 'interviewee', rest: (m[2] ?? '').trim() };
  }
  m = BRACKET.exec(t) ?? NAMED.exec(t);
  if (!m || /^https?$/i.test(m[1] ?? '')) return null;
  const label = (m[1] ?? '').trim();
  const rest = (m[2] ?? '').trim();
  // 聞き手 / インタビュアー mean the declared interviewer when front matter names one.
  if (isInterviewerLabel(label)) return { speaker: meta.interviewer ?? label, role: 'interviewer', rest };
  return { speaker: label, rest };
}

/** Counts prefixed lines: the format detector uses this. */
export function countPrefixed(text: string): number {
  return splitLines(text).filter((l) => matchPrefix(l.text, {})).length;
}

/** Parses speaker-prefixed transcripts. */
export function parsePrefixed(text: string): Draft {
  const lines = splitLines(text);
  const { meta, bodyStart } = frontMatter(lines);
  // A label must recur (or be declared) to count as a speaker: "注意：…" once is just text.
  const counts = new Map<string, number>();
  for (const l of lines.slice(bodyStart)) {
    const p = matchPrefix(l.text, meta);
    if (p) counts.set(p.speaker, (counts.get(p.speaker) ?? 0) + 1);
  }
  const declared = new Set([meta.interviewer, meta.interviewee].filter((x): x is string => !!x));
  const isSpeaker = (p: Prefix) =>
    p.role !== undefined || (counts.get(p.speaker) ?? 0) >= 2 || declared.has(p.speaker);

  let title = meta.title ?? null;
  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  let section: string | null = null;
  let current: (DraftTurn & { parts: string[] }) | null = null;
  const close = () => {
    if (current) {
      const { parts, ...turn } = current;
      turns.push({ ...turn, text: parts.join('\n').trim() });
    }
    current = null;
  };
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i] as Line;
    const t = line.text;
    if (t.trim() === '') continue;
    const h = HEADING.exec(t);
    if (h) {
      const heading = (h[1] ?? h[2] ?? h[3] ?? '').trim();
      if (/^#\s/.test(t.trim()) && title === null && turns.length === 0 && !current) {
        title = heading;
        continue;
      }
      close();
      section = heading;
      sections.push(heading);
      continue;
    }
    const p = matchPrefix(t, meta);
    // A one-off label still counts when it answers the interviewer's question.
    const answersQuestion = (current?.role ?? turns.at(-1)?.role) === 'interviewer';
    if (p?.rest && (isSpeaker(p) || answersQuestion)) {
      close();
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
      continue;
    }
    if (current) {
      current.parts.push(isBlank(lines[i - 1]) ? `\n${t.trim()}` : t.trim());
      current.end = line.end;
    } else if (title === null && turns.length === 0) {
      title = t.trim();
    }
  }
  close();
  if (turns.length === 0)
    throw new ParseError(1, 'no speaker-prefixed lines (`名前：`, `Q.`/`A.`, `[名前]`) found', 'prefixed');
  const interviewer: DraftPerson | null = meta.interviewer
    ? { name: stripHonorific(meta.interviewer) }
    : null;
  const interviewees: DraftPerson[] = meta.interviewee ? [{ name: stripHonorific(meta.interviewee) }] : [];
  return {
    format: 'prefixed',
    title,
    url: meta.url ?? null,
    publishedAt: meta.publishedAt ?? null,
    id: meta.id ?? null,
    interviewer,
    interviewees,
    sections,
    turns,
  };
}
