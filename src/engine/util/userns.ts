// Rootless dockui, the engine's side. An ordinary user's commands run in dockui's user namespace
// (bin/userns.mjs makes it: the user's id as 0, the /etc/subuid range above), where the process
// is uid 0 with every capability over its own mount namespace, but not the host's root: no
// cgroups to write on cgroup v1, no mknod, no trusted.* xattrs, and the store, the run root and
// runc's state are the user's (~/.local/share/dockui, $XDG_RUNTIME_DIR/dockui).
import { readFileSync } from 'node:fs';

let cached: boolean | undefined;

/**
 * Whether this process runs in a user namespace (not the host's): its uid_map is not the
 * identity over every id. Read once per process.
 */
export function inUserNamespace(): boolean {
  if (cached !== undefined) return cached;
  try {
    const lines = readFileSync('/proc/self/uid_map', 'utf8').trim().split('\n');
    const [inside, outside, count] = (lines[0] ?? '').trim().split(/\s+/);
    cached = !(lines.length === 1 && inside === '0' && outside === '0' && count === '4294967295');
  } catch {
    cached = false;
  }
  return cached;
}

/** True for the host's root only: uid 0 outside any user namespace. */
export function isHostRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0 && !inUserNamespace();
}

/** Rootless: not the host's root (an ordinary user, or uid 0 of a user namespace). */
export function isRootless(): boolean {
  return !isHostRoot();
}

/**
 * Overlayfs keeps whiteouts as 0/0 character devices (which a user namespace may make) but marks
 * opaque directories with an xattr: trusted.overlay.opaque for the host's root, which a user
 * namespace cannot set (overlay then fails removing a lower directory with EIO). Rootless,
 * dockui mounts with `userxattr` (kernel 5.11+) and overlay uses user.overlay.* instead: the
 * layers it unpacks and the upper dirs it reads use the same name.
 */
export function overlayOpaqueXattr(): string {
  return isRootless() ? 'user.overlay.opaque' : 'trusted.overlay.opaque';
}

/** Overlay's own attributes (either namespace): never taken from image content, never exported. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.');
}

/** The number of ids mapped into this namespace (65537 for the user plus a 65536 subuid range). */
export function mappedIds(): number {
  try {
    return readFileSync('/proc/self/uid_map', 'utf8')
      .trim()
      .split('\n')
      .reduce((n, l) => n + Number(l.trim().split(/\s+/)[2] ?? 0), 0);
  } catch {
    return 0;
  }
}

let v2: boolean | undefined;
/** cgroup v2 (unified) host: limits may work rootless with delegation; on v1 they never do. */
export function cgroupV2(): boolean {
  if (v2 !== undefined) return v2;
  try {
    v2 = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .some((l) => / \/sys\/fs\/cgroup .* - cgroup2 /.test(l));
  } catch {
    v2 = false;
  }
  return v2;
}

/**
 * The one line for a cgroup limit rootless dockui cannot set here, or undefined when it can
 * (the host's root, or cgroup v2 where the user's subtree may be delegated).
 */
export function rootlessLimitProblem(flags: readonly string[]): string | undefined {
  if (flags.length === 0 || !isRootless() || cgroupV2()) return undefined;
  return `${flags.join(', ')}: rootless dockui cannot set resource limits on this cgroup v1 host (they need cgroup v2 with delegation, or root)`;
}
