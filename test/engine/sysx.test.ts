// The engine's one process-liveness helper and its one mount-table reader (src/engine/sysx.ts),
// on real processes and real mounts; the native helper's directory-spreading flag on ext4 and tmpfs.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { mountTable, pidAlive, procStart, sysx } from '../../src/engine/sysx.js';

describe('sysx liveness', () => {
  it('knows this process, and tells a reused pid by its start time', () => {
    const start = procStart(process.pid);
    assert.match(start ?? '', /^\d+$/);
    assert.equal(pidAlive(process.pid), true);
    assert.equal(pidAlive(process.pid, start), true);
    assert.equal(pidAlive(process.pid, `${start}1`), false);
  });

  it('a process that has exited is not alive; nonsense pids never are', async () => {
    const child = spawn('true');
    const pid = child.pid!;
    await once(child, 'exit'); // reaped by Node: the pid is free
    assert.equal(pidAlive(pid), false);
    assert.equal(procStart(pid), undefined);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(pidAlive(bad), false, String(bad));
  });
});

describe('sysx mount table', () => {
  it('decodes the escapes of mountinfo: a mount point with a space and a backslash reads as written', () => {
    const dir = mkdtempSync('/var/tmp/dockui-sysx-');
    const point = join(dir, 'a b\\c');
    mkdirSync(point);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', point]);
    try {
      const hit = mountTable().find((m) => m.point === point);
      assert.ok(hit, `no ${point} in the mount table`);
      assert.equal(hit.fsType, 'tmpfs');
      assert.match(hit.superOpts, /size=1024k/);
    } finally {
      execFileSync('umount', [point]);
      rmSync(dir, { recursive: true });
    }
    assert.equal(
      mountTable().some((m) => m.point === point),
      false,
    );
  });
});

describe('sysx spreadDirs', () => {
  it("sets ext4's T flag (chattr +T) once, and says false on tmpfs, which has none", () => {
    const dir = mkdtempSync('/var/tmp/dockui-sysx-');
    const shm = mkdtempSync('/dev/shm/dockui-sysx-');
    try {
      const fs = execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
      assert.equal(fs, 'ext2/ext3', `this test needs /var/tmp on ext4 (it is ${fs})`);
      const flags = () => execFileSync('lsattr', ['-d', dir], { encoding: 'utf8' }).split(' ')[0]!;
      assert.doesNotMatch(flags(), /T/);
      assert.equal(sysx().spreadDirs(dir), true);
      assert.match(flags(), /T/);
      assert.equal(sysx().spreadDirs(dir), true); // already set
      assert.equal(sysx().spreadDirs(shm), false);
      assert.throws(() => sysx().spreadDirs(join(dir, 'missing')), { code: 'ENOENT' });
    } finally {
      rmSync(dir, { recursive: true });
      rmSync(shm, { recursive: true });
    }
  });
});
