// Pulls of every fixture image from the real registries (plain, basic auth, bearer token),
// OCI and Docker schema 2, platform selection, and faults injected by the test proxy.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type PullProgress, isEngineError } from '../../../src/engine/define.js';
import { pullImage } from '../../../src/engine/images/pull.js';
import { forgetClients } from '../../../src/engine/registry/client.js';
import { storeCredentials } from '../../../src/engine/registry/credentials.js';
import { openStore } from '../../../src/engine/store/index.js';
import { fixtureUser, registry, tempRoot } from '../../helpers/env.js';
import { assertStoreSound } from './store-sound.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';

const code = (c: string, re?: RegExp) => (e: unknown) => isEngineError(e) && e.code === c && (!re || re.test(e.message));
const dockerConfig = mkdtempSync(join(tmpdir(), 'dockui-dcfg-'));
process.env.DOCKER_CONFIG = dockerConfig;
process.env.DOCKUI_REGISTRY_RETRY_BASE_MS = '20';
after(() => rmSync(dockerConfig, { recursive: true, force: true }));

const images = ['busybox:latest', 'busybox:v2s2', 'layers:latest', 'web:latest', 'multiarch:latest'];

describe('pull from the fixture registries', () => {
  for (const mode of ['plain', 'auth', 'token'] as const) {
    it(`pulls every fixture image (${mode})`, async () => {
      if (mode !== 'plain') await storeCredentials(registry(mode), fixtureUser); // what `dockui login` stores
      const t = tempRoot();
      try {
        const store = await openStore(t.root);
        for (const img of images) {
          const ref = `${registry(mode)}/fixture/${img}`;
          const r = await pullImage(store, ref);
          const rec = await store.getImage(ref);
          assert.equal(rec?.manifestDigest, r.digest, img);
          assert.equal(rec?.configDigest, r.id);
          assert.ok(await store.hasBlob(r.digest));
          const layers = await store.imageLayers(ref);
          assert.ok(layers.length >= 1);
          for (const l of layers) assert.ok(existsSync(l.dir), l.dir);
        }
        const v2 = await store.getImage(`${registry(mode)}/fixture/busybox:v2s2`);
        assert.equal(v2?.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
        const oci = await store.getImage(`${registry(mode)}/fixture/busybox:latest`);
        assert.equal(oci?.mediaType, 'application/vnd.oci.image.manifest.v1+json');
        await assertStoreSound(store);
      } finally {
        t.cleanup();
      }
    });
  }

  it('picks amd64 from the index by default and arm64 with --platform', async () => {
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      const ref = `${registry('plain')}/fixture/multiarch`;
      const arch = async () => {
        const layers = await store.imageLayers(ref);
        return readFileSync(join(layers[layers.length - 1]!.dir, 'etc/arch'), 'utf8').trim();
      };
      const a = await pullImage(store, ref);
      assert.equal(a.platform, 'linux/amd64');
      assert.ok(a.indexDigest);
      assert.match(await arch(), /amd64/);
      const b = await pullImage(store, ref, { platform: 'linux/arm64/v8' });
      assert.equal(b.platform, 'linux/arm64');
      assert.equal(b.indexDigest, a.indexDigest);
      assert.notEqual(b.digest, a.digest);
      assert.match(await arch(), /arm64/);
      // By the index's digest: verified, then the platform picked from it as by tag.
      const c = await pullImage(store, `${registry('plain')}/fixture/multiarch@${a.indexDigest}`);
      assert.equal(c.digest, a.digest);
      await assert.rejects(pullImage(store, ref, { platform: 'linux/riscv64' }), code('not_found', /no image for linux\/riscv64/));
      await assert.rejects(pullImage(store, ref, { platform: 'linux' }), code('invalid_argument', /invalid platform/));
      // A single-platform image refuses another platform asked for explicitly.
      await assert.rejects(
        pullImage(store, `${registry('plain')}/fixture/busybox`, { platform: 'linux/arm64' }),
        code('not_found', /is for linux\/amd64/),
      );
    } finally {
      t.cleanup();
    }
  });

  it('pulls by digest, reports progress, and is up to date the second time', async () => {
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      const ref = `${registry('plain')}/fixture/layers`;
      const seen: PullProgress[] = [];
      const r = await pullImage(store, ref, { onProgress: (p) => seen.push(p) });
      assert.equal(r.upToDate, false);
      assert.ok(r.downloaded > 0);
      const last = seen[seen.length - 1]!;
      assert.equal(last.layers.length, 3);
      assert.ok(last.layers.every((l) => l.phase === 'done' && l.current === l.total));
      assert.equal(last.current, last.total);
      assert.ok(seen.some((p) => p.layers.some((l) => l.phase === 'downloading')));
      const again = await pullImage(store, ref);
      assert.equal(again.upToDate, true);
      assert.equal(again.downloaded, 0);
      const byDigest = await pullImage(store, `${registry('plain')}/fixture/layers@${r.digest}`);
      assert.equal(byDigest.id, r.id);
      await assert.rejects(pullImage(store, `${registry('plain')}/fixture/layers@sha256:${'0'.repeat(64)}`), code('not_found'));
      await assert.rejects(pullImage(store, `${registry('plain')}/fixture/nope`), code('not_found', /not found/));
      await assert.rejects(pullImage(store, 'Bad/Name'), code('invalid_argument', /invalid reference format/));
      await assertStoreSound(store);
    } finally {
      t.cleanup();
    }
  });

  it('needs a login on the basic-auth registry', async () => {
    rmSync(join(dockerConfig, 'config.json'), { force: true });
    forgetClients(); // as `dockui logout` does
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      await assert.rejects(
        pullImage(store, `${registry('auth')}/fixture/busybox`),
        code('unauthorized', /requires a login \(run 'dockui login/),
      );
      assert.deepEqual(await store.listImages(), []);
    } finally {
      t.cleanup();
    }
  });
});

/** The OCI manifest of fixture/NAME:latest on the plain registry, read directly. */
async function fixtureManifest(name: string) {
  const r = await fetch(`http://${registry('plain')}/v2/fixture/${name}/manifests/latest`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  return (await r.json()) as { config: { digest: string }; layers: { digest: string; size: number }[] };
}

/** Puts a blob and returns its descriptor: raw distribution-API calls, to plant odd content. */
async function putBlob(addr: string, repo: string, data: Buffer, mediaType: string) {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const start = await fetch(`http://${addr}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  const loc = new URL(start.headers.get('location')!, `http://${addr}`);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, {
    method: 'PUT',
    body: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(put.status, 201);
  return { mediaType, digest, size: data.length };
}

async function putManifest(addr: string, repo: string, tag: string, m: object) {
  const r = await fetch(`http://${addr}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: JSON.stringify(m),
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(r.status, 201, await r.text());
}

describe('pull of hostile or odd content from the real registry', () => {
  it('refuses artifacts, unknown layer types and configs that do not match their manifest', async () => {
    const addr = registry('plain');
    const repo = `odd/thing-${Date.now()}`;
    const layer = await putBlob(addr, repo, Buffer.from('not a tar at all'), 'application/vnd.oci.image.layer.v1.tar');
    const artifactCfg = await putBlob(addr, repo, Buffer.from('{}'), 'application/vnd.example.thing+json');
    await putManifest(addr, repo, 'artifact', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: artifactCfg,
      layers: [layer],
    });
    const cfg = await putBlob(
      addr,
      repo,
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })),
      'application/vnd.oci.image.config.v1+json',
    );
    await putManifest(addr, repo, 'mismatch', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: cfg,
      layers: [layer],
    });
    await putManifest(addr, repo, 'oddlayer', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: cfg,
      layers: [{ ...layer, mediaType: 'application/x-strange' }],
    });
    const cfg1 = await putBlob(
      addr,
      repo,
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] },
        }),
      ),
      'application/vnd.oci.image.config.v1+json',
    );
    await putManifest(addr, repo, 'badtar', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: cfg1,
      layers: [layer],
    });
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      await assert.rejects(pullImage(store, `${addr}/${repo}:artifact`), code('failed_precondition', /is not a container image/));
      await assert.rejects(
        pullImage(store, `${addr}/${repo}:mismatch`),
        code('failed_precondition', /config lists 0 layers but its manifest 1/),
      );
      await assert.rejects(pullImage(store, `${addr}/${repo}:oddlayer`), code('failed_precondition', /unsupported layer media type/));
      await assert.rejects(pullImage(store, `${addr}/${repo}:badtar`), (e: unknown) => isEngineError(e) && !e.message.includes('\n'));
      assert.deepEqual(await store.listImages(), []);
      await assertStoreSound(store);
    } finally {
      t.cleanup();
    }
  });
});

describe('pull through faults', () => {
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy(registry('plain'));
  });
  after(() => proxy.close());
  const blob = /\/blobs\/sha256:/;
  // fixture/layers: three small layers; big enough that byte offsets below land mid-body.
  const ref = () => `${proxy.addr}/fixture/layers`;

  const cases: { name: string; rules: () => void; expect?: (e: unknown) => boolean }[] = [
    {
      name: 'a 500 then a 429 on a blob',
      rules: () => {
        proxy.add({ path: blob, fault: { kind: 'status', status: 500 } });
        proxy.add({ path: blob, fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } } });
      },
    },
    {
      name: 'a truncated blob',
      rules: () => proxy.add({ path: blob, fault: { kind: 'truncate', after: 300 } }),
    },
    {
      name: 'a dropped connection',
      rules: () => proxy.add({ path: blob, fault: { kind: 'reset', after: 500 } }),
    },
    {
      name: 'a corrupted blob (fetched again)',
      rules: () => proxy.add({ path: blob, fault: { kind: 'corrupt', at: 100 } }),
    },
    {
      name: 'a corrupted manifest',
      rules: () => proxy.add({ path: /manifests/, fault: { kind: 'corrupt', at: 10 } }),
      expect: code('failed_precondition'),
    },
    {
      name: 'a blob corrupted every time',
      rules: () => proxy.add({ path: blob, fault: { kind: 'corrupt', at: 100 }, times: Infinity }),
      expect: code('unavailable', /corrupt/),
    },
    {
      name: 'a registry that keeps answering 500',
      rules: () => proxy.add({ path: blob, fault: { kind: 'status', status: 500 }, times: Infinity }),
      expect: code('unavailable', /gave up/),
    },
    {
      name: 'a 401 without a way to log in',
      rules: () => proxy.add({ path: blob, fault: { kind: 'status', status: 401 }, times: Infinity }),
      expect: code('unauthorized'),
    },
  ];
  for (const c of cases) {
    it(`${c.expect ? 'fails cleanly on' : 'survives'} ${c.name}`, async () => {
      const t = tempRoot();
      try {
        const store = await openStore(t.root);
        proxy.clear();
        c.rules();
        if (c.expect) {
          await assert.rejects(pullImage(store, ref()), (e: unknown) => {
            assert.ok(c.expect!(e), String(e));
            assert.equal((e as Error).message.split('\n').length, 1);
            return true;
          });
          assert.equal(await store.getImage(ref()), undefined, 'no record after a failed pull');
          await assertStoreSound(store);
          // The same pull completes once the registry behaves.
          proxy.clear();
        }
        const r = await pullImage(store, ref());
        assert.equal((await store.getImage(ref()))?.manifestDigest, r.digest);
        if (!c.expect)
          assert.ok(
            proxy.log.some((l) => l.fault),
            'the fault fired',
          );
        await assertStoreSound(store);
      } finally {
        t.cleanup();
      }
    });
  }

  it('gets past a stalled layer download', async () => {
    const t = tempRoot();
    process.env.DOCKUI_REGISTRY_TIMEOUT_MS = '400';
    try {
      const store = await openStore(t.root);
      proxy.clear();
      proxy.add({ path: blob, fault: { kind: 'stall', after: 200 } });
      await pullImage(store, ref());
      assert.ok(proxy.log.some((l) => l.fault === 'stall'));
      await assertStoreSound(store);
    } finally {
      delete process.env.DOCKUI_REGISTRY_TIMEOUT_MS;
      t.cleanup();
    }
  });

  it('asks for the layers while the config is still on its way', async () => {
    const t = tempRoot();
    process.env.DOCKUI_REGISTRY_TIMEOUT_MS = '400';
    try {
      const store = await openStore(t.root);
      const manifest = await fixtureManifest('layers');
      const config = new RegExp(`/blobs/${manifest.config.digest}$`);
      proxy.clear();
      // The config's first answer stalls: it comes on the second request, 400 ms later.
      proxy.add({ path: config, fault: { kind: 'stall', after: 0 } });
      await pullImage(store, ref());
      const asks = proxy.log.map((l) => (config.test(l.path) ? 'config' : blob.test(l.path) ? 'layer' : 'other'));
      const retry = asks.indexOf('config', asks.indexOf('config') + 1);
      assert.ok(retry > 0, `the config was asked for twice: ${asks.join(' ')}`);
      assert.ok(asks.slice(0, retry).includes('layer'), `a layer was asked for before the config came: ${asks.join(' ')}`);
      await assertStoreSound(store);
    } finally {
      delete process.env.DOCKUI_REGISTRY_TIMEOUT_MS;
      t.cleanup();
    }
  });

  it('stops a layer download at once when its config is refused, and keeps no partial of it', async () => {
    const addr = registry('plain');
    const repo = `odd/refused-${Date.now()}`;
    // Over the whole-layer size: streamed into a resumable ingest.
    const layer = await putBlob(addr, repo, randomBytes(1 << 20), 'application/vnd.oci.image.layer.v1.tar');
    const cfg = await putBlob(
      addr,
      repo,
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })),
      'application/vnd.oci.image.config.v1+json',
    );
    await putManifest(addr, repo, 'latest', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: cfg,
      layers: [layer],
    });
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      proxy.clear();
      // 10 s for the whole layer.
      proxy.add({ path: new RegExp(`/blobs/${layer.digest}$`), fault: { kind: 'throttle', bytesPerSec: 100_000 } });
      // The config comes on a second request, 400 ms later: by then the layer is on its way.
      process.env.DOCKUI_REGISTRY_TIMEOUT_MS = '400';
      proxy.add({ path: new RegExp(`/blobs/${cfg.digest}$`), fault: { kind: 'stall', after: 0 } });
      const started = Date.now();
      await assert.rejects(
        pullImage(store, `${proxy.addr}/${repo}:latest`),
        code('failed_precondition', /config lists 0 layers but its manifest 1/),
      );
      assert.ok(Date.now() - started < 3000, `refused in ${Date.now() - started} ms`);
      assert.ok(
        proxy.log.some((l) => l.fault === 'throttle'),
        'the layer was being downloaded',
      );
      assert.deepEqual(
        readdirSync(join(t.root, 'tmp')).filter((f) => f.startsWith('ingest-')),
        [],
      );
      assert.equal(await store.hasBlob(layer.digest), false);
      await assertStoreSound(store);
    } finally {
      delete process.env.DOCKUI_REGISTRY_TIMEOUT_MS;
      t.cleanup();
    }
  });

  it("fails with the config's own error when the config is out of reach while a layer downloads", async () => {
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      const manifest = await fixtureManifest('web');
      const layer = manifest.layers.reduce((a, b) => (b.size > a.size ? b : a));
      proxy.clear();
      proxy.add({ path: new RegExp(`/blobs/${layer.digest}$`), fault: { kind: 'throttle', bytesPerSec: 100_000 } });
      proxy.add({ path: new RegExp(`/blobs/${manifest.config.digest}$`), fault: { kind: 'status', status: 500 }, times: Infinity });
      const ref = `${proxy.addr}/fixture/web`;
      await assert.rejects(pullImage(store, ref), code('unavailable', new RegExp(`blobs/${manifest.config.digest}: HTTP 500 \\(gave up`)));
      assert.ok(
        proxy.log.some((l) => l.fault === 'throttle'),
        'the layer was asked for',
      );
      assert.equal(await store.getImage(ref), undefined);
      await assertStoreSound(store);
      proxy.clear();
      await pullImage(store, ref);
      await assertStoreSound(store);
    } finally {
      t.cleanup();
    }
  });

  it('fails with the first layer error at once while the config is still on its way', async () => {
    const t = tempRoot();
    process.env.DOCKUI_REGISTRY_TIMEOUT_MS = '400';
    try {
      const store = await openStore(t.root);
      const manifest = await fixtureManifest('web');
      const layer = manifest.layers.reduce((a, b) => (b.size > a.size ? b : a));
      proxy.clear();
      // The config stalls every time (it gives up after its tries); the big layer is refused.
      proxy.add({ path: new RegExp(`/blobs/${manifest.config.digest}$`), fault: { kind: 'stall', after: 0 }, times: Infinity });
      proxy.add({ path: new RegExp(`/blobs/${layer.digest}$`), fault: { kind: 'status', status: 404 } });
      const ref = `${proxy.addr}/fixture/web`;
      await assert.rejects(pullImage(store, ref), (e: unknown) => {
        assert.ok(isEngineError(e) && e.message.includes(layer.digest.slice(0, 19)), String(e));
        return true;
      });
      assert.equal(await store.getImage(ref), undefined);
      await assertStoreSound(store);
    } finally {
      delete process.env.DOCKUI_REGISTRY_TIMEOUT_MS;
      t.cleanup();
    }
  });

  it('cancels cleanly, keeps the partial, and resumes it with Range', async () => {
    const t = tempRoot();
    try {
      const store = await openStore(t.root);
      proxy.clear();
      proxy.add({ path: blob, fault: { kind: 'throttle', bytesPerSec: 200_000 }, times: Infinity });
      const ac = new AbortController();
      const p = pullImage(store, ref(), {
        signal: ac.signal,
        onProgress: (pr) => {
          if (pr.layers.some((l) => l.phase === 'downloading' && l.current > 100_000)) ac.abort();
        },
      });
      await assert.rejects(p, code('canceled'));
      assert.equal(await store.getImage(ref()), undefined);
      await assertStoreSound(store);
      proxy.clear();
      await pullImage(store, ref());
      assert.ok(
        proxy.log.some((l) => l.range),
        'resumed with a Range request',
      );
      await assertStoreSound(store);
    } finally {
      t.cleanup();
    }
  });
});
