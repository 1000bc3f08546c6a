/**
 * Topic tagging: every quote gets scored topics with the matched terms as the explanation; an
 * interviewee's tags aggregate their quotes (count and best evidence quote).
 */
import type { Interview } from './model.ts';
import {
  defaultSynonyms,
  defaultTaxonomy,
  type Synonyms,
  type Taxonomy,
  type Topic,
  VariantDictionary,
} from './taxonomy/index.ts';
import { normalizeForMatch } from './text/normalize.ts';

/** A topic assigned to a text, with why. */
export interface TopicMatch {
  topic: string;
  score: number;
  /** Keywords (as written in the taxonomy or dictionary) found in the text. */
  terms: string[];
}

/** An interviewee's topic with its support. */
export interface PersonTopic {
  topic: string;
  quotes: number;
  score: number;
  /** Id of the quote that is the strongest evidence. */
  evidence: string;
}

/** Tags for one interview. */
export interface InterviewTags {
  quotes: Map<string, TopicMatch[]>;
  interviewees: Map<string, PersonTopic[]>;
}

/** Score a topic needs to be assigned. */
export const TOPIC_THRESHOLD = 1;
// A question's topic counts for the answer only at this share, and only when the answer itself has some signal.
const QUESTION_SHARE = 0.5;
// A spelling variant from the dictionary counts a little less than the keyword it varies.
const VARIANT_SHARE = 0.8;

interface Matcher {
  topic: string;
  term: string;
  weight: number;
  test: (folded: string) => boolean;
}

function matcherFor(folded: string): (text: string) => boolean {
  if (/^[a-z0-9][a-z0-9 .+#&'-]*$/.test(folded)) {
    const escaped = folded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`);
    return (text) => re.test(text);
  }
  return (text) => text.includes(folded);
}

/** Assigns taxonomy topics to quotes and people. */
export class TopicTagger {
  readonly taxonomy: Taxonomy;
  private readonly matchers: Matcher[] = [];

  /** Compiles the taxonomy's keywords (and their spelling variants) into matchers. */
  constructor(taxonomy: Taxonomy = defaultTaxonomy, synonyms: Synonyms = defaultSynonyms) {
    this.taxonomy = taxonomy;
    const variants = new VariantDictionary(synonyms);
    for (const topic of taxonomy.topics) {
      const seen = new Set<string>();
      const add = (term: string, weight: number) => {
        const folded = normalizeForMatch(term);
        if (!folded || seen.has(folded)) return;
        seen.add(folded);
        this.matchers.push({ topic: topic.id, term, weight, test: matcherFor(folded) });
      };
      for (const k of topic.keywords) add(k.term, k.weight);
      for (const k of topic.keywords)
        for (const v of variants.variantsOf(normalizeForMatch(k.term))) add(v, k.weight * VARIANT_SHARE);
    }
  }

  /** The topic with this id, if any. */
  topic(id: string): Topic | undefined {
    return this.taxonomy.topics.find((t) => t.id === id);
  }

  /** Raw topic scores of a text (no threshold). */
  private raw(text: string): Map<string, TopicMatch> {
    const folded = normalizeForMatch(text);
    const out = new Map<string, TopicMatch>();
    for (const m of this.matchers) {
      if (!m.test(folded)) continue;
      const cur = out.get(m.topic) ?? { topic: m.topic, score: 0, terms: [] };
      cur.score += m.weight;
      cur.terms.push(m.term);
      out.set(m.topic, cur);
    }
    return out;
  }

  /** Topics of a text, strongest first; `question` is the question it answers, if any. */
  scoreText(text: string, question?: string | null): TopicMatch[] {
    const own = this.raw(text);
    if (question) {
      for (const [topic, q] of this.raw(question)) {
        const cur = own.get(topic);
        if (cur && cur.score > 0) cur.score += q.score * QUESTION_SHARE;
      }
    }
    return [...own.values()]
      .filter((m) => m.score >= TOPIC_THRESHOLD)
      .map((m) => ({ ...m, score: Math.round(m.score * 100) / 100 }))
      .sort((a, b) => b.score - a.score || a.topic.localeCompare(b.topic));
  }

  /** Tags every quote of an interview and aggregates topics per interviewee. */
  tagInterview(interview: Interview): InterviewTags {
    const byId = new Map(interview.turns.map((t) => [t.id, t]));
    const quotes = new Map<string, TopicMatch[]>();
    const people = new Map<string, Map<string, PersonTopic>>();
    for (const t of interview.turns) {
      const question = t.questionId ? byId.get(t.questionId)?.text : null;
      const matches = this.scoreText(t.text, question);
      quotes.set(t.id, matches);
      if (t.role !== 'interviewee' || !t.speakerId) continue;
      const topics = people.get(t.speakerId) ?? new Map<string, PersonTopic>();
      for (const m of matches) {
        const cur = topics.get(m.topic);
        if (!cur) topics.set(m.topic, { topic: m.topic, quotes: 1, score: m.score, evidence: t.id });
        else {
          if (m.score > (quotes.get(cur.evidence)?.find((x) => x.topic === m.topic)?.score ?? 0))
            cur.evidence = t.id;
          cur.quotes++;
          cur.score = Math.round((cur.score + m.score) * 100) / 100;
        }
      }
      people.set(t.speakerId, topics);
    }
    const interviewees = new Map<string, PersonTopic[]>();
    for (const [id, topics] of people) {
      interviewees.set(
        id,
        [...topics.values()].sort((a, b) => b.quotes - a.quotes || b.score - a.score),
      );
    }
    return { quotes, interviewees };
  }
}
