/**
 * What one line of a dash interview is, judged by its shape alone: a question, a heading, a note,
 * a caption, the start of an information block, a reader's signed story, a credit printed before
 * a name. The dash parser's state machine (dash.ts) decides with these what the line means in
 * context. Every test is a scan or a pattern anchored at the line start with disjoint quantifiers.
 */
import { isCredit } from './furniture.ts';
import { splitName } from './people.ts';
import { hasAny, hasCode, skipSpaces, trimEndIndex, wordAt } from './scan.ts';

/**
 * A question line: two dashes (em dash, horizontal bar or box-drawing) at the start, or what is
 * typed for them: two katakana long-vowel marks (`ーー新曲について…`: no word starts with ー) or two
 * hyphens (`--お友達からの…`). Dashes alone on a line are a rule, not a question.
 */
export const QUESTION =
  /^[\s\u3000]*(?:——|――|──|—―|―—|─|－－|ーー|--)(?![-—―─－ー]*\s*$)[—―─－ー-]*[\s\u3000]*/;

/** The characters {@link QUESTION}'s dashes start with: —, ―, ─, －, ー, -. */
export function isDash(c: number): boolean {
  return c === 0x2014 || c === 0x2015 || c === 0x2500 || c === 0xff0d || c === 0x30fc || c === 0x2d;
}

/**
 * `QUESTION.test(t)`, asked only of lines whose first character after white space is a dash:
 * every pass over a dash article asks it of every line.
 */
export function startsQuestion(t: string): boolean {
  return isDash(t.charCodeAt(skipSpaces(t))) && QUESTION.test(t);
}

/** True for a question line with words after its dashes (a lone `———` is a rule, no question). */
export function isQuestionLine(t: string): boolean {
  return startsQuestion(t) && t.replace(QUESTION, '').trim() !== '';
}

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
  // `■関連記事` and the titles listed under it: links to other articles, never an answer's words.
  '関連記事',
  '問い合わせ',
  'お問い合わせ',
];

/** The first characters of {@link INFO_WORDS} (all lower case). */
const INFO_FIRST = new Set(INFO_WORDS.map((w) => w.charCodeAt(0)));

/** Every character a marked line (below) may start with, after white space. */
const MARKED_FIRST = new Set(
  [
    ...HEADING_MARKS,
    '【',
    ...NOTE_STARTS.map((w) => w[0] as string),
    '（',
    '(',
    ...INFO_MARKS,
    ...INFO_WORDS.flatMap((w) => [w[0] as string, (w[0] as string).toUpperCase()]),
    ...'↑↓▲△■□◆◇●○・',
  ].map((c) => c.charCodeAt(0)),
);

/**
 * False for a line that cannot be a heading, a note, a caption in brackets, the start of an
 * information block, a profile box's marked row or a line with a leading credit: all of those
 * (isHeadingLine, isBracketHeading, isNoteLine, isCaptionLine, isInfoBlockLine, isCaption's marks,
 * splitLeadingCredit) start with one of a few characters. One look instead of seven tests.
 */
export function mayBeMarked(t: string): boolean {
  return MARKED_FIRST.has(t.charCodeAt(skipSpaces(t)));
}

/** `■見出し` or a line that is only `【見出し】`. */
export function isHeadingLine(t: string): boolean {
  const i = skipSpaces(t);
  const c = t.charCodeAt(i);
  if (hasCode(HEADING_MARKS, c)) return true;
  if (c !== 0x3010 /* 【 */) return false;
  const close = t.indexOf('】', i + 1);
  return close > i + 1 && close - i - 1 <= 60 && skipSpaces(t, close + 1) === t.length;
}

/**
 * `【恥ずかしの失敗談】免許書も泥の中`: a bracketed kicker and a short headline. A heading only
 * when it stands alone between blank lines (the caller checks that).
 */
export function isBracketHeading(t: string): boolean {
  const i = skipSpaces(t);
  if (t.charCodeAt(i) !== 0x3010 /* 【 */) return false;
  const close = t.indexOf('】', i + 1);
  return close > i + 1 && close - i <= 20 && trimEndIndex(t) - i <= 80;
}

/** The first characters of {@link NOTE_STARTS}. */
const NOTE_FIRST = new Set(NOTE_STARTS.map((w) => w.charCodeAt(0)));

/** `※` notes, `・` bullets, links and `次のページ` navigation. */
export function isNoteLine(t: string): boolean {
  const at = skipSpaces(t);
  return NOTE_FIRST.has(t.charCodeAt(at)) && wordAt(t, at, NOTE_STARTS) !== null;
}

/**
 * A note wholly in brackets that points elsewhere or says the series goes on: `（参考：http://…）`,
 * `（出典：…）`, `（注1）…`, `（つづく）`, `(続く)`, `（次回に続く……）`. Anchored at the bracket: one
 * pattern on the few characters after it.
 */
export function isBracketNote(t: string): boolean {
  const start = skipSpaces(t);
  const end = trimEndIndex(t, t.length, start);
  if (end - start < 3 || !hasCode('（(', t.charCodeAt(start)) || !hasCode('）)', t.charCodeAt(end - 1)))
    return false;
  return BRACKET_NOTE.test(t.slice(start + 1, Math.min(end - 1, start + 16)));
}
const BRACKET_NOTE =
  /^(?:参考|出典|引用元|注[0-9０-９]*[）)：:]|(?:次回|次号)?(?:へ|に)?(?:つづく|続く)[。!！…‥・.]{0,3}$)/;

/** A photo caption: a whole line in brackets that says 写真, 撮影, 提供, 左, 右… */
export function isCaptionLine(t: string): boolean {
  const start = skipSpaces(t);
  const end = trimEndIndex(t, t.length, start);
  if (end - start < 2) return false;
  if (!hasCode('（(', t.charCodeAt(start)) || !hasCode('）)', t.charCodeAt(end - 1))) return false;
  const inner = t.slice(start + 1, end - 1);
  return !hasAny(inner, '）)') && CAPTION_WORDS.some((w) => inner.includes(w));
}

/** The start of a profile, shop or information block, which runs to the next marker. */
export function isInfoBlockLine(t: string): boolean {
  let i = skipSpaces(t);
  if (hasCode(INFO_MARKS, t.charCodeAt(i))) i = skipSpaces(t, i + 1);
  // The first character decides most lines without a lower-cased copy of the head: no other
  // character lower-cases to the first letter of a word here (İ becomes two characters).
  if (!INFO_FIRST.has(asciiLower(t.charCodeAt(i)))) return false;
  const head = t.slice(i, i + 12).toLowerCase();
  return INFO_WORDS.some((w) => head.startsWith(w));
}

function asciiLower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** True when a short standalone line reads as a heading (no sentence end, not a quote). */
export function looksLikeHeading(t: string): boolean {
  const s = t.trim();
  return s.length >= 2 && s.length <= 40 && !/[。．！？!?」』）)、]$/.test(s) && !/^[「『（(]/.test(s);
}

/** A paragraph indented with a full-width space, as magazines set running text. */
export function isIndented(t: string): boolean {
  return t.startsWith('\u3000');
}

/**
 * `——…でした。（Kさん）`: a reader's story signed by its teller (an honorific is required), not
 * a question. The teller's label and the story without the signature, or null.
 */
export function signatureOf(q: string): { speaker: string; text: string } | null {
  const end = trimEndIndex(q);
  const last = q[end - 1];
  if (last !== '）' && last !== ')') return null;
  const open = Math.max(q.lastIndexOf('（', end - 1), q.lastIndexOf('(', end - 1));
  if (open <= 0 || end - open - 2 < 2 || end - open - 2 > 14) return null;
  const inner = q.slice(open + 1, end - 1).trim();
  const story = q.slice(0, open).trimEnd();
  if (!/[。！!…」]$/.test(story)) return null;
  const honorific = /(?:さん|氏|様|さま)$/.exec(inner);
  const name = honorific ? inner.slice(0, honorific.index) : '';
  if (!name || splitName(name).name !== name || /[、。\s]/.test(name)) return null;
  return { speaker: inner, text: story };
}

/**
 * `（撮影＝藤井元輔／車両協力＝PG MOTORING）小久保：…`: a credit in brackets printed before the
 * rest of the line. The credit and the rest, or null when the line has none.
 */
export function splitLeadingCredit(t: string): { credit: string; rest: string } | null {
  const i = skipSpaces(t);
  const open = t.charCodeAt(i);
  if (open !== 0xff08 /* （ */ && open !== 0x28 /* ( */) return null;
  const close = open === 0xff08 ? t.indexOf('）', i + 1) : t.indexOf(')', i + 1);
  if (close < 0 || close - i > 80 || skipSpaces(t, close + 1) >= t.length) return null;
  const credit = t.slice(i, close + 1);
  const inner = credit.slice(1, -1);
  const isCreditText =
    isCredit(credit) || /[＝=]/.test(inner) || CAPTION_WORDS.some((w) => inner.includes(w));
  return isCreditText ? { credit, rest: t.slice(close + 1) } : null;
}

/**
 * The forms in which narration names a speaker: the name without titles, each part of a
 * `・`-joined name, a kanji name's first two characters (the usual surname: 橋本 of 橋本愛), and
 * the short forms declared with `（以下、略称）`. Forms under two characters are left out.
 */
export function nameForms(label: string, aliases: ReadonlyMap<string, string>): string[] {
  const name = splitName(label).name;
  const forms = new Set<string>([name, ...name.split(/[・\s\u3000]/)]);
  if (/^\p{Script=Han}{3,5}$/u.test(name)) forms.add(name.slice(0, 2));
  for (const [alias, full] of aliases) if (full === label) forms.add(alias);
  return [...forms].filter((f) => f.length >= 2);
}
