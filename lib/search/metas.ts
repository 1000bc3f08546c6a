/**
 * The index's interview metadata, by interview id. A part's header stores the metadata of its
 * interviews as columns ({@link MetaColumns}: one flat array per field, fields at their default
 * left out), and a loaded part's rows become {@link InterviewMeta} objects when first asked for:
 * at 1M quotes a cold start parses a few flat arrays instead of 50,000 objects (their JSON was
 * most of the header, and parsing it a third of the load).
 */
import type { InterviewMeta } from './types.ts';

/** Fields of a meta that are not at their default (null: absent, as in metas of older snapshots). */
interface MetaMore {
  publishedAtMs?: number | null;
  interviewees?: InterviewMeta['interviewees'];
  people?: InterviewMeta['people'] | null;
  coSpeakers?: InterviewMeta['coSpeakers'] | null;
}

/** Interview metadata as a part header stores it: row i of each array is one interview. */
export interface MetaColumns {
  /** Absent when the ids are the part's live keys (its slot keys but the dead ones), as they mostly are. */
  id?: string[];
  title: string[];
  publishedAt: Array<string | null>;
  quotes: number[];
  fingerprint: string[];
  /** By row, the fields not at their default: publishedAtMs not parsed from publishedAt, interviewees, people, coSpeakers. */
  more: Record<string, MetaMore>;
}

/** publishedAtMs as indexing derives it from publishedAt. */
function msOf(publishedAt: string | null): number | null {
  const ms = publishedAt ? Date.parse(publishedAt) : null;
  return ms === null || Number.isNaN(ms) ? null : ms;
}

/** Metas as columns (see {@link MetaColumns}); `liveKeys` are the part's. */
export function metaColumns(metas: readonly InterviewMeta[], liveKeys: readonly string[]): MetaColumns {
  const id: string[] = [];
  const cols: MetaColumns = { title: [], publishedAt: [], quotes: [], fingerprint: [], more: {} };
  metas.forEach((m, i) => {
    id.push(m.id);
    cols.title.push(m.title);
    cols.publishedAt.push(m.publishedAt);
    cols.quotes.push(m.quotes);
    cols.fingerprint.push(m.fingerprint);
    const more: MetaMore = {};
    if (m.publishedAtMs !== msOf(m.publishedAt)) more.publishedAtMs = m.publishedAtMs;
    if (m.interviewees.length > 0) more.interviewees = m.interviewees;
    if (m.people === undefined) more.people = null;
    else if (m.people.length > 0) more.people = m.people;
    if (m.coSpeakers === undefined) more.coSpeakers = null;
    else if (Object.keys(m.coSpeakers).length > 0) more.coSpeakers = m.coSpeakers;
    if (Object.keys(more).length > 0) cols.more[i] = more;
  });
  if (id.length !== liveKeys.length || id.some((k, i) => k !== liveKeys[i])) cols.id = id;
  return cols;
}

/** Interview metadata by id (the part of Map's interface the index uses). */
export class InterviewMetas {
  /** A meta, or the number of a loaded row not asked for yet. */
  private readonly rows = new Map<string, InterviewMeta | number>();
  /** Loaded columns, each numbering its rows from `first`. */
  private readonly tables: Array<{ first: number; ids: readonly string[]; cols: MetaColumns }> = [];
  private nextRow = 0;

  get size(): number {
    return this.rows.size;
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  get(id: string): InterviewMeta | undefined {
    const v = this.rows.get(id);
    if (typeof v !== 'number') return v;
    const meta = this.row(v);
    this.rows.set(id, meta);
    return meta;
  }

  set(id: string, meta: InterviewMeta): void {
    this.rows.set(id, meta);
  }

  delete(id: string): boolean {
    return this.rows.delete(id);
  }

  keys(): IterableIterator<string> {
    return this.rows.keys();
  }

  *values(): IterableIterator<InterviewMeta> {
    for (const id of [...this.rows.keys()]) yield this.get(id) as InterviewMeta;
  }

  /**
   * Adds a part's rows (later rows of an id replace earlier ones), materialized when first read;
   * `liveKeys` are the part's, the ids when the columns leave them out.
   */
  adopt(cols: MetaColumns, liveKeys: readonly string[]): void {
    const first = this.nextRow;
    const id = cols.id ?? liveKeys;
    this.tables.push({ first, ids: id, cols });
    for (let i = 0; i < id.length; i++) this.rows.set(id[i] as string, first + i);
    this.nextRow += id.length;
  }

  private row(n: number): InterviewMeta {
    let t = this.tables.length - 1;
    while (t > 0 && (this.tables[t] as (typeof this.tables)[0]).first > n) t--;
    const { first, ids, cols } = this.tables[t] as (typeof this.tables)[0];
    const i = n - first;
    const publishedAt = cols.publishedAt[i] ?? null;
    const meta: InterviewMeta = {
      id: ids[i] as string,
      title: cols.title[i] as string,
      publishedAt,
      publishedAtMs: msOf(publishedAt),
      interviewees: [],
      people: [],
      coSpeakers: {},
      quotes: cols.quotes[i] ?? 0,
      fingerprint: cols.fingerprint[i] as string,
    };
    const more = cols.more[i];
    if (more) {
      if (more.publishedAtMs !== undefined) meta.publishedAtMs = more.publishedAtMs;
      if (more.interviewees) meta.interviewees = more.interviewees;
      if (more.people === null) delete meta.people;
      else if (more.people) meta.people = more.people;
      if (more.coSpeakers === null) delete meta.coSpeakers;
      else if (more.coSpeakers) meta.coSpeakers = more.coSpeakers;
    }
    return meta;
  }
}
