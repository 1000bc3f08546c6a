/**
 * Speaker attribution on real interviews (issue 13): turn-role accuracy and speaker-name accuracy
 * against eval/attribution.json, a judged set written by reading the sources in ../shared (the
 * true role and speaker of every turn, keyed by file and a snippet of the turn's first paragraph,
 * so it survives parser changes); interviews with no interviewee turn, people spanning interviews
 * and role labels taken for people over every corpus file; page furniture found inside quotes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { Interview } from '../../lib/model.ts';
import { parseInterview, parseWithReport } from '../../lib/parse/index.ts';
import { isRoleLabel, nameKey } from '../../lib/parse/people.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corporaDir = join(root, '..', 'shared', 'corpora');

const JudgedTurn = z.object({
  role: z.enum(['interviewer', 'interviewee', 'other']),
  /** The true speaker's name (or accepted spellings); null when the source names nobody. */
  speaker: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).nullable(),
  /** A snippet of the turn's first paragraph, unique in the file. */
  at: z.string().min(2),
  /**
   * A later paragraph of the judged turn before it (after a blank line, a heading or a caption):
   * it must be in the same parsed turn, not dropped, nor a turn of its own.
   */
  continues: z.boolean().default(false),
});
const AttributionFile = z.object({
  version: z.literal(1),
  interviews: z.array(
    z.object({
      file: z.string(),
      /**
       * `heldout`: labelled by reading after the parser rules they would test were written, and
       * scored apart (never read for tuning); the rest is the working set.
       */
      split: z.enum(['dev', 'heldout']).default('dev'),
      /**
       * The round a page was judged in when it joined after the first set (`2026-12-07 people7`): such
       * pages are scored apart, so the headline stays comparable with earlier rounds.
       */
      added: z.string().min(1).optional(),
      turns: z.array(JudgedTurn).min(1),
      /** Lines of page furniture (captions, credits, page numbers, footers) that are no quote. */
      furniture: z.array(z.string().min(1)).default([]),
    }),
  ),
});
export type Attribution = z.infer<typeof AttributionFile>;

/** Loads and validates the judged set. */
export function loadAttribution(path = join(root, 'eval', 'attribution.json')): Attribution {
  return AttributionFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

const squash = (s: string) => s.replace(/[\s\u3000]+/g, '');

/** One judged turn's outcome. */
export interface TurnOutcome {
  file: string;
  at: string;
  expected: { role: string; speaker: string | null };
  got: { role: string; speaker: string; person: boolean } | null;
  roleOk: boolean;
  nameOk: boolean;
  why?: string;
}

/** Scores one parsed interview against its judged turns. */
export function scoreInterview(
  iv: Interview,
  judged: Attribution['interviews'][number],
): { turns: TurnOutcome[]; furnitureInQuotes: string[] } {
  const texts = iv.turns.map((t) => squash(t.text));
  const owner = new Map<number, string>();
  // Judged turns are in source order: each is looked for from the last one found onwards, so a
  // snippet such as `いるいる。` that recurs finds its own turn.
  let next = 0;
  // The parsed turn the last judged (non-continuation) turn was found in.
  let lastIndex: number | null = null;
  const turns = judged.turns.map((j): TurnOutcome => {
    const expected = { role: j.role, speaker: Array.isArray(j.speaker) ? j.speaker.join('|') : j.speaker };
    const at = squash(j.at);
    const hits = texts.flatMap((t, i) => (t.includes(at) ? [i] : []));
    const base = { file: judged.file, at: j.at, expected };
    if (hits.length === 0) {
      if (!j.continues) lastIndex = null;
      return { ...base, got: null, roleOk: false, nameOk: false, why: 'not in any turn' };
    }
    const index = hits.find((i) => i >= next) ?? hits.find((i) => i === next - 1) ?? (hits[0] as number);
    next = Math.max(next, index + 1);
    const t = iv.turns[index] as Interview['turns'][number];
    const got = { role: t.role, speaker: t.speaker, person: t.speakerId !== null };
    if (j.continues) {
      const ok = lastIndex !== null && index === lastIndex;
      return ok
        ? { ...base, got, roleOk: true, nameOk: true }
        : { ...base, got, roleOk: false, nameOk: false, why: 'a later paragraph split off its turn' };
    }
    lastIndex = index;
    // Two judged turns inside one parsed turn: the later was merged into the earlier.
    const merged = owner.get(index);
    owner.set(index, merged ?? j.at);
    if (merged !== undefined)
      return { ...base, got, roleOk: false, nameOk: false, why: `merged into the turn of "${merged}"` };
    const roleOk = t.role === j.role;
    const accepted =
      j.speaker === null ? null : (Array.isArray(j.speaker) ? j.speaker : [j.speaker]).map(nameKey);
    const nameOk =
      accepted === null
        ? t.speakerId === null
        : t.speakerId !== null && accepted.includes(nameKey(t.speaker.split('、')[0] ?? ''));
    return { ...base, got, roleOk, nameOk };
  });
  const furnitureInQuotes = judged.furniture.filter((f) => texts.some((t) => t.includes(squash(f))));
  return { turns, furnitureInQuotes };
}

function listFiles(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listFiles(join(dir, e.name), ext)
      : e.name.endsWith(ext) && !/^(README|LICENSE)/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);

/** Prints the attribution report; returns the headline numbers. */
export function attributionReport(): Record<string, number> | null {
  console.log('\n## Speaker attribution (issue 13)\n');
  if (!existsSync(corporaDir)) {
    console.log(`(skipped: ${corporaDir} not found)`);
    return null;
  }
  const judged = loadAttribution();
  const outcomes: TurnOutcome[] = [];
  const furniture: string[] = [];
  const byKind = new Map<string, { n: number; role: number; name: number; files: number }>();
  for (const j of judged.interviews) {
    const iv = parseInterview(readFileSync(join(corporaDir, j.file), 'utf8'));
    const r = scoreInterview(iv, j);
    outcomes.push(...r.turns);
    furniture.push(...r.furnitureInQuotes.map((f) => `${j.file}: ${f}`));
    const kind = `${j.file.split('/')[0] ?? ''}${j.split === 'heldout' ? ' (held out)' : ''}${j.added ? ` (added ${j.added})` : ''}`;
    const k = byKind.get(kind) ?? { n: 0, role: 0, name: 0, files: 0 };
    k.files++;
    k.n += r.turns.length;
    k.role += r.turns.filter((t) => t.roleOk).length;
    k.name += r.turns.filter((t) => t.nameOk).length;
    byKind.set(kind, k);
  }
  const rows = [...byKind].map(
    ([kind, k]) => `| ${kind} | ${k.files} | ${k.n} | ${pct(k.role, k.n)} | ${pct(k.name, k.n)} |`,
  );
  const heldOut = new Set(judged.interviews.filter((j) => j.split === 'heldout').map((j) => j.file));
  const added = new Set(judged.interviews.filter((j) => j.added !== undefined).map((j) => j.file));
  const dev = outcomes.filter((o) => !heldOut.has(o.file) && !added.has(o.file));
  const n = dev.length;
  const role = dev.filter((o) => o.roleOk).length;
  const name = dev.filter((o) => o.nameOk).length;
  rows.push(
    `| all but held out and added | ${judged.interviews.length - heldOut.size - added.size} | ${n} | ${pct(role, n)} | ${pct(name, n)} |`,
  );
  const late = outcomes.filter((o) => added.has(o.file));
  if (late.length > 0)
    rows.push(
      `| all added | ${added.size} | ${late.length} | ${pct(late.filter((o) => o.roleOk).length, late.length)} | ${pct(late.filter((o) => o.nameOk).length, late.length)} |`,
    );
  console.log(
    [
      '| corpus | interviews | judged turns | role accuracy | name accuracy |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );

  // Over every corpus file, judged or not.
  const all = [
    ...listFiles(join(corporaDir, 'livedoor-interviews'), '.txt'),
    ...listFiles(join(corporaDir, 'asdc-dialogs'), '.tsv'),
  ];
  let noInterviewee = 0;
  const withoutInterviewee: string[] = [];
  const personIn = new Map<string, { name: string; interviews: Set<string> }>();
  const labelPeople: string[] = [];
  let classified = 0;
  let classifiedInQuotes = 0;
  for (const f of all) {
    const report = parseWithReport(readFileSync(f, 'utf8'));
    const iv = report.interview;
    // Lines the parser itself called furniture, found inside a quote whose span covers them.
    for (const fl of report.furniture) {
      classified++;
      const line = fl.line.text.trim();
      if (
        line.length >= 2 &&
        iv.turns.some(
          (t) =>
            t.start !== null &&
            t.end !== null &&
            fl.line.start >= t.start &&
            fl.line.start < t.end &&
            t.text.includes(line),
        )
      )
        classifiedInQuotes++;
    }
    if (!iv.turns.some((t) => t.role === 'interviewee')) {
      noInterviewee++;
      withoutInterviewee.push(f.slice(corporaDir.length + 1));
    }
    for (const p of [...(iv.interviewer ? [iv.interviewer] : []), ...iv.interviewees, ...iv.others]) {
      const e = personIn.get(p.id) ?? { name: p.name, interviews: new Set<string>() };
      e.interviews.add(iv.id);
      personIn.set(p.id, e);
      if (isRoleLabel(p.name)) labelPeople.push(`${p.name} (${iv.id})`);
    }
  }
  const spanning = [...personIn].filter(([, e]) => e.interviews.size > 1);
  console.log(`\nover all ${all.length} corpus files:`);
  console.log(
    `  interviews with no interviewee turn: ${noInterviewee}${noInterviewee ? ` (${withoutInterviewee.slice(0, 5).join(', ')})` : ''}`,
  );
  console.log(
    `  people spanning interviews: ${spanning.length}${
      spanning.length
        ? ` (${spanning
            .slice(0, 5)
            .map(([id, e]) => `${e.name} ${id} ×${e.interviews.size}`)
            .join(', ')})`
        : ''
    }`,
  );
  console.log(
    `  role labels taken for people: ${labelPeople.length}${labelPeople.length ? ` (${labelPeople.slice(0, 5).join(', ')})` : ''}`,
  );
  console.log(
    `  lines the parsers classified as furniture: ${classified}, of them inside a quote: ${classifiedInQuotes}`,
  );
  console.log(
    `  judged furniture lines inside quotes: ${furniture.length}${furniture.length ? ` (${furniture.slice(0, 5).join('; ')})` : ''}`,
  );
  const wrong = outcomes.filter((o) => !o.roleOk || !o.nameOk);
  if (wrong.length > 0) {
    console.log(`\nmisattributed turns (${wrong.length}):`);
    for (const o of wrong.slice(0, 40))
      console.log(
        `  ${o.file.split('/').pop()} "${o.at}": expected ${o.expected.role}/${o.expected.speaker ?? '(unnamed)'}, got ${o.got ? `${o.got.role}/${o.got.person ? o.got.speaker : `(unnamed ${o.got.speaker})`}` : 'nothing'}${o.why ? ` — ${o.why}` : ''}`,
      );
  }
  return {
    judgedTurns: n,
    roleAccuracy: n ? role / n : 0,
    nameAccuracy: n ? name / n : 0,
    noInterviewee,
    spanning: spanning.length,
    labelPeople: labelPeople.length,
    furnitureInQuotes: furniture.length,
    classifiedFurniture: classified,
    classifiedFurnitureInQuotes: classifiedInQuotes,
  };
}
