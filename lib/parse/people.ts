/**
 * Who a speaker label denotes. Role labels (聞き手, 話し手, 編集部, Q/A, customer_1 …) are roles,
 * never people; printed names lose their honorifics and titles (さん, 先生, 編集長 … kept in
 * `title`); "AとB" is two people; and within one interview the short and full forms of a name
 * (森田 / 森田敏裕, 奥沢 / 奥澤穂菜美, ステイサム（ブラント） / ステイサム) are one person.
 */
import { normalizeForMatch } from '../text/normalize.ts';

/** Labels that mean "whoever asks" in any interview. */
const INTERVIEWER_LABELS =
  /^(?:聞き手|ききて|インタビュアー?|インタビュワー|編集部|編集|司会|司会者|mc|ｍｃ|記者|ライター|取材班|取材者|q|ｑ|interviewer|host|moderator|operator|op|オペレーター?)(?:[_\s-]?\d+)?$/i;
/** Labels that mean "whoever answers". */
const INTERVIEWEE_LABELS =
  /^(?:話し手|はなして|回答者|回答|答え|インタビュイー|ゲスト|a|ａ|interviewee|guest|customer|user|respondent|お客様|客|相談者)(?:[_\s-]?\d+)?$/i;
/** Labels that are nobody in particular. */
const OTHER_LABELS =
  /^(?:全員|一同|みんな|皆|会場|観客|all|everyone|ナレーション|ナレーター|narrator|speaker|話者|発言者|unknown|不明|[0-9０-９一二三四五六七八九十]{1,2}人)(?:[_\s-]?\d+)?$/i;
/**
 * Staff who speak up for someone (`マネージャー：…` interjecting in an actor's interview): a
 * role, nobody interviewed.
 */
const STAFF_LABELS = /^(?:マネージャー|マネジャー|スタッフ|通訳|広報|広報担当)$/;

/** True for a staff label (`マネージャー`, `通訳`): the role `other`, no person. */
export function isStaffLabel(label: string): boolean {
  return STAFF_LABELS.test(label.trim());
}
/** Labels for everyone present speaking at once (全員：わかるー！, 4人：そうそう。). */
const EVERYONE_LABELS = /^(?:全員|一同|みんな|皆|all|everyone|[0-9０-９一二三四五六七八九十]{1,2}人)$/i;

/** True for a label meaning everyone present. */
export function isEveryoneLabel(label: string): boolean {
  return EVERYONE_LABELS.test(label.trim());
}

/** The role a label stands for, or null when the label may be a name. */
export function roleOfLabel(label: string): 'interviewer' | 'interviewee' | 'other' | null {
  const t = label.trim();
  if (INTERVIEWER_LABELS.test(t)) return 'interviewer';
  if (INTERVIEWEE_LABELS.test(t)) return 'interviewee';
  if (OTHER_LABELS.test(t) || STAFF_LABELS.test(t)) return 'other';
  return null;
}

/** True for a label that names a role rather than a person. */
export function isRoleLabel(label: string): boolean {
  return roleOfLabel(label) !== null;
}

/** Honorifics: dropped from names, kept as the title when nothing better is known. */
const HONORIFICS = ['さん', 'サン', 'さま', '様', '氏', 'ちゃん', 'くん', '君'];
/** Titles and positions printed after a name. Longest first. */
const TITLES = [
  '編集長',
  '副編集長',
  '院長',
  '副院長',
  '理事長',
  '社長',
  '副社長',
  '会長',
  '代表取締役',
  '代表',
  '店長',
  '部長',
  '課長',
  '室長',
  '所長',
  '局長',
  '監督',
  '先生',
  '教授',
  '准教授',
  '博士',
  '医師',
  'ドクター',
  'プロ',
  '選手',
  'シェフ',
  'CEO',
  'ＣＥＯ',
].sort((a, b) => b.length - a.length);

/** True for a bare title used as a speaker label (`監督：`, `社長：`, `先生：`): a role, not a name. */
export function isTitleWord(label: string): boolean {
  return TITLES.includes(label.trim());
}

/**
 * The one person an article names with a title (`アンドリュー・スタントン監督`, `スタントン監督`): the
 * katakana or kanji run right before each of the first 200 times the title is printed, the
 * longest of them when every other is its end (a short form); null when none or several people.
 * Each look-back is at most 20 characters, so the scan is linear in the text.
 */
export function namedWithTitle(text: string, title: string): string | null {
  const found = new Set<string>();
  for (let at = text.indexOf(title), n = 0; at >= 0 && n < 200; at = text.indexOf(title, at + 1), n++) {
    let start = at;
    while (
      start > 0 &&
      at - start < 20 &&
      /[\p{Script=Katakana}\p{Script=Han}ー・々]/u.test(text[start - 1] as string)
    )
      start--;
    if (at - start >= 2) found.add(text.slice(start, at));
  }
  const longest = [...found].reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest && [...found].every((f) => longest.endsWith(f)) ? longest.replace(/^・+/, '') : null;
}

const KATAKANA_NAME = /^[\p{Script=Katakana}ー]{2,12}$/u;
const IN_KATAKANA_NAME = /[\p{Script=Katakana}ー・＝=]/u;

/**
 * The whole name a katakana label is a part of (`リン` → `リン・コリンズ`, `キッチュ` → `テイラー・キッチュ`):
 * the runs of katakana joined by `・` or `＝` in the texts of which the label is one whole part, when
 * there is exactly one (the longest, when the others are its parts); null otherwise. Each look
 * around a hit reaches at most 40 characters, and at most 200 hits are looked at per text.
 */
export function wholeNameOf(label: string, texts: readonly string[]): string | null {
  if (!KATAKANA_NAME.test(label)) return null;
  const found = new Set<string>();
  for (const text of texts) {
    for (let at = text.indexOf(label), n = 0; at >= 0 && n < 200; at = text.indexOf(label, at + 1), n++) {
      let start = at;
      let end = at + label.length;
      while (start > 0 && at - start < 40 && IN_KATAKANA_NAME.test(text[start - 1] as string)) start--;
      while (end < text.length && end - at < 40 && IN_KATAKANA_NAME.test(text[end] as string)) end++;
      const run = text.slice(start, end).replace(/^[・＝=]+|[・＝=]+$/g, '');
      const parts = run.split(/[・＝=]/);
      // A given name printed first (リン・コリンズ); a family name printed last only after short
      // parts (スタントン of アンドリュー・スタントン), not after an epithet (キャプテンアメリカ・ユージ).
      const last = parts.length - 1;
      if (
        parts.length >= 2 &&
        (parts[0] === label || (parts[last] === label && parts.slice(0, last).every((p) => p.length <= 6)))
      )
        found.add(run);
    }
  }
  const longest = [...found].reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest && [...found].every((f) => longest.includes(f)) ? longest : null;
}

/** A printed name split into the name and what was printed around it. */
export interface NameParts {
  /** The name alone: `花輪陽子`, `ジェイソン・ステイサム`. */
  name: string;
  /** Honorific or title: `先生`, `DIME編集長`, `ドクター`, `さん`; null when none. */
  title: string | null;
  /** A role or note in brackets after the name: `ブラント` of `ステイサム（ブラント）`. */
  note: string | null;
}

/**
 * Splits honorifics, titles and a bracketed note off a printed name:
 * `花輪陽子先生` → 花輪陽子 + 先生; `水野麻紀子DIME編集長` → 水野麻紀子 + DIME編集長;
 * `ジェイソン・ステイサム（ブラント）` → ジェイソン・ステイサム + note ブラント.
 */
export function splitName(printed: string): NameParts {
  let name = printed.trim();
  let note: string | null = null;
  const bracket = /^(.+?)[\s\u3000]*[（(]([^（）()]{1,30})[）)]$/.exec(name);
  if (bracket?.[1]) {
    name = bracket[1].trim();
    note = (bracket[2] ?? '').trim() || null;
  }
  const titles: string[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of [...HONORIFICS, ...TITLES]) {
      // `Aさん`, `Kさん`: a pseudonym of one letter keeps its honorific (a bare `A` is a role label).
      const stem = name.slice(0, -t.length);
      if (name.length > t.length && name.endsWith(t) && !/^[A-Za-zＡ-Ｚａ-ｚ]$/.test(stem.trim())) {
        name = name.slice(0, -t.length).trim();
        titles.unshift(t);
        changed = true;
        break;
      }
    }
  }
  // An organisation printed between a kanji name and a title: 水野麻紀子DIME編集長.
  if (titles.length > 0) {
    const org = /^(.*[\p{Script=Han}\p{Script=Hiragana}])([A-Za-zＡ-Ｚａ-ｚ0-9０-９&＆.・]{2,20})$/u.exec(
      name,
    );
    if (org?.[1] && org[2]) {
      name = org[1];
      titles.unshift(org[2]);
    }
  }
  if (!name) return { name: printed.trim(), title: null, note: null };
  return { name, title: titles.length > 0 ? titles.join('') : null, note };
}

/** "AとB", "A＆B", "A&B", "A、B": the names of a joint label, or the label alone. */
export function splitJoint(label: string): string[] {
  const t = label.trim();
  if (isRoleLabel(t)) return [t];
  // Commas part names unambiguously: a one-character surname (畑、小西、金泉) is a name too.
  const listed = listedNames(t);
  if (listed) return listed;
  const parts = t
    .split(/[\s\u3000]*(?:＆|&|、|,|，|と)[\s\u3000]*/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  // と inside a name (e.g. ことね, とおる) would split wrongly: only accept parts that all look
  // like names of two or more characters, and only two to five of them.
  if (parts.length < 2 || parts.length > 5 || parts.some((p) => p.length < 2)) return [t];
  if (/と/.test(t) && !/[＆&、,，]/.test(t) && parts.some((p) => /^[\p{Script=Hiragana}ー]+$/u.test(p)))
    return [t];
  return parts;
}

/** A part of a listed label: letters of a name only (no particle-joined prose, no marks or digits). */
const LISTED_NAME = /^[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}A-Za-zＡ-Ｚａ-ｚー・々]{1,12}$/u;

/**
 * `桜井、松村`, `A, B`: the names of a label that lists several speakers with commas, who answer
 * together; null for any other label (and for prose before a colon: `ちなみに、価格は`, whose
 * parts the caller still checks are speakers of their own).
 */
export function listedNames(label: string): string[] | null {
  const t = label.trim();
  if (!/[、,，]/.test(t) || t.length > 40) return null;
  const parts = t.split(/[\s\u3000]*[、,，][\s\u3000]*/);
  if (parts.length < 2 || parts.length > 5 || !parts.every((p) => LISTED_NAME.test(p))) return null;
  return parts;
}

/** Kanji variants printed for the same name (奥沢 / 奥澤): folded when names are compared. */
const VARIANTS: Record<string, string> = {
  澤: '沢',
  邊: '辺',
  邉: '辺',
  齊: '斉',
  齋: '斉',
  斎: '斉',
  﨑: '崎',
  嵜: '崎',
  髙: '高',
  濱: '浜',
  櫻: '桜',
  龍: '竜',
  廣: '広',
  惠: '恵',
  眞: '真',
  國: '国',
  與: '与',
  冨: '富',
  島: '嶋',
  嶌: '嶋',
  檜: '桧',
  德: '徳',
  黑: '黒',
  條: '条',
  實: '実',
  藏: '蔵',
  榮: '栄',
};

/** The form of a name used to compare it: NFKC, case, kana, spaces and kanji variants folded. */
export function nameKey(name: string): string {
  let s = normalizeForMatch(name).replace(/[\s\u3000・=＝･]/g, '');
  s = s.replace(/[澤邊邉齊齋斎﨑嵜髙濱櫻龍廣惠眞國與冨島嶌檜德黑條實藏榮]/g, (c) => VARIANTS[c] ?? c);
  return s;
}

/** One person as resolved within an interview. */
export interface ResolvedName {
  /** The fullest printed form of the name. */
  name: string;
  title: string | null;
  /** Other printed forms (labels, short forms). */
  aliases: string[];
}

/**
 * Unifies the names printed in one interview: each distinct label maps to one canonical person,
 * merging a short form into the single longer name it starts or ends (森田 → 森田敏裕, 悠子 →
 * 中村悠子), spelling variants (奥沢 → 奥澤穂菜美) and bracketed notes.
 */
export class NameResolver {
  private readonly people: ResolvedName[] = [];
  private readonly byLabel = new Map<string, ResolvedName>();
  /** Each person's comparison key, kept with the person (computed once per name, not per lookup). */
  private readonly keys = new Map<ResolvedName, string>();

  private keyOf(p: ResolvedName): string {
    let k = this.keys.get(p);
    if (k === undefined) {
      k = nameKey(p.name);
      this.keys.set(p, k);
    }
    return k;
  }

  /** Registers names known to be people of this interview (declared or printed in full). */
  add(printed: string): ResolvedName {
    const known = this.byLabel.get(printed.trim());
    if (known) return known;
    const parts = splitName(printed);
    const key = nameKey(parts.name);
    let person = this.people.find((p) => this.keyOf(p) === key);
    if (!person) {
      person = { name: parts.name, title: parts.title, aliases: [] };
      this.people.push(person);
    } else if (!person.title && parts.title) {
      person.title = parts.title;
    }
    this.alias(person, printed.trim());
    return person;
  }

  /** The person a label denotes; short forms resolve to the one longer name they belong to. */
  resolve(printed: string): ResolvedName {
    const label = printed.trim();
    const known = this.byLabel.get(label);
    if (known) return known;
    const parts = splitName(label);
    // 監督：… in an interview of パトリス・プーヤール監督: the one person with that title.
    if (parts.name === label && TITLES.includes(label)) {
      const titled = this.people.filter((p) => p.title?.endsWith(label));
      if (titled.length === 1 && titled[0]) {
        this.alias(titled[0], label);
        return titled[0];
      }
    }
    const key = nameKey(parts.name);
    const exact = this.people.find((p) => this.keyOf(p) === key);
    if (exact) {
      this.alias(exact, label);
      return exact;
    }
    if (key.length >= 1) {
      const longer = this.people.filter((p) => {
        const k = this.keyOf(p);
        return k.length > key.length && (k.startsWith(key) || (key.length >= 2 && k.endsWith(key)));
      });
      if (longer.length === 1 && longer[0]) {
        this.alias(longer[0], label);
        return longer[0];
      }
    }
    // A new name: if it is the longer form of names seen before, they become its aliases.
    // `安全ちゃん`, `ちょろくん`: a name made with a diminutive is a nickname, printed whole (its stem
    // may be a common word: 安全), unless the stem is the name of someone already known (花子ちゃん of
    // 田中花子 resolved above); the stem is kept as an alias to be found by.
    const nickname =
      parts.title === 'ちゃん' || parts.title === 'くん' ? `${parts.name}${parts.title}` : null;
    const person: ResolvedName = nickname
      ? { name: nickname, title: null, aliases: [parts.name] }
      : { name: parts.name, title: parts.title, aliases: [] };
    const shorter = this.people.filter((p) => {
      const k = this.keyOf(p);
      return k.length < key.length && (key.startsWith(k) || (k.length >= 2 && key.endsWith(k)));
    });
    if (shorter.length === 1 && shorter[0]) {
      const s = shorter[0];
      s.aliases.push(s.name);
      s.name = parts.name;
      this.keys.delete(s);
      s.title ??= parts.title;
      this.alias(s, label);
      return s;
    }
    this.people.push(person);
    // A nickname is compared by its stem: a full name printed later (田中花子) is its longer form.
    if (nickname) this.keys.set(person, key);
    this.alias(person, label);
    return person;
  }

  private alias(person: ResolvedName, label: string): void {
    this.byLabel.set(label, person);
    if (label !== person.name && !person.aliases.includes(label)) person.aliases.push(label);
  }
}
