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
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter } from './frontmatter.ts';

/** A question line: two dashes (em dash, horizontal bar or box-drawing) at the start. */
export const QUESTION = /^[\s\u3000]*(?:——|――|──|—―|―—|─|－－)(?![-—―─－]*\s*$)[\s\u3000]*/;
const NAME_PREFIX =
  /^[\s\u3000]*([^：:\s\u3000「」『』。！？!?（(【[［<＜][^：:「」『』。！？!?]{0,40}?)[\s\u3000]*[：:][\s\u3000]*(.*)$/;
const ALIAS = /[（(]\s*(?:以下|以降)\s*[、,]?\s*([^）)]{1,20}?)\s*[）)]/;
const HEADING = /^[\s\u3000]*(?:[■□◆◇▼▽●○★☆◎]|【[^】]{1,60}】[\s\u3000]*$)/;
const NOTE = /^[\s\u3000]*(?:※|＊|\*|・|次のページ|関連|<|＜|\[|［|(?:https?:\/\/))/;
const CAPTION =
  /^[\s\u3000]*[（(][^）)]*(?:写真|撮影|提供|photo|Photo|PHOTO|画像|左|右)[^）)]*[）)][\s\u3000]*$/;
const INFO_BLOCK =
  /^[\s\u3000]*[■●◆【]?\s*(?:プロフィール|profile|店舗情報|ショップ情報|インフォメーション|information|作品情報|公演情報|関連リンク|問い合わせ|お問い合わせ)/i;
const MAX_NAME = 20;
const TITLE_NAME =
  /([\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ー・A-Za-z]{2,15}?)(?:さん|氏|先生)(?:に聞く|インタビュー|が語る|に直撃)/u;

interface NameMatch {
  label: string;
  alias: string | null;
  rest: string;
}

function matchName(text: string): NameMatch | null {
  const m = NAME_PREFIX.exec(text);
  if (!m) return null;
  let label = (m[1] ?? '').trim();
  let alias: string | null = null;
  const a = ALIAS.exec(label);
  if (a) {
    alias = (a[1] ?? '').trim();
    label = (label.slice(0, a.index) + label.slice(a.index + a[0].length)).trim();
  }
  if (!label || label.length > MAX_NAME || /[、,。[\]［］]/.test(label)) return null;
  // Times (12：00), numbers and URLs are not speakers.
  if (/^[\d０-９\s]+$/.test(label) || /[\d０-９]$/.test(label) || /^(https?|http)$/i.test(label)) return null;
  return { label, alias, rest: (m[2] ?? '').trim() };
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
export function countQuestions(text: string): number {
  return splitLines(text).filter((l) => QUESTION.test(l.text) && l.text.replace(QUESTION, '').trim() !== '')
    .length;
}

/** Parses the dash layout. */
export function parseDash(text: string): Draft {
  const lines = splitLines(text);
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
      turns.push(turn);
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
    if (INFO_BLOCK.test(t)) {
      close();
      inInfoBlock = true;
      continue;
    }
    if (HEADING.test(t)) {
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
    if (inInfoBlock || CAPTION.test(t) || NOTE.test(t)) {
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
