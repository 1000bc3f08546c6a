/** Growable typed arrays, a varint writer and the small helpers the engine's parts share. */

/** The typed arrays the engine stores. */
export type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** Unsigned values as a loaded part holds them: in the fewest bytes they need (see snapshot.ts). */
export type Unsigned = Uint8Array | Uint16Array | Uint32Array;

/** A growable typed array: `a` may be longer than `n` (the used part). */
export class Column<A extends Typed> {
  constructor(
    public a: A,
    public n: number,
    private readonly make: (n: number) => A,
  ) {}
  /**
   * A column over `from` (all of it used; a view when it is of the column's type, else a
   * widened copy), or an empty one.
   */
  static of<A extends Typed>(make: (n: number) => A, from?: Typed): Column<A> {
    if (!from) return new Column(make(64), 0, make);
    let a = make(0);
    if (a.constructor === from.constructor) a = from as A;
    else {
      a = make(from.length);
      a.set(from as never);
    }
    return new Column(a, from.length, make);
  }
  /** Makes room for `n` values in all (one allocation instead of growing step by step). */
  reserve(n: number): void {
    if (n <= this.a.length) return;
    const b = this.make(n);
    b.set(this.a.subarray(0, this.n) as never);
    this.a = b;
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(Math.max(64, this.a.length * 2));
      b.set(this.a as never);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  /** Appends every value of `src`, mapped by `map` when given. */
  append(src: ArrayLike<number>, map?: (v: number) => number): void {
    const need = this.n + src.length;
    if (need > this.a.length) {
      const b = this.make(Math.max(64, need, Math.ceil(this.a.length * 1.5)));
      b.set(this.a.subarray(0, this.n) as never);
      this.a = b;
    }
    const a = this.a;
    if (!map && ArrayBuffer.isView(src)) a.set(src as never, this.n);
    else for (let i = 0; i < src.length; i++) a[this.n + i] = map ? map(src[i] ?? 0) : (src[i] ?? 0);
    this.n = need;
  }
  at(i: number): number {
    return this.a[i] ?? 0;
  }
  /** The used part, as a view. */
  view(): A {
    return this.a.subarray(0, this.n) as A;
  }
}

export const u8 = (n: number): Uint8Array => new Uint8Array(n);
export const u32 = (n: number): Uint32Array => new Uint32Array(n);
export const i32 = (n: number): Int32Array => new Int32Array(n);

/** Appends varints to a growable byte array. */
export class Bytes {
  buf = new Uint8Array(1 << 16);
  n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  varint(v: number): void {
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.n++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** Reads one varint at `pos.p`, advancing it. */
export function readVarint(bytes: Uint8Array, pos: { p: number }): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const b = bytes[pos.p++] ?? 0;
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v;
    mul *= 128;
  }
}

/** First index of a sorted array whose entry is ≥ key. */
export function lowerBound(terms: readonly string[], key: string): number {
  let lo = 0;
  let hi = terms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((terms[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sum of an array. */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] ?? 0;
  return s;
}

/** Edit distance of a and b, or max + 1 when it exceeds max. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}
