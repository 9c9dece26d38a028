// Read-only views of an image state's filesystem, for COPY (is the destination an existing
// directory? what are its parents' owners and modes? who is `--chown=app`?) and for
// COPY --from. Several layers are stacked with a read-only overlay mount; one layer is its dir.
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { MNT_DETACH, MS_RDONLY, sysx } from '../sysx.js';
import type { Store } from '../store/index.js';
import { mountLayers } from '../store/overlay.js';

/** Runs `fn` with a read-only merged view of `diffIds` (bottom first); undefined when there are none. */
export async function withRootfs<T>(
  store: Store,
  diffIds: readonly string[],
  scratchDir: string,
  fn: (root: string | undefined) => Promise<T>,
): Promise<T> {
  if (diffIds.length === 0) return fn(undefined);
  const dirs = diffIds.map((d) => store.layerPath(d)).reverse();
  if (dirs.length === 1) return fn(dirs[0]);
  const target = join(scratchDir, `ro-${Math.random().toString(36).slice(2, 10)}`);
  mkdirSync(target, { recursive: true });
  try {
    mountLayers(target, MS_RDONLY, dirs, '');
  } catch (e) {
    rmdirSync(target);
    if (e instanceof EngineError) throw e;
    throw new EngineError('unavailable', `cannot mount the image's layers: ${(e as Error).message}`, { cause: e });
  }
  try {
    return await fn(target);
  } finally {
    try {
      sysx().umount2(target, MNT_DETACH);
    } finally {
      rmdirSync(target);
    }
  }
}

/**
 * Resolves `user[:group]` (names or ids) against the rootfs's /etc/passwd and /etc/group.
 * A user without a group gets the gid equal to the uid, as Docker does for --chown.
 */
export function resolveChown(root: string | undefined, spec: string): { uid: number; gid: number } {
  const [u = '', g] = spec.split(':', 2);
  const read = (f: string): string[][] => {
    if (!root) return [];
    try {
      return readFileSync(join(root, f), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(':'));
    } catch {
      return [];
    }
  };
  const idOf = (v: string, file: string, what: string): number => {
    if (/^\d+$/.test(v)) return Number(v);
    const row = read(file).find((r) => r[0] === v);
    if (!row || row[2] === undefined)
      throw new EngineError('invalid_argument', `unable to find ${what} ${v}: no matching entries in ${file}`);
    return Number(row[2]);
  };
  if (u === '') throw new EngineError('invalid_argument', `invalid --chown value: ${JSON.stringify(spec)}`);
  const uid = idOf(u, 'etc/passwd', 'user');
  const gid = g === undefined || g === '' ? uid : idOf(g, 'etc/group', 'group');
  return { uid, gid };
}
