/**
 * Speaker-prefixed lines: `名前：text`, `Q. text` / `A. text`, `聞き手：text`, `[Name] text`.
 * Lines without a prefix continue the previous turn; `【見出し】`, `■見出し` and `## 見出し` lines
 * are section headings. Optional front matter names the interviewer and interviewee.
 *
 * Some magazines mark only the questions (`Q．…？` and the answer on the next line, no `A．`,
 * no names): there the paragraph right after a question is the interviewee's answer, named as
 * the article names them; a later paragraph that speaks of someone in the third person
 * (`…という吉田氏。`) is the writer's, and credits (`（情報提供元：…）`) are furniture. Questions
 * that nothing answers (a ranking page quoting readers' questions, a survey) are no interview.
 */
import { ParseError } from '../errors.ts';
import { addressed, intervieweeFromArticle } from './article.ts';
import { isBracketNote, isQuestionLine, nameForms, QUESTION } from './dash-lines.ts';
import { DataRowFinder } from './data-rows.ts';
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
import { isCitationLabel, isCredit, isPhotoCaption, isPromo, stripPageNumbers } from './furniture.ts';
import { assertInterview } from './interview-check.ts';
import { narrationOf } from './narration.ts';
import { listedNames } from './people.ts';
import { hasAny, hasCode, indexOfAny, isSpace, skipSpaces, trimEndIndex } from './scan.ts';
import { readsAsOwnWords, readsAsSpeech, readsAsTalk, unquoted } from './speech.ts';

const QA_LETTERS = 'QqAaＱＡ';
/** `画像：…`, `写真1：…`: a photo's caption under a label, never a speaker's line. */
const PHOTO_LABEL = /^[\s\u3000]*(?:画像|写真)[0-9０-９]{0,2}[\s\u3000]*[：:]/;
/** One dash, then the question's words (no more dashes): `—…ますか？`. */
const SINGLE_DASH_QUESTION = /^[\s\u3000]*[—―](?![—―─－ー-])\S/;
/** The single dash itself, dropped from the question's text. */
const SINGLE_DASH_MARK = /^[\s\u3000]*[—―](?![—―─－ー-])/;
const QA_SEPARATORS = '.．:：)）';
/** Characters a `名前：` label cannot contain (besides white space). */
const NAME_EXCLUDED = '：:「」『』。、！？!?[]［］#*■【';
const HEADING_MARKS = '■◆●▼';

/** ASCII and full-width digits. */
const isDigit = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);

/**
 * `Q. text` / `A：text`, or numbered `Q1：text` / `Ａ１２．text` (up to 3 digits): the letter, the
 * number (null when none) and the rest, or null.
 */
function matchQa(t: string): { letter: string; number: string | null; rest: string } | null {
  const i = skipSpaces(t);
  if (!hasCode(QA_LETTERS, t.charCodeAt(i))) return null;
  let d = i + 1;
  while (d < t.length && d - i <= 3 && isDigit(t.charCodeAt(d))) d++;
  if (d - i > 4) return null;
  const j = skipSpaces(t, d);
  if (!hasCode(QA_SEPARATORS, t.charCodeAt(j))) return null;
  const number = d > i + 1 ? t.slice(i + 1, d) : null;
  // `Q1：趣味は？：ドライブ`: a profile box's numbered row with its answer inline, no question.
  if (number !== null && hasAny(t.slice(j + 1, j + 200), '：:')) return null;
  return { letter: t[i] as string, number, rest: t.slice(j + 1) };
}

/**
 * The one person a lead names with an honorific (`…を実現してきた吉田尚樹氏。`), in their fullest
 * form; null when it names nobody or several people.
 */
function onlyNameIn(lead: readonly string[]): string | null {
  const names = addressed(lead.join('\n').slice(0, 5000));
  const longest = names.reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest && names.every((n) => longest.startsWith(n)) ? longest : null;
}

function isQuestionLetter(letter: string): boolean {
  return letter === 'Q' || letter === 'q' || letter === 'Ｑ';
}

/**
 * `名前（以下、略称）：text`, as talk sessions introduce each speaker (name 1–20 characters, the
 * short label 1–10): the name, the label used afterwards and the rest, or null. A bounded scan
 * from the line's start: the bracket must come within 21 characters and close within 14 more.
 */
function matchAliasLabel(t: string, i: number): { label: string; alias: string; rest: string } | null {
  const open = indexOfAny(t, '（(', i + 1, Math.min(t.length, i + 21));
  if (open < 0) return null;
  // A space may part family and given name (`綾小路 翔（以下、綾小路）`).
  for (let k = i; k < open; k++) if (hasCode(NAME_EXCLUDED, t.charCodeAt(k))) return null;
  let j = skipSpaces(t, open + 1);
  if (!t.startsWith('以下', j) && !t.startsWith('以降', j)) return null;
  j = skipSpaces(t, j + 2);
  if (t[j] === '、' || t[j] === ',' || t[j] === '，') j = skipSpaces(t, j + 1);
  const close = indexOfAny(t, '）)', j, Math.min(t.length, j + 12));
  if (close < 0) return null;
  const alias = t.slice(j, close).trim();
  if (!alias || hasAny(alias, NAME_EXCLUDED)) return null;
  const colon = skipSpaces(t, close + 1);
  if ((t[colon] !== '：' && t[colon] !== ':') || colon + 1 >= t.length) return null;
  return { label: t.slice(i, open), alias, rest: t.slice(colon + 1) };
}

/** `[0-9０-９]` by character code. */
function isDigitCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);
}

/** `[名前] text` (label 1–30 characters) or `名前：text` (label 1–20, no spaces). */
function matchLabel(t: string): { label: string; alias?: string; rest: string } | null {
  const i = skipSpaces(t);
  const aliased = matchAliasLabel(t, i);
  if (aliased) return aliased;
  if (t[i] === '[' || t[i] === '［') {
    const close = indexOfAny(t, ']］', i + 1);
    if (close > i + 1 && close - i - 1 <= 30 && close + 1 < t.length)
      return { label: t.slice(i + 1, close), rest: t.slice(close + 1) };
  }
  let j = i;
  let comma = false;
  for (; j < t.length && j - i <= 20 && !isSpace(t.charCodeAt(j)); j++) {
    const c = t.charCodeAt(j);
    if (c === 0x3001 /* 、 */) comma = true;
    else if (hasCode(NAME_EXCLUDED, c)) break;
  }
  if (j === i || j - i > 20) return null;
  // `桜井、松村：`: several speakers answering together; other commas are prose (`ちなみに、…：`).
  if (comma && listedNames(t.slice(i, j)) === null) return null;
  // `（情報提供元：…）`, `(今回体験したコース：…)`: a parenthesised note, never a speaker's name.
  if (t[i] === '（' || t[i] === '(') return null;
  const colon = skipSpaces(t, j);
  if (t[colon] !== '：' && t[colon] !== ':') return null;
  if (colon + 1 >= t.length) return null;
  // `・（日）24:30〜25:00`: a clock time (digits on both sides of the colon), never a name.
  if (isDigitCode(t.charCodeAt(j - 1)) && isDigitCode(t.charCodeAt(skipSpaces(t, colon + 1)))) return null;
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

/** Words that head a data row (`住所：`, `価格：`, `アプリ名：`), alone or after 主な/対応/開催…. */
const FIELD_WORDS =
  '住所 所在地 アドレス address 電話 電話番号 tel fax 営業時間 定休日 休業日 url hp web ホームページ 公式サイト アクセス 最寄り駅 場所 会場 日時 日程 期間 会期 開催日 時間 入場料 料金 送料 価格 価格帯 定価 予算 実質負担額 月々サポート 割引率 支払い方法 問い合わせ お問い合わせ お問い合せ 問合せ 取材先 取材協力 協力 主催 配給 取り扱い 取り扱いブランド ブランド ターゲット 製品名 商品名 品名 型番 型式 モデル名 メーカー 発売日 発売時期 発売元 販売元 出荷 入荷予定 開始日 アプリ名 カテゴリ カテゴリー 開発者 バージョン 対応機種 os cpu ram rom メモリー メモリ hdd ssd ディスプレイ 画面サイズ カメラ サイズ 重量 重さ 質量 容量 厚さ カラー カラーバリエーション 素材 付属品 外部端子 外部メモリー 無線lan bluetooth 電源 バッテリー 入力 出力 周波数 グラフィックス 光学ドライブ チップセット 条件 対象 対象者 当選人数 年齢 職業 その他 備考 制作編集 編集協力 監修'.split(
    ' ',
  );
/** Words a data row's label ends with after a few characters (`予想市場価格`, `展示場所`). */
const FIELD_ENDS = '価格 場所 日時 期間 時間 料金 問い合わせ先 締め切り 締切 人数 サイズ'.split(' ');
/**
 * Labels of a data row, never a speaker's name: shop and event boxes (`住所：`, `営業時間：`,
 * `お問い合わせ：`), product and app specs (`価格：`, `アプリ名：`, `バージョン：`), rankings
 * (`1位：`) and bare numbers (`15:00` read as a label). News pages made of such rows (product
 * reviews, shop guides) are no interview, and in an interview such a box is page furniture, not
 * the last answer's text. Role words a speaker may be labelled with (`監督：`, `主演：`, `講師：`)
 * are not in it. Labels are at most 30 characters (checked first), so the test is bounded.
 */
const FIELD_LABEL = new RegExp(
  `^(?:[・■●◆※]\\s*)?(?:(?:主な|対応|本体|予想|基本|開催|募集|日本での)?(?:${FIELD_WORDS.join('|')})|[^\\s：:]{0,8}(?:${FIELD_ENDS.join('|')}))(?:[（(][^）)]{0,10}[）)])?$|^第?[\\d０-９]{1,3}位?$`,
  'i',
);

/**
 * `・インタビュー：…`, `※お食事ラストオーダー：…`, `◎内容：…`, `＜Question：…＞`: a label printed
 * after a list mark (or in angle brackets) is an item of a list or a box, never a speaker's name.
 */
function isListItem(label: string): boolean {
  const at = skipSpaces(label);
  // `<b>悪意</b>：` is a name in markup pasted from a web page, not a box's `<Question：`: its
  // answer must stay a quote (the console escapes the label).
  if (label.charCodeAt(at) === 0x3c && /^[A-Za-z/]/.test(label.slice(at + 1, at + 2))) return false;
  return hasCode('・※◎＜<＊*', label.charCodeAt(at));
}

/** True for a label that heads a data row (`価格：`, `住所：`, `1位：`), never a speaker. */
export function isFieldLabel(label: string): boolean {
  return label.length <= 30 && FIELD_LABEL.test(label.trim());
}

export interface Prefix {
  speaker: string;
  role?: 'interviewer' | 'interviewee';
  /** The short label `（以下、略称）` declares for this speaker. */
  alias?: string;
  rest: string;
}

/** `MC・内田恭子`: a moderator's role printed before their name. */
const ROLE_BEFORE_NAME = /^(?:MC|ＭＣ|司会|進行)[・･\s]+/i;

/** A data row's line (`価格：…`), told apart from a line with no prefix at all. */
interface Field {
  field: string;
  rest: string;
}

function isField(p: Prefix | Field | null): p is Field {
  return p !== null && 'field' in p;
}

export function matchPrefix(t: string, meta: { interviewer?: string; interviewee?: string }): Prefix | null {
  const p = prefixOrField(t, meta);
  return isField(p) ? null : p;
}

/** {@link matchPrefix}, or the label of a data row (`価格：…`): the label is read once per line. */
function prefixOrField(
  t: string,
  meta: { interviewer?: string; interviewee?: string },
): Prefix | Field | null {
  const qa = matchQa(t);
  if (qa) {
    const isQ = isQuestionLetter(qa.letter);
    const name = isQ ? (meta.interviewer ?? '聞き手') : (meta.interviewee ?? '話し手');
    return { speaker: name, role: isQ ? 'interviewer' : 'interviewee', rest: qa.rest.trim() };
  }
  const m = matchLabel(t);
  // `http://…`, `HP＊http://…`: a link, whatever is printed before its scheme's colon. Only a
  // label ending in a scheme makes one: `山田：//メモ` is 山田 speaking, whatever the text starts with.
  if (!m || /^https?$/i.test(m.label) || (m.rest.startsWith('//') && /[A-Za-z]$/.test(m.label))) return null;
  // A citation (`togetter：『…』`) is a row of the page, as a data row is: furniture, no speaker.
  if (isFieldLabel(m.label) || isListItem(m.label) || isCitationLabel(m.label))
    return { field: m.label, rest: m.rest };
  const label = m.label.trim();
  const rest = m.rest.trim();
  const alias = m.alias !== undefined ? { alias: m.alias } : {};
  // 聞き手 / インタビュアー mean the declared interviewer when front matter names one.
  if (isInterviewerLabel(label))
    return { speaker: meta.interviewer ?? label, role: 'interviewer', rest, ...alias };
  const role = ROLE_BEFORE_NAME.exec(label);
  if (role && label.length > role[0].length)
    return { speaker: label.slice(role[0].length), role: 'interviewer', rest, ...alias };
  return { speaker: label, rest, ...alias };
}

/**
 * `TYPE:NERV`, `型番：SH-06D`: a value that is a bare code (a model, a version, a part number;
 * letters in capitals, digits, `-._/+`), no word anyone says. A label whose every line carries
 * such a value is a spec row, however often it recurs (smax 6537176's two `TYPE:` rear covers).
 */
function isCode(rest: string): boolean {
  const s = rest.trim();
  return s.length > 0 && s.length <= 20 && /^[A-Z0-9][A-Z0-9._+\-/]*$/.test(s);
}

/** A line of 2–40 characters that ends in no sentence end (`。！？…`, a quote's close, `（笑）`). */
function isBoxHeading(t: string): boolean {
  const s = t.trim();
  return s.length >= 2 && s.length <= 40 && !/(?:[。．！？!?…」』、]|[（(]笑[）)])$/.test(s);
}

/**
 * `秋元康：1956年東京都生まれ。…`: a profile under the speaker's name, printed before a talk
 * session's turns; a bio, not something the person said.
 */
function isBio(rest: string): boolean {
  return (
    /^\s*(?:[\d０-９]{4}|(?:昭和|平成)[\d０-９元]{1,2})年/.test(rest) && /生まれ|出身/.test(rest.slice(0, 60))
  );
}

/**
 * `“…”だからこそできることがある———秋元`: a pull quote printed as a talk session's section
 * heading. A dash line that ends in a question mark is an interviewer's question (`——感想は？`).
 */
function isPullQuote(t: string): boolean {
  const s = t.trim();
  return s.length <= 60 && (s.includes('——') || s.includes('――')) && !/[?？]$/.test(s);
}

/**
 * `タバス子さんからの中辛アドバイス`, `プア子からの辛口アドバイス`: a short line without a sentence end
 * naming who gives the answer below it; the name (honorific dropped), or null. Anchored and
 * bounded (a line of at most 40 characters).
 */
function answererHeading(t: string): string | null {
  const s = t.trim();
  if (s.length > 40) return null;
  const m =
    /^([^\s\u3000、。！？!?「」『』：:]{1,20}?)(?:姐さん|さん|ちゃん|先生|氏)?からの[^。！？!?、]{1,20}$/.exec(
      s,
    );
  return m?.[1] ?? null;
}

/**
 * `音漏れが気になりません!Q：…ですか?`: a photo's caption printed on the question's line, with no
 * break before the `Q：` (the page lost the line break between the photo and the text). Where the
 * `Q` starts within the line's first 40 characters, after no Latin letter or digit (`FAQ：`,
 * `BBQ：`, `No.1Q`), the index of the `Q`; else -1. Bounded: reads 48 characters at most.
 */
function gluedQuestionAt(t: string): number {
  const m = /^(.{1,40}?[^A-Za-z0-9Ａ-Ｚａ-ｚ０-９\s\u3000])[QＱ][0-9０-９]{0,3}[\s\u3000]*[：:．.]/u.exec(
    t.slice(0, 48),
  );
  return m ? (m[1] as string).length : -1;
}

/** A name as a profile box prints it: 2–12 characters of kanji and katakana (`金子智美`, `ジョン・スミス`). */
const BOX_NAME = /^[\p{Script=Han}\p{Script=Katakana}ー・\s\u3000]{2,12}$/u;
/** Rows that make a box a person's profile (`年齢：26歳`, `職業：大学生`). */
const PROFILE_ROW = /^[\s\u3000]*(?:年齢|職業|年代|肩書き?|所属|出身|プロフィール)[\s\u3000]*[：:]/;

/**
 * Where an advice column's answer ends: a box heading standing alone (`今回の説教`), with no sentence
 * mark anywhere in it (`どうもチリだよ。今日も…♪` is the columnist's greeting, not a heading).
 */
function isColumnEnd(lines: Lines, i: number, t: string): boolean {
  return isHeadingLine(t) && standsAlone(lines, i);
}

/**
 * What follows a name the writer speaks of: a particle, an honorific, a suffix, punctuation or a
 * space (`小沢は`, `小沢さん`, `小沢自身`, `小沢（43）`), never a speaker's first word.
 */
const NOT_AFTER_NAME =
  /^(?:[はがのもにとをへでやかよ、。・，．,.（(「『…ー—―‐\-：:\s\u3000]|さん|さま|様|氏|君|くん|ちゃん|たち|達|ら|自身|本人|側|家|流|派|邸|一家|夫妻|監督|選手|先生)/;

/** A line that reads as talk: speech, chat, a question or an exclamation, or a short line ending in kana. */
function readsAsSpoken(t: string): boolean {
  const own = unquoted(t);
  if (readsAsSpeech(t) || readsAsTalk(t) || /[？?！!]/.test(own)) return true;
  const end = t.trim().replace(/[。．.、，,…〜～ー\s]+$/u, '');
  return end.length <= 20 && /\p{Script=Hiragana}$/u.test(end);
}

/** A line with blank lines (or the text's edge) before and after it. */
function standsAlone(lines: Lines, i: number): boolean {
  return lines.blank(i - 1) && (i + 1 >= lines.length || lines.blank(i + 1));
}

/** A box heading (isBoxHeading) with no sentence mark anywhere in it. */
function isHeadingLine(t: string): boolean {
  return isBoxHeading(t) && !/[。．！？!?♪]/.test(t);
}

/** `26歳　男性 <悩める相談者 No.031>`: an age and a sex on a short line with no sentence end. */
function isAgeProfile(t: string): boolean {
  return isBoxHeading(t) && /[\d０-９]{1,3}歳[\s\u3000]*(?:男性|女性)/.test(t);
}

function nextNonBlank(lines: Lines, from: number): number {
  let j = from;
  while (j < lines.length && lines.blank(j)) j++;
  return j;
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
  // Labels with a line that is more than a bare code (isCode): the others never speak.
  const speaks = new Set<string>();
  // Talk sessions introduce each speaker once as `村上龍（以下、村上）：` and use the short label
  // afterwards: short label → the name as printed, and the role printed with it (`MC・内田恭子`).
  const aliases = new Map<string, string>();
  const declaredRoles = new Map<string, 'interviewer' | 'interviewee'>();
  const keyOf = (speaker: string) => aliases.get(speaker) ?? speaker;
  // Questions and answers marked with letters, the questions' text and the lead before them.
  let questionLines = 0;
  let answerLines = 0;
  const questions: string[] = [];
  const lead: string[] = [];
  // The line of the first numbered question (`Q1：…`), if any.
  let numberedQuestion: number | null = null;
  // Each loop over the lines calls a step (eachLine): the optimising compiler then compiles the
  // small step, not this whole parser, while a long body runs.
  let anyText = false;
  // Tables of `label：value` rows (specs, app boxes, profiles), told by their shape (data-rows.ts).
  const tables = new DataRowFinder();
  eachLine(bodyStart, lines.length, (i) => {
    if (lines.blank(i)) {
      tables.other();
      return;
    }
    const t = lines.text(i) as string;
    // `画像：…` captions a photo: its label is nobody's (lines of the main pass skip it too).
    if (PHOTO_LABEL.test(t)) {
      tables.other();
      return;
    }
    const qa = matchQa(t);
    if (qa) {
      if (isQuestionLetter(qa.letter)) {
        questionLines++;
        if (qa.number !== null) numberedQuestion ??= (lines.at(i) as Line).no;
        if (questions.length < 20) questions.push(qa.rest);
      } else answerLines++;
    } else if (questionLines === 0 && lead.length < 20) lead.push(t);
    const pf = prefixOrField(t, meta);
    if (pf === null) tables.other();
    else if (isField(pf)) tables.row(i, pf.field, pf.rest);
    else tables.row(i, pf.speaker, pf.rest);
    if (pf === null || isField(pf)) return;
    const p = pf;
    if (p.rest) anyText = true;
    if (isBio(p.rest)) return;
    if (p.alias !== undefined && p.alias !== p.speaker && !aliases.has(p.alias)) {
      aliases.set(p.alias, p.speaker);
      if (p.role) declaredRoles.set(p.speaker, p.role);
    }
    const key = keyOf(p.speaker);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!isCode(p.rest)) speaks.add(key);
  });
  for (const key of counts.keys()) if (!speaks.has(key)) counts.set(key, 0);
  // A table's rows count for no speaker (the labels were counted above, a table is rarely long).
  const dataRows = tables.finish();
  for (const i of dataRows) {
    const p = matchPrefix(lines.text(i) as string, meta);
    if (!p || isBio(p.rest)) continue;
    const key = keyOf(p.speaker);
    counts.set(key, (counts.get(key) ?? 1) - 1);
  }
  // A turn starts only at a prefixed line with text (an unmarked answer only after a question that
  // has some): with none, the pass below would read every line again for nothing (100,000 bare
  // `Q.` or `---` lines cost ~0.1 s).
  if (!anyText) throw noTurns();
  // Two or more speakers introduced with `（以下、略称）`: a talk session, where the named speakers
  // talk with each other and with a moderator (MC); nobody is made the interviewer for asking most,
  // and every answer is under the moderator's or the writer's last question (lib/parse/questions.ts).
  const talk = new Set(aliases.values()).size >= 2;
  const declared = new Set([meta.interviewer, meta.interviewee].filter((x): x is string => !!x));
  // `桜井、松村：はい。` speaks when each of them speaks on their own, never on its own count.
  const listedSpeak = (p: Prefix): boolean | null => {
    const names = p.role === undefined ? listedNames(p.speaker) : null;
    return names ? names.every((n) => (counts.get(keyOf(n)) ?? 0) >= 2) : null;
  };
  const isSpeaker = (p: Prefix) =>
    listedSpeak(p) ??
    (p.role !== undefined ||
      (counts.get(keyOf(p.speaker)) ?? 0) >= 2 ||
      declared.has(p.speaker) ||
      p.alias !== undefined ||
      aliases.has(p.speaker));
  // Only questions are marked: no `A．` and no name that speaks twice.
  const questionsOnly =
    questionLines > 0 &&
    answerLines === 0 &&
    ![...counts].some(([speaker, n]) => n >= 2 && speaker !== (meta.interviewer ?? '聞き手'));

  // Labels that speak on this page (twice or more, or declared with `（以下、略称）`), longest first:
  // a paragraph may start with one printed without its colon (colonless).
  const speakerLabels = [
    ...new Set([...aliases.keys(), ...[...counts].filter(([, n]) => n >= 2).map(([k]) => k)]),
  ]
    .filter((l) => l.length >= 2 && !isInterviewerLabel(l))
    .sort((a, b) => b.length - a.length);
  /**
   * `小沢そこですよ、そこ……問題は！`: a paragraph that starts with a speaker's label printed without its
   * colon, then words that talk (speech, chat, a question or an exclamation, a short casual line), where
   * someone else holds the turn: that speaker's line. A name the writer speaks of is followed by a
   * particle, an honorific or a suffix (`小沢は`, `小沢さん`, `小沢自身`), never by the words at once.
   */
  const colonless = (t: string, holder: string): Prefix | null => {
    const s = t.trimStart();
    const label = speakerLabels.find((l) => s.startsWith(l));
    if (label === undefined || keyOf(label) === keyOf(holder)) return null;
    const rest = s.slice(label.length).trim();
    if (!rest || NOT_AFTER_NAME.test(rest)) return null;
    return readsAsSpoken(rest) ? { speaker: label, rest } : null;
  };

  let title = meta.title ?? header?.title ?? null;
  // Who answers an unmarked answer: the declared interviewee, else the person the article names.
  const answerer = questionsOnly
    ? (meta.interviewee ?? intervieweeFromArticle(title, lead, questions) ?? onlyNameIn(lead) ?? '話し手')
    : '話し手';
  // Numbered questions only (`Q1：…`) that the page names nobody to answer: the writer asks and
  // answers (a festival guide's `Q1：なぜ注目されている？` over its own prose), no interview. A
  // questionnaire of a named person (`森陽太「…」` over `Q1：…`) stays one.
  if (questionsOnly && answerer === '話し手' && numberedQuestion !== null)
    throw new ParseError(
      numberedQuestion,
      'numbered questions (`Q1：…`) answered by nobody the page names: the writer’s own questions and answers, not an interview',
      'prefixed',
    );
  const answererForms = questionsOnly && answerer !== '話し手' ? nameForms(answerer, new Map()) : [];
  /** A paragraph about someone in the third person (`…という吉田氏。`): the writer's, not the answer. */
  const isNarration = (t: string): boolean =>
    answererForms.some((f) => t.includes(`${f}氏`) || t.includes(`${f}さん`)) ||
    /[\p{Script=Han}\p{Script=Katakana}]氏/u.test(t) ||
    addressed(t.slice(0, 2000)).some((n) => answererForms.includes(n));
  /**
   * `—お客さん自体の変化は感じたりしますか？` under a single dash, as a new paragraph, right before a
   * speaker's line: the writer's question (two dashes are a question anywhere; one dash also
   * prints a quote's attribution, `—松下幸之助—`, which no speaker's line follows).
   */
  const asksBeforeSpeaker = (i: number, t: string): boolean => {
    if (!SINGLE_DASH_QUESTION.test(t) || !(i === bodyStart || lines.blank(i - 1))) return false;
    const next = nextNonBlank(lines, i + 1);
    if (next >= lines.length || dataRows.has(next)) return false;
    const p = prefixOrField(lines.text(next) as string, meta);
    return p !== null && !isField(p) && !!p.rest && isSpeaker(p);
  };
  /**
   * A line that speaks of one of the page's speakers as `名前さん` (`絵里子さんは…らしい。`, `久美さん
   * (29歳)の母親の…`) and does not talk (no first person, spoken ending, chat or question): the
   * writer reporting on the exchange above it. Each `さん` is looked up by the few characters before
   * it (a label is at most 20 characters; names before さん are short): linear in the line.
   */
  const writerNamesSpeaker = (t: string): boolean => {
    const own = unquoted(t);
    if (readsAsSpeech(own) || readsAsTalk(own) || /[？?]/.test(own)) return false;
    for (let at = own.indexOf('さん'); at > 0; at = own.indexOf('さん', at + 2))
      for (let k = 1; k <= 8 && k <= at; k++) if (counts.has(own.slice(at - k, at))) return true;
    return false;
  };
  /** The next non-blank line is a speaker's line with words. */
  const speakerNext = (i: number): boolean => {
    const next = nextNonBlank(lines, i + 1);
    if (next >= lines.length || dataRows.has(next)) return false;
    const p = prefixOrField(lines.text(next) as string, meta);
    return p !== null && !isField(p) && !!p.rest && isSpeaker(p);
  };
  // The last line a speaker's turn starts at: paragraphs after it are the article's close, where
  // the writer sums up (`今回は…お話を聴いてきましたが…`) in the paragraphs after the last answer.
  let lastMarker = -1;
  for (let j = lines.length - 1; j >= bodyStart && lastMarker < 0; j--) {
    if (lines.blank(j) || dataRows.has(j)) continue;
    const p = prefixOrField(lines.text(j) as string, meta);
    if (p !== null && !isField(p) && p.rest && isSpeaker(p)) lastMarker = j;
  }
  // Between a writer's paragraph (or a credit) and the next question, nothing is an answer.
  let narrating = false;
  const turns: DraftTurn[] = [];
  const sections: string[] = [];
  const furniture: Furniture[] = [];
  let section: string | null = null;
  // The answerer a heading named for the next `A：` (answererHeading).
  let answeredBy: string | null = null;
  // The current turn is an answer such a heading named (`チリちゃんからの甘辛アドバイス` over `A：休みだけが
  // 彼女との時間じゃない！`): an advice column, whose `A：` line is the answer's headline and whose body
  // follows in paragraphs of the columnist's own (`えーと。彼女との時間って休日だけなの？…`), up to the
  // page's next box heading (`今回の説教`) or credit, however little they chat.
  let column = false;
  // The person a profile box names (`CASE1：金子智美` over `年齢：…`, `職業：…`): every `A：` up to
  // the next such box is theirs. Pages that interview several people in turn print one box each.
  let boxedAnswerer: string | null = null;
  // Captions printed on a question's line (gluedQuestionAt).
  const captions: string[] = [];
  let current: (DraftTurn & { parts: string[] }) | null = null;
  const close = () => {
    column = false;
    if (current) {
      const { parts, ...turn } = current;
      pushTurn(turns, { ...turn, text: parts.join('\n').trim() }, 'prefixed');
    }
    current = null;
  };
  /** A line without a speaker where only questions are marked. */
  const unmarkedLine = (i: number, t: string) => {
    const line = lines.at(i) as Line;
    if (isCredit(t) || isPromo(t)) {
      close();
      furniture.push({ line, kind: isCredit(t) ? 'credit' : 'promo' });
      narrating = true;
      return;
    }
    const newParagraph = lines.blank(i - 1);
    // `「月と嘘と殺人」ストーリー`, `森陽太さんプロフィール`: a short line standing alone after an
    // answer, with no sentence end, heads the page's next box; the answer ends before it.
    if (
      current?.role === 'interviewee' &&
      newParagraph &&
      (i + 1 >= lines.length || lines.blank(i + 1)) &&
      isBoxHeading(t)
    ) {
      close();
      furniture.push({ line, kind: 'heading' });
      narrating = true;
      return;
    }
    if (current?.role === 'interviewer' && !newParagraph && !narrating) {
      // The line right after a question starts its answer.
      close();
      current = {
        speaker: answerer,
        role: 'interviewee',
        text: '',
        start: line.start,
        end: line.end,
        line: line.no,
        section,
        parts: [t.trim()],
      };
      return;
    }
    if (current?.role === 'interviewee' && !(newParagraph && isNarration(t))) {
      current.parts.push(newParagraph ? `\n${t.trim()}` : t.trim());
      current.end = line.end;
      return;
    }
    // The lead, a question nothing answers, or the writer's closing words: no quote.
    close();
    if (turns.length > 0) narrating = true;
  };
  // Questions and answers marked with letters: a caption may be glued before a question's `Q：`.
  const lettered = questionLines > 0 && answerLines > 0;
  eachLine(bodyStart, lines.length, (i) => {
    if (lines.blank(i)) return;
    let t = lines.text(i) as string;
    if (lettered && matchQa(t) === null) {
      // The caption is the page's; the question starts at its `Q` (only when an `A：` answers it).
      const q = gluedQuestionAt(t);
      const next = q > 0 ? matchQa(lines.text(nextNonBlank(lines, i + 1)) ?? '') : null;
      if (next !== null && !isQuestionLetter(next.letter) && !isPhotoCaption(t)) {
        if (captions.length < 500) captions.push(t.slice(0, q).trim());
        t = t.slice(q);
      }
    }
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
    // A photo caption between the paragraphs of an answer is page furniture: the answer goes on
    // after it. A credit (`（取材・文：…）`) ends the turn before it: what follows is the page's.
    if (isPhotoCaption(t) || PHOTO_LABEL.test(t)) {
      furniture.push({ line: lines.at(i) as Line, kind: 'caption' });
      return;
    }
    if (!questionsOnly && isCredit(t)) {
      close();
      furniture.push({ line: lines.at(i) as Line, kind: 'credit' });
      return;
    }
    let prefix = prefixOrField(t, meta);
    if (prefix === null && !questionsOnly && current !== null && lines.blank(i - 1))
      prefix = colonless(t, (current as DraftTurn).speaker);
    if (prefix === null && !questionsOnly) {
      // `タバス子さんからの中辛アドバイス` right before `A：…`: who gives the answer, a heading.
      const by = answererHeading(t);
      if (by !== null && matchQa(lines.text(nextNonBlank(lines, i + 1)) ?? '') !== null) {
        close();
        furniture.push({ line: lines.at(i) as Line, kind: 'heading' });
        answeredBy = by;
        return;
      }
    }
    if (
      prefix !== null &&
      !isField(prefix) &&
      boxedAnswerer !== null &&
      answeredBy === null &&
      prefix.role === 'interviewee' &&
      !meta.interviewee &&
      matchQa(t) !== null
    )
      prefix = { ...prefix, speaker: boxedAnswerer };
    let columnAnswer = false;
    if (prefix !== null && !isField(prefix) && answeredBy !== null) {
      // The `A：` after such a heading is that person's (unless front matter names the interviewee).
      if (prefix.role === 'interviewee' && !meta.interviewee && matchQa(t) !== null) {
        prefix = { ...prefix, speaker: answeredBy };
        columnAnswer = true;
      }
      if (prefix.role !== undefined) answeredBy = null;
    }
    // A data row (`住所：…`, `価格：…`, a table's row): a shop or product box, which ends the turn
    // before it.
    if (isField(prefix) || dataRows.has(i)) {
      close();
      furniture.push({ line: lines.at(i) as Line, kind: 'info' });
      // The box's first row names a person and a profile row follows: that person answers next.
      if (prefix !== null && !isField(prefix) && (i === bodyStart || !dataRows.has(i - 1))) {
        const name = prefix.rest.trim();
        const profiled = [i + 1, i + 2, i + 3].some((k) => PROFILE_ROW.test(lines.text(k) ?? ''));
        if (profiled && BOX_NAME.test(name)) boxedAnswerer = name;
      }
      return;
    }
    const p = prefix as Prefix | null;
    if (!p && ((talk && isQuestionLine(t) && !isPullQuote(t)) || asksBeforeSpeaker(i, t))) {
      // `——感想は？` with no name: the writer's question to the speakers, which the turns after
      // it answer (it may come before the first named turn, right after the lead).
      close();
      const line = lines.at(i) as Line;
      current = {
        speaker: meta.interviewer ?? '聞き手',
        role: 'interviewer',
        text: '',
        start: line.start,
        end: line.end,
        line: line.no,
        section,
        // Two dashes (QUESTION) or the single dash of asksBeforeSpeaker: the mark is no word of it.
        parts: [t.replace(QUESTION, '').replace(SINGLE_DASH_MARK, '').trim()],
      };
      return;
    }
    if (talk) {
      // A speaker's profile, a pull quote between sections and the page numbers: no quotes.
      const kind = p
        ? isBio(p.rest)
          ? 'info'
          : null
        : isPullQuote(t)
          ? 'heading'
          : stripPageNumbers(t).trim() === ''
            ? 'chrome'
            : null;
      if (kind) {
        close();
        furniture.push({ line: lines.at(i) as Line, kind });
        if (kind === 'heading') {
          section = t.trim();
          sections.push(section);
        }
        return;
      }
    }
    if (questionsOnly && !(p?.role === 'interviewer' && p.rest)) {
      unmarkedLine(i, t);
      return;
    }
    // A one-off label still counts when it answers the interviewer's question.
    // … or a speaker's question to them (`今回のレポートは、いかがでしたでしょうか。` before `謎の経済アナリスト：…`),
    // the question ending its turn's last paragraph, on a line of its own right before this one.
    const asked = current?.parts.at(-1) ?? '';
    const answersQuestion =
      (current?.role ?? turns.at(-1)?.role) === 'interviewer' ||
      (current !== null && lines.blank(i - 1) && /(?:[？?]|でしょうか。?|ですか。?)$/.test(asked.trim()));
    if (p?.rest && (isSpeaker(p) || (answersQuestion && listedSpeak(p) === null))) {
      narrating = false;
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
      const role = p.role ?? declaredRoles.get(keyOf(p.speaker));
      if (role) current.role = role;
      column = columnAnswer;
      return;
    }
    if (current && current.role !== 'interviewer' && (isBracketNote(t) || writerNamesSpeaker(t))) {
      // `（次回に続く……）` or `絵里子さんは…と思ったらしい。` under a speaker's line, with no blank
      // line between: the writer's, which ends the turn (what follows up to the next speaker too).
      close();
    } else if (
      current &&
      current.role !== 'interviewer' &&
      lines.blank(i - 1) &&
      i > lastMarker &&
      (column ? isColumnEnd(lines, i, t) : !readsAsOwnWords(t))
    ) {
      // A paragraph after the last answer that does not read as someone talking: the writer's
      // close (kept as narration), not more of the answer. A column's answer goes on up to the
      // page's next box heading (a short line standing alone with no sentence end).
      close();
    } else if (current && isAgeProfile(t)) {
      // `26歳　男性 <悩める相談者 No.031>` under `電気メーカー・営業`: the profile box of a letter's
      // writer printed inside the letter, no one's words (the job line right above it goes too).
      const prev = current.parts.at(-1);
      if (prev !== undefined && current.parts.length > 1 && !lines.blank(i - 1) && isBoxHeading(prev)) {
        current.parts.pop();
        furniture.push({ line: lines.at(i - 1) as Line, kind: 'info' });
      }
      furniture.push({ line: lines.at(i) as Line, kind: 'info' });
    } else if (current && standsAlone(lines, i) && isHeadingLine(t) && speakerNext(i)) {
      // `荷室の広さは結構スゴい`, `（中略）`, a photo's caption: a short line alone between two speakers'
      // lines, with no sentence mark, is the page's, not the end of the turn above it. Kept as
      // furniture, not as a section: a heading and a caption look alike here.
      close();
      furniture.push({ line: lines.at(i) as Line, kind: 'caption' });
    } else if (current) {
      current.parts.push(lines.blank(i - 1) ? `\n${t.trim()}` : t.trim());
      current.end = (lines.at(i) as Line).end;
    } else if (title === null && turns.length === 0) {
      title = t.trim();
    }
  });
  close();
  if (turns.length === 0) throw noTurns();
  if (questionsOnly && !turns.some((t) => t.role === 'interviewee'))
    throw new ParseError(
      turns[0]?.line ?? 1,
      'not an interview: `Q.` questions that nothing answers (no `A.` and no answer on the line after a question)',
      'prefixed',
    );
  // Labels that recur on a list or comparison page (`右：`/`左：`, `品番：`) are no speakers.
  assertInterview(turns, text, declared.size > 0, 'prefixed');
  const interviewer: DraftPerson | null = meta.interviewer
    ? { name: stripHonorific(meta.interviewer) }
    : null;
  const interviewees: DraftPerson[] = meta.interviewee ? [{ name: stripHonorific(meta.interviewee) }] : [];
  const intervieweeHint = questionsOnly && answerer !== '話し手' ? answerer : null;
  return {
    format: 'prefixed',
    title,
    url: meta.url ?? header?.url ?? null,
    publishedAt: meta.publishedAt ?? header?.date ?? null,
    id: meta.id ?? null,
    interviewer,
    interviewees,
    ...(intervieweeHint ? { intervieweeHint } : {}),
    ...(aliases.size > 0 ? { aliases } : {}),
    ...(talk ? { talk } : {}),
    sections,
    furniture,
    // The lead, the writer's close and what else no turn holds; a title read off the body is none.
    narration: narrationOf(lines, bodyStart, turns, furniture, title === null ? [] : [title]),
    ...(captions.length > 0 ? { captions } : {}),
    turns,
  };
}
