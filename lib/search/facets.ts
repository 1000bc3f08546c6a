/**
 * Facet counts of a result: the records they are counted in, counts over planned candidates,
 * and the bits of the packed per-doc facet word.
 */
import type { Planned, SearchPage } from './types.ts';

/**
 * A record counted by names users choose (tags, person handles): without a prototype, since
 * `counts['constructor'] ?? 0` on `{}` reads Object's own function (a tag named constructor was
 * counted as "function Object() { [native code] }1").
 */
export function counts<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Facets with nothing counted yet. */
export function emptyFacets(): SearchPage['facets'] {
  return {
    tags: counts(),
    interviewees: counts(),
    intervieweeNames: counts(),
    roles: counts(),
    years: counts(),
  };
}

/** Facet counts over planned candidates (phrase queries: the candidates whose text was checked). */
export function plannedFacets(
  shown: readonly Planned[],
  interviewees: ReadonlyMap<string, ReadonlyMap<string, string>>,
  years: ReadonlyMap<string, string | undefined>,
): SearchPage['facets'] {
  const facets = emptyFacets();
  for (const p of shown) {
    for (const t of p.tags) facets.tags[t] = (facets.tags[t] ?? 0) + 1;
    const names = interviewees.get(p.interview);
    for (const id of p.speakers) {
      const name = names?.get(id);
      if (name === undefined) continue;
      facets.interviewees[id] = (facets.interviewees[id] ?? 0) + 1;
      facets.intervieweeNames[id] = name;
    }
    facets.roles[p.role] = (facets.roles[p.role] ?? 0) + 1;
    const year = years.get(p.interview);
    if (year) facets.years[year] = (facets.years[year] ?? 0) + 1;
  }
  return facets;
}

/**
 * Bits of a facet word: role (2), said together (1), year + 1 (8, 0: none), tagged (1), speaker
 * code (20).
 */
export const FACET_YEARS = 255;
export const FACET_TAGGED = 1 << 11;
export const FACET_SPEAKERS = 1 << 20;
/** Results from this size on count facets from the packed words (building them costs a pass over every doc). */
export const FACET_WORDS_FROM = 2_000;
