/**
 * What a pool worker does with a job (local/parse-pool.ts): parse a transcript, or tag an
 * interview with the tagger the job names. Errors travel back as plain data and are rebuilt as
 * the same typed errors by the pool. Shared by the worker thread and the pool's test worker.
 */
import { KikigakiError, ParseError, ValidationError } from '../lib/errors.ts';
import { type ParseOptions, parseSource } from '../lib/parse/index.ts';
import { tokenizeInterview } from '../lib/search/index.ts';
import { recordOf } from '../lib/tagging/record.ts';
import { TopicTagger } from '../lib/tagging/tagger.ts';
import type { WorkerReply, WorkerRequest } from './parse-pool.ts';

function errorReply(id: number, e: unknown): WorkerReply {
  if (e instanceof ParseError)
    return {
      id,
      error: { kind: 'parse', line: e.line, reason: e.reason, format: e.details?.format as string },
    };
  if (e instanceof ValidationError) return { id, error: { kind: 'validation', message: e.message } };
  if (e instanceof KikigakiError)
    return { id, error: { kind: 'kikigaki', code: e.code, message: e.message, details: e.details } };
  return {
    id,
    error: { kind: 'other', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) },
  };
}

// The tagger this thread built last (the pool sends a spec only when the key changes).
let built: { key: number; tagger: TopicTagger } | null = null;

function taggerFor(ref: { key: number; spec?: ConstructorParameters<typeof TopicTagger>[0] }): TopicTagger {
  if (built?.key === ref.key) return built.tagger;
  if (!ref.spec) throw new Error(`tagger ${ref.key} was never sent to this worker`);
  built = { key: ref.key, tagger: new TopicTagger(ref.spec) };
  return built.tagger;
}

/** Answers one job; `post` sends replies (progress of a tag job, then the result). */
export async function answer(m: WorkerRequest, post: (reply: WorkerReply) => void): Promise<void> {
  let reply: WorkerReply;
  try {
    if (m.kind === 'prepare') {
      // The tagger first: the pool counts it as built here once the job is sent, whether or not
      // the transcript parses (a later job brings no spec).
      const tagger = taggerFor(m.tagger);
      const interview = await parseSource(m.text, m.options as ParseOptions);
      post({ id: m.id, parsed: true });
      const { autoTags, people } = recordOf(tagger, interview, (done, total) =>
        post({ id: m.id, progress: { done, total } }),
      );
      const tokens = m.analyze ? tokenizeInterview(interview, m.analyze) : null;
      reply = { id: m.id, prepared: { interview, tags: { autoTags, people }, tokens } };
    } else if (m.kind === 'tag') {
      const { autoTags, people } = recordOf(taggerFor(m.tagger), m.interview, (done, total) =>
        post({ id: m.id, progress: { done, total } }),
      );
      reply = { id: m.id, tags: { autoTags, people } };
    } else {
      // Text parses synchronously; a .docx is read (unzipped, its XML parsed) first.
      reply = { id: m.id, interview: await parseSource(m.text, m.options as ParseOptions) };
    }
  } catch (e) {
    reply = errorReply(m.id, e);
  }
  post(reply);
}
