// The tar writer (src/engine/fsutil/tar.ts's encodeHeader) against what Go's archive/tar wrote for
// the same entries in `docker cp CONTAINER:PATH -` of a reference dockerd 20.10.24 (Debian's
// docker.io, Go 1.19): its headers' fields as it wrote them, byte for byte. A plain ustar block
// when everything fits — mode with the file type bits (0104755 a setuid file, 0020644 a char
// device), uname/gname, devmajor/devminor — and otherwise a pax header before it: named
// DIR/PaxHeaders.0/FILE (ASCII only, cut at 100 bytes, trailing slash dropped), mode, ids and
// mtime 0, devmajor/devminor left NUL, its records sorted by key; the main block then holds the
// ASCII of what the records carry ("u/café" → "u/caf"), cut to its field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHeader, typeFlag, type TarWriteHeader } from '../../../src/engine/fsutil/tar.js';

/** The fields of one 512-byte header block, as raw latin1 strings (NULs kept, trailing NULs of text fields cut). */
function fields(b: Buffer) {
  const raw = (o: number, n: number) => b.subarray(o, o + n).toString('latin1');
  const text = (o: number, n: number) => raw(o, n).replace(/\0+$/, '');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!;
  assert.equal(raw(148, 8), `${sum.toString(8).padStart(6, '0')}\0 `, 'checksum');
  return {
    name: text(0, 100),
    mode: raw(100, 8),
    uid: raw(108, 8),
    gid: raw(116, 8),
    size: raw(124, 12),
    mtime: raw(136, 12),
    type: raw(156, 1),
    linkname: text(157, 100),
    magic: raw(257, 8),
    uname: text(265, 32),
    gname: text(297, 32),
    devmajor: raw(329, 8),
    devminor: raw(337, 8),
    prefix: text(345, 155),
  };
}

const blocks = (b: Buffer): Buffer[] => Array.from({ length: b.length / 512 }, (_, i) => b.subarray(i * 512, (i + 1) * 512));
const base: Omit<TarWriteHeader, 'name' | 'type'> = {
  mode: 0o100644,
  uid: 0,
  gid: 0,
  size: 0,
  mtime: 0o15305645700,
  uname: 'root',
  gname: 'root',
};
const ustar = { magic: 'ustar\x0000', devmajor: '0000000\0', devminor: '0000000\0', prefix: '' };
/** Go's pax header block: its name, its records' length; the rest zero. */
const paxHead = (name: string, size: number) => ({
  name,
  mode: '0000000\0',
  uid: '0000000\0',
  gid: '0000000\0',
  size: `${size.toString(8).padStart(11, '0')}\0`,
  mtime: '00000000000\0',
  type: 'x',
  linkname: '',
  magic: 'ustar\x0000',
  uname: '',
  gname: '',
  devmajor: '\0'.repeat(8),
  devminor: '\0'.repeat(8),
  prefix: '',
});

describe('tar writer: Go archive/tar headers, as docker cp writes them', () => {
  it('a ustar block: mode with its type bits, uid/gid, owner names, device numbers', () => {
    const file = blocks(
      encodeHeader({
        ...base,
        name: 'data/sub/b',
        type: typeFlag.file,
        mode: 0o104755,
        uid: 65534,
        gid: 65534,
        uname: 'nobody',
        gname: 'nogroup',
        size: 5,
      }),
    );
    assert.equal(file.length, 1);
    assert.deepEqual(fields(file[0]!), {
      ...ustar,
      name: 'data/sub/b',
      mode: '0104755\0',
      uid: '0177776\0',
      gid: '0177776\0',
      size: '00000000005\0',
      mtime: '15305645700\0',
      type: '0',
      linkname: '',
      uname: 'nobody',
      gname: 'nogroup',
    });
    const dev = fields(encodeHeader({ ...base, name: 'data/null', type: typeFlag.char, mode: 0o020644, devmajor: 1, devminor: 3 }));
    assert.deepEqual([dev.mode, dev.type, dev.devmajor, dev.devminor], ['0020644\0', '3', '0000001\0', '0000003\0']);
    const dir = fields(encodeHeader({ ...base, name: 'sg/', type: typeFlag.dir, mode: 0o043775 }));
    assert.deepEqual([dir.name, dir.mode, dir.uname, dir.gname], ['sg/', '0043775\0', 'root', 'root']);
    const link = fields(encodeHeader({ ...base, name: 'data/link', type: typeFlag.symlink, mode: 0o120777, linkname: '/etc/passwd' }));
    assert.deepEqual([link.mode, link.type, link.linkname, link.size], ['0120777\0', '2', '/etc/passwd', '00000000000\0']);
    // A layer's entry (no names given) leaves them empty, its mode as given.
    const layer = fields(encodeHeader({ name: 'f', type: typeFlag.file, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 }));
    assert.deepEqual([layer.mode, layer.uname, layer.gname], ['0000644\0', '', '']);
  });

  it('a path over 100 bytes that splits at a slash: prefix and name, no pax', () => {
    const m = 'm'.repeat(90);
    const b = blocks(encodeHeader({ ...base, name: `data/long/${m}/${m}/split`, type: typeFlag.file, size: 2 }));
    assert.equal(b.length, 1);
    const f = fields(b[0]!);
    // Go splits at the last slash within the prefix's 155 bytes (docker's data/long/mmm…/mmm…/split).
    assert.deepEqual([f.prefix, f.name], [`data/long/${m}`, `${m}/split`]);
  });

  it("a non-ASCII name: a pax path record, the ASCII of it in the header (docker's u/café)", () => {
    const b = blocks(encodeHeader({ ...base, name: 'u/café', type: typeFlag.file, size: 2, gname: 'groot' }));
    assert.equal(b.length, 3);
    assert.deepEqual(fields(b[0]!), paxHead('u/PaxHeaders.0/caf', 16));
    assert.equal(b[1]!.subarray(0, 16).toString(), '16 path=u/café\n');
    assert.ok(b[1]!.subarray(16).equals(Buffer.alloc(512 - 16)));
    assert.deepEqual(fields(b[2]!), {
      ...ustar,
      name: 'u/caf',
      mode: '0100644\0',
      uid: '0000000\0',
      gid: '0000000\0',
      size: '00000000002\0',
      mtime: '15305645700\0',
      type: '0',
      linkname: '',
      uname: 'root',
      gname: 'groot',
    });
  });

  it("a directory whose name cannot split: DIR/PaxHeaders.0 cut at 100 bytes (docker's long/nnn…/)", () => {
    const n = 'n'.repeat(120);
    const b = blocks(encodeHeader({ ...base, name: `long/${n}/`, type: typeFlag.dir, mode: 0o040755 }));
    assert.equal(b.length, 3);
    assert.deepEqual(fields(b[0]!), paxHead(`long/${'n'.repeat(95)}`, 136));
    assert.equal(b[1]!.subarray(0, 136).toString(), `136 path=long/${n}/\n`);
    const main = fields(b[2]!);
    assert.deepEqual([main.name, main.mode, main.type, main.prefix], [`long/${'n'.repeat(95)}`, '0040755\0', '5', '']);
    // A link target over 100 bytes: PaxHeaders.0/NAME at the top.
    const l = blocks(encodeHeader({ ...base, name: 'longlink', type: typeFlag.symlink, mode: 0o120777, linkname: `/${n}${n}` }));
    assert.deepEqual(fields(l[0]!), paxHead('PaxHeaders.0/longlink', 255));
    assert.equal(fields(l[2]!).linkname, `/${n}${n}`.slice(0, 100));
  });

  it('owner names over 32 bytes or not ASCII travel in pax records; records are sorted by key', () => {
    const long = 'a23456789012345678901234567890123';
    const b = blocks(encodeHeader({ ...base, name: 'u/f10', type: typeFlag.file, uid: 10, uname: long, gname: 'gröup' }));
    assert.equal(b.length, 3);
    assert.equal(b[1]!.toString().replace(/\0+$/, ''), `16 gname=gröup\n43 uname=${long}\n`);
    const main = fields(b[2]!);
    assert.deepEqual([main.uname, main.gname, main.uid], [long.slice(0, 32), 'grup', '0000012\0']);
    const x = blocks(
      encodeHeader({
        ...base,
        name: 'capf',
        type: typeFlag.file,
        size: 2,
        linkname: '',
        xattrs: new Map([['security.capability', Buffer.from([1, 0, 0, 2])]]),
        uname: 'ü',
      }),
    );
    assert.deepEqual(fields(x[0]!), paxHead('PaxHeaders.0/capf', 53));
    assert.equal(x[1]!.subarray(0, 53).toString('latin1'), '41 SCHILY.xattr.security.capability=\x01\0\0\x02\n12 uname=Ã¼\n');
  });

  it('numbers that do not fit: a pax record, 0 in the field', () => {
    const b = blocks(encodeHeader({ ...base, name: 'big', type: typeFlag.file, uid: 0o10000000, mtime: -1 }));
    assert.equal(b[1]!.toString().replace(/\0+$/, ''), '12 mtime=-1\n15 uid=2097152\n');
    const main = fields(b[2]!);
    assert.deepEqual([main.uid, main.mtime], ['0000000\0', '00000000000\0']);
  });
});
