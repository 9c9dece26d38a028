// A published port on an IPv6 host address for the default (slirp4netns) network, whose API
// binds IPv4 host addresses only: slirp4netns forwards 127.0.0.1:LOCAL to the container's port
// and this process (`node port-proxy.js PROTO HOST_IP HOST_PORT LOCAL_PORT SLIRP_PID`, detached)
// listens on [HOST_IP]:HOST_PORT and relays to it, as docker-proxy relays dockerd's published
// ports. It writes "ok" (or why not) on fd 3 once it listens, and ends with SIGTERM (the
// network's teardown) or when slirp4netns is gone. Node's built-ins only: it runs from dist/.
import { createWriteStream } from 'node:fs';
import type { Socket as UdpSocket } from 'node:dgram';
import { dgram, net } from '../util/builtin.js';

function ready(message: string): void {
  const fd3 = createWriteStream('', { fd: 3 });
  fd3.end(message);
}

function tcp(host: string, port: number, local: number): Promise<void> {
  const server = net().createServer((c) => {
    const u = net().connect(local, '127.0.0.1');
    const end = () => {
      c.destroy();
      u.destroy();
    };
    c.on('error', end);
    u.on('error', end);
    c.pipe(u);
    u.pipe(c);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true, ipv6Only: true }, () => resolve());
  });
}

/** UDP clients relayed at once (each holds a socket toward the container for a minute). */
const maxUdpPeers = 256;

function udp(host: string, port: number, local: number): Promise<void> {
  const sock = dgram().createSocket({ type: 'udp6', ipv6Only: true });
  // One socket toward the container per client, dropped after a minute without traffic.
  const peers = new Map<string, { s: UdpSocket; timer: NodeJS.Timeout }>();
  sock.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let p = peers.get(key);
    if (!p) {
      // Any local program may send from as many ports as it likes: a socket each, unbounded, ran
      // the proxy out of descriptors and so closed the port for everyone. New clients wait for room.
      if (peers.size >= maxUdpPeers) return;
      const s = dgram().createSocket('udp4');
      s.on('message', (reply) => sock.send(reply, from.port, from.address));
      s.on('error', () => s.close());
      p = { s, timer: setTimeout(() => undefined, 0) };
      peers.set(key, p);
    }
    clearTimeout(p.timer);
    const peer = p;
    peer.timer = setTimeout(() => {
      peers.delete(key);
      peer.s.close();
    }, 60_000);
    peer.s.send(msg, local, '127.0.0.1');
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: host, port, exclusive: true }, () => resolve());
  });
}

async function main([proto, host, port, local, slirp]: string[]): Promise<void> {
  process.on('SIGTERM', () => process.exit(0));
  try {
    await (proto === 'udp' ? udp : tcp)(host!, Number(port), Number(local));
  } catch (e) {
    ready((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    process.exitCode = 1;
    return;
  }
  setInterval(() => {
    try {
      process.kill(Number(slirp), 0);
    } catch {
      process.exit(0);
    }
  }, 500);
  ready('ok');
}

if (process.argv[1]?.endsWith('port-proxy.js') && process.argv.length === 7) void main(process.argv.slice(2));
