/**
 * The delta's terms as minisearch's radix tree, inserted without scanning a node's children:
 * minisearch's `set` finds the child edge to follow by walking every key of a node until one
 * starts with the next character, and the delta's root has an edge per first character of its
 * terms (2,508 after 20k bench quotes, ~3 new terms per quote): a seventh of the API thread's
 * indexing went to those scans. Here a wide node's edges are also found by their first UTF-16
 * unit (a radix tree has at most one edge per first unit), and the tree is changed by the same
 * `set` and `delete` calls in the same order as minisearch's `createPath`, so it is the same tree,
 * every Map in the same insertion order: iteration, `atPrefix` and `fuzzyGet` give what they
 * gave, in the same order (tests/unit/radix.test.ts builds both and compares).
 */
import SearchableMap from 'minisearch/SearchableMap';

/** minisearch's tree: a node maps edges to children, and '' (its LEAF) to the value. */
type RadixNode = Map<string, unknown>;

/** minisearch's key of a node's value (not an edge). */
const LEAF = '';

/** Children a node has before its edges are looked up by first unit (below: scanned, as minisearch does). */
const SCAN_CHILDREN = 8;

/** A SearchableMap whose `set` finds a wide node's edge by its first unit ({@link SCAN_CHILDREN}). */
export class TermRadix<T> extends SearchableMap<T> {
  /** Each wide node's edges by their first unit; dropped whenever the tree changes otherwise. */
  private heads = new WeakMap<RadixNode, Map<number, string>>();

  override set(key: string, value: T): this {
    if (typeof key !== 'string') throw new Error('key must be a string');
    // minisearch caches its size until the next change.
    (this as unknown as { _size: number | undefined })._size = undefined;
    this.createPath(key).set(LEAF, value);
    return this;
  }

  // Any other change goes through minisearch's own code, which does not keep `heads`.
  override delete(key: string): void {
    this.heads = new WeakMap();
    super.delete(key);
  }
  override clear(): void {
    this.heads = new WeakMap();
    super.clear();
  }
  override update(key: string, fn: (value: T | undefined) => T): SearchableMap<T> {
    this.heads = new WeakMap();
    return super.update(key, fn);
  }
  override fetch(key: string, initial: () => T): T {
    this.heads = new WeakMap();
    return super.fetch(key, initial);
  }

  /** A wide node's edges by first unit (built on first use), null for a narrow node. */
  private headsOf(node: RadixNode): Map<number, string> | null {
    if (node.size <= SCAN_CHILDREN) return null;
    let h = this.heads.get(node);
    if (!h) {
      h = new Map();
      for (const k of node.keys()) if (k !== LEAF) h.set(k.charCodeAt(0), k);
      this.heads.set(node, h);
    }
    return h;
  }

  /** minisearch's createPath (SearchableMap.js): the same changes, the edge found by `heads`. */
  private createPath(key: string): RadixNode {
    let node = this._tree as RadixNode;
    const keyLength = key.length;
    let pos = 0;
    while (pos < keyLength) {
      const c = key.charCodeAt(pos);
      const h = this.headsOf(node);
      let k: string | undefined;
      if (h) k = h.get(c);
      else
        for (const e of node.keys())
          if (e !== LEAF && e.charCodeAt(0) === c) {
            k = e;
            break;
          }
      if (k === undefined) {
        // A final child for the rest of the key.
        const child: RadixNode = new Map();
        const edge = key.slice(pos);
        node.set(edge, child);
        h?.set(c, edge);
        return child;
      }
      const len = Math.min(keyLength - pos, k.length);
      let offset = 1;
      while (offset < len && key.charCodeAt(pos + offset) === k.charCodeAt(offset)) ++offset;
      const child = node.get(k) as RadixNode;
      if (offset === k.length) node = child;
      else {
        // A partial match: an intermediate node holds the existing subtree and the new key.
        const intermediate: RadixNode = new Map();
        intermediate.set(k.slice(offset), child);
        const edge = key.slice(pos, pos + offset);
        node.set(edge, intermediate);
        node.delete(k);
        h?.set(c, edge);
        node = intermediate;
      }
      pos += offset;
    }
    return node;
  }
}
