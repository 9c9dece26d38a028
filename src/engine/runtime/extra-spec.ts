// The config.json parts of run's further flags (the record's extras, run-extras.ts): rlimits,
// devices and their cgroup rules, sysctls, /dev/shm, seccomp, no-new-privileges and the pid,
// IPC and UTS namespaces (the host's, or a running container's).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import type { EnginePaths } from '../paths.js';
import { mountTable, pidAlive, sysx } from '../sysx.js';
import type { ContainerRecord } from './records.js';
import type { RunExtras } from './run-extras.js';
import { rlimInfinity, type ExtraSpec } from './spec.js';

/** A container whose namespaces another joins: its pid and dir. It must be running. */
export function runningOwner(paths: EnginePaths, id: string): { pid: number; dir: string; rec: ContainerRecord } {
  const dir = join(paths.root, 'containers', id);
  let owner: ContainerRecord | undefined;
  try {
    owner = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as ContainerRecord;
  } catch {
    throw new EngineError('failed_precondition', `cannot join the namespaces of container ${id.slice(0, 12)}: it is gone`);
  }
  if (owner.state !== 'running' || !owner.pid || !pidAlive(owner.pid, owner.pidStart))
    throw new EngineError('failed_precondition', `cannot join the namespaces of container ${owner.name}: it is not running`);
  return { pid: owner.pid, dir, rec: owner };
}

/** A shareable IPC container's /dev/shm, mounted on the host side (unmounted when it stops). */
export const shmDirOf = (containerDir: string) => join(containerDir, 'shm');
const [MS_NOSUID, MS_NODEV, MS_NOEXEC] = [2, 4, 8];

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
function majorMinor(rdev: number): { major: number; minor: number } {
  const hi = Math.floor(rdev / 2 ** 32);
  return { major: ((rdev >>> 8) & 0xfff) | (hi & ~0xfff), minor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00) };
}

/** --ulimit and no-new-privileges: the container's process and its execs alike. */
export function processExtras(x: RunExtras | undefined): Pick<ExtraSpec, 'rlimits' | 'noNewPrivileges'> {
  return {
    ...(x?.Ulimits
      ? {
          rlimits: x.Ulimits.map((u) => ({
            type: `RLIMIT_${u.Name.toUpperCase()}`,
            soft: u.Soft < 0 ? rlimInfinity : u.Soft,
            hard: u.Hard < 0 ? rlimInfinity : u.Hard,
          })),
        }
      : {}),
    ...(x?.SecurityOpt?.some((o) => o === 'no-new-privileges' || o === 'no-new-privileges=true') ? { noNewPrivileges: true } : {}),
  };
}

export function extraSpecOf(rec: ContainerRecord, paths: EnginePaths): ExtraSpec {
  const x = rec.extras;
  if (!x) return {};
  const ns = (mode: string | undefined, type: string): string | undefined =>
    mode === 'host' ? 'host' : mode?.startsWith('container:') ? `/proc/${runningOwner(paths, mode.slice(10)).pid}/ns/${type}` : undefined;
  const out: { -readonly [K in keyof ExtraSpec]: ExtraSpec[K] } = { ...processExtras(x) };
  if (x.Devices) {
    const devices: NonNullable<ExtraSpec['devices']>[number][] = [];
    const rules: NonNullable<ExtraSpec['deviceRules']>[number][] = [];
    for (const d of x.Devices) {
      let st;
      try {
        st = statSync(d.PathOnHost);
      } catch {
        throw new EngineError('failed_precondition', `device ${d.PathOnHost} is gone from this host`);
      }
      const type = st.isBlockDevice() ? 'b' : 'c';
      const { major, minor } = majorMinor(st.rdev);
      devices.push({ path: d.PathInContainer, type, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      rules.push({ allow: true, type, major, minor, access: d.CgroupPermissions });
    }
    out.devices = devices;
    out.deviceRules = rules;
  }
  if (x.Sysctls) out.sysctl = x.Sysctls;
  if (x.ShmSize !== undefined) out.shmBytes = x.ShmSize;
  if (x.SecurityOpt?.includes('seccomp=unconfined')) out.seccomp = 'unconfined';
  else if (x.seccompProfile) out.seccomp = x.seccompProfile;
  const pid = ns(x.PidMode, 'pid');
  if (pid) out.pidNs = pid;
  const ipc = ns(x.IpcMode, 'ipc');
  if (ipc) {
    out.ipcNs = ipc;
    // The shared memory of the IPC namespace joined: the host's /dev/shm, or the owner's.
    const owner = ipc === 'host' ? undefined : runningOwner(paths, x.IpcMode!.slice(10));
    out.shmSource = owner ? (owner.rec.extras?.IpcMode === 'host' ? '/dev/shm' : shmDirOf(owner.dir)) : '/dev/shm';
  } else if (x.IpcMode === 'shareable') {
    // As Docker's: a tmpfs mounted on the host side, so a container joining the IPC namespace
    // binds the same one (another mount namespace's mounts cannot be bound).
    const shm = shmDirOf(join(paths.root, 'containers', rec.id));
    if (!mountTable().some((m) => m.point === shm)) {
      mkdirSync(shm, { recursive: true });
      sysx().mount('shm', shm, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, `mode=1777,size=${x.ShmSize ?? 65536 * 1024}`);
    }
    out.shmSource = shm;
  }
  if (x.UTSMode === 'host') out.utsHost = true;
  return out;
}

/** config.json's text: the rlimits' infinity as Go's uint64 max, which a JSON number from JS cannot carry. */
export function specJson(spec: unknown): string {
  // 18446744073709552000: a spec read back by JSON.parse (holdUntilReady) and written again.
  return JSON.stringify(spec).replace(/"(hard|soft)":(-1|18446744073709552000)\b/g, '"$1":18446744073709551615');
}
