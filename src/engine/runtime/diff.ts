// `docker diff`: what a container changed, read from its overlay upper dir as moby's
// archive.OverlayChanges does. Walking the upper dir in lexical order: a whiteout (a 0/0
// character device) is D; an entry no lower layer has is A; one a lower layer has is C
// (a directory only when its size, mode or mtime differ: a parent copied up for a child's
// sake is not a change of its own); and the parent of each A or D is C once, before it.
import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from '../util/fsa.js';
import { dirname, join } from 'node:path';

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  readonly kind: ChangeKind;
  /** Absolute path inside the container: "/tmp/x". */
  readonly path: string;
}

/**
 * Docker's init layer holds these (mount points of the runtime's files and pseudo
 * filesystems): they are never reported. dockui's runtime creates them in the upper dir instead.
 */
const INIT_PATHS = new Set([
  '/dev',
  '/dev/pts',
  '/dev/shm',
  '/dev/console',
  '/proc',
  '/sys',
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/etc/mtab',
  '/.dockerenv',
]);

async function lowerStat(lowerDirs: readonly string[], path: string): Promise<BigIntStats | undefined> {
  for (const l of lowerDirs) {
    const s = await lstat(join(l, path), { bigint: true }).catch(() => undefined);
    if (s) return s;
  }
  return undefined;
}

/** moby's test for a directory that was only copied up: same size, mode and mtime (sameFsTime). */
function sameDir(a: BigIntStats, b: BigIntStats): boolean {
  if (a.size !== b.size || a.mode !== b.mode) return false;
  const sec = 1_000_000_000n;
  const [ta, tb] = [a.mtimeNs, b.mtimeNs];
  return ta === tb || (ta / sec === tb / sec && (ta % sec === 0n || tb % sec === 0n));
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * `skip`: more container paths that are mount points of the runtime (volume and bind
 * destinations): docker creates those outside the container's layer, so they are not changes.
 */
export async function overlayChanges(
  upperDir: string,
  lowerDirs: readonly string[],
  skip: ReadonlySet<string> = new Set(),
): Promise<Change[]> {
  const changes: Change[] = [];
  const changedDirs = new Set<string>();
  // Directories the runtime made only to hold a mount point (/mnt for -v x:/mnt/host).
  const mountParents = new Set<string>();
  for (const p of skip) for (let d = dirname(p); d !== '/' && d !== '.'; d = dirname(d)) mountParents.add(d);
  const visit = async (path: string, f: BigIntStats): Promise<void> => {
    if (INIT_PATHS.has(path) || skip.has(path)) return;
    let kind: ChangeKind = 'A';
    if (f.isCharacterDevice() && f.rdev === 0n) kind = 'D';
    else {
      const lower = await lowerStat(lowerDirs, path);
      if (lower) {
        if (lower.isDirectory() && f.isDirectory() && (sameDir(f, lower) || (await onlyRuntimeTouched(path, f, lower)))) return;
        kind = 'C';
      } else if (f.isDirectory() && mountParents.has(path)) return;
    }
    if (f.isDirectory()) changedDirs.add(path);
    if (kind !== 'C') {
      const parent = dirname(path);
      if (parent !== '/' && !changedDirs.has(parent)) {
        changes.push({ kind: 'C', path: parent });
        changedDirs.add(parent);
      }
    }
    changes.push({ kind, path });
  };
  // /etc copied up only because the runtime put /etc/hosts in it: a new mtime and nothing else.
  const onlyRuntimeTouched = async (path: string, f: BigIntStats, lower: BigIntStats): Promise<boolean> => {
    if (f.size !== lower.size || f.mode !== lower.mode) return false;
    const names = await readdir(join(upperDir, path));
    return names.every((n) => INIT_PATHS.has(`${path}/${n}`) || skip.has(`${path}/${n}`) || mountParents.has(`${path}/${n}`));
  };
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(upperDir, rel))).sort(byteOrder);
    for (const name of names) {
      const path = `${rel}/${name}`;
      const f = await lstat(join(upperDir, path), { bigint: true }).catch(() => undefined);
      if (!f) continue;
      await visit(path, f);
      // A whiteout's "directory" is a device; a real directory is walked even when unchanged.
      if (f.isDirectory()) await walk(path);
    }
  };
  await walk('');
  return changes;
}

/**
 * `docker ps -s`'s SizeRw: bytes of the files (not directories) the changes added or changed,
 * a hard-linked file once, as moby's ChangesSize counts them.
 */
export async function changesSize(upperDir: string, changes: readonly Change[]): Promise<number> {
  const seen = new Set<bigint>();
  let size = 0;
  for (const c of changes) {
    if (c.kind === 'D') continue;
    const s = await lstat(join(upperDir, c.path), { bigint: true }).catch(() => undefined);
    if (!s || s.isDirectory()) continue;
    if (s.nlink > 1n) {
      if (seen.has(s.ino)) continue;
      seen.add(s.ino);
    }
    size += Number(s.size);
  }
  return size;
}
