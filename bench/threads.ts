/**
 * CPU time of this process by thread, from `/proc/self/task/<tid>/stat` (Linux; elsewhere empty).
 * The embedded store's thread names itself `kk-store` and parse workers `kk-parse`
 * (Node 20 names every thread "node"); the main thread is the one whose id is the pid; the
 * rest are V8's platform threads (GC helpers, compilers), libuv's pool (zlib, fs, LevelDB's
 * async work) and LevelDB's compaction thread.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { analyzeNormalized } from '../lib/text/analyze.ts';
import { normalizeForMatch } from '../lib/text/normalize.ts';

/** CPU ms by thread group: `main`, `kk-store`, `kk-parse`, `other`. */
export type ThreadCpu = Record<string, number>;

/** Per-tid CPU ms and group, now. Threads that ended meanwhile are lost (none do in the benches). */
function sample(): Map<string, { group: string; ms: number }> {
  const out = new Map<string, { group: string; ms: number }>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const tick = 10; // USER_HZ = 100 on Linux: stat counts in 10 ms ticks.
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(rest[11]) + Number(rest[12])) * tick;
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const group = tid === String(process.pid) ? 'main' : comm.startsWith('kk-') ? comm : 'other';
      out.set(tid, { group, ms });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** Starts a measurement; the returned function gives CPU ms per group since then. */
export function threadCpu(): () => ThreadCpu {
  const before = sample();
  return () => {
    const out: ThreadCpu = {};
    for (const [tid, now] of sample()) {
      const ms = now.ms - (before.get(tid)?.ms ?? 0);
      out[now.group] = (out[now.group] ?? 0) + ms;
    }
    return out;
  };
}

/** `main 0.36, kk-store 0.21, …` in ms per unit (e.g. per quote). */
export function perUnit(cpu: ThreadCpu, units: number): string {
  const order = ['main', 'kk-parse', 'kk-store', 'other'];
  const groups = Object.keys(cpu).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  return [
    ...groups.map((g) => `${g} ${((cpu[g] ?? 0) / units).toFixed(2)}`),
    `total ${(total / units).toFixed(2)}`,
  ].join(', ');
}

/**
 * The machine's speed at this moment: CPU ms of a fixed piece of single-threaded work (the
 * analyzer over `texts`, the median of 5 rounds after one). The same code costs more CPU per unit
 * when the shared machine is slower (its caches and memory shared with other work, in this VM or
 * on the host; steal time does not show it): on 2026-12-07 this work cost 158–164 ms in the window
 * of a 20k ingest at 0.80 ms CPU per quote and 183–189 ms around ones at 0.90–0.91 (same code). A
 * bench prints it beside a CPU figure so that a dear run can be told from a dear change.
 */
export function fixedWorkMs(texts: readonly string[]): number {
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const c = process.cpuUsage();
    for (const t of texts) analyzeNormalized(normalizeForMatch(t));
    const d = process.cpuUsage(c);
    if (r > 0) rounds.push((d.user + d.system) / 1000);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)] as number;
}
