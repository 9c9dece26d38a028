// `dockui run`'s exit codes in Docker's words, through the real CLI: 125 for dockui's own
// failures (an unknown image, a bad flag), 126 for a command that cannot be invoked, 127 for
// one not found — from the look-up before runc (attached and detached runs) and from runc
// itself (a command on a volume, which only exists once runc mounts it); else the command's.
// stop/kill/rm/restart/pause/unpause that fail on a container: exit 1, as docker's. Any other
// verb's error is 1 too (a thing not there, a missing argument); 125 only for a flag that does
// not parse and for run failing before its command; create's own failures are 1 (docker 20.10).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { registry, repoRoot, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('run exit codes 125/126/127', () => {
  const t = tempRoot('dockui-exit-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    // A file on a volume that is not executable, for runc's own "permission denied".
    const prep = await cli(['run', '--rm', '-v', 'tools:/tools', image, 'touch', '/tools/plain']);
    assert.equal(prep.code, 0, prep.stderr);
  });
  after(() => t.cleanup());

  it('`logs NAME | head -c 1`: dockui ends quietly with 141 when its reader goes away, as docker dies of SIGPIPE', async () => {
    // 300 kB of log: more than a pipe holds, so dockui's writes meet the closed pipe.
    const r = await cli(['run', '--name', 'exit-epipe', image, 'sh', '-c', 'yes dockui | head -c 300000']);
    assert.equal(r.code, 0, r.stderr);
    const p = spawnSync(
      'bash',
      [
        '-c',
        `node ${join(repoRoot, 'bin/dockui.js')} --root ${t.root} logs exit-epipe | head -c 1 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(p.stdout, 'rc=141\n', p.stderr);
    assert.equal(p.stderr, '');
    assert.equal((await cli(['rm', 'exit-epipe'])).code, 0);
  });

  const cases: [string, string[], number, RegExp][] = [
    ['an image that does not exist', ['run', '--rm', `${registry('plain')}/fixture/no-such-image`], 125, /not found/],
    ['an unknown flag', ['run', '--bogus', image, 'true'], 125, /^dockui: unknown flag: --bogus/],
    ['a command not in PATH', ['run', '--rm', image, 'no-such-binary'], 127, /exec: "no-such-binary": executable file not found in \$PATH/],
    [
      'a missing path, detached',
      ['run', '-d', image, '/nope/bin'],
      127,
      /exec: "\/nope\/bin": stat \/nope\/bin: no such file or directory/,
    ],
    ['a missing path, followed', ['run', image, '/nope/bin'], 127, /no such file or directory/],
    ['a file that is not executable', ['run', '--rm', image, '/etc/passwd'], 126, /exec: "\/etc\/passwd": permission denied/],
    ['a file that is not executable, detached', ['run', '-d', image, '/etc/passwd'], 126, /permission denied/],
    [
      "runc's own not found (on a volume)",
      ['run', '--rm', '-v', 'tools:/tools', image, '/tools/none'],
      127,
      /stat \/tools\/none: no such file/,
    ],
    ["runc's own not found, detached", ['run', '-d', '-v', 'tools:/tools', image, '/tools/none'], 127, /stat \/tools\/none: no such file/],
    [
      "runc's own permission denied",
      ['run', '--rm', '-v', 'tools:/tools', image, '/tools/plain'],
      126,
      /exec: "\/tools\/plain": permission denied/,
    ],
  ];
  for (const [what, args, code, re] of cases)
    it(`${what}: exit ${code}`, async () => {
      const r = await cli(args);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
    });

  it("the command's own exit code passes through, 125-127 included", async () => {
    const [three, c126, c127] = await Promise.all([
      cli(['run', '--rm', image, 'sh', '-c', 'exit 3']),
      cli(['run', '--rm', image, 'sh', '-c', 'exit 126']),
      cli(['run', '--rm', image, 'sh', '-c', 'no-such-binary']),
    ]);
    assert.equal(three.code, 3);
    assert.equal(c126.code, 126);
    // sh's own 127 for a command it cannot find, with sh's words, not dockui's.
    assert.equal(c127.code, 127);
    assert.match(c127.stderr, /no-such-binary: not found/);
    assert.doesNotMatch(c127.stderr, /dockui:/);
  });

  it('stop, kill, rm, restart, pause, unpause on a container that is not there, or not in a fit state: one line, exit 1, with one name as with several (docker 20.10)', async () => {
    const made = await cli(['create', '--name', 'exit-made', image, 'true']);
    assert.equal(made.code, 0, made.stderr);
    for (const verb of ['stop', 'kill', 'rm', 'restart', 'pause', 'unpause']) {
      const r = await cli([verb, 'exit-ghost']);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'dockui: no such container: exit-ghost\n'], verb);
    }
    // docker: "Cannot kill container: exit-made: Container … is not running", exit 1.
    const kill = await cli(['kill', 'exit-made']);
    assert.deepEqual([kill.code, kill.stdout], [1, '']);
    assert.match(kill.stderr, /^dockui: cannot kill container exit-made: it is created\n$/);
    const several = await cli(['rm', 'exit-made', 'exit-ghost']);
    assert.deepEqual([several.code, several.stdout, several.stderr], [1, 'exit-made\n', 'dockui: no such container: exit-ghost\n']);
  });

  it('other verbs: a missing thing or argument exits 1, a flag that does not parse 125, create 1 unless a flag (docker 20.10)', async () => {
    const up = await cli(['run', '-d', '--name', 'exit-up', image, 'sleep', '100']);
    assert.equal(up.code, 0, up.stderr);
    const cases: [string[], number, RegExp][] = [
      [['inspect', 'exit-ghost'], 1, /no such object: exit-ghost/],
      [['logs', 'exit-ghost'], 1, /no such container: exit-ghost/],
      [['start', 'exit-ghost'], 1, /no such container: exit-ghost/],
      [['exec', 'exit-ghost', 'true'], 1, /no such container: exit-ghost/],
      [['port', 'exit-ghost'], 1, /no such container: exit-ghost/],
      [['top', 'exit-ghost'], 1, /no such container: exit-ghost/],
      [['history', 'exit-ghost'], 1, /no such image: exit-ghost/],
      [['rmi', 'exit-ghost'], 1, /no such image: exit-ghost/],
      [['tag', 'exit-ghost', 'x'], 1, /no such image: exit-ghost/],
      [['pull', 'Bad:Ref'], 1, /invalid reference format/],
      [['logs'], 1, /'dockui logs'/],
      [['history'], 1, /requires exactly 1 argument/],
      [['run'], 1, /an image is required/],
      [['create', `${registry('plain')}/fixture/no-such-image`], 1, /not found/],
      [['create', '--name', 'exit-up', image], 1, /already in use/],
      [['run', '--name', 'exit-up', image], 125, /already in use/],
      [['logs', '--bogus', 'exit-up'], 125, /unknown flag: --bogus/],
      [['create', '--bogus', image], 125, /unknown flag: --bogus/],
      [['stop', '-t', 'abc', 'exit-up'], 125, /invalid --time: abc/],
      [['ps', '--filter', 'bogus'], 125, /invalid filter "bogus"/],
      [['ps', '--filter', 'bogus=1'], 1, /unknown filter "bogus"/],
      [['images', '--filter', 'bogus'], 125, /bad format of filter/],
      [['search'], 1, /"dockui search" requires exactly 1 argument/],
      [['search', '--limit', '0', `${registry('plain')}/x`], 1, /Limit 0 is outside the range of \[1, 100\]/],
      [['search', '-f', 'bogus=1', `${registry('plain')}/x`], 1, /Invalid filter 'bogus'/],
      [['search', '-f', 'bogus', `${registry('plain')}/x`], 125, /invalid filter "bogus"/],
      [['search', '--limit', 'abc', `${registry('plain')}/x`], 125, /invalid argument "abc" for "--limit" flag/],
      [['search', `${registry('plain')}/fixture/no-such-thing`, '--list-tags'], 1, /not found/],
      [['compose', '-f', '/nonexistent/compose.yaml', 'ps'], 1, /nonexistent/],
    ];
    for (const [args, code, err] of cases) {
      const r = await cli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, err, args.join(' '));
    }
    // dockerd's --tail: a value that is no count shows every line.
    const lines = await cli(['run', '--name', 'exit-lines', image, 'sh', '-c', 'echo a; echo b']);
    assert.equal(lines.code, 0, lines.stderr);
    const tail = await cli(['logs', '--tail', 'abc', 'exit-lines']);
    assert.deepEqual([tail.code, tail.stdout], [0, 'a\nb\n'], tail.stderr);
    assert.equal((await cli(['rm', '-f', 'exit-up', 'exit-lines'])).code, 0);
  });
});
