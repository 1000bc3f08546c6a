/**
 * The engine's query tree: what a compiled query asks of the postings. A small tagged union;
 * every node carries a weight that multiplies the scores below it.
 */

/** How a term matches index terms besides itself. */
export interface TermOptions {
  /** Also every term it is a prefix of (at most PREFIX_EXPANSIONS, weighted down). */
  prefix?: boolean;
  /** Also terms within this many edits (Latin typo tolerance). */
  fuzzy?: number;
  /**
   * A piece of a longer word (a character bigram, the した of 緊張した): scored, never reported
   * for highlighting.
   */
  gram?: boolean;
  /** Also the katakana words that contain it (ソーシング → クラウドソーシング), weighted down. */
  substr?: boolean;
  /**
   * Ignore the term when it occurs in more than this share of quotes: an alternative that
   * common (the stem 思 of 思う) costs a scan of most postings and tells nothing.
   */
  maxShare?: number;
  /**
   * Also the term as the index keeps it inside a longer word ({@link INNER_MARK}: 反対 of 正反対),
   * at this weight relative to the term itself.
   */
  inner?: number;
}

/**
 * What the index keeps a kanji bigram under when it lies inside a longer word of the text (反対
 * of 正反対, 子育 of 子育て): a piece of another word, which a query word of those two kanji finds
 * weighted down (TermOptions.inner), below the quotes that say the word itself.
 */
export const INNER_MARK = '\u0007';

/** One word of a ranked query: its alternatives (a `max` node, usually) and whether it must match. */
export interface Slot {
  node: QueryNode;
  required: boolean;
  /**
   * A rank of a word, no word of its own (the verb a kanji typed with its kana stands for: 悩|んだ):
   * never required, it raises the share of the query's weight the quotes saying it match.
   */
  rank?: true;
}

export type QueryNode =
  /** One index term. */
  | ({ kind: 'term'; term: string; weight: number } & TermOptions)
  /** Every child must match; scores add up. */
  | { kind: 'and'; children: QueryNode[]; weight: number }
  /** Any child may match; scores add up. */
  | { kind: 'or'; children: QueryNode[]; weight: number }
  /** Alternatives of one word (variants, spellings, bigram path): a doc scores its best one. */
  | { kind: 'max'; children: QueryNode[]; weight: number }
  /**
   * Ranked partial matching over the words of a query: every slot that matches adds its score,
   * scaled by a coordination factor (the share of the query's weight the doc matches); docs
   * must match every required slot and at least `minShould` of the query's weight; docs
   * matching an excluded node are dropped.
   */
  | { kind: 'match'; slots: Slot[]; exclude: QueryNode[]; minShould: number; weight: number }
  /** Inside an `and`: docs matching the child are excluded (never scores). */
  | { kind: 'not'; child: QueryNode }
  /**
   * An exact phrase: its terms must all match (`child`); the text itself is checked against the
   * quote by the caller, since the postings carry no positions.
   */
  | { kind: 'phrase'; text: string; child: QueryNode; weight: number };

export function term(t: string, options: TermOptions = {}, weight = 1): QueryNode {
  return { kind: 'term', term: t, weight, ...options };
}

/** An `and` of the children (the child itself when there is one; null when none). */
export function and(children: QueryNode[], weight = 1): QueryNode | null {
  if (children.length === 0) return null;
  if (children.length === 1 && weight === 1) return children[0] as QueryNode;
  return { kind: 'and', children, weight };
}

/** An `or` of the children (the child itself when there is one; null when none). */
export function or(children: QueryNode[], weight = 1): QueryNode | null {
  if (children.length === 0) return null;
  if (children.length === 1 && weight === 1) return children[0] as QueryNode;
  return { kind: 'or', children, weight };
}

/** Alternatives as one node (the child itself when there is one; null when none). */
export function max(children: QueryNode[], weight = 1): QueryNode | null {
  if (children.length === 0) return null;
  if (children.length === 1 && weight === 1) return children[0] as QueryNode;
  return { kind: 'max', children, weight };
}

/** The same node with its weight multiplied by `w`. */
export function weighted(node: QueryNode, w: number): QueryNode {
  if (node.kind === 'not') return node;
  return { ...node, weight: node.weight * w };
}

/** Required phrase texts of a tree (what the caller must check against the quote texts). */
export function phrasesOf(node: QueryNode | null): string[] {
  if (!node) return [];
  if (node.kind === 'phrase') return [node.text];
  if (node.kind === 'and') return node.children.flatMap(phrasesOf);
  if (node.kind === 'match') return node.slots.filter((s) => s.required).flatMap((s) => phrasesOf(s.node));
  return [];
}

/**
 * The weight a ranked query's `minShould` is a share of: its slots' bounds but the {@link Slot.rank}s,
 * which rank the quotes saying them first and are no word a quote must match a share of (a compound's
 * kanji pair across its cut in a sentence, 役作 of 役作りで苦労したこと, would otherwise have dropped the
 * quotes saying the other words only).
 */
export function shareBase(slots: ReadonlyArray<{ bound: number; rank?: true }>): number {
  let base = 0;
  for (const s of slots) if (!s.rank) base += s.bound;
  return base;
}
