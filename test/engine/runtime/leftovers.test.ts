// kill -9 of a starting `dockui run -d -p` at several moments (issue 11): whatever the killed
// process left (slirp4netns holding the host port, conmon and a runc container waiting for a
// start, a netns) is found by findRuntimeLeftovers and freed by the next command that touches
// the container or the port. Real runc, conmon, slirp4netns; ports 24110-24119.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findRuntimeLeftovers } from '../../../src/engine/runtime/leftovers.js';
import { dockuiBin } from '../../helpers/env.js';
import { assertNothingLeft, processesUnder, setupFixture, sleep, type Fixture } from './cli-helpers.js';

/** Starts `dockui run -d -p 127.0.0.1:PORT:80` and kills it -9 when `when` says so. */
async function killedRun(f: Fixture, port: number, name: string, when: { ms?: number; process?: string }): Promise<void> {
  const child = spawn(process.execPath, [dockuiBin, 'run', '-d', '--name', name, '-p', `127.0.0.1:${port}:80`, f.busybox, 'sleep', '300'], {
    env: { ...process.env, DOCKUI_ROOT: f.root },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.once('exit', r));
  if (when.ms !== undefined) await sleep(when.ms);
  else {
    // As soon as the helper exists: before dockui has recorded it anywhere.
    const deadline = Date.now() + 10_000;
    while (!processesUnder(f.root).some((p) => p.includes(when.process!)) && Date.now() < deadline) await sleep(1);
  }
  child.kill('SIGKILL');
  await exited;
}

const helpers = (f: Fixture, what: string) => processesUnder(f.root).filter((p) => p.includes(what));

describe('leftovers of a killed start', () => {
  let f: Fixture;
  const runRoot = () => join(f.root, 'run');
  before(async () => {
    f = await setupFixture('dockui-leftovers-', ['busybox']);
  });
  after(async () => {
    await f.cleanup();
  });

  it('a slirp4netns orphaned holding the port is found, and the next run on the port frees it', async () => {
    await killedRun(f, 24110, 'k1', { process: 'slirp4netns' });
    const found = await findRuntimeLeftovers(f.root, runRoot());
    assert.ok(
      found.some((l) => l.kind === 'slirp4netns'),
      `found: ${found.map((l) => l.what).join('; ')}`,
    );
    assert.ok(found.some((l) => l.kind === 'netns'));
    await f.ok(['run', '-d', '--name', 'n1', '-p', '127.0.0.1:24110:80', f.busybox, 'sleep', '300']);
    assert.equal(helpers(f, 'slirp4netns').length, 1, 'only the new container’s slirp4netns is left');
    assert.deepEqual(await findRuntimeLeftovers(f.root, runRoot()), []);
    await f.ok(['rm', '-f', 'n1', 'k1']);
    await assertNothingLeft(f.root);
  });

  it('system check reports an orphan slirp4netns and its netns (exit 1); --repair frees the port', async () => {
    await killedRun(f, 24113, 'k3', { process: 'slirp4netns' });
    const c1 = await f.cli(['system', 'check']);
    assert.equal(c1.code, 1, c1.stdout + c1.stderr);
    const lines = c1.stdout.split('\n').filter((l) => l.startsWith('leftover '));
    assert.ok(
      lines.some((l) => /^leftover process .*orphan slirp4netns/.test(l)),
      c1.stdout,
    );
    assert.ok(
      lines.some((l) => /^leftover netns /.test(l)),
      c1.stdout,
    );
    const c2 = await f.cli(['system', 'check', '--repair']);
    assert.equal(c2.code, 0, c2.stdout + c2.stderr);
    assert.deepEqual(helpers(f, 'slirp4netns'), []);
    assert.deepEqual(await findRuntimeLeftovers(f.root, runRoot()), []);
    const c3 = await f.cli(['system', 'check']);
    assert.equal(c3.code, 0, c3.stdout);
    // The port is free again.
    await f.ok(['run', '-d', '--name', 'n3', '-p', '127.0.0.1:24113:80', f.busybox, 'sleep', '300']);
    await f.ok(['rm', '-f', 'n3', 'k3']);
    await assertNothingLeft(f.root);
  });

  it('a conmon and runc container left waiting for a start are freed by ps, and rm works', async () => {
    await killedRun(f, 24111, 'k2', { process: 'conmon' });
    await sleep(100); // conmon's runc create finishes on its own
    const found = await findRuntimeLeftovers(f.root, runRoot());
    assert.ok(
      found.some((l) => l.kind === 'conmon' || l.kind === 'runc'),
      `found: ${found.map((l) => l.what).join('; ')}`,
    );
    await f.ok(['ps', '-a']);
    assert.deepEqual(await findRuntimeLeftovers(f.root, runRoot()), []);
    assert.deepEqual(helpers(f, 'conmon'), []);
    assert.deepEqual(helpers(f, 'slirp4netns'), []);
    // The killed container itself can still be started (its port is free) and removed.
    await f.ok(['start', 'k2']);
    await f.ok(['rm', '-f', 'k2']);
    await assertNothingLeft(f.root);
  });

  it('a create killed before its first record: its dir and name link go at the next create; a removal in progress is left be', async () => {
    // What kill -9 inside create leaves (index link made, record still a temporary file), made by
    // hand: the kill lands there only now and then (the kill -9 tests below hit it once in seven runs).
    await f.ok(['create', '--name', 'seed', f.busybox, 'true']);
    const containers = join(f.root, 'containers');
    const unborn = 'a'.repeat(64);
    const removing = 'b'.repeat(64);
    mkdirSync(join(containers, unborn));
    writeFileSync(join(containers, unborn, `.record.999999.${Date.now()}.tmp`), '{"id":');
    symlinkSync(unborn, join(containers, '.index', 'names', 'ghost'));
    mkdirSync(join(containers, removing, 'upper'), { recursive: true });
    assert.equal(readlinkSync(join(containers, '.index', 'names', 'ghost')), unborn);
    await f.ok(['create', '--name', 'ghost', f.busybox, 'true']);
    assert.equal(existsSync(join(containers, unborn)), false, 'the unborn container dir is gone');
    assert.notEqual(readlinkSync(join(containers, '.index', 'names', 'ghost')), unborn, 'its name is free again');
    assert.equal(existsSync(join(containers, removing, 'upper')), true, 'a dir with more than a temporary record is not touched');
    await f.ok(['rm', '-f', 'seed', 'ghost']);
    rmSync(join(containers, removing), { recursive: true });
    await assertNothingLeft(f.root);
  });

  for (const ms of [100, 150, 200, 250, 300]) {
    it(`kill -9 at ${ms} ms: the next run on the port works, rm leaves nothing`, async () => {
      const port = 24112;
      await killedRun(f, port, `t${ms}`, { ms });
      // Killed after its start completed: the port is rightly its own; rm frees it.
      const killed = (await f.cli(['inspect', '-f', '{{.State.Status}}', `t${ms}`])).stdout.trim();
      if (killed === 'running') await f.ok(['rm', '-f', `t${ms}`]);
      await f.ok(['run', '-d', '--name', `after${ms}`, '-p', `127.0.0.1:${port}:80`, f.busybox, 'sleep', '300']);
      const ids = (await f.ok(['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean);
      await f.ok(['rm', '-f', ...ids]);
      await assertNothingLeft(f.root);
    });
  }
});
