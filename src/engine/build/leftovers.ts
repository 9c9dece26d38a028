// What a build killed with SIGKILL leaves: its scratch dir under ROOT/tmp (named with its pid,
// maybe holding read-only overlay mounts of a from= stage) and, when it died during a RUN, the
// step's runc container (still running, its `runc run` now an orphan), the bundle dir under
// RUNROOT/oneshot with the step's overlay mounted on its rootfs. Nothing in the dead process
// can clean them; the next build does (and the engine's leftovers scan may call the same
// functions). A RUN's overlay names its owner: its upperdir is in ROOT/tmp/build-<pid>-…, so
// leftovers of a build that is still running are never touched.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mountTable, pidAlive, type MountLine } from '../sysx.js';

export interface BuildLeftover {
  /** `run`: a RUN step's container, bundle and overlay; `scratch`: a build's temp dir. */
  readonly kind: 'run' | 'scratch';
  /** The bundle dir (run) or the temp dir (scratch). */
  readonly path: string;
  /** The runc container id (run). */
  readonly id?: string;
  /** Mount points under `path`, deepest first. */
  readonly mounts: readonly string[];
}

export interface BuildLeftoverPaths {
  readonly root: string;
  /** The runtime's run root (RUNROOT/oneshot, RUNROOT/runc); without it only ROOT/tmp is looked at. */
  readonly runRoot?: string;
}

/** A bundle without a mount younger than this may be a live build's just being set up. */
const graceMs = 60_000;

/** The pid in a build temp name (`build-<pid>-<hex>`, `discard-…`, as publish.ts tempName makes). */
function tempPid(name: string): number | undefined {
  const m = /^(?:build|discard)-(\d+)-[0-9a-f]{12}$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function under(mounts: readonly MountLine[], dir: string): string[] {
  return mounts
    .map((m) => m.point)
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The leftovers of dead builds under `paths` (none of a live one). */
export function findBuildLeftovers(paths: BuildLeftoverPaths): BuildLeftover[] {
  const mounts = mountTable();
  const out: BuildLeftover[] = [];
  const tmp = join(paths.root, 'tmp');
  for (const name of listDir(tmp)) {
    const pid = tempPid(name);
    if (pid === undefined || pidAlive(pid)) continue;
    const path = join(tmp, name);
    out.push({ kind: 'scratch', path, mounts: under(mounts, path) });
  }
  if (paths.runRoot === undefined) return out;
  const oneshot = join(paths.runRoot, 'oneshot');
  const seen = new Set<string>();
  for (const id of listDir(oneshot)) {
    if (!/^build-[0-9a-f]+$/.test(id)) continue;
    const path = join(oneshot, id);
    const here = under(mounts, path);
    const rootfs = mounts.find((m) => m.point === join(path, 'rootfs'));
    // The owner is the build whose scratch dir holds the overlay's upper dir.
    const upper = /(?:^|,)upperdir=([^,]+)/.exec(rootfs?.superOpts ?? '')?.[1];
    const owner = upper?.startsWith(`${tmp}/`) ? tempPid(upper.slice(tmp.length + 1).split('/')[0] ?? '') : undefined;
    if (owner !== undefined) {
      if (pidAlive(owner)) continue;
    } else {
      // No overlay to tell the owner: left alone while young, or while its container runs.
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      if (age < graceMs || containerAlive(paths.runRoot, id)) continue;
    }
    seen.add(id);
    out.push({ kind: 'run', path, id, mounts: here });
  }
  // runc state of a build step whose bundle is gone already.
  for (const id of listDir(join(paths.runRoot, 'runc'))) {
    if (!/^build-[0-9a-f]+$/.test(id) || seen.has(id) || existsSync(join(oneshot, id))) continue;
    if (containerAlive(paths.runRoot, id)) continue;
    out.push({ kind: 'run', path: join(oneshot, id), id, mounts: [] });
  }
  return out;
}

/** Whether runc's state for `id` names a live init process. */
function containerAlive(runRoot: string, id: string): boolean {
  try {
    const st = JSON.parse(readFileSync(join(runRoot, 'runc', id, 'state.json'), 'utf8')) as { init_process_pid?: number };
    return typeof st.init_process_pid === 'number' && pidAlive(st.init_process_pid);
  } catch {
    return false;
  }
}

function runc(runRoot: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    execFile(process.env.DOCKUI_RUNC ?? 'runc', ['--root', join(runRoot, 'runc'), ...args], { timeout: 10_000 }, () => resolve());
  });
}

/**
 * Removes `found` (from findBuildLeftovers): a RUN's container is killed and deleted, its
 * overlay detached, its bundle removed; a scratch dir loses its mounts, then its files. A dir
 * with a mount that will not go stays (deleting through a mount could reach outside the root).
 * Returns how many leftovers are gone.
 */
export async function removeBuildLeftovers(paths: BuildLeftoverPaths, found: readonly BuildLeftover[]): Promise<number> {
  let removed = 0;
  const { MNT_DETACH, sysx } = found.some((f) => f.mounts.length > 0) ? await import('../sysx.js') : { MNT_DETACH: 0, sysx: undefined };
  // Containers and their overlays first: their upper dirs live in the scratch dirs.
  for (const f of [...found].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'run' ? -1 : 1))) {
    if (f.kind === 'run' && f.id !== undefined && paths.runRoot !== undefined) await runc(paths.runRoot, ['delete', '--force', f.id]);
    for (const mp of f.mounts) {
      try {
        sysx!().umount2(mp, MNT_DETACH);
      } catch {
        // EINVAL: gone with a parent's detach; anything else is caught below
      }
    }
    if (under(mountTable(), f.path).length > 0) continue;
    rmSync(f.path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
