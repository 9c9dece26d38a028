// Paths that come from an image, a Dockerfile, a build context or a container, turned into host
// paths without ever leaving their root: every `..` stops at the root and every symlink, absolute
// or relative, is resolved against the root, as the kernel would inside a chroot. The store, the
// builder and the runtime all go through here (docs/security.md).
import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { EngineError } from '../define.js';

/**
 * `p` (absolute, inside the container) resolved against `root` the way the kernel would inside
 * it: symlinks, absolute or relative, never leave the root. Undefined when a component is
 * missing or the links loop.
 */
export function resolveInRoot(root: string, p: string): string | undefined {
  const todo = p.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, part);
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      if (++links > 40) return undefined;
      let target: string;
      try {
        target = readlinkSync(host);
      } catch {
        // No longer a link (a container swapped it back meanwhile): looked at again.
        todo.unshift(part);
        continue;
      }
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    done.push(part);
  }
  return '/' + done.join('/');
}

/**
 * The host path of what `p` names inside the rootfs at `root` (every link on the way followed
 * inside it, the last one too), or undefined when it does not exist there. What comes back holds
 * no symlink, so host tools (cp, stat) reading it stay inside the rootfs while nothing changes it.
 */
export function hostPathInRoot(root: string, p: string): string | undefined {
  const inside = resolveInRoot(root, p);
  return inside === undefined ? undefined : join(root, inside);
}

/**
 * `mkdir -p` of `p` inside the rootfs at `root`, as the container would see it: a symlink on the
 * way is followed inside the rootfs (an image's `/app -> /etc` must not make dockui create dirs
 * under the host's /etc). Returns the real path inside the rootfs. A component that is a file,
 * or a symlink leading nowhere, fails.
 */
export function mkdirInRoot(root: string, p: string): string {
  let cur = '/';
  for (const part of p.split('/').filter((x) => x !== '' && x !== '.')) {
    if (part === '..') {
      cur = posix.dirname(cur);
      continue;
    }
    const host = join(root, cur, part); // `cur` holds no symlink: each step resolved it
    let st;
    try {
      st = lstatSync(host);
    } catch {
      mkdirSync(host, { mode: 0o755 });
      cur = posix.join(cur, part);
      continue;
    }
    if (st.isSymbolicLink()) {
      const to = resolveInRoot(root, posix.join(cur, part));
      if (to === undefined || !statSync(join(root, to)).isDirectory())
        throw new EngineError(
          'invalid_argument',
          `working directory ${p}: ${posix.join(cur, part)} is a link that leads to no directory in the image`,
        );
      cur = to;
    } else if (st.isDirectory()) cur = posix.join(cur, part);
    else throw new EngineError('invalid_argument', `working directory ${p}: ${posix.join(cur, part)} is not a directory`);
  }
  return cur;
}

// Pinned directories, for work on a tree that a container may change meanwhile (docker cp into
// or out of a running container, or one whose volume another container shares). A host path
// joined from checked components is walked again by the kernel at each use, and a component
// swapped for a link since (`/vol/d -> /etc`) is followed on the host: the magic link of
// /proc/PID/root only roots the walk's start, an absolute link met after it starts again at the
// host's root. A directory opened by descriptor stays that directory: the paths handed out here
// are `/proc/self/fd/N/NAME` (N such a descriptor), where the kernel looks up NAME alone, and
// every use of one leaves NAME itself unfollowed (lstat, O_NOFOLLOW, lchown, mkdir, symlink).

/** Linux's O_PATH: a descriptor that pins a directory without opening it for reading. */
export const O_PATH = 0o10000000;
const dirFlags = O_PATH | constants.O_DIRECTORY; // close-on-exec: libuv adds it

/** The path of what descriptor `fd` (a directory) holds under `name` ('.' for the directory itself). */
export const fdPath = (fd: number, name = '.'): string => `/proc/self/fd/${fd}/${name}`;

/**
 * A descriptor of the directory `rel` (components without links, as resolveInRoot gives them)
 * below `base` (trusted: a container's root, /proc/PID/root, is itself a magic link), each
 * component opened with O_NOFOLLOW from the one before. A component that is no longer a
 * directory (a link swapped in) fails the walk; the caller closes the descriptor.
 */
export function pinDir(base: string, rel = ''): number {
  let fd = openSync(base, dirFlags);
  for (const part of rel.split('/').filter((c) => c !== '' && c !== '.')) {
    let next: number;
    try {
      if (part === '..') throw new EngineError('invalid_argument', `${rel}: a path with .. cannot be pinned`);
      next = openSync(fdPath(fd, part), dirFlags | constants.O_NOFOLLOW);
    } catch (e) {
      closeSync(fd);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR')
        throw new EngineError('conflict', `${posix.join('/', rel)} changed while dockui worked on it (a directory became a link)`);
      throw e;
    }
    closeSync(fd);
    fd = next;
  }
  return fd;
}

/** Opens the directory at `path` (a pinned path: its last component not followed) as a pinned descriptor. */
export function pinEntry(path: string): number {
  try {
    return openSync(path, dirFlags | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') throw new EngineError('conflict', `a directory became a link while dockui worked on it`);
    throw e;
  }
}
