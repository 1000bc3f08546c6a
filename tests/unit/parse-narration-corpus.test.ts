/**
 * The judged dash articles of ../shared (eval/narration.json: 1,740 paragraphs of 122 articles,
 * each judged by reading as an answer, a question or the writer's): narration credited as an
 * answer, answers and questions lost, and narration the interview does not keep, counted with the
 * parser as it is. The counts are the ones measured when the rules were written (2026-12-06);
 * each remaining case is named so that a change shows which one moved. Skips with a printed reason
 * without ../shared; fails if a judged line's hash no longer matches (the corpus changed).
 */
import { describe, expect, it } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import {
  corporaDir,
  loadNarration,
  type NarrationScore,
  scoreNarration,
} from '../../scripts/eval/narration.ts';
import { available } from '../helpers/shared.ts';

const have = available(corporaDir, 'the judged narration of real dash articles');
const where = (xs: NarrationScore['outcomes']) => xs.map((o) => `${o.file.split('/').pop()}:${o.line}`);

describe.skipIf(!have)('narration in real dash articles (eval/narration.json)', () => {
  const judged = loadNarration();
  const score = scoreNarration((text) => parseInterview(text), judged) as NarrationScore;

  it('scores every judged line (none stale), answers, questions and narration alike', () => {
    expect(score.stale).toEqual([]);
    expect(score.judged).toBe(judged.files.reduce((n, f) => n + f.lines.length, 0));
    const expected = new Set(score.outcomes.map((o) => o.expected));
    expect(expected).toEqual(new Set(['answer', 'question', 'narration']));
  });

  it('credits no narration to a speaker', () => {
    // Before: 13 (six （つづく）/（参考）notes, six related-article titles and a film title line).
    expect(where(score.narrationInAnswers)).toEqual([]);
  });

  it('loses no answer, not even one that ends advising readers', () => {
    // Before: 11 (answers next to price captions, before a section heading, before the profile, a
    // bullet list inside an answer); then 1 (livedoor-homme-4847392.txt:78, advice to readers
    // ending `…いかがでしょうか。` right after the last answer, taken for the writer's close).
    expect(where(score.answersLost)).toEqual([]);
    expect(score.questionsLost).toEqual([]);
  });

  it('keeps the writer’s prose: what it does not store is page furniture only', () => {
    // Before: 290 of 306 judged non-answer lines were in no turn and not stored either.
    const dropped = score.narrationDropped;
    expect(dropped.length).toBeLessThanOrEqual(22);
    for (const o of dropped) expect(o.file, `${o.file}:${o.line}`).toMatch(/kaden-channel/);
    const prose = score.outcomes.filter((o) => o.expected === 'narration' && o.got === 'narration');
    expect(prose.filter((o) => o.kept).length).toBeGreaterThanOrEqual(prose.length - 22);
  });
});
