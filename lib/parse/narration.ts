/**
 * The writer's paragraphs a parse left out of every turn: the lead, scenes, `「…」と語る` framing,
 * closing lines. A body line that is in no turn, is no furniture line and no caption is narration;
 * it is kept (in order, with the number of turns before it) instead of vanishing, and never
 * becomes a quote. Lines next to each other (no blank line between) make one paragraph.
 */
import { MAX_NARRATION, MAX_TURN_CHARS } from '../model.ts';
import type { DraftNarration, DraftTurn, Furniture, Lines } from './draft.ts';

/** A letter or a digit: a line without one (`———`, `…`) is a rule or an ornament, not narration. */
const WORDS = /[\p{L}\p{N}]/u;

/** A sentence or more of running text (not a row, a link or a title). */
function isProse(text: string): boolean {
  const t = text.trim();
  return t.length >= 30 && /[。！？!?」]$/.test(t);
}

/**
 * The narration of lines `from`… given the turns (in source order), the furniture lines and the
 * captions a parser found. One pass over the lines with a pointer into the turns: linear.
 */
export function narrationOf(
  lines: Lines,
  from: number,
  turns: readonly DraftTurn[],
  furniture: readonly Furniture[],
  captions: readonly string[],
): DraftNarration[] {
  // A box runs to the next question or name (dash-lines.ts isInfoBlockLine): the sentences in
  // it are still the writer's (a report that goes on under `■関連リンク`), kept; its rows and
  // links are furniture.
  const furnished = new Set(
    furniture.filter((f) => f.kind !== 'info' || !isProse(f.line.text)).map((f) => f.line.start),
  );
  const captioned = new Set(captions);
  const out: DraftNarration[] = [];
  let open: DraftNarration | null = null;
  const flush = () => {
    if (open) out.push(open);
    open = null;
  };
  let k = 0;
  for (let j = from; j < lines.length && out.length < MAX_NARRATION; j++) {
    if (lines.blank(j)) {
      flush();
      continue;
    }
    const start = lines.startOf(j);
    const end = lines.endOf(j);
    while (k < turns.length && (turns[k] as DraftTurn).end < start) k++;
    const turn = turns[k];
    const inTurn = turn !== undefined && turn.start <= start && end <= turn.end;
    const text = (lines.text(j) as string).trim();
    if (inTurn || furnished.has(start) || captioned.has(text) || !WORDS.test(text)) {
      flush();
      continue;
    }
    if (open !== null && open.text.length + 1 + text.length <= MAX_TURN_CHARS) {
      open.text += `\n${text}`;
      open.end = end;
      continue;
    }
    flush();
    // A line longer than a turn may be is kept whole, in pieces: narration is never a quote, and
    // cutting it loses nothing of the text.
    for (let at = 0; at < text.length && out.length < MAX_NARRATION; at += MAX_TURN_CHARS) {
      if (open) out.push(open);
      open = { text: text.slice(at, at + MAX_TURN_CHARS), start, end, after: k };
    }
  }
  flush();
  return out.slice(0, MAX_NARRATION);
}
