// The store against other local users (Moby CVE-2021-41091): a layer holds image files as the
// image says, setuid-root binaries included, so ROOT and RUNROOT must keep everyone but their
// owner out. Real parts: the fixture registry, runc, a real build that makes a setuid file in
// a layer, and another uid (nobody, through setpriv) trying to reach it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry, runCli } from '../helpers/env.js';

/**
 * Runs argv as uid/gid 65534 (nobody) with no supplementary groups, through a shell: setpriv's
 * own exec of argv still gets past directory permissions (it can run a file nobody could
 * reach), the shell it starts cannot.
 */
function asNobody(argv: string[]): { code: number; out: string } {
  const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'sh', '-c', 'exec "$@"', 'sh', ...argv], {
    encoding: 'utf8',
  });
  return { code: r.status ?? 128, out: `${r.stdout}${r.stderr}` };
}

const mode = (p: string) => statSync(p).mode & 0o7777;

describe('store permissions', () => {
  // The parent is open to all (0755), so that only the store's own modes stand in the way.
  const parent = mkdtempSync(join(tmpdir(), 'dockui-sec-store-'));
  chmodSync(parent, 0o755);
  const root = join(parent, 'store'); // absent: dockui creates it
  const cli = (...args: string[]) => runCli(args, { root, timeoutMs: 120_000 });
  let suid = '';
  before(async () => {
    const busybox = `${registry('plain')}/fixture/busybox:latest`;
    const p = await cli('pull', '-q', busybox);
    assert.equal(p.code, 0, p.stderr);
    // The fixture images hold no setuid file: a real build makes one, in a real layer.
    const ctx = join(parent, 'ctx');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${busybox}\nRUN cp /bin/busybox /bin/suid && chmod 4755 /bin/suid\n`);
    const b = await cli('build', '-q', '-t', 'suid:latest', ctx);
    assert.equal(b.code, 0, b.stderr);
    for (const l of readdirSync(join(root, 'layers'))) {
      const f = join(root, 'layers', l, 'diff', 'bin', 'suid');
      try {
        if ((statSync(f).mode & 0o4000) !== 0) suid = f;
      } catch {
        // not in this layer
      }
    }
    assert.ok(suid, 'the build left a setuid file in a layer');
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('creates ROOT, RUNROOT and the store dirs 0700, and containers still run (also as a non-root user)', async () => {
    const r = await cli('run', '--rm', '--user', '65534', 'suid:latest', 'id', '-u');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '65534');
    const r2 = await cli('run', '--rm', 'suid:latest', 'cat', '/etc/passwd');
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(mode(root), 0o700);
    assert.equal(mode(join(root, 'run')), 0o700);
    for (const d of ['layers', 'blobs', 'tmp', 'images']) assert.equal(mode(join(root, d)), 0o700, d);
  });

  it('keeps another user from listing or traversing the store or running a setuid file of a layer', () => {
    assert.notEqual(asNobody(['ls', root]).code, 0);
    assert.notEqual(asNobody(['ls', join(root, 'layers')]).code, 0);
    assert.notEqual(asNobody(['ls', join(root, 'run')]).code, 0);
    assert.notEqual(asNobody(['stat', suid]).code, 0);
    const x = asNobody([suid, 'true']);
    assert.equal(x.code, 126, x.out);
    assert.match(x.out, /Permission denied/);
  });

  it('tightens an existing world-readable store on the next command', async () => {
    // A store made before the fix: everything 0755. The setuid file is then within reach —
    // the check that this test can fail.
    chmodSync(root, 0o755);
    chmodSync(join(root, 'run'), 0o755);
    for (const d of ['layers', 'blobs', 'tmp', 'images']) chmodSync(join(root, d), 0o755);
    // (busybox runs, but as "suid" it knows no such applet: it ran all the same.)
    assert.match(asNobody([suid, 'true']).out, /applet not found/, 'reachable while 0755');
    const r = await cli('images', '-q');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mode(root), 0o700);
    assert.equal(mode(join(root, 'run')), 0o700);
    assert.match(asNobody([suid, 'true']).out, /Permission denied/);
    assert.notEqual(asNobody(['ls', join(root, 'layers')]).code, 0);
  });
});
