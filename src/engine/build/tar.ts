// A small tar writer: ustar headers, with a pax extended header in front whenever a field does
// not fit (long names and link targets, big sizes or ids) or xattrs must travel — the format
// Go's archive/tar (and so BuildKit) emits for layers.

export const typeFlag = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
  pax: 'x',
} as const;
export type TypeFlag = (typeof typeFlag)[keyof typeof typeFlag];

export interface TarHeader {
  /** Slash path without a leading slash; directories end with "/". */
  readonly name: string;
  readonly type: TypeFlag;
  readonly mode: number; // permission bits (07777)
  readonly uid: number;
  readonly gid: number;
  readonly size: number; // 0 unless a regular file
  readonly mtime: number; // seconds
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Extended attributes, written as SCHILY.xattr.* pax records. */
  readonly xattrs?: ReadonlyMap<string, Buffer>;
}

const BLOCK = 512;
const maxOctal = (digits: number) => 8 ** digits - 1;

function writeString(buf: Buffer, off: number, len: number, s: string): void {
  buf.write(s, off, Math.min(len, Buffer.byteLength(s)), 'utf8');
}

function writeOctal(buf: Buffer, off: number, len: number, n: number): void {
  // len-1 digits then NUL, zero padded, as Go writes them.
  writeString(buf, off, len - 1, n.toString(8).padStart(len - 1, '0'));
}

/** One pax record: "<len> key=value\n" where len counts itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

/** Splits a name into ustar prefix (≤155) + name (≤100) at a slash, or undefined. */
function splitUstar(name: string): [string, string] | undefined {
  const b = Buffer.byteLength(name);
  if (b <= 100) return ['', name];
  if (b > 256) return undefined;
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return [prefix, rest];
  }
  return undefined;
}

function ustarBlock(h: TarHeader, name: string, prefix: string, linkname: string, size: number, type: string): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeString(b, 0, 100, name);
  writeOctal(b, 100, 8, h.mode & 0o7777);
  writeOctal(b, 108, 8, Math.min(h.uid, maxOctal(7)));
  writeOctal(b, 116, 8, Math.min(h.gid, maxOctal(7)));
  writeOctal(b, 124, 12, Math.min(size, maxOctal(11)));
  writeOctal(b, 136, 12, Math.max(0, Math.min(h.mtime, maxOctal(11))));
  b.fill(0x20, 148, 156); // checksum field counts as spaces
  writeString(b, 156, 1, type);
  writeString(b, 157, 100, linkname);
  writeString(b, 257, 6, 'ustar');
  writeString(b, 263, 2, '00');
  writeOctal(b, 329, 8, h.devmajor ?? 0);
  writeOctal(b, 337, 8, h.devminor ?? 0);
  writeString(b, 345, 155, prefix);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  writeString(b, 148, 7, sum.toString(8).padStart(6, '0') + '\0');
  return b;
}

/** The header block(s) for one entry: a pax header first when needed, then the ustar block. */
export function encodeHeader(h: TarHeader): Buffer {
  const records: Buffer[] = [];
  let name = h.name;
  let prefix = '';
  const split = splitUstar(h.name);
  if (split) [prefix, name] = split;
  else {
    records.push(paxRecord('path', Buffer.from(h.name)));
    name = h.name.slice(0, 100);
  }
  let linkname = h.linkname ?? '';
  if (Buffer.byteLength(linkname) > 100) {
    records.push(paxRecord('linkpath', Buffer.from(linkname)));
    linkname = linkname.slice(0, 100);
  }
  if (h.size > maxOctal(11)) records.push(paxRecord('size', Buffer.from(String(h.size))));
  if (h.uid > maxOctal(7)) records.push(paxRecord('uid', Buffer.from(String(h.uid))));
  if (h.gid > maxOctal(7)) records.push(paxRecord('gid', Buffer.from(String(h.gid))));
  if (h.xattrs) {
    for (const k of [...h.xattrs.keys()].sort()) records.push(paxRecord(`SCHILY.xattr.${k}`, h.xattrs.get(k)!));
  }
  const main = ustarBlock(h, name, prefix, linkname, h.size, h.type);
  if (records.length === 0) return main;
  const body = Buffer.concat(records);
  const paxName = `PaxHeaders.0/${h.name.replace(/\/$/, '').split('/').pop() ?? ''}`.slice(0, 100);
  const paxHead = ustarBlock({ ...h, mode: 0o644, uid: 0, gid: 0, linkname: '' }, paxName, '', '', body.length, typeFlag.pax);
  return Buffer.concat([paxHead, body, Buffer.alloc(padding(body.length)), main]);
}

/** Zero bytes that round `size` up to a whole block. */
export function padding(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

/** Two zero blocks end an archive. */
export const endOfArchive = (): Buffer => Buffer.alloc(BLOCK * 2);
