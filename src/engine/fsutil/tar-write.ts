// Writing tar (build layers, `save`, docker cp's archives): ustar headers, with a pax extended
// header in front whenever a field does not fit (long or non-ASCII names, link targets and owner
// names, big sizes or ids) or xattrs must travel — byte for byte what Go's archive/tar writes for
// a PAX-format header, as BuildKit's layers and docker's pkg/archive (docker cp) are written.
// Reading is tar.ts's (which re-exports these).
import { posix } from 'node:path';

export const BLOCK = 512;

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

/** An entry to write (the reader's TarHeader is what an archive says, unchecked). */
export interface TarWriteHeader {
  /** Slash path; directories end with "/". Layers' have no leading slash (docker cp's of "/" do). */
  readonly name: string;
  readonly type: TypeFlag;
  /** Permission bits (07777), with the S_IFMT type bits above them for writers that put them (docker cp). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number; // 0 unless a regular file
  readonly mtime: number; // seconds
  readonly linkname?: string;
  /** Owner names (docker cp writes them; layers leave them empty). */
  readonly uname?: string;
  readonly gname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Extended attributes, written as SCHILY.xattr.* pax records. */
  readonly xattrs?: ReadonlyMap<string, Buffer>;
}

const maxOctal = (digits: number) => 8 ** digits - 1;

// ---- writing ---------------------------------------------------------------------------

// Header fields are written byte by byte from JS: a build writes a header per file, and a
// Buffer.write and a Buffer.byteLength per field (each a call into C++) made a 1000-file layer's
// headers cost ~30 ms; the loops below ~3 ms.
function writeString(buf: Buffer, off: number, len: number, s: string): void {
  const n = Math.min(len, s.length);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      buf.write(s, off, Math.min(len, Buffer.byteLength(s)), 'utf8');
      return;
    }
    buf[off + i] = c;
  }
}

function writeOctal(buf: Buffer, off: number, len: number, n: number): void {
  // len-1 digits then NUL, zero padded, as Go writes them; what does not fit is 0 (a pax record carries it).
  let v = n >= 0 && n <= maxOctal(len - 1) ? n : 0;
  for (let i = off + len - 2; i >= off; i--) {
    buf[i] = 0x30 + (v % 8);
    v = Math.floor(v / 8);
  }
}

/** Go's isASCII: no byte at or above 0x80, no NUL. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c === 0) return false;
  }
  return true;
}

/** Go's toASCII: what a ustar field gets of a string that travels in a pax record. */
const toAscii = (s: string): string => (isAscii(s) ? s : [...s].filter((c) => c.charCodeAt(0) < 0x80 && c !== '\0').join(''));

/** One pax record: "<len> key=value\n" where len counts itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

/** Go's splitUSTARPath: ustar prefix (≤155) + name (≤100) at the last slash that can split, or undefined. */
function splitUstar(name: string): [string, string] | undefined {
  if (!isAscii(name)) return undefined;
  const b = name.length;
  if (b <= 100) return ['', name];
  if (b > 256) return undefined;
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return [prefix, rest];
  }
  return undefined;
}

interface BlockFields {
  readonly name: string;
  readonly prefix: string;
  readonly linkname: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly type: string;
  readonly uname: string;
  readonly gname: string;
  /** undefined: the fields stay NUL (Go's pax header blocks). */
  readonly dev?: readonly [number, number];
}

function ustarBlock(f: BlockFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeString(b, 0, 100, f.name);
  writeOctal(b, 100, 8, f.mode);
  writeOctal(b, 108, 8, f.uid);
  writeOctal(b, 116, 8, f.gid);
  writeOctal(b, 124, 12, f.size);
  writeOctal(b, 136, 12, f.mtime);
  b.fill(0x20, 148, 156); // checksum field counts as spaces
  writeString(b, 156, 1, f.type);
  writeString(b, 157, 100, f.linkname);
  writeString(b, 257, 6, 'ustar');
  writeString(b, 263, 2, '00');
  writeString(b, 265, 32, f.uname);
  writeString(b, 297, 32, f.gname);
  if (f.dev) {
    writeOctal(b, 329, 8, f.dev[0]);
    writeOctal(b, 337, 8, f.dev[1]);
  }
  writeString(b, 345, 155, f.prefix);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  writeOctal(b, 148, 7, sum); // six digits,
  b[154] = 0; // a NUL, and the field's eighth byte stays a space (as Go writes it)
  return b;
}

/**
 * The header block(s) for one entry, as Go's archive/tar writes a header whose format is PAX
 * (what docker's pkg/archive and BuildKit ask for): a plain ustar block (a long name split into
 * prefix and name) when every field fits; else a pax extended header first, its records sorted
 * by key, named DIR/PaxHeaders.0/FILE with zero mode, ids and mtime, then a ustar block whose
 * fields hold what fits (ASCII only, truncated; numbers that do not fit as 0).
 */
export function encodeHeader(h: TarWriteHeader): Buffer {
  const linkname = h.linkname ?? '';
  const uname = h.uname ?? '';
  const gname = h.gname ?? '';
  const fields = {
    linkname,
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    size: h.size,
    mtime: h.mtime,
    type: h.type,
    uname,
    gname,
    dev: [h.devmajor ?? 0, h.devminor ?? 0] as const,
  };
  // Most entries (a layer's files): every field fits a ustar block as it is.
  if (
    h.name.length <= 100 &&
    linkname.length <= 100 &&
    uname.length <= 32 &&
    gname.length <= 32 &&
    h.xattrs === undefined &&
    h.size <= maxOctal(11) &&
    h.uid <= maxOctal(7) &&
    h.gid <= maxOctal(7) &&
    h.mtime >= 0 &&
    h.mtime <= maxOctal(11) &&
    isAscii(h.name) &&
    isAscii(linkname) &&
    isAscii(uname) &&
    isAscii(gname)
  )
    return ustarBlock({ ...fields, name: h.name, prefix: '' });
  const recs = new Map<string, string | Buffer>();
  const split = splitUstar(h.name);
  if (!isAscii(h.name) || Buffer.byteLength(h.name) > 100) recs.set('path', h.name);
  if (!isAscii(linkname) || Buffer.byteLength(linkname) > 100) recs.set('linkpath', linkname);
  if (!isAscii(uname) || Buffer.byteLength(uname) > 32) recs.set('uname', uname);
  if (!isAscii(gname) || Buffer.byteLength(gname) > 32) recs.set('gname', gname);
  if (h.size > maxOctal(11)) recs.set('size', String(h.size));
  if (h.uid > maxOctal(7)) recs.set('uid', String(h.uid));
  if (h.gid > maxOctal(7)) recs.set('gid', String(h.gid));
  if (h.mtime < 0 || h.mtime > maxOctal(11)) recs.set('mtime', String(h.mtime));
  if (h.xattrs) for (const [k, v] of h.xattrs) recs.set(`SCHILY.xattr.${k}`, v);
  // A path too long for the name field alone but split into prefix and name needs no pax.
  if (split && [...recs.keys()].every((k) => k === 'path')) return ustarBlock({ ...fields, name: split[1], prefix: split[0] });
  const body = Buffer.concat(
    [...recs.keys()].sort().map((k) => {
      const v = recs.get(k)!;
      return paxRecord(k, typeof v === 'string' ? Buffer.from(v) : v);
    }),
  );
  const main = ustarBlock({
    ...fields,
    name: toAscii(h.name),
    prefix: '',
    linkname: toAscii(linkname),
    uname: toAscii(uname),
    gname: toAscii(gname),
  });
  const slash = h.name.lastIndexOf('/');
  const paxName = toAscii(posix.join(h.name.slice(0, slash + 1), 'PaxHeaders.0', h.name.slice(slash + 1)))
    .slice(0, 100)
    .replace(/\/+$/, '');
  const paxHead = ustarBlock({
    name: paxName,
    prefix: '',
    linkname: '',
    mode: 0,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: 0,
    type: typeFlag.pax,
    uname: '',
    gname: '',
  });
  return Buffer.concat([paxHead, body, Buffer.alloc(padding(body.length)), main]);
}

/** Zero bytes that round `size` up to a whole block. */
export function padding(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

/** Two zero blocks end an archive. */
export const endOfArchive = (): Buffer => Buffer.alloc(BLOCK * 2);
