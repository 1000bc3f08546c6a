/**
 * Typed items, beside the key builders: one entity per kind of item in lib/store/keys.ts. An
 * entity builds its item with its own key ({@link Entity.toItem}) and reads one back
 * ({@link Entity.fromItem}), recognising its key with `parseKey` and checking every attribute it
 * reads, so the store modules never cast `it.x` from an untyped record.
 */

import * as z from 'zod';
import { IdSchema, PersonSchema, RoleSchema } from '../model.ts';
import { type KeyKind, keys, type MergeTarget, type ParsedKey, parseKey, TABLE } from './keys.ts';
import type {
  InterviewSummary,
  ManualTags,
  PeopleEdits,
  PersonProfile,
  SnapshotManifest,
  SnapshotPart,
} from './port.ts';

/** An item as the DynamoDB document client reads and writes it. */
export type RawItem = Record<string, unknown>;

/** A stored item that does not have the shape its key says (a bug or a hand edit): a 500, not a 4xx. */
export class CorruptItemError extends Error {
  constructor(item: RawItem, problem: string) {
    super(`stored item ${String(item.pk)} / ${String(item.sk)}: ${problem}`);
    this.name = 'CorruptItemError';
  }
}

/** Builds items of one kind and reads them back. */
export interface Entity<K extends KeyKind, T> {
  readonly kind: K;
  toItem(value: T): RawItem;
  fromItem(item: RawItem): T;
}

type Parsed<K extends KeyKind> = Extract<ParsedKey, { kind: K }>;

/** The item's key parsed as `kind`, or CorruptItemError. */
function keyAs<K extends KeyKind>(item: RawItem, kind: K): Parsed<K> {
  const parsed = parseKey({ pk: item.pk as string, sk: item.sk as string });
  if (parsed?.kind !== kind) throw new CorruptItemError(item, `expected a ${kind} key`);
  return parsed as Parsed<K>;
}

function str(item: RawItem, name: string): string {
  const v = item[name];
  if (typeof v !== 'string') throw new CorruptItemError(item, `${name} is not a string`);
  return v;
}

function strOrNull(item: RawItem, name: string): string | null {
  const v = item[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new CorruptItemError(item, `${name} is not a string or null`);
  return v;
}

function num(item: RawItem, name: string): number {
  const v = item[name];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new CorruptItemError(item, `${name} is not a number`);
  return v;
}

function strings(item: RawItem, name: string): string[] {
  const v = item[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new CorruptItemError(item, `${name} is not a list of strings`);
  return v as string[];
}

function bytes(item: RawItem, name: string): Uint8Array {
  const v = item[name];
  if (!(v instanceof Uint8Array)) throw new CorruptItemError(item, `${name} is not binary`);
  return v;
}

// ------------------------------------------------------------------------------ interviews

/** The head of an interview: which revision is current, and its list entry. */
export interface Head extends InterviewSummary {
  rev: string;
  createdAt: string;
}

export const HeadEntity: Entity<'interviewHead', Head> = {
  kind: 'interviewHead',
  toItem: (h) => ({
    ...keys.interviewHead(h.id),
    ...keys.interviewList(h.publishedAt ?? h.updatedAt, h.id),
    id: h.id,
    rev: h.rev,
    version: h.version,
    title: h.title,
    url: h.url,
    publishedAt: h.publishedAt,
    quoteCount: h.quoteCount,
    interviewees: h.interviewees,
    tags: h.tags,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
  }),
  fromItem: (it) => {
    const { interviewId } = keyAs(it, 'interviewHead');
    const rev = str(it, 'rev');
    const people = it.interviewees ?? [];
    if (!Array.isArray(people)) throw new CorruptItemError(it, 'interviewees is not a list');
    return {
      id: interviewId,
      rev,
      version: num(it, 'version'),
      title: str(it, 'title'),
      url: strOrNull(it, 'url'),
      publishedAt: strOrNull(it, 'publishedAt'),
      quoteCount: num(it, 'quoteCount'),
      interviewees: people.map((p: RawItem) => ({
        id: str(p, 'id'),
        name: str(p, 'name'),
        handle: strOrNull(p, 'handle'),
      })),
      tags: strings(it, 'tags'),
      createdAt: str(it, 'createdAt'),
      updatedAt: str(it, 'updatedAt'),
    };
  },
};

/** A row of the interview list, from a head. */
export function summaryOf(head: Head): InterviewSummary {
  const { rev: _rev, createdAt: _createdAt, ...summary } = head;
  return summary;
}

/** One chunk of a revision's gzipped record; the first says how many there are. */
export interface DocChunk {
  interviewId: string;
  rev: string;
  n: number;
  data: Uint8Array;
  /** Number of chunks (on chunk 0 only). */
  chunks?: number | undefined;
}

export const DocEntity: Entity<'interviewDoc', DocChunk> = {
  kind: 'interviewDoc',
  toItem: (d) => ({
    ...keys.interviewDoc(d.interviewId, d.rev, d.n),
    data: d.data,
    ...(d.chunks === undefined ? {} : { chunks: d.chunks }),
  }),
  fromItem: (it) => {
    const { interviewId, rev, n } = keyAs(it, 'interviewDoc');
    return {
      interviewId,
      rev,
      n,
      data: bytes(it, 'data'),
      ...(it.chunks === undefined ? {} : { chunks: num(it, 'chunks') }),
    };
  },
};

// ------------------------------------------------------------------------------ memberships

/** A quote has a tag in one revision. */
export interface QuoteTag {
  interviewId: string;
  rev: string;
  quoteId: string;
  tag: string;
}

export const QuoteTagEntity: Entity<'quoteTag', QuoteTag> = {
  kind: 'quoteTag',
  toItem: (m) => ({ ...keys.quoteTag(m.interviewId, m.rev, m.quoteId, m.tag), ...m }),
  fromItem: (it) => {
    const { interviewId, rev, quoteId, tag } = keyAs(it, 'quoteTag');
    return { interviewId, rev, quoteId, tag };
  },
};

/** A person appears in one revision of an interview. */
export interface PersonIn {
  interviewId: string;
  rev: string;
  personId: string;
  name: string;
  handle: string | null;
}

export const PersonInEntity: Entity<'personIn', PersonIn> = {
  kind: 'personIn',
  toItem: (p) => ({ ...keys.personIn(p.interviewId, p.rev, p.personId), ...p }),
  fromItem: (it) => {
    const { interviewId, rev, personId } = keyAs(it, 'personIn');
    return { interviewId, rev, personId, name: str(it, 'name'), handle: strOrNull(it, 'handle') };
  },
};

/** A person has an automatic tag in one revision of an interview. */
export interface PersonTag {
  interviewId: string;
  rev: string;
  personId: string;
  tag: string;
}

export const PersonTagEntity: Entity<'personTag', PersonTag> = {
  kind: 'personTag',
  toItem: (m) => ({ ...keys.personTag(m.interviewId, m.rev, m.personId, m.tag), ...m }),
  fromItem: (it) => {
    const { interviewId, rev, personId, tag } = keyAs(it, 'personTag');
    return { interviewId, rev, personId, tag };
  },
};

/** Any of the three membership items of a revision. */
export type Membership =
  | ({ kind: 'quoteTag' } & QuoteTag)
  | ({ kind: 'personIn' } & PersonIn)
  | ({ kind: 'personTag' } & PersonTag);

/** Builds the item of a membership. */
export function membershipItem(m: Membership): RawItem {
  const { kind, ...value } = m;
  if (m.kind === 'quoteTag') return QuoteTagEntity.toItem(value as QuoteTag);
  if (m.kind === 'personIn') return PersonInEntity.toItem(value as PersonIn);
  return PersonTagEntity.toItem(value as PersonTag);
}

// ------------------------------------------------------------------------------ people

const TurnOverrideSchema = z.object({
  quoteId: IdSchema,
  textDigest: z.string().min(1).max(64),
  speakerId: IdSchema.nullable().optional(),
  speaker: z.string().min(1).max(100).optional(),
  role: RoleSchema.optional(),
});
const PeopleEditsData = z.object({
  turns: z.array(TurnOverrideSchema).max(2000),
  people: z.array(PersonSchema).max(100),
});

/** Editors' speaker edits of an interview (turn overrides and people), kept as one JSON attribute. */
export const PeopleEditsEntity: Entity<'peopleEdits', PeopleEdits> = {
  kind: 'peopleEdits',
  toItem: (e) => ({
    ...keys.peopleEdits(e.interviewId),
    data: JSON.stringify({ turns: e.turns, people: e.people }),
    version: e.version,
    updatedAt: e.updatedAt,
    updatedBy: e.updatedBy,
  }),
  fromItem: (it) => {
    const { interviewId } = keyAs(it, 'peopleEdits');
    let data: z.infer<typeof PeopleEditsData>;
    try {
      data = PeopleEditsData.parse(JSON.parse(str(it, 'data')));
    } catch (e) {
      throw new CorruptItemError(it, `data is not a list of edits (${e instanceof Error ? e.message : e})`);
    }
    return {
      interviewId,
      turns: data.turns.map((t) => ({
        quoteId: t.quoteId,
        textDigest: t.textDigest,
        ...(t.speakerId !== undefined ? { speakerId: t.speakerId } : {}),
        ...(t.speaker !== undefined ? { speaker: t.speaker } : {}),
        ...(t.role !== undefined ? { role: t.role } : {}),
      })),
      people: data.people,
      version: num(it, 'version'),
      updatedAt: strOrNull(it, 'updatedAt'),
      updatedBy: strOrNull(it, 'updatedBy'),
    };
  },
};

export const PersonProfileEntity: Entity<'personProfile', PersonProfile> = {
  kind: 'personProfile',
  toItem: (p) => ({ ...keys.personProfile(p.personId), ...p }),
  fromItem: (it) => ({
    personId: keyAs(it, 'personProfile').personId,
    name: strOrNull(it, 'name'),
    title: strOrNull(it, 'title'),
    reading: strOrNull(it, 'reading'),
    mergedInto: strOrNull(it, 'mergedInto'),
    version: num(it, 'version'),
    updatedAt: strOrNull(it, 'updatedAt'),
    updatedBy: strOrNull(it, 'updatedBy'),
  }),
};

// ------------------------------------------------------------------------------ tags

/** A manual-tags item without its subject (quote or person). */
function manualFields(it: RawItem): ManualTags {
  return {
    add: strings(it, 'add'),
    remove: strings(it, 'remove'),
    version: num(it, 'version'),
    updatedAt: strOrNull(it, 'updatedAt'),
    updatedBy: strOrNull(it, 'updatedBy'),
  };
}

/** Manual corrections of a quote's tags. */
export type QuoteManual = ManualTags & { quoteId: string };

export const QuoteManualEntity: Entity<'quoteManual', QuoteManual> = {
  kind: 'quoteManual',
  toItem: (m) => ({ ...keys.quoteManual(m.quoteId), ...m }),
  fromItem: (it) => ({ quoteId: keyAs(it, 'quoteManual').quoteId, ...manualFields(it) }),
};

/** Manual tags of a person. */
export type PersonManual = ManualTags & { personId: string };

export const PersonManualEntity: Entity<'personManual', PersonManual> = {
  kind: 'personManual',
  toItem: (m) => ({ ...keys.personManual(m.personId), ...m }),
  fromItem: (it) => ({ personId: keyAs(it, 'personManual').personId, ...manualFields(it) }),
};

/** A person has a manual tag (found by tag on GSI1). */
export interface PersonManualTag {
  personId: string;
  tag: string;
}

export const PersonManualTagEntity: Entity<'personManualTag', PersonManualTag> = {
  kind: 'personManualTag',
  toItem: (m) => ({ ...keys.personManualTag(m.personId, m.tag), ...m }),
  fromItem: (it) => {
    const { personId, tag } = keyAs(it, 'personManualTag');
    return { personId, tag };
  },
};

/** A quote's manual corrections name a tag (found by tag on GSI1: merges rewrite them). */
export interface QuoteManualTag {
  quoteId: string;
  tag: string;
  op: 'add' | 'remove';
}

export const QuoteManualTagEntity: Entity<'quoteManualTag', QuoteManualTag> = {
  kind: 'quoteManualTag',
  toItem: (m) => ({ ...keys.quoteManualTag(m.quoteId, m.tag), ...m }),
  fromItem: (it) => {
    const { quoteId, tag } = keyAs(it, 'quoteManualTag');
    const op = str(it, 'op');
    if (op !== 'add' && op !== 'remove') throw new CorruptItemError(it, 'op is not add or remove');
    return { quoteId, tag, op };
  },
};

/** One tag edit. `subject` is the partition it is kept under (see keys.auditSubject). */
export interface Audit {
  subject: string;
  at: string;
  nonce: string;
  who: string;
  action: string;
  /** Every tag the edit involves (what `?tag=` filters on). */
  tags: string[];
  added?: string[] | undefined;
  removed?: string[] | undefined;
  /** Short facts about the edit (merge id, counts). */
  detail?: Record<string, string | number | boolean> | undefined;
  /** The search a bulk edit applied to, as the request gave it. */
  search?: Record<string, unknown> | undefined;
}

/**
 * The search of a bulk entry: a map since qa2; entries written before kept it as JSON text in
 * `detail.search`, read here as the same object (and dropped from `detail`), so old and new
 * entries read alike.
 */
function searchOf(item: RawItem, detail: Audit['detail']): Pick<Audit, 'search' | 'detail'> {
  const v = item.search;
  if (v !== undefined && v !== null) {
    if (typeof v !== 'object' || Array.isArray(v)) throw new CorruptItemError(item, 'search is not a map');
    return { search: v as Record<string, unknown>, ...(detail ? { detail } : {}) };
  }
  const legacy = detail?.search;
  if (typeof legacy !== 'string') return detail ? { detail } : {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(legacy);
  } catch {
    // Cut at 500 characters when written: a long search is kept as the text it was.
    return { detail };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { detail };
  const { search: _, ...rest } = detail as Record<string, string | number | boolean>;
  return {
    search: parsed as Record<string, unknown>,
    ...(Object.keys(rest).length > 0 ? { detail: rest } : {}),
  };
}

function detailOf(item: RawItem): Audit['detail'] {
  const v = item.detail;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new CorruptItemError(item, 'detail is not a map');
  const out: Record<string, string | number | boolean> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean')
      throw new CorruptItemError(item, `detail.${k} is not a scalar`);
    out[k] = x;
  }
  return out;
}

export const AuditEntity: Entity<'audit', Audit> = {
  kind: 'audit',
  toItem: (a) => {
    const { added, removed, detail, search, ...rest } = a;
    return {
      ...keys.audit(a.subject, a.at, a.nonce),
      ...rest,
      ...(added ? { added } : {}),
      ...(removed ? { removed } : {}),
      ...(detail ? { detail } : {}),
      ...(search ? { search } : {}),
    };
  },
  fromItem: (it) => {
    const { subject, at, nonce } = keyAs(it, 'audit');
    return {
      subject: keys.auditSubject(subject),
      at,
      nonce,
      who: str(it, 'who'),
      action: str(it, 'action'),
      tags: strings(it, 'tags'),
      ...(it.added === undefined ? {} : { added: strings(it, 'added') }),
      ...(it.removed === undefined ? {} : { removed: strings(it, 'removed') }),
      ...searchOf(it, it.detail === undefined ? undefined : detailOf(it)),
    };
  },
};

/** A tag renamed or merged into another. */
export interface Alias {
  from: string;
  into: string;
  updatedAt: string;
  updatedBy: string;
  /** The merge that made it (absent on aliases written before merges were recorded). */
  mergeId?: string | undefined;
}

export const AliasEntity: Entity<'tagAlias', Alias> = {
  kind: 'tagAlias',
  toItem: (a) => ({
    ...keys.tagAlias(a.from),
    into: a.into,
    updatedAt: a.updatedAt,
    updatedBy: a.updatedBy,
    ...(a.mergeId ? { mergeId: a.mergeId } : {}),
  }),
  fromItem: (it) => ({
    from: keyAs(it, 'tagAlias').tag,
    into: str(it, 'into'),
    updatedAt: strOrNull(it, 'updatedAt') ?? '',
    updatedBy: strOrNull(it, 'updatedBy') ?? '',
    ...(it.mergeId === undefined ? {} : { mergeId: str(it, 'mergeId') }),
  }),
};

/** A tag that is not a topic, known because an editor used it. */
export interface TagEntry {
  tag: string;
  createdAt: string;
  createdBy: string;
}

export const TagEntryEntity: Entity<'tagEntry', TagEntry> = {
  kind: 'tagEntry',
  toItem: (t) => ({ ...keys.tagEntry(t.tag), ...t }),
  fromItem: (it) => ({
    tag: keyAs(it, 'tagEntry').tag,
    createdAt: str(it, 'createdAt'),
    createdBy: str(it, 'createdBy'),
  }),
};

/** A merge of one tag into another, and whether it was undone. */
export interface Merge {
  id: string;
  from: string;
  into: string;
  /** The target did not exist and the merge created it (`create: true`). */
  createdTarget: boolean;
  at: string;
  who: string;
  state: 'applying' | 'applied' | 'undone';
  /** Quote and person corrections the merge rewrote (their earlier state is kept for undo). */
  quotes: number;
  people: number;
  /** Interviews whose tags it changed. */
  interviews: number;
  undoneAt?: string | undefined;
  undoneBy?: string | undefined;
}

export const MergeEntity: Entity<'merge', Merge> = {
  kind: 'merge',
  toItem: (m) => {
    const { undoneAt, undoneBy, ...rest } = m;
    return {
      ...keys.merge(m.id, m.at),
      ...rest,
      ...(undoneAt ? { undoneAt } : {}),
      ...(undoneBy ? { undoneBy } : {}),
    };
  },
  fromItem: (it) => {
    const { mergeId } = keyAs(it, 'merge');
    const state = str(it, 'state');
    if (state !== 'applying' && state !== 'applied' && state !== 'undone')
      throw new CorruptItemError(it, 'state is not a merge state');
    return {
      id: mergeId,
      from: str(it, 'from'),
      into: str(it, 'into'),
      createdTarget: it.createdTarget === true,
      at: str(it, 'at'),
      who: str(it, 'who'),
      state,
      quotes: num(it, 'quotes'),
      people: num(it, 'people'),
      interviews: num(it, 'interviews'),
      ...(it.undoneAt === undefined ? {} : { undoneAt: str(it, 'undoneAt') }),
      ...(it.undoneBy === undefined ? {} : { undoneBy: str(it, 'undoneBy') }),
    };
  },
};

/** A correction a merge rewrote: what it was before, and the version the merge left. */
export interface MergeChange {
  mergeId: string;
  target: MergeTarget;
  before: ManualTags;
  afterVersion: number;
}

export const MergeChangeEntity: Entity<'mergeChange', MergeChange> = {
  kind: 'mergeChange',
  toItem: (c) => ({
    ...keys.mergeChange(c.mergeId, c.target),
    before: c.before,
    afterVersion: c.afterVersion,
  }),
  fromItem: (it) => {
    const { mergeId, target } = keyAs(it, 'mergeChange');
    const before = it.before;
    if (!before || typeof before !== 'object') throw new CorruptItemError(it, 'before is not a map');
    return {
      mergeId,
      target,
      before: manualFields(before as RawItem),
      afterVersion: num(it, 'afterVersion'),
    };
  },
};

/** Which taxonomy version is current. */
export interface TaxonomyHead {
  version: number;
  updatedAt: string;
  updatedBy: string;
  /**
   * The current version's content (gzipped JSON): the head switch is the one conditional write
   * that commits an edit, so what it names and what it holds cannot come from two writers.
   */
  data?: Uint8Array;
  /** The change that made the current version (with `data`). */
  change?: string;
}

export const TaxonomyHeadEntity: Entity<'taxonomyHead', TaxonomyHead> = {
  kind: 'taxonomyHead',
  toItem: (h) => ({ ...keys.taxonomyHead(), ...h }),
  fromItem: (it) => {
    keyAs(it, 'taxonomyHead');
    return {
      version: num(it, 'version'),
      updatedAt: str(it, 'updatedAt'),
      updatedBy: str(it, 'updatedBy'),
      // Heads written before the head carried the content have none (read the version item).
      ...(it.data === undefined ? {} : { data: bytes(it, 'data'), change: str(it, 'change') }),
    };
  },
};

/** One version of the taxonomy (gzipped JSON) and the change that made it. */
export interface TaxonomyVersion {
  version: number;
  data: Uint8Array;
  at: string;
  who: string;
  change: string;
}

export const TaxonomyVersionEntity: Entity<'taxonomyVersion', TaxonomyVersion> = {
  kind: 'taxonomyVersion',
  toItem: (v) => ({ ...keys.taxonomyVersion(v.version), ...v }),
  fromItem: (it) => ({
    version: keyAs(it, 'taxonomyVersion').version,
    data: bytes(it, 'data'),
    at: str(it, 'at'),
    who: str(it, 'who'),
    change: str(it, 'change'),
  }),
};

/** The attributes of a taxonomy version besides its keys that list it (not its content, `data`). */
export const TAXONOMY_VERSION_META_ATTRIBUTES = ['at', 'who', 'change'] as const;

/** A taxonomy version's metadata, from an item read with TAXONOMY_VERSION_META_ATTRIBUTES. */
export function taxonomyVersionMeta(it: RawItem): Omit<TaxonomyVersion, 'data'> {
  return {
    version: keyAs(it, 'taxonomyVersion').version,
    at: str(it, 'at'),
    who: str(it, 'who'),
    change: str(it, 'change'),
  };
}

/** The model the tagger learned from editors (gzipped JSON). */
export interface TagModel {
  data: Uint8Array;
  trainedAt: string;
  examples: number;
}

export const TagModelEntity: Entity<'tagModel', TagModel> = {
  kind: 'tagModel',
  toItem: (m) => ({ ...keys.tagModel(), ...m }),
  fromItem: (it) => {
    keyAs(it, 'tagModel');
    return { data: bytes(it, 'data'), trainedAt: str(it, 'trainedAt'), examples: num(it, 'examples') };
  },
};

// ------------------------------------------------------------------------------ snapshots

/**
 * The manifest: the published snapshot, and the one before it (kept for readers mid-load). A
 * snapshot of parts lists them (each stored as chunks under its key), and the keys of the
 * previous manifest's parts, so a publish knows which parts nobody reads any more.
 */
export type Manifest = SnapshotManifest & { previous: string | null; previousParts?: string[] };

function partsOf(item: RawItem): SnapshotPart[] | undefined {
  const v = item.parts;
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new CorruptItemError(item, 'parts is not a list');
  return v.map((p: unknown) => {
    const part = p as RawItem;
    if (
      typeof part?.key !== 'string' ||
      typeof part.bytes !== 'number' ||
      !['base', 'segment'].includes(String(part.kind))
    )
      throw new CorruptItemError(item, 'a part is not { key, bytes, kind }');
    return { key: part.key, bytes: part.bytes, kind: part.kind as SnapshotPart['kind'] };
  });
}

export const ManifestEntity: Entity<'indexManifest', Manifest> = {
  kind: 'indexManifest',
  toItem: (m) => ({ ...keys.indexManifest(), ...m }),
  fromItem: (it) => {
    keyAs(it, 'indexManifest');
    const parts = partsOf(it);
    return {
      snapshotId: str(it, 'snapshotId'),
      chunks: num(it, 'chunks'),
      bytes: num(it, 'bytes'),
      quotes: num(it, 'quotes'),
      interviews: num(it, 'interviews'),
      createdAt: str(it, 'createdAt'),
      previous: strOrNull(it, 'previous'),
      ...(parts ? { parts } : {}),
      ...(it.previousParts !== undefined ? { previousParts: strings(it, 'previousParts') } : {}),
    };
  },
};

/** One chunk of a packed snapshot. */
export interface SnapshotChunk {
  snapshotId: string;
  n: number;
  data: Uint8Array;
}

export const ChunkEntity: Entity<'indexChunk', SnapshotChunk> = {
  kind: 'indexChunk',
  toItem: (c) => ({ ...keys.indexChunk(c.snapshotId, c.n), data: c.data }),
  fromItem: (it) => {
    const { snapshotId, n } = keyAs(it, 'indexChunk');
    return { snapshotId, n, data: bytes(it, 'data') };
  },
};

// ------------------------------------------------------------------------------ jobs

/** What a background job does (lib/jobs/steps.ts runs each kind). */
/** `preview`: a dry run of a merge too large to count before answering (counts only). */
export type JobKind = 'rebuild' | 'check' | 'repair' | 'rescore' | 'merge' | 'undo' | 'preview';

const JOB_KINDS: readonly JobKind[] = ['rebuild', 'check', 'repair', 'rescore', 'merge', 'undo', 'preview'];
const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;

/** A background job: what it does, where it is, and what it found so far. */
export interface Job {
  id: string;
  kind: JobKind;
  /** Why it runs (e.g. `taxonomy v3`), for people reading it. */
  reason: string | null;
  /** Kind-specific parameters (a merge's id). */
  params: Record<string, string>;
  state: (typeof JOB_STATES)[number];
  /** The part of the job running now (e.g. `apply`, then `sweep`). */
  phase: string;
  /** The next step to run: steps done so far. */
  step: number;
  /** Pages of work done (a step does one or more). */
  pages: number;
  /** Where the phase continues (an opaque page cursor), null at its start. */
  cursor: string | null;
  /** Failed attempts at the current step. */
  attempts: number;
  /**
   * The phase's measured pace, ms per item of its pages (lib/jobs/steps.ts sizes each page by it
   * to end the step inside its budget); absent or null before its first page. Internal.
   */
  pace?: number | null;
  /**
   * The interview the phase's last page ended with, not done yet, when a page may end inside an
   * interview (a page of a tag's quotes): the next page does it with the rest of its items. Internal.
   */
  lastId?: string | null;
  /** Units (interviews) done in the current phase, and about how many there are. */
  done: number;
  total: number | null;
  /** Counts of what the job found or changed. */
  result: Record<string, number>;
  /** The first ids behind some counts (e.g. interviews a check found missing). */
  ids: Record<string, string[]>;
  /** Problems it stepped over (the most recent few). */
  errors: string[];
  /** Why it failed. */
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

function record<T>(item: RawItem, name: string, check: (v: unknown) => v is T): Record<string, T> {
  const v = item[name];
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every(check))
    throw new CorruptItemError(item, `${name} is not a map of the expected values`);
  return v as Record<string, T>;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/**
 * Days a finished job's record is kept ({@link TABLE.expiresAt}): long enough to read what a
 * rebuild or check found after a holiday, without the table growing by a record per edit job.
 */
export const JOB_RETENTION_DAYS = 30;

/** When a job's record expires (epoch seconds), or undefined while it runs. */
function jobExpiry(j: Job): number | undefined {
  if (!j.finishedAt) return undefined;
  const finished = Date.parse(j.finishedAt);
  return Number.isFinite(finished) ? Math.floor(finished / 1000) + JOB_RETENTION_DAYS * 86_400 : undefined;
}

export const JobEntity: Entity<'job', Job> = {
  kind: 'job',
  toItem: (j) => {
    // Open, it is listed (keys.openJob); finished, it is not, and its record expires.
    const open = j.state === 'queued' || j.state === 'running';
    const expiresAt = jobExpiry(j);
    return {
      ...(open ? keys.openJob(j.id, j.createdAt) : keys.job(j.id)),
      ...j,
      ...(expiresAt === undefined ? {} : { [TABLE.expiresAt]: expiresAt }),
    };
  },
  fromItem: (it) => {
    const { jobId } = keyAs(it, 'job');
    const kind = str(it, 'kind') as JobKind;
    if (!JOB_KINDS.includes(kind)) throw new CorruptItemError(it, 'kind is not a job kind');
    const state = str(it, 'state') as Job['state'];
    if (!JOB_STATES.includes(state)) throw new CorruptItemError(it, 'state is not a job state');
    const total = it.total;
    if (total !== null && total !== undefined && !isNumber(total))
      throw new CorruptItemError(it, 'total is not a number or null');
    const pace = it.pace;
    if (pace !== null && pace !== undefined && !isNumber(pace))
      throw new CorruptItemError(it, 'pace is not a number or null');
    return {
      id: jobId,
      kind,
      reason: strOrNull(it, 'reason'),
      params: record(it, 'params', isString),
      state,
      phase: str(it, 'phase'),
      step: num(it, 'step'),
      pages: num(it, 'pages'),
      cursor: strOrNull(it, 'cursor'),
      pace: pace ?? null,
      lastId: strOrNull(it, 'lastId'),
      attempts: num(it, 'attempts'),
      done: num(it, 'done'),
      total: total ?? null,
      result: record(it, 'result', isNumber),
      ids: record(it, 'ids', isStrings),
      errors: strings(it, 'errors'),
      error: strOrNull(it, 'error'),
      createdAt: str(it, 'createdAt'),
      startedAt: strOrNull(it, 'startedAt'),
      updatedAt: str(it, 'updatedAt'),
      finishedAt: strOrNull(it, 'finishedAt'),
    };
  },
};
