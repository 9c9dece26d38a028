// The tar reader's number fields (src/engine/fsutil/tar.ts): octal as writers really emit it
// (blank- or NUL-terminated, space-padded), GNU base-256, and anything else refused; headers and
// data split across chunk boundaries at every offset read the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHeader, endOfArchive, padding, readTar, typeFlag } from '../../../src/engine/fsutil/tar.js';

/** One file entry whose `size` field (offset 124, 12 bytes) is `field`, checksum recomputed. */
function withSizeField(field: Buffer, data: Buffer): Buffer {
  const h = encodeHeader({ name: 'f', type: typeFlag.file, mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0 });
  field.copy(h, 124);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of h) sum += c;
  Buffer.from(`${sum.toString(8).padStart(6, '0')}\0 `, 'latin1').copy(h, 148);
  return Buffer.concat([h, data, Buffer.alloc(padding(data.length)), endOfArchive()]);
}

async function read(archive: Buffer, chunk = archive.length): Promise<{ path: string; size: number; data: string }[]> {
  async function* src() {
    for (let i = 0; i < archive.length; i += chunk) yield archive.subarray(i, i + chunk);
  }
  const out = [];
  for await (const e of readTar(src())) {
    const parts: Buffer[] = [];
    for await (const c of e.body()) parts.push(c);
    out.push({ path: e.header.path, size: e.header.size, data: Buffer.concat(parts).toString() });
  }
  return out;
}

describe('tar number fields', () => {
  const data = Buffer.from('hello world');
  it('reads octal padded with spaces or zeros, ended by NUL or space', async () => {
    for (const f of ['00000000013\0', '    13     ', '13\0garbage\0', ' 0000013 \0  ', '\t13\n\0\0\0\0\0\0\0\0']) {
      const [e] = await read(withSizeField(Buffer.from(f.padEnd(12, '\0'), 'latin1'), data));
      assert.equal(e!.size, 11, JSON.stringify(f));
      assert.equal(e!.data, 'hello world');
    }
  });

  it('reads GNU base-256', async () => {
    const f = Buffer.alloc(12);
    f[0] = 0x80;
    f[11] = 11;
    const [e] = await read(withSizeField(f, data));
    assert.equal(e!.size, 11);
  });

  it('refuses digits that are not octal, and negative base-256 sizes', async () => {
    for (const f of ['00000000018\0', '1 3\0', '-13\0', '0x0b\0']) {
      await assert.rejects(read(withSizeField(Buffer.from(f.padEnd(12, '\0'), 'latin1'), data)), /size field is not octal/, f);
    }
    await assert.rejects(read(withSizeField(Buffer.alloc(12, 0xff), data)), /negative size/);
  });

  it('reads the same whatever the chunk boundaries', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 30; i++) {
      const body = Buffer.from(`file ${i} `.repeat(i * 7));
      parts.push(encodeHeader({ name: `d/f${i}`, type: typeFlag.file, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 }));
      parts.push(body, Buffer.alloc(padding(body.length)));
    }
    parts.push(endOfArchive());
    const archive = Buffer.concat(parts);
    const whole = await read(archive);
    assert.equal(whole.length, 30);
    for (const chunk of [1, 7, 511, 512, 513, 4096]) assert.deepEqual(await read(archive, chunk), whole, `chunk ${chunk}`);
  });
});
