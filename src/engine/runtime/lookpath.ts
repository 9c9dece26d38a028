// Finding a container's command inside its root filesystem before runc is asked to run it.
// `runc run` shares its stderr with the container, so runc's own "executable file not found"
// would reach the user as a second line beside dockui's: looking first lets the attached run
// fail with one line, in runc's words, before anything starts.
import { statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { resolveInRoot } from '../fsutil/in-root.js';

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
    : (env.findLast((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
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
 * Docker's exit code for runc's "exec: ..." failure: 126 when the command cannot be invoked
 * (permission denied), 127 when it is not found; undefined for any other message.
 */
export function execFailureExitCode(message: string): number | undefined {
  if (!/^exec: "/.test(message)) return undefined;
  if (/: permission denied$/.test(message)) return 126;
  if (/: executable file not found in \$PATH$|: no such file or directory$/.test(message)) return 127;
  return undefined;
}
