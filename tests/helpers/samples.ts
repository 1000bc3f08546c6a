/** The project's own sample interviews, parsed and tagged once per test file. */
import { loadInterviews } from '../../cli/load.ts';
import type { Interview } from '../../lib/model.ts';
import { buildTaggedIndex } from '../../lib/search/build.ts';
import type { QuoteIndex } from '../../lib/search/index.ts';
import { samplesDir } from './shared.ts';

/** All sample interviews (ids from file names). */
export function sampleInterviews(): Interview[] {
  return loadInterviews([samplesDir]).map((l) => {
    if ('error' in l) throw new Error(`${l.path}: ${l.error}`);
    return l.interview;
  });
}

/** A hybrid index over the samples with topic tags and the variant dictionary. */
export function sampleIndex(interviews = sampleInterviews()): QuoteIndex {
  return buildTaggedIndex(interviews);
}
