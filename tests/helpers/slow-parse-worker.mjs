/**
 * A parse worker for tests of the pool (local/parse-pool.ts): answers like the real one, but a
 * transcript starting with `SLOW <ms>` keeps its thread busy that long first (as a parser that
 * backtracks would), and `CRASH` kills the thread. Tag jobs, and the tagging of prepare jobs, go to
 * the real worker's code.
 */
import { parentPort } from 'node:worker_threads';

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
  const slow = /^SLOW (\d+)/.exec(m.text);
  if (slow) {
    const end = Date.now() + Number(slow[1]);
    while (Date.now() < end) {
      // busy, like a regular expression backtracking
    }
  }
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
