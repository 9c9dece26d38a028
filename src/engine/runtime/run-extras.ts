// Docker's further run/create flags: --add-host, --dns*, --ulimit, --security-opt, --device,
// --shm-size, --stop-timeout, --log-driver, --expose, --group-add, --sysctl, --pid, --ipc, --uts
// and --volumes-from. checkExtras() checks what the user typed before anything is made and keeps
// it in the record as Docker's HostConfig/Config fields (what inspect shows); the bundle reads
// them back when it writes /etc/hosts, /etc/resolv.conf and config.json.
import { readFileSync, statSync } from 'node:fs';
import { net } from '../util/builtin.js';
import { isAbsolute, normalize } from 'node:path';
import { EngineError, namespacedSysctl } from '../define.js';
import type { RunOptions } from '../types.js';
import type { ContainerRecord, MountRecord } from './records.js';
import { byteSize } from './mount-flag.js';
import { dockerSeccomp } from './seccomp-file.js';

export interface Ulimit {
  readonly Name: string;
  readonly Soft: number;
  readonly Hard: number;
}
export interface DeviceMapping {
  readonly PathOnHost: string;
  readonly PathInContainer: string;
  readonly CgroupPermissions: string;
}

/** The record's copy of run's further flags, in Docker's field names. */
export interface RunExtras {
  readonly ExtraHosts?: readonly string[];
  readonly Dns?: readonly string[];
  readonly DnsSearch?: readonly string[];
  readonly DnsOptions?: readonly string[];
  readonly Ulimits?: readonly Ulimit[];
  readonly SecurityOpt?: readonly string[];
  readonly Devices?: readonly DeviceMapping[];
  readonly ShmSize?: number;
  readonly GroupAdd?: readonly string[];
  readonly Sysctls?: Readonly<Record<string, string>>;
  /** "host", "container:<id>" or absent (its own). */
  readonly PidMode?: string;
  /** "host", "private", "shareable", "container:<id>"; absent: private. */
  readonly IpcMode?: string;
  readonly UTSMode?: string;
  readonly VolumesFrom?: readonly string[];
  readonly LogDriver?: string;
  readonly StopTimeout?: number;
  /** Config.ExposedPorts keys ("80/tcp"): the image's and --expose's. */
  readonly ExposedPorts?: readonly string[];
  /** seccomp=FILE: the profile in the OCI form runc reads (converted at create). */
  readonly seccompProfile?: unknown;
}

const logDrivers = ['json-file', 'k8s-file', 'local', 'none'];

/** /proc/self/limits' row for each of Docker's --ulimit names. */
const limitRows: Record<string, string> = {
  core: 'Max core file size',
  cpu: 'Max cpu time',
  data: 'Max data size',
  fsize: 'Max file size',
  locks: 'Max file locks',
  memlock: 'Max locked memory',
  msgqueue: 'Max msgqueue size',
  nice: 'Max nice priority',
  nofile: 'Max open files',
  nproc: 'Max processes',
  rss: 'Max resident set',
  rtprio: 'Max realtime priority',
  rttime: 'Max realtime timeout',
  sigpending: 'Max pending signals',
  stack: 'Max stack size',
};

/** The host's hard limit for this --ulimit name (Infinity: unlimited). */
export function hostHardLimit(name: string): number {
  const row = limitRows[name]!;
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(row));
  const hard = line?.slice(row.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? Infinity : Number(hard);
}

/**
 * One NAME=SOFT[:HARD] checked as docker checks --ulimit (and this host's hard limits): the limit,
 * or why not in words that name no flag — `--ulimit` and Compose's `ulimits:` (file:line) each
 * say where it came from.
 */
export function ulimitOf(spec: string): Ulimit | { readonly why: string; readonly host?: true } {
  const m = /^([a-z]+)=(-?\d+|unlimited)(?::(-?\d+|unlimited))?$/.exec(spec.trim());
  if (!m) return { why: 'use NAME=SOFT[:HARD]' };
  const name = m[1]!;
  if (!limitRows[name]) return { why: `invalid ulimit type: ${name}` };
  const num = (v: string) => (v === 'unlimited' || v === '-1' ? -1 : Number(v));
  const soft = num(m[2]!);
  const hard = m[3] === undefined ? soft : num(m[3]);
  if (soft < -1 || hard < -1) return { why: 'a limit is a number, or -1 / unlimited' };
  if (hard !== -1 && (soft === -1 || soft > hard))
    return { why: `ulimit soft limit must be less than or equal to hard limit: ${m[2]} > ${m[3]}` };
  const host = hostHardLimit(name);
  if ((hard === -1 ? Infinity : hard) > host)
    return {
      why: `${name}=${m[3] ?? m[2]} is above this host's hard limit for ${name} (${host}): the container could not start`,
      host: true,
    };
  return { Name: name, Soft: soft, Hard: hard };
}

function parseUlimit(spec: string): Ulimit {
  const u = ulimitOf(spec);
  if (!('why' in u)) return u;
  const msg = u.host ? `--ulimit ${u.why}` : `invalid argument ${JSON.stringify(spec)} for "--ulimit" flag: ${u.why}`;
  throw new EngineError('invalid_argument', msg);
}

/** Docker's security options ("key=value", the older "key:value" too), checked and normalized. */
function parseSecurityOpt(spec: string, out: { nnp?: boolean; seccomp?: string }): string {
  const i = spec.search(/[=:]/);
  const key = i === -1 ? spec : spec.slice(0, i);
  const value = i === -1 ? undefined : spec.slice(i + 1);
  const bad = () => new EngineError('invalid_argument', `invalid --security-opt: ${JSON.stringify(spec)}`);
  if (key === 'no-new-privileges') {
    if (value !== undefined && !['true', 'false'].includes(value)) throw bad();
    out.nnp = value !== 'false';
    return value === undefined ? key : `${key}=${value}`;
  }
  if (key === 'seccomp' && value) {
    out.seccomp = value;
    return value === 'unconfined' ? 'seccomp=unconfined' : `seccomp=${value}`;
  }
  // dockui loads no AppArmor profile and sets no SELinux label: these ask for what it does.
  if (key === 'apparmor' && value === 'unconfined') return 'apparmor=unconfined';
  if (key === 'label' && value === 'disable') return 'label=disable';
  if (key === 'apparmor' || key === 'label')
    throw new EngineError(
      'invalid_argument',
      `--security-opt ${spec}: dockui loads no AppArmor profile and sets no SELinux label (only apparmor=unconfined, label=disable)`,
    );
  throw bad();
}

function parseDevice(spec: string): DeviceMapping {
  const parts = spec.split(':');
  let perms = 'rwm';
  if (parts.length > 1 && /^[rwm]+$/.test(parts[parts.length - 1]!)) perms = parts.pop()!;
  if (parts.length > 2 || parts.some((p) => !p))
    throw new EngineError(
      'invalid_argument',
      `invalid argument ${JSON.stringify(spec)} for "--device" flag: use /dev/HOST[:/dev/CONTAINER][:rwm]`,
    );
  const host = normalize(parts[0]!);
  const ctr = normalize(parts[1] ?? host);
  if (!isAbsolute(host) || !isAbsolute(ctr) || ctr === '/' || ctr === '/dev')
    throw new EngineError('invalid_argument', `invalid device path in --device ${spec}: paths must be absolute`);
  let st;
  try {
    st = statSync(host);
  } catch {
    throw new EngineError(
      'invalid_argument',
      `error gathering device information while adding custom device ${JSON.stringify(host)}: no such file or directory`,
    );
  }
  if (!st.isCharacterDevice() && !st.isBlockDevice())
    throw new EngineError(
      'invalid_argument',
      `error gathering device information while adding custom device ${JSON.stringify(host)}: not a device node`,
    );
  return { PathOnHost: host, PathInContainer: ctr, CgroupPermissions: perms };
}

/** "80", "80/udp", "8000-8002/tcp" → Config.ExposedPorts keys. */
function parseExpose(spec: string): string[] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/i.exec(spec.trim());
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new EngineError('invalid_argument', `invalid range format for --expose: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${lo + i}/${proto}`);
}

function checkIp(ip: string, what: string, spec: string): void {
  if (!net().isIP(ip))
    throw new EngineError('invalid_argument', `invalid argument ${JSON.stringify(spec)} for "${what}" flag: invalid IP address: ${ip}`);
}

/** A `container:X` namespace mode's container, found (and resolved to its id) at create. */
export type FindContainer = (idOrName: string) => Promise<ContainerRecord>;

async function nsMode(flag: string, v: string | undefined, allowed: readonly string[], find: FindContainer): Promise<string | undefined> {
  if (v === undefined || v === '') return undefined;
  if (v.startsWith('container:') && allowed.includes('container')) {
    const owner = await find(v.slice('container:'.length));
    if (flag === '--ipc' && owner.extras?.IpcMode !== 'shareable' && owner.extras?.IpcMode !== 'host')
      throw new EngineError(
        'failed_precondition',
        `cannot join IPC of a non-shareable container ${owner.name} (run it with --ipc shareable)`,
      );
    return `container:${owner.id}`;
  }
  if (!allowed.includes(v))
    throw new EngineError(
      'invalid_argument',
      `${flag} ${v}: invalid mode (use ${allowed.map((a) => (a === 'container' ? 'container:NAME' : a)).join(', ')})`,
    );
  return v;
}

/** Everything the further flags ask, checked; `network`: the run's network mode; `find`: a container by name or id. */
export async function checkExtras(
  opts: RunOptions,
  ctx: { network: string; find: FindContainer },
): Promise<{ extras: RunExtras; volumesFrom: MountRecord[] }> {
  const x: { -readonly [K in keyof RunExtras]: RunExtras[K] } = {};
  const hosts = (opts.addHosts ?? []).map((h) => {
    const i = h.indexOf(':');
    const [name, ip] = i === -1 ? [h, ''] : [h.slice(0, i), h.slice(i + 1)];
    if (!name || !/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/.test(name))
      throw new EngineError(
        'invalid_argument',
        `invalid argument ${JSON.stringify(h)} for "--add-host" flag: bad format for add-host: ${JSON.stringify(h)}`,
      );
    if (ip !== 'host-gateway') checkIp(ip, '--add-host', h);
    return `${name}:${ip}`;
  });
  for (const d of opts.dns ?? []) checkIp(d, '--dns', d);
  for (const o of opts.dnsOptions ?? [])
    if (!/^[a-z0-9-]+(?::[0-9]+)?$/i.test(o)) throw new EngineError('invalid_argument', `invalid --dns-option: ${JSON.stringify(o)}`);
  for (const s of opts.dnsSearch ?? [])
    if (!/^[a-zA-Z0-9.-]+$/.test(s)) throw new EngineError('invalid_argument', `invalid --dns-search: ${JSON.stringify(s)}`);
  const container = ctx.network === 'container';
  if (container && hosts.length)
    throw new EngineError('invalid_argument', 'conflicting options: custom host-to-IP mapping and the network mode');
  if (container && (opts.dns?.length || opts.dnsSearch?.length || opts.dnsOptions?.length))
    throw new EngineError('invalid_argument', 'conflicting options: dns and the network mode');
  if (hosts.length) x.ExtraHosts = hosts;
  if (opts.dns?.length) x.Dns = [...opts.dns];
  if (opts.dnsSearch?.length) x.DnsSearch = [...opts.dnsSearch];
  if (opts.dnsOptions?.length) x.DnsOptions = [...opts.dnsOptions];
  if (opts.ulimits?.length) {
    const byName = new Map(opts.ulimits.map(parseUlimit).map((u) => [u.Name, u]));
    x.Ulimits = [...byName.values()];
  }
  if (opts.securityOpt?.length) {
    const sec: { nnp?: boolean; seccomp?: string } = {};
    x.SecurityOpt = opts.securityOpt.map((s) => parseSecurityOpt(s, sec));
    if (sec.seccomp && sec.seccomp !== 'unconfined') x.seccompProfile = dockerSeccomp(sec.seccomp, opts);
  }
  if (opts.devices?.length) x.Devices = opts.devices.map(parseDevice);
  if (opts.shmSize !== undefined) x.ShmSize = byteSize(opts.shmSize, '--shm-size');
  // Any name, as dockerd takes it: one the image has no group of (even "") fails the start (user.ts).
  if (opts.groupAdd?.length) x.GroupAdd = [...opts.groupAdd];
  x.PidMode = await nsMode('--pid', opts.pid, ['host', 'container'], ctx.find);
  x.IpcMode = (await nsMode('--ipc', opts.ipc, ['host', 'private', 'shareable', 'container'], ctx.find)) ?? 'private';
  x.UTSMode = await nsMode('--uts', opts.uts, ['host'], ctx.find);
  if (container && (opts.ipc || opts.uts))
    throw new EngineError('invalid_argument', 'conflicting options: --ipc/--uts and the network mode (container:X)');
  if (x.UTSMode === 'host' && opts.hostname !== undefined)
    throw new EngineError('invalid_argument', 'conflicting options: hostname and the UTS mode');
  if (opts.sysctls?.length) {
    const out: Record<string, string> = {};
    for (const s of opts.sysctls) {
      const i = s.indexOf('=');
      const key = i === -1 ? '' : s.slice(0, i).replace(/\//g, '.');
      if (!key) throw new EngineError('invalid_argument', `invalid argument ${JSON.stringify(s)} for "--sysctl" flag: use KEY=VALUE`);
      const ns = namespacedSysctl(key);
      if (!ns) throw new EngineError('invalid_argument', `sysctl ${JSON.stringify(key)} is not namespaced: a container cannot set it`);
      if (ns === 'net' && ctx.network === 'host')
        throw new EngineError('invalid_argument', `sysctl ${JSON.stringify(key)} not allowed in host network namespace`);
      if (ns === 'ipc' && x.IpcMode === 'host')
        throw new EngineError('invalid_argument', `sysctl ${JSON.stringify(key)} not allowed with --ipc host`);
      out[key] = s.slice(i + 1);
    }
    x.Sysctls = out;
  }
  if (opts.logDriver !== undefined) {
    if (!logDrivers.includes(opts.logDriver))
      throw new EngineError(
        'invalid_argument',
        `log driver ${JSON.stringify(opts.logDriver)} is not supported: dockui keeps its own log (json-file, k8s-file, local) or none`,
      );
    x.LogDriver = opts.logDriver;
  }
  if (opts.stopTimeout !== undefined) {
    if (!Number.isInteger(opts.stopTimeout) || opts.stopTimeout < -1)
      throw new EngineError('invalid_argument', `invalid --stop-timeout: ${opts.stopTimeout}`);
    x.StopTimeout = opts.stopTimeout;
  }
  // --expose's ports; create adds the image's.
  const exposed = new Set((opts.expose ?? []).flatMap(parseExpose));
  if (exposed.size) x.ExposedPorts = [...exposed];
  const volumesFrom: MountRecord[] = [];
  if (opts.volumesFrom?.length) {
    for (const v of opts.volumesFrom) {
      const m = /^([^:]+)(?::(ro|rw))?$/.exec(v);
      if (!m) throw new EngineError('invalid_argument', `invalid --volumes-from ${JSON.stringify(v)}: use CONTAINER[:ro|rw]`);
      const from = await ctx.find(m[1]!);
      for (const mt of from.mounts) {
        // Secrets and configs are the container's own, as in Docker (and their files go with it).
        if (mt.type === 'tmpfs' || mt.file) continue;
        // The volume stays the source container's: `rm -v` of this one leaves it.
        const { anonymous: _a, ...rest } = mt;
        volumesFrom.push({ ...rest, readOnly: m[2] === 'ro' ? true : m[2] === 'rw' ? false : mt.readOnly });
      }
    }
    x.VolumesFrom = [...opts.volumesFrom];
  }
  return { extras: Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as RunExtras, volumesFrom };
}

/** /etc/hosts' extra lines ("ip\tname"); host-gateway: the host as this network reaches it. */
export function extraHostLines(rec: ContainerRecord): string {
  const gateway = rec.network === 'private' ? '10.0.2.2' : rec.network === 'bridge' ? (rec.networks?.[0]?.gateway ?? '') : '127.0.0.1';
  return (rec.extras?.ExtraHosts ?? [])
    .map((h) => {
      const i = h.indexOf(':');
      const ip = h.slice(i + 1);
      return `${ip === 'host-gateway' ? gateway : ip}\t${h.slice(0, i)}\n`;
    })
    .join('');
}

/**
 * resolv.conf with --dns/--dns-search/--dns-option over `base` (the network's). On a dockui
 * network its resolver stays first (container names keep resolving), the --dns servers after it.
 */
export function resolvWithExtras(rec: ContainerRecord, base: string): string {
  const x = rec.extras;
  if (!x?.Dns && !x?.DnsSearch && !x?.DnsOptions) return base;
  const lines = base.split('\n');
  let servers = lines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]!);
  if (x.Dns) servers = rec.network === 'bridge' ? [...servers, ...x.Dns] : [...x.Dns];
  const search =
    x.DnsSearch ??
    lines
      .find((l) => /^\s*search\s/.test(l))
      ?.trim()
      .split(/\s+/)
      .slice(1) ??
    [];
  const options =
    x.DnsOptions ??
    lines
      .find((l) => /^\s*options\s/.test(l))
      ?.trim()
      .split(/\s+/)
      .slice(1) ??
    [];
  return (
    [
      ...servers.map((s) => `nameserver ${s}`),
      ...(search.length && search[0] !== '.' ? [`search ${search.join(' ')}`] : []),
      ...(options.length ? [`options ${options.join(' ')}`] : []),
    ].join('\n') + '\n'
  );
}
