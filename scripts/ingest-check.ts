/**
 * `npx tsx scripts/ingest-check.ts [--quotes N] [--dump FILE] [--check FILE]`: what the embedded
 * server's ingest path makes of bench:store's first N quotes (default 4,000; its transcripts of 20),
 * so that a change meant to make ingest cheaper is shown to index the same. The transcripts go
 * through the same runtime as `npm start` and bench:store (parse worker, tagger, dynalite over the
 * port, the in-process indexer with kana readings), one at a time (doc numbers then follow the
 * input), and what comes out is written as JSON: the folded index snapshot's SHA-256 (every term,
 * posting, flag, surface, tag and table), each stored interview's tags and people, and the first
 * page of every query bench:store draws and of each of their words' suggestions. `--check` compares
 * with such a dump and exits 1 on the first difference.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawQueries, realQuotes } from '../bench/corpus.ts';
import { transcripts } from '../bench/scale-corpus.ts';
import { loadReadings } from '../lib/text/readings.ts';
import { startEmbeddedDynamo } from '../local/embedded.ts';
import { createLocalRuntime } from '../local/runtime.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const count = Number(opt('--quotes') ?? 4000);
const dump = opt('--dump');
const check = opt('--check');

const real = realQuotes();
if ('reason' in real) throw new Error(real.reason);
const quotes = real.quotes.slice(0, count);
const items = transcripts(quotes);

const dir = mkdtempSync(join(tmpdir(), 'kk-ingest-check-'));
const embedded = await startEmbeddedDynamo({ path: join(dir, 'dynalite') });
const out: Record<string, unknown> = {};
try {
  const rt = await createLocalRuntime({
    client: embedded.portClient(),
    direct: embedded.portTransport(),
    tableName: 'kikigaki-check',
    token: 'check-token-0123456789',
    publishDelayMs: 3_600_000,
    readings: await loadReadings(),
    soleWriter: true,
  });
  try {
    for (const it of items) await rt.service.ingest({ text: it.text }, { id: it.id });
    const index = rt.indexer.index;
    const tags: Record<string, unknown> = {};
    for (const it of items) {
      const iv = await rt.store.getInterview(it.id);
      // Everything stored but the clock's.
      const { createdAt: _c, updatedAt: _u, ...record } = iv ?? { createdAt: '', updatedAt: '' };
      tags[it.id] = record;
    }
    const queries = drawQueries(quotes, 60).map((q) => q.q);
    const pages: Record<string, unknown> = {};
    const suggestions: Record<string, unknown> = {};
    for (const q of queries) {
      pages[q] = await rt.service.search(index, { q, limit: 20 });
      for (const w of q.split(' ')) suggestions[w] = index.suggest(w);
    }
    out.quotes = index.stats.quotes;
    out.tagCounts = index.tagCounts();
    out.pages = pages;
    out.suggestions = suggestions;
    out.stored = tags;
    // Last: folding renumbers docs (the searches above ran on the index as ingest left it).
    // The clock's times (the part's createdAt, the interviews' times) blanked out of it first.
    const snapshot = Buffer.from(index.toSnapshot())
      .toString('latin1')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'T');
    out.snapshot = createHash('sha256').update(snapshot, 'latin1').digest('hex');
  } finally {
    await rt.close();
  }
} finally {
  await embedded.close();
  rmSync(dir, { recursive: true, force: true });
}

const json = JSON.stringify(out);
console.log(
  `${items.length} transcripts, ${String(out.quotes)} quotes indexed, snapshot ${String(out.snapshot)}`,
);
if (dump) writeFileSync(dump, json);
if (check) {
  const want = JSON.parse(readFileSync(check, 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(want)) {
    const a = JSON.stringify(want[key]);
    const b = JSON.stringify(out[key]);
    if (a !== b) {
      console.error(`differs from ${check}: ${key}`);
      process.exit(1);
    }
  }
  console.log(`same as ${check}`);
}
