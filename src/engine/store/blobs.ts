// Content-addressed blobs: ROOT/blobs/sha256/<hex>. Everything is written under ROOT/tmp first
// (same filesystem), fsynced, verified and renamed, so a half-written or unverified blob is
// never visible under blobs/.
import type { Hash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type ReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from '../util/fsa.js';
import { join } from 'node:path';
import { crypto } from '../util/builtin.js';
import { EngineError } from '../define.js';
import { tryLock } from './lock.js';

const digestRe = /^sha256:[0-9a-f]{64}$/;

/** Throws invalid_argument unless `d` is a sha256 digest ("sha256:" + 64 lowercase hex). */
export function checkDigest(d: string, what = 'digest'): string {
  if (!digestRe.test(d)) {
    if (/^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(d) && !d.startsWith('sha256:'))
      throw new EngineError('invalid_argument', `unsupported ${what} algorithm: ${d.split(':')[0]} (only sha256)`);
    throw new EngineError('invalid_argument', `invalid ${what}: ${JSON.stringify(d.slice(0, 80))}`);
  }
  return d;
}

export const isDigest = (d: string): boolean => digestRe.test(d);
export const hexOf = (d: string): string => d.slice('sha256:'.length);
export const sha256 = (data: Buffer | string): string => `sha256:${crypto().createHash('sha256').update(data).digest('hex')}`;

/** A unique name under ROOT/tmp that embeds our pid, so gc can tell a dead writer's leftovers. */
export function tempName(kind: string): string {
  return `${kind}-${process.pid}-${crypto().randomBytes(6).toString('hex')}`;
}

/** Parses the pid out of a temp name made by tempName(); undefined for other names. */
export function tempNamePid(name: string): number | undefined {
  const m = /^[a-z]+-(\d+)-[0-9a-f]{12}(\..*)?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A resumable write of one blob. Lifecycle: write* then exactly one of commit / abort / suspend. */
export interface BlobWriter {
  readonly digest: string;
  /** Bytes kept from an earlier interrupted attempt: continue the download from here (Range). */
  readonly offset: number;
  /** Bytes held so far (offset + written). */
  readonly written: number;
  write(chunk: Buffer): Promise<void>;
  /** Verifies size and sha256, fsyncs and publishes. A mismatch removes the partial and throws `unavailable`. */
  commit(): Promise<{ digest: string; size: number }>;
  /** Drops the partial. */
  abort(): Promise<void>;
  /** Keeps the partial so a later ingest() of the same digest resumes from it. */
  suspend(): Promise<void>;
}

/**
 * The fsync of a directory that makes renames into it durable, shared by the writers that need
 * one at about the same time (a group commit): a caller gets an fsync that began after its call,
 * so after its rename. A pull's layers commit several at a time; each used to fsync blobs/sha256
 * on its own (138 fsyncs in a 50-layer pull, 43 ms of the disk's time).
 */
export class DirSync {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  constructor(
    readonly dir: string,
    private readonly fsync: (dir: string) => Promise<void> = fsyncDir,
  ) {}

  sync(): Promise<void> {
    if (this.#running === undefined) {
      const run = this.fsync(this.dir).finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
      this.#running = run;
      return run;
    }
    // The running one may have begun before this caller's rename: the next one covers it, and
    // everyone who asks meanwhile shares it.
    this.#next ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.sync();
      });
    return this.#next;
  }
}

export class Blobs {
  readonly dir: string;
  readonly tmp: string;
  readonly #dirSync: DirSync;
  constructor(readonly root: string) {
    this.dir = join(root, 'blobs', 'sha256');
    this.tmp = join(root, 'tmp');
    this.#dirSync = new DirSync(this.dir);
  }

  /** Makes the renames into blobs/ done so far durable (see DirSync). */
  syncDir(): Promise<void> {
    return this.#dirSync.sync();
  }

  path(digest: string): string {
    return join(this.dir, hexOf(checkDigest(digest)));
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.path(digest))).isFile();
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    try {
      return (await stat(this.path(digest))).size;
    } catch {
      throw new EngineError('not_found', `blob ${digest} is not in the store`);
    }
  }

  /** Reads a whole blob (manifests, configs) and verifies its digest. */
  async read(digest: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const p = this.path(digest);
    let data: Buffer;
    try {
      // Configs and manifests are small: read at once, not through the thread pool.
      const st = statSync(p);
      if (st.size > maxBytes)
        throw new EngineError('invalid_argument', `blob ${digest} is ${st.size} bytes, more than the ${maxBytes} allowed here`);
      data = readFileSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('not_found', `blob ${digest} is not in the store`);
      throw e;
    }
    if (sha256(data) !== digest)
      throw new EngineError('failed_precondition', `blob ${digest} is corrupt on disk (run 'dockui system check')`);
    return data;
  }

  /** A stream of a stored blob (for push). Not verified: `check()` does that. */
  stream(digest: string, start = 0): ReadStream {
    return createReadStream(this.path(digest), { start });
  }

  /** Stores `data`; with `expected`, refuses content that does not match it. Returns the digest. */
  async put(data: Buffer, expected?: string): Promise<string> {
    const digest = sha256(data);
    if (expected !== undefined && checkDigest(expected) !== digest)
      throw new EngineError('invalid_argument', `content does not match ${expected} (it is ${digest})`);
    if (await this.has(digest)) return digest;
    const tmp = join(this.tmp, tempName('put'));
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path(digest));
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await this.syncDir();
    return digest;
  }

  /**
   * Moves a finished file (under ROOT/tmp, fsynced by its writer, digest computed while it was
   * written) into place as blob `digest`; with `verify`, re-hashes it first. Drops the file
   * when the blob exists already.
   */
  async adoptFile(file: string, digest: string, opts: { verify?: boolean } = {}): Promise<void> {
    checkDigest(digest);
    if (opts.verify) {
      const h = crypto().createHash('sha256');
      for await (const c of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) h.update(c);
      const got = `sha256:${h.digest('hex')}`;
      if (got !== digest) {
        await unlink(file).catch(() => undefined);
        throw new EngineError('internal', `blob file for ${digest} holds ${got}`);
      }
    }
    if (await this.has(digest)) {
      await unlink(file).catch(() => undefined);
      return;
    }
    await rename(file, this.path(digest));
    await this.syncDir();
  }

  /**
   * Starts (or resumes) writing the blob `digest`. The resumable partial is ROOT/tmp/ingest-<hex>,
   * guarded by ingest-<hex>.lock; when another live process holds that, this writer uses a private
   * temp file and starts from 0, so two pulls of the same blob never interleave bytes.
   */
  async ingest(digest: string, opts: { size?: number } = {}): Promise<BlobWriter> {
    checkDigest(digest);
    const hex = hexOf(digest);
    const shared = join(this.tmp, `ingest-${hex}`);
    const release = await tryLock(`${shared}.lock`);
    const path = release ? shared : join(this.tmp, tempName('ingest'));
    const hash = crypto().createHash('sha256');
    let offset = 0;
    let fh: FileHandle;
    try {
      fh = await open(path, release ? 'a+' : 'wx', 0o644);
      if (release) {
        // Re-hash what an earlier attempt left; a partial longer than the blob is garbage.
        const st = await fh.stat();
        if (opts.size !== undefined && st.size > opts.size) await fh.truncate(0);
        else if (st.size > 0) {
          for await (const c of fh.createReadStream({ start: 0, autoClose: false }) as AsyncIterable<Buffer>) {
            hash.update(c);
            offset += c.length;
          }
        }
      }
    } catch (e) {
      await release?.();
      throw e;
    }
    return new Writer(this, digest, path, fh, hash, offset, opts.size, release);
  }
}

class Writer implements BlobWriter {
  written: number;
  private done = false;
  constructor(
    private readonly blobs: Blobs,
    readonly digest: string,
    private readonly path: string,
    private readonly fh: FileHandle,
    private readonly hash: Hash,
    readonly offset: number,
    private readonly size: number | undefined,
    private readonly release: (() => Promise<void>) | undefined,
  ) {
    this.written = offset;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.done) throw new EngineError('internal', `blob writer for ${this.digest} is closed`);
    if (this.size !== undefined && this.written + chunk.length > this.size) {
      await this.abort();
      throw new EngineError('unavailable', `blob ${this.digest} is longer than the ${this.size} bytes announced`);
    }
    this.hash.update(chunk);
    let off = 0;
    try {
      while (off < chunk.length) {
        const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
        off += bytesWritten;
      }
    } catch (e) {
      // The hash already took the chunk: this writer cannot continue. Keep what is on disk for
      // a resume only if it is whole up to a chunk boundary, which a failed write does not say.
      await this.finish(false);
      const code = (e as NodeJS.ErrnoException).code;
      throw new EngineError(
        code === 'ENOSPC' ? 'unavailable' : 'failed_precondition',
        `cannot write blob ${this.digest}: ${code === 'ENOSPC' ? 'no space left on the device holding the store' : (code ?? String(e))}`,
        { cause: e },
      );
    }
    this.written += chunk.length;
  }

  private async finish(keep: boolean): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh.close();
      if (!keep) await unlink(this.path).catch(() => undefined);
    } finally {
      await this.release?.();
    }
  }

  async commit(): Promise<{ digest: string; size: number }> {
    if (this.done) throw new EngineError('internal', `blob writer for ${this.digest} is closed`);
    const got = `sha256:${this.hash.digest('hex')}`;
    const size = this.written;
    if ((this.size !== undefined && size !== this.size) || got !== this.digest) {
      await this.finish(false);
      const what = this.size !== undefined && size !== this.size ? `${size} of ${this.size} bytes` : `content is ${got}`;
      throw new EngineError('unavailable', `blob ${this.digest} failed verification (${what})`);
    }
    try {
      await this.fh.sync();
      this.done = true;
      await this.fh.close();
      await rename(this.path, this.blobs.path(this.digest));
      await this.blobs.syncDir();
    } catch (e) {
      if (!this.done) await this.fh.close().catch(() => undefined);
      this.done = true;
      await unlink(this.path).catch(() => undefined);
      throw e;
    } finally {
      await this.release?.();
    }
    return { digest: this.digest, size };
  }

  abort(): Promise<void> {
    return this.finish(false);
  }

  suspend(): Promise<void> {
    // A private temp file (another process held the shared partial) cannot be resumed.
    return this.finish(this.release !== undefined);
  }
}

export async function ensureDir(p: string): Promise<void> {
  await mkdir(p, { recursive: true });
}
