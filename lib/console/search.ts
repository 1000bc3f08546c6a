/**
 * One search as the console and the export run it: the same plan-then-render as
 * `Kikigaki.search`, but the export also needs the interviews the page was rendered from (their
 * source URL), so they are returned with the page.
 */

import type { PeopleDirectory, QuoteSearch } from '../search/backend.ts';
import type { DocumentLookup, SearchPage, SearchParams } from '../search/index.ts';
import type { Kikigaki } from '../service.ts';

/** A page of hits and the interviews it was rendered from. */
export interface RenderedPage {
  page: SearchPage;
  documents: DocumentLookup;
}

/** Searches and renders one page (GET /search's use case, keeping the interviews it read). */
export async function searchQuotes(
  service: Kikigaki,
  index: QuoteSearch,
  params: SearchParams,
): Promise<RenderedPage> {
  const plan = await index.plan(params);
  const documents = await service.documents(index, plan.documentIds);
  return { page: plan.render(documents), documents };
}

/**
 * The console's numbered page `pageNo` of `pageSize` hits; a number past the end (an old link, a
 * typed URL, results that shrank) shows the last page instead of an empty one, and says which.
 */
export async function numberedPage(
  service: Kikigaki,
  index: QuoteSearch,
  params: SearchParams,
  pageNo: number,
  pageSize: number,
): Promise<{ page: SearchPage; pageNo: number }> {
  const at = async (n: number) =>
    searchQuotes(service, index, {
      ...params,
      limit: pageSize,
      cursor: await index.cursorAt(params, (n - 1) * pageSize),
    });
  const { page } = await at(pageNo);
  const last = Math.max(1, Math.ceil(page.total / pageSize));
  if (page.hits.length > 0 || pageNo <= last) return { page, pageNo };
  return { page: (await at(last)).page, pageNo: last };
}

/** Names of people by id, from the index's people (for facet labels). */
export async function personNames(
  index: Pick<PeopleDirectory, 'personNames'>,
  ids: Iterable<string>,
): Promise<Map<string, string>> {
  return index.personNames(ids);
}
