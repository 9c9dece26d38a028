// The registry client against the real fixture registries (plain, basic auth, bearer token),
// and against the fault proxy in front of the plain one for what a registry will not do itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { parseChallenges } from '../../../src/engine/registry/auth.js';
import { blobChunks } from '../../../src/engine/registry/blob-stream.js';
import { RegistryClient, configuredInsecure, isInsecureRegistry } from '../../../src/engine/registry/client.js';
import { eraseCredentials, getCredentials, storeCredentials } from '../../../src/engine/registry/credentials.js';
import { mediaTypes, parseManifest, selectPlatform } from '../../../src/engine/registry/manifest.js';
import { hostPlatform, parsePlatform, platformMatches } from '../../../src/engine/registry/platform.js';
import { parseReference } from '../../../src/engine/util/reference.js';
import { fixtureUser, registry } from '../../helpers/env.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';

const creds = { username: fixtureUser.username, password: fixtureUser.password };
const code = (c: string, re?: RegExp) => (e: unknown) => isEngineError(e) && e.code === c && (!re || re.test(e.message));

// Tests read and write a private docker config, never the user's.
const dockerConfig = mkdtempSync(join(tmpdir(), 'dockui-dcfg-'));
process.env.DOCKER_CONFIG = dockerConfig;
process.env.DOCKUI_REGISTRY_RETRY_BASE_MS = '20';
after(() => rmSync(dockerConfig, { recursive: true, force: true }));

describe('registry client: manifests', () => {
  for (const mode of ['plain', 'auth', 'token'] as const) {
    it(`fetches OCI and schema 2 manifests and picks platforms (${mode})`, async () => {
      const addr = registry(mode);
      const c = new RegistryClient(addr, mode === 'plain' ? {} : { credentials: creds });
      const oci = await c.getManifest(parseReference(`${addr}/fixture/busybox`), 'latest');
      assert.equal(oci.manifest.kind, 'manifest');
      assert.equal(oci.mediaType, mediaTypes.ociManifest);
      const v2 = await c.getManifest(parseReference(`${addr}/fixture/busybox:v2s2`), 'v2s2');
      assert.equal(v2.mediaType, mediaTypes.dockerManifest);
      const ref = parseReference(`${addr}/fixture/multiarch`);
      const idx = await c.getManifest(ref, 'latest');
      assert.equal(idx.manifest.kind, 'index');
      if (idx.manifest.kind !== 'index') return;
      const amd = selectPlatform(idx.manifest, hostPlatform(), 'multiarch');
      assert.equal(amd.platform?.architecture, 'amd64');
      const arm = selectPlatform(idx.manifest, parsePlatform('linux/arm64/v8'), 'multiarch');
      assert.equal(arm.platform?.architecture, 'arm64');
      assert.notEqual(arm.digest, amd.digest);
      // By digest: verified against the digest asked for.
      const byDigest = await c.getManifest(ref, arm.digest);
      assert.equal(byDigest.digest, arm.digest);
      assert.throws(
        () => selectPlatform(idx.manifest as never, parsePlatform('linux/s390x'), 'multiarch'),
        code('not_found', /no image for linux\/s390x \(it offers: linux\/amd64, linux\/arm64/),
      );
    });
  }

  it('names a registry host that does not resolve', async () => {
    const c = new RegistryClient('registry.invalid');
    await assert.rejects(c.ping(), code('unavailable', /^cannot reach registry registry\.invalid: no such host|^GET .*gave up/));
  });

  it('answers a missing tag with not_found', async () => {
    const c = new RegistryClient(registry('plain'));
    await assert.rejects(
      c.getManifest(parseReference(`${registry('plain')}/fixture/busybox:nope`), 'nope'),
      code('not_found', /manifest for .*fixture\/busybox:nope not found/),
    );
  });

  it('refuses schema 1 with a clear message', () => {
    const s1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }));
    assert.throws(() => parseManifest(s1, mediaTypes.schema1Signed, 'x:y'), code('failed_precondition', /schema 1/));
  });

  it('refuses malformed manifests', () => {
    const m = (v: unknown) => () => parseManifest(Buffer.from(JSON.stringify(v)), undefined, 'x');
    assert.throws(m({ schemaVersion: 2, config: { mediaType: 'a', digest: 'md5:x', size: 1 }, layers: [] }), /unsupported digest/);
    assert.throws(
      m({
        schemaVersion: 2,
        config: { mediaType: 'a', digest: `sha256:${'a'.repeat(64)}`, size: -1 },
        layers: [],
      }),
      /bad size/,
    );
    assert.throws(m({ schemaVersion: 3 }), /schemaVersion/);
    assert.throws(() => parseManifest(Buffer.from('nope'), undefined, 'x'), /not JSON/);
  });
});

describe('platforms', () => {
  it('normalizes and matches like containerd', () => {
    assert.deepEqual(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parsePlatform('Linux/x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('linux/arm/7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.throws(() => parsePlatform('linux/arm/v7/x'), code('invalid_argument', /os\/arch\[\/variant\]/));
    assert.equal(platformMatches(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v6' }), true);
    assert.equal(platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }), false);
    assert.deepEqual(hostPlatform(), { os: 'linux', architecture: 'amd64' });
  });

  it('prefers the exact variant in an index', () => {
    const d = (architecture: string, variant: string | undefined, n: string) => ({
      mediaType: mediaTypes.ociManifest,
      digest: `sha256:${n.repeat(64)}`,
      size: 1,
      platform: { os: 'linux', architecture, variant },
    });
    const index = {
      kind: 'index' as const,
      mediaType: mediaTypes.ociIndex,
      manifests: [d('arm', 'v6', '1'), d('arm', 'v7', '2'), d('arm64', 'v8', '3')],
    };
    assert.equal(selectPlatform(index, parsePlatform('linux/arm/v7'), 'x').digest, `sha256:${'2'.repeat(64)}`);
    assert.equal(selectPlatform(index, parsePlatform('linux/arm64'), 'x').digest, `sha256:${'3'.repeat(64)}`);
  });
});

describe('registry client: auth', () => {
  it('parses challenges with quoted commas', () => {
    const [ch] = parseChallenges('Bearer realm="http://a/token",service="reg",scope="repository:a/b:pull,push"');
    assert.deepEqual(ch, {
      scheme: 'bearer',
      params: { realm: 'http://a/token', service: 'reg', scope: 'repository:a/b:pull,push' },
    });
    assert.equal(parseChallenges('Basic realm="x"')[0]?.scheme, 'basic');
  });

  it('asks for a login on a basic-auth registry without credentials', async () => {
    const addr = registry('auth');
    const c = new RegistryClient(addr);
    await assert.rejects(
      c.getManifest(parseReference(`${addr}/fixture/busybox`), 'latest'),
      code('unauthorized', /requires a login.*dockui login/),
    );
  });

  it('reports refused credentials (basic and token)', async () => {
    for (const mode of ['auth', 'token'] as const) {
      const addr = registry(mode);
      const c = new RegistryClient(addr, { credentials: { username: 'tester', password: 'wrong' } });
      await assert.rejects(c.login(), code('unauthorized', /refused/), mode);
      await new RegistryClient(addr, { credentials: creds }).login();
    }
  });

  it('pulls anonymously from the token registry', async () => {
    const addr = registry('token');
    const c = new RegistryClient(addr);
    const m = await c.getManifest(parseReference(`${addr}/fixture/busybox`), 'latest');
    assert.equal(m.manifest.kind, 'manifest');
  });

  it('caches a token per scope and fetches a new one when it expires', async () => {
    const addr = registry('token');
    let now = Date.now();
    const c = new RegistryClient(addr, { now: () => now });
    const busybox = parseReference(`${addr}/fixture/busybox`);
    await c.getManifest(busybox, 'latest');
    await c.getManifest(busybox, 'v2s2');
    assert.equal(c.tokenFetches, 1, 'one token for one scope');
    await c.getManifest(parseReference(`${addr}/fixture/web`), 'latest');
    assert.equal(c.tokenFetches, 2, 'another scope, another token');
    now += 61_000; // the fixture's tokens live 60 s
    await c.getManifest(busybox, 'latest');
    assert.equal(c.tokenFetches, 3, 'an expired token is replaced');
  });

  it('stores, reads and erases credentials in config.json like docker', async () => {
    await storeCredentials('127.0.0.1:5100', creds);
    assert.deepEqual(await getCredentials('127.0.0.1:5100'), creds);
    assert.equal(await getCredentials('127.0.0.1:5200'), undefined);
    // Keys other tools wrote with a scheme still match.
    writeFileSync(
      join(dockerConfig, 'config.json'),
      JSON.stringify({
        auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('u:p').toString('base64') } },
      }),
    );
    assert.deepEqual(await getCredentials('docker.io'), { username: 'u', password: 'p' });
    assert.equal(await eraseCredentials('docker.io'), true);
    assert.equal(await getCredentials('docker.io'), undefined);
    writeFileSync(join(dockerConfig, 'config.json'), '{bad');
    await assert.rejects(getCredentials('docker.io'), code('failed_precondition', /not valid JSON/));
    rmSync(join(dockerConfig, 'config.json'));
  });

  it('uses a credential helper (docker-credential-NAME get)', async () => {
    const bin = join(dockerConfig, 'bin');
    mkdirSync(bin, { recursive: true });
    // A real helper program speaking the helper protocol; it is the part under test's peer.
    const helper = join(bin, 'docker-credential-dockuitest');
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        `store="${bin}/store.json"`,
        'case "$1" in',
        '  get) read url; if [ "$url" = "127.0.0.1:5100" ]; then echo \'{"ServerURL":"127.0.0.1:5100","Username":"tester","Secret":"secret"}\'; exit 0; fi',
        '       if [ -f "$store" ] && grep -q "\\"$url\\"" "$store"; then cat "$store"; exit 0; fi',
        '       echo "credentials not found in native keychain"; exit 1 ;;',
        '  store) cat > "$store" ;;',
        '  erase) read url; rm -f "$store" ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(helper, 0o755);
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath ?? ''}`;
    try {
      writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ credHelpers: { '127.0.0.1:5100': 'dockuitest' } }));
      assert.deepEqual(await getCredentials('127.0.0.1:5100'), creds);
      const c = new RegistryClient(registry('auth'));
      await c.login();
      writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ credsStore: 'dockuitest' }));
      assert.equal(await getCredentials('127.0.0.1:5200'), undefined);
      // store / get / erase through the helper, as docker login and logout do with a credsStore.
      assert.equal(await storeCredentials('127.0.0.1:5200', creds), 'docker-credential-dockuitest');
      assert.deepEqual(await getCredentials('127.0.0.1:5200'), creds);
      assert.equal(await eraseCredentials('127.0.0.1:5200'), true);
      assert.equal(await getCredentials('127.0.0.1:5200'), undefined);
    } finally {
      process.env.PATH = oldPath;
      rmSync(join(dockerConfig, 'config.json'), { force: true });
    }
  });

  it('decides plain HTTP only for loopback and named insecure registries', () => {
    assert.equal(isInsecureRegistry('127.0.0.1:5000'), true);
    assert.equal(isInsecureRegistry('localhost'), true);
    assert.equal(isInsecureRegistry('[::1]:5000'), true);
    assert.equal(isInsecureRegistry('registry.example.com'), false);
    assert.equal(isInsecureRegistry('registry.example.com:5000', ['registry.example.com:5000']), true);
    assert.equal(new RegistryClient('docker.io').base.href, 'https://registry-1.docker.io/');
  });

  it('reads insecure registries from daemon.json and registries.conf', () => {
    const etc = mkdtempSync(join(tmpdir(), 'dockui-etc-'));
    try {
      mkdirSync(join(etc, 'docker'));
      mkdirSync(join(etc, 'containers/registries.conf.d'), { recursive: true });
      writeFileSync(join(etc, 'docker/daemon.json'), JSON.stringify({ 'insecure-registries': ['a.example:5000'] }));
      writeFileSync(
        join(etc, 'containers/registries.conf.d/50-x.conf'),
        '[[registry]]\nlocation = "b.example"\ninsecure = true\n\n[[registry]]\nlocation = "c.example"\ninsecure = false\n',
      );
      assert.deepEqual(configuredInsecure(etc), ['a.example:5000', 'b.example']);
    } finally {
      rmSync(etc, { recursive: true, force: true });
    }
  });
});

describe('registry client: faults', () => {
  let proxy: FaultProxy;
  let ref: ReturnType<typeof parseReference>;
  let layer: { mediaType: string; digest: string; size: number };
  before(async () => {
    proxy = await startFaultProxy(registry('plain'));
    ref = parseReference(`${proxy.addr}/fixture/busybox`);
    const m = await new RegistryClient(proxy.addr).getManifest(ref, 'latest');
    assert.equal(m.manifest.kind, 'manifest');
    layer = m.manifest.kind === 'manifest' ? m.manifest.layers[0]! : layer;
  });
  after(() => proxy.close());

  const fetchAll = async () => {
    const chunks: Buffer[] = [];
    for await (const c of blobChunks(new RegistryClient(proxy.addr), ref, layer)) chunks.push(c);
    return Buffer.concat(chunks);
  };
  const blobPath = () => new RegExp(`/blobs/${layer.digest}$`);

  it('retries 500 and 429 (honouring Retry-After) on manifests', async () => {
    proxy.clear();
    proxy.add({ path: /manifests/, fault: { kind: 'status', status: 500 } });
    proxy.add({ path: /manifests/, fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } } });
    const t0 = Date.now();
    await new RegistryClient(proxy.addr).getManifest(ref, 'latest');
    assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After');
    assert.deepEqual(
      proxy.log.filter((l) => /manifests/.test(l.path)).map((l) => l.status),
      [500, 429, 200],
    );
  });

  it('gives up on a registry that keeps failing with one clear error', async () => {
    proxy.clear();
    proxy.add({ path: /manifests/, fault: { kind: 'status', status: 503 }, times: Infinity });
    await assert.rejects(
      new RegistryClient(proxy.addr).getManifest(ref, 'latest'),
      code('unavailable', /HTTP 503 \(gave up after 5 attempts\)/),
    );
  });

  for (const kind of ['reset', 'truncate'] as const) {
    it(`resumes a blob with Range after a ${kind}`, async () => {
      proxy.clear();
      proxy.add({ path: blobPath(), fault: { kind, after: Math.floor(layer.size / 3) } });
      const got = await fetchAll();
      assert.equal(got.length, layer.size);
      const gets = proxy.log.filter((l) => blobPath().test(l.path));
      assert.equal(gets.length, 2);
      // A reset may lose bytes in flight: the resume starts where the client's data ends.
      const start = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
      assert.ok(start > 0 && start <= Math.floor(layer.size / 3), gets[1]!.range);
    });
  }

  it('resumes when the server ignores Range (skips what it had)', async () => {
    proxy.clear();
    proxy.add({ path: blobPath(), fault: { kind: 'reset', after: 1000 } });
    proxy.add({ path: blobPath(), fault: { kind: 'no-range' } });
    const got = await fetchAll();
    const { createHash } = await import('node:crypto');
    assert.equal(`sha256:${createHash('sha256').update(got).digest('hex')}`, layer.digest);
  });

  it('gets past a stalled transfer', async () => {
    proxy.clear();
    process.env.DOCKUI_REGISTRY_TIMEOUT_MS = '500';
    try {
      proxy.add({ path: blobPath(), fault: { kind: 'stall', after: 5000 } });
      const got = await fetchAll();
      assert.equal(got.length, layer.size);
    } finally {
      delete process.env.DOCKUI_REGISTRY_TIMEOUT_MS;
    }
  });

  it('follows a blob redirect to storage and refuses one to another scheme', async () => {
    proxy.clear();
    const direct = `http://${registry('plain')}/v2/fixture/busybox/blobs/${layer.digest}`;
    proxy.add({ path: blobPath(), fault: { kind: 'status', status: 307, headers: { location: direct } } });
    assert.equal((await fetchAll()).length, layer.size);
    proxy.add({
      path: blobPath(),
      fault: { kind: 'status', status: 302, headers: { location: 'file:///etc/passwd' } },
    });
    await assert.rejects(fetchAll(), code('unavailable', /redirected to a refused location/));
  });

  it('reports a 401 without a challenge as unauthorized', async () => {
    proxy.clear();
    proxy.add({ path: blobPath(), fault: { kind: 'status', status: 401 }, times: Infinity });
    await assert.rejects(fetchAll(), code('unauthorized'));
  });

  it('refuses a token with a line break in it (a hostile token server cannot add headers to the request)', async () => {
    // A registry and token server of its own (the fixture's tokens are well formed): the fault is the token.
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.url} ${JSON.stringify(req.headers['x-evil'] ?? '')}`);
      if (req.url?.startsWith('/token')) return res.end(JSON.stringify({ token: 'abc\r\nX-Evil: 1' }));
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="s"` }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const hostile = parseReference(`127.0.0.1:${port}/fixture/busybox`);
      await assert.rejects(
        new RegistryClient(`127.0.0.1:${port}`).getManifest(hostile, 'latest'),
        code('failed_precondition', /line break/),
      );
      assert.ok(!seen.some((l) => l.includes('"1"')), seen.join('\n'));
    } finally {
      server.close();
    }
  });

  it('fetches a new token when the registry refuses a cached one', async () => {
    const tp = await startFaultProxy(registry('token'));
    try {
      const tref = parseReference(`${tp.addr}/fixture/busybox`);
      const c = new RegistryClient(tp.addr);
      await c.getManifest(tref, 'latest');
      const first = tp.log.find((l) => l.status === 401);
      assert.ok(first, 'the registry challenged the first request');
      // The registry's own challenge, replayed as if the token had been revoked early.
      const port = Number(registry('token').split(':')[1]) + 1;
      tp.add({
        path: /manifests/,
        fault: {
          kind: 'status',
          status: 401,
          headers: {
            'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="dockui-registry",scope="repository:fixture/busybox:pull"`,
          },
        },
      });
      tp.log.length = 0;
      await c.getManifest(tref, 'latest');
      assert.deepEqual(
        tp.log.map((l) => l.status),
        [401, 200],
      );
    } finally {
      await tp.close();
    }
  });
});
