// A network's daemon: one detached process per dockui bridge network, started with the network
// and stopped when it is removed (`node netd.js STATE_DIR SOCKET`). It does two things for the
// containers attached to the network, from STATE_DIR/state.json, re-read on each "reload" on
// its control socket:
//  - the network's DNS on the bridge's gateway address (UDP 53): container names, service names
//    and aliases of running containers on this network answer with their address; every other
//    name is NXDOMAIN, answered here and never forwarded; a query from outside the network's
//    subnet is REFUSED (names do not resolve across networks);
//  - published TCP ports: a listener on HOST_IP:HOST_PORT per port, piping each connection to
//    the container's address (docker-proxy's job).
// It imports only Node's built-ins and dns.ts, so it runs from dist/ without the CLI bundle.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { dgram, net } from '../util/builtin.js';
import { basename, dirname, join } from 'node:path';
import { answer, formatError, parseQuery, RCODE_NXDOMAIN, RCODE_REFUSED, TYPE_A } from './dns.js';

export interface NetdPort {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
}

export interface NetdEntry {
  readonly id: string;
  readonly ip: string;
  readonly names: readonly string[];
  readonly ports: readonly NetdPort[];
  /** Running: its names resolve and its ports are served. */
  readonly active: boolean;
}

export interface NetdState {
  readonly gateway: string;
  readonly prefixLen: number;
  readonly entries: readonly NetdEntry[];
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

export function inSubnet(ip: string, gateway: string, prefixLen: number): boolean {
  const mask = prefixLen === 0 ? 0 : (~0 << (32 - prefixLen)) >>> 0;
  return (ipToInt(ip) & mask) >>> 0 === (ipToInt(gateway) & mask) >>> 0;
}

async function main(stateDir: string, socketPath: string): Promise<void> {
  let state: NetdState = { gateway: '0.0.0.0', prefixLen: 24, entries: [] };
  let names = new Map<string, string[]>();
  const listeners = new Map<string, { server: Server; target: string }>();
  const log = (s: string) => process.stderr.write(`${new Date().toISOString()} ${s}\n`);

  const load = () => {
    state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as NetdState;
    names = new Map();
    for (const e of state.entries)
      if (e.active)
        for (const n of e.names) {
          const k = n.toLowerCase();
          names.set(k, [...(names.get(k) ?? []), e.ip]);
        }
  };

  /** Opens the listeners the state wants and closes the others; resolves to the ports that failed. */
  const reconcile = async (): Promise<string[]> => {
    const want = new Map<string, string>();
    for (const e of state.entries)
      if (e.active) for (const p of e.ports) want.set(`${p.hostIp}:${p.hostPort}`, `${e.ip}:${p.containerPort}`);
    for (const [k, l] of listeners)
      if (want.get(k) !== l.target) {
        l.server.close();
        listeners.delete(k);
      }
    const failed: string[] = [];
    for (const [k, target] of want) {
      if (listeners.has(k)) continue;
      const i = k.lastIndexOf(':');
      const j = target.lastIndexOf(':');
      const [tip, tport] = [target.slice(0, j), Number(target.slice(j + 1))];
      const server = net().createServer((c) => {
        const up = net().createConnection({ host: tip, port: tport });
        c.pipe(up).pipe(c);
        const end = () => {
          c.destroy();
          up.destroy();
        };
        c.on('error', end);
        up.on('error', end);
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: k.slice(0, i), port: Number(k.slice(i + 1)), exclusive: true, ipv6Only: k.slice(0, i).includes(':') }, () =>
            resolve(),
          );
        });
        listeners.set(k, { server, target });
      } catch (e) {
        failed.push(
          (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
            ? `Bind for ${k} failed: port is already allocated`
            : `cannot publish ${k}: ${(e as Error).message}`,
        );
      }
    }
    return failed;
  };

  /**
   * A name not on this network, asked by a container that is also on others: answered from
   * those networks' state (Docker's embedded DNS answers for every network of the container).
   */
  const otherNetworks = (from: string, name: string): string[] | undefined => {
    const me = state.entries.find((e) => e.ip === from && e.active);
    if (!me) return undefined;
    const parent = dirname(stateDir);
    const out: string[] = [];
    let dirs: string[] = [];
    try {
      dirs = readdirSync(parent).filter((d) => d !== basename(stateDir) && !d.startsWith('.'));
    } catch {
      return undefined;
    }
    for (const d of dirs) {
      try {
        const other = JSON.parse(readFileSync(join(parent, d, 'state.json'), 'utf8')) as NetdState;
        if (!other.entries.some((e) => e.id === me.id && e.active)) continue;
        for (const e of other.entries) if (e.active && e.names.some((n) => n.toLowerCase() === name)) out.push(e.ip);
      } catch {
        /* a network being made or removed */
      }
    }
    return out.length ? out : undefined;
  };

  load();
  await reconcile();

  const dns = dgram().createSocket({ type: 'udp4', reuseAddr: false });
  dns.on('message', (msg, from) => {
    const q = parseQuery(msg);
    let reply: Buffer | undefined;
    if (!q) reply = formatError(msg);
    else if (!inSubnet(from.address, state.gateway, state.prefixLen)) reply = answer(q, RCODE_REFUSED);
    else {
      const name = q.name.replace(/\.$/, '');
      const ips = names.get(name) ?? otherNetworks(from.address, name);
      if (!ips) reply = answer(q, RCODE_NXDOMAIN);
      else reply = answer(q, 0, q.type === TYPE_A && q.qclass === 1 ? ips : []);
    }
    if (reply) dns.send(reply, from.port, from.address);
  });
  dns.on('error', (e) => log(`dns: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    dns.once('error', reject);
    dns.bind(53, state.gateway, () => resolve());
  });

  rmSync(socketPath, { force: true });
  const control = net().createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString();
      if (!buf.includes('\n')) return;
      const cmd = buf.trim();
      if (cmd === 'reload')
        void (async () => {
          try {
            load();
            const failed = await reconcile();
            c.end(JSON.stringify({ ok: failed.length === 0, failed }) + '\n');
          } catch (e) {
            c.end(JSON.stringify({ ok: false, failed: [(e as Error).message] }) + '\n');
          }
        })();
      else if (cmd === 'stop') {
        c.end(JSON.stringify({ ok: true }) + '\n', () => process.exit(0));
      } else c.end(JSON.stringify({ ok: false, failed: [`unknown command ${cmd}`] }) + '\n');
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => control.listen(socketPath, () => resolve()));
  writeFileSync(join(stateDir, 'netd.pid'), `${process.pid}\n`);
  process.on('SIGTERM', () => process.exit(0));
  // Ready: the parent waits for this line.
  process.stdout.write('ready\n');
}

if (process.argv[1]?.endsWith('netd.js') && process.argv[2] && process.argv[3])
  main(process.argv[2], process.argv[3]).catch((e: Error) => {
    process.stderr.write(`netd: ${e.message}\n`);
    process.exit(1);
  });
