/**
 * One search as the console and the export run it: the index answers, the store supplies the
 * texts of the interviews the page shows (the index holds none). The same steps as GET /search.
 */

import type { DocumentLookup, QuoteIndex, SearchPage, SearchParams } from '../search/index.ts';
import type { Kikigaki } from '../service.ts';

/** A page of hits and the interviews it was rendered from. */
export interface RenderedPage {
  page: SearchPage;
  documents: DocumentLookup;
}

/** Searches and renders one page. */
export async function searchQuotes(
  service: Kikigaki,
  index: QuoteIndex,
  params: SearchParams,
): Promise<RenderedPage> {
  let documents = await service.documents(index, index.documentsNeeded(params));
  // A write may have changed the index while they were fetched: fetch what is new, once.
  const more = index.documentsNeeded(params).filter((id) => !documents(id));
  if (more.length > 0) {
    const extra = await service.documents(index, more);
    const first = documents;
    documents = (id) => first(id) ?? extra(id);
  }
  return { page: index.search(params, documents), documents };
}

/** Names of people by id, from the index's interview metadata (for facet labels). */
export function personNames(index: QuoteIndex, ids: Iterable<string>): Map<string, string> {
  const wanted = new Set(ids);
  const names = new Map<string, string>();
  if (wanted.size === 0) return names;
  for (const id of index.interviewIds()) {
    for (const p of index.interview(id)?.interviewees ?? []) {
      if (wanted.has(p.id) && !names.has(p.id)) names.set(p.id, p.name);
    }
    if (names.size === wanted.size) break;
  }
  return names;
}
