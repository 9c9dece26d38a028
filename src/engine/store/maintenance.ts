// check / gc / df, and the leases that keep gc from removing what a running pull or build
// has written but not yet recorded.
//
// Leases form a readers-writer lock between processes: a pull or build holds a lease file
// ROOT/leases/<pid>-<rand> while it runs (created under ROOT/gc.lock, so never during a gc);
// gc takes ROOT/gc.lock and waits until no live process holds a lease. Leases of dead
// processes are stale and removed.
import { crypto } from '../util/builtin.js';
import { createReadStream, unlinkSync } from 'node:fs';
import { lstat, mkdir, open, readFile, rm, stat, unlink } from '../util/fsa.js';
import { join } from 'node:path';
import { EngineError, throwIfAborted, compareText } from '../define.js';
import { isDigest, tempName, tempNamePid } from './blobs.js';
import type { CheckProblem, CheckReport, DfReport, FsStore, GcOptions, GcReport, ImageConfig, Store } from './index.js';
import { readLayerMeta, removeLayerDir, verifyLayer } from './layers.js';
import { listDir, unmountUnder } from './leftovers.js';
import { acquireLock, ownerTag, parseOwner, pidAlive, tryLock } from './lock.js';

type StoreImpl = Store & Pick<FsStore, 'records'>;

async function hashFile(p: string, signal?: AbortSignal): Promise<string> {
  const h = crypto().createHash('sha256');
  for await (const c of createReadStream(p, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) h.update(c);
  return `sha256:${h.digest('hex')}`;
}

/** Runs fn over items with at most n at once. */
async function eachLimit<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

// ---- leases -------------------------------------------------------------------------

export interface Lease {
  release(): Promise<void>;
}

export async function takeLease(root: string, signal?: AbortSignal): Promise<Lease> {
  const dir = join(root, 'leases');
  await mkdir(dir, { recursive: true });
  const release = await acquireLock(join(root, 'gc.lock'), { signal, what: 'the store (a prune is running)' });
  const file = join(dir, `${tempName('lease')}`);
  try {
    const fh = await open(file, 'wx', 0o644);
    try {
      await fh.writeFile(`${ownerTag()}\n`);
    } finally {
      await fh.close();
    }
  } finally {
    await release();
  }
  // A process that ends without releasing (an error, a Ctrl-C) still takes its lease along;
  // only a kill -9 leaves one, for `system check --repair` or the next gc.
  const onExit = () => {
    try {
      unlinkSync(file);
    } catch {
      // gone already
    }
  };
  process.once('exit', onExit);
  return {
    release: () => {
      process.off('exit', onExit);
      return unlink(file).catch(() => undefined);
    },
  };
}

/** Waits until no live process holds a lease; removes dead ones' leases. */
async function waitForLeases(root: string, signal?: AbortSignal, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    throwIfAborted(signal);
    let live: number | undefined;
    for (const name of await listDir(join(root, 'leases'))) {
      const pid = tempNamePid(name);
      // The file holds "PID STARTTIME" so a reused pid does not keep a dead lease alive; an
      // empty one is being written right now.
      const owner = parseOwner(await readFile(join(root, 'leases', name), 'utf8').catch(() => ''));
      if (pid !== undefined && pidAlive(pid, owner.pid === pid ? owner.start : undefined)) live = pid;
      else await unlink(join(root, 'leases', name)).catch(() => undefined);
    }
    if (live === undefined) return;
    if (Date.now() > deadline)
      throw new EngineError('unavailable', `a pull or build is running (process ${live}); prune again when it is done`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- references -----------------------------------------------------------------------

interface Roots {
  blobs: Set<string>;
  layers: Set<string>;
}

interface ManifestLike {
  config?: { digest?: unknown };
  layers?: { digest?: unknown }[];
  manifests?: { digest?: unknown }[];
}

/** Adds a manifest (or index), its config and layers, and the config's diffIDs to the roots. */
async function markManifest(s: Store, digest: string, roots: Roots, depth = 0): Promise<void> {
  if (!isDigest(digest) || depth > 2) return;
  roots.blobs.add(digest);
  let m: ManifestLike;
  try {
    m = JSON.parse((await s.readBlob(digest)).toString('utf8')) as ManifestLike;
  } catch {
    return; // missing or corrupt: check() reports it; nothing more to keep
  }
  for (const child of m.manifests ?? [])
    if (typeof child.digest === 'string' && (await s.hasBlob(child.digest).catch(() => false)))
      await markManifest(s, child.digest, roots, depth + 1);
  for (const l of m.layers ?? []) if (typeof l.digest === 'string') roots.blobs.add(l.digest);
  if (typeof m.config?.digest === 'string') await markConfig(s, m.config.digest, roots);
}

async function markConfig(s: Store, digest: string, roots: Roots): Promise<void> {
  if (!isDigest(digest)) return;
  roots.blobs.add(digest);
  try {
    const cfg = JSON.parse((await s.readBlob(digest)).toString('utf8')) as ImageConfig;
    for (const d of cfg.rootfs?.diff_ids ?? []) if (typeof d === 'string') roots.layers.add(d);
  } catch {
    // missing or corrupt: nothing more to keep
  }
}

async function collectRoots(
  s: StoreImpl,
  drop: 'none' | 'dangling' | 'unused',
): Promise<{ roots: Roots; imagesRemoved: string[]; untagged: string[] }> {
  const roots: Roots = { blobs: new Set(), layers: new Set() };
  const used = new Set<string>();
  for (const name of await listDir(join(s.root, 'containers'))) {
    try {
      const r = JSON.parse(await readFile(join(s.root, 'containers', name, 'record.json'), 'utf8')) as { imageId?: unknown };
      if (typeof r.imageId === 'string') used.add(r.imageId);
    } catch {
      // no complete record yet: the runtime has not taken the image; its lease protects it
    }
  }
  let imagesRemoved: string[] = [];
  let untagged: string[] = [];
  if (drop !== 'none') {
    [imagesRemoved, untagged] = await s.records.update((c) => {
      const dangling = { ...c.dangling };
      const refs = { ...c.refs };
      const ids = new Set<string>();
      const names: string[] = [];
      for (const id of Object.keys(dangling))
        if (!used.has(id)) {
          delete dangling[id];
          ids.add(id);
        }
      if (drop === 'unused')
        for (const [name, r] of Object.entries(refs))
          if (!used.has(r.configDigest)) {
            delete refs[name];
            names.push(name);
            ids.add(r.configDigest);
          }
      if (ids.size === 0) return [undefined, [[], []]];
      return [{ version: 1, refs, dangling }, [[...ids].sort(), names.sort()]];
    });
  }
  const after = await s.records.read();
  for (const rec of [...Object.values(after.refs), ...Object.values(after.dangling)]) {
    await markManifest(s, rec.manifestDigest, roots);
    await markConfig(s, rec.configDigest, roots);
  }
  for (const id of used) await markConfig(s, id, roots);
  for (const name of await listDir(join(s.root, 'build-cache', 'entries'))) {
    if (!name.endsWith('.json')) continue;
    try {
      const e = JSON.parse(await readFile(join(s.root, 'build-cache', 'entries', name), 'utf8')) as {
        layers?: unknown;
        blobs?: unknown;
      };
      if (Array.isArray(e.layers)) for (const l of e.layers) if (typeof l === 'string') roots.layers.add(l);
      if (Array.isArray(e.blobs)) for (const b of e.blobs) if (typeof b === 'string') roots.blobs.add(b);
    } catch {
      // a cache entry being written (temp-then-rename) or broken: it protects nothing
    }
  }
  return { roots, imagesRemoved, untagged };
}

// ---- gc -------------------------------------------------------------------------------

export async function gcStore(s: Store, opts: GcOptions = {}): Promise<GcReport> {
  const impl = s as StoreImpl;
  const release = await acquireLock(join(s.root, 'gc.lock'), { signal: opts.signal, what: 'the store (another prune)' });
  try {
    await waitForLeases(s.root, opts.signal, opts.waitMs);
    const { roots, imagesRemoved, untagged } = await collectRoots(impl, opts.unused ? 'unused' : opts.dangling ? 'dangling' : 'none');
    let bytesFreed = 0;
    let blobsRemoved = 0;
    let layersRemoved = 0;
    let tempRemoved = 0;
    const blobDir = join(s.root, 'blobs', 'sha256');
    for (const hex of await listDir(blobDir)) {
      throwIfAborted(opts.signal);
      if (roots.blobs.has(`sha256:${hex}`)) continue;
      const p = join(blobDir, hex);
      const st = await lstat(p).catch(() => undefined);
      await unlink(p).catch(() => undefined);
      bytesFreed += st?.size ?? 0;
      blobsRemoved++;
    }
    for (const hex of await listDir(join(s.root, 'layers'))) {
      throwIfAborted(opts.signal);
      if (roots.layers.has(`sha256:${hex}`)) continue;
      const meta = /^[0-9a-f]{64}$/.test(hex) ? await readLayerMeta(s.root, `sha256:${hex}`) : undefined;
      await removeLayerDir(s.root, hex);
      bytesFreed += meta?.size ?? 0;
      layersRemoved++;
    }
    const tmp = join(s.root, 'tmp');
    for (const name of await listDir(tmp)) {
      const p = join(tmp, name);
      const pid = tempNamePid(name);
      if (pid !== undefined) {
        if (pidAlive(pid)) continue;
        // A dead build or run may have left mounts in its temp dir (an overlay, a bind mount
        // of a host dir): deleting through them could reach files outside the store.
        if (!(await unmountUnder(p))) continue;
        bytesFreed += (await stat(p).catch(() => undefined))?.size ?? 0;
        await rm(p, { recursive: true, force: true });
        tempRemoved++;
        continue;
      }
      const m = /^ingest-([0-9a-f]{64})$/.exec(name);
      if (m) {
        // A resumable partial: kept for the next pull unless asked, or its blob is complete now.
        if (!opts.partials && !(await s.hasBlob(`sha256:${m[1]}`))) continue;
        const unlock = await tryLock(`${p}.lock`);
        if (!unlock) continue;
        bytesFreed += (await stat(p).catch(() => undefined))?.size ?? 0;
        await unlink(p).catch(() => undefined);
        await unlock();
        tempRemoved++;
      } else if (/^ingest-[0-9a-f]{64}\.lock$/.test(name)) {
        // A lock without its partial: taking it breaks it when its holder is dead.
        if ((await listDir(tmp)).includes(name.slice(0, -'.lock'.length))) continue;
        const unlock = await tryLock(p);
        if (unlock) {
          await unlock();
          tempRemoved++;
        }
      }
    }
    return { blobsRemoved, layersRemoved, tempRemoved, imagesRemoved, untagged, bytesFreed };
  } finally {
    await release();
  }
}

// ---- check ----------------------------------------------------------------------------

export async function checkStore(
  s: Store,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<CheckReport> {
  const impl = s as StoreImpl;
  const problems: CheckProblem[] = [];
  const blobDir = join(s.root, 'blobs', 'sha256');
  const blobs = await listDir(blobDir);
  const layers = await listDir(join(s.root, 'layers'));
  const total = blobs.length + layers.length;
  let done = 0;
  const tick = () => opts.onProgress?.(++done, total);
  await eachLimit(blobs, 2, async (hex) => {
    throwIfAborted(opts.signal);
    const p = join(blobDir, hex);
    if (!/^[0-9a-f]{64}$/.test(hex)) problems.push({ kind: 'blob', id: hex, problem: 'not a sha256 name' });
    else {
      const got = await hashFile(p, opts.signal).catch((e: Error) => `unreadable: ${e.message}`);
      if (got !== `sha256:${hex}`) problems.push({ kind: 'blob', id: `sha256:${hex}`, problem: `content is ${got}` });
    }
    tick();
  });
  await eachLimit(layers, 2, async (hex) => {
    throwIfAborted(opts.signal);
    const id = `sha256:${hex}`;
    if (!/^[0-9a-f]{64}$/.test(hex)) problems.push({ kind: 'layer', id: hex, problem: 'not a sha256 name' });
    else {
      const found = await verifyLayer(join(s.root, 'layers', hex), opts.signal);
      const meta = await readLayerMeta(s.root, id);
      if (found.length === 0 && meta?.diffId !== id) found.push('meta.json names another layer');
      if (found.length > 0) problems.push({ kind: 'layer', id, problem: found.join('; ') });
    }
    tick();
  });
  let images = 0;
  try {
    const cur = await impl.records.read();
    const entries = [...Object.entries(cur.refs), ...Object.entries(cur.dangling)];
    images = new Set(entries.map(([, r]) => r.configDigest)).size;
    for (const [name, rec] of entries) {
      if (!(await s.hasBlob(rec.manifestDigest)))
        problems.push({ kind: 'image', id: name, problem: `manifest ${rec.manifestDigest} is missing` });
      if (!(await s.hasBlob(rec.configDigest))) {
        problems.push({ kind: 'image', id: name, problem: `config ${rec.configDigest} is missing` });
        continue;
      }
      try {
        const cfg = JSON.parse((await s.readBlob(rec.configDigest)).toString('utf8')) as ImageConfig;
        for (const d of cfg.rootfs?.diff_ids ?? [])
          if (!(await s.hasLayer(d))) problems.push({ kind: 'image', id: name, problem: `layer ${d} is missing` });
      } catch {
        // the corrupt config blob is reported above
      }
    }
  } catch (e) {
    problems.push({ kind: 'records', id: 'images/records.json', problem: (e as Error).message });
  }
  problems.sort((a, b) => compareText(a.kind, b.kind) || compareText(a.id, b.id));
  return { blobs: blobs.length, layers: layers.length, images, problems };
}

// ---- df -------------------------------------------------------------------------------

export async function dfStore(s: Store): Promise<DfReport> {
  const blobDir = join(s.root, 'blobs', 'sha256');
  let blobSize = 0;
  const blobs = await listDir(blobDir);
  await eachLimit(blobs, 16, async (hex) => {
    const st = await stat(join(blobDir, hex)).catch(() => undefined);
    blobSize += st?.size ?? 0;
  });
  let layerSize = 0;
  const layers = await listDir(join(s.root, 'layers'));
  await eachLimit(layers, 16, async (hex) => {
    const meta = /^[0-9a-f]{64}$/.test(hex) ? await readLayerMeta(s.root, `sha256:${hex}`) : undefined;
    layerSize += meta?.size ?? 0;
  });
  let tmpSize = 0;
  const tmp = await listDir(join(s.root, 'tmp'));
  for (const n of tmp) tmpSize += (await stat(join(s.root, 'tmp', n)).catch(() => undefined))?.size ?? 0;
  const images = await s.listImages();
  const active = images.filter((i) => i.inUse > 0);
  const size = images.reduce((a, i) => a + i.size, 0);
  const cache = (await listDir(join(s.root, 'build-cache', 'entries'))).filter((n) => n.endsWith('.json'));
  return {
    images: {
      count: images.length,
      active: active.length,
      size,
      reclaimable: size - active.reduce((a, i) => a + i.size, 0),
    },
    blobs: { count: blobs.length, size: blobSize },
    layers: { count: layers.length, size: layerSize },
    buildCache: { count: cache.length },
    tmp: { count: tmp.length, size: tmpSize },
  };
}
