// Crash safety: a dockui process killed (SIGKILL) in the middle of an ingest and an unpack
// leaves a store that check() passes, from which the same blob resumes and the same layer
// unpacks, and whose leftovers gc removes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openStore } from '../../../src/engine/store/index.js';
import { MNT_DETACH, MS_BIND, sysx } from '../../../src/engine/sysx.js';
import { repoRoot, tempRoot } from '../../helpers/env.js';
import { tar } from './tar-writer.js';

const dig = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('gc of a dead process temp dir that still has mounts', () => {
  const t = tempRoot('dockui-gcmount-');
  after(() => t.cleanup());

  it('detaches the mounts first: nothing outside the store is deleted', async () => {
    const s = await openStore(join(t.root, 'store'));
    const outside = join(t.root, 'host-dir');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious'), 'keep me');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const leftover = join(s.root, 'tmp', `build-${dead}-0123456789ab`);
    mkdirSync(join(leftover, 'rootfs', 'mnt'), { recursive: true });
    // A real bind mount, as a dead build's RUN step could have left one.
    sysx().mount(outside, join(leftover, 'rootfs', 'mnt'), '', MS_BIND, null);
    try {
      const r = await s.gc();
      assert.equal(r.tempRemoved, 1);
    } finally {
      try {
        sysx().umount2(join(leftover, 'rootfs', 'mnt'), MNT_DETACH);
      } catch {
        // detached by the gc, as it should be
      }
    }
    assert.equal(readFileSync(join(outside, 'precious'), 'utf8'), 'keep me');
    assert.equal(existsSync(leftover), false);
  });
});

describe('store after a kill -9', () => {
  const t = tempRoot('dockui-crash-');
  after(() => t.cleanup());

  it('passes check, resumes the blob, unpacks the layer, and gc removes the leftovers', async () => {
    const blob = randomBytes(1 << 20);
    const layerTar = tar(Array.from({ length: 3000 }, (_, i) => ({ path: `d${i % 30}/f${i}`, data: `file ${i}` })));
    const layer = gzipSync(layerTar);
    const blobFile = join(t.root, 'blob.bin');
    const layerFile = join(t.root, 'layer.tgz');
    writeFileSync(blobFile, blob);
    writeFileSync(layerFile, layer);
    const storeRoot = join(t.root, 'store');
    // The victim writes half the blob, then unpacks the layer from a stream that stalls
    // two thirds in, and says so: the kill lands with both in flight.
    const script = `
      import { readFileSync } from 'node:fs';
      import { openStore } from ${JSON.stringify(join(repoRoot, 'src/engine/store/index.ts'))};
      const [root, blobFile, layerFile, digest, diffId] = process.argv.slice(1);
      const s = await openStore(root);
      const blob = readFileSync(blobFile);
      const w = await s.ingest(digest, { size: blob.length });
      await w.write(blob.subarray(0, blob.length / 2));
      const layer = readFileSync(layerFile);
      async function* stalling() {
        yield layer.subarray(0, Math.floor(layer.length * 2 / 3));
        process.stdout.write('ready\\n');
        // Stalled for good, and alive: a promise alone keeps no process up, and once the
        // unpack's last file creations land Node would exit (code 13) before the kill.
        setInterval(() => {}, 60_000);
        await new Promise(() => {});
      }
      await s.unpackLayer({ source: stalling(), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', diffId });
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, storeRoot, blobFile, layerFile, dig(blob), dig(layerTar)],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`victim exited early (${code})`)));
    });
    // Let its in-flight file creations land, then kill it hard.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(child.exitCode, null, 'the victim is still running when it is killed');
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;

    const s = await openStore(storeRoot);
    const left = readdirSync(join(storeRoot, 'tmp')).sort();
    assert.ok(
      left.some((n) => n.startsWith('unpack-')),
      `an unpack was in flight: ${left.join(' ')}`,
    );
    assert.ok(left.includes(`ingest-${dig(blob).slice(7)}`), 'the partial blob is there');
    assert.deepEqual((await s.check()).problems, []);
    assert.equal(await s.hasBlob(dig(blob)), false);
    assert.equal(await s.hasLayer(dig(layerTar)), false);

    const w = await s.ingest(dig(blob), { size: blob.length });
    assert.equal(w.offset, blob.length / 2, 'resumes after the dead writer');
    await w.write(blob.subarray(w.offset));
    await w.commit();
    const r = await s.unpackLayer({
      source: Readable.from([layer]),
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      diffId: dig(layerTar),
    });
    assert.equal(r.files, 3000);

    const gc = await s.gc({ partials: true });
    assert.ok(gc.tempRemoved >= 1);
    assert.deepEqual(readdirSync(join(storeRoot, 'tmp')), [], 'the dead unpack and stale lock are gone');
    // Nothing references them, so gc also removed the blob and layer themselves.
    assert.equal(await s.hasBlob(dig(blob)), false);
    assert.deepEqual((await s.check()).problems, []);
  });
});
