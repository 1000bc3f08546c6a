/**
 * Which tag-membership items a revision has: a quote has a tag, a person (any of its people:
 * interviewer, interviewees, others) appears in it, an interviewee has a tag. Both the interview writer and the tag editor (refreshTags) compute them here, from
 * the record, the manual corrections and the aliases.
 */
import { personTagsOf, quoteTagsOf } from '../tags.ts';
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

/**
 * Computes the memberships of revision `rev` of interview `id`: every quote's effective tags, and
 * for each interviewee the effective tags of the quotes they speak (so a correction of a quote
 * reaches the person; a person's own corrections are applied when people are read by tag).
 */
export function membershipsOf(
  id: string,
  rev: string,
  record: InterviewRecord,
  context: TagContext,
): Memberships {
  const items: RawItem[] = [];
  const quoteTags = quoteTagsOf(record, context.manual, context.aliases);
  const all = new Set<string>();
  for (const [quoteId, tags] of quoteTags) {
    for (const tag of tags) {
      all.add(tag);
      items.push(QuoteTagEntity.toItem({ interviewId: id, rev, quoteId, tag }));
    }
  }
  // Everyone who appears, not only the interviewees: a profile, a listing or a tag query finds
  // people through these items, and an interviewer or a guest has a profile and tags too.
  const { interviewer, interviewees, others } = record.interview;
  const seen = new Set<string>();
  for (const p of [...(interviewer ? [interviewer] : []), ...interviewees, ...others]) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    items.push(
      PersonInEntity.toItem({ interviewId: id, rev, personId: p.id, name: p.name, handle: p.handle }),
    );
  }
  for (const [personId, tags] of personTagsOf(record, quoteTags)) {
    for (const tag of [...tags.keys()].sort()) {
      items.push(PersonTagEntity.toItem({ interviewId: id, rev, personId, tag }));
    }
  }
  return { items, quoteTags: Object.fromEntries(quoteTags), tags: [...all].sort() };
}
