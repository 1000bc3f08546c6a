/**
 * Dash interviews as printed in Japanese magazines and news sites: `——` starts the interviewer's
 * question, `名前：` / `名前さん：` / `名前（以下、略称）：` starts an answer. Headings (■…, 【…】),
 * photo captions, notes (※…) and shop/profile blocks in between are not quotes.
 * Header (livedoor layout): line 1 URL, line 2 date, line 3 title; or front matter.
 */
import { ParseError } from '../errors.ts';
import { intervieweeFromArticle, subjectOfTitle } from './article.ts';
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
import { isCaption, isCredit, isProfileLine, isPromo, stripPageNumbers } from './furniture.ts';
import { isRoleLabel, nameKey, splitName } from './people.ts';
import { hasAny, isSpace, skipSpaces, trimEndIndex, wordAt } from './scan.ts';

/** A question line: two dashes (em dash, horizontal bar or box-drawing) at the start. */
export const QUESTION = /^[\s\u3000]*(?:——|――|──|—―|―—|─|－－)(?![-—―─－]*\s*$)[—―─－]*[\s\u3000]*/;
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

/** `山本武司（以下、山本）「…」` / `山本「…」`: a label directly before an opening quote. */
function matchQuoteName(text: string): NameMatch | null {
  const first = skipSpaces(text);
  const open = text.indexOf('「', first);
  if (open <= first || open - first > 30) return null;
  const head = text.slice(first, open).trim();
  if (!head || /[\s\u3000、。！？!?：:」]/.test(head.replace(/[（(][^）)]*[）)]/g, ''))) return null;
  let label = head;
  let alias: string | null = null;
  const a = ALIAS.exec(label);
  if (a) {
    alias = (a[1] ?? '').trim();
    label = (label.slice(0, a.index) + label.slice(a.index + a[0].length)).trim();
  }
  // Narration quotes someone too (星野さんは「…」): a particle before the quote is no label, and
  // a label is made of name characters (・「…」特集 is a bullet).
  if (!label || label.length > MAX_NAME || /[はがのをにへともで]$/.test(label)) return null;
  if (
    !/^[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}A-Za-zＡ-Ｚａ-ｚー][\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}A-Za-zＡ-Ｚａ-ｚー・]*$/u.test(
      label,
    )
  )
    return null;
  return { label, alias, rest: text.slice(open).trim() };
}

/** A speaker prefix of either form. */
function matchSpeaker(text: string): (NameMatch & { quoted: boolean }) | null {
  const nm = matchName(text);
  if (nm) return { ...nm, quoted: false };
  const q = matchQuoteName(text);
  return q ? { ...q, quoted: true } : null;
}

/** True when a short standalone line reads as a heading (no sentence end, not a quote). */
function looksLikeHeading(t: string): boolean {
  const s = t.trim();
  return s.length >= 2 && s.length <= 40 && !/[。．！？!?」』）)、]$/.test(s) && !/^[「『（(]/.test(s);
}

/**
 * A heading that names whose answers follow (`■ザック・エフロン（ポール役）`, `■ゲイリー・マシャル監督`):
 * the name, or null.
 */
function speakerOfHeading(h: string, mentioned: string): string | null {
  const parts = splitName(h);
  if (parts.name.length < 2 || parts.name.length > 20 || /[、。！？!?「」『』\s]/.test(parts.name))
    return null;
  if (isRoleLabel(parts.name)) return null;
  const byNote = parts.note !== null && /役$/.test(parts.note);
  const byTitle = parts.title !== null;
  const named = /^[\p{Script=Katakana}ー・]+$/u.test(parts.name) && parts.name.includes('・');
  // The printed heading is the label: the resolver keeps 監督 as the title, drops （ポール役）.
  if (byNote || byTitle) return h.trim();
  return named && mentioned.includes(parts.name) ? h.trim() : null;
}

/** Labels counted together: 森田敏裕さん and 森田敏裕, ステイサム（ブラント） and ステイサム. */
function labelKey(label: string): string {
  return nameKey(splitName(label).name);
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

  // First pass: speaker labels that occur as answer prefixes, so a stray "見出し：" is not a speaker;
  // the lead and the questions, which name the interviewee.
  const labelCounts = new Map<string, number>();
  // `名前「…」` labels count only when printed twice: narration quotes people too.
  const quotedCounts = new Map<string, number>();
  const aliases = new Map<string, string>();
  let afterQuestion = false;
  const declared = new Set<string>();
  const lead: string[] = [];
  const questions: string[] = [];
  for (let j = i; j < lines.length; j++) {
    const t = lines[j]?.text ?? '';
    if (QUESTION.test(t)) {
      afterQuestion = true;
      if (questions.length < 200) questions.push(t);
      continue;
    }
    if (questions.length === 0 && lead.length < 50) lead.push(t);
    const nm = matchSpeaker(t);
    if (nm?.rest) {
      const key = labelKey(nm.label);
      if (nm.quoted) quotedCounts.set(key, (quotedCounts.get(key) ?? 0) + 1);
      else labelCounts.set(key, (labelCounts.get(key) ?? 0) + (afterQuestion ? 2 : 1));
      if (nm.alias) {
        aliases.set(nm.alias, nm.label);
        declared.add(nm.label);
      }
    }
    if (t.trim() !== '') afterQuestion = false;
  }
  const isSpeaker = (m: NameMatch & { quoted: boolean }): boolean =>
    declared.has(m.label) ||
    aliases.has(m.label) ||
    (m.quoted ? (quotedCounts.get(labelKey(m.label)) ?? 0) : (labelCounts.get(labelKey(m.label)) ?? 0)) >=
      2 ||
    (!m.quoted &&
      meta.interviewee !== undefined &&
      stripHonorific(m.label) === stripHonorific(meta.interviewee));

  // Who answers when an answer paragraph has no name prefix: the last named speaker, else the
  // declared interviewee, the person the article says it interviews, or the most frequent label.
  const firstLabel = new Map<string, string>();
  for (let j = i; j < lines.length; j++) {
    const nm = matchName(lines[j]?.text ?? '');
    if (nm?.rest && !firstLabel.has(labelKey(nm.label))) firstLabel.set(labelKey(nm.label), nm.label);
  }
  const topKey = [...labelCounts]
    .filter(([k]) => (labelCounts.get(k) ?? 0) >= 2 && !aliases.has(firstLabel.get(k) ?? ''))
    .sort((a, b) => b[1] - a[1])[0]?.[0];
  const topLabel = topKey === undefined ? undefined : firstLabel.get(topKey);
  const mentioned = [title ?? '', ...lead].join('\n');
  // The title's subject (美少女・橋本愛が…) only when nobody in the text is named at all.
  const articleName =
    intervieweeFromArticle(title, lead, questions) ??
    (topLabel === undefined ? subjectOfTitle(title, lead) : null);
  const defaultAnswerer = meta.interviewee ?? articleName ?? topLabel ?? '話し手';
  let lastNamed: string | null = null;
  const answerer = () => lastNamed ?? defaultAnswerer;

  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const captions: string[] = [];
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
  let inProfile = false;
  // State across blank lines: was the last turn a question, and is a 「…」 answer still open?
  let lastWasQuestion = false;
  let openQuote = false;
  // A question may wrap onto one more line that ends it (`——…について` / `どう思いますか？`).
  let questionMayWrap = false;
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
  const startAnswer = (line: Line, body: string) => {
    current = { speaker: answerer(), line: line.no, parts: [body], start: line.start, end: line.end };
    openQuote = body.startsWith('「') && !body.includes('」');
  };

  for (; i < lines.length; i++) {
    const line = lines[i] as Line;
    const t = line.text;
    if (t.trim() === '') {
      // A blank line ends a turn (unless a 「…」 answer is still open): what follows without a
      // marker is narration, captions or notes.
      inProfile = false;
      questionMayWrap = false;
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
      inProfile = false;
      if (q === '' || /^[。、]/.test(q)) continue;
      // ——【まとめ】: a heading printed with the question dash.
      const bracketed = /^【([^】]{1,60})】$/.exec(q);
      if (bracketed?.[1]) {
        section = bracketed[1].trim();
        sections.push(section);
        lastWasQuestion = false;
        continue;
      }
      current = {
        speaker: interviewerName,
        role: 'interviewer',
        line: line.no,
        parts: [stripPageNumbers(q)],
        start: line.start,
        end: line.end,
      };
      openQuote = false;
      questionMayWrap = !/[。．！？!?」』）)…]$/.test(q);
      continue;
    }
    if (isInfoBlockLine(t)) {
      close();
      inInfoBlock = true;
      continue;
    }
    if (inProfile || isCaption(t) || isCredit(t)) {
      // Captions, profile boxes and credits: metadata, never quotes.
      close();
      if (isProfileLine(t)) inProfile = true;
      lastWasQuestion = false;
      if (captions.length < 500 && t.trim().length <= 300) captions.push(t.trim());
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
        const who = speakerOfHeading(h, mentioned);
        if (who) lastNamed = who;
      }
      continue;
    }
    const nm = matchSpeaker(t);
    if (nm?.rest && isSpeaker(nm)) {
      close();
      inInfoBlock = false;
      const speaker = aliases.get(nm.label) ?? nm.label;
      current = {
        speaker,
        line: line.no,
        parts: [stripPageNumbers(nm.rest)],
        start: line.start,
        end: line.end,
      };
      if (!isRoleLabel(splitName(speaker).name) && !/[＆&]|と/.test(speaker)) lastNamed = speaker;
      openQuote = nm.quoted && !nm.rest.includes('」');
      continue;
    }
    if (inInfoBlock || isCaptionLine(t) || isNoteLine(t)) {
      close();
      lastWasQuestion = false;
      continue;
    }
    const body = stripPageNumbers(t.trim());
    const cur = current as typeof current;
    if (cur?.role === 'interviewer') {
      if (questionMayWrap && /[？?]$/.test(body)) {
        cur.parts.push(body);
        cur.end = line.end;
        questionMayWrap = false;
        continue;
      }
      // The line after a question, with no name: the answer (never more of the question).
      close();
      if (isPromo(body)) continue;
      startAnswer(line, body);
    } else if (cur) {
      if (isPromo(body)) {
        close();
        lastWasQuestion = false;
        continue;
      }
      cur.parts.push(body);
      cur.end = line.end;
      if (openQuote && body.includes('」')) openQuote = false;
    } else if (lastWasQuestion) {
      // An unprefixed paragraph right after a question is the answer.
      if (!isPromo(body)) startAnswer(line, body);
    } else if (/^[…‥]/.test(body) && turns.at(-1)?.role === undefined && turns.length > 0) {
      // "…なんですけど" after a paragraph break continues the previous answer.
      const prev = turns.at(-1) as DraftTurn;
      prev.text = `${prev.text}\n\n${body}`;
      prev.end = line.end;
    } else if (isBlank(lines[i - 1]) && isBlank(lines[i + 1]) && looksLikeHeading(body)) {
      // A short line on its own between paragraphs, before a question: a section heading.
      const next = nextNonBlank(lines, i + 1);
      if (next < lines.length && QUESTION.test(lines[next]?.text ?? '')) {
        section = body;
        sections.push(body);
      }
    }
    lastWasQuestion = false;
  }
  close();
  if (turns.length === 0)
    throw new ParseError(lines[i - 1]?.no ?? 1, 'no `——` questions or `名前：` answers found', 'dash');

  const interviewees: DraftPerson[] = [];
  for (const label of new Set(turns.filter((t) => t.role !== 'interviewer').map((t) => t.speaker))) {
    const p: DraftPerson = {
      name: label,
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
    interviewer: meta.interviewer ? { name: meta.interviewer } : null,
    interviewees,
    intervieweeHint: meta.interviewee ?? articleName,
    aliases,
    sections,
    captions,
    turns,
  };
}

function nextNonBlank(lines: readonly Line[], from: number): number {
  let j = from;
  while (j < lines.length && isBlank(lines[j])) j++;
  return j;
}
