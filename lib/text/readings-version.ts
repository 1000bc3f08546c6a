/**
 * The version of the kana readings an index holds (lib/text/readings.ts), apart from the reader
 * itself: the search index records it in every snapshot, and importing it must not pull kuromoji
 * into bundles that never read (the API functions).
 */

/** Bump when what is read changes: indexes built with other readings are rebuilt. */
export const READINGS_VERSION = 1;
