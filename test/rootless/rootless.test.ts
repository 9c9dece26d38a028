// Rootless dockui as a real ordinary user (dockuitest, made by scripts/rootless-user.sh with a
// subuid/subgid range): the real CLI through `runuser`, in dockui's user namespace. Pull from
// the fixture registry, build examples/hello, run -d with a port published on 127.0.0.1, exec,
// logs, ps, stop, rm, rmi, a volume, and a cgroup limit refused in one line.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dockuiBin, registry, repoRoot, type CliResult } from '../helpers/env.js';

const user = 'dockuitest';
const base = mkdtempSync(join(tmpdir(), 'dockui-rootless-'));
const home = join(base, 'home');
const run = join(base, 'run');
const ctx = join(base, 'hello');
cpSync(join(repoRoot, 'examples/hello'), ctx, { recursive: true });
function cli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'runuser',
      ['-u', user, '--', 'env', `HOME=${home}`, `XDG_RUNTIME_DIR=${run}`, 'PATH=/usr/local/bin:/usr/bin:/bin', dockuiBin, ...args],
      { cwd: ctx, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('rootless dockui (as dockuitest)', () => {
  const image = `${registry('plain')}/fixture/busybox`;
  after(async () => {
    await cli(['rm', '-f', 'rl-web']);
    await cli(['system', 'prune', '-a', '-f', '--volumes']);
    // the pause process is the user's: ended by its pid, then the tree (all the user's files) goes
    const r = spawn('sh', ['-c', `kill $(cat ${join(run, 'dockui-userns.pid')}) 2>/dev/null; rm -rf ${base}`]);
    await new Promise((res) => r.on('close', res));
  });

  it('runs every verb of a container life cycle as an ordinary user', async () => {
    mkdirSync(home);
    mkdirSync(run, { mode: 0o700 });
    execFileSync('chown', ['-R', `${user}:`, base]);
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await cli(['tag', image, 'busybox:static'])).code, 0);
    const build = await cli(['build', '-q', '-t', 'rl-hello', '.']);
    assert.equal(build.code, 0, build.stderr);
    const up = await cli(['run', '-d', '--name', 'rl-web', '-p', '127.0.0.1:18050:8080', 'rl-hello']);
    assert.equal(up.code, 0, up.stderr);
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      body = await fetch('http://127.0.0.1:18050/')
        .then((r) => r.text())
        .catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(body, /<|\w/, 'the published port serves the page');
    const exec = await cli(['exec', 'rl-web', 'id', '-u']);
    assert.equal(exec.stdout.trim(), '0', exec.stderr);
    const ps = await cli(['ps']);
    assert.match(ps.stdout, /rl-web/);
    assert.match(ps.stdout, /127\.0\.0\.1:18050->8080\/tcp/);
    assert.equal((await cli(['stop', '-t', '1', 'rl-web'])).code, 0);
    const logs = await cli(['logs', 'rl-web']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal((await cli(['rm', 'rl-web'])).code, 0);
    assert.equal((await cli(['rmi', 'rl-hello'])).code, 0);
    const vol = await cli(['run', '--rm', '--network', 'none', '-v', 'rl-vol:/data', image, 'sh', '-c', 'echo kept > /data/f']);
    assert.equal(vol.code, 0, vol.stderr);
    const back = await cli(['run', '--rm', '-v', 'rl-vol:/data', image, 'cat', '/data/f']);
    assert.equal(back.stdout.trim(), 'kept', back.stderr);
    assert.equal((await cli(['volume', 'rm', 'rl-vol'])).code, 0);
    const limit = await cli(['run', '--rm', '--memory', '10m', image, 'true']);
    assert.notEqual(limit.code, 0);
    assert.equal(limit.stderr.trim().split('\n').length, 1, limit.stderr);
    assert.match(limit.stderr, /cgroup v2 with delegation/);
    assert.doesNotMatch(limit.stderr, /internal error/);
    assert.equal((await cli(['ps', '-a', '-q'])).stdout.trim(), '', 'nothing left behind');
  });
});
