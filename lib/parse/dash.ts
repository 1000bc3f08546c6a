/**
 * Dash interviews as printed in Japanese magazines and news sites: `——` starts the interviewer's
 * question, `名前：` / `名前さん：` / `名前（以下、略称）：` starts an answer. Headings (■…, 【…】),
 * photo captions, notes (※…) and shop/profile blocks in between are not quotes.
 * Header (livedoor layout): line 1 URL, line 2 date, line 3 title; or front matter.
 */
import { ParseError } from '../errors.ts';
import { fullNameIn, intervieweeFromArticle, subjectOfTitle } from './article.ts';
import {
  isBracketHeading,
  isBracketNote,
  isCaptionLine,
  isDash,
  isHeadingLine,
  isIndented,
  isInfoBlockLine,
  isNoteLine,
  isQuestionLine,
  looksLikeHeading,
  mayBeMarked,
  nameForms,
  QUESTION,
  signatureOf,
  splitLeadingCredit,
  startsQuestion,
} from './dash-lines.ts';
import { DataRowFinder } from './data-rows.ts';
import {
  type Draft,
  type DraftPerson,
  type DraftTurn,
  eachLine,
  type Furniture,
  type FurnitureKind,
  type Line,
  type Lines,
  pushTurn,
  splitLines,
  stripHonorific,
} from './draft.ts';
import { frontMatter, livedoorHeader } from './frontmatter.ts';
import {
  isCaption,
  isCitationLabel,
  isCredit,
  isProfileLine,
  isPromo,
  stripPageNumbers,
} from './furniture.ts';
import { narrationOf } from './narration.ts';
import {
  isEveryoneLabel,
  isRoleLabel,
  listedNames,
  nameKey,
  roleOfLabel,
  splitJoint,
  splitName,
} from './people.ts';
import { hasCode, isSpace, skipSpaces } from './scan.ts';
import { advises, readsAsSpeech, readsAsTalk } from './speech.ts';

export { QUESTION } from './dash-lines.ts';

const ALIAS = /[（(]\s*(?:以下|以降)\s*[、,]?\s*([^）)]{1,20}?)\s*[）)]/;
/** Characters a speaker label cannot start with, and that cannot occur in one. */
const NAME_FIRST_EXCLUDED = '：:「」『』。！？!?（(【[［<＜';
const NAME_EXCLUDED = '「」『』。！？!?';
/** Longest label before `：` (the first character and 40 more, as printed names go). */
const MAX_LABEL = 41;

const MAX_NAME = 20;

/** Kind bits of a line (parseDash classifies each line once): nothing but white space. */
const K_BLANK = 1;
/** Starts with a question's dashes (`——`). */
const K_QUESTION = 2;
/** A question with words after its dashes (a lone `———` is a rule). */
const K_ASKS = 4;
/** Starts with a character a heading, note, box, caption or leading credit starts with (mayBeMarked). */
const K_MARKED = 8;
/** Has a speaker prefix with words after it (`名前：…`, `名前「…」`). */
const K_NAMED = 16;
/** A question or a line of a speaker (answerLayout). */
const K_MARKER = 32;
/** A named line before the first question that lists who takes part (answerLayout). */
const K_ROSTER = 64;

export interface NameMatch {
  label: string;
  alias: string | null;
  rest: string;
}

/** A printed label's speaker label and alias (`名前（以下、略称）`), or null when it is none. */
type LabelVerdict = { label: string; alias: string | null } | null;

/**
 * `名前：text`: a label of at most {@link MAX_LABEL} characters (spaces before the colon aside)
 * before the first `：`/`:`. A scan, not a regex: a lazy label followed by `\s*` tried each
 * label length against every long run of spaces.
 */
export function matchName(text: string): NameMatch | null {
  return matchNameWith(text, null);
}

/** Most printed labels a parse remembers the verdict on (a body rarely has more than a few dozen). */
const MAX_REMEMBERED_LABELS = 4096;

/**
 * {@link matchName} as a speaker match; `labels` remembers each printed label's verdict for the
 * parse (the same few labels recur on every line, and each verdict takes five patterns).
 */
function matchNameWith(text: string, labels: Map<string, LabelVerdict> | null): SpeakerMatch | null {
  const first = skipSpaces(text);
  if (first >= text.length || hasCode(NAME_FIRST_EXCLUDED, text.charCodeAt(first))) return null;
  let colon = -1;
  let lastSolid = first;
  for (let j = first + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0xff1a /* ： */ || c === 0x3a /* : */) {
      colon = j;
      break;
    }
    if (hasCode(NAME_EXCLUDED, c)) return null;
    if (!isSpace(c)) {
      lastSolid = j;
      if (lastSolid - first + 1 > MAX_LABEL) return null;
    }
  }
  if (colon < 0) return null;
  const printed = text.slice(first, lastSolid + 1);
  let verdict = labels?.get(printed);
  if (verdict === undefined) {
    verdict = labelVerdict(printed);
    if (labels !== null && labels.size < MAX_REMEMBERED_LABELS) labels.set(printed, verdict);
  }
  if (verdict === null) return null;
  return {
    label: verdict.label,
    alias: verdict.alias,
    rest: text.slice(colon + 1).trim(),
    quoted: false,
    spaced: false,
  };
}

/** Whether a label printed before `：` names a speaker, and which. */
function labelVerdict(printed: string): LabelVerdict {
  let label = printed.trim();
  let alias: string | null = null;
  const a = ALIAS.exec(label);
  if (a) {
    alias = (a[1] ?? '').trim();
    label = (label.slice(0, a.index) + label.slice(a.index + a[0].length)).trim();
  }
  if (!label || label.length > MAX_NAME || /[。[\]［］]/.test(label)) return null;
  // `togetter：『…』`: where a quoted list comes from, no speaker.
  if (isCitationLabel(label)) return null;
  // `桜井、松村：`: several speakers answering together; other commas are prose (`ちなみに、…：`).
  if (/[、,]/.test(label) && listedNames(label) === null) return null;
  // Times (12：00), numbers and URLs are not speakers.
  if (/^[\d０-９\s]+$/.test(label) || /[\d０-９]$/.test(label) || /^(https?|http)$/i.test(label)) return null;
  return { label, alias };
}

/** Counts question lines: the format detector uses this. With `enough`, stops counting there. */
export function countQuestions(lines: Lines, enough?: number): number {
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    // A question starts with a dash: other lines are passed over without a copy of their text.
    if (!isDash(lines.firstCode(i)) || !isQuestionLine(lines.text(i) as string)) continue;
    n++;
    if (enough !== undefined && n >= enough) break;
  }
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

/** A speaker prefix, and whether it is the `名前「…」` form or the `名前　text` form. */
type SpeakerMatch = NameMatch & { quoted: boolean; spaced: boolean };

/** Name characters of a bracketed label: letters of names, no digits, marks or spaces. */
const BRACKET_NAME = /^[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}A-Za-zＡ-Ｚａ-ｚー・]{1,12}$/u;

/**
 * `(ちょろ) 去年の10月です。`, `（西岡） 昨年の夏くらいです。`: the answerer's name in brackets
 * before the answer, as some interviews print it instead of `名前：`. Not a stage direction
 * (`（笑）`, `（一同）` is everyone's), a note (`(注1)`), nor a credit or caption (`（撮影：…）`).
 * The bracket closes within 14 characters: a bounded look.
 */
function matchBracketName(text: string): NameMatch | null {
  const first = skipSpaces(text);
  const open = text.charCodeAt(first);
  if (open !== 0xff08 /* （ */ && open !== 0x28 /* ( */) return null;
  const close = text.indexOf(open === 0xff08 ? '）' : ')', first + 1);
  if (close < 0 || close - first > 14) return null;
  const label = text.slice(first + 1, close).trim();
  const rest = text.slice(close + 1).trim();
  if (!rest || !BRACKET_NAME.test(label) || label.includes('笑')) return null;
  if (splitLeadingCredit(text) !== null) return null;
  return { label, alias: null, rest };
}

/** A speaker prefix of any form. */
function matchSpeaker(text: string, labels: Map<string, LabelVerdict> | null = null): SpeakerMatch | null {
  const nm = matchNameWith(text, labels);
  if (nm) return nm;
  const b = matchBracketName(text);
  if (b) return { label: b.label, alias: null, rest: b.rest, quoted: false, spaced: false };
  // Fields copied by name: an object spread here took a slow generic path and cost ~2 µs a
  // line, most of the parse on a body of many short `名前「…」` lines (bench:hostile).
  const q = matchQuoteName(text);
  if (q) return { label: q.label, alias: q.alias, rest: q.rest, quoted: true, spaced: false };
  const sp = matchSpacedName(text);
  return sp ? { label: sp.label, alias: null, rest: sp.rest, quoted: false, spaced: true } : null;
}

/** Longest label of the `名前　text` form (characters). */
const MAX_SPACED_LABEL = 12;

/** A name character of a spaced label: kanji, kana, Latin letters, ー and ・ (not first). */
function isNameCode(c: number, first: boolean): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) || // kanji
    c === 0x3005 || // 々
    (c >= 0x3041 && c <= 0x3096) || // hiragana
    (c >= 0x30a1 && c <= 0x30fa) || // katakana
    (!first && (c === 0x30fc || c === 0x30fb)) || // ー ・
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xff21 && c <= 0xff3a) ||
    (c >= 0xff41 && c <= 0xff5a)
  );
}

/**
 * `佐藤　大学時代に…`: a name at the line's very start (no indent), a full-width space, the words,
 * as hand-made transcripts print labels. A bounded scan (at most {@link MAX_SPACED_LABEL} name
 * characters). Only a candidate: parseDash takes it for a speaker when the same name labels two
 * lines or more, one of them right after a question. A label of hiragana only (`はい　そうです`)
 * is a reply, no name.
 */
function matchSpacedName(text: string): NameMatch | null {
  let j = 0;
  let kanaOnly = true;
  for (; j < text.length && j <= MAX_SPACED_LABEL; j++) {
    const c = text.charCodeAt(j);
    if (!isNameCode(c, j === 0)) break;
    if (!((c >= 0x3041 && c <= 0x3096) || c === 0x30fc)) kanaOnly = false;
  }
  if (j === 0 || j > MAX_SPACED_LABEL || kanaOnly || text.charCodeAt(j) !== 0x3000) return null;
  const rest = text.slice(j + 1).trim();
  return rest === '' ? null : { label: text.slice(0, j), alias: null, rest };
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

/** What the first pass over a dash article finds (see {@link classifyLines}). */
interface Classified {
  /** Each line's kind bits (K_BLANK, K_QUESTION, K_ASKS, K_MARKED, K_NAMED) from `from` on. */
  kinds: Uint8Array;
  /** For each line, 1 + the index of its speaker match in `matches`, or 0 for none. */
  matchOf: Int32Array;
  /** The speaker matches with words after the label, in line order. */
  matches: SpeakerMatch[];
  /** Lines that are rows of a table (data-rows.ts): furniture, never a turn. */
  dataRows: Set<number>;
  /** Answers per label key (2 for a label right after a question), `名前：` form. */
  labelCounts: Map<string, number>;
  /** The same for the `名前「…」` form. */
  quotedCounts: Map<string, number>;
  /** Lines per label of the `名前　text` form, and those of them right after a question. */
  spacedCounts: Map<string, number>;
  spacedAnswers: Map<string, number>;
  /** Alias → label, from `名前（以下、略称）：`. */
  aliases: Map<string, string>;
  /** Labels that declared an alias. */
  declared: Set<string>;
  /** Up to 50 lines before the first question; up to 200 question lines. */
  lead: string[];
  questions: string[];
  /** A label's key (labelKey), computed once per label. */
  keyOf: (label: string) => string;
}

/**
 * The first pass over a dash article from line `from`: each line is classified into kind bits and
 * its speaker match, once; the counts that decide which labels are speakers; the lead and the
 * questions, which name the interviewee.
 */
function classifyLines(lines: Lines, from: number): Classified {
  const labelCounts = new Map<string, number>();
  // `名前「…」` labels count only when printed twice: narration quotes people too.
  const quotedCounts = new Map<string, number>();
  // `名前　text` labels: lines per label, and how many of them right after a question.
  const spacedCounts = new Map<string, number>();
  const spacedAnswers = new Map<string, number>();
  const aliases = new Map<string, string>();
  let afterQuestion = false;
  const declared = new Set<string>();
  const lead: string[] = [];
  const questions: string[] = [];
  // Each line is classified once, here, into kind bits (blank, question, question with words,
  // marked, named) and its speaker match: the three passes below read the bits instead of running
  // a dozen tests and slicing the line again each (on a body of many short lines that was most of
  // the parse). Matches are kept only for the lines that have one.
  const kinds = new Uint8Array(lines.length);
  /** For each line, 1 + the index of its speaker match in `matches`, or 0 for none. */
  const matchOf = new Int32Array(lines.length);
  const matches: SpeakerMatch[] = [];
  const verdicts = new Map<string, LabelVerdict>();
  const labelKeys = new Map<string, string>();
  const keyOf = (label: string): string => {
    let k = labelKeys.get(label);
    if (k === undefined) {
      k = labelKey(label);
      labelKeys.set(label, k);
    }
    return k;
  };
  // Tables of `label：value` rows (an app box, a spec sheet) after or between the answers.
  const tables = new DataRowFinder();
  eachLine(from, lines.length, (j) => {
    if (lines.blank(j)) {
      kinds[j] = K_BLANK;
      tables.other();
      if (questions.length === 0 && lead.length < 50) lead.push(lines.text(j) as string);
      return;
    }
    const t = lines.text(j) as string;
    let kind = mayBeMarked(t) ? K_MARKED : 0;
    const m = matchSpeaker(t, verdicts);
    // A label with nothing after it (`山田：`) speaks no turn and counts for no speaker, as no
    // label: not kept.
    if (m !== null && m.rest !== '') {
      matches.push(m);
      matchOf[j] = matches.length;
      kind |= K_NAMED;
    }
    if (startsQuestion(t)) {
      kinds[j] = kind | K_QUESTION | (t.replace(QUESTION, '').trim() !== '' ? K_ASKS : 0);
      tables.other();
      if (questions.length < 200) questions.push(t);
      return;
    }
    kinds[j] = kind;
    if (questions.length === 0 && lead.length < 50) lead.push(t);
    if (m !== null && kind & K_NAMED && !m.quoted && !m.spaced) tables.row(j, m.label, m.rest);
    else tables.other();
  });
  const dataRows = tables.finish();
  // Answers per label, a table's rows aside (a second pass: the tables are known only now).
  eachLine(from, lines.length, (j) => {
    const kind = kinds[j] as number;
    if (kind & K_BLANK) return;
    if (kind & K_QUESTION) {
      afterQuestion = true;
      return;
    }
    const k = matchOf[j] as number;
    if (k !== 0 && !dataRows.has(j)) {
      const m = matches[k - 1] as SpeakerMatch;
      const key = keyOf(m.label);
      if (m.quoted) quotedCounts.set(key, (quotedCounts.get(key) ?? 0) + 1);
      else if (m.spaced) {
        spacedCounts.set(key, (spacedCounts.get(key) ?? 0) + 1);
        if (afterQuestion) spacedAnswers.set(key, (spacedAnswers.get(key) ?? 0) + 1);
      } else labelCounts.set(key, (labelCounts.get(key) ?? 0) + (afterQuestion ? 2 : 1));
      if (m.alias) {
        aliases.set(m.alias, m.label);
        declared.add(m.label);
      }
    }
    afterQuestion = false;
  });
  return {
    kinds,
    matchOf,
    matches,
    dataRows,
    labelCounts,
    quotedCounts,
    spacedCounts,
    spacedAnswers,
    aliases,
    declared,
    lead,
    questions,
    keyOf,
  };
}

/** Labels counted together: 森田敏裕さん and 森田敏裕, ステイサム（ブラント） and ステイサム. */
function labelKey(label: string): string {
  // `Kさん` and `K` too: a one-letter pseudonym keeps its honorific as a name, not as a label.
  return nameKey(splitName(label).name.replace(/(?:さん|さま|様|氏)$/, '') || label);
}

/**
 * True when a line from `from` on may start a turn: a question, a line with a speaker's label,
 * or a marked line opening with a parenthesis (a credit, then maybe a label; splitLeadingCredit).
 */
function mayStartTurn(lines: Lines, from: number, kinds: Uint8Array): boolean {
  for (let j = from; j < lines.length; j++) {
    const kind = kinds[j] as number;
    if (kind & (K_QUESTION | K_NAMED)) return true;
    if (kind & K_MARKED) {
      const c = lines.firstCode(j);
      if (c === 0xff08 /* （ */ || c === 0x28 /* ( */) return true;
    }
  }
  return false;
}

/** Parses the dash layout. */
export function parseDash(text: string, lines: Lines = splitLines(text)): Draft {
  const { meta, bodyStart } = frontMatter(lines);
  let i = bodyStart;
  while (i < lines.length && lines.blank(i)) i++;
  const header = livedoorHeader(lines, i);
  let title = meta.title ?? null;
  if (header) {
    i = header.next;
    title ??= header.title;
  } else if (title === null && isTitleLine(lines, i)) {
    // `若手社長に聞く働き方` alone above the first question: the title (else the first question's
    // words became it, and the line a section heading).
    title = (lines.text(i) as string).trim();
    i++;
  }

  // Where the body starts (after the header or title): narration is read from here.
  const bodyFrom = i;
  // First pass: speaker labels that occur as answer prefixes, so a stray "見出し：" is not a speaker;
  // the lead and the questions, which name the interviewee. Its own function, as each pass is:
  // a hot loop is compiled with its function, and this one was compiled (several times, on a
  // long body) with the whole parser.
  const {
    kinds,
    matchOf,
    matches,
    dataRows,
    labelCounts,
    quotedCounts,
    spacedCounts,
    spacedAnswers,
    aliases,
    declared,
    lead,
    questions,
    keyOf,
  } = classifyLines(lines, i);
  // Every turn starts at a question or at a line a speaker is read from (the others continue or
  // resume a turn): with none of them, the passes below would read every line for nothing and
  // end with this error (100,000 lines of `**A**：` or `# ` cost 0.2–0.3 s).
  if (!mayStartTurn(lines, i, kinds))
    throw new ParseError(
      lines.at(lines.length - 1)?.no ?? 1,
      'no `——` questions or `名前：` answers found',
      'dash',
    );
  const speakerAt = (j: number): SpeakerMatch | null => {
    const k = matchOf[j] as number;
    return k === 0 ? null : (matches[k - 1] as SpeakerMatch);
  };
  const judgeSpeaker = (m: SpeakerMatch): boolean => {
    // `佐藤　…`: a name that labels two lines or more, one of them right after a question.
    if (m.spaced)
      return (spacedCounts.get(keyOf(m.label)) ?? 0) >= 2 && (spacedAnswers.get(keyOf(m.label)) ?? 0) >= 1;
    // `桜井、松村：はい。` speaks when each of them speaks on their own: a listing of anything
    // else (`ちなみに、私：`) is no speaker, however often it is printed.
    const listed = m.quoted ? null : listedNames(m.label);
    if (listed) return listed.every((n) => (labelCounts.get(keyOf(n)) ?? 0) >= 2);
    return judgeOne(m);
  };
  const judgeOne = (m: SpeakerMatch): boolean =>
    declared.has(m.label) ||
    aliases.has(m.label) ||
    // 全員：わかるー！ once is still everyone speaking: that label needs no second occurrence.
    (!m.quoted && isEveryoneLabel(m.label)) ||
    // 良子＆麻里：… once, when each of them speaks on their own.
    (!m.quoted &&
      splitJoint(m.label).length > 1 &&
      splitJoint(m.label).every((n) => (labelCounts.get(keyOf(n)) ?? 0) >= 2)) ||
    (m.quoted ? (quotedCounts.get(keyOf(m.label)) ?? 0) : (labelCounts.get(keyOf(m.label)) ?? 0)) >= 2 ||
    (!m.quoted &&
      meta.interviewee !== undefined &&
      stripHonorific(m.label) === stripHonorific(meta.interviewee));
  // The verdict depends on the label and its form only (the counts are final by now): judged once
  // per label, not on each of its lines in each pass.
  const verdicts = {
    named: new Map<string, boolean>(),
    quoted: new Map<string, boolean>(),
    spaced: new Map<string, boolean>(),
  };
  const isSpeaker = (m: SpeakerMatch): boolean => {
    const known = m.quoted ? verdicts.quoted : m.spaced ? verdicts.spaced : verdicts.named;
    let v = known.get(m.label);
    if (v === undefined) {
      v = judgeSpeaker(m);
      known.set(m.label, v);
    }
    return v;
  };

  // Who answers when an answer paragraph has no name prefix: the last named speaker, else the
  // declared interviewee, the person the article says it interviews, or the most frequent label.
  const firstLabel = new Map<string, string>();
  for (const m of matches) {
    // The `名前：` form only (matchName), which is the speaker match when it is not quoted.
    if (!m.quoted && !firstLabel.has(keyOf(m.label))) firstLabel.set(keyOf(m.label), m.label);
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
  // Full names the title or lead prints for labels printed short (山田 → 山田孝之).
  const fullNames = new Set<string>();
  const shortLabels = [...firstLabel.values()].filter((l) => (labelCounts.get(labelKey(l)) ?? 0) >= 2);
  for (const label of [...shortLabels, defaultAnswerer]) {
    const full = fullNameIn(splitName(label).name, [title ?? '', ...lead]);
    if (full) fullNames.add(full);
  }

  const layout = answerLayout(lines, i, kinds, (j) => {
    // A leading credit starts with a bracket, which only a marked line starts with.
    const credited = (kinds[j] as number) & K_MARKED ? splitLeadingCredit(lines.text(j) as string) : null;
    const nm = credited === null ? speakerAt(j) : matchSpeaker(credited.rest);
    return nm?.rest !== undefined && nm.rest !== '' && isSpeaker(nm);
  });
  // What a roster says of each person (`Wさん：Webディレクター30代前半`), by label key (`W` speaks).
  const roster = rosterOf(
    i,
    lines.length,
    (j) => ((kinds[j] as number) & K_ROSTER) !== 0 || dataRows.has(j),
    speakerAt,
    (label) => ((labelCounts.get(keyOf(label)) ?? 0) > 0 ? keyOf(label) : null),
  );

  // The last question or named answer: paragraphs after it are the article's close.
  let lastMarker = -1;
  for (let j = lines.length - 1; j >= i && lastMarker < 0; j--) if (layout.marker(j)) lastMarker = j;

  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const captions: string[] = [];
  const caption = (t: string) => {
    if (captions.length < 500 && t.trim().length <= 300 && t.trim() !== '') captions.push(t.trim());
  };
  const furniture: Furniture[] = [];
  const furnish = (line: Line, kind: FurnitureKind) => furniture.push({ line, kind });
  let section: string | null = null;
  // Assigned inside the closures below: typed with `as` so control flow does not narrow it to null.
  let current = null as OpenTurn | null;
  let inInfoBlock = false;
  let inProfile = false;
  // State across blank lines: was the last turn a question, and is a 「…」 answer still open?
  let lastWasQuestion = false;
  let openQuote = false;
  // A question may wrap onto one more line that ends it (`——…について` / `どう思いますか？`).
  let questionMayWrap = false;
  // `——本日はありがとうございました。` asks nothing: the paragraph after it is the writer's.
  let closingThanks = false;
  // The answer a later paragraph may continue (after a blank line, a caption or a heading), and
  // whether the writer's own narration has begun since (it runs to the next question or name).
  let resumable = null as { turn: DraftTurn; indented: boolean | null } | null;
  let headingSince = false;
  let narrating = false;
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
      // A question, or a story signed by its teller, is complete: nothing after it continues it.
      resumable = current.role === undefined ? { turn, indented: current.indented } : null;
      headingSince = false;
    }
    current = null;
  };
  const interviewerName = meta.interviewer ?? '聞き手';
  /** A paragraph that is the writer's, not a speaker's: a short one is kept as a caption. */
  const settleNarration = (body: string) => {
    narrating = true;
    resumable = null;
    if (looksLikeHeading(body)) caption(body);
  };
  // The forms of every name that has spoken so far: narration names them, speakers rarely do.
  const spokenNames: string[] = [];
  const spoken = new Set<string>();
  const startTurn = (
    line: Line,
    speaker: string,
    body: string,
    role?: 'interviewer' | 'interviewee',
    labelled = false,
  ) => {
    // Round tables have a handful of speakers: past 64 names the check would cost more than it says.
    if (role !== 'interviewer' && !spoken.has(speaker) && spoken.size < 64) {
      spoken.add(speaker);
      if (!isRoleLabel(splitName(speaker).name)) spokenNames.push(...nameForms(speaker, aliases));
    }
    current = {
      speaker,
      line: line.no,
      parts: [body],
      start: line.start,
      end: line.end,
      lastLine: line,
      // A label takes the place of a paragraph's indent (`武藤：…` after `　…` lead paragraphs):
      // a labelled line says nothing about how this article indents its answers.
      indented: labelled ? null : isIndented(line.text),
    };
    if (role) current.role = role;
    narrating = false;
  };
  const startAnswer = (line: Line, body: string, speaker = answerer()) => {
    startTurn(line, speaker, body);
    openQuote = body.startsWith('「') && !body.includes('」');
  };
  /** Takes the last turn back to add a paragraph to it (its limits are checked again on close). */
  const reopen = (prev: DraftTurn, line: Line, body: string) => {
    turns.pop();
    current = {
      speaker: prev.speaker,
      line: prev.line,
      parts: [prev.text, '', body],
      start: prev.start,
      end: line.end,
      lastLine: line,
      indented: isIndented(line.text),
    };
    if (prev.role === 'interviewee') current.role = 'interviewee';
    openQuote = body.startsWith('「') && !body.includes('」');
  };
  // Unnamed answerers (話し手) of a round table: each complete 「…」 is another voice.
  const roleNames = new Map<string, boolean>();
  const unnamed = (speaker: string): boolean => {
    let v = roleNames.get(speaker);
    if (v === undefined) {
      v = isRoleLabel(splitName(speaker).name);
      roleNames.set(speaker, v);
    }
    return v;
  };
  // What ends the run of plain paragraphs from a line on (blank lines between them aside): a
  // question or a speaker's line, the end of the page, or anything else (a box, a heading, a
  // promotion, the end of the text). Found by a scan forward that remembers its answer for every
  // line it passed: each line is scanned once in all, however many paragraphs ask.
  const runEnds = new Uint8Array(lines.length);
  const runEnd = (from: number): number => {
    let j = from;
    let end = RUN_OTHER;
    for (; j < lines.length; j++) {
      const known = runEnds[j] as number;
      if (known !== 0) {
        end = known;
        break;
      }
      const kind = kinds[j] as number;
      if (kind & K_BLANK) continue;
      if (layout.marker(j)) {
        end = RUN_MARKER;
        break;
      }
      const t = lines.text(j) as string;
      // The page's last paragraph, its page numbers after it (`… 1 2 3`, or ` 1 2 3` alone).
      if (stripPageNumbers(t) !== t) {
        end = RUN_PAGE;
        runEnds[j] = end;
        break;
      }
      // A short question on its own between paragraphs (`学生時代は弁護士志望だった!?`) is a
      // heading, as the loop below takes it before a question.
      const aside = lines.blank(j - 1) && lines.blank(j + 1) && isAsideQuestion(t.trim());
      if (kind & K_MARKED || dataRows.has(j) || isPromo(t) || notProse(t) || aside) {
        end = NEXT_PAGE.test(t) ? RUN_PAGE : RUN_OTHER;
        break;
      }
    }
    for (let k = from; k < j; k++) runEnds[k] = end;
    return end;
  };
  /**
   * A paragraph after an answer's blank line is the writer's narration, not more of the answer,
   * when it names the speaker (`プーヤール監督は…`, `…橋本。`), is indented unlike the answer, or
   * comes after the last question and answer of the article.
   */
  const isNarration = (
    at: number,
    t: string,
    prev: { turn: DraftTurn; indented: boolean | null },
  ): boolean => {
    if (notProse(t) || isCaptionPhrase(t)) return true;
    const indented = isIndented(t);
    if (prev.indented !== null && indented !== prev.indented) return true;
    // The writer reports in the plain past or copula (`…一目瞭然だ。`, `…声があがっていた。`);
    // a speaker who talks that way too is not judged by it.
    if (NARRATIVE_END.test(t.trim()) && !NARRATIVE_END.test(prev.turn.text)) return true;
    // After a closed 「…」 answer, a paragraph outside quotes is the writer's.
    if (/^「[^」]*」$/.test(prev.turn.text) && !t.trim().startsWith('「')) return true;
    // More of an answer runs up to the next question or name, or to the end of the page (the
    // interview goes on over the page): paragraphs followed by anything else (a box, a heading,
    // a link, the end of the article) are captions or narration — where every answer is named,
    // and where an indented paragraph follows a labelled answer (the label stood where the
    // indent would: the indent says nothing, where it follows the answer does).
    // At the end of a page, the paragraph must read as speech as well (a closing paragraph of the
    // writer's stands there too: `…まずは彼女たちの話に乗ってみることにしましょう。`).
    // A box, a price line or a section heading inside the interview (a question or a name comes
    // later) ends a run too: there, as at a page's end, a paragraph of someone talking is more of
    // the answer (`雨の日ならば、ラバーソールがいいでしょう。` between two price captions). After the
    // last question and answer the writer closes the article, politely too (`…予定だそうです。`):
    // only words plainly spoken (`…いいですよね。`, `（笑）`) go on with the answer there, and the
    // speaker's own advice to readers right after the answer, nothing between them
    // (`…実践してみてはいかがでしょうか。`; the writer's close reports instead: `…だそうです。`).
    const end = stripPageNumbers(t) !== t ? RUN_PAGE : runEnd(at + 1);
    const spoken =
      end === RUN_OTHER && at > lastMarker
        ? readsAsTalk(t) || (followsAnswer(lines, at, prev.turn) && advises(t))
        : readsAsSpeech(t);
    if ((layout.prefixed || (prev.indented === null && indented)) && end !== RUN_MARKER && !spoken)
      return true;
    // Indented after a named answer, where the lead and the writer's paragraphs are indented too:
    // only words of someone talking go on with the answer, not the writer reporting what was
    // said (`「…」と語った`) nor stating facts (`会場は市民体育館で、入場は無料となっている。`).
    if (prev.indented === null && indented && (REPORTED.test(t) || !readsAsSpeech(t))) return true;
    return spokenNames.some((n) => t.includes(n));
  };

  /**
   * `・○○行ってみたいなぁ〜` bullets printed inside an answer: no blank line before the list, and the
   * answer's words go on right after it (`などの語尾が…`). A list after an answer's last line, or
   * before a blank line, is a box's (`・公式サイト`). Reads the list once more: bounded by its length.
   */
  // The verdict on the list being read, remembered up to its end: each bullet of a long list asks
  // again, and a list is read once, not once per bullet.
  let listUntil = -1;
  let listVerdict = false;
  const listInAnswer = (at: number): boolean => {
    if (current === null || current.role !== undefined || lines.blank(at - 1)) return false;
    if (at < listUntil) return listVerdict;
    let j = at;
    while (j < lines.length && !lines.blank(j) && lines.firstCode(j) === 0x30fb /* ・ */) j++;
    const kind = kinds[j] as number;
    listUntil = j;
    listVerdict =
      j > at &&
      j < lines.length &&
      !lines.blank(j) &&
      (kind & (K_QUESTION | K_NAMED | K_MARKED)) === 0 &&
      !isPromo(lines.text(j) as string);
    return listVerdict;
  };
  // A line as an object (offsets, number) only when a turn or the furniture list takes it: most
  // lines of a hostile body are neither.
  let cachedLine: Line | null = null;
  let cachedAt = -1;
  const lineAt = (j: number): Line => {
    if (cachedAt !== j) {
      cachedLine = lines.at(j) as Line;
      cachedAt = j;
    }
    return cachedLine as Line;
  };
  // The body of the loop over the lines, as its own function: the loop compiled with it inlined
  // made the optimising compiler build the whole parser again (several times, on each long
  // body: ~0.2 s of CPU each); a step is compiled once, on its own, as any hot function is.
  const step = (i: number): void => {
    const kind = kinds[i] as number;
    if (kind & K_BLANK) {
      // A blank line ends a turn (unless a 「…」 answer is still open): what follows without a
      // marker is narration, captions or notes.
      inProfile = false;
      questionMayWrap = false;
      if (!openQuote) {
        if (current) lastWasQuestion = current.role === 'interviewer';
        close();
      }
      return;
    }
    let t = lines.text(i) as string;
    if (kind & K_QUESTION) {
      const q = t.replace(QUESTION, '').trim();
      close();
      inInfoBlock = false;
      inProfile = false;
      resumable = null;
      if (q === '' || /^[。、]/.test(q)) return;
      // ——【まとめ】: a heading printed with the question dash.
      const bracketed = /^【([^】]{1,60})】$/.exec(q);
      if (bracketed?.[1]) {
        furnish(lineAt(i), 'heading');
        section = bracketed[1].trim();
        sections.push(section);
        lastWasQuestion = false;
        return;
      }
      openQuote = false;
      // ——…（Kさん）: a reader's story signed by its teller, not a question.
      const signed = signatureOf(q);
      if (signed) {
        startTurn(lineAt(i), signed.speaker, stripPageNumbers(signed.text), 'interviewee');
        questionMayWrap = false;
        return;
      }
      startTurn(lineAt(i), interviewerName, stripPageNumbers(q), 'interviewer');
      questionMayWrap = !/[。．！？!?」』）)…]$/.test(q);
      closingThanks = /ありがとうござい/.test(q) && !/[？?]/.test(q);
      return;
    }
    if (stripPageNumbers(t).trim() === '') {
      // ` 1 2 3` alone on a line: the page's numbers, which end it (never a quote's words).
      close();
      lastWasQuestion = false;
      furnish(lineAt(i), 'chrome');
      return;
    }
    if (dataRows.has(i)) {
      // A table's row (`アプリ名：…`, `価格：…`): a box, which ends the turn before it.
      close();
      lastWasQuestion = false;
      furnish(lineAt(i), 'info');
      return;
    }
    if (kind & K_ROSTER) {
      // `Wさん：Webディレクター30代前半` before the first question: who takes part, not a turn.
      caption(t);
      furnish(lineAt(i), 'roster');
      return;
    }
    // Most lines start with none of the characters headings, notes, boxes and captions start with.
    const marked = (kind & K_MARKED) !== 0;
    if (marked && isInfoBlockLine(t)) {
      close();
      inInfoBlock = true;
      // A box (a profile, related links, a shop) ends the answer before it: nothing after the box
      // continues it (a list of other articles' titles under `■関連記事` was glued to it).
      resumable = null;
      furnish(lineAt(i), 'info');
      return;
    }
    if (inProfile || (marked ? isCaption(t) : isProfileLine(t)) || isCredit(t)) {
      // Captions, profile boxes and credits: metadata, never quotes.
      close();
      if (isProfileLine(t)) inProfile = true;
      lastWasQuestion = false;
      caption(t);
      furnish(lineAt(i), isCredit(t) ? 'credit' : 'caption');
      return;
    }
    if (marked && (isHeadingLine(t) || (isBracketHeading(t) && lines.blank(i - 1) && lines.blank(i + 1)))) {
      close();
      inInfoBlock = false;
      furnish(lineAt(i), 'heading');
      const h = t
        .trim()
        .replace(/^[■□◆◇▼▽●○★☆◎]\s*/, '')
        .replace(/^【([^】]*)】$/, '$1')
        .trim();
      if (h) {
        section = h;
        sections.push(h);
        headingSince = true;
        const who = speakerOfHeading(h, mentioned);
        if (who) lastNamed = who;
      }
      return;
    }
    // `（撮影＝…）小久保：…`: a photo credit printed before the answer's name.
    const credited = marked ? splitLeadingCredit(t) : null;
    const nm = credited === null ? speakerAt(i) : matchSpeaker(credited.rest);
    // A label printed once still speaks when it interrupts an answer (`マネージャー：…`).
    const interrupts =
      nm !== null &&
      !nm.quoted &&
      !nm.spaced &&
      resumable !== null &&
      !narrating &&
      current === null &&
      // After a heading (`■アイテム1：…`) a one-off row (`高層階：1泊の料金 5万円〜`) is the box's.
      !headingSince &&
      PERSON_LABEL.test(nm.label) &&
      SPOKEN_END.test(nm.rest);
    // `編集部：…？` once between one speaker's answers: the interviewer's role label asks, even
    // printed once and with no blank line before it (it would read as the answer's next line) —
    // in an article of `——` questions (a page of one `Q：` line and prose is no interview).
    const roleAsks =
      questions.length > 0 &&
      nm !== null &&
      !nm.quoted &&
      !nm.spaced &&
      SPOKEN_END.test(nm.rest) &&
      roleOfLabel(nm.label) === 'interviewer';
    if (nm?.rest && (isSpeaker(nm) || interrupts || roleAsks)) {
      close();
      if (credited) {
        caption(credited.credit);
        t = credited.rest;
      }
      inInfoBlock = false;
      resumable = null;
      const speaker = aliases.get(nm.label) ?? nm.label;
      startTurn(lineAt(i), speaker, stripPageNumbers(nm.rest), undefined, true);
      if (!unnamed(speaker) && !/[＆&、,]|と/.test(speaker)) lastNamed = speaker;
      openQuote = nm.quoted && !nm.rest.includes('」');
      return;
    }
    if (
      inInfoBlock ||
      (marked && (isCaptionLine(t) || isNoteLine(t) || isBracketNote(t)) && !listInAnswer(i))
    ) {
      close();
      lastWasQuestion = false;
      furnish(lineAt(i), inInfoBlock ? 'info' : isCaptionLine(t) ? 'caption' : 'note');
      return;
    }
    const body = stripPageNumbers(t.trim());
    const cur = current;
    // Right after a question, an unprefixed paragraph is its answer — unless this article names
    // every answerer (then it is the writer's, or a caption), or the question only said thanks.
    const answersQuestion = !layout.prefixed && !(closingThanks && !body.startsWith('「'));
    if (cur?.role === 'interviewer') {
      if (questionMayWrap && /[？?]$/.test(body)) {
        cur.parts.push(body);
        cur.end = lineAt(i).end;
        questionMayWrap = false;
        return;
      }
      // The line after a question, with no name: the answer (never more of the question).
      close();
      if (isPromo(body)) {
        furnish(lineAt(i), 'promo');
        return;
      }
      if (answersQuestion) startAnswer(lineAt(i), body);
      else settleNarration(body);
    } else if (cur) {
      if (isPromo(body)) {
        // A short title line just before a promotion (`映画『アジョシ』`) belongs to it.
        const last = cur.parts.at(-1) ?? '';
        // (A title ends in 』, which looksLikeHeading takes for a quote's end.)
        if (
          cur.parts.length > 1 &&
          (looksLikeHeading(last) || /^[^「」。！？!?]{1,40}』$/.test(last.trim()))
        ) {
          cur.parts.pop();
          caption(last);
          furnish(cur.lastLine, 'caption');
        }
        furnish(lineAt(i), 'promo');
        close();
        lastWasQuestion = false;
        resumable = null;
        return;
      }
      if (unnamed(cur.speaker) && !openQuote && body.startsWith('「') && /」$/.test(cur.parts.at(-1) ?? '')) {
        close();
        startAnswer(lineAt(i), body, cur.speaker);
        return;
      }
      cur.parts.push(body);
      cur.end = lineAt(i).end;
      cur.lastLine = lineAt(i);
      cur.indented = isIndented(lineAt(i).text);
      if (openQuote && body.includes('」')) openQuote = false;
    } else if (lastWasQuestion) {
      // An unprefixed paragraph right after a question is the answer.
      if (isPromo(body)) furnish(lineAt(i), 'promo');
      else if (answersQuestion) startAnswer(lineAt(i), body);
      else settleNarration(body);
    } else if (
      lines.blank(i - 1) &&
      lines.blank(i + 1) &&
      (looksLikeHeading(body) || isAsideQuestion(body)) &&
      isQuestionLine(lines.text(nextNonBlank(lines, i + 1)) ?? '')
    ) {
      // A short line on its own between paragraphs, before a question: a section heading.
      furnish(lineAt(i), 'heading');
      section = body;
      sections.push(body);
    } else if (isPromo(body)) {
      furnish(lineAt(i), 'promo');
      resumable = null;
    } else if (resumable && !narrating && !isNarration(i, t, resumable)) {
      // More of the last answer after a blank line, or after a heading inside it.
      const prev = resumable.turn;
      if (headingSince || (unnamed(prev.speaker) && body.startsWith('「')) || turns.at(-1) !== prev)
        startAnswer(lineAt(i), body, prev.speaker);
      else reopen(prev, lineAt(i), body);
    } else if (startsWithEllipsis(body) && turns.at(-1)?.role === undefined && turns.length > 0) {
      // "…なんですけど" after a paragraph break continues the previous answer.
      const prev = turns.at(-1) as DraftTurn;
      reopen(prev, lineAt(i), body);
    } else if (resumable) {
      // The writer's narration runs to the next question or name; a caption or a price line
      // (`靴¥36,750（SHIPS）`) between an answer's paragraphs is no narration and ends nothing.
      if (notProse(t) || isCaptionPhrase(t)) {
        caption(body);
        furnish(lineAt(i), 'caption');
      } else narrating = true;
    }
    lastWasQuestion = false;
  };
  i = eachLine(i, lines.length, step);
  close();
  if (turns.length === 0)
    throw new ParseError(lines.at(i - 1)?.no ?? 1, 'no `——` questions or `名前：` answers found', 'dash');

  const interviewees: DraftPerson[] = [];
  for (const label of new Set(turns.filter((t) => t.role !== 'interviewer').map((t) => t.speaker))) {
    const p: DraftPerson = {
      name: label,
      aliases: [...aliases].filter(([, full]) => full === label).map(([a]) => a),
      // What the roster says of them (`Webディレクター30代前半/彼女あり`).
      occupation: roster.get(keyOf(label)) ?? null,
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
    names: [...fullNames],
    aliases,
    sections,
    captions,
    furniture,
    narration: narrationOf(lines, bodyFrom, turns, furniture, captions),
    turns,
  };
}

/** The plain endings of written narration: だ。, た。, である。 (not the spoken んだ。, ました。, でした。). */
const NARRATIVE_END = /(?:[^ん]だ|(?<!まし|でし)た|である)。$/;

/** What ends a run of plain paragraphs (parseDash's runEnd): a question or a speaker's line. */
const RUN_MARKER = 1;
/** The end of the page (page numbers, a note on what the next page holds): the interview goes on. */
const RUN_PAGE = 2;
/** Anything else: a box, a heading, a promotion, the end of the text. */
const RUN_OTHER = 3;
/** `（次ページでは、…）`, `・次のページ：…`: what the next page holds (anchored, bounded). */
const NEXT_PAGE = /^[\s\u3000]{0,8}[（(・]?[\s\u3000]{0,4}次の?ページ/;
/** The writer reporting speech: `「…」と語った`, `…」とコメント` (a literal, then fixed words). */
const REPORTED =
  /」と(?:語|述べ|明か|コメント|話し|振り返|呼びかけ|答え|絶賛|告白|宣言|挨拶|アピール|報告|感謝|笑|照れ|意気込|太鼓判|エール)/;

/**
 * A line that is no prose a speaker goes on with: a short line without a sentence end
 * (`今回のポイントは`, a heading; a numbered point `1. …` is prose), a title line
 * (`『全方位型お笑いマガジン　コメ旬』Vol.4`), a price caption (`靴¥54,600（クロケット ＆ ジョーンズ）`).
 */
function notProse(t: string): boolean {
  if (looksLikeHeading(t) && !/^[\s\u3000]*[0-9０-９]{1,2}[.．、)）]/.test(t)) return true;
  const s = t.trim();
  if (s.length > 80 || /[。．！？!?」』]$/.test(s)) return false;
  return /^『[^』]{1,60}』/.test(s) || /[¥￥][0-9０-９]|[0-9０-９]円/.test(s);
}

/**
 * A short question standing alone between paragraphs, as a heading (`学生時代は弁護士志望だった!?`,
 * `便利なだけがスマートフォンじゃない、注意も必要？！`): at most 30 characters, ending in ？ (and
 * maybe ！).
 */
function isAsideQuestion(s: string): boolean {
  return s.length <= 30 && /[？?][！!]?$/.test(s);
}

/**
 * A photo caption printed as a plain line after an answer: a noun phrase with no sentence end
 * (`都内２箇所で運営されている「…」の施設`). Someone talking ends a paragraph (。！？」…, laughter); a
 * numbered point (`2.それを改善する`) is prose, as in notProse.
 */
function isCaptionPhrase(t: string): boolean {
  const s = t.trim();
  if (/[。．！？!?」』…‥〜～ー）)ｗw笑♪]$/.test(s) || /^[0-9０-９]{1,2}[.．、)）]/.test(s)) return false;
  return !/[、，,]$/.test(s);
}

/** The line before `at` (blank lines aside) is the last line of `turn`: nothing stands between. */
function followsAnswer(lines: Lines, at: number, turn: DraftTurn): boolean {
  let j = at - 1;
  while (j >= 0 && lines.blank(j)) j--;
  return j >= 0 && lines.endOf(j) === turn.end;
}

/** A label made of name characters only (no digits, marks or brackets): who may interrupt. */
const PERSON_LABEL = /^[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}A-Za-zＡ-Ｚａ-ｚー・、＆&]+$/u;
/** How an utterance ends (a data row such as `所在地：長野県松本市` does not). */
const SPOKEN_END = /(?:[。！？!?…〜」]|（笑）|\(笑\))$/;

/** A turn being read. */
interface OpenTurn {
  speaker: string;
  role?: 'interviewer' | 'interviewee';
  line: number;
  parts: string[];
  start: number;
  end: number;
  /** The source line of the last part. */
  lastLine: Line;
  /**
   * Whether the turn's last line was indented (a full-width space), as paragraphs are; null when
   * it is the line of the turn's label, whose place the indent would take.
   */
  indented: boolean | null;
}

/** How a dash article prints its answers, found in one pass before parsing. */
interface AnswerLayout {
  /** Most questions are answered by a named line (`名前：…`): unprefixed paragraphs are the writer's. */
  prefixed: boolean;
  /** True for the index of a question or named line. */
  marker: (index: number) => boolean;
}

/**
 * The roster before the first question (`Wさん：Webディレクター30代前半`: lines marked K_ROSTER,
 * or rows of a table, which a roster of three reads as): what it says of each person who then
 * speaks, by the key of their label (`Wさん` and `W` are one key), kept as their occupation, the
 * only profile a round table prints. One pass over the lines, at most 50 entries.
 */
function rosterOf(
  from: number,
  to: number,
  listed: (j: number) => boolean,
  speakerAt: (j: number) => SpeakerMatch | null,
  speakerKey: (label: string) => string | null,
): Map<string, string> {
  const notes = new Map<string, string>();
  for (let j = from; j < to && notes.size < 50; j++) {
    if (!listed(j)) continue;
    const m = speakerAt(j);
    const note = m?.rest.trim().slice(0, 200);
    const key = m && note ? speakerKey(m.label) : null;
    if (key !== null && note && !notes.has(key)) notes.set(key, note);
  }
  return notes;
}

/**
 * Classifies the answers of the article from `from` on, reading each line's kind bits (a line's
 * text only where a named line may be a roster entry, or right after a question); `named(j)` is
 * true for a speaker line. Marks the questions and named lines (K_MARKER) and the named lines
 * before the first question that list who takes part (K_ROSTER) in `kinds`.
 */
function answerLayout(
  lines: Lines,
  from: number,
  kinds: Uint8Array,
  named: (at: number) => boolean,
): AnswerLayout {
  let prefixedAnswers = 0;
  let plainAnswers = 0;
  let afterQuestion = false;
  let seenQuestion = false;
  let run: number[] = [];
  const endRun = () => {
    // Two or more named lines in a row, each a short note without a sentence, before any question.
    if (run.length >= 2) for (const j of run) kinds[j] = (kinds[j] as number) | K_ROSTER;
    if (run.length > 0) run = [];
  };
  eachLine(from, lines.length, (j) => {
    const kind = kinds[j] as number;
    if (kind & K_BLANK) {
      endRun();
      return;
    }
    if (kind & K_ASKS) {
      endRun();
      seenQuestion = true;
      afterQuestion = true;
      kinds[j] = kind | K_MARKER;
      return;
    }
    // Only a line with a speaker match, or a marked line (a credit before the name), is named.
    const isNamed = (kind & (K_NAMED | K_MARKED)) !== 0 && named(j);
    if (isNamed) kinds[j] = kind | K_MARKER;
    if (!seenQuestion && isNamed) {
      const t = lines.text(j) as string;
      // `麻里（28）：お料理大好きな乙女キャラ。`: a label with an age is a profile, sentences or not.
      if (t.length <= 80 && (!t.includes('。') || AGED_LABEL.test(t))) run.push(j);
      else endRun();
    } else endRun();
    if (!afterQuestion) return;
    afterQuestion = false;
    if (isNamed) prefixedAnswers++;
    else {
      const t = lines.text(j) as string;
      if (!isHeadingLine(t) && !isNoteLine(t) && !isCaptionLine(t) && !isInfoBlockLine(t) && !isCaption(t))
        plainAnswers++;
    }
  });
  endRun();
  return {
    prefixed: prefixedAnswers >= 2 && plainAnswers * 3 <= prefixedAnswers,
    // Past the last line (a line index from nextNonBlank): no marker.
    marker: (index) => index < kinds.length && ((kinds[index] as number) & K_MARKER) !== 0,
  };
}

/** `麻里（28）：`, `Wさん(32歳)：`: a name with an age in brackets before the colon (bounded). */
const AGED_LABEL = /^[\s\u3000]*[^：:（(\s]{1,20}[（(][0-9０-９]{1,3}(?:歳|才)?[）)][\s\u3000]*[：:]/;

/** Longest plain first line taken for a title where no header or front matter gives one. */
const MAX_TITLE_LINE = 100;

/**
 * The body's first line is its title: a short line that is no question, no speaker's line, not
 * indented and no sentence (`。`), with a blank line or a question after it.
 */
function isTitleLine(lines: Lines, at: number): boolean {
  const t = lines.text(at);
  if (t === undefined || lines.blank(at) || isIndented(t)) return false;
  const s = t.trim();
  if (s.length < 2 || s.length > MAX_TITLE_LINE || /[。．]$/.test(s)) return false;
  if (startsQuestion(t) || matchSpeaker(t) !== null) return false;
  const next = lines.text(at + 1);
  return next === undefined || lines.blank(at + 1) || startsQuestion(next);
}

/** `/^[…‥]/.test(s)` without a pattern run on every line. */
function startsWithEllipsis(s: string): boolean {
  const c = s.charCodeAt(0);
  return c === 0x2026 /* … */ || c === 0x2025 /* ‥ */;
}

function nextNonBlank(lines: Lines, from: number): number {
  let j = from;
  while (j < lines.length && lines.blank(j)) j++;
  return j;
}
