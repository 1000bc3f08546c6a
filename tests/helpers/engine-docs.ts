/**
 * Engine docs written by hand for the engine's own tests: a field is its terms counted, a doc one
 * quote with only a text unless `extra` says more.
 */
import type { EngineDoc, FieldTerms } from '../../lib/search/engine/index.ts';

/** A field of these terms (a term given twice counts twice). */
export function field(...terms: string[]): FieldTerms {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
  return { terms: m, length: terms.length };
}

/** A doc at `ordinal` whose text is `text`, an answer to no question, untagged. */
export function doc(ordinal: number, text: string[], extra: Partial<EngineDoc> = {}): EngineDoc {
  return {
    ordinal,
    role: 0,
    question: -1,
    tags: [],
    text: field(...text),
    speaker: field(),
    section: field(),
    ...extra,
  };
}
