// The layer explorer's analysis (dive's, in spirit): per layer of an image, what it adds,
// modifies and removes against the layers below it, and what the image wastes — file versions a
// later layer overwrote or removed, which still cost their bytes in the layer that holds them.
// Read from each layer's index.json (its entries as unpacked, whiteouts and opaque dirs marked)
// or, when a layer has none, from its diff dir; every path is checked to stay inside the root.
import { readFile } from '../util/fsa.js';
import { dirname, join } from 'node:path';
import { walkDiff } from './layers.js';
import type { IndexEntry, IndexType } from './unpack.js';

export type LayerChangeKind = 'added' | 'modified' | 'removed';

export interface LayerChange {
  /** Relative to the image's root, "/"-separated; a dir removed with its content ends in "/". */
  readonly path: string;
  readonly kind: LayerChangeKind;
  /** file, dir, symlink... ('dir' for an opaque dir's removed content). */
  readonly type: string;
  /** Bytes this layer adds (added/modified), or bytes of the lower files it removes. */
  readonly size: number;
}

export interface LayerFilesReport {
  readonly diffId: string;
  /** The build step that made it (the config's history), "" when unknown. */
  readonly createdBy: string;
  /** Bytes of regular file content in the layer. */
  readonly size: number;
  readonly changes: readonly LayerChange[];
}

export interface WastedPath {
  readonly path: string;
  /** Bytes of its versions a later layer overwrote or removed. */
  readonly bytes: number;
  /** How many layers hold a version of it. */
  readonly copies: number;
}

export interface ImageLayerFilesReport {
  readonly id: string;
  readonly layers: readonly LayerFilesReport[];
  /** Sum of the layers' sizes. */
  readonly totalBytes: number;
  /** Bytes of file versions not in the final filesystem (overwritten or removed by a later layer). */
  readonly wastedBytes: number;
  /** dive's score: Σ per path of its smallest version over Σ of all its versions (1: nothing wasted). */
  readonly efficiency: number;
  /** The paths that waste the most, largest first (at most 50). */
  readonly wasted: readonly WastedPath[];
}

interface Present {
  readonly type: IndexType;
  readonly size: number;
}

interface PathStats {
  copies: number;
  cumulative: number;
  min: number;
  wasted: number;
}

/** A layer's entries, as its index records them (or walked from its diff dir). */
async function layerEntries(diffDir: string): Promise<IndexEntry[]> {
  try {
    return JSON.parse(await readFile(join(dirname(diffDir), 'index.json'), 'utf8')) as IndexEntry[];
  } catch {
    return (await walkDiff(diffDir)).map((w) => [w.rel, w.type, w.size, w.mode]);
  }
}

/** The path cleaned, or undefined when it would leave the root (absolute, `..`, empty). */
export function insideRoot(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..' || p.includes('\0'))) return undefined;
  return parts.join('/');
}

/** The analysis over the layers' entries, bottom layer first (pure: tested without a store). */
export function analyzeLayers(
  id: string,
  layers: readonly { readonly diffId: string; readonly createdBy: string; readonly entries: readonly IndexEntry[] }[],
): ImageLayerFilesReport {
  const present = new Map<string, Present>();
  const stats = new Map<string, PathStats>();
  const version = (path: string, size: number) => {
    const s = stats.get(path);
    if (!s) stats.set(path, { copies: 1, cumulative: size, min: size, wasted: 0 });
    else {
      s.copies++;
      s.cumulative += size;
      s.min = Math.min(s.min, size);
    }
  };
  const waste = (path: string, bytes: number) => {
    const s = stats.get(path);
    if (s) s.wasted += bytes;
  };
  /** Removes `path`'s lower content (itself too unless `keepSelf`); the bytes removed. */
  const removeUnder = (path: string, keepSelf: boolean): number => {
    let bytes = 0;
    const prefix = `${path}/`;
    for (const [p, v] of present)
      if ((p === path && !keepSelf) || p.startsWith(prefix)) {
        bytes += v.size;
        waste(p, v.size);
        present.delete(p);
      }
    return bytes;
  };
  const out: LayerFilesReport[] = [];
  for (const layer of layers) {
    const changes: LayerChange[] = [];
    let size = 0;
    for (const [raw, type, bytes] of layer.entries) {
      const path = insideRoot(raw);
      if (path === undefined) continue;
      if (type === 'whiteout') {
        const was = present.get(path);
        if (!was) continue;
        const removed = removeUnder(path, false);
        version(path, was.type === 'dir' || was.type === 'opaque-dir' ? removed : 0);
        changes.push({
          path: was.type === 'dir' || was.type === 'opaque-dir' ? `${path}/` : path,
          kind: 'removed',
          type: was.type,
          size: removed,
        });
        continue;
      }
      if (type === 'opaque-dir') {
        // Everything the lower layers had under it is hidden: removed, as one change.
        const hadContent = [...present.keys()].some((p) => p.startsWith(`${path}/`));
        if (hadContent) {
          const removed = removeUnder(path, true);
          changes.push({ path: `${path}/`, kind: 'removed', type: 'dir', size: removed });
        }
      }
      const was = present.get(path);
      const isDir = type === 'dir' || type === 'opaque-dir';
      if (type === 'file') size += bytes;
      if (was && !(was.type === 'dir' || was.type === 'opaque-dir')) waste(path, was.size);
      version(path, isDir ? 0 : bytes);
      present.set(path, { type, size: type === 'file' ? bytes : 0 });
      // A dir that was there already changes nothing by itself (its metadata at most).
      if (was && isDir && (was.type === 'dir' || was.type === 'opaque-dir')) continue;
      changes.push({ path, kind: was ? 'modified' : 'added', type, size: type === 'file' ? bytes : 0 });
    }
    out.push({ diffId: layer.diffId, createdBy: layer.createdBy, size, changes });
  }
  let minimum = 0;
  let cumulative = 0;
  let wastedBytes = 0;
  const wasted: WastedPath[] = [];
  for (const [path, s] of stats) {
    minimum += s.min;
    cumulative += s.cumulative;
    wastedBytes += s.wasted;
    if (s.copies > 1 && s.wasted > 0) wasted.push({ path, bytes: s.wasted, copies: s.copies });
  }
  wasted.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  return {
    id,
    layers: out,
    totalBytes: out.reduce((n, l) => n + l.size, 0),
    wastedBytes,
    efficiency: cumulative === 0 ? 1 : minimum / cumulative,
    wasted: wasted.slice(0, 50),
  };
}

/** Reads each layer's entries (bottom first) and analyses them. */
export async function imageLayerFiles(
  id: string,
  layers: readonly { readonly diffId: string; readonly dir: string; readonly createdBy: string }[],
): Promise<ImageLayerFilesReport> {
  const read = await Promise.all(layers.map(async (l) => ({ ...l, entries: await layerEntries(l.dir) })));
  return analyzeLayers(id, read);
}
