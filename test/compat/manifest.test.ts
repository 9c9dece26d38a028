// `docker manifest inspect` against the fixture registry, as Docker's reference page shows it: a
// manifest printed as the registry holds it (tab-indented), an index as a list of platform
// descriptors, and with --verbose each image's Ref, Descriptor (with its platform), Raw bytes
// (base64) and the parsed manifest. Nothing is pulled; a missing name is "no such manifest".
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { scenario } from './scenario.js';
import { registry } from '../helpers/env.js';

const accept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function fromRegistry(path: string): Promise<{ raw: Buffer; digest: string }> {
  const res = await fetch(`http://${registry('plain')}/v2/${path}/manifests/latest`, { headers: { accept } });
  assert.equal(res.status, 200);
  return { raw: Buffer.from(await res.arrayBuffer()), digest: res.headers.get('docker-content-digest')! };
}

describe('compat: manifest inspect', () => {
  const s = scenario('manifest');
  const reg = registry('plain');
  after(() => s.cleanup());

  it('a manifest: the registry bytes, tab-indented; --verbose adds Ref, Descriptor and its platform, Raw', async () => {
    const { raw, digest } = await fromRegistry('fixture/busybox');
    const r = await s.sh('$DOCKER manifest inspect $IMAGE');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${JSON.stringify(JSON.parse(raw.toString()), null, '\t')}\n`);
    assert.match(r.stdout, /^\{\n\t"/);

    const v = await s.sh('$DOCKER manifest inspect --verbose $IMAGE');
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^\{\n\t"Ref": /);
    const j = JSON.parse(v.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j), ['Ref', 'Descriptor', 'Raw', 'OCIManifest']);
    assert.equal(j.Ref, `${reg}/fixture/busybox:latest`);
    assert.deepEqual(j.Descriptor, {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest,
      size: raw.length,
      platform: { architecture: 'amd64', os: 'linux' },
    });
    assert.deepEqual(Buffer.from(j.Raw as string, 'base64'), raw);
    assert.deepEqual(j.OCIManifest, JSON.parse(raw.toString()));
    assert.equal((await s.sh('$DOCKER manifest inspect -v $IMAGE')).stdout, v.stdout);
    // Nothing was pulled.
    assert.equal((await s.sh('$DOCKER images -q')).stdout, '');
  });

  it('an index: its platform descriptors; --verbose: every platform image, Ref NAME:TAG@DIGEST', async () => {
    const { raw } = await fromRegistry('fixture/multiarch');
    const index = JSON.parse(raw.toString()) as { manifests: { digest: string; size: number; mediaType: string }[] };
    const r = await s.sh(`$DOCKER manifest inspect ${reg}/fixture/multiarch`);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { schemaVersion: number; mediaType: string; manifests: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(j), ['schemaVersion', 'mediaType', 'manifests']);
    assert.equal(j.schemaVersion, 2);
    assert.equal(j.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      j.manifests.map((m) => Object.keys(m)),
      [
        ['mediaType', 'size', 'digest', 'platform'],
        ['mediaType', 'size', 'digest', 'platform'],
      ],
    );
    assert.deepEqual(
      j.manifests.map((m) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux', variant: 'v8' },
      ],
    );
    assert.deepEqual(
      j.manifests.map((m) => m.digest),
      index.manifests.map((m) => m.digest),
    );
    assert.match(r.stdout, /^\{\n {3}"schemaVersion": 2,\n/);

    const v = await s.sh(`$DOCKER manifest inspect -v ${reg}/fixture/multiarch`);
    assert.equal(v.code, 0, v.stderr);
    const list = JSON.parse(v.stdout) as {
      Ref: string;
      Descriptor: { digest: string; platform: unknown };
      Raw: string;
      OCIManifest: { layers: unknown[] };
    }[];
    assert.equal(list.length, 2);
    assert.deepEqual(
      list.map((e) => e.Ref),
      index.manifests.map((m) => `${reg}/fixture/multiarch:latest@${m.digest}`),
    );
    assert.deepEqual(list[1]!.Descriptor.platform, { architecture: 'arm64', os: 'linux', variant: 'v8' });
    for (const e of list) assert.deepEqual(JSON.parse(Buffer.from(e.Raw, 'base64').toString()), e.OCIManifest);
    assert.equal(list[0]!.OCIManifest.layers.length, 2);
  });

  it('a missing name, a bad reference, wrong arguments: one line, exit 1, nothing written', async () => {
    const miss = await s.sh(`$DOCKER manifest inspect ${reg}/fixture/nope`);
    assert.equal(miss.code, 1);
    assert.equal(miss.stdout, '');
    assert.equal(miss.stderr, `dockui: no such manifest: ${reg}/fixture/nope:latest\n`);
    const tag = await s.sh(`$DOCKER manifest inspect ${reg}/fixture/busybox:nope`);
    assert.equal(tag.stderr, `dockui: no such manifest: ${reg}/fixture/busybox:nope\n`);
    for (const args of ['BAD:ref', '', 'a b c', `${reg}/x ${reg}/y`]) {
      const r = await s.sh(`$DOCKER manifest inspect ${args}`);
      assert.equal(r.code, 1, args);
      assert.equal(r.stdout, '', args);
      assert.equal(r.stderr.split('\n').length, 2, `${args}: ${r.stderr}`);
    }
    const help = await s.sh('$DOCKER manifest inspect --help');
    assert.equal(
      help.stdout,
      [
        'Usage:  dockui manifest inspect [OPTIONS] [MANIFEST_LIST] MANIFEST',
        '',
        'Display an image manifest, or manifest list',
        '',
        'Options:',
        '      --insecure   Allow communication with an insecure registry',
        '  -v, --verbose    Output additional info including layers and platform',
        '',
      ].join('\n'),
    );
    assert.equal((await s.sh('$DOCKER images -q')).stdout, '');
  });
});
