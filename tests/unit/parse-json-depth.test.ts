/**
 * JSON transcripts are parsed with containers deeper than the schemas read emptied first
 * (`shallowJson`, lib/parse/json.ts), so a megabyte of `[[[…` is not materialised. That must not
 * show: the text is valid exactly when JSON.parse says so, and the value is JSON.parse's with
 * what lies deeper than the bound replaced by empty containers of the same kind; transcripts
 * parse to the same interview, or fail with the same error, as through JSON.parse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../lib/errors.ts';
import { parseInterview } from '../../lib/parse/index.ts';
import { shallowJson } from '../../lib/parse/json.ts';

/** JSON.parse's value with containers under `depth` others (0: the top itself) emptied. */
function truncated(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth === 0) return Array.isArray(value) ? [] : {};
  if (Array.isArray(value)) return value.map((v) => truncated(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncated(v, depth - 1)]));
}

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (e) {
    return { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  }
}

const nested = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.nat(12),
    fc.constantFrom('[', '{"k":'),
    fc.constantFrom(' ', '\n', ''),
  )
  .map(([inner, n, open, ws]) => {
    const close = open === '[' ? ']' : '}';
    return `${`${open}${ws}`.repeat(n)}${JSON.stringify(inner, null, ws === '\n' ? 1 : 0)}${`${ws}${close}`.repeat(n)}`;
  });
// Texts that are JSON, almost JSON (one character dropped, doubled or replaced), or neither.
const texts = fc.oneof(
  nested,
  fc
    .tuple(
      nested,
      fc.nat(),
      fc.constantFrom('', '[', ']', '{', '}', '"', ',', ':', '\\', '\u0001', '-', '0', 'e'),
    )
    .map(([t, at, ch]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + ch + t.slice(i + 1);
    }),
  fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', ',', ':', '1', ' ', '\\', 'n', 'u', 'e', '.') }),
);

describe('JSON read to the depth the schemas need', () => {
  it('is valid exactly when JSON.parse says so, with JSON.parse’s value emptied below the bound', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 0, max: 5 }), (text, depth) => {
        const shallow = shallowJson(text, depth);
        const expected = outcome(() => truncated(JSON.parse(text), depth));
        const got = outcome(() => JSON.parse(shallow));
        if ('error' in (expected as object)) expect('error' in (got as object), shallow).toBe(true);
        else expect(got, shallow).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves texts no deeper than the bound as they are', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(shallowJson(text)).toBe(text);
      }),
    );
  });

  it('parses transcripts to the same interview, or the same error, as reading the whole nest', () => {
    const turn = (extra: string) =>
      `{"title":"t","turns":[{"speaker":"山田","text":"はい","x":${extra}},{"speaker":"聞き手","text":"どうも"}]}`;
    const deep = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);
    const bodies = [
      turn(deep(5_000)),
      turn(deep(40)),
      turn(`${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`),
      // Invalid deep inside (a missing bracket, a bad escape), and invalid after a valid nest.
      turn(`${'['.repeat(100)}${']'.repeat(99)}`),
      turn(`${'['.repeat(50)}"\\x"${']'.repeat(50)}`),
      `${turn(deep(60))},`,
      // Deep where the schema looks: turns of arrays, a text that is an array.
      `{"title":"t","turns":${deep(3_000)}}`,
      `{"title":"t","turns":[{"speaker":"山田","text":${deep(100)}}]}`,
      // A canonical interview keeps its shape.
      JSON.stringify(parseInterview('聞き手：趣味は？\n山田：介護です。', { id: 'c' })).replace(
        '"turns":',
        `"deep":${deep(80)},"turns":`,
      ),
    ];
    for (const body of bodies) {
      const got = outcome(() => parseInterview(body, { format: 'json', id: 'j' }));
      // The reference: the same transcript with the nest read in full by JSON.parse first.
      const reference = outcome(() => {
        const value = JSON.parse(body);
        return parseInterview(JSON.stringify(truncated(value, 32)), { format: 'json', id: 'j' });
      });
      let plain: unknown;
      try {
        JSON.parse(body);
        plain = reference;
      } catch (e) {
        plain = {
          error: `${ParseError.name}: ${new ParseError(1, `invalid JSON: ${(e as Error).message}`, 'json').message}`,
        };
      }
      expect(got, body.slice(0, 80)).toEqual(plain);
    }
  });
});
