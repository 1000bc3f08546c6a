/**
 * Where the current tagger comes from: the taxonomy in use (the shipped file until an editor
 * changes it over the API; then the store's current version) and the model editors trained.
 * Cached; a process that writes the taxonomy or the model drops its cache at once, others
 * re-read the store's version at most every `refreshMs`.
 */
import type { TagStore } from '../store/port.ts';
import { defaultTaxonomy, type Taxonomy, TaxonomySchema } from '../taxonomy/index.ts';
import { ClassifierModelSchema } from './classifier.ts';
import { TopicTagger } from './tagger.ts';

/** The current tagger, and the taxonomy version it was built from. */
export interface TaggerSource {
  current(): Promise<TopicTagger>;
  /** Version of the taxonomy in use (0: the shipped file). */
  version(): Promise<number>;
  /** The taxonomy before any edit: version 0 (the shipped file), never stored. */
  base(): Taxonomy;
  /** Forget what is cached (after this process changed the taxonomy or the model). */
  invalidate(): void;
}

/** A fixed tagger (tests, the CLI, a store without edits). */
export class StaticTaggers implements TaggerSource {
  constructor(private readonly tagger: TopicTagger = new TopicTagger()) {}
  async current(): Promise<TopicTagger> {
    return this.tagger;
  }
  async version(): Promise<number> {
    return 0;
  }
  base(): Taxonomy {
    return this.tagger.taxonomy;
  }
  invalidate(): void {}
}

/** Options of {@link StoredTaggers}. */
export interface StoredTaggersOptions {
  /** How long a loaded tagger is used before the store is asked again (default 5 s). */
  refreshMs?: number;
  now?: () => number;
  /** The taxonomy before any edit (default: the shipped file). */
  base?: Taxonomy;
}

/** The tagger of the store's current taxonomy version and model. */
export class StoredTaggers implements TaggerSource {
  private loaded: { tagger: TopicTagger; version: number; at: number } | null = null;
  private loading: Promise<{ tagger: TopicTagger; version: number; at: number }> | null = null;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly shipped: Taxonomy;

  constructor(
    private readonly store: Pick<TagStore, 'readTaxonomy' | 'readModel'>,
    options: StoredTaggersOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.shipped = options.base ?? defaultTaxonomy;
  }

  private async load() {
    const [stored, model] = await Promise.all([this.store.readTaxonomy(), this.store.readModel()]);
    const taxonomy = stored ? TaxonomySchema.parse(stored.json) : this.shipped;
    const parsedModel = model ? ClassifierModelSchema.safeParse(model.json) : null;
    // Editors' own model once they have trained one from corrections; until then the shipped one,
    // imported here, not at the top: its ~430 KB of JSON is built and validated (~25 ms) the first
    // time a tagger is needed, not at every Lambda cold start (most read requests never tag).
    // esbuild keeps it in the one bundle, wrapped to run on this import (docs/performance.md).
    const trained = parsedModel?.success ? parsedModel.data : (await import('./shipped.ts')).shippedModel;
    return {
      tagger: new TopicTagger({ taxonomy, model: trained }),
      version: stored?.version ?? 0,
      at: this.now(),
    };
  }

  private async fresh() {
    if (this.loaded && this.now() - this.loaded.at < this.refreshMs) return this.loaded;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    this.loaded = await this.loading;
    return this.loaded;
  }

  async current(): Promise<TopicTagger> {
    return (await this.fresh()).tagger;
  }

  async version(): Promise<number> {
    return (await this.fresh()).version;
  }

  base(): Taxonomy {
    return this.shipped;
  }

  invalidate(): void {
    this.loaded = null;
  }
}
