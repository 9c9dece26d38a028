// A layer from a directory in overlay upper-dir format: walk it in byte order, write an OCI
// layer tar (overlay whiteouts — 0/0 char devices — become `.wh.NAME`, an opaque directory gets
// `.wh..wh..opq`, hardlinks are found by inode), gzip it in the same pass, and compute both the
// diffID (sha256 of the tar) and the blob digest (sha256 of the gzip) without a second read.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { createGzip, type ZlibOptions } from 'node:zlib';
import { throwIfAborted } from '../define.js';
import { sysx } from '../sysx.js';
import { byteOrder } from './context.js';
import { isOverlayXattr, overlayOpaqueXattr } from '../util/userns.js';
import { encodeHeader, endOfArchive, padding, typeFlag, type TarWriteHeader as TarHeader } from '../fsutil/tar.js';
import { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO } from '../fsutil/file-type.js';

export interface LayerBlob {
  /** sha256 of the uncompressed tar. */
  readonly diffId: string;
  /** sha256 of the gzip blob. */
  readonly digest: string;
  /** Compressed bytes. */
  readonly size: number;
  /** Bytes of regular file content (what the store records as the layer's size). */
  readonly contentSize: number;
  readonly entries: number;
}

export interface WriteLayerOptions {
  readonly signal?: AbortSignal;
  /** Called every few hundred entries with the count so far. */
  readonly onProgress?: (entries: number) => void;
  /** gzip level; 6 by default like Go's compress/gzip default. */
  readonly level?: number;
  /**
   * Read extended attributes (default true). A COPY layer has none — copies do not carry
   * them — so it skips one system call per file.
   */
  readonly xattrs?: boolean;
  /**
   * The content of a regular file at `rel` (slash path in `dir`) when the caller has it in
   * memory (it wrote it from there): used when its length is the file's size, else the file is read.
   */
  readonly contentOf?: (rel: string) => Buffer | undefined;
}

/** Overlay's own attributes never travel in a layer; opaque is expressed as a whiteout file. */
const skipXattr = isOverlayXattr;

export { tempName } from './publish.js';

/** Writes the layer of `dir` as a gzip blob at `outPath` (created, fsynced). Removes it on failure. */
export async function writeLayer(dir: string, outPath: string, opts: WriteLayerOptions = {}): Promise<LayerBlob> {
  const fd = openSync(outPath, 'wx', 0o644);
  try {
    const r = await writeLayerTo(dir, fd, opts);
    fsyncSync(fd);
    return r;
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(outPath);
    } catch {
      /* already gone */
    }
    throw e;
  } finally {
    try {
      closeSync(fd);
    } catch {
      /* closed above on failure */
    }
  }
}

async function writeLayerTo(dir: string, fd: number, opts: WriteLayerOptions): Promise<LayerBlob> {
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let gzSize = 0;
  // A deep write buffer lets zlib (on the thread pool) compress while this thread reads files.
  const gz = createGzip({ level: opts.level ?? 6, writableHighWaterMark: 16 << 20 } as ZlibOptions);
  let gzError: Error | undefined;
  gz.on('error', (e) => (gzError = e));
  gz.on('data', (chunk: Buffer) => {
    gzHash.update(chunk);
    gzSize += chunk.length;
    let off = 0;
    while (off < chunk.length) off += writeSync(fd, chunk, off);
  });
  const ended = new Promise<void>((res, rej) => {
    gz.on('end', res);
    gz.on('error', rej);
  });

  // Small writes are gathered so zlib sees few large chunks.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (gzError) throw gzError;
    if (!gz.write(buf)) await new Promise<void>((res) => gz.once('drain', res));
  };
  const push = async (b: Buffer): Promise<void> => {
    tarHash.update(b);
    pending.push(b);
    pendingBytes += b.length;
    if (pendingBytes >= 1 << 20) await flush();
  };

  const links = new Map<string, string>();
  const x = sysx();
  let entries = 0;
  let contentSize = 0;
  const chunk = Buffer.allocUnsafe(1 << 20);

  const xattrsOf = (abs: string): Map<string, Buffer> | undefined => {
    if (opts.xattrs === false) return undefined;
    let names: string[];
    try {
      names = x.llistxattr(abs);
    } catch {
      return undefined;
    }
    let out: Map<string, Buffer> | undefined;
    for (const n of names) {
      if (skipXattr(n)) continue;
      const v = x.lgetxattr(abs, n);
      if (v !== undefined) (out ??= new Map()).set(n, v);
    }
    return out;
  };

  const base = (st: Stats, name: string): Omit<TarHeader, 'type' | 'size'> => {
    return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  };

  const visit = async (relDir: string, absDir: string): Promise<void> => {
    const names = readdirSync(absDir).sort(byteOrder);
    for (const n of names) {
      if (++entries % 256 === 0) {
        throwIfAborted(opts.signal);
        opts.onProgress?.(entries);
      }
      const rel = relDir === '' ? n : `${relDir}/${n}`;
      const abs = join(absDir, n);
      const st = lstatSync(abs);
      const fmt = st.mode & S_IFMT;
      if (fmt === S_IFCHR && st.rdev === 0) {
        // overlay whiteout → OCI whiteout file
        const wh = relDir === '' ? `.wh.${n}` : `${relDir}/.wh.${n}`;
        await push(encodeHeader({ ...base(st, wh), mode: 0, type: typeFlag.file, size: 0 }));
        continue;
      }
      const xattrs = xattrsOf(abs);
      const h = base(st, rel);
      switch (fmt) {
        case S_IFDIR: {
          await push(encodeHeader({ ...h, name: `${rel}/`, type: typeFlag.dir, size: 0, ...(xattrs ? { xattrs } : {}) }));
          const opaque = x.lgetxattr(abs, overlayOpaqueXattr());
          if (opaque?.toString() === 'y') {
            await push(encodeHeader({ ...h, name: `${rel}/.wh..wh..opq`, mode: 0, type: typeFlag.file, size: 0 }));
          }
          await visit(rel, abs);
          break;
        }
        case S_IFREG: {
          if (st.nlink > 1) {
            const key = `${st.dev}:${st.ino}`;
            const first = links.get(key);
            if (first !== undefined) {
              await push(encodeHeader({ ...h, type: typeFlag.hardlink, size: 0, linkname: first }));
              break;
            }
            links.set(key, rel);
          }
          await push(encodeHeader({ ...h, type: typeFlag.file, size: st.size, ...(xattrs ? { xattrs } : {}) }));
          contentSize += st.size;
          const mem = opts.contentOf?.(rel);
          if (mem && mem.length === st.size) {
            if (mem.length > 0) await push(mem);
            const pad = padding(st.size);
            if (pad) await push(Buffer.alloc(pad));
            break;
          }
          const f = openSync(abs, 'r');
          try {
            let left = st.size;
            while (left > 0) {
              const got = readSync(f, chunk, 0, Math.min(chunk.length, left), null);
              if (got === 0) throw new Error(`${rel} shrank while the layer was written`);
              await push(Buffer.from(chunk.subarray(0, got)));
              left -= got;
            }
          } finally {
            closeSync(f);
          }
          const pad = padding(st.size);
          if (pad) await push(Buffer.alloc(pad));
          break;
        }
        case S_IFLNK:
          await push(encodeHeader({ ...h, type: typeFlag.symlink, size: 0, linkname: readlinkSync(abs), ...(xattrs ? { xattrs } : {}) }));
          break;
        case S_IFCHR:
        case S_IFBLK:
          await push(
            encodeHeader({
              ...h,
              type: fmt === S_IFCHR ? typeFlag.char : typeFlag.block,
              size: 0,
              devmajor: Math.floor(st.rdev / 256) & 0xfff,
              devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00),
            }),
          );
          break;
        case S_IFIFO:
          await push(encodeHeader({ ...h, type: typeFlag.fifo, size: 0 }));
          break;
        default:
          break; // sockets do not go into layers
      }
    }
  };

  try {
    await visit('', dir);
    await push(endOfArchive());
    await flush();
    gz.end();
    await ended;
  } catch (e) {
    // Stop zlib before the caller closes the file: queued output must not reach a closed fd.
    gz.removeAllListeners('data');
    gz.on('error', () => undefined);
    gz.destroy();
    ended.catch(() => undefined);
    throw e;
  }
  if (gzError) throw gzError;
  return {
    diffId: `sha256:${tarHash.digest('hex')}`,
    digest: `sha256:${gzHash.digest('hex')}`,
    size: gzSize,
    contentSize,
    entries,
  };
}
