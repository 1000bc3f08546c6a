/**
 * `npm run bench:parse [-- --format dash] [-- --only NAME]`: milliseconds per megabyte of every
 * parser (forced, and auto-detection) on the adversarial inputs of tests/helpers/adversarial.ts.
 * Each format runs in a child process that is killed when one input takes longer than the
 * time limit, so a super-linear case is reported as a timeout instead of hanging the run.
 * Prints the worst input per format and a Markdown table; measures, never fails on timing.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FormatSchema } from '../lib/model.ts';
import { type Adversarial, adversarialInputs } from '../tests/helpers/adversarial.ts';

/** Every input format, auto-detection included. */
const FORMATS = FormatSchema.options;
const LIMIT_MS = 10_000;

interface Result {
  input: number;
  name: string;
  ms: number;
  /** CPU time of the parsing process (user + system): what the parser costs on a busy machine. */
  cpuMs: number;
  mb: number;
  outcome: string;
}

async function worker(): Promise<void> {
  const { parseInterview } = await import('../lib/parse/index.ts');
  const { KikigakiError } = await import('../lib/errors.ts');
  const [format = 'auto', fromArg = '0', onlyArg = ''] = process.argv.slice(3);
  const from = Number(fromArg);
  const only = onlyArg || null;
  const post = (m: unknown) => process.send?.(m);
  const inputs = adversarialInputs();
  for (let k = from; k < inputs.length; k++) {
    const input = inputs[k] as Adversarial;
    const text = input.build();
    if (only && !input.name.includes(only)) continue;
    post({ start: k });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let outcome: string;
    try {
      const iv = parseInterview(text, { format: format as never });
      outcome = `ok ${iv.format} ${iv.turns.length} turns`;
    } catch (e) {
      outcome = e instanceof KikigakiError ? e.code : `UNTYPED ${(e as Error).name}: ${(e as Error).message}`;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    post({
      input: k,
      name: input.name,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      mb: Buffer.byteLength(text, 'utf8') / 1e6,
      outcome,
    } satisfies Result);
  }
  post({ done: true });
}

function runFormat(format: string, only: string | null): Promise<Result[]> {
  const results: Result[] = [];
  const count = adversarialInputs().length;
  return new Promise((resolve) => {
    const start = (from: number) => {
      if (from >= count) return resolve(results);
      const w: ChildProcess = fork(
        fileURLToPath(import.meta.url),
        ['--child', format, String(from), only ?? ''],
        {
          execArgv: ['--import', 'tsx'],
        },
      );
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      w.on('message', (msg) => {
        const m = msg as Result | { start: number } | { done: true };
        if ('start' in m) {
          current = m.start;
          clearTimeout(timer);
          timer = setTimeout(() => {
            results.push({
              input: current,
              name: `#${current}`,
              ms: LIMIT_MS,
              cpuMs: LIMIT_MS,
              mb: 1,
              outcome: 'TIMEOUT',
            });
            w.kill('SIGKILL');
            start(current + 1);
          }, LIMIT_MS);
        } else if ('done' in m) {
          clearTimeout(timer);
          w.kill();
          resolve(results);
        } else {
          results.push(m);
        }
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        results.push({
          input: current,
          name: `#${current}`,
          ms: 0,
          cpuMs: 0,
          mb: 1,
          outcome: `CRASH ${e.message}`,
        });
        start(current + 1);
      });
    };
    start(0);
  });
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? (process.argv[i + 1] ?? null) : null;
  };
  const formats = arg('--format') ? [arg('--format') as string] : [...FORMATS];
  const only = arg('--only');
  const names = adversarialInputs().map((a) => a.name);
  console.log(`${names.length} adversarial inputs of about 1 MB; limit ${LIMIT_MS} ms each\n`);
  const rows: string[] = [
    '| format | inputs | worst ms/MB | worst input | worst cpu ms/MB | median ms/MB | total s | bad |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const format of formats) {
    const results = await runFormat(format, only);
    const perMb = results
      .map((r) => ({ ...r, rate: r.ms / r.mb, cpuRate: r.cpuMs / r.mb }))
      .sort((a, b) => b.rate - a.rate);
    const bad = perMb.filter((r) => /TIMEOUT|CRASH|UNTYPED/.test(r.outcome));
    for (const r of perMb.slice(0, 5))
      console.log(
        `${format.padEnd(9)} ${r.rate.toFixed(0).padStart(6)} ms/MB (cpu ${r.cpuRate.toFixed(0).padStart(5)})  ${(names[r.input] ?? r.name).padEnd(50)} ${r.outcome}`,
      );
    for (const r of bad) console.log(`${format.padEnd(9)} BAD ${names[r.input] ?? r.name}: ${r.outcome}`);
    const worstCpu = Math.max(...perMb.map((r) => r.cpuRate));
    const median = perMb[Math.floor(perMb.length / 2)]?.rate ?? 0;
    const total = results.reduce((s, r) => s + r.ms, 0) / 1000;
    const worst = perMb[0];
    rows.push(
      `| ${format} | ${results.length} | ${worst?.rate.toFixed(0)} | ${names[worst?.input ?? 0] ?? ''} | ${worstCpu.toFixed(0)} | ${median.toFixed(0)} | ${total.toFixed(1)} | ${bad.length} |`,
    );
    console.log('');
  }
  console.log(rows.join('\n'));
}

if (process.argv[2] === '--child') await worker();
else await main();
