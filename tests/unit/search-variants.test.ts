/**
 * A spelling variant is searched by the words the analyzer keeps of it, and one that keeps less
 * than it drops is left out: やりがい's variant やり甲斐 was searched as 甲斐 alone and found
 * 甲斐駒ヶ岳 (a mountain) in an ASDC dialog, and the customer's answer to that question through it.
 */
import { describe, expect, it } from 'vitest';
import type { Interview } from '../../lib/model.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { QuoteIndex } from '../../lib/search/index.ts';
import { compileQuery } from '../../lib/search/query.ts';
import { VariantDictionary } from '../../lib/taxonomy/index.ts';

const dict = new VariantDictionary();
const variants = (f: string) => dict.variantsOf(f);

const dialog: Interview = parseInterview(
  [
    'オペレーター\t承知しました。北杜市ですと、甲斐駒ヶ岳や南アルプスをご覧いただけるところがございます。',
    '客\tありがたいです。南アルプスを臨める部屋がいいです。',
    'オペレーター\t仕事のやりがいは何ですか？',
    '客\t人の役に立てることにやりがいを感じます。',
    'オペレーター\t主人の方は？',
    '客\tご主人様のお仕事は順調です。',
  ].join('\n'),
  { id: 'd', format: 'tsv' },
);

describe('spelling variants that keep less than they drop', () => {
  it('やりがい finds the quotes that say it, not 甲斐駒ヶ岳 nor the answer to that question', () => {
    const index = new QuoteIndex({ variants });
    index.upsertInterview(dialog);
    const ids = index.search({ q: 'やりがい' }, () => dialog).hits.map((h) => h.quoteId);
    expect(ids.sort()).toEqual(['d-t003', 'd-t004']);
  });

  it('leaves out やり甲斐 (甲斐 alone) and keeps 遣り甲斐 (遣 and 甲斐 both needed)', () => {
    // Every 甲斐 of the tree sits in an and-node (beside 遣), none alone.
    const and = compileQuery('やりがい', 'hybrid', variants).query;
    const kai: string[] = [];
    // The path of node kinds from the root to each 甲斐.
    const walk = (n: unknown, path: string[]): void => {
      if (!n || typeof n !== 'object') return;
      const node = n as {
        kind?: string;
        term?: string;
        children?: unknown[];
        slots?: Array<{ node: unknown }>;
      };
      if (node.kind === 'term' && node.term === '甲斐') kai.push(path.join('>'));
      for (const c of node.children ?? []) walk(c, [...path, node.kind ?? '']);
      for (const s of node.slots ?? []) walk(s.node, [...path, 'slot']);
    };
    walk(and, []);
    expect(kai.length).toBeGreaterThan(0);
    expect(kai.every((p) => p.endsWith('and'))).toBe(true);
  });
});
