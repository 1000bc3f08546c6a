/** The snapshot format: what goes in comes out, aligned, versioned; folding keeps the answers. */
import { describe, expect, it } from 'vitest';
import { SnapshotVersionError } from '../../lib/errors.ts';
import { Engine, type EngineDoc, PACKED_LAYOUT } from '../../lib/search/engine/index.ts';
import { term } from '../../lib/search/engine/tree.ts';
import { doc as engineDoc, field } from '../helpers/engine-docs.ts';

/** A doc of these words, spoken by `speakerId` (null: nobody in particular), with these tags. */
const doc = (ordinal: number, text: string[], speakerId: string | null, tags: string[] = []): EngineDoc =>
  engineDoc(ordinal, text, { speakerId, tags });

function sample(): Engine {
  const e = new Engine();
  e.add(
    'a',
    field('副業'),
    [doc(1, ['介護'], 'kao'), doc(2, ['仕事'], null, ['care'])],
    new Map([['介護', '介護']]),
  );
  e.add('b', field(), [doc(1, ['介護', '仕事'], 'yuki')], new Map());
  e.add('c', field(), [doc(1, ['介護'], 'kao')], new Map());
  e.remove('b');
  return e;
}

describe('engine snapshots', () => {
  it('round-trips docs, speakers, tags and postings; dead interviews are folded away', () => {
    const e = sample();
    const bytes = e.pack({ mine: 1 });
    expect(Engine.header(bytes)).toMatchObject({
      mine: 1,
      layout: PACKED_LAYOUT,
      docs: 3,
      slots: 2,
      keys: ['a', 'c'],
    });
    const l = Engine.unpack(bytes);
    expect(l.size).toEqual({ docs: 3, slots: 2 });
    expect(Array.from(l.evaluate(term('介護')).docs, (d) => `${l.keyOf(d)}:${l.speakerOf(d)}`)).toEqual([
      'a:kao',
      'c:kao',
    ]);
    expect(l.tagsOf(l.docOf('a', 2))).toEqual(['care']);
    expect(l.speakerOf(l.docOf('a', 2))).toBeNull();
    expect(l.speakerCode('kao')).toBe(l.speakerCodeOf(l.docOf('c', 1)));
    expect(l.evaluate(term('副業')).n).toBe(2);
  });

  it('loads from an unaligned copy and gives the same scores', () => {
    const bytes = sample().pack({});
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const a = Engine.unpack(bytes).evaluate(term('介護'));
    const b = Engine.unpack(shifted.subarray(3)).evaluate(term('介護'));
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
  });

  it('refuses another layout and bytes that are not a snapshot', () => {
    const bytes = sample().pack({});
    const text = Buffer.from(bytes).toString('latin1').replace(PACKED_LAYOUT, 'kikigaki-packed-0');
    expect(() => Engine.unpack(new Uint8Array(Buffer.from(text, 'latin1')))).toThrow(SnapshotVersionError);
    expect(() => Engine.header(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow();
  });

  it('folds writes made on a loaded engine into the next snapshot', () => {
    const l = Engine.unpack(sample().pack({}));
    l.add('d', field(), [doc(1, ['介護'], 'mei')], new Map());
    l.remove('a');
    expect(l.pendingDocs).toBe(1);
    const again = Engine.unpack(l.pack({}));
    expect(again.pendingDocs).toBe(0);
    expect(again.liveKeys().sort()).toEqual(['c', 'd']);
    expect(Array.from(again.evaluate(term('介護')).docs, (d) => again.speakerOf(d))).toEqual(['kao', 'mei']);
  });
});
