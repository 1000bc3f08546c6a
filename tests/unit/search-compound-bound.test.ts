/**
 * A compound the index proves (感情表現: the kanji pair across the cut) lists the quotes saying it
 * with a particle between its parts (感情を表現) after all those saying it as typed. When those fill
 * the page, the page needs none of the near ones: the loose query (感情 AND 表現 anywhere, at 1M
 * quotes a second full evaluation for a common compound) is not run, and the total, counting the
 * strict hits only, is an estimate. Paging past the strict hits lists the near ones as before.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';

const STRICT = [
  '監督は感情表現の部分でいろいろな事を話してくださいました。',
  '感情表現が豊かな役だったので、毎日が新鮮でした。',
  '感情表現を抑える芝居は、思っていたより難しかったです。',
];
const NEAR = '重要な感情を表現するシーンの前には、親しさが出るようにしました。';
const APART = 'つい感情が出てしまうことが多かったのですが、表現の仕方は色々あると知りました。';

function indexOf(): QuoteIndex {
  const index = new QuoteIndex();
  index.upsertInterview(
    parseInterview(
      [...STRICT, NEAR, APART, '海で泳ぎました。', '人間関係に悩んだ時期もありました。']
        .flatMap((q, i) => [`聞き手：${i + 1}つ目の質問です。`, `山田：${q}`])
        .join('\n'),
      { id: 'c', format: 'prefixed' },
    ),
  );
  return index;
}

/** Counts the engine's evaluations during `f` (the real engine, called through). */
function evaluations(index: QuoteIndex, f: () => void): number {
  const engine = (index as unknown as { engine: { evaluate: (...a: unknown[]) => unknown } }).engine;
  const spy = vi.spyOn(engine, 'evaluate');
  try {
    f();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('search: a proven compound whose strict hits fill the page', () => {
  it('lists the strict hits without evaluating the near candidates, the total an estimate', () => {
    const index = indexOf();
    expect(evaluations(index, () => index.search({ q: '感情表現', limit: 2 }))).toBe(1);
    const page = index.search({ q: '感情表現', limit: 2 });
    expect(page.hits).toHaveLength(2);
    for (const h of page.hits) expect(STRICT).toContain(h.text);
    expect(page.total).toBe(3);
    expect(page.totalIsEstimate).toBe(true);
  });

  it('shows the same hits as the page that evaluates the near candidates', () => {
    const index = indexOf();
    // limit 10: three strict hits do not fill it, so the near candidates are evaluated and checked.
    const full = index.search({ q: '感情表現', limit: 10 });
    expect(full.hits.map((h) => h.text)).toEqual([...full.hits.slice(0, 3).map((h) => h.text), NEAR]);
    expect(full.total).toBe(4);
    expect(full.totalIsEstimate).toBe(false);
    const short = index.search({ q: '感情表現', limit: 2 });
    expect(short.hits.map((h) => [h.text, h.score, h.highlight.html])).toEqual(
      full.hits.slice(0, 2).map((h) => [h.text, h.score, h.highlight.html]),
    );
  });

  it('lists the near quote after the strict ones when paging past them', () => {
    const index = indexOf();
    const first = index.search({ q: '感情表現', limit: 2 });
    const cursor = index.cursorAt({ q: '感情表現', limit: 2 }, 2);
    const second = index.search({ q: '感情表現', limit: 2, cursor });
    const texts = [...first.hits, ...second.hits].map((h) => h.text);
    expect(texts.slice(0, 3).sort()).toEqual([...STRICT].sort());
    expect(texts[3]).toBe(NEAR);
    expect(texts).not.toContain(APART);
    expect(second.hits[1]?.highlight.html).toContain('<mark>感情を表現</mark>');
  });

  it('evaluates a compound the index cannot prove (飲み会) once: its loose query, every candidate checked', () => {
    const index = new QuoteIndex();
    index.upsertInterview(
      parseInterview(
        ['昨日の飲み会は楽しかったです。', 'お茶を飲んでから会議に出ました。', '飲み会の幹事をしました。']
          .flatMap((q, i) => [`聞き手：${i + 1}つ目の質問です。`, `山田：${q}`])
          .join('\n'),
        { id: 'n', format: 'prefixed' },
      ),
    );
    expect(evaluations(index, () => index.search({ q: '飲み会', limit: 10 }))).toBe(1);
    const page = index.search({ q: '飲み会', limit: 10 });
    expect(page.hits.map((h) => h.text).sort()).toEqual(
      ['昨日の飲み会は楽しかったです。', '飲み会の幹事をしました。'].sort(),
    );
    expect(page.total).toBe(2);
  });

  it('answers a query without such a compound with one evaluation and an exact total, as before', () => {
    const index = indexOf();
    expect(evaluations(index, () => index.search({ q: '海', limit: 2 }))).toBe(1);
    const page = index.search({ q: '泳ぎ', limit: 2 });
    expect(page.total).toBe(1);
    expect(page.totalIsEstimate).toBe(false);
  });
});
