// The content store: the public face of src/engine/store/.
//
// ROOT/blobs/sha256/<hex>     verified blobs (temp under ROOT/tmp, fsync, rename)
// ROOT/tmp/                   partial ingests (ingest-<hex> + .lock, resumable), unpacks in progress,
//                             other temp files named <kind>-<pid>-<rand> so gc knows dead writers'
// ROOT/layers/<diffid-hex>/   diff/ (overlay lowerdir format), meta.json, index.json, complete
// ROOT/images/records.json    normalized reference → manifest/config digests (records.lock)
//
// Lifecycles:
// - Blob: ingest(digest) → write()* → commit() | abort() | suspend(); or putBlob(bytes).
//   A blob is visible under blobs/ only once verified. A suspended (or killed) ingest is resumed
//   by the next ingest() of the same digest: writer.offset says where to continue.
// - Layer: unpackLayer({ source }) streams a (compressed) layer tar into ROOT/tmp/unpack-*,
//   verifying its diffID, refusing hostile entries; the finished dir is renamed into
//   ROOT/layers/<hex>. adoptLayer() moves an overlay upper dir (a build step) into place.
//   A layer dir without its `complete` marker does not count.
// - Image: setImage(ref, {manifestDigest, configDigest, ...}) after its blobs and layers are in;
//   removeImage() untags; gc() removes what no image, build-cache entry or container references.
// - Writers and gc: the first write of a process (ingest, putBlob, adoptBlobFile, unpackLayer,
//   adoptLayer) takes a lease (ROOT/leases) held until its setImage() or a minute of quiet;
//   gc waits for live leases. A build that reads base layers before its first write should
//   hold lease() for its whole run.
// - check() re-hashes every blob and compares every layer dir with the index recorded when it
//   was made (paths, types, sizes, modes, link targets, whiteouts, opaque dirs): structure,
//   not the bytes of unpacked files (those came verified from the blob, by diffID).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, readdir } from '../util/fsa.js';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError, type ImageSummary, compareText } from '../define.js';
import { securePrivateDir } from '../paths.js';
import { parseReference } from '../util/reference.js';
import { Blobs, checkDigest, hexOf, type BlobWriter } from './blobs.js';
import { hasLayer, layerDir } from './layer-dir.js';
import { orphanIfUnnamed, parentsOf, Records, type ImageRecord, type RecordsFile } from './images.js';

export type { BlobWriter } from './blobs.js';
export type { ImageRecord } from './images.js';
import type { CheckReport, DfReport, GcOptions, GcReport, ImageConfig, LayerResult, UnpackOptions } from './types.js';
export type {
  UnpackProgress,
  UnpackOptions,
  LayerResult,
  CheckProblem,
  CheckReport,
  GcReport,
  GcOptions,
  DfReport,
  ImageConfig,
} from './types.js';
export { checkDigest, isDigest, sha256, tempName } from './blobs.js';
export { familiarName, inspectImage, type InspectResult } from './inspect.js';

export interface ResolvedImage {
  /** Image id = config digest. */
  readonly id: string;
  /** The normalized reference the lookup matched, when it was a name. */
  readonly ref?: string;
  readonly record: ImageRecord;
}

export interface ImageLayer {
  readonly diffId: string;
  /** ROOT/layers/<hex>/diff: an overlay lowerdir. */
  readonly dir: string;
}

export interface Store {
  readonly root: string;

  // ---- blobs
  hasBlob(digest: string): Promise<boolean>;
  /** Where the verified blob lives (whether or not it exists yet). */
  blobPath(digest: string): string;
  blobSize(digest: string): Promise<number>;
  /** Reads a whole blob and verifies it (for manifests and configs). Default limit 16 MiB. */
  readBlob(digest: string, maxBytes?: number): Promise<Buffer>;
  /** A read stream of a stored blob (push). */
  blobStream(digest: string, start?: number): Readable;
  putBlob(data: Buffer, expectedDigest?: string): Promise<string>;
  /**
   * Moves a finished, fsynced file under ROOT/tmp into place as blob `digest` (a build's layer
   * tarball whose digest was computed while writing it); `verify` re-hashes it first.
   */
  adoptBlobFile(file: string, digest: string, opts?: { verify?: boolean }): Promise<void>;
  /** Starts or resumes writing a blob; see BlobWriter. Mismatches throw EngineError('unavailable'). */
  ingest(digest: string, opts?: { size?: number }): Promise<BlobWriter>;

  // ---- layers (keyed by diffID)
  hasLayer(diffId: string): Promise<boolean>;
  /** ROOT/layers/<hex>/diff, the overlay lowerdir of that layer. */
  layerPath(diffId: string): string;
  /** Size recorded at unpack/adopt; undefined when the layer is absent. */
  layerSize(diffId: string): Promise<number | undefined>;
  unpackLayer(opts: UnpackOptions): Promise<LayerResult>;
  /**
   * Moves `dir` (overlay upper-dir format, same filesystem as ROOT) into the store as layer
   * `diffId`. When the layer exists already `dir` is removed.
   */
  adoptLayer(dir: string, opts: { diffId: string; size?: number }): Promise<LayerResult>;

  // ---- images
  getImage(ref: string): Promise<ImageRecord | undefined>;
  setImage(ref: string | null, rec: Omit<ImageRecord, 'taggedAt' | 'size' | 'created'>): Promise<ImageRecord>;
  /** Gives `source` (name, id or id prefix) the name `target`; returns the normalized target (not the id). */
  tagImage(source: string, target: string): Promise<string>;
  /**
   * Untags (or by id: removes every name). Refused while a container uses it unless force.
   * Frees no space by itself: run gc({ waitMs: 0 }) after (as `dockui rmi` does).
   */
  removeImage(refOrId: string, opts?: { force?: boolean }): Promise<{ untagged: string[]; deleted: string[] }>;
  /**
   * One summary per image id, names sorted, newest first. `all: false` leaves out unnamed images;
   * `countUsers: false` reads no container record (`inUse` -1).
   */
  listImages(opts?: { all?: boolean; countUsers?: boolean }): Promise<ImageSummary[]>;
  /** A name (normalized here), an id, or a unique id prefix. */
  resolveImage(refOrId: string): Promise<ResolvedImage>;
  /** The parsed image config blob (OCI image config). */
  imageConfig(refOrId: string): Promise<ImageConfig>;
  /** The image's layers in order, bottom first (overlay lowerdir wants them reversed); `config`
   * saves reading it again when the caller has it. */
  imageLayers(refOrId: string, config?: ImageConfig): Promise<ImageLayer[]>;
  /** Ids of containers (ROOT/containers/<id>/record.json) using the image. */
  containersUsing(imageId: string): Promise<string[]>;

  // ---- maintenance
  check(opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<CheckReport>;
  /**
   * Removes unreferenced blobs and layers and dead processes' temp files. `dangling` also drops
   * unnamed images not used by a container; `partials` also drops resumable partial downloads.
   * Waits (up to 30 s) for running pulls and builds, which hold leases.
   */
  gc(opts?: GcOptions): Promise<GcReport>;
  /**
   * Held by a pull or build from its first write until its image record (or build-cache entry)
   * is set, so that a concurrent gc cannot remove what it wrote or reused. Release in a finally.
   */
  lease(signal?: AbortSignal): Promise<{ release(): Promise<void> }>;
  df(): Promise<DfReport>;
}

/** Normalizes a user-given name: "busybox" → "docker.io/library/busybox:latest". */
export function normalizeRef(ref: string): string {
  return parseReference(ref).toString();
}

const hexPrefixRe = /^(sha256:)?[0-9a-f]{1,64}$/;

class FsStore implements Store {
  readonly blobs: Blobs;
  readonly records: Records;
  constructor(readonly root: string) {
    this.blobs = new Blobs(root);
    this.records = new Records(join(root, 'images'), join(root, 'tmp'));
  }

  // Automatic lease: from a process's first write until its image record is set (or a minute
  // after its last write), so that a gc in another process (or this one) cannot remove blobs
  // and layers written but not yet recorded, even when the caller took no lease() itself.
  private autoLease: Promise<{ release(): Promise<void> }> | undefined;
  private writing = 0;
  private idle: NodeJS.Timeout | undefined;

  private async begin(): Promise<void> {
    this.writing++;
    clearTimeout(this.idle);
    if (!this.autoLease) {
      const p = import('./maintenance.js').then((m) => m.takeLease(this.root));
      this.autoLease = p;
      p.catch(() => {
        if (this.autoLease === p) this.autoLease = undefined;
      });
    }
    try {
      await this.autoLease;
    } catch (e) {
      this.writing--;
      throw e;
    }
  }

  private end(): void {
    this.writing--;
    if (this.writing > 0) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.dropLease(), 60_000);
    this.idle.unref();
  }

  private async dropLease(): Promise<void> {
    if (this.writing > 0 || !this.autoLease) return;
    const l = this.autoLease;
    this.autoLease = undefined;
    clearTimeout(this.idle);
    await (await l.catch(() => undefined))?.release();
  }

  private async writing_<T>(fn: () => Promise<T>): Promise<T> {
    await this.begin();
    try {
      return await fn();
    } finally {
      this.end();
    }
  }

  // ---- blobs
  hasBlob(d: string) {
    return this.blobs.has(d);
  }
  blobPath(d: string) {
    return this.blobs.path(d);
  }
  blobSize(d: string) {
    return this.blobs.size(d);
  }
  readBlob(d: string, max?: number) {
    return this.blobs.read(d, max);
  }
  blobStream(d: string, start?: number) {
    return this.blobs.stream(d, start);
  }
  putBlob(data: Buffer, expected?: string) {
    return this.writing_(() => this.blobs.put(data, expected));
  }
  adoptBlobFile(file: string, digest: string, opts?: { verify?: boolean }): Promise<void> {
    return this.writing_(() => this.blobs.adoptFile(file, digest, opts));
  }
  async ingest(d: string, opts?: { size?: number }): Promise<BlobWriter> {
    await this.begin();
    let w: BlobWriter;
    try {
      w = await this.blobs.ingest(d, opts);
    } catch (e) {
      this.end();
      throw e;
    }
    // The lease lasts as long as the writer: it ends with commit, abort or suspend.
    let open = true;
    const close = <T>(p: Promise<T>): Promise<T> =>
      p.finally(() => {
        if (open) this.end();
        open = false;
      });
    return {
      digest: w.digest,
      offset: w.offset,
      get written() {
        return w.written;
      },
      write: (c) => w.write(c),
      commit: () => close(w.commit()),
      abort: () => close(w.abort()),
      suspend: () => close(w.suspend()),
    };
  }

  // ---- layers
  hasLayer(diffId: string): Promise<boolean> {
    return hasLayer(this.root, diffId);
  }
  layerPath(diffId: string): string {
    return join(layerDir(this.root, diffId), 'diff');
  }
  async layerSize(diffId: string): Promise<number | undefined> {
    const { readLayerMeta } = await import('./layers.js');
    return (await readLayerMeta(this.root, diffId))?.size;
  }
  async unpackLayer(opts: UnpackOptions): Promise<LayerResult> {
    const { unpackLayer } = await import('./layers.js');
    return this.writing_(() => unpackLayer(this.root, opts));
  }
  async adoptLayer(dir: string, opts: { diffId: string; size?: number }): Promise<LayerResult> {
    const { adoptLayer } = await import('./layers.js');
    return this.writing_(() => adoptLayer(this.root, dir, opts));
  }

  // ---- images
  async getImage(ref: string): Promise<ImageRecord | undefined> {
    return (await this.records.read()).refs[normalizeRef(ref)];
  }

  /** Unpacked size (layer metas, else the manifest's compressed sizes) and created time, for the record. */
  private async describe(configDigest: string): Promise<{ size?: number; created?: string }> {
    try {
      const cfg = JSON.parse((await this.blobs.read(configDigest)).toString('utf8')) as ImageConfig;
      let size = 0;
      for (const d of cfg.rootfs?.diff_ids ?? []) size += (await this.layerSize(d).catch(() => undefined)) ?? 0;
      return { size, ...(typeof cfg.created === 'string' ? { created: cfg.created } : {}) };
    } catch {
      return {};
    }
  }

  async setImage(ref: string | null, rec: Omit<ImageRecord, 'taggedAt' | 'size' | 'created'>): Promise<ImageRecord> {
    checkDigest(rec.manifestDigest, 'manifest digest');
    checkDigest(rec.configDigest, 'config digest');
    const key = ref === null ? null : normalizeRef(ref);
    const full: ImageRecord = {
      manifestDigest: rec.manifestDigest,
      configDigest: rec.configDigest,
      mediaType: rec.mediaType,
      ...(rec.platform ? { platform: rec.platform } : {}),
      ...(rec.parent ? { parent: rec.parent } : {}),
      ...(await this.describe(rec.configDigest)),
      taggedAt: new Date().toISOString(),
    };
    await this.records.update((cur) => {
      const refs = { ...cur.refs };
      const dangling = { ...cur.dangling };
      if (key === null) {
        if (!Object.values(refs).some((r) => r.configDigest === rec.configDigest)) dangling[rec.configDigest] = full;
      } else {
        const old = refs[key];
        refs[key] = full;
        delete dangling[rec.configDigest];
        if (old && old.configDigest !== rec.configDigest) orphanIfUnnamed(refs, dangling, old);
      }
      return [{ version: 1, refs, dangling }, undefined];
    });
    // What this process wrote is referenced now: a gc may run again.
    await this.dropLease();
    return full;
  }

  async tagImage(source: string, target: string): Promise<string> {
    const src = await this.resolveImage(source);
    const key = parseReference(target);
    if (key.digest) throw new EngineError('invalid_argument', `cannot tag with a digest: ${target}`);
    await this.setImage(key.toString(), src.record);
    return key.toString();
  }

  async resolveImage(refOrId: string): Promise<ResolvedImage> {
    return this.#resolveIn(await this.records.read(), refOrId);
  }

  /** The image id each of `refs` names, over one read of the records; those naming none (not found, ambiguous, malformed) are left out. */
  async resolveIds(refs: readonly string[]): Promise<Map<string, string>> {
    const cur = await this.records.read();
    const out = new Map<string, string>();
    for (const ref of refs) {
      try {
        out.set(ref, this.#resolveIn(cur, ref).id);
      } catch (e) {
        if (!(e instanceof EngineError) || !['not_found', 'invalid_argument'].includes(e.code)) throw e;
      }
    }
    return out;
  }

  #resolveIn(cur: RecordsFile, refOrId: string): ResolvedImage {
    const all = [
      ...Object.entries(cur.refs).map(([ref, record]) => ({ ref, record })),
      ...Object.values(cur.dangling).map((record) => ({ ref: undefined, record })),
    ];
    const byId = (want: string): ResolvedImage | undefined => {
      const hex = want.replace(/^sha256:/, '');
      const ids = new Set(all.filter((x) => hexOf(x.record.configDigest).startsWith(hex)).map((x) => x.record.configDigest));
      if (ids.size > 1) throw new EngineError('invalid_argument', `image id prefix ${want} is ambiguous: be more specific`);
      const id = [...ids][0];
      if (id === undefined) return undefined;
      const hit = all.find((x) => x.record.configDigest === id)!;
      return { id, record: hit.record };
    };
    if (/^sha256:[0-9a-f]{1,64}$/.test(refOrId) || /^[0-9a-f]{64}$/.test(refOrId)) {
      const hit = byId(refOrId);
      if (hit) return hit;
      throw new EngineError('not_found', `no such image: ${refOrId}`);
    }
    let parsed;
    try {
      parsed = parseReference(refOrId);
    } catch (e) {
      if (hexPrefixRe.test(refOrId)) parsed = undefined;
      else throw e;
    }
    if (parsed) {
      const key = parsed.toString();
      const rec = cur.refs[key];
      if (rec) return { id: rec.configDigest, ref: key, record: rec };
      if (parsed.digest) {
        // name@digest of an image pulled by tag: any record of that name with that manifest.
        const hit = all.find((x) => x.ref?.startsWith(`${parsed.name}:`) && x.record.manifestDigest === parsed.digest);
        // The record's own key, so that removing name@digest untags the name it came by.
        if (hit) return { id: hit.record.configDigest, ...(hit.ref ? { ref: hit.ref } : {}), record: hit.record };
      }
    }
    if (hexPrefixRe.test(refOrId)) {
      const hit = byId(refOrId);
      if (hit) return hit;
    }
    throw new EngineError('not_found', `no such image: ${refOrId}`);
  }

  async imageConfig(refOrId: string): Promise<ImageConfig> {
    const { id } = await this.resolveImage(refOrId);
    return parseConfig(await this.blobs.read(id), id);
  }

  async imageLayers(refOrId: string, config?: ImageConfig): Promise<ImageLayer[]> {
    const cfg = config ?? (await this.imageConfig(refOrId));
    const diffIds = cfg.rootfs?.diff_ids ?? [];
    const have = await Promise.all(diffIds.map((d) => this.hasLayer(d)));
    const missing = diffIds.find((_, i) => !have[i]);
    if (missing) throw new EngineError('failed_precondition', `layer ${missing} of ${refOrId} is missing: pull the image again`);
    return diffIds.map((diffId) => ({ diffId, dir: this.layerPath(diffId) }));
  }

  async containersUsing(imageId: string): Promise<string[]> {
    const dir = join(this.root, 'containers');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const out: string[] = [];
    await Promise.all(
      names.map(async (n) => {
        try {
          const r = JSON.parse(await readFile(join(dir, n, 'record.json'), 'utf8')) as { imageId?: string; id?: string };
          if (r.imageId === imageId) out.push(r.id ?? n);
        } catch {
          // A container being created or removed has no (complete) record: not a user.
        }
      }),
    );
    return out.sort();
  }

  async removeImage(refOrId: string, opts: { force?: boolean } = {}): Promise<{ untagged: string[]; deleted: string[] }> {
    const hit = await this.resolveImage(refOrId);
    const users = await this.containersUsing(hit.id);
    return this.records.update((cur) => {
      const refs = { ...cur.refs };
      const dangling = { ...cur.dangling };
      const names = Object.keys(refs).filter((k) => refs[k]!.configDigest === hit.id);
      // A name of an image that keeps another is only untagged, containers or not (as dockerd's
      // ImageDelete); the last name, or the image itself, waits for its containers unless forced.
      const untagOnly = hit.ref !== undefined && names.length > 1;
      if (users.length > 0 && !opts.force && !untagOnly)
        throw new EngineError(
          'conflict',
          `image ${refOrId} is in use by container ${users[0]!.slice(0, 12)}${users.length > 1 ? ` and ${users.length - 1} more` : ''} (remove it first, or use -f)`,
        );
      let untagged: string[];
      if (hit.ref !== undefined) untagged = refs[hit.ref] ? [hit.ref] : [];
      else {
        if (names.length > 1 && !opts.force)
          throw new EngineError(
            'conflict',
            `image ${refOrId} is referenced by ${names.length} names (${names.join(', ')}): remove them by name, or use -f`,
          );
        untagged = names;
      }
      for (const n of untagged) delete refs[n];
      const left = Object.values(refs).some((r) => r.configDigest === hit.id);
      const deleted: string[] = [];
      if (!left && users.length > 0) {
        // Forced while containers use it: like docker, the image stays, unnamed, until they go.
        dangling[hit.id] = hit.record;
      } else if (!left) {
        delete dangling[hit.id];
        deleted.push(hit.id);
      }
      return [
        { version: 1, refs, dangling },
        { untagged, deleted },
      ];
    });
  }

  /** image id → the image it was built FROM or committed from (ImageRecord.parent). */
  async imageParents(): Promise<Map<string, string>> {
    return parentsOf(await this.records.read());
  }

  /** `countUsers: false`: no container record is read, `inUse` is -1 (not counted). */
  async listImages(opts: { all?: boolean; countUsers?: boolean } = {}): Promise<ImageSummary[]> {
    const cur = await this.records.read();
    const byId = new Map<string, { rec: ImageRecord; names: string[] }>();
    for (const [ref, rec] of Object.entries(cur.refs)) {
      const e = byId.get(rec.configDigest) ?? { rec, names: [] };
      e.names.push(ref);
      byId.set(rec.configDigest, e);
    }
    for (const [id, rec] of Object.entries(cur.dangling)) if (!byId.has(id)) byId.set(id, { rec, names: [] });
    const usage = opts.countUsers === false ? undefined : await this.imageUsage();
    const out: ImageSummary[] = [];
    for (const [id, { rec, names }] of byId) {
      if (names.length === 0 && opts.all === false) continue;
      out.push({
        id,
        digest: rec.manifestDigest,
        names: names.sort(),
        size: rec.size ?? 0,
        ...(rec.created ? { created: rec.created } : {}),
        inUse: usage ? (usage.get(id) ?? 0) : -1,
      });
    }
    return out.sort((a, b) => compareText(b.created ?? '', a.created ?? '') || compareText(a.id, b.id));
  }

  /**
   * image id → number of containers using it. Every container record is read, unless the
   * container index says no record changed since the last count (its change counter, the size
   * of containers/.index/changes, kept by the runtime's records): the TUI asks every 5 s.
   */
  async imageUsage(): Promise<Map<string, number>> {
    const dir = join(this.root, 'containers');
    const changes = containerChanges(dir);
    if (changes !== undefined && this.#usage?.changes === changes) return new Map(this.#usage.map);
    const m = await this.#countUsers(dir);
    this.#usage = changes === undefined ? undefined : { changes, map: new Map(m) };
    return m;
  }
  #usage: { readonly changes: number; readonly map: ReadonlyMap<string, number> } | undefined;

  async #countUsers(dir: string): Promise<Map<string, number>> {
    const m = new Map<string, number>();
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return m;
    }
    await Promise.all(
      names.map(async (n) => {
        try {
          const r = JSON.parse(await readFile(join(dir, n, 'record.json'), 'utf8')) as { imageId?: string };
          if (typeof r.imageId === 'string') m.set(r.imageId, (m.get(r.imageId) ?? 0) + 1);
        } catch {
          // no complete record: not a user
        }
      }),
    );
    return m;
  }

  // ---- maintenance
  async check(opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<CheckReport> {
    const { checkStore } = await import('./maintenance.js');
    return checkStore(this, opts);
  }
  async gc(opts?: GcOptions): Promise<GcReport> {
    const { gcStore } = await import('./maintenance.js');
    // Our own idle lease would make us wait for ourselves; while we are writing, we wait.
    if (this.writing === 0) await this.dropLease();
    return gcStore(this, opts);
  }
  async lease(signal?: AbortSignal): Promise<{ release(): Promise<void> }> {
    const { takeLease } = await import('./maintenance.js');
    return takeLease(this.root, signal);
  }
  async df(): Promise<DfReport> {
    const { dfStore } = await import('./maintenance.js');
    return dfStore(this);
  }
}

export function parseConfig(data: Buffer, id: string): ImageConfig {
  let cfg: unknown;
  try {
    cfg = JSON.parse(data.toString('utf8'));
  } catch {
    throw new EngineError('failed_precondition', `image config ${id} is not JSON`);
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg))
    throw new EngineError('failed_precondition', `image config ${id} is not a JSON object`);
  const c = cfg as ImageConfig;
  if (c.rootfs !== undefined && (!Array.isArray(c.rootfs.diff_ids) || !c.rootfs.diff_ids.every((d) => typeof d === 'string')))
    throw new EngineError('failed_precondition', `image config ${id} has a malformed rootfs.diff_ids`);
  for (const d of c.rootfs?.diff_ids ?? []) checkDigest(d, 'diffID');
  return c;
}

export type { FsStore };

/** Opens (creating as needed) the store under `root`, private to its owner. Cheap: a few stats. */
export async function openStore(root: string): Promise<Store & FsStore> {
  securePrivateDir(root);
  const dirs = [join('blobs', 'sha256'), 'tmp', 'layers', 'images'].map((d) => join(root, d));
  // Made once (private too: a root someone loosens again still hides them); after that, a
  // command checks them with a few µs of stat instead of four mkdirs.
  if (!dirs.every((d) => existsSync(d))) for (const d of dirs) mkdirSync(d, { recursive: true, mode: 0o700 });
  return new FsStore(root);
}

/** The container index's change counter (runtime/container-index.ts), when the index is complete. */
function containerChanges(containersDir: string): number | undefined {
  try {
    statSync(join(containersDir, '.index', 'complete'));
    return statSync(join(containersDir, '.index', 'changes')).size;
  } catch {
    return undefined;
  }
}
