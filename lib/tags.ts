/**
 * The tag policy, in one place: effective tags of a quote or person are the automatic topics
 * (renamed through aliases) plus manual additions minus manual removals.
 */
import { z } from 'zod';

/**
 * Tag ids: lower-case kebab (ASCII) or short Japanese labels; no separators used in keys.
 * Normalised first (NFKC, lower case, NFKC again since lower-casing can undo it: `İ` → `i̇`),
 * then validated, so every spelling of a tag that is accepted anywhere names the same id, and
 * every id that is stored validates again when it comes back in a path or a query.
 */
export const TagSchema = z
  .string()
  .max(240)
  .transform((t) => t.normalize('NFKC').toLowerCase().normalize('NFKC').trim())
  .pipe(
    z
      .string()
      .min(1)
      .max(60)
      .regex(
        /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_-]*$/u,
        'tags are letters, digits, _ and - (no spaces or punctuation)',
      ),
  );

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
