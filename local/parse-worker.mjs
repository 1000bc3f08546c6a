/**
 * Bootstrap of a parse worker thread (local/parse-pool.ts): worker threads do not inherit the
 * TypeScript loader, so this plain module registers tsx and then loads the TypeScript worker.
 */
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// Named so `top -H` and the benchmarks' per-thread CPU (bench/threads.ts) can tell it apart
// (Node 20 names every thread "node"); Linux only, nothing happens elsewhere.
try {
  writeFileSync('/proc/thread-self/comm', 'kk-parse');
} catch {}
register();
await import('./parse-worker.ts');
