// Layers keyed by diffID: ROOT/layers/<hex>/{diff/, meta.json, index.json, complete}.
// A layer is built complete under ROOT/tmp (diff, meta, index, marker last) and renamed into
// place in one step, so a layer dir either does not exist or is whole; removal goes the other
// way (rename out to tmp, then delete).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, rename, rm, stat } from '../util/fsa.js';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, gunzip, gunzipSync } from 'node:zlib';
import { EngineError, isEngineError, throwIfAborted } from '../define.js';
import { sysx } from '../sysx.js';
import { checkDigest, tempName } from './blobs.js';
import type { LayerResult, UnpackOptions, UnpackProgress } from './index.js';
import { hasLayer, layerDir } from './layer-dir.js';
import { removeLayerLinks } from './overlay.js';
import { readTar } from '../fsutil/tar.js';
import { unzstd } from '../util/zstd.js';
import { Extractor, type IndexEntry, type IndexType } from './unpack.js';
import { overlayOpaqueXattr } from '../util/userns.js';

export interface LayerMeta {
  readonly diffId: string;
  /** Bytes of regular file content. */
  readonly size: number;
  readonly files: number;
  readonly entries: number;
  readonly createdAt: string;
  readonly source: 'unpack' | 'adopt';
}

export { hasLayer, layerDir } from './layer-dir.js';

export async function readLayerMeta(root: string, diffId: string): Promise<LayerMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(layerDir(root, diffId), 'meta.json'), 'utf8')) as LayerMeta;
  } catch {
    return undefined;
  }
}

export async function readLayerIndex(dir: string): Promise<IndexEntry[]> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as IndexEntry[];
}

type Compression = 'none' | 'gzip' | 'zstd';

export function compressionOf(mediaType: string): Compression {
  const m = mediaType.toLowerCase();
  if (m.endsWith('.tar')) return 'none';
  if (m.endsWith('.tar+gzip') || m.endsWith('.tar.gzip')) return 'gzip';
  if (m.endsWith('.tar+zstd') || m.endsWith('.tar.zstd')) return 'zstd';
  throw new EngineError('invalid_argument', `unsupported layer media type: ${mediaType}`);
}

/**
 * Writes meta/index and the complete marker (last) into `work`, then renames it to the layer dir.
 * The three small files are written synchronously: as async calls they were 9 thread-pool round
 * trips per layer, a fifth of a 50-layer pull's store work.
 */
async function publish(root: string, work: string, meta: LayerMeta, index: IndexEntry[]): Promise<boolean> {
  writeFileSync(join(work, 'meta.json'), JSON.stringify(meta), { flag: 'wx', mode: 0o644 });
  writeFileSync(join(work, 'index.json'), JSON.stringify(index), { flag: 'wx', mode: 0o644 });
  writeFileSync(join(work, 'complete'), `${meta.diffId}\n`, { flag: 'wx', mode: 0o644 });
  const dest = layerDir(root, meta.diffId);
  try {
    await rename(work, dest);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  // Someone else published the same layer first: theirs counts, ours goes.
  if (await hasLayer(root, meta.diffId)) {
    await rm(work, { recursive: true, force: true });
    return false;
  }
  // An incomplete leftover there (should not happen: layers arrive by rename): move it aside.
  await rename(dest, join(root, 'tmp', tempName('rmlayer')));
  await rename(work, dest);
  return true;
}

// ROOT/tmp spreads its subdirectories (ext4's FS_TOPDIR_FL), set once per root and process.
// Why: ext4 allocates a new file's inode in its directory's block group, scanning that group's
// inode bitmap from the start, and on an ext4 without a journal it skips every inode freed in
// the last 1–6 minutes (a cache lookup each, `recently_deleted`). Where many files were just
// removed (a store or test tree deleted, a previous pull's root), every file an unpack creates
// paid for all of them: 65–800 ms for busybox's 400 symlinks vs 17–38 ms in a spread directory
// (same run, load 12), 40% of the CPU of a busybox pull in `perf record`. An unpack dir made
// under a spreading parent gets a block group picked afresh (the least used ones), and its
// files go with it. Placement only: nothing else changes.
const spread = new Set<string>();
function spreadUnpacks(root: string): void {
  if (spread.has(root)) return;
  spread.add(root);
  try {
    sysx().spreadDirs(join(root, 'tmp'));
  } catch {
    // An optimization: a store on another filesystem (or without tmp/ yet) unpacks all the same.
  }
}

/** A layer given whole is inflated in one call up to this size; past it, it is streamed. */
const wholeLimit = 64 << 20;
const gunzipAsync = promisify(gunzip);

/**
 * The tar of a layer given whole (gzip or plain), or undefined when it must be streamed (zstd,
 * or more than wholeLimit inflated). One zlib call instead of a stream of them: a 50-layer
 * image's small layers each paid for a zlib stream, a pipeline and its buffers.
 */
async function wholeTar(data: Buffer, compression: Compression): Promise<Buffer | undefined> {
  if (compression === 'none') return data;
  if (compression !== 'gzip') return undefined;
  try {
    // A few KiB inflate in microseconds: no thread-pool round trip for them.
    if (data.length < 64 << 10) return gunzipSync(data, { maxOutputLength: wholeLimit });
    return await gunzipAsync(data, { maxOutputLength: wholeLimit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw damaged(e);
  }
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

export async function unpackLayer(root: string, opts: UnpackOptions): Promise<LayerResult> {
  const compression = compressionOf(opts.mediaType);
  if (opts.diffId !== undefined) checkDigest(opts.diffId, 'diffID');
  const whole = Buffer.isBuffer(opts.source) ? opts.source : undefined;
  const source: AsyncIterable<Buffer> = whole ? once(whole) : (opts.source as AsyncIterable<Buffer>);
  if (opts.diffId !== undefined && (await hasLayer(root, opts.diffId))) {
    // Consume the bytes anyway: the caller may be writing the same stream to the blob store.
    for await (const _ of source) throwIfAborted(opts.signal);
    const meta = await readLayerMeta(root, opts.diffId);
    return { diffId: opts.diffId, size: meta?.size ?? 0, files: meta?.files ?? 0, existed: true };
  }
  // A layer given whole is inflated and verified before anything of it is written.
  const tar = whole ? await wholeTar(whole, compression) : undefined;
  const tarDiffId = tar ? `sha256:${createHash('sha256').update(tar).digest('hex')}` : undefined;
  if (tarDiffId !== undefined && opts.diffId !== undefined && tarDiffId !== opts.diffId)
    throw new EngineError('unavailable', `layer ${opts.diffId} failed verification: its content is ${tarDiffId}`);
  throwIfAborted(opts.signal);
  spreadUnpacks(root);
  const work = join(root, 'tmp', tempName('unpack'));
  const diff = join(work, 'diff');
  mkdirSync(work, 0o755);
  mkdirSync(diff, 0o755);
  const ex = new Extractor(diff);
  const hash = createHash('sha256');
  let read = 0;
  let unpacked = 0;
  let lastReport = 0;
  const report = (force = false) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    const p: UnpackProgress = { read, unpacked, entries: ex.entries };
    opts.onProgress(p);
  };
  try {
    const stages: ((src: AsyncIterable<Buffer>) => AsyncIterable<Buffer>)[] = [];
    const count = async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        read += c.length;
        yield c;
      }
    };
    const digest = async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        hash.update(c);
        unpacked += c.length;
        yield c;
      }
    };
    const extract = async (src: AsyncIterable<Buffer>) => {
      for await (const entry of readTar(src)) {
        await ex.add(entry, opts.signal);
        report();
      }
    };
    const src = tar ? undefined : source instanceof Readable ? source : Readable.from(source);
    if (!src) {
      read = whole!.length;
      unpacked = tar!.length;
      await extract(once(tar!));
    } else if (compression === 'gzip') {
      await pipeline(src, count, createGunzip({ chunkSize: 1 << 20 }), digest, extract, ...(opts.signal ? [{ signal: opts.signal }] : []));
    } else {
      stages.push(count);
      if (compression === 'zstd')
        stages.push((src) =>
          unzstd(src, {
            missing: 'this layer is zstd-compressed',
            invalid: (why) => new EngineError('invalid_argument', `layer is not valid zstd: ${why}`),
          }),
        );
      await pipeline(src, ...(stages as [typeof count]), digest, extract, ...(opts.signal ? [{ signal: opts.signal }] : []));
    }
    const index = await ex.finish();
    const diffId = tarDiffId ?? `sha256:${hash.digest('hex')}`;
    if (opts.diffId !== undefined && diffId !== opts.diffId)
      throw new EngineError('unavailable', `layer ${opts.diffId} failed verification: its content is ${diffId}`);
    report(true);
    const meta: LayerMeta = {
      diffId,
      size: ex.size,
      files: ex.files,
      entries: index.length,
      createdAt: new Date().toISOString(),
      source: 'unpack',
    };
    const mine = await publish(root, work, meta, index);
    return {
      diffId,
      size: ex.size,
      files: ex.files,
      existed: !mine,
      ...(ex.skippedDevices.length ? { skippedDevices: ex.skippedDevices } : {}),
    };
  } catch (e) {
    await ex.settle();
    await rm(work, { recursive: true, force: true });
    if (opts.signal?.aborted) throw new EngineError('canceled', 'canceled', { cause: e });
    if (isEngineError(e)) throw e;
    const d = damaged(e);
    if (d !== e) throw d;
    throw fsError(e, work, 'cannot unpack layer');
  }
}

/** A decompression error (or a stream cut short) as `unavailable`; anything else as it was. */
function damaged(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' || err.code === 'ERR_STREAM_PREMATURE_CLOSE')
    return new EngineError('unavailable', `layer data is damaged or cut short (${err.message})`, { cause: e });
  return e;
}

/** A filesystem failure (ENOSPC, EDQUOT, ENAMETOOLONG, ...) as one line a user can act on. */
export function fsError(e: unknown, base: string, what: string): unknown {
  const err = e as NodeJS.ErrnoException;
  // Only errors naming a path are the filesystem's: a source's network error (ECONNRESET has
  // a syscall too) goes back to the caller as it was, so the puller can retry it.
  if (typeof err?.code !== 'string' || !/^E[A-Z]+$/.test(err.code) || typeof err.path !== 'string') return e;
  const where = ` (${err.path.startsWith(base) ? err.path.slice(base.length + 1) || '.' : err.path})`;
  const hint =
    err.code === 'ENOSPC' || err.code === 'EDQUOT'
      ? 'no space left on the device holding the store'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied (unpacking layers needs root)'
        : err.code;
  return new EngineError(err.code === 'ENOSPC' ? 'unavailable' : 'failed_precondition', `${what}: ${hint}${where}`, { cause: e });
}

export interface WalkEntry {
  readonly rel: string;
  readonly type: IndexType;
  readonly size: number;
  readonly mode: number;
  readonly link?: string;
  readonly ino: number;
}

/** Lists a diff dir the way the index records it (whiteouts and opaque dirs recognized). */
export async function walkDiff(dir: string, signal?: AbortSignal): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  const x = sysx();
  const visit = async (rel: string): Promise<void> => {
    throwIfAborted(signal);
    const names = await readdir(rel === '' ? dir : join(dir, rel));
    await Promise.all(
      names.map(async (name) => {
        const r = rel === '' ? name : `${rel}/${name}`;
        const p = join(dir, r);
        const st = await lstat(p);
        let type: IndexType;
        if (st.isDirectory()) type = x.lgetxattr(p, overlayOpaqueXattr())?.toString() === 'y' ? 'opaque-dir' : 'dir';
        else if (st.isFile()) type = 'file';
        else if (st.isSymbolicLink()) type = 'symlink';
        else if (st.isCharacterDevice()) type = st.rdev === 0 ? 'whiteout' : 'char';
        else if (st.isBlockDevice()) type = 'block';
        else if (st.isFIFO()) type = 'fifo';
        else type = 'file';
        const e: WalkEntry = {
          rel: r,
          type,
          size: type === 'file' ? st.size : 0,
          mode: type === 'symlink' ? 0o777 : type === 'whiteout' ? 0 : st.mode & 0o7777,
          ino: st.ino,
          ...(type === 'symlink' ? { link: await readlink(p) } : {}),
        };
        out.push(e);
        if (st.isDirectory()) await visit(r);
      }),
    );
  };
  await visit('');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Compares a layer's diff dir with its index; returns the first problems found (empty: fine). */
export async function verifyLayer(dir: string, signal?: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  try {
    await stat(join(dir, 'complete'));
  } catch {
    return ['no complete marker'];
  }
  let index: IndexEntry[];
  try {
    index = await readLayerIndex(dir);
  } catch {
    return ['index.json missing or unreadable'];
  }
  let found: WalkEntry[];
  try {
    found = await walkDiff(join(dir, 'diff'), signal);
  } catch (e) {
    if (isEngineError(e)) throw e;
    return [`diff unreadable: ${(e as Error).message}`];
  }
  const byPath = new Map(found.map((f) => [f.rel, f]));
  for (const [path, type, size, mode, link] of index) {
    const f = byPath.get(path);
    byPath.delete(path);
    if (!f) problems.push(`${path}: missing`);
    else if (f.type !== type) problems.push(`${path}: is a ${f.type}, recorded as ${type}`);
    else if (f.size !== size) problems.push(`${path}: ${f.size} bytes, recorded ${size}`);
    else if (f.mode !== mode) problems.push(`${path}: mode ${f.mode.toString(8)}, recorded ${mode.toString(8)}`);
    else if (link !== undefined && f.link !== link) problems.push(`${path}: link target changed`);
    if (problems.length >= 10) break;
  }
  if (problems.length < 10)
    for (const extra of [...byPath.keys()].slice(0, 10 - problems.length)) problems.push(`${extra}: not in the index`);
  return problems;
}

/** Moves an overlay upper dir (a build step's result) into the store as layer `diffId`. */
export async function adoptLayer(root: string, dir: string, opts: { diffId: string; size?: number }): Promise<LayerResult> {
  checkDigest(opts.diffId, 'diffID');
  if (await hasLayer(root, opts.diffId)) {
    await rm(dir, { recursive: true, force: true });
    const meta = await readLayerMeta(root, opts.diffId);
    return { diffId: opts.diffId, size: meta?.size ?? 0, files: meta?.files ?? 0, existed: true };
  }
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new EngineError('invalid_argument', `cannot adopt ${dir} as a layer: not a directory`);
  const work = join(root, 'tmp', tempName('adopt'));
  await mkdir(work);
  try {
    try {
      await rename(dir, join(work, 'diff'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EXDEV')
        throw new EngineError('invalid_argument', `cannot adopt ${dir} as a layer: it is not on the store's filesystem`);
      throw e;
    }
    const walked = await walkDiff(join(work, 'diff'));
    const seen = new Set<number>();
    let size = 0;
    let files = 0;
    for (const w of walked)
      if (w.type === 'file') {
        files++;
        if (!seen.has(w.ino)) size += w.size;
        seen.add(w.ino);
      }
    const index: IndexEntry[] = walked.map((w) =>
      w.link !== undefined ? [w.rel, w.type, w.size, w.mode, w.link] : [w.rel, w.type, w.size, w.mode],
    );
    const meta: LayerMeta = {
      diffId: opts.diffId,
      size: opts.size ?? size,
      files,
      entries: index.length,
      createdAt: new Date().toISOString(),
      source: 'adopt',
    };
    const mine = await publish(root, work, meta, index);
    return { diffId: opts.diffId, size: meta.size, files, existed: !mine };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

/** Removes a layer: out of layers/ in one rename, then deleted. Returns bytes (approx.) freed. */
export async function removeLayerDir(root: string, hex: string): Promise<void> {
  const aside = join(root, 'tmp', tempName('rmlayer'));
  try {
    await rename(join(root, 'layers', hex), aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  removeLayerLinks(root, hex);
  await rm(aside, { recursive: true, force: true });
}
