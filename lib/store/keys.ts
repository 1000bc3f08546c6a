/**
 * The single-table layout, declared once. This file is the only place a key is spelled
 * ({@link keys}) or read back ({@link parseKey}); the adapter, the Streams indexer and the CDK
 * stack's stream filters ({@link keyPatterns}) all go through it.
 *
 * | kind            | item                               | pk                 | sk                              | gsi1pk            | gsi1sk             |
 * | --------------- | ---------------------------------- | ------------------ | ------------------------------- | ----------------- | ------------------ |
 * | interviewHead   | interview head (current revision)  | IV#<id>            | HEAD                            | INTERVIEWS        | <sort date>#<id>   |
 * | interviewDoc    | interview content, one version     | IV#<id>            | V#<rev>#DOC#<n>                 |                   |                    |
 * | quoteTag        | quote has tag (one version)        | IV#<id>            | V#<rev>#QT#<quoteId>#<tag>      | QTAG#<tag>        | <quoteId>          |
 * | personIn        | person appears in (one version)    | IV#<id>            | V#<rev>#P#<personId>            | PERSON#<personId> | IV#<id>            |
 * | personTag       | person has tag (one version)       | IV#<id>            | V#<rev>#PT#<personId>#<tag>     | PTAG#<tag>        | <personId>#<id>    |
 * | peopleEdits     | editors' speaker edits (+ lock)    | IV#<id>            | PEOPLE                          |                   |                    |
 * | quoteManual     | manual tags of a quote (+ lock)    | QUOTE#<quoteId>    | TAGS                            |                   |                    |
 * | personManual    | manual tags of a person (+ lock)   | PERSON#<personId>  | TAGS                            |                   |                    |
 * | personManualTag | person has manual tag              | PERSON#<personId>  | MTAG#<tag>                      | PTAG#<tag>        | <personId>#manual  |
 * | personProfile   | editors' name/merge of a person    | PERSON#<personId>  | PROFILE                         |                   |                    |
 * | quoteManualTag  | a quote's correction names a tag   | QUOTE#<quoteId>    | MTAG#<tag>                      | MQTAG#<tag>       | <quoteId>          |
 * | audit           | audit trail of tag and people edits | QUOTE#… / PERSON#… / TAG#<tag> / TOPIC#<id> / BULK | AUDIT#<iso time>#<nonce> | AUDIT | <iso time>#<nonce> |
 * | tagAlias        | tag renamed/merged into another    | TAGALIAS           | <tag>                           |                   |                    |
 * | tagEntry        | a tag in use that is not a topic   | TAGDIR             | <tag>                           |                   |                    |
 * | merge           | a merge of two tags (and its undo) | MERGE#<mergeId>    | HEAD                            | MERGES            | <iso time>#<mergeId> |
 * | mergeChange     | a record a merge rewrote           | MERGE#<mergeId>    | Q#<quoteId> / P#<personId>      |                   |                    |
 * | taxonomyHead    | which taxonomy version is current  | TAXONOMY           | CURRENT                         |                   |                    |
 * | taxonomyVersion | one version of the taxonomy        | TAXONOMY           | V#<8-digit version>             |                   |                    |
 * | tagModel        | what editors taught the tagger     | TAGMODEL           | CURRENT                         |                   |                    |
 * | indexManifest   | search snapshot manifest           | INDEX              | MANIFEST                        |                   |                    |
 * | indexChunk      | search snapshot chunk              | INDEX#<partId>     | CHUNK#<n>                       |                   |                    |
 * | job             | a background job and its progress  | JOB#<jobId>        | HEAD                            | JOBS#OPEN (open)  | <created>#<jobId>  |
 * | jobVisit        | an interview a job's step refreshed | JOB#<jobId>        | SEEN#<interviewId>              |                   |                    |
 *
 * A job is on GSI1 only while it is open (queued or running), so a starting process finds the
 * jobs it must carry on ({@link keys.openJob}); a finished job expires ({@link TABLE.expiresAt},
 * items.ts JOB_RETENTION_DAYS after it finished), and so does what a job visited
 * ({@link keys.jobVisit}, JOB_RETENTION_DAYS after it was written); every other item is kept
 * until something deletes it.
 *
 * A snapshot is made of parts (a base and segments over it, see lib/search/engine); a part's id
 * is {@link keys.snapshotPartId}: the snapshot id that wrote it, `_<n>` for its n-th new part
 * after the first. In S3 a part is the object {@link objectKeys.snapshotPart}.
 *
 * `<rev>` is {@link revisionId}: `<8-digit version>-<nonce>`. Ids are `[A-Za-z0-9_-]`, tags never
 * contain `#`, so `#` separates the parts of every key unambiguously.
 */

/** Table and index attribute names (used by the adapter and by infra/). */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /**
   * The table's time-to-live attribute (epoch seconds): DynamoDB deletes an item some time after
   * it. Only finished jobs carry it (JobEntity): a job's record is read while it runs and for a
   * while after, and nothing else expires.
   */
  expiresAt: 'expiresAt',
} as const;

/** Default table name for local runs. */
export const DEFAULT_TABLE_NAME = 'kikigaki';

/** A primary key. */
export interface Key {
  pk: string;
  sk: string;
}

/** A primary key with the item's GSI1 key. */
export interface IndexedKey extends Key {
  gsi1pk: string;
  gsi1sk: string;
}

/** Whose tags an audit entry records (its partition). */
export type AuditSubject =
  | { kind: 'quote'; quoteId: string }
  | { kind: 'person'; personId: string }
  | { kind: 'tag'; tag: string }
  | { kind: 'topic'; topic: string }
  | { kind: 'bulk' };

/** What a merge change item records: a quote's or a person's corrections. */
export type MergeTarget = { kind: 'quote'; quoteId: string } | { kind: 'person'; personId: string };

// The spelling of every prefix and constant part, in one place.
const S = {
  iv: 'IV#',
  head: 'HEAD',
  version: 'V#',
  doc: 'DOC#',
  quoteTag: 'QT#',
  personIn: 'P#',
  personTag: 'PT#',
  quote: 'QUOTE#',
  person: 'PERSON#',
  tag: 'TAG#',
  tags: 'TAGS',
  manualTag: 'MTAG#',
  manual: 'manual',
  audit: 'AUDIT#',
  auditIndex: 'AUDIT',
  alias: 'TAGALIAS',
  index: 'INDEX',
  manifest: 'MANIFEST',
  snapshot: 'INDEX#',
  chunk: 'CHUNK#',
  interviews: 'INTERVIEWS',
  qtag: 'QTAG#',
  ptag: 'PTAG#',
  mqtag: 'MQTAG#',
  topic: 'TOPIC#',
  bulk: 'BULK',
  tagDir: 'TAGDIR',
  merge: 'MERGE#',
  merges: 'MERGES',
  mergeQuote: 'Q#',
  mergePerson: 'P#',
  taxonomy: 'TAXONOMY',
  current: 'CURRENT',
  model: 'TAGMODEL',
  job: 'JOB#',
  openJobs: 'JOBS#OPEN',
  jobVisit: 'SEEN#',
  people: 'PEOPLE',
  profile: 'PROFILE',
} as const;

const pad = (n: number, width = 8) => String(n).padStart(width, '0');

/**
 * A revision id: the version number (zero-padded, so revisions sort) plus a random suffix, so two
 * writers that both picked version N never write into each other's items.
 */
export function revisionId(version: number, nonce: string): string {
  return `${pad(version)}-${nonce}`;
}

/** The version number inside a revision id. */
export function revisionVersion(rev: string): number {
  return Number.parseInt(rev.slice(0, 8), 10);
}

/** Key builders, one per item kind (plus the prefixes queries range over). */
export const keys = {
  interviewPk: (id: string) => `${S.iv}${id}`,
  interviewHead: (id: string): Key => ({ pk: `${S.iv}${id}`, sk: S.head }),
  /** The GSI1 key of a head: the newest-first interview list. */
  interviewList: (sortDate: string, id: string) => ({ gsi1pk: S.interviews, gsi1sk: `${sortDate}#${id}` }),
  /** GSI1 partition of the interview list. */
  interviewListPk: S.interviews,
  versionPrefix: (rev: string) => `${S.version}${rev}#`,
  allVersionsPrefix: S.version,
  interviewDoc: (id: string, rev: string, n: number): Key => ({
    pk: `${S.iv}${id}`,
    sk: `${S.version}${rev}#${S.doc}${pad(n, 4)}`,
  }),
  docPrefix: (rev: string) => `${S.version}${rev}#${S.doc}`,
  quoteTag: (id: string, rev: string, quoteId: string, tag: string): IndexedKey => ({
    pk: `${S.iv}${id}`,
    sk: `${S.version}${rev}#${S.quoteTag}${quoteId}#${tag}`,
    gsi1pk: `${S.qtag}${tag}`,
    gsi1sk: quoteId,
  }),
  quoteTagPrefix: (rev: string) => `${S.version}${rev}#${S.quoteTag}`,
  /** GSI1 partition of the quotes with a tag. */
  quotesWithTagPk: (tag: string) => `${S.qtag}${tag}`,
  personIn: (id: string, rev: string, personId: string): IndexedKey => ({
    pk: `${S.iv}${id}`,
    sk: `${S.version}${rev}#${S.personIn}${personId}`,
    gsi1pk: `${S.person}${personId}`,
    gsi1sk: `${S.iv}${id}`,
  }),
  personInPrefix: (rev: string) => `${S.version}${rev}#${S.personIn}`,
  /** GSI1 partition of the interviews a person appears in. */
  interviewsOfPersonPk: (personId: string) => `${S.person}${personId}`,
  personTag: (id: string, rev: string, personId: string, tag: string): IndexedKey => ({
    pk: `${S.iv}${id}`,
    sk: `${S.version}${rev}#${S.personTag}${personId}#${tag}`,
    gsi1pk: `${S.ptag}${tag}`,
    gsi1sk: `${personId}#${id}`,
  }),
  personTagPrefix: (rev: string) => `${S.version}${rev}#${S.personTag}`,
  /** Editors' speaker edits of an interview: outside every revision, so a re-ingest keeps them. */
  peopleEdits: (id: string): Key => ({ pk: `${S.iv}${id}`, sk: S.people }),
  /** GSI1 partition of the people with a tag (automatic and manual). */
  peopleWithTagPk: (tag: string) => `${S.ptag}${tag}`,
  quoteManualPk: (quoteId: string) => `${S.quote}${quoteId}`,
  quoteManual: (quoteId: string): Key => ({ pk: `${S.quote}${quoteId}`, sk: S.tags }),
  personManualPk: (personId: string) => `${S.person}${personId}`,
  personManual: (personId: string): Key => ({ pk: `${S.person}${personId}`, sk: S.tags }),
  /** Editors' name, title, reading of a person, or the person it was merged into. */
  personProfile: (personId: string): Key => ({ pk: `${S.person}${personId}`, sk: S.profile }),
  personManualTag: (personId: string, tag: string): IndexedKey => ({
    pk: `${S.person}${personId}`,
    sk: `${S.manualTag}${tag}`,
    gsi1pk: `${S.ptag}${tag}`,
    gsi1sk: `${personId}#${S.manual}`,
  }),
  quoteManualTag: (quoteId: string, tag: string): IndexedKey => ({
    pk: `${S.quote}${quoteId}`,
    sk: `${S.manualTag}${tag}`,
    gsi1pk: `${S.mqtag}${tag}`,
    gsi1sk: quoteId,
  }),
  /** GSI1 partition of the quotes whose manual corrections name a tag. */
  quotesCorrectedWithTagPk: (tag: string) => `${S.mqtag}${tag}`,
  manualTagPrefix: S.manualTag,
  /** The partition an audit subject's entries live in (the `subject` of the audit port). */
  auditSubject: (subject: AuditSubject): string => {
    switch (subject.kind) {
      case 'quote':
        return `${S.quote}${subject.quoteId}`;
      case 'person':
        return `${S.person}${subject.personId}`;
      case 'tag':
        return `${S.tag}${subject.tag}`;
      case 'topic':
        return `${S.topic}${subject.topic}`;
      case 'bulk':
        return S.bulk;
    }
  },
  audit: (subjectPk: string, at: string, nonce: string): IndexedKey => ({
    pk: subjectPk,
    sk: `${S.audit}${at}#${nonce}`,
    gsi1pk: S.auditIndex,
    gsi1sk: `${at}#${nonce}`,
  }),
  /** GSI1 partition of every audit entry, oldest first. */
  auditIndexPk: S.auditIndex,
  auditPrefix: S.audit,
  aliasPk: S.alias,
  tagAlias: (tag: string): Key => ({ pk: S.alias, sk: tag }),
  tagDirPk: S.tagDir,
  tagEntry: (tag: string): Key => ({ pk: S.tagDir, sk: tag }),
  mergePk: (mergeId: string) => `${S.merge}${mergeId}`,
  mergeHead: (mergeId: string): Key => ({ pk: `${S.merge}${mergeId}`, sk: S.head }),
  merge: (mergeId: string, at: string): IndexedKey => ({
    pk: `${S.merge}${mergeId}`,
    sk: S.head,
    gsi1pk: S.merges,
    gsi1sk: `${at}#${mergeId}`,
  }),
  /** GSI1 partition of the merges, oldest first. */
  mergesPk: S.merges,
  mergeChange: (mergeId: string, target: MergeTarget): Key => ({
    pk: `${S.merge}${mergeId}`,
    sk: target.kind === 'quote' ? `${S.mergeQuote}${target.quoteId}` : `${S.mergePerson}${target.personId}`,
  }),
  taxonomyPk: S.taxonomy,
  taxonomyHead: (): Key => ({ pk: S.taxonomy, sk: S.current }),
  taxonomyVersion: (version: number): Key => ({ pk: S.taxonomy, sk: `${S.version}${pad(version)}` }),
  taxonomyVersionPrefix: S.version,
  tagModel: (): Key => ({ pk: S.model, sk: S.current }),
  indexManifest: (): Key => ({ pk: S.index, sk: S.manifest }),
  snapshotPk: (snapshotId: string) => `${S.snapshot}${snapshotId}`,
  indexChunk: (snapshotId: string, n: number): Key => ({
    pk: `${S.snapshot}${snapshotId}`,
    sk: `${S.chunk}${pad(n, 4)}`,
  }),
  chunkPrefix: S.chunk,
  /** Id of the `n`-th new part a publish writes: the snapshot's id, then `<snapshotId>_<n>`. */
  snapshotPartId: (snapshotId: string, n: number): string => (n === 0 ? snapshotId : `${snapshotId}_${n}`),
  job: (jobId: string): Key => ({ pk: `${S.job}${jobId}`, sk: S.head }),
  /** An open job's key with its GSI1 entry (oldest first), dropped when the job finishes. */
  openJob: (jobId: string, createdAt: string): IndexedKey => ({
    pk: `${S.job}${jobId}`,
    sk: S.head,
    gsi1pk: S.openJobs,
    gsi1sk: `${createdAt}#${jobId}`,
  }),
  /** GSI1 partition of the open jobs. */
  openJobsPk: S.openJobs,
  /**
   * An interview a job refreshed (a merge's or an undo's), beside the job's record: what makes the
   * job count each interview once across its lists.
   */
  jobVisit: (jobId: string, interviewId: string): Key => ({
    pk: `${S.job}${jobId}`,
    sk: `${S.jobVisit}${interviewId}`,
  }),
} as const;

const SNAPSHOT_OBJECTS = 'index/';

/** Object keys in the snapshot bucket (the S3 snapshot store). */
export const objectKeys = {
  /** Prefix of everything the snapshot store writes (the lifecycle rule's scope). */
  snapshotPrefix: SNAPSHOT_OBJECTS,
  /** One packed index part as stored (compressed; the name kept from when parts were gzipped), never rewritten. */
  snapshotPart: (partId: string): string => `${SNAPSHOT_OBJECTS}parts/${partId}.gz`,
} as const;

/** A key read back: which kind of item it belongs to, and the parts it was built from. */
export type ParsedKey =
  | { kind: 'interviewHead'; interviewId: string }
  | { kind: 'interviewDoc'; interviewId: string; rev: string; n: number }
  | { kind: 'quoteTag'; interviewId: string; rev: string; quoteId: string; tag: string }
  | { kind: 'personIn'; interviewId: string; rev: string; personId: string }
  | { kind: 'personTag'; interviewId: string; rev: string; personId: string; tag: string }
  | { kind: 'peopleEdits'; interviewId: string }
  | { kind: 'quoteManual'; quoteId: string }
  | { kind: 'personManual'; personId: string }
  | { kind: 'personProfile'; personId: string }
  | { kind: 'personManualTag'; personId: string; tag: string }
  | { kind: 'quoteManualTag'; quoteId: string; tag: string }
  | { kind: 'audit'; subject: AuditSubject; at: string; nonce: string }
  | { kind: 'tagAlias'; tag: string }
  | { kind: 'tagEntry'; tag: string }
  | { kind: 'merge'; mergeId: string }
  | { kind: 'mergeChange'; mergeId: string; target: MergeTarget }
  | { kind: 'taxonomyHead' }
  | { kind: 'taxonomyVersion'; version: number }
  | { kind: 'tagModel' }
  | { kind: 'indexManifest' }
  | { kind: 'indexChunk'; snapshotId: string; n: number }
  | { kind: 'job'; jobId: string }
  | { kind: 'jobVisit'; jobId: string; interviewId: string };

/** The kinds of item in the table. */
export type KeyKind = ParsedKey['kind'];

// What each part may be (ids as lib/model.ts and lib/ids.ts make them; tags as lib/tags.ts,
// but any stored tag must parse, so only `#` and emptiness are excluded).
const ID = /^[A-Za-z0-9_-]{1,256}$/;
const TAG = /^[^#]{1,256}$/;
const REV = /^\d{8}-[A-Za-z0-9_-]{1,64}$/;
// Chunk numbers as pad(n, 4) spells them: four digits, or more without a leading zero.
const NUM = /^(?:\d{4}|[1-9]\d{4,8})$/;
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;
const TIME = /^[0-9T:.+Z-]{1,40}$/;
const VERSION = /^\d{8}$/;

function auditOf(sk: string, subject: AuditSubject): ParsedKey | null {
  const [at, nonce, ...rest] = sk.slice(S.audit.length).split('#');
  if (rest.length > 0 || !TIME.test(at ?? '') || !NONCE.test(nonce ?? '')) return null;
  return { kind: 'audit', subject, at: at as string, nonce: nonce as string };
}

/**
 * Reads a primary key back into what it names; null for a key this layout never writes. Linear
 * in the key's length; every part is checked, so a parsed key is one {@link keys} could build.
 */
/** The subject an audit partition key names (the `subject` of an audit entry), or null. */
export function parseAuditSubject(subjectPk: string): AuditSubject | null {
  const parsed = parseKey(keys.audit(subjectPk, '0', '0'));
  return parsed?.kind === 'audit' ? parsed.subject : null;
}

export function parseKey(key: { pk: string; sk: string }): ParsedKey | null {
  const { pk, sk } = key;
  if (typeof pk !== 'string' || typeof sk !== 'string') return null;
  if (pk.startsWith(S.iv)) {
    const interviewId = pk.slice(S.iv.length);
    if (!ID.test(interviewId)) return null;
    if (sk === S.head) return { kind: 'interviewHead', interviewId };
    if (sk === S.people) return { kind: 'peopleEdits', interviewId };
    const p = sk.split('#');
    if (p[0] !== 'V' || !REV.test(p[1] ?? '')) return null;
    const rev = p[1] as string;
    const [, , what, a, b] = p;
    if (p.length === 4 && `${what}#` === S.doc && NUM.test(a ?? ''))
      return { kind: 'interviewDoc', interviewId, rev, n: Number(a) };
    if (p.length === 5 && `${what}#` === S.quoteTag && ID.test(a ?? '') && TAG.test(b ?? ''))
      return { kind: 'quoteTag', interviewId, rev, quoteId: a as string, tag: b as string };
    if (p.length === 4 && `${what}#` === S.personIn && ID.test(a ?? ''))
      return { kind: 'personIn', interviewId, rev, personId: a as string };
    if (p.length === 5 && `${what}#` === S.personTag && ID.test(a ?? '') && TAG.test(b ?? ''))
      return { kind: 'personTag', interviewId, rev, personId: a as string, tag: b as string };
    return null;
  }
  if (pk.startsWith(S.quote) || pk.startsWith(S.person) || pk.startsWith(S.tag)) {
    const isQuote = pk.startsWith(S.quote);
    const isPerson = pk.startsWith(S.person);
    const id = pk.slice(isQuote ? S.quote.length : isPerson ? S.person.length : S.tag.length);
    if (!(isQuote || isPerson ? ID : TAG).test(id)) return null;
    if (sk.startsWith(S.audit)) {
      const subject: AuditSubject = isQuote
        ? { kind: 'quote', quoteId: id }
        : isPerson
          ? { kind: 'person', personId: id }
          : { kind: 'tag', tag: id };
      return auditOf(sk, subject);
    }
    if (sk === S.tags && isQuote) return { kind: 'quoteManual', quoteId: id };
    if (sk === S.tags && isPerson) return { kind: 'personManual', personId: id };
    if (sk === S.profile && isPerson) return { kind: 'personProfile', personId: id };
    if ((isPerson || isQuote) && sk.startsWith(S.manualTag)) {
      const tag = sk.slice(S.manualTag.length);
      if (!TAG.test(tag)) return null;
      return isPerson
        ? { kind: 'personManualTag', personId: id, tag }
        : { kind: 'quoteManualTag', quoteId: id, tag };
    }
    return null;
  }
  if (pk.startsWith(S.topic)) {
    const topic = pk.slice(S.topic.length);
    return ID.test(topic) && sk.startsWith(S.audit) ? auditOf(sk, { kind: 'topic', topic }) : null;
  }
  if (pk === S.bulk) return sk.startsWith(S.audit) ? auditOf(sk, { kind: 'bulk' }) : null;
  if (pk === S.alias) return TAG.test(sk) ? { kind: 'tagAlias', tag: sk } : null;
  if (pk === S.tagDir) return TAG.test(sk) ? { kind: 'tagEntry', tag: sk } : null;
  if (pk.startsWith(S.merge)) {
    const mergeId = pk.slice(S.merge.length);
    if (!NONCE.test(mergeId)) return null;
    if (sk === S.head) return { kind: 'merge', mergeId };
    if (sk.startsWith(S.mergeQuote) && ID.test(sk.slice(S.mergeQuote.length)))
      return {
        kind: 'mergeChange',
        mergeId,
        target: { kind: 'quote', quoteId: sk.slice(S.mergeQuote.length) },
      };
    if (sk.startsWith(S.mergePerson) && ID.test(sk.slice(S.mergePerson.length)))
      return {
        kind: 'mergeChange',
        mergeId,
        target: { kind: 'person', personId: sk.slice(S.mergePerson.length) },
      };
    return null;
  }
  if (pk === S.taxonomy) {
    if (sk === S.current) return { kind: 'taxonomyHead' };
    const v = sk.slice(S.version.length);
    return sk.startsWith(S.version) && VERSION.test(v)
      ? { kind: 'taxonomyVersion', version: Number(v) }
      : null;
  }
  if (pk === S.model) return sk === S.current ? { kind: 'tagModel' } : null;
  if (pk === S.index) return sk === S.manifest ? { kind: 'indexManifest' } : null;
  if (pk.startsWith(S.job)) {
    const jobId = pk.slice(S.job.length);
    if (!NONCE.test(jobId)) return null;
    if (sk === S.head) return { kind: 'job', jobId };
    const interviewId = sk.slice(S.jobVisit.length);
    return sk.startsWith(S.jobVisit) && ID.test(interviewId)
      ? { kind: 'jobVisit', jobId, interviewId }
      : null;
  }
  if (pk.startsWith(S.snapshot)) {
    const snapshotId = pk.slice(S.snapshot.length);
    const n = sk.slice(S.chunk.length);
    if (NONCE.test(snapshotId) && sk.startsWith(S.chunk) && NUM.test(n))
      return { kind: 'indexChunk', snapshotId, n: Number(n) };
  }
  return null;
}

/** Builds the primary key of a parsed key (the inverse of {@link parseKey}). */
export function keyOf(parsed: ParsedKey): Key {
  switch (parsed.kind) {
    case 'interviewHead':
      return keys.interviewHead(parsed.interviewId);
    case 'interviewDoc':
      return keys.interviewDoc(parsed.interviewId, parsed.rev, parsed.n);
    case 'quoteTag':
      return pick(keys.quoteTag(parsed.interviewId, parsed.rev, parsed.quoteId, parsed.tag));
    case 'personIn':
      return pick(keys.personIn(parsed.interviewId, parsed.rev, parsed.personId));
    case 'personTag':
      return pick(keys.personTag(parsed.interviewId, parsed.rev, parsed.personId, parsed.tag));
    case 'peopleEdits':
      return keys.peopleEdits(parsed.interviewId);
    case 'quoteManual':
      return keys.quoteManual(parsed.quoteId);
    case 'personManual':
      return keys.personManual(parsed.personId);
    case 'personProfile':
      return keys.personProfile(parsed.personId);
    case 'personManualTag':
      return pick(keys.personManualTag(parsed.personId, parsed.tag));
    case 'quoteManualTag':
      return pick(keys.quoteManualTag(parsed.quoteId, parsed.tag));
    case 'audit':
      return pick(keys.audit(keys.auditSubject(parsed.subject), parsed.at, parsed.nonce));
    case 'tagAlias':
      return keys.tagAlias(parsed.tag);
    case 'tagEntry':
      return keys.tagEntry(parsed.tag);
    case 'merge':
      return keys.mergeHead(parsed.mergeId);
    case 'mergeChange':
      return keys.mergeChange(parsed.mergeId, parsed.target);
    case 'taxonomyHead':
      return keys.taxonomyHead();
    case 'taxonomyVersion':
      return keys.taxonomyVersion(parsed.version);
    case 'tagModel':
      return keys.tagModel();
    case 'indexManifest':
      return keys.indexManifest();
    case 'indexChunk':
      return keys.indexChunk(parsed.snapshotId, parsed.n);
    case 'job':
      return keys.job(parsed.jobId);
    case 'jobVisit':
      return keys.jobVisit(parsed.jobId, parsed.interviewId);
  }
}

function pick({ pk, sk }: Key): Key {
  return { pk, sk };
}

/** A key shape DynamoDB can filter on: an exact partition key or a prefix of it, an exact sort key or any. */
export interface KeyPattern {
  pk: { equals: string } | { prefix: string };
  sk?: { equals: string };
}

/**
 * Key patterns of the kinds whose changes the search index follows, for DynamoDB Streams event
 * filters (infra/). Each matches exactly the keys {@link parseKey} reads as that kind among the
 * keys this layout writes (tests/store/keys.test.ts checks it).
 */
export const keyPatterns = {
  interviewHead: { pk: { prefix: S.iv }, sk: { equals: S.head } },
  quoteManual: { pk: { prefix: S.quote }, sk: { equals: S.tags } },
  tagAlias: { pk: { equals: S.alias } },
} as const satisfies Partial<Record<KeyKind, KeyPattern>>;

/** Whether a key matches a pattern (what a Streams filter would let through). */
export function matchesPattern(key: Key, pattern: KeyPattern): boolean {
  const pkOk = 'equals' in pattern.pk ? key.pk === pattern.pk.equals : key.pk.startsWith(pattern.pk.prefix);
  return pkOk && (pattern.sk === undefined || key.sk === pattern.sk.equals);
}

/** Parameters of CreateTable for this layout (local runs and tests; infra/ mirrors them). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' as const },
      { AttributeName: TABLE.gsi1.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE.gsi1.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TABLE.gsi1.indexName,
        KeySchema: [
          { AttributeName: TABLE.gsi1.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: TABLE.gsi1.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}
