/**
 * TSV dialogs: `speaker<TAB>text`, one turn a line, optional `# key: value` comment header.
 * In the ASDC corpus `│` joins sentences inside a turn and `▁` marks a pause: both are cleaned.
 */
import { ParseError } from '../errors.ts';
import {
  type Draft,
  type DraftTurn,
  type Line,
  type Lines,
  pushTurn,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { type Meta, readMetaPair } from './frontmatter.ts';
import { isSpace } from './scan.ts';

const ROLE_HINT_INTERVIEWER = /^(operator|op|interviewer|聞き手|インタビュアー|司会|q)(?:[_\s-]?\d+)?$/i;
const ROLE_HINT_INTERVIEWEE = /^(customer|guest|interviewee|user|a)(?:[_\s-]?\d+)?$/i;

/**
 * Cleans corpus markup: `│` sentence joins and `▁` pauses. Each replacement runs over maximal
 * runs of white space and the mark, so no pattern is tried from every position of a long run
 * (a global `\s*▁\s*` was quadratic in the length of a run of spaces).
 */
export function cleanDialogText(s: string): string {
  const paused = s.replace(/[\s▁]+/g, (run) => {
    let pauses = 0;
    for (const c of run) if (c === '▁') pauses++;
    return pauses > 0 ? ' '.repeat(pauses) : run;
  });
  const joined = paused.replace(/[\s│]+/g, (run, offset: number, all: string) => {
    let joins = 0;
    for (const c of run) if (c === '│') joins++;
    if (joins === 0) return run;
    // One `│` between Latin letters or digits becomes a space (`a│b` → `a b`); otherwise it goes.
    const before = all[offset - 1] ?? '';
    const after = all[offset + run.length] ?? '';
    return joins === 1 && /[A-Za-z0-9]/.test(before) && /[A-Za-z0-9]/.test(after) ? ' ' : '';
  });
  return joined.replace(/[ \t]{2,}/g, ' ').trim();
}

/** Counts lines that look like `speaker<TAB>text`: the format detector uses this. */
export function countTsvLines(lines: Lines): { tsv: number; content: number } {
  let tsv = 0;
  let content = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines.blank(i) || lines.code(i, 0) === 0x23 /* # */) continue;
    content++;
    // `^[^\t]{1,60}\t\S` by hand, in place: the first tab at 1–60, then a character that is no
    // space (a line's first 62 characters at most are looked at).
    let tab = -1;
    for (let k = 0; k <= 60; k++) {
      const c = lines.code(i, k);
      if (c === 9) {
        tab = k;
        break;
      }
      if (Number.isNaN(c)) break;
    }
    if (tab >= 1) {
      const next = lines.code(i, tab + 1);
      if (!Number.isNaN(next) && !isSpace(next)) tsv++;
    }
  }
  return { tsv, content };
}

/** Parses TSV dialogs. */
export function parseTsv(text: string, lines: Lines = splitLines(text)): Draft {
  const meta: Meta = {};
  const turns: DraftTurn[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines.blank(i)) continue;
    const line = lines.at(i) as Line;
    const t = line.text;
    if (t.startsWith('#')) {
      readMetaPair(t.replace(/^#+\s*/, ''), meta);
      continue;
    }
    const tab = t.indexOf('\t');
    if (tab <= 0) throw new ParseError(line.no, 'expected `speaker<TAB>text`', 'tsv');
    const speaker = t.slice(0, tab).trim();
    const body = cleanDialogText(t.slice(tab + 1).replace(/\t/g, ' '));
    if (!speaker) throw new ParseError(line.no, 'empty speaker column', 'tsv');
    if (speaker.length > 100)
      throw new ParseError(line.no, 'speaker column longer than 100 characters', 'tsv');
    if (!body) continue;
    const turn: DraftTurn = {
      speaker,
      text: body,
      start: line.start,
      end: line.end,
      line: line.no,
      section: null,
    };
    const role =
      meta.interviewer && stripHonorific(speaker) === stripHonorific(meta.interviewer)
        ? 'interviewer'
        : ROLE_HINT_INTERVIEWER.test(speaker)
          ? 'interviewer'
          : ROLE_HINT_INTERVIEWEE.test(speaker) ||
              (meta.interviewee && stripHonorific(speaker) === stripHonorific(meta.interviewee))
            ? 'interviewee'
            : undefined;
    if (role) turn.role = role;
    pushTurn(turns, turn, 'tsv');
  }
  if (turns.length === 0) throw new ParseError(1, 'no `speaker<TAB>text` lines found', 'tsv');
  // Dialog corpora have no declared interviewer: whoever opens the dialog asks the questions.
  const opener = turns[0]?.speaker;
  const hasInterviewer = turns.some((t) => t.role === 'interviewer');
  return {
    format: 'tsv',
    title: meta.title ?? null,
    url: meta.url ?? null,
    publishedAt: meta.publishedAt ?? null,
    id: meta.id ?? null,
    interviewer: meta.interviewer ? { name: stripHonorific(meta.interviewer) } : null,
    interviewees: meta.interviewee ? [{ name: stripHonorific(meta.interviewee) }] : [],
    sections: [],
    turns: turns.map((t) =>
      t.role
        ? t
        : {
            ...t,
            role:
              !hasInterviewer && t.speaker === opener ? ('interviewer' as const) : ('interviewee' as const),
          },
    ),
  };
}
