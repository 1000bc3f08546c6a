/**
 * The judged dash articles of ../shared (eval/narration.json: 1,740 paragraphs of 122 articles,
 * each judged by reading as an answer, a question or the writer's): narration credited as an
 * answer, answers and questions lost, and narration the interview does not keep, counted with the
 * parser as it is. The counts are the ones measured when the rules were written (2026-12-06);
 * each remaining case is named so that a change shows which one moved. Skips with a printed reason
 * without ../shared; fails if a judged line's hash no longer matches (the corpus changed).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe.skipIf(!have)('narration in real name-colon and Q/A articles (eval/narration-layouts.json)', () => {
  // 224 lines of 37 livedoor-news articles in the prefixed layout, judged by reading on 2026-12-07.
  const judged = loadNarration(
    join(dirname(fileURLToPath(import.meta.url)), '../../eval/narration-layouts.json'),
  );
  const score = scoreNarration((text) => parseInterview(text), judged) as NarrationScore;

  it('scores every judged line (none stale)', () => {
    expect(score.stale).toEqual([]);
    expect(score.judged).toBe(224);
  });

  it('credits the writer’s close and the writer’s lines under a speaker’s to no speaker', () => {
    // Before: 50 (closes, product write-ups, link lists and teasers after the last answer); then 4
    // (2026-12-07): the writer's lines printed right under a quoted exchange with no blank line
    // (dokujo-tsushin-6523283:15,16,20, `絵里子さんは…らしい。`) and a `（次回に続く……）` note on the
    // last answer's own line block (livedoor-homme-5483677:62).
    expect(where(score.narrationInAnswers)).toEqual([]);
  });

  it('keeps every line of the writer’s it does not credit (lead, close, links)', () => {
    // Before: 96 were in no turn and not stored (the prefixed parser kept no narration).
    expect(where(score.narrationDropped)).toEqual([]);
  });

  it('loses no more answers than before, and fewer questions', () => {
    // Before 2026-12-07 (people7): livedoor-homme-5497695.txt:94, a name printed without its colon
    // (`小沢そこですよ…`), now that speaker's line.
    expect(where(score.answersLost)).toEqual([]);
    // Before: 8 (also livedoor-homme-5757533's three questions under a single `—`), then 5
    // (2026-12-07): peachy-6093748's questions printed behind a photo caption on the same line
    // (`…気になりません!Q：…`), now read from their `Q：`.
    expect(where(score.questionsLost)).toEqual([]);
  });
});
