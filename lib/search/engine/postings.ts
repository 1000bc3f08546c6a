/**
 * Postings: the packed base segment (sorted dictionary, varint bytes; layout in ./index.ts) and
 * the delta of writes since (MiniSearch's radix tree, for prefix and typo lookups), read through
 * one decoder into shared buffers.
 */
import SearchableMap from 'minisearch/SearchableMap';
import { boundedDistance, lowerBound } from './columns.ts';

/** Fields with postings: per doc (text, speaker, section) or per slot (title). */
export const F_TEXT = 0;
export const F_SPEAKER = 1;
export const F_SECTION = 2;
export const F_TITLE = 3;
export const STORED_FIELDS = 4;

/** A prefix expands to at most this many terms (the most frequent of the first PREFIX_SCAN). */
export const PREFIX_EXPANSIONS = 48;
export const PREFIX_SCAN = 4096;

/** Bit 0 of a term's flags: the term may be offered as a completion. */
export const FLAG_SUGGEST = 1;
/** Bit 1: a katakana word, found by the words it contains (ソーシング → クラウドソーシング). */
export const FLAG_KANA = 2;
/** A partial katakana word expands to at most this many words containing it, most frequent first. */
export const SUBSTRING_EXPANSIONS = 32;

/**
 * Which base terms contain each character bigram, for the katakana words (FLAG_KANA): a
 * partial word finds the whole words containing it through the term dictionary, not through
 * per-quote bigram postings (which matched quotes holding the bigrams in unrelated words).
 * `ids[offsets[i] .. offsets[i+1])` are the base term indices containing `grams[i]`.
 */
export interface KanaTerms {
  grams: string[];
  offsets: Uint32Array;
  ids: Uint32Array;
}

export const EMPTY_KANA: KanaTerms = { grams: [], offsets: new Uint32Array(1), ids: new Uint32Array(0) };

/** Builds the bigram → term index of the FLAG_KANA terms of a sorted dictionary. */
export function buildKanaTerms(terms: readonly string[], flags: Uint8Array): KanaTerms {
  const lists = new Map<string, number[]>();
  for (let i = 0; i < terms.length; i++) {
    if (!((flags[i] ?? 0) & FLAG_KANA)) continue;
    const t = terms[i] as string;
    const seen = new Set<string>();
    for (let k = 0; k + 1 < t.length; k++) {
      const g = t.slice(k, k + 2);
      if (seen.has(g)) continue;
      seen.add(g);
      let l = lists.get(g);
      if (!l) {
        l = [];
        lists.set(g, l);
      }
      l.push(i);
    }
  }
  const grams = [...lists.keys()].filter((g) => !g.includes('\n')).sort();
  const offsets = new Uint32Array(grams.length + 1);
  const ids: number[] = [];
  grams.forEach((g, k) => {
    ids.push(...(lists.get(g) as number[]));
    offsets[k + 1] = ids.length;
  });
  return { grams, offsets, ids: Uint32Array.from(ids) };
}

/** Postings of one term in the delta: per field, flat [id, tf, id, tf, …] in id order. */
export interface DeltaList {
  fields: [number[], number[], number[], number[]];
  flags: number;
}

/** The packed segment. Postings of term i: bytes[offsets[i] .. offsets[i+1]). */
export interface PackedSegment {
  terms: string[];
  flags: Uint8Array;
  offsets: Uint32Array;
  bytes: Uint8Array;
  /** Docs and slots numbered below these have their postings here. */
  docs: number;
  slots: number;
}

export const EMPTY_SEGMENT: PackedSegment = {
  terms: [],
  flags: new Uint8Array(0),
  offsets: new Uint32Array(1),
  bytes: new Uint8Array(0),
  docs: 0,
  slots: 0,
};

/** Base + delta postings, and the written forms of completable terms. */
export class Postings {
  base: PackedSegment = EMPTY_SEGMENT;
  /** Bigram index of the base's katakana words (see {@link KanaTerms}). */
  kana: KanaTerms = EMPTY_KANA;
  delta = new SearchableMap<DeltaList>();
  /** Katakana words of the delta (scanned: the delta is small). */
  deltaKana = new Set<string>();
  /** Term → its text as written, when it differs (for completions and highlights). */
  surfaces = new Map<string, string>();
  /** Decoded postings of the last fetch (ids, tfs); valid until the next fetch. */
  ids = new Int32Array(1024);
  tfs = new Uint32Array(1024);

  /** Adds a posting to the delta (ids ascending per term and field). */
  add(term: string, field: number, id: number, tf: number, flags: number): void {
    let p = this.delta.get(term);
    if (!p) {
      p = { fields: [[], [], [], []], flags: 0 };
      this.delta.set(term, p);
    }
    p.fields[field as 0]?.push(id, tf);
    p.flags |= flags;
    if (flags & FLAG_KANA) this.deltaKana.add(term);
  }

  /**
   * Katakana words that contain `sub` (itself excluded), at most {@link SUBSTRING_EXPANSIONS},
   * most frequent first.
   */
  containing(sub: string): string[] {
    const found = new Set<string>();
    if (sub.length >= 2) {
      const { grams, offsets, ids } = this.kana;
      let best: [number, number] | null = null;
      for (let k = 0; k + 1 < sub.length; k++) {
        const g = sub.slice(k, k + 2);
        const i = lowerBound(grams, g);
        if (grams[i] !== g) {
          // A bigram no katakana word has: no base word contains `sub`.
          best = null;
          break;
        }
        const range: [number, number] = [offsets[i] ?? 0, offsets[i + 1] ?? 0];
        if (!best || range[1] - range[0] < best[1] - best[0]) best = range;
      }
      // Candidates from the rarest bigram, confirmed as substrings.
      if (best)
        for (let k = best[0]; k < best[1]; k++) {
          const t = this.base.terms[ids[k] ?? 0] as string;
          if (t !== sub && t.includes(sub)) found.add(t);
        }
      for (const t of this.deltaKana) if (t !== sub && t.includes(sub)) found.add(t);
    }
    if (found.size <= SUBSTRING_EXPANSIONS) return [...found];
    return [...found]
      .map((t) => ({ t, df: this.df(t, F_TEXT) }))
      .sort((a, b) => b.df - a.df || (a.t < b.t ? -1 : 1))
      .slice(0, SUBSTRING_EXPANSIONS)
      .map((x) => x.t);
  }

  /** Index of a term in the base dictionary, or -1. */
  baseTerm(term: string): number {
    const i = lowerBound(this.base.terms, term);
    return this.base.terms[i] === term ? i : -1;
  }

  /** Where a base term's postings in one field start (after all field headers), and how many. */
  baseField(ti: number, field: number): { p: number; count: number } {
    const { bytes, offsets } = this.base;
    let p = offsets[ti] ?? 0;
    const mask = bytes[p++] ?? 0;
    if (!(mask & (1 << field))) return { p: 0, count: 0 };
    let skip = 0;
    let count = 0;
    for (let f = 0; f < STORED_FIELDS; f++) {
      if (!(mask & (1 << f))) continue;
      // Two varints per present field: count, byte length.
      let c = 0;
      let mul = 1;
      for (;;) {
        const b = bytes[p++] ?? 0;
        c += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 128;
      }
      let len = 0;
      mul = 1;
      for (;;) {
        const b = bytes[p++] ?? 0;
        len += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 128;
      }
      if (f < field) skip += len;
      if (f === field) count = c;
    }
    return { p: p + skip, count };
  }

  /** Flags of a term (base or delta). */
  flags(term: string): number {
    const ti = this.baseTerm(term);
    return (ti >= 0 ? (this.base.flags[ti] ?? 0) : 0) | (this.delta.get(term)?.flags ?? 0);
  }

  /** Postings in one field (dead included): base count + delta count, without decoding. */
  df(term: string, field: number): number {
    const ti = this.baseTerm(term);
    const base = ti >= 0 ? this.baseField(ti, field).count : 0;
    return base + (this.delta.get(term)?.fields[field as 0]?.length ?? 0) / 2;
  }

  /** Decodes a term's postings in one field (dead included) into {@link ids}/{@link tfs}. */
  fetch(term: string, field: number): number {
    return this.fetchAt(this.baseTerm(term), this.delta.get(term)?.fields[field as 0], field);
  }

  /** {@link fetch} by base term index (-1: none) and delta list: base postings, then the delta's. */
  fetchAt(ti: number, list: readonly number[] | undefined, field: number): number {
    let n = 0;
    const bytes = this.base.bytes;
    let { p, count } = ti >= 0 ? this.baseField(ti, field) : { p: 0, count: 0 };
    const need = count + (list ? list.length / 2 : 0);
    if (this.ids.length < need) {
      this.ids = new Int32Array(need * 2);
      this.tfs = new Uint32Array(need * 2);
    }
    const ids = this.ids;
    const tfs = this.tfs;
    let id = 0;
    for (let i = 0; i < count; i++) {
      // Inline varint decoding: this loop is the hot path of every query.
      let b = bytes[p++] ?? 0;
      let v = b & 0x7f;
      let mul = 128;
      while (b >= 0x80) {
        b = bytes[p++] ?? 0;
        v += (b & 0x7f) * mul;
        mul *= 128;
      }
      id += v >>> 1;
      let tf = 1;
      if (v & 1) {
        b = bytes[p++] ?? 0;
        let t = b & 0x7f;
        mul = 128;
        while (b >= 0x80) {
          b = bytes[p++] ?? 0;
          t += (b & 0x7f) * mul;
          mul *= 128;
        }
        tf = t + 2;
      }
      ids[n] = id;
      tfs[n++] = tf;
    }
    if (list)
      for (let i = 0; i < list.length; i += 2) {
        ids[n] = list[i] ?? 0;
        tfs[n++] = list[i + 1] ?? 1;
      }
    return n;
  }

  /** Terms starting with `prefix` (itself excluded), at most {@link PREFIX_EXPANSIONS}, most frequent first. */
  expandPrefix(prefix: string): string[] {
    const found = new Set<string>();
    const terms = this.base.terms;
    for (let i = lowerBound(terms, prefix); i < terms.length && found.size < PREFIX_SCAN; i++) {
      const t = terms[i] as string;
      if (!t.startsWith(prefix)) break;
      if (t !== prefix) found.add(t);
    }
    for (const t of this.delta.atPrefix(prefix).keys()) {
      if (found.size >= PREFIX_SCAN * 2) break;
      if (t !== prefix) found.add(t);
    }
    if (found.size <= PREFIX_EXPANSIONS) return [...found];
    return [...found]
      .map((t) => ({ t, df: this.df(t, F_TEXT) }))
      .sort((a, b) => b.df - a.df || (a.t < b.t ? -1 : 1))
      .slice(0, PREFIX_EXPANSIONS)
      .map((x) => x.t);
  }

  /** Terms within `max` edits of `term` that share its first character (as Lucene's prefix length 1). */
  expandFuzzy(term: string, max: number): Array<[string, number]> {
    const out = new Map<string, number>();
    const head = term.charAt(0);
    const terms = this.base.terms;
    for (let i = lowerBound(terms, head); i < terms.length; i++) {
      const t = terms[i] as string;
      if (!t.startsWith(head)) break;
      const d = boundedDistance(term, t, max);
      if (d > 0 && d <= max) out.set(t, d);
    }
    for (const [t, [, d]] of this.delta.fuzzyGet(term, max)) {
      if (d > 0 && t.startsWith(head)) out.set(t, d);
    }
    return [...out];
  }

  /** Terms starting with `prefix` carrying every bit of `flags` (at most PREFIX_SCAN from the base). */
  withPrefix(prefix: string, flags: number): string[] {
    const found = new Set<string>();
    const terms = this.base.terms;
    for (let i = lowerBound(terms, prefix); i < terms.length && found.size < PREFIX_SCAN; i++) {
      const t = terms[i] as string;
      if (!t.startsWith(prefix)) break;
      if (((this.base.flags[i] ?? 0) & flags) === flags) found.add(t);
    }
    for (const [t, p] of this.delta.atPrefix(prefix)) if ((p.flags & flags) === flags) found.add(t);
    return [...found];
  }
}
