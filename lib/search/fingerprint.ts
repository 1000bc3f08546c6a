/**
 * The digest of what a backend indexes of an interview. It lives apart from the engine because
 * it is part of the ports' contract, not of one engine: every backend stores it with the
 * interview (InterviewMeta.fingerprint), and the indexer's consistency compare (lib/indexer.ts)
 * computes it from the store's record to find interviews indexed with other content or tags.
 */
import { digest } from '../ids.ts';
import type { Interview } from '../model.ts';

/** Digest of an interview's indexed content: the consistency check compares it with the store's. */
export function indexFingerprint(
  interview: Pick<Interview, 'title' | 'turns'>,
  tagsByQuote: ReadonlyMap<string, readonly string[]>,
): string {
  const parts = interview.turns.map((t) => [
    t.id,
    t.text,
    [...(tagsByQuote.get(t.id) ?? [])].sort().join(','),
  ]);
  return digest(JSON.stringify([interview.title, parts]), 16);
}
