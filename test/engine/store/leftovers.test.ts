// `system check` finds what a killed dockui leaves in the store, `--repair` and `system prune`
// remove it. Real faults: kill -9 of a real `dockui pull` of fixture/big mid-unpack (through the
// fault proxy, throttled so the kill lands), and a real mount left in a dead build's temp dir.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, registry, runCli, tempRoot } from '../../helpers/env.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';

const port = 24220; // this suite's own port

/** Pulls `ref` and kill -9s it once a layer unpack has started in ROOT/tmp. */
function pullAndKillMidUnpack(ref: string, root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dockuiBin, 'pull', '-q', ref], {
      env: { ...process.env, DOCKUI_ROOT: root },
      stdio: 'ignore',
    });
    const poll = setInterval(() => {
      let names: string[] = [];
      try {
        names = readdirSync(join(root, 'tmp'));
      } catch {
        // not made yet
      }
      if (names.some((n) => n.startsWith('unpack-'))) child.kill('SIGKILL');
    }, 10);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (_code, sig) => {
      clearInterval(poll);
      clearTimeout(guard);
      assert.equal(sig, 'SIGKILL', 'killed mid-pull (it finished first)');
      resolve(child.pid!);
    });
  });
}

/** A pid no process has now: that of a process that has exited. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

describe('store leftovers', () => {
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy(registry('plain'), port);
    proxy.add({ path: /\/blobs\//, fault: { kind: 'throttle', bytesPerSec: 4_000_000 }, times: Infinity });
  });
  after(() => proxy.close());

  it('check reports a killed pull’s leftovers, exits 1; --repair removes them; the pull then completes', { timeout: 120_000 }, async () => {
    const t = tempRoot('dockui-leftovers-');
    try {
      const ref = `${proxy.addr}/fixture/big`;
      const pid = await pullAndKillMidUnpack(ref, t.root);
      const c1 = await runCli(['system', 'check'], { root: t.root });
      assert.equal(c1.code, 1, c1.stdout + c1.stderr);
      const lines = c1.stdout.split('\n').filter((l) => l.startsWith('leftover '));
      assert.ok(
        lines.some((l) => l.includes(`/tmp/unpack-${pid}-`) && l.includes(`layer unpack dir of dead process ${pid}`)),
        c1.stdout,
      );
      assert.ok(
        lines.some((l) => /^leftover lock .*leases\//.test(l)),
        c1.stdout,
      );
      assert.match(c1.stdout, /leftovers? of killed processes \(run 'dockui system check --repair'\)\n$/);

      const c2 = await runCli(['system', 'check', '--repair'], { root: t.root });
      assert.equal(c2.code, 0, c2.stdout + c2.stderr);
      assert.equal(c2.stdout.split('\n').filter((l) => l.startsWith('removed leftover ')).length, lines.length, c2.stdout);
      assert.ok(!readdirSync(join(t.root, 'tmp')).some((n) => n.startsWith('unpack-')));

      const c3 = await runCli(['system', 'check'], { root: t.root });
      assert.equal(c3.code, 0, c3.stdout);
      assert.match(c3.stdout, /: ok\n$/);
      // The resumable partials stayed: the pull goes on from them.
      const p = await runCli(['pull', '-q', `${registry('plain')}/fixture/big`], { root: t.root, timeoutMs: 90_000 });
      assert.equal(p.code, 0, p.stderr);
      const c4 = await runCli(['system', 'check'], { root: t.root });
      assert.equal(c4.code, 0, c4.stdout);
    } finally {
      t.cleanup();
    }
  });

  it('system prune removes a killed pull’s leftovers too', { timeout: 120_000 }, async () => {
    const t = tempRoot('dockui-leftovers-');
    try {
      await pullAndKillMidUnpack(`${proxy.addr}/fixture/big`, t.root);
      const pr = await runCli(['system', 'prune', '-f'], { root: t.root });
      assert.equal(pr.code, 0, pr.stderr);
      const c = await runCli(['system', 'check'], { root: t.root });
      assert.equal(c.code, 0, c.stdout);
      assert.deepEqual(readdirSync(join(t.root, 'tmp')), [], 'prune drops partial downloads as well');
    } finally {
      t.cleanup();
    }
  });

  it('a dead build’s mount, stale locks and a layer without its marker: found, and removed without deleting through the mount', async () => {
    const t = tempRoot('dockui-leftovers-');
    const host = tempRoot('dockui-leftovers-host-');
    let mnt = '';
    try {
      const ok = await runCli(['system', 'check'], { root: t.root });
      assert.equal(ok.code, 0, ok.stdout);
      const pid = deadPid();
      // What a build killed mid-RUN leaves: its scratch dir under ROOT/tmp with a host dir
      // bind-mounted inside (a real mount; the kill itself is what we stand in for).
      const scratch = join(t.root, 'tmp', `build-${pid}-0123456789ab`);
      mkdirSync(join(scratch, 'mnt'), { recursive: true });
      writeFileSync(join(host.root, 'precious'), 'keep me');
      mnt = join(scratch, 'mnt');
      execFileSync('mount', ['--bind', host.root, mnt]);
      // Stale locks as a killed writer leaves them ("PID STARTTIME" of a dead process), and a
      // layer dir without its marker (layers arrive by rename, so only damage makes one).
      writeFileSync(join(t.root, 'images', 'records.lock'), `${pid} 1\n`);
      writeFileSync(join(t.root, 'gc.lock'), `${pid} 1\n`);
      mkdirSync(join(t.root, 'layers', 'f'.repeat(64), 'diff'), { recursive: true });

      const c1 = await runCli(['system', 'check'], { root: t.root });
      assert.equal(c1.code, 1, c1.stdout);
      for (const re of [
        new RegExp(`^leftover mount ${scratch}/mnt: mount of dead process ${pid}$`, 'm'),
        new RegExp(`^leftover tmp ${scratch}: build scratch dir of dead process ${pid}$`, 'm'),
        /^leftover lock .*\/images\/records\.lock: lock of dead process/m,
        /^leftover lock .*\/gc\.lock: lock of dead process/m,
        /^leftover layer .*\/layers\/f{64}: layer dir without its complete marker$/m,
      ])
        assert.match(c1.stdout, re);

      const c2 = await runCli(['system', 'check', '--repair'], { root: t.root });
      assert.equal(c2.code, 0, c2.stdout + c2.stderr);
      assert.equal(readFileSync(join(host.root, 'precious'), 'utf8'), 'keep me');
      assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(scratch));
      assert.ok(!existsSync(scratch));
      assert.ok(!existsSync(join(t.root, 'gc.lock')));
      assert.ok(!existsSync(join(t.root, 'layers', 'f'.repeat(64))));
      const c3 = await runCli(['system', 'check'], { root: t.root });
      assert.equal(c3.code, 0, c3.stdout);
    } finally {
      // Never let the clean-up below delete through a mount a failed repair left.
      if (mnt && readFileSync('/proc/self/mountinfo', 'utf8').includes(mnt)) spawnSync('umount', ['-l', mnt]);
      t.cleanup();
      host.cleanup();
    }
  });
});
