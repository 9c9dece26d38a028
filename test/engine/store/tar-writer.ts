// A minimal tar writer for tests: it writes whatever it is told, hostile entries included
// (that is its point), in ustar with optional pax records and GNU long names.
import { gzipSync } from 'node:zlib';

export interface WEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  devmajor?: number;
  devminor?: number;
  /** Extra pax records (path, linkpath, SCHILY.xattr.*, ...). */
  pax?: Record<string, string | Buffer>;
  /** Put the path in a GNU 'L' record instead of the header. */
  gnuLongName?: boolean;
}

const flags = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' } as const;

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}

function header(name: string, flag: string, size: number, e: Partial<WEntry>, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(octal(e.mode ?? 0o644, 8), 100, 'latin1');
  h.write(octal(e.uid ?? 0, 8), 108, 'latin1');
  h.write(octal(e.gid ?? 0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(e.mtime ?? 1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write(linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.write(octal(e.devmajor ?? 0, 8), 329, 'latin1');
  h.write(octal(e.devminor ?? 0, 8), 337, 'latin1');
  let sum = 0;
  for (const c of h) sum += c;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

function pad(b: Buffer): Buffer[] {
  const p = (512 - (b.length % 512)) % 512;
  return p ? [b, Buffer.alloc(p)] : [b];
}

function paxRecords(recs: Record<string, string | Buffer>): Buffer {
  const out: Buffer[] = [];
  for (const [k, v] of Object.entries(recs)) {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.isBuffer(v) ? v : Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    out.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(out);
}

export function tar(entries: readonly WEntry[], opts: { noEnd?: boolean } = {}): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0);
    if (e.pax) {
      const recs = paxRecords(e.pax);
      out.push(header('PaxHeader', 'x', recs.length, {}), ...pad(recs));
    }
    let name = e.path;
    if (e.gnuLongName) {
      const n = Buffer.from(`${e.path}\0`);
      out.push(header('././@LongLink', 'L', n.length, {}), ...pad(n));
      name = 'x'.repeat(10);
    }
    out.push(header(name, flags[type], data.length, e, e.linkname ?? ''));
    if (data.length) out.push(...pad(data));
  }
  if (!opts.noEnd) out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

export const tgz = (entries: readonly WEntry[]): Buffer => gzipSync(tar(entries));
