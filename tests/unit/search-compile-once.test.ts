/**
 * One compile works out each text once (lib/search/query.ts `CompileMemo`: a short query's last
 * chunk is compiled again as a prefix, a hiragana chunk read for its run and for its word before
 * particles, a spelling variant asked for its chunk and for its word) and keeps nothing between
 * compiles: the part that differs between the two compiles of a chunk still differs, and a query
 * compiles to the same tree whatever was compiled before it, with whichever vocabulary.
 */
import { describe, expect, it } from 'vitest';
import type { QueryNode } from '../../lib/search/engine/tree.ts';
import { TERM_PRESENT, TERM_WORD, type Vocabulary } from '../../lib/search/kana-split.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';

const dict = new VariantDictionary();
const variants = (f: string) => dict.variantsOf(f);

/** A vocabulary that knows the given readings as words. */
function vocabulary(words: string[]): Vocabulary {
  const known = new Set(words);
  return { known: (t) => (known.has(t) ? TERM_PRESENT | TERM_WORD : 0) };
}

/** Every term of a tree with its prefix flag, in order. */
function terms(node: QueryNode | null): string[] {
  if (!node) return [];
  switch (node.kind) {
    case 'term':
      return [`${node.term}${node.prefix ? '*' : ''}`];
    case 'and':
    case 'or':
    case 'max':
      return node.children.flatMap(terms);
    case 'match':
      return [...node.slots.flatMap((s) => terms(s.node)), ...node.exclude.flatMap(terms)];
    case 'not':
    case 'phrase':
      return terms(node.child);
  }
}

describe('compiling each text once a compile', () => {
  it('makes the last word of open-ended kana input a prefix, with the alternatives it has typed whole', () => {
    // えらばれた: compiled first as typed, then again as the prefix of an open-ended short query.
    const open = terms(compileQuery('えらばれた', 'hybrid', variants).query);
    const closed = terms(compileQuery('えらばれた ', 'hybrid', variants).query);
    expect(open).toContain('エラバレタ*');
    expect(closed).toContain('エラバレタ');
    expect(closed).not.toContain('エラバレタ*');
    // Everything else is the same: the dictionary forms and the active verb (えらぶ) both times.
    expect(open.map((t) => t.replace(/\*$/, ''))).toEqual(closed);
    expect(closed.some((t) => t.includes('エラブ'))).toBe(true);
  });

  it('compiles a query to the same tree after others as first, with another vocabulary between', () => {
    const words = vocabulary(['ニンゲン', 'カンケイ', 'シゴト']);
    const queries = [
      'にんげんかんけいをやめた',
      'にんげんかんけい',
      'しごとをやめた',
      'やりがい 仕事',
      '打合せ',
      'えらばれた',
      '人間かんけい',
    ];
    const compile = (q: string, v: Vocabulary | undefined) =>
      JSON.stringify(compileQuery(q, 'hybrid', variants, 'ranked', v));
    const first = queries.map((q) => [compile(q, words), compile(q, undefined)]);
    // The vocabulary decides how a kana run splits: with it, にんげんかんけい before を is two words,
    // inside the phrase a hiragana chunk compiles (a memo kept between compiles reused either tree).
    expect(first[0]?.[0]).not.toEqual(first[0]?.[1]);
    const again = [...queries]
      .reverse()
      .map((q) => [compile(q, undefined), compile(q, words)])
      .reverse()
      .map(([none, known]) => [known, none]);
    expect(again).toEqual(first);
  });
});
