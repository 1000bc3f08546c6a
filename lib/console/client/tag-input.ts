/**
 * What an editor typed into the tag editor's field, resolved to a tag id. Pure: the console script
 * uses it, and unit tests check it without a browser.
 */

export type KnownTag = { id: string; label: string; labelEn: string };

/** A new tag's id: what the API accepts for a tag an editor makes. */
const NEW_TAG_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The tag an editor means by what they typed: an id; a label as the console shows it
 * (家族・パートナー, or an English label); a new tag's id (lower-case letters, digits, hyphens);
 * else part of one label (家族) when only one label has it. Editors see labels everywhere, so a
 * label must work where an id does.
 */
export function resolveTagInput(
  typed: string,
  known: readonly KnownTag[],
): { id: string } | { error: 'unknown' } | { error: 'several'; labels: string[] } {
  const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const q = fold(typed);
  if (!q) return { error: 'unknown' };
  const byId = known.find((t) => t.id === q);
  if (byId) return { id: byId.id };
  const exact = known.filter((t) => fold(t.label) === q || fold(t.labelEn) === q);
  const [only] = exact;
  if (exact.length === 1 && only) return { id: only.id };
  // Text that can be an id names a new tag, as it always did (the list offers the existing ones).
  if (exact.length === 0 && NEW_TAG_ID.test(q)) return { id: q };
  const partial =
    exact.length > 1 ? exact : known.filter((t) => fold(t.label).includes(q) || fold(t.labelEn).includes(q));
  const [one] = partial;
  if (partial.length === 1 && one) return { id: one.id };
  if (partial.length > 1) return { error: 'several', labels: partial.map((t) => t.label) };
  return { error: 'unknown' };
}
