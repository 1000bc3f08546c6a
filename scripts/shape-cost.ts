/**
 * `npx tsx scripts/shape-cost.ts [--bytes N] [--runs N] FORMAT [SHAPE-SUBSTRING…]`: CPU ms per MB of
 * one layout on the bench:hostile shapes whose names contain one of the substrings (all without
 * one), best of a few runs each: the quick loop for working on one parser (run it with
 * `node --cpu-prof --import tsx` to see where the time goes). bench:hostile is the measure of record.
 */
import { parseInterview } from '../lib/parse/index.ts';
import { adversarialCorpus } from '../bench/adversarial.ts';

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
const [format = 'auto', ...wanted] = args;
const shapes = adversarialCorpus(bytes).filter((s) => wanted.length === 0 || wanted.some((w) => s.name.includes(w)));
const rows: Array<[string, number]> = [];
for (const shape of shapes) {
  const text = shape.build();
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const t0 = process.cpuUsage();
    try {
      parseInterview(text, { format: format as never, id: 'bench' });
    } catch {
      // rejected: costs what it cost
    }
    const u = process.cpuUsage(t0);
    best = Math.min(best, (u.user + u.system) / 1000 / mb);
  }
  rows.push([shape.name, best]);
}
rows.sort((a, b) => b[1] - a[1]);
for (const [name, ms] of rows) process.stdout.write(`${String(Math.round(ms)).padStart(6)}  ${name}\n`);
