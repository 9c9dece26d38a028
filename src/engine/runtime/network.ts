// Networking. "none": a network namespace with only loopback. "host": the host's stack.
// "private" (the default): a persistent network namespace (a bind-mounted nsfs file under
// RUNROOT/netns, made before the container so ports can be bound before anything starts)
// served by slirp4netns: user-mode NAT for outbound traffic and its API socket for published
// ports on the host. The netns and slirp4netns outlive dockui with the container.
import type { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { rm } from '../util/fsa.js';
import { dirname, join, resolve } from 'node:path';
import { childProcess, net } from '../util/builtin.js';
import { EngineError, type PortMapping } from '../define.js';
import { pidAlive } from '../store/lock.js';
import { findExecutable } from './oci-runtime.js';
import { unmount } from './rootfs.js';
import { dockuiBin } from './support.js';

// 'bridge': dockui networks (network/bridge.ts), named in the record's `networks`.
// 'container': Docker's `--network container:X` (and podman's pods): the network, IPC and UTS
// namespaces of the container named in the record's `nsOwner` are joined, not made.
export type NetworkMode = 'none' | 'host' | 'private' | 'bridge' | 'container';

export function parseNetworkMode(s: string | undefined): NetworkMode {
  if (s === undefined || s === '' || s === 'private' || s === 'bridge' || s === 'default' || s === 'slirp4netns') return 'private';
  if (s === 'none' || s === 'host') return s;
  throw new EngineError('invalid_argument', `unknown network: ${s} (use none, host or private)`);
}

const ipv4Re = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parsePort(s: string, spec: string, min = 1): number {
  if (!/^\d{1,5}$/.test(s)) throw new EngineError('invalid_argument', `invalid port ${JSON.stringify(s)} in -p ${spec}`);
  const n = Number(s);
  if (n < min || n > 65535) throw new EngineError('invalid_argument', `port out of range (${min}-65535): ${s} in -p ${spec}`);
  return n;
}

/**
 * `[ip:]hostPort:ctrPort[/tcp|udp]` or `ctrPort[/proto]`; an IPv6 address in brackets
 * ([::1]:8080:80). A host port of 0 or none: a random free one (hostPort 0), as dockerd does.
 */
export function parsePublish(spec: string): PortMapping {
  return parsePublishSpec(spec).mapping;
}

/** The host has IPv6 (an address in /proc/net/if_inet6, ::1 on lo at least). */
export function hostHasIpv6(): boolean {
  try {
    return readFileSync('/proc/net/if_inet6', 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

/**
 * -p's mappings as dockerd 20.10 publishes them: one with no host IP on 0.0.0.0 and, when the
 * host has IPv6, on :: at the same host port (`port` and ps show both, inspect too).
 */
export function publishMappings(spec: string, v6 = hostHasIpv6()): PortMapping[] {
  const { mapping, anyIp } = parsePublishSpec(spec);
  return anyIp && v6 ? [mapping, { ...mapping, hostIp: '::', v6Twin: true }] : [mapping];
}

/** Host ports for these mappings: a random one (0) picked free on v4 and v6 alike for a pair. */
export async function assignHostPorts(ports: readonly PortMapping[]): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  for (const [i, p] of ports.entries()) {
    const prev = out[i - 1];
    if (p.v6Twin && prev) out.push({ ...p, hostPort: prev.hostPort });
    else if (p.hostPort !== 0) out.push(p);
    else out.push({ ...p, hostPort: await freePort(ports[i + 1]?.v6Twin ? '::' : p.hostIp) });
  }
  return out;
}

function parsePublishSpec(spec: string): { mapping: PortMapping; anyIp: boolean } {
  let rest = spec.trim();
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp')
      throw new EngineError('invalid_argument', `invalid protocol ${JSON.stringify(p)} in -p ${spec} (tcp or udp)`);
    protocol = p;
    rest = rest.slice(0, slash);
  }
  let hostIp = '0.0.0.0';
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (v6) {
    if (net().isIPv6(v6[1]!) && !v6[1]!.includes('%')) hostIp = v6[1]!;
    else throw new EngineError('invalid_argument', `invalid host IP ${JSON.stringify(v6[1])} in -p ${spec}`);
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  let hostPort = 0;
  let ctr: string;
  if (parts.length === 1 && !v6) ctr = parts[0]!;
  else if (parts.length === 2) {
    hostPort = parts[0] === '' ? 0 : parsePort(parts[0]!, spec, 0);
    ctr = parts[1]!;
  } else if (parts.length === 3 && !v6) {
    hostIp = parts[0]!;
    const m = ipv4Re.exec(hostIp);
    if (!m || m.slice(1).some((o) => Number(o) > 255))
      throw new EngineError('invalid_argument', `invalid host IP ${JSON.stringify(hostIp)} in -p ${spec}`);
    hostPort = parts[1] === '' ? 0 : parsePort(parts[1]!, spec, 0);
    ctr = parts[2]!;
  } else throw new EngineError('invalid_argument', `invalid port spec: -p ${spec} (use [IP:]HOST:CONTAINER[/PROTO])`);
  const anyIp = !v6 && parts.length < 3;
  return { mapping: { hostIp, hostPort, containerPort: parsePort(ctr, spec), protocol }, anyIp };
}

/** A free port on the host for this protocol (the kernel picks it). */
export async function freePort(hostIp: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net().createServer();
    srv.once('error', reject);
    srv.listen(0, hostIp, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PrivateNetwork {
  readonly netnsPath: string;
  readonly slirpPid: number;
  readonly apiSocket: string;
}

export function netnsPath(runRoot: string, id: string): string {
  return join(runRoot, 'netns', id);
}

/**
 * Creates the persistent netns for a container: an nsfs bind mount held by a file. `fifo`: a
 * FIFO made by the same process (mkfifo instead of true: no second exec; Node cannot make one).
 */
export function createNetns(path: string, fifo?: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  closeSync(openSync(path, 'w'));
  const unshare = findExecutable('unshare');
  if (!unshare) throw new EngineError('failed_precondition', 'unshare (util-linux) is missing: it is needed for container networks');
  const then = fifo ? [findExecutable('mkfifo') ?? 'mkfifo', '-m', '600', fifo] : ['true'];
  const r = childProcess().spawnSync(unshare, [`--net=${path}`, ...then], { encoding: 'utf8' });
  if (r.status !== 0) throw new EngineError('failed_precondition', `cannot create a network namespace: ${(r.stderr || '').trim()}`);
}

/** Sends one request on slirp4netns's API socket and returns its parsed reply. */
function slirpApi(socket: string, request: object): Promise<{ return?: unknown; error?: { desc?: string } }> {
  return new Promise((resolve, reject) => {
    const c = net().createConnection(socket);
    let buf = '';
    c.on('connect', () => c.end(JSON.stringify(request)));
    c.on('data', (d: Buffer) => (buf += d.toString()));
    c.on('error', (e) => reject(new EngineError('unavailable', `slirp4netns API: ${e.message}`, { cause: e })));
    c.on('close', () => {
      try {
        resolve(JSON.parse(buf) as { return?: unknown; error?: { desc?: string } });
      } catch {
        reject(new EngineError('internal', `slirp4netns API: unreadable reply ${JSON.stringify(buf.slice(0, 200))}`));
      }
    });
  });
}

/**
 * slirp4netns needs /dev/net/tun (a tap device in the container's netns): missing, or not
 * openable by this user (rootless), is one line saying what to change, before anything is made.
 */
function checkTun(): void {
  try {
    closeSync(openSync('/dev/net/tun', 'r+'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const fix =
      code === 'ENOENT'
        ? 'it is missing (as root: mkdir -p /dev/net && mknod /dev/net/tun c 10 200 && chmod 0666 /dev/net/tun)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'your user cannot open it (as root: chmod 0666 /dev/net/tun)'
          : `it cannot be opened (${code ?? (e as Error).message})`;
    throw new EngineError('failed_precondition', `the default network needs /dev/net/tun: ${fix}; or use --network none|host`);
  }
}

/**
 * A private network on its way: the netns is there (a container may be created in it) and
 * slirp4netns is starting. `ready` settles once slirp4netns serves and the ports are published;
 * on a failure it rejects after everything made was torn down. It is marked handled, so a caller
 * may await it later (after starting runc, say) without an unhandled rejection meanwhile.
 */
export interface PendingNetwork extends PrivateNetwork {
  readonly ready: Promise<void>;
}

/**
 * Starts a private network: netns, slirp4netns (detached, so it outlives dockui) and then the
 * published ports. Resolves as soon as slirp4netns is spawned; see PendingNetwork. `fifo`: made
 * with the netns (for the caller's readiness hand-off, see holdUntilReady).
 */
export async function startPrivateNetwork(opts: {
  runRoot: string;
  id: string;
  ports: readonly PortMapping[];
  logFile: string;
  fifo?: string;
  /**
   * Run before a failed network is taken down: the caller stops what would use the netns. An
   * attached start's `runc run` must be gone first: its init, joining a netns just removed, fails
   * and runc prints its own error ("can't get final child's PID") beside the network's line.
   */
  beforeTeardown?: () => Promise<void>;
}): Promise<PendingNetwork> {
  const slirp = findExecutable('slirp4netns');
  if (!slirp)
    throw new EngineError('failed_precondition', 'slirp4netns is not installed (apt-get install slirp4netns); or use --network none|host');
  checkTun();
  const path = netnsPath(opts.runRoot, opts.id);
  const apiSocket = join(opts.runRoot, 'net', `${opts.id.slice(0, 32)}.sock`);
  mkdirSync(join(apiSocket, '..'), { recursive: true });
  let slirpPid = 0;
  const undo = async (e: unknown): Promise<never> => {
    await opts.beforeTeardown?.().catch(() => undefined);
    await teardownNetwork({ runRoot: opts.runRoot, id: opts.id, slirpPid, apiSocket });
    throw e;
  };
  let child: ReturnType<typeof spawn>;
  try {
    createNetns(path, opts.fifo);
    const log = openSync(opts.logFile, 'a');
    child = childProcess().spawn(
      slirp,
      [
        '--configure',
        '--mtu=65520',
        '--disable-host-loopback',
        '--api-socket',
        apiSocket,
        '--ready-fd',
        '3',
        '--netns-type=path',
        path,
        'tap0',
      ],
      { detached: true, stdio: ['ignore', log, log, 'pipe'] },
    );
    closeSync(log);
    slirpPid = child.pid ?? 0;
  } catch (e) {
    return undo(e);
  }
  const ready = (async () => {
    await new Promise<void>((resolve, reject) => {
      const readyFd = child.stdio[3] as NodeJS.ReadableStream;
      const fail = (why: string) => reject(new EngineError('failed_precondition', `slirp4netns failed: ${why}`));
      readyFd.on('data', () => resolve());
      child.once('error', (e) => fail(e.message));
      child.once('exit', (code) => fail(`exited with ${code} (see ${opts.logFile})`));
    });
    (child.stdio[3] as NodeJS.ReadableStream & { destroy(): void }).destroy();
    child.removeAllListeners();
    child.unref();
    for (const p of opts.ports) {
      // slirp4netns binds IPv4 host addresses only: an IPv6 one is served by a port proxy
      // relaying to slirp4netns' own forward on a free loopback port.
      const v6 = p.hostIp.includes(':');
      const hostPort = v6 ? await freePort('127.0.0.1') : p.hostPort;
      const reply = await slirpApi(apiSocket, {
        execute: 'add_hostfwd',
        arguments: { proto: p.protocol, host_addr: v6 ? '127.0.0.1' : p.hostIp, host_port: hostPort, guest_port: p.containerPort },
      });
      if (reply.error)
        throw new EngineError(
          'conflict',
          /address already in use|bind|slirp_add_hostfwd failed/i.test(reply.error.desc ?? '')
            ? allocated(p)
            : `cannot publish ${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}: ${reply.error.desc ?? 'refused'}`,
        );
      if (v6) await startPortProxy(opts, p, hostPort, slirpPid);
    }
  })().catch(undo);
  ready.catch(() => undefined);
  return { netnsPath: path, slirpPid, apiSocket, ready };
}

/** dockerd's words for a host port taken (its port allocator's, v4 and v6 alike). */
const allocated = (p: PortMapping): string => `Bind for ${p.hostIp}:${p.hostPort} failed: port is already allocated`;

/** The port proxies' pids of this container's network, one a line (teardownNetwork ends them). */
const proxiesFile = (runRoot: string, id: string) => join(runRoot, 'net', `${id.slice(0, 32)}.proxies`);

/** Starts port-proxy.js for `p` (an IPv6 host address) toward slirp4netns' forward on 127.0.0.1:local. */
async function startPortProxy(
  opts: { runRoot: string; id: string; logFile: string },
  p: PortMapping,
  local: number,
  slirpPid: number,
): Promise<void> {
  const script = resolve(dirname(dockuiBin), '../dist/engine/network/port-proxy.js');
  const log = openSync(opts.logFile, 'a');
  const child = childProcess().spawn(
    process.execPath,
    [script, p.protocol, p.hostIp, String(p.hostPort), String(local), String(slirpPid)],
    {
      detached: true,
      stdio: ['ignore', log, log, 'pipe'],
    },
  );
  closeSync(log);
  const said = await new Promise<string>((res) => {
    let out = '';
    const fd3 = child.stdio[3] as NodeJS.ReadableStream;
    fd3.on('data', (d: Buffer) => (out += d.toString()));
    fd3.on('end', () => res(out));
    child.once('error', (e) => res(e.message));
  });
  child.removeAllListeners();
  child.unref();
  if (said !== 'ok')
    throw new EngineError(
      'conflict',
      said === 'EADDRINUSE'
        ? allocated(p)
        : `cannot publish ${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}: ${said || 'the port proxy did not start'}`,
    );
  appendFileSync(proxiesFile(opts.runRoot, opts.id), `${child.pid}\n`);
}

/** startPrivateNetwork, and waits until it is ready. */
export async function setupPrivateNetwork(opts: {
  runRoot: string;
  id: string;
  ports: readonly PortMapping[];
  logFile: string;
}): Promise<PrivateNetwork> {
  const n = await startPrivateNetwork(opts);
  await n.ready;
  return { netnsPath: n.netnsPath, slirpPid: n.slirpPid, apiSocket: n.apiSocket };
}

/** Stops slirp4netns (only when the pid is still slirp4netns) and removes the netns. Idempotent. */
export async function teardownNetwork(opts: { runRoot: string; id: string; slirpPid?: number; apiSocket?: string }): Promise<void> {
  if (opts.slirpPid && pidAlive(opts.slirpPid) && isSlirp(opts.slirpPid)) {
    try {
      process.kill(opts.slirpPid, 'SIGTERM');
    } catch {
      /* gone meanwhile */
    }
  }
  const proxies = proxiesFile(opts.runRoot, opts.id);
  for (const pid of (existsSync(proxies) ? readFileSync(proxies, 'utf8') : '').split('\n').map(Number))
    if (pid && isProxy(pid))
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone meanwhile */
      }
  await rm(proxies, { force: true });
  const path = netnsPath(opts.runRoot, opts.id);
  unmount(path);
  await rm(path, { force: true });
  if (opts.apiSocket) await rm(opts.apiSocket, { force: true });
}

function isProxy(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('port-proxy.js');
  } catch {
    return false;
  }
}

function isSlirp(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'slirp4netns';
  } catch {
    return false;
  }
}

/** /etc/hosts for a container. */
export function hostsFile(hostname: string, mode: NetworkMode, address?: string): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  if (address) lines.push(`${address}\t${hostname}`);
  else if (mode === 'private') lines.push(`10.0.2.100\t${hostname}`);
  else lines.push(`127.0.1.1\t${hostname}`);
  return lines.join('\n') + '\n';
}

/** resolv.conf: slirp4netns's DNS forwarder on the private network, the host's otherwise. */
export function resolvConf(mode: NetworkMode, hostResolv: string, nameserver?: string): string {
  if (nameserver) return `nameserver ${nameserver}\n`;
  if (mode === 'private') return 'nameserver 10.0.2.3\n';
  // A loopback resolver (systemd-resolved) is unreachable from a private netns, fine on host.
  return hostResolv || 'nameserver 127.0.0.1\n';
}
