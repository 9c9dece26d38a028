// The store's part of `system check` / `--repair` / `prune`: what a killed dockui process
// leaves in ROOT. Every temp name embeds its writer's pid (blobs.ts tempName), every lock and
// lease file holds "PID STARTTIME" (lock.ts ownerTag), so "left over" means "its process is
// gone" and never touches what a running pull or build is using. Resumable partial downloads
// (tmp/ingest-<hex>) are not leftovers: the next pull continues them (`system prune` drops them).
import { readFileSync, statSync } from 'node:fs';
import { readdir, rm, unlink } from '../util/fsa.js';
import { join } from 'node:path';
import type { EnginePaths } from '../paths.js';
import type { Leftover, RepairedLeftover } from '../types.js';
import { tempNamePid } from './blobs.js';
import { parseOwner, pidAlive, tryLock } from './lock.js';

/** A directory's names; none when it does not exist. */
export async function listDir(p: string): Promise<string[]> {
  try {
    return await readdir(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Mount points at or under `dir`, deepest first, from /proc/self/mountinfo. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const { mountTable } = await import('../sysx.js');
  return mountTable()
    .map((m) => m.point)
    .filter((mp) => mp === dir || mp.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Detaches every mount under `dir`; false when one stays (then `dir` must not be deleted). */
export async function unmountUnder(dir: string): Promise<boolean> {
  const mps = await mountsUnder(dir);
  if (mps.length === 0) return true;
  const { MNT_DETACH, sysx } = await import('../sysx.js');
  for (const mp of mps) {
    try {
      sysx().umount2(mp, MNT_DETACH);
    } catch {
      // EINVAL: already gone with a parent's detach; anything else shows up below
    }
  }
  return (await mountsUnder(dir)).length === 0;
}

/** The dead owner's pid of a lock or lease file; undefined while its owner lives (or it is being written). */
function deadOwner(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const o = parseOwner(text);
  if (!Number.isInteger(o.pid)) return undefined; // empty: its writer is between open and write
  return pidAlive(o.pid, o.start) ? undefined : o.pid;
}

const what: Readonly<Record<string, string>> = {
  unpack: 'layer unpack dir',
  adopt: 'layer adopt dir',
  rmlayer: 'layer being removed',
  build: 'build scratch dir',
  discard: 'build dir being removed',
  blob: 'blob being written',
  lease: 'lease',
};

export async function findStoreLeftovers(paths: EnginePaths): Promise<Leftover[]> {
  const { root } = paths;
  const out: Leftover[] = [];
  const tmp = join(root, 'tmp');
  const names = await listDir(tmp);
  for (const name of names) {
    const p = join(tmp, name);
    const pid = tempNamePid(name);
    if (pid !== undefined) {
      if (pidAlive(pid)) continue;
      for (const mp of await mountsUnder(p)) out.push({ kind: 'mount', path: mp, detail: `mount of dead process ${pid}` });
      const kind = name.slice(0, name.indexOf('-'));
      out.push({ kind: 'tmp', path: p, detail: `${what[kind] ?? 'temp file'} of dead process ${pid}` });
      continue;
    }
    if (/^ingest-[0-9a-f]{64}\.lock(\.break)?$/.test(name)) {
      const dead = deadOwner(p);
      if (dead !== undefined) out.push({ kind: 'lock', path: p, detail: `download lock of dead process ${dead}` });
      continue;
    }
    const m = /^ingest-([0-9a-f]{64})$/.exec(name);
    if (m && fileExists(join(root, 'blobs', 'sha256', m[1]!)))
      out.push({ kind: 'blob', path: p, detail: 'partial download of a blob that is complete now' });
  }
  for (const name of await listDir(join(root, 'leases'))) {
    const p = join(root, 'leases', name);
    const dead = deadOwner(p);
    if (dead !== undefined) out.push({ kind: 'lock', path: p, detail: `lease of dead process ${dead}` });
  }
  for (const p of [join(root, 'gc.lock'), join(root, 'images', 'records.lock')])
    for (const f of [p, `${p}.break`]) {
      const dead = deadOwner(f);
      if (dead !== undefined) out.push({ kind: 'lock', path: f, detail: `lock of dead process ${dead}` });
    }
  for (const hex of await listDir(join(root, 'layers'))) {
    const dir = join(root, 'layers', hex);
    // Layers arrive whole by rename, marker included: one without it is a broken leftover.
    if (!/^[0-9a-f]{64}$/.test(hex) || !fileExists(join(dir, 'complete')))
      out.push({ kind: 'layer', path: dir, detail: 'layer dir without its complete marker' });
  }
  return out;
}

function fileExists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const order: Readonly<Record<string, number>> = { mount: 0, tmp: 1, lock: 2, blob: 3, layer: 4 };

export async function removeStoreLeftovers(paths: EnginePaths, found: readonly Leftover[]): Promise<RepairedLeftover[]> {
  const out: RepairedLeftover[] = [];
  const sorted = [...found].sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9) || (b.path ?? '').length - (a.path ?? '').length);
  for (const l of sorted) {
    try {
      out.push({ ...l, ...(await removeOne(paths, l)) });
    } catch (e) {
      out.push({ ...l, removed: false, error: (e as Error).message });
    }
  }
  return out;
}

async function removeOne(paths: EnginePaths, l: Leftover): Promise<{ removed: boolean; error?: string }> {
  const p = l.path;
  if (p === undefined) return { removed: false, error: 'no path' };
  switch (l.kind) {
    case 'mount':
      return (await unmountUnder(p)) ? { removed: true } : { removed: false, error: 'still mounted' };
    case 'tmp':
      // Deleting through a mount could reach files outside the store: unmount first.
      if (!(await unmountUnder(p))) return { removed: false, error: 'a mount under it stays' };
      await rm(p, { recursive: true, force: true });
      return { removed: true };
    case 'lock': {
      // Checked again: its owner was dead when found, so no live process can own it now
      // unless a new one took it since (then it is not stale any more, and stays).
      if (p.endsWith('.lock') && p.includes(`${join(paths.root, 'tmp')}/`)) {
        const unlock = await tryLock(p);
        if (!unlock) return { removed: false, error: 'taken again by a live process' };
        await unlock();
        return { removed: true };
      }
      if (deadOwner(p) === undefined && fileExistsAny(p)) return { removed: false, error: 'taken again by a live process' };
      await unlink(p).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      return { removed: true };
    }
    case 'blob': {
      const unlock = await tryLock(`${p}.lock`);
      if (!unlock) return { removed: false, error: 'a pull is using it' };
      try {
        await unlink(p).catch(() => undefined);
      } finally {
        await unlock();
      }
      return { removed: true };
    }
    case 'layer': {
      const { removeLayerDir } = await import('./layers.js');
      await removeLayerDir(paths.root, p.slice(join(paths.root, 'layers').length + 1));
      return { removed: true };
    }
    case 'process':
    case 'netns':
      return { removed: false, error: `not the store's (${l.kind})` };
  }
}

function fileExistsAny(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
