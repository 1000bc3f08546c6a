/**
 * Parsing entry point: picks a parser (`format: 'auto'`) or uses the one named, and returns a
 * validated canonical interview. Pure: text in, data out.
 */
import { ParseError, ValidationError } from '../errors.ts';
import { isSafeId, quoteId } from '../ids.ts';
import { type Format, FormatSchema, type Interview } from '../model.ts';
import { decodeText } from '../text/encoding.ts';
import { fullNameIn } from './article.ts';
import { countNameLineBlocks, countSpeakerBlocks, parseBlog } from './blog.ts';
import { countQuestions, parseDash } from './dash.ts';
import { docxText, isZip } from './docx.ts';
import {
  type Draft,
  type FinalizeOptions,
  type Furniture,
  finalize,
  type Lines,
  splitLines,
} from './draft.ts';
import { frontMatter } from './frontmatter.ts';
import { parseJson } from './json.ts';
import { matchMdTurn, parseMarkdown } from './markdown.ts';
import { isRoleLabel, isTitleWord, namedWithTitle, splitName, wholeNameOf } from './people.ts';
import { countPrefixed, parsePrefixed } from './prefixed.ts';
import { countTimestamped, isSrt, isWebVtt, parseSrt, parseTimestamped, parseVtt } from './subtitles.ts';
import { countTsvLines, parseTsv } from './tsv.ts';

/** Options of {@link parseInterview}. */
export interface ParseOptions extends FinalizeOptions {
  format?: Format | undefined;
}

/** Largest transcript accepted (characters); bigger input is rejected, not truncated. */
export const MAX_TRANSCRIPT_CHARS = 2_000_000;

/**
 * Guesses the layout of a transcript. Splits it into lines once; every counter is one pass over
 * them that looks at a line's first and last characters in place before copying it, and stops as
 * soon as its count decides (two doubled names are blog, two questions are dash…).
 */
export function detectFormat(text: string, all?: Lines): Exclude<Format, 'auto'> {
  const raw = text.replace(/^\uFEFF/, '');
  if (raw.trimStart().startsWith('{')) return 'json';
  if (isWebVtt(raw)) return 'vtt';
  // Front matter is shared by several layouts: detect on the body only.
  all ??= splitLines(raw);
  const lines = all.slice(frontMatter(all).bodyStart);
  if (isSrt(lines)) return 'srt';
  const tsv = countTsvLines(lines);
  if (tsv.content > 0 && tsv.tsv / tsv.content >= 0.8) return 'tsv';
  // `[00:12:03] 山田：…` on at least a fifth of the lines (timestamps are what the tool adds to all).
  const timed = countTimestamped(lines, Math.max(2, Math.ceil(tsv.content / 5)));
  if (timed >= 2 && timed * 5 >= tsv.content) return 'timestamped';
  if (countSpeakerBlocks(lines, 2) >= 2) return 'blog';
  let mdTurns = 0;
  for (let i = 0; i < lines.length && mdTurns < 2; i++)
    if (lines.firstCode(i) === 0x2a /* * */ && matchMdTurn(lines.text(i) as string)) mdTurns++;
  if (mdTurns >= 2) return 'markdown';
  if (countQuestions(lines, 2) >= 2) return 'dash';
  // A name printed alone before each utterance; `名前：` lines inside the utterances (時間：10時)
  // do not make it a prefixed transcript unless they outnumber the names.
  const nameLines = countNameLineBlocks(lines);
  const prefixed = countPrefixed(lines, Math.max(2, nameLines));
  if (prefixed >= 2 && prefixed >= nameLines) return 'prefixed';
  if (nameLines >= 3) return 'blog';
  throw new ParseError(
    1,
    'could not recognise the layout: no speaker blocks (a name on its own line before each utterance), `——` questions, `名前：` prefixes, `**名前**：` turns, TSV lines, WebVTT/SRT cues or `[00:00:00] 名前：` lines',
    'auto',
  );
}

const PARSERS: Record<Exclude<Format, 'auto' | 'json'>, (text: string, lines: Lines) => Draft> = {
  blog: parseBlog,
  dash: parseDash,
  prefixed: parsePrefixed,
  tsv: parseTsv,
  markdown: parseMarkdown,
  vtt: parseVtt,
  srt: parseSrt,
  timestamped: parseTimestamped,
};

/**
 * Gives an interview its id and re-derives everything keyed by it: turns are renumbered by
 * position with ids `${id}-tNNN`, question links follow, people are unique by id. Canonical JSON
 * from outside goes through this too, so a body cannot claim another interview's quote ids or
 * repeat ids (which would corrupt the index and the store's batches).
 */
export function withInterviewId(interview: Interview, id: string): Interview {
  if (!isSafeId(id)) throw new ValidationError(`id '${id}' is not URL-safe (A-Z a-z 0-9 _ -)`);
  const map = new Map<string, string>();
  interview.turns.forEach((t, i) => {
    if (!map.has(t.id)) map.set(t.id, quoteId(id, i + 1));
  });
  const uniquePeople = <T extends { id: string }>(people: T[]): T[] => [
    ...new Map(people.map((p) => [p.id, p])).values(),
  ];
  return {
    ...interview,
    id,
    interviewees: uniquePeople(interview.interviewees),
    others: uniquePeople(interview.others),
    // Narration follows a turn by position: past the last turn it follows the last turn.
    narration: (interview.narration ?? []).map((n) => ({
      ...n,
      after: Math.min(n.after, interview.turns.length),
    })),
    turns: interview.turns.map((t, i) => ({
      ...t,
      ordinal: i + 1,
      id: quoteId(id, i + 1),
      questionId: t.questionId ? (map.get(t.questionId) ?? null) : null,
    })),
  };
}

/** A parse and the lines it classified as page furniture (for tests and the eval). */
export interface ParseReport {
  interview: Interview;
  furniture: Furniture[];
}

/** Parses a transcript in any supported layout into a canonical, validated interview. */
export function parseInterview(text: string, options: ParseOptions = {}): Interview {
  return parseWithReport(text, options).interview;
}

/** {@link parseInterview}, also reporting the lines the parser classified as furniture. */
export function parseWithReport(text: string, options: ParseOptions = {}): ParseReport {
  if (typeof text !== 'string') throw new ValidationError('transcript must be a string');
  if (text.length > MAX_TRANSCRIPT_CHARS) {
    throw new ValidationError(
      `transcript is ${text.length} characters; the limit is ${MAX_TRANSCRIPT_CHARS}`,
    );
  }
  const requested = FormatSchema.safeParse(options.format ?? 'auto');
  if (!requested.success)
    throw new ValidationError(
      `unknown format '${options.format}'; use one of ${FormatSchema.options.join(', ')}`,
    );
  const source = text.replace(/^\uFEFF/, '');
  if (source.trim() === '') throw new ParseError(1, 'transcript is empty', requested.data);
  const lines = splitLines(requested.data === 'json' ? '' : source);
  const format = requested.data === 'auto' ? detectFormat(source, lines) : requested.data;
  if (format === 'json') {
    const parsed = parseJson(source);
    if ('schemaVersion' in parsed) {
      const renamed = withInterviewId(parsed, options.id ?? parsed.id);
      return {
        interview: {
          ...renamed,
          ...(options.title ? { title: options.title } : {}),
          ...(options.url ? { url: options.url } : {}),
        },
        furniture: [],
      };
    }
    return { interview: finalize(parsed, options), furniture: [] };
  }
  const draft = PARSERS[format](source, lines);
  nameTitleLabels(draft, source);
  // Names the front matter declares (`interviewee: 井上`) are the writer's choice: kept as given.
  const { meta } = frontMatter(lines);
  fullNamesOfLabels(draft, source, [meta.interviewee, meta.interviewer]);
  return { interview: finalize(draft, options), furniture: draft.furniture ?? [] };
}

/**
 * Parses a transcript that arrived as bytes (a file, a request body): a Word document when it
 * starts with the zip signature (.docx, whatever it was called or labelled), else UTF-8 text.
 */
export async function parseBytes(bytes: Uint8Array, options: ParseOptions = {}): Promise<Interview> {
  if (isZip(bytes)) return parseInterview(await docxText(bytes), options);
  return parseInterview(decodeText(bytes), options);
}

/** A transcript as text, or as the bytes of a file (a .docx). */
export type TranscriptSource = string | Uint8Array;

/** Parses text in this thread, or bytes (which may need reading a Word document first). */
export function parseSource(
  source: TranscriptSource,
  options: ParseOptions = {},
): Interview | Promise<Interview> {
  return typeof source === 'string' ? parseInterview(source, options) : parseBytes(source, options);
}

/**
 * `監督：` labels the director the article names (`アンドリュー・スタントン監督`): in any layout the
 * bare title stands for that name, as a declared short label does (`（以下、略称）`), so the quotes
 * are credited to the person, not to a person called 監督. A title nobody is named with, or that
 * names several people, stays the label it was. One scan of the text per title label.
 */
function nameTitleLabels(draft: Draft, source: string): void {
  const labels = new Set(draft.turns.map((t) => t.speaker.trim()));
  for (const label of labels) {
    if (!isTitleWord(label) || draft.aliases?.has(label)) continue;
    const name = namedWithTitle(source, label);
    if (!name) continue;
    draft.aliases ??= new Map();
    draft.aliases.set(label, name);
  }
}

/** How much of the text (its start and its end) is read for full names: the lead, the credits. */
const NAME_LOOK_HEAD = 20_000;
const NAME_LOOK_TAIL = 5_000;
/** Most labels looked up (a round table has a handful of speakers). */
const MAX_LOOKED_UP = 50;

/**
 * `リン：` in an article that introduces `リン・コリンズ`, `山田：` in one that introduces `山田孝之`:
 * a label that is one part of a name the title, the lead or the credits print in full stands for
 * that name (in any layout), when they print exactly one such name. The resolver then credits the
 * label's turns to the full name. Reads the head and the tail of the text once per label, for at
 * most {@link MAX_LOOKED_UP} labels: linear in the text.
 */
function fullNamesOfLabels(draft: Draft, source: string, declared: Array<string | undefined>): void {
  const kept = new Set(declared.filter((d): d is string => !!d).map((d) => splitName(d).name));
  const head = source.slice(0, NAME_LOOK_HEAD);
  const tail = source.length > NAME_LOOK_HEAD ? source.slice(-NAME_LOOK_TAIL) : '';
  const texts = [draft.title ?? '', head, tail];
  const labels = new Set<string>();
  for (const t of draft.turns) {
    if (labels.size >= MAX_LOOKED_UP) break;
    labels.add(t.speaker.trim());
  }
  const known = new Set([...(draft.names ?? [])]);
  for (const label of labels) {
    if (draft.aliases?.has(label) || isRoleLabel(label)) continue;
    const name = splitName(label).name;
    if (isRoleLabel(name) || kept.has(name)) continue;
    const full = wholeNameOf(name, texts) ?? fullNameIn(name, [draft.title ?? '', head.slice(0, 5000)]);
    if (!full || full === name || known.has(full)) continue;
    known.add(full);
    draft.names = [...(draft.names ?? []), full];
  }
}
