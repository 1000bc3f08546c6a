/**
 * Transcripts exported by transcription and captioning tools: WebVTT (`WEBVTT`, cues with
 * `<v 山田>` voice spans or `山田：` in the text), SRT (numbered cues, `00:00:01,000 --> …`), and
 * plain text with a timestamp on each utterance (`[00:12:03] 山田：…`, `00:12:03 山田: …`, or a
 * speaker line `山田  0:03` above the text). Tools cut long utterances into several cues or
 * segments: consecutive ones of the same speaker make one turn; a cue without a label continues
 * the speaker before it. Timings are not kept (the model has no field for them). Every scan here
 * is linear: lines are looked at once, tags are stripped by a single pass.
 */
import { ParseError } from '../errors.ts';
import type { Format } from '../model.ts';
import {
  type Draft,
  type DraftTurn,
  type Furniture,
  type Line,
  type Lines,
  pushTurn,
  splitLines,
} from './draft.ts';
import { frontMatter } from './frontmatter.ts';
import { matchPrefix } from './prefixed.ts';
import { isSpace, skipSpaces, trimEndIndex } from './scan.ts';

/** One utterance as a tool exported it: who (null: the same as before) and what, where. */
interface Utterance {
  speaker: string | null;
  role?: 'interviewer' | 'interviewee';
  text: string;
  line: Line;
  end: number;
}

/** `00:00:01.000 --> 00:00:04.000` (VTT) or `00:00:01,000 --> 00:00:04,000` (SRT), cue settings after. */
const TIMING =
  /^[\s\u3000]*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}[ \t]+-->[ \t]+(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}/;

/** True for a cue timing line. */
export function isTimingLine(t: string): boolean {
  return TIMING.test(t);
}

/** True when the text starts as a WebVTT file does. */
export function isWebVtt(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '');
  return t.startsWith('WEBVTT') && (t.length === 6 || isSpace(t.charCodeAt(6)));
}

/** True when the first cue of the text is an SRT cue (an index, then a timing with a comma). */
export function isSrt(lines: Lines): boolean {
  let i = 0;
  while (i < lines.length && lines.blank(i)) i++;
  const first = lines.text(i)?.trim() ?? '';
  const timing = /^\d{1,6}$/.test(first) ? lines.text(i + 1) : first;
  return timing !== undefined && TIMING.test(timing) && timing.includes(',');
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&nbsp;': ' ',
  '&lrm;': '',
  '&rlm;': '',
  '&quot;': '"',
  '&#39;': "'",
};

/**
 * A cue line without markup: `<v 山田>`, `<c.yellow>`, `<i>`, `</v>`, `<00:00:01.000>` and SRT's
 * `{\an8}` are dropped, entities decoded. Also returns the voice of a `<v Name>` span, if any.
 */
export function stripCueMarkup(line: string): { text: string; voice: string | null } {
  let out = '';
  let voice: string | null = null;
  let i = 0;
  // Once a `{\` has no `}` after it, none further on has: not searched for again (`{\{\{\…`).
  let bracesClose = true;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '<') {
      const close = line.indexOf('>', i + 1);
      if (close < 0) {
        out += line.slice(i);
        break;
      }
      const tag = line.slice(i + 1, close);
      // <v Name>, <v.loud Name>: the speaker of what follows.
      if (voice === null && /^v[.\s]/.test(tag)) {
        const space = tag.search(/\s/);
        const name = space >= 0 ? tag.slice(space + 1).trim() : '';
        if (name) voice = name;
      }
      i = close + 1;
      continue;
    }
    if (c === '{' && line[i + 1] === '\\' && bracesClose) {
      const close = line.indexOf('}', i + 2);
      if (close >= 0) {
        i = close + 1;
        continue;
      }
      bracesClose = false;
    }
    if (c === '&') {
      // Entities are short: `;` within the next six characters, never searched for further.
      const semi = line.slice(i + 1, i + 7).indexOf(';') + i + 1;
      if (semi > i) {
        const entity = line.slice(i, semi + 1);
        const decoded = ENTITIES[entity];
        if (decoded !== undefined) {
          out += decoded;
          i = semi + 1;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return { text: out.trim(), voice };
}

/** The speaker label of a cue line (`山田：…`, `[山田] …`, `- 山田: …`), or null. */
function labelOf(
  text: string,
): { speaker: string; role?: 'interviewer' | 'interviewee'; rest: string } | null {
  const t = text.replace(/^[-–—>]+[ \t\u3000]*/, '');
  const p = matchPrefix(t, {});
  if (!p?.rest) return null;
  // Times (00:01) and URLs are no speakers.
  if (/^[\d\s:：.]+$/.test(p.speaker) || /^https?$/i.test(p.speaker)) return null;
  return p.role ? { speaker: p.speaker, role: p.role, rest: p.rest } : { speaker: p.speaker, rest: p.rest };
}

/** Reads the payload lines of one cue into utterances (a cue may hold two voices). */
function cueUtterances(payload: readonly Line[], out: Utterance[], furniture: Furniture[]): void {
  for (const line of payload) {
    // A second timing line inside a cue (a tool's glitch) is no speech.
    if (TIMING.test(line.text)) {
      furniture.push({ line, kind: 'timing' });
      continue;
    }
    const { text, voice } = stripCueMarkup(line.text);
    if (!text) continue;
    const labelled = voice === null ? labelOf(text) : null;
    const u: Utterance = {
      speaker: voice ?? labelled?.speaker ?? null,
      text: labelled?.rest ?? text,
      line,
      end: line.end,
    };
    if (labelled?.role) u.role = labelled.role;
    out.push(u);
  }
}

/** Parses WebVTT: the header's text is the title; NOTE, STYLE and REGION blocks are skipped. */
export function parseVtt(text: string, lines: Lines = splitLines(text)): Draft {
  const first = lines.text(0)?.replace(/^\uFEFF/, '') ?? '';
  if (!isWebVtt(first)) throw new ParseError(1, 'a WebVTT file starts with `WEBVTT`', 'vtt');
  const title =
    first
      .slice(6)
      .replace(/^[\s\u3000-]+/, '')
      .trim() || null;
  const utterances: Utterance[] = [];
  const furniture: Furniture[] = [];
  let i = 1;
  // The header runs to the first blank line.
  while (i < lines.length && !lines.blank(i)) i++;
  while (i < lines.length) {
    while (i < lines.length && lines.blank(i)) i++;
    const start = i;
    while (i < lines.length && !lines.blank(i)) i++;
    const block = lines.toArray(start, i);
    const head = block[0]?.text ?? '';
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(head)) {
      for (const line of block) furniture.push({ line, kind: 'note' });
      continue;
    }
    const timing = block.findIndex((l) => TIMING.test(l.text));
    // An identifier may stand before the timing; a block without a timing is no cue.
    if (timing < 0 || timing > 1) continue;
    for (const line of block.slice(0, timing + 1)) furniture.push({ line, kind: 'timing' });
    cueUtterances(block.slice(timing + 1), utterances, furniture);
  }
  return { ...draftOf('vtt', title, utterances), furniture };
}

/** Parses SRT: numbered cues, `<i>`/`<font>` markup and `{\an8}` dropped. */
export function parseSrt(text: string, lines: Lines = splitLines(text)): Draft {
  const utterances: Utterance[] = [];
  const furniture: Furniture[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines.blank(i)) i++;
    const start = i;
    while (i < lines.length && !lines.blank(i)) i++;
    const block = lines.toArray(start, i);
    const timing = block.findIndex((l) => TIMING.test(l.text));
    if (timing < 0 || timing > 1) continue;
    for (const line of block.slice(0, timing + 1)) furniture.push({ line, kind: 'timing' });
    cueUtterances(block.slice(timing + 1), utterances, furniture);
  }
  return { ...draftOf('srt', null, utterances), furniture };
}

/**
 * A timestamp at the start of a line: `[00:12:03]`, `(12:03)`, `00:12:03.5`, `【00:12:03】`.
 * Returns where the rest of the line starts, or -1.
 */
function timestampEnd(t: string): number {
  let i = skipSpaces(t);
  const open = t[i];
  const bracket = open === '[' || open === '(' || open === '（' || open === '【';
  if (bracket) i++;
  const m = /^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?/.exec(t.slice(i, i + 16));
  if (!m) return -1;
  i += m[0].length;
  if (bracket) {
    const close = t[i];
    if (close !== ']' && close !== ')' && close !== '）' && close !== '】') return -1;
    i++;
  } else if (i < t.length && !isSpace(t.charCodeAt(i))) return -1;
  return skipSpaces(t, i);
}

/** `\d`: an ASCII digit. */
function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The brackets a timestamp may stand in: `[`, `(`, `（`, `【`. */
function isTimestampBracket(c: number): boolean {
  return c === 0x5b || c === 0x28 || c === 0xff08 || c === 0x3010;
}

/** `[\d:.]`: an ASCII digit, a colon or a full stop. */
function isTimeCharacter(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x3a || c === 0x2e;
}

/** `山田  0:03` / `Speaker 1    00:01:12`: a speaker line above its text (Otter-style exports). */
function speakerLine(t: string): string | null {
  const end = trimEndIndex(t);
  let j = end;
  while (j > 0 && isTimeCharacter(t.charCodeAt(j - 1))) j--;
  if (j === end || !/^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d{1,3})?$/.test(t.slice(j, end))) return null;
  const nameEnd = trimEndIndex(t, j);
  // Two spaces or a tab between the name and the time; the name itself is short and plain.
  if (nameEnd === j || (j - nameEnd < 2 && t[nameEnd] !== '\t')) return null;
  const name = t.slice(skipSpaces(t), nameEnd);
  if (!name || name.length > 40 || /[。、！？!?「」：:]/.test(name)) return null;
  return name;
}

/** One timestamped utterance line, or a speaker line; null for other lines. */
function timestamped(
  t: string,
): { speaker: string | null; role?: 'interviewer' | 'interviewee'; rest: string } | null {
  const at = timestampEnd(t);
  if (at >= 0) {
    const rest = t.slice(at);
    const labelled = labelOf(rest);
    if (labelled) return labelled;
    return rest.trim() ? { speaker: null, rest: rest.trim() } : null;
  }
  const name = speakerLine(t);
  return name ? { speaker: name, rest: '' } : null;
}

/**
 * Counts lines that carry a timestamp and a speaker: the format detector uses this. With
 * `enough`, stops counting there.
 */
export function countTimestamped(lines: Lines, enough?: number): number {
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    // A timestamp starts with a digit or a bracket; a speaker line above its text ends with the
    // time, whose last character is a digit (`Q.` or `…:` lines end with time characters but are
    // no time). Any other line is neither, without a copy of its text.
    const first = lines.firstCode(i);
    if (!(isAsciiDigit(first) || isTimestampBracket(first) || isAsciiDigit(lines.lastCode(i)))) continue;
    const u = timestamped(lines.text(i) as string);
    if (u?.speaker) {
      n++;
      if (enough !== undefined && n >= enough) break;
    }
  }
  return n;
}

/** Parses plain text with timestamps: front matter, a title before the first timestamp. */
export function parseTimestamped(text: string, lines: Lines = splitLines(text)): Draft {
  const { meta, bodyStart } = frontMatter(lines);
  let title = meta.title ?? null;
  const utterances: Utterance[] = [];
  let current: Utterance | null = null;
  for (let i = bodyStart; i < lines.length; i++) {
    if (lines.blank(i)) continue;
    const line = lines.at(i) as Line;
    const t = line.text;
    const u = timestamped(t);
    if (u) {
      current = { speaker: u.speaker, text: u.rest, line, end: line.end };
      if (u.role) current.role = u.role;
      utterances.push(current);
      continue;
    }
    if (current) {
      // Lines without a timestamp continue the utterance above.
      current.text = current.text ? `${current.text}\n${t.trim()}` : t.trim();
      current.end = line.end;
    } else if (title === null) title = t.trim();
  }
  const draft = draftOf('timestamped', title, utterances);
  return {
    ...draft,
    url: meta.url ?? null,
    publishedAt: meta.publishedAt ?? null,
    id: meta.id ?? null,
    interviewer: meta.interviewer ? { name: meta.interviewer } : null,
    interviewees: meta.interviewee ? [{ name: meta.interviewee }] : [],
  };
}

/** Joins two pieces of one utterance: nothing between Japanese, a space between Latin words. */
function join(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  const last = a[a.length - 1] as string;
  const first = b[0] as string;
  return /[A-Za-z0-9,.!?;:]/.test(last) && /[A-Za-z0-9]/.test(first) ? `${a} ${b}` : `${a}${b}`;
}

/** Longest turn (characters) that consecutive cues of one speaker are merged into. */
const MERGE_LIMIT = 2000;

/** Merges consecutive utterances of one speaker into turns. */
function draftOf(
  format: Extract<Format, 'vtt' | 'srt' | 'timestamped'>,
  title: string | null,
  utterances: readonly Utterance[],
): Draft {
  const turns: DraftTurn[] = [];
  let open: (DraftTurn & { role?: 'interviewer' | 'interviewee' }) | null = null;
  let speaker: string | null = null;
  for (const u of utterances) {
    const who: string | null = u.speaker ?? speaker;
    if (who === null) continue;
    if (u.speaker === null && !u.text) continue;
    // A speaker's cues join into one turn, up to a quote's length: a monologue becomes several.
    if (open && who === speaker && open.text.length + u.text.length <= MERGE_LIMIT) {
      if (u.text) open.text = join(open.text, u.text);
      open.end = u.end;
      continue;
    }
    if (open?.text) pushTurn(turns, open, format);
    speaker = who;
    open = { speaker: who, text: u.text, start: u.line.start, end: u.end, line: u.line.no, section: null };
    if (u.role) open.role = u.role;
  }
  if (open?.text) pushTurn(turns, open, format);
  if (turns.length === 0)
    throw new ParseError(
      1,
      format === 'timestamped'
        ? 'no timestamped lines with a speaker (`[00:12:03] 名前：…` or `名前  0:03`) found'
        : 'no cues with a speaker label (`<v 名前>` or `名前：` in the cue text) found',
      format,
    );
  return { format, title, sections: [], turns };
}
