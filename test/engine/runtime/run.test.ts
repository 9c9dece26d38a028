// `dockui run` end to end with real runc, conmon, slirp4netns and the fixture registry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin } from '../../helpers/env.js';
import { eventually, setupFixture, sleep, type Fixture } from './cli-helpers.js';

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

describe('dockui run', () => {
  let f: Fixture;
  before(async () => {
    f = await setupFixture('dockui-run-', ['busybox', 'layers', 'web']);
  });
  after(async () => f.cleanup());

  it('prints the output, keeps stdout and stderr apart, and exits with the exit code', async () => {
    const hi = await f.cli(['run', '--rm', f.busybox, 'echo', 'hi']);
    assert.equal(hi.code, 0, hi.stderr);
    assert.equal(hi.stdout, 'hi\n');
    const three = await f.cli(['run', '--rm', '--network', 'none', f.busybox, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(three.code, 3);
    assert.equal(three.stdout, 'out\n');
    assert.equal(three.stderr, 'err\n');
  });

  it('stacks the layers of fixture/layers with their whiteouts and opaque dirs', async () => {
    assert.equal(await f.ok(['run', '--rm', f.layers]), 'motd from layer 3\n');
    const listing = await f.ok(['run', '--rm', f.layers, 'sh', '-c', 'find /data | sort; pwd; echo $FOO']);
    assert.equal(listing, '/data\n/data/b.txt\n/data/dir\n/data/dir/d.txt\n/data\nbar\n');
  });

  it('applies entrypoint, env, workdir, user and hostname overrides like docker', async () => {
    const envFile = `${f.root}/env.list`;
    await import('node:fs/promises').then((fs) => fs.writeFile(envFile, '# comment\nFROM_FILE=1\nFOO=file\n'));
    const out = await f.ok([
      'run',
      '--rm',
      '-e',
      'FOO=cli',
      '--env-file',
      envFile,
      '-w',
      '/made/here',
      '-u',
      '1000:50',
      '--hostname',
      'boxy',
      '--entrypoint',
      'sh',
      f.layers,
      '-c',
      'echo $FOO $FROM_FILE; pwd; id -u; id -g; hostname; cat /etc/hostname',
    ]);
    assert.equal(out, 'cli 1\n/made/here\n1000\n50\nboxy\nboxy\n');
    const ro = await f.cli([
      'run',
      '--rm',
      '--read-only',
      '--tmpfs',
      '/scratch',
      f.busybox,
      'sh',
      '-c',
      'touch /scratch/ok && touch /nope',
    ]);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /Read-only file system/);
  });

  it('publishes a port, streams logs -f, execs inside, and stops within the grace time', async () => {
    const id = (await f.ok(['run', '-d', '--name', 'web', '-p', '18080:8080', f.web])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const body = await eventually(() => httpGet('http://127.0.0.1:18080/'), 10_000, 'the web fixture');
    assert.match(body, /hello from dockui fixture/);

    // logs -f streams what the container writes after it started following.
    const follower = spawn(process.execPath, [dockuiBin, 'logs', '-f', 'web'], { env: { ...process.env, DOCKUI_ROOT: f.root } });
    let followed = '';
    follower.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    follower.stderr.on('data', (d: Buffer) => (followed += d.toString()));
    await sleep(300);
    await f.ok(['exec', 'web', 'sh', '-c', 'echo from-exec > /proc/1/fd/1']);
    await eventually(async () => followed.includes('from-exec'), 10_000, 'logs -f to show new output');

    // exec runs in the container's namespaces: its hostname, its pid 1, its files.
    const inside = await f.ok([
      'exec',
      '-e',
      'X=1',
      '-w',
      '/www',
      'web',
      'sh',
      '-c',
      'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; pwd; echo $X',
    ]);
    const [hostname, pid1, pwd, x] = inside.split('\n');
    assert.equal(hostname, id.slice(0, 12));
    assert.match(pid1!, /httpd/);
    assert.equal(pwd, '/www');
    assert.equal(x, '1');

    // The container ends (conmon's exit time) within the grace time + 1 s of dockui's stop
    // starting: the CLI's own start-up (as long as a `dockui version` takes here) comes first.
    const bootStart = Date.now();
    await f.ok(['version']);
    const boot = Date.now() - bootStart;
    const started = Date.now();
    await f.ok(['stop', '-t', '1', 'web']);
    const finished = Date.parse((await f.ok(['inspect', '-f', '{{.State.FinishedAt}}', 'web'])).trim());
    assert.ok(
      finished - started < 2000 + boot,
      `container ended ${finished - started} ms after stop (grace 1 s + 1 s + ${boot} ms start-up)`,
    );
    assert.ok(Date.now() - started < 6000, `stop took ${Date.now() - started} ms`);
    await eventually(async () => follower.exitCode !== null, 5000, 'logs -f to end with the container');
    assert.equal((await f.ok(['inspect', '-f', '{{.State.ExitCode}}', 'web'])).trim(), '137');
    assert.equal((await f.ok(['inspect', '-f', '{{.State.Status}}', 'web'])).trim(), 'exited');
    await f.ok(['rm', 'web']);
  });

  it('publishes the image EXPOSEd ports on free host ports with -P', async () => {
    const id = (await f.ok(['run', '-d', '-P', f.layers, 'httpd', '-f', '-p', '8080', '-h', '/data'])).trim();
    const ports = JSON.parse(await f.ok(['inspect', '-f', '{{json .NetworkSettings.Ports}}', id])) as Record<
      string,
      { HostPort: string }[]
    >;
    const hostPort = Number(ports['8080/tcp']?.[0]?.HostPort);
    assert.ok(hostPort > 0, JSON.stringify(ports));
    assert.match(await eventually(() => httpGet(`http://127.0.0.1:${hostPort}/b.txt`), 10_000, '-P port'), /./);
    assert.match(await f.ok(['ps']), new RegExp(`0\\.0\\.0\\.0:${hostPort}->8080/tcp`));
    await f.ok(['rm', '-f', id]);
  });

  it('gives -it a working shell in a pty', async () => {
    // script(1) gives the CLI a real terminal, as a user's would be (with a size, as a window has:
    // a 0×0 pty costs dockui's 2 s wait for one). `exit 4` once the shell has answered.
    const cmd = `stty rows 24 cols 80; ${process.execPath} ${dockuiBin} run -it --rm --hostname ttybox ${f.busybox} sh`;
    const out = await new Promise<{ code: number; text: string }>((resolve) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, DOCKUI_ROOT: f.root } });
      let text = '';
      let ended = false;
      const end = () => {
        if (!ended) child.stdin.end('exit 4\n');
        ended = true;
      };
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (/^42\r?$/m.test(text)) end();
      });
      child.on('close', (code) => resolve({ code: code ?? -1, text }));
      child.stdin.write('tty; hostname; echo $((6*7))\n');
      setTimeout(end, 20_000).unref();
    });
    const text = out.text.replace(/\r/g, '');
    assert.match(text, /^\/dev\/pts\/\d+$/m);
    assert.match(text, /^ttybox$/m);
    assert.match(text, /^42$/m);
    assert.equal(out.code, 4);
  });

  it('enforces --memory (the OOM kill is recorded) and --pids-limit', async () => {
    const oom = await f.cli(['run', '--name', 'oom', '-m', '16m', f.busybox, 'sh', '-c', 'x=a; while true; do x=$x$x$x$x; done']);
    assert.equal(oom.code, 137);
    assert.equal((await f.ok(['inspect', '-f', '{{.State.OOMKilled}}', 'oom'])).trim(), 'true');
    assert.match(await f.ok(['ps', '-a', '--filter', 'name=oom']), /Exited \(137\) \[oom\]/);
    await f.ok(['rm', 'oom']);
    const pids = await f.cli(['run', '--rm', '--pids-limit', '12', f.busybox, 'sh', '-c', 'for i in $(seq 1 20); do sleep 1 & done; wait']);
    assert.match(pids.stderr, /can't fork/);
  });

  it('runs --init with tini as pid 1', async () => {
    const out = await f.ok(['run', '--rm', '--init', f.busybox, 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']);
    assert.match(out, /^\/sbin\/docker-init -- sh -c/);
  });

  it('fills a named volume from the image on first use, and binds host dirs read-only', async () => {
    await f.ok(['run', '--rm', '-v', 'motd:/data', f.layers, 'sh', '-c', 'echo new > /data/new.txt']);
    const again = await f.ok(['run', '--rm', '-v', 'motd:/vol', f.busybox, 'sh', '-c', 'ls /vol | sort | tr "\\n" " "']);
    assert.equal(again, 'b.txt dir new.txt ');
    assert.match(await f.ok(['volume', 'ls']), /motd/);
    const ro = await f.cli(['run', '--rm', '-v', `${f.root}:/host:ro`, f.busybox, 'sh', '-c', 'ls /host >/dev/null && touch /host/x']);
    assert.equal(ro.code, 1);
    await f.ok(['volume', 'rm', 'motd']);
  });

  it('gives -v /path and each VOLUME of the image an anonymous volume, filled from the image, gone with --rm or rm -v', async () => {
    const anon = async () => (await f.ok(['volume', 'ls', '-q'])).split('\n').filter((n) => /^[0-9a-f]{64}$/.test(n));
    const ctx = mkdtempSync(join(tmpdir(), 'dockui-vol-ctx-'));
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${f.busybox}\nRUN mkdir -p /seed && echo seeded > /seed/s.txt\nVOLUME /seed\n`);
    await f.ok(['build', '-q', '-t', 'volimg', ctx]);
    rmSync(ctx, { recursive: true, force: true });
    // --rm: filled from the image, writable, removed with the container.
    assert.equal(
      await f.ok(['run', '--rm', 'volimg', 'sh', '-c', 'cat /seed/s.txt; echo x > /seed/x; mount | grep -c " /seed "']),
      'seeded\n1\n',
    );
    assert.deepEqual(await anon(), []);
    // `-v /path` in the CLI's form, plus the image's: two anonymous volumes kept until rm -v.
    await f.ok(['run', '--name', 'keeps', '-v', '/scratch', 'volimg', 'sh', '-c', 'echo kept > /seed/k; echo s > /scratch/s']);
    assert.equal((await anon()).length, 2);
    await f.ok(['rm', 'keeps']);
    assert.equal((await anon()).length, 2, 'rm without -v keeps them, as Docker does');
    for (const n of await anon()) await f.ok(['volume', 'rm', n]);
    await f.ok(['run', '--name', 'drops', 'volimg', 'true']);
    assert.equal((await anon()).length, 1);
    await f.ok(['rm', '-v', 'drops']);
    assert.deepEqual(await anon(), []);
    // A mount of the run at the VOLUME path wins: no anonymous volume for it.
    assert.equal(await f.ok(['run', '--rm', '-v', 'named:/seed', 'volimg', 'cat', '/seed/s.txt']), 'seeded\n');
    assert.deepEqual(await anon(), []);
    await f.ok(['volume', 'rm', 'named']);
    await f.ok(['rmi', 'volimg']);
  });
});
