/**
 * `npx tsx scripts/tag-cost.ts [--runs N] [--only evidence|shipped] [--bench N] [--dump FILE] [--check FILE] [--own-terms]`:
 * CPU µs per turn of tagging the livedoor interviews (/work/shared/corpora/livedoor-interviews, or
 * KIKIGAKI_SHARED/corpora/…) — or, with `--bench N`, bench:store's first N quotes as its transcripts
 * of 20 (asked, answered, in turn) — with the evidence phrases only and with the shipped model, best of
 * `--runs` passes over all interviews after one warm-up pass. `--dump` writes every turn's tags
 * (topics, scores, explanations) of both taggers as JSON; `--check` compares them with such a dump and
 * exits 1 on the first difference, so a change meant to be faster only is shown to tag the same.
 * The tagger reads each turn's analyzer terms from the index's tokens, as the local server's parse
 * worker does (tokenised before the clock starts); `--own-terms` has it analyse the turns itself,
 * as the Lambda and the CLI do. `--check` compares both ways with the dump either way.
 * Run it with `node --cpu-prof --import tsx` to see where the time goes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realQuotes } from '../bench/corpus.ts';
import { parseInterview } from '../lib/parse/index.ts';
import { termsOfTokens, tokenizeInterview } from '../lib/search/index.ts';
import { type TermsOf, termsOf } from '../lib/tagging/classifier.ts';
import { shippedModel } from '../lib/tagging/shipped.ts';
import { TopicTagger } from '../lib/tagging/tagger.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const runs = Number(opt('--runs') ?? 3);
const only = opt('--only');
const dump = opt('--dump');
const check = opt('--check');
const ownTerms = args.includes('--own-terms');

const shared = process.env.KIKIGAKI_SHARED ?? '/work/shared';
const dir = join(shared, 'corpora', 'livedoor-interviews');
const listFiles = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(join(d, e.name)) : e.name.endsWith('.txt') ? [join(d, e.name)] : [],
    )
    .filter((f) => !/(?:README|LICENSE)\.txt$/.test(f))
    .sort();
const benchQuotes = Number(opt('--bench') ?? 0);
// bench/store.ts's transcripts: 20 quotes each, odd turns asking, even turns answering.
const benchTexts = () => {
  const r = realQuotes();
  if ('reason' in r) throw new Error(r.reason);
  const quotes = r.quotes.slice(0, benchQuotes);
  const out: string[] = [];
  for (let i = 0; i < quotes.length; i += 20)
    out.push(
      quotes
        .slice(i, i + 20)
        .map((q, k) => `${k % 2 === 0 ? '聞き手' : '話し手'}：${q.text.replace(/\s*\n\s*/g, ' ').trim()}`)
        .join('\n'),
    );
  return out;
};
const sources = benchQuotes > 0 ? benchTexts() : listFiles(dir).map((f) => readFileSync(f, 'utf8'));
const interviews = sources.map((text) => parseInterview(text));
const turns = interviews.reduce((n, iv) => n + iv.turns.length, 0);
console.log(`${interviews.length} interviews, ${turns} turns`);
const indexTermsOf: TermsOf[] = interviews.map((iv) => termsOfTokens(iv, tokenizeInterview(iv), termsOf));
const termsFor = (i: number) => (ownTerms ? termsOf : (indexTermsOf[i] as TermsOf));

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const taggers: Array<[string, TopicTagger]> = [
  ['evidence', new TopicTagger()],
  ['shipped', new TopicTagger({ model: shippedModel })],
];
const tags: Record<string, unknown> = {};
for (const [name, tagger] of taggers) {
  if (only && only !== name) continue;
  const all: unknown[] = [];
  interviews.forEach((iv, i) => {
    all.push([...tagger.tagInterview(iv, undefined, termsFor(i)).quotes]);
  });
  tags[name] = all;
  if (check) {
    // The other way of getting the terms must tag the same too.
    const other: unknown[] = [];
    interviews.forEach((iv, i) => {
      other.push([...tagger.tagInterview(iv, undefined, ownTerms ? indexTermsOf[i] : termsOf).quotes]);
    });
    tags[`${name} (${ownTerms ? 'index terms' : 'own terms'})`] = other;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const t0 = cpuUs();
    interviews.forEach((iv, i) => {
      tagger.tagInterview(iv, undefined, termsFor(i));
    });
    best = Math.min(best, cpuUs() - t0);
  }
  console.log(
    `${name}: ${(best / turns).toFixed(1)} µs CPU per turn (best of ${runs}; ${ownTerms ? 'own' : 'index'} terms)`,
  );
}
if (dump) writeFileSync(dump, JSON.stringify(tags));
if (check) {
  const want = JSON.parse(readFileSync(check, 'utf8')) as Record<string, unknown[]>;
  let differ = 0;
  for (const [name, got] of Object.entries(tags)) {
    const w = want[name.replace(/ \(.*\)$/, '')];
    if (!w) continue;
    (got as unknown[]).forEach((g, i) => {
      const a = JSON.stringify(g);
      const b = JSON.stringify(w[i]);
      if (a === b) return;
      if (differ++ === 0)
        console.log(`${name}, interview ${i} differs:\n  got  ${a}\n  want ${b}`.slice(0, 4000));
    });
  }
  console.log(differ === 0 ? 'tags identical to the dump' : `${differ} interviews differ`);
  if (differ > 0) process.exitCode = 1;
}
