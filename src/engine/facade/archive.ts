// `docker cp` and `docker export` for the facade — one implementation for the CLI and the Engine
// API's /containers/{id}/archive. The container's root comes from the runtime: to copy out,
// what dockerd reads (withView: the rootfs with the volumes, binds and /etc files over it, not
// the /proc, /sys, /dev or tmpfs mounted inside the container); to copy in, withRoot (a running
// container's own view through /proc/PID/root, a stopped one's overlay mounted for the copy).
// Every container path is resolved inside it (runtime/copy.ts, fsutil/in-root.ts). A running container is paused for the copy, either way,
// as Docker pauses it since CVE-2018-15664, so no process can swap a directory for a link under
// the walk.
//  - Out to a path: runtime/copy.ts's copier (docker's CopyInfo rules). Out to a stream: the tar
//    dockerd writes (cp-tar.ts: entries read with lstat, files opened O_NOFOLLOW, links kept as
//    links), after the path's stat (X-Docker-Container-Path-Stat) as moby's StatPath gives it.
//  - In from a path: the copier. In from a tar: unpacked into a private dir of the store first
//    (build-archive.ts refuses `..`, absolute names and links out), then copied in by the copier.
import { lstatSync, readlinkSync } from 'node:fs';
import { mkdir, rm } from '../util/fsa.js';
import { spawn } from 'node:child_process';
import { posix, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../define.js';
import { endOfArchive } from '../fsutil/tar.js';
import type { Containers } from '../runtime/containers.js';
import type { ContainerRecord } from '../runtime/records.js';
import type { CopyOptions } from '../runtime/copy.js';
import type { ContainerPathStat, CopyEnd } from './api.js';
import { unpackContext } from './build-archive.js';
import { cpTar, goMode, ownersOf } from './cp-tar.js';

/** withRoot, with a running container paused while `fn` runs (one already paused stays so). */
async function withQuietRoot<T>(rt: Containers, idOrName: string, fn: (root: string, rec: ContainerRecord) => Promise<T>): Promise<T> {
  return rt.withRoot(idOrName, async (root, rec) => {
    if (rec.state !== 'running') return fn(root, rec);
    await rt.pause(rec.id);
    try {
      return await fn(root, rec);
    } finally {
      await rt.unpause(rec.id).catch(() => undefined);
    }
  });
}

/**
 * What a copy out of a container reads, as dockerd's: its rootfs with its volumes, binds and
 * /etc files over it, not the container's own mount namespace (no /proc, /sys or /dev content,
 * no tmpfs), built while a running container is paused (runtime/archive-view.ts).
 */
function withQuietView<T>(rt: Containers, idOrName: string, fn: (root: string, rec: ContainerRecord) => Promise<T>): Promise<T> {
  return withQuietRoot(rt, idOrName, (_root, rec) => rt.withView(rec, (view) => fn(view, rec)));
}

/**
 * Go's time.Time in JSON (RFC 3339, nanoseconds with their trailing zeros cut) as dockerd sends a
 * file's mtime: os.Stat's time is in the daemon's local zone (TZ, else /etc/localtime), so the
 * wall clock there and its offset ("+05:30"), "Z" where that offset is 0 (dockerd 20.10 run
 * with TZ=Asia/Kolkata and without TZ on a UTC host sent just these).
 */
export function rfc3339Nano(ns: bigint): string {
  const sec = (ns >= 0n ? ns : ns - 999_999_999n) / 1_000_000_000n;
  const offMin = -Math.trunc(new Date(Number(sec) * 1000).getTimezoneOffset());
  const s = new Date((Number(sec) + offMin * 60) * 1000).toISOString().slice(0, 19);
  const frac = (ns - sec * 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const a = Math.abs(offMin);
  const zone =
    offMin === 0 ? 'Z' : `${offMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return `${s}${frac ? `.${frac}` : ''}${zone}`;
}

/** A link's target; '' once it is no link (a container swapped it meanwhile). */
function linkOf(host: string): string {
  try {
    return readlinkSync(host);
  } catch {
    return '';
  }
}

/**
 * A container path's host path and docker's stat of it (moby's ResolvePath and StatPath): a
 * path ending in "/" or "/." follows a link at its end (its name stays the path's: "ldir" for
 * "/d/ldir/", "." for "/d/."); `follow` (-L) follows it and names the target. A link's
 * linkTarget is where it leads in the container, resolved inside its root ("/d/f" for a link
 * "f" in /d), as far as it exists.
 */
async function statIn(root: string, rec: ContainerRecord, path: string, follow = false) {
  const { inContainer } = await import('../runtime/copy.js');
  const dotted = /(^|\/)\.$/.test(path);
  const trailing = path.endsWith('/');
  const side = inContainer(root, path, follow || dotted || trailing);
  // The root itself is read through it: a running container's /proc/PID/root is a link.
  const host = side.path === root ? `${root}/` : side.path;
  let st;
  try {
    st = host === undefined ? undefined : lstatSync(host, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    throw new EngineError('internal', `lstat ${path}: not a directory`);
  }
  if (host === undefined || !st) throw new EngineError('not_found', `Could not find the file ${path} in container ${rec.name}`);
  if (trailing && !st.isDirectory()) throw new EngineError('internal', `lstat ${path}: not a directory`);
  let linkTarget = '';
  if (st.isSymbolicLink()) {
    const to = inContainer(root, path, true);
    linkTarget =
      to.parent === undefined
        ? posix.resolve(posix.dirname(posix.normalize(`/${path}`)), linkOf(host))
        : posix.join('/', relative(root, to.parent), to.name);
  }
  const stat: ContainerPathStat = {
    name: dotted ? '.' : trailing ? posix.basename(posix.normalize(`/${path}`)) || '/' : side.name || '/',
    size: st.size,
    mode: goMode(st.mode),
    mtime: rfc3339Nano(lstatSync(host, { bigint: true }).mtimeNs),
    linkTarget,
  };
  return { host, stat };
}

/** `docker cp`'s stat of a path in a container (the API's HEAD .../archive). */
export async function statPath(rt: Containers, idOrName: string, path: string): Promise<ContainerPathStat> {
  return withQuietView(rt, idOrName, async (root, rec) => (await statIn(root, rec, path)).stat);
}

/** Writes with back-pressure; a reader that went away ends the copy (and so the pause). */
async function put(out: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  const w = out as NodeJS.WritableStream & { destroyed?: boolean };
  if (w.destroyed) throw new EngineError('canceled', 'the reader of the archive went away');
  if (out.write(chunk)) return;
  await new Promise<void>((r) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      r();
    };
    out.once('drain', done);
    out.once('close', done);
  });
  if (w.destroyed) throw new EngineError('canceled', 'the reader of the archive went away');
}

export async function copyFromContainer(
  rt: Containers,
  idOrName: string,
  ctrPath: string,
  to: CopyEnd,
  opts: CopyOptions = {},
): Promise<void> {
  if ('path' in to) {
    const copy = await import('../runtime/copy.js');
    return withQuietView(rt, idOrName, (root, rec) => copy.copyOut(root, ctrPath, to.path, rec.name, opts));
  }
  if (!('stream' in to)) throw new EngineError('invalid_argument', 'copy from a container needs a path or a stream');
  await withQuietView(rt, idOrName, async (root, rec) => {
    const { host, stat } = await statIn(root, rec, ctrPath, opts.followLink);
    to.onStat?.(stat);
    const { inContainer, pin } = await import('../runtime/copy.js');
    const owners = ownersOf((p) => inContainer(root, p, true).path);
    const held = pin(root, host);
    try {
      for await (const chunk of cpTar(held.path, stat.name, owners)) await put(to.stream, chunk);
    } finally {
      held.close();
    }
    await put(to.stream, endOfArchive());
  });
}

export async function copyToContainer(
  rt: Containers,
  tmpRoot: string,
  idOrName: string,
  from: CopyEnd,
  ctrPath: string,
  opts: CopyOptions = {},
): Promise<void> {
  const copy = await import('../runtime/copy.js');
  if ('path' in from) return withQuietRoot(rt, idOrName, (root) => copy.copyIn(root, from.path, ctrPath, opts));
  if (!('source' in from)) throw new EngineError('invalid_argument', 'copy into a container needs a path or a tar stream');
  await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  const dir = await unpackContext(tmpRoot, from.source, undefined, 'archive');
  try {
    await withQuietRoot(rt, idOrName, async (root, rec) => {
      const dest = copy.inContainer(root, ctrPath, true);
      const st = dest.path === undefined ? undefined : lstatSync(dest.path, { throwIfNoEntry: false });
      if (!st) throw new EngineError('not_found', `Could not find the directory ${ctrPath} in container ${rec.name}`);
      if (!st.isDirectory()) throw new EngineError('invalid_argument', `destination "${ctrPath}" must be a directory`);
      await copy.copyIn(root, `${dir}/.`, ctrPath, { archive: true });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `docker export`: the container's filesystem (image layers and its changes, the overlay as the
 * host mounts it: no volume, bind or /proc content) as a tar stream, by GNU tar (xattrs kept).
 */
export async function exportContainer(rt: Containers, idOrName: string, to: NodeJS.WritableStream): Promise<void> {
  const { rootfsOf } = await import('../runtime/bundle.js');
  const found = await rt.find(idOrName);
  const dump = (root: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('tar', ['-C', root, '-cf', '-', '--numeric-owner', '--xattrs', '--sort=name', '.'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', (e) => reject(new EngineError('failed_precondition', `cannot run tar: ${e.message}`)));
      const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
      void Promise.all([done, pipeline(child.stdout, to, { end: false })]).then(
        ([code]) =>
          code === 0 ? resolve() : reject(new EngineError('invalid_argument', err.trim().split('\n').pop() || `tar failed (${code})`)),
        reject,
      );
    });
  if (found.state === 'running' || found.state === 'paused') await dump(rootfsOf(rt.dir(found.id)));
  else await rt.withRoot(found.id, (root) => dump(root));
}
