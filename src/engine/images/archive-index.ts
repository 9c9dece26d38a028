// `dockui load`, the part that reads archives:
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
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from '../util/fsa.js';
import { posix } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { EngineError, canceledError, isEngineError, throwIfAborted } from '../define.js';
import { readTar } from '../fsutil/tar.js';
import { unzstd } from '../util/zstd.js';
import {
  type Descriptor,
  configLimit,
  layerCompression,
  manifestLimit,
  mediaTypes,
  parseManifest,
  selectPlatform,
} from '../registry/manifest.js';
import { hostPlatform } from '../registry/platform.js';
import { type Reference, parseReference } from '../util/reference.js';
import { type ImageConfig, parseConfig, sha256 } from '../store/index.js';

// ---------------------------------------------------------------------------------------------
// load: indexing the archive

export interface ArchiveEntry {
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
const blobName = (d: string) => `blobs/sha256/${d.slice('sha256:'.length)}`;

export function notArchive(name: string, why: string): EngineError {
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

export async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
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
export async function indexArchive(file: string, name: string, signal?: AbortSignal): Promise<Map<string, ArchiveEntry>> {
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

export interface LoadPlan {
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

export const gzipMagic = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
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

export function entryStream(file: string, e: ArchiveEntry): Readable {
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
export async function planDocker(
  file: string,
  entries: Map<string, ArchiveEntry>,
  name: string,
  signal?: AbortSignal,
): Promise<LoadPlan[]> {
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
export async function planOci(file: string, entries: Map<string, ArchiveEntry>, name: string, signal?: AbortSignal): Promise<LoadPlan[]> {
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
