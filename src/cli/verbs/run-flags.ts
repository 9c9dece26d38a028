// run/create's further flags in Docker's words (docker 20.10's `run --help`), turned into the
// facade's RunOptions; --pull and --platform decide what createPulling pulls.
import { existsSync } from 'node:fs';
import { EngineError, isEngineError } from '../../engine/define.js';
import type { RunOptions } from '../../engine/types.js';
import { type ContainerEngine, type ContainerReport, tryParseReference } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import * as values from './run-values.js';

export const extraFlags = {
  'add-host': { value: true, multi: true, help: 'Add a custom host-to-IP mapping (host:ip)' },
  'cpu-shares': { short: 'c', value: true, type: 'int', help: 'CPU shares (relative weight)' },
  device: { value: true, multi: true, help: 'Add a host device to the container' },
  dns: { value: true, multi: true, help: 'Set custom DNS servers' },
  'dns-option': { value: true, multi: true, help: 'Set DNS options' },
  'dns-search': { value: true, multi: true, help: 'Set custom DNS search domains' },
  expose: { value: true, multi: true, help: 'Expose a port or a range of ports' },
  gpus: { value: true, multi: true, type: 'gpu-request', help: "GPU devices to add to the container ('all' to pass all GPUs)" },
  'group-add': { value: true, multi: true, help: 'Add additional groups to join' },
  ipc: { value: true, type: 'string', help: 'IPC mode to use' },
  'log-driver': { value: true, type: 'string', help: 'Logging driver for the container' },
  'memory-reservation': { value: true, type: 'bytes', help: 'Memory soft limit' },
  'memory-swap': { value: true, type: 'bytes', help: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  mount: { value: true, multi: true, type: 'mount', help: 'Attach a filesystem mount to the container' },
  'network-alias': { value: true, multi: true, help: 'Add network-scoped alias for the container' },
  pid: { value: true, type: 'string', help: 'PID namespace to use' },
  platform: { value: true, type: 'string', help: 'Set platform if server is multi-platform capable' },
  pull: { value: true, type: 'string', help: 'Pull image before running ("always"|"missing"|"never") (default "missing")' },
  'security-opt': { value: true, multi: true, help: 'Security Options' },
  'shm-size': { value: true, type: 'bytes', help: 'Size of /dev/shm' },
  'stop-timeout': { value: true, type: 'int', help: 'Timeout (in seconds) to stop a container' },
  sysctl: { value: true, multi: true, type: 'map', help: 'Sysctl options (default map[])' },
  ulimit: { value: true, multi: true, type: 'ulimit', help: 'Ulimit options (default [])' },
  uts: { value: true, type: 'string', help: 'UTS namespace to use' },
  'volumes-from': { value: true, multi: true, help: 'Mount volumes from the specified container(s)' },
} as const;

type ExtraFlags = {
  readonly [K in keyof typeof extraFlags]?: (typeof extraFlags)[K] extends { multi: true } ? string[] : string;
};

const builtinNetworks = ['', 'private', 'bridge', 'default', 'slirp4netns', 'none', 'host'];

/** These flags' values as docker's flag types check them (run-values.ts): a flag error, exit 125. */
export function checkExtraValues(f: ExtraFlags): void {
  for (const h of f['add-host'] ?? []) values.checkExtraHost(h);
  for (const d of f.dns ?? []) values.dnsFlag(d);
  for (const d of f['dns-search'] ?? []) values.dnsSearchFlag(d);
  if (f['shm-size'] !== undefined) values.ramInBytes(f['shm-size'], '--shm-size');
  for (const s of f.sysctl ?? []) values.checkSysctl(s);
  for (const u of f.ulimit ?? []) values.checkUlimit(u);
  if (f['stop-timeout'] !== undefined) values.intFlag(f['stop-timeout'], '--stop-timeout');
  if (f['memory-reservation'] !== undefined) values.ramInBytes(f['memory-reservation'], '--memory-reservation');
  if (f['memory-swap'] !== undefined) values.memSwapFlag(f['memory-swap']);
  if (f['cpu-shares'] !== undefined) values.intFlag(f['cpu-shares'], '-c, --cpu-shares');
  for (const g of f.gpus ?? []) values.gpusFlag(g);
  for (const m of f.mount ?? []) values.checkMount(m);
}

/** What docker's parse() refuses of these flags, in its order, after -p: a flag error, exit 125. */
export function checkExtraSpecs(f: ExtraFlags & { readonly 'log-opt'?: readonly string[] }): void {
  for (const e of f.expose ?? []) values.checkExpose(e);
  for (const d of f.device ?? []) values.checkDevice(d);
  values.checkLogOpts(f['log-driver'], f['log-opt']);
  for (const o of f['security-opt'] ?? []) values.checkSecurityOpt(o);
  values.checkNamespaceModes(f.pid, f.uts);
}

/** The RunOptions of these flags; `network`: what --network said (aliases need a user network). */
export function extraOptions(f: ExtraFlags, network: string | undefined): Partial<RunOptions> {
  const out: { -readonly [K in keyof RunOptions]?: RunOptions[K] } = {};
  const list = <K extends keyof RunOptions>(key: K, v: string[] | undefined) => {
    if (v?.length) (out as Record<string, unknown>)[key] = v;
  };
  list('addHosts', f['add-host']);
  list('dns', f.dns?.map(values.dnsFlag));
  list('dnsSearch', f['dns-search']?.map(values.dnsSearchFlag));
  list('dnsOptions', f['dns-option']);
  list('mounts', f.mount);
  list('ulimits', f.ulimit);
  list('securityOpt', f['security-opt']);
  list('devices', f.device);
  list('expose', f.expose);
  list('groupAdd', f['group-add']);
  list('sysctls', f.sysctl);
  list('volumesFrom', f['volumes-from']);
  // In bytes, as docker sends it; 0 is the default size (dockerd's 64m).
  const shm = f['shm-size'] !== undefined ? values.ramInBytes(f['shm-size'], '--shm-size') : 0;
  if (shm) out.shmSize = String(shm);
  if (f['log-driver'] !== undefined) out.logDriver = f['log-driver'];
  if (f.pid !== undefined) out.pid = f.pid;
  if (f.ipc !== undefined) out.ipc = f.ipc;
  if (f.uts !== undefined) out.uts = f.uts;
  if (f['stop-timeout'] !== undefined) out.stopTimeout = values.intFlag(f['stop-timeout'], '--stop-timeout');
  // Sizes in bytes and a weight, as docker sends them; 0 is "not set" (dockerd's defaults).
  const swap = f['memory-swap'] !== undefined ? values.memSwapFlag(f['memory-swap']) : 0;
  if (swap) out.memorySwap = swap;
  const reservation = f['memory-reservation'] !== undefined ? values.ramInBytes(f['memory-reservation'], '--memory-reservation') : 0;
  if (reservation) out.memoryReservation = reservation;
  const shares = f['cpu-shares'] !== undefined ? values.intFlag(f['cpu-shares'], '-c, --cpu-shares') : 0;
  if (shares) out.cpuShares = shares;
  if (f.gpus?.length) out.deviceRequests = f.gpus.map(values.gpusFlag);
  // docker's parseNetworkOpts: aliases only on a user-defined network; without --network they
  // go to no endpoint (the default network's container has none) and are dropped.
  if (f['network-alias']?.length && network !== undefined) {
    if (builtinNetworks.includes(network) || network.startsWith('container:'))
      throw new EngineError('invalid_argument', 'network-scoped aliases are only supported for user-defined networks');
    out.networks = [{ name: network, aliases: f['network-alias'] }];
  }
  return out;
}

export type PullPolicy = 'always' | 'missing' | 'never';

export function pullPolicy(f: ExtraFlags): PullPolicy {
  const p = f.pull ?? 'missing';
  if (p !== 'always' && p !== 'missing' && p !== 'never')
    throw new EngineError('invalid_argument', `invalid pull option: '${p}': must be one of "always", "missing" or "never"`);
  return p;
}

const hostArch = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', ia32: '386' } as Record<string, string>)[
  process.arch
]!;

/** "linux/arm64/v8", "arm64" → { os, arch, variant }; this host's platform when nothing is asked. */
export function parsePlatform(p: string): { os: string; architecture: string; variant?: string; text: string } {
  const parts = p.toLowerCase().split('/');
  const [os, architecture, variant] = parts.length === 1 ? ['linux', parts[0]!] : parts;
  if (!os || !architecture || parts.length > 3 || !/^[a-z0-9_]+$/.test(architecture))
    throw new EngineError('invalid_argument', `invalid platform ${JSON.stringify(p)}: use OS/ARCH[/VARIANT], e.g. linux/amd64`);
  const arch = { x86_64: 'amd64', x86: '386', aarch64: 'arm64' }[architecture] ?? architecture;
  return { os, architecture: arch, ...(variant ? { variant } : {}), text: [os, arch, variant].filter(Boolean).join('/') };
}

export const hostPlatform = `linux/${hostArch}`;

/** A run of another platform's image: the kernel execs it only through a binfmt_misc handler. */
export function foreignPlatformWarning(platform: string, binfmt: (arch: string) => boolean): string | undefined {
  const p = parsePlatform(platform);
  if (`${p.os}/${p.architecture}` === hostPlatform || binfmt(p.architecture)) return undefined;
  return `WARNING: The requested image's platform (${p.text}) does not match the detected host platform (${hostPlatform}) and no binfmt_misc handler for it is registered: programs built for it will fail with "exec format error"`;
}

const qemuArch: Record<string, string> = {
  arm64: 'aarch64',
  arm: 'arm',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  '386': 'i386',
};
const binfmtRegistered = (arch: string) => existsSync(`/proc/sys/fs/binfmt_misc/qemu-${qemuArch[arch] ?? arch}`);

/**
 * create, pulling the image as docker run does: --pull missing (the default) when the store does
 * not have it, always before the create, never not at all; --platform: the store's image must be
 * that platform's, else that platform's image is pulled (a warning when this host cannot run it).
 */
export async function createPulling(ctx: CliContext, c: ContainerEngine, opts: RunOptions, f: ExtraFlags): Promise<ContainerReport> {
  const policy = pullPolicy(f);
  const platform = f.platform !== undefined ? parsePlatform(f.platform) : undefined;
  const pull = async () => {
    await ctx.engine.images.pull(opts.image, { signal: ctx.signal, ...(platform ? { platform: platform.text } : {}) });
  };
  if (platform) {
    const warning = foreignPlatformWarning(platform.text, binfmtRegistered);
    if (warning) ctx.stderr.write(`${warning}\n`);
  }
  if (policy === 'always') await pull();
  else if (platform) {
    const local = await ctx.engine.images.inspect(opts.image).catch(() => undefined);
    const actual = local ? `${local.os}/${local.architecture}` : undefined;
    if (actual !== undefined && actual !== `${platform.os}/${platform.architecture}`) {
      if (policy === 'never')
        throw new EngineError(
          'not_found',
          `image with reference ${opts.image} was found but does not match the specified platform: wanted ${platform.text}, actual: ${actual}`,
        );
      await pull();
    }
  }
  try {
    return await c.create(opts);
  } catch (e) {
    if (!isEngineError(e) || e.code !== 'not_found' || !/image/i.test(e.message) || policy !== 'missing') {
      if (policy === 'never' && isEngineError(e) && e.code === 'not_found' && /image/i.test(e.message))
        throw new EngineError('not_found', `No such image: ${tryParseReference(opts.image)?.familiar() ?? opts.image}`);
      throw e;
    }
    // docker's words: the name with its tag (busybox:latest), as the pull will look for it.
    ctx.stderr.write(`Unable to find image '${tryParseReference(opts.image)?.familiar() ?? opts.image}' locally\n`);
    await pull();
    return await c.create(opts);
  }
}
