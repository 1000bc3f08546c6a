/**
 * A parse worker thread: parses transcripts (and canonical JSON) off the API's event loop, so a
 * heavy or hostile body delays only itself. Errors travel back as plain data and are rebuilt as
 * the same typed errors by the pool.
 */
import { parentPort } from 'node:worker_threads';
import { KikigakiError, ParseError, ValidationError } from '../lib/errors.ts';
import { type ParseOptions, parseSource } from '../lib/parse/index.ts';
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

parentPort?.on('message', async (m: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    // Text parses synchronously; a .docx is read (unzipped, its XML parsed) first.
    reply = { id: m.id, interview: await parseSource(m.text, m.options as ParseOptions) };
  } catch (e) {
    reply = errorReply(m.id, e);
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ ready: true });
