// dockui's bridge networks: a Linux bridge per network with a /24 from the pool
// (DOCKUI_SUBNET_POOL, default 10.89.0.0/16), the gateway's address on the bridge, and for each
// attached container a veth pair whose inner end is the container's ethN in its own network
// namespace. Each network has its daemon (netd.ts: DNS on the gateway, published ports).
// Records: ROOT/networks/<name>/network.json; leases, names and ports: state.json beside it.
// Containers on different networks cannot reach each other: the host does not forward between
// bridges (no ip_forward, no NAT), and the resolver answers only its own subnet.
import { childProcess, crypto, net } from '../util/builtin.js';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from '../util/fsa.js';
import { dirname, join, resolve } from 'node:path';
import { EngineError, compareText } from '../define.js';
import type { EnginePaths } from '../paths.js';
import { pidAlive, pidEnded } from '../sysx.js';
import { withLock } from '../store/lock.js';
import { isHostRoot } from '../util/userns.js';
import { dockuiBin } from '../runtime/support.js';
import { macOf } from './addr.js';
import { ipToInt, type NetdEntry, type NetdPort, type NetdState } from './netd.js';

export interface NetworkRecord {
  readonly name: string;
  readonly id: string;
  readonly bridge: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly internal: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

/** A container's place on one network (kept in its record). */
export interface NetworkAttachment {
  readonly name: string;
  readonly ip: string;
  readonly gateway: string;
  readonly aliases: readonly string[];
}

export const builtinNetworks = ['none', 'host', 'private', 'bridge', 'default', 'slirp4netns', ''];

const nameRe = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const netDir = (paths: EnginePaths, name: string) => join(paths.root, 'networks', name);
const lockPath = (paths: EnginePaths) => join(paths.root, 'networks', '.lock');
/**
 * Held while a subnet is chosen and its bridge made, across every root on the host: the choice
 * sees other roots' networks only through the host's routes, which appear with the bridge, so two
 * roots creating networks at once both took 10.89.0.0/24 and the second's resolver could not bind
 * its gateway address (seen in the suite, two test files at once). Rootless, the bridges live in
 * the user's own namespace: the user's run root is host enough.
 */
const subnetLockPath = (paths: EnginePaths) => (isHostRoot() ? '/run/lock/dockui-subnets.lock' : join(paths.runRoot, 'subnets.lock'));
const prefix = () => process.env.DOCKUI_BRIDGE_PREFIX || 'dk';
const hash = (s: string) => crypto().createHash('sha256').update(s).digest('hex');
/** Interface names: at most 15 bytes. */
const ifName = (kind: 'b' | 'v', key: string) => (prefix() + kind + hash(key)).slice(0, 15);
const socketOf = (paths: EnginePaths, name: string) => join(paths.runRoot, 'net', `netd-${hash(paths.root + name).slice(0, 16)}.sock`);
/**
 * The container's MAC from its address (Docker's 02:42 scheme): an address reused by a new
 * container keeps its MAC, so neighbours' ARP caches stay right (a fresh MAC left a recreated
 * service unreachable for ~15 s until the cache entry was re-probed).
 */
export { macOf };
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

function ip(args: readonly string[], input?: string, netns?: string): void {
  const argv = netns ? ['--net=' + netns, 'ip', ...args] : args;
  const r = childProcess().spawnSync(netns ? 'nsenter' : 'ip', argv, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  if (r.status !== 0) throw new EngineError('internal', `ip ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
}

function linkExists(dev: string): boolean {
  return existsSync(`/sys/class/net/${dev}`);
}

export async function readNetwork(paths: EnginePaths, name: string): Promise<NetworkRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(netDir(paths, name), 'network.json'), 'utf8')) as NetworkRecord;
  } catch {
    return undefined;
  }
}

export async function listNetworks(paths: EnginePaths): Promise<NetworkRecord[]> {
  let names: string[];
  try {
    names = await readdir(join(paths.root, 'networks'));
  } catch {
    return [];
  }
  const out: NetworkRecord[] = [];
  for (const n of names) {
    const r = n.startsWith('.') ? undefined : await readNetwork(paths, n);
    if (r) out.push(r);
  }
  return out.sort((a, b) => compareText(a.name, b.name));
}

async function readState(paths: EnginePaths, net: NetworkRecord): Promise<NetdState> {
  try {
    return JSON.parse(await readFile(join(netDir(paths, net.name), 'state.json'), 'utf8')) as NetdState;
  } catch {
    return { gateway: net.gateway, prefixLen: 24, entries: [] };
  }
}

async function writeState(paths: EnginePaths, net: NetworkRecord, st: NetdState): Promise<void> {
  const f = join(netDir(paths, net.name), 'state.json');
  // Written aside and renamed over: the network's netd reads it on every reload without the lock
  // (and the resolvers of other networks read it for their names), so it must never be seen half
  // written. A rewrite in place once gave a reload "Unexpected end of JSON input" (a compose up
  // whose container restarted as another one started: CI).
  await writeFile(f + '.tmp', JSON.stringify(st));
  await rename(f + '.tmp', f);
}

/** Subnets in use on this host (routes), so a new network never overlaps one. */
function hostSubnets(): string[] {
  const r = childProcess().spawnSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').map((l) => l.split(' ')[0] ?? '');
}

function pool(): { base: number; bits: number } {
  const s = process.env.DOCKUI_SUBNET_POOL || '10.89.0.0/16';
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(s);
  if (!m || Number(m[2]) > 24)
    throw new EngineError('invalid_argument', `DOCKUI_SUBNET_POOL ${JSON.stringify(s)}: use A.B.C.D/N with N <= 24`);
  return { base: ipToInt(m[1]!), bits: Number(m[2]) };
}

/** Makes the bridge (with the gateway's address) when it is missing: after a reboot, say. */
function ensureBridge(net: NetworkRecord): void {
  if (linkExists(net.bridge)) return;
  ip(['-batch', '-'], `link add ${net.bridge} type bridge\naddr add ${net.gateway}/24 dev ${net.bridge}\nlink set ${net.bridge} up\n`);
}

function netdAlive(paths: EnginePaths, net: NetworkRecord): number | undefined {
  try {
    const pid = Number(readFileSync(join(netDir(paths, net.name), 'netd.pid'), 'utf8'));
    if (pid && pidAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('netd.js')) return pid;
  } catch {
    /* none */
  }
  return undefined;
}

/** The daemon's script: dist/engine/network/netd.js beside the CLI. */
function netdScript(): string {
  return resolve(dirname(dockuiBin), '../dist/engine/network/netd.js');
}

async function startNetd(paths: EnginePaths, net: NetworkRecord): Promise<void> {
  if (netdAlive(paths, net)) return;
  const sock = socketOf(paths, net.name);
  mkdirSync(dirname(sock), { recursive: true });
  const logFile = join(netDir(paths, net.name), 'netd.log');
  const log = openSync(logFile, 'a');
  const child = childProcess().spawn(process.execPath, [netdScript(), netDir(paths, net.name), sock], {
    detached: true,
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  await new Promise<void>((res, rej) => {
    const fail = (why: string) =>
      rej(new EngineError('failed_precondition', `network ${net.name}: its daemon did not start (${why}; see ${logFile})`));
    child.stdout!.once('data', () => res());
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code) => fail(`exited with ${code}`));
  });
  child.stdout!.destroy();
  child.removeAllListeners();
  child.unref();
}

/** Sends one command to the network's daemon; resolves to its reply. */
function netdCall(paths: EnginePaths, name: string, cmd: string): Promise<{ ok: boolean; failed?: string[] }> {
  return new Promise((res, rej) => {
    const c = net().createConnection(socketOf(paths, name));
    let buf = '';
    c.on('connect', () => c.write(cmd + '\n'));
    c.on('data', (d) => (buf += d.toString()));
    c.on('error', (e) => rej(new EngineError('unavailable', `network ${name}: its daemon: ${e.message}`)));
    c.on('close', () => {
      try {
        res(JSON.parse(buf) as { ok: boolean; failed?: string[] });
      } catch {
        rej(new EngineError('internal', `network ${name}: unreadable daemon reply ${JSON.stringify(buf.slice(0, 100))}`));
      }
    });
  });
}

export async function createNetwork(
  paths: EnginePaths,
  name: string,
  opts: { labels?: Record<string, string>; internal?: boolean } = {},
): Promise<{ network: NetworkRecord; created: boolean }> {
  if (!nameRe.test(name) || builtinNetworks.includes(name))
    throw new EngineError('invalid_argument', `invalid network name ${JSON.stringify(name)}`);
  await mkdir(join(paths.root, 'networks'), { recursive: true, mode: 0o700 });
  await mkdir(dirname(subnetLockPath(paths)), { recursive: true });
  const net = await withLock(subnetLockPath(paths), () =>
    withLock(lockPath(paths), async () => {
      const had = await readNetwork(paths, name);
      if (had) return { network: had, created: false };
      const { base, bits } = pool();
      const taken = new Set([...(await listNetworks(paths)).map((n) => n.subnet), ...hostSubnets()]);
      let subnet: string | undefined;
      for (let i = 0; i < 2 ** (24 - bits); i++) {
        const s = `${intToIp(base + i * 256)}/24`;
        if (!taken.has(s)) {
          subnet = s;
          break;
        }
      }
      if (!subnet)
        throw new EngineError('unavailable', `no free /24 left in the subnet pool ${process.env.DOCKUI_SUBNET_POOL || '10.89.0.0/16'}`);
      const network: NetworkRecord = {
        name,
        id: hash(paths.root + name + Date.now()),
        bridge: ifName('b', paths.root + name),
        subnet,
        gateway: intToIp(ipToInt(subnet.split('/')[0]!) + 1),
        internal: opts.internal ?? false,
        labels: opts.labels ?? {},
        createdAt: new Date().toISOString(),
      };
      await mkdir(netDir(paths, name), { recursive: true });
      await writeFile(join(netDir(paths, name), 'network.json'), JSON.stringify(network, null, 2));
      await writeState(paths, network, { gateway: network.gateway, prefixLen: 24, entries: [] });
      // The bridge and its route before the subnet lock goes: the next root's choice sees it.
      try {
        ensureBridge(network);
      } catch (e) {
        // Nothing half made stays: a bridge whose address failed, the records.
        if (linkExists(network.bridge)) ip(['link', 'del', network.bridge]);
        await rm(netDir(paths, name), { recursive: true, force: true });
        throw e;
      }
      return { network, created: true };
    }),
  );
  try {
    ensureBridge(net.network);
    await startNetd(paths, net.network);
  } catch (e) {
    if (net.created) await removeNetwork(paths, name).catch(() => undefined);
    throw e;
  }
  return net;
}

/** Removes a network with no container attached: its daemon, bridge and record. */
export async function removeNetwork(paths: EnginePaths, name: string): Promise<void> {
  await withLock(lockPath(paths), async () => {
    const net = await readNetwork(paths, name);
    if (!net) throw new EngineError('not_found', `no such network: ${name}`);
    const st = await readState(paths, net);
    if (st.entries.length)
      throw new EngineError('conflict', `network ${name} has ${st.entries.length} container(s) attached: remove them first`);
    const pid = netdAlive(paths, net);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    // The bridge goes while the daemon exits (its listeners on the gateway's address go with it).
    if (linkExists(net.bridge)) ip(['link', 'del', net.bridge]);
    for (let i = 0; pid && i < 100 && !pidEnded(pid); i++) await new Promise((r) => setTimeout(r, 10));
    await rm(socketOf(paths, name), { force: true });
    await rm(netDir(paths, name), { recursive: true, force: true });
  });
}

/** At create: an address on each network (kept until the container is removed). */
export async function leaseAddresses(
  paths: EnginePaths,
  id: string,
  nets: readonly { name: string; aliases: readonly string[] }[],
): Promise<NetworkAttachment[]> {
  const out: NetworkAttachment[] = [];
  await withLock(lockPath(paths), async () => {
    for (const n of nets) {
      const net = await readNetwork(paths, n.name);
      if (!net) throw new EngineError('not_found', `network ${n.name} not found`);
      const st = await readState(paths, net);
      const used = new Set([net.gateway, ...st.entries.map((e) => e.ip)]);
      const first = ipToInt(net.gateway) + 1;
      let addr: string | undefined;
      for (let i = first; i < first + 252; i++)
        if (!used.has(intToIp(i))) {
          addr = intToIp(i);
          break;
        }
      if (!addr) throw new EngineError('unavailable', `network ${n.name}: no address left`);
      await writeState(paths, net, { ...st, entries: [...st.entries, { id, ip: addr, names: [], ports: [], active: false }] });
      out.push({ name: n.name, ip: addr, gateway: net.gateway, aliases: n.aliases });
    }
  });
  return out;
}

/** At removal: the addresses go back. */
export async function releaseAddresses(paths: EnginePaths, id: string, nets: readonly NetworkAttachment[]): Promise<void> {
  await withLock(lockPath(paths), async () => {
    for (const n of nets) {
      const net = await readNetwork(paths, n.name);
      if (!net) continue;
      const st = await readState(paths, net);
      await writeState(paths, net, { ...st, entries: st.entries.filter((e) => e.id !== id) });
    }
  });
}

/** Patches the container's entry; `changed`: whether the daemon has something new to read. */
async function setEntry(
  paths: EnginePaths,
  name: string,
  id: string,
  patch: Partial<NetdEntry>,
): Promise<{ net: NetworkRecord; changed: boolean } | undefined> {
  return withLock(lockPath(paths), async () => {
    const net = await readNetwork(paths, name);
    if (!net) return undefined;
    const st = await readState(paths, net);
    const was = st.entries.find((e) => e.id === id);
    if (!was) return { net, changed: false };
    const now = { ...was, ...patch };
    if (JSON.stringify(now) === JSON.stringify(was)) return { net, changed: false };
    await writeState(paths, net, { ...st, entries: st.entries.map((e) => (e.id === id ? now : e)) });
    return { net, changed: true };
  });
}

/**
 * One network into a container's netns (made already, at netnsPath): a veth pair whose inner end
 * is `dev`, the default route through this network's gateway when `route`, the container's names
 * (with the attachment's aliases) served by the network's resolver and `ports` published.
 */
async function plug(
  paths: EnginePaths,
  opts: {
    id: string;
    netnsPath: string;
    a: NetworkAttachment;
    dev: string;
    route: boolean;
    names: readonly string[];
    ports: readonly NetdPort[];
  },
): Promise<void> {
  const { a, dev } = opts;
  const net = await readNetwork(paths, a.name);
  if (!net) throw new EngineError('not_found', `network ${a.name} not found`);
  ensureBridge(net);
  await startNetd(paths, net);
  const host = ifName('v', `${opts.id}/${a.name}`);
  const peer = `${host.slice(0, 13)}p`;
  if (linkExists(host)) ip(['link', 'del', host]);
  ip(
    ['-batch', '-'],
    `link add ${host} type veth peer name ${peer}\nlink set ${peer} netns ${opts.netnsPath}\nlink set ${host} master ${net.bridge} up\n`,
  );
  ip(
    ['-batch', '-'],
    `link set ${peer} name ${dev}\nlink set ${dev} address ${macOf(a.ip)}\naddr add ${a.ip}/24 dev ${dev}\nlink set ${dev} up\n${opts.route && !net.internal ? `route add default via ${net.gateway}\n` : ''}`,
    opts.netnsPath,
  );
  await setEntry(paths, a.name, opts.id, { active: true, names: [...new Set([...opts.names, ...a.aliases])], ports: opts.ports });
}

/**
 * At start: the container's netns (already made, at netnsPath) gets an interface on each
 * network (eth0, eth1, ...; the default route through the first network's gateway), its names
 * resolve and its ports are published. On failure what this made is undone and the error thrown.
 */
export async function activate(
  paths: EnginePaths,
  opts: { id: string; netnsPath: string; nets: readonly NetworkAttachment[]; names: readonly string[]; ports: readonly NetdPort[] },
): Promise<void> {
  const done: string[] = [];
  try {
    ip(['link', 'set', 'lo', 'up'], undefined, opts.netnsPath);
    for (const [i, a] of opts.nets.entries()) {
      // Ports are published on the first network only.
      done.push(a.name);
      await plug(paths, {
        id: opts.id,
        netnsPath: opts.netnsPath,
        a,
        dev: `eth${i}`,
        route: i === 0,
        names: opts.names,
        ports: i === 0 ? opts.ports : [],
      });
      const r = await netdCall(paths, a.name, 'reload');
      if (!r.ok) throw new EngineError('conflict', r.failed?.join(', ') ?? 'cannot publish');
    }
  } catch (e) {
    await deactivate(
      paths,
      opts.id,
      opts.nets.filter((n) => done.includes(n.name)),
    );
    throw e;
  }
}

/**
 * `docker network connect` of a running container: one more interface (the first free ethN),
 * the default route and the ports too when it is the container's only network.
 */
export async function hotPlug(
  paths: EnginePaths,
  opts: { id: string; netnsPath: string; a: NetworkAttachment; first: boolean; names: readonly string[]; ports: readonly NetdPort[] },
): Promise<void> {
  const r = childProcess().spawnSync('nsenter', ['--net=' + opts.netnsPath, 'ip', '-o', 'link', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) throw new EngineError('failed_precondition', `container ${opts.id.slice(0, 12)}: its network namespace is gone`);
  const taken = new Set([...r.stdout.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]));
  let n = 0;
  while (taken.has(`eth${n}`)) n++;
  try {
    await plug(paths, { ...opts, dev: `eth${n}`, route: opts.first, ports: opts.first ? opts.ports : [] });
    const rr = await netdCall(paths, opts.a.name, 'reload');
    if (!rr.ok) throw new EngineError('conflict', rr.failed?.join(', ') ?? 'cannot publish');
  } catch (e) {
    await deactivate(paths, opts.id, [opts.a]);
    throw e;
  }
}

/**
 * At stop: names and ports withdrawn (the daemon reloads only when that changed anything).
 * `dropLinks`: the host ends of the veths deleted too, for a disconnect; a container whose netns
 * goes next (stop, removal) leaves them to the kernel, which deletes a namespace's veths with it
 * (in one batch for the namespaces freed together, where one `ip link del` each queued behind
 * the others); a start deletes one still there before making its own.
 */
export async function deactivate(paths: EnginePaths, id: string, nets: readonly NetworkAttachment[], dropLinks = true): Promise<void> {
  for (const a of nets) {
    const r = await setEntry(paths, a.name, id, { active: false, ports: [] });
    if (r?.changed && netdAlive(paths, r.net)) await netdCall(paths, a.name, 'reload').catch(() => undefined);
    const host = ifName('v', `${id}/${a.name}`);
    if (dropLinks && linkExists(host)) childProcess().spawnSync('ip', ['link', 'del', host]);
  }
}

/** The netd daemons and bridges of this root's networks, for leftovers and checks. */
export function networkProcesses(paths: EnginePaths, nets: readonly NetworkRecord[]): { name: string; pid?: number; bridge: boolean }[] {
  return nets.map((n) => {
    const pid = netdAlive(paths, n);
    return { name: n.name, ...(pid ? { pid } : {}), bridge: linkExists(n.bridge) };
  });
}

export { type NetdPort };
