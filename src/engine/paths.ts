import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { os } from './util/builtin.js';
import { join } from 'node:path';
import { isHostRoot } from './util/userns.js';

export interface EnginePaths {
  /** Persistent state: blobs, layers, images, build cache, containers, volumes. */
  readonly root: string;
  /** Volatile state: runc state, monitor sockets and pid files. */
  readonly runRoot: string;
}

// The host's root: uid 0 of a user namespace (rootless dockui) keeps the user's own places.
const isRoot = isHostRoot;

/** Resolve the roots: explicit options, then DOCKUI_ROOT / DOCKUI_RUNROOT, then the defaults. */
export function resolvePaths(opts: { root?: string; runRoot?: string } = {}): EnginePaths {
  const env = process.env;
  const root =
    opts.root ??
    env.DOCKUI_ROOT ??
    (isRoot() ? '/var/lib/dockui' : join(env.XDG_DATA_HOME ?? join(os().homedir(), '.local/share'), 'dockui'));
  const runRoot =
    opts.runRoot ??
    env.DOCKUI_RUNROOT ??
    ((opts.root ?? env.DOCKUI_ROOT)
      ? join(root, 'run') // a private root gets a private run root, so tests never collide
      : isRoot()
        ? '/run/dockui'
        : join(env.XDG_RUNTIME_DIR ?? join(root, 'run'), 'dockui'));
  return { root, runRoot };
}

const secured = new Set<string>();

/**
 * Makes `dir` private to its owner (0700), creating it so when absent. Layers hold image files
 * as the image says, setuid-root binaries included: a store others can traverse lets any local
 * user run them (Moby CVE-2021-41091, fixed by Docker 20.10.9 with 0700/0710 data dirs).
 * runc and conmon run as the owner (root, or the user in a rootless namespace, whose id is 0
 * inside): no group needs to traverse it (Docker's 0710).
 * Cheap by design: one stat per directory per process; an old 0755 store is fixed by one chmod
 * of its top (everything below is then out of reach), not a walk of the tree.
 */
export function securePrivateDir(dir: string, create = true): void {
  if (secured.has(dir)) return;
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (!create) return; // a read-only look (listing) leaves the disk as it was
    // Missing parents are made private too (the umask only takes permissions away).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    secured.add(dir);
    return;
  }
  // A shared sticky directory (DOCKUI_ROOT=/tmp) is someone else's to keep open: not changed.
  const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (st.isDirectory() && mine && (st.mode & 0o077) !== 0 && (st.mode & 0o1000) === 0) chmodSync(dir, 0o700);
  secured.add(dir);
}

/** Both roots, private (see securePrivateDir); `create: false` only tightens existing ones. */
export function securePaths(paths: EnginePaths, create = true): void {
  securePrivateDir(paths.root, create);
  securePrivateDir(paths.runRoot, create);
}
