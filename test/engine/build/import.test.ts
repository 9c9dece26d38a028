import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { importRootfs } from '../../../src/engine/build/import.js';
import { isEngineError } from '../../../src/engine/define.js';
import { openStore } from '../../../src/engine/store/index.js';
import { dockuiBin, runCli, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-import-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function rootfsTar(gzip: boolean): Buffer {
  const d = mkdtempSync(join(tmp, 'rootfs-'));
  mkdirSync(join(d, 'bin'));
  mkdirSync(join(d, 'etc'));
  writeFileSync(join(d, 'etc/hello'), 'hi\n');
  writeFileSync(join(d, 'bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  symlinkSync('tool', join(d, 'bin/alias'));
  return execFileSync('tar', ['-C', d, '--numeric-owner', '--owner=0', '--group=0', gzip ? '-cz' : '-c', '.'], {
    maxBuffer: 64 << 20,
  });
}

describe('import', () => {
  for (const gzip of [false, true]) {
    it(`makes a one-layer image from a ${gzip ? 'gzip' : 'plain'} rootfs tarball`, async () => {
      const { root, cleanup } = tempRoot();
      try {
        const store = await openStore(root);
        const r = await importRootfs(store, Readable.from([rootfsTar(gzip)]), 'busybox:local');
        assert.equal(r.ref, 'docker.io/library/busybox:local');
        const rec = await store.getImage('busybox:local');
        assert.equal(rec?.configDigest, r.id);
        const cfg = await store.imageConfig('busybox:local');
        assert.deepEqual(cfg.rootfs?.diff_ids, [r.diffId]);
        assert.equal(cfg.os, 'linux');
        const layers = await store.imageLayers('busybox:local');
        assert.equal(layers.length, 1);
        assert.equal(readFileSync(join(layers[0]!.dir, 'etc/hello'), 'utf8'), 'hi\n');
        assert.ok(await store.hasBlob(r.digest));
        const manifest = JSON.parse((await store.readBlob(rec.manifestDigest)).toString()) as { layers: { digest: string }[] };
        assert.equal(manifest.layers[0]?.digest, r.digest);
        assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'no temp files left');
      } finally {
        cleanup();
      }
    });
  }

  it('refuses garbage with one line and leaves nothing behind', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const store = await openStore(root);
      await assert.rejects(
        importRootfs(store, Readable.from([Buffer.from('this is not a tarball at all'.repeat(40))]), 'bad:1'),
        (e: unknown) => isEngineError(e),
      );
      assert.equal(await store.getImage('bad:1'), undefined);
      assert.deepEqual(readdirSync(join(root, 'tmp')), []);
    } finally {
      cleanup();
    }
  });

  it('works from the CLI, from a file and from stdin', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const tarFile = join(tmp, 'rootfs.tar');
      writeFileSync(tarFile, rootfsTar(false));
      const viaFile = await runCli(['import', tarFile, 'local/base:1'], { root });
      assert.equal(viaFile.code, 0, viaFile.stderr);
      assert.match(viaFile.stdout, /^sha256:[0-9a-f]{64}\n$/);
      const viaStdin = execFileSync('bash', ['-c', `node "$BIN" import - local/base:stdin < "$TAR"`], {
        env: { ...process.env, BIN: dockuiBin, TAR: tarFile, DOCKUI_ROOT: root },
        encoding: 'utf8',
      });
      assert.match(viaStdin, /^sha256:[0-9a-f]{64}\n$/);
      const store = await openStore(root);
      const [a, b] = await Promise.all([store.imageConfig('local/base:1'), store.imageConfig('local/base:stdin')]);
      assert.deepEqual(a.rootfs?.diff_ids, b.rootfs?.diff_ids, 'same bytes, same layer');
      const missing = await runCli(['import', join(tmp, 'nope.tar'), 'x:1'], { root });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no such file/);
      assert.ok(existsSync(join(root, 'images')));
    } finally {
      cleanup();
    }
  });
});
