// Push to the real fixture registry (plain and token modes), read back by skopeo (an
// independent client) and pulled back into a fresh root with the same digests.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { importRootfs } from '../../../src/engine/build/import.js';
import { isEngineError } from '../../../src/engine/define.js';
import { pullImage } from '../../../src/engine/images/pull.js';
import { forgetClients } from '../../../src/engine/registry/client.js';
import { storeCredentials } from '../../../src/engine/registry/credentials.js';
import { pushImage } from '../../../src/engine/registry/push.js';
import { type Store, openStore } from '../../../src/engine/store/index.js';
import { fixtureUser, registry, tempRoot } from '../../helpers/env.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';

const exec = promisify(execFile);
const code = (c: string, re?: RegExp) => (e: unknown) => isEngineError(e) && e.code === c && (!re || re.test(e.message));
const work = mkdtempSync(join(tmpdir(), 'dockui-push-'));
process.env.DOCKER_CONFIG = join(work, 'docker');
process.env.DOCKUI_REGISTRY_RETRY_BASE_MS = '20';
after(() => rmSync(work, { recursive: true, force: true }));

/** A one-layer image of random (so: new to the registry, incompressible) content, named `name`. */
async function uniqueImage(store: Store, name: string, bytes: number): Promise<string> {
  const dir = join(work, `rootfs-${randomBytes(4).toString('hex')}`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data/random.bin'), randomBytes(bytes));
  writeFileSync(join(dir, 'data/hello.txt'), 'hello from a dockui push test\n');
  const tar = `${dir}.tar`;
  await exec('tar', ['-C', dir, '-cf', tar, '.']);
  const r = await importRootfs(store, createReadStream(tar), name);
  return r.id;
}

const skopeoCreds = (mode: 'plain' | 'token') => (mode === 'token' ? [`--creds=${fixtureUser.username}:${fixtureUser.password}`] : []);

describe('push', () => {
  for (const mode of ['plain', 'token'] as const) {
    it(`pushes monolithic and chunked blobs, read back by skopeo and pulled back (${mode})`, async () => {
      if (mode === 'token') await storeCredentials(registry(mode), fixtureUser);
      const t = tempRoot();
      const back = tempRoot();
      try {
        const store = await openStore(t.root);
        const name = `${registry(mode)}/pushed/${mode}-${randomBytes(4).toString('hex')}:v1`;
        const id = await uniqueImage(store, name, 1_500_000);
        // 512 KiB chunks: the layer goes up in PATCH chunks, the config in one PUT.
        const r = await pushImage(store, name, { chunkSize: 512 << 10 });
        assert.equal(r.uploaded, 2);
        assert.equal(r.digest, (await store.getImage(name))?.manifestDigest);

        const { stdout } = await exec('skopeo', ['inspect', '--tls-verify=false', ...skopeoCreds(mode), `docker://${name}`]);
        const info = JSON.parse(stdout) as { Digest: string; Layers: string[] };
        assert.equal(info.Digest, r.digest);
        const oci = join(work, `oci-${mode}`);
        await exec('skopeo', [
          'copy',
          '--src-tls-verify=false',
          ...skopeoCreds(mode).map((c) => c.replace('--creds', '--src-creds')),
          `docker://${name}`,
          `oci:${oci}:v1`,
        ]);

        const fresh = await openStore(back.root);
        const p = await pullImage(fresh, name);
        assert.equal(p.digest, r.digest);
        assert.equal(p.id, id);
        const layers = await fresh.imageLayers(name);
        assert.equal(layers.length, 1);

        // A second push finds every blob there already.
        const again = await pushImage(store, name);
        assert.equal(again.uploaded, 0);
        assert.equal(again.existed, 2);
        // Another repository of the same registry: blobs are mounted, not sent again.
        const other = name.replace('/pushed/', '/pushed-copy/');
        await store.tagImage(name, other);
        const mounted = await pushImage(store, other);
        assert.equal(mounted.uploaded, 0);
        assert.equal(mounted.mounted, 2);
      } finally {
        t.cleanup();
        back.cleanup();
      }
    });
  }

  it('refuses to push anonymously to the token registry, and names what is missing', async () => {
    rmSync(join(work, 'docker'), { recursive: true, force: true });
    forgetClients();
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      const name = `${registry('token')}/pushed/anon-${randomBytes(4).toString('hex')}:v1`;
      await uniqueImage(store, name, 1000);
      await assert.rejects(pushImage(store, name), code('unauthorized', /dockui login/));
      await assert.rejects(pushImage(store, `${registry('plain')}/nothing/here:v1`), code('not_found', /no such image/));
    } finally {
      t.cleanup();
    }
  });

  describe('through faults', () => {
    let proxy: FaultProxy;
    before(async () => {
      proxy = await startFaultProxy(registry('plain'));
    });
    after(() => proxy.close());

    it('retries failed uploads and answers a persistent failure with one error', async () => {
      const t = tempRoot();
      try {
        const store = await openStore(t.root);
        const name = `${proxy.addr}/pushed/faults-${randomBytes(4).toString('hex')}:v1`;
        await uniqueImage(store, name, 300_000);
        proxy.add({ method: 'PATCH', path: /uploads/, fault: { kind: 'status', status: 500 } });
        proxy.add({ method: 'PUT', path: /uploads/, fault: { kind: 'status', status: 503 } });
        proxy.add({
          method: 'HEAD',
          path: /blobs/,
          fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
        });
        // A connection dropped mid-upload: the blob goes up again in a new upload session.
        proxy.add({ method: 'PATCH', path: /uploads/, fault: { kind: 'drop' } });
        const r = await pushImage(store, name, { chunkSize: 100_000 });
        assert.equal(r.uploaded, 2);
        assert.ok(proxy.log.filter((l) => l.fault).length >= 4);
        assert.ok(proxy.log.some((l) => l.fault === 'drop'));
        const { stdout } = await exec('skopeo', [
          'inspect',
          '--tls-verify=false',
          `docker://${name.replace(proxy.addr, registry('plain'))}`,
        ]);
        assert.equal((JSON.parse(stdout) as { Digest: string }).Digest, r.digest);

        const name2 = `${proxy.addr}/pushed/faults-${randomBytes(4).toString('hex')}:v1`;
        await uniqueImage(store, name2, 1000);
        proxy.clear();
        proxy.add({
          method: 'PUT',
          path: /uploads/,
          fault: { kind: 'status', status: 500 },
          times: Infinity,
        });
        await assert.rejects(pushImage(store, name2), code('unavailable'));
        // No manifest went up: the tag does not exist.
        await assert.rejects(exec('skopeo', ['inspect', '--tls-verify=false', `docker://${name2.replace(proxy.addr, registry('plain'))}`]));
      } finally {
        t.cleanup();
      }
    });
  });
});
