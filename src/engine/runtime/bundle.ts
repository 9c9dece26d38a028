// A container's OCI bundle: ROOT/containers/<id>/ holds config.json and rootfs/ (the overlay
// mount point); the per-container /etc files sit beside them and are bind-mounted in.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from '../util/fsa.js';
import { join } from 'node:path';
import { EngineError, isEngineError } from '../define.js';
import type { EnginePaths } from '../paths.js';
import { hostsFile, netnsPath, resolvConf } from './network.js';
import { rootfsOf, type ContainerRecord } from './records.js';
import { isMounted, mountOverlay } from './rootfs.js';
import { mergeEnv } from './run-in-rootfs.js';
import { buildSpec, effectiveCapabilities, processSpec, type OciMount, type OciProcess } from './spec.js';
import { resolveGroups, resolveUser } from './user.js';
import { extraSpecOf, processExtras, runningOwner, specJson } from './extra-spec.js';
import { extraHostLines, resolvWithExtras } from './run-extras.js';
import { Volumes } from './volumes.js';
import { findExecutable } from './oci-runtime.js';
import { hostPathInRoot, mkdirInRoot } from '../fsutil/in-root.js';

export { rootfsOf };

/** tini (Debian's tini package) serves --init; its static build works in any image. */
export function initBinary(): string {
  for (const name of ['tini-static', 'tini', 'catatonit']) {
    const p = findExecutable(name);
    if (p) return p;
  }
  throw new EngineError('failed_precondition', '--init needs tini: apt-get install tini');
}

/** Mounts the rootfs (when not mounted yet) and returns its path. */
export async function mountRootfs(rec: ContainerRecord, dir: string): Promise<string> {
  const rootfs = rootfsOf(dir);
  if (!(await isMounted(rootfs)))
    mountOverlay({ lowerDirs: rec.lowerDirs, upperDir: join(dir, 'upper'), workDir: join(dir, 'work'), target: rootfs });
  return rootfs;
}

async function processFor(
  rec: ContainerRecord,
  rootfs: string,
  over: { args?: readonly string[]; env?: readonly string[]; user?: string; workdir?: string; tty?: boolean; privileged?: boolean } = {},
  makeCwd = true,
): Promise<OciProcess> {
  const user = await resolveUser(rootfs, over.user ?? rec.user);
  const groupAdd = await resolveGroups(rootfs, rec.extras?.GroupAdd ?? []);
  const cwd = over.workdir || rec.workdir || '/';
  // Docker creates a missing WORKDIR / -w, inside the image's tree: done while the container is
  // not running (create, start), so nothing inside can swap a directory for a link meanwhile.
  // An exec's cwd is left to runc, which changes into it inside the container (and fails, as
  // Docker's exec does, when it is missing): a running container could race any host-side mkdir.
  if (makeCwd) mkdirInRoot(rootfs, cwd);
  const tty = over.tty ?? rec.tty;
  const env = mergeEnv([`HOSTNAME=${rec.hostname}`, `HOME=${user.home}`, ...(tty ? ['TERM=xterm'] : [])], rec.env, over.env);
  // HOME from the image's Env or -e wins, as in Docker.
  let args = over.args ?? [rec.path, ...rec.args];
  if (!over.args && rec.init) args = ['/sbin/docker-init', '--', ...args];
  return processSpec({
    args,
    env,
    cwd,
    uid: user.uid,
    gid: user.gid,
    // The primary group first, as dockerd lists it (its getUser): `id` shows groups=0(root).
    additionalGids: [...new Set([user.gid, ...user.additionalGids, ...groupAdd])],
    terminal: tty,
    caps: effectiveCapabilities(over.privileged ? { privileged: true } : rec),
    privileged: rec.privileged || over.privileged === true,
    ...processExtras(rec.extras),
  });
}

/**
 * network 'container': the owner's namespaces (/proc/PID/ns/…) and its dir, whose hosts and
 * resolv.conf are shared as podman's pod members share the infra container's. The owner must run.
 */
function namespaceOwner(rec: ContainerRecord, paths: EnginePaths): { pid: number; dir: string } {
  const { pid, dir } = runningOwner(paths, rec.nsOwner ?? '');
  return { pid, dir };
}

/** Writes config.json (and the /etc files) for the next start. The rootfs must be mounted. */
export async function writeBundle(rec: ContainerRecord, dir: string, paths: EnginePaths): Promise<void> {
  const owner = rec.network === 'container' ? namespaceOwner(rec, paths) : undefined;
  const rootfs = await mountRootfs(rec, dir);
  const hostResolv = existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '';
  // Small files, written at once (sync costs µs where the thread pool costs ~0.3 ms each).
  writeFileSync(join(dir, 'hostname'), `${rec.hostname}\n`);
  if (!owner) {
    writeFileSync(join(dir, 'hosts'), hostsFile(rec.hostname, rec.network, rec.networks?.[0]?.ip) + extraHostLines(rec));
    writeFileSync(join(dir, 'resolv.conf'), resolvWithExtras(rec, resolvConf(rec.network, hostResolv, rec.networks?.[0]?.gateway)));
  }
  const etc = (name: string): OciMount => ({
    destination: `/etc/${name}`,
    type: 'bind',
    source: join(owner && name !== 'hostname' ? owner.dir : dir, name),
    options: ['rbind', 'rprivate', rec.readOnly ? 'ro' : 'rw', 'nosuid', 'nodev'],
  });
  const mounts: OciMount[] = [etc('hostname'), etc('hosts'), etc('resolv.conf')];
  const volumes = new Volumes(paths);
  for (const m of rec.mounts) {
    if (m.type === 'tmpfs') {
      mounts.push({
        destination: m.destination,
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'nodev', 'noexec', ...(m.readOnly ? ['ro'] : []), ...(m.options ? m.options.split(',') : [])],
      });
      continue;
    }
    let source = m.source;
    // The image's content at the mount path fills a new volume: a VOLUME that is a link in the
    // image (/x -> /etc, x -> ../../etc) is followed inside the rootfs, never on the host.
    if (m.type === 'volume') source = await volumes.prepare(m.source, hostPathInRoot(rootfs, m.destination));
    else if (!existsSync(source)) {
      if (m.mustExist) throw new EngineError('not_found', `cannot mount ${m.destination}: ${source} is gone`);
      await mkdir(source, { recursive: true }); // Docker creates a missing host dir
    }
    mounts.push({
      destination: m.destination,
      type: 'bind',
      source,
      options: ['rbind', m.propagation ?? 'rprivate', m.readOnly ? 'ro' : 'rw', ...(m.file ? ['nosuid', 'nodev'] : [])],
    });
  }
  if (rec.init)
    mounts.push({ destination: '/sbin/docker-init', type: 'bind', source: initBinary(), options: ['bind', 'ro', 'nosuid', 'nodev'] });
  const proc = await processFor(rec, rootfs);
  const spec = buildSpec({
    rootfs,
    readOnly: rec.readOnly,
    args: proc.args,
    env: proc.env,
    cwd: proc.cwd,
    uid: proc.user.uid,
    gid: proc.user.gid,
    additionalGids: proc.user.additionalGids ?? [],
    terminal: proc.terminal,
    hostname: rec.hostname,
    network: rec.network,
    ...(rec.network === 'private' || rec.network === 'bridge' ? { netnsPath: netnsPath(paths.runRoot, rec.id) } : {}),
    ...(owner
      ? { netnsPath: `/proc/${owner.pid}/ns/net`, ipcPath: `/proc/${owner.pid}/ns/ipc`, utsPath: `/proc/${owner.pid}/ns/uts` }
      : {}),
    privileged: rec.privileged,
    capAdd: rec.capAdd,
    capDrop: rec.capDrop,
    mounts,
    ...(rec.memoryBytes !== undefined ? { memoryBytes: rec.memoryBytes } : {}),
    ...(rec.nanoCpus !== undefined ? { nanoCpus: rec.nanoCpus } : {}),
    ...(rec.memorySwap !== undefined ? { memorySwap: rec.memorySwap } : {}),
    ...(rec.memoryReservation !== undefined ? { memoryReservation: rec.memoryReservation } : {}),
    ...(rec.cpuShares !== undefined ? { cpuShares: rec.cpuShares } : {}),
    ...(rec.pidsLimit !== undefined ? { pidsLimit: rec.pidsLimit } : {}),
    cgroupsPath: `/dockui/${rec.id}`,
    extra: extraSpecOf(rec, paths),
  });
  writeFileSync(join(dir, 'config.json'), specJson(spec));
}

/** The process spec for `exec`, written to a file runc reads. */
export async function writeExecProcess(
  rec: ContainerRecord,
  dir: string,
  file: string,
  over: { args: readonly string[]; env?: readonly string[]; user?: string; workdir?: string; tty?: boolean; privileged?: boolean },
): Promise<void> {
  // A user or group the image does not have: docker's exec fails to start, exit 126.
  const proc = await processFor(rec, rootfsOf(dir), over, false).catch((e: unknown) => {
    throw isEngineError(e) && e.exitCode === undefined ? new EngineError(e.code, e.message, { cause: e, exitCode: 126 }) : e;
  });
  await writeFile(file, specJson(proc));
}

/**
 * Adds to DIR/config.json a createRuntime hook that holds the container's process until `fifo`
 * reads "ok": runc sets the container up (its mounts, the bulk of `runc run`) while slirp4netns
 * starts, and the process still finds its network up. runc runs the hook after the mounts and
 * before pivot_root; anything but "ok" (the caller writes "fail", or dies: end of file) fails it,
 * and runc's timeout ends a hook whose caller died before it opened the FIFO.
 */
export function holdUntilReady(dir: string, fifo: string): void {
  const file = join(dir, 'config.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { hooks?: Record<string, unknown[]> };
  // runc writes the container's state to a hook's stdin: the hook reads it all first, with the
  // shell's own read (no cat to start on every run). A hook that exited with it unread would
  // leave runc a SIGPIPE, and `runc run` forwards the signals it gets to the container (seen as
  // exit 141 of a foreground `run --pid host`, about one run in two).
  const hold = {
    path: '/bin/sh',
    args: ['sh', '-c', 'while read -r _; do :; done; read -r r < "$1" && [ "$r" = ok ]', 'sh', fifo],
    timeout: 120,
  };
  spec.hooks = { ...spec.hooks, createRuntime: [...(spec.hooks?.createRuntime ?? []), hold] };
  writeFileSync(file, specJson(spec));
}
