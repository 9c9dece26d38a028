// `docker cp` for the Engine API's /containers/{id}/archive: a tar of a path in a running
// container, and a tar extracted into one. The path is resolved inside the container's rootfs
// (in-root.ts). Out: the container is paused for the copy, as Docker pauses it since
// CVE-2018-15664, so that no process can swap a directory for a link under the walk; every entry
// is read with lstat and never followed. In: the tar is unpacked into a private dir first
// (build-archive.ts's checks), then written with the dev loop's sync (sync-files.ts: each
// component checked with lstat, files renamed into place).
import { constants, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { open, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { EngineError } from '../define.js';
import { hostPathInRoot } from '../fsutil/in-root.js';
import { encodeHeader, endOfArchive, padding, typeFlag } from '../fsutil/tar.js';
import { rootfsOf } from '../runtime/bundle.js';
import type { Containers } from '../runtime/containers.js';
import { unpackContext } from './build-archive.js';
import { syncIntoRootfs } from './sync-files.js';

export interface PathStat {
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: string;
  readonly linkTarget: string;
}

/** Go's os.FileMode bits, as Docker's X-Docker-Container-Path-Stat carries them. */
function goMode(m: number): number {
  const perm = m & 0o777;
  const t = m & 0o170000;
  const dir = t === 0o040000 ? 2 ** 31 : 0;
  const link = t === 0o120000 ? 2 ** 27 : 0;
  return dir + link + perm;
}

async function runningRootfs(rt: Containers, idOrName: string) {
  const rec = await rt.find(idOrName);
  const r = (await rt.reconcile(rec)) ?? rec;
  if (r.state !== 'running')
    throw new EngineError('conflict', `container ${r.name} is ${r.state}: copying works on running containers only (for now)`);
  return { rec: r, root: rootfsOf(rt.dir(r.id)) };
}

function statIn(root: string, path: string): { host: string; stat: PathStat } {
  const host = hostPathInRoot(root, path);
  const st = host === undefined ? undefined : lstatSync(host, { throwIfNoEntry: false });
  if (host === undefined || !st) throw new EngineError('not_found', `Could not find the file ${path} in container`);
  return {
    host,
    stat: {
      name: posix.basename(posix.normalize(`/${path}`)) || '/',
      size: st.size,
      mode: goMode(st.mode),
      mtime: st.mtime.toISOString(),
      linkTarget: '',
    },
  };
}

export async function statPath(rt: Containers, idOrName: string, path: string): Promise<PathStat> {
  const { root } = await runningRootfs(rt, idOrName);
  return statIn(root, path).stat;
}

/** A tar of `path` (its last component as the top entry), streamed while the container is paused. */
export async function getArchive(rt: Containers, idOrName: string, path: string): Promise<{ stat: PathStat; tar: AsyncGenerator<Buffer> }> {
  const { rec, root } = await runningRootfs(rt, idOrName);
  await rt.pause(rec.id);
  let found;
  try {
    found = statIn(root, path);
  } catch (e) {
    await rt.unpause(rec.id).catch(() => undefined);
    throw e;
  }
  const { host, stat } = found;
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
      // O_NOFOLLOW: the entry is read as what lstat saw (the container is paused, but be sure).
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
    // devices, fifos and sockets are left out.
  }
  async function* tar(): AsyncGenerator<Buffer> {
    try {
      yield* walk(host, stat.name === '/' ? '.' : stat.name);
      yield endOfArchive();
    } finally {
      await rt.unpause(rec.id).catch(() => undefined);
    }
  }
  return { stat, tar: tar() };
}

/** Extracts a tar (plain or gzip) under `path`, a directory in the running container. */
export async function putArchive(
  rt: Containers,
  tmpRoot: string,
  idOrName: string,
  path: string,
  source: AsyncIterable<Buffer>,
): Promise<void> {
  const { rec, root } = await runningRootfs(rt, idOrName);
  const dest = hostPathInRoot(root, path);
  if (dest === undefined || !lstatSync(dest).isDirectory())
    throw new EngineError(dest === undefined ? 'not_found' : 'invalid_argument', `Could not find the directory ${path} in container`);
  // Where the path really is inside the container, links resolved inside it.
  const inside = `/${dest.slice(root.length).replace(/^\/+/, '')}`;
  await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  const dir = await unpackContext(tmpRoot, source, undefined, 'archive');
  try {
    const entries: { hostPath: string; ctrPath: string }[] = [];
    const collect = (rel: string) => {
      for (const e of readdirSync(join(dir, rel)).sort()) {
        const r = rel ? `${rel}/${e}` : e;
        entries.push({ hostPath: join(dir, r), ctrPath: posix.join(inside, r) });
        if (lstatSync(join(dir, r)).isDirectory()) collect(r);
      }
    };
    collect('');
    await syncIntoRootfs(rt, rec.id, entries);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
