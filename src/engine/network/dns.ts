// The few DNS messages a network's resolver needs (RFC 1035): read a query's question, answer
// it with A records, an empty answer (a known name asked for another type), NXDOMAIN or REFUSED.

export interface DnsQuestion {
  readonly id: number;
  readonly flags: number;
  /** Lower case, no trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
  /** The question section's bytes, copied into the answer. */
  readonly raw: Buffer;
}

export const TYPE_A = 1;
export const RCODE_NXDOMAIN = 3;
export const RCODE_REFUSED = 5;
export const RCODE_FORMERR = 1;

/** The first question of a query, or undefined for a message that is no well-formed query. */
export function parseQuery(msg: Buffer): DnsQuestion | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // an answer, not a query
  if (msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    if (off >= msg.length) return undefined;
    const len = msg[off]!;
    if (len === 0) {
      off++;
      break;
    }
    if (len > 63 || off + 1 + len > msg.length) return undefined; // no compression in a question
    labels.push(msg.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  if (off + 4 > msg.length) return undefined;
  return {
    id: msg.readUInt16BE(0),
    flags,
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(off),
    qclass: msg.readUInt16BE(off + 2),
    raw: msg.subarray(12, off + 4),
  };
}

/** An answer to q: `rcode` 0 with `addresses` (A records; none for an empty answer), or an error code. */
export function answer(q: DnsQuestion, rcode: number, addresses: readonly string[] = [], ttl = 5): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(q.id, 0);
  // QR=1, the query's opcode and RD, AA=1 (this resolver owns these names), RA=0.
  head.writeUInt16BE(0x8000 | (q.flags & 0x7900) | 0x0400 | (rcode & 0xf), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(rcode === 0 ? addresses.length : 0, 6);
  const records =
    rcode === 0
      ? addresses.map((ip) => {
          const r = Buffer.alloc(16);
          r.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
          r.writeUInt16BE(TYPE_A, 2);
          r.writeUInt16BE(1, 4);
          r.writeUInt32BE(ttl, 6);
          r.writeUInt16BE(4, 10);
          ip.split('.').forEach((o, i) => r.writeUInt8(Number(o), 12 + i));
          return r;
        })
      : [];
  return Buffer.concat([head, q.raw, ...records]);
}

/** A header-only error answer for a message that could not be read as a query. */
export function formatError(msg: Buffer): Buffer | undefined {
  if (msg.length < 2) return undefined;
  const head = Buffer.alloc(12);
  head.writeUInt16BE(msg.readUInt16BE(0), 0);
  head.writeUInt16BE(0x8000 | RCODE_FORMERR, 2);
  return head;
}
