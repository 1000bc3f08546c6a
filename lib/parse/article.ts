/**
 * The interviewee's name as the article states it, for answers printed without a name or under
 * a generic label (話し手): from the title (`インタビュー：NAME「…」`, `NAMEさんに聞く`,
 * `NAMEインタビュー`) and from the lead and the questions, which address the interviewee
 * (`…代表・藤井タダシ氏です。`, `田中さんのゴルフ歴を教えてください`). Only a name the article
 * states clearly is returned: in the title, or at least twice.
 */
import { nameKey, splitName } from './people.ts';

const NAME_CHAR = /[\p{Script=Han}\p{Script=Katakana}ー・A-Za-zＡ-Ｚａ-ｚ々〆ヶ]/u;
// Personal honorifics only: 院長, 社長, 代表 follow organisations as often as names.
const HONORIFIC_AFTER = /^(?:さん|氏|先生|ドクター|監督|編集長)/;
const TITLE_WORDS =
  /^(?:代表|院長|統括院長|社長|会長|店長|監督|編集長|講師|教授|医師|弁護士|女優|俳優|歌手|モデル|タレント|トレーナー|インストラクター|アナリスト|プロデューサー|ディレクター|デザイナー|スペシャリスト|ライター|作家|漫画家|芸人)$/;

/** Nouns that take さん without being names. */
const COMMON =
  /^(?:皆|奥|娘|息子|母|父|お母|お父|客|お客|旦那|彼女|彼氏|先輩|後輩|店員|読者|男性|女性|女子|男子|生徒|学生|子供|子ども|皆様|皆さま|患者|会員|社員|スタッフ|メンバー|キャスト|出演者|参加者|関係者|ファン|お子|親御|監督|先生)$/;

/** The name ending just before `end` in `text` (walking back over name characters). */
function nameBefore(text: string, end: number): string | null {
  let start = end;
  // A hiragana given name after a kanji surname (宮崎あおい, 友野なお); elsewhere hiragana is a particle.
  let kana = start;
  while (kana > 0 && end - kana < 4 && /\p{Script=Hiragana}/u.test(text[kana - 1] as string)) kana--;
  const given = text.slice(kana, start);
  if (given === 'たく' || given === 'みな' || given === 'おじ' || given === 'おば') return null;
  if (
    kana < start &&
    kana > 0 &&
    /\p{Script=Han}/u.test(text[kana - 1] as string) &&
    !/[がのはをにでもとへや]/.test(given)
  )
    start = kana;
  else if (kana < start) return null;
  while (start > 0 && end - start < 24 && NAME_CHAR.test(text[start - 1] as string)) start--;
  return cleanName(text.slice(start, end));
}

/** A run of name characters made a name: a title before a dot dropped, honorifics split off. */
function cleanName(raw: string): string | null {
  let run = raw.trim().replace(/^・+|・+$/g, '');
  if (!run) return null;
  const segments = run.split('・');
  // 代表・藤井タダシ, 統括院長・相川佳之: a title before the dot; ジェイソン・ステイサム is one name.
  const last = segments.at(-1) ?? '';
  if (
    segments.length > 1 &&
    (/\p{Script=Han}/u.test(last) || segments.slice(0, -1).some((s) => TITLE_WORDS.test(s) || s.length > 8))
  )
    run = last;
  run = splitName(run).name;
  if (run.length < 2 || run.length > 20) return null;
  if (TITLE_WORDS.test(run) || COMMON.test(run) || /[、。！？!?「」『』]/.test(run)) return null;
  return run;
}

/** Names followed by an honorific in `text`, in order. */
export function addressed(text: string): string[] {
  return addressedAt(text).map((a) => a.name);
}

/** Names followed by an honorific in `text`, with where the honorific starts. */
function addressedAt(text: string): Array<{ name: string; at: number }> {
  const out: Array<{ name: string; at: number }> = [];
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c !== 'さ' && c !== '氏' && c !== '先' && c !== 'ド' && c !== '監' && c !== '編') continue;
    if (!HONORIFIC_AFTER.test(text.slice(i, i + 4))) continue;
    const name = nameBefore(text, i);
    if (name) out.push({ name, at: i });
  }
  return out;
}

/**
 * `前田さんに少しお話を伺ってみました`, `藤井氏に訊いた`: the lead says whom it interviews. The
 * honorific, に, and a verb of asking within the same sentence.
 */
const ASKED =
  /^(?:さん|氏|先生|ドクター|監督|編集長)に[^。]{0,40}?(?:話を|聞い|聞く|聞き|伺|訊|インタビュー|直撃)/;

/** The interviewee named by the title, when the title has one of the usual shapes. */
export function nameFromTitle(title: string | null | undefined): string | null {
  if (!title || title.length > 300) return null;
  // インタビュー：NAME「…」 / インタビュー：職業・NAME（…）
  const colon = /インタビュ[ーｰ—][\s\u3000]*[：:]/.exec(title);
  if (colon) {
    const rest = title.slice(colon.index + colon[0].length);
    const stop = rest.search(/[「『（(]/);
    const raw = (stop >= 0 ? rest.slice(0, stop) : rest).trim();
    // インタビュー：宮崎あおい＆堺雅人: several people, no single answerer.
    if (!raw || /[＆&、]/.test(raw) || raw.length > 40) return null;
    return cleanName(raw.split(/[\s\u3000]/)[0] ?? '');
  }
  // NAMEさんに聞く / NAMEインタビュー / NAMEが語る
  const m = /(?:さん|氏|先生)?(?:に聞く|に訊く|に聞いた|が語る|が教える|に直撃|インタビュー)/.exec(title);
  if (m && m.index > 0) return nameBefore(title, m.index);
  return null;
}

/**
 * The interviewee the article states: the title's name, or the name the lead and the questions
 * address most (at least twice), preferring its fullest printed form.
 */
export function intervieweeFromArticle(
  title: string | null | undefined,
  texts: readonly string[],
  questions: readonly string[] = [],
): string | null {
  const counts = new Map<string, { name: string; n: number }>();
  // A question addressing someone (`伊藤さんの場合は？`) says more than a lead mentioning them.
  const weighted = [...texts.map((t) => [t, 1] as const), ...questions.map((t) => [t, 2] as const)];
  for (const [text, weight] of weighted) {
    const head = text.slice(0, 5000);
    for (const { name, at } of addressedAt(head)) {
      const key = nameKey(name);
      const entry = counts.get(key);
      // The person the lead says it asked outweighs everyone it only mentions.
      const n = weight + (ASKED.test(head.slice(at, at + 60)) ? 4 : 0);
      if (entry) {
        entry.n += n;
        if (name.length > entry.name.length) entry.name = name;
      } else counts.set(key, { name, n });
    }
  }
  // Short forms count for their full form: 藤井 for 藤井タダシ, 田中 for 田中尚子.
  const entries = [...counts.entries()];
  for (const [key, e] of entries) {
    const full = entries.filter(([k]) => k.length > key.length && k.startsWith(key));
    if (full.length === 1 && full[0]) {
      full[0][1].n += e.n;
      e.n = 0;
    }
  }
  const fromTitle = nameFromTitle(title);
  // A title name counts when the article mentions it again (女性歯科医に聞く is no name).
  if (fromTitle && [...texts, ...questions].some((t) => nameKey(t).includes(nameKey(fromTitle)))) {
    const key = nameKey(fromTitle);
    const longer = entries.find(([k, e]) => e.n > 0 && k.length > key.length && k.startsWith(key));
    return longer ? longer[1].name : fromTitle;
  }
  const best = entries.map(([, e]) => e).sort((a, b) => b.n - a.n)[0];
  return best && best.n >= 2 ? best.name : null;
}

/**
 * The person a news title is about (`美少女・橋本愛が声優に初挑戦`, `KARA・ニコルが映画初出演`):
 * the name before the first が, after an epithet and a dot, when the lead names them too.
 */
export function subjectOfTitle(title: string | null | undefined, lead: readonly string[]): string | null {
  if (!title || title.length > 300) return null;
  const m = /^(?:[^・「」『』、。]{1,12}・)?([\p{Script=Han}\p{Script=Katakana}ー]{2,12})(?:が|、)/u.exec(
    title,
  );
  const name = m?.[1];
  if (!name || COMMON.test(name) || TITLE_WORDS.test(name)) return null;
  // Kanji names run two to four characters (絶滅危惧種 is a noun).
  if (/^\p{Script=Han}+$/u.test(name) && name.length > 4) return null;
  return lead.some((l) => l.includes(name)) ? name : null;
}

const HAN = /\p{Script=Han}/u;
const HIRAGANA = /\p{Script=Hiragana}/u;
/** Characters that cannot follow a full name: more of a name (kanji, katakana, Latin, digits). */
const NAME_GOES_ON = /[\p{Script=Han}\p{Script=Katakana}ーA-Za-zＡ-Ｚａ-ｚ0-9０-９々]/u;

/**
 * The full form of a kanji surname printed as a label (山田 → 山田孝之), as the title or lead
 * prints it: the label, then a given name of one to three kanji (孝之), or of two or three kana
 * and at most one kanji (あおい, さと美), then no more name characters. Titles and honorifics
 * (田中社長, 大竹さん) are no given names. Null when the texts print no such name, or several.
 */
export function fullNameIn(label: string, texts: readonly string[]): string | null {
  if (!/^\p{Script=Han}{1,3}$/u.test(label)) return null;
  for (const text of texts) {
    const found = new Set<string>();
    const t = text.slice(0, 5000);
    for (let at = t.indexOf(label); at >= 0; at = t.indexOf(label, at + 1)) {
      if (at > 0 && HAN.test(t[at - 1] as string)) continue;
      const given = givenNameAt(t, at + label.length);
      if (!given) continue;
      const full = label + given;
      if (splitName(full).name === full && !COMMON.test(full) && !TITLE_WORDS.test(given)) found.add(full);
    }
    if (found.size === 1) return [...found][0] as string;
    if (found.size > 1) return null;
  }
  return null;
}

/** A given name starting at `from`: kanji (1–3), or kana (2–3) and at most one kanji, then a boundary. */
function givenNameAt(t: string, from: number): string | null {
  let j = from;
  while (j < t.length && j - from < 4 && HAN.test(t[j] as string)) j++;
  if (j > from) return j - from <= 3 && !NAME_GOES_ON.test(t[j] ?? ' ') ? t.slice(from, j) : null;
  while (j < t.length && j - from < 4 && HIRAGANA.test(t[j] as string)) j++;
  if (j - from < 2 || j - from > 3) return null;
  // An honorific or a particle is no given name (有香さんに, 山田のが).
  const kana = t.slice(from, j);
  if (/^(?:さん|さま|ちゃん|くん|の|が|は|に|を|と|も|へ|で|や)/.test(kana)) return null;
  if (HAN.test(t[j] ?? ' ')) j++;
  // Kana ending in a particle is no name unless a kanji closes it (重盛さと美).
  else if (/[のがはにをともへでや]$/.test(kana)) return null;
  const next = t[j] ?? ' ';
  // After a kana given name only an honorific may follow in kana (前田るみ子さん).
  const honorific = /^(?:さん|さま|ちゃん|くん)/.test(t.slice(j, j + 3));
  return NAME_GOES_ON.test(next) || (HIRAGANA.test(next) && !honorific) ? null : t.slice(from, j);
}
