// Content hashes of context files for COPY/ADD cache keys. A key must follow content, never
// mtimes (a `touch` or a fresh checkout must still hit the cache), yet re-reading 10,000 files
// on every save would cost more than the build. So the sha256 of each file is remembered per
// context under ROOT/build-cache/hashes/, keyed by the stat tuple (size, mtime ns, inode, mode):
// when the tuple is unchanged the file is not read again. A small file that is read is also
// kept (up to a budget per build): a COPY that misses the cache then writes it from memory and
// its layer takes it from there, instead of reading it twice more (copy-step.ts, layer.ts).
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { throwIfAborted } from '../define.js';
import type { ContextEntry } from './context.js';

type Cached = [size: number, mtimeNs: string, ino: string, mode: number, sha256: string];

interface HashFile {
  readonly version: 1;
  readonly dir: string;
  readonly files: Record<string, Cached>;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Files up to this size are kept in memory after hashing, up to `keepBudget` bytes in all. */
const keepMax = 256 << 10;
const keepBudget = 64 << 20;

export class ContentHasher {
  readonly #file: string;
  /** Content read for hashing, by rel, with the stat tuple it was read under. */
  readonly #kept = new Map<string, { tuple: string; data: Buffer }>();
  #keptBytes = 0;
  readonly #dir: string;
  #files: Record<string, Cached>;
  #dirty = false;
  /** Files read (not answered from the stat cache) since construction: for tests and progress. */
  reads = 0;

  constructor(buildCacheDir: string, contextDir: string) {
    this.#dir = join(buildCacheDir, 'hashes');
    this.#file = join(this.#dir, `${sha256Hex(contextDir).slice(0, 32)}.json`);
    this.#files = {};
    try {
      const parsed = JSON.parse(readFileSync(this.#file, 'utf8')) as HashFile;
      if (parsed.version === 1 && parsed.dir === contextDir) this.#files = parsed.files;
    } catch {
      /* missing or torn: start empty, it is only a cache */
    }
    this.contextDir = contextDir;
  }

  readonly contextDir: string;

  /** sha256 hex of a regular file's content, from the stat cache when its stat is unchanged. */
  fileHash(e: ContextEntry): string {
    const mtime = e.mtimeNs.toString();
    const ino = e.ino.toString();
    const c = this.#files[e.rel];
    if (c && c[0] === e.size && c[1] === mtime && c[2] === ino && c[3] === e.mode) return c[4];
    const keep = e.size <= keepMax && this.#keptBytes + e.size <= keepBudget;
    const { hex, data } = readAndHash(join(this.contextDir, e.rel), keep);
    // Kept only when it is what the walk saw (a file that changed size since is read again later).
    if (data && data.length === e.size) {
      this.#kept.set(e.rel, { tuple: `${e.size}:${mtime}:${ino}:${e.mode}`, data });
      this.#keptBytes += data.length;
    }
    this.reads++;
    this.#files[e.rel] = [e.size, mtime, ino, e.mode, hex];
    this.#dirty = true;
    return hex;
  }

  /**
   * The content of a regular file as it was hashed in this build, when it was small enough to
   * keep and its stat tuple is still the one it was hashed under; undefined otherwise.
   */
  contentOf(e: ContextEntry): Buffer | undefined {
    const k = this.#kept.get(e.rel);
    return k && k.tuple === `${e.size}:${e.mtimeNs}:${e.ino}:${e.mode}` ? k.data : undefined;
  }

  /**
   * The digest of a set of context entries as COPY sees them: each path (relative to where the
   * copy is rooted), its type, permission bits, and content hash or link target. Owners and
   * times are left out: COPY resets owners and a key must not follow mtimes.
   */
  digestOf(items: readonly { readonly name: string; readonly entry: ContextEntry }[], signal?: AbortSignal): string {
    const h = createHash('sha256');
    let n = 0;
    for (const { name, entry } of items) {
      if (++n % 1024 === 0) throwIfAborted(signal);
      let content = '';
      if (entry.type === 'file') content = this.fileHash(entry);
      else if (entry.type === 'symlink') content = readlinkSync(join(this.contextDir, entry.rel));
      h.update(`${name}\0${entry.type}\0${entry.mode.toString(8)}\0${content}\n`);
    }
    return `sha256:${h.digest('hex')}`;
  }

  /** Writes the stat cache back (temp then rename), dropping paths no longer in the context. */
  save(present?: ReadonlySet<string>): void {
    if (present) {
      for (const k of Object.keys(this.#files)) {
        if (present.has(k)) continue;
        delete this.#files[k];
        this.#dirty = true;
      }
    }
    if (!this.#dirty) return;
    mkdirSync(this.#dir, { recursive: true });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    const body: HashFile = { version: 1, dir: this.contextDir, files: this.#files };
    writeFileSync(tmp, JSON.stringify(body));
    renameSync(tmp, this.#file);
    this.#dirty = false;
  }
}

const chunk = Buffer.allocUnsafe(1 << 20);

/** sha256 hex of a file, read in 1 MiB chunks so big files never sit in memory whole. */
export function hashFileAt(path: string): string {
  return readAndHash(path, false).hex;
}

/** sha256 hex of a file and, with `keep` and when it fits in one chunk, a copy of its content. */
function readAndHash(path: string, keep: boolean): { hex: string; data?: Buffer } {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  let data: Buffer | undefined = keep ? Buffer.alloc(0) : undefined;
  try {
    for (let first = true; ; first = false) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const got = chunk.subarray(0, n);
      h.update(got);
      data = data && first ? Buffer.from(got) : undefined;
    }
  } finally {
    closeSync(fd);
  }
  return { hex: h.digest('hex'), ...(data ? { data } : {}) };
}
