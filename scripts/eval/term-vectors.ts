/**
 * Distributional term vectors for the topic tagger's round of 2026-12-06 (helper tags12; eval/README.md):
 * the classical remedy for paraphrases. From unlabelled text only (every paragraph of the 7,180 livedoor news
 * articles and every line of the livedoor interviews), over the analyzer's own terms (`indexTerms`, what the
 * model reads): co-occurrence counts within a window of the term sequence, positive PMI with the context
 * distribution smoothed (α = 0.75), and a truncated SVD (randomized range finder, two power iterations,
 * singular values weighted by √s), rows normalised. Only numbers leave this file: the corpus is CC BY-ND 2.1 JP
 * and stays unmodified where it is read.
 *
 * Two kinds of features for the shipped model come from the vectors (`distributionalFeatures`):
 * - `k:<cluster>`: the k-means cluster of each of the quote's terms (a learned stand-in for a synonym group);
 * - `s:<topic>:<level>`: the cosine of the quote's vector (idf-weighted mean of its term vectors) with the
 *   centroid of the topic's evidence phrases, as cumulative levels over the quantiles of that cosine on
 *   unlabelled paragraphs (level 1: top 10%, 2: top 3%, 3: top 1%).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../bench/corpus.ts';
import type { Taxonomy } from '../../lib/taxonomy/index.ts';
import { indexTerms } from '../../lib/text/analyze.ts';

export interface VectorOptions {
  /** Terms kept as rows: the most frequent, seen at least `minCount` times. */
  rows: number;
  minCount: number;
  /** Context terms (columns): the most frequent. */
  contexts: number;
  /** Terms either side counted as co-occurring. */
  window: number;
  dims: number;
  clusters: number;
}

export const VECTOR_OPTIONS: VectorOptions = {
  rows: 12000,
  minCount: 10,
  contexts: 3000,
  window: 4,
  dims: 64,
  clusters: 300,
};

export interface TermSpace {
  terms: string[];
  index: Map<string, number>;
  /** rows × dims, each row of unit length. */
  vectors: Float32Array;
  dims: number;
  /** Inverse document frequency (paragraphs) of each row term. */
  idf: Float32Array;
  /** Cluster of each row term. */
  cluster: Int32Array;
}

/** Every paragraph of the unlabelled corpora (news body lines, interview lines), as term sequences. */
export function unlabelledParagraphs(shared: string): string[][] {
  const out: string[][] = [];
  const news = join(shared, 'corpora', 'livedoor-news');
  for (const cat of readdirSync(news, { withFileTypes: true })) {
    if (!cat.isDirectory()) continue;
    for (const f of readdirSync(join(news, cat.name))) {
      if (!/-\d+\.txt$/.test(f)) continue;
      const lines = readFileSync(join(news, cat.name, f), 'utf8')
        .split(/\r?\n/)
        .slice(3);
      for (const l of lines) if (l.trim().length > 0) out.push(indexTerms(l));
    }
  }
  const interviews = join(shared, 'corpora', 'livedoor-interviews');
  if (existsSync(interviews))
    for (const f of readdirSync(interviews, { recursive: true }) as string[]) {
      if (!f.endsWith('.txt') && !f.endsWith('.md')) continue;
      for (const l of readFileSync(join(interviews, f), 'utf8').split(/\r?\n/))
        if (l.trim().length > 0) out.push(indexTerms(l));
    }
  return out;
}

/** Orthonormalises the columns of a (n × m, row-major) in place (modified Gram–Schmidt). */
function orthonormalise(a: Float64Array, n: number, m: number): void {
  for (let j = 0; j < m; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += (a[i * m + j] as number) * (a[i * m + p] as number);
      for (let i = 0; i < n; i++) a[i * m + j] = (a[i * m + j] as number) - d * (a[i * m + p] as number);
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += (a[i * m + j] as number) ** 2;
    const norm = Math.sqrt(s) || 1;
    for (let i = 0; i < n; i++) a[i * m + j] = (a[i * m + j] as number) / norm;
  }
}

/** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi): eigenvalues and column eigenvectors. */
function jacobi(s: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(s);
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += (a[p * m + q] as number) ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < m; p++)
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q] as number;
        if (Math.abs(apq) < 1e-30) continue;
        const theta = ((a[q * m + q] as number) - (a[p * m + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p] as number;
          const akq = a[k * m + q] as number;
          a[k * m + p] = c * akp - sn * akq;
          a[k * m + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k] as number;
          const aqk = a[q * m + k] as number;
          a[p * m + k] = c * apk - sn * aqk;
          a[q * m + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p] as number;
          const vkq = v[k * m + q] as number;
          v[k * m + p] = c * vkp - sn * vkq;
          v[k * m + q] = sn * vkp + c * vkq;
        }
      }
  }
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = a[i * m + i] as number;
  return { values, vectors: v };
}

/** Builds the term space from term sequences (see the file comment). */
export function buildTermSpace(
  paragraphs: readonly string[][],
  o: VectorOptions = VECTOR_OPTIONS,
): TermSpace {
  const count = new Map<string, number>();
  const df = new Map<string, number>();
  for (const p of paragraphs) {
    for (const t of p) count.set(t, (count.get(t) ?? 0) + 1);
    for (const t of new Set(p)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const ranked = [...count]
    .filter(([, c]) => c >= o.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const terms = ranked.slice(0, o.rows).map(([t]) => t);
  const index = new Map(terms.map((t, i) => [t, i]));
  const V = terms.length;
  const C = Math.min(o.contexts, V);
  // Counts: rows × contexts (the contexts are the C most frequent rows).
  const m = new Float64Array(V * C);
  for (const p of paragraphs) {
    const ids = p.map((t) => index.get(t) ?? -1);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i] as number;
      if (r < 0) continue;
      for (let d = -o.window; d <= o.window; d++) {
        const c = ids[i + d];
        if (d === 0 || c === undefined || c < 0 || c >= C || c === r) continue;
        m[r * C + c] = (m[r * C + c] as number) + 1;
      }
    }
  }
  // PPMI with context smoothing 0.75 (the total count cancels out of P(r,c) / (P(r)·Pα(c))).
  const rowSum = new Float64Array(V);
  const colSum = new Float64Array(C);
  for (let r = 0; r < V; r++)
    for (let c = 0; c < C; c++) {
      const x = m[r * C + c] as number;
      rowSum[r] = (rowSum[r] as number) + x;
      colSum[c] = (colSum[c] as number) + x;
    }
  let colSmooth = 0;
  for (let c = 0; c < C; c++) colSmooth += (colSum[c] as number) ** 0.75;
  for (let r = 0; r < V; r++)
    for (let c = 0; c < C; c++) {
      const x = m[r * C + c] as number;
      if (x === 0) continue;
      const pmi = Math.log((x * colSmooth) / ((rowSum[r] as number) * (colSum[c] as number) ** 0.75));
      m[r * C + c] = Math.max(pmi, 0);
    }
  // Randomized SVD: range of M (V × C) from M·Ω, two power iterations.
  const k = o.dims;
  const w = k + 16;
  const rand = rng(12);
  const omega = new Float64Array(C * w);
  for (let i = 0; i < omega.length; i++) omega[i] = rand() * 2 - 1;
  const mulM = (x: Float64Array): Float64Array => {
    // M (V × C) · x (C × w) → V × w
    const y = new Float64Array(V * w);
    for (let r = 0; r < V; r++)
      for (let c = 0; c < C; c++) {
        const a = m[r * C + c] as number;
        if (a === 0) continue;
        for (let j = 0; j < w; j++) y[r * w + j] = (y[r * w + j] as number) + a * (x[c * w + j] as number);
      }
    return y;
  };
  const mulMt = (y: Float64Array): Float64Array => {
    // Mᵀ (C × V) · y (V × w) → C × w
    const x = new Float64Array(C * w);
    for (let r = 0; r < V; r++)
      for (let c = 0; c < C; c++) {
        const a = m[r * C + c] as number;
        if (a === 0) continue;
        for (let j = 0; j < w; j++) x[c * w + j] = (x[c * w + j] as number) + a * (y[r * w + j] as number);
      }
    return x;
  };
  let q = mulM(omega);
  orthonormalise(q, V, w);
  for (let it = 0; it < 2; it++) {
    const z = mulMt(q);
    orthonormalise(z, C, w);
    q = mulM(z);
    orthonormalise(q, V, w);
  }
  // B = Qᵀ M (w × C); B Bᵀ = Qᵀ M Mᵀ Q (w × w) = (Mᵀ Q)ᵀ (Mᵀ Q).
  const bt = mulMt(q); // C × w
  const bbt = new Float64Array(w * w);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < w; i++) {
      const a = bt[c * w + i] as number;
      if (a === 0) continue;
      for (let j = 0; j < w; j++) bbt[i * w + j] = (bbt[i * w + j] as number) + a * (bt[c * w + j] as number);
    }
  const { values, vectors } = jacobi(bbt, w);
  const order = [...values.keys()].sort((a, b) => (values[b] as number) - (values[a] as number)).slice(0, k);
  const out = new Float32Array(V * k);
  for (let r = 0; r < V; r++) {
    let norm = 0;
    for (let d = 0; d < k; d++) {
      const e = order[d] as number;
      const sv = Math.sqrt(Math.max(values[e] as number, 0)); // singular value
      let u = 0;
      for (let j = 0; j < w; j++) u += (q[r * w + j] as number) * (vectors[j * w + e] as number);
      const x = u * Math.sqrt(sv);
      out[r * k + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < k; d++) out[r * k + d] = (out[r * k + d] as number) / norm;
  }
  const n = paragraphs.length;
  const idf = Float32Array.from(terms, (t) => Math.log(n / (1 + (df.get(t) ?? 0))));
  return { terms, index, vectors: out, dims: k, idf, cluster: kmeans(out, V, k, o.clusters) };
}

/** Spherical k-means (cosine), seeded deterministically; 15 iterations. */
function kmeans(x: Float32Array, n: number, dims: number, k: number): Int32Array {
  const rand = rng(7);
  const cent = new Float64Array(k * dims);
  for (let c = 0; c < k; c++) {
    const r = Math.floor(rand() * n);
    for (let d = 0; d < dims; d++) cent[c * dims + d] = x[r * dims + d] as number;
  }
  const assign = new Int32Array(n);
  for (let it = 0; it < 15; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestSim = -2;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let d = 0; d < dims; d++) s += (x[i * dims + d] as number) * (cent[c * dims + d] as number);
        if (s > bestSim) {
          bestSim = s;
          best = c;
        }
      }
      assign[i] = best;
    }
    cent.fill(0);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dims; d++) {
        const j = (assign[i] as number) * dims + d;
        cent[j] = (cent[j] as number) + (x[i * dims + d] as number);
      }
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (cent[c * dims + d] as number) ** 2;
      s = Math.sqrt(s) || 1;
      for (let d = 0; d < dims; d++) cent[c * dims + d] = (cent[c * dims + d] as number) / s;
    }
  }
  return assign;
}

/** The idf-weighted mean of the vectors of the terms known (unit length), or null when none is known. */
export function textVector(space: TermSpace, terms: readonly string[]): Float64Array | null {
  const v = new Float64Array(space.dims);
  let any = false;
  for (const t of new Set(terms)) {
    const i = space.index.get(t);
    if (i === undefined) continue;
    any = true;
    const w = space.idf[i] as number;
    for (let d = 0; d < space.dims; d++)
      v[d] = (v[d] as number) + w * (space.vectors[i * space.dims + d] as number);
  }
  if (!any) return null;
  let s = 0;
  for (let d = 0; d < space.dims; d++) s += (v[d] as number) ** 2;
  s = Math.sqrt(s) || 1;
  for (let d = 0; d < space.dims; d++) v[d] = (v[d] as number) / s;
  return v;
}

/** Each topic's centroid: the weighted mean of its evidence phrases' vectors (the taxonomy, not the labels). */
export function topicCentroids(space: TermSpace, taxonomy: Taxonomy): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const t of taxonomy.topics) {
    const c = new Float64Array(space.dims);
    for (const e of t.evidence) {
      if (e.weight <= 0) continue;
      const v = textVector(space, indexTerms(e.phrase.replaceAll('*', ' ')));
      if (!v) continue;
      for (let d = 0; d < space.dims; d++) c[d] = (c[d] as number) + e.weight * (v[d] as number);
    }
    let s = 0;
    for (let d = 0; d < space.dims; d++) s += (c[d] as number) ** 2;
    s = Math.sqrt(s) || 1;
    for (let d = 0; d < space.dims; d++) c[d] = (c[d] as number) / s;
    out.set(t.id, c);
  }
  return out;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += (a[d] as number) * (b[d] as number);
  return s;
};

/** Which features a run adds: clusters, centroid similarity levels, or both. */
export type DistributionalKind = 'clusters' | 'similarity' | 'both';

export interface Distributional {
  space: TermSpace;
  centroids: Map<string, Float64Array>;
  /** Per topic: the cosines at the 90th, 97th and 99th percentile over unlabelled paragraphs. */
  levels: Map<string, number[]>;
}

/** Centroids and similarity levels for a term space (levels from a fixed sample of unlabelled paragraphs). */
export function distributional(
  space: TermSpace,
  taxonomy: Taxonomy,
  paragraphs: readonly string[][],
): Distributional {
  const centroids = topicCentroids(space, taxonomy);
  const levels = new Map<string, number[]>();
  const sample = paragraphs.filter((_, i) => i % 7 === 0);
  const vs = sample.map((p) => textVector(space, p)).filter((v): v is Float64Array => v !== null);
  for (const [topic, c] of centroids) {
    const sims = vs.map((v) => dot(v, c)).sort((a, b) => a - b);
    const at = (q: number) => sims[Math.min(sims.length - 1, Math.floor(q * sims.length))] as number;
    levels.set(topic, [at(0.9), at(0.97), at(0.99)]);
  }
  return { space, centroids, levels };
}

/** The distributional features of a text (see the file comment). */
export function distributionalFeatures(d: Distributional, text: string, kind: DistributionalKind): string[] {
  const terms = indexTerms(text);
  const out: string[] = [];
  if (kind !== 'similarity') {
    const seen = new Set<number>();
    for (const t of terms) {
      const i = d.space.index.get(t);
      if (i !== undefined) seen.add(d.space.cluster[i] as number);
    }
    for (const c of seen) out.push(`k:${c}`);
  }
  if (kind !== 'clusters') {
    const v = textVector(d.space, terms);
    if (v)
      for (const [topic, c] of d.centroids) {
        const s = dot(v, c);
        const lv = d.levels.get(topic) ?? [];
        lv.forEach((x, l) => {
          if (s >= x) out.push(`s:${topic}:${l + 1}`);
        });
      }
  }
  return out;
}

/** Builds (or reads from `cache`) the term space; the cache holds numbers and terms only, outside the repo. */
export function termSpace(
  shared: string,
  cache: string,
  o: VectorOptions = VECTOR_OPTIONS,
): { space: TermSpace; paragraphs: string[][] } {
  const paragraphs = unlabelledParagraphs(shared);
  const key = createHash('sha1').update(JSON.stringify(o)).digest('hex').slice(0, 8);
  const path = `${cache}.${key}.json`;
  if (existsSync(path)) {
    const j = JSON.parse(readFileSync(path, 'utf8')) as {
      terms: string[];
      vectors: number[];
      idf: number[];
      cluster: number[];
      dims: number;
    };
    return {
      space: {
        terms: j.terms,
        index: new Map(j.terms.map((t, i) => [t, i])),
        vectors: Float32Array.from(j.vectors),
        dims: j.dims,
        idf: Float32Array.from(j.idf),
        cluster: Int32Array.from(j.cluster),
      },
      paragraphs,
    };
  }
  const space = buildTermSpace(paragraphs, o);
  writeFileSync(
    path,
    JSON.stringify({
      terms: space.terms,
      vectors: [...space.vectors].map((x) => Math.round(x * 1e4) / 1e4),
      idf: [...space.idf],
      cluster: [...space.cluster],
      dims: space.dims,
    }),
  );
  return { space, paragraphs };
}
