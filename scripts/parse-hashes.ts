/**
 * `npx tsx scripts/parse-hashes.ts [--out FILE] [--compare FILE] [--adversarial-bytes N]`: a
 * fingerprint of what the parsers do, to show that a speed change changed nothing else.
 *
 * Every file of ../shared/corpora (livedoor interviews and news, ASDC dialogs), of samples/ and of
 * ../shared/seed, and a small copy of every bench:hostile shape (bench/adversarial.ts), is parsed
 * under every format (auto and each forced layout); each result — the interview and the lines
 * classified as furniture, or the error's class, message, line and format — is hashed (SHA-256 of
 * its JSON). `--out` writes one `source<TAB>format<TAB>hash` line per pair; `--compare` reads such
 * a file and lists every pair whose hash differs (exit 1 when any does). Not a test and not timed:
 * it reads the shared corpora, which the repository does not hold.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { adversarialCorpus } from '../bench/adversarial.ts';
import { root, shared } from '../bench/corpus.ts';
import { FormatSchema } from '../lib/model.ts';
import { parseWithReport } from '../lib/parse/index.ts';

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = arg('--out');
const compare = arg('--compare');
const adversarialBytes = Number(arg('--adversarial-bytes') ?? 64_000);

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The sources: name and text. */
function* sources(): Generator<[string, string]> {
  for (const dir of [join(shared, 'corpora'), join(shared, 'seed'), join(root, 'samples')]) {
    if (!existsSync(dir)) throw new Error(`${dir} not found`);
    for (const f of files(dir)) yield [relative(join(root, '..'), f), readFileSync(f, 'utf8')];
  }
  for (const a of adversarialCorpus(adversarialBytes)) yield [`adversarial/${a.name}`, a.build()];
}

function outcome(text: string, format: string): unknown {
  try {
    return parseWithReport(text, { format: format as never });
  } catch (e) {
    const err = e as Error & { line?: unknown; format?: unknown; code?: unknown };
    return { error: err.name, message: err.message, line: err.line, format: err.format, code: err.code };
  }
}

const hashes = new Map<string, string>();
let n = 0;
const t0 = process.cpuUsage();
for (const [name, text] of sources()) {
  for (const format of FormatSchema.options) {
    const h = createHash('sha256')
      .update(JSON.stringify(outcome(text, format)))
      .digest('hex');
    hashes.set(`${name}\t${format}`, h);
    n++;
  }
}
const cpu = process.cpuUsage(t0);
process.stderr.write(`${n} source×format hashes (${Math.round((cpu.user + cpu.system) / 1000)} CPU ms)\n`);

if (out) {
  writeFileSync(out, `${[...hashes].map(([k, h]) => `${k}\t${h}`).join('\n')}\n`);
  process.stderr.write(`written to ${out}\n`);
}
if (compare) {
  const want = new Map<string, string>();
  for (const line of readFileSync(compare, 'utf8').split('\n')) {
    if (!line) continue;
    const cut = line.lastIndexOf('\t');
    want.set(line.slice(0, cut), line.slice(cut + 1));
  }
  const diffs: string[] = [];
  for (const [k, h] of want)
    if (hashes.get(k) !== h) diffs.push(hashes.has(k) ? `changed ${k}` : `missing ${k}`);
  for (const k of hashes.keys()) if (!want.has(k)) diffs.push(`new ${k}`);
  for (const d of diffs.slice(0, 50)) process.stdout.write(`${d}\n`);
  process.stdout.write(
    `${want.size} expected, ${hashes.size} computed, ${diffs.length} differ${diffs.length > 50 ? ' (first 50 listed)' : ''}\n`,
  );
  if (diffs.length > 0) process.exitCode = 1;
}
