/**
 * The one rule that links a turn to the question it answers. The parser (lib/parse/draft.ts)
 * links a fresh parse with it and lib/people/edits.ts links an interview again with it after an
 * editor changes a role, so an edit and a re-ingest can never disagree about a turn's question.
 *
 * A turn that is not the interviewer's answers the interviewer's last turn before it, and nothing
 * else: in a round table or a talk session a speaker replying to a co-speaker's remark, or to a
 * co-speaker's question (`O：どんなゲームをするんですか?`), is still under the interviewer's last
 * question, because `questionId` names the interviewer turn a quote answers (the model says so,
 * search weighs the answer by it, exports cite it) and another interviewee's words are quotes of
 * their own, never the question. Only a turn in the interviewer's role (`——…`, `聞き手：`, the MC,
 * a talk session's unnamed `——…？`) is a question, so the writer's narration never is one. Before
 * the interviewer's first turn, and in a talk with no interviewer at all (two critics talking), a
 * turn answers nothing (null).
 */
import type { Role } from '../model.ts';

/** What the rule reads of a turn: its id and its role. */
export interface LinkedTurn {
  readonly id: string;
  readonly role: Role;
}

/** The question each turn answers, in turn order: an interviewer turn's id, or null. */
export function questionLinks(turns: readonly LinkedTurn[]): Array<string | null> {
  let last: string | null = null;
  return turns.map((t) => {
    if (t.role === 'interviewer') {
      last = t.id;
      return null;
    }
    return last;
  });
}
