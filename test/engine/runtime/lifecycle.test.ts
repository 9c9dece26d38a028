// Containers across dockui processes: survival after the starter dies, reconciliation when a
// container's processes vanish, isolation, and bad input that must leave nothing behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../../helpers/env.js';
import { assertNothingLeft, eventually, setupFixture, sleep, type Fixture } from './cli-helpers.js';

describe('container lifecycle across processes', () => {
  let f: Fixture;
  before(async () => {
    f = await setupFixture('dockui-life-', ['busybox', 'web']);
  });
  after(async () => f.cleanup());

  it('keeps running after kill -9 of the dockui that started it; another process lists, stops and removes it', async () => {
    const starter = spawn(
      process.execPath,
      [dockuiBin, 'run', '--name', 'survivor', f.busybox, 'sh', '-c', 'trap "exit 7" TERM; echo started; while true; do sleep 0.1; done'],
      {
        env: { ...process.env, DOCKUI_ROOT: f.root },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    starter.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(async () => out.includes('started'), 15_000, 'the container to start');
    starter.kill('SIGKILL');
    await new Promise((r) => starter.once('close', r));
    const ps = await f.ok(['ps']);
    assert.match(ps, /Up .* survivor/);
    const started = Date.now();
    await f.ok(['stop', 'survivor']);
    assert.ok(Date.now() - started < 5000);
    assert.equal((await f.ok(['inspect', '-f', '{{.State.ExitCode}}', 'survivor'])).trim(), '7');
    assert.match(await f.ok(['logs', 'survivor']), /^started$/m);
    await f.ok(['rm', 'survivor']);
    await assertNothingLeft(f.root);
  });

  it('shows a container whose monitor and processes were killed as exited with a reason', async () => {
    const id = (await f.ok(['run', '-d', '--name', 'victim', f.busybox, 'sleep', '300'])).trim();
    const dir = join(f.root, 'containers', id);
    const conmon = Number(readFileSync(join(dir, 'conmon.pid'), 'utf8'));
    const pid = Number((await f.ok(['inspect', '-f', '{{.State.Pid}}', 'victim'])).trim());
    assert.ok(pid > 0 && conmon > 0);
    process.kill(conmon, 'SIGKILL');
    process.kill(pid, 'SIGKILL');
    await eventually(async () => (await f.ok(['ps', '-a', '--filter', 'name=victim'])).includes('Exited'), 10_000, 'reconcile');
    const ps = await f.ok(['ps', '-a', '--filter', 'name=victim']);
    assert.match(ps, /Exited \(\d+\)( \[monitor lost\])?/);
    assert.doesNotMatch(ps, /Up /);
    await f.ok(['rm', 'victim']);
    await assertNothingLeft(f.root);
  });

  it('isolates: no host processes or files, no other container files, own hostname, no mount or mknod', async () => {
    const a = (await f.ok(['run', '-d', '--name', 'iso-a', f.busybox, 'sh', '-c', 'echo secret > /tmp/a-only; sleep 300'])).trim();
    const out = await f.ok([
      'run',
      '--rm',
      '--name',
      'iso-b',
      f.busybox,
      'sh',
      '-c',
      `ps -o comm | tail -n +2 | sort -u | tr "\\n" " "; echo; test -e ${f.root} && echo host-visible; test -e /tmp/a-only && echo a-visible; hostname; ` +
        'mkdir -p /mnt/t; mount -t tmpfs none /mnt/t 2>/dev/null && echo mounted; mknod /tmp/disk b 8 0 2>/dev/null && echo mknod-ok; echo done',
    ]);
    const lines = out.trim().split('\n');
    // Only its own processes: no host process (node, conmon, slirp4netns), not iso-a's sleep.
    const comms = lines[0]!.trim().split(' ');
    for (const host of ['node', 'conmon', 'slirp4netns', 'sleep', 'systemd', 'bash'])
      assert.ok(!comms.includes(host), `sees process ${host}: ${comms.join(' ')}`);
    assert.ok(comms.includes('ps') && comms.length <= 7, `sees ${comms.join(' ')}`);
    assert.ok(!out.includes('host-visible'), 'sees a host path');
    assert.ok(!out.includes('a-visible'), "sees another container's file");
    assert.match(lines[1]!, /^[0-9a-f]{12}$/);
    assert.notEqual(lines[1], a.slice(0, 12));
    assert.ok(!out.includes('mounted'), 'could mount');
    assert.ok(!out.includes('mknod-ok'), 'could mknod a block device');
    assert.equal(lines[lines.length - 1], 'done');
    // --privileged lifts both.
    const priv = await f.ok([
      'run',
      '--rm',
      '--privileged',
      f.busybox,
      'sh',
      '-c',
      'mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted',
    ]);
    assert.equal(priv, 'mounted\n');
    await f.ok(['rm', '-f', 'iso-a']);
  });

  it('pauses and unpauses: frozen processes make no progress, exec is refused, rm -f still works', async () => {
    const id = (
      await f.ok([
        'run',
        '-d',
        '--name',
        'frozen',
        f.busybox,
        'sh',
        '-c',
        'i=0; while true; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done',
      ])
    ).trim();
    // The counter as the host sees it in the container's upper dir (exec is refused while paused).
    const count = () => Number(readFileSync(join(f.root, 'containers', id, 'upper/tmp/n'), 'utf8').trim() || '0');
    await eventually(async () => count() > 2, 5000, 'the counter to run');
    await f.ok(['pause', 'frozen']);
    assert.match(await f.ok(['ps', '--filter', 'name=frozen']), /Up .* \(Paused\)/);
    assert.equal((await f.ok(['inspect', '-f', '{{.State.Paused}}', 'frozen'])).trim(), 'true');
    const held = count();
    await sleep(400);
    assert.equal(count(), held, 'no progress while paused');
    const refused = await f.cli(['exec', 'frozen', 'true']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /^dockui: cannot exec in container frozen: it is paused\n$/);
    assert.match((await f.cli(['pause', 'frozen'])).stderr, /cannot pause container frozen: it is paused/);
    await f.ok(['unpause', 'frozen']);
    await eventually(async () => count() > held + 2, 5000, 'the counter to move again');
    assert.match((await f.cli(['unpause', 'frozen'])).stderr, /cannot unpause container frozen: it is running/);
    await f.ok(['pause', 'frozen']);
    await f.ok(['rm', '-f', 'frozen']);
    await assertNothingLeft(f.root);
  });

  it('manages names, prefixes, rename, restart, kill, wait, filters and prune', async () => {
    await f.cli(['rm', '-f', 'iso-a']); // when the isolation test failed half-way
    const id = (await f.ok(['create', '--name', 'named', f.busybox, 'sh', '-c', 'echo run; exit 2'])).trim();
    assert.match(await f.ok(['ps', '-a', '--filter', 'status=created']), /named/);
    await f.ok(['rename', id.slice(0, 8), 'renamed']);
    const same = await f.cli(['rename', 'renamed', 'renamed']);
    assert.notEqual(same.code, 0);
    assert.match(same.stderr, /Renaming a container with the same name as its current name/);
    await f.ok(['start', 'renamed']);
    assert.equal((await f.ok(['wait', 'renamed'])).trim(), '2');
    assert.match(await f.ok(['ps', '-a', '--filter', 'exited=2']), /renamed/);
    assert.equal(await f.ok(['ps', '-q', '--filter', 'name=renamed']), '');
    const dup = await f.cli(['create', '--name', 'renamed', f.busybox]);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /name "renamed" is already in use/);
    const long = (await f.ok(['run', '-d', f.busybox, 'sleep', '300'])).trim();
    await f.ok(['restart', '-t', '0', long.slice(0, 12)]);
    assert.match(await f.ok(['ps']), new RegExp(long.slice(0, 12)));
    const stats = await f.ok(['stats', '--no-stream', long]);
    // docker's columns and units: binary sizes for memory (the host's memory when no limit), SI for I/O.
    assert.match(stats, /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS\n/);
    assert.match(
      stats,
      new RegExp(
        `\\n${long.slice(0, 12)} +\\S+ +\\d+\\.\\d\\d% +[\\d.]+[KMG]?i?B / [\\d.]+[MGT]iB +\\d+\\.\\d\\d% +[\\d.]+k?B / [\\d.]+k?B +\\S+ / \\S+ +1\\n$`,
      ),
    );
    assert.equal(
      await f.ok(['stats', '--no-stream', '--format', '{{.ID}} {{.PIDs}} {{.Container}}', long]),
      `${long.slice(0, 12)} 1 ${long}\n`,
    );
    const badStats = await f.cli(['stats', '--no-stream', '--format', '{{.Bogus}}', long]);
    assert.deepEqual([badStats.code, badStats.stdout, badStats.stderr.split('\n').length], [1, '', 2]);
    // docker's top: the host's `ps -ef` columns in 20-wide cells, or the ps options given.
    assert.match(
      await f.ok(['top', long]),
      /^UID {17}PID {17}PPID {16}C {19}STIME {15}TTY {17}TIME {16}CMD\nroot {16}\d+ +\d+ .*sleep 300\n/,
    );
    assert.match(await f.ok(['top', long, '-o', 'pid,comm']), /^PID {17}COMMAND\n\d+ +sleep\n$/);
    const renamed = await f.cli(['top', long, '-o', 'user=PID']);
    assert.deepEqual([renamed.code === 0, renamed.stderr], [false, 'dockui: specifying "user=PID" is not allowed\n']);
    await f.ok(['kill', long]);
    assert.equal((await f.ok(['inspect', '-f', '{{.State.Status}}', long])).trim(), 'exited');
    const refused = await f.cli(['exec', long, 'true']);
    assert.match(refused.stderr, /cannot exec in container \S+: it is exited/);
    assert.match(await f.ok(['container', 'prune', '-f']), /Total reclaimed: 2 containers/);
    await assertNothingLeft(f.root);
  });
});

describe('bad input leaves nothing behind', () => {
  let f: Fixture;
  let blocker: Server;
  let takenPort = 0;
  before(async () => {
    f = await setupFixture('dockui-bad-', ['busybox', 'web']);
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    takenPort = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    blocker.close();
    await f.cleanup();
  });

  const cases: [string, () => string[], RegExp, Record<string, string>?][] = [
    ['unknown image', () => ['run', `${'127.0.0.1'}:1/nope/nothing`], /./],
    ['unknown container', () => ['stop', 'no-such-container'], /no such container: no-such-container/],
    ['unknown flag', () => ['run', '--bogus', 'x'], /unknown flag: --bogus/],
    ['unknown signal', () => ['kill', '-s', 'SIGNOPE', 'whatever'], /invalid signal: SIGNOPE/],
    ['malformed volume', () => ['run', '-v', 'relative/dir:/x', 'img'], /invalid volume spec/],
    // Refused by the CLI in docker's CLI's words (run-values.ts).
    ['malformed port', () => ['run', '-p', '99999:80', 'img'], /^dockui: Invalid hostPort: 99999$/],
    ['malformed port text', () => ['run', '-p', 'a:b:c:d', 'img'], /^dockui: Invalid ip address a:b: address a:b:: too many colons/],
    ['bad memory', () => ['run', '-m', 'lots', 'img'], /^dockui: invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'$/],
    ['bad capability', () => ['run', '--cap-add', 'CAP_FLY', 'img'], /unknown capability/],
    ['unknown user', () => ['run', '-u', 'nobody-here', 'BUSYBOX', 'true'], /unable to find user nobody-here/],
    ['missing command', () => ['run', 'BUSYBOX', 'no-such-binary'], /no-such-binary/],
    ['runc missing', () => ['run', 'BUSYBOX', 'true'], /runc not found|runc is not installed/, { DOCKUI_RUNC: '/nonexistent/runc' }],
  ];
  for (const [what, args, re, env] of cases)
    it(what, async () => {
      const a = args().map((x) => (x === 'BUSYBOX' ? f.busybox : x));
      const r = await f.cli(a, env ? { env } : {});
      assert.notEqual(r.code, 0, `${what}: exit 0`);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Unable to find image'));
      assert.equal(lines.length, 1, `${what}: one line, got: ${r.stderr}`);
      assert.match(lines[0]!, re);
      await assertNothingLeft(f.root);
    });

  it('a port already taken (detached, and in the foreground with --rm)', async () => {
    for (const mode of ['-d', '--rm']) {
      const r = await f.cli(['run', mode, '-p', `127.0.0.1:${takenPort}:8080`, f.web]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr.trim(), new RegExp(`^dockui: Bind for 127\\.0\\.0\\.1:${takenPort} failed: port is already allocated$`));
      await assertNothingLeft(f.root);
    }
  });

  it('a name already taken', async () => {
    await f.ok(['create', '--name', 'taken', f.busybox]);
    const r = await f.cli(['run', '--name', 'taken', f.busybox, 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /already in use/);
    await f.ok(['rm', 'taken']);
    await assertNothingLeft(f.root);
  });
});
