/**
 * The interviews of the scale runs (`npm run bench:store -- --only scale`, `bench/query-scale.ts`):
 * real quotes, 20 to an interview, tagged once per distinct interview; interview `n` is a copy
 * of distinct interview `n % distinct` with its own ids, so both benchmarks index the same
 * documents and render hits from the same copies.
 */
import { quoteId } from '../lib/ids.ts';
import type { Interview } from '../lib/model.ts';
import { TopicTagger } from '../lib/tagger.ts';
import type { BenchQuote } from './corpus.ts';

export const QUOTES_PER_INTERVIEW = 20;

/**
 * The ingest benchmarks' input (`bench:store`, scripts/ingest-check.ts): one transcript per 20 quotes,
 * odd turns ask, even turns answer (the parser links them).
 */
export function transcripts(quotes: BenchQuote[]): Array<{ id: string; text: string; quotes: number }> {
  const out: Array<{ id: string; text: string; quotes: number }> = [];
  for (let i = 0; i < quotes.length; i += QUOTES_PER_INTERVIEW) {
    const group = quotes.slice(i, i + QUOTES_PER_INTERVIEW);
    const lines = group.map(
      (q, k) => `${k % 2 === 0 ? '聞き手' : '話し手'}：${q.text.replace(/\s*\n\s*/g, ' ').trim()}`,
    );
    out.push({
      id: `store-bench-${i / QUOTES_PER_INTERVIEW}`,
      text: `---\ntitle: 記事 ${i / QUOTES_PER_INTERVIEW}\n---\n${lines.join('\n')}\n`,
      quotes: group.length,
    });
  }
  return out;
}

export interface ScaleCorpus {
  /** Distinct interviews before repetition. */
  distinct: number;
  /** Interview `n` (id `scale-<n>`) and its quotes' tags. */
  interviewAt(n: number): { interview: Interview; tags: Map<string, string[]> };
}

export function scaleCorpus(base: readonly BenchQuote[]): ScaleCorpus {
  const tagger = new TopicTagger();
  const groups: Array<{ turns: Interview['turns']; tags: string[][] }> = [];
  for (let i = 0; i + QUOTES_PER_INTERVIEW <= base.length; i += QUOTES_PER_INTERVIEW) {
    const id = 'base';
    const turns = base.slice(i, i + QUOTES_PER_INTERVIEW).map((q, k) => ({
      id: quoteId(id, k + 1),
      ordinal: k + 1,
      speaker: k % 2 === 0 ? '聞き手' : '話し手',
      speakerId: null,
      coSpeakerIds: [],
      role: (k % 2 === 0 ? 'interviewer' : 'interviewee') as 'interviewer' | 'interviewee',
      text: q.text,
      section: null,
      questionId: k % 2 === 1 ? quoteId(id, k) : null,
      start: null,
      end: null,
    }));
    const tagged = tagger.tagInterview({ id, turns } as unknown as Interview);
    groups.push({ turns, tags: turns.map((t) => (tagged.quotes.get(t.id) ?? []).map((m) => m.topic)) });
  }
  const interviewAt = (n: number): { interview: Interview; tags: Map<string, string[]> } => {
    const g = groups[n % groups.length] as (typeof groups)[number];
    const id = `scale-${n}`;
    const turns = g.turns.map((t) => ({
      ...t,
      id: quoteId(id, t.ordinal),
      questionId: t.questionId ? quoteId(id, t.ordinal - 1) : null,
    }));
    const interview = {
      schemaVersion: 1,
      id,
      title: `記事 ${n}`,
      url: null,
      publishedAt: null,
      format: 'prefixed',
      series: null,
      related: [],
      interviewer: null,
      interviewees: [],
      others: [],
      sections: [],
      turns,
    } as unknown as Interview;
    return { interview, tags: new Map(turns.map((t, k) => [t.id, g.tags[k] ?? []])) };
  };
  return { distinct: groups.length, interviewAt };
}
