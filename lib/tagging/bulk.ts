/**
 * Bulk edits: tag or untag every quote a search matched, as one edit (one audit entry, each
 * interview re-indexed once), or count what would change (dry run).
 */
import { ValidationError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import { assertManualTagCount, autoTagsOf, effectiveTags, resolveAlias } from '../tags.ts';
import { sorted, type Tagging } from './deps.ts';
import { assertKnownTags, mergedAway, register } from './directory.ts';
import { refreshInterviews } from './refresh.ts';

/** A quote's next corrections. */
type ManualChange = { add: string[]; remove: string[] };

/** A search a bulk edit applies to (the index resolves it to quote ids). */
export interface BulkSearch {
  /** All quote ids the search matches. */
  quoteIds: readonly string[];
  /** The search as the request gave it (kept in the audit entry). */
  description: string;
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
  const writes: Array<{ quoteId: string; interviewId: string; next: ManualChange; version: number }> = [];
  for (const [interviewId, quoteIds] of byInterview) {
    const stored = await ctx.store.getInterview(interviewId);
    if (!stored) continue;
    const manual = await ctx.store.manualQuoteTags(quoteIds);
    for (const quoteId of quoteIds) {
      const m = manual.get(quoteId) ?? {
        add: [],
        remove: [],
        version: 0,
        updatedAt: null,
        updatedBy: null,
      };
      const auto = new Set(autoTagsOf(stored, quoteId).map((t) => resolveAlias(t, aliases)));
      const nextAdd = new Set(m.add);
      const nextRemove = new Set(m.remove);
      for (const t of remove) {
        nextAdd.delete(t);
        if (auto.has(t)) nextRemove.add(t);
      }
      for (const t of add) {
        nextAdd.add(t);
        nextRemove.delete(t);
      }
      const before = effectiveTags([...auto], m, aliases).join('\u0000');
      const next = { add: sorted(nextAdd), remove: sorted(nextRemove) };
      if (effectiveTags([...auto], next, aliases).join('\u0000') === before) continue;
      if (next.add.length > m.add.length) assertManualTagCount(next.add, { quoteId });
      writes.push({ quoteId, interviewId, next, version: m.version });
    }
  }
  const changed = writes.length;
  const touched = new Set<string>();
  if (!options.dryRun)
    for (const w of writes) {
      await ctx.store.putQuoteTags(w.quoteId, w.next, w.version, who, { audit: false, refresh: false });
      touched.add(w.interviewId);
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
    detail: {
      search: search.description.slice(0, 500),
      quotes: ids.length,
      changed,
      interviews: touched.size,
    },
  });
  return result;
}
