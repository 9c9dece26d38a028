// The dev loop's sync rules: host files written straight into a running container's root
// filesystem (the engine owns it, so images with no shell or tar work too).
import { chmod, copyFile, lstat, mkdir, readlink, rename, rm, symlink } from '../util/fsa.js';
import { dirname, posix } from 'node:path';
import { EngineError } from '../define.js';
import { rootfsOf } from '../runtime/bundle.js';
import type { Containers } from '../runtime/containers.js';

/**
 * Copies host files into the running container's merged overlay (the host-side mount runc
 * started the container on). Every path component inside the container is checked with lstat:
 * a symlink in the container cannot redirect the write outside its root filesystem.
 */
export async function syncIntoRootfs(
  rt: Containers,
  idOrName: string,
  entries: readonly { hostPath?: string; ctrPath: string }[],
): Promise<void> {
  const rec = await rt.find(idOrName);
  if (rec.state !== 'running') throw new EngineError('failed_precondition', `container ${rec.name} is ${rec.state}, not running`);
  const root = rootfsOf(rt.dir(rec.id));
  for (const e of entries) {
    const rel = posix.normalize(e.ctrPath).replace(/^\/+/, '');
    if (rel === '' || rel === '.' || rel.startsWith('..'))
      throw new EngineError('invalid_argument', `cannot sync to ${e.ctrPath}: outside the container's filesystem`);
    const parts = rel.split('/');
    let cur = root;
    for (const p of parts.slice(0, -1)) {
      cur = `${cur}/${p}`;
      const st = await lstat(cur).catch(() => undefined);
      if (!st) await mkdir(cur);
      else if (!st.isDirectory())
        throw new EngineError(
          'invalid_argument',
          `cannot sync to ${e.ctrPath}: /${rel.slice(0, cur.length - root.length - 1)} is not a directory in the container`,
        );
    }
    const dest = `${root}/${rel}`;
    const existing = await lstat(dest).catch(() => undefined);
    if (existing?.isSymbolicLink()) await rm(dest);
    if (e.hostPath === undefined) {
      await rm(dest, { recursive: true, force: true });
      continue;
    }
    const src = await lstat(e.hostPath);
    if (src.isDirectory()) {
      if (!existing?.isDirectory()) {
        if (existing) await rm(dest, { force: true });
        await mkdir(dest);
      }
      await chmod(dest, src.mode & 0o7777);
    } else if (src.isSymbolicLink()) {
      if (existing) await rm(dest, { recursive: true, force: true });
      await symlink(await readlink(e.hostPath), dest);
    } else {
      if (existing?.isDirectory()) await rm(dest, { recursive: true, force: true });
      await mkdir(dirname(dest), { recursive: true });
      // Write beside, then rename: a reader in the container never sees half a file.
      const tmp = `${dest}.dockui-sync-${process.pid}`;
      await copyFile(e.hostPath, tmp);
      await chmod(tmp, src.mode & 0o7777);
      await rename(tmp, dest);
    }
  }
}
