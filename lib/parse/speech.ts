/**
 * Whether a paragraph reads as someone talking or as the writer: the first person, laughter and
 * the spoken endings of polite talk against the writer turning to the reader or reporting
 * (hearsay). Quoted words (「…」) are left aside: narration quotes speech. Used by the parsers to
 * tell an answer's later paragraph from the writer's narration (dash.ts, prefixed.ts).
 */

/** Words of someone talking: the first person, laughter, the spoken endings of polite talk. */
const SPEECH =
  /私|僕|俺|自分|わたし|ボク|オレ|弊社|（笑）|\(笑\)|んです|けど|(?:です|ます|でしょう)[ねよ]|(?:です|ます|でしょう|ました)。|かな[。、]/;
/**
 * Sentence ends only talk has (`…ですよね。`, `…いいですね！`, laughter): the writer's closing lines
 * are polite (`…予定です。`) but do not chat.
 */
const TALK = /(?:です|ます|でした|ました|でしょう|だ)(?:ね|よ|よね)[。！!]|よね[。！!]|（笑）|\(笑\)/;

/** A paragraph that reads as someone chatting (quoted words aside), not the writer addressing readers. */
export function readsAsTalk(t: string): boolean {
  const own = unquoted(t);
  return TALK.test(own) && !READER_ADDRESS.test(own);
}

/** The writer turning to the reader: `…してみましょう。`, `…いかがですか？`. */
const READER_ADDRESS = /ましょう[。！!]|いかが/;

/** Hearsay and the writer's plain guesses: `…だそうです。`, `…ようです。`, `…とのこと。`, `…だろう`. */
const HEARSAY = /(?:そう|よう)(?:です|だ)|とのこと|だろう/;

/**
 * A speaker's polite advice to whoever reads (`…実践してみてはいかがでしょうか。`, `…してください。`):
 * speech that turns to the reader, with no hearsay (the writer's close reports: `…だそうです。`).
 */
export function advises(t: string): boolean {
  const own = unquoted(t);
  return SPEECH.test(own) && (READER_ADDRESS.test(own) || /ください[。！!]/.test(own)) && !HEARSAY.test(own);
}

/** A paragraph that reads as speech (quoted words in it aside: narration quotes speech). */
export function readsAsSpeech(t: string): boolean {
  const own = unquoted(t);
  return SPEECH.test(own) && !READER_ADDRESS.test(own);
}

/** The text outside 「…」 (an unclosed 「 quotes nothing). A scan: each character is read once. */
export function unquoted(t: string): string {
  let out = '';
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('「', i);
    const close = open < 0 ? -1 : t.indexOf('」', open + 1);
    if (close < 0) return out + t.slice(i);
    out += t.slice(i, open);
    i = close + 1;
  }
  return out;
}

/** The speaker's own voice: the first person, or talk's chatty endings and laughter. */
const FIRST_PERSON = /私|僕|俺|自分|わたし|ボク|オレ|弊社|我々|うち(?:の|は|で)/;

/**
 * After the last answer, a paragraph goes on with it only in the speaker's own voice: chatty talk
 * (`…ですよね。`, `（笑）`) or the first person with spoken endings. The writer's polite close
 * (`…盛り上がりました。`, `皆さんも、是非…`) has neither, or writes of itself as 筆者.
 */
export function readsAsOwnWords(t: string): boolean {
  const own = unquoted(t);
  if (/筆者|皆さん|みなさん/.test(own)) return false;
  return readsAsTalk(t) || (readsAsSpeech(t) && FIRST_PERSON.test(own) && !HEARSAY.test(own));
}
