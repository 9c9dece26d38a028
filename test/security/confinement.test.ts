// Confinement of an untrusted container process, checked from inside real containers (runc,
// the fixture busybox image): what Docker 20.10's defaults promise, property by property. One
// shell script per container prints `name=value` lines, so the whole suite costs a few runs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setupFixture, type Fixture } from '../engine/runtime/cli-helpers.js';

// Docker's default capability set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
// NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP; dockui drops MKNOD too
// (runtime/spec.ts says why), so a container gets less than Docker's.
const dockerCaps = 0x00000000a80425fbn;
const capMknod = 1n << 27n;

const probe = String.raw`
st() { if "$@" >/dev/null 2>&1; then echo ok; else echo denied; fi; }
cap=$(grep CapEff /proc/self/status | awk '{print $2}'); echo "capeff=$cap"
echo "capbnd=$(grep CapBnd /proc/self/status | awk '{print $2}')"
echo "seccomp=$(grep '^Seccomp:' /proc/self/status | awk '{print $2}')"
echo "pid1=$(cat /proc/1/comm)"
echo "procs=$(ls -d /proc/[0-9]* | wc -l)"
echo "mount_tmpfs=$(st mount -t tmpfs none /mnt)"
echo "mount_proc=$(st mount -t proc proc /mnt)"
echo "sethostname=$(st hostname evil)"
date -s 2000-01-01 >/dev/null 2>&1; if [ "$(date +%Y)" = 2000 ]; then echo settime=ok; else echo settime=denied; fi
echo "sys_write=$(st sh -c 'echo 1 > /sys/kernel/profiling')"
echo "procsys_write=$(st sh -c 'echo 1 > /proc/sys/kernel/sysrq')"
echo "sysrq_trigger=$(st sh -c 'echo h > /proc/sysrq-trigger')"
echo "kcore=$(wc -c < /proc/kcore 2>/dev/null || echo denied)"
echo "keys=$(wc -c < /proc/keys 2>/dev/null || echo denied)"
echo "timer_list=$(wc -c < /proc/timer_list 2>/dev/null || echo denied)"
echo "firmware=$(ls /sys/firmware 2>/dev/null | wc -l)"
echo "cgroup_write=$(st mkdir /sys/fs/cgroup/memory/evil)"
echo "mknod_blk=$(st mknod /tmp/sda b 8 0)"
echo "read_blk=$(st dd if=/dev/sda of=/dev/null bs=512 count=1)"
echo "dev_mem=$(st test -e /dev/mem)"
echo "dev_kmsg=$(st test -e /dev/kmsg)"
echo "unshare_user=$(st unshare -U true)"
echo "unshare_mnt=$(st unshare -m true)"
echo "insmod=$(st insmod /nonexistent.ko)"
echo "swapoff=$(st swapoff -a)"
echo "host_root=$(st test -e /proc/1/root/HOSTCANARY)"
echo "ifaces=$(ls /sys/class/net | tr '\n' ' ')"
`;

function parse(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) r[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return r;
}

describe('a container process is confined (Docker 20.10 defaults)', () => {
  let fx: Fixture;
  let canaryDir: string;
  let got: Record<string, string>;
  before(async () => {
    fx = await setupFixture('dockui-confine-', ['busybox']);
    canaryDir = mkdtempSync(join(tmpdir(), 'dockui-canary-'));
    writeFileSync(join(canaryDir, 'HOSTCANARY'), 'host secret');
    const r = await fx.cli(['run', '--rm', '--network', 'none', fx.busybox, 'sh', '-c', probe]);
    assert.equal(r.code, 0, r.stderr);
    got = parse(r.stdout);
  });
  after(async () => {
    await fx.cleanup();
    rmSync(canaryDir, { recursive: true, force: true });
  });

  it("has Docker's default capabilities less CAP_MKNOD, in the effective and the bounding set", () => {
    assert.equal(BigInt('0x' + got.capeff), dockerCaps & ~capMknod);
    assert.equal(BigInt('0x' + got.capbnd), dockerCaps & ~capMknod);
  });
  it('runs under a seccomp filter', () => assert.equal(got.seccomp, '2'));
  it('sees only its own processes (PID namespace)', () => {
    assert.equal(got.pid1, 'sh');
    assert.ok(Number(got.procs) <= 4, `saw ${got.procs} processes`);
  });
  it('cannot mount, set the hostname or the clock, load modules or swap', () => {
    for (const k of ['mount_tmpfs', 'mount_proc', 'sethostname', 'settime', 'insmod', 'swapoff']) assert.equal(got[k], 'denied', k);
  });
  it('cannot write /sys, /proc/sys, /proc/sysrq-trigger or the cgroup tree', () => {
    for (const k of ['sys_write', 'procsys_write', 'sysrq_trigger', 'cgroup_write']) assert.equal(got[k], 'denied', k);
  });
  it('reads nothing from the masked /proc and /sys paths', () => {
    for (const k of ['kcore', 'keys', 'timer_list']) assert.ok(got[k] === '0' || got[k] === 'denied', `${k}=${got[k]}`);
    assert.equal(got.firmware, '0');
  });
  it('cannot make or open a host block device; no /dev/mem or /dev/kmsg', () => {
    assert.equal(got.mknod_blk, 'denied');
    assert.equal(got.read_blk, 'denied');
    assert.equal(got.dev_mem, 'denied');
    assert.equal(got.dev_kmsg, 'denied');
  });
  it('cannot create user or mount namespaces', () => {
    assert.equal(got.unshare_user, 'denied');
    assert.equal(got.unshare_mnt, 'denied');
  });
  it("does not reach the host's files through /proc/1/root", () => assert.equal(got.host_root, 'denied'));
  it('has only a loopback interface with --network none', () => assert.equal(got.ifaces, 'lo'));

  it('a bind-mounted host directory is reachable only where it is mounted, read-only when asked', async () => {
    const shared = join(canaryDir, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'in.txt'), 'hello\n');
    const r = await fx.cli([
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      `${shared}:/data:ro`,
      fx.busybox,
      'sh',
      '-c',
      'cat /data/in.txt; if echo x > /data/out.txt 2>/dev/null; then echo wrote; else echo ro; fi; ls /data/.. | grep -c HOSTCANARY',
    ]);
    assert.deepEqual(r.stdout.trim().split('\n'), ['hello', 'ro', '0'], r.stderr);
    assert.deepEqual(readdirSync(shared), ['in.txt']);
  });
});
