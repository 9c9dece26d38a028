import { homedir } from 'node:os';
import { join } from 'node:path';

export interface EnginePaths {
  /** Persistent state: blobs, layers, images, build cache, containers, volumes. */
  readonly root: string;
  /** Volatile state: runc state, monitor sockets and pid files. */
  readonly runRoot: string;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Resolve the roots: explicit options, then DOCKUI_ROOT / DOCKUI_RUNROOT, then the defaults. */
export function resolvePaths(opts: { root?: string; runRoot?: string } = {}): EnginePaths {
  const env = process.env;
  const root =
    opts.root ?? env.DOCKUI_ROOT ?? (isRoot() ? '/var/lib/dockui' : join(env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), 'dockui'));
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
