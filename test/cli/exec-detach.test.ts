// `dockui exec -it` and its detach keys, as docker 20.10 behaves (checked against a reference
// dockerd with /usr/bin/docker): from a real terminal (tmux), ctrl-p ctrl-q (or --detach-keys)
// detaches with "read escape sequence" and exit 1 — `docker exec -it` says and returns what
// `docker attach` does — and the command runs on in the container. What carried the session
// (`script`, and the `cat` that drains the pty after a detach) ends with the container. A bad
// sequence is the daemon's one line and exit 1, with or without -t; without -t the keys are
// accepted and change nothing (no pty, no escape proxy: the bytes reach the command).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TmuxSession } from '../e2e/tmux.js';
import { dockuiBin, runCli } from '../helpers/env.js';
import { runningBox } from '../helpers/box.js';
import { sessionHelpers, until } from '../helpers/procs.js';

describe('dockui exec --detach-keys', () => {
  const { root, runRoot, cli, top, box } = runningBox('dockui-exec-detach-', 'xd-exec-box');
  const dockui = `${process.execPath} -- ${dockuiBin} --root ${root} --runroot ${runRoot}`;
  /** `exec -it ARGS` in a terminal of its own; a shell stays in the pane after it (tmux/tmux#506). */
  const terminal = (args: string) =>
    TmuxSession.start({ command: `${dockui} exec -it ${args}; echo "EXIT=$?"; read keep_the_pane_alive`, columns: 100, rows: 20 });

  it("ctrl-p ctrl-q detaches: docker's line, exit 1, the command runs on; nothing left under the run root", async () => {
    const s = terminal(`${box} sh`);
    try {
      await s.waitFor(/^\/ #$/m);
      s.type('echo $((6*7)) $(stty size)');
      s.sendKeys('Enter');
      await s.waitFor(/^42 20 100$/m);
      s.type('sleep 4242');
      s.sendKeys('Enter');
      // Running (its line echoed) before the keys: the line that follows starts a line of its own.
      await until('sleep 4242 in top', async () => ((await top()).includes('sleep 4242') ? true : undefined));
      s.sendKeys('C-p', 'C-q');
      const screen = await s.waitFor(/^EXIT=1$/m);
      // The terminal is given back before the line: it starts a line of its own.
      assert.match(screen, /^\/ # sleep 4242\nread escape sequence\nEXIT=1$/m);
    } finally {
      s.close();
    }
    const procs = await top();
    assert.match(procs, /\ssleep 4242\n/);
    assert.match(procs, /\ssh\n/);
    // The exec's process spec (and runc's pid file) went once runc had started it.
    assert.deepEqual(readdirSync(join(runRoot, 'exec')), []);
    // A detached session is drained: its `script` runs on, its output read by a `cat`.
    const h = sessionHelpers(runRoot);
    assert.ok(h.scripts.length >= 1 && h.cats.length >= 1, JSON.stringify(h));
  });

  it('--detach-keys ctrl-a,x: ctrl-p ctrl-q go to the command; ctrl-a x detaches; an exit code comes back', async () => {
    const s = terminal(`--detach-keys ctrl-a,x ${box} sh`);
    try {
      await s.waitFor(/^\/ #$/m);
      s.type('sleep 4343');
      s.sendKeys('Enter');
      s.sendKeys('C-p', 'C-q');
      // Still attached: ctrl-c reaches sleep, and the shell answers.
      s.sendKeys('C-c');
      s.type('echo still-$((1+1))');
      s.sendKeys('Enter');
      await s.waitFor(/^still-2$/m);
      s.type('sleep 4343');
      s.sendKeys('Enter');
      await until('sleep 4343 in top', async () => ((await top()).includes('sleep 4343') ? true : undefined));
      s.sendKeys('C-a', 'x');
      await s.waitFor(/^read escape sequence\nEXIT=1$/m);
    } finally {
      s.close();
    }
    assert.match(await top(), /\ssleep 4343\n/);
    // Not detached: the command's exit code is exec's.
    const e = terminal(`--detach-keys ctrl-a,x ${box} sh -c 'exit 3'`);
    try {
      await e.waitFor(/^EXIT=3$/m);
    } finally {
      e.close();
    }
  });

  it("a bad sequence: the daemon's one line, exit 1, with or without -t; nothing runs", async () => {
    for (const args of [
      ['--detach-keys', 'ctrl-1', box, 'touch', '/ran'],
      ['-i', '--detach-keys', 'bogus', box, 'touch', '/ran'],
      ['-d', '--detach-keys', 'ctrl-a,', box, 'touch', '/ran'],
    ]) {
      const r = await cli('exec', ...args);
      assert.deepEqual(
        [r.code, r.stdout, r.stderr],
        [1, '', `dockui: Invalid escape keys (${args[args.indexOf('--detach-keys') + 1]}) provided\n`],
      );
    }
    // From a terminal too, which is left as it was (the shell after it reads a line).
    const s = terminal(`--detach-keys ctrl-@@ ${box} touch /ran`);
    try {
      await s.waitFor(/^dockui: Invalid escape keys \(ctrl-@@\) provided\nEXIT=1$/m);
      s.type('typed');
      await s.waitFor(/^EXIT=1\ntyped$/m);
    } finally {
      s.close();
    }
    // docker's CLI check comes first: -it needs a terminal.
    const p = await cli('exec', '-it', '--detach-keys', 'ctrl-1', box, 'true');
    assert.deepEqual([p.code, p.stderr], [1, 'dockui: the input device is not a TTY\n']);
    assert.equal((await cli('exec', box, 'ls', '/ran')).code, 1, 'nothing ran');
    assert.deepEqual(readdirSync(join(runRoot, 'exec')), []);
  });

  it('without -t the keys are accepted and change nothing: the bytes reach the command', async () => {
    const plain = await cli('exec', '-i', box, 'cat');
    assert.equal(plain.code, 0, plain.stderr);
    for (const [keys, input] of [
      [undefined, 'a\x10\x11b\n'],
      ['ctrl-a,x', 'a\x01xb\n'],
    ] as const) {
      const r = await runCli(['--root', root, '--runroot', runRoot, 'exec', '-i', ...(keys ? ['--detach-keys', keys] : []), box, 'cat'], {
        root,
        input,
      });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, input, ''], keys ?? 'default');
    }
  });

  it("the session's helpers end with the container: no script or cat left once it is removed", async () => {
    const s = terminal(`${box} sh`);
    try {
      await s.waitFor(/^\/ #$/m);
      // Output goes on after the detach: the drain keeps the command from blocking on its pty.
      s.type('i=0; while :; do i=$((i+1)); echo $i; echo $i > /tmp/n; done');
      s.sendKeys('Enter');
      s.sendKeys('C-p', 'C-q');
      // Wherever the output was cut, the line ends it.
      await s.waitFor(/read escape sequence\nEXIT=1$/m);
    } finally {
      s.close();
    }
    const count = async () =>
      Number((await cli('exec', box, 'sh', '-c', 'until n=$(cat /tmp/n) && [ -n "$n" ]; do :; done; echo $n')).stdout);
    const n0 = await count();
    await until('the loop to go on after the detach', async () => ((await count()) > n0 + 100 ? true : undefined));
    const h = sessionHelpers(runRoot);
    assert.ok(h.scripts.length >= 1 && h.cats.length >= 1, JSON.stringify(h));
    const r = await cli('rm', '-f', box);
    assert.equal(r.code, 0, r.stderr);
    const alive = (pid: number) => {
      try {
        // A zombie has no cmdline; its parent (init) reaps it.
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
      } catch {
        return false;
      }
    };
    await until('the helpers to end', () => ([...h.scripts, ...h.cats].some(alive) ? undefined : true), 10_000);
    assert.deepEqual(sessionHelpers(runRoot), { scripts: [], cats: [], runcExecs: [] });
  });
});
