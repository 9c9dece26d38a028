// The engine's one tar codec. Reading (layers the store unpacks, archives `load` indexes):
// ustar, pax extended headers (path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*), pax
// global headers, GNU long names and long link names, base-256 numbers. Archive content is
// hostile: header checksums are verified, sizes bounded where we buffer (pax and GNU long-name
// records), and unknown entry types are refused, not guessed. Writing is tar-write.ts's (build layers, `save`,
// docker cp's archives): ustar headers, with a pax extended header in front whenever a field
// does not fit (long or non-ASCII names, link targets and owner names, big sizes or ids) or
// xattrs must travel — byte for byte what Go's archive/tar writes for a PAX-format header, as
// BuildKit's layers and docker's pkg/archive (docker cp) are written.
import { EngineError } from '../define.js';
import { BLOCK, padding } from './tar-write.js';

export { encodeHeader, endOfArchive, padding, typeFlag, type TarWriteHeader, type TypeFlag } from './tar-write.js';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarHeader {
  /** Raw path as the archive names it (not yet cleaned or checked). */
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Seconds since the epoch, fractional from pax. */
  readonly mtime: number;
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

export interface TarEntry {
  readonly header: TarHeader;
  /** Where the entry's data starts in the input (bytes from its beginning). */
  readonly offset: number;
  /** The entry's data. Consume it (or not) before asking for the next entry. */
  readonly body: () => AsyncGenerator<Buffer>;
}

const zeroBlock = Buffer.alloc(BLOCK);
const noRecords: ReadonlyMap<string, Buffer> = new Map();
const MAX_META = 1024 * 1024; // pax / long-name records beyond this are refused

const layerError = (why: string): EngineError => new EngineError('invalid_argument', `layer is not a valid tar archive: ${why}`);

/** Inside the reader; readTar turns it into the caller's error (a layer, an archive file). */
class TarFormatError extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}
const bad = (why: string): TarFormatError => new TarFormatError(why);

/** Buffered reads of exact sizes over an async chunk source. */
class ChunkReader {
  private bufs: Buffer[] = [];
  private avail = 0;
  private ended = false;
  /** Bytes handed out so far. */
  pos = 0;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    if (c.length > 0) {
      this.bufs.push(c);
      this.avail += c.length;
    }
    return true;
  }

  /**
   * Exactly n bytes when that many are buffered already (a slice when one chunk holds them),
   * else undefined: the caller then awaits read(). Most headers and paddings are found so, and
   * a read that needs no await costs no microtask turn.
   */
  readNow(n: number): Buffer | undefined {
    if (this.avail < n) return undefined;
    const b = this.bufs[0];
    if (b === undefined || b.length < n) return this.take(n);
    if (b.length === n) this.bufs.shift();
    else this.bufs[0] = b.subarray(n);
    this.avail -= n;
    this.pos += n;
    return b.subarray(0, n);
  }

  /** Exactly n bytes, or fewer only at end of input. */
  async read(n: number): Promise<Buffer> {
    while (this.avail < n) if (!(await this.fill())) break;
    return this.take(Math.min(n, this.avail));
  }

  private take(take: number): Buffer {
    const out = Buffer.allocUnsafe(take);
    let off = 0;
    while (off < take) {
      const b = this.bufs[0]!;
      const k = Math.min(b.length, take - off);
      b.copy(out, off, 0, k);
      off += k;
      if (k === b.length) this.bufs.shift();
      else this.bufs[0] = b.subarray(k);
    }
    this.avail -= take;
    this.pos += take;
    return out;
  }

  /** Up to n bytes of what is buffered (a zero-copy slice), or undefined when nothing is. */
  someNow(n: number): Buffer | undefined {
    if (this.avail === 0) return undefined;
    const b = this.bufs[0]!;
    if (b.length <= n) {
      this.bufs.shift();
      this.avail -= b.length;
      this.pos += b.length;
      return b;
    }
    this.bufs[0] = b.subarray(n);
    this.avail -= n;
    this.pos += n;
    return b.subarray(0, n);
  }

  /** Up to n bytes as they come (zero-copy slices); empty at end of input. */
  async some(n: number): Promise<Buffer> {
    while (this.avail === 0) if (!(await this.fill())) return Buffer.alloc(0);
    return this.someNow(n)!;
  }

  /** Reads and drops everything left (the caller still hashes it upstream). */
  async drain(): Promise<void> {
    this.bufs = [];
    this.avail = 0;
    while (await this.fill()) {
      this.bufs = [];
      this.avail = 0;
    }
  }
}

function cstr(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return (z === -1 ? s : s.subarray(0, z)).toString('utf8');
}

function num(b: Buffer, off: number, len: number, what: string): number {
  const f = b.subarray(off, off + len);
  if (f[0]! & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit as the marker.
    if (f[0] === 0xff) {
      // A time before 1970 is odd but harmless: clamp it. A negative id or size is not.
      if (what === 'mtime') return 0;
      throw bad(`negative ${what}`);
    }
    let v = f[0]! & 0x7f;
    for (let i = 1; i < f.length; i++) {
      v = v * 256 + f[i]!;
      if (v > Number.MAX_SAFE_INTEGER) throw bad(`${what} out of range`);
    }
    return v;
  }
  // Octal digits up to the first NUL, blanks around them allowed; by hand, as this runs six
  // times a header (a string, a regexp and parseInt per field cost the reader a fifth of its time).
  let end = f.indexOf(0);
  if (end === -1) end = f.length;
  let start = 0;
  while (start < end && isBlank(f[start]!)) start++;
  while (end > start && isBlank(f[end - 1]!)) end--;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = f[i]! - 0x30;
    if (c < 0 || c > 7) throw bad(`${what} field is not octal`);
    v = v * 8 + c;
  }
  return v;
}

/** What String.prototype.trim drops, among latin1 bytes. */
const isBlank = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;

function checksumOk(h: Buffer): boolean {
  const want = num(h, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 32 : h[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return want === unsigned || want === signed;
}

/** Parses pax records "LEN key=value\n" (values are bytes: xattrs may be binary). */
function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < data.length) {
    if (data[off] === 0) break; // trailing NUL padding
    const sp = data.indexOf(0x20, off);
    if (sp === -1 || sp - off > 20) throw bad('malformed pax record');
    const len = Number.parseInt(data.subarray(off, sp).toString('latin1'), 10);
    if (!Number.isInteger(len) || len <= sp - off + 1 || off + len > data.length) throw bad('malformed pax record length');
    const rec = data.subarray(sp + 1, off + len);
    if (rec[rec.length - 1] !== 0x0a) throw bad('pax record without newline');
    const eq = rec.indexOf(0x3d);
    if (eq === -1) throw bad('pax record without =');
    out.set(rec.subarray(0, eq).toString('utf8'), rec.subarray(eq + 1, rec.length - 1));
    off += len;
  }
  return out;
}

const typeByFlag: Readonly<Record<string, TarEntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/**
 * Yields the entries of a tar stream. Each entry's body must be consumed (or left: it is
 * skipped) before the next iteration. Reads the source to its end, past the end-of-archive
 * blocks, so that a hash taken upstream covers every byte.
 */
export async function* readTar(
  source: AsyncIterable<Buffer>,
  opts: { invalid?: (why: string) => EngineError } = {},
): AsyncGenerator<TarEntry> {
  // Errors inside are TarFormatError; the caller's own (a layer, an archive file) go out,
  // caught here and in body() rather than by a wrapping generator, which on layers of many
  // small files cost the reader ~80% of its time.
  const invalid = opts.invalid ?? layerError;
  const tr = (e: unknown) => (e instanceof TarFormatError ? invalid(e.why) : e);
  const r = new ChunkReader(source[Symbol.asyncIterator]());
  let global = new Map<string, Buffer>();
  let pax: Map<string, Buffer> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let sawEntry = false;

  const readMeta = async (size: number, what: string): Promise<Buffer> => {
    if (size > MAX_META) throw bad(`${what} of ${size} bytes`);
    const data = await r.read(size);
    if (data.length < size) throw bad('unexpected end of archive');
    const pad = padding(size);
    if ((await r.read(pad)).length < pad) throw bad('unexpected end of archive');
    return data;
  };

  try {
    for (;;) {
      const h = r.readNow(BLOCK) ?? (await r.read(BLOCK));
      if (h.length === 0) {
        if (!sawEntry) throw bad('empty input');
        // Some writers omit the end-of-archive blocks; the data is complete all the same.
        break;
      }
      if (h.length < BLOCK) throw bad('unexpected end of archive');
      if (h.equals(zeroBlock)) {
        if (pax || longName !== undefined || longLink !== undefined) throw bad('extended header without an entry');
        await r.drain();
        break;
      }
      if (!checksumOk(h)) throw bad('header checksum mismatch');
      sawEntry = true;
      const flag = String.fromCharCode(h[156]!);
      const size = num(h, 124, 12, 'size');
      if (flag === 'x' || flag === 'g') {
        const recs = parsePax(await readMeta(size, 'pax header'));
        if (flag === 'g') global = new Map([...global, ...recs]);
        else pax = recs;
        continue;
      }
      if (flag === 'L' || flag === 'K') {
        const s = cstr(await readMeta(size, 'GNU long name'), 0, size);
        if (flag === 'L') longName = s;
        else longLink = s;
        continue;
      }
      let type = typeByFlag[flag];
      if (!type) throw bad(`unsupported entry type ${JSON.stringify(flag)} (${JSON.stringify(cstr(h, 0, 100))})`);

      const magic = h.subarray(257, 263).toString('latin1');
      const ustar = magic === 'ustar\0';
      let path = cstr(h, 0, 100);
      if (ustar) {
        const prefix = cstr(h, 345, 155);
        if (prefix) path = `${prefix}/${path}`;
      }
      // Most entries have no pax records at all: no map to build for them.
      const ext = global.size === 0 ? (pax ?? noRecords) : new Map([...global, ...(pax ?? [])]);
      const str = (k: string) => ext.get(k)?.toString('utf8');
      const extNum = (k: string, fallback: number, frac = false): number => {
        const v = str(k);
        if (v === undefined) return fallback;
        const ok = frac ? /^-?\d+(\.\d+)?$/.test(v) : /^\d+$/.test(v);
        if (!ok) throw bad(`pax ${k} is not a number`);
        const n = Number(v);
        if (!Number.isFinite(n) || (!frac && n > Number.MAX_SAFE_INTEGER)) throw bad(`pax ${k} out of range`);
        return n;
      };
      path = str('path') ?? longName ?? path;
      // Old archives mark directories only by a trailing slash (as Go's archive/tar reads them).
      if (flag === '\0' && path.endsWith('/')) type = 'dir';
      const linkname = str('linkpath') ?? longLink ?? cstr(h, 157, 100);
      const xattrs = new Map<string, Buffer>();
      for (const [k, v] of ext) if (k.startsWith('SCHILY.xattr.')) xattrs.set(k.slice('SCHILY.xattr.'.length), v);
      const realSize = extNum('size', size);
      const header: TarHeader = {
        path,
        type,
        mode: num(h, 100, 8, 'mode') & 0o7777,
        uid: extNum('uid', num(h, 108, 8, 'uid')),
        gid: extNum('gid', num(h, 116, 8, 'gid')),
        // Links, dirs and devices carry no data whatever the size field says (GNU tar agrees).
        size: type === 'file' ? realSize : 0,
        mtime: extNum('mtime', num(h, 136, 12, 'mtime'), true),
        linkname,
        devmajor: type === 'char' || type === 'block' ? num(h, 329, 8, 'devmajor') : 0,
        devminor: type === 'char' || type === 'block' ? num(h, 337, 8, 'devminor') : 0,
        xattrs,
      };
      pax = undefined;
      longName = undefined;
      longLink = undefined;

      // Data blocks follow for files; for the other types, a non-zero size field still has data
      // in the archive (the spec says skip it), so skip it.
      let left = type === 'file' ? realSize : realSize;
      async function* body(): AsyncGenerator<Buffer> {
        while (left > 0 && type === 'file') {
          const c = r.someNow(Math.min(left, 1 << 20)) ?? (await r.some(Math.min(left, 1 << 20)));
          if (c.length === 0) throw tr(bad('unexpected end of archive'));
          left -= c.length;
          yield c;
        }
      }
      yield { header, offset: r.pos, body };
      while (left > 0) {
        const c = r.someNow(Math.min(left, 1 << 20)) ?? (await r.some(Math.min(left, 1 << 20)));
        if (c.length === 0) throw bad('unexpected end of archive');
        left -= c.length;
      }
      const pad = padding(realSize);
      if ((r.readNow(pad) ?? (await r.read(pad))).length < pad) throw bad('unexpected end of archive');
    }
  } catch (e) {
    throw tr(e);
  }
}
