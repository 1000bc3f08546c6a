/**
 * What a search gives back (hits, pages, plans) and the per-interview facts it renders them
 * from: shapes only, shared by the index, its facets and the HTTP layer.
 */
import type { Interview, Role } from '../model.ts';
import type { Highlight, Range } from './highlight.ts';
import type { IndexedPerson, NamedPerson } from './people.ts';

/** Per-interview facts shared by its quotes (kept once, not per quote). */
export interface InterviewMeta {
  id: string;
  title: string;
  publishedAt: string | null;
  publishedAtMs: number | null;
  interviewees: Array<{ id: string; name: string }>;
  /**
   * Everyone who speaks in it by name, with the keys they are looked up by (lib/search/people.ts).
   * Absent in snapshots written before it: their interviewees stand in, found by name only.
   */
  people?: IndexedPerson[];
  /** Turns spoken by several people together: ordinal → co-speaker ids (only such turns). */
  coSpeakers?: Record<string, string[]>;
  quotes: number;
  /** Digest of what search depends on (title, quote ids, texts, tags), to compare with the store. */
  fingerprint: string;
}

/** One search hit. */
export interface SearchHit {
  quoteId: string;
  interviewId: string;
  interviewTitle: string;
  publishedAt: string | null;
  ordinal: number;
  text: string;
  highlight: Highlight;
  speaker: { id: string | null; name: string; role: Role };
  section: string | null;
  /**
   * The question the quote answers; `ranges`: where the query's words are in its text (offsets
   * into `text`), so a hit found through its question shows why (`matchedIn` has `question`).
   */
  question: { quoteId: string; text: string; ranges: Range[] } | null;
  tags: string[];
  score: number;
  /** Fields the query matched in (text, question, section, title, speaker). */
  matchedIn: string[];
}

/** A page of results with facet counts over the whole filtered result set. */
export interface SearchPage {
  total: number;
  hits: SearchHit[];
  facets: {
    tags: Record<string, number>;
    /** Quotes said by each interviewee (by person id). */
    interviewees: Record<string, number>;
    /** The name of each person in `interviewees`. */
    intervieweeNames: Record<string, string>;
    /** Quotes per speaker role. */
    roles: Record<string, number>;
    /** Quotes per publication year of their interview (as written in `publishedAt`). */
    years: Record<string, number>;
  };
  nextCursor: string | null;
  /**
   * How the query was matched: every word (`all`), part of its words (`any`: a sentence ranked by
   * the share it matches, or a short query relaxed, see `relaxed`), or filters only.
   */
  matched: 'all' | 'any' | 'filter';
  /**
   * True when every word was required, no quote had them all (or, for a phrase typed with kana,
   * fewer than RELAX_BELOW did: those first, see `everyWord`), and the hits are quotes with any one
   * of them instead. False for a sentence, which never required every word: its first hits may
   * well have them all, so "no quote has every word" would be untrue there.
   */
  relaxed: boolean;
  /**
   * On a relaxed page: how many quotes have every word (0, or fewer than RELAX_BELOW for a
   * phrase typed with kana); they come first. Absent on a page that was not relaxed.
   */
  everyWord?: number;
  /**
   * The words typed that no quote says (ホヤ of ホヤってどう思う), as typed; absent when every
   * word is said somewhere. When what remains is verbs and adjectives alone (食べてみたい, 思う,
   * 好き), the page is empty: their quotes answer nothing about the missing word.
   */
  missing?: string[];
  /**
   * True when `total` is not exact: an upper bound for a phrase query with more candidates than
   * are checked against the quote texts ({@link PHRASE_CHECK_LIMIT}); a lower bound for a compound
   * typed whole (人間関係) whose quotes saying it fill the page, counted without the quotes saying its
   * parts a particle apart (人間との関係), which are looked for only past them.
   */
  totalIsEstimate: boolean;
  /**
   * Each `interviewee=` value given as a name → the people it stood for (present only when a
   * name was given): a name never silently stands for people the reader did not mean.
   */
  people?: Record<string, NamedPerson[]>;
}

/** Looks up an interview's content to render hits (in memory, or fetched from the store). */
export type DocumentLookup = (interviewId: string) => Interview | undefined;

/** One candidate of a plan, named by stable ids (doc numbers change when the engine folds). */
export interface Planned {
  interview: string;
  ordinal: number;
  score: number;
  fields: number;
  tags: string[];
  role: Role;
  /** Who said it: the speaker's and co-speakers' person ids. */
  speakers: string[];
}

/**
 * A search evaluated against the index: which interviews its page needs, and how to render the
 * page from them. Holds no reference into the engine, so writes (and folds) that happen while
 * the caller fetches the interviews cannot change what it renders.
 */
export interface SearchPlan {
  /** Interviews whose content {@link SearchPlan.render} needs (its page, and phrase checks). */
  readonly documentIds: readonly string[];
  /** Renders the page; hits whose interview the lookup lacks (or that changed) are skipped. */
  render(lookup?: DocumentLookup): SearchPage;
}
