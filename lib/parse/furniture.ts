/**
 * Page furniture that magazines and news sites print between and after the turns: page numbers
 * (` 1 2 3`), credits and bylines (`（取材・文：南 樹里）`, `【text=… / photo=…】`), photo captions
 * and profile data (`■ベストスコア／114`, `佐藤 すみれ（広告会社 広報・25歳）`, `↑【…】`),
 * promotional footers (`インタビューの続きは…`, `…全国ロードショー`). None of it is a quote.
 * Every test here is a scan or a pattern anchored on a literal with disjoint quantifiers.
 */
import { hasCode, indexOfAny, isSpace, skipSpaces, trimEndIndex } from './scan.ts';

/** `[0-9０-９]` by character code (no one-character string per test). */
function isDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);
}

/**
 * Removes trailing page numbers printed after the last line of a page (`…疲れない。 1 2 3`):
 * two or more numbers counting up from 1, each after white space. Returns the line unchanged when
 * there are none.
 */
export function stripPageNumbers(line: string): string {
  let end = trimEndIndex(line);
  // Most lines end in no number: nothing to collect.
  if (!isDigit(line.charCodeAt(end - 1))) return line;
  const numbers: number[] = [];
  // Articles run to a few pages: twenty numbers at most, so the scan stays short.
  while (end > 0 && numbers.length < 20) {
    let start = end;
    while (start > 0 && start > end - 2 && isDigit(line.charCodeAt(start - 1))) start--;
    if (start === end || start === 0 || !isSpace(line.charCodeAt(start - 1))) break;
    if (start > 0 && isDigit(line.charCodeAt(start - 1))) break;
    numbers.push(Number(line.slice(start, end).normalize('NFKC')));
    end = trimEndIndex(line, start);
  }
  numbers.reverse();
  if (numbers.length < 2 || numbers[0] !== 1 || numbers.some((n, i) => n !== i + 1)) return line;
  return line.slice(0, end);
}

const CREDIT_SEPARATORS = '：:＝=／/';
const CREDIT_WORDS =
  /取材|文|執筆|情報提供|出典|構成|撮影|写真|イラスト|編集|聞き手|インタビュー|text|photo|interview|writer|words/i;

/** A credit or byline: `（取材・文：南 樹里）`, `【text=八木悠太 / photo=五十嵐鉱太郎】`, `取材・文／…`. */
export function isCredit(line: string): boolean {
  const start = skipSpaces(line);
  const end = trimEndIndex(line, line.length, start);
  if (end - start < 3 || end - start > 120) return false;
  const bracketed =
    hasCode('（(【[［', line.charCodeAt(start)) && hasCode('）)】]］', line.charCodeAt(end - 1));
  // The separator is found in place first: most lines have none near the start, and are no
  // credit without slicing anything.
  const from = bracketed ? start + 1 : start;
  const sep = indexOfAny(line, CREDIT_SEPARATORS, from, bracketed ? end - 1 : end) - from;
  if (sep < 1 || sep > 20) return false;
  const t = line.slice(start, end);
  const inner = bracketed ? t.slice(1, -1) : t;
  const head = inner.slice(0, sep);
  if (!CREDIT_WORDS.test(head) || /[。！？]/.test(inner)) return false;
  // `編集部：池田利夫＋岡本奈知子（ジャムハウス）`: who edited the page. 編集部 also labels an
  // interviewer's lines, which name no team (`＋`) and no company in brackets.
  if (!bracketed && head.trim() === '編集部')
    return /[＋+]|[（(][^）)]{1,30}[）)]$/.test(inner.slice(sep + 1));
  return bracketed || /^(?:取材|文|記事執筆|執筆|構成|撮影|写真|text|photo|interview)/i.test(head);
}

/**
 * `togetter：『…まとめ』`, `引用元：…`, `出典：…`: the label of a citation or an embed (where a
 * quoted list, post or article comes from), never a person who speaks. Labels are at most 30
 * characters, so the test is bounded.
 */
export function isCitationLabel(label: string): boolean {
  return label.length <= 30 && CITATION_LABEL.test(label.trim());
}

const CITATION_LABEL =
  /^(?:[・■●◆※]\s*)?(?:togetter(?:まとめ|の反応)?|(?:twitter|ツイッター|ネット)の反応|引用元?|出典|出所|参考(?:文献|資料|記事|サイト|URL)?|参照|ソース|元記事|情報元|転載元|via)$/i;

const PHOTO_WORDS = ['写真', '撮影', '画像', 'photo', 'Photo', 'PHOTO'];

/**
 * A photo caption or photo credit alone on a line: `（写真：店の前で笑顔を見せる小林さん）`,
 * `(写真=左から山田、佐藤)`, `（撮影：…）`. Only a bracket that opens the line and closes it, with
 * a photo word right inside and a separator (or the bracket) after it: a remark in brackets inside
 * speech (`（笑）`, `（右手を挙げて）`) or an inline `…します（写真=左）。` is none.
 */
export function isPhotoCaption(line: string): boolean {
  const start = skipSpaces(line);
  const end = trimEndIndex(line, line.length, start);
  if (end - start < 3 || end - start > 300) return false;
  if (!hasCode('（(', line.charCodeAt(start)) || !hasCode('）)', line.charCodeAt(end - 1))) return false;
  const i = skipSpaces(line, start + 1);
  const word = PHOTO_WORDS.find((w) => line.startsWith(w, i));
  if (word === undefined) return false;
  const j = skipSpaces(line, i + word.length);
  return j === end - 1 || hasCode(CREDIT_SEPARATORS, line.charCodeAt(j));
}
/** A caption or data line of a profile box: `■ベストスコア／114`, `↑【動作解析の一例】…`. */
export function isCaption(line: string): boolean {
  const start = skipSpaces(line);
  const end = trimEndIndex(line, line.length, start);
  if (end <= start) return false;
  const first = line.charCodeAt(start);
  if (hasCode('↑↓▲△', first)) return true;
  // ■label／value: a data row of a profile box (at most 40 characters, label up to 12).
  if (hasCode('■□◆◇●○・', first)) {
    const body = line.slice(start + 1, end).trimStart();
    const slash = body.indexOf('／');
    if (slash >= 1 && slash <= 12 && body.length <= 60 && !/[。！？]/.test(body)) return true;
  }
  return isProfileLine(line);
}

/** `佐藤 すみれ（広告会社 広報・25歳）`: a name with occupation and age, heading a profile box. */
export function isProfileLine(line: string): boolean {
  // Looked at in place first: a profile line is short and states an age (歳).
  const start = skipSpaces(line);
  const end = trimEndIndex(line, line.length, start);
  if (end - start > 80 || line.indexOf('歳', start) < 0) return false;
  const t = line.slice(start, end);
  const open = t.search(/[（(]/);
  if (open < 1 || open > 20) return false;
  const close = t.indexOf('）', open) >= 0 ? t.indexOf('）', open) : t.indexOf(')', open);
  if (close < 0) return false;
  const inner = t.slice(open + 1, close);
  return /[0-9０-９]{1,3}歳/.test(inner) && !/[。！？]/.test(t.slice(0, open));
}

/** Promotional footers found anywhere in a line; each starts with a character of {@link PROMO_ANYWHERE}. */
const PROMO = [
  /続きは.{0,40}(?:こちら|ご覧|で読め|チェック)/,
  /(?:プレゼント|名様).{0,40}(?:応募|名様|プレゼント)/,
  /応募(?:期間|方法|締切|締め切り)/,
  /全国(?:ロードショー|公開)/,
  /(?:公開中|上映中|絶賛発売中|好評発売中)/,
  /プレゼント(?:しています|中|いたします)/,
  /(?:締切|締め切り)[）)]/,
  /(?:作品情報|公式サイト|オフィシャルサイト|公式ホームページ|特設サイト)(?:\s|$|は|を|-|－)/,
];
/** Footers at the start of a line; each starts with a character of {@link PROMO_FIRST}. */
const PROMO_AT_START = [
  /^[\s\u3000]*(?:\(c\)|（c）|©|Ⓒ)/i,
  /^[\s\u3000]*【?(?:関連記事|関連リンク|おすすめ特集|MOVIE ENTER|あわせて読みたい)/,
];
const RIGHTS = /ALL RIGHTS RESERVED/i;
const PROMO_ANYWHERE = new Set([...'続プ名応全公上絶好締作オ特'].map((c) => c.charCodeAt(0)));
/** Ⓒ matches ⓒ too: the pattern ignores case. */
const PROMO_FIRST = new Set([...'(（©Ⓒⓒ【関おMあ'].map((c) => c.charCodeAt(0)));

/** A promotional footer: where to read the rest, presents, release dates, official sites. */
export function isPromo(line: string): boolean {
  if (line.length > 400) return false;
  // Each pattern is tried only when the line has the character it starts with: a body of short
  // lines asked all eleven of each line.
  if (PROMO_FIRST.has(line.charCodeAt(skipSpaces(line))) && PROMO_AT_START.some((re) => re.test(line)))
    return true;
  if (line.length >= 19 && RIGHTS.test(line)) return true;
  for (let i = 0; i < line.length; i++)
    if (PROMO_ANYWHERE.has(line.charCodeAt(i))) return PROMO.some((re) => re.test(line));
  return false;
}

/** Anything above that is never part of a quote. */
export function isFurniture(line: string): boolean {
  return isCredit(line) || isCaption(line) || isPromo(line);
}
