/**
 * Quotes' tags: one quote with its effective tags and why it has them, an editor's additions and
 * removals (optimistic locking on the quote's corrections), and the quotes carrying a tag.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { Interview } from '../model.ts';
import type { ManualTags, Page, StoredInterview } from '../store/port.ts';
import {
  assertManualTagCount,
  autoTagsOf,
  effectiveTags,
  quoteTagsOf,
  resolveAlias,
  type TagChange,
} from '../tags.ts';
import { onLatest, sorted, type Tagging } from './deps.ts';
import { mergedAway, register } from './directory.ts';
import type { TopicMatch } from './tagger.ts';

/** A quote as the API shows it outside search results. */
export interface QuoteView {
  quoteId: string;
  interviewId: string;
  interviewTitle: string;
  text: string;
  speaker: { id: string | null; name: string; role: string };
  section: string | null;
  question: { quoteId: string; text: string } | null;
  tags: string[];
}

/** A quote with its tags explained: automatic topics (score, why), corrections, version. */
export interface QuoteDetail extends QuoteView {
  version: number;
  /** Automatic topics (through aliases), strongest first. */
  autoTags: string[];
  automatic: Array<{ tag: string; score: number; terms: string[]; question?: string[]; model?: string[] }>;
  manual: { add: string[]; remove: string[] };
  /** Tags named in the request that were merged into others, and what they became. */
  resolved?: Record<string, string>;
}

/** A turn as a {@link QuoteView} with the given tags (profiles show evidence so); null if no such turn. */
export function quoteViewOf(iv: Interview, turnId: string, tags: string[]): QuoteView | null {
  const t = iv.turns.find((x) => x.id === turnId);
  if (!t) return null;
  const q = t.questionId ? iv.turns.find((x) => x.id === t.questionId) : undefined;
  return {
    quoteId: t.id,
    interviewId: iv.id,
    interviewTitle: iv.title,
    text: t.text,
    speaker: { id: t.speakerId, name: t.speaker, role: t.role },
    section: t.section,
    question: q ? { quoteId: q.id, text: q.text } : null,
    tags,
  };
}

async function quoteContext(
  ctx: Tagging,
  quoteId: string,
): Promise<{ stored: StoredInterview; manual: ManualTags }> {
  const interviewId = interviewIdOfQuote(quoteId);
  const stored = interviewId ? await ctx.store.getInterview(interviewId) : null;
  const known = stored?.interview.turns.some((t) => t.id === quoteId) ?? false;
  if (!stored || !known) throw new NotFoundError('quote', quoteId);
  return { stored, manual: await ctx.store.getQuoteTags(quoteId) };
}

function detailOf(
  stored: StoredInterview,
  quoteId: string,
  manual: ManualTags,
  aliases: ReadonlyMap<string, string>,
): QuoteDetail {
  const auto = autoTagsOf(stored, quoteId).map((t) => resolveAlias(t, aliases));
  const tags = effectiveTags(auto, manual, aliases);
  const view = quoteViewOf(stored.interview, quoteId, tags) as QuoteView;
  const automatic = (stored.autoTags[quoteId] ?? []).map((m: TopicMatch) => ({
    tag: resolveAlias(m.topic, aliases),
    score: m.score,
    terms: m.terms,
    ...(m.question ? { question: m.question } : {}),
    ...(m.model ? { model: m.model } : {}),
    ...(m.neighbours ? { neighbours: m.neighbours } : {}),
  }));
  return {
    ...view,
    version: manual.version,
    autoTags: sorted(auto),
    automatic,
    manual: { add: manual.add, remove: manual.remove },
  };
}

/** One quote with its effective tags, why it has them, and the corrections' version. */
export async function getQuote(ctx: Tagging, quoteId: string): Promise<QuoteDetail> {
  const { stored, manual } = await quoteContext(ctx, quoteId);
  return detailOf(stored, quoteId, manual, await ctx.store.aliases());
}

/**
 * Adds and removes tags of a quote. Adding a tag the tagger gave confirms it (it stays should
 * the tagger change its mind); adding a merged-away tag adds what it was merged into (see
 * `resolved`); removing a tag the quote does not have is a 404, a merged-away one a 409. With
 * `expectedVersion` the edit applies only if nobody changed the quote's tags since (else 409).
 */
export function editQuoteTags(
  ctx: Tagging,
  quoteId: string,
  change: TagChange,
  who: string,
  expectedVersion?: number,
): Promise<QuoteDetail> {
  return onLatest(expectedVersion, () => editQuoteTagsOnce(ctx, quoteId, change, who, expectedVersion));
}

/** One attempt of {@link editQuoteTags}: read, compute, write under the version read. */
async function editQuoteTagsOnce(
  ctx: Tagging,
  quoteId: string,
  change: TagChange,
  who: string,
  expectedVersion?: number,
): Promise<QuoteDetail> {
  const { stored, manual } = await quoteContext(ctx, quoteId);
  if (expectedVersion !== undefined && expectedVersion !== manual.version)
    throw new ConflictError('the tags were changed by someone else meanwhile; reload and try again', {
      expectedVersion,
      version: manual.version,
    });
  const aliases = await ctx.store.aliases();
  const auto = new Set(autoTagsOf(stored, quoteId).map((t) => resolveAlias(t, aliases)));
  const current = new Set(effectiveTags([...auto], manual, aliases));
  const add = new Set(manual.add.map((t) => resolveAlias(t, aliases)));
  const remove = new Set(manual.remove.map((t) => resolveAlias(t, aliases)));
  const resolved: Record<string, string> = {};
  for (const t of change.remove ?? []) {
    if (aliases.has(t)) throw mergedAway(t, aliases);
    if (!current.has(t)) throw new NotFoundError('tag of the quote', `${quoteId}/${t}`);
    add.delete(t);
    if (auto.has(t)) remove.add(t);
  }
  const added: string[] = [];
  for (const raw of change.add ?? []) {
    const t = resolveAlias(raw, aliases);
    if (t !== raw) resolved[raw] = t;
    add.add(t);
    remove.delete(t);
    added.push(t);
  }
  const next = { add: sorted(add), remove: sorted(remove) };
  if (next.add.length > manual.add.length) assertManualTagCount(next.add, { quoteId });
  const same =
    next.add.join('\u0000') === sorted(manual.add).join('\u0000') &&
    next.remove.join('\u0000') === sorted(manual.remove).join('\u0000');
  if (same) {
    // Nothing to write; but an earlier edit may have stopped before the memberships were
    // brought up to date (a retry of it must converge).
    if ((await ctx.store.membershipsStale(stored.interview.id)) === true) {
      await ctx.store.refreshTags(stored.interview.id);
      await ctx.afterCommit({ kind: 'interview', id: stored.interview.id });
    }
    const detail = detailOf(stored, quoteId, manual, aliases);
    return Object.keys(resolved).length > 0 ? { ...detail, resolved } : detail;
  }
  await register(ctx, added, who);
  const written = await ctx.store.putQuoteTags(quoteId, next, manual.version, who);
  await ctx.afterCommit({ kind: 'interview', id: stored.interview.id });
  const detail = detailOf(stored, quoteId, written, aliases);
  return Object.keys(resolved).length > 0 ? { ...detail, resolved } : detail;
}

/** Quotes with a tag (current versions), paged, with their text. */
export async function quotesWithTag(
  ctx: Tagging,
  tag: string,
  limit: number,
  cursor?: string,
): Promise<Page<QuoteView>> {
  const page = await ctx.store.quotesWithTag(tag, { limit, cursor });
  const interviewIds = [...new Set(page.items.map((q) => q.interviewId))];
  const [aliases, manual, stored] = await Promise.all([
    ctx.store.aliases(),
    ctx.store.manualQuoteTags(page.items.map((q) => q.quoteId)),
    ctx.store.getInterviews(interviewIds),
  ]);
  const items: QuoteView[] = [];
  for (const q of page.items) {
    const iv = stored.get(q.interviewId);
    if (!iv) continue;
    const tags = quoteTagsOf(iv, manual, aliases).get(q.quoteId) ?? [];
    const view = quoteViewOf(iv.interview, q.quoteId, tags);
    if (view) items.push(view);
  }
  return { items, nextCursor: page.nextCursor };
}
