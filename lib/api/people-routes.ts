/**
 * The people routes (issue 13 §4): reassign a turn's speaker or role, rename, merge and split
 * people. Handlers validate, call one use case of lib/people/service.ts (audited there), and
 * shape the response.
 */
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import type { IndexProvider } from '../search/backend.ts';
import type { Kikigaki } from '../service.ts';
import { type AppEnv, actor, check, jsonBody, query, reply } from './http.ts';
import {
  DuplicatesQuery,
  DuplicatesResponse,
  MergePeopleBody,
  PersonResponse,
  ReassignSpeakerBody,
  RenamePersonBody,
  SpeakerResponse,
  SplitPersonBody,
} from './people-schemas.ts';
import { NoQuery, Params } from './schemas.ts';

/** What the people routes need. */
export interface PeopleRouteDeps {
  service: Kikigaki;
  index: IndexProvider;
  auth: MiddlewareHandler<AppEnv>;
  readGuard: MiddlewareHandler<AppEnv>;
}

export function peopleRoutes(deps: PeopleRouteDeps) {
  const { auth, readGuard } = deps;
  const people = deps.service.people;

  const interviewees = new Hono<AppEnv>();
  // Mounted before /interviewees/{id}, which would take `duplicates` for an id.
  interviewees.get('/duplicates', readGuard, async (c) => {
    const q = query(c, DuplicatesQuery);
    const groups = await (await deps.index.get()).duplicatePeople();
    return reply(c, DuplicatesResponse, { total: groups.length, groups: groups.slice(0, q.limit) });
  });
  interviewees.get('/:id/person', readGuard, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    return reply(c, PersonResponse, await people.person(id));
  });
  interviewees.post('/:id/rename', auth, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, RenamePersonBody);
    const view = await people.renamePerson(
      id,
      { name: body.name, title: body.title, reading: body.reading },
      actor(c),
      body.expectedVersion,
    );
    return reply(c, PersonResponse, view);
  });
  interviewees.post('/:id/merge', auth, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, MergePeopleBody);
    return reply(c, PersonResponse, await people.mergePeople(id, body.into, actor(c), body.expectedVersion));
  });
  interviewees.post('/:id/split', auth, async (c) => {
    const { id } = check(Params.id, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, SplitPersonBody);
    const view = await people.splitPerson(
      id,
      { quoteIds: body.quoteIds, name: body.name },
      actor(c),
      body.expectedVersion,
    );
    return reply(c, PersonResponse, view, 201);
  });

  const quotes = new Hono<AppEnv>();
  quotes.put('/:quoteId/speaker', auth, async (c) => {
    const { quoteId } = check(Params.quote, c.req.param(), 'path');
    query(c, NoQuery);
    const body = await jsonBody(c, ReassignSpeakerBody);
    const view = await people.reassignTurn(
      quoteId,
      { personId: body.personId, name: body.name, role: body.role, label: body.label },
      actor(c),
      body.expectedVersion,
    );
    return reply(c, SpeakerResponse, view);
  });

  return { interviewees, quotes };
}
