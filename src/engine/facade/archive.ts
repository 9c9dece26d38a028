// `docker cp` and `docker export` for the facade — one implementation for the CLI and the Engine
// API's /containers/{id}/archive. The container's root comes from the runtime (withRoot: a
// running container's own view through /proc/PID/root, volumes and binds included; a stopped
// one's overlay mounted for the copy) and every container path is resolved inside it
// (runtime/copy.ts, fsutil/in-root.ts). A running container is paused for the copy, either way,
// as Docker pauses it since CVE-2018-15664, so no process can swap a directory for a link under
// the walk.
//  - Out to a path: runtime/copy.ts's copier (docker's CopyInfo rules). Out to a stream: a tar
//    written here (entries read with lstat, files opened O_NOFOLLOW, links kept as links).
//  - In from a path: the copier. In from a tar: unpacked into a private dir of the store first
//    (build-archive.ts refuses `..`, absolute names and links out), then copied in by the copier.
import { constants, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, open, rm } from '../util/fsa.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../define.js';
import { encodeHeader, endOfArchive, padding, typeFlag } from '../fsutil/tar.js';
import type { Containers } from '../runtime/containers.js';
import type { ContainerRecord } from '../runtime/records.js';
import type { CopyOptions } from '../runtime/copy.js';
import type { ContainerPathStat, CopyEnd } from './api.js';
import { unpackContext } from './build-archive.js';

/** Go's os.FileMode bits, as Docker's X-Docker-Container-Path-Stat carries them. */
function goMode(m: number): number {
  const t = m & 0o170000;
  return (t === 0o040000 ? 2 ** 31 : 0) + (t === 0o120000 ? 2 ** 27 : 0) + (m & 0o777);
}

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

async function statIn(root: string, rec: ContainerRecord, path: string, follow = false) {
  const { inContainer } = await import('../runtime/copy.js');
  const side = inContainer(root, path, follow);
  const st = side.path === undefined ? undefined : lstatSync(side.path, { throwIfNoEntry: false });
  if (side.path === undefined || !st) throw new EngineError('not_found', `Could not find the file ${path} in container ${rec.name}`);
  const stat: ContainerPathStat = {
    name: side.name || '/',
    size: st.size,
    mode: goMode(st.mode),
    mtime: st.mtime.toISOString(),
    linkTarget: st.isSymbolicLink() ? readlinkSync(side.path) : '',
  };
  return { host: side.path, stat };
}

/** `docker cp`'s stat of a path in a container (the API's HEAD .../archive). */
export async function statPath(rt: Containers, idOrName: string, path: string): Promise<ContainerPathStat> {
  return rt.withRoot(idOrName, async (root, rec) => (await statIn(root, rec, path)).stat);
}

/** The tar of one entry and what is under it; devices, fifos and sockets are left out. */
async function* walk(hostPath: string, name: string): AsyncGenerator<Buffer> {
  const st = lstatSync(hostPath, { throwIfNoEntry: false });
  if (!st) return;
  const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (st.isDirectory()) {
    yield encodeHeader({ ...base, name: `${name}/`, type: typeFlag.dir, size: 0 });
    for (const e of readdirSync(hostPath).sort()) yield* walk(join(hostPath, e), `${name}/${e}`);
  } else if (st.isSymbolicLink()) {
    yield encodeHeader({ ...base, name, type: typeFlag.symlink, size: 0, linkname: readlinkSync(hostPath) });
  } else if (st.isFile()) {
    const fh = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      yield encodeHeader({ ...base, name, type: typeFlag.file, size: st.size });
      let left = st.size;
      const buf = Buffer.alloc(1 << 20);
      while (left > 0) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left));
        if (bytesRead === 0) break;
        yield Buffer.from(buf.subarray(0, bytesRead));
        left -= bytesRead;
      }
      // A file that shrank under us is padded to the size its header promised.
      if (left > 0) yield Buffer.alloc(left);
      yield Buffer.alloc(padding(st.size));
    } finally {
      await fh.close();
    }
  }
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
    return withQuietRoot(rt, idOrName, (root, rec) => copy.copyOut(root, ctrPath, to.path, rec.name, opts));
  }
  if (!('stream' in to)) throw new EngineError('invalid_argument', 'copy from a container needs a path or a stream');
  await withQuietRoot(rt, idOrName, async (root, rec) => {
    const { host, stat } = await statIn(root, rec, ctrPath, opts.followLink);
    to.onStat?.(stat);
    for await (const chunk of walk(host, stat.name === '/' ? '.' : stat.name)) await put(to.stream, chunk);
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
