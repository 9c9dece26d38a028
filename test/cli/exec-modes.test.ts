// `dockui exec -d` and `exec -t` without a terminal, as docker 20.10 behaves (checked against a
// reference dockerd with /usr/bin/docker). -d: the command runs on, its output goes nowhere, and
// once it has ended nothing of it is left — no process file under RUNROOT/exec, no runc, no
// `script` or `cat`. -t without a terminal on stdin: the command still gets a pty (its output,
// stderr too, comes on stdout with the pty's \r\n), stdin is not attached, and its exit code is
// exec's; -it without one stays docker's refusal. In the foreground, a command that cannot start
// is docker's one line and exit 126.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dockuiBin, runCli } from '../helpers/env.js';
import { runningBox } from '../helpers/box.js';
import { sessionHelpers, until } from '../helpers/procs.js';

describe('dockui exec -d, and -t without a terminal', () => {
  const { dir, root, runRoot, cli, top, box } = runningBox('dockui-exec-modes-', 'xe-exec-modes');
  const execFiles = () => {
    try {
      return readdirSync(join(runRoot, 'exec'));
    } catch {
      return [];
    }
  };
  const noHelpers = { scripts: [], cats: [], runcExecs: [] };

  it('-d: the command runs on, its output goes nowhere; no process file, no runc left while it runs', async () => {
    // The CLI's stdout and stderr are files, not pipes: were they passed on to the command, the
    // caller would wait on a pipe until the command ended; a file shows what it wrote.
    const out = join(dir, 'd.out');
    const err = join(dir, 'd.err');
    const [o, e] = [openSync(out, 'w'), openSync(err, 'w')];
    const cmd = 'echo early; sleep 1; echo late; echo late-err >&2; touch /tmp/wrote; sleep 4646';
    const d = spawn(process.execPath, ['--', dockuiBin, '--root', root, '--runroot', runRoot, 'exec', '-d', box, 'sh', '-c', cmd], {
      stdio: ['ignore', o, e],
    });
    const code = await new Promise((resolve) => d.on('exit', resolve));
    closeSync(o);
    closeSync(e);
    assert.equal(code, 0, readFileSync(err, 'utf8'));
    assert.match(await top(), /\ssleep 4646\n|\ssleep 1\n/);
    assert.deepEqual(execFiles(), []);
    assert.deepEqual(sessionHelpers(runRoot), noHelpers);
    await until('the command to write', async () => ((await cli('exec', box, 'ls', '/tmp/wrote')).code === 0 ? true : undefined));
    assert.deepEqual([readFileSync(out, 'utf8'), readFileSync(err, 'utf8')], ['', '']);
    // Many in a row leave nothing either.
    for (let i = 0; i < 5; i++) {
      const r = await cli('exec', '-d', box, 'touch', `/tmp/ran-${i}`);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    }
    assert.deepEqual(execFiles(), []);
    await until('the five touches', async () =>
      (await cli('exec', box, 'sh', '-c', 'ls /tmp | grep -c ran-')).stdout === '5\n' ? true : undefined,
    );
    // -i changes nothing with -d: nothing is attached.
    const di = await runCli(['--root', root, '--runroot', runRoot, 'exec', '-d', '-i', box, 'sh', '-c', 'cat > /tmp/di'], {
      root,
      input: 'x\n',
    });
    assert.equal(di.code, 0, di.stderr);
    assert.deepEqual(execFiles(), []);
  });

  it('-d -t: on a pty of its own; once the command ends, its script and cat are gone too', async () => {
    const r = await cli('exec', '-d', '-t', box, 'sh', '-c', 'tty > /tmp/tty; echo to-the-pty; sleep 2');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(execFiles(), []);
    const tty = await until('the command to write its tty', async () => {
      const c = await cli('exec', box, 'cat', '/tmp/tty');
      return c.code === 0 && c.stdout ? c.stdout : undefined;
    });
    assert.match(tty, /^\/dev\/pts\/\d+\n$/);
    // While it runs, its pty is drained; after, nothing of it stays.
    await until('the command to end and its helpers with it', () =>
      JSON.stringify(sessionHelpers(runRoot)) === JSON.stringify(noHelpers) ? true : undefined,
    );
    assert.doesNotMatch(await top(), /sleep 2\n/);
    assert.deepEqual(execFiles(), []);
  });

  it("-d, a command that cannot start: runc's words, exit 1 (docker's), nothing left", async () => {
    for (const flags of [['-d'], ['-d', '-t']]) {
      const r = await cli('exec', ...flags, box, 'no-such-command');
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^dockui: OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-command": executable file not found in \$PATH\n$/,
        flags.join(' '),
      );
      assert.deepEqual(execFiles(), []);
    }
    await until('no helpers', () => (JSON.stringify(sessionHelpers(runRoot)) === JSON.stringify(noHelpers) ? true : undefined));
  });

  it("in the foreground, a command or working directory that cannot be used: one line in runc's words, exit 126 (docker's)", async () => {
    // docker 20.10 (reference dockerd): `exec C nosuch` and the rest print "OCI runtime exec
    // failed: exec failed: unable to start container process: …: unknown" and exit 126.
    const prep = await cli(
      'exec',
      box,
      'sh',
      '-c',
      'mkdir -p /tmp/xe && printf "#!/bin/sh\\necho ran-x\\n" > /tmp/xe/x && chmod +x /tmp/xe/x',
    );
    assert.equal(prep.code, 0, prep.stderr);
    const start = 'dockui: OCI runtime exec failed: exec failed: unable to start container process: ';
    const cases: [string[], string][] = [
      [['no-such-command'], 'exec: "no-such-command": executable file not found in $PATH'],
      [['/etc/passwd'], 'exec: "/etc/passwd": permission denied'],
      [['-w', '/no-such-dir', 'pwd'], 'chdir to cwd ("/no-such-dir") set in config.json failed: no such file or directory'],
    ];
    for (const [args, why] of cases) {
      const r = await cli('exec', ...args.slice(0, -1), box, args.at(-1)!);
      assert.deepEqual([r.code, r.stdout, r.stderr], [126, '', `${start}${why}: unknown\n`], args.join(' '));
    }
    // A user the image does not have: docker's line, exit 126 too.
    const nouser = await cli('exec', '-u', 'nosuchuser', box, 'id');
    assert.deepEqual([nouser.code, nouser.stderr], [126, 'dockui: unable to find user nosuchuser: no matching entries in passwd file\n']);
    // What is there runs: relative to -w, or found on the exec's own PATH.
    for (const args of [
      ['-w', '/tmp/xe', box, './x'],
      ['-e', 'PATH=/tmp/xe', box, 'x'],
    ]) {
      const r = await cli('exec', ...args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ran-x\n', ''], args.join(' '));
    }
    assert.deepEqual(execFiles(), []);
  });

  it("-t without a terminal: a pty inside, its output on stdout, the command's exit code", async () => {
    const r = await cli('exec', '-t', box, 'sh', '-c', 'tty; echo out; echo err >&2; exit 3');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^\/dev\/pts\/\d+\r\nout\r\nerr\r\n$/);
    assert.equal(r.stderr, '');
    // stdin is not attached (docker's -t alone): what is piped in never reaches the command.
    const p = await runCli(['--root', root, '--runroot', runRoot, 'exec', '-t', box, 'sh', '-c', 'read -t 1 x; echo "got:$x"'], {
      root,
      input: 'typed\n',
    });
    assert.deepEqual([p.code, p.stdout, p.stderr], [0, 'got:\r\n', '']);
    assert.deepEqual(execFiles(), []);
    assert.deepEqual(sessionHelpers(runRoot), noHelpers);
    // -it still needs a terminal (docker's CLI check and words).
    const it = await cli('exec', '-it', box, 'true');
    assert.deepEqual([it.code, it.stdout, it.stderr], [1, '', 'dockui: the input device is not a TTY\n']);
  });

  it('a process file a killed dockui left: system check reports it, --repair removes it; a fresh one is left be', async () => {
    const dir = join(runRoot, 'exec');
    mkdirSync(dir, { recursive: true });
    const stale = join(dir, '0123456789abcdef-deadbeef.json');
    const fresh = join(dir, '0123456789abcdef-0badcafe.json');
    writeFileSync(stale, '{}');
    writeFileSync(fresh, '{}');
    const old = new Date(Date.now() - 120_000);
    utimesSync(stale, old, old);
    const c = await cli('system', 'check');
    assert.equal(c.code, 1, c.stdout + c.stderr);
    assert.deepEqual(
      c.stdout.split('\n').filter((l) => l.startsWith('leftover ')),
      [`leftover tmp ${stale}: stale exec process file ${stale}`],
    );
    const r = await cli('system', 'check', '--repair');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(execFiles(), ['0123456789abcdef-0badcafe.json']);
    rmSync(fresh);
  });
});
