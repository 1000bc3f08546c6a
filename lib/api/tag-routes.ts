/**
 * The tag routes: quotes' and interviewees' tags, /tags, merges (preview, list, undo), bulk
 * edits of a search's quotes, the audit trail and the taxonomy. Handlers
 * validate, call one use case of lib/tagging/ (a module per job: quotes.ts, profiles.ts,
 * directory.ts, merges.ts, bulk.ts, audit.ts, topics.ts), and shape the response.
 */
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { ValidationError } from '../errors.ts';
import { type Job, jobView } from '../jobs/runner.ts';
import type { IndexProvider, QuoteSearch } from '../search/backend.ts';
import type { SearchParams } from '../search/index.ts';
import type { Kikigaki } from '../service.ts';
import { parseAuditSubject } from '../store/keys.ts';
import { readAudit } from '../tagging/audit.ts';
import { bulkEdit } from '../tagging/bulk.ts';
import { assertKnownTags, listTags, resolveTags } from '../tagging/directory.ts';
import { listMerges, merge, undoMerge } from '../tagging/merges.ts';
import { editIntervieweeTags, interviewee } from '../tagging/profiles.ts';
import { editQuoteTags, getQuote, quotesWithTag } from '../tagging/quotes.ts';
import {
  createTopic,
  deleteTopic,
  taxonomy,
  taxonomyAt,
  taxonomyVersions,
  topic,
  updateTopic,
} from '../tagging/topics.ts';
import { type AppEnv, actor, check, jsonBody, query, reply } from './http.ts';
import {
  AddTagsBody,
  ExpectedVersionQuery,
  IntervieweeListResponse,
  IntervieweeResponse,
  IntervieweesQuery,
  NoQuery,
  PagedQuery,
  Params,
  QuoteResponse,
  SetTagsBody,
  TagQuotesResponse,
  TagsResponse,
} from './schemas.ts';
import {
  AuditQuery,
  AuditResponse,
  BulkTagsBody,
  BulkTagsResponse,
  CreateTopicBody,
  MergeBody,
  MergeParams,
  MergeResponse,
  MergesResponse,
  PersonAddTagsBody,
  TaxonomyEditResponse,
  TaxonomyVersionParams,
  TaxonomyVersionResponse,
  TaxonomyVersionsResponse,
  TopicParams,
  TopicResponse,
  TopicsResponse,
  UndoResponse,
  UpdateTopicBody,
} from './tag-schemas.ts';

/** The most quotes one bulk edit may change (a larger search is a 400: narrow it). */
export const BULK_LIMIT = 5000;

/** What the tag routes need. */
export interface TagRouteDeps {
  service: Kikigaki;
  index: IndexProvider;
  auth: MiddlewareHandler<AppEnv>;
  readGuard: MiddlewareHandler<AppEnv>;
}

/** Every quote id a search matches (paging through it; its hits are rendered from the store). */
async function searchQuoteIds(
  service: Kikigaki,
  index: QuoteSearch,
  search: SearchParams,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await service.search(index, { ...search, limit: 100, ...(cursor ? { cursor } : {}) });
    for (const h of page.hits) ids.push(h.quoteId);
    if (ids.length > BULK_LIMIT)
      throw new ValidationError(`the search matches more than ${BULK_LIMIT} quotes; narrow it first`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/** The `resolved` field of a read filtered by tags: present only when a merged-away tag was named. */
export function resolvedField(resolved: Record<string, string>): { resolved?: Record<string, string> } {
  return Object.keys(resolved).length > 0 ? { resolved } : {};
}

/** A use case's answer with its job (if any) as the API shows jobs. */
function withJobView<T extends { job: Job | null }>(r: T) {
  return { ...r, job: r.job ? jobView(r.job) : null };
}

/** Builds the tag route groups, each to be mounted at its prefix. */
export function tagRoutes(deps: TagRouteDeps) {
  const { service, auth, readGuard } = deps;
  const tagging = service.tagging;

  // ---------------------------------------------------------------- /tags
  const tags = new Hono<AppEnv>();
  tags.get('/', readGuard, async (c) => {
    query(c, NoQuery);
    const index = await deps.index.get();
    return reply(c, TagsResponse, { tags: await listTags(tagging, index) });
  });
  tags.get('/:tag/quotes', readGuard, async (c) => {
    const { tag: named } = check(Params.tag, c.req.param(), 'path');
    const q = query(c, PagedQuery);
    // A merged-away tag reads as its target, and says so.
    const {
      tags: [tag = named],
      resolved,
    } = await resolveTags(tagging, [named]);
    const page = await quotesWithTag(tagging, tag, q.limit, q.cursor);
    return reply(c, TagQuotesResponse, {
      tag,
      quotes: page.items,
      nextCursor: page.nextCursor,
      ...resolvedField(resolved),
    });
  });
  tags.post('/:tag/merge', auth, async (c) => {
    const { tag } = check(Params.tag, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, MergeBody);
    const result = await merge(
      tagging,
      tag,
      body.into,
      { create: body.create, dryRun: body.dryRun },
      actor(c),
    );
    return reply(c, MergeResponse, withJobView(result));
  });

  // ---------------------------------------------------------------- /merges
  const merges = new Hono<AppEnv>();
  merges.get('/', readGuard, async (c) => {
    const q = query(c, PagedQuery);
    const page = await listMerges(tagging, q);
    return reply(c, MergesResponse, { merges: page.items, nextCursor: page.nextCursor });
  });
  merges.post('/:id/undo', auth, async (c) => {
    const { id } = check(MergeParams, c.req.param(), 'path');
    query(c, NoQuery);
    return reply(c, UndoResponse, withJobView(await undoMerge(tagging, id, actor(c))));
  });

  // ---------------------------------------------------------------- /bulk
  const bulk = new Hono<AppEnv>();
  bulk.post('/tags', auth, async (c) => {
    query(c, NoQuery);
    const body = await jsonBody(c, BulkTagsBody);
    const index = await deps.index.get();
    const quoteIds = await searchQuoteIds(service, index, body.search);
    if (quoteIds.length === 0) {
      await assertKnownTags(tagging, body.search.tags ?? []);
      await service.assertKnownInterview(index, body.search.interview);
    }
    const result = await bulkEdit(
      tagging,
      { quoteIds, search: body.search },
      { add: body.add, remove: body.remove },
      { dryRun: body.dryRun },
      actor(c),
    );
    return reply(c, BulkTagsResponse, result);
  });

  /**
   * An audit entry's subject as clients read it ({kind: 'quote', id}), not the partition it is kept
   * under (QUOTE#…): the store's key is its own business.
   */
  function subjectOf(subjectPk: string): {
    kind: 'quote' | 'person' | 'tag' | 'topic' | 'bulk';
    id?: string;
  } {
    const s = parseAuditSubject(subjectPk);
    // Every entry is written under a key keys.ts builds: one it cannot read is a broken store.
    if (!s) throw new Error(`audit entry under an unreadable key: ${subjectPk}`);
    switch (s.kind) {
      case 'quote':
        return { kind: 'quote', id: s.quoteId };
      case 'person':
        return { kind: 'person', id: s.personId };
      case 'tag':
        return { kind: 'tag', id: s.tag };
      case 'topic':
        return { kind: 'topic', id: s.topic };
      case 'bulk':
        return { kind: 'bulk' };
    }
  }

  // ---------------------------------------------------------------- /audit
  const audit = new Hono<AppEnv>();
  audit.get('/', auth, async (c) => {
    const q = query(c, AuditQuery);
    const page = await readAudit(
      tagging,
      { quote: q.quote, person: q.person, tag: q.tag, actor: q.actor },
      { limit: q.limit, cursor: q.cursor },
    );
    return reply(c, AuditResponse, {
      entries: page.items.map((e) => ({ ...e, subject: subjectOf(e.subject) })),
      nextCursor: page.nextCursor,
    });
  });

  // ---------------------------------------------------------------- /interviewees
  const people = new Hono<AppEnv>();
  people.get('/', readGuard, async (c) => {
    const q = query(c, IntervieweesQuery, ['tag']);
    const { tags, resolved } = await resolveTags(tagging, q.tag);
    const page = await service.interviewees({
      ...(q.q ? { q: q.q } : {}),
      ...(q.q || tags.length === 0 ? { index: await deps.index.get() } : {}),
      tags,
      match: q.match,
      limit: q.limit,
      cursor: q.cursor,
    });
    if (page.items.length === 0) await assertKnownTags(tagging, tags);
    return reply(c, IntervieweeListResponse, {
      interviewees: page.items,
      nextCursor: page.nextCursor,
      ...resolvedField(resolved),
    });
  });
  people.get('/:id', readGuard, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    return reply(c, IntervieweeResponse, await interviewee(tagging, id));
  });
  people.put('/:id/tags', auth, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, SetTagsBody);
    const profile = await editIntervieweeTags(
      tagging,
      id,
      { set: { add: body.tags, remove: body.remove ?? [] } },
      actor(c),
      body.expectedVersion,
    );
    return reply(c, IntervieweeResponse, profile);
  });
  people.post('/:id/tags', auth, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, PersonAddTagsBody);
    return reply(
      c,
      IntervieweeResponse,
      await editIntervieweeTags(tagging, id, { add: body.tags }, actor(c), body.expectedVersion),
    );
  });
  people.delete('/:id/tags/:tag', auth, async (c) => {
    const { id, tag } = check(Params.personTag, c.req.param(), 'path');
    const q = query(c, ExpectedVersionQuery);
    return reply(
      c,
      IntervieweeResponse,
      await editIntervieweeTags(tagging, id, { remove: [tag] }, actor(c), q.expectedVersion),
    );
  });

  // ---------------------------------------------------------------- /quotes
  const quotes = new Hono<AppEnv>();
  quotes.get('/:quoteId', readGuard, async (c) => {
    const { quoteId } = check(Params.quote, c.req.param(), 'path');
    query(c, NoQuery);
    return reply(c, QuoteResponse, await getQuote(tagging, quoteId));
  });
  quotes.post('/:quoteId/tags', auth, async (c) => {
    const { quoteId } = check(Params.quote, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, AddTagsBody);
    return reply(
      c,
      QuoteResponse,
      await editQuoteTags(tagging, quoteId, { add: body.tags }, actor(c), body.expectedVersion),
    );
  });
  quotes.delete('/:quoteId/tags/:tag', auth, async (c) => {
    const { quoteId, tag } = check(Params.quoteTag, c.req.param(), 'path');
    const q = query(c, ExpectedVersionQuery);
    return reply(
      c,
      QuoteResponse,
      await editQuoteTags(tagging, quoteId, { remove: [tag] }, actor(c), q.expectedVersion),
    );
  });

  // ---------------------------------------------------------------- /topics
  const topics = new Hono<AppEnv>();
  topics.get('/', readGuard, async (c) => {
    query(c, NoQuery);
    return reply(c, TopicsResponse, await taxonomy(tagging));
  });
  topics.get('/versions', readGuard, async (c) => {
    query(c, NoQuery);
    const [current, versions] = await Promise.all([taxonomy(tagging), taxonomyVersions(tagging)]);
    return reply(c, TaxonomyVersionsResponse, { version: current.version, versions });
  });
  topics.get('/versions/:version', readGuard, async (c) => {
    const { version } = check(TaxonomyVersionParams, c.req.param(), 'path');
    query(c, NoQuery);
    return reply(c, TaxonomyVersionResponse, await taxonomyAt(tagging, version));
  });
  topics.get('/:id', readGuard, async (c) => {
    const { id } = check(TopicParams, c.req.param(), 'path');
    query(c, NoQuery);
    return reply(c, TopicResponse, await topic(tagging, id));
  });
  topics.post('/', auth, async (c) => {
    query(c, NoQuery);
    const body = await jsonBody(c, CreateTopicBody);
    return reply(
      c,
      TaxonomyEditResponse,
      withJobView(await createTopic(tagging, body.topic, actor(c), body.expectedVersion)),
      201,
    );
  });
  topics.put('/:id', auth, async (c) => {
    const { id } = check(TopicParams, c.req.param(), 'path');
    query(c, NoQuery);
    const { expectedVersion, id: named, ...patch } = await jsonBody(c, UpdateTopicBody);
    if (named !== undefined && named !== id)
      throw new ValidationError(`a topic's id stays '${id}': to rename it, create '${named}' and merge`);
    if (Object.keys(patch).length === 0) throw new ValidationError('name at least one field to change');
    return reply(
      c,
      TaxonomyEditResponse,
      withJobView(await updateTopic(tagging, id, patch, actor(c), expectedVersion)),
    );
  });
  topics.delete('/:id', auth, async (c) => {
    const { id } = check(TopicParams, c.req.param(), 'path');
    const q = query(c, ExpectedVersionQuery);
    return reply(
      c,
      TaxonomyEditResponse,
      withJobView(await deleteTopic(tagging, id, actor(c), q.expectedVersion)),
    );
  });

  return { tags, merges, bulk, audit, people, quotes, topics };
}
