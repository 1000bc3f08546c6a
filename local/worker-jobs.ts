/**
 * What a pool worker does with a job (local/parse-pool.ts): parse a transcript, or tag an
 * interview with the tagger the job names. Errors travel back as plain data and are rebuilt as
 * the same typed errors by the pool. Shared by the worker thread and the pool's test worker.
 */
import { KikigakiError, ParseError, ValidationError } from '../lib/errors.ts';
import { type ParseOptions, parseSource } from '../lib/parse/index.ts';
import {
  inflectedReadings,
  type PackedTokens,
  type PrebuiltSegment,
  packTokens,
  QuoteIndex,
  quoteChars,
  termsOfTokens,
  tokenizeInterview,
} from '../lib/search/index.ts';
import { termsOf } from '../lib/tagging/classifier.ts';
import { recordOf } from '../lib/tagging/record.ts';
import { TopicTagger } from '../lib/tagging/tagger.ts';
import { loadReadings, type ReadingAnalyzer } from '../lib/text/readings.ts';
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

// The reading dictionary, loaded on the first large interview that needs it (seconds, and
// ~100 MB: never before), by directory.
let dictionary: { path: string; readings: Promise<ReadingAnalyzer> } | null = null;

function readingsAt(path: string): Promise<ReadingAnalyzer> {
  if (dictionary?.path !== path) dictionary = { path, readings: loadReadings(path) };
  return dictionary.readings;
}

/**
 * The buffers of a built part's arrays that can move to the main thread instead of being copied:
 * those each array spans whole (never a slice of a shared pool), each once.
 */
function transferables(pre: PrebuiltSegment): ArrayBuffer[] {
  const { packed, kana, docs, slots, tags } = pre.segment;
  const arrays = [
    packed.flags,
    packed.offsets,
    packed.bytes,
    kana.offsets,
    kana.ids,
    docs.slotOf,
    docs.ordinal,
    docs.role,
    docs.questionOf,
    docs.span,
    ...docs.lens,
    docs.speaker,
    slots.start,
    slots.titleLen,
    tags.start,
    tags.ids,
  ];
  const out = new Set<ArrayBuffer>();
  for (const a of arrays)
    if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
      out.add(a.buffer);
  return [...out];
}

/** The buffers of packed tokens' arrays (each made whole by packTokens: they move). */
function tokenBuffers(p: PackedTokens): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of [p.ids, p.kinds, p.fields, p.turns, p.surfaceAt])
    if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
      out.add(a.buffer);
  return [...out];
}

/**
 * Answers one job; `post` sends replies (progress of a tag job, then the result), with the
 * buffers that move rather than copy.
 */
export async function answer(
  m: WorkerRequest,
  post: (reply: WorkerReply, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (m.kind === 'prepare') {
      // The tagger first: the pool counts it as built here once the job is sent, whether or not
      // the transcript parses (a later job brings no spec).
      const tagger = taggerFor(m.tagger);
      // The pool's parse bound counts from here: building the tagger is not parsing.
      post({ id: m.id, started: true });
      const interview = await parseSource(m.text, m.options as ParseOptions);
      post({ id: m.id, parsed: true });
      let tokens = m.analyze ? tokenizeInterview(interview, m.analyze) : null;
      // The tagger reads the turns' terms from the index's tokens: each turn analysed once.
      const { autoTags, people } = recordOf(
        tagger,
        interview,
        (done, total) => post({ id: m.id, progress: { done, total } }),
        tokens ? termsOfTokens(interview, tokens, termsOf) : undefined,
      );
      let prebuilt: PrebuiltSegment | null = null;
      if (m.analyze && tokens && m.prebuild && quoteChars(interview) >= m.prebuild.minChars) {
        const readings = m.prebuild.readings ? await readingsAt(m.prebuild.readings) : undefined;
        prebuilt = QuoteIndex.prebuild(interview, {
          mode: m.analyze,
          tokens,
          ...(readings ? { readings } : {}),
        });
        // The part holds them counted: the main thread would only pay to receive them.
        tokens = null;
        transfer = transferables(prebuilt);
      }
      // A small interview is counted on the API thread; its verb readings (kuromoji, the
      // costliest part of counting it) are read here, with the dictionary the index names.
      if (tokens && m.prebuild?.readings) {
        const inflected = inflectedReadings(interview, await readingsAt(m.prebuild.readings));
        if (inflected) tokens.inflected = inflected;
      }
      // Packed: each distinct term once, the tokens as numbers in arrays that move, not copy.
      const packed = tokens ? packTokens(tokens) : null;
      if (packed) transfer.push(...tokenBuffers(packed));
      reply = { id: m.id, prepared: { interview, tags: { autoTags, people }, tokens: packed, prebuilt } };
    } else if (m.kind === 'tag') {
      const { autoTags, people } = recordOf(taggerFor(m.tagger), m.interview, (done, total) =>
        post({ id: m.id, progress: { done, total } }),
      );
      reply = { id: m.id, tags: { autoTags, people } };
    } else {
      post({ id: m.id, started: true });
      // Text parses synchronously; a .docx is read (unzipped, its XML parsed) first.
      reply = { id: m.id, interview: await parseSource(m.text, m.options as ParseOptions) };
    }
  } catch (e) {
    reply = errorReply(m.id, e);
    transfer = [];
  }
  post(reply, transfer);
}
