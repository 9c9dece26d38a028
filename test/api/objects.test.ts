// The docker client through `dockui system service` for the other nouns: volumes, system df,
// the events stream, push to the fixture registry, and `run -d --rm` (the engine's own --rm).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { cleanupService, raw, startService, type TestService } from './service.js';

describe('docker volumes, system df, events, push through dockui system service', () => {
  let s: TestService;
  let image: string;
  before(async () => {
    s = await startService();
    image = `${registry()}/fixture/busybox`;
    assert.equal((await s.docker(['pull', '-q', image])).code, 0);
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  it('creates, lists, uses and removes a volume', async () => {
    assert.equal((await s.docker(['volume', 'create', 'api16-vol'])).stdout, 'api16-vol\n');
    assert.match((await s.docker(['volume', 'ls', '--format', '{{.Name}} {{.Driver}}'])).stdout, /^api16-vol local$/m);
    const w = await s.docker(['run', '--rm', '-v', 'api16-vol:/v', image, 'sh', '-c', 'echo kept > /v/f']);
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await s.docker(['run', '--rm', '-v', 'api16-vol:/v', image, 'cat', '/v/f'])).stdout, 'kept\n');
    assert.equal((await s.docker(['volume', 'inspect', '--format', '{{.Name}}', 'api16-vol'])).stdout, 'api16-vol\n');
    assert.equal((await s.docker(['volume', 'rm', 'api16-vol'])).code, 0);
    const gone = await s.docker(['volume', 'inspect', 'api16-vol']);
    assert.notEqual(gone.code, 0);
  });

  it('system df counts images and containers, and volumes with their users and sizes', async () => {
    const df = await s.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
    assert.equal(df.code, 0, df.stderr);
    assert.match(df.stdout, /^Images 1$/m);
    assert.match(df.stdout, /^Containers \d+$/m);
    // A volume of 100 kB that one container mounts, and one unused: docker reads UsageData.
    const fill = await s.docker(['run', '--rm', '-v', 'api16-dfv:/v', image, 'sh', '-c', 'head -c 100000 /dev/zero > /v/f']);
    assert.equal(fill.code, 0, fill.stderr);
    assert.equal((await s.docker(['volume', 'create', 'api16-dfspare'])).code, 0);
    const user = await s.docker(['create', '--name', 'api16-dfuser', '-v', 'api16-dfv:/v', image, 'true']);
    assert.equal(user.code, 0, user.stderr);
    try {
      const vols = await s.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}} {{.Size}}']);
      assert.match(vols.stdout, /^Local Volumes 2 1 100kB$/m);
      const verbose = await s.docker(['system', 'df', '-v']);
      assert.match(verbose.stdout, /^api16-dfv\s+1\s+100kB$/m);
      assert.match(verbose.stdout, /^api16-dfspare\s+0\s+0B$/m);
    } finally {
      await s.docker(['rm', '-f', 'api16-dfuser']);
      await s.docker(['volume', 'rm', 'api16-dfv', 'api16-dfspare']);
    }
  });

  it('streams events of what it is asked to do', async () => {
    const until = Math.floor(Date.now() / 1000) + 4;
    const events = s.docker(['events', '--format', '{{.Type}} {{.Action}}', '--until', String(until)]);
    await new Promise((r) => setTimeout(r, 500));
    const c = await s.docker(['run', '-d', '--name', 'api16-ev', image, 'true']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await s.docker(['wait', 'api16-ev'])).stdout, '0\n');
    assert.equal((await s.docker(['rm', 'api16-ev'])).code, 0);
    const out = (await events).stdout.split('\n').filter(Boolean);
    for (const want of ['container create', 'container start', 'container destroy']) assert.ok(out.includes(want), out.join('|'));
  });

  it('run -d --rm: the engine removes the container when it exits', async () => {
    const r = await s.docker(['run', '-d', '--rm', '--name', 'api16-drm', image, 'sleep', '0.3']);
    assert.equal(r.code, 0, r.stderr);
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = (await s.docker(['inspect', 'api16-drm'])).code !== 0;
      if (!gone) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(gone, 'container still there 10 s later');
  });

  it('save and load round-trip an image; network ls lists the modes', async () => {
    const tarFile = join(s.root, 'saved.tar');
    assert.equal((await s.docker(['tag', image, 'api16-saved:1'])).code, 0);
    const save = await s.docker(['save', '-o', tarFile, 'api16-saved:1']);
    assert.equal(save.code, 0, save.stderr);
    assert.ok(statSync(tarFile).size > 1000);
    assert.equal((await s.docker(['rmi', 'api16-saved:1'])).code, 0);
    const load = await s.docker(['load', '-i', tarFile]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Loaded image: api16-saved:1/);
    assert.equal((await s.docker(['run', '--rm', 'api16-saved:1', 'echo', 'loaded'])).stdout, 'loaded\n');
    const missing = await s.docker(['save', '-o', join(s.root, 'none.tar'), 'api16-none:1']);
    assert.notEqual(missing.code, 0);
    const nets = await s.docker(['network', 'ls', '--format', '{{.Name}}']);
    assert.deepEqual(nets.stdout.split('\n').filter(Boolean).sort(), ['bridge', 'host', 'none']);
  });

  it('pushes a tagged image to the fixture registry', async () => {
    const target = `${registry()}/api16/pushed:${process.pid}`;
    assert.equal((await s.docker(['tag', image, target])).code, 0);
    const p = await s.docker(['push', target]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /digest: sha256:[0-9a-f]{64} size: \d+/);
    const r = await fetch(`http://${registry()}/v2/api16/pushed/manifests/${process.pid}`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
    });
    assert.equal(r.status, 200);
  });

  it('the image as the create named it: ps, inspect, /containers/json and /system/df; the id once that name is gone', async () => {
    assert.equal((await s.docker(['tag', image, 'api-typed-tag'])).code, 0);
    const id = (await s.docker(['inspect', '-f', '{{.Id}}', image])).stdout.trim();
    assert.equal((await s.docker(['create', '--name', 'api-typed-a', image, 'true'])).code, 0);
    assert.equal((await s.docker(['create', '--name', 'api-typed-b', 'api-typed-tag', 'true'])).code, 0);
    type Listed = { Names: string[]; Image: string; ImageID: string };
    const listed = async () => {
      const l = JSON.parse((await raw(s.socket, 'GET', '/v1.41/containers/json?all=1')).body) as Listed[];
      const df = JSON.parse((await raw(s.socket, 'GET', '/v1.41/system/df')).body) as { Containers: Listed[] };
      const pick = (cs: Listed[]): Record<string, string> =>
        Object.fromEntries(cs.filter((c) => c.Names[0]!.startsWith('/api-typed-')).map((c): [string, string] => [c.Names[0]!, c.Image]));
      assert.deepEqual(pick(df.Containers), pick(l));
      return pick(l);
    };
    try {
      assert.deepEqual(await listed(), { '/api-typed-b': 'api-typed-tag', '/api-typed-a': image });
      const ps = await s.docker(['ps', '-a', '--filter', 'name=api-typed-', '--format', '{{.Names}} {{.Image}}']);
      assert.equal(ps.stdout, `api-typed-b api-typed-tag\napi-typed-a ${image}\n`);
      assert.equal(
        (await s.docker(['inspect', '-f', '{{.Config.Image}}', 'api-typed-a', 'api-typed-b'])).stdout,
        `${image}\napi-typed-tag\n`,
      );
      // ancestor= by another name of the same image finds both.
      const anc = await s.docker(['ps', '-aq', '--filter', 'ancestor=api-typed-tag', '--filter', 'name=api-typed-']);
      assert.equal(anc.stdout.split('\n').filter(Boolean).length, 2, anc.stdout);
      assert.equal((await s.docker(['rmi', 'api-typed-tag'])).code, 0);
      assert.deepEqual(await listed(), { '/api-typed-b': id, '/api-typed-a': image });
      const after = await s.docker(['ps', '-a', '--filter', 'name=api-typed-b', '--format', '{{.Image}}']);
      assert.equal(after.stdout, `${id.slice(7, 19)}\n`);
      assert.equal((await s.docker(['inspect', '-f', '{{.Config.Image}}', 'api-typed-b'])).stdout, 'api-typed-tag\n');
    } finally {
      await s.docker(['rm', '-f', 'api-typed-a', 'api-typed-b']);
    }
  });
});
