/**
 * The tag port on the table: manual corrections with optimistic locking (and their index by
 * tag, which merges rewrite), tag memberships of the current revisions (found by tag on GSI1),
 * aliases, the directory of tags editors made, merges and what they changed, the audit trail,
 * the versioned taxonomy and the learned model.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { VersionConflictError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { RevisionReader } from './interviews.ts';
import {
  AliasEntity,
  type Audit,
  AuditEntity,
  HeadEntity,
  type Merge,
  type MergeChange,
  MergeChangeEntity,
  MergeEntity,
  PersonManualEntity,
  PersonManualTagEntity,
  PersonTagEntity,
  QuoteManualEntity,
  QuoteManualTagEntity,
  QuoteTagEntity,
  type RawItem,
  TAXONOMY_VERSION_META_ATTRIBUTES,
  type TagEntry,
  TagEntryEntity,
  TagModelEntity,
  TaxonomyHeadEntity,
  type TaxonomyVersion,
  TaxonomyVersionEntity,
  taxonomyVersionMeta,
} from './items.ts';
import { type AuditSubject, type Key, keys, type MergeTarget, parseKey, TABLE } from './keys.ts';
import { membershipsOf, type TagContext, type TagContextSource } from './memberships.ts';
import type { AuditEntry, AuditFilter, ManualTags, Page, TagStore, TaxonomyRecord } from './port.ts';
import { type CursorCodec, nonce, type StartKey, Table } from './table.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const emptyManual = (): ManualTags => ({ add: [], remove: [], version: 0, updatedAt: null, updatedBy: null });

function manualOf(m: ManualTags): ManualTags {
  return { add: m.add, remove: m.remove, version: m.version, updatedAt: m.updatedAt, updatedBy: m.updatedBy };
}

/** An item the tag refresh and the consistency check keep in step with the record. */
function isMembership(item: RawItem): boolean {
  const kind = parseKey({ pk: item.pk as string, sk: item.sk as string })?.kind;
  return kind === 'quoteTag' || kind === 'personTag' || kind === 'personIn';
}

function keysOf(items: readonly RawItem[]): Key[] {
  return items.map((it) => ({ pk: it.pk as string, sk: it.sk as string }));
}

/** What changed between two sets of corrections, for the audit trail. */
function changeOf(before: { add: readonly string[]; remove: readonly string[] }, next: ManualEdit) {
  const added = next.add.filter((t) => !before.add.includes(t));
  const removed = next.remove.filter((t) => !before.remove.includes(t));
  const undone = [
    ...before.add.filter((t) => !next.add.includes(t)),
    ...before.remove.filter((t) => !next.remove.includes(t)),
  ];
  return { added, removed, tags: [...new Set([...added, ...removed, ...undone])].sort() };
}

/** Corrections as written: tags added and removed. */
export interface ManualEdit {
  add: string[];
  remove: string[];
}

/** Options of a correction write. */
export interface ManualWriteOptions {
  /** Write an audit entry for it (default true; a bulk edit writes one for all). */
  audit?: boolean;
  /** Recompute the interview's memberships now (default true; a bulk edit does it once per interview). */
  refresh?: boolean;
  /** The audit action (default `quote-tags` / `person-tags`). */
  action?: string;
  detail?: Audit['detail'];
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

  // ---------------------------------------------------------------- corrections of quotes

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

  /**
   * Writes manual tags if their version is still `expectedVersion` (0: none yet), else
   * VersionConflictError.
   */
  private async putManual(item: RawItem, expectedVersion: number): Promise<void> {
    const ok = await this.table.put(
      item,
      expectedVersion === 0 ? { absent: true } : { attribute: 'version', equals: expectedVersion },
    );
    if (!ok)
      throw new VersionConflictError(
        'the tags were changed by someone else meanwhile; reload and try again',
        {
          expectedVersion,
        },
      );
  }

  async writeAudit(entry: {
    subject: AuditSubject;
    who: string;
    action: string;
    tags: string[];
    added?: string[] | undefined;
    removed?: string[] | undefined;
    detail?: Audit['detail'];
    search?: Audit['search'];
  }): Promise<void> {
    const at = this.options.now().toISOString();
    await this.table.put(
      AuditEntity.toItem({
        subject: keys.auditSubject(entry.subject),
        at,
        nonce: nonce(),
        who: entry.who,
        action: entry.action,
        tags: entry.tags,
        added: entry.added,
        removed: entry.removed,
        detail: entry.detail,
        search: entry.search,
      }),
    );
  }

  async putQuoteTags(
    quoteId: string,
    next: ManualEdit,
    expectedVersion: number,
    who: string,
    options: ManualWriteOptions = {},
  ): Promise<ManualTags> {
    const before = await this.getQuoteTags(quoteId);
    const manual: ManualTags = {
      add: next.add,
      remove: next.remove,
      version: expectedVersion + 1,
      updatedAt: this.options.now().toISOString(),
      updatedBy: who,
    };
    await this.putManual(QuoteManualEntity.toItem({ quoteId, ...manual }), expectedVersion);
    // The index by tag of what the corrections name (a merge finds them there).
    const named = new Map<string, 'add' | 'remove'>([
      ...next.add.map((t) => [t, 'add'] as const),
      ...next.remove.map((t) => [t, 'remove'] as const),
    ]);
    const had = new Map<string, 'add' | 'remove'>([
      ...before.add.map((t) => [t, 'add'] as const),
      ...before.remove.map((t) => [t, 'remove'] as const),
    ]);
    await this.table.batchWrite(
      [...named]
        .filter(([t, op]) => had.get(t) !== op)
        .map(([tag, op]) => QuoteManualTagEntity.toItem({ quoteId, tag, op })),
      [...had.keys()].filter((t) => !named.has(t)).map((t) => keys.quoteManualTag(quoteId, t)),
    );
    if (options.audit !== false) {
      const change = changeOf(before, next);
      await this.writeAudit({
        subject: { kind: 'quote', quoteId },
        who,
        action: options.action ?? 'quote-tags',
        ...change,
        detail: options.detail,
      });
    }
    const interviewId = interviewIdOfQuote(quoteId);
    if (interviewId && options.refresh !== false) await this.refreshTags(interviewId);
    return manual;
  }

  /** Quotes whose corrections name a tag (added or removed). */
  async quotesCorrectedWithTag(tag: string): Promise<Array<{ quoteId: string; op: 'add' | 'remove' }>> {
    const items = await this.table.queryIndex(keys.quotesCorrectedWithTagPk(tag));
    return items.map((it) => {
      const m = QuoteManualTagEntity.fromItem(it);
      return { quoteId: m.quoteId, op: m.op };
    });
  }

  /**
   * A page of the quotes whose corrections name a tag, by quote id. A merge rewrites them a page
   * at a time (each leaves the partition as it is rewritten: the cursor is a key, not an offset,
   * so the next page starts after it all the same), and its API call reads one page to decide
   * whether to answer at once.
   */
  async quotesCorrectedWithTagPage(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ quoteId: string; op: 'add' | 'remove' }>> {
    const partition = keys.quotesCorrectedWithTagPk(tag);
    const codec: CursorCodec = {
      scope: partition,
      encode: (last) => {
        const parsed = parseKey({ pk: last.pk as string, sk: last.sk as string });
        if (parsed?.kind !== 'quoteManualTag')
          throw new Error('corrections by tag ended at an item that is not a correction');
        return [parsed.quoteId];
      },
      decode: (parts) => {
        const [quoteId = ''] = parts;
        if (parts.length !== 1) return null;
        const key = keys.quoteManualTag(quoteId, tag);
        const parsed = parseKey(key);
        return parsed?.kind === 'quoteManualTag' && parsed.quoteId === quoteId && parsed.tag === tag
          ? { ...key }
          : null;
      },
    };
    return this.table.fillPage(
      Table.indexQuery(partition),
      options,
      async (items) =>
        items.map((it) => {
          const m = QuoteManualTagEntity.fromItem(it);
          return { quoteId: m.quoteId, op: m.op };
        }),
      codec,
    );
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
    // Appearances (personIn) are compared too: revisions written before every person had one
    // (only interviewees did) get theirs here (the repair job).
    const wanted = desired.items.filter((d) => isMembership(d));
    const existing = await this.membershipItems(interviewId, head.rev);
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

  private async membershipItems(interviewId: string, rev: string): Promise<RawItem[]> {
    return [
      ...(await this.table.queryPrefix(keys.interviewPk(interviewId), keys.quoteTagPrefix(rev))),
      ...(await this.table.queryPrefix(keys.interviewPk(interviewId), keys.personTagPrefix(rev))),
      ...(await this.table.queryPrefix(keys.interviewPk(interviewId), keys.personInPrefix(rev))),
    ];
  }

  /**
   * Whether the stored memberships of an interview's current revision are what its record,
   * corrections and aliases say (the consistency check); null when the interview is gone.
   */
  async membershipsStale(interviewId: string): Promise<boolean | null> {
    const head = await this.interviews.head(interviewId);
    if (!head) return null;
    const record = await this.interviews.readRevision(interviewId, head.rev);
    if (!record) return null;
    const desired = membershipsOf(
      interviewId,
      head.rev,
      record,
      await this.tagContext(record.interview.turns.map((t) => t.id)),
    );
    const wanted = desired.items
      .filter((d) => isMembership(d))
      .map((d) => d.sk as string)
      .sort();
    const have = (await this.membershipItems(interviewId, head.rev)).map((e) => e.sk as string).sort();
    const sameHead = [...head.tags].sort().join('\u0000') === desired.tags.join('\u0000');
    return !(sameHead && wanted.length === have.length && wanted.every((w, i) => w === have[i]));
  }

  // ---------------------------------------------------------------- corrections of people

  async getPersonTags(personId: string): Promise<ManualTags> {
    const it = await this.table.get(keys.personManual(personId));
    return it ? manualOf(PersonManualEntity.fromItem(it)) : emptyManual();
  }

  async manualPersonTags(personIds: readonly string[]): Promise<Map<string, ManualTags>> {
    const items = await this.table.batchGet([...new Set(personIds)].map((p) => keys.personManual(p)));
    const out = new Map<string, ManualTags>();
    for (const it of items) {
      const m = PersonManualEntity.fromItem(it);
      out.set(m.personId, manualOf(m));
    }
    return out;
  }

  async putPersonTags(
    personId: string,
    next: ManualEdit,
    expectedVersion: number,
    who: string,
    options: ManualWriteOptions = {},
  ): Promise<ManualTags> {
    const before = await this.getPersonTags(personId);
    const manual: ManualTags = {
      add: next.add,
      remove: next.remove,
      version: expectedVersion + 1,
      updatedAt: this.options.now().toISOString(),
      updatedBy: who,
    };
    await this.putManual(PersonManualEntity.toItem({ personId, ...manual }), expectedVersion);
    // Additions are memberships of their own (found with the people of a tag); removals are
    // applied when people are read by tag.
    await this.table.batchWrite(
      next.add
        .filter((t) => !before.add.includes(t))
        .map((tag) => PersonManualTagEntity.toItem({ personId, tag })),
      before.add.filter((t) => !next.add.includes(t)).map((tag) => keys.personManualTag(personId, tag)),
    );
    if (options.audit !== false) {
      await this.writeAudit({
        subject: { kind: 'person', personId },
        who,
        action: options.action ?? 'person-tags',
        ...changeOf(before, next),
        detail: options.detail,
      });
    }
    return manual;
  }

  // ---------------------------------------------------------------- memberships by tag

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

  /** Every quote with a tag in current revisions. */
  async allQuotesWithTag(tag: string): Promise<Array<{ quoteId: string; interviewId: string }>> {
    const memberships = (await this.table.queryIndex(keys.quotesWithTagPk(tag))).map((it) =>
      QuoteTagEntity.fromItem(it),
    );
    const heads = await this.interviews.heads(memberships.map((m) => m.interviewId));
    return memberships
      .filter((m) => heads.get(m.interviewId)?.rev === m.rev)
      .map((m) => ({ quoteId: m.quoteId, interviewId: m.interviewId }));
  }

  /**
   * Whether anyone carries a tag, and the first few who do (at most `limit` items read, current
   * or not): what a request may read to decide whether a tag's people are few, whatever their number.
   */
  async peopleWithTagUpTo(
    tag: string,
    limit: number,
  ): Promise<{ people: Array<{ personId: string; interviewId: string | null }>; more: boolean }> {
    const r = await this.table.queryUpTo(Table.indexQuery(keys.peopleWithTagPk(tag)), limit);
    const found = r.items.map((it) =>
      parseKey({ pk: it.pk as string, sk: it.sk as string })?.kind === 'personTag'
        ? PersonTagEntity.fromItem(it)
        : { ...PersonManualTagEntity.fromItem(it), interviewId: null, rev: null },
    );
    const heads = await this.interviews.heads(found.flatMap((f) => (f.interviewId ? [f.interviewId] : [])));
    const people = found
      .filter((f) => f.interviewId === null || heads.get(f.interviewId)?.rev === f.rev)
      .map((f) => ({ personId: f.personId, interviewId: f.interviewId }));
    return { people, more: r.more };
  }

  /**
   * A page of the people with a tag (as {@link TagStore.peopleWithTag}: current revisions, one entry
   * per interview, or added by hand), by person id, so a person's entries are together. The cursor
   * is a key: an entry that leaves the tag (rewritten, refreshed) does not move the next page.
   */
  async peopleWithTagPage(
    tag: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<{ personId: string; interviewId: string | null }>> {
    const partition = keys.peopleWithTagPk(tag);
    const codec: CursorCodec = {
      scope: partition,
      encode: (last) => {
        const parsed = parseKey({ pk: last.pk as string, sk: last.sk as string });
        if (parsed?.kind === 'personTag') return ['t', parsed.interviewId, parsed.rev, parsed.personId];
        if (parsed?.kind === 'personManualTag') return ['m', parsed.personId];
        throw new Error("a tag's people ended at an item that is not a person's tag");
      },
      decode: (parts) => {
        const [kind = '', a = '', b = '', c = ''] = parts;
        const key =
          kind === 't' && parts.length === 4
            ? keys.personTag(a, b, c, tag)
            : kind === 'm' && parts.length === 2
              ? keys.personManualTag(a, tag)
              : null;
        if (!key) return null;
        const parsed = parseKey(key);
        return parsed?.kind === 'personTag' || parsed?.kind === 'personManualTag' ? { ...key } : null;
      },
    };
    return this.table.fillPage(
      Table.indexQuery(partition),
      options,
      async (items) => {
        const found = items.map((it) =>
          parseKey({ pk: it.pk as string, sk: it.sk as string })?.kind === 'personTag'
            ? PersonTagEntity.fromItem(it)
            : { ...PersonManualTagEntity.fromItem(it), interviewId: null, rev: null },
        );
        const heads = await this.interviews.heads(
          found.flatMap((f) => (f.interviewId ? [f.interviewId] : [])),
        );
        return found
          .filter((f) => f.interviewId === null || heads.get(f.interviewId)?.rev === f.rev)
          .map((f) => ({ personId: f.personId, interviewId: f.interviewId }));
      },
      codec,
    );
  }

  /** A page of what a merge rewrote (by target: quotes, then people), for an undo's steps. */
  async mergeChangesPage(
    mergeId: string,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<MergeChange>> {
    const partition = keys.mergePk(mergeId);
    const codec: CursorCodec = {
      scope: partition,
      encode: (last) => {
        const parsed = parseKey({ pk: last.pk as string, sk: last.sk as string });
        if (parsed?.kind === 'mergeChange')
          return parsed.target.kind === 'quote'
            ? ['q', parsed.target.quoteId]
            : ['p', parsed.target.personId];
        if (parsed?.kind === 'merge') return ['head'];
        throw new Error('merge changes ended at an item that is not one');
      },
      decode: (parts) => {
        const [kind = '', id = ''] = parts;
        if (kind === 'head' && parts.length === 1) return { ...keys.mergeHead(mergeId) };
        if (parts.length !== 2 || (kind !== 'q' && kind !== 'p')) return null;
        const target: MergeTarget =
          kind === 'q' ? { kind: 'quote', quoteId: id } : { kind: 'person', personId: id };
        const key = keys.mergeChange(mergeId, target);
        const parsed = parseKey(key);
        return parsed?.kind === 'mergeChange' && parsed.mergeId === mergeId ? { ...key } : null;
      },
    };
    return this.table.fillPage(
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': partition },
        ConsistentRead: true,
      },
      options,
      async (items) =>
        items
          .filter((it) => parseKey({ pk: it.pk as string, sk: it.sk as string })?.kind === 'mergeChange')
          .map((it) => MergeChangeEntity.fromItem(it)),
      codec,
    );
  }

  /**
   * People with a tag: through their quotes (current revisions; one entry per interview) or
   * added by hand (interviewId null). A person's own removals are not applied here.
   */
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

  // ---------------------------------------------------------------- aliases and the tag directory

  async aliases(): Promise<Map<string, string>> {
    if (this.aliasCache) return new Map(await this.aliasCache);
    const load = this.table
      .queryAll({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.aliasPk },
        ConsistentRead: true,
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

  async putAlias(from: string, into: string, who: string, mergeId?: string): Promise<void> {
    this.aliasCache = null;
    await this.table.put(
      AliasEntity.toItem({
        from,
        into,
        updatedAt: this.options.now().toISOString(),
        updatedBy: who,
        mergeId,
      }),
    );
    this.aliasCache = null;
  }

  /** Removes an alias if it still points where the caller says; false otherwise. */
  async deleteAlias(from: string, into: string): Promise<boolean> {
    this.aliasCache = null;
    const ok = await this.table.delete(keys.tagAlias(from), { attribute: 'into', equals: into });
    this.aliasCache = null;
    return ok;
  }

  async tagEntries(): Promise<TagEntry[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.tagDirPk },
      ConsistentRead: true,
    });
    return items.map((it) => TagEntryEntity.fromItem(it));
  }

  /** Records a tag an editor made; false when it was known already. */
  async putTagEntry(tag: string, who: string): Promise<boolean> {
    return this.table.put(
      TagEntryEntity.toItem({ tag, createdAt: this.options.now().toISOString(), createdBy: who }),
      { absent: true },
    );
  }

  async deleteTagEntry(tag: string): Promise<void> {
    await this.table.delete(keys.tagEntry(tag));
  }

  // ---------------------------------------------------------------- merges

  /** Writes a merge record; with `expectedState`, only over a record in that state (else false). */
  async putMerge(merge: Merge, expectedState?: Merge['state']): Promise<boolean> {
    return this.table.put(
      MergeEntity.toItem(merge),
      expectedState ? { attribute: 'state', equals: expectedState } : { absent: true },
    );
  }

  async getMerge(mergeId: string): Promise<Merge | null> {
    const it = await this.table.get(keys.mergeHead(mergeId));
    return it ? MergeEntity.fromItem(it) : null;
  }

  /** Merges, newest first. */
  async listMerges(options: { limit: number; cursor?: string | undefined }): Promise<Page<Merge>> {
    const input = { ...Table.indexQuery(keys.mergesPk), ScanIndexForward: false };
    // A page ends at a merge: the cursor keeps its id and time (its GSI1 sort key).
    const codec: CursorCodec = {
      scope: keys.mergesPk,
      // LastEvaluatedKey holds the keys only: the id from the table key, the time from gsi1sk.
      encode: (last) => {
        const parsed = parseKey({ pk: last.pk as string, sk: last.sk as string });
        const listed = last[TABLE.gsi1.sortKey];
        if (parsed?.kind !== 'merge' || typeof listed !== 'string')
          throw new Error('merge list ended at an item that is not a merge');
        return [parsed.mergeId, listed.slice(0, listed.length - parsed.mergeId.length - 1)];
      },
      decode: (parts) => {
        const [mergeId = '', at = ''] = parts;
        if (parts.length !== 2 || !/^[0-9T:.+Z-]{1,40}$/.test(at)) return null;
        const key = keys.merge(mergeId, at);
        const parsed = parseKey(key);
        return parsed?.kind === 'merge' && parsed.mergeId === mergeId ? { ...key } : null;
      },
    };
    return this.table.fillPage(
      input,
      options,
      async (items) => items.map((it) => MergeEntity.fromItem(it)),
      codec,
    );
  }

  async putMergeChanges(changes: readonly MergeChange[]): Promise<void> {
    await this.table.batchWrite(
      changes.map((c) => MergeChangeEntity.toItem(c)),
      [],
    );
  }

  async mergeChanges(mergeId: string): Promise<MergeChange[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.mergePk(mergeId) },
      ConsistentRead: true,
    });
    return items
      .filter((it) => parseKey({ pk: it.pk as string, sk: it.sk as string })?.kind === 'mergeChange')
      .map((it) => MergeChangeEntity.fromItem(it));
  }

  // ---------------------------------------------------------------- audit

  async audit(subject: string): Promise<AuditEntry[]> {
    const items = await this.table.queryPrefix(subject, keys.auditPrefix);
    return items.map((it) => entryOf(AuditEntity.fromItem(it)));
  }

  /**
   * The audit trail, newest first: one subject's partition, or every entry (GSI1), narrowed by
   * tag and actor with a filter (pages stay exact: the plumbing reads until the page is full).
   */
  async listAudit(
    filter: AuditFilter,
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditEntry>> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions: string[] = [];
    if (filter.tag !== undefined) {
      names['#tags'] = 'tags';
      values[':tag'] = filter.tag;
      conditions.push('contains(#tags, :tag)');
    }
    if (filter.actor !== undefined) {
      names['#who'] = 'who';
      values[':who'] = filter.actor;
      conditions.push('#who = :who');
    }
    const filterExpr = conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {};
    if (filter.subject) {
      const pk = keys.auditSubject(filter.subject);
      const input = {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, ...names },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.auditPrefix, ...values },
        ScanIndexForward: false,
        ConsistentRead: true,
        ...filterExpr,
      };
      const codec = auditCodec(`${pk}|${filter.tag ?? ''}|${filter.actor ?? ''}`, pk, false);
      return this.table.fillPage(
        input,
        options,
        async (items) => items.map((it) => entryOf(AuditEntity.fromItem(it))),
        codec,
      );
    }
    const input = {
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      ExpressionAttributeNames: { '#gpk': TABLE.gsi1.partitionKey, ...names },
      ExpressionAttributeValues: { ':gpk': keys.auditIndexPk, ...values },
      ScanIndexForward: false,
      ...filterExpr,
    };
    const codec = auditCodec(`${keys.auditIndexPk}|${filter.tag ?? ''}|${filter.actor ?? ''}`, null, true);
    return this.table.fillPage(
      input,
      options,
      async (items) => items.map((it) => entryOf(AuditEntity.fromItem(it))),
      codec,
    );
  }

  // ---------------------------------------------------------------- taxonomy and model

  /** The current taxonomy (its JSON, as stored) and version; null before the first edit. */
  async readTaxonomy(): Promise<TaxonomyRecord | null> {
    const head = await this.table.get(keys.taxonomyHead());
    if (!head) return null;
    const h = TaxonomyHeadEntity.fromItem(head);
    if (h.data)
      return {
        version: h.version,
        json: JSON.parse((await gunzipAsync(h.data)).toString('utf8')) as unknown,
        at: h.updatedAt,
        who: h.updatedBy,
        change: h.change ?? '',
      };
    const it = await this.table.get(keys.taxonomyVersion(h.version));
    return it ? taxonomyRecord(TaxonomyVersionEntity.fromItem(it)) : null;
  }

  /**
   * One stored version of the taxonomy with its content; null when none is stored under that
   * number. The current version is read from the head when its history item is missing (the
   * head commits first; a fault before the history write leaves only the head).
   */
  async readTaxonomyVersion(version: number): Promise<TaxonomyRecord | null> {
    const it = await this.table.get(keys.taxonomyVersion(version));
    if (it) return taxonomyRecord(TaxonomyVersionEntity.fromItem(it));
    const head = await this.readTaxonomy();
    return head?.version === version ? head : null;
  }

  /**
   * Earlier versions of the taxonomy, newest first, from their metadata only: the query projects
   * away each version's content, so listing costs the same however large the taxonomy has grown.
   */
  async taxonomyVersions(): Promise<Array<Omit<TaxonomyRecord, 'json'>>> {
    const items = await this.table.queryPrefix(
      keys.taxonomyPk,
      keys.taxonomyVersionPrefix,
      TAXONOMY_VERSION_META_ATTRIBUTES,
    );
    return items.map((it) => taxonomyVersionMeta(it)).reverse();
  }

  /**
   * Writes the next version of the taxonomy and makes it current, only if the current version is
   * still `expectedVersion` (0: none stored yet), else VersionConflictError.
   */
  async putTaxonomy(json: unknown, expectedVersion: number, who: string, change: string): Promise<number> {
    const version = expectedVersion + 1;
    const at = this.options.now().toISOString();
    const data = await gzipAsync(Buffer.from(JSON.stringify(json), 'utf8'));
    // The head, holding the content, is the one conditional write that commits. The version item
    // used to be written first under the shared number: a writer that then lost the head switch
    // had overwritten the winner's content (the winner's 200 lost, the 409's edit in use).
    const ok = await this.table.put(
      TaxonomyHeadEntity.toItem({ version, updatedAt: at, updatedBy: who, data, change }),
      expectedVersion === 0 ? { absent: true } : { attribute: 'version', equals: expectedVersion },
    );
    if (!ok)
      throw new VersionConflictError(
        'the taxonomy was changed by someone else meanwhile; reload and try again',
        {
          expectedVersion,
        },
      );
    // The history, written by the one writer that moved the head (a fault here leaves the
    // current version right and its history entry missing).
    await this.table.put(TaxonomyVersionEntity.toItem({ version, data, at, who, change }));
    return version;
  }

  async readModel(): Promise<{ json: unknown; trainedAt: string; examples: number } | null> {
    const it = await this.table.get(keys.tagModel());
    if (!it) return null;
    const m = TagModelEntity.fromItem(it);
    return {
      json: JSON.parse((await gunzipAsync(m.data)).toString('utf8')) as unknown,
      trainedAt: m.trainedAt,
      examples: m.examples,
    };
  }

  async putModel(json: unknown, trainedAt: string, examples: number): Promise<number> {
    const data = await gzipAsync(Buffer.from(JSON.stringify(json), 'utf8'));
    await this.table.put(TagModelEntity.toItem({ data, trainedAt, examples }));
    return data.length;
  }
}

/**
 * Cursors of the audit trail: a page ends at an entry (its subject's partition, time and nonce);
 * the scope names the filters, so a cursor of another filter is rejected. `pk` fixes the
 * partition of a subject's trail; `indexed` keys carry the GSI1 attributes too.
 */
/** A stored taxonomy version as the port gives it (its content unpacked). */
async function taxonomyRecord(v: TaxonomyVersion): Promise<TaxonomyRecord> {
  return {
    version: v.version,
    json: JSON.parse((await gunzipAsync(v.data)).toString('utf8')) as unknown,
    at: v.at,
    who: v.who,
    change: v.change,
  };
}

function auditCodec(scope: string, pk: string | null, indexed: boolean): CursorCodec {
  return {
    scope,
    // LastEvaluatedKey holds the keys only, which spell the whole position.
    encode: (last) => {
      const parsed = parseKey({ pk: last.pk as string, sk: last.sk as string });
      if (parsed?.kind !== 'audit') throw new Error('audit trail ended at an item that is not an entry');
      return [keys.auditSubject(parsed.subject), parsed.at, parsed.nonce];
    },
    decode: (parts): StartKey | null => {
      const [subject = '', at = '', n = ''] = parts;
      if (parts.length !== 3 || (pk !== null && subject !== pk)) return null;
      const key = keys.audit(subject, at, n);
      const parsed = parseKey(key);
      if (parsed?.kind !== 'audit' || parsed.at !== at || parsed.nonce !== n) return null;
      if (keys.auditSubject(parsed.subject) !== subject) return null;
      return indexed ? { ...key } : { pk: key.pk, sk: key.sk };
    },
  };
}

function entryOf(a: Audit): AuditEntry {
  return {
    subject: a.subject,
    at: a.at,
    who: a.who,
    action: a.action,
    tags: a.tags,
    ...(a.added ? { added: a.added } : {}),
    ...(a.removed ? { removed: a.removed } : {}),
    ...(a.detail ? { detail: a.detail } : {}),
    ...(a.search ? { search: a.search } : {}),
  };
}

export type { MergeTarget };
