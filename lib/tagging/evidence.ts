/**
 * The taxonomy's evidence, compiled: which phrases of which topics a text contains, in the sense
 * the topic means (a phrase's `near` cues must share its sentence, its `unless` cues and the
 * topic's must not). Each phrase counts once per text; negative weights are counter-evidence.
 */
import type { Synonyms, Taxonomy } from '../taxonomy/index.ts';
import { defaultSynonyms, VariantDictionary } from '../taxonomy/index.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { anyMatches, compilePattern, matches, type Pattern, sentences } from './match.ts';

/** A spelling variant from the dictionary counts a little less than the phrase it varies. */
export const VARIANT_SHARE = 0.8;
/** Extra weight of a phrase for each further sentence it occurs in (at most two more). */
export const REPEAT_SHARE = 0.5;

interface Rule {
  /** Its place among all topics' rules (see EvidenceScorer.present). */
  n: number;
  pattern: Pattern;
  weight: number;
  near: Pattern[];
  /** A third concept the sentence must also hold (empty: none). */
  also: Pattern[];
  unless: Pattern[];
  /** When set, `near` and `also` must occur within this many characters of the phrase (a construction). */
  within: number;
  /** With `within`: `near` and `also` on opposite sides of the phrase (one before it, the other after). */
  sides: boolean;
  /** The phrase's regex with the global flag, to walk its occurrences (construction rules only). */
  each: RegExp | null;
}

interface CompiledTopic {
  id: string;
  threshold: number;
  rules: Rule[];
  unless: Pattern[];
  /** Each of `unless`'s place in {@link EvidenceScorer.present} (its literal found in the text). */
  unlessN: number[];
}

/** What a text says for one topic. */
export interface TopicEvidence {
  score: number;
  /** Phrases found (as written in the taxonomy), strongest first; counter-evidence prefixed with `−`. */
  phrases: string[];
}

/**
 * A topic's evidence, built in one place so that every TopicEvidence has one shape: the tagger's
 * hot paths read them from several sources (a text's own, damped copies, a question's share), and
 * objects of other shapes there deoptimised it (--trace-deopt: "wrong map" at their `score`).
 */
export function topicEvidence(score: number, phrases: string[]): TopicEvidence {
  return { score, phrases };
}

const compileAll = (ps: readonly string[] | undefined) =>
  (ps ?? []).map(compilePattern).filter((p): p is Pattern => p !== null);

/** Scores texts against every topic's evidence. */
export class EvidenceScorer {
  private readonly topics: CompiledTopic[];
  /** Every rule's required literal, by {@link Rule.n}. */
  private readonly required: string[] = [];
  /** Rules by the first two UTF-16 units of their literal (`c0 * 65536 + c1`). */
  private readonly byPair = new Map<number, number[]>();
  /** Rules whose literal is one unit long, by that unit; and rules with none (always tried). */
  private readonly byUnit = new Map<number, number[]>();
  private readonly always: number[] = [];

  /** Compiles the taxonomy (and the dictionary's variants of single-part phrases). */
  constructor(taxonomy: Taxonomy, synonyms: Synonyms = defaultSynonyms) {
    const variants = new VariantDictionary(synonyms);
    this.topics = taxonomy.topics.map((t) => {
      const rules: Rule[] = [];
      const seen = new Set<string>();
      const add = (
        source: string,
        weight: number,
        near: Pattern[],
        also: Pattern[],
        unless: Pattern[],
        within = 0,
        sides = false,
      ) => {
        const pattern = compilePattern(source);
        if (!pattern) return;
        // A phrase counts once per topic (a variant equal to a listed phrase adds nothing); concept
        // rules share their first word (仕事 with home words, 仕事 with leisure words), so theirs
        // are told apart by the other two concepts.
        const key =
          also.length === 0 && within === 0
            ? pattern.regex.source
            : [
                pattern.regex.source,
                ...near.map((p) => p.regex.source),
                '&',
                ...also.map((p) => p.regex.source),
                `~${within}${sides ? '<>' : ''}`,
              ].join('\u0000');
        if (seen.has(key)) return;
        seen.add(key);
        const each = within > 0 ? new RegExp(pattern.regex.source, 'g') : null;
        rules.push({
          n: this.literal(pattern),
          pattern,
          weight,
          near,
          also,
          unless,
          within,
          sides: within > 0 && sides,
          each,
        });
      };
      for (const e of t.evidence)
        add(
          e.phrase,
          e.weight,
          compileAll(e.near),
          compileAll(e.also),
          compileAll(e.unless),
          e.within,
          e.sides,
        );
      for (const e of t.evidence) {
        if (e.weight <= 0 || /[*#]/.test(e.phrase)) continue;
        const folded = normalizeForMatch(e.phrase.trim());
        for (const v of variants.variantsOf(folded))
          add(
            v,
            e.weight * VARIANT_SHARE,
            compileAll(e.near),
            compileAll(e.also),
            compileAll(e.unless),
            e.within,
            e.sides,
          );
      }
      const unless = compileAll(t.unless);
      return { id: t.id, threshold: t.threshold, rules, unless, unlessN: unless.map((p) => this.literal(p)) };
    });
  }

  /** Registers a pattern's required literal for {@link present}; its place there. */
  private literal(pattern: Pattern): number {
    const n = this.required.length;
    const lit = pattern.required;
    this.required.push(lit);
    if (lit.length === 0) this.always.push(n);
    else if (lit.length === 1) pushTo(this.byUnit, lit.charCodeAt(0), n);
    else pushTo(this.byPair, lit.charCodeAt(0) * 65536 + lit.charCodeAt(1), n);
    return n;
  }

  /** Threshold of a topic (undefined for unknown topics). */
  threshold(topic: string): number | undefined {
    return this.topics.find((t) => t.id === topic)?.threshold;
  }

  /** Topics whose excluded senses (`unless` of the topic) occur in the text. */
  sensesIn(text: string): string[] {
    return this.sensesOf(sentences(text), null);
  }

  /** {@link sensesIn} of a text's sentences, with its {@link present} when known. */
  private sensesOf(ss: readonly string[], known: Uint8Array | null): string[] {
    // A pattern whose literal the text lacks occurs in none of its sentences: only the others
    // are tried sentence by sentence (most topics' excluded senses never are).
    let present: Uint8Array | null = known;
    const out: string[] = [];
    for (const t of this.topics) {
      if (t.unless.length === 0) continue;
      present ??= this.present(ss.join('\n'));
      const found = present;
      const maybe = t.unless.filter((_, j) => found[t.unlessN[j] as number] === 1);
      if (maybe.length > 0 && ss.some((s) => anyMatches(maybe, s))) out.push(t.id);
    }
    return out;
  }

  /**
   * Which rules' required literals occur in `whole` (1 at their {@link Rule.n}): exactly
   * `whole.includes(required)` for each, found in one pass over the text's units instead of one
   * scan of the text per rule (a thousand rules: most of a quote's tagging time was those scans).
   */
  private present(whole: string): Uint8Array {
    const out = new Uint8Array(this.required.length);
    for (const n of this.always) out[n] = 1;
    for (let i = 0; i < whole.length; i++) {
      const c = whole.charCodeAt(i);
      const units = this.byUnit.get(c);
      if (units) for (const n of units) out[n] = 1;
      if (i + 1 === whole.length) break;
      const pairs = this.byPair.get(c * 65536 + whole.charCodeAt(i + 1));
      if (!pairs) continue;
      for (const n of pairs) if (out[n] === 0 && whole.startsWith(this.required[n] as string, i)) out[n] = 1;
    }
    return out;
  }

  /** Evidence per topic for a text (topics with no evidence are left out). */
  score(text: string): Map<string, TopicEvidence> {
    const ss = sentences(text);
    return this.scoreOf(ss, this.present(ss.join('\n')));
  }

  /**
   * {@link score} and {@link sensesIn} of a text at once: the literals it holds are found once for
   * both (a pass over the text with a look-up per character: a tenth of the tagging each).
   */
  scoreAndSenses(text: string): { score: Map<string, TopicEvidence>; senses: string[] } {
    const ss = sentences(text);
    const present = this.present(ss.join('\n'));
    return { score: this.scoreOf(ss, present), senses: this.sensesOf(ss, present) };
  }

  private scoreOf(ss: readonly string[], present: Uint8Array): Map<string, TopicEvidence> {
    const out = new Map<string, TopicEvidence>();
    for (const topic of this.topics) {
      let score = 0;
      let found: Array<{ phrase: string; weight: number }> | null = null;
      for (const rule of topic.rules) {
        // The text rules out most phrases before any per-sentence work.
        if (present[rule.n] === 0) continue;
        // The sentences the phrase occurs in, in its sense: counted, and the first one kept for
        // the explanation. A loop rather than a filter with a closure per rule: those (a closure,
        // its context and an array for each of the hundreds of rules a text's literals let
        // through) were a third of what a parse worker allocated per quote.
        let hits = 0;
        let first = '';
        for (const s of ss) {
          if (
            matches(rule.pattern, s) &&
            (rule.within > 0
              ? constructionAt(rule, s)
              : (rule.near.length === 0 || someMatch(rule.near, s)) &&
                (rule.also.length === 0 || someMatch(rule.also, s))) &&
            !someMatch(rule.unless, s) &&
            !someMatch(topic.unless, s)
          ) {
            if (hits === 0) first = s;
            hits++;
          }
        }
        if (hits === 0) continue;
        // A text that comes back to a phrase dwells on it: up to twice the weight for 3+ sentences.
        score += rule.weight * (1 + REPEAT_SHARE * Math.min(hits - 1, 2));
        found ??= [];
        found.push({ phrase: explain(rule, first), weight: rule.weight });
      }
      if (found === null) continue;
      found.sort((a, b) => b.weight - a.weight);
      out.set(
        topic.id,
        topicEvidence(
          Math.round(score * 100) / 100,
          found.map((f) => (f.weight < 0 ? `−${f.phrase}` : f.phrase)),
        ),
      );
    }
    return out;
  }
}

/**
 * Each distinct text's evidence and excluded senses, scored once: in a sequence a turn is scored as
 * itself, as the question of each answer after it, and again for the model's features of both (four
 * scorings of one text or more before). Kept for one sequence only; the maps it hands out are
 * shared, so callers copy before changing them.
 */
export class EvidenceMemo {
  private readonly scores = new Map<string, ReadonlyMap<string, TopicEvidence>>();
  private readonly senses = new Map<string, readonly string[]>();

  constructor(private readonly scorer: EvidenceScorer) {}

  /** {@link EvidenceScorer.score}, once per text (its senses found in the same pass). */
  score(text: string): ReadonlyMap<string, TopicEvidence> {
    let out = this.scores.get(text);
    if (!out) {
      const both = this.scorer.scoreAndSenses(text);
      out = both.score;
      this.scores.set(text, out);
      if (!this.senses.has(text)) this.senses.set(text, both.senses);
    }
    return out;
  }

  /** {@link EvidenceScorer.sensesIn}, once per text. */
  sensesIn(text: string): readonly string[] {
    let out = this.senses.get(text);
    if (!out) {
      out = this.scorer.sensesIn(text);
      this.senses.set(text, out);
    }
    return out;
  }
}

/**
 * How a found rule is shown: its phrase, or for a concept rule (`also`) or a construction (`within`)
 * the words that met in the sentence (`仕事+家事+疲れ`, `休日+わからな`): the phrase alone would not say why.
 */
function explain(rule: Rule, sentence: string): string {
  if (rule.also.length === 0 && rule.within === 0) return rule.pattern.source;
  const near = rule.near.find((p) => matches(p, sentence));
  const also = rule.also.find((p) => matches(p, sentence));
  return [rule.pattern.source, near?.source, also?.source].filter((x) => x !== undefined).join('+');
}

/**
 * A construction rule's test: some occurrence of its phrase in the sentence has a `near` and (when
 * given) an `also` pattern inside the stretch of `within` characters either side of it. Each
 * occurrence is tried (a sentence may say 残念ながら before 働きながら); the stretches are bounded,
 * so the test stays linear in the sentence. With `sides`, one of the two stands before the phrase and
 * the other after it.
 */
function constructionAt(rule: Rule, s: string): boolean {
  const re = rule.each as RegExp;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const from = Math.max(0, m.index - rule.within);
    const end = m.index + m[0].length;
    if (rule.sides) {
      // One concept before the phrase and the other after it, either way round.
      const before = s.slice(from, m.index);
      const after = s.slice(end, end + rule.within);
      const near = rule.near.length === 0;
      const also = rule.also.length === 0;
      if (
        ((near || someMatch(rule.near, before)) && (also || someMatch(rule.also, after))) ||
        ((also || someMatch(rule.also, before)) && (near || someMatch(rule.near, after)))
      )
        return true;
    } else {
      const around = s.slice(from, end + rule.within);
      if (
        (rule.near.length === 0 || someMatch(rule.near, around)) &&
        (rule.also.length === 0 || someMatch(rule.also, around))
      )
        return true;
    }
    if (m[0].length === 0) re.lastIndex++;
  }
  return false;
}

/** {@link anyMatches} without a closure per call (the scorer's inner loop calls it per sentence and rule). */
function someMatch(ps: readonly Pattern[], s: string): boolean {
  for (const p of ps) if (matches(p, s)) return true;
  return false;
}

function pushTo(map: Map<number, number[]>, key: number, n: number): void {
  const list = map.get(key);
  if (list) list.push(n);
  else map.set(key, [n]);
}
