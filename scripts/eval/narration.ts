/**
 * Narration in the dash layout against eval/narration.json: paragraphs of dash articles in
 * ../shared judged by reading as an answer, a question or the writer's (narration: scenes,
 * `「…」と語る` framing, captions, boxes, page furniture). Each is named by its file, line number
 * and the SHA-256 of the trimmed line (no corpus text in the repository); a line whose hash no
 * longer matches is reported, never scored. Counts what a parse credits wrongly: narration inside
 * an answer, answers (or questions) not in a turn of theirs, and narration the interview does not
 * keep (in `narration`, `captions` or `sections`).
 *
 * The set (judged 2026-12-06, 1,740 lines of 122 articles: 578 answers, 856 questions, 306 the
 * writer's): every question line and every answer paragraph printed without a name of the articles
 * that print such answers, and every line after the first question that the parser of that day left
 * out of all turns. A few entries carry a note, in our words, on why the line is a hard case.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { Interview } from '../../lib/model.ts';
import { QUESTION } from '../../lib/parse/dash.ts';
import { stripPageNumbers } from '../../lib/parse/furniture.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const corporaDir = join(root, '..', 'shared', 'corpora');

const Expected = z.enum(['answer', 'question', 'narration']);
const JudgedFile = z.object({
  version: z.literal(1),
  files: z.array(
    z.object({
      file: z.string(),
      /** [line number (1-based), first 12 hex of SHA-256 of the trimmed line, expected, note?] */
      lines: z.array(
        z.union([
          z.tuple([z.number().int().min(1), z.string().length(12), Expected]),
          z.tuple([z.number().int().min(1), z.string().length(12), Expected, z.string()]),
        ]),
      ),
    }),
  ),
});
export type JudgedNarration = z.infer<typeof JudgedFile>;

/** Loads and validates the judged set. */
export function loadNarration(path = join(root, 'eval', 'narration.json')): JudgedNarration {
  return JudgedFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Where a judged line ended up in a parse. */
export type Landed = 'answer' | 'question' | 'narration';

/** One judged line's outcome. */
export interface LineOutcome {
  file: string;
  line: number;
  expected: z.infer<typeof Expected>;
  got: Landed;
  /** For a line that landed in no turn: kept in the interview (narration, captions, sections). */
  kept: boolean;
  note?: string;
}

/** The counts the before/after comparison is made of. */
export interface NarrationScore {
  judged: number;
  /** Lines whose hash no longer matches the file (the corpus changed): not scored. */
  stale: string[];
  narrationInAnswers: LineOutcome[];
  answersLost: LineOutcome[];
  questionsLost: LineOutcome[];
  /** Narration (expected and found) that the interview does not keep. */
  narrationDropped: LineOutcome[];
  outcomes: LineOutcome[];
}

const squash = (s: string) => s.replace(/[\s\u3000]+/g, '');
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

/**
 * Where each judged line of one file landed: in a turn whose source range holds the line and whose
 * text holds the line's words (a question's without its dashes, page numbers aside), else nowhere.
 */
export function scoreFile(
  source: string,
  iv: Interview,
  judged: JudgedNarration['files'][number],
): { outcomes: LineOutcome[]; stale: string[] } {
  const rows = source.split('\n');
  const offsets: number[] = [];
  let at = 0;
  for (const r of rows) {
    offsets.push(at);
    at += r.length + 1;
  }
  const kept = [...iv.narration.map((n) => n.text), ...iv.captions, ...iv.sections.map((s) => s.heading)].map(
    squash,
  );
  const outcomes: LineOutcome[] = [];
  const stale: string[] = [];
  for (const [no, hash, expected, note] of judged.lines) {
    const raw = rows[no - 1];
    if (raw === undefined || sha(raw.trim()) !== hash) {
      stale.push(`${judged.file}:${no}`);
      continue;
    }
    const start = offsets[no - 1] as number;
    const words = squash(stripPageNumbers(raw).replace(QUESTION, ''));
    // A turn holds the words without the speaker's label (`名前：`, `(名前)`, `名前「…」`).
    const forms = [
      words,
      // … and a question's single dash (`—…？`, which the prefixed parser drops as it does `——`).
      ...[/^[^：:]{1,40}[：:]/, /^[（(][^）)]{1,14}[）)]/, /^[^「]{1,30}(?=「)/, /^[—―]/].map((re) =>
        words.replace(re, ''),
      ),
    ].filter((w) => w !== '');
    const turn = iv.turns.find(
      (t) =>
        t.start !== null &&
        t.end !== null &&
        t.start <= start &&
        start < t.end &&
        (forms.some((w) => squash(t.text).includes(w)) || colonlessIn(words, t.speaker, squash(t.text))),
    );
    const got: Landed =
      turn === undefined ? 'narration' : turn.role === 'interviewer' ? 'question' : 'answer';
    outcomes.push({
      file: judged.file,
      line: no,
      expected,
      got,
      kept: got === 'narration' && kept.some((k) => k.includes(words)),
      ...(note ? { note } : {}),
    });
  }
  return { outcomes, stale };
}

/**
 * A line that starts with its speaker's label printed without a colon (`小沢そこですよ…` for 小沢コージ):
 * the turn holds the words after the label (2 characters or more, a start of the speaker's name).
 */
function colonlessIn(words: string, speaker: string, text: string): boolean {
  for (let k = Math.min(speaker.length, 20); k >= 2; k--)
    if (words.startsWith(speaker.slice(0, k)) && words.length > k && text.includes(words.slice(k)))
      return true;
  return false;
}

/** Scores every judged file with `parse` (the parser under test); null without ../shared. */
export function scoreNarration(
  parse: (text: string) => Interview,
  judged = loadNarration(),
): NarrationScore | null {
  if (!existsSync(corporaDir)) return null;
  const outcomes: LineOutcome[] = [];
  const stale: string[] = [];
  for (const f of judged.files) {
    const source = readFileSync(join(corporaDir, f.file), 'utf8');
    const r = scoreFile(source, parse(source), f);
    outcomes.push(...r.outcomes);
    stale.push(...r.stale);
  }
  return {
    judged: outcomes.length,
    stale,
    narrationInAnswers: outcomes.filter((o) => o.expected === 'narration' && o.got === 'answer'),
    answersLost: outcomes.filter((o) => o.expected === 'answer' && o.got !== 'answer'),
    questionsLost: outcomes.filter((o) => o.expected === 'question' && o.got !== 'question'),
    narrationDropped: outcomes.filter((o) => o.expected === 'narration' && o.got === 'narration' && !o.kept),
    outcomes,
  };
}
