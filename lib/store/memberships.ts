/**
 * Which tag-membership items a revision has: a quote has a tag, a person appears in it, a person
 * has a tag. Both the interview writer and the tag editor (refreshTags) compute them here, from
 * the record, the manual corrections and the aliases.
 */
import { effectiveTags } from '../tags.ts';
import { PersonInEntity, PersonTagEntity, QuoteTagEntity, type RawItem } from './items.ts';
import type { InterviewRecord, ManualTags } from './port.ts';

/** What effective tags depend on besides the record. */
export interface TagContext {
  manual: ReadonlyMap<string, ManualTags>;
  aliases: ReadonlyMap<string, string>;
}

/** Where the interview writer gets a {@link TagContext} (the tag module). */
export interface TagContextSource {
  tagContext(quoteIds: readonly string[]): Promise<TagContext>;
}

/** The membership items of one revision, and each quote's effective tags. */
export interface Memberships {
  items: RawItem[];
  /** Effective tags per quote id (every quote present, possibly with none). */
  quoteTags: Record<string, string[]>;
  /** Sorted distinct quote tags: the head's `tags`. */
  tags: string[];
}

/** Computes the memberships of revision `rev` of interview `id`. */
export function membershipsOf(
  id: string,
  rev: string,
  record: InterviewRecord,
  context: TagContext,
): Memberships {
  const items: RawItem[] = [];
  const quoteTags: Record<string, string[]> = {};
  const all = new Set<string>();
  for (const t of record.interview.turns) {
    const auto = (record.autoTags[t.id] ?? []).map((m) => m.topic);
    const tags = effectiveTags(auto, context.manual.get(t.id), context.aliases);
    quoteTags[t.id] = tags;
    for (const tag of tags) {
      all.add(tag);
      items.push(QuoteTagEntity.toItem({ interviewId: id, rev, quoteId: t.id, tag }));
    }
  }
  for (const p of record.interview.interviewees) {
    items.push(
      PersonInEntity.toItem({ interviewId: id, rev, personId: p.id, name: p.name, handle: p.handle }),
    );
    const auto = (record.people[p.id] ?? []).map((x) => x.topic);
    for (const tag of effectiveTags(auto, undefined, context.aliases)) {
      items.push(PersonTagEntity.toItem({ interviewId: id, rev, personId: p.id, tag }));
    }
  }
  return { items, quoteTags, tags: [...all].sort() };
}
