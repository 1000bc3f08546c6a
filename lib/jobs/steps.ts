/**
 * What one step of each kind of job does. A step works through pages (of interviews, or of a
 * tag's quotes) until its budget of pages or time is spent or its phase ends, and returns the
 * record with the cursor where the next step continues; the runner (lib/jobs/runner.ts) saves it
 * and sends that step. Every page is idempotent (it reads the current state and converges to it),
 * so a step run twice changes nothing more.
 *
 * | kind    | phases                                                                  |
 * | ------- | ----------------------------------------------------------------------- |
 * | rebuild | train (retrain the model) → rescore (if it changed) → apply → sweep     |
 * | check   | compare → sweep (report only)                                            |
 * | repair  | compare → sweep, applying what differs                                   |
 * | rescore | rescore                                                                  |
 * | merge   | corrections → people → quotes (of the merged tag) → changed → carriers   |
 * | undo    | restore → quotes (of the target tag) → changed → carriers               |
 * | preview | quotes → people → corrections: a large merge's dry run, counted only      |
 *
 * `apply` re-reads every interview into the published index page by page and `sweep` removes
 * what the store no longer has, which leaves the index equal to a fresh build (an upsert
 * replaces an interview whole) while searches keep being served from it.
 */
import { interviewIdOfQuote } from '../ids.ts';
import type { Indexer } from '../indexer.ts';
import type { PeopleService } from '../people/service.ts';
import type { Job } from '../store/items.ts';
import type { Store } from '../store/port.ts';
import type { Tagging } from '../tagging/deps.ts';
import {
  completeMerge,
  completeUndo,
  restoreChanges,
  rewritePersonCorrections,
  rewriteQuoteCorrections,
} from '../tagging/merges.ts';
import { checkMemberships, refreshInterviews } from '../tagging/refresh.ts';
import { rescoreOne } from '../tagging/rescore.ts';
import { retrain } from '../tagging/retrain.ts';
import { MAX_IDS, withError } from './runner.ts';

/** The index a step reads and changes, and how its changes become visible. */
export interface IndexSession {
  indexer: Indexer;
  /** Publishes what the step changed (Lambda), or schedules it (local). */
  commit(): Promise<void>;
}

/** How much one step may do. */
export interface StepBudget {
  /** Interviews (or quotes of a tag) per page at most. */
  pageSize: number;
  /** Pages per step at most. */
  maxPages: number;
  /**
   * The step's time: no page is started that the measured pace says would end later than this
   * many ms after the step began, less {@link StepBudget.marginMs}.
   */
  ms: number;
  /**
   * Kept free at the end of the step for what follows its pages (publishing the index, saving the
   * record), and for a page slower than the last ones (default a tenth of `ms`).
   */
  marginMs?: number;
}

/**
 * On Lambda: steps of up to ~2,000 interviews or a minute, well inside the indexer's 5 minutes
 * (and its 120 s duration alarm); the last 10 s are for publishing the step's snapshot and for a
 * page slower than the pace said (a page of 1,000 quotes took 20–35 s at 1M quotes under load).
 */
export const LAMBDA_BUDGET: StepBudget = { pageSize: 100, maxPages: 20, ms: 60_000, marginMs: 10_000 };

/** What a step needs. */
export interface StepContext {
  store: Store;
  tagging: Tagging;
  /** The people edits' check: interviews an edit's rewrite left behind (check and repair). */
  people: Pick<PeopleService, 'checkInterviews'>;
  session: IndexSession;
  budget: StepBudget;
}

/** A page of work: ids (or items), and where the next page starts (null: the phase is over). */
interface Page<T = string> {
  ids: T[];
  next: string | null;
  /** Items read against the page's limit, when not `ids` (a page of quotes gives their interviews). */
  read?: number;
}

function count(job: Job, name: string, n = 1): void {
  job.result[name] = (job.result[name] ?? 0) + n;
}

function note(job: Job, name: string, ids: readonly string[]): void {
  if (ids.length === 0) return;
  const kept = job.ids[name] ?? [];
  job.ids[name] = [...kept, ...ids].slice(0, MAX_IDS);
}

function enter(job: Job, phase: string, total: number | null = null): Job {
  // The pace is per item of the phase (interviews, quotes, corrections): measured anew.
  return { ...job, phase, cursor: null, done: 0, total, pace: null, lastId: null };
}

/**
 * How many items (of what a phase pages: interviews, quotes, corrections) the next page may take
 * when `leftMs` of the step remain: as many as the measured pace says fit before the margin, at
 * most `max`; 0 when not even a page of `min` fits (the step yields). Without a pace yet (a
 * phase's first page, the pace being the phase's), a twentieth of `max`: the first page measures,
 * and a full page of an unknown pace could take longer than the step has (1,000 quotes of a tag
 * took up to 35 s at 1M quotes, on a loaded host).
 */
export function pageLimit(pace: number | null | undefined, leftMs: number, max: number, min = 1): number {
  if (leftMs <= 0) return 0;
  if (pace === null || pace === undefined || pace <= 0) return Math.max(min, Math.ceil(max / 20));
  const fits = Math.floor(leftMs / pace);
  return fits < min ? 0 : Math.min(max, fits);
}

/**
 * The pace after a page that took `ms` for `items`: a slower page counts whole (the next page is
 * sized for it at once), a faster one a quarter (one quick page does not make the next one large:
 * the cost of a page of quotes lands with the interviews it completes, so it comes in lumps).
 */
export function nextPace(pace: number | null | undefined, ms: number, items: number): number | null {
  if (items <= 0) return pace ?? null;
  const measured = ms / items;
  if (pace === null || pace === undefined || measured >= pace) return measured;
  return pace * 0.75 + measured * 0.25;
}

/**
 * Pages from the job's cursor, each sized by time: the step began at `started`, and a page is
 * taken only as large as the job's pace (ms per item, measured on the pages so far in this phase,
 * carried from step to step on the record) says fits in the time left less the margin. A step
 * therefore ends inside its budget however slow the store is, as long as one item takes less
 * than the budget. `max` is the largest page (items of what `fetch` reads); true when the phase
 * has no pages left.
 */
async function paged<T = string>(
  job: Job,
  budget: StepBudget,
  started: number,
  max: number,
  fetch: (cursor: string | undefined, limit: number) => Promise<Page<T>>,
  /** Does a page; may answer how many units of cost it did (see the pace below). */
  each: (ids: T[], more: boolean) => Promise<unknown>,
): Promise<boolean> {
  const margin = budget.marginMs ?? budget.ms / 10;
  let pages = 0;
  /** Items of the step's last page (0: none yet). */
  let last = 0;
  let cursor = job.cursor ?? undefined;
  do {
    // The first page of a step is always taken, so that a job advances at every step.
    const left = budget.ms - margin - (performance.now() - started);
    // A page at most twice the last one: a pace measured on a few items can be far off (a page of
    // quotes that ends inside its only interview leaves it, and its cost, to the next page).
    const cap = last > 0 ? Math.min(max, 2 * last) : max;
    const limit = pages === 0 ? Math.max(1, pageLimit(job.pace, left, cap)) : pageLimit(job.pace, left, cap);
    if (limit === 0) break;
    const t0 = performance.now();
    const page = await fetch(cursor, limit);
    const work = await each(page.ids, page.next !== null);
    last = page.read ?? page.ids.length;
    // The pace is per item of the page's limit, unless `each` says how many units of its cost
    // the page did: the interviews it refreshed, when the limit is in quotes or changes. There
    // are never more of those than items read, so a limit of n items costs at most n units; per
    // item read, a page of quotes of one interview looked 20 times cheaper than one of twenty
    // (a step ran 3.1–3.8 s of 3 in tests/api/job-budget.test.ts).
    job.pace = nextPace(job.pace, performance.now() - t0, typeof work === 'number' ? work : last);
    job.pages++;
    job.done += page.ids.length;
    pages++;
    cursor = page.next ?? undefined;
  } while (cursor && pages < budget.maxPages);
  job.cursor = cursor ?? null;
  return cursor === undefined;
}

/** A page of interview ids, newest first (the store's list). */
function interviewPage(store: Store) {
  return async (cursor: string | undefined, limit: number): Promise<Page> => {
    const page = await store.listInterviews({ limit, cursor });
    return { ids: page.items.map((s) => s.id), next: page.nextCursor };
  };
}

/**
 * Runs `batch` over ids; when the batch fails (one unreadable item fails a batched read), each id
 * alone, so one bad interview is reported and skipped instead of failing the job.
 */
async function eachOrAlone(
  job: Job,
  ids: readonly string[],
  batch: (ids: readonly string[]) => Promise<void>,
): Promise<void> {
  try {
    await batch(ids);
  } catch {
    for (const id of ids)
      try {
        await batch([id]);
      } catch (e) {
        job.errors = withError(job.errors, `interview ${id}: ${e instanceof Error ? e.message : String(e)}`);
        count(job, 'failed');
      }
  }
}

/**
 * Pages of a tag's quotes, counted as `quotes`, given as their interviews (a page's limit is in
 * quotes: `read`). Quotes are listed by quote id, so an interview's quotes are together.
 */
function tagQuotePages(store: Store, job: Job, tag: string) {
  return async (cursor: string | undefined, limit: number): Promise<Page> => {
    const page = await store.quotesWithTag(tag, { limit, cursor });
    count(job, 'quotes', page.items.length);
    return {
      ids: [...new Set(page.items.map((q) => q.interviewId))],
      next: page.nextCursor,
      read: page.items.length,
    };
  };
}

/**
 * Pages of the people who carry a tag, as person ids, each counted once as `people` (a page's
 * limit is in entries, one per interview a person is in: `read`). The store lists them by person
 * id, so a person's entries are together: one that a page ends inside is not given again by the
 * next (job.lastId, kept across steps). The cursor is a key: people who leave the tag as their
 * corrections are rewritten do not move the next page.
 */
function tagPeoplePages(store: Store, job: Job, tag: string) {
  return async (cursor: string | undefined, limit: number): Promise<Page> => {
    const page = await store.peopleWithTagPage(tag, { limit, cursor });
    const people = [...new Set(page.items.map((p) => p.personId))];
    const ids = people[0] !== undefined && people[0] === job.lastId ? people.slice(1) : people;
    job.lastId = people.at(-1) ?? job.lastId ?? null;
    count(job, 'people', ids.length);
    return { ids, next: page.nextCursor, read: page.items.length };
  };
}

/**
 * Pages of the interviews of the quotes whose corrections a merge rewrote (its changes, listed
 * by target: people first, skipped here, then quotes by quote id, so an interview's are together:
 * one that a page ends inside is not given again, by job.lastId).
 */
function changedQuotePages(store: Store, job: Job, mergeId: string) {
  return async (cursor: string | undefined, limit: number): Promise<Page> => {
    const page = await store.mergeChangesPage(mergeId, { limit, cursor });
    const interviews = [
      ...new Set(
        page.items.flatMap((c) => {
          const id = c.target.kind === 'quote' ? interviewIdOfQuote(c.target.quoteId) : null;
          return id ? [id] : [];
        }),
      ),
    ];
    const ids =
      interviews[0] !== undefined && interviews[0] === job.lastId ? interviews.slice(1) : interviews;
    job.lastId = interviews.at(-1) ?? job.lastId ?? null;
    return { ids, next: page.nextCursor, read: page.items.length };
  };
}

/**
 * Pages of the interviews where someone carries a tag (the people's entries with an interview;
 * those added by hand have none), each page's interviews once.
 */
function carrierPages(store: Store, tag: string) {
  return async (cursor: string | undefined, limit: number): Promise<Page> => {
    const page = await store.peopleWithTagPage(tag, { limit, cursor });
    const ids = [...new Set(page.items.flatMap((p) => (p.interviewId ? [p.interviewId] : [])))];
    return { ids, next: page.nextCursor, read: page.items.length };
  };
}

/**
 * Pages of the index's interview ids in id order, after a key cursor (the last id of the page
 * before): an id indexed meanwhile is swept if it sorts after the cursor, and needs no sweep
 * anyway (it was indexed from the store). The ids are the index's, in memory; sorted once per
 * step, on its first page.
 */
function indexIdPages(indexer: Indexer) {
  let sorted: string[] | null = null;
  return async (cursor: string | undefined, limit: number): Promise<Page> => {
    sorted ??= (await indexer.interviewIds()).sort();
    const all = sorted;
    // The first id after the cursor (binary search: the cursor itself may be gone from the index).
    let lo = 0;
    let hi = all.length;
    while (cursor !== undefined && lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((all[mid] as string) <= cursor) lo = mid + 1;
      else hi = mid;
    }
    const ids = all.slice(lo, lo + limit);
    const more = lo + limit < all.length;
    return { ids, next: more ? (ids.at(-1) ?? null) : null };
  };
}

/**
 * Refreshes the interviews of a merge's or an undo's page that no earlier step of the job
 * refreshed, and counts them as `interviews`; answers how many (the page's units of cost). An
 * interview is on several of the job's lists (the tag's quotes, the quotes whose corrections
 * changed, the tag's carriers; an undo's lists do not shrink as they are refreshed), or named by
 * two carriers on different pages: once refreshed, after every correction of the merge was
 * rewritten or restored (the phases before), it is what the merge leaves, so it is refreshed and
 * counted once, as a merge done before answering counts a set. The job's visits are kept in the
 * store beside its record (a set in the record would grow with the tag: ~8,000 interviews at 1M
 * quotes); a retried step's own visits count again, its counts having never been saved.
 */
async function refreshOnce(ctx: StepContext, job: Job, ids: readonly string[]): Promise<number> {
  const first = await ctx.store.firstVisits(job.id, job.step, ids);
  await refreshInterviews(ctx.tagging, first);
  count(job, 'interviews', first.length);
  return first.length;
}

/** Runs one step of `job`; returns the record as the step leaves it (state `done` at the end). */
export async function advance(input: Job, ctx: StepContext): Promise<Job> {
  const job: Job = structuredClone(input);
  const { store, tagging, session, budget } = ctx;
  const indexer = session.indexer;
  // The step's clock: pages are sized to what is left of its budget after everything before them.
  const started = performance.now();
  const interviews = interviewPage(store);
  const size = budget.pageSize;
  const approxTotal = () => indexer.index.stats.interviews;
  let touched = false;
  const apply = async (ids: readonly string[]) => {
    if (ids.length === 0) return;
    const r = await indexer.applyMany(ids);
    touched = true;
    count(job, 'indexed', r.upserted);
    if (r.removed > 0) count(job, 'removed', r.removed);
  };
  // Done: what was done is the whole of it (total was an estimate while paging).
  const finish = (): Job => ({ ...job, state: 'done', phase: 'done', cursor: null, total: job.done });
  let next: Job;

  switch (`${job.kind}:${job.phase}`) {
    // ------------------------------------------------------------------ rebuild
    case 'rebuild:train': {
      const trained = await retrain(tagging);
      job.result.examples = trained?.examples ?? 0;
      next = trained ? enter(job, 'rescore', approxTotal()) : enter(job, 'apply', approxTotal());
      break;
    }
    case 'rebuild:rescore':
    case 'rescore:rescore': {
      if (job.total === null) job.total = approxTotal();
      const ended = await paged(job, budget, started, size, interviews, async (ids) => {
        for (const id of ids)
          try {
            if (await rescoreOne(tagging, id)) count(job, 'changed');
          } catch (e) {
            job.errors = withError(job.errors, `interview ${id}: ${e instanceof Error ? e.message : e}`);
            count(job, 'failed');
          }
      });
      next = !ended ? job : job.kind === 'rescore' ? finish() : enter(job, 'apply', approxTotal());
      break;
    }
    case 'rebuild:apply': {
      const ended = await paged(job, budget, started, size, interviews, (ids) =>
        eachOrAlone(job, ids, apply),
      );
      next = ended ? enter(job, 'sweep', approxTotal()) : job;
      break;
    }
    // ------------------------------------------------------------------ check, repair
    case 'check:compare':
    case 'repair:compare': {
      const repair = job.kind === 'repair';
      if (job.total === null) job.total = approxTotal();
      const ended = await paged(job, budget, started, size, interviews, (ids) =>
        eachOrAlone(job, ids, async (page) => {
          const c = await indexer.compare(page);
          const present = page.filter((id) => !c.absent.includes(id));
          // Checked only here; repaired below, after the index has the interviews it lacked.
          const tags = await checkMemberships(tagging, present, false);
          // Before the index's repair below: an interview written again here is applied with it.
          const people = await ctx.people.checkInterviews(present, repair);
          count(job, 'checked', present.length);
          count(job, 'people', people.length);
          note(job, 'people', people);
          count(job, 'missing', c.missing.length);
          count(job, 'stale', c.stale.length);
          count(job, 'tags', tags.length);
          note(job, 'missing', c.missing);
          note(job, 'stale', c.stale);
          note(job, 'tags', tags);
          // Reported, never repaired: the store keeps no source to parse again (re-ingest it).
          count(job, 'reingest', c.reingest.length);
          note(job, 'reingest', c.reingest);
          if (repair) {
            await apply([...c.missing, ...c.stale]);
            await refreshInterviews(tagging, tags);
            if (c.missing.length + c.stale.length + tags.length + people.length > 0) job.result.repaired = 1;
          }
        }),
      );
      next = ended ? enter(job, 'sweep', approxTotal()) : job;
      break;
    }
    case 'rebuild:sweep':
    case 'check:sweep':
    case 'repair:sweep': {
      // Interviews the index holds that the store does not: the index's ids a page at a time, in
      // id order from the job's key cursor (the last id swept), each page looked up in the store
      // (its heads, batched). Never the store's whole list of ids (~50,000 at 1M quotes, once read
      // in one step): a page is as large as the step's time allows, and the sweep counts `done`
      // of `total` (the index's interviews when it began) like the phases before it.
      if (job.total === null) job.total = approxTotal();
      const ended = await paged(job, budget, started, size * 10, indexIdPages(indexer), async (ids) => {
        const found = await store.interviewSummaries(ids);
        const extra = ids.filter((id) => !found.has(id));
        count(job, 'extra', extra.length);
        note(job, 'extra', extra);
        // applyMany reads each again: one written since the look-up is upserted, not removed.
        if (job.kind !== 'check') {
          await apply(extra);
          if (job.kind === 'repair' && extra.length > 0) job.result.repaired = 1;
        }
      });
      if (!ended) {
        next = job;
        break;
      }
      job.result.extra ??= 0;
      if (job.kind === 'repair') job.result.repaired ??= 0;
      next = finish();
      break;
    }
    // ------------------------------------------------------------------ merge, undo
    case 'merge:corrections': {
      // The corrections naming `from`, rewritten a page at a time (each leaves the tag's list as
      // it is rewritten; the cursor is a key, so the next page starts after it all the same).
      const merge = await store.getMerge(job.params.mergeId ?? '');
      if (!merge) throw new Error(`merge ${job.params.mergeId} not found`);
      // Undone meanwhile: nothing more is rewritten (the undo's job, whose steps come after
      // this one's, restores what was).
      if (merge.state !== 'applying') {
        next = finish();
        break;
      }
      const ended = await paged(
        job,
        budget,
        started,
        size,
        async (cursor, limit) => {
          const page = await store.quotesCorrectedWithTagPage(merge.from, { limit, cursor });
          return {
            ids: [...new Set(page.items.map((c) => c.quoteId))],
            next: page.nextCursor,
            read: page.items.length,
          };
        },
        async (ids) => count(job, 'corrections', await rewriteQuoteCorrections(tagging, merge, ids)),
      );
      next = ended ? enter(job, 'people') : job;
      break;
    }
    case 'merge:people': {
      // The people who carry `from` (each counted once), their corrections rewritten a page at a
      // time (a page read, never the whole list: a common tag is carried by as many people as
      // it has interviews).
      const merge = await store.getMerge(job.params.mergeId ?? '');
      if (!merge) throw new Error(`merge ${job.params.mergeId} not found`);
      if (merge.state !== 'applying') {
        next = finish();
        break;
      }
      job.result.people ??= 0;
      const ended = await paged(
        job,
        budget,
        started,
        size,
        tagPeoplePages(store, job, merge.from),
        async (ids) => count(job, 'corrections', await rewritePersonCorrections(tagging, merge, ids)),
      );
      next = ended ? enter(job, 'quotes') : job;
      break;
    }
    case 'undo:restore': {
      // What the merge rewrote, restored a page at a time (unless edited since: kept, listed).
      const merge = await store.getMerge(job.params.mergeId ?? '');
      if (!merge) throw new Error(`merge ${job.params.mergeId} not found`);
      const ended = await paged(
        job,
        budget,
        started,
        size,
        async (cursor, limit) => {
          const page = await store.mergeChangesPage(merge.id, { limit, cursor });
          return { ids: page.items, next: page.nextCursor };
        },
        async (changes) => {
          const r = await restoreChanges(tagging, changes, merge.undoneBy ?? merge.who);
          count(job, 'restored', r.restored);
          count(job, 'kept', r.kept.length);
          note(job, 'kept', r.kept);
        },
      );
      next = ended ? enter(job, 'quotes') : job;
      break;
    }
    case 'merge:quotes':
    case 'undo:quotes': {
      const merge = await store.getMerge(job.params.mergeId ?? '');
      if (!merge) throw new Error(`merge ${job.params.mergeId} not found`);
      // A merge moves the quotes of `from`; an undo those now under `into` (some came from `from`).
      const tag = job.kind === 'merge' ? merge.from : merge.into;
      const ended = await paged(
        job,
        budget,
        started,
        size * 10,
        tagQuotePages(store, job, tag),
        async (ids, more) => {
          // A page of quotes may end inside an interview (its quotes are listed together, by
          // quote id). Its last interview waits for the next page (job.lastId, kept across steps):
          // refreshed now, a merge's would take its quotes still to be read out of the list
          // (they would go uncounted), an undo's would be refreshed again with the rest.
          const pending = job.lastId;
          const todo = pending && pending !== ids[0] ? [pending, ...ids] : ids;
          job.lastId = more ? (todo.at(-1) ?? null) : null;
          const now = more ? todo.slice(0, -1) : todo;
          return refreshOnce(ctx, job, now);
        },
      );
      next = ended ? enter(job, 'changed') : job;
      break;
    }
    case 'merge:rest':
    case 'undo:rest':
      // A record left at the phase that read both lists whole (older code; its cursor was an
      // interview id): the two phases that page them start over (refreshing is idempotent).
      next = enter(job, 'changed');
      break;
    case 'merge:changed':
    case 'undo:changed':
    case 'merge:carriers':
    case 'undo:carriers': {
      // What the quotes phase did not reach: the interviews of the quotes whose corrections the
      // merge rewrote (`changed`), then those where someone carries the tag (`carriers`: as many
      // as the tag is common, an interviewee carrying what their quotes say). Each list is paged
      // from a key cursor, never read whole; a merge's lists shrink as they are refreshed (people
      // then carry `into`), which a key cursor, unlike an offset, does not mind. An interview on
      // several lists (or two carriers' in one, on different pages) is refreshed and counted once
      // (refreshOnce).
      const mergeId = job.params.mergeId ?? '';
      const merge = await store.getMerge(mergeId);
      if (!merge) throw new Error(`merge ${mergeId} not found`);
      const tag = job.kind === 'merge' ? merge.from : merge.into;
      const changed = job.phase === 'changed';
      const ended = await paged(
        job,
        budget,
        started,
        size,
        changed ? changedQuotePages(store, job, mergeId) : carrierPages(store, tag),
        (page) => refreshOnce(ctx, job, page),
      );
      if (!ended) {
        next = job;
        break;
      }
      if (changed) {
        next = enter(job, 'carriers');
        break;
      }
      // What the job counted, for the merge's record and the undo's audit entry (a merge or undo
      // done before answering recorded its own).
      const counted = (name: string) => job.result[name] ?? 0;
      if (job.kind === 'merge')
        await completeMerge(tagging, mergeId, {
          quotes: counted('quotes'),
          people: counted('people'),
          interviews: counted('interviews'),
        });
      else
        await completeUndo(tagging, mergeId, {
          restored: counted('restored'),
          kept: counted('kept'),
          interviews: counted('interviews'),
        });
      next = finish();
      break;
    }
    // ------------------------------------------------------------------ preview (a dry run)
    case 'preview:quotes': {
      // The quotes of `from` and their interviews (a tag's quotes are listed by quote id, so an
      // interview's are together: one that a page ends inside is counted once, by job.lastId).
      const from = job.params.from ?? '';
      const ended = await paged(
        job,
        budget,
        started,
        size * 10,
        tagQuotePages(store, job, from),
        async (ids) => {
          const fresh = ids[0] !== undefined && ids[0] === job.lastId ? ids.slice(1) : ids;
          job.lastId = ids.at(-1) ?? job.lastId ?? null;
          count(job, 'interviews', fresh.length);
        },
      );
      if (ended) job.result.quotes ??= 0;
      next = ended ? enter(job, 'people') : job;
      break;
    }
    case 'preview:people': {
      // As the merge's `people` phase reads them: who carries `from`, and whose own corrections
      // name it (what the merge would rewrite).
      const from = job.params.from ?? '';
      job.result.people ??= 0;
      const ended = await paged(job, budget, started, size, tagPeoplePages(store, job, from), async (ids) => {
        const manual = await store.manualPersonTags(ids);
        let n = 0;
        for (const m of manual.values()) if (m.add.includes(from) || m.remove.includes(from)) n++;
        count(job, 'corrections', n);
      });
      next = ended ? enter(job, 'corrections') : job;
      break;
    }
    case 'preview:corrections': {
      const from = job.params.from ?? '';
      const ended = await paged(
        job,
        budget,
        started,
        size,
        async (cursor, limit) => {
          const page = await store.quotesCorrectedWithTagPage(from, { limit, cursor });
          return {
            ids: [...new Set(page.items.map((c) => c.quoteId))],
            next: page.nextCursor,
            read: page.items.length,
          };
        },
        async (ids) => count(job, 'corrections', (await store.manualQuoteTags(ids)).size),
      );
      if (ended) job.result.corrections ??= 0;
      next = ended ? finish() : job;
      break;
    }
    default:
      throw new Error(`job ${job.id}: no step for ${job.kind} in phase ${job.phase}`);
  }
  if (touched) await session.commit();
  return next;
}
