/** The load test, short: a few seconds of mixed traffic against npm start's server, no timing asserts. */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.ts';

describe('load (short CI version of npm run load)', () => {
  it('serves mixed reads and writes without errors', async () => {
    // A number of requests, not a duration: on a loaded machine the first ingest's dictionary
    // load alone can take most of a few seconds (CI once answered 14 in 4 s).
    const r = await runLoad({ seconds: 4, connections: 4, amount: 120 });
    expect(r.requests).toBeGreaterThanOrEqual(120);
    expect(r.errors).toBe(0);
    expect(Object.keys(r.statuses).every((s) => ['200', '201', '409'].includes(s))).toBe(true);
  }, 90_000);
});
