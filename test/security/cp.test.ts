// docker cp against a container that races it (real runc): a container sharing a volume with the
// one copied from or into swaps a directory of that volume for a link to a host directory while
// the copy walks it. The copied container is paused, but its neighbour is not: dockui must never
// follow the swapped link onto the host, reading a host file out or writing one in.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../helpers/env.js';
import { setupFixture, type Fixture } from '../engine/runtime/cli-helpers.js';

/** Makes /vol/d (holding `host-secret`, a file of the container's) and swaps it with a link to argv[1], without pause. */
const swapSource = `#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argc;
  mkdir("/vol/d", 0755);
  FILE *f = fopen("/vol/d/host-secret", "w");
  fputs("container\\n", f);
  fclose(f);
  symlink(argv[1], "/vol/dl");
  for (;;) syscall(SYS_renameat2, AT_FDCWD, "/vol/d", AT_FDCWD, "/vol/dl", 2);
}
`;

/** Regular files under `dir` whose content holds the host's secret (links not followed). */
function leaked(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...leaked(p));
    else if (e.isFile() && readFileSync(p, 'utf8').includes('HOST-SECRET')) out.push(p);
  }
  return out;
}

/** `dockui cp B:/vol/d -`'s regular files' content (GNU tar -xO writes no link's target). */
function streamed(root: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const cp = spawn(dockuiBin, ['cp', 'B:/vol/d', '-'], {
      env: { ...process.env, DOCKUI_ROOT: root },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const tar = spawn('tar', ['-xOf', '-'], { stdio: ['pipe', 'pipe', 'ignore'] });
    cp.stdout.pipe(tar.stdin);
    let text = '';
    tar.stdout.on('data', (d: Buffer) => (text += d.toString()));
    tar.on('error', reject);
    tar.on('close', () => resolve(text));
  });
}

describe('docker cp against a racing container', () => {
  let f: Fixture;
  let host: string;
  let tools: string;
  let out: string;
  before(async () => {
    f = await setupFixture('dockui-cpsec-', ['busybox']);
    host = mkdtempSync(join(tmpdir(), 'dockui-canary-cp-'));
    writeFileSync(join(host, 'host-secret'), 'HOST-SECRET\n');
    tools = mkdtempSync(join(tmpdir(), 'dockui-cpsec-tools-'));
    writeFileSync(join(tools, 'swap.c'), swapSource);
    execFileSync('gcc', ['-static', '-O2', '-o', join(tools, 'swap'), join(tools, 'swap.c')]);
    writeFileSync(join(tools, 'pwn'), 'pwn\n');
    out = mkdtempSync(join(tmpdir(), 'dockui-cpsec-out-'));
    await f.ok(['volume', 'create', 'shared']);
    await f.ok(['run', '-d', '--name', 'A', '--network', 'none', '-v', 'shared:/vol', '-v', `${tools}:/t:ro`, f.busybox, '/t/swap', host]);
    await f.ok(['run', '-d', '--name', 'B', '--network', 'none', '-v', 'shared:/vol', f.busybox, 'sleep', '600']);
    // The swapper has made /vol/d once B sees it.
    for (let i = 0; i < 50 && (await f.cli(['exec', 'B', 'test', '-e', '/vol/dl'])).code !== 0; i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await f.cleanup();
    for (const d of [host, tools, out]) rmSync(d, { recursive: true, force: true });
  });

  it('never reads a host file out (to a path and to a stream) nor writes one in', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      // A failure (the directory changed under the copy) is fine; a host file in the copy is not.
      await f.cli(['cp', 'B:/vol/d', join(out, `o${i}`)]);
      await f.cli(['cp', join(tools, 'pwn'), `B:/vol/d/pwn${i}`]);
      if ((await streamed(f.root)).includes('HOST-SECRET')) seen.push(`stream ${i}`);
    }
    seen.push(...leaked(out));
    assert.deepEqual(seen, [], 'a host file was copied out of the container');
    assert.deepEqual(readdirSync(host), ['host-secret'], 'a file was copied into the host directory');
    // The copies that went through are the container's: its file, or the link as a link.
    const copies = readdirSync(out);
    assert.ok(copies.length > 0);
    for (const c of copies) {
      const st = lstatSync(join(out, c));
      if (st.isDirectory()) assert.equal(readFileSync(join(out, c, 'host-secret'), 'utf8'), 'container\n');
      else assert.ok(st.isSymbolicLink(), `${c}: a directory or the link itself`);
    }
  });
});
