// The build cache. Keys chain like BuildKit's: a step's key hashes its parent's key, the step
// as expanded (instruction, flags, the env and args it sees) and, for COPY/ADD, the content
// digest of its sources — never mtimes. An entry, ROOT/build-cache/entries/<key>.json, holds
// the resulting state: the image config so far and the layers (diffIDs) and blobs (digests)
// it stands on, which keep them alive through the store's gc.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, OciImageConfig } from './image-config.js';

/** Bumped when the meaning of a key changes, so old entries simply stop matching. */
const keyVersion = 'dockui-build-1';

/** What a step leaves behind: its key, the image config so far, and its layers' descriptors. */
export interface BuildState {
  readonly key: string;
  readonly config: OciImageConfig;
  /** One per diff_id of config.rootfs, same order. */
  readonly layers: readonly Descriptor[];
  /** A FROM's state: the id of the image the stage starts from (the built image's parent). */
  readonly base?: string;
}

export interface CacheEntry {
  readonly version: 1;
  readonly key: string;
  readonly createdAt: string;
  /** diffIDs of every layer of the state (gc roots). */
  readonly layers: readonly string[];
  /** Digests of the layer blobs (gc roots). */
  readonly blobs: readonly string[];
  readonly descriptors: readonly Descriptor[];
  readonly config: OciImageConfig;
}

/** sha256 over the parent key and the step's canonical description. */
export function stepKey(parent: string, step: unknown): string {
  const h = createHash('sha256');
  h.update(keyVersion);
  h.update('\0');
  h.update(parent);
  h.update('\0');
  h.update(JSON.stringify(step));
  return `sha256:${h.digest('hex')}`;
}

export class BuildCache {
  readonly dir: string;
  constructor(buildCacheDir: string) {
    this.dir = join(buildCacheDir, 'entries');
  }

  #path(key: string): string {
    return join(this.dir, `${key.replace(/^sha256:/, '')}.json`);
  }

  /**
   * The entry for `key`, or undefined (missing or unreadable entries are misses, never errors).
   * A hit touches the file: its mtime is the record's "last used" (`builder prune --filter until=`).
   */
  get(key: string): CacheEntry | undefined {
    try {
      const p = this.#path(key);
      const e = JSON.parse(readFileSync(p, 'utf8')) as CacheEntry;
      if (e.version !== 1 || e.key !== key) return undefined;
      try {
        const now = new Date();
        utimesSync(p, now, now);
      } catch {
        // a read-only root: the record keeps its old time
      }
      return e;
    } catch {
      return undefined;
    }
  }

  put(state: BuildState): CacheEntry {
    const entry: CacheEntry = {
      version: 1,
      key: state.key,
      createdAt: new Date().toISOString(),
      layers: state.config.rootfs.diff_ids,
      blobs: state.layers.map((l) => l.digest),
      descriptors: state.layers,
      config: state.config,
    };
    mkdirSync(this.dir, { recursive: true });
    const p = this.#path(state.key);
    const tmp = `${p}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, p);
    return entry;
  }
}

export function stateOf(e: CacheEntry): BuildState {
  return { key: e.key, config: e.config, layers: e.descriptors };
}
