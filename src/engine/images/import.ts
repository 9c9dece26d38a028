// `dockui load`, the part that writes: an indexed, checked archive (archive-index.ts) into the
// store, layers first, then blobs, config, manifest and the records last (see archive-index.ts).
//
// Storage choice: uncompressed layers from an archive are gzip-compressed into the store's
// blobs (with the OCI gzip media type), as import and build do. The unpacked layer is kept
// anyway, so an uncompressed blob would double the disk use; and a later push sends the blob
// as stored, so gzip keeps it the size a registry expects. OCI archives' compressed layers are
// kept as they are (the image keeps its manifest digest).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, unlink } from '../util/fsa.js';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { EngineError, canceledError, isEngineError, throwIfAborted } from '../define.js';
import { type Descriptor, mediaTypes } from '../registry/manifest.js';
import { formatPlatform, normalizePlatform } from '../registry/platform.js';
import { type LayerResult, type Store, sha256, tempName } from '../store/index.js';
import {
  type ArchiveEntry,
  type LoadOptions,
  type LoadPlan,
  type LoadedImage,
  entryStream,
  gzipMagic,
  indexArchive,
  notArchive,
  planDocker,
  planOci,
  readAt,
} from './archive-index.js';

// ---------------------------------------------------------------------------------------------
// load: writing

/** A gzip of the entry into a temp file under ROOT/tmp: its path, digest and size. */
async function gzipToTemp(
  store: Store,
  file: string,
  e: ArchiveEntry,
  temps: string[],
  signal?: AbortSignal,
): Promise<{ path: string; digest: string; size: number }> {
  const path = tempPath(store, 'load');
  temps.push(path);
  const h = createHash('sha256');
  let size = 0;
  const out = await open(path, 'wx', 0o644);
  try {
    await pipeline(
      entryStream(file, e),
      createGzip({ level: 6, chunkSize: 1 << 20 }),
      async function (src: AsyncIterable<Buffer>) {
        for await (const c of src) {
          h.update(c);
          size += c.length;
          let off = 0;
          while (off < c.length) off += (await out.write(c, off)).bytesWritten;
        }
      },
      ...(signal ? [{ signal }] : []),
    );
    await out.sync();
  } finally {
    await out.close();
  }
  return { path, digest: `sha256:${h.digest('hex')}`, size };
}

/** A copy of the entry (a compressed OCI blob kept as it is) into a temp file under ROOT/tmp. */
async function copyToTemp(store: Store, file: string, e: ArchiveEntry, temps: string[], signal?: AbortSignal): Promise<string> {
  const path = tempPath(store, 'load');
  temps.push(path);
  await pipeline(entryStream(file, e), createWriteStream(path, { flags: 'wx', mode: 0o644 }), ...(signal ? [{ signal }] : []));
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return path;
}

const layerMediaType = { gzip: mediaTypes.ociLayerGzip, zstd: mediaTypes.ociLayerZstd, none: mediaTypes.ociLayer } as const;

async function writeImages(store: Store, file: string, plans: readonly LoadPlan[], opts: LoadOptions): Promise<LoadedImage[]> {
  const { signal } = opts;
  const temps: string[] = [];
  const done = new Map<string, Descriptor>(); // diffId → blob descriptor
  const adopt: { path: string; digest: string }[] = [];
  try {
    // Layers first: each unpacked through the store (entry checks, diff_id) and its blob
    // prepared under ROOT/tmp; blobs move into the store only once every layer is in.
    for (const plan of plans) {
      for (const l of plan.layers) {
        throwIfAborted(signal);
        if (done.has(l.diffId)) continue;
        // Both sides run to their end before a failure is reported: nothing of this load is
        // still writing once it returns (and its temp files are removed).
        const unpackAnd = async <T>(other: Promise<T>): Promise<[LayerResult, T]> => {
          const unpack = store.unpackLayer({
            source: entryStream(file, l.entry),
            mediaType: layerMediaType[l.compression],
            diffId: l.diffId,
            ...(signal ? { signal } : {}),
          });
          const [a, b] = await Promise.allSettled([unpack, other]);
          if (a.status === 'rejected') throw a.reason;
          if (b.status === 'rejected') throw b.reason;
          opts.onLayer?.(l.diffId, a.value.size, a.value.existed);
          return [a.value, b.value];
        };
        let desc: Descriptor;
        if (l.keep) {
          const keep = l.keep;
          const have = await store.hasBlob(keep.digest);
          const [, path] = await unpackAnd(have ? Promise.resolve(undefined) : copyToTemp(store, file, l.entry, temps, signal));
          if (path) adopt.push({ path, digest: keep.digest });
          desc = { mediaType: layerMediaType[l.compression], digest: keep.digest, size: keep.size };
        } else if (l.compression === 'none') {
          const [, gz] = await unpackAnd(gzipToTemp(store, file, l.entry, temps, signal));
          adopt.push({ path: gz.path, digest: gz.digest });
          desc = { mediaType: mediaTypes.ociLayerGzip, digest: gz.digest, size: gz.size };
        } else {
          // A compressed layer in a docker-archive: its bytes are the blob.
          const [, path] = await unpackAnd(copyToTemp(store, file, l.entry, temps, signal));
          adopt.push({ path, digest: l.entry.digest! });
          desc = { mediaType: layerMediaType[l.compression], digest: l.entry.digest!, size: l.entry.size };
        }
        done.set(l.diffId, desc);
      }
    }
    for (const a of adopt) await store.adoptBlobFile(a.path, a.digest);
    const out: LoadedImage[] = [];
    for (const plan of plans) {
      await store.putBlob(plan.configBytes, plan.id);
      let manifestBytes: Buffer;
      let manifestType: string;
      if (plan.manifest) {
        manifestBytes = plan.manifest.bytes;
        manifestType = plan.manifest.mediaType;
      } else {
        manifestType = mediaTypes.ociManifest;
        manifestBytes = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: manifestType,
            config: { mediaType: mediaTypes.ociConfig, digest: plan.id, size: plan.configBytes.length },
            layers: plan.layers.map((l) => {
              const d = done.get(l.diffId)!;
              return { mediaType: d.mediaType, digest: d.digest, size: d.size };
            }),
          }),
        );
      }
      const manifestDigest = await store.putBlob(manifestBytes, sha256(manifestBytes));
      const c = plan.config;
      const platform =
        typeof c.os === 'string' && typeof c.architecture === 'string'
          ? formatPlatform(
              normalizePlatform({ os: c.os, architecture: c.architecture, variant: typeof c.variant === 'string' ? c.variant : undefined }),
            )
          : undefined;
      const rec = { manifestDigest, configDigest: plan.id, mediaType: manifestType, ...(platform ? { platform } : {}) };
      const replaced: { name: string; id: string }[] = [];
      if (plan.refs.length === 0) await store.setImage(null, rec);
      for (const r of plan.refs) {
        const old = await store.getImage(r.toString());
        if (old && old.configDigest !== plan.id) replaced.push({ name: r.familiar(), id: old.configDigest });
        await store.setImage(r.toString(), rec);
      }
      out.push({ id: plan.id, refs: plan.refs.map((r) => r.toString()), names: plan.refs.map((r) => r.familiar()), replaced });
    }
    return out;
  } finally {
    for (const t of temps) await unlink(t).catch(() => undefined);
  }
}

/**
 * Loads the archive `file` (a tar, or a gzip of one, given as a path) into the store. Throws
 * EngineError: not_found (no file), invalid_argument (not an archive, hostile or broken
 * content: nothing is written then), canceled.
 */
export async function loadArchive(store: Store, file: string, opts: LoadOptions = {}): Promise<LoadedImage[]> {
  const name = opts.name ?? file;
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('not_found', `no such file: ${name}`);
    throw new EngineError('unavailable', `cannot read ${name}: ${(e as Error).message}`);
  }
  if (st.isDirectory()) throw new EngineError('invalid_argument', `${name} is a directory, not an image archive`);
  const temps: string[] = [];
  try {
    let plain = file;
    // Not a regular file (a FIFO, /dev/stdin), or gzip-compressed: a plain copy under ROOT/tmp.
    // (A FIFO is not opened twice: closing its read end unread would kill the writer.)
    let head: Buffer = Buffer.alloc(0);
    if (st.isFile()) {
      const fh = await open(file, 'r');
      try {
        head = await readAt(fh, 0, 2);
      } finally {
        await fh.close();
      }
    }
    if (!st.isFile() || gzipMagic(head)) {
      plain = await spool(store, createReadStream(file, { highWaterMark: 1 << 20 }), name, opts.signal);
      temps.push(plain);
    }
    return await loadPlain(store, plain, name, opts);
  } finally {
    for (const t of temps) await unlink(t).catch(() => undefined);
  }
}

/** Loads an archive read from a stream (stdin): spooled to ROOT/tmp first. */
export async function loadArchiveStream(
  store: Store,
  source: AsyncIterable<Buffer> | Readable,
  opts: LoadOptions = {},
): Promise<LoadedImage[]> {
  const name = opts.name ?? 'stdin';
  const plain = await spool(store, source, name, opts.signal);
  try {
    return await loadPlain(store, plain, name, opts);
  } finally {
    await unlink(plain).catch(() => undefined);
  }
}

/** Copies a stream into ROOT/tmp, inflating it when it is gzip; returns the temp path. */
async function spool(store: Store, source: AsyncIterable<Buffer> | Readable, name: string, signal?: AbortSignal): Promise<string> {
  const path = tempPath(store, 'load');
  const out = await open(path, 'wx', 0o600);
  let gz: ReturnType<typeof createGunzip> | undefined;
  let wrote = 0;
  const write = async (c: Buffer) => {
    let off = 0;
    while (off < c.length) off += (await out.write(c, off)).bytesWritten;
    wrote += c.length;
  };
  try {
    const it = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let first = true;
    let feeding: Promise<void> | undefined;
    for (;;) {
      throwIfAborted(signal);
      const r = await it.next();
      if (r.done) break;
      const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
      if (c.length === 0) continue;
      if (first) {
        first = false;
        if (gzipMagic(c)) {
          const g = createGunzip({ chunkSize: 1 << 20 });
          gz = g;
          feeding = (async () => {
            for await (const d of g as AsyncIterable<Buffer>) await write(d);
          })();
          feeding.catch(() => undefined);
        }
      }
      if (gz) {
        if (!gz.write(c))
          await new Promise<void>((res, rej) => {
            gz!.once('drain', res);
            feeding!.catch(rej);
          });
      } else await write(c);
    }
    if (gz) {
      gz.end();
      await feeding;
    }
    if (wrote === 0 && !gz) throw notArchive(name, 'it is empty');
    return path;
  } catch (e) {
    gz?.destroy();
    await out.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    if (signal?.aborted) throw canceledError();
    if (isEngineError(e)) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_')) throw notArchive(name, `its gzip data is damaged (${err.message})`);
    throw new EngineError('unavailable', `cannot read ${name}: ${err.code ?? err.message}`, { cause: e });
  } finally {
    await out.close().catch(() => undefined);
  }
}

async function loadPlain(store: Store, file: string, name: string, opts: LoadOptions): Promise<LoadedImage[]> {
  const entries = await indexArchive(file, name, opts.signal);
  let plans: LoadPlan[];
  if (entries.has('manifest.json')) plans = await planDocker(file, entries, name, opts.signal);
  else if (entries.has('index.json')) plans = await planOci(file, entries, name, opts.signal);
  else throw notArchive(name, 'it has neither manifest.json (docker save) nor index.json (oci-archive)');
  // The record is written last, under a lease: a gc meanwhile keeps what this load wrote.
  const lease = await store.lease(opts.signal);
  try {
    return await writeImages(store, file, plans, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw canceledError();
    throw e;
  } finally {
    await lease.release();
  }
}

/** A temp path under ROOT/tmp named so the store's gc can tell when its writer died. */
function tempPath(store: Store, kind: string): string {
  return join(store.root, 'tmp', tempName(kind));
}
