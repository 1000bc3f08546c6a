/**
 * questionAt (lib/search/engine/sorted.ts): the one test of "does this doc answer that question"
 * the question-field walks share, on both encodings of the packed per-doc entries.
 */
import { describe, expect, it } from 'vitest';
import { QUESTION_SHIFT, questionAt } from '../../lib/search/engine/sorted.ts';

/** A narrow entry's first word: role + span × 4 + distance back to the question × 2^16. */
const narrow = (role: number, span: number, back: number) => role + span * 4 + back * (1 << QUESTION_SHIFT);

describe('questionAt', () => {
  it('reads the question from narrow entries: the distance back, the doc itself when none, never a doc before it when dead', () => {
    const ints = new Int32Array(12);
    ints[0] = narrow(1, 3, 0); // doc 0: a question (answers none)
    ints[2] = narrow(0, 2, 1); // doc 1 answers doc 0
    ints[4] = narrow(0, 1, 2); // doc 2 answers doc 0
    ints[6] = -1; // doc 3: dead
    ints[8] = narrow(2, 0, 0); // doc 4: answers none
    ints[10] = narrow(0, 16_383, 16_383); // doc 5: the widest narrow entry
    expect(questionAt(ints, null, 0)).toBe(0);
    expect(questionAt(ints, null, 1)).toBe(0);
    expect(questionAt(ints, null, 2)).toBe(0);
    expect(questionAt(ints, null, 3)).toBeGreaterThan(3);
    expect(questionAt(ints, null, 4)).toBe(4);
    expect(questionAt(ints, null, 5)).toBe(5 - 16_383);
  });

  it('reads the question from the column of wide entries, whatever the entries hold', () => {
    const ints = new Int32Array(8).fill(narrow(0, 1, 1));
    const wide = new Int32Array([-1, 0, -2, 1]);
    expect([0, 1, 2, 3].map((d) => questionAt(ints, wide, d))).toEqual([-1, 0, -2, 1]);
  });
});
