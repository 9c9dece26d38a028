// `dockui save` / `dockui load`: image archives.
//
// save writes the format `docker save` (25+) writes: an OCI image layout (oci-layout,
// index.json, blobs/sha256/...) that is also a docker-archive (manifest.json with Config,
// RepoTags, Layers pointing into blobs/). Layers are uncompressed tars whose digest is the
// config's diff_id: the store's gzip (or zstd) blobs are inflated twice, once to learn each
// tar's size and check its diff_id (a tar header needs the size first, and stdout cannot seek),
// once to write it. The whole save holds a store lease, so a gc cannot take a blob mid-read.
//
// load reads a docker-archive (manifest.json, any layout of paths: docker's, skopeo's) or an
// oci-archive (index.json), plain or gzip-compressed, from a file or stdin (spooled to
// ROOT/tmp first: manifest.json may come last). It is hostile input: the archive is indexed
// once (paths with `..` or absolute ones refused, JSON sizes bounded, every file hashed), then
// everything the archive claims is checked — each layer against its diff_id, each OCI blob
// against its digest — before anything is written. Only then are layers unpacked through the
// store (which checks every entry and the diff_id again) while their blobs are prepared under
// ROOT/tmp; the blobs move into the store once every layer is in, then config, manifest, and
// the records last, under a lease. A failure (or ^C) leaves no blob, temp file or record;
// layers unpacked before it are complete, unreferenced, and gc removes them.
//
// Storage choice: uncompressed layers from an archive are gzip-compressed into the store's
// blobs (with the OCI gzip media type), as import and build do. The unpacked layer is kept
// anyway, so an uncompressed blob would double the disk use; and a later push sends the blob
// as stored, so gzip keeps it the size a registry expects. OCI archives' compressed layers are
// kept as they are (the image keeps its manifest digest).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { EngineError, canceledError, isEngineError, throwIfAborted } from '../define.js';
import { encodeHeader, endOfArchive, padding, readTar, typeFlag } from '../fsutil/tar.js';
import { unzstd } from '../util/zstd.js';
import { tempPath } from '../build/publish.js';
import {
  type Descriptor,
  configLimit,
  layerCompression,
  manifestLimit,
  mediaTypes,
  parseManifest,
  selectPlatform,
} from '../registry/manifest.js';
import { formatPlatform, hostPlatform, normalizePlatform } from '../registry/platform.js';
import { type Reference, parseReference, tryParseReference } from '../util/reference.js';
import { type ImageConfig, type LayerResult, type Store, parseConfig } from '../store/index.js';

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
  const { rename } = await import('node:fs/promises');
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

// ---------------------------------------------------------------------------------------------
// load: indexing the archive

interface ArchiveEntry {
  readonly path: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** Where the data starts in the (uncompressed) archive file. */
  readonly offset: number;
  readonly size: number;
  /** sha256 of the data, for files. */
  readonly digest?: string;
  readonly link?: string;
}

const maxEntries = 100_000;

function notArchive(name: string, why: string): EngineError {
  return new EngineError('invalid_argument', `${name} is not a valid image archive: ${why}`);
}

/** An archive path made clean: no leading "./", no "." parts; absolute paths and ".." refused. */
function cleanArchivePath(raw: string, name: string): string {
  const shown = JSON.stringify(raw.slice(0, 200));
  if (raw.startsWith('/')) throw notArchive(name, `entry ${shown} has an absolute path`);
  const parts = raw.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw notArchive(name, `entry ${shown} points outside the archive (..)`);
  if (parts.length === 0) return '.';
  return parts.join('/');
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === len ? buf : buf.subarray(0, got);
}

/** Every entry of a tar file by clean path, with data offsets and file digests (one pass of the shared tar reader). */
async function indexArchive(file: string, name: string, signal?: AbortSignal): Promise<Map<string, ArchiveEntry>> {
  const entries = new Map<string, ArchiveEntry>();
  const invalid = (why: string) => {
    if (entries.size === 0 && why !== 'unexpected end of archive')
      return notArchive(name, why === 'empty input' ? 'it is empty' : 'it is not a tar archive (docker save or oci-archive)');
    return notArchive(name, why === 'unexpected end of archive' ? 'it is cut short' : why);
  };
  for await (const { header: h, offset, body } of readTar(createReadStream(file, { highWaterMark: 1 << 20, signal }), { invalid })) {
    throwIfAborted(signal);
    const path = cleanArchivePath(h.path, name);
    const shown = JSON.stringify(h.path.slice(0, 200));
    if (h.type !== 'file' && h.type !== 'dir' && h.type !== 'symlink' && h.type !== 'hardlink')
      throw notArchive(name, `entry ${shown} has an unsupported type (${h.type})`);
    const type = h.type;
    let digest: string | undefined;
    if (type === 'file') {
      const hash = createHash('sha256');
      for await (const c of body()) hash.update(c);
      digest = `sha256:${hash.digest('hex')}`;
    }
    if ((type === 'symlink' || type === 'hardlink') && h.linkname.startsWith('/'))
      throw notArchive(name, `link ${shown} points outside the archive`);
    if (entries.size >= maxEntries && !entries.has(path)) throw notArchive(name, `more than ${maxEntries} entries`);
    entries.set(path, {
      path,
      type,
      offset,
      size: h.size,
      ...(digest ? { digest } : {}),
      ...(type === 'symlink' || type === 'hardlink' ? { link: h.linkname } : {}),
    });
  }
  return entries;
}

/** The file entry `path` (as manifest.json or a link names it) leads to, links followed. */
function lookup(entries: Map<string, ArchiveEntry>, path: string, name: string, from = '.'): ArchiveEntry {
  const shown = JSON.stringify(path.slice(0, 200));
  let want = path;
  let base = from;
  for (let hops = 0; hops < 16; hops++) {
    if (want.startsWith('/')) throw notArchive(name, `${shown} points outside the archive`);
    const joined = posix.normalize(posix.join(base, want));
    if (joined === '..' || joined.startsWith('../')) throw notArchive(name, `${shown} points outside the archive`);
    const e = entries.get(cleanArchivePath(joined, name));
    if (!e) throw notArchive(name, `${shown} is not in the archive`);
    if (e.type === 'file') return e;
    if (e.type === 'dir') throw notArchive(name, `${shown} is a directory`);
    // A symlink is relative to its own directory; a hardlink names a path from the top.
    base = e.type === 'symlink' ? posix.dirname(e.path) : '.';
    want = e.link!;
  }
  throw notArchive(name, `${shown}: too many links`);
}

// ---------------------------------------------------------------------------------------------
// load: what the archive holds

export interface LoadOptions {
  readonly signal?: AbortSignal;
  /** What to call the archive in messages (the file name, or "stdin"). */
  readonly name?: string;
  /** One line per layer as it is loaded. */
  readonly onLayer?: (diffId: string, size: number, existed: boolean) => void;
}

export interface LoadedImage {
  /** Image id (config digest). */
  readonly id: string;
  /** Normalized names it was recorded under (none: untagged). */
  readonly refs: readonly string[];
  /** What docker prints: "busybox:latest". */
  readonly names: readonly string[];
  /** Names that pointed at another image before (docker: "renaming the old one ... to empty string"). */
  readonly replaced: readonly { readonly name: string; readonly id: string }[];
}

interface LoadLayer {
  readonly entry: ArchiveEntry;
  readonly diffId: string;
  /** How the entry's bytes are compressed. */
  readonly compression: 'gzip' | 'zstd' | 'none';
  /** For an OCI blob kept as it is: its descriptor. */
  readonly keep?: Descriptor;
}

interface LoadPlan {
  readonly configBytes: Buffer;
  readonly config: ImageConfig;
  readonly id: string;
  readonly layers: readonly LoadLayer[];
  readonly refs: readonly Reference[];
  /** The archive's own manifest, when every layer blob is kept as it is (OCI). */
  readonly manifest?: { readonly bytes: Buffer; readonly mediaType: string };
}

async function readEntry(file: string, e: ArchiveEntry, limit: number, what: string, name: string): Promise<Buffer> {
  if (e.size > limit) throw notArchive(name, `${what} ${JSON.stringify(e.path)} is too large (${e.size} bytes, at most ${limit})`);
  const fh = await open(file, 'r');
  try {
    return await readAt(fh, e.offset, e.size);
  } finally {
    await fh.close();
  }
}

function parseJson(b: Buffer, what: string, name: string): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    throw notArchive(name, `${what} is not JSON`);
  }
}

const gzipMagic = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const zstdMagic = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528;

async function sniff(file: string, e: ArchiveEntry): Promise<'gzip' | 'zstd' | 'none'> {
  const fh = await open(file, 'r');
  try {
    const b = await readAt(fh, e.offset, Math.min(4, e.size));
    return gzipMagic(b) ? 'gzip' : zstdMagic(b) ? 'zstd' : 'none';
  } finally {
    await fh.close();
  }
}

function entryStream(file: string, e: ArchiveEntry): Readable {
  if (e.size === 0) return Readable.from([]);
  return createReadStream(file, { start: e.offset, end: e.offset + e.size - 1, highWaterMark: 1 << 20 });
}

/** sha256 of the inflated bytes of a gzip or zstd entry (the diff_id check of a compressed layer). */
async function inflatedDigest(
  file: string,
  e: ArchiveEntry,
  compression: 'gzip' | 'zstd',
  name: string,
  signal?: AbortSignal,
): Promise<string> {
  const h = createHash('sha256');
  try {
    if (compression === 'zstd') {
      const inflated = unzstd(entryStream(file, e) as AsyncIterable<Buffer>, {
        missing: 'this image has zstd-compressed layers',
        invalid: (why) => notArchive(name, `layer ${JSON.stringify(e.path)} is damaged (zstd: ${why})`),
        ...(signal ? { signal } : {}),
      });
      for await (const c of inflated) h.update(c);
    } else
      await pipeline(
        entryStream(file, e),
        createGunzip({ chunkSize: 1 << 20 }),
        new Writable({
          write(c: Buffer, _enc, cb) {
            h.update(c);
            cb();
          },
        }),
        ...(signal ? [{ signal }] : []),
      );
  } catch (err) {
    if (signal?.aborted) throw canceledError();
    if (isEngineError(err) && (/install zstd/.test(err.message) || /is not a valid image archive/.test(err.message))) throw err;
    const why = (err as Error).message.replace(/^layer blob .* is damaged in the store \((.*)\):.*$/, '$1');
    throw notArchive(name, `layer ${JSON.stringify(e.path)} is damaged (${why})`);
  }
  return `sha256:${h.digest('hex')}`;
}

function parseRepoTag(t: unknown, name: string): Reference {
  if (typeof t !== 'string') throw notArchive(name, 'manifest.json has a RepoTag that is not a string');
  let r: Reference;
  try {
    r = parseReference(t);
  } catch {
    throw notArchive(name, `manifest.json has an invalid RepoTag ${JSON.stringify(t.slice(0, 200))}`);
  }
  if (r.digest) throw notArchive(name, `manifest.json has a RepoTag with a digest: ${JSON.stringify(t.slice(0, 200))}`);
  return r;
}

async function configOf(file: string, e: ArchiveEntry, name: string): Promise<{ bytes: Buffer; config: ImageConfig; id: string }> {
  const bytes = await readEntry(file, e, configLimit, 'image config', name);
  const id = sha256(bytes);
  let config: ImageConfig;
  try {
    config = parseConfig(bytes, id);
  } catch (err) {
    throw notArchive(name, `image config ${JSON.stringify(e.path)} is malformed (${(err as Error).message})`);
  }
  return { bytes, config, id };
}

/** docker-archive: manifest.json. */
async function planDocker(file: string, entries: Map<string, ArchiveEntry>, name: string, signal?: AbortSignal): Promise<LoadPlan[]> {
  const mj = parseJson(
    await readEntry(file, lookup(entries, 'manifest.json', name), manifestLimit, 'manifest.json', name),
    'manifest.json',
    name,
  );
  if (!Array.isArray(mj) || mj.length === 0) throw notArchive(name, 'manifest.json is not a non-empty list');
  if (mj.length > 1000) throw notArchive(name, 'manifest.json lists more than 1000 images');
  const plans: LoadPlan[] = [];
  for (const [i, item] of mj.entries()) {
    const m = item as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (
      typeof m !== 'object' ||
      m === null ||
      typeof m.Config !== 'string' ||
      !Array.isArray(m.Layers) ||
      !m.Layers.every((l) => typeof l === 'string')
    )
      throw notArchive(name, `manifest.json entry ${i} lacks Config or Layers`);
    if (m.RepoTags != null && !Array.isArray(m.RepoTags)) throw notArchive(name, `manifest.json entry ${i} has malformed RepoTags`);
    const refs = ((m.RepoTags as unknown[] | null | undefined) ?? []).map((t) => parseRepoTag(t, name));
    const { bytes, config, id } = await configOf(file, lookup(entries, m.Config, name), name);
    const diffIds = config.rootfs?.diff_ids ?? [];
    const paths = m.Layers;
    if (diffIds.length !== paths.length)
      throw notArchive(name, `image ${id.slice(7, 19)}: its config lists ${diffIds.length} layers but manifest.json ${paths.length}`);
    const layers: LoadLayer[] = [];
    for (const [j, p] of paths.entries()) {
      const entry = lookup(entries, p, name);
      const diffId = diffIds[j]!;
      const compression = await sniff(file, entry);
      const got = compression === 'none' ? entry.digest : await inflatedDigest(file, entry, compression, name, signal);
      if (got !== diffId)
        throw notArchive(name, `layer ${JSON.stringify(p.slice(0, 200))} does not match its diff_id ${diffId} (its content is ${got})`);
      layers.push({ entry, diffId, compression });
    }
    plans.push({ configBytes: bytes, config, id, layers, refs });
  }
  return plans;
}

/** oci-archive: index.json → (index →) manifests → config and layer blobs, each checked by digest. */
async function planOci(file: string, entries: Map<string, ArchiveEntry>, name: string, signal?: AbortSignal): Promise<LoadPlan[]> {
  const blob = (d: Descriptor, what: string): ArchiveEntry => {
    const e = lookup(entries, blobName(d.digest), name);
    if (e.digest !== d.digest) throw notArchive(name, `${what} ${d.digest} does not match its digest (its content is ${e.digest})`);
    if (e.size !== d.size) throw notArchive(name, `${what} ${d.digest} has ${e.size} bytes, its descriptor says ${d.size}`);
    return e;
  };
  const topBytes = await readEntry(file, lookup(entries, 'index.json', name), manifestLimit, 'index.json', name);
  let top;
  try {
    top = parseManifest(topBytes, mediaTypes.ociIndex, 'index.json');
  } catch (e) {
    throw notArchive(name, (e as Error).message);
  }
  if (top.kind !== 'index') throw notArchive(name, 'index.json is not an image index');
  if (top.manifests.length === 0) throw notArchive(name, 'index.json lists no images');
  // Names as docker reads them: io.containerd.image.name, else a full ref.name.
  const raw = (JSON.parse(topBytes.toString('utf8')) as { manifests: { annotations?: Record<string, unknown> }[] }).manifests;
  const plans: LoadPlan[] = [];
  for (const [i, d0] of top.manifests.entries()) {
    const ann = raw[i]?.annotations ?? {};
    let refName: string | undefined;
    const full = ann['io.containerd.image.name'];
    const short = ann['org.opencontainers.image.ref.name'];
    if (typeof full === 'string') refName = full;
    else if (typeof short === 'string' && /[:/]/.test(short)) refName = short;
    const refs = refName === undefined ? [] : [parseRepoTag(refName, name)];
    let d = d0;
    let bytes = await readEntry(file, blob(d, 'manifest'), manifestLimit, 'manifest', name);
    let m;
    try {
      m = parseManifest(bytes, d.mediaType, `manifest ${d.digest}`);
      if (m.kind === 'index') {
        d = selectPlatform(m, hostPlatform(), refName ?? 'the archived image');
        bytes = await readEntry(file, blob(d, 'manifest'), manifestLimit, 'manifest', name);
        m = parseManifest(bytes, d.mediaType, `manifest ${d.digest}`);
        if (m.kind === 'index') throw notArchive(name, 'an index inside an index is not supported');
      }
    } catch (e) {
      if (isEngineError(e) && e.message.startsWith(name)) throw e;
      throw notArchive(name, (e as Error).message);
    }
    if (m.config.mediaType !== mediaTypes.ociConfig && m.config.mediaType !== mediaTypes.dockerConfig)
      throw notArchive(name, `manifest ${d.digest} is not a container image (its config is ${m.config.mediaType.slice(0, 100)})`);
    const { bytes: configBytes, config, id } = await configOf(file, blob(m.config, 'image config'), name);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== m.layers.length)
      throw notArchive(name, `image ${id.slice(7, 19)}: its config lists ${diffIds.length} layers but its manifest ${m.layers.length}`);
    const layers: LoadLayer[] = [];
    let keepAll = true;
    for (const [j, l] of m.layers.entries()) {
      let compression: 'gzip' | 'zstd' | 'none';
      try {
        compression = layerCompression(l.mediaType);
      } catch (e) {
        throw notArchive(name, (e as Error).message);
      }
      const entry = blob(l, 'layer');
      const diffId = diffIds[j]!;
      const got = compression === 'none' ? entry.digest : await inflatedDigest(file, entry, compression, name, signal);
      if (got !== diffId) throw notArchive(name, `layer ${l.digest} does not match its diff_id ${diffId} (its content is ${got})`);
      if (compression === 'none') keepAll = false;
      layers.push({ entry, diffId, compression, ...(compression !== 'none' ? { keep: l } : {}) });
    }
    plans.push({ configBytes, config, id, layers, refs, ...(keepAll ? { manifest: { bytes, mediaType: m.mediaType } } : {}) });
  }
  return plans;
}

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
