/**
 * The single-table layout, declared once: the DynamoDB adapter builds every key here and the CDK
 * stack creates the table and its index from {@link TABLE}. Nothing else spells a key.
 *
 * | item                               | pk                 | sk                              | gsi1pk            | gsi1sk                  |
 * | ---------------------------------- | ------------------ | ------------------------------- | ----------------- | ----------------------- |
 * | interview head (current revision)  | IV#<id>            | HEAD                            | INTERVIEWS        | <sort date>#<id>        |
 * | interview content, one version     | IV#<id>            | V#<rev>#DOC#<n>                 |                   |                         |
 * | quote has tag (one version)        | IV#<id>            | V#<rev>#QT#<quoteId>#<tag>      | QTAG#<tag>        | <quoteId>               |
 * | person appears in (one version)    | IV#<id>            | V#<rev>#P#<personId>            | PERSON#<personId> | IV#<id>                 |
 * | person has tag (one version)       | IV#<id>            | V#<rev>#PT#<tag>#<personId>     | PTAG#<tag>        | <personId>#<id>         |
 * | manual tags of a quote (+ lock)    | QUOTE#<quoteId>    | TAGS                            |                   |                         |
 * | audit trail of tag edits           | QUOTE#… / PERSON#… | AUDIT#<iso time>#<random>       | AUDIT             | <iso time>              |
 * | manual tags of a person (+ lock)   | PERSON#<personId>  | TAGS                            |                   |                         |
 * | person has manual tag              | PERSON#<personId>  | MTAG#<tag>                      | PTAG#<tag>        | <personId>#manual       |
 * | tag renamed/merged into another    | TAGALIAS           | <tag>                           |                   |                         |
 * | search snapshot manifest           | INDEX              | MANIFEST                        |                   |                         |
 * | search snapshot chunk              | INDEX#<snapshotId> | CHUNK#<n>                       |                   |                         |
 */

/** Table and index attribute names (used by the adapter and by infra/). */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Default table name for local runs. */
export const DEFAULT_TABLE_NAME = 'kikigaki';

/** A primary key. */
export interface Key {
  pk: string;
  sk: string;
}

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

/** Key builders. */
export const keys = {
  interviewPk: (id: string) => `IV#${id}`,
  interviewHead: (id: string): Key => ({ pk: `IV#${id}`, sk: 'HEAD' }),
  versionPrefix: (rev: string) => `V#${rev}#`,
  allVersionsPrefix: 'V#',
  interviewDoc: (id: string, rev: string, n: number): Key => ({
    pk: `IV#${id}`,
    sk: `V#${rev}#DOC#${pad(n, 4)}`,
  }),
  docPrefix: (rev: string) => `V#${rev}#DOC#`,
  quoteTag: (id: string, rev: string, quoteId: string, tag: string) => ({
    pk: `IV#${id}`,
    sk: `V#${rev}#QT#${quoteId}#${tag}`,
    gsi1pk: `QTAG#${tag}`,
    gsi1sk: quoteId,
  }),
  quoteTagPrefix: (rev: string) => `V#${rev}#QT#`,
  personIn: (id: string, rev: string, personId: string) => ({
    pk: `IV#${id}`,
    sk: `V#${rev}#P#${personId}`,
    gsi1pk: `PERSON#${personId}`,
    gsi1sk: `IV#${id}`,
  }),
  personTag: (id: string, rev: string, personId: string, tag: string) => ({
    pk: `IV#${id}`,
    sk: `V#${rev}#PT#${personId}#${tag}`,
    gsi1pk: `PTAG#${tag}`,
    gsi1sk: `${personId}#${id}`,
  }),
  personTagPrefix: (rev: string) => `V#${rev}#PT#`,
  interviewList: (sortDate: string, id: string) => ({ gsi1pk: 'INTERVIEWS', gsi1sk: `${sortDate}#${id}` }),
  quoteManualPk: (quoteId: string) => `QUOTE#${quoteId}`,
  quoteManual: (quoteId: string): Key => ({ pk: `QUOTE#${quoteId}`, sk: 'TAGS' }),
  personManualPk: (personId: string) => `PERSON#${personId}`,
  personManual: (personId: string): Key => ({ pk: `PERSON#${personId}`, sk: 'TAGS' }),
  personManualTag: (personId: string, tag: string) => ({
    pk: `PERSON#${personId}`,
    sk: `MTAG#${tag}`,
    gsi1pk: `PTAG#${tag}`,
    gsi1sk: `${personId}#manual`,
  }),
  audit: (subjectPk: string, at: string, nonce: string) => ({
    pk: subjectPk,
    sk: `AUDIT#${at}#${nonce}`,
    gsi1pk: 'AUDIT',
    gsi1sk: at,
  }),
  aliasPk: 'TAGALIAS',
  tagAlias: (tag: string): Key => ({ pk: 'TAGALIAS', sk: tag }),
  indexManifest: (): Key => ({ pk: 'INDEX', sk: 'MANIFEST' }),
  indexChunk: (snapshotId: string, n: number): Key => ({
    pk: `INDEX#${snapshotId}`,
    sk: `CHUNK#${pad(n, 4)}`,
  }),
} as const;

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
