/**
 * Sudachi's synonym dictionary (the npm package `sudachi-synonyms-dictionary`, Apache-2.0: about 26,000
 * groups such as 需要/ニーズ, 副業/サイドビジネス, 収入/所得/稼ぎ) as the analyzer's terms → the groups they
 * belong to, for the shipped model's synonym features (`s:<group>`, lib/tagging/classifier.ts): a word seen in
 * the labels teaches the model its synonyms too. A devDependency read at train time only; the trained model
 * keeps just the entries its weights use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { indexTerms } from '../../lib/text/analyze.ts';

interface Item {
  /** 0: expand always, 1: only as a whole word, 2: never expand. */
  expandControl: number;
  midashi: string;
}
interface Group {
  id: string;
  items: Item[];
}

const HIRAGANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u;

/**
 * The dictionary as term → group ids. An item is left out when the dictionary says never to expand it
 * (expandControl 2), when it is written in hiragana only (particles, adverbs and other function-like words
 * whose kana forms collide with unrelated words), or when the analyzer does not read it as one word of two
 * characters or more (a compound split into several terms would fire on either part; one character, such as
 * 家 of 家庭/家/ホーム, is too ambiguous). A group keeps only items that give it at least two distinct terms
 * (a group of one term adds nothing to the term itself) and at most `maxTerms` (the big groups are the
 * generic ones).
 */
export function synonymGroups(maxTerms = 12): Map<string, string[]> {
  const require = createRequire(import.meta.url);
  // The package exports only its loader; the JSON sits beside it.
  const path = join(
    dirname(require.resolve('sudachi-synonyms-dictionary')),
    'sudachi-synonyms-dictionary.json',
  );
  const groups = JSON.parse(readFileSync(path, 'utf8')) as Group[];
  const out = new Map<string, string[]>();
  for (const g of groups) {
    const terms = new Set<string>();
    for (const item of g.items) {
      if (item.expandControl === 2 || HIRAGANA_ONLY.test(item.midashi)) continue;
      const term = wholeWordTerm(item.midashi);
      if (term) terms.add(term);
    }
    if (terms.size < 2 || terms.size > maxTerms) continue;
    for (const t of terms) {
      const list = out.get(t);
      if (list) list.push(g.id);
      else out.set(t, [g.id]);
    }
  }
  return out;
}

/** The analyzer's term for a word read whole (its longest term, covering all but a long-vowel mark), if any. */
function wholeWordTerm(word: string): string | null {
  const terms = [...new Set(indexTerms(word))];
  let best = '';
  for (const t of terms) if (t.length > best.length) best = t;
  const chars = [...word.normalize('NFKC')].length;
  return best.length >= 2 && best.length >= chars - 1 ? best : null;
}
