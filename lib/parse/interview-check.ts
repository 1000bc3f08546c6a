/**
 * Whether a page the label layouts (prefixed, blog) read is an interview at all. News pages print
 * `label：value` rows and labelled boxes that look like speakers' lines: a product list under one
 * label (`品番：…`, `受賞者：…`), a comparison under two (`左：…`/`右：…`, `○：…`/`×：…`,
 * `採点：…`/`評価：…`), boxes headed by ruled lines (`┏━━`). Turned into an interview, their labels
 * become people. What an interview has and they lack: someone who asks, or at least two speakers
 * whose lines read as people talking. A page without either is refused the way a page with no
 * layout is (a ParseError: the API answers 422 `parse_error`), so no label becomes a person.
 */
import { ParseError } from '../errors.ts';
import { type DraftTurn, isInterviewerLabel, stripHonorific } from './draft.ts';
import { readsAsSpeech, readsAsTalk, unquoted } from './speech.ts';

/**
 * A turn that reads as someone talking: spoken endings, chat, the first person, a question or an
 * exclamation, or a short line that ends in kana (`うん`, `そうだね`, `まじか`: casual talk ends in
 * a particle or a verb). A list's rows end in a noun, a price, a count or a bracket (`…円`, `（38歳）`).
 */
function readsAsSpoken(text: string): boolean {
  if (readsAsSpeech(text) || readsAsTalk(text) || /[？?！!]/.test(text)) return true;
  const end = text.trim().replace(/[。．.、，,…〜～ー\s]+$/u, '');
  // Short replies only: a long line ending in a verb is as often a description (`…住んでいる。`).
  return end.length <= 20 && /\p{Script=Hiragana}$/u.test(end);
}

/**
 * A turn that talks the way only talk does: chat endings, the first person, laughter, a question or
 * an exclamation, or a short line ending in kana. Polite `…です。`/`…ます。` alone is not enough: the
 * writer of a product page, a synopsis or a notice writes so too (`…となっています。`).
 */
function readsAsChat(text: string): boolean {
  const own = unquoted(text);
  if (readsAsTalk(text) || /[？?！!]/.test(own) || OWN_VOICE.test(own)) return true;
  // A short casual line (`いいね`, `行こうよ`); a short polite one (`…となっています`) is the writer's.
  const end = text.trim().replace(/[。．.、，,…〜～ー\s]+$/u, '');
  return end.length <= 20 && /\p{Script=Hiragana}$/u.test(end) && !/(?:です|ます|ました|でした)$/.test(end);
}

/** The speaker's own voice outside polite endings: the first person, laughter, `んです`, `けど`, `かな`, `ね`/`よ`. */
const OWN_VOICE =
  /私|僕|俺|自分|わたし|ボク|オレ|弊社|（笑）|\(笑\)|んです|んだ|けど|かな[。、]|(?:です|ます|した|だ)[ねよ]/;

/**
 * A label that no person is called by: a price or a figure with its unit (`3,990円/発売元`). Such a
 * label heads a data row; it is left out when the page's labels are weighed as speakers.
 */
function isPriceLabel(label: string): boolean {
  return /\d[\d,.]*円/.test(label);
}

/**
 * A turn whose first line is a bare value: short (20 characters or fewer), no sentence end
 * (`。？！`), not read as talk (`うん`, `そうだね` end in kana and are talk).
 */
function isValue(text: string): boolean {
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).trim();
  return first.length > 0 && first.length <= 20 && !/[。．？?！!]/.test(first) && !readsAsSpoken(first);
}

/** A label with no letter of any script (`┏━━━`, `===`, `ーーー`): a ruled line, never a name. */
function hasLetter(label: string): boolean {
  return /[\p{L}\p{N}]/u.test(label.replace(/ー/g, ''));
}

/**
 * A sentence of prose (20 characters or more, with a `。`) on a line no turn holds: the lead or the
 * body of a web page around its rows. A bare transcript (labelled lines and little else) has none.
 * One pass over the lines; turns are in text order.
 */
function hasProseOutside(turns: readonly DraftTurn[], text: string): boolean {
  let k = 0;
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    while (k < turns.length && (turns[k] as DraftTurn).end <= start) k++;
    const inTurn = k < turns.length && (turns[k] as DraftTurn).start < end;
    const line = text.slice(start, end).trim();
    if (!inTurn && line.length >= 20 && line.includes('。')) return true;
    start = end + 1;
  }
  return false;
}

/** A sentence of prose (20 characters or more, with a `。`) on any line. One pass over the lines. */
function hasProse(text: string): boolean {
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start >= 20 && text.slice(start, end).includes('。')) return true;
    start = end + 1;
  }
  return false;
}

/**
 * An honorific or title a page names a person with, right after the label or after the rest of a
 * name in kanji or katakana (`山本` in `山本花子さん`; kana of a sentence, `受賞者の皆さん`, is none).
 */
const NAMED =
  /^[\p{Script=Han}\p{Script=Katakana}・]{0,6}?(?:さん|氏|さま|様|先生|選手|監督|君|くん|ちゃん)/u;

/** The label carries an honorific, or the page names it with one (`浅井友衣さん`): a person. */
function namedOnPage(label: string, text: string): boolean {
  const name = stripHonorific(label);
  if (name !== label.trim()) return true;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1))
    if (NAMED.test(text.slice(at + name.length, at + name.length + 12))) return true;
  return false;
}

/**
 * Why the turns are no interview, or null when they may be one. `text`: the page (where a lone
 * label may be named as a person). `declared`: front matter named the
 * interviewer or interviewee (the writer says it is an interview: never second-guessed). A turn
 * asks when its parser marked it so (`Q.`, `聞き手：`, `MC・…`, `——…？`) or its label means the
 * interviewer.
 */
export function notAnInterview(turns: readonly DraftTurn[], text: string, declared: boolean): string | null {
  if (declared || turns.length === 0) return null;
  const asks = (t: DraftTurn) => t.role === 'interviewer' || isInterviewerLabel(t.speaker);
  if (turns.some(asks)) return null;

  const all = new Set(turns.map((t) => t.speaker.trim()));
  if (![...all].some(hasLetter))
    return 'every label is a ruled line or symbols (`┏━━`, `===`), no name: page boxes, not an interview';
  // One label and nobody asking: a list or a box under a heading word (`品番：`, `受賞者：`). One
  // person the page names (`村上さん：`, `浅井友衣：` in a page that calls her 浅井友衣さん) is
  // someone speaking: an interview printed as answers only, or a person's remarks.
  // Prices and figures (`3,990円/発売元：`) are data, never speakers: weigh the other labels.
  const named = [...all].filter((l) => !isPriceLabel(l));
  const labels = new Set(named.length > 0 ? named : all);
  const [only] = labels;
  // One label the page names nobody with, whose every line starts with a bare value (`ダウンロード：
  // iPhone版`, `品番：AB-100`): no sentence, nothing said. Refused on a page that has prose
  // somewhere, even glued into the rows (no line outside them): a row's value is no one's words,
  // the prose is the writer's. A bare transcript of short words (`山田：kw001`, no sentence on the
  // page at all) stays the writer's own.
  if (
    labels.size < 2 &&
    only !== undefined &&
    turns.every((t) => isValue(t.text)) &&
    hasProse(text) &&
    !namedOnPage(only, text)
  )
    return `one label (\`${only}：\`) over bare values and nobody asking: a list, not an interview`;
  // A bare transcript (`山田：…` lines, no page around them) is the writer's own: its labels are the
  // speakers they typed, however they talk. List pages have a lead in prose around their rows.
  if (!hasProseOutside(turns, text)) return null;
  if (labels.size < 2 && only !== undefined && !namedOnPage(only, text))
    return `one label (\`${[...labels][0]}：\`) and nobody asking: a list or quoted remarks, not an interview`;
  // Two or more labels where most lines read as no one talking (`右：…円`, `○：ボビー・オロゴン`,
  // `採点：90点`): a comparison or a list. Real talks between two or more people read as talk in
  // more than half of their lines (the lowest in the corpora: 5 of 9, a football talk).
  const spoken = turns.filter((t) => readsAsSpoken(t.text)).length;
  if (spoken * 2 < turns.length)
    return `${turns.length - spoken} of ${turns.length} lines under labels (${[...labels].slice(0, 3).join('、')}) read as nobody talking and nobody asks: a list or a comparison, not an interview`;
  // Polite prose (`…となっています。`) reads as speech above, but the writer of a spec list, a
  // synopsis or a notice writes so too. When no label is a person the page names (`浅井さん`,
  // `野村` of 野村克也氏), the lines must chat to count: the first person, `ね`/`よ`, laughter, a
  // question. Named people speaking politely (a shop assistant's remarks) keep the count above.
  if (![...labels].some((l) => namedOnPage(l, text))) {
    // Every label quoted in the writer's prose as a word (`「原文」「プロの訳」「違訳」と並べてみた`): the
    // columns of a comparison the page sets side by side, not people talking, however the rows chat.
    if ([...labels].every((l) => text.includes(`「${l.trim()}」`)))
      return `every label (${[...labels].slice(0, 3).join('、')}) is a word the page quotes (\`「${[...labels][0]?.trim()}」\`) and nobody is named or asks: the columns of a comparison, not speakers`;
    const chat = turns.filter((t) => readsAsChat(t.text)).length;
    if (chat * 2 < turns.length)
      return `${turns.length - chat} of ${turns.length} lines under labels nobody on the page is named by (${[...labels].slice(0, 3).join('、')}) read as the writer's polite prose and nobody asks: a list, not an interview`;
  }
  return null;
}

/** Throws the ParseError of {@link notAnInterview} (naming the first turn's line) when there is one. */
export function assertInterview(
  turns: readonly DraftTurn[],
  text: string,
  declared: boolean,
  format: string,
): void {
  const why = notAnInterview(turns, text, declared);
  if (why !== null) throw new ParseError(turns[0]?.line ?? 1, `not an interview: ${why}`, format);
}
