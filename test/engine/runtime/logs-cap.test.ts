// Bounded logs (issue 11): a container writing without pause must not fill the disk. conmon's
// k8s-file log is capped by --log-opt max-size (default 10 MiB) and stays readable after it
// starts afresh. Real conmon and runc, the fixture busybox.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setupFixture, sleep, type Fixture } from './cli-helpers.js';

/** Samples the container's log size every 20 ms for `ms`: the largest size and whether it shrank. */
async function watchLog(f: Fixture, name: string, ms: number): Promise<{ max: number; shrank: boolean }> {
  const id = (await f.ok(['inspect', '-f', '{{.Id}}', name])).trim();
  const file = join(f.root, 'containers', id, 'ctr.log');
  let max = 0;
  let last = 0;
  let shrank = false;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // between conmon's new file and its rename
    }
    if (size < last) shrank = true;
    max = Math.max(max, size);
    last = size;
  }
  return { max, shrank };
}

describe('bounded container logs', () => {
  let f: Fixture;
  before(async () => {
    f = await setupFixture('dockui-logcap-', ['busybox']);
  });
  after(async () => f.cleanup());

  it('caps a `yes` container at --log-opt max-size', async () => {
    await f.ok([
      'run',
      '-d',
      '--name',
      'y64',
      '--network',
      'none',
      '--log-opt',
      'max-size=64k',
      '--log-opt',
      'max-file=2',
      f.busybox,
      'yes',
    ]);
    const w = await watchLog(f, 'y64', 3000);
    await f.ok(['rm', '-f', 'y64']);
    assert.ok(w.max <= 64 * 1024, `log grew to ${w.max} bytes`);
    assert.ok(w.max >= 32 * 1024, `log reached ${w.max} bytes only`);
  });

  it('caps it at 10 MiB by default', async () => {
    await f.ok(['run', '-d', '--name', 'ydef', '--network', 'none', f.busybox, 'yes']);
    const w = await watchLog(f, 'ydef', 6000);
    const cfg = await f.ok(['inspect', '-f', '{{.HostConfig.LogConfig.Config}}', 'ydef']);
    await f.ok(['rm', '-f', 'ydef']);
    assert.ok(w.max <= 10 * 1024 * 1024, `log grew to ${w.max} bytes`);
    assert.ok(w.shrank, `the cap was never reached (largest ${w.max} bytes)`);
    assert.match(cfg, /10485760/);
  });

  it('reads the log after it started afresh: the last lines, whole and in order', async () => {
    const script = 'i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done';
    await f.ok(['run', '--name', 'seq', '--network', 'none', '--log-opt', 'max-size=64k', f.busybox, 'sh', '-c', script]);
    const lines = (await f.ok(['logs', 'seq'])).trimEnd().split('\n');
    assert.ok(lines.length < 20000 && lines.length > 100, `${lines.length} lines kept`);
    assert.equal(lines.at(-1), 'line 19999');
    const first = Number(lines[0]!.split(' ')[1]);
    assert.deepEqual(
      lines,
      Array.from({ length: lines.length }, (_, i) => `line ${first + i}`),
    );
    assert.equal(await f.ok(['logs', '--tail', '2', 'seq']), 'line 19998\nline 19999\n');
    await f.ok(['rm', 'seq']);
  });

  it('refuses a bad --log-opt in one line, leaving nothing', async () => {
    // An unknown option at create; a value the log cannot take when it starts, as dockerd's logger.
    for (const opt of ['max-size=lots', 'max-file=0', 'compress=true']) {
      const r = await f.cli(['run', '-d', '--log-opt', opt, f.busybox, 'true']);
      assert.equal(r.code, 125, opt);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /failed to initialize logging driver|log option/);
    }
    assert.equal(await f.ok(['ps', '-aq']), '');
  });
});
