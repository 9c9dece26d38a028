// The container filesystem `docker cp` reads, as dockerd builds it (moby daemon/archive.go:
// daemon.Mount, then mountVolumes): the container's own root filesystem (image, init layer and
// its changes, as the host mounts it) with its volumes, binds and /etc/hostname, hosts and
// resolv.conf bound over it — and nothing of what the runtime mounts inside the container: no
// /proc, /sys or /dev content, no tmpfs (dockerd's setupMounts leaves tmpfs mounts out), no
// /dev/shm. Built in a private bind of the rootfs under the engine's tmp dir, so nothing mounted
// there is seen anywhere else, and detached (with all below it) when the copy ends.
//
// Mount destinations come from the container, so each is resolved inside the view
// (fsutil/in-root.ts: links never leave it) and checked again just before its mount: the caller
// must hold a running container paused (archive.ts), so nothing in it can swap a directory for a
// link meanwhile.
import { mkdirSync, readFileSync, realpathSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveInRoot } from '../fsutil/in-root.js';
import { MNT_DETACH, MS_BIND, MS_REC, sysx } from '../sysx.js';

const MS_PRIVATE = 1 << 18;

export { rootfsOf } from './records.js';

export interface ViewBind {
  readonly source: string;
  readonly destination: string;
}

/**
 * What dockerd binds over the rootfs for a copy: the bind mounts of the container's OCI spec
 * (volumes, binds, the /etc files), less the runtime's own (--init's /sbin/docker-init, an IPC
 * /dev/shm), in moby's order: shallower destinations first, the /etc files last.
 */
export function viewBinds(containerDir: string): ViewBind[] {
  let mounts: { destination: string; type?: string; source?: string }[] = [];
  try {
    mounts = (JSON.parse(readFileSync(join(containerDir, 'config.json'), 'utf8')) as { mounts?: typeof mounts }).mounts ?? [];
  } catch {
    return [];
  }
  const binds = mounts.filter(
    (m): m is ViewBind & { type: string } =>
      m.type === 'bind' && !!m.source && m.destination !== '/sbin/docker-init' && m.destination !== '/dev/shm',
  );
  const etc = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);
  const depth = (d: string) => d.split('/').filter(Boolean).length;
  const own = binds.filter((m) => !etc.has(m.destination)).sort((a, b) => depth(a.destination) - depth(b.destination));
  return [...own, ...binds.filter((m) => etc.has(m.destination))].map(({ source, destination }) => ({ source, destination }));
}

/** Runs `fn` with the view's host path; `tmpDir` holds the view's mount point meanwhile. */
export async function withArchiveView<T>(
  rootfs: string,
  binds: readonly ViewBind[],
  tmpDir: string,
  fn: (view: string) => Promise<T>,
): Promise<T> {
  const sx = sysx();
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  // A temp name with our pid (store/blobs.ts's tempName): a dead copy's view is found by the
  // store's leftovers sweep, which detaches the mounts under it before removing it.
  let view = join(tmpDir, `cpview-${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(view, { mode: 0o700 });
  view = realpathSync(view);
  let mounted = false;
  try {
    sx.mount(rootfs, view, '', MS_BIND, null);
    mounted = true;
    // Private before anything is mounted below it: a bind of a shared mount is its peer, and
    // what is mounted on a peer shows in the container's own rootfs too.
    sx.mount('none', view, '', MS_PRIVATE, null);
    for (const b of binds) {
      const inside = resolveInRoot(view, b.destination);
      if (inside === undefined) continue; // not there (a stopped container's, removed since): nothing to bind over
      const target = join(view, inside);
      // The path resolved holds no link; one swapped in since would show here (the container is
      // paused, but a volume can be shared with another one).
      if (realpathSync(target) !== target) continue;
      try {
        sx.mount(b.source, target, '', MS_BIND | MS_REC, null);
      } catch {
        continue; // a source gone, or a file over a directory: dockerd's copy would fail on it
      }
      sx.mount('none', target, '', MS_PRIVATE | MS_REC, null);
    }
    return await fn(view);
  } finally {
    if (mounted) sx.umount2(view, MNT_DETACH);
    try {
      rmdirSync(view);
    } catch {
      // left for the engine's tmp sweep
    }
  }
}
