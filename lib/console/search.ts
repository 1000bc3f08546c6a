/**
 * One search as the console and the export run it: the same plan-then-render as
 * `Kikigaki.search`, but the export also needs the interviews the page was rendered from (their
 * source URL), so they are returned with the page.
 */

import type { DocumentLookup, QuoteIndex, SearchPage, SearchParams } from '../search/index.ts';
import type { Kikigaki } from '../service.ts';

/** A page of hits and the interviews it was rendered from. */
export interface RenderedPage {
  page: SearchPage;
  documents: DocumentLookup;
}

/** Searches and renders one page (GET /search's use case, keeping the interviews it read). */
export async function searchQuotes(
  service: Kikigaki,
  index: QuoteIndex,
  params: SearchParams,
): Promise<RenderedPage> {
  const plan = index.plan(params);
  const documents = await service.documents(index, plan.documentIds);
  return { page: plan.render(documents), documents };
}

/**
 * The console's numbered page `pageNo` of `pageSize` hits; a number past the end (an old link, a
 * typed URL, results that shrank) shows the last page instead of an empty one, and says which.
 */
export async function numberedPage(
  service: Kikigaki,
  index: QuoteIndex,
  params: SearchParams,
  pageNo: number,
  pageSize: number,
): Promise<{ page: SearchPage; pageNo: number }> {
  const at = (n: number) =>
    searchQuotes(service, index, {
      ...params,
      limit: pageSize,
      cursor: index.cursorAt(params, (n - 1) * pageSize),
    });
  const { page } = await at(pageNo);
  const last = Math.max(1, Math.ceil(page.total / pageSize));
  if (page.hits.length > 0 || pageNo <= last) return { page, pageNo };
  return { page: (await at(last)).page, pageNo: last };
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
