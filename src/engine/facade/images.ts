// The images noun of the facade: the store's records as an observable list (the same array
// until something changes), and every image operation, each announced on the event bus.
// Another dockui process may change the store at any time: refresh() re-reads it. Pull, push,
// save, load and import load their modules on use.
import { EngineError, isEngineError, type ImageSummary, type PullProgress } from '../define.js';
import type { GcReport, Store } from '../store/index.js';
import type { ImageDetails } from '../types.js';
import type {
  ImageLayerFilesReport,
  ImageHistoryEntry,
  ArchiveSource,
  ArchiveTarget,
  ImageEngine,
  ImagePullOptions,
  ImageRemoveReport,
  ImageRemoveResult,
  ImportReport,
  LoadReport,
  PullReport,
  PushReport,
} from './api.js';
import type { EngineCore } from './core.js';

export class ImageEngineImpl implements ImageEngine {
  #list: readonly ImageSummary[] = [];
  #key = '';
  readonly #listeners = new Set<() => void>();
  #refreshing: Promise<void> | undefined;

  constructor(readonly core: EngineCore) {}

  subscribe(listener: () => void): () => void {
    this.core.live = true;
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  getSnapshot(): readonly ImageSummary[] {
    return this.#list;
  }

  refresh(): Promise<void> {
    this.core.live = true;
    // Coalesce overlapping refreshes: the store read is the expensive part.
    this.#refreshing ??= (async () => {
      try {
        const list = await (await this.core.store()).listImages();
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

  async #changed(): Promise<void> {
    if (this.core.live) await this.refresh();
  }

  async list(opts: { countUsers?: boolean } = {}): Promise<ImageSummary[]> {
    return (await this.core.store()).listImages({ countUsers: opts.countUsers ?? true });
  }

  async pull(ref: string, opts: ImagePullOptions = {}): Promise<PullReport> {
    const [store, { pullImage }] = await Promise.all([this.core.store(), import('../images/pull.js')]);
    const r = await pullImage(store, ref, {
      ...(opts.platform ? { platform: opts.platform } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
      onProgress: (p) => {
        opts.onProgress?.(p);
        this.core.events.emit('image.pulling', { ref, progress: p });
      },
      insecure: this.core.insecure,
    });
    this.core.events.emit('image.pulled', { ref: r.ref, id: r.id, digest: r.digest });
    await this.#changed();
    const summary =
      (this.core.live ? this.#list : await store.listImages()).find((i) => i.id === r.id) ?? (await this.inspect(r.id)).summary;
    return { ...summary, ...r };
  }

  async push(ref: string, opts: { signal?: AbortSignal; onProgress?: (p: PullProgress) => void } = {}): Promise<PushReport> {
    const [store, { pushImage }] = await Promise.all([this.core.store(), import('../registry/push.js')]);
    const r = await pushImage(store, ref, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      insecure: this.core.insecure,
    });
    this.core.events.emit('image.pushed', { ref: r.ref, digest: r.digest });
    return r;
  }

  async remove(ref: string, opts: { force?: boolean } = {}): Promise<void> {
    const r = await this.#remove(await this.core.store(), ref, opts.force ?? false);
    if (r.deleted.length) await this.#gc();
    await this.#changed();
  }

  async removeMany(refs: readonly string[], opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<ImageRemoveReport> {
    const store = await this.core.store();
    const results: ImageRemoveResult[] = [];
    for (const ref of refs) {
      try {
        results.push({ ref, ...(await this.#remove(store, ref, opts.force ?? false)) });
      } catch (e) {
        if (!isEngineError(e)) throw e;
        results.push({ ref, error: e });
      }
    }
    if (results.some((r) => 'deleted' in r && r.deleted.length > 0)) await this.#gc(opts.signal);
    await this.#changed();
    return { results };
  }

  async #remove(store: Store, ref: string, force: boolean): Promise<{ untagged: string[]; deleted: string[] }> {
    const r = await store.removeImage(ref, { force });
    for (const id of r.deleted.length ? r.deleted : ['']) this.core.events.emit('image.removed', { id, refs: r.untagged });
    return r;
  }

  /** Frees the space now, as `docker rmi` does; a running pull or build (a lease) defers it to the next prune. */
  async #gc(signal?: AbortSignal): Promise<void> {
    await (await this.core.store()).gc({ waitMs: 0, ...(signal ? { signal } : {}) }).catch((e: unknown) => {
      if (!isEngineError(e) || e.code !== 'unavailable') throw e;
    });
  }

  async inspect(ref: string): Promise<ImageDetails> {
    const [store, { inspectImage }] = await Promise.all([this.core.store(), import('../store/inspect.js')]);
    return (await inspectImage(store, ref)).details;
  }

  async inspectJson(ref: string): Promise<Record<string, unknown>> {
    const [store, { inspectImage }] = await Promise.all([this.core.store(), import('../store/inspect.js')]);
    return (await inspectImage(store, ref)).docker;
  }

  async resolveIds(refs: readonly string[]): Promise<Map<string, string>> {
    if (refs.length === 0) return new Map();
    return (await this.core.store()).resolveIds([...new Set(refs)]);
  }

  async ancestorIds(refs: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (refs.length === 0) return out;
    const store = await this.core.store();
    const named = await store.resolveIds([...new Set(refs)]);
    if (named.size === 0) return out;
    const [{ lineageOf }, parents] = await Promise.all([import('./image-lineage.js'), store.imageParents()]);
    for (const [ref, id] of named) out.set(ref, lineageOf(id, parents));
    return out;
  }

  async layerFiles(ref: string): Promise<ImageLayerFilesReport> {
    const [store, { imageLayerFiles }] = await Promise.all([this.core.store(), import('../store/layer-tree.js')]);
    const hit = await store.resolveImage(ref);
    const config = await store.imageConfig(hit.id);
    const layers = await store.imageLayers(hit.id, config);
    // As moby's history: each non-empty step made the next layer, in order.
    const steps = (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
    return imageLayerFiles(
      hit.id,
      layers.map((l, i) => ({ ...l, createdBy: steps.length === layers.length ? (steps[i] ?? '') : '' })),
    );
  }

  async history(ref: string): Promise<ImageHistoryEntry[]> {
    const store = await this.core.store();
    const hit = await store.resolveImage(ref);
    const config = await store.imageConfig(hit.id);
    const diffIds = config.rootfs?.diff_ids ?? [];
    let layer = 0;
    const rows: ImageHistoryEntry[] = [];
    // As moby's ImageHistory: each non-empty step takes the next layer, in order.
    for (const h of config.history ?? []) {
      let size = 0;
      if (!h.empty_layer) {
        const diffId = diffIds[layer++];
        if (diffId === undefined) throw new EngineError('internal', `image ${ref}: too many non-empty layers in its history`);
        size = (await store.layerSize(diffId)) ?? 0;
      }
      rows.unshift({
        id: '<missing>',
        ...(h.created ? { created: h.created } : {}),
        createdBy: h.created_by ?? '',
        size,
        comment: h.comment ?? '',
      });
    }
    if (rows[0]) rows[0] = { ...rows[0], id: hit.id };
    return rows;
  }

  async tag(source: string, target: string): Promise<void> {
    const store = await this.core.store();
    const ref = await store.tagImage(source, target);
    const { id } = await store.resolveImage(ref);
    this.core.events.emit('image.tagged', { ref, id });
    await this.#changed();
  }

  async prune(opts: { all?: boolean; signal?: AbortSignal } = {}): Promise<GcReport> {
    const store = await this.core.store();
    const r = await store.gc({ dangling: true, unused: opts.all ?? false, ...(opts.signal ? { signal: opts.signal } : {}) });
    await this.#changed();
    return r;
  }

  async save(names: readonly string[], to: ArchiveTarget, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const [store, { saveToFile, saveToStream }] = await Promise.all([this.core.store(), import('../images/archive.js')]);
    if ('file' in to) await saveToFile(store, names, to.file, opts);
    else await saveToStream(store, names, to.stream as NodeJS.WriteStream, opts);
  }

  async load(
    from: ArchiveSource,
    opts: { signal?: AbortSignal; onLayer?: (diffId: string, size: number, existed: boolean) => void } = {},
  ): Promise<LoadReport[]> {
    const [store, { loadArchive, loadArchiveStream }] = await Promise.all([this.core.store(), import('../images/archive.js')]);
    const o = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onLayer ? { onLayer: opts.onLayer } : {}) };
    const images =
      'file' in from
        ? await loadArchive(store, from.file, o)
        : await loadArchiveStream(store, from.stream, { ...o, name: from.name ?? 'stdin' });
    await this.#changed();
    return images;
  }

  async importRootfs(
    source: AsyncIterable<Buffer>,
    name: string,
    opts: { sourceName?: string; message?: string; signal?: AbortSignal } = {},
  ): Promise<ImportReport> {
    const [store, { importRootfs }] = await Promise.all([this.core.store(), import('../build/import.js')]);
    const r = await importRootfs(store, source, name, opts);
    await this.#changed();
    return r;
  }
}
