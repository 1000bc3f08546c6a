/** What every page is rendered with: the language, its words, links and the assets' addresses. */
import type { TopicTagger } from '../tagger.ts';
import { type Lang, type Messages, messages } from './i18n.ts';

/** Query parameters of a console link (arrays repeat the key; empty values are dropped). */
export type LinkParams = Record<string, string | number | readonly string[] | undefined | null>;

/** The rendering context of one request. */
export interface View {
  lang: Lang;
  t: Messages;
  /** A console link that keeps the language. */
  href(path: string, params?: LinkParams, hash?: string): string;
  /** A tag's label in the page's language (its id for manual tags). */
  tagLabel(id: string): string;
  /** Addresses of the stylesheet and the script. */
  assets: { css: string; js: string };
}

/** Builds a query string from link parameters (sorted as given, empty values dropped). */
export function queryString(params: LinkParams): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** The view of a request in `lang`. */
export function makeView(lang: Lang, tagger: TopicTagger, assets: View['assets']): View {
  return {
    lang,
    t: messages(lang),
    href: (path, params = {}, hash) =>
      `${path}${queryString({ ...params, lang: lang === 'en' ? 'en' : undefined })}${hash ? `#${encodeURIComponent(hash)}` : ''}`,
    tagLabel: (id) => {
      const topic = tagger.topic(id);
      return topic ? (lang === 'en' ? topic.labelEn : topic.label) : id;
    },
    assets,
  };
}
