/**
 * Bulk edits: tag or untag every quote a search matched, as one edit (one audit entry, each
 * interview re-indexed once), or count what would change (dry run).
 */
import { ValidationError, VersionConflictError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { ManualTags } from '../store/port.ts';
import { assertManualTagCount, autoTagsOf, effectiveTags, resolveAlias } from '../tags.ts';
import { LATEST_ATTEMPTS, sorted, type Tagging } from './deps.ts';
import { assertKnownTags, mergedAway, register } from './directory.ts';
import { refreshInterviews } from './refresh.ts';

/** A quote's next corrections. */
type ManualChange = { add: string[]; remove: string[] };

/** A quote nobody corrected yet. */
const NO_CORRECTIONS: ManualTags = { add: [], remove: [], version: 0, updatedAt: null, updatedBy: null };

/**
 * A quote's corrections after the bulk change, or null when its effective tags would not change
 * (nothing to write).
 */
function nextCorrections(
  m: { add: readonly string[]; remove: readonly string[] },
  auto: ReadonlySet<string>,
  change: { add: readonly string[]; remove: readonly string[]; aliases: ReadonlyMap<string, string> },
): ManualChange | null {
  const nextAdd = new Set(m.add);
  const nextRemove = new Set(m.remove);
  for (const t of change.remove) {
    nextAdd.delete(t);
    if (auto.has(t)) nextRemove.add(t);
  }
  for (const t of change.add) {
    nextAdd.add(t);
    nextRemove.delete(t);
  }
  const next = { add: sorted(nextAdd), remove: sorted(nextRemove) };
  const before = effectiveTags([...auto], m, change.aliases).join('\u0000');
  return effectiveTags([...auto], next, change.aliases).join('\u0000') === before ? null : next;
}

/** A search a bulk edit applies to (the index resolves it to quote ids). */
export interface BulkSearch {
  /** All quote ids the search matches. */
  quoteIds: readonly string[];
  /** The search as the request gave it (kept in the audit entry as an object). */
  search: Record<string, unknown>;
}

/** What a bulk edit did, or would do. */
export interface BulkResult {
  dryRun: boolean;
  quotes: number;
  interviews: number;
  /** Quotes whose tags actually change. */
  changed: number;
  add: string[];
  remove: string[];
}

/**
 * Tags or untags every quote a search matched: a dry run counts them; otherwise each quote's
 * corrections are written (no audit entry each), each interview re-indexed once, and one audit
 * entry records the whole edit.
 */
export async function bulkEdit(
  ctx: Tagging,
  search: BulkSearch,
  change: { add: string[]; remove: string[] },
  options: { dryRun?: boolean },
  who: string,
): Promise<BulkResult> {
  if (change.add.length + change.remove.length === 0) throw new ValidationError('name tags to add or remove');
  const aliases = await ctx.store.aliases();
  for (const t of change.remove) if (aliases.has(t)) throw mergedAway(t, aliases);
  // Untagging by a tag that is no tag at all (`crowdsource`) answered "changed": 0, read as
  // "nothing carries it": a 400 with the tags meant, as a filter by it is.
  await assertKnownTags(ctx, change.remove);
  const add = sorted(change.add.map((t) => resolveAlias(t, aliases)));
  const remove = sorted(change.remove);
  const ids = [...new Set(search.quoteIds)];
  const byInterview = new Map<string, string[]>();
  for (const q of ids) {
    const iv = interviewIdOfQuote(q);
    if (iv) byInterview.set(iv, [...(byInterview.get(iv) ?? []), q]);
  }
  // Every quote's next corrections are worked out before any is written: a quote the edit
  // would take past the bound of hand-added tags refuses the whole edit, nothing written.
  const edit = { add, remove, aliases };
  const writes: Array<{
    quoteId: string;
    interviewId: string;
    auto: Set<string>;
    next: ManualChange;
    version: number;
  }> = [];
  for (const [interviewId, quoteIds] of byInterview) {
    const stored = await ctx.store.getInterview(interviewId);
    if (!stored) continue;
    const manual = await ctx.store.manualQuoteTags(quoteIds);
    for (const quoteId of quoteIds) {
      const m = manual.get(quoteId) ?? NO_CORRECTIONS;
      const auto = new Set(autoTagsOf(stored, quoteId).map((t) => resolveAlias(t, aliases)));
      const next = nextCorrections(m, auto, edit);
      if (!next) continue;
      if (next.add.length > m.add.length) assertManualTagCount(next.add, { quoteId });
      writes.push({ quoteId, interviewId, auto, next, version: m.version });
    }
  }
  const changed = writes.length;
  const touched = new Set<string>();
  if (!options.dryRun)
    for (const w of writes) {
      // An editor's edit of the same quote meanwhile is kept: the bulk change is applied again
      // on top of it (a 409 here left the quotes before it written and no audit entry).
      let { next, version } = w;
      for (let attempt = 1; ; attempt++) {
        try {
          await ctx.store.putQuoteTags(w.quoteId, next, version, who, { audit: false, refresh: false });
          touched.add(w.interviewId);
          break;
        } catch (e) {
          if (!(e instanceof VersionConflictError) || attempt >= LATEST_ATTEMPTS) throw e;
          const m = (await ctx.store.manualQuoteTags([w.quoteId])).get(w.quoteId) ?? NO_CORRECTIONS;
          const again = nextCorrections(m, w.auto, edit);
          if (!again) break;
          next = again;
          version = m.version;
        }
      }
    }
  const result: BulkResult = {
    dryRun: options.dryRun === true,
    quotes: ids.length,
    interviews: byInterview.size,
    changed,
    add,
    remove,
  };
  if (options.dryRun || changed === 0) return result;
  await register(ctx, add, who);
  await refreshInterviews(ctx, touched);
  await ctx.store.writeAudit({
    subject: { kind: 'bulk' },
    who,
    action: 'bulk-tags',
    tags: sorted([...add, ...remove]),
    added: add,
    removed: remove,
    // JSON round trip: no undefined members (the store's marshaller refuses them).
    search: JSON.parse(JSON.stringify(search.search)) as Record<string, unknown>,
    detail: {
      quotes: ids.length,
      changed,
      interviews: touched.size,
    },
  });
  return result;
}
