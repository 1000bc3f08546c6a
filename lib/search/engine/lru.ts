/**
 * A map bounded by bytes: the least recently used entries are dropped first to make room.
 * Why one of its own: the engine keeps derived lists (decoded postings, a term's scored list)
 * that are exact and immutable for as long as what they derive from, and whose worth is their
 * reuse by the next queries; their memory must stay bounded whatever the queries.
 */
export class BytesLru<K, V> {
  /** In use order, least recent first (a Map iterates in insertion order; a hit re-inserts). */
  private readonly entries = new Map<K, V>();
  private used = 0;

  /** `bytesOf` must give the same size for a value each time it is asked. */
  constructor(
    readonly budget: number,
    private readonly bytesOf: (value: V) => number,
  ) {}

  /** Bytes held, as `bytesOf` counts them. */
  get bytes(): number {
    return this.used;
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The value under `key`, now the most recently used; undefined when not held. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /**
   * Holds `value` under `key` as the most recently used, dropping the least recently used
   * until it fits; a value larger than the whole budget is not held.
   */
  put(key: K, value: V): void {
    const bytes = this.bytesOf(value);
    if (bytes > this.budget) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.used -= this.bytesOf(old);
    }
    for (const [k, v] of this.entries) {
      if (this.used + bytes <= this.budget) break;
      this.entries.delete(k);
      this.used -= this.bytesOf(v);
    }
    this.entries.set(key, value);
    this.used += bytes;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
