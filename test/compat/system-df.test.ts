// `dockui system df` through the real CLI and the engine's system.df(): containers counted by
// their writable layers (reclaimable when not running), volumes by their files (active when a
// container mounts one), as `docker system df` reports them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('dockui system df', () => {
  const t = tempRoot('dockui-df-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
  });
  after(async () => {
    await cli(['rm', '-f', 'df-writer', 'df-user']);
    t.cleanup();
  });

  it('counts containers and volumes, what is in use, their sizes and what is reclaimable', async () => {
    const fill = await cli(['run', '--rm', '-v', 'df-used:/d', image, 'sh', '-c', 'head -c 300000 /dev/zero > /d/f']);
    assert.equal(fill.code, 0, fill.stderr);
    const spare = await cli(['run', '--rm', '-v', 'df-spare:/d', image, 'sh', '-c', 'head -c 70000 /dev/zero > /d/f']);
    assert.equal(spare.code, 0, spare.stderr);
    const writer = await cli(['run', '--name', 'df-writer', image, 'sh', '-c', 'head -c 200000 /dev/zero > /big']);
    assert.equal(writer.code, 0, writer.stderr);
    const user = await cli(['create', '--name', 'df-user', '-v', 'df-used:/d', image, 'true']);
    assert.equal(user.code, 0, user.stderr);

    const j = await cli(['system', 'df', '--format', 'json']);
    assert.equal(j.code, 0, j.stderr);
    const r = JSON.parse(j.stdout) as Record<string, { count: number; active: number; size: number; reclaimable: number }>;
    assert.equal(r.containers!.count, 2);
    assert.equal(r.containers!.active, 0);
    assert.ok(r.containers!.size >= 200_000 && r.containers!.size < 400_000, String(r.containers!.size));
    assert.equal(r.containers!.reclaimable, r.containers!.size, 'none running: all reclaimable');
    assert.equal(r.volumes!.count, 2);
    assert.equal(r.volumes!.active, 1, 'df-used is mounted by df-user');
    assert.equal(r.volumes!.size, 370_000);
    assert.equal(r.volumes!.reclaimable, 70_000, 'df-spare alone is unused');

    const table = await cli(['system', 'df']);
    assert.match(table.stdout, /^Containers\s+2\s+0\s+\S+\s+\S+\s+\(100%\)$/m);
    assert.match(table.stdout, /^Local Volumes\s+2\s+1\s+370kB\s+70kB\s+\(19%\)$/m);
  });
});
