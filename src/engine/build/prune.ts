// `docker builder prune`: the build cache's records go, then the store's gc frees the layers and
// blobs only they held. A record is a step's cache entry (ROOT/build-cache/entries/<key>.json)
// or a RUN --mount=type=cache directory (build-cache/mounts/<id>). As BuildKit's prune without
// --all keeps records shared with an image, so does this one: an entry whose top layer an image
// has stays unless `all`. `untilMs`: only records last used longer ago than that. `keepStorage`:
// the oldest go first, until what stays is at most that big. An entry's "last used" is its
// file's mtime (the builder touches it on every cache hit).
import { lstat, readFile, readdir, rm } from '../util/fsa.js';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { EngineError } from '../define.js';
import { parseSize } from '../dockerfile/values.js';

export interface BuildPruneOptions {
  readonly all?: boolean;
  readonly untilMs?: number;
  /** --keep-storage: bytes, or docker's size words (512m, 1g). */
  readonly keepStorage?: string;
  readonly signal?: AbortSignal;
}

export interface BuildPruneReport {
  /** The records removed: entry keys (hex) and cache-mount ids. */
  readonly deleted: readonly string[];
  readonly spaceReclaimed: number;
}

interface Rec {
  readonly id: string;
  readonly path: string;
  readonly usedMs: number;
  readonly layers: readonly string[];
  /** Bytes this record alone accounts for (its own layers, a mount's files). */
  size: number;
  readonly dir: boolean;
}

async function du(p: string): Promise<number> {
  const st = await lstat(p).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let n = st.size;
  for (const e of await readdir(p).catch(() => [] as string[])) n += await du(join(p, e));
  return n;
}

async function records(store: Store, cacheDir: string): Promise<Rec[]> {
  const out: Rec[] = [];
  const entries = join(cacheDir, 'entries');
  for (const name of await readdir(entries).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
    const path = join(entries, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st) continue;
    let layers: string[] = [];
    try {
      const e = JSON.parse(await readFile(path, 'utf8')) as { layers?: unknown };
      if (Array.isArray(e.layers)) layers = e.layers.filter((l): l is string => typeof l === 'string');
    } catch {
      // broken or half-written: a record of no size, removed like the others
    }
    out.push({ id: name.slice(0, 64), path, usedMs: st.mtimeMs, layers, size: st.size, dir: false });
  }
  // Each layer is counted once, for the shortest chain that has it (the step that made it).
  const byLength = [...out].sort((a, b) => a.layers.length - b.layers.length || a.usedMs - b.usedMs);
  const counted = new Set<string>();
  for (const r of byLength)
    for (const l of r.layers)
      if (!counted.has(l)) {
        counted.add(l);
        r.size += (await store.layerSize(l)) ?? 0;
      }
  const mounts = join(cacheDir, 'mounts');
  for (const name of await readdir(mounts).catch(() => [] as string[])) {
    const path = join(mounts, name);
    const st = await lstat(path).catch(() => undefined);
    if (st) out.push({ id: name, path, usedMs: st.mtimeMs, layers: [], size: await du(path), dir: true });
  }
  return out;
}

function keepBytes(v: string): number {
  try {
    return parseSize(v.trim());
  } catch {
    throw new EngineError('invalid_argument', `invalid argument "${v}" for "--keep-storage" flag: use bytes or a size (512m, 1g)`);
  }
}

export async function pruneBuildCache(store: Store, root: string, opts: BuildPruneOptions = {}): Promise<BuildPruneReport> {
  const keep = opts.keepStorage === undefined ? undefined : keepBytes(opts.keepStorage);
  const cacheDir = join(root, 'build-cache');
  const all = await records(store, cacheDir);
  const imageLayers = new Set<string>();
  if (!opts.all)
    for (const img of await store.listImages({ all: true }))
      for (const l of (await store.imageConfig(img.id)).rootfs?.diff_ids ?? []) imageLayers.add(l);
  const now = Date.now();
  let candidates = all.filter(
    (r) =>
      (opts.all || r.dir || r.layers.length === 0 || !imageLayers.has(r.layers.at(-1)!)) &&
      (opts.untilMs === undefined || r.usedMs < now - opts.untilMs),
  );
  if (keep !== undefined) {
    // Oldest first, until what is left fits.
    let total = all.reduce((a, r) => a + r.size, 0);
    candidates = candidates
      .sort((a, b) => a.usedMs - b.usedMs)
      .filter((r) => {
        if (total <= keep) return false;
        total -= r.size;
        return true;
      });
  }
  let files = 0;
  const deleted: string[] = [];
  for (const r of candidates) {
    opts.signal?.throwIfAborted();
    if (!r.dir) files += (await lstat(r.path).catch(() => undefined))?.size ?? 0;
    else files += r.size;
    await rm(r.path, { recursive: true, force: true });
    deleted.push(r.id);
  }
  if (opts.all && opts.untilMs === undefined && keep === undefined)
    for (const d of ['copy-index', 'hashes']) {
      files += await du(join(cacheDir, d));
      await rm(join(cacheDir, d), { recursive: true, force: true });
    }
  const gc = deleted.length ? await store.gc({ ...(opts.signal ? { signal: opts.signal } : {}) }) : undefined;
  return { deleted, spaceReclaimed: files + (gc?.bytesFreed ?? 0) };
}
