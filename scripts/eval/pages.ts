/**
 * Which pages are interviews, against eval/interview-pages.json: pages of the corpora judged by
 * reading as an interview (questions and answers, a talk, a round table), a person's remarks quoted
 * by a story (real people speaking, no questions: either outcome is acceptable) or not an
 * interview (a list, a review, a comparison, whose row labels a parse would make people). Each is
 * named by its file and the first 12 hex of the SHA-256 of its bytes (no corpus text in the
 * repository); a file whose hash no longer matches is reported, never scored.
 *
 * The set (judged 2026-12-07): every livedoor-news page the prefixed or blog parser read on main
 * 75f66c1 (160), and every file of eval/attribution.json (interviews judged turn by turn there).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { Interview } from '../../lib/model.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corporaDir = join(root, '..', 'shared', 'corpora');

const Kind = z.enum(['interview', 'remarks', 'not-interview']);
const JudgedPages = z.object({
  version: z.literal(1),
  files: z.array(
    z.union([
      z.tuple([z.string(), z.string().length(12), Kind]),
      z.tuple([z.string(), z.string().length(12), Kind, z.string()]),
    ]),
  ),
});
export type JudgedPages = z.infer<typeof JudgedPages>;

/** Loads and validates the judged set. */
export function loadPages(path = join(root, 'eval', 'interview-pages.json')): JudgedPages {
  return JudgedPages.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** How the pages of each kind fared: read as an interview, or refused. */
export interface PagesScore {
  judged: number;
  stale: string[];
  /** Judged interviews the parser refused. */
  interviewsLost: string[];
  /** Judged non-interviews the parser read as an interview (their labels become people). */
  nonInterviewsRead: string[];
  remarksRead: number;
  remarksRefused: number;
}

/**
 * Scores `parse` (throws when it finds no interview) on the judged pages; null when the corpora
 * are not there.
 */
export function scorePages(parse: (text: string) => Interview, judged = loadPages()): PagesScore | null {
  if (!existsSync(corporaDir)) return null;
  const s: PagesScore = {
    judged: 0,
    stale: [],
    interviewsLost: [],
    nonInterviewsRead: [],
    remarksRead: 0,
    remarksRefused: 0,
  };
  for (const [file, hash, kind] of judged.files) {
    const bytes = readFileSync(join(corporaDir, file));
    if (createHash('sha256').update(bytes).digest('hex').slice(0, 12) !== hash) {
      s.stale.push(file);
      continue;
    }
    s.judged++;
    let read = true;
    try {
      parse(bytes.toString('utf8'));
    } catch {
      read = false;
    }
    if (kind === 'interview' && !read) s.interviewsLost.push(file);
    else if (kind === 'not-interview' && read) s.nonInterviewsRead.push(file);
    else if (kind === 'remarks') read ? s.remarksRead++ : s.remarksRefused++;
  }
  return s;
}
