// Finding a container's command inside its root filesystem before runc is asked to run it.
// `runc run` shares its stderr with the container, so runc's own "executable file not found"
// would reach the user as a second line beside dockui's: looking first lets the attached run
// fail with one line, in runc's words, before anything starts.
import { lstatSync, mkdirSync, readlinkSync, statSync } from 'node:fs';
import { EngineError } from '../define.js';
import { join, posix } from 'node:path';

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

/** Whether `ctrPath` lies on (or under) one of the mount destinations. */
function underMount(ctrPath: string, mountPoints: readonly string[]): boolean {
  return mountPoints.some((m) => {
    const d = posix.normalize(m).replace(/\/+$/, '') || '/';
    return d === '/' || ctrPath === d || ctrPath.startsWith(`${d}/`);
  });
}

/**
 * Looks `cmd` up as runc would (PATH from `env` when it has no slash). Returns an error line
 * when it is certainly missing or not executable in the image's files; undefined when it is
 * there, or lies under a mount (a volume or bind mount that only exists once runc starts).
 */
export function missingExecutable(
  rootfs: string,
  cmd: string,
  opts: { env: readonly string[]; cwd: string; mountPoints: readonly string[] },
): string | undefined {
  const { env, mountPoints } = opts;
  const candidates = cmd.includes('/')
    ? [posix.resolve('/', opts.cwd, cmd)]
    : (
        env.findLast((e) => e.startsWith('PATH='))?.slice(5) ??
        '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
      )
        .split(':')
        .filter((d) => d.startsWith('/'))
        .map((d) => posix.join(d, cmd));
  let notExecutable = false;
  for (const c of candidates) {
    if (underMount(posix.dirname(c), mountPoints)) return undefined;
    const real = resolveInRoot(rootfs, c);
    if (real === undefined) continue;
    if (underMount(real, mountPoints)) return undefined;
    try {
      const st = statSync(join(rootfs, real));
      if (st.isFile() && (st.mode & 0o111) !== 0) return undefined;
      notExecutable = true;
    } catch {
      // vanished meanwhile: treat as missing
    }
  }
  if (notExecutable && cmd.includes('/')) return `exec: "${cmd}": permission denied`;
  return cmd.includes('/')
    ? `exec: "${cmd}": stat ${cmd}: no such file or directory`
    : `exec: "${cmd}": executable file not found in $PATH`;
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
        throw new EngineError('invalid_argument', `working directory ${p}: ${posix.join(cur, part)} is a link that leads to no directory in the image`);
      cur = to;
    } else if (st.isDirectory()) cur = posix.join(cur, part);
    else throw new EngineError('invalid_argument', `working directory ${p}: ${posix.join(cur, part)} is not a directory`);
  }
  return cur;
}
