// What a dockui killed mid-start (or a crash) can leave behind without a record to say so: a
// slirp4netns still holding the published host ports, a conmon and its runc container waiting
// for a start that never comes, a netns file, a mounted rootfs. A container's helpers are
// leftovers when its record is gone or not running (or names other helper pids), and no live
// dockui holds the container's lock (a start in progress holds it while it sets them up).
// Also an exec's process spec (RUNROOT/exec/*.json, its .pid and .log) that no runc reads any
// more: an exec removes it once runc has started the process, so one is left only by a dockui
// killed in between (or by a dockui before that rule, whose `exec -d` kept it for good).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from '../util/fsa.js';
import { basename, join } from 'node:path';
import { parseOwner, pidAlive, tryLock } from '../store/lock.js';
import { mountTable } from '../sysx.js';
import { netnsPath } from './network.js';
import { OciRuntime } from './oci-runtime.js';
import { RecordStore, type ContainerRecord } from './records.js';
import { unmount } from './rootfs.js';

export interface RuntimeLeftover {
  readonly kind: 'slirp4netns' | 'conmon' | 'runc' | 'netns' | 'mount' | 'exec';
  /** The container (64 hex digits) it belonged to; an exec file's first 16 (its name's). */
  readonly id: string;
  readonly pid?: number;
  readonly path?: string;
  /** One line for `system check`. */
  readonly what: string;
}

const idRe = /^[0-9a-f]{64}$/;

function readDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const live = (r: ContainerRecord | undefined) => !!r && (r.state === 'running' || r.state === 'paused');

/** A helper is stray unless its container runs and either names it or names no pid of that kind. */
function strayHelper(r: ContainerRecord | undefined, kind: 'slirp4netns' | 'conmon', pid: number): boolean {
  if (!live(r)) return true;
  const expected = kind === 'slirp4netns' ? r!.slirpPid : r!.monitorPid;
  return !!expected && expected !== pid;
}

export interface LeftoverOptions {
  /** Containers whose lock the caller holds (a start cleaning its own way): never skipped as busy. */
  readonly held?: ReadonlySet<string>;
}

/** Is a live process (another dockui) holding this container's lock? */
function lockHeld(lockDir: string, id: string): boolean {
  try {
    const owner = parseOwner(readFileSync(join(lockDir, `${id}.lock`), 'utf8'));
    return owner.pid !== process.pid && pidAlive(owner.pid, owner.start);
  } catch {
    return false;
  }
}

/** slirp4netns and conmon processes of this root, with the container each serves. */
function helperProcesses(root: string, runRoot: string): { kind: 'slirp4netns' | 'conmon'; pid: number; id: string }[] {
  const netnsDir = join(runRoot, 'netns') + '/';
  const bundles = join(root, 'containers') + '/';
  const out: { kind: 'slirp4netns' | 'conmon'; pid: number; id: string }[] = [];
  for (const p of readDir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    let argv: string[];
    try {
      const comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (comm !== 'slirp4netns' && comm !== 'conmon') continue;
      argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    const pid = Number(p);
    if (basename(argv[0] ?? '') === 'slirp4netns') {
      // network.ts starts it as: ... --netns-type=path RUNROOT/netns/<id> tap0
      const i = argv.indexOf('--netns-type=path');
      const ns = i >= 0 ? argv[i + 1] : undefined;
      if (ns?.startsWith(netnsDir) && idRe.test(ns.slice(netnsDir.length)))
        out.push({ kind: 'slirp4netns', pid, id: ns.slice(netnsDir.length) });
    } else {
      // monitor.ts starts it with -b ROOT/containers/<id> (the bundle).
      const i = argv.indexOf('-b');
      const b = i >= 0 ? argv[i + 1] : undefined;
      if (b?.startsWith(bundles) && idRe.test(b.slice(bundles.length))) out.push({ kind: 'conmon', pid, id: b.slice(bundles.length) });
    }
  }
  return out;
}

/** An exec file younger than this may be one a dockui has written and not yet handed to runc. */
const execFileGraceMs = 30_000;

/** Files under RUNROOT/exec that no live runc (or `script` running one) names, and old enough. */
function staleExecFiles(runRoot: string): RuntimeLeftover[] {
  const dir = join(runRoot, 'exec');
  const now = Date.now();
  const old = readDir(dir).filter((f) => {
    try {
      return now - statSync(join(dir, f)).mtimeMs > execFileGraceMs;
    } catch {
      return false; // gone meanwhile
    }
  });
  if (!old.length) return [];
  const named: string[] = [];
  for (const p of readDir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (comm === 'runc' || comm === 'script' || comm.startsWith('runc:')) named.push(readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    } catch {
      // gone meanwhile
    }
  }
  return old
    .filter((f) => !named.some((argv) => argv.includes(join(dir, f.replace(/\.(json|pid|log)$/, '')))))
    .map((f) => ({ kind: 'exec', id: f.slice(0, 16), path: join(dir, f), what: `stale exec process file ${join(dir, f)}` }));
}

/** Everything of the runtime under `root`/`runRoot` that no container record accounts for. */
export async function findRuntimeLeftovers(root: string, runRoot: string, opts: LeftoverOptions = {}): Promise<RuntimeLeftover[]> {
  const records = new RecordStore({ root, runRoot });
  const recs = new Map((await records.list()).map((r) => [r.id, r]));
  const out: RuntimeLeftover[] = [];
  const busy = (id: string) => !opts.held?.has(id) && lockHeld(records.lockDir, id);
  for (const h of helperProcesses(root, runRoot)) {
    if (!strayHelper(recs.get(h.id), h.kind, h.pid) || busy(h.id)) continue;
    out.push({ kind: h.kind, id: h.id, pid: h.pid, what: `orphan ${h.kind} (pid ${h.pid}) of container ${h.id.slice(0, 12)}` });
  }
  for (const id of readDir(join(runRoot, 'runc'))) {
    if (!idRe.test(id) || live(recs.get(id)) || busy(id)) continue;
    out.push({ kind: 'runc', id, what: `runc container ${id.slice(0, 12)} without a running record` });
  }
  for (const id of readDir(join(runRoot, 'netns'))) {
    if (!idRe.test(id) || live(recs.get(id)) || busy(id)) continue;
    const path = netnsPath(runRoot, id);
    out.push({ kind: 'netns', id, path, what: `stale network namespace ${path}` });
  }
  // A rootfs stays mounted while its container is created or stopped (start remounts it anyway),
  // so only one without a record at all is a leftover.
  const containers = join(root, 'containers') + '/';
  for (const { point: mp } of mountTable()) {
    if (!mp.startsWith(containers) || !mp.endsWith('/rootfs')) continue;
    const id = mp.slice(containers.length, -'/rootfs'.length);
    if (!idRe.test(id) || recs.has(id) || busy(id)) continue;
    out.push({ kind: 'mount', id, path: mp, what: `stale rootfs mount ${mp}` });
  }
  out.push(...staleExecFiles(runRoot));
  return out;
}

/**
 * Frees what findRuntimeLeftovers found (or finds now): helpers killed, runc containers deleted,
 * netns and mounts released, each under the container's lock (skipped when someone holds it).
 * Returns what was removed.
 */
export async function removeRuntimeLeftovers(
  root: string,
  runRoot: string,
  found?: readonly RuntimeLeftover[],
  opts: LeftoverOptions = {},
): Promise<RuntimeLeftover[]> {
  const all = found ?? (await findRuntimeLeftovers(root, runRoot, opts));
  const removed: RuntimeLeftover[] = [];
  // Exec files need no lock: checked again (still stale, no runc names them), then removed.
  const execs = all.filter((l) => l.kind === 'exec');
  if (execs.length) {
    const stale = new Set(staleExecFiles(runRoot).map((l) => l.path));
    for (const l of execs) {
      if (!stale.has(l.path)) continue;
      await rm(l.path!, { force: true });
      removed.push(l);
    }
  }
  const list = all.filter((l) => l.kind !== 'exec');
  if (!list.length) return removed;
  const records = new RecordStore({ root, runRoot });
  const byId = new Map<string, RuntimeLeftover[]>();
  for (const l of list) byId.set(l.id, [...(byId.get(l.id) ?? []), l]);
  let runtime: OciRuntime | undefined;
  for (const [id, items] of byId) {
    const release = opts.held?.has(id) ? async () => undefined : await tryLock(records.lockPath(id));
    if (!release) continue;
    try {
      // Checked again under the lock: a start may have finished meanwhile.
      const r = await records.read(id);
      // Processes first (they hold the netns and ports), then runc's state, netns, mounts.
      const order = ['conmon', 'slirp4netns', 'runc', 'netns', 'mount'] as const;
      for (const kind of order)
        for (const l of items.filter((x) => x.kind === kind)) {
          if (live(r) && (kind === 'runc' || kind === 'netns')) continue;
          if (l.pid !== undefined) {
            if (!strayHelper(r, kind as 'slirp4netns' | 'conmon', l.pid)) continue;
            if (!isHelper(l.pid, kind)) continue; // exited (and the pid maybe reused) meanwhile
            try {
              process.kill(l.pid, 'SIGKILL');
            } catch {
              continue;
            }
          } else if (kind === 'runc') {
            runtime ??= new OciRuntime(join(runRoot, 'runc'));
            await runtime.delete(id, { force: true }).catch(() => undefined);
          } else if (kind === 'netns') {
            unmount(l.path!);
            await rm(l.path!, { force: true });
            await rm(join(runRoot, 'net', `${id.slice(0, 32)}.sock`), { force: true });
          } else if (kind === 'mount') {
            if (r) continue;
            unmount(l.path!);
          }
          removed.push(l);
        }
    } finally {
      await release();
    }
  }
  return removed;
}

function isHelper(pid: number, comm: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
  } catch {
    return false;
  }
}
