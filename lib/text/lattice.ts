/**
 * kuromoji's tokenizer, re-run on its own dictionary without its allocations: the same lattice
 * (dictionary entries found by common-prefix search at each position, unknown words by character
 * class) and the same best path (Viterbi over the same connection costs, ties and quirks
 * included), so the same tokens as `tokenizer.tokenize(text)`, field for field.
 *
 * Why: index-time readings (./readings.ts) tokenise ~3 short windows per quote that no cache
 * has seen (a window of 6 kana: ~40 µs in kuromoji, which allocates an ArrayBuffer per position
 * for its trie search, a string per prefix found, a node object per lattice entry, and decodes
 * each token's features from UTF-8 again): a third of the parse worker's time per ingested quote.
 * Here the trie is walked over one reused byte buffer, the lattice lives in reused typed arrays,
 * and a token's features are decoded once per dictionary entry (bounded cache).
 *
 * Text kuromoji would split into sentences (、 or 。), or with a surrogate (kuromoji's positions
 * count code points there), is left to kuromoji itself: `tokenize` answers null and the caller
 * asks kuromoji. tests/unit/lattice.test.ts compares the tokens with kuromoji's on every window
 * the readings tokenise in the livedoor interviews, and on generated text.
 */
import type kuromoji from 'kuromoji';

type Tokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;

/** kuromoji's internals this reads (not in its typings); see node_modules/kuromoji/src. */
interface Dictionary {
  dictionary: { buffer: Uint8Array };
  target_map: Record<number, ArrayLike<number> | undefined>;
  getFeatures(id: string): string | null;
}
interface CharacterClass {
  class_id: number;
  class_name: string;
  is_always_invoke: number;
  is_grouping: number;
}
interface Internals {
  token_info_dictionary: Dictionary;
  unknown_dictionary: Dictionary & { lookup(ch: string): CharacterClass };
  viterbi_builder: { trie: { bc: { getBaseBuffer(): Int32Array; getCheckBuffer(): Int32Array } } };
  viterbi_searcher: { connection_costs: { buffer: Int16Array; backward_dimension: number } };
  formatter: {
    formatEntry(id: number, position: number, type: string, features: string[]): kuromoji.IpadicFeatures;
    formatUnknownEntry(
      id: number,
      position: number,
      type: string,
      features: string[],
      surface: string,
    ): kuromoji.IpadicFeatures;
  };
}

const KNOWN = 0;
const UNKNOWN = 1;
const BOS = 2;
const EOS = 3;
/** Decoded features kept per dictionary entry (a line is ~60 bytes; entries repeat a lot). */
const FEATURE_CACHE = 100_000;

/** A character class's unknown-word entries: ids, and their records' cost and connection ids. */
interface UnknownEntries {
  ids: Int32Array;
  cost: Int16Array;
  left: Int16Array;
  right: Int16Array;
}

/** A tokenizer equal to `tokenizer.tokenize` on the texts it takes (null: ask kuromoji). */
export type FastTokenize = (text: string) => kuromoji.IpadicFeatures[] | null;

/** {@link FastTokenize} over a loaded kuromoji tokenizer's dictionary. */
export function fastTokenizer(tokenizer: Tokenizer): FastTokenize {
  const k = tokenizer as unknown as Internals;
  const known = k.token_info_dictionary;
  const unknown = k.unknown_dictionary;
  const base = k.viterbi_builder.trie.bc.getBaseBuffer();
  const check = k.viterbi_builder.trie.bc.getCheckBuffer();
  const costs = k.viterbi_searcher.connection_costs.buffer;
  const backward = k.viterbi_searcher.connection_costs.backward_dimension;
  const knownBytes = known.dictionary.buffer;
  const unknownBytes = unknown.dictionary.buffer;
  const formatter = k.formatter;

  // kuromoji's ByteBuffer.getShort: little-endian signed 16 bits, 0 past the end.
  const short = (bytes: Uint8Array, i: number): number =>
    bytes.length < i + 2 ? 0 : (((bytes[i] as number) | ((bytes[i + 1] as number) << 8)) << 16) >> 16;
  // The character class of each UTF-16 unit, as kuromoji's unknown-word lookup gives it.
  const classes = new Array<CharacterClass | undefined>(65536);
  const classOf = (code: number): CharacterClass => {
    let c = classes[code];
    if (!c) {
      c = unknown.lookup(String.fromCharCode(code));
      classes[code] = c;
    }
    return c;
  };
  // The dictionary's entries by trie leaf, flat: a leaf's entries are `entry*[leafStart[leaf] ..
  // leafStart[leaf + 1])`, with the connection ids and cost each one's record starts with
  // (`target_map` is an object of ~390,000 numeric keys and each record a read of the 20 MB
  // buffer: most of a lattice's time for the short texts readings tokenise). Built on first use.
  let leafStart: Int32Array | null = null;
  let leafKnown = new Uint8Array(0);
  let entryId = new Int32Array(0);
  let entryLeft = new Int16Array(0);
  let entryRight = new Int16Array(0);
  let entryCost = new Int16Array(0);
  // A known entry's slot in the features' ring below (-1: not there), by its flat number.
  let slotOfEntry = new Int32Array(0);
  const flatten = (): Int32Array => {
    let leaves = 0;
    let entries = 0;
    for (const key in known.target_map) {
      const leaf = Number(key);
      const ids = known.target_map[leaf];
      if (!Number.isInteger(leaf) || leaf < 0 || !ids) continue;
      if (leaf + 1 > leaves) leaves = leaf + 1;
      entries += ids.length;
    }
    const count = new Int32Array(leaves + 1);
    leafKnown = new Uint8Array(leaves);
    for (const key in known.target_map) {
      const leaf = Number(key);
      const ids = known.target_map[leaf];
      if (!Number.isInteger(leaf) || leaf < 0 || !ids) continue;
      count[leaf + 1] = ids.length;
      leafKnown[leaf] = 1;
    }
    for (let i = 1; i <= leaves; i++) count[i] = (count[i] as number) + (count[i - 1] as number);
    entryId = new Int32Array(entries);
    entryLeft = new Int16Array(entries);
    entryRight = new Int16Array(entries);
    entryCost = new Int16Array(entries);
    slotOfEntry = new Int32Array(entries).fill(-1);
    for (let leaf = 0; leaf < leaves; leaf++) {
      const ids = leafKnown[leaf] ? known.target_map[leaf] : undefined;
      if (!ids) continue;
      for (let j = 0, e = count[leaf] as number; j < ids.length; j++, e++) {
        const id = ids[j] as number;
        entryId[e] = id;
        entryLeft[e] = short(knownBytes, id);
        entryRight[e] = short(knownBytes, id + 2);
        entryCost[e] = short(knownBytes, id + 4);
      }
    }
    return count;
  };
  // Decoded features of known entries by their flat number (`entry*`), in a ring of FEATURE_CACHE
  // slots, the oldest replaced first: a typed index instead of a Map keyed by the entry's id (the
  // Map's lookup was a tenth of a lattice). Unknown words have a few entries: a Map.
  const ringEntry = new Int32Array(FEATURE_CACHE).fill(-1);
  const ringFeatures: string[][] = new Array(FEATURE_CACHE);
  let ringNext = 0;
  const decode = (dict: Dictionary, id: number): string[] => {
    const line = dict.getFeatures(String(id));
    return line == null ? [] : line.split(',');
  };
  const knownFeatures = (e: number): string[] => {
    const slot = slotOfEntry[e] as number;
    if (slot >= 0) return ringFeatures[slot] as string[];
    const out = decode(known, entryId[e] as number);
    const old = ringEntry[ringNext] as number;
    if (old >= 0) slotOfEntry[old] = -1;
    ringEntry[ringNext] = e;
    ringFeatures[ringNext] = out;
    slotOfEntry[e] = ringNext;
    ringNext = (ringNext + 1) % FEATURE_CACHE;
    return out;
  };
  // Each character class's unknown-word entries with the connection ids and cost their records
  // start with, read once (three reads of the unknown dictionary's bytes per entry appended, at
  // nearly every position of a short text, were a tenth of a lattice).
  const unknownEntries: Array<UnknownEntries | null | undefined> = [];
  const unknownOf = (classId: number): UnknownEntries | null => {
    let u = unknownEntries[classId];
    if (u === undefined) {
      const ids = unknown.target_map[classId];
      u = ids
        ? {
            ids: Int32Array.from(ids),
            cost: Int16Array.from(ids, (id) => short(unknownBytes, id + 4)),
            left: Int16Array.from(ids, (id) => short(unknownBytes, id)),
            right: Int16Array.from(ids, (id) => short(unknownBytes, id + 2)),
          }
        : null;
      unknownEntries[classId] = u;
    }
    return u;
  };
  // Tokens are made as kuromoji's IpadicFormatter makes them (the same keys in the same order),
  // as one literal each: the formatter adds thirteen properties one by one to an empty object.
  const ipadic = (formatter as { constructor?: { name?: string } }).constructor?.name === 'IpadicFormatter';
  const knownToken = (e: number, position: number): kuromoji.IpadicFeatures => {
    const f = knownFeatures(e);
    if (!ipadic) return formatter.formatEntry(entryId[e] as number, position, 'KNOWN', f);
    return {
      word_id: entryId[e] as number,
      word_type: 'KNOWN',
      word_position: position,
      surface_form: f[0] as string,
      pos: f[1] as string,
      pos_detail_1: f[2] as string,
      pos_detail_2: f[3] as string,
      pos_detail_3: f[4] as string,
      conjugated_type: f[5] as string,
      conjugated_form: f[6] as string,
      basic_form: f[7] as string,
      reading: f[8] as string,
      pronunciation: f[9] as string,
    };
  };
  const unknownFeatures = new Map<number, string[]>();
  const unknownFeaturesOf = (id: number): string[] => {
    let out = unknownFeatures.get(id);
    if (!out) {
      out = decode(unknown, id);
      unknownFeatures.set(id, out);
    }
    return out;
  };

  // Reused buffers: the text's UTF-8 bytes and, per lattice node, its fields. Grown on demand.
  let bytes = new Uint8Array(256);
  let charAfter = new Int32Array(256); // char index after each byte when it ends a char, else -1
  let cap = 256;
  let nType = new Uint8Array(cap);
  let nId = new Int32Array(cap);
  let nCost = new Int32Array(cap);
  let nStart = new Int32Array(cap); // kuromoji's start_pos: 1-based
  let nLen = new Int32Array(cap);
  let nLeft = new Int32Array(cap);
  let nRight = new Int32Array(cap);
  let nNext = new Int32Array(cap); // next node ending at the same position (append order)
  let nPrev = new Int32Array(cap);
  let nBest = new Float64Array(cap);
  const nSurface: string[] = new Array(cap);
  let endHead = new Int32Array(64);
  let endTail = new Int32Array(64);
  let count = 0;

  const grow = () => {
    cap *= 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const t = new Uint8Array(cap);
    t.set(nType);
    nType = t;
    nId = g32(nId);
    nCost = g32(nCost);
    nStart = g32(nStart);
    nLen = g32(nLen);
    nLeft = g32(nLeft);
    nRight = g32(nRight);
    nNext = g32(nNext);
    nPrev = g32(nPrev);
    const f = new Float64Array(cap);
    f.set(nBest);
    nBest = f;
    nSurface.length = cap;
  };
  // ViterbiLattice.append: a node goes to the list of nodes ending at start + length - 1 (BOS
  // at 0, EOS after the last position: `end`).
  const append = (
    type: number,
    id: number,
    cost: number,
    start: number,
    len: number,
    left: number,
    right: number,
    surface: string,
    end: number = start + len - 1,
  ) => {
    if (count === cap) grow();
    const n = count++;
    nType[n] = type;
    nId[n] = id;
    nCost[n] = cost;
    nStart[n] = start;
    nLen[n] = len;
    nLeft[n] = left;
    nRight[n] = right;
    nNext[n] = -1;
    nPrev[n] = -1;
    nBest[n] = type === BOS ? 0 : Number.MAX_VALUE;
    nSurface[n] = surface;
    if ((endHead[end] as number) < 0) endHead[end] = n;
    else nNext[endTail[end] as number] = n;
    endTail[end] = n;
  };

  return (text: string): kuromoji.IpadicFeatures[] | null => {
    const L = text.length;
    if (L === 0) return [];
    leafStart ??= flatten();
    const starts = leafStart;
    // UTF-8 bytes of the text, and which bytes end a character.
    if (bytes.length < L * 3) {
      bytes = new Uint8Array(L * 3);
      charAfter = new Int32Array(L * 3);
    }
    // Sentence splitting (、。) and surrogates: kuromoji's own path.
    const byteLen = utf8Into(text, bytes, charAfter, true);
    if (byteLen < 0) return null;
    if (endHead.length < L + 3) {
      endHead = new Int32Array(2 * (L + 3));
      endTail = new Int32Array(2 * (L + 3));
    }
    endHead.fill(-1, 0, L + 3);
    count = 0;
    append(BOS, -1, 0, 0, 0, 0, 0, '', 0);
    // ViterbiBuilder.build.
    let charStartByte = 0;
    for (let pos = 0; pos < L; pos++) {
      // DoubleArray.commonPrefixSearch of the text from pos, over its bytes.
      let parent = 0;
      let found = 0;
      for (let i = charStartByte; i < byteLen; i++) {
        const child = (base[parent] as number) + (bytes[i] as number);
        if (check[child] !== parent) break;
        parent = child;
        // A key ends only where a character of the text does: the dictionary's keys are whole
        // characters' UTF-8 bytes, and the walk starts at a character (the terminal's look-up, a
        // read far into the trie, is skipped for a character's other bytes).
        const after = charAfter[i] as number;
        if (after < 0) continue;
        const grand = base[child] as number; // + TERM_CODE (0)
        if (check[grand] !== child) continue;
        const leaf = base[grand] as number;
        // A record without a value: kuromoji's own path.
        if (leaf > 0) return null;
        const at = -leaf - 1;
        if (at >= leafKnown.length || leafKnown[at] === 0) return null;
        found++;
        const len = after - pos;
        // A known node is named by its flat entry number; its surface is in its features.
        for (let e = starts[at] as number, stop = starts[at + 1] as number; e < stop; e++)
          append(
            KNOWN,
            e,
            entryCost[e] as number,
            pos + 1,
            len,
            entryLeft[e] as number,
            entryRight[e] as number,
            '',
          );
      }
      // Unknown words: when no entry starts here, or the character's class always invokes.
      const head = classOf(text.charCodeAt(pos));
      if (found === 0 || head.is_always_invoke === 1) {
        let end = pos + 1;
        if (head.is_grouping === 1)
          while (end < L && classOf(text.charCodeAt(end)).class_name === head.class_name) end++;
        const u = unknownOf(head.class_id);
        if (!u) return null;
        const surface = text.slice(pos, end);
        for (let j = 0; j < u.ids.length; j++)
          append(
            UNKNOWN,
            u.ids[j] as number,
            u.cost[j] as number,
            pos + 1,
            end - pos,
            u.left[j] as number,
            u.right[j] as number,
            surface,
          );
      }
      const c = text.charCodeAt(pos);
      charStartByte += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    // ViterbiLattice.appendEos: every position has a node, so the last one ends at L.
    append(EOS, -1, 0, L + 1, 0, 0, 0, '', L + 1);
    // ViterbiSearcher.forward. `shortest` is declared with `var` in kuromoji's loop, so a node
    // no predecessor improves on keeps the last one found for an earlier node: kept here.
    let shortest = -1;
    for (let i = 1; i <= L + 1; i++)
      for (let n = endHead[i] as number; n >= 0; n = nNext[n] as number) {
        const p0 = endHead[(nStart[n] as number) - 1] as number;
        if (p0 < 0) continue;
        let cost = Number.MAX_VALUE;
        const left = nLeft[n] as number;
        const own = nCost[n] as number;
        for (let p = p0; p >= 0; p = nNext[p] as number) {
          const index = (nRight[p] as number) * backward + left + 2;
          if (costs.length < index + 1) return null;
          const c = (nBest[p] as number) + (costs[index] as number) + own;
          if (c < cost) {
            shortest = p;
            cost = c;
          }
        }
        nPrev[n] = shortest;
        nBest[n] = cost;
      }
    // ViterbiSearcher.backward from EOS (the last node appended).
    const path: number[] = [];
    let n = nPrev[count - 1] as number;
    if (n < 0) return [];
    while (nType[n] !== BOS) {
      path.push(n);
      const p = nPrev[n] as number;
      if (p < 0) return [];
      n = p;
    }
    const tokens: kuromoji.IpadicFeatures[] = new Array(path.length);
    for (let j = path.length - 1, t = 0; j >= 0; j--, t++) {
      const m = path[j] as number;
      const type = nType[m] as number;
      const id = nId[m] as number;
      tokens[t] =
        type === KNOWN
          ? knownToken(id, nStart[m] as number)
          : formatter.formatUnknownEntry(
              id,
              nStart[m] as number,
              'UNKNOWN',
              unknownFeaturesOf(id),
              nSurface[m] as string,
            );
    }
    return tokens;
  };
}

/**
 * Whether any dictionary entry whose surface occurs in `text` has a flag of `mask`, the flags
 * being given per trie leaf (a surface: `target_map`'s key, as `flags[leaf]`); null when the walk
 * meets what kuromoji's own search would treat otherwise (a surrogate, a key without a value),
 * for the caller to decide another way. The same common-prefix search as
 * {@link fastTokenizer}'s lattice, at every position, without building a lattice: the verb
 * readings' screen (./readings.ts `verbEntries`) asked a set of surfaces for every substring.
 */
export type LeafScan = (text: string, flags: Uint8Array, mask: number) => boolean | null;

/** {@link LeafScan} over a loaded kuromoji tokenizer's trie. */
export function leafScanner(tokenizer: Tokenizer): LeafScan {
  const k = tokenizer as unknown as Internals;
  const base = k.viterbi_builder.trie.bc.getBaseBuffer();
  const check = k.viterbi_builder.trie.bc.getCheckBuffer();
  let bytes = new Uint8Array(256);
  let charAfter = new Int32Array(256); // −1 inside a character
  return (text, flags, mask) => {
    const L = text.length;
    if (bytes.length < L * 3) {
      bytes = new Uint8Array(L * 3);
      charAfter = new Int32Array(L * 3);
    }
    const byteLen = utf8Into(text, bytes, charAfter, false);
    if (byteLen < 0) return null;
    for (let start = 0; start < byteLen; ) {
      let parent = 0;
      for (let i = start; i < byteLen; i++) {
        const child = (base[parent] as number) + (bytes[i] as number);
        if (check[child] !== parent) break;
        parent = child;
        // Keys end only where characters do (see fastTokenizer's walk).
        if ((charAfter[i] as number) < 0) continue;
        const grand = base[child] as number;
        if (check[grand] !== child) continue;
        const leaf = base[grand] as number;
        if (leaf > 0) return null;
        if (((flags[-leaf - 1] ?? 0) & mask) !== 0) return true;
      }
      // The next character's first byte.
      start++;
      while (start < byteLen && (charAfter[start - 1] as number) < 0) start++;
    }
    return false;
  };
}

/**
 * The UTF-8 bytes of `text` into `bytes` (room for 3 per character), and for each byte the index of
 * the character after it when the byte ends one, −1 inside a character: the keys the dictionary's
 * trie is walked with. The byte length, or −1 at a surrogate (or at 、。 with `stopAtSentence`),
 * which kuromoji's own search treats otherwise.
 */
function utf8Into(text: string, bytes: Uint8Array, charAfter: Int32Array, stopAtSentence: boolean): number {
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xd800 && c <= 0xdfff) || (stopAtSentence && (c === 0x3001 || c === 0x3002))) return -1;
    if (c < 0x80) {
      charAfter[b] = i + 1;
      bytes[b++] = c;
    } else if (c < 0x800) {
      charAfter[b] = -1;
      bytes[b++] = (c >>> 6) | 0xc0;
      charAfter[b] = i + 1;
      bytes[b++] = (c & 0x3f) | 0x80;
    } else {
      charAfter[b] = -1;
      bytes[b++] = (c >>> 12) | 0xe0;
      charAfter[b] = -1;
      bytes[b++] = ((c >> 6) & 0x3f) | 0x80;
      charAfter[b] = i + 1;
      bytes[b++] = (c & 0x3f) | 0x80;
    }
  }
  return b;
}
