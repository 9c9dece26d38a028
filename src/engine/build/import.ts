// `dockui import`: a root filesystem tarball (plain or gzip) becomes a one-layer image. The
// bytes are read once: they stream into the store's layer unpack (which checks for hostile
// entries and computes the diffID) and, gzip-compressed when they came plain, into the layer
// blob at the same time.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { EngineError, canceledError, throwIfAborted } from '../define.js';
import { parseReference } from '../util/reference.js';
import type { Store } from '../store/index.js';
import { emptyImageConfig, mediaTypes, type OciImageConfig } from './image-config.js';
import { publishBlobFile, tempPath, writeImage } from './publish.js';

export interface ImportOptions {
  /** Where the bytes came from, for the history entry ("-" for stdin). */
  readonly sourceName?: string;
  readonly message?: string;
  readonly signal?: AbortSignal;
  /** Compressed blob bytes written so far. */
  readonly onProgress?: (bytesRead: number) => void;
}

export interface ImportResult {
  readonly id: string;
  readonly ref: string;
  readonly diffId: string;
  readonly digest: string;
  readonly size: number;
}

const gzipMagic = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

export async function importRootfs(
  store: Store,
  source: AsyncIterable<Buffer> | Readable,
  name: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const ref = parseReference(name);
  if (ref.digest) throw new EngineError('invalid_argument', `cannot import to a digest reference: ${name}`);
  throwIfAborted(opts.signal);

  const blobFile = tempPath(store, 'import');
  const fd = openSync(blobFile, 'wx', 0o644);
  const blobHash = createHash('sha256');
  let blobSize = 0;
  const writeBlob = (chunk: Buffer) => {
    blobHash.update(chunk);
    blobSize += chunk.length;
    let off = 0;
    while (off < chunk.length) off += writeSync(fd, chunk, off);
  };

  const tee = new PassThrough({ highWaterMark: 1 << 20 });
  let unpack: Promise<{ diffId: string; size: number }> | undefined;
  let gz: ReturnType<typeof createGzip> | undefined;
  let failed: Error | undefined;
  let published = false;
  let read = 0;
  try {
    const it = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      throwIfAborted(opts.signal);
      const next: IteratorResult<Buffer | Uint8Array> = await it.next();
      if (next.done) break;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      if (chunk.length === 0) continue;
      if (!unpack) {
        // The first bytes decide the layer's media type: gzip is kept as the blob as it is.
        const compressed = gzipMagic(chunk);
        if (!compressed) {
          gz = createGzip({ level: 6 });
          gz.on('data', writeBlob);
        }
        unpack = store.unpackLayer({
          source: tee,
          mediaType: compressed ? mediaTypes.layerGzip : 'application/vnd.oci.image.layer.v1.tar',
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        unpack.catch((e: unknown) => {
          failed = e instanceof Error ? e : new Error(String(e));
          tee.destroy();
        });
      }
      read += chunk.length;
      opts.onProgress?.(read);
      if (gz) {
        if (!gz.write(chunk)) await new Promise<void>((res) => gz!.once('drain', res));
      } else writeBlob(chunk);
      if (failed) throw failed;
      if (!tee.write(chunk)) await waitDrain(tee, unpack, opts.signal);
    }
    if (!unpack) throw new EngineError('invalid_argument', 'import: the tarball is empty');
    tee.end();
    if (gz) {
      const g = gz;
      await new Promise<void>((res, rej) => {
        g.on('end', res);
        g.on('error', rej);
        g.end();
      });
    }
    const layer = await unpack;
    fsyncSync(fd);
    closeSync(fd);
    const digest = `sha256:${blobHash.digest('hex')}`;
    await publishBlobFile(store, blobFile, digest);
    published = true;

    const created = new Date().toISOString();
    const config: OciImageConfig = {
      ...emptyImageConfig(),
      created,
      config: {},
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, created_by: `dockui import ${opts.sourceName ?? '-'}`, ...(opts.message ? { comment: opts.message } : {}) }],
    };
    const img = await writeImage(store, config, [{ mediaType: mediaTypes.layerGzip, digest, size: blobSize }], [ref.toString()]);
    return { id: img.id, ref: ref.toString(), diffId: layer.diffId, digest, size: layer.size };
  } catch (e) {
    tee.destroy();
    gz?.destroy();
    if (unpack) await unpack.catch(() => undefined);
    throw e === failed || e instanceof EngineError ? e : opts.signal?.aborted ? canceledError() : e;
  } finally {
    try {
      closeSync(fd);
    } catch {
      /* closed on success */
    }
    if (!published) {
      try {
        unlinkSync(blobFile);
      } catch {
        /* nothing written */
      }
    }
  }
}

/** Waits for the unpack to take more, unless it failed or we were cancelled. */
function waitDrain(tee: PassThrough, unpack: Promise<unknown> | undefined, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((res, rej) => {
    const onAbort = () => rej(canceledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    tee.once('drain', () => {
      signal?.removeEventListener('abort', onAbort);
      res();
    });
    unpack?.then(
      () => res(),
      (e: unknown) => rej(e instanceof Error ? e : new Error(String(e))),
    );
  });
}
