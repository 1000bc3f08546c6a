/**
 * Bootstrap of a parse worker thread (local/parse-pool.ts): worker threads do not inherit the
 * TypeScript loader, so this plain module registers tsx and then loads the TypeScript worker.
 */
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
