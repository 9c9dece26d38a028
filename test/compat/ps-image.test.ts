// A container's image as docker shows it (checked on docker 20.10): inspect's Config.Image is the
// name the create was given, as typed; ps's IMAGE is that name while it still names the
// container's image, else the image's id (dockerd's list), shortened as the docker CLI does; the
// ancestor filter finds an image's containers by any of its names, and those of the images built
// on it. Through the real CLI on
// containers made from the fixture registry's busybox (created, not started: fast).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { psImage } from '../../src/cli/verbs/ps.js';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe("ps's IMAGE column text (docker's ContainerContext.Image)", () => {
  const id = 'sha256:bfa94387fd1a2529351ce8cf6134f45d774872e31eb1b245ea3f0ba4eb39499a';
  const digest = 'sha256:0553d54818592ef01ff3f27e29c8664552f04c74d20d1b1e29d3f1a80956f152';
  it('shortens ids, drops a digest, keeps a given tag and the familiar name; --no-trunc: as listed', () => {
    const cases: [string, string][] = [
      ['127.0.0.1:5000/fixture/busybox', '127.0.0.1:5000/fixture/busybox'],
      ['127.0.0.1:5000/fixture/busybox:latest', '127.0.0.1:5000/fixture/busybox:latest'],
      [`127.0.0.1:5000/fixture/busybox@${digest}`, '127.0.0.1:5000/fixture/busybox'],
      [`127.0.0.1:5000/fixture/busybox:1@${digest}`, '127.0.0.1:5000/fixture/busybox:1'],
      ['docker.io/library/busybox:latest', 'busybox:latest'],
      ['docker.io/library/busybox', 'busybox'],
      ['bfa94387', 'bfa94387'],
      ['sha256:bfa94387fd1a', 'bfa94387fd1a'],
      [id, 'bfa94387fd1a'],
      ['', '<no image>'],
    ];
    for (const [listed, shown] of cases) assert.equal(psImage(listed, id, true), shown, listed);
    assert.equal(psImage(`127.0.0.1:5000/fixture/busybox@${digest}`, id, false), `127.0.0.1:5000/fixture/busybox@${digest}`);
    assert.equal(psImage(id, id, false), id);
  });
});

describe('the image a container was made from, as docker shows it', () => {
  const t = tempRoot('dockui-psimage-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const ok = async (args: readonly string[]): Promise<string> => {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const image = `${registry('plain')}/fixture/busybox`;
  const web = `${registry('plain')}/fixture/web`;
  let id = '';
  let digest = '';
  const names = ['by-name', 'by-tag', 'by-id', 'by-digest', 'by-other-tag', 'by-full-id'];

  before(async () => {
    await ok(['pull', '-q', image]);
    await ok(['pull', '-q', web]);
    await ok(['tag', image, 'psimage-other:v1']);
    id = (await ok(['inspect', '-f', '{{.Id}}', image])).trim();
    digest = (await ok(['inspect', '-f', '{{index .RepoDigests 0}}', image])).trim();
    const given = [image, `${image}:latest`, id.slice(7, 15), digest, 'psimage-other:v1', id];
    for (const [i, n] of names.entries()) await ok(['create', '--name', n, given[i]!, 'true']);
  });
  after(async () => {
    await cli(['rm', '-f', ...names, 'old-record']);
    t.cleanup();
  });

  const ps = async (...extra: string[]) =>
    Object.fromEntries(
      (await ok(['ps', '-a', ...extra, '--format', '{{.Names}} {{.Image}}']))
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );

  it('inspect: Config.Image as the create was given it; Image: the id', async () => {
    const out = await ok(['inspect', '-f', '{{.Config.Image}} {{.Image}}', ...names]);
    assert.equal(out, [image, `${image}:latest`, id.slice(7, 15), digest, 'psimage-other:v1', id].map((n) => `${n} ${id}\n`).join(''));
  });

  it('ps: the name as given (shortened as docker does), --no-trunc as is; the table too', async () => {
    assert.deepEqual(await ps(), {
      'by-name': image,
      'by-tag': `${image}:latest`,
      'by-id': id.slice(7, 15),
      'by-digest': image,
      'by-other-tag': 'psimage-other:v1',
      'by-full-id': id.slice(7, 19),
    });
    assert.deepEqual(await ps('--no-trunc'), {
      'by-name': image,
      'by-tag': `${image}:latest`,
      'by-id': id.slice(7, 15),
      'by-digest': digest,
      'by-other-tag': 'psimage-other:v1',
      'by-full-id': id,
    });
    const table = await ok(['ps', '-a', '--filter', 'name=by-name']);
    assert.match(table.split('\n')[1]!, new RegExp(`^[0-9a-f]{12} {3}${image.replace(/\./g, '\\.')} {3}"true"`));
  });

  it('ancestor= finds the containers of the image a value names, by any of its names or its id', async () => {
    const of = async (v: string) =>
      (await ok(['ps', '-a', '--filter', `ancestor=${v}`, '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
    const every = [...names].sort();
    assert.deepEqual(await of(image), every);
    assert.deepEqual(await of('psimage-other:v1'), every);
    assert.deepEqual(await of(id.slice(7, 19)), every);
    assert.deepEqual(await of(web), []);
    assert.deepEqual(await of('psimage-nosuch'), []);
  });

  it('a name that no longer names the image: ps shows the id (inspect still the name); ancestor by that name finds none', async () => {
    await ok(['tag', web, 'psimage-other:v1']); // the tag moves to another image
    await ok(['tag', image, 'psimage-gone']);
    await ok(['create', '--name', 'by-gone', 'psimage-gone', 'true']);
    await ok(['rmi', 'psimage-gone']); // untagged; the image stays under its other names
    try {
      const p = await ps();
      assert.equal(p['by-other-tag'], id.slice(7, 19));
      assert.equal(p['by-gone'], id.slice(7, 19));
      assert.equal(p['by-name'], image);
      assert.equal((await ps('--no-trunc'))['by-other-tag'], id);
      assert.equal(await ok(['inspect', '-f', '{{.Config.Image}}', 'by-other-tag', 'by-gone']), 'psimage-other:v1\npsimage-gone\n');
      assert.equal(await ok(['ps', '-a', '--filter', 'ancestor=psimage-other:v1', '-q']), '');
    } finally {
      await cli(['rm', '-f', 'by-gone']);
      await cli(['tag', image, 'psimage-other:v1']);
    }
  });

  // dockerd 20.10 (`docker ps -a --filter ancestor=V`) on busybox, cp2child (built FROM it),
  // cp2grand (FROM cp2child) and a commit of a busybox container: busybox's name, name:tag,
  // name@digest, id, short id and "sha256:" prefix each gave the containers of all four; cp2child
  // gave cp2child's and cp2grand's; "busybox" (not this image's name) and an unknown name none.
  it('ancestor= also finds the containers of the images built on it: a build FROM it and its builds, a commit', async () => {
    const ctx = join(t.root, 'ctx-child');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${image}\nRUN echo a > /a\n`);
    await ok(['build', '-q', '-t', 'psimage-child', ctx]);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM psimage-child\nRUN echo b > /b\n');
    await ok(['build', '-q', '-t', 'psimage-grand', ctx]);
    await ok(['commit', 'by-name', 'psimage-commit']);
    const made = ['anc-child', 'anc-grand', 'anc-commit', 'anc-web'];
    for (const [i, img] of ['psimage-child', 'psimage-grand', 'psimage-commit', web].entries())
      await ok(['create', '--name', made[i]!, img, 'true']);
    try {
      const of = async (v: string) =>
        (await ok(['ps', '-a', '--filter', `ancestor=${v}`, '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
      const family = [...names, 'anc-child', 'anc-commit', 'anc-grand'].sort();
      for (const v of [image, `${image}:latest`, digest, id, id.slice(7), id.slice(7, 19), id.slice(0, 19)])
        assert.deepEqual(await of(v), family, v);
      assert.deepEqual(await of('psimage-child'), ['anc-child', 'anc-grand']);
      assert.deepEqual(await of('psimage-grand'), ['anc-grand']);
      assert.deepEqual(await of('psimage-commit'), ['anc-commit']);
      assert.deepEqual(await of('busybox'), []);
      // Values are alternatives, as docker's.
      assert.deepEqual(
        (await ok(['ps', '-a', '--filter', 'ancestor=psimage-grand', '--filter', `ancestor=${web}`, '--format', '{{.Names}}']))
          .split('\n')
          .filter(Boolean)
          .sort(),
        ['anc-grand', 'anc-web'],
      );
    } finally {
      await cli(['rm', '-f', ...made]);
    }
  });

  it('a record written before the name was kept: its reference stands in', async () => {
    const cid = (await ok(['create', '--name', 'old-record', image, 'true'])).trim();
    const file = join(t.root, 'containers', cid, 'record.json');
    const rec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(rec.imageName, image);
    delete rec.imageName;
    writeFileSync(file, JSON.stringify(rec));
    assert.equal(await ok(['inspect', '-f', '{{.Config.Image}}', 'old-record']), `${image}:latest\n`);
    assert.equal((await ps())['old-record'], `${image}:latest`);
  });
});
