/**
 * The pure tagging step of an ingest: an interview and the tagger in, the record the store keeps
 * out (automatic topics of every quote with their scores and explanations, and per interviewee).
 */
import type { Interview } from '../model.ts';
import type { InterviewRecord } from '../store/port.ts';
import type { TermsOf } from './classifier.ts';
import type { TagProgress, TopicTagger } from './tagger.ts';

/**
 * How the use cases run the tagging step: {@link recordOf} in this thread (Lambda, the CLI,
 * tests), or the local server's worker pool, which runs the same function off the event loop.
 */
export type TagStep = (
  tagger: TopicTagger,
  interview: Interview,
) => InterviewRecord | Promise<InterviewRecord>;

/** Tags an interview and builds what the store keeps (`terms`: the turns' terms, when known). */
export function recordOf(
  tagger: TopicTagger,
  interview: Interview,
  onProgress?: TagProgress,
  terms?: TermsOf,
): InterviewRecord {
  const tags = tagger.tagInterview(interview, onProgress, terms);
  return {
    interview,
    autoTags: Object.fromEntries(tags.quotes),
    people: Object.fromEntries(tags.interviewees),
  };
}

/** Whether two records' automatic topics differ (what a re-score must write back). */
export function autoTagsChanged(before: InterviewRecord, after: InterviewRecord): boolean {
  const key = (r: InterviewRecord) =>
    JSON.stringify(
      r.interview.turns.map((t) =>
        (r.autoTags[t.id] ?? []).map((m) => [m.topic, m.score, m.terms, m.question, m.model, m.neighbours]),
      ),
    );
  return key(before) !== key(after);
}
