/** The hand-judged queries of eval/queries.json, resolved to quote ids of the project's interviews. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interview } from '../lib/model.ts';
import { type BenchQuery, root } from './corpus.ts';

interface Judged {
  q: string;
  kind: string;
  relevant: Array<{ interview: string; contains: string }>;
}

/** Judged queries whose relevant quotes exist among `own`. */
export function judgedQueries(own: readonly Interview[]): BenchQuery[] {
  const data = JSON.parse(readFileSync(join(root, 'eval', 'queries.json'), 'utf8')) as { queries: Judged[] };
  const byId = new Map(own.map((iv) => [iv.id, iv]));
  const out: BenchQuery[] = [];
  for (const j of data.queries) {
    const relevant = new Set<string>();
    for (const r of j.relevant) {
      const hits = byId.get(r.interview)?.turns.filter((t) => t.text.includes(r.contains)) ?? [];
      if (hits.length === 1) relevant.add((hits[0] as { id: string }).id);
    }
    if (relevant.size > 0) out.push({ q: j.q, kind: `judged-${j.kind}`, relevant });
  }
  return out;
}
