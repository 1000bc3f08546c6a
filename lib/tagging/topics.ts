/**
 * The taxonomy: the topics in use and their versions, and editors' changes to them (each one a
 * new stored version, refused with 409 over a stale `expectedVersion`, then a re-score).
 */
import { ConflictError, KikigakiError, NotFoundError, ValidationError } from '../errors.ts';
import type { Job } from '../jobs/runner.ts';
import { type Taxonomy, TaxonomySchema, type TopicInput, TopicSchema } from '../taxonomy/index.ts';
import { onLatest, type Tagging } from './deps.ts';
import { rescore, rescoreNow } from './rescore.ts';

/** The taxonomy as the API shows it. */
export interface TaxonomyView {
  version: number;
  topics: Taxonomy['topics'];
}

/** A taxonomy edit's answer: the new taxonomy and the background re-score. */
export interface TaxonomyEdit extends TaxonomyView {
  job: Job | null;
}

/** The taxonomy in use and its version (0: the shipped file, never edited). */
export async function taxonomy(ctx: Tagging): Promise<TaxonomyView> {
  const [tagger, version] = await Promise.all([ctx.taggers.current(), ctx.taggers.version()]);
  return { version, topics: tagger.taxonomy.topics };
}

/** One topic and the taxonomy version; a 404 for a deleted topic names the last version that had it. */
export async function topic(
  ctx: Tagging,
  id: string,
): Promise<{ version: number; topic: Taxonomy['topics'][number] }> {
  const t = await taxonomy(ctx);
  const topic = t.topics.find((x) => x.id === id);
  if (!topic) throw await topicNotFound(ctx, id);
  return { version: t.version, topic };
}

/**
 * The 404 of a topic not in the taxonomy. When the topic was deleted it names the version that
 * still had it (GET /topics/versions/{n} shows its labels, description and evidence, to create it
 * again). Found from the topic's newest audit entry: one query of that topic's own partition,
 * asked only on a 404 (reading the versions themselves would unpack every stored taxonomy).
 */
async function topicNotFound(ctx: Tagging, id: string): Promise<KikigakiError> {
  const newest = (await ctx.store.listAudit({ subject: { kind: 'topic', topic: id } }, { limit: 1 }))
    .items[0];
  const deletedIn = newest?.action === 'topic-delete' ? newest.detail?.version : undefined;
  if (typeof deletedIn !== 'number' || deletedIn < 1) return new NotFoundError('topic', id);
  const lastVersion = deletedIn - 1;
  return new KikigakiError(
    'not_found',
    `topic '${id}' not found: it was deleted in taxonomy version ${deletedIn}; GET /topics/versions/${lastVersion} shows it as it was (POST /topics creates it again)`,
    { what: 'topic', id, deletedIn, lastVersion },
  );
}

/** One version of the taxonomy: its topics and the edit that made it. */
export interface TaxonomyVersionView extends TaxonomyView {
  /** When and by whom (null for version 0, the shipped file). */
  at: string | null;
  who: string | null;
  change: string;
}

/**
 * The taxonomy as it was at `version`, topics shaped as GET /topics shapes them (0: the shipped
 * file); a 404 for a version not stored.
 */
export async function taxonomyAt(ctx: Tagging, version: number): Promise<TaxonomyVersionView> {
  if (version === 0)
    return { version, at: null, who: null, change: 'shipped', topics: ctx.taggers.base().topics };
  const stored = await ctx.store.readTaxonomyVersion(version);
  if (!stored)
    throw new KikigakiError(
      'not_found',
      `taxonomy version ${version} not found (GET /topics/versions lists the stored ones)`,
      { what: 'taxonomy version', id: String(version) },
    );
  // Parsed as the tagger parses the current version: every version was valid when written.
  const { topics } = TaxonomySchema.parse(stored.json);
  return { version: stored.version, at: stored.at, who: stored.who, change: stored.change, topics };
}

/** The taxonomy's stored versions, newest first (none until the first edit). */
export function taxonomyVersions(
  ctx: Tagging,
): Promise<Array<{ version: number; at: string; who: string; change: string }>> {
  return ctx.store.taxonomyVersions();
}

/** Applies one change to the taxonomy (409 unless `expectedVersion` is current), then re-scores. */
async function changeTaxonomy(
  ctx: Tagging,
  expectedVersion: number | undefined,
  who: string,
  description: string,
  edit: (topics: Taxonomy['topics']) => Taxonomy['topics'],
): Promise<TaxonomyEdit> {
  // Without expectedVersion the change goes on top of whatever is current: an edit of another
  // topic committed meanwhile is read again (onLatest), not answered 409.
  const { version, next } = await onLatest(expectedVersion, async () => {
    ctx.taggers.invalidate();
    const current = await taxonomy(ctx);
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw new ConflictError('the taxonomy was changed by someone else meanwhile; reload and try again', {
        expectedVersion,
        version: current.version,
      });
    const next = TaxonomySchema.safeParse({ version: 2, topics: edit(current.topics) });
    if (!next.success)
      throw new ValidationError(
        `the taxonomy would be invalid: ${next.error.issues[0]?.message ?? 'invalid'}`,
      );
    return { version: await ctx.store.putTaxonomy(next.data, current.version, who, description), next };
  });
  ctx.taggers.invalidate();
  const [kind, topic] = description.split(' ') as [string, string];
  await ctx.store.writeAudit({
    subject: { kind: 'topic', topic },
    who,
    action: `topic-${kind}`,
    tags: [topic],
    detail: { version },
  });
  const job = await rescore(ctx, `taxonomy v${version}`);
  if (!job) await rescoreNow(ctx);
  return { version, topics: next.data.topics, job };
}

/** Creates a topic. */
export function createTopic(
  ctx: Tagging,
  topic: TopicInput,
  who: string,
  expectedVersion?: number,
): Promise<TaxonomyEdit> {
  const t = TopicSchema.parse(topic);
  return changeTaxonomy(ctx, expectedVersion, who, `create ${t.id}`, (topics) => {
    if (topics.some((x) => x.id === t.id)) throw new ConflictError(`topic '${t.id}' exists`);
    return [...topics, t];
  });
}

/** Changes a topic's labels, description, threshold, evidence or senses (not its id). */
export function updateTopic(
  ctx: Tagging,
  id: string,
  patch: Partial<Omit<TopicInput, 'id'>>,
  who: string,
  expectedVersion?: number,
): Promise<TaxonomyEdit> {
  return changeTaxonomy(ctx, expectedVersion, who, `update ${id}`, (topics) => {
    const i = topics.findIndex((x) => x.id === id);
    if (i < 0) throw new NotFoundError('topic', id);
    const merged = TopicSchema.safeParse({ ...topics[i], ...patch, id });
    if (!merged.success)
      throw new ValidationError(
        `the topic would be invalid: ${merged.error.issues[0]?.message ?? 'invalid'}`,
      );
    return topics.map((x, j) => (j === i ? merged.data : x));
  });
}

/**
 * Topics whose ids stay: the three the project is asked to tag (issue 14; the tagger's tuning, the
 * eval sets and clients' saved filters name them). They can be edited (label, evidence,
 * threshold) but not deleted: a deleted one could only be restored by hand from the shipped file.
 */
export const KEPT_TOPICS: readonly string[] = ['work-balance', 'crowdsourcing', 'future-demand'];

/**
 * The one rule for the {@link KEPT_TOPICS}: removing one's id (deleting the topic, merging it
 * into another tag) is a 409 naming them. Deterministic, so a 409 that re-reading cannot change
 * (a plain ConflictError, not a VersionConflictError: an unversioned edit is not retried).
 */
export function assertNotKept(id: string, removal: 'deleted' | 'merged into another tag'): void {
  if (KEPT_TOPICS.includes(id))
    throw new ConflictError(
      `topic '${id}' keeps its id and cannot be ${removal}; change its label, evidence or threshold with PUT /topics/${id}`,
      { topic: id, kept: [...KEPT_TOPICS] },
    );
}

/** Deletes a topic: its automatic tags go at the re-score; tags editors added stay. The {@link KEPT_TOPICS} are a 409. */
export async function deleteTopic(
  ctx: Tagging,
  id: string,
  who: string,
  expectedVersion?: number,
): Promise<TaxonomyEdit> {
  assertNotKept(id, 'deleted');
  return changeTaxonomy(ctx, expectedVersion, who, `delete ${id}`, (topics) => {
    if (!topics.some((x) => x.id === id)) throw new NotFoundError('topic', id);
    if (topics.length === 1) throw new ValidationError('the taxonomy keeps at least one topic');
    return topics.filter((x) => x.id !== id);
  });
}
