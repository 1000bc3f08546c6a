/** The single-table layout: every key parses back to what built it; nothing else parses. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type KeyKind,
  keyOf,
  keyPatterns,
  keys,
  matchesPattern,
  type ParsedKey,
  parseKey,
  revisionId,
} from '../../lib/store/keys.ts';

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const tag = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
  fc.constantFrom('副業', 'ワークライフバランス', 'i̇stanbul', 'クラウド_ソーシング'),
);
const rev = fc
  .tuple(fc.integer({ min: 1, max: 99_999_999 }), fc.stringMatching(/^[A-Za-z0-9_-]{8}$/))
  .map(([v, n]) => revisionId(v, n));
const n = fc.integer({ min: 0, max: 9999 });
const at = fc
  .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Every kind of key, as parts. */
const parsedKey: fc.Arbitrary<ParsedKey> = fc.oneof(
  id.map((interviewId) => ({ kind: 'interviewHead' as const, interviewId })),
  fc.record({ kind: fc.constant('interviewDoc' as const), interviewId: id, rev, n }),
  fc.record({ kind: fc.constant('quoteTag' as const), interviewId: id, rev, quoteId: id, tag }),
  fc.record({ kind: fc.constant('personIn' as const), interviewId: id, rev, personId: id }),
  fc.record({ kind: fc.constant('personTag' as const), interviewId: id, rev, personId: id, tag }),
  id.map((quoteId) => ({ kind: 'quoteManual' as const, quoteId })),
  id.map((personId) => ({ kind: 'personManual' as const, personId })),
  id.map((personId) => ({ kind: 'personProfile' as const, personId })),
  id.map((interviewId) => ({ kind: 'peopleEdits' as const, interviewId })),
  fc.record({ kind: fc.constant('personManualTag' as const), personId: id, tag }),
  fc.record({
    kind: fc.constant('audit' as const),
    subject: fc.oneof(
      id.map((quoteId) => ({ kind: 'quote' as const, quoteId })),
      id.map((personId) => ({ kind: 'person' as const, personId })),
      tag.map((t) => ({ kind: 'tag' as const, tag: t })),
      id.map((topic) => ({ kind: 'topic' as const, topic })),
      fc.constant({ kind: 'bulk' as const }),
    ),
    at,
    nonce: id,
  }),
  tag.map((t) => ({ kind: 'tagAlias' as const, tag: t })),
  fc.record({ kind: fc.constant('quoteManualTag' as const), quoteId: id, tag }),
  tag.map((t) => ({ kind: 'tagEntry' as const, tag: t })),
  id.map((mergeId) => ({ kind: 'merge' as const, mergeId })),
  fc.record({
    kind: fc.constant('mergeChange' as const),
    mergeId: id,
    target: fc.oneof(
      id.map((quoteId) => ({ kind: 'quote' as const, quoteId })),
      id.map((personId) => ({ kind: 'person' as const, personId })),
    ),
  }),
  fc.constant({ kind: 'taxonomyHead' as const }),
  fc.integer({ min: 0, max: 99_999_999 }).map((version) => ({ kind: 'taxonomyVersion' as const, version })),
  fc.constant({ kind: 'tagModel' as const }),
  fc.constant({ kind: 'indexManifest' as const }),
  fc.record({ kind: fc.constant('indexChunk' as const), snapshotId: id, n }),
  id.map((jobId) => ({ kind: 'job' as const, jobId })),
  fc.record({ kind: fc.constant('jobVisit' as const), jobId: id, interviewId: id }),
);

describe('keys', () => {
  it('parses every key back to the parts it was built from', () => {
    fc.assert(
      fc.property(parsedKey, (parts) => {
        expect(parseKey(keyOf(parts))).toEqual(parts);
      }),
      { numRuns: 2000 },
    );
  });

  it('builds the documented keys', () => {
    expect(keys.interviewHead('a')).toEqual({ pk: 'IV#a', sk: 'HEAD' });
    expect(keys.job('job-1')).toEqual({ pk: 'JOB#job-1', sk: 'HEAD' });
    expect(keys.openJob('job-1', '2026-12-06T10:00:00.000Z')).toEqual({
      pk: 'JOB#job-1',
      sk: 'HEAD',
      gsi1pk: 'JOBS#OPEN',
      gsi1sk: '2026-12-06T10:00:00.000Z#job-1',
    });
    expect(keys.quoteTag('a', revisionId(3, 'xy'), 'a-t002', '副業')).toEqual({
      pk: 'IV#a',
      sk: 'V#00000003-xy#QT#a-t002#副業',
      gsi1pk: 'QTAG#副業',
      gsi1sk: 'a-t002',
    });
    expect(keys.personTag('a', revisionId(3, 'xy'), 'p1', 'care')).toMatchObject({
      sk: 'V#00000003-xy#PT#p1#care',
      gsi1pk: 'PTAG#care',
      gsi1sk: 'p1#a',
    });
    expect(keys.auditSubject({ kind: 'tag', tag: 'x' })).toBe('TAG#x');
    expect(keys.indexChunk('s', 2)).toEqual({ pk: 'INDEX#s', sk: 'CHUNK#0002' });
  });

  it('reads keys the layout never writes as null, without throwing', () => {
    for (const k of [
      { pk: 'IV#x', sk: 'V#1#DOC#0000' },
      { pk: 'IV#x', sk: 'V#00000001-a#QT#q' },
      { pk: 'IV#x', sk: 'V#00000001-a#QT#q#t#u' },
      { pk: 'IV#', sk: 'HEAD' },
      { pk: 'IV#a b', sk: 'HEAD' },
      { pk: 'QUOTE#q', sk: 'MTAG#' },
      { pk: 'INDEX', sk: 'CHUNK#0001' },
      { pk: 'TAGALIAS', sk: '' },
      { pk: 'X', sk: 'Y' },
    ])
      expect(parseKey(k), JSON.stringify(k)).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (pk, sk) => {
        const parsed = parseKey({ pk, sk });
        // Whatever parses is a key the builders make, spelled exactly so.
        if (parsed) expect(keyOf(parsed)).toEqual({ pk, sk });
      }),
      { numRuns: 3000 },
    );
  });

  it('parses in linear time (no backtracking on long keys)', () => {
    const long = `V#00000001-a#QT#${'a'.repeat(200_000)}#${'#'.repeat(200_000)}`;
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) parseKey({ pk: `IV#${'x'.repeat(100_000)}`, sk: long });
    // Generous: a quadratic parse of these keys would take minutes.
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('stream filter patterns match exactly the keys of their kind', () => {
    fc.assert(
      fc.property(parsedKey, (parts) => {
        const key = keyOf(parts);
        for (const [kind, pattern] of Object.entries(keyPatterns) as Array<
          [KeyKind, (typeof keyPatterns)[keyof typeof keyPatterns]]
        >)
          expect(matchesPattern(key, pattern), `${kind} ~ ${JSON.stringify(key)}`).toBe(parts.kind === kind);
      }),
      { numRuns: 2000 },
    );
  });
});
