// Docker's init layer (moby daemon/initlayer): the entries dockerd puts between a container's
// image and its own layer, at create. dockui writes them into the container's rootfs (its upper
// dir) instead; diff and commit leave them out as Docker's do (diff.ts, commit.ts).
import { closeSync, constants as fsc, lstatSync, mkdirSync, openSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Path → "dir", "file" or a symlink's target: moby's initlayer.Setup table. */
export const INIT_LAYER: ReadonlyArray<readonly [string, string]> = [
  ['/dev/pts', 'dir'],
  ['/dev/shm', 'dir'],
  ['/proc', 'dir'],
  ['/sys', 'dir'],
  ['/.dockerenv', 'file'],
  ['/etc/resolv.conf', 'file'],
  ['/etc/hosts', 'file'],
  ['/etc/hostname', 'file'],
  ['/dev/console', 'file'],
  ['/etc/mtab', '/proc/mounts'],
];

const lstatOf = (p: string) => lstatSync(p, { throwIfNoEntry: false });

/**
 * Sets the init layer's entries up in the mounted rootfs of a container that is not running
 * (nothing inside can race it). As moby does: each component of a path that is not a directory
 * (a file, or a link of the image: never followed) is removed first; an entry the image already
 * has as a directory stays; a missing one is made, its missing parents as 0755 directories,
 * files empty and 0755, /etc/mtab a link to /proc/mounts.
 */
export function setupInitLayer(rootfs: string): void {
  for (const [path, kind] of INIT_LAYER) {
    const parts = path.split('/').filter(Boolean);
    let cur = rootfs;
    for (const part of parts) {
      cur = join(cur, part);
      const st = lstatOf(cur);
      if (st && !st.isDirectory()) unlinkSync(cur);
    }
    if (lstatOf(cur)) continue;
    let dir = rootfs;
    for (const part of parts.slice(0, -1)) {
      dir = join(dir, part);
      if (!lstatOf(dir)) mkdirSync(dir, { mode: 0o755 });
    }
    if (kind === 'dir') mkdirSync(cur, { mode: 0o755 });
    else if (kind === 'file') closeSync(openSync(cur, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o755));
    else symlinkSync(kind, cur);
  }
}
