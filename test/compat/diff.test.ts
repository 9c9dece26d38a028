// `dockui diff` through the real CLI: a busybox that adds, changes and deletes files (a
// whiteout in the overlay upper dir is D), listed as docker prints it; the runtime's own mount
// points (/etc/hosts, volume and bind destinations) are not the container's changes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('dockui diff', () => {
  const t = tempRoot('dockui-diff-');
  const bind = mkdtempSync(join(tmpdir(), 'dockui-diff-bind-'));
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
  });
  after(async () => {
    await cli(['rm', '-f', 'changer', 'quiet', 'fresh', 'sized']);
    t.cleanup();
    rmSync(bind, { recursive: true, force: true });
  });

  it('A, C and D lines in docker order: the parent of an added or deleted entry is C once, first', async () => {
    const script = [
      'mkdir -p /tmp/new/deep',
      'echo x > /tmp/new/deep/f',
      'rm /bin/ls',
      'echo y >> /etc/passwd',
      'rm -rf /usr',
      'touch /root/.ash_history',
      'echo v > /data/in-volume',
      'echo b > /mnt/host/in-bind',
    ].join(' && ');
    const run = await cli(['run', '--name', 'changer', '-v', 'vol1:/data', '-v', `${bind}:/mnt/host`, image, 'sh', '-c', script]);
    assert.equal(run.code, 0, run.stderr);
    const d = await cli(['diff', 'changer']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await cli(['container', 'diff', 'changer'])).stdout, d.stdout);
    assert.equal(
      d.stdout,
      [
        'C /bin',
        'D /bin/ls',
        'C /etc',
        'C /etc/passwd',
        'C /root',
        'A /root/.ash_history',
        'C /tmp',
        'A /tmp/new',
        'A /tmp/new/deep',
        'A /tmp/new/deep/f',
        'D /usr',
        '',
      ].join('\n'),
    );
  });

  it('ps -s: the bytes of the files a container added or changed, a hard link once, and with the image', async () => {
    const run = await cli([
      'run',
      '--name',
      'sized',
      image,
      'sh',
      '-c',
      'head -c 5000 /dev/zero > /root/b && ln /root/b /root/c && echo hello > /tmp/a',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [size, plain, img] = await Promise.all([
      cli(['ps', '-a', '-s', '--filter', 'name=sized', '--format', '{{.Names}} {{.Size}}']),
      cli(['ps', '-a', '--filter', 'name=sized', '--format', '{{.Names}}|{{.Size}}']),
      cli(['images', '--format', '{{.Size}}', image]),
    ]);
    assert.equal(size.code, 0, size.stderr);
    // 5000 + 6 bytes; virtual: the image's 1.98MB and those, in docker's 3 significant digits.
    const m = /^sized 5\.01kB \(virtual (\d[\d.]*)MB\)\n$/.exec(size.stdout);
    assert.ok(m, size.stdout);
    assert.equal(img.stdout, '1.98MB\n');
    assert.equal(m[1], '1.99');
    // A format naming .Size measures it, as docker's does.
    assert.match(plain.stdout, /^sized\|5\.01kB \(virtual 1\.99MB\)\n$/);
  });

  it('a container that changed nothing, or never started, has an empty diff; a missing one is an error', async () => {
    const quiet = await cli(['run', '--name', 'quiet', '-v', 'vol2:/data', image, 'true']);
    assert.equal(quiet.code, 0, quiet.stderr);
    const fresh = await cli(['create', '--name', 'fresh', image, 'true']);
    assert.equal(fresh.code, 0, fresh.stderr);
    const [q, f, ghost, none] = await Promise.all([cli(['diff', 'quiet']), cli(['diff', 'fresh']), cli(['diff', 'ghost']), cli(['diff'])]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stdout, '');
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, '');
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /ghost/);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /'dockui diff' requires exactly 1 argument/);
  });
});
