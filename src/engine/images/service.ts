import type { ImageSummary } from '../define.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import { inspectImage } from '../store/inspect.js';
import type { ImageDetails, ImagesApi, PullOptions } from '../types.js';
import { pullImage } from './pull.js';

/**
 * The images half of the engine facade: the store's records as an observable list (the same
 * array until something changes), plus pull, remove, inspect and tag, each announced on the
 * event bus. Another dockui process may change the store at any time: refresh() re-reads it.
 */
export class ImagesService implements ImagesApi {
  #list: readonly ImageSummary[] = [];
  #key = '';
  readonly #listeners = new Set<() => void>();
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly insecure: readonly string[] = [],
  ) {}

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  getSnapshot(): readonly ImageSummary[] {
    return this.#list;
  }

  refresh(): Promise<void> {
    // Coalesce overlapping refreshes: the store read is the expensive part.
    this.#refreshing ??= (async () => {
      try {
        const list = await this.store.listImages();
        const key = JSON.stringify(list);
        if (key !== this.#key) {
          this.#key = key;
          this.#list = list;
          for (const l of this.#listeners) l();
        }
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async pull(ref: string, opts: PullOptions = {}): Promise<ImageSummary> {
    const r = await pullImage(this.store, ref, {
      ...(opts.platform ? { platform: opts.platform } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => {
        opts.onProgress?.(p);
        this.events.emit('image.pulling', { ref, progress: p });
      },
      insecure: this.insecure,
    });
    this.events.emit('image.pulled', { ref: r.ref, id: r.id, digest: r.digest });
    await this.refresh();
    const found = this.#list.find((i) => i.id === r.id);
    if (found) return found;
    const { details } = await inspectImage(this.store, r.id);
    return details.summary;
  }

  async remove(ref: string, opts: { force?: boolean } = {}): Promise<void> {
    const r = await this.store.removeImage(ref, opts);
    for (const id of r.deleted.length ? r.deleted : ['']) this.events.emit('image.removed', { id, refs: r.untagged });
    // Free the space now, as `docker rmi` does; a running pull or build (a lease) defers it.
    if (r.deleted.length) await this.store.gc({ waitMs: 0 }).catch(() => undefined);
    await this.refresh();
  }

  async inspect(ref: string): Promise<ImageDetails> {
    return (await inspectImage(this.store, ref)).details;
  }

  async tag(source: string, target: string): Promise<void> {
    const ref = await this.store.tagImage(source, target);
    const { id } = await this.store.resolveImage(ref);
    this.events.emit('image.tagged', { ref, id });
    await this.refresh();
  }
}
