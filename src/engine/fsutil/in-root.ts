// Paths that come from an image, a Dockerfile, a build context or a container, turned into host
// paths without ever leaving their root: every `..` stops at the root and every symlink, absolute
// or relative, is resolved against the root, as the kernel would inside a chroot. The store, the
// builder and the runtime all go through here (docs/security.md).
import { lstatSync, mkdirSync, readlinkSync, statSync } from 'node:fs';
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
      const target = readlinkSync(host);
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
