/**
 * A parse worker for tests of the pool (local/parse-pool.ts): answers like the real one, but a
 * transcript starting with `SLOW <ms>` holds its thread that long first (as a parser that
 * backtracks would), one starting with `HOLD <path>` holds it until that file exists (the test
 * says when, instead of guessing how long its other requests take on a loaded machine), the
 * pool's warm-up holds it 400 ms (as a cold worker loading its dictionary), `BUILD <ms>` holds it
 * before it says the parse begins (as building the tagger a job carries), and `CRASH` kills the
 * thread. Tag jobs, and the tagging of prepare jobs, go to the real worker's code.
 */
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

/**
 * Holds the thread (no message is read meanwhile) in 5 ms sleeps: no core is burnt on a shared
 * machine, and a terminate() lands between two sleeps.
 */
const cell = new Int32Array(new SharedArrayBuffer(4));
function hold(until) {
  while (!until()) Atomics.wait(cell, 0, 0, 5);
}

// Tag jobs are done by the real worker's code (the pool sends them to the same threads).
let real = null;
const realWorker = async () => {
  if (!real) {
    const { register } = await import('tsx/esm/api');
    register();
    real = await import('../../local/worker-jobs.ts');
  }
  return real;
};

// One job at a time, in order, as the real worker (local/parse-worker.ts): the pool sends the
// next job before this one is answered.
let last = Promise.resolve();
parentPort?.on('message', (m) => {
  last = last.then(() => job(m));
});

async function job(m) {
  if (m.kind === 'tag') return (await realWorker()).answer(m, (reply) => parentPort?.postMessage(reply));
  // `BUILD <ms>`: work before the parse begins, as building the tagger a fresh worker's first job carries.
  const build = /^BUILD (\d+)/.exec(m.text);
  if (build) {
    const built = Date.now() + Number(build[1]);
    hold(() => Date.now() >= built);
  }
  parentPort?.postMessage({ id: m.id, started: true });
  const slow = /^SLOW (\d+)/.exec(m.text);
  const gate = /^HOLD (\S+)/.exec(m.text);
  const ms = slow ? Number(slow[1]) : m.kind === 'prepare' && m.options.id === 'warm-up' ? 400 : 0;
  const end = Date.now() + ms;
  hold(() => Date.now() >= end);
  // A gate never opened is let go after a minute (the pool's bound stops it before, in tests that want that).
  if (gate) hold(() => existsSync(gate[1]) || Date.now() >= end + 60_000);
  if (m.text.startsWith('CRASH')) process.exit(3);
  if (m.text.startsWith('BAD'))
    return parentPort?.postMessage({
      id: m.id,
      error: { kind: 'parse', line: 2, reason: 'no turns', format: 'auto' },
    });
  const interview = {
    schemaVersion: 1,
    id: m.options.id ?? 'slow',
    title: 'slow',
    url: null,
    publishedAt: null,
    format: 'prefixed',
    series: null,
    related: [],
    interviewer: null,
    interviewees: [],
    others: [],
    sections: [],
    turns: [
      {
        id: `${m.options.id ?? 'slow'}-t001`,
        ordinal: 1,
        speaker: '山田',
        speakerId: null,
        role: 'interviewee',
        text: m.text.slice(0, 100),
        section: null,
        questionId: null,
        start: null,
        end: null,
      },
    ],
  };
  if (m.kind !== 'prepare') return parentPort?.postMessage({ id: m.id, interview });
  // A prepare job: this parse, then the real worker's tagging (no index tokens: the index makes them).
  parentPort?.postMessage({ id: m.id, parsed: true });
  (await realWorker()).answer({ id: m.id, kind: 'tag', interview, tagger: m.tagger }, (reply) =>
    parentPort?.postMessage(
      'tags' in reply
        ? { id: m.id, prepared: { interview, tags: reply.tags, tokens: null, prebuilt: null } }
        : reply,
    ),
  );
}
parentPort?.postMessage({ ready: true });
