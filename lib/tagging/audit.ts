/** The audit trail of tag edits, read newest first and narrowed to a quote, person, tag or actor. */
import { ValidationError } from '../errors.ts';
import type { AuditEntry, AuditFilter, Page } from '../store/port.ts';
import type { Tagging } from './deps.ts';

/** The audit trail, newest first, narrowed to a quote, person, tag or actor. */
export function readAudit(
  ctx: Tagging,
  filter: { quote?: string; person?: string; tag?: string; actor?: string },
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<AuditEntry>> {
  if (filter.quote && filter.person) throw new ValidationError('filter by a quote or a person, not both');
  const f: AuditFilter = {
    subject: filter.quote
      ? { kind: 'quote', quoteId: filter.quote }
      : filter.person
        ? { kind: 'person', personId: filter.person }
        : undefined,
    tag: filter.tag,
    actor: filter.actor,
  };
  return ctx.store.listAudit(f, options);
}
