// The OCI runtime spec (config.json) for a container, with Docker's defaults: namespaces,
// the standard mounts, capabilities, masked and read-only paths, seccomp, rlimits and cgroups.
import { readFileSync } from 'node:fs';
import { EngineError } from '../define.js';
import { cgroupV2, isRootless } from '../util/userns.js';
import { defaultSeccompProfile } from './seccomp.js';
import { specResources } from './resources.js';

/**
 * Docker's default capability set, less CAP_MKNOD: runc allows creating any device node
 * ("m" on every device in the device cgroup), so without this a container could mknod a disk
 * it cannot open but could hand to a privileged one. `--cap-add MKNOD` restores Docker's set.
 */
export const defaultCapabilities = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
] as const;

/** Every capability this kernel generation knows, for --privileged and "ALL". */
export const allCapabilities = `CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID
CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW
CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN
CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE
CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND
CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE`.split(/\s+/);

/** "net_admin", "CAP_NET_ADMIN", "ALL" → canonical names; unknown names are a user error. */
function normalizeCap(c: string): string {
  const up = c.trim().toUpperCase();
  if (up === 'ALL') return 'ALL';
  const name = up.startsWith('CAP_') ? up : `CAP_${up}`;
  if (!allCapabilities.includes(name)) throw new EngineError('invalid_argument', `unknown capability: ${c}`);
  return name;
}

let hostCaps: Set<string> | undefined;
/**
 * The capabilities this process may hand on (its bounding set): asking runc for more fails
 * ("unable to apply caps"), e.g. where root itself runs without CAP_SYS_RESOURCE.
 */
export function hostCapabilities(): Set<string> {
  if (hostCaps) return hostCaps;
  hostCaps = new Set(allCapabilities);
  try {
    const hex = /^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hex) {
      const bits = BigInt(`0x${hex}`);
      // allCapabilities is in kernel numbering order: index = capability number.
      hostCaps = new Set(allCapabilities.filter((_, i) => (bits >> BigInt(i)) & 1n));
    }
  } catch {
    /* keep the full list */
  }
  return hostCaps;
}

/** Docker's rule: start from the defaults (or all), add, then drop; "ALL" works on both sides. */
export function effectiveCapabilities(opts: { privileged?: boolean; capAdd?: readonly string[]; capDrop?: readonly string[] }): string[] {
  const host = hostCapabilities();
  if (opts.privileged) return allCapabilities.filter((c) => host.has(c));
  const add = (opts.capAdd ?? []).map(normalizeCap);
  const drop = (opts.capDrop ?? []).map(normalizeCap);
  let caps = new Set<string>(add.includes('ALL') ? allCapabilities : defaultCapabilities);
  for (const c of add) if (c !== 'ALL') caps.add(c);
  if (drop.includes('ALL')) caps = new Set(add.filter((c) => c !== 'ALL'));
  else for (const c of drop) caps.delete(c);
  return allCapabilities.filter((c) => caps.has(c) && host.has(c));
}

export const maskedPaths = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
export const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface OciMount {
  readonly destination: string;
  readonly type: string;
  readonly source: string;
  readonly options?: readonly string[];
}

export interface OciProcess {
  terminal: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: { bounding: string[]; effective: string[]; permitted: string[]; inheritable?: string[]; ambient?: string[] };
  rlimits?: { type: string; hard: number; soft: number }[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
  consoleSize?: { height: number; width: number };
}

export interface SpecInput {
  readonly rootfs: string;
  readonly readOnly?: boolean;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: readonly number[];
  readonly terminal?: boolean;
  readonly hostname: string;
  readonly network: 'none' | 'host' | 'private' | 'bridge' | 'container';
  /** Join this network namespace (a private network's nsfs file) instead of making a new one. */
  readonly netnsPath?: string;
  /** network 'container': the IPC and UTS namespaces joined with the network one (/proc/PID/ns/…). */
  readonly ipcPath?: string;
  readonly utsPath?: string;
  readonly privileged?: boolean;
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  /** Bind mounts, volumes, tmpfs and the per-container /etc files, in order. */
  readonly mounts?: readonly OciMount[];
  readonly memoryBytes?: number;
  readonly memorySwap?: number;
  readonly memoryReservation?: number;
  readonly cpuShares?: number;
  readonly nanoCpus?: number;
  readonly pidsLimit?: number;
  /** cgroupfs path relative to each controller's root, e.g. "/dockui/<id>". */
  readonly cgroupsPath?: string;
  /** run's further flags (run-extras.ts → bundle.ts): see extraSpec. */
  readonly extra?: ExtraSpec;
}

/** What --ulimit, --device, --sysctl, --shm-size, --security-opt, --pid/--ipc/--uts add to the spec. */
export interface ExtraSpec {
  readonly rlimits?: readonly { type: string; hard: number; soft: number }[];
  readonly devices?: readonly { path: string; type: string; major: number; minor: number; fileMode: number; uid: number; gid: number }[];
  readonly deviceRules?: readonly { allow: boolean; type: string; major: number; minor: number; access: string }[];
  readonly sysctl?: Readonly<Record<string, string>>;
  readonly shmBytes?: number;
  /** /dev/shm bound from here (--ipc host: the host's; container:X: X's) instead of a tmpfs. */
  readonly shmSource?: string;
  /** 'unconfined': no seccomp filter; an object: the profile to use. */
  readonly seccomp?: unknown;
  readonly noNewPrivileges?: boolean;
  /** 'host': no namespace of its own; a path: join that one. */
  readonly pidNs?: string;
  readonly ipcNs?: string;
  readonly utsHost?: boolean;
}

/** Infinity in a spec's rlimits: written as 2^64-1 (bundle.ts), which JSON numbers cannot carry. */
export const rlimInfinity = -1;

let hardNofile: number | undefined;
/** The host's hard open-files limit: a container asking for more cannot start. */
function hostNofileLimit(): number {
  if (hardNofile !== undefined) return hardNofile;
  hardNofile = 1024;
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const hard = m?.[2] === 'unlimited' ? 1_048_576 : Number(m?.[2]);
    if (Number.isFinite(hard) && hard > 0) hardNofile = Math.min(hard, 1_048_576);
  } catch {
    /* keep the conservative default */
  }
  return hardNofile;
}

/** The size of this process's terminal (where an attached or exec'd container's pty takes it from). */
function terminalSize(): { height: number; width: number } | undefined {
  for (const out of [process.stdout, process.stderr]) {
    if (!out.isTTY) continue;
    const [width, height] = out.getWindowSize();
    if (width > 0 && height > 0) return { height, width };
  }
  return undefined;
}

export function processSpec(input: {
  args: readonly string[];
  env: readonly string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids?: readonly number[];
  terminal?: boolean;
  caps: readonly string[];
  privileged?: boolean;
  rlimits?: readonly { type: string; hard: number; soft: number }[];
  noNewPrivileges?: boolean;
}): OciProcess {
  const caps = [...input.caps];
  const nofile = hostNofileLimit();
  const rlimits = [...(input.rlimits ?? [])];
  if (!rlimits.some((r) => r.type === 'RLIMIT_NOFILE')) rlimits.push({ type: 'RLIMIT_NOFILE', hard: nofile, soft: nofile });
  const size = input.terminal ? terminalSize() : undefined;
  return {
    terminal: input.terminal ?? false,
    // runc sizes the container's pty before the process runs; left to the SIGWINCH that runc
    // forwards after the start, a `stty size` at once reads 0 0 (what Docker 23's ConsoleSize fixed).
    ...(size ? { consoleSize: size } : {}),
    user: { uid: input.uid, gid: input.gid, ...(input.additionalGids?.length ? { additionalGids: [...input.additionalGids] } : {}) },
    args: [...input.args],
    env: [...input.env],
    cwd: input.cwd,
    // Docker gives a non-root user no effective capabilities; root gets the set.
    capabilities: {
      bounding: caps,
      effective: input.uid === 0 ? caps : [],
      permitted: input.uid === 0 ? caps : [],
    },
    rlimits,
    noNewPrivileges: input.noNewPrivileges || !input.privileged,
    oomScoreAdj: 0,
  };
}

/** The whole config.json. */
export function buildSpec(input: SpecInput): Record<string, unknown> {
  const caps = effectiveCapabilities(input);
  const privileged = input.privileged ?? false;
  const x = input.extra ?? {};
  const ns = (type: string, v: string | undefined): { type: string; path?: string }[] =>
    v === 'host' ? [] : v ? [{ type, path: v }] : [{ type }];
  const namespaces: { type: string; path?: string }[] = [
    ...ns('pid', x.pidNs),
    ...ns('ipc', x.ipcNs ?? input.ipcPath),
    ...(x.utsHost ? [] : ns('uts', input.utsPath)),
    { type: 'mount' },
    { type: 'cgroup' },
  ];
  if (input.network !== 'host') namespaces.push(input.netnsPath ? { type: 'network', path: input.netnsPath } : { type: 'network' });
  const sysOpts = ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'];
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    // sysfs can be mounted only by the owner of the network namespace: rootless on the host's
    // network (a build's RUN, --network host), the host's /sys is bound instead, as podman does.
    isRootless() && input.network === 'host'
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', ...sysOpts] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: sysOpts },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...sysOpts, 'relatime'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    x.shmSource
      ? { destination: '/dev/shm', type: 'bind', source: x.shmSource, options: ['rbind', 'rprivate', 'rw'] }
      : {
          destination: '/dev/shm',
          type: 'tmpfs',
          source: 'shm',
          options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${Math.ceil((x.shmBytes ?? 65536 * 1024) / 1024)}k`],
        },
    ...(input.mounts ?? []),
  ];
  const resources: Record<string, unknown> = {
    // Deny device nodes beyond the standard set runc adds: no mknod of disks, no raw devices.
    devices: privileged ? [{ allow: true, access: 'rwm' }] : [{ allow: false, access: 'rwm' }, ...(x.deviceRules ?? [])],
  };
  Object.assign(resources, specResources(input));
  if (input.pidsLimit !== undefined && input.pidsLimit > 0) resources.pids = { limit: input.pidsLimit };
  // Rootless (dockui's user namespace): runc cannot make cgroups on cgroup v1 (nor without a
  // delegated v2 subtree), so the spec asks for none; the limits were refused at create.
  const rootless = isRootless();
  const seccomp: unknown = privileged || x.seccomp === 'unconfined' ? undefined : (x.seccomp ?? defaultSeccompProfile(caps));
  return {
    ociVersion: '1.0.2-dev',
    process: processSpec({
      ...input,
      caps,
      privileged,
      ...(x.rlimits ? { rlimits: x.rlimits } : {}),
      ...(x.noNewPrivileges ? { noNewPrivileges: true } : {}),
    }),
    root: { path: input.rootfs, readonly: input.readOnly ?? false },
    // runc sets no hostname without a UTS namespace of its own (--uts host).
    ...(x.utsHost ? {} : { hostname: input.hostname }),
    mounts,
    linux: {
      namespaces,
      ...(x.devices?.length ? { devices: x.devices } : {}),
      ...(x.sysctl ? { sysctl: x.sysctl } : {}),
      ...(input.cgroupsPath && !rootless ? { cgroupsPath: input.cgroupsPath } : {}),
      ...(rootless && !cgroupV2() ? {} : { resources }),
      ...(privileged ? {} : { maskedPaths, readonlyPaths }),
      ...(seccomp ? { seccomp } : {}),
    },
  };
}
