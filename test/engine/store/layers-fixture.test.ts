// fixture/layers, fetched by skopeo (an independent client), unpacked layer by layer with
// unpackLayer and stacked with a real overlayfs mount: the tree must be exactly what the
// fixture README says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../../src/engine/store/index.js';
import { MNT_DETACH, sysx } from '../../../src/engine/sysx.js';
import { registry, tempRoot } from '../../helpers/env.js';

interface Manifest {
  config: { digest: string };
  layers: { digest: string; mediaType: string }[];
}

describe('layer unpack of fixture/layers with overlayfs', () => {
  const t = tempRoot('dockui-layers-');
  const oci = join(t.root, 'oci');
  let store: Store;
  let manifest: Manifest;
  let diffIds: string[];
  const blob = (d: string) => join(oci, 'blobs', 'sha256', d.slice(7));

  before(async () => {
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${registry('plain')}/fixture/layers:latest`, `oci:${oci}`]);
    const index = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as Manifest;
    const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] } };
    diffIds = config.rootfs.diff_ids;
    store = await openStore(join(t.root, 'store'));
  });
  after(() => t.cleanup());

  it('unpacks every layer, verified against its diffID', async () => {
    assert.equal(manifest.layers.length, 3);
    for (const [i, l] of manifest.layers.entries()) {
      const progress: number[] = [];
      const r = await store.unpackLayer({
        source: createReadStream(blob(l.digest)),
        mediaType: l.mediaType,
        diffId: diffIds[i]!,
        onProgress: (p) => progress.push(p.entries),
      });
      assert.equal(r.diffId, diffIds[i]);
      assert.equal(r.existed, false);
      assert.ok(progress.length > 0);
      assert.equal(await store.hasLayer(diffIds[i]!), true);
    }
    // A second unpack of a present layer does nothing (and still drains the stream).
    const again = await store.unpackLayer({
      source: createReadStream(blob(manifest.layers[0]!.digest)),
      mediaType: manifest.layers[0]!.mediaType,
      diffId: diffIds[0]!,
    });
    assert.equal(again.existed, true);
    assert.deepEqual(readdirSync(join(store.root, 'tmp')), []);
    // The top layer's whiteout and opaque dir are in overlay's format.
    const top = store.layerPath(diffIds[2]!);
    const st = execFileSync('stat', ['-c', '%F %t:%T', join(top, 'data/a.txt')], { encoding: 'utf8' }).trim();
    assert.equal(st, 'character special file 0:0');
    assert.equal(sysx().lgetxattr(join(top, 'data/dir'), 'trusted.overlay.opaque')?.toString(), 'y');
  });

  it('stacked with overlayfs, gives exactly the tree of the fixture README', () => {
    const mnt = join(t.root, 'mnt');
    const upper = join(t.root, 'upper');
    const work = join(t.root, 'work');
    for (const d of [mnt, upper, work]) mkdirSync(d, { recursive: true });
    const lower = [...diffIds]
      .reverse()
      .map((d) => store.layerPath(d))
      .join(':');
    sysx().mount('overlay', mnt, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
    try {
      assert.equal(readFileSync(join(mnt, 'etc/motd'), 'utf8').trim(), 'motd from layer 3');
      assert.deepEqual(readdirSync(join(mnt, 'data')).sort(), ['b.txt', 'dir']);
      assert.deepEqual(readdirSync(join(mnt, 'data/dir')), ['d.txt']);
      // busybox from the base layer is there and runnable through its symlinks.
      assert.ok(readdirSync(join(mnt, 'bin')).includes('sh'));
      assert.equal(execFileSync('chroot', [mnt, '/bin/cat', '/etc/motd'], { encoding: 'utf8' }).trim(), 'motd from layer 3');
    } finally {
      sysx().umount2(mnt, MNT_DETACH);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it('check() passes on the unpacked layers and finds a tampered one', async () => {
    const clean = await store.check();
    assert.deepEqual(clean.problems, []);
    assert.equal(clean.layers, 3);
    rmSync(join(store.layerPath(diffIds[1]!), 'data/b.txt'));
    const dirty = await store.check();
    assert.equal(dirty.problems.length, 1);
    assert.match(dirty.problems[0]!.problem, /data\/b\.txt: missing/);
  });
});
