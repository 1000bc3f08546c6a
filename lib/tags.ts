/**
 * The tag policy, in one place: effective tags of a quote or person are the automatic topics
 * (renamed through aliases) plus manual additions minus manual removals.
 */
import { z } from 'zod';

/** Tag ids: lower-case kebab (ASCII) or short Japanese labels; no separators used in keys. */
export const TagSchema = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u, 'tags are letters, digits, _ and - (no spaces or punctuation)')
  .transform((t) => t.normalize('NFKC').toLowerCase());

/** Follows aliases (merges) to the final tag; guards against cycles. */
export function resolveAlias(tag: string, aliases: ReadonlyMap<string, string>): string {
  let t = tag;
  for (let i = 0; i < 10 && aliases.has(t); i++) t = aliases.get(t) as string;
  return t;
}

/** Effective tags: automatic (aliased) ∪ manual additions − manual removals, sorted. */
export function effectiveTags(
  auto: readonly string[],
  manual: { add: readonly string[]; remove: readonly string[] } | undefined,
  aliases: ReadonlyMap<string, string> = new Map(),
): string[] {
  const out = new Set(auto.map((t) => resolveAlias(t, aliases)));
  for (const t of manual?.add ?? []) out.add(resolveAlias(t, aliases));
  for (const t of manual?.remove ?? []) out.delete(resolveAlias(t, aliases));
  return [...out].sort();
}
