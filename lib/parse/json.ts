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

/**
 * Containers nested deeper than this are never read: the schemas reach four levels, and the
 * request body's own bound is the same (`readJson` in lib/api/http.ts).
 */
export const JSON_READ_DEPTH = 32;

/** End (exclusive) of the JSON string starting at `i` (a quote), or -1 when it is not one. */
function stringEnd(t: string, i: number): number {
  const n = t.length;
  for (let k = i + 1; k < n; k++) {
    const c = t.charCodeAt(k);
    if (c === 34) return k + 1;
    if (c < 0x20) return -1;
    if (c !== 92) continue;
    const e = t.charCodeAt(++k);
    if (e === 117) {
      for (let h = 1; h <= 4; h++) {
        const x = t.charCodeAt(k + h);
        if (!((x >= 48 && x <= 57) || (x >= 65 && x <= 70) || (x >= 97 && x <= 102))) return -1;
      }
      k += 4;
    } else if (
      !(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)
    )
      return -1;
  }
  return -1;
}

/** End (exclusive) of the run of digits from `i` (none: `i`). */
function digitsEnd(t: string, i: number): number {
  let k = i;
  while (k < t.length && t.charCodeAt(k) >= 48 && t.charCodeAt(k) <= 57) k++;
  return k;
}

/** End (exclusive) of the JSON string, number or literal at `i`, or -1. */
function scalarEnd(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return stringEnd(t, i);
  for (const word of ['true', 'false', 'null']) if (t.startsWith(word, i)) return i + word.length;
  let k = c === 45 ? i + 1 : i;
  const d = t.charCodeAt(k);
  if (d === 48) k++;
  else if (d >= 49 && d <= 57) k = digitsEnd(t, k);
  else return -1;
  if (t.charCodeAt(k) === 46) {
    const f = digitsEnd(t, k + 1);
    if (f === k + 1) return -1;
    k = f;
  }
  const e = t.charCodeAt(k);
  if (e === 101 || e === 69) {
    let x = k + 1;
    if (t.charCodeAt(x) === 43 || t.charCodeAt(x) === 45) x++;
    const f = digitsEnd(t, x);
    if (f === x) return -1;
    k = f;
  }
  return k;
}

/**
 * End (exclusive) of the JSON array or object starting at `from`, when it is valid JSON
 * (RFC 8259, as JSON.parse reads it); -1 otherwise. One pass, a stack of open containers.
 */
function containerEnd(t: string, from: number): number {
  const n = t.length;
  // Open containers: 1 array, 2 object.
  const stack: number[] = [];
  // 0 a value, 1 a value or ']', 2 a key or '}', 3 a key, 4 ':', 5 ',' or the container's close.
  let state = 0;
  let i = from;
  for (;;) {
    let c = t.charCodeAt(i);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = t.charCodeAt(++i);
    if (i >= n) return -1;
    if (state <= 1) {
      if (c === 91 || c === 123) {
        stack.push(c === 91 ? 1 : 2);
        state = c === 91 ? 1 : 2;
        i++;
        continue;
      }
      if (state === 1 && c === 93) {
        stack.pop();
        i++;
      } else {
        i = scalarEnd(t, i);
        if (i < 0) return -1;
      }
      state = 5;
    } else if (state <= 3) {
      if (state === 2 && c === 125) {
        stack.pop();
        i++;
        state = 5;
      } else if (c === 34) {
        i = stringEnd(t, i);
        if (i < 0) return -1;
        state = 4;
        continue;
      } else return -1;
    } else if (state === 4) {
      if (c !== 58) return -1;
      i++;
      state = 0;
      continue;
    } else {
      const top = stack[stack.length - 1];
      if (c === 44) {
        i++;
        state = top === 2 ? 3 : 0;
        continue;
      }
      if (!((top === 1 && c === 93) || (top === 2 && c === 125))) return -1;
      stack.pop();
      i++;
    }
    if (stack.length === 0) return i;
  }
}

/**
 * The text with every container nested deeper than `depth` replaced by an empty one of its kind
 * (`[]`, `{}`), when each of them is valid JSON; otherwise the text itself. Nothing that deep is
 * ever read (unknown keys are dropped, known ones hold at most four levels), so parsing this
 * instead gives the same interview or the same schema error, without materialising a deep nest
 * (a megabyte of `[[[…` is 500,000 arrays: JSON.parse and the collector spent 0.2–0.5 s per MB on
 * them). Substituting a valid value for a valid value keeps the whole text valid or invalid alike;
 * a syntax error is reported from the original text (its position).
 */
export function shallowJson(text: string, depth = JSON_READ_DEPTH): string {
  const n = text.length;
  let level = 0;
  let parts: string[] | null = null;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: skip it (escapes included); an unterminated one ends the scan.
      let k = i + 1;
      for (; k < n; k++) {
        const s = text.charCodeAt(k);
        if (s === 92) k++;
        else if (s === 34) break;
      }
      i = k;
    } else if (c === 91 || c === 123) {
      if (level < depth) {
        level++;
        continue;
      }
      const end = containerEnd(text, i);
      if (end < 0) return text;
      if (!parts) parts = [];
      parts.push(text.slice(last, i), c === 91 ? '[]' : '{}');
      last = end;
      i = end - 1;
    } else if (c === 93 || c === 125) level--;
  }
  return parts ? parts.join('') + text.slice(last) : text;
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses JSON: canonical interviews pass through validation, minimal ones become a draft. */
export function parseJson(text: string): Interview | Draft {
  let value: unknown;
  try {
    const shallow = shallowJson(text);
    try {
      value = JSON.parse(shallow);
    } catch (e) {
      // The error as the text has it (positions move where nests were emptied).
      if (shallow === text) throw e;
      value = JSON.parse(text);
    }
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
