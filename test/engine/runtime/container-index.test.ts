// The container index (ROOT/containers/.index): names after create, rename and rm; a crash that
// left extra entries (never believed); an index removed or never completed is rebuilt on use;
// `system check` reports a damaged index and `--repair` rebuilds it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('rm of many (by name and id, several at once): each printed in argument order, a missing one is one line and exit 1', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await f.ok(['create', '--name', `idx-m${i}`, f.busybox, 'true'])).trim());
    const args = ids.map((id, i) => (i % 2 ? id : `idx-m${i}`));
    args.splice(4, 0, 'idx-nosuch');
    const r = await f.cli(['rm', ...args]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, args.filter((a) => a !== 'idx-nosuch').join('\n') + '\n');
    assert.equal(r.stderr, 'dockui: no such container: idx-nosuch\n');
    assert.deepEqual(readdirSync(join(idx, 'names')), []);
    await assertNothingLeft(f.root);
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

describe('container index: system check', () => {
  let f: Fixture;
  let idx: string;
  before(async () => {
    f = await setupFixture('perf18-idxcheck-', ['busybox']);
    idx = join(f.root, 'containers', '.index');
  });
  after(async () => f.cleanup());

  it('reports an index that disagrees with the records, and --repair rebuilds it', async () => {
    const a = (await f.ok(['create', '--name', 'chk-a', f.busybox, 'true'])).trim();
    const b = (await f.ok(['create', '--name', 'chk-b', f.busybox, 'true'])).trim();
    const c = (await f.ok(['create', '--name', 'chk-c', f.busybox, 'true'])).trim();
    assert.match(await f.ok(['system', 'check']), /: ok\n$/);
    // Corrupt it: chk-a's link replaced by a file of garbage, chk-b's pointing at chk-c,
    // chk-c's link gone, a running marker for a container that never ran.
    rmSync(join(idx, 'names', 'chk-a'));
    writeFileSync(join(idx, 'names', 'chk-a'), 'garbage\n');
    rmSync(join(idx, 'names', 'chk-b'));
    symlinkSync(c, join(idx, 'names', 'chk-b'));
    rmSync(join(idx, 'names', 'chk-c'));
    symlinkSync(a, join(idx, 'running', a));
    const bad = await f.cli(['system', 'check']);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /container index: missing \S+\/names\/chk-a: no name link for container /);
    assert.match(bad.stdout, /container index: extra \S+\/names\/chk-a: name link to nothing/);
    assert.match(
      bad.stdout,
      new RegExp(`container index: extra \\S+/names/chk-b: name link to container ${c.slice(0, 12)}, which is not named so`),
    );
    assert.match(bad.stdout, new RegExp(`container index: missing \\S+/names/chk-c: no name link for container ${c.slice(0, 12)}`));
    assert.match(bad.stdout, new RegExp(`container index: extra \\S+/running/${a}: running marker of a container not running`));
    assert.match(bad.stdout, /the container index disagrees with the records in 6 places \(run 'dockui system check --repair'\)/);
    // Lookups through the damaged index are never wrong: chk-b is not taken for chk-c.
    assert.notEqual((await f.cli(['inspect', 'chk-b'])).code, 0);
    const fixed = await f.cli(['system', 'check', '--repair']);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /rebuilt the container index from the records\n/);
    assert.match(fixed.stdout, /: ok\n$/);
    for (const [n, id] of [
      ['chk-a', a],
      ['chk-b', b],
      ['chk-c', c],
    ] as const) {
      assert.equal(readlinkSync(join(idx, 'names', n)), id);
      assert.equal((await f.ok(['inspect', '-f', '{{.Id}}', n])).trim(), id);
    }
    assert.deepEqual(readdirSync(join(idx, 'running')), []);
    assert.match(await f.ok(['system', 'check']), /: ok\n$/);
    await f.ok(['rm', 'chk-a', 'chk-b', 'chk-c']);
    await assertNothingLeft(f.root);
  });
});
