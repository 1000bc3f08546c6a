/**
 * Hits shown without a mark: every query of the eval files run over the livedoor interviews and the
 * seed, listing top-10 hits whose highlight has no <mark>. A search must show why it shows a hit.
 * `npx tsx scripts/eval/unmarked.ts [limit]` (prints each unmarked hit, then the count).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInterviews } from '../../cli/load.ts';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';
import { loadReadings } from '../../lib/text/readings.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared');
const LIMIT = Number(process.argv[2] ?? 10);
const FILES = ['outside-queries', 'short-queries', 'kana-kanji-queries', 'queries', 'conversational'];

const interviews: Interview[] = [];
const dir = join(shared, 'corpora', 'livedoor-interviews');
const files = (readdirSync(dir, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.txt') && !/(^|\/)(LICENSE|README)/.test(f))
  .sort();
for (const f of files)
  try {
    interviews.push(parseInterview(readFileSync(join(dir, f), 'utf8')));
  } catch {
    // parser coverage is the parse section's business
  }
const seed = join(shared, 'seed');
if (existsSync(seed))
  for (const l of loadInterviews([seed])) if ('interview' in l) interviews.push(l.interview);

const dict = new VariantDictionary();
const index = new QuoteIndex({
  mode: 'hybrid',
  readings: await loadReadings(),
  variants: (f) => dict.variantsOf(f),
});
for (const iv of interviews) index.upsertInterview(iv);

let queries = 0;
let hits = 0;
let unmarked = 0;
let other = 0;
const seen = new Set<string>();
for (const file of FILES) {
  const data = JSON.parse(readFileSync(join(root, 'eval', `${file}.json`), 'utf8')) as {
    queries: { q: string }[];
  };
  for (const { q } of data.queries) {
    if (seen.has(q)) continue;
    seen.add(q);
    queries++;
    const res = index.search({ q, limit: LIMIT });
    res.hits.forEach((h, i) => {
      hits++;
      if (h.highlight.html.includes('<mark>')) return;
      // A hit found through its question or its interview's fields shows the mark there.
      const elsewhere =
        (h.question?.ranges.length ?? 0) > 0
          ? 'question'
          : h.matchedIn.includes('text')
            ? ''
            : h.matchedIn.join('+');
      if (elsewhere) other++;
      else unmarked++;
      console.log(
        `${elsewhere || 'NONE'}\t${file}\t${q}\t#${i + 1}\t${h.quoteId}\t${h.highlight.snippet.slice(0, 70).replace(/\s+/g, ' ')}`,
      );
    });
  }
}
console.log(
  `${unmarked} hits with no mark anywhere, ${other} marked only in their question or fields, of ${hits} top-${LIMIT} hits, ${queries} queries`,
);
