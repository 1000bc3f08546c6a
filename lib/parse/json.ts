/**
 * The canonical JSON (what `kikigaki parse` prints), or a minimal form with just a title and
 * turns `{ speaker, text, role?, section? }` whose ids, questions and people are derived.
 */
import * as z from 'zod';
import { ParseError } from '../errors.ts';
import { type Interview, InterviewSchema, RoleSchema } from '../model.ts';
import type { Draft } from './draft.ts';

const MinimalSchema = z.object({
  id: z.string().optional(),
  title: z.string().max(300).optional(),
  url: z.string().url().max(2000).nullable().optional(),
  publishedAt: z.string().max(40).nullable().optional(),
  interviewer: z
    .union([
      z.string().max(100),
      z.object({ name: z.string().max(100), handle: z.string().nullable().optional() }),
    ])
    .nullable()
    .optional(),
  turns: z
    .array(
      z.object({
        speaker: z.string().trim().min(1).max(100),
        text: z.string().trim().min(1).max(20_000),
        role: RoleSchema.optional(),
        section: z.string().max(200).nullable().optional(),
      }),
    )
    .min(1)
    .max(10_000),
});

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses JSON: canonical interviews pass through validation, minimal ones become a draft. */
export function parseJson(text: string): Interview | Draft {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    throw new ParseError(pos ? lineAt(text, Number(pos[1])) : 1, `invalid JSON: ${msg}`, 'json');
  }
  if (value && typeof value === 'object' && 'schemaVersion' in value) {
    const canonical = InterviewSchema.safeParse(value);
    if (!canonical.success) {
      const issue = canonical.error.issues[0];
      throw new ParseError(1, `invalid ${issue?.path.join('.') || 'interview'}: ${issue?.message}`, 'json');
    }
    return canonical.data;
  }
  const minimal = MinimalSchema.safeParse(value);
  if (!minimal.success) {
    const issue = minimal.error.issues[0];
    throw new ParseError(1, `invalid ${issue?.path.join('.') || 'interview'}: ${issue?.message}`, 'json');
  }
  const m = minimal.data;
  const interviewer = typeof m.interviewer === 'string' ? { name: m.interviewer } : (m.interviewer ?? null);
  return {
    format: 'json',
    title: m.title ?? null,
    url: m.url ?? null,
    publishedAt: m.publishedAt ?? null,
    id: m.id ?? null,
    interviewer,
    sections: [...new Set(m.turns.map((t) => t.section).filter((s): s is string => !!s))],
    turns: m.turns.map((t) => ({
      speaker: t.speaker,
      ...(t.role ? { role: t.role } : {}),
      text: t.text,
      start: 0,
      end: 0,
      line: 1,
      section: t.section ?? null,
    })),
  };
}
