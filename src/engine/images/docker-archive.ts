// `dockui save`: image archives.
//
// save writes the format `docker save` (25+) writes: an OCI image layout (oci-layout,
// index.json, blobs/sha256/...) that is also a docker-archive (manifest.json with Config,
// RepoTags, Layers pointing into blobs/). Layers are uncompressed tars whose digest is the
// config's diff_id: the store's gzip (or zstd) blobs are inflated twice, once to learn each
// tar's size and check its diff_id (a tar header needs the size first, and stdout cannot seek),
// once to write it. The whole save holds a store lease, so a gc cannot take a blob mid-read.
//
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat, unlink } from '../util/fsa.js';
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { EngineError, canceledError, isEngineError, throwIfAborted } from '../define.js';
import { encodeHeader, endOfArchive, padding, typeFlag } from '../fsutil/tar.js';
import { unzstd } from '../util/zstd.js';
import { type Descriptor, configLimit, layerCompression, manifestLimit, mediaTypes, parseManifest } from '../registry/manifest.js';
import { type Reference, parseReference, tryParseReference } from '../util/reference.js';
import { type ImageConfig, type Store, parseConfig } from '../store/index.js';

// ---------------------------------------------------------------------------------------------
// save

export interface SaveOptions {
  readonly signal?: AbortSignal;
}

interface SaveImage {
  readonly id: string;
  readonly configBytes: Buffer;
  readonly config: ImageConfig;
  readonly layers: readonly { readonly blob: Descriptor; readonly diffId: string }[];
  readonly tags: Reference[];
}

const hex = (d: string) => d.slice('sha256:'.length);
const blobName = (d: string) => `blobs/sha256/${hex(d)}`;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** What save will write, resolved and checked before the first byte goes out. */
async function planSave(store: Store, names: readonly string[]): Promise<SaveImage[]> {
  if (names.length === 0) throw new EngineError('invalid_argument', 'save needs at least one image');
  const byId = new Map<string, SaveImage>();
  for (const name of names) {
    const hit = await store.resolveImage(name);
    let img = byId.get(hit.id);
    if (!img) {
      const configBytes = await store.readBlob(hit.id, configLimit);
      const config = parseConfig(configBytes, hit.id);
      const diffIds = config.rootfs?.diff_ids ?? [];
      let manifestBytes: Buffer;
      try {
        manifestBytes = await store.readBlob(hit.record.manifestDigest, manifestLimit);
      } catch (e) {
        throw new EngineError(
          'failed_precondition',
          `image ${name}: its manifest ${hit.record.manifestDigest} is missing from the store (pull it again)`,
          { cause: e },
        );
      }
      const m = parseManifest(manifestBytes, hit.record.mediaType, name);
      if (m.kind !== 'manifest') throw new EngineError('failed_precondition', `image ${name}: its record points at an index, not an image`);
      if (m.layers.length !== diffIds.length)
        throw new EngineError(
          'failed_precondition',
          `image ${name}: its config lists ${diffIds.length} layers but its manifest ${m.layers.length}`,
        );
      const layers = m.layers.map((blob, i) => {
        layerCompression(blob.mediaType); // refuses unknown types
        return { blob, diffId: diffIds[i]! };
      });
      for (const l of layers)
        if (!(await store.hasBlob(l.blob.digest)))
          throw new EngineError(
            'failed_precondition',
            `image ${name}: layer blob ${l.blob.digest} is missing from the store (pull it again)`,
          );
      img = { id: hit.id, configBytes, config, layers, tags: [] };
      byId.set(hit.id, img);
    }
    // A name (not an id, not name@digest) travels as a RepoTag, as with docker.
    // (name@digest names no tag: docker saves it without one too)
    if (hit.ref !== undefined && !tryParseReference(name)?.digest) {
      const r = parseReference(hit.ref);
      if (r.tag && !r.digest && !img.tags.some((t) => t.toString() === r.toString())) img.tags.push(r);
    }
  }
  return [...byId.values()];
}

/** The uncompressed tar of a stored layer blob, in 1 MiB chunks. */
async function* layerTar(store: Store, blob: Descriptor, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const src = store.blobStream(blob.digest);
  if (layerCompression(blob.mediaType) === 'none') {
    for await (const c of src as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      yield c;
    }
    return;
  }
  if (layerCompression(blob.mediaType) === 'zstd') {
    try {
      yield* unzstd(src as AsyncIterable<Buffer>, {
        missing: 'this image has zstd-compressed layers',
        invalid: (why) =>
          new EngineError(
            'failed_precondition',
            `layer blob ${blob.digest} is damaged in the store (zstd: ${why}): run 'dockui system check'`,
          ),
        ...(signal ? { signal } : {}),
      });
    } finally {
      src.destroy();
    }
    return;
  }
  const gz = createGunzip({ chunkSize: 1 << 20 });
  const feeding = pipeline(src, gz).catch((e: unknown) => gz.destroy(e instanceof Error ? e : new Error(String(e))));
  try {
    for await (const c of gz as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      yield c;
    }
  } catch (e) {
    if (isEngineError(e)) throw e;
    throw new EngineError(
      'failed_precondition',
      `layer blob ${blob.digest} is damaged in the store (${(e as Error).message}): run 'dockui system check'`,
      { cause: e },
    );
  } finally {
    gz.destroy();
    src.destroy();
    await feeding;
  }
}

/** Size and sha256 of a stored layer's tar; refuses one that does not match its diff_id. */
async function measureLayer(store: Store, blob: Descriptor, diffId: string, signal?: AbortSignal): Promise<number> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of layerTar(store, blob, signal)) {
    h.update(c);
    size += c.length;
  }
  const got = `sha256:${h.digest('hex')}`;
  if (got !== diffId)
    throw new EngineError(
      'failed_precondition',
      `layer ${diffId} is damaged in the store (its blob inflates to ${got}): run 'dockui system check'`,
    );
  return size;
}

function fileEntry(name: string, data: Buffer): Buffer[] {
  return [
    encodeHeader({ name, type: typeFlag.file, mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0 }),
    data,
    Buffer.alloc(padding(data.length)),
  ];
}

function dirEntry(name: string): Buffer {
  return encodeHeader({ name, type: typeFlag.dir, mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 });
}

/**
 * The archive of `names` as a stream of chunks. Everything is resolved (and every manifest and
 * blob found) before the first chunk; a layer whose blob does not inflate to its diff_id stops
 * the stream with an error.
 */
export async function* saveImages(store: Store, names: readonly string[], opts: SaveOptions = {}): AsyncGenerator<Buffer> {
  const { signal } = opts;
  // A lease for the whole save: a gc meanwhile (rmi, prune) cannot take a blob being read.
  const lease = await store.lease(signal);
  try {
    yield* archiveChunks(store, await planSave(store, names), signal);
  } finally {
    await lease.release();
  }
}

async function* archiveChunks(store: Store, images: readonly SaveImage[], signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  yield dirEntry('blobs/');
  yield dirEntry('blobs/sha256/');
  const written = new Map<string, number>(); // digest → size, of blobs already in the archive
  const manifestJson: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const index: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] = [];
  for (const img of images) {
    const layerDescs: { mediaType: string; digest: string; size: number }[] = [];
    for (const { blob, diffId } of img.layers) {
      throwIfAborted(signal);
      let size = written.get(diffId);
      if (size === undefined) {
        size = await measureLayer(store, blob, diffId, signal);
        yield encodeHeader({ name: blobName(diffId), type: typeFlag.file, mode: 0o644, uid: 0, gid: 0, size, mtime: 0 });
        const h = createHash('sha256');
        let n = 0;
        for await (const c of layerTar(store, blob, signal)) {
          h.update(c);
          n += c.length;
          if (n > size) break;
          yield c;
        }
        if (n !== size || `sha256:${h.digest('hex')}` !== diffId)
          throw new EngineError('internal', `layer ${diffId} changed while it was saved`);
        yield Buffer.alloc(padding(size));
        written.set(diffId, size);
      }
      layerDescs.push({ mediaType: mediaTypes.ociLayer, digest: diffId, size });
    }
    if (!written.has(img.id)) {
      yield* fileEntry(blobName(img.id), img.configBytes);
      written.set(img.id, img.configBytes.length);
    }
    // The OCI manifest of the archive's (uncompressed) layers.
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        config: { mediaType: mediaTypes.ociConfig, digest: img.id, size: img.configBytes.length },
        layers: layerDescs,
      }),
    );
    const mDigest = sha256(manifest);
    if (!written.has(mDigest)) {
      yield* fileEntry(blobName(mDigest), manifest);
      written.set(mDigest, manifest.length);
    }
    const desc = { mediaType: mediaTypes.ociManifest, digest: mDigest, size: manifest.length };
    if (img.tags.length === 0) index.push(desc);
    for (const t of img.tags)
      index.push({
        ...desc,
        annotations: { 'io.containerd.image.name': t.toString(), 'org.opencontainers.image.ref.name': t.tag ?? 'latest' },
      });
    manifestJson.push({
      Config: blobName(img.id),
      RepoTags: img.tags.map((t) => t.familiar()),
      Layers: img.layers.map((l) => blobName(l.diffId)),
    });
  }
  yield* fileEntry('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: index })));
  yield* fileEntry('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
  yield* fileEntry('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  yield endOfArchive();
}

/**
 * Writes the archive to `file`: into a temp file next to it, renamed over it at the end, so a
 * failed save leaves no half archive (and no old one destroyed). Devices and FIFOs are written
 * directly.
 */
export async function saveToFile(store: Store, names: readonly string[], file: string, opts: SaveOptions = {}): Promise<void> {
  let direct = false;
  try {
    direct = !(await stat(file)).isFile();
  } catch {
    /* a new file */
  }
  const { rename } = await import('../util/fsa.js');
  const target = direct ? file : `${file}.dockui-${process.pid}-${Date.now().toString(36)}`;
  const out = createWriteStream(target, { flags: direct ? 'w' : 'wx', mode: 0o644 });
  try {
    await pipeline(Readable.from(saveImages(store, names, opts)), out);
    if (!direct) await rename(target, file);
  } catch (e) {
    if (!direct) await unlink(target).catch(() => undefined);
    if (opts.signal?.aborted) throw canceledError();
    if (isEngineError(e)) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new EngineError('unavailable', `cannot write ${file}: ${err.code ?? err.message}`, { cause: e });
  }
}

/** Writes the archive to a stream (stdout), honouring back-pressure; the stream is not ended. */
export async function saveToStream(
  store: Store,
  names: readonly string[],
  out: Writable | NodeJS.WriteStream,
  opts: SaveOptions = {},
): Promise<void> {
  // One listener for the whole write: an EPIPE may arrive between two writes.
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const onError = (e: Error) => {
    failed ??= e;
    wake?.();
  };
  const check = () => {
    if (failed)
      throw new EngineError('unavailable', `cannot write the archive: ${(failed as NodeJS.ErrnoException).code ?? failed.message}`, {
        cause: failed,
      });
  };
  out.on('error', onError);
  try {
    for await (const c of saveImages(store, names, opts)) {
      check();
      if (!out.write(c))
        await new Promise<void>((res) => {
          wake = res;
          out.once('drain', res);
        });
      wake = undefined;
      check();
    }
    // Flushed: the last write's callback has run.
    await new Promise<void>((res) => {
      wake = res;
      out.write(Buffer.alloc(0), () => res());
    });
    check();
  } finally {
    out.off('error', onError);
  }
}
