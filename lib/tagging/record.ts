/**
 * The pure tagging step of an ingest: an interview and the tagger in, the record the store keeps
 * out (automatic topics of every quote with their scores and explanations, and per interviewee).
 */
import type { Interview } from '../model.ts';
import type { InterviewRecord } from '../store/port.ts';
import type { TopicTagger } from './tagger.ts';

/** Tags an interview and builds what the store keeps. */
export function recordOf(tagger: TopicTagger, interview: Interview): InterviewRecord {
  const tags = tagger.tagInterview(interview);
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
        (r.autoTags[t.id] ?? []).map((m) => [m.topic, m.score, m.terms, m.question, m.model]),
      ),
    );
  return key(before) !== key(after);
}
