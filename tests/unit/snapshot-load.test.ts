/**
 * Loading snapshots: parts as stored (sections compressed, postings inflated block by block on
 * first use) answer exactly like the parts as written, before and after the rest is inflated
 * in the background; and snapshots stored by earlier versions (layout 3, gzipped whole) still
 * load and answer like a fresh build of the same writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteId } from '../../lib/ids.ts';
import type { Interview } from '../../lib/model.ts';
import { buildTaggedIndex } from '../../lib/search/build.ts';
import { Engine, PACKED_LAYOUT, readSegment } from '../../lib/search/engine/index.ts';
import { compressSnapshot, warmSnapshot } from '../../lib/search/engine/snapshot.ts';
import { term } from '../../lib/search/engine/tree.ts';
import type { QuoteIndex, SearchPage } from '../../lib/search/index.ts';
import { QuoteIndex as Index } from '../../lib/search/index.ts';
import { decodePart, defaultIndexOptions } from '../../lib/search/snapshots.ts';
import { sampleInterviews } from '../helpers/samples.ts';

const QUERIES = ['仕事', '介護', 'ライター', 'デザ', '子育て 仕事', 'upwork', '時間', '「副業」', 'サイト'];

/** Everything a reader shows for the queries: hits with scores, totals, facets, suggestions, metadata. */
function answers(index: QuoteIndex, interviews: readonly Interview[]): unknown {
  const docs = new Map(interviews.map((iv) => [iv.id, iv]));
  const page = (p: SearchPage) => ({
    total: p.total,
    matched: p.matched,
    hits: p.hits.map((h) => [h.quoteId, h.score, h.tags]),
    facets: p.facets,
  });
  return {
    stats: index.stats,
    pages: QUERIES.map((q) => page(index.search({ q, limit: 20 }, (id) => docs.get(id)))),
    tagged: ['layout3-edit', 'even', 'every-third'].map((tag) =>
      page(index.search({ q: '', tags: [tag], limit: 20 }, (id) => docs.get(id))),
    ),
    suggest: ['し', 'デ', 'ラ'].map((q) => index.suggest(q)),
    metas: index
      .interviewIds()
      .sort()
      .map((id) => index.interview(id)),
  };
}

describe('snapshot loading', () => {
  it('keeps the postings of a stored part compressed until read, and inflates them to the bytes written', async () => {
    const index = buildTaggedIndex(sampleInterviews());
    const raw = index.toSnapshot();
    // Small blocks, so the samples' postings span many of them.
    const stored = await compressSnapshot(raw, 10);
    expect(stored.length).toBeLessThan(raw.length);
    expect(Engine.header(stored).layout).toBe(PACKED_LAYOUT);
    const written = readSegment(raw).packed;
    const seg = readSegment(stored);
    expect(seg.packed.lazy).toBeDefined();
    expect(seg.packed.bytes.length).toBe(written.bytes.length);
    expect(seg.packed.bytes.some((b) => b !== 0)).toBe(false);
    // Reading one term inflates the blocks under it, not the others.
    const e = Engine.open([seg]);
    const t = written.terms.indexOf('仕事');
    expect(t).toBeGreaterThan(0);
    expect(e.evaluate(term('仕事')).n).toBeGreaterThan(0);
    const [from, to] = [written.offsets[t] ?? 0, written.offsets[t + 1] ?? 0];
    expect(
      Buffer.from(seg.packed.bytes.subarray(from, to)).equals(Buffer.from(written.bytes.subarray(from, to))),
    ).toBe(true);
    expect(Buffer.from(seg.packed.bytes).equals(Buffer.from(written.bytes))).toBe(false);
    await warmSnapshot(seg);
    expect(seg.packed.lazy).toBeUndefined();
    expect(Buffer.from(seg.packed.bytes).equals(Buffer.from(written.bytes))).toBe(true);
  });

  it('answers from stored parts exactly as from the parts as written, before and after warming', async () => {
    const interviews = sampleInterviews();
    const writer = buildTaggedIndex(interviews.slice(0, 7));
    const base = writer.toSnapshot();
    for (const iv of interviews.slice(7)) writer.upsertInterview(iv);
    writer.removeInterview((interviews[0] as Interview).id);
    const part = writer.sealSegment() as Uint8Array;
    const expected = answers(Index.fromParts([base, part]), interviews);
    const stored = await Promise.all([compressSnapshot(base, 10), compressSnapshot(part, 10)]);
    const reader = Index.fromParts(stored);
    expect(answers(reader, interviews)).toEqual(expected);
    await reader.warm();
    expect(answers(reader, interviews)).toEqual(expected);
    expect(answers(writer, interviews)).toEqual(expected);
  });

  it('answers the same when stored parts arrive as Node Buffers, inside larger buffers and at odd offsets', async () => {
    // The table store joins chunks with Buffer.concat and zlib returns Buffers: a Buffer's
    // slice() is a view, not a copy, which once made every query of a loaded part fail.
    const interviews = sampleInterviews();
    const writer = buildTaggedIndex(interviews);
    const stored = await compressSnapshot(writer.toSnapshot(), 10);
    const expected = answers(Index.fromParts([stored]), interviews);
    const asBuffer = Buffer.concat([Buffer.from(stored.subarray(0, 100)), Buffer.from(stored.subarray(100))]);
    const padded = Buffer.alloc(stored.length + 13, 0xee);
    padded.set(stored, 5);
    const odd = padded.subarray(5, 5 + stored.length);
    expect(odd.byteOffset % 8).not.toBe(0);
    for (const bytes of [asBuffer, odd]) {
      const reader = Index.fromParts([bytes]);
      expect(answers(reader, interviews)).toEqual(expected);
      await reader.warm();
      expect(answers(reader, interviews)).toEqual(expected);
    }
  });

  it('reads a snapshot an earlier version stored (layout 3, gzipped) like a fresh build of the same writes', async () => {
    const dir = join(import.meta.dirname, '..', 'fixtures', 'snapshot-layout3');
    // Written by the code before layout 4: the base of the first 8 samples, then a part adding
    // the 9th, removing the 2nd and re-tagging the 3rd's second quote; tags fixed by position.
    const stored = ['base.gz', 'part.gz'].map((f) => new Uint8Array(readFileSync(join(dir, f))));
    const parts = await Promise.all(stored.map((s) => decodePart(s)));
    expect(Engine.header(parts[0] as Uint8Array).layout).toBe('kikigaki-packed-3');
    const loaded = Index.fromParts(parts, defaultIndexOptions());
    // The samples as the parser of the time read them (saved beside the parts): the same writes,
    // whatever later parsers make of the samples (07's 井上 is now the title's 井上美穂).
    const interviews = JSON.parse(readFileSync(join(dir, 'interviews.json'), 'utf8')) as Interview[];
    const tagsOf = (iv: Interview) =>
      new Map(
        iv.turns.map((t) => [
          t.id,
          t.ordinal % 3 === 0 ? ['every-third'] : t.ordinal % 2 === 0 ? ['even', 'second'] : [],
        ]),
      );
    const fresh = new Index(defaultIndexOptions());
    for (const iv of interviews.slice(0, 9)) fresh.upsertInterview(iv, tagsOf(iv));
    fresh.removeInterview((interviews[1] as Interview).id);
    fresh.setQuoteTags(quoteId((interviews[2] as Interview).id, 2), ['layout3-edit']);
    expect(loaded.stats).toEqual({ quotes: fresh.stats.quotes, interviews: 8 });
    expect(answers(loaded, interviews)).toEqual(answers(fresh, interviews));
    // Written again, it is a part of the current layout with the same answers.
    const again = Index.fromParts([await compressSnapshot(loaded.toSnapshot())], defaultIndexOptions());
    expect(answers(again, interviews)).toEqual(answers(fresh, interviews));
  });
});
