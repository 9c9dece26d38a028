// Who is on the other end of a loopback TCP connection. A unix socket keeps others out by its
// mode (0660); a TCP port on 127.0.0.1 has none, and the API gives root on this host (a
// container with / bound in), so every local user would be root through it. The kernel lists
// each TCP socket with its owner's uid in /proc/net/tcp and tcp6 (what identd reads): the
// client's socket is the one whose local end is the connection's remote end.
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

/** A /proc/net/tcp address (hex, each 32-bit word in host order: little-endian here) and port. */
function endOf(hex: string): { addr: string; port: number } {
  const [a = '', p = ''] = hex.split(':');
  const words = a.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  let addr: string;
  if (bytes.length === 4) addr = bytes.join('.');
  else if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) addr = bytes.slice(12).join('.');
  else addr = (words.length ? Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)) : []).join(':');
  return { addr, port: parseInt(p, 16) };
}

/** The canonical text of an address as endOf writes it (IPv4 dotted, IPv6 in eight full groups). */
function canonical(addr: string): string {
  const v4 = addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
  if (isIPv4(v4)) return v4;
  const [head = '', tail = ''] = v4.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = v4.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => parseInt(g || '0', 16).toString(16)).join(':');
}

/**
 * The uid owning the client socket of a loopback connection (its address and port as the server
 * sees them), or undefined when no such socket is listed (it went away, or it is not local).
 */
export function loopbackPeerUid(remoteAddress: string, remotePort: number, localPort: number): number | undefined {
  const want = canonical(remoteAddress);
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 8) continue;
      const local = endOf(f[1]!);
      if (local.port !== remotePort || endOf(f[2]!).port !== localPort || local.addr !== want) continue;
      return Number(f[7]);
    }
  }
  return undefined;
}
