/**
 * The tag port on the table: manual corrections with optimistic locking, tag memberships of the
 * current revisions (found by tag on GSI1), aliases and the audit trail.
 */
import { ConflictError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { RevisionReader } from './interviews.ts';
import {
  AliasEntity,
  AuditEntity,
  HeadEntity,
  PersonManualEntity,
  PersonManualTagEntity,
  PersonTagEntity,
  QuoteManualEntity,
  QuoteTagEntity,
  type RawItem,
} from './items.ts';
import { type Key, keys, parseKey, TABLE } from './keys.ts';
import { membershipsOf, type TagContext, type TagContextSource } from './memberships.ts';
import type { AuditEntry, ManualTags, Page, TagStore } from './port.ts';
import { type CursorCodec, nonce, Table } from './table.ts';

const emptyManual = (): ManualTags => ({ add: [], remove: [], version: 0, updatedAt: null, updatedBy: null });

function manualOf(m: ManualTags): ManualTags {
  return { add: m.add, remove: m.remove, version: m.version, updatedAt: m.updatedAt, updatedBy: m.updatedBy };
}

function keysOf(items: readonly RawItem[]): Key[] {
  return items.map((it) => ({ pk: it.pk as string, sk: it.sk as string }));
}

/** Options of {@link DynamoTags}. */
export interface DynamoTagsOptions {
  now: () => Date;
  /**
   * This process is the table's only writer (npm start on its embedded server): tag aliases
   * are cached and dropped when this store writes one. Never set it with other writers.
   */
  soleWriter: boolean;
}

/** The DynamoDB implementation of {@link TagStore}. */
export class DynamoTags implements TagStore, TagContextSource {
  private aliasCache: Promise<Map<string, string>> | null = null;
  /** Set once the interview module exists (the two read each other). */
  revisions: RevisionReader | null = null;

  constructor(
    private readonly table: Table,
    private readonly options: DynamoTagsOptions,
  ) {}

  private get interviews(): RevisionReader {
    if (!this.revisions) throw new Error('DynamoTags used before its RevisionReader was set');
    return this.revisions;
  }

  async tagContext(quoteIds: readonly string[]): Promise<TagContext> {
    const [manual, aliases] = await Promise.all([this.manualQuoteTags(quoteIds), this.aliases()]);
    return { manual, aliases };
  }

  async getQuoteTags(quoteId: string): Promise<ManualTags> {
    const it = await this.table.get(keys.quoteManual(quoteId));
    return it ? manualOf(QuoteManualEntity.fromItem(it)) : emptyManual();
  }

  async manualQuoteTags(quoteIds: readonly string[]): Promise<Map<string, ManualTags>> {
    const items = await this.table.batchGet(quoteIds.map((q) => keys.quoteManual(q)));
    const out = new Map<string, ManualTags>();
    for (const it of items) {
      const m = QuoteManualEntity.fromItem(it);
      out.set(m.quoteId, manualOf(m));
    }
    return out;
  }

  /** Writes manual tags if their version is still `expectedVersion` (0: none yet), else ConflictError. */
  private async putManual(item: RawItem, expectedVersion: number): Promise<void> {
    const ok = await this.table.put(
      item,
      expectedVersion === 0 ? { absent: true } : { attribute: 'version', equals: expectedVersion },
    );
    if (!ok)
      throw new ConflictError('the tags were changed by someone else meanwhile; reload and try again', {
        expectedVersion,
      });
  }

  private async writeAudit(subject: string, who: string, action: string, tags: string[]): Promise<void> {
    const at = this.options.now().toISOString();
    await this.table.put(AuditEntity.toItem({ subject, at, nonce: nonce(), who, action, tags }));
  }

  async putQuoteTags(
    quoteId: string,
    next: { add: string[]; remove: string[] },
    expectedVersion: number,
    who: string,
  ): Promise<ManualTags> {
    const manual: ManualTags = {
      add: next.add,
      remove: next.remove,
      version: expectedVersion + 1,
      updatedAt: this.options.now().toISOString(),
      updatedBy: who,
    };
    await this.putManual(QuoteManualEntity.toItem({ quoteId, ...manual }), expectedVersion);
    await this.writeAudit(keys.auditSubject({ kind: 'quote', quoteId }), who, 'quote-tags', [
      ...next.add.map((t) => `+${t}`),
      ...next.remove.map((t) => `-${t}`),
    ]);
    const interviewId = interviewIdOfQuote(quoteId);
    if (interviewId) await this.refreshTags(interviewId);
    return manual;
  }

  /** Makes the current revision's membership items match the record, manual tags and aliases. */
  async refreshTags(interviewId: string): Promise<void> {
    const head = await this.interviews.head(interviewId);
    if (!head) return;
    const record = await this.interviews.readRevision(interviewId, head.rev);
    if (!record) return;
    const desired = membershipsOf(
      interviewId,
      head.rev,
      record,
      await this.tagContext(record.interview.turns.map((t) => t.id)),
    );
    // Appearances (personIn) do not depend on tags: only tag memberships are compared.
    const wanted = desired.items.filter((d) => {
      const kind = parseKey({ pk: d.pk as string, sk: d.sk as string })?.kind;
      return kind === 'quoteTag' || kind === 'personTag';
    });
    const existing = [
      ...(await this.table.queryPrefix(keys.interviewPk(interviewId), keys.quoteTagPrefix(head.rev))),
      ...(await this.table.queryPrefix(keys.interviewPk(interviewId), keys.personTagPrefix(head.rev))),
    ];
    const want = new Set(wanted.map((d) => d.sk as string));
    const have = new Set(existing.map((e) => e.sk as string));
    await this.table.batchWrite(
      wanted.filter((d) => !have.has(d.sk as string)),
      keysOf(existing.filter((e) => !want.has(e.sk as string))),
    );
    // Unless a newer revision was written meanwhile (it computed its own memberships).
    await this.table.put(HeadEntity.toItem({ ...head, tags: desired.tags }), {
      attribute: 'rev',
      equals: head.rev,
    });
  }

  async getPersonTags(personId: string): Promise<ManualTags> {
    const it = await this.table.get(keys.personManual(personId));
    return it ? manualOf(PersonManualEntity.fromItem(it)) : emptyManual();
  }

  async putPersonTags(
    personId: string,
    tags: string[],
    expectedVersion: number,
    who: string,
  ): Promise<ManualTags> {
    const before = await this.getPersonTags(personId);
    const manual: ManualTags = {
      add: tags,
      remove: [],
      version: expectedVersion + 1,
      updatedAt: this.options.now().toISOString(),
      updatedBy: who,
    };
    await this.putManual(PersonManualEntity.toItem({ personId, ...manual }), expectedVersion);
    const drop = before.add.filter((t) => !tags.includes(t));
    await this.table.batchWrite(
      tags.map((tag) => PersonManualTagEntity.toItem({ personId, tag })),
      drop.map((tag) => keys.personManualTag(personId, tag)),
    );
    await this.writeAudit(keys.auditSubject({ kind: 'person', personId }), who, 'person-tags', tags);
    return manual;
  }

  /** Quotes with a tag in current revisions, by quote id. */
  async quotesWithTag(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; interviewId: string }>> {
    const partition = keys.quotesWithTagPk(tag);
    // A page ends at a membership of this tag: the cursor keeps its interview, revision and quote.
    const codec: CursorCodec = {
      scope: partition,
      encode: (last) => {
        const m = QuoteTagEntity.fromItem(last);
        return [m.interviewId, m.rev, m.quoteId];
      },
      decode: (parts) => {
        const [interviewId = '', rev = '', quoteId = ''] = parts;
        if (parts.length !== 3) return null;
        const key = keys.quoteTag(interviewId, rev, quoteId, tag);
        const parsed = parseKey(key);
        const same =
          parsed?.kind === 'quoteTag' &&
          parsed.interviewId === interviewId &&
          parsed.rev === rev &&
          parsed.quoteId === quoteId &&
          parsed.tag === tag;
        return same ? { ...key } : null;
      },
    };
    return this.table.fillPage(
      Table.indexQuery(partition),
      options,
      // Items of stale revisions are skipped.
      async (page) => {
        const memberships = page.map((it) => QuoteTagEntity.fromItem(it));
        const heads = await this.interviews.heads(memberships.map((m) => m.interviewId));
        return memberships
          .filter((m) => heads.get(m.interviewId)?.rev === m.rev)
          .map((m) => ({ quoteId: m.quoteId, interviewId: m.interviewId }));
      },
      codec,
    );
  }

  /** People with a tag: automatic (current revisions) or manual, in GSI order (by person). */
  async peopleWithTag(tag: string): Promise<Array<{ personId: string; interviewId: string | null }>> {
    const found = (await this.table.queryIndex(keys.peopleWithTagPk(tag))).map((it) =>
      parseKey({ pk: it.pk as string, sk: it.sk as string })?.kind === 'personTag'
        ? PersonTagEntity.fromItem(it)
        : { ...PersonManualTagEntity.fromItem(it), interviewId: null, rev: null },
    );
    const heads = await this.interviews.heads(found.flatMap((f) => (f.interviewId ? [f.interviewId] : [])));
    return found
      .filter((f) => f.interviewId === null || heads.get(f.interviewId)?.rev === f.rev)
      .map((f) => ({ personId: f.personId, interviewId: f.interviewId }));
  }

  async aliases(): Promise<Map<string, string>> {
    if (this.aliasCache) return new Map(await this.aliasCache);
    const load = this.table
      .queryAll({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.aliasPk },
      })
      .then((items) => new Map(items.map((it) => AliasEntity.fromItem(it)).map((a) => [a.from, a.into])));
    if (this.options.soleWriter) {
      this.aliasCache = load;
      load.catch(() => {
        this.aliasCache = null;
      });
    }
    return new Map(await load);
  }

  async putAlias(from: string, into: string, who: string): Promise<void> {
    this.aliasCache = null;
    await this.table.put(
      AliasEntity.toItem({ from, into, updatedAt: this.options.now().toISOString(), updatedBy: who }),
    );
    this.aliasCache = null;
    await this.writeAudit(keys.auditSubject({ kind: 'tag', tag: from }), who, 'merge', [from, into]);
  }

  async audit(subject: string): Promise<AuditEntry[]> {
    const items = await this.table.queryPrefix(subject, keys.auditPrefix);
    return items.map((it) => {
      const a = AuditEntity.fromItem(it);
      return { subject, at: a.at, who: a.who, action: a.action, tags: a.tags };
    });
  }
}
