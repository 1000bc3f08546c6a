/**
 * Parsing entry point: picks a parser (`format: 'auto'`) or uses the one named, and returns a
 * validated canonical interview. Pure: text in, data out.
 */
import { ParseError, ValidationError } from '../errors.ts';
import { isSafeId, quoteId } from '../ids.ts';
import { type Format, FormatSchema, type Interview } from '../model.ts';
import { countNameLineBlocks, countSpeakerBlocks, parseBlog } from './blog.ts';
import { countQuestions, parseDash } from './dash.ts';
import { type Draft, type FinalizeOptions, finalize, type Line, splitLines } from './draft.ts';
import { frontMatter } from './frontmatter.ts';
import { parseJson } from './json.ts';
import { matchMdTurn, parseMarkdown } from './markdown.ts';
import { countPrefixed, parsePrefixed } from './prefixed.ts';
import { countTsvLines, parseTsv } from './tsv.ts';

/** Options of {@link parseInterview}. */
export interface ParseOptions extends FinalizeOptions {
  format?: Format | undefined;
}

/** Largest transcript accepted (characters); bigger input is rejected, not truncated. */
export const MAX_TRANSCRIPT_CHARS = 2_000_000;

/** Guesses the layout of a transcript. Splits it into lines once; every counter is one pass. */
export function detectFormat(text: string, all?: readonly Line[]): Exclude<Format, 'auto'> {
  const raw = text.replace(/^\uFEFF/, '');
  if (raw.trimStart().startsWith('{')) return 'json';
  // Front matter is shared by several layouts: detect on the body only.
  all ??= splitLines(raw);
  const lines = all.slice(frontMatter(all).bodyStart);
  const tsv = countTsvLines(lines);
  if (tsv.content > 0 && tsv.tsv / tsv.content >= 0.8) return 'tsv';
  if (countSpeakerBlocks(lines) >= 2) return 'blog';
  let mdTurns = 0;
  for (const l of lines) if (matchMdTurn(l.text)) mdTurns++;
  if (mdTurns >= 2) return 'markdown';
  if (countQuestions(lines) >= 2) return 'dash';
  // A name printed alone before each utterance; `名前：` lines inside the utterances (時間：10時)
  // do not make it a prefixed transcript unless they outnumber the names.
  const nameLines = countNameLineBlocks(lines);
  const prefixed = countPrefixed(lines);
  if (prefixed >= 2 && prefixed >= nameLines) return 'prefixed';
  if (nameLines >= 3) return 'blog';
  throw new ParseError(
    1,
    'could not recognise the layout: no speaker blocks (a name on its own line before each utterance), `——` questions, `名前：` prefixes, `**名前**：` turns or TSV lines',
    'auto',
  );
}

const PARSERS: Record<Exclude<Format, 'auto' | 'json'>, (text: string, lines: readonly Line[]) => Draft> = {
  blog: parseBlog,
  dash: parseDash,
  prefixed: parsePrefixed,
  tsv: parseTsv,
  markdown: parseMarkdown,
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
    turns: interview.turns.map((t, i) => ({
      ...t,
      ordinal: i + 1,
      id: quoteId(id, i + 1),
      questionId: t.questionId ? (map.get(t.questionId) ?? null) : null,
    })),
  };
}

/** Parses a transcript in any supported layout into a canonical, validated interview. */
export function parseInterview(text: string, options: ParseOptions = {}): Interview {
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
  const lines = requested.data === 'json' ? [] : splitLines(source);
  const format = requested.data === 'auto' ? detectFormat(source, lines) : requested.data;
  if (format === 'json') {
    const parsed = parseJson(source);
    if ('schemaVersion' in parsed) {
      const renamed = withInterviewId(parsed, options.id ?? parsed.id);
      return {
        ...renamed,
        ...(options.title ? { title: options.title } : {}),
        ...(options.url ? { url: options.url } : {}),
      };
    }
    return finalize(parsed, options);
  }
  return finalize(PARSERS[format](source, lines), options);
}
