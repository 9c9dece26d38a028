// The runtime against hostile images and containers (issue 11): links in an image or planted by
// a running container must never make dockui read or write the host's files; real runc, conmon
// and images built from the fixture busybox.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../helpers/env.js';
import { setupFixture, type Fixture } from '../engine/runtime/cli-helpers.js';

/** Every file name under `dir`, recursively (relative paths). */
function walk(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, base), { withFileTypes: true })) {
    const rel = join(base, e.name);
    out.push(rel);
    if (e.isDirectory()) out.push(...walk(dir, rel));
  }
  return out;
}

/** Swaps /d and /w with links to argv[1], atomically and without pause. */
const swapSource = `#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argc;
  mkdir("/d", 0755);
  mkdir("/w", 0755);
  symlink(argv[1], "/dl");
  symlink(argv[1], "/wl");
  for (;;) {
    syscall(SYS_renameat2, AT_FDCWD, "/d", AT_FDCWD, "/dl", 2);
    syscall(SYS_renameat2, AT_FDCWD, "/w", AT_FDCWD, "/wl", 2);
  }
}
`;

/** Prints the errno of each io_uring syscall (0 when one succeeds). */
const uringSource = `#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static int try(long nr, long a, long b, long c, long d) {
  errno = 0;
  return syscall(nr, a, b, c, d, 0, 0) == -1 ? errno : 0;
}
int main(void) {
  char params[120];
  memset(params, 0, sizeof params);
  printf("setup=%d\\n", try(SYS_io_uring_setup, 4, (long)params, 0, 0));
  printf("enter=%d\\n", try(SYS_io_uring_enter, 0, 0, 0, 0));
  printf("register=%d\\n", try(SYS_io_uring_register, 0, 0, 0, 0));
  return 0;
}
`;

describe('runtime security', () => {
  let f: Fixture;
  let canary: string;
  before(async () => {
    f = await setupFixture('dockui-runsec-', ['busybox']);
    // A host directory no container may see: its file's name is the proof of a leak.
    canary = mkdtempSync(join(tmpdir(), 'dockui-canary-'));
    writeFileSync(join(canary, 'host-secret-canary'), 'secret\n');
  });
  after(async () => {
    await f.cleanup();
    rmSync(canary, { recursive: true, force: true });
  });

  it('fills a VOLUME that is a link in the image from inside the rootfs, never from the host', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'dockui-runsec-ctx-'));
    const up = '../'.repeat(12);
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        `FROM ${f.busybox}`,
        // absolute and relative links to the host canary (absent from the image), and to /etc
        // (present in both: the image's must fill the volume, not the host's).
        `RUN ln -s ${canary} /abs && mkdir -p /a/b && ln -s ${up}${canary.slice(1)} /a/b/rel && ln -s /etc /etcl`,
        'VOLUME /abs',
        'VOLUME /a/b/rel',
        'VOLUME /etcl',
        '',
      ].join('\n'),
    );
    await f.ok(['build', '-q', '-t', 'hostile-volume', ctx]);
    rmSync(ctx, { recursive: true, force: true });
    const out = await f.ok([
      'run',
      '--name',
      'hv',
      'hostile-volume',
      'sh',
      '-c',
      `ls -A /abs /a/b/rel; ls /etcl | grep -c debian_version || true`,
    ]);
    assert.doesNotMatch(out, /host-secret-canary/);
    const vols = join(f.root, 'volumes');
    const names = readdirSync(vols).filter((n) => /^[0-9a-f]{64}$/.test(n));
    assert.equal(names.length, 3);
    const files = names.flatMap((n) => walk(join(vols, n, '_data')));
    assert.ok(!files.some((p) => p.includes('host-secret-canary')), `host canary copied into a volume: ${files.join(' ')}`);
    assert.ok(!files.includes('debian_version'), 'the host /etc was copied into a volume');
    assert.ok(files.includes('passwd') || files.includes('group'), `the image's /etc fills its volume: ${files.join(' ')}`);
    assert.deepEqual(readdirSync(canary), ['host-secret-canary'], 'nothing made in the host canary');
    await f.ok(['rm', '-v', 'hv']);
  });

  it('exec never prepares its working directory on the host through a link the container swaps in', async () => {
    // The container swaps /d and /w (its WORKDIR) with links to a host dir (renameat2
    // RENAME_EXCHANGE in a tight loop, a tiny static program: sh is far too slow to race a walk
    // of a few µs) while exec -w /d/<deep>/eN and plain exec (WORKDIR /w/<deep>) run. The host
    // dir holds <deep> but its last part: once a swap lands anywhere during a host-side `mkdir -p`
    // walk, the rest of the walk goes through the host and its last mkdir lands there.
    const parts = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const deep = parts.join('/');
    const host = mkdtempSync(join(tmpdir(), 'dockui-canary-exec-'));
    mkdirSync(join(host, ...parts.slice(0, -1)), { recursive: true });
    const before = walk(host).sort();
    const tools = mkdtempSync(join(tmpdir(), 'dockui-runsec-tools-'));
    writeFileSync(join(tools, 'swap.c'), swapSource);
    execFileSync('gcc', ['-static', '-O2', '-o', join(tools, 'swap'), join(tools, 'swap.c')]);
    await f.ok([
      'run',
      '-d',
      '--name',
      'swapper',
      '--network',
      'none',
      '-v',
      `${tools}:/t:ro`,
      '-w',
      `/w/${deep}`,
      f.busybox,
      '/t/swap',
      host,
    ]);
    // 40 tries, two at a time.
    for (let i = 0; i < 20; i++)
      await Promise.all([f.cli(['exec', '-w', `/d/${deep}/e${i}`, 'swapper', 'true']), f.cli(['exec', 'swapper', 'true'])]);
    await f.ok(['rm', '-f', 'swapper']);
    const made = walk(host).sort();
    rmSync(host, { recursive: true, force: true });
    rmSync(tools, { recursive: true, force: true });
    assert.deepEqual(
      made.filter((p) => !before.includes(p)),
      [],
      'exec made directories on the host',
    );
    // exec still runs where its directory exists.
    await f.ok(['run', '-d', '--name', 'plain', '--network', 'none', '-w', '/w', f.busybox, 'sleep', '60']);
    assert.equal(await f.ok(['exec', 'plain', 'pwd']), '/w\n');
    assert.equal(await f.ok(['exec', '-w', '/etc', 'plain', 'pwd']), '/etc\n');
    const missing = await f.cli(['exec', '-w', '/nowhere', 'plain', 'pwd']);
    assert.notEqual(missing.code, 0, 'a missing exec -w fails, as in Docker');
    await f.ok(['rm', '-f', 'plain']);
  });

  it('refuses io_uring inside a real container (EPERM), and --cpus beyond the host in one line', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'dockui-runsec-tools-'));
    writeFileSync(join(tools, 'uring.c'), uringSource);
    execFileSync('gcc', ['-static', '-O2', '-o', join(tools, 'uring'), join(tools, 'uring.c')]);
    const out = await f.ok(['run', '--rm', '--network', 'none', '-v', `${tools}:/t:ro`, f.busybox, '/t/uring']);
    rmSync(tools, { recursive: true, force: true });
    assert.equal(out, 'setup=1\nenter=1\nregister=1\n', 'errno 1 (EPERM) for each io_uring call');
    const cpus = availableParallelism();
    const r = await f.cli(['run', '--rm', '--cpus', '1000', f.busybox, 'true']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, `dockui: Range of CPUs is from 0.01 to ${cpus.toFixed(2)}, as there are only ${cpus} CPUs available\n`);
  });

  it('the launcher never lets Node read dockui’s arguments: run --env-file /missing is dockui’s one line', () => {
    // The real binary, through its #!/bin/sh launcher, as a user runs it.
    for (const args of [
      ['run', '--env-file', '/missing', f.busybox],
      ['run', '--env-file=/missing', f.busybox],
    ]) {
      const r = spawnSync(dockuiBin, args, { env: { ...process.env, DOCKUI_ROOT: f.root }, encoding: 'utf8' });
      assert.equal(r.status, 125, r.stderr);
      assert.equal(r.stderr, 'dockui: open /missing: no such file or directory\n');
    }
    const ps = spawnSync(dockuiBin, ['ps', '-a'], { env: { ...process.env, DOCKUI_ROOT: f.root }, encoding: 'utf8' });
    assert.equal(ps.status, 0);
    assert.equal(ps.stderr, '', 'the launcher line prints nothing of its own');
  });
});
