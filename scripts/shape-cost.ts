/**
 * `npx tsx scripts/shape-cost.ts [--bytes N] [--runs N] [--sequence] FORMAT [SHAPE-SUBSTRING…]`:
 * CPU ms per MB of one layout on the bench:hostile shapes whose names contain one of the
 * substrings (all without one), best of `--runs` each; `--sequence` parses every shape once in
 * the corpus's order, as bench:hostile does (JIT and heap state carried from shape to shape), and
 * prints each. The quick loop for working on one parser (run it with `node --cpu-prof --import tsx`
 * to see where the time goes); bench:hostile is the measure of record.
 */
import { adversarialCorpus } from '../bench/adversarial.ts';
import { parseInterview } from '../lib/parse/index.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const bytes = opt('--bytes', 1_000_000);
const runs = opt('--runs', 3);
const sequence = args.includes('--sequence');
if (sequence) args.splice(args.indexOf('--sequence'), 1);
const [format = 'auto', ...wanted] = args;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const parse = (text: string) => {
  try {
    parseInterview(text, { format: format as never, id: 'bench' });
  } catch {
    // rejected: costs what it cost
  }
};
const rows: Array<[string, number]> = [];
if (sequence) parse('聞き手：a\n山田：b');
for (const shape of adversarialCorpus(bytes)) {
  if (!sequence && wanted.length > 0 && !wanted.some((w) => shape.name.includes(w))) continue;
  const text = shape.build();
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < (sequence ? 1 : runs); r++) {
    const t0 = cpuMs();
    parse(text);
    best = Math.min(best, (cpuMs() - t0) / mb);
  }
  if (!sequence || wanted.length === 0 || wanted.some((w) => shape.name.includes(w)))
    rows.push([shape.name, best]);
}
if (!sequence) rows.sort((a, b) => b[1] - a[1]);
for (const [name, ms] of rows) process.stdout.write(`${String(Math.round(ms)).padStart(6)}  ${name}\n`);
