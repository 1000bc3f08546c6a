/**
 * Optional metadata header shared by the text formats: YAML-style front matter between `---`
 * lines (flat `key: value` pairs only), or `# key: value` comment lines in TSV.
 */
import { type Lines, normalizeDate } from './draft.ts';
import { skipSpaces } from './scan.ts';

/** Metadata keys the parsers understand. */
export interface Meta {
  title?: string;
  url?: string;
  publishedAt?: string;
  interviewer?: string;
  interviewee?: string;
  id?: string;
}

const KEYS: Record<string, keyof Meta> = {
  title: 'title',
  タイトル: 'title',
  url: 'url',
  date: 'publishedAt',
  publishedat: 'publishedAt',
  published_at: 'publishedAt',
  published: 'publishedAt',
  日付: 'publishedAt',
  interviewer: 'interviewer',
  聞き手: 'interviewer',
  interviewee: 'interviewee',
  話し手: 'interviewee',
  id: 'id',
};

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) {
    return t.slice(1, -1);
  }
  return t;
}

const isKeyChar = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 0x3040 && c <= 0x9fff);

/** Reads a `key: value` pair into `meta` when the key is known; returns whether it was. */
export function readMetaPair(text: string, meta: Meta): boolean {
  const from = skipSpaces(text);
  let to = from;
  while (to < text.length && isKeyChar(text.charCodeAt(to))) to++;
  if (to === from) return false;
  const colon = skipSpaces(text, to);
  if (text[colon] !== ':' && text[colon] !== '：') return false;
  const key = KEYS[text.slice(from, to).toLowerCase()];
  if (!key) return false;
  const value = unquote(text.slice(colon + 1));
  if (value) meta[key] = value;
  return true;
}

/** Splits off front matter; returns the metadata and the index of the first body line. */
export function frontMatter(lines: Lines): { meta: Meta; bodyStart: number } {
  const meta: Meta = {};
  let i = 0;
  while (i < lines.length && lines.blank(i)) i++;
  if (lines.text(i)?.trim() !== '---') return { meta, bodyStart: 0 };
  for (let j = i + 1; j < lines.length; j++) {
    const text = lines.text(j) ?? '';
    if (text.trim() === '---') return { meta, bodyStart: j + 1 };
    readMetaPair(text, meta);
  }
  return { meta: {}, bodyStart: 0 };
}

/**
 * Header of a livedoor article: URL, date, title on the first three lines. Every layout reads
 * it (interviews in `——` Q&A, `名前：` or speech bubbles all carry it).
 */
export function livedoorHeader(
  lines: Lines,
  from: number,
): { url: string; date: string; title: string; next: number } | null {
  const url = lines.text(from)?.trim() ?? '';
  const date = lines.text(from + 1)?.trim() ?? '';
  const title = lines.text(from + 2)?.trim() ?? '';
  if (/^https?:\/\/\S+$/.test(url) && normalizeDate(date) && title)
    return { url, date, title, next: from + 3 };
  return null;
}
