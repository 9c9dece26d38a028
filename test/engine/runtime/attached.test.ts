// The foreground `run --rm` (and -i/-t): `runc run` in dockui's foreground with the container's
// output straight on dockui's stdio, dockui as the monitor. Real runc, the fixture registry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../../helpers/env.js';
import { assertNothingLeft, eventually, setupFixture, sleep, type Fixture } from './cli-helpers.js';

describe('dockui run --rm in the foreground', () => {
  let f: Fixture;
  before(async () => {
    f = await setupFixture('dockui-attached-', ['busybox']);
  });
  after(async () => f.cleanup());

  function start(args: readonly string[]) {
    const child = spawn(process.execPath, [dockuiBin, ...args], {
      env: { ...process.env, DOCKUI_ROOT: f.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
    const done = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    // 'close' waits for the pipes, which the container holds after a kill -9 of dockui.
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return { child, out, done, exited };
  }

  it('is listed while it runs, stops from another process with its exit code, and is gone after', async () => {
    const run = start([
      'run',
      '--rm',
      '--name',
      'fg',
      f.busybox,
      'sh',
      '-c',
      'trap "echo bye; exit 9" TERM; echo up; while true; do sleep 0.1; done',
    ]);
    await eventually(async () => run.out.stdout.includes('up'), 15_000, 'the container to start');
    const waiter = f.cli(['wait', 'fg']);
    assert.match(await f.ok(['ps']), /Up .* fg/);
    const logs = await f.cli(['logs', 'fg']);
    assert.notEqual(logs.code, 0);
    assert.match(logs.stderr, /^dockui: container fg runs attached to the terminal that started it .*: its output is not logged\n$/);
    await f.ok(['stop', '-t', '5', 'fg']);
    assert.equal(await run.done, 9);
    assert.equal((await waiter).stdout, '9\n', '`wait` in another process gets the exit code of the removed container');
    assert.equal(run.out.stdout, 'up\nbye\n');
    assert.equal(run.out.stderr, '');
    assert.equal((await f.ok(['ps', '-aq'])).trim(), '');
    await assertNothingLeft(f.root);
  });

  it('keeps running after kill -9 of its dockui; the next dockui finishes and removes it once it ends', async () => {
    const run = start([
      'run',
      '--rm',
      '--name',
      'orphan',
      f.busybox,
      'sh',
      '-c',
      'trap "exit 0" TERM; echo up; while true; do sleep 0.1; done',
    ]);
    await eventually(async () => run.out.stdout.includes('up'), 15_000, 'the container to start');
    run.child.kill('SIGKILL');
    await run.exited;
    assert.match(await f.ok(['ps']), /Up .* orphan/, 'still running with no dockui left');
    await f.ok(['stop', '-t', '5', 'orphan']);
    // runc run, its monitor, is gone with the container: the record is finished and, --rm, removed.
    await eventually(async () => (await f.ok(['ps', '-aq'])).trim() === '', 10_000, 'the --rm container to be removed');
    await assertNothingLeft(f.root);
  });

  it('passes a SIGTERM of dockui to the container; a second one kills it and leaves nothing once reconciled', async () => {
    const polite = start(['run', '--rm', f.busybox, 'sh', '-c', 'trap "exit 5" TERM; echo up; while true; do sleep 0.1; done']);
    await eventually(async () => polite.out.stdout.includes('up'), 15_000, 'the container to start');
    polite.child.kill('SIGTERM');
    assert.equal(await polite.done, 5);
    // pid 1 with no handler ignores SIGTERM: the first signal changes nothing, the second ends dockui
    // (exit 143) and takes the container with it.
    const stubborn = start(['run', '--rm', '--name', 'stubborn', f.busybox, 'sh', '-c', 'echo up; exec sleep 300']);
    await eventually(async () => stubborn.out.stdout.includes('up'), 15_000, 'the container to start');
    stubborn.child.kill('SIGTERM');
    await sleep(500);
    assert.match(await f.ok(['ps']), /Up .* stubborn/);
    stubborn.child.kill('SIGTERM');
    assert.equal(await stubborn.done, 143);
    await eventually(async () => (await f.ok(['ps', '-aq'])).trim() === '', 10_000, 'the killed --rm container to be removed');
    await assertNothingLeft(f.root);
  });

  it('`wait` in another process reports the exit code every time: the running owner finishes the record', async () => {
    // Found by CI: another process's reconcile saw runc run gone and finished the record first,
    // as "monitor lost" (255), before the owning dockui could record the real code. The container
    // lives 2 s after 'up': with 0.3 s a loaded CI host started the `wait` CLI after the --rm
    // container was gone (docker wait says "No such container" then too), and with 1 s a host at
    // load 10 (the suite beside two other test runs) did once.
    // Two rounds at a time (one after another, the six took 15 s and more).
    const round = async (i: number) => {
      const run = start(['run', '--rm', '--name', `w${i}`, f.busybox, 'sh', '-c', 'echo up; sleep 2; exit 9']);
      await eventually(async () => run.out.stdout.includes('up'), 15_000, 'the container to start');
      const waited = await f.cli(['wait', `w${i}`]);
      assert.equal(waited.stdout, '9\n', `round ${i}: ${waited.stdout}${waited.stderr}`);
      assert.equal(await run.done, 9);
    };
    await Promise.all(
      [0, 1].map(async (lane) => {
        for (let i = lane; i < 6; i += 2) await round(i);
      }),
    );
    await assertNothingLeft(f.root);
  });

  it('a SIGTERM at any moment of a run --rm leaves nothing behind', async () => {
    for (const delay of [0, 30, 60, 90, 120, 160, 250]) {
      const run = start(['run', '--rm', f.busybox, 'sh', '-c', 'trap "exit 5" TERM; while true; do sleep 0.05; done']);
      await sleep(delay);
      run.child.kill('SIGTERM');
      // A SIGTERM that reached pid 1 before its trap is ignored, as in any container: a second
      // one makes dockui exit and kill the container.
      const early = await Promise.race([run.done, sleep(3000).then(() => 'running' as const)]);
      if (early === 'running') run.child.kill('SIGTERM');
      await run.done;
      // Whatever the exit (Node killed before dockui listened, cancelled before the start, the
      // container's trap, runc ended by the signal, the second signal), nothing may stay once
      // a dockui has looked (`ps -a` reconciles what an exited dockui left to finish).
      await eventually(async () => (await f.ok(['ps', '-aq'])).trim() === '', 10_000, `the container to go (signal after ${delay} ms)`);
      await assertNothingLeft(f.root);
    }
  });

  it('records the exit code of an attached run (-i, no --rm) stopped from another process', async () => {
    const run = start([
      'run',
      '-i',
      '--name',
      'owned',
      f.busybox,
      'sh',
      '-c',
      'trap "exit 9" TERM; echo up; while true; do sleep 0.1; done',
    ]);
    await eventually(async () => run.out.stdout.includes('up'), 15_000, 'the container to start');
    await f.ok(['stop', '-t', '5', 'owned']);
    assert.equal(await run.done, 9);
    assert.equal((await f.ok(['inspect', '-f', '{{.State.ExitCode}}', 'owned'])).trim(), '9');
    await f.ok(['rm', 'owned']);
    await assertNothingLeft(f.root);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'a missing command',
      ['run', '--rm', 'BUSYBOX', 'no-such-binary'],
      /^dockui: exec: "no-such-binary": executable file not found in \$PATH$/,
    ],
    [
      'a missing path',
      ['run', '--rm', 'BUSYBOX', '/nope/bin'],
      /^dockui: exec: "\/nope\/bin": stat \/nope\/bin: no such file or directory$/,
    ],
    ['a file that is not executable', ['run', '--rm', 'BUSYBOX', '/etc/passwd'], /^dockui: exec: "\/etc\/passwd": permission denied$/],
    ['-t without a terminal', ['run', '--rm', '-t', 'BUSYBOX', 'true'], /^dockui: the input device is not a TTY$/],
  ];
  for (const [what, args, re] of bad)
    it(`refuses ${what} with one line and leaves nothing`, async () => {
      const r = await f.cli(args.map((a) => (a === 'BUSYBOX' ? f.busybox : a)));
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      assert.match(r.stderr.trim(), re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      await assertNothingLeft(f.root);
    });

  it('runs a command found through the image PATH, a relative path from -w, and one on a volume', async () => {
    assert.equal(await f.ok(['run', '--rm', f.busybox, 'echo', 'path']), 'path\n');
    assert.equal(await f.ok(['run', '--rm', '-w', '/bin', f.busybox, './echo', 'relative']), 'relative\n');
    // /tools exists only once runc mounts the volume: the look-up must not refuse it beforehand.
    await f.ok(['run', '--rm', '-v', 'tools:/tools', f.busybox, 'cp', '/bin/busybox', '/tools/echo']);
    assert.equal(await f.ok(['run', '--rm', '-v', 'tools:/tools', f.busybox, '/tools/echo', 'from a volume']), 'from a volume\n');
    await f.ok(['volume', 'rm', 'tools']);
  });
});
