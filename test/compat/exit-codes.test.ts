// `dockui run`'s exit codes in Docker's words, through the real CLI: 125 for dockui's own
// failures (an unknown image, a bad flag), 126 for a command that cannot be invoked, 127 for
// one not found — from the look-up before runc (attached and detached runs) and from runc
// itself (a command on a volume, which only exists once runc mounts it); else the command's.
// stop/kill/rm/restart/pause/unpause that fail on a container: exit 1, as docker's. Any other
// verb's error is 1 too (a thing not there, a missing argument); 125 only for a flag that does
// not parse and for run failing before its command; create's own failures are 1 (docker 20.10).
// A flag value docker's CLI parses itself (-p, --memory, --cpus, --restart's form, --ulimit...)
// is such a flag error for create too: docker's message line, 125.
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

  it("create and run: a value docker's CLI parses itself is refused in its words, exit 125, nothing made; the daemon's checks stay 1 for create (docker 20.10)", async () => {
    const flagErrors: [string[], string][] = [
      [['-p', 'bogus'], 'Invalid containerPort: bogus'],
      [['-p', '99999:80'], 'Invalid hostPort: 99999'],
      [['-p', '80:80/sctpx'], 'Invalid proto: sctpx'],
      [['-p', 'bogus:80:80'], 'Invalid ip address: bogus'],
      [['-p', '1-2:3-5'], 'Invalid ranges specified for container and host Ports: 3-5 and 1-2'],
      [['-p', '80:'], 'No port specified: 80:<empty>'],
      [['-p', 'target=80,published'], "invalid publish opts format (should be name=value but got 'published')"],
      [['--memory', 'abc'], `invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'`],
      [['-m', '1.2.3'], 'invalid argument "1.2.3" for "-m, --memory" flag: strconv.ParseFloat: parsing "1.2.3": invalid syntax'],
      [['--shm-size', '-5'], `invalid argument "-5" for "--shm-size" flag: invalid size: '-5'`],
      [['--cpus', 'abc'], 'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number'],
      [['--cpus', '1e-10'], 'invalid argument "1e-10" for "--cpus" flag: value is too precise'],
      [['--restart', 'on-failure:x'], 'maximum retry count must be an integer'],
      [['--restart', 'a:b:c'], 'invalid restart policy format'],
      [['--ulimit', 'bogus'], 'invalid argument "bogus" for "--ulimit" flag: invalid ulimit argument: bogus'],
      [['--ulimit', 'nofile=abc'], 'invalid argument "nofile=abc" for "--ulimit" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
      [['--pids-limit', 'abc'], 'invalid argument "abc" for "--pids-limit" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
      [['--stop-timeout', '1.5'], 'invalid argument "1.5" for "--stop-timeout" flag: strconv.ParseInt: parsing "1.5": invalid syntax'],
      [['-e', '=x'], 'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x'],
      [['-l', 'a b=1'], `invalid argument "a b=1" for "-l, --label" flag: label 'a b' contains whitespaces`],
      [['--expose', 'bogus'], 'invalid range format for --expose: bogus, error: strconv.ParseUint: parsing "bogus": invalid syntax'],
      [['--add-host', 'bogus'], 'invalid argument "bogus" for "--add-host" flag: bad format for add-host: "bogus"'],
      [['--dns', 'bogus'], 'invalid argument "bogus" for "--dns" flag: bogus is not an ip address'],
      [['--dns-search', 'bad..x'], 'invalid argument "bad..x" for "--dns-search" flag: bad..x is not a valid domain'],
      [['--sysctl', 'foo'], `invalid argument "foo" for "--sysctl" flag: sysctl 'foo' is not whitelisted`],
      [['--mount', 'type=bind'], 'invalid argument "type=bind" for "--mount" flag: target is required'],
      [['--device', 'bogus'], 'bogus is not an absolute path'],
      [['--security-opt', 'bogus'], 'Invalid --security-opt: "bogus"'],
      [['--pid', 'bogus'], '--pid: invalid PID mode'],
      [['--health-interval', '-1s'], '--health-interval cannot be negative'],
      [['--log-driver', 'none', '--log-opt', 'max-size=1m'], 'invalid logging opts for driver none'],
    ];
    for (const verb of ['create', 'run'])
      for (const [flags, line] of flagErrors) {
        const r = await cli([verb, '--name', 'exit-flag', ...flags, image, 'true']);
        assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', `dockui: ${line}\n`], `${verb} ${flags.join(' ')}`);
      }
    // What only dockerd checks: a create refused with exit 1 (run: 125).
    for (const [flags, err] of [
      [['--restart', 'bogus'], /invalid restart policy 'bogus'/],
      [['--restart', 'no:2'], /maximum retry count cannot be used with restart policy 'no'/],
      [['--memory', '1k'], /--memory must be at least 6m/],
      [['--cpus', '-1'], /Range of CPUs is from 0\.01/],
    ] as [string[], RegExp][]) {
      const r = await cli(['create', '--name', 'exit-flag', ...flags, image, 'true']);
      assert.equal(r.code, 1, `create ${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, err);
    }
    assert.equal((await cli(['ps', '-aq', '--filter', 'name=exit-flag'])).stdout, '');
    // The forms docker's CLI takes, as it sends them: -p's long form, sizes in bytes, a fraction of CPUs, base prefixes.
    const made = await cli([
      'create',
      '--name',
      'exit-flag',
      '-p',
      'target=80,published=18080',
      '--memory',
      '1 g',
      '--cpus',
      '1/2',
      '--pids-limit',
      '0x10',
      '--restart',
      'on-failure:+3',
      '--shm-size',
      '1m',
      image,
      'true',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const i = await cli([
      'inspect',
      '-f',
      '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{json .HostConfig.RestartPolicy}} {{.HostConfig.ShmSize}} {{json .NetworkSettings.Ports}}',
      'exit-flag',
    ]);
    assert.equal(
      i.stdout,
      '1073741824 500000000 16 {"Name":"on-failure","MaximumRetryCount":3} 1048576 {"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"18080"},{"HostIp":"::","HostPort":"18080"}]}\n',
    );
    assert.equal((await cli(['rm', 'exit-flag'])).code, 0);
  });
});
