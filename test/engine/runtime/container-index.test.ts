// The container index (ROOT/containers/.index): names after create, rename and rm; a crash that
// left extra entries (never believed); an index removed or never completed is rebuilt on use.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertNothingLeft, setupFixture, type Fixture } from './cli-helpers.js';

describe('container index', () => {
  let f: Fixture;
  let idx: string;
  before(async () => {
    f = await setupFixture('idx18-index-', ['busybox']);
    idx = join(f.root, 'containers', '.index');
  });
  after(async () => f.cleanup());

  it('follows names through create, rename and rm', async () => {
    const id = (await f.ok(['create', '--name', 'idx-a', f.busybox, 'true'])).trim();
    assert.equal(readlinkSync(join(idx, 'names', 'idx-a')), id);
    await f.ok(['rename', 'idx-a', 'idx-b']);
    assert.equal(existsSync(join(idx, 'names', 'idx-a')), false);
    assert.equal(readlinkSync(join(idx, 'names', 'idx-b')), id);
    assert.notEqual((await f.cli(['inspect', 'idx-a'])).code, 0);
    assert.equal((await f.ok(['inspect', '-f', '{{.Id}}', 'idx-b'])).trim(), id);
    await f.ok(['rm', 'idx-b']);
    assert.deepEqual(readdirSync(join(idx, 'names')), []);
    await assertNothingLeft(f.root);
  });

  it('marks running containers only while they run: ps reads the markers', async () => {
    const id = (await f.ok(['run', '-d', '--name', 'idx-r', f.busybox, 'sleep', '100'])).trim();
    assert.deepEqual(readdirSync(join(idx, 'running')), [id]);
    assert.match(await f.ok(['ps']), /idx-r/);
    await f.ok(['stop', '-t', '0', 'idx-r']);
    assert.deepEqual(readdirSync(join(idx, 'running')), []);
    assert.doesNotMatch(await f.ok(['ps']), /idx-r/);
    await f.ok(['rm', 'idx-r']);
  });

  it('never believes entries a crash left (a name link and a running marker nobody backs)', async () => {
    const id = (await f.ok(['create', '--name', 'idx-c', f.busybox, 'true'])).trim();
    // A rename killed after linking its new name, before the record carried it:
    symlinkSync(id, join(idx, 'names', 'idx-half'));
    // A start killed after marking, before the record said running:
    symlinkSync(id, join(idx, 'running', id));
    const r = await f.cli(['inspect', 'idx-half']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no such (container|object): idx-half/);
    assert.doesNotMatch(await f.ok(['ps']), /idx-c/);
    // The name is free again for a new container.
    const other = (await f.ok(['create', '--name', 'idx-half', f.busybox, 'true'])).trim();
    assert.equal(readlinkSync(join(idx, 'names', 'idx-half')), other);
    await f.ok(['rm', 'idx-half', 'idx-c']);
    rmSync(join(idx, 'running', id), { force: true });
  });

  it('is rebuilt when removed or never completed', async () => {
    const id = (await f.ok(['create', '--name', 'idx-d', f.busybox, 'true'])).trim();
    rmSync(idx, { recursive: true, force: true });
    assert.equal((await f.ok(['inspect', '-f', '{{.Id}}', 'idx-d'])).trim(), id);
    assert.equal(readlinkSync(join(idx, 'names', 'idx-d')), id);
    assert.ok(existsSync(join(idx, 'complete')));
    // An interrupted rebuild: no complete marker, a link lost.
    rmSync(join(idx, 'complete'));
    rmSync(join(idx, 'names', 'idx-d'));
    assert.equal((await f.ok(['inspect', '-f', '{{.Id}}', 'idx-d'])).trim(), id);
    assert.ok(existsSync(join(idx, 'complete')));
    await f.ok(['rm', 'idx-d']);
    await assertNothingLeft(f.root);
  });
});
