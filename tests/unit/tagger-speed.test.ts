/**
 * The tagger's fast paths give what the plain ones give: the classifier's compiled lookup (grams by
 * code point, one lookup for all topics) the same logits, shifts and terms as summing the model's
 * weights over `featuresOf`'s list, and a sequence tagged with its evidence scored once the same tags
 * as each turn scored on its own. scripts/tag-cost.ts checks the same on every livedoor turn.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseInterview } from '../../lib/parse/index.ts';
import {
  type ClassifierModel,
  type ClassifierVote,
  featuresOf,
  TopicClassifier,
} from '../../lib/tagging/classifier.ts';
import { recordOf } from '../../lib/tagging/record.ts';
import { shippedModel } from '../../lib/tagging/shipped.ts';
import { interviewItems, TopicTagger } from '../../lib/tagging/tagger.ts';
import { normalize } from '../../lib/text/normalize.ts';
import type { WorkerReply } from '../../local/parse-pool.ts';
import { answer } from '../../local/worker-jobs.ts';

// Every text the analyzer is asked to analyse (its two entry points from outside the module:
// `indexTerms` gets the source, `analyzeNormalized` the normalised text), for the test that a
// parse worker's prepare job analyses each turn once. The analyzer itself runs unchanged.
const analysed = vi.hoisted(() => [] as string[]);
vi.mock('../../lib/text/analyze.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/text/analyze.ts')>();
  return {
    ...real,
    indexTerms: (...a: Parameters<typeof real.indexTerms>) => {
      analysed.push(a[0]);
      return real.indexTerms(...a);
    },
    analyzeNormalized: (...a: Parameters<typeof real.analyzeNormalized>) => {
      analysed.push(a[0]);
      return real.analyzeNormalized(...a);
    },
  };
});

/** The model's votes as the weights' plain sum over the feature list, in its order. */
function reference(model: ClassifierModel, text: string, question: string | null, extra: string[]) {
  const f = featuresOf(model.features ?? 'terms', text, question, extra);
  const out = new Map<string, ClassifierVote>();
  for (const [topic, m] of Object.entries(model.topics)) {
    let logit = m.bias;
    const contrib: Array<[string, number]> = [];
    for (const t of f) {
      if (!Object.hasOwn(m.weights, t)) continue;
      const v = m.weights[t] as number;
      logit += v;
      if (v > 0) contrib.push([t, v]);
    }
    contrib.sort((a, b) => b[1] - a[1]);
    out.set(topic, { logit, shift: logit - m.bias, terms: contrib.slice(0, 3).map(([t]) => t) });
  }
  return out;
}

const texts: Array<[string, string | null, string[]]> = [
  [
    '休日も仕事のことを考えてしまい、家族との時間が取れません。',
    'お仕事と家庭のバランスは？',
    ['e:work-balance'],
  ],
  ['将来が不安で、老後のお金のことを考えておくことにしました。', null, ['asked', 'N:money-income']],
  ['ＡＩ　と Zoom で　在宅ワーク。１２時から𠮷野家、𠮷𠮷𠮷。', 'リモートでの働き方について', []],
  ['子どもの保育園のお迎えに行ってから、クラウドワークスで案件を受注しています。', null, ['E:crowdsourcing']],
  ['そうですね。', 'どうですか？', []],
  ['', null, []],
  ['ね。ね。ね。は、は、くことくことておく', null, ['e:care-anxiety', 'e:care-anxiety']],
];

describe('the shipped model, compiled', () => {
  const model = shippedModel as ClassifierModel;
  const clf = new TopicClassifier(model);

  it('is the shipped model (a rich one)', () => {
    expect(shippedModel).not.toBeNull();
    expect(model.features).toBe('rich');
  });

  it('votes exactly as the plain sum of its weights over the features', () => {
    for (const [text, question, extra] of texts) {
      const got = clf.predict(text, question, extra);
      const want = reference(model, text, question, extra);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [topic, v] of want) expect(got.get(topic)).toEqual(v);
    }
    // Some text raises some topic (the comparison is not of empty votes).
    const raised = texts
      .flatMap(([t, q, e]) => [...clf.predict(t, q, e).values()])
      .filter((v) => v.shift > 0);
    expect(raised.length).toBeGreaterThan(0);
    expect(raised.some((v) => v.terms.some((t) => t.startsWith('c:')))).toBe(true);
  });
});

describe('a sequence with its evidence scored once', () => {
  it('tags every turn as the turn scored on its own does', () => {
    // The shipped model with family-partner decided at its topic's own bar: the shipped rule raises the
    // evidence's bar for it (precision first), which a short answer's share of its question never reaches,
    // and this test is about the question's share passing through the shared memo undamped.
    const model = shippedModel ? { ...shippedModel } : null;
    if (model?.rules) model.rules = { ...model.rules, 'family-partner': { veto: 0.1, alone: 0.85 } };
    const tagger = new TopicTagger({ model });
    const interview = parseInterview(
      [
        '聞き手：お仕事と家庭のバランスはどうしていますか？',
        '山田：休日も仕事のことを考えてしまい、家族との時間が取れません。夫と家事を分担しています。',
        '聞き手：将来のお金は不安ですか？',
        '山田：はい。老後の資金が心配で、副業でクラウドワークスの案件を受注しています。',
        '山田：子どもの保育園のお迎えがあるので在宅で働いています。',
        // A question in another sense of its topics (a role played): its own tags are damped, the
        // answer's share of it is not — a memo changed by the damping would pass the damped one on.
        '聞き手：劇中で母親役を演じました。ご自身の子育てと仕事の両立、夫や家族との時間はどうですか？',
        '山田：大変です。',
        '聞き手：ありがとうございました。',
      ].join('\n'),
    );
    const items = interviewItems(interview);
    const extra = tagger.sequenceFeatures(items);
    // Each turn scored afresh (no evidence shared between turns).
    const alone = items.map((it, i) => tagger.candidates(it.text, it.question, it.asked ?? false, extra[i]));
    const want = tagger.decideSequence(items, alone);
    const got = tagger.tagSequence(items);
    expect([...got]).toEqual([...want]);
    expect([...got.values()].some((ms) => ms.length > 0)).toBe(true);
    // The short answer takes the played-role question's family topic whole.
    const short = items.find((it) => it.text === '大変です。');
    expect(got.get(short?.id ?? '')?.map((m) => m.topic)).toContain('family-partner');
  });
});

describe("a parse worker's prepare job", () => {
  it('analyses each turn once, for the index and the tagger both, and tags as the tagger alone', async () => {
    const tagger = new TopicTagger({ model: shippedModel });
    // Texts no other test here analyses (the classifier keeps the last few texts' terms).
    const text = [
      '聞き手：副業と本業の両立について、最近はどう感じていますか？',
      '佐藤：平日は会社員で、週末にランサーズでデザインの案件を請けています。',
      '聞き手：ご家族との時間は取れていますか？',
      '佐藤：妻と子どもと過ごす時間が減ったので、夜の作業は控えるようにしました。',
      '佐藤：老後の資金のことを考えると、副収入は続けたいですね。',
    ].join('\n');
    analysed.length = 0;
    const replies: WorkerReply[] = [];
    await answer(
      {
        id: 1,
        kind: 'prepare',
        text,
        // A title of its own (else the first question is the title, a field of its own analysed).
        options: { id: 'once', title: '副業の話' },
        tagger: { key: 1, spec: tagger.spec() },
        analyze: 'hybrid',
      },
      (r) => replies.push(r),
    );
    const last = replies.at(-1);
    if (!last || !('prepared' in last)) throw new Error(`no prepared reply: ${JSON.stringify(last)}`);
    const { interview, tags, tokens } = last.prepared;
    expect(tokens).not.toBeNull();
    expect(interview.turns).toHaveLength(5);
    for (const t of interview.turns) {
      const times = analysed.filter((a) => a === t.text || a === normalize(t.text).text).length;
      expect({ turn: t.text, times }).toEqual({ turn: t.text, times: 1 });
    }
    // The same tags as the tagger analysing the turns itself (the Lambda's and the CLI's way).
    const alone = recordOf(tagger, parseInterview(text, { id: 'once', title: '副業の話' }));
    expect(tags.autoTags).toEqual(alone.autoTags);
    expect(tags.people).toEqual(alone.people);
    expect(Object.values(tags.autoTags).some((ms) => ms.length > 0)).toBe(true);
  });
});
