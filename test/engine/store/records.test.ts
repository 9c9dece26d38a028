// Image records: naming semantics, and correctness with several dockui processes at once.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { openStore, type Store } from '../../../src/engine/store/index.js';
import { repoRoot, tempRoot } from '../../helpers/env.js';

/** A config + manifest pair in the store; returns their digests. */
async function fakeImage(s: Store, n: number) {
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', created: `2024-01-0${n}T00:00:00Z`, rootfs: { type: 'layers', diff_ids: [] }, n }),
  );
  const configDigest = await s.putBlob(config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: configDigest, size: config.length }, layers: [] }));
  const manifestDigest = await s.putBlob(manifest);
  return { configDigest, manifestDigest, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
}

describe('image records', () => {
  const t = tempRoot('dockui-records-');
  let s: Store;
  before(async () => {
    s = await openStore(t.root);
  });
  after(() => t.cleanup());

  it('names, resolves by name, id and prefix, tags and untags', async () => {
    const a = await fakeImage(s, 1);
    const b = await fakeImage(s, 2);
    await s.setImage('busybox', a);
    assert.equal((await s.getImage('docker.io/library/busybox:latest'))?.configDigest, a.configDigest);
    assert.equal((await s.resolveImage('busybox:latest')).id, a.configDigest);
    assert.equal((await s.resolveImage(a.configDigest)).id, a.configDigest);
    assert.equal((await s.resolveImage(a.configDigest.slice(7, 19))).id, a.configDigest);
    assert.equal((await s.resolveImage(`busybox@${a.manifestDigest}`)).id, a.configDigest);
    assert.equal(await s.tagImage('busybox', '127.0.0.1:5000/x/y:v1'), '127.0.0.1:5000/x/y:v1');
    let list = await s.listImages();
    assert.deepEqual(
      list.map((i) => i.names),
      [['127.0.0.1:5000/x/y:v1', 'docker.io/library/busybox:latest']],
    );
    // Moving a tag away from the only image it named leaves that image dangling.
    await s.setImage('127.0.0.1:5000/x/y:v1', b);
    await s.setImage('busybox', b);
    list = await s.listImages();
    assert.equal(list.length, 2);
    assert.deepEqual(list.find((i) => i.id === a.configDigest)?.names, []);
    // By id with several names: refused without force.
    await s.tagImage(b.configDigest, 'other:1');
    await assert.rejects(s.removeImage(b.configDigest), (e) => isEngineError(e) && e.code === 'conflict');
    assert.deepEqual(await s.removeImage('other:1'), { untagged: ['docker.io/library/other:1'], deleted: [] });
    await s.tagImage(b.configDigest, 'bydigest:1');
    const man = (await s.getImage('bydigest:1'))!.manifestDigest;
    assert.deepEqual(await s.removeImage(`bydigest@${man}`), { untagged: ['docker.io/library/bydigest:1'], deleted: [] });
    await assert.rejects(s.resolveImage('nope'), (e) => isEngineError(e) && e.code === 'not_found');
    await assert.rejects(s.resolveImage('Bad Name'), (e) => isEngineError(e) && e.code === 'invalid_argument');
  });

  it('refuses removing an image a container uses, unless forced or it only loses one of its names', async () => {
    const c = await fakeImage(s, 3);
    await s.setImage('used:1', c);
    mkdirSync(join(t.root, 'containers', 'abc123'), { recursive: true });
    writeFileSync(join(t.root, 'containers', 'abc123', 'record.json'), JSON.stringify({ id: 'abc123', imageId: c.configDigest }));
    await assert.rejects(
      s.removeImage('used:1'),
      (e) => isEngineError(e) && e.code === 'conflict' && /in use by container abc123/.test(e.message),
    );
    assert.equal((await s.listImages()).find((i) => i.id === c.configDigest)?.inUse, 1);
    // A second name: removing one of two only untags it, as dockerd does, container or not; the
    // image itself (by id) still waits for its container.
    await s.setImage('used:2', c);
    assert.deepEqual(await s.removeImage('used:2'), { untagged: ['docker.io/library/used:2'], deleted: [] });
    await s.setImage('used:2', c);
    await assert.rejects(s.removeImage(c.configDigest), (e) => isEngineError(e) && e.code === 'conflict');
    assert.deepEqual(await s.removeImage('used:2'), { untagged: ['docker.io/library/used:2'], deleted: [] });
    assert.deepEqual(await s.removeImage('used:1', { force: true }), { untagged: ['docker.io/library/used:1'], deleted: [] });
    const kept = (await s.listImages()).find((i) => i.id === c.configDigest);
    assert.deepEqual([kept?.names, kept?.inUse], [[], 1], 'kept unnamed while the container exists');
    rmSync(join(t.root, 'containers', 'abc123'), { recursive: true });
    assert.deepEqual(await s.removeImage(c.configDigest), { untagged: [], deleted: [c.configDigest] });
  });

  it('breaks a lock left by a dead process', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(t.root, 'images', 'records.lock'), `${dead.stdout}\n`);
    const d = await fakeImage(s, 4);
    await s.setImage('after-crash:1', d);
    assert.ok(await s.getImage('after-crash:1'));
  });

  it('breaks a lock whose pid now belongs to another process (pid reuse)', async () => {
    // Our own pid is alive, but the lock says it started at another time: a previous owner.
    writeFileSync(join(t.root, 'images', 'records.lock'), `${process.pid} 1\n`);
    const d = await fakeImage(s, 6);
    await s.setImage('after-reuse:1', d);
    assert.ok(await s.getImage('after-reuse:1'));
  });

  it('loses no update with four processes writing records at once', async () => {
    const procs = 4;
    const per = 25;
    const script = `
      import { openStore } from ${JSON.stringify(join(repoRoot, 'src/engine/store/index.ts'))};
      const s = await openStore(process.argv[1]);
      const [p, per, cfg, man] = process.argv.slice(2);
      for (let i = 0; i < Number(per); i++)
        await s.setImage('proc' + p + '/img:' + i, { configDigest: cfg, manifestDigest: man, mediaType: 'x' });
    `;
    const img = await fakeImage(s, 5);
    await Promise.all(
      Array.from(
        { length: procs },
        (_, p) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              [
                '--import',
                'tsx',
                '--input-type=module',
                '-e',
                script,
                t.root,
                String(p),
                String(per),
                img.configDigest,
                img.manifestDigest,
              ],
              { stdio: ['ignore', 'inherit', 'inherit'], cwd: repoRoot },
            );
            child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${p} exited ${code}`))));
          }),
      ),
    );
    const names = (await s.listImages()).find((i) => i.id === img.configDigest)!.names;
    assert.equal(names.length, procs * per);
    assert.deepEqual((await s.check()).problems, []);
  });
});

describe('gc and concurrent writers', () => {
  const t = tempRoot('dockui-lease-');
  after(() => t.cleanup());

  it('a gc in another process leaves alone what a live writer has not recorded yet', async () => {
    const s = await openStore(t.root);
    // Another process writes a blob and stays alive without recording an image.
    const script = `
      import { openStore } from ${JSON.stringify(join(repoRoot, 'src/engine/store/index.ts'))};
      const s = await openStore(process.argv[1]);
      const d = await s.putBlob(Buffer.from('written, not yet recorded'));
      process.stdout.write(d + '\\n');
      await new Promise((r) => setTimeout(r, 30000));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, t.root], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const digest = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    try {
      await assert.rejects(
        s.gc({ waitMs: 300 }),
        (e) => isEngineError(e) && e.code === 'unavailable' && /pull or build is running/.test(e.message),
      );
      assert.equal(await s.hasBlob(digest), true);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // Its writer is dead now: its lease is stale and the unreferenced blob goes.
    const r = await s.gc();
    assert.equal(r.blobsRemoved, 1);
    assert.equal(await s.hasBlob(digest), false);
  });
});
