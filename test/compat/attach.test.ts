// `docker attach` as Docker's reference describes it: attach to a running container to see its
// output from then on (stdout and stderr apart) and, when it was started with -i, to type into
// it; ctrl-p ctrl-q (or --detach-keys) detaches and leaves it running ("read escape sequence",
// exit 1); when it exits, attach returns its exit code; --sig-proxy (default) hands the signals
// on, --sig-proxy=false lets ctrl-c detach instead; --no-stdin sends nothing. A TTY container
// is driven from a real terminal (tmux).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../helpers/env.js';
import { TmuxSession } from '../e2e/tmux.js';
import { scenario } from './scenario.js';

describe('compat: attach', () => {
  const s = scenario('attach');
  const running = async (name: string) => (await s.sh(`$DOCKER inspect -f '{{.State.Status}}' ${name}`)).stdout.trim();
  /** `dockui attach ARGS` as a child process (stdin /dev/null, or a pipe to type into); `until` polls its output. */
  const attach = (args: readonly string[], stdin: 'ignore' | 'pipe' = 'ignore') => {
    const child = spawn(process.execPath, ['--', dockuiBin, '--root', s.root, '--runroot', s.runRoot, 'attach', ...args], {
      stdio: [stdin, 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout?.on('data', (d: Buffer) => (out.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out.stderr += d.toString()));
    const code = new Promise<number>((r) => child.on('close', (c, sig) => r(c ?? (sig ? 128 : 1))));
    const until = async (ok: () => boolean, what: string, ms = 20_000) => {
      for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50)))
        if (Date.now() > end) {
          child.kill('SIGKILL');
          assert.fail(`timed out waiting for ${what}: ${JSON.stringify(out)}`);
        }
    };
    return { child, out, code, until };
  };
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('output from now on, stdout and stderr apart; --sig-proxy=false: ctrl-c detaches, the container runs on', async () => {
    await s.sh(`$DOCKER run -d --name h14-tick $IMAGE sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; echo err $i >&2; sleep 0.2; done'`);
    await s.until(`$DOCKER logs h14-tick 2>/dev/null | wc -l`, (o) => Number(o) >= 5);
    // Ctrl-C once a few lines came through (a fixed delay lost the race to Node's start on a loaded host).
    const a = attach(['--sig-proxy=false', 'h14-tick']);
    const lines = (t: string) => t.split('\n').filter(Boolean).length;
    await a.until(() => lines(a.out.stdout) >= 3 && lines(a.out.stderr) >= 2, 'three ticks and two errs');
    a.child.kill('SIGINT');
    await a.code;
    const r = a.out;
    const ticks = r.stdout.trim().split('\n');
    assert.ok(ticks.length >= 3, r.stdout);
    assert.ok(
      ticks.every((t) => /^tick \d+$/.test(t)),
      r.stdout,
    );
    // From now on: not the lines written before the attach.
    assert.ok(Number(ticks[0]!.split(' ')[1]) >= 5, r.stdout);
    assert.match(r.stderr, /^err \d+\n(err \d+\n)+$/);
    assert.equal(await running('h14-tick'), 'running');
  });

  it('--sig-proxy (default): the signal goes to the container; attach returns its exit code', async () => {
    await s.sh(`$DOCKER run -d --name h14-trap $IMAGE sh -c 'trap "echo got-int; exit 7" INT; while :; do sleep 0.1; done'`);
    // 4 s: a SIGINT before attach has set its handlers (Node starting on a loaded host) kills it with 130.
    const r = await s.sh(`timeout --preserve-status -s INT 4 $DOCKER attach h14-trap`);
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, 'got-int\n');
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.State.Status}} {{.State.ExitCode}}' h14-trap`)).stdout, 'exited 7\n');
    // It ends once attach is there (its 'wait' lines came through) and /sig/go exists: a fixed
    // sleep let it end before a loaded host's attach connected.
    const sig = join(s.root, '..', 'sig');
    mkdirSync(sig, { recursive: true });
    await s.sh(
      `$DOCKER run -d --name h14-ends -v ${sig}:/sig $IMAGE sh -c 'until [ -e /sig/go ]; do echo wait; sleep 0.1; done; echo out; echo err >&2; exit 3'`,
    );
    const e = attach(['h14-ends']);
    await e.until(() => e.out.stdout.includes('wait\n'), 'a wait line');
    writeFileSync(join(sig, 'go'), '');
    assert.equal(await e.code, 3, e.out.stderr);
    assert.match(e.out.stdout, /^(wait\n)+out\n$/);
    assert.equal(e.out.stderr, 'err\n');
  });

  it('-i: stdin goes to the container; ctrl-p ctrl-q detaches ("read escape sequence", exit 1) and it runs on', async () => {
    await s.sh(`$DOCKER run -d -i --name h14-cat $IMAGE cat`);
    // Each line is typed once cat has echoed the one before (fixed pauses made it slow); the
    // detach keys come last, and then the end of input, as from a pipe.
    const r = attach(['h14-cat'], 'pipe');
    r.child.stdin!.write('hello\n');
    await r.until(() => r.out.stdout === 'hello\n', 'hello echoed');
    r.child.stdin!.write('x\x10y\n');
    await r.until(() => r.out.stdout.length > 'hello\n'.length, 'the second line echoed');
    r.child.stdin!.end('\x10\x11');
    assert.equal(await r.code, 1, r.out.stderr);
    // A ctrl-p not followed by ctrl-q is passed on as typed.
    assert.equal(r.out.stdout, 'hello\nx\x10y\n');
    assert.equal(r.out.stderr, 'read escape sequence\n');
    assert.equal(await running('h14-cat'), 'running');
    // Its stdin stayed open: a second attach types into the same cat; other keys detach.
    const k = attach(['--detach-keys', 'ctrl-a,x', 'h14-cat'], 'pipe');
    k.child.stdin!.write('again\n');
    await k.until(() => k.out.stdout !== '', 'again echoed');
    k.child.stdin!.end('\x01x');
    assert.deepEqual([await k.code, k.out.stdout, k.out.stderr], [1, 'again\n', 'read escape sequence\n']);
    // --no-stdin: nothing typed reaches it.
    const n = await s.sh(
      `(printf 'ignored\\n'; sleep 3) | timeout --preserve-status -s INT 1.5 $DOCKER attach --no-stdin --sig-proxy=false h14-cat`,
    );
    assert.equal(n.stdout, '');
    assert.equal(await running('h14-cat'), 'running');
    // A container started without -i takes no input (its stdin is empty): what is typed goes nowhere.
    await s.sh(`$DOCKER run -d --name h14-noi $IMAGE sh -c 'read x; echo read:$x; sleep 1000'`);
    await s.until(`$DOCKER logs h14-noi`, (o) => o === 'read:');
    const ni = await s.sh(`(printf 'typed\\n'; sleep 3) | timeout --preserve-status -s INT 1.5 $DOCKER attach --sig-proxy=false h14-noi`);
    assert.equal(ni.stdout, '');
    assert.equal((await s.sh(`$DOCKER logs h14-noi`)).stdout, 'read:\n');
  });

  it('-it from a real terminal: typing runs in the container, ctrl-p ctrl-q detaches', async () => {
    await s.sh(`$DOCKER run -d -it --name h14-tty $IMAGE sh`);
    const docker = `${process.execPath} -- ${dockuiBin} --root ${s.root} --runroot ${s.runRoot}`;
    // A shell stays in the pane after attach: tmux drops what a pane's last program wrote if the
    // pane closes before tmux read it (tmux/tmux#506).
    const t = TmuxSession.start({ command: `${docker} attach h14-tty; echo "EXIT=$?"; read keep_the_pane_alive`, columns: 100, rows: 20 });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      t.type('echo $((6*7)) $(stty size)');
      t.sendKeys('Enter');
      await t.waitFor(/^42 20 100$/m);
      t.sendKeys('C-p', 'C-q');
      await t.waitFor((x) => x.includes('read escape sequence') && x.includes('EXIT=1'), 10_000);
    } finally {
      t.close();
    }
    assert.equal(await running('h14-tty'), 'running');
    // A TTY container's stdin wants a terminal.
    const p = await s.sh(`echo x | $DOCKER attach h14-tty`);
    assert.deepEqual([p.code, p.stderr], [1, 'dockui: the input device is not a TTY\n']);
  });

  it('bad input: one line, non-zero', async () => {
    await s.sh(`$DOCKER create --name h14-idle $IMAGE true`);
    const cases: [string, number, RegExp][] = [
      ['h14-idle', 1, /^dockui: You cannot attach to a stopped container, start it first\n$/],
      ['h14-ghost', 1, /^dockui: .*h14-ghost.*\n$/],
      ['', 1, /^dockui: "dockui attach" requires exactly 1 argument\.\n$/],
      ['--detach-keys ctrl-1 h14-cat', 1, /^dockui: Invalid detach keys \(ctrl-1\) provided.*\n$/],
      ['--bogus h14-cat', 125, /^dockui: unknown flag: --bogus.*\n$/],
    ];
    for (const [args, code, err] of cases) {
      const r = await s.sh(`$DOCKER attach ${args} </dev/null`);
      assert.equal(r.code, code, `${args}: ${r.stderr}`);
      assert.match(r.stderr, err, args);
      assert.equal(r.stdout, '', args);
    }
    const h = await s.sh('$DOCKER attach --help');
    assert.equal(
      h.stdout,
      [
        'Usage:  dockui attach [OPTIONS] CONTAINER',
        '',
        'Attach local standard input, output, and error streams to a running container',
        '',
        'Options:',
        '      --detach-keys string   Override the key sequence for detaching a container',
        '      --no-stdin             Do not attach STDIN',
        '      --sig-proxy            Proxy all received signals to the process (default true)',
        '',
      ].join('\n'),
    );
  });
});
