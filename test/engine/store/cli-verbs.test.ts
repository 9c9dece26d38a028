// The image verbs through the real binary: images, tag, rmi (with its in-use refusal),
// image inspect/prune, system df/check/prune — on images pulled from the fixture registry.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot } from '../../helpers/env.js';

describe('image verbs', () => {
  const t = tempRoot('dockui-cli-images-');
  const root = t.root;
  const cli = (...args: string[]) => runCli(args, { root });
  let busybox: string;
  let layers: string;
  before(async () => {
    busybox = `${registry('plain')}/fixture/busybox:latest`;
    layers = `${registry('plain')}/fixture/layers:latest`;
    for (const ref of [busybox, layers]) {
      const r = await cli('pull', '-q', ref);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => t.cleanup());

  it('lists images with docker columns, ids, digests and json', async () => {
    const r = await cli('images');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.startsWith(`${registry('plain')}/fixture/busybox   latest`)));
    const q = await cli('images', '-q');
    assert.equal(q.stdout.trim().split('\n').length, 2);
    assert.ok(
      q.stdout
        .trim()
        .split('\n')
        .every((l) => /^[0-9a-f]{12}$/.test(l)),
    );
    const j = await cli('images', '--format', 'json', `${registry('plain')}/fixture/layers`);
    const rows = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Repository: string; Tag: string; Digest: string });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.Tag, 'latest');
    assert.match(rows[0]!.Digest, /^sha256:[0-9a-f]{64}$/);
    const d = await cli('images', '--digests');
    assert.match(d.stdout.split('\n')[0]!, /DIGEST/);
  });

  it('tags, inspects, and untags; rmi of the last name deletes and frees space', async () => {
    assert.equal((await cli('tag', busybox, 'mybox:1')).code, 0);
    const ins = await cli('image', 'inspect', 'mybox:1');
    const [img] = JSON.parse(ins.stdout) as { Id: string; RepoTags: string[]; Os: string; RootFS: { Layers: string[] } }[];
    assert.deepEqual(img!.RepoTags.sort(), [`${registry('plain')}/fixture/busybox:latest`, 'mybox:1'].sort());
    assert.equal(img!.Os, 'linux');
    assert.equal(img!.RootFS.Layers.length, 1);
    const fmt = await cli('image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', img!.Id.slice(7, 19));
    assert.equal(fmt.stdout.trim(), 'linux/amd64');
    const un = await cli('rmi', 'mybox:1');
    assert.equal(un.stdout, 'Untagged: mybox:1\n');
    const bad = await cli('rmi', 'nosuch:image');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /no such image: nosuch:image/);
    const badTag = await cli('tag', 'nosuch', 'x:1');
    assert.notEqual(badTag.code, 0);
  });

  it('refuses rmi while a container uses the image, unless -f', async () => {
    const id = (await cli('image', 'inspect', '--format', '{{.Id}}', layers)).stdout.trim();
    const cdir = join(root, 'containers', 'c0ffee');
    mkdirSync(cdir, { recursive: true });
    writeFileSync(join(cdir, 'record.json'), JSON.stringify({ id: 'c0ffee', name: 'x', image: layers, imageId: id }));
    const refused = await cli('rmi', layers);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /in use by container c0ffee/);
    assert.equal((await cli('system', 'prune', '-a', '-f')).code, 0);
    assert.match((await cli('images')).stdout, /fixture\/layers/, 'prune -a keeps images in use');
    const forced = await cli('rmi', '-f', layers);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^Untagged: /);
    assert.doesNotMatch(forced.stdout, /Deleted/, 'kept, unnamed, while the container exists');
    assert.match((await cli('images')).stdout, /^<none>\s+<none>\s+[0-9a-f]{12}\s/m);
  });

  it('system check finds a corrupted blob; df and prune report', async () => {
    const ok = await cli('system', 'check');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /: ok$/m);
    const blobs = join(root, 'blobs', 'sha256');
    const victim = readdirSync(blobs)[0]!;
    writeFileSync(join(blobs, victim), 'not what it was');
    const bad = await cli('system', 'check');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, new RegExp(`corrupt blob sha256:${victim}`));
    const df = await cli('system', 'df');
    assert.match(df.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
    assert.match(df.stdout, /^Images\s+1\s+1\s/m);
    // docker's fields under a Go template, and a table of two of them.
    const tpl = await cli('system', 'df', '--format', '{{.Type}}={{.TotalCount}}/{{.Active}}');
    assert.match(tpl.stdout, /^Images=1\/1\nContainers=\d+\/\d+\n/);
    const tab = await cli('system', 'df', '--format', 'table {{.Type}}\t{{.TotalCount}}');
    assert.match(tab.stdout, /^TYPE\s+TOTAL\nImages\s+1\n/);
    const pr = await cli('image', 'prune', '-a', '-f');
    assert.equal(pr.code, 0, pr.stderr);
    assert.match(pr.stdout, /Total reclaimed space/);
    const usage = await cli('system', 'frobnicate');
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /unknown command: system frobnicate/);
  });
});
