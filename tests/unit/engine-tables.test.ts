/** The doc, slot and tag tables: appending segments, gathering docs into a new one. */
import { describe, expect, it } from 'vitest';
import { DocTable, Names, SlotTable, TagTable } from '../../lib/search/engine/tables.ts';

function docs(n: number, slotOf: (d: number) => number): DocTable {
  const t = new DocTable();
  for (let d = 0; d < n; d++) {
    t.slotOf.push(slotOf(d));
    t.ordinal.push(d + 1);
    t.role.push(d % 2);
    t.questionOf.push(d % 2 === 1 ? d - 1 : -1);
    t.span.push(0);
    t.speaker.push(d % 3);
    t.dead.push(0);
    for (const l of t.lens) l.push(d);
  }
  return t;
}

describe('engine tables', () => {
  it('interns names once and tells unknown ones', () => {
    const n = new Names();
    expect(n.intern('a')).toBe(0);
    expect(n.intern('b')).toBe(1);
    expect(n.intern('a')).toBe(0);
    expect(n.idOf('c')).toBe(-1);
    expect(n.name(1)).toBe('b');
  });

  it('gathers docs into local numbers: slots and questions renumbered, a question not kept dropped', () => {
    const t = docs(6, (d) => (d < 2 ? 0 : d < 4 ? 1 : 2));
    // Slot 1 (docs 2, 3) left out; doc 5 answers doc 4.
    const newDoc = Int32Array.from([0, 1, -1, -1, 2, 3]);
    const newSlot = Int32Array.from([0, -1, 1]);
    const c = t.gather(
      [0, 1, 4, 5],
      (d) => newDoc[d] ?? -1,
      (s) => newSlot[s] ?? -1,
      (p) => p,
    );
    expect([...c.ordinal]).toEqual([1, 2, 5, 6]);
    expect([...c.slotOf]).toEqual([0, 0, 1, 1]);
    expect([...c.questionOf]).toEqual([-1, 0, -1, 2]);
    expect([...c.speaker]).toEqual([0, 1, 1, 2]);
  });

  it('appends a segment’s docs after the others: slots, questions and speakers moved to engine numbers', () => {
    const t = docs(2, () => 0);
    const local = docs(3, () => 0).gather(
      [0, 1, 2],
      (d) => d,
      (s) => s,
      (p) => p,
    );
    t.append(local, 1, Int32Array.from([4, 6]));
    expect(t.count).toBe(5);
    expect([...t.slotOf.view()]).toEqual([0, 0, 1, 1, 1]);
    expect([...t.questionOf.view()]).toEqual([-1, 0, -1, 2, -1]);
    // Local speaker 1 → engine person 4 (+1), 2 → 6 (+1), 0 stays unknown.
    expect([...t.speaker.view()]).toEqual([0, 1, 0, 5, 7]);
    expect(t.alive(4)).toBe(true);
  });

  it('numbers slots, kills them by key or number, and lets a later slot of a key win', () => {
    const s = new SlotTable();
    s.add('a', 3);
    s.close(2);
    s.add('b', 4);
    s.close(5);
    expect(s.slotOf('b')).toBe(1);
    expect(s.kill('a')).toBe(0);
    expect(s.kill('a')).toBeUndefined();
    expect(s.liveKeys()).toEqual(['b']);
    s.append(['c', 'b'], Uint32Array.from([0, 1, 3]), Uint32Array.from([1, 2]), 5);
    expect([...s.start.view()]).toEqual([0, 2, 5, 6, 8]);
    expect(s.slotOf('b')).toBe(3);
    s.killSlot(1);
    expect(s.slotOf('b')).toBe(3);
    expect(s.liveKeys().sort()).toEqual(['b', 'c']);
  });

  it('keeps tag edits over packed lists, appends lists under its own names and counts tags over docs', () => {
    const t = new TagTable();
    t.append({
      start: Uint32Array.from([0, 1, 1, 3]),
      ids: Uint32Array.from([0, 0, 1]),
      names: ['care', 'money'],
    });
    expect([...t.of(2)]).toEqual([0, 1]);
    t.set(1, ['money', 'new']);
    expect([...t.count([0, 1, 2])]).toEqual([2, 2, 1]);
    t.set(3, ['care']);
    // The next segment's lists replace the override its doc had while it was in the delta.
    t.append({ start: Uint32Array.from([0, 2]), ids: Uint32Array.from([0, 1]), names: ['new', 'care'] });
    expect(t.override.has(3)).toBe(false);
    expect([...t.of(3)].map((id) => t.names.name(id))).toEqual(['new', 'care']);
    const c = t.slice(0, 4, (d) => d !== 2);
    expect(c.names).toEqual(['care', 'money', 'new']);
    expect([...c.start]).toEqual([0, 1, 3, 5]);
    expect([...c.ids]).toEqual([0, 1, 2, 2, 0]);
  });
});
