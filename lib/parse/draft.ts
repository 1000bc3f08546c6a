/**
 * What every format parser produces (a draft), and the one place that turns a draft into a
 * validated canonical {@link Interview}: people, roles, ids, questions, series.
 */
import { ParseError, ValidationError } from '../errors.ts';
import { digest, interviewIdFrom, isSafeId, personId, quoteId } from '../ids.ts';
import {
  type Format,
  type Interview,
  InterviewSchema,
  MAX_TURN_CHARS,
  MAX_TURNS,
  type Person,
  type Related,
  type Role,
  type Series,
} from '../model.ts';
import {
  isRoleLabel,
  isStaffLabel,
  NameResolver,
  type ResolvedName,
  roleOfLabel,
  splitJoint,
} from './people.ts';
import { questionLinks } from './questions.ts';
import { hasAny, isSpace, skipSpaces } from './scan.ts';

/** A line of the source with its offsets; `no` is 1-based. */
export interface Line {
  readonly no: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A turn as a parser saw it, before ids and roles are settled. */
export interface DraftTurn {
  speaker: string;
  role?: Role;
  text: string;
  start: number;
  end: number;
  line: number;
  section: string | null;
}

/** A paragraph of the writer's: its text, where it is, and how many turns come before it. */
export interface DraftNarration {
  text: string;
  start: number;
  end: number;
  /** Turns before it (0: before the first turn). */
  after: number;
}

/** Facts about a person that a parser found in the text. */
export interface DraftPerson {
  name: string;
  handle?: string | null;
  location?: string | null;
  occupation?: string | null;
  aliases?: string[];
}

/** Kinds of page furniture a parser recognised in a line: never quote text. */
export type FurnitureKind =
  | 'heading'
  | 'caption'
  | 'credit'
  | 'note'
  | 'promo'
  | 'info'
  | 'roster'
  | 'chrome'
  | 'timing';

/** A line of the source a parser classified as furniture. */
export interface Furniture {
  line: Line;
  kind: FurnitureKind;
}

/** A parser's output. */
export interface Draft {
  format: Exclude<Format, 'auto'>;
  title?: string | null;
  url?: string | null;
  publishedAt?: string | null;
  id?: string | null;
  interviewer?: DraftPerson | null;
  interviewees?: DraftPerson[];
  /** The interviewee's name as the article states it, for answers under a generic label. */
  intervieweeHint?: string | null;
  /** Full names the article prints (title, lead) that short labels stand for: 山田孝之 for 山田. */
  names?: string[];
  /** Alias → full name, e.g. 小林 → 小林由紀 from 「小林由紀（以下、小林）」. */
  aliases?: Map<string, string>;
  /**
   * A talk session: several named speakers talk with each other and with a moderator. Nobody is
   * made the interviewer for asking the most questions; each turn still answers the moderator's
   * (or the writer's) last question, as in any interview (lib/parse/questions.ts).
   */
  talk?: boolean;
  sections: string[];
  /** Captions and profile-box lines found between the turns. */
  captions?: string[];
  /** Every line the parser classified as furniture (reported, never stored). */
  furniture?: Furniture[];
  /** The writer's paragraphs between the turns (lib/parse/narration.ts). */
  narration?: DraftNarration[];
  related?: Related[];
  turns: DraftTurn[];
}

/**
 * Appends a turn, failing as soon as the canonical model's limits are passed (more than
 * {@link MAX_TURNS} turns, a turn longer than {@link MAX_TURN_CHARS}): a transcript of a million
 * one-line turns is rejected at the turn past the limit, not after building and digesting them all.
 */
export function pushTurn(turns: DraftTurn[], turn: DraftTurn, format: Draft['format']): void {
  if (turns.length >= MAX_TURNS)
    throw new ParseError(turn.line, `more than ${MAX_TURNS} turns; split the transcript`, format);
  if (turn.text.length > MAX_TURN_CHARS)
    throw new ParseError(
      turn.line,
      `a turn of ${turn.text.length} characters; the limit is ${MAX_TURN_CHARS}`,
      format,
    );
  turns.push(turn);
}

/** Most different speaker labels in one transcript (the model allows 101 people). */
const MAX_SPEAKER_LABELS = 300;

/** Caller overrides applied when finalising. */
export interface FinalizeOptions {
  id?: string | undefined;
  title?: string | undefined;
  url?: string | undefined;
}

/**
 * The lines of a text: each line's text, offsets and number, held in arrays instead of one object
 * per line. A body of hundreds of thousands of short lines made a million small objects that all
 * lived to the end of the parse, and copying them between the heap's generations cost more than
 * the parse itself (bench:hostile); a {@link Line} is built when a parser asks for one.
 */
export class Lines implements Iterable<Line> {
  readonly length: number;

  private constructor(
    private readonly source: string,
    private readonly base: number,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly blanks: Uint8Array,
    private readonly firsts: Int32Array,
    private readonly lasts: Int32Array,
    private readonly firstNo: number,
    private readonly from: number,
    length: number,
  ) {
    this.length = length;
  }

  /** Splits text into lines with offsets (any newline convention: `\n`, `\r\n`, `\r`). */
  static of(text: string, base = 0, firstNo = 1): Lines {
    const crs = text.includes('\r');
    let n = 1;
    if (crs) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
      }
    } else {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    }
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const blanks = new Uint8Array(n);
    const firsts = new Int32Array(n);
    const lasts = new Int32Array(n);
    let k = 0;
    let pos = 0;
    const add = (end: number) => {
      starts[k] = pos;
      ends[k] = end;
      let j = pos;
      while (j < end && isSpace(text.charCodeAt(j))) j++;
      blanks[k] = j === end ? 1 : 0;
      firsts[k] = j;
      let e = end;
      while (e > j && isSpace(text.charCodeAt(e - 1))) e--;
      lasts[k] = e;
      k++;
    };
    if (crs) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        add(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        pos = i + 1;
      }
    } else {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', pos)) {
        add(i);
        pos = i + 1;
      }
    }
    add(text.length);
    return new Lines(text, base, starts, ends, blanks, firsts, lasts, firstNo, 0, n);
  }

  /** Line `i` (built on each call), or undefined past either end. */
  at(i: number): Line | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const j = this.from + i;
    const start = this.starts[j] as number;
    const end = this.ends[j] as number;
    return {
      no: this.firstNo + j,
      text: this.source.slice(start, end),
      start: this.base + start,
      end: this.base + end,
    };
  }

  /** Where line `i` starts in the source (as {@link at}'s `start`), without building the line. */
  startOf(i: number): number {
    return this.base + (this.starts[this.from + i] as number);
  }

  /** Where line `i` ends in the source (as {@link at}'s `end`). */
  endOf(i: number): number {
    return this.base + (this.ends[this.from + i] as number);
  }

  /** The text of line `i`, or undefined past either end. */
  text(i: number): string | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const j = this.from + i;
    return this.source.slice(this.starts[j], this.ends[j]);
  }

  /** True for a line with nothing but white space, and past either end (as {@link isBlank}). */
  blank(i: number): boolean {
    return !(i >= 0 && i < this.length) || this.blanks[this.from + i] === 1;
  }

  /*
   * A line's first and last characters and its length without the white space around it, read
   * in place: the format detector's counters and the parsers' cheap first looks decide most lines
   * with these, without a copy of each line's text.
   */

  /** The code of line `i`'s first character that is no white space (-1: blank or past either end). */
  firstCode(i: number): number {
    if (!(i >= 0 && i < this.length) || this.blanks[this.from + i] === 1) return -1;
    return this.source.charCodeAt(this.firsts[this.from + i] as number);
  }

  /** The code of line `i`'s last character that is no white space (-1: blank or past either end). */
  lastCode(i: number): number {
    if (!(i >= 0 && i < this.length) || this.blanks[this.from + i] === 1) return -1;
    return this.source.charCodeAt((this.lasts[this.from + i] as number) - 1);
  }

  /** The length of line `i` without white space at either end (`text(i).trim().length`; 0 past either end). */
  trimmedLength(i: number): number {
    if (!(i >= 0 && i < this.length)) return 0;
    return (this.lasts[this.from + i] as number) - (this.firsts[this.from + i] as number);
  }

  /** The code of line `i`'s `k`-th character (NaN past the line's end or past either end of the text). */
  code(i: number, k: number): number {
    if (!(i >= 0 && i < this.length) || k < 0) return Number.NaN;
    const j = this.from + i;
    const at = (this.starts[j] as number) + k;
    return at < (this.ends[j] as number) ? this.source.charCodeAt(at) : Number.NaN;
  }

  /** The length of line `i` (0 past either end). */
  lengthOf(i: number): number {
    if (!(i >= 0 && i < this.length)) return 0;
    return (this.ends[this.from + i] as number) - (this.starts[this.from + i] as number);
  }

  /** Lines `from` to `to` (exclusive), sharing these arrays; numbers and offsets are kept. */
  slice(from = 0, to = this.length): Lines {
    const a = Math.min(Math.max(from < 0 ? this.length + from : from, 0), this.length);
    const b = Math.min(Math.max(to < 0 ? this.length + to : to, a), this.length);
    return new Lines(
      this.source,
      this.base,
      this.starts,
      this.ends,
      this.blanks,
      this.firsts,
      this.lasts,
      this.firstNo,
      this.from + a,
      b - a,
    );
  }

  /** Lines `from` to `to` as objects (a subtitle cue's block). */
  toArray(from = 0, to = this.length): Line[] {
    const out: Line[] = [];
    for (let i = Math.max(from, 0); i < Math.min(to, this.length); i++) out.push(this.at(i) as Line);
    return out;
  }

  *[Symbol.iterator](): Iterator<Line> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as Line;
  }
}

/**
 * Calls `step` for each line index in [from, to) and returns `to`. A loop of its own: the
 * optimising compiler replaces a long-running loop while it runs (on-stack replacement) by
 * compiling the function that holds it, and this one is small, where the parser is not.
 */
export function eachLine(from: number, to: number, step: (i: number) => void): number {
  let i = from;
  for (; i < to; i++) step(i);
  return i;
}

/** Splits text into lines with offsets (any newline convention: `\n`, `\r\n`, `\r`). */
export function splitLines(text: string, base = 0, firstNo = 1): Lines {
  return Lines.of(text, base, firstNo);
}

/** True for a line with nothing but white space (incl. full-width space). */
export function isBlank(line: Line | undefined): boolean {
  return !line || line.text.trim() === '';
}

const INTERVIEWER_NAMES =
  /^(聞き手|ききて|インタビュアー?|編集部|編集|司会|記者|ライター|取材班|q|interviewer|operator|オペレーター?|mc|ｍｃ)(?:[_\s]?\d+)?$/i;
const OTHER_NAMES = /^(全員|一同|みんな|all|everyone|ナレーション|narrator)$/i;
const HONORIFIC = /(さん|サン|さま|様|氏|ちゃん|くん)$/;

/**
 * Name without a trailing honorific (かぉサン → かぉ). A single letter keeps it: `Aさん` is a
 * pseudonym, and a bare `A` would read as the answer label.
 */
export function stripHonorific(name: string): string {
  const n = name.trim();
  const stripped = n.replace(HONORIFIC, '');
  return stripped.length > 0 && !/^[A-Za-zＡ-Ｚａ-ｚ]$/.test(stripped) ? stripped : n;
}

/** True for speaker labels that mean "the interviewer" in any interview. */
export function isInterviewerLabel(name: string): boolean {
  return INTERVIEWER_NAMES.test(name.trim());
}

/** True for labels such as 全員 that are nobody in particular, and staff (マネージャー, 通訳). */
export function isOtherLabel(name: string): boolean {
  return OTHER_NAMES.test(name.trim()) || isStaffLabel(name);
}

/** ISO 8601 with a colon in the offset; a bare date is taken as midnight JST. */
export function normalizeDate(s: string | null | undefined): string | null {
  if (!s) return null;
  const t = s.trim();
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(t);
  if (m) return `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}T00:00:00+09:00`;
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(t);
  if (m) return `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}T00:00:00+09:00`;
  m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    const time = m[2]?.length === 5 ? `${m[2]}:00` : m[2];
    const off = m[3] ? (m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')) : '+09:00';
    return `${m[1]}T${time}${off}`;
  }
  return null;
}

/**
 * `前編` / `中編` / `後編` with the spaces and one bracket around them. Found by a scan from the
 * word, not by `/[(（]?\s*前編\s*[)）]?/`, which tries `\s*` from every space of a long run.
 */
function partWord(title: string, word: string): { index: number; length: number } | null {
  const at = title.indexOf(word);
  if (at < 0) return null;
  let start = at;
  while (start > 0 && isSpace(title.charCodeAt(start - 1))) start--;
  if (start > 0 && (title[start - 1] === '(' || title[start - 1] === '（')) start--;
  let end = skipSpaces(title, at + word.length);
  if (title[end] === ')' || title[end] === '）') end++;
  return { index: start, length: end - start };
}

const PART_WORDS: Array<[string, number]> = [
  ['前編', 1],
  ['中編', 2],
  ['後編', 2],
];
// Each of these can only start at one literal character (第, a bracket, `part`) and its
// quantifiers run over disjoint classes, so they are linear.
const PART_MARKERS: Array<[RegExp, (m: RegExpExecArray) => number]> = [
  [/第\s*(\d+)\s*回/, (m) => Number(m[1])],
  [/[(（]\s*(\d+)\s*\/\s*\d+\s*[)）]/, (m) => Number(m[1])],
  [/\bpart\s*(\d+)\b/i, (m) => Number(m[1])],
  [/[(（]\s*(\d+)\s*[)）]\s*$/, (m) => Number(m[1])],
];
/** Every marker above has one of these (編 of the words, 第, a bracket, the p of `part`). */
const SERIES_CHARACTERS = '編第(（pP';
/** Longest title (characters) looked at for a series marker; longer lines are no titles. */
const MAX_TITLE = 300;

/** Series title and part number from a title such as `…さん(後編)`; null when it is no series. */
export function seriesFromTitle(title: string): { title: string; part: number } | null {
  if (title.length > MAX_TITLE || !hasAny(title, SERIES_CHARACTERS)) return null;
  const candidates: Array<() => { index: number; length: number; part: number } | null> = [
    ...PART_WORDS.map(([word, part]) => () => {
      const m = partWord(title, word);
      return m ? { ...m, part } : null;
    }),
    ...PART_MARKERS.map(([re, part]) => () => {
      const m = re.exec(title);
      return m ? { index: m.index, length: m[0].length, part: part(m) } : null;
    }),
  ];
  for (const find of candidates) {
    const m = find();
    if (m) {
      const stem = (title.slice(0, m.index) + title.slice(m.index + m.length)).trim();
      if (stem && m.part >= 1 && m.part <= 100) return { title: stem, part: m.part };
    }
  }
  return null;
}

/** Turns a parser's draft into a validated interview (ids, roles, people, questions, series). */
export function finalize(draft: Draft, options: FinalizeOptions = {}): Interview {
  if (draft.turns.length === 0) {
    throw new ParseError(1, 'no speaker turns found', draft.format);
  }
  const aliases = draft.aliases ?? new Map<string, string>();
  const labelOf = (printed: string): string => aliases.get(printed.trim()) ?? printed.trim();
  const canonical = (label: string): string => stripHonorific(labelOf(label));
  const interviewerName = draft.interviewer ? canonical(draft.interviewer.name) : null;

  // Without any declared or conventional interviewer, the speaker who asks the most questions is it.
  let asker: string | null = null;
  const declaredInterviewer =
    interviewerName !== null ||
    draft.turns.some(
      (t) =>
        t.role === 'interviewer' || isInterviewerLabel(canonical(t.speaker)) || isInterviewerLabel(t.speaker),
    );
  if (!declaredInterviewer && !draft.talk) {
    const questions = new Map<string, number>();
    for (const t of draft.turns) {
      if (/[?？]\s*$/.test(t.text))
        questions.set(canonical(t.speaker), (questions.get(canonical(t.speaker)) ?? 0) + 1);
    }
    // The one who asks clearly most — twice at least, or in a quarter of their turns — and more
    // than anyone else: in a round table whose members ask each other once (`行ってみる？`) nobody
    // is the interviewer.
    const [top, next] = [...questions].sort((a, b) => b[1] - a[1]);
    const turnsOf = top ? draft.turns.filter((t) => canonical(t.speaker) === top[0]).length : 0;
    if (top && top[1] > (next?.[1] ?? 0) && (top[1] >= 2 || top[1] * 4 >= turnsOf)) asker = top[0];
  }
  const roleOf = (turn: DraftTurn, name: string): Role => {
    if (turn.role) return turn.role;
    if (interviewerName && name === interviewerName) return 'interviewer';
    if (asker && name === asker) return 'interviewer';
    if (isInterviewerLabel(name) || isInterviewerLabel(turn.speaker)) return 'interviewer';
    if (isOtherLabel(name)) return 'other';
    return 'interviewee';
  };

  // An interview holds at most 50 interviewees and 50 others: past a few hundred different labels
  // it can only fail, so it fails here, before names are compared with each other.
  const labels = new Set<string>();
  for (const t of draft.turns) {
    labels.add(t.speaker);
    if (labels.size > MAX_SPEAKER_LABELS)
      throw new ParseError(t.line, `more than ${MAX_SPEAKER_LABELS} different speakers`, draft.format);
  }

  // People: role labels are nobody; names are unified within the interview (short and full
  // forms, spelling variants, honorifics and titles split off); "AとB" is two people. A generic
  // answerer label takes the name the article states for the interviewee.
  const resolver = new NameResolver();
  const hint = draft.intervieweeHint && !isRoleLabel(draft.intervieweeHint) ? draft.intervieweeHint : null;
  for (const p of draft.interviewees ?? [])
    if (!isRoleLabel(labelOf(p.name)))
      for (const n of splitJoint(labelOf(p.name))) resolver.resolve(labelOf(n));
  if (hint) resolver.resolve(hint);
  for (const n of draft.names ?? []) if (!isRoleLabel(n)) resolver.resolve(n);
  /** Whether a speaker's name is the interviewer's (declared, the asker, or a role word for it). */
  const asksHere = (name: string): boolean =>
    (interviewerName !== null && name === interviewerName) ||
    (asker !== null && name === asker) ||
    isInterviewerLabel(name);
  const peopleOf = (label: string, role: Role): ResolvedName[] => {
    const printed = labelOf(label);
    if (isRoleLabel(printed) || isRoleLabel(stripHonorific(printed))) {
      return role === 'interviewee' && hint && roleOfLabel(printed) !== 'other'
        ? [resolver.resolve(hint)]
        : [];
    }
    const names = splitJoint(printed);
    if (names.length === 1) return [resolver.resolve(labelOf(printed))];
    // A joint label (`聞き手、山田：`, `田中、山田：` where 田中 asks): a role word in it is nobody,
    // and the one who asks is named after those who answer, so the answer is the answerers' (its
    // speaker) with the interviewer joining in (a co-speaker), never the interviewer's.
    const members = names.filter((n) => !isRoleLabel(labelOf(n)) && !isRoleLabel(stripHonorific(labelOf(n))));
    const answering = members.filter((n) => !asksHere(canonical(n)));
    const asking = members.filter((n) => asksHere(canonical(n)));
    return [...answering, ...asking].map((n) => resolver.resolve(labelOf(n)));
  };
  /** The role of a turn: a joint label everyone of whom asks (`聞き手A、聞き手B：`) asks too. */
  const jointRole = (t: DraftTurn): Role | null => {
    if (t.role) return null;
    const names = splitJoint(labelOf(t.speaker));
    return names.length > 1 && names.every((n) => asksHere(canonical(n))) ? 'interviewer' : null;
  };
  const resolved = draft.turns.map((t) => {
    const role = jointRole(t) ?? roleOf(t, canonical(t.speaker));
    return { t, role, people: peopleOf(t.speaker, role) };
  });

  // Facts parsers found about people (handles, places), matched to the resolved names.
  const facts = new Map<ResolvedName, DraftPerson>();
  for (const p of [...(draft.interviewer ? [draft.interviewer] : []), ...(draft.interviewees ?? [])]) {
    const label = labelOf(p.name);
    if (isRoleLabel(label) || splitJoint(label).length > 1) continue;
    const person = resolver.resolve(label);
    const prev = facts.get(person);
    facts.set(person, {
      name: person.name,
      handle: prev?.handle ?? p.handle ?? null,
      location: prev?.location ?? p.location ?? null,
      occupation: prev?.occupation ?? p.occupation ?? null,
      aliases: [...new Set([...(prev?.aliases ?? []), ...(p.aliases ?? [])])],
    });
  }
  for (const [alias, full] of aliases) {
    if (isRoleLabel(full)) continue;
    const person = resolver.resolve(full);
    if (alias !== person.name && !person.aliases.includes(alias)) person.aliases.push(alias);
  }

  const turns = resolved.map(({ t, role, people }) => ({
    ...t,
    name: people.length > 0 ? people.map((p) => p.name).join('、') : canonical(t.speaker),
    role,
    people,
  }));
  // Subtitles have no title line (SRT none at all, WebVTT only after WEBVTT): their first cue is
  // someone speaking, not a title, so the caller's id names the interview, else "untitled".
  const title =
    (options.title ?? draft.title ?? '').trim() ||
    (draft.format === 'srt' || draft.format === 'vtt'
      ? (options.id ?? draft.id ?? '').trim() || 'untitled'
      : firstWords(turns[0]?.text ?? 'untitled'));
  const url = options.url ?? draft.url ?? null;
  let id = options.id ?? draft.id ?? null;
  if (id !== null && !isSafeId(id)) throw new ValidationError(`id '${id}' is not URL-safe (A-Z a-z 0-9 _ -)`);
  id ??= interviewIdFrom(url, title, turns.map((t) => `${t.name}\t${t.text}`).join('\n'));

  const scope = id;
  const personIds = new Map<ResolvedName, Person>();
  const personOf = (p: ResolvedName): Person => {
    let person = personIds.get(p);
    if (!person) {
      const f = facts.get(p);
      const handle = f?.handle ?? null;
      person = {
        id: personId(p.name, handle, scope),
        name: p.name,
        title: p.title,
        reading: null,
        handle,
        location: f?.location ?? null,
        occupation: f?.occupation ?? null,
        aliases: [...new Set([...p.aliases, ...(f?.aliases ?? [])])]
          .filter((a) => a !== p.name && a.length <= 100)
          .slice(0, 20),
      };
      personIds.set(p, person);
    }
    return person;
  };

  const questions = questionLinks(turns.map((t, i) => ({ id: quoteId(id, i + 1), role: t.role })));
  const roleByPerson = new Map<ResolvedName, Role>();
  const finalTurns = turns.map((t, i) => {
    const tid = quoteId(id, i + 1);
    const questionId = questions[i] ?? null;
    // The interviewer joining a joint answer stays the interviewer.
    for (const p of t.people)
      if (!roleByPerson.has(p))
        roleByPerson.set(p, asksHere(stripHonorific(p.name)) ? 'interviewer' : t.role);
    const ids = t.people.map((p) => personOf(p).id);
    return {
      id: tid,
      ordinal: i + 1,
      speaker: t.name.slice(0, 100),
      speakerId: ids[0] ?? null,
      coSpeakerIds: [...new Set(ids.slice(1))],
      role: t.role,
      text: t.text,
      section: t.section,
      questionId,
      start: t.start,
      end: t.end,
    };
  });

  const byRole = (role: Role) => [...roleByPerson].filter(([, r]) => r === role).map(([p]) => personOf(p));
  const interviewers = byRole('interviewer');
  const interviewer = interviewers[0] ?? null;
  const interviewees = byRole('interviewee');
  const others = [...byRole('other'), ...interviewers.slice(1)];

  const s = seriesFromTitle(title);
  const series: Series | null = s ? { id: `s-${digest(s.title, 10)}`, title: s.title, part: s.part } : null;

  const result = InterviewSchema.safeParse({
    id,
    title,
    url,
    publishedAt: normalizeDate(draft.publishedAt ?? null),
    format: draft.format,
    series,
    related: draft.related ?? [],
    interviewer,
    interviewees,
    others,
    sections: draft.sections.map((heading, ordinal) => ({ ordinal, heading })),
    captions: draft.captions ?? [],
    narration: draft.narration ?? [],
    turns: finalTurns,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const turnIndex = issue?.path[0] === 'turns' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
    const line = turnIndex !== null ? (draft.turns[turnIndex]?.line ?? 1) : 1;
    throw new ParseError(
      line,
      `invalid ${path || 'interview'}: ${issue?.message ?? 'invalid'}`,
      draft.format,
    );
  }
  return result.data;
}

function firstWords(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 40 ? `${t.slice(0, 40)}…` : t || 'untitled';
}
