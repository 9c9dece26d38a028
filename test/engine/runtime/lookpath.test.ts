// Looking a command up inside a rootfs, and reading /etc/passwd through it: symlinks resolve
// inside the rootfs, never on the host.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mkdirInRoot, resolveInRoot } from '../../../src/engine/fsutil/in-root.js';
import { missingExecutable } from '../../../src/engine/runtime/lookpath.js';
import { resolveUser } from '../../../src/engine/runtime/user.js';

describe('lookpath', () => {
  let root: string;
  let hostPasswd: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'dockui-lookpath-'));
    for (const d of ['bin', 'usr/bin', 'etc', 'opt/app', 'data']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'bin/busybox'), '#!/bin/sh\n');
    chmodSync(join(root, 'bin/busybox'), 0o755);
    symlinkSync('busybox', join(root, 'bin/sh'));
    symlinkSync('/bin/busybox', join(root, 'usr/bin/env')); // absolute: inside the rootfs
    symlinkSync('../../bin/busybox', join(root, 'opt/app/run')); // relative, climbing
    symlinkSync('/etc/hostname', join(root, 'bin/hostfile')); // the host has it, the rootfs does not
    symlinkSync('../../../../../../../../bin/busybox', join(root, 'bin/escape')); // .. stops at /
    symlinkSync('loop-b', join(root, 'bin/loop-a'));
    symlinkSync('loop-a', join(root, 'bin/loop-b'));
    writeFileSync(join(root, 'etc/motd'), 'hi\n');
    // /etc/passwd links to a host file naming a user "evil": followed on the host it would be
    // read; inside the rootfs that path does not exist.
    hostPasswd = join(mkdtempSync(join(tmpdir(), 'dockui-hostpw-')), 'passwd');
    writeFileSync(hostPasswd, 'evil:x:4242:4242::/:/bin/sh\n');
    symlinkSync(hostPasswd, join(root, 'etc/passwd'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(join(hostPasswd, '..'), { recursive: true, force: true });
  });

  it('resolves links inside the root', () => {
    assert.equal(resolveInRoot(root, '/bin/sh'), '/bin/busybox');
    assert.equal(resolveInRoot(root, '/usr/bin/env'), '/bin/busybox');
    assert.equal(resolveInRoot(root, '/opt/app/run'), '/bin/busybox');
    assert.equal(resolveInRoot(root, '/bin/escape'), '/bin/busybox');
    assert.equal(resolveInRoot(root, '/bin/hostfile'), undefined);
    assert.equal(resolveInRoot(root, '/bin/loop-a'), undefined);
    assert.equal(resolveInRoot(root, '/../../etc/motd'), '/etc/motd');
  });

  it('finds commands as runc would, and says why one is missing', () => {
    const env = ['PATH=/usr/bin:/bin'];
    const at = { env, cwd: '/', mountPoints: ['/proc', '/dev', '/sys', '/data'] };
    assert.equal(missingExecutable(root, 'sh', at), undefined);
    assert.equal(missingExecutable(root, 'env', at), undefined);
    assert.equal(missingExecutable(root, '/opt/app/run', at), undefined);
    assert.equal(missingExecutable(root, './run', { ...at, cwd: '/opt/app' }), undefined);
    assert.equal(missingExecutable(root, 'nope', at), 'exec: "nope": executable file not found in $PATH');
    assert.equal(
      missingExecutable(root, 'busybox', { ...at, env: ['PATH=/usr/bin'] }),
      'exec: "busybox": executable file not found in $PATH',
    );
    assert.equal(missingExecutable(root, '/etc/motd', at), 'exec: "/etc/motd": permission denied');
    assert.equal(missingExecutable(root, '/bin/hostfile', at), 'exec: "/bin/hostfile": stat /bin/hostfile: no such file or directory');
    // Under a mount point the file only exists once runc has mounted it: not refused here.
    assert.equal(missingExecutable(root, '/data/tool', at), undefined);
    assert.equal(missingExecutable(root, 'tool', { ...at, env: ['PATH=/data'] }), undefined);
  });

  it('creates a working directory inside the rootfs, following links there and never onto the host', () => {
    const host = mkdtempSync(join(tmpdir(), 'dockui-hostdir-'));
    try {
      symlinkSync(host, join(root, 'app')); // /app -> an absolute path that exists on the host only
      mkdirSync(join(root, 'srv'));
      symlinkSync('/srv', join(root, 'www')); // /www -> /srv inside the image
      assert.equal(mkdirInRoot(root, '/www/site/current'), '/srv/site/current');
      assert.ok(statSync(join(root, 'srv/site/current')).isDirectory());
      assert.throws(() => mkdirInRoot(root, '/app/work'), /is a link that leads to no directory in the image/);
      assert.deepEqual(readdirSync(host), [], 'nothing may be made on the host');
      assert.throws(() => mkdirInRoot(root, '/etc/motd/x'), /is not a directory/);
      assert.equal(mkdirInRoot(root, '/made/./here/../there'), '/made/there');
      assert.ok(existsSync(join(root, 'made/there')));
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  it('reads /etc/passwd through the rootfs, not through a link to the host', async () => {
    await assert.rejects(resolveUser(root, 'evil'), /unable to find user evil/);
    assert.deepEqual((await resolveUser(root, '1000:50')).uid, 1000);
  });
});
