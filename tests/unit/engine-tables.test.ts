/** The doc, slot and tag tables, and how folding compacts them. */
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

  it('compacts docs: renumbers slots and questions, drops a question that went away', () => {
    const t = docs(6, (d) => (d < 2 ? 0 : d < 4 ? 1 : 2));
    // Slot 1 (docs 2, 3) removed; doc 5 answers doc 4.
    const newDoc = Int32Array.from([0, 1, -1, -1, 2, 3]);
    const newSlot = Int32Array.from([0, -1, 1]);
    const c = t.compact(newDoc, newSlot, 4);
    expect([...c.ordinal.view()]).toEqual([1, 2, 5, 6]);
    expect([...c.slotOf.view()]).toEqual([0, 0, 1, 1]);
    expect([...c.questionOf.view()]).toEqual([-1, 0, -1, 2]);
    expect([...c.speaker.view()]).toEqual([0, 1, 1, 2]);
    expect(c.alive(3)).toBe(true);
    expect(c.alive(4)).toBe(false);
  });

  it('numbers slots, kills them by key and recomputes doc ranges when compacting', () => {
    const s = new SlotTable();
    s.add('a', 3);
    s.close(2);
    s.add('b', 4);
    s.close(5);
    expect(s.slotOf('b')).toBe(1);
    expect(s.kill('a')).toBe(0);
    expect(s.kill('a')).toBeUndefined();
    expect(s.liveKeys()).toEqual(['b']);
    const c = s.compact(Int32Array.from([-1, 0]), 1, Uint32Array.from([0, 0, 0]));
    expect(c.keys).toEqual(['b']);
    expect([...c.start.view()]).toEqual([0, 3]);
    expect([...c.titleLen.view()]).toEqual([4]);
  });

  it('keeps tag edits over packed lists and counts tags over docs', () => {
    const t = TagTable.from(Uint32Array.from([0, 1, 1, 3]), Uint32Array.from([0, 0, 1]), ['care', 'money']);
    expect([...t.of(2)]).toEqual([0, 1]);
    t.set(1, ['money', 'new']);
    expect([...t.count([0, 1, 2])]).toEqual([2, 2, 1]);
    const c = t.compact(Int32Array.from([0, 1, -1]), 2);
    expect(c.override.size).toBe(0);
    expect([...c.of(1)].map((id) => c.names.name(id))).toEqual(['money', 'new']);
  });
});
