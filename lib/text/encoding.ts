/**
 * The text of a transcript's bytes. UTF-8 unless told otherwise: a UTF-16 file is known by its
 * byte-order mark, any other encoding must be named (`charset`). Bytes that are not valid in the
 * encoding are refused, never replaced: a Shift_JIS transcript (the usual Windows 文字起こし) read
 * as UTF-8 became U+FFFD for every Japanese character and was stored so, speakers and all.
 */
import { KikigakiError } from '../errors.ts';

/** Encodings a Japanese transcript not in UTF-8 is most likely in, tried to name a refused one. */
const LIKELY = ['shift_jis', 'euc-jp', 'iso-2022-jp'] as const;

const ESC = String.fromCharCode(0x1b);

/** Bytes that are not text in the encoding they were said or taken to be in. */
export class EncodingError extends KikigakiError {
  /** The encoding the bytes decode in without error, when one of the likely ones does. */
  readonly guess: string | null;
  constructor(message: string, details: { charset: string | null; guess: string | null }) {
    super('unsupported_media_type', message, details);
    this.guess = details.guess;
  }
}

/** Decodes `bytes` in `encoding`, or null when they are not valid in it. */
function strict(bytes: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** How much of a text is Japanese script (kana and kanji): the measure a right guess maximises. */
function japanese(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff)) n++;
  }
  return n;
}

/** The likely encoding bytes that are not UTF-8 are in (the one reading most as Japanese), or null. */
export function guessEncoding(bytes: Uint8Array): string | null {
  let best: { encoding: string; score: number } | null = null;
  for (const encoding of LIKELY) {
    const text = strict(bytes, encoding);
    if (text === null) continue;
    const score = japanese(text);
    if (score > 0 && (!best || score > best.score)) best = { encoding, score };
  }
  return best?.encoding ?? null;
}

/**
 * The text of `bytes`: in `charset` when one is named (any label the WHATWG Encoding standard
 * knows: utf-8, shift_jis, euc-jp, iso-2022-jp, utf-16le, …), else UTF-16 when the bytes start
 * with its byte-order mark, else UTF-8 (a BOM dropped). Throws EncodingError for an unknown
 * charset or bytes not valid in the encoding, naming the likely one; `what` names the bytes in
 * its message (a JSON tag edit is no transcript).
 */
export function decodeText(bytes: Uint8Array, charset?: string | null, what = 'the transcript'): string {
  const named =
    charset
      ?.trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase() || null;
  if (named) {
    let encoding: string;
    try {
      encoding = new TextDecoder(named).encoding;
    } catch {
      throw new EncodingError(
        `unknown charset '${named}': name one such as utf-8, shift_jis or euc-jp, or send UTF-8`,
        { charset: named, guess: null },
      );
    }
    const text = strict(bytes, encoding);
    if (text !== null) return text;
    const guess = encoding === 'utf-8' ? guessEncoding(bytes) : null;
    throw new EncodingError(
      `${what} is not valid ${encoding} text${guess ? ` (it reads as ${guess})` : ''}`,
      { charset: named, guess },
    );
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeNamed(bytes, 'utf-16le', what);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeNamed(bytes, 'utf-16be', what);
  const text = strict(bytes, 'utf-8');
  // ISO-2022-JP is 7-bit, so valid UTF-8: known by its escape to JIS X 0208 (ESC $ B or ESC $ @).
  if (text !== null)
    return text.includes(`${ESC}$B`) || text.includes(`${ESC}$@`)
      ? decodeNamed(bytes, 'iso-2022-jp', what)
      : text;
  const guess = guessEncoding(bytes);
  throw new EncodingError(
    `${what} is not UTF-8 text${guess ? ` (it reads as ${guess})` : ''}: save it as UTF-8${
      guess ? ` (iconv -f ${guess} -t utf-8)` : ''
    }`,
    { charset: null, guess },
  );
}

function decodeNamed(bytes: Uint8Array, encoding: string, what: string): string {
  const text = strict(bytes, encoding);
  if (text !== null) return text;
  throw new EncodingError(`${what} starts with a ${encoding} byte-order mark but is not valid ${encoding}`, {
    charset: null,
    guess: null,
  });
}
