/**
 * Heavy bodies do not stall the server (issue 11 §1, the server's side): transcripts are parsed
 * on worker threads, a parse past its bound is stopped and answered 422 `parse_timeout`, and the
 * other requests are answered meanwhile. The pool's mechanics run against a deliberately slow
 * worker (tests/helpers/slow-parse-worker.mjs), since the real parsers are meant to be fast; the
 * real worker is exercised by every other API test (runtimes parse in workers by default).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { packTokens, tokenizeInterview, unpackTokens } from '../../lib/search/index.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import { TopicTagger } from '../../lib/tagging/tagger.ts';
import { createParsePool, type PoolEvent } from '../../local/parse-pool.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { AUTH, embedded, runtime } from '../helpers/dynamo.ts';

const slowWorker = new URL('../helpers/slow-parse-worker.mjs', import.meta.url);
const TEXT = { ...AUTH, 'content-type': 'text/plain' };

let db: Awaited<ReturnType<typeof embedded>>;
let rt: LocalRuntime;
/** Gate files of `HOLD <path>` transcripts. */
let gates: string;

/** Resolves at the first `start` event of a job of this kind (it was sent to the worker). */
function started(events: PoolEvent[], kind: PoolEvent['kind']): Promise<void> {
  return new Promise((resolve) => {
    const look = () =>
      events.some((e) => e.type === 'start' && e.kind === kind) ? resolve() : setTimeout(look, 5);
    look();
  });
}

beforeAll(async () => {
  db = await embedded();
  rt = await runtime(db.client, { parsePool: { timeoutMs: 1500, size: 1, workerUrl: slowWorker } });
  gates = mkdtempSync(join(tmpdir(), 'kk-parse-gates-'));
});
afterAll(async () => {
  await rt.close();
  await db.close();
  rmSync(gates, { recursive: true, force: true });
});

describe('parsing off the event loop', () => {
  it('answers /health and /search while a heavy body is being parsed', async () => {
    // The worker holds the heavy body until this test has its other answers (a gate, not a
    // guess of how long they take: at load 13 they took longer than a fixed 1 s parse), under
    // a bound no slow machine reaches; the bound itself is the next test's.
    const events: PoolEvent[] = [];
    const own = await runtime(db.client, {
      parsePool: { timeoutMs: 120_000, size: 1, workerUrl: slowWorker, observer: (e) => events.push(e) },
    });
    try {
      const gate = join(gates, 'heavy');
      const order: string[] = [];
      const heavy = Promise.resolve(
        own.app.request('/interviews?id=heavy', {
          method: 'POST',
          headers: TEXT,
          body: `HOLD ${gate}\n山田：はい`,
        }),
      ).then((r) => {
        order.push(`ingest ${r.status}`);
      });
      await started(events, 'prepare');
      const health = await own.app.request('/health');
      order.push(`health ${health.status}`);
      const search = await own.app.request('/search?q=%E5%B1%B1%E7%94%B0');
      order.push(`search ${search.status}`);
      writeFileSync(gate, '');
      await heavy;
      expect(order).toEqual(['health 200', 'search 200', 'ingest 201']);
    } finally {
      await own.close();
    }
  });

  it('stops a parse that runs past its bound: 422 parse_timeout, nothing stored, the next parse works', async () => {
    const res = await rt.app.request('/interviews?id=bomb', {
      method: 'POST',
      headers: TEXT,
      body: 'SLOW 60000\n山田：はい',
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('parse_timeout');
    expect(body.error.message).toContain('took longer than 1500 ms');
    expect((await rt.app.request('/interviews/bomb')).status).toBe(404);
    const next = await rt.app.request('/interviews?id=after-bomb', {
      method: 'POST',
      headers: TEXT,
      body: 'quick\n山田：はい',
    });
    expect(next.status).toBe(201);
  });

  it('rebuilds typed errors from the worker', async () => {
    const res = await rt.app.request('/interviews?id=bad', { method: 'POST', headers: TEXT, body: 'BAD' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: 'parse_error',
      details: { line: 2, reason: 'no turns' },
    });
  });
});

describe('the parse pool', () => {
  it('queues parses past its size and answers them in turn', async () => {
    const pool = createParsePool({ size: 1, workerUrl: slowWorker });
    try {
      const done: string[] = [];
      await Promise.all(
        ['a', 'b', 'c'].map((id) => pool.parse(`SLOW 50\n${id}`, { id }).then((iv) => done.push(iv.id))),
      );
      expect(done).toEqual(['a', 'b', 'c']);
    } finally {
      await pool.close();
    }
  });

  it('answers 503 when too many parses wait', async () => {
    const pool = createParsePool({ size: 1, maxQueue: 1, workerUrl: slowWorker });
    try {
      const first = pool.parse('SLOW 300\nx', { id: 'x1' });
      await new Promise((r) => setTimeout(r, 50));
      const second = pool.parse('x', { id: 'x2' });
      await expect(pool.parse('x', { id: 'x3' })).rejects.toMatchObject({ code: 'unavailable' });
      await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker that dies during a parse', async () => {
    const pool = createParsePool({ size: 1, workerUrl: slowWorker });
    try {
      await expect(pool.parse('CRASH', { id: 'c' })).rejects.toThrow(/exited/);
      await expect(pool.parse('fine', { id: 'f' })).resolves.toMatchObject({ id: 'f' });
    } finally {
      await pool.close();
    }
  });

  it('hands a worker its next job before it answers the one it works on, and times each parse from its own start', async () => {
    const events: PoolEvent[] = [];
    // a and b each take 1.6 s against a bound of 2.4 s: b waits 1.6 s in the worker's port, which
    // must not count (it would pass the bound at 2.4 s if its timer ran from sending). Margins
    // of 0.8 s either way, which a thread's scheduling on a loaded machine does not eat (they
    // were 0.2 s, with a 300 ms parse against 500).
    const pool = createParsePool({
      size: 1,
      timeoutMs: 2400,
      workerUrl: slowWorker,
      observer: (e) => events.push(e),
    });
    try {
      const done = await Promise.all(
        ['SLOW 1600\na', 'SLOW 1600\nb', 'c'].map((text, i) =>
          pool.parse(text, { id: 'abc'[i] }).then((iv) => iv.id),
        ),
      );
      expect(done).toEqual(['a', 'b', 'c']);
      // The pool numbers its jobs a, b, c in turn: a is sent, and b with it; c as soon as a is
      // answered, before b is.
      const a = events.find((e) => e.type === 'start')?.id ?? 0;
      const order = events
        .filter((e) => e.type === 'start' || e.type === 'done')
        .map((e) => `${e.type} ${String.fromCharCode(97 + e.id - a)}`);
      expect(order).toEqual(['start a', 'start b', 'done a', 'start c', 'done b', 'done c']);
    } finally {
      await pool.close();
    }
  });

  it('gives the jobs a stopped or crashed worker held, but had not started, to the next worker', async () => {
    // A bound well above what a quick parse takes on a loaded machine: the ones after must not meet it.
    const pool = createParsePool({ size: 1, timeoutMs: 1000, workerUrl: slowWorker });
    try {
      const bomb = pool.parse('SLOW 60000\nx', { id: 'bomb' });
      const after = pool.parse('fine', { id: 'after-bomb' });
      await expect(bomb).rejects.toMatchObject({ code: 'parse_timeout' });
      await expect(after).resolves.toMatchObject({ id: 'after-bomb' });
      const crash = pool.parse('CRASH', { id: 'c' });
      const next = pool.parse('fine', { id: 'after-crash' });
      await expect(crash).rejects.toThrow(/exited/);
      await expect(next).resolves.toMatchObject({ id: 'after-crash' });
    } finally {
      await pool.close();
    }
  });

  it('stops a parse only after reading the answers that came while the event loop was blocked', async () => {
    // The timers run before the event loop reads the workers' messages: a parse that answered in
    // time, while this thread was busy past the bound, was stopped and answered parse_timeout.
    const pool = createParsePool({ size: 1, timeoutMs: 100, workerUrl: slowWorker });
    try {
      await pool.parse('start the worker', { id: 'w' });
      const parsed = pool.parse('fine', { id: 'late-read' });
      // The job is sent (and its timer armed) in a callback of the worker's start; then this
      // thread is blocked 1.5 s, past the bound, while the worker answers at once.
      await new Promise((r) => setImmediate(r));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
      await expect(parsed).resolves.toMatchObject({ id: 'late-read' });
      // A parse that is still running at the bound is stopped as before.
      await expect(pool.parse('SLOW 60000\nx', { id: 'bomb' })).rejects.toMatchObject({
        code: 'parse_timeout',
      });
    } finally {
      await pool.close();
    }
  });

  it('times a parse from when the worker begins it: building the tagger a job carries does not count', async () => {
    // A fresh worker's first job builds the tagger from the spec it carries before parsing; at
    // load ~18 that passed 1.5 s, and the quick transcript sent after a stopped one was stopped
    // too (the worker says when its parse begins; BUILD stands for the building here).
    const pool = createParsePool({ size: 1, timeoutMs: 200, workerUrl: slowWorker });
    try {
      await expect(pool.parse('BUILD 1000\nx', { id: 'built' })).resolves.toMatchObject({ id: 'built' });
      await expect(pool.parse('SLOW 60000\nx', { id: 'bomb' })).rejects.toMatchObject({
        code: 'parse_timeout',
      });
    } finally {
      await pool.close();
    }
  });

  it('parses real transcripts with the real worker, with the same errors as in-thread', async () => {
    // Not a test of the bound: a cold worker on a loaded machine must not meet it.
    const pool = createParsePool({ size: 1, timeoutMs: 120_000 });
    try {
      const iv = await pool.parse('聞き手：副業は？\n山田：ランサーズです。', { id: 'real' });
      expect(iv.turns.map((t) => t.speaker)).toEqual(['聞き手', '山田']);
      const error = await pool.parse('   ', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParseError);
    } finally {
      await pool.close();
    }
  });

  it('prepares (parse, tag, index tokens) in one job, and a transcript that fails to parse leaves the tagger built', async () => {
    const pool = createParsePool({ size: 1, timeoutMs: 120_000 });
    const tagger = new TopicTagger();
    try {
      // The first job with this tagger carries its spec and fails to parse; the next carries none.
      const error = await pool.prepare('   ', {}, tagger, 'hybrid').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParseError);
      const text = '聞き手：副業の時間配分は？\n山田：クラウドソーシングで週末だけ働いています。';
      const prepared = await pool.prepare(text, { id: 'prep' }, tagger, 'hybrid');
      const here = parseInterview(text, { id: 'prep' });
      expect(prepared.record.interview).toEqual(here);
      const { autoTags, people } = recordOf(tagger, here);
      expect(prepared.record.autoTags).toEqual(autoTags);
      expect(prepared.record.people).toEqual(people);
      // Packed for the trip (each distinct term once), as the worker packs them, and unpacking
      // to the interview's tokens.
      const tokens = prepared.tokens;
      expect(tokens).toEqual(packTokens(tokenizeInterview(here, 'hybrid')));
      expect(tokens && unpackTokens(tokens)).toEqual(tokenizeInterview(here, 'hybrid'));
      expect((await pool.prepare(text, { id: 'prep' }, tagger, null)).tokens).toBeNull();
    } finally {
      await pool.close();
    }
  });

  it('warms every worker with one prepare job before any transcript comes, and works as before after', async () => {
    const events: PoolEvent[] = [];
    const pool = createParsePool({ size: 2, timeoutMs: 120_000, observer: (e) => events.push(e) });
    const tagger = new TopicTagger();
    try {
      await pool.warm(tagger, 'hybrid');
      const done = events.filter((e) => e.type === 'done');
      expect(done).toEqual([
        expect.objectContaining({ kind: 'prepare', ok: true }),
        expect.objectContaining({ kind: 'prepare', ok: true }),
      ]);
      // Two workers, each started once: the two jobs were not queued on one of them.
      expect(new Set(events.filter((e) => e.type === 'start').map((e) => e.id)).size).toBe(2);
      const text = '聞き手：副業の時間配分は？\n山田：クラウドソーシングで週末だけ働いています。';
      const prepared = await pool.prepare(text, { id: 'after-warm' }, tagger, 'hybrid');
      const here = parseInterview(text, { id: 'after-warm' });
      expect(prepared.record.interview).toEqual(here);
      expect(prepared.record.autoTags).toEqual(recordOf(tagger, here).autoTags);
    } finally {
      await pool.close();
    }
  });

  it('a warm-up is not stopped at the parse bound: a loaded machine still gets a warm worker', async () => {
    // At load ~20 the warm-up (a cold worker loading its dictionary) passed 5 s and was stopped;
    // its replacement was cold, and `npm start` exited when a sample then timed out. Here the
    // warm-up's parse holds its worker 400 ms (the slow worker's stand-in for that load) against
    // a bound of 50: it must finish anyway, and the bound still holds for a parse after it.
    // (With a real worker and a 1 ms bound the parse after it was a 42,000-character turn that
    // the parser now refuses in under a millisecond: a parse_error, not the timeout.)
    const events: PoolEvent[] = [];
    const pool = createParsePool({
      size: 1,
      timeoutMs: 50,
      workerUrl: slowWorker,
      observer: (e) => events.push(e),
    });
    try {
      await pool.warm(new TopicTagger(), 'hybrid');
      expect(events.filter((e) => e.type === 'done')).toEqual([
        expect.objectContaining({ kind: 'prepare', ok: true }),
      ]);
      await expect(pool.parse('SLOW 60000\nx', { id: 'bounded' })).rejects.toMatchObject({
        code: 'parse_timeout',
      });
    } finally {
      await pool.close();
    }
  });

  it('a real worker warms up under a bound of 1 ms', async () => {
    const events: PoolEvent[] = [];
    const pool = createParsePool({ size: 1, timeoutMs: 1, observer: (e) => events.push(e) });
    try {
      await pool.warm(new TopicTagger(), 'hybrid');
      expect(events.filter((e) => e.type === 'done')).toEqual([
        expect.objectContaining({ kind: 'prepare', ok: true }),
      ]);
    } finally {
      await pool.close();
    }
  });

  it('a warm-up cut short by closing the pool resolves (nothing left running)', async () => {
    const pool = createParsePool({ size: 1 });
    const warming = pool.warm(new TopicTagger(), 'hybrid');
    await pool.close();
    await expect(warming).resolves.toBeUndefined();
  });
});
