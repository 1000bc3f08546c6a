/**
 * Packed index tokens (lib/search/index.ts packTokens): what the parse worker sends the API
 * thread, each distinct term once and every token a number into them. They must unpack to the
 * tokens they were made from, and counting them by number (TermCounter, Engine.addCounted) must
 * give the engine exactly what counting each field's terms in maps gave (the reference below is
 * that counting as it was, readings included), term for term and in the same order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import {
  Engine,
  type EngineDoc,
  type FieldTerms,
  FLAG_KANA,
  FLAG_SUGGEST,
  INNER_MARK,
} from '../../lib/search/engine/index.ts';
import {
  type FieldTokens,
  type InterviewTokens,
  inflectedReadings,
  type PackedTokens,
  packedSurfaces,
  packTokens,
  QuoteIndex,
  TermCounter,
  tokenizeInterview,
  unpackTokens,
} from '../../lib/search/index.ts';
import { INDEX_ONLY_KINDS, type TokenKind } from '../../lib/text/analyze.ts';
import {
  dictionaryFormTerm,
  kanaFormTerm,
  kanjiSpellingTerm,
  nounSpellingTerm,
  splitInflected,
  splitSpelling,
  WRITTEN_VERB_MARK,
  writtenFormTerm,
} from '../../lib/text/deinflect.ts';
import { loadReadings, type ReadingAnalyzer } from '../../lib/text/readings.ts';
import { READING_CONTEXT } from '../../lib/text/readings-version.ts';
import { sampleInterviews } from '../helpers/samples.ts';

/** Texts with surfaces that differ from their terms, kana nouns, one-kanji nouns, verbs in kana and kanji. */
const TRANSCRIPT = [
  '---',
  'title: 好きな仕事とｉＰｈｏｎｅの話',
  '---',
  '聞き手：お金を貯めていますか？　夢はありますか？',
  '話し手：がんばって貯めています。ｺｰﾋｰが好きで、iPhoneで花の写真を撮るのが夢です。',
  '聞き手：将来のことは？',
  '話し手：将来はカフェを開きたい。コーヒーが好きなので、お金を貯めて頑張っています。',
  '聞き手：鼻と花、どちらもハナですね。',
  '話し手：ＩＴの仕事で３人のチームを率いています。結婚して２年目です。',
].join('\n');

function interviews(): Interview[] {
  return [parseInterview(TRANSCRIPT, { id: 'packed-1' }), ...sampleInterviews()];
}

const KIND_CODES = ['word', 'run', 'gram', 'latin', 'num', 'kana', 'kanapart', 'frag', 'inner', 'count'];
const HIRAGANA_ANY = /[\u3041-\u3096]/;
const ONE_KANJI = /^[\p{Script=Han}]$/u;

/**
 * The map counting of a field's tokens as the index did it before packed tokens (b3b39ac, with the
 * glued kana runs of branch kana: index-only kinds out of the length, parts never completed).
 */
function referenceCount(
  tokens: FieldTokens | null,
  surfaces?: Map<string, string>,
  readings?: ReadingAnalyzer,
  text?: string,
  inflected?: readonly string[],
  spellings?: Set<string>,
): FieldTerms {
  const terms = new Map<string, number>();
  if (!tokens) return { terms, length: 0 };
  const flags = surfaces ? new Map<string, number>() : undefined;
  const n = tokens.terms.length;
  for (let i = 0; i < n; i++) {
    const kind = KIND_CODES[tokens.kinds[i] as number];
    // A bigram inside a longer word is counted apart (INNER_MARK), as a bigram.
    const term = `${kind === 'inner' ? INNER_MARK : ''}${tokens.terms[i] as string}`;
    terms.set(term, (terms.get(term) ?? 0) + 1);
    if (!flags || !surfaces || kind === 'gram' || kind === 'kanapart' || kind === 'inner') continue;
    flags.set(term, (flags.get(term) ?? 0) | FLAG_SUGGEST | (kind === 'run' ? FLAG_KANA : 0));
    const surface = tokens.surfaces?.[i] ?? term;
    if (surface !== term && !surfaces.has(term)) surfaces.set(term, surface);
  }
  if (readings) {
    let cursor = 0;
    for (let i = 0; i < n; i++) {
      if (KIND_CODES[tokens.kinds[i] as number] !== 'word') continue;
      const term = tokens.terms[i] as string;
      const own = readings(term);
      let written: { word: string; readings: readonly string[] } | undefined;
      const surface = tokens.surfaces?.[i] ?? term;
      const at = text && readings.written ? text.indexOf(surface, cursor) : -1;
      if (text && readings.written && at >= 0) {
        cursor = at + surface.length;
        if (HIRAGANA_ANY.test(surface) || ONE_KANJI.test(term)) {
          const word = surface.normalize('NFKC');
          const found = readings.written(
            word,
            text.slice(Math.max(0, at - READING_CONTEXT), at),
            text.slice(cursor, cursor + READING_CONTEXT),
          );
          const more = found.filter((r) => !own.includes(r));
          if (more.length > 0) written = { word, readings: more };
        }
      }
      const count = (r: string) => {
        terms.set(r, (terms.get(r) ?? 0) + 1);
        if (!flags || !surfaces) return;
        flags.set(r, (flags.get(r) ?? 0) | FLAG_SUGGEST);
        if (!surfaces.has(r)) surfaces.set(r, tokens.surfaces?.[i] ?? term);
      };
      for (const r of own) count(r);
      // Each written form of the term's readings (readings 13), once per interview.
      const spelled = readings.spelled?.(term) ?? [];
      if (spellings)
        own.forEach((r, j) => {
          const key = spelled[j] ? nounSpellingTerm(r, spelled[j]) : null;
          if (!key || spellings.has(key)) return;
          spellings.add(key);
          terms.set(key, 1);
        });
      for (const r of written?.readings ?? []) count(r);
      if (written && spellings)
        for (const r of written.readings) {
          const key = nounSpellingTerm(r, written.word);
          if (spellings.has(key)) continue;
          spellings.add(key);
          terms.set(key, 1);
        }
    }
  }
  if (readings?.inflected && text)
    for (const entry of inflected ?? readings.inflected(text)) {
      if (entry.startsWith(WRITTEN_VERB_MARK)) {
        terms.set(entry, (terms.get(entry) ?? 0) + 1);
        continue;
      }
      const spelling = splitSpelling(entry);
      if (spelling) {
        const key = kanjiSpellingTerm(spelling[0]);
        terms.set(key, (terms.get(key) ?? 0) + 1);
        terms.set(kanaFormTerm(spelling[0], spelling[1]), 1);
        continue;
      }
      const [r, written] = splitInflected(entry);
      const key = dictionaryFormTerm(r);
      terms.set(key, (terms.get(key) ?? 0) + 1);
      if (written) terms.set(writtenFormTerm(r, written), 1);
    }
  let length = n;
  for (let i = 0; i < n; i++)
    if (INDEX_ONLY_KINDS.has(KIND_CODES[tokens.kinds[i] as number] as TokenKind)) length--;
  return flags ? { terms, length, flags } : { terms, length };
}

const docOf = (t: Interview['turns'][number]) => ({
  ordinal: t.ordinal,
  role: 0,
  question: -1,
  speakerId: t.speakerId,
  tags: [],
});

/** An engine fed by the reference's maps (Engine.add). */
function byMaps(ivs: readonly Interview[], readings?: ReadingAnalyzer): Engine {
  const engine = new Engine();
  for (const iv of ivs) {
    const tokens = tokenizeInterview(iv);
    const inflected = readings ? inflectedReadings(iv, readings) : null;
    const surfaces = new Map<string, string>();
    const spellings = new Set<string>();
    const docs: EngineDoc[] = iv.turns.map((t, i) => {
      const own = tokens.turns[i];
      return {
        ...docOf(t),
        text: referenceCount(own?.text ?? null, surfaces, readings, t.text, inflected?.turns[i], spellings),
        speaker: referenceCount(own?.speaker ?? null),
        section: referenceCount(own?.section ?? null),
      };
    });
    engine.add(iv.id, referenceCount(tokens.title), docs, surfaces);
  }
  return engine;
}

/** An engine fed by packed tokens counted by number (Engine.addCounted), after a structured clone. */
function byNumbers(ivs: readonly Interview[], readings?: ReadingAnalyzer): Engine {
  const engine = new Engine();
  for (const iv of ivs) {
    const tokens = tokenizeInterview(iv);
    const inflected = readings ? inflectedReadings(iv, readings) : null;
    const p: PackedTokens = structuredClone(packTokens(tokens));
    const counter = new TermCounter(p.terms);
    const surf = packedSurfaces(p);
    const surfaces = new Map<string, string>();
    const spellings = new Set<string>();
    const docs = iv.turns.map((t, i) => ({
      ...docOf(t),
      text: counter.count(
        p,
        p.turns[3 * i] as number,
        surf,
        'hybrid',
        surfaces,
        readings,
        t.text,
        inflected?.turns[i],
        spellings,
      ),
      speaker: counter.count(p, p.turns[3 * i + 1] as number, surf, 'hybrid'),
      section: counter.count(p, p.turns[3 * i + 2] as number, surf, 'hybrid'),
    }));
    engine.addCounted(iv.id, counter, counter.count(p, p.title, surf, 'hybrid'), docs, surfaces);
  }
  return engine;
}

/** The delta as the engine holds it (terms in the order numbered, their postings) and its packed form. */
function contents(engine: Engine): { delta: unknown; packed: string } {
  const seg = engine.deltaSegment();
  return {
    delta: JSON.stringify(seg, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v)),
    packed: Buffer.from(engine.pack({})).toString('base64'),
  };
}

describe('packed index tokens', () => {
  it('unpack to the tokens they were packed from, each distinct term once, shared fields once', () => {
    for (const iv of interviews()) {
      const tokens = tokenizeInterview(iv);
      const p = packTokens(tokens);
      expect(unpackTokens(structuredClone(p))).toEqual(tokens);
      expect(new Set(p.terms).size).toBe(p.terms.length);
      expect(p.ids.every((id) => id < p.terms.length)).toBe(true);
      const all = new Set<string>();
      for (const t of [tokens.title, ...tokens.turns.flatMap((t) => [t.text, t.speaker, t.section])])
        for (const term of t?.terms ?? []) all.add(term);
      expect(new Set(p.terms)).toEqual(all);
      // Speakers repeat on every other turn: packed once each.
      const speakers = new Set(tokens.turns.map((t) => t.speaker).filter((s) => s !== null));
      const fields = new Set([...p.turns].filter((f, i) => i % 3 === 1 && f >= 0));
      expect(fields.size).toBe(speakers.size);
    }
    // The transcript above has surfaces that differ from their terms (ｉＰｈｏｎｅ, ｺｰﾋｰ).
    expect(packTokens(tokenizeInterview(interviews()[0] as Interview)).surfaceOf.length).toBeGreaterThan(0);
  });

  it('count, without readings, into the postings the maps gave, in the same order', () => {
    const ivs = interviews();
    expect(contents(byNumbers(ivs))).toEqual(contents(byMaps(ivs)));
  });

  describe('with the reading dictionary', () => {
    let readings: ReadingAnalyzer;
    beforeAll(async () => {
      readings = await loadReadings();
    }, 60_000);

    it('count readings in context, verb readings and spellings as the maps did', () => {
      const ivs = interviews();
      const maps = contents(byMaps(ivs, readings));
      expect(contents(byNumbers(ivs, readings))).toEqual(maps);
      // The reference did read something for the transcript (a comparison of nothing proves nothing).
      expect(maps.delta).toContain('ユメ');
      expect(maps.delta).toContain('\\u0002');
      // …and linked each written form to its reading, a kanji word's too (将来, read as a term).
      expect(maps.delta).toContain('\\u0004ショウライ\\u0004将来');
    });

    it('index through QuoteIndex alike given as tokens, packed tokens or none', () => {
      const build = (tokens: (iv: Interview) => InterviewTokens | PackedTokens | undefined) => {
        const index = new QuoteIndex({ readings });
        for (const iv of interviews()) index.upsertInterview(iv, new Map(), tokens(iv));
        return Buffer.from(index.toSnapshot())
          .toString('latin1')
          .replace(/"createdAt":"[^"]*"/, '"createdAt":""');
      };
      const withVerbs = (iv: Interview): InterviewTokens => {
        const t = tokenizeInterview(iv);
        const inflected = inflectedReadings(iv, readings);
        return inflected ? { ...t, inflected } : t;
      };
      const none = build(() => undefined);
      expect(build((iv) => structuredClone(packTokens(withVerbs(iv)))) === none).toBe(true);
      expect(build((iv) => withVerbs(iv)) === none).toBe(true);
      // Packed tokens of another mode are not used.
      expect(build((iv) => packTokens(tokenizeInterview(iv, 'bigrams'))) === none).toBe(true);
    });
  });
});
