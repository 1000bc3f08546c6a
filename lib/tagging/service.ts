/**
 * The tag use cases, on top of the store ports: one consistent model of tags. A quote's
 * effective tags are its automatic topics (through merges' aliases) plus what editors added minus
 * what they removed; a person's are what their quotes carry plus and minus their own
 * corrections. Every read (quote views, profiles, people by tag, /tags, search through the index)
 * goes through that model, and every edit updates the memberships of just the interviews it
 * touches. Merges are checked, can be previewed, listed and undone; the taxonomy is edited here
 * and re-scored in the background; bulk edits and the audit trail live here too.
 */
import { ConflictError, KikigakiError, NotFoundError, ValidationError } from '../errors.ts';
import { interviewIdOfQuote } from '../ids.ts';
import type { Job, Jobs } from '../jobs/runner.ts';
import type { Change } from '../service.ts';
import type { Merge, MergeChange } from '../store/items.ts';
import type { AuditEntry, AuditFilter, ManualTags, Page, Store } from '../store/port.ts';
import { autoTagsOf, effectiveTags, resolveAlias } from '../tags.ts';
import { type Taxonomy, TaxonomySchema, type TopicInput, TopicSchema } from '../taxonomy/index.ts';
import { DEFAULT_TRAINING, type TrainingExample, trainClassifier } from './classifier.ts';
import { sorted, type Tagging, type TaggingDeps } from './deps.ts';
import { isLive, mergedAway, register } from './directory.ts';
import { autoTagsChanged, recordOf, type TagStep } from './record.ts';
import { refreshInterviews } from './refresh.ts';
import type { TaggerSource } from './source.ts';
import type { TopicTagger } from './tagger.ts';

/** What a merge did, or would do (dry run). */
export interface MergeResult {
  id: string | null;
  from: string;
  into: string;
  dryRun: boolean;
  createdTarget: boolean;
  /** Quotes that carried `from` and now carry `into`. */
  quotes: number;
  /** People that carried `from`. */
  people: number;
  /** Interviews whose tags change. */
  interviews: number;
  /** Corrections (of quotes and people) rewritten, to be restored by an undo. */
  corrections: number;
  /**
   * The job re-indexing the interviews when they are more than a request should wait for (the
   * merge stays `applying` until it is done); null when that was done before answering.
   */
  job: Job | null;
}

/** What an undo did. */
export interface UndoResult {
  id: string;
  from: string;
  into: string;
  restored: number;
  /** Corrections edited after the merge: kept as the editors left them. */
  kept: string[];
  interviews: number;
  /** The job re-indexing the interviews when there are many; null when done before answering. */
  job: Job | null;
}

/** A search a bulk edit applies to (the index resolves it to quote ids). */
export interface BulkSearch {
  /** All quote ids the search matches. */
  quoteIds: readonly string[];
  /** The search as the request gave it (kept in the audit entry). */
  description: string;
}

/** What a bulk edit did, or would do. */
export interface BulkResult {
  dryRun: boolean;
  quotes: number;
  interviews: number;
  /** Quotes whose tags actually change. */
  changed: number;
  add: string[];
  remove: string[];
}

/** The taxonomy as the API shows it. */
export interface TaxonomyView {
  version: number;
  topics: Taxonomy['topics'];
}

/** A taxonomy edit's answer: the new taxonomy and the background re-score. */
export interface TaxonomyEdit extends TaxonomyView {
  job: Job | null;
}

/** Corrections of quotes kept at most per topic in the model (a few hundred KB in all). */
const MODEL_MAX_WEIGHTS = 2500;

/** kikigaki's tag use cases. */
export class TagService implements Tagging {
  readonly store: Store;
  readonly taggers: TaggerSource;
  readonly afterCommit: (change: Change) => Promise<void>;
  readonly jobs: Jobs | null;
  readonly inlineInterviews: number;
  readonly now: () => Date;
  readonly tag: TagStep;

  constructor(deps: TaggingDeps) {
    this.store = deps.store;
    this.taggers = deps.taggers;
    this.afterCommit = deps.afterCommit ?? (async () => {});
    this.jobs = deps.jobs ?? null;
    this.inlineInterviews = deps.inlineInterviews ?? 100;
    this.now = deps.now ?? (() => new Date());
    this.tag = deps.tag ?? recordOf;
  }

  /** The current tagger (taxonomy version and learned model). */
  tagger(): Promise<TopicTagger> {
    return this.taggers.current();
  }

  // ------------------------------------------------------------------ merges

  /**
   * Merges `from` into `into` everywhere: quotes and people that carry `from` carry `into`, the
   * tagger's `from` becomes `into`, corrections naming `from` are rewritten (their earlier state
   * kept for an undo). `from` must exist (404); `into` must exist unless `create` (404), and
   * must not itself be merged away (409). A dry run reports what would move and changes nothing.
   * Only the interviews that carry `from` are re-indexed.
   */
  async merge(
    from: string,
    into: string,
    options: { create?: boolean; dryRun?: boolean },
    who: string,
  ): Promise<MergeResult> {
    if (from === into) throw new ValidationError('a tag cannot be merged into itself');
    const aliases = await this.store.aliases();
    if (aliases.has(from)) throw mergedAway(from, aliases);
    if (!(await isLive(this, from, aliases))) throw new NotFoundError('tag', from);
    if (aliases.has(into)) throw mergedAway(into, aliases);
    const targetExists = await isLive(this, into, aliases);
    if (!targetExists && !options.create)
      throw new KikigakiError(
        'not_found',
        `tag '${into}' not found; send "create": true to merge into a new tag`,
        {
          what: 'tag',
          id: into,
        },
      );
    const quotes = await this.store.allQuotesWithTag(from);
    const people = await this.store.peopleWithTag(from);
    const corrected = await this.store.quotesCorrectedWithTag(from);
    const quoteManual = await this.store.manualQuoteTags(corrected.map((c) => c.quoteId));
    const personIds = [...new Set(people.map((p) => p.personId))];
    const personManual = await this.store.manualPersonTags(personIds);
    const personChanges = personIds.filter((id) => {
      const m = personManual.get(id);
      return m && (m.add.includes(from) || m.remove.includes(from));
    });
    const interviews = new Set<string>([
      ...quotes.map((q) => q.interviewId),
      ...people.flatMap((p) => (p.interviewId ? [p.interviewId] : [])),
      ...corrected.flatMap((c) => interviewIdOfQuote(c.quoteId) ?? []),
    ]);
    const result: MergeResult = {
      id: null,
      from,
      into,
      dryRun: options.dryRun === true,
      createdTarget: !targetExists,
      quotes: quotes.length,
      people: personIds.length,
      interviews: interviews.size,
      corrections: quoteManual.size + personChanges.length,
      job: null,
    };
    if (options.dryRun) return result;

    const at = this.now().toISOString();
    const id = `${this.now().getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const merge: Merge = {
      id,
      from,
      into,
      createdTarget: !targetExists,
      at,
      who,
      state: 'applying',
      quotes: quotes.length,
      people: personIds.length,
      interviews: interviews.size,
    };
    // The record first: a merge that stops half-way can still be seen and undone.
    await this.store.putMerge(merge);
    const swap = (xs: readonly string[]) => sorted(xs.map((x) => (x === from ? into : x)));
    const changes: MergeChange[] = [];
    for (const [quoteId, m] of quoteManual) {
      const next = { add: swap(m.add), remove: swap(m.remove) };
      // A quote both adding and removing `into` after the swap keeps the removal.
      next.add = next.add.filter((t) => !next.remove.includes(t));
      const written = await this.store.putQuoteTags(quoteId, next, m.version, who, {
        audit: false,
        refresh: false,
      });
      changes.push({
        mergeId: id,
        target: { kind: 'quote', quoteId },
        before: m,
        afterVersion: written.version,
      });
    }
    for (const personId of personChanges) {
      const m = personManual.get(personId) as ManualTags;
      const next = { add: swap(m.add), remove: swap(m.remove) };
      next.add = next.add.filter((t) => !next.remove.includes(t));
      const written = await this.store.putPersonTags(personId, next, m.version, who, { audit: false });
      changes.push({
        mergeId: id,
        target: { kind: 'person', personId },
        before: m,
        afterVersion: written.version,
      });
    }
    await this.store.putMergeChanges(changes);
    if (!targetExists) await register(this, [into], who);
    await this.store.putAlias(from, into, who, id);
    this.taggers.invalidate();
    // Many interviews: a job re-indexes them in bounded steps (lib/jobs/steps.ts) and completes
    // the merge; the merge stays `applying` meanwhile.
    if (this.jobs && interviews.size > this.inlineInterviews) {
      const job = await this.jobs.submit({ kind: 'merge', mergeId: id, reason: `merge ${from} → ${into}` });
      return { ...result, id, job };
    }
    await refreshInterviews(this, interviews);
    await this.completeMerge(id);
    return { ...result, id };
  }

  /** Marks a merge applied once its interviews are re-indexed, and records it in the audit trail. */
  async completeMerge(mergeId: string): Promise<void> {
    const merge = await this.store.getMerge(mergeId);
    if (merge?.state !== 'applying') return;
    // Not over an undo that came meanwhile (it left the merge `undone`).
    if (!(await this.store.putMerge({ ...merge, state: 'applied' }, 'applying'))) return;
    await this.store.writeAudit({
      subject: { kind: 'tag', tag: merge.from },
      who: merge.who,
      action: 'merge',
      tags: [merge.from, merge.into],
      detail: { mergeId, quotes: merge.quotes, people: merge.people, interviews: merge.interviews },
    });
    this.taggers.invalidate();
  }

  /** Merges, newest first. */
  merges(options: { limit: number; cursor?: string | undefined }): Promise<Page<Merge>> {
    return this.store.listMerges(options);
  }

  /**
   * Undoes a merge: the alias goes, corrections the merge rewrote get their earlier state back
   * (those edited since are kept as editors left them, and listed), a target the merge created
   * goes when nothing uses it any more, and the interviews that carry either tag are re-indexed.
   */
  async undoMerge(mergeId: string, who: string): Promise<UndoResult> {
    const merge = await this.store.getMerge(mergeId);
    if (!merge) throw new NotFoundError('merge', mergeId);
    if (merge.state === 'undone') throw new ConflictError(`merge ${mergeId} was undone already`);
    const aliases = await this.store.aliases();
    // A later merge of the target elsewhere must be undone first, or `from` would follow it.
    for (const [f, t] of aliases)
      if (f === merge.into)
        throw new ConflictError(`'${merge.into}' was merged into '${t}' since; undo that first`);
    await this.store.deleteAlias(merge.from, merge.into);
    const changes = await this.store.mergeChanges(mergeId);
    const kept: string[] = [];
    let restored = 0;
    const interviews = new Set<string>();
    for (const c of changes) {
      const restore = { add: c.before.add, remove: c.before.remove };
      if (c.target.kind === 'quote') {
        const now = await this.store.getQuoteTags(c.target.quoteId);
        const interviewId = interviewIdOfQuote(c.target.quoteId);
        if (interviewId) interviews.add(interviewId);
        if (now.version !== c.afterVersion) {
          kept.push(c.target.quoteId);
          continue;
        }
        await this.store.putQuoteTags(c.target.quoteId, restore, now.version, who, {
          audit: false,
          refresh: false,
        });
      } else {
        const now = await this.store.getPersonTags(c.target.personId);
        if (now.version !== c.afterVersion) {
          kept.push(c.target.personId);
          continue;
        }
        await this.store.putPersonTags(c.target.personId, restore, now.version, who, { audit: false });
      }
      restored++;
    }
    // What carries `into` now includes what came from `from`: re-index those interviews.
    for (const q of await this.store.allQuotesWithTag(merge.into)) interviews.add(q.interviewId);
    for (const p of await this.store.peopleWithTag(merge.into))
      if (p.interviewId) interviews.add(p.interviewId);
    await this.store.putMerge(
      { ...merge, state: 'undone', undoneAt: this.now().toISOString(), undoneBy: who },
      merge.state,
    );
    await this.store.writeAudit({
      subject: { kind: 'tag', tag: merge.from },
      who,
      action: 'merge-undo',
      tags: [merge.from, merge.into],
      detail: { mergeId, restored, kept: kept.length, interviews: interviews.size },
    });
    this.taggers.invalidate();
    let job: Job | null = null;
    if (this.jobs && interviews.size > this.inlineInterviews)
      job = await this.jobs.submit({
        kind: 'undo',
        mergeId,
        reason: `undo merge ${merge.from} → ${merge.into}`,
      });
    else {
      await refreshInterviews(this, interviews);
      await this.completeUndo(mergeId);
    }
    return {
      id: mergeId,
      from: merge.from,
      into: merge.into,
      restored,
      kept,
      interviews: interviews.size,
      job,
    };
  }

  /** Once an undo's interviews are re-indexed: a target the merge created goes if nothing uses it. */
  async completeUndo(mergeId: string): Promise<void> {
    const merge = await this.store.getMerge(mergeId);
    if (!merge?.createdTarget) return;
    const used =
      (await this.store.quotesWithTag(merge.into, { limit: 1 })).items.length > 0 ||
      (await this.store.peopleWithTag(merge.into)).length > 0 ||
      (await this.store.quotesCorrectedWithTag(merge.into)).length > 0;
    if (!used) await this.store.deleteTagEntry(merge.into);
  }

  // ------------------------------------------------------------------ bulk edits

  /**
   * Tags or untags every quote a search matched: a dry run counts them; otherwise each quote's
   * corrections are written (no audit entry each), each interview re-indexed once, and one audit
   * entry records the whole edit.
   */
  async bulkEdit(
    search: BulkSearch,
    change: { add: string[]; remove: string[] },
    options: { dryRun?: boolean },
    who: string,
  ): Promise<BulkResult> {
    if (change.add.length + change.remove.length === 0)
      throw new ValidationError('name tags to add or remove');
    const aliases = await this.store.aliases();
    for (const t of change.remove) if (aliases.has(t)) throw mergedAway(t, aliases);
    const add = sorted(change.add.map((t) => resolveAlias(t, aliases)));
    const remove = sorted(change.remove);
    const ids = [...new Set(search.quoteIds)];
    const byInterview = new Map<string, string[]>();
    for (const q of ids) {
      const iv = interviewIdOfQuote(q);
      if (iv) byInterview.set(iv, [...(byInterview.get(iv) ?? []), q]);
    }
    let changed = 0;
    const touched = new Set<string>();
    for (const [interviewId, quoteIds] of byInterview) {
      const stored = await this.store.getInterview(interviewId);
      if (!stored) continue;
      const manual = await this.store.manualQuoteTags(quoteIds);
      for (const quoteId of quoteIds) {
        const m = manual.get(quoteId) ?? {
          add: [],
          remove: [],
          version: 0,
          updatedAt: null,
          updatedBy: null,
        };
        const auto = new Set(autoTagsOf(stored, quoteId).map((t) => resolveAlias(t, aliases)));
        const nextAdd = new Set(m.add);
        const nextRemove = new Set(m.remove);
        for (const t of remove) {
          nextAdd.delete(t);
          if (auto.has(t)) nextRemove.add(t);
        }
        for (const t of add) {
          nextAdd.add(t);
          nextRemove.delete(t);
        }
        const before = effectiveTags([...auto], m, aliases).join('\u0000');
        const next = { add: sorted(nextAdd), remove: sorted(nextRemove) };
        if (effectiveTags([...auto], next, aliases).join('\u0000') === before) continue;
        changed++;
        if (options.dryRun) continue;
        await this.store.putQuoteTags(quoteId, next, m.version, who, { audit: false, refresh: false });
        touched.add(interviewId);
      }
    }
    const result: BulkResult = {
      dryRun: options.dryRun === true,
      quotes: ids.length,
      interviews: byInterview.size,
      changed,
      add,
      remove,
    };
    if (options.dryRun || changed === 0) return result;
    await register(this, add, who);
    await refreshInterviews(this, touched);
    await this.store.writeAudit({
      subject: { kind: 'bulk' },
      who,
      action: 'bulk-tags',
      tags: sorted([...add, ...remove]),
      added: add,
      removed: remove,
      detail: {
        search: search.description.slice(0, 500),
        quotes: ids.length,
        changed,
        interviews: touched.size,
      },
    });
    return result;
  }

  // ------------------------------------------------------------------ audit

  /** The audit trail, newest first, narrowed to a quote, person, tag or actor. */
  audit(
    filter: { quote?: string; person?: string; tag?: string; actor?: string },
    options: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditEntry>> {
    if (filter.quote && filter.person) throw new ValidationError('filter by a quote or a person, not both');
    const f: AuditFilter = {
      subject: filter.quote
        ? { kind: 'quote', quoteId: filter.quote }
        : filter.person
          ? { kind: 'person', personId: filter.person }
          : undefined,
      tag: filter.tag,
      actor: filter.actor,
    };
    return this.store.listAudit(f, options);
  }

  // ------------------------------------------------------------------ the taxonomy

  /** The taxonomy in use and its version (0: the shipped file, never edited). */
  async taxonomy(): Promise<TaxonomyView> {
    const [tagger, version] = await Promise.all([this.taggers.current(), this.taggers.version()]);
    return { version, topics: tagger.taxonomy.topics };
  }

  /** One topic and the taxonomy version. */
  async topic(id: string): Promise<{ version: number; topic: Taxonomy['topics'][number] }> {
    const t = await this.taxonomy();
    const topic = t.topics.find((x) => x.id === id);
    if (!topic) throw new NotFoundError('topic', id);
    return { version: t.version, topic };
  }

  /** The taxonomy's stored versions, newest first (none until the first edit). */
  taxonomyVersions(): Promise<Array<{ version: number; at: string; who: string; change: string }>> {
    return this.store.taxonomyVersions();
  }

  /** Applies one change to the taxonomy (409 unless `expectedVersion` is current), then re-scores. */
  private async changeTaxonomy(
    expectedVersion: number | undefined,
    who: string,
    description: string,
    edit: (topics: Taxonomy['topics']) => Taxonomy['topics'],
  ): Promise<TaxonomyEdit> {
    this.taggers.invalidate();
    const current = await this.taxonomy();
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw new ConflictError('the taxonomy was changed by someone else meanwhile; reload and try again', {
        expectedVersion,
        version: current.version,
      });
    const next = TaxonomySchema.safeParse({ version: 2, topics: edit(current.topics) });
    if (!next.success)
      throw new ValidationError(
        `the taxonomy would be invalid: ${next.error.issues[0]?.message ?? 'invalid'}`,
      );
    const version = await this.store.putTaxonomy(next.data, current.version, who, description);
    this.taggers.invalidate();
    const [kind, topic] = description.split(' ') as [string, string];
    await this.store.writeAudit({
      subject: { kind: 'topic', topic },
      who,
      action: `topic-${kind}`,
      tags: [topic],
      detail: { version },
    });
    const job = await this.rescore(`taxonomy v${version}`);
    if (!job) await this.rescoreNow();
    return { version, topics: next.data.topics, job };
  }

  /** Creates a topic. */
  createTopic(topic: TopicInput, who: string, expectedVersion?: number): Promise<TaxonomyEdit> {
    const t = TopicSchema.parse(topic);
    return this.changeTaxonomy(expectedVersion, who, `create ${t.id}`, (topics) => {
      if (topics.some((x) => x.id === t.id)) throw new ConflictError(`topic '${t.id}' exists`);
      return [...topics, t];
    });
  }

  /** Changes a topic's labels, description, threshold, evidence or senses (not its id). */
  updateTopic(
    id: string,
    patch: Partial<Omit<TopicInput, 'id'>>,
    who: string,
    expectedVersion?: number,
  ): Promise<TaxonomyEdit> {
    return this.changeTaxonomy(expectedVersion, who, `update ${id}`, (topics) => {
      const i = topics.findIndex((x) => x.id === id);
      if (i < 0) throw new NotFoundError('topic', id);
      const merged = TopicSchema.safeParse({ ...topics[i], ...patch, id });
      if (!merged.success)
        throw new ValidationError(
          `the topic would be invalid: ${merged.error.issues[0]?.message ?? 'invalid'}`,
        );
      return topics.map((x, j) => (j === i ? merged.data : x));
    });
  }

  /** Deletes a topic: its automatic tags go at the re-score; tags editors added stay. */
  deleteTopic(id: string, who: string, expectedVersion?: number): Promise<TaxonomyEdit> {
    return this.changeTaxonomy(expectedVersion, who, `delete ${id}`, (topics) => {
      if (!topics.some((x) => x.id === id)) throw new NotFoundError('topic', id);
      if (topics.length === 1) throw new ValidationError('the taxonomy keeps at least one topic');
      return topics.filter((x) => x.id !== id);
    });
  }

  /**
   * Re-tags every interview with the current tagger and writes back those whose automatic topics
   * changed (a new revision each; the index follows): a job (lib/jobs) when there are jobs, so
   * it finishes at any size; null when there are none (then call {@link rescoreNow}).
   */
  async rescore(reason: string): Promise<Job | null> {
    if (!this.jobs) return null;
    return this.jobs.submit({ kind: 'rescore', reason });
  }

  /** Re-tags one interview; true when its automatic topics changed and were written. */
  async rescoreOne(id: string): Promise<boolean> {
    const tagger = await this.taggers.current();
    const stored = await this.store.getInterview(id);
    if (!stored) return false;
    const next = await this.tag(tagger, stored.interview);
    if (!autoTagsChanged(stored, next)) return false;
    const put = await this.store.putInterview(next);
    await this.afterCommit({
      kind: 'interview',
      id,
      committed: { interview: stored.interview, quoteTags: put.quoteTags, version: put.version },
    });
    return true;
  }

  /** Runs a re-score in the foreground (when there is no job queue: tests). */
  async rescoreNow(): Promise<number> {
    let changed = 0;
    for await (const id of this.store.interviewIds()) if (await this.rescoreOne(id)) changed++;
    return changed;
  }

  // ------------------------------------------------------------------ learning from editors

  /**
   * Retrains the model from editors' corrections (added tags are positives, removed ones
   * negatives, the other topics of a corrected quote weak negatives) and stores it; the tagger
   * uses it from then on. Run when the index is rebuilt.
   */
  async retrain(): Promise<{ examples: number; topics: number; bytes: number } | null> {
    const tagger = await this.taggers.current();
    const topics = new Set(tagger.taxonomy.topics.map((t) => t.id));
    const aliases = await this.store.aliases();
    const examples: TrainingExample[] = [];
    // Only corrected quotes teach: find them through the index of corrections by tag, then read
    // just their interviews (not every interview of the store).
    const named = new Set<string>();
    for (const tag of new Set([
      ...topics,
      ...(await this.store.tagEntries()).map((e) => e.tag),
      ...aliases.keys(),
    ]))
      for (const c of await this.store.quotesCorrectedWithTag(tag)) named.add(c.quoteId);
    const byInterview = new Map<string, string[]>();
    for (const q of named) {
      const iv = interviewIdOfQuote(q);
      if (iv) byInterview.set(iv, [...(byInterview.get(iv) ?? []), q]);
    }
    const ids = [...byInterview.keys()];
    for (let i = 0; i < ids.length; i += 25) {
      const stored = await this.store.getInterviews(ids.slice(i, i + 25));
      for (const [id, iv] of stored) {
        const quoteIds = byInterview.get(id) ?? [];
        const manual = await this.store.manualQuoteTags(quoteIds);
        for (const quoteId of quoteIds) {
          const t = iv.interview.turns.find((x) => x.id === quoteId);
          const m = manual.get(quoteId);
          if (!t || !m || (m.add.length === 0 && m.remove.length === 0)) continue;
          const q = t.questionId ? iv.interview.turns.find((x) => x.id === t.questionId)?.text : null;
          const question = t.role === 'interviewer' ? null : (q ?? null);
          const added = new Set(m.add.map((x) => resolveAlias(x, aliases)));
          const removed = new Set(m.remove.map((x) => resolveAlias(x, aliases)));
          // What the taxonomy's evidence says about the quote: the rich model weighs it with the words.
          const extra = tagger.modelFeatures(t.text, question, t.role === 'interviewer');
          const base = { text: t.text, question, extra };
          for (const topic of topics) {
            if (added.has(topic)) examples.push({ ...base, topic, label: true });
            else if (removed.has(topic)) examples.push({ ...base, topic, label: false });
            else examples.push({ ...base, topic, label: false, weight: 0.2 });
          }
        }
      }
    }
    if (examples.length === 0) return null;
    // The product's training setting, as chosen on the dev labels (the evidence features are
    // attached above; a bag-of-terms setting ignores them).
    const model = trainClassifier(examples, { ...DEFAULT_TRAINING, now: this.now });
    // Too few corrections of both kinds for any topic: keep the model there is.
    if (Object.keys(model.topics).length === 0) return null;
    // A bounded model: the strongest weights of each topic.
    for (const m of Object.values(model.topics)) {
      const strongest = Object.entries(m.weights)
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, MODEL_MAX_WEIGHTS);
      m.weights = Object.fromEntries(strongest);
    }
    const bytes = await this.store.putModel(model, model.trainedAt, examples.length);
    this.taggers.invalidate();
    return { examples: examples.length, topics: Object.keys(model.topics).length, bytes };
  }
}
