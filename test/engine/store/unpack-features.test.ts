// What an unpack keeps: ownership, modes (setuid included), mtimes, xattrs, symlinks, hardlinks,
// devices, fifos, long names, replacements; whiteouts in overlay's format; plain tar and zstd
// as well as gzip; the diffID verified; a layer given whole (a Buffer) the same way.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { openStore, type Store } from '../../../src/engine/store/index.js';
import { sysx } from '../../../src/engine/sysx.js';
import { tempRoot } from '../../helpers/env.js';
import { tar, type WEntry } from './tar-writer.js';

const dig = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const long = `deep/${'n'.repeat(150)}/${'m'.repeat(120)}.txt`;

const entries: WEntry[] = [
  { path: './', type: 'dir', mode: 0o755 },
  { path: 'bin/', type: 'dir', mode: 0o755, mtime: 1_600_000_000 },
  { path: 'bin/tool', data: '#!/bin/sh\necho hi\n', mode: 0o4755, uid: 1234, gid: 99, mtime: 1_650_000_000 },
  { path: 'bin/alias', type: 'hardlink', linkname: 'bin/tool' },
  { path: 'bin/ln', type: 'symlink', linkname: '/bin/tool', uid: 7, gid: 8 },
  { path: 'etc/conf', data: 'v1' },
  { path: 'etc/conf', data: 'v2 replaced' },
  { path: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
  { path: 'dev/sda', type: 'block', devmajor: 8, devminor: 0, mode: 0o660 },
  { path: 'run/fifo', type: 'fifo', mode: 0o600 },
  { path: long, data: 'long name', pax: { path: long } },
  {
    path: 'x',
    data: 'with xattrs',
    pax: { 'SCHILY.xattr.user.origin': 'dockui', 'SCHILY.xattr.trusted.overlay.opaque': 'y', mtime: '1650000000.5' },
  },
  { path: 'gone/.wh.old', data: '' },
  { path: 'gone/kept', data: 'k' },
  { path: 'opq/.wh..wh..opq', data: '' },
  { path: 'opq/new', data: 'n' },
  { path: 'big', data: Buffer.alloc(3 * 1024 * 1024 + 7, 0x61) },
  { path: 'ln-long', type: 'symlink', linkname: 'short', pax: { linkpath: `/${'t'.repeat(200)}` } },
  { path: `gnu/${'g'.repeat(130)}`, data: 'gnu long name', gnuLongName: true },
  { path: 'bigids', data: 'ids', pax: { uid: '3000000', gid: '3000001' } },
];

describe('layer unpack keeps what a layer says', () => {
  const t = tempRoot('dockui-unpack-');
  let store: Store;
  before(async () => {
    store = await openStore(t.root);
  });
  after(() => t.cleanup());

  it('unpacks a plain tar with every entry kind and its metadata', async () => {
    const data = tar(entries);
    const r = await store.unpackLayer({
      source: Readable.from([data.subarray(0, 700), data.subarray(700)]),
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
    });
    assert.equal(r.diffId, dig(data));
    const d = store.layerPath(r.diffId);
    const tool = lstatSync(join(d, 'bin/tool'));
    assert.equal(tool.mode & 0o7777, 0o4755);
    assert.equal(tool.uid, 1234);
    assert.equal(tool.gid, 99);
    assert.equal(tool.mtimeMs, 1_650_000_000_000);
    assert.equal(lstatSync(join(d, 'bin/alias')).ino, tool.ino, 'hardlink kept');
    assert.equal(readlinkSync(join(d, 'bin/ln')), '/bin/tool');
    assert.equal(lstatSync(join(d, 'bin/ln')).uid, 7);
    assert.equal(lstatSync(join(d, 'bin')).mtimeMs, 1_600_000_000_000, 'dir mtime set after its children');
    assert.equal(readFileSync(join(d, 'etc/conf'), 'utf8'), 'v2 replaced');
    const nul = lstatSync(join(d, 'dev/null'));
    assert.ok(nul.isCharacterDevice());
    assert.equal(nul.rdev, (1 << 8) | 3);
    assert.ok(lstatSync(join(d, 'dev/sda')).isBlockDevice());
    assert.ok(lstatSync(join(d, 'run/fifo')).isFIFO());
    assert.equal(readFileSync(join(d, long), 'utf8'), 'long name');
    assert.equal(sysx().lgetxattr(join(d, 'x'), 'user.origin')?.toString(), 'dockui');
    assert.equal(sysx().lgetxattr(join(d, 'x'), 'trusted.overlay.opaque'), undefined, 'overlay xattrs from content are dropped');
    assert.equal(lstatSync(join(d, 'x')).mtimeMs, 1_650_000_000_500);
    const wh = lstatSync(join(d, 'gone/old'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.deepEqual(readdirSync(join(d, 'gone')).sort(), ['kept', 'old']);
    assert.equal(sysx().lgetxattr(join(d, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.deepEqual(readdirSync(join(d, 'opq')), ['new']);
    assert.equal(lstatSync(join(d, 'big')).size, 3 * 1024 * 1024 + 7);
    assert.equal(readlinkSync(join(d, 'ln-long')), `/${'t'.repeat(200)}`);
    assert.equal(readFileSync(join(d, `gnu/${'g'.repeat(130)}`), 'utf8'), 'gnu long name');
    assert.deepEqual([lstatSync(join(d, 'bigids')).uid, lstatSync(join(d, 'bigids')).gid], [3000000, 3000001]);
    assert.equal(r.files, 10);
    assert.deepEqual((await store.check()).problems, []);
  });

  it("an entry in a set-group-ID directory gets the layer's group, not the directory's (no chown is skipped there)", async () => {
    const data = tar([
      { path: 'shared/', type: 'dir', mode: 0o2775, gid: 4321 },
      { path: 'shared/f', data: 'f', uid: 0, gid: 0 },
      { path: 'shared/l', type: 'symlink', linkname: 'f', uid: 0, gid: 0 },
      { path: 'shared/d/', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
      { path: 'plain/f', data: 'p', uid: 0, gid: 0 },
    ]);
    const r = await store.unpackLayer({ source: Readable.from([data]), mediaType: 'application/vnd.oci.image.layer.v1.tar' });
    const d = store.layerPath(r.diffId);
    assert.equal(lstatSync(join(d, 'shared')).gid, 4321);
    assert.equal(lstatSync(join(d, 'shared')).mode & 0o7777, 0o2775);
    for (const e of ['shared/f', 'shared/l', 'shared/d', 'plain/f'])
      assert.deepEqual([lstatSync(join(d, e)).uid, lstatSync(join(d, e)).gid], [0, 0], e);
  });

  it('unpacks zstd through the zstd binary', async () => {
    const data = tar([{ path: 'z/file', data: 'zstd content' }]);
    const z = execFileSync('zstd', ['-q', '-c'], { input: data });
    const r = await store.unpackLayer({
      source: Readable.from([z]),
      mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd',
      diffId: dig(data),
    });
    assert.equal(readFileSync(join(store.layerPath(r.diffId), 'z/file'), 'utf8'), 'zstd content');
  });

  it('refuses content that does not match the diffID and leaves nothing', async () => {
    const data = tar([{ path: 'q', data: 'q' }]);
    const wrong = dig(Buffer.from('other'));
    await assert.rejects(
      store.unpackLayer({ source: Readable.from([data]), mediaType: 'application/vnd.oci.image.layer.v1.tar', diffId: wrong }),
      (e) => isEngineError(e) && e.code === 'unavailable' && /failed verification/.test(e.message),
    );
    assert.equal(await store.hasLayer(wrong), false);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });

  it('a layer given whole (a Buffer): inflated at once, diffID checked before any write, hostile entries refused', async () => {
    const data = tar([...entries, { path: 'whole', data: 'given whole' }]); // not the layer the first test made
    const gz = 'application/vnd.oci.image.layer.v1.tar+gzip';
    const r = await store.unpackLayer({ source: gzipSync(data), mediaType: gz, diffId: dig(data) });
    assert.equal(r.diffId, dig(data));
    assert.equal(r.existed, false);
    const d = store.layerPath(r.diffId);
    assert.equal(lstatSync(join(d, 'bin/tool')).mode & 0o7777, 0o4755);
    assert.equal(lstatSync(join(d, 'bin/alias')).ino, lstatSync(join(d, 'bin/tool')).ino);
    assert.equal(readFileSync(join(d, 'etc/conf'), 'utf8'), 'v2 replaced');
    assert.equal(lstatSync(join(d, 'big')).size, 3 * 1024 * 1024 + 7);
    assert.equal(readFileSync(join(d, 'whole'), 'utf8'), 'given whole');
    assert.equal(r.files, 11);
    const again = await store.unpackLayer({ source: gzipSync(data), mediaType: gz, diffId: dig(data) });
    assert.equal(again.existed, true);
    const small = tar([{ path: 'w', data: 'whole' }]);
    const wrong = dig(Buffer.from('not it'));
    await assert.rejects(
      store.unpackLayer({ source: gzipSync(small), mediaType: gz, diffId: wrong }),
      (e) => isEngineError(e) && e.code === 'unavailable' && /failed verification/.test(e.message),
    );
    await assert.rejects(
      store.unpackLayer({ source: gzipSync(small).subarray(0, 20), mediaType: gz }),
      (e) => isEngineError(e) && e.code === 'unavailable' && /damaged or cut short/.test(e.message),
    );
    const hostile = tar([{ path: '../escape', data: 'x' }]);
    await assert.rejects(
      store.unpackLayer({ source: gzipSync(hostile), mediaType: gz, diffId: dig(hostile) }),
      (e) => isEngineError(e) && e.code === 'invalid_argument' && /climbs out/.test(e.message),
    );
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
    // zstd given whole goes through the streaming path.
    const z = tar([{ path: 'z/whole', data: 'zstd whole' }]);
    const rz = await store.unpackLayer({
      source: execFileSync('zstd', ['-q', '-c'], { input: z }),
      mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd',
      diffId: dig(z),
    });
    assert.equal(readFileSync(join(store.layerPath(rz.diffId), 'z/whole'), 'utf8'), 'zstd whole');
    assert.deepEqual((await store.check()).problems, []);
  });

  it('stops on abort and cleans up', async () => {
    const ac = new AbortController();
    const data = tar(Array.from({ length: 2000 }, (_, i) => ({ path: `many/f${i}`, data: `${i}` })));
    async function* slow() {
      for (let i = 0; i < data.length; i += 4096) {
        if (i === 4096 * 20) ac.abort();
        yield data.subarray(i, i + 4096);
      }
    }
    await assert.rejects(
      store.unpackLayer({ source: slow(), mediaType: 'application/vnd.oci.image.layer.v1.tar', signal: ac.signal }),
      (e) => isEngineError(e) && e.code === 'canceled',
    );
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });

  it("hands a source's own error back unchanged (the puller retries resets)", async () => {
    const data = tar(Array.from({ length: 50 }, (_, i) => ({ path: `r/f${i}`, data: 'x'.repeat(1000) })));
    // A fake source, to inject a connection reset mid-layer (the registry cannot be made to).
    async function* resetting() {
      yield data.subarray(0, 20_000);
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    }
    await assert.rejects(
      store.unpackLayer({ source: resetting(), mediaType: 'application/vnd.oci.image.layer.v1.tar' }),
      (e) => !isEngineError(e) && (e as NodeJS.ErrnoException).code === 'ECONNRESET',
    );
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });

  it('two unpacks of the same layer at once: both succeed, one layer is kept', async () => {
    const data = tar(Array.from({ length: 300 }, (_, i) => ({ path: `same/f${i}`, data: `${i}` })));
    const mk = () => store.unpackLayer({ source: Readable.from([data]), mediaType: 'application/vnd.oci.image.layer.v1.tar' });
    const [a, b] = await Promise.all([mk(), mk()]);
    assert.equal(a.diffId, b.diffId);
    assert.deepEqual([a.existed, b.existed].sort(), [false, true]);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
    assert.equal(readdirSync(store.layerPath(a.diffId) + '/same').length, 300);
  });

  it('adopts an overlay upper dir as a layer', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const up = join(t.root, 'tmp', 'upper-test');
    mkdirSync(join(up, 'app'), { recursive: true });
    writeFileSync(join(up, 'app/main.js'), 'console.log(1)');
    sysx().mknod(join(up, 'removed'), 0o020000, 0, 0);
    const diffId = dig(Buffer.from('pretend diff id of the upper tar'));
    const r = await store.adoptLayer(up, { diffId });
    assert.equal(r.existed, false);
    assert.equal(r.files, 1);
    assert.equal(readFileSync(join(store.layerPath(diffId), 'app/main.js'), 'utf8'), 'console.log(1)');
    assert.deepEqual((await store.check()).problems, []);
  });
});

describe('a full disk', () => {
  const t = tempRoot('dockui-enospc-');
  after(() => {
    try {
      sysx().umount2(t.root, 2);
    } finally {
      t.cleanup();
    }
  });

  it('fails the unpack and the ingest with one clear line and leaves nothing', async () => {
    // A real 1 MiB tmpfs as the store: the kernel reports ENOSPC, nothing is faked.
    sysx().mount('tmpfs', t.root, 'tmpfs', 0, 'size=1m');
    const store = await openStore(t.root);
    const data = tar([{ path: 'big', data: Buffer.alloc(3 << 20, 1) }]);
    await assert.rejects(
      store.unpackLayer({ source: Readable.from([data]), mediaType: 'application/vnd.oci.image.layer.v1.tar' }),
      (e) =>
        isEngineError(e) &&
        e.code === 'unavailable' &&
        /^cannot unpack layer: no space left on the device holding the store \(diff\/big\)$/.test(e.message),
    );
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
    const w = await store.ingest(dig(data), { size: data.length });
    await assert.rejects(
      (async () => {
        for (let i = 0; i < data.length; i += 65536) await w.write(data.subarray(i, i + 65536));
      })(),
      (e) => isEngineError(e) && /^cannot write blob sha256:[0-9a-f]{64}: no space left/.test(e.message),
    );
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });
});
