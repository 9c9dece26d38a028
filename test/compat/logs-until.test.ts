// `dockui logs --until` (and --since with it) through the real CLI, a real container and its
// real log: lines before the time only; a follow that reaches --until ends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('dockui logs --until', () => {
  const t = tempRoot('dockui-logs-until-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;
  let times: string[] = [];

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await cli(['run', '-d', '--name', 'ticker', image, 'sh', '-c', 'echo one; sleep 1.2; echo two; sleep 1.2; echo three']);
    assert.equal(run.code, 0, run.stderr);
    const wait = await cli(['wait', 'ticker']);
    assert.equal(wait.stdout.trim(), '0', wait.stderr);
    const stamped = await cli(['logs', '-t', 'ticker']);
    times = stamped.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]!);
    assert.equal(times.length, 3, stamped.stdout);
  });
  after(async () => {
    await cli(['rm', '-f', 'ticker']);
    t.cleanup();
  });

  it('keeps the lines written before the time, with --since the window between', async () => {
    const upToTwo = await cli(['logs', '--until', times[1]!, 'ticker']);
    assert.equal(upToTwo.code, 0, upToTwo.stderr);
    assert.equal(upToTwo.stdout, 'one\n');
    const window = await cli(['logs', '--since', times[1]!, '--until', times[2]!, 'ticker']);
    assert.equal(window.stdout, 'two\n');
    const all = await cli(['logs', '--until', '0s', 'ticker']);
    assert.equal(all.stdout, 'one\ntwo\nthree\n', 'a duration counts back from now');
  });

  it('a follow ends once --until has passed; a bad value is one line and exit 1', async () => {
    const t0 = Date.now();
    const followed = await cli(['logs', '-f', '--until', times[1]!, 'ticker']);
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(followed.stdout, 'one\n');
    assert.ok(Date.now() - t0 < 5000);
    const bad = await cli(['logs', '--until', 'yesterday-ish', 'ticker']);
    assert.notEqual(bad.code, 0);
    assert.equal(bad.stderr, 'dockui: invalid --until value: yesterday-ish\n');
  });
});
