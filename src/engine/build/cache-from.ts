// `build --cache-from IMAGE`: an image's layers and history serve as cache, matched the way
// classic docker matches them (moby's imageCache.GetCache): a step's parent must be a prefix of
// the source image — the same history entries and the same layers, in order — and the source's
// next history entry must say the same step (its created_by). A RUN that matches is not run: it
// takes the source's layer. A COPY or ADD (whose history text does not say what it copied) is
// done, and its layer is the source's only when it came out the same (diff id). Matched entries
// keep the source's history (times included), so that the steps after them match in turn.
import { EngineError, isEngineError } from '../define.js';
import type { Store } from '../store/index.js';
import type { BuildState } from './cache.js';
import { cloneConfig, type Descriptor, type OciImageConfig } from './image-config.js';

export interface CacheSource {
  readonly ref: string;
  readonly config: OciImageConfig;
  readonly layers: readonly Descriptor[];
}

type History = OciImageConfig['history'][number];

/**
 * The images named by --cache-from: from the store, or pulled. One that cannot be had is
 * skipped with a warning, as docker skips it; a malformed reference fails the build first.
 */
export async function loadCacheSources(
  store: Store,
  refs: readonly string[],
  pull: ((ref: string, signal?: AbortSignal) => Promise<string>) | undefined,
  warn: (message: string) => void,
  signal?: AbortSignal,
): Promise<CacheSource[]> {
  const { parseReference } = await import('../util/reference.js');
  const out: CacheSource[] = [];
  for (const ref of refs) {
    try {
      parseReference(ref);
    } catch (e) {
      throw new EngineError('invalid_argument', `invalid --cache-from value ${JSON.stringify(ref)}: ${(e as Error).message}`);
    }
    let resolved;
    try {
      resolved = await store.resolveImage(ref);
    } catch (e) {
      if (!(isEngineError(e) && e.code === 'not_found')) throw e;
      try {
        if (!pull) throw e;
        await pull(ref, signal);
        resolved = await store.resolveImage(ref);
      } catch (pe) {
        if (signal?.aborted) throw pe;
        warn(`cache source ${ref} not found, skipped (${(pe as Error).message})`);
        continue;
      }
    }
    const config = JSON.parse((await store.readBlob(resolved.id)).toString('utf8')) as OciImageConfig;
    const manifest = JSON.parse((await store.readBlob(resolved.record.manifestDigest)).toString('utf8')) as { layers?: Descriptor[] };
    out.push({ ref, config, layers: manifest.layers ?? [] });
  }
  return out;
}

const same = (a: History | undefined, b: History | undefined) =>
  a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/** moby's isValidParent: `parent` is where `src` stood before the step at history[parent.history.length]. */
function isPrefix(src: CacheSource, parent: BuildState): boolean {
  const h = parent.config.history ?? [];
  const d = parent.config.rootfs.diff_ids;
  const sh = src.config.history ?? [];
  const sd = src.config.rootfs?.diff_ids ?? [];
  if (h.length >= sh.length || d.length > sd.length) return false;
  return h.every((e, i) => same(e, sh[i])) && d.every((x, i) => x === sd[i]);
}

/**
 * A RUN (or any step known by its history text alone): the state it leads to in a cache source,
 * under `key`, or undefined. The layer must still be in the store.
 */
export async function matchStep(
  store: Store,
  sources: readonly CacheSource[],
  parent: BuildState,
  createdBy: string,
  key: string,
): Promise<BuildState | undefined> {
  for (const src of sources) {
    if (!isPrefix(src, parent)) continue;
    const next = src.config.history[parent.config.history.length]!;
    if (next.created_by !== createdBy) continue;
    const config = cloneConfig(parent.config);
    config.history.push(next);
    if (next.empty_layer) return { key, config, layers: parent.layers };
    const n = parent.config.rootfs.diff_ids.length;
    const diffId = src.config.rootfs.diff_ids[n];
    const layer = src.layers[n];
    if (diffId === undefined || layer === undefined || !(await store.hasLayer(diffId)) || !(await store.hasBlob(layer.digest))) continue;
    config.rootfs.diff_ids.push(diffId);
    return { key, config, layers: [...parent.layers, layer] };
  }
  return undefined;
}

/**
 * A step that was done (COPY, a run of metadata steps): when its result is what a cache source
 * holds after `parent` — the same history texts, the same layers — the source's history entries
 * and layer descriptors take the place of the new ones.
 */
export function alignWithSource(sources: readonly CacheSource[], parent: BuildState, state: BuildState): BuildState {
  const n = parent.config.history.length;
  const added = state.config.history.slice(n);
  const newDiffs = state.config.rootfs.diff_ids.slice(parent.config.rootfs.diff_ids.length);
  if (added.length === 0) return state;
  for (const src of sources) {
    if (!isPrefix(src, parent)) continue;
    const theirs = src.config.history.slice(n, n + added.length);
    if (
      theirs.length !== added.length ||
      theirs.some((h, i) => h.created_by !== added[i]!.created_by || !h.empty_layer !== !added[i]!.empty_layer)
    )
      continue;
    const d0 = parent.config.rootfs.diff_ids.length;
    const theirDiffs = (src.config.rootfs.diff_ids ?? []).slice(d0, d0 + newDiffs.length);
    if (theirDiffs.length !== newDiffs.length || theirDiffs.some((d, i) => d !== newDiffs[i])) continue;
    const config = cloneConfig(state.config);
    config.history = [...parent.config.history, ...theirs];
    const layers = [...parent.layers, ...src.layers.slice(d0, d0 + newDiffs.length)];
    return { key: state.key, config, layers };
  }
  return state;
}
